/**
 * `univm system`: bad input gets one line naming the file or option and the problem (exit
 * status 2), and a guest that cannot make progress stops with a report instead of hanging.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { encI } from '../../src/isa/riscv/encoding.js';
import { expectOneLineError as expectError } from '../support/errors.js';
import { REPO, univm } from '../support/repo.js';

const dir = mkdtempSync(path.join(tmpdir(), 'univm-system-errors-'));
const bare = path.join(REPO, 'guests', 'system', 'bin', 'htif_hello');

function file(name: string, bytes: Uint8Array): string {
  const f = path.join(dir, name);
  writeFileSync(f, bytes);
  return f;
}


const expectOneLineError = (args: string[], pattern: RegExp) => expectError(['system', ...args], pattern, dir);

describe('univm system: errors are part of the interface', () => {
  it('missing firmware', () => expectOneLineError(['-bios', path.join(dir, 'nope.bin')], /-bios .*nope\.bin: No such file or directory/));
  it('missing kernel', () => expectOneLineError(['-bios', 'none', '-kernel', 'gone.elf'], /-kernel gone\.elf: No such file or directory/));
  it('an image larger than RAM', () =>
    expectOneLineError(['-m', '1M', '-bios', file('big.bin', new Uint8Array(2 << 20))], /-bios .*big\.bin \(2097152 bytes at 0x80000000\) does not fit in RAM \(0x80000000-0x800fffff\)/));
  it('overlapping firmware and kernel', () => {
    const elf = readFileSync(bare); // linked at 0x80000000, where the firmware goes too
    return expectOneLineError(['-bios', file('fw.bin', new Uint8Array(4096)), '-kernel', file('k.elf', elf)], /overlaps/);
  });
  it('an ELF for another machine', () => {
    const elf = Buffer.from(readFileSync(bare));
    elf.writeUInt16LE(62, 18);
    return expectOneLineError([file('x86.elf', elf)], /x86\.elf: ELF for another machine \(e_machine 62, x86-64\)/);
  });
  it('more harts than univm has', () => expectOneLineError(['-smp', '4', bare], /-smp 4: univm has one hart/));
  it('another machine type', () => expectOneLineError(['-M', 'sifive_u', bare], /machine 'sifive_u' is not available/));
  it('an unknown option', () => expectOneLineError(['--frobnicate', bare], /unknown option '--frobnicate'/));
  it('nothing to boot', () => expectOneLineError(['-bios', 'none'], /nothing to boot/));
  it('a bad RAM size', () => expectOneLineError(['-m', 'lots', bare], /invalid RAM size for -m 'lots'/));

  it('a guest stuck trapping at the same pc stops with a report', async () => {
    // Bare metal at 0x80000000: mtvec = 0 and a load from an address with nothing there. The
    // access fault enters the handler at 0, which cannot be fetched: the same fault forever.
    const code = [encI(0x03, 3, 10, 0, 0)]; // ld a0, 0(x0)
    const bin = new Uint8Array(code.length * 4);
    code.forEach((w, k) => new DataView(bin.buffer).setInt32(4 * k, w, true));
    const r = await univm(['system', '-bios', 'none', '-kernel', file('stuck.bin', bin)], { cwd: dir, timeoutMs: 60_000 });
    const err = r.stderr.toString();
    assert.equal(r.status, 1, err);
    assert.match(err, /^univm: the guest is stuck: 1000 instruction access fault traps in a row at pc 0x0 \(M-mode, tval 0x0\)/);
    assert.match(err, /M-mode pc 0x80000000: exception 5 \(load access fault\), tval 0x0/, 'the first trap is in the report');
    assert.doesNotMatch(err, /\n\s+at /, 'no stack trace');
  });
});
