/**
 * The process VM: one hart in user mode plus a Linux kernel personality. Guest code runs on an
 * engine until it traps; `ecall` becomes a system call, faults become signals, exactly where a
 * real kernel would take them. Everything host-specific arrives through `host`.
 */
import { UserCsrs } from '../../machine/csr.js';
import { HartState } from '../../machine/hart.js';
import { FlatMemory } from '../../machine/memory.js';
import { Cause, CAUSE_NAMES } from '../../machine/trap.js';
import type { Engine } from '../../engines/engine.js';
import { Interpreter, type TraceHook } from '../../engines/interpreter/interpreter.js';
import { Translator } from '../../engines/translator/translator.js';
import { AddressSpace } from './address-space.js';
import type { HostSystem } from './host.js';
import { LinuxKernel, type MountSpec } from './kernel.js';
import { loadProcess } from './loader.js';

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
  /** 'interp' (default) or 'jit' (staged: interpreter for cold code, translated blocks for hot code). A trace needs 'interp'. */
  engine?: 'interp' | 'jit';
  /** Block entries before the jit translates a block. */
  jitThreshold?: number;
}

export interface ProcessResult {
  /** The exit status a shell would see: the guest's own, or 128 + signal. */
  status: number;
  signal?: number;
  /** Set when --max-insns stopped the guest. */
  stoppedAtLimit?: boolean;
  instret: number;
}

const STACK_SIZE = 8 << 20;
/** Instructions an engine runs between checks of the instruction limit. */
const SLICE = 1 << 24;

export class ProcessVM {
  readonly hart = new HartState();
  readonly mem: FlatMemory;
  readonly space: AddressSpace;
  readonly kernel: LinuxKernel;
  readonly engine: Engine;

  constructor(private readonly opts: ProcessVmOptions) {
    this.mem = new FlatMemory(opts.memorySize);
    this.space = new AddressSpace(this.mem, opts.memorySize - 0x10000, STACK_SIZE);
    const random16 = new Uint8Array(16);
    opts.host.randomFill(random16);
    const ids = opts.host.identity();
    const loaded = loadProcess(this.space, this.hart, {
      exe: opts.exe, exePath: opts.exePath, argv: opts.argv, envp: opts.envp,
      readInterpreter: opts.readInterpreter, random16, ids: { uid: ids.uid, gid: ids.gid },
    });
    this.space.brkStart = this.space.brkEnd = loaded.imageEnd;
    this.kernel = new LinuxKernel({
      mem: this.mem, hart: this.hart, space: this.space, host: opts.host, mounts: opts.mounts, sysroot: opts.sysroot,
      cwd: opts.cwd, exePath: opts.exePath, strace: opts.strace, warn: opts.warn,
    });
    const csrs = new UserCsrs(this.hart);
    this.engine = opts.engine === 'jit' && !opts.trace ? new Translator(this.hart, this.mem, csrs, { hotThreshold: opts.jitThreshold }) : new Interpreter(this.hart, this.mem, csrs, opts.trace);
  }

  run(): ProcessResult {
    const { hart, kernel, engine } = this;
    const limit = this.opts.maxInsns ?? Infinity;
    for (;;) {
      const budget = Math.min(SLICE, limit - hart.instret);
      if (budget <= 0) return { status: 124, stoppedAtLimit: true, instret: hart.instret };
      const exit = engine.run(budget);
      if (exit.kind === 'budget') continue;
      let signal: number | undefined;
      if (exit.cause === Cause.EcallU) {
        const outcome = kernel.syscall();
        if (outcome.kind === 'exit') return { status: outcome.status & 0xff, instret: hart.instret };
        hart.pc += 4;
        hart.instret += 1;
        signal = kernel.takePendingSignal();
        if (signal === undefined) continue;
      } else {
        signal = signalForTrap(exit.cause);
      }
      const fault = exit.cause === Cause.EcallU ? undefined : exit.tval;
      if (kernel.deliverSignal(signal, fault) === 'handled') continue;
      // Like a shell, say nothing when a broken pipe ends the guest (`univm run prog | head`).
      if (signal !== SIGPIPE) {
        this.opts.warn(`univm: uncaught target signal ${signal} (${SIGNAL_NAMES[signal] ?? `signal ${signal}`})${CORE_SIGNALS.has(signal) ? ' - core dumped' : ''}`);
      }
      if (exit.cause !== Cause.EcallU) {
        this.opts.warn(`univm: ${CAUSE_NAMES[exit.cause] ?? `trap ${exit.cause}`} at pc 0x${hart.pc.toString(16)}` +
          (exit.cause === Cause.IllegalInsn ? ` (instruction 0x${exit.tval.toString(16)})` : `, address 0x${BigInt.asUintN(64, exit.tval).toString(16)}`));
      }
      return { status: 128 + signal, signal, instret: hart.instret };
    }
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
