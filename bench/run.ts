/**
 * `npm run bench`: runs the benchmark guests under each univm engine and, where installed,
 * under qemu-riscv64 in the same invocation, and prints guest instructions, seconds, guest
 * MIPS and the time ratio univm/QEMU per program, with geometric means, as a table and as JSON.
 *
 *   npm run bench [-- --only NAME,NAME] [--repeat N] [--json FILE]
 */
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import * as path from 'node:path';
import { REPO, runProcess, univm, which } from '../test/support/repo.js';

interface BenchEntry { name: string; args?: string[]; description?: string }

const ENGINES = ['interp', 'jit'];
const BENCH = path.join(REPO, 'guests', 'bench');

function arg(name: string): string | undefined {
  const k = process.argv.indexOf(name);
  return k >= 0 ? process.argv[k + 1] : undefined;
}

async function timed<T>(fn: () => Promise<T>): Promise<{ seconds: number; value: T }> {
  const t0 = process.hrtime.bigint();
  const value = await fn();
  return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, value };
}

const geomean = (xs: number[]) => (xs.length ? Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length) : NaN);

async function main(): Promise<void> {
  const only = arg('--only')?.split(',');
  const repeat = Number(arg('--repeat') ?? 1);
  const entries = (JSON.parse(readFileSync(path.join(BENCH, 'manifest.json'), 'utf8')) as BenchEntry[])
    .filter((e) => !only || only.includes(e.name));
  const haveQemu = which('qemu-riscv64');
  const rows: Record<string, unknown>[] = [];
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
  for (const e of entries) {
    const bin = path.join(BENCH, 'bin', e.name);
    const goldenFile = path.join(BENCH, 'golden', `${e.name}.stdout`);
    const golden = existsSync(goldenFile) ? readFileSync(goldenFile, 'latin1') : undefined;
    let qemuSeconds: number | undefined;
    if (haveQemu) {
      const runs = [];
      for (let r = 0; r < repeat; r++) runs.push((await timed(() => runProcess('qemu-riscv64', [bin, ...(e.args ?? [])], { env }))).seconds);
      qemuSeconds = Math.min(...runs);
    }
    for (const engine of ENGINES) {
      let best = Infinity, insns = 0, ok = true;
      for (let r = 0; r < repeat; r++) {
        const { seconds, value } = await timed(() => univm(['run', '--stats', '--engine', engine, bin, ...(e.args ?? [])], { env, timeoutMs: 600_000 }));
        const m = /univm: (\d+) instructions retired/.exec(value.stderr.toString());
        insns = m ? Number(m[1]) : 0;
        ok &&= value.status === 0 && (golden === undefined || value.stdout.toString('latin1') === golden);
        best = Math.min(best, seconds);
      }
      rows.push({
        program: e.name, engine, insns, seconds: best, mips: insns / best / 1e6, qemuSeconds,
        ratio: qemuSeconds ? best / qemuSeconds : undefined, output: ok ? 'ok' : 'WRONG',
      });
      const last = rows[rows.length - 1];
      process.stderr.write(`${e.name} [${engine}]: ${best.toFixed(2)} s, ${(last.mips as number).toFixed(1)} MIPS` +
        (qemuSeconds ? `, qemu ${qemuSeconds.toFixed(2)} s, ratio ${(last.ratio as number).toFixed(2)}` : '') + (ok ? '' : ' OUTPUT WRONG') + '\n');
    }
  }
  const pad = (s: string, n: number) => s.padStart(n);
  const lines = [`${'program'.padEnd(16)}${pad('engine', 8)}${pad('guest insns', 14)}${pad('univm s', 10)}${pad('MIPS', 8)}${pad('qemu s', 9)}${pad('univm/qemu', 12)}  output`];
  for (const r of rows) {
    lines.push(`${String(r.program).padEnd(16)}${pad(String(r.engine), 8)}${pad(String(r.insns), 14)}${pad((r.seconds as number).toFixed(2), 10)}` +
      `${pad((r.mips as number).toFixed(1), 8)}${pad(r.qemuSeconds ? (r.qemuSeconds as number).toFixed(2) : '-', 9)}${pad(r.ratio ? (r.ratio as number).toFixed(2) : '-', 12)}  ${r.output}`);
  }
  const summary: Record<string, unknown> = {};
  for (const engine of ENGINES) {
    const mine = rows.filter((r) => r.engine === engine && r.program !== 'hello');
    summary[engine] = {
      geomeanRatio: geomean(mine.filter((r) => r.ratio).map((r) => r.ratio as number)),
      geomeanMips: geomean(mine.map((r) => r.mips as number)),
    };
    lines.push(`geometric mean [${engine}]: univm/qemu ${(summary[engine] as { geomeanRatio: number }).geomeanRatio.toFixed(2)}, ` +
      `${(summary[engine] as { geomeanMips: number }).geomeanMips.toFixed(1)} MIPS`);
  }
  console.log(lines.join('\n'));
  const json = { date: new Date().toISOString(), node: process.version, qemu: haveQemu, rows, summary };
  console.log(JSON.stringify(json, null, 1));
  const out = arg('--json');
  if (out) writeFileSync(out, JSON.stringify(json, null, 1));
}

main().catch((e) => { console.error(e); process.exit(1); });
