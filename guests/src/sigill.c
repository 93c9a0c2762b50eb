/* sigill: executes an illegal instruction (the all-zero word, which is defined to
 * be illegal on RISC-V) after writing a line: the process dies with SIGILL (status
 * 132). A second variant selected by argv[1]=="unimp" uses the unimp instruction,
 * and "csr" reads a machine-mode CSR from user mode. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    const char msg[] = "about to execute an illegal instruction\n";
    write(1, msg, strlen(msg));
    if (argc > 1 && !strcmp(argv[1], "unimp"))
        __asm__ volatile("unimp");
    else if (argc > 1 && !strcmp(argv[1], "csr")) {
        unsigned long v;
        __asm__ volatile("csrr %0, mstatus" : "=r"(v));
    } else
        __asm__ volatile(".word 0");
    write(1, "not reached\n", 12);
    return 0;
}
