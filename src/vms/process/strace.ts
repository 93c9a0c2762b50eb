import { PROT_R } from '../../machine/memory.js';
import { AT_FDCWD, SIGNAL_NAMES } from './abi.js';
import { errnoMessage } from './errno.js';
import type { LinuxKernel } from './kernel.js';
import type { Args, SyscallDef } from './syscalls/types.js';

/** -strace lines in the style of qemu-user: `name(arg,arg,...) = result`. */

const OPEN_FLAGS: [number, string][] = [
  [0o100, 'O_CREAT'], [0o200, 'O_EXCL'], [0o400, 'O_NOCTTY'], [0o1000, 'O_TRUNC'], [0o2000, 'O_APPEND'],
  [0o4000, 'O_NONBLOCK'], [0o4010000, 'O_SYNC'], [0o10000, 'O_DSYNC'], [0o20000, 'O_ASYNC'], [0o40000, 'O_DIRECT'],
  [0o100000, 'O_LARGEFILE'], [0o200000, 'O_DIRECTORY'], [0o400000, 'O_NOFOLLOW'], [0o1000000, 'O_NOATIME'],
  [0o2000000, 'O_CLOEXEC'], [0o10000000, 'O_PATH'],
];
const MMAP_FLAGS: [number, string][] = [
  [0x10, 'MAP_FIXED'], [0x20, 'MAP_ANONYMOUS'], [0x100, 'MAP_GROWSDOWN'], [0x800, 'MAP_DENYWRITE'],
  [0x1000, 'MAP_EXECUTABLE'], [0x2000, 'MAP_LOCKED'], [0x4000, 'MAP_NORESERVE'], [0x8000, 'MAP_POPULATE'],
  [0x10000, 'MAP_NONBLOCK'], [0x20000, 'MAP_STACK'], [0x40000, 'MAP_HUGETLB'], [0x100000, 'MAP_FIXED_NOREPLACE'],
];

const IOCTL_NAMES: Record<number, string> = {
  0x5401: 'TCGETS', 0x5402: 'TCSETS', 0x5403: 'TCSETSW', 0x5404: 'TCSETSF', 0x540e: 'TIOCSCTTY',
  0x540f: 'TIOCGPGRP', 0x5410: 'TIOCSPGRP', 0x5413: 'TIOCGWINSZ', 0x5414: 'TIOCSWINSZ',
  0x541b: 'FIONREAD', 0x5421: 'FIONBIO', 0x5450: 'FIONCLEX', 0x5451: 'FIOCLEX',
};

function flagList(v: number, table: [number, string][], first: string[]): string {
  const parts = [...first];
  let rest = v;
  for (const [bit, name] of table) {
    if ((v & bit) === bit && bit !== 0) { parts.push(name); rest &= ~bit; }
  }
  if (rest) parts.push(`0x${(rest >>> 0).toString(16)}`);
  return parts.join('|');
}

function hex(v: bigint): string {
  return `0x${BigInt.asUintN(64, v).toString(16)}`;
}

function quoted(k: LinuxKernel, p: bigint): string {
  if (p === 0n) return 'NULL';
  const a = k.addr(p);
  if (a < 0 || !k.mem.accessible(a, 1, PROT_R)) return hex(p);
  let end = a;
  const max = Math.min(k.mem.size, a + 4096);
  while (end < max && k.mem.u8[end] !== 0 && k.mem.accessible(end, 1, PROT_R)) end++;
  const s = new TextDecoder().decode(k.mem.u8.subarray(a, end));
  return JSON.stringify(s);
}

function formatArg(k: LinuxKernel, c: string, v: bigint): string {
  const i32 = Number(BigInt.asIntN(32, v));
  switch (c) {
    case 'd': return String(i32);
    case 'D': return BigInt.asIntN(64, v).toString();
    case 'u': return BigInt.asUintN(64, v).toString();
    case 'x': return v === 0n ? '0' : hex(v);
    case 'I': return IOCTL_NAMES[Number(BigInt.asUintN(32, v))] ?? hex(v);
    case 'p': return v === 0n ? 'NULL' : hex(v);
    case 's': return quoted(k, v);
    case 'f': return i32 === AT_FDCWD ? 'AT_FDCWD' : String(i32);
    case 'o': {
      const acc = ['O_RDONLY', 'O_WRONLY', 'O_RDWR', '3'][i32 & 3];
      return flagList(i32 & ~3, OPEN_FLAGS, [acc]);
    }
    case 'O': return `0${(i32 >>> 0).toString(8)}`;
    case 'P': {
      if ((i32 & 7) === 0) return 'PROT_NONE';
      const parts: string[] = [];
      if (i32 & 1) parts.push('PROT_READ');
      if (i32 & 2) parts.push('PROT_WRITE');
      if (i32 & 4) parts.push('PROT_EXEC');
      if (i32 & ~7) parts.push(`0x${(i32 & ~7 >>> 0).toString(16)}`);
      return parts.join('|');
    }
    case 'M': {
      const type = ['0', 'MAP_SHARED', 'MAP_PRIVATE', 'MAP_SHARED_VALIDATE'][i32 & 3] ?? String(i32 & 0xf);
      return flagList(i32 & ~0xf, MMAP_FLAGS, [type]);
    }
    case 'S': return SIGNAL_NAMES[i32] ?? String(i32);
    default: return hex(v);
  }
}

/** `name(args) = result`; `result` undefined for calls that do not return (exit). */
export function formatStrace(k: LinuxKernel, def: SyscallDef, a: Args, result: bigint | undefined): string {
  let fmt = def.fmt ?? 'xxxxxx';
  // Like qemu: the mode of open is shown only when the flags create a file.
  const o = fmt.indexOf('o');
  if (o >= 0 && fmt[o + 1] === 'O' && !(Number(BigInt.asIntN(32, a[o])) & 0o20000100)) fmt = fmt.slice(0, o + 1) + fmt.slice(o + 2);
  const args = [...fmt].map((c, i) => formatArg(k, c, a[i])).join(',');
  const call = `${def.name}(${args})`;
  if (result === undefined) return call;
  if (result < 0n && result >= -4095n) {
    const e = Number(-result);
    return `${call} = -1 errno=${e} (${errnoMessage(e)})`;
  }
  if (def.ret === 'x') return `${call} = 0x${BigInt.asUintN(64, result).toString(16).padStart(16, '0')}`;
  return `${call} = ${result}`;
}

/** The line qemu prints when a signal is delivered to a handler. */
export function formatSignalDelivery(sig: number, code: string, details: string): string {
  const name = SIGNAL_NAMES[sig] ?? String(sig);
  return `--- ${name} {si_signo=${name}, si_code=${code}${details ? ', ' + details : ''}} ---`;
}
