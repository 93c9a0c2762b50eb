// Hand-written tests for RISC-V-specific floating-point rules and for RMM
// (round to nearest, ties to max magnitude), which has no x86 counterpart.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as sf from '../../src/isa/riscv/fp/softfloat.js';

const NX = 1, UF = 2, OF = 4, DZ = 8, NV = 16;
const RNE = 0, RTZ = 1, RDN = 2, RUP = 3, RMM = 4;

const buf = new ArrayBuffer(8);
const f64 = new Float64Array(buf), i64 = new BigInt64Array(buf);
const f32 = new Float32Array(buf, 0, 1), i32 = new Int32Array(buf, 0, 1);
/** f32 pattern of a JS number (must be exactly representable unless noted) */
const S = (x: number): number => { f32[0] = x; return i32[0]!; };
/** f64 pattern of a JS number */
const D = (x: number): bigint => { f64[0] = x; return i64[0]!; };

const QNAN32 = 0x7fc00000, SNAN32 = 0x7f800001, QNAN32P = 0xffc12345 | 0; // negative qNaN with payload
const QNAN64 = 0x7ff8000000000000n, SNAN64 = 0x7ff0000000000001n, QNAN64P = -0x0007edcba9876543n; // 0xfff8123456789abd
const INF32 = 0x7f800000, NINF32 = 0xff800000 | 0, MAX32 = 0x7f7fffff, MINSUB32 = 1, MINNORM32 = 0x00800000;
const INF64 = 0x7ff0000000000000n, NINF64 = -0x10000000000000n, MAX64 = 0x7fefffffffffffffn;

/** run f with a fresh flag word, return [result, flags] */
function run<T>(f: (st: Int32Array) => T): [T, number] {
  const st = new Int32Array(1);
  const r = f(st);
  return [r, st[0]!];
}

test('canonical NaN results', () => {
  assert.deepEqual(run((st) => sf.add32(QNAN32P, S(1), RNE, st)), [QNAN32, 0]);
  assert.deepEqual(run((st) => sf.add32(SNAN32, S(1), RNE, st)), [QNAN32, NV]);
  assert.deepEqual(run((st) => sf.mul32(S(Infinity), S(0), RNE, st)), [QNAN32, NV]);
  assert.deepEqual(run((st) => sf.sub32(INF32, INF32, RNE, st)), [QNAN32, NV]);
  assert.deepEqual(run((st) => sf.div32(S(0), S(-0), RNE, st)), [QNAN32, NV]);
  assert.deepEqual(run((st) => sf.sqrt32(S(-1), RNE, st)), [QNAN32, NV]);
  assert.deepEqual(run((st) => sf.add64(QNAN64P, D(1), RNE, st)), [QNAN64, 0]);
  assert.deepEqual(run((st) => sf.mul64(D(0), INF64, RUP, st)), [QNAN64, NV]);
  assert.deepEqual(run((st) => sf.div64(INF64, NINF64, RNE, st)), [QNAN64, NV]);
  assert.deepEqual(run((st) => sf.sqrt64(D(-1e-300), RNE, st)), [QNAN64, NV]);
  assert.deepEqual(run((st) => sf.sqrt64(NINF64, RNE, st)), [QNAN64, NV]);
  assert.deepEqual(run((st) => sf.fma64(QNAN64P, D(2), D(3), RNE, st)), [QNAN64, 0]);
  assert.deepEqual(run((st) => sf.cvt_d_s(QNAN32P, st)), [QNAN64, 0]);
  assert.deepEqual(run((st) => sf.cvt_d_s(SNAN32, st)), [QNAN64, NV]);
  assert.deepEqual(run((st) => sf.cvt_s_d(QNAN64P, RNE, st)), [QNAN32, 0]);
  assert.deepEqual(run((st) => sf.cvt_s_d(SNAN64, RTZ, st)), [QNAN32, NV]);
});

test('special values: zeros, infinities, division by zero', () => {
  assert.deepEqual(run((st) => sf.div32(S(1), S(0), RNE, st)), [INF32, DZ]);
  assert.deepEqual(run((st) => sf.div32(S(-1), S(0), RNE, st)), [NINF32, DZ]);
  assert.deepEqual(run((st) => sf.div64(D(1), D(-0), RTZ, st)), [NINF64, DZ]);
  assert.deepEqual(run((st) => sf.div64(INF64, D(0), RNE, st)), [INF64, 0]);
  assert.deepEqual(run((st) => sf.sqrt32(S(-0), RNE, st)), [S(-0), 0]);
  assert.deepEqual(run((st) => sf.sqrt64(D(-0), RDN, st)), [D(-0), 0]);
  assert.deepEqual(run((st) => sf.sqrt64(INF64, RNE, st)), [INF64, 0]);
  // x + (-x) = +0, except -0 in RDN; (-0) + (-0) = -0
  for (const rm of [RNE, RTZ, RUP, RMM]) assert.deepEqual(run((st) => sf.add64(D(1.5), D(-1.5), rm, st)), [D(0), 0]);
  assert.deepEqual(run((st) => sf.add64(D(1.5), D(-1.5), RDN, st)), [D(-0), 0]);
  assert.deepEqual(run((st) => sf.sub32(S(2), S(2), RDN, st)), [S(-0), 0]);
  assert.deepEqual(run((st) => sf.add32(S(-0), S(-0), RNE, st)), [S(-0), 0]);
  assert.deepEqual(run((st) => sf.add32(S(-0), S(0), RNE, st)), [S(0), 0]);
  assert.deepEqual(run((st) => sf.add32(S(-0), S(0), RDN, st)), [S(-0), 0]);
  assert.deepEqual(run((st) => sf.mul64(D(-0), D(5), RNE, st)), [D(-0), 0]);
  // f64 arguments: any bigint, low 64 bits used; unsigned form accepted
  assert.deepEqual(run((st) => sf.add64(D(1) + (1n << 64n), 0xbff0000000000000n, RNE, st)), [D(0), 0]);
});

test('overflow result depends on rm and sign', () => {
  const cases: [number, number, number][] = [ // rm, positive result, negative result
    [RNE, INF32, NINF32], [RTZ, MAX32, MAX32 | 0x80000000], [RDN, MAX32, NINF32],
    [RUP, INF32, MAX32 | 0x80000000], [RMM, INF32, NINF32],
  ];
  for (const [rm, pos, neg] of cases) {
    assert.deepEqual(run((st) => sf.mul32(MAX32, S(2), rm, st)), [pos, OF | NX], `rm ${rm}`);
    assert.deepEqual(run((st) => sf.mul32(MAX32, S(-2), rm, st)), [neg | 0, OF | NX], `rm ${rm}`);
  }
  assert.deepEqual(run((st) => sf.add64(MAX64, D(2 ** 970), RNE, st)), [INF64, OF | NX]); // tie -> even = overflow
  assert.deepEqual(run((st) => sf.add64(MAX64, D(2 ** 969), RNE, st)), [MAX64, NX]);
  assert.deepEqual(run((st) => sf.add64(MAX64, D(2 ** 970), RTZ, st)), [MAX64, NX]);
});

test('underflow: tininess after rounding, UF only when inexact', () => {
  const m = 2 ** -126;
  // exactly (2^24-1)*2^-150: tiny at unbounded precision, rounds up to min normal
  assert.deepEqual(run((st) => sf.cvt_s_d(D(m - 2 ** -150), RNE, st)), [MINNORM32, UF | NX]);
  // 2^-126 - 2^-151: with unbounded exponent it rounds (tie to even) to 2^-126: not tiny
  assert.deepEqual(run((st) => sf.cvt_s_d(D(m - 2 ** -151), RNE, st)), [MINNORM32, NX]);
  assert.deepEqual(run((st) => sf.cvt_s_d(D(m - 2 ** -151), RTZ, st)), [0x007fffff, UF | NX]);
  assert.deepEqual(run((st) => sf.cvt_s_d(D(m - 2 ** -170), RUP, st)), [MINNORM32, NX]);
  assert.deepEqual(run((st) => sf.cvt_s_d(D(m - 2 ** -170), RTZ, st)), [0x007fffff, UF | NX]);
  // exact subnormal results raise nothing
  assert.deepEqual(run((st) => sf.mul32(MINNORM32, S(0.5), RNE, st)), [0x00400000, 0]);
  assert.deepEqual(run((st) => sf.mul64(D(2 ** -1022), D(0.25), RNE, st)), [D(2 ** -1024), 0]);
  // underflow to zero
  assert.deepEqual(run((st) => sf.mul32(MINSUB32, S(0.25), RNE, st)), [0, UF | NX]);
  assert.deepEqual(run((st) => sf.mul32(MINSUB32, S(-0.25), RUP, st)), [S(-0), UF | NX]);
  assert.deepEqual(run((st) => sf.mul32(MINSUB32, S(0.25), RUP, st)), [MINSUB32, UF | NX]);
  // f64: (1 - 2^-53) * 2^-1022 has 53 bits, so it is tiny even though it rounds to 2^-1022
  assert.deepEqual(run((st) => sf.mul64(D(1 - 2 ** -53), D(2 ** -1022), RNE, st)), [D(2 ** -1022), UF | NX]);
  // 2^-1022 - 2^-1126 rounds to 2^-1022 with an unbounded exponent too: not tiny
  assert.deepEqual(run((st) => sf.mul64(D(1 - 2 ** -52), D(2 ** -1022 + 2 ** -1074), RNE, st)), [D(2 ** -1022), NX]);
  assert.deepEqual(run((st) => sf.fma64(D(1 - 2 ** -52), D(2 ** -1022 + 2 ** -1074), D(0), RTZ, st)), [D(2 ** -1022 - 2 ** -1074), UF | NX]);
});

test('RMM: ties to max magnitude (hand-reasoned)', () => {
  // 1 + 2^-24 is halfway between 1 and 1 + 2^-23
  assert.deepEqual(run((st) => sf.add32(S(1), S(2 ** -24), RNE, st)), [S(1), NX]);
  assert.deepEqual(run((st) => sf.add32(S(1), S(2 ** -24), RMM, st)), [0x3f800001, NX]);
  assert.deepEqual(run((st) => sf.add32(S(-1), S(-(2 ** -24)), RMM, st)), [0xbf800001 | 0, NX]);
  // not a tie: RMM == RNE
  assert.deepEqual(run((st) => sf.add32(S(1), S(2 ** -24 + 2 ** -40), RMM, st)), [0x3f800001, NX]);
  assert.deepEqual(run((st) => sf.add32(S(1), S(2 ** -24 - 2 ** -40), RMM, st)), [S(1), NX]);
  // tie whose even neighbour is already the larger magnitude
  assert.deepEqual(run((st) => sf.add32(S(1 + 2 ** -23), S(2 ** -24), RMM, st)), [0x3f800002, NX]);
  assert.deepEqual(run((st) => sf.add32(S(1 + 2 ** -23), S(2 ** -24), RNE, st)), [0x3f800002, NX]);
  // f64
  assert.deepEqual(run((st) => sf.add64(D(1), D(2 ** -53), RMM, st)), [0x3ff0000000000001n, NX]);
  assert.deepEqual(run((st) => sf.sub64(D(-1), D(2 ** -53), RMM, st)), [-0x400fffffffffffffn, NX]); // 0xbff0000000000001
  // mul: (1 + 2^-12)^2 = 1 + 2^-11 + 2^-24, a tie
  const a = S(1 + 2 ** -12);
  assert.deepEqual(run((st) => sf.mul32(a, a, RNE, st)), [0x3f801000, NX]);
  assert.deepEqual(run((st) => sf.mul32(a, a, RMM, st)), [0x3f801001, NX]);
  assert.deepEqual(run((st) => sf.fma32(a, a, S(-0), RMM, st)), [0x3f801001, NX]);
  assert.deepEqual(run((st) => sf.fma32(a, a, S(2 ** -60), RNE, st)), [0x3f801001, NX]); // sticky breaks the tie
  // (1 + 2^-26)(1 + 2^-27) = 1 + 2^-26 + 2^-27 + 2^-53, a tie
  const b = D(1 + 2 ** -26), b2 = D(1 + 2 ** -27);
  assert.deepEqual(run((st) => sf.mul64(b, b2, RNE, st)), [D(1 + 2 ** -26 + 2 ** -27), NX]);
  assert.deepEqual(run((st) => sf.mul64(b, b2, RMM, st)), [D(1 + 2 ** -26 + 2 ** -27 + 2 ** -52), NX]);
  assert.deepEqual(run((st) => sf.fma64(b, b2, D(0), RMM, st)), [D(1 + 2 ** -26 + 2 ** -27 + 2 ** -52), NX]);
  assert.deepEqual(run((st) => sf.fma64(b, b2, D(-(2 ** -80)), RMM, st)), [D(1 + 2 ** -26 + 2 ** -27), NX]);
  // subnormal tie: 2^-150 is halfway between 0 and 2^-149
  assert.deepEqual(run((st) => sf.mul32(MINSUB32, S(0.5), RNE, st)), [0, UF | NX]);
  assert.deepEqual(run((st) => sf.mul32(MINSUB32, S(0.5), RMM, st)), [MINSUB32, UF | NX]);
  assert.deepEqual(run((st) => sf.mul32(MINSUB32, S(-0.5), RMM, st)), [0x80000001 | 0, UF | NX]);
  // overflow in RMM goes to infinity
  assert.deepEqual(run((st) => sf.add32(MAX32, S(2 ** 103), RMM, st)), [INF32, OF | NX]);
  // conversions
  assert.deepEqual(run((st) => sf.cvt_s_w(16777217, RNE, st)), [S(16777216), NX]);
  assert.deepEqual(run((st) => sf.cvt_s_w(16777217, RMM, st)), [S(16777218), NX]);
  assert.deepEqual(run((st) => sf.cvt_s_w(-16777219, RMM, st)), [S(-16777220), NX]);
  assert.deepEqual(run((st) => sf.cvt_s_w(-16777219, RNE, st)), [S(-16777220), NX]);
  assert.deepEqual(run((st) => sf.cvt_d_l(9007199254740993n, RMM, st)), [D(9007199254740994), NX]);
  assert.deepEqual(run((st) => sf.cvt_d_l(9007199254740993n, RNE, st)), [D(9007199254740992), NX]);
  assert.deepEqual(run((st) => sf.cvt_s_d(D(1 + 2 ** -24), RMM, st)), [0x3f800001, NX]);
  assert.deepEqual(run((st) => sf.cvt_s_d(D(1 + 2 ** -24), RNE, st)), [S(1), NX]);
  for (const [x, rne, rmm] of [[2.5, 2, 3], [-2.5, -2, -3], [0.5, 0, 1], [1.5, 2, 2], [-0.5, 0, -1],
    [0.49999999999999994, 0, 0], [4503599627370495.5, 4503599627370496, 4503599627370496]] as const) {
    assert.deepEqual(run((st) => sf.cvt_w_d(D(x), RNE, st)), [Math.abs(x) > 2 ** 31 ? 0x7fffffff : rne, Math.abs(x) > 2 ** 31 ? NV : NX], `rne ${x}`);
    assert.deepEqual(run((st) => sf.cvt_l_d(D(x), RMM, st)), [BigInt(rmm), NX], `rmm ${x}`);
  }
  assert.deepEqual(run((st) => sf.cvt_wu_d(D(-0.5), RMM, st)), [0, NV]); // rounds to -1: invalid
  assert.deepEqual(run((st) => sf.cvt_wu_d(D(-0.5), RNE, st)), [0, NX]); // rounds to -0: valid
});

test('fcvt float->int: the RISC-V saturation table', () => {
  type F = (a: any, rm: number, st: Int32Array) => number | bigint;
  const W = { min: -2147483648, max: 2147483647 };
  const WU = { min: 0, max: -1 }; // 2^32-1 sign-extended
  const L = { min: -(2n ** 63n), max: 2n ** 63n - 1n };
  const LU = { min: 0n, max: -1n };  // 2^64-1 as signed
  const fns: [string, F, any, (x: number) => any][] = [
    ['w.s', sf.cvt_w_s, W, S], ['wu.s', sf.cvt_wu_s, WU, S], ['l.s', sf.cvt_l_s, L, S], ['lu.s', sf.cvt_lu_s, LU, S],
    ['w.d', sf.cvt_w_d, W, D], ['wu.d', sf.cvt_wu_d, WU, D], ['l.d', sf.cvt_l_d, L, D], ['lu.d', sf.cvt_lu_d, LU, D],
  ];
  for (const [name, fn, lim, enc] of fns) {
    const is32 = enc === S;
    const nans = is32 ? [QNAN32, SNAN32, QNAN32P] : [QNAN64, SNAN64, QNAN64P];
    for (const rm of [RNE, RTZ, RDN, RUP, RMM]) {
      for (const n of nans) assert.deepEqual(run((st) => fn(n, rm, st)), [lim.max, NV], `${name} NaN`);
      assert.deepEqual(run((st) => fn(enc(Infinity), rm, st)), [lim.max, NV], `${name} +inf`);
      assert.deepEqual(run((st) => fn(enc(-Infinity), rm, st)), [lim.min, NV], `${name} -inf`);
      assert.deepEqual(run((st) => fn(enc(1e30), rm, st)), [lim.max, NV], `${name} big`);
      assert.deepEqual(run((st) => fn(enc(-1e30), rm, st)), [lim.min, NV], `${name} -big`);
      const zero = typeof lim.min === 'bigint' ? 0n : 0;
      assert.deepEqual(run((st) => fn(enc(-0), rm, st)), [zero, 0], `${name} -0`);
    }
  }
  // boundaries (after rounding)
  assert.deepEqual(run((st) => sf.cvt_w_d(D(2147483647), RNE, st)), [2147483647, 0]);
  assert.deepEqual(run((st) => sf.cvt_w_d(D(2147483647.5), RNE, st)), [2147483647, NV]);
  assert.deepEqual(run((st) => sf.cvt_w_d(D(2147483647.5), RTZ, st)), [2147483647, NX]);
  assert.deepEqual(run((st) => sf.cvt_w_d(D(-2147483648.5), RNE, st)), [-2147483648, NX]);
  assert.deepEqual(run((st) => sf.cvt_w_d(D(-2147483648.5), RDN, st)), [-2147483648, NV]);
  assert.deepEqual(run((st) => sf.cvt_w_d(D(-2147483648.5), RMM, st)), [-2147483648, NV]);
  assert.deepEqual(run((st) => sf.cvt_w_s(S(2147483648), RNE, st)), [2147483647, NV]);
  assert.deepEqual(run((st) => sf.cvt_w_s(S(-2147483648), RNE, st)), [-2147483648, 0]);
  assert.deepEqual(run((st) => sf.cvt_wu_d(D(4294967295), RNE, st)), [-1, 0]);
  assert.deepEqual(run((st) => sf.cvt_wu_d(D(2147483648), RNE, st)), [-2147483648, 0]); // sign-extended
  assert.deepEqual(run((st) => sf.cvt_wu_d(D(4294967295.5), RDN, st)), [-1, NX]);
  assert.deepEqual(run((st) => sf.cvt_wu_d(D(4294967295.5), RUP, st)), [-1, NV]);
  assert.deepEqual(run((st) => sf.cvt_wu_s(S(-1), RNE, st)), [0, NV]);
  assert.deepEqual(run((st) => sf.cvt_wu_s(S(-0.75), RUP, st)), [0, NX]);
  assert.deepEqual(run((st) => sf.cvt_l_d(D(2 ** 63), RNE, st)), [2n ** 63n - 1n, NV]);
  assert.deepEqual(run((st) => sf.cvt_l_d(D(-(2 ** 63)), RNE, st)), [-(2n ** 63n), 0]);
  assert.deepEqual(run((st) => sf.cvt_l_s(S(2 ** 62), RNE, st)), [2n ** 62n, 0]);
  assert.deepEqual(run((st) => sf.cvt_lu_d(D(2 ** 64 - 2048), RNE, st)), [-2048n, 0]); // 0xfffffffffffff800
  assert.deepEqual(run((st) => sf.cvt_lu_d(D(2 ** 64), RNE, st)), [-1n, NV]);
  assert.deepEqual(run((st) => sf.cvt_lu_s(S(2 ** 63), RNE, st)), [-(2n ** 63n), 0]);
  assert.deepEqual(run((st) => sf.cvt_lu_d(D(-0.25), RDN, st)), [0n, NV]);
  assert.deepEqual(run((st) => sf.cvt_lu_d(D(-0.25), RTZ, st)), [0n, NX]);
  assert.deepEqual(run((st) => sf.cvt_lu_d(D(-(2 ** 70)), RTZ, st)), [0n, NV]);
  // NX only when in range and inexact
  assert.deepEqual(run((st) => sf.cvt_w_s(S(-1.25), RDN, st)), [-2, NX]);
  assert.deepEqual(run((st) => sf.cvt_w_s(S(-1.25), RUP, st)), [-1, NX]);
  assert.deepEqual(run((st) => sf.cvt_l_s(S(-1.25), RTZ, st)), [-1n, NX]);
});

test('int->float conversions (exactness, unsigned interpretation, low 64 bits)', () => {
  assert.deepEqual(run((st) => sf.cvt_s_wu(-1, RNE, st)), [S(4294967296), NX]);
  assert.deepEqual(run((st) => sf.cvt_s_wu(-1, RTZ, st)), [S(4294967040), NX]);
  assert.deepEqual(run((st) => sf.cvt_d_wu(-1, RNE, st)), [D(4294967295), 0]);
  assert.deepEqual(run((st) => sf.cvt_d_w(-1, RNE, st)), [D(-1), 0]);
  assert.deepEqual(run((st) => sf.cvt_d_lu(-1n, RNE, st)), [D(2 ** 64), NX]);
  assert.deepEqual(run((st) => sf.cvt_d_lu(-1n, RTZ, st)), [D(2 ** 64 - 2048), NX]);
  assert.deepEqual(run((st) => sf.cvt_d_lu((1n << 64n) + 5n, RNE, st)), [D(5), 0]);
  assert.deepEqual(run((st) => sf.cvt_d_l(-(2n ** 63n), RNE, st)), [D(-(2 ** 63)), 0]);
  assert.deepEqual(run((st) => sf.cvt_s_l(2n ** 63n - 1n, RDN, st)), [S(2 ** 63 - 2 ** 39), NX]);
  assert.deepEqual(run((st) => sf.cvt_s_lu(2n ** 63n, RNE, st)), [S(2 ** 63), 0]);
  assert.deepEqual(run((st) => sf.cvt_s_w(0, RNE, st)), [0, 0]);
});

test('fmin/fmax: minimumNumber/maximumNumber semantics', () => {
  for (const [min, max, z, nz, q, s, canon, one, two] of [
    [sf.min32, sf.max32, S(0), S(-0), QNAN32P, SNAN32, QNAN32, S(1), S(2)],
    [sf.min64, sf.max64, D(0), D(-0), QNAN64P, SNAN64, QNAN64, D(1), D(2)],
  ] as const) {
    const mn = min as (a: any, b: any, st: Int32Array) => any, mx = max as (a: any, b: any, st: Int32Array) => any;
    assert.deepEqual(run((st) => mn(z, nz, st)), [nz, 0]);
    assert.deepEqual(run((st) => mn(nz, z, st)), [nz, 0]);
    assert.deepEqual(run((st) => mx(z, nz, st)), [z, 0]);
    assert.deepEqual(run((st) => mx(nz, z, st)), [z, 0]);
    assert.deepEqual(run((st) => mn(one, two, st)), [one, 0]);
    assert.deepEqual(run((st) => mx(one, two, st)), [two, 0]);
    assert.deepEqual(run((st) => mn(q, one, st)), [one, 0]);
    assert.deepEqual(run((st) => mx(one, q, st)), [one, 0]);
    assert.deepEqual(run((st) => mn(s, one, st)), [one, NV]);
    assert.deepEqual(run((st) => mx(one, s, st)), [one, NV]);
    assert.deepEqual(run((st) => mn(q, q, st)), [canon, 0]);
    assert.deepEqual(run((st) => mx(q, s, st)), [canon, NV]);
    assert.deepEqual(run((st) => mn(s, s, st)), [canon, NV]);
  }
  // operand returned bit-exactly (subnormal, negative)
  assert.deepEqual(run((st) => sf.min32(0x80000001 | 0, 5, st)), [0x80000001 | 0, 0]);
  assert.deepEqual(run((st) => sf.max64(D(-Infinity), D(-5e-324), st)), [D(-5e-324), 0]);
  assert.deepEqual(run((st) => sf.min64(0xbff0000000000000n, D(3), st)), [D(-1), 0]); // unsigned form in, signed out
});

test('feq/flt/fle: NV rules and signed zeros', () => {
  const cases = [
    [sf.eq32, sf.lt32, sf.le32, S(0), S(-0), QNAN32, SNAN32, S(1)],
    [sf.eq64, sf.lt64, sf.le64, D(0), D(-0), QNAN64, SNAN64, D(1)],
  ] as const;
  for (const [eqf, ltf, lef, z, nz, q, s, one] of cases) {
    const eq = eqf as (a: any, b: any, st: Int32Array) => number;
    const lt = ltf as (a: any, b: any, st: Int32Array) => number;
    const le = lef as (a: any, b: any, st: Int32Array) => number;
    assert.deepEqual(run((st) => eq(z, nz, st)), [1, 0]);
    assert.deepEqual(run((st) => lt(nz, z, st)), [0, 0]);
    assert.deepEqual(run((st) => le(z, nz, st)), [1, 0]);
    assert.deepEqual(run((st) => lt(z, one, st)), [1, 0]);
    assert.deepEqual(run((st) => le(one, z, st)), [0, 0]);
    assert.deepEqual(run((st) => eq(q, q, st)), [0, 0]);      // quiet: no NV for feq
    assert.deepEqual(run((st) => eq(one, s, st)), [0, NV]);   // signaling: NV
    assert.deepEqual(run((st) => lt(q, one, st)), [0, NV]);   // flt: NV on any NaN
    assert.deepEqual(run((st) => le(one, q, st)), [0, NV]);
    assert.deepEqual(run((st) => le(s, s, st)), [0, NV]);
  }
});

test('fclass: all ten classes', () => {
  const c32: [number, number][] = [
    [NINF32, 0], [S(-1), 1], [0x80000001 | 0, 2], [S(-0), 3], [S(0), 4], [0x007fffff, 5], [S(1), 6], [INF32, 7],
    [SNAN32, 8], [QNAN32, 9], [QNAN32P, 9], [0xff800001 | 0, 8], [MAX32, 6], [MINNORM32, 6],
  ];
  for (const [v, bit] of c32) assert.equal(sf.class32(v), 1 << bit, `class32 ${(v >>> 0).toString(16)}`);
  const c64: [bigint, number][] = [
    [NINF64, 0], [D(-1), 1], [D(-5e-324), 2], [D(-0), 3], [D(0), 4], [D(2 ** -1023), 5], [D(1), 6], [INF64, 7],
    [SNAN64, 8], [QNAN64, 9], [QNAN64P, 9], [0xfff0000000000001n, 8], [0x7ff7ffffffffffffn, 8], [MAX64, 6],
  ];
  for (const [v, bit] of c64) assert.equal(sf.class64(v), 1 << bit, `class64 ${v.toString(16)}`);
});

test('fma: sign flips used for fmsub/fnmsub/fnmadd, inf*0 with quiet NaN', () => {
  // The interpreter computes fmsub = fma(a, b, -c), fnmsub = fma(-a, b, c),
  // fnmadd = fma(-a, b, -c). RISC-V defines fnmadd as -(a*b) - c.
  const neg = (x: number): number => (x ^ 0x80000000) | 0;
  const negd = (x: bigint): bigint => x ^ -0x8000000000000000n;
  const fnmadd = (a: number, b: number, c: number, rm: number, st: Int32Array): number => sf.fma32(neg(a), b, neg(c), rm, st);
  const fmsub = (a: number, b: number, c: number, rm: number, st: Int32Array): number => sf.fma32(a, b, neg(c), rm, st);
  // -(1*1) - (-1) = exact zero from opposite signs: +0, or -0 in RDN
  assert.deepEqual(run((st) => fnmadd(S(1), S(1), S(-1), RNE, st)), [S(0), 0]);
  assert.deepEqual(run((st) => fnmadd(S(1), S(1), S(-1), RDN, st)), [S(-0), 0]);
  // -(0*1) - 0 = -0 + -0 = -0 ; 0*1 - 0 = +0 + -0 = +0
  assert.deepEqual(run((st) => fnmadd(S(0), S(1), S(0), RNE, st)), [S(-0), 0]);
  assert.deepEqual(run((st) => fmsub(S(0), S(1), S(0), RNE, st)), [S(0), 0]);
  assert.deepEqual(run((st) => fmsub(S(0), S(1), S(0), RDN, st)), [S(-0), 0]);
  // directed rounding of the negated result: RDN(-(x)) == -RUP(x)
  const a = S(1 + 2 ** -20), b = S(3 + 2 ** -21), c = S(2 ** -30);
  const [up, fu] = run((st) => sf.fma32(a, b, c, RUP, st));
  assert.deepEqual(run((st) => fnmadd(a, b, c, RDN, st)), [neg(up), fu]);
  const ad = D(1 + 2 ** -40), bd = D(3 + 2 ** -41), cd = D(2 ** -70);
  const [upd, fud] = run((st) => sf.fma64(ad, bd, cd, RUP, st));
  assert.deepEqual(run((st) => sf.fma64(negd(ad), bd, negd(cd), RDN, st)), [negd(upd), fud]);
  // inf * 0 + qNaN raises NV in RISC-V (also with flipped signs)
  assert.deepEqual(run((st) => sf.fma32(INF32, S(0), QNAN32, RNE, st)), [QNAN32, NV]);
  assert.deepEqual(run((st) => sf.fma32(S(-0), NINF32, neg(QNAN32), RNE, st)), [QNAN32, NV]);
  assert.deepEqual(run((st) => sf.fma64(D(0), INF64, QNAN64, RNE, st)), [QNAN64, NV]);
  assert.deepEqual(run((st) => sf.fma64(D(2), INF64, QNAN64, RNE, st)), [QNAN64, 0]);
  // inf*x - inf: invalid; inf*x + inf: inf
  assert.deepEqual(run((st) => sf.fma64(INF64, D(2), NINF64, RNE, st)), [QNAN64, NV]);
  assert.deepEqual(run((st) => sf.fma64(NINF64, D(-2), INF64, RNE, st)), [INF64, 0]);
  // single rounding: a*b + c where a*b alone would round
  const e = D(1 + 2 ** -30);
  assert.deepEqual(run((st) => sf.fma64(e, e, D(-1), RNE, st)), [D(2 ** -29 + 2 ** -60), 0]);
  assert.deepEqual(run((st) => sf.fma64(e, e, D(-1 - 2 ** -29), RNE, st)), [D(2 ** -60), 0]);
});

test('accrued flags are OR-ed, never cleared', () => {
  const st = new Int32Array([NV | DZ]);
  sf.add32(S(1), S(2 ** -30), RNE, st);
  assert.equal(st[0], NV | DZ | NX);
  sf.mul64(MAX64, D(2), RTZ, st);
  assert.equal(st[0], NV | DZ | NX | OF);
  sf.mul64(D(1), D(1), RNE, st);
  sf.eq64(QNAN64, D(1), st);
  assert.equal(st[0], NV | DZ | NX | OF);
});
