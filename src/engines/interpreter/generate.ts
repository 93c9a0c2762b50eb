/**
 * Generates the interpreter's run loop from the instruction table: fetch (with compressed
 * parcels expanded through the RVC table), the decision tree, and each instruction's meaning
 * expanded with the interpreter vocabulary. The result is JavaScript source; interpreter.ts
 * compiles it once per memory model.
 */
import { FIELD_SRC } from '../../isa/riscv/encoding.js';
import { INSNS, type InsnDef } from '../../isa/riscv/instructions.js';
import { decodeTree } from '../codegen/decode-tree.js';
import { expand, usedFields, type Vocabulary } from '../codegen/macros.js';

const FIELDS = ['rd', 'rs1', 'rs2', 'rs3', 'rm', 'csr', 'shamt', 'imm'] as const;
const IMM_FIELD = { I: FIELD_SRC.immI, S: FIELD_SRC.immS, B: FIELD_SRC.immB, U: FIELD_SRC.immU, J: FIELD_SRC.immJ, none: '0' };

export interface GenerateOptions {
  vocabulary: Vocabulary;
  /** Emit a call to TRACE(pc, raw, len) before each instruction. */
  trace?: boolean;
  /**
   * Names the compiled function receives as `NAME$` and copies into locals of the run loop:
   * V8 keeps locals in registers, while closure variables are reloaded at every use.
   */
  bindings: readonly string[];
}

/** One instruction's case body: its fields, then its expanded meaning. */
export function instructionBody(d: InsnDef, vocabulary: Vocabulary): string {
  const body = expand(d.exec, vocabulary);
  const decls = usedFields(body, FIELDS).map((f) => `${f} = ${f === 'imm' ? IMM_FIELD[d.imm] : FIELD_SRC[f as keyof typeof FIELD_SRC]}`);
  return `/* ${d.name} */ ${decls.length ? `const ${decls.join(', ')};` : ''} ${body}`;
}

function chain(defs: InsnDef[], v: Vocabulary, illegal: string): string {
  let s = '';
  for (const d of defs) s += `if ((i & ${d.mask}) === ${d.match}) { ${instructionBody(d, v)} } else `;
  return `${s}${illegal};`;
}

export function generateInterpreter(opts: GenerateOptions): string {
  const v = opts.vocabulary;
  const illegal = expand('ILLEGAL()', v);
  let dispatch = 'switch (i & 127) {\n';
  for (const g of decodeTree(INSNS)) {
    dispatch += `case ${g.opcode}: `;
    if (g.byFunct3) {
      dispatch += 'switch ((i >>> 12) & 7) {\n';
      for (const [f3, defs] of [...g.byFunct3].sort((a, b) => a[0] - b[0])) dispatch += `case ${f3}: ${chain(defs, v, illegal)} break;\n`;
      dispatch += `default: ${illegal};\n}\n`;
    } else {
      dispatch += chain(g.insns, v, illegal);
    }
    dispatch += ' break;\n';
  }
  dispatch += `default: ${illegal};\n}`;

  return `
return function run(budget) {
  const ${opts.bindings.map((n) => `${n} = ${n}$`).join(', ')};
  let pc = NUM[0], icount = 0, raw = 0;
  let ea = 0, sa = 0, sv = 0, sb = 0n, tb = 0n, tn = 0, tl = 0, th = 0;
  try {
    while (icount < budget) {
      if (!(pc >= 0 && pc < LIM && (PERM[pc >>> 12] & 4) !== 0)) M.fetch16(pc);
      raw = U16[pc >>> 1];
      let i, len;
      if ((raw & 3) !== 3) {
        len = 2; i = RVC[raw];
        if (i === 0) ${illegal};
      } else {
        len = 4;
        if (((pc + 2) & 4095) === 0 && (PERM[(pc + 2) >>> 12] & 4) === 0) M.fetch16(pc + 2);
        raw = i = raw | (U16[(pc >>> 1) + 1] << 16);
      }
      ${opts.trace ? 'TRACE(pc, raw, len);' : ''}
      let npc = pc + len;
      ${dispatch}
      pc = npc;
      icount++;
    }
  } catch (e) {
    NUM[0] = pc; NUM[1] += icount;
    if (e instanceof GuestTrap) return { kind: 'trap', cause: e.cause, tval: e.tval };
    throw e;
  }
  NUM[0] = pc; NUM[1] += icount;
  return BUDGET_EXIT;
};`;
}
