/* fcvt_sat: RISC-V float->integer conversions with inline asm fcvt.{w,wu,l,lu}.{s,d}
 * (rtz) on out-of-range values, infinities, NaNs, negative values to unsigned, and
 * values just inside/outside each range: checks saturation and the NV/NX flags
 * (read with frflags, cleared with fsflags). Also int->fp conversions with asm. */
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <inttypes.h>

static unsigned frflags(void) { unsigned f; __asm__ volatile("frflags %0" : "=r"(f)); return f; }
static void clrflags(void) { __asm__ volatile("fsflags zero"); }
static const char *fl(unsigned f)
{
    static char buf[32];
    snprintf(buf, sizeof buf, "%s%s%s%s%s", f & 16 ? "NV" : "", f & 8 ? "DZ" : "", f & 4 ? "OF" : "",
             f & 2 ? "UF" : "", f & 1 ? "NX" : "");
    if (!f) strcpy(buf, "-");
    return buf;
}

#define CVT(name, insn, RT, AT, freg) \
    static RT name(AT a) { RT r; __asm__ volatile(insn " %0, %1, rtz" : "=r"(r) : "f"(a)); return r; }
CVT(cvt_w_d, "fcvt.w.d", int64_t, double, f)
CVT(cvt_wu_d, "fcvt.wu.d", int64_t, double, f)
CVT(cvt_l_d, "fcvt.l.d", int64_t, double, f)
CVT(cvt_lu_d, "fcvt.lu.d", uint64_t, double, f)
CVT(cvt_w_s, "fcvt.w.s", int64_t, float, f)
CVT(cvt_wu_s, "fcvt.wu.s", int64_t, float, f)
CVT(cvt_l_s, "fcvt.l.s", int64_t, float, f)
CVT(cvt_lu_s, "fcvt.lu.s", uint64_t, float, f)

static double mkd(uint64_t u) { double d; memcpy(&d, &u, 8); return d; }
static float mkf(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }

int main(void)
{
    const double dv[] = { 0.0, -0.0, 0.9, -0.9, 1.0, -1.0, 2147483647.0, 2147483647.9, 2147483648.0, -2147483648.0,
                          -2147483648.9, -2147483649.0, 4294967295.0, 4294967295.5, 4294967296.0,
                          9223372036854774784.0, 9223372036854775808.0, -9223372036854775808.0,
                          -9223372036854777856.0, 18446744073709549568.0, 18446744073709551616.0, 1e300, -1e300,
                          mkd(0x7ff0000000000000ULL), mkd(0xfff0000000000000ULL), mkd(0x7ff8000000000000ULL),
                          mkd(0xfff8000000000000ULL), mkd(0x7ff0000000000001ULL), mkd(0xfff4000000000000ULL),
                          4.9e-324, -4.9e-324 };
    for (unsigned i = 0; i < sizeof dv / sizeof dv[0]; i++) {
        double d = dv[i];
        uint64_t bits; memcpy(&bits, &d, 8);
        printf("d %016" PRIx64 ":", bits);
        clrflags(); int64_t w = cvt_w_d(d);  printf(" w=%" PRIx64 "(%s)", (uint64_t)w, fl(frflags()));
        clrflags(); int64_t wu = cvt_wu_d(d); printf(" wu=%" PRIx64 "(%s)", (uint64_t)wu, fl(frflags()));
        clrflags(); int64_t l = cvt_l_d(d);  printf(" l=%" PRIx64 "(%s)", (uint64_t)l, fl(frflags()));
        clrflags(); uint64_t lu = cvt_lu_d(d); printf(" lu=%" PRIx64 "(%s)\n", lu, fl(frflags()));
    }
    const float fv[] = { 0.0f, -0.0f, 0.5f, -0.5f, -1.0f, 2147483520.0f, 2147483648.0f, -2147483648.0f,
                         -2147483904.0f, 4294967040.0f, 4294967296.0f, 9223371487098961920.0f,
                         9223372036854775808.0f, -9223372036854775808.0f, -9223373136366403584.0f,
                         18446742974197923840.0f, 18446744073709551616.0f, mkf(0x7f800000), mkf(0xff800000),
                         mkf(0x7fc00000), mkf(0xffc00000), mkf(0x7f800001), mkf(0xff812345), 1e-45f };
    for (unsigned i = 0; i < sizeof fv / sizeof fv[0]; i++) {
        float f = fv[i];
        uint32_t bits; memcpy(&bits, &f, 4);
        printf("s %08" PRIx32 ":", bits);
        clrflags(); int64_t w = cvt_w_s(f);  printf(" w=%" PRIx64 "(%s)", (uint64_t)w, fl(frflags()));
        clrflags(); int64_t wu = cvt_wu_s(f); printf(" wu=%" PRIx64 "(%s)", (uint64_t)wu, fl(frflags()));
        clrflags(); int64_t l = cvt_l_s(f);  printf(" l=%" PRIx64 "(%s)", (uint64_t)l, fl(frflags()));
        clrflags(); uint64_t lu = cvt_lu_s(f); printf(" lu=%" PRIx64 "(%s)\n", lu, fl(frflags()));
    }
    /* integer -> float with asm (rne) and their flags */
    const int64_t iv[] = { 0, -1, 16777217, -16777217, (1LL << 53) + 1, INT64_MIN, INT64_MAX, 0xffffffffLL,
                           0x80000000LL };
    for (unsigned i = 0; i < sizeof iv / sizeof iv[0]; i++) {
        int64_t v = iv[i];
        double d; float f; double du, dw, dwu; float fu;
        clrflags(); __asm__ volatile("fcvt.d.l %0, %1" : "=f"(d) : "r"(v)); unsigned f1 = frflags();
        clrflags(); __asm__ volatile("fcvt.s.l %0, %1" : "=f"(f) : "r"(v)); unsigned f2 = frflags();
        clrflags(); __asm__ volatile("fcvt.d.lu %0, %1" : "=f"(du) : "r"(v)); unsigned f3 = frflags();
        clrflags(); __asm__ volatile("fcvt.s.lu %0, %1" : "=f"(fu) : "r"(v)); unsigned f4 = frflags();
        __asm__ volatile("fcvt.d.w %0, %1" : "=f"(dw) : "r"(v));
        __asm__ volatile("fcvt.d.wu %0, %1" : "=f"(dwu) : "r"(v));
        printf("i %" PRIx64 ": d.l=%a(%s)", (uint64_t)v, d, fl(f1));
        printf(" s.l=%a(%s)", (double)f, fl(f2));
        printf(" d.lu=%a(%s)", du, fl(f3));
        printf(" s.lu=%a(%s) d.w=%a d.wu=%a\n", (double)fu, fl(f4), dw, dwu);
    }
    return 0;
}
