/* Machine-level interrupts on virt: CLINT software (msip) and timer (mtimecmp), mtvec direct
 * and vectored, the mie and mstatus.MIE gates, interrupts taken from lower modes whatever MIE
 * says, the priority order when several are pending (MEI from the UART through the PLIC, MSI,
 * MTI, SSI, STI), and WFI woken by the timer with MIE=0. */
#include "rt.h"


static volatile u64 log[16];
static volatile int nlog;
static volatile i64 last_vec;
static volatile u64 last_epc, last_mpp;

/* Records each interrupt and silences its source. */
static int on_interrupt(frame_t *f) {
  if (!(f->cause & INTR)) return 0;
  u64 irq = f->cause & ~INTR;
  if (nlog < 16) log[nlog++] = irq;
  last_vec = f->vec;
  last_epc = f->epc;
  last_mpp = (f->status & MSTATUS_MPP) >> 11;
  switch (irq) {
  case IRQ_MSI: *CLINT_MSIP = 0; break;
  case IRQ_MTI: *CLINT_MTIMECMP = ~0ul; break;
  case IRQ_SSI: csr_clear(mip, MIP(IRQ_SSI)); break;
  case IRQ_STI: csr_clear(mip, MIP(IRQ_STI)); break;
  case IRQ_SEI: csr_clear(mip, MIP(IRQ_SEI)); break;
  case IRQ_MEI: {
    u32 id = *PLIC_CLAIM(0);
    UART[1] = 0;
    *PLIC_CLAIM(0) = id;
    break;
  }
  default: return 0;
  }
  if (m_run_active) abort_run(f);
  return 1;
}

static void reset_log(void) {
  nlog = 0;
  last_vec = -2;
  clear_traps();
}

static void enable_briefly(void) {
  csr_set(mstatus, MSTATUS_MIE);
  __asm__ volatile("nop\nnop\nnop\nnop" ::: "memory");
  csr_clear(mstatus, MSTATUS_MIE);
}

static void software_and_timer(void) {
  puts("-- CLINT software interrupt\n");
  *CLINT_MSIP = 1;
  check("mip.MSIP follows msip", csr_read(mip) & MIP(IRQ_MSI), MIP(IRQ_MSI));
  reset_log();
  csr_write(mie, 0);
  enable_briefly();
  check("not taken with mie.MSIE=0", nlog, 0);
  csr_write(mie, MIP(IRQ_MSI));
  __asm__ volatile("nop\nnop" ::: "memory");
  check("not taken with mstatus.MIE=0", nlog, 0);
  enable_briefly();
  check("taken with both: count", nlog, 1);
  check("  cause", log[0], IRQ_MSI);
  check("  direct mode: vector slot", last_vec, (u64)-1);
  check("  mip.MSIP after msip=0", csr_read(mip) & MIP(IRQ_MSI), 0);

  puts("-- CLINT timer interrupt, vectored mtvec\n");
  install_m_vectored();
  reset_log();
  csr_write(mie, MIP(IRQ_MTI));
  *CLINT_MTIMECMP = *CLINT_MTIME + 2000;
  csr_set(mstatus, MSTATUS_MIE);
  while (nlog == 0) wfi();
  csr_clear(mstatus, MSTATUS_MIE);
  check("taken after wfi: count", nlog, 1);
  check("  cause", log[0], IRQ_MTI);
  check("  vector slot", last_vec, IRQ_MTI);
  check("  mip.MTIP after mtimecmp = -1", csr_read(mip) & MIP(IRQ_MTI), 0);
  reset_log();
  *CLINT_MSIP = 1;
  csr_write(mie, MIP(IRQ_MSI));
  enable_briefly();
  check("software interrupt, vectored: slot", last_vec, IRQ_MSI);
  csr_write(mtvec, (u64)m_trap_entry);

  puts("-- WFI wakes on a pending enabled interrupt even with MIE=0\n");
  reset_log();
  csr_write(mie, MIP(IRQ_MTI));
  *CLINT_MTIMECMP = *CLINT_MTIME + 2000;
  while (!(csr_read(mip) & MIP(IRQ_MTI))) wfi();
  check("woken with MTIP pending and no trap", nlog + m_last.count, 0);
  *CLINT_MTIMECMP = ~0ul;
  csr_write(mie, 0);
}

i64 u_spin(i64);
__asm__(".pushsection .utext, \"ax\"\nu_spin: j u_spin\n.popsection\n");

static void lower_modes(void) {
  puts("-- M interrupts are taken in S and U whatever mstatus.MIE is\n");
  csr_clear(mstatus, MSTATUS_MIE);
  csr_write(mie, MIP(IRQ_MSI) | MIP(IRQ_SSI));
  const char *names[] = {"U", "S"};
  for (int mode = PRV_U; mode <= PRV_S; mode++) {
    reset_log();
    *CLINT_MSIP = 1;
    run_in(mode, u_spin, 0);
    printf("from %s:\n", names[mode]);
    check("  count", nlog, 1);
    check("  cause", log[0], IRQ_MSI);
    check("  mepc is the spin loop", last_epc, (u64)u_spin);
    check("  MPP", last_mpp, mode);
    reset_log();
    csr_write(mip, MIP(IRQ_SSI));
    run_in(mode, u_spin, 0);
    check("  SSI not delegated: cause", nlog == 1 ? log[0] : 99, IRQ_SSI);
  }
  csr_write(mie, 0);
}

/* The spec orders MEI > MSI > MTI > SEI > SSI > STI. QEMU 7.2 (without AIA) takes the
 * lowest-numbered pending interrupt first: SSI, MSI, STI, MTI, SEI, MEI. Either is noted. */
static void priority(void) {
  puts("-- priority with all six pending\n");
  *PLIC_PRIORITY(UART_IRQ) = 1;
  *PLIC_THRESHOLD(0) = 0;
  *PLIC_ENABLE(0) = 1u << UART_IRQ;
  UART[1] = 2;   /* transmitter empty: raises the UART's line at once */
  *CLINT_MSIP = 1;
  *CLINT_MTIMECMP = 0;
  csr_write(mip, MIP(IRQ_SSI) | MIP(IRQ_STI) | MIP(IRQ_SEI));
  while ((csr_read(mip) & 0xaaa) != 0xaaa) {}
  check("all six pending (SEIP written by M)", csr_read(mip) & 0xaaa, 0xaaa);
  reset_log();
  csr_write(mie, 0xaaa);
  enable_briefly();
  check("interrupts taken", nlog, 6);
  u64 order = 0;
  for (int i = 0; i < nlog; i++) order = order << 8 | log[i];
  note_either("order of causes, one per byte (spec MEI MSI MTI SEI SSI STI, QEMU 7.2 lowest number first)", order,
              0x0b0307090105ul, 0x01030507090bul);
  csr_write(mie, 0);
  *PLIC_ENABLE(0) = 0;
}

int main(void) {
  pmp_open_all();
  m_hook = on_interrupt;
  software_and_timer();
  lower_modes();
  priority();
  finish();
}
