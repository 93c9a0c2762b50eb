/**
 * Firmware boot: `univm system` runs Debian's OpenSBI and U-Boot as QEMU 7.2's virt machine
 * does. For each scenario of boot/scenarios.ts the console driver (boot/console.ts) stops
 * autoboot, types the scenario's commands at U-Boot's prompt and quits with Ctrl-A x (or
 * `poweroff`); the transcript must equal QEMU's (boot/golden/, recorded by boot/record.sh) line
 * for line, apart from the lines that describe the machine itself (scenarios.ts MACHINE_LINES,
 * each with its reason) and the autoboot countdown. With UNIVM_LIVE=1 and QEMU 7.2 installed,
 * QEMU is run again and must give the recorded transcripts.
 *
 * Needs Debian's opensbi and u-boot-qemu with the bytes the goldens were recorded from; skips
 * (saying why) otherwise. UNIVM_ENGINE=jit boots with the translator.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import { LIVE, qemuSystemVersion, UNIVM } from '../support/repo.js';
import { ConsoleRun, runConsole } from './boot/console.js';
import {
  applyMasks, changedFirmware, goldenLog, MACHINE_LINES, Mask, masks, missingFirmware, qemuArgs, readManifest, Scenario,
  SCENARIOS, sectionOf, splitTranscript, Transcript, univmArgs, VARIABLE,
} from './boot/scenarios.js';

const manifest = readManifest();
const golden = new Map(SCENARIOS.map((s) => [s.name, splitTranscript(readFileSync(goldenLog(s)), manifest.commands[s.name] ?? [])]));

/** Sections of a transcript as [section name, lines] pairs, in order. */
function sections(t: Transcript): [string, string[]][] {
  return [['boot', t.boot], ...t.answers.map((a): [string, string[]] => [sectionOf(a.command), a.lines])];
}

describe('boot goldens', () => {
  it('were recorded from these scenarios with QEMU 7.2', () => {
    assert.match(manifest.qemu, /version 7\.2\./);
    for (const s of SCENARIOS) {
      assert.deepEqual(manifest.commands[s.name], s.script.commands, `${s.name}: commands changed: re-record with test/system/boot/record.sh`);
      assert.deepEqual(manifest.qemuArgs[s.name], qemuArgs(s), `${s.name}: QEMU arguments changed: re-record`);
      assert.equal(manifest.status[s.name], 0, `${s.name}: QEMU's exit status`);
      const t = golden.get(s.name)!;
      assert.ok(t.boot.some((l) => l.startsWith('U-Boot 2023.01')), `${s.name}: no U-Boot banner`);
      for (const a of t.answers) assert.ok(!a.lines.some((l) => l.startsWith('<no answer')), `${s.name}: ${a.command}: ${a.lines.join('\n')}`);
    }
  });

  it('every mask matches lines in some golden', () => {
    for (const m of [...VARIABLE, ...MACHINE_LINES]) {
      const hit = [...golden.values()].some((t) => sections(t).some(([sec, lines]) => lines.some((l) => masks(m, sec, l))));
      assert.ok(hit, `mask ${m.pattern} (${m.why}) matches nothing`);
    }
  });
});

/** What keeps a scenario from running under univm here, if anything. */
const univmSystem = (() => {
  const r = spawnSync(process.execPath, [UNIVM, 'system', '--help'], { encoding: 'utf8', timeout: 60_000 });
  return r.status === 0 ? undefined : `univm has no working \`system\` command (${(r.stderr || r.stdout).split('\n')[0]})`;
})();

function skipReason(s: Scenario): string | false {
  const missing = missingFirmware(s);
  if (missing.length) return `firmware not installed: ${missing.join(', ')} (Debian packages opensbi, u-boot-qemu)`;
  const changed = changedFirmware(manifest, s);
  if (changed.length) return `installed firmware differs from the recorded one: ${changed.join(', ')} (re-record with test/system/boot/record.sh)`;
  return false;
}

/** Where two masked sections part: the first differing line and a few after it, each side. */
function firstDifference(ours: string[], theirs: string[]): string {
  let k = 0;
  while (k < ours.length && k < theirs.length && ours[k] === theirs[k]) k++;
  const show = (l: string[]) => l.slice(k, k + 4).map((x) => `    ${JSON.stringify(x)}`).join('\n') || '    (end)';
  return `line ${k + 1} of ${ours.length} (QEMU: ${theirs.length}):\n  univm:\n${show(ours)}\n  QEMU:\n${show(theirs)}`;
}

/**
 * Compares the masked sections of two transcripts and fails listing every section that
 * differs; returns, per mask, whether some line it covers differed unmasked.
 */
function compare(got: Transcript, want: Transcript, list: Mask[], what: string): Map<Mask, boolean> {
  const differed = new Map<Mask, boolean>();
  const g = sections(got), w = sections(want);
  assert.deepEqual(g.map(([sec]) => sec), w.map(([sec]) => sec), `${what}: sections`);
  const problems: string[] = [];
  g.forEach(([sec, lines], i) => {
    const ours = applyMasks(lines, sec, list), theirs = applyMasks(w[i][1], sec, list);
    const name = i === 0 ? 'boot' : JSON.stringify(got.answers[i - 1].command);
    if (ours.join('\n') !== theirs.join('\n')) problems.push(`${name}: ${firstDifference(ours, theirs)}`);
    for (const m of list) {
      const mine = (l: string[]) => l.filter((line) => masks(m, sec, line));
      const a = mine(lines), b = mine(w[i][1]);
      if (a.length || b.length) differed.set(m, (differed.get(m) ?? false) || a.join('\n') !== b.join('\n'));
    }
  });
  if (problems.length) assert.fail(`${what}: ${problems.length} section(s) differ\n${problems.join('\n')}`);
  return differed;
}

/**
 * Every scenario on the interpreter and the first on the translator (a boot is short: most of it
 * runs cold, so the translator's boot mostly checks that the system VM is right on it too);
 * UNIVM_ENGINE=jit (or interp) runs every scenario on that engine.
 */
const RUNS: { s: (typeof SCENARIOS)[number]; engine: string | undefined }[] = process.env.UNIVM_ENGINE
  ? SCENARIOS.map((s) => ({ s, engine: process.env.UNIVM_ENGINE }))
  : [...SCENARIOS.map((s) => ({ s, engine: undefined })), { s: SCENARIOS[0], engine: 'jit' }];
const machineMaskDiffers = new Map<Mask, boolean>();
let comparedScenarios = 0;

for (const { s, engine } of RUNS) {
  const skip = univmSystem ?? skipReason(s);
  describe(`univm${engine ? ` --engine ${engine}` : ''} boots ${s.name} like QEMU 7.2 (recorded): ${s.about}`, { skip }, () => {
    let run: ConsoleRun;
    let got: Transcript;
    before(async () => {
      // An interpreter: a boot takes minutes, so every wait is generous. No timings are tested.
      run = await runConsole(process.execPath, [UNIVM, ...univmArgs(s, engine)], s.script, { bootTimeoutMs: 900_000, stepTimeoutMs: 180_000, exitTimeoutMs: 60_000 });
      got = splitTranscript(run.stdout, s.script.commands);
    });

    it('reaches every prompt and exits cleanly', () => {
      const tail = run.stdout.toString('latin1').slice(-2000);
      assert.equal(run.failure, undefined, `${run.failure}\n--- last output:\n${tail}\n--- stderr:\n${run.stderr}`);
      assert.equal(run.signal, null, `killed by ${run.signal}`);
      assert.equal(run.status, manifest.status[s.name], `exit status (stderr: ${run.stderr.slice(0, 1000)})`);
      assert.doesNotMatch(run.stderr, /\n\s+at .*:\d+:\d+\)?\n/, 'a stack trace on stderr');
    });

    it('prints what QEMU prints, apart from lines describing the machine', () => {
      const differed = compare(got, golden.get(s.name)!, [...VARIABLE, ...MACHINE_LINES], `${s.name} vs QEMU`);
      for (const m of MACHINE_LINES) if (differed.has(m)) machineMaskDiffers.set(m, (machineMaskDiffers.get(m) ?? false) || differed.get(m)!);
      comparedScenarios++;
    });
  });
}

describe('lines allowed to differ', { skip: univmSystem ?? (SCENARIOS.every((s) => skipReason(s)) ? 'no scenario ran' : false) }, () => {
  it('each differs in some scenario (else drop it from MACHINE_LINES)', () => {
    if (comparedScenarios < RUNS.length) return; // a failed comparison says nothing about the masks
    const same = [...machineMaskDiffers].filter(([, d]) => !d).map(([m]) => `${m.pattern} (${m.why})`);
    assert.deepEqual(same, []);
  });
});

const qemuVersion = qemuSystemVersion();
const liveSkip = !LIVE ? 'set UNIVM_LIVE=1 to run' : !qemuVersion ? 'qemu-system-riscv64 not installed (Debian package qemu-system-misc)'
  : !/version 7\.2\./.test(qemuVersion) ? `goldens are from ${manifest.qemu}, found ${qemuVersion}` : false;

describe('QEMU boots as recorded (live)', { skip: liveSkip }, () => {
  for (const s of SCENARIOS) {
    it(s.name, { skip: skipReason(s) }, async () => {
      const run = await runConsole('qemu-system-riscv64', qemuArgs(s), s.script, { bootTimeoutMs: 120_000, stepTimeoutMs: 60_000 });
      assert.equal(run.failure, undefined, `${run.failure}\n${run.stdout.toString('latin1').slice(-2000)}${run.stderr}`);
      assert.equal(run.status, manifest.status[s.name]);
      compare(splitTranscript(run.stdout, s.script.commands), golden.get(s.name)!, VARIABLE, `${s.name}: live QEMU vs recorded`);
    });
  }
});
