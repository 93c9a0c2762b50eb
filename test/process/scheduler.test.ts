/** The scheduler on its own: round-robin order, futex queues, timed waits, signals, deadlock. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HartState } from '../../src/machine/hart.js';
import { EINTR, ETIMEDOUT } from '../../src/vms/process/errno.js';
import { Scheduler, type SchedulerClock } from '../../src/vms/process/scheduler.js';
import { SignalShared, SignalState } from '../../src/vms/process/syscalls/signals.js';
import { Thread, type Wait } from '../../src/vms/process/thread.js';

class FakeClock implements SchedulerClock {
  t = 1_000n;
  readonly sleeps: bigint[] = [];
  now(): bigint { return this.t; }
  sleep(ns: bigint): void { this.sleeps.push(ns); this.t += ns; }
}

function setup(n: number): { sched: Scheduler; clock: FakeClock; threads: Thread[] } {
  const clock = new FakeClock();
  const sched = new Scheduler(clock, 100);
  const shared = new SignalShared();
  const threads: Thread[] = [];
  for (let i = 0; i < n; i++) {
    const t = new Thread(i === 0 ? 100 : sched.allocTid(), new HartState(), new SignalState(shared));
    sched.add(t);
    threads.push(t);
  }
  return { sched, clock, threads };
}

function pickTid(sched: Scheduler): number | string {
  const p = sched.next();
  return p.kind === 'run' ? p.thread.tid : p.kind;
}

const futexWait = (addr: number, bitset = 0xffffffff, extra: Partial<Wait> = {}): Wait =>
  ({ what: `futex wait on 0x${addr.toString(16)}`, futex: { addr, bitset }, ...extra });

describe('scheduler', () => {
  it('gives turns round-robin in creation order, skipping blocked threads', () => {
    const { sched, threads } = setup(3);
    assert.deepEqual([101, 102].map((_, i) => threads[i + 1].tid), [101, 102], 'tids follow the first');
    assert.deepEqual([pickTid(sched), pickTid(sched), pickTid(sched), pickTid(sched)], [100, 101, 102, 100]);
    sched.block(threads[1], futexWait(0x1000));
    assert.deepEqual([pickTid(sched), pickTid(sched), pickTid(sched)], [102, 100, 102]);
  });

  it('an exiting thread leaves the rotation without disturbing it', () => {
    const { sched, threads } = setup(4);
    assert.equal(pickTid(sched), 100);
    assert.equal(pickTid(sched), 101);
    threads[1].hart.instret = 500;
    sched.exit(threads[1]);
    assert.equal(threads[1].state, 'exited');
    assert.deepEqual([pickTid(sched), pickTid(sched), pickTid(sched)], [102, 103, 100]);
    assert.equal(sched.live, 3);
    threads[0].hart.instret = 7;
    assert.equal(sched.totalRetired(), 507, 'instructions of exited threads still count');
    assert.equal(sched.find(101), undefined);
  });

  it('futex wake: FIFO order, count, bitsets; the woken call returns 0', () => {
    const { sched, threads } = setup(5);
    sched.block(threads[1], futexWait(0x2000));
    sched.block(threads[2], futexWait(0x2000, 0b01));
    sched.block(threads[3], futexWait(0x2000, 0b10));
    sched.block(threads[4], futexWait(0x3000));
    assert.equal(sched.futexWake(0x2000, 1, 0b10), 1, 'bitset 0b10 skips the 0b01 waiter');
    assert.equal(threads[1].state, 'runnable', 'oldest matching waiter first');
    assert.equal(threads[1].wakeResult, 0n);
    assert.equal(threads[2].state, 'blocked');
    assert.equal(sched.futexWake(0x2000, 1, 0b10), 1);
    assert.equal(threads[3].state, 'runnable');
    assert.equal(sched.futexWake(0x2000, 5, 0b10), 0, 'nobody left with a matching bitset');
    assert.equal(sched.futexWake(0x2000, 0x7fffffff), 1);
    assert.equal(sched.waiters(0x2000).length, 0);
    assert.equal(threads[4].state, 'blocked', 'another address is untouched');
  });

  it('futex requeue wakes some and moves the rest to the second word', () => {
    const { sched, threads } = setup(5);
    for (let i = 1; i < 5; i++) sched.block(threads[i], futexWait(0x4000));
    assert.equal(sched.futexRequeue(0x4000, 0x5000, 1, 2), 3);
    assert.equal(threads[1].state, 'runnable');
    assert.deepEqual(sched.waiters(0x5000).map((t) => t.tid), [102, 103]);
    assert.deepEqual(sched.waiters(0x4000).map((t) => t.tid), [104]);
    assert.equal(threads[2].wait!.futex!.addr, 0x5000);
    assert.equal(sched.futexWake(0x5000, 10), 2);
  });

  it('with every thread blocked, sleeps the host until the earliest deadline, then times out that wait', () => {
    const { sched, clock, threads } = setup(3);
    sched.block(threads[0], futexWait(0x6000));
    sched.block(threads[1], futexWait(0x6004, 0xffffffff, { deadline: 5_000n }));
    sched.block(threads[2], { what: 'sleep', deadline: 3_000n, timeout: () => 0n });
    assert.equal(pickTid(sched), 102);
    assert.deepEqual(clock.sleeps, [2_000n]);
    assert.equal(threads[2].wakeResult, 0n, "the wait's own timeout result");
    sched.block(threads[2], futexWait(0x6008));
    assert.equal(pickTid(sched), 101);
    assert.equal(threads[1].wakeResult, BigInt(-ETIMEDOUT), 'futex waits time out with ETIMEDOUT');
    assert.deepEqual(clock.sleeps, [2_000n, 2_000n]);
  });

  it('a deadline that has passed does not sleep at all', () => {
    const { sched, clock, threads } = setup(2);
    sched.block(threads[0], futexWait(0x6000));
    sched.block(threads[1], futexWait(0x6004, 0xffffffff, { deadline: 10n }));
    assert.equal(pickTid(sched), 101);
    assert.deepEqual(clock.sleeps, []);
  });

  it('reports a deadlock when every thread is blocked with no deadline and nothing ready', () => {
    const { sched, threads } = setup(2);
    sched.block(threads[0], futexWait(0x7000));
    sched.block(threads[1], { what: 'read from an empty pipe', ready: () => false });
    const p = sched.next();
    assert.equal(p.kind, 'deadlock');
    assert.equal(p.kind === 'deadlock' && p.report, 'tid 100: futex wait on 0x7000, tid 101: read from an empty pipe');
  });

  it('a condition that becomes true restarts the call', () => {
    const { sched, threads } = setup(2);
    let data = false;
    sched.block(threads[0], futexWait(0x7000));
    sched.block(threads[1], { what: 'pipe', ready: () => data });
    assert.equal(sched.next().kind, 'deadlock');
    data = true;
    assert.equal(pickTid(sched), 101);
    assert.equal(threads[1].wakeResult, 'restart');
  });

  it('a signal the thread does not block interrupts its wait (EINTR, or what the wait says)', () => {
    const { sched, threads } = setup(3);
    sched.block(threads[0], futexWait(0x8000));
    sched.block(threads[1], futexWait(0x8000, 0xffffffff, { interrupted: () => 'restart' }));
    sched.block(threads[2], futexWait(0x8000));
    threads[2].signals.blocked = 1n << 9n;
    threads[2].signals.pending = 1n << 9n; // SIGUSR1, blocked: no effect
    threads[0].signals.pending = 1n << 9n;
    threads[1].signals.pending = 1n << 11n;
    assert.equal(pickTid(sched), 100);
    assert.equal(threads[0].wakeResult, BigInt(-EINTR));
    assert.equal(threads[1].wakeResult, 'restart');
    assert.equal(threads[2].state, 'blocked');
    assert.deepEqual(sched.waiters(0x8000).map((t) => t.tid), [102], 'interrupted waiters leave the queue');
  });
});
