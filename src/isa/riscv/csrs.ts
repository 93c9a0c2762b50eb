/** CSR numbers of the unprivileged ISA (Zicsr, F/D, Zicntr); the privileged ones join here. */
export const CSR = {
  fflags: 0x001, frm: 0x002, fcsr: 0x003,
  cycle: 0xc00, time: 0xc01, instret: 0xc02,
} as const;

export const CSR_NAMES: Record<number, string> = Object.fromEntries(Object.entries(CSR).map(([k, v]) => [v, k]));
