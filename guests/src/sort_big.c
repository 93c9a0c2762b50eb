/* sort_big: sorting and hashing a large array (1M 64-bit keys): hand-written
 * introsort-like quicksort, bottom-up merge sort, LSD radix sort; all three must agree;
 * CRC32 (table driven) and xxhash-like mixing of the results; a heap-based top-k. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <inttypes.h>

#define N 1000000

static uint64_t s0 = 0x243f6a8885a308d3ULL, s1 = 0x13198a2e03707344ULL;
static uint64_t xorshift128p(void)
{
    uint64_t a = s0, b = s1;
    s0 = b; a ^= a << 23; s1 = a ^ b ^ (a >> 17) ^ (b >> 26);
    return s1 + b;
}

static void insertion(uint64_t *a, long lo, long hi)
{
    for (long i = lo + 1; i <= hi; i++) { uint64_t v = a[i]; long j = i - 1; while (j >= lo && a[j] > v) { a[j + 1] = a[j]; j--; } a[j + 1] = v; }
}
static void quick(uint64_t *a, long lo, long hi)
{
    while (hi - lo > 16) {
        long mid = lo + (hi - lo) / 2;
        /* median of three */
        if (a[mid] < a[lo]) { uint64_t t = a[mid]; a[mid] = a[lo]; a[lo] = t; }
        if (a[hi] < a[lo]) { uint64_t t = a[hi]; a[hi] = a[lo]; a[lo] = t; }
        if (a[hi] < a[mid]) { uint64_t t = a[hi]; a[hi] = a[mid]; a[mid] = t; }
        uint64_t p = a[mid];
        long i = lo, j = hi;
        while (i <= j) {
            while (a[i] < p) i++;
            while (a[j] > p) j--;
            if (i <= j) { uint64_t t = a[i]; a[i] = a[j]; a[j] = t; i++; j--; }
        }
        if (j - lo < hi - i) { quick(a, lo, j); lo = i; } else { quick(a, i, hi); hi = j; }
    }
    insertion(a, lo, hi);
}
static void mergesort_bu(uint64_t *a, uint64_t *tmp, long n)
{
    for (long w = 1; w < n; w *= 2) {
        for (long lo = 0; lo < n; lo += 2 * w) {
            long mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
            long i = lo, j = mid, k = lo;
            while (i < mid && j < hi) tmp[k++] = a[i] <= a[j] ? a[i++] : a[j++];
            while (i < mid) tmp[k++] = a[i++];
            while (j < hi) tmp[k++] = a[j++];
        }
        memcpy(a, tmp, n * sizeof *a);
    }
}
static void radix(uint64_t *a, uint64_t *tmp, long n)
{
    for (int shift = 0; shift < 64; shift += 16) {
        static long cnt[65536 + 1];
        memset(cnt, 0, sizeof cnt);
        for (long i = 0; i < n; i++) cnt[((a[i] >> shift) & 0xffff) + 1]++;
        for (int i = 0; i < 65536; i++) cnt[i + 1] += cnt[i];
        for (long i = 0; i < n; i++) tmp[cnt[(a[i] >> shift) & 0xffff]++] = a[i];
        memcpy(a, tmp, n * sizeof *a);
    }
}
static uint32_t crc_table[256];
static uint32_t crc32(const void *p, size_t n)
{
    const unsigned char *s = p; uint32_t c = 0xffffffffu;
    while (n--) c = crc_table[(c ^ *s++) & 0xff] ^ (c >> 8);
    return c ^ 0xffffffffu;
}

int main(void)
{
    for (uint32_t i = 0; i < 256; i++) { uint32_t c = i; for (int k = 0; k < 8; k++) c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1; crc_table[i] = c; }
    printf("crc32(\"123456789\")=%08x\n", crc32("123456789", 9));
    uint64_t *a = malloc(N * sizeof *a), *b = malloc(N * sizeof *b), *c = malloc(N * sizeof *c), *tmp = malloc(N * sizeof *tmp);
    for (long i = 0; i < N; i++) { uint64_t v = xorshift128p(); if (i % 5 == 0) v &= 0xffff; a[i] = v; }
    printf("input crc=%08x\n", crc32(a, N * sizeof *a));
    memcpy(b, a, N * sizeof *a); memcpy(c, a, N * sizeof *a);
    quick(a, 0, N - 1);
    mergesort_bu(b, tmp, N);
    radix(c, tmp, N);
    int sorted = 1;
    for (long i = 1; i < N; i++) if (a[i - 1] > a[i]) { sorted = 0; break; }
    printf("quick sorted=%d merge==quick %d radix==quick %d\n", sorted, !memcmp(a, b, N * sizeof *a), !memcmp(a, c, N * sizeof *a));
    printf("sorted crc=%08x min=%016" PRIx64 " max=%016" PRIx64 " median=%016" PRIx64 "\n", crc32(a, N * sizeof *a), a[0], a[N - 1], a[N / 2]);
    uint64_t h = 0x9e3779b97f4a7c15ULL;
    for (long i = 0; i < N; i += 1) { h ^= a[i] + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2); }
    printf("mix hash=%016" PRIx64 "\n", h);
    /* top-10 of the original order via a min-heap over the unsorted input (regenerate it) */
    s0 = 0x243f6a8885a308d3ULL; s1 = 0x13198a2e03707344ULL;
    uint64_t heap[10]; int hn = 0;
    for (long i = 0; i < N; i++) {
        uint64_t v = xorshift128p(); if (i % 5 == 0) v &= 0xffff;
        if (hn < 10) {
            int k = hn++; heap[k] = v;
            while (k && heap[(k - 1) / 2] > heap[k]) { uint64_t t = heap[k]; heap[k] = heap[(k - 1) / 2]; heap[(k - 1) / 2] = t; k = (k - 1) / 2; }
        } else if (v > heap[0]) {
            heap[0] = v; int k = 0;
            for (;;) { int l = 2 * k + 1, r = l + 1, m = k;
                if (l < 10 && heap[l] < heap[m]) m = l;
                if (r < 10 && heap[r] < heap[m]) m = r;
                if (m == k) break;
                uint64_t t = heap[k]; heap[k] = heap[m]; heap[m] = t; k = m; }
        }
    }
    int topok = 1;
    for (int i = 0; i < 10; i++) { int found = 0; for (int k = 0; k < 10; k++) if (heap[k] == a[N - 1 - i]) found = 1; topok &= found; }
    printf("top-10 heap matches sorted tail: %d\n", topok);
    free(a); free(b); free(c); free(tmp);
    return 0;
}
