// Explore more seeds live: generate, assemble, run under qemu-riscv64 and univm, report divergences.
//
//   npx tsc -p . && node dist/test/random/explore.js --seed N [--programs K] [--seqs M] [--first P]
//        [--show S] [--minimize N] [--qemu-only 1] [--keep 1]
//
// Exit status: 0 if every program matched, 1 on any divergence or failure, 2 on usage errors.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildProgram, parseArgs } from './build.js';
import { compareOutputs, compareRecord, formatReport, recordValues, validateGolden } from './compare.js';
import { DEFAULT_SEQS, REC_SIZE, generateProgram, renderProgram } from './generator.js';
import { assembleAndLink, describeExit, pool, runQemu, runUnivm, toolsAvailable } from './toolchain.js';

/**
 * Narrow a diverging sequence down to one item: binary-search the shortest prefix of the
 * sequence's items that still diverges (each prefix runs as a one-sequence program with the
 * same initial state). Returns a report naming the culprit instruction(s), the register values
 * right before it (from QEMU) and the fields that differ right after it.
 */
export async function minimizeSequence(seed: number, prog: number, seq: number, workDir: string): Promise<string> {
  const s = generateProgram(seed, prog, seq + 1).seqs[seq];
  const runPrefix = async (n: number, extra: string[] = []) => {
    const body = [...s.items.slice(0, n).flat(), ...extra];
    const asm = renderProgram(seed, prog, [{ index: s.index, table: s.table, body }]);
    const elf = await assembleAndLink(workDir, `min-${prog}-${seq}-${n}-${extra.length}`, asm);
    const [q, u] = await Promise.all([runQemu(elf), runUnivm(elf)]);
    const same = q.stdout.length === REC_SIZE && q.stdout.equals(u.stdout) && u.code === 0;
    return { q, u, same };
  };
  let lo = 0;
  let hi = s.items.length;
  const atLo = await runPrefix(lo);
  if (!atLo.same) return `  minimization: even the empty sequence ${seq} diverges (init/dump path broken)`;
  let hiRun = await runPrefix(hi);
  if (hiRun.same) return `  minimization: sequence ${seq} does not diverge on its own (depends on earlier state)`;
  let loRun = atLo;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    const r = await runPrefix(mid);
    if (r.same) {
      lo = mid;
      loRun = r;
    } else {
      hi = mid;
      hiRun = r;
    }
  }
  const item = s.items[hi - 1];
  let culprit = item;
  // Multi-instruction item without labels (e.g. li setup + op): peel off leading lines that
  // do not diverge yet, so "state before" is right before the culprit instruction.
  if (item.length > 1 && !item.some((l) => l.endsWith(':'))) {
    for (let j = item.length - 1; j >= 1; j--) {
      const r = await runPrefix(hi - 1, item.slice(0, j));
      if (r.same) {
        loRun = r;
        culprit = item.slice(j);
        break;
      }
    }
  }
  const o = [`  minimized: sequence ${seq} first diverges at item ${hi - 1}` + (culprit !== item ? ` (${item.map((l) => l.trim()).join('; ')})` : '') + ':'];
  for (const l of culprit) o.push(`      ${l.trim()}`);
  o.push('    state before (identical in both):');
  const before = recordValues(loRun.q.stdout, culprit);
  for (let i = 0; i < before.length; i += 3) o.push('      ' + before.slice(i, i + 3).join('  '));
  if (hiRun.u.stdout.length < REC_SIZE) {
    o.push(`    univm produced no record (${describeExit(hiRun.u)}) ${hiRun.u.stderr.trim().slice(0, 1000)}`);
  } else {
    o.push('    after the item (expected = qemu, got = univm):');
    for (const f of compareRecord(hiRun.q.stdout, hiRun.u.stdout)) o.push(`      ${f.field.padEnd(12)} expected ${f.expected}  got ${f.got}`);
  }
  return o.join('\n');
}

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
  /** Minimize the first N diverging sequences of each program (default 1). */
  minimize?: number;
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
        let rep = formatReport(`${label} (${b.elfPath})`, cmp, b.asm, opts.show ?? 3);
        if (status) rep += `\n  ${status}`;
        for (const d of cmp.diffs.slice(0, opts.minimize ?? 1)) {
          try {
            rep += '\n' + (await minimizeSequence(opts.seed, k, d.seq, work));
          } catch (e) {
            rep += `\n  minimization failed: ${(e as Error).message}`;
          }
        }
        return { prog: k, ok: false, report: rep };
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
    a = parseArgs(argv, { seed: 2, programs: 5, seqs: DEFAULT_SEQS, first: 0, show: 3, 'qemu-only': 0, keep: 0, minimize: 1 });
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
    minimize: a.minimize,
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
