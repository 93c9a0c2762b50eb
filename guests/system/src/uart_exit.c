/* A nonzero exit code through sifive_test: (5 << 16) | 0x3333 (FAIL) exits with status 5. */
#include "rt.h"

int main(void) {
  puts("exiting with status 5 through sifive_test\n");
  exit_(5);
}
