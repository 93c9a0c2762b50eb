/** Bad input gets one clear line on stderr naming the file and the problem, and exit status 2. */
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { expectOneLineError as expectError } from '../support/errors.js';
import { REPO, univm } from '../support/repo.js';

const dir = mkdtempSync(path.join(tmpdir(), 'univm-errors-'));
const manifest = JSON.parse(readFileSync(path.join(REPO, 'guests', 'manifest.json'), 'utf8')) as { name: string; dynamic?: boolean }[];
const staticGuest = path.join(REPO, 'guests', 'bin', manifest.find((g) => !g.dynamic)!.name);
const dynamicGuest = path.join(REPO, 'guests', 'bin', manifest.find((g) => g.dynamic)!.name);

function variant(name: string, edit: (b: Buffer) => Buffer): string {
  const file = path.join(dir, name);
  writeFileSync(file, edit(Buffer.from(readFileSync(staticGuest))));
  return file;
}


const expectOneLineError = (args: string[], pattern: RegExp) => expectError(args, pattern, dir);

describe('errors are part of the interface', () => {
  it('not an ELF', async () => {
    const f = path.join(dir, 'script.txt');
    writeFileSync(f, 'echo hello\n');
    await expectOneLineError(['run', f], /script\.txt: not an ELF file/);
  });
  it('missing file', () => expectOneLineError(['run', path.join(dir, 'nope')], /nope: No such file or directory/));
  it('a directory', () => expectOneLineError(['run', dir], /is a directory/));
  it('wrong machine', () => expectOneLineError(['run', variant('x86', (b) => { b.writeUInt16LE(62, 18); return b; })], /x86: ELF for another machine \(e_machine 62, x86-64\)/));
  it('32-bit', () => expectOneLineError(['run', variant('rv32', (b) => { b[4] = 1; return b; })], /rv32: 32-bit ELF/));
  it('truncated header', () => expectOneLineError(['run', variant('trunc', (b) => b.subarray(0, 40))], /trunc: truncated ELF header/));
  it('truncated segments', () => expectOneLineError(['run', variant('short', (b) => b.subarray(0, 1024))], /short: truncated ELF file/));
  it('corrupt program header size', () => expectOneLineError(['run', variant('phent', (b) => { b.writeUInt16LE(12, 54); return b; })], /phent: corrupt ELF header/));
  it('missing dynamic linker', () => expectOneLineError(['run', '-L', dir, dynamicGuest], /dynamic linker .*ld-linux-riscv64-lp64d\.so\.1 not found under sysroot/));
  it('unknown option', () => expectOneLineError(['run', '--frobnicate', staticGuest], /unknown option '--frobnicate'/));
  it('bad mount', () => expectOneLineError(['run', '--mount', '/no/such/dir:/x', staticGuest], /host directory \/no\/such\/dir does not exist/));
  it('no program', () => expectOneLineError(['run'], /no program given/));
  it('the error leaves the directory as it was', () => {
    assert.ok(readdirSync(dir).length > 0);
  });
});

describe('runaway guests', () => {
  it('--max-insns stops the guest with a clear message', async () => {
    const r = await univm(['run', '--max-insns', '1000', staticGuest], { cwd: dir });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr.toString(), /univm: stopped after 1000 instructions \(--max-insns\) at pc 0x[0-9a-f]+/);
  });
});
