import { MAPPED, PAGE_SHIFT, PAGE_SIZE, PROT_R, PROT_W, PROT_X } from '../../../machine/memory.js';
import {
  BUS_ADRALN, FPE_INTDIV, ILL_ILLOPC, MINSIGSTKSZ, NSIG, SA_NODEFER, SA_ONSTACK, SA_RESETHAND, SA_RESTART,
  SA_SIGINFO, SEGV_ACCERR, SEGV_MAPERR, SIG_BLOCK, SIG_DFL, SIG_IGN, SIG_SETMASK, SIG_UNBLOCK,
  SIGBUS, SIGCHLD, SIGCONT, SIGFPE, SIGILL, SIGKILL, SIGSEGV, SIGSTOP, SIGTRAP, SIGTSTP, SIGTTIN,
  SIGTTOU, SIGURG, SIGWINCH, SI_TKILL, SI_USER, SS_AUTODISARM, SS_DISABLE, SS_ONSTACK, TRAP_BRKPT,
} from '../abi.js';
import { EAGAIN, EINTR, EINVAL, ENOMEM, EPERM, ESRCH, fail } from '../errno.js';
import { int, size, type LinuxKernel } from '../kernel.js';
import { formatSignalDelivery } from '../strace.js';
import type { Thread } from '../thread.js';
import { KEEP_A0, type Args, type SyscallDef } from './types.js';

/**
 * Signals: dispositions (shared by the threads of the process), each thread's blocked mask and
 * pending signals, process-directed signals, the alternate stack (per thread), and the riscv64
 * rt_sigframe built on delivery.
 *
 * Frame layout (what the riscv64 kernel pushes, 1088 bytes, 16-byte aligned):
 *   +0    siginfo_t (128)          si_signo, si_errno, si_code, then si_addr or (si_pid, si_uid)
 *   +128  ucontext: uc_flags(8) uc_link(8) uc_stack(24) uc_sigmask(8) pad(120)
 *   +304  uc_mcontext: sc_regs[32] = pc, x1..x31
 *   +560  FP state: f[32] (raw 64-bit), then fcsr (u32) at +816; the rest of the 528-byte
 *         union is zero (that is also the "end of extensions" header newer kernels look for)
 */

export interface SigAction { handler: bigint; flags: number; mask: bigint }

const FRAME_SIZE = 1088;
const UC = 128;
const UC_STACK = UC + 16, UC_SIGMASK = UC + 40, UC_MCONTEXT = UC + 176;
const FP_STATE = UC_MCONTEXT + 256, FCSR = FP_STATE + 256;
const UNBLOCKABLE = (1n << BigInt(SIGKILL - 1)) | (1n << BigInt(SIGSTOP - 1));

const bit = (sig: number): bigint => 1n << BigInt(sig - 1);

/** The lowest signal number in a non-empty set. */
function lowest(set: bigint): number {
  let sig = 1;
  while (!(set & bit(sig))) sig++;
  return sig;
}

interface PendingInfo { code: number; pid: number; uid: number }

/** What the threads of a process share (CLONE_SIGHAND): dispositions, process-directed signals, the trampoline. */
export class SignalShared {
  readonly actions: SigAction[] = Array.from({ length: NSIG + 1 }, () => ({ handler: SIG_DFL, flags: 0, mask: 0n }));
  /** Process-directed signals that every thread blocked when they were sent. */
  pending = 0n;
  readonly info = new Map<number, PendingInfo>();
  /** Address of the sigreturn trampoline page, mapped on first use. */
  trampoline: number | undefined;
}

/** One thread's signal state; `shared` is the process's. */
export class SignalState {
  blocked = 0n;
  /** Signals directed at this thread (tgkill, faults, process signals it was chosen for). */
  pending = 0n;
  /** Pending signals that stand for a synchronous fault (delivered with fault semantics). */
  forced = 0n;
  readonly info = new Map<number, PendingInfo>();
  altSp = 0n;
  altSize = 0n;
  altAutodisarm = false;
  /** The mask rt_sigsuspend replaced, to be saved in the next frame. */
  suspendSaved: bigint | undefined;
  private lastTaken: { sig: number; forced: boolean; info: PendingInfo | undefined } | undefined;

  constructor(readonly shared: SignalShared = new SignalShared()) {}

  get actions(): SigAction[] { return this.shared.actions; }

  private ownReady(): bigint { return this.pending & (~this.blocked | this.forced | UNBLOCKABLE); }
  private sharedReady(): bigint { return this.shared.pending & (~this.blocked | UNBLOCKABLE); }

  /** The signal takePending would return, without taking it. */
  deliverable(): number | undefined {
    const ready = this.ownReady() | this.sharedReady();
    return ready === 0n ? undefined : lowest(ready);
  }

  /** Pending for this thread or the process, blocked or not (rt_sigpending before masking). */
  allPending(): bigint { return this.pending | this.shared.pending; }

  takePending(): number | undefined {
    const own = this.ownReady(), sh = this.sharedReady();
    if ((own | sh) === 0n) return undefined;
    const sig = lowest(own | sh);
    if (own & bit(sig)) {
      const forced = (this.forced & bit(sig)) !== 0n;
      this.pending &= ~bit(sig);
      this.forced &= ~bit(sig);
      this.lastTaken = { sig, forced, info: this.info.get(sig) };
      this.info.delete(sig);
    } else {
      this.shared.pending &= ~bit(sig);
      this.lastTaken = { sig, forced: false, info: this.shared.info.get(sig) };
      this.shared.info.delete(sig);
    }
    return sig;
  }

  /** Takes a pending signal of `set` (blocked or not) for rt_sigtimedwait, with its info. */
  takeFrom(set: bigint): { sig: number; info: PendingInfo | undefined } | undefined {
    const own = this.pending & set, sh = this.shared.pending & set;
    if ((own | sh) === 0n) return undefined;
    const sig = lowest(own | sh);
    const from = own & bit(sig) ? this : this.shared;
    from.pending &= ~bit(sig);
    if (from === this) this.forced &= ~bit(sig);
    const info = from.info.get(sig);
    from.info.delete(sig);
    return { sig, info };
  }

  /**
   * When `sig` was just handed out by takePending as a signal raised by a thread (not a fault),
   * its sender's details; undefined otherwise.
   */
  consumeRaised(sig: number): { info: PendingInfo | undefined } | undefined {
    const t = this.lastTaken;
    this.lastTaken = undefined;
    if (t === undefined || t.sig !== sig || t.forced) return undefined;
    return { info: t.info };
  }

  onAltStack(sp: bigint): boolean {
    return this.altSize > 0n && sp > this.altSp && sp - this.altSp <= this.altSize;
  }
}

/** Whether the default action of `sig` is to do nothing (ignore, or stop, which we cannot do). */
export function defaultIgnored(sig: number): boolean {
  return sig === SIGCHLD || sig === SIGURG || sig === SIGWINCH || sig === SIGCONT ||
    sig === SIGSTOP || sig === SIGTSTP || sig === SIGTTIN || sig === SIGTTOU;
}

function ignored(st: SignalState, sig: number): boolean {
  if (sig === SIGKILL) return false;
  const h = st.actions[sig].handler;
  return h === SIG_IGN || (h === SIG_DFL && defaultIgnored(sig));
}

/**
 * Makes `sig` pending: on `target` (tgkill, tkill, SIGPIPE for the writer), or on the process
 * (kill). A process-directed signal goes, as in Linux's complete_signal, to the calling thread
 * if it does not block it, else to the first thread that does not; when every thread blocks it,
 * it stays pending on the process until one unblocks it. An ignored signal is discarded unless
 * blocked (it could be unignored before it is unblocked).
 */
export function raise(k: LinuxKernel, sig: number, code = SI_USER, target?: Thread): void {
  const info = { code, pid: k.pid, uid: k.ids.uid };
  if (target) {
    const st = target.signals;
    if (ignored(st, sig) && !(st.blocked & bit(sig))) return;
    st.pending |= bit(sig);
    st.info.set(sig, info);
    return;
  }
  const cur = k.current;
  const chosen = !(cur.signals.blocked & bit(sig)) ? cur : k.sched.threads.find((t) => !(t.signals.blocked & bit(sig)));
  if (chosen) {
    raise(k, sig, code, chosen);
    return;
  }
  const sh = cur.signals.shared;
  if (ignored(cur.signals, sig) && !(cur.signals.blocked & bit(sig))) return;
  sh.pending |= bit(sig);
  sh.info.set(sig, info);
}

/** Whether a blocked system call interrupted by `sig` restarts after the handler (SA_RESTART). */
export function restartsAfter(k: LinuxKernel, sig: number): boolean {
  const act = k.signals.actions[sig];
  return act.handler !== SIG_DFL && act.handler !== SIG_IGN && (act.flags & SA_RESTART) !== 0;
}

function trampolineAddr(k: LinuxKernel): number | undefined {
  const st = k.signals.shared;
  if (st.trampoline !== undefined) return st.trampoline;
  const at = k.space.findFree(PAGE_SIZE);
  if (at === undefined) return undefined;
  k.space.mapFixed(at, PAGE_SIZE, PROT_R | PROT_X);
  const dv = k.mem.dv;
  dv.setUint32(at, 0x08b00893, true); // li a7, 139   (addi a7, zero, 139)
  dv.setUint32(at + 4, 0x00000073, true); // ecall
  st.trampoline = at;
  return at;
}

/** Implements LinuxKernel.deliverSignal. */
export function deliver(k: LinuxKernel, sig: number, faultAddr?: bigint): 'terminate' | 'handled' {
  const st = k.signals;
  if (sig < 1 || sig > NSIG) return 'terminate';
  const raised = st.consumeRaised(sig);
  if (sig === SIGKILL) return 'terminate';
  const act = st.actions[sig];
  if (!raised && (act.handler === SIG_IGN || (st.blocked & bit(sig)))) {
    // A fault that cannot be handled kills the process, as force_sig_fault does.
    act.handler = SIG_DFL;
    st.blocked &= ~bit(sig);
    return 'terminate';
  }
  if (act.handler === SIG_DFL) return defaultIgnored(sig) ? 'handled' : 'terminate';
  if (act.handler === SIG_IGN) return 'handled';

  const x = k.hart.x;
  const mem = k.mem;
  const dv = mem.dv;
  const curSp = x[2];
  let sp = curSp;
  const useAlt = (act.flags & SA_ONSTACK) !== 0 && st.altSize > 0n && !st.onAltStack(curSp);
  if (useAlt) sp = st.altSp + st.altSize;
  const frameBig = (sp - BigInt(FRAME_SIZE)) & ~15n;
  const frame = k.addr(frameBig);
  const tramp = trampolineAddr(k);
  if (tramp === undefined || frame < 0 || !mem.accessible(frame, FRAME_SIZE, PROT_W)) return 'terminate';

  mem.u8.fill(0, frame, frame + FRAME_SIZE);
  // siginfo
  dv.setInt32(frame, sig, true);
  if (raised) {
    const info = raised.info ?? { code: SI_USER, pid: k.pid, uid: k.ids.uid };
    dv.setInt32(frame + 8, info.code, true);
    dv.setInt32(frame + 16, info.pid, true);
    dv.setUint32(frame + 20, info.uid, true);
  } else {
    const pc = BigInt(k.hart.pc);
    let code = 0;
    let addr = faultAddr ?? pc;
    switch (sig) {
      case SIGSEGV: {
        const a = faultAddr !== undefined ? k.addr(faultAddr) : -1;
        code = a >= 0 && a < mem.size && (mem.perm[a >>> PAGE_SHIFT] & MAPPED) ? SEGV_ACCERR : SEGV_MAPERR;
        break;
      }
      case SIGBUS: code = BUS_ADRALN; break;
      case SIGILL: code = ILL_ILLOPC; addr = pc; break;
      case SIGTRAP: code = TRAP_BRKPT; addr = pc; break;
      case SIGFPE: code = FPE_INTDIV; addr = pc; break;
      default: code = 0x80; // SI_KERNEL
    }
    dv.setInt32(frame + 8, code, true);
    dv.setBigUint64(frame + 16, BigInt.asUintN(64, addr), true);
  }
  // ucontext: uc_stack describes the alternate stack as it was before delivery.
  dv.setBigUint64(frame + UC_STACK, st.altSp, true);
  dv.setInt32(frame + UC_STACK + 8, (st.altSize === 0n ? SS_DISABLE : st.onAltStack(curSp) ? SS_ONSTACK : 0) | (st.altAutodisarm ? SS_AUTODISARM : 0), true);
  dv.setBigUint64(frame + UC_STACK + 16, st.altSize, true);
  const savedMask = st.suspendSaved ?? st.blocked;
  st.suspendSaved = undefined;
  dv.setBigUint64(frame + UC_SIGMASK, savedMask, true);
  dv.setBigUint64(frame + UC_MCONTEXT, BigInt.asUintN(64, BigInt(k.hart.pc)), true);
  for (let i = 1; i < 32; i++) dv.setBigInt64(frame + UC_MCONTEXT + i * 8, x[i], true);
  const f = k.hart.f;
  for (let i = 0; i < 32; i++) dv.setBigInt64(frame + FP_STATE + i * 8, f[i], true);
  dv.setUint32(frame + FCSR, ((k.hart.fcsr[1] & 7) << 5) | (k.hart.fcsr[0] & 0x1f), true);

  if (useAlt && st.altAutodisarm) { st.altSp = 0n; st.altSize = 0n; }
  st.blocked = (st.blocked | act.mask | ((act.flags & SA_NODEFER) ? 0n : bit(sig))) & ~UNBLOCKABLE;
  const handler = act.handler;
  if (act.flags & SA_RESETHAND) { act.handler = SIG_DFL; act.flags &= ~SA_SIGINFO; }

  x[1] = BigInt(tramp);
  x[2] = BigInt(frame);
  x[10] = BigInt(sig);
  x[11] = BigInt(frame);
  x[12] = BigInt(frame + UC);
  k.hart.pc = Number(BigInt.asUintN(64, handler));
  if (k.cfg.strace) {
    const code = dv.getInt32(frame + 8, true);
    const details = raised
      ? `si_pid=${dv.getInt32(frame + 16, true)}, si_uid=${dv.getUint32(frame + 20, true)}`
      : `si_addr=0x${dv.getBigUint64(frame + 16, true).toString(16)}`;
    const codeName = raised ? (code === SI_TKILL ? 'SI_TKILL' : code === SI_USER ? 'SI_USER' : String(code)) : String(code);
    k.cfg.strace(formatSignalDelivery(sig, codeName, details));
  }
  return 'handled';
}

function rtSigreturn(k: LinuxKernel): typeof KEEP_A0 {
  const x = k.hart.x;
  const frame = k.addr(x[2]);
  const mem = k.mem;
  if (frame < 0 || !mem.accessible(frame, FRAME_SIZE, PROT_R)) {
    k.signals.pending |= bit(SIGSEGV);
    k.signals.forced |= bit(SIGSEGV);
    return KEEP_A0;
  }
  const dv = mem.dv;
  const st = k.signals;
  st.blocked = dv.getBigUint64(frame + UC_SIGMASK, true) & ~UNBLOCKABLE;
  const pc = dv.getBigUint64(frame + UC_MCONTEXT, true);
  for (let i = 1; i < 32; i++) x[i] = dv.getBigInt64(frame + UC_MCONTEXT + i * 8, true);
  const f = k.hart.f;
  for (let i = 0; i < 32; i++) f[i] = dv.getBigInt64(frame + FP_STATE + i * 8, true);
  const fcsr = dv.getUint32(frame + FCSR, true);
  k.hart.fcsr[0] = fcsr & 0x1f;
  k.hart.fcsr[1] = (fcsr >>> 5) & 7;
  // restore_altstack: ignored (as in Linux) while still running on the alternate stack.
  const ssSp = dv.getBigUint64(frame + UC_STACK, true);
  const ssFlags = dv.getInt32(frame + UC_STACK + 8, true);
  const ssSize = dv.getBigUint64(frame + UC_STACK + 16, true);
  if (!st.onAltStack(x[2])) {
    if (ssFlags & SS_DISABLE) { st.altSp = 0n; st.altSize = 0n; } else if (ssSize >= BigInt(MINSIGSTKSZ)) { st.altSp = ssSp; st.altSize = ssSize; }
    st.altAutodisarm = (ssFlags & SS_AUTODISARM) !== 0;
  }
  // The run loop adds 4 after every ecall.
  k.hart.pc = Number(pc) - 4;
  return KEEP_A0;
}

function rtSigaction(k: LinuxKernel, a: Args): number {
  const sig = int(a[0]);
  if (size(a[3]) !== 8) fail(EINVAL);
  if (sig < 1 || sig > NSIG) fail(EINVAL);
  const st = k.signals;
  let next: SigAction | undefined;
  if (a[1] !== 0n) {
    if (sig === SIGKILL || sig === SIGSTOP) fail(EINVAL);
    next = {
      handler: k.readU64(a[1]),
      flags: Number(k.readU64(a[1] + 8n) & 0xffffffffn),
      mask: k.readU64(a[1] + 16n) & ~UNBLOCKABLE,
    };
  }
  if (a[2] !== 0n) {
    const cur = st.actions[sig];
    k.check(a[2], 24, PROT_W);
    k.writeU64(a[2], cur.handler);
    k.writeU64(a[2] + 8n, BigInt(cur.flags >>> 0));
    k.writeU64(a[2] + 16n, cur.mask);
  }
  if (next) {
    st.actions[sig] = next;
    if (ignored(st, sig)) {
      // Linux discards the signal wherever it is pending.
      for (const s of [st.shared, ...k.sched.threads.map((t) => t.signals)]) { s.pending &= ~bit(sig); s.info.delete(sig); }
    }
  }
  return 0;
}

function rtSigprocmask(k: LinuxKernel, a: Args): number {
  const how = int(a[0]);
  if (size(a[3]) !== 8) fail(EINVAL);
  const st = k.signals;
  let set: bigint | undefined;
  if (a[1] !== 0n) {
    set = k.readU64(a[1]);
    if (how !== SIG_BLOCK && how !== SIG_UNBLOCK && how !== SIG_SETMASK) fail(EINVAL);
  }
  if (a[2] !== 0n) k.writeU64(a[2], st.blocked);
  if (set !== undefined) {
    if (how === SIG_BLOCK) st.blocked |= set;
    else if (how === SIG_UNBLOCK) st.blocked &= ~set;
    else st.blocked = set;
    st.blocked &= ~UNBLOCKABLE;
  }
  return 0;
}

function rtSigpending(k: LinuxKernel, a: Args): number {
  if (size(a[1]) > 8) fail(EINVAL);
  k.writeU64(a[0], k.signals.allPending() & k.signals.blocked);
  return 0;
}

function rtSigsuspend(k: LinuxKernel, a: Args): number {
  if (size(a[1]) !== 8) fail(EINVAL);
  const mask = k.readU64(a[0]) & ~UNBLOCKABLE;
  const st = k.signals;
  const old = st.blocked;
  if (st.allPending() & ~mask) {
    st.suspendSaved = old;
    st.blocked = mask;
    fail(EINTR);
  }
  if (k.mayBlock()) {
    // Wait with the temporary mask until a signal it lets through arrives; the frame built for
    // that signal saves the old mask, which rt_sigreturn then restores.
    st.suspendSaved = old;
    st.blocked = mask;
    k.blockOn({ what: 'rt_sigsuspend' });
  }
  k.warnOnce('sigsuspend', 'univm: warning: rt_sigsuspend with no deliverable signal would wait forever (single-threaded guest); returning -EINTR');
  fail(EINTR);
}

function rtSigtimedwait(k: LinuxKernel, a: Args): number {
  if (size(a[3]) !== 8) fail(EINVAL);
  const set = k.readU64(a[0]);
  const st = k.signals;
  const hit = st.takeFrom(set);
  if (hit) {
    const { sig } = hit;
    const info = hit.info ?? { code: SI_USER, pid: k.pid, uid: k.ids.uid };
    if (a[1] !== 0n) {
      const out = k.bytesOut(a[1], 128);
      out.fill(0);
      const dv = new DataView(out.buffer, out.byteOffset, 128);
      dv.setInt32(0, sig, true);
      dv.setInt32(8, info.code, true);
      dv.setInt32(16, info.pid, true);
      dv.setUint32(20, info.uid, true);
    }
    return sig;
  }
  let timeoutNs: bigint | undefined;
  if (a[2] !== 0n) {
    const sec = k.readI64(a[2]), nsec = k.readI64(a[2] + 8n);
    if (sec < 0n || nsec < 0n || nsec >= 1_000_000_000n) fail(EINVAL);
    timeoutNs = sec * 1_000_000_000n + nsec;
  }
  if (k.mayBlock() && timeoutNs !== 0n) {
    // Another thread may send one of the signals: wait, then take it by running the call again.
    k.blockOn({
      what: 'rt_sigtimedwait',
      ready: () => (st.allPending() & set) !== 0n,
      deadline: timeoutNs === undefined ? undefined : k.host.monotonicNs() + timeoutNs,
      timeout: () => BigInt(-EAGAIN),
    });
  }
  if (timeoutNs !== undefined) {
    k.host.sleepNs(timeoutNs);
    fail(EAGAIN);
  }
  k.warnOnce('sigtimedwait', 'univm: warning: rt_sigtimedwait with no pending signal and no timeout would wait forever (single-threaded guest); returning -EINTR');
  fail(EINTR);
}

function sigaltstack(k: LinuxKernel, a: Args): number {
  const st = k.signals;
  const sp = k.hart.x[2];
  let next: { sp: bigint; flags: number; size: bigint } | undefined;
  if (a[0] !== 0n) {
    next = { sp: k.readU64(a[0]), flags: k.readI32(a[0] + 8n), size: k.readU64(a[0] + 16n) };
  }
  if (a[1] !== 0n) {
    k.check(a[1], 24, PROT_W);
    k.writeU64(a[1], st.altSp);
    const flags = (st.onAltStack(sp) ? SS_ONSTACK : st.altSize === 0n ? SS_DISABLE : 0) | (st.altAutodisarm ? SS_AUTODISARM : 0);
    k.writeI32(a[1] + 8n, flags);
    k.writeU64(a[1] + 16n, st.altSize);
  }
  if (next) {
    if (st.onAltStack(sp)) fail(EPERM);
    const mode = next.flags & ~SS_AUTODISARM;
    if (mode !== 0 && mode !== SS_ONSTACK && mode !== SS_DISABLE) fail(EINVAL);
    if (mode === SS_DISABLE) {
      st.altSp = 0n; st.altSize = 0n; st.altAutodisarm = false;
    } else {
      if (next.size < BigInt(MINSIGSTKSZ)) fail(ENOMEM);
      st.altSp = next.sp; st.altSize = next.size; st.altAutodisarm = (next.flags & SS_AUTODISARM) !== 0;
    }
  }
  return 0;
}

function checkSig(sig: number): void {
  if (sig < 0 || sig > NSIG) fail(EINVAL);
}

function kill(k: LinuxKernel, a: Args): number {
  const pid = int(a[0]), sig = int(a[1]);
  checkSig(sig);
  // Our own pid, process group, everything we may signal, or (as Linux allows) one of our tids.
  if (pid !== 0 && pid !== -1 && pid !== k.pid && pid !== -k.pid && !k.sched.find(pid)) fail(ESRCH);
  if (sig !== 0) raise(k, sig, SI_USER);
  return 0;
}

/** The live thread `tid` of this process, or ESRCH. */
function thread(k: LinuxKernel, tid: number): Thread {
  const t = k.sched.find(tid);
  if (!t) fail(ESRCH);
  return t;
}

function tgkill(k: LinuxKernel, a: Args): number {
  const tgid = int(a[0]), tid = int(a[1]), sig = int(a[2]);
  checkSig(sig);
  if (tgid <= 0 || tid <= 0) fail(EINVAL);
  if (tgid !== k.pid) fail(ESRCH);
  const t = thread(k, tid);
  if (sig !== 0) raise(k, sig, SI_TKILL, t);
  return 0;
}

function tkill(k: LinuxKernel, a: Args): number {
  const tid = int(a[0]), sig = int(a[1]);
  checkSig(sig);
  if (tid <= 0) fail(EINVAL);
  const t = thread(k, tid);
  if (sig !== 0) raise(k, sig, SI_TKILL, t);
  return 0;
}

export const signalSyscalls: SyscallDef[] = [
  { nr: 129, name: 'kill', fmt: 'dS', fn: kill },
  { nr: 130, name: 'tkill', fmt: 'dS', fn: tkill },
  { nr: 131, name: 'tgkill', fmt: 'ddS', fn: tgkill },
  { nr: 132, name: 'sigaltstack', fmt: 'pp', fn: sigaltstack },
  { nr: 133, name: 'rt_sigsuspend', fmt: 'pu', fn: rtSigsuspend },
  { nr: 134, name: 'rt_sigaction', fmt: 'Sppu', fn: rtSigaction },
  { nr: 135, name: 'rt_sigprocmask', fmt: 'dppu', fn: rtSigprocmask },
  { nr: 136, name: 'rt_sigpending', fmt: 'pu', fn: rtSigpending },
  { nr: 137, name: 'rt_sigtimedwait', fmt: 'pppu', fn: rtSigtimedwait },
  { nr: 139, name: 'rt_sigreturn', fmt: '', fn: rtSigreturn },
];
