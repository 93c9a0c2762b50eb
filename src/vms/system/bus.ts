/**
 * The physical address map of the system VM's memory-mapped I/O: devices placed at base
 * addresses, plus the memory regions (RAM, ROM) that the hart's memory model serves itself and
 * that devices must not overlap.
 *
 * Addresses are JavaScript numbers (exact below 2^53, far above any physical address the virt
 * platform uses). Lookup is on the path of every MMIO access: a one-entry cache of the last
 * device hit, then a binary search over the sorted regions.
 *
 * Access rules enforced here, before a device sees the access:
 *   - the access [addr, addr+size) must lie inside one device (else `unmapped`);
 *   - it must be naturally aligned, addr % size == 0 (else `misaligned`);
 *   - its size must be one the device accepts (`accessSizes`, else `size`).
 * Devices may refuse finer cases themselves by throwing a BusError (with their offset as the
 * address); the bus re-throws it with the physical address.
 * The hart turns any BusError into a load/store/fetch access fault with tval = the address.
 */

/** A device on the bus. `offset` is relative to the device's base; values are little-endian. */
export interface MmioDevice {
  readonly name: string;
  /** Bytes of address space the device decodes. */
  readonly size: number;
  /** Bitmask of accepted access sizes (1|2|4|8 OR-ed together); all sizes when absent. */
  readonly accessSizes?: number;
  read(offset: number, size: 1 | 2 | 4 | 8): bigint;
  write(offset: number, size: 1 | 2 | 4 | 8, value: bigint): void;
}

export type AccessSize = 1 | 2 | 4 | 8;
export const ALL_SIZES = 1 | 2 | 4 | 8;

export type BusErrorReason = 'unmapped' | 'misaligned' | 'size' | 'device';

/** An access the platform refuses; the hart raises an access fault for it. */
export class BusError extends Error {
  constructor(readonly addr: number, readonly size: number, readonly write: boolean, readonly reason: BusErrorReason, readonly detail?: string) {
    super(`${write ? 'store' : 'load'} of ${size} byte${size === 1 ? '' : 's'} at ${hex(addr)}: ${detail ?? REASONS[reason]}`);
    this.name = 'BusError';
  }
}

const REASONS: Record<BusErrorReason, string> = {
  unmapped: 'no device or memory at this address',
  misaligned: 'misaligned device access',
  size: 'access size not supported by the device',
  device: 'refused by the device',
};

/** A mistake in building the address map (overlap, empty region): a configuration error. */
export class BusMapError extends Error {
  constructor(message: string) { super(message); this.name = 'BusMapError'; }
}

export interface Region { readonly name: string; readonly base: number; readonly size: number }

export interface Mapping {
  readonly base: number;
  /** One past the last byte. */
  readonly end: number;
  readonly device: MmioDevice;
}

/** An address or register value in hex, as a 64-bit pattern (a negative, sign-extended value prints as 0xffff...). */
export function hex(n: number | bigint): string { return `0x${BigInt.asUintN(64, BigInt(n)).toString(16)}`; }

function describe(name: string, base: number, size: number): string {
  return `${name} at ${hex(base)}-${hex(base + size - 1)}`;
}

export class Bus {
  private readonly memory: Region[] = [];
  private maps: Mapping[] = [];
  private bases = new Float64Array(0);
  private ends = new Float64Array(0);
  private last: Mapping | undefined;

  constructor(opts: { memory?: readonly Region[] } = {}) {
    for (const m of opts.memory ?? []) this.addMemory(m.name, m.base, m.size);
  }

  /** Declares a memory region (RAM, ROM) that the hart serves; devices may not overlap it. */
  addMemory(name: string, base: number, size: number): void {
    this.checkFree(name, base, size);
    this.memory.push({ name, base, size });
  }

  /** Maps a device at `base`; throws BusMapError when it overlaps memory or another device. */
  map(base: number, device: MmioDevice): Mapping {
    this.checkFree(device.name, base, device.size);
    const m: Mapping = { base, end: base + device.size, device };
    this.maps = [...this.maps, m].sort((a, b) => a.base - b.base);
    this.bases = Float64Array.from(this.maps, (x) => x.base);
    this.ends = Float64Array.from(this.maps, (x) => x.end);
    this.last = undefined;
    return m;
  }

  private checkFree(name: string, base: number, size: number): void {
    if (!Number.isSafeInteger(base) || base < 0) throw new BusMapError(`cannot map ${name}: bad base address ${base}`);
    if (!Number.isSafeInteger(size) || size <= 0) throw new BusMapError(`cannot map ${name} at ${hex(base)}: size must be positive (got ${size})`);
    const end = base + size;
    const clash = (r: Region) => base < r.base + r.size && r.base < end;
    for (const r of this.memory) {
      if (clash(r)) throw new BusMapError(`cannot map ${describe(name, base, size)}: overlaps ${describe(r.name, r.base, r.size)}`);
    }
    for (const m of this.maps) {
      const r = { name: m.device.name, base: m.base, size: m.end - m.base };
      if (clash(r)) throw new BusMapError(`cannot map ${describe(name, base, size)}: overlaps ${describe(r.name, r.base, r.size)}`);
    }
  }

  /** The device mapping containing `addr`, or undefined. */
  find(addr: number): Mapping | undefined {
    const last = this.last;
    if (last !== undefined && addr >= last.base && addr < last.end) return last;
    const bases = this.bases;
    let lo = 0, hi = bases.length - 1;
    // Rightmost mapping whose base <= addr.
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (bases[mid] <= addr) lo = mid + 1; else hi = mid - 1;
    }
    if (hi < 0 || addr >= this.ends[hi]) return undefined;
    return (this.last = this.maps[hi]);
  }

  /** The memory region containing `addr`, or undefined (not on the hot path). */
  findMemory(addr: number): Region | undefined {
    return this.memory.find((r) => addr >= r.base && addr < r.base + r.size);
  }

  /** All device mappings, by increasing base. */
  mappings(): readonly Mapping[] { return this.maps; }
  memoryRegions(): readonly Region[] { return this.memory; }

  private check(addr: number, size: number, write: boolean): Mapping {
    const m = this.find(addr);
    if (m === undefined || addr + size > m.end) throw new BusError(addr, size, write, 'unmapped');
    if (addr % size !== 0) throw new BusError(addr, size, write, 'misaligned');
    const sizes = m.device.accessSizes;
    if (sizes !== undefined && (sizes & size) === 0) throw new BusError(addr, size, write, 'size', `${size}-byte access not supported by ${m.device.name}`);
    return m;
  }

  /** A load from a device; throws BusError when nothing accepts it. Zero-extended. */
  read(addr: number, size: AccessSize): bigint {
    const m = this.check(addr, size, false);
    try {
      return m.device.read(addr - m.base, size);
    } catch (e) {
      throw e instanceof BusError ? new BusError(addr, size, false, e.reason, e.detail) : e;
    }
  }

  /** A store to a device; throws BusError when nothing accepts it. */
  write(addr: number, size: AccessSize, value: bigint): void {
    const m = this.check(addr, size, true);
    try {
      m.device.write(addr - m.base, size, BigInt.asUintN(size * 8, value));
    } catch (e) {
      throw e instanceof BusError ? new BusError(addr, size, true, e.reason, e.detail) : e;
    }
  }
}
