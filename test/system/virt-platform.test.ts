/**
 * The virt platform assembled: guest-style MMIO through the bus at QEMU's addresses, the UART
 * interrupt travelling through the PLIC to a hart's SEIP/MEIP, the timer's MTIP and deadline,
 * software interrupts, poweroff, reset and snapshots.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { BusError, BusMapError } from '../../src/vms/system/bus.js';
import { MIP_MEIP, MIP_MSIP, MIP_MTIP, MIP_SEIP } from '../../src/vms/system/irq.js';
import { parseFdt } from '../../src/vms/system/fdt.js';
import { SifiveTest } from '../../src/vms/system/sifive-test.js';
import { TestRequest } from '../../src/vms/system/sifive-test.js';
import { VirtPlatform } from '../../src/vms/system/virt-platform.js';

const PLIC = 0xc000000, UART = 0x10000000, CLINT = 0x2000000;

function platform(harts = 1) {
  const clock = { now: 0n };
  const out: number[] = [];
  const reqs: TestRequest[] = [];
  const vm = new VirtPlatform({ ramSize: 128 << 20, harts, time: () => clock.now, onOutput: (b) => out.push(b), onTestRequest: (r) => reqs.push(r) });
  const changes: number[] = [];
  vm.pins.onChange = (h) => changes.push(h);
  return { vm, clock, out, reqs, changes };
}

describe('virt platform', () => {
  it('maps the devices at QEMU virt addresses, with RAM and the reset ROM reserved', () => {
    const { vm } = platform();
    assert.deepEqual(vm.bus.mappings().map((m) => [m.device.name, m.base, m.end - m.base]), [
      ['test', 0x100000, 0x1000], ['clint', 0x2000000, 0x10000], ['plic', 0xc000000, 0x600000], ['uart0', 0x10000000, 0x100],
    ]);
    assert.deepEqual(vm.bus.memoryRegions().map((r) => [r.name, r.base, r.size]), [['mrom', 0x1000, 0xf000], ['ram', 0x80000000, 128 << 20]]);
    assert.throws(() => vm.bus.map(0x80000000 + (64 << 20), new SifiveTest(() => {})), BusMapError);
    assert.throws(() => vm.bus.read(0x101000, 4), BusError);
  });

  it('UART receive interrupt reaches SEIP through PLIC context 1, as Linux sets it up', () => {
    const { vm, changes } = platform();
    const w = (a: number, s: 1 | 4, v: number) => vm.bus.write(a, s, BigInt(v));
    const r = (a: number, s: 1 | 4) => Number(vm.bus.read(a, s));
    w(PLIC + 4 * 10, 4, 1);
    w(PLIC + 0x2080, 4, 1 << 10);
    w(PLIC + 0x201000, 4, 0);
    w(UART + 1, 1, 0x01); // IER.RDI
    assert.equal(vm.mip(0) & (MIP_SEIP | MIP_MEIP), 0);
    vm.uart.pushInput('ls\n');
    assert.equal(vm.mip(0) & (MIP_SEIP | MIP_MEIP), MIP_SEIP);
    assert.ok(changes.length > 0, 'the hart was told');
    assert.equal(r(PLIC + 0x201004, 4), 10);
    assert.equal(vm.mip(0) & MIP_SEIP, 0, 'claimed');
    let got = '';
    while (r(UART + 5, 1) & 1) got += String.fromCharCode(r(UART, 1));
    assert.equal(got, 'ls\n');
    w(PLIC + 0x201004, 4, 10);
    assert.equal(vm.mip(0) & MIP_SEIP, 0, 'drained before completion: no new interrupt');
  });

  it('the M-mode context drives MEIP', () => {
    const { vm } = platform(2);
    vm.bus.write(PLIC + 4 * 10, 4, 1n);
    vm.bus.write(PLIC + 0x2000 + 0x80 * 2, 4, BigInt(1 << 10)); // context 2 = hart 1, M-mode
    vm.bus.write(UART + 1, 1, 0x02n); // IER.THRI: THR empty at once
    assert.equal(vm.mip(1) & MIP_MEIP, MIP_MEIP);
    assert.equal(vm.mip(0) & MIP_MEIP, 0);
  });

  it('CLINT: MTIP from the comparator, the WFI deadline, MSIP', () => {
    const { vm, clock, out } = platform();
    vm.bus.write(CLINT + 0x4000, 8, 1000n);
    assert.equal(vm.mip(0) & MIP_MTIP, 0);
    assert.equal(vm.nextTimerDeadline(), 1000n);
    clock.now = 400n;
    assert.equal(vm.clint.ticksUntil(vm.nextTimerDeadline()!), 600n);
    clock.now = 1000n;
    assert.equal(vm.mip(0) & MIP_MTIP, MIP_MTIP);
    assert.equal(vm.mtime(), 1000n);
    vm.bus.write(CLINT, 4, 1n);
    assert.equal(vm.mip(0) & MIP_MSIP, MIP_MSIP);
    vm.bus.write(UART, 1, 0x41n);
    assert.deepEqual(out, [0x41]);
  });

  it('test finisher requests reach the callback', () => {
    const { vm, reqs } = platform();
    vm.bus.write(0x100000, 4, 0x3333n | (3n << 16n));
    assert.deepEqual(reqs, [{ kind: 'fail', code: 3 }]);
  });

  it('the device tree describes this platform', () => {
    const { vm } = platform(2);
    const fdt = parseFdt(vm.deviceTree({ bootargs: 'console=ttyS0' }));
    assert.deepEqual(fdt.node('/memory@80000000')!.getCells('reg'), [0, 0x80000000, 0, 128 << 20]);
    assert.ok(fdt.node('/cpus/cpu@1'));
    assert.equal(fdt.node('/chosen')!.getString('bootargs'), 'console=ttyS0');
    for (const m of vm.bus.mappings()) {
      const node = fdt.node('/soc')!.children.find((c) => c.name.endsWith(`@${m.base.toString(16)}`));
      assert.ok(node, `a DT node for ${m.device.name}`);
      assert.deepEqual(node.getCells('reg'), [0, m.base, 0, m.end - m.base]);
    }
  });

  it('reset puts every device back to power-on state', () => {
    const { vm } = platform();
    vm.bus.write(CLINT, 4, 1n);
    vm.bus.write(PLIC + 4, 4, 5n);
    vm.bus.write(UART + 7, 1, 0x99n);
    vm.reset();
    assert.equal(vm.mip(0) & MIP_MSIP, 0);
    assert.equal(vm.bus.read(PLIC + 4, 4), 0n);
    assert.equal(vm.bus.read(UART + 7, 1), 0n);
    assert.equal(vm.mtime(), 0n);
  });

  it('a saved platform restores into a fresh one with the same pending interrupts', () => {
    const a = platform();
    a.vm.bus.write(PLIC + 4 * 10, 4, 1n);
    a.vm.bus.write(PLIC + 0x2080, 4, BigInt(1 << 10));
    a.vm.bus.write(UART + 1, 1, 1n);
    a.vm.uart.pushInput('q');
    a.vm.bus.write(CLINT, 4, 1n);
    a.clock.now = 77n;
    const saved = a.vm.saveState();
    const b = platform();
    b.vm.loadState(saved);
    assert.equal(b.vm.mip(0), a.vm.mip(0));
    assert.equal(b.vm.mip(0) & (MIP_SEIP | MIP_MSIP), MIP_SEIP | MIP_MSIP);
    assert.equal(b.vm.mtime(), 77n);
    assert.equal(b.vm.bus.read(PLIC + 0x201004, 4), 10n);
    assert.equal(b.vm.bus.read(UART, 1), BigInt('q'.charCodeAt(0)));
  });
});
