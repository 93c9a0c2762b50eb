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
import { wordsToBig } from '../codegen/vocabulary.js';

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
 * Fields become literals in translated code (V8 folds them, and declarations would cost
 * bytecode), so that each access to the register file can become a local variable (`x5l`,
 * `x5h`: the low and high word of x5). The vocabularies spell register accesses in these
 * forms only; anything else is an error at translation time (and in
 * test/engines/translator.test.ts, for every instruction).
 */
const REGISTER_ACCESS: [RegExp, string][] = [
  [/(?<![\w$.])XW\[\(?(\d+)\)? << 1\]/g, 'x$1l'],
  [/(?<![\w$.])XW\[\(\(?(\d+)\)? << 1\) \| 1\]/g, 'x$1h'],
  // WX's bigint write, the only write through X.
  [/(?<![\w$.])X\[(\d+)\] = tb/g, 'x$1l = Number(BigInt.asIntN(32, tb)), x$1h = Number(tb >> 32n)'],
  [/(?<![\w$.])X\[(\d+)\]/g, wordsToBig('x$1l', 'x$1h')],
];

/** One translated instruction: its statement, and the integer registers it reads or writes. */
interface Translated { code: string; regs: Set<number>; written: Set<number> }
const translations = new WeakMap<Vocabulary, WeakMap<BlockInsn, Translated>>();

function translated(ins: BlockInsn, v: Vocabulary): Translated {
  let byInsn = translations.get(v);
  if (!byInsn) translations.set(v, (byInsn = new WeakMap()));
  let t = byInsn.get(ins);
  if (t) return t;
  const { exec, fields } = expanded(ins.def, v);
  let code = exec;
  for (const f of fields) {
    const value = operand(f, ins.def.imm, ins.word);
    code = code.replace(new RegExp(`(?<![\\w$.])${f}(?![\\w$])`, 'g'), value < 0 ? `(${value})` : String(value));
  }
  for (const [pattern, local] of REGISTER_ACCESS) code = code.replace(pattern, local);
  // Writes to a register other than x0 need no test of rd at run time.
  code = code.replace(/(?<=[(,]\s*)[1-9]\d* !== 0 && /g, '');
  if (/(?<![\w$.])XW?\[/.test(code)) throw new Error(`translator: ${ins.def.name} reaches the register file in a form it cannot keep in variables: ${code}`);
  const regs = new Set<number>(), written = new Set<number>();
  for (const m of code.matchAll(/(?<![\w$.])x(\d+)[lh]( = (?!=))?/g)) {
    const r = Number(m[1]);
    if (r === 0) continue;
    regs.add(r);
    if (m[2]) written.add(r);
  }
  byInsn.set(ins, (t = { code, regs, written }));
  return t;
}

/** Declarations of this instruction's pc, len and raw word, those its code names (each costs bytecode). */
function constantDecls(ins: BlockInsn, code: string): string[] {
  const values = { pc: ins.pc, len: ins.len, raw: ins.raw >>> 0 };
  return usedFields(code, ['pc', 'len', 'raw'] as const).map((f) => `${f} = ${values[f]}`);
}

const ascending = (set: Set<number>) => [...set].sort((a, b) => a - b);
/** Declarators loading registers into their variables (x5l, x5h), and statements storing them back. */
const registerLoads = (regs: Set<number>) => ascending(regs).map((r) => `, x${r}l = XW[${2 * r}], x${r}h = XW[${2 * r + 1}]`).join('');
const registerStores = (regs: Set<number>) => ascending(regs).map((r) => `XW[${2 * r}] = x${r}l; XW[${2 * r + 1}] = x${r}h;`).join(' ');

/** The context bindings generated code names, as `name = C.name` declarators (XW always: registers are loaded through it). */
function bindingDecls(model: MemoryModel, code: string): string[] {
  return model.bindings.filter((b) => b === 'XW' || new RegExp(`(?<![\\w$.])${b}(?![\\w$])`).test(code)).map((b) => `${b} = C.${b}`);
}

/**
 * A function that runs one instruction against the register file, for code that cannot run
 * its meaning itself (WebAssembly regions call it for FP and atomic instructions). Called with
 * the translator's context, it returns the function, which returns 0, or 1 when the
 * instruction traps: the instruction then had no effect, and the caller leaves it to the
 * interpreter, which raises the trap exactly. `regs` and `written`: the integer registers it
 * reads or writes, which the caller must store before the call and load after it.
 */
export function helperSource(ins: BlockInsn, model: MemoryModel): { source: string; regs: Set<number>; written: Set<number> } {
  const t = translated(ins, model.vocabulary);
  const decls = constantDecls(ins, t.code);
  // Helpers run no counter reads (wasm-region.ts: wasmKind), only CSR accesses that ignore icount.
  if (/\bicount\b/.test(t.code)) decls.push('icount = 0');
  const body = `${TEMPS}
    let x0l = 0, x0h = 0${registerLoads(t.regs)}, npc = 0;${decls.length ? ` const ${decls.join(', ')};` : ''}
    try { ${t.code}; } catch (e) { if (e instanceof GuestTrap) return 1; throw e; }
    ${registerStores(t.written)}
    return 0;`;
  // Named after the instruction, so that profiles say which helpers the time goes to.
  return {
    source: `const ${bindingDecls(model, body).join(', ')};
return function ${ins.def.name.replace(/\./g, '_')}() {
    ${body}
};`,
    regs: t.regs,
    written: t.written,
  };
}

/** Every instruction's translation (a check that the vocabulary's register accesses are all understood). */
export function translateForCheck(ins: BlockInsn, model: MemoryModel): string { return translated(ins, model.vocabulary).code; }

/**
 * Blocks in address order, except that a block's fall-through successor (when in the region)
 * comes right after it: the block then falls into the next case without a trip through the
 * switch. (Blocks can overlap: one entered in the middle of another.)
 */
export function regionLayout(blocks: BlockInsn[][]): BlockInsn[][] {
  const byStart = new Map(blocks.map((insns) => [insns[0].pc, insns]));
  const placed = new Set<BlockInsn[]>(), order: BlockInsn[][] = [];
  for (const first of [...blocks].sort((x, y) => (x[0].pc >>> 0) - (y[0].pc >>> 0))) {
    for (let b: BlockInsn[] | undefined = first; b && !placed.has(b);) {
      placed.add(b);
      order.push(b);
      const last = b[b.length - 1];
      b = byStart.get((last.pc + last.len) | 0);
    }
  }
  return order;
}

/**
 * The function body for a region: the hot blocks of one guest page, as cases of a switch in a
 * loop, so control moves between them (loops, if/else, calls within the page) without leaving
 * translated code. `blocks` come in the order of regionLayout, and case k is blocks[k]. Called
 * as fn(C, entryPc, entryHi, entryCase): entryCase is the case of the block at entryPc when the
 * caller knows it, -1 otherwise (the region then finds it from the pc). Guest integer
 * registers live in local variables while the region runs (loaded on entry, stored back on
 * every way out, a trap included), so V8 can keep them in machine registers. Contract with the dispatcher (translator.ts):
 * - P[2] is the budget: a block that would take the count of instructions retired in this
 *   call beyond it is not started; on return P[1] holds that count;
 * - when a trap leaves the region, P[3] holds the start of the block it came from and P[0] the
 *   index of the faulting instruction in it, P[1] the instructions retired before the block:
 *   a trap is precise, the dispatcher retires exactly the instructions before the faulting one;
 * - returns the pc at which translated execution left the region.
 * In the system VM (`hi` given) pc is two words: the region serves only its page's high word
 * (it returns when PCHI moves elsewhere), leaves PCHI in P[4] on return, and returns after any
 * block that changed the translation or interrupt context (SYS[SYS_STOP], see machine/priv/cells.ts).
 */
export function regionSource(blocks: BlockInsn[][], model: MemoryModel, hi?: number): string {
  const v: Vocabulary = model.vocabulary;
  const sys = hi !== undefined;
  const regs = new Set<number>(), written = new Set<number>();
  // Blocks are numbered: the switch runs on dense numbers (a jump table), and a block's static
  // successors are found by comparing pc with at most two constants.
  const index = new Map(blocks.map((insns, i) => [insns[0].pc, i]));
  let cases = '', entries = '';
  for (const [i, insns] of blocks.entries()) {
    const start = insns[0].pc, last = insns[insns.length - 1], n = insns.length;
    let body = '';
    insns.forEach((ins, k) => {
      const t = translated(ins, v);
      const { mayTrap } = expanded(ins.def, v);
      t.regs.forEach((r) => regs.add(r));
      t.written.forEach((r) => written.add(r));
      // Only what the code names: every declaration costs bytecode, and V8's tier-up waits longer for bigger functions.
      const decls = constantDecls(ins, t.code);
      // instret reads (CSRs) see the instructions this call retired before the block, too.
      if (/\bicount\b/.test(t.code)) decls.push(`icount = icnt + ${k}`);
      // A store may have reached a device or code, a CSR write changed the context: in the
      // system VM the region ends right after such an instruction, as the interpreter does.
      const stopCheck = sys && k < n - 1 && (ins.def.flags.store || ins.def.flags.system)
        ? `      if (SYS[${SYS_STOP}] !== 0) { icnt += ${k + 1}; pc = ${(ins.pc + ins.len) | 0}; break run; }\n` : '';
      body += `      { /* ${ins.def.name} */${decls.length ? ` const ${decls.join(', ')};` : ''}${mayTrap ? ` at = ${k};` : ''}\n        ${t.code}; }\n${stopCheck}`;
    });
    const next = [(last.pc + last.len) | 0];
    if (last.def.imm === 'B' || last.def.imm === 'J') next.push((last.pc + operand('imm', last.def.imm, last.word)) | 0);
    // A block that branches to itself (a tight loop) repeats without leaving its case.
    const selfLoop = next[1] === start;
    const following = selfLoop ? next.slice(0, 1) : next;
    const fallInto = i + 1 < blocks.length && following.includes(blocks[i + 1][0].pc) ? blocks[i + 1][0].pc : undefined;
    const successor = following.filter((a) => index.has(a) && a !== fallInto).map((a) => `pc === ${a} ? ${index.get(a)} : `).join('');
    const stop = sys ? ` if (SYS[${SYS_STOP}] !== 0) break run;` : '';
    const block = `      if (icnt + ${n} > budget) break run;
      blk = ${start};
      let npc = ${(last.pc + last.len) | 0};
${body}      icnt += ${n}; pc = npc;${stop}`;
    const leave = fallInto !== undefined ? `if (pc !== ${fallInto}) { b = ${successor}-1; continue; }` : `b = ${successor}-1; continue;`;
    cases += selfLoop
      ? `    case ${i}: {
      do {
${block}
      } while (pc === ${start});
      ${leave}
    }
`
      : `    case ${i}: {
${block} ${leave}
    }
`;
    entries += `      case ${start}: b = ${i}; continue run;
`;
  }
  const storeBack = registerStores(written);
  const text = `try {
  run: for (;;) {
  switch (b) {
${cases}    default:
      ${sys ? `if (PCHI !== ${hi}) break run;\n      ` : ''}switch (pc) {
${entries}      }
      break run;
  }
  }
  } catch (e) { ${storeBack} P[1] = icnt; P[3] = blk; P[0] = at; throw e; }
  ${storeBack}
  P[1] = icnt;${sys ? ' P[4] = PCHI;' : ''}
  return pc;`;
  return `const P = C.P${bindingDecls(model, text).map((d) => `, ${d}`).join('')};
  ${TEMPS}
  let pc = entry${sys ? ', PCHI = entryHi' : ''}, b = entryCase, icnt = 0, blk = 0, at = 0, x0l = 0, x0h = 0${registerLoads(regs)};
  const budget = P[2];
  ${text}`;
}
