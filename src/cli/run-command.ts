/**
 * `univm run`: the process VM from the command line, with the options users know from
 * qemu-riscv64 (-L, -E, -U, -strace, -R, -0) plus univm's own (--mount, --trace, --stats...).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { disassemble } from '../isa/riscv/disasm.js';
import { ElfError } from '../vms/elf.js';
import type { MountSpec } from '../vms/process/kernel.js';
import { ProcessVM } from '../vms/process/process-vm.js';
import { Translator } from '../engines/translator/translator.js';
import { CheckEngine, DIVERGENCE_STATUS, LockstepDivergence } from '../engines/check/check-engine.js';
import { NodeHost } from '../hosts/node/node-host.js';
import { UsageError } from './errors.js';
import { parseSize } from './size.js';

export const RUN_HELP = `usage: univm run [options] PROGRAM [ARGS...]

Runs a Linux RISC-V (RV64GC) program, like qemu-riscv64.

options:
  -L DIR                 sysroot for dynamically linked programs: the dynamic linker and
                         libraries are looked up under DIR first
                         (default: /usr/riscv64-linux-gnu when it exists)
  -E VAR=VALUE           set an environment variable for the guest (repeatable)
  -U VAR                 remove an environment variable from the guest's environment
  -0 ARGV0               pass ARGV0 as the guest's argv[0]
  -R SIZE                guest address space size (default and at most 2G)
  -strace, --strace      print every system call and its result on stderr
  --mount HOST:GUEST[:ro]  make host directory HOST visible at GUEST (repeatable)
  --no-default-mount     do not mount the current directory at its own path
  --trace FILE           write every executed instruction, disassembled, to FILE
  --stats                print instructions retired, wall time and guest MIPS on exit
  --max-insns N          stop the guest after N instructions
  --engine NAME          execution engine: jit (default: interprets cold code and
                         translates hot code to WebAssembly and JavaScript), interp
                         (interprets all) or
                         check (runs both in lockstep and stops at the first divergence
                         with a report, exit status ${DIVERGENCE_STATUS}); --trace always uses interp
  --jit-threshold N      entries of a block before the jit translates it (default 32)
  -h, --help             show this help

The guest sees host files only through mounts; '..', absolute paths and symlinks cannot
leave a mount. The exit status is the guest's, or 128+N when signal N ended it.`;

interface RunOptions {
  sysroot?: string;
  env: Map<string, string>;
  argv0?: string;
  memorySize: number;
  strace: boolean;
  mounts: MountSpec[];
  defaultMount: boolean;
  traceFile?: string;
  stats: boolean;
  maxInsns?: number;
  engine: string;
  jitThreshold?: number;
  program: string;
  args: string[];
}

function parseRunArgs(argv: string[]): RunOptions {
  const o: RunOptions = {
    env: new Map(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined)),
    memorySize: 2 ** 31, strace: false, mounts: [], defaultMount: true, stats: false, engine: 'jit', program: '', args: [],
  };
  let k = 0;
  const value = (opt: string) => {
    if (k + 1 >= argv.length) throw new UsageError(`univm: option ${opt} needs a value (see univm run --help)`);
    return argv[++k];
  };
  for (; k < argv.length; k++) {
    const a = argv[k];
    if (!a.startsWith('-') || a === '-') break;
    if (a === '--') { k++; break; }
    const eq = a.indexOf('=');
    const [name, inline] = a.startsWith('--') && eq > 0 ? [a.slice(0, eq), a.slice(eq + 1)] : [a, undefined];
    const val = (opt: string) => inline ?? value(opt);
    switch (name) {
      case '-L': o.sysroot = val(name); break;
      case '-E': {
        const v = val(name);
        for (const item of v.split(',')) {
          const i = item.indexOf('=');
          if (i <= 0) throw new UsageError(`univm: -E expects VAR=VALUE, got '${item}'`);
          o.env.set(item.slice(0, i), item.slice(i + 1));
        }
        break;
      }
      case '-U': for (const item of val(name).split(',')) o.env.delete(item); break;
      case '-0': o.argv0 = val(name); break;
      case '-R': o.memorySize = parseSize(val(name), 'address space size for -R'); break;
      case '-strace': case '--strace': o.strace = true; break;
      case '--mount': o.mounts.push(parseMount(val(name))); break;
      case '--no-default-mount': o.defaultMount = false; break;
      case '--trace': o.traceFile = val(name); break;
      case '--stats': o.stats = true; break;
      case '--max-insns': {
        const v = val(name);
        if (!/^\d+$/.test(v)) throw new UsageError(`univm: --max-insns expects a whole number, got '${v}'`);
        o.maxInsns = Number(v);
        break;
      }
      case '--engine': o.engine = val(name); break;
      case '--jit-threshold': {
        const v = val(name);
        if (!/^[1-9]\d*$/.test(v)) throw new UsageError(`univm: --jit-threshold expects a positive whole number, got '${v}'`);
        o.jitThreshold = Number(v);
        break;
      }
      default: throw new UsageError(`univm: unknown option '${a}' (see univm run --help)`);
    }
  }
  if (k >= argv.length) throw new UsageError('univm: no program given (usage: univm run [options] PROGRAM [ARGS...])');
  o.program = argv[k];
  o.args = argv.slice(k + 1);
  if (!['interp', 'jit', 'check'].includes(o.engine)) throw new UsageError(`univm: unknown engine '${o.engine}' (available: interp, jit, check)`);
  if (o.memorySize % 65536 !== 0 || o.memorySize < (16 << 20) || o.memorySize > 2 ** 31) {
    throw new UsageError('univm: -R must be a multiple of 64K between 16M and 2G');
  }
  return o;
}

function parseMount(spec: string): MountSpec {
  const parts = spec.split(':');
  const readOnly = parts.length === 3 && parts[2] === 'ro';
  if (parts.length < 2 || parts.length > 3 || (parts.length === 3 && !['ro', 'rw'].includes(parts[2])) || !parts[0] || !parts[1].startsWith('/')) {
    throw new UsageError(`univm: --mount expects HOST:GUEST[:ro] with an absolute GUEST path, got '${spec}'`);
  }
  const hostPath = path.resolve(parts[0]);
  let st: fs.Stats;
  try { st = fs.statSync(hostPath); } catch { throw new UsageError(`univm: --mount ${spec}: host directory ${hostPath} does not exist`); }
  if (!st.isDirectory()) throw new UsageError(`univm: --mount ${spec}: ${hostPath} is not a directory`);
  return { hostPath, guestPath: path.posix.normalize(parts[1]), readOnly };
}

/** The guest path under which a host path is visible through the mounts, if any. */
function guestPathOf(hostPath: string, mounts: MountSpec[]): string | undefined {
  for (const m of [...mounts].sort((a, b) => b.hostPath.length - a.hostPath.length)) {
    const rel = path.relative(m.hostPath, hostPath);
    if (rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel))) return path.posix.join(m.guestPath, rel.split(path.sep).join('/'));
  }
  return undefined;
}

function readProgram(file: string): Uint8Array {
  try {
    const st = fs.statSync(file);
    if (st.isDirectory()) throw new UsageError(`univm: ${file}: is a directory, not a program`);
    return fs.readFileSync(file);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`univm: ${file}: ${code === 'ENOENT' ? 'No such file or directory' : code === 'EACCES' ? 'Permission denied' : (e as Error).message}`);
  }
}

export function runCommand(argv: string[]): number {
  if (argv.includes('-h') && argv.indexOf('-h') < firstOperand(argv) || argv.includes('--help') && argv.indexOf('--help') < firstOperand(argv)) {
    process.stdout.write(RUN_HELP + '\n');
    return 0;
  }
  const o = parseRunArgs(argv);
  const exe = readProgram(o.program);
  const sysroot = o.sysroot ?? (fs.existsSync('/usr/riscv64-linux-gnu') ? '/usr/riscv64-linux-gnu' : undefined);
  if (o.sysroot && !fs.existsSync(o.sysroot)) throw new UsageError(`univm: -L ${o.sysroot}: no such directory`);
  const cwd = process.cwd();
  const mounts = [...(o.defaultMount ? [{ hostPath: cwd, guestPath: cwd.split(path.sep).join('/'), readOnly: false }] : []), ...o.mounts];
  // A private, empty /tmp (a fresh host directory, removed on exit) so tmpfile() and mkstemp()
  // work without showing the guest the host's /tmp.
  let privateTmp: string | undefined;
  if (!mounts.some((m) => m.guestPath === '/tmp')) {
    privateTmp = fs.mkdtempSync(path.join(os.tmpdir(), 'univm-tmp-'));
    mounts.push({ hostPath: privateTmp, guestPath: '/tmp', readOnly: false });
  }
  try {
    return runWithMounts(o, exe, sysroot, mounts, cwd);
  } finally {
    if (privateTmp) fs.rmSync(privateTmp, { recursive: true, force: true });
  }
}

function runWithMounts(o: RunOptions, exe: Uint8Array, sysroot: string | undefined, mounts: MountSpec[], cwd: string): number {
  const hostExe = path.resolve(o.program);
  const exePath = guestPathOf(hostExe, mounts) ?? hostExe;
  const guestCwd = guestPathOf(cwd, mounts) ?? '/';

  let traceFd: number | undefined;
  let traceBuf: string[] = [];
  const flushTrace = () => { if (traceFd !== undefined && traceBuf.length) { fs.writeSync(traceFd, traceBuf.join('')); traceBuf = []; } };
  if (o.traceFile) {
    try { traceFd = fs.openSync(o.traceFile, 'w'); } catch (e) { throw new UsageError(`univm: --trace ${o.traceFile}: cannot write (${(e as NodeJS.ErrnoException).code})`); }
  }
  const stderrLine = (line: string) => { fs.writeSync(2, line + '\n'); };

  let vm: ProcessVM;
  try {
    vm = new ProcessVM({
      exe, exePath, argv: [o.argv0 ?? o.program, ...o.args], envp: [...o.env].map(([k, v]) => `${k}=${v}`),
      host: new NodeHost(), mounts, sysroot, cwd: guestCwd, memorySize: o.memorySize,
      readInterpreter: (interp) => {
        const candidates = sysroot ? [path.join(sysroot, interp)] : [interp];
        for (const c of candidates) if (fs.existsSync(c)) return fs.readFileSync(c);
        throw new Error(sysroot
          ? `dynamic linker ${interp} not found under sysroot ${sysroot}; install libc6-riscv64-cross or pass -L DIR`
          : `dynamic linker ${interp} not found; pass the RISC-V sysroot with -L DIR (Debian: libc6-riscv64-cross)`);
      },
      trace: traceFd === undefined ? undefined : (pc, raw, len) => {
        traceBuf.push(`${pc.toString(16).padStart(8, '0')}: ${(len === 2 ? (raw & 0xffff).toString(16).padStart(4, '0') + '    ' : (raw >>> 0).toString(16).padStart(8, '0'))}  ${disassemble(raw, pc)}\n`);
        if (traceBuf.length >= 4096) flushTrace();
      },
      strace: o.strace ? stderrLine : undefined,
      warn: stderrLine,
      maxInsns: o.maxInsns,
      engine: o.engine as 'interp' | 'jit' | 'check',
      jitThreshold: o.jitThreshold,
    });
  } catch (e) {
    if (e instanceof ElfError) throw new UsageError(`univm: ${o.program}: ${e.message}`);
    throw e;
  }
  const t0 = performance.now();
  let result: ReturnType<ProcessVM['run']>;
  try {
    result = vm.run();
  } catch (e) {
    if (!(e instanceof LockstepDivergence)) throw e;
    flushTrace();
    stderrLine(e.report);
    return DIVERGENCE_STATUS;
  }
  const seconds = (performance.now() - t0) / 1000;
  flushTrace();
  if (traceFd !== undefined) fs.closeSync(traceFd);
  if (result.stoppedAtLimit) stderrLine(`univm: stopped after ${result.instret} instructions (--max-insns) at pc 0x${vm.hart.pc.toString(16)}`);
  if (o.stats) {
    stderrLine(`univm: ${result.instret} instructions retired in ${seconds.toFixed(3)} s (${(result.instret / seconds / 1e6).toFixed(1)} MIPS, engine ${vm.engine.name})`);
    const check = vm.engine instanceof CheckEngine ? vm.engine : undefined;
    if (check) {
      const c = check.stats;
      stderrLine(`univm: check: ${c.insns} instructions compared in ${c.slices} slices, ${c.pages} written pages compared; ` +
        `${(c.referenceMs / 1000).toFixed(3)} s in the interpreter, ${(c.testedMs / 1000).toFixed(3)} s in the translator, ${(c.checkMs / 1000).toFixed(3)} s comparing`);
    }
    const jit = check ? check.tested : vm.engine;
    if (jit instanceof Translator) stderrLine(`univm: ${jit.summary(result.instret)}`);
  }
  return result.status;
}

function firstOperand(argv: string[]): number {
  const valued = new Set(['-L', '-E', '-U', '-0', '-R', '--mount', '--trace', '--max-insns', '--engine', '--jit-threshold']);
  for (let k = 0; k < argv.length; k++) {
    if (!argv[k].startsWith('-')) return k;
    if (valued.has(argv[k])) k++;
  }
  return argv.length;
}
