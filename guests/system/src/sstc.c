/* Sstc on virt: stimecmp gated by menvcfg.STCE and mcounteren.TM, STIP driven by
 * time >= stimecmp (and no longer writable through mip), a delegated supervisor timer interrupt
 * handled in S by moving stimecmp, and the older route: M setting mip.STIP when STCE=0. */
#include "rt.h"

#define STIMECMP 0x14d
#define MENVCFG_STCE (1ul << 63)
#define TM 2

extern char s_read_stimecmp_insn[];
i64 s_read_stimecmp(i64);
__asm__(".option push\n.option norvc\n"
        "s_read_stimecmp:\ns_read_stimecmp_insn: csrr a0, 0x14d\nret\n"
        ".option pop\n");

static volatile u64 s_ticks, s_cause, use_stimecmp;

static int s_timer(frame_t *f) {
  if (f->cause != (INTR | IRQ_STI)) return 0;
  s_ticks++;
  s_cause = f->cause;
  csr_clear(sie, MIP(IRQ_STI));   /* without Sstc, only M can clear STIP: mask it until then */
  if (use_stimecmp) csr_write(STIMECMP, ~0ul);
  return 1;
}

static int m_stip(frame_t *f) {
  if (f->cause != EXC_ECALL_S || f->x[17] != 7) return 0;
  csr_clear(mip, MIP(IRQ_STI));
  f->epc += 4;
  return 1;
}

/* In S: arm the timer a little ahead, sleep until the handler has run. */
static i64 s_wait_timer(i64 sstc) {
  s_ticks = 0;
  use_stimecmp = sstc;
  csr_set(sie, MIP(IRQ_STI));
  if (use_stimecmp) csr_write(STIMECMP, csr_read(time) + 2000);
  csr_set(sstatus, MSTATUS_SIE);
  while (s_ticks == 0) wfi();
  csr_clear(sstatus, MSTATUS_SIE);
  if (!use_stimecmp) {
    register u64 a7 __asm__("a7") = 7;
    __asm__ volatile("ecall" : "+r"(a7) :: "memory");   /* ask M to clear STIP */
  }
  return 0;
}

int main(void) {
  pmp_open_all();
  m_skip = 1;
  s_hook = s_timer;

  puts("-- access to stimecmp\n");
  csr_write(0x30a, 0);
  csr_write(mcounteren, TM);
  TRAP_IN("S reads stimecmp, STCE=0", PRV_S, s_read_stimecmp, EXC_ILLEGAL, 0x14d02573, (u64)s_read_stimecmp_insn);
  csr_write(0x30a, MENVCFG_STCE);
  csr_write(mcounteren, 0);
  TRAP_IN("S reads stimecmp, STCE=1 TM=0", PRV_S, s_read_stimecmp, EXC_ILLEGAL, 0x14d02573, (u64)s_read_stimecmp_insn);
  csr_write(mcounteren, TM);
  clear_traps();
  csr_write(STIMECMP, 0x1234);
  check("S reads stimecmp, STCE=1 TM=1", run_in(PRV_S, s_read_stimecmp, 0), 0x1234);
  expect_no_trap(&m_last, "  that read");

  puts("-- STIP follows time >= stimecmp\n");
  csr_write(STIMECMP, 0);
  check("stimecmp = 0: STIP", (csr_read(mip) >> IRQ_STI) & 1, 1);
  csr_write(STIMECMP, ~0ul);
  check("stimecmp = -1: STIP", (csr_read(mip) >> IRQ_STI) & 1, 0);
  csr_write(mip, MIP(IRQ_STI));
  check("mip.STIP written by M while STCE=1", (csr_read(mip) >> IRQ_STI) & 1, 0);

  puts("-- delegated supervisor timer interrupt from stimecmp\n");
  csr_write(mideleg, MIP(IRQ_STI));
  run_in(PRV_S, s_wait_timer, 1);
  check("taken in S: count", s_ticks, 1);
  check("  scause", s_cause, INTR | IRQ_STI);
  check("  STIP after the handler moved stimecmp", (csr_read(mip) >> IRQ_STI) & 1, 0);

  puts("-- STCE=0: M drives STIP by hand again\n");
  csr_write(0x30a, 0);
  m_hook = m_stip;
  csr_write(mip, MIP(IRQ_STI));
  check("mip.STIP written by M while STCE=0", (csr_read(mip) >> IRQ_STI) & 1, 1);
  run_in(PRV_S, s_wait_timer, 0);
  check("taken in S: count", s_ticks, 1);
  check("  STIP after M cleared it", (csr_read(mip) >> IRQ_STI) & 1, 0);
  csr_write(mideleg, 0);
  finish();
}
