/** The DTB builder and parser: layout, every value kind, round trips, and corrupt blobs. */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { bigCells, Fdt, FdtError, FDT_MAGIC, parseFdt, parseFdtHeader } from '../../src/vms/system/fdt.js';
import { which } from '../support/repo.js';
import { flatten, parseDts } from './dts.js';

function sample(): Fdt {
  const fdt = new Fdt();
  fdt.reserve(0x80000000n, 0x200000n);
  fdt.reserve(0x1_0000_0000n, 0x1000);
  fdt.root.u32('#address-cells', 2).u32('#size-cells', 2).string('model', 'test');
  const a = fdt.root.add('node@1000');
  const ph = fdt.allocPhandle();
  a.phandle(ph).empty('flag').u64('big', 0x0123_4567_89ab_cdefn).cells('reg', 0, 0x1000, 0, 0x100)
    .strings('compatible', 'vendor,one', 'vendor,two').bytes('raw', new Uint8Array([1, 2, 3]));
  a.add('child').u32('ref', ph).string('model', 'child');
  fdt.root.add('other');
  return fdt;
}

describe('FDT builder', () => {
  it('writes a version 17 header with aligned blocks', () => {
    const blob = sample().toBlob();
    const h = parseFdtHeader(blob);
    const dv = new DataView(blob.buffer);
    assert.equal(dv.getUint32(0), FDT_MAGIC);
    assert.equal(h.totalsize, blob.length);
    assert.equal(h.version, 17);
    assert.equal(h.lastCompVersion, 16);
    assert.equal(h.offMemRsvmap, 40);
    assert.equal(h.offMemRsvmap % 8, 0);
    assert.equal(h.offDtStruct, 40 + 3 * 16);
    assert.equal(h.offDtStruct % 4, 0);
    assert.equal(h.offDtStrings, h.offDtStruct + h.sizeDtStruct);
    assert.equal(h.offDtStrings + h.sizeDtStrings, blob.length);
    assert.equal(dv.getUint32(h.offDtStruct + h.sizeDtStruct - 4), 9, 'ends with FDT_END');
  });

  it('stores each property name once in the strings block', () => {
    const blob = sample().toBlob();
    const h = parseFdtHeader(blob);
    const strings = Buffer.from(blob.subarray(h.offDtStrings, h.offDtStrings + h.sizeDtStrings)).toString('latin1').split('\0');
    assert.equal(strings.filter((s) => s === 'model').length, 1);
    assert.deepEqual(strings.slice(0, -1).sort(), ['#address-cells', '#size-cells', 'big', 'compatible', 'flag', 'model', 'phandle', 'raw', 'reg', 'ref'].sort());
  });

  it('round-trips through the parser', () => {
    const fdt = sample();
    const back = parseFdt(fdt.toBlob());
    assert.deepEqual(flatten(back), flatten(fdt));
    assert.deepEqual(back.reservations, [{ address: 0x80000000n, size: 0x200000n }, { address: 0x1_0000_0000n, size: 0x1000n }]);
    const n = back.node('/node@1000')!;
    assert.equal(n.getU32('phandle'), 1);
    assert.deepEqual(n.getCells('reg'), [0, 0x1000, 0, 0x100]);
    assert.equal(n.getNumber('big'), 0x0123_4567_89ab_cdefn);
    assert.deepEqual(n.getStrings('compatible'), ['vendor,one', 'vendor,two']);
    assert.deepEqual([...n.prop('raw')!], [1, 2, 3]);
    assert.equal(n.prop('flag')!.length, 0);
    assert.equal(back.node('/node@1000/child')!.getString('model'), 'child');
    assert.equal(back.node('/other')!.props.length, 0);
    assert.equal(back.node('/nope'), undefined);
    assert.equal(back.node('/'), back.root);
  });

  it('pads strings and byte values to 4 bytes', () => {
    const fdt = new Fdt();
    fdt.root.string('a', 'x').bytes('b', new Uint8Array([0xff])).u32('c', 7);
    const back = parseFdt(fdt.toBlob());
    assert.equal(back.root.getString('a'), 'x');
    assert.deepEqual([...back.root.prop('b')!], [0xff]);
    assert.equal(back.root.getU32('c'), 7);
  });

  it('replaces a property set twice, in place', () => {
    const fdt = new Fdt();
    fdt.root.u32('a', 1).u32('b', 2).u32('a', 3);
    assert.deepEqual(fdt.root.props.map((p) => [p.name, p.value.length]), [['a', 4], ['b', 4]]);
    assert.equal(fdt.root.getU32('a'), 3);
  });

  it('splits wide numbers into cells', () => {
    assert.deepEqual(bigCells(0x1_2345_6789n, 2), [1, 0x23456789]);
    assert.deepEqual(bigCells(0x80000000, 1), [0x80000000]);
    assert.throws(() => bigCells(0x1_0000_0000n, 1), FdtError);
  });

  it('rejects bad names, duplicates and out-of-range values', () => {
    const fdt = new Fdt();
    assert.throws(() => fdt.root.add('bad name'), /invalid node name/);
    assert.throws(() => fdt.root.add('a'.repeat(40)), /invalid node name/);
    fdt.root.add('dup');
    assert.throws(() => fdt.root.add('dup'), /duplicate node 'dup'/);
    assert.throws(() => fdt.root.u32('bad=name', 1), /invalid property name/);
    assert.throws(() => fdt.root.u32('x', -1), /out of range/);
    assert.throws(() => fdt.root.u32('x', 2 ** 32), /out of range/);
    assert.throws(() => fdt.root.u64('x', -1n), /out of range/);
    assert.throws(() => fdt.root.string('x', 'a\0b'), /NUL/);
  });

  it('typed getters refuse values of the wrong shape', () => {
    const fdt = new Fdt();
    fdt.root.bytes('odd', new Uint8Array(3)).cells('two', 1, 2).bytes('nonul', new Uint8Array([65]));
    assert.throws(() => fdt.root.getCells('odd'), /not a list of cells/);
    assert.throws(() => fdt.root.getU32('two'), /2 cells, expected 1/);
    assert.throws(() => fdt.root.getStrings('nonul'), /NUL-terminated/);
    assert.equal(fdt.root.getU32('missing'), undefined);
  });
});

describe('FDT parser errors', () => {
  const good = sample().toBlob();
  const edit = (f: (b: Uint8Array, dv: DataView) => void): Uint8Array => {
    const b = good.slice();
    f(b, new DataView(b.buffer));
    return b;
  };
  const h = parseFdtHeader(good);

  it('bad magic', () => assert.throws(() => parseFdt(edit((_, dv) => dv.setUint32(0, 0x12345678))), /not a device tree blob \(magic 0x12345678/));
  it('too short', () => assert.throws(() => parseFdt(good.subarray(0, 20)), /too short/));
  it('truncated', () => assert.throws(() => parseFdt(good.subarray(0, good.length - 8)), /truncated device tree blob/));
  it('old version', () => assert.throws(() => parseFdt(edit((_, dv) => { dv.setUint32(20, 3); dv.setUint32(24, 2); })), /unsupported device tree version 3/));
  it('structure block out of bounds', () => assert.throws(() => parseFdt(edit((_, dv) => dv.setUint32(36, 1 << 20))), /structure block outside/));
  it('missing FDT_END', () => assert.throws(() => parseFdt(edit((_, dv) => dv.setUint32(h.offDtStruct + h.sizeDtStruct - 4, 4))), /ends without FDT_END/));
  it('unknown token', () => assert.throws(() => parseFdt(edit((_, dv) => dv.setUint32(h.offDtStruct + h.sizeDtStruct - 8, 7))), /unexpected token 7/));
  it('property name outside the strings block', () => {
    // The first token after the root's name is the first property: FDT_PROP len nameoff.
    assert.throws(() => parseFdt(edit((_, dv) => dv.setUint32(h.offDtStruct + 8 + 8, 0xffff))), /name offset 65535 outside/);
  });
  it('NOP tokens are skipped', () => {
    const fdt = new Fdt();
    fdt.root.u32('a', 1);
    const blob = fdt.toBlob();
    const hh = parseFdtHeader(blob);
    // Overwrite the root's only property (token, len, nameoff, 4-byte value) with four NOPs.
    const dv = new DataView(blob.buffer);
    for (let i = 0; i < 4; i++) dv.setUint32(hh.offDtStruct + 8 + i * 4, 4);
    const back = parseFdt(blob);
    assert.equal(back.root.props.length, 0);
  });
});

describe('dtc agrees with our layout', { skip: which('dtc') ? false : 'dtc not installed (Debian package device-tree-compiler)' }, () => {
  it('dtc decompiles our blob to the same tree, reservations included', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'univm-fdt-'));
    const file = path.join(dir, 'sample.dtb');
    writeFileSync(file, sample().toBlob());
    const dts = execFileSync('dtc', ['-q', '-I', 'dtb', '-O', 'dts', file], { encoding: 'utf8' });
    const back = parseDts(dts);
    assert.deepEqual(flatten(back), flatten(sample()));
    assert.deepEqual(back.reservations, sample().reservations);
  });
  it('a blob dtc compiles parses to the tree its source describes', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'univm-fdt-'));
    const src = path.join(dir, 'in.dts'), out = path.join(dir, 'out.dtb');
    const text = '/dts-v1/;\n/memreserve/ 0x1000 0x2000;\n/ {\n\tx = <0x1 0x2>, "s\\x41", [0a 0b];\n\tempty;\n\tn@1 {\n\t\tq = "a", "b";\n\t};\n};\n';
    writeFileSync(src, text);
    execFileSync('dtc', ['-q', '-I', 'dts', '-O', 'dtb', '-o', out, src]);
    const blob = new Uint8Array(readFileSync(out));
    assert.deepEqual(flatten(parseFdt(blob)), flatten(parseDts(text)));
    assert.deepEqual(parseFdt(blob).reservations, [{ address: 0x1000n, size: 0x2000n }]);
  });
});
