import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EAGAIN, EINVAL, ENOSYS, EPIPE, ETIMEDOUT } from '../../src/vms/process/errno.js';
import { SYSCALL_NAMES } from '../../src/vms/process/syscall-names.js';
import { AT_FDCWD, makeHarness, NR, SCRATCH } from './kernel-harness.js';

const BUF = SCRATCH + 0x1000;

describe('unsupported system calls', () => {
  it('return -ENOSYS and warn once per number, naming the call', () => {
    const h = makeHarness();
    // clone3 and clone creating a process rather than a thread (here a fork) are unsupported.
    h.mem.u8.fill(0, BUF, BUF + 88);
    h.mem.dv.setBigUint64(BUF + 32, 17n, true); // exit_signal = SIGCHLD
    assert.equal(h.sys(NR.clone3, BUF, 88), BigInt(-ENOSYS));
    assert.equal(h.sys(NR.clone3, BUF, 88), BigInt(-ENOSYS));
    assert.equal(h.sys(220, 17 /* SIGCHLD */), BigInt(-ENOSYS));
    assert.equal(h.sys(9999), BigInt(-ENOSYS));
    assert.deepEqual(h.warnings, [
      'univm: warning: unsupported system call 435 (clone3); returning -ENOSYS',
      'univm: warning: unsupported system call 220 (clone); returning -ENOSYS',
      'univm: warning: unsupported system call 9999 (syscall_9999); returning -ENOSYS',
    ]);
  });

  it('an internal error in a system call becomes a warning and -EIO, not a crash', () => {
    const h = makeHarness();
    h.k.table.set(500, { nr: 500, name: 'broken', fn: () => { throw new TypeError('oops'); } });
    assert.equal(h.sys(500), -5n);
    assert.deepEqual(h.warnings, ['univm: internal error in system call 500 (broken): oops; returning -EIO']);
  });

  it('rseq is ENOSYS without a warning (what glibc expects from qemu-user)', () => {
    const h = makeHarness();
    assert.equal(h.sys(NR.rseq, 0, 32, 0, 0), BigInt(-ENOSYS));
    assert.deepEqual(h.warnings, []);
  });

  it('the name table covers the asm-generic riscv64 list', () => {
    for (const [nr, name] of [[56, 'openat'], [63, 'read'], [222, 'mmap'], [258, 'riscv_hwprobe'], [259, 'riscv_flush_icache'], [435, 'clone3'], [439, 'faccessat2']] as const) {
      assert.equal(SYSCALL_NAMES[nr], name);
    }
    assert.ok(Object.keys(SYSCALL_NAMES).length > 300);
  });
});

describe('process and system information', () => {
  it('uname says Linux riscv64', () => {
    const h = makeHarness();
    assert.equal(h.sys(NR.uname, BUF), 0n);
    const field = (i: number) => { const b = h.u8(BUF + i * 65, 65); return Buffer.from(b.subarray(0, b.indexOf(0))).toString(); };
    assert.equal(field(0), 'Linux');
    assert.match(field(2), /^6\.1\.0/);
    assert.equal(field(4), 'riscv64');
  });

  it('ids, prlimit64, getrandom, clock_gettime, sysinfo, hwprobe', () => {
    const h = makeHarness();
    assert.equal(h.sys(NR.getpid), BigInt(process.pid));
    assert.equal(h.sys(NR.gettid), BigInt(process.pid));
    assert.equal(h.sys(NR.set_tid_address, BUF), BigInt(process.pid));
    assert.equal(h.sys(NR.prlimit64, 0, 3 /* RLIMIT_STACK */, 0, BUF), 0n);
    assert.equal(h.mem.dv.getBigUint64(BUF, true), 8n << 20n);
    assert.equal(h.mem.dv.getBigUint64(BUF + 8, true), (1n << 64n) - 1n);
    assert.equal(h.sys(NR.getrlimit, 7 /* NOFILE */, BUF), 0n);
    assert.equal(h.mem.dv.getBigUint64(BUF, true), 1024n);
    assert.equal(h.sys(NR.prlimit64, 0, 99, 0, BUF), BigInt(-EINVAL));
    h.mem.u8.fill(0, BUF, BUF + 64);
    assert.equal(h.sys(NR.getrandom, BUF, 64, 0), 64n);
    assert.ok(h.u8(BUF, 64).some((b) => b !== 0));
    assert.equal(h.sys(NR.clock_gettime, 0, BUF), 0n);
    const sec = Number(h.mem.dv.getBigInt64(BUF, true));
    assert.ok(Math.abs(sec - Date.now() / 1000) < 5, 'realtime is the host time');
    assert.equal(h.sys(NR.clock_gettime, 1, BUF), 0n);
    assert.equal(h.sys(NR.clock_gettime, 99, BUF), BigInt(-EINVAL));
    assert.equal(h.sys(NR.sysinfo, BUF), 0n);
    assert.equal(h.mem.dv.getBigUint64(BUF + 32, true), BigInt(h.mem.size), 'totalram is the guest memory');
    assert.equal(h.mem.dv.getUint32(BUF + 104, true), 1, 'mem_unit');
    h.mem.dv.setBigInt64(BUF, 4n, true);
    h.mem.dv.setBigInt64(BUF + 16, 12345n, true);
    assert.equal(h.sys(NR.riscv_hwprobe, BUF, 2, 0, 0, 0), 0n);
    assert.equal(h.mem.dv.getBigUint64(BUF + 8, true), 3n, 'IMA_EXT_0: FD and C');
    assert.equal(h.mem.dv.getBigInt64(BUF + 16, true), -1n, 'unknown key');
  });

  it('exit_group ends the process with the low 8 bits of the status', () => {
    const h = makeHarness();
    assert.deepEqual(h.outcome(NR.exit_group, 3), { kind: 'exit', status: 3 });
    assert.deepEqual(h.outcome(NR.exit, 0x1ff), { kind: 'exit', status: 0xff });
  });

  it('futex: WAIT with a different value is EAGAIN; WAKE wakes nobody; a timed WAIT times out', () => {
    const h = makeHarness();
    h.mem.dv.setUint32(BUF, 5, true);
    assert.equal(h.sys(NR.futex, BUF, 128 /* WAIT|PRIVATE */, 4, 0), BigInt(-EAGAIN));
    assert.equal(h.sys(NR.futex, BUF, 129 /* WAKE|PRIVATE */, 1), 0n);
    h.mem.dv.setBigInt64(BUF + 16, 0n, true);
    h.mem.dv.setBigInt64(BUF + 24, 1000n, true);
    assert.equal(h.sys(NR.futex, BUF, 128, 5, BUF + 16), BigInt(-ETIMEDOUT));
    assert.equal(h.sys(NR.futex, BUF, 128, 5, 0), BigInt(-ETIMEDOUT), 'no hang');
    assert.equal(h.warnings.length, 1);
  });

  it('prctl PR_SET_NAME / PR_GET_NAME', () => {
    const h = makeHarness();
    assert.equal(h.sys(NR.prctl, 15, h.str('worker-thread-name')), 0n);
    assert.equal(h.sys(NR.prctl, 16, BUF), 0n);
    assert.equal(Buffer.from(h.u8(BUF, 15)).toString(), 'worker-thread-n');
  });
});

describe('pipes', () => {
  it('carry bytes within the process; empty pipe with a writer is EAGAIN; EOF when closed', () => {
    const h = makeHarness();
    assert.equal(h.sys(NR.pipe2, BUF, 0), 0n);
    const r = BigInt(h.mem.dv.getInt32(BUF, true)), w = BigInt(h.mem.dv.getInt32(BUF + 4, true));
    assert.deepEqual([r, w], [3n, 4n]);
    h.mem.u8.set(Buffer.from('ping'), BUF + 100);
    assert.equal(h.sys(NR.write, w, BUF + 100, 4), 4n);
    assert.equal(h.sys(NR.read, r, BUF + 200, 100), 4n);
    assert.equal(Buffer.from(h.u8(BUF + 200, 4)).toString(), 'ping');
    assert.equal(h.sys(NR.read, r, BUF + 200, 100), BigInt(-EAGAIN));
    assert.equal(h.warnings.length, 1, 'a would-block read warns once');
    h.sys(NR.close, w);
    assert.equal(h.sys(NR.read, r, BUF + 200, 100), 0n);
  });

  it('writing with no reader is EPIPE and raises SIGPIPE', () => {
    const h = makeHarness();
    h.sys(NR.pipe2, BUF, 0);
    const r = BigInt(h.mem.dv.getInt32(BUF, true)), w = BigInt(h.mem.dv.getInt32(BUF + 4, true));
    h.sys(NR.close, r);
    assert.equal(h.sys(NR.write, w, BUF, 1), BigInt(-EPIPE));
    assert.equal(h.k.takePendingSignal(), 13);
    assert.equal(h.k.deliverSignal(13), 'terminate', 'default action of SIGPIPE');
  });
});

describe('strace', () => {
  it('prints one qemu-style line per call', () => {
    const h = makeHarness({ strace: true });
    h.sys(NR.openat, AT_FDCWD, h.str('/nonexistent'), 0o2000000, 0);
    h.sys(NR.brk, 0);
    h.sys(220);
    h.outcome(NR.exit_group, 0);
    const pid = process.pid;
    assert.deepEqual(h.straceLines, [
      `${pid} openat(AT_FDCWD,"/nonexistent",O_RDONLY|O_CLOEXEC) = -1 errno=2 (No such file or directory)`,
      `${pid} brk(NULL) = 0x0000000000400000`,
      `${pid} clone(0,NULL,NULL,NULL,NULL) = -1 errno=38 (Function not implemented)`,
      `${pid} exit_group(0)`,
    ]);
  });
});
