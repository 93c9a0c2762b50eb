/**
 * CLINT of QEMU's virt machine (clint@2000000, 64 KiB): an ACLINT MSWI device and an ACLINT
 * MTIMER device laid out as SiFive's CLINT.
 *
 *   0x0000 + 4*h   msip[h]       32-bit; bit 0 drives hart h's MSIP, the other bits read 0
 *   0x4000 + 8*h   mtimecmp[h]   64-bit; 32-bit halves at +0 (low) and +4 (high)
 *   0xbff8         mtime         64-bit; 32-bit halves at +0 and +4; writable
 *
 * Accesses must be naturally aligned; the MSWI part takes 32-bit accesses only, the MTIMER part
 * 32- and 64-bit ones (the others raise an access fault, as on QEMU). Offsets that hold no
 * register (a hart that does not exist, the gaps) read as zero and ignore writes.
 *
 * Time: mtime = time() + delta, where `time` is the platform's time source in timebase ticks
 * (10 MHz on virt, the DT's timebase-frequency) and `delta` is set by guest writes to mtime.
 * MTIP of hart h is the level (mtime >= mtimecmp[h]) (unsigned compare), computed when asked;
 * `nextDeadline()` tells the run loop when the next one will rise, so WFI can sleep until then.
 * mtimecmp resets to 0 (the ACLINT spec leaves it unknown; QEMU clears it), so MTIP reads high
 * until firmware programs the comparator, as on QEMU.
 */
import { BusError, MmioDevice } from './bus.js';
import { HartIrqPins, MIP_MSIP } from './irq.js';

export const CLINT_MSIP = 0x0000;
export const CLINT_MTIMECMP = 0x4000;
export const CLINT_MTIME = 0xbff8;
export const CLINT_SIZE = 0x10000;
/** QEMU virt's timebase-frequency. */
export const VIRT_TIMEBASE_HZ = 10_000_000;

const U64_MAX = (1n << 64n) - 1n;

export interface ClintState {
  msip: Uint8Array;
  mtimecmp: BigUint64Array;
  /** [0] = mtime when the state was saved; it continues from there after loadState. */
  mtime: BigUint64Array;
}

export interface ClintOptions {
  name?: string;
  /** The platform's time source, in timebase ticks (monotonic). */
  time: () => bigint;
  /** The harts' wired interrupt inputs: MSIP is driven here, MTIP changes are notified. */
  pins: HartIrqPins;
}

export class Clint implements MmioDevice {
  readonly name: string;
  readonly size = CLINT_SIZE;
  readonly accessSizes = 4 | 8;
  readonly harts: number;
  private readonly time: () => bigint;
  private readonly pins: HartIrqPins;
  private readonly msip: Uint8Array;
  private readonly mtimecmp: BigUint64Array;
  private readonly delta = new BigInt64Array(1);

  constructor(opts: ClintOptions) {
    this.name = opts.name ?? 'clint';
    this.time = opts.time;
    this.pins = opts.pins;
    this.harts = opts.pins.harts;
    this.msip = new Uint8Array(this.harts);
    this.mtimecmp = new BigUint64Array(this.harts);
  }

  /** Power-on state: mtime = 0, mtimecmp = 0, msip = 0. */
  reset(): void {
    this.msip.fill(0);
    this.mtimecmp.fill(0n);
    this.setMtime(0n);
    for (let h = 0; h < this.harts; h++) this.pins.set(h, MIP_MSIP, false);
  }

  // ---- the interface towards the harts and the run loop ----

  /** The current mtime (the `time` CSR). */
  mtime(): bigint {
    return BigInt.asUintN(64, this.time() + this.delta[0]);
  }

  /** Sets mtime to `value` from now on (as a guest write to mtime does). */
  setMtime(value: bigint): void {
    this.delta[0] = BigInt.asIntN(64, value - this.time());
    for (let h = 0; h < this.harts; h++) this.pins.notify(h);
  }

  /** MTIP of `hart`: mtime >= mtimecmp[hart]. */
  mtip(hart: number, now: bigint = this.mtime()): boolean {
    return now >= this.mtimecmp[hart];
  }

  /** The comparator of `hart`. */
  timecmp(hart: number): bigint { return this.mtimecmp[hart]; }

  /** Programs the comparator of `hart` (as a guest 64-bit write does). */
  setTimecmp(hart: number, value: bigint): void {
    this.mtimecmp[hart] = BigInt.asUintN(64, value);
    this.pins.notify(hart);
  }

  /**
   * The earliest mtime at which an MTIP that is low now will rise, over all harts (or for
   * `hart`); undefined when none is armed. Convert with `ticksUntil` for the host's sleep.
   */
  nextDeadline(hart?: number): bigint | undefined {
    const now = this.mtime();
    let best: bigint | undefined;
    const from = hart ?? 0, to = hart === undefined ? this.harts : hart + 1;
    for (let h = from; h < to; h++) {
      const cmp = this.mtimecmp[h];
      if (cmp > now && cmp !== U64_MAX && (best === undefined || cmp < best)) best = cmp;
    }
    return best;
  }

  /** Timebase ticks from now until mtime reaches `deadline` (0 when already there). */
  ticksUntil(deadline: bigint): bigint {
    const now = this.mtime();
    return deadline > now ? deadline - now : 0n;
  }

  // ---- registers ----

  read(offset: number, size: 1 | 2 | 4 | 8): bigint {
    if (offset < CLINT_MTIMECMP) {
      if (size !== 4) throw new BusError(offset, size, false, 'size', `${size}-byte access to the CLINT's msip registers (32-bit only)`);
      const h = offset >>> 2;
      return h < this.harts ? BigInt(this.msip[h]) : 0n;
    }
    if (offset >= CLINT_MTIME) return offset < CLINT_MTIME + 8 ? this.half(this.mtime(), offset - CLINT_MTIME, size) : 0n;
    const rel = offset - CLINT_MTIMECMP, h = rel >>> 3;
    if (h < this.harts) return this.half(this.mtimecmp[h], rel & 7, size);
    return 0n;
  }

  write(offset: number, size: 1 | 2 | 4 | 8, value: bigint): void {
    if (offset < CLINT_MTIMECMP) {
      if (size !== 4) throw new BusError(offset, size, true, 'size', `${size}-byte access to the CLINT's msip registers (32-bit only)`);
      const h = offset >>> 2;
      if (h < this.harts) {
        this.msip[h] = Number(value & 1n);
        this.pins.set(h, MIP_MSIP, this.msip[h] !== 0);
      }
      return;
    }
    if (offset >= CLINT_MTIME) {
      if (offset < CLINT_MTIME + 8) this.setMtime(this.merge(this.mtime(), offset - CLINT_MTIME, size, value));
      return;
    }
    const rel = offset - CLINT_MTIMECMP, h = rel >>> 3;
    if (h < this.harts) this.setTimecmp(h, this.merge(this.mtimecmp[h], rel & 7, size, value));
  }

  /** A 64-bit register read whole (size 8, at +0) or by 32-bit halves (+0 low, +4 high). */
  private half(reg: bigint, at: number, size: number): bigint {
    if (size === 8) return reg;
    return at === 0 ? reg & 0xffffffffn : reg >> 32n;
  }

  private merge(reg: bigint, at: number, size: number, value: bigint): bigint {
    if (size === 8) return value;
    return at === 0 ? (reg & ~0xffffffffn) | (value & 0xffffffffn) : ((value & 0xffffffffn) << 32n) | (reg & 0xffffffffn);
  }

  // ---- snapshot ----

  saveState(): ClintState {
    return { msip: this.msip.slice(), mtimecmp: this.mtimecmp.slice(), mtime: BigUint64Array.of(this.mtime()) };
  }

  /** Restores registers; mtime continues from the saved value whatever the time source reads. */
  loadState(s: ClintState): void {
    if (s.msip.length !== this.harts || s.mtimecmp.length !== this.harts) throw new RangeError(`clint: saved state is for ${s.msip.length} harts, this platform has ${this.harts}`);
    this.msip.set(s.msip);
    this.mtimecmp.set(s.mtimecmp);
    this.setMtime(s.mtime[0]);
    for (let h = 0; h < this.harts; h++) {
      this.pins.set(h, MIP_MSIP, this.msip[h] !== 0);
      this.pins.notify(h);
    }
  }
}
