/** PLIC: priorities, pending, enables, thresholds, claim/complete, outputs, register map. */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { Bus, BusError } from '../../src/vms/system/bus.js';
import { IrqProbe } from '../../src/vms/system/irq.js';
import { Plic, PLIC_CONTEXT, PLIC_ENABLE, PLIC_PENDING } from '../../src/vms/system/plic.js';

const M = 0, S = 1;

function plic(contexts = 2) {
  const outs = Array.from({ length: contexts }, () => new IrqProbe());
  const p = new Plic({ ndev: 96, contexts: outs, priorityBits: 3, size: 0x600000 });
  const rd = (off: number) => Number(p.read(off, 4));
  const wr = (off: number, v: number) => p.write(off, 4, BigInt(v));
  const prio = (id: number, v: number) => wr(4 * id, v);
  const enable = (ctx: number, ...ids: number[]) => {
    for (const id of ids) {
      const off = PLIC_ENABLE + 0x80 * ctx + 4 * (id >> 5);
      wr(off, rd(off) | (1 << (id & 31)));
    }
  };
  const threshold = (ctx: number, v: number) => wr(PLIC_CONTEXT + 0x1000 * ctx, v);
  const claim = (ctx: number) => rd(PLIC_CONTEXT + 0x1000 * ctx + 4);
  const complete = (ctx: number, id: number) => wr(PLIC_CONTEXT + 0x1000 * ctx + 4, id);
  const pendingBit = (id: number) => (rd(PLIC_PENDING + 4 * (id >> 5)) >>> (id & 31)) & 1;
  return { p, outs, rd, wr, prio, enable, threshold, claim, complete, pendingBit };
}

describe('PLIC registers', () => {
  it('priorities are WARL with 3 bits; source 0 and sources above ndev do not exist', () => {
    const { rd, prio, wr } = plic();
    prio(1, 0xff);
    assert.equal(rd(4), 7);
    prio(1, 5);
    assert.equal(rd(4), 5);
    wr(0, 7);
    assert.equal(rd(0), 0);
    wr(4 * 97, 7);
    assert.equal(rd(4 * 97), 0);
    prio(96, 3);
    assert.equal(rd(4 * 96), 3);
  });

  it('enable bits: per context, source 0 and sources above 96 hardwired to 0', () => {
    const { rd, wr } = plic();
    wr(PLIC_ENABLE, 0xffff_ffff);
    assert.equal(rd(PLIC_ENABLE) >>> 0, 0xffff_fffe);
    wr(PLIC_ENABLE + 12, 0xffff_ffff);
    assert.equal(rd(PLIC_ENABLE + 12), 1, 'only source 96 exists in the 4th word');
    assert.equal(rd(PLIC_ENABLE + 0x80), 0, 'context 1 untouched');
    wr(PLIC_ENABLE + 0x80 * 2, 0xffff_ffff);
    assert.equal(rd(PLIC_ENABLE + 0x80 * 2), 0, 'no context 2');
  });

  it('thresholds are WARL; contexts that do not exist read 0', () => {
    const { rd, threshold, wr } = plic();
    threshold(S, 0x1f);
    assert.equal(rd(PLIC_CONTEXT + 0x1000), 7);
    wr(PLIC_CONTEXT + 0x2000, 3);
    assert.equal(rd(PLIC_CONTEXT + 0x2000), 0);
    assert.equal(rd(PLIC_CONTEXT + 0x2004), 0);
  });

  it('pending bits latch requests from the source lines and ignore writes', () => {
    const { p, rd, wr, pendingBit } = plic();
    p.setSource(10, true);
    p.setSource(33, true);
    assert.equal(rd(PLIC_PENDING), 1 << 10);
    assert.equal(rd(PLIC_PENDING + 4), 1 << 1);
    wr(PLIC_PENDING, 0);
    assert.equal(pendingBit(10), 1);
    p.setSource(10, false);
    assert.equal(pendingBit(10), 1, 'a gateway cannot retract a request: it stays until claimed');
  });

  it('32-bit accesses only', () => {
    const { p } = plic();
    const bus = new Bus();
    bus.map(0xc000000, p);
    assert.throws(() => bus.read(0xc000008, 8), (e: unknown) => e instanceof BusError && e.reason === 'size');
    assert.throws(() => bus.write(0xc000004, 1, 1n), (e: unknown) => e instanceof BusError && e.reason === 'size');
    bus.write(0xc000028, 4, 1n);
    assert.equal(bus.read(0xc000028, 4), 1n);
    assert.equal(bus.read(0xc5ffffc, 4), 0n);
  });

  it('rejects impossible configurations and sources', () => {
    assert.throws(() => new Plic({ ndev: 0, contexts: [new IrqProbe()] }), /ndev/);
    assert.throws(() => new Plic({ ndev: 2000, contexts: [new IrqProbe()] }), /ndev/);
    assert.throws(() => new Plic({ ndev: 4, contexts: [] }), /contexts/);
    assert.throws(() => new Plic({ ndev: 4, contexts: [new IrqProbe()], size: 0x1000 }), /too small/);
    assert.throws(() => plic().p.source(0), /no source 0/);
    assert.throws(() => plic().p.source(97), /no source 97 \(sources are 1\.\.96\)/);
  });
});

describe('PLIC interrupt flow', () => {
  it('a context output is high for a pending, enabled source with priority above the threshold', () => {
    const { p, outs, prio, enable, threshold } = plic();
    p.setSource(10, true);
    assert.equal(outs[S].level, false, 'not enabled');
    enable(S, 10);
    assert.equal(outs[S].level, false, 'priority 0 never interrupts');
    prio(10, 1);
    assert.equal(outs[S].level, true);
    assert.equal(outs[M].level, false, 'enabled for S only');
    threshold(S, 1);
    assert.equal(outs[S].level, false, 'priority must exceed the threshold');
    prio(10, 2);
    assert.equal(outs[S].level, true);
    p.setSource(10, false);
    assert.equal(outs[S].level, true, 'the request stays after the line drops');
  });

  it('a request is forwarded once: a line toggling before the claim makes one request', () => {
    const { p, prio, enable, claim, outs } = plic();
    prio(4, 1);
    enable(M, 4);
    for (let i = 0; i < 3; i++) {
      p.setSource(4, true);
      p.setSource(4, false);
    }
    assert.equal(claim(M), 4);
    assert.equal(claim(M), 0);
    assert.equal(outs[M].level, false);
  });

  it('claim takes the highest priority, lowest id on ties, and clears pending', () => {
    const { p, prio, enable, claim, complete, pendingBit, outs } = plic();
    for (const id of [3, 5, 40, 96]) {
      enable(M, id);
      p.setSource(id, true);
    }
    prio(3, 1);
    prio(5, 4);
    prio(40, 4);
    prio(96, 2);
    assert.equal(claim(M), 5);
    assert.equal(pendingBit(5), 0);
    assert.equal(claim(M), 40);
    assert.equal(claim(M), 96);
    assert.equal(claim(M), 3);
    assert.equal(claim(M), 0, 'nothing left');
    assert.equal(outs[M].level, false, 'all in service');
    complete(M, 40);
    assert.equal(pendingBit(40), 1, 'line still high: pending again');
    assert.equal(outs[M].level, true);
    assert.equal(claim(M), 40);
  });

  it('a source in service is not requested again until completed', () => {
    const { p, prio, enable, claim, complete, outs, pendingBit } = plic();
    prio(10, 1);
    enable(S, 10);
    p.setSource(10, true);
    assert.equal(claim(S), 10);
    p.setSource(10, false);
    p.setSource(10, true);
    assert.equal(pendingBit(10), 0);
    assert.equal(outs[S].level, false);
    p.setSource(10, false);
    complete(S, 10);
    assert.equal(pendingBit(10), 0, 'the line dropped before completion: no new request');
    assert.equal(outs[S].level, false);
  });

  it('completion of a source not enabled for the context is ignored', () => {
    const { p, prio, enable, claim, complete, wr, outs } = plic();
    prio(7, 1);
    enable(M, 7);
    p.setSource(7, true);
    assert.equal(claim(M), 7);
    complete(S, 7);
    assert.equal(outs[M].level, false, 'still in service');
    wr(PLIC_ENABLE, 0);
    complete(M, 7);
    assert.equal(outs[M].level, false, 'disabled: completion ignored');
    enable(M, 7);
    complete(M, 7);
    assert.equal(outs[M].level, true);
    complete(M, 0);
    complete(M, 1000);
  });

  it('two contexts share sources: a claim by one takes it from both', () => {
    const { p, prio, enable, claim, complete, outs } = plic();
    prio(10, 1);
    enable(M, 10);
    enable(S, 10);
    p.setSource(10, true);
    assert.deepEqual([outs[M].level, outs[S].level], [true, true]);
    assert.equal(claim(S), 10);
    assert.deepEqual([outs[M].level, outs[S].level], [false, false]);
    assert.equal(claim(M), 0);
    complete(S, 10);
    assert.deepEqual([outs[M].level, outs[S].level], [true, true]);
  });

  it('claims ignore the threshold (per the spec)', () => {
    const { p, prio, enable, threshold, claim, outs } = plic();
    prio(9, 1);
    enable(M, 9);
    threshold(M, 7);
    p.setSource(9, true);
    assert.equal(outs[M].level, false);
    assert.equal(claim(M), 9);
  });

  it("Linux's plic driver sequence: mask all, set priorities, enable for S, threshold 0, claim/complete", () => {
    const { p, rd, wr, outs } = plic();
    // plic_init: for each context disable all; threshold 0 ... ; plic_irq_enable -> priority 1 + enable bit
    for (let ctx = 0; ctx < 2; ctx++) for (let w = 0; w < 4; w++) wr(PLIC_ENABLE + 0x80 * ctx + 4 * w, 0);
    for (let id = 1; id <= 96; id++) wr(4 * id, 1);
    wr(PLIC_CONTEXT + 0x1000 * S, 0);
    wr(PLIC_ENABLE + 0x80 * S, rd(PLIC_ENABLE + 0x80 * S) | (1 << 10));
    const uartLine = p.source(10);
    uartLine.set(true);
    assert.equal(outs[S].level, true);
    const hwirq = rd(PLIC_CONTEXT + 0x1000 * S + 4);
    assert.equal(hwirq, 10);
    uartLine.set(false); // the handler drained the UART
    wr(PLIC_CONTEXT + 0x1000 * S + 4, hwirq);
    assert.equal(outs[S].level, false);
    assert.equal(rd(PLIC_CONTEXT + 0x1000 * S + 4), 0, 'a claim with nothing pending returns 0');
  });
});

describe('PLIC snapshot and reset', () => {
  it('a restored PLIC has the same registers, in-service sources and output levels', () => {
    const a = plic();
    a.prio(10, 3);
    a.prio(20, 2);
    a.enable(S, 10, 20);
    a.threshold(M, 4);
    a.p.setSource(10, true);
    a.p.setSource(20, true);
    assert.equal(a.claim(S), 10);
    const b = plic();
    b.p.loadState(a.p.saveState());
    assert.equal(b.outs[S].level, true);
    assert.equal(b.rd(4 * 10), 3);
    assert.equal(b.rd(PLIC_CONTEXT), 4);
    assert.equal(b.claim(S), 20);
    b.complete(S, 10);
    assert.equal(b.claim(S), 10, 'line high at save time: pending again after completion');
    assert.throws(() => new Plic({ ndev: 8, contexts: [new IrqProbe()] }).loadState(a.p.saveState()), /another PLIC configuration/);
  });

  it('reset clears registers but keeps the lines (a high line is pending again)', () => {
    const { p, prio, enable, claim, pendingBit, rd, outs } = plic();
    prio(10, 1);
    enable(S, 10);
    p.setSource(10, true);
    claim(S);
    p.reset();
    assert.equal(rd(4 * 10), 0);
    assert.equal(rd(PLIC_ENABLE + 0x80), 0);
    assert.equal(pendingBit(10), 1);
    assert.equal(outs[S].level, false);
  });
});
