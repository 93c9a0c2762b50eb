/**
 * RISC-V Platform-Level Interrupt Controller (riscv-plic-spec 1.0.0, SiFive layout), as on
 * QEMU's virt machine (plic@c000000, riscv,ndev = 96, 3 priority bits, contexts 2h = hart h
 * M-mode and 2h+1 = hart h S-mode).
 *
 *   0x000000 + 4*id                 priority of source id (id 0 does not exist: reads 0)
 *   0x001000 + 4*w                  pending bits of sources 32w..32w+31 (read-only)
 *   0x002000 + 0x80*ctx + 4*w       enable bits of context ctx
 *   0x200000 + 0x1000*ctx           priority threshold of context ctx
 *   0x200004 + 0x1000*ctx           claim (read) / complete (write) of context ctx
 *
 * All registers are 32-bit and take 32-bit accesses only (others raise an access fault, as on
 * QEMU). Priorities and thresholds are WARL: only the low `priorityBits` bits are kept.
 * Enable bits of source 0 and of sources above ndev are hardwired to 0.
 *
 * Gateways are level-sensitive, as the spec describes them: a line that is high while its
 * source has no request outstanding forwards one (the pending bit is set); the request stays
 * until claimed even if the line drops (a gateway cannot retract it); claiming clears the
 * pending bit; while the source is in service (claimed, not completed) the line is ignored;
 * completing an id that is enabled for the context ends the service, and a line still high
 * then forwards a new request. Other completions are ignored. Claim returns the pending,
 * enabled source of highest priority (ties: lowest id), priority 0 meaning never; per the
 * spec, claims ignore the threshold. A context's output (MEIP / SEIP of its hart) is high while
 * some pending, enabled source has a priority above the context's threshold, re-evaluated
 * after every change.
 *
 * Where QEMU 7.2's PLIC differs (checked by test/system/mmio-oracle): it latches a rise that
 * happens while the source is in service, does not re-forward at completion, applies the
 * threshold to claims, lets enable bit 0 be written, and re-evaluates outputs after an enable
 * write only at the next event. Linux, OpenSBI and U-Boot behave the same on both.
 */
import { MmioDevice } from './bus.js';
import { IrqLine } from './irq.js';

export const PLIC_PRIORITY = 0x000000;
export const PLIC_PENDING = 0x001000;
export const PLIC_ENABLE = 0x002000;
export const PLIC_ENABLE_STRIDE = 0x80;
export const PLIC_CONTEXT = 0x200000;
export const PLIC_CONTEXT_STRIDE = 0x1000;

export interface PlicState {
  priority: Uint32Array;
  pending: Uint32Array;
  claimed: Uint32Array;
  level: Uint32Array;
  enable: Uint32Array;
  threshold: Uint32Array;
}

export interface PlicOptions {
  name?: string;
  /** The highest source id (the DT's riscv,ndev): sources 1..ndev exist. At most 1023. */
  ndev: number;
  /** The output of each context, in context order (virt: hart h's MEIP, then its SEIP). */
  contexts: readonly IrqLine[];
  /** Implemented priority bits (virt: 3, priorities 0..7). */
  priorityBits?: number;
  /** Bytes of address space decoded (virt: 0x600000). Default: just enough for the contexts. */
  size?: number;
}

export class Plic implements MmioDevice {
  readonly name: string;
  readonly size: number;
  readonly accessSizes = 4;
  readonly ndev: number;
  readonly contexts: number;
  private readonly words: number;
  private readonly prioMask: number;
  private readonly outputs: readonly IrqLine[];
  private readonly outLevel: Uint8Array;
  private readonly priority: Uint32Array;
  private readonly pending: Uint32Array;
  private readonly claimed: Uint32Array;
  private readonly level: Uint32Array;
  private readonly enable: Uint32Array;
  private readonly threshold: Uint32Array;
  /** Enable bits that exist (source 0 and sources above ndev excluded). */
  private readonly validMask: Uint32Array;

  constructor(opts: PlicOptions) {
    if (!Number.isInteger(opts.ndev) || opts.ndev < 1 || opts.ndev > 1023) throw new RangeError(`PLIC: ndev must be 1..1023 (got ${opts.ndev})`);
    if (opts.contexts.length < 1 || opts.contexts.length > 15872) throw new RangeError(`PLIC: 1..15872 contexts (got ${opts.contexts.length})`);
    const bits = opts.priorityBits ?? 3;
    if (!(bits >= 1 && bits <= 32)) throw new RangeError(`PLIC: priorityBits must be 1..32 (got ${bits})`);
    this.name = opts.name ?? 'plic';
    this.ndev = opts.ndev;
    this.contexts = opts.contexts.length;
    this.outputs = opts.contexts;
    this.size = opts.size ?? PLIC_CONTEXT + PLIC_CONTEXT_STRIDE * this.contexts;
    if (this.size < PLIC_CONTEXT + PLIC_CONTEXT_STRIDE * this.contexts) throw new RangeError(`PLIC: size ${this.size} too small for ${this.contexts} contexts`);
    this.prioMask = bits === 32 ? 0xffffffff : (1 << bits) - 1;
    this.words = (this.ndev + 1 + 31) >>> 5;
    this.priority = new Uint32Array(this.ndev + 1);
    this.pending = new Uint32Array(this.words);
    this.claimed = new Uint32Array(this.words);
    this.level = new Uint32Array(this.words);
    this.enable = new Uint32Array(this.words * this.contexts);
    this.threshold = new Uint32Array(this.contexts);
    this.outLevel = new Uint8Array(this.contexts);
    this.validMask = new Uint32Array(this.words);
    for (let id = 1; id <= this.ndev; id++) this.validMask[id >>> 5] |= 1 << (id & 31);
  }

  /** The input line of source `id` (1..ndev), for a device's interrupt output. */
  source(id: number): IrqLine {
    if (!(Number.isInteger(id) && id >= 1 && id <= this.ndev)) throw new RangeError(`PLIC has no source ${id} (sources are 1..${this.ndev})`);
    return { set: (level: boolean) => this.setSource(id, level) };
  }

  /** Drives the input of source `id`. */
  setSource(id: number, high: boolean): void {
    const w = id >>> 5, bit = 1 << (id & 31);
    const was = (this.level[w] & bit) !== 0;
    if (was === high) return;
    if (high) {
      this.level[w] |= bit;
      if (this.claimed[w] & bit || this.pending[w] & bit) return;
      this.pending[w] |= bit;
      this.update();
    } else {
      this.level[w] &= ~bit;
    }
  }

  /** The output level of context `ctx` (its hart's MEIP or SEIP). */
  output(ctx: number): boolean { return this.outLevel[ctx] !== 0; }

  /** Power-on state: everything zero, outputs low. */
  reset(): void {
    this.priority.fill(0);
    this.pending.fill(0);
    this.claimed.fill(0);
    this.enable.fill(0);
    this.threshold.fill(0);
    // Lines keep their level (they belong to the devices); requests start afresh.
    for (let w = 0; w < this.words; w++) this.pending[w] = this.level[w];
    this.update();
  }

  // ---- claim / complete ----

  /** The claim operation of context `ctx`: the id taken into service, or 0. */
  claim(ctx: number): number {
    const id = this.best(ctx, 0);
    if (id !== 0) {
      const w = id >>> 5, bit = 1 << (id & 31);
      this.pending[w] &= ~bit;
      this.claimed[w] |= bit;
      this.update();
    }
    return id;
  }

  /** The completion of `id` by context `ctx`. */
  complete(ctx: number, id: number): void {
    if (!(id >= 1 && id <= this.ndev)) return;
    const w = id >>> 5, bit = 1 << (id & 31);
    if (!(this.enable[ctx * this.words + w] & bit)) return;
    if (!(this.claimed[w] & bit)) return;
    this.claimed[w] &= ~bit;
    if (this.level[w] & bit) this.pending[w] |= bit;
    this.update();
  }

  /** The pending, enabled source of highest priority above `min` for `ctx` (lowest id wins ties), or 0. */
  private best(ctx: number, min: number): number {
    const base = ctx * this.words;
    let bestId = 0, bestPrio = min;
    for (let w = 0; w < this.words; w++) {
      let bits = this.pending[w] & this.enable[base + w];
      while (bits !== 0) {
        const b = 31 - Math.clz32(bits & -bits);
        bits &= bits - 1;
        const id = (w << 5) | b;
        const p = this.priority[id];
        if (p > bestPrio) {
          bestPrio = p;
          bestId = id;
        }
      }
    }
    return bestId;
  }

  private update(): void {
    for (let ctx = 0; ctx < this.contexts; ctx++) {
      const high = this.best(ctx, this.threshold[ctx]) !== 0 ? 1 : 0;
      if (high !== this.outLevel[ctx]) {
        this.outLevel[ctx] = high;
        this.outputs[ctx].set(high === 1);
      }
    }
  }

  // ---- registers ----

  read(offset: number, _size: 1 | 2 | 4 | 8): bigint {
    return BigInt(this.readReg(offset));
  }

  write(offset: number, _size: 1 | 2 | 4 | 8, value: bigint): void {
    this.writeReg(offset, Number(value & 0xffffffffn));
  }

  readReg(offset: number): number {
    if (offset < PLIC_PENDING) {
      const id = offset >>> 2;
      return id <= this.ndev ? this.priority[id] : 0;
    }
    if (offset < PLIC_ENABLE) {
      const w = (offset - PLIC_PENDING) >>> 2;
      return w < this.words ? this.pending[w] >>> 0 : 0;
    }
    if (offset < PLIC_CONTEXT) {
      const rel = offset - PLIC_ENABLE, ctx = Math.floor(rel / PLIC_ENABLE_STRIDE), w = (rel % PLIC_ENABLE_STRIDE) >>> 2;
      return ctx < this.contexts && w < this.words ? this.enable[ctx * this.words + w] >>> 0 : 0;
    }
    const rel = offset - PLIC_CONTEXT, ctx = Math.floor(rel / PLIC_CONTEXT_STRIDE), reg = rel % PLIC_CONTEXT_STRIDE;
    if (ctx >= this.contexts) return 0;
    if (reg === 0) return this.threshold[ctx];
    if (reg === 4) return this.claim(ctx);
    return 0;
  }

  writeReg(offset: number, v: number): void {
    if (offset < PLIC_PENDING) {
      const id = offset >>> 2;
      if (id >= 1 && id <= this.ndev) {
        this.priority[id] = (v & this.prioMask) >>> 0;
        this.update();
      }
      return;
    }
    if (offset < PLIC_ENABLE) return; // pending bits are read-only
    if (offset < PLIC_CONTEXT) {
      const rel = offset - PLIC_ENABLE, ctx = Math.floor(rel / PLIC_ENABLE_STRIDE), w = (rel % PLIC_ENABLE_STRIDE) >>> 2;
      if (ctx < this.contexts && w < this.words) {
        this.enable[ctx * this.words + w] = v & this.validMask[w];
        this.update();
      }
      return;
    }
    const rel = offset - PLIC_CONTEXT, ctx = Math.floor(rel / PLIC_CONTEXT_STRIDE), reg = rel % PLIC_CONTEXT_STRIDE;
    if (ctx >= this.contexts) return;
    if (reg === 0) {
      this.threshold[ctx] = (v & this.prioMask) >>> 0;
      this.update();
    } else if (reg === 4) {
      this.complete(ctx, v);
    }
  }

  // ---- snapshot ----

  saveState(): PlicState {
    return {
      priority: this.priority.slice(), pending: this.pending.slice(), claimed: this.claimed.slice(),
      level: this.level.slice(), enable: this.enable.slice(), threshold: this.threshold.slice(),
    };
  }

  loadState(s: PlicState): void {
    if (s.priority.length !== this.priority.length || s.enable.length !== this.enable.length) throw new RangeError('plic: saved state is for another PLIC configuration');
    this.priority.set(s.priority);
    this.pending.set(s.pending);
    this.claimed.set(s.claimed);
    this.level.set(s.level);
    this.enable.set(s.enable);
    this.threshold.set(s.threshold);
    for (let ctx = 0; ctx < this.contexts; ctx++) {
      this.outLevel[ctx] = this.best(ctx, this.threshold[ctx]) !== 0 ? 1 : 0;
      this.outputs[ctx].set(this.outLevel[ctx] === 1);
    }
  }
}
