/* argv_env: prints argc, every argv[i] (quoted, with length), selected environment
 * variables via getenv, the whole environment sorted, and the auxiliary-vector values
 * that are host independent (AT_PAGESZ). Also setenv/unsetenv/putenv. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>

extern char **environ;
static int cmpstr(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int main(int argc, char **argv)
{
    printf("argc=%d\n", argc);
    /* argv[0] is a host path: print only its last component */
    const char *base = strrchr(argv[0], '/');
    printf("argv[0] basename=%s\n", base ? base + 1 : argv[0]);
    for (int i = 1; i < argc; i++) printf("argv[%d]=\"%s\" len=%zu\n", i, argv[i], strlen(argv[i]));
    printf("argv[argc]=%s\n", argv[argc] ? "non-null" : "NULL");
    const char *vars[] = { "HOME", "GREETING", "EMPTY", "UNSET_VAR", "WITH_EQUALS", "UNICODE" };
    for (unsigned i = 0; i < sizeof vars / sizeof vars[0]; i++) {
        const char *v = getenv(vars[i]);
        printf("getenv(%s)=%s%s%s\n", vars[i], v ? "\"" : "", v ? v : "(null)", v ? "\"" : "");
    }
    int n = 0;
    while (environ[n]) n++;
    char **copy = malloc((n + 1) * sizeof *copy);
    memcpy(copy, environ, n * sizeof *copy);
    qsort(copy, n, sizeof *copy, cmpstr);
    printf("environ has %d entries:\n", n);
    for (int i = 0; i < n; i++) printf("  %s\n", copy[i]);
    free(copy);
    setenv("NEWVAR", "new value", 0);
    setenv("GREETING", "replaced", 1);
    setenv("HOME", "not replaced", 0);
    unsetenv("EMPTY");
    putenv("PUT=via putenv");
    printf("after: NEWVAR=%s GREETING=%s HOME=%s EMPTY=%s PUT=%s\n", getenv("NEWVAR"), getenv("GREETING"),
           getenv("HOME") ? getenv("HOME") : "(null)", getenv("EMPTY") ? "set" : "(null)", getenv("PUT"));
    printf("AT_PAGESZ=%lu\n", getauxval(AT_PAGESZ));
    printf("AT_SECURE=%lu\n", getauxval(AT_SECURE));
    return 0;
}
