/* memory: memory-bound work: STREAM-like copy/scale/add/triad over 3 x 8 MB arrays,
 * byte-wise memcpy/memset of large blocks, and pointer chasing through a random
 * single-cycle permutation (Sattolo) of 4M nodes (32 MB). Usage: memory [scale]. */
#define DEFAULT_SCALE 18   /* about 1.5 s under qemu-riscv64 */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

int main(int argc, char **argv)
{
    int scale = argc > 1 ? atoi(argv[1]) : DEFAULT_SCALE;
    if (scale < 1) scale = 1;
    size_t n = 1 << 20;                      /* 1M uint64 = 8 MB per array */
    uint64_t *a = malloc(n * 8), *b = malloc(n * 8), *c = malloc(n * 8);
    for (size_t i = 0; i < n; i++) { a[i] = i; b[i] = i * 3; c[i] = 0; }
    uint64_t sum = 0;
    for (int r = 0; r < scale; r++) {
        for (size_t i = 0; i < n; i++) c[i] = a[i];                 /* copy */
        for (size_t i = 0; i < n; i++) b[i] = c[i] * 3;             /* scale */
        for (size_t i = 0; i < n; i++) c[i] = a[i] + b[i];          /* add */
        for (size_t i = 0; i < n; i++) a[i] = b[i] + 5 * c[i];      /* triad */
        for (size_t i = 0; i < n; i += 64) sum += a[i] ^ c[i];
        /* strided access: one word per 64-byte line, then per 4 KB page */
        for (size_t s = 0; s < 8; s++)
            for (size_t i = s; i < n; i += 8) sum += b[i];
        for (size_t i = 0; i < n; i += 512) sum ^= a[i] * 7;
    }
    /* block copies through libc */
    char *src = malloc(16 << 20), *dst = malloc(16 << 20);
    memset(src, 0x5a, 16 << 20);
    for (int r = 0; r < scale; r++) {
        memcpy(dst, src, 16 << 20);
        memset(src + (r << 10), r, 1 << 20);
        sum += (uint8_t)dst[(r * 4093) % (16 << 20)];
    }
    /* pointer chasing */
    size_t m = 4 << 20;
    uint32_t *next = malloc(m * sizeof *next);
    for (size_t i = 0; i < m; i++) next[i] = (uint32_t)i;
    uint64_t x = 0x9e3779b97f4a7c15ULL;
    for (size_t i = m - 1; i > 0; i--) {              /* Sattolo: one big cycle */
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        size_t j = x % i;
        uint32_t t = next[i]; next[i] = next[j]; next[j] = t;
    }
    uint32_t p = 0;
    uint64_t chase = 0;
    for (long k = 0; k < (long)scale * 400000; k++) { p = next[p]; chase += p; }
    printf("stream=%016llx chase=%016llx last=%u\n", (unsigned long long)sum, (unsigned long long)chase, p);
    free(a); free(b); free(c); free(src); free(dst); free(next);
    return 0;
}
