/**
 * Translates the hot blocks of a guest page into one WebAssembly function: the WebAssembly
 * backend of the translator (translator.ts), for the process VM. WebAssembly has the 64-bit
 * integers JavaScript lacks, so each instruction with a typed meaning (isa/riscv/typed-ops.ts:
 * RV64IM, F/D and fcsr accesses; wasm-fp.ts lowers the FP ones) becomes a few native
 * instructions; the others call helpers (wasmKind). V8 compiles the module at once (Liftoff)
 * and optimizes it in the background, without JavaScript's warm-up.
 *
 * The function works on one WebAssembly memory holding guest RAM at [0, lim), the page
 * permission bytes at `permOffset` and the hart's registers (memory.ts: FlatMemory with
 * `wasm`). It is called as run(entryPc, entryCase, budget, hartOffset) and has the JS
 * regions' contract (block-codegen.ts) with one difference: it never traps. Whatever its fast
 * paths do not cover (a load or store that is misaligned, out of range, not permitted or into
 * translated code; a jump target outside guest memory) makes it return with pc at that
 * instruction and only the instructions before it retired, so the interpreter runs it exactly
 * (and raises the trap, if there is one). The count of retired instructions is left in the
 * hart's first engine cell (hart.ts: HART_LAYOUT.engineCells).
 */
import { operand } from '../../isa/riscv/encoding.js';
import { isFpOp, type CsrOp, type FpOp, type IntOp, type Op32, type Op64, type Operand, type TypedOp } from '../../isa/riscv/typed-ops.js';
import { HART_LAYOUT } from '../../machine/hart.js';
import { CODE, PAGE_SHIFT, PROT_R, PROT_W } from '../../machine/memory.js';
import type { BlockInsn } from '../translator/block-codegen.js';
import { Body, moduleBytes, T_F64, T_I32, T_I64, type OpName } from './wasm-binary.js';
import { FP_LOCALS, fpHasSlowPath, isFpCsr, lowerFp } from './wasm-fp.js';

export interface WasmLayout {
  /** Guest RAM is [0, lim). */
  lim: number;
  permOffset: number;
  /** Size of the memory, in 64 KiB pages. */
  pages: number;
}

/**
 * How a region runs an instruction: its typed meaning in WebAssembly ('op'; FP arithmetic,
 * comparisons and conversions with their helper as the slow path: wasm-fp.ts); a call to a JavaScript helper
 * that runs its meaning against the register file ('helper': the other FP instructions and the
 * atomics); or not at all ('leave': the system instructions, which end their block, are left to
 * the interpreter: ecall, fence.i, and CSR accesses other than fflags/frm/fcsr, such as instret,
 * whose value depends on the instructions retired so far, which a helper does not know).
 */
export function wasmKind(i: BlockInsn): 'op' | 'helper' | 'leave' {
  const op = i.def.op;
  if (op?.k === 'csr') return isFpCsr(i) ? 'op' : 'leave';
  if (op) return 'op';
  return i.def.flags.system ? 'leave' : 'helper';
}

/** Whether the region calls the instruction's helper: always, or on the slow path of its typed operation. */
function callsHelper(i: BlockInsn): boolean {
  const kind = wasmKind(i), op = i.def.op;
  return kind === 'helper' || (kind === 'op' && op !== undefined && loweredByFp(op) && fpHasSlowPath(op));
}

/** Whether a region can hold the block: one that starts with a system instruction would leave at once. */
export const wasmTranslatable = (insns: BlockInsn[]) => wasmKind(insns[0]) !== 'leave';

/** The integer registers a helper reads and writes (block-codegen.ts: helperSource). */
export interface HelperRegisters { regs: Set<number>; written: Set<number> }

// Locals: the parameters, then i32 scratch, then i64 scratch, then x1..x31, then f64 scratch.
// L_HART, the address of the hart's first byte, is a parameter although it never changes: as a
// constant, every register access would need its address (beyond 2 GiB) in a register of its
// own first; as a value V8 cannot see through, it is a base with a small displacement.
const L_ENTRY = 0, L_CASE = 1, L_BUDGET = 2, L_HART = 3;
const L_PC = 4, L_ICNT = 5, L_EA32 = 6, L_A32 = 7, L_B32 = 8, L_R32 = 9;
const L_EA = 10, L_A = 11, L_B = 12, L_C = 13, L_D = 14;
const xLocal = (r: number) => L_D + r;
const I32_LOCALS = 6, I64_LOCALS = 5 + 31;
const fLocal = (k: number) => xLocal(32) + k;

/** The operations wasm-fp.ts lowers: F/D ones and CSR accesses (those a region runs are fcsr ones). */
const loweredByFp = (op: TypedOp): op is FpOp | CsrOp => isFpOp(op) || op.k === 'csr';

const M32 = 0xffffffffn;
const MIN64 = -(1n << 63n);

const OPS64: Partial<Record<Op64, OpName>> = {
  add: 'i64.add', sub: 'i64.sub', and: 'i64.and', or: 'i64.or', xor: 'i64.xor', sll: 'i64.shl', srl: 'i64.shr_u', sra: 'i64.shr_s',
  mul: 'i64.mul', slt: 'i64.lt_s', sltu: 'i64.lt_u',
};
const OPS32: Partial<Record<Op32, OpName>> = {
  add: 'i32.add', sub: 'i32.sub', sll: 'i32.shl', srl: 'i32.shr_u', sra: 'i32.shr_s', mul: 'i32.mul',
};
const LOADS: Record<string, OpName> = {
  '1s': 'i64.load8_s', '1u': 'i64.load8_u', '2s': 'i64.load16_s', '2u': 'i64.load16_u', '4s': 'i64.load32_s', '4u': 'i64.load32_u', '8s': 'i64.load', '8u': 'i64.load',
};
const STORES: Record<number, OpName> = { 1: 'i64.store8', 2: 'i64.store16', 4: 'i64.store32', 8: 'i64.store' };
const CONDS: Record<string, OpName> = { eq: 'i64.eq', ne: 'i64.ne', lt: 'i64.lt_s', ge: 'i64.ge_s', ltu: 'i64.lt_u', geu: 'i64.ge_u' };

export interface WasmRegionCode {
  bytes: Uint8Array<ArrayBuffer>;
  /** The instructions whose helpers the module imports, as h.0, h.1, ... */
  helpers: BlockInsn[];
  /** The function as text (when asked for): for golden files and review. */
  text?: string;
}

/**
 * The module for a region: `blocks` in the order of regionLayout (case k is blocks[k]);
 * `helper` tells the registers of each instruction that runs as a helper.
 */
export function wasmRegion(blocks: BlockInsn[][], layout: WasmLayout, helper: (i: BlockInsn) => HelperRegisters, withText = false): WasmRegionCode {
  const c = new Body(withText);
  const read = new Set<number>(), written = new Set<number>();
  const helpers: BlockInsn[] = [];
  for (const b of blocks) for (const i of b) registersOf(i, read, written, helper);
  const caseOf = new Map(blocks.map((b, k) => [b[0].pc, k]));
  /** Offsets of register r from the hart's first byte (pushed by `hart`). */
  const hartAt = (r: number) => HART_LAYOUT.x + 8 * r;
  const fpAt = (r: number) => HART_LAYOUT.f + 8 * r;
  const hart = () => c.get(L_HART);

  const getX = (r: number) => (r === 0 ? c.i64(0) : c.get(xLocal(r)));
  const setX = (r: number) => (r === 0 ? c.op('drop') : c.set(xLocal(r)));
  /** Leaves with pc = `pc` after `retired` more instructions. */
  const leave = (pc: number, retired: number) => {
    if (retired) c.get(L_ICNT).i32(retired).op('i32.add').set(L_ICNT);
    c.i32(pc).set(L_PC).br('exit');
  };
  /**
   * Control from case k to the block at `pc`: the next case by falling into it (unless
   * `mayFall` is false: inside an if), a later one by a branch to the end of its `b` block
   * (which encloses case k's code), an earlier one through the dispatch loop, else out.
   */
  const goTo = (pc: number, k: number, mayFall = true) => {
    const to = caseOf.get(pc);
    if (to === undefined) c.i32(pc).set(L_PC).br('exit');
    else if (to === k + 1 && mayFall) return;
    else if (to > k) c.br(`b${to}`);
    else c.i32(to).set(L_CASE).br('dispatch');
  };
  const value = (b: Operand, i: BlockInsn) => (b === 'rs2' ? getX(field(i, 'rs2')) : c.i64(field(i, b)));

  for (const r of [...read, ...written].filter((r, k, all) => all.indexOf(r) === k).sort((a, b) => a - b)) {
    hart().mem('i64.load', 3, hartAt(r)).set(xLocal(r));
  }
  c.get(L_ENTRY).set(L_PC);
  c.open('block', 'exit').open('loop', 'dispatch').open('block', 'search');
  for (let k = blocks.length - 1; k >= 0; k--) c.open('block', `b${k}`);
  c.get(L_CASE).brTable(blocks.map((_, k) => `b${k}`), 'search');

  blocks.forEach((insns, k) => {
    c.end(); // block b{k} ends: its code follows
    const start = insns[0].pc, n = insns.length, last = insns[n - 1];
    const fall = (last.pc + last.len) | 0;
    const lastOp = last.def.op;
    const selfLoop = lastOp?.k === 'branch' && ((last.pc + field(last, 'imm')) | 0) === start;
    if (selfLoop) c.open('loop', 'self');
    // A block that would take the call past its budget is not started.
    c.get(L_ICNT).i32(n).op('i32.add').get(L_BUDGET).op('i32.gt_s').open('if');
    c.i32(start).set(L_PC).br('exit');
    c.end();
    insns.forEach((i, j) => {
      const kind = wasmKind(i);
      if (kind === 'leave') { leave(i.pc, j); return; }
      /** Runs the instruction's helper; a trap in it leaves the region at the instruction. */
      const callHelper = () => {
        // The helper sees and changes the registers in memory: this region's copies go there first.
        const { regs, written: changed } = helper(i);
        for (const r of [...regs].sort((a, b) => a - b)) hart().get(xLocal(r)).mem('i64.store', 3, hartAt(r));
        c.call(helpers.length).open('if');
        leave(i.pc, j);
        c.end();
        for (const r of [...changed].sort((a, b) => a - b)) hart().mem('i64.load', 3, hartAt(r)).set(xLocal(r));
        helpers.push(i);
      };
      if (kind === 'helper') { callHelper(); return; }
      const op = i.def.op!, rd = field(i, 'rd');
      if (loweredByFp(op)) {
        lowerFp({
          c, hart, fpAt, fcsrAt: HART_LAYOUT.fcsr, getX, setX, slow: callHelper,
          i32a: L_A32, i32b: L_B32, i64a: L_A, f64: fLocal,
        }, i, op);
        return;
      }
      /** The access at X[rs1] + imm, its address left in L_EA32; leaves first unless it is in RAM, aligned and permitted. */
      const access = (size: number, mask: number, want: number) => {
        // Each test branches on its own (a compare and a jump each, where or-ing the three
        // conditions into one made V8 materialize each as a 0/1 value first).
        c.open('block', 'fast').open('block', 'slow');
        getX(field(i, 'rs1')).i64(field(i, 'imm')).op('i64.add').tee(L_EA).i64(layout.lim).op('i64.ge_u').brIf('slow');
        c.get(L_EA).op('i32.wrap_i64').set(L_EA32);
        if (size > 1) c.get(L_EA32).i32(size - 1).op('i32.and').brIf('slow');
        c.get(L_EA32).i32(PAGE_SHIFT).op('i32.shr_u').mem('i32.load8_u', 0, layout.permOffset).i32(mask).op('i32.and');
        if (want !== mask) c.i32(want).op('i32.eq');
        c.brIf('fast');
        c.end();
        leave(i.pc, j);
        c.end();
      };
      switch (op.k) {
        case 'op': if (rd !== 0) { op64(c, op, () => getX(field(i, 'rs1')), () => value(op.b, i)); c.set(xLocal(rd)); } break;
        case 'opw': if (rd !== 0) { op32(c, op, () => getX(field(i, 'rs1')), () => value(op.b, i)); c.set(xLocal(rd)); } break;
        case 'lui': if (rd !== 0) c.i64(field(i, 'imm')).set(xLocal(rd)); break;
        case 'auipc': if (rd !== 0) c.i64(i.pc + field(i, 'imm')).set(xLocal(rd)); break;
        case 'load':
          access(op.size, PROT_R, PROT_R);
          c.get(L_EA32).mem(LOADS[`${op.size}${op.signed ? 's' : 'u'}`], Math.log2(op.size));
          setX(rd);
          break;
        case 'store':
          access(op.size, PROT_W | CODE, PROT_W);
          c.get(L_EA32);
          getX(field(i, 'rs2')).mem(STORES[op.size], Math.log2(op.size));
          break;
        case 'fload':
          access(op.size, PROT_R, PROT_R);
          hart().get(L_EA32);
          if (op.size === 8) c.mem('i64.load', 3);
          else c.mem('i64.load32_u', 2).i64(-0x100000000).op('i64.or'); // NaN-boxed
          c.mem('i64.store', 3, fpAt(rd));
          break;
        case 'fstore':
          access(op.size, PROT_W | CODE, PROT_W);
          c.get(L_EA32);
          hart().mem('i64.load', 3, fpAt(field(i, 'rs2'))).mem(op.size === 8 ? 'i64.store' : 'i64.store32', Math.log2(op.size));
          break;
        case 'jalr':
          // The target is read before rd is written (rd may be rs1); one outside RAM goes to the interpreter.
          getX(field(i, 'rs1')).i64(field(i, 'imm')).op('i64.add').i64(-2).op('i64.and').tee(L_A).i64(layout.lim).op('i64.ge_u').open('if');
          leave(i.pc, j);
          c.end();
          if (rd !== 0) c.i64(i.pc + i.len).set(xLocal(rd));
          c.get(L_A).op('i32.wrap_i64').set(L_PC);
          break;
        case 'jal': if (rd !== 0) c.i64(i.pc + i.len).set(xLocal(rd)); break;
        case 'branch': case 'nop': break;
      }
    });
    if (wasmKind(last) === 'leave') return;
    c.get(L_ICNT).i32(n).op('i32.add').set(L_ICNT);
    switch (lastOp?.k) {
      case 'branch': {
        const target = (last.pc + field(last, 'imm')) | 0;
        getX(field(last, 'rs1'));
        getX(field(last, 'rs2')).op(CONDS[lastOp!.cond]);
        if (selfLoop) { c.brIf('self').end(); goTo(fall, k); }
        else {
          c.open('if'); goTo(target, k, false); c.end();
          goTo(fall, k);
        }
        break;
      }
      case 'jal': goTo((last.pc + field(last, 'imm')) | 0, k); break;
      case 'jalr': c.i32(-1).set(L_CASE).br('dispatch'); break;
      default: goTo(fall, k);
    }
  });
  c.end(); // search: the case of the block at pc, by binary search over the block starts
  const starts = [...caseOf.entries()].sort((x, y) => (x[0] >>> 0) - (y[0] >>> 0));
  const search = (lo: number, hi: number): void => {
    if (hi - lo <= 2) {
      for (let k = lo; k < hi; k++) {
        c.get(L_PC).i32(starts[k][0]).op('i32.eq').open('if').i32(starts[k][1]).set(L_CASE).br('dispatch').end();
      }
      return;
    }
    const mid = (lo + hi) >> 1;
    c.get(L_PC).i32(starts[mid][0]).op('i32.lt_u').open('if');
    search(lo, mid);
    c.else();
    search(mid, hi);
    c.end();
  };
  search(0, starts.length);
  c.br('exit');
  c.end().end(); // dispatch, exit
  for (const r of [...written].sort((a, b) => a - b)) hart().get(xLocal(r)).mem('i64.store', 3, hartAt(r));
  hart().get(L_ICNT).mem('i32.store', 2, HART_LAYOUT.engineCells);
  c.get(L_PC);
  return {
    bytes: moduleBytes({ pages: layout.pages, params: 4, locals: [[I32_LOCALS, T_I32], [I64_LOCALS, T_I64], [FP_LOCALS, T_F64]], helpers: helpers.length }, c),
    helpers,
    ...(c.text ? { text: c.text.join('\n') } : {}),
  };
}

const field = (i: BlockInsn, f: 'rd' | 'rs1' | 'rs2' | 'imm' | 'shamt') => operand(f, i.def.imm, i.word);

/** Registers an instruction reads and writes (x0 left out). */
function registersOf(i: BlockInsn, read: Set<number>, written: Set<number>, helper: (i: BlockInsn) => HelperRegisters): void {
  const use = (r: number) => { if (r !== 0) read.add(r); };
  const def = (r: number) => { if (r !== 0) written.add(r); };
  if (callsHelper(i)) {
    const h = helper(i);
    h.regs.forEach(use);
    h.written.forEach(def);
  }
  if (wasmKind(i) !== 'op') return;
  const op = i.def.op!;
  switch (op.k) {
    case 'op': case 'opw': use(field(i, 'rs1')); if (op.b === 'rs2') use(field(i, 'rs2')); def(field(i, 'rd')); break;
    case 'load': use(field(i, 'rs1')); def(field(i, 'rd')); break;
    case 'fload': case 'fstore': use(field(i, 'rs1')); break;
    case 'store': case 'branch': use(field(i, 'rs1')); use(field(i, 'rs2')); break;
    case 'jalr': use(field(i, 'rs1')); def(field(i, 'rd')); break;
    case 'lui': case 'auipc': case 'jal': def(field(i, 'rd')); break;
    case 'fcmp': case 'f2i': def(field(i, 'rd')); break;
    case 'i2f': use(field(i, 'rs1')); break;
    case 'fmv': if (op.to === 'x') def(field(i, 'rd')); else use(field(i, 'rs1')); break;
    case 'csr': if (op.src === 'rs1') use(field(i, 'rs1')); def(field(i, 'rd')); break;
    case 'nop': case 'farith': case 'fsqrt': case 'fma': case 'fsgnj': case 'fminmax': case 'f2f': break;
  }
}

/** X[rs1] op b, 64-bit, left on the stack. */
function op64(c: Body, m: Extract<IntOp, { k: 'op' }>, a: () => void, b: () => void): void {
  const simple = OPS64[m.op];
  if (simple) {
    a(); b(); c.op(simple);
    if (m.op === 'slt' || m.op === 'sltu') c.op('i64.extend_i32_u');
    return;
  }
  a(); c.set(L_A); b(); c.set(L_B);
  switch (m.op) {
    case 'mulhu': case 'mulh': case 'mulhsu':
      mulhu(c);
      // Signed high products: subtract b when a is negative, a when b is (a >> 63 is all ones or zero).
      if (m.op !== 'mulhu') c.get(L_B).get(L_A).i64(63).op('i64.shr_s', 'i64.and', 'i64.sub');
      if (m.op === 'mulh') c.get(L_A).get(L_B).i64(63).op('i64.shr_s', 'i64.and', 'i64.sub');
      return;
    case 'div': case 'divu': case 'rem': case 'remu':
      divide(c, width(c, 'i64'), m.op);
      c.get(L_C);
      return;
    default: throw new Error(`wasm: no lowering for ${m.op}`);
  }
}

/** The operand locals, result local, type and constants of one width, for lowerings written once for both. */
interface Width { a: number; b: number; r: number; t: 'i64' | 'i32'; const: (v: bigint) => void; min: bigint }
const width = (c: Body, t: 'i64' | 'i32'): Width => (t === 'i64'
  ? { a: L_A, b: L_B, r: L_C, t, const: (v) => c.i64(v), min: MIN64 }
  : { a: L_A32, b: L_B32, r: L_R32, t, const: (v) => c.i32(Number(v)), min: -(1n << 31n) });

/**
 * r <- a op b, division as the ISA defines it (WebAssembly traps where the ISA does not):
 * division by zero gives all ones (div, divu) or the dividend (rem, remu), and MIN / -1
 * overflows to MIN. (rem_s(MIN, -1) is 0 in WebAssembly, as the ISA wants.)
 */
function divide(c: Body, w: Width, op: 'div' | 'divu' | 'rem' | 'remu'): void {
  const is = (name: 'eqz' | 'ne' | 'div_s' | 'div_u' | 'rem_s' | 'rem_u') => c.op(`${w.t}.${name}`);
  if (op === 'div' || op === 'divu') w.const(-1n); else c.get(w.a);
  c.set(w.r).get(w.b);
  is('eqz');
  c.op('i32.eqz').open('if');
  if (op === 'div') {
    c.get(w.a).set(w.r).get(w.b);
    w.const(-1n);
    is('ne');
    c.get(w.a);
    w.const(w.min);
    is('ne');
    c.op('i32.or').open('if');
  }
  c.get(w.a).get(w.b);
  is(op === 'div' ? 'div_s' : op === 'divu' ? 'div_u' : op === 'rem' ? 'rem_s' : 'rem_u');
  c.set(w.r);
  if (op === 'div') c.end();
  c.end();
}

/** The high 64 bits of the unsigned product of L_A and L_B, from four 32 x 32-bit products. */
function mulhu(c: Body): void {
  const lo = (l: number) => c.get(l).i64(M32).op('i64.and');
  const hi = (l: number) => c.get(l).i64(32).op('i64.shr_u');
  lo(L_A); hi(L_B); c.op('i64.mul').set(L_C); // a0 * b1
  hi(L_A); lo(L_B); c.op('i64.mul').set(L_D); // a1 * b0
  lo(L_A); lo(L_B); c.op('i64.mul').i64(32).op('i64.shr_u');
  c.get(L_C).i64(M32).op('i64.and', 'i64.add').get(L_D).i64(M32).op('i64.and', 'i64.add').i64(32).op('i64.shr_u');
  hi(L_A); hi(L_B); c.op('i64.mul', 'i64.add');
  c.get(L_C).i64(32).op('i64.shr_u', 'i64.add').get(L_D).i64(32).op('i64.shr_u', 'i64.add');
}

/** The sign extension of a 32-bit op on the low words, left on the stack. */
function op32(c: Body, m: Extract<IntOp, { k: 'opw' }>, a: () => void, b: () => void): void {
  const simple = OPS32[m.op];
  a(); c.op('i32.wrap_i64');
  b(); c.op('i32.wrap_i64');
  if (simple) { c.op(simple, 'i64.extend_i32_s'); return; }
  c.set(L_B32).set(L_A32);
  switch (m.op) {
    case 'div': case 'divu': case 'rem': case 'remu': divide(c, width(c, 'i32'), m.op); break;
    default: throw new Error(`wasm: no lowering for ${m.op}w`);
  }
  c.get(L_R32).op('i64.extend_i32_s');
}
