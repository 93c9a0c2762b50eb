// Parsing and comparison of the dump records written by generated programs.

import {
  FNAMES, REC_MAGIC, REC_SIZE, RECORD_LAYOUT, SCRATCH_SIZE, TABLE_F0, TABLE_FCSR, USABLE_X, XNAMES,
  extractSequenceBodies, extractTables, hex64,
} from './generator.js';

export interface FieldDiff {
  field: string;
  expected: string;
  got: string;
}

export interface SequenceDiff {
  seq: number;
  fields: FieldDiff[];
}

export interface OutputComparison {
  equal: boolean;
  /** Number of complete records in expected / actual output. */
  expectedRecords: number;
  actualRecords: number;
  diffs: SequenceDiff[];
  /** Problems not tied to a single field (length, trailing bytes). */
  notes: string[];
}

function u64(b: Buffer, off: number): bigint {
  return b.readBigUint64LE(off);
}

function fcsrText(v: bigint): string {
  const names = ['NX', 'UF', 'OF', 'DZ', 'NV'];
  const flags = names.filter((_, i) => (v >> BigInt(i)) & 1n).join('|') || '-';
  return `${hex64(v)} (frm=${(v >> 5n) & 7n} fflags=${flags})`;
}

/** Compare one record (expected vs actual); returns differing fields. */
export function compareRecord(exp: Buffer, got: Buffer): FieldDiff[] {
  const d: FieldDiff[] = [];
  const L = RECORD_LAYOUT;
  if (exp.readUInt32LE(L.magic) !== got.readUInt32LE(L.magic) || exp.readUInt32LE(L.index) !== got.readUInt32LE(L.index)) {
    d.push({
      field: 'header',
      expected: `${exp.readUInt32LE(L.magic).toString(16)}/${exp.readUInt32LE(L.index)}`,
      got: `${got.readUInt32LE(L.magic).toString(16)}/${got.readUInt32LE(L.index)}`,
    });
  }
  for (let r = 0; r < 32; r++) {
    const e = u64(exp, L.x + 8 * r);
    const g = u64(got, L.x + 8 * r);
    if (e !== g) d.push({ field: `x${r}/${XNAMES[r]}`, expected: hex64(e), got: hex64(g) });
  }
  for (let r = 0; r < 32; r++) {
    const e = u64(exp, L.f + 8 * r);
    const g = u64(got, L.f + 8 * r);
    if (e !== g) d.push({ field: `f${r}/${FNAMES[r]}`, expected: fpText(e), got: fpText(g) });
  }
  {
    const e = u64(exp, L.fcsr);
    const g = u64(got, L.fcsr);
    if (e !== g) d.push({ field: 'fcsr', expected: fcsrText(e), got: fcsrText(g) });
  }
  for (let o = 0; o < SCRATCH_SIZE; o += 8) {
    const e = u64(exp, L.scratch + o);
    const g = u64(got, L.scratch + o);
    if (e !== g) d.push({ field: `mem[s1+${o}]`, expected: hex64(e), got: hex64(g) });
  }
  return d;
}

/** Hex plus a readable interpretation of an FP register's raw bits. */
export function fpText(v: bigint): string {
  const dv = new DataView(new ArrayBuffer(8));
  dv.setBigUint64(0, v, true);
  if (v >> 32n === 0xffffffffn) return `${hex64(v)} (s ${dv.getFloat32(0, true)})`;
  return `${hex64(v)} (d ${dv.getFloat64(0, true)})`;
}

export function compareOutputs(expected: Buffer, actual: Buffer): OutputComparison {
  const res: OutputComparison = {
    equal: expected.equals(actual),
    expectedRecords: Math.floor(expected.length / REC_SIZE),
    actualRecords: Math.floor(actual.length / REC_SIZE),
    diffs: [],
    notes: [],
  };
  if (res.equal) return res;
  if (expected.length % REC_SIZE !== 0) res.notes.push(`expected output length ${expected.length} is not a multiple of ${REC_SIZE}`);
  if (actual.length !== expected.length) {
    res.notes.push(
      `output length differs: expected ${expected.length} bytes (${res.expectedRecords} records), got ${actual.length} bytes (${res.actualRecords} complete records)`,
    );
  }
  const n = Math.min(res.expectedRecords, res.actualRecords);
  for (let i = 0; i < n; i++) {
    const e = expected.subarray(i * REC_SIZE, (i + 1) * REC_SIZE);
    const g = actual.subarray(i * REC_SIZE, (i + 1) * REC_SIZE);
    if (e.equals(g)) continue;
    res.diffs.push({ seq: i, fields: compareRecord(e, g) });
  }
  if (res.actualRecords < res.expectedRecords) {
    res.notes.push(`output stops before sequence ${res.actualRecords} (of ${res.expectedRecords})`);
  }
  return res;
}

/** Check the golden output itself: right size, one record per sequence, in order. */
export function validateGolden(out: Buffer, nseqs: number): string | undefined {
  if (out.length !== nseqs * REC_SIZE) return `expected ${nseqs * REC_SIZE} bytes, got ${out.length}`;
  for (let i = 0; i < nseqs; i++) {
    const magic = out.readUInt32LE(i * REC_SIZE + RECORD_LAYOUT.magic);
    const idx = out.readUInt32LE(i * REC_SIZE + RECORD_LAYOUT.index);
    if (magic !== REC_MAGIC || idx !== i) return `record ${i}: bad header ${magic.toString(16)}/${idx}`;
  }
  return undefined;
}

function mentions(lines: string[]): (name: string) => boolean {
  const text = lines.join('\n');
  return (name) => new RegExp(`(^|[^\\w.])${name}([^\\w]|$)`, 'm').test(text);
}

/** Values (from a dump record) of every register named in `lines`, plus fcsr. */
export function recordValues(rec: Buffer, lines: string[]): string[] {
  const used = mentions(lines);
  const out: string[] = [];
  for (let r = 1; r < 32; r++) if (used(XNAMES[r])) out.push(`${XNAMES[r]}=${hex64(u64(rec, RECORD_LAYOUT.x + 8 * r))}`);
  for (let f = 0; f < 32; f++) if (used(FNAMES[f])) out.push(`${FNAMES[f]}=${fpText(u64(rec, RECORD_LAYOUT.f + 8 * f))}`);
  out.push(`fcsr=${fcsrText(u64(rec, RECORD_LAYOUT.fcsr))}`);
  // Memory operands: `off(reg)` / `(reg)` resolved against the dumped registers and s1.
  const s1 = u64(rec, RECORD_LAYOUT.x + 8 * 9);
  for (const l of lines) {
    const m = /(-?\d+)?\((\w+)\)\s*$/.exec(l);
    if (!m) continue;
    const r = XNAMES.indexOf(m[2] as (typeof XNAMES)[number]);
    if (r < 0) continue;
    const off = Number(BigInt.asIntN(64, u64(rec, RECORD_LAYOUT.x + 8 * r) + BigInt(m[1] ?? 0) - s1));
    if (off >= 0 && off < SCRATCH_SIZE) {
      const w = off & ~7;
      out.push(`mem[s1+${w}]=${hex64(u64(rec, RECORD_LAYOUT.scratch + w))} (access at s1+${off})`);
    }
  }
  return out;
}

/** Initial value description for every register named in `lines`. */
function initialValues(table: bigint[] | undefined, lines: string[]): string[] {
  if (!table) return [];
  const used = mentions(lines);
  const out: string[] = [];
  USABLE_X.forEach((r, slot) => {
    if (used(XNAMES[r])) out.push(`${XNAMES[r]}=${hex64(table[slot])}`);
  });
  for (let f = 0; f < 32; f++) if (used(FNAMES[f])) out.push(`${FNAMES[f]}=${fpText(table[TABLE_F0 + f])}`);
  out.push(`fcsr=${fcsrText(table[TABLE_FCSR])}`);
  return out;
}

/**
 * Human-readable report of a comparison. `asm` (the program's .S text) is used to print the
 * assembly and initial register values of the first `maxSeqs` diverging sequences.
 */
export function formatReport(label: string, cmp: OutputComparison, asm: string | undefined, maxSeqs = 3): string {
  const o: string[] = [];
  o.push(`${label}: ${cmp.diffs.length} diverging sequence(s)` + (cmp.diffs.length ? `: ${cmp.diffs.map((d) => d.seq).slice(0, 40).join(', ')}${cmp.diffs.length > 40 ? ', ...' : ''}` : ''));
  for (const n of cmp.notes) o.push(`  ${n}`);
  const bodies = asm ? extractSequenceBodies(asm) : undefined;
  const tables = asm ? extractTables(asm) : undefined;
  for (const d of cmp.diffs.slice(0, maxSeqs)) {
    o.push(`  sequence ${d.seq}:`);
    for (const f of d.fields) o.push(`    ${f.field.padEnd(12)} expected ${f.expected}  got ${f.got}`);
    const body = bodies?.get(d.seq);
    if (body) {
      const init = initialValues(tables?.get(d.seq), body);
      o.push('    initial values:');
      for (let i = 0; i < init.length; i += 3) o.push('      ' + init.slice(i, i + 3).join('  '));
      o.push('    assembly:');
      for (const l of body) o.push('      ' + l.trim());
    }
  }
  if (cmp.diffs.length > maxSeqs) o.push(`  (${cmp.diffs.length - maxSeqs} more diverging sequences not shown)`);
  return o.join('\n');
}
