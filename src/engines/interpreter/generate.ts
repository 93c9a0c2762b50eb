/**
 * Generates the interpreter's run loop from the instruction table: fetch (with compressed
 * parcels expanded through the RVC table), the decision tree, and each instruction's meaning
 * expanded with the interpreter vocabulary. The result is JavaScript source; interpreter.ts
 * compiles it once per memory model.
 */
import { OPERAND_FIELDS, operandSrc } from '../../isa/riscv/encoding.js';
import { INSNS, type InsnDef } from '../../isa/riscv/instructions.js';
import { decodeTree } from '../codegen/decode-tree.js';
import { expand, usedFields, type Vocabulary } from '../codegen/macros.js';


export interface GenerateOptions {
  vocabulary: Vocabulary;
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
  const body = expand(d.exec, vocabulary);
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

const TEMPS = 'let ea = 0, sa = 0, sv = 0, sb = 0n, tb = 0n, tn = 0, tl = 0, th = 0;';

export function generateInterpreter(opts: GenerateOptions): string {
  const v = opts.vocabulary;
  const illegal = expand('ILLEGAL()', v);
  const locals = `const ${opts.bindings.map((n) => `${n} = C.${n}`).join(', ')};`;
  const coldCall = 'npc = cold(C, i, raw, pc, len, icount); if (BLOCKWISE && npc !== ((pc + len) | 0)) budget = 0';
  return `
const cold = function (C, i, raw, pc, len, icount) {
  ${locals}
  ${TEMPS}
  let npc = (pc + len) | 0;
  ${dispatch(INSNS.filter((d) => !isHot(d)), v, illegal, false)}
  return npc;
};
return function run(C, budget) {
  ${locals}
  // pc stays an int32 (guest memory is at most 2 GiB); see NUM_FAR_PC in machine/hart.ts.
  const pc0 = NUM[0];
  let pc = pc0 >= 0 && pc0 < LIM ? pc0 | 0 : (NUM[3] = pc0, -1);
  let icount = 0, raw = 0, fetchPage = -1;
  ${TEMPS}
  try {
    while (icount < budget) {
      // Execute permission is checked once per page: a page's protection can only change in a
      // system call, and every system call leaves this loop.
      if ((pc & -4096) !== fetchPage) {
        if (!(pc >= 0 && pc < LIM && (PERM[pc >>> 12] & 4) !== 0)) M.fetch16(pc === -1 ? NUM[3] : pc);
        fetchPage = pc & -4096;
      }
      raw = U16[pc >>> 1];
      let i, len;
      if ((raw & 3) !== 3) {
        len = 2; i = RVC[raw];
        if (i <= 1 && (i = RVC_SLOW(raw)) === 0) ${illegal};
      } else {
        len = 4;
        if (((pc + 2) & 4095) === 0 && (PERM[(pc + 2) >>> 12] & 4) === 0) M.fetch16(pc + 2);
        raw = i = raw | (U16[(pc >>> 1) + 1] << 16);
      }
      ${opts.trace ? 'TRACE(pc, raw, len);' : ''}
      let npc = (pc + len) | 0;
      ${dispatch(INSNS.filter(isHot), v, coldCall, true)}
      pc = npc;
      icount++;
    }
  } catch (e) {
    NUM[0] = pc === -1 ? NUM[3] : pc; NUM[1] += icount;
    if (e instanceof GuestTrap) return { kind: 'trap', cause: e.cause, tval: e.tval };
    throw e;
  }
  NUM[0] = pc === -1 ? NUM[3] : pc; NUM[1] += icount;
  return BUDGET_EXIT;
};`;
}
