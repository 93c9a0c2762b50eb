/**
 * Writes the raw instruction blobs golden/regenerate.sh hands to objdump:
 *   node dist/test/isa/golden-tool.js rvc    > rvc.bin     every 16-bit parcel with low bits != 11
 *   node dist/test/isa/golden-tool.js words32 > words.bin  the 32-bit word list of reference.ts
 * (little-endian, back to back), and runs the QEMU trap check of every parcel:
 *   node dist/test/isa/golden-tool.js qemu-rvc > lines   PARCEL \t RESULT for each parcel that does
 *                                                         not end in SIGTRAP (see HARNESS_S) Not a test, but `node --test dist/test/` runs every .js under a
 * test/ directory: under the test runner (NODE_TEST_CONTEXT set) it does nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import * as path from 'node:path';
import { buildHarness, qemuParcels, rvcParcels, words32 } from './reference.js';

function blob(what: string | undefined): Buffer {
  if (what === 'rvc') {
    const p = rvcParcels();
    const buf = Buffer.alloc(p.length * 2);
    p.forEach((h, k) => buf.writeUInt16LE(h, 2 * k));
    return buf;
  }
  if (what === 'words32') {
    const w = words32().flatMap((s) => s.words);
    const buf = Buffer.alloc(w.length * 4);
    w.forEach((v, k) => buf.writeUInt32LE(v, 4 * k));
    return buf;
  }
  process.stderr.write('usage: golden-tool.js rvc|words32|qemu-rvc\n');
  process.exit(2);
}

async function qemuRvc(): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'univm-qemu-rvc-'));
  try {
    const res = await qemuParcels(buildHarness(dir), rvcParcels(), dir, 2 * availableParallelism());
    return [...res].filter(([, r]) => r !== 'SIGTRAP').map(([h, r]) => `${h.toString(16).padStart(4, '0')}\t${r}\n`).join('');
  } finally { rmSync(dir, { recursive: true, force: true }); }
}

if (!process.env.NODE_TEST_CONTEXT) {
  if (process.argv[2] === 'qemu-rvc') process.stdout.write(await qemuRvc());
  else process.stdout.write(blob(process.argv[2]));
}
