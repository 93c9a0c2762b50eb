import { FlatMemory, MAPPED, PAGE_SHIFT, PAGE_SIZE } from '../../machine/memory.js';

export const pageAlignUp = (n: number): number => Math.ceil(n / PAGE_SIZE) * PAGE_SIZE;
export const pageAlignDown = (n: number): number => Math.floor(n / PAGE_SIZE) * PAGE_SIZE;

/**
 * The layout of a Linux process inside the flat guest memory: which pages are mapped and with
 * what protection (kept in memory.perm, one byte a page), the program break, and a top-down
 * allocator for mmap like Linux's default layout (mmap_base just below the stack gap).
 */
export class AddressSpace {
  /** Lowest address mmap may hand out when the caller gives no hint. */
  readonly mmapFloor: number;
  /** mmap allocates downward from here. */
  readonly mmapTop: number;
  brkStart = 0;
  brkEnd = 0;

  constructor(readonly mem: FlatMemory, readonly stackTop: number, readonly stackSize: number) {
    this.mmapTop = pageAlignDown(stackTop - stackSize - 16 * PAGE_SIZE);
    this.mmapFloor = 0x10000;
  }

  isFree(addr: number, len: number): boolean {
    if (addr < PAGE_SIZE || addr + len > this.mem.size) return false;
    const last = (addr + len - 1) >>> PAGE_SHIFT;
    for (let p = addr >>> PAGE_SHIFT; p <= last; p++) if (this.mem.perm[p] & MAPPED) return false;
    return true;
  }

  /** Maps [addr, addr+len) with `prot` (PROT_* bits), zero-filled, replacing what was there. */
  mapFixed(addr: number, len: number, prot: number): void {
    len = pageAlignUp(len);
    this.mem.zeroPages(addr, len);
    this.mem.protect(addr, len, prot | MAPPED);
  }

  /** Finds a free page-aligned range of `len` bytes, highest first below mmapTop; undefined if none. */
  findFree(len: number, floor = this.mmapFloor): number | undefined {
    len = pageAlignUp(len);
    const perm = this.mem.perm;
    let end = this.mmapTop >>> PAGE_SHIFT; // exclusive page index
    const need = len >>> PAGE_SHIFT;
    const floorPage = Math.max(1, floor >>> PAGE_SHIFT);
    let run = 0;
    for (let p = end - 1; p >= floorPage; p--) {
      if (perm[p] & MAPPED) { run = 0; end = p; continue; }
      if (++run === need) return p << PAGE_SHIFT >>> 0;
    }
    return undefined;
  }

  unmap(addr: number, len: number): void {
    len = pageAlignUp(len);
    this.mem.protect(addr, len, 0);
  }

  /** Changes protection of mapped pages, keeping them mapped. */
  protect(addr: number, len: number, prot: number): void {
    this.mem.protect(addr, pageAlignUp(len), prot | MAPPED);
  }
}
