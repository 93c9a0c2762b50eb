/**
 * The interpreter's expansion of the instruction vocabulary, over a flat guest memory (the
 * process VM). Fields are variables decoded at run time; memory accesses inline the aligned,
 * permitted fast path and call FlatMemory's slow path for everything else.
 */
import type { Vocabulary } from './macros.js';
import type { LoopModel, MemoryModel } from './memory-model.js';

/**
 * The fast path needs X[r] + off to be a small non-negative address: the high word zero, the
 * low word non-negative, and the sum (in int32) inside memory; stores also need a page
 * without translated code (memory.ts: CODE). Then every index is an int32,
 * which V8 compiles to plain machine loads. Everything else, including misaligned and
 * protected accesses, goes to FlatMemory with the exact 64-bit address.
 */
const fast = (r: string, off: string, size: number, perm: number, mask = perm) =>
  `XW[((${r}) << 1) | 1] === 0 && XW[(${r}) << 1] >= 0 && (ea = (XW[(${r}) << 1] + ${off}) | 0) >= 0 && ea < LIM && ` +
  `${size > 1 ? `(ea & ${size - 1}) === 0 && ` : ''}(PERM[ea >>> 12] & ${mask}) === ${perm}`;
const exactAddr = (r: string, off: string) => `(XW[((${r}) << 1) | 1] * 4294967296 + (XW[(${r}) << 1] >>> 0) + ${off})`;
const index = (size: number) => (size > 1 ? `ea >>> ${Math.log2(size)}` : 'ea');

const load = (size: number, view: string, signed: boolean) => (r: string, off: string) =>
  `((${fast(r, off, size, 1)}) ? ${view}[${index(size)}] : ` +
  `M.${size === 8 ? 'load' : 'loadNum'}(${exactAddr(r, off)}, ${size}, ${signed}))`;

const store = (size: number, view: string) => (r: string, off: string, v: string) => {
  const tmp = size === 8 ? 'sb' : 'sv';
  return `(${tmp} = ${v}, (${fast(r, off, size, 2, 2 | 16)}) ? (${view}[${index(size)}] = ${tmp}) : M.store(${exactAddr(r, off)}, ${size}, ${tmp}))`;
};

/** A doubleword as two words (dl, dh) through the int32 view: no BigInt on the fast path. */
const loadWords = (r: string, off: string) =>
  `((${fast(r, off, 8, 1)}) ? (dl = I32[ea >>> 2], dh = I32[(ea >>> 2) + 1]) : ${bigToWords(`M.load(${exactAddr(r, off)}, 8, true)`)})`;
const storeWords = (r: string, off: string, lo: string, hi: string) =>
  `(sv = ${lo}, sa = ${hi}, (${fast(r, off, 8, 2, 2 | 16)}) ? (I32[ea >>> 2] = sv, I32[(ea >>> 2) + 1] = sa) : M.store(${exactAddr(r, off)}, 8, ${wordsToBig('sv', 'sa')}))`;

/** FP doubleword moves go through Float64Array views (a double copied keeps its bits, NaN payloads included), not bigints. */
const fload = (r: string, off: string) =>
  `((${fast(r, off, 8, 1)}) ? (FDV[rd] = MF64[ea >>> 3]) : (F[rd] = M.load(${exactAddr(r, off)}, 8, true)))`;
const fstore = (r: string, off: string, fr: string) =>
  `((${fast(r, off, 8, 2, 2 | 16)}) ? (MF64[ea >>> 3] = FDV[${fr}]) : M.store(${exactAddr(r, off)}, 8, F[${fr}]))`;

const illegal = 'trap(2, raw >>> 0)';

/** rd <- two words; `| 0`: they are int32 even where an engine keeps registers in variables. */
const writeWords = (lo: string, hi: string) => `(tl = ${lo}, th = ${hi}, rd !== 0 && (XW[rd << 1] = tl | 0, XW[(rd << 1) | 1] = th | 0))`;

/** (alo, ahi) < (blo, bhi) as 64-bit values: the high words decide (signed or not), then the low words unsigned. */
const lessWords = (unsigned: boolean, alo: string, ahi: string, blo: string, bhi: string) => {
  const high = (w: string) => (unsigned ? `((${w}) >>> 0)` : `(${w})`);
  return `(${high(ahi)} < ${high(bhi)} || ((${ahi}) === (${bhi}) && ((${alo}) >>> 0) < ((${blo}) >>> 0)))`;
};

/** A signed 64-bit bigint split into dl, dh; and two words joined into one. */
export const bigToWords = (b: string) => `(sb = ${b}, dl = Number(BigInt.asIntN(32, sb)), dh = Number(sb >> 32n))`;
export const wordsToBig = (lo: string, hi: string) => `((BigInt(${hi}) << 32n) | BigInt(${lo} >>> 0))`;

type LoadMacro = (size: number, view: string, signed: boolean) => (r: string, off: string) => string;
type StoreMacro = (size: number, view: string) => (r: string, off: string, v: string) => string;

/** A memory model's LOAD_x / STORE_x macros, from how it expands one access of a size through a RAM view. */
export function memoryAccess(load: LoadMacro, store: StoreMacro): Record<string, (...args: string[]) => string> {
  return {
    LOAD_B: load(1, 'I8', true), LOAD_BU: load(1, 'U8', false), LOAD_H: load(2, 'I16', true), LOAD_HU: load(2, 'U16', false),
    LOAD_W: load(4, 'I32', true), LOAD_D: load(8, 'B64', true),
    STORE_B: store(1, 'U8'), STORE_H: store(2, 'U16'), STORE_W: store(4, 'I32'), STORE_D: store(8, 'B64'),
  };
}

export const interpreterVocabulary: Vocabulary = {
  words: { PC: 'pc', LEN: 'len', FST: 'FCSR', FREGS: 'F, FDV' },
  fns: {
    // Statement-like macros expand to expressions over typed temporaries (tb bigint, tn/tl/th
    // int32, declared once by the generated function) so templates compose like statements.
    WX: (v) => `(tb = ${v}, rd !== 0 && (X[rd] = tb))`,
    WX32: (v) => `(tn = (${v}) | 0, rd !== 0 && (XW[rd << 1] = tn, XW[(rd << 1) | 1] = tn >> 31))`,
    WXW: writeWords,
    WXN: (v) => `(tv = ${v}, ${writeWords('tv', 'Math.floor(tv / 4294967296)')})`,
    XLO: (r) => `XW[(${r}) << 1]`,
    XHI: (r) => `XW[((${r}) << 1) | 1]`,
    i64: (e) => `BigInt.asIntN(64, ${e})`,
    u64: (e) => `BigInt.asUintN(64, ${e})`,
    EQ: (a, b) => `(XW[(${a}) << 1] === XW[(${b}) << 1] && XW[((${a}) << 1) | 1] === XW[((${b}) << 1) | 1])`,
    LT: (a, b) => lessWords(false, `XW[(${a}) << 1]`, `XW[((${a}) << 1) | 1]`, `XW[(${b}) << 1]`, `XW[((${b}) << 1) | 1]`),
    LTU: (a, b) => lessWords(true, `XW[(${a}) << 1]`, `XW[((${a}) << 1) | 1]`, `XW[(${b}) << 1]`, `XW[((${b}) << 1) | 1]`),
    LTW: (alo, ahi, blo, bhi) => lessWords(false, alo, ahi, blo, bhi),
    LTUW: (alo, ahi, blo, bhi) => lessWords(true, alo, ahi, blo, bhi),
    ADDR: exactAddr,
    // pc is an int32 in the engine; a target outside that range parks in NUM[3] (hart.ts: NUM_FAR_PC).
    JALR_TARGET: (r, off) => `((XW[((${r}) << 1) | 1] === 0 && XW[(${r}) << 1] >= 0 && (ea = (XW[(${r}) << 1] + ${off}) | 0) >= 0) ? ` +
      `ea & -2 : (NUM[3] = ${exactAddr(r, off)} - ((XW[(${r}) << 1] + ${off}) & 1), -1))`,
    ...memoryAccess(load, store),
    LOAD_DW: loadWords,
    STORE_DW: storeWords,
    FLOAD_D: fload,
    FSTORE_D: fstore,
    NPC: (a) => `(npc = (${a}) | 0)`,
    NPC_REL: (d) => `(npc = (pc + ${d}) | 0)`,
    TRAP: (c, v) => `trap(${c}, ${v})`,
    ILLEGAL: () => illegal,
    ECALL: () => 'trap(8, 0)',
    EBREAK: () => 'trap(3, pc)',
    FS: (r) => `(FW[((${r}) << 1) | 1] === -1 ? FW[(${r}) << 1] : 0x7fc00000)`,
    FD: (r) => `F[${r}]`,
    FLO: (r) => `FW[(${r}) << 1]`,
    FHI: (r) => `FW[((${r}) << 1) | 1]`,
    FDN: (r) => `FDV[${r}]`,
    WFDW: (lo, hi) => `(tl = ${lo}, th = ${hi}, FW[rd << 1] = tl, FW[(rd << 1) | 1] = th)`,
    WFDN: (v) => `(FDV[rd] = ${v})`,
    WFS: (v) => `(tn = ${v}, FW[rd << 1] = tn, FW[(rd << 1) | 1] = -1)`,
    WFD: (v) => `(F[rd] = ${v})`,
    RM: () => `(rm !== 7 ? (rm < 5 ? rm : ${illegal}) : (FCSR[1] < 5 ? FCSR[1] : ${illegal}))`,
    CSRR: (c) => `(CSR.read(${c}, icount) ?? ${illegal})`,
    CSRW: (c, v) => `(CSR.write(${c}, ${v}, icount) || ${illegal})`,
    RES_GET: () => 'NUM[2]',
    RES_SET: (a) => `(NUM[2] = ${a})`,
    AMO_CHECK: (a, n) => `M.checkAtomic(${a}, ${n})`,
    LR_CHECK: (a, n) => `M.checkLoadReserved(${a}, ${n})`,
    FENCE_I: () => 'void 0',
    // A user process may not run privileged instructions.
    MRET: () => illegal,
    SRET: () => illegal,
    WFI: () => illegal,
    SFENCE_VMA: () => illegal,
  },
};

/**
 * pc stays an int32 (guest memory is at most 2 GiB); see NUM_FAR_PC in machine/hart.ts.
 * Execute permission is checked once per page: a page's protection can only change in a
 * system call, and every system call leaves the run loop.
 */
const flatLoop: LoopModel = {
  blockEndsAtSystem: true,
  enter: 'const pc0 = NUM[0], PCHI = 0; let pc = pc0 >= 0 && pc0 < LIM ? pc0 | 0 : (NUM[3] = pc0, -1), fetchPage = -1;',
  fetchCheck: `if ((pc & -4096) !== fetchPage) {
        if (!(pc >= 0 && pc < LIM && (PERM[pc >>> 12] & 4) !== 0)) M.fetch16(pc === -1 ? NUM[3] : pc);
        fetchPage = pc & -4096;
      }`,
  lowerParcel: 'U16[pc >>> 1]',
  upperCheck: 'if (((pc + 2) & 4095) === 0 && (PERM[(pc + 2) >>> 12] & 4) === 0) M.fetch16(pc + 2);',
  upperParcel: 'U16[(pc >>> 1) + 1]',
  leave: 'NUM[0] = pc === -1 ? NUM[3] : pc;',
};

/** The process VM's model: one flat buffer, a permission byte per page. */
export const FLAT_MODEL: MemoryModel = {
  name: 'flat',
  vocabulary: interpreterVocabulary,
  loop: flatLoop,
  bindings: ['X', 'XW', 'F', 'FW', 'FDV', 'NUM', 'FCSR', 'M', 'U8', 'I8', 'U16', 'I16', 'I32', 'B64', 'MF64', 'PERM', 'LIM', 'RVC', 'RVC_SLOW',
    'SF', 'I64', 'CSR', 'trap', 'GuestTrap', 'BUDGET_EXIT', 'TRACE', 'BLOCKWISE'],
};
