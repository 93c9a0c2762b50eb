/**
 * ELF64 little-endian RISC-V images: just enough structure for loaders (program headers,
 * entry, interpreter, symbols), with every inconsistency reported as an ElfError that names
 * the problem in words a user can act on.
 */
export class ElfError extends Error {}

export const PT_LOAD = 1, PT_INTERP = 3, PT_PHDR = 6;
export const PF_X = 1, PF_W = 2, PF_R = 4;
export const ET_EXEC = 2, ET_DYN = 3;
const EM_RISCV = 243;

export interface ProgramHeader {
  type: number; flags: number; offset: number; vaddr: number; paddr: number; filesz: number; memsz: number; align: number;
}

export interface ElfImage {
  bytes: Uint8Array;
  type: number;
  entry: number;
  phoff: number;
  phentsize: number;
  phnum: number;
  phdrs: ProgramHeader[];
  /** Path of the dynamic linker (PT_INTERP), if any. */
  interp?: string;
}

export function parseElf(bytes: Uint8Array): ElfImage {
  if (bytes.length < 4 || bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) throw new ElfError('not an ELF file');
  if (bytes.length < 64) throw new ElfError('truncated ELF header');
  if (bytes[4] !== 2) throw new ElfError(bytes[4] === 1 ? '32-bit ELF; univm runs RV64 (64-bit) programs' : 'corrupt ELF header (bad class)');
  if (bytes[5] !== 1) throw new ElfError('big-endian ELF; RISC-V programs are little-endian');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u64 = (off: number) => {
    const v = dv.getBigUint64(off, true);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new ElfError(`corrupt ELF header (value 0x${v.toString(16)} out of range)`);
    return Number(v);
  };
  const type = dv.getUint16(16, true);
  const machine = dv.getUint16(18, true);
  if (machine !== EM_RISCV) throw new ElfError(`ELF for another machine (e_machine ${machine}${MACHINE_NAMES[machine] ? `, ${MACHINE_NAMES[machine]}` : ''}), not RISC-V`);
  if (type !== ET_EXEC && type !== ET_DYN) throw new ElfError(`not an executable (ELF type ${type}${type === 1 ? ', a relocatable object: link it first' : type === 4 ? ', a core dump' : ''})`);
  const entry = u64(24);
  const phoff = u64(32);
  const phentsize = dv.getUint16(54, true);
  const phnum = dv.getUint16(56, true);
  if (phnum === 0) throw new ElfError('no program headers');
  if (phentsize !== 56) throw new ElfError(`corrupt ELF header (program header size ${phentsize}, expected 56)`);
  if (phoff + phnum * 56 > bytes.length) throw new ElfError('truncated ELF file (program headers past the end)');
  const phdrs: ProgramHeader[] = [];
  for (let k = 0; k < phnum; k++) {
    const o = phoff + k * 56;
    const ph: ProgramHeader = {
      type: dv.getUint32(o, true), flags: dv.getUint32(o + 4, true), offset: u64(o + 8), vaddr: u64(o + 16),
      paddr: u64(o + 24), filesz: u64(o + 32), memsz: u64(o + 40), align: u64(o + 48),
    };
    if (ph.type === PT_LOAD) {
      if (ph.offset + ph.filesz > bytes.length) throw new ElfError(`truncated ELF file (segment ${k} extends past the end of the file)`);
      if (ph.filesz > ph.memsz) throw new ElfError(`corrupt program header ${k} (file size larger than memory size)`);
    }
    phdrs.push(ph);
  }
  if (!phdrs.some((p) => p.type === PT_LOAD)) throw new ElfError('no loadable segments');
  const img: ElfImage = { bytes, type, entry, phoff, phentsize, phnum, phdrs };
  const ip = phdrs.find((p) => p.type === PT_INTERP);
  if (ip) {
    if (ip.offset + ip.filesz > bytes.length) throw new ElfError('truncated ELF file (interpreter path past the end)');
    img.interp = new TextDecoder().decode(bytes.subarray(ip.offset, ip.offset + ip.filesz)).replace(/\0.*$/s, '');
  }
  return img;
}

const MACHINE_NAMES: Record<number, string> = { 3: 'x86', 40: 'ARM', 62: 'x86-64', 183: 'AArch64', 8: 'MIPS', 20: 'PowerPC', 21: 'PowerPC64', 22: 'S/390' };

/** Looks up a symbol's value in the static symbol table (.symtab), e.g. `tohost` for HTIF. */
export function findSymbol(img: ElfImage, name: string): number | undefined {
  const b = img.bytes;
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const shoff = Number(dv.getBigUint64(40, true));
  const shentsize = dv.getUint16(58, true), shnum = dv.getUint16(60, true);
  if (!shoff || shentsize !== 64 || shoff + shnum * 64 > b.length) return undefined;
  for (let k = 0; k < shnum; k++) {
    const sh = shoff + k * 64;
    if (dv.getUint32(sh + 4, true) !== 2 /* SHT_SYMTAB */) continue;
    const off = Number(dv.getBigUint64(sh + 24, true)), size = Number(dv.getBigUint64(sh + 32, true));
    const strSh = shoff + dv.getUint32(sh + 40, true) * 64;
    const strOff = Number(dv.getBigUint64(strSh + 24, true));
    for (let s = off; s + 24 <= off + size && s + 24 <= b.length; s += 24) {
      let p = strOff + dv.getUint32(s, true), n = '';
      while (p < b.length && b[p] !== 0) n += String.fromCharCode(b[p++]);
      if (n === name) return Number(dv.getBigUint64(s + 8, true));
    }
  }
  return undefined;
}
