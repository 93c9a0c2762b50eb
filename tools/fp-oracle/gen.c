/*
 * Floating-point test-vector oracle: runs the operations on the host x86-64
 * SSE unit (IEEE 754, tininess detected after rounding, like RISC-V) and prints
 * one line per case:
 *
 *   <op> <rm> <operand hex>... <result hex> <flags hex>
 *
 * rm uses RISC-V numbering (0 RNE, 1 RTZ, 2 RDN, 3 RUP); flags use RISC-V
 * fflags bits (NX=1 UF=2 OF=4 DZ=8 NV=16). Each operand tuple is emitted for
 * all four modes, consecutively, in that order.
 *
 * x86 -> RISC-V mapping done here:
 *  - a NaN result is printed as the RISC-V canonical NaN (x86 propagates
 *    payloads; RISC-V always produces the canonical NaN);
 *  - float->integer conversions whose rounded value is out of range (x86
 *    "integer indefinite") or NaN are printed with the RISC-V saturated value
 *    and NV only; unsigned conversions are derived from the signed 64-bit
 *    hardware conversion (whose rounding and inexact flag come from hardware);
 *  - fma(inf, 0, qNaN) and fma(0, inf, qNaN): x86 raises no flag, RISC-V
 *    raises NV; the RISC-V flag is printed;
 *  - the x86 denormal-operand flag is not part of FE_ALL_EXCEPT and ignored.
 *
 * Build: gcc -O0 -frounding-math [-mfma] gen.c -lm   (see regenerate.sh)
 * Usage: gen <group> [seed]   group: arith32 | arith64 | cvt
 */
#include <fenv.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <immintrin.h>

/* gcc ignores the FENV_ACCESS pragma; -frounding-math does its job. */

static uint64_t rng_state;
static uint64_t rnd64(void) {
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
static int rndn(int n) { return (int)(rnd64() % (uint64_t)n); }

static const int x86_modes[4] = { FE_TONEAREST, FE_TOWARDZERO, FE_DOWNWARD, FE_UPWARD };

static int rv_flags(void) {
    int e = fetestexcept(FE_ALL_EXCEPT), r = 0;
    if (e & FE_INEXACT) r |= 1;
    if (e & FE_UNDERFLOW) r |= 2;
    if (e & FE_OVERFLOW) r |= 4;
    if (e & FE_DIVBYZERO) r |= 8;
    if (e & FE_INVALID) r |= 16;
    return r;
}

static float f_of(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }
static uint32_t u_of_f(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }
static double d_of(uint64_t u) { double d; memcpy(&d, &u, 8); return d; }
static uint64_t u_of_d(double d) { uint64_t u; memcpy(&u, &d, 8); return u; }

/* ------------------------------------------------------------------------ */
/* Format description and value generators (bit patterns in uint64).        */

typedef struct { int p, width, bias; } fmt_t;
static const fmt_t FMT32 = { 24, 32, 127 };
static const fmt_t FMT64 = { 53, 64, 1023 };

static uint64_t fracmask(const fmt_t *f) { return (1ull << (f->p - 1)) - 1; }
static int maxbexp(const fmt_t *f) { return 2 * f->bias + 1; }
static uint64_t pack(const fmt_t *f, int s, int bexp, uint64_t frac) {
    return ((uint64_t)(s & 1) << (f->width - 1)) | ((uint64_t)bexp << (f->p - 1)) | (frac & fracmask(f));
}
static uint64_t widthmask(const fmt_t *f) { return f->width == 64 ? ~0ull : 0xffffffffull; }

/* value of a pattern as a double (exact for both formats) and back (RNE) */
static double val(const fmt_t *f, uint64_t b) { return f->width == 32 ? (double)f_of((uint32_t)b) : d_of(b); }
static uint64_t bits(const fmt_t *f, double v) { return f->width == 32 ? u_of_f((float)v) : u_of_d(v); }

static uint64_t rfrac(const fmt_t *f) {
    uint64_t m = fracmask(f), r = rnd64() & m;
    switch (rndn(7)) {
    case 0: case 1: return r;
    case 2: return r & ~((1ull << rndn(f->p)) - 1);          /* trailing zeros */
    case 3: return (r | ((1ull << rndn(f->p)) - 1)) & m;     /* trailing ones */
    case 4: return (1ull << rndn(f->p - 1)) | (rndn(2) ? (1ull << rndn(f->p - 1)) : 0);
    case 5: return rndn(2) ? 0 : m;
    default: return rndn(2) ? (uint64_t)rndn(4) : m - (uint64_t)rndn(4);
    }
}

static uint64_t special(const fmt_t *f) {
    int s = rndn(2), top = maxbexp(f);
    uint64_t m = fracmask(f), q = 1ull << (f->p - 2);
    switch (rndn(16)) {
    case 0: return pack(f, s, 0, 0);                      /* zero */
    case 1: return pack(f, s, top, 0);                    /* inf */
    case 2: return pack(f, s, top, q);                    /* canonical-ish qNaN */
    case 3: return pack(f, s, top, q | (rnd64() & m));    /* qNaN payload */
    case 4: return pack(f, s, top, 1);                    /* sNaN */
    case 5: { uint64_t p = rnd64() & (q - 1); return pack(f, s, top, p ? p : 2); } /* sNaN */
    case 6: return pack(f, s, 0, 1);                      /* min subnormal */
    case 7: return pack(f, s, 0, m);                      /* max subnormal */
    case 8: return pack(f, s, 1, 0);                      /* min normal */
    case 9: return pack(f, s, top - 1, m);                /* max finite */
    case 10: return pack(f, s, f->bias, 0);               /* 1 */
    case 11: return pack(f, s, f->bias, rndn(2) ? 1 : m); /* 1+ulp, 2-ulp */
    case 12: return pack(f, s, f->bias - 1, m);           /* 1-ulp/2 */
    case 13: return pack(f, s, f->bias + 1, q);           /* 3 */
    case 14: return pack(f, s, 1, rndn(2) ? 1 : m);
    default: return pack(f, s, top - 1, rfrac(f));
    }
}

static uint64_t gen_val(const fmt_t *f) {
    int s = rndn(2), top = maxbexp(f);
    switch (rndn(20)) {
    case 0: case 1: case 2: return special(f);
    case 3: case 4: return rnd64() & widthmask(f);
    case 5: case 6: case 7: case 8: case 9: case 10:
        return pack(f, s, f->bias - 12 + rndn(25), rfrac(f));
    case 11: case 12: { uint64_t fr = rfrac(f); return pack(f, s, 0, fr ? fr : 1); } /* subnormal */
    case 13: case 14: return pack(f, s, 1 + rndn(3), rfrac(f));                  /* near min normal */
    case 15: case 16: return pack(f, s, top - 1 - rndn(3), rfrac(f));            /* near max */
    default: return pack(f, s, 1 + rndn(top - 1), rfrac(f));
    }
}

/* a random p-bit-or-less odd integer of exactly k bits (1 <= k <= p) */
static uint64_t odd_kbits(int k) {
    uint64_t v = rnd64() & ((1ull << k) - 1);
    return v | 1ull | (1ull << (k - 1));
}

static int ilog(double v) { return ilogb(v); }

/* A normal random value with exponent exactly e (unbiased), clamped to range. */
static uint64_t with_exp(const fmt_t *f, int s, int e) {
    int be = e + f->bias;
    if (be < 1) be = 1;
    if (be > maxbexp(f) - 1) be = maxbexp(f) - 1;
    return pack(f, s, be, rfrac(f));
}

/* ------------------------------------------------------------------------ */
/* Operand tuple generators (computed in RNE, before the mode is set).      */

static void gen_add(const fmt_t *f, uint64_t *a, uint64_t *b) {
    *a = gen_val(f);
    double x = val(f, *a);
    int k = rndn(12);
    if (k < 4 || !isfinite(x) || x == 0) { *b = gen_val(f); return; }
    int ex = ilog(x);
    int s = rndn(2);
    switch (k) {
    case 4: /* nearby exponent, random significand */
        *b = with_exp(f, s, ex + rndn(2 * f->p + 8) - f->p - 4); break;
    case 5: { /* half ulp of a, times a small odd number: ties / near ties */
        double h = ldexp((double)(2 * rndn(3) + 1), ex - f->p);
        *b = bits(f, s ? -h : h); break; }
    case 6: { /* a quarter / three quarters of an ulp, or slightly off a tie */
        double h = ldexp((double)(rndn(2) ? 1 : 3), ex - f->p - 1);
        *b = bits(f, s ? -h : h); break; }
    case 7: /* exact cancellation or near cancellation */
        *b = bits(f, -x) ^ (rndn(2) ? (uint64_t)rndn(3) : 0); break;
    case 8: /* far apart */
        *b = with_exp(f, s, ex - f->p - 2 - rndn(40)); break;
    case 9: { /* tie just above a: b = a's half ulp + a tiny bit */
        double h = ldexp(1.0, ex - f->p) + ldexp(1.0, ex - 2 * f->p + 1);
        *b = bits(f, s ? -h : h); break; }
    case 10: /* near overflow sum */
        *a = pack(f, 0, maxbexp(f) - 1, rfrac(f) | (fracmask(f) - 7));
        *b = with_exp(f, 0, f->bias - f->p + rndn(3)); break;
    default:
        *b = with_exp(f, s, ex + rndn(5) - 2); break;
    }
}

/* product of two odd integers with exactly p+1 bits: an exact tie */
static void gen_mul_tie(const fmt_t *f, uint64_t *a, uint64_t *b, int target_e) {
    for (;;) {
        int k = 1 + rndn(f->p);
        uint64_t ma = odd_kbits(k);
        uint64_t lo = ((1ull << f->p) + ma - 1) / ma, hi = ((1ull << (f->p + 1)) - 1) / ma;
        if (hi >= (1ull << f->p)) hi = (1ull << f->p) - 1;
        if (lo > hi) continue;
        uint64_t mb = lo + rnd64() % (hi - lo + 1);
        if (!(mb & 1)) { if (mb + 1 <= hi) mb++; else if (mb - 1 >= lo) mb--; else continue; }
        unsigned __int128 pr = (unsigned __int128)ma * mb;
        if (pr < ((unsigned __int128)1 << f->p) || pr >= ((unsigned __int128)1 << (f->p + 1))) continue;
        /* value = ma*mb * 2^(ea+eb); leading bit exponent = p + ea + eb */
        int ea = rndn(40) - 20 - (int)k;
        int eb = target_e - f->p - ea;
        double x = ldexp((double)ma, ea), y = ldexp((double)mb, eb);
        if (val(f, bits(f, x)) != x || val(f, bits(f, y)) != y) continue;
        *a = bits(f, rndn(2) ? -x : x);
        *b = bits(f, rndn(2) ? -y : y);
        return;
    }
}

static int boundary_exp(const fmt_t *f) {
    int emin = 1 - f->bias, emax = f->bias;
    switch (rndn(4)) {
    case 0: return emax - rndn(2);
    case 1: return emin - rndn(2);
    case 2: return emin - f->p + rndn(4) - 2;     /* deep subnormal / underflow to zero */
    default: return emin - 1 - rndn(f->p);
    }
}

/* b so that a*b (or a/b) lands within a few ulps of the min normal or max finite */
static double near_boundary(const fmt_t *f) {
    double t;
    if (rndn(2)) t = ldexp(1.0, 1 - f->bias);                               /* min normal */
    else t = ldexp(2.0 - ldexp(1.0, 1 - f->p), f->bias);                     /* max finite */
    double d = ldexp((double)(rndn(9) - 4), -f->p - rndn(2));
    if (f->width == 64) return t * (1.0 + d);
    return (double)(float)t * (1.0 + d);
}

static void gen_mul(const fmt_t *f, uint64_t *a, uint64_t *b) {
    int k = rndn(10);
    if (k < 4) { *a = gen_val(f); *b = gen_val(f); return; }
    if (k < 6) { gen_mul_tie(f, a, b, rndn(3) ? rndn(40) - 20 : boundary_exp(f)); return; }
    *a = pack(f, rndn(2), f->bias - 8 + rndn(17), rfrac(f));
    double x = val(f, *a);
    if (k < 9) {
        double t = near_boundary(f);
        double y = t / x;
        if (f->width == 32) y = (double)(float)y;
        uint64_t yb = bits(f, y);
        if (rndn(2)) yb += (uint64_t)rndn(3) - 1;
        *b = yb ^ ((uint64_t)rndn(2) << (f->width - 1));
        return;
    }
    *b = with_exp(f, rndn(2), boundary_exp(f) - ilog(x));
}

static void gen_div(const fmt_t *f, uint64_t *a, uint64_t *b) {
    int k = rndn(10);
    if (k < 4) { *a = gen_val(f); *b = gen_val(f); return; }
    *b = pack(f, rndn(2), f->bias - 8 + rndn(17), rfrac(f));
    double y = val(f, *b);
    if (k < 6) { /* exact quotient: a = q*y with a short q */
        double q = ldexp((double)odd_kbits(1 + rndn(f->p / 2)), rndn(20) - 10);
        double x = q * y;
        if (f->width == 32) x = (double)(float)x;
        *a = bits(f, rndn(2) ? -x : x);
        return;
    }
    if (k < 9) {
        double t = near_boundary(f);
        double x = t * y;
        if (!isfinite(x)) x = y;
        *a = bits(f, x) ^ ((uint64_t)rndn(2) << (f->width - 1));
        if (rndn(2)) *a += (uint64_t)rndn(3) - 1;
        return;
    }
    *a = with_exp(f, rndn(2), boundary_exp(f) + ilog(y));
}

static void gen_sqrt(const fmt_t *f, uint64_t *a) {
    int k = rndn(10);
    if (k < 5) { *a = gen_val(f); return; }
    if (k < 8) { /* perfect squares and neighbours */
        double r = ldexp((double)odd_kbits(1 + rndn((f->p + 1) / 2)), rndn(60) - 30);
        double x = r * r;
        uint64_t xb = bits(f, x);
        if (rndn(2)) xb += (uint64_t)rndn(3) - 1;
        *a = xb;
        return;
    }
    *a = pack(f, 0, rndn(2) ? 0 : 1 + rndn(maxbexp(f) - 1), rfrac(f));
}

static void gen_fma(const fmt_t *f, uint64_t *a, uint64_t *b, uint64_t *c) {
    int k = rndn(14);
    if (k < 4) { *a = gen_val(f); *b = gen_val(f); *c = gen_val(f); return; }
    if (k < 7) { /* tie product, then c zero / tiny / shifting the tie */
        gen_mul_tie(f, a, b, rndn(4) ? rndn(40) - 20 : boundary_exp(f));
        double p = val(f, *a) * val(f, *b);  /* exact for f32; maybe not for f64 */
        int ep = ilog(p);
        switch (rndn(4)) {
        case 0: *c = pack(f, rndn(2), 0, 0); break;
        case 1: *c = bits(f, ldexp(rndn(2) ? 1.0 : -1.0, ep - 2 * f->p - rndn(20))); break;
        case 2: *c = bits(f, ldexp((double)(rndn(7) - 3), ep - f->p + 1)); break;
        default: *c = gen_val(f); break;
        }
        return;
    }
    *a = gen_val(f);
    *b = gen_val(f);
    double x = val(f, *a), y = val(f, *b);
    if (!isfinite(x) || !isfinite(y) || x == 0 || y == 0 || !isfinite(x * y) || x * y == 0) {
        *c = gen_val(f); return;
    }
    double p = x * y;
    if (f->width == 32) p = (double)(float)p;
    int ep = ilog(p);
    switch (k) {
    case 7: case 8: /* cancellation: result is the rounding error of the product */
        *c = bits(f, -p) ^ (rndn(3) == 0 ? (uint64_t)rndn(3) : 0); break;
    case 9: /* tiny addend (sticky) */
        *c = with_exp(f, rndn(2), ep - f->p - 1 - rndn(3 * f->p)); break;
    case 10: /* half ulp of the product */
        *c = bits(f, ldexp(rndn(2) ? 1.0 : -1.0, ep - f->p)); break;
    case 11: /* product near boundaries */
        *a = pack(f, rndn(2), f->bias - 8 + rndn(17), rfrac(f));
        x = val(f, *a);
        { double t = near_boundary(f) / x; if (f->width == 32) t = (double)(float)t; *b = bits(f, t); }
        *c = rndn(2) ? gen_val(f) : with_exp(f, rndn(2), 1 - f->bias - f->p + rndn(f->p));
        break;
    default:
        *c = with_exp(f, rndn(2), ep + rndn(2 * f->p + 4) - f->p - 2); break;
    }
}

/* ------------------------------------------------------------------------ */
/* Execution on the host.                                                    */

static uint64_t canon(const fmt_t *f, uint64_t r) {
    if (f->width == 32) return isnan(f_of((uint32_t)r)) ? 0x7fc00000u : r;
    return isnan(d_of(r)) ? 0x7ff8000000000000ull : r;
}

static void hex(const fmt_t *f, uint64_t v) {
    if (f->width == 32) printf(" %08x", (uint32_t)v); else printf(" %016llx", (unsigned long long)v);
}

enum { OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_SQRT, OP_FMA };
static const char *opname[] = { "add", "sub", "mul", "div", "sqrt", "fma" };

/* x86 FMA does not signal invalid for inf*0 + qNaN; RISC-V requires NV. */
static int is_inf_times_zero(const fmt_t *f, uint64_t a, uint64_t b) {
    uint64_t mag = widthmask(f) >> 1, inf = (uint64_t)maxbexp(f) << (f->p - 1);
    uint64_t ma = a & mag, mb = b & mag;
    return (ma == inf && mb == 0) || (ma == 0 && mb == inf);
}

static uint64_t run_arith(const fmt_t *f, int op, uint64_t a, uint64_t b, uint64_t c, int *flags) {
    uint64_t r;
    feclearexcept(FE_ALL_EXCEPT);
    if (f->width == 32) {
        volatile float x = f_of((uint32_t)a), y = f_of((uint32_t)b), z = f_of((uint32_t)c), v = 0;
        switch (op) {
        case OP_ADD: v = x + y; break;
        case OP_SUB: v = x - y; break;
        case OP_MUL: v = x * y; break;
        case OP_DIV: v = x / y; break;
        case OP_SQRT: v = sqrtf(x); break;
        default:
#ifdef __FMA__
            v = _mm_cvtss_f32(_mm_fmadd_ss(_mm_set_ss(x), _mm_set_ss(y), _mm_set_ss(z)));
#else
            v = fmaf(x, y, z);
#endif
            break;
        }
        r = u_of_f(v);
    } else {
        volatile double x = d_of(a), y = d_of(b), z = d_of(c), v = 0;
        switch (op) {
        case OP_ADD: v = x + y; break;
        case OP_SUB: v = x - y; break;
        case OP_MUL: v = x * y; break;
        case OP_DIV: v = x / y; break;
        case OP_SQRT: v = sqrt(x); break;
        default:
#ifdef __FMA__
            v = _mm_cvtsd_f64(_mm_fmadd_sd(_mm_set_sd(x), _mm_set_sd(y), _mm_set_sd(z)));
#else
            v = fma(x, y, z);
#endif
            break;
        }
        r = u_of_d(v);
    }
    *flags = rv_flags();
    if (op == OP_FMA && is_inf_times_zero(f, a, b)) *flags |= 16; /* RISC-V: NV even if c is a qNaN */
    return canon(f, r);
}

static void emit_arith(const fmt_t *f, int op, uint64_t a, uint64_t b, uint64_t c) {
    int nops = op == OP_SQRT ? 1 : op == OP_FMA ? 3 : 2;
    for (int m = 0; m < 4; m++) {
        int fl;
        fesetround(x86_modes[m]);
        uint64_t r = run_arith(f, op, a, b, c, &fl);
        fesetround(FE_TONEAREST);
        printf("%s.%c %d", opname[op], f->width == 32 ? 's' : 'd', m);
        hex(f, a);
        if (nops > 1) hex(f, b);
        if (nops > 2) hex(f, c);
        hex(f, r);
        printf(" %02x\n", fl);
    }
}

static void group_arith(const fmt_t *f, int n) {
    uint64_t a, b, c = 0;
    for (int i = 0; i < n; i++) { gen_add(f, &a, &b); emit_arith(f, OP_ADD, a, b, 0); }
    for (int i = 0; i < n; i++) { gen_add(f, &a, &b); emit_arith(f, OP_SUB, a, b ^ (1ull << (f->width - 1)), 0); }
    for (int i = 0; i < n; i++) { gen_mul(f, &a, &b); emit_arith(f, OP_MUL, a, b, 0); }
    for (int i = 0; i < n; i++) { gen_div(f, &a, &b); emit_arith(f, OP_DIV, a, b, 0); }
    for (int i = 0; i < n / 2; i++) { gen_sqrt(f, &a); emit_arith(f, OP_SQRT, a, 0, 0); }
    for (int i = 0; i < n * 3 / 2; i++) { gen_fma(f, &a, &b, &c); emit_arith(f, OP_FMA, a, b, c); }
}

/* ------------------------------------------------------------------------ */
/* Conversions.                                                              */

/* float (given as double, exact) -> integer with hardware rounding.
 * kind: 0 w, 1 wu, 2 l, 3 lu. is32src: source is binary32. */
static uint64_t run_f2i(double x, int is32src, int kind, int *flags) {
    const uint64_t maxv[4] = { 0x7fffffffull, 0xffffffffffffffffull, 0x7fffffffffffffffull, 0xffffffffffffffffull };
    const uint64_t minv[4] = { 0xffffffff80000000ull, 0, 0x8000000000000000ull, 0 };
    if (isnan(x)) { *flags = 16; return maxv[kind]; }
    int64_t r;
    int fl;
    if (kind == 3 && x >= 0x1p63) {
        if (x >= 0x1p64) { *flags = 16; return maxv[kind]; }
        *flags = 0; /* integral already; exact */
        return (uint64_t)(int64_t)(x - 0x1p63) + 0x8000000000000000ull;
    }
    feclearexcept(FE_ALL_EXCEPT);
    if (kind == 0) {
        r = is32src ? _mm_cvtss_si32(_mm_set_ss((float)x)) : _mm_cvtsd_si32(_mm_set_sd(x));
    } else {
        r = is32src ? _mm_cvtss_si64(_mm_set_ss((float)x)) : _mm_cvtsd_si64(_mm_set_sd(x));
    }
    fl = rv_flags();
    if (fl & 16) { /* x86 integer indefinite: out of range after rounding */
        *flags = 16;
        return x < 0 ? minv[kind] : maxv[kind];
    }
    if (kind == 1 && (r < 0 || r > 0xffffffffll)) { *flags = 16; return r < 0 ? 0 : maxv[kind]; }
    if (kind == 3 && r < 0) { *flags = 16; return 0; }
    *flags = fl;
    if (kind == 0 || kind == 1) return (uint64_t)(int64_t)(int32_t)(uint32_t)r; /* sign-extended 32-bit */
    return (uint64_t)r;
}

static uint64_t near_int_val(const fmt_t *f) {
    double base;
    int k = rndn(8);
    if (k < 4) {
        int nb = rndn(67);
        uint64_t m = nb == 0 ? 0 : (rnd64() >> (64 - (nb > 64 ? 64 : nb)));
        base = (double)m;
        if (nb > 64) base *= 4;
    } else {
        const double bounds[] = { 0x1p31, 0x1p32, 0x1p63, 0x1p64, 0x1p24, 0x1p53, 1.0, 0.0 };
        base = bounds[rndn(8)];
        base += rndn(5) - 2;
    }
    const double fr[] = { 0, 0.5, 0.25, 0.75, 0.5, 1.5 };
    double v = base + (rndn(3) ? fr[rndn(6)] : ldexp((double)(rnd64() >> 11), -53));
    if (rndn(2)) v = -v;
    uint64_t b = bits(f, v);
    if (rndn(4) == 0) b += (uint64_t)rndn(3) - 1;
    return b;
}

static uint64_t int_operand(int is64) {
    uint64_t v;
    switch (rndn(6)) {
    case 0: v = rnd64(); break;
    case 1: { int nb = 1 + rndn(64); v = rnd64() >> (64 - nb); break; }
    case 2: { /* p+1 significant bits, odd: ties for f32 (25) or f64 (54) */
        int p1 = rndn(2) ? 25 : 54, sh = rndn(64 - p1 + 1);
        v = ((rnd64() >> (64 - p1)) | 1ull | (1ull << (p1 - 1))) << sh;
        break; }
    case 3: { /* near powers of two */
        int e = rndn(64);
        v = (1ull << e) + (uint64_t)(rndn(5) - 2);
        break; }
    case 4: v = -(rnd64() >> rndn(64)); break;
    default: v = (uint64_t)(rndn(2001) - 1000); break;
    }
    return is64 ? v : (uint64_t)(uint32_t)v;
}

static void group_cvt(int n) {
    static const char *f2i_names[2][4] = { { "cvt.w.s", "cvt.wu.s", "cvt.l.s", "cvt.lu.s" },
                                           { "cvt.w.d", "cvt.wu.d", "cvt.l.d", "cvt.lu.d" } };
    for (int src = 0; src < 2; src++) {
        const fmt_t *f = src ? &FMT64 : &FMT32;
        for (int kind = 0; kind < 4; kind++) {
            for (int i = 0; i < n; i++) {
                uint64_t a = rndn(3) ? near_int_val(f) : gen_val(f);
                for (int m = 0; m < 4; m++) {
                    int fl;
                    fesetround(x86_modes[m]);
                    uint64_t r = run_f2i(val(f, a), !src, kind, &fl);
                    fesetround(FE_TONEAREST);
                    printf("%s %d", f2i_names[src][kind], m);
                    hex(f, a);
                    printf(" %016llx %02x\n", (unsigned long long)r, fl);
                }
            }
        }
    }
    static const char *i2f_names[2][4] = { { "cvt.s.w", "cvt.s.wu", "cvt.s.l", "cvt.s.lu" },
                                           { "cvt.d.w", "cvt.d.wu", "cvt.d.l", "cvt.d.lu" } };
    for (int dst = 0; dst < 2; dst++) {
        const fmt_t *f = dst ? &FMT64 : &FMT32;
        for (int kind = 0; kind < 4; kind++) {
            for (int i = 0; i < n; i++) {
                uint64_t v = int_operand(kind >= 2);
                for (int m = 0; m < 4; m++) {
                    uint64_t r;
                    fesetround(x86_modes[m]);
                    feclearexcept(FE_ALL_EXCEPT);
                    if (!dst) {
                        volatile float o;
                        switch (kind) {
                        case 0: o = (float)(int32_t)(uint32_t)v; break;
                        case 1: o = (float)(uint32_t)v; break;
                        case 2: o = (float)(int64_t)v; break;
                        default: o = (float)(uint64_t)v; break;
                        }
                        r = u_of_f(o);
                    } else {
                        volatile double o;
                        switch (kind) {
                        case 0: o = (double)(int32_t)(uint32_t)v; break;
                        case 1: o = (double)(uint32_t)v; break;
                        case 2: o = (double)(int64_t)v; break;
                        default: o = (double)(uint64_t)v; break;
                        }
                        r = u_of_d(o);
                    }
                    int fl = rv_flags();
                    fesetround(FE_TONEAREST);
                    printf("%s %d %016llx", i2f_names[dst][kind], m, (unsigned long long)v);
                    hex(f, r);
                    printf(" %02x\n", fl);
                }
            }
        }
    }
    /* f64 -> f32 and f32 -> f64 */
    for (int i = 0; i < 4 * n; i++) {
        uint64_t a;
        int k = rndn(4);
        if (k == 0) a = gen_val(&FMT64);
        else if (k == 1) a = pack(&FMT64, rndn(2), 1023 - 126 - 1 - rndn(26), rnd64()); /* f32 subnormal range */
        else if (k == 2) a = pack(&FMT64, rndn(2), 1023 + 127 + rndn(2) - rndn(2), rfrac(&FMT64)); /* f32 overflow */
        else { /* f32 ties / near ties */
            uint64_t fr = rfrac(&FMT64) & ~((1ull << 29) - 1);
            fr |= (uint64_t)rndn(3) << 27 | (rndn(2) ? 1ull << 28 : 0);
            a = pack(&FMT64, rndn(2), 1023 - 140 + rndn(280), fr);
        }
        for (int m = 0; m < 4; m++) {
            fesetround(x86_modes[m]);
            feclearexcept(FE_ALL_EXCEPT);
            volatile double x = d_of(a);
            volatile float o = (float)x;
            int fl = rv_flags();
            fesetround(FE_TONEAREST);
            printf("cvt.s.d %d %016llx %08x %02x\n", m, (unsigned long long)a, (uint32_t)canon(&FMT32, u_of_f(o)), fl);
        }
    }
    for (int i = 0; i < n; i++) {
        uint64_t a = gen_val(&FMT32);
        for (int m = 0; m < 4; m++) {
            fesetround(x86_modes[m]);
            feclearexcept(FE_ALL_EXCEPT);
            volatile float x = f_of((uint32_t)a);
            volatile double o = (double)x;
            int fl = rv_flags();
            fesetround(FE_TONEAREST);
            printf("cvt.d.s %d %08x %016llx %02x\n", m, (uint32_t)a, (unsigned long long)canon(&FMT64, u_of_d(o)), fl);
        }
    }
}

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: %s arith32|arith64|cvt [seed] [n]\n", argv[0]); return 2; }
    rng_state = argc > 2 ? strtoull(argv[2], 0, 0) : 20240601;
    int n = argc > 3 ? atoi(argv[3]) : 0;
    if (!strcmp(argv[1], "arith32")) group_arith(&FMT32, n ? n : 700);
    else if (!strcmp(argv[1], "arith64")) group_arith(&FMT64, n ? n : 700);
    else if (!strcmp(argv[1], "cvt")) group_cvt(n ? n : 120);
    else { fprintf(stderr, "unknown group %s\n", argv[1]); return 2; }
    return 0;
}
