/* muldiv: RISC-V M extension edge cases.
 * div/divu/rem/remu and the W forms by zero and INT_MIN/-1 (done with inline asm on
 * RISC-V because those are undefined in C), mulh/mulhsu/mulhu (asm and __int128).
 * On a non-RISC-V host the same results come from a C model of the RISC-V rules,
 * so the native build must print exactly what the guest prints. */
#include <stdio.h>
#include <stdint.h>
#include <inttypes.h>

#if defined(__riscv)
#define OP2(name, insn, T) \
    static T name(T a, T b) { T r; __asm__ volatile(insn " %0, %1, %2" : "=r"(r) : "r"(a), "r"(b)); return r; }
OP2(rv_div,    "div",    int64_t)
OP2(rv_divu,   "divu",   uint64_t)
OP2(rv_rem,    "rem",    int64_t)
OP2(rv_remu,   "remu",   uint64_t)
OP2(rv_divw,   "divw",   int64_t)
OP2(rv_divuw,  "divuw",  int64_t)
OP2(rv_remw,   "remw",   int64_t)
OP2(rv_remuw,  "remuw",  int64_t)
OP2(rv_mul,    "mul",    int64_t)
OP2(rv_mulw,   "mulw",   int64_t)
OP2(rv_mulh,   "mulh",   int64_t)
OP2(rv_mulhu,  "mulhu",  uint64_t)
OP2(rv_mulhsu, "mulhsu", int64_t)
#else
/* Reference model of the RISC-V semantics. */
static int64_t rv_div(int64_t a, int64_t b)
{ if (b == 0) return -1; if (a == INT64_MIN && b == -1) return INT64_MIN; return a / b; }
static uint64_t rv_divu(uint64_t a, uint64_t b) { return b == 0 ? UINT64_MAX : a / b; }
static int64_t rv_rem(int64_t a, int64_t b)
{ if (b == 0) return a; if (a == INT64_MIN && b == -1) return 0; return a % b; }
static uint64_t rv_remu(uint64_t a, uint64_t b) { return b == 0 ? a : a % b; }
static int64_t rv_divw(int64_t a, int64_t b)
{ int32_t x = (int32_t)a, y = (int32_t)b; if (y == 0) return -1; if (x == INT32_MIN && y == -1) return INT32_MIN; return (int32_t)(x / y); }
static int64_t rv_divuw(int64_t a, int64_t b)
{ uint32_t x = (uint32_t)a, y = (uint32_t)b; return (int32_t)(y == 0 ? UINT32_MAX : x / y); }
static int64_t rv_remw(int64_t a, int64_t b)
{ int32_t x = (int32_t)a, y = (int32_t)b; if (y == 0) return x; if (x == INT32_MIN && y == -1) return 0; return (int32_t)(x % y); }
static int64_t rv_remuw(int64_t a, int64_t b)
{ uint32_t x = (uint32_t)a, y = (uint32_t)b; return (int32_t)(y == 0 ? x : x % y); }
static int64_t rv_mul(int64_t a, int64_t b) { return (int64_t)((uint64_t)a * (uint64_t)b); }
static int64_t rv_mulw(int64_t a, int64_t b) { return (int32_t)((uint32_t)a * (uint32_t)b); }
static int64_t rv_mulh(int64_t a, int64_t b) { return (int64_t)(((__int128)a * b) >> 64); }
static uint64_t rv_mulhu(uint64_t a, uint64_t b) { return (uint64_t)(((unsigned __int128)a * b) >> 64); }
static int64_t rv_mulhsu(int64_t a, int64_t b) { return (int64_t)(((__int128)a * (__int128)(unsigned __int128)(uint64_t)b) >> 64); }
#endif

static const int64_t vals[] = {
    0, 1, -1, 2, -2, 3, -3, 7, -7, 100, -100,
    INT64_MAX, INT64_MIN, INT64_MIN + 1,
    INT32_MAX, INT32_MIN, (int64_t)UINT32_MAX,
    0x123456789abcdef0LL, -0x0fedcba987654321LL, 0xffffffff80000000LL, 0x0000000100000000LL,
};
#define N (sizeof(vals) / sizeof(vals[0]))

int main(void)
{
    for (unsigned i = 0; i < N; i++) {
        for (unsigned j = 0; j < N; j++) {
            int64_t a = vals[i], b = vals[j];
            printf("%" PRIx64 " %" PRIx64 ": div=%" PRIx64 " divu=%" PRIx64 " rem=%" PRIx64 " remu=%" PRIx64
                   " divw=%" PRIx64 " divuw=%" PRIx64 " remw=%" PRIx64 " remuw=%" PRIx64 "\n",
                   (uint64_t)a, (uint64_t)b,
                   (uint64_t)rv_div(a, b), rv_divu((uint64_t)a, (uint64_t)b),
                   (uint64_t)rv_rem(a, b), rv_remu((uint64_t)a, (uint64_t)b),
                   (uint64_t)rv_divw(a, b), (uint64_t)rv_divuw(a, b),
                   (uint64_t)rv_remw(a, b), (uint64_t)rv_remuw(a, b));
        }
    }
    for (unsigned i = 0; i < N; i++) {
        for (unsigned j = 0; j < N; j++) {
            int64_t a = vals[i], b = vals[j];
            /* Cross-check the instructions against __int128 arithmetic. */
            __int128 ps = (__int128)a * b;
            unsigned __int128 pu = (unsigned __int128)(uint64_t)a * (uint64_t)b;
            __int128 psu = (__int128)a * (__int128)(unsigned __int128)(uint64_t)b;
            int ok = rv_mulh(a, b) == (int64_t)(ps >> 64) &&
                     rv_mulhu((uint64_t)a, (uint64_t)b) == (uint64_t)(pu >> 64) &&
                     rv_mulhsu(a, b) == (int64_t)(psu >> 64) &&
                     rv_mul(a, b) == (int64_t)(uint64_t)pu;
            printf("%" PRIx64 " * %" PRIx64 ": mul=%" PRIx64 " mulw=%" PRIx64 " mulh=%" PRIx64
                   " mulhu=%" PRIx64 " mulhsu=%" PRIx64 " %s\n",
                   (uint64_t)a, (uint64_t)b, (uint64_t)rv_mul(a, b), (uint64_t)rv_mulw(a, b),
                   (uint64_t)rv_mulh(a, b), rv_mulhu((uint64_t)a, (uint64_t)b),
                   (uint64_t)rv_mulhsu(a, b), ok ? "ok" : "MISMATCH");
        }
    }
    /* Ordinary C division, well-defined cases (compiles to div/rem). */
    volatile int64_t x = -7, y = 2;
    volatile int32_t x32 = -7, y32 = 2;
    volatile uint32_t ux = 0xfffffff9u, uy = 2;
    printf("C: -7/2=%" PRId64 " -7%%2=%" PRId64 " 32bit: %d %d unsigned32: %u %u\n",
           x / y, x % y, x32 / y32, x32 % y32, ux / uy, ux % uy);
    return 0;
}
