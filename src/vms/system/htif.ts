/**
 * HTIF, the host-target interface of Spike (and QEMU's spike machine): the guest writes a
 * command to the 64-bit word `tohost`, the host answers in `fromhost` and clears `tohost`.
 *   bits 63..56 device, 55..48 command, 47..0 payload
 *   device 0 (system calls): payload odd   = exit with status payload >> 1
 *                            payload even  = address of eight 64-bit words: a system call
 *                            number and arguments; SYS_write (64) to fd 1 or 2 prints
 *   device 1 (console):      command 1 = putchar(payload & 0xff)
 * univm's virt machine has it when the booted ELF defines `tohost`; the page holding tohost
 * is watched (system-memory.ts), so a write is served at once.
 */
import type { SystemMemory } from '../../machine/priv/system-memory.js';

const SYS_WRITE = 64;

export interface HtifHost {
  output(bytes: Uint8Array): void;
  exit(status: number): void;
}

export class Htif {
  readonly fromhost: number;

  constructor(private readonly mem: SystemMemory, readonly tohost: number, fromhost: number | undefined, private readonly host: HtifHost) {
    this.fromhost = fromhost ?? tohost + 8;
  }

  /** Serves a command left in tohost, if any. */
  poll(): void {
    const cmd = this.mem.readPhysical64(this.tohost);
    if (cmd === undefined || cmd === 0n) return;
    const device = Number(BigInt.asUintN(64, cmd) >> 56n), command = Number((cmd >> 48n) & 0xffn);
    const payload = cmd & 0xffffffffffffn;
    let reply = 0n;
    if (device === 0 && command === 0) {
      if (payload & 1n) {
        this.mem.writePhysical64(this.tohost, 0n);
        this.host.exit(Number((payload >> 1n) & 0xffffffffn));
        return;
      }
      reply = this.syscall(Number(payload));
    } else if (device === 1 && command === 1) {
      this.host.output(Uint8Array.of(Number(payload & 0xffn)));
      reply = 0x100n | (payload & 0xffn);
    }
    this.mem.writePhysical64(this.tohost, 0n);
    this.mem.writePhysical64(this.fromhost, (BigInt.asUintN(64, cmd) >> 48n << 48n) | (reply & 0xffffn));
  }

  /** The system-call proxy: the guest's magic_mem words are [number, a0, a1, a2, ...]; the result goes to word 0. */
  private syscall(addr: number): bigint {
    const words = this.mem.readPhysical(addr, 64);
    if (!words) return 0n;
    const dv = new DataView(words.buffer);
    const n = dv.getBigUint64(0, true), fd = dv.getBigUint64(8, true), buf = Number(dv.getBigUint64(16, true)), len = Number(dv.getBigUint64(24, true));
    let result = -38n; // ENOSYS
    if (n === BigInt(SYS_WRITE) && (fd === 1n || fd === 2n)) {
      const bytes = len <= 1 << 20 ? this.mem.readPhysical(buf, len) : undefined;
      if (bytes) {
        this.host.output(bytes);
        result = BigInt(len);
      } else {
        result = -14n; // EFAULT
      }
    }
    this.mem.writePhysical64(addr, result);
    return 1n;
  }
}
