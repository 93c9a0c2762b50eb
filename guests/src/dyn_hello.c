/* dyn_hello: dynamically linked (PIE, ld-linux-riscv64-lp64d.so.1 + libc.so.6 +
 * libm.so.6): printf, qsort with a callback through the PLT, libm calls, errno
 * (TLS in libc), environment access, function pointers into the shared libc, and
 * a constructor/destructor pair. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <math.h>

static int cmp(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }
__attribute__((constructor)) static void init(void) { printf("constructor ran\n"); }
__attribute__((destructor)) static void fini(void) { printf("destructor ran\n"); }
static int global_counter = 5;
int *exported_ptr = &global_counter;   /* needs a relative relocation in a PIE */

int main(int argc, char **argv)
{
    (void)argv;
    printf("hello from a dynamically linked program, argc=%d\n", argc);
    int a[] = { 5, 3, 9, 1, 7, 2, 8 };
    qsort(a, 7, sizeof a[0], cmp);
    for (int i = 0; i < 7; i++) printf("%d ", a[i]);
    printf("\n");
    volatile double x = 2.0;
    printf("sqrt=%.6f exp=%.6f log=%.6f pow=%.6f sin=%.6f\n", sqrt(x), exp(x), log(x), pow(x, 10), sin(x));
    errno = 0;
    FILE *f = fopen("/nonexistent/file", "r");
    printf("fopen failed=%d errno=%s\n", f == NULL, strerrorname_np(errno));
    size_t (*fp)(const char *) = strlen;
    printf("strlen via pointer=%zu\n", fp("dynamic"));
    printf("exported_ptr value=%d\n", *exported_ptr);
    char *s = malloc(100);
    snprintf(s, 100, "%s-%d", "malloc", 42);
    printf("%s\n", s);
    free(s);
    return 0;
}
