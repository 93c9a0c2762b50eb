/**
 * Threads through the whole process VM (`univm run`): the same program interleaves the same way
 * on every run, and a program whose threads all wait for each other is reported, not hung.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { REPO, univm } from '../support/repo.js';

const PTHREADS = path.join(REPO, 'guests', 'bin', 'pthreads');
const dir = mkdtempSync(path.join(tmpdir(), 'univm-threads-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/**
 * The -strace lines as "thread system-call", threads numbered by first appearance (thread ids,
 * like the pid, differ from run to run; arguments may contain them too).
 */
function callSequence(stderr: string): string[] {
  const order = new Map<string, number>();
  return stderr.split('\n').filter((l) => /^\d+ \w+\(/.test(l)).map((l) => {
    const [tid, rest] = [l.slice(0, l.indexOf(' ')), l.slice(l.indexOf(' ') + 1)];
    if (!order.has(tid)) order.set(tid, order.size);
    return `${order.get(tid)} ${rest.slice(0, rest.indexOf('('))}`;
  });
}

describe('threads in the process VM', () => {
  it('are scheduled deterministically: two runs make the same system calls in the same order', async () => {
    const opts = { cwd: dir, env: {} };
    const [a, b] = await Promise.all([
      univm(['run', '--strace', '--stats', PTHREADS], opts),
      univm(['run', '--strace', '--stats', PTHREADS], opts),
    ]);
    assert.equal(a.status, 0, a.stderr.toString().slice(-500));
    assert.equal(b.status, 0);
    assert.equal(a.stdout.toString(), b.stdout.toString());
    const sa = callSequence(a.stderr.toString()), sb = callSequence(b.stderr.toString());
    assert.ok(sa.length > 1000, 'many system calls');
    assert.ok(sa.includes('100 exit'), 'many threads made calls');
    assert.deepEqual(sa, sb);
    const insns = (s: string) => /univm: (\d+) instructions retired/.exec(s)?.[1];
    assert.ok(insns(a.stderr.toString()));
    assert.equal(insns(a.stderr.toString()), insns(b.stderr.toString()), '--stats: the same total over all threads');
  });

  it('a deadlock is one clear line and exit status 125, not a hang', async () => {
    const r = await univm(['run', PTHREADS, 'deadlock'], { cwd: dir, env: {}, timeoutMs: 60_000 });
    assert.equal(r.stdout.toString(), "both locks taken; now each thread waits for the other's\n");
    const err = r.stderr.toString();
    assert.equal(err.trimEnd().split('\n').length, 1, err);
    assert.match(err, /^univm: deadlock: every thread is blocked and none can be woken \(tid \d+: futex wait on 0x[0-9a-f]+, tid \d+: futex wait on 0x[0-9a-f]+\)\n$/);
    assert.equal(r.status, 125);
  });
});
