/**
 * The meanings of most instructions as typed operations: which 64-bit (or 32-bit) integer
 * operation an instruction applies to which operands (RV64IM); which IEEE operation an FP
 * instruction is, and the bit moves of FP loads, stores, moves and sign injection (F, D); how a
 * CSR instruction reads and writes its CSR (Zicsr). This is the form a backend with native
 * 64-bit integers and doubles (WebAssembly: engines/wasm) lowers directly, one operation to a
 * few opcodes.
 *
 * `jsTemplate` lowers each operation into the statement templates of instructions.ts (see its
 * vocabulary) that the interpreter, the JavaScript translator and the analyses expand: word
 * pairs for integers (JavaScript has no fast 64-bit integers), calls into the FP library
 * (fp/softfloat.ts) for rounding and exception flags, the machine's CSR access rules. An
 * instruction with a typed operation therefore has its meaning written once, here.
 */

/** The second operand: register rs2, the format's sign-extended immediate, or the shift amount. */
export type Operand = 'rs2' | 'imm' | 'shamt';
export type Op64 = 'add' | 'sub' | 'and' | 'or' | 'xor' | 'sll' | 'srl' | 'sra' | 'slt' | 'sltu'
  | 'mul' | 'mulh' | 'mulhsu' | 'mulhu' | 'div' | 'divu' | 'rem' | 'remu';
export type Op32 = 'add' | 'sub' | 'sll' | 'srl' | 'sra' | 'mul' | 'div' | 'divu' | 'rem' | 'remu';
export type Cond = 'eq' | 'ne' | 'lt' | 'ge' | 'ltu' | 'geu';
export type AccessSize = 1 | 2 | 4 | 8;

export type IntOp =
  /** rd <- X[rs1] op b (64-bit; slt/sltu give 0 or 1; division by zero and overflow as the ISA says) */
  | { k: 'op'; op: Op64; b: Operand }
  /** rd <- the sign extension of (low word of X[rs1]) op (low word of b), a 32-bit operation */
  | { k: 'opw'; op: Op32; b: Operand }
  /** rd <- imm (lui: the U-immediate, already shifted and sign-extended) */
  | { k: 'lui' }
  /** rd <- pc + imm */
  | { k: 'auipc' }
  /** rd <- the `size` bytes at X[rs1] + imm, sign- or zero-extended */
  | { k: 'load'; size: AccessSize; signed: boolean }
  /** the low `size` bytes of X[rs2] -> memory at X[rs1] + imm */
  | { k: 'store'; size: AccessSize }
  /** F[rd] <- the `size` bytes at X[rs1] + imm (4: NaN-boxed, the high word all ones) */
  | { k: 'fload'; size: 4 | 8 }
  /** the low `size` bytes of F[rs2] -> memory at X[rs1] + imm */
  | { k: 'fstore'; size: 4 | 8 }
  /** if X[rs1] cond X[rs2]: pc <- pc + imm */
  | { k: 'branch'; cond: Cond }
  /** rd <- pc + len; pc <- pc + imm */
  | { k: 'jal' }
  /** pc <- (X[rs1] + imm) with bit 0 cleared; rd <- pc + len (the target is read first) */
  | { k: 'jalr' }
  /** no architectural effect on a single hart (fence) */
  | { k: 'nop' };

export type FpSize = 4 | 8;
export type FpArith = 'add' | 'sub' | 'mul' | 'div';
export type FpCond = 'eq' | 'lt' | 'le';

/**
 * F and D operations on FP registers (`size` 4: binary32 NaN-boxed in the register, 8: binary64).
 * The arithmetic ones round by the instruction's rm (7: frm) and OR IEEE exceptions into fflags.
 */
export type FpOp =
  /** frd <- frs1 op frs2 */
  | { k: 'farith'; op: FpArith; size: FpSize }
  /** frd <- sqrt(frs1) */
  | { k: 'fsqrt'; size: FpSize }
  /** frd <- (+-)(frs1 * frs2) (+-) frs3 with one rounding: fmadd, fmsub (negAddend), fnmsub (negProduct), fnmadd (both) */
  | { k: 'fma'; size: FpSize; negProduct: boolean; negAddend: boolean }
  /** frd <- frs1 with the sign of frs2 ('copy'), its opposite ('negate'), or frs1's sign xor frs2's ('xor'); no flags */
  | { k: 'fsgnj'; size: FpSize; sign: 'copy' | 'negate' | 'xor' }
  /** frd <- the lesser / greater of frs1 and frs2 (-0 < +0); a NaN operand gives the other one (NV if signalling) */
  | { k: 'fminmax'; size: FpSize; max: boolean }
  /** rd <- frs1 cond frs2 (0 or 1); a NaN operand gives 0 and raises NV (eq: signalling NaNs only) */
  | { k: 'fcmp'; size: FpSize; cond: FpCond }
  /** to 'x': rd <- the low `size` bytes of frs1, sign-extended; to 'f': frd <- those of rs1 (4: NaN-boxed) */
  | { k: 'fmv'; size: FpSize; to: 'x' | 'f' }
  /**
   * rd <- frs1 rounded by rm to an integer `int`, saturating (NV) out of range or for NaN,
   * NX when inexact; a 32-bit result (w, wu) is sign-extended
   */
  | { k: 'f2i'; size: FpSize; int: IntKind }
  /** frd <- the integer `int` in rs1 (w, wu: its low word), rounded by rm */
  | { k: 'i2f'; size: FpSize; int: IntKind }
  /** frd <- frs1 in the other format: `size` is the result's (8: fcvt.d.s, exact; 4: fcvt.s.d, rounded by rm) */
  | { k: 'f2f'; size: FpSize };

/** The integer of a conversion: 32-bit signed, 32-bit unsigned, 64-bit signed, 64-bit unsigned. */
export type IntKind = 'w' | 'wu' | 'l' | 'lu';

/**
 * Zicsr: rd <- the CSR's old value; the CSR <- src ('rw'), old | src ('rs'), old & ~src ('rc'),
 * where src is X[rs1] or the 5-bit immediate in the rs1 field. csrrw with rd = x0 does not read
 * the CSR (reads can have side effects); csrrs/c with rs1 = x0 (or a zero immediate) do not write it.
 */
export type CsrOp = { k: 'csr'; op: 'rw' | 'rs' | 'rc'; src: 'rs1' | 'zimm' };

export type TypedOp = IntOp | FpOp | CsrOp;

const FP_KINDS = new Set<TypedOp['k']>(['farith', 'fsqrt', 'fma', 'fsgnj', 'fminmax', 'fcmp', 'fmv', 'f2i', 'i2f', 'f2f']);
/** Whether a typed operation is an F/D one (FpOp). */
export const isFpOp = (m: TypedOp): m is FpOp => FP_KINDS.has(m.k);

// ---------------------------------------------------------------- the word-pair lowering

/** Low and high word of the second operand (an immediate is sign-extended: imm >> 31 is its high word). */
const words = (b: Operand): [string, string] => (b === 'rs2' ? ['XLO(rs2)', 'XHI(rs2)'] : [b, `(${b} >> 31)`]);
/** The shift amount of a 64-bit shift by b. */
const count64 = (b: Operand) => (b === 'rs2' ? 'XLO(rs2) & 63' : b);
/** The shift amount of a 32-bit shift by b. */
const count32 = (b: Operand) => (b === 'rs2' ? '(XLO(rs2) & 31)' : b);
/** b as a signed 64-bit bigint. */
const big = (b: Operand) => (b === 'rs2' ? 'X[rs2]' : `BigInt(${b})`);

// Shifts of 64-bit values on (lo, hi) words: variable bigint shifts are slow in V8.
const shift = (s: string, small: string, large: string) => `{ const s = ${s}, lo = XLO(rs1), hi = XHI(rs1);
  if (s === 0) WXW(lo, hi); else if (s < 32) ${small}; else ${large}; }`;

function op64(op: Op64, b: Operand): string {
  const [blo, bhi] = words(b);
  switch (op) {
    case 'add': return b === 'rs2'
      ? 'const l = (XLO(rs1) >>> 0) + (XLO(rs2) >>> 0); WXW(l | 0, XHI(rs1) + XHI(rs2) + (l > 4294967295 ? 1 : 0))'
      : `const l = (XLO(rs1) >>> 0) + ${b}; WXW(l | 0, XHI(rs1) + (l > 4294967295 ? 1 : l < 0 ? -1 : 0))`;
    case 'sub': return `const l = (XLO(rs1) >>> 0) - (${blo} >>> 0); WXW(l | 0, XHI(rs1) - ${bhi} - (l < 0 ? 1 : 0))`;
    case 'and': case 'or': case 'xor': {
      const o = { and: '&', or: '|', xor: '^' }[op];
      return `WXW(XLO(rs1) ${o} ${blo}, XHI(rs1) ${o} ${bhi})`;
    }
    case 'sll': return shift(count64(b), 'WXW(lo << s, (hi << s) | (lo >>> (32 - s)))', 'WXW(0, lo << (s - 32))');
    case 'srl': return shift(count64(b), 'WXW((lo >>> s) | (hi << (32 - s)), hi >>> s)', 'WXW(hi >>> (s - 32), 0)');
    case 'sra': return shift(count64(b), 'WXW((lo >>> s) | (hi << (32 - s)), hi >> s)', 'WXW(hi >> (s - 32), hi >> 31)');
    case 'slt': return `WX32(LTW(XLO(rs1), XHI(rs1), ${blo}, ${bhi}) ? 1 : 0)`;
    case 'sltu': return `WX32(LTUW(XLO(rs1), XHI(rs1), ${blo}, ${bhi}) ? 1 : 0)`;
    // The low doubleword of a product needs only the low x low word product in full.
    case 'mul': return `WXW(Math.imul(XLO(rs1), ${blo}), I64.mulhu32(XLO(rs1), ${blo}) + Math.imul(XLO(rs1), ${bhi}) + Math.imul(XHI(rs1), ${blo}))`;
    case 'mulh': return `WX(i64((X[rs1] * ${big(b)}) >> 64n))`;
    case 'mulhsu': return `WX(i64((X[rs1] * u64(${big(b)})) >> 64n))`;
    case 'mulhu': return `WX(i64((u64(X[rs1]) * u64(${big(b)})) >> 64n))`;
    case 'div': return `const a = X[rs1], b = ${big(b)}; WX(b === 0n ? -1n : i64(a / b))`;
    case 'divu': return `const b = u64(${big(b)}); WX(b === 0n ? -1n : i64(u64(X[rs1]) / b))`;
    case 'rem': return `const a = X[rs1], b = ${big(b)}; WX(b === 0n ? a : b === -1n ? 0n : a % b)`;
    case 'remu': return `const b = u64(${big(b)}); WX(b === 0n ? X[rs1] : i64(u64(X[rs1]) % b))`;
  }
}

function op32(op: Op32, b: Operand): string {
  const [blo] = words(b);
  switch (op) {
    case 'add': return `WX32(XLO(rs1) + ${blo})`;
    case 'sub': return `WX32(XLO(rs1) - ${blo})`;
    case 'sll': return `WX32(XLO(rs1) << ${count32(b)})`;
    case 'srl': return `WX32(XLO(rs1) >>> ${count32(b)})`;
    case 'sra': return `WX32(XLO(rs1) >> ${count32(b)})`;
    case 'mul': return `WX32(Math.imul(XLO(rs1), ${blo}))`;
    case 'div': return `const a = XLO(rs1), b = ${blo}; WX32(b === 0 ? -1 : b === -1 ? -a : a / b)`;
    case 'divu': return `const a = XLO(rs1) >>> 0, b = ${blo} >>> 0; WX32(b === 0 ? -1 : a / b >>> 0)`;
    case 'rem': return `const a = XLO(rs1), b = ${blo}; WX32(b === 0 ? a : b === -1 ? 0 : a % b)`;
    case 'remu': return `const a = XLO(rs1) >>> 0, b = ${blo} >>> 0; WX32(b === 0 ? a : a % b)`;
  }
}

const LOAD_WORD: Record<AccessSize, string> = { 1: 'B', 2: 'H', 4: 'W', 8: 'D' };

function condition(cond: Cond): string {
  const test = { eq: 'EQ', ne: 'EQ', lt: 'LT', ge: 'LT', ltu: 'LTU', geu: 'LTU' }[cond];
  const negate = cond === 'ne' || cond === 'ge' || cond === 'geu';
  return `${negate ? '!' : ''}${test}(rs1, rs2)`;
}

/** The statement template (instructions.ts's vocabulary) of a typed operation. */
export function jsTemplate(m: TypedOp): string {
  if (isFpOp(m)) return fpTemplate(m);
  switch (m.k) {
    case 'csr': return csrTemplate(m);
    case 'op': return op64(m.op, m.b);
    case 'opw': return op32(m.op, m.b);
    case 'lui': return 'WX32(imm)';
    case 'auipc': return 'WXN(PC + imm)';
    case 'load': {
      const w = LOAD_WORD[m.size];
      if (m.size === 8) return 'LOAD_DW(rs1, imm); WXW(dl, dh)';
      if (m.size === 4 && !m.signed) return 'WXW(LOAD_W(rs1, imm), 0)';
      return `WX32(LOAD_${w}${m.signed ? '' : 'U'}(rs1, imm))`;
    }
    case 'store': return m.size === 8 ? 'STORE_DW(rs1, imm, XLO(rs2), XHI(rs2));' : `STORE_${LOAD_WORD[m.size]}(rs1, imm, XLO(rs2));`;
    case 'fload': return m.size === 8 ? 'FLOAD_D(rs1, imm)' : 'WFS(LOAD_W(rs1, imm))';
    case 'fstore': return m.size === 8 ? 'FSTORE_D(rs1, imm, rs2);' : 'STORE_W(rs1, imm, FLO(rs2));';
    case 'branch': return `if (${condition(m.cond)}) NPC_REL(imm);`;
    case 'jal': return 'WXN(PC + LEN); NPC_REL(imm);';
    case 'jalr': return 'const t = JALR_TARGET(rs1, imm); WXN(PC + LEN); NPC(t);';
    case 'nop': return '';
  }
}

// ---------------------------------------------------------------- F, D and Zicsr

const SIGN32 = '-0x80000000';
const FP_FN: Record<FpArith, string> = { add: 'add', sub: 'sub', mul: 'mul', div: 'div' };

/**
 * f64 arithmetic works on the register file directly (SF.*64reg): no bigint on its fast paths.
 * f32 values are read through FS (NaN-boxing checked) and written boxed by WFS.
 */
function fpTemplate(m: FpOp): string {
  const d = m.size === 8;
  switch (m.k) {
    case 'farith': return d ? `SF.${FP_FN[m.op]}64reg(FREGS, rd, rs1, rs2, RM(), FST)` : `WFS(SF.${FP_FN[m.op]}32(FS(rs1), FS(rs2), RM(), FST))`;
    case 'fsqrt': return d ? 'SF.sqrt64reg(FREGS, rd, rs1, RM(), FST)' : 'WFS(SF.sqrt32(FS(rs1), RM(), FST))';
    case 'fma': return d
      ? `SF.fma64reg(FREGS, rd, rs1, rs2, rs3, ${m.negProduct}, ${m.negAddend}, RM(), FST)`
      : `WFS(SF.fma32(FS(rs1)${m.negProduct ? ` ^ ${SIGN32}` : ''}, FS(rs2), FS(rs3)${m.negAddend ? ` ^ ${SIGN32}` : ''}, RM(), FST))`;
    case 'fsgnj': {
      // Sign injection works on the word holding the sign: the value itself (f32), the high word (f64).
      const S = d ? 'FHI' : 'FS';
      const sign = { copy: `${S}(rs2)`, negate: `~${S}(rs2)`, xor: `(${S}(rs1) ^ ${S}(rs2))` }[m.sign];
      return d ? `WFDW(FLO(rs1), (FHI(rs1) & 0x7fffffff) | (${sign} & ${SIGN32}))` : `WFS((FS(rs1) & 0x7fffffff) | (${sign} & ${SIGN32}))`;
    }
    case 'fminmax': return `${d ? 'WFD' : 'WFS'}(SF.${m.max ? 'max' : 'min'}${d ? 64 : 32}(${d ? 'FD' : 'FS'}(rs1), ${d ? 'FD' : 'FS'}(rs2), FST))`;
    case 'fcmp': return d ? `WX32(SF.${m.cond}64reg(FREGS, rs1, rs2, FST))` : `WX32(SF.${m.cond}32(FS(rs1), FS(rs2), FST))`;
    case 'fmv':
      if (m.to === 'x') return d ? 'WXW(FLO(rs1), FHI(rs1))' : 'WX32(FLO(rs1))';
      return d ? 'WFDW(XLO(rs1), XHI(rs1))' : 'WFS(XLO(rs1))';
    case 'f2i': {
      const write = m.int === 'w' || m.int === 'wu' ? 'WX32' : 'WX';
      // f64 sources are read as doubles (FDN): every f64 value is one, and a NaN converts like any NaN.
      return d ? `${write}(SF.${TO_INT[m.int]}(FDN(rs1), RM(), FST))` : `${write}(SF.cvt_${m.int}_s(FS(rs1), RM(), FST))`;
    }
    case 'i2f': {
      const src = { w: 'XLO(rs1)', wu: 'XLO(rs1) >>> 0', l: 'X[rs1]', lu: 'X[rs1]' }[m.int];
      // A 32-bit integer is exactly an f64: no rounding, no flags (the rounding mode must still be valid).
      if (d && (m.int === 'w' || m.int === 'wu')) return `RM(); WFDN(${src})`;
      return `${d ? 'WFD' : 'WFS'}(SF.cvt_${d ? 'd' : 's'}_${m.int}(${src}, RM(), FST))`;
    }
    case 'f2f': return d ? 'RM(); WFD(SF.cvt_d_s(FS(rs1), FST))' : 'WFS(SF.cvt_s_d(FD(rs1), RM(), FST))';
  }
}

const TO_INT: Record<IntKind, string> = { w: 'toI32', wu: 'toU32', l: 'toI64', lu: 'toU64' };

function csrTemplate(m: CsrOp): string {
  const v = `const v = ${m.src === 'rs1' ? 'X[rs1]' : 'BigInt(rs1)'};`;
  switch (m.op) {
    case 'rw': return `${v} const old = rd !== 0 ? CSRR(csr) : 0n; CSRW(csr, v); WX(old);`;
    case 'rs': return `${v} const old = CSRR(csr); if (rs1 !== 0) CSRW(csr, old | v); WX(old);`;
    case 'rc': return `${v} const old = CSRR(csr); if (rs1 !== 0) CSRW(csr, old & ~v); WX(old);`;
  }
}
