/**
 * Which guest pages an engine wrote, and what they held before, without copying guest memory
 * (hundreds of MB mapped, a few pages touched per slice).
 *
 * It borrows the translator's self-modifying-code guard (memory.ts: CODE). Engines store to a
 * page on their inlined fast path only while the page is writable and not CODE; otherwise the
 * store goes through FlatMemory.store, which announces the pages to `codeWriteListeners` and
 * clears their CODE marks before writing. So with every writable page marked CODE ("armed"),
 * the first store to each page in a slice reaches the listener below, which saves the page's
 * old contents; later stores to the page run at full speed.
 *
 * The check engine arms every writable page before a slice. The reference runs first and
 * disarms the pages it writes; the engine under test then finds them disarmed and writes
 * them at full speed, while a page only it writes (a wrong store) is still armed and reported.
 *
 * One tracker per memory, shared by the check engines of all threads (they take turns).
 * The kernel changes permissions and contents between engine runs: FlatMemory.protect is
 * wrapped and the listener hears the kernel's writeBytes, so the pages concerned are re-armed
 * before the next run.
 */
import { CODE, PAGE_SHIFT, PAGE_SIZE, PROT_W, type FlatMemory } from '../../machine/memory.js';

export interface CheckStats {
  /** Slices both engines ran and agreed on. */
  slices: number;
  /** Instructions retired in those slices. */
  insns: number;
  /** Pages compared after slices (a page written in a slice counts once per slice). */
  pages: number;
  /** Milliseconds spent in the reference interpreter, in the engine under test, and the rest (copying, comparing). */
  referenceMs: number;
  testedMs: number;
  checkMs: number;
}

const trackers = new WeakMap<FlatMemory, WriteTracker>();

export class WriteTracker {
  readonly stats: CheckStats = { slices: 0, insns: 0, pages: 0, referenceMs: 0, testedMs: 0, checkMs: 0 };
  /** Contents before the current comparison began, of every page written since (first capture wins). */
  readonly before = new Map<number, Uint8Array>();
  /** Pages first written since the last takeWritten(), in order. */
  private written: number[] = [];
  private readonly mark: Uint8Array;
  private recording = false;
  private muted = false;
  private armedAll = false;
  /** Page ranges (first, last pairs) the kernel touched since the last run: to re-arm. */
  private pending: number[] = [];
  private readonly pool: Uint8Array[] = [];

  static of(mem: FlatMemory): WriteTracker {
    let t = trackers.get(mem);
    if (!t) trackers.set(mem, (t = new WriteTracker(mem)));
    return t;
  }

  private constructor(private readonly mem: FlatMemory) {
    this.mark = new Uint8Array(mem.perm.length);
    mem.codeWriteListeners.add((first, last) => this.written_(first, last));
    const protect = mem.protect;
    mem.protect = (addr: number, len: number, prot: number) => {
      protect.call(mem, addr, len, prot);
      if (len > 0) this.pending.push(Math.floor(addr / PAGE_SIZE), Math.ceil((addr + len) / PAGE_SIZE) - 1);
    };
  }

  private written_(first: number, last: number): void {
    if (this.muted) return;
    if (!this.recording) { this.pending.push(first, last); return; }
    const { mark, before } = this;
    for (let p = first; p <= last; p++) {
      if (mark[p]) continue;
      mark[p] = 1;
      this.written.push(p);
      if (!before.has(p)) before.set(p, this.copyOf(p));
    }
  }

  /** Makes every writable page report its next store: all pages the first time, then what the kernel touched. */
  arm(): void {
    const perm = this.mem.perm;
    if (!this.armedAll) {
      for (let p = 0; p < perm.length; p++) if (perm[p] & PROT_W) perm[p] |= CODE;
      this.armedAll = true;
      this.pending.length = 0;
      return;
    }
    const pending = this.pending;
    for (let k = 0; k < pending.length; k += 2) {
      for (let p = pending[k], last = Math.min(pending[k + 1], perm.length - 1); p <= last; p++) if (perm[p] & PROT_W) perm[p] |= CODE;
    }
    pending.length = 0;
  }

  /** Re-arms pages after a run wrote them (their CODE marks are gone) and forgets that they were written. */
  rearm(pages: Iterable<number>): void {
    const { perm } = this.mem, mark = this.mark;
    for (const p of pages) { mark[p] = 0; if (perm[p] & PROT_W) perm[p] |= CODE; }
  }

  start(): void { this.recording = true; }
  stop(): void { this.recording = false; }

  /** The pages first written since the last call (each still marked until rearm()). */
  takeWritten(): number[] {
    const w = this.written;
    this.written = [];
    return w;
  }

  /** A pooled copy of page `p` as it is now. */
  copyOf(p: number): Uint8Array {
    const buf = this.pool.pop() ?? new Uint8Array(PAGE_SIZE);
    buf.set(this.mem.u8.subarray(p << PAGE_SHIFT, (p + 1) << PAGE_SHIFT));
    return buf;
  }

  release(buf: Uint8Array): void { this.pool.push(buf); }

  /** Ends a comparison: the saved contents go back to the pool. */
  forgetBefore(): void {
    for (const b of this.before.values()) this.pool.push(b);
    this.before.clear();
  }

  /**
   * Puts page `p` back to `contents`. Translators hear of it (they may hold code translated from
   * what the page held a moment ago); the caller re-arms the page.
   */
  put(p: number, contents: Uint8Array): void {
    const mem = this.mem;
    if (mem.perm[p] & CODE) {
      this.muted = true;
      try { mem.codeChanging(p, p); } finally { this.muted = false; }
    }
    mem.u8.set(contents, p << PAGE_SHIFT);
  }

  /** True when page `p` holds exactly `contents`. */
  same(p: number, contents: Uint8Array): boolean {
    const a = new Int32Array(this.mem.buffer, p << PAGE_SHIFT, PAGE_SIZE >> 2);
    const b = new Int32Array(contents.buffer, contents.byteOffset, PAGE_SIZE >> 2);
    for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
    return true;
  }
}
