/**
 * Re-records golden/mmio-oracle.txt from QEMU (qemu-system-riscv64 7.2, Debian's
 * qemu-system-misc): `node dist/test/system/mmio-oracle/record.js --write` (golden/record.sh
 * does it). Without --write it does nothing, since `node --test dist/test/` loads every file.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { formatGolden, GOLDEN_FILE, ORACLE_DIR, runOnQemu, steps } from './script.js';

if (process.argv.includes('--write')) {
  const list = steps();
  const results = runOnQemu(new Uint8Array(readFileSync(path.join(ORACLE_DIR, 'runner.bin'))), list);
  writeFileSync(GOLDEN_FILE, formatGolden(list, results));
  console.log(`${results.length} results written to ${GOLDEN_FILE}`);
}
