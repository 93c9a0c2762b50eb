import type { HartState } from '../../machine/hart.js';
import { type FlatMemory, PROT_R, PROT_W, PAGE_SHIFT, PAGE_SIZE } from '../../machine/memory.js';
import { O_LARGEFILE, O_RDONLY, O_RDWR, O_WRONLY } from './abi.js';
import type { AddressSpace } from './address-space.js';
import { EFAULT, EIO, ENAMETOOLONG, ENOSYS, SysError } from './errno.js';
import { FdTable, HostFile, setSyntheticTime, type OpenFile } from './files.js';
import { HostError, type HostIdentity, type HostSystem } from './host.js';
import { MountTable, type MountSpec } from './mounts.js';
import { formatStrace } from './strace.js';
import { syscallName } from './syscall-names.js';
import { fsSyscalls } from './syscalls/fs.js';
import { ioSyscalls } from './syscalls/io.js';
import { memorySyscalls, type SharedMapping, flushAllShared } from './syscalls/memory.js';
import { processSyscalls, defaultRlimits } from './syscalls/process.js';
import { SignalState, signalSyscalls, deliver } from './syscalls/signals.js';
import { threadSyscalls, exitThread } from './syscalls/threads.js';
import { timeSyscalls } from './syscalls/time.js';
import { BlockRequest, ExitRequest, KEEP_A0, YIELD, type Args, type SyscallDef } from './syscalls/types.js';
import { makeVirtualNodes, VIRTUAL_ROOTS } from './syscalls/vfs.js';
import { Scheduler } from './scheduler.js';
import { Thread, type Wait, type WaitResult } from './thread.js';

export type { MountSpec } from './mounts.js';

export interface KernelConfig {
  /** `hart` is the main thread's; threads created by clone get their own. */
  mem: FlatMemory; hart: HartState; space: AddressSpace; host: HostSystem;
  mounts: MountSpec[];
  /** Like qemu's -L: absolute guest paths are tried first under this host directory (read-only), then through the mounts. */
  sysroot?: string;
  /** The guest's initial working directory (a guest path). */
  cwd: string;
  /** Guest path of the executable (readlink /proc/self/exe). */
  exePath: string;
  /** When set, one line per syscall, in qemu -strace's style: `<pid> name(args) = result`. */
  strace?: (line: string) => void;
  /** One-line warnings to the user; each line is complete and starts with "univm: ". */
  warn: (line: string) => void;
}

/**
 * What the run loop does after a system call:
 *  continue     advance pc past the ecall and carry on;
 *  yield        the same, but end the thread's time slice (sched_yield);
 *  block        the thread now waits (pc stays at the ecall; see Scheduler and completeWait);
 *  thread-exit  the calling thread is gone; run another;
 *  exit         the whole process ends with `status`.
 */
export type SyscallOutcome =
  | { kind: 'continue' } | { kind: 'yield' } | { kind: 'block' } | { kind: 'thread-exit' }
  | { kind: 'exit'; status: number };

const CONTINUE: SyscallOutcome = { kind: 'continue' };
const YIELDED: SyscallOutcome = { kind: 'yield' };
const BLOCKED: SyscallOutcome = { kind: 'block' };
const THREAD_EXIT: SyscallOutcome = { kind: 'thread-exit' };
const MAX_RW = 0x7ffff000;

/**
 * The Linux system-call layer of the process VM: the guest's riscv64 ABI mapped onto a
 * HostSystem. One process, any number of threads. Process state (fd table, cwd, signal
 * dispositions, shared mappings, the scheduler's thread list and futex queues) lives here;
 * per-thread state (hart, tid, signal mask, clear_child_tid, robust list) in a Thread.
 * System calls act on `current`, the calling thread, which the run loop sets before each slice.
 * The system calls themselves are in ./syscalls/, one module per area:
 *   fs.ts      paths: openat, stat family, directories, links, permissions, times, statfs
 *   io.ts      descriptors: read/write family, pipes, dup, fcntl, ioctl, poll/select, getdents64
 *   memory.ts  brk, mmap, munmap, mprotect, mremap, msync, madvise, mincore, membarrier
 *   signals.ts dispositions, masks, sigaltstack, kill/tgkill, the rt_sigframe and rt_sigreturn
 *   process.ts ids, uname, rlimits, sysinfo, getrandom, prctl, riscv_hwprobe
 *   threads.ts clone/clone3, exit, set_tid_address, robust lists, gettid, sched_yield, futex
 *   time.ts    clocks and sleeps;  vfs.ts  synthetic /dev, /proc/self, /sys/devices/system/cpu
 *
 * Known limitations (by design of a sandboxed process VM on one host thread):
 *  - threads yes (clone with CLONE_THREAD|CLONE_VM...), but no fork/vfork/execve/wait4 (ENOSYS
 *    with a warning), so no child processes; one CPU;
 *  - while other threads exist, blocking calls (futex waits, reads of empty pipes, poll/select,
 *    sigsuspend, sigtimedwait, sleeps) block the calling thread; when it is the only thread,
 *    blocking that only another thread could end returns an error (EAGAIN / ETIMEDOUT / EINTR)
 *    with a one-time warning instead of hanging, and sleeps sleep the host; reads from host
 *    files and terminals (stdin) are synchronous host calls, so they hold up every thread;
 *  - file mappings are copies; MAP_SHARED writes reach the file at msync/munmap/exit;
 *  - the inherited stdio fds are not seekable and always block (O_NONBLOCK is recorded only);
 *  - no asynchronous signals (timers, SIGINT from the terminal): only faults and signals the
 *    guest sends itself; chown is accepted only when it changes nothing; no sockets.
 *
 * Run-loop contract:
 *  - set `current` to the thread about to run; if its blocked call has ended (`wakeResult`),
 *    call completeWait(thread) and, unless it returns 'restart', advance pc by 4;
 *  - on `ecall`, call syscall() with pc still at the ecall, then (for continue and yield)
 *    advance pc by 4 (rt_sigreturn sets pc to the restored pc minus 4 so that this advance
 *    lands on it);
 *  - after advancing, call takePendingSignal(); if it returns a signal, call deliverSignal(sig)
 *    (the frame then saves the pc after the ecall);
 *  - on a synchronous fault, call deliverSignal(sig, addr) with pc at the faulting instruction.
 */
export class LinuxKernel {
  readonly mem: FlatMemory;
  readonly space: AddressSpace;
  readonly host: HostSystem;
  readonly fds = new FdTable(1024);
  readonly mounts: MountTable;
  readonly ids: HostIdentity;
  readonly exePath: string;
  cwd: string;
  umask = 0o022;
  /** The process name (prctl PR_SET_NAME, /proc/self/comm). */
  comm: string;
  readonly rlimits: [bigint, bigint][] = defaultRlimits();
  readonly shared: SharedMapping[] = [];
  /** The threads of the process and their waits. */
  readonly sched: Scheduler;
  /** The calling thread: the one whose system call is being handled. */
  current: Thread;
  personality = 0;
  /** The terminal settings the guest last set (TCSETS), returned by TCGETS. */
  termios: Uint8Array | undefined;
  /** Called on riscv_flush_icache, so an engine with a code cache can treat it like fence.i. */
  onIcacheFlush: (() => void) | undefined;
  readonly table = new Map<number, SyscallDef>();
  private readonly warned = new Set<string>();
  private readonly strace: ((line: string) => void) | undefined;
  readonly warnLine: (line: string) => void;

  constructor(readonly cfg: KernelConfig) {
    this.mem = cfg.mem;
    this.space = cfg.space;
    this.host = cfg.host;
    this.cwd = cfg.cwd;
    this.exePath = cfg.exePath;
    this.strace = cfg.strace;
    this.warnLine = cfg.warn;
    this.ids = cfg.host.identity();
    this.sched = new Scheduler({ now: () => cfg.host.monotonicNs(), sleep: (ns) => cfg.host.sleepNs(ns) }, this.ids.pid);
    this.current = new Thread(this.ids.pid, cfg.hart, new SignalState());
    this.sched.add(this.current);
    this.comm = (cfg.exePath.split('/').pop() ?? 'a.out').slice(0, 15);
    setSyntheticTime(cfg.host.realtimeNs());
    this.mounts = new MountTable(cfg.host, cfg.mounts, cfg.sysroot, makeVirtualNodes(this), VIRTUAL_ROOTS);
    for (const group of [fsSyscalls, ioSyscalls, memorySyscalls, processSyscalls, signalSyscalls, threadSyscalls, timeSyscalls]) {
      for (const def of group) this.table.set(def.nr, def);
    }
    // The host's stdio, inherited: reads and writes go to the host fds at their own offsets.
    // A terminal opened by the shell is read-write on all three fds.
    for (let fd = 0; fd < 3; fd++) {
      const flags = safeIsatty(cfg.host, fd) ? O_RDWR : fd === 0 ? O_RDONLY : O_WRONLY;
      this.fds.install(new HostFile(cfg.host, fd, flags | O_LARGEFILE, undefined, false, false), false, fd);
    }
  }

  get pid(): number { return this.ids.pid; }
  /** The calling thread's hart (registers, pc). */
  get hart(): HartState { return this.current.hart; }
  /** The calling thread's signal state (its mask and pending signals, the shared dispositions). */
  get signals(): SignalState { return this.current.signals; }

  /** Whether a blocking call may wait for another thread (false when the caller is the only one). */
  mayBlock(): boolean { return this.sched.live > 1; }

  /** Blocks the calling thread: ends the system call without a result until the wait is over. */
  blockOn(wait: Wait): never {
    throw new BlockRequest(wait);
  }

  // ---------------------------------------------------------------- dispatch

  syscall(): SyscallOutcome {
    const thread = this.current;
    const x = thread.hart.x;
    const nr = Number(BigInt.asUintN(64, x[17]));
    const args: Args = [x[10], x[11], x[12], x[13], x[14], x[15]];
    const def = this.table.get(nr);
    let result: bigint;
    let outcome: SyscallOutcome = CONTINUE;
    if (!def) {
      const name = syscallName(nr);
      this.warnOnce(`nr:${nr}`, `univm: warning: unsupported system call ${nr} (${name}); returning -ENOSYS`);
      result = BigInt(-ENOSYS);
      if (this.strace) this.strace(`${thread.tid} ${formatStrace(this, { nr, name, fn: () => 0 }, args, result)}`);
      x[10] = result;
      return outcome;
    }
    let keep = false;
    try {
      const r = def.fn(this, args);
      if (r instanceof ExitRequest) {
        outcome = { kind: 'exit', status: r.status };
        result = 0n;
        if (r.threadOnly && this.sched.live > 1) outcome = THREAD_EXIT;
      } else if (r === YIELD) {
        outcome = YIELDED;
        result = 0n;
      } else if (r === KEEP_A0) {
        keep = true;
        result = x[10];
      } else {
        result = BigInt.asIntN(64, BigInt(r));
      }
    } catch (e) {
      if (e instanceof BlockRequest) {
        this.sched.block(thread, e.wait);
        thread.blockedCall = { def, args };
        return BLOCKED;
      }
      if (e instanceof SysError || e instanceof HostError) {
        result = BigInt(-e.errno);
      } else {
        // A bug in this layer must not become a JavaScript stack trace for the user.
        const msg = e instanceof Error ? e.message : String(e);
        this.warnOnce(`bug:${nr}`, `univm: internal error in system call ${nr} (${def.name}): ${msg}; returning -EIO`);
        result = BigInt(-EIO);
      }
    }
    if (this.strace) {
      const line = outcome.kind === 'exit' || outcome.kind === 'thread-exit'
        ? formatStrace(this, def, args, undefined)
        : formatStrace(this, def, args, result);
      this.strace(`${thread.tid} ${line}`);
    }
    if (outcome.kind === 'exit') {
      try { flushAllShared(this); } catch { /* best effort */ }
      return outcome;
    }
    if (outcome.kind === 'thread-exit') {
      exitThread(this, thread);
      return outcome;
    }
    if (!keep) x[10] = result;
    return outcome;
  }

  /**
   * Finishes the blocked system call of `thread` (now `current`) after the scheduler ended its
   * wait: sets a0 and logs it, or returns 'restart' when the ecall must run again (pc stays).
   */
  completeWait(thread: Thread): WaitResult {
    const r = thread.wakeResult;
    const call = thread.blockedCall;
    thread.wakeResult = undefined;
    thread.blockedCall = undefined;
    if (r === undefined || r === 'restart') return 'restart';
    thread.hart.x[10] = r;
    if (this.strace && call) this.strace(`${thread.tid} ${formatStrace(this, call.def, call.args, r)}`);
    return r;
  }

  /** Ends the process from outside a system call (a fatal signal, a deadlock): shared mappings reach their files. */
  flushOnExit(): void {
    try { flushAllShared(this); } catch { /* best effort */ }
  }

  deliverSignal(sig: number, faultAddr?: bigint): 'terminate' | 'handled' {
    const r = deliver(this, sig, faultAddr);
    // On Linux, stores into a MAP_SHARED file mapping survive the process's death.
    if (r === 'terminate') { try { flushAllShared(this); } catch { /* best effort */ } }
    return r;
  }

  takePendingSignal(): number | undefined {
    return this.signals.takePending();
  }

  // ---------------------------------------------------------------- helpers for system calls

  warnOnce(key: string, line: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.warnLine(line);
  }

  /** The file behind `fd`, or EBADF. */
  file(fd: bigint | number): OpenFile {
    return this.fds.get(Number(BigInt.asIntN(32, BigInt(fd))));
  }

  /** Converts a guest pointer argument to a number (out-of-range values fail every access check). */
  addr(a: bigint): number {
    return a < 0n || a > 0xffffffffffffn ? -1 : Number(a);
  }

  /** Fails with EFAULT unless [addr, addr+len) is accessible with `need` (PROT_R / PROT_W). */
  check(addr: number | bigint, len: number, need: number): number {
    const a = typeof addr === 'bigint' ? this.addr(addr) : addr;
    if (len === 0) return a;
    if (!this.mem.accessible(a, len, need)) throw new SysError(EFAULT);
    return a;
  }

  /**
   * The longest prefix of [addr, addr+len) (capped at MAX_RW) that is accessible with `need`;
   * EFAULT when not even the first byte is. Read and write use it so that a large count over a
   * smaller buffer behaves like Linux (a short transfer) rather than failing outright.
   */
  span(addr: bigint, len: number, need: number): Uint8Array {
    const a = this.addr(addr);
    len = Math.min(len, MAX_RW);
    if (len <= 0) return this.mem.u8.subarray(0, 0);
    if (a < 0 || a >= this.mem.size) throw new SysError(EFAULT);
    const end = Math.min(a + len, this.mem.size);
    const perm = this.mem.perm;
    let p = a >>> PAGE_SHIFT;
    const last = (end - 1) >>> PAGE_SHIFT;
    for (; p <= last; p++) if ((perm[p] & need) !== need) break;
    const okEnd = p > last ? end : p * PAGE_SIZE;
    if (okEnd <= a) throw new SysError(EFAULT);
    return this.mem.u8.subarray(a, okEnd);
  }

  /** A view of guest memory to read from (EFAULT unless all readable). */
  bytesIn(addr: bigint | number, len: number): Uint8Array {
    const a = this.check(addr, len, PROT_R);
    return this.mem.u8.subarray(a, a + len);
  }

  /** A view of guest memory to write into (EFAULT unless all writable). */
  bytesOut(addr: bigint | number, len: number): Uint8Array {
    const a = this.check(addr, len, PROT_W);
    // The kernel writes guest memory through this view: translated code on those pages is stale.
    if (len > 0) this.mem.codeChanging(Math.floor(a / PAGE_SIZE), Math.floor((a + len - 1) / PAGE_SIZE));
    return this.mem.u8.subarray(a, a + len);
  }

  readString(addr: bigint, max = 4096): string {
    const a = this.addr(addr);
    if (a <= 0 || !this.mem.accessible(a, 1, PROT_R)) throw new SysError(EFAULT);
    const u8 = this.mem.u8;
    const end = Math.min(this.mem.size, a + max);
    let p = a;
    while (p < end) {
      if ((p & 0xfff) === 0 && !this.mem.accessible(p, 1, PROT_R)) throw new SysError(EFAULT);
      if (u8[p] === 0) return utf8d.decode(u8.subarray(a, p));
      p++;
    }
    throw new SysError(p >= this.mem.size ? EFAULT : ENAMETOOLONG);
  }

  readU32(addr: bigint | number): number { return this.mem.dv.getUint32(this.check(addr, 4, PROT_R), true); }
  readI32(addr: bigint | number): number { return this.mem.dv.getInt32(this.check(addr, 4, PROT_R), true); }
  readU64(addr: bigint | number): bigint { return this.mem.dv.getBigUint64(this.check(addr, 8, PROT_R), true); }
  readI64(addr: bigint | number): bigint { return this.mem.dv.getBigInt64(this.check(addr, 8, PROT_R), true); }
  writeU32(addr: bigint | number, v: number): void { this.mem.dv.setUint32(this.check(addr, 4, PROT_W), v >>> 0, true); }
  writeI32(addr: bigint | number, v: number): void { this.mem.dv.setInt32(this.check(addr, 4, PROT_W), v | 0, true); }
  writeU64(addr: bigint | number, v: bigint): void { this.mem.dv.setBigUint64(this.check(addr, 8, PROT_W), BigInt.asUintN(64, v), true); }
  writeI64(addr: bigint | number, v: bigint): void { this.mem.dv.setBigInt64(this.check(addr, 8, PROT_W), BigInt.asIntN(64, v), true); }
}

const utf8d = new TextDecoder();

function safeIsatty(host: HostSystem, fd: number): boolean {
  try { return host.isatty(fd); } catch { return false; }
}

export function errnoOf(e: unknown): number {
  if (e instanceof SysError || e instanceof HostError) return e.errno;
  throw e;
}

/** Interprets an argument as a C int. */
export function int(a: bigint): number { return Number(BigInt.asIntN(32, a)); }
/** Interprets an argument as an unsigned int. */
export function uint(a: bigint): number { return Number(BigInt.asUintN(32, a)); }
/** Interprets an argument as size_t, saturating at 2^53. */
export function size(a: bigint): number {
  const u = BigInt.asUintN(64, a);
  return u > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(u);
}
