/**
 * Every 16-bit parcel (low bits != 11) against GNU objdump (golden/rvc.objdump.gz, see
 * golden/regenerate.sh) and the spec's list of reserved RVC encodings:
 *  (a) expandCompressed calls illegal exactly what the reference calls illegal, where the
 *      reference is objdump's .2byte/c.unimp plus the reserved encodings objdump 2.40 still
 *      prints (objdumpAcceptsReserved); that reference must equal our reading of the spec;
 *  (b) every other parcel expands to the base instruction objdump's compressed mnemonic maps to
 *      (RVC_MAP), with the same registers and immediate values, and decode() agrees.
 *  (c) QEMU, the final word on what traps: every parcel was run under qemu-riscv64 in a harness
 *      where anything legal ends in SIGTRAP (golden/qemu-rvc.gz, HARNESS_S in reference.ts); we
 *      call illegal exactly the parcels that raised SIGILL.
 * With UNIVM_LIVE=1 and binutils installed, objdump is run again and must give the golden file;
 * with the cross assembler and qemu-riscv64 too, a sample of parcels is run under QEMU again.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { expandCompressed } from '../../src/isa/riscv/compressed.js';
import { decode } from '../../src/isa/riscv/decoder.js';
import { LIVE, which } from '../support/repo.js';
import {
  buildHarness, canonObjdumpRvc, canonOurs, canonText, CROSS_AS, CROSS_LD, goldenDiffFromObjdump, GOLDEN, isObjdumpIllegal, liveSkip,
  objdumpAcceptsReserved, prng, QEMU, qemuParcels, readGolden, rvcParcels, rvcReserved,
  RVC_MAP,
} from './reference.js';

const FILE = 'rvc.objdump.gz';
const golden = readGolden(FILE);
const parcels = rvcParcels();
const hex4 = (h: number) => h.toString(16).padStart(4, '0');

/** Lists at most `n` failures and how many there were. */
function report(title: string, bad: string[], n = 40): string {
  return `${bad.length} ${title}:\n  ${bad.slice(0, n).join('\n  ')}${bad.length > n ? `\n  ... ${bad.length - n} more` : ''}`;
}

test('rvc golden: one line per parcel, in order, every mnemonic known', () => {
  assert.equal(golden.length, parcels.length);
  const unknown = new Set<string>();
  golden.forEach((l, k) => {
    assert.equal(l.key, hex4(parcels[k]), `line ${k + 1}`);
    if (!isObjdumpIllegal(l.mnem) && !RVC_MAP[l.mnem]) unknown.add(l.mnem);
  });
  assert.deepEqual([...unknown], [], 'objdump mnemonics missing from RVC_MAP');
});

test('rvc: the reference (objdump + spec) and our reading of the spec agree on what is reserved', () => {
  const bad: string[] = [];
  golden.forEach((l, k) => {
    const h = parcels[k];
    const ref = isObjdumpIllegal(l.mnem) || objdumpAcceptsReserved(h) !== undefined;
    const spec = rvcReserved(h);
    if (ref !== (spec !== undefined)) bad.push(`${hex4(h)}: objdump "${l.mnem} ${l.ops}", spec: ${spec ?? 'legal'}`);
  });
  assert.equal(bad.length, 0, report('parcels where objdump and the spec disagree beyond objdumpAcceptsReserved', bad));
});

test('rvc: illegal exactly where the reference says so', () => {
  const weDecode: string[] = [], weReject: string[] = [];
  golden.forEach((l, k) => {
    const h = parcels[k];
    const refIllegal = isObjdumpIllegal(l.mnem) || objdumpAcceptsReserved(h) !== undefined;
    const ours = expandCompressed(h);
    const dec = decode(h);
    if (refIllegal && (ours !== 0 || dec)) {
      weDecode.push(`${hex4(h)}: reference illegal (${objdumpAcceptsReserved(h) ?? `objdump ${l.mnem}`}, spec: ${rvcReserved(h)}), we expand to ${canonText(canonOurs(ours, 2 * k))}`);
    }
    if (!refIllegal && (ours === 0 || !dec)) weReject.push(`${hex4(h)}: objdump "${l.mnem} ${l.ops}", we call it illegal`);
  });
  assert.equal(weDecode.length + weReject.length, 0,
    [report('reserved parcels we decode', weDecode), report('legal parcels we reject', weReject)].join('\n'));
});

test('rvc: each legal parcel expands to the base instruction of objdump\'s compressed mnemonic', () => {
  const bad: string[] = [];
  let compared = 0;
  golden.forEach((l, k) => {
    const h = parcels[k];
    if (isObjdumpIllegal(l.mnem) || objdumpAcceptsReserved(h)) return;
    const pc = 2 * k;
    const want = canonText(canonObjdumpRvc(l.mnem, l.ops));
    const word = expandCompressed(h);
    const got = canonText(word === 0 ? undefined : canonOurs(word, pc));
    const dec = decode(h);
    compared++;
    if (got !== want) bad.push(`${hex4(h)} (${l.mnem} ${l.ops}): expected ${want}, we expand to ${got}`);
    else if (!dec || dec.len !== 2 || dec.word !== word) bad.push(`${hex4(h)}: decode() gives ${dec ? `${dec.def.name}/${dec.len}` : 'nothing'}`);
  });
  assert.ok(compared > 45000, `compared only ${compared}`);
  assert.equal(bad.length, 0, report('parcels expanded differently from objdump', bad));
});

/** QEMU's verdict per parcel: SIGILL, timeout (c.j 0 and the like), or SIGTRAP (not listed in the golden). */
const qemu = new Map(readGolden('qemu-rvc.gz').map((l) => [parseInt(l.key, 16), l.mnem]));

test('rvc: illegal exactly where QEMU raises SIGILL', () => {
  assert.ok(existsSync(path.join(GOLDEN, 'qemu-rvc.gz')));
  const bad: string[] = [];
  const other = new Map<string, number>();
  for (const h of parcels) {
    const q = qemu.get(h) ?? 'SIGTRAP';
    if (q !== 'SIGILL' && q !== 'SIGTRAP') other.set(q, (other.get(q) ?? 0) + 1);
    const ours = expandCompressed(h) === 0;
    if (ours !== (q === 'SIGILL')) bad.push(`${hex4(h)}: qemu ${q}, we ${ours ? 'call it illegal' : `expand to ${canonText(canonOurs(expandCompressed(h), 0))}`}`);
  }
  // The only outcome besides SIGILL/SIGTRAP is a loop: c.j 0, and c.bnez 0 (taken: the registers are nonzero).
  assert.deepEqual([...other.keys()], other.size ? ['timeout'] : [], `unexpected QEMU outcomes: ${[...other].join(' ')}`);
  assert.equal(bad.length, 0, report('parcels where QEMU and we disagree on SIGILL', bad));
});

const QEMU_OK = LIVE && which(QEMU) && which(CROSS_AS) && which(CROSS_LD);
test('rvc: QEMU still gives the recorded outcome (sample)', { skip: QEMU_OK ? false : LIVE ? 'qemu-riscv64 or the cross binutils not found' : 'set UNIVM_LIVE=1 to run' }, async () => {
  const r = prng(0x9e11);
  const sample = new Set<number>([0x0000, 0x6101, 0x6001, 0x6005, 0x4001, 0x0002, 0x8002, 0x8082, 0x2001, 0x4002, 0x6002, 0x9c41, 0x9c61, 0x8000, 0xa001]);
  const reserved = parcels.filter((h) => rvcReserved(h));
  while (sample.size < 60) sample.add(reserved[r() % reserved.length]);
  while (sample.size < 200) sample.add(parcels[r() % parcels.length]);
  const dir = mkdtempSync(path.join(tmpdir(), 'univm-isa-qemu-'));
  try {
    const got = await qemuParcels(buildHarness(dir), [...sample], dir);
    const bad = [...got].filter(([h, q]) => q !== (qemu.get(h) ?? 'SIGTRAP')).map(([h, q]) => `${hex4(h)}: now ${q}, recorded ${qemu.get(h) ?? 'SIGTRAP'}`);
    assert.deepEqual(bad, [], 'rerun test/isa/golden/regenerate.sh --only qemu-rvc');
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('rvc: golden is what objdump gives now', { skip: liveSkip }, () => {
  const diff = goldenDiffFromObjdump(FILE, 'rvc');
  assert.equal(diff, undefined, `objdump output differs from ${FILE}; rerun test/isa/golden/regenerate.sh: ${diff}`);
});
