import { compressedSlow, compressedTable } from '../../isa/riscv/compressed.js';
import * as SF from '../../isa/riscv/fp/softfloat.js';
import * as I64 from '../../isa/riscv/int64.js';
import type { HartState } from '../../machine/hart.js';
import type { FlatMemory } from '../../machine/memory.js';
import type { SystemMemory } from '../../machine/priv/system-memory.js';
import { GuestTrap, trap } from '../../machine/trap.js';
import type { CsrFile } from '../../machine/csr.js';
import type { MemoryModel } from '../codegen/memory-model.js';
import { SYSTEM_MODEL } from '../codegen/system-vocabulary.js';
import { FLAT_MODEL } from '../codegen/vocabulary.js';
import { BUDGET_EXIT, type Engine, type Exit } from '../engine.js';
import { generateInterpreter } from './generate.js';

export type TraceHook = (pc: number, raw: number, len: number) => void;

/** Guest memory an engine can run on: the process VM's flat memory or the system VM's MMU. */
export type GuestMemory = FlatMemory | SystemMemory;

export function memoryModel(mem: GuestMemory): MemoryModel {
  return mem.kind === 'flat' ? FLAT_MODEL : SYSTEM_MODEL;
}

type RunLoop = (ctx: unknown, budget: number) => Exit;

const contextMakers = new Map<string, (fields: Record<string, unknown>) => Record<string, unknown>>();
/**
 * The context object generated code reads its bindings from: always the same keys in the same
 * order, built by an object literal, so it has one hidden class with in-object properties. (Built
 * key by key it can fall into dictionary mode, and the cold function, which loads every binding
 * on each call, became 3x slower.)
 */
export function contextObject(keys: readonly string[], fields: Record<string, unknown>): Record<string, unknown> {
  const id = keys.join(',');
  let make = contextMakers.get(id);
  if (!make) contextMakers.set(id, (make = new Function('f', `return { ${keys.map((k) => `${k}: f.${k}`).join(', ')} };`) as (f: Record<string, unknown>) => Record<string, unknown>));
  return make(fields);
}
const sourceCache = new Map<string, string>();
const compiled = new Map<string, RunLoop>();
function source(model: MemoryModel, trace: boolean): string {
  const key = `${model.name}/${trace}`;
  let s = sourceCache.get(key);
  if (!s) sourceCache.set(key, (s = generateInterpreter({ vocabulary: model.vocabulary, loop: model.loop, trace, bindings: model.bindings })));
  return s;
}
/**
 * Compiled once per process, memory model and variant: every hart's interpreter shares the
 * optimized code. A translator's blockwise cold path gets its own copy (same source): V8 keeps
 * type feedback per function, and the paths it takes would otherwise deoptimize the plain loop.
 */
function runLoop(model: MemoryModel, trace: boolean, blockwise: boolean): RunLoop {
  const key = `${model.name}/${trace}/${blockwise}`;
  let fn = compiled.get(key);
  if (!fn) compiled.set(key, (fn = new Function(source(model, trace))() as RunLoop));
  return fn;
}

/** The generated interpreter, bound to one hart and its memory. */
export class Interpreter implements Engine {
  readonly name = 'interp';
  readonly run: (budget: number) => Exit;

  /**
   * `blockwise`: stop after the first instruction that ends a basic block (a translator runs
   * cold code this way, one block at a time).
   */
  constructor(hart: HartState, mem: GuestMemory, csr: CsrFile, trace?: TraceHook, blockwise = false) {
    if (mem.kind === 'flat' && mem.size > 2 ** 31) throw new RangeError('the interpreter keeps pc and addresses in int32: guest memory must be at most 2 GiB');
    const model = memoryModel(mem);
    const fields: Record<string, unknown> = {
      X: hart.x, XW: hart.xw, F: hart.f, FW: hart.fw, FDV: hart.fd, NUM: hart.num, FCSR: hart.fcsr,
      ...mem.engineBindings(),
      RVC: compressedTable(), RVC_SLOW: compressedSlow, SF, I64, CSR: csr, trap, GuestTrap, BUDGET_EXIT, TRACE: trace, BLOCKWISE: blockwise,
    };
    const ctx = contextObject(model.bindings, fields);
    const loop = runLoop(model, trace !== undefined, blockwise);
    this.run = (budget) => loop(ctx, budget);
  }
}

/** The generated source, for inspection and golden tests. */
export function interpreterSource(trace = false, model: MemoryModel = FLAT_MODEL): string {
  return source(model, trace);
}
