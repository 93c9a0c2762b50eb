/**
 * Expansion of the instruction vocabulary (see isa/riscv/instructions.ts) into JavaScript.
 * `expand` is a small macro processor: function-like macros `NAME(a, b)` with balanced
 * parentheses, and word macros `NAME`. Each engine supplies its own `Vocabulary`.
 */
import type { InsnDef } from '../../isa/riscv/instructions.js';

export interface Vocabulary {
  fns: Record<string, (...args: string[]) => string>;
  words: Record<string, string>;
  /**
   * A check the machine makes before an instruction runs, beyond its meaning (the system VM:
   * FP instructions trap while mstatus.FS is Off).
   */
  guard?: (d: InsnDef) => string;
}

/** An instruction's meaning in one vocabulary, with the machine's guard in front. */
export function meaning(d: InsnDef, v: Vocabulary): string {
  const guard = v.guard?.(d) ?? '';
  return guard + expand(d.exec, v);
}

const IDENT = /[A-Za-z_$][\w$]*/y;

export function expand(src: string, v: Vocabulary): string {
  let out = '';
  let k = 0;
  while (k < src.length) {
    const c = src[k];
    if (!/[A-Za-z_$]/.test(c) || (k > 0 && /[\w$.]/.test(src[k - 1]))) { out += c; k++; continue; }
    IDENT.lastIndex = k;
    const name = IDENT.exec(src)![0];
    let end = k + name.length;
    const fn = v.fns[name];
    if (fn) {
      let p = end;
      while (src[p] === ' ') p++;
      if (src[p] !== '(') throw new Error(`macro ${name} needs arguments in: ${src}`);
      const args: string[] = [];
      let depth = 0, start = p + 1, q = p;
      for (; q < src.length; q++) {
        const ch = src[q];
        if (ch === '(' || ch === '[' || ch === '{') depth++;
        else if (ch === ')' || ch === ']' || ch === '}') {
          depth--;
          if (depth === 0) break;
        } else if (ch === ',' && depth === 1) { args.push(src.slice(start, q)); start = q + 1; }
      }
      if (q >= src.length) throw new Error(`unbalanced macro ${name} in: ${src}`);
      const last = src.slice(start, q);
      if (last.trim() !== '' || args.length > 0) args.push(last);
      out += fn(...args.map((a) => expand(a.trim(), v)));
      k = q + 1;
      continue;
    }
    const w = v.words[name];
    out += w !== undefined ? w : name;
    k = end;
  }
  return out;
}

/** Names of the decoded fields a piece of expanded source refers to. */
export function usedFields<F extends string>(src: string, fields: readonly F[]): F[] {
  return fields.filter((f) => new RegExp(`(?<![\\w$.])${f}(?![\\w$])`).test(src));
}
