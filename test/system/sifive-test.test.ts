/** sifive_test finisher: poweroff, failure codes, reset, ignored values, access sizes. */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { Bus, BusError } from '../../src/vms/system/bus.js';
import { SifiveTest, TestRequest, testExitStatus } from '../../src/vms/system/sifive-test.js';

function device() {
  const reqs: TestRequest[] = [];
  const t = new SifiveTest((r) => reqs.push(r));
  const bus = new Bus();
  bus.map(0x100000, t);
  return { t, reqs, bus };
}

describe('sifive_test', () => {
  it('0x5555 is a pass: exit status 0', () => {
    const { bus, reqs } = device();
    bus.write(0x100000, 4, 0x5555n);
    assert.deepEqual(reqs, [{ kind: 'pass' }]);
    assert.equal(testExitStatus(reqs[0]), 0);
  });

  it('0x3333 | code << 16 is a failure with that exit status', () => {
    const { bus, reqs } = device();
    bus.write(0x100000, 4, 0x3333n | (42n << 16n));
    bus.write(0x100000, 4, 0x3333n | (0xffffn << 16n));
    bus.write(0x100000, 4, 0x3333n);
    assert.deepEqual(reqs, [{ kind: 'fail', code: 42 }, { kind: 'fail', code: 0xffff }, { kind: 'fail', code: 0 }]);
    assert.deepEqual(reqs.map(testExitStatus), [42, 0xffff, 0]);
  });

  it('0x7777 is a reset (the syscon-reboot value)', () => {
    const { bus, reqs } = device();
    bus.write(0x100000, 4, 0x7777n);
    assert.deepEqual(reqs, [{ kind: 'reset' }]);
    assert.equal(testExitStatus(reqs[0]), undefined);
  });

  it('other values and other offsets are ignored; reads return 0', () => {
    const { bus, reqs } = device();
    bus.write(0x100000, 4, 0x1234n);
    bus.write(0x100000, 4, 0x5554n);
    bus.write(0x100004, 4, 0x5555n);
    assert.equal(bus.read(0x100000, 4), 0n);
    assert.deepEqual(reqs, []);
  });

  it('16-bit writes work (no code); bytes and doublewords are refused', () => {
    const { bus, reqs } = device();
    bus.write(0x100000, 2, 0x5555n);
    assert.deepEqual(reqs, [{ kind: 'pass' }]);
    assert.throws(() => bus.write(0x100000, 1, 0x55n), (e: unknown) => e instanceof BusError && e.reason === 'size');
    assert.throws(() => bus.write(0x100000, 8, 0x5555n), (e: unknown) => e instanceof BusError && e.reason === 'size');
  });

  it('syscon-poweroff / syscon-reboot as Linux does them: a 32-bit regmap write of the DT value', () => {
    const { bus, reqs } = device();
    // regmap_write(map, offset 0, value) with the syscon's default 32-bit registers
    bus.write(0x100000 + 0, 4, 0x5555n);
    bus.write(0x100000 + 0, 4, 0x7777n);
    assert.deepEqual(reqs.map((r) => r.kind), ['pass', 'reset']);
  });
});
