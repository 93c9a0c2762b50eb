/**
 * The memory map and interrupt numbers of QEMU's `virt` machine (hw/riscv/virt.c, QEMU 7.2),
 * for the parts univm models. One source for the platform, its bus and its device tree.
 */
export interface VirtRegion { readonly base: number; readonly size: number }

export const VIRT = Object.freeze({
  /** Reset ROM: reset vector and firmware info (memory, served by the hart's memory model). */
  mrom: { base: 0x1000, size: 0xf000 } as VirtRegion,
  /** sifive,test finisher: poweroff / reboot. */
  test: { base: 0x100000, size: 0x1000 } as VirtRegion,
  /** CLINT (ACLINT MSWI + MTIMER). */
  clint: { base: 0x2000000, size: 0x10000 } as VirtRegion,
  /** PLIC, decoded for QEMU's maximum of 512 harts x 2 contexts. */
  plic: { base: 0xc000000, size: 0x600000 } as VirtRegion,
  /** NS16550A UART. */
  uart0: { base: 0x10000000, size: 0x100 } as VirtRegion,
  /** virtio-mmio transports (not modelled yet): 8 slots of 4 KiB from here, IRQs 1..8. */
  virtio: { base: 0x10001000, size: 0x1000 } as VirtRegion,
  virtioCount: 8,
  /** Start of RAM; its size is the -m option. */
  dramBase: 0x80000000,
  uart0Irq: 10,
  virtioIrq: 1,
  /** PLIC sources 1..96 (QEMU 7.2's riscv,ndev) with 3 priority bits. */
  plicNdev: 96,
  plicPriorityBits: 3,
  /** mtime ticks per second (the DT's timebase-frequency). */
  timebaseHz: 10_000_000,
  /** The UART's input clock (the DT's clock-frequency). */
  uartClockHz: 3_686_400,
});
