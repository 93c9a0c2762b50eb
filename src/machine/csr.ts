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

/**
 * The F/D CSRs as fields of the hart's fcsr cells (hart.ts): fflags is the flags cell's low 5
 * bits, frm the frm cell's low 3, and fcsr both, frm at bit 5. Every engine and CSR file reads
 * and writes them through this table (the WebAssembly backend lowers it inline).
 */
export const FP_CSR_FIELDS: Readonly<Record<number, readonly { cell: number; at: number; mask: number }[]>> = {
  [CSR.fflags]: [{ cell: FCSR_FLAGS, at: 0, mask: 31 }],
  [CSR.frm]: [{ cell: FCSR_FRM, at: 0, mask: 7 }],
  [CSR.fcsr]: [{ cell: FCSR_FLAGS, at: 0, mask: 31 }, { cell: FCSR_FRM, at: 5, mask: 7 }],
};

/** The value of FP CSR `csr` (one of FP_CSR_FIELDS). */
export function readFpCsr(fcsr: Int32Array, csr: number): number {
  let v = 0;
  for (const f of FP_CSR_FIELDS[csr]) v |= (fcsr[f.cell] & f.mask) << f.at;
  return v;
}

/** Writes FP CSR `csr` (one of FP_CSR_FIELDS); `value` holds at least its low 8 bits. */
export function writeFpCsr(fcsr: Int32Array, csr: number, value: number): void {
  for (const f of FP_CSR_FIELDS[csr]) fcsr[f.cell] = (value >>> f.at) & f.mask;
}

/** The unprivileged CSRs, as a user-mode process sees them (Zicsr, F/D, Zicntr). */
export class UserCsrs implements CsrFile {
  constructor(private readonly hart: HartState, private readonly now: () => number = () => performance.now()) {}

  read(csr: number, icount: number): bigint | undefined {
    switch (csr) {
      case CSR.fflags: case CSR.frm: case CSR.fcsr: return BigInt(readFpCsr(this.hart.fcsr, csr));
      case CSR.cycle:
      case CSR.instret: return BigInt(this.hart.instret + icount);
      // A 10 MHz timebase, as on QEMU's virt machine.
      case CSR.time: return BigInt(Math.floor(this.now() * 10_000));
      default: return undefined;
    }
  }

  write(csr: number, value: bigint, _icount: number): boolean {
    switch (csr) {
      case CSR.fflags: case CSR.frm: case CSR.fcsr: writeFpCsr(this.hart.fcsr, csr, Number(value & 0xffn)); return true;
      default: return false; // counters are read-only; anything else does not exist in U-mode
    }
  }
}
