/**
 * A few RV64 instructions as words, and a flat machine holding them, for engine tests that
 * build their guest code by hand (encoders from isa/riscv/encoding.ts).
 */
import { encB, encI, encR, encS, encU } from '../../src/isa/riscv/encoding.js';
import type { HartState } from '../../src/machine/hart.js';
import { FlatMemory, MAPPED, PROT_R, PROT_W } from '../../src/machine/memory.js';

export const addi = (rd: number, rs1: number, imm: number) => encI(0x13, 0, rd, rs1, imm);
export const add = (rd: number, rs1: number, rs2: number) => encR(0x33, 0, 0, rd, rs1, rs2);
export const sub = (rd: number, rs1: number, rs2: number) => encR(0x33, 0, 0x20, rd, rs1, rs2);
export const xor = (rd: number, rs1: number, rs2: number) => encR(0x33, 4, 0, rd, rs1, rs2);
export const lui = (rd: number, imm: number) => encU(0x37, rd, imm);
export const lw = (rd: number, rs1: number, imm: number) => encI(0x03, 2, rd, rs1, imm);
export const ld = (rd: number, rs1: number, imm: number) => encI(0x03, 3, rd, rs1, imm);
export const sh = (rs1: number, rs2: number, imm: number) => encS(0x23, 1, rs1, rs2, imm);
export const sw = (rs1: number, rs2: number, imm: number) => encS(0x23, 2, rs1, rs2, imm);
export const sd = (rs1: number, rs2: number, imm: number) => encS(0x23, 3, rs1, rs2, imm);
export const bne = (rs1: number, rs2: number, imm: number) => encB(0x63, 1, rs1, rs2, imm);
export const ECALL = 0x73;
export const EBREAK = 0x00100073;

export const CODE_AT = 0x10000, DATA_AT = 0x20000;

/**
 * A hart at CODE_AT running `code` (pages with `codeProt`), a read-write data page at DATA_AT,
 * in 1 MiB of flat memory. `wasm`: the memory is a WebAssembly.Memory holding the hart too, as
 * the process VM makes it for the translator (which then emits WebAssembly for integer code).
 */
export function flatMachine(code: number[], codeProt: number, opts: { wasm?: boolean } = {}): { hart: HartState; mem: FlatMemory } {
  const mem = new FlatMemory(1 << 20, { wasm: opts.wasm });
  const hart = mem.newHart();
  mem.protect(CODE_AT, 0x1000, codeProt | MAPPED);
  mem.protect(DATA_AT, 0x1000, PROT_R | PROT_W | MAPPED);
  code.forEach((w, k) => mem.dv.setInt32(CODE_AT + 4 * k, w, true));
  hart.pc = CODE_AT;
  return { hart, mem };
}
