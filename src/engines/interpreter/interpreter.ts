import { compressedSlow, compressedTable } from '../../isa/riscv/compressed.js';
import * as SF from '../../isa/riscv/fp/softfloat.js';
import type { HartState } from '../../machine/hart.js';
import type { FlatMemory } from '../../machine/memory.js';
import { GuestTrap, trap } from '../../machine/trap.js';
import type { CsrFile } from '../../machine/csr.js';
import { interpreterVocabulary } from '../codegen/vocabulary.js';
import { BUDGET_EXIT, type Engine, type Exit } from '../engine.js';
import { generateInterpreter } from './generate.js';

export type TraceHook = (pc: number, raw: number, len: number) => void;

/** What the generated run loop refers to by name (see the vocabulary). */
const BINDINGS = ['X', 'XW', 'F', 'FW', 'FDV', 'NUM', 'FCSR', 'M', 'U8', 'I8', 'U16', 'I16', 'I32', 'B64', 'MF64', 'PERM', 'LIM', 'RVC', 'RVC_SLOW',
  'SF', 'CSR', 'trap', 'GuestTrap', 'BUDGET_EXIT', 'TRACE', 'BLOCKWISE'] as const;

type RunLoop = (ctx: unknown, budget: number) => Exit;
const sourceCache = new Map<string, string>();
const compiled = new Map<string, RunLoop>();
function source(trace: boolean): string {
  const key = trace ? 'trace' : 'plain';
  let s = sourceCache.get(key);
  if (!s) sourceCache.set(key, (s = generateInterpreter({ vocabulary: interpreterVocabulary, trace, bindings: BINDINGS })));
  return s;
}
/** Compiled once per process and variant: every hart's interpreter shares the optimized code. */
function runLoop(trace: boolean): RunLoop {
  const key = trace ? 'trace' : 'plain';
  let fn = compiled.get(key);
  if (!fn) compiled.set(key, (fn = new Function(source(trace))() as RunLoop));
  return fn;
}

/** The generated interpreter, bound to one hart and one flat memory. */
export class Interpreter implements Engine {
  readonly name = 'interp';
  readonly run: (budget: number) => Exit;

  /**
   * `blockwise`: stop after the first instruction that ends a basic block (a translator runs
   * cold code this way, one block at a time).
   */
  constructor(hart: HartState, mem: FlatMemory, csr: CsrFile, trace?: TraceHook, blockwise = false) {
    if (mem.size > 2 ** 31) throw new RangeError('the interpreter keeps pc and addresses in int32: guest memory must be at most 2 GiB');
    // Always the same keys in the same order: one hidden class, so the shared loop stays monomorphic.
    const ctx: Record<(typeof BINDINGS)[number], unknown> = {
      X: hart.x, XW: hart.xw, F: hart.f, FW: hart.fw, FDV: hart.fd, NUM: hart.num, FCSR: hart.fcsr,
      M: mem, U8: mem.u8, I8: mem.i8, U16: mem.u16, I16: mem.i16, I32: mem.i32, B64: mem.b64, MF64: mem.f64,
      PERM: mem.perm, LIM: mem.size, RVC: compressedTable(), RVC_SLOW: compressedSlow, SF, CSR: csr, trap, GuestTrap, BUDGET_EXIT,
      TRACE: trace, BLOCKWISE: blockwise,
    };
    const loop = runLoop(trace !== undefined);
    this.run = (budget) => loop(ctx, budget);
  }
}

/** The generated source, for inspection (`univm dump-interpreter`) and golden tests. */
export function interpreterSource(trace = false): string {
  return source(trace);
}
