/**
 * Drives a machine's serial console through pipes the way a person at a terminal would: wait
 * for U-Boot's autoboot countdown and stop it with a key (again whenever the machine restarts),
 * wait for the `=> ` prompt, type each command one character at a time (waiting for U-Boot's
 * echo of each, so no input is ever queued ahead of what the guest has read), and finally quit
 * with Ctrl-A x or a command that powers the machine off. The same driver runs QEMU (to record goldens), univm (the boot test)
 * and both under the benchmark.
 */
import { spawn } from 'node:child_process';

export interface ConsoleScript {
  /** Commands typed at the U-Boot prompt, one after another. */
  commands: string[];
  /** How the session ends: Ctrl-A x at the last prompt, or the last command powers off. */
  quit: 'ctrl-a-x' | 'poweroff';
}

export interface ConsoleOptions {
  env?: Record<string, string>;
  /** For each prompt: from start, or from a command (which may reset the machine). */
  bootTimeoutMs?: number;
  /** For the echo of each character typed. */
  stepTimeoutMs?: number;
  /** After quitting, for the process to exit. */
  exitTimeoutMs?: number;
}

export interface ConsoleRun {
  /** Everything the machine wrote on stdout, as bytes. */
  stdout: Buffer;
  stderr: string;
  /** Exit status; undefined when a signal ended the process (see `signal`). */
  status: number | undefined;
  signal: string | null;
  /** Seconds from spawn to the first `=> ` prompt (undefined: never reached). */
  promptSeconds?: number;
  /** Why the session did not go as scripted, if it did not. */
  failure?: string;
}

export const AUTOBOOT = 'Hit any key to stop autoboot';
export const PROMPT = '=> ';

/** Output text as the tests compare it: latin1 so that every byte survives, line ends as LF. */
export function consoleText(stdout: Buffer): string {
  return stdout.toString('latin1').replace(/\r\n/g, '\n').replace(/\n\r/g, '\n');
}

class Failure extends Error {}

export function runConsole(cmd: string, args: string[], script: ConsoleScript, opts: ConsoleOptions = {}): Promise<ConsoleRun> {
  const bootTimeout = opts.bootTimeoutMs ?? 300_000;
  const stepTimeout = opts.stepTimeoutMs ?? 120_000;
  const exitTimeout = opts.exitTimeoutMs ?? 30_000;
  const t0 = process.hrtime.bigint();
  const child = spawn(cmd, args, { env: opts.env ?? { PATH: process.env.PATH ?? '/usr/bin:/bin' }, stdio: ['pipe', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  let text = '';
  let errText = '';
  let exited: { status: number | undefined; signal: string | null } | undefined;
  let wake: (() => void) | undefined;
  const poke = () => { const w = wake; wake = undefined; w?.(); };
  child.stdout.on('data', (b: Buffer) => { out.push(b); text += b.toString('latin1'); poke(); });
  child.stderr.on('data', (b: Buffer) => { errText += b.toString('latin1'); });
  child.stdin.on('error', () => {});
  const closed = new Promise<void>((resolve) => {
    child.on('close', (code, signal) => { exited = { status: code ?? undefined, signal }; poke(); resolve(); });
    child.on('error', (e) => { errText += `${e.message}\n`; exited = { status: undefined, signal: null }; poke(); resolve(); });
  });

  /** Resolves once `test(text)` holds; fails on timeout or if the process exits first. */
  async function until(what: string, test: () => boolean, ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    while (!test()) {
      if (exited) throw new Failure(`exited (status ${exited.status}, signal ${exited.signal}) while waiting for ${what}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Failure(`timed out after ${ms / 1000} s waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => { wake = undefined; resolve(); }, left);
        wake = () => { clearTimeout(timer); resolve(); };
      });
    }
  }

  const atPrompt = (from: number) => {
    const k = text.lastIndexOf(PROMPT);
    return k >= from && k + PROMPT.length === text.length && (k === 0 || text[k - 1] === '\n');
  };

  /**
   * Waits for the prompt after `from`. Each autoboot countdown on the way (the first boot,
   * or another after a command reset the machine) is stopped with a key: U-Boot takes any.
   */
  let countdowns = 0;
  async function prompt(from: number, what: string): Promise<void> {
    let seen = from;
    for (;;) {
      await until(what, () => atPrompt(from) || text.indexOf(AUTOBOOT, seen) >= 0, bootTimeout);
      const k = text.indexOf(AUTOBOOT, seen);
      if (k < 0) return;
      child.stdin.write(' ');
      countdowns++;
      seen = k + AUTOBOOT.length;
      from = seen;
    }
  }

  async function type(line: string): Promise<void> {
    for (const ch of line) {
      const from = text.length;
      child.stdin.write(ch, 'latin1');
      await until(`the echo of ${JSON.stringify(ch)} in ${JSON.stringify(line)}`, () => text.indexOf(ch, from) >= 0, stepTimeout);
    }
  }

  async function session(): Promise<number | undefined> {
    script.commands.forEach((c) => { if (/[\r\n\x01]/.test(c)) throw new Failure(`command ${JSON.stringify(c)} holds a control character`); });
    await prompt(0, 'the first prompt');
    const promptSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
    if (countdowns === 0) throw new Failure(`no "${AUTOBOOT}" before the first prompt`);
    for (const [i, command] of script.commands.entries()) {
      const from = text.length;
      await type(command);
      child.stdin.write('\r');
      if (script.quit === 'poweroff' && i === script.commands.length - 1) break;
      await prompt(from + command.length, `the prompt after ${JSON.stringify(command)}`);
    }
    // stdin stays open: the machine must end because it was told to, not because input ended.
    if (script.quit === 'ctrl-a-x') child.stdin.write('\x01x');
    return promptSeconds;
  }

  return (async () => {
    let failure: string | undefined;
    let promptSeconds: number | undefined;
    try {
      promptSeconds = await session();
      await until('the process to exit', () => exited !== undefined, exitTimeout);
    } catch (e) {
      if (!(e instanceof Failure)) throw e;
      failure = e.message;
    }
    if (!exited) child.kill('SIGKILL');
    child.stdin.destroy();
    await closed;
    return { stdout: Buffer.concat(out), stderr: errText, status: exited?.status, signal: exited?.signal ?? null, promptSeconds, failure };
  })();
}
