/**
 * Writes the raw instruction blobs golden/regenerate.sh hands to objdump:
 *   node dist/test/isa/golden-tool.js rvc    > rvc.bin     every 16-bit parcel with low bits != 11
 *   node dist/test/isa/golden-tool.js words32 > words.bin  the 32-bit word list of reference.ts
 * (little-endian, back to back). Not a test: node --test only runs *.test.js.
 */
import { rvcParcels, words32 } from './reference.js';

const what = process.argv[2];
let buf: Buffer;
if (what === 'rvc') {
  const p = rvcParcels();
  buf = Buffer.alloc(p.length * 2);
  p.forEach((h, k) => buf.writeUInt16LE(h, 2 * k));
} else if (what === 'words32') {
  const w = words32().flatMap((s) => s.words);
  buf = Buffer.alloc(w.length * 4);
  w.forEach((v, k) => buf.writeUInt32LE(v, 4 * k));
} else {
  process.stderr.write('usage: golden-tool.js rvc|words32\n');
  process.exit(2);
}
process.stdout.write(buf);
