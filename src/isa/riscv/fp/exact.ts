// Exact (general) path of the RISC-V F/D arithmetic.
//
// Every operation here unpacks its operands into (sign, integer significand as
// bigint, exponent), computes the exact result -- or, for div/sqrt, a quotient /
// root with at least p+2 significant bits and the remainder jammed into the
// lowest bit ("sticky") -- and hands it to ONE rounding routine, roundPack(),
// which is the only place where the meaning of rounding, overflow, underflow
// (tininess after rounding) and subnormals is written down.
//
// Bit patterns in this module are unsigned bigints (0 <= bits < 2^width); the
// public API in softfloat.ts converts to the int32 / signed-int64 conventions.

export const NX = 1;
export const UF = 2;
export const OF = 4;
export const DZ = 8;
export const NV = 16;

export const RNE = 0;
export const RTZ = 1;
export const RDN = 2;
export const RUP = 3;
export const RMM = 4;

export interface Fmt {
  readonly width: number;   // 32 or 64
  readonly p: number;       // precision including the hidden bit
  readonly emin: number;    // exponent of the smallest normal
  readonly emax: number;    // exponent of the largest finite
  readonly qmin: number;    // quantum exponent of subnormals = emin - p + 1
  readonly bias: number;
  readonly fracBits: bigint; // p - 1
  readonly fracMask: bigint;
  readonly signBit: bigint;
  readonly infBits: bigint;
  readonly maxBits: bigint;  // largest finite magnitude
  readonly nanBits: bigint;  // canonical quiet NaN
  readonly quietBit: bigint;
  readonly pow2p: bigint;    // 2^p
  readonly pow2pm1: bigint;  // 2^(p-1)
  readonly expMask: number;  // all-ones biased exponent
}

function makeFmt(width: number, p: number, ebits: number): Fmt {
  const bias = (1 << (ebits - 1)) - 1;
  const fb = BigInt(p - 1);
  const expMask = (1 << ebits) - 1;
  return {
    width, p, bias,
    emin: 1 - bias,
    emax: bias,
    qmin: 1 - bias - p + 1,
    fracBits: fb,
    fracMask: (1n << fb) - 1n,
    signBit: 1n << BigInt(width - 1),
    infBits: BigInt(expMask) << fb,
    maxBits: (BigInt(expMask - 1) << fb) | ((1n << fb) - 1n),
    nanBits: (BigInt(expMask) << fb) | (1n << (fb - 1n)),
    quietBit: 1n << (fb - 1n),
    pow2p: 1n << BigInt(p),
    pow2pm1: 1n << fb,
    expMask,
  };
}

export const F32: Fmt = makeFmt(32, 24, 8);
export const F64: Fmt = makeFmt(64, 53, 11);

// ---------------------------------------------------------------------------
// Unpacked values

export const ZERO = 0;
export const FINITE = 1; // finite, non-zero
export const INF = 2;
export const QNAN = 3;
export const SNAN = 4;

export interface Unpacked {
  cls: number;
  sign: number;  // 0 or 1
  sig: bigint;   // for FINITE: value = sig * 2^exp, sig > 0
  exp: number;
}

export function unpack(f: Fmt, bits: bigint): Unpacked {
  const sign = (bits & f.signBit) !== 0n ? 1 : 0;
  const frac = bits & f.fracMask;
  const be = Number((bits >> f.fracBits) & BigInt(f.expMask));
  if (be === f.expMask) {
    if (frac === 0n) return { cls: INF, sign, sig: 0n, exp: 0 };
    return { cls: (frac & f.quietBit) !== 0n ? QNAN : SNAN, sign, sig: frac, exp: 0 };
  }
  if (be === 0) {
    if (frac === 0n) return { cls: ZERO, sign, sig: 0n, exp: 0 };
    return { cls: FINITE, sign, sig: frac, exp: f.qmin };
  }
  return { cls: FINITE, sign, sig: frac | f.pow2pm1, exp: be - 1 + f.qmin };
}

// ---------------------------------------------------------------------------
// Rounding

const BL_SCRATCH = new Float64Array(1);
const BL_WORDS = new Uint32Array(BL_SCRATCH.buffer);
const BL_HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
const BIG_CHUNK = 1n << 960n;

/** Number of significant bits of n > 0. */
export function bitLen(n: bigint): number {
  let k = 0;
  while (n >= BIG_CHUNK) { n >>= 960n; k += 960; }
  const d = Number(n); // correctly rounded; may round up to a power of two
  BL_SCRATCH[0] = d;
  let L = ((BL_WORDS[BL_HI]! >>> 20) & 0x7ff) - 1023 + 1;
  if (L > 53 && (n >> BigInt(L - 1)) === 0n) L -= 1;
  return k + L;
}

/**
 * Whether to increment the magnitude of a truncated inexact result.
 * cmp: sign of (discarded part - half an ulp).
 */
export function roundIncrement(rm: number, sign: number, odd: boolean, cmp: number): boolean {
  switch (rm) {
    case RNE: return cmp > 0 || (cmp === 0 && odd);
    case RTZ: return false;
    case RDN: return sign !== 0;
    case RUP: return sign === 0;
    default: return cmp >= 0; // RMM
  }
}

/**
 * THE rounding routine. Rounds (-1)^sign * sig * 2^exp to format f under rm,
 * ORs the flags into st[0] and returns the unsigned bit pattern.
 * sig must be exact, or have at least p+2 significant bits with any non-zero
 * remainder jammed into its least significant bit.
 */
export function roundPack(f: Fmt, sign: number, sig: bigint, exp: number, rm: number, st: Int32Array): bigint {
  const sgn = sign ? f.signBit : 0n;
  if (sig === 0n) return sgn;
  const L = bitLen(sig);
  const e = exp + L - 1;                 // exponent of the leading bit
  let q = e - f.p + 1;                    // quantum exponent of the result
  if (q < f.qmin) q = f.qmin;
  let tiny = e < f.emin;
  let inexact = false;
  let m: bigint;
  if (q <= exp) {
    m = sig << BigInt(exp - q);
  } else {
    const sh = q - exp;
    const shb = BigInt(sh);
    m = sig >> shb;
    const rem = sig - (m << shb);
    if (rem !== 0n) {
      inexact = true;
      const half = 1n << BigInt(sh - 1);
      if (roundIncrement(rm, sign, (m & 1n) !== 0n, rem > half ? 1 : rem === half ? 0 : -1)) m += 1n;
      if (tiny && e === f.emin - 1 && sh > 1) {
        // Tininess is detected after rounding: round to p bits as if the
        // exponent range were unbounded; if that reaches 2^emin, not tiny.
        const s2 = BigInt(sh - 1);
        let m2 = sig >> s2;
        const r2 = sig - (m2 << s2);
        if (r2 !== 0n) {
          const h2 = 1n << BigInt(sh - 2);
          if (roundIncrement(rm, sign, (m2 & 1n) !== 0n, r2 > h2 ? 1 : r2 === h2 ? 0 : -1)) m2 += 1n;
        }
        if (m2 === f.pow2p) tiny = false;
      }
    }
  }
  if (m === f.pow2p) { m = f.pow2pm1; q += 1; }
  if (q + f.p - 1 > f.emax) {
    st[0]! |= OF | NX;
    const toInf = rm === RNE || rm === RMM || (rm === RDN ? sign !== 0 : rm === RUP ? sign === 0 : false);
    return sgn | (toInf ? f.infBits : f.maxBits);
  }
  if (inexact) st[0]! |= tiny ? (UF | NX) : NX;
  return sgn | ((BigInt(q - f.qmin) << f.fracBits) + m);
}

function nan(f: Fmt, st: Int32Array, invalid: boolean): bigint {
  if (invalid) st[0]! |= NV;
  return f.nanBits;
}

function inf(f: Fmt, sign: number): bigint {
  return sign ? f.signBit | f.infBits : f.infBits;
}

function zero(f: Fmt, sign: number): bigint {
  return sign ? f.signBit : 0n;
}

/** Exact sum of two non-zero finite values, rounded. Exact zero -> +0 (-0 in RDN). */
function addFinite(f: Fmt, sa: number, ma: bigint, ea: number, sb: number, mb: bigint, eb: number,
  rm: number, st: Int32Array): bigint {
  let e: number;
  if (ea > eb) { ma <<= BigInt(ea - eb); e = eb; } else { mb <<= BigInt(eb - ea); e = ea; }
  if (sa === sb) return roundPack(f, sa, ma + mb, e, rm, st);
  const d = ma - mb; // sign sa if positive
  if (d === 0n) return zero(f, rm === RDN ? 1 : 0);
  return d > 0n ? roundPack(f, sa, d, e, rm, st) : roundPack(f, sb, -d, e, rm, st);
}

function anySNaN(...xs: Unpacked[]): boolean {
  for (const x of xs) if (x.cls === SNAN) return true;
  return false;
}

export function add(f: Fmt, a: Unpacked, b: Unpacked, rm: number, st: Int32Array): bigint {
  if (a.cls >= QNAN || b.cls >= QNAN) return nan(f, st, anySNaN(a, b));
  if (a.cls === INF) {
    if (b.cls === INF && a.sign !== b.sign) return nan(f, st, true);
    return inf(f, a.sign);
  }
  if (b.cls === INF) return inf(f, b.sign);
  if (a.cls === ZERO) {
    if (b.cls === ZERO) return zero(f, a.sign === b.sign ? a.sign : rm === RDN ? 1 : 0);
    return roundPack(f, b.sign, b.sig, b.exp, rm, st);
  }
  if (b.cls === ZERO) return roundPack(f, a.sign, a.sig, a.exp, rm, st);
  return addFinite(f, a.sign, a.sig, a.exp, b.sign, b.sig, b.exp, rm, st);
}

export function sub(f: Fmt, a: Unpacked, b: Unpacked, rm: number, st: Int32Array): bigint {
  return add(f, a, { cls: b.cls, sign: b.sign ^ 1, sig: b.sig, exp: b.exp }, rm, st);
}

export function mul(f: Fmt, a: Unpacked, b: Unpacked, rm: number, st: Int32Array): bigint {
  if (a.cls >= QNAN || b.cls >= QNAN) return nan(f, st, anySNaN(a, b));
  const sign = a.sign ^ b.sign;
  if (a.cls === INF || b.cls === INF) {
    if (a.cls === ZERO || b.cls === ZERO) return nan(f, st, true);
    return inf(f, sign);
  }
  if (a.cls === ZERO || b.cls === ZERO) return zero(f, sign);
  return roundPack(f, sign, a.sig * b.sig, a.exp + b.exp, rm, st);
}

export function div(f: Fmt, a: Unpacked, b: Unpacked, rm: number, st: Int32Array): bigint {
  if (a.cls >= QNAN || b.cls >= QNAN) return nan(f, st, anySNaN(a, b));
  const sign = a.sign ^ b.sign;
  if (a.cls === INF) return b.cls === INF ? nan(f, st, true) : inf(f, sign);
  if (b.cls === INF) return zero(f, sign);
  if (b.cls === ZERO) {
    if (a.cls === ZERO) return nan(f, st, true);
    st[0]! |= DZ;
    return inf(f, sign);
  }
  if (a.cls === ZERO) return zero(f, sign);
  // Quotient with at least p+2 significant bits, remainder jammed.
  let k = f.p + 3 + bitLen(b.sig) - bitLen(a.sig);
  if (k < 0) k = 0;
  const num = a.sig << BigInt(k);
  let q = num / b.sig;
  if (q * b.sig !== num) q |= 1n;
  return roundPack(f, sign, q, a.exp - b.exp - k, rm, st);
}

/** floor(sqrt(n)) for n >= 0. */
export function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x: bigint;
  if (n < 1n << 1000n) x = BigInt(Math.floor(Math.sqrt(Number(n)))) + 1n;
  else x = 1n << BigInt((bitLen(n) >> 1) + 1);
  // One Newton step from any positive start lands at or above floor(sqrt(n)).
  x = (x + n / x) >> 1n;
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) break;
    x = y;
  }
  while (x * x > n) x -= 1n;
  while ((x + 1n) * (x + 1n) <= n) x += 1n;
  return x;
}

export function sqrt(f: Fmt, a: Unpacked, rm: number, st: Int32Array): bigint {
  if (a.cls >= QNAN) return nan(f, st, a.cls === SNAN);
  if (a.cls === ZERO) return zero(f, a.sign);
  if (a.sign) return nan(f, st, true);
  if (a.cls === INF) return f.infBits;
  let m = a.sig;
  let e = a.exp;
  if (e & 1) { m <<= 1n; e -= 1; }
  // root needs >= p+2 bits: radicand >= 2(p+2) bits; shift by an even amount.
  let k = 2 * (f.p + 2) + 2 - bitLen(m);
  if (k < 0) k = 0;
  if (k & 1) k += 1;
  const rad = m << BigInt(k);
  let r = isqrt(rad);
  if (r * r !== rad) r |= 1n;
  return roundPack(f, 0, r, (e - k) / 2, rm, st);
}

export function fma(f: Fmt, a: Unpacked, b: Unpacked, c: Unpacked, rm: number, st: Int32Array): bigint {
  // RISC-V: inf * 0 raises NV even when the addend is a quiet NaN.
  const invalidProduct = (a.cls === INF && b.cls === ZERO) || (a.cls === ZERO && b.cls === INF);
  if (a.cls >= QNAN || b.cls >= QNAN || c.cls >= QNAN) return nan(f, st, invalidProduct || anySNaN(a, b, c));
  if (invalidProduct) return nan(f, st, true);
  const ps = a.sign ^ b.sign;
  if (a.cls === INF || b.cls === INF) {
    if (c.cls === INF && c.sign !== ps) return nan(f, st, true);
    return inf(f, ps);
  }
  if (c.cls === INF) return inf(f, c.sign);
  if (a.cls === ZERO || b.cls === ZERO) {
    if (c.cls === ZERO) return zero(f, ps === c.sign ? ps : rm === RDN ? 1 : 0);
    return roundPack(f, c.sign, c.sig, c.exp, rm, st);
  }
  const pm = a.sig * b.sig;
  const pe = a.exp + b.exp;
  if (c.cls === ZERO) return roundPack(f, ps, pm, pe, rm, st);
  return addFinite(f, ps, pm, pe, c.sign, c.sig, c.exp, rm, st);
}

/** Round an integer magnitude (sign separate) to format f. */
export function fromInt(f: Fmt, sign: number, mag: bigint, rm: number, st: Int32Array): bigint {
  return roundPack(f, sign, mag, 0, rm, st);
}

/** Convert between formats (f32 <-> f64) with one rounding. */
export function convert(to: Fmt, a: Unpacked, rm: number, st: Int32Array): bigint {
  if (a.cls >= QNAN) return nan(to, st, a.cls === SNAN);
  if (a.cls === INF) return inf(to, a.sign);
  if (a.cls === ZERO) return zero(to, a.sign);
  return roundPack(to, a.sign, a.sig, a.exp, rm, st);
}
