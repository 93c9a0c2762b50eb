import { strict as assert } from 'node:assert';
import { univm } from './repo.js';

/** univm with `args` must fail with status 2 and one line on stderr matching `pattern`: no stack trace, no output. */
export async function expectOneLineError(args: string[], pattern: RegExp, cwd: string): Promise<void> {
  const r = await univm(args, { cwd });
  const err = r.stderr.toString();
  assert.equal(r.status, 2, `exit status for ${args.join(' ')}: ${err}`);
  assert.equal(err.trimEnd().split('\n').length, 1, `one line expected, got:\n${err}`);
  assert.doesNotMatch(err, /\n\s+at /, 'no stack trace');
  assert.match(err, pattern);
  assert.equal(r.stdout.length, 0);
}
