/**
 * The system VM: one RV64GC hart with the privileged architecture, on the virt platform.
 *
 * The engine (interpreter or translator, the same ones the process VM uses, built on the system
 * memory model) runs guest code in slices. Between slices this loop does what hardware does
 * between instructions: takes a pending interrupt, performs the privileged instructions the
 * engine stopped at (mret, sret, wfi, sfence.vma), enters trap handlers, and idles the host
 * while the hart waits for an interrupt. It returns to the host's event loop regularly so that
 * console input and timers arrive.
 */
import { disassemble } from '../../isa/riscv/disasm.js';
import { Interpreter } from '../../engines/interpreter/interpreter.js';
import type { Engine } from '../../engines/engine.js';
import { HartState } from '../../machine/hart.js';
import { EXIT_MRET, EXIT_SFENCE_VMA, EXIT_SRET, EXIT_WFI, PRIV_NAMES, SYS_STOP } from '../../machine/priv/cells.js';
import { Privileged, type PrivilegedState } from '../../machine/priv/privileged.js';
import { SystemMemory } from '../../machine/priv/system-memory.js';
import { CAUSE_NAMES, Cause } from '../../machine/trap.js';
import { resetRom, type BootPlan } from './boot.js';
import { hex } from './bus.js';
import { Htif } from './htif.js';
import { testExitStatus, type TestRequest } from './sifive-test.js';
import { VirtPlatform, type VirtPlatformState } from './virt-platform.js';
import { DEFAULT_ISA } from './virt-dt.js';
import { VIRT } from './virt-map.js';

export interface SystemVmOptions {
  ramSize: number;
  plan: BootPlan;
  bootargs?: string;
  /** Guest console output (UART and HTIF). */
  output: (bytes: Uint8Array) => void;
  /** Builds the engine for the hart (default: the interpreter). */
  engine?: (hart: HartState, mem: SystemMemory, csr: Privileged) => Engine;
  /** Stop after this many instructions (exit status 124). */
  maxInsns?: number;
  /** Instructions per slice between interrupt checks. */
  slice?: number;
}

/**
 * A running machine captured between two instructions: hart registers, privileged state, RAM,
 * devices, and whether the hart waits for an interrupt. Enough to resume it elsewhere.
 */
export interface SystemVmState {
  hart: ArrayBuffer;
  priv: PrivilegedState;
  ram: ArrayBuffer;
  platform: VirtPlatformState;
  waiting: boolean;
}

/** Why the machine stopped, when it was not the guest's own poweroff. */
export class MachineStuck extends Error {}

const ISA = `${DEFAULT_ISA}_sstc`;
/** A trap taken at the same pc with the same cause this many times in a row, with nothing retired between: stuck. */
const STUCK_REPEATS = 1000;

interface TrapRecord { priv: number; pc: number; cause: number; interrupt: boolean; tval: bigint; instret: number }

export class SystemVM {
  readonly platform: VirtPlatform;
  readonly mem: SystemMemory;
  readonly hart = new HartState();
  readonly priv: Privileged;
  readonly engine: Engine;
  readonly htif: Htif | undefined;
  /** Exit status once the guest powered off (or the user quit). */
  status: number | undefined;
  /** Guest instructions retired. */
  get instret(): number { return this.hart.instret; }

  private readonly opts: SystemVmOptions;
  private readonly t0 = performance.now();
  private waiting = false;
  private wake: (() => void) | undefined;
  private readonly recentTraps: TrapRecord[] = [];
  private repeats = 0;

  constructor(opts: SystemVmOptions) {
    this.opts = opts;
    this.platform = new VirtPlatform({
      ramSize: opts.ramSize,
      time: () => BigInt(Math.floor((performance.now() - this.t0) * (VIRT.timebaseHz / 1000))),
      onOutput: (byte) => opts.output(Uint8Array.of(byte)),
      onTestRequest: (req) => this.onTestRequest(req),
    });
    this.mem = new SystemMemory({
      ramBase: VIRT.dramBase, ramSize: opts.ramSize, romBase: VIRT.mrom.base, romSize: VIRT.mrom.size, bus: this.platform.bus,
    });
    this.priv = new Privileged({ hartId: 0, hart: this.hart, mem: this.mem, platform: this.platform });
    this.platform.pins.onChange = () => this.interruptInputsChanged();
    const h = opts.plan.htif;
    if (h) {
      this.htif = new Htif(this.mem, h.tohost, h.fromhost, { output: opts.output, exit: (s) => this.powerOff(s) });
      this.mem.watchedPages.add(Math.floor(h.tohost / 4096));
      this.mem.onWatchedWrite = (pa) => { if (pa >= h.tohost && pa < h.tohost + 8) this.htif!.poll(); };
    }
    this.engine = (opts.engine ?? ((hart, mem, csr) => new Interpreter(hart, mem, csr)))(this.hart, this.mem, this.priv);
    this.load();
  }

  /** Puts ROM, images and device tree in memory and the hart at the reset vector. */
  private load(reset = false): void {
    const { plan } = this.opts;
    // A new buffer is zero already (and untouched pages cost no host memory).
    if (reset) {
      this.mem.u8.fill(0);
      (this.engine as { flush?: () => void }).flush?.();
      this.mem.codePages.clear();
    }
    this.mem.writePhysical(VIRT.mrom.base, resetRom(plan));
    for (const s of plan.segments) this.mem.writePhysical(s.addr, s.bytes);
    const dtb = this.platform.deviceTree({ bootargs: this.opts.bootargs, initrd: plan.initrd, isa: ISA });
    this.mem.writePhysical(plan.fdtAddr, dtb);
    this.hart.x.fill(0n);
    this.hart.f.fill(0n);
    this.hart.pc = VIRT.mrom.base;
    this.priv.reset();
  }

  /** The state between two slices (call it while `run` is not inside an engine slice). */
  saveState(): SystemVmState {
    return {
      hart: this.hart.snapshot(), priv: this.priv.saveState(), ram: this.mem.buffer.slice(0),
      platform: this.platform.saveState(), waiting: this.waiting,
    };
  }

  /** Resumes a saved machine: this VM must have been built with the same RAM size and boot plan. */
  loadState(s: SystemVmState): void {
    if (s.ram.byteLength !== this.mem.buffer.byteLength) throw new RangeError(`saved machine has ${s.ram.byteLength} bytes of memory, this one ${this.mem.buffer.byteLength}`);
    this.hart.bytes.set(new Uint8Array(s.hart));
    new Uint8Array(this.mem.buffer).set(new Uint8Array(s.ram));
    // Translations of the old memory contents are void.
    (this.engine as { flush?: () => void }).flush?.();
    this.mem.codePages.clear();
    this.priv.loadState(s.priv);
    this.platform.loadState(s.platform);
    this.waiting = s.waiting;
  }

  /** Console input for the UART. */
  input(bytes: Uint8Array): void {
    this.platform.uart.pushInput(bytes);
    this.interruptInputsChanged();
  }

  /** Ends the run with `status` (the user quit, or the host is shutting down). */
  powerOff(status: number): void {
    this.status ??= status;
    this.wakeUp();
  }

  private onTestRequest(req: TestRequest): void {
    const status = testExitStatus(req);
    if (status !== undefined) this.powerOff(status);
    else this.resetPending = true;
  }
  private resetPending = false;

  private interruptInputsChanged(): void {
    this.mem.sys[SYS_STOP] = 1;
    this.wakeUp();
  }

  private wakeUp(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  /** Runs until the guest powers off; resolves to the exit status. */
  async run(): Promise<number> {
    const slice = this.opts.slice ?? 20_000;
    const max = this.opts.maxInsns ?? Infinity;
    let lastYield = performance.now();
    while (this.status === undefined) {
      if (this.resetPending) {
        this.resetPending = false;
        this.platform.reset();
        this.load(true);
      }
      const irq = this.priv.pendingInterrupt();
      if (irq >= 0) {
        this.waiting = false;
        this.enterTrap(irq, true, 0n);
      } else if (this.waiting) {
        if (this.priv.wakeUp()) this.waiting = false;
        else {
          await this.idle();
          lastYield = performance.now();
          continue;
        }
      }
      if (this.hart.instret >= max) return (this.status = 124);
      this.mem.sys[SYS_STOP] = 0;
      const exit = this.engine.run(Math.min(slice, max - this.hart.instret));
      if (exit.kind === 'trap') this.handleExit(exit.cause, exit.tval);
      // Let console input, timers and output flushes in every few milliseconds.
      const now = performance.now();
      if (now - lastYield > 8) {
        await new Promise<void>((r) => setImmediate(r));
        lastYield = performance.now();
      }
    }
    return this.status;
  }

  /** WFI: sleep until the next timer deadline, or until input or a device wakes the hart. */
  private idle(): Promise<void> {
    let ms = 50;
    const deadlines = [this.platform.nextTimerDeadline(0)];
    if (this.priv.sstc) deadlines.push(this.priv.stimecmp);
    const now = this.platform.mtime();
    for (const d of deadlines) {
      if (d === undefined) continue;
      const ticks = d > now ? Number(d - now) : 0;
      ms = Math.min(ms, ticks / (VIRT.timebaseHz / 1000));
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => { this.wake = undefined; resolve(); }, Math.max(0, ms));
      this.wake = () => { clearTimeout(timer); resolve(); };
    });
  }

  private handleExit(cause: number, tval: bigint): void {
    const { hart, priv } = this;
    const raw = Number(tval);
    switch (cause) {
      case EXIT_MRET: case EXIT_SRET: {
        const to = cause === EXIT_MRET ? priv.mret() : priv.sret();
        if (to === undefined) return this.enterTrap(Cause.IllegalInsn, false, tval);
        hart.pc = to;
        hart.instret++;
        return;
      }
      case EXIT_WFI:
        if (!priv.wfiAllowed()) return this.enterTrap(Cause.IllegalInsn, false, tval);
        hart.pc += 4;
        hart.instret++;
        this.waiting = true;
        return;
      case EXIT_SFENCE_VMA: {
        const rs1 = (raw >>> 15) & 31;
        const ok = rs1 === 0 ? priv.sfenceVma(undefined, 0) : priv.sfenceVma(hart.xw[rs1 * 2], hart.xw[rs1 * 2 + 1]);
        if (!ok) return this.enterTrap(Cause.IllegalInsn, false, tval);
        hart.pc += 4;
        hart.instret++;
        return;
      }
      default:
        return this.enterTrap(cause, false, tval);
    }
  }

  private enterTrap(cause: number, interrupt: boolean, tval: bigint): void {
    const rec: TrapRecord = { priv: this.priv.priv, pc: this.hart.pc, cause, interrupt, tval, instret: this.hart.instret };
    const last = this.recentTraps[this.recentTraps.length - 1];
    if (last && !interrupt && last.pc === rec.pc && last.cause === cause && last.instret === rec.instret) {
      if (++this.repeats >= STUCK_REPEATS) throw new MachineStuck(this.stuckReport(rec));
    } else {
      this.repeats = 0;
      // Repeats are not kept: the report shows what led into the loop.
      this.recentTraps.push(rec);
      if (this.recentTraps.length > 8) this.recentTraps.shift();
    }
    this.hart.num[2] = -1; // a trap drops the LR reservation
    this.hart.pc = this.priv.takeTrap(cause, interrupt, tval, this.hart.pc);
  }

  private stuckReport(r: TrapRecord): string {
    const lines = [
      `univm: the guest is stuck: ${STUCK_REPEATS} ${CAUSE_NAMES[r.cause] ?? `cause ${r.cause}`} traps in a row at pc ${hex(r.pc)} ` +
      `(${PRIV_NAMES[r.priv]}-mode, tval ${hex(r.tval)}), with no instruction retired between them`,
      `  trap handler: mtvec ${hex(this.priv.mtvec)}, stvec ${hex(this.priv.stvec)}; the traps that led here, oldest first:`,
    ];
    for (const t of this.recentTraps) {
      lines.push(`    ${PRIV_NAMES[t.priv]}-mode pc ${hex(t.pc)}: ${t.interrupt ? 'interrupt' : 'exception'} ${t.cause} (${t.interrupt ? '' : CAUSE_NAMES[t.cause] ?? ''}), tval ${hex(t.tval)}${this.disasmAt(t.pc)}`);
    }
    return lines.join('\n');
  }

  private disasmAt(pc: number): string {
    const bytes = this.mem.readPhysical(pc, 4);
    if (!bytes) return '';
    const raw = bytes[0] | (bytes[1] << 8) | (bytes[2] << 16) | (bytes[3] << 24);
    return `: ${disassemble((raw & 3) === 3 ? raw : raw & 0xffff, pc)}`;
  }
}
