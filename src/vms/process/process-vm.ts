/**
 * The process VM: harts in user mode, one per guest thread, plus a Linux kernel personality.
 * Guest code runs on an engine until it traps; `ecall` becomes a system call, faults become
 * signals, exactly where a real kernel would take them. Everything host-specific arrives
 * through `host`.
 *
 * Threads take turns on the one host thread, like tasks on a uniprocessor: the kernel's
 * scheduler picks the next runnable thread, which runs on its own hart and engine instance for
 * a slice of THREAD_SLICE instructions, or until it blocks, yields or exits. (Engine instances
 * are cheap: every interpreter shares one compiled, JIT-optimised run loop.)
 */
import { UserCsrs } from '../../machine/csr.js';
import { HartState, NUM_RESERVATION } from '../../machine/hart.js';
import { FlatMemory } from '../../machine/memory.js';
import { Cause, CAUSE_NAMES } from '../../machine/trap.js';
import type { Engine } from '../../engines/engine.js';
import { Interpreter, type TraceHook } from '../../engines/interpreter/interpreter.js';
import { Translator } from '../../engines/translator/translator.js';
import { CheckEngine } from '../../engines/check/check-engine.js';
import { AddressSpace } from './address-space.js';
import type { HostSystem } from './host.js';
import { LinuxKernel, type MountSpec } from './kernel.js';
import { loadProcess } from './loader.js';
import type { Thread } from './thread.js';

export const SIGNAL_NAMES: Record<number, string> = {
  4: 'Illegal instruction', 5: 'Trace/breakpoint trap', 6: 'Aborted', 7: 'Bus error', 8: 'Floating point exception',
  9: 'Killed', 11: 'Segmentation fault', 13: 'Broken pipe', 15: 'Terminated',
};

const SIGPIPE = 13;
/** Signals whose default action dumps core (the rest just terminate). */
const CORE_SIGNALS = new Set([3, 4, 5, 6, 7, 8, 11, 24, 25, 31]);

export interface ProcessVmOptions {
  exe: Uint8Array;
  exePath: string;
  argv: string[];
  envp: string[];
  host: HostSystem;
  mounts: MountSpec[];
  sysroot?: string;
  cwd: string;
  /** Bytes of guest address space (a multiple of 64 KiB, at most 2 GiB: engines keep pc and addresses in int32). */
  memorySize: number;
  readInterpreter(path: string): Uint8Array;
  trace?: TraceHook;
  strace?: (line: string) => void;
  /** One-line messages for the user (warnings, the fatal-signal report). */
  warn: (line: string) => void;
  /** Stop after this many instructions (a runaway guest). */
  maxInsns?: number;
  /**
   * 'interp' (default), 'jit' (staged: interpreter for cold code, translated blocks for hot code)
   * or 'check' (both in lockstep, stopping at the first divergence). A trace needs 'interp'.
   */
  engine?: 'interp' | 'jit' | 'check';
  /** Block entries before the jit translates a block. */
  jitThreshold?: number;
}

export interface ProcessResult {
  /** The exit status a shell would see: the guest's own, or 128 + signal. */
  status: number;
  signal?: number;
  /** Set when --max-insns stopped the guest. */
  stoppedAtLimit?: boolean;
  /** Set when every thread was blocked for good (status DEADLOCK_STATUS). */
  deadlock?: boolean;
  /** Instructions retired by all threads. */
  instret: number;
}

const STACK_SIZE = 8 << 20;
/** Instructions an engine runs between checks of the instruction limit, with one thread. */
const SLICE = 1 << 24;
/**
 * A thread's time slice when there are several: fixed, so that the interleaving (and everything
 * a racy program prints) is the same on every run. 10,000 instructions is about 0.1 ms of guest
 * time: short enough that a thread spinning on a lock another thread holds wastes little, long
 * enough that switching costs nothing measurable.
 */
export const THREAD_SLICE = 10_000;
/** Exit status when every thread waits for another and nothing can wake any of them. */
export const DEADLOCK_STATUS = 125;

export class ProcessVM {
  readonly mem: FlatMemory;
  readonly space: AddressSpace;
  readonly kernel: LinuxKernel;
  /** The thread that ran last (the main thread before run()). */
  private running: Thread;

  constructor(private readonly opts: ProcessVmOptions) {
    // The translator keeps integer code in WebAssembly, which reaches guest RAM and registers in one memory.
    this.mem = new FlatMemory(opts.memorySize, { wasm: (opts.engine === 'jit' || opts.engine === 'check') && !opts.trace });
    this.space = new AddressSpace(this.mem, opts.memorySize - 0x10000, STACK_SIZE);
    const random16 = new Uint8Array(16);
    opts.host.randomFill(random16);
    const ids = opts.host.identity();
    const hart = this.mem.newHart();
    const loaded = loadProcess(this.space, hart, {
      exe: opts.exe, exePath: opts.exePath, argv: opts.argv, envp: opts.envp,
      readInterpreter: opts.readInterpreter, random16, ids: { uid: ids.uid, gid: ids.gid },
    });
    this.space.brkStart = this.space.brkEnd = loaded.imageEnd;
    this.kernel = new LinuxKernel({
      mem: this.mem, hart, space: this.space, host: opts.host, mounts: opts.mounts, sysroot: opts.sysroot,
      cwd: opts.cwd, exePath: opts.exePath, strace: opts.strace, warn: opts.warn,
    });
    this.running = this.kernel.current;
    this.engineOf(this.running);
  }

  /** The hart of the thread that ran last (the main thread's before and after a single-threaded run). */
  get hart(): HartState { return this.running.hart; }
  get engine(): Engine { return this.engineOf(this.running); }

  /** Each thread has its own engine instance, bound to its hart and the shared memory. */
  private engineOf(t: Thread): Engine {
    if (t.engine) return t.engine;
    if (this.opts.engine === 'check' && !this.opts.trace) return (t.engine = new CheckEngine(t.hart, this.mem, { hotThreshold: this.opts.jitThreshold }));
    const csrs = new UserCsrs(t.hart);
    return (t.engine = this.opts.engine === 'jit' && !this.opts.trace
      ? new Translator(t.hart, this.mem, csrs, { hotThreshold: this.opts.jitThreshold })
      : new Interpreter(t.hart, this.mem, csrs, this.opts.trace));
  }

  /** Runs threads, round-robin, until the process exits. */
  run(): ProcessResult {
    const sched = this.kernel.sched;
    for (;;) {
      const pick = sched.next();
      if (pick.kind === 'deadlock') {
        this.opts.warn(`univm: deadlock: every thread is blocked and none can be woken (${pick.report})`);
        this.kernel.flushOnExit();
        return { status: DEADLOCK_STATUS, deadlock: true, instret: sched.totalRetired() };
      }
      const result = this.runSlice(pick.thread);
      if (result) return result;
    }
  }

  /** Runs one time slice of `t`; returns the process's result when the process ends. */
  private runSlice(t: Thread): ProcessResult | undefined {
    const { kernel } = this;
    const sched = kernel.sched;
    const hart = t.hart;
    const engine = this.engineOf(t);
    // Another thread may have written to the reserved address since this one's LR.
    if (this.running !== t) hart.num[NUM_RESERVATION] = -1;
    this.running = t;
    kernel.current = t;
    const limit = this.opts.maxInsns ?? Infinity;
    const start = hart.instret;
    const retiredBefore = sched.totalRetired() - start;

    // A blocked system call that has ended completes now; then signals sent meanwhile.
    let fault: bigint | undefined;
    let cause: number | undefined;
    let signal: number | undefined;
    if (t.wakeResult !== undefined && kernel.completeWait(t) !== 'restart') {
      hart.pc += 4;
      hart.instret += 1;
    }
    signal = kernel.takePendingSignal();

    for (;;) {
      if (signal !== undefined) {
        const ended = this.deliver(t, signal, cause, fault);
        if (ended) return ended;
        signal = cause = fault = undefined;
      }
      // Alone, a thread runs until it traps; once it has company (it may just have created a
      // thread), slices are THREAD_SLICE long.
      const slice = sched.live > 1 ? THREAD_SLICE : SLICE;
      const used = hart.instret - start;
      if (used >= slice) return undefined;
      const budget = Math.min(slice - used, limit - retiredBefore - hart.instret);
      if (budget <= 0) return { status: 124, stoppedAtLimit: true, instret: retiredBefore + hart.instret };
      const exit = engine.run(budget);
      if (exit.kind === 'budget') continue;
      if (exit.cause === Cause.EcallU) {
        const outcome = kernel.syscall();
        switch (outcome.kind) {
          case 'exit': return { status: outcome.status & 0xff, instret: sched.totalRetired() };
          case 'thread-exit': case 'block': return undefined;
          default: break;
        }
        hart.pc += 4;
        hart.instret += 1;
        signal = kernel.takePendingSignal();
        if (outcome.kind === 'yield' && signal === undefined) return undefined;
      } else {
        cause = exit.cause;
        fault = exit.tval;
        signal = signalForTrap(exit.cause);
      }
    }
  }

  /** Delivers `signal` to `t` (current); returns the process's result when it kills the process. */
  private deliver(t: Thread, signal: number, cause: number | undefined, tval: bigint | undefined): ProcessResult | undefined {
    if (this.kernel.deliverSignal(signal, cause === undefined ? undefined : tval) === 'handled') return undefined;
    // Like a shell, say nothing when a broken pipe ends the guest (`univm run prog | head`).
    if (signal !== SIGPIPE) {
      this.opts.warn(`univm: uncaught target signal ${signal} (${SIGNAL_NAMES[signal] ?? `signal ${signal}`})${CORE_SIGNALS.has(signal) ? ' - core dumped' : ''}`);
    }
    if (cause !== undefined) {
      this.opts.warn(`univm: ${CAUSE_NAMES[cause] ?? `trap ${cause}`} at pc 0x${t.hart.pc.toString(16)}` +
        (cause === Cause.IllegalInsn ? ` (instruction 0x${tval!.toString(16)})` : `, address 0x${BigInt.asUintN(64, tval!).toString(16)}`));
    }
    return { status: 128 + signal, signal, instret: this.kernel.sched.totalRetired() };
  }
}

/** The signal Linux sends a user process for each synchronous exception. */
export function signalForTrap(cause: number): number {
  switch (cause) {
    case Cause.IllegalInsn: return 4; // SIGILL
    case Cause.Breakpoint: return 5; // SIGTRAP
    case Cause.LoadMisaligned: case Cause.StoreMisaligned: case Cause.InsnMisaligned: return 7; // SIGBUS
    default: return 11; // SIGSEGV: page and access faults
  }
}
