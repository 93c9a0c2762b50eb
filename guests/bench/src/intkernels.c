/* intkernels: integer CPU kernels: bit-array sieve of Eratosthenes, table-driven
 * CRC32 over a buffer, 32-bit integer matrix multiply, xorshift mixing and a
 * Collatz search. Usage: intkernels [scale]. Prints a checksum. */
#define DEFAULT_SCALE 35   /* about 1.5 s under qemu-riscv64 */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

static uint32_t crc_table[256];

static long sieve(long n)
{
    uint64_t *bits = calloc((size_t)(n / 64 + 1), 8);
    long count = 0;
    for (long i = 2; i <= n; i++) {
        if (!(bits[i >> 6] >> (i & 63) & 1)) {
            count++;
            for (long j = i * i; j <= n; j += i) bits[j >> 6] |= 1ULL << (j & 63);
        }
    }
    free(bits);
    return count;
}

static uint32_t crc32(const uint8_t *p, size_t n, uint32_t c)
{
    c = ~c;
    while (n--) c = crc_table[(c ^ *p++) & 0xff] ^ (c >> 8);
    return ~c;
}

static uint32_t matmul(int n, int reps)
{
    int32_t *a = malloc(sizeof(int32_t) * n * n), *b = malloc(sizeof(int32_t) * n * n), *c = malloc(sizeof(int32_t) * n * n);
    for (int i = 0; i < n * n; i++) { a[i] = (i * 7 + 3) % 101 - 50; b[i] = (i * 13 + 5) % 97 - 48; }
    uint32_t h = 0;
    for (int r = 0; r < reps; r++) {
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) {
                int32_t s = 0;
                for (int k = 0; k < n; k++) s += a[i * n + k] * b[k * n + j];
                c[i * n + j] = s;
            }
        for (int i = 0; i < n * n; i++) h = h * 31 + (uint32_t)c[i];
        a[r % (n * n)] += 1;
    }
    free(a); free(b); free(c);
    return h;
}

static uint64_t collatz(uint64_t limit, uint64_t *best_n)
{
    uint64_t best = 0;
    for (uint64_t n = 1; n < limit; n++) {
        uint64_t x = n, steps = 0;
        while (x != 1) { x = (x & 1) ? 3 * x + 1 : x >> 1; steps++; }
        if (steps > best) { best = steps; *best_n = n; }
    }
    return best;
}

int main(int argc, char **argv)
{
    int scale = argc > 1 ? atoi(argv[1]) : DEFAULT_SCALE;
    if (scale < 1) scale = 1;
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
        crc_table[i] = c;
    }
    long primes = sieve(2000000L * scale);
    size_t len = 1 << 20;
    uint8_t *buf = malloc(len);
    uint64_t x = 88172645463325252ULL;
    for (size_t i = 0; i < len; i++) { x ^= x << 13; x ^= x >> 7; x ^= x << 17; buf[i] = (uint8_t)x; }
    uint32_t crc = 0;
    for (int r = 0; r < scale; r++) crc = crc32(buf, len, crc);
    uint32_t mm = matmul(120, scale);
    uint64_t best_n = 0;
    uint64_t best = collatz(30000ULL * scale, &best_n);
    printf("primes=%ld crc=%08x matmul=%08x collatz_best=%llu@%llu\n", primes, crc, mm,
           (unsigned long long)best, (unsigned long long)best_n);
    free(buf);
    return 0;
}
