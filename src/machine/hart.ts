/**
 * The architectural state of one hart, kept in a single ArrayBuffer so that a snapshot is a
 * byte copy and every engine (interpreter, generated code, WebAssembly) addresses the same
 * cells. Views of the buffer:
 *   x  / xw : the 32 integer registers as int64 (BigInt64Array) and as (lo, hi) int32 words
 *   f  / fw : the 32 FP registers as raw 64-bit patterns and as int32 words (NaN-boxing lives
 *             in the high word)
 *   num     : Float64 cells for values engines keep as JS numbers (pc, instret, reservation)
 *   fcsr    : fflags and frm as separate int32 cells, so FP helpers can OR flags into cell 0
 */
export const NUM_PC = 0;
export const NUM_INSTRET = 1;
/** Address reserved by the last LR, or -1. */
export const NUM_RESERVATION = 2;
/**
 * A jump target that an engine's int32 pc cannot hold (outside guest memory, about to fault):
 * engines keep pc = -1, an impossible odd address, while the exact value waits here.
 */
export const NUM_FAR_PC = 3;
export const FCSR_FLAGS = 0;
export const FCSR_FRM = 1;

const X_OFF = 0, F_OFF = 256, NUM_OFF = 512, FCSR_OFF = 576;
/**
 * Where the cells lie, relative to the hart's first byte. Bytes 592..639 are left to engines:
 * generated code that cannot return more than one value leaves the others there.
 */
export const HART_LAYOUT = { x: X_OFF, f: F_OFF, num: NUM_OFF, fcsr: FCSR_OFF, engineCells: 592, size: 640 } as const;

export class HartState {
  /** The buffer holding the hart, at byte `offset` (a WebAssembly memory can hold harts beside guest RAM). */
  readonly buffer: ArrayBuffer;
  readonly offset: number;
  /** The hart's HART_LAYOUT.size bytes: what a copy or a snapshot of its state copies. */
  readonly bytes: Uint8Array;
  readonly x: BigInt64Array;
  readonly xw: Int32Array;
  readonly f: BigInt64Array;
  readonly fw: Int32Array;
  /** The FP registers as doubles (same cells as f): f64 arithmetic without bigint. */
  readonly fd: Float64Array;
  readonly num: Float64Array;
  /** [0] = fflags (accrued exceptions), [1] = frm; views into the same buffer. */
  readonly fcsr: Int32Array;

  constructor(buffer: ArrayBuffer = new ArrayBuffer(HART_LAYOUT.size), offset = 0) {
    if (offset % 8 !== 0 || offset + HART_LAYOUT.size > buffer.byteLength) throw new RangeError(`no room for a hart at byte ${offset}`);
    this.buffer = buffer;
    this.offset = offset;
    this.bytes = new Uint8Array(buffer, offset, HART_LAYOUT.size);
    this.x = new BigInt64Array(buffer, offset + X_OFF, 32);
    this.xw = new Int32Array(buffer, offset + X_OFF, 64);
    this.f = new BigInt64Array(buffer, offset + F_OFF, 32);
    this.fw = new Int32Array(buffer, offset + F_OFF, 64);
    this.fd = new Float64Array(buffer, offset + F_OFF, 32);
    this.num = new Float64Array(buffer, offset + NUM_OFF, 8);
    this.fcsr = new Int32Array(buffer, offset + FCSR_OFF, 2);
    this.num[NUM_RESERVATION] = -1;
  }

  get pc(): number { return this.num[NUM_PC]; }
  set pc(v: number) { this.num[NUM_PC] = v; }
  get instret(): number { return this.num[NUM_INSTRET]; }
  set instret(v: number) { this.num[NUM_INSTRET] = v; }

  snapshot(): ArrayBuffer { return this.bytes.slice().buffer; }
}
