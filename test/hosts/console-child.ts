/**
 * A process that owns a NodeConsole on its real stdin/stdout, for console.test.ts. It reports on
 * stderr, one line an event: `input <hex>`, `quit <json>`, `tty <stty -g>`, `raw <stty -a flags>`.
 *   stop        start, print "ready", stop() at the first input; the process must then exit
 *               by itself although its stdin (pipe or terminal) is still open
 *   epipe       print without end until the reader goes away; reports the quit
 *   tty         on a terminal: report the settings before, in raw mode, and after a quit by
 *               C-a x (typed by the test)
 *   tty-signal  on a terminal: start, then SIGTERM to itself; reports the settings after
 *   tty-throw   on a terminal: start, then an uncaught exception; reports the settings at exit
 */
import { spawnSync } from 'node:child_process';
import { writeSync } from 'node:fs';
import { NodeConsole } from '../../src/hosts/node/console.js';

const mode = process.argv[2];
const report = (line: string): void => { writeSync(2, `${line}\n`); };
const stty = (...args: string[]): string => spawnSync('stty', args, { stdio: [0, 'pipe', 'ignore'], encoding: 'utf8' }).stdout.trim();
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

const con = new NodeConsole({
  onInput: (bytes) => {
    report(`input ${hex(bytes)}`);
    if (mode === 'stop') con.stop();
  },
  onQuit: (why) => {
    report(`quit ${JSON.stringify(why)}`);
    if (mode.startsWith('tty')) report(`tty ${stty('-g')}`);
    process.exit(0);
  },
});

if (mode.startsWith('tty')) report(`tty ${stty('-g')}`);
con.start();
if (mode.startsWith('tty')) {
  const flags = stty('-a').split(/[\s;]+/).filter((f) => ['icanon', 'echo', 'isig', 'icrnl', 'ixon'].includes(f.replace(/^-/, '')));
  report(`raw ${flags.join(' ')}`);
}
con.writeBytes(Buffer.from('ready\n'));

if (mode === 'epipe') {
  const chunk = Buffer.alloc(4096, 0x2a);
  const spin = (): void => { con.writeBytes(chunk); setImmediate(spin); };
  spin();
} else if (mode === 'tty-signal') {
  setImmediate(() => process.kill(process.pid, 'SIGTERM'));
} else if (mode === 'tty-throw') {
  process.on('exit', () => report(`tty ${stty('-g')}`));
  setImmediate(() => { throw new Error('deliberate'); });
}
