/**
 * univm's virt device tree against QEMU 7.2's (golden files recorded by golden/record.sh):
 * every node we model has QEMU's name, properties, values and order; what QEMU has and we do
 * not is exactly the list of devices we leave out on purpose. With dtc installed, dtc must read
 * our blob back to the same tree; with UNIVM_LIVE=1 and qemu-system-riscv64 7.2 installed, the
 * golden files are checked against a fresh dump.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { parseFdt } from '../../src/vms/system/fdt.js';
import { DEFAULT_ISA, virtDeviceTree, virtDtb, VirtDtOptions } from '../../src/vms/system/virt-dt.js';
import { LIVE, qemuSystemVersion, REPO, which } from '../support/repo.js';
import { flatten, FlatTree, parseDts } from './dts.js';

const GOLDEN = path.join(REPO, 'test', 'system', 'golden');
const QEMU_ISA = 'rv64imafdch_zicsr_zifencei_zihintpause_zba_zbb_zbc_zbs_sstc';
const MiB = 1024 * 1024;

/** Nodes of QEMU's tree that univm does not model (kept out on purpose). */
const NOT_MODELLED = [
  /^\/pmu$/, /^\/fw-cfg@10100000$/, /^\/flash@20000000$/, /^\/platform-bus@4000000$/,
  /^\/soc\/rtc@101000$/, /^\/soc\/pci@30000000$/, /^\/soc\/virtio_mmio@1000[1-8]000$/,
];
/** Properties whose values differ on purpose: the hart reports its own extensions. */
const DIFFERENT_VALUES = new Set(['riscv,isa']);

const CASES: { golden: string; opts: VirtDtOptions }[] = [
  { golden: 'qemu-virt.dts', opts: { ramSize: 128 * MiB } },
  { golden: 'qemu-virt-smp2.dts', opts: { ramSize: 128 * MiB, harts: 2 } },
  {
    golden: 'qemu-virt-chosen.dts',
    opts: { ramSize: 256 * MiB, bootargs: 'console=ttyS0 earlycon=sbi root=/dev/vda rw', initrd: { start: 0x88200000, end: 0x88200000 + 5000 } },
  },
];

function golden(name: string): FlatTree {
  return flatten(parseDts(readFileSync(path.join(GOLDEN, name), 'utf8')));
}

/** Asserts `ours` is `qemu` minus the unmodelled nodes, in the same order, values equal except `differ`. */
function assertMatches(ours: FlatTree, qemu: FlatTree, differ: Set<string>): void {
  const expectedPaths = [...qemu.keys()].filter((p) => !NOT_MODELLED.some((re) => re.test(p.split('/').slice(0, 3).join('/')) || re.test(p)));
  assert.deepEqual([...ours.keys()], expectedPaths, 'nodes (in order)');
  for (const p of expectedPaths) {
    const q = qemu.get(p)!, o = ours.get(p)!;
    assert.deepEqual([...o.keys()], [...q.keys()], `properties of ${p} (in order)`);
    for (const [name, value] of q) {
      if (differ.has(name)) continue;
      assert.equal(o.get(name), value, `${p}:${name}`);
    }
  }
}

describe('virt device tree vs QEMU 7.2', () => {
  for (const c of CASES) {
    it(`${c.golden}: same nodes and properties for the devices we model`, () => {
      const ours = flatten(parseFdt(virtDtb(c.opts)));
      assertMatches(ours, golden(c.golden), DIFFERENT_VALUES);
    });
    it(`${c.golden}: identical when given QEMU's isa string`, () => {
      const ours = flatten(parseFdt(virtDtb({ ...c.opts, isa: QEMU_ISA })));
      assertMatches(ours, golden(c.golden), new Set());
    });
  }

  it('leaves out exactly the devices we do not model', () => {
    const qemu = golden('qemu-virt.dts');
    const ours = flatten(parseFdt(virtDtb({ ramSize: 128 * MiB })));
    const missing = [...qemu.keys()].filter((p) => !ours.has(p));
    assert.deepEqual(missing, [
      '/pmu', '/fw-cfg@10100000', '/flash@20000000', '/platform-bus@4000000',
      '/soc/rtc@101000', '/soc/pci@30000000',
      ...[8, 7, 6, 5, 4, 3, 2, 1].map((i) => `/soc/virtio_mmio@1000${i}000`),
    ]);
  });
});

describe('virt device tree contents', () => {
  const fdt = parseFdt(virtDtb({ ramSize: 512 * MiB, harts: 2 }));

  it('header: version 17, no reservations, boot cpu 0', () => {
    const blob = virtDtb({ ramSize: 512 * MiB });
    const dv = new DataView(blob.buffer, blob.byteOffset);
    assert.equal(dv.getUint32(0), 0xd00dfeed);
    assert.equal(dv.getUint32(4), blob.length);
    assert.equal(dv.getUint32(20), 17);
    assert.equal(dv.getUint32(24), 16);
    assert.equal(fdt.reservations.length, 0);
    assert.equal(fdt.bootCpuidPhys, 0);
  });

  it('memory node carries the RAM size', () => {
    assert.deepEqual(fdt.node('/memory@80000000')!.getCells('reg'), [0, 0x80000000, 0, 0x20000000]);
    const big = parseFdt(virtDtb({ ramSize: 8n * 1024n * BigInt(MiB) }));
    assert.deepEqual(big.node('/memory@80000000')!.getCells('reg'), [0, 0x80000000, 2, 0]);
  });

  it('cpus: isa, mmu-type and timebase are as given', () => {
    const t = parseFdt(virtDtb({ ramSize: 128 * MiB, isa: 'rv64imac_zicsr', mmuType: 'riscv,sv39' }));
    assert.equal(t.node('/cpus/cpu@0')!.getString('riscv,isa'), 'rv64imac_zicsr');
    assert.equal(t.node('/cpus/cpu@0')!.getString('mmu-type'), 'riscv,sv39');
    assert.equal(t.node('/cpus')!.getU32('timebase-frequency'), 10_000_000);
    assert.equal(fdt.node('/cpus/cpu@1')!.getString('riscv,isa'), DEFAULT_ISA);
    assert.equal(fdt.node('/cpus/cpu@1')!.getString('mmu-type'), 'riscv,sv48');
  });

  it('every phandle reference resolves to the right kind of node', () => {
    const byPhandle = new Map<number, string>();
    const walk = (n = fdt.root, p = '') => {
      const ph = n.getU32('phandle');
      if (ph !== undefined) {
        assert.ok(!byPhandle.has(ph), `phandle ${ph} used twice`);
        byPhandle.set(ph, p || '/');
      }
      for (const c of n.children) walk(c, `${p}/${c.name}`);
    };
    walk();
    const kind = (ph: number) => byPhandle.get(ph) ?? `unknown phandle ${ph}`;
    assert.equal(kind(fdt.node('/soc/serial@10000000')!.getU32('interrupt-parent')!), '/soc/plic@c000000');
    assert.equal(kind(fdt.node('/poweroff')!.getU32('regmap')!), '/soc/test@100000');
    assert.equal(kind(fdt.node('/reboot')!.getU32('regmap')!), '/soc/test@100000');
    const plic = fdt.node('/soc/plic@c000000')!.getCells('interrupts-extended')!;
    assert.deepEqual(plic.filter((_, i) => i % 2 === 0).map(kind), [
      '/cpus/cpu@0/interrupt-controller', '/cpus/cpu@0/interrupt-controller', '/cpus/cpu@1/interrupt-controller', '/cpus/cpu@1/interrupt-controller',
    ]);
    assert.deepEqual(plic.filter((_, i) => i % 2 === 1), [11, 9, 11, 9]);
    const clint = fdt.node('/soc/clint@2000000')!.getCells('interrupts-extended')!;
    assert.deepEqual(clint.filter((_, i) => i % 2 === 1), [3, 7, 3, 7]);
    assert.equal(kind(fdt.node('/cpus/cpu-map/cluster0/core1')!.getU32('cpu')!), '/cpus/cpu@1');
  });

  it('stdout-path names the UART node', () => {
    const p = fdt.node('/chosen')!.getString('stdout-path')!;
    assert.ok(fdt.node(p), p);
    assert.deepEqual(fdt.node(p)!.getStrings('compatible'), ['ns16550a']);
    assert.equal(fdt.node(p)!.getU32('interrupts'), 10);
    assert.equal(fdt.node(p)!.getU32('clock-frequency'), 3_686_400);
  });

  it('chosen: no bootargs or initrd unless given; initrd above 4 GiB as u64; rng-seed when given', () => {
    const chosen = fdt.node('/chosen')!;
    assert.deepEqual(chosen.props.map((p) => p.name), ['stdout-path']);
    const t = virtDeviceTree({ ramSize: 8n << 30n, bootargs: '', initrd: { start: 0x1_0000_0000n, end: 0x1_0000_1000n }, rngSeed: new Uint8Array([1, 2, 3, 4]) });
    const c = parseFdt(t.toBlob()).node('/chosen')!;
    assert.equal(c.prop('linux,initrd-start')!.length, 8);
    assert.equal(c.getNumber('linux,initrd-start'), 0x1_0000_0000n);
    assert.equal(c.getNumber('linux,initrd-end'), 0x1_0000_1000n);
    assert.equal(c.getString('bootargs'), '');
    assert.deepEqual([...c.prop('rng-seed')!], [1, 2, 3, 4]);
  });

  it('padding grows totalsize, leaving the tree as it was', () => {
    const plain = virtDtb({ ramSize: 128 * MiB });
    const padded = virtDtb({ ramSize: 128 * MiB, padding: 4096 });
    assert.equal(padded.length, plain.length + 4096);
    assert.deepEqual(flatten(parseFdt(padded)), flatten(parseFdt(plain)));
  });

  it('rejects bad hart counts and RAM sizes', () => {
    assert.throws(() => virtDtb({ ramSize: 128 * MiB, harts: 0 }), /hart count/);
    assert.throws(() => virtDtb({ ramSize: 0 }), /RAM size/);
  });
});

const HAVE_DTC = which('dtc');

describe('dtc reads our blob', { skip: HAVE_DTC ? false : 'dtc not installed (Debian package device-tree-compiler)' }, () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'univm-dt-'));
  for (const c of CASES) {
    it(`${c.golden}: dtc -I dtb accepts it and decompiles the same tree`, () => {
      const blob = virtDtb(c.opts);
      const file = path.join(dir, c.golden.replace('.dts', '.dtb'));
      writeFileSync(file, blob);
      // -q: QEMU's own tree draws the same interrupt_provider warning; errors still fail.
      const dts = execFileSync('dtc', ['-q', '-I', 'dtb', '-O', 'dts', file], { encoding: 'utf8' });
      assert.deepEqual(flatten(parseDts(dts)), flatten(parseFdt(blob)));
    });
  }
  it('our tree, decompiled, is QEMU\'s text minus the unmodelled nodes (given QEMU\'s isa)', () => {
    const file = path.join(dir, 'isa.dtb');
    writeFileSync(file, virtDtb({ ...CASES[0].opts, isa: QEMU_ISA }));
    const ours = execFileSync('dtc', ['-q', '-I', 'dtb', '-O', 'dts', file], { encoding: 'utf8' });
    const qemuText = readFileSync(path.join(GOLDEN, CASES[0].golden), 'utf8');
    assert.equal(ours, dropNodes(qemuText, ['pmu', 'fw-cfg@10100000', 'flash@20000000', 'platform-bus@4000000', 'rtc@101000', 'pci@30000000', /virtio_mmio@/]));
  });
});

/** Removes the named node blocks (with the blank line before each) from dtc's output. */
function dropNodes(text: string, names: (string | RegExp)[]): string {
  const lines = text.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^(\t+)([^\s]+) \{$/.exec(lines[i]);
    if (m && names.some((n) => (typeof n === 'string' ? n === m[2] : n.test(m[2])))) {
      const close = `${m[1]}};`;
      while (lines[i] !== close) i++;
      if (out.length && out[out.length - 1] === '') out.pop();
      continue;
    }
    out.push(lines[i]);
  }
  return out.join('\n');
}

const qemuVersion = qemuSystemVersion();
const liveSkip = !LIVE ? 'set UNIVM_LIVE=1 to run' : !qemuVersion ? 'qemu-system-riscv64 not installed (Debian package qemu-system-misc)'
  : !HAVE_DTC ? 'dtc not installed (Debian package device-tree-compiler)' : !/version 7\.2\./.test(qemuVersion) ? `golden files are from QEMU 7.2, found ${qemuVersion}` : false;

describe('golden files match the installed QEMU (live)', { skip: liveSkip }, () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'univm-qemu-dt-'));
  const dump = (name: string, args: string[]): FlatTree => {
    const dtb = path.join(dir, `${name}.dtb`);
    execFileSync('qemu-system-riscv64', ['-M', `virt,dumpdtb=${dtb}`, '-nographic', ...args], { stdio: 'ignore' });
    const t = parseDts(execFileSync('dtc', ['-q', '-I', 'dtb', '-O', 'dts', dtb], { encoding: 'utf8' }));
    const chosen = t.node('/chosen')!;
    chosen.props.splice(chosen.props.findIndex((p) => p.name === 'rng-seed'), 1);
    return flatten(t);
  };
  it('qemu-virt.dts', () => assert.deepEqual(dump('a', ['-m', '128M', '-smp', '1']), golden('qemu-virt.dts')));
  it('qemu-virt-smp2.dts', () => assert.deepEqual(dump('b', ['-m', '128M', '-smp', '2']), golden('qemu-virt-smp2.dts')));
  it('qemu-virt-chosen.dts', () => {
    const kernel = path.join(dir, 'kernel'), initrd = path.join(dir, 'initrd');
    writeFileSync(kernel, new Uint8Array(4096));
    writeFileSync(initrd, new Uint8Array(5000));
    const t = dump('c', ['-m', '256M', '-smp', '1', '-kernel', kernel, '-initrd', initrd, '-append', 'console=ttyS0 earlycon=sbi root=/dev/vda rw']);
    assert.deepEqual(t, golden('qemu-virt-chosen.dts'));
  });
});
