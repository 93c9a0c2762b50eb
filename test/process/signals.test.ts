import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PROT_R, PROT_X } from '../../src/machine/memory.js';
import { EINVAL } from '../../src/vms/process/errno.js';
import { makeHarness, NR, SCRATCH, type Harness } from './kernel-harness.js';

const SIGUSR1 = 10, SIGSEGV = 11, SIGABRT = 6, SIGCHLD = 17;
const SA_SIGINFO = 4, SA_ONSTACK = 0x08000000, SA_RESETHAND = 0x80000000, SA_NODEFER = 0x40000000;
const ACT = SCRATCH + 0x2000;
const HANDLER = 0x123450n;

function sigaction(h: Harness, sig: number, handler: bigint, flags: number, mask = 0n): bigint {
  h.mem.dv.setBigUint64(ACT, handler, true);
  h.mem.dv.setBigUint64(ACT + 8, BigInt(flags >>> 0), true);
  h.mem.dv.setBigUint64(ACT + 16, mask, true);
  return h.sys(NR.rt_sigaction, sig, ACT, 0, 8);
}

describe('signals', () => {
  it('rt_sigaction validates and reports the old action', () => {
    const h = makeHarness();
    assert.equal(sigaction(h, SIGUSR1, HANDLER, SA_SIGINFO), 0n);
    assert.equal(h.sys(NR.rt_sigaction, SIGUSR1, 0, ACT + 64, 8), 0n);
    assert.equal(h.mem.dv.getBigUint64(ACT + 64, true), HANDLER);
    assert.equal(h.mem.dv.getBigUint64(ACT + 72, true), BigInt(SA_SIGINFO));
    assert.equal(h.sys(NR.rt_sigaction, 9, ACT, 0, 8), BigInt(-EINVAL), 'SIGKILL cannot be caught');
    assert.equal(h.sys(NR.rt_sigaction, SIGUSR1, ACT, 0, 16), BigInt(-EINVAL), 'sigsetsize must be 8');
  });

  it('kill(getpid()) with a handler builds an rt_sigframe; rt_sigreturn restores everything', () => {
    const h = makeHarness();
    sigaction(h, SIGUSR1, HANDLER, SA_SIGINFO, 1n << 4n);
    const x = h.hart.x;
    for (let i = 1; i < 32; i++) x[i] = BigInt(i * 0x1111);
    x[2] = BigInt(h.mem.size - 0x10000 - 512); // sp
    for (let i = 0; i < 32; i++) h.hart.f[i] = BigInt(i) << 40n;
    h.hart.fcsr[0] = 0x13;
    h.hart.fcsr[1] = 2;
    const savedSp = x[2];
    // The guest: kill(getpid(), SIGUSR1) at pc 0x10100; the run loop then advances pc.
    h.hart.pc = 0x10100;
    x[17] = BigInt(NR.kill);
    x[10] = BigInt(process.pid);
    x[11] = BigInt(SIGUSR1);
    h.k.syscall();
    assert.equal(x[10], 0n);
    h.hart.pc += 4;
    const regsAtSignal = Array.from(x);
    const sig = h.k.takePendingSignal();
    assert.equal(sig, SIGUSR1);
    assert.equal(h.k.takePendingSignal(), undefined);
    assert.equal(h.k.deliverSignal(sig!), 'handled');

    assert.equal(BigInt(h.hart.pc), HANDLER);
    assert.equal(x[10], BigInt(SIGUSR1), 'a0 = sig');
    const frame = Number(x[2]);
    assert.equal(frame % 16, 0, 'sp 16-byte aligned');
    assert.ok(frame <= Number(savedSp) - 1088);
    assert.equal(x[11], BigInt(frame), 'a1 = &siginfo');
    assert.equal(x[12], BigInt(frame + 128), 'a2 = &ucontext');
    const dv = h.mem.dv;
    assert.equal(dv.getInt32(frame, true), SIGUSR1, 'si_signo');
    assert.equal(dv.getInt32(frame + 8, true), 0, 'si_code SI_USER');
    assert.equal(dv.getInt32(frame + 16, true), process.pid, 'si_pid');
    const mc = frame + 128 + 176;
    assert.equal(dv.getBigUint64(mc, true), 0x10104n, 'sc_regs.pc: after the ecall');
    assert.equal(dv.getBigInt64(mc + 8 * 5, true), regsAtSignal[5], 'x5 saved');
    assert.equal(dv.getBigInt64(mc + 8 * 2, true), savedSp, 'sp saved');
    assert.equal(dv.getBigInt64(mc + 256 + 8 * 7, true), 7n << 40n, 'f7 saved');
    assert.equal(dv.getUint32(mc + 256 + 256, true), (2 << 5) | 0x13, 'fcsr saved');
    assert.equal(dv.getBigUint64(frame + 128 + 40, true), 0n, 'uc_sigmask = the mask before delivery');
    // ra points at the sigreturn trampoline: li a7,139; ecall
    const ra = Number(x[1]);
    assert.equal(dv.getUint32(ra, true), 0x08b00893);
    assert.equal(dv.getUint32(ra + 4, true), 0x00000073);
    assert.ok(h.mem.accessible(ra, 8, PROT_R | PROT_X));
    assert.equal(h.k.signals.blocked, (1n << 4n) | (1n << BigInt(SIGUSR1 - 1)), 'sa_mask and the signal blocked in the handler');

    // The handler clobbers registers, then returns through the trampoline.
    for (let i = 3; i < 32; i++) if (i !== 2) x[i] = 0xdeadn;
    h.hart.f[7] = 0n;
    h.hart.pc = ra + 4;
    x[17] = 139n;
    assert.deepEqual(h.k.syscall(), { kind: 'continue' });
    h.hart.pc += 4; // the run loop's advance
    assert.equal(h.hart.pc, 0x10104);
    for (let i = 1; i < 32; i++) assert.equal(x[i], regsAtSignal[i], `x${i} restored`);
    assert.equal(h.hart.f[7], 7n << 40n);
    assert.equal(h.hart.fcsr[0], 0x13);
    assert.equal(h.hart.fcsr[1], 2);
    assert.equal(h.k.signals.blocked, 0n, 'mask restored');
  });

  it('a synchronous SIGSEGV with a handler reports si_addr and SEGV_MAPERR; without one it terminates', () => {
    const h = makeHarness();
    assert.equal(h.k.deliverSignal(SIGSEGV, 0x5000n), 'terminate');
    sigaction(h, SIGSEGV, HANDLER, SA_SIGINFO);
    h.hart.pc = 0x10200;
    assert.equal(h.k.deliverSignal(SIGSEGV, 0x5000n), 'handled');
    const frame = Number(h.hart.x[2]);
    assert.equal(h.mem.dv.getInt32(frame + 8, true), 1, 'SEGV_MAPERR');
    assert.equal(h.mem.dv.getBigUint64(frame + 16, true), 0x5000n, 'si_addr');
    assert.equal(h.mem.dv.getBigUint64(frame + 128 + 176, true), 0x10200n, 'pc of the faulting instruction');
  });

  it('a fault while its signal is blocked kills the process', () => {
    const h = makeHarness();
    sigaction(h, SIGSEGV, HANDLER, SA_SIGINFO);
    h.mem.dv.setBigUint64(ACT + 100, 1n << BigInt(SIGSEGV - 1), true);
    assert.equal(h.sys(NR.rt_sigprocmask, 0 /* SIG_BLOCK */, ACT + 100, 0, 8), 0n);
    assert.equal(h.k.deliverSignal(SIGSEGV, 0n), 'terminate');
  });

  it('blocked raised signals stay pending until unblocked; ignored ones are discarded', () => {
    const h = makeHarness();
    sigaction(h, SIGUSR1, HANDLER, 0);
    h.mem.dv.setBigUint64(ACT + 100, 1n << BigInt(SIGUSR1 - 1), true);
    h.sys(NR.rt_sigprocmask, 0, ACT + 100, 0, 8);
    h.sys(NR.tgkill, process.pid, process.pid, SIGUSR1);
    assert.equal(h.k.takePendingSignal(), undefined);
    h.sys(NR.rt_sigprocmask, 1 /* SIG_UNBLOCK */, ACT + 100, 0, 8);
    assert.equal(h.k.takePendingSignal(), SIGUSR1);
    h.sys(NR.kill, process.pid, SIGCHLD);
    assert.equal(h.k.takePendingSignal(), undefined, 'SIGCHLD is ignored by default');
    sigaction(h, SIGUSR1, 1n /* SIG_IGN */, 0);
    h.sys(NR.kill, 0, SIGUSR1);
    assert.equal(h.k.takePendingSignal(), undefined);
  });

  it('abort(): SIGABRT with the default action terminates', () => {
    const h = makeHarness();
    h.sys(NR.tgkill, process.pid, process.pid, SIGABRT);
    const s = h.k.takePendingSignal();
    assert.equal(s, SIGABRT);
    assert.equal(h.k.deliverSignal(s!), 'terminate');
  });

  it('SA_ONSTACK uses the sigaltstack; SA_RESETHAND and SA_NODEFER', () => {
    const h = makeHarness();
    const alt = 0x2000000;
    h.space.mapFixed(alt, 0x4000, 3);
    const ss = SCRATCH + 0x3000;
    h.mem.dv.setBigUint64(ss, BigInt(alt), true);
    h.mem.dv.setInt32(ss + 8, 0, true);
    h.mem.dv.setBigUint64(ss + 16, 0x4000n, true);
    assert.equal(h.sys(NR.sigaltstack, ss, 0), 0n);
    sigaction(h, SIGUSR1, HANDLER, SA_SIGINFO | SA_ONSTACK | SA_RESETHAND | SA_NODEFER);
    h.sys(NR.kill, process.pid, SIGUSR1);
    assert.equal(h.k.deliverSignal(h.k.takePendingSignal()!), 'handled');
    const sp = Number(h.hart.x[2]);
    assert.ok(sp >= alt && sp < alt + 0x4000, 'frame on the alternate stack');
    assert.equal(h.k.signals.blocked, 0n, 'SA_NODEFER: not blocked');
    assert.equal(h.k.signals.actions[SIGUSR1].handler, 0n, 'SA_RESETHAND: back to SIG_DFL');
    assert.equal(h.sys(NR.sigaltstack, ss, 0), -1n, 'EPERM while running on it');
  });
});
