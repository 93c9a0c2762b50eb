/**
 * Translates guest basic blocks into JavaScript source. Each instruction's meaning comes
 * from the same table and the same vocabulary as the interpreter; only the fields differ:
 * here they are constants of this one instruction, which V8 folds.
 */
import { operand, OPERAND_FIELDS, type OperandField } from '../../isa/riscv/encoding.js';
import type { InsnDef } from '../../isa/riscv/instructions.js';
import { meaning, usedFields, type Vocabulary } from '../codegen/macros.js';
import { SYS_STOP } from '../../machine/priv/cells.js';
import { TEMPS, type MemoryModel } from '../codegen/memory-model.js';

export interface BlockInsn {
  def: InsnDef;
  /** Base instruction word (compressed parcels expanded). */
  word: number;
  /** The parcel(s) as fetched: the tval of an illegal-instruction trap. */
  raw: number;
  /** Its address (the low word, in the system VM; the region knows the high word). */
  pc: number;
  len: number;
}



interface Expanded { exec: string; fields: OperandField[]; mayTrap: boolean }
const expansions = new WeakMap<Vocabulary, Map<InsnDef, Expanded>>();

/** An instruction's meaning expanded once per vocabulary: only the field values differ between blocks. */
function expanded(def: InsnDef, v: Vocabulary): Expanded {
  let byDef = expansions.get(v);
  if (!byDef) expansions.set(v, (byDef = new Map()));
  let e = byDef.get(def);
  if (!e) {
    const exec = meaning(def, v);
    e = {
      exec,
      fields: usedFields(exec, OPERAND_FIELDS),
      mayTrap: def.flags.load || def.flags.store || def.flags.system || def.flags.fp || /trap\(|M\.|CSR\./.test(exec) || false,
    };
    byDef.set(def, e);
  }
  return e;
}

/**
 * The function body for a region: the hot blocks of one guest page, as cases of a switch in a
 * loop, so control moves between them (loops, if/else, calls within the page) without leaving
 * translated code. Called as fn(C, entryPc). Contract with the dispatcher (translator.ts):
 * - P[1] counts the instructions retired so far in this call; P[2] is the budget: a block
 *   that would exceed it is not started;
 * - before each block, P[3] holds the block's start; before each instruction that can trap,
 *   P[0] holds its index in the block: a trap is precise, the dispatcher retires exactly the
 *   instructions before the faulting one;
 * - returns the pc at which translated execution left the region.
 * In the system VM (`hi` given) pc is two words: the region serves only its page's high word
 * (it returns when PCHI moves elsewhere), leaves PCHI in P[4] on return, and returns after any
 * block that changed the translation or interrupt context (SYS[SYS_STOP], see machine/priv/cells.ts).
 */
export function regionSource(blocks: BlockInsn[][], model: MemoryModel, hi?: number): string {
  const v: Vocabulary = model.vocabulary;
  const sys = hi !== undefined;
  const leave = sys ? 'return (P[4] = PCHI, pc);' : 'return pc;';
  let cases = '';
  for (const insns of blocks) {
    const start = insns[0].pc, last = insns[insns.length - 1], n = insns.length;
    let body = '';
    insns.forEach((ins, k) => {
      const { exec, fields, mayTrap } = expanded(ins.def, v);
      const decls = fields.map((f) => `${f} = ${operand(f, ins.def.imm, ins.word)}`);
      // instret reads (CSRs) see the instructions this call retired before the block, too.
      decls.push(`pc = ${ins.pc}`, `len = ${ins.len}`, `raw = ${ins.raw >>> 0}`);
      if (/\bicount\b/.test(exec)) decls.push(`icount = P[1] + ${k}`);
      // A store may have reached a device or code, a CSR write changed the context: in the
      // system VM the region ends right after such an instruction, as the interpreter does.
      const stopCheck = sys && k < n - 1 && (ins.def.flags.store || ins.def.flags.system)
        ? `      if (SYS[${SYS_STOP}] !== 0) { P[1] += ${k + 1}; pc = ${(ins.pc + ins.len) | 0}; ${leave} }\n` : '';
      body += `      { /* ${ins.def.name} */ const ${decls.join(', ')};${mayTrap ? ` P[0] = ${k};` : ''}\n        ${exec}; }\n${stopCheck}`;
    });
    cases += `    case ${start}: {
      if (P[1] + ${n} > P[2]) ${leave}
      P[3] = ${start};
      let npc = ${(last.pc + last.len) | 0};
${body}      P[1] += ${n}; pc = npc;${sys ? ` if (SYS[${SYS_STOP}] !== 0) return (P[4] = PCHI, pc);` : ''} continue;
    }
`;
  }
  const text = `for (;;) {\n  ${sys ? `if (PCHI !== ${hi}) ${leave}\n  ` : ''}switch (pc) {\n${cases}    default: ${leave}\n  }\n  }`;
  const used = model.bindings.filter((b) => new RegExp(`(?<![\\w$.])${b}(?![\\w$])`).test(text));
  return `const P = C.P${used.map((b) => `, ${b} = C.${b}`).join('')};
  ${TEMPS}
  let pc = entry${sys ? ', PCHI = entryHi' : ''};
  ${text}`;
}
