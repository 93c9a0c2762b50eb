/**
 * Thread system calls through the kernel: clone/clone3, futexes between threads, thread exit,
 * tgkill, per-thread masks and blocking pipe reads. The run loop is played by hand: `call`
 * makes a thread the current one and performs a system call on its hart; `resume` does what the
 * process VM does when a blocked thread runs again.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EAGAIN, E2BIG, EDEADLK, EINTR, EINVAL, ENOSYS, EPERM, ESRCH, ETIMEDOUT } from '../../src/vms/process/errno.js';
import type { SyscallOutcome } from '../../src/vms/process/kernel.js';
import type { Thread } from '../../src/vms/process/thread.js';
import { makeHarness, NR, SCRATCH, type Harness } from './kernel-harness.js';

const BUF = SCRATCH + 0x1000;
const FUTEX = SCRATCH + 0x3000;
const NR_CLONE = 220, NR_SCHED_YIELD = 124, NR_GET_ROBUST_LIST = 100, NR_SET_ROBUST_LIST = 99, NR_TKILL = 130;
const FUTEX_WAIT = 0, FUTEX_WAKE = 1, FUTEX_CMP_REQUEUE = 4, FUTEX_WAKE_OP = 5, FUTEX_LOCK_PI = 6, FUTEX_UNLOCK_PI = 7;
const FUTEX_WAIT_BITSET = 9, FUTEX_PRIVATE = 128;
/** What glibc's pthread_create passes. */
const PTHREAD_FLAGS = 0x100 | 0x200 | 0x400 | 0x800 | 0x10000 | 0x40000 | 0x80000 | 0x100000 | 0x200000;
const SIGUSR1 = 10;

interface Call { outcome: SyscallOutcome; a0: bigint }

function call(h: Harness, t: Thread, nr: number, ...args: (number | bigint)[]): Call {
  h.k.current = t;
  const x = t.hart.x;
  x[17] = BigInt(nr);
  for (let i = 0; i < 6; i++) x[10 + i] = BigInt.asIntN(64, BigInt(args[i] ?? 0));
  const outcome = h.k.syscall();
  return { outcome, a0: x[10] };
}

/** The run loop's part when a woken thread runs: a0 of the finished call, or 'restart'. */
function resume(h: Harness, t: Thread): bigint | 'restart' {
  assert.equal(t.state, 'runnable');
  h.k.current = t;
  const r = h.k.completeWait(t);
  return r === 'restart' ? r : t.hart.x[10];
}

/** Clones a thread the way pthread_create does; returns it. */
function spawn(h: Harness, parent: Thread = h.k.current, stack = 0x7f0000n, tls = 0x7f8000n): Thread {
  const ptid = BUF + 0x800, ctid = BUF + 0x900;
  const r = call(h, parent, NR_CLONE, PTHREAD_FLAGS, stack, ptid, tls, ctid);
  assert.equal(r.outcome.kind, 'continue');
  const t = h.k.sched.find(Number(r.a0));
  assert.ok(t, `clone returned ${r.a0}`);
  return t;
}

describe('clone and clone3', () => {
  it("clone with pthread_create's flags makes a thread: copied registers, new sp/tp, a0 = 0, pc after the ecall", () => {
    const h = makeHarness();
    const main = h.k.current;
    for (let i = 1; i < 32; i++) main.hart.x[i] = BigInt(i * 3);
    main.hart.f[5] = 0x1234n;
    main.hart.fcsr[1] = 3;
    main.hart.pc = 0x10200;
    main.signals.blocked = 0x5n;
    const r = call(h, main, NR_CLONE, PTHREAD_FLAGS, 0x7f0000, BUF + 0x800, 0x7f8000, BUF + 0x900);
    const tid = Number(r.a0);
    assert.equal(tid, main.tid + 1);
    assert.equal(h.k.sched.live, 2);
    const t = h.k.sched.find(tid)!;
    assert.equal(t.hart.x[10], 0n, 'a0 = 0 in the child');
    assert.equal(t.hart.x[2], 0x7f0000n, 'sp');
    assert.equal(t.hart.x[4], 0x7f8000n, 'tp (CLONE_SETTLS)');
    assert.equal(t.hart.x[17], BigInt(NR_CLONE));
    assert.equal(t.hart.x[9], 27n, 'other registers copied');
    assert.equal(t.hart.f[5], 0x1234n);
    assert.equal(t.hart.fcsr[1], 3);
    assert.equal(t.hart.pc, 0x10204, 'the child starts after the ecall');
    assert.equal(t.hart.instret, 0);
    assert.equal(h.mem.dv.getInt32(BUF + 0x800, true), tid, 'CLONE_PARENT_SETTID');
    assert.equal(t.clearChildTid, BigInt(BUF + 0x900), 'CLONE_CHILD_CLEARTID');
    assert.equal(t.signals.blocked, 0x5n, 'the signal mask is inherited');
    assert.equal(t.signals.actions, main.signals.actions, 'handlers are shared');
    assert.equal(call(h, t, NR.gettid).a0, BigInt(tid));
    assert.equal(call(h, t, NR.getpid).a0, BigInt(main.tid), 'one process');
    assert.equal(call(h, main, NR.gettid).a0, BigInt(main.tid));
  });

  it('anything that is not a thread is refused: ENOSYS (with the warning) or EINVAL', () => {
    const h = makeHarness();
    assert.equal(h.sys(NR_CLONE, 0x4000 | 0x100 | 17 /* posix_spawn: VFORK|VM|SIGCHLD */), BigInt(-ENOSYS));
    assert.equal(h.sys(NR_CLONE, PTHREAD_FLAGS & ~0x400 /* no CLONE_FILES */), BigInt(-ENOSYS));
    assert.equal(h.sys(NR_CLONE, 0x10000 | 0x100 /* THREAD without SIGHAND */), BigInt(-EINVAL));
    assert.equal(h.sys(NR_CLONE, 0x800 /* SIGHAND without VM */), BigInt(-EINVAL));
    assert.deepEqual(h.warnings, ['univm: warning: unsupported system call 220 (clone); returning -ENOSYS']);
    assert.equal(h.k.sched.live, 1);
  });

  it('clone3 reads struct clone_args: sp = stack + stack_size; size and field checks', () => {
    const h = makeHarness();
    const args = BUF;
    h.mem.u8.fill(0, args, args + 128);
    const dv = h.mem.dv;
    dv.setBigUint64(args, BigInt(PTHREAD_FLAGS), true);
    dv.setBigUint64(args + 16, BigInt(BUF + 0x900), true); // child_tid
    dv.setBigUint64(args + 24, BigInt(BUF + 0x800), true); // parent_tid
    dv.setBigUint64(args + 40, 0x700000n, true); // stack
    dv.setBigUint64(args + 48, 0x10000n, true); // stack_size
    dv.setBigUint64(args + 56, 0x7f8000n, true); // tls
    assert.equal(h.sys(NR.clone3, args, 63), BigInt(-EINVAL), 'smaller than CLONE_ARGS_SIZE_VER0');
    assert.equal(h.sys(NR.clone3, args, 8192), BigInt(-E2BIG), 'larger than a page');
    dv.setUint8(args + 100, 1);
    assert.equal(h.sys(NR.clone3, args, 104), BigInt(-E2BIG), 'unknown fields must be zero');
    dv.setUint8(args + 100, 0);
    dv.setBigUint64(args + 48, 0n, true);
    assert.equal(h.sys(NR.clone3, args, 88), BigInt(-EINVAL), 'a stack needs a size');
    dv.setBigUint64(args + 48, 0x10000n, true);
    const tid = h.sys(NR.clone3, args, 88);
    assert.ok(tid > 0n);
    const t = h.k.sched.find(Number(tid))!;
    assert.equal(t.hart.x[2], 0x710000n, 'the stack grows down from stack + stack_size');
    assert.equal(t.hart.x[4], 0x7f8000n);
    assert.equal(h.mem.dv.getInt32(BUF + 0x800, true), Number(tid));
  });
});

describe('futexes between threads', () => {
  it('WAIT blocks until another thread WAKEs it; the wait then returns 0', () => {
    const h = makeHarness();
    const main = h.k.current;
    const t = spawn(h);
    h.mem.dv.setUint32(FUTEX, 1, true);
    assert.equal(call(h, t, NR.futex, FUTEX, FUTEX_WAIT | FUTEX_PRIVATE, 2).a0, BigInt(-EAGAIN), 'value differs: EAGAIN, no wait');
    const w = call(h, t, NR.futex, FUTEX, FUTEX_WAIT | FUTEX_PRIVATE, 1);
    assert.equal(w.outcome.kind, 'block');
    assert.equal(t.state, 'blocked');
    assert.equal(t.wait!.what, `futex wait on 0x${FUTEX.toString(16)}`);
    assert.equal(call(h, main, NR.futex, FUTEX + 4, FUTEX_WAKE | FUTEX_PRIVATE, 1).a0, 0n, 'another word wakes nobody');
    assert.equal(call(h, main, NR.futex, FUTEX, FUTEX_WAKE | FUTEX_PRIVATE, 1).a0, 1n);
    assert.equal(resume(h, t), 0n);
    assert.deepEqual(h.warnings, [], 'no single-thread warning');
  });

  it('WAIT_BITSET with an absolute deadline in the past times out at once; a future one ends by timeout', () => {
    const h = makeHarness();
    const t = spawn(h);
    h.mem.dv.setUint32(FUTEX, 0, true);
    h.mem.dv.setBigInt64(BUF, 0n, true);
    h.mem.dv.setBigInt64(BUF + 8, 1n, true); // CLOCK_MONOTONIC 1 ns: long past
    call(h, t, NR.futex, FUTEX, FUTEX_WAIT_BITSET | FUTEX_PRIVATE, 0, BUF, 0, 0xffffffff);
    assert.equal(h.k.sched.next().kind, 'run');
    assert.equal(resume(h, t), BigInt(-ETIMEDOUT));
    // A relative 20 ms FUTEX_WAIT while the other thread is blocked too: the scheduler sleeps.
    h.mem.dv.setBigInt64(BUF + 8, 20_000_000n, true);
    const t0 = process.hrtime.bigint();
    call(h, t, NR.futex, FUTEX, FUTEX_WAIT | FUTEX_PRIVATE, 0, BUF);
    call(h, h.k.sched.find(h.k.pid)!, NR.futex, FUTEX + 8, FUTEX_WAIT | FUTEX_PRIVATE, 0);
    const p = h.k.sched.next();
    assert.equal(p.kind === 'run' && p.thread, t);
    assert.ok(process.hrtime.bigint() - t0 >= 19_000_000n, 'the host slept until the deadline');
    assert.equal(resume(h, t), BigInt(-ETIMEDOUT));
  });

  it('CMP_REQUEUE checks the value, wakes some and moves the rest; WAKE_OP updates the second word', () => {
    const h = makeHarness();
    const main = h.k.current;
    const ts = [spawn(h), spawn(h), spawn(h)];
    h.mem.dv.setUint32(FUTEX, 7, true);
    for (const t of ts) assert.equal(call(h, t, NR.futex, FUTEX, FUTEX_WAIT | FUTEX_PRIVATE, 7).outcome.kind, 'block');
    assert.equal(call(h, main, NR.futex, FUTEX, FUTEX_CMP_REQUEUE | FUTEX_PRIVATE, 1, 5, FUTEX + 16, 8).a0, BigInt(-EAGAIN));
    assert.equal(call(h, main, NR.futex, FUTEX, FUTEX_CMP_REQUEUE | FUTEX_PRIVATE, 1, 5, FUTEX, 7).a0, BigInt(-EINVAL), 'same word');
    assert.equal(call(h, main, NR.futex, FUTEX, FUTEX_CMP_REQUEUE | FUTEX_PRIVATE, 1, 5, FUTEX + 16, 7).a0, 3n);
    assert.equal(ts[0].state, 'runnable');
    assert.deepEqual(h.k.sched.waiters(FUTEX + 16), [ts[1], ts[2]]);
    // WAKE_OP: *(FUTEX+16) += 1 (old 0); wake 1 on FUTEX (none); if old == 0 wake 1 on FUTEX+16.
    h.mem.dv.setUint32(FUTEX + 16, 0, true);
    const op = (1 << 28) | (0 << 24) | (1 << 12) | 0; // ADD 1, CMP_EQ 0
    assert.equal(call(h, main, NR.futex, FUTEX, FUTEX_WAKE_OP | FUTEX_PRIVATE, 1, 1, FUTEX + 16, op).a0, 1n);
    assert.equal(h.mem.dv.getUint32(FUTEX + 16, true), 1);
    assert.equal(ts[1].state, 'runnable');
    assert.equal(ts[2].state, 'blocked');
  });

  it('PI locks: taken when free, EDEADLK for the owner, waiters get the lock handed over on unlock', () => {
    const h = makeHarness();
    const main = h.k.current;
    const t = spawn(h);
    h.mem.dv.setUint32(FUTEX, 0, true);
    assert.equal(call(h, main, NR.futex, FUTEX, FUTEX_LOCK_PI | FUTEX_PRIVATE).a0, 0n);
    assert.equal(h.mem.dv.getUint32(FUTEX, true), main.tid);
    assert.equal(call(h, main, NR.futex, FUTEX, FUTEX_LOCK_PI | FUTEX_PRIVATE).a0, BigInt(-EDEADLK));
    assert.equal(call(h, t, NR.futex, FUTEX, FUTEX_UNLOCK_PI | FUTEX_PRIVATE).a0, BigInt(-EPERM), 'not the owner');
    assert.equal(call(h, t, NR.futex, FUTEX, FUTEX_LOCK_PI | FUTEX_PRIVATE).outcome.kind, 'block');
    assert.equal(h.mem.dv.getUint32(FUTEX, true), (main.tid | 0x80000000) >>> 0, 'FUTEX_WAITERS set');
    assert.equal(call(h, main, NR.futex, FUTEX, FUTEX_UNLOCK_PI | FUTEX_PRIVATE).a0, 0n);
    assert.equal(h.mem.dv.getUint32(FUTEX, true), t.tid, 'handed over to the waiter');
    assert.equal(resume(h, t), 0n);
  });

  it('alone, a futex wait without timeout warns and returns ETIMEDOUT instead of hanging (as before threads)', () => {
    const h = makeHarness();
    h.mem.dv.setUint32(FUTEX, 0, true);
    assert.equal(h.sys(NR.futex, FUTEX, FUTEX_WAIT | FUTEX_PRIVATE, 0), BigInt(-ETIMEDOUT));
    assert.equal(h.warnings.length, 1);
  });
});

describe('thread exit', () => {
  it('exit ends only the calling thread: clear_child_tid is zeroed and its waiter (pthread_join) woken', () => {
    const h = makeHarness();
    const main = h.k.current;
    const t = spawn(h);
    const ctid = BUF + 0x900;
    h.mem.dv.setInt32(ctid, t.tid, true);
    assert.equal(call(h, main, NR.futex, ctid, FUTEX_WAIT, t.tid).outcome.kind, 'block');
    assert.deepEqual(call(h, t, NR.exit, 3).outcome, { kind: 'thread-exit' });
    assert.equal(t.state, 'exited');
    assert.equal(h.k.sched.live, 1);
    assert.equal(h.mem.dv.getInt32(ctid, true), 0);
    assert.equal(resume(h, main), 0n);
    assert.equal(call(h, main, NR.tgkill, h.k.pid, t.tid, 0).a0, BigInt(-ESRCH), 'the tid is gone');
    assert.deepEqual(call(h, main, NR.exit, 5).outcome, { kind: 'exit', status: 5 }, 'the last thread ends the process');
  });

  it('exit_group from any thread ends the process', () => {
    const h = makeHarness();
    const t = spawn(h);
    assert.deepEqual(call(h, t, NR.exit_group, 9).outcome, { kind: 'exit', status: 9 });
  });

  it('robust futexes the exiting thread holds get FUTEX_OWNER_DIED and a waiter is woken', () => {
    const h = makeHarness();
    const main = h.k.current;
    const t = spawn(h);
    // struct robust_list_head { next, futex_offset, list_op_pending } -> one entry -> head
    const head = BUF + 0x200, entry = BUF + 0x300, word = entry + 16;
    const dv = h.mem.dv;
    dv.setBigUint64(head, BigInt(entry), true);
    dv.setBigInt64(head + 8, 16n, true);
    dv.setBigUint64(head + 16, 0n, true);
    dv.setBigUint64(entry, BigInt(head), true);
    dv.setUint32(word, (t.tid | 0x80000000) >>> 0, true);
    assert.equal(call(h, t, NR_SET_ROBUST_LIST, head, 24).a0, 0n);
    assert.equal(call(h, t, NR_SET_ROBUST_LIST, head, 16).a0, BigInt(-EINVAL));
    assert.equal(call(h, main, NR_GET_ROBUST_LIST, t.tid, BUF + 0x400, BUF + 0x408).a0, 0n);
    assert.equal(dv.getBigUint64(BUF + 0x400, true), BigInt(head), "another thread's list");
    assert.equal(call(h, main, NR.futex, word, FUTEX_WAIT, dv.getUint32(word, true)).outcome.kind, 'block');
    call(h, t, NR.exit, 0);
    assert.equal(dv.getUint32(word, true), (0x80000000 | 0x40000000) >>> 0, 'OWNER_DIED, waiters kept');
    assert.equal(resume(h, main), 0n);
  });
});

describe('signals and threads', () => {
  it('tgkill/tkill target one thread; the mask is per thread; a blocked target is interrupted', () => {
    const h = makeHarness();
    const main = h.k.current;
    const t = spawn(h);
    const bit = 1n << BigInt(SIGUSR1 - 1);
    // A handler, so the signal is neither ignored nor fatal.
    h.mem.dv.setBigUint64(BUF, 0x10000n, true);
    h.mem.dv.setBigUint64(BUF + 8, 0n, true);
    h.mem.dv.setBigUint64(BUF + 16, 0n, true);
    assert.equal(call(h, main, NR.rt_sigaction, SIGUSR1, BUF, 0, 8).a0, 0n);
    h.mem.dv.setBigUint64(BUF + 32, bit, true);
    assert.equal(call(h, main, NR.rt_sigprocmask, 0 /* SIG_BLOCK */, BUF + 32, 0, 8).a0, 0n);
    assert.equal(main.signals.blocked, bit);
    assert.equal(t.signals.blocked, 0n, 'masks are per thread');
    h.mem.dv.setUint32(FUTEX, 0, true);
    assert.equal(call(h, t, NR.futex, FUTEX, FUTEX_WAIT | FUTEX_PRIVATE, 0).outcome.kind, 'block');
    assert.equal(call(h, main, NR.tgkill, h.k.pid, t.tid, SIGUSR1).a0, 0n);
    assert.equal(t.signals.pending, bit, 'pending on the target');
    assert.equal(main.signals.pending, 0n, 'not on the sender');
    const p = h.k.sched.next();
    assert.equal(p.kind === 'run' && p.thread, main, 'round robin: main first');
    assert.equal(t.state, 'runnable', 'the signal ended the wait');
    assert.equal(resume(h, t), BigInt(-EINTR), 'no SA_RESTART: EINTR');
    assert.equal(h.k.takePendingSignal(), SIGUSR1);
    assert.equal(call(h, main, NR_TKILL, 999999, SIGUSR1).a0, BigInt(-ESRCH));
    assert.equal(call(h, main, NR.tgkill, h.k.pid + 12345, t.tid, SIGUSR1).a0, BigInt(-ESRCH));
  });

  it('kill to the process goes to a thread that does not block the signal', () => {
    const h = makeHarness();
    const main = h.k.current;
    const t = spawn(h);
    h.mem.dv.setBigUint64(BUF, 0x10000n, true);
    h.mem.u8.fill(0, BUF + 8, BUF + 24);
    call(h, main, NR.rt_sigaction, SIGUSR1, BUF, 0, 8);
    main.signals.blocked = 1n << BigInt(SIGUSR1 - 1);
    assert.equal(call(h, main, NR.kill, h.k.pid, SIGUSR1).a0, 0n);
    assert.equal(main.signals.pending, 0n);
    assert.equal(t.signals.pending, 1n << BigInt(SIGUSR1 - 1));
  });
});

describe('blocking calls with other threads', () => {
  it('a read of an empty pipe blocks and is run again once another thread writes', () => {
    const h = makeHarness();
    const main = h.k.current;
    const t = spawn(h);
    assert.equal(call(h, main, NR.pipe2, BUF, 0).a0, 0n);
    const r = h.mem.dv.getInt32(BUF, true), w = h.mem.dv.getInt32(BUF + 4, true);
    assert.equal(call(h, t, NR.read, r, BUF + 100, 10).outcome.kind, 'block');
    assert.match(t.wait!.what, /^read from an empty pipe \(pipe:\[\d+\]\)$/);
    h.mem.u8.set(Buffer.from('hi'), BUF + 200);
    assert.equal(call(h, main, NR.write, w, BUF + 200, 2).a0, 2n);
    const p = h.k.sched.next();
    assert.equal(p.kind, 'run');
    assert.equal(resume(h, t), 'restart', 'the read runs again');
    assert.equal(call(h, t, NR.read, r, BUF + 100, 10).a0, 2n);
    assert.deepEqual(h.warnings, []);
  });

  it('sched_yield ends the time slice', () => {
    const h = makeHarness();
    spawn(h);
    assert.deepEqual(call(h, h.k.current, NR_SCHED_YIELD).outcome, { kind: 'yield' });
  });
});
