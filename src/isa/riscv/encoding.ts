/**
 * Instruction fields and immediates of the base 32-bit formats. Each field is written once,
 * as JavaScript source over the instruction word `i`: the interpreter generator pastes the
 * source into its cases, and the same source is compiled here into functions for the
 * disassembler, the decoder and the tools.
 */
export const FIELD_SRC = {
  rd: '((i >>> 7) & 31)',
  rs1: '((i >>> 15) & 31)',
  rs2: '((i >>> 20) & 31)',
  rs3: '(i >>> 27)',
  rm: '((i >>> 12) & 7)',
  csr: '(i >>> 20)',
  shamt: '((i >>> 20) & 63)',
  immI: '(i >> 20)',
  immS: '(((i >> 25) << 5) | ((i >>> 7) & 31))',
  immB: '(((i >> 31) << 12) | (((i >>> 7) & 1) << 11) | (((i >>> 25) & 63) << 5) | (((i >>> 8) & 15) << 1))',
  immU: '(i & -4096)',
  immJ: '(((i >> 31) << 20) | (((i >>> 12) & 255) << 12) | (((i >>> 20) & 1) << 11) | (((i >>> 21) & 1023) << 1))',
} as const;

export type FieldName = keyof typeof FIELD_SRC;

/** Which immediate an instruction format carries. */
export type ImmFormat = 'I' | 'S' | 'B' | 'U' | 'J' | 'none';
export const IMM_SRC: Record<ImmFormat, string> = {
  I: FIELD_SRC.immI, S: FIELD_SRC.immS, B: FIELD_SRC.immB, U: FIELD_SRC.immU, J: FIELD_SRC.immJ, none: '0',
};
/** The operand names instruction templates use (`imm` is the format's immediate). */
export const OPERAND_FIELDS = ['rd', 'rs1', 'rs2', 'rs3', 'rm', 'csr', 'shamt', 'imm'] as const;
export type OperandField = (typeof OPERAND_FIELDS)[number];

/** An operand's source over the word `i`, for generated code. */
export function operandSrc(f: OperandField, imm: ImmFormat): string {
  return f === 'imm' ? IMM_SRC[imm] : FIELD_SRC[f];
}

export const field = Object.fromEntries(
  Object.entries(FIELD_SRC).map(([k, src]) => [k, new Function('i', `return ${src};`)]),
) as Record<FieldName, (i: number) => number>;

export const immediate = Object.fromEntries(
  Object.entries(IMM_SRC).map(([k, src]) => [k, new Function('i', `return ${src};`)]),
) as Record<ImmFormat, (i: number) => number>;

/** An operand's value in the word `i`. */
export function operand(f: OperandField, imm: ImmFormat, i: number): number {
  return f === 'imm' ? immediate[imm](i) : field[f](i);
}

// Encoders, used to expand compressed instructions onto base ones and by tools that emit code.
export const encR = (opc: number, f3: number, f7: number, rd: number, rs1: number, rs2: number): number =>
  ((f7 << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | opc) | 0;
export const encI = (opc: number, f3: number, rd: number, rs1: number, imm: number): number =>
  (((imm & 0xfff) << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | opc) | 0;
export const encS = (opc: number, f3: number, rs1: number, rs2: number, imm: number): number =>
  ((((imm >> 5) & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | ((imm & 31) << 7) | opc) | 0;
export const encB = (opc: number, f3: number, rs1: number, rs2: number, imm: number): number =>
  ((((imm >> 12) & 1) << 31) | (((imm >> 5) & 63) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) |
    (((imm >> 1) & 15) << 8) | (((imm >> 11) & 1) << 7) | opc) | 0;
export const encU = (opc: number, rd: number, imm: number): number => ((imm & -4096) | (rd << 7) | opc) | 0;
export const encJ = (opc: number, rd: number, imm: number): number =>
  ((((imm >> 20) & 1) << 31) | (((imm >> 1) & 1023) << 21) | (((imm >> 11) & 1) << 20) |
    (((imm >> 12) & 255) << 12) | (rd << 7) | opc) | 0;

/** Turns a QEMU-decode-style bit pattern ("0000000 ..... ..... 000 ..... 0110011") into mask/match. */
export function pattern(bits: string): { mask: number; match: number } {
  const b = bits.replace(/\s+/g, '');
  if (b.length !== 32 && b.length !== 16) throw new Error(`bad pattern ${bits}`);
  let mask = 0, match = 0;
  for (let k = 0; k < b.length; k++) {
    const bit = b.length - 1 - k;
    if (b[k] === '0' || b[k] === '1') {
      mask |= 1 << bit;
      if (b[k] === '1') match |= 1 << bit;
    }
  }
  return { mask: mask | 0, match: match | 0 };
}
