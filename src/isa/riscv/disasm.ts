import { CSR_NAMES } from './csrs.js';
import { decode } from './decoder.js';
import { field, immediate } from './encoding.js';
import { F_NAMES, RM_NAMES, X_NAMES } from './registers.js';

const hex = (n: number | bigint) => BigInt.asUintN(64, typeof n === 'bigint' ? n : BigInt(n)).toString(16);
/** A fence's predecessor or successor set, in objdump's letters. */
const ioSet = (bits: number) => ['i', 'o', 'r', 'w'].filter((_, k) => bits & (8 >> k)).join('');

/**
 * Disassembles one instruction at `pc` from its first parcel(s). Compressed instructions are
 * shown as the base instruction they expand to, marked with a `c.` prefix.
 */
export function disassemble(raw: number, pc: number): string {
  const dec = decode(raw);
  if (!dec) return `.insn 0x${hex((raw & 3) === 3 ? raw >>> 0 : raw & 0xffff)}`;
  const { def, word: i } = dec;
  const imm = immediate[def.imm](i);
  if (def.name === 'fence') {
    const fm = i >>> 28, pred = (i >>> 24) & 15, succ = (i >>> 20) & 15;
    if (fm === 8 && pred === 3 && succ === 3) return 'fence.tso';
    return pred === 15 && succ === 15 ? 'fence' : `fence ${ioSet(pred)},${ioSet(succ)}`;
  }
  // LR/SC/AMO ordering bits aq (26) and rl (25) as objdump's mnemonic suffixes.
  const order = def.ext === 'A' ? ['', '.rl', '.aq', '.aqrl'][(i >>> 25) & 3] : '';
  const ops = def.args.split(',').filter(Boolean).map((a) => {
    const m = /^(imm|)\((rs1)\)$/.exec(a);
    if (m) return `${m[1] ? imm : ''}(${X_NAMES[field.rs1(i)]})`;
    switch (a) {
      case 'rd': case 'rs1': case 'rs2': case 'rs3': return X_NAMES[field[a](i)];
      case 'frd': case 'frs1': case 'frs2': case 'frs3': return F_NAMES[field[a.slice(1) as 'rd'](i)];
      case 'imm': return String(imm);
      case 'uimm': return `0x${hex((imm >>> 12) & 0xfffff)}`;
      case 'shamt': return String(field.shamt(i) & (def.name.endsWith('w') ? 31 : 63));
      case 'target': return `0x${hex(pc + imm)}`;
      case 'csr': return CSR_NAMES[field.csr(i)] ?? `0x${hex(field.csr(i))}`;
      case 'zimm': return String(field.rs1(i));
      case 'rm': return field.rm(i) === 7 ? '' : RM_NAMES[field.rm(i)];
      default: return a;
    }
  }).filter(Boolean);
  return `${dec.len === 2 ? 'c.' : ''}${def.name}${order}${ops.length ? ' ' + ops.join(',') : ''}`;
}
