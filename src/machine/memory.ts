import { HART_LAYOUT, HartState } from './hart.js';
import { Cause, GuestTrap } from './trap.js';

const utf8 = new TextDecoder();

/** Page permission bits, one byte per 4 KiB page. MAPPED distinguishes PROT_NONE from a hole. */
export const PROT_R = 1, PROT_W = 2, PROT_X = 4, MAPPED = 8;
/**
 * Set by a translator on pages it has translated code from. Generated stores take their fast
 * path only on pages that are writable and not CODE, so a store into translated code reaches
 * `store` below, which tells the translator before writing.
 */
export const CODE = 16;
export const PAGE_SHIFT = 12;
export const PAGE_SIZE = 1 << PAGE_SHIFT;
/** Room for harts beside a wasm-backed guest RAM: 1638 of them (threads beyond get harts of their own). */
const HART_AREA = 1 << 20;
/** Room for engines' tables beside a wasm-backed guest RAM (see reserve). */
const ENGINE_AREA = 8 << 20;

/** The typed views generated code and host helpers read guest RAM through. */
export function ramViews(buffer: ArrayBuffer) {
  return {
    u8: new Uint8Array(buffer), i8: new Int8Array(buffer), u16: new Uint16Array(buffer), i16: new Int16Array(buffer),
    i32: new Int32Array(buffer), u32: new Uint32Array(buffer), b64: new BigInt64Array(buffer), f64: new Float64Array(buffer),
    dv: new DataView(buffer),
  };
}

/**
 * A flat guest address space [0, size): guest address == offset in one buffer. This is the
 * memory of the process VM (user mode, no MMU). The buffer is allocated at its final size (a
 * WebAssembly.Memory's on request), so that views never detach and translated code can
 * address it directly.
 *
 * Generated code inlines the aligned, permitted fast path of every access; what falls off it
 * (misaligned, out of range, missing permission) comes here.
 */
export class FlatMemory {
  readonly kind = 'flat';
  readonly size: number;
  readonly buffer: ArrayBuffer;
  readonly wasm: WebAssembly.Memory | undefined;
  readonly u8: Uint8Array;
  readonly i8: Int8Array;
  readonly u16: Uint16Array;
  readonly i16: Int16Array;
  readonly i32: Int32Array;
  readonly u32: Uint32Array;
  readonly b64: BigInt64Array;
  readonly f64: Float64Array;
  readonly dv: DataView;
  readonly perm: Uint8Array;
  /**
   * Pages that were ever given a protection: only those can hold anything but zeros (the guest
   * and the kernel write only mapped pages), so only those need scanning when mapped again.
   */
  private readonly everMapped: Uint8Array;
  /** Called before guest code or the host changes a CODE page: translators (one per hart) invalidate. */
  readonly codeWriteListeners = new Set<(firstPage: number, lastPage: number) => void>();

  /** Byte offset of `perm` in the buffer (WebAssembly code reads it there), or -1. */
  readonly permOffset: number;
  /** Free hart slots beside guest RAM (a wasm-backed memory only), as byte offsets. */
  private readonly hartSlots: number[] = [];
  /** The next free byte of the engine area, and its end (a wasm-backed memory only). */
  private engineNext = 0;
  private engineEnd = 0;

  /**
   * `wasm`: back the memory with a WebAssembly.Memory, for engines that emit WebAssembly. Guest
   * RAM is [0, size) of it; beyond lie, out of the guest's reach, the permission bytes and room
   * for the harts' registers (newHart), so that WebAssembly code reaches all three directly.
   * (JavaScript typed-array access into a wasm memory's buffer was measured no slower on
   * Node 20, for plain loops and for the JavaScript translator alike.)
   */
  constructor(size: number, opts: { wasm?: boolean } = {}) {
    if (size % 65536 !== 0 || size <= 0 || size > 2 ** 32) throw new RangeError(`guest memory size ${size} must be a positive multiple of 64 KiB up to 4 GiB`);
    this.size = size;
    const pages = size / PAGE_SIZE;
    let wasm: WebAssembly.Memory | undefined;
    const side = pages + HART_AREA + ENGINE_AREA;
    if (opts.wasm && size + side <= 2 ** 32) {
      const wasmPages = Math.ceil((size + side) / 65536);
      try {
        wasm = new WebAssembly.Memory({ initial: wasmPages, maximum: wasmPages });
      } catch (e) {
        // V8 caps the address space all WebAssembly memories of a process may reserve; past
        // it, this memory is a plain buffer and engines use JavaScript code only.
        if (!(e instanceof RangeError)) throw e;
      }
    }
    this.wasm = wasm;
    this.buffer = wasm ? wasm.buffer : new ArrayBuffer(size);
    ({ u8: this.u8, i8: this.i8, u16: this.u16, i16: this.i16, i32: this.i32, u32: this.u32, b64: this.b64, f64: this.f64, dv: this.dv } = ramViews(this.buffer));
    this.permOffset = wasm ? size : -1;
    this.perm = wasm ? new Uint8Array(this.buffer, size, pages) : new Uint8Array(pages);
    if (wasm) {
      for (let at = size + pages + HART_AREA - HART_LAYOUT.size; at >= size + pages; at -= HART_LAYOUT.size) this.hartSlots.push(at);
      this.engineNext = size + pages + HART_AREA;
      this.engineEnd = this.engineNext + ENGINE_AREA;
    }
    this.everMapped = new Uint8Array(pages);
  }

  /**
   * A fresh hart: in this memory when it has room (WebAssembly code then keeps its registers
   * there), in a buffer of its own otherwise (engines then fall back to JavaScript code).
   */
  newHart(): HartState {
    const at = this.hartSlots.pop();
    if (at === undefined) return new HartState();
    this.u8.fill(0, at, at + HART_LAYOUT.size);
    return new HartState(this.buffer, at);
  }

  /**
   * `bytes` of the engine area (8-byte aligned, zeroed), for tables that WebAssembly code reads
   * (a translator's jump cache); -1 when the memory is not wasm-backed or the area is used up
   * (the engine then does without). Reservations last as long as the memory.
   */
  reserve(bytes: number): number {
    const at = this.engineNext;
    if (this.wasm === undefined || at + bytes > this.engineEnd) return -1;
    this.engineNext = at + ((bytes + 7) & ~7);
    return at;
  }

  /** Gives a hart's slot back (its thread ended). */
  releaseHart(h: HartState): void {
    if (h.buffer === this.buffer) this.hartSlots.push(h.offset);
  }

  /** What the engines bind (see FLAT_MODEL.bindings). */
  engineBindings(): Record<string, unknown> {
    return {
      M: this, U8: this.u8, I8: this.i8, U16: this.u16, I16: this.i16, I32: this.i32, B64: this.b64, MF64: this.f64,
      PERM: this.perm, LIM: this.size,
    };
  }

  /** Sets the permission byte of every page overlapping [addr, addr+len). */
  protect(addr: number, len: number, prot: number): void {
    if (len <= 0) return;
    const first = Math.floor(addr / PAGE_SIZE), end = Math.ceil((addr + len) / PAGE_SIZE);
    this.codeChanging(first, end - 1);
    this.perm.fill(prot, first, end);
    if (prot !== 0) this.everMapped.fill(1, first, end);
  }

  /** Tells the translator (if any) that pages first..last are about to change, and drops their CODE marks. */
  codeChanging(first: number, last: number): void {
    if (this.codeWriteListeners.size === 0) return;
    for (let p = first; p <= last; p++) {
      if (this.perm[p] & CODE) {
        for (const listener of this.codeWriteListeners) listener(first, last);
        for (let q = first; q <= last; q++) this.perm[q] &= ~CODE;
        return;
      }
    }
  }

  /** True when every byte of [addr, addr+len) lies on a page with all bits of `need`. */
  accessible(addr: number, len: number, need: number): boolean {
    if (!(addr >= 0 && len >= 0 && addr + len <= this.size)) return false;
    if (len === 0) return true;
    const last = (addr + len - 1) >>> PAGE_SHIFT;
    for (let p = addr >>> PAGE_SHIFT; p <= last; p++) if ((this.perm[p] & need) !== need) return false;
    return true;
  }

  // ---- slow paths of guest accesses (called from generated code) ----

  private fault(addr: number, write: boolean, exact?: bigint): never {
    // Out of range and unmapped both read as a page fault: that is what Linux reports as SIGSEGV.
    throw new GuestTrap(write ? Cause.StorePageFault : Cause.LoadPageFault, exact ?? BigInt.asIntN(64, BigInt(Math.trunc(addr))));
  }

  /** A load of 1, 2, 4 or 8 bytes; misaligned accesses are performed bytewise, as Linux does for user code. */
  load(addr: number, size: number, signed: boolean): bigint {
    if (!this.accessible(addr, size, PROT_R)) this.fault(addr, false);
    switch (size) {
      case 1: return BigInt(signed ? this.dv.getInt8(addr) : this.dv.getUint8(addr));
      case 2: return BigInt(signed ? this.dv.getInt16(addr, true) : this.dv.getUint16(addr, true));
      case 4: return BigInt(signed ? this.dv.getInt32(addr, true) : this.dv.getUint32(addr, true));
      default: return this.dv.getBigInt64(addr, true);
    }
  }

  /** A load of 1, 2 or 4 bytes as a number. */
  loadNum(addr: number, size: number, signed: boolean): number {
    if (!this.accessible(addr, size, PROT_R)) this.fault(addr, false);
    switch (size) {
      case 1: return signed ? this.dv.getInt8(addr) : this.dv.getUint8(addr);
      case 2: return signed ? this.dv.getInt16(addr, true) : this.dv.getUint16(addr, true);
      default: return signed ? this.dv.getInt32(addr, true) : this.dv.getUint32(addr, true);
    }
  }

  store(addr: number, size: number, value: number | bigint): void {
    if (!this.accessible(addr, size, PROT_W)) this.fault(addr, true);
    this.codeChanging(addr >>> PAGE_SHIFT, (addr + size - 1) >>> PAGE_SHIFT);
    switch (size) {
      case 1: this.dv.setUint8(addr, Number(BigInt.asUintN(8, BigInt(value)))); break;
      case 2: this.dv.setUint16(addr, Number(BigInt.asUintN(16, BigInt(value))), true); break;
      case 4: this.dv.setInt32(addr, Number(BigInt.asIntN(32, BigInt(value))), true); break;
      default: this.dv.setBigInt64(addr, BigInt.asIntN(64, BigInt(value)), true);
    }
  }

  /** AMOs and SC must be aligned and writable; they fault as stores, even for the load half. */
  checkAtomic(addr: number, size: number): void {
    if (addr % size !== 0) throw new GuestTrap(Cause.StoreMisaligned, BigInt(Math.trunc(addr)));
    if (!this.accessible(addr, size, PROT_R | PROT_W)) this.fault(addr, true);
  }

  /** LR must be aligned (a misaligned one is a load-address-misaligned exception). */
  checkLoadReserved(addr: number, size: number): void {
    if (addr % size !== 0) throw new GuestTrap(Cause.LoadMisaligned, BigInt(Math.trunc(addr)));
  }

  /** Fetch of a 16-bit parcel; faults as an instruction page fault. */
  fetch16(addr: number): number {
    if (!this.accessible(addr, 2, PROT_X)) throw new GuestTrap(Cause.InsnPageFault, BigInt(Math.trunc(addr)));
    return this.u16[addr >>> 1];
  }

  // ---- host-side helpers for system calls and loaders (no permission checks) ----

  /**
   * Zeroes [addr, addr+len) (page-aligned), writing only pages that are not zero already:
   * pages the guest never touched stay out of the host's resident memory, and pages never
   * mapped are not even read.
   */
  zeroPages(addr: number, len: number): void {
    const w = this.i32;
    for (let p = addr; p < addr + len; p += PAGE_SIZE) {
      if (this.everMapped[p >>> PAGE_SHIFT] === 0) continue;
      for (let k = p >>> 2, end = (p + PAGE_SIZE) >>> 2; k < end; k++) {
        if (w[k] !== 0) { this.u8.fill(0, p, p + PAGE_SIZE); break; }
      }
    }
  }

  readBytes(addr: number, len: number): Uint8Array { return this.u8.slice(addr, addr + len); }
  writeBytes(addr: number, data: Uint8Array): void {
    if (data.length) this.codeChanging(Math.floor(addr / PAGE_SIZE), Math.floor((addr + data.length - 1) / PAGE_SIZE));
    this.u8.set(data, addr);
  }
  readCString(addr: number, max = 1 << 20): string | undefined {
    const end = Math.min(this.size, addr + max);
    for (let p = addr; p < end; p++) {
      if (this.u8[p] === 0) return utf8.decode(this.u8.subarray(addr, p));
    }
    return undefined;
  }
}
