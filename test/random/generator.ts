// Deterministic random-instruction program generator for the RV64GC differential test.
//
// A program is a static, non-PIE Linux riscv64 executable (GNU assembly text) made of many
// independent "sequences". Every sequence
//   1. loads every usable integer register, every FP register, fcsr (random frm 0-4, fflags 0)
//      and the 256-byte scratch area from its own data table (shared __init routine),
//   2. runs 20-60 random straight-line RV64GC instructions (plus short forward branches),
//   3. dumps x0..x31, f0..f31 (raw 64-bit), fcsr and the scratch area with one write(2)
//      (shared __dump routine).
// After the last sequence the program calls exit(0).
//
// Registers: s1 (x9) holds the scratch base and is never written by random code; gp and tp
// are never read or written, and neither is sp's value: the only use of sp is the spBlock item,
// which saves sp outside the dumped area, points it into scratch for the sp-relative RVC
// instructions and restores it (sp/gp/tp slots in the dump stay zero). Every other register is
// initialised from the table, so the output only depends on the architectural semantics
// (and on the fixed link address, via auipc/jal/jalr link values).
//
// The output is a stream of REC_SIZE-byte records, one per sequence (see RECORD_LAYOUT).

// ---------------------------------------------------------------------------------------------
// PRNG: xoshiro128** seeded through splitmix64. Pure integer arithmetic, fully deterministic.

export class Rng {
  private s = new Uint32Array(4);

  constructor(...seedParts: number[]) {
    let x = 0x9e3779b97f4a7c15n;
    for (const p of seedParts) x = splitmix64Mix(x ^ BigInt.asUintN(64, BigInt(p)));
    for (let i = 0; i < 4; i += 2) {
      x = BigInt.asUintN(64, x + 0x9e3779b97f4a7c15n);
      const z = splitmix64Mix(x);
      this.s[i] = Number(z & 0xffffffffn);
      this.s[i + 1] = Number(z >> 32n);
    }
    if ((this.s[0] | this.s[1] | this.s[2] | this.s[3]) === 0) this.s[0] = 1;
  }

  /** Uniform 32-bit unsigned integer. */
  next32(): number {
    const s = this.s;
    const result = Math.imul(rotl32(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = (s[1] << 9) >>> 0;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl32(s[3], 11);
    return result;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor((this.next32() / 4294967296) * n);
  }

  /** Uniform integer in [lo, hi] (inclusive). */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  chance(p: number): boolean {
    return this.next32() < p * 4294967296;
  }

  pick<T>(arr: readonly T[]): T {
    return arr[this.int(arr.length)];
  }

  u64(): bigint {
    return (BigInt(this.next32()) << 32n) | BigInt(this.next32());
  }

  /** Pick a key of a weight table. */
  weighted<K extends string>(table: Readonly<Record<K, number>>): K {
    const keys = Object.keys(table) as K[];
    let total = 0;
    for (const k of keys) total += table[k];
    let r = (this.next32() / 4294967296) * total;
    for (const k of keys) {
      r -= table[k];
      if (r < 0) return k;
    }
    return keys[keys.length - 1];
  }
}

function rotl32(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

function splitmix64Mix(z: bigint): bigint {
  z = BigInt.asUintN(64, (z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n);
  z = BigInt.asUintN(64, (z ^ (z >> 27n)) * 0x94d049bb133111ebn);
  return z ^ (z >> 31n);
}

// ---------------------------------------------------------------------------------------------
// Layout constants shared with the comparison code.

export const XNAMES = [
  'zero', 'ra', 'sp', 'gp', 'tp', 't0', 't1', 't2', 's0', 's1', 'a0', 'a1', 'a2', 'a3', 'a4', 'a5',
  'a6', 'a7', 's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9', 's10', 's11', 't3', 't4', 't5', 't6',
] as const;
export const FNAMES = [
  'ft0', 'ft1', 'ft2', 'ft3', 'ft4', 'ft5', 'ft6', 'ft7', 'fs0', 'fs1', 'fa0', 'fa1', 'fa2', 'fa3',
  'fa4', 'fa5', 'fa6', 'fa7', 'fs2', 'fs3', 'fs4', 'fs5', 'fs6', 'fs7', 'fs8', 'fs9', 'fs10', 'fs11',
  'ft8', 'ft9', 'ft10', 'ft11',
] as const;

/** The scratch base register (s1 = x9); random code never writes it. */
export const BASE_REG = 9;
/** Integer registers initialised from the table and freely used by random code. */
export const USABLE_X: readonly number[] = [1, 5, 6, 7, 8, ...range(10, 31)];
/** Writable registers of the compressed 3-bit register field (x8-x15 minus s1). */
const CREG_X: readonly number[] = [8, 10, 11, 12, 13, 14, 15];
const CREG_F: readonly number[] = range(8, 15);

export const SCRATCH_SIZE = 256;
/** Table words: USABLE_X values, then f0..f31, then fcsr. */
export const TABLE_WORDS = USABLE_X.length + 32 + 1;
export const TABLE_F0 = USABLE_X.length;
export const TABLE_FCSR = USABLE_X.length + 32;
/** Scratch is initialised from table words [SCRATCH_SRC, SCRATCH_SRC + 32): ints and FP values. */
const SCRATCH_SRC = 10;

/** Dump record layout (byte offsets inside one record). */
export const RECORD_LAYOUT = {
  magic: 0, // u32 REC_MAGIC
  index: 4, // u32 sequence index
  x: 8, // x0..x31, u64 each
  f: 8 + 32 * 8, // f0..f31, raw u64 each
  fcsr: 8 + 64 * 8, // u64
  scratch: 8 + 64 * 8 + 8, // SCRATCH_SIZE bytes
} as const;
export const REC_SIZE = RECORD_LAYOUT.scratch + SCRATCH_SIZE; // 784
export const REC_MAGIC = 0x51535652; // "RVSQ"
/** The record sits right below the scratch area: record start = s1 - REC_TO_SCRATCH. */
const REC_TO_SCRATCH = RECORD_LAYOUT.scratch;

export const DEFAULT_SEED = 1;
export const DEFAULT_PROGRAMS = 20;
export const DEFAULT_SEQS = 100;

function range(lo: number, hi: number): number[] {
  const r: number[] = [];
  for (let i = lo; i <= hi; i++) r.push(i);
  return r;
}

// ---------------------------------------------------------------------------------------------
// Value pools.

const M64 = (1n << 64n) - 1n;

function f64bits(x: number): bigint {
  const dv = new DataView(new ArrayBuffer(8));
  dv.setFloat64(0, x, true);
  return dv.getBigUint64(0, true);
}
function f32bits(x: number): bigint {
  const dv = new DataView(new ArrayBuffer(4));
  dv.setFloat32(0, x, true);
  return BigInt(dv.getUint32(0, true));
}

const INT_INTERESTING: readonly bigint[] = [
  0n, 1n, 2n, 3n, M64, M64 - 1n, 0x7fffffffffffffffn, 0x8000000000000000n, 0x8000000000000001n,
  0x7fffffffn, 0x80000000n, 0x80000001n, 0xffffffffn, 0xfffffffen, 0x100000000n, 0x100000001n,
  0xffffffff80000000n, 0xffffffff7fffffffn, 0xffffffff00000000n, 0x00000000fffff800n,
  0x7ffn, 0x800n, 0xfffffffffffff800n, 0xfffffffffffff7ffn, 31n, 32n, 33n, 63n, 64n, 0xffn, 0xffffn,
  0x8000n, 0x80n, 0xffffffffffff8000n, 0xffffffffffffff80n, 0x5555555555555555n, 0xaaaaaaaaaaaaaaaan,
  0x0123456789abcdefn, 0xfedcba9876543210n,
];

const F64_INTERESTING: readonly bigint[] = [
  0x0000000000000000n, 0x8000000000000000n, // +-0
  0x7ff0000000000000n, 0xfff0000000000000n, // +-inf
  0x7ff8000000000000n, 0xfff8000000000000n, 0x7ff8000000000123n, 0x7fffffffffffffffn, // qNaN
  0x7ff0000000000001n, 0x7ff4000000000000n, 0xfff0000000000abcn, 0x7ff7ffffffffffffn, // sNaN
  0x0000000000000001n, 0x000fffffffffffffn, 0x8000000000000001n, 0x0008000000000000n, // subnormal
  0x800fffffffffffffn,
  0x0010000000000000n, 0x8010000000000000n, 0x7fefffffffffffffn, 0xffefffffffffffffn, // min/max
  0x3fefffffffffffffn, 0x3ff0000000000001n, 0x3ca0000000000000n, 0x3cb0000000000000n,
  ...[
    1, -1, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 3, 0.1, -0.9, 0.49999999999999994, 1e308, -1e-308,
    2147483647, 2147483647.5, 2147483648, 2147483648.5, -2147483648, -2147483648.5, -2147483649,
    4294967295, 4294967295.5, 4294967296, -4294967296, 9007199254740992, 9007199254740993,
    2 ** 63, -(2 ** 63), 2 ** 64, -(2 ** 64), 123456.789, -0.0001,
  ].map(f64bits),
  0x43dfffffffffffffn, 0xc3e0000000000001n, 0x43efffffffffffffn, // around 2^63, -2^63, 2^64
  // Around the single-precision range (for fcvt.s.d): max float, halfway to 2^128, min
  // subnormal 2^-149, 2^-150 (tie), 1.5 * 2^-149, min normal 2^-126 and just below it.
  0x47efffffe0000000n, 0x47effffff0000000n, 0x47f0000000000000n, 0x36a0000000000000n,
  0x3690000000000000n, 0x36a8000000000000n, 0x3810000000000000n, 0x380fffffffffffffn,
];

const F32_INTERESTING: readonly bigint[] = [
  0x00000000n, 0x80000000n, 0x7f800000n, 0xff800000n, // +-0, +-inf
  0x7fc00000n, 0xffc00000n, 0x7fc00123n, 0x7fffffffn, // qNaN
  0x7f800001n, 0x7fa00000n, 0xff800abcn, 0x7fbfffffn, // sNaN
  0x00000001n, 0x007fffffn, 0x80000001n, 0x00400000n, 0x807fffffn, // subnormal
  0x00800000n, 0x80800000n, 0x7f7fffffn, 0xff7fffffn, // min/max normal
  0x3f7fffffn, 0x3f800001n, 0x33800000n, 0x34000000n,
  ...[1, -1, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 3, 0.1, -0.9, 16777216, 16777217, 123.456].map(f32bits),
  0x4f000000n, 0x4effffffn, 0xcf000000n, 0xcf000001n, // around +-2^31
  0x4f800000n, 0x4f7fffffn, 0x5f000000n, 0x5effffffn, 0xdf000000n, 0xdf000001n, // 2^32, +-2^63
  0x5f800000n, 0x5f7fffffn, 0xdf800000n, // 2^64
];

const NANBOX = 0xffffffff00000000n;

type FKind = 's' | 'd' | 'x'; // NaN-boxed single, double, neither (non-boxed single / junk)

function randomInt(rng: Rng): bigint {
  switch (rng.int(8)) {
    case 0:
    case 1:
    case 2:
      return rng.pick(INT_INTERESTING);
    case 3: // sign-extended 32-bit
      return BigInt.asUintN(64, BigInt(rng.next32() | 0));
    case 4: // small, possibly negative
      return BigInt.asUintN(64, BigInt(rng.range(-300, 300)));
    case 5: // interesting low half, random high half
      return (rng.u64() & NANBOX) | (rng.pick(INT_INTERESTING) & 0xffffffffn);
    default:
      return rng.u64();
  }
}

function niceDouble(rng: Rng): bigint {
  const sign = BigInt(rng.int(2)) << 63n;
  // Mostly moderate magnitudes; sometimes near the subnormal or overflow range.
  const e = rng.chance(0.85) ? 1023 + rng.range(-66, 66) : rng.chance(0.5) ? rng.range(1, 60) : rng.range(1990, 2046);
  const exp = BigInt(e) << 52n;
  let mant = rng.u64() & 0xfffffffffffffn;
  if (rng.chance(0.3)) mant &= 0xfff0000000000n; // few significant bits: exact results
  return sign | exp | mant;
}

function niceSingle(rng: Rng): bigint {
  const sign = BigInt(rng.int(2)) << 31n;
  const e = rng.chance(0.85) ? 127 + rng.range(-40, 40) : rng.chance(0.5) ? rng.range(1, 30) : rng.range(225, 254);
  const exp = BigInt(e) << 23n;
  let mant = BigInt(rng.next32()) & 0x7fffffn;
  if (rng.chance(0.3)) mant &= 0x7f0000n;
  return sign | exp | mant;
}

function randomDouble(rng: Rng): bigint {
  const r = rng.int(10);
  if (r < 5) return rng.pick(F64_INTERESTING);
  if (r < 9) return niceDouble(rng);
  return rng.u64();
}

function randomSingle(rng: Rng): bigint {
  const r = rng.int(10);
  if (r < 5) return rng.pick(F32_INTERESTING);
  if (r < 9) return niceSingle(rng);
  return BigInt(rng.next32());
}

function randomFReg(rng: Rng): { kind: FKind; value: bigint } {
  const r = rng.int(20);
  if (r < 9) return { kind: 'd', value: randomDouble(rng) };
  if (r < 18) return { kind: 's', value: NANBOX | randomSingle(rng) };
  // Not NaN-boxed: single ops must see the canonical NaN.
  const hi = rng.pick([0n, 0xfffffffe00000000n, 0x7fffffff00000000n, rng.u64() & NANBOX]);
  return { kind: 'x', value: hi | randomSingle(rng) };
}

// ---------------------------------------------------------------------------------------------
// Instruction tables.

const ALU_R = [
  'add', 'sub', 'sll', 'slt', 'sltu', 'xor', 'srl', 'sra', 'or', 'and',
  'addw', 'subw', 'sllw', 'srlw', 'sraw',
] as const;
const ALU_I = ['addi', 'slti', 'sltiu', 'xori', 'ori', 'andi', 'addiw'] as const;
const SHIFT_I = ['slli', 'srli', 'srai'] as const;
const SHIFT_IW = ['slliw', 'srliw', 'sraiw'] as const;
const MULDIV = ['mul', 'mulh', 'mulhsu', 'mulhu', 'div', 'divu', 'rem', 'remu'] as const;
const MULDIV_W = ['mulw', 'divw', 'divuw', 'remw', 'remuw'] as const;
const LOADS: readonly (readonly [string, number])[] = [
  ['lb', 1], ['lbu', 1], ['lh', 2], ['lhu', 2], ['lw', 4], ['lwu', 4], ['ld', 8],
];
const STORES: readonly (readonly [string, number])[] = [['sb', 1], ['sh', 2], ['sw', 4], ['sd', 8]];
const AMO_OPS = [
  'amoswap', 'amoadd', 'amoxor', 'amoand', 'amoor', 'amomin', 'amomax', 'amominu', 'amomaxu',
] as const;
const ORDERING = ['', '.aq', '.rl', '.aqrl'] as const;
const BRANCHES = ['beq', 'bne', 'blt', 'bge', 'bltu', 'bgeu'] as const;
const RMS = ['', 'rne', 'rtz', 'rdn', 'rup', 'rmm', 'dyn'] as const;
const FP_BIN_RM = ['fadd', 'fsub', 'fmul', 'fdiv'] as const;
const FP_MINMAX = ['fmin', 'fmax'] as const;
const FP_FMA = ['fmadd', 'fmsub', 'fnmsub', 'fnmadd'] as const;
const FP_SGNJ = ['fsgnj', 'fsgnjn', 'fsgnjx'] as const;
const FP_CMP = ['feq', 'flt', 'fle'] as const;
const CSRS = ['fflags', 'frm', 'fcsr'] as const;
const C_ALU_RR = ['c.sub', 'c.xor', 'c.or', 'c.and', 'c.subw', 'c.addw'] as const;

/** Every mnemonic the default seed is expected to contain (checked by the test). */
export const EXPECTED_MNEMONICS: readonly string[] = (() => {
  const m: string[] = [...ALU_R, ...ALU_I, ...SHIFT_I, ...SHIFT_IW, 'lui', 'auipc', ...MULDIV, ...MULDIV_W];
  m.push(...LOADS.map((l) => l[0]), ...STORES.map((s) => s[0]));
  for (const w of ['w', 'd']) {
    for (const o of ORDERING) {
      m.push(`lr.${w}${o}`, `sc.${w}${o}`);
      for (const a of AMO_OPS) m.push(`${a}.${w}${o}`);
    }
    for (const p of ['s', 'd']) {
      for (const op of [...FP_BIN_RM, ...FP_MINMAX, ...FP_FMA, ...FP_SGNJ, ...FP_CMP, 'fsqrt', 'fclass']) {
        if (w === 'w') m.push(`${op}.${p}`);
      }
    }
  }
  for (const i of ['w', 'wu', 'l', 'lu']) {
    for (const p of ['s', 'd']) m.push(`fcvt.${i}.${p}`, `fcvt.${p}.${i}`);
  }
  m.push('fcvt.s.d', 'fcvt.d.s', 'fmv.x.w', 'fmv.w.x', 'fmv.x.d', 'fmv.d.x', 'flw', 'fsw', 'fld', 'fsd');
  m.push('csrrw', 'csrrs', 'csrrc', 'csrrwi', 'csrrsi', 'csrrci');
  m.push(...BRANCHES, 'jal', 'jalr', 'fence', 'fence.i');
  m.push('c.addi', 'c.addiw', 'c.li', 'c.lui', 'c.slli', 'c.srli', 'c.srai', 'c.andi', 'c.mv', 'c.add');
  m.push(...C_ALU_RR, 'c.ld', 'c.lw', 'c.sd', 'c.sw', 'c.fld', 'c.fsd', 'c.nop');
  m.push('c.beqz', 'c.bnez', 'c.j', 'c.jr', 'c.jalr');
  m.push('c.addi16sp', 'c.addi4spn', 'c.ldsp', 'c.lwsp', 'c.sdsp', 'c.swsp', 'c.fldsp', 'c.fsdsp');
  return m;
})();

// ---------------------------------------------------------------------------------------------
// Generator.

type Item = string[];

const WEIGHTS = {
  aluR: 10,
  aluI: 9,
  shiftI: 5,
  luiAuipc: 2,
  liImm: 2,
  mul: 9,
  load: 5,
  store: 5,
  amo: 5,
  lrsc: 2.5,
  fpArith: 10,
  fma: 5,
  fsgnj: 3,
  fcmp: 3,
  fclass: 1.5,
  fcvt: 9,
  fmv: 3,
  fpMem: 4,
  csr: 4,
  branch: 3.5,
  cbranch: 1,
  jal: 1,
  jalr: 1,
  compressed: 7,
  fence: 0.3,
  fpError: 2,
  flagsRead: 2.5,
  spBlock: 1,
} as const;
type ItemKind = keyof typeof WEIGHTS;
/** Item kinds allowed inside a branch shadow (no frm changes, no LR/SC, no nested control flow). */
const SHADOW_OK: ReadonlySet<ItemKind> = new Set<ItemKind>([
  'aluR', 'aluI', 'shiftI', 'luiAuipc', 'liImm', 'mul', 'load', 'store', 'amo', 'fpArith', 'fma',
  'fsgnj', 'fcmp', 'fclass', 'fcvt', 'fmv', 'fpMem', 'compressed', 'fence', 'fpError',
]);

function signed(v: bigint): string {
  return BigInt.asIntN(64, v).toString();
}
export function hex64(v: bigint): string {
  return '0x' + BigInt.asUintN(64, v).toString(16).padStart(16, '0');
}

export interface SequenceSource {
  index: number;
  /** Initial values: TABLE_WORDS words (USABLE_X, f0..f31, fcsr). */
  table: bigint[];
  /** Random body lines (instructions and local labels). */
  body: string[];
  /** The same lines grouped into items (an item is only meaningful as a whole). */
  items: string[][];
}

export interface GeneratedProgram {
  asm: string;
  seqs: SequenceSource[];
  mnemonics: Map<string, number>;
}

class SequenceGen {
  private items: string[][] = [];
  private frm = 0;
  private fkind: FKind[] = [];
  private labelN = 0;

  constructor(
    private rng: Rng,
    private seqIndex: number,
    private mnemonics: Map<string, number>,
  ) {}

  generate(): SequenceSource {
    const rng = this.rng;
    const table: bigint[] = [];
    for (let i = 0; i < USABLE_X.length; i++) table.push(randomInt(rng));
    for (let i = 0; i < 32; i++) {
      const { kind, value } = randomFReg(rng);
      this.fkind.push(kind);
      table.push(value);
    }
    this.frm = rng.int(5);
    // frm random 0-4, fflags cleared; sometimes random bits in the reserved upper part (ignored).
    table.push((BigInt(this.frm) << 5n) | (rng.chance(0.1) ? rng.u64() & ~0xffn : 0n));

    const n = rng.range(20, 60);
    let count = 0;
    while (count < n) {
      const item = this.item(false);
      this.items.push(item);
      count += item.filter((l) => !l.endsWith(':')).length;
    }
    return { index: this.seqIndex, table, body: this.items.flat(), items: this.items };
  }

  // -- operand helpers --------------------------------------------------------------------------

  private xn(r: number): string {
    return XNAMES[r];
  }
  private fn(r: number): string {
    return FNAMES[r];
  }
  /** Destination register (occasionally x0). */
  private rd(): string {
    return this.rng.chance(0.04) ? 'zero' : this.xn(this.rng.pick(USABLE_X));
  }
  private rdNum(exclude: readonly number[] = []): number {
    for (;;) {
      const r = this.rng.pick(USABLE_X);
      if (!exclude.includes(r)) return r;
    }
  }
  /** Source register (occasionally x0). */
  private rs(): string {
    return this.rng.chance(0.07) ? 'zero' : this.xn(this.rng.pick(USABLE_X));
  }
  /** FP source register, preferring one currently holding a value of the given precision. */
  private fs(p: 's' | 'd'): string {
    const rng = this.rng;
    if (rng.chance(0.85)) {
      const cands: number[] = [];
      for (let i = 0; i < 32; i++) if (this.fkind[i] === p) cands.push(i);
      if (cands.length > 0) return this.fn(rng.pick(cands));
    }
    return this.fn(rng.int(32));
  }
  private fd(p: FKind): string {
    const r = this.rng.int(32);
    this.fkind[r] = p;
    return this.fn(r);
  }
  private rm(): string {
    const rm = this.rng.pick(RMS);
    return rm === '' ? '' : `, ${rm}`;
  }
  private imm12(): number {
    const rng = this.rng;
    if (rng.chance(0.3)) return rng.pick([-2048, 2047, -1, 0, 1, -2, 0x7ff, 0x400, -0x400, 31, 32, 63]);
    return rng.range(-2048, 2047);
  }
  private label(): string {
    return `.Ls${this.seqIndex}_${this.labelN++}`;
  }
  private ins(mn: string, ops: string): string {
    this.mnemonics.set(mn, (this.mnemonics.get(mn) ?? 0) + 1);
    return ops === '' ? `    ${mn}` : `    ${mn} ${ops}`;
  }
  private li(reg: string, v: bigint): string {
    return `    li ${reg}, ${signed(v)}`;
  }
  /** Scratch offset aligned to `size` such that [off, off+size) is inside scratch. */
  private scratchOff(size: number): number {
    return this.rng.int(SCRATCH_SIZE / size) * size;
  }
  /** `op reg, off(base)` addressing a `size`-aligned scratch location, sometimes via another base. */
  private memAccess(mn: string, reg: string, size: number, baseExclude: readonly number[]): Item {
    const rng = this.rng;
    const target = this.scratchOff(size);
    if (rng.chance(0.7)) return [this.ins(mn, `${reg}, ${target}(s1)`)];
    const b = this.rdNum(baseExclude);
    const baseOff = rng.range(-512, SCRATCH_SIZE + 512);
    return [
      this.ins('addi', `${this.xn(b)}, s1, ${baseOff}`),
      this.ins(mn, `${reg}, ${target - baseOff}(${this.xn(b)})`),
    ];
  }

  // -- items ------------------------------------------------------------------------------------

  private item(inShadow: boolean): Item {
    const rng = this.rng;
    for (;;) {
      const kind = rng.weighted(WEIGHTS);
      if (inShadow && !SHADOW_OK.has(kind)) continue;
      return this[kind]();
    }
  }

  private shadow(): Item {
    const out: Item = [];
    const n = this.rng.range(1, 3);
    for (let i = 0; i < n; i++) out.push(...this.item(true));
    return out;
  }

  private aluR(): Item {
    return [this.ins(this.rng.pick(ALU_R), `${this.rd()}, ${this.rs()}, ${this.rs()}`)];
  }

  private aluI(): Item {
    return [this.ins(this.rng.pick(ALU_I), `${this.rd()}, ${this.rs()}, ${this.imm12()}`)];
  }

  private shiftI(): Item {
    const rng = this.rng;
    if (rng.chance(0.6)) return [this.ins(rng.pick(SHIFT_I), `${this.rd()}, ${this.rs()}, ${rng.int(64)}`)];
    return [this.ins(rng.pick(SHIFT_IW), `${this.rd()}, ${this.rs()}, ${rng.int(32)}`)];
  }

  private luiAuipc(): Item {
    const rng = this.rng;
    const imm = rng.chance(0.3) ? rng.pick([0, 1, 0x7ffff, 0x80000, 0xfffff]) : rng.int(0x100000);
    return [this.ins(rng.chance(0.6) ? 'lui' : 'auipc', `${this.rd()}, ${imm}`)];
  }

  private liImm(): Item {
    return [this.li(this.rd(), randomInt(this.rng))];
  }

  private mul(): Item {
    const rng = this.rng;
    const out: Item = [];
    const wide = rng.chance(0.55);
    const mn = wide ? rng.pick(MULDIV) : rng.pick(MULDIV_W);
    let a = this.rs();
    let b = this.rs();
    if (rng.chance(0.3)) {
      // Make the interesting operand combinations likely: overflow and division by zero.
      const ra = this.rdNum();
      const rb = this.rdNum([ra]);
      a = this.xn(ra);
      b = this.xn(rb);
      const hi = () => (rng.chance(0.5) ? rng.u64() & NANBOX : 0n);
      switch (rng.int(4)) {
        case 0: // most negative / -1
          out.push(this.li(a, wide ? 0x8000000000000000n : hi() | 0x80000000n));
          out.push(this.li(b, wide ? M64 : hi() | 0xffffffffn));
          break;
        case 1: // x / 0 (for W ops: low word zero, high word possibly not)
          out.push(this.li(b, wide ? 0n : hi()));
          break;
        case 2:
          b = 'zero';
          break;
        default: // large magnitudes
          out.push(this.li(a, rng.pick(INT_INTERESTING)));
          out.push(this.li(b, rng.pick(INT_INTERESTING)));
      }
    }
    out.push(this.ins(mn, `${this.rd()}, ${a}, ${b}`));
    return out;
  }

  private load(): Item {
    const [mn, size] = this.rng.pick(LOADS);
    return this.memAccess(mn, this.rd(), size, []);
  }

  private store(): Item {
    const [mn, size] = this.rng.pick(STORES);
    // The value register must not be the temporary base register.
    const v = this.rng.chance(0.1) ? 0 : this.rdNum();
    return this.memAccess(mn, this.xn(v), size, [v]);
  }

  private amo(): Item {
    const rng = this.rng;
    const w = rng.chance(0.5) ? 'w' : 'd';
    const size = w === 'w' ? 4 : 8;
    const b = this.rdNum();
    const mn = `${rng.pick(AMO_OPS)}.${w}${rng.pick(ORDERING)}`;
    return [
      this.ins('addi', `${this.xn(b)}, s1, ${this.scratchOff(size)}`),
      this.ins(mn, `${this.rd()}, ${this.rs()}, (${this.xn(b)})`),
    ];
  }

  private lrsc(): Item {
    const rng = this.rng;
    const w = rng.chance(0.5) ? 'w' : 'd';
    const size = w === 'w' ? 4 : 8;
    const b = this.rdNum();
    const out: Item = [this.ins('addi', `${this.xn(b)}, s1, ${this.scratchOff(size)}`)];
    const ld = this.rdNum([b]);
    out.push(this.ins(`lr.${w}${rng.pick(ORDERING)}`, `${this.xn(ld)}, (${this.xn(b)})`));
    // A couple of ALU ops on the loaded value between LR and SC (never touching the address).
    const nmid = rng.int(3);
    for (let i = 0; i < nmid; i++) {
      const d = this.rdNum([b]);
      out.push(this.ins(rng.pick(['add', 'xor', 'sub', 'or']), `${this.xn(d)}, ${this.xn(ld)}, ${this.rs()}`));
    }
    // sc rd may clobber the address register only if no second SC follows.
    const again = rng.chance(0.25);
    const scd = again ? this.xn(this.rdNum([b])) : this.rd();
    out.push(this.ins(`sc.${w}${rng.pick(ORDERING)}`, `${scd}, ${this.rs()}, (${this.xn(b)})`));
    if (again) {
      // The first SC invalidated the reservation: this one must fail (rd = 1), no store.
      out.push(this.ins(`sc.${w}${rng.pick(ORDERING)}`, `${this.rd()}, ${this.rs()}, (${this.xn(b)})`));
    }
    return out;
  }

  private fpArith(): Item {
    const rng = this.rng;
    const p = rng.chance(0.5) ? 's' : 'd';
    const r = rng.int(10);
    if (r < 6) {
      const mn = `${rng.pick(FP_BIN_RM)}.${p}`;
      return [this.ins(mn, `${this.fd(p)}, ${this.fs(p)}, ${this.fs(p)}${this.rm()}`)];
    }
    if (r < 8) return [this.ins(`fsqrt.${p}`, `${this.fd(p)}, ${this.fs(p)}${this.rm()}`)];
    return [this.ins(`${rng.pick(FP_MINMAX)}.${p}`, `${this.fd(p)}, ${this.fs(p)}, ${this.fs(p)}`)];
  }

  private fma(): Item {
    const p = this.rng.chance(0.5) ? 's' : 'd';
    const mn = `${this.rng.pick(FP_FMA)}.${p}`;
    return [this.ins(mn, `${this.fd(p)}, ${this.fs(p)}, ${this.fs(p)}, ${this.fs(p)}${this.rm()}`)];
  }

  private fsgnj(): Item {
    const p = this.rng.chance(0.5) ? 's' : 'd';
    return [this.ins(`${this.rng.pick(FP_SGNJ)}.${p}`, `${this.fd(p)}, ${this.fs(p)}, ${this.fs(p)}`)];
  }

  private fcmp(): Item {
    const p = this.rng.chance(0.5) ? 's' : 'd';
    const a = this.fs(p);
    const b = this.rng.chance(0.15) ? a : this.fs(p);
    return [this.ins(`${this.rng.pick(FP_CMP)}.${p}`, `${this.rd()}, ${a}, ${b}`)];
  }

  private fclass(): Item {
    const p = this.rng.chance(0.5) ? 's' : 'd';
    return [this.ins(`fclass.${p}`, `${this.rd()}, ${this.fs(p)}`)];
  }

  private fcvt(): Item {
    const rng = this.rng;
    const p = rng.chance(0.5) ? 's' : 'd';
    const i = rng.pick(['w', 'wu', 'l', 'lu']);
    switch (rng.int(5)) {
      case 0:
      case 1:
        return [this.ins(`fcvt.${i}.${p}`, `${this.rd()}, ${this.fs(p)}${this.rm()}`)];
      case 2:
      case 3: {
        // int -> fp; fcvt.d.w / fcvt.d.wu are exact and take no rounding mode in GNU as.
        const rm = p === 'd' && (i === 'w' || i === 'wu') ? '' : this.rm();
        return [this.ins(`fcvt.${p}.${i}`, `${this.fd(p)}, ${this.rs()}${rm}`)];
      }
      default:
        if (p === 's') return [this.ins('fcvt.s.d', `${this.fd('s')}, ${this.fs('d')}${this.rm()}`)];
        return [this.ins('fcvt.d.s', `${this.fd('d')}, ${this.fs('s')}`)];
    }
  }

  private fmv(): Item {
    const rng = this.rng;
    switch (rng.int(4)) {
      case 0:
        return [this.ins('fmv.x.w', `${this.rd()}, ${this.fn(rng.int(32))}`)];
      case 1:
        return [this.ins('fmv.w.x', `${this.fd('s')}, ${this.rs()}`)];
      case 2:
        return [this.ins('fmv.x.d', `${this.rd()}, ${this.fn(rng.int(32))}`)];
      default:
        return [this.ins('fmv.d.x', `${this.fd('d')}, ${this.rs()}`)];
    }
  }

  private fpMem(): Item {
    const rng = this.rng;
    switch (rng.int(4)) {
      case 0:
        return this.memAccess('flw', this.fd('s'), 4, []);
      case 1:
        return this.memAccess('fld', this.fd('d'), 8, []);
      case 2:
        return this.memAccess('fsw', this.fn(rng.int(32)), 4, []);
      default:
        return this.memAccess('fsd', this.fn(rng.int(32)), 8, []);
    }
  }

  /** frm after writing/setting/clearing `bits` (already shifted to frm position 0). */
  private static nextFrm(op: 'w' | 's' | 'c', frm: number, bits: number): number {
    if (op === 'w') return bits;
    if (op === 's') return frm | bits;
    return frm & ~bits;
  }

  private csr(): Item {
    const rng = this.rng;
    const csr = rng.pick(CSRS);
    const op = rng.pick(['w', 's', 'c'] as const);
    const rd = rng.chance(0.2) ? 'zero' : this.rd();
    const frmShift = csr === 'fcsr' ? 5n : 0n;
    if (rng.chance(0.4)) {
      // Immediate form: uimm is 5 bits, so for fcsr it only reaches fflags (csrrwi zeroes frm).
      let uimm = rng.int(32);
      if (csr === 'frm') {
        while (SequenceGen.nextFrm(op, this.frm, uimm & 7) > 4) uimm = rng.int(32);
        this.frm = SequenceGen.nextFrm(op, this.frm, uimm & 7);
      } else if (csr === 'fcsr' && op === 'w') {
        this.frm = 0;
      }
      return [this.ins(`csrr${op}i`, `${rd}, ${csr}, ${uimm}`)];
    }
    // Register form: the source value is set right before, so the new frm is known statically
    // and always valid (0-4); the other bits are random (must be ignored).
    if (rng.chance(0.15) && op !== 'w') return [this.ins(`csrr${op}`, `${rd}, ${csr}, zero`)];
    let v = rng.chance(0.5) ? rng.u64() : BigInt(rng.int(256));
    if (csr !== 'fflags') {
      const bits = () => Number((v >> frmShift) & 7n);
      while (SequenceGen.nextFrm(op, this.frm, bits()) > 4) {
        v = (v & ~(7n << frmShift)) | (BigInt(rng.int(8)) << frmShift);
      }
      this.frm = SequenceGen.nextFrm(op, this.frm, bits());
    }
    const src = this.rdNum();
    return [this.li(this.xn(src), v), this.ins(`csrr${op}`, `${rd}, ${csr}, ${this.xn(src)}`)];
  }

  private branch(): Item {
    const rng = this.rng;
    const a = this.rs();
    const r = rng.int(10);
    const b = r < 2 ? a : r < 4 ? 'zero' : this.rs();
    const l = this.label();
    return [this.ins(rng.pick(BRANCHES), `${a}, ${b}, ${l}`), ...this.shadow(), `${l}:`];
  }

  private cbranch(): Item {
    const l = this.label();
    const mn = this.rng.chance(0.5) ? 'c.beqz' : 'c.bnez';
    return [this.ins(mn, `${this.xn(this.rng.pick(CREG_X))}, ${l}`), ...this.shadow(), `${l}:`];
  }

  private jal(): Item {
    const l = this.label();
    const r = this.rng.int(3);
    const first = r === 0 ? this.ins('c.j', l) : this.ins('jal', `${r === 1 ? 'zero' : this.rd()}, ${l}`);
    return [first, ...this.shadow(), `${l}:`];
  }

  private jalr(): Item {
    const rng = this.rng;
    const l = this.label();
    const t = this.xn(this.rdNum());
    const out: Item = [`    lla ${t}, ${l}`];
    switch (rng.int(4)) {
      case 0:
        out.push(this.ins('c.jr', t));
        break;
      case 1:
        out.push(this.ins('c.jalr', t));
        break;
      default: {
        // rd may equal rs1 (target uses the old value); an odd offset tests the cleared LSB.
        const rd = rng.chance(0.25) ? t : this.rd();
        out.push(this.ins('jalr', `${rd}, ${rng.chance(0.3) ? 1 : 0}(${t})`));
      }
    }
    return [...out, ...this.shadow(), `${l}:`];
  }

  private compressed(): Item {
    const rng = this.rng;
    const c = () => this.xn(rng.pick(CREG_X));
    const full = () => this.xn(this.rdNum());
    const nz6 = () => {
      const v = rng.range(-32, 30);
      return v >= 0 ? v + 1 : v;
    };
    switch (rng.int(15)) {
      case 0:
        return [this.ins('c.addi', `${full()}, ${nz6()}`)];
      case 1:
        return [this.ins('c.addiw', `${full()}, ${rng.range(-32, 31)}`)];
      case 2:
        return [this.ins('c.li', `${full()}, ${rng.range(-32, 31)}`)];
      case 3: {
        const imm = rng.chance(0.5) ? rng.range(1, 31) : rng.range(0xfffe0, 0xfffff);
        return [this.ins('c.lui', `${full()}, ${imm}`)];
      }
      case 4:
        return [this.ins('c.slli', `${full()}, ${rng.range(1, 63)}`)];
      case 5:
        return [this.ins(rng.chance(0.5) ? 'c.srli' : 'c.srai', `${c()}, ${rng.range(1, 63)}`)];
      case 6:
        return [this.ins('c.andi', `${c()}, ${rng.range(-32, 31)}`)];
      case 7:
        return [this.ins('c.mv', `${full()}, ${full()}`)];
      case 8:
        return [this.ins('c.add', `${full()}, ${full()}`)];
      case 9:
        return [this.ins(rng.pick(C_ALU_RR), `${c()}, ${c()}`)];
      case 10:
        return rng.chance(0.5)
          ? [this.ins('c.ld', `${c()}, ${this.scratchOff(8)}(s1)`)]
          : [this.ins('c.lw', `${c()}, ${this.scratchOff(4) & 0x7c}(s1)`)];
      case 11:
        return rng.chance(0.5)
          ? [this.ins('c.sd', `${c()}, ${this.scratchOff(8)}(s1)`)]
          : [this.ins('c.sw', `${c()}, ${this.scratchOff(4) & 0x7c}(s1)`)];
      case 12: {
        const f = rng.pick(CREG_F);
        if (rng.chance(0.5)) {
          this.fkind[f] = 'd';
          return [this.ins('c.fld', `${this.fn(f)}, ${this.scratchOff(8)}(s1)`)];
        }
        return [this.ins('c.fsd', `${this.fn(f)}, ${this.scratchOff(8)}(s1)`)];
      }
      case 13:
        return [this.ins('c.nop', '')];
      default:
        return [this.ins(rng.chance(0.5) ? 'c.srai' : 'c.andi', `${c()}, ${rng.range(1, 31)}`)];
    }
  }

  /**
   * Error-free transformations: the rounding error of a product via a fused multiply-add
   * (exact only if the FMA rounds once), or of a sum via the TwoSum sequence.
   */
  private fpError(): Item {
    const rng = this.rng;
    const p = rng.chance(0.5) ? 's' : 'd';
    const a = this.fs(p);
    const b = this.fs(p);
    if (rng.chance(0.6)) {
      const prod = this.fd(p);
      const fmaOp = rng.pick(['fmsub', 'fnmadd', 'fmadd', 'fnmsub']);
      const out = [this.ins(`fmul.${p}`, `${prod}, ${a}, ${b}${this.rm()}`)];
      out.push(this.ins(`${fmaOp}.${p}`, `${this.fd(p)}, ${a}, ${b}, ${prod}${this.rm()}`));
      return out;
    }
    // TwoSum: s = a + b; bb = s - a; err = (a - (s - bb)) + (b - bb)
    const regs = new Set([a, b]);
    const tmp = () => {
      for (;;) {
        const r = this.fn(this.rng.int(32));
        if (!regs.has(r)) {
          regs.add(r);
          return r;
        }
      }
    };
    const [sum, bb, t1, t2] = [tmp(), tmp(), tmp(), tmp()];
    for (const r of [sum, bb, t1, t2]) this.fkind[FNAMES.indexOf(r as (typeof FNAMES)[number])] = p;
    const rm = this.rm();
    return [
      this.ins(`fadd.${p}`, `${sum}, ${a}, ${b}${rm}`),
      this.ins(`fsub.${p}`, `${bb}, ${sum}, ${a}${rm}`),
      this.ins(`fsub.${p}`, `${t1}, ${sum}, ${bb}${rm}`),
      this.ins(`fsub.${p}`, `${t1}, ${a}, ${t1}${rm}`),
      this.ins(`fsub.${p}`, `${t2}, ${b}, ${bb}${rm}`),
      this.ins(`fadd.${p}`, `${t2}, ${t1}, ${t2}${rm}`),
    ];
  }

  /** Read (and usually clear) the accrued flags mid-sequence, so each op's flags are visible. */
  private flagsRead(): Item {
    const rng = this.rng;
    const rd = this.xn(this.rdNum());
    const r = rng.int(4);
    if (r === 0) return [this.ins('csrrs', `${rd}, fflags, zero`)];
    if (r === 1) return [this.ins('csrrci', `${rd}, fflags, 31`)];
    return [this.ins('csrrw', `${rd}, fflags, zero`)];
  }

  /**
   * Stack-pointer-relative compressed instructions. sp is saved to a slot outside the dumped
   * record (s1+SCRATCH_SIZE), pointed into the scratch area (so every value derived from it is
   * deterministic), used by c.ldsp/c.lwsp/c.fldsp/c.sdsp/c.swsp/c.fsdsp/c.addi16sp/c.addi4spn,
   * and restored. The block is never inside a branch shadow.
   */
  private spBlock(): Item {
    const rng = this.rng;
    const out: Item = [`    sd sp, ${SCRATCH_SIZE}(s1)`];
    let spOff = rng.pick([0, 16, 32, 64, 128]);
    out.push(`    addi sp, s1, ${spOff}`);
    const n = rng.range(2, 5);
    for (let i = 0; i < n; i++) {
      const c = this.xn(rng.pick(CREG_X));
      switch (rng.int(8)) {
        case 0: {
          // c.addi16sp: keep sp inside [s1, s1 + 128]
          let d = 0;
          while (d === 0) d = (rng.int(9) - spOff / 16) * 16;
          spOff += d;
          out.push(this.ins('c.addi16sp', `sp, ${d}`));
          break;
        }
        case 1:
          out.push(this.ins('c.addi4spn', `${c}, sp, ${rng.range(1, 255) * 4}`));
          break;
        case 2:
          out.push(this.ins('c.ldsp', `${this.xn(this.rdNum())}, ${rng.int((SCRATCH_SIZE - spOff) / 8) * 8}(sp)`));
          break;
        case 3:
          out.push(this.ins('c.lwsp', `${this.xn(this.rdNum())}, ${rng.int((SCRATCH_SIZE - spOff) / 4) * 4}(sp)`));
          break;
        case 4:
          out.push(this.ins('c.sdsp', `${this.xn(this.rdNum())}, ${rng.int((SCRATCH_SIZE - spOff) / 8) * 8}(sp)`));
          break;
        case 5:
          out.push(this.ins('c.swsp', `${this.xn(this.rdNum())}, ${rng.int((SCRATCH_SIZE - spOff) / 4) * 4}(sp)`));
          break;
        case 6: {
          const f = rng.int(32);
          this.fkind[f] = 'd';
          out.push(this.ins('c.fldsp', `${this.fn(f)}, ${rng.int((SCRATCH_SIZE - spOff) / 8) * 8}(sp)`));
          break;
        }
        default:
          out.push(this.ins('c.fsdsp', `${this.fn(rng.int(32))}, ${rng.int((SCRATCH_SIZE - spOff) / 8) * 8}(sp)`));
      }
    }
    out.push(`    ld sp, ${SCRATCH_SIZE}(s1)`);
    return out;
  }

  private fence(): Item {
    const rng = this.rng;
    const r = rng.int(3);
    if (r === 0) return [this.ins('fence', '')];
    if (r === 1) return [this.ins('fence', rng.pick(['rw, rw', 'r, r', 'w, w', 'iorw, iorw', 'r, rw']))];
    return [this.ins('fence.i', '')];
  }
}

// ---------------------------------------------------------------------------------------------
// Program assembly text.

/** Generate program number `prog` (0-based) of `seed` with `nseqs` sequences. */
export function generateProgram(seed: number, prog: number, nseqs: number): GeneratedProgram {
  const rng = new Rng(seed, prog, 0x52564d);
  const mnemonics = new Map<string, number>();
  const seqs: SequenceSource[] = [];
  for (let i = 0; i < nseqs; i++) seqs.push(new SequenceGen(rng, i, mnemonics).generate());
  return { asm: renderProgram(seed, prog, seqs), seqs, mnemonics };
}

const X_OFF = (r: number) => RECORD_LAYOUT.x + 8 * r - REC_TO_SCRATCH;
const F_OFF = (r: number) => RECORD_LAYOUT.f + 8 * r - REC_TO_SCRATCH;

/** Assembly text of a program made of the given sequences (renumbered by position). */
export function renderProgram(seed: number, prog: number, seqs: readonly Pick<SequenceSource, 'index' | 'table' | 'body'>[]): string {
  const o: string[] = [];
  o.push(`# univm random differential test: seed ${seed}, program ${prog}, ${seqs.length} sequences`);
  o.push('# Generated by test/random/generator.ts - do not edit.');
  o.push('    .option norelax');
  o.push('    .text');
  o.push('    .globl _start');
  o.push('_start:');
  o.push('    lla s1, __scratch');
  o.push(`    li t0, ${REC_MAGIC}`);
  o.push(`    sw t0, ${RECORD_LAYOUT.magic - REC_TO_SCRATCH}(s1)`);
  for (const s of seqs) {
    o.push(`# seq ${s.index} init`);
    o.push(`    lla t0, __tbl${s.index}`);
    o.push('    jal ra, __init');
    o.push('    ld ra, 0(t0)');
    o.push('    ld t0, 8(t0)');
    o.push(`# seq ${s.index} body`);
    o.push(...s.body);
    o.push(`# seq ${s.index} end`);
    o.push(`    sd ra, ${X_OFF(1)}(s1)`);
    o.push('    jal ra, __dump');
  }
  o.push('# exit(0)');
  o.push('    li a0, 0');
  o.push('    li a7, 93');
  o.push('    ecall');
  o.push('');

  // __init: t0 = table. Loads everything but ra and t0 (the caller loads those afterwards).
  o.push('__init:');
  for (let f = 0; f < 32; f++) o.push(`    fld ${FNAMES[f]}, ${(TABLE_F0 + f) * 8}(t0)`);
  o.push(`    ld t1, ${TABLE_FCSR * 8}(t0)`);
  o.push('    csrw fcsr, t1');
  for (let i = 0; i < SCRATCH_SIZE / 8; i++) {
    o.push(`    ld t1, ${(SCRATCH_SRC + i) * 8}(t0)`);
    o.push(`    sd t1, ${i * 8}(s1)`);
  }
  USABLE_X.forEach((r, slot) => {
    if (r !== 1 && r !== 5) o.push(`    ld ${XNAMES[r]}, ${slot * 8}(t0)`);
  });
  o.push('    ret');
  o.push('');

  // __dump: the caller stored ra. Stores x5..x31, f0..f31, fcsr, then write(1, record, REC_SIZE).
  o.push('__dump:');
  for (let r = 5; r < 32; r++) o.push(`    sd ${XNAMES[r]}, ${X_OFF(r)}(s1)`);
  for (let f = 0; f < 32; f++) o.push(`    fsd ${FNAMES[f]}, ${F_OFF(f)}(s1)`);
  o.push('    csrr t0, fcsr');
  o.push(`    sd t0, ${RECORD_LAYOUT.fcsr - REC_TO_SCRATCH}(s1)`);
  o.push('    li a0, 1');
  o.push(`    addi a1, s1, ${-REC_TO_SCRATCH}`);
  o.push(`    li a2, ${REC_SIZE}`);
  o.push('    li a7, 64');
  o.push('    ecall');
  o.push(`    lw t0, ${RECORD_LAYOUT.index - REC_TO_SCRATCH}(s1)`);
  o.push('    addi t0, t0, 1');
  o.push(`    sw t0, ${RECORD_LAYOUT.index - REC_TO_SCRATCH}(s1)`);
  o.push('    ret');
  o.push('');

  o.push('    .section .rodata');
  o.push('    .balign 8');
  for (const s of seqs) {
    o.push(`__tbl${s.index}:`);
    for (let i = 0; i < s.table.length; i += 4) {
      o.push('    .dword ' + s.table.slice(i, i + 4).map(hex64).join(', '));
    }
  }
  o.push('');
  o.push('    .bss');
  o.push('    .balign 8');
  o.push('__record:');
  o.push(`    .zero ${REC_TO_SCRATCH}`);
  o.push('__scratch:');
  o.push(`    .zero ${SCRATCH_SIZE}`);
  o.push('__saved_sp:');
  o.push('    .zero 8');
  o.push('');
  return o.join('\n');
}

/** Split a program's assembly text into per-sequence body text (index -> lines). */
export function extractSequenceBodies(asm: string): Map<number, string[]> {
  const res = new Map<number, string[]>();
  let cur: number | undefined;
  let lines: string[] = [];
  for (const line of asm.split('\n')) {
    const m = /^# seq (\d+) (init|body|end)$/.exec(line);
    if (m) {
      if (m[2] === 'body') {
        cur = Number(m[1]);
        lines = [];
      } else if (m[2] === 'end' && cur !== undefined) {
        res.set(cur, lines);
        cur = undefined;
      }
      continue;
    }
    if (cur !== undefined) lines.push(line);
  }
  return res;
}

/** Parse the per-sequence data tables back out of a program's assembly text. */
export function extractTables(asm: string): Map<number, bigint[]> {
  const res = new Map<number, bigint[]>();
  let cur: bigint[] | undefined;
  for (const line of asm.split('\n')) {
    const m = /^__tbl(\d+):$/.exec(line);
    if (m) {
      cur = [];
      res.set(Number(m[1]), cur);
      continue;
    }
    const d = /^\s+\.dword (.*)$/.exec(line);
    if (d && cur) for (const v of d[1].split(',')) cur.push(BigInt(v.trim()));
    else if (!d) cur = undefined;
  }
  return res;
}
