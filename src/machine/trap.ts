/**
 * Synchronous exceptions as the RISC-V privileged spec numbers them. Engines raise a
 * `GuestTrap` from deep inside an instruction; the run loop catches it, so the instruction
 * that trapped has changed no architectural state and `pc` still names it (a precise trap).
 */
export const enum Cause {
  InsnMisaligned = 0,
  InsnAccessFault = 1,
  IllegalInsn = 2,
  Breakpoint = 3,
  LoadMisaligned = 4,
  LoadAccessFault = 5,
  StoreMisaligned = 6,
  StoreAccessFault = 7,
  EcallU = 8,
  EcallS = 9,
  EcallM = 11,
  InsnPageFault = 12,
  LoadPageFault = 13,
  StorePageFault = 15,
}

export const CAUSE_NAMES: Record<number, string> = {
  0: 'instruction address misaligned',
  1: 'instruction access fault',
  2: 'illegal instruction',
  3: 'breakpoint',
  4: 'load address misaligned',
  5: 'load access fault',
  6: 'store/AMO address misaligned',
  7: 'store/AMO access fault',
  8: 'environment call from U-mode',
  9: 'environment call from S-mode',
  11: 'environment call from M-mode',
  12: 'instruction page fault',
  13: 'load page fault',
  15: 'store/AMO page fault',
};

export class GuestTrap {
  constructor(
    readonly cause: number,
    /** The faulting address, or the instruction bits for an illegal instruction. */
    readonly tval: bigint,
  ) {}
}

export function trap(cause: number, tval: bigint | number): never {
  throw new GuestTrap(cause, typeof tval === 'bigint' ? tval : BigInt(tval));
}
