/**
 * RV64GC: every base instruction, its encoding and its meaning, written once.
 *
 * An instruction's meaning (`exec`) is a JavaScript statement template written against a small
 * vocabulary. Most instructions (RV64IM, the F/D arithmetic, moves and loads/stores, Zicsr) are given as
 * typed operations instead (typed-ops.ts), which backends with 64-bit integers and doubles lower
 * directly and from which their templates are made. Each consumer gives the vocabulary its own expansion: the interpreter generator
 * turns fields into values decoded at run time, the translator into constants of one
 * instruction, an analysis into records of what is read and written. Compressed instructions
 * have no meaning of their own: compressed.ts expands each onto one of these.
 *
 * Vocabulary (see engines/codegen/macros.ts for the interpreter's expansion):
 *   fields        rd rs1 rs2 rs3 rm csr shamt (numbers), imm (the format's immediate, a number)
 *   PC, LEN       this instruction's address (number) and length in bytes (2 or 4)
 *   X[r]          integer register as a signed 64-bit bigint (x0 reads 0n)
 *   XLO(r) XHI(r) low / high 32-bit word of X[r] as int32 numbers
 *   WX(v)         rd <- bigint v (already wrapped to 64 bits); writes to x0 are dropped
 *   WX32(v)       rd <- sign-extended 32-bit number v;  WXW(lo, hi): rd <- the two words
 *   WXN(v)        rd <- v, an integer-valued number (exact below 2^53: addresses, link values)
 *   i64(e) u64(e) BigInt.asIntN(64, e) / BigInt.asUintN(64, e)
 *   EQ(a, b) LT(a, b) LTU(a, b)  X[a] == X[b], X[a] < X[b] signed and unsigned (word-wise, no bigint)
 *   LTW(alo, ahi, blo, bhi) LTUW(...)  the same order on 64-bit values given as two int32 words
 *   ADDR(r, off)  X[r] + off as a number (exact for any address a mapping can hold)
 *   LOAD_B/BU/H/HU/W/WU(a)  number results; LOAD_D(rs1, 0) bigint
 *   LOAD_DW(rs1, off)  the doubleword as two int32 words, left in dl (low) and dh (high)
 *   STORE_B/H/W(a, number), STORE_D(rs1, 0, bigint), STORE_DW(rs1, off, lo, hi)
 *   NPC(a)        next pc (default PC + LEN), from JALR_TARGET;  NPC_REL(d): next pc = PC + d
 *   TRAP(cause, tval), ILLEGAL(), ECALL(), EBREAK()
 *   FS(r) FD(r)   FP register as f32 bits (int32, NaN-boxing checked) / f64 bits (bigint)
 *   FLO(r) FHI(r) raw low / high 32 bits of an FP register;  FDN(r): an f64 register as a double
 *   WFS(v) / WFD(v): frd <- f32 bits (boxed) / f64 bits;  WFDW(lo, hi): frd <- two words;  WFDN(v): frd <- the double v
 *   RM()          the effective rounding mode (dynamic resolved, invalid -> illegal instruction)
 *   FREGS         the FP register file as (raw bits, doubles) for SF.*64reg, which write frd themselves
 *   FST           the fflags cell that FP helpers OR exception flags into;  SF.*: fp/softfloat.ts
 *   I64.*         word-pair integer helpers: int64.ts
 *   CSRR(c) CSRW(c, v)   CSR access with the machine's rules
 *   RES_GET() RES_SET(a) the LR/SC reservation;  AMO_CHECK(a, size), LR_CHECK(a, size)
 *   FENCE_I()     instruction-stream synchronisation
 *   MRET() SRET() WFI() SFENCE_VMA(rs1, rs2)  privileged instructions: the machine decides
 *                 (a user-mode process VM raises illegal instruction)
 */
import { pattern, type ImmFormat } from './encoding.js';
import { jsTemplate, type AccessSize, type Cond, type CsrOp, type FpArith, type FpCond, type FpSize, type IntKind, type Op32, type Op64, type TypedOp } from './typed-ops.js';
export type { ImmFormat };

export type Ext = 'I' | 'M' | 'A' | 'F' | 'D' | 'Zicsr' | 'Zifencei' | 'Priv';

export interface InsnFlags {
  /** Ends a basic block: the next pc is not simply pc + len. */
  branch?: boolean;
  /** The target is computed from a register (jalr): the translator's jump cache serves it. */
  indirect?: boolean;
  /** Leaves translated code (traps, CSR side effects, fence.i). */
  system?: boolean;
  load?: boolean;
  store?: boolean;
  fp?: boolean;
}

export interface InsnDef {
  name: string;
  ext: Ext;
  mask: number;
  match: number;
  imm: ImmFormat;
  /** Operand syntax for the disassembler, e.g. 'rd,rs1,rs2' or 'frd,imm(rs1)'. */
  args: string;
  /** The meaning as a statement template in the vocabulary above. */
  exec: string;
  /** The meaning as a typed operation (typed-ops.ts), where it is one; `exec` is lowered from it. */
  op?: TypedOp;
  flags: InsnFlags;
}

export const INSNS: InsnDef[] = [];

/** Defines an instruction; its meaning is a template, or a typed operation the template is lowered from. */
function def(name: string, ext: Ext, bits: string, imm: ImmFormat, args: string, meaning: string | TypedOp, flags: InsnFlags = {}): void {
  const exec = typeof meaning === 'string' ? meaning : jsTemplate(meaning);
  INSNS.push({ name, ext, ...pattern(bits), imm, args, exec, ...(typeof meaning === 'string' ? {} : { op: meaning }), flags });
}

// ---------------------------------------------------------------- RV64I
const R = (f7: string, f3: string, opc: string) => `${f7} ..... ..... ${f3} ..... ${opc}`;
const I = (f3: string, opc: string) => `............ ..... ${f3} ..... ${opc}`;

def('lui', 'I', '.................... ..... 0110111', 'U', 'rd,uimm', { k: 'lui' });
def('auipc', 'I', '.................... ..... 0010111', 'U', 'rd,uimm', { k: 'auipc' });
def('jal', 'I', '.................... ..... 1101111', 'J', 'rd,target', { k: 'jal' }, { branch: true });
def('jalr', 'I', I('000', '1100111'), 'I', 'rd,imm(rs1)', { k: 'jalr' }, { branch: true, indirect: true });

const branch = (name: string, f3: string, cond: Cond) =>
  def(name, 'I', `....... ..... ..... ${f3} ..... 1100011`, 'B', 'rs1,rs2,target', { k: 'branch', cond }, { branch: true });
branch('beq', '000', 'eq');
branch('bne', '001', 'ne');
branch('blt', '100', 'lt');
branch('bge', '101', 'ge');
branch('bltu', '110', 'ltu');
branch('bgeu', '111', 'geu');

const load = (name: string, f3: string, size: AccessSize, signed: boolean) =>
  def(name, 'I', I(f3, '0000011'), 'I', 'rd,imm(rs1)', { k: 'load', size, signed }, { load: true });
load('lb', '000', 1, true);
load('lh', '001', 2, true);
load('lw', '010', 4, true);
load('ld', '011', 8, true);
load('lbu', '100', 1, false);
load('lhu', '101', 2, false);
load('lwu', '110', 4, false);

const store = (name: string, f3: string, size: AccessSize) =>
  def(name, 'I', `....... ..... ..... ${f3} ..... 0100011`, 'S', 'rs2,imm(rs1)', { k: 'store', size }, { store: true });
store('sb', '000', 1);
store('sh', '001', 2);
store('sw', '010', 4);
store('sd', '011', 8);

const opImm = (name: string, f3: string, op: Op64) => def(name, 'I', I(f3, '0010011'), 'I', 'rd,rs1,imm', { k: 'op', op, b: 'imm' });
opImm('addi', '000', 'add');
opImm('slti', '010', 'slt');
opImm('sltiu', '011', 'sltu');
opImm('xori', '100', 'xor');
opImm('ori', '110', 'or');
opImm('andi', '111', 'and');
const shiftImm = (name: string, f6: string, f3: string, op: Op64) =>
  def(name, 'I', `${f6} ...... ..... ${f3} ..... 0010011`, 'none', 'rd,rs1,shamt', { k: 'op', op, b: 'shamt' });
shiftImm('slli', '000000', '001', 'sll');
shiftImm('srli', '000000', '101', 'srl');
shiftImm('srai', '010000', '101', 'sra');

const op = (name: string, f7: string, f3: string, o: Op64, ext: Ext = 'I') =>
  def(name, ext, R(f7, f3, '0110011'), 'none', 'rd,rs1,rs2', { k: 'op', op: o, b: 'rs2' });
op('add', '0000000', '000', 'add');
op('sub', '0100000', '000', 'sub');
op('sll', '0000000', '001', 'sll');
op('slt', '0000000', '010', 'slt');
op('sltu', '0000000', '011', 'sltu');
op('xor', '0000000', '100', 'xor');
op('srl', '0000000', '101', 'srl');
op('sra', '0100000', '101', 'sra');
op('or', '0000000', '110', 'or');
op('and', '0000000', '111', 'and');

def('addiw', 'I', I('000', '0011011'), 'I', 'rd,rs1,imm', { k: 'opw', op: 'add', b: 'imm' });
const shiftImmW = (name: string, f7: string, f3: string, o: Op32) =>
  def(name, 'I', `${f7} ..... ..... ${f3} ..... 0011011`, 'none', 'rd,rs1,shamt', { k: 'opw', op: o, b: 'shamt' });
shiftImmW('slliw', '0000000', '001', 'sll');
shiftImmW('srliw', '0000000', '101', 'srl');
shiftImmW('sraiw', '0100000', '101', 'sra');
const opw = (name: string, f7: string, f3: string, o: Op32, ext: Ext = 'I') =>
  def(name, ext, R(f7, f3, '0111011'), 'none', 'rd,rs1,rs2', { k: 'opw', op: o, b: 'rs2' });
opw('addw', '0000000', '000', 'add');
opw('subw', '0100000', '000', 'sub');
opw('sllw', '0000000', '001', 'sll');
opw('srlw', '0000000', '101', 'srl');
opw('sraw', '0100000', '101', 'sra');

// fence's operands (pred, succ, fm) are printed by the disassembler itself.
def('fence', 'I', '.... .... .... ..... 000 ..... 0001111', 'none', '', { k: 'nop' });
def('fence.i', 'Zifencei', '............ ..... 001 ..... 0001111', 'none', '', 'FENCE_I();', { system: true });
def('ecall', 'I', '000000000000 00000 000 00000 1110011', 'none', '', 'ECALL();', { system: true });
def('ebreak', 'I', '000000000001 00000 000 00000 1110011', 'none', '', 'EBREAK();', { system: true });

// ---------------------------------------------------------------- privileged (v1.12)
def('sret', 'Priv', '0001000 00010 00000 000 00000 1110011', 'none', '', 'SRET();', { branch: true, system: true });
def('mret', 'Priv', '0011000 00010 00000 000 00000 1110011', 'none', '', 'MRET();', { branch: true, system: true });
def('wfi', 'Priv', '0001000 00101 00000 000 00000 1110011', 'none', '', 'WFI();', { system: true });
def('sfence.vma', 'Priv', '0001001 ..... ..... 000 00000 1110011', 'none', 'rs1,rs2', 'SFENCE_VMA(rs1, rs2);', { system: true });

// ---------------------------------------------------------------- M
op('mul', '0000001', '000', 'mul', 'M');
op('mulh', '0000001', '001', 'mulh', 'M');
op('mulhsu', '0000001', '010', 'mulhsu', 'M');
op('mulhu', '0000001', '011', 'mulhu', 'M');
op('div', '0000001', '100', 'div', 'M');
op('divu', '0000001', '101', 'divu', 'M');
op('rem', '0000001', '110', 'rem', 'M');
op('remu', '0000001', '111', 'remu', 'M');
opw('mulw', '0000001', '000', 'mul', 'M');
opw('divw', '0000001', '100', 'div', 'M');
opw('divuw', '0000001', '101', 'divu', 'M');
opw('remw', '0000001', '110', 'rem', 'M');
opw('remuw', '0000001', '111', 'remu', 'M');

// ---------------------------------------------------------------- A
def('lr.w', 'A', '00010 .. 00000 ..... 010 ..... 0101111', 'none', 'rd,(rs1)',
  'const a = ADDR(rs1, 0); LR_CHECK(a, 4); const v = LOAD_W(rs1, 0); RES_SET(a); WX32(v);', { load: true });
def('lr.d', 'A', '00010 .. 00000 ..... 011 ..... 0101111', 'none', 'rd,(rs1)',
  'const a = ADDR(rs1, 0); LR_CHECK(a, 8); const v = LOAD_D(rs1, 0); RES_SET(a); WX(v);', { load: true });
def('sc.w', 'A', '00011 .. ..... ..... 010 ..... 0101111', 'none', 'rd,rs2,(rs1)',
  'const a = ADDR(rs1, 0); AMO_CHECK(a, 4); const ok = RES_GET() === a; RES_SET(-1); if (ok) STORE_W(rs1, 0, XLO(rs2)); WX32(ok ? 0 : 1);', { store: true });
def('sc.d', 'A', '00011 .. ..... ..... 011 ..... 0101111', 'none', 'rd,rs2,(rs1)',
  'const a = ADDR(rs1, 0); AMO_CHECK(a, 8); const ok = RES_GET() === a; RES_SET(-1); if (ok) STORE_D(rs1, 0, X[rs2]); WX32(ok ? 0 : 1);', { store: true });

/** An AMO's operation, once for both widths: `o` is the old memory value, `b` the register operand. */
const amo = (name: string, f5: string, w: string, d: string) => {
  def(`amo${name}.w`, 'A', `${f5} .. ..... ..... 010 ..... 0101111`, 'none', 'rd,rs2,(rs1)',
    `const a = ADDR(rs1, 0); AMO_CHECK(a, 4); const o = LOAD_W(rs1, 0), b = XLO(rs2); STORE_W(rs1, 0, ${w}); WX32(o);`, { load: true, store: true });
  def(`amo${name}.d`, 'A', `${f5} .. ..... ..... 011 ..... 0101111`, 'none', 'rd,rs2,(rs1)',
    `const a = ADDR(rs1, 0); AMO_CHECK(a, 8); const o = LOAD_D(rs1, 0), b = X[rs2]; STORE_D(rs1, 0, ${d}); WX(o);`, { load: true, store: true });
};
amo('swap', '00001', 'b', 'b');
amo('add', '00000', '(o + b) | 0', 'i64(o + b)');
amo('xor', '00100', 'o ^ b', 'o ^ b');
amo('and', '01100', 'o & b', 'o & b');
amo('or', '01000', 'o | b', 'o | b');
amo('min', '10000', 'o < b ? o : b', 'o < b ? o : b');
amo('max', '10100', 'o > b ? o : b', 'o > b ? o : b');
amo('minu', '11000', '(o >>> 0) < (b >>> 0) ? o : b', 'u64(o) < u64(b) ? o : b');
amo('maxu', '11100', '(o >>> 0) > (b >>> 0) ? o : b', 'u64(o) > u64(b) ? o : b');

// ---------------------------------------------------------------- F and D
def('flw', 'F', I('010', '0000111'), 'I', 'frd,imm(rs1)', { k: 'fload', size: 4 }, { load: true, fp: true });
def('fld', 'D', I('011', '0000111'), 'I', 'frd,imm(rs1)', { k: 'fload', size: 8 }, { load: true, fp: true });
def('fsw', 'F', '....... ..... ..... 010 ..... 0100111', 'S', 'frs2,imm(rs1)', { k: 'fstore', size: 4 }, { store: true, fp: true });
def('fsd', 'D', '....... ..... ..... 011 ..... 0100111', 'S', 'frs2,imm(rs1)', { k: 'fstore', size: 8 }, { store: true, fp: true });

/** Both precisions of an FP operation from one description. */
const fpBoth = (fn: (p: { ext: Ext; fmt: string; sfx: string; R: string; W: string; bits: string; size: FpSize }) => void) => {
  fn({ ext: 'F', fmt: '00', sfx: 's', R: 'FS', W: 'WFS', bits: '32', size: 4 });
  fn({ ext: 'D', fmt: '01', sfx: 'd', R: 'FD', W: 'WFD', bits: '64', size: 8 });
};
const fp = { fp: true };
fpBoth(({ ext, fmt, sfx, R: F, W, bits, size }) => {
  const fma = (name: string, opc: string, negProduct: boolean, negAddend: boolean) =>
    def(`${name}.${sfx}`, ext, `..... ${fmt} ..... ..... ... ..... ${opc}`, 'none', 'frd,frs1,frs2,frs3,rm', { k: 'fma', size, negProduct, negAddend }, fp);
  fma('fmadd', '1000011', false, false);
  fma('fmsub', '1000111', false, true);
  fma('fnmsub', '1001011', true, false);
  fma('fnmadd', '1001111', true, true);
  const arith = (name: string, f5: string, op: FpArith) =>
    def(`${name}.${sfx}`, ext, `${f5}${fmt} ..... ..... ... ..... 1010011`, 'none', 'frd,frs1,frs2,rm', { k: 'farith', op, size }, fp);
  arith('fadd', '00000', 'add');
  arith('fsub', '00001', 'sub');
  arith('fmul', '00010', 'mul');
  arith('fdiv', '00011', 'div');
  def(`fsqrt.${sfx}`, ext, `01011${fmt} 00000 ..... ... ..... 1010011`, 'none', 'frd,frs1,rm', { k: 'fsqrt', size }, fp);
  const sgnj = (name: string, f3: string, sign: 'copy' | 'negate' | 'xor') =>
    def(`${name}.${sfx}`, ext, `00100${fmt} ..... ..... ${f3} ..... 1010011`, 'none', 'frd,frs1,frs2', { k: 'fsgnj', size, sign }, fp);
  sgnj('fsgnj', '000', 'copy');
  sgnj('fsgnjn', '001', 'negate');
  sgnj('fsgnjx', '010', 'xor');
  def(`fmin.${sfx}`, ext, `00101${fmt} ..... ..... 000 ..... 1010011`, 'none', 'frd,frs1,frs2', { k: 'fminmax', size, max: false }, fp);
  def(`fmax.${sfx}`, ext, `00101${fmt} ..... ..... 001 ..... 1010011`, 'none', 'frd,frs1,frs2', { k: 'fminmax', size, max: true }, fp);
  const cmp = (name: string, f3: string, cond: FpCond) =>
    def(`${name}.${sfx}`, ext, `10100${fmt} ..... ..... ${f3} ..... 1010011`, 'none', 'rd,frs1,frs2', { k: 'fcmp', size, cond }, fp);
  cmp('feq', '010', 'eq');
  cmp('flt', '001', 'lt');
  cmp('fle', '000', 'le');
  def(`fclass.${sfx}`, ext, `11100${fmt} 00000 ..... 001 ..... 1010011`, 'none', 'rd,frs1', `WX32(SF.class${bits}(${F}(rs1)))`, fp);
  // FP <-> integer: rs2 selects w / wu / l / lu
  const ints: [IntKind, string][] = [['w', '00000'], ['wu', '00001'], ['l', '00010'], ['lu', '00011']];
  for (const [int, sel] of ints) def(`fcvt.${int}.${sfx}`, ext, `11000${fmt} ${sel} ..... ... ..... 1010011`, 'none', 'rd,frs1,rm', { k: 'f2i', size, int }, fp);
  for (const [int, sel] of ints) def(`fcvt.${sfx}.${int}`, ext, `11010${fmt} ${sel} ..... ... ..... 1010011`, 'none', 'frd,rs1,rm', { k: 'i2f', size, int }, fp);
});
def('fcvt.s.d', 'D', '0100000 00001 ..... ... ..... 1010011', 'none', 'frd,frs1,rm', { k: 'f2f', size: 4 }, fp);
def('fcvt.d.s', 'D', '0100001 00000 ..... ... ..... 1010011', 'none', 'frd,frs1,rm', { k: 'f2f', size: 8 }, fp);
def('fmv.x.w', 'F', '1110000 00000 ..... 000 ..... 1010011', 'none', 'rd,frs1', { k: 'fmv', size: 4, to: 'x' }, fp);
def('fmv.w.x', 'F', '1111000 00000 ..... 000 ..... 1010011', 'none', 'frd,rs1', { k: 'fmv', size: 4, to: 'f' }, fp);
def('fmv.x.d', 'D', '1110001 00000 ..... 000 ..... 1010011', 'none', 'rd,frs1', { k: 'fmv', size: 8, to: 'x' }, fp);
def('fmv.d.x', 'D', '1111001 00000 ..... 000 ..... 1010011', 'none', 'frd,rs1', { k: 'fmv', size: 8, to: 'f' }, fp);

// ---------------------------------------------------------------- Zicsr
const csr = (name: string, f3: string, op: CsrOp['op']) =>
  def(name, 'Zicsr', I(f3, '1110011'), 'none', name.endsWith('i') ? 'rd,csr,zimm' : 'rd,csr,rs1',
    { k: 'csr', op, src: name.endsWith('i') ? 'zimm' : 'rs1' }, { system: true });
csr('csrrw', '001', 'rw');
csr('csrrs', '010', 'rs');
csr('csrrc', '011', 'rc');
csr('csrrwi', '101', 'rw');
csr('csrrsi', '110', 'rs');
csr('csrrci', '111', 'rc');
