/* segv: writes a line with write(2) (and flushed stdio), then stores through a null
 * pointer: the process dies with SIGSEGV (shell status 139). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
    printf("stdio line before the crash\n");
    fflush(stdout);
    const char msg[] = "about to write through NULL\n";
    write(1, msg, strlen(msg));
    volatile int *p = (volatile int *)0;
    *p = 42;
    write(1, "not reached\n", 12);
    return 0;
}
