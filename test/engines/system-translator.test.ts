/**
 * The engines on the system VM's memory model: translations must follow the page tables.
 * The same virtual page is mapped to different physical code pages by satp writes and by PTE
 * changes made visible with sfence.vma; stores into code (through another virtual mapping of
 * the same physical page) must invalidate it. Both engines must agree on every step.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CSR } from '../../src/isa/riscv/csrs.js';
import { Interpreter } from '../../src/engines/interpreter/interpreter.js';
import { Translator } from '../../src/engines/translator/translator.js';
import type { Engine } from '../../src/engines/engine.js';
import { HartState } from '../../src/machine/hart.js';
import { PRV_S, SYS_PRIV, SYS_STOP } from '../../src/machine/priv/cells.js';
import { Privileged } from '../../src/machine/priv/privileged.js';
import { SystemMemory } from '../../src/machine/priv/system-memory.js';
import { Bus } from '../../src/vms/system/bus.js';
import { addi, EBREAK, sw } from '../support/asm.js';

const RAM = 0x80000000, RAM_SIZE = 4 << 20;
const CODE_A = RAM + 0x10000, CODE_B = RAM + 0x11000, DATA = RAM + 0x12000;
const ROOT_1 = RAM + 0x100000, ROOT_2 = RAM + 0x104000;
/** The virtual page both code pages are mapped at, and a writable alias of CODE_A. */
const VA_CODE = 0x40000000, VA_ALIAS = 0x40001000;
const addiA0 = (n: number) => addi(10, 10, n);
const PTE_V = 1, PTE_R = 2, PTE_W = 4, PTE_X = 8, PTE_A = 64, PTE_D = 128;

function machine(kind: 'interp' | 'jit') {
  const mem = new SystemMemory({ ramBase: RAM, ramSize: RAM_SIZE, romBase: 0x1000, romSize: 0x1000, bus: new Bus() });
  const hart = new HartState();
  const platform = { mip: () => 0, mtime: () => 0n };
  const priv = new Privileged({ hartId: 0, hart, mem, platform });
  // PMP: let S-mode reach everything (one NAPOT entry over the whole address space).
  priv.write(0x3b0, (1n << 54n) - 1n, 0);
  priv.write(0x3a0, 0x1fn, 0);
  const engine: Engine = kind === 'jit' ? new Translator(hart, mem, priv, { hotThreshold: 1 }) : new Interpreter(hart, mem, priv);
  const w64 = (pa: number, v: number) => mem.writePhysical64(pa, BigInt(v));
  const w32 = (pa: number, v: number) => { const b = new Uint8Array(4); new DataView(b.buffer).setInt32(0, v, true); mem.writePhysical(pa, b); };
  /** Sv39 tables under `root` mapping the two virtual pages (4 KiB leaves). */
  const tables = (root: number, code: number) => {
    const l1 = root + 0x1000, l0 = root + 0x2000;
    w64(root + 1 * 8, ((l1 >>> 12) << 10) | PTE_V); //           VA 0x40000000.. (vpn2 = 1)
    w64(l1 + 0 * 8, ((l0 >>> 12) << 10) | PTE_V);
    w64(l0 + 0 * 8, ((code >>> 12) * 1024) | PTE_V | PTE_R | PTE_X | PTE_A);
    w64(l0 + 1 * 8, ((CODE_A >>> 12) * 1024) | PTE_V | PTE_R | PTE_W | PTE_A | PTE_D);
    w64(l0 + 2 * 8, ((DATA >>> 12) * 1024) | PTE_V | PTE_R | PTE_W | PTE_A | PTE_D);
  };
  w32(CODE_A, addiA0(1)); w32(CODE_A + 4, EBREAK);
  w32(CODE_B, addiA0(100)); w32(CODE_B + 4, EBREAK);
  tables(ROOT_1, CODE_A);
  tables(ROOT_2, CODE_B);
  const satp = (root: number) => priv.write(CSR.satp, (8n << 60n) | BigInt(root >>> 12), 0);
  satp(ROOT_1);
  mem.sys[SYS_PRIV] = PRV_S;
  mem.flushTlb();
  /** Runs the code at VA_CODE until its ebreak; returns a0. */
  const call = () => {
    hart.pc = VA_CODE;
    mem.sys[SYS_STOP] = 0;
    let exit;
    for (let k = 0; k < 10; k++) {
      exit = engine.run(100);
      if (exit.kind === 'trap') break;
      mem.sys[SYS_STOP] = 0;
    }
    assert.deepEqual(exit, { kind: 'trap', cause: 3, tval: 0n });
    return hart.x[10];
  };
  return { mem, hart, priv, engine, w64, w32, satp, call };
}

for (const kind of ['interp', 'jit'] as const) {
  describe(`system memory model (${kind})`, () => {
    it('a satp write maps the virtual page to other code', () => {
      const m = machine(kind);
      assert.equal(m.call(), 1n);
      assert.equal(m.call(), 2n);
      m.satp(ROOT_2);
      assert.equal(m.call(), 102n, 'the code of the new mapping ran');
      m.satp(ROOT_1);
      assert.equal(m.call(), 103n);
    });

    it('a PTE change made visible by sfence.vma moves the code', () => {
      const m = machine(kind);
      assert.equal(m.call(), 1n);
      m.w64(ROOT_1 + 0x2000, ((CODE_B >>> 12) * 1024) | PTE_V | PTE_R | PTE_X | PTE_A);
      assert.ok(m.priv.sfenceVma(undefined, 0));
      assert.equal(m.call(), 101n);
    });

    it('a guest store through a writable alias changes the code that runs', () => {
      const m = machine(kind);
      assert.equal(m.call(), 1n);
      assert.equal(m.call(), 2n);
      // sw t1, 0(t0) at the data page, run from there: t0 = the alias of CODE_A, t1 = "addi a0,a0,7".
      m.w32(DATA, sw(5, 6, 0)); // sw x6, 0(x5)
      m.w32(DATA + 4, EBREAK);
      m.w64(ROOT_1 + 0x2000 + 2 * 8, ((DATA >>> 12) * 1024) | PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D);
      m.priv.sfenceVma(undefined, 0);
      m.hart.x[5] = BigInt(VA_ALIAS);
      m.hart.x[6] = BigInt(addiA0(7));
      m.hart.pc = VA_CODE + 0x2000;
      m.mem.sys[SYS_STOP] = 0;
      let exit = m.engine.run(100);
      while (exit.kind !== 'trap') { m.mem.sys[SYS_STOP] = 0; exit = m.engine.run(100); }
      assert.equal(exit.cause, 3);
      assert.equal(new DataView(m.mem.readPhysical(CODE_A, 4)!.buffer).getInt32(0, true), addiA0(7), 'the store reached the code page');
      assert.equal(m.call(), 9n, 'the stored instruction ran');
    });

    it('fetch from a page without execute permission faults with the virtual address', () => {
      const m = machine(kind);
      m.hart.pc = VA_ALIAS; // R/W, not X
      m.mem.sys[SYS_STOP] = 0;
      const exit = m.engine.run(10);
      assert.deepEqual(exit, { kind: 'trap', cause: 12, tval: BigInt(VA_ALIAS) });
      assert.equal(m.hart.pc, VA_ALIAS);
    });
  });
}

