import { compressedSlow } from './compressed.js';
import { INSNS, type InsnDef } from './instructions.js';

/** Definitions grouped by major opcode, most specific pattern first: the same order the interpreter tests them in. */
const byOpcode: InsnDef[][] = Array.from({ length: 128 }, () => []);
for (const d of INSNS) byOpcode[d.match & 0x7f].push(d);
const ones = (v: number) => { let n = 0; for (v >>>= 0; v; v >>>= 1) n += v & 1; return n; };
/** Decoding order within an opcode: patterns that fix more bits first (e.g. ecall before other SYSTEM words). */
export const mostSpecificFirst = (a: InsnDef, b: InsnDef): number => ones(b.mask) - ones(a.mask);
for (const list of byOpcode) list.sort(mostSpecificFirst);

export interface Decoded {
  def: InsnDef;
  /** The base instruction word (compressed parcels expanded). */
  word: number;
  len: 2 | 4;
}

export function decodeWord(word: number): InsnDef | undefined {
  for (const d of byOpcode[word & 0x7f]) if ((word & d.mask) === d.match) return d;
  return undefined;
}

/** Decodes the instruction whose first parcel is `raw` (the low 16 or all 32 bits). */
export function decode(raw: number): Decoded | undefined {
  if ((raw & 3) !== 3) {
    const word = compressedSlow(raw & 0xffff);
    const def = word === 0 ? undefined : decodeWord(word);
    return def && { def, word, len: 2 };
  }
  const def = decodeWord(raw | 0);
  return def && { def, word: raw | 0, len: 4 };
}
