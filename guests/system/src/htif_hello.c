/* The smallest HTIF guest: console output through device 1 and exit 0 through device 0. */
#include "rt.h"

int main(void) {
  puts("hello from the HTIF console\n");
  printf("decimal %d, negative %d, hex %#lx\n", 12345, -42, 0xdeadbeefcafeul);
  u64 misa = csr_read(misa);
  check("misa.MXL", misa >> 62, 2);
  check("mhartid", csr_read(mhartid), 0);
  finish();
}
