/**
 * Interrupt wiring of the virt platform.
 *
 * Devices drive level-triggered lines (IrqLine). The UART's line goes into a PLIC source; the
 * PLIC's per-context outputs and the CLINT's software-interrupt registers drive the harts'
 * interrupt inputs (HartIrqPins), one bitmask per hart laid out like mip:
 *
 *   MSIP (bit 3)  <- CLINT msip[hart]                    (a wire, held in HartIrqPins)
 *   MTIP (bit 7)  <- CLINT mtime >= mtimecmp[hart]       (computed on demand: Clint.mtip)
 *   SEIP (bit 9)  <- PLIC context 2*hart+1 (S-mode)      (a wire, held in HartIrqPins)
 *   MEIP (bit 11) <- PLIC context 2*hart   (M-mode)      (a wire, held in HartIrqPins)
 *
 * SSIP, STIP (Sstc's stimecmp) and the software-writable SEIP bit belong to the hart: the
 * value of mip.SEIP a hart reads is its own writable bit OR the PLIC's S-context wire.
 */

export const MIP_SSIP = 1 << 1;
export const MIP_MSIP = 1 << 3;
export const MIP_STIP = 1 << 5;
export const MIP_MTIP = 1 << 7;
export const MIP_SEIP = 1 << 9;
export const MIP_MEIP = 1 << 11;

/** A level-triggered interrupt wire. `set` is idempotent: receivers act on the level only. */
export interface IrqLine {
  set(level: boolean): void;
}

/** A line connected to nothing. */
export const NO_IRQ: IrqLine = Object.freeze({ set(): void {} });

/** A line whose level can be read back (handy for tests and for devices with no controller). */
export class IrqProbe implements IrqLine {
  level = false;
  /** Number of low-to-high transitions seen. */
  rises = 0;
  set(level: boolean): void {
    if (level && !this.level) this.rises++;
    this.level = level;
  }
}

/**
 * The wired interrupt inputs of the harts, one mip-layout bitmask per hart in a typed array
 * (snapshot: copy `levels`). `onChange(hart)` tells the hart's run loop to re-evaluate pending
 * interrupts: it fires when a wire changes level and when the timer comparator or mtime is
 * written (MTIP may have changed; see Clint).
 */
export class HartIrqPins {
  readonly levels: Int32Array;
  onChange: ((hart: number) => void) | undefined;

  constructor(readonly harts: number) {
    if (!Number.isInteger(harts) || harts < 1) throw new RangeError(`hart count must be a positive integer (got ${harts})`);
    this.levels = new Int32Array(harts);
  }

  /** The wire driving `bit` (one of MIP_MSIP, MIP_MEIP, MIP_SEIP…) of hart `hart`. */
  line(hart: number, bit: number): IrqLine {
    if (!(hart >= 0 && hart < this.harts)) throw new RangeError(`no hart ${hart}`);
    return { set: (level: boolean) => this.set(hart, bit, level) };
  }

  set(hart: number, bit: number, level: boolean): void {
    const old = this.levels[hart];
    const now = level ? old | bit : old & ~bit;
    if (now === old) return;
    this.levels[hart] = now;
    this.onChange?.(hart);
  }

  /** The asserted wires of `hart` (mip layout). */
  get(hart: number): number { return this.levels[hart]; }

  /** Tells the listener that an input of `hart` not held here (MTIP) may have changed. */
  notify(hart: number): void { this.onChange?.(hart); }

  saveState(): Int32Array { return this.levels.slice(); }
  loadState(s: Int32Array): void {
    if (s.length !== this.harts) throw new RangeError(`saved pins are for ${s.length} harts, this platform has ${this.harts}`);
    this.levels.set(s);
  }
}

/** What a hart needs from the platform's interrupt hardware. */
export interface InterruptInputs {
  /** The mip bits the platform drives for `hart` right now: MSIP, MTIP, SEIP, MEIP. */
  mip(hart: number): number;
  /**
   * The earliest mtime value at which a timer interrupt that is low now will rise (over all
   * harts, or for `hart`), or undefined when none is armed. WFI idles the host until then.
   */
  nextTimerDeadline(hart?: number): bigint | undefined;
  /** The current mtime: the value of the `time` CSR (and Sstc's comparison base). */
  mtime(): bigint;
}
