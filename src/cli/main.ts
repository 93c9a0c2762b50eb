/** The `univm` command. */
import { readFileSync } from 'node:fs';
import { UsageError } from './errors.js';
import { RUN_HELP, runCommand } from './run-command.js';

const HELP = `usage: univm COMMAND [options]

univm: one RISC-V RV64GC core, every kind of virtual machine.

commands:
  run [options] PROGRAM [ARGS...]   run a Linux RISC-V program (a process VM, like qemu-riscv64)
  system [options] [ELF]            run a whole machine: firmware, kernels, bare-metal programs
                                    (a system VM, like qemu-system-riscv64 -M virt)
  help                              show this help

univm run --help and univm system --help list their options.`;

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return `univm ${pkg.version}`;
}

export async function main(argv: string[]): Promise<number> {
  try {
    const [cmd, ...rest] = argv;
    switch (cmd) {
      case 'run': return runCommand(rest);
      // Loaded on demand: `univm run` starts faster without the system VM's modules.
      case 'system': return await (await import('./system-command.js')).systemCommand(rest);
      case undefined: case 'help': case '-h': case '--help': process.stdout.write(HELP + '\n'); return 0;
      case '--version': case '-V': case 'version': process.stdout.write(version() + '\n'); return 0;
      default: throw new UsageError(`univm: unknown command '${cmd}' (try: univm run PROGRAM, or univm --help)`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(e.message + '\n');
      return e.status;
    }
    throw e;
  }
}
export { RUN_HELP };
