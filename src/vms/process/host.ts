/**
 * Everything the Linux system-call layer needs from the machine it runs on. The kernel in this
 * folder never touches Node or browser APIs directly: a host adapter (src/hosts/node/node-host.ts
 * for Node; an in-memory one for tests or the browser) implements this interface.
 *
 * Conventions:
 *  - Every call is synchronous. A failing call throws a `HostError` carrying a *Linux* errno
 *    number (adapters translate their platform's error codes; see ERRNO_BY_NAME in errno.ts).
 *  - Paths are host paths, already translated and checked by the mount table: the adapter does
 *    no sandboxing of its own and must not resolve anything relative to its own cwd.
 *  - File descriptors are the host's own numbers (0, 1, 2 are the host's stdio).
 *  - Times are nanoseconds since the Unix epoch (realtime) or since an arbitrary origin
 *    (monotonic), as bigint.
 */

export class HostError extends Error {
  constructor(readonly errno: number, message?: string) {
    super(message ?? `host error ${errno}`);
  }
}

/** lstat/stat/fstat result; `mode` includes the S_IFMT type bits (same values on every Unix). */
export interface HostStat {
  dev: bigint;
  ino: bigint;
  mode: number;
  nlink: number;
  uid: number;
  gid: number;
  rdev: bigint;
  size: bigint;
  blksize: number;
  blocks: bigint;
  atimeNs: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
  birthtimeNs: bigint;
}

export interface HostOpenFlags {
  read: boolean;
  write: boolean;
  create: boolean;
  exclusive: boolean;
  truncate: boolean;
  /** Refuse (ELOOP) when the last component is a symbolic link. */
  noFollow: boolean;
}

export interface HostStatfs {
  type: bigint;
  bsize: bigint;
  blocks: bigint;
  bfree: bigint;
  bavail: bigint;
  files: bigint;
  ffree: bigint;
}

export interface HostDirEntry {
  name: string;
  /** One of the DT_* values of getdents64: 1 FIFO, 2 CHR, 4 DIR, 6 BLK, 8 REG, 10 LNK, 12 SOCK, 0 unknown. */
  type: number;
  /** Inode number when the adapter knows it cheaply; the kernel lstat()s the entry otherwise. */
  ino?: bigint;
}

export interface HostIdentity {
  pid: number;
  ppid: number;
  uid: number;
  gid: number;
}

export interface HostSystem {
  // ---- files ----
  open(path: string, flags: HostOpenFlags, mode: number): number;
  close(fd: number): void;
  /**
   * Reads into `buf`; `position` null reads at the host fd's own offset (stdio, terminals, pipes).
   * Must block until at least one byte or end of file is available (retrying EAGAIN on
   * non-blocking descriptors); returns 0 at end of file.
   */
  read(fd: number, buf: Uint8Array, position: number | null): number;
  /**
   * Writes all of `buf` (retrying partial writes and EAGAIN); returns the byte count. The kernel
   * implements O_APPEND itself (it never asks the host to open in append mode), so that
   * fcntl(F_SETFL) can turn it on and off.
   */
  write(fd: number, buf: Uint8Array, position: number | null): number;
  fstat(fd: number): HostStat;
  stat(path: string): HostStat;
  lstat(path: string): HostStat;
  readdir(path: string): HostDirEntry[];
  readlink(path: string): string;
  access(path: string, mode: number): void;
  mkdir(path: string, mode: number): void;
  rmdir(path: string): void;
  unlink(path: string): void;
  rename(from: string, to: string): void;
  symlink(target: string, path: string): void;
  link(existing: string, newPath: string): void;
  truncate(path: string, len: number): void;
  ftruncate(fd: number, len: number): void;
  fsync(fd: number): void;
  fdatasync(fd: number): void;
  chmod(path: string, mode: number): void;
  fchmod(fd: number, mode: number): void;
  /** Sets access and modification times (ns since the epoch); `follow` false acts on a symlink itself. */
  utimes(path: string, atimeNs: bigint, mtimeNs: bigint, follow: boolean): void;
  futimes(fd: number, atimeNs: bigint, mtimeNs: bigint): void;
  statfs?(path: string): HostStatfs;

  // ---- terminal ----
  isatty(fd: number): boolean;
  /** Rows and columns of the terminal on `fd`, or undefined if it is not one. */
  terminalSize(fd: number): { rows: number; cols: number } | undefined;
  /**
   * The terminal settings of `fd` as the 36-byte Linux `struct termios` (c_iflag, c_oflag, c_cflag,
   * c_lflag as u32, c_line, c_cc[19]); undefined when unknown. Optional: the kernel falls back
   * to the usual cooked-mode defaults.
   */
  getTermios?(fd: number): Uint8Array | undefined;
  /** Applies a 36-byte Linux `struct termios` to the terminal on `fd` (TCSETS). Optional. */
  setTermios?(fd: number, termios: Uint8Array): void;
  /** Opens the controlling terminal (for the guest's /dev/tty); undefined when there is none. */
  openTerminal?(): number | undefined;

  // ---- time, randomness, identity ----
  randomFill(buf: Uint8Array): void;
  realtimeNs(): bigint;
  monotonicNs(): bigint;
  /** CPU time consumed by this process so far. */
  cpuTimeNs(): { user: bigint; system: bigint };
  /** Blocks the calling thread for `ns` nanoseconds. */
  sleepNs(ns: bigint): void;
  identity(): HostIdentity;
  hostname(): string;
  /** Seconds since the host booted (sysinfo.uptime). */
  uptimeSeconds(): number;
  /** 1, 5 and 15 minute load averages. */
  loadAverage(): [number, number, number];
  /** Peak resident set size of this process in KiB, if known. */
  maxRssKiB?(): number;
}
