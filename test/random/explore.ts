// Explore more seeds live: generate, assemble, run under qemu-riscv64 and univm, report divergences.
//
//   npx tsc -p . && node dist/test/random/explore.js --seed N [--programs K] [--seqs M] [--first P]
//        [--show S] [--qemu-only 1] [--keep 1]
//
// Exit status: 0 if every program matched, 1 on any divergence or failure, 2 on usage errors.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildProgram, parseArgs } from './build.js';
import { compareOutputs, formatReport, validateGolden } from './compare.js';
import { DEFAULT_SEQS } from './generator.js';
import { describeExit, pool, runQemu, runUnivm, toolsAvailable } from './toolchain.js';

export interface ExploreResult {
  prog: number;
  ok: boolean;
  report: string;
}

/** Build and run programs [first, first+programs) of `seed` under QEMU and (unless qemuOnly) univm. */
export async function explore(opts: {
  seed: number;
  programs: number;
  seqs: number;
  first?: number;
  qemuOnly?: boolean;
  show?: number;
  keep?: boolean;
  onResult?: (r: ExploreResult) => void;
}): Promise<ExploreResult[]> {
  const work = mkdtempSync(join(tmpdir(), `univm-random-${opts.seed}-`));
  const first = opts.first ?? 0;
  const progs = Array.from({ length: opts.programs }, (_, i) => first + i);
  try {
    return await pool(progs, 2, async (k): Promise<ExploreResult> => {
      const label = `seed ${opts.seed} prog-${k}`;
      const res = await (async (): Promise<ExploreResult> => {
        let b;
        try {
          b = await buildProgram(opts.seed, k, opts.seqs, work);
        } catch (e) {
          return { prog: k, ok: false, report: `${label}: build failed: ${(e as Error).message}` };
        }
        const q = await runQemu(b.elfPath);
        const bad = q.code !== 0 ? `${describeExit(q)} ${q.stderr.trim()}` : validateGolden(q.stdout, opts.seqs);
        if (bad) return { prog: k, ok: false, report: `${label}: qemu-riscv64 run is not usable: ${bad}` };
        if (opts.qemuOnly) return { prog: k, ok: true, report: `${label}: qemu ok (${q.ms} ms)` };
        const u = await runUnivm(b.elfPath);
        const cmp = compareOutputs(q.stdout, u.stdout);
        const status = u.code === 0 ? '' : `univm: ${describeExit(u)}${u.stderr.trim() ? `, stderr: ${u.stderr.trim().slice(0, 2000)}` : ''}`;
        if (cmp.equal && u.code === 0) return { prog: k, ok: true, report: `${label}: ok (qemu ${q.ms} ms, univm ${u.ms} ms)` };
        const rep = formatReport(`${label} (${b.elfPath})`, cmp, b.asm, opts.show ?? 3);
        return { prog: k, ok: false, report: status ? `${rep}\n  ${status}` : rep };
      })();
      opts.onResult?.(res);
      return res;
    });
  } finally {
    if (!opts.keep) rmSync(work, { recursive: true, force: true });
    else console.log(`work directory kept: ${work}`);
  }
}

async function main(argv: string[]): Promise<number> {
  let a;
  try {
    a = parseArgs(argv, { seed: 2, programs: 5, seqs: DEFAULT_SEQS, first: 0, show: 3, 'qemu-only': 0, keep: 0 });
  } catch (e) {
    console.error((e as Error).message);
    return 2;
  }
  if (!toolsAvailable()) {
    console.error('riscv64-linux-gnu-as/ld and qemu-riscv64 are required');
    return 2;
  }
  const results = await explore({
    seed: a.seed,
    programs: a.programs,
    seqs: a.seqs,
    first: a.first,
    show: a.show,
    qemuOnly: a['qemu-only'] !== 0,
    keep: a.keep !== 0,
    onResult: (r) => console.log(r.report),
  });
  const bad = results.filter((r) => !r.ok);
  console.log(`seed ${a.seed}: ${results.length - bad.length}/${results.length} programs ok` + (bad.length ? `; failing: ${bad.map((r) => `prog-${r.prog}`).join(' ')}` : ''));
  return bad.length ? 1 : 0;
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
