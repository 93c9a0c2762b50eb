/* fpconv: in-range conversions between integers and floating point in both widths
 * (int32/int64/uint32/uint64 <-> float/double), float<->double narrowing/widening,
 * rounding of large integers, and libm rounding helpers (lrint, llround, trunc...). */
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <math.h>
#include <inttypes.h>

static uint64_t dbits(double d) { uint64_t u; memcpy(&u, &d, 8); return u; }
static uint32_t fbits(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }

static volatile int64_t ints[] = { 0, 1, -1, 7, -7, 1000000, -123456789, 16777216, 16777217, 16777219,
                                   (1LL << 53) + 1, (1LL << 53) + 3, -(1LL << 62) - 1, INT64_MAX, INT64_MIN,
                                   INT32_MAX, INT32_MIN };
static volatile uint64_t uints[] = { 0, 1, UINT32_MAX, (1ULL << 63), (1ULL << 63) + 1025, UINT64_MAX,
                                     0xfffffffffffff800ULL, 0x8000000000000400ULL, 0x8000000000000401ULL };
static volatile double dvals[] = { 0.0, -0.0, 0.4, 0.5, 0.6, 1.5, 2.5, -0.5, -1.5, -2.5, 3.99, -3.99,
                                   2147483647.0, -2147483648.0, 2147483646.7, 4294967295.0,
                                   9007199254740993.0, 9.2233720368547748e18, -9.2233720368547758e18,
                                   1.8446744073709550e19 };

int main(void)
{
    for (unsigned i = 0; i < sizeof ints / sizeof ints[0]; i++) {
        int64_t v = ints[i];
        int32_t w = (int32_t)v;
        printf("i64 %" PRId64 ": ->d %016" PRIx64 " ->f %08" PRIx32 " | i32 %d ->d %a ->f %a\n",
               v, dbits((double)v), fbits((float)v), w, (double)w, (double)(float)w);
    }
    for (unsigned i = 0; i < sizeof uints / sizeof uints[0]; i++) {
        uint64_t v = uints[i];
        uint32_t w = (uint32_t)v;
        printf("u64 %" PRIu64 ": ->d %a ->f %a | u32 %u ->d %a ->f %a\n",
               v, (double)v, (double)(float)v, w, (double)w, (double)(float)w);
    }
    for (unsigned i = 0; i < sizeof dvals / sizeof dvals[0]; i++) {
        double d = dvals[i];
        printf("d %.17g:", d);
        if (d > -2147483649.0 && d < 2147483648.0) printf(" i32=%d", (int32_t)d);
        if (d > -1.0 && d < 4294967296.0) printf(" u32=%u", (uint32_t)d);
        if (d >= -9.2233720368547758e18 && d < 9.2233720368547758e18) printf(" i64=%" PRId64, (int64_t)d);
        if (d > -1.0 && d < 1.8446744073709552e19) printf(" u64=%" PRIu64, (uint64_t)d);
        printf(" f=%08" PRIx32, fbits((float)d));
        printf(" rint=%g round=%g trunc=%g floor=%g ceil=%g", rint(d), round(d), trunc(d), floor(d), ceil(d));
        if (fabs(d) < 9e18) printf(" lrint=%ld llround=%lld", lrint(d), llround(d));
        printf("\n");
    }
    /* float -> integer */
    volatile float fl[] = { 0.75f, -0.75f, 100.5f, -100.5f, 16777216.0f, 2147483520.0f, -2147483648.0f,
                            4294967040.0f, 9.2233715e18f, 1.8446743e19f };
    for (unsigned i = 0; i < sizeof fl / sizeof fl[0]; i++) {
        float f = fl[i];
        printf("f %.9g:", (double)f);
        if (f > -2147483904.0f && f < 2147483648.0f) printf(" i32=%d", (int32_t)f);
        if (f > -1.0f && f < 4294967296.0f) printf(" u32=%u", (uint32_t)f);
        if (f > -9.2233725e18f && f < 9.2233720e18f) printf(" i64=%" PRId64, (int64_t)f);
        if (f > -1.0f && f < 1.8446744e19f) printf(" u64=%" PRIu64, (uint64_t)f);
        printf(" lrintf=%ld d=%a\n", fabsf(f) < 9e18f ? lrintf(f) : 0L, (double)f);
    }
    /* double -> float narrowing: rounding, overflow to inf, underflow to subnormal/zero. */
    volatile double nd[] = { 1.0 + 0x1p-24, 1.0 + 0x1p-23 + 0x1p-24, 1.0 + 0x1p-24 + 0x1p-50, 3.4028235677973366e38,
                             3.4028235677973367e38, 1e39, -1e39, 1e-39, 1e-45, 7e-46, 1e-46, 0.1, 1.0 / 3.0 };
    for (unsigned i = 0; i < sizeof nd / sizeof nd[0]; i++) {
        float f = (float)nd[i];
        printf("narrow %a -> %08" PRIx32 " (%a) back=%016" PRIx64 "\n", nd[i], fbits(f), (double)f, dbits((double)f));
    }
    /* integer <-> float round trip over a range */
    uint64_t h = 0;
    for (int64_t v = -100000; v <= 100000; v += 7) {
        float f = (float)(v * 4099);
        double d = (double)(v * 1000003);
        h = h * 1000003 + (uint64_t)(int64_t)f + (uint64_t)(int64_t)d;
    }
    printf("roundtrip hash %016" PRIx64 "\n", h);
    return 0;
}
