// Fast paths vs exact path: for many random operands (mostly in the range
// where the fast paths answer), in all five rounding modes plus structured near-tie / cancellation
// cases), the public API must agree bit-for-bit and flag-for-flag with the
// exact path, which is itself checked against hardware vectors.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as sf from '../../src/isa/riscv/fp/softfloat.js';

const X = sf.exactPath;

let seed = 0x2545f4914f6cdd1dn;
function rnd64(): bigint {
  // xorshift64*
  seed ^= seed >> 12n;
  seed ^= (seed << 25n) & 0xffffffffffffffffn;
  seed ^= seed >> 27n;
  return (seed * 0x2545f4914f6cdd1dn) & 0xffffffffffffffffn;
}
const rndInt = (n: number): number => Number(rnd64() % BigInt(n));

const buf = new ArrayBuffer(8);
const f64 = new Float64Array(buf);
const i64 = new BigInt64Array(buf);
const f32 = new Float32Array(buf, 0, 1);
const i32 = new Int32Array(buf, 0, 1);

function frac(bits: number): bigint {
  const r = rnd64() & ((1n << BigInt(bits)) - 1n);
  switch (rndInt(5)) {
    case 0: return r & ~((1n << BigInt(rndInt(bits))) - 1n);
    case 1: return (r | ((1n << BigInt(rndInt(bits))) - 1n)) & ((1n << BigInt(bits)) - 1n);
    default: return r;
  }
}

/** random f64 pattern with unbiased exponent in [lo, hi] */
function d(lo: number, hi: number): bigint {
  const e = lo + rndInt(hi - lo + 1);
  const s = rndInt(2) ? 1n << 63n : 0n;
  return BigInt.asIntN(64, s | (BigInt(e + 1023) << 52n) | frac(52));
}
/** random f32 pattern with unbiased exponent in [lo, hi] */
function s(lo: number, hi: number): number {
  const e = lo + rndInt(hi - lo + 1);
  return ((rndInt(2) << 31) | ((e + 127) << 23) | Number(frac(23))) | 0;
}

const INF64 = 0x7ff0000000000000n;
const dval = (b: bigint): number => { i64[0] = b; return f64[0]!; };
const dbits = (v: number): bigint => { f64[0] = v; return i64[0]!; };
const sval = (b: number): number => { i32[0] = b; return f32[0]!; };
const sbits = (v: number): number => { f32[0] = v; return i32[0]!; };

function agree<T>(name: string, n: number, gen: () => unknown[], fast: (...a: any[]) => T, slow: (...a: any[]) => T): void {
  const st1 = new Int32Array(1), st2 = new Int32Array(1);
  const bad: string[] = [];
  for (let i = 0; i < n; i++) {
    const args = gen();
    for (let rm = 0; rm <= 4; rm++) {
      st1[0] = 0; st2[0] = 0;
      const r1 = fast(...args, rm, st1);
      const r2 = slow(...args, rm, st2);
      if (r1 !== r2 || st1[0] !== st2[0]) {
        bad.push(`${name}(${args.map((a) => (typeof a === 'bigint' ? BigInt.asUintN(64, a) : (a as number) >>> 0).toString(16)).join(', ')}) rm=${rm}: fast ${String(r1)}/${st1[0]} exact ${String(r2)}/${st2[0]}`);
      }
    }
    if (bad.length > 10) break;
  }
  assert.equal(bad.length, 0, bad.join('\n'));
}

const N = 3000;

test('f64 fast paths agree with the exact path (all rounding modes)', () => {
  agree('add64', N, () => [d(-40, 40), rndInt(4) ? d(-40, 40) : d(-200, 200)], sf.add64, X.add64);
  agree('add64 cancel', N, () => { const a = d(-40, 40); return [a, dbits(-dval(a) * (1 + (rndInt(9) - 4) * 2 ** -52))]; }, sf.add64, X.add64);
  agree('sub64', N, () => [d(-40, 40), d(-40, 40)], sf.sub64, X.sub64);
  agree('mul64', N, () => [d(-300, 300), d(-300, 300)], sf.mul64, X.mul64);
  agree('mul64 short', N, () => [dbits(rndInt(1 << 26) * 2 ** (rndInt(40) - 20)), dbits((rndInt(1 << 27) | 1) * 2 ** (rndInt(40) - 20))], sf.mul64, X.mul64);
  agree('div64', N, () => [d(-300, 300), d(-300, 300)], sf.div64, X.div64);
  agree('div64 exact', N, () => { const b = d(-30, 30); return [dbits(dval(b) * rndInt(1 << 20)), b]; }, sf.div64, X.div64);
  agree('sqrt64', N, () => [dbits(Math.abs(dval(d(-900, 900))))], sf.sqrt64, X.sqrt64);
  agree('sqrt64 squares', N, () => { const r = rndInt(1 << 26) * 2 ** (rndInt(60) - 30); return [dbits(r * r)]; }, sf.sqrt64, X.sqrt64);
  agree('fma64', N, () => [d(-60, 60), d(-60, 60), d(-130, 130)], sf.fma64, X.fma64);
  agree('fma64 cancel', N, () => {
    const a = d(-60, 60), b = d(-60, 60);
    const p = dval(a) * dval(b);
    return [a, b, dbits(-p * (1 + (rndInt(5) - 2) * 2 ** -52))];
  }, sf.fma64, X.fma64);
  agree('fma64 zero', N, () => {
    const a = d(-60, 60), b = d(-60, 60), z = rndInt(2) ? 0n : -(1n << 63n);
    const k = rndInt(3);
    return k === 0 ? [z, b, rndInt(2) ? z : d(-60, 60)] : k === 1 ? [a, b, dbits(-(dval(a) * dval(b)))]
      : [a, z, z ^ (BigInt(rndInt(2)) << 63n)];
  }, sf.fma64, X.fma64);
  agree('fma64 exact zero', N, () => {
    const a = dbits(rndInt(1 << 20) * 2 ** (rndInt(20) - 10)), b = dbits(rndInt(1 << 20));
    return [a, b, dbits(-dval(a) * dval(b))];
  }, sf.fma64, X.fma64);
  agree('div64/sqrt64 zero', N, () => [rndInt(2) ? 0n : -(1n << 63n), rndInt(3) ? d(-30, 30) : INF64 | (BigInt(rndInt(2)) << 63n)], sf.div64, X.div64);
  agree('sqrt64 zero', 20, () => [rndInt(2) ? 0n : -(1n << 63n)], sf.sqrt64, X.sqrt64);
  agree('add64 zero', N, () => { const a = d(-30, 30); return [a, rndInt(2) ? -dval(a) === 0 ? a : dbits(-dval(a)) : BigInt(rndInt(2)) << 63n]; }, sf.add64, X.add64);
  agree('mul64 range edges', N, () => [d(-500, -400), d(-600, -500)], sf.mul64, X.mul64);
  agree('fma64 ties', N, () => {
    // short significands: products exact-ish, addend on half-ulp boundaries
    const a = dbits((rndInt(1 << 26) | 1) * 2 ** (rndInt(20) - 10));
    const b = dbits((rndInt(1 << 28) | 1) * 2 ** (rndInt(20) - 10));
    const p = dval(a) * dval(b);
    const e = Math.floor(Math.log2(Math.abs(p)));
    return [a, b, dbits((rndInt(7) - 3) * 2 ** (e - 53 - rndInt(3)) + (rndInt(2) ? 0 : 2 ** (e - 120)))];
  }, sf.fma64, X.fma64);
});

test('f32 fast paths agree with the exact path (all rounding modes)', () => {
  agree('add32', N, () => [s(-30, 30), rndInt(4) ? s(-30, 30) : s(-120, 120)], sf.add32, X.add32);
  agree('sub32', N, () => [s(-30, 30), s(-30, 30)], sf.sub32, X.sub32);
  agree('mul32', N, () => [s(-70, 70), s(-70, 70)], sf.mul32, X.mul32);
  agree('div32', N, () => [s(-70, 70), s(-70, 70)], sf.div32, X.div32);
  agree('sqrt32', N, () => [s(-126, 127) & 0x7fffffff], sf.sqrt32, X.sqrt32);
  agree('fma32', N, () => [s(-30, 30), s(-30, 30), s(-70, 70)], sf.fma32, X.fma32);
  agree('fma32 ties', N, () => {
    const a = sbits((rndInt(1 << 12) | 1) * 2 ** (rndInt(20) - 10));
    const b = sbits((rndInt(1 << 13) | 1) * 2 ** (rndInt(20) - 10));
    const p = sval(a) * sval(b);
    const e = Math.floor(Math.log2(Math.abs(p)));
    return [a, b, sbits((rndInt(7) - 3) * 2 ** (e - 24) + (rndInt(2) ? 0 : (rndInt(2) ? 1 : -1) * 2 ** (e - 48)))];
  }, sf.fma32, X.fma32);
  agree('fma32 cancel', N, () => {
    const a = s(-30, 30), b = s(-30, 30);
    return [a, b, sbits(-Math.fround(sval(a) * sval(b)))];
  }, sf.fma32, X.fma32);
  agree('fma32 zero', N, () => {
    const a = s(-30, 30), b = s(-30, 30), z = rndInt(2) ? 0 : (1 << 31);
    const k = rndInt(4);
    return k === 0 ? [z, b, rndInt(2) ? z : s(-30, 30)] : k === 1 ? [a, b, sbits(-(sval(a) * sval(b)))]
      : k === 2 ? [a, z, z ^ (rndInt(2) << 31)] : [sbits(3), sbits(1 / 3), sbits(-1)];
  }, sf.fma32, X.fma32);
  agree('div32/sqrt32 zero', N, () => [rndInt(2) ? 0 : 1 << 31, rndInt(3) ? s(-30, 30) : 0x7f800000 | (rndInt(2) << 31)], sf.div32, X.div32);
  agree('sqrt32 zero', 20, () => [rndInt(2) ? 0 : 1 << 31], sf.sqrt32, X.sqrt32);
  agree('add32 zero', N, () => { const a = s(-30, 30); return [a, rndInt(2) ? a ^ (1 << 31) : rndInt(2) << 31]; }, sf.add32, X.add32);
  agree('mul32 boundary', N, () => [s(-80, -40), s(-90, -80)], sf.mul32, X.mul32);
  agree('mul32 max', N, () => [s(120, 127), sbits(1 + (rndInt(4) - 2) * 2 ** -23)], sf.mul32, X.mul32);
  agree('cvt_s_d', N, () => [d(-160, 160)], sf.cvt_s_d, X.cvt_s_d);
});
