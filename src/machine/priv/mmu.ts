/**
 * Sv39 / Sv48 / Sv57 address translation (privileged spec v1.12, section 4.3-4.5): the page-table
 * walk with superpages, permission checks (U/S, SUM, MXR) and the A/D policy.
 *
 * A/D policy: the hardware sets A (and D on a store) in the leaf PTE during the walk, as QEMU
 * does, rather than raising a page fault for software to do it. The TLB (system-memory.ts)
 * caches a store translation only once D is set, so the first store to a clean page walks.
 *
 * Addresses arrive as two int32 words (lo, hi), the way the engines keep them.
 */
import { Cause, GuestTrap } from '../trap.js';
import { PRV_M, PRV_S, PRV_U } from './cells.js';

export const ACC_R = 0, ACC_W = 1, ACC_X = 2;
export type AccessKind = typeof ACC_R | typeof ACC_W | typeof ACC_X;

const PAGE_FAULT = [Cause.LoadPageFault, Cause.StorePageFault, Cause.InsnPageFault];
export const ACCESS_FAULT = [Cause.LoadAccessFault, Cause.StoreAccessFault, Cause.InsnAccessFault];

export const SATP_BARE = 0, SATP_SV39 = 8, SATP_SV48 = 9, SATP_SV57 = 10;

/** What a translation depends on, owned by the privileged state (privileged.ts). */
export interface TranslationContext {
  /** satp.MODE: 0 (Bare), 8 (Sv39), 9 (Sv48), 10 (Sv57). */
  satpMode: number;
  /** Physical page number of the root page table. */
  satpPpn: number;
  /** The privilege an access of this kind is checked at (MPRV applies to loads and stores). */
  effectivePriv(kind: AccessKind): number;
  sum: boolean;
  mxr: boolean;
}

/**
 * Physical memory as the walker needs it: the host offset of a page-table entry in RAM, or -1
 * (not RAM, or PMP refuses the access: page-table reads are checked as S-mode loads).
 */
export interface PageTableMemory {
  pageTableOffset(pa: number): number;
  readonly i32: Int32Array;
}

export function virtualAddress(lo: number, hi: number): bigint {
  return BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo >>> 0));
}

function fault(causes: readonly number[], kind: AccessKind, lo: number, hi: number): never {
  throw new GuestTrap(causes[kind], virtualAddress(lo, hi));
}

/** Bits of the virtual page number for level i (0 = 4 KiB). */
function vpn(lo: number, hi: number, i: number): number {
  switch (i) {
    case 0: return (lo >>> 12) & 511;
    case 1: return (lo >>> 21) & 511;
    case 2: return ((lo >>> 30) | (hi << 2)) & 511;
    case 3: return (hi >>> 7) & 511;
    default: return (hi >>> 16) & 511;
  }
}

/**
 * The physical address for an access of `kind` at virtual (lo, hi), or a page / access fault.
 * Bare mode and M-mode accesses map one to one.
 */
export function translate(mem: PageTableMemory, ctx: TranslationContext, lo: number, hi: number, kind: AccessKind): number {
  const priv = ctx.effectivePriv(kind);
  const mode = ctx.satpMode;
  if (priv === PRV_M || mode === SATP_BARE) return hi * 4294967296 + (lo >>> 0);
  const levels = mode - SATP_SV39 + 3;
  // Bits 63..VA-1 must all equal bit VA-1 (VA = 39, 48 or 57).
  const keep = 64 - (12 + 9 * levels);
  if (((hi << keep) >> keep) !== hi) fault(PAGE_FAULT, kind, lo, hi);
  let table = ctx.satpPpn * 4096;
  for (let i = levels - 1; i >= 0; i--) {
    const h = mem.pageTableOffset(table + vpn(lo, hi, i) * 8);
    if (h < 0) fault(ACCESS_FAULT, kind, lo, hi);
    const w = h >> 2;
    const plo = mem.i32[w], phi = mem.i32[w + 1];
    // V clear, W without R, or a reserved / PBMT / N bit set (none of those extensions exist here).
    if ((plo & 1) === 0 || (plo & 6) === 4 || (phi >>> 22) !== 0) fault(PAGE_FAULT, kind, lo, hi);
    const ppn = (plo >>> 10) + (phi & 0x3fffff) * 4194304;
    if ((plo & 10) === 0) { // R = X = 0: a pointer to the next level
      table = ppn * 4096;
      continue;
    }
    const user = (plo & 16) !== 0;
    if (priv === PRV_U ? !user : priv === PRV_S && user && (kind === ACC_X || !ctx.sum)) fault(PAGE_FAULT, kind, lo, hi);
    const ok = kind === ACC_R ? (plo & 2) !== 0 || (ctx.mxr && (plo & 8) !== 0) : kind === ACC_W ? (plo & 4) !== 0 : (plo & 8) !== 0;
    if (!ok) fault(PAGE_FAULT, kind, lo, hi);
    // A superpage's PPN must be aligned to its size.
    const span = 512 ** i;
    if (ppn % span !== 0) fault(PAGE_FAULT, kind, lo, hi);
    const need = kind === ACC_W ? 0xc0 : 0x40;
    if ((plo & need) !== need) mem.i32[w] = plo | need;
    let low = 0;
    for (let k = i - 1; k >= 0; k--) low = low * 512 + vpn(lo, hi, k);
    return (ppn + low) * 4096 + (lo & 4095);
  }
  return fault(PAGE_FAULT, kind, lo, hi);
}
