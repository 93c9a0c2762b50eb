/* fround: every rounding mode set with fesetround (FE_TONEAREST, FE_TOWARDZERO,
 * FE_DOWNWARD, FE_UPWARD): arithmetic, sqrt, fma, conversions, rint/nearbyint/lrint
 * and printf (glibc's printf honours the current rounding mode). */
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <math.h>
#include <fenv.h>
#include <inttypes.h>

#pragma STDC FENV_ACCESS ON

static uint64_t dbits(double d) { uint64_t u; memcpy(&u, &d, 8); return u; }
static uint32_t fbits(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }

static const struct { int mode; const char *name; } modes[] = {
    { FE_TONEAREST, "TONEAREST" }, { FE_TOWARDZERO, "TOWARDZERO" },
    { FE_DOWNWARD, "DOWNWARD" }, { FE_UPWARD, "UPWARD" },
};

static const char *mode_name(int m)
{
    for (int i = 0; i < 4; i++) if (modes[i].mode == m) return modes[i].name;
    return "?";
}

int main(void)
{
    volatile double one = 1.0, three = 3.0, two = 2.0, tenth = 0.1, big = 0x1.fffffffffffffp1023;
    volatile float onef = 1.0f, threef = 3.0f, twof = 2.0f;
    volatile double ties[] = { 0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.4999999999999999, 1e15 + 0.5, -7.5 };
    volatile int64_t i64 = 0x7fffffffffffffffLL, i64b = 0x20000000000001LL, i64n = -0x20000000000003LL;
    for (int k = 0; k < 4; k++) {
        if (fesetround(modes[k].mode) != 0) { printf("fesetround failed\n"); return 1; }
        printf("== %s (fegetround -> %s)\n", modes[k].name, mode_name(fegetround()));
        double q = one / three, nq = -one / three;
        printf(" 1/3=%a -1/3=%a 2/3=%a\n", q, nq, two / three);
        printf(" 1/3f=%a -1/3f=%a\n", (double)(onef / threef), (double)(-onef / threef));
        printf(" sqrt2=%016" PRIx64 " sqrt2f=%08" PRIx32 " sqrt3=%016" PRIx64 "\n",
               dbits(sqrt(two)), fbits(sqrtf(twof)), dbits(sqrt(three)));
        printf(" 0.1+0.2=%a 0.1*3=%a 1-2^-60=%a -1-2^-60=%a\n", tenth + 0.2, tenth * three,
               one - 0x1p-60, -one - 0x1p-60);
        printf(" max*2=%a -max*2=%a max+max=%a\n", big * two, -big * two, big + big);
        printf(" fma(1/3,3,-1)=%a\n", fma(q, three, -one));
        printf(" (double)INT64_MAX=%a (double)2^53+1=%a (double)-(2^53+3)=%a (float)2^53+1=%a\n",
               (double)i64, (double)i64b, (double)i64n, (double)(float)i64b);
        printf(" (float)(1/3)=%a (float)0.1=%a\n", (double)(float)q, (double)(float)tenth);
        for (unsigned t = 0; t < sizeof ties / sizeof ties[0]; t++) {
            double v = ties[t];
            printf(" %.17g: rint=%g nearbyint=%g lrint=%ld llrint=%lld rintf=%g round=%g\n", v, rint(v), nearbyint(v),
                   lrint(v), llrint(v), (double)rintf((float)v), round(v));
        }
        printf(" printf: %.0f %.0f %.0f %.0f %.1f %.2f %.3e %.5g\n", 0.5, 1.5, 2.5, -2.5, 0.25, 1.005, 1.0005e10,
               2.0 / 3.0);
        printf(" printf: %.17g %.20f %.3a\n", q, q, q);
        /* a sum accumulated in this mode */
        double s = 0;
        for (int i = 1; i <= 1000; i++) s += one / i;
        printf(" harmonic1000=%a\n", s);
    }
    fesetround(FE_TONEAREST);
    printf("restored %s\n", mode_name(fegetround()));
    return 0;
}
