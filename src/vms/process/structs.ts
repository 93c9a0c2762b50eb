import type { HostStat } from './host.js';

/**
 * Writers for the riscv64 (LP64, asm-generic) layouts of the structures system calls fill in.
 * All take a DataView on guest memory; the caller has already checked the range is writable.
 */

const NS = 1_000_000_000n;

/** Splits nanoseconds into (seconds, nanoseconds) rounding toward negative infinity. */
export function splitNs(ns: bigint): [bigint, bigint] {
  let s = ns / NS;
  let n = ns % NS;
  if (n < 0n) { s -= 1n; n += NS; }
  return [s, n];
}

/** struct timespec { i64 tv_sec; i64 tv_nsec; } */
export function writeTimespec(dv: DataView, at: number, ns: bigint): void {
  const [s, n] = splitNs(ns);
  dv.setBigInt64(at, s, true);
  dv.setBigInt64(at + 8, n, true);
}

/** struct timeval { i64 tv_sec; i64 tv_usec; } */
export function writeTimeval(dv: DataView, at: number, ns: bigint): void {
  const [s, n] = splitNs(ns);
  dv.setBigInt64(at, s, true);
  dv.setBigInt64(at + 8, n / 1000n, true);
}

export const STAT_SIZE = 128;

/** struct stat (asm-generic, 128 bytes). */
export function writeStat(dv: DataView, at: number, st: HostStat): void {
  new Uint8Array(dv.buffer, dv.byteOffset + at, STAT_SIZE).fill(0);
  dv.setBigUint64(at + 0, BigInt.asUintN(64, st.dev), true);
  dv.setBigUint64(at + 8, BigInt.asUintN(64, st.ino), true);
  dv.setUint32(at + 16, st.mode >>> 0, true);
  dv.setUint32(at + 20, st.nlink >>> 0, true);
  dv.setUint32(at + 24, st.uid >>> 0, true);
  dv.setUint32(at + 28, st.gid >>> 0, true);
  dv.setBigUint64(at + 32, BigInt.asUintN(64, st.rdev), true);
  dv.setBigInt64(at + 48, st.size, true);
  dv.setInt32(at + 56, st.blksize | 0, true);
  dv.setBigInt64(at + 64, st.blocks, true);
  writeTimespec(dv, at + 72, st.atimeNs);
  writeTimespec(dv, at + 88, st.mtimeNs);
  writeTimespec(dv, at + 104, st.ctimeNs);
}

export const STATX_SIZE = 256;
export const STATX_TYPE = 0x1, STATX_MODE = 0x2, STATX_NLINK = 0x4, STATX_UID = 0x8, STATX_GID = 0x10;
export const STATX_ATIME = 0x20, STATX_MTIME = 0x40, STATX_CTIME = 0x80, STATX_INO = 0x100;
export const STATX_SIZE_BIT = 0x200, STATX_BLOCKS = 0x400, STATX_BASIC_STATS = 0x7ff, STATX_BTIME = 0x800;
export const STATX_MNT_ID = 0x1000;

/** Major and minor numbers of a Linux-encoded dev_t. */
export function devMajor(dev: bigint): number {
  return Number(((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn)) >>> 0;
}
export function devMinor(dev: bigint): number {
  return Number((dev & 0xffn) | ((dev >> 12n) & ~0xffn)) >>> 0;
}

function writeStatxTs(dv: DataView, at: number, ns: bigint): void {
  const [s, n] = splitNs(ns);
  dv.setBigInt64(at, s, true);
  dv.setUint32(at + 8, Number(n), true);
  dv.setInt32(at + 12, 0, true);
}

/** struct statx (256 bytes). Reports the basic stats, plus the birth time when the host has one. */
export function writeStatx(dv: DataView, at: number, st: HostStat): void {
  new Uint8Array(dv.buffer, dv.byteOffset + at, STATX_SIZE).fill(0);
  const mask = STATX_BASIC_STATS | (st.birthtimeNs > 0n ? STATX_BTIME : 0) | STATX_MNT_ID;
  dv.setUint32(at + 0, mask, true);
  dv.setUint32(at + 4, st.blksize >>> 0, true);
  dv.setBigUint64(at + 8, 0n, true); // stx_attributes
  dv.setUint32(at + 16, st.nlink >>> 0, true);
  dv.setUint32(at + 20, st.uid >>> 0, true);
  dv.setUint32(at + 24, st.gid >>> 0, true);
  dv.setUint16(at + 28, st.mode & 0xffff, true);
  dv.setBigUint64(at + 32, BigInt.asUintN(64, st.ino), true);
  dv.setBigUint64(at + 40, BigInt.asUintN(64, st.size), true);
  dv.setBigUint64(at + 48, BigInt.asUintN(64, st.blocks), true);
  dv.setBigUint64(at + 56, 0n, true); // stx_attributes_mask
  writeStatxTs(dv, at + 64, st.atimeNs);
  writeStatxTs(dv, at + 80, st.birthtimeNs > 0n ? st.birthtimeNs : 0n);
  writeStatxTs(dv, at + 96, st.ctimeNs);
  writeStatxTs(dv, at + 112, st.mtimeNs);
  dv.setUint32(at + 128, devMajor(st.rdev), true);
  dv.setUint32(at + 132, devMinor(st.rdev), true);
  dv.setUint32(at + 136, devMajor(st.dev), true);
  dv.setUint32(at + 140, devMinor(st.dev), true);
  dv.setBigUint64(at + 144, 1n, true); // stx_mnt_id
}

/** struct linux_dirent64 header size (d_ino, d_off, d_reclen, d_type) before d_name. */
export const DIRENT64_NAME_OFFSET = 19;

/** Size of one linux_dirent64 record for a name of `nameBytes` bytes (NUL included, 8-aligned). */
export function dirent64Size(nameBytes: number): number {
  return (DIRENT64_NAME_OFFSET + nameBytes + 1 + 7) & ~7;
}
