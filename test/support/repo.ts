import { execFile, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: the nearest directory above this file holding package.json. */
export const REPO = (() => {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  return dir;
})();

export const UNIVM = path.join(REPO, 'bin', 'univm.js');
export const SYSROOT = '/usr/riscv64-linux-gnu';
export const HAVE_SYSROOT = existsSync(path.join(SYSROOT, 'lib', 'ld-linux-riscv64-lp64d.so.1'));
export const LIVE = process.env.UNIVM_LIVE === '1';

/** The first line of `qemu-system-riscv64 --version`, or undefined when it is not installed. */
export function qemuSystemVersion(): string | undefined {
  if (!which('qemu-system-riscv64')) return undefined;
  const r = spawnSync('qemu-system-riscv64', ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.split('\n')[0] : undefined;
}

export function which(cmd: string): boolean {
  return (process.env.PATH ?? '/usr/bin:/bin').split(':').some((d) => existsSync(path.join(d, cmd)));
}

export interface RunResult { stdout: Buffer; stderr: Buffer; status: number }

/** Runs a command to completion with the given stdin, environment and working directory. */
export function runProcess(cmd: string, args: string[], opts: { cwd?: string; env?: Record<string, string>; stdin?: string | Buffer; timeoutMs?: number } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? {}, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [], err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 600_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ stdout: Buffer.concat(out), stderr: Buffer.concat(err), status: code ?? 128 + (signal ? osSignal(signal) : 0) });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(opts.stdin ?? '');
  });
}

function osSignal(name: string): number {
  return ({ SIGSEGV: 11, SIGILL: 4, SIGABRT: 6, SIGBUS: 7, SIGKILL: 9, SIGTRAP: 5, SIGFPE: 8 } as Record<string, number>)[name] ?? 0;
}

/** `univm ARGS...` */
export function univm(args: string[], opts: Parameters<typeof runProcess>[2] = {}): Promise<RunResult> {
  return runProcess(process.execPath, [UNIVM, ...args], opts);
}

export { execFile };
