/**
 * SiFive test finisher (sifive,test0 / sifive,test1), as on QEMU's virt machine at 0x100000:
 * one 32-bit register at offset 0. A write's low 16 bits select the request, its high 16 bits
 * carry an exit code:
 *
 *   0x5555               pass: power off, exit status 0 (the DT's syscon-poweroff value)
 *   0x3333 | code << 16  fail: power off, exit status `code` (0 included, as on QEMU)
 *   0x7777               reset the machine (the DT's syscon-reboot value)
 *
 * Other values are ignored; reads return 0. 16- and 32-bit accesses are accepted (QEMU's
 * limits); a 16-bit write carries no code. The device has no state: it reports each request
 * to the platform, which stops or resets the VM.
 */
import { MmioDevice } from './bus.js';

export const TEST_FAIL = 0x3333;
export const TEST_PASS = 0x5555;
export const TEST_RESET = 0x7777;

export type TestRequest =
  | { kind: 'pass' }
  | { kind: 'fail'; code: number }
  | { kind: 'reset' };

/** The exit status a request ends the VM with (undefined for a reset). */
export function testExitStatus(req: TestRequest): number | undefined {
  return req.kind === 'pass' ? 0 : req.kind === 'fail' ? req.code : undefined;
}

export class SifiveTest implements MmioDevice {
  readonly name: string;
  readonly size = 0x1000;
  readonly accessSizes = 2 | 4;

  constructor(private readonly onRequest: (req: TestRequest) => void, name = 'test') {
    this.name = name;
  }

  read(): bigint { return 0n; }

  write(offset: number, _size: 1 | 2 | 4 | 8, value: bigint): void {
    if (offset !== 0) return;
    const v = Number(value & 0xffffffffn);
    switch (v & 0xffff) {
      case TEST_PASS: this.onRequest({ kind: 'pass' }); break;
      case TEST_FAIL: this.onRequest({ kind: 'fail', code: v >>> 16 }); break;
      case TEST_RESET: this.onRequest({ kind: 'reset' }); break;
      default: break;
    }
  }

  saveState(): Record<string, never> { return {}; }
  loadState(_s: Record<string, never>): void {}
}
