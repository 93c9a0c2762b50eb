// Cross toolchain, QEMU and univm process helpers for the random differential test.

import { execFile, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const AS = process.env.RISCV_AS ?? 'riscv64-linux-gnu-as';
export const LD = process.env.RISCV_LD ?? 'riscv64-linux-gnu-ld';
export const QEMU = process.env.QEMU_RISCV64 ?? 'qemu-riscv64';

/** Fixed link address: static, non-PIE, so auipc/jal link values are the same everywhere. */
export const TEXT_ADDR = '0x10000';
export const AS_FLAGS = ['-march=rv64gc', '-mabi=lp64d', '-mno-relax'];
export const LD_FLAGS = ['-static', '-nostdlib', '--no-relax', '--build-id=none', `-Ttext=${TEXT_ADDR}`, '-e', '_start'];

/** Repository root: walk up from this module until a package.json is found. */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('package.json not found above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
}

export function goldenDir(seed: number): string {
  return join(repoRoot(), 'test', 'random', 'golden', `seed-${seed}`);
}

function toolWorks(cmd: string, args: string[]): boolean {
  try {
    const r = spawnSync(cmd, args, { stdio: 'ignore', timeout: 20_000 });
    return r.status === 0;
  } catch {
    return false;
  }
}

/** True when the cross assembler, linker and qemu-riscv64 are all runnable. */
export function toolsAvailable(): boolean {
  return toolWorks(AS, ['--version']) && toolWorks(LD, ['--version']) && toolWorks(QEMU, ['--version']);
}

export interface RunResult {
  code: number | null;
  signal: string | null;
  stdout: Buffer;
  stderr: string;
  timedOut: boolean;
  ms: number;
}

/** Run a command, capturing stdout as bytes. Never rejects. */
export function run(cmd: string, args: string[], opts: { cwd?: string; timeoutMs?: number } = {}): Promise<RunResult> {
  const t0 = Date.now();
  return new Promise((res) => {
    execFile(
      cmd,
      args,
      {
        cwd: opts.cwd,
        timeout: opts.timeoutMs ?? 120_000,
        killSignal: 'SIGKILL',
        encoding: 'buffer',
        maxBuffer: 256 * 1024 * 1024,
      },
      (err, stdout, stderr) => {
        const e = err as (NodeJS.ErrnoException & { code?: number | string; signal?: string; killed?: boolean }) | null;
        res({
          code: e ? (typeof e.code === 'number' ? e.code : null) : 0,
          signal: e?.signal ?? null,
          stdout: Buffer.from(stdout ?? []),
          stderr: (stderr ?? Buffer.alloc(0)).toString('utf8') + (e && typeof e.code === 'string' ? `\n${e.message}` : ''),
          timedOut: !!(e?.killed && e.signal === 'SIGKILL'),
          ms: Date.now() - t0,
        });
      },
    );
  });
}

export function describeExit(r: RunResult): string {
  if (r.timedOut) return `timed out after ${r.ms} ms`;
  if (r.signal) return `killed by ${r.signal}`;
  return `exit code ${r.code}`;
}

/** Run async jobs with bounded concurrency, preserving result order. */
export async function pool<T, R>(items: readonly T[], limit: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/**
 * Assemble and link `<dir>/<base>.S` into `<dir>/<base>.elf` (intermediate `<base>.o`).
 * Tools run with cwd = dir and relative file names so the ELF does not depend on the directory.
 */
export async function assembleAndLink(dir: string, base: string, asm: string): Promise<string> {
  writeFileSync(join(dir, `${base}.S`), asm);
  const a = await run(AS, [...AS_FLAGS, '-o', `${base}.o`, `${base}.S`], { cwd: dir });
  if (a.code !== 0) throw new Error(`${AS} failed on ${join(dir, base)}.S (${describeExit(a)}):\n${a.stderr}`);
  const l = await run(LD, [...LD_FLAGS, '-o', `${base}.elf`, `${base}.o`], { cwd: dir });
  if (l.code !== 0) throw new Error(`${LD} failed on ${join(dir, base)}.o (${describeExit(l)}):\n${l.stderr}`);
  return resolve(dir, `${base}.elf`);
}

export function runQemu(elf: string, timeoutMs = 60_000): Promise<RunResult> {
  return run(QEMU, [elf], { timeoutMs });
}

/** The univm CLI script (UNIVM_BIN overrides it, e.g. to test this harness with a fake emulator). */
export function univmBin(): string {
  return process.env.UNIVM_BIN ?? join(repoRoot(), 'bin', 'univm.js');
}

/**
 * `engine` 'jit' translates every block on first entry (--jit-threshold 1), so straight-line
 * code is translated too; the explorer takes it from UNIVM_ENGINE.
 */
export function runUnivm(elf: string, timeoutMs = 120_000, engine: 'interp' | 'jit' = process.env.UNIVM_ENGINE === 'jit' ? 'jit' : 'interp'): Promise<RunResult> {
  const opts = engine === 'jit' ? ['--engine', 'jit', '--jit-threshold', '1'] : [];
  return run(process.execPath, [univmBin(), 'run', ...opts, elf], { timeoutMs });
}

export function readText(path: string): string {
  return readFileSync(path, 'utf8');
}
