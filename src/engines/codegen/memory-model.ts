/**
 * What an engine's generated code needs to know about the machine it runs on: how guest memory
 * is reached (the vocabulary's LOAD_x / STORE_x expansions) and how pc is kept and instructions
 * fetched (the run loop's parts). The process VM's memory is flat (guest address = offset in
 * one buffer); the system VM's goes through an MMU with a software TLB.
 */
import type { Vocabulary } from './macros.js';

/** Typed temporaries the vocabularies' expansions use, declared once by each generated function. */
export const TEMPS = 'let ea = 0, sa = 0, sv = 0, sb = 0n, tb = 0n, tn = 0, tl = 0, th = 0, tk = 0, ta = 0, nhi = 0, tv = 0, dl = 0, dh = 0;';

/** Statements and expressions of the run loop that depend on the memory model. */
export interface LoopModel {
  /** Statements at entry: declare `pc` (int32, the low word of the guest pc), `PCHI` and what fetch keeps. */
  enter: string;
  /** Statements before each fetch: check the page of pc (at most once per page). */
  fetchCheck: string;
  /** The 16-bit parcel at pc. */
  lowerParcel: string;
  /** Statements before reading the parcel at pc + 2 (a 32-bit instruction may straddle a page). */
  upperCheck?: string;
  /** The parcel at pc + 2. */
  upperParcel: string;
  /** Statements storing pc back into NUM[0]. */
  leave: string;
  /** An extra condition for running the next instruction. */
  keepGoing?: string;
  /**
   * Run blockwise (a translator's cold path), the loop also stops after a system instruction,
   * where the translator's blocks end, so that the block after it is looked up (and counted)
   * at once rather than interpreted up to the next branch. The process VM's WebAssembly
   * regions run the fflags/frm accesses of FP library code inline, so there the block after
   * one is worth finding. The system VM keeps stopping at control transfers only: firmware and
   * kernels make many CSR accesses whose following blocks are seldom hot, and looking each up
   * would cost for nothing (boot times to the U-Boot prompt were within this host's noise
   * either way).
   */
  blockEndsAtSystem?: boolean;
}

export interface MemoryModel {
  readonly name: string;
  readonly vocabulary: Vocabulary;
  readonly loop: LoopModel;
  /** Context fields the generated code reads (copied to locals). */
  readonly bindings: readonly string[];
}
