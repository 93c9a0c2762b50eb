/**
 * Flattened device tree (DTB), version 17 as in the Devicetree Specification v0.4 chapter 5:
 * a builder that lays out a tree into a blob, and a parser that reads one back (for tests,
 * and to inspect a blob a user supplies).
 *
 * Blob layout written: the 40-byte header, the memory reservation block (8-aligned, pairs of
 * big-endian u64 ended by a zero pair), the structure block (FDT_BEGIN_NODE name, FDT_PROP
 * len nameoff value, FDT_END_NODE, ..., FDT_END; every item 4-aligned), then the strings block
 * (property names, NUL-terminated, each stored once).
 */

export class FdtError extends Error {
  constructor(message: string) { super(message); this.name = 'FdtError'; }
}

export const FDT_MAGIC = 0xd00dfeed;
export const FDT_BEGIN_NODE = 1, FDT_END_NODE = 2, FDT_PROP = 3, FDT_NOP = 4, FDT_END = 9;
const HEADER_SIZE = 40;
const VERSION = 17, LAST_COMP_VERSION = 16;

const utf8 = new TextEncoder();
const utf8d = new TextDecoder('utf-8', { fatal: false });

// ---- value encoders (all big-endian, as the format requires) ----

export function u32(v: number): Uint8Array {
  if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new FdtError(`u32 value out of range: ${v}`);
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v);
  return b;
}

export function u64(v: bigint | number): Uint8Array {
  const x = BigInt(v);
  if (x < 0n || x >= 1n << 64n) throw new FdtError(`u64 value out of range: ${v}`);
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, x);
  return b;
}

export function cells(values: readonly number[]): Uint8Array {
  const b = new Uint8Array(values.length * 4);
  const dv = new DataView(b.buffer);
  values.forEach((v, i) => {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new FdtError(`cell value out of range: ${v}`);
    dv.setUint32(i * 4, v);
  });
  return b;
}

/** A number split into `n` 32-bit cells (most significant first), e.g. an address in #address-cells. */
export function bigCells(v: bigint | number, n: number): number[] {
  let x = BigInt(v);
  if (x < 0n || x >= 1n << BigInt(32 * n)) throw new FdtError(`value ${v} does not fit in ${n} cells`);
  const out = new Array<number>(n);
  for (let i = n - 1; i >= 0; i--) {
    out[i] = Number(x & 0xffffffffn);
    x >>= 32n;
  }
  return out;
}

export function str(s: string): Uint8Array {
  return strList([s]);
}

export function strList(list: readonly string[]): Uint8Array {
  const parts = list.map((s) => {
    if (s.includes('\0')) throw new FdtError(`string property values cannot contain NUL: ${JSON.stringify(s)}`);
    return utf8.encode(s);
  });
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length + 1, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length + 1;
  }
  return out;
}

const NODE_NAME = /^[0-9A-Za-z,._+-]{1,31}(@[0-9A-Za-z,._+-]+)?$/;
const PROP_NAME = /^[0-9A-Za-z,._+?#-]{1,31}$/;

export interface FdtProperty { readonly name: string; value: Uint8Array }

/** A node of a device tree: ordered properties and ordered children. */
export class FdtNode {
  readonly props: FdtProperty[] = [];
  readonly children: FdtNode[] = [];

  constructor(readonly name: string) {}

  /** Adds a child node (names must be unique among siblings). */
  add(name: string): FdtNode {
    if (!NODE_NAME.test(name)) throw new FdtError(`invalid node name '${name}'`);
    if (this.child(name)) throw new FdtError(`duplicate node '${name}' under '${this.name || '/'}'`);
    const n = new FdtNode(name);
    this.children.push(n);
    return n;
  }

  child(name: string): FdtNode | undefined {
    return this.children.find((c) => c.name === name);
  }

  /** Sets a property (replacing one of the same name, in place). */
  set(name: string, value: Uint8Array): this {
    if (!PROP_NAME.test(name)) throw new FdtError(`invalid property name '${name}'`);
    const old = this.props.find((p) => p.name === name);
    if (old) old.value = value;
    else this.props.push({ name, value });
    return this;
  }

  empty(name: string): this { return this.set(name, new Uint8Array(0)); }
  u32(name: string, v: number): this { return this.set(name, u32(v)); }
  u64(name: string, v: bigint | number): this { return this.set(name, u64(v)); }
  cells(name: string, ...v: number[]): this { return this.set(name, cells(v)); }
  string(name: string, s: string): this { return this.set(name, str(s)); }
  strings(name: string, ...list: string[]): this { return this.set(name, strList(list)); }
  bytes(name: string, b: Uint8Array): this { return this.set(name, b.slice()); }
  phandle(v: number): this { return this.u32('phandle', v); }

  // ---- reading ----

  prop(name: string): Uint8Array | undefined {
    return this.props.find((p) => p.name === name)?.value;
  }

  has(name: string): boolean { return this.prop(name) !== undefined; }

  /** The property as 32-bit cells. */
  getCells(name: string): number[] | undefined {
    const v = this.prop(name);
    if (v === undefined) return undefined;
    if (v.length % 4 !== 0) throw new FdtError(`property ${name} is ${v.length} bytes, not a list of cells`);
    const dv = new DataView(v.buffer, v.byteOffset, v.byteLength);
    return Array.from({ length: v.length / 4 }, (_, i) => dv.getUint32(i * 4));
  }

  getU32(name: string): number | undefined {
    const c = this.getCells(name);
    if (c === undefined) return undefined;
    if (c.length !== 1) throw new FdtError(`property ${name} has ${c.length} cells, expected 1`);
    return c[0];
  }

  /** A u32 or u64 property as a bigint (the two encodings Linux accepts for initrd bounds). */
  getNumber(name: string): bigint | undefined {
    const c = this.getCells(name);
    if (c === undefined) return undefined;
    return c.reduce((acc, x) => (acc << 32n) | BigInt(x), 0n);
  }

  getStrings(name: string): string[] | undefined {
    const v = this.prop(name);
    if (v === undefined) return undefined;
    if (v.length === 0 || v[v.length - 1] !== 0) throw new FdtError(`property ${name} is not a NUL-terminated string list`);
    return utf8d.decode(v.subarray(0, v.length - 1)).split('\0');
  }

  getString(name: string): string | undefined {
    return this.getStrings(name)?.[0];
  }
}

export interface FdtReservation { address: bigint; size: bigint }

/** A device tree under construction, or one parsed from a blob. */
export class Fdt {
  readonly root = new FdtNode('');
  readonly reservations: FdtReservation[] = [];
  bootCpuidPhys = 0;
  private nextPhandle = 1;

  /** A fresh phandle value (1, 2, 3... in order of allocation). */
  allocPhandle(): number { return this.nextPhandle++; }

  /** Adds an entry to the memory reservation block. */
  reserve(address: bigint | number, size: bigint | number): void {
    this.reservations.push({ address: BigInt(address), size: BigInt(size) });
  }

  /** The node at an absolute path such as '/soc/serial@10000000', or undefined. */
  node(path: string): FdtNode | undefined {
    if (path === '/') return this.root;
    if (!path.startsWith('/')) return undefined;
    let n: FdtNode | undefined = this.root;
    for (const part of path.slice(1).split('/')) {
      n = n.child(part);
      if (!n) return undefined;
    }
    return n;
  }

  /**
   * Lays the tree out as a DTB (version 17). `padding` adds free bytes at the end, counted in
   * totalsize (like dtc -p), for software that edits the blob in place.
   */
  toBlob(opts: { padding?: number } = {}): Uint8Array {
    const strings: number[] = [];
    const stringOffsets = new Map<string, number>();
    const nameOffset = (name: string): number => {
      let off = stringOffsets.get(name);
      if (off === undefined) {
        off = strings.length;
        stringOffsets.set(name, off);
        for (const b of utf8.encode(name)) strings.push(b);
        strings.push(0);
      }
      return off;
    };

    const struct: number[] = [];
    const word = (v: number) => struct.push((v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
    const pad = () => { while (struct.length % 4) struct.push(0); };
    const emit = (n: FdtNode) => {
      word(FDT_BEGIN_NODE);
      for (const b of utf8.encode(n.name)) struct.push(b);
      struct.push(0);
      pad();
      for (const p of n.props) {
        word(FDT_PROP);
        word(p.value.length);
        word(nameOffset(p.name));
        for (const b of p.value) struct.push(b);
        pad();
      }
      for (const c of n.children) emit(c);
      word(FDT_END_NODE);
    };
    emit(this.root);
    word(FDT_END);

    const offRsv = HEADER_SIZE;
    const rsvSize = (this.reservations.length + 1) * 16;
    const offStruct = offRsv + rsvSize;
    const offStrings = offStruct + struct.length;
    const total = offStrings + strings.length + (opts.padding ?? 0);
    const blob = new Uint8Array(total);
    const dv = new DataView(blob.buffer);
    dv.setUint32(0, FDT_MAGIC);
    dv.setUint32(4, total);
    dv.setUint32(8, offStruct);
    dv.setUint32(12, offStrings);
    dv.setUint32(16, offRsv);
    dv.setUint32(20, VERSION);
    dv.setUint32(24, LAST_COMP_VERSION);
    dv.setUint32(28, this.bootCpuidPhys);
    dv.setUint32(32, strings.length);
    dv.setUint32(36, struct.length);
    this.reservations.forEach((r, i) => {
      dv.setBigUint64(offRsv + i * 16, r.address);
      dv.setBigUint64(offRsv + i * 16 + 8, r.size);
    });
    blob.set(struct, offStruct);
    blob.set(strings, offStrings);
    return blob;
  }
}

export interface FdtHeader {
  totalsize: number;
  offDtStruct: number;
  offDtStrings: number;
  offMemRsvmap: number;
  version: number;
  lastCompVersion: number;
  bootCpuidPhys: number;
  sizeDtStrings: number;
  sizeDtStruct: number;
}

export function parseFdtHeader(blob: Uint8Array): FdtHeader {
  if (blob.length < HEADER_SIZE) throw new FdtError(`device tree blob too short (${blob.length} bytes)`);
  const dv = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const magic = dv.getUint32(0);
  if (magic !== FDT_MAGIC) throw new FdtError(`not a device tree blob (magic 0x${magic.toString(16)}, expected 0xd00dfeed)`);
  const h: FdtHeader = {
    totalsize: dv.getUint32(4), offDtStruct: dv.getUint32(8), offDtStrings: dv.getUint32(12), offMemRsvmap: dv.getUint32(16),
    version: dv.getUint32(20), lastCompVersion: dv.getUint32(24), bootCpuidPhys: dv.getUint32(28),
    sizeDtStrings: dv.getUint32(32), sizeDtStruct: dv.getUint32(36),
  };
  if (h.lastCompVersion > VERSION || h.version < LAST_COMP_VERSION) throw new FdtError(`unsupported device tree version ${h.version} (compatible with ${h.lastCompVersion})`);
  if (h.totalsize > blob.length) throw new FdtError(`truncated device tree blob (${blob.length} of ${h.totalsize} bytes)`);
  const inside = (off: number, size: number) => off >= HEADER_SIZE && off + size <= h.totalsize;
  if (!inside(h.offDtStruct, h.sizeDtStruct) || h.offDtStruct % 4) throw new FdtError('corrupt device tree: structure block outside the blob');
  if (!inside(h.offDtStrings, h.sizeDtStrings)) throw new FdtError('corrupt device tree: strings block outside the blob');
  if (!inside(h.offMemRsvmap, 16) || h.offMemRsvmap % 8) throw new FdtError('corrupt device tree: memory reservation block outside the blob');
  return h;
}

/** Reads a DTB back into a tree. Throws FdtError naming the first inconsistency. */
export function parseFdt(blob: Uint8Array): Fdt {
  const h = parseFdtHeader(blob);
  const dv = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const fdt = new Fdt();
  fdt.bootCpuidPhys = h.bootCpuidPhys;

  for (let off = h.offMemRsvmap; ; off += 16) {
    if (off + 16 > h.totalsize) throw new FdtError('corrupt device tree: unterminated memory reservation block');
    const address = dv.getBigUint64(off), size = dv.getBigUint64(off + 8);
    if (address === 0n && size === 0n) break;
    fdt.reservations.push({ address, size });
  }

  const end = h.offDtStruct + h.sizeDtStruct;
  const cString = (from: number, limit: number, what: string): [string, number] => {
    let z = from;
    while (z < limit && blob[z] !== 0) z++;
    if (z >= limit) throw new FdtError(`corrupt device tree: unterminated ${what} at offset ${from}`);
    return [utf8d.decode(blob.subarray(from, z)), z + 1];
  };
  const align = (n: number) => (n + 3) & ~3;

  let off = h.offDtStruct;
  const token = (): number => {
    if (off + 4 > end) throw new FdtError('corrupt device tree: structure block ends without FDT_END');
    const t = dv.getUint32(off);
    off += 4;
    return t;
  };
  let t = token();
  while (t === FDT_NOP) t = token();
  if (t !== FDT_BEGIN_NODE) throw new FdtError(`corrupt device tree: structure block starts with token ${t}, not FDT_BEGIN_NODE`);
  const [rootName, afterRoot] = cString(off, end, 'node name');
  if (rootName !== '') throw new FdtError(`corrupt device tree: root node named '${rootName}'`);
  off = align(afterRoot);
  const stack: FdtNode[] = [fdt.root];
  for (;;) {
    t = token();
    const cur = stack[stack.length - 1];
    if (t === FDT_NOP) continue;
    if (t === FDT_PROP) {
      if (off + 8 > end) throw new FdtError('corrupt device tree: truncated property');
      const len = dv.getUint32(off), nameoff = dv.getUint32(off + 4);
      off += 8;
      if (off + len > end) throw new FdtError('corrupt device tree: property value past the structure block');
      if (nameoff >= h.sizeDtStrings) throw new FdtError(`corrupt device tree: property name offset ${nameoff} outside the strings block`);
      const [name] = cString(h.offDtStrings + nameoff, h.offDtStrings + h.sizeDtStrings, 'property name');
      if (cur.has(name)) throw new FdtError(`corrupt device tree: duplicate property ${name}`);
      cur.props.push({ name, value: blob.slice(off, off + len) });
      off = align(off + len);
    } else if (t === FDT_BEGIN_NODE) {
      const [name, after] = cString(off, end, 'node name');
      off = align(after);
      const n = new FdtNode(name);
      cur.children.push(n);
      stack.push(n);
    } else if (t === FDT_END_NODE) {
      stack.pop();
      if (stack.length === 0) break;
    } else {
      throw new FdtError(`corrupt device tree: unexpected token ${t} at offset ${off - 4}`);
    }
  }
  t = token();
  while (t === FDT_NOP) t = token();
  if (t !== FDT_END) throw new FdtError(`corrupt device tree: token ${t} after the root node, expected FDT_END`);
  return fdt;
}
