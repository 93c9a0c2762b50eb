import { MAPPED, PAGE_SHIFT, PAGE_SIZE, PROT_R, PROT_W, PROT_X } from '../../../machine/memory.js';
import {
  MAP_ANONYMOUS, MAP_FIXED, MAP_FIXED_NOREPLACE, MAP_PRIVATE, MAP_SHARED, MAP_SHARED_VALIDATE,
  MAP_TYPE, MREMAP_DONTUNMAP, MREMAP_FIXED, MREMAP_MAYMOVE, MS_ASYNC, MS_INVALIDATE, MS_SYNC,
  PROT_GROWSDOWN, PROT_GROWSUP,
} from '../abi.js';
import { pageAlignDown, pageAlignUp } from '../address-space.js';
import { EACCES, EEXIST, EFAULT, EINVAL, ENODEV, ENOMEM, EPERM, fail } from '../errno.js';
import { DeviceFile, DirFile, HostFile, PipeEnd, releaseRef, retain, type OpenFile } from '../files.js';
import { int, size, uint, type LinuxKernel } from '../kernel.js';
import type { Args, SyscallDef } from './types.js';

/**
 * Memory-management calls over the flat guest memory and its AddressSpace.
 *
 * File mappings are copies: MAP_PRIVATE reads the file bytes in (bytes past end of file in the
 * last page read as zero; whole pages past it read as zero too, where Linux would raise SIGBUS);
 * MAP_SHARED also reads them in, and writes the mapped bytes back to the file on msync, munmap,
 * mremap-shrink and exit, when the mapping was made writable. Changes made to the file by other
 * means while it is mapped are not seen by the mapping.
 */

export interface SharedMapping {
  addr: number;
  len: number;
  file: OpenFile;
  /** File offset of `addr`. */
  offset: number;
  /** Mapped with PROT_WRITE at some point (only those are written back). */
  writable: boolean;
}

const MAX_ADDR = 2 ** 47;

function protBits(prot: number): number {
  let p = prot & (PROT_R | PROT_W | PROT_X);
  // RISC-V page tables cannot express write-only: Linux maps it readable too.
  if (p & PROT_W) p |= PROT_R;
  return p;
}

function allMapped(k: LinuxKernel, addr: number, len: number): boolean {
  if (addr < 0 || addr + len > k.mem.size) return false;
  const perm = k.mem.perm;
  for (let p = addr >>> PAGE_SHIFT, last = (addr + len - 1) >>> PAGE_SHIFT; p <= last; p++) if (!(perm[p] & MAPPED)) return false;
  return true;
}

/** Writes the bytes of [addr, addr+len) ∩ shared mapping back to its file. */
function writeBack(k: LinuxKernel, s: SharedMapping, addr: number, len: number): void {
  if (!s.writable || !s.file.writable) return;
  const lo = Math.max(addr, s.addr), hi = Math.min(addr + len, s.addr + s.len);
  if (hi <= lo) return;
  // Never extend the file: only the part of the mapping that lies within it is written.
  let fileSize: number;
  try { fileSize = Number(s.file.stat().size); } catch { return; }
  const fileLo = s.offset + (lo - s.addr);
  const n = Math.min(hi - lo, fileSize - fileLo);
  if (n <= 0) return;
  const data = k.mem.u8.subarray(lo, lo + n);
  let w = 0;
  while (w < n) {
    const m = s.file.pwrite(data.subarray(w), fileLo + w);
    if (m <= 0) break;
    w += m;
  }
}

/** Identifies the underlying file of a description (two opens of one file share a mapping's pages on Linux). */
const fileKeys = new WeakMap<OpenFile, string>();
function fileKey(f: OpenFile): string {
  let key = fileKeys.get(f);
  if (key === undefined) {
    try { const st = f.stat(); key = `${st.dev}:${st.ino}`; } catch { key = `?${Math.random()}`; }
    fileKeys.set(f, key);
  }
  return key;
}

function mappingsOf(k: LinuxKernel, f: OpenFile): SharedMapping[] {
  if (k.shared.length === 0 || f instanceof PipeEnd || f instanceof DirFile || f instanceof DeviceFile) return [];
  if (f instanceof HostFile && !f.seekable) return [];
  const key = fileKey(f);
  return k.shared.filter((s) => s.file === f || fileKey(s.file) === key);
}

/**
 * Keeps read/write on a file coherent with its MAP_SHARED mappings (on Linux both are the same
 * page cache): before the access, stores made through the mappings are written to the file;
 * after a write, the mappings are refreshed from the file. Returns `op`'s result.
 */
export function coherentFileAccess<T>(k: LinuxKernel, f: OpenFile, isWrite: boolean, op: () => T): T {
  const maps = mappingsOf(k, f);
  if (maps.length === 0) return op();
  for (const s of maps) writeBack(k, s, s.addr, s.len);
  const r = op();
  if (isWrite) {
    for (const s of maps) {
      let fileSize: number;
      try { fileSize = Number(s.file.stat().size); } catch { continue; }
      const n = Math.min(s.len, fileSize - s.offset);
      if (n > 0) fillFromFile(k, s.file, s.addr, n, s.offset);
    }
  }
  return r;
}

export function flushAllShared(k: LinuxKernel): void {
  for (const s of k.shared) writeBack(k, s, s.addr, s.len);
}

/** Forgets shared mappings over [addr, addr+len), writing them back first when `flush`. */
function dropShared(k: LinuxKernel, addr: number, len: number, flush: boolean): void {
  const end = addr + len;
  const keep: SharedMapping[] = [];
  for (const s of k.shared) {
    const sEnd = s.addr + s.len;
    if (sEnd <= addr || s.addr >= end) { keep.push(s); continue; }
    if (flush) writeBack(k, s, addr, len);
    let pieces = 0;
    if (s.addr < addr) { keep.push({ ...s, len: addr - s.addr }); pieces++; }
    if (sEnd > end) { keep.push({ ...s, addr: end, len: sEnd - end, offset: s.offset + (end - s.addr) }); pieces++; }
    for (let i = 1; i < pieces; i++) retain(s.file);
    if (pieces === 0) releaseRef(s.file);
  }
  k.shared.length = 0;
  k.shared.push(...keep);
}

/** munmap's core: also used when MAP_FIXED replaces a range. */
export function unmapRange(k: LinuxKernel, addr: number, len: number): void {
  dropShared(k, addr, len, true);
  k.space.unmap(addr, len);
}

/** Reads the file bytes for a mapping; returns without error at end of file. */
function fillFromFile(k: LinuxKernel, f: OpenFile, addr: number, len: number, offset: number): void {
  const dst = k.mem.u8.subarray(addr, addr + len);
  let got = 0;
  while (got < len) {
    const n = f.pread(dst.subarray(got), offset + got);
    if (n <= 0) break;
    got += n;
  }
}

function mmap(k: LinuxKernel, a: Args): number {
  const len = size(a[1]);
  const prot = int(a[2]);
  const flags = int(a[3]);
  const fd = int(a[4]);
  const offset = Number(BigInt.asUintN(64, a[5]));
  if (len === 0) fail(EINVAL);
  if (offset % PAGE_SIZE !== 0) fail(EINVAL);
  const type = flags & MAP_TYPE;
  if (type !== MAP_SHARED && type !== MAP_PRIVATE && type !== MAP_SHARED_VALIDATE) fail(EINVAL);
  const alen = pageAlignUp(len);
  if (alen > k.mem.size || alen <= 0) fail(ENOMEM);

  let file: OpenFile | undefined;
  if (!(flags & MAP_ANONYMOUS)) {
    const f = k.fds.get(fd);
    if (f instanceof DeviceFile && f.kind === 'zero') {
      file = undefined; // /dev/zero: anonymous memory
    } else {
      if (f instanceof DirFile || f instanceof PipeEnd || (f instanceof HostFile && !f.seekable)) fail(ENODEV);
      if (!f.readable) fail(EACCES);
      if (type !== MAP_PRIVATE && (prot & PROT_W) && !f.writable) fail(EACCES);
      if (f instanceof HostFile && f.readOnlyMount && type !== MAP_PRIVATE && (prot & PROT_W)) fail(EACCES);
      file = f;
    }
  }

  const want = Number(BigInt.asUintN(64, a[0]));
  let dest: number;
  if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
    if (want % PAGE_SIZE !== 0) fail(EINVAL);
    if (want < PAGE_SIZE) fail(EPERM);
    if (want + alen > k.mem.size) fail(ENOMEM);
    if (flags & MAP_FIXED) {
      unmapRange(k, want, alen);
    } else if (!k.space.isFree(want, alen)) {
      fail(EEXIST);
    }
    dest = want;
  } else {
    const hint = pageAlignDown(want);
    if (want !== 0 && hint >= k.space.mmapFloor && k.space.isFree(hint, alen)) dest = hint;
    else {
      const found = k.space.findFree(alen);
      if (found === undefined) fail(ENOMEM);
      dest = found;
    }
  }

  k.space.mapFixed(dest, alen, protBits(prot));
  if (file) {
    fillFromFile(k, file, dest, len, offset);
    if (type !== MAP_PRIVATE) {
      retain(file);
      k.shared.push({ addr: dest, len: alen, file, offset, writable: (prot & PROT_W) !== 0 });
    }
  }
  return dest;
}

function munmap(k: LinuxKernel, a: Args): number {
  const addr = Number(BigInt.asUintN(64, a[0]));
  const len = size(a[1]);
  if (addr % PAGE_SIZE !== 0 || len === 0) fail(EINVAL);
  if (addr >= MAX_ADDR || addr + len > MAX_ADDR) fail(EINVAL);
  const end = Math.min(addr + pageAlignUp(len), k.mem.size);
  if (end > addr) unmapRange(k, addr, end - addr);
  return 0;
}

function mprotect(k: LinuxKernel, a: Args): number {
  const addr = Number(BigInt.asUintN(64, a[0]));
  const len = pageAlignUp(size(a[1]));
  const prot = int(a[2]);
  if (addr % PAGE_SIZE !== 0) fail(EINVAL);
  if (prot & ~(PROT_R | PROT_W | PROT_X | PROT_GROWSDOWN | PROT_GROWSUP)) fail(EINVAL);
  if (len === 0) return 0;
  if (!allMapped(k, addr, len)) fail(ENOMEM);
  k.space.protect(addr, len, protBits(prot));
  if (prot & PROT_W) {
    for (const s of k.shared) if (s.addr < addr + len && addr < s.addr + s.len) s.writable = true;
  }
  return 0;
}

function msync(k: LinuxKernel, a: Args): number {
  const addr = Number(BigInt.asUintN(64, a[0]));
  const len = pageAlignUp(size(a[1]));
  const flags = int(a[2]);
  if (addr % PAGE_SIZE !== 0) fail(EINVAL);
  if (flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC)) fail(EINVAL);
  if ((flags & MS_ASYNC) && (flags & MS_SYNC)) fail(EINVAL);
  if (len === 0) return 0;
  if (!allMapped(k, addr, len)) fail(ENOMEM);
  for (const s of k.shared) writeBack(k, s, addr, len);
  return 0;
}

function mremap(k: LinuxKernel, a: Args): number {
  const old = Number(BigInt.asUintN(64, a[0]));
  const oldLen = pageAlignUp(size(a[1]));
  const newLen = pageAlignUp(size(a[2]));
  const flags = int(a[3]);
  const newAddr = Number(BigInt.asUintN(64, a[4]));
  if (old % PAGE_SIZE !== 0) fail(EINVAL);
  if (flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP)) fail(EINVAL);
  if ((flags & (MREMAP_FIXED | MREMAP_DONTUNMAP)) && !(flags & MREMAP_MAYMOVE)) fail(EINVAL);
  if ((flags & MREMAP_DONTUNMAP) && oldLen !== newLen) fail(EINVAL);
  if (newLen === 0) fail(EINVAL);
  // oldLen 0 (duplicating a shared mapping) is not supported.
  if (oldLen === 0) fail(EINVAL);
  if (!allMapped(k, old, oldLen)) fail(EFAULT);

  if (flags & MREMAP_FIXED) {
    if (newAddr % PAGE_SIZE !== 0) fail(EINVAL);
    if (newAddr < PAGE_SIZE || newAddr + newLen > k.mem.size) fail(ENOMEM);
    if (newAddr < old + oldLen && old < newAddr + newLen) fail(EINVAL);
    unmapRange(k, newAddr, newLen);
    moveMapping(k, old, oldLen, newAddr, newLen, (flags & MREMAP_DONTUNMAP) !== 0);
    return newAddr;
  }
  if (!(flags & MREMAP_DONTUNMAP)) {
    if (newLen <= oldLen) {
      if (newLen < oldLen) unmapRange(k, old + newLen, oldLen - newLen);
      return old;
    }
    if (old + newLen <= k.mem.size && k.space.isFree(old + oldLen, newLen - oldLen)) {
      const lastPerm = k.mem.perm[(old + oldLen - 1) >>> PAGE_SHIFT];
      k.space.mapFixed(old + oldLen, newLen - oldLen, lastPerm & ~MAPPED);
      extendShared(k, old, oldLen, newLen);
      return old;
    }
  }
  if (!(flags & MREMAP_MAYMOVE)) fail(ENOMEM);
  const dest = k.space.findFree(newLen);
  if (dest === undefined) fail(ENOMEM);
  moveMapping(k, old, oldLen, dest, newLen, (flags & MREMAP_DONTUNMAP) !== 0);
  return dest;
}

/** A shared mapping that grew in place keeps covering its whole range. */
function extendShared(k: LinuxKernel, old: number, oldLen: number, newLen: number): void {
  for (const s of k.shared) if (s.addr + s.len === old + oldLen && s.addr >= old) s.len += newLen - oldLen;
}

function moveMapping(k: LinuxKernel, old: number, oldLen: number, dest: number, newLen: number, keepOld: boolean): void {
  const mem = k.mem;
  const copy = Math.min(oldLen, newLen);
  const lastPerm = mem.perm[(old + oldLen - 1) >>> PAGE_SHIFT];
  k.space.mapFixed(dest, newLen, lastPerm & ~MAPPED);
  mem.u8.copyWithin(dest, old, old + copy);
  mem.perm.copyWithin(dest >>> PAGE_SHIFT, old >>> PAGE_SHIFT, (old + copy) >>> PAGE_SHIFT);
  // Shared mappings travel with their pages; the part cut off by a shrinking move is written back first.
  if (newLen < oldLen) dropShared(k, old + newLen, oldLen - newLen, true);
  for (const s of k.shared) if (s.addr >= old && s.addr < old + copy) s.addr = dest + (s.addr - old);
  if (keepOld) {
    k.space.mapFixed(old, oldLen, lastPerm & ~MAPPED);
  } else {
    k.space.unmap(old, oldLen);
  }
}

function brk(k: LinuxKernel, a: Args): number {
  const sp = k.space;
  if (sp.brkEnd < sp.brkStart) sp.brkEnd = sp.brkStart;
  const want = Number(BigInt.asUintN(64, a[0]));
  if (want === 0 || want < sp.brkStart || want > k.mem.size) return sp.brkEnd;
  const oldTop = pageAlignUp(sp.brkEnd), newTop = pageAlignUp(want);
  if (newTop > oldTop) {
    if (!sp.isFree(oldTop, newTop - oldTop)) return sp.brkEnd;
    const limit = k.rlimits[2][0];
    if (limit < (1n << 63n) && BigInt(newTop - sp.brkStart) > limit) return sp.brkEnd;
    sp.mapFixed(oldTop, newTop - oldTop, PROT_R | PROT_W);
  } else if (newTop < oldTop) {
    sp.unmap(newTop, oldTop - newTop);
  }
  sp.brkEnd = want;
  return want;
}

const MADV_DONTNEED = 4, MADV_REMOVE = 9;

function madvise(k: LinuxKernel, a: Args): number {
  const addr = Number(BigInt.asUintN(64, a[0]));
  const len = pageAlignUp(size(a[1]));
  const advice = int(a[2]);
  if (addr % PAGE_SIZE !== 0 || advice < 0) fail(EINVAL);
  if (len === 0) return 0;
  if (!allMapped(k, addr, len)) fail(ENOMEM);
  if (advice === MADV_DONTNEED || advice === MADV_REMOVE) {
    // Private anonymous memory reads back as zero after MADV_DONTNEED; allocators rely on it.
    const shared = k.shared.some((s) => s.addr < addr + len && addr < s.addr + s.len);
    if (!shared) k.mem.zeroPages(addr, len);
  }
  return 0;
}

function mincore(k: LinuxKernel, a: Args): number {
  const addr = Number(BigInt.asUintN(64, a[0]));
  const len = pageAlignUp(size(a[1]));
  if (addr % PAGE_SIZE !== 0) fail(EINVAL);
  if (!allMapped(k, addr, len)) fail(ENOMEM);
  k.bytesOut(a[2], len / PAGE_SIZE).fill(1);
  return 0;
}

const MEMBARRIER_CMD_QUERY = 0;
const MEMBARRIER_SUPPORTED = 0x1 | 0x2 | 0x4 | 0x8 | 0x10;

function membarrier(_k: LinuxKernel, a: Args): number {
  const cmd = int(a[0]);
  if (cmd === MEMBARRIER_CMD_QUERY) return MEMBARRIER_SUPPORTED;
  if (cmd & ~MEMBARRIER_SUPPORTED || (cmd & (cmd - 1)) !== 0) fail(EINVAL);
  return 0; // one CPU, threads run in turns: every barrier is already satisfied
}

function noop(): number { return 0; }

export const memorySyscalls: SyscallDef[] = [
  { nr: 214, name: 'brk', fmt: 'p', ret: 'x', fn: brk },
  { nr: 215, name: 'munmap', fmt: 'pu', fn: munmap },
  { nr: 216, name: 'mremap', fmt: 'puuxp', ret: 'x', fn: mremap },
  { nr: 222, name: 'mmap', fmt: 'puPMdD', ret: 'x', fn: mmap },
  { nr: 226, name: 'mprotect', fmt: 'puP', fn: mprotect },
  { nr: 227, name: 'msync', fmt: 'pux', fn: msync },
  { nr: 228, name: 'mlock', fmt: 'pu', fn: noop },
  { nr: 229, name: 'munlock', fmt: 'pu', fn: noop },
  { nr: 230, name: 'mlockall', fmt: 'x', fn: noop },
  { nr: 231, name: 'munlockall', fmt: '', fn: noop },
  { nr: 232, name: 'mincore', fmt: 'pup', fn: mincore },
  { nr: 233, name: 'madvise', fmt: 'pud', fn: madvise },
  { nr: 259, name: 'riscv_flush_icache', fmt: 'ppx', fn: (k, a) => { if (uint(a[2]) & ~1) fail(EINVAL); k.onIcacheFlush?.(); return 0; } },
  { nr: 283, name: 'membarrier', fmt: 'dxd', fn: membarrier },
  { nr: 284, name: 'mlock2', fmt: 'pux', fn: noop },
];
