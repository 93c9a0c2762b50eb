/**
 * The threads of the guest process and who runs next. One host thread runs every guest thread,
 * so scheduling is cooperative from the host's point of view and deterministic from the guest's:
 * the process VM gives each runnable thread a fixed slice of instructions in round-robin order
 * (creation order), and switches early when the thread blocks, yields or exits. The same program
 * with the same input therefore interleaves the same way on every run, unless it waits on the
 * clock (timeouts end when host time says so).
 *
 * This module keeps the thread list, the futex wait queues and the blocked threads' waits. It
 * knows nothing about engines or system-call numbers: the kernel blocks and wakes threads, and
 * the process VM asks `next()` which thread to run.
 */
import { EINTR, ETIMEDOUT } from './errno.js';
import type { Thread, Wait, WaitResult } from './thread.js';

/** Host time, as the scheduler needs it to end timed waits. */
export interface SchedulerClock {
  /** Monotonic time in ns. */
  now(): bigint;
  /** Blocks the host for `ns` (every guest thread is waiting). */
  sleep(ns: bigint): void;
}

export type Pick =
  | { kind: 'run'; thread: Thread }
  /** Every thread is blocked and nothing can wake any of them; `report` says who waits for what. */
  | { kind: 'deadlock'; report: string };

export const FUTEX_BITSET_ANY = 0xffffffff;

export class Scheduler {
  /** Live threads in creation order, which is the round-robin order. */
  readonly threads: Thread[] = [];
  /** Index in `threads` of the thread `next()` picked last. */
  private last = -1;
  /** FIFO queues of futex waiters, by word address. */
  private readonly queues = new Map<number, Thread[]>();
  /** Instructions retired by threads that have exited (for the total over the process). */
  retiredByExited = 0;
  private tidCounter: number;

  constructor(private readonly clock: SchedulerClock, readonly firstTid: number) {
    this.tidCounter = firstTid;
  }

  /** A fresh thread id (never reused within a run). */
  allocTid(): number { return ++this.tidCounter; }

  get live(): number { return this.threads.length; }

  add(t: Thread): void { this.threads.push(t); }

  find(tid: number): Thread | undefined {
    for (const t of this.threads) if (t.tid === tid) return t;
    return undefined;
  }

  /** Removes an exiting thread; the process ends when none is left. */
  exit(t: Thread): void {
    const i = this.threads.indexOf(t);
    if (i < 0) return;
    if (t.wait) this.unqueue(t);
    t.state = 'exited';
    t.wait = undefined;
    this.threads.splice(i, 1);
    if (i <= this.last) this.last--;
    this.retiredByExited += t.hart.instret;
  }

  /** Instructions retired by every thread of the process, exited ones included. */
  totalRetired(): number {
    let n = this.retiredByExited;
    for (const t of this.threads) n += t.hart.instret;
    return n;
  }

  // ---------------------------------------------------------------- blocking

  block(t: Thread, wait: Wait): void {
    t.state = 'blocked';
    t.wait = wait;
    if (wait.futex) {
      let q = this.queues.get(wait.futex.addr);
      if (!q) this.queues.set(wait.futex.addr, (q = []));
      q.push(t);
    }
  }

  /** Ends `t`'s wait: the blocked system call completes with `result` when `t` next runs. */
  wake(t: Thread, result: WaitResult): void {
    const w = t.wait;
    if (t.state !== 'blocked' || !w) return;
    this.unqueue(t);
    t.state = 'runnable';
    t.wait = undefined;
    t.wakeResult = result;
    w.done?.();
  }

  private unqueue(t: Thread): void {
    const key = t.wait?.futex;
    if (!key) return;
    const q = this.queues.get(key.addr);
    if (!q) return;
    const i = q.indexOf(t);
    if (i >= 0) q.splice(i, 1);
    if (q.length === 0) this.queues.delete(key.addr);
  }

  /** Threads waiting on the futex word at `addr`, oldest first. */
  waiters(addr: number): readonly Thread[] { return this.queues.get(addr) ?? []; }

  /** Wakes up to `count` waiters on `addr` whose bitset intersects `bitset`; their calls return `result`. */
  futexWake(addr: number, count: number, bitset = FUTEX_BITSET_ANY, result: WaitResult = 0n): number {
    const q = this.queues.get(addr);
    if (!q || count <= 0) return 0;
    let woken = 0;
    for (const t of [...q]) {
      if (woken >= count) break;
      if ((t.wait!.futex!.bitset & bitset) === 0) continue;
      this.wake(t, result);
      woken++;
    }
    return woken;
  }

  /** Wakes up to `nWake` waiters on `from`, then moves up to `nMove` of the rest to `to`. */
  futexRequeue(from: number, to: number, nWake: number, nMove: number): number {
    const woken = this.futexWake(from, nWake);
    const q = this.queues.get(from);
    if (!q || nMove <= 0) return woken;
    const moving = q.splice(0, nMove);
    if (q.length === 0) this.queues.delete(from);
    let dest = this.queues.get(to);
    if (!dest) this.queues.set(to, (dest = []));
    for (const t of moving) {
      t.wait!.futex!.addr = to;
      dest.push(t);
    }
    return woken + moving.length;
  }

  // ---------------------------------------------------------------- picking

  /**
   * The next thread to run, round-robin after the one picked last. Blocked threads are woken
   * first when they can be: a signal they do not block, a condition that now holds, an expired
   * deadline. With every thread blocked, the host sleeps until the earliest deadline; with no
   * deadline either, nothing can ever wake them: a deadlock.
   */
  next(): Pick {
    for (;;) {
      let now: bigint | undefined;
      let earliest: bigint | undefined;
      for (const t of this.threads) {
        const w = t.wait;
        if (t.state !== 'blocked' || !w) continue;
        const sig = t.signals.deliverable();
        if (sig !== undefined) { this.wake(t, w.interrupted ? w.interrupted(sig) : BigInt(-EINTR)); continue; }
        if (w.ready?.()) { this.wake(t, 'restart'); continue; }
        if (w.deadline !== undefined) {
          now ??= this.clock.now();
          if (now >= w.deadline) { this.wake(t, w.timeout ? w.timeout() : BigInt(-ETIMEDOUT)); continue; }
          if (earliest === undefined || w.deadline < earliest) earliest = w.deadline;
        }
      }
      const n = this.threads.length;
      for (let i = 1; i <= n; i++) {
        const idx = (this.last + i) % n;
        const t = this.threads[idx];
        if (t.state === 'runnable') {
          this.last = idx;
          return { kind: 'run', thread: t };
        }
      }
      if (earliest === undefined) return { kind: 'deadlock', report: this.report() };
      const before = this.clock.now();
      if (earliest > before) this.clock.sleep(earliest - before);
    }
  }

  /** "tid 12: futex wait on 0x1234, tid 13: read from an empty pipe". */
  report(): string {
    return this.threads.map((t) => `tid ${t.tid}: ${t.wait?.what ?? t.state}`).join(', ');
  }
}
