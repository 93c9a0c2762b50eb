/* arith: integer arithmetic, wrap-around, 32-bit (W) ops with sign extension,
 * shifts (logical/arithmetic, 32 and 64 bit, masked shift amounts), comparisons. */
#include <stdio.h>
#include <stdint.h>
#include <inttypes.h>

/* Keep the compiler from folding everything at compile time. */
static volatile int64_t  vs[] = { 0, 1, -1, 2, -2, 7, -7, 123456789, -987654321,
                                  INT64_MAX, INT64_MIN, INT32_MAX, INT32_MIN,
                                  0x00000000ffffffffLL, 0x7fffffff80000000LL,
                                  0x5555555555555555LL, (int64_t)0xaaaaaaaaaaaaaaaaULL };
#define N (sizeof(vs) / sizeof(vs[0]))

static uint64_t h = 1469598103934665603ULL;
static void mix(uint64_t x) { h ^= x; h *= 1099511628211ULL; }

int main(void)
{
    /* 64-bit wrapping add/sub/mul (done unsigned to avoid UB). */
    for (unsigned i = 0; i < N; i++) {
        for (unsigned j = 0; j < N; j++) {
            uint64_t a = (uint64_t)vs[i], b = (uint64_t)vs[j];
            uint64_t s = a + b, d = a - b, m = a * b;
            mix(s); mix(d); mix(m);
            if (i < 6 && j < 6)
                printf("a=%" PRId64 " b=%" PRId64 " add=%" PRId64 " sub=%" PRId64 " mul=%" PRId64 "\n",
                       (int64_t)a, (int64_t)b, (int64_t)s, (int64_t)d, (int64_t)m);
        }
    }
    printf("64-bit mix: %016" PRIx64 "\n", h);

    /* 32-bit ops (addw/subw/mulw/sllw/srlw/sraw): results sign-extended into 64 bits. */
    h = 1469598103934665603ULL;
    for (unsigned i = 0; i < N; i++) {
        for (unsigned j = 0; j < N; j++) {
            uint32_t a = (uint32_t)vs[i], b = (uint32_t)vs[j];
            int32_t s = (int32_t)(a + b), d = (int32_t)(a - b), m = (int32_t)(a * b);
            int64_t se = s, de = d, me = m;
            mix((uint64_t)se); mix((uint64_t)de); mix((uint64_t)me);
        }
    }
    printf("32-bit mix: %016" PRIx64 "\n", h);
    {
        volatile int32_t x = INT32_MAX;
        int32_t y = (int32_t)((uint32_t)x + 1u);
        int64_t wide = y;
        printf("INT32_MAX+1 (wrapped) = %d, sign-extended = %" PRId64 " hex=%016" PRIx64 "\n",
               y, wide, (uint64_t)wide);
        volatile uint32_t u = 0x80000000u;
        uint64_t zext = u;
        printf("zext 0x80000000 = %016" PRIx64 "\n", zext);
    }

    /* Shifts. */
    volatile int64_t sv = -0x123456789abcdefLL;
    volatile uint64_t uv = 0xfedcba9876543210ULL;
    volatile int32_t sv32 = -0x1234567;
    volatile uint32_t uv32 = 0xfedcba98u;
    for (int s = 0; s < 64; s += 7) {
        printf("sh %2d: sll=%016" PRIx64 " srl=%016" PRIx64 " sra=%016" PRIx64, s,
               uv << s, uv >> s, (uint64_t)(sv >> s));
        int s32 = s & 31;
        printf(" sllw=%08x srlw=%08x sraw=%08x\n", uv32 << s32, uv32 >> s32, (uint32_t)(sv32 >> s32));
    }
    /* Variable shift amounts taken modulo width, as the hardware does, written portably. */
    for (volatile int s = 60; s < 70; s++)
        printf("masked shift %d -> %016" PRIx64 "\n", s, uv >> (s & 63));

    /* Comparisons, signed vs unsigned. */
    for (unsigned i = 0; i + 1 < N; i++) {
        int64_t a = vs[i], b = vs[i + 1];
        printf("cmp %d: slt=%d sltu=%d eq=%d\n", i, a < b, (uint64_t)a < (uint64_t)b, a == b);
    }

    /* Small loops: sums, factorials with wrapping, Fibonacci. */
    uint64_t fact = 1, sum = 0;
    for (uint64_t i = 1; i <= 30; i++) { fact *= i; sum += fact; }
    printf("30! mod 2^64 = %" PRIu64 " sum=%" PRIu64 "\n", fact, sum);
    uint64_t fa = 0, fb = 1;
    for (int i = 0; i < 93; i++) { uint64_t t = fa + fb; fa = fb; fb = t; }
    printf("fib(93) = %" PRIu64 "\n", fa);

    /* Absolute values, negation, min/max. */
    for (unsigned i = 0; i < N; i++) {
        int64_t a = vs[i];
        uint64_t neg = 0 - (uint64_t)a;
        uint64_t ab = a < 0 ? neg : (uint64_t)a;
        printf("v=%" PRId64 " neg=%" PRIx64 " abs=%" PRIu64 "\n", a, neg, ab);
    }
    return 0;
}
