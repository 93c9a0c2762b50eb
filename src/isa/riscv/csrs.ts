/** CSR numbers: the unprivileged ones (Zicsr, F/D, Zicntr) and the privileged architecture's (v1.12). */
export const CSR = {
  fflags: 0x001, frm: 0x002, fcsr: 0x003,
  cycle: 0xc00, time: 0xc01, instret: 0xc02,
  // supervisor
  sstatus: 0x100, sie: 0x104, stvec: 0x105, scounteren: 0x106, senvcfg: 0x10a,
  sscratch: 0x140, sepc: 0x141, scause: 0x142, stval: 0x143, sip: 0x144, stimecmp: 0x14d,
  satp: 0x180,
  // machine
  mvendorid: 0xf11, marchid: 0xf12, mimpid: 0xf13, mhartid: 0xf14, mconfigptr: 0xf15,
  mstatus: 0x300, misa: 0x301, medeleg: 0x302, mideleg: 0x303, mie: 0x304, mtvec: 0x305,
  mcounteren: 0x306, menvcfg: 0x30a, mcountinhibit: 0x320,
  mscratch: 0x340, mepc: 0x341, mcause: 0x342, mtval: 0x343, mip: 0x344,
  mcycle: 0xb00, minstret: 0xb02,
} as const;

/** Numbered families: hpmcounter3..31, mhpmcounter3..31, mhpmevent3..31, pmpcfg0..15, pmpaddr0..63. */
export const CSR_RANGES = {
  hpmcounter: 0xc00, mhpmcounter: 0xb00, mhpmevent: 0x320, pmpcfg: 0x3a0, pmpaddr: 0x3b0,
} as const;

function names(): Record<number, string> {
  const n: Record<number, string> = Object.fromEntries(Object.entries(CSR).map(([k, v]) => [v, k]));
  for (let i = 3; i < 32; i++) {
    n[CSR_RANGES.hpmcounter + i] = `hpmcounter${i}`;
    n[CSR_RANGES.mhpmcounter + i] = `mhpmcounter${i}`;
    n[CSR_RANGES.mhpmevent + i] = `mhpmevent${i}`;
  }
  for (let i = 0; i < 16; i++) n[CSR_RANGES.pmpcfg + i] = `pmpcfg${i}`;
  for (let i = 0; i < 64; i++) n[CSR_RANGES.pmpaddr + i] = `pmpaddr${i}`;
  return n;
}

export const CSR_NAMES: Record<number, string> = names();
