/** Interrupt wiring: hart pins, change notification, probes. */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { HartIrqPins, IrqProbe, MIP_MEIP, MIP_MSIP, MIP_SEIP, NO_IRQ } from '../../src/vms/system/irq.js';

describe('HartIrqPins', () => {
  it('holds one mip-layout bitmask per hart and notifies on changes only', () => {
    const pins = new HartIrqPins(2);
    const seen: number[] = [];
    pins.onChange = (h) => seen.push(h);
    const meip1 = pins.line(1, MIP_MEIP);
    meip1.set(true);
    meip1.set(true);
    pins.set(1, MIP_SEIP, true);
    pins.set(0, MIP_MSIP, true);
    assert.equal(pins.get(1), MIP_MEIP | MIP_SEIP);
    assert.equal(pins.get(0), MIP_MSIP);
    meip1.set(false);
    assert.equal(pins.get(1), MIP_SEIP);
    assert.deepEqual(seen, [1, 1, 0, 1]);
    pins.notify(0);
    assert.deepEqual(seen, [1, 1, 0, 1, 0]);
  });

  it('snapshots are copies of the levels', () => {
    const pins = new HartIrqPins(2);
    pins.set(0, MIP_MEIP, true);
    const s = pins.saveState();
    pins.set(0, MIP_MEIP, false);
    const other = new HartIrqPins(2);
    other.loadState(s);
    assert.equal(other.get(0), MIP_MEIP);
    assert.throws(() => new HartIrqPins(1).loadState(s), /2 harts/);
  });

  it('rejects bad harts', () => {
    assert.throws(() => new HartIrqPins(0), /positive/);
    assert.throws(() => new HartIrqPins(1).line(1, MIP_MEIP), /no hart 1/);
  });
});

describe('IrqProbe and NO_IRQ', () => {
  it('a probe records the level and counts rising edges', () => {
    const p = new IrqProbe();
    p.set(true);
    p.set(true);
    p.set(false);
    p.set(true);
    assert.equal(p.level, true);
    assert.equal(p.rises, 2);
    NO_IRQ.set(true);
  });
});
