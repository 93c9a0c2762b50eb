/* abort: prints (flushed), registers an atexit handler that must NOT run, then
 * calls abort(): the process dies with SIGABRT (status 134). */
#include <stdio.h>
#include <stdlib.h>

static void never(void) { printf("atexit handler ran (wrong)\n"); }

int main(void)
{
    atexit(never);
    printf("calling abort()\n");
    fflush(stdout);
    printf("this buffered line is lost");
    abort();
}
