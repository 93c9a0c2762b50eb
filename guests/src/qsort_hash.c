/* qsort_hash: qsort of ints, doubles, strings and structs (multi-key, stability check
 * via index tie-break), bsearch, plus FNV/murmur-style hashing of the sorted data. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <inttypes.h>

static uint32_t lcg = 12345;
static uint32_t rnd(void) { lcg = lcg * 1103515245u + 12345u; return lcg >> 1; }

static int cmp_int(const void *a, const void *b) { int x = *(const int *)a, y = *(const int *)b; return (x > y) - (x < y); }
static int cmp_dbl(const void *a, const void *b) { double x = *(const double *)a, y = *(const double *)b; return (x > y) - (x < y); }
static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }
struct rec { int group; char name[12]; int idx; };
static int cmp_rec(const void *a, const void *b)
{
    const struct rec *x = a, *y = b;
    if (x->group != y->group) return x->group - y->group;
    int c = strcmp(x->name, y->name);
    if (c) return c;
    return x->idx - y->idx;
}
static uint64_t fnv(const void *p, size_t n)
{
    const unsigned char *s = p; uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) { h ^= s[i]; h *= 1099511628211ULL; }
    return h;
}
static uint64_t mix64(uint64_t k) { k ^= k >> 33; k *= 0xff51afd7ed558ccdULL; k ^= k >> 33; k *= 0xc4ceb9fe1a85ec53ULL; k ^= k >> 33; return k; }

int main(void)
{
    enum { N = 200000 };
    int *a = malloc(N * sizeof *a);
    for (int i = 0; i < N; i++) a[i] = (int)(rnd() % 1000000) - 500000;
    qsort(a, N, sizeof *a, cmp_int);
    int ok = 1;
    for (int i = 1; i < N; i++) if (a[i - 1] > a[i]) ok = 0;
    printf("ints sorted=%d min=%d max=%d median=%d fnv=%016" PRIx64 "\n", ok, a[0], a[N - 1], a[N / 2], fnv(a, N * sizeof *a));
    int found = 0;
    for (int k = -500000; k < 500000; k += 997) if (bsearch(&k, a, N, sizeof *a, cmp_int)) found++;
    printf("bsearch found %d\n", found);

    double *d = malloc(50000 * sizeof *d);
    for (int i = 0; i < 50000; i++) d[i] = (double)rnd() / 4096.0 - 100000.0;
    qsort(d, 50000, sizeof *d, cmp_dbl);
    printf("doubles first=%.6f last=%.6f fnv=%016" PRIx64 "\n", d[0], d[49999], fnv(d, 50000 * sizeof *d));

    enum { S = 20000 };
    char **strs = malloc(S * sizeof *strs);
    for (int i = 0; i < S; i++) {
        char buf[16]; int len = 3 + rnd() % 8;
        for (int k = 0; k < len; k++) buf[k] = (char)('a' + rnd() % 26);
        buf[len] = 0; strs[i] = strdup(buf);
    }
    qsort(strs, S, sizeof *strs, cmp_str);
    uint64_t hs = 0;
    for (int i = 0; i < S; i++) hs = mix64(hs ^ fnv(strs[i], strlen(strs[i])));
    printf("strings first=%s last=%s mid=%s hash=%016" PRIx64 "\n", strs[0], strs[S - 1], strs[S / 2], hs);

    enum { R = 30000 };
    struct rec *r = calloc(R, sizeof *r);
    for (int i = 0; i < R; i++) { r[i].group = rnd() % 50; snprintf(r[i].name, sizeof r[i].name, "n%u", rnd() % 300); r[i].idx = i; }
    qsort(r, R, sizeof *r, cmp_rec);
    uint64_t hr = 0;
    for (int i = 0; i < R; i++) hr = mix64(hr + (uint64_t)r[i].idx * 31 + (uint64_t)r[i].group);
    printf("records first=(%d,%s,%d) last=(%d,%s,%d) hash=%016" PRIx64 "\n", r[0].group, r[0].name, r[0].idx,
           r[R - 1].group, r[R - 1].name, r[R - 1].idx, hr);

    /* open-addressing hash set of the ints: count distinct */
    size_t cap = 1 << 19; int *set = malloc(cap * sizeof *set); char *used = calloc(cap, 1);
    size_t distinct = 0;
    for (int i = 0; i < N; i++) {
        size_t h = mix64((uint64_t)(uint32_t)a[i]) & (cap - 1);
        while (used[h] && set[h] != a[i]) h = (h + 1) & (cap - 1);
        if (!used[h]) { used[h] = 1; set[h] = a[i]; distinct++; }
    }
    size_t distinct2 = N ? 1 : 0;
    for (int i = 1; i < N; i++) if (a[i] != a[i - 1]) distinct2++;
    printf("distinct=%zu (sorted scan %zu)\n", distinct, distinct2);
    for (int i = 0; i < S; i++) free(strs[i]);
    free(strs); free(a); free(d); free(r); free(set); free(used);
    return 0;
}
