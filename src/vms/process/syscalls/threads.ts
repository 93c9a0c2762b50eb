import { HartState, NUM_RESERVATION } from '../../../machine/hart.js';
import { PAGE_SIZE, PROT_R, PROT_W } from '../../../machine/memory.js';
import {
  CLOCK_MONOTONIC, CLOCK_REALTIME, CLONE_CHILD_CLEARTID, CLONE_CHILD_SETTID, CLONE_CLEAR_SIGHAND,
  CLONE_DETACHED, CLONE_FILES, CLONE_FS, CLONE_INTO_CGROUP, CLONE_IO, CLONE_NEWNS, CLONE_NEWTIME, CLONE_PARENT_SETTID, CLONE_PIDFD,
  CLONE_SETTLS, CLONE_SIGHAND, CLONE_SYSVSEM, CLONE_THREAD, CLONE_UNTRACED, CLONE_VM, CSIGNAL,
  FUTEX_CLOCK_REALTIME, FUTEX_CMP_REQUEUE, FUTEX_CMP_REQUEUE_PI, FUTEX_LOCK_PI, FUTEX_LOCK_PI2,
  FUTEX_OWNER_DIED, FUTEX_REQUEUE, FUTEX_TID_MASK, FUTEX_TRYLOCK_PI, FUTEX_UNLOCK_PI, FUTEX_WAIT,
  FUTEX_WAIT_BITSET, FUTEX_WAIT_REQUEUE_PI, FUTEX_WAITERS, FUTEX_WAKE, FUTEX_WAKE_BITSET, FUTEX_WAKE_OP,
} from '../abi.js';
import { E2BIG, EAGAIN, EDEADLK, EINTR, EINVAL, ENOSYS, EPERM, ESRCH, ETIMEDOUT, fail } from '../errno.js';
import { int, size, uint, type LinuxKernel } from '../kernel.js';
import { FUTEX_BITSET_ANY } from '../scheduler.js';
import { syscallName } from '../syscall-names.js';
import { Thread } from '../thread.js';
import { SignalState, restartsAfter } from './signals.js';
import { clockNow } from './time.js';
import { ExitRequest, YIELD, type Args, type SyscallDef } from './types.js';

/**
 * Threads: clone/clone3 for CLONE_THREAD, thread exit, tids, robust lists, sched_yield, and
 * futexes with real wait queues (the scheduler's). A new thread is a new hart with a copy of
 * the caller's registers; memory, files, cwd and signal handlers stay the process's.
 *
 * Only threads are supported: a clone that would create a process (no CLONE_VM, vfork, fork,
 * posix_spawn) returns -ENOSYS with a one-time warning, as before threads existed.
 */

const NS = 1_000_000_000n;

/** What clone must share for the child to be a thread of this process. */
const THREAD_FLAGS = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD;
/** Flags a thread may add: those we honour, and those that change nothing here. */
const THREAD_OPTIONAL = CLONE_SYSVSEM | CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID |
  CLONE_CHILD_SETTID | CLONE_DETACHED | CLONE_UNTRACED | CLONE_IO;

interface CloneRequest {
  /** The low 32 flag bits (clone3's higher ones are checked before). */
  flags: number;
  /** The child's sp, or undefined to keep the caller's. */
  stack: bigint | undefined;
  tls: bigint;
  parentTid: bigint;
  childTid: bigint;
}

function unsupported(k: LinuxKernel, nr: number): never {
  k.warnOnce(`nr:${nr}`, `univm: warning: unsupported system call ${nr} (${syscallName(nr)}); returning -ENOSYS`);
  fail(ENOSYS);
}

/** Linux's consistency checks of copy_process, then a thread or ENOSYS. */
function cloneCommon(k: LinuxKernel, nr: number, req: CloneRequest): number {
  const f = req.flags;
  if ((f & (CLONE_NEWNS | CLONE_FS)) === (CLONE_NEWNS | CLONE_FS)) fail(EINVAL);
  if ((f & CLONE_THREAD) && !(f & CLONE_SIGHAND)) fail(EINVAL);
  if ((f & CLONE_SIGHAND) && !(f & CLONE_VM)) fail(EINVAL);
  if ((f & CLONE_PIDFD) && (f & CLONE_THREAD)) fail(EINVAL);
  if ((f & THREAD_FLAGS) !== THREAD_FLAGS || (f & ~(THREAD_FLAGS | THREAD_OPTIONAL | CSIGNAL)) !== 0) unsupported(k, nr);
  return spawnThread(k, req);
}

/** Creates the thread: the caller's registers, the new sp and tp, a0 = 0, pc after the ecall. */
function spawnThread(k: LinuxKernel, req: CloneRequest): number {
  const parent = k.current;
  const tid = k.sched.allocTid();
  const hart = k.mem.newHart();
  hart.bytes.set(parent.hart.bytes);
  hart.instret = 0;
  hart.num[NUM_RESERVATION] = -1;
  hart.pc = parent.hart.pc + 4;
  hart.x[10] = 0n;
  if (req.stack !== undefined) hart.x[2] = req.stack;
  if (req.flags & CLONE_SETTLS) hart.x[4] = req.tls;
  const signals = new SignalState(parent.signals.shared);
  signals.blocked = parent.signals.blocked; // the alternate stack is not inherited by threads
  const t = new Thread(tid, hart, signals);
  if (req.flags & CLONE_CHILD_CLEARTID) t.clearChildTid = req.childTid;
  // Linux ignores faults on these two stores.
  if (req.flags & CLONE_PARENT_SETTID) { try { k.writeI32(req.parentTid, tid); } catch { /* ignored */ } }
  if (req.flags & CLONE_CHILD_SETTID) { try { k.writeI32(req.childTid, tid); } catch { /* ignored */ } }
  k.sched.add(t);
  return tid;
}

/** clone(flags, newsp, parent_tid, tls, child_tid): riscv64 has the CLONE_BACKWARDS order. */
function clone(k: LinuxKernel, a: Args): number {
  const flags = Number(BigInt.asUintN(32, a[0]));
  if ((flags & CLONE_PIDFD) && (flags & CLONE_PARENT_SETTID)) fail(EINVAL);
  return cloneCommon(k, 220, { flags, stack: a[1] === 0n ? undefined : a[1], parentTid: a[2], tls: a[3], childTid: a[4] });
}

/** struct clone_args: flags pidfd child_tid parent_tid exit_signal stack stack_size tls set_tid set_tid_size cgroup (u64 each). */
const CLONE_ARGS_SIZE_VER0 = 64, CLONE_ARGS_SIZE_VER2 = 88;

function clone3(k: LinuxKernel, a: Args): number {
  const len = size(a[1]);
  if (len < CLONE_ARGS_SIZE_VER0) fail(EINVAL);
  if (len > PAGE_SIZE) fail(E2BIG);
  const raw = k.bytesIn(a[0], len);
  // A newer struct is fine as long as the fields we do not know are zero.
  for (let i = CLONE_ARGS_SIZE_VER2; i < len; i++) if (raw[i] !== 0) fail(E2BIG);
  const dv = new DataView(raw.buffer, raw.byteOffset, len);
  const u64 = (off: number) => (off + 8 <= len ? dv.getBigUint64(off, true) : 0n);
  const flags = u64(0), childTid = u64(16), parentTid = u64(24), exitSignal = u64(32);
  const stack = u64(40), stackSize = u64(48), tls = u64(56), setTid = u64(64), setTidSize = u64(72);
  if (flags & ~(0xffffffffn | CLONE_CLEAR_SIGHAND | CLONE_INTO_CGROUP)) fail(EINVAL);
  const low = Number(flags & 0xffffffffn);
  if ((low & ((CSIGNAL & ~CLONE_NEWTIME) | CLONE_DETACHED)) || exitSignal > 64n) fail(EINVAL);
  if ((flags & CLONE_CLEAR_SIGHAND) && (low & CLONE_SIGHAND)) fail(EINVAL);
  if ((stack === 0n) !== (stackSize === 0n)) fail(EINVAL);
  if (setTidSize > 32n || (setTid === 0n && setTidSize !== 0n) || (setTid !== 0n && setTidSize === 0n)) fail(EINVAL);
  if (setTidSize !== 0n) fail(EPERM); // choosing the tid needs CAP_SYS_ADMIN
  if (flags >> 32n) unsupported(k, 435); // CLONE_CLEAR_SIGHAND, CLONE_INTO_CGROUP: not for threads
  return cloneCommon(k, 435, { flags: low, stack: stack === 0n ? undefined : BigInt.asIntN(64, stack + stackSize), parentTid, tls, childTid });
}

// ---------------------------------------------------------------- exit

function exit(_k: LinuxKernel, a: Args): ExitRequest {
  return new ExitRequest(int(a[0]) & 0xff, true);
}

/**
 * What Linux does when a thread ends while others remain: robust futexes it still holds are
 * marked FUTEX_OWNER_DIED (and a waiter woken), then clear_child_tid is zeroed and woken, which
 * is what pthread_join waits for. The thread then leaves the scheduler.
 */
export function exitThread(k: LinuxKernel, t: Thread): void {
  try { exitRobustList(k, t); } catch { /* a bad list is ignored, as in Linux */ }
  if (t.clearChildTid !== 0n) {
    try {
      k.writeU32(t.clearChildTid, 0);
      k.sched.futexWake(k.addr(t.clearChildTid), 1);
    } catch { /* ignored */ }
  }
  k.sched.exit(t);
  k.mem.releaseHart(t.hart);
}

const ROBUST_LIST_LIMIT = 2048;

function exitRobustList(k: LinuxKernel, t: Thread): void {
  const head = t.robustList[0];
  if (head === 0n) return;
  let entry = k.readU64(head);
  const offset = k.readI64(head + 8n);
  const pending = k.readU64(head + 16n);
  for (let n = 0; (entry & ~1n) !== head && n < ROBUST_LIST_LIMIT; n++) {
    const at = entry & ~1n;
    const next = k.readU64(at);
    if (at !== (pending & ~1n)) futexOwnerDied(k, t, at + offset, (entry & 1n) !== 0n);
    entry = next;
  }
  if (pending !== 0n) futexOwnerDied(k, t, (pending & ~1n) + offset, (pending & 1n) !== 0n);
}

function futexOwnerDied(k: LinuxKernel, t: Thread, uaddr: bigint, pi: boolean): void {
  if (uaddr & 3n) return;
  const val = k.readU32(uaddr);
  if ((val & FUTEX_TID_MASK) !== t.tid) return;
  k.writeU32(uaddr, (val & FUTEX_WAITERS) | FUTEX_OWNER_DIED);
  // A PI waiter runs its lock call again and takes the lock (owner 0, OWNER_DIED set).
  if (val & FUTEX_WAITERS) k.sched.futexWake(k.addr(uaddr), 1, FUTEX_BITSET_ANY, pi ? 'restart' : 0n);
}

// ---------------------------------------------------------------- ids and robust lists

function setTidAddress(k: LinuxKernel, a: Args): number {
  k.current.clearChildTid = a[0];
  return k.current.tid;
}

function setRobustList(k: LinuxKernel, a: Args): number {
  if (size(a[1]) !== 24) fail(EINVAL);
  k.current.robustList = [a[0], a[1]];
  return 0;
}

function getRobustList(k: LinuxKernel, a: Args): number {
  const pid = int(a[0]);
  const t = pid === 0 ? k.current : k.sched.find(pid);
  if (!t) fail(ESRCH);
  k.writeU64(a[1], t.robustList[0]);
  k.writeU64(a[2], 24n);
  return 0;
}

// ---------------------------------------------------------------- futex

/** A struct timespec argument in ns (EINVAL when malformed). */
function timespecNs(k: LinuxKernel, at: bigint): bigint {
  const sec = k.readI64(at), nsec = k.readI64(at + 8n);
  if (sec < 0n || nsec < 0n || nsec >= NS) fail(EINVAL);
  return sec * NS + nsec;
}

/** The host monotonic deadline of a futex timeout: relative for FUTEX_WAIT, absolute on the chosen clock otherwise. */
function futexDeadline(k: LinuxKernel, timeout: bigint, relative: boolean, realtime: boolean): bigint {
  if (relative) return k.host.monotonicNs() + timeout;
  // The guest's clock is read before the host's: time passing between the two reads (a busy
  // host can preempt us there for milliseconds) then makes the wait longer, never shorter than
  // the absolute timeout asks. The other order can end a wait early by that much; it is the
  // likely cause of a pthread_mutex_timedlock that returned ETIMEDOUT after 'waited < 30 ms',
  // seen once in thread_timeouts on a loaded host.
  const left = timeout - clockNow(k, realtime ? CLOCK_REALTIME : CLOCK_MONOTONIC);
  return k.host.monotonicNs() + left;
}

function hex(a: number): string { return `0x${a.toString(16)}`; }

/**
 * futex(uaddr, op, val, timeout | val2, uaddr2, val3). The key is the word's guest address
 * (private and shared futexes are the same thing in one address space).
 */
function futex(k: LinuxKernel, a: Args): number {
  const op = int(a[1]);
  const cmd = op & 127;
  const realtime = (op & FUTEX_CLOCK_REALTIME) !== 0;
  if (realtime && cmd !== FUTEX_WAIT && cmd !== FUTEX_WAIT_BITSET && cmd !== FUTEX_WAIT_REQUEUE_PI && cmd !== FUTEX_LOCK_PI2) fail(ENOSYS);
  const uaddr = a[0];
  const val = uint(a[2]);
  if (uaddr & 3n) fail(EINVAL);
  const addr = k.addr(uaddr);
  switch (cmd) {
    case FUTEX_WAIT:
    case FUTEX_WAIT_BITSET:
    case FUTEX_WAIT_REQUEUE_PI: {
      const bitset = cmd === FUTEX_WAIT_BITSET ? uint(a[5]) : FUTEX_BITSET_ANY;
      if (bitset === 0) fail(EINVAL);
      const timeout = a[3] === 0n ? undefined : timespecNs(k, a[3]);
      if (k.readU32(uaddr) !== val) fail(EAGAIN);
      if (!k.mayBlock()) return waitAlone(k, timeout, cmd === FUTEX_WAIT, realtime);
      if (cmd === FUTEX_WAIT_REQUEUE_PI) fail(ENOSYS);
      const deadline = timeout === undefined ? undefined : futexDeadline(k, timeout, cmd === FUTEX_WAIT, realtime);
      k.blockOn({
        what: `futex wait on ${hex(addr)}`,
        futex: { addr, bitset },
        deadline,
        timeout: () => BigInt(-ETIMEDOUT),
        // Linux restarts an untimed wait after an SA_RESTART handler; a timed one returns EINTR.
        interrupted: (sig) => (deadline === undefined && restartsAfter(k, sig) ? 'restart' : BigInt(-EINTR)),
      });
    }
    case FUTEX_WAKE:
    case FUTEX_WAKE_BITSET: {
      const bitset = cmd === FUTEX_WAKE_BITSET ? uint(a[5]) : FUTEX_BITSET_ANY;
      if (bitset === 0) fail(EINVAL);
      k.check(uaddr, 4, PROT_R);
      // As in Linux, a count of 0 (or less) still wakes one waiter.
      return k.sched.futexWake(addr, Math.max(1, int(a[2])), bitset);
    }
    case FUTEX_REQUEUE:
    case FUTEX_CMP_REQUEUE: {
      const nWake = int(a[2]), nMove = int(a[3]);
      const uaddr2 = a[4];
      if (nWake < 0 || nMove < 0 || (uaddr2 & 3n)) fail(EINVAL);
      if (uaddr2 === uaddr) fail(EINVAL);
      if (cmd === FUTEX_CMP_REQUEUE && k.readU32(uaddr) !== uint(a[5])) fail(EAGAIN);
      return k.sched.futexRequeue(addr, k.addr(uaddr2), nWake, nMove);
    }
    case FUTEX_CMP_REQUEUE_PI:
      if (k.readU32(uaddr) !== uint(a[5])) fail(EAGAIN);
      if (k.mayBlock()) fail(ENOSYS);
      return 0;
    case FUTEX_WAKE_OP:
      return wakeOp(k, addr, a);
    case FUTEX_LOCK_PI:
    case FUTEX_LOCK_PI2:
    case FUTEX_TRYLOCK_PI:
      return lockPi(k, uaddr, cmd, a[3], cmd === FUTEX_LOCK_PI || realtime);
    case FUTEX_UNLOCK_PI: {
      const cur = k.readU32(uaddr);
      if ((cur & FUTEX_TID_MASK) !== k.current.tid) fail(EPERM);
      // Hand the lock to the longest waiter, as the kernel's PI code does.
      const waiters = k.sched.waiters(addr);
      if (waiters.length === 0) {
        k.writeU32(uaddr, 0);
      } else {
        const next = waiters[0];
        k.writeU32(uaddr, (next.tid | (waiters.length > 1 ? FUTEX_WAITERS : 0)) >>> 0);
        k.sched.wake(next, 0n);
      }
      return 0;
    }
    default:
      fail(ENOSYS);
  }
}

/**
 * A futex wait in a process with only this thread: nobody could wake it, so it sleeps out its
 * timeout and returns ETIMEDOUT, or with no timeout warns once and returns ETIMEDOUT at once.
 */
function waitAlone(k: LinuxKernel, timeout: bigint | undefined, relative: boolean, realtime: boolean): never {
  if (timeout === undefined) {
    k.warnOnce('futex-forever', 'univm: warning: futex wait with no timeout in a single-threaded guest would never be woken; returning -ETIMEDOUT');
    fail(ETIMEDOUT);
  }
  const ns = relative ? timeout : timeout - clockNow(k, realtime ? CLOCK_REALTIME : CLOCK_MONOTONIC);
  if (ns > 0n) k.host.sleepNs(ns);
  fail(ETIMEDOUT);
}

/**
 * FUTEX_WAKE_OP: *uaddr2 = op(*uaddr2) atomically (the old value kept), wake up to val waiters
 * on uaddr, and up to val2 on uaddr2 if cmp(old, cmparg) holds.
 */
function wakeOp(k: LinuxKernel, addr: number, a: Args): number {
  const uaddr2 = a[4];
  if (uaddr2 & 3n) fail(EINVAL);
  const encoded = uint(a[5]);
  const opKind = (encoded >>> 28) & 7;
  const cmpKind = (encoded >>> 24) & 15;
  let oparg = (encoded << 8) >> 20; // sign-extended bits 12..23
  const cmparg = (encoded << 20) >> 20; // sign-extended bits 0..11
  if (encoded & (8 << 28)) oparg = 1 << (oparg & 31);
  if (opKind > 4 || cmpKind > 5) fail(ENOSYS);
  k.check(uaddr2, 4, PROT_R | PROT_W);
  const old = k.readI32(uaddr2);
  let next: number;
  switch (opKind) {
    case 0: next = oparg; break; // SET
    case 1: next = old + oparg; break; // ADD
    case 2: next = old | oparg; break; // OR
    case 3: next = old & ~oparg; break; // ANDN
    default: next = old ^ oparg; break; // XOR
  }
  k.writeI32(uaddr2, next);
  let woken = k.sched.futexWake(addr, Math.max(1, int(a[2])));
  let hit: boolean;
  switch (cmpKind) {
    case 0: hit = old === cmparg; break;
    case 1: hit = old !== cmparg; break;
    case 2: hit = old < cmparg; break;
    case 3: hit = old <= cmparg; break;
    case 4: hit = old > cmparg; break;
    default: hit = old >= cmparg; break;
  }
  if (hit) woken += k.sched.futexWake(k.addr(uaddr2), Math.max(1, int(a[3])));
  return woken;
}

/**
 * PI locks (PTHREAD_PRIO_INHERIT mutexes): the word holds the owner's tid. A free lock is taken
 * at once; a held one sets FUTEX_WAITERS and waits until FUTEX_UNLOCK_PI hands it over.
 */
function lockPi(k: LinuxKernel, uaddr: bigint, cmd: number, timeoutArg: bigint, realtime: boolean): number {
  const tid = k.current.tid;
  const timeout = cmd !== FUTEX_TRYLOCK_PI && timeoutArg !== 0n ? timespecNs(k, timeoutArg) : undefined;
  const cur = k.readU32(uaddr);
  const owner = cur & FUTEX_TID_MASK;
  if (owner === tid) fail(EDEADLK);
  if (owner === 0) {
    k.writeU32(uaddr, (tid | (cur & (FUTEX_WAITERS | FUTEX_OWNER_DIED))) >>> 0);
    return 0;
  }
  if (cmd === FUTEX_TRYLOCK_PI) fail(EAGAIN);
  // Held by a thread that does not exist (or we are alone): waiting would never end.
  if (!k.sched.find(owner) || !k.mayBlock()) fail(EDEADLK);
  k.writeU32(uaddr, (cur | FUTEX_WAITERS) >>> 0);
  const addr = k.addr(uaddr);
  k.blockOn({
    what: `futex lock_pi on ${hex(addr)} held by tid ${owner}`,
    futex: { addr, bitset: FUTEX_BITSET_ANY },
    // PI timeouts are absolute: CLOCK_REALTIME for LOCK_PI, the chosen clock for LOCK_PI2.
    deadline: timeout === undefined ? undefined : futexDeadline(k, timeout, false, realtime),
    timeout: () => BigInt(-ETIMEDOUT),
    interrupted: () => 'restart',
  });
}

// ---------------------------------------------------------------- the table

export const threadSyscalls: SyscallDef[] = [
  { nr: 93, name: 'exit', fmt: 'd', fn: exit },
  { nr: 96, name: 'set_tid_address', fmt: 'p', fn: setTidAddress },
  { nr: 98, name: 'futex', fmt: 'pdupxu', fn: futex },
  { nr: 99, name: 'set_robust_list', fmt: 'pu', fn: setRobustList },
  { nr: 100, name: 'get_robust_list', fmt: 'dpp', fn: getRobustList },
  { nr: 124, name: 'sched_yield', fmt: '', fn: () => YIELD },
  { nr: 178, name: 'gettid', fmt: '', fn: (k) => k.current.tid },
  { nr: 220, name: 'clone', fmt: 'xpppp', fn: clone },
  { nr: 435, name: 'clone3', fmt: 'pu', fn: clone3 },
];
