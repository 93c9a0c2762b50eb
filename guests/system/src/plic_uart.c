/* External interrupts on virt: the NS16550A's receive interrupt through the PLIC, first to the
 * M-mode context (MEIP), then to the S-mode context with SEI delegated (SEIP). The test feeds
 * two lines on standard input; each phase reads one line, one interrupt per character. PLIC
 * priority, threshold, claim and complete are exercised along the way. */
#include "rt.h"

#define LSR_DR 1

static char line[64];
static volatile int len, done, bad_claims;
static volatile u64 interrupts;

/* One character per interrupt; at the newline this context's interrupt is switched off so the
 * next line stays in the UART for the next phase. */
static void take_char(int ctx, u64 enable_bit, int s_mode) {
  u32 id = *PLIC_CLAIM(ctx);
  interrupts++;
  if (id != UART_IRQ) bad_claims++;
  if (UART[5] & LSR_DR) {
    char c = UART[0];
    if (c == '\n') {
      done = 1;
      if (s_mode) csr_clear(sie, enable_bit);
      else csr_clear(mie, enable_bit);
    } else if (len < 63) line[len++] = c;
  }
  *PLIC_CLAIM(ctx) = id;
}

static int m_ext(frame_t *f) {
  if (f->cause != (INTR | IRQ_MEI)) return 0;
  take_char(0, MIP(IRQ_MEI), 0);
  return 1;
}

static int s_ext(frame_t *f) {
  if (f->cause != (INTR | IRQ_SEI)) return 0;
  take_char(1, MIP(IRQ_SEI), 1);
  return 1;
}

static void start_line(void) {
  len = 0;
  done = 0;
  interrupts = 0;
  bad_claims = 0;
  clear_traps();
  memset(line, 0, sizeof line);
}

static i64 s_read_line(i64 arg) {
  csr_set(sie, MIP(IRQ_SEI));
  csr_set(sstatus, MSTATUS_SIE);
  while (!done) wfi();
  csr_clear(sstatus, MSTATUS_SIE);
  return 0;
}

int main(void) {
  pmp_open_all();
  m_hook = m_ext;
  s_hook = s_ext;
  UART[1] = 1;   /* IER: received data available */
  *PLIC_PRIORITY(UART_IRQ) = 2;

  puts("-- threshold and enable gate the PLIC's output\n");
  while (!(UART[5] & LSR_DR)) {}
  *PLIC_ENABLE(0) = 1u << UART_IRQ;
  *PLIC_THRESHOLD(0) = 2;
  check("MEIP with priority 2, threshold 2", (csr_read(mip) >> IRQ_MEI) & 1, 0);
  *PLIC_THRESHOLD(0) = 1;
  check("MEIP with priority 2, threshold 1", (csr_read(mip) >> IRQ_MEI) & 1, 1);
  /* QEMU 7.2 recomputes its outputs on a threshold write but not on an enable write, so the
   * threshold is written again after each enable change */
  *PLIC_ENABLE(0) = 0;
  *PLIC_THRESHOLD(0) = 0;
  check("MEIP with the source disabled", (csr_read(mip) >> IRQ_MEI) & 1, 0);
  *PLIC_ENABLE(0) = 1u << UART_IRQ;
  *PLIC_THRESHOLD(0) = 0;
  check("MEIP with the source enabled again", (csr_read(mip) >> IRQ_MEI) & 1, 1);
  check("pending bit of source 10", (*(volatile u32 *)(PLIC + 0x1000) >> UART_IRQ) & 1, 1);

  puts("-- first line through the M-mode context\n");
  start_line();
  csr_write(mie, MIP(IRQ_MEI));
  csr_set(mstatus, MSTATUS_MIE);
  while (!done) wfi();
  csr_clear(mstatus, MSTATUS_MIE);
  printf("M read: %s\n", line);
  check("interrupts taken (one per character and newline)", interrupts, (u64)len + 1);
  check("claims that were not source 10", bad_claims, 0);
  *PLIC_ENABLE(0) = 0;

  puts("-- second line through the S-mode context, SEI delegated\n");
  start_line();
  *PLIC_ENABLE(1) = 1u << UART_IRQ;
  *PLIC_THRESHOLD(1) = 0;
  csr_write(mideleg, MIP(IRQ_SEI));
  run_in(PRV_S, s_read_line, 0);
  printf("S read: %s\n", line);
  check("interrupts taken", interrupts, (u64)len + 1);
  check("claims that were not source 10", bad_claims, 0);
  check("M saw no trap", m_last.count, 0);
  check("claim with nothing pending", *PLIC_CLAIM(1), 0);
  finish();
}
