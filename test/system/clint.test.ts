/** CLINT (ACLINT MSWI + MTIMER at the SiFive layout): registers, MTIP, deadlines, MSIP wiring. */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { Bus, BusError } from '../../src/vms/system/bus.js';
import { Clint, CLINT_MSIP, CLINT_MTIME, CLINT_MTIMECMP } from '../../src/vms/system/clint.js';
import { HartIrqPins, MIP_MSIP } from '../../src/vms/system/irq.js';

function clint(harts = 1) {
  const clock = { now: 0n };
  const pins = new HartIrqPins(harts);
  const changes: number[] = [];
  pins.onChange = (h) => changes.push(h);
  const c = new Clint({ time: () => clock.now, pins });
  const bus = new Bus();
  bus.map(0x2000000, c);
  return { c, pins, clock, changes, bus };
}

describe('CLINT mtime', () => {
  it('follows the time source, read whole or by halves', () => {
    const { c, clock } = clint();
    assert.equal(c.read(CLINT_MTIME, 8), 0n);
    clock.now = 0x1_2345_6789n;
    assert.equal(c.read(CLINT_MTIME, 8), 0x1_2345_6789n);
    assert.equal(c.read(CLINT_MTIME, 4), 0x2345_6789n);
    assert.equal(c.read(CLINT_MTIME + 4, 4), 1n);
    assert.equal(c.mtime(), 0x1_2345_6789n);
  });

  it('writes set mtime, which keeps counting from there', () => {
    const { c, clock } = clint();
    clock.now = 1000n;
    c.write(CLINT_MTIME, 8, 50n);
    assert.equal(c.mtime(), 50n);
    clock.now = 1010n;
    assert.equal(c.mtime(), 60n);
    c.write(CLINT_MTIME + 4, 4, 7n);
    assert.equal(c.mtime(), (7n << 32n) | 60n);
    c.write(CLINT_MTIME, 4, 0xffff_fff0n);
    assert.equal(c.mtime(), (7n << 32n) | 0xffff_fff0n);
  });

  it('wraps at 2^64', () => {
    const { c, clock } = clint();
    c.write(CLINT_MTIME, 8, 0xffff_ffff_ffff_fffen);
    clock.now += 3n;
    assert.equal(c.mtime(), 1n);
  });
});

describe('CLINT mtimecmp and MTIP', () => {
  it('resets to 0, so MTIP is high until firmware programs the comparator (as on QEMU)', () => {
    const { c } = clint();
    assert.equal(c.read(CLINT_MTIMECMP, 8), 0n);
    assert.equal(c.mtip(0), true);
  });

  it('MTIP rises when mtime reaches mtimecmp (unsigned compare)', () => {
    const { c, clock, changes } = clint();
    c.write(CLINT_MTIMECMP, 8, 100n);
    assert.deepEqual(changes, [0], 'the hart is told to re-evaluate');
    clock.now = 99n;
    assert.equal(c.mtip(0), false);
    clock.now = 100n;
    assert.equal(c.mtip(0), true);
    c.write(CLINT_MTIMECMP, 8, -1n);
    assert.equal(c.read(CLINT_MTIMECMP, 8), 0xffff_ffff_ffff_ffffn);
    assert.equal(c.mtip(0), false);
  });

  it('32-bit halves: OpenSBI-style -1 high first, then low, then high', () => {
    const { c } = clint();
    c.write(CLINT_MTIMECMP + 4, 4, 0xffff_ffffn);
    c.write(CLINT_MTIMECMP, 4, 0x8000_0000n);
    c.write(CLINT_MTIMECMP + 4, 4, 2n);
    assert.equal(c.read(CLINT_MTIMECMP, 8), 0x2_8000_0000n);
    assert.equal(c.read(CLINT_MTIMECMP, 4), 0x8000_0000n);
    assert.equal(c.read(CLINT_MTIMECMP + 4, 4), 2n);
  });

  it('per hart comparators', () => {
    const { c, clock, changes } = clint(3);
    c.write(CLINT_MTIMECMP + 8, 8, 10n);
    c.write(CLINT_MTIMECMP + 16, 8, 20n);
    c.write(CLINT_MTIMECMP, 8, 30n);
    assert.deepEqual(changes, [1, 2, 0]);
    clock.now = 15n;
    assert.deepEqual([0, 1, 2].map((h) => c.mtip(h)), [false, true, false]);
    assert.equal(c.timecmp(2), 20n);
  });

  it('nextDeadline: the earliest comparator still ahead, per hart or overall', () => {
    const { c, clock } = clint(2);
    c.setTimecmp(0, -1n);
    c.setTimecmp(1, -1n);
    assert.equal(c.nextDeadline(), undefined, 'disarmed comparators are no deadline');
    c.setTimecmp(0, 500n);
    c.setTimecmp(1, 300n);
    assert.equal(c.nextDeadline(), 300n);
    assert.equal(c.nextDeadline(0), 500n);
    assert.equal(c.ticksUntil(300n), 300n);
    clock.now = 300n;
    assert.equal(c.nextDeadline(), 500n, 'hart 1 is already pending');
    assert.equal(c.ticksUntil(500n), 200n);
    clock.now = 600n;
    assert.equal(c.nextDeadline(), undefined);
    assert.equal(c.ticksUntil(500n), 0n);
  });

  it('writing mtime re-evaluates every hart', () => {
    const { c, changes } = clint(2);
    c.write(CLINT_MTIME, 8, 5n);
    assert.deepEqual(changes, [0, 1]);
  });
});

describe('CLINT msip', () => {
  it('bit 0 drives MSIP of its hart; other bits read 0', () => {
    const { c, pins, changes } = clint(2);
    c.write(CLINT_MSIP + 4, 4, 0xffff_ffffn);
    assert.equal(c.read(CLINT_MSIP + 4, 4), 1n);
    assert.equal(pins.get(1), MIP_MSIP);
    assert.equal(pins.get(0), 0);
    assert.deepEqual(changes, [1]);
    c.write(CLINT_MSIP + 4, 4, 1n);
    assert.deepEqual(changes, [1], 'no change, no notification');
    c.write(CLINT_MSIP + 4, 4, 2n);
    assert.equal(pins.get(1), 0);
    assert.equal(c.read(CLINT_MSIP + 4, 4), 0n);
  });

  it('registers of harts that do not exist read 0 and ignore writes', () => {
    const { c, pins } = clint(1);
    c.write(CLINT_MSIP + 4, 4, 1n);
    c.write(CLINT_MTIMECMP + 8, 8, 1n);
    assert.equal(c.read(CLINT_MSIP + 4, 4), 0n);
    assert.equal(c.read(CLINT_MTIMECMP + 8, 8), 0n);
    assert.equal(c.read(0xc000, 4), 0n);
    assert.equal(pins.get(0), 0);
  });
});

describe('CLINT access rules (through the bus)', () => {
  it('msip takes 32-bit accesses only; the timer 32 and 64; bytes and halfwords never', () => {
    const { bus } = clint();
    assert.throws(() => bus.read(0x2000000, 8), (e: unknown) => e instanceof BusError && e.reason === 'size' && /msip/.test(e.message));
    assert.throws(() => bus.write(0x2000000, 8, 1n), (e: unknown) => e instanceof BusError && e.reason === 'size');
    assert.throws(() => bus.read(0x200bff8, 1), (e: unknown) => e instanceof BusError && e.reason === 'size');
    assert.throws(() => bus.read(0x2004000, 2), (e: unknown) => e instanceof BusError && e.reason === 'size');
    assert.throws(() => bus.read(0x200bffc, 8), (e: unknown) => e instanceof BusError && e.reason === 'misaligned');
    assert.equal(bus.read(0x200bffc, 4), 0n);
    bus.write(0x2004000, 8, 77n);
    assert.equal(bus.read(0x2004000, 8), 77n);
  });
});

describe('CLINT snapshot and reset', () => {
  it('a restored CLINT keeps comparators and msip, and mtime continues from the saved value', () => {
    const a = clint(2);
    a.clock.now = 1000n;
    a.c.setTimecmp(1, 1234n);
    a.c.write(CLINT_MSIP, 4, 1n);
    const saved = a.c.saveState();
    const b = clint(2);
    b.clock.now = 5n; // another time source
    b.c.loadState(saved);
    assert.equal(b.c.mtime(), 1000n);
    b.clock.now = 10n;
    assert.equal(b.c.mtime(), 1005n);
    assert.equal(b.c.timecmp(1), 1234n);
    assert.equal(b.pins.get(0), MIP_MSIP);
    assert.throws(() => clint(1).c.loadState(saved), /2 harts/);
  });

  it('reset: mtime 0, comparators 0, msip cleared', () => {
    const { c, clock, pins } = clint();
    clock.now = 99n;
    c.write(CLINT_MSIP, 4, 1n);
    c.setTimecmp(0, 5000n);
    c.reset();
    assert.equal(c.mtime(), 0n);
    assert.equal(c.timecmp(0), 0n);
    assert.equal(pins.get(0), 0);
  });
});
