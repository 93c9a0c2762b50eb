/**
 * The system VM's memory: physical RAM and the reset ROM in one host buffer, devices behind a
 * bus, and a software TLB that generated code checks inline (engines/codegen/system-vocabulary.ts).
 *
 * Host buffer layout: [RAM (ramSize bytes) | ROM]. A TLB entry maps one 4 KiB virtual page to
 * its page in that buffer: tag = the page's address (low word, low 12 bits zero) and high word,
 * addend = host offset minus virtual low word. There are three tables: loads (R), stores (W)
 * and fetches (X); each holds only what the current translation context allows, so the whole
 * TLB is flushed when that context changes (privilege, satp, mstatus.MPRV/MPP/SUM/MXR,
 * sfence.vma). Device pages are never cached: every device access takes the slow path.
 *
 * Misaligned loads and stores are performed (byte by byte, possibly on two pages), as QEMU
 * does; misaligned LR/SC/AMOs raise address-misaligned exceptions.
 */
import { BusError } from '../../vms/system/bus.js';
import { ramViews } from '../memory.js';
import { Cause, GuestTrap } from '../trap.js';
import { PRV_M, PRV_S, SYS_CELLS, SYS_FS, SYS_STOP } from './cells.js';
import type { Pmp } from './pmp.js';
import { ACC_R, ACC_W, ACC_X, ACCESS_FAULT, translate, virtualAddress, type AccessKind, type TranslationContext } from './mmu.js';

export const TLB_BITS = 8;
export const TLB_SIZE = 1 << TLB_BITS;
export const TLB_MASK = TLB_SIZE - 1;
/** A tag no access matches: masked addresses have bits 3..11 clear. */
const INVALID_TAG = 4095;

/** Physical devices (the platform's bus): reads zero-extend, a refused access throws BusError. */
export interface PhysicalBus {
  read(addr: number, size: 1 | 2 | 4 | 8): bigint;
  write(addr: number, size: 1 | 2 | 4 | 8, value: bigint): void;
}

export interface SystemMemoryOptions {
  ramBase: number;
  ramSize: number;
  romBase: number;
  romSize: number;
  bus: PhysicalBus;
  /** Told after every device store (a device may have raised or lowered an interrupt). */
  onDeviceWrite?: () => void;
}

const MISALIGNED = [Cause.LoadMisaligned, Cause.StoreMisaligned, Cause.InsnMisaligned];
const PAGE = 4096;

export class SystemMemory {
  readonly kind = 'system';
  readonly ramBase: number;
  readonly ramSize: number;
  readonly romBase: number;
  readonly romSize: number;
  readonly buffer: ArrayBuffer;
  readonly u8: Uint8Array;
  readonly i8: Int8Array;
  readonly u16: Uint16Array;
  readonly i16: Int16Array;
  readonly i32: Int32Array;
  readonly b64: BigInt64Array;
  readonly f64: Float64Array;
  readonly dv: DataView;
  /** Hot privileged cells (cells.ts), shared with the privileged state and generated code. */
  readonly sys = new Int32Array(SYS_CELLS);
  readonly TRL = new Int32Array(TLB_SIZE); readonly TRH = new Int32Array(TLB_SIZE); readonly TRA = new Int32Array(TLB_SIZE);
  readonly TWL = new Int32Array(TLB_SIZE); readonly TWH = new Int32Array(TLB_SIZE); readonly TWA = new Int32Array(TLB_SIZE);
  readonly TXL = new Int32Array(TLB_SIZE); readonly TXH = new Int32Array(TLB_SIZE); readonly TXA = new Int32Array(TLB_SIZE);
  /** Set by the privileged state: what translation depends on, and the FP-enable side effect. */
  ctx!: TranslationContext & { fpUse(): void; readonly pmp: Pmp };
  readonly stats = { tlbFlushes: 0, walks: 0, deviceAccesses: 0 };
  /**
   * Physical pages whose stores the machine must see (HTIF's tohost): never cached in the store
   * TLB, and `onWatchedWrite` runs after each store to them.
   */
  readonly watchedPages = new Set<number>();
  onWatchedWrite: (pa: number) => void = () => {};
  /**
   * Host pages (RAM offset >> 12) holding translated code: never cached in the store TLB, so
   * every store to them reaches `store` below, which tells the translators first.
   */
  readonly codePages = new Set<number>();
  readonly codeWriteListeners = new Set<(hostPage: number) => void>();
  private readonly bus: PhysicalBus;
  private readonly onDeviceWrite: () => void;

  constructor(opts: SystemMemoryOptions) {
    if (opts.ramSize <= 0 || opts.ramSize % 4096 !== 0 || opts.ramSize > 2 ** 31) {
      throw new RangeError(`RAM size ${opts.ramSize} must be a positive multiple of 4 KiB up to 2 GiB`);
    }
    this.ramBase = opts.ramBase;
    this.ramSize = opts.ramSize;
    this.romBase = opts.romBase;
    this.romSize = Math.ceil(opts.romSize / 4096) * 4096;
    this.bus = opts.bus;
    this.onDeviceWrite = opts.onDeviceWrite ?? (() => {});
    this.buffer = new ArrayBuffer(this.ramSize + this.romSize);
    ({ u8: this.u8, i8: this.i8, u16: this.u16, i16: this.i16, i32: this.i32, b64: this.b64, f64: this.f64, dv: this.dv } = ramViews(this.buffer));
    this.flushTlb();
  }

  /** What the engines bind (see SYSTEM_MODEL.bindings). */
  engineBindings(): Record<string, unknown> {
    return {
      M: this, U8: this.u8, I8: this.i8, U16: this.u16, I16: this.i16, I32: this.i32, B64: this.b64, MF64: this.f64,
      TRL: this.TRL, TRH: this.TRH, TRA: this.TRA, TWL: this.TWL, TWH: this.TWH, TWA: this.TWA, SYS: this.sys,
    };
  }

  // ---- physical address map ----

  /** Host offset of physical RAM address `pa`, or -1. */
  ramOffset(pa: number): number {
    const o = pa - this.ramBase;
    return o >= 0 && o < this.ramSize ? o : -1;
  }

  /** A page-table entry's host offset for the walker: RAM that PMP lets S-mode read, else -1. */
  pageTableOffset(pa: number): number {
    const h = this.ramOffset(pa);
    const pmp = this.ctx.pmp;
    return h >= 0 && !pmp.allows(pa, 8, ACC_R, PRV_S) ? -1 : h;
  }

  /** Host offset of `pa` in RAM or (for reads and fetches) the ROM, or -1 for a device / hole. */
  hostOffset(pa: number, write: boolean): number {
    const o = pa - this.ramBase;
    if (o >= 0 && o < this.ramSize) return o;
    const r = pa - this.romBase;
    if (!write && r >= 0 && r < this.romSize) return this.ramSize + r;
    return -1;
  }

  // ---- the TLB ----

  flushTlb(): void {
    this.TRL.fill(INVALID_TAG); this.TWL.fill(INVALID_TAG); this.TXL.fill(INVALID_TAG);
    this.sys[SYS_STOP] = 1;
    this.stats.tlbFlushes++;
  }

  /** Drops the entries for one virtual page (sfence.vma with an address). */
  flushTlbPage(lo: number, hi: number): void {
    const k = (lo >>> 12) & TLB_MASK, tag = lo & -4096;
    for (const [L, H] of [[this.TRL, this.TRH], [this.TWL, this.TWH], [this.TXL, this.TXH]]) {
      if (L[k] === tag && H[k] === hi) L[k] = INVALID_TAG;
    }
    this.sys[SYS_STOP] = 1;
  }

  /**
   * Translates and classifies an access: returns its host offset (and caches the page in the
   * TLB of `kind`), or -1 with the physical address in `lastPa` for a device.
   */
  private resolve(lo: number, hi: number, kind: AccessKind, size: number): number {
    this.stats.walks++;
    const ctx = this.ctx;
    const pa = translate(this, ctx, lo, hi, kind);
    const pmp = ctx.pmp;
    let cacheable = true;
    const priv = ctx.effectivePriv(kind);
    // S and U are always checked (with no entry on, they may access nothing); M only against locked entries.
    if (priv !== PRV_M || pmp.locked) {
      if (!pmp.allows(pa, size, kind, priv)) throw new GuestTrap(ACCESS_FAULT[kind], virtualAddress(lo, hi));
      cacheable = pmp.allows(pa - (pa % PAGE), PAGE, kind, priv);
    }
    const h = this.hostOffset(pa, kind === ACC_W);
    this.lastPa = pa;
    if (h < 0) return -1;
    if (kind === ACC_W) {
      if (this.watchedPages.size !== 0 && this.watchedPages.has(Math.floor(pa / PAGE))) {
        this.watchedHit = true;
        return h;
      }
      if (this.codePages.size !== 0 && this.codePages.has(h >>> 12)) {
        this.codeWrite(h >>> 12);
        return h;
      }
    }
    if (!cacheable) return h;
    const k = (lo >>> 12) & TLB_MASK;
    const [L, H, A] = kind === ACC_R ? [this.TRL, this.TRH, this.TRA] : kind === ACC_W ? [this.TWL, this.TWH, this.TWA] : [this.TXL, this.TXH, this.TXA];
    L[k] = lo & -4096;
    H[k] = hi;
    A[k] = ((h & -4096) - (lo & -4096)) | 0;
    return h;
  }
  private lastPa = 0;
  private watchedHit = false;

  private device(kind: AccessKind, lo: number, hi: number, size: 1 | 2 | 4 | 8, value?: bigint): bigint {
    this.stats.deviceAccesses++;
    try {
      if (value === undefined) return this.bus.read(this.lastPa, size);
      this.bus.write(this.lastPa, size, value);
      this.onDeviceWrite();
      this.sys[SYS_STOP] = 1;
      return 0n;
    } catch (e) {
      if (e instanceof BusError) throw new GuestTrap(ACCESS_FAULT[kind], virtualAddress(lo, hi));
      throw e;
    }
  }

  /** A translator took code from this host page: stores to it must come through `store` from now on. */
  markCode(hostPage: number): void {
    if (this.codePages.has(hostPage)) return;
    this.codePages.add(hostPage);
    // Drop store translations that may point at the page (and stop: the engine re-reads).
    this.TWL.fill(INVALID_TAG);
    this.sys[SYS_STOP] = 1;
  }

  /** Tells the translators that code on `hostPage` is about to change; the page stops being a code page. */
  private codeWrite(hostPage: number): void {
    this.codePages.delete(hostPage);
    for (const listener of this.codeWriteListeners) listener(hostPage);
    this.sys[SYS_STOP] = 1;
  }

  // ---- slow paths of generated code: (lo, hi) is a register, off the instruction's offset ----

  private split(lo: number, hi: number, off: number): void {
    const s = (lo >>> 0) + off;
    this.vlo = s | 0;
    this.vhi = (hi + (s >= 4294967296 ? 1 : s < 0 ? -1 : 0)) | 0;
  }
  private vlo = 0;
  private vhi = 0;

  private aligned(kind: AccessKind, size: number): void {
    if ((this.vlo & (size - 1)) !== 0) throw new GuestTrap(MISALIGNED[kind], virtualAddress(this.vlo, this.vhi));
  }

  private misaligned(size: number): boolean { return (this.vlo & (size - 1)) !== 0; }

  /** A misaligned load, byte by byte (little-endian), zero-extended. */
  private loadBytes(lo: number, hi: number, off: number, size: number): bigint {
    let v = 0n;
    for (let k = size - 1; k >= 0; k--) v = (v << 8n) | BigInt(this.loadNum(lo, hi, off + k, 1, false));
    return v;
  }

  loadNum(lo: number, hi: number, off: number, size: 1 | 2 | 4, signed: boolean): number {
    this.split(lo, hi, off);
    if (this.misaligned(size)) {
      const v = this.loadBytes(lo, hi, off, size);
      return Number(signed ? BigInt.asIntN(size * 8, v) : v);
    }
    const h = this.resolve(this.vlo, this.vhi, ACC_R, size);
    if (h < 0) {
      const v = this.device(ACC_R, this.vlo, this.vhi, size);
      return Number(signed ? BigInt.asIntN(size * 8, v) : BigInt.asUintN(size * 8, v));
    }
    switch (size) {
      case 1: return signed ? this.i8[h] : this.u8[h];
      case 2: return signed ? this.i16[h >> 1] : this.u16[h >> 1];
      default: return signed ? this.i32[h >> 2] : this.i32[h >> 2] >>> 0;
    }
  }

  load(lo: number, hi: number, off: number, size: 8, _signed: boolean): bigint {
    this.split(lo, hi, off);
    if (this.misaligned(size)) return BigInt.asIntN(64, this.loadBytes(lo, hi, off, size));
    const h = this.resolve(this.vlo, this.vhi, ACC_R, 8);
    if (h < 0) return BigInt.asIntN(64, this.device(ACC_R, this.vlo, this.vhi, 8));
    return this.b64[h >> 3];
  }

  store(lo: number, hi: number, off: number, size: 1 | 2 | 4 | 8, value: number | bigint): void {
    this.split(lo, hi, off);
    if (this.misaligned(size)) {
      // Both pages must take the store before any byte is written.
      this.split(lo, hi, off + size - 1);
      this.resolve(this.vlo, this.vhi, ACC_W, 1);
      const bits = BigInt.asUintN(size * 8, BigInt(value));
      for (let k = 0; k < size; k++) this.store(lo, hi, off + k, 1, Number((bits >> BigInt(8 * k)) & 0xffn));
      return;
    }
    this.watchedHit = false;
    const h = this.resolve(this.vlo, this.vhi, ACC_W, size);
    if (h < 0) {
      this.device(ACC_W, this.vlo, this.vhi, size, BigInt.asUintN(size * 8, BigInt(value)));
      return;
    }
    switch (size) {
      case 1: this.u8[h] = Number(value); break;
      case 2: this.u16[h >> 1] = Number(value); break;
      case 4: this.i32[h >> 2] = Number(value); break;
      default: this.b64[h >> 3] = BigInt.asIntN(64, BigInt(value));
    }
    if (this.watchedHit) {
      this.watchedHit = false;
      this.sys[SYS_STOP] = 1;
      this.onWatchedWrite(this.lastPa);
    }
  }

  /** AMOs and SC: aligned, and translated as stores (they fault as stores, even for the load half). */
  checkAtomic(addr: number, size: number): void { this.checkReservable(addr, size, ACC_W); }

  /** LR: aligned RAM, translated as a load. */
  checkLoadReserved(addr: number, size: number): void { this.checkReservable(addr, size, ACC_R); }

  /** Atomics work on RAM only: a device address is an access fault. */
  private checkReservable(addr: number, size: number, kind: AccessKind): void {
    const hi = Math.floor(addr / 4294967296);
    this.split((addr - hi * 4294967296) | 0, hi | 0, 0);
    this.aligned(kind, size);
    if (this.resolve(this.vlo, this.vhi, kind, size) < 0) throw new GuestTrap(ACCESS_FAULT[kind], virtualAddress(this.vlo, this.vhi));
  }

  /** The fetch offset for pc's page: U16[(pc + result) >>> 1] is the parcel at pc. */
  fetchBase(lo: number, hi: number): number {
    const k = (lo >>> 12) & TLB_MASK;
    if (this.TXL[k] === (lo & -4096) && this.TXH[k] === hi) return this.TXA[k];
    const h = this.resolve(lo, hi, ACC_X, 2);
    if (h < 0) throw new GuestTrap(Cause.InsnAccessFault, virtualAddress(lo, hi));
    return ((h & -4096) - (lo & -4096)) | 0;
  }

  /** The parcel at pc + 2 when it starts the next page. */
  fetchUpper(lo: number, hi: number): number {
    this.split(lo, hi, 2);
    const fb = this.fetchBase(this.vlo, this.vhi);
    return this.u16[((this.vlo + fb) | 0) >>> 1];
  }

  /** An FP instruction while mstatus.FS is not Dirty: illegal when Off, else FS becomes Dirty unless `keepsState`. */
  fpUse(raw: number, keepsState: boolean): void {
    if (this.sys[SYS_FS] === 0) throw new GuestTrap(Cause.IllegalInsn, BigInt(raw));
    if (!keepsState) this.ctx.fpUse();
  }

  // ---- host side: loaders, HTIF, debuggers (physical addresses, no translation) ----

  /** Copies `data` to physical RAM/ROM at `pa`; false if it does not fit entirely. */
  writePhysical(pa: number, data: Uint8Array): boolean {
    const h = this.hostOffset(pa, false), end = this.hostOffset(pa + data.length - 1, false);
    if (h < 0 || end < 0 || end - h !== data.length - 1) return false;
    for (let p = h >>> 12; p <= end >>> 12; p++) if (this.codePages.has(p)) this.codeWrite(p);
    this.u8.set(data, h);
    return true;
  }

  readPhysical(pa: number, len: number): Uint8Array | undefined {
    const h = this.hostOffset(pa, false), end = this.hostOffset(pa + len - 1, false);
    if (h < 0 || end < 0 || end - h !== len - 1) return undefined;
    return this.u8.slice(h, h + len);
  }

  /** Reads a physical 64-bit word in RAM/ROM (HTIF's tohost), or undefined. */
  readPhysical64(pa: number): bigint | undefined {
    const h = this.hostOffset(pa, false);
    return h >= 0 && (h & 7) === 0 ? this.b64[h >> 3] : undefined;
  }

  writePhysical64(pa: number, v: bigint): void {
    const h = this.hostOffset(pa, true);
    if (h >= 0 && (h & 7) === 0) this.b64[h >> 3] = BigInt.asIntN(64, v);
  }
}


