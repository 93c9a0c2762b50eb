import type { LinuxKernel } from '../kernel.js';
import type { Wait } from '../thread.js';

/** The six raw argument registers a0..a5, as signed 64-bit values. */
export type Args = readonly bigint[];

/**
 * Returned by exit/exit_group: the dispatcher ends the process, or with `threadOnly` (exit)
 * only the calling thread, unless it is the last one.
 */
export class ExitRequest {
  constructor(readonly status: number, readonly threadOnly = false) {}
}

/** Thrown (through LinuxKernel.blockOn) by a system call that must wait: the dispatcher blocks the thread. */
export class BlockRequest {
  constructor(readonly wait: Wait) {}
}

/** Returned by sched_yield: a0 = 0 and the thread's time slice ends. */
export const YIELD = Symbol('yield');

/** Returned by rt_sigreturn: a0 was restored with the rest of the registers and must not be overwritten. */
export const KEEP_A0 = Symbol('keep a0');

export type SyscallResult = number | bigint | ExitRequest | typeof KEEP_A0 | typeof YIELD;
export type Handler = (k: LinuxKernel, a: Args) => SyscallResult;

/**
 * One system call. `fmt` describes the arguments for -strace, one character each:
 *   d int (32-bit signed)   D long   u unsigned long   x hex   p pointer (NULL or 0x..)
 *   s C string   f fd (AT_FDCWD)   o open flags   O octal mode   P mmap prot   M mmap flags
 *   S signal number
 * `ret` 'x' prints the result as an address (mmap, brk).
 */
export interface SyscallDef {
  nr: number;
  name: string;
  fmt?: string;
  ret?: 'x';
  fn: Handler;
}
