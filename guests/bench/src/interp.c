/* interp: an indirect-jump-heavy bytecode interpreter loop using computed goto (GCC
 * labels as values; one indirect jump per instruction). The bytecode computes
 * nested-loop sums, a prime count by trial division and a recursive Fibonacci via an
 * explicit call stack. Usage: interp [scale]. */
#define DEFAULT_SCALE 15   /* about 1.5 s under qemu-riscv64 */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>

enum { I_PUSH, I_LOAD, I_STORE, I_ADD, I_SUB, I_MUL, I_MOD, I_LT, I_JZ, I_JMP, I_DUP, I_POP,
       I_CALL, I_RET, I_ARG, I_HALT, I_INC, I_XOR, I_SHL };

typedef int64_t cell;

static cell run(const cell *code, cell *vars)
{
    static void *labels[] = { &&L_PUSH, &&L_LOAD, &&L_STORE, &&L_ADD, &&L_SUB, &&L_MUL, &&L_MOD, &&L_LT,
                              &&L_JZ, &&L_JMP, &&L_DUP, &&L_POP, &&L_CALL, &&L_RET, &&L_ARG, &&L_HALT,
                              &&L_INC, &&L_XOR, &&L_SHL };
    cell stack[1024], *sp = stack;
    const cell *rstack[4096], **rsp = rstack;
    cell fstack[4096], *fsp = fstack;
    const cell *pc = code;
#define NEXT goto *labels[*pc++]
    NEXT;
L_PUSH: *sp++ = *pc++; NEXT;
L_LOAD: *sp++ = vars[*pc++]; NEXT;
L_STORE: vars[*pc++] = *--sp; NEXT;
L_ADD: sp--; sp[-1] += sp[0]; NEXT;
L_SUB: sp--; sp[-1] -= sp[0]; NEXT;
L_MUL: sp--; sp[-1] *= sp[0]; NEXT;
L_MOD: sp--; sp[-1] = sp[0] ? sp[-1] % sp[0] : 0; NEXT;
L_LT: sp--; sp[-1] = sp[-1] < sp[0]; NEXT;
L_JZ: if (*--sp == 0) pc = code + *pc; else pc++; NEXT;
L_JMP: pc = code + *pc; NEXT;
L_DUP: sp[0] = sp[-1]; sp++; NEXT;
L_POP: sp--; NEXT;
L_CALL: *rsp++ = pc + 1; *fsp++ = *--sp; pc = code + *pc; NEXT;   /* one argument */
L_RET: pc = *--rsp; fsp--; NEXT;
L_ARG: *sp++ = fsp[-1]; NEXT;
L_INC: vars[*pc++]++; NEXT;
L_XOR: sp--; sp[-1] ^= sp[0]; NEXT;
L_SHL: sp--; sp[-1] = (cell)((uint64_t)sp[-1] << (sp[0] & 63)); NEXT;
L_HALT: return sp > stack ? sp[-1] : 0;
}

int main(int argc, char **argv)
{
    int scale = argc > 1 ? atoi(argv[1]) : DEFAULT_SCALE;
    if (scale < 1) scale = 1;
    cell vars[16] = { 0 };
    /* program 1: for i in 0..N: for j in 0..200: acc = (acc ^ (i*j)) + j */
    const cell p1[] = {
        I_PUSH, 0, I_STORE, 0,                       /* 0: i = 0 */
        I_LOAD, 0, I_LOAD, 3, I_LT, I_JZ, 44,         /* 4: while i < N */
        I_PUSH, 0, I_STORE, 1,                       /* 11: j = 0 */
        I_LOAD, 1, I_PUSH, 200, I_LT, I_JZ, 40,       /* 15: while j < 200 */
        I_LOAD, 2, I_LOAD, 0, I_LOAD, 1, I_MUL, I_XOR, I_LOAD, 1, I_ADD, I_STORE, 2, /* 22 */
        I_INC, 1, I_JMP, 15,                         /* 35..38 */
        I_POP,                                       /* 39 (unused) */
        I_INC, 0, I_JMP, 4,                          /* 40 */
        I_LOAD, 2, I_HALT };                         /* 44 */
    vars[3] = 2000L * scale;
    cell r1 = run(p1, vars);
    /* program 2: count primes below M by trial division (built with a tiny emitter
     * to keep jump targets right) */
    cell q[256]; int n = 0;
#define E(x) (q[n++] = (x))
    int L_outer, L_inner, L_prime, L_next, fix_done, fix_prime1, fix_next1;
    E(I_PUSH); E(2); E(I_STORE); E(0); E(I_PUSH); E(0); E(I_STORE); E(2);
    L_outer = n; E(I_LOAD); E(0); E(I_LOAD); E(3); E(I_LT); E(I_JZ); fix_done = n; E(0);
    E(I_PUSH); E(2); E(I_STORE); E(1);
    L_inner = n;
    /* if n < d*d: prime */
    E(I_LOAD); E(0); E(I_LOAD); E(1); E(I_LOAD); E(1); E(I_MUL); E(I_LT); E(I_JZ); int fix_cont = n; E(0);
    E(I_JMP); fix_prime1 = n; E(0);
    q[fix_cont] = n;
    /* if n % d == 0: composite */
    E(I_LOAD); E(0); E(I_LOAD); E(1); E(I_MOD); E(I_JZ); fix_next1 = n; E(0);
    E(I_INC); E(1); E(I_JMP); E(L_inner);
    L_prime = n; q[fix_prime1] = L_prime;
    E(I_INC); E(2);
    L_next = n; q[fix_next1] = L_next;
    E(I_INC); E(0); E(I_JMP); E(L_outer);
    q[fix_done] = n; E(I_LOAD); E(2); E(I_HALT);
    vars[3] = 30000L * scale / 10 + 20000;
    cell r2 = run(q, vars);
    /* program 3: recursive fib(k) */
    n = 0;
    int L_fib;
    E(I_PUSH); E(0); E(I_CALL); int fix_call0 = n; E(0); E(I_HALT);
    L_fib = n; q[fix_call0] = L_fib;
    E(I_ARG); E(I_PUSH); E(2); E(I_LT); E(I_JZ); int fix_rec = n; E(0);
    E(I_ARG); E(I_RET);
    q[fix_rec] = n;
    E(I_ARG); E(I_PUSH); E(1); E(I_SUB); E(I_CALL); E(L_fib);
    E(I_ARG); E(I_PUSH); E(2); E(I_SUB); E(I_CALL); E(L_fib);
    E(I_ADD); E(I_RET);
    int k = 20 + (scale >= 10 ? 4 : scale / 3);
    q[1] = k;
    cell r3 = run(q, vars);
    printf("loops=%lld primes=%lld fib(%d)=%lld\n", (long long)r1, (long long)r2, k, (long long)r3);
    return 0;
}
