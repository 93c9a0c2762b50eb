import { PROT_W } from '../../../machine/memory.js';
import {
  CLOCK_BOOTTIME, CLOCK_BOOTTIME_ALARM, CLOCK_MONOTONIC, CLOCK_MONOTONIC_COARSE, CLOCK_MONOTONIC_RAW,
  CLOCK_PROCESS_CPUTIME_ID, CLOCK_REALTIME, CLOCK_REALTIME_ALARM, CLOCK_REALTIME_COARSE, CLOCK_TAI,
  CLOCK_THREAD_CPUTIME_ID, TIMER_ABSTIME,
} from '../abi.js';
import { EINTR, EINVAL, EPERM, fail } from '../errno.js';
import { int, type LinuxKernel } from '../kernel.js';
import { writeTimespec, writeTimeval } from '../structs.js';
import type { Args, SyscallDef } from './types.js';

/** Clocks and sleeping, on the host's real time. */

const NS = 1_000_000_000n;

/** The current value of a clock in ns, or EINVAL for an unknown clock id. */
export function clockNow(k: LinuxKernel, clk: number): bigint {
  switch (clk) {
    case CLOCK_REALTIME: case CLOCK_REALTIME_COARSE: case CLOCK_REALTIME_ALARM: case CLOCK_TAI:
      return k.host.realtimeNs();
    case CLOCK_MONOTONIC: case CLOCK_MONOTONIC_RAW: case CLOCK_MONOTONIC_COARSE:
    case CLOCK_BOOTTIME: case CLOCK_BOOTTIME_ALARM:
      return k.host.monotonicNs();
    case CLOCK_PROCESS_CPUTIME_ID: case CLOCK_THREAD_CPUTIME_ID: {
      const t = k.host.cpuTimeNs();
      return t.user + t.system;
    }
    default: {
      // Negative ids are the per-process / per-thread CPU clocks of clock_getcpuclockid().
      if (clk < 0 && (clk & 7) !== 7) {
        const t = k.host.cpuTimeNs();
        return t.user + t.system;
      }
      fail(EINVAL);
    }
  }
}

function readTimespec(k: LinuxKernel, at: bigint): bigint {
  const sec = k.readI64(at), nsec = k.readI64(at + 8n);
  if (sec < 0n || nsec < 0n || nsec >= NS) fail(EINVAL);
  return sec * NS + nsec;
}

function clockGettime(k: LinuxKernel, a: Args): number {
  const now = clockNow(k, int(a[0]));
  writeTimespec(k.mem.dv, k.check(a[1], 16, PROT_W), now);
  return 0;
}

function clockGetres(k: LinuxKernel, a: Args): number {
  const clk = int(a[0]);
  clockNow(k, clk);
  if (a[1] !== 0n) {
    const coarse = clk === CLOCK_REALTIME_COARSE || clk === CLOCK_MONOTONIC_COARSE;
    writeTimespec(k.mem.dv, k.check(a[1], 16, PROT_W), coarse ? 4_000_000n : 1n);
  }
  return 0;
}

/**
 * Sleeps `ns`. Alone, the thread sleeps the host; with other threads it blocks until the
 * deadline so that they run meanwhile. A signal ends the sleep early with EINTR, and the time
 * left goes to `rem` (unless 0).
 */
function sleep(k: LinuxKernel, ns: bigint, rem: bigint): number {
  if (ns <= 0n) return 0;
  if (!k.mayBlock()) {
    k.host.sleepNs(ns);
    return 0;
  }
  if (rem !== 0n) k.check(rem, 16, PROT_W);
  const deadline = k.host.monotonicNs() + ns;
  k.blockOn({
    what: 'sleep',
    deadline,
    timeout: () => 0n,
    interrupted: () => {
      if (rem !== 0n) {
        const left = deadline - k.host.monotonicNs();
        try { writeTimespec(k.mem.dv, k.check(rem, 16, PROT_W), left > 0n ? left : 0n); } catch { /* checked above */ }
      }
      return BigInt(-EINTR);
    },
  });
}

function nanosleep(k: LinuxKernel, a: Args): number {
  return sleep(k, readTimespec(k, a[0]), a[1]);
}

function clockNanosleep(k: LinuxKernel, a: Args): number {
  const clk = int(a[0]);
  const flags = int(a[1]);
  if (clk === CLOCK_THREAD_CPUTIME_ID) fail(EINVAL);
  const now = clockNow(k, clk);
  let ns = readTimespec(k, a[2]);
  if (flags & TIMER_ABSTIME) ns -= now;
  return sleep(k, ns, flags & TIMER_ABSTIME ? 0n : a[3]);
}

function gettimeofday(k: LinuxKernel, a: Args): number {
  if (a[0] !== 0n) writeTimeval(k.mem.dv, k.check(a[0], 16, PROT_W), k.host.realtimeNs());
  if (a[1] !== 0n) k.bytesOut(a[1], 8).fill(0); // struct timezone: UTC, no DST
  return 0;
}

export const timeSyscalls: SyscallDef[] = [
  { nr: 101, name: 'nanosleep', fmt: 'pp', fn: nanosleep },
  { nr: 112, name: 'clock_settime', fmt: 'dp', fn: () => fail(EPERM) },
  { nr: 113, name: 'clock_gettime', fmt: 'dp', fn: clockGettime },
  { nr: 114, name: 'clock_getres', fmt: 'dp', fn: clockGetres },
  { nr: 115, name: 'clock_nanosleep', fmt: 'dxpp', fn: clockNanosleep },
  { nr: 169, name: 'gettimeofday', fmt: 'pp', fn: gettimeofday },
  { nr: 170, name: 'settimeofday', fmt: 'pp', fn: () => fail(EPERM) },
];
