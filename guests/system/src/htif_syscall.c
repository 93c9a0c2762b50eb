/* HTIF device 0 beyond exit: the front-end syscall proxy. tohost gets the address of an
 * 8-word block {SYS_write, fd, buf, len, ...}; a host that implements the proxy writes the
 * bytes and stores the result in block[0], then answers through fromhost.
 * QEMU 7.2 does not implement it (it logs "pk syscall proxy not supported" under -d unimp and
 * drops the request); QEMU 8.0 and later do. So that the output differs by one line only,
 * the guest prints a NOTE in place of the proxied line when the block comes back untouched. */
#include "rt.h"

extern volatile u64 tohost, fromhost;
static volatile u64 magic_mem[8] __attribute__((aligned(64)));

static void proxy_write(const char *s, u64 len) {
  magic_mem[0] = 64;          /* SYS_write */
  magic_mem[1] = 1;           /* stdout */
  magic_mem[2] = (u64)s;
  magic_mem[3] = len;
  while (tohost) {}
  tohost = (u64)magic_mem;
  while (tohost) {}
  fromhost = 0;
}

int main(void) {
  puts("console: before the proxied write\n");
  static const char msg[] = "proxy: written through SYS_write\n";
  proxy_write(msg, sizeof msg - 1);
  if (magic_mem[0] == 64) printf("NOTE SYS_write not performed: block[0] still %#lx\n", magic_mem[0]);
  else if (magic_mem[0] != sizeof msg - 1) check("SYS_write result (bytes written)", magic_mem[0], sizeof msg - 1);
  puts("console: after the proxied write\n");
  finish();
}
