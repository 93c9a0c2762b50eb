/**
 * The C extension as a mapping: each 16-bit instruction expands to one base instruction
 * (RV64C), so compressed code has no semantics of its own. `expandCompressed` returns the
 * 32-bit base encoding, or 0 for reserved and illegal encodings.
 */
import { encB, encI, encJ, encR, encS, encU } from './encoding.js';

const OP_IMM = 0x13, OP_IMM32 = 0x1b, OP = 0x33, OP32 = 0x3b, LOAD = 0x03, STORE = 0x23, LOAD_FP = 0x07,
  STORE_FP = 0x27, LUI = 0x37, JAL = 0x6f, JALR = 0x67, BRANCH = 0x63, SYSTEM = 0x73;

const bits = (h: number, hi: number, lo: number): number => (h >>> lo) & ((1 << (hi - lo + 1)) - 1);
const sext = (v: number, width: number): number => (v << (32 - width)) >> (32 - width);
/** The 3-bit register fields of CIW/CL/CS/CA/CB formats name x8..x15. */
const rp = (v: number): number => v + 8;

export function expandCompressed(h: number): number {
  const op = h & 3, f3 = bits(h, 15, 13);
  const rd = bits(h, 11, 7), rs2 = bits(h, 6, 2);
  const rdp = rp(bits(h, 4, 2)), rs1p = rp(bits(h, 9, 7));
  const imm6 = sext((bits(h, 12, 12) << 5) | bits(h, 6, 2), 6);
  // Offsets of CL/CS-format word and doubleword accesses.
  const offW = (bits(h, 12, 10) << 3) | (bits(h, 6, 6) << 2) | (bits(h, 5, 5) << 6);
  const offD = (bits(h, 12, 10) << 3) | (bits(h, 6, 5) << 6);
  if (op === 0) {
    switch (f3) {
      case 0: { // c.addi4spn
        const nzuimm = (bits(h, 12, 11) << 4) | (bits(h, 10, 7) << 6) | (bits(h, 6, 6) << 2) | (bits(h, 5, 5) << 3);
        return nzuimm === 0 ? 0 : encI(OP_IMM, 0, rdp, 2, nzuimm);
      }
      case 1: return encI(LOAD_FP, 3, rdp, rs1p, offD); // c.fld
      case 2: return encI(LOAD, 2, rdp, rs1p, offW); // c.lw
      case 3: return encI(LOAD, 3, rdp, rs1p, offD); // c.ld
      case 5: return encS(STORE_FP, 3, rs1p, rdp, offD); // c.fsd
      case 6: return encS(STORE, 2, rs1p, rdp, offW); // c.sw
      case 7: return encS(STORE, 3, rs1p, rdp, offD); // c.sd
      default: return 0;
    }
  }
  if (op === 1) {
    switch (f3) {
      case 0: return encI(OP_IMM, 0, rd, rd, imm6); // c.addi, c.nop
      case 1: return rd === 0 ? 0 : encI(OP_IMM32, 0, rd, rd, imm6); // c.addiw
      case 2: return encI(OP_IMM, 0, rd, 0, imm6); // c.li
      case 3:
        if (rd === 2) { // c.addi16sp
          const nz = sext((bits(h, 12, 12) << 9) | (bits(h, 4, 3) << 7) | (bits(h, 5, 5) << 6) | (bits(h, 2, 2) << 5) | (bits(h, 6, 6) << 4), 10);
          return nz === 0 ? 0 : encI(OP_IMM, 0, 2, 2, nz);
        }
        return imm6 === 0 ? 0 : encU(LUI, rd, imm6 << 12); // c.lui
      case 4: {
        const rs1 = rs1p;
        switch (bits(h, 11, 10)) {
          case 0: return encI(OP_IMM, 5, rs1, rs1, imm6 & 63); // c.srli
          case 1: return encI(OP_IMM, 5, rs1, rs1, (imm6 & 63) | 0x400); // c.srai
          case 2: return encI(OP_IMM, 7, rs1, rs1, imm6); // c.andi
          default: {
            const sel = bits(h, 6, 5);
            if (bits(h, 12, 12) === 0) {
              const [f3o, f7] = [[0, 0x20], [4, 0], [6, 0], [7, 0]][sel]; // sub xor or and
              return encR(OP, f3o, f7, rs1, rs1, rdp);
            }
            if (sel === 0) return encR(OP32, 0, 0x20, rs1, rs1, rdp); // c.subw
            if (sel === 1) return encR(OP32, 0, 0, rs1, rs1, rdp); // c.addw
            return 0;
          }
        }
      }
      case 5: { // c.j
        const off = sext((bits(h, 12, 12) << 11) | (bits(h, 8, 8) << 10) | (bits(h, 10, 9) << 8) | (bits(h, 6, 6) << 7) |
          (bits(h, 7, 7) << 6) | (bits(h, 2, 2) << 5) | (bits(h, 11, 11) << 4) | (bits(h, 5, 3) << 1), 12);
        return encJ(JAL, 0, off);
      }
      default: { // c.beqz, c.bnez
        const off = sext((bits(h, 12, 12) << 8) | (bits(h, 6, 5) << 6) | (bits(h, 2, 2) << 5) | (bits(h, 11, 10) << 3) | (bits(h, 4, 3) << 1), 9);
        return encB(BRANCH, f3 === 6 ? 0 : 1, rs1p, 0, off);
      }
    }
  }
  if (op === 2) {
    const spOffW = (bits(h, 12, 12) << 5) | (bits(h, 6, 4) << 2) | (bits(h, 3, 2) << 6);
    const spOffD = (bits(h, 12, 12) << 5) | (bits(h, 6, 5) << 3) | (bits(h, 4, 2) << 6);
    switch (f3) {
      case 0: return encI(OP_IMM, 1, rd, rd, imm6 & 63); // c.slli
      case 1: return encI(LOAD_FP, 3, rd, 2, spOffD); // c.fldsp
      case 2: return rd === 0 ? 0 : encI(LOAD, 2, rd, 2, spOffW); // c.lwsp
      case 3: return rd === 0 ? 0 : encI(LOAD, 3, rd, 2, spOffD); // c.ldsp
      case 4:
        if (bits(h, 12, 12) === 0) {
          if (rs2 === 0) return rd === 0 ? 0 : encI(JALR, 0, 0, rd, 0); // c.jr
          return encR(OP, 0, 0, rd, 0, rs2); // c.mv
        }
        if (rs2 === 0) return rd === 0 ? encI(SYSTEM, 0, 0, 0, 1) : encI(JALR, 0, 1, rd, 0); // c.ebreak, c.jalr
        return encR(OP, 0, 0, rd, rd, rs2); // c.add
      case 5: { // c.fsdsp
        const off = (bits(h, 12, 10) << 3) | (bits(h, 9, 7) << 6);
        return encS(STORE_FP, 3, 2, rs2, off);
      }
      case 6: return encS(STORE, 2, 2, rs2, (bits(h, 12, 9) << 2) | (bits(h, 8, 7) << 6)); // c.swsp
      default: return encS(STORE, 3, 2, rs2, (bits(h, 12, 10) << 3) | (bits(h, 9, 7) << 6)); // c.sdsp
    }
  }
  return 0; // op === 3 is a 32-bit instruction, not ours
}

/** Marks an entry of the expansion table that has not been computed yet (no expansion ends in 01). */
export const RVC_UNKNOWN = 1;

let table: Int32Array | undefined;
/**
 * The expansions of all 65536 parcels, filled on first use of each: the interpreter's fetch
 * looks compressed parcels up here and calls `compressedSlow` for entries <= RVC_UNKNOWN
 * (not yet computed, or illegal), which costs it no extra test.
 */
export function compressedTable(): Int32Array {
  if (!table) table = new Int32Array(65536).fill(RVC_UNKNOWN);
  return table;
}

/** Fills in the table entry for `h` and returns it (0 for an illegal parcel). */
export function compressedSlow(h: number): number {
  const t = compressedTable();
  if (t[h] === RVC_UNKNOWN) t[h] = expandCompressed(h);
  return t[h];
}
