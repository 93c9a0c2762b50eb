/**
 * Staged emulation: cold code runs on the interpreter (one block at a time) while a counter
 * per block entry finds the hot blocks. The hot blocks of each guest page are translated
 * together into one JavaScript function, a region (block-codegen.ts), whose blocks transfer
 * control to each other inside the function: loops, branches and calls within a page never
 * return to the dispatcher. A direct-mapped jump cache in front of the code cache serves the
 * transfers that do leave a region, direct or indirect (the software version of Smith's
 * "Jump TLB").
 *
 * Precise state: regions keep P[1] (instructions retired in this call), P[3] (the current
 * block) and P[0] (index of the instruction that may trap), so after a trap the dispatcher
 * retires exactly the instructions before the faulting one and reports its pc.
 *
 * The code cache is keyed by virtual page and remembers the physical page each region was
 * translated from. In the process VM the two are the same. In the system VM every entry into a
 * region checks, through the instruction TLB, that its virtual page still maps to that
 * physical page with execute permission (so satp writes, sfence.vma and mode changes need no
 * flush), and stores into physical pages holding translated code invalidate them.
 */
import * as SF from '../../isa/riscv/fp/softfloat.js';
import * as I64 from '../../isa/riscv/int64.js';
import { decode } from '../../isa/riscv/decoder.js';
import type { CsrFile } from '../../machine/csr.js';
import { HART_LAYOUT, type HartState } from '../../machine/hart.js';
import { CODE, PAGE_SHIFT, PROT_X, type FlatMemory } from '../../machine/memory.js';
import { SYS_STOP } from '../../machine/priv/cells.js';
import type { SystemMemory } from '../../machine/priv/system-memory.js';
import { GuestTrap, trap } from '../../machine/trap.js';
import type { MemoryModel } from '../codegen/memory-model.js';
import { BUDGET_EXIT, type Engine, type Exit } from '../engine.js';
import { contextObject, Interpreter, memoryModel, type GuestMemory } from '../interpreter/interpreter.js';
import { DISPATCH_CELLS, jumpCacheIndex, wasmDispatcher } from '../wasm/wasm-dispatch.js';
import { wasmRegion, wasmTranslatable, type HelperRegisters, type WasmLayout } from '../wasm/wasm-region.js';
import { helperSource, regionLayout, regionSource, type BlockInsn } from './block-codegen.js';

export interface TranslatorOptions {
  /** Entries of a block start before it is translated. */
  hotThreshold?: number;
  /** The code cache holds at most this many blocks; when full it is flushed. */
  maxBlocks?: number;
  /** Longest block, in instructions. */
  maxBlockInsns?: number;
  /**
   * Translate hot blocks to WebAssembly where the machine allows it (a flat memory backed by a
   * WebAssembly.Memory that holds the hart too: FlatMemory's `wasm`). Default true.
   */
  wasm?: boolean;
}

/** The translated code of one guest page. */
interface Region {
  /** Cache key: the virtual page (with the high word, in the system VM). */
  page: number;
  /** The physical (host) page the code came from. */
  hostPage: number;
  /** High word of the page's addresses (system VM). */
  hi: number;
  /** The JavaScript function (wasm regions are called by the WebAssembly dispatcher instead, from their table slot). */
  fn: (C: unknown, entry: number, entryHi: number, entryCase: number) => number;
  /** What the code is: generated JavaScript, or a WebAssembly function (process VM; wasm-region.ts: wasmKind says what it runs how). */
  backend: 'js' | 'wasm';
  /** A WebAssembly region's entry in the dispatcher's function table; -1 before its first compile. */
  slot: number;
  /** It takes no more blocks (its function is as large as V8 handles well): the page starts another. */
  full: boolean;
  /** The case number of each block in the region's function (block-codegen.ts). */
  cases: Map<number, number>;
  /** Hot blocks by start pc: their instructions (for precise traps and recompiling). */
  blocks: Map<number, BlockInsn[]>;
  /** Hot blocks waiting for the next recompile (they run on the interpreter meanwhile). */
  pending: Map<number, BlockInsn[]>;
  source: string;
  /** Pages, other than its own, whose blocks it took in (process VM): a store there drops it. */
  guestPages: Set<number>;
  /** Dropped from the code cache (it may still be running). */
  dropped: boolean;
}

export interface TranslatorStats {
  blocksTranslated: number;
  /** Of those, blocks of another page copied into a region that kept jumping to them. */
  blocksJoined: number;
  regionsCompiled: number;
  /** Of those, compiled to WebAssembly. */
  wasmCompiles: number;
  translationMs: number;
  blocksCached: number;
  flushes: number;
  invalidations: number;
  /** Calls of region functions by the dispatcher. */
  regionEntries: number;
  /** Lookups of the code at a pc; those the jump cache did not answer are misses. */
  jumpCacheLookups: number;
  jumpCacheMisses: number;
  translatedInsns: number;
  interpretedInsns: number;
  /**
   * Calls from WebAssembly regions to instruction helpers: atomics, fclass, and the slow paths
   * of FP arithmetic and conversions (wasm-fp.ts), which the fast paths should make rare.
   */
  helperCalls: number;
}

/**
 * Source size at which a region stops growing and the page starts another: V8 optimizes only
 * functions below a bytecode size, and an unoptimized region runs slower than the interpreter.
 */
const REGION_SOURCE_LIMIT = 24_000;
/**
 * Guest instructions at which a WebAssembly region stops growing. Every recompile of a region
 * costs V8 a new module (validated, compiled by Liftoff on its first call, optimized by
 * TurboFan later); measured on the benchmark guests, regions capped at 128 instructions beat
 * 256, 512, 1024 and 4096 (strings at scale 2: 2.9-4.0 s against 3.7, 5.0, 9.2 and 10.4 s, of
 * which translation 0.6-0.7 s against 1.2, 2.0, 3.7 and 3.3 s; compress and intkernels no worse).
 */
const WASM_REGION_INSNS = 128;
/**
 * Most instructions one call of a WebAssembly region may run: V8 optimizes a WebAssembly
 * function in the background but runs the optimized code only from its next call.
 */
const WASM_CALL_BUDGET = 1 << 20;

/** The stop cell of a machine that never asks the engine to stop early (the process VM). */
const NO_STOP = new Int32Array(SYS_STOP + 1);

const JC_BITS = 12;
const JC_MASK = (1 << JC_BITS) - 1;

/**
 * Times a region must leave for the same pc (of another page, or a block it lacks) before it
 * takes that block in: calls into library functions and their returns then stay inside one
 * region instead of going through the dispatcher each time (process VM only: in the system
 * VM a region's code must all come from the one physical page checked on entry).
 */
const JOIN_THRESHOLD = 64;

/**
 * A region that already runs is recompiled once the blocks waiting for it number a quarter of
 * those it has, or when one of them stays hot for another hot threshold (or join threshold):
 * each recompile costs V8 a new function to warm up and optimize, so they come in batches.
 */
const BATCH_FRACTION = 4;

export class Translator implements Engine {
  readonly name = 'jit';
  readonly stats: TranslatorStats = {
    blocksTranslated: 0, blocksJoined: 0, regionsCompiled: 0, wasmCompiles: 0, translationMs: 0, blocksCached: 0, flushes: 0, invalidations: 0,
    regionEntries: 0, jumpCacheLookups: 0, jumpCacheMisses: 0, translatedInsns: 0, interpretedInsns: 0, helperCalls: 0,
  };
  private readonly cold: Interpreter;
  private readonly ctx: Record<string, unknown>;
  private readonly P = new Int32Array(5);
  private readonly model: MemoryModel;
  private readonly sysMem: SystemMemory | undefined;
  private readonly flatMem: FlatMemory | undefined;
  /** Regions by page; a page whose hot code outgrows one region gets several. */
  private readonly regions = new Map<number, Region[]>();
  private readonly heat = new Map<number, number>();
  /** The jump cache: tags (pc), in guest memory's WebAssembly.Memory when there is one (the WebAssembly dispatcher reads it). */
  private readonly jcTag: Int32Array;
  private readonly jcHi = new Int32Array(1 << JC_BITS);
  private readonly jcRegion: (Region | undefined)[] = new Array(1 << JC_BITS).fill(undefined);
  /** The case of the entry's block in its region's function: entering needs no search by pc. */
  private readonly jcCase: Int32Array;
  /** The region's slot in the WebAssembly function table, or -1 (a JavaScript region). */
  private readonly jcSlot: Int32Array;
  /** Per jump-cache slot: the region that last left for it, and how many times in a row. */
  private readonly exitFrom: (Region | undefined)[] = new Array(1 << JC_BITS).fill(undefined);
  private readonly exitCount = new Int32Array(1 << JC_BITS);
  /** Regions holding blocks of a page not their own, by that page. */
  private readonly guests = new Map<number, Set<Region>>();
  private readonly hotThreshold: number;
  private readonly maxBlocks: number;
  private readonly maxBlockInsns: number;
  private blockCount = 0;
  /** Where WebAssembly regions find RAM, permissions and this hart; undefined: JavaScript regions only. */
  private readonly wasm: WasmLayout | undefined;
  /** The WebAssembly dispatch loop (wasm-dispatch.ts), its function table and what it leaves in the hart's engine cells. */
  private readonly dispatch: ((pc: number, budget: number) => number) | undefined;
  private readonly table: WebAssembly.Table | undefined;
  private readonly cells: Int32Array;
  /**
   * The helper function of each instruction WebAssembly regions call one for (made once per
   * decoded instruction, and compiled on its first call: most FP helpers are slow paths that
   * never run).
   */
  private readonly helpers = new WeakMap<BlockInsn, HelperRegisters & { fn: () => number }>();
  private readonly helperOf = (i: BlockInsn): HelperRegisters & { fn: () => number } => {
    let h = this.helpers.get(i);
    if (!h) {
      const { source, regs, written } = helperSource(i, this.model);
      let compiled: (() => number) | undefined;
      const fn = () => {
        this.stats.helperCalls++;
        return (compiled ??= new Function('C', source)(this.ctx) as () => number)();
      };
      this.helpers.set(i, (h = { fn, regs, written }));
    }
    return h;
  };
  /** The region in each table slot, and the slots free for reuse. */
  private readonly slotRegion: (Region | undefined)[] = [];
  private readonly freeSlots: number[] = [];

  constructor(private readonly hart: HartState, private readonly mem: GuestMemory, csr: CsrFile, opts: TranslatorOptions = {}) {
    if (mem.kind === 'flat' && mem.size > 2 ** 31) throw new RangeError('the translator keeps pc and addresses in int32: guest memory must be at most 2 GiB');
    this.hotThreshold = opts.hotThreshold ?? 32;
    this.maxBlocks = opts.maxBlocks ?? 16384;
    this.maxBlockInsns = opts.maxBlockInsns ?? 64;
    this.model = memoryModel(mem);
    this.cold = new Interpreter(hart, mem, csr, undefined, true);
    const fields: Record<string, unknown> = {
      X: hart.x, XW: hart.xw, F: hart.f, FW: hart.fw, FDV: hart.fd, NUM: hart.num, FCSR: hart.fcsr, ...mem.engineBindings(), SF, I64, CSR: csr, trap, GuestTrap,
    };
    this.ctx = contextObject(['P', ...this.model.bindings], { P: this.P, ...fields });
    const JC = 1 << JC_BITS;
    const tables = mem.kind === 'flat' && mem.wasm && hart.buffer === mem.buffer && opts.wasm !== false ? mem.reserve(3 * 4 * JC) : -1;
    const cellsOffset = hart.offset + HART_LAYOUT.engineCells;
    this.cells = new Int32Array(hart.buffer, cellsOffset, 4);
    if (tables >= 0) {
      const flat = mem as FlatMemory, pages = flat.buffer.byteLength / 65536;
      this.wasm = { lim: flat.size, permOffset: flat.permOffset, pages };
      [this.jcTag, this.jcCase, this.jcSlot] = [0, 1, 2].map((k) => new Int32Array(flat.buffer, tables + 4 * JC * k, JC));
      this.table = new WebAssembly.Table({ element: 'anyfunc', initial: 16 });
      const bytes = wasmDispatcher({
        pages, tagOffset: tables, caseOffset: tables + 4 * JC, slotOffset: tables + 8 * JC, mask: JC_MASK, hartOffset: hart.offset, cellsOffset, callBudget: WASM_CALL_BUDGET,
      });
      this.dispatch = new WebAssembly.Instance(new WebAssembly.Module(bytes), { m: { mem: flat.wasm!, table: this.table } }).exports.run as Translator['dispatch'];
    } else {
      [this.jcTag, this.jcCase, this.jcSlot] = [new Int32Array(JC), new Int32Array(JC), new Int32Array(JC)];
    }
    this.jcTag.fill(-1);
    this.jcCase.fill(-1);
    if (mem.kind === 'flat') {
      this.flatMem = mem;
      mem.codeWriteListeners.add((first, last) => this.invalidatePages(first, last));
    } else {
      this.sysMem = mem;
      mem.codeWriteListeners.add((hostPage) => this.invalidateHostPage(hostPage));
    }
  }

  run(budget: number): Exit {
    const { hart, P, ctx, sysMem, flatMem, jcTag, jcRegion, jcCase, stats } = this;
    const NUM = hart.num, SYS = sysMem ? sysMem.sys : NO_STOP;
    const base = NUM[1];
    let count = 0, lookups = 0, entries = 0, translated = 0;
    let cur: Region | undefined;
    let pc = NUM[0];
    try {
      while (count < budget && SYS[SYS_STOP] === 0) {
        cur = undefined;
        lookups++;
        const lo = pc | 0, hi = sysMem ? Math.floor(pc / 4294967296) | 0 : 0;
        // A jump-cache hit in the process VM needs no other check: changing the protection
        // of a page drops its translations, and with them these entries.
        let h = jumpCacheIndex(lo, JC_MASK);
        if (jcTag[h] !== lo) h ^= 1;
        const hit = flatMem !== undefined && jcTag[h] === lo && pc === lo;
        const r = hit ? jcRegion[h] : this.lookup(pc, lo, hi);
        if (r !== undefined && r.backend === 'wasm') {
          // The WebAssembly dispatcher goes on from region to region while the jump cache hits.
          const { cells } = this;
          const next = this.dispatch!(lo, budget - count);
          const done = cells[DISPATCH_CELLS.retired];
          entries += cells[DISPATCH_CELLS.calls];
          translated += done;
          count += done;
          pc = next;
          if (done > 0) {
            this.noteExit(this.slotRegion[cells[DISPATCH_CELLS.lastSlot]]!, next);
            continue;
          }
        } else if (r !== undefined) {
          cur = r;
          entries++;
          P[1] = 0;
          P[2] = budget - count;
          NUM[1] = base + count;
          const next = r.fn(ctx, lo, hi, hit ? jcCase[h] : -1);
          const done = P[1];
          translated += done;
          count += done;
          if (sysMem) pc = P[4] * 4294967296 + (next >>> 0);
          else {
            pc = next;
            this.noteExit(r, next);
          }
          if (done > 0) continue;
        }
        // Cold code, a fetch fault, or a budget that ends inside the next block: the
        // interpreter runs it exactly.
        cur = undefined;
        NUM[0] = this.exactPc(pc); NUM[1] = base + count;
        const exit = this.cold.run(budget - count);
        const done = NUM[1] - base - count;
        stats.interpretedInsns += done;
        count += done;
        if (exit.kind === 'trap') return exit;
        pc = NUM[0];
      }
    } catch (e) {
      if (!(e instanceof GuestTrap)) throw e;
      if (cur) {
        const done = P[1] + P[0];
        translated += done;
        count += done;
        const at = cur.blocks.get(P[3])![P[0]].pc;
        pc = sysMem ? cur.hi * 4294967296 + (at >>> 0) : at;
      }
      NUM[0] = this.exactPc(pc);
      NUM[1] = base + count;
      return { kind: 'trap', cause: e.cause, tval: e.tval };
    } finally {
      stats.jumpCacheLookups += lookups;
      stats.regionEntries += entries;
      stats.translatedInsns += translated;
    }
    NUM[0] = this.exactPc(pc);
    NUM[1] = base + count;
    return BUDGET_EXIT;
  }

  /** The process VM keeps a far jump target aside (hart.ts: NUM_FAR_PC) while its pc is -1. */
  private exactPc(pc: number): number { return pc === -1 && this.flatMem ? this.hart.num[3] : pc; }

  /**
   * The region to enter at pc (lo, hi), through the jump cache, or undefined: cold code, or
   * code that cannot be fetched (the interpreter raises the fault). In the system VM the
   * region's physical page must still be what its virtual page maps to.
   */
  private lookup(pc: number, lo: number, hi: number): Region | undefined {
    const flat = this.flatMem;
    if (flat && !Translator.executable(flat, pc)) return undefined;
    const h = jumpCacheIndex(lo, JC_MASK), { jcTag, jcHi } = this;
    const r = jcTag[h] === lo && jcHi[h] === hi ? this.jcRegion[h]
      : jcTag[h ^ 1] === lo && jcHi[h ^ 1] === hi ? this.jcRegion[h ^ 1] : this.findRegion(lo, hi, h);
    if (r !== undefined && !flat && this.codeHostPage(lo, hi) !== r.hostPage) {
      this.dropRegion(r);
      return undefined;
    }
    return r;
  }

  /** Whether the process VM may fetch at pc (otherwise the interpreter raises the fault). */
  private static executable(flat: FlatMemory, pc: number): boolean {
    return pc >= 0 && pc < flat.size && (flat.perm[pc >>> PAGE_SHIFT] & PROT_X) !== 0;
  }

  /** Cache key of the virtual page holding (lo, hi). */
  private static key(lo: number, hi: number): number { return hi * 1048576 + (lo >>> PAGE_SHIFT); }

  /** The host page holding the code at (lo, hi), or -1 when it cannot be fetched (the interpreter raises the fault). */
  private codeHostPage(lo: number, hi: number): number {
    const sys = this.sysMem;
    if (!sys) return lo >>> PAGE_SHIFT;
    try {
      return (((lo & -4096) + sys.fetchBase(lo, hi)) | 0) >>> PAGE_SHIFT;
    } catch (e) {
      if (e instanceof GuestTrap) return -1;
      throw e;
    }
  }

  /** A jump-cache miss: the region holding a block at `pc`, translating it once hot; fills the jump cache. */
  private findRegion(pc: number, hi: number, h: number): Region | undefined {
    this.stats.jumpCacheMisses++;
    const key = Translator.key(pc, hi);
    let r = this.regions.get(key)?.find((x) => x.blocks.has(pc));
    if (r === undefined) {
      const heatKey = hi === 0 ? pc : hi * 4294967296 + (pc >>> 0);
      const heat = (this.heat.get(heatKey) ?? 0) + 1;
      this.heat.set(heatKey, heat);
      if (heat < this.hotThreshold || (r = this.translate(pc, hi, heatKey)) === undefined) return undefined;
    }
    // Two ways per set: the entry there moves to the other way (pairs of hot targets that
    // share a set, a call and its return, no longer evict each other).
    const { jcTag, jcHi, jcRegion, jcCase, jcSlot } = this, o = h ^ 1;
    jcTag[o] = jcTag[h]; jcHi[o] = jcHi[h]; jcRegion[o] = jcRegion[h]; jcCase[o] = jcCase[h]; jcSlot[o] = jcSlot[h];
    jcTag[h] = pc;
    jcHi[h] = hi;
    jcRegion[h] = r;
    jcCase[h] = r.cases.get(pc) ?? -1;
    jcSlot[h] = r.backend === 'wasm' ? r.slot : -1;
    return r;
  }

  /** Counts a region leaving for `pc`; the region takes the block at `pc` in once it keeps doing so. */
  private noteExit(r: Region, pc: number): void {
    const h = jumpCacheIndex(pc, JC_MASK);
    if (this.exitFrom[h] !== r) {
      this.exitFrom[h] = r;
      this.exitCount[h] = 1;
    } else if (++this.exitCount[h] === JOIN_THRESHOLD) {
      this.exitCount[h] = 0;
      this.join(r, pc);
    }
  }

  /** Copies the block at `pc` (any page) into region `r` and recompiles it (process VM). */
  private join(r: Region, pc: number): void {
    const flat = this.flatMem!;
    if (r.dropped || r.full || r.blocks.has(pc)) return;
    if (!Translator.executable(flat, pc)) return;
    const t0 = performance.now();
    if (r.pending.has(pc)) {
      this.compile(r);
      this.stats.translationMs += performance.now() - t0;
      return;
    }
    if (this.blockCount >= this.maxBlocks) { this.flush(); return; }
    const page = pc >>> PAGE_SHIFT;
    const insns = this.decodeBlock(pc, page);
    if (insns.length === 0 || (r.backend === 'wasm' && !wasmTranslatable(insns))) return;
    if (page !== r.page) {
      r.guestPages.add(page);
      let set = this.guests.get(page);
      if (!set) this.guests.set(page, (set = new Set()));
      set.add(r);
    }
    flat.perm[page] |= CODE;
    this.stats.blocksJoined++;
    this.addBlock(r, pc, insns);
    this.stats.translationMs += performance.now() - t0;
  }

  /** Queues a hot block for its region's next recompile, and recompiles when the batch is due. */
  private addBlock(r: Region, pc: number, insns: BlockInsn[]): void {
    r.pending.set(pc, insns);
    this.blockCount++;
    this.stats.blocksCached = this.blockCount;
    if (r.pending.size * BATCH_FRACTION >= r.blocks.size) this.compile(r);
  }

  /** Regenerates and recompiles a region with the blocks waiting for it. */
  private compile(r: Region): void {
    for (const [pc, insns] of r.pending) r.blocks.set(pc, insns);
    this.stats.blocksTranslated += r.pending.size;
    r.pending.clear();
    const layout = regionLayout([...r.blocks.values()]);
    r.cases = new Map(layout.map((insns, k) => [insns[0].pc, k]));
    if (r.backend === 'wasm') {
      const { bytes, helpers } = wasmRegion(layout, this.wasm!, this.helperOf);
      const h = Object.fromEntries(helpers.map((i, k) => [k, this.helperOf(i).fn]));
      const run = new WebAssembly.Instance(new WebAssembly.Module(bytes), { m: { mem: this.flatMem!.wasm! }, h }).exports.run;
      const table = this.table!;
      if (r.slot < 0) {
        r.slot = this.freeSlots.pop() ?? this.slotRegion.length;
        if (r.slot >= table.length) table.grow(table.length);
      }
      table.set(r.slot, run);
      this.slotRegion[r.slot] = r;
      let insns = 0;
      for (const b of layout) insns += b.length;
      r.full = insns > WASM_REGION_INSNS;
      this.stats.wasmCompiles++;
    } else {
      r.source = regionSource(layout, this.model, this.sysMem ? r.hi : undefined);
      r.fn = new Function('C', 'entry', 'entryHi', 'entryCase', r.source) as Region['fn'];
      r.full = r.source.length > REGION_SOURCE_LIMIT;
    }
    // Jump-cache entries for this region name its old case numbers.
    for (let h = 0; h < this.jcRegion.length; h++) if (this.jcRegion[h] === r) this.jcCase[h] = r.cases.get(this.jcTag[h]) ?? -1;
    this.stats.regionsCompiled++;
  }

  /** Decodes the basic block at `pc` (code bytes from `hostPage`), staying inside its page; empty if the first instruction cannot be translated. */
  private decodeBlock(pc: number, hostPage: number): BlockInsn[] {
    const u16 = this.mem.u16;
    const page = pc >>> PAGE_SHIFT;
    const at = (a: number) => ((hostPage << PAGE_SHIFT) + (a & 4095)) >>> 1;
    const insns: BlockInsn[] = [];
    let a = pc;
    while (insns.length < this.maxBlockInsns) {
      if ((a >>> PAGE_SHIFT) !== page) break;
      const lo = u16[at(a)];
      const len = (lo & 3) === 3 ? 4 : 2;
      // A 32-bit instruction that straddles the page end gets the interpreter's exact fetch.
      if (len === 4 && ((a + 2) >>> PAGE_SHIFT) !== page) break;
      const raw = len === 4 ? (lo | (u16[at(a) + 1] << 16)) : lo;
      const dec = decode(raw);
      if (!dec) break;
      insns.push({ def: dec.def, word: dec.word, raw, pc: a, len });
      a = (a + len) | 0;
      if (dec.def.flags.branch || dec.def.flags.system) break;
    }
    return insns;
  }

  /**
   * Translates the hot block at `pc` into its page's region and recompiles the region. (Adding
   * the blocks a hot block statically reaches as well was measured: no faster on long runs,
   * slower start-up, so regions grow by hot blocks only.)
   */
  private translate(pc: number, hi: number, heatKey: number): Region | undefined {
    const t0 = performance.now();
    if (this.blockCount >= this.maxBlocks) this.flush();
    const page = Translator.key(pc, hi);
    const hostPage = this.codeHostPage(pc, hi);
    if (hostPage < 0) return undefined;
    this.heat.delete(heatKey);
    const waiting = this.regions.get(page)?.find((x) => x.pending.has(pc) && x.hostPage === hostPage);
    if (waiting) {
      this.compile(waiting);
      this.stats.translationMs += performance.now() - t0;
      return waiting;
    }
    const insns = this.decodeBlock(pc, hostPage);
    if (insns.length === 0) {
      // The first instruction is illegal or straddles a page: the interpreter keeps it.
      this.heat.set(heatKey, -Infinity);
      return undefined;
    }
    let list = this.regions.get(page);
    if (list && list[0].hostPage !== hostPage) {
      this.dropPage(page);
      list = undefined;
    }
    if (!list) this.regions.set(page, (list = []));
    // Integer blocks go to the page's WebAssembly region, where there can be one.
    const backend = this.wasm && wasmTranslatable(insns) ? 'wasm' : 'js';
    let r = [...list].reverse().find((x) => x.backend === backend);
    if (!r || r.full) {
      r = {
        page, hostPage, hi, fn: () => pc, backend, slot: -1, full: false, cases: new Map(), blocks: new Map(), pending: new Map(), source: '',
        guestPages: new Set(), dropped: false,
      };
      list.push(r);
    }
    if (this.flatMem) this.flatMem.perm[page] |= CODE;
    else this.sysMem!.markCode(hostPage);
    this.addBlock(r, pc, insns);
    this.stats.translationMs += performance.now() - t0;
    return r.blocks.has(pc) ? r : undefined;
  }

  private invalidatePages(first: number, last: number): void {
    let any = false;
    for (let p = first; p <= last; p++) if (this.dropPage(p)) any = true;
    if (any) this.stats.invalidations++;
  }

  /** A store reached a physical page holding translated code (system VM): drop what came from it. */
  private invalidateHostPage(hostPage: number): void {
    let any = false;
    for (const [key, list] of this.regions) if (list[0].hostPage === hostPage && this.dropPage(key)) any = true;
    if (any) this.stats.invalidations++;
  }

  private dropRegion(r: Region): void { this.dropPage(r.page); }

  /** Forgets the regions of one cache key, and those that took in blocks of that page; true if there were any. */
  private dropPage(key: number): boolean {
    const doomed = new Set<Region>([...(this.regions.get(key) ?? []), ...(this.guests.get(key) ?? [])]);
    if (doomed.size === 0) return false;
    for (const r of doomed) {
      r.dropped = true;
      this.freeSlot(r);
      this.blockCount -= r.blocks.size + r.pending.size;
      const list = this.regions.get(r.page)?.filter((x) => x !== r);
      if (list?.length) this.regions.set(r.page, list);
      else this.regions.delete(r.page);
      for (const p of r.guestPages) {
        const set = this.guests.get(p);
        set?.delete(r);
        if (set?.size === 0) this.guests.delete(p);
      }
    }
    this.jcTag.fill(-1);
    this.jcRegion.fill(undefined);
    this.exitFrom.fill(undefined);
    this.stats.blocksCached = this.blockCount;
    return true;
  }

  /** Gives a dropped region's table slot back (the jump cache, which names it, is cleared with the drop). */
  private freeSlot(r: Region): void {
    if (r.slot < 0) return;
    this.slotRegion[r.slot] = undefined;
    this.freeSlots.push(r.slot);
    r.slot = -1;
  }

  /** Drops every translation (the code cache is full, or a user asked). */
  flush(): void {
    // CODE marks stay: other harts' translators may hold code from these pages. A later store
    // there takes the slow path once, notifies everyone, and clears the mark.
    for (const list of this.regions.values()) for (const r of list) { r.dropped = true; this.freeSlot(r); }
    this.regions.clear();
    this.guests.clear();
    this.blockCount = 0;
    this.jcTag.fill(-1);
    this.jcRegion.fill(undefined);
    this.exitFrom.fill(undefined);
    this.stats.flushes++;
    this.stats.blocksCached = 0;
  }

  /** One line for --stats: what was translated, the code cache and the jump cache, the share of `totalInsns` run translated. */
  summary(totalInsns: number): string {
    const s = this.stats;
    const lookups = s.jumpCacheLookups, hits = lookups - s.jumpCacheMisses;
    return `jit: ${s.blocksTranslated} blocks translated (${s.blocksJoined} joined into a region from outside it) in ${s.regionsCompiled} region compiles (${s.wasmCompiles} to WebAssembly), ${s.translationMs.toFixed(1)} ms, ${s.blocksCached} cached, ` +
      `${s.flushes} flushes, ${s.invalidations} invalidations; ${s.regionEntries} region entries, jump cache hit rate ${lookups ? ((100 * hits) / lookups).toFixed(1) : '0'}%; ` +
      `${totalInsns ? ((100 * s.translatedInsns) / totalInsns).toFixed(1) : '0'}% of instructions in translated code` +
      (s.wasmCompiles ? `; ${s.helperCalls} helper calls from WebAssembly` : '');
  }

  /** The generated code of the region holding `pc`, if translated: JavaScript source or WebAssembly text (for tests and review). */
  regionSourceAt(pc: number, hi = 0): string | undefined {
    const r = this.regions.get(Translator.key(pc, hi))?.find((x) => x.blocks.has(pc));
    return r?.backend === 'wasm' ? wasmRegion(regionLayout([...r.blocks.values()]), this.wasm!, this.helperOf, true).text : r?.source;
  }
}
