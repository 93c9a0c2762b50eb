/**
 * The device tree of univm's virt platform: QEMU 7.2's `-M virt` tree, node for node and
 * property for property, for the devices univm has (same names, values, phandle numbers and
 * order, so `dtc -I dtb -O dts` of both differ only where the machines differ). Left out on
 * purpose, because univm does not model them: /pmu, /fw-cfg, /flash, /platform-bus,
 * /soc/rtc, /soc/pci, /soc/virtio_mmio@*, and /chosen/rng-seed unless a seed is given. The
 * hart's riscv,isa and mmu-type are parameters (QEMU's default CPU reports more extensions).
 */
import { bigCells, Fdt } from './fdt.js';
import { VIRT } from './virt-map.js';

export interface VirtDtOptions {
  /** RAM size in bytes (QEMU's -m). */
  ramSize: bigint | number;
  /** Number of harts (QEMU's -smp), default 1. */
  harts?: number;
  /** The cpus' riscv,isa string. */
  isa?: string;
  /** The cpus' mmu-type: 'riscv,sv39', 'riscv,sv48' (QEMU's default) or 'riscv,sv57'. */
  mmuType?: string;
  /** /chosen/bootargs (QEMU's -append). */
  bootargs?: string;
  /** Physical bounds of the initial ramdisk: /chosen/linux,initrd-start and -end. */
  initrd?: { start: bigint | number; end: bigint | number };
  /** /chosen/rng-seed bytes (QEMU puts 32 random bytes here; omitted by default for reproducibility). */
  rngSeed?: Uint8Array;
  /** /chosen/stdout-path. */
  stdoutPath?: string;
}

export const DEFAULT_ISA = 'rv64imafdc_zicsr_zifencei';
export const DEFAULT_MMU_TYPE = 'riscv,sv48';
export const UART0_PATH = `/soc/serial@${VIRT.uart0.base.toString(16)}`;

/** Interrupt numbers of the cpu-intc (mcause codes). */
const IRQ_M_SOFT = 3, IRQ_M_TIMER = 7, IRQ_S_EXT = 9, IRQ_M_EXT = 11;

/** reg = <address size> with the root's 2 address cells and 2 size cells. */
function reg2(base: bigint | number, size: bigint | number): number[] {
  return [...bigCells(base, 2), ...bigCells(size, 2)];
}

/** A u32 when the value fits (as QEMU writes the initrd bounds), else a u64. */
function addrProp(v: bigint | number): { u32?: number; u64?: bigint } {
  const x = BigInt(v);
  return x <= 0xffffffffn ? { u32: Number(x) } : { u64: x };
}

export function virtDeviceTree(opts: VirtDtOptions): Fdt {
  const harts = opts.harts ?? 1;
  if (!Number.isInteger(harts) || harts < 1 || harts > 512) throw new RangeError(`hart count must be 1..512 (got ${harts})`);
  const ramSize = BigInt(opts.ramSize);
  if (ramSize <= 0n) throw new RangeError('RAM size must be positive');
  const fdt = new Fdt();
  const root = fdt.root;
  root.u32('#address-cells', 2).u32('#size-cells', 2).string('compatible', 'riscv-virtio').string('model', 'riscv-virtio,qemu');

  const chosen = root.add('chosen');
  if (opts.initrd) {
    const end = addrProp(opts.initrd.end), start = addrProp(opts.initrd.start);
    if (end.u32 !== undefined) chosen.u32('linux,initrd-end', end.u32); else chosen.u64('linux,initrd-end', end.u64!);
    if (start.u32 !== undefined) chosen.u32('linux,initrd-start', start.u32); else chosen.u64('linux,initrd-start', start.u64!);
  }
  if (opts.rngSeed) chosen.bytes('rng-seed', opts.rngSeed);
  if (opts.bootargs !== undefined) chosen.string('bootargs', opts.bootargs);
  chosen.string('stdout-path', opts.stdoutPath ?? UART0_PATH);

  // Filled in below, once the test device's phandle is known (QEMU allocates it last).
  const poweroff = root.add('poweroff');
  const reboot = root.add('reboot');

  root.add(`memory@${VIRT.dramBase.toString(16)}`).string('device_type', 'memory').cells('reg', ...reg2(VIRT.dramBase, ramSize));

  const cpus = root.add('cpus');
  cpus.u32('#address-cells', 1).u32('#size-cells', 0).u32('timebase-frequency', VIRT.timebaseHz);
  // QEMU creates the cpu nodes from the last hart down, each taking two phandles (cpu, intc),
  // and lists them in increasing order.
  const cpuPhandle: number[] = [], intcPhandle: number[] = [];
  for (let h = harts - 1; h >= 0; h--) {
    cpuPhandle[h] = fdt.allocPhandle();
    intcPhandle[h] = fdt.allocPhandle();
  }
  for (let h = 0; h < harts; h++) {
    const cpu = cpus.add(`cpu@${h.toString(16)}`);
    cpu.phandle(cpuPhandle[h]).string('device_type', 'cpu').u32('reg', h).string('status', 'okay')
      .string('compatible', 'riscv').string('riscv,isa', opts.isa ?? DEFAULT_ISA).string('mmu-type', opts.mmuType ?? DEFAULT_MMU_TYPE);
    cpu.add('interrupt-controller').u32('#interrupt-cells', 1).empty('interrupt-controller')
      .string('compatible', 'riscv,cpu-intc').phandle(intcPhandle[h]);
  }
  const cluster = cpus.add('cpu-map').add('cluster0');
  for (let h = 0; h < harts; h++) cluster.add(`core${h}`).u32('cpu', cpuPhandle[h]);

  const plicPhandle = fdt.allocPhandle();
  const testPhandle = fdt.allocPhandle();

  const soc = root.add('soc');
  soc.u32('#address-cells', 2).u32('#size-cells', 2).string('compatible', 'simple-bus').empty('ranges');

  soc.add(`serial@${VIRT.uart0.base.toString(16)}`)
    .u32('interrupts', VIRT.uart0Irq).u32('interrupt-parent', plicPhandle).u32('clock-frequency', VIRT.uartClockHz)
    .cells('reg', ...reg2(VIRT.uart0.base, VIRT.uart0.size)).string('compatible', 'ns16550a');

  soc.add(`test@${VIRT.test.base.toString(16)}`).phandle(testPhandle)
    .cells('reg', ...reg2(VIRT.test.base, VIRT.test.size)).strings('compatible', 'sifive,test1', 'sifive,test0', 'syscon');

  const plicIrqs: number[] = [], clintIrqs: number[] = [];
  for (let h = 0; h < harts; h++) {
    plicIrqs.push(intcPhandle[h], IRQ_M_EXT, intcPhandle[h], IRQ_S_EXT);
    clintIrqs.push(intcPhandle[h], IRQ_M_SOFT, intcPhandle[h], IRQ_M_TIMER);
  }
  soc.add(`plic@${VIRT.plic.base.toString(16)}`).phandle(plicPhandle).u32('riscv,ndev', VIRT.plicNdev)
    .cells('reg', ...reg2(VIRT.plic.base, VIRT.plic.size)).cells('interrupts-extended', ...plicIrqs)
    .empty('interrupt-controller').strings('compatible', 'sifive,plic-1.0.0', 'riscv,plic0')
    .u32('#address-cells', 0).u32('#interrupt-cells', 1);

  soc.add(`clint@${VIRT.clint.base.toString(16)}`).cells('interrupts-extended', ...clintIrqs)
    .cells('reg', ...reg2(VIRT.clint.base, VIRT.clint.size)).strings('compatible', 'sifive,clint0', 'riscv,clint0');

  poweroff.u32('value', 0x5555).u32('offset', 0).u32('regmap', testPhandle).string('compatible', 'syscon-poweroff');
  reboot.u32('value', 0x7777).u32('offset', 0).u32('regmap', testPhandle).string('compatible', 'syscon-reboot');
  return fdt;
}

/** The virt platform's device tree as a DTB. */
export function virtDtb(opts: VirtDtOptions & { padding?: number }): Uint8Array {
  return virtDeviceTree(opts).toBlob({ padding: opts.padding });
}
