/**
 * The host console of the system VM: the terminal (or pipe) the user types into and the guest's
 * serial output, with the keys of QEMU's `-nographic` stdio console (its "mux").
 *
 * Input. When stdin is a terminal it is put in raw mode (no echo, no line editing, Ctrl-C and
 * Ctrl-Z reach the guest as 0x03 and 0x1a, Enter arrives as CR) and restored on every way out:
 * stop(), quit, SIGTERM/SIGHUP/SIGINT, process exit (also after an uncaught exception). Piped
 * or file input is forwarded as it arrives, without raw mode; its end is not an error and does
 * not quit (QEMU keeps running after stdin EOF). The escape prefix (Ctrl-A unless `escape`
 * says otherwise) works on both, as in QEMU, so a script can end a session with "\x01x":
 *   C-a h    print the key list            C-a x    quit (prints "univm: terminated")
 *   C-a t    toggle output timestamps      C-a b    send a break (only with `onBreak`)
 *   C-a C-a  send one C-a to the guest     C-a + any other key: both bytes dropped
 * QEMU's `C-a s` (commit disks) and `C-a c` (monitor) have no counterpart and are dropped too.
 * The help and terminated lines go to the console output (stdout), as QEMU writes them, with
 * QEMU's "\n\r" line ends.
 *
 * Output. Guest bytes are buffered and flushed once per macrotask (setImmediate), or at once
 * when 64 KiB pile up. On a file descriptor (the default, fd 1) writes are synchronous, so a
 * flush is final: call flushSync() before process.exit() and nothing the guest printed is
 * lost. A reader that went away (EPIPE; ECONNRESET when stdout is a socket) quits quietly, any
 * other write error with a one-line message.
 *
 * Contract with the VM loop. Input is delivered by 'data' events, so the VM must run guest code
 * in slices and return to the event loop between them (setImmediate, never a blocking wait),
 * and an idle guest (WFI) must sleep on a timer or promise that onInput can cut short. onInput
 * is called from the event loop, never inside writeBytes(); onQuit runs after the console has
 * stopped itself (terminal restored, output flushed) and should end the VM soon: it may be
 * called from a 'data' event, a signal, or a microtask after a slice whose output failed. A
 * stopped console holds no handle on the event loop. Wiring, in short:
 *
 *   const con = new NodeConsole({ onInput: (b) => { uart.pushInput(b); wakeFromWfi(); },
 *                                 onQuit: (why) => stopVm(why) });
 *   uart.onOutput = (byte) => con.write(byte);
 *   con.start();
 *   ...when the VM ends: con.stop(); process.exitCode = status;  // stop() flushes synchronously
 *
 * QEMU exits with status 0 after C-a x and after SIGTERM/SIGHUP/SIGINT ("terminating on signal").
 */
import * as fs from 'node:fs';

/** What start() reads: process.stdin, or any byte stream (tests use a PassThrough). */
export type ConsoleInput = NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };

type Refable = { ref?: () => unknown; unref?: () => unknown };

/** Why the console quit. */
export type ConsoleQuit =
  | { kind: 'escape' }
  | { kind: 'signal'; signal: NodeJS.Signals }
  | { kind: 'output-closed'; code?: string };

export interface NodeConsoleOptions {
  /** Default process.stdin. */
  input?: ConsoleInput;
  /** A file descriptor (written synchronously) or a stream. Default fd 1. */
  output?: NodeJS.WritableStream | number;
  /** Guest-bound bytes, escapes already removed. The view is not reused by the console. */
  onInput: (bytes: Uint8Array) => void;
  onQuit: (why: ConsoleQuit) => void;
  /** The escape key, 0..255 (QEMU's -echr); null turns escape processing off. Default 0x01. */
  escape?: number | null;
  /** C-a b: send a break to the guest (QEMU: the UART reads a 0 byte with LSR.BI). */
  onBreak?: () => void;
  /** Messages of the console itself (signals, write errors). Default fd 2. */
  stderr?: (line: string) => void;
  /** Handle SIGTERM, SIGHUP and SIGINT (restore, print, quit). Default true. */
  handleSignals?: boolean;
  /** Milliseconds, for timestamps. Default Date.now. */
  clock?: () => number;
}

const FLUSH_AT = 64 * 1024;
const SIGNALS: NodeJS.Signals[] = ['SIGTERM', 'SIGHUP', 'SIGINT'];
const SIGNAL_NUMBERS: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };
const KEY_HELP = 0x68, KEY_QUIT = 0x78, KEY_TIMESTAMPS = 0x74, KEY_BREAK = 0x62; // h x t b
const NL = 0x0a;

const sleepCell = new Int32Array(new SharedArrayBuffer(4));

/** The escape key as QEMU's help names it: C-a .. C-y, anything else "Escape-Char". */
function escapeName(esc: number): string {
  return esc > 0 && esc < 26 ? `C-${String.fromCharCode(0x60 + esc)}` : 'Escape-Char';
}

/** QEMU's help layout: a key column, "\n\r" line ends, a note when the key has no C- name. */
export function consoleHelp(esc: number, withBreak: boolean): string {
  const k = escapeName(esc);
  const head = esc > 0 && esc < 26 ? '\n\r' : `\n\rEscape-Char set to Ascii: 0x${esc.toString(16).padStart(2, '0')}\n\r\n\r`;
  const lines = [`${k} h    print this help`, `${k} x    exit emulator`, `${k} t    toggle console timestamps`];
  if (withBreak) lines.push(`${k} b    send break (magic sysrq)`);
  lines.push(`${k} ${k}  sends ${k}`);
  return head + lines.map((l) => `${l}\n\r`).join('');
}

export const TERMINATED = 'univm: terminated\n\r';

/** "[hh:mm:ss.mmm] ", elapsed since the first stamped line (QEMU's format). */
function timestamp(ms: number): string {
  const s = Math.floor(ms / 1000), two = (n: number) => String(n).padStart(2, '0');
  return `[${two(Math.floor(s / 3600))}:${two(Math.floor(s / 60) % 60)}:${two(s % 60)}.${String(ms % 1000).padStart(3, '0')}] `;
}

export class NodeConsole {
  private readonly output: NodeJS.WritableStream | number;
  private readonly escape: number | null;
  private readonly opts: NodeConsoleOptions;
  private readonly clock: () => number;
  private readonly logError: (line: string) => void;

  private started = false;
  private rawMode = false;
  private gotEscape = false;
  private quitting = false;

  private buf = new Uint8Array(4096);
  private len = 0;
  private flushScheduled = false;
  private outputBroken = false;
  private streamErrorHooked = false;

  private timestamps = false;
  private lineStart = false;
  private stampOrigin = -1;

  private readonly onData = (chunk: Buffer | string): void => {
    this.feed(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  };
  /** End of input and read errors (a terminal that hung up) both just end input. */
  private readonly onEnd = (): void => {};
  private readonly onExit = (): void => {
    this.restoreTerminal();
    this.flushSync();
  };
  private readonly onSignal = (signal: NodeJS.Signals): void => {
    this.logError(`univm: terminating on signal ${SIGNAL_NUMBERS[signal] ?? signal}\n`);
    this.quit({ kind: 'signal', signal });
  };

  constructor(opts: NodeConsoleOptions) {
    const esc = opts.escape === undefined ? 0x01 : opts.escape;
    if (esc !== null && !(Number.isInteger(esc) && esc >= 0 && esc <= 255)) {
      throw new RangeError(`univm: console escape key must be a byte value 0..255, got ${String(esc)}`);
    }
    this.opts = opts;
    this.escape = esc;
    this.output = opts.output ?? 1;
    this.clock = opts.clock ?? Date.now;
    this.logError = opts.stderr ?? ((line) => { try { fs.writeSync(2, line); } catch { /* nowhere to report */ } });
  }

  /** Looked up only when used: merely touching process.stdin creates its stream. */
  private get input(): ConsoleInput { return this.opts.input ?? process.stdin; }

  /** True when start() put the input terminal in raw mode (and stop() will undo it). */
  get isRaw(): boolean { return this.rawMode; }

  start(): void {
    if (this.started || this.quitting) return;
    this.started = true;
    const input = this.input;
    if (input.isTTY === true && typeof input.setRawMode === 'function') {
      input.setRawMode(true);
      this.rawMode = true;
    }
    process.on('exit', this.onExit);
    if (this.opts.handleSignals !== false) for (const s of SIGNALS) process.on(s, this.onSignal);
    input.on('data', this.onData);
    input.on('end', this.onEnd);
    input.on('error', this.onEnd);
    (input as Refable).ref?.();
    input.resume();
  }

  /** Restores the terminal, detaches from input and the process, flushes output. Idempotent. */
  stop(): void {
    if (this.started) {
      this.started = false;
      const input = this.input;
      input.removeListener('data', this.onData);
      input.removeListener('end', this.onEnd);
      input.removeListener('error', this.onEnd);
      // pause() alone does not stop a pipe from reading (a net.Socket reads on until its buffer
      // is full), so its handle would keep the process alive: unref it too.
      input.pause();
      (input as Refable).unref?.();
      process.removeListener('exit', this.onExit);
      for (const s of SIGNALS) process.removeListener(s, this.onSignal);
      this.restoreTerminal();
    }
    this.flushSync();
  }

  write(byte: number): void {
    if (this.timestamps) {
      this.writeBytes(Uint8Array.of(byte));
      return;
    }
    if (this.len === this.buf.length) this.grow(1);
    this.buf[this.len++] = byte;
    this.afterAppend();
  }

  writeBytes(bytes: Uint8Array): void {
    if (!this.timestamps) {
      this.append(bytes);
      this.afterAppend();
      return;
    }
    // QEMU stamps each line the guest starts, measured from the first stamp after a toggle.
    let from = 0;
    for (let i = 0; i < bytes.length; i++) {
      if (this.lineStart) {
        this.append(bytes.subarray(from, i));
        from = i;
        const now = this.clock();
        if (this.stampOrigin < 0) this.stampOrigin = now;
        this.appendText(timestamp(now - this.stampOrigin));
        this.lineStart = false;
      }
      if (bytes[i] === NL) this.lineStart = true;
    }
    this.append(bytes.subarray(from));
    this.afterAppend();
  }

  /** Writes out everything buffered now; final on a file descriptor (use before process.exit). */
  flushSync(): void {
    if (this.len === 0) return;
    const data = this.buf.subarray(0, this.len);
    this.len = 0;
    if (this.outputBroken) return;
    if (typeof this.output === 'number') this.writeFd(this.output, data);
    else this.writeStream(this.output, data);
  }

  // ---- input ----

  private feed(chunk: Uint8Array): void {
    if (this.quitting) return;
    const esc = this.escape;
    if (esc === null) {
      if (chunk.length > 0) this.opts.onInput(chunk);
      return;
    }
    let from = 0;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      if (this.gotEscape) {
        this.gotEscape = false;
        from = i + 1;
        if (b === esc) from = i; // C-a C-a: the second one goes to the guest
        else if (!this.command(b)) return;
      } else if (b === esc) {
        if (i > from) this.opts.onInput(chunk.subarray(from, i));
        this.gotEscape = true;
      }
    }
    if (!this.gotEscape && chunk.length > from) this.opts.onInput(chunk.subarray(from));
  }

  /** Runs the command after the escape key; false when the console quit. */
  private command(key: number): boolean {
    switch (key) {
      case KEY_HELP:
        this.appendText(consoleHelp(this.escape ?? 0, this.opts.onBreak !== undefined));
        this.afterAppend();
        return true;
      case KEY_QUIT:
        this.appendText(TERMINATED);
        this.quit({ kind: 'escape' });
        return false;
      case KEY_TIMESTAMPS:
        this.timestamps = !this.timestamps;
        this.stampOrigin = -1;
        this.lineStart = false;
        return true;
      case KEY_BREAK:
        this.opts.onBreak?.();
        return true;
      default:
        return true;
    }
  }

  private quit(why: ConsoleQuit): void {
    if (this.quitting) return;
    this.quitting = true;
    this.stop();
    this.opts.onQuit(why);
  }

  private restoreTerminal(): void {
    if (!this.rawMode) return;
    this.rawMode = false;
    try {
      this.input.setRawMode?.(false);
    } catch {
      // The terminal is gone (hang-up): nothing left to restore.
    }
  }

  // ---- output ----

  private grow(extra: number): void {
    let size = this.buf.length * 2;
    while (size < this.len + extra) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  private append(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    if (this.len + bytes.length > this.buf.length) this.grow(bytes.length);
    this.buf.set(bytes, this.len);
    this.len += bytes.length;
  }

  private appendText(text: string): void {
    this.append(Buffer.from(text, 'latin1'));
  }

  private afterAppend(): void {
    if (this.len >= FLUSH_AT) this.flushSync();
    else if (!this.flushScheduled && this.len > 0) {
      this.flushScheduled = true;
      setImmediate(() => {
        this.flushScheduled = false;
        this.flushSync();
      });
    }
  }

  private writeFd(fd: number, data: Uint8Array): void {
    let done = 0;
    while (done < data.length) {
      try {
        done += fs.writeSync(fd, data, done, data.length - done);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        // fd 1 may be non-blocking when Node or a sibling process opened it as a pipe.
        if (code === 'EAGAIN') { Atomics.wait(sleepCell, 0, 0, 1); continue; }
        if (code === 'EINTR') continue;
        this.outputFailed(code, (e as Error).message);
        return;
      }
    }
  }

  private writeStream(stream: NodeJS.WritableStream, data: Uint8Array): void {
    if (!this.streamErrorHooked) {
      this.streamErrorHooked = true;
      stream.on('error', (e: NodeJS.ErrnoException) => this.outputFailed(e.code, e.message));
    }
    stream.write(Buffer.from(data));
  }

  /** The reader went away: drop output from now on and quit once the current slice ends. */
  private outputFailed(code: string | undefined, message: string): void {
    if (this.outputBroken) return;
    this.outputBroken = true;
    this.len = 0;
    if (code !== 'EPIPE' && code !== 'ECONNRESET') this.logError(`univm: console output failed: ${message}\n`);
    queueMicrotask(() => this.quit({ kind: 'output-closed', code }));
  }
}
