/**
 * Builds the decoder's decision tree from the instruction table: a switch on the major opcode,
 * then on funct3 where every instruction of the group fixes it, then mask/match tests with the
 * most specific patterns first. Used by the interpreter generator; the decoder for tools is
 * derived from the same table.
 */
import { mostSpecificFirst } from '../../isa/riscv/decoder.js';
import type { InsnDef } from '../../isa/riscv/instructions.js';

export interface DecodeGroup {
  opcode: number;
  /** Present when the group is split further on funct3. */
  byFunct3?: Map<number, InsnDef[]>;
  insns: InsnDef[];
}

const F3_MASK = 7 << 12;

export function decodeTree(defs: readonly InsnDef[]): DecodeGroup[] {
  const byOpcode = new Map<number, InsnDef[]>();
  for (const d of defs) {
    if ((d.mask & 0x7f) !== 0x7f) throw new Error(`${d.name}: major opcode not fixed`);
    const list = byOpcode.get(d.match & 0x7f) ?? [];
    list.push(d);
    byOpcode.set(d.match & 0x7f, list);
  }
  const groups: DecodeGroup[] = [];
  for (const [opcode, insns] of [...byOpcode].sort((a, b) => a[0] - b[0])) {
    insns.sort(mostSpecificFirst);
    const group: DecodeGroup = { opcode, insns };
    if (insns.length > 1 && insns.every((d) => (d.mask & F3_MASK) === F3_MASK)) {
      group.byFunct3 = new Map();
      for (const d of insns) {
        const f3 = (d.match >>> 12) & 7;
        group.byFunct3.set(f3, [...(group.byFunct3.get(f3) ?? []), d]);
      }
    }
    groups.push(group);
  }
  return groups;
}

