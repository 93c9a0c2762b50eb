/**
 * Staged emulation: cold code runs on the interpreter (one block at a time) while a counter
 * per block entry finds the hot blocks; those are translated into JavaScript functions
 * (block-codegen.ts) and kept in a code cache. A direct-mapped jump cache in front of the
 * code cache serves every block transfer, direct or indirect (the software version of
 * Smith's "Jump TLB"); blocks that branch back to their own start loop inside their function.
 *
 * Precise state: blocks keep P[0] (index of the instruction that may trap) and P[1] (loop
 * iterations done), so after a trap the dispatcher retires exactly the instructions before
 * the faulting one and reports its pc.
 */
import * as SF from '../../isa/riscv/fp/softfloat.js';
import { decode } from '../../isa/riscv/decoder.js';
import type { CsrFile } from '../../machine/csr.js';
import type { HartState } from '../../machine/hart.js';
import { CODE, PAGE_SHIFT, PROT_X, type FlatMemory } from '../../machine/memory.js';
import { GuestTrap, trap } from '../../machine/trap.js';
import { interpreterVocabulary } from '../codegen/vocabulary.js';
import { BUDGET_EXIT, type Engine, type Exit } from '../engine.js';
import { Interpreter } from '../interpreter/interpreter.js';
import { blockSource, type BlockInsn } from './block-codegen.js';

export interface TranslatorOptions {
  /** Entries of a block start before it is translated. */
  hotThreshold?: number;
  /** The code cache holds at most this many blocks; when full it is flushed. */
  maxBlocks?: number;
  /** Longest block, in instructions. */
  maxBlockInsns?: number;
}

interface Block {
  fn: (C: unknown) => number;
  start: number;
  /** Instruction count of one pass through the block. */
  n: number;
  /** pc of each instruction, for precise traps. */
  pcs: Int32Array;
  loop: boolean;
  pages: number[];
  source: string;
}

export interface TranslatorStats {
  blocksTranslated: number;
  translationMs: number;
  blocksCached: number;
  flushes: number;
  invalidations: number;
  /** Block dispatches; those the jump cache did not answer are misses. */
  jumpCacheLookups: number;
  jumpCacheMisses: number;
  translatedInsns: number;
  interpretedInsns: number;
}

const JC_BITS = 12;
const JC_MASK = (1 << JC_BITS) - 1;

export class Translator implements Engine {
  readonly name = 'jit';
  readonly stats: TranslatorStats = {
    blocksTranslated: 0, translationMs: 0, blocksCached: 0, flushes: 0, invalidations: 0,
    jumpCacheLookups: 0, jumpCacheMisses: 0, translatedInsns: 0, interpretedInsns: 0,
  };
  private readonly cold: Interpreter;
  private readonly ctx: Record<string, unknown>;
  private readonly P = new Int32Array(4);
  private readonly blocks = new Map<number, Block>();
  private readonly byPage = new Map<number, Set<Block>>();
  private readonly heat = new Map<number, number>();
  private readonly jcTag = new Int32Array(1 << JC_BITS).fill(-1);
  private readonly jcBlock: (Block | undefined)[] = new Array(1 << JC_BITS).fill(undefined);
  private readonly hotThreshold: number;
  private readonly maxBlocks: number;
  private readonly maxBlockInsns: number;

  constructor(private readonly hart: HartState, private readonly mem: FlatMemory, csr: CsrFile, opts: TranslatorOptions = {}) {
    if (mem.size > 2 ** 31) throw new RangeError('the translator keeps pc and addresses in int32: guest memory must be at most 2 GiB');
    this.hotThreshold = opts.hotThreshold ?? 32;
    this.maxBlocks = opts.maxBlocks ?? 16384;
    this.maxBlockInsns = opts.maxBlockInsns ?? 64;
    this.cold = new Interpreter(hart, mem, csr, undefined, true);
    this.ctx = {
      P: this.P, X: hart.x, XW: hart.xw, F: hart.f, FW: hart.fw, NUM: hart.num, FCSR: hart.fcsr, M: mem,
      U8: mem.u8, I8: mem.i8, U16: mem.u16, I16: mem.i16, I32: mem.i32, B64: mem.b64, PERM: mem.perm, LIM: mem.size,
      SF, CSR: csr, trap,
    };
    mem.codeWriteListeners.add((first, last) => this.invalidatePages(first, last));
  }

  run(budget: number): Exit {
    const { hart, mem, P, jcTag, jcBlock } = this;
    const NUM = hart.num, PERM = mem.perm, LIM = mem.size;
    const base = NUM[1];
    let count = 0;
    let cur: Block | undefined;
    let pc = NUM[0];
    try {
      while (count < budget) {
        cur = undefined;
        if (!(pc >= 0 && pc < LIM && (PERM[pc >>> PAGE_SHIFT] & PROT_X) !== 0)) {
          NUM[0] = pc; NUM[1] = base + count;
          const exit = this.cold.run(1); // raises the exact fetch fault
          count += NUM[1] - base - count;
          if (exit.kind === 'trap') return exit;
          pc = NUM[0];
          continue;
        }
        const h = (pc >>> 1) & JC_MASK;
        this.stats.jumpCacheLookups++;
        const b = jcTag[h] === pc ? jcBlock[h]! : this.findBlock(pc, h);
        if (b === undefined || b.n > budget - count) {
          // Cold code, or a budget that ends inside the block: the interpreter runs it exactly.
          NUM[0] = pc; NUM[1] = base + count;
          const exit = this.cold.run(budget - count);
          const done = NUM[1] - base - count;
          this.stats.interpretedInsns += done;
          count += done;
          if (exit.kind === 'trap') return exit;
          pc = NUM[0];
          continue;
        }
        cur = b;
        P[1] = 0;
        if (b.loop) P[2] = Math.max(1, Math.floor((budget - count) / b.n));
        NUM[1] = base + count; // CSR reads of instret inside the block add their index
        pc = b.fn(this.ctx);
        const done = b.loop ? P[1] * b.n : b.n;
        this.stats.translatedInsns += done;
        count += done;
      }
    } catch (e) {
      if (!(e instanceof GuestTrap)) throw e;
      if (cur) {
        const done = P[1] * cur.n + P[0];
        this.stats.translatedInsns += done;
        count += done;
        pc = cur.pcs[P[0]];
      }
      NUM[0] = pc === -1 ? NUM[3] : pc;
      NUM[1] = base + count;
      return { kind: 'trap', cause: e.cause, tval: e.tval };
    }
    NUM[0] = pc === -1 ? NUM[3] : pc;
    NUM[1] = base + count;
    return BUDGET_EXIT;
  }

  /** A jump-cache miss: the code cache, else count an entry and translate once hot; fills the jump cache. */
  private findBlock(pc: number, h: number): Block | undefined {
    this.stats.jumpCacheMisses++;
    let b = this.blocks.get(pc);
    if (b === undefined) {
      const heat = (this.heat.get(pc) ?? 0) + 1;
      this.heat.set(pc, heat);
      if (heat < this.hotThreshold || (b = this.translate(pc)) === undefined) return undefined;
    }
    this.jcTag[h] = pc;
    this.jcBlock[h] = b;
    return b;
  }

  /** Decodes and compiles the block at `pc` (which is executable: the dispatcher checked). */
  private translate(pc: number): Block | undefined {
    const t0 = performance.now();
    if (this.blocks.size >= this.maxBlocks) this.flush();
    const { mem } = this;
    const page = pc >>> PAGE_SHIFT;
    const insns: BlockInsn[] = [];
    let a = pc;
    while (insns.length < this.maxBlockInsns) {
      if ((a >>> PAGE_SHIFT) !== page) break;
      const lo = mem.u16[a >>> 1];
      const len = (lo & 3) === 3 ? 4 : 2;
      // A 32-bit instruction that straddles the page end gets the interpreter's exact fetch.
      if (len === 4 && ((a + 2) >>> PAGE_SHIFT) !== page) break;
      const raw = len === 4 ? (lo | (mem.u16[(a >>> 1) + 1] << 16)) : lo;
      const dec = decode(raw);
      if (!dec) break;
      insns.push({ def: dec.def, word: dec.word, raw, pc: a, len });
      a += len;
      if (dec.def.flags.branch || dec.def.flags.system) break;
    }
    if (insns.length === 0) {
      // The first instruction is illegal or straddles a page: the interpreter keeps it.
      this.heat.set(pc, -Infinity);
      return undefined;
    }
    const source = blockSource(insns, interpreterVocabulary);
    const block: Block = {
      fn: new Function('C', source) as Block['fn'], start: pc, n: insns.length, pcs: Int32Array.from(insns, (i) => i.pc),
      loop: source.includes('for (;;)'), pages: [page], source,
    };
    this.heat.delete(pc);
    this.blocks.set(pc, block);
    let set = this.byPage.get(page);
    if (!set) this.byPage.set(page, (set = new Set()));
    set.add(block);
    mem.perm[page] |= CODE;
    this.stats.blocksTranslated++;
    this.stats.blocksCached = this.blocks.size;
    this.stats.translationMs += performance.now() - t0;
    return block;
  }

  private invalidatePages(first: number, last: number): void {
    let any = false;
    for (let p = first; p <= last; p++) {
      const set = this.byPage.get(p);
      if (!set) continue;
      for (const b of set) this.blocks.delete(b.start);
      this.byPage.delete(p);
      any = true;
    }
    if (any) {
      this.stats.invalidations++;
      this.jcTag.fill(-1);
      this.jcBlock.fill(undefined);
      this.stats.blocksCached = this.blocks.size;
    }
  }

  /** Drops every translation (the code cache is full, or a user asked). */
  flush(): void {
    // CODE marks stay: other harts' translators may hold code from these pages. A later store
    // there takes the slow path once, notifies everyone, and clears the mark.
    this.blocks.clear();
    this.byPage.clear();
    this.jcTag.fill(-1);
    this.jcBlock.fill(undefined);
    this.stats.flushes++;
    this.stats.blocksCached = 0;
  }

  /** The generated source of the block at `pc`, if translated (for tests and `--dump`). */
  blockSourceAt(pc: number): string | undefined {
    return this.blocks.get(pc)?.source;
  }
}

