/* Synchronous exceptions taken in M-mode: cause, mtval and mepc for illegal instructions,
 * ecall from each mode, breakpoints, misaligned and faulting accesses; mstatus.MPP/MPIE on
 * trap entry and mret. Every trap here is recorded and the instruction skipped. */
#include "rt.h"

#define UNMAPPED_LOW 0x0ul                /* nothing at physical 0 on spike or virt */
#define UNMAPPED_HIGH 0x1000000000ul       /* 64 GiB: above RAM and every device window */

/* U-mode snippets with labels on the trapping instructions. */
extern char u_ecall_insn[], u_illegal_insn[], u_mret_insn[], u_sret_insn[], u_wfi_insn[], u_csr_insn[];
i64 u_ecall(i64), u_illegal(i64), u_mret(i64), u_sret(i64), u_wfi(i64), u_csr(i64);
extern char s_ecall_insn[], s_mret_insn[];
i64 s_ecall(i64), s_mret(i64);
__asm__(".pushsection .utext, \"ax\"\n.option push\n.option norvc\n"
        "u_ecall: li a7, 1\nu_ecall_insn: ecall\nret\n"
        "u_illegal: \nu_illegal_insn: .word 0xdead000b\nret\n"
        "u_mret: \nu_mret_insn: mret\nret\n"
        "u_sret: \nu_sret_insn: sret\nret\n"
        "u_wfi: \nu_wfi_insn: wfi\nret\n"
        "u_csr: \nu_csr_insn: csrr a0, sstatus\nret\n"
        ".option pop\n.popsection\n"
        ".option push\n.option norvc\n"
        "s_ecall: li a7, 1\ns_ecall_insn: ecall\nret\n"
        "s_mret: \ns_mret_insn: mret\nret\n"
        ".option pop\n");

static void illegal(void) {
  puts("-- illegal instructions\n");
  TRAP_AT("custom-0 opcode", ".word 0xdead000b", EXC_ILLEGAL, 0xdead000b);
  TRAP_AT("all-zero parcel", ".half 0x0000", EXC_ILLEGAL, 0);
  TRAP_AT("c.addi4spn imm 0", ".half 0x0004", EXC_ILLEGAL, 0x0004); /* c.addi4spn with a zero immediate: reserved */
  TRAP_AT("csrw mvendorid, x0 (read-only)", "csrw mvendorid, x0", EXC_ILLEGAL, 0xf1101073ul);
  TRAP_AT("csrr x0, 0x7ff (absent)", "csrr x0, 0x7ff", EXC_ILLEGAL, 0x7ff02073ul); /* no such CSR */
  TRAP_IN("custom-0 from U", PRV_U, u_illegal, EXC_ILLEGAL, 0xdead000b, (u64)u_illegal_insn);
  TRAP_IN("mret from U", PRV_U, u_mret, EXC_ILLEGAL, 0x30200073, (u64)u_mret_insn);
  TRAP_IN("sret from U", PRV_U, u_sret, EXC_ILLEGAL, 0x10200073, (u64)u_sret_insn);
  TRAP_IN("wfi from U", PRV_U, u_wfi, EXC_ILLEGAL, 0x10500073, (u64)u_wfi_insn);
  TRAP_IN("csrr sstatus from U", PRV_U, u_csr, EXC_ILLEGAL, 0x10002573, (u64)u_csr_insn);
  TRAP_IN("mret from S", PRV_S, s_mret, EXC_ILLEGAL, 0x30200073, (u64)s_mret_insn);
}

static void ecalls(void) {
  puts("-- ecall and ebreak\n");
  TRAP_AT("ecall from M", "ecall", EXC_ECALL_M, 0);
  check("mstatus.MPP after ecall from M", (m_last.status & MSTATUS_MPP) >> 11, PRV_M);
  TRAP_IN("ecall from S", PRV_S, s_ecall, EXC_ECALL_S, 0, (u64)s_ecall_insn);
  check("mstatus.MPP after ecall from S", (m_last.status & MSTATUS_MPP) >> 11, PRV_S);
  TRAP_IN("ecall from U", PRV_U, u_ecall, EXC_ECALL_U, 0, (u64)u_ecall_insn);
  check("mstatus.MPP after ecall from U", (m_last.status & MSTATUS_MPP) >> 11, PRV_U);
  TRAP_AT("ebreak", "ebreak", EXC_BREAKPOINT, 0);
  TRAP_AT("c.ebreak", ".option rvc\nc.ebreak", EXC_BREAKPOINT, 0);
}

static u64 scratch[4] __attribute__((aligned(16)));

static void misaligned(void) {
  u64 b = (u64)scratch, pc;
  puts("-- misaligned accesses\n");
  scratch[0] = 0x8877665544332211ul;
  scratch[1] = 0xffeeddccbbaa9988ul;
  struct { const char *what; u64 (*load)(u64); u64 off, want; } loads[] = {
    {"lh at +1", probe_lh, 1, 0x3322},
    {"lw at +2", probe_lw, 2, 0x66554433},
    {"ld at +4", probe_ld, 4, 0xbbaa998888776655ul},
    {"ld at +7", probe_ld, 7, 0xeeddccbbaa998888ul},
  };
  for (unsigned i = 0; i < sizeof loads / sizeof loads[0]; i++) {
    clear_traps();
    u64 v = loads[i].load(b + loads[i].off);
    if (m_last.count) expect_trap(&m_last, loads[i].what, EXC_LOAD_MISALIGNED, b + loads[i].off, ANY);
    else checkf(v, loads[i].want, "%s (done by the hart, no trap)", loads[i].what);
  }
  clear_traps();
  probe_sw(b + 6, 0x01020304);
  if (m_last.count) expect_trap(&m_last, "sw at +6", EXC_STORE_MISALIGNED, b + 6, ANY);
  else check("sw at +6 (done by the hart, no trap)", scratch[0], 0x0304665544332211ul);
  /* Atomics must be aligned. The spec reports a misaligned AMO as store/AMO misaligned (6);
   * QEMU 7.2 uses the load cause (4). */
  clear_traps();
  pc = AT("amoadd.d %1, %1, (%2)", b + 4, 1);
  expect_trap_either(&m_last, "amoadd.d at +4 (spec 6, QEMU 7.2 4)", EXC_STORE_MISALIGNED, EXC_LOAD_MISALIGNED, b + 4, pc);
  clear_traps();
  pc = AT("amoswap.w %1, %1, (%2)", b + 2, 1);
  expect_trap_either(&m_last, "amoswap.w at +2 (spec 6, QEMU 7.2 4)", EXC_STORE_MISALIGNED, EXC_LOAD_MISALIGNED, b + 2, pc);
  clear_traps();
  pc = AT("lr.d %1, (%2)", b + 4, 0);
  expect_trap(&m_last, "lr.d at +4", EXC_LOAD_MISALIGNED, b + 4, pc);
}

static void access_faults(void) {
  puts("-- access faults\n");
  u64 addrs[] = {UNMAPPED_LOW, UNMAPPED_HIGH};
  for (int i = 0; i < 2; i++) {
    u64 a = addrs[i];
    clear_traps();
    u64 v = probe_ld(a);
    printf("load %#lx:\n", a);
    expect_trap(&m_last, "  ld", EXC_LOAD_ACCESS, a, ANY);
    check("  value left in rd", v, 0xdead);
    clear_traps();
    probe_sw(a, 1);
    expect_trap(&m_last, "  sw", EXC_STORE_ACCESS, a, ANY);
    clear_traps();
    probe_amoadd(a, 1);
    /* store/AMO access fault (7) in the spec, the load cause (5) in QEMU 7.2 */
    expect_trap_either(&m_last, "  amoadd.d (spec 7, QEMU 7.2 5)", EXC_STORE_ACCESS, EXC_LOAD_ACCESS, a, ANY);
    clear_traps();
    probe_jump(a);
    expect_trap(&m_last, "  fetch", EXC_INSN_ACCESS, a, a);
  }
}

static int keep_status(frame_t *f) { return 0; }

static void mret_state(void) {
  puts("-- mstatus across mret and traps\n");
  m_hook = keep_status;
  /* mret to U with MPIE=1: MIE := 1 in U (harmless, mie is 0), MPIE := 1, MPP := U. The
   * ecall then saves MIE into MPIE. */
  csr_set(mstatus, MSTATUS_MPIE);
  clear_traps();
  run_in(PRV_U, u_ecall, 0);
  check("after U ecall: MPIE (the MIE that mret set from MPIE=1)", (m_last.status >> 7) & 1, 1);
  check("after U ecall: MIE", (m_last.status >> 3) & 1, 0);
  csr_clear(mstatus, MSTATUS_MPIE);
  clear_traps();
  run_in(PRV_S, s_ecall, 0);
  check("after S ecall: MPIE (from MPIE=0)", (m_last.status >> 7) & 1, 0);
  /* Privileged spec 1.12 has mret to a mode below M clear MPRV; QEMU 7.2 leaves it set. */
  csr_set(mstatus, MSTATUS_MPRV);
  clear_traps();
  run_in(PRV_U, u_ecall, 0);
  note_either("MPRV after mret to U with MPRV=1 (spec 0, QEMU 7.2 1)", (m_last.status >> 17) & 1, 0, 1);
  csr_clear(mstatus, MSTATUS_MPRV);
  /* mret leaves MPP = U, the least-privileged mode */
  csr_set(mstatus, MSTATUS_MPP);
  __asm__ volatile("lla t0, 1f\ncsrw mepc, t0\nmret\n1:" ::: "t0", "memory");
  check("MPP after mret to M", (csr_read(mstatus) & MSTATUS_MPP) >> 11, PRV_U);
  m_hook = 0;
}

int main(void) {
  pmp_open_all();
  m_skip = 1;
  illegal();
  ecalls();
  misaligned();
  access_faults();
  mret_state();
  finish();
}
