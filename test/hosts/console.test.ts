/**
 * NodeConsole: QEMU's -nographic console keys (compared with golden/qemu-mux.json, recorded from
 * QEMU by qemu-mux.ts; UNIVM_LIVE=1 records again and compares), raw mode, piped input, output
 * buffering, and, in child processes (console-child.ts), that a stopped console lets the process
 * exit, that EPIPE quits, and that a real terminal (a pty from `script`) is restored.
 */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { consoleHelp, NodeConsole, TERMINATED, type ConsoleQuit, type NodeConsoleOptions } from '../../src/hosts/node/console.js';
import { LIVE, which } from '../support/repo.js';
import { normalizeTimestamps, readGolden, recordQemuMux, type MuxRecordedRun } from './qemu-mux.js';

const CHILD = fileURLToPath(new URL('./console-child.js', import.meta.url));

/** Lets stream events and the console's setImmediate flush run. */
const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const bytes = (s: string): Buffer => Buffer.from(s, 'latin1');

type FakeInput = PassThrough & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };

function fakeInput(tty: boolean): { input: FakeInput; raw: boolean[] } {
  const input: FakeInput = new PassThrough();
  const raw: boolean[] = [];
  input.isTTY = tty;
  input.setRawMode = (mode) => { raw.push(mode); return input; };
  return { input, raw };
}

function sink(): { out: Writable; chunks: Buffer[]; text: () => string; take: () => string } {
  const chunks: Buffer[] = [];
  let taken = 0;
  const out = new Writable({ write(c: Buffer, _e, cb) { chunks.push(c); cb(); } });
  const text = (): string => Buffer.concat(chunks).toString('latin1');
  return { out, chunks, text, take: () => { const t = text(); const r = t.slice(taken); taken = t.length; return r; } };
}

/** A console on fake streams, recording what reaches the guest and why it quit. */
function rig(opts: Partial<NodeConsoleOptions> & { tty?: boolean } = {}) {
  const { input, raw } = fakeInput(opts.tty ?? false);
  const s = sink();
  const got: number[] = [];
  const quits: ConsoleQuit[] = [];
  const con = new NodeConsole({
    input, output: s.out, handleSignals: false,
    onInput: (b) => got.push(...b), onQuit: (w) => quits.push(w), ...opts,
  });
  return { con, input, raw, s, got, quits };
}

const hex2 = (b: number): string => b.toString(16).padStart(2, '0');

/**
 * Plays a recorded QEMU session on a NodeConsole whose guest behaves as echo-guest.S: each byte
 * comes back as hex and CR LF; a break reads as a 0 byte, as on QEMU's UART. `split` sends the
 * input one byte a chunk, so that every escape is cut across chunks.
 */
async function replay(run: MuxRecordedRun, split: boolean): Promise<{ outputs: string[]; quits: ConsoleQuit[] }> {
  const echo = (b: number): void => con.writeBytes(bytes(`${hex2(b)}\r\n`));
  const { con, input, s, quits } = rig({
    escape: run.echr ?? 0x01,
    onInput: (b) => b.forEach(echo),
    onBreak: () => echo(0),
    clock: () => 0,
  });
  con.start();
  const outputs: string[] = [];
  for (const step of run.steps) {
    const data = bytes(step.send);
    if (split) for (const b of data) input.write(Uint8Array.of(b));
    else input.write(data);
    await tick();
    con.flushSync();
    outputs.push(normalizeTimestamps(s.take()));
  }
  con.stop();
  return { outputs, quits };
}

/** What univm should print where QEMU printed this: its name, and no lines for C-a s / C-a c. */
function expectedFromQemu(output: string): string {
  return output
    .replace('QEMU: Terminated\n\r', TERMINATED)
    .replace(/(C-[a-z]|Escape-Char) s {4}save disk data back to file \(if -snapshot\)\n\r/, '')
    .replace(/(C-[a-z]|Escape-Char) c {4}switch between console and monitor\n\r/, '');
}

describe('NodeConsole: QEMU -nographic keys (golden)', () => {
  const golden = readGolden();
  for (const run of golden.runs) {
    for (const split of [false, true]) {
      it(`${run.name}${split ? ', one byte a chunk' : ''}`, async () => {
        const { outputs, quits } = await replay(run, split);
        run.steps.forEach((step, i) => assert.equal(outputs[i], expectedFromQemu(step.output), step.note));
        assert.equal(run.status, 0);
        assert.deepEqual(quits, [{ kind: 'escape' }]);
      });
    }
  }

  it('help without onBreak lists no C-a b, and C-a b is then dropped', async () => {
    const { con, input, s, got } = rig();
    con.start();
    input.write(bytes('\x01h\x01bz'));
    await tick();
    assert.equal(s.text(), consoleHelp(1, false));
    assert.doesNotMatch(s.text(), / b {4}/);
    assert.deepEqual(got, [0x7a]);
    con.stop();
  });

  it('UNIVM_LIVE=1: QEMU still behaves as recorded', { skip: !(LIVE && which('qemu-system-riscv64') && which('riscv64-linux-gnu-as')) }, async () => {
    assert.deepEqual((await recordQemuMux()).runs, readGolden().runs);
  });
});

describe('NodeConsole: terminal', () => {
  it('a TTY goes raw on start() and back on stop(), once', () => {
    const { con, raw } = rig({ tty: true });
    con.start();
    assert.deepEqual(raw, [true]);
    assert.equal(con.isRaw, true);
    con.stop();
    con.stop();
    assert.deepEqual(raw, [true, false]);
    assert.equal(con.isRaw, false);
  });

  it('a pipe is never put in raw mode', () => {
    const { con, raw } = rig({ tty: false });
    con.start();
    con.stop();
    assert.deepEqual(raw, []);
  });

  it('C-a x restores the terminal, delivers what came before, drops what follows, detaches', async () => {
    const { con, input, raw, s, got, quits } = rig({ tty: true });
    con.start();
    input.write(bytes('ab\x01xcd'));
    input.write(bytes('ef'));
    await tick();
    assert.deepEqual(got, [0x61, 0x62]);
    assert.deepEqual(quits, [{ kind: 'escape' }]);
    assert.deepEqual(raw, [true, false]);
    assert.equal(s.text(), TERMINATED);
    assert.equal(input.listenerCount('data'), 0);
  });

  it('start() hooks process exit and SIGTERM/SIGHUP/SIGINT; stop() unhooks them', () => {
    const signals = ['exit', 'SIGTERM', 'SIGHUP', 'SIGINT'] as const;
    const before = signals.map((e) => process.listenerCount(e));
    const { con } = rig({ tty: true, handleSignals: true });
    con.start();
    assert.deepEqual(signals.map((e) => process.listenerCount(e)), before.map((n) => n + 1));
    con.stop();
    assert.deepEqual(signals.map((e) => process.listenerCount(e)), before);
  });

  it('rejects an escape key that is not a byte, in one line', () => {
    assert.throws(() => rig({ escape: 300 }), /^RangeError: univm: console escape key must be a byte value 0\.\.255, got 300$/m);
  });
});

describe('NodeConsole: input', () => {
  it('piped chunks reach the guest as they come, bytes unchanged', async () => {
    const { con, input, got } = rig();
    con.start();
    input.write(bytes('help\n'));
    await tick();
    assert.deepEqual(Buffer.from(got).toString('latin1'), 'help\n');
    input.write(Uint8Array.of(0x00, 0x03, 0x80, 0xff, 0x0d));
    await tick();
    assert.deepEqual(got.slice(5), [0x00, 0x03, 0x80, 0xff, 0x0d]);
    con.stop();
  });

  it('end of input does not quit; output still works', async () => {
    const { con, input, got, quits, s } = rig();
    con.start();
    input.end(bytes('ls\n'));
    await tick();
    await tick();
    assert.deepEqual(got, [0x6c, 0x73, 0x0a]);
    assert.deepEqual(quits, []);
    con.writeBytes(bytes('still here\n'));
    await tick();
    assert.equal(s.text(), 'still here\n');
    con.stop();
  });

  it('escape null passes C-a and everything after it to the guest', async () => {
    const { con, input, got, quits } = rig({ escape: null });
    con.start();
    input.write(bytes('\x01x\x01h'));
    await tick();
    assert.deepEqual(got, [0x01, 0x78, 0x01, 0x68]);
    assert.deepEqual(quits, []);
    con.stop();
  });

  it('a chunk ending in C-a holds it until the next chunk', async () => {
    const { con, input, got } = rig();
    con.start();
    input.write(bytes('a\x01'));
    await tick();
    assert.deepEqual(got, [0x61]);
    input.write(bytes('\x01b'));
    await tick();
    assert.deepEqual(got, [0x61, 0x01, 0x62]);
    con.stop();
  });

  it('no input is read after stop()', async () => {
    const { con, input, got } = rig();
    con.start();
    con.stop();
    input.write(bytes('late'));
    await tick();
    assert.deepEqual(got, []);
  });
});

describe('NodeConsole: output', () => {
  it('buffers writes and flushes them at the end of the macrotask, in one piece', async () => {
    const { con, s } = rig();
    for (const b of bytes('abc')) con.write(b);
    con.writeBytes(bytes('def\n'));
    assert.equal(s.text(), '');
    await tick();
    assert.equal(s.text(), 'abcdef\n');
    assert.equal(s.chunks.length, 1);
  });

  it('flushSync() writes at once; 64 KiB piled up flush without waiting', () => {
    const { con, s } = rig();
    con.writeBytes(bytes('x'));
    con.flushSync();
    assert.equal(s.text(), 'x');
    con.writeBytes(new Uint8Array(64 * 1024 - 1));
    assert.equal(s.text().length, 1);
    con.write(0);
    assert.equal(s.text().length, 1 + 64 * 1024);
  });

  it('on a file descriptor flushSync() is final', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'univm-console-'));
    try {
      const file = path.join(dir, 'out');
      const fd = openSync(file, 'w');
      const con = new NodeConsole({ output: fd, onInput: () => {}, onQuit: () => {} });
      con.writeBytes(bytes('boot\r\n'));
      con.write(0x24);
      con.flushSync();
      assert.equal(readFileSync(file, 'latin1'), 'boot\r\n$');
      closeSync(fd);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('timestamps: "[hh:mm:ss.mmm] " from the first stamped line, starting after the next newline', async () => {
    let now = 5000;
    const { con, input, s } = rig({ clock: () => now });
    con.start();
    con.writeBytes(bytes('a\n'));
    input.write(bytes('\x01t'));
    await tick();
    con.writeBytes(bytes('b\nc'));
    now += 3_723_004;
    con.writeBytes(bytes('\nd'));
    for (const b of bytes('\ne')) con.write(b);
    con.flushSync();
    assert.equal(s.text(), 'a\nb\n[00:00:00.000] c\n[01:02:03.004] d\n[01:02:03.004] e');
    con.stop();
  });

  it('a stream error quits once, with its code', async () => {
    const { input } = fakeInput(false);
    const out = new Writable({ write(_c, _e, cb) { cb(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' })); } });
    const quits: ConsoleQuit[] = [];
    const con = new NodeConsole({ input, output: out, handleSignals: false, onInput: () => {}, onQuit: (w) => quits.push(w) });
    con.start();
    con.writeBytes(bytes('x'));
    con.flushSync();
    await tick();
    con.writeBytes(bytes('y'));
    con.flushSync();
    await tick();
    assert.deepEqual(quits, [{ kind: 'output-closed', code: 'EPIPE' }]);
  });
});

interface ChildRun { stdout: string; stderr: string; code: number | null }

/**
 * Runs console-child.ts (under `script` for a pty when `pty`), feeding `steps`: each waits for
 * a text in the child's output, then sends bytes. The guard only ends a child that hangs.
 */
function child(mode: string, pty: boolean, steps: { when: string; send?: string; closeStdout?: boolean }[] = []): Promise<ChildRun> {
  const cmd = pty ? 'script' : process.execPath;
  const args = pty ? ['-qfec', `'${process.execPath}' '${CHILD}' ${mode}`, '/dev/null'] : [CHILD, mode];
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '', stderr = '', next = 0;
    const guard = setTimeout(() => p.kill('SIGKILL'), 60_000);
    const check = (): void => {
      while (next < steps.length && (stdout + stderr).includes(steps[next].when)) {
        const st = steps[next++];
        if (st.send !== undefined) p.stdin.write(bytes(st.send));
        if (st.closeStdout) p.stdout.destroy();
      }
    };
    p.stdout.on('data', (b: Buffer) => { stdout += b.toString('latin1'); check(); });
    p.stderr.on('data', (b: Buffer) => { stderr += b.toString('latin1'); check(); });
    p.stdin.on('error', () => {});
    p.on('error', reject);
    p.on('close', (code) => { clearTimeout(guard); resolve({ stdout, stderr, code }); });
  });
}

function runShell(script: string): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const p = spawn('sh', ['-c', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    p.stdout.on('data', (b: Buffer) => { stdout += b.toString('latin1'); });
    p.stderr.on('data', (b: Buffer) => { stderr += b.toString('latin1'); });
    p.on('error', reject);
    p.on('close', (code) => resolve({ stdout, stderr, code }));
  });
}

const ttyLines = (text: string): string[] => [...text.matchAll(/^tty (\S+)/gm)].map((m) => m[1]);

describe('NodeConsole: in a real process', () => {
  it('after stop() the process exits by itself, its stdin pipe still open', async () => {
    const r = await child('stop', false, [{ when: 'ready', send: 'a' }]);
    assert.equal(r.code, 0);
    assert.match(r.stderr, /^input 61$/m);
  });

  it('a reader that goes away (EPIPE on a pipe, ECONNRESET on a socket) quits quietly', async () => {
    const r = await child('epipe', false, [{ when: 'ready', closeStdout: true }]);
    assert.equal(r.code, 0);
    assert.match(r.stderr, /^quit \{"kind":"output-closed","code":"(EPIPE|ECONNRESET)"\}\n$/);
    const piped = await runShell(`'${process.execPath}' '${CHILD}' epipe | head -c 100000 >/dev/null`);
    assert.equal(piped.code, 0);
    assert.equal(piped.stderr, 'quit {"kind":"output-closed","code":"EPIPE"}\n');
  });

  const noPty = !which('script') && 'needs `script` (util-linux) for a pseudo-terminal';

  it('on a terminal: raw mode (C-c reaches the guest), C-a x restores it', { skip: noPty }, async () => {
    const r = await child('tty', true, [{ when: 'ready', send: '\x03' }, { when: 'input 03', send: '\x01x' }]);
    assert.equal(r.code, 0, r.stdout);
    const [before, after] = ttyLines(r.stdout);
    assert.equal(after, before);
    const raw = /^raw (.*)$/m.exec(r.stdout)?.[1].trim().split(' ').sort();
    assert.deepEqual(raw, ['-echo', '-icanon', '-icrnl', '-isig', '-ixon']);
    assert.match(r.stdout, /univm: terminated/);
    assert.match(r.stdout, /quit \{"kind":"escape"\}/);
  });

  it('on a terminal: after stop() the process exits by itself', { skip: noPty }, async () => {
    const r = await child('stop', true, [{ when: 'ready', send: 'a' }]);
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, /^input 61\r?$/m);
  });

  it('on a terminal: SIGTERM restores it and quits', { skip: noPty }, async () => {
    const r = await child('tty-signal', true);
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, /univm: terminating on signal 15/);
    assert.match(r.stdout, /quit \{"kind":"signal","signal":"SIGTERM"\}/);
    const ttys = ttyLines(r.stdout);
    assert.equal(ttys.length, 2);
    assert.equal(ttys[1], ttys[0]);
  });

  it('on a terminal: an uncaught exception still restores it', { skip: noPty }, async () => {
    const r = await child('tty-throw', true);
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stdout, /Error: deliberate/);
    const ttys = ttyLines(r.stdout);
    assert.equal(ttys.length, 2);
    assert.equal(ttys[1], ttys[0]);
  });
});
