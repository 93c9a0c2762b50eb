import { compressedTable } from '../../isa/riscv/compressed.js';
import * as SF from '../../isa/riscv/fp/softfloat.js';
import type { HartState } from '../../machine/hart.js';
import type { FlatMemory } from '../../machine/memory.js';
import { GuestTrap, trap } from '../../machine/trap.js';
import type { CsrFile } from '../../machine/csr.js';
import { interpreterVocabulary } from '../codegen/vocabulary.js';
import { BUDGET_EXIT, type Engine, type Exit } from '../engine.js';
import { generateInterpreter } from './generate.js';

export type TraceHook = (pc: number, raw: number, len: number) => void;

const sourceCache = new Map<string, string>();
function source(trace: boolean): string {
  const key = trace ? 'trace' : 'plain';
  let s = sourceCache.get(key);
  if (!s) sourceCache.set(key, (s = generateInterpreter({ vocabulary: interpreterVocabulary, trace })));
  return s;
}

/** The generated interpreter, bound to one hart and one flat memory. */
export class Interpreter implements Engine {
  readonly name = 'interp';
  readonly run: (budget: number) => Exit;

  constructor(hart: HartState, mem: FlatMemory, csr: CsrFile, trace?: TraceHook) {
    const ctx = {
      X: hart.x, XW: hart.xw, F: hart.f, FW: hart.fw, NUM: hart.num, FCSR: hart.fcsr,
      M: mem, U8: mem.u8, I8: mem.i8, U16: mem.u16, I16: mem.i16, I32: mem.i32, B64: mem.b64,
      PERM: mem.perm, LIM: mem.size, RVC: compressedTable(), SF, CSR: csr, trap, GuestTrap, BUDGET_EXIT,
      TRACE: trace,
    };
    const names = Object.keys(ctx);
    const factory = new Function(...names, source(trace !== undefined)) as (...a: unknown[]) => (budget: number) => Exit;
    this.run = factory(...names.map((n) => (ctx as Record<string, unknown>)[n]));
  }
}

/** The generated source, for inspection (`univm dump-interpreter`) and golden tests. */
export function interpreterSource(trace = false): string {
  return source(trace);
}
