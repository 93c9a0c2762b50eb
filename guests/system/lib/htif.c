/* HTIF console and exit: QEMU's spike machine finds these two symbols in the ELF. */
#include "rt.h"

volatile u64 tohost __attribute__((section(".tohost"), aligned(8)));
volatile u64 fromhost __attribute__((section(".tohost"), aligned(8)));

/* Device 1 (console), command 1 (putchar). The host clears tohost when it has taken the
 * command; fromhost then carries the acknowledgement, which nobody here waits for. */
void putch(int c) {
  while (tohost) {}
  tohost = (1ul << 56) | (1ul << 48) | (unsigned char)c;
  while (tohost) {}
  fromhost = 0;
}

void exit_(int code) {
  while (tohost) {}
  for (;;) tohost = ((u64)code << 1) | 1;
}
