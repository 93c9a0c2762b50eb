/**
 * `univm system`: the system VM from the command line, with the options users know from
 * `qemu-system-riscv64 -M virt -nographic` (-bios, -kernel, -initrd, -append, -m, -smp).
 */
import * as fs from 'node:fs';
import { Translator } from '../engines/translator/translator.js';
import { NodeConsole } from '../hosts/node/console.js';
import { BootError, planBoot, type ImageFile } from '../vms/system/boot.js';
import { MachineStuck, SystemVM } from '../vms/system/system-vm.js';
import { UsageError } from './errors.js';
import { parseSize } from './size.js';

/** Debian's OpenSBI (package opensbi): the firmware used when -bios is not given. */
export const DEFAULT_FIRMWARE = '/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin';

export const SYSTEM_HELP = `usage: univm system [options] [ELF]

Runs a whole RISC-V machine (RV64GC, M/S/U modes, Sv39/Sv48) compatible with
qemu-system-riscv64 -M virt: RAM at 0x80000000, CLINT, PLIC, NS16550A UART and the
sifive_test poweroff device. The console is this terminal (or a pipe).

options:
  -M, -machine virt      the machine (virt is the only one)
  -m SIZE                RAM size (default 128M; a plain number means MiB)
  -smp 1                 number of harts (1)
  -bios FILE|none        firmware at 0x80000000, a binary or an ELF (default: Debian's OpenSBI
                         ${DEFAULT_FIRMWARE}); none: the kernel
                         starts in M-mode
  -kernel FILE           the next stage: an ELF at its physical addresses, or a binary at the
                         first 2 MiB boundary after the firmware (S-mode under OpenSBI)
  -initrd FILE           initial ramdisk, announced in the device tree
  -append ARGS           kernel command line (/chosen/bootargs)
  -nographic             accepted for compatibility (the console is always stdio)
  --engine NAME          interp (default) or jit (translates hot code to JavaScript)
  --jit-threshold N      entries of a block before the jit translates it (default 32)
  --stats                print instructions retired, wall time and MIPS on exit
  --max-insns N          stop after N instructions (exit status 124)
  -h, --help             show this help

An ELF given alone (univm system prog.elf) is a bare-metal program: loaded at its physical
addresses and started in M-mode, with HTIF (tohost/fromhost) when it defines those symbols.
Console keys: Ctrl-A x quits, Ctrl-A h lists the others. The exit status is the one the guest
wrote to sifive_test or HTIF.`;

interface SystemOptions {
  ramSize: number;
  bios?: string;
  kernel?: string;
  initrd?: string;
  append?: string;
  elf?: string;
  engine: string;
  jitThreshold?: number;
  stats: boolean;
  maxInsns?: number;
}

function parseSystemArgs(argv: string[]): SystemOptions {
  const o: SystemOptions = { ramSize: 128 * 1024 * 1024, engine: 'interp', stats: false };
  for (let k = 0; k < argv.length; k++) {
    const a = argv[k];
    const val = () => {
      if (k + 1 >= argv.length) throw new UsageError(`univm: option ${a} needs a value (see univm system --help)`);
      return argv[++k];
    };
    if (!a.startsWith('-')) {
      if (o.elf !== undefined) throw new UsageError(`univm: unexpected argument '${a}' (one ELF at most; see univm system --help)`);
      o.elf = a;
      continue;
    }
    switch (a.replace(/^--(?=[a-z][a-z-]*$)/, '-')) {
      case '-M': case '-machine': {
        const m = val().split(',')[0];
        if (m !== 'virt') throw new UsageError(`univm: machine '${m}' is not available: univm models virt (HTIF works on it for ELFs that define tohost)`);
        break;
      }
      case '-m': o.ramSize = parseSize(val().replace(/^size=/, ''), 'RAM size for -m', 1024 * 1024); break;
      case '-smp': {
        const v = val();
        if (!/^(cpus=)?1$/.test(v)) throw new UsageError(`univm: -smp ${v}: univm has one hart for now`);
        break;
      }
      case '-bios': o.bios = val(); break;
      case '-kernel': o.kernel = val(); break;
      case '-initrd': o.initrd = val(); break;
      case '-append': o.append = val(); break;
      case '-nographic': break;
      case '-engine': o.engine = val(); break;
      case '-stats': o.stats = true; break;
      case '-jit-threshold': {
        const v = val();
        if (!/^[1-9]\d*$/.test(v)) throw new UsageError(`univm: --jit-threshold expects a positive whole number, got '${v}'`);
        o.jitThreshold = Number(v);
        break;
      }
      case '-max-insns': {
        const v = val();
        if (!/^\d+$/.test(v)) throw new UsageError(`univm: --max-insns expects a whole number, got '${v}'`);
        o.maxInsns = Number(v);
        break;
      }
      default: throw new UsageError(`univm: unknown option '${a}' (see univm system --help)`);
    }
  }
  if (!['interp', 'jit'].includes(o.engine)) throw new UsageError(`univm: unknown engine '${o.engine}' for system (available: interp, jit)`);
  if (o.ramSize % 4096 !== 0 || o.ramSize < 1024 * 1024 || o.ramSize > 2 ** 31) {
    throw new UsageError('univm: -m must be between 1M and 2G (a multiple of 4K)');
  }
  if (o.elf !== undefined) {
    if (o.kernel !== undefined) throw new UsageError(`univm: give either an ELF or -kernel, not both ('${o.elf}' and -kernel ${o.kernel})`);
    o.kernel = o.elf;
    o.bios ??= 'none';
  }
  return o;
}

function readImage(option: string, file: string): ImageFile {
  try {
    if (fs.statSync(file).isDirectory()) throw new UsageError(`univm: ${option} ${file}: is a directory`);
    return { name: file, bytes: fs.readFileSync(file) };
  } catch (e) {
    if (e instanceof UsageError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'No such file or directory' : code === 'EACCES' ? 'Permission denied' : (e as Error).message;
    const hint = option === '-bios' && file === DEFAULT_FIRMWARE ? ' (install Debian\'s opensbi package, or give -bios FILE or -bios none)' : '';
    throw new UsageError(`univm: ${option} ${file}: ${why}${hint}`);
  }
}

export async function systemCommand(argv: string[]): Promise<number> {
  if (argv.includes('-h') || argv.includes('--help')) {
    process.stdout.write(SYSTEM_HELP + '\n');
    return 0;
  }
  const o = parseSystemArgs(argv);
  const biosFile = o.bios === 'none' ? undefined : o.bios === undefined || o.bios === 'default' ? DEFAULT_FIRMWARE : o.bios;
  const bios = biosFile ? readImage('-bios', biosFile) : undefined;
  const kernel = o.kernel ? readImage('-kernel', o.kernel) : undefined;
  const initrd = o.initrd ? readImage('-initrd', o.initrd) : undefined;
  let plan;
  try {
    plan = planBoot({ bios, kernel, initrd, append: o.append, ramSize: o.ramSize });
  } catch (e) {
    if (e instanceof BootError) throw new UsageError(`univm: ${e.message}`);
    throw e;
  }

  let vm: SystemVM | undefined;
  const con = new NodeConsole({
    onInput: (bytes) => vm?.input(bytes),
    onQuit: () => vm?.powerOff(0),
  });
  vm = new SystemVM({
    ramSize: o.ramSize, plan, bootargs: o.append, maxInsns: o.maxInsns,
    output: (bytes) => con.writeBytes(bytes),
    engine: o.engine === 'jit' ? (hart, mem, csr) => new Translator(hart, mem, csr, { hotThreshold: o.jitThreshold }) : undefined,
  });
  const t0 = performance.now();
  con.start();
  let status: number;
  try {
    status = await vm.run();
  } catch (e) {
    con.stop();
    if (e instanceof MachineStuck) {
      process.stderr.write(e.message + '\n');
      return 1;
    }
    throw e;
  }
  con.stop();
  if (o.stats) {
    const s = (performance.now() - t0) / 1000;
    const st = vm.mem.stats;
    process.stderr.write(`univm: ${vm.instret} instructions in ${s.toFixed(2)} s (${(vm.instret / s / 1e6).toFixed(1)} MIPS); ` +
      `TLB flushes ${st.tlbFlushes}, page walks ${st.walks}, device accesses ${st.deviceAccesses}\n`);
    if (vm.engine instanceof Translator) process.stderr.write(`univm: ${vm.engine.summary(vm.instret)}\n`);
  }
  if (status === 124 && o.maxInsns !== undefined) process.stderr.write(`univm: stopped after ${o.maxInsns} instructions (--max-insns)\n`);
  return status;
}
