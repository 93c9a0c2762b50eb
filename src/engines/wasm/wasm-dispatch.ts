/**
 * The dispatch loop of the WebAssembly regions, in WebAssembly: control passes from one
 * region to the next through the translator's jump cache (kept in the same memory) and a
 * function table, without returning to JavaScript. A transition then costs an indirect call
 * and the regions' register loads and stores, instead of a round trip through the JavaScript
 * dispatcher (translator.ts), which measured 50-70 ns per region entry.
 *
 * run(pc, budget) enters the region the jump cache names for pc and goes on while the next
 * pc hits in the jump cache on a WebAssembly region and the budget lasts. It returns the pc
 * where it stopped (a miss, a JavaScript region, or a region that retired nothing: the
 * interpreter's turn), and leaves in the hart's engine cells (DISPATCH_CELLS) what JavaScript
 * needs to go on from there.
 */
import { Body, moduleBytes, T_I32 } from './wasm-binary.js';

/** Indices of the i32 engine cells (hart.ts: HART_LAYOUT.engineCells) the dispatcher and the regions use. */
export const DISPATCH_CELLS = {
  /** Instructions the last region call retired (each region leaves it there). */
  regionRetired: 0,
  /** Instructions retired by the whole dispatcher call. */
  retired: 1,
  /** The table slot of the last region that ran (whose exit JavaScript then counts). */
  lastSlot: 2,
  /** Region calls made. */
  calls: 3,
} as const;

export interface DispatchLayout {
  pages: number;
  /** Byte offsets of the jump cache's three int32 arrays: pc tags, case numbers, table slots (-1: a JavaScript region). */
  tagOffset: number;
  caseOffset: number;
  slotOffset: number;
  /** The jump cache index of pc is (pc >>> 1) & mask. */
  mask: number;
  /** Byte offset of the hart (each region takes it as a parameter), and of its engine cells. */
  hartOffset: number;
  cellsOffset: number;
  /** Most instructions one region call may run (see translator.ts: WASM_CALL_BUDGET). */
  callBudget: number;
}

/**
 * The jump cache set of pc (its first way; the second is the index ^ 1), for JavaScript
 * (translator.ts) and, below, for WebAssembly.
 */
export const jumpCacheIndex = (pc: number, mask: number) => ((pc >>> 1) ^ (pc >>> JC_FOLD)) & mask;
/** Folding in the page number spreads code at the same offset of different pages over the sets. */
const JC_FOLD = 12;

const L_PC = 0, L_BUDGET = 1, L_DONE = 2, L_H = 3, L_SLOT = 4, L_R = 5, L_NEXT = 6, L_CALLS = 7, L_LAST = 8;

export function wasmDispatcher(l: DispatchLayout): Uint8Array<ArrayBuffer> {
  const c = new Body();
  const cell = (k: number) => l.cellsOffset + 4 * k;
  c.open('block', 'out').open('loop', 'next');
  c.get(L_PC).i32(1).op('i32.shr_u').get(L_PC).i32(JC_FOLD).op('i32.shr_u', 'i32.xor').i32(l.mask).op('i32.and').i32(2).op('i32.shl').set(L_H);
  c.get(L_H).mem('i32.load', 2, l.tagOffset).get(L_PC).op('i32.ne').open('if');
  c.get(L_H).i32(4).op('i32.xor').tee(L_H).mem('i32.load', 2, l.tagOffset).get(L_PC).op('i32.ne').brIf('out');
  c.end();
  c.get(L_H).mem('i32.load', 2, l.slotOffset).tee(L_SLOT).i32(0).op('i32.lt_s').brIf('out');
  // region(pc, case, min(budget left, callBudget), hart)
  c.get(L_PC).get(L_H).mem('i32.load', 2, l.caseOffset);
  c.get(L_BUDGET).get(L_DONE).op('i32.sub').tee(L_R).i32(l.callBudget).get(L_R).i32(l.callBudget).op('i32.lt_s', 'select');
  c.i32(l.hartOffset);
  c.get(L_SLOT).callIndirect().set(L_NEXT);
  c.i32(0).mem('i32.load', 2, cell(DISPATCH_CELLS.regionRetired)).tee(L_R).get(L_DONE).op('i32.add').set(L_DONE);
  c.get(L_CALLS).i32(1).op('i32.add').set(L_CALLS);
  c.get(L_SLOT).set(L_LAST);
  c.get(L_NEXT).set(L_PC);
  c.get(L_R).op('i32.eqz').brIf('out');
  c.get(L_DONE).get(L_BUDGET).op('i32.lt_s').brIf('next');
  c.end().end();
  // What JavaScript reads afterwards is stored once, on the way out.
  c.i32(0).get(L_DONE).mem('i32.store', 2, cell(DISPATCH_CELLS.retired));
  c.i32(0).get(L_LAST).mem('i32.store', 2, cell(DISPATCH_CELLS.lastSlot));
  c.i32(0).get(L_CALLS).mem('i32.store', 2, cell(DISPATCH_CELLS.calls));
  c.get(L_PC);
  return moduleBytes({ pages: l.pages, params: 2, locals: [[7, T_I32]], table: { callParams: 4 } }, c);
}
