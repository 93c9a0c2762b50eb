/* libm: libm functions (exp, log, pow, trig, hyperbolic, cbrt, hypot, fmod,
 * remainder, modf, floor/ceil, erf, lgamma...) printed with 12 significant digits,
 * so that last-ulp differences between libm implementations don't show. */
#include <stdio.h>
#include <math.h>

int main(void)
{
    const double xs[] = { 0.0, 0.5, 1.0, 2.0, -0.75, 3.14159, 10.0, 100.5, 1e-5, 0.999 };
    for (unsigned i = 0; i < sizeof xs / sizeof xs[0]; i++) {
        double x = xs[i];
        printf("x=%g exp=%.12g expm1=%.12g sin=%.12g cos=%.12g tan=%.12g atan=%.12g sinh=%.12g tanh=%.12g"
               " cbrt=%.12g erf=%.12g\n", x, exp(x), expm1(x), sin(x), cos(x), tan(x), atan(x), sinh(x), tanh(x),
               cbrt(x), erf(x));
        if (x > 0)
            printf("  log=%.12g log2=%.12g log10=%.12g log1p=%.12g sqrt=%.12g lgamma=%.12g tgamma=%.12g pow(x,1.5)=%.12g\n",
                   log(x), log2(x), log10(x), log1p(x), sqrt(x), lgamma(x), tgamma(x), pow(x, 1.5));
        if (fabs(x) <= 1) printf("  asin=%.12g acos=%.12g atanh=%.12g\n", asin(x), acos(x), fabs(x) < 1 ? atanh(x) : 0.0);
    }
    printf("atan2: %.12g %.12g %.12g %.12g %.12g\n", atan2(1, 1), atan2(-1, -1), atan2(0.0, -1), atan2(-0.0, -1),
           atan2(1, 0));
    printf("hypot: %.12g %.12g pow: %.12g %.12g %.12g %g %g\n", hypot(3, 4), hypot(1e200, 1e200), pow(2, 0.5),
           pow(8, 1.0 / 3), pow(10, -3), pow(0.0, -1.0), pow(-2, 3));
    printf("fmod: %g %g %g remainder: %g %g %g remquo:", fmod(10, 3), fmod(-10, 3), fmod(5.5, 1.25),
           remainder(10, 3), remainder(11, 2), remainder(-7.5, 2));
    int q; double r = remquo(29, 6, &q);
    printf(" %g/%d\n", r, q);
    double ip; double fp = modf(-3.75, &ip);
    printf("modf: %g %g floor/ceil/trunc/round(-2.5): %g %g %g %g\n", ip, fp, floor(-2.5), ceil(-2.5), trunc(-2.5),
           round(-2.5));
    printf("float: expf=%.6g logf=%.6g sinf=%.6g powf=%.6g sqrtf=%.6g\n", (double)expf(1.5f), (double)logf(7.0f),
           (double)sinf(0.5f), (double)powf(3.0f, 0.25f), (double)sqrtf(2.0f));
    printf("special: log(0)=%g exp(1000)=%g exp(-1000)=%g sqrt(inf)=%g atan(inf)=%.12g\n", log(0.0), exp(1000.0),
           exp(-1000.0), sqrt(INFINITY), atan(INFINITY));
    /* a small numeric integration of sin over [0, pi] */
    double s = 0; int n = 100000;
    for (int i = 0; i < n; i++) s += sin((i + 0.5) * M_PI / n);
    printf("integral sin = %.10f\n", s * M_PI / n);
    return 0;
}
