/**
 * The translator: precise traps inside translated blocks, self-modifying code, code-cache
 * eviction, agreement with the interpreter, and golden generated code for a few blocks (so a
 * change in code generation shows up in review).
 */
import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { UserCsrs } from '../../src/machine/csr.js';
import { MAPPED, PROT_R, PROT_W, PROT_X } from '../../src/machine/memory.js';
import { Cause } from '../../src/machine/trap.js';
import { Interpreter } from '../../src/engines/interpreter/interpreter.js';
import { Translator } from '../../src/engines/translator/translator.js';
import { translateForCheck } from '../../src/engines/translator/block-codegen.js';
import { FLAT_MODEL } from '../../src/engines/codegen/vocabulary.js';
import { SYSTEM_MODEL } from '../../src/engines/codegen/system-vocabulary.js';
import { INSNS } from '../../src/isa/riscv/instructions.js';
import { isFpOp } from '../../src/isa/riscv/typed-ops.js';
import { encI, encR, encS } from '../../src/isa/riscv/encoding.js';
import { add, addi, bne, CODE_AT, DATA_AT, ECALL, flatMachine, ld, lui, lw, sd, sw } from '../support/asm.js';
import { REPO, runProcess, UNIVM } from '../support/repo.js';

type Backend = 'js' | 'wasm';

/** A translator over a flat machine; `wasm`: in a WebAssembly memory, where integer blocks become WebAssembly. */
function machineOn(code: number[], opts: { maxBlocks?: number; backend?: Backend } = {}) {
  const { hart, mem } = flatMachine(code, PROT_R | PROT_W | PROT_X, { wasm: opts.backend === 'wasm' });
  const jit = new Translator(hart, mem, new UserCsrs(hart), { hotThreshold: 1, maxBlocks: opts.maxBlocks });
  return { hart, mem, jit };
}

for (const backend of ['js', 'wasm'] as const) describe(`translator (${backend} backend)`, () => {
  const machine = (code: number[], opts: { maxBlocks?: number } = {}) => {
    const m = machineOn(code, { ...opts, backend });
    made.push(m.jit);
    return m;
  };
  const made: Translator[] = [];
  after(() => {
    const wasm = made.reduce((n, j) => n + j.stats.wasmCompiles, 0);
    assert.ok(backend === 'wasm' ? wasm > 0 : wasm === 0, `${wasm} WebAssembly compiles on the ${backend} backend`);
  });

  it('a fault in the middle of a translated block is precise', () => {
    const { hart, jit } = machine([addi(10, 10, 1), lw(11, 0, 0), addi(10, 10, 1), ECALL]);
    const exit = jit.run(100);
    assert.deepEqual(exit, { kind: 'trap', cause: Cause.LoadPageFault, tval: 0n });
    assert.equal(hart.pc, CODE_AT + 4);
    assert.equal(hart.x[10], 1n);
    assert.equal(hart.instret, 1);
  });

  it('a loop inside translated code counts every iteration and stops exactly at the budget', () => {
    // a0 += 1; a1 -= 1; bnez a1, loop; ecall
    const { hart, jit } = machine([addi(10, 10, 1), addi(11, 11, -1), bne(11, 0, -8), ECALL]);
    hart.x[11] = 1000n;
    assert.equal(jit.run(301).kind, 'budget');
    assert.equal(hart.instret, 301, "the budget is exact, even inside a translated loop");
    const exit = jit.run(1e6);
    assert.equal(exit.kind === 'trap' && exit.cause, Cause.EcallU);
    assert.equal(hart.x[10], 1000n);
    assert.equal(hart.instret, 3000);
    assert.equal(hart.pc, CODE_AT + 12);
  });

  it('code that rewrites itself runs the new code (guest stores invalidate translations)', () => {
    // 0: addi a0,a0,1   4: sw t1,0(t0)   8: ecall   -- t0 = CODE_AT, t1 = the word "addi a0,a0,5"
    const { hart, mem, jit } = machine([addi(10, 10, 1), sw(5, 6, 0), ECALL]);
    hart.x[5] = BigInt(CODE_AT);
    hart.x[6] = BigInt(addi(10, 10, 5));
    assert.equal(jit.run(100).kind, 'trap');
    assert.equal(hart.x[10], 1n);
    assert.equal(mem.dv.getInt32(CODE_AT, true), addi(10, 10, 5));
    hart.pc = CODE_AT;
    hart.x[6] = BigInt(addi(10, 10, 5));
    jit.run(100);
    assert.equal(hart.x[10], 6n, 'the rewritten instruction ran');
    assert.ok(jit.stats.invalidations >= 1);
  });

  it('evicts by flushing when the code cache is full, and stays correct', () => {
    const code: number[] = [];
    // 64 tiny blocks: addi a0,a0,1; bne zero,a1,+4 (never taken, ends the block)
    for (let k = 0; k < 64; k++) code.push(addi(10, 10, 1), bne(0, 11, 4));
    code.push(ECALL);
    const { hart, jit } = machine(code, { maxBlocks: 8 });
    hart.x[11] = 0n;
    jit.run(1e6);
    assert.equal(hart.x[10], 64n);
    assert.ok(jit.stats.flushes >= 7, `flushes: ${jit.stats.flushes}`);
  });

  it('agrees with the interpreter instruction for instruction', () => {
    const prog = [addi(10, 0, 7), add(11, 10, 10), sw(12, 11, 0), lw(13, 12, 0), addi(14, 14, -1), bne(14, 0, -20), ECALL];
    const a = machine(prog), b = machine(prog);
    for (const m of [a, b]) { m.hart.x[12] = BigInt(DATA_AT); m.hart.x[14] = 50n; }
    const interp = new Interpreter(b.hart, b.mem, new UserCsrs(b.hart));
    for (let step = 0; step < 400; step++) {
      const ea = a.jit.run(1), eb = interp.run(1);
      assert.deepEqual(ea, eb);
      assert.equal(a.hart.pc, b.hart.pc);
      assert.deepEqual(a.hart.x, b.hart.x);
      if (ea.kind === 'trap') break;
    }
  });

  it('blocks laid out to fall into each other, self-loops and blocks entered in their middle agree with the interpreter', () => {
    // 0: a0 = 0; a1 = 20   8: a2 = 3 (outer head)   12: a0 += a2; a2 -= 1; bnez a2, 12 (a loop
    // entered in the middle of the block at 8)   24: a1 -= 1; bnez a1, 8   32: ecall
    const prog = [addi(10, 0, 0), addi(11, 0, 20), addi(12, 0, 3), add(10, 10, 12), addi(12, 12, -1), bne(12, 0, -8),
      addi(11, 11, -1), bne(11, 0, -20), ECALL];
    for (const budget of [1, 2, 3, 5, 7, 64, 1000]) {
      const a = machine(prog), b = machine(prog);
      const interp = new Interpreter(b.hart, b.mem, new UserCsrs(b.hart));
      for (let step = 0; step < 1000; step++) {
        const ea = a.jit.run(budget), eb = interp.run(budget);
        assert.deepEqual(ea, eb, `budget ${budget}, step ${step}`);
        assert.equal(a.hart.pc, b.hart.pc);
        assert.equal(a.hart.instret, b.hart.instret);
        assert.deepEqual(a.hart.x, b.hart.x);
        if (ea.kind === 'trap') break;
      }
      assert.equal(a.hart.x[10], 120n, 'sum of 20 x (3 + 2 + 1)');
      assert.ok(a.jit.stats.translatedInsns > 0);
    }
  });

});

describe('translator (JavaScript code)', () => {
  it('every instruction keeps the integer registers it uses in variables, in both memory models', () => {
    for (const model of [FLAT_MODEL, SYSTEM_MODEL]) {
      for (const def of INSNS) {
        // Register fields 13, 14, 15 wherever the encoding leaves them free.
        const word = (def.match | (0x00f7_06b3 & ~def.mask)) | 0;
        const code = translateForCheck({ def, word, raw: word, pc: CODE_AT, len: 4 }, model);
        if (['I', 'M', 'A'].includes(def.ext) && /\brs1\b|\brd\b/.test(def.args)) {
          assert.match(code, /\bx1[345][lh]\b/, `${def.name} (${model.name}) names its registers as variables`);
        }
      }
    }
  });

  for (const backend of ['js', 'wasm'] as const) {
    it(`generated code for a small region matches the golden file (${backend})`, () => {
      // A loop, then a block with a load and a store that ends in a branch (a block ending in the ecall would stay JavaScript).
      const { hart, jit } = machineOn([addi(10, 10, 1), addi(11, 11, -1), bne(11, 0, -8), lw(13, 12, 8), sw(12, 13, 4), bne(13, 0, 4), ECALL], { backend });
      hart.x[11] = 2n; hart.x[12] = BigInt(DATA_AT);
      jit.run(1000);
      const text = `${backend === 'js' ? '//' : ';;'} region of page 0x${CODE_AT.toString(16)}\n${jit.regionSourceAt(CODE_AT)}\n`;
      const golden = path.join(REPO, 'test', 'engines', 'golden', backend === 'js' ? 'region.js.txt' : 'region.wat.txt');
      if (process.env.UPDATE_GOLDEN === '1') writeFileSync(golden, text);
      assert.equal(text, readFileSync(golden, 'utf8'), 'generated code changed: review it, then UPDATE_GOLDEN=1 npm test');
    });
  }

  it('generated WebAssembly for a loop of FP arithmetic, a comparison and an fflags read matches the golden file', () => {
    // loop: f2 = f2 + f1 (dynamic rm); f3 = f1 * f2 + f3 (RNE); a0 = f1 < f2; a1 = fflags; a2 -= 1; bnez a2, loop
    const faddD = encR(0x53, 7, 0x01, 2, 2, 1), fmaddD = (encR(0x43, 0, 0x01, 3, 1, 2) | (3 << 27)) | 0, fltD = encR(0x53, 1, 0x51, 10, 1, 2);
    const { hart, jit } = machineOn([faddD, fmaddD, fltD, encI(0x73, 2, 11, 0, 0x001), addi(12, 12, -1), bne(12, 0, -20), ECALL], { backend: 'wasm' });
    hart.x[12] = 3n; hart.fd[1] = 0.1;
    jit.run(1000);
    const text = `;; region of page 0x${CODE_AT.toString(16)}\n${jit.regionSourceAt(CODE_AT)}\n`;
    const golden = path.join(REPO, 'test', 'engines', 'golden', 'region-fp.wat.txt');
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(golden, text);
    assert.equal(text, readFileSync(golden, 'utf8'), 'generated code changed: review it, then UPDATE_GOLDEN=1 npm test');
  });
});

describe('translator (WebAssembly code)', () => {
  /** Edge values first: what 64-bit arithmetic on word pairs or i64 gets wrong is at these. */
  const EDGES = [0n, 1n, -1n, 2n, -2n, 31n, 32n, 63n, 64n, 0x7fffffffn, 0x80000000n, 0xffffffffn, -0x80000000n, 0x100000000n,
    0x7fffffffffffffffn, -0x8000000000000000n, 0x123456789abcdef0n, -0x0123456789abcdefn];
  const BASE = 5, DATA_PAGES = 2;

  it('every typed integer and FP instruction agrees with the interpreter, on edge and random operands, in and off its fast paths', () => {
    let seed = 0x2545f491;
    const rand = (n: number) => { seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5; return (seed >>> 0) % n; };
    // (CSR accesses have a test of their own: random CSR numbers would mostly be illegal instructions.)
    const straight = INSNS.filter((d) => d.op && !d.flags.branch && d.op.k !== 'csr');
    let translated = 0;
    for (let program = 0; program < 64; program++) {
      const code: number[] = [];
      for (let k = 0; k < 48; k++) {
        const d = program < straight.length ? (k % 3 === 0 ? straight[program] : straight[rand(straight.length)]) : straight[rand(straight.length)];
        // Random bits wherever the encoding leaves them free: registers, immediates, shift amounts.
        let w = (d.match | (((rand(65536) << 16) | rand(65536)) & ~d.mask)) | 0;
        const op = d.op!;
        // A static rounding mode of 5 or 6 is an illegal instruction: RNE or dynamic (frm is RNE).
        if (/\brm\b/.test(d.args)) w = (w & ~(7 << 12)) | ((rand(2) ? 7 : 0) << 12);
        if (op.k === 'load' || op.k === 'store' || op.k === 'fload' || op.k === 'fstore') {
          w = (w & ~(31 << 15)) | (BASE << 15);
          // Mostly aligned (the fast path), sometimes not (the way out to the interpreter).
          if (rand(4)) w &= ~((op.size - 1) << (op.k === 'load' || op.k === 'fload' ? 20 : 7));
        }
        // rd = the base register would move later accesses off the data pages.
        if (((w >>> 7) & 31) === BASE && (op.k !== 'store' && op.k !== 'fstore' && op.k !== 'fload')) w ^= 1 << 7;
        code.push(w);
      }
      // A branch ends the block (a block with the ecall in it would not be all integer operations).
      code.push(bne(0, 0, 8), ECALL);
      const init = Array.from({ length: 32 }, (_, r) => (r === 0 ? 0n : rand(3) ? EDGES[rand(EDGES.length)] : BigInt.asIntN(64, BigInt(rand(2 ** 30)) << BigInt(rand(40)))));
      const run = (backend: Backend | 'interp') => {
        const { hart, mem, jit } = machineOn(code, { backend: backend === 'interp' ? 'js' : backend });
        mem.protect(DATA_AT, DATA_PAGES * 0x1000, PROT_R | PROT_W | MAPPED);
        for (let a = DATA_AT; a < DATA_AT + DATA_PAGES * 0x1000; a += 4) mem.dv.setInt32(a, Math.imul(a, 0x9e3779b1), true);
        init.forEach((v, r) => { hart.x[r] = v; hart.f[r] = BigInt.asIntN(64, v * 0x9e3779b97f4a7c15n); });
        hart.x[BASE] = BigInt(DATA_AT + 0x800);
        const engine = backend === 'interp' ? new Interpreter(hart, mem, new UserCsrs(hart)) : jit;
        const exit = engine.run(1e6);
        if (backend === 'wasm' && jit.stats.wasmCompiles > 0) translated += jit.stats.translatedInsns;
        return { exit, pc: hart.pc, instret: hart.instret, x: [...hart.x], f: [...hart.f], data: mem.u8.slice(DATA_AT, DATA_AT + DATA_PAGES * 0x1000) };
      };
      const want = run('interp'), got = run('wasm');
      const where = `program ${program}: ${code.map((w) => w.toString(16)).join(' ')}`;
      assert.deepEqual(got.exit, want.exit, where);
      assert.equal(got.pc, want.pc, where);
      assert.equal(got.instret, want.instret, where);
      for (let r = 0; r < 32; r++) assert.equal(got.x[r], want.x[r], `x${r}, ${where}`);
      for (let r = 0; r < 32; r++) assert.equal(got.f[r], want.f[r], `f${r}, ${where}`);
      assert.deepEqual(got.data, want.data, where);
    }
    assert.ok(translated > 1000, `${translated} instructions ran as WebAssembly`);
  });

  it('runs on JavaScript regions when the host refuses the WebAssembly memory (ulimit -v)', async () => {
    // About 6 GB of address space: Node itself fits, a 2 GiB WebAssembly memory and its guard region do not.
    const hello = path.join(REPO, 'guests', 'bin', 'hello');
    const r = await runProcess('bash', ['-c', `ulimit -v 6000000 && exec "${process.execPath}" "${UNIVM}" run --stats "${hello}"`], { env: {} });
    assert.equal(r.status, 0, r.stderr.toString());
    assert.equal(r.stdout.toString(), readFileSync(path.join(REPO, 'guests', 'golden', 'hello.stdout'), 'utf8'));
    assert.match(r.stderr.toString(), /region compiles \(0 to WebAssembly\)/);
  });

  it('FP and atomic instructions run as helpers inside WebAssembly regions, and a trap in one is precise', () => {
    const fld = (rd: number, rs1: number, imm: number) => encI(0x07, 3, rd, rs1, imm);
    const faddD = (rd: number, rs1: number, rs2: number) => encR(0x53, 7, 0x01, rd, rs1, rs2);
    const amoaddW = (rd: number, rs1: number, rs2: number) => encR(0x2f, 2, 0, rd, rs1, rs2);
    const csrrs = (rd: number, csr: number) => encI(0x73, 2, rd, 0, csr);
    // loop: f2 += f1; a2 = amoadd.w (t0), a3; a4 += a2; a5 = fflags (a helper too); a6 = instret (left to
    // the interpreter); a1 -= 1; bnez a1, loop; fld f3, 0(t1) (t1 unmapped: a fault); ecall
    const prog = [faddD(2, 2, 1), amoaddW(12, 5, 13), add(14, 14, 12), csrrs(15, 0x001), csrrs(16, 0xc02), addi(11, 11, -1), bne(11, 0, -24),
      fld(3, 6, 0), ECALL];
    const run = (backend: Backend | 'interp') => {
      const { hart, mem, jit } = machineOn(prog, { backend: backend === 'interp' ? 'js' : backend });
      hart.x[5] = BigInt(DATA_AT); hart.x[6] = BigInt(DATA_AT + 0x10000); hart.x[11] = 200n; hart.x[13] = 3n;
      hart.fd[1] = 0.1;
      const exit = (backend === 'interp' ? new Interpreter(hart, mem, new UserCsrs(hart)) : jit).run(1e6);
      return { exit, pc: hart.pc, instret: hart.instret, x: [...hart.x], f: [...hart.f], fflags: hart.fcsr[0], word: mem.dv.getInt32(DATA_AT, true), jit };
    };
    const want = run('interp'), got = run('wasm');
    assert.deepEqual(want.exit, { kind: 'trap', cause: Cause.LoadPageFault, tval: BigInt(DATA_AT + 0x10000) });
    assert.ok(got.jit.stats.wasmCompiles > 0 && got.jit.stats.translatedInsns > 900, 'the loop ran as WebAssembly');
    assert.equal(got.x[15], 1n, 'fflags: inexact');
    for (const k of ['exit', 'pc', 'instret', 'x', 'f', 'fflags', 'word'] as const) assert.deepEqual(got[k], want[k], k);
    assert.equal(got.pc, CODE_AT + 28, 'the trap is at the fld');
  });

  it('every F/D operation and FP CSR access agrees with the interpreter (values and fflags), on edge, random and near-tie operands, in every rounding setting', () => {
    const bits64 = (v: number) => { const dv = new DataView(new ArrayBuffer(8)); dv.setFloat64(0, v, true); return dv.getBigInt64(0, true); };
    const boxed32 = (v: number) => { const dv = new DataView(new ArrayBuffer(4)); dv.setFloat32(0, v, true); return BigInt(dv.getUint32(0, true)) | -0x100000000n; };
    const QNAN64 = 0x7ff8000000000000n, SNAN64 = 0x7ff0000000000001n, QNAN32 = 0x7fc00000n | -0x100000000n, SNAN32 = 0x7f800001n | -0x100000000n;
    const edgeDoubles = [0, -0, 1, -1, 1.5, 0.1, -3.75, 3, 1 / 3, 1 + 2 ** -52, 1 - 2 ** -53, 2 ** -1022, -1.5 * 2 ** -1022, 5e-324, -(2 ** -1050),
      2 ** -960, 2 ** -537, 2 ** 990, 1.1 * 2 ** 995, 2 ** 1023, Number.MAX_VALUE, -Number.MAX_VALUE, Infinity, -Infinity,
      // the edges of conversions to integers: ties, and the limits of each integer type
      2.5, -0.5, 2 ** 31 - 0.5, -(2 ** 31) - 0.5, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 63, -(2 ** 63), 2 ** 64, 1e300 / 1e290, 2 ** -140];
    const edgeFloats = [0, -0, 1, -1, 1.5, 0.1, -3.75, 3, 1 / 3, 2 ** -126, -1.5 * 2 ** -126, 2 ** -149, 2 ** -140, 2 ** 127, 3.4028234663852886e38, -3.4028234663852886e38, Infinity, -Infinity];
    let seed = 0x1234567;
    const rand = (n: number) => { seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5; return (seed >>> 0) % n; };
    const randomDouble = () => (rand(2) ? 1 : -1) * (1 + rand(1 << 30) / 2 ** 30 + rand(1 << 22) / 2 ** 52) * 2 ** (rand(80) - 40);
    const pools = {
      8: [...edgeDoubles.map(bits64), QNAN64, SNAN64, ...Array.from({ length: 24 }, () => bits64(randomDouble()))],
      // f32 values, and two registers that are not NaN-boxed (they read as the canonical NaN)
      4: [...edgeFloats.map(boxed32), QNAN32, SNAN32, bits64(1), 0x3f800000n, ...Array.from({ length: 16 }, () => boxed32(randomDouble()))],
    };
    // fma operands whose exact result lies on, or just off, a midpoint between two doubles (ties to even, and the round-to-odd step).
    const t = 1 + 2 ** -30, z = 2 ** -53 - 2 ** -60;
    const ties = [[t, t, z], [t, t, z + 2 ** -110], [t, t, z - 2 ** -110], [-t, t, -z], [t, -t, -z - 2 ** -110], [t, t, -1], [3, 1 / 3, -1]].map((v) => v.map(bits64));
    // integer operands of conversions to FP: the limits of exact conversion (2^24, 2^53) and of each type
    const ints = [0n, 1n, -1n, 7n, 1n << 24n, (1n << 24n) + 1n, -(1n << 24n) - 1n, 0x7fffffffn, -0x80000000n, 0xffffffffn, 0x1_0000_0001n,
      1n << 53n, (1n << 53n) + 1n, -(1n << 53n) - 1n, 0x7fffffffffffffffn, -0x8000000000000000n, 0x123456789abcdefn];
    const fdefs = INSNS.filter((d) => d.op && isFpOp(d.op));
    assert.equal(fdefs.length, 56);
    const OPERANDS = 0x20000, RESULTS = 0x40000, COUNT = 0x3f000; // x5, x6: moving bases; x9: fcsr setting
    const fld = (rd: number, rs1: number, imm: number) => encI(0x07, 3, rd, rs1, imm);
    const fsd = (rs1: number, rs2: number, imm: number) => encS(0x27, 3, rs1, rs2, imm);
    const csr = (f3: number, rd: number, rs1: number, c: number) => encI(0x73, f3, rd, rs1, c);
    const FCSR = 0x003;
    // fcsr settings each program runs under: frm RNE / RTZ / RUP, with fflags clear or holding NX (or NX|NV).
    const SETTINGS = [0, 1, 0x20 | 1, 0x60, (0 << 5) | 0x11];
    let compared = 0;
    for (const d of fdefs) {
      const op = d.op!;
      const size = 'size' in op ? op.size : 8;
      const hasRm = /\brm\b/.test(d.args);
      const pool = pools[size as 4 | 8];
      const tuples: bigint[][] = [];
      if (op.k === 'fma') {
        for (let k = 0; k < 300; k++) tuples.push([pool[rand(pool.length)], pool[rand(pool.length)], pool[rand(pool.length)]]);
        if (size === 8) tuples.push(...ties);
      } else if (op.k === 'i2f' || (op.k === 'fmv' && op.to === 'f')) [...ints, ...pool].forEach((a) => tuples.push([a, a, a]));
      else if (op.k === 'f2f') [...pools[4], ...pools[8]].forEach((a) => tuples.push([a, a, a]));
      else if (op.k === 'fsqrt' || op.k === 'fmv' || op.k === 'f2i') pool.forEach((a) => tuples.push([a, a, a]));
      else pool.forEach((a) => pool.forEach((b) => tuples.push([a, b, b])));
      // (conversions to integers have a WebAssembly rounding for four of the modes)
      for (const rm of !hasRm ? [0] : op.k === 'f2i' ? [7, 0, 1, 2, 3, 4] : [7, 0, 2]) {
        // f4/x4 <- op(f1/x1, f2, f3), in the fields the encoding leaves free
        const word = (d.match | (((4 << 7) | (rm << 12) | (1 << 15) | (2 << 20) | (3 << 27)) & ~d.mask)) | 0;
        // for each setting (x8 walks them, x11 counts them): for each tuple (x5 walks them, x10 counts them):
        // load operands (into x1 too, for fmv.*.x), set fcsr, run, store f4, x4 and fcsr (x6 walks the results)
        const inner = [fld(1, 5, 0), fld(2, 5, 8), fld(3, 5, 16), ld(1, 5, 0), csr(1, 0, 9, FCSR), word,
          fsd(6, 4, 0), sd(6, 4, 8), csr(2, 7, 0, FCSR), sd(6, 7, 16), addi(5, 5, 24), addi(6, 6, 24), addi(10, 10, -1)];
        const code = [ld(9, 8, 0), lui(5, OPERANDS), add(10, 12, 0), ...inner, bne(10, 0, -4 * inner.length),
          addi(8, 8, 8), addi(11, 11, -1), bne(11, 0, -4 * (inner.length + 6)), ECALL];
        const run = (backend: Backend | 'interp') => {
          const { hart, mem, jit } = machineOn(code, { backend: backend === 'interp' ? 'js' : backend });
          mem.protect(OPERANDS, 0xc0000, PROT_R | PROT_W | MAPPED);
          tuples.forEach((v, k) => v.forEach((x, j) => mem.dv.setBigInt64(OPERANDS + 24 * k + 8 * j, x, true)));
          SETTINGS.forEach((v, k) => mem.dv.setBigInt64(COUNT + 8 * k, BigInt(v), true));
          hart.x[8] = BigInt(COUNT); hart.x[6] = BigInt(RESULTS); hart.x[11] = BigInt(SETTINGS.length); hart.x[12] = BigInt(tuples.length);
          const exit = (backend === 'interp' ? new Interpreter(hart, mem, new UserCsrs(hart)) : jit).run(1e7);
          assert.deepEqual(exit, { kind: 'trap', cause: Cause.EcallU, tval: 0n }, `${d.name}: ${JSON.stringify(exit, (_, v) => (typeof v === 'bigint' ? String(v) : v))}`);
          if (backend === 'wasm') assert.ok(jit.stats.wasmCompiles > 0 && jit.stats.translatedInsns > code.length / 2, `${d.name} ran as WebAssembly`);
          return mem.dv;
        };
        const want = run('interp'), got = run('wasm');
        SETTINGS.forEach((setting, k) => tuples.forEach((v, n) => {
          const at = RESULTS + 24 * (k * tuples.length + n);
          for (const [what, off] of [['result', 0], ['x result', 8], ['fcsr', 16]] as const) {
            assert.equal(got.getBigInt64(at + off, true), want.getBigInt64(at + off, true),
              `${d.name} rm ${rm}, fcsr ${setting.toString(16)}, operands ${v.map((x) => BigInt.asUintN(64, x).toString(16)).join(' ')}: ${what}`);
          }
          compared++;
        }));
      }
    }
    assert.ok(compared > 40000, `${compared} comparisons`);
  });

  it('fflags, frm and fcsr reads and writes agree with the interpreter inside WebAssembly regions', () => {
    const csr = (f3: number, rd: number, rs1: number, c: number) => encI(0x73, f3, rd, rs1, c);
    const code: number[] = [add(5, 14, 0)];
    let slot = 0;
    // every CSR instruction on each FP CSR, with rd and rs1 (or the immediate) zero or not, from a few
    // starting values; run three times (x13), so that the later runs are translated code
    for (const c of [0x001, 0x002, 0x003]) for (const f3 of [1, 2, 3, 5, 6, 7]) for (const rd of [0, 4]) for (const rs1 of [0, 7, 10]) {
      code.push(csr(1, 0, 11, 0x003), csr(f3, rd, rs1, c), sd(5, 4, 8 * slot++), csr(2, 4, 0, 0x003), sd(5, 4, 8 * slot++), addi(4, 0, 0));
      if (slot > 200) { code.push(addi(5, 5, 8 * slot)); slot = 0; }
    }
    code.push(addi(13, 13, -1), bne(13, 0, -4 * (code.length + 1)), ECALL);
    const run = (backend: Backend | 'interp', start: bigint) => {
      const { hart, mem, jit } = machineOn(code, { backend: backend === 'interp' ? 'js' : backend });
      mem.protect(DATA_AT, 0x8000, PROT_R | PROT_W | MAPPED);
      hart.x[14] = BigInt(DATA_AT); hart.x[7] = 0x1234_5678_9abc_def5n; hart.x[10] = -1n; hart.x[11] = start; hart.x[13] = 3n;
      const exit = (backend === 'interp' ? new Interpreter(hart, mem, new UserCsrs(hart)) : jit).run(1e6);
      assert.deepEqual(exit, { kind: 'trap', cause: Cause.EcallU, tval: 0n });
      if (backend === 'wasm') assert.ok(jit.stats.translatedInsns >= code.length - 1, `ran as WebAssembly: ${JSON.stringify(jit.stats)} of ${code.length}`);
      return { data: mem.u8.slice(DATA_AT, DATA_AT + 0x8000), fcsr: [...hart.fcsr], x: [...hart.x] };
    };
    for (const start of [0n, 0xffn, 0xa5n]) assert.deepEqual(run('wasm', start), run('interp', start), `fcsr starting at ${start}`);
  });

  it('every register-register integer instruction agrees with the interpreter on every pair of edge operands', () => {
    const TABLE = -0x800, RESULTS = -0x400;
    for (const d of INSNS.filter((x) => (x.op?.k === 'op' || x.op?.k === 'opw') && x.op.b === 'rs2')) {
      const code: number[] = [];
      EDGES.forEach((_, row) => {
        code.push(ld(1, BASE, TABLE + 8 * row));
        EDGES.forEach((__, col) => {
          code.push(ld(2, BASE, TABLE + 8 * col), (d.match | (3 << 7) | (1 << 15) | (2 << 20)) | 0, sd(BASE, 3, RESULTS + 8 * (row * EDGES.length + col)));
        });
        code.push(bne(0, 0, 4));
      });
      code.push(ECALL);
      const run = (backend: Backend | 'interp') => {
        const { hart, mem, jit } = machineOn(code, { backend: backend === 'interp' ? 'js' : backend });
        mem.protect(DATA_AT, DATA_PAGES * 0x1000, PROT_R | PROT_W | MAPPED);
        EDGES.forEach((v, k) => mem.dv.setBigInt64(DATA_AT + 8 * k, v, true));
        hart.x[BASE] = BigInt(DATA_AT + 0x800);
        const exit = (backend === 'interp' ? new Interpreter(hart, mem, new UserCsrs(hart)) : jit).run(1e6);
        assert.deepEqual(exit, { kind: 'trap', cause: Cause.EcallU, tval: 0n });
        if (backend === 'wasm') assert.ok(jit.stats.wasmCompiles > 0 && jit.stats.translatedInsns >= code.length - 1);
        return mem.dv;
      };
      const want = run('interp'), got = run('wasm');
      EDGES.forEach((a, row) => EDGES.forEach((b, col) => {
        const at = DATA_AT + 0x800 + RESULTS + 8 * (row * EDGES.length + col);
        assert.equal(got.getBigInt64(at, true), want.getBigInt64(at, true), `${d.name} ${a}, ${b}`);
      }));
    }
  });
});
