import { UsageError } from './errors.js';

/** Parses sizes the way QEMU does: a number with an optional K/M/G/T suffix (powers of 1024). */
export function parseSize(text: string, what: string, defaultUnit = 1): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kKmMgGtT]?)(?:i?[bB])?$/.exec(text.trim());
  if (!m) throw new UsageError(`univm: invalid ${what} '${text}' (expected a number with an optional K, M or G suffix)`);
  const unit = m[2] ? 1024 ** ('kmgt'.indexOf(m[2].toLowerCase()) + 1) : defaultUnit;
  return Math.round(parseFloat(m[1]) * unit);
}
