/**
 * Generates the interpreter's run loop from the instruction table: fetch (with compressed
 * parcels expanded through the RVC table), the decision tree, and each instruction's meaning
 * expanded with the interpreter vocabulary. The result is JavaScript source; interpreter.ts
 * compiles it once per memory model.
 */
import { OPERAND_FIELDS, operandSrc } from '../../isa/riscv/encoding.js';
import { INSNS, type InsnDef } from '../../isa/riscv/instructions.js';
import { decodeTree } from '../codegen/decode-tree.js';
import { expand, meaning, usedFields, type Vocabulary } from '../codegen/macros.js';
import { TEMPS, type LoopModel } from '../codegen/memory-model.js';


export interface GenerateOptions {
  vocabulary: Vocabulary;
  /** How the run loop keeps pc and fetches: flat process memory, or through the system VM's MMU. */
  loop: LoopModel;
  /** Emit a call to TRACE(pc, raw, len) before each instruction. */
  trace?: boolean;
  /**
   * Fields of the context object `C` that the run loop copies into locals (V8 keeps locals in
   * registers; closure variables and properties are reloaded at every use). One compiled
   * function serves every hart, so V8 optimizes it once.
   */
  bindings: readonly string[];
}

/** One instruction's case body: its fields, then its expanded meaning. */
export function instructionBody(d: InsnDef, vocabulary: Vocabulary): string {
  const body = meaning(d, vocabulary);
  const decls = usedFields(body, OPERAND_FIELDS).map((f) => `${f} = ${operandSrc(f, d.imm)}`);
  return `/* ${d.name} */ ${decls.length ? `const ${decls.join(', ')};` : ''} ${body}`;
}

/** mask/match tests in order; what none of them matches is handed to `otherwise`. */
function chain(defs: InsnDef[], v: Vocabulary, otherwise: string, inLoop: boolean): string {
  let s = '';
  // In blockwise mode (a translator's cold path) the run loop ends after a control transfer.
  const endsBlock = (d: InsnDef) => (inLoop && d.flags.branch ? ' if (BLOCKWISE) budget = 0;' : '');
  for (const d of defs) s += `if ((i & ${d.mask}) === ${d.match}) { ${instructionBody(d, v)};${endsBlock(d)} } else `;
  return `${s}${otherwise};`;
}

/** The decision tree over `defs` as a switch; unmatched encodings go to `otherwise`. */
function dispatch(defs: readonly InsnDef[], v: Vocabulary, otherwise: string, inLoop: boolean): string {
  // Major opcode bits [6:2] are dense (0..31), so V8 compiles this switch to a jump table.
  let s = 'switch ((i >>> 2) & 31) {\n';
  for (const g of decodeTree(defs)) {
    s += `case ${(g.opcode >>> 2) & 31}: `;
    if (g.byFunct3) {
      s += 'switch ((i >>> 12) & 7) {\n';
      for (const [f3, list] of [...g.byFunct3].sort((a, b) => a[0] - b[0])) s += `case ${f3}: ${chain(list, v, otherwise, inLoop)} break;\n`;
      s += `default: ${otherwise};\n}\n`;
    } else {
      s += chain(g.insns, v, otherwise, inLoop);
    }
    s += ' break;\n';
  }
  return `${s}default: ${otherwise};\n}`;
}

/**
 * Instructions the run loop decodes itself. The rest (FP arithmetic, atomics, CSRs, system)
 * lives in a second function: V8 optimizes a function only below a bytecode size, and a
 * smaller loop also gets better register allocation.
 */
export function isHot(d: InsnDef): boolean {
  return ((d.ext === 'I' || d.ext === 'M') && !d.flags.system) || (d.flags.fp === true && (d.flags.load === true || d.flags.store === true));
}



/**
 * A test of the instruction word `i` for the system instructions: by major opcode where every
 * instruction with that opcode is one (SYSTEM), by each instruction's mask where not (fence.i
 * beside fence), so that the cold path pays one or two compares, not one per instruction.
 */
function systemTest(): string {
  const tests: string[] = [];
  for (const opcode of new Set(INSNS.filter((d) => d.flags.system).map((d) => d.match & 0x7f))) {
    const withOpcode = INSNS.filter((d) => (d.mask & 0x7f) === 0x7f && (d.match & 0x7f) === opcode);
    if (withOpcode.every((d) => d.flags.system)) tests.push(`(i & 127) === ${opcode}`);
    else tests.push(...withOpcode.filter((d) => d.flags.system).map((d) => `(i & ${d.mask}) === ${d.match}`));
  }
  return tests.join(' || ');
}

export function generateInterpreter(opts: GenerateOptions): string {
  const v = opts.vocabulary, L = opts.loop;
  const illegal = expand('ILLEGAL()', v);
  const locals = `const ${opts.bindings.map((n) => `${n} = C.${n}`).join(', ')};`;
  const system = L.blockEndsAtSystem ? ` || ${systemTest()}` : '';
  const coldCall = `npc = cold(C, i, raw, pc, len, icount, PCHI); if (BLOCKWISE && (npc !== ((pc + len) | 0)${system})) budget = 0`;
  return `
const cold = function (C, i, raw, pc, len, icount, PCHI) {
  ${locals}
  ${TEMPS}
  let npc = (pc + len) | 0;
  ${dispatch(INSNS.filter((d) => !isHot(d)), v, illegal, false)}
  return npc;
};
return function run(C, budget) {
  ${locals}
  ${L.enter}
  let icount = 0, raw = 0;
  ${TEMPS}
  try {
    while (icount < budget${L.keepGoing ? ` && ${L.keepGoing}` : ''}) {
      ${L.fetchCheck}
      raw = ${L.lowerParcel};
      let i, len;
      if ((raw & 3) !== 3) {
        len = 2; i = RVC[raw];
        if (i <= 1 && (i = RVC_SLOW(raw)) === 0) ${illegal};
      } else {
        len = 4;
        ${L.upperCheck ?? ''}
        raw = i = raw | (${L.upperParcel} << 16);
      }
      ${opts.trace ? 'TRACE(pc, raw, len);' : ''}
      let npc = (pc + len) | 0;
      ${dispatch(INSNS.filter(isHot), v, coldCall, true)}
      pc = npc;
      icount++;
    }
  } catch (e) {
    ${L.leave} NUM[1] += icount;
    if (e instanceof GuestTrap) return { kind: 'trap', cause: e.cause, tval: e.tval };
    throw e;
  }
  ${L.leave} NUM[1] += icount;
  return BUDGET_EXIT;
};`;
}
