/**
 * The vocabulary and run loop of the system VM: guest addresses are virtual (64-bit), reached
 * through the MMU. Like a hardware TLB in front of the page walker, generated code checks a
 * direct-mapped software TLB inline (machine/priv/system-memory.ts) and calls the memory's slow
 * path (walk, fill, device access, fault) on a miss.
 *
 * pc is kept as two int32 words: `pc` (low) and `PCHI` (high), so that the fetch, branch and
 * TLB paths stay in int32 arithmetic even for addresses like 0xffffffff80000000.
 */
import { EXIT_MRET, EXIT_SFENCE_VMA, EXIT_SRET, EXIT_WFI, SYS_FS, SYS_PRIV, SYS_STOP } from '../../machine/priv/cells.js';
import { TLB_MASK } from '../../machine/priv/system-memory.js';
import type { Vocabulary } from './macros.js';
import type { LoopModel, MemoryModel } from './memory-model.js';
import { bigToWords, interpreterVocabulary, memoryAccess, wordsToBig } from './vocabulary.js';

const lo = (r: string) => `XW[(${r}) << 1]`;
const hi = (r: string) => `XW[((${r}) << 1) | 1]`;

/**
 * A TLB hit for the `size`-byte access at X[r] + off. `ea` is the low word of the address; when
 * it has the sign of the register's low word there was no carry into the high word (|off| is
 * below 2^11), so the register's high word is the address's. The tag holds the page and zero
 * low bits, so a misaligned address never matches and goes to the slow path, which traps.
 */
const hit = (r: string, off: string, size: number, t: 'R' | 'W') =>
  `(ea = (${lo(r)} + ${off}) | 0, tk = (ea >>> 12) & ${TLB_MASK}, ` +
  `(${lo(r)} ^ ea) >= 0 && T${t}L[tk] === (ea & ${-4096 | (size - 1)}) && T${t}H[tk] === ${hi(r)})`;
/** Host index of the hit's bytes in the RAM views. */
const host = (t: 'R' | 'W', size: number) => `(((ea + T${t}A[tk]) | 0)${size > 1 ? ` >> ${Math.log2(size)}` : ''})`;
const slowArgs = (r: string, off: string) => `${lo(r)}, ${hi(r)}, ${off}`;

const load = (size: number, view: string, signed: boolean) => (r: string, off: string) =>
  `((${hit(r, off, size, 'R')}) ? ${view}[${host('R', size)}] : ` +
  `M.${size === 8 ? 'load' : 'loadNum'}(${slowArgs(r, off)}, ${size}, ${signed}))`;

const store = (size: number, view: string) => (r: string, off: string, v: string) => {
  const tmp = size === 8 ? 'sb' : 'sv';
  return `(${tmp} = ${v}, (${hit(r, off, size, 'W')}) ? (${view}[${host('W', size)}] = ${tmp}) : M.store(${slowArgs(r, off)}, ${size}, ${tmp}))`;
};

/** This instruction's full address as a number (exact for every canonical Sv39/Sv48 address). */
const PC_VALUE = '(PCHI * 4294967296 + (pc >>> 0))';
const exit = (cause: number) => () => `trap(${cause}, raw >>> 0)`;

export const systemVocabulary: Vocabulary = {
  words: { ...interpreterVocabulary.words, PC: PC_VALUE },
  fns: {
    ...interpreterVocabulary.fns,
    ...memoryAccess(load, store),
    LOAD_DW: (r, off) => `((${hit(r, off, 8, 'R')}) ? (ea = ${host('R', 4)}, dl = I32[ea], dh = I32[ea + 1]) : ` +
      `${bigToWords(`M.load(${slowArgs(r, off)}, 8, true)`)})`,
    STORE_DW: (r, off, lo, hi) => `(sv = ${lo}, sa = ${hi}, (${hit(r, off, 8, 'W')}) ? (ea = ${host('W', 4)}, I32[ea] = sv, I32[ea + 1] = sa) : ` +
      `M.store(${slowArgs(r, off)}, 8, ${wordsToBig('sv', 'sa')}))`,
    FLOAD_D: (r, off) => `((${hit(r, off, 8, 'R')}) ? (FDV[rd] = MF64[${host('R', 8)}]) : (F[rd] = M.load(${slowArgs(r, off)}, 8, true)))`,
    FSTORE_D: (r, off, fr) => `((${hit(r, off, 8, 'W')}) ? (MF64[${host('W', 8)}] = FDV[${fr}]) : M.store(${slowArgs(r, off)}, 8, F[${fr}]))`,
    // The target's high word waits in nhi until NPC: the link register still needs this pc.
    JALR_TARGET: (r, off) => `(ta = (${lo(r)} >>> 0) + ${off}, nhi = (${hi(r)} + (ta >= 4294967296 ? 1 : ta < 0 ? -1 : 0)) | 0, ta & -2)`,
    NPC: (a) => `(npc = (${a}) | 0, PCHI = nhi)`,
    // A carry out of (or borrow from) the low word moves the high word.
    NPC_REL: (d) => `(ta = pc + ${d}, pc < 0 ? (ta >= 0 && (PCHI = (PCHI + 1) | 0)) : (ta < 0 && (PCHI = (PCHI - 1) | 0)), npc = ta | 0)`,
    ECALL: () => `trap(8 + SYS[${SYS_PRIV}], 0)`,
    // Translated code must leave its region: stores may have replaced the instructions that follow.
    FENCE_I: () => `(SYS[${SYS_STOP}] = 1)`,
    // tval 0 for breakpoints (the spec allows 0 or the pc; QEMU writes 0).
    EBREAK: () => 'trap(3, 0)',
    MRET: exit(EXIT_MRET),
    SRET: exit(EXIT_SRET),
    WFI: exit(EXIT_WFI),
    SFENCE_VMA: exit(EXIT_SFENCE_VMA),
  },
  // FP instructions need mstatus.FS on; those that may change FP state (registers or fflags)
  // make it Dirty. Stores and moves / classifications into integer registers change nothing.
  guard: (d) => (d.flags.fp
    ? `if (SYS[${SYS_FS}] !== 3) M.fpUse(raw >>> 0, ${d.flags.store === true || /^(fmv\.x\.|fclass\.)/.test(d.name)});`
    : ''),
};

const systemLoop: LoopModel = {
  enter: 'const pc0 = NUM[0]; let pc = pc0 | 0, PCHI = Math.floor(pc0 / 4294967296) | 0, fetchPage = 1, fetchHi = 0, FB = 0;',
  // FB makes the parcel at pc U16[(pc + FB) >>> 1]: host offset minus virtual address, per page.
  fetchCheck: `if ((pc & -4096) !== fetchPage || PCHI !== fetchHi) {
        FB = M.fetchBase(pc, PCHI); fetchPage = pc & -4096; fetchHi = PCHI;
      }`,
  lowerParcel: 'U16[((pc + FB) | 0) >>> 1]',
  upperParcel: '(((pc + 2) & 4095) === 0 ? M.fetchUpper(pc, PCHI) : U16[(((pc + FB) | 0) >>> 1) + 1])',
  leave: `NUM[0] = ${PC_VALUE};`,
  keepGoing: `SYS[${SYS_STOP}] === 0`,
};

export const SYSTEM_MODEL: MemoryModel = {
  name: 'system',
  vocabulary: systemVocabulary,
  loop: systemLoop,
  bindings: ['X', 'XW', 'F', 'FW', 'FDV', 'NUM', 'FCSR', 'M', 'U8', 'I8', 'U16', 'I16', 'I32', 'B64', 'MF64',
    'TRL', 'TRH', 'TRA', 'TWL', 'TWH', 'TWA', 'SYS', 'RVC', 'RVC_SLOW', 'SF', 'I64', 'CSR', 'trap', 'GuestTrap', 'BUDGET_EXIT', 'TRACE', 'BLOCKWISE'],
};
