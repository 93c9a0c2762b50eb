// RISC-V F/D arithmetic library.
//
// Conventions (see the API notes in the repository):
//  - f32 values: IEEE bit pattern in an int32 JS number.
//  - f64 values: IEEE bit pattern as a signed 64-bit bigint (any bigint is
//    accepted; its low 64 bits are used).
//  - rm: 0 RNE, 1 RTZ, 2 RDN, 3 RUP, 4 RMM (already resolved by the caller).
//  - st[0]: accrued fflags (NX=1 UF=2 OF=4 DZ=8 NV=16), only ever OR-ed into.
//
// Structure: each operation first tries a fast path in JS double arithmetic
// (which is IEEE binary64 round-to-nearest-even). A fast path only answers when
// it can PROVE the result and flags: operands and result are in a range where
// neither overflow nor underflow (tininess) is possible, the RNE result and the
// exact error (sign, and value where ties matter) come from error-free
// transformations, and finish64/finish32 derive RTZ/RDN/RUP/RMM from them.
// Everything else (NaN/inf operands, subnormal or huge results, exact zeros in
// RDN, f32 fma on a binary32 midpoint, ...) goes to the exact path in exact.ts,
// which funnels through a single rounding routine (roundPack).

import * as X from './exact.js';
import { F32, F64, NX, NV, type Unpacked } from './exact.js';

export { NX, UF, OF, DZ, NV, RNE, RTZ, RDN, RUP, RMM } from './exact.js';

// ---------------------------------------------------------------------------
// Private scratch for bit conversion.

const B64 = new ArrayBuffer(8);
const SF64 = new Float64Array(B64);
const SI64 = new BigInt64Array(B64);
const SU32 = new Int32Array(B64);
const LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const LO = LE ? 0 : 1;
const HI = LE ? 1 : 0;

const B32 = new ArrayBuffer(4);
const SF32 = new Float32Array(B32);
const SI32 = new Int32Array(B32);

// Format constants and the ranges of the f64 fast paths, exported for the WebAssembly backend's
// fast paths (engines/wasm/wasm-fp.ts), which rely on the same ranges.
export const CANON32 = 0x7fc00000;
const CANON64 = 0x7ff8000000000000n;

export const MIN_NORMAL32 = 1.1754943508222875e-38; // 2^-126
export const SPLIT = 134217729;                       // 2^27 + 1 (Veltkamp)
export const TWO_M960 = 2 ** -960;
export const TWO_990 = 2 ** 990;
export const TWO_995 = 2 ** 995;
export const TWO_1000 = 2 ** 1000;

function toF64(a: bigint): number {
  SI64[0] = a;
  return SF64[0]!;
}

function fromF64(x: number): bigint {
  SF64[0] = x;
  return SI64[0]!;
}

function toF32(a: number): number {
  SI32[0] = a;
  return SF32[0]!;
}

function fromF32(x: number): number {
  SF32[0] = x;
  return SI32[0]!;
}

// Exact-path adapters.
function u32(a: number): Unpacked { return X.unpack(F32, BigInt(a >>> 0)); }
function u64(a: bigint): Unpacked { return X.unpack(F64, BigInt.asUintN(64, a)); }
function r32(bits: bigint): number { return Number(bits) | 0; }
function r64(bits: bigint): bigint { return BigInt.asIntN(64, bits); }

// ---------------------------------------------------------------------------
// Fast-path finishing. A fast path computes r = the round-to-nearest-even
// result (a double, or an f32 value held in a double) and, when the operation
// was inexact, the sign of (exact - r) and -- where it is exactly representable
// -- the value of (exact - r). The fast paths are only used where r and its
// neighbours are normal and finite (no UF, no OF possible), so the correctly
// rounded result in every mode is r or the neighbour of r on the side of the
// exact value.
//  - RTZ/RDN/RUP step to that neighbour when the mode requires it;
//  - RMM differs from RNE only on an exact tie, which is recognised from the
//    exact error (ties need errExact; NaN means "cannot be a tie").

/** r: RNE result, normal with its neighbours; up: exact > r. Sets NX; returns the result as a number. */
function finish64n(r: number, up: boolean, errExact: number, rm: number, st: Int32Array): number {
  st[0]! |= NX;
  if (rm === 0) return r;
  SF64[0] = r;
  const pos = r > 0;
  let mag = 0; // +1: one ulp away from zero, -1: one ulp towards zero
  switch (rm) {
    case 1: if (up !== pos) mag = -1; break;
    case 2: if (!up) mag = pos ? -1 : 1; break;
    case 3: if (up) mag = pos ? 1 : -1; break;
    default:
      // RMM: a tie resolved by RNE towards the smaller magnitude moves outwards.
      if (up === pos && errExact === errExact) {
        const lo = SU32[LO]!;
        SU32[LO] = lo + 1;
        if (lo === -1) SU32[HI] = SU32[HI]! + 1;
        const n = SF64[0]!;
        if (2 * errExact === n - r) return n;
      }
      return r;
  }
  if (mag !== 0) {
    const lo = SU32[LO]!;
    SU32[LO] = lo + mag;
    if (mag > 0 ? lo === -1 : lo === 0) SU32[HI] = SU32[HI]! + mag;
  }
  return SF64[0]!;
}

/** As finish64 for an f32 result r (|r| in (2^-126, MAX32)). */
function finish32(r: number, up: boolean, errExact: number, rm: number, st: Int32Array): number {
  st[0]! |= NX;
  SF32[0] = r;
  const bits = SI32[0]!;
  if (rm === 0) return bits;
  const pos = r > 0;
  switch (rm) {
    case 1: return up !== pos ? bits - 1 : bits;
    case 2: return up ? bits : pos ? bits - 1 : bits + 1;
    case 3: return up ? (pos ? bits + 1 : bits - 1) : bits;
    default:
      if (up === pos && errExact === errExact) {
        SI32[0] = bits + 1;
        if (2 * errExact === SF32[0]! - r) return bits + 1;
      }
      return bits;
  }
}

export const MAX32 = 3.4028234663852886e38;

// ---------------------------------------------------------------------------
// f32 arithmetic. An f32 add/sub/mul/div/sqrt evaluated in binary64 and then
// rounded to binary32 is correctly rounded for RNE (53 >= 2*24 + 2); the error
// of the binary64 step is known exactly, which also decides the other modes.

function addS(x: number, y: number, rm: number, st: Int32Array): number {
  const s = x + y;
  const r = Math.fround(s);
  const ar = Math.abs(r);
  // Sums of f32 values that are tiny are exact; inexact sums are >= 2^-125.
  if (ar < MAX32 || (rm === 0 && ar === MAX32)) {
    const bv = s - x;
    const err = (x - (s - bv)) + (y - bv);
    if (r === s && err === 0) {
      if (s === 0 && rm === 2) return -2; // exact zero in RDN: slow path decides the sign
      return fromF32(r);
    }
    return finish32(r, r !== s ? s > r : err > 0, err === 0 ? s - r : NaN, rm, st);
  }
  return -2;
}

// -2 (0xfffffffe, a NaN pattern no fast path produces) means "take the exact path".
export function add32(a: number, b: number, rm: number, st: Int32Array): number {
  const r = addS(toF32(a), toF32(b), rm, st);
  return r !== -2 ? r : r32(X.add(F32, u32(a), u32(b), rm, st));
}

/** a - b is a + (-b) exactly (IEEE 754 defines subtraction so; NaN signs do not matter here). */
export function sub32(a: number, b: number, rm: number, st: Int32Array): number {
  return add32(a, b ^ -0x80000000, rm, st);
}

export function mul32(a: number, b: number, rm: number, st: Int32Array): number {
  const p = toF32(a) * toF32(b); // exact: 24x24 bits, no binary64 under/overflow
  const r = Math.fround(p);
  const ar = Math.abs(r);
  if (ar > MIN_NORMAL32 && (ar < MAX32 || (rm === 0 && ar === MAX32))) {
    if (r === p) return fromF32(r);
    return finish32(r, p > r, p - r, rm, st);
  }
  if (p === 0) return fromF32(p); // a zero operand: exact signed zero in every mode
  return r32(X.mul(F32, u32(a), u32(b), rm, st));
}

export function div32(a: number, b: number, rm: number, st: Int32Array): number {
  const x = toF32(a), y = toF32(b);
  const r = Math.fround(x / y);
  const ar = Math.abs(r);
  if (ar > MIN_NORMAL32 && (ar < MAX32 || (rm === 0 && ar === MAX32))) {
    const rem = x - r * y; // exact (r*y has 48 bits; Sterbenz)
    if (rem === 0) return fromF32(r);
    // quotients of normal results are never ties
    return finish32(r, (rem > 0) === (y > 0), NaN, rm, st);
  }
  if (r === 0 && ((x === 0 && y === y && y !== 0) || (Math.abs(y) === Infinity && x - x === 0))) return fromF32(r);
  return r32(X.div(F32, u32(a), u32(b), rm, st));
}

export function sqrt32(a: number, rm: number, st: Int32Array): number {
  const x = toF32(a);
  if (x > 0 && x !== Infinity) { // the root of a positive f32 is normal
    const r = Math.fround(Math.sqrt(x));
    const rem = x - r * r; // exact
    if (rem === 0) return fromF32(r);
    return finish32(r, rem > 0, NaN, rm, st); // roots are never ties
  }
  if (x === 0) return a | 0;
  return r32(X.sqrt(F32, u32(a), rm, st));
}

export function fma32(a: number, b: number, c: number, rm: number, st: Int32Array): number {
  const p = toF32(a) * toF32(b); // exact
  const z = toF32(c);
  const s = p + z;
  const r = Math.fround(s);
  const ar = Math.abs(r);
  if (ar > MIN_NORMAL32 && (ar < MAX32 || (rm === 0 && ar === MAX32))) {
    const bv = s - p;
    const err = (p - (s - bv)) + (z - bv);
    if (err === 0) {
      if (r === s) return fromF32(r);
      return finish32(r, s > r, s - r, rm, st);
    }
    // s is inexact. r is one of the two f32 neighbours of the exact value, and
    // the nearest one unless s lies exactly on an f32 midpoint.
    SF64[0] = s;
    if (rm === 1 || rm === 2 || rm === 3 || (SU32[LO]! & 0x1fffffff) !== 0x10000000) {
      return finish32(r, r !== s ? s > r : err > 0, NaN, rm, st);
    }
  } else if (s === 0 && rm !== 2) {
    const bv = s - p;
    if ((p - (s - bv)) + (z - bv) === 0 && z - z === 0) return fromF32(s); // exact zero, RNE sign rules
  }
  return r32(X.fma(F32, u32(a), u32(b), u32(c), rm, st));
}

// ---------------------------------------------------------------------------
// f64 arithmetic. Fast paths use TwoSum / Dekker TwoProduct to obtain the exact
// error; they require operands and result well inside the normal range so that
// the error terms are exact and no flag other than NX can arise.

// Tiny sums are exact (no UF); inexact sums are far from the subnormal range.
// |s| <= 2^1000 keeps TwoSum and the neighbours of s finite. An exact zero sum
// in RDN goes to the exact path (its sign differs from the RNE rules).

/**
 * The f64 fast paths work on numbers and answer NaN when they cannot decide (NaN is never
 * their result: a NaN result comes from the exact path as the canonical NaN). Results that
 * are not NaN are stored exactly by any Float64Array, so callers need no bigint.
 */
function add64n(x: number, y: number, rm: number, st: Int32Array): number {
  const s = x + y;
  if (Math.abs(s) <= TWO_1000) {
    const bv = s - x;
    const err = (x - (s - bv)) + (y - bv);
    if (err !== 0) return finish64n(s, err > 0, err, rm, st);
    if (s !== 0 || rm !== 2) return s;
  }
  return NaN;
}

export function add64(a: bigint, b: bigint, rm: number, st: Int32Array): bigint {
  const r = add64n(toF64(a), toF64(b), rm, st);
  return r === r ? fromF64(r) : r64(X.add(F64, u64(a), u64(b), rm, st));
}

export function sub64(a: bigint, b: bigint, rm: number, st: Int32Array): bigint {
  return add64(a, b ^ -0x8000000000000000n, rm, st);
}

function mul64n(x: number, y: number, rm: number, st: Int32Array): number {
  const p = x * y;
  const ap = Math.abs(p);
  if (ap >= TWO_M960 && ap <= TWO_990 && Math.abs(x) < TWO_995 && Math.abs(y) < TWO_995) {
    let t = SPLIT * x;
    const xh = t - (t - x), xl = x - xh;
    t = SPLIT * y;
    const yh = t - (t - y), yl = y - yh;
    const e = ((xh * yh - p) + xh * yl + xl * yh) + xl * yl; // x*y = p + e exactly
    if (e === 0) return p;
    return finish64n(p, e > 0, e, rm, st);
  }
  if ((x === 0 && y - y === 0) || (y === 0 && x - x === 0)) return p; // exact signed zero
  return NaN;
}

export function mul64(a: bigint, b: bigint, rm: number, st: Int32Array): bigint {
  const r = mul64n(toF64(a), toF64(b), rm, st);
  return r === r ? fromF64(r) : r64(X.mul(F64, u64(a), u64(b), rm, st));
}

function div64n(x: number, y: number, rm: number, st: Int32Array): number {
  const q = x / y;
  const ax = Math.abs(x), ay = Math.abs(y), aq = Math.abs(q);
  if (ax >= TWO_M960 && ax <= TWO_990 && ay >= TWO_M960 && ay <= TWO_990 &&
      aq >= TWO_M960 && aq <= TWO_990) {
    // q*y = p + e exactly; x - p is exact (Sterbenz); x/y - q ~ (x - p - e)/y.
    const p = q * y;
    let t = SPLIT * q;
    const qh = t - (t - q), ql = q - qh;
    t = SPLIT * y;
    const yh = t - (t - y), yl = y - yh;
    const e = ((qh * yh - p) + qh * yl + ql * yh) + ql * yl;
    const rem = (x - p) - e; // one rounding of an exact difference: sign is exact
    if (rem === 0) return q;
    return finish64n(q, (rem > 0) === (y > 0), NaN, rm, st); // never a tie
  }
  if (q === 0 && ((x === 0 && y === y && y !== 0) || (ay === Infinity && x - x === 0))) return q;
  return NaN;
}

export function div64(a: bigint, b: bigint, rm: number, st: Int32Array): bigint {
  const r = div64n(toF64(a), toF64(b), rm, st);
  return r === r ? fromF64(r) : r64(X.div(F64, u64(a), u64(b), rm, st));
}

function sqrt64n(x: number, rm: number, st: Int32Array): number {
  if (x >= TWO_M960 && x <= TWO_990) {
    const r = Math.sqrt(x);
    const p = r * r;
    const t = SPLIT * r;
    const rh = t - (t - r), rl = r - rh;
    const e = ((rh * rh - p) + 2 * (rh * rl)) + rl * rl; // r*r = p + e exactly
    const rem = (x - p) - e;
    if (rem === 0) return r;
    return finish64n(r, rem > 0, NaN, rm, st); // never a tie
  }
  if (x === 0) return x;
  return NaN;
}

export function sqrt64(a: bigint, rm: number, st: Int32Array): bigint {
  const r = sqrt64n(toF64(a), rm, st);
  return r === r ? fromF64(r) : r64(X.sqrt(F64, u64(a), rm, st));
}

function fma64n(x: number, y: number, z: number, rm: number, st: Int32Array): number {
  const ph = x * y;
  const aph = Math.abs(ph);
  if (aph >= TWO_M960 && aph <= TWO_990 && Math.abs(x) < TWO_995 && Math.abs(y) < TWO_995 &&
      Math.abs(z) <= TWO_990) {
    // x*y = ph + pl exactly (Dekker).
    let t = SPLIT * x;
    const xh = t - (t - x), xl = x - xh;
    t = SPLIT * y;
    const yh = t - (t - y), yl = y - yh;
    const pl = ((xh * yh - ph) + xh * yl + xl * yh) + xl * yl;
    // ph + z = sh + sl exactly (TwoSum).
    const sh = ph + z;
    let bv = sh - ph;
    const sl = (ph - (sh - bv)) + (z - bv);
    // sl + pl = th + tl exactly.
    const th = sl + pl;
    bv = th - sl;
    const tl = (sl - (th - bv)) + (pl - bv);
    // sh + th = r + e1 exactly.
    const r = sh + th;
    bv = r - sh;
    const e1 = (sh - (r - bv)) + (th - bv);
    // exact = r + e1 + tl with |e1 + tl| <~ ulp(r)/2. v = round-to-odd(e1 + tl)
    // keeps > 2 bits below the last bit of the result, so r + v rounds, in every
    // mode, exactly like the exact value (and lies on the same side of it).
    let v = e1 + tl;
    bv = v - e1;
    const w = (e1 - (v - bv)) + (tl - bv);
    if (w !== 0) {
      SF64[0] = v;
      const lo = SU32[LO]!;
      if ((lo & 1) === 0) {
        // step v one ulp towards w (v != 0 here)
        if ((v > 0) === (w > 0)) SU32[LO] = lo + 1;
        else if (lo !== 0) SU32[LO] = lo - 1;
        else { SU32[LO] = -1; SU32[HI] = SU32[HI]! - 1; }
        v = SF64[0]!;
      }
    }
    const res = r + v;
    const ares = Math.abs(res);
    if (ares >= TWO_M960 && ares <= TWO_1000) {
      bv = res - r;
      const err2 = (r - (res - bv)) + (v - bv); // r + v = res + err2 exactly
      if (err2 !== 0) return finish64n(res, err2 > 0, w === 0 ? err2 : NaN, rm, st);
      if (w === 0) return res;
      // (w != 0 implies err2 != 0; fall through defensively)
    } else if (res === 0 && w === 0 && r === -v) {
      return rm === 2 ? -0 : 0; // exact zero: +0, or -0 in RDN
    }
  } else if ((x === 0 || y === 0) && x - x === 0 && y - y === 0 && z - z === 0 && (z !== 0 || rm !== 2)) {
    return ph + z; // zero product: the result is z, or a signed zero by RNE rules
  }
  return NaN;
}

export function fma64(a: bigint, b: bigint, c: bigint, rm: number, st: Int32Array): bigint {
  const r = fma64n(toF64(a), toF64(b), toF64(c), rm, st);
  return r === r ? fromF64(r) : r64(X.fma(F64, u64(a), u64(b), u64(c), rm, st));
}

// ---------------------------------------------------------------------------
// The same f64 operations on the FP register file itself (F: raw bits, FD: the same cells as
// doubles): fast paths never make a bigint, slow paths read the exact bits.

export function add64reg(F: BigInt64Array, FD: Float64Array, rd: number, rs1: number, rs2: number, rm: number, st: Int32Array): void {
  const r = add64n(FD[rs1]!, FD[rs2]!, rm, st);
  if (r === r) FD[rd] = r; else F[rd] = r64(X.add(F64, u64(F[rs1]!), u64(F[rs2]!), rm, st));
}

export function sub64reg(F: BigInt64Array, FD: Float64Array, rd: number, rs1: number, rs2: number, rm: number, st: Int32Array): void {
  const r = add64n(FD[rs1]!, -FD[rs2]!, rm, st);
  if (r === r) FD[rd] = r; else F[rd] = r64(X.add(F64, u64(F[rs1]!), u64(F[rs2]! ^ -0x8000000000000000n), rm, st));
}

export function mul64reg(F: BigInt64Array, FD: Float64Array, rd: number, rs1: number, rs2: number, rm: number, st: Int32Array): void {
  const r = mul64n(FD[rs1]!, FD[rs2]!, rm, st);
  if (r === r) FD[rd] = r; else F[rd] = r64(X.mul(F64, u64(F[rs1]!), u64(F[rs2]!), rm, st));
}

export function div64reg(F: BigInt64Array, FD: Float64Array, rd: number, rs1: number, rs2: number, rm: number, st: Int32Array): void {
  const r = div64n(FD[rs1]!, FD[rs2]!, rm, st);
  if (r === r) FD[rd] = r; else F[rd] = r64(X.div(F64, u64(F[rs1]!), u64(F[rs2]!), rm, st));
}

// ---------------------------------------------------------------------------
// min / max (IEEE 754-2019 minimumNumber / maximumNumber, as in RISC-V).

function isNaN32(a: number): boolean { return (a & 0x7fffffff) > 0x7f800000; }
function isSNaN32(a: number): boolean { return isNaN32(a) && (a & 0x00400000) === 0; }

function minmax32(a: number, b: number, st: Int32Array, wantMax: boolean): number {
  const na = isNaN32(a), nb = isNaN32(b);
  if (na || nb) {
    if (isSNaN32(a) || isSNaN32(b)) st[0]! |= NV;
    if (na && nb) return CANON32;
    return na ? b : a;
  }
  const x = toF32(a), y = toF32(b);
  if (x === y) {
    // equal values, or +0 and -0: -0 is the smaller one
    return (wantMax ? (a < 0 ? b : a) : (a < 0 ? a : b)) | 0;
  }
  return (wantMax ? (x > y ? a : b) : (x < y ? a : b)) | 0;
}

export function min32(a: number, b: number, st: Int32Array): number { return minmax32(a | 0, b | 0, st, false); }
export function max32(a: number, b: number, st: Int32Array): number { return minmax32(a | 0, b | 0, st, true); }

/** 0: not NaN, 1: quiet NaN, 2: signaling NaN. Leaves the words in the scratch. */
function nanKind64(a: bigint): number {
  SI64[0] = a;
  const hi = SU32[HI]! & 0x7fffffff;
  if (hi < 0x7ff00000 || (hi === 0x7ff00000 && SU32[LO] === 0)) return 0;
  return (hi & 0x00080000) !== 0 ? 1 : 2;
}

function minmax64(a: bigint, b: bigint, st: Int32Array, wantMax: boolean): bigint {
  const ka = nanKind64(a), kb = nanKind64(b);
  if (ka !== 0 || kb !== 0) {
    if (ka === 2 || kb === 2) st[0]! |= NV;
    if (ka !== 0 && kb !== 0) return CANON64;
    return BigInt.asIntN(64, ka !== 0 ? b : a);
  }
  const x = toF64(a), y = toF64(b);
  const sa = BigInt.asIntN(64, a), sb = BigInt.asIntN(64, b);
  if (x === y) return wantMax ? (sa < 0n ? sb : sa) : (sa < 0n ? sa : sb);
  return wantMax ? (x > y ? sa : sb) : (x < y ? sa : sb);
}

export function min64(a: bigint, b: bigint, st: Int32Array): bigint { return minmax64(a, b, st, false); }
export function max64(a: bigint, b: bigint, st: Int32Array): bigint { return minmax64(a, b, st, true); }

// ---------------------------------------------------------------------------
// Comparisons: feq signals NV only for sNaN; flt/fle for any NaN.

export function eq32(a: number, b: number, st: Int32Array): number {
  if (isNaN32(a) || isNaN32(b)) {
    if (isSNaN32(a) || isSNaN32(b)) st[0]! |= NV;
    return 0;
  }
  return toF32(a) === toF32(b) ? 1 : 0;
}

/** flt / fle on values as doubles (every f32 and f64 is one): any NaN is invalid and compares false. */
function ltN(x: number, y: number, st: Int32Array): number {
  if (x !== x || y !== y) { st[0]! |= NV; return 0; }
  return x < y ? 1 : 0;
}

function leN(x: number, y: number, st: Int32Array): number {
  if (x !== x || y !== y) { st[0]! |= NV; return 0; }
  return x <= y ? 1 : 0;
}

export function lt32(a: number, b: number, st: Int32Array): number { return ltN(toF32(a), toF32(b), st); }
export function le32(a: number, b: number, st: Int32Array): number { return leN(toF32(a), toF32(b), st); }

/** f64 compares on the register file (F: raw bits, FD: the same cells as doubles); NaNs take the bit-exact path. */
export function eq64reg(F: BigInt64Array, FD: Float64Array, rs1: number, rs2: number, st: Int32Array): number {
  const x = FD[rs1]!, y = FD[rs2]!;
  return x === x && y === y ? (x === y ? 1 : 0) : eq64(F[rs1]!, F[rs2]!, st);
}

export function lt64reg(_F: BigInt64Array, FD: Float64Array, rs1: number, rs2: number, st: Int32Array): number { return ltN(FD[rs1]!, FD[rs2]!, st); }
export function le64reg(_F: BigInt64Array, FD: Float64Array, rs1: number, rs2: number, st: Int32Array): number { return leN(FD[rs1]!, FD[rs2]!, st); }

export function eq64(a: bigint, b: bigint, st: Int32Array): number {
  const ka = nanKind64(a), kb = nanKind64(b);
  if (ka !== 0 || kb !== 0) {
    if (ka === 2 || kb === 2) st[0]! |= NV;
    return 0;
  }
  return toF64(a) === toF64(b) ? 1 : 0;
}

export function lt64(a: bigint, b: bigint, st: Int32Array): number { return ltN(toF64(a), toF64(b), st); }
export function le64(a: bigint, b: bigint, st: Int32Array): number { return leN(toF64(a), toF64(b), st); }

// ---------------------------------------------------------------------------
// fclass: bit 0 -inf, 1 -normal, 2 -subnormal, 3 -0, 4 +0, 5 +subnormal,
// 6 +normal, 7 +inf, 8 sNaN, 9 qNaN.

function classify(neg: boolean, expAllOnes: boolean, expZero: boolean, fracZero: boolean, quiet: boolean): number {
  if (expAllOnes) {
    if (fracZero) return neg ? 1 << 0 : 1 << 7;
    return quiet ? 1 << 9 : 1 << 8;
  }
  if (expZero) {
    if (fracZero) return neg ? 1 << 3 : 1 << 4;
    return neg ? 1 << 2 : 1 << 5;
  }
  return neg ? 1 << 1 : 1 << 6;
}

export function class32(a: number): number {
  a |= 0;
  const e = (a >>> 23) & 0xff;
  return classify(a < 0, e === 0xff, e === 0, (a & 0x7fffff) === 0, (a & 0x400000) !== 0);
}

export function class64(a: bigint): number {
  SI64[0] = a;
  const hi = SU32[HI]!, lo = SU32[LO]!;
  const e = (hi >>> 20) & 0x7ff;
  return classify(hi < 0, e === 0x7ff, e === 0, (hi & 0xfffff) === 0 && lo === 0, (hi & 0x80000) !== 0);
}

// ---------------------------------------------------------------------------
// Float -> integer. Every f32/f64 value is exactly a JS double, and rounding a
// double to an integer can be done exactly in double arithmetic, so these are
// exact without bigint. Out-of-range results (decided after rounding) saturate
// and raise NV only; NaN converts to the maximum positive value.

const TWO52 = 4503599627370496;
const TWO63 = 9223372036854775808;
const TWO64 = 18446744073709551616;

/** Round a double to an integral double under rm (exact). */
function roundToIntegral(x: number, rm: number): number {
  const t = Math.abs(x);
  if (!(t < TWO52)) return x; // already integral (or inf)
  switch (rm) {
    case 0: { const r = (t + TWO52) - TWO52; return x < 0 ? -r : r; }
    case 1: return Math.trunc(x);
    case 2: return Math.floor(x);
    case 3: return Math.ceil(x);
    default: {
      // ties away from zero; t - floor(t) is exact (floor(t + 0.5) is not)
      let r = Math.floor(t);
      if (t - r >= 0.5) r += 1;
      return x < 0 ? -r : r;
    }
  }
}

export function toI32(x: number, rm: number, st: Int32Array): number {
  if (x !== x) { st[0]! |= NV; return 0x7fffffff; }
  const r = roundToIntegral(x, rm);
  if (r > 2147483647) { st[0]! |= NV; return 0x7fffffff; }
  if (r < -2147483648) { st[0]! |= NV; return -2147483648; }
  if (r !== x) st[0]! |= NX;
  return r | 0;
}

export function toU32(x: number, rm: number, st: Int32Array): number {
  if (x !== x) { st[0]! |= NV; return -1; }
  const r = roundToIntegral(x, rm);
  if (r > 4294967295) { st[0]! |= NV; return -1; }
  if (r < 0) { st[0]! |= NV; return 0; }
  if (r !== x) st[0]! |= NX;
  return r | 0;
}

export function toI64(x: number, rm: number, st: Int32Array): bigint {
  if (x !== x) { st[0]! |= NV; return 0x7fffffffffffffffn; }
  const r = roundToIntegral(x, rm);
  if (r >= TWO63) { st[0]! |= NV; return 0x7fffffffffffffffn; }
  if (r < -TWO63) { st[0]! |= NV; return -0x8000000000000000n; }
  if (r !== x) st[0]! |= NX;
  return BigInt(r);
}

export function toU64(x: number, rm: number, st: Int32Array): bigint {
  if (x !== x) { st[0]! |= NV; return -1n; }
  const r = roundToIntegral(x, rm);
  if (r >= TWO64) { st[0]! |= NV; return -1n; }
  if (r < 0) { st[0]! |= NV; return 0n; }
  if (r !== x) st[0]! |= NX;
  return r < TWO63 ? BigInt(r) : BigInt.asIntN(64, BigInt(r));
}

export function cvt_w_s(a: number, rm: number, st: Int32Array): number { return toI32(toF32(a), rm, st); }
export function cvt_wu_s(a: number, rm: number, st: Int32Array): number { return toU32(toF32(a), rm, st); }
export function cvt_w_d(a: bigint, rm: number, st: Int32Array): number { return toI32(toF64(a), rm, st); }
export function cvt_wu_d(a: bigint, rm: number, st: Int32Array): number { return toU32(toF64(a), rm, st); }
export function cvt_l_s(a: number, rm: number, st: Int32Array): bigint { return toI64(toF32(a), rm, st); }
export function cvt_lu_s(a: number, rm: number, st: Int32Array): bigint { return toU64(toF32(a), rm, st); }
export function cvt_l_d(a: bigint, rm: number, st: Int32Array): bigint { return toI64(toF64(a), rm, st); }
export function cvt_lu_d(a: bigint, rm: number, st: Int32Array): bigint { return toU64(toF64(a), rm, st); }

// ---------------------------------------------------------------------------
// Integer -> float.

/** x: an integer-valued double with |x| <= 2^53 (exact). */
function smallIntTo32(x: number, rm: number, st: Int32Array): number {
  const r = Math.fround(x);
  if (r === x) return fromF32(r);
  if (rm === 0) { st[0]! |= NX; return fromF32(r); }
  return r32(X.fromInt(F32, x < 0 ? 1 : 0, BigInt(Math.abs(x)), rm, st));
}

export function cvt_s_w(a: number, rm: number, st: Int32Array): number { return smallIntTo32(a | 0, rm, st); }
export function cvt_s_wu(a: number, rm: number, st: Int32Array): number { return smallIntTo32(a >>> 0, rm, st); }

const TWO53N = 1n << 53n;

export function cvt_s_l(a: bigint, rm: number, st: Int32Array): number {
  const v = BigInt.asIntN(64, a);
  if (v <= TWO53N && v >= -TWO53N) return smallIntTo32(Number(v), rm, st);
  return v < 0n ? r32(X.fromInt(F32, 1, -v, rm, st)) : r32(X.fromInt(F32, 0, v, rm, st));
}

export function cvt_s_lu(a: bigint, rm: number, st: Int32Array): number {
  const v = BigInt.asUintN(64, a);
  if (v <= TWO53N) return smallIntTo32(Number(v), rm, st);
  return r32(X.fromInt(F32, 0, v, rm, st));
}

export function cvt_d_w(a: number, _rm: number, _st: Int32Array): bigint { return fromF64(a | 0); }
export function cvt_d_wu(a: number, _rm: number, _st: Int32Array): bigint { return fromF64(a >>> 0); }

export function cvt_d_l(a: bigint, rm: number, st: Int32Array): bigint {
  const v = BigInt.asIntN(64, a);
  if (v <= TWO53N && v >= -TWO53N) return fromF64(Number(v));
  if (rm === 0) {
    const x = Number(v); // correctly rounded (RNE)
    if (BigInt(x) !== v) st[0]! |= NX;
    return fromF64(x);
  }
  return v < 0n ? r64(X.fromInt(F64, 1, -v, rm, st)) : r64(X.fromInt(F64, 0, v, rm, st));
}

export function cvt_d_lu(a: bigint, rm: number, st: Int32Array): bigint {
  const v = BigInt.asUintN(64, a);
  if (v <= TWO53N) return fromF64(Number(v));
  if (rm === 0) {
    const x = Number(v);
    if (BigInt(x) !== v) st[0]! |= NX;
    return fromF64(x);
  }
  return r64(X.fromInt(F64, 0, v, rm, st));
}

// ---------------------------------------------------------------------------
// f32 <-> f64.

export function cvt_d_s(a: number, st: Int32Array): bigint {
  if (isNaN32(a)) {
    if ((a & 0x00400000) === 0) st[0]! |= NV;
    return CANON64;
  }
  return fromF64(toF32(a));
}

export function cvt_s_d(a: bigint, rm: number, st: Int32Array): number {
  if (rm === 0) {
    const x = toF64(a);
    const r = Math.fround(x);
    const ar = Math.abs(r);
    if ((ar > MIN_NORMAL32 && ar !== Infinity) || x === 0) {
      if (r !== x) st[0]! |= NX;
      return fromF32(r);
    }
  }
  return r32(X.convert(F32, u64(a), rm, st));
}

/** Internal: the exact path, exported for tests. */
export const exactPath = {
  add32: (a: number, b: number, rm: number, st: Int32Array): number => r32(X.add(F32, u32(a), u32(b), rm, st)),
  sub32: (a: number, b: number, rm: number, st: Int32Array): number => r32(X.sub(F32, u32(a), u32(b), rm, st)),
  mul32: (a: number, b: number, rm: number, st: Int32Array): number => r32(X.mul(F32, u32(a), u32(b), rm, st)),
  div32: (a: number, b: number, rm: number, st: Int32Array): number => r32(X.div(F32, u32(a), u32(b), rm, st)),
  sqrt32: (a: number, rm: number, st: Int32Array): number => r32(X.sqrt(F32, u32(a), rm, st)),
  fma32: (a: number, b: number, c: number, rm: number, st: Int32Array): number =>
    r32(X.fma(F32, u32(a), u32(b), u32(c), rm, st)),
  add64: (a: bigint, b: bigint, rm: number, st: Int32Array): bigint => r64(X.add(F64, u64(a), u64(b), rm, st)),
  sub64: (a: bigint, b: bigint, rm: number, st: Int32Array): bigint => r64(X.sub(F64, u64(a), u64(b), rm, st)),
  mul64: (a: bigint, b: bigint, rm: number, st: Int32Array): bigint => r64(X.mul(F64, u64(a), u64(b), rm, st)),
  div64: (a: bigint, b: bigint, rm: number, st: Int32Array): bigint => r64(X.div(F64, u64(a), u64(b), rm, st)),
  sqrt64: (a: bigint, rm: number, st: Int32Array): bigint => r64(X.sqrt(F64, u64(a), rm, st)),
  fma64: (a: bigint, b: bigint, c: bigint, rm: number, st: Int32Array): bigint =>
    r64(X.fma(F64, u64(a), u64(b), u64(c), rm, st)),
  cvt_s_d: (a: bigint, rm: number, st: Int32Array): number => r32(X.convert(F32, u64(a), rm, st)),
};


export function sqrt64reg(F: BigInt64Array, FD: Float64Array, rd: number, rs1: number, rm: number, st: Int32Array): void {
  const r = sqrt64n(FD[rs1]!, rm, st);
  if (r === r) FD[rd] = r; else F[rd] = r64(X.sqrt(F64, u64(F[rs1]!), rm, st));
}

/** fma with optional sign flips of the product (`negA`) and the addend (`negC`), as fmsub/fnmsub/fnmadd need. */
export function fma64reg(F: BigInt64Array, FD: Float64Array, rd: number, rs1: number, rs2: number, rs3: number,
  negA: boolean, negC: boolean, rm: number, st: Int32Array): void {
  const x = FD[rs1]!, z = FD[rs3]!;
  const r = fma64n(negA ? -x : x, FD[rs2]!, negC ? -z : z, rm, st);
  if (r === r) { FD[rd] = r; return; }
  const SIGN = -0x8000000000000000n;
  const a = negA ? F[rs1]! ^ SIGN : F[rs1]!, c = negC ? F[rs3]! ^ SIGN : F[rs3]!;
  F[rd] = r64(X.fma(F64, u64(a), u64(F[rs2]!), u64(c), rm, st));
}
