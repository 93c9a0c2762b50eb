/* strings: libc string and conversion routines: strlen/strnlen, strcmp/strncmp/
 * strcasecmp, memcmp, memcpy/memmove (overlapping, unaligned, all small sizes),
 * memset, memchr/strchr/strrchr/strstr/strspn/strcspn/strpbrk, strtok_r, strdup/strndup,
 * snprintf truncation and return values, strtol/strtoul/strtoll (bases, overflow →
 * ERANGE, endptr), atoi, strtod. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <errno.h>
#include <ctype.h>
#include <stdint.h>
#include <inttypes.h>

static int sgn(int x) { return (x > 0) - (x < 0); }
static uint64_t fnv(const void *p, size_t n)
{ const unsigned char *s = p; uint64_t h = 1469598103934665603ULL; while (n--) { h ^= *s++; h *= 1099511628211ULL; } return h; }

int main(void)
{
    const char *ss[] = { "", "a", "abc", "abd", "ab", "ABC", "hello world", "hello", "\xff", "zzz" };
    for (int i = 0; i < 10; i++) {
        printf("len(%d)=%zu cmp:", i, strlen(ss[i]));
        for (int j = 0; j < 10; j++) printf(" %d", sgn(strcmp(ss[i], ss[j])));
        printf(" | ncmp2:");
        for (int j = 0; j < 10; j++) printf(" %d", sgn(strncmp(ss[i], ss[j], 2)));
        printf(" | casecmp(ABC)=%d\n", sgn(strcasecmp(ss[i], "ABC")));
    }
    printf("strnlen=%zu %zu\n", strnlen("abcdef", 3), strnlen("ab", 10));

    /* memcpy/memmove over many sizes and alignments */
    static unsigned char src[300], dst[300];
    uint64_t h = 0;
    for (int i = 0; i < 300; i++) src[i] = (unsigned char)(i * 37 + 11);
    for (int so = 0; so < 8; so++)
        for (int dof = 0; dof < 8; dof++)
            for (int n = 0; n < 70; n += 3) {
                memset(dst, 0xAA, sizeof dst);
                memcpy(dst + dof, src + so, n);
                h ^= fnv(dst, sizeof dst) + (uint64_t)n;
            }
    printf("memcpy hash %016" PRIx64 "\n", h);
    h = 0;
    for (int off = -9; off <= 9; off++)
        for (int n = 0; n < 100; n += 7) {
            unsigned char buf[300];
            memcpy(buf, src, sizeof buf);
            memmove(buf + 100 + off, buf + 100, n);
            h = h * 31 + fnv(buf, sizeof buf);
        }
    printf("memmove hash %016" PRIx64 "\n", h);
    char mv[] = "0123456789";
    memmove(mv + 2, mv, 5); printf("memmove right: %s\n", mv);
    memmove(mv, mv + 3, 6); printf("memmove left: %s\n", mv);
    memset(mv + 1, '-', 3); printf("memset: %s\n", mv);
    printf("memcmp: %d %d %d\n", sgn(memcmp("abc", "abd", 3)), sgn(memcmp("abc", "abd", 2)), sgn(memcmp("\x80", "\x7f", 1)));

    const char *text = "the quick brown fox jumps over the lazy dog";
    printf("strchr o: %s\n", strchr(text, 'o'));
    printf("strrchr o: %s\n", strrchr(text, 'o'));
    printf("strchr nul at end: %d\n", strchr(text, 0) == text + strlen(text));
    printf("strstr the: %s | lazy: %s | cat: %s\n", strstr(text + 1, "the"), strstr(text, "lazy"),
           strstr(text, "cat") ? "found" : "(null)");
    printf("memchr j: %s\n", (char *)memchr(text, 'j', strlen(text)));
    printf("strspn=%zu strcspn=%zu strpbrk=%s\n", strspn(text, "eht "), strcspn(text, "xyz"), strpbrk(text, "qz"));

    char tokbuf[] = "  alpha,beta;;gamma , delta;";
    char *save, *tok;
    printf("tokens:");
    for (tok = strtok_r(tokbuf, " ,;", &save); tok; tok = strtok_r(NULL, " ,;", &save)) printf(" [%s]", tok);
    printf("\n");
    char *dup = strdup(text), *ndup = strndup(text, 9);
    printf("strdup equal=%d strndup=[%s]\n", strcmp(dup, text) == 0, ndup);
    free(dup); free(ndup);

    char small[8];
    int r = snprintf(small, sizeof small, "%d-%s", 123456, "abcdef");
    printf("snprintf ret=%d buf=[%s]\n", r, small);
    r = snprintf(NULL, 0, "%s %d %x %o %e", "len", 42, 255, 8, 1.5);
    printf("snprintf(NULL,0) ret=%d\n", r);
    char wide[128];
    snprintf(wide, sizeof wide, "[%5d|%-5d|%05d|%+d|%x|%X|%#x|%#o|%c|%.3s|%10.4s|%%|%ld|%llu|%hhd|%hd|%zu]",
             42, 42, 42, 42, 0xbeef, 0xbeef, 255, 8, 'Q', "truncate", "abcdefg", -9L, 18446744073709551615ULL,
             (char)300, (short)70000, sizeof(int));
    printf("%s\n", wide);

    const char *nums[] = { "0", "42", "-17", "  +99xyz", "0x1A", "077", "1010", "9223372036854775807",
                           "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
                           "18446744073709551615", "18446744073709551616", "-1", "abc", "", "z", "  -0x" };
    for (unsigned i = 0; i < sizeof nums / sizeof nums[0]; i++) {
        char *end;
        errno = 0; long v10 = strtol(nums[i], &end, 10); int e1 = errno; long c1 = end - nums[i];
        errno = 0; long v0 = strtol(nums[i], &end, 0); int e2 = errno; long c2 = end - nums[i];
        errno = 0; unsigned long u = strtoul(nums[i], &end, 0); int e3 = errno;
        long v2 = strtol(nums[i], NULL, 2);
        long v36 = strtol(nums[i], NULL, 36);
        printf("\"%s\": strtol10=%ld(%s,%ld) strtol0=%ld(%s,%ld) strtoul0=%lu(%s) base2=%ld base36=%ld atoi=%d\n",
               nums[i], v10, e1 ? strerrorname_np(e1) : "0", c1, v0, e2 ? strerrorname_np(e2) : "0", c2, u,
               e3 ? strerrorname_np(e3) : "0", v2, v36, (int)strtol(nums[i], NULL, 10));
    }
    const char *ds[] = { "3.25", "-1e-3", "1e309", "0x10p-2", "  12abc", "nan(123)", ".", "-.5e+2" };
    for (unsigned i = 0; i < sizeof ds / sizeof ds[0]; i++) {
        char *end; errno = 0;
        double d = strtod(ds[i], &end);
        printf("strtod(\"%s\")=%g consumed=%ld errno=%s\n", ds[i], d != d ? 0.0 / 1.0 : d, (long)(end - ds[i]),
               errno ? strerrorname_np(errno) : "0");
    }
    /* ctype */
    int counts[6] = { 0 };
    for (int c = 0; c < 128; c++) {
        counts[0] += !!isalpha(c); counts[1] += !!isdigit(c); counts[2] += !!isspace(c);
        counts[3] += !!ispunct(c); counts[4] += !!isupper(c); counts[5] += !!isprint(c);
    }
    printf("ctype counts alpha=%d digit=%d space=%d punct=%d upper=%d print=%d toupper(q)=%c tolower(Q)=%c\n",
           counts[0], counts[1], counts[2], counts[3], counts[4], counts[5], toupper('q'), tolower('Q'));
    /* building a long string by repeated strcat */
    char big[4096] = "";
    for (int i = 0; i < 300; i++) { char t[16]; snprintf(t, sizeof t, "%d,", i * i); strcat(big, t); }
    printf("big len=%zu hash=%016" PRIx64 " tail=%s\n", strlen(big), fnv(big, strlen(big)), big + strlen(big) - 12);
    return 0;
}
