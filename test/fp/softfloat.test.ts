// Golden-vector tests for the RISC-V F/D arithmetic library.
//
// The vectors in test/fp/vectors/*.txt were produced by tools/fp-oracle/gen.c
// on x86-64 hardware (see tools/fp-oracle/regenerate.sh). Every case is run
// through the public API (fast paths in RNE) and, for arithmetic, through the
// exact path too. RMM has no x86 mode: for every operand tuple the RMM result
// is derived from the RNE/RTZ/RDN/RUP results plus an independent exact
// "is the value a tie?" check, and compared with the library.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import * as sf from '../../src/isa/riscv/fp/softfloat.js';

function vectorsDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  // FP_VECTORS_DIR: run against another (e.g. larger, freshly generated) vector set
  if (process.env.FP_VECTORS_DIR) return path.resolve(process.env.FP_VECTORS_DIR);
  for (const cand of [path.resolve(here, '../../../test/fp/vectors'), path.resolve(here, 'vectors'),
    path.resolve(process.cwd(), 'test/fp/vectors')]) {
    if (existsSync(path.join(cand, 'arith32.txt'))) return cand;
  }
  throw new Error('test/fp/vectors not found');
}

interface Vec {
  op: string;
  rm: number;
  ops: bigint[];    // operand patterns (unsigned)
  res: bigint;      // expected result pattern (unsigned, 32 or 64 bit as printed)
  flags: number;
  line: string;
}

function load(file: string): Vec[] {
  const text = readFileSync(path.join(vectorsDir(), file), 'utf8');
  const out: Vec[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    const p = line.split(' ');
    out.push({
      op: p[0]!, rm: Number(p[1]), ops: p.slice(2, p.length - 2).map((h) => BigInt('0x' + h)),
      res: BigInt('0x' + p[p.length - 2]!), flags: parseInt(p[p.length - 1]!, 16), line,
    });
  }
  return out;
}

const s32 = (v: bigint): number => Number(BigInt.asIntN(32, v));
const s64 = (v: bigint): bigint => BigInt.asIntN(64, v);

type Runner = (ops: bigint[], rm: number, st: Int32Array) => bigint;

// Each runner returns the result as an unsigned pattern of the printed width.
const u32r = (x: number): bigint => BigInt(x >>> 0);
const u64r = (x: bigint): bigint => BigInt.asUintN(64, x);

const api: Record<string, Runner> = {
  'add.s': (o, rm, st) => u32r(sf.add32(s32(o[0]!), s32(o[1]!), rm, st)),
  'sub.s': (o, rm, st) => u32r(sf.sub32(s32(o[0]!), s32(o[1]!), rm, st)),
  'mul.s': (o, rm, st) => u32r(sf.mul32(s32(o[0]!), s32(o[1]!), rm, st)),
  'div.s': (o, rm, st) => u32r(sf.div32(s32(o[0]!), s32(o[1]!), rm, st)),
  'sqrt.s': (o, rm, st) => u32r(sf.sqrt32(s32(o[0]!), rm, st)),
  'fma.s': (o, rm, st) => u32r(sf.fma32(s32(o[0]!), s32(o[1]!), s32(o[2]!), rm, st)),
  'add.d': (o, rm, st) => u64r(sf.add64(s64(o[0]!), s64(o[1]!), rm, st)),
  'sub.d': (o, rm, st) => u64r(sf.sub64(o[0]!, o[1]!, rm, st)), // unsigned form: low 64 bits used
  'mul.d': (o, rm, st) => u64r(sf.mul64(s64(o[0]!), s64(o[1]!), rm, st)),
  'div.d': (o, rm, st) => u64r(sf.div64(s64(o[0]!), s64(o[1]!), rm, st)),
  'sqrt.d': (o, rm, st) => u64r(sf.sqrt64(s64(o[0]!), rm, st)),
  'fma.d': (o, rm, st) => u64r(sf.fma64(s64(o[0]!), s64(o[1]!), s64(o[2]!), rm, st)),
  'cvt.w.s': (o, rm, st) => u64r(BigInt(sf.cvt_w_s(s32(o[0]!), rm, st))),
  'cvt.wu.s': (o, rm, st) => u64r(BigInt(sf.cvt_wu_s(s32(o[0]!), rm, st))),
  'cvt.l.s': (o, rm, st) => u64r(sf.cvt_l_s(s32(o[0]!), rm, st)),
  'cvt.lu.s': (o, rm, st) => u64r(sf.cvt_lu_s(s32(o[0]!), rm, st)),
  'cvt.w.d': (o, rm, st) => u64r(BigInt(sf.cvt_w_d(s64(o[0]!), rm, st))),
  'cvt.wu.d': (o, rm, st) => u64r(BigInt(sf.cvt_wu_d(s64(o[0]!), rm, st))),
  'cvt.l.d': (o, rm, st) => u64r(sf.cvt_l_d(s64(o[0]!), rm, st)),
  'cvt.lu.d': (o, rm, st) => u64r(sf.cvt_lu_d(s64(o[0]!), rm, st)),
  'cvt.s.w': (o, rm, st) => u32r(sf.cvt_s_w(s32(o[0]!), rm, st)),
  'cvt.s.wu': (o, rm, st) => u32r(sf.cvt_s_wu(s32(o[0]!), rm, st)),
  'cvt.s.l': (o, rm, st) => u32r(sf.cvt_s_l(s64(o[0]!), rm, st)),
  'cvt.s.lu': (o, rm, st) => u32r(sf.cvt_s_lu(s64(o[0]!), rm, st)),
  'cvt.d.w': (o, rm, st) => u64r(sf.cvt_d_w(s32(o[0]!), rm, st)),
  'cvt.d.wu': (o, rm, st) => u64r(sf.cvt_d_wu(Number(BigInt.asUintN(32, o[0]!)), rm, st)),
  'cvt.d.l': (o, rm, st) => u64r(sf.cvt_d_l(s64(o[0]!), rm, st)),
  'cvt.d.lu': (o, rm, st) => u64r(sf.cvt_d_lu(o[0]!, rm, st)),
  'cvt.s.d': (o, rm, st) => u32r(sf.cvt_s_d(s64(o[0]!), rm, st)),
  'cvt.d.s': (o, _rm, st) => u64r(sf.cvt_d_s(s32(o[0]!), st)),
};

const X = sf.exactPath;
const exact: Record<string, Runner> = {
  'add.s': (o, rm, st) => u32r(X.add32(s32(o[0]!), s32(o[1]!), rm, st)),
  'sub.s': (o, rm, st) => u32r(X.sub32(s32(o[0]!), s32(o[1]!), rm, st)),
  'mul.s': (o, rm, st) => u32r(X.mul32(s32(o[0]!), s32(o[1]!), rm, st)),
  'div.s': (o, rm, st) => u32r(X.div32(s32(o[0]!), s32(o[1]!), rm, st)),
  'sqrt.s': (o, rm, st) => u32r(X.sqrt32(s32(o[0]!), rm, st)),
  'fma.s': (o, rm, st) => u32r(X.fma32(s32(o[0]!), s32(o[1]!), s32(o[2]!), rm, st)),
  'add.d': (o, rm, st) => u64r(X.add64(s64(o[0]!), s64(o[1]!), rm, st)),
  'sub.d': (o, rm, st) => u64r(X.sub64(s64(o[0]!), s64(o[1]!), rm, st)),
  'mul.d': (o, rm, st) => u64r(X.mul64(s64(o[0]!), s64(o[1]!), rm, st)),
  'div.d': (o, rm, st) => u64r(X.div64(s64(o[0]!), s64(o[1]!), rm, st)),
  'sqrt.d': (o, rm, st) => u64r(X.sqrt64(s64(o[0]!), rm, st)),
  'fma.d': (o, rm, st) => u64r(X.fma64(s64(o[0]!), s64(o[1]!), s64(o[2]!), rm, st)),
  'cvt.s.d': (o, rm, st) => u32r(X.cvt_s_d(s64(o[0]!), rm, st)),
};

// ---------------------------------------------------------------------------
// Independent exact arithmetic for the RMM tie check: values as n * 2^e.

interface Q { n: bigint; e: number }

function decode(bits: bigint, width: number): Q | null {
  const p = width === 32 ? 24 : 53, ebits = width === 32 ? 8 : 11;
  const bias = (1 << (ebits - 1)) - 1;
  const frac = bits & ((1n << BigInt(p - 1)) - 1n);
  const be = Number((bits >> BigInt(p - 1)) & BigInt((1 << ebits) - 1));
  const neg = ((bits >> BigInt(width - 1)) & 1n) === 1n;
  if (be === (1 << ebits) - 1) return null;
  const n = be === 0 ? frac : frac | (1n << BigInt(p - 1));
  const e = (be === 0 ? 1 : be) - bias - (p - 1);
  return { n: neg ? -n : n, e };
}

const qmul = (a: Q, b: Q): Q => ({ n: a.n * b.n, e: a.e + b.e });
function qadd(a: Q, b: Q): Q {
  const e = Math.min(a.e, b.e);
  return { n: (a.n << BigInt(a.e - e)) + (b.n << BigInt(b.e - e)), e };
}
const qneg = (a: Q): Q => ({ n: -a.n, e: a.e });
const qeq = (a: Q, b: Q): boolean => qadd(a, qneg(b)).n === 0n;
const qint = (v: bigint): Q => ({ n: v, e: 0 });
const qhalf = (a: Q): Q => ({ n: a.n, e: a.e - 1 });

const isInfOrNaN = (bits: bigint, width: number): boolean => decode(bits, width) === null;

/** Is the exact result of the vector's operation equal to m? null = can't tell. */
function exactEquals(op: string, o: bigint[], m: Q): boolean | null {
  const w = op.endsWith('.s') && !op.startsWith('cvt') ? 32 : 64;
  if (op.startsWith('cvt.')) {
    if (op === 'cvt.s.d') { const a = decode(o[0]!, 64); return a && qeq(a, m); }
    const src = op.split('.')[2]!;
    const v = src === 'w' ? BigInt.asIntN(32, o[0]!) : src === 'wu' ? BigInt.asUintN(32, o[0]!)
      : src === 'l' ? BigInt.asIntN(64, o[0]!) : BigInt.asUintN(64, o[0]!);
    return qeq(qint(v), m);
  }
  const [a, b, c] = o.map((x) => decode(x, w));
  if (!a || (o.length > 1 && !b) || (o.length > 2 && !c)) return null;
  switch (op.split('.')[0]) {
    case 'add': return qeq(qadd(a, b!), m);
    case 'sub': return qeq(qadd(a, qneg(b!)), m);
    case 'mul': return qeq(qmul(a, b!), m);
    case 'div': return qeq(a, qmul(m, b!));
    case 'sqrt': return qeq(a, qmul(m, m));
    case 'fma': return qeq(qadd(qmul(a, b!), c!), m);
  }
  return null;
}

function resultWidth(op: string): number {
  if (op.startsWith('cvt.s.')) return 32;
  if (op.startsWith('cvt.d.')) return 64;
  if (op.startsWith('cvt.')) return 0; // integer result
  return op.endsWith('.s') ? 32 : 64;
}

/** Expected RMM result for one operand tuple, given its four x86-mode vectors. */
function rmmExpectation(g: Vec[]): { res: bigint; flags: number } {
  const [rne, rtz, rdn, rup] = g as [Vec, Vec, Vec, Vec];
  const op = rne.op;
  const notTie = { res: rne.res, flags: rne.flags };
  const w = resultWidth(op);
  if (w === 0) {
    // (no shortcut on equal directed results here: saturation can hide a tie)
    // float -> int: a tie iff the fraction is exactly one half
    const src = op.endsWith('.s') ? 32 : 64;
    const a = decode(rne.ops[0]!, src);
    if (!a) return notTie;
    const twice = { n: a.n, e: a.e + 1 }; // 2x is an odd integer <=> tie
    const isTie = twice.e > 0 ? false : (() => {
      const sh = BigInt(-twice.e);
      const n = twice.n < 0n ? -twice.n : twice.n;
      return (n & ((1n << sh) - 1n)) === 0n && ((n >> sh) & 1n) === 1n;
    })();
    if (!isTie) return notTie;
    const away = a.n < 0n ? rdn : rup;
    return { res: away.res, flags: away.flags };
  }
  if (rtz.res === rdn.res && rtz.res === rup.res) return notTie; // exact or special
  if (isInfOrNaN(rne.res, w)) return notTie; // overflow ties go to inf in both
  const neg = ((rtz.res >> BigInt(w - 1)) & 1n) === 1n;
  const away = neg ? rdn : rup;
  const lo = decode(rtz.res, w)!;
  const hi = decode(away.res, w);
  if (!hi) return notTie;
  if (exactEquals(op, rne.ops, qhalf(qadd(lo, hi)))) return { res: away.res, flags: away.flags };
  return notTie;
}

const fmtHex = (v: bigint): string => v.toString(16);

function runFile(file: string): void {
  const vecs = load(file);
  const byOp = new Map<string, Vec[]>();
  for (const v of vecs) {
    let l = byOp.get(v.op);
    if (!l) byOp.set(v.op, (l = []));
    l.push(v);
  }
  for (const [op, list] of byOp) {
    test(`${file}: ${op} (${list.length} vectors + RMM)`, () => {
      const fn = api[op];
      assert.ok(fn, `no runner for ${op}`);
      const ex = exact[op];
      const failures: string[] = [];
      const st = new Int32Array(1);
      const check = (what: string, v: Vec, run: Runner, rm: number, res: bigint, flags: number): void => {
        st[0] = 0;
        const got = run(v.ops, rm, st);
        if (got !== res || st[0] !== flags) {
          failures.push(`${what} rm=${rm} [${v.line}] expected ${fmtHex(res)}/${flags.toString(16)} got ${fmtHex(got)}/${st[0]!.toString(16)}`);
        }
        // flags accrue: never cleared
        st[0] = 0x1f;
        run(v.ops, rm, st);
        if (st[0] !== 0x1f) failures.push(`${what} cleared flags [${v.line}]`);
      };
      for (const v of list) {
        check('api', v, fn, v.rm, v.res, v.flags);
        if (ex) check('exact', v, ex, v.rm, v.res, v.flags);
      }
      // RMM: group the four consecutive modes of each operand tuple.
      for (let i = 0; i + 3 < list.length; i += 4) {
        const g = list.slice(i, i + 4);
        assert.deepEqual(g.map((v) => v.rm), [0, 1, 2, 3], 'vectors come in groups of four modes');
        const e = rmmExpectation(g);
        check('rmm', g[0]!, fn, 4, e.res, e.flags);
        if (ex) check('rmm-exact', g[0]!, ex, 4, e.res, e.flags);
      }
      assert.equal(failures.length, 0, `${failures.length} failures:\n${failures.slice(0, 15).join('\n')}`);
    });
  }
}

runFile('arith32.txt');
runFile('arith64.txt');
runFile('cvt.txt');
