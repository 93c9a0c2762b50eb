import { CODE, MAPPED, PAGE_SHIFT, PAGE_SIZE, PROT_R, PROT_W, PROT_X } from '../../../machine/memory.js';
import {
  AT_EMPTY_PATH, AT_FDCWD, DT_DIR, DT_LNK, O_ACCMODE, O_RDONLY, S_IFCHR, S_IFDIR, S_IFLNK, S_IFREG,
} from '../abi.js';
import { EISDIR, ENOENT, ENOTDIR, ENXIO, fail } from '../errno.js';
import {
  DeviceFile, DirFile, HostFile, inoForPath, MemFile, syntheticStat, typeOfMode,
  type DeviceKind, type DirEntry, type OpenFile,
} from '../files.js';
import type { HostStat } from '../host.js';
import type { LinuxKernel } from '../kernel.js';
import { int } from '../kernel.js';
import { isDir, type Location, type VNode } from '../mounts.js';

/**
 * The synthetic part of the guest's file system: a few devices, /proc/self and the CPU list
 * glibc reads for sysconf(_SC_NPROCESSORS_*). Everything else comes from mounts.
 */

export const VIRTUAL_ROOTS = ['/dev', '/proc', '/sys/devices/system/cpu'];

const DEVICES: Record<string, DeviceKind | 'tty'> = {
  null: 'null', zero: 'zero', full: 'full', random: 'random', urandom: 'urandom', tty: 'tty',
};

const dir = (names: () => string[]): VNode => ({ type: 'dir', list: names });
const file = (id: string): VNode => ({ type: 'file', id });
const link = (target: () => string): VNode => ({ type: 'link', target });

export function makeVirtualNodes(k: LinuxKernel): (path: string) => VNode | undefined {
  const fixed: Record<string, VNode> = {
    '/dev': dir(() => [...Object.keys(DEVICES), 'fd', 'stdin', 'stdout', 'stderr']),
    '/dev/fd': link(() => '/proc/self/fd'),
    '/dev/stdin': link(() => '/proc/self/fd/0'),
    '/dev/stdout': link(() => '/proc/self/fd/1'),
    '/dev/stderr': link(() => '/proc/self/fd/2'),
    '/proc': dir(() => ['self', 'cpuinfo', 'meminfo', String(k.pid)]),
    [`/proc/${k.pid}`]: link(() => '/proc/self'),
    '/proc/self': dir(() => ['exe', 'cwd', 'fd', 'maps', 'comm']),
    '/proc/self/exe': link(() => k.exePath),
    '/proc/self/cwd': link(() => k.cwd),
    '/proc/self/fd': dir(() => k.fds.list().map(String)),
    '/proc/self/maps': file('maps'),
    '/proc/self/comm': file('comm'),
    '/proc/cpuinfo': file('cpuinfo'),
    '/proc/meminfo': file('meminfo'),
    '/sys/devices/system/cpu': dir(() => ['online', 'possible', 'present']),
    '/sys/devices/system/cpu/online': file('cpus'),
    '/sys/devices/system/cpu/possible': file('cpus'),
    '/sys/devices/system/cpu/present': file('cpus'),
  };
  for (const name of Object.keys(DEVICES)) fixed[`/dev/${name}`] = file(`dev:${name}`);
  return (path) => {
    const v = fixed[path];
    if (v) return v;
    const m = /^\/proc\/self\/fd\/(\d+)$/.exec(path);
    if (m) {
      const e = k.fds.entry(Number(m[1]));
      if (e) return link(() => e.file.description);
    }
    return undefined;
  };
}

const enc = new TextEncoder();

function synthContent(k: LinuxKernel, id: string): string {
  switch (id) {
    case 'maps': return procMaps(k);
    case 'comm': return `${k.comm}\n`;
    case 'cpus': return '0\n';
    case 'cpuinfo':
      return 'processor\t: 0\nhart\t\t: 0\nisa\t\t: rv64imafdc_zicsr_zifencei\nmmu\t\t: sv39\nuarch\t\t: univm\n\n';
    case 'meminfo': {
      const total = k.mem.size / 1024;
      const free = freePages(k) * (PAGE_SIZE / 1024);
      return `MemTotal:       ${total} kB\nMemFree:        ${free} kB\nMemAvailable:   ${free} kB\n` +
        'Buffers:               0 kB\nCached:                0 kB\nSwapTotal:             0 kB\nSwapFree:              0 kB\n';
    }
    default: return '';
  }
}

export function freePages(k: LinuxKernel): number {
  let n = 0;
  const perm = k.mem.perm;
  for (let i = 0; i < perm.length; i++) if (!(perm[i] & MAPPED)) n++;
  return n;
}

/** /proc/self/maps, rebuilt from the page permission bytes. */
export function procMaps(k: LinuxKernel): string {
  const perm = k.mem.perm;
  const stackLo = k.space.stackTop - k.space.stackSize;
  const nameOf = (addr: number): string => {
    for (const s of k.shared) if (addr >= s.addr && addr < s.addr + s.len) return s.file.guestPath ?? '';
    if (k.space.brkEnd > k.space.brkStart && addr >= k.space.brkStart && addr < k.space.brkEnd) return '[heap]';
    if (addr >= stackLo && addr < k.space.stackTop) return '[stack]';
    return '';
  };
  const hex = (n: number): string => n.toString(16).padStart(8, '0');
  const lines: string[] = [];
  let p = 0;
  while (p < perm.length) {
    if (!(perm[p] & MAPPED)) { p++; continue; }
    const start = p;
    const name = nameOf(start << PAGE_SHIFT >>> 0);
    // The CODE mark (translated code on the page) is the translator's business, not the guest's.
    const bits = perm[p] & ~CODE;
    while (p < perm.length && (perm[p] & ~CODE) === bits && nameOf(p * PAGE_SIZE) === name) p++;
    const flags = `${bits & PROT_R ? 'r' : '-'}${bits & PROT_W ? 'w' : '-'}${bits & PROT_X ? 'x' : '-'}${name && k.shared.some((s) => s.file.guestPath === name) ? 's' : 'p'}`;
    const line = `${hex(start * PAGE_SIZE)}-${hex(p * PAGE_SIZE)} ${flags} 00000000 00:00 0`;
    lines.push(name ? `${line.padEnd(73)}${name}` : line);
  }
  return lines.join('\n') + (lines.length ? '\n' : '');
}

/** The stat of a resolved location. */
export function statOf(k: LinuxKernel, loc: Location): HostStat {
  switch (loc.kind) {
    case 'missing': fail(ENOENT);
    // eslint-disable-next-line no-fallthrough
    case 'host': return loc.stat;
    case 'virtual': {
      const ino = inoForPath(loc.guestPath);
      const n = loc.node;
      if (n.type === 'dir') return syntheticStat(ino, S_IFDIR | 0o555);
      if (n.type === 'link') return syntheticStat(ino, S_IFLNK | 0o777, BigInt(n.target().length));
      if (n.id.startsWith('dev:')) {
        const name = n.id.slice(4);
        if (name === 'tty') return syntheticStat(ino, S_IFCHR | 0o666, 0n, 0x500n);
        return new DeviceFile(k.host, name as DeviceKind, 0).stat();
      }
      return syntheticStat(ino, S_IFREG | 0o444);
    }
  }
}

/** Opens a synthetic file node. */
export function openVirtualFile(k: LinuxKernel, loc: Location & { kind: 'virtual' }, flags: number): OpenFile {
  const n = loc.node;
  if (n.type === 'dir') {
    if ((flags & O_ACCMODE) !== O_RDONLY) fail(EISDIR);
    return new DirFile(flags, loc.guestPath, () => virtualListing(k, loc.guestPath, n), () => statOf(k, loc));
  }
  if (n.type !== 'file') fail(ENOENT);
  if (n.id.startsWith('dev:')) {
    const name = n.id.slice(4);
    if (name === 'tty') {
      const fd = k.host.openTerminal?.();
      if (fd === undefined) fail(ENXIO);
      return new HostFile(k.host, fd, flags, '/dev/tty', false, true);
    }
    return new DeviceFile(k.host, name as DeviceKind, flags);
  }
  // /proc files are snapshots taken at open time, like a read of the real file would give.
  return new MemFile(flags & ~O_ACCMODE, loc.guestPath, enc.encode(synthContent(k, n.id)));
}

function virtualListing(k: LinuxKernel, guestPath: string, n: VNode & { type: 'dir' }): DirEntry[] {
  const self = inoForPath(guestPath);
  const out: DirEntry[] = [
    { name: '.', type: DT_DIR, ino: self },
    { name: '..', type: DT_DIR, ino: inoForPath(parentOf(guestPath)) },
  ];
  for (const name of n.list()) {
    const child = guestPath === '/' ? `/${name}` : `${guestPath}/${name}`;
    const r = k.mounts.resolve(child, { follow: false });
    let type = DT_DIR;
    let ino = inoForPath(child);
    if (r.kind === 'host') { type = typeOfMode(r.stat.mode); ino = r.stat.ino; }
    else if (r.kind === 'virtual') type = r.node.type === 'dir' ? DT_DIR : r.node.type === 'link' ? DT_LNK : typeOfMode(statOf(k, r).mode);
    out.push({ name, type, ino });
  }
  return out;
}

export function parentOf(guestPath: string): string {
  const i = guestPath.lastIndexOf('/');
  return i <= 0 ? '/' : guestPath.slice(0, i);
}

/** A host directory's listing with "." and "..". */
export function hostListing(k: LinuxKernel, loc: Location & { kind: 'host' }): DirEntry[] {
  const selfIno = k.host.stat(loc.hostPath).ino;
  let parentIno = selfIno;
  if (loc.guestPath !== '/') {
    const r = k.mounts.resolve(parentOf(loc.guestPath));
    if (r.kind === 'host') parentIno = r.stat.ino;
    else if (r.kind === 'virtual') parentIno = inoForPath(r.guestPath);
  }
  const out: DirEntry[] = [{ name: '.', type: DT_DIR, ino: selfIno }, { name: '..', type: DT_DIR, ino: parentIno }];
  for (const e of k.host.readdir(loc.hostPath)) {
    let ino = e.ino;
    let type = e.type;
    if (ino === undefined) {
      try {
        const st = k.host.lstat(`${loc.hostPath}/${e.name}`);
        ino = st.ino;
        if (!type) type = typeOfMode(st.mode);
      } catch { ino = inoForPath(`${loc.guestPath}/${e.name}`); }
    }
    out.push({ name: e.name, type, ino });
  }
  // Mount points and synthetic roots below this directory show up even where the host
  // directory has no such entry (e.g. /dev and /work under a sysroot's /).
  const seen = new Set(out.map((e) => e.name));
  for (const name of k.mounts.ancestorChildren(loc.guestPath) ?? []) {
    if (seen.has(name)) continue;
    const child = loc.guestPath === '/' ? `/${name}` : `${loc.guestPath}/${name}`;
    out.push({ name, type: DT_DIR, ino: inoForPath(child) });
  }
  return out;
}

/** Opens a host directory as a DirFile. */
export function openHostDir(k: LinuxKernel, loc: Location & { kind: 'host' }, flags: number): DirFile {
  const f = new DirFile(flags, loc.guestPath, () => hostListing(k, loc), () => k.host.stat(loc.hostPath));
  f.hostPath = loc.hostPath;
  f.readOnlyMount = loc.readOnly;
  return f;
}

/** The guest directory a relative path in an *at call starts from. */
export function baseDir(k: LinuxKernel, dirfd: number): string {
  if (dirfd === AT_FDCWD) return k.cwd;
  const f = k.fds.get(dirfd);
  if (!f.isDirectory || f.guestPath === undefined) fail(ENOTDIR);
  return f.guestPath;
}

export type AtTarget =
  | { kind: 'loc'; loc: Location }
  | { kind: 'fd'; file: OpenFile };

/**
 * Resolves the (dirfd, path) pair of an *at system call. With AT_EMPTY_PATH and an empty path
 * it names the file `dirfd` itself (or the cwd for AT_FDCWD).
 */
export function resolveAt(k: LinuxKernel, dirfdArg: bigint, pathArg: bigint, follow: boolean, flags = 0): AtTarget {
  const dirfd = int(dirfdArg);
  const path = k.readString(pathArg);
  if (path === '') {
    if (!(flags & AT_EMPTY_PATH)) fail(ENOENT);
    if (dirfd === AT_FDCWD) return { kind: 'loc', loc: resolveOrFail(k, k.cwd, true) };
    return { kind: 'fd', file: k.fds.get(dirfd) };
  }
  const base = path.startsWith('/') ? '/' : baseDir(k, dirfd);
  return { kind: 'loc', loc: resolveOrFail(k, path, follow, base) };
}

export function resolveOrFail(k: LinuxKernel, path: string, follow: boolean, base = k.cwd): Location {
  const r = k.mounts.resolve(path, { follow }, base);
  if (r.kind === 'error') fail(r.errno);
  return r;
}

export { isDir };
