import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MAPPED, PROT_R, PROT_W, PROT_X } from '../../src/machine/memory.js';
import { EEXIST, EINVAL, ENOMEM } from '../../src/vms/process/errno.js';
import { AT_FDCWD, BRK_START, makeHarness, NR, rmrf, SCRATCH, tempDir } from './kernel-harness.js';

const PROT_READ = 1, PROT_WRITE = 2;
const MAP_SHARED = 1, MAP_PRIVATE = 2, MAP_FIXED = 0x10, MAP_ANONYMOUS = 0x20, MAP_FIXED_NOREPLACE = 0x100000;
const ANON = MAP_PRIVATE | MAP_ANONYMOUS;
const PAGE = 4096;

describe('brk', () => {
  it('starts at brkStart, grows and shrinks page mappings', () => {
    const h = makeHarness();
    assert.equal(h.sys(NR.brk, 0), BigInt(BRK_START));
    assert.equal(h.sys(NR.brk, BRK_START + 10000), BigInt(BRK_START + 10000));
    assert.ok(h.mem.accessible(BRK_START, 10000, PROT_R | PROT_W));
    assert.equal(h.mem.perm[(BRK_START + 3 * PAGE) >>> 12], 0, 'nothing mapped past the break page');
    h.mem.u8[BRK_START + 9999] = 5;
    assert.equal(h.sys(NR.brk, BRK_START + 100), BigInt(BRK_START + 100));
    assert.equal(h.mem.perm[(BRK_START + PAGE) >>> 12], 0, 'shrinking unmaps');
    assert.equal(h.sys(NR.brk, BRK_START - 4096), BigInt(BRK_START + 100), 'below the start: unchanged');
  });

  it('refuses to grow into another mapping', () => {
    const h = makeHarness();
    h.space.mapFixed(BRK_START + 8 * PAGE, PAGE, PROT_R);
    assert.equal(h.sys(NR.brk, BRK_START + 4 * PAGE), BigInt(BRK_START + 4 * PAGE));
    assert.equal(h.sys(NR.brk, BRK_START + 16 * PAGE), BigInt(BRK_START + 4 * PAGE), 'collision: current break returned');
    assert.ok(!h.mem.accessible(BRK_START + 5 * PAGE, 1, PROT_R));
  });
});

describe('mmap, munmap, mprotect, mremap', () => {
  it('anonymous mappings come top-down from mmapTop, zero-filled, with the asked protection', () => {
    const h = makeHarness();
    const a = Number(h.sys(NR.mmap, 0, 3 * PAGE, PROT_READ | PROT_WRITE, ANON, -1, 0));
    const b = Number(h.sys(NR.mmap, 0, PAGE, PROT_READ, ANON, -1, 0));
    assert.equal(a, h.space.mmapTop - 3 * PAGE);
    assert.equal(b, a - PAGE);
    assert.ok(h.mem.accessible(a, 3 * PAGE, PROT_R | PROT_W));
    assert.ok(h.mem.accessible(b, PAGE, PROT_R) && !h.mem.accessible(b, 1, PROT_W));
    assert.ok(h.u8(a, 3 * PAGE).every((x) => x === 0));
    // Lengths are rounded up to pages.
    const c = Number(h.sys(NR.mmap, 0, 10, PROT_READ, ANON, -1, 0));
    assert.equal(c, b - PAGE);
  });

  it('honours hints when free, MAP_FIXED always, MAP_FIXED_NOREPLACE only when free', () => {
    const h = makeHarness();
    const hint = 0x2000000;
    assert.equal(h.sys(NR.mmap, hint, PAGE, PROT_READ, ANON, -1, 0), BigInt(hint));
    const other = h.sys(NR.mmap, hint, PAGE, PROT_READ, ANON, -1, 0);
    assert.notEqual(other, BigInt(hint), 'an occupied hint is not used');
    h.mem.u8[SCRATCH] = 9;
    assert.equal(h.sys(NR.mmap, SCRATCH, PAGE, PROT_READ | PROT_WRITE, ANON | MAP_FIXED, -1, 0), BigInt(SCRATCH));
    assert.equal(h.mem.u8[SCRATCH], 0, 'MAP_FIXED replaced the old contents');
    assert.equal(h.sys(NR.mmap, hint, PAGE, PROT_READ, ANON | MAP_FIXED_NOREPLACE, -1, 0), BigInt(-EEXIST));
    assert.equal(h.sys(NR.mmap, 0x3000000, PAGE, PROT_READ, ANON | MAP_FIXED_NOREPLACE, -1, 0), 0x3000000n);
    assert.equal(h.sys(NR.mmap, 0x3000001, PAGE, PROT_READ, ANON | MAP_FIXED, -1, 0), BigInt(-EINVAL));
    assert.equal(h.sys(NR.mmap, 0, 0, PROT_READ, ANON, -1, 0), BigInt(-EINVAL));
    assert.equal(h.sys(NR.mmap, 0, PAGE, PROT_READ, MAP_ANONYMOUS, -1, 0), BigInt(-EINVAL), 'neither shared nor private');
    assert.equal(h.sys(NR.mmap, 0, 1 << 30, PROT_READ, ANON, -1, 0), BigInt(-ENOMEM));
  });

  it('munmap and mprotect', () => {
    const h = makeHarness();
    const a = Number(h.sys(NR.mmap, 0, 4 * PAGE, PROT_READ | PROT_WRITE, ANON, -1, 0));
    assert.equal(h.sys(NR.munmap, a + PAGE, PAGE), 0n);
    assert.equal(h.mem.perm[(a + PAGE) >>> 12], 0);
    assert.ok(h.mem.perm[a >>> 12] & MAPPED);
    assert.equal(h.sys(NR.munmap, a + 1, PAGE), BigInt(-EINVAL));
    assert.equal(h.sys(NR.mprotect, a, 4 * PAGE, PROT_READ), BigInt(-ENOMEM), 'a hole in the range');
    assert.equal(h.sys(NR.mprotect, a + 2 * PAGE, 2 * PAGE, PROT_READ | 4), 0n);
    assert.equal(h.mem.perm[(a + 2 * PAGE) >>> 12], PROT_R | PROT_X | MAPPED);
    assert.equal(h.sys(NR.mprotect, a, PAGE, 0), 0n);
    assert.equal(h.mem.perm[a >>> 12], MAPPED, 'PROT_NONE stays mapped');
    assert.equal(h.sys(NR.mprotect, a, PAGE, PROT_WRITE), 0n);
    assert.equal(h.mem.perm[a >>> 12], PROT_R | PROT_W | MAPPED, 'write implies read on RISC-V');
  });

  it('mremap grows in place when free, moves with MREMAP_MAYMOVE, shrinks', () => {
    const h = makeHarness();
    const a = Number(h.sys(NR.mmap, 0x2000000, 2 * PAGE, PROT_READ | PROT_WRITE, ANON, -1, 0));
    h.mem.u8[a + 5] = 42;
    assert.equal(h.sys(NR.mremap, a, 2 * PAGE, 4 * PAGE, 0), BigInt(a), 'grown in place');
    assert.ok(h.mem.accessible(a, 4 * PAGE, PROT_R | PROT_W));
    h.sys(NR.mmap, a + 4 * PAGE, PAGE, PROT_READ, ANON | MAP_FIXED, -1, 0);
    assert.equal(h.sys(NR.mremap, a, 4 * PAGE, 8 * PAGE, 0), BigInt(-ENOMEM), 'blocked, may not move');
    const b = Number(h.sys(NR.mremap, a, 4 * PAGE, 8 * PAGE, 1 /* MAYMOVE */));
    assert.notEqual(b, a);
    assert.equal(h.mem.u8[b + 5], 42, 'contents moved');
    assert.ok(h.mem.accessible(b, 8 * PAGE, PROT_R | PROT_W));
    assert.equal(h.mem.perm[a >>> 12], 0, 'old range unmapped');
    assert.equal(h.sys(NR.mremap, b, 8 * PAGE, 2 * PAGE, 0), BigInt(b));
    assert.equal(h.mem.perm[(b + 2 * PAGE) >>> 12], 0, 'shrunk');
  });

  it('madvise(MADV_DONTNEED) zeroes private anonymous memory', () => {
    const h = makeHarness();
    const a = Number(h.sys(NR.mmap, 0, PAGE, PROT_READ | PROT_WRITE, ANON, -1, 0));
    h.mem.u8[a] = 1;
    assert.equal(h.sys(NR.madvise, a, PAGE, 4), 0n);
    assert.equal(h.mem.u8[a], 0);
  });
});

describe('file mappings', () => {
  let root: string;
  before(() => {
    root = tempDir();
    fs.writeFileSync(path.join(root, 'data.bin'), Buffer.from('0123456789'.repeat(500))); // 5000 bytes
  });
  after(() => rmrf(root));

  it('MAP_PRIVATE copies the file in; the rest of the last page is zero; writes stay private', () => {
    const h = makeHarness({ mounts: [{ hostPath: root, guestPath: '/m', readOnly: false }], cwd: '/m' });
    const fd = h.sys(NR.openat, AT_FDCWD, h.str('data.bin'), 0);
    const a = Number(h.sys(NR.mmap, 0, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0));
    assert.ok(a > 0);
    assert.equal(Buffer.from(h.u8(a, 10)).toString(), '0123456789');
    assert.equal(h.mem.u8[a + 4999], '9'.charCodeAt(0));
    assert.ok(h.u8(a + 5000, 8192 - 5000).every((x) => x === 0));
    h.mem.u8[a] = 'X'.charCodeAt(0);
    h.sys(NR.munmap, a, 8192);
    assert.equal(fs.readFileSync(path.join(root, 'data.bin'))[0], '0'.charCodeAt(0));
    const b = Number(h.sys(NR.mmap, 0, PAGE, PROT_READ, MAP_PRIVATE, fd, PAGE));
    assert.equal(Buffer.from(h.u8(b, 4)).toString(), '6789', 'offset 4096');
    assert.equal(h.sys(NR.mmap, 0, PAGE, PROT_READ, MAP_PRIVATE, fd, 100), BigInt(-EINVAL), 'unaligned offset');
    h.sys(NR.close, fd);
  });

  it('MAP_SHARED writes back on msync and munmap, even after close', () => {
    const h = makeHarness({ mounts: [{ hostPath: root, guestPath: '/m', readOnly: false }], cwd: '/m' });
    const fd = h.sys(NR.openat, AT_FDCWD, h.str('data.bin'), 2 /* O_RDWR */);
    const a = Number(h.sys(NR.mmap, 0, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0));
    h.sys(NR.close, fd);
    h.mem.u8[a] = 'A'.charCodeAt(0);
    assert.equal(h.sys(NR.msync, a, 8192, 4 /* MS_SYNC */), 0n);
    assert.equal(fs.readFileSync(path.join(root, 'data.bin'), 'latin1')[0], 'A');
    h.mem.u8[a + 4999] = 'Z'.charCodeAt(0);
    h.mem.u8[a + 6000] = 1; // beyond end of file: never written back
    assert.equal(h.sys(NR.munmap, a, 8192), 0n);
    const after = fs.readFileSync(path.join(root, 'data.bin'), 'latin1');
    assert.equal(after.length, 5000);
    assert.equal(after[4999], 'Z');
  });

  it('read/write on a file stay coherent with its MAP_SHARED mappings', () => {
    fs.writeFileSync(path.join(root, 'coherent.bin'), Buffer.alloc(PAGE, 0x2e));
    const h = makeHarness({ mounts: [{ hostPath: root, guestPath: '/m', readOnly: false }], cwd: '/m' });
    const fd = h.sys(NR.openat, AT_FDCWD, h.str('coherent.bin'), 2);
    const a = Number(h.sys(NR.mmap, 0, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0));
    h.mem.u8.set(Buffer.from('FILE'), SCRATCH);
    assert.equal(h.sys(NR.pwrite64, fd, SCRATCH, 4, 100), 4n);
    assert.equal(Buffer.from(h.u8(a + 100, 4)).toString(), 'FILE', 'the mapping sees the write');
    h.mem.u8.set(Buffer.from('MAP!'), a + 200);
    const other = h.sys(NR.openat, AT_FDCWD, h.str('coherent.bin'), 0);
    assert.equal(h.sys(NR.pread64, other, SCRATCH, 4, 200), 4n);
    assert.equal(Buffer.from(h.u8(SCRATCH, 4)).toString(), 'MAP!', 'a read through another fd sees the store');
  });

  it('MAP_SHARED with PROT_WRITE needs a writable fd', () => {
    const h = makeHarness({ mounts: [{ hostPath: root, guestPath: '/m', readOnly: false }], cwd: '/m' });
    const fd = h.sys(NR.openat, AT_FDCWD, h.str('data.bin'), 0);
    assert.equal(h.sys(NR.mmap, 0, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0), -13n);
  });
});
