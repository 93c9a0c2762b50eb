/**
 * State capture: a system VM stopped between two instructions, saved, and resumed in a new VM
 * (on the other engine) finishes exactly as an uninterrupted run does.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { it } from 'node:test';
import { Translator } from '../../src/engines/translator/translator.js';
import { planBoot } from '../../src/vms/system/boot.js';
import { SystemVM, type SystemVmOptions } from '../../src/vms/system/system-vm.js';
import { REPO } from '../support/repo.js';

const RAM = 64 << 20;

function vm(guest: string, extra: Partial<SystemVmOptions>, out: string[]): SystemVM {
  const file = path.join(REPO, 'guests', 'system', 'bin', guest);
  const plan = planBoot({ kernel: { name: guest, bytes: readFileSync(file) }, ramSize: RAM });
  return new SystemVM({ ramSize: RAM, plan, output: (b) => out.push(Buffer.from(b).toString('latin1')), ...extra });
}

for (const guest of ['mmu_sv39', 'deleg']) {
  it(`${guest}: saved mid-run on the interpreter, resumed on the translator, ends as an uninterrupted run`, async () => {
    const whole: string[] = [];
    const full = vm(guest, {}, whole);
    const status = await full.run();
    const total = full.instret;
    assert.ok(total > 20_000, `${guest} runs long enough to be cut (${total} instructions)`);

    const before: string[] = [], after: string[] = [];
    const first = vm(guest, { maxInsns: Math.floor(total / 2) }, before);
    assert.equal(await first.run(), 124);
    const saved = structuredClone(first.saveState());
    const second = vm(guest, { engine: (h, m, c) => new Translator(h, m, c, { hotThreshold: 1 }) }, after);
    second.loadState(saved);
    assert.equal(second.instret, first.instret);
    assert.equal(await second.run(), status);
    assert.equal(second.instret, total, 'the same number of instructions in all');
    assert.equal(before.join('') + after.join(''), whole.join(''));
  });
}
