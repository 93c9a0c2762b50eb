/**
 * Register-level oracle: the script of mmio-oracle/script.ts run by QEMU 7.2's virt machine
 * (recorded in golden/mmio-oracle.txt) and by univm's devices must agree at every step, except
 * the steps marked `differs` (univm follows the datasheet or spec there; each says why).
 * With UNIVM_LIVE=1 and qemu-system-riscv64 7.2 installed, QEMU is run again; with the RISC-V
 * binutils installed, runner.bin is rebuilt from runner.S and compared.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { LIVE, qemuSystemVersion, which } from '../support/repo.js';
import { GOLDEN_FILE, ORACLE_DIR, readGolden, runOnModel, runOnQemu, steps } from './mmio-oracle/script.js';

const list = steps();
const hex = (v: bigint) => `0x${v.toString(16)}`;

describe('device registers vs QEMU 7.2 (recorded)', () => {
  const qemu = readGolden(GOLDEN_FILE);
  const ours = runOnModel(list);

  it('the golden file was recorded from this script', () => {
    const notes = readFileSync(GOLDEN_FILE, 'utf8').split('\n').filter((l) => l !== '').map((l) => l.slice(17));
    assert.deepEqual(notes, list.map((s) => s.note), 'script changed: re-record with node dist/test/system/mmio-oracle/record.js');
  });

  it('univm gives QEMU\'s value at every step not marked as a difference', () => {
    const bad: string[] = [];
    list.forEach((s, i) => {
      if (s.differs) return;
      if ((ours[i] & s.mask) !== (qemu[i] & s.mask)) bad.push(`step ${i} (${s.note}): univm ${hex(ours[i] & s.mask)}, QEMU ${hex(qemu[i] & s.mask)}`);
    });
    assert.deepEqual(bad, []);
  });

  it('every difference kept on purpose is real, and univm reads the documented value', () => {
    const marked = list.map((s, i) => [s, i] as const).filter(([s]) => s.differs);
    assert.ok(marked.length > 0);
    for (const [s, i] of marked) {
      assert.equal(hex(ours[i] & s.mask), hex(s.differs!.ours), `step ${i} (${s.note})`);
      assert.notEqual(hex(qemu[i] & s.mask), hex(s.differs!.ours), `step ${i} (${s.note}) no longer differs from QEMU: drop the mark`);
    }
  });

  it('access faults land where QEMU raises them', () => {
    const faults = list.filter((_, i) => qemu[i] >> 48n === 0xdeadn).map((s) => s.note);
    assert.ok(faults.length >= 10, faults.join('; '));
  });
});

const qemuVersion = qemuSystemVersion();
const liveSkip = !LIVE ? 'set UNIVM_LIVE=1 to run' : !qemuVersion ? 'qemu-system-riscv64 not installed (Debian package qemu-system-misc)'
  : !/version 7\.2\./.test(qemuVersion) ? `golden file is from QEMU 7.2, found ${qemuVersion}` : false;

describe('device registers vs QEMU (live)', { skip: liveSkip }, () => {
  it('QEMU gives the recorded values', () => {
    const runner = new Uint8Array(readFileSync(path.join(ORACLE_DIR, 'runner.bin')));
    const live = runOnQemu(runner, list);
    const golden = readGolden(GOLDEN_FILE);
    // mip bits outside the mask depend on time; compare what the script compares.
    assert.deepEqual(live.map((v, i) => hex(v & list[i].mask)), golden.map((v, i) => hex(v & list[i].mask)));
  });
});

const haveAs = which('riscv64-linux-gnu-as') && which('riscv64-linux-gnu-ld') && which('riscv64-linux-gnu-objcopy');

describe('runner.bin is built from runner.S', { skip: haveAs ? false : 'RISC-V binutils not installed (Debian package binutils-riscv64-linux-gnu)' }, () => {
  it('reassembles to the committed bytes', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'univm-runner-'));
    const o = path.join(dir, 'runner.o'), elf = path.join(dir, 'runner.elf'), bin = path.join(dir, 'runner.bin');
    execFileSync('riscv64-linux-gnu-as', ['-march=rv64i_zicsr', '-o', o, path.join(ORACLE_DIR, 'runner.S')]);
    execFileSync('riscv64-linux-gnu-ld', ['-Ttext=0x80000000', '-o', elf, o]);
    execFileSync('riscv64-linux-gnu-objcopy', ['-O', 'binary', elf, bin]);
    assert.deepEqual(readFileSync(bin), readFileSync(path.join(ORACLE_DIR, 'runner.bin')));
  });
});
