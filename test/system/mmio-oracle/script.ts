/**
 * A register-level oracle for the virt devices: one script of loads, stores and mip reads,
 * run by runner.S on QEMU's virt machine (results recorded in golden/mmio-oracle.txt) and by
 * our devices through VirtPlatform. Both must give the same value at every step, except the
 * steps marked `differs`, where univm follows the device's datasheet or specification and
 * QEMU does not (each says why, and what univm reads).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { AccessSize, BusError } from '../../../src/vms/system/bus.js';
import { VirtPlatform } from '../../../src/vms/system/virt-platform.js';
import { REPO } from '../../support/repo.js';

export interface Step {
  op: 'r' | 'w' | 'mip';
  addr: number;
  size: AccessSize;
  value: bigint;
  /** Bits compared (mip: MSIP | MTIP | SEIP | MEIP; the time-dependent rest is ignored). */
  mask: bigint;
  note: string;
  differs?: { ours: bigint; why: string };
}

export const FAULT = 0xdead_0000_0000_0000n;
const LOAD_ACCESS_FAULT = 5n, STORE_ACCESS_FAULT = 7n;
const ALL = (1n << 64n) - 1n;
const MIP_MASK = (1n << 3n) | (1n << 7n) | (1n << 9n) | (1n << 11n);

const UART = 0x10000000, PLIC = 0xc000000, CLINT = 0x2000000, TEST = 0x100000;
const [RBR, IER, IIR, LCR, MCR, LSR, MSR, SCR] = [0, 1, 2, 3, 4, 5, 6, 7];
const FCR = 2, THR = 0, DLL = 0, DLM = 1;
const CLAIM1 = PLIC + 0x201004, CLAIM0 = PLIC + 0x200004, PENDING = PLIC + 0x1000;

const GATEWAY_IN_SERVICE = 'PLIC spec: a line that rises and falls while its source is in service makes no new request (QEMU 7.2 latches it)';
const GATEWAY_COMPLETION = 'PLIC spec: at completion a still-high line forwards a new request, which stays until claimed (QEMU 7.2 waits for the next rise)';
const MSR_LOOPBACK = 'PC16550D: in loopback, changes of the looped-back inputs set the MSR delta bits (QEMU reports none)';

export function steps(): Step[] {
  const s: Step[] = [];
  const r = (addr: number, size: AccessSize, note: string, differs?: Step['differs']) => s.push({ op: 'r', addr, size, value: 0n, mask: ALL, note, differs });
  const w = (addr: number, size: AccessSize, value: number | bigint, note: string) => s.push({ op: 'w', addr, size, value: BigInt.asUintN(64, BigInt(value)), mask: ALL, note });
  const mip = (note: string, differs?: Step['differs']) => s.push({ op: 'mip', addr: 0, size: 8, value: 0n, mask: MIP_MASK, note, differs });
  const ur = (reg: number, note: string, differs?: Step['differs']) => r(UART + reg, 1, `uart ${note}`, differs);
  const uw = (reg: number, v: number, note: string) => w(UART + reg, 1, v, `uart ${note}`);

  s.push({ op: 'mip', addr: 0, size: 8, value: 0n, mask: 1n << 7n, note: 'at reset: MTIP, as mtimecmp resets to 0' });
  r(CLINT + 0x4000, 8, 'mtimecmp at reset');
  w(CLINT + 0x4000, 8, -1n, 'mtimecmp = max: MTIP low');
  mip('nothing pending');

  // ---- NS16550A ----
  ur(RBR, 'RBR at reset');
  ur(IER, 'IER at reset');
  ur(IIR, 'IIR at reset');
  ur(LCR, 'LCR at reset');
  ur(MCR, 'MCR at reset', { ours: 0n, why: 'PC16550D: MCR resets to 0 (QEMU sets OUT2)' });
  ur(LSR, 'LSR at reset');
  ur(MSR, 'MSR at reset');
  ur(SCR, 'SCR at reset');
  uw(LCR, 0x83, 'LCR = DLAB | 8N1');
  ur(DLL, 'DLL at reset');
  ur(DLM, 'DLM at reset');
  uw(DLL, 0x02, 'DLL = 2');
  uw(DLM, 0x01, 'DLM = 1');
  ur(DLL, 'DLL');
  ur(DLM, 'DLM');
  ur(LCR, 'LCR');
  uw(LCR, 0x03, 'LCR = 8N1');
  ur(IER, 'IER untouched by DLM');
  uw(IER, 0xff, 'IER = 0xff');
  ur(IER, 'IER keeps bits 3:0');
  uw(IER, 0, 'IER = 0');
  uw(SCR, 0xa5, 'SCR = 0xa5');
  ur(SCR, 'SCR');
  r(UART + 0x0f, 1, 'uart offset 0xf: no register, access fault');
  w(UART + 0x08, 1, 0x41, 'uart offset 8: no register, access fault');
  r(UART + 4, 4, 'uart MCR by a 32-bit load', { ours: 0n, why: 'PC16550D: MCR resets to 0 (QEMU sets OUT2)' });
  r(UART + 0, 8, 'uart RBR by a 64-bit load');
  uw(FCR, 0x01, 'FCR = FIFO enable');
  ur(IIR, 'IIR with FIFOs');
  uw(FCR, 0x00, 'FCR = 0');
  ur(IIR, 'IIR without FIFOs');

  // THR-empty interrupt through the PLIC to SEIP (context 1)
  w(PLIC + 4 * 10, 4, 1, 'plic priority[10] = 1');
  w(PLIC + 0x2080, 4, 1 << 10, 'plic enable ctx1 = uart');
  w(PLIC + 0x201000, 4, 0, 'plic threshold ctx1 = 0');
  mip('nothing pending yet');
  uw(IER, 0x02, 'IER = THRI');
  mip('THRE interrupt: SEIP');
  r(PENDING, 4, 'plic pending: source 10');
  ur(IIR, 'IIR = THRE');
  mip('IIR read cleared THRE');
  r(CLAIM1, 4, 'claim: nothing');
  uw(THR, 0x2e, "THR = '.'");
  mip('THR emptied again: SEIP');
  r(CLAIM1, 4, 'claim: uart');
  mip('in service');
  ur(IIR, 'IIR = THRE');
  w(CLAIM1, 4, 10, 'complete uart');
  mip('line low: nothing', { ours: 0n, why: GATEWAY_IN_SERVICE });
  uw(IER, 0x02, 'IER = THRI again (no edge)');
  mip('no re-arm without an edge', { ours: 0n, why: GATEWAY_IN_SERVICE });
  uw(IER, 0x00, 'IER = 0');
  uw(IER, 0x02, 'IER = THRI (rising edge)');
  mip('re-armed: SEIP');
  r(CLAIM1, 4, 'claim: uart');
  uw(IER, 0x00, 'IER = 0');
  w(CLAIM1, 4, 10, 'complete uart');
  mip('nothing');
  r(PENDING, 4, 'plic pending: none');

  // Loopback receive with FIFOs, trigger level 8
  uw(FCR, 0x87, 'FCR = FIFO enable, clear, trigger 8');
  uw(MCR, 0x10, 'MCR = loopback');
  uw(IER, 0x01, 'IER = RDI');
  for (const b of [0x31, 0x32, 0x33]) uw(THR, b, `THR = ${b.toString(16)} (loopback)`);
  ur(LSR, 'LSR: data ready');
  ur(IIR, 'IIR below the trigger level', { ours: 0xccn, why: 'character timeout modelled with zero delay (QEMU waits 4 character times)' });
  for (const b of [0x34, 0x35, 0x36, 0x37, 0x38]) uw(THR, b, `THR = ${b.toString(16)} (loopback)`);
  ur(IIR, 'IIR at the trigger level');
  mip('received data: SEIP');
  r(CLAIM1, 4, 'claim: uart');
  for (let i = 0; i < 8; i++) ur(RBR, `RBR #${i}`);
  ur(LSR, 'LSR: drained');
  ur(IIR, 'IIR: nothing');
  w(CLAIM1, 4, 10, 'complete uart');
  mip('nothing');

  // Overrun in loopback
  uw(IER, 0x05, 'IER = RDI | RLSI');
  for (let i = 0; i < 17; i++) uw(THR, 0x40 + i, `THR = ${(0x40 + i).toString(16)} (loopback)`);
  ur(IIR, 'IIR = line status');
  ur(LSR, 'LSR: overrun, data ready');
  ur(LSR, 'LSR: overrun cleared by the read');
  ur(IIR, 'IIR = data');
  for (let i = 0; i < 16; i++) ur(RBR, `RBR #${i}`);
  ur(LSR, 'LSR: drained');
  r(CLAIM1, 4, 'claim: uart');
  w(CLAIM1, 4, 10, 'complete uart');
  mip('nothing');

  // Modem status in loopback
  uw(IER, 0x00, 'IER = 0');
  uw(MCR, 0x1f, 'MCR = loopback + all outputs');
  ur(MSR, 'MSR: inputs follow outputs', { ours: 0xfbn, why: MSR_LOOPBACK });
  uw(MCR, 0x19, 'MCR = loopback, OUT2, DTR');
  ur(MSR, 'MSR', { ours: 0xa5n, why: MSR_LOOPBACK });
  uw(MCR, 0x00, 'MCR = 0');
  ur(MSR, 'MSR outside loopback', { ours: 0xb1n, why: MSR_LOOPBACK });
  ur(MSR, 'MSR, deltas read');

  // ---- CLINT ----
  w(CLINT, 4, 1, 'msip[0] = 1');
  mip('MSIP');
  r(CLINT, 4, 'msip[0]');
  w(CLINT, 4, 0xffffffff, 'msip[0] = all ones');
  r(CLINT, 4, 'msip[0] keeps bit 0');
  w(CLINT, 4, 0, 'msip[0] = 0');
  mip('no MSIP');
  r(CLINT + 4, 4, 'msip[1]: no such hart');
  r(CLINT, 8, 'msip by a 64-bit load: access fault');
  r(CLINT, 2, 'msip by a 16-bit load: access fault');
  w(CLINT + 0x4000, 8, 0x123456789abcdef0n, 'mtimecmp = 0x123456789abcdef0');
  r(CLINT + 0x4000, 8, 'mtimecmp');
  r(CLINT + 0x4000, 4, 'mtimecmp low');
  r(CLINT + 0x4004, 4, 'mtimecmp high');
  w(CLINT + 0x4000, 4, 0x11111111, 'mtimecmp low = 0x11111111');
  w(CLINT + 0x4004, 4, 0x22222222, 'mtimecmp high = 0x22222222');
  r(CLINT + 0x4000, 8, 'mtimecmp');
  r(CLINT + 0x4008, 8, 'mtimecmp[1]: no such hart');
  w(CLINT + 0xbff8, 8, 0x100000000000n, 'mtime = 0x1000 << 32');
  r(CLINT + 0xbffc, 4, 'mtime high');
  w(CLINT + 0x4000, 8, 0, 'mtimecmp = 0');
  mip('MTIP');
  w(CLINT + 0x4000, 8, -1n, 'mtimecmp = max');
  mip('no MTIP');
  r(CLINT + 0xbff8, 1, 'mtime by a byte load: access fault');
  w(CLINT + 0xbff8, 8, 0, 'mtime = 0');

  // ---- PLIC ----
  w(PLIC + 4, 4, 0xff, 'priority[1] = 0xff');
  r(PLIC + 4, 4, 'priority[1]: 3 bits');
  w(PLIC + 4, 4, 0, 'priority[1] = 0');
  w(PLIC, 4, 5, 'priority[0] = 5');
  r(PLIC, 4, 'priority[0]: source 0 does not exist');
  w(PLIC + 4 * 95, 4, 3, 'priority[95] = 3');
  r(PLIC + 4 * 95, 4, 'priority[95]');
  w(PLIC + 4 * 96, 4, 3, 'priority[96] = 3');
  r(PLIC + 4 * 96, 4, 'priority[96]: the DT says riscv,ndev = 96');
  w(PLIC + 0x2000, 4, 0xffffffff, 'enable ctx0 word 0 = all ones');
  r(PLIC + 0x2000, 4, 'enable ctx0 word 0', { ours: 0xfffffffen, why: 'PLIC spec: the enable bit of source 0 is hardwired to 0' });
  w(PLIC + 0x2000, 4, 0, 'enable ctx0 word 0 = 0');
  w(PLIC + 0x200000, 4, 0x1f, 'threshold ctx0 = 0x1f');
  r(PLIC + 0x200000, 4, 'threshold ctx0: 3 bits');
  w(PLIC + 0x200000, 4, 0, 'threshold ctx0 = 0');
  w(PLIC + 0x201000, 4, 1, 'threshold ctx1 = 1');
  uw(IER, 0x02, 'IER = THRI');
  mip('priority 1 not above threshold 1: nothing');
  r(PENDING, 4, 'pending: uart');
  w(PENDING, 4, 0, 'pending is read-only');
  r(PENDING, 4, 'pending: uart still');
  r(CLAIM1, 4, 'claim below the threshold', { ours: 10n, why: 'PLIC spec: claims ignore the threshold (QEMU applies it)' });
  w(CLAIM1, 4, 10, 'complete uart');
  w(PLIC + 0x201000, 4, 0, 'threshold ctx1 = 0');
  mip('SEIP');
  w(PLIC + 0x2000, 4, 1 << 10, 'enable ctx0 = uart');
  mip('MEIP and SEIP', { ours: 0xa00n, why: 'PLIC spec: outputs follow the enable bits at once (QEMU re-evaluates them at the next event)' });
  r(CLAIM0, 4, 'claim ctx0: uart');
  mip('claimed by ctx0: nothing for either');
  r(CLAIM1, 4, 'claim ctx1: nothing');
  w(CLAIM0, 4, 10, 'complete uart by ctx0');
  mip('MEIP and SEIP again', { ours: 0xa00n, why: GATEWAY_COMPLETION });
  uw(IER, 0x00, 'IER = 0');
  mip('the request stays after the line drops', { ours: 0xa00n, why: GATEWAY_COMPLETION });
  r(CLAIM1, 4, 'claim ctx1: uart', { ours: 10n, why: GATEWAY_COMPLETION });
  w(CLAIM1, 4, 10, 'complete uart');
  mip('nothing');
  w(PLIC + 0x2000, 4, 0, 'enable ctx0 = 0');
  r(PLIC + 4, 1, 'priority by a byte load: access fault');
  r(PLIC + 8, 8, 'priority by a 64-bit load: access fault');
  w(PLIC + 4, 2, 1, 'priority by a 16-bit store: access fault');
  r(PLIC + 0x5ffffc, 4, 'last word of the PLIC: nothing there');

  // ---- sifive_test and holes ----
  r(TEST, 4, 'test finisher reads 0');
  r(TEST, 1, 'test finisher by a byte load: access fault');
  r(0x200000, 4, 'unmapped address: access fault');
  w(0x200000, 4, 0, 'unmapped address (store): access fault');
  return s;
}

/** The script as runner.S reads it: four little-endian u64 per step, then an end record. */
export function scriptBytes(list: Step[]): Uint8Array {
  const b = new Uint8Array((list.length + 1) * 32);
  const dv = new DataView(b.buffer);
  list.forEach((st, i) => {
    dv.setBigUint64(i * 32, BigInt(st.op === 'r' ? 1 : st.op === 'w' ? 2 : 3), true);
    dv.setBigUint64(i * 32 + 8, BigInt(st.addr), true);
    dv.setBigUint64(i * 32 + 16, BigInt(st.size), true);
    dv.setBigUint64(i * 32 + 24, st.value, true);
  });
  return b;
}

/** Runs the script on univm's virt devices; results as runner.S would record them. */
export function runOnModel(list: Step[]): bigint[] {
  const vm = new VirtPlatform({ ramSize: 128 << 20, time: () => 1000n });
  return list.map((st) => {
    try {
      if (st.op === 'mip') return BigInt(vm.mip(0));
      if (st.op === 'r') return vm.bus.read(st.addr, st.size);
      vm.bus.write(st.addr, st.size, st.value);
      return 0n;
    } catch (e) {
      if (e instanceof BusError) return FAULT | (e.write ? STORE_ACCESS_FAULT : LOAD_ACCESS_FAULT);
      throw e;
    }
  });
}

export const ORACLE_DIR = path.join(REPO, 'test', 'system', 'mmio-oracle');
export const GOLDEN_FILE = path.join(REPO, 'test', 'system', 'golden', 'mmio-oracle.txt');

/** The runner followed by the script at offset 0x1000: the -kernel image for QEMU. */
export function image(runner: Uint8Array, list: Step[]): Uint8Array {
  if (runner.length > 0x1000) throw new Error('runner.bin larger than 4 KiB');
  const script = scriptBytes(list);
  const img = new Uint8Array(0x1000 + script.length);
  img.set(runner);
  img.set(script, 0x1000);
  return img;
}

/** Runs the script under qemu-system-riscv64 -M virt; the recorded results. */
export function runOnQemu(runner: Uint8Array, list: Step[]): bigint[] {
  const dir = mkdtempSync(path.join(tmpdir(), 'univm-mmio-'));
  const file = path.join(dir, 'image.bin');
  writeFileSync(file, image(runner, list));
  const out = execFileSync('qemu-system-riscv64', ['-M', 'virt', '-m', '128M', '-smp', '1', '-bios', 'none', '-kernel', file, '-nographic', '-monitor', 'none'], { encoding: 'latin1', timeout: 60_000, input: '' });
  const at = out.lastIndexOf('RESULTS\n');
  if (at < 0) throw new Error(`no results from QEMU:\n${out}`);
  const lines = out.slice(at + 8).split('\n').map((l) => l.replace(/\r$/, '')).filter((l) => l !== '');
  if (lines.length !== list.length) throw new Error(`QEMU printed ${lines.length} results for ${list.length} steps`);
  return lines.map((l) => BigInt(`0x${l}`));
}

export function readGolden(file: string): bigint[] {
  return readFileSync(file, 'utf8').split('\n').filter((l) => l !== '').map((l) => BigInt(`0x${l.split(' ')[0]}`));
}

export function formatGolden(list: Step[], results: bigint[]): string {
  return results.map((v, i) => `${v.toString(16).padStart(16, '0')} ${list[i].note}\n`).join('');
}
