/**
 * The F/D operations and the FP CSR accesses of WebAssembly regions (wasm-region.ts).
 *
 * Moves, sign injection and fcsr accesses are bit operations, lowered completely. Arithmetic,
 * comparisons and conversions are IEEE operations whose meaning (rounding by rm, exception
 * flags) is the FP library's (fp/softfloat.ts), which the instruction's helper runs. They get a
 * fast path, the way QEMU's "hardfloat" does: WebAssembly's f64 and f32 operations are IEEE
 * round-to-nearest-even, so where the rounding mode is RNE, fflags already holds NX (inexact)
 * and the result lies where no other exception can arise (finite, and for mul/div/sqrt/fma
 * normal), the host's result is the instruction's and its only possible flag is already set.
 * An exact result (a comparison without NaNs, most conversions) needs neither. Everything else
 * (other rounding modes, the first inexact operation after fflags is cleared, NaNs,
 * infinities, results near underflow or overflow) calls the helper. Once a program has done one
 * inexact operation, NX stays set until it clears fflags, so nearly all arithmetic takes the
 * fast path.
 *
 * fma has no WebAssembly instruction: the fast path builds the exactly rounded x*y + z from
 * error-free transformations (Dekker's product, TwoSum) and a round-to-odd step, the same
 * algorithm as the FP library's fast path (fp/softfloat.ts: fma64n), under its operand ranges.
 */
import { FP_CSR_FIELDS } from '../../machine/csr.js';
import { CANON32, MAX32, MIN_NORMAL32, NX, SPLIT, TWO_1000, TWO_990, TWO_995, TWO_M960 } from '../../isa/riscv/fp/softfloat.js';
import { operand } from '../../isa/riscv/encoding.js';
import type { CsrOp, FpArith, FpOp } from '../../isa/riscv/typed-ops.js';
import type { BlockInsn } from '../translator/block-codegen.js';
import type { Body, OpName } from './wasm-binary.js';

/** What an FP lowering needs from the region it is part of. */
export interface FpContext {
  c: Body;
  /** Pushes the address of the hart's first byte; fpAt and fcsrAt are offsets from it. */
  hart(): Body;
  /** Offset of FP register r, and of the fcsr cells (flags, then frm: hart.ts). */
  fpAt(r: number): number;
  fcsrAt: number;
  /** Push X[r] (i64) / pop an i64 into X[r]. */
  getX(r: number): void;
  setX(r: number): void;
  /** Runs the instruction's helper: the slow path. */
  slow(): void;
  /** Scratch locals: two i32, one i64, and f64 number k. */
  i32a: number;
  i32b: number;
  i64a: number;
  f64: (k: number) => number;
}

/** f64 scratch locals an FP lowering may use: r, a, b, fma's 19, and `within`'s. */
export const FP_LOCALS = 23;

/** Whether the lowering of an operation may call its helper. */
export const fpHasSlowPath = (op: FpOp | CsrOp) => op.k !== 'fsgnj' && op.k !== 'fmv' && op.k !== 'csr';

/** Whether a CSR instruction accesses an FP CSR (which regions lower; other CSRs are left to the interpreter). */
export const isFpCsr = (i: BlockInsn) => FP_CSR_FIELDS[i.word >>> 20] !== undefined;

const DBL_MAX = Number.MAX_VALUE, MIN_NORMAL64 = 2 ** -1022;
const BOX = -0x100000000n; // the high word of a NaN-boxed f32: all ones

/** An f64 expression over locals (numbers) and constants, for the error-free transformations. */
type Expr = number | { c: number } | ['+' | '-' | '*', Expr, Expr];
const BIN: Record<'+' | '-' | '*', OpName> = { '+': 'f64.add', '-': 'f64.sub', '*': 'f64.mul' };

export function lowerFp(x: FpContext, i: BlockInsn, op: FpOp | CsrOp): void {
  const { c } = x;
  const rd = operand('rd', 'none', i.word), rs1 = operand('rs1', 'none', i.word), rs2 = operand('rs2', 'none', i.word);
  const expr = (e: Expr): void => {
    if (typeof e === 'number') c.get(e);
    else if (!Array.isArray(e)) c.f64(e.c);
    else { expr(e[1]); expr(e[2]); c.op(BIN[e[0]]); }
  };
  const assign = (l: number, e: Expr) => { expr(e); c.set(l); };
  /** The f32 in register r as i32 bits: an improperly boxed value reads as the canonical NaN. */
  const unbox = (r: number) => {
    x.hart().mem('i64.load', 3, x.fpAt(r)).tee(x.i64a).op('i32.wrap_i64').i32(CANON32).get(x.i64a).i64(BOX).op('i64.ge_u', 'select');
  };
  /** Register r as a double: an f64, or an f32 widened (exactly). */
  const load = (r: number, size: 4 | 8) => {
    if (size === 8) x.hart().mem('f64.load', 3, x.fpAt(r));
    else { unbox(r); c.op('f32.reinterpret_i32', 'f64.promote_f32'); }
  };
  /** F[rd] <- the double in local l (for size 4, an f32 value held exactly). */
  const store = (l: number, size: 4 | 8) => {
    x.hart().get(l);
    if (size === 8) c.mem('f64.store', 3, x.fpAt(rd));
    else c.op('f32.demote_f64', 'i32.reinterpret_f32', 'i64.extend_i32_u').i64(BOX).op('i64.or').mem('i64.store', 3, x.fpAt(rd));
  };
  /**
   * The fast path `body` (which leaves to the slow path by `br_if $fp-slow`) when `guard` (an
   * i32) holds, else the helper.
   */
  const fastOrSlow = (guard: (() => void) | undefined, body: () => void) => {
    if (!guard) { x.slow(); return; }
    c.open('block', 'fp-done').open('block', 'fp-slow');
    guard();
    c.op('i32.eqz').brIf('fp-slow');
    body();
    c.br('fp-done');
    c.end();
    x.slow();
    c.end();
  };
  /**
   * RNE and NX already set (or RNE alone, `nx` false), for an instruction with rm field `rm`
   * (7: frm); undefined when it never holds.
   */
  const rneWithNx = (rm: number, nx = true): (() => void) | undefined => {
    const flag = nx ? NX : 0;
    if (rm === 0) return () => (nx ? x.hart().mem('i32.load', 2, x.fcsrAt).i32(NX).op('i32.and') : c.i32(1));
    // frm is the cell after fflags: one 64-bit load holds both.
    if (rm === 7) return () => { x.hart().mem('i64.load', 3, x.fcsrAt).i64(0x700000000n | BigInt(flag)).op('i64.and').i64(flag).op('i64.eq'); };
    return undefined;
  };
  /** The rounding mode rm (7: frm) is a valid one (5 and 6 are illegal instructions); undefined when it never is. */
  const rmValid = (): (() => void) | undefined => {
    if (rm <= 4) return () => c.i32(1);
    if (rm === 7) return () => { x.hart().mem('i32.load', 2, x.fcsrAt + 4).i32(5).op('i32.lt_u'); };
    return undefined;
  };
  /** Leaves to the slow path unless lo < |v| <= hi (lo <= |v| when `loIncluded`; no lower bound when undefined); NaN fails. */
  const within = (v: number, lo: number | undefined, hi: number, loIncluded = false) => {
    const a = x.f64(FP_LOCALS - 1);
    c.get(v).op('f64.abs').tee(a).f64(hi).op('f64.le');
    if (lo !== undefined) c.get(a).f64(lo).op(loIncluded ? 'f64.ge' : 'f64.gt', 'i32.and');
    c.op('i32.eqz').brIf('fp-slow');
  };
  const rm = (i.word >>> 12) & 7;
  const r = x.f64(0), a = x.f64(1), b = x.f64(2);
  /** A guard: loads rs1 and rs2 (as doubles) into a and b; true when neither is a NaN. */
  const neitherNaN = (size: 4 | 8) => () => {
    load(rs1, size); c.tee(a).get(a).op('f64.eq');
    load(rs2, size); c.tee(b).get(b).op('f64.eq', 'i32.and');
  };

  switch (op.k) {
    case 'fmv':
      if (op.to === 'x') {
        if (rd !== 0) { x.hart().mem(op.size === 8 ? 'i64.load' : 'i64.load32_s', op.size === 8 ? 3 : 2, x.fpAt(rs1)); x.setX(rd); }
      } else {
        x.hart();
        x.getX(rs1);
        if (op.size === 4) c.i64(0xffffffffn).op('i64.and').i64(BOX).op('i64.or');
        c.mem('i64.store', 3, x.fpAt(rd));
      }
      return;
    case 'fsgnj':
      if (op.size === 8) {
        const bits = (reg: number) => x.hart().mem('i64.load', 3, x.fpAt(reg));
        x.hart();
        bits(rs1); c.i64(0x7fffffffffffffffn).op('i64.and');
        if (op.sign === 'xor') { bits(rs1); bits(rs2); c.op('i64.xor'); } else bits(rs2);
        if (op.sign === 'negate') c.i64(-1).op('i64.xor');
        c.i64(-0x8000000000000000n).op('i64.and', 'i64.or').mem('i64.store', 3, x.fpAt(rd));
      } else {
        unbox(rs1); c.set(x.i32a);
        x.hart().get(x.i32a).i32(0x7fffffff).op('i32.and');
        if (op.sign === 'xor') { c.get(x.i32a); unbox(rs2); c.op('i32.xor'); } else unbox(rs2);
        if (op.sign === 'negate') c.i32(-1).op('i32.xor');
        c.i32(-0x80000000).op('i32.and', 'i32.or', 'i64.extend_i32_u').i64(BOX).op('i64.or').mem('i64.store', 3, x.fpAt(rd));
      }
      return;
    case 'fminmax':
      // Without a NaN operand: WebAssembly's min and max, which also order -0 below +0.
      fastOrSlow(neitherNaN(op.size), () => {
        c.get(a).get(b).op(op.max ? 'f64.max' : 'f64.min').set(r);
        store(r, op.size);
      });
      return;
    case 'fcmp':
      // Without a NaN operand a comparison raises nothing (f32 values compare the same widened).
      fastOrSlow(neitherNaN(op.size), () => {
        if (rd === 0) return;
        c.get(a).get(b).op(op.cond === 'eq' ? 'f64.eq' : op.cond === 'lt' ? 'f64.lt' : 'f64.le', 'i64.extend_i32_u');
        x.setX(rd);
      });
      return;
    case 'farith': case 'fsqrt': {
      const d = op.size === 8;
      const [max, minNormal] = d ? [DBL_MAX, MIN_NORMAL64] : [MAX32, MIN_NORMAL32];
      fastOrSlow(rneWithNx(rm), () => {
        // Operands in their own format: binary32 arithmetic rounds to binary32 directly.
        const operand32 = (reg: number) => { unbox(reg); c.op('f32.reinterpret_i32'); };
        const get = (reg: number) => (d ? x.hart().mem('f64.load', 3, x.fpAt(reg)) : operand32(reg));
        get(rs1);
        if (op.k === 'fsqrt') c.op(d ? 'f64.sqrt' : 'f32.sqrt');
        else { get(rs2); c.op(ARITH[op.op][d ? 0 : 1]); }
        if (!d) c.op('f64.promote_f32');
        c.set(r);
        // Sums and differences that are tiny are exact (no underflow): only overflow and NaN matter.
        // (A root passing the lower bound is positive: -0 and NaN fail it.)
        within(r, op.k === 'farith' && (op.op === 'add' || op.op === 'sub') ? undefined : minNormal, max);
        store(r, op.size);
      });
      return;
    }
    case 'fma':
      fastOrSlow(op.size === 8 ? rneWithNx(rm) : undefined, () => fma64(op.negProduct, op.negAddend));
      return;
    case 'csr':
      fpCsr(op);
      return;
    case 'f2i': {
      // The integral value r of the source in rm's direction, when it is in range and either
      // the source itself (exact) or NX is already set. RMM has no WebAssembly rounding.
      const ROUND: Record<number, OpName> = { 0: 'f64.nearest', 1: 'f64.trunc', 2: 'f64.floor', 3: 'f64.ceil' };
      // (a dynamic rm takes the fast path when frm is RNE)
      const round = rm === 7 ? 'f64.nearest' : ROUND[rm];
      // The integer type's range; 2^63 - 1024 and 2^64 - 2048 are the largest doubles below 2^63 and 2^64.
      const [lo, hi] = { w: [-(2 ** 31), 2 ** 31 - 1], wu: [0, 2 ** 32 - 1], l: [-(2 ** 63), 2 ** 63 - 1024], lu: [0, 2 ** 64 - 2048] }[op.int];
      const guard = round === undefined ? undefined : rm === 7 ? rneWithNx(7, false) : () => c.i32(1);
      fastOrSlow(guard, () => {
        load(rs1, op.size); c.tee(a).op(round).tee(r).f64(lo).op('f64.ge').get(r).f64(hi).op('f64.le', 'i32.and');
        c.get(r).get(a).op('f64.eq');
        x.hart().mem('i32.load', 2, x.fcsrAt).i32(NX).op('i32.and', 'i32.or', 'i32.and', 'i32.eqz').brIf('fp-slow');
        if (rd === 0) return;
        c.get(r).op(op.int === 'lu' ? 'i64.trunc_f64_u' : 'i64.trunc_f64_s');
        if (op.int === 'wu') c.op('i32.wrap_i64', 'i64.extend_i32_s');
        x.setX(rd);
      });
      return;
    }
    case 'i2f': {
      // Integers of at most 53 (f64) or 24 (f32) bits convert exactly, in any valid rounding mode.
      const bound = op.size === 8 ? 2n ** 53n : 2n ** 24n;
      fastOrSlow(rmValid(), () => {
        x.getX(rs1);
        if (op.int === 'w') c.op('i32.wrap_i64', 'i64.extend_i32_s');
        if (op.int === 'wu') c.i64(0xffffffffn).op('i64.and');
        c.tee(x.i64a);
        if (op.int === 'lu' || op.int === 'wu') c.i64(bound).op('i64.le_u');
        else c.i64(bound).op('i64.add').i64(2n * bound).op('i64.le_u'); // -bound <= v <= bound
        c.op('i32.eqz').brIf('fp-slow');
        c.get(x.i64a).op('f64.convert_i64_s').set(r);
        store(r, op.size);
      });
      return;
    }
    case 'f2f':
      fastOrSlow(rmValid(), () => {
        if (op.size === 8) {
          // fcvt.d.s: exact, unless a NaN (canonical result, NV for a signalling one)
          load(rs1, 4); c.tee(r).get(r).op('f64.eq', 'i32.eqz').brIf('fp-slow');
        } else {
          // fcvt.s.d: exact when the double is an f32 value; else RNE with NX set, a normal f32 result
          x.hart().mem('f64.load', 3, x.fpAt(rs1)).tee(a).op('f32.demote_f64', 'f64.promote_f32').tee(r).get(a).op('f64.eq').open('if').else();
          (rneWithNx(rm) ?? (() => c.i32(0)))();
          c.op('i32.eqz').brIf('fp-slow');
          within(r, MIN_NORMAL32, MAX32);
          c.end();
        }
        store(r, op.size);
      });
      return;
  }

  /** F[rd] <- (+-)(F[rs1] * F[rs2]) (+-) F[rs3], binary64, RNE, under fma64n's ranges. */
  function fma64(negProduct: boolean, negAddend: boolean): void {
    const rs3 = i.word >>> 27;
    // (its own locals, after r, a and b)
    const [X, Y, Z, PH, T, XH, XL, YH, YL, PL, SH, SL, TH, TL, R, E1, V, W, BV] = Array.from({ length: 19 }, (_, k) => x.f64(3 + k));
    const get = (l: number, reg: number, neg: boolean) => { x.hart().mem('f64.load', 3, x.fpAt(reg)); if (neg) c.op('f64.neg'); c.set(l); };
    get(X, rs1, negProduct); get(Y, rs2, false); get(Z, rs3, negAddend);
    assign(PH, ['*', X, Y]);
    // Ranges where the transformations below are exact and no flag but NX can arise.
    c.get(PH).op('f64.abs').tee(T).f64(TWO_M960).op('f64.ge').get(T).f64(TWO_990).op('f64.le', 'i32.and');
    c.get(X).op('f64.abs').f64(TWO_995).op('f64.lt', 'i32.and').get(Y).op('f64.abs').f64(TWO_995).op('f64.lt', 'i32.and');
    c.get(Z).op('f64.abs').f64(TWO_990).op('f64.le', 'i32.and', 'i32.eqz').brIf('fp-slow');
    // x*y = ph + pl exactly (Dekker).
    const split = (v: number, hi: number, lo: number) => {
      assign(T, ['*', { c: SPLIT }, v]); assign(hi, ['-', T, ['-', T, v]]); assign(lo, ['-', v, hi]);
    };
    split(X, XH, XL); split(Y, YH, YL);
    assign(PL, ['+', ['+', ['+', ['-', ['*', XH, YH], PH], ['*', XH, YL]], ['*', XL, YH]], ['*', XL, YL]]);
    /** s + e = p + q exactly (TwoSum). */
    const twoSum = (s: number, e: number, p: number, q: number) => {
      assign(s, ['+', p, q]); assign(BV, ['-', s, p]); assign(e, ['+', ['-', p, ['-', s, BV]], ['-', q, BV]]);
    };
    twoSum(SH, SL, PH, Z);
    twoSum(TH, TL, SL, PL);
    twoSum(R, E1, SH, TH);
    twoSum(V, W, E1, TL);
    // v = round-to-odd(e1 + tl): an even v with a nonzero remainder w steps one ulp towards w.
    c.get(W).f64(0).op('f64.ne').get(V).op('i64.reinterpret_f64').tee(x.i64a).i64(1).op('i64.and', 'i64.eqz', 'i32.and').open('if');
    c.get(x.i64a).i64(1).i64(-1).get(V).f64(0).op('f64.gt').get(W).f64(0).op('f64.gt', 'i32.eq', 'select', 'i64.add', 'f64.reinterpret_i64').set(V);
    c.end();
    assign(r, ['+', R, V]);
    within(r, TWO_M960, TWO_1000, true);
    store(r, 8);
  }

  /** An access to fflags, frm or fcsr, through the fields of FP_CSR_FIELDS. */
  function fpCsr(m: CsrOp): void {
    const fields = FP_CSR_FIELDS[i.word >>> 20];
    const cellAt = (cell: number) => x.fcsrAt + 4 * cell;
    // src, then the old value (read unless csrrw to x0), then the write (unless csrrs/c of zero).
    if (m.src === 'rs1') { x.getX(rs1); c.op('i32.wrap_i64'); } else c.i32(rs1);
    c.set(x.i32a);
    c.i32(0);
    if (m.op !== 'rw' || rd !== 0) {
      fields.forEach((f, k) => {
        x.hart().mem('i32.load', 2, cellAt(f.cell)).i32(f.mask).op('i32.and').i32(f.at).op('i32.shl');
        if (k > 0) c.op('i32.or');
      });
      c.op('i32.or');
    }
    c.set(x.i32b);
    if (m.op === 'rw' || rs1 !== 0) {
      c.get(x.i32a);
      if (m.op === 'rs') c.get(x.i32b).op('i32.or');
      if (m.op === 'rc') c.i32(-1).op('i32.xor').get(x.i32b).op('i32.and');
      c.set(x.i32a);
      for (const f of fields) x.hart().get(x.i32a).i32(f.at).op('i32.shr_u').i32(f.mask).op('i32.and').mem('i32.store', 2, cellAt(f.cell));
    }
    if (rd !== 0) { c.get(x.i32b).op('i64.extend_i32_u'); x.setX(rd); }
  }
}

const ARITH: Record<FpArith, [OpName, OpName]> = {
  add: ['f64.add', 'f32.add'], sub: ['f64.sub', 'f32.sub'], mul: ['f64.mul', 'f32.mul'], div: ['f64.div', 'f32.div'],
};
