/* Trap delegation to S-mode: medeleg/mideleg, stvec direct and vectored, scause/stval/sepc,
 * sstatus.SPP/SPIE/SIE on trap entry and sret, delegated interrupts (SSIP from sip, STIP set
 * by M and cleared through an ecall to M), and what stays in M (traps taken in M, interrupts
 * delegated away from M). The last part runs entirely in S and exits from there. */
#include "rt.h"

#define ECALL_CLEAR_STIP 2

extern char s_illegal_insn[], s_ebreak_insn[], s_after_sie[], s_ecall_insn[];
extern char u_illegal_insn[], u_ecall_insn[];
i64 u_illegal(i64), u_ecall(i64);
__asm__(".pushsection .utext, \"ax\"\n.option push\n.option norvc\n"
        "u_illegal: \nu_illegal_insn: .word 0xdead000b\nret\n"
        "u_ecall: li a7, 1\nu_ecall_insn: ecall\nret\n"
        ".option pop\n.popsection\n");

static __attribute__((noinline)) void s_illegal(void) { __asm__ volatile(".option push\n.option norvc\ns_illegal_insn: .word 0xdead000b\n.option pop"); }
static __attribute__((noinline)) void s_ebreak(void) { __asm__ volatile(".option push\n.option norvc\ns_ebreak_insn: ebreak\n.option pop"); }
static __attribute__((noinline)) void s_ecall(u64 code) {
  register u64 a7 __asm__("a7") = code;
  __asm__ volatile(".option push\n.option norvc\ns_ecall_insn: ecall\n.option pop" : "+r"(a7) :: "memory");
}

static volatile u64 s_int_count, s_int_cause, s_int_epc;
static volatile i64 s_int_vec;

/* S-level interrupts: record, then silence the source (SSIP here; STIP needs M). */
static int s_interrupts(frame_t *f) {
  if (!(f->cause & INTR)) return 0;
  s_int_count++;
  s_int_cause = f->cause;
  s_int_epc = f->epc;
  s_int_vec = f->vec;
  if (f->cause == (INTR | IRQ_SSI)) csr_clear(sip, MIP(IRQ_SSI));
  if (f->cause == (INTR | IRQ_STI)) csr_clear(sie, MIP(IRQ_STI));
  return 1;
}

static int m_clear_stip(frame_t *f) {
  if (f->cause != EXC_ECALL_S || f->x[17] != ECALL_CLEAR_STIP) return 0;
  csr_clear(mip, MIP(IRQ_STI));
  f->epc += 4;
  return 1;
}

static void expect_s_status(const char *what, u64 spp, u64 spie, u64 sie) {
  u64 st = s_last.status;
  checkf(((st >> 8) & 1) << 8 | ((st >> 5) & 1) << 4 | ((st >> 1) & 1), spp << 8 | spie << 4 | sie,
         "%s: sstatus SPP,SPIE,SIE as 0xPQR", what);
}

/* Runs in S with bare translation. */
static i64 s_exceptions(i64 arg) {
  puts("-- exceptions delegated to S (stvec direct)\n");
  clear_traps();
  s_illegal();
  expect_trap(&s_last, "illegal in S -> S", EXC_ILLEGAL, 0xdead000b, (u64)s_illegal_insn);
  check("  vector slot (direct)", s_last.vec, (u64)-1);
  expect_s_status("  after a trap from S", 1, 0, 0);
  clear_traps();
  s_ebreak();
  expect_trap(&s_last, "ebreak in S -> S", EXC_BREAKPOINT, 0, (u64)s_ebreak_insn);
  check("  SPIE after the handler's sret", (csr_read(sstatus) >> 5) & 1, 1);
  clear_traps();
  csr_clear(sstatus, MSTATUS_SPIE);
  s_run_in_u(u_illegal, 0);
  expect_trap(&s_last, "illegal in U -> S", EXC_ILLEGAL, 0xdead000b, (u64)u_illegal_insn);
  expect_s_status("  after a trap from U (sret had SPIE=0)", 0, 0, 0);
  clear_traps();
  csr_set(sstatus, MSTATUS_SPIE);
  s_run_in_u(u_ecall, 0);
  expect_trap(&s_last, "ecall from U -> S", EXC_ECALL_U, 0, (u64)u_ecall_insn);
  expect_s_status("  after sret with SPIE=1 and a trap from U", 0, 1, 0);
  check("  M saw nothing", m_last.count, 0);

  puts("-- the same with stvec vectored: exceptions use slot 0\n");
  install_s_vectored();
  clear_traps();
  s_illegal();
  expect_trap(&s_last, "illegal in S -> S", EXC_ILLEGAL, 0xdead000b, (u64)s_illegal_insn);
  check("  vector slot", s_last.vec, 0);
  csr_write(stvec, (u64)s_trap_entry);
  return 0;
}

static i64 s_interrupt_body(i64 arg) {
  s_int_count = 0;
  csr_set(sie, MIP(arg));
  __asm__ volatile(".option push\n.option norvc\ncsrsi sstatus, 2\ns_after_sie: nop\n.option pop" ::: "memory");
  csr_clear(sstatus, MSTATUS_SIE);
  csr_clear(sie, MIP(arg));
  if (arg == IRQ_STI) s_ecall(ECALL_CLEAR_STIP);
  return 0;
}

static void interrupts(void) {
  puts("-- interrupts delegated to S\n");
  s_hook = s_interrupts;
  m_hook = m_clear_stip;
  csr_write(mideleg, MIP(IRQ_SSI) | MIP(IRQ_STI));
  /* Delegated interrupts are never taken in M, whatever mstatus.MIE says. */
  csr_write(mie, MIP(IRQ_SSI));
  csr_write(mip, MIP(IRQ_SSI));
  clear_traps();
  csr_set(mstatus, MSTATUS_MIE);
  __asm__ volatile("nop\nnop" ::: "memory");
  csr_clear(mstatus, MSTATUS_MIE);
  check("pending delegated SSI not taken in M with MIE=1", m_last.count, 0);
  csr_write(mie, 0);

  run_in(PRV_S, s_interrupt_body, IRQ_SSI);
  check("SSI taken in S once SIE is set: count", s_int_count, 1);
  check("  scause", s_int_cause, INTR | IRQ_SSI);
  check_true("  sepc is the instruction after csrsi", s_int_epc == (u64)s_after_sie);
  check("  mip.SSIP cleared through sip", csr_read(mip) & MIP(IRQ_SSI), 0);

  install_s_vectored();
  csr_write(mip, MIP(IRQ_STI));
  run_in(PRV_S, s_interrupt_body, IRQ_STI);
  check("STI set by M, taken in S (vectored): count", s_int_count, 1);
  check("  scause", s_int_cause, INTR | IRQ_STI);
  check("  vector slot", s_int_vec, IRQ_STI);
  check("  mip.STIP cleared by M on request", csr_read(mip) & MIP(IRQ_STI), 0);
  csr_write(stvec, (u64)s_trap_entry);
  csr_write(mideleg, 0);
  s_hook = 0;
  m_hook = 0;
}

/* The last part: ecall from S delegated to S, so there is no way back to M; finish here. */
static i64 s_final(i64 arg) {
  puts("-- ecall from S delegated to S\n");
  clear_traps();
  s_ecall(1);
  expect_trap(&s_last, "ecall from S -> S", EXC_ECALL_S, 0, (u64)s_ecall_insn);
  expect_s_status("  after a trap from S", 1, 0, 0);
  check("  M saw nothing", m_last.count, 0);
  finish();
}

int main(void) {
  pmp_open_all();
  m_skip = 1;
  s_skip = 1;
  csr_write(medeleg, (1 << EXC_ILLEGAL) | (1 << EXC_BREAKPOINT) | (1 << EXC_ECALL_U));
  puts("-- delegated exceptions taken in M stay in M\n");
  clear_traps();
  u64 pc = AT(".word 0xdead000b", 0, 0);
  expect_trap(&m_last, "illegal in M", EXC_ILLEGAL, 0xdead000b, pc);
  check("  S saw nothing", s_last.count, 0);

  csr_clear(mstatus, MSTATUS_SPIE);
  run_in(PRV_S, s_exceptions, 0);
  interrupts();

  csr_set(medeleg, 1 << EXC_ECALL_S);
  run_in(PRV_S, s_final, 0);
  puts("FAIL returned to M\n");
  exit_(1);
}
