import {
  DT_CHR, DT_DIR, DT_LNK, DT_REG, O_ACCMODE, O_APPEND, O_NONBLOCK, O_RDONLY, O_RDWR, O_WRONLY,
  S_IFCHR, S_IFDIR, S_IFIFO, S_IFLNK, S_IFMT, S_IFREG, SEEK_CUR, SEEK_DATA, SEEK_END,
  SEEK_HOLE, SEEK_SET,
} from './abi.js';
import {
  EAGAIN, EBADF, EINVAL, EISDIR, ENOSPC, ENXIO, EOVERFLOW, EPIPE, ESPIPE, fail,
} from './errno.js';
import type { HostStat, HostSystem } from './host.js';

/**
 * Open file descriptions: what a guest fd points at. Several fds may share one description
 * (dup, fork-less inheritance), sharing its offset and status flags; close-on-exec is per fd
 * and lives in the FdTable. Every operation either returns a result or throws SysError.
 */

export interface DirEntry { name: string; type: number; ino: bigint }

let nextSyntheticIno = 0x1000n;
const startNs = { value: 0n };
/** Sets the timestamp synthetic files report (the kernel calls it once with the host's time). */
export function setSyntheticTime(ns: bigint): void { startNs.value = ns; }

/** A stat for a file that has no host counterpart. */
export function syntheticStat(ino: bigint, mode: number, size = 0n, rdev = 0n): HostStat {
  const t = startNs.value;
  return {
    dev: 0x16n, ino, mode, nlink: (mode & S_IFMT) === S_IFDIR ? 2 : 1, uid: 0, gid: 0, rdev,
    size, blksize: 4096, blocks: (size + 511n) / 512n, atimeNs: t, mtimeNs: t, ctimeNs: t, birthtimeNs: t,
  };
}

/** A stable inode number for a synthetic path. */
export function inoForPath(path: string): bigint {
  let h = 0xcbf29ce484222325n;
  for (let i = 0; i < path.length; i++) {
    h ^= BigInt(path.charCodeAt(i));
    h = (h * 0x100000001b3n) & 0xffffffffffffn;
  }
  return h | 0x1000000000000n;
}

export abstract class OpenFile {
  /** Number of fds referring to this description. */
  refs = 0;
  /** The host path, for files and directories that have one (fchmod, futimens, fstatfs). */
  hostPath: string | undefined;
  /** Opened from a read-only mount or the sysroot: metadata changes through the fd give EROFS. */
  readOnlyMount = false;
  constructor(
    /** O_ACCMODE bits plus status flags (O_APPEND, O_NONBLOCK...). */
    public flags: number,
    /** The resolved guest path, when the file has one (for /proc/self/fd, fchdir, *at). */
    public guestPath: string | undefined,
  ) {}

  get readable(): boolean { const a = this.flags & O_ACCMODE; return a === O_RDONLY || a === O_RDWR; }
  get writable(): boolean { const a = this.flags & O_ACCMODE; return a === O_WRONLY || a === O_RDWR; }
  get isDirectory(): boolean { return false; }
  /** A name for /proc/self/fd/N when there is no path ("pipe:[3]"). */
  get description(): string { return this.guestPath ?? 'anon_inode:[unknown]'; }
  /** The host fd behind this file, if any (for terminal ioctls). */
  get hostFd(): number | undefined { return undefined; }

  read(_buf: Uint8Array): number { fail(EINVAL); }
  write(_buf: Uint8Array): number { fail(EINVAL); }
  pread(_buf: Uint8Array, _pos: number): number { fail(ESPIPE); }
  pwrite(_buf: Uint8Array, _pos: number): number { fail(ESPIPE); }
  seek(_off: number, _whence: number): number { fail(ESPIPE); }
  truncate(_len: number): void { fail(EINVAL); }
  sync(): void { /* nothing buffered */ }
  abstract stat(): HostStat;
  /** Bytes readable without blocking (FIONREAD, poll). */
  available(): number { return 0; }
  /** Whether a read would return immediately (poll). */
  readReady(): boolean { return true; }
  /** Called when the last fd referring to this description is closed. */
  release(): void { /* nothing */ }

  protected checkRead(): void { if (!this.readable) fail(EBADF); }
  protected checkWrite(): void { if (!this.writable) fail(EBADF); }
}

/** Computes a new offset for lseek on a file of `size` bytes. */
function seekTo(pos: number, size: number, off: number, whence: number): number {
  let n: number;
  switch (whence) {
    case SEEK_SET: n = off; break;
    case SEEK_CUR: n = pos + off; break;
    case SEEK_END: n = size + off; break;
    case SEEK_DATA: if (off >= size) fail(ENXIO); n = off; break;
    case SEEK_HOLE: if (off >= size) fail(ENXIO); n = size; break;
    default: fail(EINVAL);
  }
  if (n < 0) fail(EINVAL);
  if (n > Number.MAX_SAFE_INTEGER) fail(EOVERFLOW);
  return n;
}

/** A file opened on the host (regular files, host devices, and the inherited stdio fds). */
export class HostFile extends OpenFile {
  pos = 0;
  constructor(
    private readonly host: HostSystem,
    private readonly fd: number,
    flags: number,
    guestPath: string | undefined,
    /** False for pipes, terminals and the stdio fds: I/O then uses the host fd's own offset. */
    readonly seekable: boolean,
    /** False for the inherited stdio fds, which stay open on the host when the guest closes them. */
    private readonly owned: boolean,
  ) { super(flags, guestPath); }

  override get hostFd(): number { return this.fd; }
  override get description(): string {
    if (this.guestPath !== undefined) return this.guestPath;
    // Inherited stdio: name it without pointing back into /proc/self/fd (which would loop).
    let tty = false;
    try { tty = this.host.isatty(this.fd); } catch { /* not a terminal */ }
    return tty ? '/dev/tty' : `pipe:[host fd ${this.fd}]`;
  }

  override read(buf: Uint8Array): number {
    this.checkRead();
    if (!this.seekable) return this.host.read(this.fd, buf, null);
    const n = this.host.read(this.fd, buf, this.pos);
    this.pos += n;
    return n;
  }
  override pread(buf: Uint8Array, pos: number): number {
    this.checkRead();
    if (!this.seekable) fail(ESPIPE);
    return this.host.read(this.fd, buf, pos);
  }
  override write(buf: Uint8Array): number {
    this.checkWrite();
    if (!this.seekable) return this.host.write(this.fd, buf, null);
    if (this.flags & O_APPEND) this.pos = Number(this.host.fstat(this.fd).size);
    const n = this.host.write(this.fd, buf, this.pos);
    this.pos += n;
    return n;
  }
  override pwrite(buf: Uint8Array, pos: number): number {
    this.checkWrite();
    if (!this.seekable) fail(ESPIPE);
    // Linux appends even for pwrite on an O_APPEND file.
    if (this.flags & O_APPEND) pos = Number(this.host.fstat(this.fd).size);
    return this.host.write(this.fd, buf, pos);
  }
  override seek(off: number, whence: number): number {
    if (!this.seekable) fail(ESPIPE);
    const size = whence === SEEK_SET || whence === SEEK_CUR ? 0 : Number(this.host.fstat(this.fd).size);
    this.pos = seekTo(this.pos, size, off, whence);
    return this.pos;
  }
  override truncate(len: number): void {
    if (!this.writable) fail(EINVAL);
    this.host.ftruncate(this.fd, len);
  }
  override sync(): void { this.host.fsync(this.fd); }
  override stat(): HostStat { return this.host.fstat(this.fd); }
  override available(): number {
    if (!this.seekable) return 0;
    return Math.max(0, Number(this.host.fstat(this.fd).size) - this.pos);
  }
  override release(): void { if (this.owned) this.host.close(this.fd); }
}

/** A byte array acting as a file: memfd_create and the synthetic /proc files. */
export class MemFile extends OpenFile {
  pos = 0;
  private data: Uint8Array;
  size: number;
  private readonly ino: bigint;
  constructor(flags: number, guestPath: string | undefined, initial: Uint8Array = new Uint8Array(0), private readonly mode = S_IFREG | 0o444) {
    super(flags, guestPath);
    this.data = initial;
    this.size = initial.length;
    this.ino = nextSyntheticIno++;
  }
  override get description(): string { return this.guestPath ?? `/memfd:${this.ino}`; }
  bytes(): Uint8Array { return this.data.subarray(0, this.size); }

  private ensure(n: number): void {
    if (n <= this.data.length) return;
    const grown = new Uint8Array(Math.max(n, this.data.length * 2, 4096));
    grown.set(this.data.subarray(0, this.size));
    this.data = grown;
  }
  override pread(buf: Uint8Array, pos: number): number {
    this.checkRead();
    if (pos >= this.size) return 0;
    const n = Math.min(buf.length, this.size - pos);
    buf.set(this.data.subarray(pos, pos + n));
    return n;
  }
  override read(buf: Uint8Array): number {
    const n = this.pread(buf, this.pos);
    this.pos += n;
    return n;
  }
  override pwrite(buf: Uint8Array, pos: number): number {
    this.checkWrite();
    if (this.flags & O_APPEND) pos = this.size;
    this.ensure(pos + buf.length);
    if (pos > this.size) this.data.fill(0, this.size, pos);
    this.data.set(buf, pos);
    this.size = Math.max(this.size, pos + buf.length);
    return buf.length;
  }
  override write(buf: Uint8Array): number {
    if (this.flags & O_APPEND) this.pos = this.size;
    const n = this.pwrite(buf, this.pos);
    this.pos += n;
    return n;
  }
  override seek(off: number, whence: number): number {
    this.pos = seekTo(this.pos, this.size, off, whence);
    return this.pos;
  }
  override truncate(len: number): void {
    if (!this.writable) fail(EINVAL);
    this.ensure(len);
    if (len > this.size) this.data.fill(0, this.size, len);
    this.size = len;
  }
  override stat(): HostStat { return syntheticStat(this.ino, this.mode, BigInt(this.size)); }
  override available(): number { return Math.max(0, this.size - this.pos); }
}

export type DeviceKind = 'null' | 'zero' | 'full' | 'random' | 'urandom';
const DEVICE_RDEV: Record<DeviceKind, bigint> = { null: 0x103n, zero: 0x105n, full: 0x107n, random: 0x108n, urandom: 0x109n };

/** /dev/null, /dev/zero, /dev/full, /dev/random, /dev/urandom. */
export class DeviceFile extends OpenFile {
  constructor(private readonly host: HostSystem, readonly kind: DeviceKind, flags: number) {
    super(flags, `/dev/${kind}`);
  }
  override read(buf: Uint8Array): number {
    this.checkRead();
    switch (this.kind) {
      case 'null': return 0;
      case 'zero': case 'full': buf.fill(0); return buf.length;
      default: this.host.randomFill(buf); return buf.length;
    }
  }
  override pread(buf: Uint8Array, _pos: number): number { return this.read(buf); }
  override write(buf: Uint8Array): number {
    this.checkWrite();
    if (this.kind === 'full') fail(ENOSPC);
    return buf.length;
  }
  override pwrite(buf: Uint8Array, _pos: number): number { return this.write(buf); }
  override seek(): number { return 0; }
  override stat(): HostStat { return syntheticStat(inoForPath(`/dev/${this.kind}`), S_IFCHR | 0o666, 0n, DEVICE_RDEV[this.kind]); }
}

let nextPipeId = 1;
const PIPE_CAPACITY = 65536;

/** An in-process pipe: a queue of byte chunks shared by a read end and a write end. */
export class Pipe {
  readonly id = nextPipeId++;
  private chunks: Uint8Array[] = [];
  size = 0;
  readers = 0;
  writers = 0;
  capacity = PIPE_CAPACITY;
  push(data: Uint8Array): void { this.chunks.push(data.slice()); this.size += data.length; }
  take(buf: Uint8Array): number {
    let n = 0;
    while (n < buf.length && this.chunks.length > 0) {
      const c = this.chunks[0];
      const k = Math.min(c.length, buf.length - n);
      buf.set(c.subarray(0, k), n);
      n += k;
      if (k === c.length) this.chunks.shift(); else this.chunks[0] = c.subarray(k);
    }
    this.size -= n;
    return n;
  }
}

/**
 * One end of a Pipe. A read from an empty pipe whose write end is still open fails with EAGAIN
 * and sets `wouldBlock`; the kernel then blocks the reading thread until another thread writes
 * or closes (or, when the reader is the only thread, returns EAGAIN with a warning instead of
 * hanging). Writes are never refused for lack of space: the buffer grows.
 */
export class PipeEnd extends OpenFile {
  private readonly ino: bigint;
  constructor(readonly pipe: Pipe, readonly isWriteEnd: boolean, flags: number) {
    super((flags & ~O_ACCMODE) | (isWriteEnd ? O_WRONLY : O_RDONLY), undefined);
    if (isWriteEnd) pipe.writers++; else pipe.readers++;
    this.ino = 0x7000n + BigInt(pipe.id);
  }
  override get description(): string { return `pipe:[${this.ino}]`; }
  /** True when the last read found the pipe empty with writers still open (would block). */
  wouldBlock = false;
  override read(buf: Uint8Array): number {
    this.checkRead();
    this.wouldBlock = false;
    if (buf.length === 0) return 0;
    if (this.pipe.size === 0) {
      if (this.pipe.writers === 0) return 0;
      if (!(this.flags & O_NONBLOCK)) this.wouldBlock = true;
      fail(EAGAIN);
    }
    return this.pipe.take(buf);
  }
  override write(buf: Uint8Array): number {
    this.checkWrite();
    if (this.pipe.readers === 0) fail(EPIPE);
    this.pipe.push(buf);
    return buf.length;
  }
  override stat(): HostStat {
    const st = syntheticStat(this.ino, S_IFIFO | 0o600, BigInt(this.pipe.size));
    st.blksize = 4096;
    return st;
  }
  override available(): number { return this.isWriteEnd ? 0 : this.pipe.size; }
  override readReady(): boolean { return this.pipe.size > 0 || this.pipe.writers === 0; }
  override release(): void { if (this.isWriteEnd) this.pipe.writers--; else this.pipe.readers--; }
}

/**
 * A directory opened for getdents64. The listing is read from the host (or the synthetic node)
 * on the first getdents64 and again after a rewind (lseek to 0); the offset is an entry index.
 */
export class DirFile extends OpenFile {
  pos = 0;
  private entries: DirEntry[] | undefined;
  constructor(
    flags: number,
    guestPath: string,
    private readonly lister: () => DirEntry[],
    private readonly stater: () => HostStat,
  ) { super(flags, guestPath); }
  override get isDirectory(): boolean { return true; }
  override read(): number { fail(EISDIR); }
  override pread(): number { fail(EISDIR); }
  override write(): number { fail(EBADF); }
  list(): DirEntry[] {
    if (!this.entries) this.entries = this.lister();
    return this.entries;
  }
  override seek(off: number, whence: number): number {
    if (whence === SEEK_SET) {
      if (off < 0) fail(EINVAL);
      this.pos = off;
      if (off === 0) this.entries = undefined;
      return off;
    }
    if (whence === SEEK_CUR) {
      if (this.pos + off < 0) fail(EINVAL);
      this.pos += off;
      return this.pos;
    }
    fail(EINVAL);
  }
  override stat(): HostStat { return this.stater(); }
}

/** An O_PATH descriptor: usable as a dirfd, for fstat and fchdir, but not for I/O. */
export class PathFile extends OpenFile {
  constructor(guestPath: string, private readonly stater: () => HostStat, private readonly dir: boolean) {
    super(O_RDONLY, guestPath);
  }
  override get readable(): boolean { return false; }
  override get isDirectory(): boolean { return this.dir; }
  override read(): number { fail(EBADF); }
  override write(): number { fail(EBADF); }
  override pread(): number { fail(EBADF); }
  override pwrite(): number { fail(EBADF); }
  override stat(): HostStat { return this.stater(); }
}

export function typeOfMode(mode: number): number {
  switch (mode & S_IFMT) {
    case S_IFDIR: return DT_DIR;
    case S_IFREG: return DT_REG;
    case S_IFLNK: return DT_LNK;
    case S_IFCHR: return DT_CHR;
    default: return 0;
  }
}

/** Keeps a description alive outside the fd table (e.g. a shared file mapping). */
export function retain(file: OpenFile): void { file.refs++; }
export function releaseRef(file: OpenFile): void {
  if (--file.refs === 0) file.release();
}

export interface FdEntry { file: OpenFile; cloexec: boolean }

/** The process's descriptor table. */
export class FdTable {
  private readonly fds: (FdEntry | undefined)[] = [];
  constructor(public limit = 1024) {}

  get(fd: number): OpenFile {
    const e = fd >= 0 ? this.fds[fd] : undefined;
    if (!e) fail(EBADF);
    return e.file;
  }
  entry(fd: number): FdEntry | undefined { return fd >= 0 ? this.fds[fd] : undefined; }

  /** Installs `file` at the lowest free fd >= min; EMFILE when the table is full. */
  install(file: OpenFile, cloexec: boolean, min = 0): number {
    for (let fd = min; fd < this.limit; fd++) {
      if (!this.fds[fd]) {
        this.fds[fd] = { file, cloexec };
        file.refs++;
        return fd;
      }
    }
    return -1;
  }

  /** Installs `file` at exactly `fd`, closing what was there (dup3). */
  installAt(fd: number, file: OpenFile, cloexec: boolean): void {
    file.refs++;
    const old = this.fds[fd];
    this.fds[fd] = { file, cloexec };
    if (old) this.drop(old.file);
  }

  close(fd: number): void {
    const e = fd >= 0 ? this.fds[fd] : undefined;
    if (!e) fail(EBADF);
    this.fds[fd] = undefined;
    this.drop(e.file);
  }

  private drop(file: OpenFile): void { releaseRef(file); }

  /** Open fds, ascending. */
  list(): number[] {
    const out: number[] = [];
    this.fds.forEach((e, i) => { if (e) out.push(i); });
    return out;
  }
}
