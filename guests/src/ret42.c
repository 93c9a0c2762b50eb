/* ret42: returns 42 from main (status 42), output left in the stdio buffer must be
 * flushed by the normal exit path. Also _Exit is not used. */
#include <stdio.h>

int main(int argc, char **argv)
{
    (void)argv;
    printf("returning 42 from main (argc=%d)", argc);
    printf("\n");
    return 42;
}
