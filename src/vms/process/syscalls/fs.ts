import { PROT_W } from '../../../machine/memory.js';
import {
  AT_EACCESS, AT_EMPTY_PATH, AT_NO_AUTOMOUNT, AT_REMOVEDIR, AT_STATX_SYNC_TYPE, AT_SYMLINK_FOLLOW,
  AT_SYMLINK_NOFOLLOW, O_ACCMODE, O_APPEND, O_ASYNC, O_CLOEXEC, O_CREAT, O_DIRECT, O_DIRECTORY,
  O_DSYNC, O_EXCL, O_LARGEFILE, O_NOATIME, O_NOFOLLOW, O_NONBLOCK, O_PATH, O_RDONLY, O_RDWR,
  O_SYNC, O_TMPFILE, O_TRUNC, O_WRONLY, RENAME_EXCHANGE, RENAME_NOREPLACE, RENAME_WHITEOUT,
  S_IFBLK, S_IFDIR, S_IFLNK, S_IFMT, S_IFREG, UTIME_NOW, UTIME_OMIT,
} from '../abi.js';
import {
  EACCES, EBADF, EBUSY, EFAULT, EEXIST, EINVAL, EISDIR, ELOOP, EMFILE, ENOENT, ENOTDIR, EOPNOTSUPP, EPERM,
  ERANGE, EROFS, EXDEV, fail,
} from '../errno.js';
import { HostFile, MemFile, PathFile, type OpenFile } from '../files.js';
import type { HostStat, HostStatfs } from '../host.js';
import { int, size, uint, type LinuxKernel } from '../kernel.js';
import { normalizeGuestPath, type Location } from '../mounts.js';
import { STATX_SIZE, STAT_SIZE, writeStat, writeStatx } from '../structs.js';
import type { Args, SyscallDef } from './types.js';
import {
  isDir, openHostDir, openVirtualFile, resolveAt, resolveOrFail, statOf, baseDir,
} from './vfs.js';

/** Path-based file-system calls: open, stat, directories, links, permissions, times. */

const STATUS_FLAGS = O_APPEND | O_NONBLOCK | O_DSYNC | O_SYNC | O_DIRECT | O_NOATIME | O_ASYNC;

export function installFd(k: LinuxKernel, file: OpenFile, cloexec: boolean): number {
  const fd = k.fds.install(file, cloexec);
  if (fd < 0) {
    if (file.refs === 0) file.release();
    fail(EMFILE);
  }
  return fd;
}

/** The core of openat/openat2: returns the new fd. */
export function doOpen(k: LinuxKernel, dirfd: bigint, pathArg: bigint, flags: number, mode: number): number {
  const path = k.readString(pathArg);
  if (path === '') fail(ENOENT);
  let acc = flags & O_ACCMODE;
  if (acc === 3) acc = O_RDWR;
  const cloexec = (flags & O_CLOEXEC) !== 0;
  const base = path.startsWith('/') ? '/' : baseDir(k, int(dirfd));

  if ((flags & O_TMPFILE) === O_TMPFILE) {
    // An unnamed temporary file in `path`: kept in memory (it can never be linked into the
    // host file system), which is all tmpfile(3) needs.
    if (acc === O_RDONLY) fail(EINVAL);
    const dir = resolveOrFail(k, path, true, base);
    if (dir.kind === 'missing') fail(ENOENT);
    if (!isDir(dir)) fail(ENOTDIR);
    if (dir.kind === 'host' && dir.readOnly) fail(EROFS);
    const f = new MemFile(acc | (flags & STATUS_FLAGS) | O_LARGEFILE, undefined, new Uint8Array(0), S_IFREG | (mode & 0o7777 & ~k.umask));
    Object.defineProperty(f, 'description', { value: `${dir.guestPath === '/' ? '' : dir.guestPath}/#${f.stat().ino} (deleted)` });
    return installFd(k, f, cloexec);
  }

  if (flags & O_PATH) {
    const loc = resolveOrFail(k, path, !(flags & O_NOFOLLOW), base);
    if (loc.kind === 'missing') fail(ENOENT);
    if ((flags & O_DIRECTORY) && !isDir(loc)) fail(ENOTDIR);
    const f = new PathFile(loc.guestPath, () => statOf(k, loc), isDir(loc));
    if (loc.kind === 'host') { f.hostPath = loc.hostPath; f.readOnlyMount = loc.readOnly; }
    return installFd(k, f, cloexec);
  }

  // /proc/self/fd/N and /dev/stdin... of a file without a path (stdio, pipes, memfd): Linux
  // reopens the underlying object; sharing the open description is the closest we can do.
  const fdm = /^\/(?:proc\/self|dev)\/fd\/(\d+)$/.exec(normalizeGuestPath(base, path)) ??
    /^\/dev\/std(in|out|err)$/.exec(normalizeGuestPath(base, path));
  if (fdm) {
    const n = fdm[1] === 'in' ? 0 : fdm[1] === 'out' ? 1 : fdm[1] === 'err' ? 2 : Number(fdm[1]);
    const e = k.fds.entry(n);
    if (!e) fail(ENOENT);
    if (e.file.guestPath === undefined) return installFd(k, e.file, cloexec);
  }

  const creat = (flags & O_CREAT) !== 0;
  const follow = !(flags & O_NOFOLLOW) && !(creat && (flags & O_EXCL));
  const loc = resolveOrFail(k, path, follow, base);

  const status = (flags & STATUS_FLAGS) | O_LARGEFILE;
  const wantWrite = acc !== O_RDONLY;

  if (loc.kind === 'virtual') {
    if (creat && (flags & O_EXCL)) fail(EEXIST);
    const n = loc.node;
    if (n.type === 'link') fail(ELOOP); // only reached with O_NOFOLLOW
    if (n.type === 'dir') {
      if (wantWrite || creat) fail(EISDIR);
    } else {
      if ((flags & O_DIRECTORY)) fail(ENOTDIR);
      if (!n.id.startsWith('dev:') && wantWrite) fail(EACCES);
    }
    return installFd(k, openVirtualFile(k, loc, acc | status), cloexec);
  }

  if (loc.kind === 'missing') {
    if (!creat) fail(ENOENT);
    if (flags & O_DIRECTORY) fail(EINVAL);
    if (path.endsWith('/')) fail(EISDIR);
    if (loc.readOnly) fail(EROFS);
    const hostFd = k.host.open(loc.hostPath, {
      read: acc !== O_WRONLY, write: wantWrite, create: true, exclusive: (flags & O_EXCL) !== 0,
      truncate: false, noFollow: true,
    }, mode & 0o7777 & ~k.umask);
    const f = new HostFile(k.host, hostFd, acc | status, loc.guestPath, true, true);
    f.hostPath = loc.hostPath;
    return installFd(k, f, cloexec);
  }

  // An existing host file.
  const st = loc.stat;
  const type = st.mode & S_IFMT;
  if (type === S_IFLNK) fail(ELOOP); // O_NOFOLLOW on a link (or O_CREAT|O_EXCL, below)
  if (creat && (flags & O_EXCL)) fail(EEXIST);
  if (type === S_IFDIR) {
    if (wantWrite || creat) fail(EISDIR);
    return installFd(k, openHostDir(k, loc, acc | status), cloexec);
  }
  if (flags & O_DIRECTORY) fail(ENOTDIR);
  if ((wantWrite || (flags & O_TRUNC)) && loc.readOnly) fail(EROFS);
  const hostFd = k.host.open(loc.hostPath, {
    read: acc !== O_WRONLY, write: wantWrite, create: false, exclusive: false,
    truncate: (flags & O_TRUNC) !== 0 && wantWrite, noFollow: false,
  }, 0);
  const f = new HostFile(k.host, hostFd, acc | status, loc.guestPath, type === S_IFREG || type === S_IFBLK, true);
  f.hostPath = loc.hostPath;
  f.readOnlyMount = loc.readOnly;
  return installFd(k, f, cloexec);
}

function openat(k: LinuxKernel, a: Args): number {
  return doOpen(k, a[0], a[1], int(a[2]), uint(a[3]));
}

/** struct open_how { u64 flags; u64 mode; u64 resolve; } */
function openat2(k: LinuxKernel, a: Args): number {
  const sz = size(a[3]);
  if (sz < 24) fail(EINVAL);
  const flags = k.readU64(a[2]);
  const mode = k.readU64(a[2] + 8n);
  const resolve = k.readU64(a[2] + 16n);
  if (flags >> 32n || mode & ~0o7777n) fail(EINVAL);
  if (!(Number(flags) & (O_CREAT | O_TMPFILE)) && mode) fail(EINVAL);
  if (resolve & ~0x1fn) fail(EINVAL);
  return doOpen(k, a[0], a[1], Number(flags), Number(mode));
}

/** The stat of the target of an *at call. */
function statTarget(k: LinuxKernel, dirfd: bigint, path: bigint, flags: number): HostStat {
  const t = resolveAt(k, dirfd, path, !(flags & AT_SYMLINK_NOFOLLOW), flags);
  return t.kind === 'fd' ? t.file.stat() : statOf(k, t.loc);
}

function newfstatat(k: LinuxKernel, a: Args): number {
  const flags = int(a[3]);
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT)) fail(EINVAL);
  const out = k.check(a[2], STAT_SIZE, PROT_W);
  const st = statTarget(k, a[0], a[1], flags);
  writeStat(k.mem.dv, out, st);
  return 0;
}

function fstat(k: LinuxKernel, a: Args): number {
  const f = k.file(a[0]);
  const out = k.check(a[1], STAT_SIZE, PROT_W);
  writeStat(k.mem.dv, out, f.stat());
  return 0;
}

function statx(k: LinuxKernel, a: Args): number {
  const flags = int(a[2]);
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT | AT_STATX_SYNC_TYPE)) fail(EINVAL);
  if ((flags & AT_STATX_SYNC_TYPE) === AT_STATX_SYNC_TYPE) fail(EINVAL);
  const out = k.check(a[4], STATX_SIZE, PROT_W);
  const st = statTarget(k, a[0], a[1], flags);
  writeStatx(k.mem.dv, out, st);
  return 0;
}

function accessCheck(k: LinuxKernel, dirfd: bigint, path: bigint, mode: number, flags: number): number {
  if (mode & ~7) fail(EINVAL);
  if (flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) fail(EINVAL);
  const t = resolveAt(k, dirfd, path, !(flags & AT_SYMLINK_NOFOLLOW), flags);
  if (t.kind === 'fd') return 0;
  const loc = t.loc;
  if (loc.kind === 'missing') fail(ENOENT);
  if (loc.kind === 'virtual') {
    if ((mode & 1) && loc.node.type !== 'dir') fail(EACCES);
    if ((mode & 2) && !(loc.node.type === 'file' && loc.node.id.startsWith('dev:'))) fail(EACCES);
    return 0;
  }
  if ((mode & 2) && loc.readOnly) fail(EROFS);
  k.host.access(loc.hostPath, mode);
  return 0;
}

function faccessat(k: LinuxKernel, a: Args): number { return accessCheck(k, a[0], a[1], int(a[2]), 0); }
function faccessat2(k: LinuxKernel, a: Args): number { return accessCheck(k, a[0], a[1], int(a[2]), int(a[3])); }

/** Resolves a path whose last component is to be created (mkdir, symlink, link target). */
function creationTarget(k: LinuxKernel, dirfd: bigint, pathArg: bigint): Location & { kind: 'missing' } {
  const t = resolveAt(k, dirfd, pathArg, false);
  if (t.kind !== 'loc') fail(ENOENT);
  if (t.loc.kind !== 'missing') fail(EEXIST);
  if (t.loc.readOnly) fail(EROFS);
  return t.loc;
}

function mkdirat(k: LinuxKernel, a: Args): number {
  const loc = creationTarget(k, a[0], a[1]);
  k.host.mkdir(loc.hostPath, uint(a[2]) & 0o7777 & ~k.umask);
  return 0;
}

function mknodat(k: LinuxKernel, a: Args): number {
  const mode = uint(a[2]);
  const loc = creationTarget(k, a[0], a[1]);
  // Only regular files can be made without privileges we do not emulate.
  if ((mode & S_IFMT) !== 0 && (mode & S_IFMT) !== S_IFREG) fail(EPERM);
  const fd = k.host.open(loc.hostPath, { read: false, write: true, create: true, exclusive: true, truncate: false, noFollow: true }, mode & 0o7777 & ~k.umask);
  k.host.close(fd);
  return 0;
}

/** The guest path of a mount root, where unlink/rename must give EBUSY. */
function isMountRoot(k: LinuxKernel, guestPath: string): boolean {
  const m = k.mounts.mountFor(guestPath);
  return m !== undefined && m.mount.guestPath === guestPath;
}

function unlinkat(k: LinuxKernel, a: Args): number {
  const flags = int(a[2]);
  if (flags & ~AT_REMOVEDIR) fail(EINVAL);
  const t = resolveAt(k, a[0], a[1], false);
  if (t.kind !== 'loc') fail(ENOENT);
  const loc = t.loc;
  if (loc.kind === 'missing') fail(ENOENT);
  if (loc.kind === 'virtual') fail(loc.node.type === 'dir' && !(flags & AT_REMOVEDIR) ? EISDIR : EACCES);
  if (loc.readOnly) fail(EROFS);
  const dir = (loc.stat.mode & S_IFMT) === S_IFDIR;
  if (flags & AT_REMOVEDIR) {
    if (!dir) fail(ENOTDIR);
    if (isMountRoot(k, loc.guestPath) || loc.guestPath === '/') fail(EBUSY);
    k.host.rmdir(loc.hostPath);
  } else {
    if (dir) fail(EISDIR);
    k.host.unlink(loc.hostPath);
  }
  return 0;
}

function sameMount(k: LinuxKernel, x: Location & { kind: 'host' | 'missing' }, y: Location & { kind: 'host' | 'missing' }): boolean {
  const mx = k.mounts.mountFor(x.guestPath), my = k.mounts.mountFor(y.guestPath);
  return mx !== undefined && my !== undefined && mx.mount.guestPath === my.mount.guestPath &&
    x.hostPath.startsWith(mx.mount.hostPath) && y.hostPath.startsWith(my.mount.hostPath);
}

function renameat2(k: LinuxKernel, a: Args): number {
  const flags = uint(a[4]);
  if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT)) fail(EINVAL);
  if (flags & (RENAME_EXCHANGE | RENAME_WHITEOUT)) fail(flags & RENAME_NOREPLACE ? EINVAL : EOPNOTSUPP);
  const s = resolveAt(k, a[0], a[1], false);
  const d = resolveAt(k, a[2], a[3], false);
  if (s.kind !== 'loc' || d.kind !== 'loc') fail(ENOENT);
  const from = s.loc, to = d.loc;
  if (from.kind === 'missing') fail(ENOENT);
  if (from.kind === 'virtual' || to.kind === 'virtual') fail(to.kind === 'virtual' && from.kind !== 'virtual' ? EXDEV : EACCES);
  if (from.readOnly || to.readOnly) fail(EROFS);
  if (!sameMount(k, from, to)) fail(EXDEV);
  if (isMountRoot(k, from.guestPath) || isMountRoot(k, to.guestPath)) fail(EBUSY);
  if (to.kind === 'host' && (flags & RENAME_NOREPLACE)) fail(EEXIST);
  if (to.kind === 'host' && from.hostPath === to.hostPath) return 0;
  if (to.guestPath.startsWith(from.guestPath + '/')) fail(EINVAL);
  k.host.rename(from.hostPath, to.hostPath);
  return 0;
}

function symlinkat(k: LinuxKernel, a: Args): number {
  const target = k.readString(a[0]);
  if (target === '') fail(ENOENT);
  const loc = creationTarget(k, a[1], a[2]);
  k.host.symlink(target, loc.hostPath);
  return 0;
}

function linkat(k: LinuxKernel, a: Args): number {
  const flags = int(a[4]);
  if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH)) fail(EINVAL);
  const s = resolveAt(k, a[0], a[1], (flags & AT_SYMLINK_FOLLOW) !== 0, flags);
  let fromHost: string;
  let fromLoc: Location & { kind: 'host' };
  if (s.kind === 'fd') {
    if (!s.file.hostPath || s.file.guestPath === undefined) fail(ENOENT);
    fromHost = s.file.hostPath;
    const r = resolveOrFail(k, s.file.guestPath, false);
    if (r.kind !== 'host') fail(ENOENT);
    fromLoc = r;
  } else {
    if (s.loc.kind === 'missing') fail(ENOENT);
    if (s.loc.kind === 'virtual') fail(EXDEV);
    fromLoc = s.loc;
    fromHost = s.loc.hostPath;
  }
  if ((fromLoc.stat.mode & S_IFMT) === S_IFDIR) fail(EPERM);
  const to = creationTarget(k, a[2], a[3]);
  if (fromLoc.readOnly) fail(EROFS);
  if (!sameMount(k, fromLoc, to)) fail(EXDEV);
  k.host.link(fromHost, to.hostPath);
  return 0;
}

function readlinkat(k: LinuxKernel, a: Args): number {
  const bufsiz = int(a[3]);
  if (bufsiz <= 0) fail(EINVAL);
  const t = resolveAt(k, a[0], a[1], false, AT_EMPTY_PATH);
  if (t.kind === 'fd') fail(EINVAL);
  const loc = t.loc;
  let target: string;
  if (loc.kind === 'virtual') {
    if (loc.node.type !== 'link') fail(EINVAL);
    target = loc.node.target();
  } else if (loc.kind === 'host') {
    if ((loc.stat.mode & S_IFMT) !== S_IFLNK) fail(EINVAL);
    target = k.host.readlink(loc.hostPath);
  } else {
    fail(ENOENT);
  }
  const bytes = new TextEncoder().encode(target);
  const n = Math.min(bytes.length, bufsiz);
  k.bytesOut(a[2], n).set(bytes.subarray(0, n));
  return n;
}

function getcwd(k: LinuxKernel, a: Args): number {
  const bytes = new TextEncoder().encode(k.cwd + '\0');
  if (size(a[1]) < bytes.length) fail(ERANGE);
  k.bytesOut(a[0], bytes.length).set(bytes);
  return bytes.length;
}

function chdir(k: LinuxKernel, a: Args): number {
  const loc = resolveOrFail(k, k.readString(a[0]), true);
  if (loc.kind === 'missing') fail(ENOENT);
  if (!isDir(loc)) fail(ENOTDIR);
  if (loc.kind === 'host') k.host.access(loc.hostPath, 1);
  k.cwd = loc.guestPath;
  return 0;
}

function fchdir(k: LinuxKernel, a: Args): number {
  const f = k.file(a[0]);
  if (!f.isDirectory || f.guestPath === undefined) fail(ENOTDIR);
  k.cwd = f.guestPath;
  return 0;
}

function truncate(k: LinuxKernel, a: Args): number {
  const len = Number(a[1]);
  if (len < 0) fail(EINVAL);
  const loc = resolveOrFail(k, k.readString(a[0]), true);
  if (loc.kind === 'missing') fail(ENOENT);
  if (loc.kind === 'virtual') fail(loc.node.type === 'dir' ? EISDIR : EACCES);
  if ((loc.stat.mode & S_IFMT) === S_IFDIR) fail(EISDIR);
  if (loc.readOnly) fail(EROFS);
  k.host.truncate(loc.hostPath, len);
  return 0;
}

/** Host path and read-only flag for metadata calls through an fd. */
function fdHostPath(f: OpenFile): string | undefined {
  return f.hostPath;
}

function chmodTarget(k: LinuxKernel, dirfd: bigint, path: bigint, mode: number, flags: number): number {
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) fail(EINVAL);
  const t = resolveAt(k, dirfd, path, !(flags & AT_SYMLINK_NOFOLLOW), flags);
  if (t.kind === 'fd') return fchmodFile(k, t.file, mode);
  const loc = t.loc;
  if (loc.kind === 'missing') fail(ENOENT);
  if (loc.kind === 'virtual') fail(EPERM);
  if (loc.readOnly) fail(EROFS);
  if ((loc.stat.mode & S_IFMT) === S_IFLNK) fail(EOPNOTSUPP);
  k.host.chmod(loc.hostPath, mode & 0o7777);
  return 0;
}

function fchmodFile(k: LinuxKernel, f: OpenFile, mode: number): number {
  if (f.readOnlyMount) fail(EROFS);
  if (f instanceof HostFile && f.hostPath) { k.host.fchmod(f.hostFd, mode & 0o7777); return 0; }
  const p = fdHostPath(f);
  if (!p) fail(EPERM);
  k.host.chmod(p, mode & 0o7777);
  return 0;
}

function fchmod(k: LinuxKernel, a: Args): number {
  const f = k.file(a[0]);
  if (f instanceof PathFile) fail(EBADF);
  return fchmodFile(k, f, uint(a[1]));
}

/** chown is accepted only as a no-op (ids unchanged); the guest cannot give files away. */
function chownCheck(st: HostStat, uid: number, gid: number): number {
  const u = uid | 0, g = gid | 0;
  if ((u !== -1 && u !== st.uid) || (g !== -1 && g !== st.gid)) fail(EPERM);
  return 0;
}

function fchownat(k: LinuxKernel, a: Args): number {
  const flags = int(a[4]);
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) fail(EINVAL);
  return chownCheck(statTarget(k, a[0], a[1], flags), uint(a[2]), uint(a[3]));
}

function fchown(k: LinuxKernel, a: Args): number {
  return chownCheck(k.file(a[0]).stat(), uint(a[1]), uint(a[2]));
}

function utimensat(k: LinuxKernel, a: Args): number {
  const flags = int(a[3]);
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) fail(EINVAL);
  const now = k.host.realtimeNs();
  let times: [bigint | 'omit', bigint | 'omit'] = [now, now];
  if (a[2] !== 0n) {
    const parse = (at: bigint): bigint | 'omit' => {
      const sec = k.readI64(at), nsec = k.readI64(at + 8n);
      if (nsec === BigInt(UTIME_NOW)) return now;
      if (nsec === BigInt(UTIME_OMIT)) return 'omit';
      if (nsec < 0n || nsec >= 1_000_000_000n) fail(EINVAL);
      return sec * 1_000_000_000n + nsec;
    };
    times = [parse(a[2]), parse(a[2] + 16n)];
  }
  let file: OpenFile | undefined;
  let loc: Location | undefined;
  if (a[1] === 0n) {
    // utimensat(fd, NULL, ...) is futimens(fd).
    if (int(a[0]) === -100) fail(EFAULT);
    file = k.file(a[0]);
  } else {
    const t = resolveAt(k, a[0], a[1], !(flags & AT_SYMLINK_NOFOLLOW), flags);
    if (t.kind === 'fd') file = t.file; else loc = t.loc;
  }
  if (times[0] === 'omit' && times[1] === 'omit') return 0;
  if (file) {
    if (file.readOnlyMount) fail(EROFS);
    const st = file.stat();
    const at = times[0] === 'omit' ? st.atimeNs : times[0];
    const mt = times[1] === 'omit' ? st.mtimeNs : times[1];
    if (file instanceof HostFile && file.hostPath) k.host.futimes(file.hostFd, at, mt);
    else if (file.hostPath) k.host.utimes(file.hostPath, at, mt, true);
    return 0;
  }
  if (!loc || loc.kind === 'missing') fail(ENOENT);
  if (loc.kind === 'virtual') return 0;
  if (loc.readOnly) fail(EROFS);
  const at = times[0] === 'omit' ? loc.stat.atimeNs : times[0];
  const mt = times[1] === 'omit' ? loc.stat.mtimeNs : times[1];
  k.host.utimes(loc.hostPath, at, mt, !(flags & AT_SYMLINK_NOFOLLOW));
  return 0;
}

function umask(k: LinuxKernel, a: Args): number {
  const old = k.umask;
  k.umask = uint(a[0]) & 0o777;
  return old;
}

const STATFS_SIZE = 120;
const ST_RDONLY = 1;

function writeStatfs(k: LinuxKernel, out: bigint, hostPath: string | undefined, readOnly: boolean): number {
  const at = k.check(out, STATFS_SIZE, PROT_W);
  let s: HostStatfs = { type: 0xef53n, bsize: 4096n, blocks: 1n << 20n, bfree: 1n << 19n, bavail: 1n << 19n, files: 1n << 20n, ffree: 1n << 19n };
  if (hostPath !== undefined && k.host.statfs) {
    try { s = k.host.statfs(hostPath); } catch { /* keep the synthetic answer */ }
  }
  const dv = k.mem.dv;
  new Uint8Array(dv.buffer, at, STATFS_SIZE).fill(0);
  dv.setBigInt64(at + 0, s.type, true);
  dv.setBigInt64(at + 8, s.bsize, true);
  dv.setBigUint64(at + 16, s.blocks, true);
  dv.setBigUint64(at + 24, s.bfree, true);
  dv.setBigUint64(at + 32, s.bavail, true);
  dv.setBigUint64(at + 40, s.files, true);
  dv.setBigUint64(at + 48, s.ffree, true);
  dv.setBigInt64(at + 64, 255n, true);
  dv.setBigInt64(at + 72, s.bsize, true);
  dv.setBigInt64(at + 80, BigInt(readOnly ? ST_RDONLY : 0), true);
  return 0;
}

function statfs(k: LinuxKernel, a: Args): number {
  const loc = resolveOrFail(k, k.readString(a[0]), true);
  if (loc.kind === 'missing') fail(ENOENT);
  if (loc.kind === 'virtual') return writeStatfs(k, a[1], undefined, true);
  return writeStatfs(k, a[1], loc.hostPath, loc.readOnly);
}

function fstatfs(k: LinuxKernel, a: Args): number {
  const f = k.file(a[0]);
  return writeStatfs(k, a[1], f.hostPath, f.readOnlyMount);
}

function chroot(k: LinuxKernel, a: Args): number {
  k.readString(a[0]);
  fail(EPERM);
}

/** Extended attributes are not supported on any guest file system. */
function xattr(): number { fail(EOPNOTSUPP); }

export const fsSyscalls: SyscallDef[] = [
  { nr: 5, name: 'setxattr', fmt: 'ssxud', fn: xattr },
  { nr: 6, name: 'lsetxattr', fmt: 'ssxud', fn: xattr },
  { nr: 7, name: 'fsetxattr', fmt: 'fsxud', fn: xattr },
  { nr: 8, name: 'getxattr', fmt: 'ssxu', fn: xattr },
  { nr: 9, name: 'lgetxattr', fmt: 'ssxu', fn: xattr },
  { nr: 10, name: 'fgetxattr', fmt: 'fsxu', fn: xattr },
  { nr: 11, name: 'listxattr', fmt: 'sxu', fn: xattr },
  { nr: 12, name: 'llistxattr', fmt: 'sxu', fn: xattr },
  { nr: 13, name: 'flistxattr', fmt: 'fxu', fn: xattr },
  { nr: 14, name: 'removexattr', fmt: 'ss', fn: xattr },
  { nr: 15, name: 'lremovexattr', fmt: 'ss', fn: xattr },
  { nr: 16, name: 'fremovexattr', fmt: 'fs', fn: xattr },
  { nr: 17, name: 'getcwd', fmt: 'pu', fn: getcwd },
  { nr: 33, name: 'mknodat', fmt: 'fsOx', fn: mknodat },
  { nr: 34, name: 'mkdirat', fmt: 'fsO', fn: mkdirat },
  { nr: 35, name: 'unlinkat', fmt: 'fsx', fn: unlinkat },
  { nr: 36, name: 'symlinkat', fmt: 'sfs', fn: symlinkat },
  { nr: 37, name: 'linkat', fmt: 'fsfsx', fn: linkat },
  { nr: 43, name: 'statfs', fmt: 'sp', fn: statfs },
  { nr: 44, name: 'fstatfs', fmt: 'fp', fn: fstatfs },
  { nr: 45, name: 'truncate', fmt: 'sD', fn: truncate },
  { nr: 48, name: 'faccessat', fmt: 'fsd', fn: faccessat },
  { nr: 49, name: 'chdir', fmt: 's', fn: chdir },
  { nr: 50, name: 'fchdir', fmt: 'f', fn: fchdir },
  { nr: 51, name: 'chroot', fmt: 's', fn: chroot },
  { nr: 52, name: 'fchmod', fmt: 'fO', fn: fchmod },
  { nr: 53, name: 'fchmodat', fmt: 'fsO', fn: (k, a) => chmodTarget(k, a[0], a[1], uint(a[2]), 0) },
  { nr: 54, name: 'fchownat', fmt: 'fsddx', fn: fchownat },
  { nr: 55, name: 'fchown', fmt: 'fdd', fn: fchown },
  { nr: 56, name: 'openat', fmt: 'fsoO', fn: openat },
  { nr: 78, name: 'readlinkat', fmt: 'fspd', fn: readlinkat },
  { nr: 79, name: 'newfstatat', fmt: 'fspx', fn: newfstatat },
  { nr: 80, name: 'fstat', fmt: 'fp', fn: fstat },
  { nr: 88, name: 'utimensat', fmt: 'fspx', fn: utimensat },
  { nr: 166, name: 'umask', fmt: 'O', fn: umask },
  { nr: 276, name: 'renameat2', fmt: 'fsfsx', fn: renameat2 },
  { nr: 291, name: 'statx', fmt: 'fsxxp', fn: statx },
  { nr: 437, name: 'openat2', fmt: 'fspu', fn: openat2 },
  { nr: 439, name: 'faccessat2', fmt: 'fsdx', fn: faccessat2 },
  { nr: 452, name: 'fchmodat2', fmt: 'fsOx', fn: (k, a) => chmodTarget(k, a[0], a[1], uint(a[2]), int(a[3])) },
];
