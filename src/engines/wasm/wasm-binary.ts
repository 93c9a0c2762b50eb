/**
 * A small WebAssembly binary writer: one function body at a time, with named branch labels
 * (their depths are counted here), and the module around it. Every instruction is also kept
 * as a line of text (the WebAssembly text format's names), so generated code can be read and
 * compared in golden files.
 */

export const T_I32 = 0x7f, T_I64 = 0x7e, T_F64 = 0x7c;
const T_VOID = 0x40;

/** Opcodes used by the generators, by their text-format names. */
export const OP = {
  'drop': 0x1a, 'select': 0x1b,
  'i32.load': 0x28, 'i64.load': 0x29, 'i32.load8_u': 0x2d,
  'i64.load8_s': 0x30, 'i64.load8_u': 0x31, 'i64.load16_s': 0x32, 'i64.load16_u': 0x33, 'i64.load32_s': 0x34, 'i64.load32_u': 0x35,
  'i32.store': 0x36, 'i64.store': 0x37, 'i64.store8': 0x3c, 'i64.store16': 0x3d, 'i64.store32': 0x3e,
  'i32.eqz': 0x45, 'i32.eq': 0x46, 'i32.ne': 0x47, 'i32.lt_s': 0x48, 'i32.lt_u': 0x49, 'i32.gt_s': 0x4a, 'i32.gt_u': 0x4b,
  'i32.ge_u': 0x4f,
  'i64.eqz': 0x50, 'i64.eq': 0x51, 'i64.ne': 0x52, 'i64.lt_s': 0x53, 'i64.lt_u': 0x54, 'i64.le_u': 0x58, 'i64.ge_s': 0x59, 'i64.ge_u': 0x5a,
  'i32.add': 0x6a, 'i32.sub': 0x6b, 'i32.mul': 0x6c, 'i32.div_s': 0x6d, 'i32.div_u': 0x6e, 'i32.rem_s': 0x6f, 'i32.rem_u': 0x70,
  'i32.and': 0x71, 'i32.or': 0x72, 'i32.xor': 0x73, 'i32.shl': 0x74, 'i32.shr_s': 0x75, 'i32.shr_u': 0x76,
  'i64.add': 0x7c, 'i64.sub': 0x7d, 'i64.mul': 0x7e, 'i64.div_s': 0x7f, 'i64.div_u': 0x80, 'i64.rem_s': 0x81, 'i64.rem_u': 0x82,
  'i64.and': 0x83, 'i64.or': 0x84, 'i64.xor': 0x85, 'i64.shl': 0x86, 'i64.shr_s': 0x87, 'i64.shr_u': 0x88,
  'i32.wrap_i64': 0xa7, 'i64.extend_i32_s': 0xac, 'i64.extend_i32_u': 0xad,
  'f64.load': 0x2b, 'f64.store': 0x39,
  'f32.eq': 0x5b, 'f32.lt': 0x5d, 'f32.le': 0x5f, 'f64.eq': 0x61, 'f64.ne': 0x62, 'f64.lt': 0x63, 'f64.gt': 0x64, 'f64.le': 0x65, 'f64.ge': 0x66,
  'f32.abs': 0x8b, 'f32.sqrt': 0x91, 'f32.add': 0x92, 'f32.sub': 0x93, 'f32.mul': 0x94, 'f32.div': 0x95,
  'f64.abs': 0x99, 'f64.neg': 0x9a, 'f64.sqrt': 0x9f, 'f64.add': 0xa0, 'f64.sub': 0xa1, 'f64.mul': 0xa2, 'f64.div': 0xa3, 'f64.min': 0xa4, 'f64.max': 0xa5,
  'f64.ceil': 0x9b, 'f64.floor': 0x9c, 'f64.trunc': 0x9d, 'f64.nearest': 0x9e,
  'i64.trunc_f64_s': 0xb0, 'i64.trunc_f64_u': 0xb1, 'f64.convert_i64_s': 0xb9, 'f32.demote_f64': 0xb6, 'f64.promote_f32': 0xbb, 'i32.reinterpret_f32': 0xbc, 'i64.reinterpret_f64': 0xbd, 'f32.reinterpret_i32': 0xbe, 'f64.reinterpret_i64': 0xbf,
} as const;
export type OpName = keyof typeof OP;

/** A growable byte buffer (generated bodies run to hundreds of kilobytes). */
class Bytes {
  buf = new Uint8Array(4096);
  length = 0;
  push(b: number): void {
    if (this.length === this.buf.length) {
      const bigger = new Uint8Array(this.buf.length * 2);
      bigger.set(this.buf);
      this.buf = bigger;
    }
    this.buf[this.length++] = b;
  }
  uleb(v: number): void {
    do {
      let b = v & 0x7f;
      v = Math.floor(v / 128);
      if (v !== 0) b |= 0x80;
      this.push(b);
    } while (v !== 0);
  }
  /** Signed LEB128 of an int32 (the common case, without BigInt) or of any 64-bit value. */
  sleb(v: number | bigint): void {
    if (typeof v === 'number') {
      for (;;) {
        const b = v & 0x7f;
        v >>= 7;
        if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) { this.push(b); return; }
        this.push(b | 0x80);
      }
    }
    for (;;) {
      const b = Number(v & 0x7fn);
      v >>= 7n;
      if ((v === 0n && (b & 0x40) === 0) || (v === -1n && (b & 0x40) !== 0)) { this.push(b); return; }
      this.push(b | 0x80);
    }
  }
  bytes(): Uint8Array { return this.buf.subarray(0, this.length); }
}

/** A function body under construction. Methods append one instruction and return `this`. */
export class Body {
  readonly out = new Bytes();
  /** The instructions as text, one per line: only when asked for (every instruction checks, so that no line is formatted otherwise). */
  readonly text: string[] | undefined;
  private readonly labels: string[] = [];
  /** Where each label is open in `labels` (innermost last): branch depths without a search. */
  private readonly openAt = new Map<string, number[]>();

  constructor(withText = false) { this.text = withText ? [] : undefined; }

  private line(s: string): void { this.text?.push('  '.repeat(this.labels.length) + s); }

  op(...names: OpName[]): this {
    for (const n of names) { this.out.push(OP[n]); if (this.text) this.line(n); }
    return this;
  }
  get(l: number): this { this.out.push(0x20); this.out.uleb(l); if (this.text) this.line(`local.get ${l}`); return this; }
  set(l: number): this { this.out.push(0x21); this.out.uleb(l); if (this.text) this.line(`local.set ${l}`); return this; }
  tee(l: number): this { this.out.push(0x22); this.out.uleb(l); if (this.text) this.line(`local.tee ${l}`); return this; }
  i32(v: number): this { this.out.push(0x41); this.out.sleb(v | 0); if (this.text) this.line(`i32.const ${v | 0}`); return this; }
  i64(v: bigint | number): this {
    this.out.push(0x42);
    if (typeof v === 'number' && v === (v | 0)) this.out.sleb(v);
    else this.out.sleb(BigInt.asIntN(64, BigInt(v)));
    if (this.text) this.line(`i64.const ${typeof v === 'number' && v === (v | 0) ? v : BigInt.asIntN(64, BigInt(v))}`);
    return this;
  }
  f64(v: number): this {
    this.out.push(0x44);
    const b = new DataView(new ArrayBuffer(8));
    b.setFloat64(0, v, true); // WebAssembly constants are little-endian
    for (let k = 0; k < 8; k++) this.out.push(b.getUint8(k));
    if (this.text) this.line(`f64.const ${v}`);
    return this;
  }
  /** A load or store at the address on the stack plus `offset`, with its natural alignment. */
  mem(name: OpName, alignLog2: number, offset = 0): this {
    this.out.push(OP[name]); this.out.uleb(alignLog2); this.out.uleb(offset);
    if (this.text) this.line(`${name} offset=${offset}`);
    return this;
  }
  open(kind: 'block' | 'loop' | 'if', label = ''): this {
    if (this.text) this.line(`${kind}${label ? ` $${label}` : ''}`);
    this.out.push({ block: 0x02, loop: 0x03, if: 0x04 }[kind]);
    this.out.push(T_VOID);
    this.push(label);
    return this;
  }
  else(): this { this.out.push(0x05); this.pop(); if (this.text) this.line('else'); this.push(''); return this; }
  end(): this { this.out.push(0x0b); this.pop(); if (this.text) this.line('end'); return this; }
  private push(label: string): void {
    let at = this.openAt.get(label);
    if (!at) this.openAt.set(label, (at = []));
    at.push(this.labels.length);
    this.labels.push(label);
  }
  private pop(): void { this.openAt.get(this.labels.pop()!)!.pop(); }
  private depth(label: string): number {
    const at = this.openAt.get(label);
    if (!at?.length) throw new Error(`wasm: no enclosing label ${label}`);
    return this.labels.length - 1 - at[at.length - 1];
  }
  br(label: string): this { this.out.push(0x0c); this.out.uleb(this.depth(label)); if (this.text) this.line(`br $${label}`); return this; }
  brIf(label: string): this { this.out.push(0x0d); this.out.uleb(this.depth(label)); if (this.text) this.line(`br_if $${label}`); return this; }
  /** Calls imported helper k (ModuleShape.helpers). */
  call(k: number): this { this.out.push(0x10); this.out.uleb(k); if (this.text) this.line(`call $h${k}`); return this; }
  /** Calls entry (i32 on the stack) of the imported table, a function of type 1 (ModuleShape.table). */
  callIndirect(): this { this.out.push(0x11); this.out.uleb(1); this.out.uleb(0); if (this.text) this.line('call_indirect (type 1)'); return this; }
  brTable(targets: string[], otherwise: string): this {
    this.out.push(0x0e); this.out.uleb(targets.length);
    for (const t of targets) this.out.uleb(this.depth(t));
    this.out.uleb(this.depth(otherwise));
    if (this.text) this.line(`br_table (${targets.length} targets) $${otherwise}`);
    return this;
  }
}

function section(out: Bytes, id: number, content: Uint8Array): void {
  out.push(id); out.uleb(content.length);
  for (let k = 0; k < content.length; k++) out.push(content[k]);
}
function name(out: Bytes, s: string): void { out.uleb(s.length); for (const c of s) out.push(c.charCodeAt(0)); }
const bytesOf = (fill: (b: Bytes) => void) => { const b = new Bytes(); fill(b); return b.bytes(); };

export interface ModuleShape {
  /** Size of the imported memory `m.mem`, in 64 KiB pages (fixed). */
  pages: number;
  /** The exported function `run` takes this many i32 parameters and returns one i32. */
  params: number;
  locals: [count: number, type: number][];
  /**
   * Import a function table `m.table` too, whose functions take `callParams` i32 parameters
   * and return one i32 (type 1, for call_indirect).
   */
  table?: { callParams: number };
  /** Import this many functions `h.0`, `h.1`, ... of no parameters and one i32 result (type 2), called with `call k`. */
  helpers?: number;
}

/** A module importing memory (and perhaps a table), exporting one function `run` with this body. */
export function moduleBytes(shape: ModuleShape, body: Body): Uint8Array<ArrayBuffer> {
  const out = new Bytes();
  for (const b of [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]) out.push(b);
  const fnType = (t: Bytes, params: number) => {
    t.push(0x60); t.uleb(params);
    for (let k = 0; k < params; k++) t.push(T_I32);
    t.push(1); t.push(T_I32);
  };
  const helpers = shape.helpers ?? 0;
  section(out, 1, bytesOf((t) => {
    t.push(3);
    fnType(t, shape.params);
    fnType(t, shape.table?.callParams ?? 0);
    fnType(t, 0);
  }));
  section(out, 2, bytesOf((t) => {
    t.uleb(1 + (shape.table ? 1 : 0) + helpers);
    name(t, 'm'); name(t, 'mem'); t.push(0x02); t.push(0x01); t.uleb(shape.pages); t.uleb(shape.pages);
    if (shape.table) { name(t, 'm'); name(t, 'table'); t.push(0x01); t.push(0x70); t.push(0x00); t.uleb(0); }
    for (let k = 0; k < helpers; k++) { name(t, 'h'); name(t, String(k)); t.push(0x00); t.uleb(2); }
  }));
  section(out, 3, Uint8Array.of(1, 0));
  // Imported functions come first in the function index space: `run` follows the helpers.
  section(out, 7, bytesOf((t) => { t.push(1); name(t, 'run'); t.push(0x00); t.uleb(helpers); }));
  const head = bytesOf((t) => { t.uleb(shape.locals.length); for (const [n, type] of shape.locals) { t.uleb(n); t.push(type); } });
  const code = body.out.bytes();
  const fnSize = head.length + code.length + 1;
  const codeSection = bytesOf((t) => { t.push(1); t.uleb(fnSize); });
  out.push(10); out.uleb(codeSection.length + fnSize);
  const result = new Uint8Array(out.length + codeSection.length + fnSize);
  result.set(out.bytes());
  result.set(codeSection, out.length);
  result.set(head, out.length + codeSection.length);
  result.set(code, out.length + codeSection.length + head.length);
  result[result.length - 1] = 0x0b;
  return result;
}
