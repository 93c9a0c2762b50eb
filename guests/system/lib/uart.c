/* virt console and exit: NS16550A at 0x10000000, sifive_test at 0x100000. */
#include "rt.h"

#define LSR_THRE 0x20
#define TEST_DEV ((volatile u32 *)0x100000ul)

void putch(int c) {
  while (!(UART[5] & LSR_THRE)) {}
  UART[0] = (unsigned char)c;
}

void exit_(int code) {
  for (;;) *TEST_DEV = code ? ((u32)code << 16) | 0x3333 : 0x5555;
}
