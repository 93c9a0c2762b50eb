/* printf_float: glibc's printf floating point formatting: %a %A %e %E %f %F %g %G,
 * precision 0..high (%.60f, %.40e, %.17g), flags (+ - space # 0), widths, *
 * precision, infinities, signed zero, huge and tiny values, exact binary fractions,
 * round-half-even in decimal conversion; plus strtod round trips. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <float.h>

static const double vals[] = { 0.0, -0.0, 1.0, -1.0, 0.5, 0.1, 0.2, 0.3, 1.0 / 3.0, 2.0 / 3.0, M_PI, -M_E,
                               123.456, 1e10, 1.5e-10, 6.02214076e23, 1.602176634e-19, 9007199254740993.0,
                               DBL_MAX, DBL_MIN, DBL_TRUE_MIN, 1e300, 1e-300, 0.125, 2.5, 3.5, 1e21, 1e22, 1e23,
                               5e-324, 4.35, 0.015, 1234567.0, 99999.5, 0.99999999, 1.7976931348623157e308 / 3 };

int main(void)
{
    const char *fmts[] = { "%a", "%A", "%.3a", "%e", "%.0e", "%.10e", "%E", "%f", "%.0f", "%.2f", "%.15f", "%F",
                           "%g", "%.0g", "%.3g", "%.17g", "%#g", "%#.0f", "%G", "%+.3e", "% .4f", "%-14.5g|",
                           "%014.3f", "%+#.3a", "%.25g" };
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        printf("[%zu]", i);
        for (size_t k = 0; k < sizeof fmts / sizeof fmts[0]; k++) {
            char buf[512];
            snprintf(buf, sizeof buf, fmts[k], vals[i]);
            printf(" %s", buf);
        }
        printf("\n");
    }
    /* very high precision: exact decimal expansion of binary doubles */
    printf("%.60f\n", 0.1);
    printf("%.70f\n", 1.0 / 3.0);
    printf("%.40e\n", DBL_MIN);
    printf("%.0f\n", DBL_MAX);
    printf("%.1100f\n", DBL_TRUE_MIN);
    printf("%.767e\n", DBL_TRUE_MIN);
    printf("%.30f %.30f\n", 1e-5, 123456789.123456789);
    /* float arguments promoted to double */
    float fl[] = { 0.1f, 1.0f / 3.0f, 16777216.0f, 3.4028235e38f, 1.17549435e-38f, 1e-45f };
    for (size_t i = 0; i < sizeof fl / sizeof fl[0]; i++)
        printf("float %a %.9g %e %.20f\n", (double)fl[i], (double)fl[i], (double)fl[i], (double)fl[i]);
    /* specials */
    printf("inf: %f %e %g %a %F %E %G %A %+f %10f|%-10f|\n", INFINITY, INFINITY, -INFINITY, INFINITY, INFINITY,
           -INFINITY, INFINITY, -INFINITY, INFINITY, INFINITY, -INFINITY);
    printf("nan: %f %e %g %a %F %5.2f|\n", NAN, NAN, NAN, NAN, NAN, NAN);
    /* star width/precision */
    for (int p = 0; p < 20; p += 3) printf("[%*.*f] [%-*.*e]\n", p + 5, p, M_PI, p + 10, p, -M_PI);
    /* decimal rounding of exact halves */
    printf("halves: %.0f %.0f %.0f %.0f %.1f %.1f %.1f %.2f %.2f\n", 0.5, 1.5, 2.5, 3.5, 0.25, 0.35, 0.45, 1.125,
           1.375);
    /* strtod round trips */
    const char *strs[] = { "0.1", "1e-320", "2.2250738585072011e-308", "2.2250738585072014e-308", "1.7976931348623157e308",
                           "1.7976931348623159e308", "4.9e-324", "2.4703282292062327e-324", "2.4703282292062328e-324",
                           "0x1.fffffffffffffp1023", "-0x1p-1074", "123456789012345678901234567890", "inf", "-Infinity",
                           "nan", "  +3.14abc", "1e", ".5", "5.", "0x.8p1", "9007199254740993",
                           "9007199254740993.00000000000000000001", "1e400", "-1e-400" };
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++) {
        char *end;
        double d = strtod(strs[i], &end);
        char back[64];
        snprintf(back, sizeof back, "%.17g", d);
        double d2 = strtod(back, NULL);
        printf("strtod(\"%s\") = %a rest=\"%s\" back=%s rt=%s\n", strs[i], d, end, back,
               (d == d2 || (d != d && d2 != d2)) ? "ok" : "BAD");
    }
    printf("strtof: %a %a %a\n", (double)strtof("0.1", NULL), (double)strtof("1e-46", NULL),
           (double)strtof("3.4028236e38", NULL));
    /* a shortest round-trip search per value */
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        char buf[64];
        int prec;
        for (prec = 1; prec <= 17; prec++) {
            snprintf(buf, sizeof buf, "%.*g", prec, vals[i]);
            if (strtod(buf, NULL) == vals[i]) break;
        }
        printf("shortest[%zu] = %s (%d digits)\n", i, buf, prec);
    }
    return 0;
}
