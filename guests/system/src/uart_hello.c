/* The smallest virt guest: NS16550A output (polling LSR.THRE) and sifive_test pass. */
#include "rt.h"

int main(void) {
  puts("hello from the NS16550A\n");
  printf("decimal %d, negative %d, hex %#lx\n", 12345, -42, 0xdeadbeefcafeul);
  check("misa.MXL", csr_read(misa) >> 62, 2);
  check("mhartid", csr_read(mhartid), 0);
  finish();
}
