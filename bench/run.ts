/**
 * `npm run bench`: runs the benchmark guests under each univm engine and, where installed,
 * under qemu-riscv64 in the same invocation, and prints guest instructions, seconds, guest
 * MIPS and the time ratio univm/QEMU per program, with geometric means, as a table and as JSON.
 * The `boot` entry times the system VM from start to U-Boot's prompt (OpenSBI fw_jump and
 * S-mode U-Boot) under univm and qemu-system-riscv64.
 *
 *   npm run bench [-- --only NAME,NAME] [--repeat N] [--json FILE]      (--only boot: just that)
 */
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import * as path from 'node:path';
import { REPO, runProcess, univm, UNIVM, which } from '../test/support/repo.js';
import { runConsole } from '../test/system/boot/console.js';
import { applyMasks, goldenLog, MACHINE_LINES, missingFirmware, qemuArgs, SCENARIOS, splitTranscript, univmArgs, VARIABLE } from '../test/system/boot/scenarios.js';

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

/**
 * Seconds from start to U-Boot's first prompt, best of `repeat`, under QEMU and each engine
 * `univm system` offers; output is 'ok' when the boot lines are QEMU's recorded ones (apart
 * from the lines describing the machine, as in test/system/boot.test.ts).
 */
async function bootBench(repeat: number): Promise<{ rows: Record<string, unknown>[]; lines: string[]; skipped?: string }> {
  const s = SCENARIOS.find((x) => x.name === 'fw_jump')!;
  const missing = missingFirmware(s);
  if (missing.length) return { rows: [], lines: [], skipped: `firmware not installed: ${missing.join(', ')} (Debian packages opensbi, u-boot-qemu)` };
  const script = { commands: [], quit: 'ctrl-a-x' as const };
  const want = applyMasks(splitTranscript(readFileSync(goldenLog(s)), []).boot, 'boot', [...VARIABLE, ...MACHINE_LINES]);
  const best = async (cmd: string, args: string[]) => {
    let seconds = Infinity, ok = true;
    for (let r = 0; r < repeat; r++) {
      const run = await runConsole(cmd, args, script, { bootTimeoutMs: 900_000 });
      ok &&= run.failure === undefined && run.status === 0 &&
        applyMasks(splitTranscript(run.stdout, []).boot, 'boot', [...VARIABLE, ...MACHINE_LINES]).join('\n') === want.join('\n');
      seconds = Math.min(seconds, run.promptSeconds ?? Infinity);
      if (run.failure) process.stderr.write(`boot: ${path.basename(cmd)}: ${run.failure}\n`);
    }
    return { seconds, ok };
  };
  const qemu = which('qemu-system-riscv64') ? await best('qemu-system-riscv64', qemuArgs(s)) : undefined;
  const help = await univm(['system', '--help'], { timeoutMs: 60_000 });
  if (help.status !== 0) {
    const why = `univm has no working \`system\` command (${help.stderr.toString().split('\n')[0]})` +
      (qemu ? `; QEMU reached the prompt in ${qemu.seconds.toFixed(2)} s` : '');
    return { rows: [{ program: 'boot', engine: '-', seconds: undefined, qemuSeconds: qemu?.seconds, output: 'SKIPPED' }], lines: [], skipped: why };
  }
  // Engines as `univm system --help` lists them; its default alone if it offers no choice.
  const engines = /--engine/.test(help.stdout.toString()) ? ENGINES : [undefined];
  const rows: Record<string, unknown>[] = [];
  for (const engine of engines) {
    const u = await best(process.execPath, [UNIVM, ...univmArgs(s, engine)]);
    const seconds = Number.isFinite(u.seconds) ? u.seconds : undefined;
    rows.push({ program: 'boot', engine: engine ?? 'default', seconds, qemuSeconds: qemu?.seconds, ratio: seconds && qemu ? seconds / qemu.seconds : undefined, output: u.ok ? 'ok' : 'WRONG' });
    process.stderr.write(`boot [${engine ?? 'default'}]: ${seconds?.toFixed(2) ?? '-'} s to the U-Boot prompt` +
      (qemu ? `, qemu ${qemu.seconds.toFixed(2)} s, ratio ${seconds ? (seconds / qemu.seconds).toFixed(1) : '-'}` : '') + (u.ok ? '' : ' OUTPUT WRONG') + '\n');
  }
  const pad = (x: string, n: number) => x.padStart(n);
  const lines = [`${'boot to U-Boot prompt'.padEnd(24)}${pad('engine', 8)}${pad('univm s', 10)}${pad('qemu s', 9)}${pad('univm/qemu', 12)}  output`,
    ...rows.map((r) => `${'fw_jump + S-mode U-Boot'.padEnd(24)}${pad(String(r.engine), 8)}${pad(r.seconds ? (r.seconds as number).toFixed(2) : '-', 10)}` +
      `${pad(r.qemuSeconds ? (r.qemuSeconds as number).toFixed(2) : '-', 9)}${pad(r.ratio ? (r.ratio as number).toFixed(1) : '-', 12)}  ${r.output}`)];
  return { rows, lines };
}

async function main(): Promise<void> {
  const only = arg('--only')?.split(',');
  const repeat = Number(arg('--repeat') ?? 1);
  const entries = (JSON.parse(readFileSync(path.join(BENCH, 'manifest.json'), 'utf8')) as BenchEntry[])
    .filter((e) => !only || only.includes(e.name));
  const boot = !only || only.includes('boot') ? await bootBench(repeat) : undefined;
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
  const lines = rows.length === 0 ? [] : [`${'program'.padEnd(16)}${pad('engine', 8)}${pad('guest insns', 14)}${pad('univm s', 10)}${pad('MIPS', 8)}${pad('qemu s', 9)}${pad('univm/qemu', 12)}  output`];
  for (const r of rows) {
    lines.push(`${String(r.program).padEnd(16)}${pad(String(r.engine), 8)}${pad(String(r.insns), 14)}${pad((r.seconds as number).toFixed(2), 10)}` +
      `${pad((r.mips as number).toFixed(1), 8)}${pad(r.qemuSeconds ? (r.qemuSeconds as number).toFixed(2) : '-', 9)}${pad(r.ratio ? (r.ratio as number).toFixed(2) : '-', 12)}  ${r.output}`);
  }
  const summary: Record<string, unknown> = {};
  for (const engine of ENGINES) {
    const mine = rows.filter((r) => r.engine === engine && r.program !== 'hello');
    if (mine.length === 0) continue;
    summary[engine] = {
      geomeanRatio: geomean(mine.filter((r) => r.ratio).map((r) => r.ratio as number)),
      geomeanMips: geomean(mine.map((r) => r.mips as number)),
    };
    lines.push(`geometric mean [${engine}]: univm/qemu ${(summary[engine] as { geomeanRatio: number }).geomeanRatio.toFixed(2)}, ` +
      `${(summary[engine] as { geomeanMips: number }).geomeanMips.toFixed(1)} MIPS`);
  }
  if (boot) lines.push(...(lines.length ? [''] : []), ...(boot.skipped ? [`boot: skipped: ${boot.skipped}`] : boot.lines));
  console.log(lines.join('\n'));
  const json = { date: new Date().toISOString(), node: process.version, qemu: haveQemu, rows, summary, ...(boot ? { boot: { rows: boot.rows, skipped: boot.skipped } } : {}) };
  console.log(JSON.stringify(json, null, 1));
  const out = arg('--json');
  if (out) writeFileSync(out, JSON.stringify(json, null, 1));
}

main().catch((e) => { console.error(e); process.exit(1); });
