/* frm_asm: RISC-V rounding modes through inline asm: static rm fields (rne, rtz, rdn,
 * rup, rmm) on fcvt.w.d/fcvt.l.s/fadd/fmul/fdiv/fsqrt/fmadd/fcvt.s.d, the dynamic
 * mode (frm set by fsrm, read by frrm), fcsr as a whole (frcsr/fscsr) and
 * frflags/fsflags/fsflagsi. */
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <inttypes.h>

static uint64_t dbits(double d) { uint64_t u; memcpy(&u, &d, 8); return u; }
static uint32_t fbits(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }

#define CVTW(rm) static int64_t cvtw_##rm(double a) { int64_t r; __asm__ volatile("fcvt.w.d %0, %1, " #rm : "=r"(r) : "f"(a)); return r; }
#define CVTLS(rm) static int64_t cvtls_##rm(float a) { int64_t r; __asm__ volatile("fcvt.l.s %0, %1, " #rm : "=r"(r) : "f"(a)); return r; }
#define ADD(rm) static double add_##rm(double a, double b) { double r; __asm__ volatile("fadd.d %0, %1, %2, " #rm : "=f"(r) : "f"(a), "f"(b)); return r; }
#define MUL(rm) static float mul_##rm(float a, float b) { float r; __asm__ volatile("fmul.s %0, %1, %2, " #rm : "=f"(r) : "f"(a), "f"(b)); return r; }
#define DIV(rm) static double div_##rm(double a, double b) { double r; __asm__ volatile("fdiv.d %0, %1, %2, " #rm : "=f"(r) : "f"(a), "f"(b)); return r; }
#define SQRT(rm) static double sqrt_##rm(double a) { double r; __asm__ volatile("fsqrt.d %0, %1, " #rm : "=f"(r) : "f"(a)); return r; }
#define FMA(rm) static double fma_##rm(double a, double b, double c) { double r; __asm__ volatile("fmadd.d %0, %1, %2, %3, " #rm : "=f"(r) : "f"(a), "f"(b), "f"(c)); return r; }
#define NARROW(rm) static float narrow_##rm(double a) { float r; __asm__ volatile("fcvt.s.d %0, %1, " #rm : "=f"(r) : "f"(a)); return r; }
#define ALL(M) M(rne) M(rtz) M(rdn) M(rup) M(rmm) M(dyn)
ALL(CVTW) ALL(CVTLS) ALL(ADD) ALL(MUL) ALL(DIV) ALL(SQRT) ALL(FMA) ALL(NARROW)

static unsigned frrm(void) { unsigned r; __asm__ volatile("frrm %0" : "=r"(r)); return r; }
static unsigned fsrm(unsigned v) { unsigned old; __asm__ volatile("fsrm %0, %1" : "=r"(old) : "r"(v)); return old; }
static unsigned frflags(void) { unsigned f; __asm__ volatile("frflags %0" : "=r"(f)); return f; }
static unsigned frcsr(void) { unsigned f; __asm__ volatile("frcsr %0" : "=r"(f)); return f; }
static unsigned fscsr(unsigned v) { unsigned old; __asm__ volatile("fscsr %0, %1" : "=r"(old) : "r"(v)); return old; }

static const char *rmname[] = { "rne", "rtz", "rdn", "rup", "rmm" };

static void row(const char *rm, int64_t (*cw)(double), int64_t (*cl)(float), double (*ad)(double, double),
                float (*mu)(float, float), double (*dv)(double, double), double (*sq)(double),
                double (*fm)(double, double, double), float (*nr)(double))
{
    static const double cv[] = { 0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4, -2.6, 3.5000001, -1e-9 };
    printf("%s: fcvt.w.d", rm);
    for (unsigned i = 0; i < sizeof cv / sizeof cv[0]; i++) printf(" %" PRId64, cw(cv[i]));
    printf("\n%s: fcvt.l.s", rm);
    for (unsigned i = 0; i < sizeof cv / sizeof cv[0]; i++) printf(" %" PRId64, cl((float)cv[i]));
    printf("\n%s: fadd 1+2^-53=%016" PRIx64 " -1-2^-53=%016" PRIx64 " 1+3*2^-54=%016" PRIx64 " max+max=%016" PRIx64
           " 1-1=%016" PRIx64 "\n", rm,
           dbits(ad(1.0, 0x1p-53)), dbits(ad(-1.0, -0x1p-53)), dbits(ad(1.0, 0x1.8p-53)),
           dbits(ad(0x1.fffffffffffffp1023, 0x1.fffffffffffffp1023)), dbits(ad(1.0, -1.0)));
    printf("%s: fmul.s 1.0000001*1.0000001=%08" PRIx32 " -3*(1/3)=%08" PRIx32 "\n", rm,
           fbits(mu(1.0000001f, 1.0000001f)), fbits(mu(-3.0f, 1.0f / 3.0f)));
    printf("%s: fdiv 1/3=%016" PRIx64 " -2/3=%016" PRIx64 " 1/10=%016" PRIx64 " tiny/3=%016" PRIx64 "\n", rm,
           dbits(dv(1.0, 3.0)), dbits(dv(-2.0, 3.0)), dbits(dv(1.0, 10.0)), dbits(dv(0x1p-1074, 3.0)));
    printf("%s: fsqrt 2=%016" PRIx64 " 3=%016" PRIx64 " fmadd(1/3*3-1)=%016" PRIx64 " fcvt.s.d 1/3=%08" PRIx32
           " 1+2^-24=%08" PRIx32 " -(1+2^-24)=%08" PRIx32 " 1e39=%08" PRIx32 "\n", rm,
           dbits(sq(2.0)), dbits(sq(3.0)), dbits(fm(1.0 / 3.0, 3.0, -1.0)), fbits(nr(1.0 / 3.0)),
           fbits(nr(1.0 + 0x1p-24)), fbits(nr(-1.0 - 0x1p-24)), fbits(nr(1e39)));
}

#define ROW(rm) row(#rm, cvtw_##rm, cvtls_##rm, add_##rm, mul_##rm, div_##rm, sqrt_##rm, fma_##rm, narrow_##rm)

int main(void)
{
    printf("initial frm=%u fflags=%u fcsr=%u\n", frrm(), frflags(), frcsr());
    ROW(rne); ROW(rtz); ROW(rdn); ROW(rup); ROW(rmm);
    for (unsigned m = 0; m < 5; m++) {
        unsigned old = fsrm(m);
        printf("dyn with frm=%u (%s), old=%u, frrm=%u\n", m, rmname[m], old, frrm());
        ROW(dyn);
    }
    fsrm(0);
    /* fcsr: frm in bits 7:5, fflags in 4:0 */
    unsigned old = fscsr(0x7f & ((3u << 5) | 0x15));
    printf("fscsr old=%#x now fcsr=%#x frm=%u fflags=%#x\n", old, frcsr(), frrm(), frflags());
    __asm__ volatile("fsflagsi 0x3");
    printf("after fsflagsi 3: fcsr=%#x\n", frcsr());
    unsigned prev;
    __asm__ volatile("fsflagsi %0, 0" : "=r"(prev));
    printf("fsflagsi returned %#x, fflags now %#x\n", prev, frflags());
    __asm__ volatile("fsrmi 4");
    printf("after fsrmi 4: frm=%u\n", frrm());
    __asm__ volatile("fsrmi 0");
    /* csrrs/csrrc on fflags */
    unsigned r;
    __asm__ volatile("csrrsi %0, fflags, 0x11" : "=r"(r));
    printf("csrrsi fflags old=%#x new=%#x\n", r, frflags());
    __asm__ volatile("csrrci %0, fflags, 0x1" : "=r"(r));
    printf("csrrci fflags old=%#x new=%#x\n", r, frflags());
    __asm__ volatile("csrrc %0, fflags, %1" : "=r"(r) : "r"(0xffu));
    printf("final fcsr=%#x\n", frcsr());
    return 0;
}
