/* fparith: float and double arithmetic (add/sub/mul/div/sqrt/fma/neg/abs, comparisons)
 * over a grid of values incl. zeros, infinities, huge and tiny numbers; results
 * printed as hex bit patterns and with %a. NaN-producing cases are in fpnan. */
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <math.h>
#include <inttypes.h>

static uint64_t dbits(double d) { uint64_t u; memcpy(&u, &d, 8); return u; }
static uint32_t fbits(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }

static volatile double dv[] = { 0.0, -0.0, 1.0, -1.5, 3.0, 0.1, 1e300, -1e-300, 2.5e-310,
                                123456.789, 1.0 / 3.0, INFINITY, -INFINITY };
static volatile float fv[] = { 0.0f, -0.0f, 1.0f, -1.5f, 3.0f, 0.1f, 3e38f, -1e-38f, 1e-40f,
                               123456.789f, 1.0f / 3.0f, INFINITY, -INFINITY };
#define N 13

static int isnanbits_d(double d) { return d != d; }

int main(void)
{
    uint64_t hd = 0;
    for (int i = 0; i < N; i++) {
        for (int j = 0; j < N; j++) {
            double a = dv[i], b = dv[j];
            double s = a + b, d = a - b, m = a * b, q = a / b;
            /* Skip NaN results (their sign/payload is target dependent). */
            uint64_t r[4] = { dbits(s), dbits(d), dbits(m), dbits(q) };
            double rv[4] = { s, d, m, q };
            printf("d %a %a:", a, b);
            for (int k = 0; k < 4; k++) {
                if (isnanbits_d(rv[k])) printf(" nan");
                else { printf(" %016" PRIx64, r[k]); hd = hd * 31 + r[k]; }
            }
            printf(" lt=%d le=%d eq=%d\n", a < b, a <= b, a == b);
        }
    }
    printf("double hash %016" PRIx64 "\n", hd);
    uint32_t hf = 0;
    for (int i = 0; i < N; i++) {
        for (int j = 0; j < N; j++) {
            float a = fv[i], b = fv[j];
            float s = a + b, d = a - b, m = a * b, q = a / b;
            float rv[4] = { s, d, m, q };
            printf("f %a %a:", (double)a, (double)b);
            for (int k = 0; k < 4; k++) {
                if (rv[k] != rv[k]) printf(" nan");
                else { printf(" %08" PRIx32, fbits(rv[k])); hf = hf * 31 + fbits(rv[k]); }
            }
            printf(" lt=%d le=%d eq=%d\n", a < b, a <= b, a == b);
        }
    }
    printf("float hash %08" PRIx32 "\n", hf);

    /* sqrt, fma, fabs, negation, copysign. */
    for (int i = 0; i < N; i++) {
        double a = dv[i];
        float f = fv[i];
        printf("sqrt/abs/neg %a:", a);
        if (a >= 0 || a != a) printf(" sqrt=%016" PRIx64, dbits(sqrt(a))); else printf(" sqrt=skip");
        printf(" abs=%016" PRIx64 " neg=%016" PRIx64 " cs=%016" PRIx64, dbits(fabs(a)), dbits(-a), dbits(copysign(2.0, a)));
        if (f >= 0) printf(" sqrtf=%08" PRIx32, fbits(sqrtf(f))); else printf(" sqrtf=skip");
        printf(" absf=%08" PRIx32 " negf=%08" PRIx32 "\n", fbits(fabsf(f)), fbits(-f));
    }
    volatile double x = 0.1, y = 10.0, z = -1.0;
    printf("fma(0.1,10,-1)=%a  0.1*10-1=%a\n", fma(x, y, z), x * y + z);
    volatile float xf = 0.1f, yf = 10.0f, zf = -1.0f;
    printf("fmaf(0.1,10,-1)=%a  0.1f*10-1=%a\n", (double)fmaf(xf, yf, zf), (double)(xf * yf + zf));
    volatile double big = 0x1.fffffffffffffp1023, one = 1.0;
    printf("fma(max,1,-max)=%a fma(max,2,-max)=%a\n", fma(big, one, -big), fma(big, 2.0, -big));
    printf("fma(-0,1,0)=%a fma(1e-300,1e-300,0)=%a\n", fma(-0.0, one, 0.0), fma(1e-300, 1e-300, 0.0));
    /* negated fused forms: -(a*b)+c, -(a*b)-c */
    printf("fnmsub=%a fnmadd=%a fmsub=%a\n", fma(-x, y, z), -fma(x, y, z), fma(x, y, -z));

    /* Accumulation: harmonic series in both precisions. */
    double sd = 0; float sf = 0;
    for (int i = 1; i <= 100000; i++) { sd += 1.0 / i; sf += 1.0f / (float)i; }
    printf("harmonic double=%.17g (%a) float=%.9g (%a)\n", sd, sd, (double)sf, (double)sf);
    /* Newton iteration for sqrt(2), Kahan summation. */
    double r = 1;
    for (int i = 0; i < 6; i++) r = 0.5 * (r + 2 / r);
    double ksum = 0, c = 0;
    for (int i = 0; i < 1000; i++) { double yv = 0.1 - c; double t = ksum + yv; c = (t - ksum) - yv; ksum = t; }
    printf("newton sqrt2=%a kahan=%.17g\n", r, ksum);
    /* float <-> double mixing */
    volatile float ff = 16777217.0f;
    volatile double dd = 16777217.0;
    printf("float(16777217)=%.1f (float)double=%.1f double(0.1f)=%.20g\n", (double)ff, (double)(float)dd, (double)0.1f);
    return 0;
}
