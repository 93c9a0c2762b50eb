/* hello: the smallest libc program: printf, puts, putchar, exit status 0. */
#include <stdio.h>

int main(void)
{
    printf("hello, world\n");
    puts("puts works");
    for (int i = 0; i < 5; i++)
        putchar('0' + i);
    putchar('\n');
    printf("%d %u %ld %lx %s %c %5.2f\n", -42, 42u, 1234567890123L, 0xdeadbeefcafeL, "str", 'z', 3.14159);
    return 0;
}
