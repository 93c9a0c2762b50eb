/* mstatus controls over lower modes: TSR (sret), TW (wfi), TVM (satp, sfence.vma), and MPRV
 * (M-mode loads and stores translated and checked as MPP, with SUM and MXR). */
#include "rt.h"

#define VA(i) (0x40000000ul + (u64)(i) * PAGE)
#define FRAME(i) (FRAMES_BASE + (u64)(i) * PAGE)
#define PATTERN(i) (0x5eed000000000000ul + (i))

extern char s_sret_insn[], s_wfi_insn[], s_satp_r_insn[], s_satp_w_insn[], s_sfence_insn[];
i64 s_sret(i64), s_wfi(i64), s_satp_r(i64), s_satp_w(i64), s_sfence(i64);
/* s_sret: sret to the instruction after it, in S, so without TSR it simply continues. */
__asm__(".option push\n.option norvc\n"
        "s_sret: lla t0, 1f\ncsrw sepc, t0\nli t0, 0x100\ncsrs sstatus, t0\ns_sret_insn: sret\n1: ret\n"
        "s_wfi:\ns_wfi_insn: wfi\nret\n"
        "s_satp_r:\ns_satp_r_insn: csrr a0, satp\nret\n"
        "s_satp_w:\ns_satp_w_insn: csrw satp, a0\nret\n"
        "s_sfence:\ns_sfence_insn: sfence.vma\nret\n"
        /* u64 mprv_load(addr, bits): one load with mstatus |= bits (MPRV, MPP, SUM, MXR); no
         * other memory access happens while they are set */
        "mprv_load: li t1, 0x1800\ncsrc mstatus, t1\ncsrs mstatus, a1\nmv t0, a0\nli a0, 0xdead\n"
        "mprv_load_insn: ld a0, 0(t0)\ncsrc mstatus, a1\ncsrc mstatus, t1\nret\n"
        "mprv_store: li t1, 0x1800\ncsrc mstatus, t1\ncsrs mstatus, a1\n"
        "mprv_store_insn: sd a2, 0(a0)\ncsrc mstatus, a1\ncsrc mstatus, t1\nret\n"
        ".option pop\n");
u64 mprv_load(u64 addr, u64 bits);
void mprv_store(u64 addr, u64 bits, u64 v);
extern char mprv_load_insn[], mprv_store_insn[];

static void tsr_tw_tvm(u64 *root) {
  puts("-- TSR\n");
  clear_traps();
  run_in(PRV_S, s_sret, 0);
  expect_no_trap(&m_last, "sret in S, TSR=0");
  csr_set(mstatus, MSTATUS_TSR);
  TRAP_IN("sret in S, TSR=1", PRV_S, s_sret, EXC_ILLEGAL, 0x10200073, (u64)s_sret_insn);
  csr_clear(mstatus, MSTATUS_TSR);

  puts("-- TW (an interrupt is pending and enabled in sie, but SIE=0, so wfi returns)\n");
  csr_write(mideleg, MIP(IRQ_SSI));
  csr_write(mie, MIP(IRQ_SSI));
  csr_write(mip, MIP(IRQ_SSI));
  clear_traps();
  run_in(PRV_S, s_wfi, 0);
  expect_no_trap(&m_last, "wfi in S, TW=0");
  csr_set(mstatus, MSTATUS_TW);
  TRAP_IN("wfi in S, TW=1", PRV_S, s_wfi, EXC_ILLEGAL, 0x10500073, (u64)s_wfi_insn);
  clear_traps();
  wfi();
  expect_no_trap(&m_last, "wfi in M, TW=1");
  csr_clear(mstatus, MSTATUS_TW);
  csr_write(mip, 0);
  csr_write(mie, 0);
  csr_write(mideleg, 0);

  puts("-- TVM\n");
  u64 sv = satp_for(root, 3, 0);
  csr_write(satp, sv);
  clear_traps();
  check("satp read in S, TVM=0", run_in(PRV_S, s_satp_r, 0), sv);
  expect_no_trap(&m_last, "satp read in S, TVM=0");
  run_in(PRV_S, s_sfence, 0);
  expect_no_trap(&m_last, "sfence.vma in S, TVM=0");
  csr_set(mstatus, MSTATUS_TVM);
  TRAP_IN("satp read in S, TVM=1", PRV_S, s_satp_r, EXC_ILLEGAL, 0x18002573, (u64)s_satp_r_insn);
  clear_traps();
  run_in(PRV_S, s_satp_w, sv);
  expect_trap(&m_last, "satp write in S, TVM=1", EXC_ILLEGAL, 0x18051073, (u64)s_satp_w_insn);
  TRAP_IN("sfence.vma in S, TVM=1", PRV_S, s_sfence, EXC_ILLEGAL, 0x12000073, (u64)s_sfence_insn);
  clear_traps();
  check("satp read in M, TVM=1", csr_read(satp), sv);
  sfence_all();
  expect_no_trap(&m_last, "satp and sfence.vma in M, TVM=1");
  csr_clear(mstatus, MSTATUS_TVM);
}

#define MPP_S (1ul << 11)
#define MPP_U (0ul << 11)
#define MPP_M (3ul << 11)

static void mprv(void) {
  puts("-- MPRV: M-mode data accesses translated as MPP\n");
  clear_traps();
  check("MPRV=1 MPP=S, S page", mprv_load(VA(0), MSTATUS_MPRV | MPP_S), PATTERN(0));
  check("MPRV=1 MPP=M: physical", mprv_load(FRAME(1), MSTATUS_MPRV | MPP_M), PATTERN(1));
  check("MPRV=0 MPP=S: physical", mprv_load(FRAME(2), MPP_S), PATTERN(2));
  expect_no_trap(&m_last, "those loads");
  clear_traps();
  mprv_load(VA(0), MSTATUS_MPRV | MPP_U);
  expect_trap(&m_last, "MPRV=1 MPP=U, S page", EXC_LOAD_PAGE, VA(0), (u64)mprv_load_insn);
  clear_traps();
  mprv_load(VA(1), MSTATUS_MPRV | MPP_S);
  expect_trap(&m_last, "MPRV=1 MPP=S, U page, SUM=0", EXC_LOAD_PAGE, VA(1), (u64)mprv_load_insn);
  clear_traps();
  check("MPRV=1 MPP=S, U page, SUM=1", mprv_load(VA(1), MSTATUS_MPRV | MPP_S | MSTATUS_SUM), PATTERN(1));
  check("MPRV=1 MPP=U, U page", mprv_load(VA(1), MSTATUS_MPRV | MPP_U), PATTERN(1));
  expect_no_trap(&m_last, "those loads");
  clear_traps();
  mprv_load(VA(2), MSTATUS_MPRV | MPP_S);
  expect_trap(&m_last, "MPRV=1 MPP=S, X-only page", EXC_LOAD_PAGE, VA(2), (u64)mprv_load_insn);
  clear_traps();
  check("MPRV=1 MPP=S, X-only page, MXR=1", mprv_load(VA(2), MSTATUS_MPRV | MPP_S | MSTATUS_MXR), PATTERN(2));
  expect_no_trap(&m_last, "that load");
  clear_traps();
  mprv_store(VA(3), MSTATUS_MPRV | MPP_S, 0x1234);
  expect_no_trap(&m_last, "MPRV=1 MPP=S, store to RW page");
  check("  stored", *(volatile u64 *)FRAME(3), 0x1234);
  clear_traps();
  mprv_store(VA(0), MSTATUS_MPRV | MPP_S, 0x1234);
  expect_trap(&m_last, "MPRV=1 MPP=S, store to R page", EXC_STORE_PAGE, VA(0), (u64)mprv_store_insn);
}

int main(void) {
  pmp_open_all();
  m_skip = 1;
  for (int i = 0; i < 4; i++) *(volatile u64 *)FRAME(i) = PATTERN(i);
  u64 *root = pt_kernel(3);
  pt_map(root, 3, VA(0), FRAME(0), 0, PTE_V | PTE_R | PTE_A);
  pt_map(root, 3, VA(1), FRAME(1), 0, PTE_V | PTE_R | PTE_U | PTE_A);
  pt_map(root, 3, VA(2), FRAME(2), 0, PTE_V | PTE_X | PTE_A);
  pt_map(root, 3, VA(3), FRAME(3), 0, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D);
  tsr_tw_tvm(root);
  mprv();
  csr_write(satp, 0);
  finish();
}
