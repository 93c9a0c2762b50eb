/** The MMIO bus: mapping, overlap refusal, lookup, and the access rules it enforces. */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { Bus, BusError, BusMapError, MmioDevice } from '../../src/vms/system/bus.js';

class Recorder implements MmioDevice {
  readonly log: string[] = [];
  constructor(readonly name: string, readonly size: number, readonly accessSizes?: number) {}
  read(offset: number, size: number): bigint {
    this.log.push(`r${size}@${offset.toString(16)}`);
    return BigInt(offset);
  }
  write(offset: number, size: number, value: bigint): void {
    this.log.push(`w${size}@${offset.toString(16)}=${value.toString(16)}`);
  }
}

function virtLikeBus() {
  const bus = new Bus({ memory: [{ name: 'ram', base: 0x80000000, size: 0x8000000 }] });
  const test = new Recorder('test', 0x1000), clint = new Recorder('clint', 0x10000), plic = new Recorder('plic', 0x600000, 4), uart = new Recorder('uart0', 0x100);
  bus.map(0x10000000, uart);
  bus.map(0x100000, test);
  bus.map(0xc000000, plic);
  bus.map(0x2000000, clint);
  return { bus, test, clint, plic, uart };
}

describe('bus mapping', () => {
  it('keeps mappings sorted by base', () => {
    const { bus } = virtLikeBus();
    assert.deepEqual(bus.mappings().map((m) => m.device.name), ['test', 'clint', 'plic', 'uart0']);
    assert.deepEqual(bus.mappings().map((m) => m.end - m.base), [0x1000, 0x10000, 0x600000, 0x100]);
  });

  it('refuses a device overlapping another, naming both ranges', () => {
    const { bus } = virtLikeBus();
    assert.throws(() => bus.map(0x100ff0, new Recorder('rtc', 0x1000)), (e: unknown) => {
      assert.ok(e instanceof BusMapError);
      assert.equal(e.message, 'cannot map rtc at 0x100ff0-0x101fef: overlaps test at 0x100000-0x100fff');
      return true;
    });
    assert.throws(() => bus.map(0xbfff000, new Recorder('big', 0x2000)), /overlaps plic at 0xc000000-0xc5fffff/);
    assert.throws(() => bus.map(0x2008000, new Recorder('inside', 0x10)), /overlaps clint/);
    assert.throws(() => bus.map(0x0, new Recorder('all', 0x100000000)), /overlaps/);
  });

  it('refuses a device overlapping RAM or ROM', () => {
    const { bus } = virtLikeBus();
    assert.throws(() => bus.map(0x87fff000, new Recorder('late', 0x2000)), /cannot map late at 0x87fff000-0x88000fff: overlaps ram at 0x80000000-0x87ffffff/);
    bus.addMemory('mrom', 0x1000, 0xf000);
    assert.throws(() => bus.map(0x8000, new Recorder('x', 0x10)), /overlaps mrom at 0x1000-0xffff/);
    assert.throws(() => bus.addMemory('rom2', 0x10000080, 0x100), /cannot map rom2 .* overlaps uart0/);
  });

  it('accepts adjacent regions', () => {
    const { bus } = virtLikeBus();
    bus.map(0x10000100, new Recorder('after-uart', 0xf00));
    bus.map(0x7ffff000, new Recorder('before-ram', 0x1000));
    bus.map(0x88000000, new Recorder('after-ram', 0x1000));
    assert.equal(bus.find(0x100000ff)!.device.name, 'uart0');
    assert.equal(bus.find(0x10000100)!.device.name, 'after-uart');
  });

  it('refuses empty or negative regions', () => {
    const bus = new Bus();
    assert.throws(() => bus.map(0x1000, new Recorder('empty', 0)), /size must be positive/);
    assert.throws(() => bus.map(-1, new Recorder('neg', 1)), /bad base address/);
  });
});

describe('bus lookup', () => {
  it('finds the device for every address and nothing in the holes', () => {
    const { bus } = virtLikeBus();
    const cases: [number, string | undefined][] = [
      [0, undefined], [0xfffff, undefined], [0x100000, 'test'], [0x100fff, 'test'], [0x101000, undefined],
      [0x2000000, 'clint'], [0x200bff8, 'clint'], [0x2010000, undefined], [0xc000000, 'plic'], [0xc5fffff, 'plic'],
      [0xc600000, undefined], [0x10000000, 'uart0'], [0x10000100, undefined], [0x80000000, undefined], [2 ** 40, undefined],
    ];
    // Twice, in varying order, to exercise the last-hit cache both ways.
    for (const order of [cases, [...cases].reverse()]) {
      for (const [addr, name] of order) assert.equal(bus.find(addr)?.device.name, name, `0x${addr.toString(16)}`);
    }
    assert.equal(bus.findMemory(0x80001000)?.name, 'ram');
    assert.equal(bus.findMemory(0x10000000), undefined);
  });

  it('an empty bus finds nothing', () => {
    assert.equal(new Bus().find(0x1000), undefined);
  });
});

describe('bus accesses', () => {
  it('dispatches with offsets relative to the device base', () => {
    const { bus, uart, clint } = virtLikeBus();
    assert.equal(bus.read(0x10000005, 1), 5n);
    bus.write(0x10000000, 1, 0x41n);
    bus.write(0x2004000, 8, 0x1234_5678_9abc_def0n);
    assert.equal(bus.read(0x200bff8, 8), 0xbff8n);
    assert.deepEqual(uart.log, ['r1@5', 'w1@0=41']);
    assert.deepEqual(clint.log, ['w8@4000=123456789abcdef0', 'r8@bff8']);
  });

  it('truncates store values to the access size', () => {
    const { bus, uart } = virtLikeBus();
    bus.write(0x10000000, 1, -1n);
    bus.write(0x10000000, 2, 0x12345n);
    assert.deepEqual(uart.log, ['w1@0=ff', 'w2@0=2345']);
  });

  it('unmapped addresses and accesses running off a device are bus errors', () => {
    const { bus } = virtLikeBus();
    assert.throws(() => bus.read(0x3000000, 4), (e: unknown) => e instanceof BusError && e.reason === 'unmapped' && !e.write && e.addr === 0x3000000
      && e.message === 'load of 4 bytes at 0x3000000: no device or memory at this address');
    assert.throws(() => bus.write(0x3000000, 1, 0n), (e: unknown) => e instanceof BusError && e.write && /store of 1 byte at/.test(e.message));
    assert.throws(() => bus.read(0x100000fc, 8), (e: unknown) => e instanceof BusError && e.reason === 'unmapped');
    const b2 = new Bus();
    b2.map(0x1000, new Recorder('odd', 6));
    assert.throws(() => b2.read(0x1004, 4), (e: unknown) => e instanceof BusError && e.reason === 'unmapped');
  });

  it('misaligned accesses are refused', () => {
    const { bus, clint } = virtLikeBus();
    assert.throws(() => bus.read(0x2004004, 8), (e: unknown) => e instanceof BusError && e.reason === 'misaligned');
    assert.throws(() => bus.write(0x2000002, 4, 1n), (e: unknown) => e instanceof BusError && e.reason === 'misaligned');
    assert.throws(() => bus.read(0x2000001, 2), (e: unknown) => e instanceof BusError && e.reason === 'misaligned');
    assert.deepEqual(clint.log, []);
  });

  it('sizes a device does not accept are refused before it sees them', () => {
    const { bus, plic } = virtLikeBus();
    assert.throws(() => bus.read(0xc000004, 1), (e: unknown) => e instanceof BusError && e.reason === 'size' && /1-byte access not supported by plic/.test(e.message));
    assert.throws(() => bus.write(0xc000008, 8, 0n), (e: unknown) => e instanceof BusError && e.reason === 'size');
    assert.equal(bus.read(0xc000004, 4), 4n);
    assert.deepEqual(plic.log, ['r4@4']);
  });
});
