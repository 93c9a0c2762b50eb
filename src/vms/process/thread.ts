/**
 * One thread of the guest process (a Linux task): its own hart state (registers, pc, instret),
 * tid, signal mask and pending signals, alternate stack, clear_child_tid and robust list.
 * Everything else (memory, files, signal dispositions, cwd) belongs to the process and is shared
 * through the kernel.
 */
import type { Engine } from '../../engines/engine.js';
import type { HartState } from '../../machine/hart.js';
import type { SignalState } from './syscalls/signals.js';
import type { Args, SyscallDef } from './syscalls/types.js';

export type ThreadState = 'runnable' | 'blocked' | 'exited';

/** How a blocked system call ends: a value for a0, or `'restart'` to execute the ecall again. */
export type WaitResult = bigint | 'restart';

/** A futex wait's key: the word's guest address and the FUTEX_WAIT_BITSET mask. */
export interface FutexKey { addr: number; bitset: number }

/**
 * What a blocked thread waits for. A wait ends in one of four ways, whichever comes first:
 *  - another thread wakes it explicitly (futex wake, PI unlock): the waker supplies the result;
 *  - `ready()` turns true (data in a pipe, a poll event): the call is executed again from the
 *    start, so it completes with the state it then finds (restart semantics);
 *  - the `deadline` (host monotonic ns) passes: the result is `timeout()`;
 *  - a signal the thread does not block arrives: the result is `interrupted(sig)`, -EINTR by
 *    default, or 'restart' for calls that SA_RESTART restarts.
 */
export interface Wait {
  /** Said in the deadlock report: "futex wait on 0x4a3f0", "read from an empty pipe". */
  readonly what: string;
  /** Set for futex waits (the scheduler keeps one FIFO queue per address). */
  readonly futex?: FutexKey;
  readonly deadline?: bigint;
  timeout?(): WaitResult;
  ready?(): boolean;
  interrupted?(sig: number): WaitResult;
  /** Called when the wait ends, however it ends (e.g. sigsuspend restores nothing; PI waiters leave their queue). */
  done?(): void;
}

export class Thread {
  state: ThreadState = 'runnable';
  /** Set while blocked. */
  wait: Wait | undefined;
  /** How the blocked call ended; set on wake-up and consumed when the thread next runs. */
  wakeResult: WaitResult | undefined;
  /** The blocked system call, so -strace can print it with its result when it completes. */
  blockedCall: { def: SyscallDef; args: Args } | undefined;
  /** set_tid_address / CLONE_CHILD_CLEARTID: zeroed and futex-woken when the thread exits. */
  clearChildTid = 0n;
  /** set_robust_list: [head, len]. */
  robustList: [bigint, bigint] = [0n, 0n];

  /** The engine that runs this thread's hart; the process VM creates it on first use. */
  engine: Engine | undefined;

  constructor(readonly tid: number, readonly hart: HartState, readonly signals: SignalState) {}

  get alive(): boolean { return this.state !== 'exited'; }
}
