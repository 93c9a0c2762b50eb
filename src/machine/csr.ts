import { CSR } from '../isa/riscv/csrs.js';
import { FCSR_FLAGS, FCSR_FRM, type HartState } from './hart.js';

/**
 * A hart's CSRs as the engines see them: `read` returns undefined and `write` false for an
 * access the instruction must not make (the engine raises an illegal-instruction trap).
 * `icount` is the number of instructions the running engine has retired but not yet added
 * to the hart's instret.
 */
export interface CsrFile {
  read(csr: number, icount: number): bigint | undefined;
  write(csr: number, value: bigint, icount: number): boolean;
}

/** The unprivileged CSRs, as a user-mode process sees them (Zicsr, F/D, Zicntr). */
export class UserCsrs implements CsrFile {
  constructor(private readonly hart: HartState, private readonly now: () => number = () => performance.now()) {}

  read(csr: number, icount: number): bigint | undefined {
    const f = this.hart.fcsr;
    switch (csr) {
      case CSR.fflags: return BigInt(f[FCSR_FLAGS] & 31);
      case CSR.frm: return BigInt(f[FCSR_FRM] & 7);
      case CSR.fcsr: return BigInt(((f[FCSR_FRM] & 7) << 5) | (f[FCSR_FLAGS] & 31));
      case CSR.cycle:
      case CSR.instret: return BigInt(this.hart.instret + icount);
      // A 10 MHz timebase, as on QEMU's virt machine.
      case CSR.time: return BigInt(Math.floor(this.now() * 10_000));
      default: return undefined;
    }
  }

  write(csr: number, value: bigint, _icount: number): boolean {
    const f = this.hart.fcsr;
    const v = Number(BigInt.asUintN(32, value));
    switch (csr) {
      case CSR.fflags: f[FCSR_FLAGS] = v & 31; return true;
      case CSR.frm: f[FCSR_FRM] = v & 7; return true;
      case CSR.fcsr: f[FCSR_FLAGS] = v & 31; f[FCSR_FRM] = (v >>> 5) & 7; return true;
      default: return false; // counters are read-only; anything else does not exist in U-mode
    }
  }
}
