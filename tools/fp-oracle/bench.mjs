// Micro-benchmark of the softfloat entry points (not a test).
// Usage: npx tsc -p . && node tools/fp-oracle/bench.mjs [op...]
// Prints ns/op (best of several repetitions; each op in its own process so the
// call sites stay monomorphic) for the fast paths and, for comparison, the
// exact path (forced with subnormal/huge operands). Measures process CPU time,
// but still noisy on a loaded machine.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as sf from '../../dist/src/isa/riscv/fp/softfloat.js';

const N = 1 << 12;
const buf = new ArrayBuffer(8);
const f64 = new Float64Array(buf), i64 = new BigInt64Array(buf);
const f32 = new Float32Array(buf, 0, 1), i32 = new Int32Array(buf, 0, 1);
let seed = 12345;
const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) | 0) >>> 0) / 2 ** 32;
const val = () => (rnd() - 0.5) * 2 ** Math.floor(rnd() * 40 - 20); // typical magnitudes
const D = [], S = [];
for (let i = 0; i < N; i++) {
  f64[0] = val(); D.push(i64[0]);
  f32[0] = val(); S.push(i32[0]);
}
// subnormal operands force the exact (bigint) path
const T = D.map((b) => b & 0x800fffffffffffffn);
const H = D.map((b) => (b & 0x800fffffffffffffn) | (0x7fen << 52n)); // sums near overflow
const st = new Int32Array(1);
const M = N - 1;

const ops = {
  'baseline (bits->f64->bits)': [(i) => { i64[0] = D[i]; f64[0] = f64[0] * 1; return i64[0]; }, 3e6],
  add64: [(i) => sf.add64(D[i], D[(i * 7 + 3) & M], 0, st), 3e6],
  mul64: [(i) => sf.mul64(D[i], D[(i * 7 + 3) & M], 0, st), 3e6],
  div64: [(i) => sf.div64(D[i], D[(i * 7 + 3) & M], 0, st), 3e6],
  sqrt64: [(i) => sf.sqrt64(D[i] & 0x7fffffffffffffffn, 0, st), 3e6],
  fma64: [(i) => sf.fma64(D[i], D[(i * 7 + 3) & M], D[(i * 13 + 5) & M], 0, st), 3e6],
  add32: [(i) => sf.add32(S[i], S[(i * 7 + 3) & M], 0, st), 3e6],
  mul32: [(i) => sf.mul32(S[i], S[(i * 7 + 3) & M], 0, st), 3e6],
  div32: [(i) => sf.div32(S[i], S[(i * 7 + 3) & M], 0, st), 3e6],
  fma32: [(i) => sf.fma32(S[i], S[(i * 7 + 3) & M], S[(i * 13 + 5) & M], 0, st), 3e6],
  'add64 RTZ': [(i) => sf.add64(D[i], D[(i * 7 + 3) & M], 1, st), 3e6],
  'mul64 RDN': [(i) => sf.mul64(D[i], D[(i * 7 + 3) & M], 2, st), 3e6],
  'fma64 RUP': [(i) => sf.fma64(D[i], D[(i * 7 + 3) & M], D[(i * 13 + 5) & M], 3, st), 3e6],
  'add64 (exact path)': [(i) => sf.add64(H[i], H[(i * 7 + 3) & M], 0, st), 2e5],
  'mul64 (exact path)': [(i) => sf.mul64(T[i], D[(i * 7 + 3) & M], 0, st), 2e5],
  'div64 (exact path)': [(i) => sf.div64(T[i], D[(i * 7 + 3) & M], 0, st), 2e5],
  'fma64 (exact path)': [(i) => sf.fma64(T[i], D[(i * 7 + 3) & M], T[(i * 13 + 5) & M], 0, st), 2e5],
};

function run(name) {
  const [fn, iters] = ops[name];
  let best = Infinity, sink = 0;
  for (let rep = 0; rep < 6; rep++) {
    // CPU time of this process (less sensitive to other load than wall time)
    const c0 = process.cpuUsage();
    for (let i = 0; i < iters; i++) if (fn(i & M) === 12345) sink++;
    const c = process.cpuUsage(c0);
    best = Math.min(best, ((c.user + c.system) * 1000) / iters);
  }
  console.log(`${name.padEnd(28)} ${best.toFixed(1).padStart(8)} ns/op${sink ? ' ' : ''}`);
}

const args = process.argv.slice(2);
if (args[0] === '--one') run(args[1]);
else {
  const self = fileURLToPath(import.meta.url);
  for (const name of args.length ? args : Object.keys(ops)) {
    process.stdout.write(execFileSync(process.execPath, [self, '--one', name]));
  }
}
