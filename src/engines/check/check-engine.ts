/**
 * The lockstep checker (`--engine check`): every slice of guest execution runs twice from the
 * same state, on the reference interpreter and on the engine under test (the translator), and
 * the two resulting states must agree: registers, pc, instret, fcsr, the LR reservation, every
 * page either engine wrote, and how the slice ended (budget, or the same trap).
 *
 * Both engines run on the real hart and memory, one after the other: the reference first,
 * then its result is put aside, the pages it wrote are put back (write-tracker.ts saves them
 * on first write), and the engine under test runs on the restored state, so that its result
 * is what the guest goes on with. No second copy of guest memory is kept, and the kernel acts
 * on the real state between slices as with any other engine (a system call ends a slice).
 *
 * At the first disagreement the slice is replayed from its saved start: a bisection on the
 * instruction count finds the first count after which the two disagree, then the instructions
 * of the last block before it are replayed one at a time, each translated on its own, to name
 * the instruction at fault. The report goes up as a LockstepDivergence.
 */
import { decode } from '../../isa/riscv/decoder.js';
import { disassemble } from '../../isa/riscv/disasm.js';
import { field } from '../../isa/riscv/encoding.js';
import { F_NAMES, X_NAMES } from '../../isa/riscv/registers.js';
import { UserCsrs, type CsrFile } from '../../machine/csr.js';
import { HART_LAYOUT, type HartState } from '../../machine/hart.js';
import { PAGE_SHIFT, PROT_X, type FlatMemory } from '../../machine/memory.js';
import { BUDGET_EXIT, type Engine, type Exit } from '../engine.js';
import { Interpreter } from '../interpreter/interpreter.js';
import { Translator, type TranslatorOptions } from '../translator/translator.js';
import {
  HART_BYTES, describeOutcome, hartDifferences, memoryDifferences, sameHart, sameOutcome, type Difference, type Outcome,
} from './state-diff.js';
import { WriteTracker, type CheckStats } from './write-tracker.js';

/** Exit status of `univm run --engine check` when the engines disagree. */
export const DIVERGENCE_STATUS = 123;

export class LockstepDivergence extends Error {
  constructor(readonly report: string) { super(report); }
}

export type TestedEngineFactory = (hart: HartState, mem: FlatMemory, csr: CsrFile, opts: TranslatorOptions) => Engine;

export interface CheckOptions {
  /** Passed to the translator (block entries before translation). */
  hotThreshold?: number;
  /** Instructions per compared slice. */
  sliceInsns?: number;
  /** Builds the engine under test; the translator by default (tests pass broken ones). */
  tested?: TestedEngineFactory;
}

/**
 * Long slices: a page written in a slice is saved, restored and compared once however often it
 * is written in the slice. Measured on sort_big (writes all over a large array), the time spent
 * comparing was 25% of the run with 16K-instruction slices, 6% with 256K, 3% with 1M. A system
 * call ends a slice anyway; the replays after a divergence cost a few dozen slices.
 */
const SLICE_INSNS = 1 << 20;
/** The translator's longest block: a bisection ends within the last block the translator ran. */
const BLOCK_WINDOW = 64;

const defaultTested: TestedEngineFactory = (hart, mem, csr, opts) => new Translator(hart, mem, csr, opts);

/** Full contents of the pages of interest, for replays. */
interface Snapshot { hart: Uint8Array; pages: Map<number, Uint8Array>; outcome: Outcome }

export class CheckEngine implements Engine {
  readonly name = 'check';
  readonly reference: Interpreter;
  readonly tested: Engine;
  private readonly tracker: WriteTracker;
  private readonly csr: CsrFile;
  private readonly hartBytes: Uint8Array;
  private readonly start = new Uint8Array(HART_BYTES);
  private readonly refEnd = new Uint8Array(HART_BYTES);
  private readonly sliceInsns: number;
  private readonly makeTested: TestedEngineFactory;
  /** The clock the guest reads (rdtime): fixed during a slice, so both engines read the same time. */
  private clock = 0;

  constructor(private readonly hart: HartState, private readonly mem: FlatMemory, opts: CheckOptions = {}) {
    this.csr = new UserCsrs(hart, () => this.clock);
    this.reference = new Interpreter(hart, mem, this.csr);
    this.makeTested = opts.tested ?? defaultTested;
    this.tested = this.makeTested(hart, mem, this.csr, { hotThreshold: opts.hotThreshold });
    this.tracker = WriteTracker.of(mem);
    this.hartBytes = hart.bytes;
    this.sliceInsns = opts.sliceInsns ?? SLICE_INSNS;
  }

  /** Shared by the check engines of all threads of a process. */
  get stats(): CheckStats { return this.tracker.stats; }

  run(budget: number): Exit {
    const hart = this.hart;
    for (let left = budget; left > 0;) {
      const n = Math.min(left, this.sliceInsns);
      const before = hart.instret;
      const exit = this.slice(n, Math.min(left - n, BLOCK_WINDOW));
      if (exit.kind === 'trap') return exit;
      left -= hart.instret - before;
    }
    return BUDGET_EXIT;
  }

  /**
   * One compared slice: n instructions, then up to `finish` more to the end of the current
   * block. A slice ending inside a block would make the translator start a new block there on
   * the next slice, and recompile that page's region: with --jit-threshold 1 that cost the
   * translator about as much time as it spent running code.
   */
  private slice(n: number, finish: number): Exit {
    const { tracker: t, hartBytes, start, refEnd, stats } = this;
    t.arm();
    this.clock = performance.now();
    start.set(hartBytes);
    const t0 = performance.now();
    let refOut: Outcome, testOut: Outcome, refWritten: number[], testWritten: number[], post: Uint8Array[];
    let t1 = t0, t2 = t0, budget = n;
    t.start();
    try {
      refOut = attempt(this.reference, n);
      if (refOut.kind === 'budget' && finish > 0) {
        const more = this.toBlockEnd(finish);
        refOut = more.outcome;
        // The engine under test gets the budget the reference used up, or had when it trapped.
        budget = refOut.kind === 'budget' ? n + more.retired : n + finish;
      }
      t1 = performance.now();
      refWritten = t.takeWritten();
      refEnd.set(hartBytes);
      post = refWritten.map((p) => t.copyOf(p));
      // The pages the reference wrote stay unarmed: the engine under test writes them too, on its
      // fast path (its generated code never needs its slow path for them, and stays optimised
      // for that: measured, arming them cost the translator 45%). A page only it writes is armed
      // and shows up below.
      for (const p of refWritten) t.put(p, t.before.get(p)!);
      hartBytes.set(start);
      t2 = performance.now();
      testOut = attempt(this.tested, budget);
      testWritten = t.takeWritten();
    } finally {
      t.stop();
    }
    const t3 = performance.now();
    let agree = sameOutcome(refOut, testOut) && sameHart(refEnd, hartBytes);
    for (let k = 0; agree && k < refWritten.length; k++) agree = t.same(refWritten[k], post[k]);
    for (let k = 0; agree && k < testWritten.length; k++) agree = t.same(testWritten[k], t.before.get(testWritten[k])!);
    t.rearm(refWritten);
    t.rearm(testWritten);
    if (!agree) throw new LockstepDivergence(this.report(budget, refOut, testOut));
    if (refOut.kind === 'error') throw refOut.error;
    for (const b of post) t.release(b);
    t.forgetBefore();
    stats.slices++;
    stats.insns += this.hart.instret - this.numAt(start);
    stats.pages += refWritten.length + testWritten.length;
    stats.referenceMs += t1 - t0;
    stats.testedMs += t3 - t2;
    stats.checkMs += performance.now() - t3 + (t2 - t1);
    return testOut as Exit;
  }

  /**
   * Steps the reference to the end of the block, as the translator delimits blocks (after a
   * branch or a system instruction), at most `max` instructions. (Not the interpreter's own
   * blockwise mode: its run loop is shared with the standalone interpreter, and V8 throws the
   * optimised loop away at each of the ~20 paths that only blockwise runs take.)
   */
  private toBlockEnd(max: number): { outcome: Outcome; retired: number } {
    let retired = 0;
    while (retired < max) {
      const dec = decode(this.fetch(this.hart.pc));
      const outcome = attempt(this.reference, 1);
      if (outcome.kind !== 'budget') return { outcome, retired };
      retired++;
      if (!dec || dec.def.flags.branch || dec.def.flags.system) break;
    }
    return { outcome: BUDGET_EXIT, retired };
  }

  private numAt(snapshot: Uint8Array): number {
    return new Float64Array(snapshot.buffer, snapshot.byteOffset + HART_LAYOUT.num, 2)[1];
  }

  // ---- after a disagreement: replays from the slice's start ----

  /** Puts the pages written since the slice began back as `s` has them (or as they were at the start), and the hart. */
  private restore(s: Snapshot | undefined): void {
    const t = this.tracker;
    t.takeWritten();
    const pages = [...t.before.keys()];
    for (const p of pages) t.put(p, s?.pages.get(p) ?? t.before.get(p)!);
    t.rearm(pages);
    this.hartBytes.set(s ? s.hart : this.start);
  }

  private runTracked(engine: Engine, n: number): Outcome {
    const t = this.tracker;
    t.start();
    try { return attempt(engine, n); } finally { t.stop(); }
  }

  private capture(outcome: Outcome): Snapshot {
    const pages = new Map<number, Uint8Array>();
    for (const p of this.tracker.before.keys()) pages.set(p, this.mem.u8.slice(p << PAGE_SHIFT, (p + 1) << PAGE_SHIFT));
    return { hart: this.hartBytes.slice(), pages, outcome };
  }

  private differences(a: Snapshot, b: Snapshot): Difference[] {
    const before = this.tracker.before;
    const page = (s: Snapshot) => (p: number) => s.pages.get(p) ?? before.get(p)!;
    const out = hartDifferences(a.hart, b.hart);
    if (!sameOutcome(a.outcome, b.outcome)) out.unshift({ what: 'exit', reference: describeOutcome(a.outcome), tested: describeOutcome(b.outcome) });
    return out.concat(memoryDifferences(before.keys(), page(a), page(b)));
  }

  /** Both engines from `from` (the slice start if undefined) for n instructions. */
  private pair(from: Snapshot | undefined, n: number, tested: Engine): { ref: Snapshot; test: Snapshot; diff: Difference[] } {
    this.restore(from);
    const ref = this.capture(this.runTracked(this.reference, n));
    this.restore(from);
    const test = this.capture(this.runTracked(tested, n));
    return { ref, test, diff: this.differences(ref, test) };
  }

  private report(n: number, refOut: Outcome, testOut: Outcome): string {
    try {
      return this.diagnose(n);
    } catch (e) {
      // The replay itself failed (an engine bug that is not deterministic?): say what is known.
      return `univm: lockstep check: the translator and the interpreter disagree in the ${n} instructions from ` +
        `instret ${this.numAt(this.start)} (pc 0x${new Float64Array(this.start.buffer, this.start.byteOffset + HART_LAYOUT.num, 1)[0].toString(16)}); ` +
        `interpreter: ${describeOutcome(refOut)}, translator: ${describeOutcome(testOut)}; replaying failed: ${e instanceof Error ? e.message : String(e)}`;
    }
  }

  private diagnose(n: number): string {
    const startInstret = this.numAt(this.start);
    // After `lo` instructions the engines agree (0: the common start), after `hi` they do not.
    // The states can agree again later (a wrong value overwritten), so the search gallops up
    // from the start before it bisects: it finds the earliest disagreement it can.
    let lo = 0, hi = n;
    let last: ReturnType<CheckEngine['pair']> | undefined;
    for (let k = 1; k < n; k *= 2) {
      const p = this.pair(undefined, k, this.tested);
      if (p.diff.length) { hi = k; last = p; break; }
      lo = k;
    }
    last ??= this.pair(undefined, n, this.tested);
    while (hi - lo > 1) {
      const mid = lo + Math.floor((hi - lo) / 2);
      const p = this.pair(undefined, mid, this.tested);
      if (p.diff.length) { hi = mid; last = p; } else lo = mid;
    }
    // The instructions of the last block, one at a time: each translated alone against the interpreter.
    const from = Math.max(0, hi - BLOCK_WINDOW);
    this.restore(undefined);
    let state = this.capture(this.runTracked(this.reference, from));
    const single = this.makeTested(this.hart, this.mem, this.csr, { hotThreshold: 1, maxBlockInsns: 1 });
    const steps: { pc: number; raw: number }[] = [];
    let culprit: { index: number; diff: Difference[] } | undefined;
    for (let k = from; k < hi; k++) {
      this.restore(state);
      steps.push({ pc: this.hart.pc, raw: this.fetch(this.hart.pc) });
      const p = this.pair(state, 1, single);
      if (p.diff.length) { culprit = { index: steps.length - 1, diff: p.diff }; break; }
      if (p.ref.outcome.kind !== 'budget') break;
      state = p.ref;
    }
    const diff = culprit?.diff ?? last.diff;
    const at = culprit?.index ?? this.lastWriter(steps, last.diff);
    const lines = [`univm: lockstep check: the translator and the interpreter disagree (instruction ${startInstret + from + at + 1} of this thread)`];
    const insn = steps[at];
    if (insn) {
      lines.push(`  at 0x${insn.pc.toString(16)}: ${this.text(insn)}`);
      lines.push(culprit
        ? '  this instruction alone, translated, does not do what the interpreter does:'
        : `  no instruction of the block alone differs; above: the last one before instret ${startInstret + hi} to write what differs:`);
    } else {
      lines.push(`  after instret ${startInstret + hi} (pc 0x${new Float64Array(last.ref.hart.buffer, HART_LAYOUT.num, 1)[0].toString(16)})`);
    }
    const w = Math.max(14, ...diff.map((d) => d.what.length + 2));
    const v = Math.max(20, ...diff.map((d) => d.reference.length + 2));
    lines.push(`  ${''.padEnd(w)}${'interpreter'.padEnd(v)}translator`);
    for (const d of diff.slice(0, 12)) lines.push(`  ${d.what.padEnd(w)}${d.reference.padEnd(v)}${d.tested}`);
    if (diff.length > 12) lines.push(`  ... and ${diff.length - 12} more`);
    if (steps.length) {
      lines.push('  instructions before it (interpreter):');
      const end = insn ? at : steps.length - 1;
      for (let k = Math.max(0, end - 5); k <= end; k++) lines.push(`  ${k === at ? '>' : ' '} 0x${steps[k].pc.toString(16)}  ${this.text(steps[k])}`);
    }
    return lines.join('\n');
  }

  private text(s: { pc: number; raw: number }): string {
    const len = (s.raw & 3) === 3 ? 4 : 2;
    const bits = len === 4 ? (s.raw >>> 0).toString(16).padStart(8, '0') : (s.raw & 0xffff).toString(16).padStart(4, '0') + '    ';
    return `${bits}  ${disassemble(s.raw, s.pc)}`;
  }

  private fetch(pc: number): number {
    const mem = this.mem;
    if (!(pc >= 0 && pc + 2 <= mem.size && (mem.perm[pc >>> PAGE_SHIFT] & PROT_X))) return 0;
    const lo = mem.u16[pc >>> 1];
    return (lo & 3) === 3 && pc + 4 <= mem.size ? (lo | (mem.u16[(pc >>> 1) + 1] << 16)) : lo;
  }

  /**
   * When no single instruction reproduces the disagreement (it needs the whole block): the last
   * instruction that writes the first differing register, or stores, or else the last one.
   */
  private lastWriter(steps: { pc: number; raw: number }[], diff: Difference[]): number {
    const first = diff.find((d) => d.what !== 'exit' && d.what !== 'instret' && d.what !== 'pc')?.what ?? '';
    for (let k = steps.length - 1; k >= 0; k--) {
      const dec = decode(steps[k].raw);
      if (!dec) continue;
      const args = dec.def.args.split(',');
      const rd = field.rd(dec.word);
      if (args[0] === 'rd' && first.startsWith(`${X_NAMES[rd]} `)) return k;
      if (args[0] === 'frd' && first.startsWith(`${F_NAMES[rd]} `)) return k;
      if (first.startsWith('mem ') && dec.def.flags.store) return k;
      if (first === 'fflags' && dec.def.flags.fp) return k;
    }
    return steps.length - 1;
  }
}

function attempt(engine: Engine, n: number): Outcome {
  try {
    return engine.run(n);
  } catch (e) {
    if (e instanceof LockstepDivergence) throw e;
    return { kind: 'error', message: e instanceof Error ? e.message : String(e), error: e };
  }
}
