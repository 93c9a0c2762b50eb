/**
 * The privileged architecture of one hart (RISC-V privileged spec v1.12): M, S and U modes, the
 * machine and supervisor CSRs, trap entry with delegation, interrupts with the spec's priority
 * and enable rules, mret / sret / wfi / sfence.vma, and the translation context the MMU reads.
 *
 * The engines raise exceptions as GuestTraps and stop before mret, sret, wfi and sfence.vma
 * (cells.ts: EXIT_*); the machine's run loop (vms/system/system-vm.ts) calls `takeTrap`,
 * `mret`, ... here. CSR accesses come straight from generated code through `read` / `write`.
 *
 * Choices where the spec leaves room (WARL), matching QEMU 7.2 where it matters to software:
 * misa is read-only; MPP ignores the reserved value 2; mtvec/stvec keep their old value when
 * written with a reserved mode; satp ignores writes of an unsupported mode; 16 PMP entries
 * enforced on every physical access (page-table reads included);
 * hpm counters and events read zero; mcycle counts instructions, like minstret.
 */
import { CSR, CSR_RANGES } from '../../isa/riscv/csrs.js';
import { FCSR_FLAGS, FCSR_FRM, type HartState } from '../hart.js';
import { readFpCsr, writeFpCsr, type CsrFile } from '../csr.js';
import { PRV_M, PRV_S, PRV_U, SYS_FS, SYS_PRIV, SYS_STOP } from './cells.js';
import { ACC_X, SATP_BARE, SATP_SV39, SATP_SV57, type AccessKind, type TranslationContext } from './mmu.js';
import { Pmp, PMP_ENTRIES } from './pmp.js';
import type { SystemMemory } from './system-memory.js';

// mstatus (low word; UXL = SXL = 2 are constant in the high word)
const SIE = 1 << 1, MIE = 1 << 3, SPIE = 1 << 5, MPIE = 1 << 7, SPP = 1 << 8;
const MPP_SHIFT = 11, MPP = 3 << MPP_SHIFT, FS_SHIFT = 13, FS = 3 << FS_SHIFT;
const MPRV = 1 << 17, SUM = 1 << 18, MXR = 1 << 19, TVM = 1 << 20, TW = 1 << 21, TSR = 1 << 22;
const MSTATUS_WRITABLE = SIE | MIE | SPIE | MPIE | SPP | MPP | FS | MPRV | SUM | MXR | TVM | TW | TSR;
const SSTATUS_VISIBLE = SIE | SPIE | SPP | FS | SUM | MXR;
const MSTATUS_HI = 0xan << 32n; // UXL = SXL = 2 (64-bit)
const SD = 1n << 63n;

// interrupts (mip / mie bit numbers)
const SSI = 1, MSI = 3, STI = 5, MTI = 7, SEI = 9, MEI = 11;
const bit = (n: number) => 1 << n;
const S_INTS = bit(SSI) | bit(STI) | bit(SEI);
const ALL_INTS = S_INTS | bit(MSI) | bit(MTI) | bit(MEI);
/** Highest priority first (spec 3.1.9). */
const INT_PRIORITY = [MEI, MSI, MTI, SEI, SSI, STI];
/** Exceptions that may be delegated: all but the reserved 10 and 14 (bit 11 is writable, as on QEMU, though ecall from M never delegates). */
const DELEGABLE_EXC = 0xbbff;

const MISA = (2n << 62n) | BigInt(['A', 'C', 'D', 'F', 'I', 'M', 'S', 'U'].reduce((m, c) => m | bit(c.charCodeAt(0) - 65), 0));
const MENVCFG_FIOM = 1n, MENVCFG_STCE = 1n << 63n;
const ASID_MASK = 0xffffn << 44n, PPN_MASK = (1n << 44n) - 1n;
const U64 = (1n << 64n) - 1n;

/** What the platform drives: MSIP, MTIP, SEIP and MEIP for this hart, and the time base. */
export interface HartInterruptInputs {
  mip(hart: number): number;
  mtime(): bigint;
}

export interface PrivilegedOptions {
  hartId: number;
  hart: HartState;
  mem: SystemMemory;
  platform: HartInterruptInputs;
  /** Extensions beyond RV64GC: Sstc (stimecmp) is on by default. */
  sstc?: boolean;
}

/** Everything the privileged architecture holds, as plain data (structured-clone friendly). */
export interface PrivilegedState {
  priv: number;
  words: number[];
  big: bigint[];
  pmpcfg: number[];
  pmpaddr: bigint[];
}

/** The fields of PrivilegedState.words and .big, in order. */
const WORD_FIELDS = ['mstatus', 'medeleg', 'mideleg', 'mie', 'mipSoft', 'mcounteren', 'scounteren', 'mcountinhibit'] as const;
const BIG_FIELDS = ['mtvec', 'stvec', 'mepc', 'sepc', 'mcause', 'scause', 'mtval', 'stval', 'mscratch', 'sscratch',
  'menvcfg', 'senvcfg', 'satp', 'stimecmp', 'instretOffset', 'cycleOffset'] as const;

export class Privileged implements CsrFile, TranslationContext {
  readonly hartId: number;
  readonly sstc: boolean;
  private readonly hart: HartState;
  private readonly mem: SystemMemory;
  private readonly sys: Int32Array;
  private readonly platform: HartInterruptInputs;

  mstatus = 0;
  medeleg = 0;
  mideleg = 0;
  mie = 0;
  /** The software-writable mip bits: SSIP, STIP (without Sstc), SEIP. */
  mipSoft = 0;
  mtvec = 0n; stvec = 0n;
  mepc = 0n; sepc = 0n;
  mcause = 0n; scause = 0n;
  mtval = 0n; stval = 0n;
  mscratch = 0n; sscratch = 0n;
  mcounteren = 0; scounteren = 0; mcountinhibit = 0;
  menvcfg = 0n; senvcfg = 0n;
  satp = 0n;
  stimecmp = U64;
  /** minstret = instructions retired + offset (likewise mcycle). */
  instretOffset = 0n; cycleOffset = 0n;
  readonly pmp = new Pmp();

  // TranslationContext
  satpMode = SATP_BARE;
  satpPpn = 0;
  sum = false;
  mxr = false;

  constructor(opts: PrivilegedOptions) {
    this.hartId = opts.hartId;
    this.hart = opts.hart;
    this.mem = opts.mem;
    this.sys = opts.mem.sys;
    this.platform = opts.platform;
    this.sstc = opts.sstc ?? true;
    opts.mem.ctx = this;
    this.reset();
  }

  /** Power-on state: M-mode, interrupts off, translation off (spec 3.4). */
  reset(): void {
    this.mstatus = 0; this.medeleg = 0; this.mideleg = 0; this.mie = 0; this.mipSoft = 0;
    this.mtvec = this.stvec = this.mepc = this.sepc = this.mcause = this.scause = 0n;
    this.mtval = this.stval = this.mscratch = this.sscratch = 0n;
    this.mcounteren = this.scounteren = this.mcountinhibit = 0;
    this.menvcfg = this.senvcfg = 0n;
    this.satp = 0n;
    this.stimecmp = U64;
    this.instretOffset = this.cycleOffset = 0n;
    this.pmp.reset();
    this.hart.fcsr[FCSR_FLAGS] = 0;
    this.hart.fcsr[FCSR_FRM] = 0;
    this.sys[SYS_PRIV] = PRV_M;
    this.syncStatus();
  }

  get priv(): number { return this.sys[SYS_PRIV]; }

  saveState(): PrivilegedState {
    return {
      priv: this.sys[SYS_PRIV],
      words: WORD_FIELDS.map((f) => this[f]),
      big: BIG_FIELDS.map((f) => this[f]),
      pmpcfg: [...this.pmp.cfg],
      pmpaddr: [...this.pmp.addr],
    };
  }

  loadState(s: PrivilegedState): void {
    WORD_FIELDS.forEach((f, k) => { this[f] = s.words[k]; });
    BIG_FIELDS.forEach((f, k) => { this[f] = s.big[k]; });
    this.pmp.load(s.pmpcfg, s.pmpaddr);
    this.sys[SYS_PRIV] = s.priv;
    this.syncStatus();
  }

  /** Mirrors the fields generated code and the MMU read, and drops cached translations. */
  private syncStatus(): void {
    this.sys[SYS_FS] = (this.mstatus & FS) >>> FS_SHIFT;
    this.sum = (this.mstatus & SUM) !== 0;
    this.mxr = (this.mstatus & MXR) !== 0;
    this.satpMode = Number(BigInt.asUintN(64, this.satp) >> 60n);
    this.satpPpn = Number(this.satp & PPN_MASK);
    this.mem.flushTlb();
  }

  private setPriv(p: number): void {
    this.sys[SYS_PRIV] = p;
    this.mem.flushTlb();
  }

  effectivePriv(kind: AccessKind): number {
    const p = this.sys[SYS_PRIV];
    if (kind !== ACC_X && p === PRV_M && (this.mstatus & MPRV) !== 0) return (this.mstatus & MPP) >>> MPP_SHIFT;
    return p;
  }

  fpUse(): void {
    if ((this.mstatus & FS) !== FS) {
      this.mstatus |= FS;
      this.sys[SYS_FS] = 3;
    }
  }

  // ---- CSRs ----

  private mstatusValue(): bigint {
    const sd = (this.mstatus & FS) === FS ? SD : 0n;
    return sd | MSTATUS_HI | BigInt(this.mstatus >>> 0);
  }

  /** mip as software reads it: the platform's wires, the software bits, and Sstc's STIP. */
  mip(): number {
    let v = this.mipSoft | this.platform.mip(this.hartId);
    if (this.stceOn() && this.platform.mtime() >= this.stimecmp) v |= bit(STI);
    return v;
  }

  private stceOn(): boolean { return this.sstc && (this.menvcfg & MENVCFG_STCE) !== 0n; }

  private instret(icount: number): bigint { return BigInt(this.hart.instret + icount); }

  /** Zicntr / Zihpm visibility from S and U (mcounteren, scounteren). */
  private counterVisible(n: number): boolean {
    const p = this.sys[SYS_PRIV];
    if (p < PRV_M && ((this.mcounteren >>> n) & 1) === 0) return false;
    if (p < PRV_S && ((this.scounteren >>> n) & 1) === 0) return false;
    return true;
  }

  private stimecmpVisible(): boolean {
    if (!this.sstc) return false;
    const p = this.sys[SYS_PRIV];
    return p === PRV_M || (p === PRV_S && this.stceOn() && (this.mcounteren & 2) !== 0);
  }

  read(csr: number, icount: number): bigint | undefined {
    const p = this.sys[SYS_PRIV];
    if (p < ((csr >>> 8) & 3)) return undefined;
    const f = this.hart.fcsr;
    switch (csr) {
      case CSR.fflags: case CSR.frm: case CSR.fcsr: return this.fsOn() ? BigInt(readFpCsr(f, csr)) : undefined;
      case CSR.cycle: return this.counterVisible(0) ? this.cycle(icount) : undefined;
      case CSR.time: return this.counterVisible(1) ? this.platform.mtime() : undefined;
      case CSR.instret: return this.counterVisible(2) ? this.minstret(icount) : undefined;
      case CSR.sstatus: return BigInt.asIntN(64, this.mstatusValue() & (BigInt(SSTATUS_VISIBLE) | (3n << 32n) | SD));
      case CSR.sie: return BigInt(this.mie & this.mideleg);
      case CSR.sip: return BigInt(this.mip() & this.mideleg);
      case CSR.stvec: return this.stvec;
      case CSR.scounteren: return BigInt(this.scounteren);
      case CSR.senvcfg: return this.senvcfg;
      case CSR.sscratch: return this.sscratch;
      case CSR.sepc: return this.sepc;
      case CSR.scause: return this.scause;
      case CSR.stval: return this.stval;
      case CSR.stimecmp: return this.stimecmpVisible() ? BigInt.asIntN(64, this.stimecmp) : undefined;
      case CSR.satp: return p === PRV_S && (this.mstatus & TVM) !== 0 ? undefined : this.satp;
      case CSR.mvendorid: case CSR.marchid: case CSR.mimpid: case CSR.mconfigptr: return 0n;
      case CSR.mhartid: return BigInt(this.hartId);
      case CSR.mstatus: return BigInt.asIntN(64, this.mstatusValue());
      case CSR.misa: return BigInt.asIntN(64, MISA);
      case CSR.medeleg: return BigInt(this.medeleg);
      case CSR.mideleg: return BigInt(this.mideleg);
      case CSR.mie: return BigInt(this.mie);
      case CSR.mtvec: return this.mtvec;
      case CSR.mcounteren: return BigInt(this.mcounteren);
      case CSR.menvcfg: return BigInt.asIntN(64, this.menvcfg);
      case CSR.mcountinhibit: return BigInt(this.mcountinhibit);
      case CSR.mscratch: return this.mscratch;
      case CSR.mepc: return this.mepc;
      case CSR.mcause: return this.mcause;
      case CSR.mtval: return this.mtval;
      case CSR.mip: return BigInt(this.mip());
      case CSR.mcycle: return this.cycle(icount);
      case CSR.minstret: return this.minstret(icount);
    }
    if (csr > CSR.instret && csr < CSR.cycle + 32) return this.counterVisible(csr - CSR.cycle) ? 0n : undefined;
    if ((csr > CSR.minstret && csr < CSR_RANGES.mhpmcounter + 32) || (csr > CSR.mcountinhibit && csr < CSR_RANGES.mhpmevent + 32)) return 0n;
    if (csr >= CSR_RANGES.pmpcfg && csr < CSR_RANGES.pmpcfg + 4 && (csr & 1) === 0) return this.pmp.readCfg(csr - CSR_RANGES.pmpcfg);
    if (csr >= CSR_RANGES.pmpaddr && csr < CSR_RANGES.pmpaddr + PMP_ENTRIES) return this.pmp.addr[csr - CSR_RANGES.pmpaddr];
    return undefined;
  }

  private fsOn(): boolean { return (this.mstatus & FS) !== 0; }
  private cycle(icount: number): bigint { return BigInt.asIntN(64, this.instret(icount) + this.cycleOffset); }
  private minstret(icount: number): bigint { return BigInt.asIntN(64, this.instret(icount) + this.instretOffset); }

  write(csr: number, value: bigint, icount: number): boolean {
    const p = this.sys[SYS_PRIV];
    if (p < ((csr >>> 8) & 3) || (csr >>> 10) === 3) return false;
    const f = this.hart.fcsr;
    const low = Number(BigInt.asUintN(32, value));
    switch (csr) {
      case CSR.fflags: case CSR.frm: case CSR.fcsr:
        if (!this.fsOn()) return false;
        writeFpCsr(f, csr, low);
        this.fpUse();
        return true;
    }
    // Anything else may change the translation context or unmask an interrupt: the engine stops after this instruction.
    this.sys[SYS_STOP] = 1;
    switch (csr) {
      case CSR.sstatus: return this.writeMstatus((this.mstatus & ~SSTATUS_VISIBLE) | (low & SSTATUS_VISIBLE));
      case CSR.sie: this.mie = (this.mie & ~this.mideleg) | (low & this.mideleg & ALL_INTS); return true;
      case CSR.sip: this.mipSoft = (this.mipSoft & ~(this.mideleg & bit(SSI))) | (low & this.mideleg & bit(SSI)); return true;
      case CSR.stvec: if ((low & 3) < 2) this.stvec = value; return true;
      case CSR.scounteren: this.scounteren = low >>> 0; return true;
      case CSR.senvcfg: this.senvcfg = value & MENVCFG_FIOM; return true;
      case CSR.sscratch: this.sscratch = value; return true;
      case CSR.sepc: this.sepc = value & ~1n; return true;
      case CSR.scause: this.scause = value; return true;
      case CSR.stval: this.stval = value; return true;
      case CSR.stimecmp: if (!this.stimecmpVisible()) return false; this.stimecmp = BigInt.asUintN(64, value); return true;
      case CSR.satp: return p === PRV_S && (this.mstatus & TVM) !== 0 ? false : this.writeSatp(value);
      case CSR.mstatus: return this.writeMstatus(low);
      case CSR.misa: return true;
      case CSR.medeleg: this.medeleg = low & DELEGABLE_EXC; return true;
      case CSR.mideleg: this.mideleg = low & S_INTS; return true;
      case CSR.mie: this.mie = low & ALL_INTS; return true;
      case CSR.mtvec: if ((low & 3) < 2) this.mtvec = value; return true;
      case CSR.mcounteren: this.mcounteren = low >>> 0; return true;
      case CSR.menvcfg: this.menvcfg = value & (MENVCFG_FIOM | (this.sstc ? MENVCFG_STCE : 0n)); return true;
      case CSR.mcountinhibit: this.mcountinhibit = (low & ~2) >>> 0; return true;
      case CSR.mscratch: this.mscratch = value; return true;
      case CSR.mepc: this.mepc = value & ~1n; return true;
      case CSR.mcause: this.mcause = value; return true;
      case CSR.mtval: this.mtval = value; return true;
      case CSR.mip: {
        const writable = bit(SSI) | bit(SEI) | (this.stceOn() ? 0 : bit(STI));
        this.mipSoft = (this.mipSoft & ~writable) | (low & writable);
        return true;
      }
      // The write replaces this instruction's increment: the next instruction reads `value`.
      case CSR.mcycle: this.cycleOffset = value - this.instret(icount) - 1n; return true;
      case CSR.minstret: this.instretOffset = value - this.instret(icount) - 1n; return true;
    }
    if ((csr > CSR.minstret && csr < CSR_RANGES.mhpmcounter + 32) || (csr > CSR.mcountinhibit && csr < CSR_RANGES.mhpmevent + 32)) return true;
    // PMP changes what the TLB may hold.
    if (csr >= CSR_RANGES.pmpcfg && csr < CSR_RANGES.pmpcfg + 4 && (csr & 1) === 0) {
      this.pmp.writeCfg(csr - CSR_RANGES.pmpcfg, value);
      this.mem.flushTlb();
      return true;
    }
    if (csr >= CSR_RANGES.pmpaddr && csr < CSR_RANGES.pmpaddr + PMP_ENTRIES) {
      this.pmp.writeAddr(csr - CSR_RANGES.pmpaddr, value);
      this.mem.flushTlb();
      return true;
    }
    return false;
  }

  private writeMstatus(v: number): boolean {
    let next = (this.mstatus & ~MSTATUS_WRITABLE) | (v & MSTATUS_WRITABLE);
    if ((next & MPP) === 2 << MPP_SHIFT) next = (next & ~MPP) | (this.mstatus & MPP);
    this.mstatus = next;
    this.syncStatus();
    return true;
  }

  private writeSatp(v: bigint): boolean {
    const mode = Number(BigInt.asUintN(64, v) >> 60n);
    if (mode !== SATP_BARE && (mode < SATP_SV39 || mode > SATP_SV57)) return true;
    this.satp = BigInt.asIntN(64, BigInt.asUintN(64, v) & ((0xfn << 60n) | ASID_MASK | PPN_MASK));
    this.syncStatus();
    return true;
  }

  // ---- traps, interrupts and the privileged instructions ----

  /** The interrupt to take now (its cause number), or -1. */
  pendingInterrupt(): number {
    const pending = this.mip() & this.mie;
    if (pending === 0) return -1;
    const p = this.sys[SYS_PRIV];
    const mOn = p < PRV_M || (this.mstatus & MIE) !== 0;
    const sOn = p < PRV_S || (p === PRV_S && (this.mstatus & SIE) !== 0);
    // Interrupts for M-mode come before those delegated to S-mode.
    const m = mOn ? pending & ~this.mideleg : 0;
    const s = sOn ? pending & this.mideleg : 0;
    const cand = m !== 0 ? m : s;
    if (cand === 0) return -1;
    for (const n of INT_PRIORITY) if (cand & bit(n)) return n;
    return -1;
  }

  /** Would an interrupt end a WFI (pending and enabled in mie, whatever the global enables)? */
  wakeUp(): boolean { return (this.mip() & this.mie) !== 0; }

  /** Enters the trap handler; returns the new pc. `pc` is the trapping instruction's (or the interrupted one's). */
  takeTrap(cause: number, interrupt: boolean, tval: bigint, pc: number): number {
    const p = this.sys[SYS_PRIV];
    const deleg = interrupt ? this.mideleg : this.medeleg;
    const code = (interrupt ? 1n << 63n : 0n) | BigInt(cause);
    const epc = BigInt.asIntN(64, BigInt(pc));
    let tvec: bigint;
    if (p <= PRV_S && ((deleg >>> cause) & 1) !== 0) {
      this.scause = BigInt.asIntN(64, code);
      this.sepc = epc;
      this.stval = tval;
      let s = this.mstatus & ~(SPIE | SPP);
      if (this.mstatus & SIE) s |= SPIE;
      if (p === PRV_S) s |= SPP;
      this.mstatus = s & ~SIE;
      tvec = this.stvec;
      this.setPriv(PRV_S);
    } else {
      this.mcause = BigInt.asIntN(64, code);
      this.mepc = epc;
      this.mtval = tval;
      let s = this.mstatus & ~(MPIE | MPP);
      if (this.mstatus & MIE) s |= MPIE;
      s |= p << MPP_SHIFT;
      this.mstatus = s & ~MIE;
      tvec = this.mtvec;
      this.setPriv(PRV_M);
    }
    this.syncStatus();
    const base = tvec & ~3n;
    const target = interrupt && (tvec & 3n) === 1n ? base + 4n * BigInt(cause) : base;
    return Number(BigInt.asIntN(64, target));
  }

  /** mret; returns the new pc, or undefined for an illegal instruction. */
  mret(): number | undefined {
    if (this.sys[SYS_PRIV] !== PRV_M) return undefined;
    const to = (this.mstatus & MPP) >>> MPP_SHIFT;
    let s = this.mstatus & ~(MIE | MPP);
    if (this.mstatus & MPIE) s |= MIE;
    s |= MPIE;
    if (to !== PRV_M) s &= ~MPRV;
    this.mstatus = s;
    this.setPriv(to);
    this.syncStatus();
    return Number(this.mepc);
  }

  /** sret (illegal in U-mode, and in S-mode when mstatus.TSR is set). */
  sret(): number | undefined {
    const p = this.sys[SYS_PRIV];
    if (p === PRV_U || (p === PRV_S && (this.mstatus & TSR) !== 0)) return undefined;
    const to = (this.mstatus & SPP) !== 0 ? PRV_S : PRV_U;
    let s = this.mstatus & ~(SIE | SPP | MPRV);
    if (this.mstatus & SPIE) s |= SIE;
    s |= SPIE;
    this.mstatus = s;
    this.setPriv(to);
    this.syncStatus();
    return Number(this.sepc);
  }

  /** May wfi run here? (U-mode never; S-mode not when mstatus.TW is set.) */
  wfiAllowed(): boolean {
    const p = this.sys[SYS_PRIV];
    return p === PRV_M || (p === PRV_S && (this.mstatus & TW) === 0);
  }

  /** sfence.vma with rs1 = the address (or undefined for all); false when illegal. */
  sfenceVma(addrLo: number | undefined, addrHi: number): boolean {
    const p = this.sys[SYS_PRIV];
    if (p === PRV_U || (p === PRV_S && (this.mstatus & TVM) !== 0)) return false;
    if (addrLo === undefined) this.mem.flushTlb();
    else this.mem.flushTlbPage(addrLo, addrHi);
    return true;
  }
}
