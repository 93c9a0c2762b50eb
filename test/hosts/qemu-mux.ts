/**
 * What QEMU's -nographic console (the stdio "mux") does with typed keys, recorded for
 * console.test.ts: echo-guest.S runs on qemu-system-riscv64 -M virt and prints every byte the
 * UART receives as hex, so the recording shows which bytes reach the guest and what the console
 * itself prints (help, timestamps, "Terminated").
 *
 * Each step sends some bytes; a step marked `wait` ends with "." and the recorder waits for
 * its echo ("2e") before the next step, so that QEMU's own messages and the guest's echo come
 * out in one order (QEMU prints help at once, the guest echoes a little later).
 *
 * Re-record: `npx tsc -p . && node dist/test/hosts/qemu-mux.js --write` (needs Debian's
 * qemu-system-misc and binutils-riscv64-linux-gnu). Without --write it does nothing, since
 * `node --test` may load every file.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { REPO } from '../support/repo.js';

export interface MuxStep { note: string; send: string; wait: boolean }
export interface MuxRun { name: string; echr?: number; steps: MuxStep[] }
export interface MuxRecordedRun { name: string; echr?: number; steps: (MuxStep & { output: string })[]; status: number | null }
export interface MuxGolden { qemu: string; runs: MuxRecordedRun[] }

export const GOLDEN_FILE = path.join(REPO, 'test', 'hosts', 'golden', 'qemu-mux.json');
const GUEST_SOURCE = path.join(REPO, 'test', 'hosts', 'echo-guest.S');
export const SENTINEL = '2e\r\n';

/** Byte strings are latin1: one char a byte. */
export const MUX_RUNS: MuxRun[] = [
  {
    name: 'default escape (C-a)',
    steps: [
      { note: 'plain bytes, control bytes included', send: 'a\x03\x00\xff\r.', wait: true },
      { note: 'C-a C-a sends one C-a', send: '\x01\x01.', wait: true },
      { note: 'C-a + keys without a command: dropped', send: '\x01q\x01z\x01\x1b\x01\x03\x01s.', wait: true },
      { note: 'escape split across writes (first half)', send: '\x01', wait: false },
      { note: 'escape split across writes (second half)', send: '\x01.', wait: true },
      { note: 'C-a h prints the help', send: '\x01h.', wait: true },
      { note: 'C-a t turns timestamps on', send: '\x01tab.', wait: true },
      { note: 'C-a t turns timestamps off', send: '\x01tc.', wait: true },
      { note: 'C-a b sends a break', send: '\x01b.', wait: true },
      { note: 'C-a x quits', send: '\x01x', wait: false },
    ],
  },
  {
    name: '-echr 20 (C-t)',
    echr: 20,
    steps: [
      { note: 'help names the key C-t', send: '\x14h.', wait: true },
      { note: 'C-a is a plain byte; C-t C-t sends C-t', send: '\x01\x14\x14.', wait: true },
      { note: 'C-t x quits', send: '\x14x', wait: false },
    ],
  },
  {
    name: '-echr 29 (no C- name)',
    echr: 29,
    steps: [
      { note: 'help calls it Escape-Char', send: '\x1dh.', wait: true },
      { note: 'quit', send: '\x1dx', wait: false },
    ],
  },
];

function run(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} failed: ${r.error?.message ?? r.stderr}`);
}

function buildGuest(dir: string): string {
  const obj = path.join(dir, 'echo.o'), elf = path.join(dir, 'echo.elf'), bin = path.join(dir, 'echo.bin');
  run('riscv64-linux-gnu-as', ['-march=rv64i', '-o', obj, GUEST_SOURCE]);
  run('riscv64-linux-gnu-ld', ['-Ttext=0x80000000', '-o', elf, obj]);
  run('riscv64-linux-gnu-objcopy', ['-O', 'binary', elf, bin]);
  return bin;
}

/** Elapsed times vary from run to run; the golden keeps where the stamps go. */
export function normalizeTimestamps(text: string): string {
  return text.replace(/\[\d{2,}:\d{2}:\d{2}\.\d{3}\] /g, '[TIMESTAMP] ');
}

function count(hay: string, needle: string): number {
  let n = 0;
  for (let i = hay.indexOf(needle); i >= 0; i = hay.indexOf(needle, i + needle.length)) n++;
  return n;
}

async function recordRun(bios: string, r: MuxRun): Promise<MuxRecordedRun> {
  const args = ['-M', 'virt', '-nographic', '-bios', bios, ...(r.echr !== undefined ? ['-echr', String(r.echr)] : [])];
  const child = spawn('qemu-system-riscv64', args, { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  let notify = (): void => {};
  child.stdout.on('data', (b: Buffer) => { out += b.toString('latin1'); notify(); });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  // A guard against a QEMU that never answers, not a timing assumption of the recording.
  const guard = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const steps: MuxRecordedRun['steps'] = [];
  let taken = 0, waited = 0;
  for (const step of r.steps) {
    child.stdin.write(Buffer.from(step.send, 'latin1'));
    if (step.wait) {
      waited++;
      while (count(out, SENTINEL) < waited) {
        if (child.exitCode !== null) throw new Error(`QEMU exited during "${step.note}"`);
        await new Promise<void>((resolve) => { notify = resolve; });
      }
    } else if (step === r.steps[r.steps.length - 1]) {
      await exited;
    }
    steps.push({ ...step, output: normalizeTimestamps(out.slice(taken)) });
    taken = out.length;
  }
  child.stdin.end();
  const status = await exited;
  clearTimeout(guard);
  return { name: r.name, ...(r.echr !== undefined ? { echr: r.echr } : {}), steps, status };
}

/** Runs every MUX_RUNS script on QEMU. */
export async function recordQemuMux(): Promise<MuxGolden> {
  const dir = mkdtempSync(path.join(tmpdir(), 'univm-mux-'));
  try {
    const bios = buildGuest(dir);
    const runs: MuxRecordedRun[] = [];
    for (const r of MUX_RUNS) runs.push(await recordRun(bios, r));
    const qemu = spawnSync('qemu-system-riscv64', ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0];
    return { qemu, runs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function readGolden(): MuxGolden {
  return JSON.parse(readFileSync(GOLDEN_FILE, 'utf8')) as MuxGolden;
}

if (process.argv.includes('--write')) {
  const g = await recordQemuMux();
  writeFileSync(GOLDEN_FILE, JSON.stringify(g, null, 2) + '\n');
  console.log(`${g.runs.length} runs written to ${GOLDEN_FILE}`);
}
