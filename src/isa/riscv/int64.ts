/**
 * 64-bit integer arithmetic on pairs of int32 words, for instruction meanings that would
 * otherwise need BigInt (which allocates in V8's generated code). Small enough to be inlined.
 */

/** The high 32 bits of the unsigned 64-bit product of two 32-bit words, as an int32. */
export function mulhu32(a: number, b: number): number {
  const a0 = a & 0xffff, a1 = a >>> 16, b0 = b & 0xffff, b1 = b >>> 16;
  const p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  return (a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16)) | 0;
}
