/* fflags: floating-point exception flags through <fenv.h>: fetestexcept after each
 * kind of operation (inexact, overflow, underflow, divide-by-zero, invalid) in
 * double and float, feclearexcept, feraiseexcept, fegetexceptflag/fesetexceptflag,
 * quiet vs signalling comparisons with NaN. */
#include <stdio.h>
#include <math.h>
#include <fenv.h>

#pragma STDC FENV_ACCESS ON

static void show(const char *what)
{
    int f = fetestexcept(FE_ALL_EXCEPT);
    printf("%-28s %s%s%s%s%s%s\n", what, f & FE_INVALID ? " NV" : "", f & FE_DIVBYZERO ? " DZ" : "",
           f & FE_OVERFLOW ? " OF" : "", f & FE_UNDERFLOW ? " UF" : "", f & FE_INEXACT ? " NX" : "",
           f ? "" : " none");
    feclearexcept(FE_ALL_EXCEPT);
}

static volatile double d0 = 0.0, d1 = 1.0, d3 = 3.0, dbig = 1e308, dtiny = 1e-308, dm1 = -1.0, dinf = INFINITY,
                       dnan = NAN, dhalf = 0.5;
static volatile float f0 = 0.0f, f1 = 1.0f, f3 = 3.0f, fbig = 3e38f, ftiny = 1e-38f, finf = INFINITY, fnan = NAN;
static volatile double sink;
static volatile float sinkf;
static volatile int isink;

int main(void)
{
    feclearexcept(FE_ALL_EXCEPT);
    show("start");
    sink = d1 + d3;            show("1+3 (exact)");
    sink = d1 / d3;            show("1/3");
    sink = dbig * 10.0;        show("1e308*10");
    sink = dtiny / 1e10;       show("1e-308/1e10");
    sink = dtiny * 0.25;       show("1e-308*0.25 (inexact?)");
    sink = 0x1p-1022 * 0.5;    show("2^-1022*0.5 (exact)");
    sink = d1 / d0;            show("1/0");
    sink = -d1 / d0;           show("-1/0");
    sink = d0 / d0;            show("0/0");
    sink = dinf - dinf;        show("inf-inf");
    sink = dinf * d0;          show("inf*0");
    sink = sqrt(dm1);          show("sqrt(-1)");
    sink = sqrt(d3);           show("sqrt(3)");
    sink = sqrt(dhalf * 8);    show("sqrt(4)");
    sink = dnan + d1;          show("qnan+1");
    sink = dinf + d1;          show("inf+1");
    sink = fma(dbig, dbig, -dinf); show("fma(big,big,-inf)");
    sink = fma(dinf, d0, d1);  show("fma(inf,0,1)");
    isink = dnan == d1;        show("qnan==1 (quiet)");
    isink = dnan != dnan;      show("qnan!=qnan (quiet)");
    isink = isless(dnan, d1);  show("isless(qnan,1) (quiet)");
    isink = dnan < d1;         show("qnan<1 (signalling)");
    isink = dnan >= d1;        show("qnan>=1 (signalling)");
    sinkf = f1 / f3;           show("f 1/3");
    sinkf = fbig * 10.0f;      show("f 3e38*10");
    sinkf = ftiny / 1e10f;     show("f 1e-38/1e10");
    sinkf = f1 / f0;           show("f 1/0");
    sinkf = f0 / f0;           show("f 0/0");
    sinkf = finf - finf;       show("f inf-inf");
    sinkf = fnan * f1;         show("f qnan*1");
    sinkf = (float)dbig;       show("(float)1e308");
    sinkf = (float)(d1 / d3);  show("(float)(1/3)");
    sinkf = (float)dtiny;      show("(float)1e-308");
    sink = (double)f3;         show("(double)3.0f (exact)");
    sink = (double)(1LL << 60);show("(double)2^60 (exact)");
    {
        volatile long long big = (1LL << 60) + 1;
        sink = (double)big;    show("(double)(2^60+1)");
        sinkf = (float)(int)16777217; show("(float)16777217");
    }
    sink = rint(2.5 + d0);     show("rint(2.5)");
    sink = nearbyint(2.5 + d0);show("nearbyint(2.5)");

    feraiseexcept(FE_OVERFLOW | FE_INEXACT); show("feraiseexcept(OF|NX)");
    feraiseexcept(FE_DIVBYZERO); 
    fexcept_t saved;
    fegetexceptflag(&saved, FE_ALL_EXCEPT);
    feclearexcept(FE_ALL_EXCEPT);
    show("after clear");
    fesetexceptflag(&saved, FE_ALL_EXCEPT);
    show("fesetexceptflag restored");
    sink = d1 / d3;
    feclearexcept(FE_INEXACT);
    show("1/3 then clear NX");
    /* fenv save/restore */
    fenv_t env;
    fegetenv(&env);
    fesetround(FE_UPWARD);
    sink = d1 / d3;
    fesetenv(&env);
    printf("round after fesetenv is nearest: %d\n", fegetround() == FE_TONEAREST);
    show("after fesetenv");
    sink = d1 / d3;
    feholdexcept(&env);
    show("after feholdexcept");
    sink = d1 / d0;
    feupdateenv(&env);
    show("after feupdateenv");
    return 0;
}
