/**
 * Bare-metal system guests (guests/system/): each must print the same console output and end
 * with the same exit status under `univm system` as under qemu-system-riscv64 7.2 (recorded in
 * guests/system/golden/), apart from the lines guests/system/deviations.json lists, where univm
 * follows the privileged spec instead. HTIF guests were recorded on QEMU's spike machine and
 * run on univm's default virt machine with HTIF switched on by their `tohost` symbol; UART
 * guests were recorded on QEMU's virt machine. With UNIVM_LIVE=1 and qemu-system-riscv64 installed, QEMU is also run
 * again and must still give the recorded answers.
 */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { LIVE, REPO, UNIVM, which } from '../support/repo.js';

interface SystemGuest {
  name: string;
  machine: 'spike' | 'virt';
  status: number;
  stdin?: string;
  covers: string;
}

const DIR = path.join(REPO, 'guests', 'system');
const manifest = JSON.parse(readFileSync(path.join(DIR, 'manifest.json'), 'utf8')) as SystemGuest[];
/** QEMU's -cpu for every guest, shared with record-golden.sh: its default CPU minus what univm lacks. */
const QEMU_CPU = (JSON.parse(readFileSync(path.join(DIR, 'qemu.json'), 'utf8')) as { cpu: string }).cpu;
const TIMEOUT_MS = 60_000;   // QEMU needs well under a second for any guest

/**
 * Where univm follows the privileged spec and QEMU 7.2 does not, the guest prints one neutral
 * line that differs (deviations.json): univm is compared with the golden after each `qemu`
 * line is replaced by its `univm` line.
 */
interface Deviation { guest: string; qemu: string; univm: string; why: string }
const deviations = JSON.parse(readFileSync(path.join(DIR, 'deviations.json'), 'utf8')) as Deviation[];

const binary = (g: SystemGuest) => path.join(DIR, 'bin', g.name);

function golden(g: SystemGuest): { stdout: string; status: number } {
  const file = (ext: string) => readFileSync(path.join(DIR, 'golden', `${g.name}.${ext}`));
  return { stdout: file('stdout').toString('latin1'), status: Number(file('status').toString().trim()) };
}

/** The golden output with this guest's deviation lines swapped for what univm prints. */
function univmGolden(g: SystemGuest): { stdout: string; status: number } {
  const want = golden(g);
  const swap = new Map(deviations.filter((d) => d.guest === g.name).map((d) => [d.qemu, d.univm]));
  return { ...want, stdout: want.stdout.split('\n').map((line) => swap.get(line) ?? line).join('\n') };
}

interface RunResult { stdout: Buffer; stderr: string; status: number }

/**
 * Runs a command with its stdout in a file, not a pipe. QEMU writes each HTIF character with a
 * one-byte non-blocking write and drops it when the write would block; a pipe to Node (a
 * socket pair, where every tiny write costs buffer space) fills long before a file would.
 */
function run(cmd: string, args: string[], stdin: string): Promise<RunResult> {
  const dir = mkdtempSync(path.join(tmpdir(), 'univm-baremetal-'));
  const outFile = path.join(dir, 'stdout');
  const out = openSync(outFile, 'w');
  return new Promise<RunResult>((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', out, 'pipe'], env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } });
    const err: Buffer[] = [];
    child.stderr!.on('data', (b: Buffer) => err.push(b));
    const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ stdout: readFileSync(outFile), stderr: Buffer.concat(err).toString(), status: code ?? (signal === 'SIGKILL' ? 137 : 128) });
    });
    child.stdin!.on('error', () => {});
    child.stdin!.end(stdin);
  }).finally(() => {
    closeSync(out);
    rmSync(dir, { recursive: true, force: true });
  });
}

function assertSame(got: RunResult, want: { stdout: string; status: number }, what: string): void {
  assert.equal(got.stdout.toString('latin1'), want.stdout, `${what}: console output differs`);
  assert.equal(got.status, want.status, `${what}: exit status differs (stderr: ${got.stderr.slice(0, 500)})`);
}

/** The translator runs with every block hot from its first entry, so all of a guest runs translated. */
const ENGINE_ARGS: Record<string, string[]> = { interp: [], jit: ['--engine', 'jit', '--jit-threshold', '1'] };
const runUnivm = (g: SystemGuest, engine: string) =>
  run(process.execPath, [UNIVM, 'system', ...ENGINE_ARGS[engine], '-bios', 'none', '-kernel', binary(g)], g.stdin ?? '');
const runQemu = (g: SystemGuest) =>
  run('qemu-system-riscv64', ['-M', g.machine, '-cpu', QEMU_CPU, '-nographic', '-bios', 'none', '-kernel', binary(g)], g.stdin ?? '');

describe('bare-metal guests: the committed files agree with the manifest', () => {
  for (const g of manifest) {
    it(g.name, () => {
      assert.ok(existsSync(binary(g)), `${g.name}: no binary (make -C guests/system)`);
      const elf = readFileSync(binary(g));
      assert.equal(elf.readUInt32BE(0), 0x7f454c46, `${g.name}: not an ELF`);
      // HTIF is found through the ELF's symbols: spike guests need them, virt guests must not have them.
      assert.equal(elf.includes('\0tohost\0'), g.machine === 'spike', `${g.name}: tohost symbol does not match machine ${g.machine}`);
      const want = golden(g);
      assert.equal(want.status, g.status, `${g.name}: recorded status differs from the manifest`);
      assert.doesNotMatch(want.stdout, /^(FAIL|UNEXPECTED)/m, `${g.name}: QEMU's recorded run has failures`);
    });
  }
});

describe('bare-metal guests: every deviation from QEMU names a line QEMU printed', () => {
  for (const [i, d] of deviations.entries()) {
    it(`${i}: ${d.guest}: ${d.qemu}`, () => {
      const g = manifest.find((m) => m.name === d.guest);
      assert.ok(g, `deviations.json names ${d.guest}, which is not in the manifest`);
      assert.ok(d.why.trim() !== '' && d.univm !== d.qemu, `deviation ${i} needs a different univm line and a why`);
      assert.doesNotMatch(d.univm, /^(FAIL|UNEXPECTED)/, `deviation ${i}: univm's line is a failure`);
      assert.ok(golden(g).stdout.split('\n').includes(d.qemu), `stale deviation ${i}: ${d.guest}'s golden has no line ${JSON.stringify(d.qemu)}`);
    });
  }
});

for (const engine of Object.keys(ENGINE_ARGS)) {
  describe(`bare-metal guests: univm system (${engine}) matches recorded QEMU 7.2`, { concurrency: 2 }, () => {
    for (const g of manifest) {
      it(g.name, async () => assertSame(await runUnivm(g, engine), univmGolden(g), `${g.name} on ${engine} (${g.covers})`));
    }
  });
}

const noQemu = !LIVE ? 'set UNIVM_LIVE=1 to run QEMU live' : !which('qemu-system-riscv64') ? 'qemu-system-riscv64 not installed' : false;
describe('bare-metal guests: live QEMU still gives the recorded answers', { skip: noQemu, concurrency: 2 }, () => {
  for (const g of manifest) {
    it(g.name, async () => assertSame(await runQemu(g), golden(g), `${g.name} under live qemu-system-riscv64 -M ${g.machine} -cpu ${QEMU_CPU}`));
  }
});
