/**
 * Every guest program under guests/ gives the same stdout, stderr and exit status under univm
 * as under qemu-riscv64 (recorded in guests/golden/), and where portable, the same stdout as
 * its native build. With UNIVM_LIVE=1 and qemu-riscv64 installed, QEMU is also run live.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { HAVE_SYSROOT, LIVE, REPO, SYSROOT, runProcess, univm, which, type RunResult } from '../support/repo.js';

interface GuestEntry { name: string; args?: string[]; env?: Record<string, string>; stdin?: string; dynamic?: boolean; portable?: boolean }

const GUESTS = path.join(REPO, 'guests');
const manifest = JSON.parse(readFileSync(path.join(GUESTS, 'manifest.json'), 'utf8')) as GuestEntry[];

/**
 * Emulator diagnostics are not guest output: QEMU 7.2 prints nothing when a signal kills the
 * guest, univm prints "univm: uncaught target signal ..." and the faulting pc. Lines an
 * emulator writes in its own name are dropped before comparing.
 */
export function normalizeStderr(s: string): string {
  return s.split('\n').filter((l) => !/^(univm|qemu): /.test(l)).join('\n');
}

async function inTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(path.join(tmpdir(), 'univm-guest-'));
  try { return await fn(dir); } finally { rmSync(dir, { recursive: true, force: true }); }
}

type Emulator = 'univm' | 'univm-jit' | 'univm-check' | 'qemu';

const ENGINE_LABEL: Record<Exclude<Emulator, 'qemu'>, string> = {
  'univm': 'interpreter', 'univm-jit': 'translator', 'univm-check': 'interpreter and translator in lockstep',
};

function runUnder(emulator: Emulator, g: GuestEntry): Promise<RunResult> {
  const bin = path.join(GUESTS, 'bin', g.name);
  return inTempDir((cwd) => {
    const opts = { cwd, env: g.env ?? {}, stdin: g.stdin ?? '' };
    // The jit translates every block on first entry, so all of the program runs translated (and,
    // under check, every translated block is compared with the interpreter).
    const engine = emulator === 'univm-jit' ? ['--engine', 'jit', '--jit-threshold', '1']
      : emulator === 'univm-check' ? ['--engine', 'check', '--jit-threshold', '1'] : [];
    return emulator === 'qemu'
      ? runProcess('qemu-riscv64', ['-L', SYSROOT, bin, ...(g.args ?? [])], opts)
      : univm(['run', ...engine, '-L', SYSROOT, bin, ...(g.args ?? [])], opts);
  });
}

function assertSame(got: RunResult, want: { stdout: Buffer; stderr: string; status: number }, what: string): void {
  assert.equal(got.stdout.toString('latin1'), want.stdout.toString('latin1'), `${what}: stdout differs`);
  assert.equal(normalizeStderr(got.stderr.toString()), normalizeStderr(want.stderr), `${what}: stderr differs`);
  assert.equal(got.status, want.status, `${what}: exit status differs (stderr: ${got.stderr.toString().slice(0, 500)})`);
}

for (const engine of ['univm', 'univm-jit', 'univm-check'] as const)
describe(`guest programs match QEMU (${ENGINE_LABEL[engine]})`, { concurrency: 2 }, () => {
  for (const g of manifest) {
    const skip = g.dynamic && !HAVE_SYSROOT ? `dynamically linked; needs ${SYSROOT} (Debian libc6-riscv64-cross)` : false;
    it(g.name, { skip }, async () => {
      const golden = (ext: string) => readFileSync(path.join(GUESTS, 'golden', `${g.name}.${ext}`));
      const want = { stdout: golden('stdout'), stderr: golden('stderr').toString(), status: Number(golden('status').toString().trim()) };
      const got = await runUnder(engine, g);
      assertSame(got, want, `${g.name} vs recorded QEMU`);
      const native = path.join(GUESTS, 'golden', `${g.name}.native.stdout`);
      if (g.portable && existsSync(native)) assert.equal(got.stdout.toString('latin1'), readFileSync(native).toString('latin1'), `${g.name}: differs from the native x86-64 build`);
      if (LIVE && engine === 'univm' && which('qemu-riscv64')) {
        const q = await runUnder('qemu', g);
        assertSame(got, { stdout: q.stdout, stderr: q.stderr.toString(), status: q.status }, `${g.name} vs live QEMU`);
      }
    });
  }
});
