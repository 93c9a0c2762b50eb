/* bitops: bit tricks: popcount, clz, ctz, parity, bswap, rotates, bit reversal,
 * power-of-two tests, sign extension of bitfields, gray code. */
#include <stdio.h>
#include <stdint.h>
#include <inttypes.h>

static uint64_t rotl64(uint64_t x, unsigned r) { r &= 63; return r ? (x << r) | (x >> (64 - r)) : x; }
static uint32_t rotr32(uint32_t x, unsigned r) { r &= 31; return r ? (x >> r) | (x << (32 - r)) : x; }
static uint64_t rev64(uint64_t x)
{
    x = ((x >> 1) & 0x5555555555555555ULL) | ((x & 0x5555555555555555ULL) << 1);
    x = ((x >> 2) & 0x3333333333333333ULL) | ((x & 0x3333333333333333ULL) << 2);
    x = ((x >> 4) & 0x0f0f0f0f0f0f0f0fULL) | ((x & 0x0f0f0f0f0f0f0f0fULL) << 4);
    return __builtin_bswap64(x);
}
static int popcount_slow(uint64_t x) { int c = 0; while (x) { x &= x - 1; c++; } return c; }

struct bf { int a : 3; unsigned b : 5; int c : 12; unsigned long long d : 44; };

int main(void)
{
    volatile uint64_t seed = 0x9e3779b97f4a7c15ULL;
    uint64_t x = seed;
    for (int i = 0; i < 24; i++) {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17; /* xorshift64 */
        uint64_t v = (i % 3 == 0) ? (x >> (i * 2)) : x;
        uint32_t w = (uint32_t)v;
        printf("%016" PRIx64 " pop=%2d/%2d clz=%2d ctz=%2d par=%d bswap=%016" PRIx64
               " rotl13=%016" PRIx64 " rev=%016" PRIx64 "\n",
               v, __builtin_popcountll(v), popcount_slow(v),
               v ? __builtin_clzll(v) : 64, v ? __builtin_ctzll(v) : 64,
               __builtin_parityll(v), __builtin_bswap64(v), rotl64(v, 13), rev64(v));
        printf("  w=%08x pop=%d clz=%d ctz=%d bswap=%08x rotr7=%08x\n", w, __builtin_popcount(w),
               w ? __builtin_clz(w) : 32, w ? __builtin_ctz(w) : 32, __builtin_bswap32(w), rotr32(w, 7));
    }
    for (uint64_t v = 1; v < 70; v = v * 3 + 1) {
        printf("%" PRIu64 ": pow2=%d next_pow2=%" PRIu64 " lowest_bit=%" PRIu64 " gray=%" PRIu64 "\n",
               v, (v & (v - 1)) == 0, v <= 1 ? 1 : (uint64_t)1 << (64 - __builtin_clzll(v - 1)),
               v & -v, v ^ (v >> 1));
    }
    volatile struct bf s = { -3, 29, -1000, 0xabcdef12345ULL };
    printf("bitfields: a=%d b=%u c=%d d=%llx\n", s.a, s.b, s.c, (unsigned long long)s.d);
    s.a = s.a + 7; s.b = s.b + 5; s.c = s.c * 3; s.d = s.d << 4;
    printf("bitfields: a=%d b=%u c=%d d=%llx\n", s.a, s.b, s.c, (unsigned long long)s.d);
    /* Sign extension of an arbitrary-width field. */
    for (int bits = 1; bits <= 64; bits += 9) {
        uint64_t raw = 0xfedcba9876543210ULL;
        int64_t se = (int64_t)(raw << (64 - bits)) >> (64 - bits);
        printf("sext%-2d = %016" PRIx64 "\n", bits, (uint64_t)se);
    }
    /* byte-level access through unions (little endian). */
    union { uint64_t u; uint8_t b[8]; uint16_t h[4]; uint32_t w[2]; } un = { .u = 0x0102030405060708ULL };
    printf("bytes: %02x %02x %02x %02x h0=%04x w1=%08x\n", un.b[0], un.b[1], un.b[7], un.b[6], un.h[0], un.w[1]);
    return 0;
}
