/**
 * EXPERIMENT — NOT PART OF THE PRODUCT. Nothing in src/ imports this file, and it must stay that
 * way: it exists to decide, by measurement, whether a WebAssembly translation backend is worth
 * building ("prototype both backends on one hot loop first and choose by measurement").
 *
 *   npx tsc -p . && node dist/bench/prototypes/wasm-backend.js
 *     [--insns 60e6] [--reps 3] [--only alu-mul,alu-shift,checksum,vadd] [--slice N] [--no-flags] [--verbose] [--show-js]
 *   (about a minute; it starts child processes of itself: --child js|wasm VARIANT [--dump-profile])
 *
 * What it does, for a few small hot RV64 loops (machine code below, assembled with
 * riscv64-linux-gnu-as -march=rv64im; disassembly in the comments):
 *  - JS: runs each loop on the real product translator (Translator over a FlatMemory), and
 *    once more over a FlatMemory backed by a WebAssembly.Memory (the JS views-into-wasm cost);
 *  - Wasm: runs it on a throw-away backend in this file: a minimal WebAssembly binary emitter
 *    that turns the hot blocks of a page into one Wasm function (guest registers in i64 locals,
 *    guest memory = the module's imported memory, inline bounds/alignment/permission checks on
 *    every load and store, slow-path exit to the product interpreter, budget and instruction
 *    count per block, self-loops as a Wasm `loop` + `br_if`), driven by a dispatcher loop
 *    shaped like the translator's;
 *  - checks that both end with identical registers, pc, instret and data memory (and runs a
 *    random differential self-test of every instruction the prototype translates);
 *  - times both alternately (best of N): steady-state guest MIPS; compile costs and warm-up
 *    (time to top tier) in fresh child processes, for Wasm also under V8 tiering flags; the
 *    cost of entering and leaving translated code; a Wasm -> JS helper call; JS typed-array
 *    access into a WebAssembly.Memory's buffer vs a plain ArrayBuffer.
 *
 * Only the instructions listed in WASM_SUPPORTED have a Wasm meaning; a block ends before any
 * other instruction, which the interpreter then runs. Prototype shortcuts (a real backend would
 * need to fix them): the page-permission bytes are mirrored into a reserved, guest-inaccessible
 * page of the wasm memory at start and after each compile (FlatMemory keeps them in a separate
 * Uint8Array; a page-protection change during a run would be missed), and
 * the hart's register file is put at wasm address 0 (guest page 0 is never mapped).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Interpreter } from '../../src/engines/interpreter/interpreter.js';
import { Translator } from '../../src/engines/translator/translator.js';
import { BUDGET_EXIT, type Engine, type Exit } from '../../src/engines/engine.js';
import { decode } from '../../src/isa/riscv/decoder.js';
import { encB, encI, encR, encS, encU, operand } from '../../src/isa/riscv/encoding.js';
import { UserCsrs } from '../../src/machine/csr.js';
import { HartState } from '../../src/machine/hart.js';
import { CODE, FlatMemory, MAPPED, PAGE_SHIFT, PROT_R, PROT_W, PROT_X } from '../../src/machine/memory.js';

// ---------------------------------------------------------------------------------------------
// Guest programs
// ---------------------------------------------------------------------------------------------

const MEM_SIZE = 16 << 20;
const CODE_AT = 0x10000;
const DATA_AT = 0x100000, DATA_LEN = 0x10000;
const ARR_A = DATA_AT, ARR_B = DATA_AT + 0x4000, ARR_C = DATA_AT + 0x8000;

interface Variant {
  name: string;
  what: string;
  words: number[];
  /** Guest instructions per inner-loop iteration (for the entry/exit test). */
  perIter: number;
  /** Guest instructions per iteration of the outermost loop, from the program start back to it. */
  period: number;
  /** Registers (and data) for a run of about `insns` guest instructions. */
  setup(x: BigInt64Array, u8: Uint8Array, insns: number): void;
}

const M64 = (1n << 64n) - 1n;
const variant = (name: string) => VARIANTS.find((v) => v.name === name)!;
const s64 = (v: bigint) => BigInt.asIntN(64, v);
/** Deterministic array contents: splitmix64 in BigInt (host side only). */
function fillData(u8: Uint8Array): void {
  const dv = new DataView(u8.buffer, u8.byteOffset);
  let s = 0x1234567n;
  for (let a = DATA_AT; a < DATA_AT + 0xc000; a += 8) {
    s = (s + 0x9e3779b97f4a7c15n) & M64;
    let z = s;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & M64;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & M64;
    dv.setBigUint64(a, z ^ (z >> 31n), true);
  }
}

const A0 = 10, A1 = 11, A2 = 12, A3 = 13, S0 = 8, S1 = 9, S2 = 18, S3 = 19, S4 = 20;

const VARIANTS: Variant[] = [
  {
    name: 'alu-mul',
    what: 'splitmix64 + acc*33: add/srli/xor/mul/slli (14 insns, 2 mul)',
    perIter: 14,
    period: 14,
    words: [
      0x00850533, // add  a0,a0,s0
      0x01e55293, // srli t0,a0,30
      0x00554333, // xor  t1,a0,t0
      0x02930333, // mul  t1,t1,s1
      0x01b35293, // srli t0,t1,27
      0x00534333, // xor  t1,t1,t0
      0x03230333, // mul  t1,t1,s2
      0x01f35293, // srli t0,t1,31
      0x00534333, // xor  t1,t1,t0
      0x00559393, // slli t2,a1,5
      0x007585b3, // add  a1,a1,t2
      0x006585b3, // add  a1,a1,t1
      0xfff60613, // addi a2,a2,-1
      0xfc0616e3, // bne  a2,zero,-52
      0x00000073, // ecall
    ],
    setup(x, _u8, insns) {
      x[S0] = s64(0x9e3779b97f4a7c15n); x[S1] = s64(0xbf58476d1ce4e5b9n); x[S2] = s64(0x94d049bb133111ebn);
      x[A0] = 42n; x[A1] = 0n; x[A2] = BigInt(Math.max(1, Math.round(insns / this.period)));
    },
  },
  {
    name: 'alu-shift',
    what: 'xorshift64 + sum: slli/srli/xor/add (9 insns, no mul)',
    perIter: 9,
    period: 9,
    words: [
      0x00d51293, // slli t0,a0,13
      0x00554533, // xor  a0,a0,t0
      0x00755293, // srli t0,a0,7
      0x00554533, // xor  a0,a0,t0
      0x01151293, // slli t0,a0,17
      0x00554533, // xor  a0,a0,t0
      0x00a585b3, // add  a1,a1,a0
      0xfff60613, // addi a2,a2,-1
      0xfe0610e3, // bne  a2,zero,-32
      0x00000073, // ecall
    ],
    setup(x, _u8, insns) { x[A0] = 88172645463325252n; x[A1] = 0n; x[A2] = BigInt(Math.max(1, Math.round(insns / this.period))); },
  },
  {
    name: 'checksum',
    what: 'ld/add/slli/xor/srli/mul/sd over 512 dwords, outer loop (12 insns inner)',
    perIter: 12,
    period: 3 + 512 * 12 + 2,
    words: [
      0x00040513, // outer: addi a0,s0,0
      0x00048593, //        addi a1,s1,0
      0x00090613, //        addi a2,s2,0
      0x00053303, // inner: ld   t1,0(a0)
      0x006686b3, //        add  a3,a3,t1
      0x00d69393, //        slli t2,a3,13
      0x0076c6b3, //        xor  a3,a3,t2
      0x0076d393, //        srli t2,a3,7
      0x0076c6b3, //        xor  a3,a3,t2
      0x033686b3, //        mul  a3,a3,s3
      0x00d5b023, //        sd   a3,0(a1)
      0x00850513, //        addi a0,a0,8
      0x00858593, //        addi a1,a1,8
      0xfff60613, //        addi a2,a2,-1
      0xfc061ae3, //        bne  a2,zero,inner
      0xfffa0a13, //        addi s4,s4,-1
      0xfc0a10e3, //        bne  s4,zero,outer
      0x00000073, //        ecall
    ],
    setup(x, u8, insns) {
      fillData(u8);
      x[S0] = BigInt(ARR_A); x[S1] = BigInt(ARR_B); x[S2] = 512n; x[S3] = 0x100000001b3n;
      x[S4] = BigInt(Math.max(1, Math.round(insns / this.period))); x[A3] = s64(0xcbf29ce484222325n);
    },
  },
  {
    name: 'vadd',
    what: 'c[i]=a[i]+b[i], 2x unrolled: 4 ld, 2 sd per 13 insns, outer loop',
    perIter: 13,
    period: 4 + 1024 * 13 + 2,
    words: [
      0x00040513, // outer: addi a0,s0,0
      0x00048593, //        addi a1,s1,0
      0x00090613, //        addi a2,s2,0
      0x00098693, //        addi a3,s3,0
      0x00053283, // inner: ld   t0,0(a0)
      0x0005b303, //        ld   t1,0(a1)
      0x00853383, //        ld   t2,8(a0)
      0x0085be03, //        ld   t3,8(a1)
      0x006282b3, //        add  t0,t0,t1
      0x01c383b3, //        add  t2,t2,t3
      0x00563023, //        sd   t0,0(a2)
      0x00763423, //        sd   t2,8(a2)
      0x01050513, //        addi a0,a0,16
      0x01058593, //        addi a1,a1,16
      0x01060613, //        addi a2,a2,16
      0xfff68693, //        addi a3,a3,-1
      0xfc0698e3, //        bne  a3,zero,inner
      0xfffa0a13, //        addi s4,s4,-1
      0xfa0a1ce3, //        bne  s4,zero,outer
      0x00000073, //        ecall
    ],
    setup(x, u8, insns) {
      fillData(u8);
      x[S0] = BigInt(ARR_A); x[S1] = BigInt(ARR_B); x[S2] = BigInt(ARR_C); x[S3] = 1024n;
      x[S4] = BigInt(Math.max(1, Math.round(insns / this.period)));
    },
  },
];

interface Machine { hart: HartState; mem: FlatMemory; variant: Variant }

/** A process-VM-like machine: code page R|X at CODE_AT, data R|W, everything else unmapped. */
function machine(v: Variant, insns: number, opts: { wasmMem?: boolean; hartInWasm?: boolean } = {}): Machine {
  const mem = new FlatMemory(MEM_SIZE, { wasm: opts.wasmMem || opts.hartInWasm });
  // The Wasm prototype keeps the register file at wasm address 0 (guest page 0 is never mapped).
  const hart = opts.hartInWasm ? new HartState(mem.buffer) : new HartState();
  mem.protect(CODE_AT, 0x1000, PROT_R | PROT_X | MAPPED);
  mem.protect(DATA_AT, DATA_LEN, PROT_R | PROT_W | MAPPED);
  v.words.forEach((w, k) => mem.dv.setInt32(CODE_AT + 4 * k, w, true));
  reset({ hart, mem, variant: v }, insns);
  return { hart, mem, variant: v };
}

function reset(m: Machine, insns: number): void {
  m.hart.xw.fill(0);
  m.mem.u8.fill(0, DATA_AT, DATA_AT + DATA_LEN);
  m.variant.setup(m.hart.x, m.mem.u8, insns);
  m.hart.pc = CODE_AT;
  m.hart.instret = 0;
}

/** Budget of one engine.run call: the process VM's time slice (process-vm.ts: SLICE), unless --slice N. */
let SLICE = 1 << 24;

/** Runs until the final ecall; returns the instructions retired. */
function runToEcall(e: Engine, m: Machine): number {
  for (;;) {
    const exit: Exit = e.run(SLICE);
    if (exit.kind === 'trap') {
      if (exit.cause !== 8) throw new Error(`${m.variant.name}: unexpected trap ${exit.cause} at ${m.hart.pc.toString(16)}`);
      return m.hart.instret;
    }
  }
}

/** Final state as a comparable string: x1..x31, pc, instret, a hash of the data pages. */
function fingerprint(m: Machine): string {
  let h = 0x811c9dc5;
  const d = m.mem.u8;
  for (let a = DATA_AT; a < DATA_AT + DATA_LEN; a++) h = Math.imul(h ^ d[a], 0x01000193);
  return `${[...m.hart.x].slice(1).join(',')}|pc=${m.hart.pc.toString(16)}|n=${m.hart.instret}|data=${(h >>> 0).toString(16)}`;
}

// ---------------------------------------------------------------------------------------------
// A minimal WebAssembly binary emitter
// ---------------------------------------------------------------------------------------------

const T_I32 = 0x7f, T_I64 = 0x7e, T_VOID = 0x40;
const OP = {
  block: 0x02, loop: 0x03, if: 0x04, else: 0x05, end: 0x0b, br: 0x0c, br_if: 0x0d, br_table: 0x0e, drop: 0x1a,
  local_get: 0x20, local_set: 0x21, local_tee: 0x22,
  i32_load: 0x28, i64_load: 0x29, i32_load8_u: 0x2d,
  i64_load8_s: 0x30, i64_load8_u: 0x31, i64_load16_s: 0x32, i64_load16_u: 0x33, i64_load32_s: 0x34, i64_load32_u: 0x35,
  i32_store: 0x36, i64_store: 0x37, i64_store8: 0x3c, i64_store16: 0x3d, i64_store32: 0x3e,
  i32_const: 0x41, i64_const: 0x42,
  i32_eq: 0x46, i32_ne: 0x47, i32_gt_s: 0x4a,
  i64_eq: 0x51, i64_ne: 0x52, i64_lt_s: 0x53, i64_lt_u: 0x54, i64_ge_s: 0x59, i64_ge_u: 0x5a,
  i32_add: 0x6a, i32_and: 0x71, i32_or: 0x72, i32_shr_u: 0x76,
  i64_add: 0x7c, i64_sub: 0x7d, i64_mul: 0x7e, i64_and: 0x83, i64_or: 0x84, i64_xor: 0x85,
  i64_shl: 0x86, i64_shr_s: 0x87, i64_shr_u: 0x88,
  i32_wrap_i64: 0xa7, i64_extend_i32_s: 0xac, i64_extend_i32_u: 0xad,
} as const;

function uleb(out: number[], v: number): void {
  do {
    let b = v & 0x7f;
    v = Math.floor(v / 128);
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
}
function sleb(out: number[], v: bigint): void {
  for (;;) {
    const b = Number(v & 0x7fn);
    v >>= 7n;
    if ((v === 0n && (b & 0x40) === 0) || (v === -1n && (b & 0x40) !== 0)) { out.push(b); return; }
    out.push(b | 0x80);
  }
}

/** A function body under construction, with named labels (branch depths computed here). */
class Body {
  readonly out: number[] = [];
  private readonly labels: string[] = [];
  op(...bytes: number[]): this { this.out.push(...bytes); return this; }
  get(l: number): this { this.out.push(OP.local_get); uleb(this.out, l); return this; }
  set(l: number): this { this.out.push(OP.local_set); uleb(this.out, l); return this; }
  tee(l: number): this { this.out.push(OP.local_tee); uleb(this.out, l); return this; }
  i32(v: number): this { this.out.push(OP.i32_const); sleb(this.out, BigInt(v | 0)); return this; }
  i64(v: bigint): this { this.out.push(OP.i64_const); sleb(this.out, s64(v)); return this; }
  mem(opcode: number, alignLog2: number, offset: number): this { this.out.push(opcode); uleb(this.out, alignLog2); uleb(this.out, offset); return this; }
  open(kind: 'block' | 'loop' | 'if', label = ''): this { this.out.push(OP[kind], T_VOID); this.labels.push(label); return this; }
  else(): this { this.out.push(OP.else); return this; }
  end(): this { this.out.push(OP.end); this.labels.pop(); return this; }
  private depth(label: string): number {
    const k = this.labels.lastIndexOf(label);
    if (k < 0) throw new Error(`no label ${label}`);
    return this.labels.length - 1 - k;
  }
  br(label: string): this { this.out.push(OP.br); uleb(this.out, this.depth(label)); return this; }
  brIf(label: string): this { this.out.push(OP.br_if); uleb(this.out, this.depth(label)); return this; }
  brTable(targets: string[], dflt: string): this {
    this.out.push(OP.br_table); uleb(this.out, targets.length);
    for (const t of targets) uleb(this.out, this.depth(t));
    uleb(this.out, this.depth(dflt));
    return this;
  }
}

function section(out: number[], id: number, content: number[]): void { out.push(id); uleb(out, content.length); out.push(...content); }
function name(out: number[], s: string): void { uleb(out, s.length); for (const c of s) out.push(c.charCodeAt(0)); }

/** A module importing memory m.mem (pages, fixed size) and exporting `run: (i32, i32) -> i32` with this body. */
function moduleBytes(pages: number, locals: [number, number][], body: number[]): Uint8Array {
  const out = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  section(out, 1, [1, 0x60, 2, T_I32, T_I32, 1, T_I32]);
  const imp: number[] = [1]; name(imp, 'm'); name(imp, 'mem'); imp.push(0x02, 0x01); uleb(imp, pages); uleb(imp, pages);
  section(out, 2, imp);
  section(out, 3, [1, 0]);
  const exp: number[] = [1]; name(exp, 'run'); exp.push(0x00, 0);
  section(out, 7, exp);
  const fn: number[] = []; uleb(fn, locals.length);
  for (const [n, t] of locals) { uleb(fn, n); fn.push(t); }
  fn.push(...body, OP.end);
  const code: number[] = [1]; uleb(code, fn.length); code.push(...fn);
  section(out, 10, code);
  return Uint8Array.from(out);
}

// ---------------------------------------------------------------------------------------------
// The prototype RV64 -> Wasm translator
// ---------------------------------------------------------------------------------------------

/** Wasm address of the instructions-retired cell (in guest page 0, never mapped). */
const CELL_ICNT = 0x400;
/** Wasm address of the mirror of the page-permission bytes (guest page 1, never mapped). */
const PERM_BASE = 0x1000;

interface Insn { name: string; pc: number; len: number; rd: number; rs1: number; rs2: number; imm: number; shamt: number }

const R_OPS: Record<string, number> = {
  add: OP.i64_add, sub: OP.i64_sub, xor: OP.i64_xor, or: OP.i64_or, and: OP.i64_and,
  sll: OP.i64_shl, srl: OP.i64_shr_u, sra: OP.i64_shr_s, mul: OP.i64_mul,
};
const I_OPS: Record<string, number> = { addi: OP.i64_add, xori: OP.i64_xor, ori: OP.i64_or, andi: OP.i64_and };
const SH_OPS: Record<string, number> = { slli: OP.i64_shl, srli: OP.i64_shr_u, srai: OP.i64_shr_s };
const LOADS: Record<string, [number, number]> = {
  lb: [OP.i64_load8_s, 1], lbu: [OP.i64_load8_u, 1], lh: [OP.i64_load16_s, 2], lhu: [OP.i64_load16_u, 2],
  lw: [OP.i64_load32_s, 4], lwu: [OP.i64_load32_u, 4], ld: [OP.i64_load, 8],
};
const STORES: Record<string, [number, number]> = { sb: [OP.i64_store8, 1], sh: [OP.i64_store16, 2], sw: [OP.i64_store32, 4], sd: [OP.i64_store, 8] };
const BRANCHES: Record<string, number> = { beq: OP.i64_eq, bne: OP.i64_ne, blt: OP.i64_lt_s, bge: OP.i64_ge_s, bltu: OP.i64_lt_u, bgeu: OP.i64_ge_u };
const WASM_SUPPORTED = new Set([...Object.keys(R_OPS), ...Object.keys(I_OPS), ...Object.keys(SH_OPS), ...Object.keys(LOADS),
  ...Object.keys(STORES), ...Object.keys(BRANCHES), 'slt', 'sltu', 'lui', 'addw', 'addiw']);

// Local indices: params entry=0, budget=1; then pc, icnt, b, ea32 (i32), ea (i64), x1..x31 (i64).
const L_ENTRY = 0, L_BUDGET = 1, L_PC = 2, L_ICNT = 3, L_B = 4, L_EA32 = 5, L_EA = 6;
const xl = (r: number) => L_EA + r;

/** Reads and writes of guest registers by one instruction. */
function regsOf(i: Insn): { reads: number[]; writes: number[] } {
  if (i.name in STORES || i.name in BRANCHES) return { reads: [i.rs1, i.rs2], writes: [] };
  if (i.name === 'lui') return { reads: [], writes: [i.rd] };
  if (i.name in R_OPS || i.name === 'slt' || i.name === 'sltu' || i.name === 'addw') return { reads: [i.rs1, i.rs2], writes: [i.rd] };
  return { reads: [i.rs1], writes: [i.rd] };
}

/**
 * One Wasm function for the hot blocks of a page. Called as run(entryPc, budget); returns the pc
 * where it left, with the instructions retired in the ICNT cell. Blocks are cases of a br_table
 * in a loop (the JS translator's switch-in-a-loop); a block that branches to itself is also
 * wrapped in its own `loop`, so the hot path is a plain Wasm loop with a br_if back-edge.
 * A load/store whose fast-path check fails leaves with pc = that instruction and ICNT = the
 * instructions before it: the dispatcher runs it on the interpreter (exact, may trap).
 */
function emitRegion(blocks: Insn[][], lim: number, pages: number, nonce: number): Uint8Array {
  const c = new Body();
  const used = new Set<number>(), written = new Set<number>();
  for (const b of blocks) for (const i of b) {
    const { reads, writes } = regsOf(i);
    for (const r of reads) if (r) used.add(r);
    for (const r of writes) if (r) { used.add(r); written.add(r); }
  }
  const index = new Map(blocks.map((b, k) => [b[0].pc, k]));
  const getX = (r: number) => (r === 0 ? c.i64(0n) : c.get(xl(r)));
  const setX = (r: number) => (r === 0 ? c.op(OP.drop) : c.set(xl(r)));
  const sorted = (s: Set<number>) => [...s].sort((a, b) => a - b);

  // A per-engine constant, dropped: V8 caches compiled modules by their bytes, and each fresh
  // engine here must pay for its own compile, as it would in a new process.
  c.i32(nonce).op(OP.drop);
  for (const r of sorted(used)) c.i32(0).mem(OP.i64_load, 3, 8 * r).set(xl(r));
  c.get(L_ENTRY).set(L_PC).i32(-1).set(L_B);
  c.open('block', 'exit').open('loop', 'dispatch').open('block', 'default');
  for (let k = blocks.length - 1; k >= 0; k--) c.open('block', `b${k}`);
  c.get(L_B).brTable(blocks.map((_, k) => `b${k}`), 'default');

  const goTo = (pc: number) => { c.i32(pc).set(L_PC).i32(index.get(pc) ?? -1).set(L_B); };
  const slowExit = (k: number, pc: number) => {
    if (k) c.get(L_ICNT).i32(k).op(OP.i32_add).set(L_ICNT);
    c.i32(pc).set(L_PC).br('exit');
  };
  /** ea = X[rs1] + imm; leaves on the slow path unless in memory, aligned, and PERM & mask === want. */
  const checkedAddress = (i: Insn, k: number, size: number, mask: number, want: number) => {
    getX(i.rs1);
    if (i.imm) c.i64(BigInt(i.imm)).op(OP.i64_add);
    c.tee(L_EA).i64(BigInt(lim)).op(OP.i64_ge_u);
    c.get(L_EA).op(OP.i32_wrap_i64).set(L_EA32);
    if (size > 1) c.get(L_EA32).i32(size - 1).op(OP.i32_and).op(OP.i32_or);
    c.get(L_EA32).i32(PAGE_SHIFT).op(OP.i32_shr_u).mem(OP.i32_load8_u, 0, PERM_BASE).i32(mask).op(OP.i32_and).i32(want).op(OP.i32_ne).op(OP.i32_or);
    c.open('if'); slowExit(k, i.pc); c.end();
  };

  for (const [k, insns] of blocks.entries()) {
    c.end(); // closes block b{k}: its code follows
    const start = insns[0].pc, last = insns[insns.length - 1], n = insns.length;
    const fall = (last.pc + last.len) | 0;
    const isBranch = last.name in BRANCHES;
    const target = isBranch ? (last.pc + last.imm) | 0 : -1;
    const selfLoop = target === start;
    if (selfLoop) c.open('loop', 'self');
    c.get(L_ICNT).i32(n).op(OP.i32_add).get(L_BUDGET).op(OP.i32_gt_s);
    c.open('if').i32(start).set(L_PC).br('exit').end();
    insns.forEach((i, j) => {
      const name = i.name;
      if (name in R_OPS) { if (i.rd) { getX(i.rs1); getX(i.rs2); c.op(R_OPS[name]); setX(i.rd); } }
      else if (name in I_OPS) { if (i.rd) { getX(i.rs1); c.i64(BigInt(i.imm)).op(I_OPS[name]); setX(i.rd); } }
      else if (name in SH_OPS) { if (i.rd) { getX(i.rs1); c.i64(BigInt(i.shamt)).op(SH_OPS[name]); setX(i.rd); } }
      else if (name === 'slt' || name === 'sltu') {
        if (i.rd) { getX(i.rs1); getX(i.rs2); c.op(name === 'slt' ? OP.i64_lt_s : OP.i64_lt_u, OP.i64_extend_i32_u); setX(i.rd); }
      } else if (name === 'lui') { if (i.rd) { c.i64(BigInt(i.imm)); setX(i.rd); } }
      else if (name === 'addw' || name === 'addiw') {
        if (i.rd) {
          getX(i.rs1);
          if (name === 'addw') getX(i.rs2); else c.i64(BigInt(i.imm));
          c.op(OP.i64_add, OP.i32_wrap_i64, OP.i64_extend_i32_s); setX(i.rd);
        }
      } else if (name in LOADS) {
        const [opcode, size] = LOADS[name];
        checkedAddress(i, j, size, PROT_R, PROT_R);
        c.get(L_EA32).mem(opcode, Math.log2(size), 0); setX(i.rd);
      } else if (name in STORES) {
        const [opcode, size] = STORES[name];
        checkedAddress(i, j, size, PROT_W | CODE, PROT_W);
        c.get(L_EA32); getX(i.rs2); c.mem(opcode, Math.log2(size), 0);
      } else if (!(name in BRANCHES && j === n - 1)) throw new Error(`no Wasm meaning for ${name}`);
    });
    c.get(L_ICNT).i32(n).op(OP.i32_add).set(L_ICNT);
    if (isBranch) {
      getX(last.rs1); getX(last.rs2); c.op(BRANCHES[last.name]);
      if (selfLoop) { c.brIf('self').end(); goTo(fall); }
      else { c.open('if'); goTo(target); c.else(); goTo(fall); c.end(); }
    } else goTo(fall);
    c.br('dispatch');
  }
  c.end(); // closes default: find the block starting at pc, or leave
  for (const [k, insns] of blocks.entries()) c.get(L_PC).i32(insns[0].pc).op(OP.i32_eq).open('if').i32(k).set(L_B).br('dispatch').end();
  c.br('exit');
  c.end().end(); // dispatch, exit
  for (const r of sorted(written)) c.i32(0).get(xl(r)).mem(OP.i64_store, 3, 8 * r);
  c.i32(0).get(L_ICNT).mem(OP.i32_store, 2, CELL_ICNT);
  c.get(L_PC);
  return moduleBytes(pages, [[4, T_I32], [32, T_I64]], c.out);
}

interface WasmRegion { page: number; blocks: Map<number, Insn[]>; fn: (entry: number, budget: number) => number; bytes: number }

export interface WasmStats { compiles: number; emitMs: number; compileMs: number; instantiateMs: number; firstCallMs: number; bytes: number; entries: number }

/**
 * The prototype's dispatcher, shaped like Translator.run: hot blocks (entered `hotThreshold`
 * times) join their page's region, which is re-emitted and recompiled; cold code runs on the
 * product interpreter one block at a time. `maxCall` caps the budget of one Wasm call: V8 has
 * no on-stack replacement for Wasm, so a function tiered up to TurboFan only runs optimized
 * from its next call on.
 */
let engines = 0;

class WasmProtoEngine implements Engine {
  readonly name = 'wasm-proto';
  private readonly nonce = ++engines;
  readonly stats: WasmStats = { compiles: 0, emitMs: 0, compileMs: 0, instantiateMs: 0, firstCallMs: 0, bytes: 0, entries: 0 };
  private readonly cold: Interpreter;
  private readonly regions = new Map<number, WasmRegion>();
  private readonly entry = new Map<number, WasmRegion>();
  private readonly heat = new Map<number, number>();
  private readonly cells: Int32Array;
  private readonly memory: WebAssembly.Memory;

  constructor(private readonly hart: HartState, private readonly mem: FlatMemory, private readonly opts: { hotThreshold: number; maxCall: number }) {
    if (!mem.wasm || hart.buffer !== mem.buffer) throw new Error('the Wasm prototype needs a wasm-backed FlatMemory holding the hart at address 0');
    if (PERM_BASE + (1 << 20) > mem.size || mem.perm[0] !== 0 || mem.perm[1] !== 0) throw new Error('layout: pages 0 and 1 must stay unmapped');
    this.memory = mem.wasm;
    this.cells = new Int32Array(mem.buffer, CELL_ICNT, 1);
    this.cold = new Interpreter(hart, mem, new UserCsrs(hart), undefined, true);
    this.syncPerm();
  }

  /** Prototype shortcut: a real backend would keep FlatMemory.perm inside the wasm memory. */
  private syncPerm(): void { this.mem.u8.set(this.mem.perm, PERM_BASE); }

  run(budget: number): Exit {
    const NUM = this.hart.num, cells = this.cells, maxCall = this.opts.maxCall;
    const base = NUM[1];
    let count = 0, pc = NUM[0], entries = 0;
    try {
      while (count < budget) {
        const r = this.entry.get(pc) ?? this.miss(pc);
        if (r !== undefined) {
          entries++;
          const next = r.fn(pc, Math.min(budget - count, maxCall));
          const done = cells[0];
          count += done;
          pc = next;
          if (done > 0) continue;
        }
        NUM[0] = pc; NUM[1] = base + count;
        const exit = this.cold.run(budget - count);
        count = NUM[1] - base;
        if (exit.kind === 'trap') return exit;
        pc = NUM[0];
      }
    } finally { this.stats.entries += entries; }
    NUM[0] = pc; NUM[1] = base + count;
    return BUDGET_EXIT;
  }

  private miss(pc: number): WasmRegion | undefined {
    const heat = (this.heat.get(pc) ?? 0) + 1;
    this.heat.set(pc, heat);
    if (heat < this.opts.hotThreshold) return undefined;
    this.heat.set(pc, -Infinity);
    const insns = this.decodeBlock(pc);
    if (insns.length === 0) return undefined;
    const page = pc >>> PAGE_SHIFT;
    let r = this.regions.get(page);
    if (!r) this.regions.set(page, (r = { page, blocks: new Map(), fn: () => pc, bytes: 0 }));
    r.blocks.set(pc, insns);
    this.compile(r);
    for (const start of r.blocks.keys()) this.entry.set(start, r);
    return r;
  }

  private decodeBlock(pc: number): Insn[] {
    const out: Insn[] = [];
    const page = pc >>> PAGE_SHIFT;
    for (let a = pc; out.length < 64 && (a >>> PAGE_SHIFT) === page;) {
      const d = decode(this.mem.u16[a >>> 1] | (this.mem.u16[(a >>> 1) + 1] << 16));
      if (!d || !WASM_SUPPORTED.has(d.def.name)) break;
      const f = (x: 'rd' | 'rs1' | 'rs2' | 'imm' | 'shamt') => operand(x, d.def.imm, d.word);
      out.push({ name: d.def.name, pc: a, len: d.len, rd: f('rd'), rs1: f('rs1'), rs2: f('rs2'), imm: f('imm'), shamt: f('shamt') });
      a += d.len;
      if (d.def.name in BRANCHES) break;
    }
    return out;
  }

  private compile(r: WasmRegion): void {
    const t0 = performance.now();
    const bytes = emitRegion([...r.blocks.values()], this.mem.size, this.mem.size / 65536, this.nonce);
    const t1 = performance.now();
    const mod = new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
    const t2 = performance.now();
    const inst = new WebAssembly.Instance(mod, { m: { mem: this.memory } });
    const t3 = performance.now();
    r.fn = inst.exports.run as WasmRegion['fn'];
    // With lazy compilation (V8's default) the function's machine code is made on its first call:
    // time that too, with a budget of 0 (enters, leaves at once).
    r.fn(r.blocks.keys().next().value as number, 0);
    const t4 = performance.now();
    r.bytes = bytes.length;
    // Mark the code page so fast-path stores to it leave (as the JS translator does).
    this.mem.perm[r.page] |= CODE;
    this.syncPerm();
    const s = this.stats;
    s.compiles++; s.emitMs += t1 - t0; s.compileMs += t2 - t1; s.instantiateMs += t3 - t2; s.firstCallMs += t4 - t3; s.bytes = bytes.length;
  }

  /** The compiled function holding a block at pc (for the entry/exit measurement). */
  regionAt(pc: number): WasmRegion['fn'] | undefined { return this.entry.get(pc)?.fn; }
}

// ---------------------------------------------------------------------------------------------
// Measurement
// ---------------------------------------------------------------------------------------------

type Kind = 'js' | 'jsWasmMem' | 'wasm';
const HOT = 8;
/** Budget of one Wasm call (see WasmProtoEngine). */
const MAX_CALL = 1 << 20;

function engineFor(kind: Kind, m: Machine, maxCall = MAX_CALL): Translator | WasmProtoEngine {
  return kind === 'wasm'
    ? new WasmProtoEngine(m.hart, m.mem, { hotThreshold: HOT, maxCall })
    : new Translator(m.hart, m.mem, new UserCsrs(m.hart), { hotThreshold: HOT });
}
const machineFor = (kind: Kind, v: Variant, insns: number) =>
  machine(v, insns, { wasmMem: kind === 'jsWasmMem', hartInWasm: kind === 'wasm' });

interface RunResult { coldS: number; warmS: number; insns: number; fp: string; engine: Translator | WasmProtoEngine }

/** A fresh machine and engine: one run from cold, then the same program again on the now warm engine (steady state). */
function timedRun(kind: Kind, v: Variant, insns: number, maxCall?: number): RunResult {
  const m = machineFor(kind, v, insns);
  const e = engineFor(kind, m, maxCall);
  let t0 = performance.now();
  runToEcall(e, m);
  const coldS = (performance.now() - t0) / 1e3;
  const fp = fingerprint(m);
  reset(m, insns);
  t0 = performance.now();
  const n = runToEcall(e, m);
  const warmS = (performance.now() - t0) / 1e3;
  if (fingerprint(m) !== fp) throw new Error(`${kind} ${v.name}: warm run differs from cold run`);
  return { coldS, warmS, insns: n, fp, engine: e };
}

/** Reference final state from the product interpreter (small run). */
function interpreterFingerprint(v: Variant, insns: number): string {
  const m = machine(v, insns);
  runToEcall(new Interpreter(m.hart, m.mem, new UserCsrs(m.hart)), m);
  return fingerprint(m);
}

/** ns per call for `calls` calls of f (after a warm-up). */
function nsPer(calls: number, f: () => void): number {
  for (let k = 0; k < 20000; k++) f();
  const t0 = process.hrtime.bigint();
  for (let k = 0; k < calls; k++) f();
  return Number(process.hrtime.bigint() - t0) / calls;
}

interface Entry { js: number; jsRaw: number; jsRawEmpty: number; wasm: number; wasmRaw: number; wasmRawEmpty: number }

/** Entering and leaving translated code: one loop iteration per call, and an empty call (budget 0). */
function entryCost(v: Variant, calls: number): Entry {
  const mj = machine(v, 1e12);
  const jit = new Translator(mj.hart, mj.mem, new UserCsrs(mj.hart), { hotThreshold: HOT });
  jit.run(v.perIter * 200_000);
  const mw = machine(v, 1e12, { hartInWasm: true });
  const wasm = new WasmProtoEngine(mw.hart, mw.mem, { hotThreshold: HOT, maxCall: MAX_CALL });
  wasm.run(v.perIter * 200_000);
  // The product's region function, reached through private fields (reading only): fn(C, entry, hi).
  const priv = jit as unknown as { regions: Map<number, { fn: (C: unknown, e: number, h: number) => number }[]>; ctx: unknown; P: Int32Array };
  const region = priv.regions.get(CODE_AT >>> PAGE_SHIFT)![0].fn, ctx = priv.ctx, P = priv.P;
  const wfn = wasm.regionAt(CODE_AT)!;
  const n = v.perIter;
  const out = {} as Entry;
  // Alternating, best of 3. The loop stays at CODE_AT between calls (its counter is huge).
  for (let rep = 0; rep < 3; rep++) {
    const min = (k: keyof Entry, x: number) => { out[k] = Math.min(out[k] ?? Infinity, x); };
    min('js', nsPer(calls, () => { jit.run(n); }));
    min('wasm', nsPer(calls, () => { wasm.run(n); }));
    min('jsRaw', nsPer(calls, () => { P[1] = 0; P[2] = n; region(ctx, CODE_AT, 0); }));
    min('wasmRaw', nsPer(calls, () => { wfn(CODE_AT, n); }));
    min('jsRawEmpty', nsPer(calls, () => { P[1] = 0; P[2] = 0; region(ctx, CODE_AT, 0); }));
    min('wasmRawEmpty', nsPer(calls, () => { wfn(CODE_AT, 0); }));
  }
  if (mj.hart.pc !== CODE_AT || mw.hart.pc !== CODE_AT) throw new Error(`entry test left the loop: ${mj.hart.pc.toString(16)} ${mw.hart.pc.toString(16)}`);
  return out;
}

interface Profile {
  /** ms from the start until chunks run at >= 90% of the steady speed (5 in a row). */
  t90: number;
  /** MIPS over the first 10 ms (or the whole run if shorter). */
  first10: number;
  /** MIPS of the last 30% of the chunks (median). */
  steady: number;
  /** Compile costs of the engine (ms). */
  jsTranslateMs?: number; regions?: number; emitMs?: number; compileMs?: number; firstCallMs?: number; bytes?: number;
}

/** A fresh engine run in chunks of about 100k instructions (whole outer-loop iterations), timing each. */
function profile(kind: Kind, v: Variant, totalInsns: number): Profile {
  const chunk = v.period * Math.max(1, Math.round(100_000 / v.period));
  const m = machineFor(kind, v, totalInsns * 2);
  const e = engineFor(kind, m);
  const t: number[] = [], mips: number[] = [];
  const start = performance.now();
  let prev = start;
  for (let done = 0; done < totalInsns; done += chunk) {
    if (e.run(chunk).kind !== 'budget') throw new Error('profile: program ended early');
    const now = performance.now();
    t.push(now - start); mips.push(chunk / (now - prev) / 1e3);
    prev = now;
  }
  if (process.argv.includes('--dump-profile')) console.error(mips.map((x, i) => `${t[i].toFixed(1)}:${x.toFixed(0)}`).join(' '));
  const tail = mips.slice(Math.floor(mips.length * 0.7)).sort((a, b) => a - b);
  const steady = tail[Math.floor(tail.length / 2)];
  let k = 0;
  while (k < mips.length && !mips.slice(k, k + 5).every((x) => x >= 0.9 * steady)) k++;
  let in10 = t.findIndex((x) => x >= 10);
  if (in10 < 0) in10 = t.length - 1;
  const p: Profile = { t90: k === 0 ? 0 : k < t.length ? t[k - 1] : NaN, first10: ((in10 + 1) * chunk) / t[in10] / 1e3, steady };
  if (e instanceof Translator) Object.assign(p, { jsTranslateMs: e.stats.translationMs, regions: e.stats.regionsCompiled });
  else Object.assign(p, { regions: e.stats.compiles, emitMs: e.stats.emitMs, compileMs: e.stats.compileMs + e.stats.instantiateMs, firstCallMs: e.stats.firstCallMs, bytes: e.stats.bytes });
  return p;
}

/**
 * Differential self-test of the Wasm emitter beyond the benchmark loops: random loops over every
 * instruction in WASM_SUPPORTED (forward branches, misaligned accesses taking the slow path
 * included), run to the end on the product interpreter, the JS translator and the prototype.
 */
function selfTest(programs: number): number {
  let seed = 0x2545f491;
  const rnd = (n: number) => { seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5; return (seed >>> 0) % n; };
  const REGS = [5, 6, 7, 10, 11, 13, 14, 15, 0];
  const reg = () => REGS[rnd(REGS.length)];
  const R: [number, number, number][] = [[0, 0, 0x33], [0, 0x20, 0x33], [1, 0, 0x33], [2, 0, 0x33], [3, 0, 0x33], [4, 0, 0x33], [5, 0, 0x33],
    [5, 0x20, 0x33], [6, 0, 0x33], [7, 0, 0x33], [0, 1, 0x33], [0, 0, 0x3b]];
  let failures = 0;
  for (let p = 0; p < programs; p++) {
    const words: number[] = [];
    const k = 4 + rnd(12);
    for (let i = 0; i < k; i++) {
      const off = () => (rnd(4) === 0 ? rnd(2040) : rnd(255) * 8);
      switch (rnd(8)) {
        case 0: case 1: { const [f3, f7, opc] = R[rnd(R.length)]; words.push(encR(opc, f3, f7, reg(), reg(), reg())); break; }
        case 2: words.push(encI(0x13, [0, 4, 6, 7][rnd(4)], reg(), reg(), rnd(4096) - 2048)); break;
        case 3: words.push(rnd(2) ? encI(0x13, 1, reg(), reg(), rnd(64)) : encI(0x13, 5, reg(), reg(), rnd(64) | (rnd(2) << 10)), rnd(2) ? encI(0x1b, 0, reg(), reg(), rnd(4096) - 2048) : encU(0x37, reg(), rnd(1 << 20) << 12)); break;
        case 4: words.push(encI(0x03, rnd(7), reg(), S0, off())); break;
        case 5: words.push(encS(0x23, rnd(4), S0, reg(), off())); break;
        case 6: words.push(encB(0x63, [0, 1, 4, 5, 6, 7][rnd(6)], reg(), reg(), 8), encI(0x13, 0, reg(), reg(), rnd(100))); break;
        default: words.push(encR(0x33, 0, 1, reg(), reg(), reg()));
      }
    }
    words.push(encI(0x13, 0, A2, A2, -1), encB(0x63, 1, A2, 0, -4 * (words.length + 1)), 0x73);
    const init = Array.from({ length: 32 }, () => s64((BigInt(rnd(1 << 30)) << 34n) ^ (BigInt(rnd(1 << 30)) << 4n) ^ BigInt(rnd(16))));
    const v: Variant = {
      name: `random${p}`, what: '', words, perIter: words.length - 1, period: words.length - 1,
      setup: (x, u8) => { fillData(u8); for (const r of REGS) if (r) x[r] = init[r]; x[S0] = BigInt(DATA_AT + 0x2000); x[A2] = 40n; },
    };
    const ref = interpreterFingerprint(v, 0);
    for (const kind of ['js', 'wasm'] as Kind[]) {
      const m = machineFor(kind, v, 0);
      runToEcall(engineFor(kind, m), m);
      if (fingerprint(m) !== ref) { failures++; console.log(`selftest ${v.name} ${kind}: MISMATCH\n  interp ${ref}\n  ${kind}    ${fingerprint(m)}`); }
    }
  }
  return failures;
}

/**
 * Warms up what a running VM would have warm already, so that the cold-start figures show the
 * cost of translating this code and not first-use costs: the cold-code interpreter (as the
 * engines run it, block by block) on every variant, and V8's JS and Wasm compilers on an
 * unrelated loop.
 */
function warmEngines(): void {
  for (const v of VARIANTS) {
    const m = machine(v, 300_000);
    runToEcall(new Interpreter(m.hart, m.mem, new UserCsrs(m.hart), undefined, true), m);
  }
  const words = [encI(0x13, 0, A0, A0, 1), encI(0x13, 0, A2, A2, -1), encB(0x63, 1, A2, 0, -8), 0x73];
  const v: Variant = { ...variant('alu-shift'), words, setup: (x, _u8, n) => { x[A2] = BigInt(Math.round(n / 2)); } };
  for (const kind of ['js', 'wasm'] as Kind[]) {
    const m = machineFor(kind, v, 200_000);
    runToEcall(engineFor(kind, m), m);
  }
}

/** ns per call of an imported JS function from Wasm (what a helper call out of a Wasm region costs). */
function wasmToJsCallNs(calls: number): { wasmToJs: number; wasmLoopOnly: number } {
  const build = (withCall: boolean) => {
    const c = new Body();
    // loop { acc = f(acc) (or acc + 1); n -= 1; br_if n } ; return acc
    c.open('loop', 'l').get(1);
    if (withCall) c.op(0x10, 0); else c.i32(1).op(OP.i32_add);
    c.set(1).get(0).i32(1).op(0x6b).tee(0).brIf('l').end().get(1);
    const out = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
    section(out, 1, [1, 0x60, 1, T_I32, 1, T_I32]);
    const imp: number[] = [1]; name(imp, 'm'); name(imp, 'f'); imp.push(0x00, 0);
    section(out, 2, imp);
    section(out, 3, [1, 0]);
    const exp: number[] = [1]; name(exp, 'loop'); exp.push(0x00, 1);
    section(out, 7, exp);
    const fn = [1, 1, T_I32, ...c.out, OP.end];
    const code: number[] = [1]; uleb(code, fn.length); code.push(...fn);
    section(out, 10, code);
    const inst = new WebAssembly.Instance(new WebAssembly.Module(Uint8Array.from(out)), { m: { f: (x: number) => (x + 1) | 0 } });
    return inst.exports.loop as (n: number) => number;
  };
  const withCall = build(true), without = build(false);
  withCall(1e6); without(1e6);
  let a = Infinity, b = Infinity;
  for (let r = 0; r < 3; r++) {
    let t0 = process.hrtime.bigint();
    if (withCall(calls) !== calls) throw new Error('wasm->js call test');
    a = Math.min(a, Number(process.hrtime.bigint() - t0) / calls);
    t0 = process.hrtime.bigint();
    without(calls);
    b = Math.min(b, Number(process.hrtime.bigint() - t0) / calls);
  }
  return { wasmToJs: a, wasmLoopOnly: b };
}

/** JS typed-array loads and stores into a plain ArrayBuffer vs a WebAssembly.Memory's buffer (ns per element). */
function viewsIntoWasmMemory(): { plain: number; wasm: number } {
  const n = 1 << 14, rounds = 2000;
  const work = (a: Int32Array) => {
    let s = 0;
    for (let r = 0; r < rounds; r++) for (let i = 0; i < n; i++) { s = (s + a[i]) | 0; a[i] = s ^ i; }
    return s;
  };
  const plain = new Int32Array(new ArrayBuffer(4 * n));
  const wasm = new Int32Array(new WebAssembly.Memory({ initial: 1, maximum: 1 }).buffer, 0, n);
  const time = (a: Int32Array) => { const t0 = process.hrtime.bigint(); work(a); return Number(process.hrtime.bigint() - t0) / (n * rounds); };
  time(plain); time(wasm);
  let p = Infinity, w = Infinity;
  for (let r = 0; r < 5; r++) { p = Math.min(p, time(plain)); w = Math.min(w, time(wasm)); }
  return { plain: p, wasm: w };
}

// ---------------------------------------------------------------------------------------------

function arg(flag: string): string | undefined {
  const k = process.argv.indexOf(flag);
  return k >= 0 ? process.argv[k + 1] : undefined;
}
const f1 = (x: number | undefined) => (x !== undefined && Number.isFinite(x) ? x.toFixed(1) : '-');
const f2 = (x: number | undefined) => (x !== undefined && Number.isFinite(x) ? x.toFixed(2) : '-');
const pad = (s: string, n: number) => s.padStart(n);
const SELF = fileURLToPath(import.meta.url);

/**
 * Child mode, in a fresh process (fresh V8 caches, optional V8 flags): `--child KIND VARIANT`.
 * Prints one JSON line: the warm-up profile of a fresh engine, and for Wasm the MIPS of a cold
 * run made of one single Wasm call (V8 has no on-stack replacement for Wasm) vs 1M-insn calls.
 */
function child(): void {
  const k = process.argv.indexOf('--child');
  const kind = process.argv[k + 1] as Kind, v = variant(process.argv[k + 2]);
  const insns = Number(arg('--insns') ?? 30e6);
  warmEngines();
  const out: Record<string, unknown> = { ...profile(kind, v, insns) };
  if (kind === 'wasm') {
    // Long cold runs (10x), so that the start-up phase weighs little.
    const chunked = timedRun('wasm', v, 10 * insns);
    SLICE = 2 ** 31 - 1;
    const single = timedRun('wasm', v, 10 * insns, 2 ** 31 - 1);
    Object.assign(out, { singleCallCold: single.insns / single.coldS / 1e6, chunkedCold: chunked.insns / chunked.coldS / 1e6 });
  }
  console.log(JSON.stringify(out));
}

function runChild(flags: string[], kind: Kind, v: Variant, insns: number): Record<string, number> | string {
  const p = spawnSync(process.execPath, [...flags, SELF, '--child', kind, v.name, '--insns', String(insns)], { encoding: 'utf8' });
  if (p.status !== 0) return `failed: ${(p.stderr || p.stdout).trim().split('\n').slice(-3).join(' / ')}`;
  return JSON.parse(p.stdout.trim().split('\n').pop()!) as Record<string, number>;
}

/** Several children per configuration, alternating: the best of each figure (min for times, max for speeds). */
function bestOfChildren(flags: string[], kinds: Kind[], v: Variant, insns: number, reps: number): Record<Kind, Record<string, number>> {
  const best = {} as Record<Kind, Record<string, number>>;
  for (let r = 0; r < reps; r++) {
    for (const kind of r % 2 ? [...kinds].reverse() : kinds) {
      const res = runChild(flags, kind, v, insns);
      if (typeof res === 'string') throw new Error(`${flags.join(' ')} ${kind} ${v.name}: ${res}`);
      const b = (best[kind] ??= {});
      for (const [key, x] of Object.entries(res)) {
        const higherIsBetter = key === 'steady' || key === 'first10' || key.endsWith('Cold') || key === 'bytes' || key === 'regions';
        b[key] = b[key] === undefined ? x : higherIsBetter ? Math.max(b[key], x) : Math.min(b[key], x);
      }
    }
  }
  return best;
}

function main(): void {
  const only = arg('--only')?.split(',');
  const selected = only ? VARIANTS.filter((v) => only.includes(v.name)) : VARIANTS;
  const insns = Number(arg('--insns') ?? 60e6);
  const reps = Number(arg('--reps') ?? 3);
  SLICE = Number(arg('--slice') ?? SLICE);
  console.log(`wasm-backend prototype (EXPERIMENT): node ${process.version}, ${insns / 1e6}M guest insns per timed run, ` +
    `engine.run budget ${SLICE} (the process VM's slice), hot threshold ${HOT}, best of ${reps}`);
  for (const v of selected) console.log(`  ${v.name.padEnd(10)} ${v.what}`);

  if (process.argv.includes('--show-js')) {
    const m = machine(variant('checksum'), 1e6);
    const jit = new Translator(m.hart, m.mem, new UserCsrs(m.hart), { hotThreshold: HOT });
    runToEcall(jit, m);
    console.log(jit.regionSourceAt(CODE_AT + 12));
  }

  // 1. Correctness: product interpreter vs JS translator vs Wasm prototype (small runs), and
  // below every timed run against the first one.
  const programs = Number(arg('--selftest') ?? 300);
  const failures = selfTest(programs);
  console.log(`\nself-test, ${programs} random loops over all ${WASM_SUPPORTED.size} instructions the prototype translates: ${failures ? `${failures} MISMATCHES` : 'OK'}`);
  const status: Record<string, string> = {};
  for (const v of selected) {
    const ref = interpreterFingerprint(v, 200_000);
    const got = (['js', 'jsWasmMem', 'wasm'] as Kind[]).map((k) => timedRun(k, v, 200_000).fp);
    status[v.name] = got.every((g) => g === ref) ? 'OK' : 'MISMATCH';
    if (status[v.name] !== 'OK') console.log(`${v.name}: MISMATCH (small)\n  interp ${ref}\n  ${got.join('\n  ')}`);
  }
  {
    // A slow-path exit: once the checksum loop is translated, its store cursor (a1) is pointed
    // at the read-only code page: both must fault at the same pc after the same instret.
    const v = variant('checksum');
    const fault = (k: Kind) => {
      const m = machineFor(k, v, 1e6);
      const e = engineFor(k, m);
      if (e.run(50_000).kind !== 'budget') throw new Error('fault test: ended early');
      m.hart.x[A1] = BigInt(CODE_AT + 0x800);
      const exit = e.run(1e6);
      return `${exit.kind === 'trap' ? `cause ${exit.cause}` : exit.kind} at ${m.hart.pc.toString(16)} after ${m.hart.instret}`;
    };
    const a = fault('js'), b = fault('wasm');
    console.log(`\nslow path: store into a read-only page from translated code: JS ${a}; Wasm ${b}: ${a === b ? 'OK' : 'MISMATCH'}`);
  }

  // 2. Steady-state throughput, alternating JS / Wasm / JS over a wasm-backed memory.
  const rows: string[] = [];
  for (const v of selected) {
    const best: Record<Kind, number> = { js: 0, jsWasmMem: 0, wasm: 0 };
    const fps = new Set<string>();
    for (let r = 0; r < reps; r++) {
      for (const k of (r % 2 ? ['wasm', 'jsWasmMem', 'js'] : ['js', 'wasm', 'jsWasmMem']) as Kind[]) {
        const res = timedRun(k, v, insns);
        if (process.argv.includes('--verbose')) console.log(`  ${v.name} ${k}: cold ${f1(res.insns / res.coldS / 1e6)} warm ${f1(res.insns / res.warmS / 1e6)} MIPS`);
        fps.add(res.fp);
        best[k] = Math.max(best[k], res.insns / res.warmS / 1e6);
      }
    }
    if (fps.size !== 1) status[v.name] = 'MISMATCH';
    rows.push(`${v.name.padEnd(10)}${pad(f1(best.js), 8)}${pad(f1(best.wasm), 9)}${pad(f1(best.wasm / best.js), 7)}` +
      `${pad(f1(best.jsWasmMem), 11)}${pad(f2(best.jsWasmMem / best.js), 9)}    ${status[v.name]}`);
  }
  console.log(`\nsteady state, guest MIPS (a second ${insns / 1e6}M-insn run on a warm engine; best of ${reps}, alternating)`);
  console.log(`${'loop'.padEnd(10)}${pad('JS', 8)}${pad('Wasm', 9)}${pad('W/JS', 7)}${pad('JS@wasmMem', 11)}${pad('vs JS', 9)}    final state JS = Wasm = interpreter`);
  rows.forEach((r) => console.log(r));

  // 3. Cold start: compile costs and warm-up, each in a fresh process.
  console.log(`\ncold start, fresh process per figure (best of ${reps}): compile cost (ms, all compiles of the run), warm-up (ms until >= 90% of steady MIPS), MIPS in the first 10 ms`);
  console.log(`${'loop'.padEnd(10)}${pad('JS regions', 11)}${pad('JS ms', 7)}${pad('Wasm mods', 10)}${pad('emit', 6)}${pad('comp+inst', 10)}${pad('1st call', 9)}${pad('bytes', 6)}` +
    `${pad('JS t90', 8)}${pad('W t90', 7)}${pad('JS 10ms', 9)}${pad('W 10ms', 8)}`);
  for (const v of selected) {
    const b = bestOfChildren([], ['js', 'wasm'], v, 30e6, reps);
    const j = b.js, w = b.wasm;
    console.log(`${v.name.padEnd(10)}${pad(String(j.regions), 11)}${pad(f2(j.jsTranslateMs), 7)}${pad(String(w.regions), 10)}${pad(f2(w.emitMs), 6)}${pad(f2(w.compileMs), 10)}` +
      `${pad(f2(w.firstCallMs), 9)}${pad(String(w.bytes), 6)}${pad(f1(j.t90), 8)}${pad(f1(w.t90), 7)}${pad(f1(j.first10), 9)}${pad(f1(w.first10), 8)}`);
  }
  console.log('JS ms: Translator.stats.translationMs (source generation + new Function; V8 compiles and optimizes lazily, in t90).');
  console.log('Wasm: emit = our emitter, comp+inst = new WebAssembly.Module + Instance, 1st call = lazy Liftoff compile on a budget-0 call.');

  // 4. Entering and leaving translated code.
  console.log('\nentry+exit, ns per call (best of 3 x 1M calls): one loop iteration per call; empty = budget 0 (enter, check, leave)');
  console.log(`${'loop'.padEnd(10)}${pad('JS run()', 10)}${pad('W run()', 10)}${pad('JS fn', 8)}${pad('W fn', 8)}${pad('JS empty', 10)}${pad('W empty', 10)}`);
  for (const v of [variant('alu-shift'), variant('alu-mul')]) {
    const e = entryCost(v, 1_000_000);
    console.log(`${v.name.padEnd(10)}${pad(f1(e.js), 10)}${pad(f1(e.wasm), 10)}${pad(f1(e.jsRaw), 8)}${pad(f1(e.wasmRaw), 8)}${pad(f1(e.jsRawEmpty), 10)}${pad(f1(e.wasmRawEmpty), 10)}`);
  }
  console.log('run(): through each dispatcher (Translator.run / the prototype\'s); fn: the region function called directly.');

  // 5. Side measurements.
  {
    const c = wasmToJsCallNs(20_000_000);
    console.log(`\nWasm -> imported JS function: ${f2(c.wasmToJs)} ns per call (the same Wasm loop without the call: ${f2(c.wasmLoopOnly)} ns)`);
    const v = viewsIntoWasmMemory();
    console.log(`JS Int32Array load+store loop: plain ArrayBuffer ${f2(v.plain)} ns/elem, WebAssembly.Memory buffer ${f2(v.wasm)} ns/elem (ratio ${f2(v.wasm / v.plain)})`);
  }

  // 6. Wasm under V8 tiering flags, fresh processes.
  if (!process.argv.includes('--no-flags')) {
    const variants: [string, string[]][] = [
      ['default (lazy Liftoff, dynamic tier-up to TurboFan)', []],
      ['--no-liftoff (TurboFan only)', ['--no-liftoff']],
      ['--liftoff-only', ['--liftoff-only']],
      ['--no-wasm-lazy-compilation', ['--no-wasm-lazy-compilation']],
    ];
    console.log(`\nWasm under V8 flags (fresh process each, 30M insns, best of ${Math.max(1, reps - 1)}): t90 ms / MIPS first 10 ms / steady MIPS (100k-insn calls) /` +
      ' MIPS of a cold 300M-insn run made of one single Wasm call vs of 1M-insn calls / comp+inst ms / 1st call ms');
    for (const [label, flags] of variants) {
      console.log(label);
      for (const v of selected) {
        const w = bestOfChildren(flags, ['wasm'], v, 30e6, Math.max(1, reps - 1)).wasm;
        console.log(`  ${v.name.padEnd(10)} t90 ${pad(f1(w.t90), 6)}  10ms ${pad(f1(w.first10), 7)}  steady ${pad(f1(w.steady), 7)}` +
          `  one call ${pad(f1(w.singleCallCold), 7)}  1M calls ${pad(f1(w.chunkedCold), 7)}  comp ${pad(f2(w.compileMs), 5)}  1st ${pad(f2(w.firstCallMs), 5)}`);
      }
    }
  }
}

if (process.argv.includes('--child')) child();
else main();
