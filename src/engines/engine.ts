/**
 * What every engine (interpreter, translator, lockstep checker) offers: run guest code on a
 * hart until a budget of instructions is used up or the guest traps. All state lives in the
 * hart's and memory's typed arrays, so engines are interchangeable between two calls.
 */
export type Exit =
  | { kind: 'budget' }
  | { kind: 'trap'; cause: number; tval: bigint };

export interface Engine {
  readonly name: string;
  /** Runs at most `budget` instructions; the hart's pc and instret are exact on return. */
  run(budget: number): Exit;
}

export const BUDGET_EXIT: Exit = Object.freeze({ kind: 'budget' });
