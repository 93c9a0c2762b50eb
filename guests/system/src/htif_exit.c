/* A nonzero exit code through HTIF: tohost = (7 << 1) | 1 makes the host exit with status 7. */
#include "rt.h"

int main(void) {
  puts("exiting with status 7 through HTIF\n");
  exit_(7);
}
