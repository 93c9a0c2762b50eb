/**
 * The lockstep checker (`--engine check`): it agrees with itself on correct code, keeps the
 * two engines apart across system calls (pages the kernel maps or writes between slices), and
 * when a translation is broken on purpose it stops at once and names the instruction, the
 * register or memory, and both values. (Every guest program also runs under it: see
 * test/guests/guests.test.ts.)
 *
 * A translation is broken by giving one instruction's definition the meaning of another after
 * the interpreter is compiled: the interpreter keeps the right meaning, the translator picks
 * up the wrong one when it next translates that instruction. Translations are cached per
 * instruction for the whole process, so each broken instruction appears in its own test only.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { CheckEngine, DIVERGENCE_STATUS, LockstepDivergence } from '../../src/engines/check/check-engine.js';
import { Interpreter } from '../../src/engines/interpreter/interpreter.js';
import { INSNS } from '../../src/isa/riscv/instructions.js';
import { UserCsrs } from '../../src/machine/csr.js';
import { HartState } from '../../src/machine/hart.js';
import { FlatMemory, MAPPED, PROT_R, PROT_W, PROT_X } from '../../src/machine/memory.js';
import { Cause } from '../../src/machine/trap.js';
import { encR } from '../../src/isa/riscv/encoding.js';
import { add, addi, bne, CODE_AT, DATA_AT, ECALL, flatMachine, ld, lui, lw, sd, sh, sub, sw, xor } from '../support/asm.js';
import { HAVE_SYSROOT, REPO, SYSROOT, runProcess, univm } from '../support/repo.js';

const LATE_AT = 0x30000;
const T0 = 5, T1 = 6, A0 = 10, A1 = 11, A2 = 12, A3 = 13, A4 = 14;

/** A hart at CODE_AT (read+execute) with a data page at DATA_AT, t0 = DATA_AT, t1 = LATE_AT. */
function machine(code: number[], opts: { sliceInsns?: number; wasm?: boolean } = {}) {
  const { hart, mem } = flatMachine(code, PROT_R | PROT_X, { wasm: opts.wasm });
  hart.x[T0] = BigInt(DATA_AT);
  hart.x[T1] = BigInt(LATE_AT);
  const check = new CheckEngine(hart, mem, { hotThreshold: 1, sliceInsns: opts.sliceInsns });
  return { hart, mem, check };
}

const def = (name: string) => {
  const d = INSNS.find((x) => x.name === name);
  assert.ok(d, name);
  return d;
};

/** Gives `name` the meaning `exec` for translations made from now on; the interpreter is compiled already. */
function breakTranslation(name: string, exec: string): void {
  const h = new HartState();
  new Interpreter(h, new FlatMemory(1 << 16), new UserCsrs(h));
  def(name).exec = exec;
}

function divergence(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof LockstepDivergence) return e.report;
    throw e;
  }
  assert.fail('the engines did not diverge');
}

// a0 = 5, a1 = 100; loop: a2 = a0 + a1; a3 = a2 ^ a1; mem[t0] = a3; a1 -= 1; bnez a1, loop; ecall
const loop = (op: typeof add) => [addi(A0, 0, 5), addi(A1, 0, 100), op(A2, A0, A1), xor(A3, A2, A1), sw(T0, A3, 0), addi(A1, A1, -1), bne(A1, 0, -16), ECALL];
const LOOP = loop(add);

describe('lockstep check engine', () => {
  it('runs correct code to the same trap as the other engines, in slices, and counts what it compared', () => {
    const { hart, mem, check } = machine(LOOP, { sliceInsns: 37 });
    const exit = check.run(1e6);
    assert.deepEqual(exit, { kind: 'trap', cause: Cause.EcallU, tval: 0n });
    assert.equal(hart.instret, 2 + 5 * 100);
    assert.equal(hart.pc, CODE_AT + 28);
    assert.equal(mem.dv.getInt32(DATA_AT, true), (5 + 1) ^ 1);
    assert.equal(check.stats.insns, hart.instret);
    assert.ok(check.stats.slices >= 502 / (37 + 64), `${check.stats.slices} slices`);
    assert.ok(check.stats.pages >= check.stats.slices, 'the data page is compared after every slice');
  });

  it('stops exactly at the budget, also mid-block', () => {
    const { hart, check } = machine(LOOP, { sliceInsns: 10 });
    assert.deepEqual(check.run(33), { kind: 'budget' });
    assert.equal(hart.instret, 33);
    assert.deepEqual(check.run(1e6).kind, 'trap');
    assert.equal(hart.instret, 502);
  });

  it('follows what the kernel does between slices: pages mapped or written later are tracked too', () => {
    // Each engine increments a word in memory (load, add, store): were a page's first write
    // not seen, the engine under test would increment the reference's result again.
    const rmw = (base: number) => [lw(A4, base, 0), addi(A4, A4, 1), sw(base, A4, 0)];
    const { hart, mem, check } = machine([...rmw(T0), ECALL, ...rmw(T1), ...rmw(T0), ECALL]);
    assert.equal(check.run(100).kind, 'trap');
    // The "kernel": maps a new page, writes the data page, returns past the ecall.
    mem.protect(LATE_AT, 0x1000, PROT_R | PROT_W | MAPPED);
    mem.writeBytes(LATE_AT, new Uint8Array([41, 0, 0, 0]));
    mem.writeBytes(DATA_AT, new Uint8Array([7, 0, 0, 0]));
    hart.pc += 4;
    assert.equal(check.run(100).kind, 'trap');
    assert.equal(mem.dv.getInt32(LATE_AT, true), 42);
    assert.equal(mem.dv.getInt32(DATA_AT, true), 8);
  });

  it('names the instruction and the register when a translation computes a wrong value', () => {
    const { check } = machine(loop(sub));
    breakTranslation('sub', def('add').exec);
    const report = divergence(() => check.run(1e6));
    assert.match(report, /^univm: lockstep check: the translator and the interpreter disagree/);
    assert.match(report, /at 0x10008: [0-9a-f]{8}\s+sub a2,a0,a1\n/);
    assert.match(report, /this instruction alone, translated, does not do what the interpreter does/);
    assert.match(report, /a2 \(x12\)\s+0xffffffffffffffa1\s+0x0000000000000069\n/, report);
    assert.match(report, /> 0x10008 /);
    assert.ok(report.split('\n').length <= 24, 'one screen');
  });

  it('names the memory when a translation stores the wrong bytes', () => {
    // a3 = 0x5678; sh a3, 8(t0); ecall
    const { check } = machine([lui(A3, 0x5000), addi(A3, A3, 0x678), sh(T0, A3, 8), ECALL]);
    breakTranslation('sh', def('sb').exec);
    const report = divergence(() => check.run(100));
    assert.match(report, /at 0x10008: [0-9a-f]{8}\s+sh a3,8\(t0\)/);
    assert.match(report, /mem 0x20009\s+56\s+00\n/, report);
  });

  it('catches a store only the translation makes, to a page the interpreter does not write', () => {
    const { mem, check } = machine([lui(A3, 0x12345000), sd(T0, A3, 16), ECALL]);
    mem.protect(LATE_AT, 0x1000, PROT_R | PROT_W | MAPPED);
    const sdExec = def('sd').exec;
    breakTranslation('sd', `${sdExec} ${sdExec.replace(/\bimm\b/, `imm + ${LATE_AT - DATA_AT}`)}`);
    const report = divergence(() => check.run(100));
    assert.match(report, /at 0x10004: [0-9a-f]{8}\s+sd a3,16\(t0\)/);
    assert.match(report, /mem 0x30011\s+00 00 00\s+50 34 12\n/, report);
  });

  it('names the instruction when a WebAssembly translation computes a wrong value', () => {
    // a0 = 5, a1 = 100; loop: a2 = a0 & a1; mem[t0] = a2; a1 -= 1; bnez a1, loop; ecall -- with `and` done as `or`
    const and = (rd: number, rs1: number, rs2: number) => encR(0x33, 7, 0, rd, rs1, rs2);
    const { check } = machine([addi(A0, 0, 5), addi(A1, 0, 100), and(A2, A0, A1), sw(T0, A2, 0), addi(A1, A1, -1), bne(A1, 0, -12), ECALL], { wasm: true });
    def('and').op = def('or').op;
    const report = divergence(() => check.run(1e6));
    assert.match(report, /at 0x10008: [0-9a-f]{8}\s+and a2,a0,a1\n/);
    assert.match(report, /this instruction alone, translated, does not do what the interpreter does/);
    const m = /a2 \(x12\)\s+0x([0-9a-f]{16})\s+0x([0-9a-f]{16})\n/.exec(report);
    assert.ok(m, report);
    const [interpreted, translated] = [BigInt(`0x${m[1]}`), BigInt(`0x${m[2]}`)];
    assert.ok(interpreted !== translated && (translated & 5n) === 5n && (interpreted & ~translated) === 0n,
      'the translation computed a0 | a1 where a0 & a1 was due');
  });

  it('reports a trap only one engine takes', () => {
    const { check } = machine([addi(A0, 0, 1), ld(A1, T0, 0), addi(A0, A0, 1), ECALL]);
    breakTranslation('ld', def('ebreak').exec);
    const report = divergence(() => check.run(100));
    assert.match(report, /at 0x10004: [0-9a-f]{8}\s+ld a1,0\(t0\)/);
    assert.match(report, /exit\s+ran its whole budget\s+trap 3 \(breakpoint\)/, report);
  });
});

describe('univm run --engine check', { skip: HAVE_SYSROOT ? false : `needs ${SYSROOT}` }, () => {
  const guest = (name: string) => path.join(REPO, 'guests', 'bin', name);

  it('--stats says how much it compared', async () => {
    const r = await univm(['run', '--engine', 'check', '--stats', guest('hello')], { env: {} });
    assert.equal(r.status, 0, r.stderr.toString());
    assert.equal(r.stdout.toString(), readFileSync(path.join(REPO, 'guests', 'golden', 'hello.stdout'), 'utf8'));
    const m = /univm: check: (\d+) instructions compared in (\d+) slices, (\d+) written pages compared/.exec(r.stderr.toString());
    assert.ok(m, r.stderr.toString());
    assert.ok(Number(m[1]) > 10_000 && Number(m[2]) > 1 && Number(m[3]) > 1);
    assert.match(r.stderr.toString(), /engine check/);
  });

  it('a broken translation stops the guest with a one-screen report and its own exit status', async () => {
    // The CLI in a child process whose translator gets `sub` wrong (see breakTranslation): its
    // template for JavaScript, its typed operation for WebAssembly.
    const dist = (p: string) => JSON.stringify(path.join(REPO, 'dist', p));
    const script = `
      const { INSNS } = await import(${dist('src/isa/riscv/instructions.js')});
      const { Interpreter } = await import(${dist('src/engines/interpreter/interpreter.js')});
      const { HartState } = await import(${dist('src/machine/hart.js')});
      const { FlatMemory } = await import(${dist('src/machine/memory.js')});
      const { UserCsrs } = await import(${dist('src/machine/csr.js')});
      const h = new HartState();
      new Interpreter(h, new FlatMemory(1 << 16), new UserCsrs(h));
      const sub = INSNS.find((d) => d.name === 'sub'), add = INSNS.find((d) => d.name === 'add');
      sub.exec = add.exec;
      sub.op = add.op;
      const { main } = await import(${dist('src/cli/main.js')});
      process.exitCode = await main(process.argv.slice(1));`;
    const r = await runProcess(process.execPath, ['--input-type=module', '-e', script, 'run', '--engine', 'check', '--jit-threshold', '1', guest('arith')], { env: {} });
    const err = r.stderr.toString();
    assert.equal(r.status, DIVERGENCE_STATUS, err);
    assert.match(err, /univm: lockstep check: the translator and the interpreter disagree/);
    assert.match(err, /at 0x[0-9a-f]+: [0-9a-f]{8}\s+sub \w+,\w+,\w+\n/, err);
    assert.match(err, /\w+ \(x\d+\)\s+0x[0-9a-f]{16}\s+0x[0-9a-f]{16}\n/, err);
    assert.ok(err.trimEnd().split('\n').length <= 24, err);
  });
});
