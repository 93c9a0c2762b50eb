/* exit3: exit(3) from a nested function after atexit handlers are registered: checks
 * the exit status and that atexit handlers run in reverse order and stdio is flushed. */
#include <stdio.h>
#include <stdlib.h>

static void h1(void) { printf("atexit handler 1\n"); }
static void h2(void) { printf("atexit handler 2\n"); }
static void deep(int n) { if (n == 0) { printf("exiting with 3 from depth\n"); exit(3); } deep(n - 1); }

int main(void)
{
    atexit(h1);
    atexit(h2);
    printf("buffered output before exit\n");
    deep(10);
    printf("not reached\n");
    return 0;
}
