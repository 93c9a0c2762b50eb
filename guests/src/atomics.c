/* atomics: C11 <stdatomic.h> and __atomic builtins on 8/16/32/64-bit objects:
 * fetch_add/sub/and/or/xor, min/max via CAS and via __atomic_fetch_min-like AMOs
 * (amomin/amomax through inline asm on RISC-V), exchange, compare_exchange
 * strong/weak (LR/SC), atomic_flag, fences. Single-threaded, deterministic. */
#include <stdio.h>
#include <stdint.h>
#include <inttypes.h>
#include <stdatomic.h>
#include <stdbool.h>

static _Atomic int32_t a32 = 10;
static _Atomic int64_t a64 = 1000000000000LL;
static _Atomic uint8_t a8 = 250;
static _Atomic uint16_t a16 = 65530;
static atomic_flag flag = ATOMIC_FLAG_INIT;

/* Signed/unsigned min/max as the RISC-V AMOs define them. */
#if defined(__riscv)
#define AMO(name, insn, T) \
    static T name(T *p, T v) { T old; __asm__ volatile(insn " %0, %2, (%1)" : "=r"(old) : "r"(p), "r"(v) : "memory"); return old; }
AMO(amomin_w,  "amomin.w",  int32_t)
AMO(amomax_w,  "amomax.w",  int32_t)
AMO(amominu_w, "amominu.w", uint32_t)
AMO(amomaxu_w, "amomaxu.w", uint32_t)
AMO(amomin_d,  "amomin.d",  int64_t)
AMO(amomax_d,  "amomax.d",  int64_t)
AMO(amominu_d, "amominu.d", uint64_t)
AMO(amomaxu_d, "amomaxu.d", uint64_t)
AMO(amoswap_w_aqrl, "amoswap.w.aqrl", int32_t)
#else
#define AMO(name, T, op) \
    static T name(T *p, T v) { T old = __atomic_load_n(p, __ATOMIC_SEQ_CST); \
        T nv; do { nv = op; } while (!__atomic_compare_exchange_n(p, &old, nv, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)); return old; }
AMO(amomin_w,  int32_t,  (old < v ? old : v))
AMO(amomax_w,  int32_t,  (old > v ? old : v))
AMO(amominu_w, uint32_t, (old < v ? old : v))
AMO(amomaxu_w, uint32_t, (old > v ? old : v))
AMO(amomin_d,  int64_t,  (old < v ? old : v))
AMO(amomax_d,  int64_t,  (old > v ? old : v))
AMO(amominu_d, uint64_t, (old < v ? old : v))
AMO(amomaxu_d, uint64_t, (old > v ? old : v))
AMO(amoswap_w_aqrl, int32_t, v)
#endif

/* Explicit LR/SC sequences (RISC-V) or the equivalent CAS loops (host). */
#if defined(__riscv)
static uint64_t lrsc_add_d(uint64_t *p, uint64_t v)
{
    uint64_t old, tmp;
    __asm__ volatile("1: lr.d.aq %0, (%2)\n\t"
                     "add %1, %0, %3\n\t"
                     "sc.d.rl %1, %1, (%2)\n\t"
                     "bnez %1, 1b"
                     : "=&r"(old), "=&r"(tmp) : "r"(p), "r"(v) : "memory");
    return old;
}
/* byte fetch-add by masking inside the aligned word */
static uint8_t lrsc_add_b(uint8_t *p, uint8_t v)
{
    uintptr_t a = (uintptr_t)p;
    uint32_t *w = (uint32_t *)(a & ~(uintptr_t)3);
    unsigned sh = (a & 3) * 8;
    uint32_t mask = 0xffu << sh, inc = (uint32_t)v << sh, old, tmp;
    __asm__ volatile("1: lr.w %0, (%2)\n\t"
                     "add %1, %0, %3\n\t"
                     "and %1, %1, %4\n\t"
                     "xor %1, %1, %0\n\t"
                     "and %1, %1, %4\n\t"
                     "xor %1, %1, %0\n\t"
                     "sc.w %1, %1, (%2)\n\t"
                     "bnez %1, 1b"
                     : "=&r"(old), "=&r"(tmp) : "r"(w), "r"(inc), "r"(mask) : "memory");
    return (uint8_t)(old >> sh);
}
/* SC with no reservation must fail (returns nonzero) and must not store. */
static int sc_without_lr(uint32_t *p, uint32_t v)
{
    long r;
    __asm__ volatile("sc.w %0, %2, (%1)" : "=&r"(r) : "r"(p), "r"(v) : "memory");
    return r != 0;
}
#else
static uint64_t lrsc_add_d(uint64_t *p, uint64_t v) { return __atomic_fetch_add(p, v, __ATOMIC_SEQ_CST); }
static uint8_t lrsc_add_b(uint8_t *p, uint8_t v) { return __atomic_fetch_add(p, v, __ATOMIC_SEQ_CST); }
static int sc_without_lr(uint32_t *p, uint32_t v) { (void)p; (void)v; return 1; }
#endif

/* Generic CAS-loop fetch_max (what C code without AMO access would do). */
static int64_t cas_fetch_max(_Atomic int64_t *p, int64_t v)
{
    int64_t old = atomic_load(p);
    while (old < v && !atomic_compare_exchange_weak(p, &old, v))
        ;
    return old;
}

int main(void)
{
    int32_t o;
    o = atomic_fetch_add(&a32, 5);      printf("fetch_add32 old=%d new=%d\n", o, atomic_load(&a32));
    o = atomic_fetch_sub(&a32, 20);     printf("fetch_sub32 old=%d new=%d\n", o, atomic_load(&a32));
    o = atomic_fetch_and(&a32, 0x7ff0); printf("fetch_and32 old=%d new=%d\n", o, atomic_load(&a32));
    o = atomic_fetch_or(&a32, 0x0f);    printf("fetch_or32 old=%d new=%d\n", o, atomic_load(&a32));
    o = atomic_fetch_xor(&a32, -1);     printf("fetch_xor32 old=%d new=%d\n", o, atomic_load(&a32));
    o = atomic_exchange(&a32, INT32_MAX); printf("xchg32 old=%d new=%d\n", o, atomic_load(&a32));
    o = atomic_fetch_add(&a32, 1);      printf("fetch_add32 wrap old=%d new=%d\n", o, atomic_load(&a32));

    int64_t p;
    p = atomic_fetch_add(&a64, 0x100000000LL); printf("fetch_add64 old=%" PRId64 " new=%" PRId64 "\n", p, atomic_load(&a64));
    p = atomic_fetch_sub(&a64, 1);      printf("fetch_sub64 old=%" PRId64 " new=%" PRId64 "\n", p, atomic_load(&a64));
    p = atomic_fetch_and(&a64, 0xffff0000ffffLL); printf("fetch_and64 old=%" PRIx64 " new=%" PRIx64 "\n", p, atomic_load(&a64));
    p = atomic_fetch_or(&a64, INT64_MIN); printf("fetch_or64 old=%" PRIx64 " new=%" PRIx64 "\n", p, atomic_load(&a64));
    p = atomic_fetch_xor(&a64, 0x5555555555555555LL); printf("fetch_xor64 old=%" PRIx64 " new=%" PRIx64 "\n", p, atomic_load(&a64));
    p = atomic_exchange(&a64, -5);      printf("xchg64 old=%" PRIx64 " new=%" PRId64 "\n", p, atomic_load(&a64));

    /* compare_exchange: success and failure paths. */
    int64_t expected = -5;
    bool ok = atomic_compare_exchange_strong(&a64, &expected, 77);
    printf("cas64 strong ok=%d expected=%" PRId64 " now=%" PRId64 "\n", ok, expected, atomic_load(&a64));
    expected = 1;
    ok = atomic_compare_exchange_strong(&a64, &expected, 88);
    printf("cas64 strong ok=%d expected=%" PRId64 " now=%" PRId64 "\n", ok, expected, atomic_load(&a64));
    int32_t e32 = INT32_MIN;
    ok = atomic_compare_exchange_strong(&a32, &e32, 5);
    printf("cas32 strong ok=%d expected=%d now=%d\n", ok, e32, atomic_load(&a32));
    e32 = 4;
    ok = atomic_compare_exchange_strong(&a32, &e32, 6);
    printf("cas32 strong ok=%d expected=%d now=%d\n", ok, e32, atomic_load(&a32));
    /* weak CAS in a loop (may fail spuriously; loop until done). */
    int32_t cur = atomic_load(&a32);
    int spins = 0;
    while (!atomic_compare_exchange_weak(&a32, &cur, cur * 3)) spins++;
    printf("cas32 weak loop now=%d\n", atomic_load(&a32));

    /* Sub-word atomics (masked LR/SC sequences on RISC-V). */
    uint8_t b = atomic_fetch_add(&a8, 10);   printf("fetch_add8 old=%u new=%u\n", b, atomic_load(&a8));
    b = atomic_exchange(&a8, 0x81);           printf("xchg8 old=%u new=%u\n", b, atomic_load(&a8));
    uint8_t e8 = 0x81;
    ok = atomic_compare_exchange_strong(&a8, &e8, 0x7f); printf("cas8 ok=%d now=%u\n", ok, atomic_load(&a8));
    uint16_t hw = atomic_fetch_add(&a16, 10); printf("fetch_add16 old=%u new=%u\n", hw, atomic_load(&a16));
    hw = atomic_fetch_or(&a16, 0xf000);       printf("fetch_or16 old=%u new=%u\n", hw, atomic_load(&a16));
    uint16_t e16 = 1;
    ok = atomic_compare_exchange_strong(&a16, &e16, 2); printf("cas16 ok=%d expected=%u now=%u\n", ok, e16, atomic_load(&a16));

    /* __atomic builtins with explicit memory orders. */
    int64_t plain = 40;
    printf("add_fetch=%" PRId64, __atomic_add_fetch(&plain, 2, __ATOMIC_RELAXED));
    printf(" sub_fetch=%" PRId64, __atomic_sub_fetch(&plain, 50, __ATOMIC_ACQUIRE));
    printf(" nand_fetch=%" PRIx64, (uint64_t)__atomic_nand_fetch(&plain, 0xff, __ATOMIC_RELEASE));
    printf(" exchange=%" PRIx64, (uint64_t)__atomic_exchange_n(&plain, 9, __ATOMIC_ACQ_REL));
    printf(" load=%" PRId64 "\n", __atomic_load_n(&plain, __ATOMIC_SEQ_CST));
    __atomic_store_n(&plain, 123, __ATOMIC_RELEASE);
    int64_t ex = 123;
    int casok = __atomic_compare_exchange_n(&plain, &ex, 321, 0, __ATOMIC_SEQ_CST, __ATOMIC_RELAXED);
    printf("builtin cas=%d now=%" PRId64 "\n", casok, plain);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    atomic_signal_fence(memory_order_seq_cst);

    /* min/max AMOs, signed vs unsigned. */
    int32_t w = -10;
    int32_t ow = amomin_w(&w, 3);      printf("amomin.w old=%d new=%d\n", ow, w);
    ow = amomax_w(&w, 3);              printf("amomax.w old=%d new=%d\n", ow, w);
    ow = amomax_w(&w, -100);           printf("amomax.w old=%d new=%d\n", ow, w);
    uint32_t uw = 5;
    uint32_t ouw = amomaxu_w(&uw, 0xfffffff0u); printf("amomaxu.w old=%u new=%u\n", ouw, uw);
    ouw = amominu_w(&uw, 7);                    printf("amominu.w old=%u new=%u\n", ouw, uw);
    int64_t d = INT64_MIN;
    int64_t od = amomax_d(&d, -1);     printf("amomax.d old=%" PRId64 " new=%" PRId64 "\n", od, d);
    od = amomin_d(&d, INT64_MIN + 7);  printf("amomin.d old=%" PRId64 " new=%" PRId64 "\n", od, d);
    uint64_t ud = 1;
    uint64_t oud = amomaxu_d(&ud, (uint64_t)INT64_MIN); printf("amomaxu.d old=%" PRIu64 " new=%" PRIu64 "\n", oud, ud);
    oud = amominu_d(&ud, 42);          printf("amominu.d old=%" PRIu64 " new=%" PRIu64 "\n", oud, ud);
    ow = amoswap_w_aqrl(&w, 99);       printf("amoswap.w.aqrl old=%d new=%d\n", ow, w);

    _Atomic int64_t m = 10;
    int64_t om = cas_fetch_max(&m, 50); printf("cas max old=%" PRId64 " new=%" PRId64 "\n", om, atomic_load(&m));
    om = cas_fetch_max(&m, 20);         printf("cas max old=%" PRId64 " new=%" PRId64 "\n", om, atomic_load(&m));

    uint64_t lr64 = 0xfffffffffffffff0ULL;
    uint64_t olr = lrsc_add_d(&lr64, 0x20);
    printf("lr/sc add.d old=%" PRIx64 " new=%" PRIx64 "\n", olr, lr64);
    union { uint32_t w; uint8_t b[4]; } bw = { .w = 0x11223344 };
    uint8_t ob = lrsc_add_b(&bw.b[2], 0xf0);
    printf("lr/sc add.b old=%02x word=%08" PRIx32 "\n", ob, bw.w);
    ob = lrsc_add_b(&bw.b[3], 0x01);
    printf("lr/sc add.b old=%02x word=%08" PRIx32 "\n", ob, bw.w);
    uint32_t scw = 5;
    int failed = sc_without_lr(&scw, 6);
    printf("sc.w without lr: failed=%d value=%u\n", failed, scw);

    /* atomic_flag as a spinlock. */
    printf("flag test_and_set: %d", atomic_flag_test_and_set(&flag));
    printf(" %d", atomic_flag_test_and_set(&flag));
    atomic_flag_clear(&flag);
    printf(" %d\n", atomic_flag_test_and_set(&flag));

    /* A counter hammered in a loop. */
    _Atomic uint64_t counter = 0;
    for (int i = 0; i < 100000; i++) {
        atomic_fetch_add_explicit(&counter, (uint64_t)i, memory_order_relaxed);
        if ((i & 1023) == 0) atomic_fetch_xor(&counter, (uint64_t)i << 20);
    }
    printf("counter=%" PRIu64 " lockfree32=%d lockfree64=%d\n", atomic_load(&counter),
           (int)atomic_is_lock_free(&a32), (int)atomic_is_lock_free(&a64));
    return 0;
}
