/**
 * What a virt machine holds at power-on, the way QEMU 7.2's virt machine lays it out:
 *
 *   - firmware (-bios) at the start of RAM, 0x80000000: a flat binary, or an ELF at its
 *     physical addresses; `-bios none` means no firmware, the kernel starts in M-mode;
 *   - the kernel (-kernel) at its ELF physical addresses, or a flat binary at the first 2 MiB
 *     boundary after the firmware (0x80200000 for OpenSBI);
 *   - the initrd (-initrd) at kernel + min(RAM/2, 128 MiB), announced in /chosen;
 *   - the device tree at the last 2 MiB boundary that leaves room for it below the end of RAM
 *     (or 3 GiB);
 *   - a reset ROM at 0x1000 that enters the firmware with a0 = hartid, a1 = the device tree and
 *     a2 = OpenSBI's fw_dynamic_info (next stage: the kernel, in S-mode).
 *
 * An ELF that defines `tohost` gets the HTIF device (htif.ts) at that address.
 */
import { encI, encU } from '../../isa/riscv/encoding.js';
import { ElfError, findSymbol, parseElf, PT_LOAD, type ElfImage } from '../elf.js';
import { hex } from './bus.js';
import { VIRT } from './virt-map.js';

/** A mistake in what the user asked to boot: one line for the user, exit status 2. */
export class BootError extends Error {}

export interface ImageFile { name: string; bytes: Uint8Array }

export interface BootRequest {
  /** Firmware; undefined = none (the kernel, or the only image, runs in M-mode). */
  bios?: ImageFile;
  kernel?: ImageFile;
  initrd?: ImageFile;
  append?: string;
  ramSize: number;
}

export interface Segment { what: string; addr: number; bytes: Uint8Array; size: number }

export interface BootPlan {
  segments: Segment[];
  /** Where the reset ROM jumps. */
  start: number;
  /** Next stage for fw_dynamic (the kernel), 0 when none. */
  nextStage: number;
  initrd?: { start: number; end: number };
  /** Device tree address (the DTB itself is built by the platform). */
  fdtAddr: number;
  htif?: { tohost: number; fromhost?: number };
}

const MiB = 1024 * 1024;
const ELF_MAGIC = [0x7f, 0x45, 0x4c, 0x46];
const isElf = (b: Uint8Array) => ELF_MAGIC.every((m, k) => b[k] === m);

function elfOf(f: ImageFile, role: string): ElfImage {
  try {
    return parseElf(f.bytes);
  } catch (e) {
    if (e instanceof ElfError) throw new BootError(`${role} ${f.name}: ${e.message}`);
    throw e;
  }
}

function elfSegments(img: ElfImage, f: ImageFile, role: string): Segment[] {
  return img.phdrs.filter((p) => p.type === PT_LOAD && p.memsz > 0).map((p) => ({
    what: `${role} ${f.name}`, addr: p.paddr, size: p.memsz, bytes: img.bytes.subarray(p.offset, p.offset + p.filesz),
  }));
}

function htifOf(img: ElfImage): BootPlan['htif'] {
  const tohost = findSymbol(img, 'tohost');
  return tohost === undefined ? undefined : { tohost, fromhost: findSymbol(img, 'fromhost') };
}

export function planBoot(req: BootRequest): BootPlan {
  const ramStart = VIRT.dramBase, ramEnd = VIRT.dramBase + req.ramSize;
  const segments: Segment[] = [];
  let start: number = ramStart, firmwareEnd: number = ramStart, nextStage = 0;
  let htif: BootPlan['htif'];
  if (req.bios) {
    if (isElf(req.bios.bytes)) {
      const img = elfOf(req.bios, '-bios');
      const segs = elfSegments(img, req.bios, '-bios');
      segments.push(...segs);
      start = img.entry;
      firmwareEnd = Math.max(...segs.map((s) => s.addr + s.size));
      htif = htifOf(img);
    } else {
      segments.push({ what: `-bios ${req.bios.name}`, addr: ramStart, bytes: req.bios.bytes, size: req.bios.bytes.length });
      firmwareEnd = ramStart + req.bios.bytes.length;
    }
  }
  let kernelEntry = 0;
  if (req.kernel) {
    if (isElf(req.kernel.bytes)) {
      const img = elfOf(req.kernel, '-kernel');
      segments.push(...elfSegments(img, req.kernel, '-kernel'));
      kernelEntry = img.entry;
      htif ??= htifOf(img);
    } else {
      kernelEntry = req.bios ? Math.ceil(firmwareEnd / (2 * MiB)) * 2 * MiB : ramStart;
      segments.push({ what: `-kernel ${req.kernel.name}`, addr: kernelEntry, bytes: req.kernel.bytes, size: req.kernel.bytes.length });
    }
    if (req.bios) nextStage = kernelEntry;
    else start = kernelEntry;
  } else if (!req.bios) {
    throw new BootError('nothing to boot: give -kernel FILE, -bios FILE, or an ELF program');
  }
  let initrd: BootPlan['initrd'];
  if (req.initrd) {
    if (!req.kernel) throw new BootError('-initrd needs -kernel');
    const at = kernelEntry + Math.min(req.ramSize / 2, 128 * MiB);
    segments.push({ what: `-initrd ${req.initrd.name}`, addr: at, bytes: req.initrd.bytes, size: req.initrd.bytes.length });
    initrd = { start: at, end: at + req.initrd.bytes.length };
  }
  const top = ramStart < 3072 * MiB ? Math.min(ramEnd, 3072 * MiB) : ramEnd;
  // The DTB is at most 1 MiB here (QEMU pads its tree to a fixed size too).
  const fdtAddr = Math.floor((top - 1 * MiB) / (2 * MiB)) * 2 * MiB;
  segments.push({ what: 'the device tree', addr: fdtAddr, bytes: new Uint8Array(0), size: 1 * MiB });

  for (const s of segments) {
    if (s.addr < ramStart || s.addr + s.size > ramEnd) {
      throw new BootError(`${s.what} (${s.size} bytes at ${hex(s.addr)}) does not fit in RAM ` +
        `(${hex(ramStart)}-${hex(ramEnd - 1)}); give more memory with -m or check the load address`);
    }
  }
  const sorted = [...segments].sort((a, b) => a.addr - b.addr);
  for (let k = 1; k < sorted.length; k++) {
    const a = sorted[k - 1], b = sorted[k];
    if (a.addr + a.size > b.addr && a.what !== b.what) {
      throw new BootError(`${a.what} (${hex(a.addr)}-${hex(a.addr + a.size - 1)}) overlaps ${b.what} (${hex(b.addr)}-${hex(b.addr + b.size - 1)})`);
    }
  }
  return { segments: segments.filter((s) => s.bytes.length > 0), start, nextStage, initrd, fdtAddr, htif };
}

/** The reset ROM's contents (placed at VIRT.mrom.base). */
export function resetRom(plan: BootPlan, hartId = 0): Uint8Array {
  const T0 = 5, A0 = 10, A1 = 11, A2 = 12;
  const DATA = 24; // start address at +24, device tree at +32, fw_dynamic_info at +40
  const code = [
    encU(0x17, T0, 0), //            auipc t0, 0
    encI(0x13, 0, A2, T0, DATA + 16), // addi  a2, t0, 40: fw_dynamic_info
    encI(0x73, 2, A0, 0, 0xf14), //  csrr  a0, mhartid
    encI(0x03, 3, A1, T0, DATA + 8), // ld    a1, 32(t0): device tree
    encI(0x03, 3, T0, T0, DATA), //  ld    t0, 24(t0): start
    encI(0x67, 0, 0, T0, 0), //      jr    t0
  ];
  const rom = new Uint8Array(DATA + 16 + 6 * 8);
  const dv = new DataView(rom.buffer);
  code.forEach((w, k) => dv.setInt32(4 * k, w, true));
  dv.setBigUint64(DATA, BigInt(plan.start), true);
  dv.setBigUint64(DATA + 8, BigInt(plan.fdtAddr), true);
  // OpenSBI's struct fw_dynamic_info (version 2): magic "OSBI", version, next_addr, next_mode (1 = S), options, boot_hart.
  const info = [0x4942534fn, 2n, BigInt(plan.nextStage), 1n, 0n, BigInt(hartId)];
  info.forEach((v, k) => dv.setBigUint64(DATA + 16 + 8 * k, v, true));
  return rom;
}
