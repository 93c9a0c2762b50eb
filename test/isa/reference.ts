/**
 * Shared pieces of the objdump cross-checks (rvc, decode32, disasm tests) and of the golden
 * generator (golden-tool.ts, driven by golden/regenerate.sh):
 *
 *  - the word lists the references are made of (deterministic, so regenerate.sh reproduces them);
 *  - reading the committed golden files (gzip, one instruction a line);
 *  - a canonical text form that both our decoder's result and objdump's text are turned into,
 *    so that only formatting conventions are normalised: registers as xN / fN, every number in
 *    decimal (branch targets as the absolute address mod 2^64, CSRs as their number), rounding
 *    modes by name;
 *  - the RVC mapping table: objdump's compressed mnemonic -> the base instruction it expands to.
 *
 * Golden line formats (tab-separated; written by regenerate.sh from `objdump -M no-aliases[,numeric]`):
 *   rvc.objdump.gz       PARCEL   MNEMONIC [OPERANDS]   parcel k (low bits != 11, increasing) at pc 2k
 *   decode32.objdump.gz  WORD     MNEMONIC [OPERANDS]   word i at pc 4i
 *   hello-text.objdump.gz ADDR    MNEMONIC [OPERANDS]   the .text of guests/bin/hello, ABI register names
 * objdump's "# ..." comments are dropped, and so are the operands of .2byte/.4byte (the bytes again).
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { decodeWord } from '../../src/isa/riscv/decoder.js';
import { field } from '../../src/isa/riscv/encoding.js';
import { INSNS, type InsnDef } from '../../src/isa/riscv/instructions.js';
import { LIVE, REPO, which } from '../support/repo.js';

export const GOLDEN = path.join(REPO, 'test', 'isa', 'golden');
export const REGENERATE = path.join(GOLDEN, 'regenerate.sh');
export const OBJDUMP = process.env.OBJDUMP ?? 'riscv64-linux-gnu-objdump';
export const HELLO = path.join(REPO, 'guests', 'bin', 'hello');

/** Live mode: UNIVM_LIVE=1 and binutils present -> regenerate the reference and compare with the golden. */
export const LIVE_OK = LIVE && (OBJDUMP.includes('/') ? existsSync(OBJDUMP) : which(OBJDUMP));
export const liveSkip: string | false = LIVE_OK ? false : LIVE ? `${OBJDUMP} not found` : 'set UNIVM_LIVE=1 to run';

// ------------------------------------------------------------------ golden files

export interface GoldenLine { key: string; mnem: string; ops: string }

export function parseGolden(text: string): GoldenLine[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((l) => {
    const [key, mnem, ops = ''] = l.split('\t');
    return { key, mnem, ops };
  });
}

export function readGoldenText(file: string, dir = GOLDEN): string {
  return gunzipSync(readFileSync(path.join(dir, file))).toString('utf8');
}

export function readGolden(file: string, dir = GOLDEN): GoldenLine[] {
  return parseGolden(readGoldenText(file, dir));
}

export const isObjdumpIllegal = (mnem: string) => mnem === '.2byte' || mnem === '.4byte' || mnem === 'c.unimp';

/**
 * Runs regenerate.sh into a fresh directory (no rebuild: the tests already run from dist/) and
 * returns that directory; the caller compares its files with the committed ones.
 */
export function regenerateInto(dir: string, only: string): void {
  const r = spawnSync('sh', [REGENERATE, '--no-build', '--out', dir, '--only', only], { cwd: REPO, encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0) throw new Error(`regenerate.sh failed (${r.status}): ${r.stderr}`);
}

/**
 * Regenerates one golden file with today's objdump and compares it with the committed one:
 * undefined when equal, else the first difference.
 */
export function goldenDiffFromObjdump(file: string, only: string): string | undefined {
  const dir = mkdtempSync(`${tmpdir()}/univm-isa-${only}-`);
  try {
    regenerateInto(dir, only);
    return firstDiff(readGoldenText(file), readGoldenText(file, dir));
  } finally { rmSync(dir, { recursive: true, force: true }); }
}

/** First differing line of two golden texts, for a readable failure. */
export function firstDiff(a: string, b: string): string | undefined {
  if (a === b) return undefined;
  const la = a.split('\n'), lb = b.split('\n');
  for (let i = 0; i < Math.max(la.length, lb.length); i++) {
    if (la[i] !== lb[i]) return `line ${i + 1}: committed ${JSON.stringify(la[i])}, live ${JSON.stringify(lb[i])} (${la.length} vs ${lb.length} lines)`;
  }
  return 'differ';
}

// ------------------------------------------------------------------ word lists

/** mulberry32: small, deterministic, good enough to spread bits. */
export function prng(seed: number): () => number {
  let a = seed | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** FNV-1a of a string: the per-instruction seed, so one instruction's words don't depend on the others. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** All 16-bit parcels that are not the start of a longer instruction, in increasing order. */
export function rvcParcels(): number[] {
  const out: number[] = [];
  for (let h = 0; h < 65536; h++) if ((h & 3) !== 3) out.push(h);
  return out;
}

/** Words per instruction of our table, and random words with low bits 11. */
export const PER_INSN = 256;
export const RANDOM_WORDS = 64 * 1024;
export const RANDOM_SEED = 0x15a32;

/** Low 7 bits of a 48-bit or longer encoding: not a 32-bit instruction, objdump would read on. */
export const isLongEncoding = (w: number) => (w & 0x1f) === 0x1f;

const popcount = (v: number) => { let n = 0; for (v >>>= 0; v; v >>>= 1) n += v & 1; return n; };
/** How many distinct words match a definition. */
export const spaceOf = (d: InsnDef) => 2 ** (32 - popcount(d.mask));

export interface WordSection { name: string; words: number[] }

/**
 * The 32-bit words objdump is asked about, in sections:
 *  csr      csrrs x0,N,x0 for every N: objdump's CSR name table (names -> numbers)
 *  fence    every pred/succ of fence (fm 0) and of fm=1000 (fence.tso's fm)
 *  system   SYSTEM funct3=0 with rd=rs1=0 and every imm12 (ecall, ebreak, mret, wfi, ...), and random ones
 *  insn     PER_INSN distinct random words matching each definition of our table
 *  near     for each definition and each fixed bit of its mask (above the low two), 2 random
 *           words matching it but for that bit: where a mask is too strict or too loose
 *  random   RANDOM_WORDS random words with low bits 11 (no 48/64-bit encodings)
 */
export function words32(defs: readonly InsnDef[] = INSNS): WordSection[] {
  const csr = Array.from({ length: 4096 }, (_, n) => ((n << 20) | 0x2073) >>> 0);
  const fence: number[] = [];
  for (const fm of [0, 8]) for (let ps = 0; ps < 256; ps++) fence.push(((fm << 28) | (ps << 20) | 0x0f) >>> 0);
  const system = Array.from({ length: 4096 }, (_, n) => ((n << 20) | 0x73) >>> 0);
  const rs = prng(RANDOM_SEED ^ 0x5757);
  for (let k = 0; k < 1024; k++) system.push(((rs() & ~0x707f) | 0x73) >>> 0);
  const insn: number[] = [];
  for (const d of defs) {
    const r = prng(hash(`${d.name}/${d.mask}/${d.match}`));
    const want = Math.min(PER_INSN, spaceOf(d));
    const seen = new Set<number>();
    while (seen.size < want) {
      const w = ((r() & ~d.mask) | d.match) >>> 0;
      if (!seen.has(w)) { seen.add(w); insn.push(w); }
    }
  }
  const near: number[] = [];
  for (const d of defs) {
    const r = prng(hash(`near/${d.name}/${d.mask}/${d.match}`));
    for (let b = 2; b < 32; b++) {
      if (!((d.mask >>> b) & 1)) continue;
      for (let k = 0; k < 2; k++) near.push((((r() & ~d.mask) | d.match) ^ (1 << b)) >>> 0);
    }
  }
  const random: number[] = [];
  const r = prng(RANDOM_SEED);
  while (random.length < RANDOM_WORDS) {
    const w = (r() | 3) >>> 0;
    if (!isLongEncoding(w)) random.push(w);
  }
  return [{ name: 'csr', words: csr }, { name: 'fence', words: fence }, { name: 'system', words: system },
    { name: 'insn', words: insn }, { name: 'near', words: near.filter((w) => !isLongEncoding(w)) }, { name: 'random', words: random }];
}

// ------------------------------------------------------------------ canonical form

/** The standard ABI names (psABI), written here independently of src/. */
export const ABI_X = ['zero', 'ra', 'sp', 'gp', 'tp', 't0', 't1', 't2', 's0', 's1', 'a0', 'a1', 'a2', 'a3', 'a4', 'a5',
  'a6', 'a7', 's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9', 's10', 's11', 't3', 't4', 't5', 't6'];
export const ABI_F = ['ft0', 'ft1', 'ft2', 'ft3', 'ft4', 'ft5', 'ft6', 'ft7', 'fs0', 'fs1', 'fa0', 'fa1', 'fa2', 'fa3',
  'fa4', 'fa5', 'fa6', 'fa7', 'fs2', 'fs3', 'fs4', 'fs5', 'fs6', 'fs7', 'fs8', 'fs9', 'fs10', 'fs11', 'ft8', 'ft9', 'ft10', 'ft11'];
const REG = new Map<string, string>([
  ...ABI_X.map((n, i) => [n, `x${i}`] as [string, string]), ...ABI_F.map((n, i) => [n, `f${i}`] as [string, string]),
  ['fp', 'x8'],
  ...Array.from({ length: 32 }, (_, i) => [`x${i}`, `x${i}`] as [string, string]),
  ...Array.from({ length: 32 }, (_, i) => [`f${i}`, `f${i}`] as [string, string]),
]);

/** objdump's rounding-mode operand (rm = 7, dyn, is not printed); 5 and 6 are invalid ("unknown"). */
const RM_TEXT = ['rne', 'rtz', 'rdn', 'rup', 'rmm', 'unknown', 'unknown', ''];
const RM_CANON = new Map([['rne', 'rne'], ['rtz', 'rtz'], ['rdn', 'rdn'], ['rup', 'rup'], ['rmm', 'rmm'],
  ['unknown', 'unknown'], ['rm5', 'unknown'], ['rm6', 'unknown']]);
/**
 * Exact conversions: binutils 2.40 only knows them with rm = 000 and prints no rounding mode
 * (see objdumpNarrower): their rm operand is not compared.
 */
export const RM_NOT_PRINTED = new Set(['fcvt.d.w', 'fcvt.d.wu', 'fcvt.d.s']);

const u64 = (v: bigint) => BigInt.asUintN(64, v).toString();
const num = (s: string): bigint => (s.startsWith('-') ? -BigInt(s.slice(1)) : BigInt(s));
const NUM = /^-?(0x[0-9a-f]+|[0-9]+)$/i;

export type CsrNames = ReadonlyMap<string, number>;

/**
 * One operand to canonical text: registers to xN/fN, numbers to decimal (targets mod 2^64),
 * CSR names to their number, "imm(reg)" likewise. `target` marks a branch/jump target.
 */
export function canonOperand(tok: string, csrs: CsrNames, target = false): string {
  const t = tok.trim();
  const reg = REG.get(t);
  if (reg) return reg;
  if (NUM.test(t)) return target ? u64(num(t)) : num(t).toString();
  const mem = /^(.*)\(([a-z0-9]+)\)$/.exec(t);
  if (mem) return `${mem[1] === '' ? '' : num(mem[1]).toString()}(${REG.get(mem[2]) ?? mem[2]})`;
  const rm = RM_CANON.get(t);
  if (rm) return rm;
  const csr = csrs.get(t);
  if (csr !== undefined) return String(csr);
  if (/^[iorw]+$/.test(t)) return t; // a fence's predecessor/successor set
  return `?${t}`;
}

export interface Canon { name: string; ops: string[] }
export const canonText = (c: Canon | undefined) => (c ? `${c.name}${c.ops.length ? ' ' + c.ops.join(',') : ''}` : 'illegal');

const IMM = { I: field.immI, S: field.immS, B: field.immB, U: field.immU, J: field.immJ, none: () => 0 } as const;

/**
 * Our decoder's view of a 32-bit word, in canonical form: the definition's name and its operands
 * as the table's `args` syntax lists them (so a wrong operand kind in the table shows up).
 * Ordering bits of A instructions become objdump's .aq/.rl/.aqrl suffix (the table has one
 * definition for all four orderings and leaves them to the word).
 */
export function canonOurs(word: number, pc: number): Canon | undefined {
  const d = decodeWord(word | 0);
  if (!d) return undefined;
  return canonOfDef(d, word | 0, pc);
}

export function canonOfDef(d: InsnDef, i: number, pc: number): Canon {
  const name = d.ext === 'A' ? d.name + ['', '.rl', '.aq', '.aqrl'][(i >>> 25) & 3] : d.name;
  const imm = IMM[d.imm](i);
  const ops: string[] = [];
  for (const a of d.args.split(',').filter(Boolean)) {
    const m = /^(imm|)\((rs1)\)$/.exec(a);
    if (m) { ops.push(`${m[1] ? imm : ''}(x${field.rs1(i)})`); continue; }
    switch (a) {
      case 'rd': case 'rs1': case 'rs2': case 'rs3': ops.push(`x${field[a](i)}`); break;
      case 'frd': case 'frs1': case 'frs2': case 'frs3': ops.push(`f${field[a.slice(1) as 'rd'](i)}`); break;
      case 'imm': ops.push(String(imm)); break;
      case 'uimm': ops.push(String((imm >>> 12) & 0xfffff)); break;
      case 'shamt': ops.push(String(field.shamt(i))); break;
      case 'target': ops.push(u64(BigInt(pc) + BigInt(imm))); break;
      case 'csr': ops.push(String(field.csr(i))); break;
      case 'zimm': ops.push(String(field.rs1(i))); break;
      case 'rm': {
        const rm = RM_TEXT[field.rm(i)];
        if (rm && !RM_NOT_PRINTED.has(d.name)) ops.push(rm);
        break;
      }
      default: ops.push(`?${a}`);
    }
  }
  return { name, ops };
}

const TARGET_MNEM = /^(beq|bne|blt|bge|bltu|bgeu|jal|c\.j|c\.jal|c\.beqz|c\.bnez)$/;
/** Splits an operand list at commas (none of objdump's operands contains one). */
export const splitOps = (ops: string) => (ops.trim() === '' ? [] : ops.split(','));

/**
 * objdump's text of a base (32-bit) instruction in canonical form. fence.tso is a fence, and
 * fence's pred/succ operands are not part of our table's syntax (compared separately).
 */
export function canonObjdump(mnem: string, ops: string, csrs: CsrNames): Canon | undefined {
  if (isObjdumpIllegal(mnem)) return undefined;
  if (mnem === 'fence' || mnem === 'fence.tso') return { name: 'fence', ops: [] };
  const target = TARGET_MNEM.test(mnem);
  const list = splitOps(ops);
  return { name: mnem, ops: list.map((o, k) => canonOperand(o, csrs, target && k === list.length - 1)) };
}

// ------------------------------------------------------------------ RVC mapping

/**
 * objdump's compressed mnemonics and the base instruction each expands to (RVC chapter of the
 * unprivileged ISA, RV64C), written on canonical operands. c.slli64/c.srli64/c.srai64 are
 * objdump's names for shift amount 0 (RV128 "shift by 64"; on RV64 a HINT = shift by 0).
 */
export const RVC_MAP: Record<string, (o: string[]) => Canon> = {
  'c.addi4spn': ([rd, sp, imm]) => ({ name: 'addi', ops: [rd, sp, imm] }),
  'c.fld': ([fd, m]) => ({ name: 'fld', ops: [fd, m] }),
  'c.lw': ([rd, m]) => ({ name: 'lw', ops: [rd, m] }),
  'c.ld': ([rd, m]) => ({ name: 'ld', ops: [rd, m] }),
  'c.fsd': ([fs, m]) => ({ name: 'fsd', ops: [fs, m] }),
  'c.sw': ([rs, m]) => ({ name: 'sw', ops: [rs, m] }),
  'c.sd': ([rs, m]) => ({ name: 'sd', ops: [rs, m] }),
  'c.nop': () => ({ name: 'addi', ops: ['x0', 'x0', '0'] }),
  'c.addi': ([rd, imm]) => ({ name: 'addi', ops: [rd, rd, imm] }),
  'c.addiw': ([rd, imm]) => ({ name: 'addiw', ops: [rd, rd, imm] }),
  'c.li': ([rd, imm]) => ({ name: 'addi', ops: [rd, 'x0', imm] }),
  'c.addi16sp': ([sp, imm]) => ({ name: 'addi', ops: [sp, sp, imm] }),
  'c.lui': ([rd, imm]) => ({ name: 'lui', ops: [rd, imm] }),
  'c.srli': ([rd, sh]) => ({ name: 'srli', ops: [rd, rd, sh] }),
  'c.srli64': ([rd]) => ({ name: 'srli', ops: [rd, rd, '0'] }),
  'c.srai': ([rd, sh]) => ({ name: 'srai', ops: [rd, rd, sh] }),
  'c.srai64': ([rd]) => ({ name: 'srai', ops: [rd, rd, '0'] }),
  'c.andi': ([rd, imm]) => ({ name: 'andi', ops: [rd, rd, imm] }),
  'c.sub': ([rd, rs]) => ({ name: 'sub', ops: [rd, rd, rs] }),
  'c.xor': ([rd, rs]) => ({ name: 'xor', ops: [rd, rd, rs] }),
  'c.or': ([rd, rs]) => ({ name: 'or', ops: [rd, rd, rs] }),
  'c.and': ([rd, rs]) => ({ name: 'and', ops: [rd, rd, rs] }),
  'c.subw': ([rd, rs]) => ({ name: 'subw', ops: [rd, rd, rs] }),
  'c.addw': ([rd, rs]) => ({ name: 'addw', ops: [rd, rd, rs] }),
  'c.j': ([t]) => ({ name: 'jal', ops: ['x0', t] }),
  'c.beqz': ([rs, t]) => ({ name: 'beq', ops: [rs, 'x0', t] }),
  'c.bnez': ([rs, t]) => ({ name: 'bne', ops: [rs, 'x0', t] }),
  'c.slli': ([rd, sh]) => ({ name: 'slli', ops: [rd, rd, sh] }),
  'c.slli64': ([rd]) => ({ name: 'slli', ops: [rd, rd, '0'] }),
  'c.fldsp': ([fd, m]) => ({ name: 'fld', ops: [fd, m] }),
  'c.lwsp': ([rd, m]) => ({ name: 'lw', ops: [rd, m] }),
  'c.ldsp': ([rd, m]) => ({ name: 'ld', ops: [rd, m] }),
  'c.jr': ([rs]) => ({ name: 'jalr', ops: ['x0', `0(${rs})`] }),
  'c.mv': ([rd, rs]) => ({ name: 'add', ops: [rd, 'x0', rs] }),
  'c.ebreak': () => ({ name: 'ebreak', ops: [] }),
  'c.jalr': ([rs]) => ({ name: 'jalr', ops: ['x1', `0(${rs})`] }),
  'c.add': ([rd, rs]) => ({ name: 'add', ops: [rd, rd, rs] }),
  'c.fsdsp': ([fs, m]) => ({ name: 'fsd', ops: [fs, m] }),
  'c.swsp': ([rs, m]) => ({ name: 'sw', ops: [rs, m] }),
  'c.sdsp': ([rs, m]) => ({ name: 'sd', ops: [rs, m] }),
};

/** objdump's text of a compressed instruction as the canonical base instruction it expands to. */
export function canonObjdumpRvc(mnem: string, ops: string, csrs: CsrNames = new Map()): Canon | undefined {
  if (isObjdumpIllegal(mnem)) return undefined;
  const map = RVC_MAP[mnem];
  if (!map) return { name: `?unmapped:${mnem}`, ops: [ops] };
  const target = TARGET_MNEM.test(mnem);
  const list = splitOps(ops);
  return map(list.map((o, k) => canonOperand(o, csrs, target && k === list.length - 1)));
}

/**
 * RVC encodings the spec reserves on RV64C (RVC chapter, "RVC opcode map" and the instruction
 * descriptions), written independently of compressed.ts. Everything else is an instruction or
 * a HINT (HINTs execute as the base instruction, which then has no effect).
 */
export function rvcReserved(h: number): string | undefined {
  const q = h & 3, f3 = h >>> 13, rd = (h >>> 7) & 31, rs2 = (h >>> 2) & 31, b12 = (h >>> 12) & 1;
  const ci = (b12 << 5) | rs2; // CI immediate bits
  if (q === 0) {
    if (f3 === 0 && ((h >>> 5) & 0xff) === 0) return h === 0 ? 'defined illegal (all zeros)' : 'c.addi4spn nzuimm=0';
    if (f3 === 4) return 'quadrant 0 funct3=100';
  } else if (q === 1) {
    if (f3 === 1 && rd === 0) return 'c.addiw rd=x0';
    if (f3 === 3 && ci === 0) return rd === 2 ? 'c.addi16sp nzimm=0' : 'c.lui imm=0';
    if (f3 === 4 && ((h >>> 10) & 3) === 3 && b12 === 1 && ((h >>> 5) & 3) >= 2) return 'CA funct6=100111 funct2=1x';
  } else if (q === 2) {
    if ((f3 === 2 || f3 === 3) && rd === 0) return f3 === 2 ? 'c.lwsp rd=x0' : 'c.ldsp rd=x0';
    if (f3 === 4 && b12 === 0 && rs2 === 0 && rd === 0) return 'c.jr rs1=x0';
  }
  return undefined;
}

/**
 * Encodings binutils 2.40 disassembles although the spec reserves them (checked under
 * qemu-riscv64 7.2, which raises SIGILL on each): the reference treats them as illegal.
 */
export function objdumpAcceptsReserved(h: number): string | undefined {
  if (h === 0x6101) return 'c.addi16sp x2,0: nzimm=0 is reserved (objdump prints it, qemu: SIGILL)';
  return undefined;
}

// ------------------------------------------------------------------ 32-bit: where objdump is narrower

/**
 * Words our table decodes that binutils 2.40 does not, where the spec (and QEMU 7.2, which
 * executes each of them) is on our side. Returns why, or undefined.
 */
export function objdumpNarrower(w: number): string | undefined {
  const opc = w & 0x7f, f3 = (w >>> 12) & 7, rd = (w >>> 7) & 31, rs1 = (w >>> 15) & 31, fm = w >>> 28;
  if (opc === 0x0f && f3 === 0 && (rd !== 0 || rs1 !== 0 || (fm !== 0 && fm !== 8) || (fm === 8 && ((w >>> 20) & 0xff) !== 0x33))) {
    // Unprivileged ISA, FENCE: "the unused fields in the FENCE instructions (fm, rs1, rd) are reserved
    // for finer-grain fences in future extensions. For forward compatibility, base implementations
    // shall ignore these fields" (fm=1000 with other than rw,rw likewise: "treated as a normal FENCE").
    return 'fence with nonzero rd/rs1 or an fm other than 0000/TSO: a plain fence for base implementations';
  }
  if (opc === 0x0f && f3 === 1 && (w >>> 7) !== 0x20) {
    // Zifencei: "the unused fields in the FENCE.I instruction, imm[11:0], rs1, and rd, are reserved for
    // finer-grain fences in future extensions. For forward compatibility, base implementations shall ignore".
    return 'fence.i with nonzero imm/rs1/rd: ignored by base implementations';
  }
  if (opc === 0x53 && f3 !== 0) {
    const top = w >>> 20; // funct7 and rs2
    if (top === 0xd20 || top === 0xd21 || top === 0x420) {
      // fcvt.d.w, fcvt.d.wu, fcvt.d.s are exact but have an rm field like every conversion; binutils
      // 2.40 only matches rm=000 (later binutils accept any rm). QEMU executes them with any valid
      // rm and raises SIGILL for rm 101/110, as our RM() does at execution (like fadd.s with rm 5).
      return 'exact conversion (fcvt.d.w/fcvt.d.wu/fcvt.d.s) with rm != 000: binutils 2.40 requires rm=000';
    }
  }
  return undefined;
}

/**
 * Mnemonics objdump decodes (default rv64gc for raw binaries, plus the privileged instructions
 * it always knows) that are outside the RV64GC unprivileged ISA this table implements: no
 * Zb*, V, Zfh... here, since objdump only enables those when the ELF's arch attribute asks.
 */
export const OUTSIDE_RV64GC = new Set([
  // privileged spec 1.9.1, still in binutils 2.40's table
  'sfence.vm', 'hret',
  // privileged instructions of extensions univm does not implement (mret, sret, wfi, sfence.vma are in our table)
  'uret', 'dret', 'hfence.vvma', 'hfence.gvma',
  'sinval.vma', 'hinval.vvma', 'hinval.gvma', 'sfence.w.inval', 'sfence.inval.ir', 'mnret']);

/** objdump's CSR name table, from the csr section of the decode32 golden (csrrs x0,N,x0 for every N). */
export function csrNamesFrom(lines: GoldenLine[]): Map<string, number> {
  const names = new Map<string, number>();
  for (const l of lines) {
    const w = parseInt(l.key, 16);
    if ((w & 0xfffff) !== 0x2073 || l.mnem !== 'csrrs') continue;
    const name = splitOps(l.ops)[1];
    if (!/^[a-z]/.test(name)) continue;
    if (names.has(name) && names.get(name) !== w >>> 20) throw new Error(`objdump names two CSRs ${name}`);
    names.set(name, w >>> 20);
  }
  return names;
}

export function existsGolden(file: string): boolean {
  return existsSync(path.join(GOLDEN, file));
}

// ------------------------------------------------------------------ QEMU: which parcels trap

export const QEMU = process.env.QEMU_RISCV64 ?? 'qemu-riscv64';
export const CROSS_AS = process.env.RISCV_AS ?? 'riscv64-linux-gnu-as';
export const CROSS_LD = process.env.RISCV_LD ?? 'riscv64-linux-gnu-ld';
/** The parcel slot of the harness, patched for each run. */
export const HARNESS_SLOT = 0xdead;

/**
 * A static program that executes one 16-bit parcel (the .2byte HARNESS_SLOT) with every
 * integer register pointing 1 KiB into a sea of c.ebreak in a writable, executable segment:
 * whatever a legal parcel does (fall through, jump or branch anywhere within reach, jump to a
 * register, load, store) ends in SIGTRAP, an illegal one in SIGILL. c.j/c.bnez with offset 0
 * loop forever (a timeout, not SIGILL). Link with ld -N.
 */
export const HARNESS_S = `.option norvc
.globl _start
_start:
  la t0, target
${Array.from({ length: 31 }, (_, k) => k + 1).filter((r) => r !== 5).map((r) => `  mv x${r}, t0`).join('\n')}
  j slot
  .option rvc
  .balign 4
  .rept 1100
  .2byte 0x9002
  .endr
slot:
  .2byte ${HARNESS_SLOT}
  .rept 512
  .2byte 0x9002
  .endr
target:
  .rept 600
  .2byte 0x9002
  .endr
`;

/** Runs the harness once per parcel under QEMU: 'SIGILL', 'SIGTRAP', 'timeout', 'exit N' or another signal. */
export async function qemuParcels(elf: Buffer, parcels: number[], dir: string, concurrency = 4): Promise<Map<number, string>> {
  const slot = elf.indexOf(Buffer.from([HARNESS_SLOT & 0xff, HARNESS_SLOT >> 8]));
  if (slot < 0 || elf.indexOf(Buffer.from([HARNESS_SLOT & 0xff, HARNESS_SLOT >> 8]), slot + 1) >= 0) throw new Error('harness slot not unique');
  const out = new Map<number, string>();
  let next = 0;
  const worker = async (id: number) => {
    const file = path.join(dir, `harness-${id}`);
    while (next < parcels.length) {
      const h = parcels[next++];
      const b = Buffer.from(elf);
      b.writeUInt16LE(h, slot);
      writeFileSync(file, b);
      chmodSync(file, 0o755);
      out.set(h, await new Promise<string>((resolve) => {
        const c = spawn(QEMU, [file], { stdio: 'ignore', env: {} });
        let timedOut = false;
        const t = setTimeout(() => { timedOut = true; c.kill('SIGKILL'); }, 3000);
        c.on('close', (code, sig) => { clearTimeout(t); resolve(timedOut ? 'timeout' : sig ?? `exit ${code}`); });
      }));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, k) => worker(k)));
  return out;
}

/** Assembles and links the harness into `dir`; returns the ELF. */
export function buildHarness(dir: string): Buffer {
  const s = path.join(dir, 'harness.s'), o = path.join(dir, 'harness.o'), elf = path.join(dir, 'harness');
  writeFileSync(s, HARNESS_S);
  for (const [cmd, args] of [[CROSS_AS, ['-march=rv64gc', '-o', o, s]], [CROSS_LD, ['-N', '-static', '--no-warn-rwx-segments', '-o', elf, o]]] as const) {
    const r = spawnSync(cmd, [...args], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${cmd}: ${r.stderr}`);
  }
  return readFileSync(elf);
}
