/**
 * The devices of the virt platform wired together, ready for a hart: the bus with the test
 * finisher, CLINT, PLIC and UART at QEMU's addresses, RAM and the reset ROM declared as memory,
 * the UART on PLIC source 10, and the PLIC's contexts 2h / 2h+1 on hart h's MEIP / SEIP.
 *
 * The hart reads its interrupt inputs with `mip(hart)` (MSIP | MTIP | SEIP | MEIP) and is told
 * to re-read them through `pins.onChange`; WFI sleeps until `nextTimerDeadline()` (in mtime
 * ticks, see Clint.ticksUntil) or until onChange fires. Free of host APIs: time, console
 * output and poweroff arrive through the callbacks given here.
 */
import { Bus } from './bus.js';
import { Clint, ClintState } from './clint.js';
import { HartIrqPins, InterruptInputs, MIP_MEIP, MIP_MTIP, MIP_SEIP } from './irq.js';
import { Ns16550a, Ns16550aState } from './ns16550a.js';
import { Plic, PlicState } from './plic.js';
import { SifiveTest, TestRequest } from './sifive-test.js';
import { VirtDtOptions, virtDtb } from './virt-dt.js';
import { VIRT } from './virt-map.js';

export interface VirtPlatformOptions {
  /** RAM bytes at 0x80000000. */
  ramSize: number;
  harts?: number;
  /** Time source in mtime ticks (VIRT.timebaseHz per second). */
  time: () => bigint;
  /** Bytes the guest writes to the UART. */
  onOutput?: (byte: number) => void;
  /** Poweroff / fail / reset requests written to the test finisher. */
  onTestRequest?: (req: TestRequest) => void;
}

export interface VirtPlatformState {
  pins: Int32Array;
  clint: ClintState;
  plic: PlicState;
  uart: Ns16550aState;
}

export class VirtPlatform implements InterruptInputs {
  readonly harts: number;
  readonly ramSize: number;
  readonly bus: Bus;
  readonly pins: HartIrqPins;
  readonly clint: Clint;
  readonly plic: Plic;
  readonly uart: Ns16550a;
  readonly test: SifiveTest;

  constructor(opts: VirtPlatformOptions) {
    this.harts = opts.harts ?? 1;
    this.ramSize = opts.ramSize;
    this.pins = new HartIrqPins(this.harts);
    this.clint = new Clint({ time: opts.time, pins: this.pins });
    const contexts = [];
    for (let h = 0; h < this.harts; h++) contexts.push(this.pins.line(h, MIP_MEIP), this.pins.line(h, MIP_SEIP));
    this.plic = new Plic({ ndev: VIRT.plicNdev, contexts, priorityBits: VIRT.plicPriorityBits, size: VIRT.plic.size });
    this.uart = new Ns16550a({ irq: this.plic.source(VIRT.uart0Irq), onOutput: opts.onOutput });
    this.test = new SifiveTest(opts.onTestRequest ?? (() => {}));
    this.bus = new Bus({ memory: [{ name: 'mrom', ...VIRT.mrom }, { name: 'ram', base: VIRT.dramBase, size: opts.ramSize }] });
    this.bus.map(VIRT.test.base, this.test);
    this.bus.map(VIRT.clint.base, this.clint);
    this.bus.map(VIRT.plic.base, this.plic);
    this.bus.map(VIRT.uart0.base, this.uart);
  }

  mip(hart: number): number {
    return this.pins.levels[hart] | (this.clint.mtip(hart) ? MIP_MTIP : 0);
  }

  nextTimerDeadline(hart?: number): bigint | undefined { return this.clint.nextDeadline(hart); }
  mtime(): bigint { return this.clint.mtime(); }

  /** The DTB describing this platform (RAM size and hart count filled in). */
  deviceTree(opts: Omit<VirtDtOptions, 'ramSize' | 'harts'> & { padding?: number } = {}): Uint8Array {
    return virtDtb({ ...opts, ramSize: this.ramSize, harts: this.harts });
  }

  /** Machine reset (the test finisher's 0x7777): every device to its power-on state. */
  reset(): void {
    this.clint.reset();
    this.uart.reset();
    this.plic.reset();
  }

  saveState(): VirtPlatformState {
    return { pins: this.pins.saveState(), clint: this.clint.saveState(), plic: this.plic.saveState(), uart: this.uart.saveState() };
  }

  loadState(s: VirtPlatformState): void {
    this.pins.loadState(s.pins);
    this.plic.loadState(s.plic);
    this.uart.loadState(s.uart);
    this.clint.loadState(s.clint);
  }
}
