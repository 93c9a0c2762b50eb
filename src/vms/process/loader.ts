/**
 * Builds a Linux process image the way the kernel's binfmt_elf does: map the executable's
 * segments (at a fixed base when it is position independent), map the dynamic linker if it
 * asks for one, then lay out the initial stack: argc, argv, envp, auxv and the strings and
 * random bytes they point to.
 */
import { HartState } from '../../machine/hart.js';
import { MAPPED, PAGE_SIZE, PROT_R, PROT_W, PROT_X } from '../../machine/memory.js';
import { ElfError, ET_DYN, parseElf, PF_R, PF_W, PF_X, PT_LOAD, PT_PHDR, type ElfImage } from '../elf.js';
import { AddressSpace, pageAlignDown, pageAlignUp } from './address-space.js';

/** Where a position-independent executable goes (Linux puts it at 2/3 of the address space; any fixed spot will do). */
export const PIE_BASE = 0x01000000;

export const AT = {
  NULL: 0, PHDR: 3, PHENT: 4, PHNUM: 5, PAGESZ: 6, BASE: 7, FLAGS: 8, ENTRY: 9, UID: 11, EUID: 12, GID: 13, EGID: 14,
  PLATFORM: 15, HWCAP: 16, CLKTCK: 17, SECURE: 23, RANDOM: 25, EXECFN: 31,
} as const;

/** RV64GC in the single-letter AT_HWCAP bits the riscv kernel reports: I M A F D C. */
export const HWCAP_RV64GC = [..."IMAFDC"].reduce((m, c) => m | (1 << (c.charCodeAt(0) - 65)), 0);

export interface LoadRequest {
  exe: Uint8Array;
  /** Guest path of the executable, for AT_EXECFN and argv[0] defaults. */
  exePath: string;
  argv: string[];
  envp: string[];
  /** Reads the dynamic linker named by PT_INTERP; throws ElfError-worthy errors as strings. */
  readInterpreter(path: string): Uint8Array;
  random16: Uint8Array;
  ids: { uid: number; gid: number };
}

export interface LoadedProcess {
  entry: number;
  exeBias: number;
  interpBase: number;
  /** The highest address of the executable's image: the program break starts here. */
  imageEnd: number;
  sp: number;
}

const protOf = (flags: number) => (flags & PF_R ? PROT_R : 0) | (flags & PF_W ? PROT_W : 0) | (flags & PF_X ? PROT_X : 0);

function span(img: ElfImage): { lo: number; hi: number } {
  const loads = img.phdrs.filter((p) => p.type === PT_LOAD);
  return { lo: pageAlignDown(Math.min(...loads.map((p) => p.vaddr))), hi: pageAlignUp(Math.max(...loads.map((p) => p.vaddr + p.memsz))) };
}

/** Maps every PT_LOAD of `img` at `bias`; pages shared by two segments get both protections. */
function mapImage(space: AddressSpace, img: ElfImage, bias: number, what: string): void {
  const mem = space.mem;
  for (const p of img.phdrs) {
    if (p.type !== PT_LOAD || p.memsz === 0) continue;
    const start = pageAlignDown(p.vaddr + bias), end = pageAlignUp(p.vaddr + bias + p.memsz);
    if (start < PAGE_SIZE || end > space.mmapTop) {
      throw new ElfError(`${what}: segment at 0x${(p.vaddr + bias).toString(16)} lies outside the guest address space (0x${PAGE_SIZE.toString(16)}-0x${space.mmapTop.toString(16)}); try a larger -R`);
    }
    for (let a = start; a < end; a += PAGE_SIZE) mem.perm[a / PAGE_SIZE] |= protOf(p.flags) | MAPPED;
    mem.u8.set(img.bytes.subarray(p.offset, p.offset + p.filesz), p.vaddr + bias);
  }
}

export function loadProcess(space: AddressSpace, hart: HartState, req: LoadRequest): LoadedProcess {
  const exe = parseElf(req.exe);
  const exeSpan = span(exe);
  const exeBias = exe.type === ET_DYN && exeSpan.lo === 0 ? PIE_BASE : 0;
  mapImage(space, exe, exeBias, 'executable');
  const imageEnd = exeSpan.hi + exeBias;

  let interpBase = 0;
  let entry = exe.entry + exeBias;
  if (exe.interp) {
    let bytes: Uint8Array;
    try { bytes = req.readInterpreter(exe.interp); } catch (e) { throw new ElfError(`${(e as Error).message}`); }
    let interp: ElfImage;
    try { interp = parseElf(bytes); } catch (e) { throw new ElfError(`dynamic linker ${exe.interp}: ${(e as Error).message}`); }
    const is = span(interp);
    const base = space.findFree(is.hi - is.lo);
    if (base === undefined) throw new ElfError('no room for the dynamic linker; try a larger -R');
    interpBase = base - is.lo;
    mapImage(space, interp, interpBase, `dynamic linker ${exe.interp}`);
    entry = interp.entry + interpBase;
  }

  // The executable's program headers as mapped in memory (PT_PHDR, or inside the first segment).
  const phdrSeg = exe.phdrs.find((p) => p.type === PT_PHDR);
  const firstLoad = exe.phdrs.find((p) => p.type === PT_LOAD && p.offset <= exe.phoff && exe.phoff < p.offset + p.filesz);
  const phdrAddr = phdrSeg ? phdrSeg.vaddr + exeBias : firstLoad ? firstLoad.vaddr - firstLoad.offset + exe.phoff + exeBias : 0;

  space.mapFixed(space.stackTop - space.stackSize, space.stackSize, PROT_R | PROT_W);
  const sp = buildStack(space, req, [
    [AT.PHDR, phdrAddr], [AT.PHENT, 56], [AT.PHNUM, exe.phnum], [AT.PAGESZ, PAGE_SIZE], [AT.BASE, interpBase],
    [AT.FLAGS, 0], [AT.ENTRY, exe.entry + exeBias], [AT.UID, req.ids.uid], [AT.EUID, req.ids.uid],
    [AT.GID, req.ids.gid], [AT.EGID, req.ids.gid], [AT.HWCAP, HWCAP_RV64GC], [AT.CLKTCK, 100], [AT.SECURE, 0],
  ]);
  hart.x.fill(0n);
  hart.x[2] = BigInt(sp);
  hart.pc = entry;
  return { entry, exeBias, interpBase, imageEnd, sp };
}

function buildStack(space: AddressSpace, req: LoadRequest, aux: [number, number][]): number {
  const mem = space.mem;
  const enc = new TextEncoder();
  let p = space.stackTop;
  const pushBytes = (b: Uint8Array) => { p -= b.length; mem.u8.set(b, p); return p; };
  const pushString = (s: string) => pushBytes(enc.encode(s + '\0'));
  const execfn = pushString(req.exePath);
  const envAddrs = req.envp.map(pushString);
  const argAddrs = req.argv.map(pushString);
  p -= p % 16;
  const random = pushBytes(req.random16);
  const platform = pushString('riscv64');
  aux = [...aux, [AT.RANDOM, random], [AT.EXECFN, execfn], [AT.PLATFORM, platform], [AT.NULL, 0]];
  const words = [req.argv.length, ...argAddrs, 0, ...envAddrs, 0, ...aux.flat()];
  p -= words.length * 8;
  p -= p % 16;
  if (p < space.stackTop - space.stackSize + PAGE_SIZE) throw new ElfError('arguments and environment do not fit on the stack');
  words.forEach((w, k) => mem.dv.setBigUint64(p + k * 8, BigInt(w), true));
  return p;
}
