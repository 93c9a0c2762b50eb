/**
 * Architectural state as the lockstep checker compares it (a hart snapshot, how the run
 * ended, guest pages), and the differences between two such states, named for a report.
 */
import { F_NAMES, X_NAMES } from '../../isa/riscv/registers.js';
import { HART_LAYOUT, NUM_INSTRET, NUM_PC, NUM_RESERVATION, FCSR_FLAGS, FCSR_FRM } from '../../machine/hart.js';
import { PAGE_SHIFT, PAGE_SIZE } from '../../machine/memory.js';
import { CAUSE_NAMES } from '../../machine/trap.js';
import type { Exit } from '../engine.js';

/** How an engine's run ended; 'error' when it threw something other than a guest trap (an engine bug). */
export type Outcome = Exit | { kind: 'error'; message: string; error: unknown };

export interface Difference { what: string; reference: string; tested: string }

const layout = HART_LAYOUT;
export const HART_BYTES = layout.size;

/** The int32 words of a hart snapshot that hold architectural state (x, f, pc, instret, reservation, fcsr). */
const WORDS: number[] = [];
for (let k = 0; k < 64; k++) WORDS.push(layout.x / 4 + k, layout.f / 4 + k);
for (const cell of [NUM_PC, NUM_INSTRET, NUM_RESERVATION]) WORDS.push(layout.num / 4 + 2 * cell, layout.num / 4 + 2 * cell + 1);
WORDS.push(layout.fcsr / 4 + FCSR_FLAGS, layout.fcsr / 4 + FCSR_FRM);
const WORD_LIST = Int32Array.from(WORDS);

const words = (b: Uint8Array) => new Int32Array(b.buffer, b.byteOffset, b.byteLength >> 2);

/** Fast path of the common case: do two hart snapshots agree on every architectural register? */
export function sameHart(a: Uint8Array, b: Uint8Array): boolean {
  const wa = words(a), wb = words(b);
  for (let k = 0; k < WORD_LIST.length; k++) if (wa[WORD_LIST[k]] !== wb[WORD_LIST[k]]) return false;
  return true;
}

export function sameOutcome(a: Outcome, b: Outcome): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'trap' && b.kind === 'trap') return a.cause === b.cause && a.tval === b.tval;
  if (a.kind === 'error' && b.kind === 'error') return a.message === b.message;
  return true;
}

export function describeOutcome(o: Outcome): string {
  switch (o.kind) {
    case 'budget': return 'ran its whole budget';
    case 'trap': return `trap ${o.cause} (${CAUSE_NAMES[o.cause] ?? '?'}), tval 0x${BigInt.asUintN(64, o.tval).toString(16)}`;
    default: return `threw: ${o.message}`;
  }
}

const hex64 = (v: bigint) => '0x' + BigInt.asUintN(64, v).toString(16).padStart(16, '0');

/** Register differences between two hart snapshots, in register order. */
export function hartDifferences(a: Uint8Array, b: Uint8Array): Difference[] {
  const out: Difference[] = [];
  const view = (s: Uint8Array) => ({
    x: new BigInt64Array(s.buffer, s.byteOffset + layout.x, 32),
    f: new BigInt64Array(s.buffer, s.byteOffset + layout.f, 32),
    num: new Float64Array(s.buffer, s.byteOffset + layout.num, 8),
    fcsr: new Int32Array(s.buffer, s.byteOffset + layout.fcsr, 2),
  });
  const A = view(a), B = view(b);
  const num = (cell: number, what: string, fmt: (v: number) => string) => {
    if (A.num[cell] !== B.num[cell]) out.push({ what, reference: fmt(A.num[cell]), tested: fmt(B.num[cell]) });
  };
  num(NUM_PC, 'pc', (v) => '0x' + v.toString(16));
  for (let r = 1; r < 32; r++) if (A.x[r] !== B.x[r]) out.push({ what: `${X_NAMES[r]} (x${r})`, reference: hex64(A.x[r]), tested: hex64(B.x[r]) });
  for (let r = 0; r < 32; r++) if (A.f[r] !== B.f[r]) out.push({ what: `${F_NAMES[r]} (f${r})`, reference: hex64(A.f[r]), tested: hex64(B.f[r]) });
  const fcsr = (k: number, what: string) => {
    if (A.fcsr[k] !== B.fcsr[k]) out.push({ what, reference: '0x' + (A.fcsr[k] >>> 0).toString(16), tested: '0x' + (B.fcsr[k] >>> 0).toString(16) });
  };
  fcsr(FCSR_FLAGS, 'fflags');
  fcsr(FCSR_FRM, 'frm');
  num(NUM_INSTRET, 'instret', String);
  num(NUM_RESERVATION, 'LR reservation', (v) => (v < 0 ? 'none' : '0x' + v.toString(16)));
  return out;
}

/** Differing bytes of two versions of the pages, as runs of at most 16 bytes (`limit` runs at most). */
export function memoryDifferences(pages: Iterable<number>, a: (p: number) => Uint8Array, b: (p: number) => Uint8Array, limit = 4): Difference[] {
  const out: Difference[] = [];
  for (const p of [...pages].sort((x, y) => x - y)) {
    const pa = a(p), pb = b(p);
    for (let k = 0; k < PAGE_SIZE && out.length < limit; k++) {
      if (pa[k] === pb[k]) continue;
      let end = k + 1;
      // A run ends at the page end, after 16 bytes, or at 4 equal bytes in a row.
      for (let same = 0; end < PAGE_SIZE && end - k < 16; end++) {
        if (pa[end] === pb[end]) { if (++same === 4) { end -= 3; break; } } else same = 0;
      }
      while (pa[end - 1] === pb[end - 1]) end--;
      const bytes = (x: Uint8Array) => Array.from(x.subarray(k, end), (v) => v.toString(16).padStart(2, '0')).join(' ');
      out.push({ what: `mem 0x${((p << PAGE_SHIFT >>> 0) + k).toString(16)}`, reference: bytes(pa), tested: bytes(pb) });
      k = end - 1;
    }
  }
  return out;
}
