/**
 * Drives the Linux system-call layer directly: a HartState, a FlatMemory with a scratch page
 * range for arguments, an AddressSpace, and a Node host whose stdout/stderr are captured.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { HartState } from '../../src/machine/hart.js';
import { FlatMemory, PROT_R, PROT_W } from '../../src/machine/memory.js';
import { NodeHost } from '../../src/hosts/node/node-host.js';
import { AddressSpace } from '../../src/vms/process/address-space.js';
import { LinuxKernel, type MountSpec, type SyscallOutcome } from '../../src/vms/process/kernel.js';

export class CapturingHost extends NodeHost {
  readonly out: number[] = [];
  readonly err: number[] = [];
  override write(fd: number, buf: Uint8Array, position: number | null): number {
    if (fd === 1) { this.out.push(...buf); return buf.length; }
    if (fd === 2) { this.err.push(...buf); return buf.length; }
    return super.write(fd, buf, position);
  }
  override isatty(fd: number): boolean {
    return fd <= 2 ? false : super.isatty(fd);
  }
  stdout(): string { return Buffer.from(this.out).toString('utf8'); }
}

export const MEM_SIZE = 64 << 20;
/** Scratch area for system-call arguments: [SCRATCH, SCRATCH + SCRATCH_SIZE), read-write. */
export const SCRATCH = 0x10000;
export const SCRATCH_SIZE = 0x40000;
export const BRK_START = 0x400000;

export interface Harness {
  k: LinuxKernel;
  hart: HartState;
  mem: FlatMemory;
  space: AddressSpace;
  host: CapturingHost;
  warnings: string[];
  straceLines: string[];
  /** Performs one system call; returns a0 afterwards (negative errno on failure). */
  sys(nr: number, ...args: (number | bigint)[]): bigint;
  outcome(nr: number, ...args: (number | bigint)[]): SyscallOutcome;
  /** Writes a NUL-terminated string into scratch memory at `off` and returns its address. */
  str(s: string, off?: number): number;
  u8(addr: number, len: number): Uint8Array;
}

export function makeHarness(opts: { mounts?: MountSpec[]; sysroot?: string; cwd?: string; exePath?: string; strace?: boolean } = {}): Harness {
  const mem = new FlatMemory(MEM_SIZE);
  const hart = new HartState();
  const space = new AddressSpace(mem, MEM_SIZE - 0x10000, 1 << 20);
  space.mapFixed(SCRATCH, SCRATCH_SIZE, PROT_R | PROT_W);
  space.mapFixed(MEM_SIZE - 0x10000 - (1 << 20), 1 << 20, PROT_R | PROT_W); // the stack
  space.brkStart = space.brkEnd = BRK_START;
  hart.x[2] = BigInt(MEM_SIZE - 0x10000 - 256);
  const host = new CapturingHost();
  const warnings: string[] = [];
  const straceLines: string[] = [];
  const k = new LinuxKernel({
    mem, hart, space, host,
    mounts: opts.mounts ?? [],
    sysroot: opts.sysroot,
    cwd: opts.cwd ?? '/',
    exePath: opts.exePath ?? '/bin/prog',
    warn: (l) => warnings.push(l),
    strace: opts.strace ? (l) => straceLines.push(l) : undefined,
  });
  const enc = new TextEncoder();
  const setArgs = (nr: number, args: (number | bigint)[]) => {
    hart.x[17] = BigInt(nr);
    for (let i = 0; i < 6; i++) hart.x[10 + i] = BigInt.asIntN(64, BigInt(args[i] ?? 0));
  };
  return {
    k, hart, mem, space, host, warnings, straceLines,
    sys(nr, ...args) {
      setArgs(nr, args);
      k.syscall();
      return hart.x[10];
    },
    outcome(nr, ...args) {
      setArgs(nr, args);
      return k.syscall();
    },
    str(s, off = 0x30000) {
      const b = enc.encode(s);
      mem.u8.set(b, SCRATCH + off);
      mem.u8[SCRATCH + off + b.length] = 0;
      return SCRATCH + off;
    },
    u8(addr, len) { return mem.u8.slice(addr, addr + len); },
  };
}

export function tempDir(prefix = 'univm-test-'): string {
  return fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
}

export function rmrf(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

/** riscv64 system-call numbers used by the tests. */
export const NR = {
  getcwd: 17, dup: 23, dup3: 24, fcntl: 25, ioctl: 29, mkdirat: 34, unlinkat: 35, symlinkat: 36,
  ftruncate: 46, faccessat: 48, chdir: 49, openat: 56, close: 57, pipe2: 59, getdents64: 61,
  lseek: 62, read: 63, write: 64, readv: 65, writev: 66, pread64: 67, pwrite64: 68,
  readlinkat: 78, newfstatat: 79, fstat: 80, exit: 93, exit_group: 94, set_tid_address: 96,
  futex: 98, nanosleep: 101, clock_gettime: 113, kill: 129, tgkill: 131, sigaltstack: 132,
  rt_sigaction: 134, rt_sigprocmask: 135, rt_sigreturn: 139, uname: 160, getrlimit: 163,
  umask: 166, prctl: 167, getpid: 172, gettid: 178, sysinfo: 179, brk: 214, munmap: 215,
  mremap: 216, mmap: 222, mprotect: 226, msync: 227, madvise: 233, riscv_hwprobe: 258,
  prlimit64: 261, renameat2: 276, getrandom: 278, statx: 291, rseq: 293, clone3: 435,
} as const;

export const AT_FDCWD = -100;
