/**
 * Test helpers: a reader for the device-tree source that `dtc -I dtb -O dts` prints (cells,
 * strings, byte strings, empty properties, nested nodes, /memreserve/), producing the same
 * Fdt structure our DTB parser does, and a flat view of a tree for comparisons.
 */
import { cells, Fdt, FdtNode } from '../../src/vms/system/fdt.js';

export function parseDts(text: string): Fdt {
  const fdt = new Fdt();
  let i = 0;
  const n = text.length;
  const fail = (msg: string): never => {
    const line = text.slice(0, i).split('\n').length;
    throw new Error(`dts line ${line}: ${msg}`);
  };
  const skip = () => {
    for (;;) {
      while (i < n && /\s/.test(text[i])) i++;
      if (text.startsWith('//', i)) {
        while (i < n && text[i] !== '\n') i++;
      } else if (text.startsWith('/*', i)) {
        const e = text.indexOf('*/', i + 2);
        if (e < 0) fail('unterminated comment');
        i = e + 2;
      } else {
        return;
      }
    }
  };
  const expect = (s: string) => {
    skip();
    if (!text.startsWith(s, i)) fail(`expected '${s}'`);
    i += s.length;
  };
  const name = (): string => {
    skip();
    const m = /^[0-9A-Za-z,._+?#@-]+/.exec(text.slice(i, i + 200));
    if (!m) fail('expected a name');
    i += m![0].length;
    return m![0];
  };
  const number = (): bigint => {
    skip();
    const m = /^(0x[0-9a-fA-F]+|[0-9]+)/.exec(text.slice(i, i + 40));
    if (!m) fail('expected a number');
    i += m![0].length;
    return BigInt(m![0]);
  };
  const stringBytes = (): number[] => {
    expect('"');
    const out: number[] = [];
    for (;;) {
      if (i >= n) fail('unterminated string');
      const c = text[i++];
      if (c === '"') break;
      if (c !== '\\') {
        for (const b of new TextEncoder().encode(c)) out.push(b);
        continue;
      }
      const e = text[i++];
      if (/[0-7]/.test(e)) {
        // dtc's lexer: up to three octal digits.
        let digits = e;
        while (digits.length < 3 && /[0-7]/.test(text[i])) digits += text[i++];
        out.push(parseInt(digits, 8));
      } else if (e === 'x') {
        let digits = '';
        while (digits.length < 2 && /[0-9a-fA-F]/.test(text[i])) digits += text[i++];
        out.push(parseInt(digits, 16));
      } else {
        const simple: Record<string, number> = { n: 10, t: 9, r: 13, a: 7, b: 8, v: 11, f: 12, '\\': 92, '"': 34, "'": 39 };
        if (!(e in simple)) fail(`unknown escape \\${e}`);
        out.push(simple[e]);
      }
    }
    out.push(0);
    return out;
  };
  const value = (): number[] => {
    skip();
    if (text[i] === '"') return stringBytes();
    if (text[i] === '<') {
      i++;
      const vs: number[] = [];
      for (;;) {
        skip();
        if (text[i] === '>') { i++; break; }
        vs.push(Number(number()));
      }
      return Array.from(cells(vs));
    }
    if (text[i] === '[') {
      i++;
      const out: number[] = [];
      for (;;) {
        skip();
        if (text[i] === ']') { i++; break; }
        const m = /^[0-9a-fA-F]{2}/.exec(text.slice(i, i + 2));
        if (!m) fail('bad byte string');
        out.push(parseInt(m![0], 16));
        i += 2;
      }
      return out;
    }
    return fail('expected a property value');
  };
  const body = (node: FdtNode) => {
    for (;;) {
      skip();
      if (text[i] === '}') {
        i++;
        expect(';');
        return;
      }
      const nm = name();
      skip();
      if (text[i] === '{') {
        i++;
        const child = new FdtNode(nm);
        node.children.push(child);
        body(child);
      } else if (text[i] === ';') {
        i++;
        node.props.push({ name: nm, value: new Uint8Array(0) });
      } else if (text[i] === '=') {
        i++;
        const bytes: number[] = [];
        for (;;) {
          bytes.push(...value());
          skip();
          if (text[i] === ',') { i++; continue; }
          break;
        }
        expect(';');
        node.props.push({ name: nm, value: Uint8Array.from(bytes) });
      } else {
        fail(`unexpected '${text[i]}'`);
      }
    }
  };

  expect('/dts-v1/;');
  for (;;) {
    skip();
    if (text.startsWith('/memreserve/', i)) {
      i += '/memreserve/'.length;
      const address = number(), size = number();
      expect(';');
      fdt.reservations.push({ address, size });
    } else {
      break;
    }
  }
  expect('/');
  expect('{');
  body(fdt.root);
  skip();
  if (i !== n) fail('text after the root node');
  return fdt;
}

/** path -> property name -> value as hex, in tree order. */
export type FlatTree = Map<string, Map<string, string>>;

export function flatten(fdt: Fdt): FlatTree {
  const out: FlatTree = new Map();
  const walk = (node: FdtNode, path: string) => {
    out.set(path, new Map(node.props.map((p) => [p.name, Buffer.from(p.value).toString('hex')])));
    for (const c of node.children) walk(c, path === '/' ? `/${c.name}` : `${path}/${c.name}`);
  };
  walk(fdt.root, '/');
  return out;
}
