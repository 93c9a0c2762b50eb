// Build golden data for the random differential test.
//
//   npx tsc -p . && node dist/test/random/build.js [--seed 1] [--programs 20] [--seqs 100]
//
// For every program: generate the .S, assemble and link it, run it under qemu-riscv64 and store
// test/random/golden/seed-<SEED>/prog-<K>.{elf,out,S.gz} plus manifest.json.

import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { validateGolden } from './compare.js';
import { DEFAULT_PROGRAMS, DEFAULT_SEED, DEFAULT_SEQS, REC_SIZE, generateProgram } from './generator.js';
import { AS, AS_FLAGS, LD, LD_FLAGS, QEMU, assembleAndLink, describeExit, goldenDir, pool, run, runQemu } from './toolchain.js';

export interface BuiltProgram {
  prog: number;
  asm: string;
  elfPath: string;
  elf: Buffer;
  mnemonics: Map<string, number>;
}

/** Generate, assemble and link program `prog` of `seed` inside `workDir`. */
export async function buildProgram(seed: number, prog: number, nseqs: number, workDir: string): Promise<BuiltProgram> {
  const g = generateProgram(seed, prog, nseqs);
  const elfPath = await assembleAndLink(workDir, `prog-${prog}`, g.asm);
  return { prog, asm: g.asm, elfPath, elf: readFileSync(elfPath), mnemonics: g.mnemonics };
}

export interface Manifest {
  seed: number;
  programs: number;
  seqs: number;
  recordSize: number;
  as: string;
  asFlags: string[];
  ld: string;
  ldFlags: string[];
  qemu: string;
}

export function parseArgs(argv: string[], defaults: Record<string, number>): Record<string, number> {
  const res = { ...defaults };
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(argv[i]);
    if (!m || !(m[1] in res)) throw new Error(`unknown argument ${argv[i]} (known: ${Object.keys(res).map((k) => '--' + k).join(' ')})`);
    const v = m[2] ?? argv[++i];
    if (v === undefined || !/^\d+$/.test(v)) throw new Error(`--${m[1]} needs a non-negative integer`);
    res[m[1]] = Number(v);
  }
  return res;
}

async function firstLine(cmd: string): Promise<string> {
  const r = await run(cmd, ['--version']);
  return r.stdout.toString('utf8').split('\n')[0].trim();
}

async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { seed: DEFAULT_SEED, programs: DEFAULT_PROGRAMS, seqs: DEFAULT_SEQS });
  const { seed, programs, seqs } = args;
  const out = goldenDir(seed);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), 'univm-random-build-'));
  const totals = new Map<string, number>();
  let failed = 0;
  try {
    const progs = Array.from({ length: programs }, (_, k) => k);
    await pool(progs, 2, async (k) => {
      const b = await buildProgram(seed, k, seqs, work);
      for (const [m, c] of b.mnemonics) totals.set(m, (totals.get(m) ?? 0) + c);
      const q = await runQemu(b.elfPath);
      const bad = q.code !== 0 ? `qemu: ${describeExit(q)} ${q.stderr}` : validateGolden(q.stdout, seqs);
      if (bad) {
        failed++;
        console.error(`prog-${k}: ${bad} (kept in ${work})`);
        return;
      }
      writeFileSync(join(out, `prog-${k}.elf`), b.elf, { mode: 0o755 });
      writeFileSync(join(out, `prog-${k}.out`), q.stdout);
      writeFileSync(join(out, `prog-${k}.S.gz`), gzipSync(b.asm, { level: 9 }));
      console.log(`prog-${k}: ${b.elf.length} byte ELF, ${q.stdout.length} byte output, qemu ${q.ms} ms`);
    });
    const manifest: Manifest = {
      seed,
      programs,
      seqs,
      recordSize: REC_SIZE,
      as: await firstLine(AS),
      asFlags: AS_FLAGS,
      ld: await firstLine(LD),
      ldFlags: LD_FLAGS,
      qemu: await firstLine(QEMU),
    };
    writeFileSync(join(out, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  } finally {
    if (failed === 0) rmSync(work, { recursive: true, force: true });
  }
  const size = readdirSync(out).reduce((s, f) => s + readFileSync(join(out, f)).length, 0);
  console.log(`seed ${seed}: ${programs} programs x ${seqs} sequences = ${programs * seqs} sequences, ${(size / 1e6).toFixed(2)} MB in ${out}`);
  console.log(`distinct mnemonics: ${totals.size}, total instructions generated: ${[...totals.values()].reduce((a, b) => a + b, 0)}`);
  const rare = [...totals].sort((a, b) => a[1] - b[1]).slice(0, 8);
  console.log(`rarest: ${rare.map(([m, c]) => `${m}:${c}`).join(' ')}`);
  return failed === 0 ? 0 : 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then(
    (c) => process.exit(c),
    (e) => {
      console.error(e);
      process.exit(2);
    },
  );
}
