import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  EBADF, EEXIST, EINVAL, EISDIR, ENOENT, ENOTDIR, ENOTEMPTY, ENOTTY, ERANGE, ESPIPE,
} from '../../src/vms/process/errno.js';
import { CODE } from '../../src/machine/memory.js';
import { AT_FDCWD, makeHarness, NR, rmrf, SCRATCH, tempDir, type Harness } from './kernel-harness.js';

const O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_CREAT = 0o100, O_EXCL = 0o200, O_TRUNC = 0o1000;
const O_APPEND = 0o2000, O_DIRECTORY = 0o200000, O_CLOEXEC = 0o2000000, O_LARGEFILE = 0o100000;
const AT_REMOVEDIR = 0x200, AT_EMPTY_PATH = 0x1000, AT_SYMLINK_NOFOLLOW = 0x100;

let root: string;
let h: Harness;
const BUF = SCRATCH + 0x1000;

function text(addr: number, n: bigint | number): string {
  return Buffer.from(h.u8(addr, Number(n))).toString('utf8');
}
function open(p: string, flags = O_RDONLY, mode = 0o644): bigint {
  return h.sys(NR.openat, AT_FDCWD, h.str(p), flags, mode);
}
function put(addr: number, s: string): number {
  const b = Buffer.from(s);
  h.mem.u8.set(b, addr);
  return b.length;
}

describe('file system calls on a mounted temp dir', () => {
  before(() => {
    root = tempDir();
    fs.writeFileSync(path.join(root, 'hello.txt'), 'hello, world\n');
    fs.mkdirSync(path.join(root, 'dir'));
    fs.writeFileSync(path.join(root, 'dir', 'a'), 'A');
    fs.writeFileSync(path.join(root, 'dir', 'b'), 'BB');
    fs.symlinkSync('hello.txt', path.join(root, 'link'));
    h = makeHarness({ mounts: [{ hostPath: root, guestPath: '/w', readOnly: false }], cwd: '/w', exePath: '/w/prog' });
  });
  after(() => rmrf(root));

  it('write(1) goes to the host stdout, writev gathers', () => {
    const n = put(BUF, 'out line\n');
    assert.equal(h.sys(NR.write, 1, BUF, n), BigInt(n));
    put(BUF + 100, 'ab');
    put(BUF + 200, 'cd\n');
    h.mem.dv.setBigUint64(BUF + 300, BigInt(BUF + 100), true);
    h.mem.dv.setBigUint64(BUF + 308, 2n, true);
    h.mem.dv.setBigUint64(BUF + 316, BigInt(BUF + 200), true);
    h.mem.dv.setBigUint64(BUF + 324, 3n, true);
    assert.equal(h.sys(NR.writev, 1, BUF + 300, 2), 5n);
    assert.equal(h.host.stdout(), 'out line\nabcd\n');
  });

  it('write with a bad buffer or fd fails cleanly', () => {
    assert.equal(h.sys(NR.write, 1, 0x7000000 /* unmapped */, 10), -14n);
    assert.equal(h.sys(NR.write, 77, BUF, 1), BigInt(-EBADF));
    assert.equal(h.sys(NR.read, 1, BUF, 1), BigInt(-EBADF), 'stdout is write-only when not a terminal');
  });

  it('openat/read/lseek/pread/close on a host file', () => {
    const fd = open('hello.txt');
    assert.equal(fd, 3n);
    assert.equal(h.sys(NR.read, fd, BUF, 5), 5n);
    assert.equal(text(BUF, 5), 'hello');
    assert.equal(h.sys(NR.read, fd, BUF, 100), 8n);
    assert.equal(text(BUF, 8), ', world\n');
    assert.equal(h.sys(NR.read, fd, BUF, 100), 0n, 'end of file');
    assert.equal(h.sys(NR.lseek, fd, 7, 0), 7n);
    assert.equal(h.sys(NR.read, fd, BUF, 5), 5n);
    assert.equal(text(BUF, 5), 'world');
    assert.equal(h.sys(NR.lseek, fd, -1, 2), 12n, 'SEEK_END');
    assert.equal(h.sys(NR.pread64, fd, BUF, 4, 2), 4n);
    assert.equal(text(BUF, 4), 'llo,');
    assert.equal(h.sys(NR.lseek, fd, 0, 1), 12n, 'pread does not move the offset');
    assert.equal(h.sys(NR.lseek, fd, -100, 0), BigInt(-EINVAL));
    assert.equal(h.sys(NR.close, fd), 0n);
    assert.equal(h.sys(NR.close, fd), BigInt(-EBADF));
    assert.equal(h.sys(NR.lseek, 1, 0, 1), BigInt(-ESPIPE));
  });

  it('openat flags: O_CREAT, O_EXCL, O_TRUNC, O_APPEND, O_DIRECTORY, umask', () => {
    const fd = open('new.txt', O_WRONLY | O_CREAT | O_EXCL, 0o666);
    assert.ok(fd >= 3n);
    assert.equal((fs.statSync(path.join(root, 'new.txt')).mode & 0o777), 0o644, 'umask 022 applied');
    const n = put(BUF, 'first\n');
    assert.equal(h.sys(NR.write, fd, BUF, n), BigInt(n));
    h.sys(NR.close, fd);
    assert.equal(open('new.txt', O_WRONLY | O_CREAT | O_EXCL), BigInt(-EEXIST));
    const ap = open('new.txt', O_WRONLY | O_APPEND);
    const m = put(BUF, 'second\n');
    h.sys(NR.lseek, ap, 0, 0);
    assert.equal(h.sys(NR.write, ap, BUF, m), BigInt(m));
    h.sys(NR.close, ap);
    assert.equal(fs.readFileSync(path.join(root, 'new.txt'), 'utf8'), 'first\nsecond\n');
    const tr = open('new.txt', O_RDWR | O_TRUNC);
    assert.equal(fs.statSync(path.join(root, 'new.txt')).size, 0);
    h.sys(NR.close, tr);
    assert.equal(open('hello.txt', O_RDONLY | O_DIRECTORY), BigInt(-ENOTDIR));
    assert.equal(open('dir', O_WRONLY), BigInt(-EISDIR));
    assert.equal(open('missing.txt'), BigInt(-ENOENT));
    assert.equal(h.sys(NR.umask, 0o077), 0o022n);
    assert.equal(h.sys(NR.umask, 0o022), 0o077n);
    fs.unlinkSync(path.join(root, 'new.txt'));
  });

  it('fstat writes the riscv64 struct stat layout (128 bytes)', () => {
    const fd = open('hello.txt');
    const out = BUF;
    h.mem.u8.fill(0xee, out, out + 160);
    assert.equal(h.sys(NR.fstat, fd, out), 0n);
    const st = fs.statSync(path.join(root, 'hello.txt'), { bigint: true });
    const dv = h.mem.dv;
    assert.equal(dv.getBigUint64(out + 0, true), st.dev, 'st_dev @0');
    assert.equal(dv.getBigUint64(out + 8, true), st.ino, 'st_ino @8');
    assert.equal(dv.getUint32(out + 16, true), Number(st.mode), 'st_mode @16');
    assert.equal(dv.getUint32(out + 20, true), 1, 'st_nlink @20');
    assert.equal(dv.getUint32(out + 24, true), Number(st.uid), 'st_uid @24');
    assert.equal(dv.getUint32(out + 28, true), Number(st.gid), 'st_gid @28');
    assert.equal(dv.getBigInt64(out + 48, true), 13n, 'st_size @48');
    assert.equal(dv.getInt32(out + 56, true), Number(st.blksize), 'st_blksize @56');
    assert.equal(dv.getBigInt64(out + 64, true), st.blocks, 'st_blocks @64');
    assert.equal(dv.getBigInt64(out + 88, true), st.mtimeNs / 1_000_000_000n, 'st_mtime @88');
    assert.equal(dv.getBigInt64(out + 96, true), st.mtimeNs % 1_000_000_000n, 'st_mtime_nsec @96');
    assert.equal(dv.getBigInt64(out + 72, true), st.atimeNs / 1_000_000_000n, 'st_atime @72');
    assert.equal(dv.getBigInt64(out + 104, true), st.ctimeNs / 1_000_000_000n, 'st_ctime @104');
    assert.equal(h.mem.u8[out + 128], 0xee, 'nothing written past 128 bytes');
    h.sys(NR.close, fd);
  });

  it('newfstatat: paths, AT_EMPTY_PATH, AT_SYMLINK_NOFOLLOW, directories, stdio', () => {
    const dv = h.mem.dv;
    assert.equal(h.sys(NR.newfstatat, AT_FDCWD, h.str('link'), BUF, 0), 0n);
    assert.equal(dv.getUint32(BUF + 16, true) & 0o170000, 0o100000, 'followed to the file');
    assert.equal(h.sys(NR.newfstatat, AT_FDCWD, h.str('link'), BUF, AT_SYMLINK_NOFOLLOW), 0n);
    assert.equal(dv.getUint32(BUF + 16, true) & 0o170000, 0o120000, 'the link itself');
    assert.equal(h.sys(NR.newfstatat, AT_FDCWD, h.str('dir'), BUF, 0), 0n);
    assert.equal(dv.getUint32(BUF + 16, true) & 0o170000, 0o040000);
    const fd = open('hello.txt');
    assert.equal(h.sys(NR.newfstatat, fd, h.str(''), BUF, AT_EMPTY_PATH), 0n);
    assert.equal(dv.getBigInt64(BUF + 48, true), 13n);
    assert.equal(h.sys(NR.newfstatat, fd, h.str(''), BUF, 0), BigInt(-ENOENT));
    assert.equal(h.sys(NR.newfstatat, fd, h.str('x'), BUF, 0), BigInt(-ENOTDIR), 'relative to a non-directory fd');
    h.sys(NR.close, fd);
    assert.equal(h.sys(NR.newfstatat, AT_FDCWD, h.str('nope'), BUF, 0), BigInt(-ENOENT));
    assert.equal(h.sys(NR.fstat, 1, BUF), 0n, 'fstat works on the host stdout');
  });

  it('statx writes struct statx', () => {
    h.mem.u8.fill(0xee, BUF, BUF + 300);
    assert.equal(h.sys(NR.statx, AT_FDCWD, h.str('hello.txt'), 0, 0x7ff, BUF), 0n);
    const dv = h.mem.dv;
    const st = fs.statSync(path.join(root, 'hello.txt'), { bigint: true });
    assert.equal(dv.getUint32(BUF, true) & 0x7ff, 0x7ff, 'stx_mask basic stats');
    assert.equal(dv.getUint16(BUF + 28, true), Number(st.mode), 'stx_mode @28');
    assert.equal(dv.getBigUint64(BUF + 32, true), st.ino, 'stx_ino @32');
    assert.equal(dv.getBigUint64(BUF + 40, true), 13n, 'stx_size @40');
    assert.equal(dv.getBigInt64(BUF + 112, true), st.mtimeNs / 1_000_000_000n, 'stx_mtime.tv_sec @112');
    assert.equal(dv.getUint32(BUF + 120, true), Number(st.mtimeNs % 1_000_000_000n), 'stx_mtime.tv_nsec @120');
    assert.equal(h.mem.u8[BUF + 256], 0xee);
  });

  it('getdents64 lists . and .. and the entries, with a correct record layout', () => {
    const fd = h.sys(NR.openat, AT_FDCWD, h.str('dir'), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    assert.ok(fd >= 3n);
    assert.equal(h.sys(NR.getdents64, fd, BUF, 10), BigInt(-EINVAL), 'buffer too small for one entry');
    const n = Number(h.sys(NR.getdents64, fd, BUF, 4096));
    assert.ok(n > 0);
    const dv = h.mem.dv;
    const names: [string, number][] = [];
    for (let off = 0; off < n;) {
      const reclen = dv.getUint16(BUF + off + 16, true);
      assert.equal(reclen % 8, 0, 'records are 8-byte aligned');
      assert.ok(dv.getBigUint64(BUF + off, true) !== 0n, 'inode numbers are nonzero');
      const type = dv.getUint8(BUF + off + 18);
      let end = BUF + off + 19;
      while (h.mem.u8[end] !== 0) end++;
      names.push([Buffer.from(h.mem.u8.subarray(BUF + off + 19, end)).toString(), type]);
      off += reclen;
    }
    assert.deepEqual(names.map((x) => x[0]).sort(), ['.', '..', 'a', 'b']);
    assert.equal(names.find((x) => x[0] === 'a')![1], 8, 'DT_REG');
    assert.equal(names.find((x) => x[0] === '.')![1], 4, 'DT_DIR');
    assert.equal(h.sys(NR.getdents64, fd, BUF, 4096), 0n, 'end of directory');
    assert.equal(h.sys(NR.lseek, fd, 0, 0), 0n, 'rewinddir');
    assert.equal(h.sys(NR.getdents64, fd, BUF, 4096), BigInt(n));
    assert.equal(h.sys(NR.read, fd, BUF, 10), BigInt(-EISDIR));
    h.sys(NR.close, fd);
    const f = open('hello.txt');
    assert.equal(h.sys(NR.getdents64, f, BUF, 4096), BigInt(-ENOTDIR));
    h.sys(NR.close, f);
  });

  it('mkdirat, unlinkat (with AT_REMOVEDIR), renameat2, symlinkat, readlinkat', () => {
    assert.equal(h.sys(NR.mkdirat, AT_FDCWD, h.str('made'), 0o755), 0n);
    assert.ok(fs.statSync(path.join(root, 'made')).isDirectory());
    assert.equal(h.sys(NR.mkdirat, AT_FDCWD, h.str('made'), 0o755), BigInt(-EEXIST));
    const fd = open('made/f', O_WRONLY | O_CREAT);
    h.sys(NR.close, fd);
    assert.equal(h.sys(NR.unlinkat, AT_FDCWD, h.str('made'), AT_REMOVEDIR), BigInt(-ENOTEMPTY));
    assert.equal(h.sys(NR.unlinkat, AT_FDCWD, h.str('made'), 0), BigInt(-EISDIR));
    assert.equal(h.sys(NR.renameat2, AT_FDCWD, h.str('made/f', 0), AT_FDCWD, h.str('made/g', 0x100), 0), 0n);
    assert.ok(fs.existsSync(path.join(root, 'made', 'g')));
    assert.equal(h.sys(NR.renameat2, AT_FDCWD, h.str('made/g', 0), AT_FDCWD, h.str('hello.txt', 0x100), 1 /* NOREPLACE */), BigInt(-EEXIST));
    assert.equal(h.sys(NR.unlinkat, AT_FDCWD, h.str('made/g'), AT_REMOVEDIR), BigInt(-ENOTDIR));
    assert.equal(h.sys(NR.unlinkat, AT_FDCWD, h.str('made/g'), 0), 0n);
    assert.equal(h.sys(NR.unlinkat, AT_FDCWD, h.str('made'), AT_REMOVEDIR), 0n);
    assert.equal(fs.existsSync(path.join(root, 'made')), false);
    assert.equal(h.sys(NR.symlinkat, h.str('hello.txt', 0), AT_FDCWD, h.str('l2', 0x100)), 0n);
    const n = h.sys(NR.readlinkat, AT_FDCWD, h.str('l2'), BUF, 100);
    assert.equal(text(BUF, n), 'hello.txt');
    assert.equal(h.sys(NR.readlinkat, AT_FDCWD, h.str('hello.txt'), BUF, 100), BigInt(-EINVAL));
    assert.equal(h.sys(NR.readlinkat, AT_FDCWD, h.str('l2'), BUF, 3), 3n, 'truncated, no NUL');
    h.sys(NR.unlinkat, AT_FDCWD, h.str('l2'), 0);
  });

  it('readlink /proc/self/exe, getcwd, chdir, faccessat', () => {
    const n = h.sys(NR.readlinkat, AT_FDCWD, h.str('/proc/self/exe'), BUF, 100);
    assert.equal(text(BUF, n), '/w/prog');
    assert.equal(h.sys(NR.getcwd, BUF, 100), 3n, 'length including the NUL');
    assert.equal(text(BUF, 2), '/w');
    assert.equal(h.sys(NR.getcwd, BUF, 2), BigInt(-ERANGE));
    assert.equal(h.sys(NR.chdir, h.str('dir')), 0n);
    h.sys(NR.getcwd, BUF, 100);
    assert.equal(text(BUF, 6), '/w/dir');
    assert.equal(h.sys(NR.faccessat, AT_FDCWD, h.str('a'), 4), 0n);
    assert.equal(h.sys(NR.chdir, h.str('../hello.txt')), BigInt(-ENOTDIR));
    assert.equal(h.sys(NR.chdir, h.str('..')), 0n);
    assert.equal(h.sys(NR.faccessat, AT_FDCWD, h.str('nope'), 0), BigInt(-ENOENT));
  });

  it('synthetic files: /dev/null, /dev/zero, /dev/urandom, /proc/self/maps, /dev/tty without a terminal', () => {
    const nul = open('/dev/null', O_RDWR);
    assert.equal(h.sys(NR.read, nul, BUF, 10), 0n);
    assert.equal(h.sys(NR.write, nul, BUF, 10), 10n);
    const zero = open('/dev/zero');
    h.mem.u8.fill(7, BUF, BUF + 16);
    assert.equal(h.sys(NR.read, zero, BUF, 16), 16n);
    assert.ok(h.u8(BUF, 16).every((b) => b === 0));
    const ur = open('/dev/urandom');
    assert.equal(h.sys(NR.read, ur, BUF, 32), 32n);
    assert.ok(h.u8(BUF, 32).some((b) => b !== 0));
    // A page the translator took code from (its CODE mark) is still part of the same mapping.
    h.mem.perm[(SCRATCH >>> 12) + 2] |= CODE;
    const maps = open('/proc/self/maps');
    const m = h.sys(NR.read, maps, BUF, 4000);
    assert.match(text(BUF, m), /^00010000-00050000 rw-p /m, 'the scratch mapping, in one piece');
    h.mem.perm[(SCRATCH >>> 12) + 2] &= ~CODE;
    assert.equal(h.sys(NR.newfstatat, AT_FDCWD, h.str('/dev/null'), BUF, 0), 0n);
    assert.equal(h.mem.dv.getUint32(BUF + 16, true) & 0o170000, 0o020000, 'a character device');
    for (const fd of [nul, zero, ur, maps]) h.sys(NR.close, fd);
  });

  it('dup, dup3, fcntl F_GETFL/F_SETFL/F_GETFD/F_DUPFD_CLOEXEC', () => {
    const fd = open('hello.txt');
    const d = h.sys(NR.dup, fd);
    assert.equal(d, fd + 1n);
    h.sys(NR.read, fd, BUF, 6);
    assert.equal(h.sys(NR.lseek, d, 0, 1), 6n, 'dup shares the offset');
    assert.equal(h.sys(NR.dup3, fd, 20, O_CLOEXEC), 20n);
    assert.equal(h.sys(NR.fcntl, 20, 1 /* F_GETFD */), 1n);
    assert.equal(h.sys(NR.fcntl, fd, 1), 0n);
    assert.equal(h.sys(NR.dup3, fd, fd, 0), BigInt(-EINVAL));
    assert.equal(h.sys(NR.fcntl, fd, 3 /* F_GETFL */), BigInt(O_RDONLY | O_LARGEFILE));
    assert.equal(h.sys(NR.fcntl, fd, 4 /* F_SETFL */, 0o4000 /* O_NONBLOCK */), 0n);
    assert.equal(h.sys(NR.fcntl, d, 3), BigInt(0o4000 | O_LARGEFILE), 'status flags are shared too');
    const c = h.sys(NR.fcntl, fd, 1030 /* F_DUPFD_CLOEXEC */, 30);
    assert.equal(c, 30n);
    assert.equal(h.sys(NR.fcntl, 30, 1), 1n);
    for (const x of [fd, d, 20n, 30n]) assert.equal(h.sys(NR.close, x), 0n);
  });

  it('ioctl: terminal requests on a regular file or pipe are ENOTTY', () => {
    const fd = open('hello.txt');
    assert.equal(h.sys(NR.ioctl, fd, 0x5401 /* TCGETS */, BUF), BigInt(-ENOTTY));
    assert.equal(h.sys(NR.ioctl, fd, 0x5413 /* TIOCGWINSZ */, BUF), BigInt(-ENOTTY));
    assert.equal(h.sys(NR.ioctl, 1, 0x5401, BUF), BigInt(-ENOTTY), 'captured stdout is not a terminal');
    assert.equal(h.sys(NR.ioctl, fd, 0x541b /* FIONREAD */, BUF), 0n);
    assert.equal(h.mem.dv.getInt32(BUF, true), 13);
    h.sys(NR.close, fd);
  });

  it('O_TMPFILE gives an unnamed read-write file (what tmpfile(3) asks for first)', () => {
    const fd = open('/w', O_RDWR | 0o20200000 /* O_TMPFILE */, 0o600);
    assert.ok(fd >= 3n, `O_TMPFILE: ${fd}`);
    put(BUF, 'temp data');
    assert.equal(h.sys(NR.write, fd, BUF, 9), 9n);
    assert.equal(h.sys(NR.lseek, fd, 0, 0), 0n);
    assert.equal(h.sys(NR.read, fd, BUF + 100, 100), 9n);
    assert.equal(text(BUF + 100, 9), 'temp data');
    assert.equal(open('/w', O_RDONLY | 0o20200000), BigInt(-EINVAL));
    assert.ok(!fs.readdirSync(root).some((n) => n.startsWith('#')), 'nothing appears on the host');
    h.sys(NR.close, fd);
  });

  it('ftruncate and pwrite64', () => {
    const fd = open('t.bin', O_RDWR | O_CREAT);
    put(BUF, 'xyz');
    assert.equal(h.sys(NR.pwrite64, fd, BUF, 3, 10), 3n);
    assert.equal(fs.statSync(path.join(root, 't.bin')).size, 13);
    assert.equal(h.sys(NR.ftruncate, fd, 4), 0n);
    assert.equal(fs.statSync(path.join(root, 't.bin')).size, 4);
    assert.equal(h.sys(NR.ftruncate, fd, -1), BigInt(-EINVAL));
    h.sys(NR.close, fd);
    fs.unlinkSync(path.join(root, 't.bin'));
  });
});
