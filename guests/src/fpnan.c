/* fpnan: RISC-V NaN and sign rules with inline asm: canonical NaN (0x7ff8000000000000 /
 * 0x7fc00000) from invalid operations, no payload propagation, fmin/fmax with
 * quiet/signalling NaNs and signed zeros, fclass of every class, fsgnj/fsgnjn/fsgnjx,
 * feq/flt/fle with NaN (+NV flag), NaN-boxing of single values in 64-bit registers
 * (fmv.x.d of a float, improperly boxed floats read as canonical NaN), fmv.x.w sign
 * extension. */
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <inttypes.h>

static unsigned frflags(void) { unsigned f; __asm__ volatile("frflags %0" : "=r"(f)); return f; }
static void clrflags(void) { __asm__ volatile("fsflags zero"); }
static double mkd(uint64_t u) { double d; memcpy(&d, &u, 8); return d; }
static float mkf(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }
static uint64_t db(double d) { uint64_t u; memcpy(&u, &d, 8); return u; }
static uint32_t fb(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }

#define D2(name, insn) static double name(double a, double b) { double r; __asm__ volatile(insn " %0, %1, %2" : "=f"(r) : "f"(a), "f"(b)); return r; }
#define S2(name, insn) static float name(float a, float b) { float r; __asm__ volatile(insn " %0, %1, %2" : "=f"(r) : "f"(a), "f"(b)); return r; }
#define DC(name, insn) static long name(double a, double b) { long r; __asm__ volatile(insn " %0, %1, %2" : "=r"(r) : "f"(a), "f"(b)); return r; }
D2(fadd_d, "fadd.d") D2(fsub_d, "fsub.d") D2(fmul_d, "fmul.d") D2(fdiv_d, "fdiv.d")
D2(fmin_d, "fmin.d") D2(fmax_d, "fmax.d") D2(fsgnj_d, "fsgnj.d") D2(fsgnjn_d, "fsgnjn.d") D2(fsgnjx_d, "fsgnjx.d")
S2(fadd_s, "fadd.s") S2(fmin_s, "fmin.s") S2(fmax_s, "fmax.s") S2(fsgnj_s, "fsgnj.s") S2(fsgnjn_s, "fsgnjn.s")
S2(fsgnjx_s, "fsgnjx.s") S2(fdiv_s, "fdiv.s")
DC(feq_d, "feq.d") DC(flt_d, "flt.d") DC(fle_d, "fle.d")
static double fsqrt_d(double a) { double r; __asm__ volatile("fsqrt.d %0, %1" : "=f"(r) : "f"(a)); return r; }
static float fsqrt_s(float a) { float r; __asm__ volatile("fsqrt.s %0, %1" : "=f"(r) : "f"(a)); return r; }
static double fmadd_d(double a, double b, double c) { double r; __asm__ volatile("fmadd.d %0, %1, %2, %3" : "=f"(r) : "f"(a), "f"(b), "f"(c)); return r; }
static long fclass_d(double a) { long r; __asm__ volatile("fclass.d %0, %1" : "=r"(r) : "f"(a)); return r; }
static long fclass_s(float a) { long r; __asm__ volatile("fclass.s %0, %1" : "=r"(r) : "f"(a)); return r; }

#define QNAN 0x7ff8000000000000ULL
#define SNAN 0x7ff4000000000001ULL
#define NQNAN_PAYLOAD 0xfff80000deadbeefULL

int main(void)
{
    const double inf = mkd(0x7ff0000000000000ULL), zero = 0.0, one = 1.0;
    clrflags();
    { double r = fdiv_d(zero, zero); unsigned fl = frflags(); clrflags(); printf("0/0       %016" PRIx64 " flags=%x\n", db(r), fl); }
    { double r = fsub_d(inf, inf); unsigned fl = frflags(); clrflags(); printf("inf-inf   %016" PRIx64 " flags=%x\n", db(r), fl); }
    { double r = fmul_d(zero, inf); unsigned fl = frflags(); clrflags(); printf("0*inf     %016" PRIx64 " flags=%x\n", db(r), fl); }
    { double r = fsqrt_d(-one); unsigned fl = frflags(); clrflags(); printf("sqrt(-1)  %016" PRIx64 " flags=%x\n", db(r), fl); }
    { double r = fmadd_d(zero, inf, mkd(QNAN)); unsigned fl = frflags(); clrflags(); printf("fma(0,inf,qnan) %016" PRIx64 " flags=%x\n", db(r), fl); }
    { double r = fadd_d(mkd(NQNAN_PAYLOAD), one); unsigned fl = frflags(); clrflags(); printf("payload+1 %016" PRIx64 " flags=%x\n", db(r), fl); }
    { double r = fadd_d(mkd(SNAN), one); unsigned fl = frflags(); clrflags(); printf("snan+1    %016" PRIx64 " flags=%x\n", db(r), fl); }
    { float r = fdiv_s(0.0f, 0.0f); unsigned fl = frflags(); clrflags(); printf("f 0/0     %08" PRIx32 " flags=%x\n", fb(r), fl); }
    { float r = fsqrt_s(-1.0f); unsigned fl = frflags(); clrflags(); printf("f sqrt(-1) %08" PRIx32 " flags=%x\n", fb(r), fl); }
    { float r = fadd_s(mkf(0xffc0beef), 1.0f); unsigned fl = frflags(); clrflags(); printf("f payload+1 %08" PRIx32 " flags=%x\n", fb(r), fl); }
    /* C-level operations also yield canonical NaN */
    volatile double vz = 0.0; volatile float vzf = 0.0f;
    printf("C 0/0 %016" PRIx64 " C f 0/0 %08" PRIx32 " (double)(f nan) %016" PRIx64 " (float)(nan payload) %08" PRIx32 "\n",
           db(vz / vz), fb(vzf / vzf), db((double)(vzf / vzf)), fb((float)mkd(NQNAN_PAYLOAD)));
    clrflags();

    /* fmin/fmax */
    const uint64_t mm[] = { 0x0000000000000000ULL, 0x8000000000000000ULL, 0x3ff0000000000000ULL, 0xbff0000000000000ULL,
                            QNAN, SNAN, NQNAN_PAYLOAD, 0x7ff0000000000000ULL, 0xfff0000000000000ULL };
    const char *nm[] = { "+0", "-0", "1", "-1", "qnan", "snan", "-qnanP", "inf", "-inf" };
    for (int i = 0; i < 9; i++)
        for (int j = 0; j < 9; j++) {
            clrflags();
            double mn = fmin_d(mkd(mm[i]), mkd(mm[j]));
            unsigned f1 = frflags(); clrflags();
            double mx = fmax_d(mkd(mm[i]), mkd(mm[j]));
            unsigned f2 = frflags(); clrflags();
            long eq = feq_d(mkd(mm[i]), mkd(mm[j])); unsigned f3 = frflags(); clrflags();
            long lt = flt_d(mkd(mm[i]), mkd(mm[j])); unsigned f4 = frflags(); clrflags();
            long le = fle_d(mkd(mm[i]), mkd(mm[j])); unsigned f5 = frflags(); clrflags();
            printf("%-6s %-6s min=%016" PRIx64 "(%x) max=%016" PRIx64 "(%x) eq=%ld(%x) lt=%ld(%x) le=%ld(%x)\n",
                   nm[i], nm[j], db(mn), f1, db(mx), f2, eq, f3, lt, f4, le, f5);
        }
    const uint32_t ms[] = { 0x00000000, 0x80000000, 0x7fc00000, 0x7fa00000, 0x3f800000 };
    for (int i = 0; i < 5; i++)
        for (int j = 0; j < 5; j++) {
            clrflags();
            float mn = fmin_s(mkf(ms[i]), mkf(ms[j])), mx = fmax_s(mkf(ms[i]), mkf(ms[j]));
            printf("s %08" PRIx32 " %08" PRIx32 " min=%08" PRIx32 " max=%08" PRIx32 " flags=%x\n", ms[i], ms[j], fb(mn), fb(mx), frflags());
        }

    /* fclass */
    const uint64_t cd[] = { 0xfff0000000000000ULL, 0xbff0000000000000ULL, 0x800fffffffffffffULL, 0x8000000000000000ULL,
                            0x0000000000000000ULL, 0x0000000000000001ULL, 0x4000000000000000ULL, 0x7ff0000000000000ULL,
                            SNAN, QNAN, 0xfff0000000000001ULL, 0xffffffffffffffffULL };
    for (int i = 0; i < 12; i++) printf("fclass.d %016" PRIx64 " = %#05lx\n", cd[i], fclass_d(mkd(cd[i])));
    const uint32_t cs[] = { 0xff800000, 0xbf800000, 0x807fffff, 0x80000000, 0x00000000, 0x00000001, 0x40000000,
                            0x7f800000, 0x7f800001, 0x7fc00000, 0xffffffff };
    for (int i = 0; i < 11; i++) printf("fclass.s %08" PRIx32 " = %#05lx\n", cs[i], fclass_s(mkf(cs[i])));

    /* sign injection (never canonicalises NaNs) */
    const uint64_t sa[] = { 0x3ff0000000000000ULL, 0xbff0000000000000ULL, NQNAN_PAYLOAD, SNAN };
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++)
            printf("fsgnj %016" PRIx64 " %016" PRIx64 ": j=%016" PRIx64 " jn=%016" PRIx64 " jx=%016" PRIx64 "\n",
                   sa[i], sa[j], db(fsgnj_d(mkd(sa[i]), mkd(sa[j]))), db(fsgnjn_d(mkd(sa[i]), mkd(sa[j]))),
                   db(fsgnjx_d(mkd(sa[i]), mkd(sa[j]))));
    printf("fsgnj.s %08" PRIx32 " %08" PRIx32 " %08" PRIx32 "\n", fb(fsgnj_s(mkf(0x7fc01234), -1.0f)),
           fb(fsgnjn_s(-2.0f, -1.0f)), fb(fsgnjx_s(-2.0f, -1.0f)));

    /* NaN boxing */
    uint64_t x;
    float f = 1.5f;
    __asm__ volatile("fmv.x.d %0, %1" : "=r"(x) : "f"(f));
    printf("fmv.x.d of float 1.5 = %016" PRIx64 "\n", x);
    float fneg = -2.0f;
    __asm__ volatile("fmv.x.w %0, %1" : "=r"(x) : "f"(fneg));
    printf("fmv.x.w of -2.0f = %016" PRIx64 " (sign-extended)\n", x);
    /* A double bit pattern that is not a valid NaN-boxed float is read as canonical NaN by .s ops */
    uint64_t badbox = 0x000000003f800000ULL, goodbox = 0xffffffff3f800000ULL;
    uint64_t r1, r2;
    __asm__ volatile("fmv.d.x ft0, %1\n\tfadd.s ft1, ft0, ft0\n\tfmv.x.w %0, ft1" : "=r"(r1) : "r"(badbox) : "ft0", "ft1");
    __asm__ volatile("fmv.d.x ft0, %1\n\tfadd.s ft1, ft0, ft0\n\tfmv.x.w %0, ft1" : "=r"(r2) : "r"(goodbox) : "ft0", "ft1");
    printf("fadd.s of improperly boxed 1.0 = %08" PRIx32 ", properly boxed = %08" PRIx32 "\n", (uint32_t)r1, (uint32_t)r2);
    __asm__ volatile("fmv.d.x ft0, %1\n\tfsgnj.s ft1, ft0, ft0\n\tfmv.x.d %0, ft1" : "=r"(r1) : "r"(badbox) : "ft0", "ft1");
    printf("fsgnj.s of improperly boxed = %016" PRIx64 "\n", r1);
    __asm__ volatile("fmv.d.x ft0, %1\n\tfclass.s %0, ft0" : "=r"(r1) : "r"(badbox) : "ft0");
    printf("fclass.s of improperly boxed = %#lx\n", (long)r1);
    __asm__ volatile("fmv.d.x ft0, %1\n\tfcvt.d.s ft1, ft0\n\tfmv.x.d %0, ft1" : "=r"(r1) : "r"(badbox) : "ft0", "ft1");
    printf("fcvt.d.s of improperly boxed = %016" PRIx64 "\n", r1);
    /* flw writes a boxed value; fld of the same memory is not boxed */
    uint32_t mem = 0x40490fdb;
    __asm__ volatile("flw ft0, 0(%1)\n\tfmv.x.d %0, ft0" : "=r"(r1) : "r"(&mem) : "ft0", "memory");
    printf("flw then fmv.x.d = %016" PRIx64 "\n", r1);
    __asm__ volatile("fmv.w.x ft0, %1\n\tfmv.x.d %0, ft0" : "=r"(r1) : "r"(0x12345678abcdef01ULL) : "ft0");
    printf("fmv.w.x then fmv.x.d = %016" PRIx64 "\n", r1);
    /* fsw of a boxed value stores the low 32 bits */
    uint32_t out = 0;
    __asm__ volatile("fmv.d.x ft0, %1\n\tfsw ft0, 0(%0)" : : "r"(&out), "r"(0x0123456789abcdefULL) : "ft0", "memory");
    printf("fsw of unboxed pattern stores %08" PRIx32 "\n", out);
    return 0;
}
