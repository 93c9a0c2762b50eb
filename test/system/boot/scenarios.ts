/**
 * The firmware boot scenarios shared by the recorder (record.ts), the boot test and the
 * benchmark: which firmware, the command lines for QEMU and univm, what is typed at U-Boot's
 * prompt, how a transcript splits into sections, and which lines may differ and why.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { REPO } from '../../support/repo.js';
import { ConsoleScript, consoleText, PROMPT } from './console.js';

export const BOOT_DIR = path.join(REPO, 'test', 'system', 'boot');
export const GOLDEN_DIR = path.join(BOOT_DIR, 'golden');
export const MANIFEST = path.join(GOLDEN_DIR, 'manifest.json');

/** Debian bookworm's firmware: packages opensbi (1.1) and u-boot-qemu (2023.01). */
export const FIRMWARE = {
  fw_jump: '/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin',
  fw_dynamic: '/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin',
  uboot_smode: '/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin',
  uboot_mmode: '/usr/lib/u-boot/qemu-riscv64/u-boot.bin',
} as const;
export type FirmwareName = keyof typeof FIRMWARE;

/**
 * QEMU 7.2's default CPU reports H, Zba/Zbb/Zbc/Zbs and Zihintpause, which univm's hart does
 * not have; switched off, QEMU's device tree says `rv64imafdc_zicsr_zifencei_sstc` like
 * univm's (system-vm.ts) and OpenSBI delegates the same traps.
 */
export const QEMU_CPU = 'rv64,h=off,zba=off,zbb=off,zbc=off,zbs=off,Zihintpause=off';
const MACHINE = ['-M', 'virt', '-m', '256M', '-smp', '1'];

export interface Scenario {
  name: string;
  about: string;
  bios: FirmwareName;
  kernel?: FirmwareName;
  script: ConsoleScript;
}

/** Commands whose answers depend only on the firmware and the CPU's behaviour. */
const COMMON = [
  'version',
  'coninfo',
  'md 0x1000 0x16',
  'md 0x80200000 4',
  'setexpr x 0x12345678 * 0x9abcdef; echo ${x}',
  'random 0x84000000 0x10000 7; crc32 0x84000000 0x10000',
  // No `cp`: without a cfi-flash node U-Boot never initialises its flash table and then takes
  // every destination for flash ("Copy to Flash... Flash not Erased"), which tests U-Boot.
  'crc32 0x84000000 0x10000 0x84100003; md.b 0x84100000 8; cmp.b 0x84000000 0x84000001 4',
  'mw.q 0x84200000 0x0123456789abcdef 4; md.l 0x84200000 8',
  'sleep 1',
];

export const SCENARIOS: Scenario[] = [
  {
    name: 'fw_jump',
    about: 'OpenSBI fw_jump (jumps to 0x80200000, DT at 0x82200000) and S-mode U-Boot as -kernel',
    bios: 'fw_jump', kernel: 'uboot_smode',
    script: { commands: [...COMMON, 'help', 'bdinfo', 'printenv', 'sbi'], quit: 'ctrl-a-x' },
  },
  {
    name: 'fw_dynamic',
    about: 'OpenSBI fw_dynamic (told where to go by the fw_dynamic_info the reset ROM passes in a2) and S-mode U-Boot; a PMP fault resets the machine; ends with poweroff',
    bios: 'fw_dynamic', kernel: 'uboot_smode',
    // S-mode may not read OpenSBI's memory (PMP): U-Boot's trap handler reports the access
    // fault and resets the machine through SBI, so the whole boot runs a second time.
    script: { commands: [...COMMON, 'bdinfo', 'sbi', 'md 0x80000000 4', 'version', 'poweroff'], quit: 'poweroff' },
  },
  {
    name: 'mmode',
    about: 'M-mode U-Boot as -bios, no OpenSBI',
    bios: 'uboot_mmode',
    script: { commands: [...COMMON, 'md 0x80000000 4', 'bdinfo', 'printenv'], quit: 'ctrl-a-x' },
  },
];

function firmwareArgs(s: Scenario): string[] {
  return ['-bios', FIRMWARE[s.bios], ...(s.kernel ? ['-kernel', FIRMWARE[s.kernel]] : []), '-nographic'];
}

export function qemuArgs(s: Scenario): string[] {
  return [...MACHINE, '-cpu', QEMU_CPU, '-nic', 'none', ...firmwareArgs(s)];
}

export function univmArgs(s: Scenario, engine?: string): string[] {
  return ['system', ...(engine ? ['--engine', engine] : []), ...MACHINE, ...firmwareArgs(s)];
}

export function missingFirmware(s: Scenario): string[] {
  return [s.bios, s.kernel].filter((f): f is FirmwareName => f !== undefined && !existsSync(FIRMWARE[f])).map((f) => FIRMWARE[f]);
}

export function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

export interface Manifest {
  qemu: string;
  qemuArgs: Record<string, string[]>;
  firmware: Record<string, string>;
  commands: Record<string, string[]>;
  status: Record<string, number | undefined>;
}

export function readManifest(): Manifest {
  return JSON.parse(readFileSync(MANIFEST, 'utf8')) as Manifest;
}

export const goldenLog = (s: Scenario) => path.join(GOLDEN_DIR, `${s.name}.log`);

/** Installed firmware whose bytes are not those the goldens were recorded with. */
export function changedFirmware(m: Manifest, s: Scenario): string[] {
  return [s.bios, s.kernel].filter((f): f is FirmwareName => f !== undefined)
    .filter((f) => m.firmware[f] !== sha256(FIRMWARE[f])).map((f) => FIRMWARE[f]);
}

export interface Transcript {
  /** Lines up to the first prompt: OpenSBI's banner (if any) and U-Boot's start. */
  boot: string[];
  /** Per command: the lines it printed (its echo dropped). */
  answers: { command: string; lines: string[] }[];
  /** What came after the last prompt (QEMU's "QEMU: Terminated"). */
  trailer: string;
}

/** Splits a console log at U-Boot's prompts. */
export function splitTranscript(stdout: Buffer, commands: string[]): Transcript {
  const parts = consoleText(stdout).split(`\n${PROMPT}`);
  const lines = (s: string) => { const l = s.split('\n'); if (l[l.length - 1] === '') l.pop(); return l; };
  const answers = commands.map((command, i) => {
    const part = parts[i + 1] ?? '';
    const nl = part.indexOf('\n');
    const echo = nl < 0 ? part : part.slice(0, nl);
    return { command, lines: echo === command ? lines(part.slice(nl + 1)) : [`<no answer: got ${JSON.stringify(part.slice(0, 200))}>`] };
  });
  return { boot: lines(parts[0]), answers, trailer: parts.slice(commands.length + 1).join(`\n${PROMPT}`) };
}

/**
 * A line that may differ: in `section` (`boot`, or a command's first word; everywhere when
 * absent, as a command may restart the machine), the part of the line after the pattern's
 * first group is replaced by `<why>`; with `drop`, the line is left out altogether (one
 * machine prints it, the other has nothing to say).
 */
export interface Mask { section?: string; pattern: RegExp; why: string; drop?: boolean }

/** Lines that differ between two runs of the same machine. */
export const VARIABLE: Mask[] = [
  { pattern: /^(Hit any key to stop autoboot:).*$/, why: 'the countdown shows when the key arrived' },
];

/**
 * Lines that describe the machine rather than what the firmware did with it. QEMU's virt
 * machine always has flash, virtio-mmio transports, PCIe, an RTC and fw-cfg, which univm's
 * does not (so U-Boot counts other devices and its device tree is smaller, moving
 * everything placed below it), and the hart's CSRs differ where the ISA leaves a choice.
 */
export const MACHINE_LINES: Mask[] = [
  { pattern: /^(Boot HART MHPM Count\s*:).*$/, why: 'implemented mhpmcounters' },
  { pattern: /^(Core:).*$/, why: 'U-Boot device count: QEMU has flash, virtio-mmio, PCIe, RTC' },
  { pattern: /^(Flash:).*$/, why: 'QEMU has two CFI flash banks; without any U-Boot says nothing', drop: true },
  { pattern: /^(Working FDT set to).*$/, why: 'U-Boot copies the device tree below its stack; ours is smaller' },
  { section: 'bdinfo', pattern: /^(flash(?:start|size|offset)\s*=).*$/, why: 'QEMU has flash' },
  { section: 'bdinfo', pattern: /^((?:fdt_blob|new_fdt|fdt_size)\s*=).*$/, why: 'device tree size and place' },
  { section: 'bdinfo', pattern: /^( reserved\[\d+\]\s+)\[0x[0-9a-f]+-0x8fffffff\].*$/, why: 'U-Boot\'s stack and device tree at the top of RAM' },
  { section: 'printenv', pattern: /^((?:fdt_addr|fdtaddr|fdtcontroladdr)=).*$/, why: 'where the device tree was relocated' },
  { section: 'sbi', pattern: /^(\s*(?:Vendor|Architecture|Implementation) ID).*$/, why: 'mvendorid, marchid, mimpid' },
];

export const masks = (m: Mask, section: string, line: string) => (m.section === undefined || m.section === section) && m.pattern.test(line);

export function applyMasks(lines: string[], section: string, list: Mask[]): string[] {
  return lines.flatMap((line) => {
    const m = list.find((x) => masks(x, section, line));
    return !m ? [line] : m.drop ? [] : [line.replace(m.pattern, (_all, keep: string) => `${keep} <${m.why}>`)];
  });
}

/** Section name of a command's answer: its first word (`md`, `bdinfo`, ...). */
export const sectionOf = (command: string) => command.split(/[ .;]/)[0];
