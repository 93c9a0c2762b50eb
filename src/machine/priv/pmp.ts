/**
 * Physical memory protection (privileged spec v1.12, 3.7): 16 entries with 4-byte granularity,
 * as on QEMU 7.2. Each entry's region (OFF, TOR, NA4, NAPOT) is kept decoded as a byte range,
 * so a check is a scan of at most 16 ranges; the system memory caches a page in its TLB only
 * when one verdict holds for the whole page.
 */
import { PRV_M } from './cells.js';
import type { AccessKind } from './mmu.js';

export const PMP_ENTRIES = 16;
const L = 0x80, A_SHIFT = 3, A_OFF = 0, A_TOR = 1, A_NA4 = 2;
const ADDR_BITS = 54n;

export class Pmp {
  readonly cfg = new Uint8Array(PMP_ENTRIES);
  readonly addr = new Array<bigint>(PMP_ENTRIES).fill(0n);
  /** Decoded regions [lo, hi) in bytes; empty when hi <= lo. */
  private readonly lo = new Float64Array(PMP_ENTRIES);
  private readonly hi = new Float64Array(PMP_ENTRIES);
  /** Some entry is on: S/U accesses are checked (and fail when nothing matches). */
  active = false;
  /** Some entry is locked: M-mode accesses are checked too. */
  locked = false;

  reset(): void {
    this.cfg.fill(0);
    this.addr.fill(0n);
    this.decode();
  }

  /** Restores saved registers as they were (locks included). */
  load(cfg: readonly number[], addr: readonly bigint[]): void {
    this.cfg.set(cfg);
    addr.forEach((v, k) => { this.addr[k] = v; });
    this.decode();
  }

  /** pmpcfg0 / pmpcfg2 (RV64): eight entries per register. */
  readCfg(reg: number): bigint {
    let v = 0n;
    for (let k = 7; k >= 0; k--) v = (v << 8n) | BigInt(this.cfg[reg * 4 + k]);
    return BigInt.asIntN(64, v);
  }

  writeCfg(reg: number, value: bigint): void {
    const bits = BigInt.asUintN(64, value);
    for (let k = 0; k < 8; k++) {
      const e = reg * 4 + k, b = Number((bits >> BigInt(8 * k)) & 0xffn);
      // Locked entries keep their value; R=0 with W=1 is reserved; bits 5-6 read zero.
      if ((this.cfg[e] & L) === 0 && (b & 3) !== 2) this.cfg[e] = b & 0x9f;
    }
    this.decode();
  }

  writeAddr(e: number, value: bigint): void {
    const next = this.cfg[e + 1];
    const lockedByNextTor = e + 1 < PMP_ENTRIES && (next & L) !== 0 && ((next >> A_SHIFT) & 3) === A_TOR;
    if ((this.cfg[e] & L) === 0 && !lockedByNextTor) this.addr[e] = BigInt.asUintN(Number(ADDR_BITS), value);
    this.decode();
  }

  private decode(): void {
    this.active = this.locked = false;
    for (let e = 0; e < PMP_ENTRIES; e++) {
      const a = (this.cfg[e] >> A_SHIFT) & 3, v = this.addr[e];
      let lo = 0n, hi = 0n;
      if (a === A_TOR) { lo = e === 0 ? 0n : this.addr[e - 1] << 2n; hi = v << 2n; }
      else if (a === A_NA4) { lo = v << 2n; hi = lo + 4n; }
      else if (a !== A_OFF) {
        let t = 0n;
        while (t < ADDR_BITS && ((v >> t) & 1n) === 1n) t++;
        lo = (v & ~((1n << t) - 1n)) << 2n;
        hi = lo + (1n << (t + 3n));
      }
      this.lo[e] = Number(lo);
      this.hi[e] = Number(hi);
      if (a !== A_OFF) {
        this.active = true;
        if (this.cfg[e] & L) this.locked = true;
      }
    }
  }

  /** Does PMP let `priv` make an access of `kind` to the `size` bytes at physical `pa`? */
  allows(pa: number, size: number, kind: AccessKind, priv: number): boolean {
    if (priv === PRV_M && !this.locked) return true;
    const end = pa + size;
    for (let e = 0; e < PMP_ENTRIES; e++) {
      const lo = this.lo[e], hi = this.hi[e];
      if (hi <= lo || end <= lo || pa >= hi) continue;
      // The lowest-numbered entry matching any byte decides; it must match them all.
      if (pa < lo || end > hi) return false;
      const c = this.cfg[e];
      if (priv === PRV_M && (c & L) === 0) return true;
      return ((c >> kind) & 1) !== 0;
    }
    // Nothing matches: M-mode may, S and U may not (16 entries are implemented).
    return priv === PRV_M;
  }
}
