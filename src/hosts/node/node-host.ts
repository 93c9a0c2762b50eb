/**
 * The Node.js implementation of the process VM's HostSystem: synchronous node:fs calls, the
 * process's own stdio fds, node:crypto for randomness, Atomics.wait for sleeping.
 *
 * Every method throws HostError with a Linux errno (translated from Node's `err.code`), never a
 * Node error, so that the kernel can hand it to the guest.
 */
import { spawnSync } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as tty from 'node:tty';
import { EAGAIN, EINTR, EIO, ERRNO_BY_NAME } from '../../vms/process/errno.js';
import {
  HostError, type HostDirEntry, type HostIdentity, type HostOpenFlags, type HostStat, type HostStatfs,
  type HostSystem,
} from '../../vms/process/host.js';

function toHostError(e: unknown): HostError {
  if (e instanceof HostError) return e;
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  const errno = code !== undefined ? ERRNO_BY_NAME[code] : undefined;
  return new HostError(errno ?? EIO, (e as Error | undefined)?.message);
}

function wrap<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw toHostError(e);
  }
}

function convertStat(s: fs.BigIntStats): HostStat {
  return {
    dev: s.dev, ino: s.ino, mode: Number(s.mode), nlink: Number(s.nlink), uid: Number(s.uid), gid: Number(s.gid),
    rdev: s.rdev, size: s.size, blksize: Number(s.blksize), blocks: s.blocks,
    atimeNs: s.atimeNs, mtimeNs: s.mtimeNs, ctimeNs: s.ctimeNs, birthtimeNs: s.birthtimeNs,
  };
}

const sleepCell = new Int32Array(new SharedArrayBuffer(4));

function sleepMs(ms: number): void {
  Atomics.wait(sleepCell, 0, 0, ms);
}

export class NodeHost implements HostSystem {
  private readonly hr0 = process.hrtime.bigint();
  private readonly wall0 = BigInt(Date.now()) * 1_000_000n;
  /** `stty -g` of each terminal fd before the guest first switched it to raw mode. */
  private readonly savedTty = new Map<number, string>();

  // ---- files ----

  open(path: string, flags: HostOpenFlags, mode: number): number {
    const c = fs.constants;
    let f = flags.read && flags.write ? c.O_RDWR : flags.write ? c.O_WRONLY : c.O_RDONLY;
    if (flags.create) f |= c.O_CREAT;
    if (flags.exclusive) f |= c.O_EXCL;
    if (flags.truncate) f |= c.O_TRUNC;
    if (flags.noFollow) f |= c.O_NOFOLLOW;
    return wrap(() => fs.openSync(path, f, mode));
  }

  close(fd: number): void { wrap(() => fs.closeSync(fd)); }

  read(fd: number, buf: Uint8Array, position: number | null): number {
    for (;;) {
      try {
        return fs.readSync(fd, buf, 0, buf.length, position);
      } catch (e) {
        const err = toHostError(e);
        // A non-blocking descriptor (a tty Node touched, a pipe): wait for data like a blocking read.
        if (err.errno === EAGAIN) { sleepMs(5); continue; }
        if (err.errno === EINTR) continue;
        // End of input on a terminal that went away reads as end of file.
        if (err.errno === EIO && position === null && tty.isatty(fd)) return 0;
        throw err;
      }
    }
  }

  write(fd: number, buf: Uint8Array, position: number | null): number {
    let done = 0;
    while (done < buf.length) {
      try {
        const n = fs.writeSync(fd, buf, done, buf.length - done, position === null ? null : position + done);
        done += n;
        if (n === 0) sleepMs(1);
      } catch (e) {
        const err = toHostError(e);
        if (err.errno === EAGAIN) { sleepMs(1); continue; }
        if (err.errno === EINTR) continue;
        if (done > 0) return done;
        throw err;
      }
    }
    return done;
  }

  fstat(fd: number): HostStat { return wrap(() => convertStat(fs.fstatSync(fd, { bigint: true }))); }
  stat(path: string): HostStat { return wrap(() => convertStat(fs.statSync(path, { bigint: true }))); }
  lstat(path: string): HostStat { return wrap(() => convertStat(fs.lstatSync(path, { bigint: true }))); }

  readdir(path: string): HostDirEntry[] {
    return wrap(() => fs.readdirSync(path, { withFileTypes: true }).map((d) => ({
      name: d.name,
      type: d.isFile() ? 8 : d.isDirectory() ? 4 : d.isSymbolicLink() ? 10 : d.isCharacterDevice() ? 2
        : d.isBlockDevice() ? 6 : d.isFIFO() ? 1 : d.isSocket() ? 12 : 0,
    })));
  }

  readlink(path: string): string { return wrap(() => fs.readlinkSync(path, { encoding: 'utf8' })); }
  access(path: string, mode: number): void { wrap(() => fs.accessSync(path, mode)); }
  mkdir(path: string, mode: number): void { wrap(() => fs.mkdirSync(path, { mode })); }
  rmdir(path: string): void { wrap(() => fs.rmdirSync(path)); }
  unlink(path: string): void { wrap(() => fs.unlinkSync(path)); }
  rename(from: string, to: string): void { wrap(() => fs.renameSync(from, to)); }
  symlink(target: string, path: string): void { wrap(() => fs.symlinkSync(target, path)); }
  link(existing: string, newPath: string): void { wrap(() => fs.linkSync(existing, newPath)); }
  truncate(path: string, len: number): void { wrap(() => fs.truncateSync(path, len)); }
  ftruncate(fd: number, len: number): void { wrap(() => fs.ftruncateSync(fd, len)); }
  fsync(fd: number): void { wrap(() => fs.fsyncSync(fd)); }
  fdatasync(fd: number): void { wrap(() => fs.fdatasyncSync(fd)); }
  chmod(path: string, mode: number): void { wrap(() => fs.chmodSync(path, mode)); }
  fchmod(fd: number, mode: number): void { wrap(() => fs.fchmodSync(fd, mode)); }

  utimes(path: string, atimeNs: bigint, mtimeNs: bigint, follow: boolean): void {
    const a = Number(atimeNs) / 1e9, m = Number(mtimeNs) / 1e9;
    wrap(() => (follow ? fs.utimesSync(path, a, m) : fs.lutimesSync(path, a, m)));
  }

  futimes(fd: number, atimeNs: bigint, mtimeNs: bigint): void {
    wrap(() => fs.futimesSync(fd, Number(atimeNs) / 1e9, Number(mtimeNs) / 1e9));
  }

  statfs(path: string): HostStatfs {
    return wrap(() => {
      const s = fs.statfsSync(path, { bigint: true });
      return { type: s.type, bsize: s.bsize, blocks: s.blocks, bfree: s.bfree, bavail: s.bavail, files: s.files, ffree: s.ffree };
    });
  }

  // ---- terminal ----

  isatty(fd: number): boolean {
    try { return tty.isatty(fd); } catch { return false; }
  }

  terminalSize(fd: number): { rows: number; cols: number } | undefined {
    if (!this.isatty(fd)) return undefined;
    // process.stdout / process.stderr are synchronous tty streams on the same terminal; asking
    // them does not change any descriptor's mode (unlike wrapping an arbitrary fd in a stream).
    for (const s of [process.stdout, process.stderr]) {
      if (s.isTTY && typeof s.getWindowSize === 'function') {
        const [cols, rows] = s.getWindowSize();
        return { rows, cols };
      }
    }
    const cols = Number(process.env.COLUMNS), rows = Number(process.env.LINES);
    return { rows: rows > 0 ? rows : 24, cols: cols > 0 ? cols : 80 };
  }

  private stty(fd: number, args: string[]): string | undefined {
    const r = spawnSync('stty', args, { stdio: [fd, 'pipe', 'ignore'], encoding: 'utf8' });
    return r.status === 0 ? r.stdout.trim() : undefined;
  }

  /**
   * Reads the real settings with `stty -g`, whose GNU format is the termios fields in hex:
   * iflag:oflag:cflag:lflag:cc[0]:cc[1]:... (Linux hosts use the same bit values as riscv64).
   */
  getTermios(fd: number): Uint8Array | undefined {
    if (!this.isatty(fd)) return undefined;
    const g = this.stty(fd, ['-g']);
    const parts = g?.split(':').map((x) => parseInt(x, 16));
    if (!parts || parts.length < 4 + 17 || parts.some((n) => !Number.isFinite(n))) return undefined;
    const t = new Uint8Array(36);
    const dv = new DataView(t.buffer);
    for (let i = 0; i < 4; i++) dv.setUint32(i * 4, parts[i] >>> 0, true);
    for (let i = 0; i < 19; i++) t[17 + i] = parts[4 + i] ?? 0;
    return t;
  }

  /** Applies the guest's termios with `stty` in the same format; the original comes back at exit. */
  setTermios(fd: number, termios: Uint8Array): void {
    if (!this.isatty(fd)) return;
    if (!this.savedTty.has(fd)) {
      const saved = this.stty(fd, ['-g']);
      if (saved === undefined) return;
      this.savedTty.set(fd, saved);
      process.once('exit', () => { this.stty(fd, [saved]); });
    }
    const dv = new DataView(termios.buffer, termios.byteOffset, 36);
    const fields = [0, 1, 2, 3].map((i) => dv.getUint32(i * 4, true).toString(16));
    const cc = Array.from({ length: 32 }, (_, i) => (i < 19 ? termios[17 + i] : 0).toString(16));
    this.stty(fd, [[...fields, ...cc].join(':')]);
  }

  openTerminal(): number | undefined {
    if (!this.isatty(0)) return undefined;
    try { return fs.openSync('/dev/tty', 'r+'); } catch { return undefined; }
  }

  // ---- time, randomness, identity ----

  randomFill(buf: Uint8Array): void {
    for (let off = 0; off < buf.length; off += 65536) randomFillSync(buf.subarray(off, Math.min(buf.length, off + 65536)));
  }

  realtimeNs(): bigint { return this.wall0 + (process.hrtime.bigint() - this.hr0); }
  monotonicNs(): bigint { return process.hrtime.bigint(); }

  cpuTimeNs(): { user: bigint; system: bigint } {
    const u = process.cpuUsage();
    return { user: BigInt(u.user) * 1000n, system: BigInt(u.system) * 1000n };
  }

  sleepNs(ns: bigint): void {
    let ms = Number(ns) / 1e6;
    while (ms > 0) {
      const step = Math.min(ms, 1e9);
      sleepMs(step);
      ms -= step;
    }
  }

  identity(): HostIdentity {
    return {
      pid: process.pid,
      ppid: process.ppid,
      uid: typeof process.getuid === 'function' ? process.getuid() : 1000,
      gid: typeof process.getgid === 'function' ? process.getgid() : 1000,
    };
  }

  hostname(): string { return os.hostname(); }
  uptimeSeconds(): number { return os.uptime(); }
  loadAverage(): [number, number, number] { const l = os.loadavg(); return [l[0], l[1], l[2]]; }
  maxRssKiB(): number { return process.resourceUsage().maxRSS; }
}
