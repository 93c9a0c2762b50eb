/**
 * 32-bit decoding against GNU objdump -M no-aliases,numeric (golden/decode32.objdump.gz, see
 * golden/regenerate.sh and words32() in reference.ts): every CSR number, every fence
 * pred/succ, the SYSTEM funct3=0 space, PER_INSN random words matching each definition of
 * our table and RANDOM_WORDS random words with low bits 11.
 *  - every word we decode, objdump decodes to the same mnemonic and operands, except where
 *    objdump 2.40 is narrower than the spec (objdumpNarrower: each reason cited there);
 *  - every word objdump decodes we decode too, except mnemonics outside RV64GC (OUTSIDE_RV64GC);
 *  - the golden covers our whole table (a new definition needs regenerate.sh).
 * With UNIVM_LIVE=1 and binutils installed, the golden is regenerated and must be identical.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decode } from '../../src/isa/riscv/decoder.js';
import { INSNS } from '../../src/isa/riscv/instructions.js';
import {
  canonObjdump, canonOurs, canonText, csrNamesFrom, goldenDiffFromObjdump, isLongEncoding, isObjdumpIllegal, liveSkip,
  objdumpNarrower, OUTSIDE_RV64GC, PER_INSN, readGolden, spaceOf, splitOps, words32,
} from './reference.js';

const FILE = 'decode32.objdump.gz';
const golden = readGolden(FILE);
const csrs = csrNamesFrom(golden);
const hex8 = (w: number) => (w >>> 0).toString(16).padStart(8, '0');

function report(title: string, bad: string[], n = 40): string {
  return `${bad.length} ${title}:\n  ${bad.slice(0, n).join('\n  ')}${bad.length > n ? `\n  ... ${bad.length - n} more` : ''}`;
}

interface Row { word: number; pc: number; mnem: string; ops: string }
const rows: Row[] = golden.map((l, i) => ({ word: parseInt(l.key, 16) >>> 0, pc: 4 * i, mnem: l.mnem, ops: l.ops }));

test('decode32 golden: well formed, covers every definition of our table', () => {
  assert.ok(rows.length > 100_000, `${rows.length} lines`);
  for (const r of rows) {
    assert.ok(/^[0-9a-f]{8}$/.test(golden[r.pc / 4].key) && (r.word & 3) === 3 && !isLongEncoding(r.word), `line ${r.pc / 4 + 1}`);
  }
  assert.ok(csrs.size > 100 && csrs.get('fflags') === 1 && csrs.get('cycle') === 0xc00, 'csr section');
  const thin: string[] = [];
  for (const d of INSNS) {
    const n = rows.filter((r) => ((r.word & d.mask) | 0) === d.match).length;
    if (n < Math.min(PER_INSN, spaceOf(d))) thin.push(`${d.name}: ${n} words`);
  }
  assert.deepEqual(thin, [], 'definitions the golden does not cover: rerun test/isa/golden/regenerate.sh');
});

test('decode32: words we decode, objdump decodes the same way', () => {
  const differ: string[] = [], objdumpNo: string[] = [];
  const narrower = new Map<string, number>();
  let compared = 0;
  for (const r of rows) {
    const ours = canonOurs(r.word, r.pc);
    if (!ours) continue;
    const dec = decode(r.word);
    if (!dec || dec.len !== 4 || dec.word !== (r.word | 0)) { differ.push(`${hex8(r.word)}: decode() disagrees with decodeWord()`); continue; }
    const theirs = canonObjdump(r.mnem, r.ops, csrs);
    if (!theirs) {
      const why = objdumpNarrower(r.word);
      if (why) narrower.set(why, (narrower.get(why) ?? 0) + 1);
      else objdumpNo.push(`${hex8(r.word)}: we decode ${canonText(ours)}, objdump: ${r.mnem}`);
      continue;
    }
    compared++;
    if (canonText(ours) !== canonText(theirs)) {
      differ.push(`${hex8(r.word)} @${r.pc.toString(16)}: objdump "${r.mnem} ${r.ops}" = ${canonText(theirs)}, ours ${canonText(ours)}`);
    }
  }
  assert.ok(compared > 40_000, `compared only ${compared}`);
  // Each allowance must still be needed (and no more than that): they are the known differences.
  assert.equal(narrower.size, 3, `objdumpNarrower reasons used: ${[...narrower.keys()].join('; ')}`);
  assert.equal(differ.length + objdumpNo.length, 0,
    [report('words decoded differently', differ), report('words we decode and objdump does not', objdumpNo)].join('\n'));
});

test('decode32: words objdump decodes as RV64GC, we decode too', () => {
  const missing: string[] = [];
  const outside = new Map<string, number>();
  for (const r of rows) {
    if (isObjdumpIllegal(r.mnem) || canonOurs(r.word, r.pc)) continue;
    if (OUTSIDE_RV64GC.has(r.mnem)) outside.set(r.mnem, (outside.get(r.mnem) ?? 0) + 1);
    else missing.push(`${hex8(r.word)}: objdump "${r.mnem} ${r.ops}", we: illegal`);
  }
  // Privileged instructions objdump knows and we do not implement (uret, dret...) must be in the sample.
  assert.ok(outside.has('uret') && outside.has('dret'), `outside RV64GC seen: ${[...outside.keys()].join(' ')}`);
  assert.equal(missing.length, 0, report('RV64GC words objdump decodes and we reject', missing));
});

test('decode32: fence operands and fence.tso are what the word says', () => {
  // Our table has one `fence` without operands; check objdump's reading of pred/succ/fm to make
  // sure the normalisation in canonObjdump only drops what the word holds.
  const set = (v: number) => ['i', 'o', 'r', 'w'].filter((_, k) => v & (8 >> k)).join('') || 'unknown';
  for (const r of rows) {
    if (r.mnem === 'fence.tso') { assert.equal(r.word, 0x8330000f); continue; }
    if (r.mnem !== 'fence') continue;
    const [p, s] = splitOps(r.ops);
    assert.equal(`${p},${s}`, `${set((r.word >>> 24) & 15)},${set((r.word >>> 20) & 15)}`, hex8(r.word));
    assert.equal(r.word >>> 28, 0);
  }
});

test('decode32: nothing with the low bits of a 48-bit or longer encoding decodes', () => {
  for (let k = 0; k < 1 << 16; k++) {
    const w = ((Math.imul(k, 0x9e3779b1) & ~0x7f) | [0x1f, 0x3f, 0x5f, 0x7f][k & 3]) >>> 0;
    assert.equal(decode(w), undefined, hex8(w));
  }
});

test('decode32: the golden words are words32() of the current table', () => {
  const want = words32().flatMap((s) => s.words);
  const got = rows.map((r) => r.word);
  const i = want.findIndex((w, k) => got[k] !== w);
  assert.ok(i < 0 && want.length === got.length,
    `word ${i} differs (${want.length} vs ${got.length} words): the table changed, rerun test/isa/golden/regenerate.sh`);
});

test('decode32: golden is what objdump gives now', { skip: liveSkip }, () => {
  const diff = goldenDiffFromObjdump(FILE, 'decode32');
  assert.equal(diff, undefined, `objdump output differs from ${FILE}; rerun test/isa/golden/regenerate.sh: ${diff}`);
});
