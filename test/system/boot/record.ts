/**
 * Records QEMU's console transcripts for the boot test: each scenario of scenarios.ts is run
 * under qemu-system-riscv64 by the console driver and its stdout saved as golden/NAME.log,
 * with golden/manifest.json naming the QEMU version, arguments, firmware checksums, commands
 * typed and exit status. Run through record.sh.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { runConsole } from './console.js';
import { FIRMWARE, FirmwareName, goldenLog, Manifest, MANIFEST, missingFirmware, qemuArgs, SCENARIOS, sha256 } from './scenarios.js';

async function main(): Promise<void> {
  const manifest: Manifest = {
    qemu: execFileSync('qemu-system-riscv64', ['--version'], { encoding: 'utf8' }).split('\n')[0],
    qemuArgs: {}, firmware: {}, commands: {}, status: {},
  };
  for (const f of Object.keys(FIRMWARE) as FirmwareName[]) manifest.firmware[f] = sha256(FIRMWARE[f]);
  for (const s of SCENARIOS) {
    const missing = missingFirmware(s);
    if (missing.length) throw new Error(`missing firmware: ${missing.join(', ')}`);
    const run = await runConsole('qemu-system-riscv64', qemuArgs(s), s.script, { bootTimeoutMs: 60_000, stepTimeoutMs: 30_000 });
    if (run.failure) throw new Error(`${s.name}: ${run.failure}\n${run.stdout.toString('latin1')}${run.stderr}`);
    writeFileSync(goldenLog(s), run.stdout);
    manifest.qemuArgs[s.name] = qemuArgs(s);
    manifest.commands[s.name] = s.script.commands;
    manifest.status[s.name] = run.status;
    process.stderr.write(`${s.name}: prompt after ${run.promptSeconds?.toFixed(2)} s, exit status ${run.status}\n`);
  }
  writeFileSync(MANIFEST, JSON.stringify(manifest, null, 1) + '\n');
}

main().catch((e: Error) => { console.error(`record: ${e.message}`); process.exit(1); });
