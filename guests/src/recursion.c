/* recursion: deep recursion and large stack frames: Ackermann(2,n)/(3,n), a recursive
 * descent expression parser/evaluator, mutual recursion, a 4 MB on-stack array
 * (default 8 MB stack), alloca, variable-length arrays, and functions with many
 * arguments (stack-passed beyond the 8 argument registers), incl. doubles. */
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <alloca.h>
#include <inttypes.h>

static long ack(long m, long n) { if (m == 0) return n + 1; if (n == 0) return ack(m - 1, 1); return ack(m - 1, ack(m, n - 1)); }
static int is_even(unsigned n);
static int is_odd(unsigned n) { return n == 0 ? 0 : is_even(n - 1); }
static int is_even(unsigned n) { return n == 0 ? 1 : is_odd(n - 1); }

static const char *ps;
static long expr(void);
static long atom(void)
{
    while (*ps == ' ') ps++;
    if (*ps == '(') { ps++; long v = expr(); while (*ps == ' ') ps++; ps++; return v; }
    if (*ps == '-') { ps++; return -atom(); }
    long v = 0; while (*ps >= '0' && *ps <= '9') v = v * 10 + (*ps++ - '0');
    return v;
}
static long term(void)
{
    long v = atom();
    for (;;) { while (*ps == ' ') ps++; char c = *ps; if (c != '*' && c != '/' && c != '%') return v; ps++;
        long r = atom(); v = c == '*' ? v * r : c == '/' ? (r ? v / r : 0) : (r ? v % r : 0); }
}
static long expr(void)
{
    long v = term();
    for (;;) { while (*ps == ' ') ps++; char c = *ps; if (c != '+' && c != '-') return v; ps++; long r = term(); v = c == '+' ? v + r : v - r; }
}
static long eval(const char *s) { ps = s; return expr(); }

static uint64_t big_frame(int n)
{
    volatile unsigned char arr[4 << 20];
    for (size_t i = 0; i < sizeof arr; i += 4096) arr[i] = (unsigned char)(i >> 12);
    uint64_t s = 0;
    for (size_t i = 0; i < sizeof arr; i += 4096) s += arr[i];
    return s + (uint64_t)n;
}
static uint64_t vla(int n)
{
    uint64_t a[n];
    for (int i = 0; i < n; i++) a[i] = (uint64_t)i * i;
    uint64_t *b = alloca(n * sizeof *b);
    for (int i = 0; i < n; i++) b[i] = a[n - 1 - i] ^ 0x55;
    uint64_t s = 0; for (int i = 0; i < n; i++) s += b[i];
    return s;
}
static double many(int a, long b, double c, int d, float e, long f, double g, int h, long i, double j, int k, long l,
                   double m, float n, int o, long p, double q, double r, double s, double t, int u)
{
    return a + b + c + d + e + f + g + h + i + j + k + l + m + n + o + p + q + r + s + t + u;
}
static long sumdepth(long n) { volatile long pad[4]; pad[0] = n; return n == 0 ? 0 : pad[0] + sumdepth(n - 1); }

int main(void)
{
    printf("ack(2,500)=%ld ack(3,7)=%ld\n", ack(2, 500), ack(3, 7));
    printf("is_even(100001)=%d is_odd(77777)=%d\n", is_even(100001), is_odd(77777));
    const char *es[] = { "1+2*3", "(1+2)*3", "-(4-10)*(3+-2)", "100/7%4", "((((((((((1+1))))))))))*2-3*(2*(2*(2+1)))",
                         "2*3*4*5*6*7*8*9*10*11*12*13*14*15*16*17*18*19*20" };
    for (int i = 0; i < 6; i++) printf("eval(%s)=%ld\n", es[i], eval(es[i]));
    printf("big_frame=%" PRIu64 "\n", big_frame(5));
    printf("vla(1000)=%" PRIu64 " vla(100000)=%" PRIu64 "\n", vla(1000), vla(100000));
    printf("many=%.3f\n", many(1, 2, 3.5, 4, 5.25f, 6, 7.125, 8, 9, 10.5, 11, 12, 13.75, 14.5f, 15, 16, 17.0625, 18, 19, 20.5, 21));
    printf("sumdepth(20000)=%ld\n", sumdepth(20000));
    return 0;
}
