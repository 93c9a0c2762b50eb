// Random-instruction differential test: univm vs. golden qemu-riscv64 output.
//
// Always: every committed golden program (test/random/golden/seed-*/prog-*.elf) is run with
// `node bin/univm.js run` and its stdout must equal the committed prog-*.out byte for byte.
// With UNIVM_LIVE=1 (and the cross tools + qemu-riscv64 installed) additionally:
//   - the default seed is regenerated and must be byte-identical to the committed ELFs/.S,
//     and qemu must still produce the committed output;
//   - a few fresh programs of a second seed (UNIVM_RANDOM_SEED, default 2) run live vs. qemu.

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { buildProgram, type Manifest } from './build.js';
import { compareOutputs, formatReport, validateGolden } from './compare.js';
import { DEFAULT_SEED, DEFAULT_SEQS, EXPECTED_MNEMONICS, generateProgram } from './generator.js';
import { explore, minimizeSequence } from './explore.js';
import { describeExit, goldenDir, pool, repoRoot, runQemu, runUnivm, toolsAvailable } from './toolchain.js';

const GOLDEN_ROOT = join(repoRoot(), 'test', 'random', 'golden');
const CONCURRENCY = 2;
const UNIVM_TIMEOUT_MS = Number(process.env.UNIVM_RANDOM_TIMEOUT_MS ?? 120_000);

const LIVE_REQUESTED = process.env.UNIVM_LIVE === '1';
const LIVE = LIVE_REQUESTED && toolsAvailable();
const liveSkip = LIVE ? false : LIVE_REQUESTED ? 'cross tools or qemu-riscv64 not found' : 'set UNIVM_LIVE=1 to run';
/** With live tools, narrow the first diverging sequence of at most this many programs. */
const MINIMIZE_PROGRAMS = 4;

function seedDirs(): string[] {
  if (!existsSync(GOLDEN_ROOT)) return [];
  return readdirSync(GOLDEN_ROOT)
    .filter((d) => /^seed-\d+$/.test(d))
    .sort((a, b) => Number(a.slice(5)) - Number(b.slice(5)));
}

function programsIn(dir: string): number[] {
  return readdirSync(dir)
    .map((f) => /^prog-(\d+)\.elf$/.exec(f))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
}

function readAsm(dir: string, k: number): string | undefined {
  const gz = join(dir, `prog-${k}.S.gz`);
  if (existsSync(gz)) return gunzipSync(readFileSync(gz)).toString('utf8');
  const plain = join(dir, `prog-${k}.S`);
  return existsSync(plain) ? readFileSync(plain, 'utf8') : undefined;
}

test('random: generator is deterministic and covers every instruction class', () => {
  const counts = new Map<string, number>();
  for (let k = 0; k < 20; k++) {
    for (const [m, c] of generateProgram(DEFAULT_SEED, k, DEFAULT_SEQS).mnemonics) counts.set(m, (counts.get(m) ?? 0) + c);
  }
  const missing = EXPECTED_MNEMONICS.filter((m) => !counts.has(m));
  assert.deepEqual(missing, [], `mnemonics never generated for seed ${DEFAULT_SEED}: ${missing.join(' ')}`);
  assert.equal(generateProgram(7, 3, 5).asm, generateProgram(7, 3, 5).asm);
});

test('random: golden data is present', () => {
  const dir = goldenDir(DEFAULT_SEED);
  assert.ok(existsSync(dir), `missing ${dir}; run: node dist/test/random/build.js`);
  const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
  assert.deepEqual(programsIn(dir), Array.from({ length: m.programs }, (_, i) => i));
  assert.ok(m.programs * m.seqs >= 2000, 'at least 2000 sequences in the default seed');
  for (const k of programsIn(dir)) {
    const err = validateGolden(readFileSync(join(dir, `prog-${k}.out`)), m.seqs);
    assert.equal(err, undefined, `prog-${k}.out: ${err}`);
  }
});

for (const sd of seedDirs()) for (const engine of ['interp', 'jit'] as const) {
  test(`random: univm (${engine}) matches golden ${sd}`, async (t) => {
    const dir = join(GOLDEN_ROOT, sd);
    const progs = programsIn(dir);
    const runs = await pool(progs, CONCURRENCY, (k) => runUnivm(join(dir, `prog-${k}.elf`), UNIVM_TIMEOUT_MS, engine));
    const failures: string[] = [];
    const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
    let minimized = 0;
    const work = LIVE ? mkdtempSync(join(tmpdir(), 'univm-random-min-')) : '';
    for (let i = 0; i < progs.length; i++) {
      const k = progs[i];
      const r = runs[i];
      await t.test(`${sd}/prog-${k}`, async () => {
        const golden = readFileSync(join(dir, `prog-${k}.out`));
        const cmp = compareOutputs(golden, r.stdout);
        if (cmp.equal && r.code === 0) return;
        let rep = formatReport(`${sd}/prog-${k}.elf`, cmp, readAsm(dir, k));
        if (r.code !== 0) rep += `\n  univm: ${describeExit(r)}${r.stderr.trim() ? `, stderr:\n${r.stderr.trim().slice(0, 3000)}` : ''}`;
        if (LIVE && cmp.diffs.length > 0 && minimized++ < MINIMIZE_PROGRAMS) {
          try {
            rep += '\n' + (await minimizeSequence(m.seed, k, cmp.diffs[0].seq, work));
          } catch (e) {
            rep += `\n  minimization failed: ${(e as Error).message}`;
          }
        }
        failures.push(`prog-${k}: ${cmp.diffs.length} diverging sequences${r.code !== 0 ? `, ${describeExit(r)}` : ''}`);
        assert.fail(rep);
      });
    }
    if (work) rmSync(work, { recursive: true, force: true });
    if (failures.length) t.diagnostic(`${sd}: ${failures.length}/${progs.length} programs diverge: ${failures.join('; ')}`);
  });
}

test('random (live): regenerated default seed is byte-identical to the golden data', { skip: liveSkip }, async (t) => {
  const dir = goldenDir(DEFAULT_SEED);
  const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
  const work = mkdtempSync(join(tmpdir(), 'univm-random-regen-'));
  try {
    const progs = Array.from({ length: m.programs }, (_, i) => i);
    const problems = await pool(progs, CONCURRENCY, async (k) => {
      const p: string[] = [];
      const b = await buildProgram(m.seed, k, m.seqs, work);
      if (b.asm !== readAsm(dir, k)) p.push(`prog-${k}.S differs from the generator output`);
      if (!b.elf.equals(readFileSync(join(dir, `prog-${k}.elf`)))) p.push(`prog-${k}.elf differs from the freshly assembled ELF`);
      const q = await runQemu(join(dir, `prog-${k}.elf`));
      if (q.code !== 0) p.push(`prog-${k}: qemu ${describeExit(q)}: ${q.stderr.trim()}`);
      else if (!q.stdout.equals(readFileSync(join(dir, `prog-${k}.out`)))) p.push(`prog-${k}.out differs from qemu-riscv64's output`);
      return p;
    });
    const all = problems.flat();
    if (all.length) {
      t.diagnostic('golden data was built with: ' + JSON.stringify({ as: m.as, ld: m.ld, qemu: m.qemu }));
      assert.fail(`golden data drifted (rebuild with node dist/test/random/build.js):\n  ${all.join('\n  ')}`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

test('random (live): fresh programs of a second seed match qemu-riscv64', { skip: liveSkip }, async () => {
  const seed = Number(process.env.UNIVM_RANDOM_SEED ?? 2);
  const programs = Number(process.env.UNIVM_RANDOM_PROGRAMS ?? 3);
  const results = await explore({ seed, programs, seqs: DEFAULT_SEQS });
  const bad = results.filter((r) => !r.ok);
  assert.equal(bad.length, 0, bad.map((r) => r.report).join('\n\n'));
});
