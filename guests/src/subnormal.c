/* subnormal: gradual underflow in double and float: smallest subnormals, arithmetic
 * between subnormals and normals, nextafter across the normal/subnormal boundary,
 * ldexp/frexp/ilogb/logb of subnormals, scaling back up, printing with %a and %g. */
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <float.h>
#include <math.h>
#include <inttypes.h>

static uint64_t db(double d) { uint64_t u; memcpy(&u, &d, 8); return u; }
static uint32_t fb(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }

int main(void)
{
    volatile double tmin = DBL_TRUE_MIN, nmin = DBL_MIN, half = 0.5, two = 2.0, three = 3.0;
    volatile float ftmin = FLT_TRUE_MIN, fnmin = FLT_MIN;
    printf("DBL_TRUE_MIN %a %.17g %016" PRIx64 "\n", tmin, tmin, db(tmin));
    printf("DBL_MIN %a %.17g\n", nmin, nmin);
    printf("FLT_TRUE_MIN %a %.9g %08" PRIx32 "\n", (double)ftmin, (double)ftmin, fb(ftmin));
    printf("FLT_MIN %a\n", (double)fnmin);
    printf("tmin*0.5=%a tmin*1.5=%a tmin*2.5=%a tmin*3=%a tmin/3=%a\n", tmin * half, tmin * 1.5, tmin * 2.5,
           tmin * three, tmin / three);
    printf("nmin/2=%a nmin/3=%a nmin-tmin=%a (nmin/2)*2=%a\n", nmin / two, nmin / three, nmin - tmin, (nmin / two) * two);
    printf("subnormal sum %a\n", (nmin / 3) + (nmin / 3) + (nmin / 3));
    printf("ftmin*0.5=%a ftmin*1.5=%a fnmin/3=%a\n", (double)(ftmin * 0.5f), (double)(ftmin * 1.5f), (double)(fnmin / 3.0f));
    double x = nmin;
    for (int i = 0; i < 5; i++) { x = nextafter(x, 0.0); printf("nextafter down %a %016" PRIx64 "\n", x, db(x)); }
    x = 0.0;
    for (int i = 0; i < 3; i++) { x = nextafter(x, 1.0); printf("nextafter up from 0 %a\n", x); }
    printf("nextafter(-0, -1)=%a nextafterf(0,1)=%a\n", nextafter(-0.0, -1.0), (double)nextafterf(0.0f, 1.0f));
    const double sv[] = { 0x1p-1030, 0x1.8p-1060, 0x1p-1074, 0x0.fffffffffffffp-1022, 3e-320 };
    for (int i = 0; i < 5; i++) {
        int e;
        double m = frexp(sv[i], &e);
        printf("%a: frexp=(%a,%d) ilogb=%d logb=%g ldexp(+60)=%a fpclassify=%s isnormal=%d\n", sv[i], m, e,
               ilogb(sv[i]), logb(sv[i]), ldexp(sv[i], 60),
               fpclassify(sv[i]) == FP_SUBNORMAL ? "subnormal" : "other", isnormal(sv[i]));
    }
    printf("ldexp(1,-1074)=%a ldexp(1,-1075)=%a ldexp(1.5,-1074)=%a ldexp(3,-1076)=%a\n", ldexp(1, -1074),
           ldexp(1, -1075), ldexp(1.5, -1074), ldexp(3, -1076));
    printf("ldexpf(1,-149)=%a ldexpf(1,-150)=%a ldexpf(3,-151)=%a\n", (double)ldexpf(1, -149), (double)ldexpf(1, -150),
           (double)ldexpf(3, -151));
    /* products of subnormal by normal that normalise */
    printf("tmin*2^1074=%a  (nmin/1024)*1024=%a sqrt(tmin)=%a sqrtf(ftmin)=%a\n", tmin * 0x1p1000 * 0x1p74,
           (nmin / 1024) * 1024, sqrt(tmin), (double)sqrtf(ftmin));
    /* fma with subnormal result */
    printf("fma(nmin,0.5,tmin)=%a fma(0x1p-537,0x1p-537,0)=%a\n", fma(nmin, 0.5, tmin), fma(0x1p-537, 0x1p-537, 0.0));
    /* a decaying sequence all the way to zero */
    double d = 1.0; int steps = 0;
    while (d > 0) { d *= 0.3; steps++; }
    float f = 1.0f; int fsteps = 0;
    while (f > 0) { f *= 0.3f; fsteps++; }
    printf("decay steps double=%d float=%d\n", steps, fsteps);
    double acc = 0;
    for (int i = 1; i <= 1000; i++) acc += ldexp((double)i, -1074 + (i % 40));
    printf("subnormal accumulation %a %.17g\n", acc, acc);
    printf("%%g of subnormals: %g %g %.3e %.20g\n", tmin, nmin / 7, 2.5e-310, 1e-320);
    printf("(float) of double subnormal %a (double) of float subnormal %a\n", (double)(float)2.5e-310,
           (double)(ftmin * 3));
    return 0;
}
