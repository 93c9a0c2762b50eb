import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { NodeHost } from '../../src/hosts/node/node-host.js';
import { EACCES, ELOOP, ENOENT, ENOTDIR, EROFS } from '../../src/vms/process/errno.js';
import { MountTable, normalizeGuestPath, type Resolution } from '../../src/vms/process/mounts.js';
import { AT_FDCWD, makeHarness, NR, rmrf, SCRATCH, tempDir } from './kernel-harness.js';

const O_WRONLY = 1, O_RDWR = 2, O_CREAT = 0o100, O_TRUNC = 0o1000, O_NOFOLLOW = 0o400000;

function errnoOf(r: Resolution): number | undefined {
  return r.kind === 'error' ? r.errno : undefined;
}

/** A refusal: ENOENT or EACCES, never a host path outside the mount. */
function assertRefused(r: Resolution, what: string): void {
  assert.equal(r.kind, 'error', `${what} should be refused, got ${JSON.stringify(r.kind === 'error' ? r : { kind: r.kind, guestPath: r.guestPath })}`);
  assert.ok(errnoOf(r) === ENOENT || errnoOf(r) === EACCES, `${what}: errno ${errnoOf(r)}`);
}

describe('normalizeGuestPath', () => {
  it('joins relative paths to the cwd and folds . and ..', () => {
    assert.equal(normalizeGuestPath('/home/u', 'a/./b/../c'), '/home/u/a/c');
    assert.equal(normalizeGuestPath('/home/u', '/etc//passwd/'), '/etc/passwd');
  });
  it('cannot climb above /', () => {
    assert.equal(normalizeGuestPath('/a', '../../../../x'), '/x');
    assert.equal(normalizeGuestPath('/', '..'), '/');
  });
});

describe('MountTable', () => {
  let root: string, data: string, secret: string, inner: string, ro: string;
  let table: MountTable;
  const host = new NodeHost();

  before(() => {
    root = tempDir();
    data = path.join(root, 'data');
    secret = path.join(root, 'secret');
    inner = path.join(root, 'inner');
    ro = path.join(root, 'ro');
    for (const d of [data, secret, inner, ro, path.join(data, 'sub')]) fs.mkdirSync(d, { recursive: true });
    fs.writeFileSync(path.join(data, 'file.txt'), 'hello');
    fs.writeFileSync(path.join(data, 'sub', 'deep.txt'), 'deep');
    fs.writeFileSync(path.join(secret, 'key'), 'secret');
    fs.writeFileSync(path.join(inner, 'i.txt'), 'inner');
    fs.writeFileSync(path.join(ro, 'r.txt'), 'readonly');
    // Links that try to leave the mount, and links that stay inside it.
    fs.symlinkSync(secret, path.join(data, 'abs-out'));
    fs.symlinkSync('../secret/key', path.join(data, 'rel-out'));
    fs.symlinkSync(path.join(secret, 'key'), path.join(data, 'abs-out-file'));
    fs.symlinkSync('../../secret', path.join(data, 'sub', 'up-out'));
    fs.symlinkSync('file.txt', path.join(data, 'rel-in'));
    fs.symlinkSync('sub/../file.txt', path.join(data, 'rel-in-dotdot'));
    fs.symlinkSync('/data/sub/deep.txt', path.join(data, 'abs-guest-in'));
    fs.symlinkSync('loop', path.join(data, 'loop'));
    fs.symlinkSync(path.join(secret, 'created-through-link'), path.join(data, 'dangling-out'));
    table = new MountTable(host, [
      { hostPath: data, guestPath: '/data', readOnly: false },
      { hostPath: inner, guestPath: '/data/inner', readOnly: false },
      { hostPath: ro, guestPath: '/ro', readOnly: true },
    ]);
  });
  after(() => rmrf(root));

  it('maps a guest path to the host path under the longest mount', () => {
    const r = table.resolve('/data/file.txt');
    assert.equal(r.kind, 'host');
    if (r.kind === 'host') {
      assert.equal(r.hostPath, path.join(data, 'file.txt'));
      assert.equal(r.readOnly, false);
    }
    const i = table.resolve('/data/inner/i.txt');
    assert.ok(i.kind === 'host' && i.hostPath === path.join(inner, 'i.txt'));
  });

  it('resolves relative paths against a base directory', () => {
    const r = table.resolve('sub/deep.txt', {}, '/data');
    assert.ok(r.kind === 'host' && r.hostPath === path.join(data, 'sub', 'deep.txt'));
  });

  it('keeps .. inside the guest: it cannot climb out of / or into the host', () => {
    assertRefused(table.resolve('/data/../../../../' + secret.slice(1) + '/key'), 'dotdot to host secret');
    assertRefused(table.resolve('/data/sub/../../secret/key'), 'dotdot sibling');
    assertRefused(table.resolve('../../../etc/passwd', {}, '/data/sub'), 'relative dotdot');
    const ok = table.resolve('/data/sub/../file.txt');
    assert.ok(ok.kind === 'host' && ok.hostPath === path.join(data, 'file.txt'));
  });

  it('gives ENOENT for paths no mount provides', () => {
    assert.equal(errnoOf(table.resolve('/etc/passwd')), ENOENT);
    assert.equal(errnoOf(table.resolve(secret + '/key')), ENOENT);
    assert.equal(errnoOf(table.resolve('/nope')), ENOENT);
  });

  it('refuses symlinks that point outside the mount', () => {
    assertRefused(table.resolve('/data/abs-out/key'), 'absolute link to a host dir');
    assertRefused(table.resolve('/data/abs-out-file'), 'absolute link to a host file');
    assertRefused(table.resolve('/data/rel-out'), 'relative link with ..');
    assertRefused(table.resolve('/data/sub/up-out/key'), 'relative link from a subdirectory');
  });

  it('refuses to create through a dangling link that points outside', () => {
    const r = table.resolve('/data/dangling-out');
    assert.notEqual(r.kind, 'missing', 'a creatable location outside the mount');
    assertRefused(r, 'dangling link');
  });

  it('follows links that stay inside, interpreting absolute targets as guest paths', () => {
    const a = table.resolve('/data/rel-in');
    assert.ok(a.kind === 'host' && a.hostPath === path.join(data, 'file.txt'));
    const b = table.resolve('/data/rel-in-dotdot');
    assert.ok(b.kind === 'host' && b.hostPath === path.join(data, 'file.txt'));
    const c = table.resolve('/data/abs-guest-in');
    assert.ok(c.kind === 'host' && c.hostPath === path.join(data, 'sub', 'deep.txt'));
    assert.ok(c.kind === 'host' && c.guestPath === '/data/sub/deep.txt');
  });

  it('does not follow the last component when asked not to (lstat)', () => {
    const r = table.resolve('/data/abs-out', { follow: false });
    assert.ok(r.kind === 'host' && (r.stat.mode & 0o170000) === 0o120000);
  });

  it('reports ELOOP for link cycles and ENOTDIR for files used as directories', () => {
    assert.equal(errnoOf(table.resolve('/data/loop')), ELOOP);
    assert.equal(errnoOf(table.resolve('/data/file.txt/x')), ENOTDIR);
  });

  it('returns a creatable location for a missing last component', () => {
    const r = table.resolve('/data/new.txt');
    assert.ok(r.kind === 'missing' && r.hostPath === path.join(data, 'new.txt'));
    assert.equal(errnoOf(table.resolve('/data/nodir/new.txt')), ENOENT);
  });

  it('shows ancestors of mount points as directories', () => {
    const r = table.resolve('/');
    assert.ok(r.kind === 'virtual' && r.node.type === 'dir');
    if (r.kind === 'virtual' && r.node.type === 'dir') assert.deepEqual(r.node.list(), ['data', 'ro']);
  });

  it('marks read-only mounts', () => {
    const r = table.resolve('/ro/r.txt');
    assert.ok(r.kind === 'host' && r.readOnly);
  });

  it('tries the sysroot first, then the mounts', () => {
    const sysroot = path.join(root, 'sysroot');
    fs.mkdirSync(path.join(sysroot, 'lib'), { recursive: true });
    fs.writeFileSync(path.join(sysroot, 'lib', 'libc.so.6'), 'libc');
    fs.symlinkSync('/lib/libc.so.6', path.join(sysroot, 'lib', 'libc.so'));
    fs.writeFileSync(path.join(sysroot, 'shadowed'), 'x');
    const t = new MountTable(host, [{ hostPath: data, guestPath: '/data', readOnly: false }], sysroot);
    const lib = t.resolve('/lib/libc.so.6');
    assert.ok(lib.kind === 'host' && lib.hostPath === path.join(sysroot, 'lib', 'libc.so.6') && lib.readOnly);
    const viaLink = t.resolve('/lib/libc.so');
    assert.ok(viaLink.kind === 'host' && viaLink.hostPath === path.join(sysroot, 'lib', 'libc.so.6'), 'absolute links in the sysroot stay in it');
    const d = t.resolve('/data/file.txt');
    assert.ok(d.kind === 'host' && d.hostPath === path.join(data, 'file.txt'));
    assert.equal(errnoOf(t.resolve('/lib/missing.so')), ENOENT);
  });
});

describe('mount rules through system calls', () => {
  let root: string, data: string, ro: string, secret: string;
  before(() => {
    root = tempDir();
    data = path.join(root, 'data');
    ro = path.join(root, 'ro');
    secret = path.join(root, 'secret');
    for (const d of [data, ro, secret]) fs.mkdirSync(d);
    fs.writeFileSync(path.join(ro, 'r.txt'), 'readonly');
    fs.writeFileSync(path.join(secret, 'key'), 'secret');
    fs.symlinkSync(path.join(secret, 'key'), path.join(data, 'escape'));
    fs.symlinkSync(path.join(secret, 'new-file'), path.join(data, 'dangling'));
    fs.mkdirSync(path.join(ro, 'dir'));
  });
  after(() => rmrf(root));

  const mounts = () => [
    { hostPath: data, guestPath: '/work', readOnly: false },
    { hostPath: ro, guestPath: '/ro', readOnly: true },
  ];

  it('gives EROFS for writes, creates, renames and unlinks on a read-only mount', () => {
    const h = makeHarness({ mounts: mounts(), cwd: '/work' });
    assert.equal(h.sys(NR.openat, AT_FDCWD, h.str('/ro/r.txt'), O_WRONLY), BigInt(-EROFS));
    assert.equal(h.sys(NR.openat, AT_FDCWD, h.str('/ro/r.txt'), O_RDWR), BigInt(-EROFS));
    assert.equal(h.sys(NR.openat, AT_FDCWD, h.str('/ro/new.txt'), O_WRONLY | O_CREAT, 0o644), BigInt(-EROFS));
    assert.equal(h.sys(NR.openat, AT_FDCWD, h.str('/ro/r.txt'), O_TRUNC), BigInt(-EROFS));
    assert.equal(h.sys(NR.unlinkat, AT_FDCWD, h.str('/ro/r.txt'), 0), BigInt(-EROFS));
    assert.equal(h.sys(NR.unlinkat, AT_FDCWD, h.str('/ro/dir'), 0x200), BigInt(-EROFS));
    assert.equal(h.sys(NR.mkdirat, AT_FDCWD, h.str('/ro/d2'), 0o755), BigInt(-EROFS));
    assert.equal(h.sys(NR.renameat2, AT_FDCWD, h.str('/ro/r.txt', 0), AT_FDCWD, h.str('/ro/s.txt', 0x100), 0), BigInt(-EROFS));
    assert.equal(h.sys(NR.symlinkat, h.str('x', 0), AT_FDCWD, h.str('/ro/l', 0x100)), BigInt(-EROFS));
    assert.equal(h.sys(NR.faccessat, AT_FDCWD, h.str('/ro/r.txt'), 2), BigInt(-EROFS));
    // Reading works, and nothing changed on the host.
    const fd = h.sys(NR.openat, AT_FDCWD, h.str('/ro/r.txt'), 0);
    assert.ok(fd >= 3n);
    assert.equal(h.sys(NR.read, fd, SCRATCH, 100), 8n);
    assert.equal(Buffer.from(h.u8(SCRATCH, 8)).toString(), 'readonly');
    assert.deepEqual(fs.readdirSync(ro).sort(), ['dir', 'r.txt']);
  });

  it('refuses to open or create through links leaving the mount', () => {
    const h = makeHarness({ mounts: mounts(), cwd: '/work' });
    const r = h.sys(NR.openat, AT_FDCWD, h.str('escape'), 0);
    assert.ok(r === BigInt(-ENOENT) || r === BigInt(-EACCES), `open escape: ${r}`);
    const c = h.sys(NR.openat, AT_FDCWD, h.str('dangling'), O_WRONLY | O_CREAT, 0o644);
    assert.ok(c === BigInt(-ENOENT) || c === BigInt(-EACCES), `create through dangling: ${c}`);
    assert.equal(fs.existsSync(path.join(secret, 'new-file')), false);
    // O_NOFOLLOW on the link itself is ELOOP, as on Linux.
    assert.equal(h.sys(NR.openat, AT_FDCWD, h.str('escape'), O_NOFOLLOW), BigInt(-ELOOP));
    // readlink shows the target text; it is only following it that is refused.
    const n = h.sys(NR.readlinkat, AT_FDCWD, h.str('escape'), SCRATCH, 4096);
    assert.equal(Buffer.from(h.u8(SCRATCH, Number(n))).toString(), path.join(secret, 'key'));
  });

  it('refuses guest-relative climbing out of a mount', () => {
    const h = makeHarness({ mounts: mounts(), cwd: '/work' });
    const rel = path.relative(data, path.join(secret, 'key'));
    assert.equal(h.sys(NR.openat, AT_FDCWD, h.str(rel), 0), BigInt(-ENOENT));
    assert.equal(h.sys(NR.openat, AT_FDCWD, h.str('../../../../../../' + secret + '/key'), 0), BigInt(-ENOENT));
    assert.equal(h.sys(NR.openat, AT_FDCWD, h.str(path.join(secret, 'key')), 0), BigInt(-ENOENT));
  });
});
