import { ELOOP, ENAMETOOLONG, ENOENT, ENOTDIR } from './errno.js';
import { HostError, type HostStat, type HostSystem } from './host.js';

/**
 * The guest's view of the file system: guest paths are translated to host paths through a
 * table of mounts, an optional sysroot layered over `/` (like qemu's -L), and a few synthetic
 * nodes the kernel provides (/dev/null, /proc/self/exe...).
 *
 * Resolution is done entirely at the guest level, one component at a time, the way a kernel
 * walks a path inside a chroot:
 *  - `.` is skipped and `..` pops the last *resolved* component, so it never climbs above the
 *    guest's `/` (and `a/link/..` means the parent of link's target, as on Linux);
 *  - each component is looked up on the host with lstat (never following links), so a host
 *    path handed out is always `mount.hostPath + components that are real directories`;
 *  - a symbolic link found on the host is read and its target is interpreted as a *guest* path
 *    (absolute targets from the guest's `/`, relative ones from the link's directory), and the
 *    walk continues through the mount table. A link can therefore never reach host files
 *    outside the mounts: a target that leaves every mount resolves to nothing (ENOENT).
 *    With the default mount (host cwd at the same guest path) this is also what the host sees.
 * Limitation: the walk and the later host operation are separate steps, so a concurrent host
 * process swapping a directory for a symlink in between could redirect one operation
 * (the same race any user-space path sandbox has).
 */

export interface MountSpec { hostPath: string; guestPath: string; readOnly: boolean }

/** A synthetic node served by the kernel itself. */
export type VNode =
  | { type: 'dir'; list: () => string[] }
  | { type: 'file'; id: string }
  | { type: 'link'; target: () => string };

export type Location =
  /** An existing host file; `stat` is its lstat (a symlink only when the walk did not follow it). */
  | { kind: 'host'; guestPath: string; hostPath: string; readOnly: boolean; stat: HostStat }
  /** The last component does not exist, but its directory does: where it would be created. */
  | { kind: 'missing'; guestPath: string; hostPath: string; readOnly: boolean }
  | { kind: 'virtual'; guestPath: string; node: VNode };

export type Resolution = Location | { kind: 'error'; errno: number };

export interface ResolveOptions {
  /** Follow a symbolic link in the last component (stat vs lstat). Default true. */
  follow?: boolean;
}

const S_IFMT = 0o170000, S_IFDIR = 0o040000, S_IFLNK = 0o120000;
const MAX_LINKS = 40;
const PATH_MAX = 4096, NAME_MAX = 255;

interface Mount { guestPath: string; hostPath: string; readOnly: boolean; parts: string[] }

function trimSlashes(p: string): string {
  return p.length > 1 ? p.replace(/\/+$/, '') : p;
}

/** Lexically normalises a guest path against `cwd` (for display and simple joins; `..` is lexical here). */
export function normalizeGuestPath(cwd: string, path: string): string {
  const full = path.startsWith('/') ? path : `${cwd}/${path}`;
  const out: string[] = [];
  for (const c of full.split('/')) {
    if (c === '' || c === '.') continue;
    if (c === '..') out.pop(); else out.push(c);
  }
  return '/' + out.join('/');
}

export class MountTable {
  private readonly mounts: Mount[];
  private readonly sysroot: string | undefined;

  /**
   * @param virtual synthetic nodes by absolute guest path; consulted first at every component.
   * @param virtualRoots top-level synthetic paths (e.g. /dev, /proc): their ancestors are listed
   *        as directories when no mount provides them.
   */
  constructor(
    private readonly host: HostSystem,
    mounts: MountSpec[],
    sysroot?: string,
    private readonly virtual: (guestPath: string) => VNode | undefined = () => undefined,
    private readonly virtualRoots: string[] = [],
  ) {
    this.mounts = mounts.map((m) => {
      const guestPath = normalizeGuestPath('/', m.guestPath);
      return {
        guestPath,
        hostPath: trimSlashes(m.hostPath) || '/',
        readOnly: m.readOnly,
        parts: guestPath === '/' ? [] : guestPath.slice(1).split('/'),
      };
    });
    // Longest guest prefix first, so the first match is the most specific mount.
    this.mounts.sort((a, b) => b.parts.length - a.parts.length);
    this.sysroot = sysroot ? trimSlashes(sysroot) : undefined;
  }

  /** The mount whose guest path is the longest prefix of `guestPath` (absolute, normalised). */
  mountFor(guestPath: string): { mount: MountSpec; hostPath: string } | undefined {
    for (const m of this.mounts) {
      if (m.guestPath === '/' || guestPath === m.guestPath || guestPath.startsWith(m.guestPath + '/')) {
        const rel = guestPath.slice(m.guestPath === '/' ? 0 : m.guestPath.length);
        const hostPath = m.hostPath === '/' ? (rel || '/') : m.hostPath + rel;
        return { mount: { hostPath: m.hostPath, guestPath: m.guestPath, readOnly: m.readOnly }, hostPath };
      }
    }
    return undefined;
  }

  /** Names directly below `guestPath` that lead to a mount point or a synthetic root, if any. */
  ancestorChildren(guestPath: string): string[] | undefined {
    const parts = guestPath === '/' ? [] : guestPath.slice(1).split('/');
    const names = new Set<string>();
    const consider = (p: string[]): void => {
      if (p.length <= parts.length) return;
      for (let i = 0; i < parts.length; i++) if (p[i] !== parts[i]) return;
      names.add(p[parts.length]);
    };
    for (const m of this.mounts) consider(m.parts);
    for (const r of this.virtualRoots) consider(normalizeGuestPath('/', r).slice(1).split('/'));
    return names.size > 0 ? [...names].sort() : undefined;
  }

  private lstatOrUndefined(path: string, follow = false): HostStat | undefined {
    try {
      return follow ? this.host.stat(path) : this.host.lstat(path);
    } catch (e) {
      if (e instanceof HostError && (e.errno === ENOENT || e.errno === ENOTDIR)) return undefined;
      throw e;
    }
  }

  /** Looks up one node whose parent directories are already resolved. */
  private lookupNode(guestPath: string): Resolution | { kind: 'none' } {
    const v = this.virtual(guestPath);
    if (v) return { kind: 'virtual', guestPath, node: v };
    if (this.sysroot !== undefined) {
      const hostPath = guestPath === '/' ? this.sysroot : this.sysroot + guestPath;
      let st: HostStat | undefined;
      try { st = this.lstatOrUndefined(hostPath, guestPath === '/'); } catch { st = undefined; }
      if (st) return { kind: 'host', guestPath, hostPath, readOnly: true, stat: st };
    }
    const m = this.mountFor(guestPath);
    if (m) {
      // The mount's own root is followed (the user named it); everything below is lstat'ed.
      const st = this.lstatOrUndefined(m.hostPath, guestPath === m.mount.guestPath);
      if (st) return { kind: 'host', guestPath, hostPath: m.hostPath, readOnly: m.mount.readOnly, stat: st };
      const children = this.ancestorChildren(guestPath);
      if (children) return { kind: 'virtual', guestPath, node: { type: 'dir', list: () => children } };
      return { kind: 'missing', guestPath, hostPath: m.hostPath, readOnly: m.mount.readOnly };
    }
    const children = this.ancestorChildren(guestPath);
    if (children) return { kind: 'virtual', guestPath, node: { type: 'dir', list: () => children } };
    return { kind: 'none' };
  }

  /**
   * Resolves an absolute guest path (or one relative to `base`, an absolute guest directory).
   * Errors: ENOENT (no such file, or no mount provides it), ENOTDIR, ELOOP, ENAMETOOLONG, and
   * host errors such as EACCES.
   */
  resolve(path: string, opts: ResolveOptions = {}, base = '/'): Resolution {
    if (path.length >= PATH_MAX) return { kind: 'error', errno: ENAMETOOLONG };
    if (path === '') return { kind: 'error', errno: ENOENT };
    try {
      return this.walk(path.startsWith('/') ? path : `${base}/${path}`, opts.follow ?? true);
    } catch (e) {
      if (e instanceof HostError) return { kind: 'error', errno: e.errno };
      throw e;
    }
  }

  private walk(path: string, follow: boolean): Resolution {
    const trailingSlash = /[^/]\/+$/.test(path) || /\/\.{1,2}$/.test(path);
    if (trailingSlash) follow = true;
    let parts = path.split('/').filter((c) => c !== '' && c !== '.');
    const resolved: string[] = [];
    let links = 0;
    let i = 0;
    let last: Resolution | { kind: 'none' } | undefined;
    while (i < parts.length) {
      const c = parts[i];
      const isLast = i === parts.length - 1;
      if (c === '..') {
        resolved.pop();
        last = undefined;
        i++;
        continue;
      }
      if (c.length > NAME_MAX) return { kind: 'error', errno: ENAMETOOLONG };
      const guestPath = '/' + [...resolved, c].join('/');
      const node = this.lookupNode(guestPath);
      if (node.kind === 'error') return node;
      if (node.kind === 'none') return { kind: 'error', errno: ENOENT };
      if (node.kind === 'missing') {
        if (isLast) return node;
        return { kind: 'error', errno: ENOENT };
      }
      const target = linkTarget(this.host, node);
      if (target !== undefined && (!isLast || follow)) {
        if (++links > MAX_LINKS) return { kind: 'error', errno: ELOOP };
        if (target === '') return { kind: 'error', errno: ENOENT };
        if (target.startsWith('/')) resolved.length = 0;
        parts = [...target.split('/').filter((t) => t !== '' && t !== '.'), ...parts.slice(i + 1)];
        i = 0;
        last = undefined;
        if (parts.length === 0) break;
        continue;
      }
      if (!isLast && !isDir(node)) return { kind: 'error', errno: ENOTDIR };
      resolved.push(c);
      last = node;
      i++;
    }
    if (last === undefined) {
      // The path ended on `..`, on `/`, or on a link to a directory: look the result up again.
      const guestPath = '/' + resolved.join('/');
      last = this.lookupNode(guestPath);
      if (last.kind === 'none') return { kind: 'error', errno: ENOENT };
    }
    if (last.kind === 'error' || last.kind === 'missing') return last as Resolution;
    if (trailingSlash && !isDir(last as Location)) return { kind: 'error', errno: ENOTDIR };
    return last as Location;
  }
}

function linkTarget(host: HostSystem, node: Location): string | undefined {
  if (node.kind === 'virtual') return node.node.type === 'link' ? node.node.target() : undefined;
  if (node.kind === 'host' && (node.stat.mode & S_IFMT) === S_IFLNK) return host.readlink(node.hostPath);
  return undefined;
}

export function isDir(loc: Location): boolean {
  if (loc.kind === 'virtual') return loc.node.type === 'dir';
  if (loc.kind === 'host') return (loc.stat.mode & S_IFMT) === S_IFDIR;
  return false;
}
