import { PAGE_SIZE, PROT_R, PROT_W } from '../../../machine/memory.js';
import {
  RLIMIT_CORE, RLIMIT_MEMLOCK, RLIMIT_MSGQUEUE, RLIMIT_NICE, RLIMIT_NOFILE, RLIMIT_NPROC,
  RLIMIT_RTPRIO, RLIMIT_SIGPENDING, RLIMIT_STACK, RLIM_INFINITY, RLIM_NLIMITS,
} from '../abi.js';
import { EINVAL, ENOSYS, EPERM, ESRCH, fail } from '../errno.js';
import { int, size, uint, type LinuxKernel } from '../kernel.js';
import { writeTimeval } from '../structs.js';
import { ExitRequest, type Args, type SyscallDef } from './types.js';
import { freePages } from './vfs.js';

/** Process identity, limits, system information and exit_group (threads and futexes: threads.ts). */

const MiB = 1n << 20n;

export function defaultRlimits(): [bigint, bigint][] {
  const r: [bigint, bigint][] = Array.from({ length: RLIM_NLIMITS }, () => [RLIM_INFINITY, RLIM_INFINITY] as [bigint, bigint]);
  r[RLIMIT_STACK] = [8n * MiB, RLIM_INFINITY];
  r[RLIMIT_CORE] = [0n, RLIM_INFINITY];
  r[RLIMIT_NPROC] = [63_704n, 63_704n];
  r[RLIMIT_NOFILE] = [1024n, 4096n];
  r[RLIMIT_MEMLOCK] = [8n * MiB, 8n * MiB];
  r[RLIMIT_SIGPENDING] = [63_704n, 63_704n];
  r[RLIMIT_MSGQUEUE] = [819_200n, 819_200n];
  r[RLIMIT_NICE] = [0n, 0n];
  r[RLIMIT_RTPRIO] = [0n, 0n];
  return r;
}

function exitGroup(_k: LinuxKernel, a: Args): ExitRequest {
  return new ExitRequest(int(a[0]) & 0xff);
}

function uname(k: LinuxKernel, a: Args): number {
  const out = k.bytesOut(a[0], 390);
  out.fill(0);
  const enc = new TextEncoder();
  const fields = ['Linux', k.host.hostname() || 'univm', '6.1.0-univm', '#1 SMP PREEMPT univm', 'riscv64', '(none)'];
  fields.forEach((s, i) => out.set(enc.encode(s).subarray(0, 64), i * 65));
  return 0;
}

function prlimitCore(k: LinuxKernel, resource: number, newp: bigint, oldp: bigint): number {
  if (resource < 0 || resource >= RLIM_NLIMITS) fail(EINVAL);
  let next: [bigint, bigint] | undefined;
  if (newp !== 0n) {
    next = [k.readU64(newp), k.readU64(newp + 8n)];
    if (next[0] > next[1]) fail(EINVAL);
    if (next[1] > k.rlimits[resource][1]) fail(EPERM);
  }
  if (oldp !== 0n) {
    k.check(oldp, 16, PROT_W);
    k.writeU64(oldp, k.rlimits[resource][0]);
    k.writeU64(oldp + 8n, k.rlimits[resource][1]);
  }
  if (next) {
    k.rlimits[resource] = next;
    if (resource === RLIMIT_NOFILE) k.fds.limit = Number(next[0] > 65536n ? 65536n : next[0]);
  }
  return 0;
}

function prlimit64(k: LinuxKernel, a: Args): number {
  const pid = int(a[0]);
  if (pid !== 0 && pid !== k.pid) fail(ESRCH);
  return prlimitCore(k, int(a[1]), a[2], a[3]);
}

function sysinfo(k: LinuxKernel, a: Args): number {
  const out = k.bytesOut(a[0], 112);
  out.fill(0);
  const dv = new DataView(out.buffer, out.byteOffset, 112);
  dv.setBigInt64(0, BigInt(Math.floor(k.host.uptimeSeconds())), true);
  k.host.loadAverage().forEach((l, i) => dv.setBigUint64(8 + i * 8, BigInt(Math.round(l * 65536)), true));
  dv.setBigUint64(32, BigInt(k.mem.size), true); // totalram: the guest's memory
  dv.setBigUint64(40, BigInt(freePages(k) * PAGE_SIZE), true);
  dv.setUint16(80, 1, true); // procs
  dv.setUint32(104, 1, true); // mem_unit
  return 0;
}

function getrusage(k: LinuxKernel, a: Args): number {
  const who = int(a[0]);
  if (who !== 0 && who !== -1 && who !== 1) fail(EINVAL);
  const out = k.bytesOut(a[1], 144);
  out.fill(0);
  if (who === -1) return 0; // RUSAGE_CHILDREN: there are none
  const dv = new DataView(out.buffer, out.byteOffset, 144);
  const t = k.host.cpuTimeNs();
  writeTimeval(dv, 0, t.user);
  writeTimeval(dv, 16, t.system);
  dv.setBigInt64(32, BigInt(Math.round(k.host.maxRssKiB?.() ?? 0)), true);
  return 0;
}

const TICKS_PER_SEC = 100n;

function times(k: LinuxKernel, a: Args): bigint {
  if (a[0] !== 0n) {
    const t = k.host.cpuTimeNs();
    const out = k.check(a[0], 32, PROT_W);
    const dv = k.mem.dv;
    dv.setBigInt64(out, t.user * TICKS_PER_SEC / 1_000_000_000n, true);
    dv.setBigInt64(out + 8, t.system * TICKS_PER_SEC / 1_000_000_000n, true);
    dv.setBigInt64(out + 16, 0n, true);
    dv.setBigInt64(out + 24, 0n, true);
  }
  return k.host.monotonicNs() * TICKS_PER_SEC / 1_000_000_000n;
}

function getrandom(k: LinuxKernel, a: Args): number {
  const flags = uint(a[2]);
  if (flags & ~7) fail(EINVAL);
  const len = Math.min(size(a[1]), 33_554_431);
  if (len === 0) return 0;
  const out = k.span(a[0], len, PROT_W);
  k.host.randomFill(out);
  return out.length;
}

/** One CPU: programs size their thread pools from this (threads share one host thread). */
function schedGetaffinity(k: LinuxKernel, a: Args): number {
  const pid = int(a[0]);
  if (pid !== 0 && pid !== k.pid) fail(ESRCH);
  const len = size(a[1]);
  if (len < 8 || len % 8 !== 0) fail(EINVAL);
  const out = k.bytesOut(a[2], 8);
  out.fill(0);
  out[0] = 1;
  return 8;
}

const PR_SET_PDEATHSIG = 1, PR_GET_PDEATHSIG = 2, PR_GET_DUMPABLE = 3, PR_SET_DUMPABLE = 4;
const PR_SET_NAME = 15, PR_GET_NAME = 16, PR_GET_SECCOMP = 21, PR_CAPBSET_READ = 23;
const PR_SET_TIMERSLACK = 29, PR_GET_TIMERSLACK = 30, PR_SET_NO_NEW_PRIVS = 38, PR_GET_NO_NEW_PRIVS = 39;
const PR_SET_THP_DISABLE = 41, PR_GET_THP_DISABLE = 42, PR_SET_VMA = 0x53564d41;

function prctl(k: LinuxKernel, a: Args): number {
  switch (int(a[0])) {
    case PR_SET_NAME: {
      const name = k.readString(a[1], 4096);
      k.comm = new TextDecoder().decode(new TextEncoder().encode(name).subarray(0, 15));
      return 0;
    }
    case PR_GET_NAME: {
      const out = k.bytesOut(a[1], 16);
      out.fill(0);
      out.set(new TextEncoder().encode(k.comm).subarray(0, 15));
      return 0;
    }
    case PR_SET_PDEATHSIG: return 0;
    case PR_GET_PDEATHSIG: k.writeI32(a[1], 0); return 0;
    case PR_GET_DUMPABLE: return 1;
    case PR_SET_DUMPABLE: return 0;
    case PR_GET_SECCOMP: return 0;
    case PR_CAPBSET_READ: return 0;
    case PR_SET_TIMERSLACK: return 0;
    case PR_GET_TIMERSLACK: return 50_000;
    case PR_SET_NO_NEW_PRIVS: return 0;
    case PR_GET_NO_NEW_PRIVS: return 0;
    case PR_SET_THP_DISABLE: return 0;
    case PR_GET_THP_DISABLE: return 0;
    case PR_SET_VMA: return 0;
    default: fail(EINVAL);
  }
}

/** riscv_hwprobe: an RV64IMAFDC hart. Unknown keys get key -1, as the kernel does. */
function riscvHwprobe(k: LinuxKernel, a: Args): number {
  if (uint(a[4]) !== 0) fail(EINVAL);
  const count = size(a[1]);
  if (count > 1 << 16) fail(EINVAL);
  const base = k.check(a[0], count * 16, PROT_R | PROT_W);
  const dv = k.mem.dv;
  for (let i = 0; i < count; i++) {
    const at = base + i * 16;
    const key = dv.getBigInt64(at, true);
    let value: bigint | undefined;
    switch (key) {
      case 0n: case 1n: case 2n: value = 0n; break; // mvendorid, marchid, mimpid
      case 3n: value = 1n; break; // BASE_BEHAVIOR_IMA
      case 4n: value = 1n | 2n; break; // IMA_EXT_0: FD, C
      case 5n: value = 2n; break; // CPUPERF_0: misaligned accesses work but are slow
      case 6n: value = 0n; break; // ZICBOZ_BLOCK_SIZE (no Zicboz)
      case 7n: value = BigInt(k.mem.size - 1); break; // HIGHEST_VIRT_ADDRESS
      default: value = undefined;
    }
    if (value === undefined) { dv.setBigInt64(at, -1n, true); dv.setBigUint64(at + 8, 0n, true); }
    else dv.setBigUint64(at + 8, value, true);
  }
  return 0;
}

function getresid(k: LinuxKernel, a: Args, id: number): number {
  for (let i = 0; i < 3; i++) k.writeU32(a[i], id);
  return 0;
}

/** set*id: allowed only when it changes nothing (the guest has the host user's identity). */
function setid(ok: number, ...ids: bigint[]): number {
  for (const v of ids) {
    const n = int(v);
    if (n !== -1 && n !== ok) fail(EPERM);
  }
  return 0;
}

function getgroups(k: LinuxKernel, a: Args): number {
  const n = int(a[0]);
  if (n < 0) fail(EINVAL);
  if (n === 0) return 1;
  k.writeU32(a[1], k.ids.gid);
  return 1;
}

function getcpu(k: LinuxKernel, a: Args): number {
  if (a[0] !== 0n) k.writeU32(a[0], 0);
  if (a[1] !== 0n) k.writeU32(a[1], 0);
  return 0;
}

function samePid(k: LinuxKernel, v: bigint): void {
  const pid = int(v);
  if (pid !== 0 && pid !== k.pid) fail(ESRCH);
}

export const processSyscalls: SyscallDef[] = [
  { nr: 94, name: 'exit_group', fmt: 'd', fn: exitGroup },
  { nr: 92, name: 'personality', fmt: 'x', fn: (k, a) => { const old = k.personality; if (uint(a[0]) !== 0xffffffff) k.personality = uint(a[0]); return old; } },
  { nr: 118, name: 'sched_setparam', fmt: 'dp', fn: (k, a) => { samePid(k, a[0]); return 0; } },
  { nr: 119, name: 'sched_setscheduler', fmt: 'ddp', fn: (k, a) => { samePid(k, a[0]); if (int(a[1]) !== 0) fail(EPERM); return 0; } },
  { nr: 120, name: 'sched_getscheduler', fmt: 'd', fn: (k, a) => { samePid(k, a[0]); return 0; } },
  { nr: 121, name: 'sched_getparam', fmt: 'dp', fn: (k, a) => { samePid(k, a[0]); k.writeI32(a[1], 0); return 0; } },
  { nr: 122, name: 'sched_setaffinity', fmt: 'dup', fn: (k, a) => { samePid(k, a[0]); k.bytesIn(a[2], Math.min(size(a[1]), 128)); return 0; } },
  { nr: 123, name: 'sched_getaffinity', fmt: 'dup', fn: schedGetaffinity },
  { nr: 125, name: 'sched_get_priority_max', fmt: 'd', fn: (_k, a) => { const p = int(a[0]); if (p === 1 || p === 2) return 99; if (p === 0 || p === 3 || p === 5) return 0; fail(EINVAL); } },
  { nr: 126, name: 'sched_get_priority_min', fmt: 'd', fn: (_k, a) => { const p = int(a[0]); if (p === 1 || p === 2) return 1; if (p === 0 || p === 3 || p === 5) return 0; fail(EINVAL); } },
  { nr: 140, name: 'setpriority', fmt: 'ddd', fn: () => 0 },
  { nr: 141, name: 'getpriority', fmt: 'dd', fn: () => 20 },
  { nr: 146, name: 'setuid', fmt: 'd', fn: (k, a) => setid(k.ids.uid, a[0]) },
  { nr: 144, name: 'setgid', fmt: 'd', fn: (k, a) => setid(k.ids.gid, a[0]) },
  { nr: 145, name: 'setreuid', fmt: 'dd', fn: (k, a) => setid(k.ids.uid, a[0], a[1]) },
  { nr: 143, name: 'setregid', fmt: 'dd', fn: (k, a) => setid(k.ids.gid, a[0], a[1]) },
  { nr: 147, name: 'setresuid', fmt: 'ddd', fn: (k, a) => setid(k.ids.uid, a[0], a[1], a[2]) },
  { nr: 148, name: 'getresuid', fmt: 'ppp', fn: (k, a) => getresid(k, a, k.ids.uid) },
  { nr: 149, name: 'setresgid', fmt: 'ddd', fn: (k, a) => setid(k.ids.gid, a[0], a[1], a[2]) },
  { nr: 150, name: 'getresgid', fmt: 'ppp', fn: (k, a) => getresid(k, a, k.ids.gid) },
  { nr: 151, name: 'setfsuid', fmt: 'd', fn: (k) => k.ids.uid },
  { nr: 152, name: 'setfsgid', fmt: 'd', fn: (k) => k.ids.gid },
  { nr: 153, name: 'times', fmt: 'p', fn: times },
  { nr: 154, name: 'setpgid', fmt: 'dd', fn: (k, a) => { samePid(k, a[0]); return 0; } },
  { nr: 155, name: 'getpgid', fmt: 'd', fn: (k, a) => { samePid(k, a[0]); return k.pid; } },
  { nr: 156, name: 'getsid', fmt: 'd', fn: (k, a) => { samePid(k, a[0]); return k.pid; } },
  { nr: 157, name: 'setsid', fmt: '', fn: () => fail(EPERM) },
  { nr: 158, name: 'getgroups', fmt: 'dp', fn: getgroups },
  { nr: 159, name: 'setgroups', fmt: 'dp', fn: () => fail(EPERM) },
  { nr: 160, name: 'uname', fmt: 'p', fn: uname },
  { nr: 161, name: 'sethostname', fmt: 'su', fn: () => fail(EPERM) },
  { nr: 162, name: 'setdomainname', fmt: 'su', fn: () => fail(EPERM) },
  { nr: 163, name: 'getrlimit', fmt: 'dp', fn: (k, a) => prlimitCore(k, int(a[0]), 0n, a[1]) },
  { nr: 164, name: 'setrlimit', fmt: 'dp', fn: (k, a) => prlimitCore(k, int(a[0]), a[1], 0n) },
  { nr: 165, name: 'getrusage', fmt: 'dp', fn: getrusage },
  { nr: 167, name: 'prctl', fmt: 'dxxxx', fn: prctl },
  { nr: 168, name: 'getcpu', fmt: 'ppp', fn: getcpu },
  { nr: 172, name: 'getpid', fmt: '', fn: (k) => k.pid },
  { nr: 173, name: 'getppid', fmt: '', fn: (k) => k.ids.ppid },
  { nr: 174, name: 'getuid', fmt: '', fn: (k) => k.ids.uid },
  { nr: 175, name: 'geteuid', fmt: '', fn: (k) => k.ids.uid },
  { nr: 176, name: 'getgid', fmt: '', fn: (k) => k.ids.gid },
  { nr: 177, name: 'getegid', fmt: '', fn: (k) => k.ids.gid },
  { nr: 179, name: 'sysinfo', fmt: 'p', fn: sysinfo },
  { nr: 258, name: 'riscv_hwprobe', fmt: 'puupx', fn: riscvHwprobe },
  { nr: 261, name: 'prlimit64', fmt: 'ddpp', fn: prlimit64 },
  { nr: 278, name: 'getrandom', fmt: 'pux', fn: getrandom },
  // glibc registers restartable sequences at start-up and carries on without them on ENOSYS,
  // which is also what qemu-user answers; no warning for this one.
  { nr: 293, name: 'rseq', fmt: 'puxx', fn: () => fail(ENOSYS) },
];
