/* sorthash: sorting and hashing of large arrays: 1M 32-bit keys sorted by qsort and
 * by a hand-written introsort-style quicksort (results compared), 64-bit keys by
 * LSD radix sort, then an open-addressing hash table (linear probing) with inserts,
 * lookups and deletes (tombstones), and a 64-bit mixing hash over everything.
 * Usage: sorthash [scale]. */
#define DEFAULT_SCALE 13   /* about 1.5 s under qemu-riscv64 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>

static uint64_t s = 0x123456789abcdefULL;
static uint64_t next64(void) { s += 0x9e3779b97f4a7c15ULL; uint64_t z = s; z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL; z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL; return z ^ (z >> 31); }
static int cmp32(const void *a, const void *b) { uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b; return (x > y) - (x < y); }

static void qs(uint32_t *a, long lo, long hi)
{
    while (hi - lo > 12) {
        uint32_t p = a[lo + (hi - lo) / 2];
        long i = lo, j = hi;
        while (i <= j) { while (a[i] < p) i++; while (a[j] > p) j--; if (i <= j) { uint32_t t = a[i]; a[i++] = a[j]; a[j--] = t; } }
        if (j - lo < hi - i) { qs(a, lo, j); lo = i; } else { qs(a, i, hi); hi = j; }
    }
    for (long i = lo + 1; i <= hi; i++) { uint32_t v = a[i]; long j = i - 1; while (j >= lo && a[j] > v) { a[j + 1] = a[j]; j--; } a[j + 1] = v; }
}

static uint64_t mix(uint64_t h, uint64_t v) { h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2); return h; }

#define EMPTY 0
#define TOMB 1
int main(int argc, char **argv)
{
    int scale = argc > 1 ? atoi(argv[1]) : DEFAULT_SCALE;
    if (scale < 1) scale = 1;
    long n = 100000L * scale;
    uint32_t *a = malloc(n * 4), *b = malloc(n * 4);
    for (long i = 0; i < n; i++) a[i] = b[i] = (uint32_t)next64() % (uint32_t)(n * 4);
    qsort(a, n, 4, cmp32);
    qs(b, 0, n - 1);
    int same = memcmp(a, b, n * 4) == 0;
    uint64_t h = 0;
    for (long i = 0; i < n; i++) h = mix(h, a[i]);

    long m = n / 2;
    uint64_t *k = malloc(m * 8), *t = malloc(m * 8);
    for (long i = 0; i < m; i++) k[i] = next64();
    for (int shift = 0; shift < 64; shift += 8) {
        long cnt[257] = { 0 };
        for (long i = 0; i < m; i++) cnt[((k[i] >> shift) & 255) + 1]++;
        for (int i = 0; i < 256; i++) cnt[i + 1] += cnt[i];
        for (long i = 0; i < m; i++) t[cnt[(k[i] >> shift) & 255]++] = k[i];
        uint64_t *sw = k; k = t; t = sw;
    }
    int rsorted = 1;
    for (long i = 1; i < m; i++) if (k[i - 1] > k[i]) rsorted = 0;
    for (long i = 0; i < m; i += 7) h = mix(h, k[i]);

    /* open addressing hash table of 64-bit keys (keys 0/1 reserved) */
    size_t cap = 1; while (cap < (size_t)n * 2) cap <<= 1;
    uint64_t *tab = calloc(cap, 8);
    uint32_t *val = calloc(cap, 4);
    long inserted = 0, found = 0, deleted = 0;
    for (long i = 0; i < n; i++) {
        uint64_t key = (uint64_t)a[i] * 0x9e3779b97f4a7c15ULL | 2;
        size_t p = (key ^ key >> 29) & (cap - 1);
        long tomb = -1;
        while (tab[p] != EMPTY && tab[p] != key) { if (tab[p] == TOMB && tomb < 0) tomb = (long)p; p = (p + 1) & (cap - 1); }
        if (tab[p] == key) val[p]++;
        else { if (tomb >= 0) p = (size_t)tomb; tab[p] = key; val[p] = 1; inserted++; }
        if (i % 3 == 0) {   /* delete an older key */
            uint64_t dk = (uint64_t)a[i / 2] * 0x9e3779b97f4a7c15ULL | 2;
            size_t q = (dk ^ dk >> 29) & (cap - 1);
            while (tab[q] != EMPTY && tab[q] != dk) q = (q + 1) & (cap - 1);
            if (tab[q] == dk) { tab[q] = TOMB; deleted++; }
        }
    }
    for (long i = 0; i < n; i++) {
        uint64_t key = (uint64_t)(uint32_t)next64() % (uint32_t)(n * 4) * 0x9e3779b97f4a7c15ULL | 2;
        size_t p = (key ^ key >> 29) & (cap - 1);
        while (tab[p] != EMPTY && tab[p] != key) p = (p + 1) & (cap - 1);
        if (tab[p] == key) { found++; h = mix(h, val[p]); }
    }
    printf("n=%ld same=%d radix_sorted=%d inserted=%ld deleted=%ld found=%ld hash=%016llx\n", n, same, rsorted, inserted,
           deleted, found, (unsigned long long)h);
    free(a); free(b); free(k); free(t); free(tab); free(val);
    return 0;
}
