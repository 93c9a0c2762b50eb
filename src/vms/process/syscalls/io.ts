import { PROT_R, PROT_W } from '../../../machine/memory.js';
import {
  F_ADD_SEALS, F_DUPFD, F_DUPFD_CLOEXEC, F_GETFD, F_GETFL, F_GETLK, F_GETOWN, F_GETOWN_EX,
  F_GETPIPE_SZ, F_GETSIG, F_GET_SEALS, F_OFD_GETLK, F_OFD_SETLK, F_OFD_SETLKW, F_SETFD, F_SETFL,
  F_SETLK, F_SETLKW, F_SETOWN, F_SETOWN_EX, F_SETPIPE_SZ, F_SETSIG, F_UNLCK, FD_CLOEXEC, FIOASYNC,
  FIOCLEX, FIONBIO, FIONCLEX, FIONREAD, O_CLOEXEC, O_DIRECT, O_NONBLOCK, O_RDWR, POLLERR, POLLHUP,
  POLLIN, POLLNVAL, POLLOUT, POLLPRI, POLLRDNORM, POLLWRNORM, SETFL_MASK, SIGPIPE, TCGETS, TCSETS,
  TCSETSF, TCSETSW, TIOCGPGRP, TIOCGWINSZ, TIOCSCTTY, TIOCSPGRP, TIOCSWINSZ,
} from '../abi.js';
import {
  EAGAIN, EBADF, EINTR, EINVAL, EISDIR, EMFILE, ENOTDIR, ENOTTY, EOPNOTSUPP, EPIPE, ESPIPE,
  SysError, fail,
} from '../errno.js';
import { DirFile, MemFile, Pipe, PipeEnd, type OpenFile } from '../files.js';
import { HostError } from '../host.js';
import { int, size, uint, type LinuxKernel } from '../kernel.js';
import { dirent64Size, DIRENT64_NAME_OFFSET } from '../structs.js';
import { coherentFileAccess } from './memory.js';
import { raise, restartsAfter } from './signals.js';
import { installFd } from './fs.js';
import type { Args, SyscallDef } from './types.js';

/** Descriptor-level I/O: read/write and friends, pipes, fcntl, ioctl, poll, getdents64. */

const IOV_MAX = 1024;

function readInto(k: LinuxKernel, f: OpenFile, buf: Uint8Array): number {
  try {
    return coherentFileAccess(k, f, false, () => f.read(buf));
  } catch (e) {
    if (e instanceof SysError && e.errno === EAGAIN && f instanceof PipeEnd && f.wouldBlock) {
      // Another thread may write: wait until there is data or no writer, then read again.
      if (k.mayBlock()) {
        k.blockOn({
          what: `read from an empty pipe (${f.description})`,
          ready: () => f.readReady(),
          interrupted: (sig) => (restartsAfter(k, sig) ? 'restart' : BigInt(-EINTR)),
        });
      }
      k.warnOnce('pipe-block', 'univm: warning: read from an empty pipe whose write end is open would block forever (single-threaded guest); returning -EAGAIN');
    }
    throw e;
  }
}

function writeFrom(k: LinuxKernel, f: OpenFile, buf: Uint8Array): number {
  try {
    return coherentFileAccess(k, f, true, () => f.write(buf));
  } catch (e) {
    // A closed host pipe (`| head`) reports EPIPE through the host: the guest gets SIGPIPE too.
    if ((e instanceof SysError || e instanceof HostError) && e.errno === EPIPE) raise(k, SIGPIPE, undefined, k.current);
    throw e;
  }
}

function read(k: LinuxKernel, a: Args): number {
  const f = k.file(a[0]);
  const count = size(a[2]);
  if (f.isDirectory) fail(EISDIR);
  if (count === 0) return 0;
  return readInto(k, f, k.span(a[1], count, PROT_W));
}

function write(k: LinuxKernel, a: Args): number {
  const f = k.file(a[0]);
  const count = size(a[2]);
  if (count === 0) { if (!f.writable) fail(EBADF); return 0; }
  return writeFrom(k, f, k.span(a[1], count, PROT_R));
}

function pread64(k: LinuxKernel, a: Args): number {
  const f = k.file(a[0]);
  const pos = Number(a[3]);
  if (pos < 0) fail(EINVAL);
  if (f.isDirectory) fail(EISDIR);
  const count = size(a[2]);
  if (count === 0) return 0;
  const dst = k.span(a[1], count, PROT_W);
  return coherentFileAccess(k, f, false, () => f.pread(dst, pos));
}

function pwrite64(k: LinuxKernel, a: Args): number {
  const f = k.file(a[0]);
  const pos = Number(a[3]);
  if (pos < 0) fail(EINVAL);
  const count = size(a[2]);
  if (count === 0) return 0;
  const src = k.span(a[1], count, PROT_R);
  return coherentFileAccess(k, f, true, () => f.pwrite(src, pos));
}

/** Reads a struct iovec array: [base, len] pairs. */
function iovecs(k: LinuxKernel, iov: bigint, cntArg: bigint): [bigint, number][] {
  const cnt = int(cntArg);
  if (cnt < 0 || cnt > IOV_MAX) fail(EINVAL);
  const out: [bigint, number][] = [];
  let total = 0;
  for (let i = 0; i < cnt; i++) {
    const base = k.readU64(iov + BigInt(i * 16));
    const len = size(k.readU64(iov + BigInt(i * 16 + 8)));
    if (len > 0x7fffffff) fail(EINVAL);
    total += len;
    out.push([base, len]);
  }
  if (total > 0x7fffffff) fail(EINVAL);
  return out;
}

/** Vectored read: fills buffers in order, stopping at the first short read. */
function readvAt(k: LinuxKernel, f: OpenFile, vec: [bigint, number][], pos: number | undefined): number {
  if (f.isDirectory) fail(EISDIR);
  let total = 0;
  for (const [base, len] of vec) {
    if (len === 0) continue;
    const dst = k.bytesOut(base, len);
    let n: number;
    try {
      n = pos === undefined ? readInto(k, f, dst) : coherentFileAccess(k, f, false, () => f.pread(dst, pos + total));
    } catch (e) {
      if (total > 0) return total;
      throw e;
    }
    total += n;
    if (n < len) break;
  }
  return total;
}

/** Vectored write: gathered into one host write, so a line written by writev stays whole. */
function writevAt(k: LinuxKernel, f: OpenFile, vec: [bigint, number][], pos: number | undefined): number {
  let total = 0;
  for (const [, len] of vec) total += len;
  if (total === 0) { if (!f.writable) fail(EBADF); return 0; }
  const buf = new Uint8Array(total);
  let off = 0;
  for (const [base, len] of vec) {
    if (len === 0) continue;
    buf.set(k.bytesIn(base, len), off);
    off += len;
  }
  return pos === undefined ? writeFrom(k, f, buf) : coherentFileAccess(k, f, true, () => f.pwrite(buf, pos));
}

function offsetArg(a: bigint): number | undefined {
  const pos = Number(a);
  if (pos === -1) return undefined;
  if (pos < 0) fail(EINVAL);
  return pos;
}

function close(k: LinuxKernel, a: Args): number {
  k.fds.close(int(a[0]));
  return 0;
}

function closeRange(k: LinuxKernel, a: Args): number {
  const first = uint(a[0]), last = uint(a[1]), flags = uint(a[2]);
  if (flags & ~6 || first > last) fail(EINVAL);
  for (const fd of k.fds.list()) {
    if (fd < first || fd > last) continue;
    if (flags & 4) k.fds.entry(fd)!.cloexec = true;
    else k.fds.close(fd);
  }
  return 0;
}

function dup(k: LinuxKernel, a: Args): number {
  return installFd(k, k.file(a[0]), false);
}

function dup3(k: LinuxKernel, a: Args): number {
  const oldfd = int(a[0]), newfd = int(a[1]), flags = int(a[2]);
  if (flags & ~O_CLOEXEC) fail(EINVAL);
  if (oldfd === newfd) fail(EINVAL);
  const f = k.fds.get(oldfd);
  if (newfd < 0 || newfd >= k.fds.limit) fail(EBADF);
  k.fds.installAt(newfd, f, (flags & O_CLOEXEC) !== 0);
  return newfd;
}

function fcntl(k: LinuxKernel, a: Args): number {
  const fd = int(a[0]);
  const cmd = int(a[1]);
  const f = k.fds.get(fd);
  const e = k.fds.entry(fd)!;
  switch (cmd) {
    case F_DUPFD:
    case F_DUPFD_CLOEXEC: {
      const min = int(a[2]);
      if (min < 0 || min >= k.fds.limit) fail(EINVAL);
      const n = k.fds.install(f, cmd === F_DUPFD_CLOEXEC, min);
      if (n < 0) fail(EMFILE);
      return n;
    }
    case F_GETFD: return e.cloexec ? FD_CLOEXEC : 0;
    case F_SETFD: e.cloexec = (int(a[2]) & FD_CLOEXEC) !== 0; return 0;
    case F_GETFL: return f.flags;
    case F_SETFL: f.flags = (f.flags & ~SETFL_MASK) | (int(a[2]) & SETFL_MASK); return 0;
    case F_GETLK:
    case F_OFD_GETLK: {
      // struct flock { short l_type; short l_whence; off_t l_start; off_t l_len; pid_t l_pid; }
      // A single process never conflicts with itself: report the range unlocked.
      k.readU32(a[2]);
      k.mem.dv.setInt16(k.check(a[2], 32, PROT_W), F_UNLCK, true);
      return 0;
    }
    case F_SETLK: case F_SETLKW: case F_OFD_SETLK: case F_OFD_SETLKW:
      k.check(a[2], 32, PROT_R);
      return 0;
    case F_GETOWN: return 0;
    case F_SETOWN: return 0;
    case F_GETSIG: return 0;
    case F_SETSIG: return 0;
    case F_GETOWN_EX: k.bytesOut(a[2], 8).fill(0); return 0;
    case F_SETOWN_EX: return 0;
    case F_GETPIPE_SZ:
      if (!(f instanceof PipeEnd)) fail(EBADF);
      return f.pipe.capacity;
    case F_SETPIPE_SZ: {
      if (!(f instanceof PipeEnd)) fail(EBADF);
      const want = Math.max(4096, int(a[2]));
      if (want > 1 << 20) fail(EINVAL);
      f.pipe.capacity = 1 << Math.ceil(Math.log2(want));
      return f.pipe.capacity;
    }
    case F_ADD_SEALS: if (!(f instanceof MemFile)) fail(EINVAL); return 0;
    case F_GET_SEALS: if (!(f instanceof MemFile)) fail(EINVAL); return 0;
    default: fail(EINVAL);
  }
}

/** Terminal defaults for a cooked-mode tty (struct termios, asm-generic, 36 bytes). */
function defaultTermios(): Uint8Array {
  const t = new Uint8Array(36);
  const dv = new DataView(t.buffer);
  dv.setUint32(0, 0x0500, true); // c_iflag: ICRNL | IXON
  dv.setUint32(4, 0x0005, true); // c_oflag: OPOST | ONLCR
  dv.setUint32(8, 0x00bf, true); // c_cflag: B38400 | CS8 | CREAD
  dv.setUint32(12, 0x8a3b, true); // c_lflag: ISIG ICANON ECHO ECHOE ECHOK ECHOCTL ECHOKE IEXTEN
  t[16] = 0; // c_line
  const cc = [3, 0x1c, 0x7f, 0x15, 4, 0, 1, 0, 0x11, 0x13, 0x1a, 0, 0x12, 0x0f, 0x17, 0x16, 0];
  t.set(cc, 17);
  return t;
}

function ioctl(k: LinuxKernel, a: Args): number {
  const fd = int(a[0]);
  const req = uint(a[1]);
  const f = k.fds.get(fd);
  switch (req) {
    case FIOCLEX: k.fds.entry(fd)!.cloexec = true; return 0;
    case FIONCLEX: k.fds.entry(fd)!.cloexec = false; return 0;
    case FIONBIO:
      if (k.readI32(a[2])) f.flags |= O_NONBLOCK; else f.flags &= ~O_NONBLOCK;
      return 0;
    case FIOASYNC: return 0;
    case FIONREAD:
      if (f.isDirectory) fail(ENOTTY);
      k.writeI32(a[2], f.available());
      return 0;
  }
  const hostFd = f.hostFd;
  const tty = hostFd !== undefined && k.host.isatty(hostFd);
  switch (req) {
    case TCGETS:
      if (!tty) fail(ENOTTY);
      if (!k.termios) {
        let t: Uint8Array | undefined;
        try { t = k.host.getTermios?.(hostFd!); } catch { t = undefined; }
        k.termios = t && t.length === 36 ? t : defaultTermios();
      }
      k.bytesOut(a[2], 36).set(k.termios);
      return 0;
    case TCSETS: case TCSETSW: case TCSETSF: {
      if (!tty) fail(ENOTTY);
      const t = k.bytesIn(a[2], 36).slice();
      k.termios = t;
      try { k.host.setTermios?.(hostFd!, t); } catch { /* the settings are still reported back */ }
      return 0;
    }
    case TIOCGWINSZ: {
      if (!tty) fail(ENOTTY);
      const ws = k.host.terminalSize(hostFd!);
      if (!ws) fail(ENOTTY);
      const out = k.bytesOut(a[2], 8);
      const dv = new DataView(out.buffer, out.byteOffset, 8);
      dv.setUint16(0, ws.rows, true);
      dv.setUint16(2, ws.cols, true);
      dv.setUint32(4, 0, true);
      return 0;
    }
    case TIOCSWINSZ: if (!tty) fail(ENOTTY); k.bytesIn(a[2], 8); return 0;
    case TIOCGPGRP: if (!tty) fail(ENOTTY); k.writeI32(a[2], k.pid); return 0;
    case TIOCSPGRP: if (!tty) fail(ENOTTY); k.readI32(a[2]); return 0;
    case TIOCSCTTY: if (!tty) fail(ENOTTY); return 0;
    default: fail(ENOTTY);
  }
}

function pipe2(k: LinuxKernel, a: Args): number {
  const flags = int(a[1]);
  if (flags & ~(O_CLOEXEC | O_NONBLOCK | O_DIRECT)) fail(EINVAL);
  k.check(a[0], 8, PROT_W);
  const p = new Pipe();
  const status = flags & (O_NONBLOCK | O_DIRECT);
  const r = new PipeEnd(p, false, status), w = new PipeEnd(p, true, status);
  const cloexec = (flags & O_CLOEXEC) !== 0;
  const rfd = installFd(k, r, cloexec);
  let wfd: number;
  try { wfd = installFd(k, w, cloexec); } catch (e) { k.fds.close(rfd); throw e; }
  k.writeI32(a[0], rfd);
  k.writeI32(a[0] + 4n, wfd);
  return 0;
}

function lseek(k: LinuxKernel, a: Args): number {
  return k.file(a[0]).seek(Number(a[1]), int(a[2]));
}

function ftruncate(k: LinuxKernel, a: Args): number {
  const len = Number(a[1]);
  if (len < 0) fail(EINVAL);
  const f = k.file(a[0]);
  if (f.isDirectory) fail(EINVAL);
  f.truncate(len);
  return 0;
}

function fsync(k: LinuxKernel, a: Args): number {
  const f = k.file(a[0]);
  if (f instanceof PipeEnd) fail(EINVAL);
  if (!f.isDirectory) {
    try { f.sync(); } catch (e) {
      // fsync on a terminal or /dev/null is EINVAL on Linux too; pass that through.
      throw e;
    }
  }
  return 0;
}

function getdents64(k: LinuxKernel, a: Args): number {
  const f = k.file(a[0]);
  if (!(f instanceof DirFile)) fail(ENOTDIR);
  const count = Math.min(size(a[2]), 0x7fffffff);
  const out = k.span(a[1], count, PROT_W);
  const entries = f.list();
  const enc = new TextEncoder();
  const dv = new DataView(out.buffer, out.byteOffset, out.length);
  let n = 0;
  while (f.pos < entries.length) {
    const e = entries[f.pos];
    const name = enc.encode(e.name);
    const rec = dirent64Size(name.length);
    if (n + rec > out.length) {
      if (n === 0) fail(EINVAL);
      break;
    }
    dv.setBigUint64(n, BigInt.asUintN(64, e.ino), true);
    dv.setBigInt64(n + 8, BigInt(f.pos + 1), true);
    dv.setUint16(n + 16, rec, true);
    dv.setUint8(n + 18, e.type);
    out.set(name, n + DIRENT64_NAME_OFFSET);
    out.fill(0, n + DIRENT64_NAME_OFFSET + name.length, n + rec);
    n += rec;
    f.pos++;
  }
  return n;
}

/** Copies up to `count` bytes between two descriptions (sendfile, copy_file_range). */
function copyBetween(k: LinuxKernel, src: OpenFile, dst: OpenFile, count: number, inPos: number | undefined, outPos: number | undefined): [number, number] {
  const chunk = new Uint8Array(Math.min(count, 1 << 16));
  let total = 0;
  while (total < count) {
    const want = Math.min(chunk.length, count - total);
    const buf = chunk.subarray(0, want);
    let n: number;
    try {
      n = inPos === undefined ? src.read(buf) : src.pread(buf, inPos + total);
    } catch (e) {
      if (total > 0) break;
      throw e;
    }
    if (n === 0) break;
    const data = buf.subarray(0, n);
    let w = 0;
    while (w < n) w += outPos === undefined ? writeFrom(k, dst, data.subarray(w)) : dst.pwrite(data.subarray(w), outPos + total + w);
    total += n;
    if (n < want) break;
  }
  return [total, total];
}

function sendfile(k: LinuxKernel, a: Args): number {
  const out = k.file(a[0]), inp = k.file(a[1]);
  if (!inp.readable || !out.writable) fail(EBADF);
  const count = Math.min(size(a[3]), 0x7ffff000);
  if (a[2] === 0n) return copyBetween(k, inp, out, count, undefined, undefined)[0];
  const off = Number(k.readI64(a[2]));
  if (off < 0) fail(EINVAL);
  const [n] = copyBetween(k, inp, out, count, off, undefined);
  k.writeI64(a[2], BigInt(off + n));
  return n;
}

function copyFileRange(k: LinuxKernel, a: Args): number {
  if (a[5] !== 0n) fail(EINVAL);
  const inp = k.file(a[0]), out = k.file(a[2]);
  if (!inp.readable || !out.writable) fail(EBADF);
  if (inp.isDirectory || out.isDirectory) fail(EISDIR);
  if (inp instanceof PipeEnd || out instanceof PipeEnd) fail(EINVAL);
  const count = Math.min(size(a[4]), 0x7ffff000);
  const inOff = a[1] === 0n ? undefined : Number(k.readI64(a[1]));
  const outOff = a[3] === 0n ? undefined : Number(k.readI64(a[3]));
  if ((inOff ?? 0) < 0 || (outOff ?? 0) < 0) fail(EINVAL);
  const [n] = copyBetween(k, inp, out, count, inOff, outOff);
  if (inOff !== undefined) k.writeI64(a[1], BigInt(inOff + n));
  if (outOff !== undefined) k.writeI64(a[3], BigInt(outOff + n));
  return n;
}

/** Readiness of one description for poll/select. */
function readiness(f: OpenFile, events: number): number {
  let r = 0;
  if (events & (POLLIN | POLLRDNORM) && f.readable && f.readReady()) r |= events & (POLLIN | POLLRDNORM);
  if (events & (POLLOUT | POLLWRNORM) && f.writable) r |= events & (POLLOUT | POLLWRNORM);
  if (f instanceof PipeEnd) {
    if (f.isWriteEnd && f.pipe.readers === 0) r = (r & ~(POLLOUT | POLLWRNORM)) | POLLERR;
    if (!f.isWriteEnd && f.pipe.writers === 0) r |= POLLHUP;
  }
  return r;
}

/**
 * Nothing is ready. With other threads, block until `ready()` (the call then runs again and
 * reports what it finds) or the timeout; alone, wait out a finite timeout, or report that
 * waiting forever is impossible.
 */
function waitNothingReady(k: LinuxKernel, timeoutNs: bigint | undefined, what: string, ready: () => boolean, onTimeout?: () => void): number {
  if (timeoutNs === 0n) return 0;
  if (k.mayBlock()) {
    k.blockOn({
      what,
      ready,
      deadline: timeoutNs === undefined ? undefined : k.host.monotonicNs() + timeoutNs,
      timeout: () => { onTimeout?.(); return 0n; },
    });
  }
  if (timeoutNs === undefined) {
    k.warnOnce(`${what}-forever`, `univm: warning: ${what} with no timeout and nothing ready would block forever (single-threaded guest); returning -EINTR`);
    fail(EINTR);
  }
  if (timeoutNs > 0n) k.host.sleepNs(timeoutNs);
  return 0;
}

function readTimeout(k: LinuxKernel, ts: bigint): bigint | undefined {
  if (ts === 0n) return undefined;
  const sec = k.readI64(ts), nsec = k.readI64(ts + 8n);
  if (sec < 0n || nsec < 0n || nsec >= 1_000_000_000n) fail(EINVAL);
  return sec * 1_000_000_000n + nsec;
}

/** Fills in revents for each pollfd (unless `dry`) and counts the ready ones. */
function pollScan(k: LinuxKernel, base: number, nfds: number, dry: boolean): number {
  const dv = k.mem.dv;
  let ready = 0;
  for (let i = 0; i < nfds; i++) {
    const at = base + i * 8;
    const fd = dv.getInt32(at, true);
    const events = dv.getInt16(at + 4, true) & 0xffff;
    let rev = 0;
    if (fd >= 0) {
      const e = k.fds.entry(fd);
      rev = e ? readiness(e.file, events | POLLERR | POLLHUP) & (events | POLLERR | POLLHUP | POLLNVAL) : POLLNVAL;
    }
    if (!dry) dv.setInt16(at + 6, rev, true);
    if (rev) ready++;
  }
  return ready;
}

function ppoll(k: LinuxKernel, a: Args): number {
  const nfds = uint(a[1]);
  if (nfds > k.fds.limit) fail(EINVAL);
  const base = k.check(a[0], nfds * 8, PROT_R | PROT_W);
  const timeout = readTimeout(k, a[2]);
  const ready = pollScan(k, base, nfds, false);
  if (ready === 0) return waitNothingReady(k, timeout, 'poll', () => pollScan(k, base, nfds, true) > 0);
  return ready;
}

/** select's three sets: which fds are ready in each (EBADF for a closed fd in a set). */
function selectScan(k: LinuxKernel, nfds: number, sets: (number | undefined)[]): { results: boolean[][]; ready: number } {
  const dv = k.mem.dv;
  const results: boolean[][] = [[], [], []];
  let ready = 0;
  for (let fd = 0; fd < nfds; fd++) {
    for (let s = 0; s < 3; s++) {
      const at = sets[s];
      if (at === undefined) continue;
      const word = dv.getBigUint64(at + (fd >> 6) * 8, true);
      if (!((word >> BigInt(fd & 63)) & 1n)) continue;
      const e = k.fds.entry(fd);
      if (!e) fail(EBADF);
      const ev = s === 0 ? POLLIN : s === 1 ? POLLOUT : POLLPRI;
      const ok = (readiness(e.file, ev) & (ev | POLLERR | POLLHUP)) !== 0 && s !== 2;
      results[s][fd] = ok;
      if (ok) ready++;
    }
  }
  return { results, ready };
}

function pselect6(k: LinuxKernel, a: Args): number {
  const nfds = int(a[0]);
  if (nfds < 0 || nfds > k.fds.limit) fail(EINVAL);
  const words = Math.ceil(nfds / 64);
  const sets = [a[1], a[2], a[3]].map((p) => (p === 0n ? undefined : k.check(p, words * 8, PROT_R | PROT_W)));
  const timeout = readTimeout(k, a[4]);
  const dv = k.mem.dv;
  const writeSets = (results: boolean[][]) => {
    for (let s = 0; s < 3; s++) {
      const at = sets[s];
      if (at === undefined) continue;
      for (let w = 0; w < words; w++) {
        let v = 0n;
        for (let b = 0; b < 64; b++) if (results[s][w * 64 + b]) v |= 1n << BigInt(b);
        dv.setBigUint64(at + w * 8, v, true);
      }
    }
  };
  const { results, ready } = selectScan(k, nfds, sets);
  if (ready === 0 && timeout !== 0n && k.mayBlock()) {
    // The sets stay intact while blocked: the call runs again on them when something is ready
    // (a descriptor closed meanwhile counts as ready, so that the rerun reports EBADF); a
    // timeout clears them.
    const isReady = () => { try { return selectScan(k, nfds, sets).ready > 0; } catch { return true; } };
    return waitNothingReady(k, timeout, 'select', isReady, () => writeSets(results));
  }
  writeSets(results);
  if (ready === 0) return waitNothingReady(k, timeout, 'select', () => false);
  return ready;
}

function memfdCreate(k: LinuxKernel, a: Args): number {
  const name = k.readString(a[0], 250);
  const flags = uint(a[1]);
  if (flags & ~0x1f) fail(EINVAL);
  const f = new MemFile(O_RDWR, undefined, new Uint8Array(0), 0o100777);
  Object.defineProperty(f, 'description', { value: `/memfd:${name} (deleted)` });
  return installFd(k, f, (flags & 1) !== 0);
}

function fallocate(k: LinuxKernel, a: Args): number {
  const f = k.file(a[0]);
  const mode = int(a[1]);
  const off = Number(a[2]), len = Number(a[3]);
  if (off < 0 || len <= 0) fail(EINVAL);
  if (!f.writable) fail(EBADF);
  if (f instanceof PipeEnd) fail(ESPIPE);
  if (mode !== 0) fail(EOPNOTSUPP);
  const st = f.stat();
  if (BigInt(off + len) > st.size) f.truncate(off + len);
  return 0;
}

function checkFd(k: LinuxKernel, a: Args): number { k.file(a[0]); return 0; }

export const ioSyscalls: SyscallDef[] = [
  { nr: 23, name: 'dup', fmt: 'f', fn: dup },
  { nr: 24, name: 'dup3', fmt: 'ffo', fn: dup3 },
  { nr: 25, name: 'fcntl', fmt: 'fdx', fn: fcntl },
  { nr: 29, name: 'ioctl', fmt: 'fIp', fn: ioctl },
  { nr: 32, name: 'flock', fmt: 'fd', fn: checkFd },
  { nr: 46, name: 'ftruncate', fmt: 'fD', fn: ftruncate },
  { nr: 47, name: 'fallocate', fmt: 'fdDD', fn: fallocate },
  { nr: 57, name: 'close', fmt: 'f', fn: close },
  { nr: 59, name: 'pipe2', fmt: 'po', fn: pipe2 },
  { nr: 61, name: 'getdents64', fmt: 'fpu', fn: getdents64 },
  { nr: 62, name: 'lseek', fmt: 'fDd', fn: lseek },
  { nr: 63, name: 'read', fmt: 'fpu', fn: read },
  { nr: 64, name: 'write', fmt: 'fpu', fn: write },
  { nr: 65, name: 'readv', fmt: 'fpd', fn: (k, a) => readvAt(k, k.file(a[0]), iovecs(k, a[1], a[2]), undefined) },
  { nr: 66, name: 'writev', fmt: 'fpd', fn: (k, a) => writevAt(k, k.file(a[0]), iovecs(k, a[1], a[2]), undefined) },
  { nr: 67, name: 'pread64', fmt: 'fpuD', fn: pread64 },
  { nr: 68, name: 'pwrite64', fmt: 'fpuD', fn: pwrite64 },
  { nr: 69, name: 'preadv', fmt: 'fpdD', fn: (k, a) => { const f = k.file(a[0]); const p = Number(a[3]); if (p < 0) fail(EINVAL); return readvAt(k, f, iovecs(k, a[1], a[2]), p); } },
  { nr: 70, name: 'pwritev', fmt: 'fpdD', fn: (k, a) => { const f = k.file(a[0]); const p = Number(a[3]); if (p < 0) fail(EINVAL); return writevAt(k, f, iovecs(k, a[1], a[2]), p); } },
  { nr: 71, name: 'sendfile', fmt: 'ffpu', fn: sendfile },
  { nr: 72, name: 'pselect6', fmt: 'dppppp', fn: pselect6 },
  { nr: 73, name: 'ppoll', fmt: 'pupp', fn: ppoll },
  { nr: 81, name: 'sync', fmt: '', fn: () => 0 },
  { nr: 82, name: 'fsync', fmt: 'f', fn: fsync },
  { nr: 83, name: 'fdatasync', fmt: 'f', fn: fsync },
  { nr: 223, name: 'fadvise64', fmt: 'fDDd', fn: (k, a) => { if (k.file(a[0]) instanceof PipeEnd) fail(ESPIPE); return 0; } },
  { nr: 267, name: 'syncfs', fmt: 'f', fn: checkFd },
  { nr: 279, name: 'memfd_create', fmt: 'sx', fn: memfdCreate },
  { nr: 285, name: 'copy_file_range', fmt: 'fpfpux', fn: copyFileRange },
  { nr: 286, name: 'preadv2', fmt: 'fpdDDx', fn: (k, a) => readvAt(k, k.file(a[0]), iovecs(k, a[1], a[2]), offsetArg(a[3])) },
  { nr: 287, name: 'pwritev2', fmt: 'fpdDDx', fn: (k, a) => writevAt(k, k.file(a[0]), iovecs(k, a[1], a[2]), offsetArg(a[3])) },
  { nr: 436, name: 'close_range', fmt: 'uux', fn: closeRange },
];
