/* Counters on virt: cycle, instret and time move forward, time agrees with the CLINT's mtime,
 * minstret/mcycle are writable, and mcounteren/scounteren gate S and U. No value that depends
 * on timing is printed, only comparisons. */
#include "rt.h"

#define CY 1
#define TM 2
#define IR 4
#define HPM3 8

extern char rd_cycle_insn[], rd_time_insn[], rd_instret_insn[], rd_hpm3_insn[];
i64 rd_cycle(i64), rd_time(i64), rd_instret(i64), rd_hpm3(i64);
__asm__(".pushsection .utext, \"ax\"\n.option push\n.option norvc\n"
        "rd_cycle:\nrd_cycle_insn: rdcycle a0\nret\n"
        "rd_time:\nrd_time_insn: rdtime a0\nret\n"
        "rd_instret:\nrd_instret_insn: rdinstret a0\nret\n"
        "rd_hpm3:\nrd_hpm3_insn: csrr a0, hpmcounter3\nret\n"
        ".option pop\n.popsection\n");

static volatile u64 sink;
static void work(void) {
  for (int i = 0; i < 1000; i++) sink += i;
}

static void monotonic(void) {
  puts("-- counters move forward\n");
  u64 c0 = csr_read(cycle), i0 = csr_read(instret), t0 = csr_read(time);
  work();
  u64 c1 = csr_read(cycle), i1 = csr_read(instret), t1 = csr_read(time);
  check_true("cycle increased over 1000 iterations", c1 > c0);
  check_true("instret increased over 1000 iterations", i1 > i0);
  check_true("time did not go back", t1 >= t0);
  check_true("mcycle and cycle agree in order", csr_read(mcycle) >= c1);
  check_true("minstret and instret agree in order", csr_read(minstret) >= i1);
  u64 m0 = *CLINT_MTIME;
  u64 t = csr_read(time);
  u64 m1 = *CLINT_MTIME;
  check_true("mtime <= time <= mtime read after", m0 <= t && t <= m1);
  /* wait for time to advance a little so the check cannot pass on a frozen clock */
  u64 start = csr_read(time);
  while (csr_read(time) < start + 100) {}
  check_true("time advanced by 100 ticks", csr_read(time) >= start + 100);
  csr_write(minstret, 1000000);
  check_true("minstret after writing 1000000 is at least that", csr_read(minstret) >= 1000000);
  csr_write(mcycle, 5000000);
  check_true("mcycle after writing 5000000 is at least that", csr_read(mcycle) >= 5000000);
}

static void gate(const char *what, int mode, i64 (*fn)(i64), char *insn, u64 encoding, int allowed) {
  clear_traps();
  run_in(mode, fn, 0);
  if (allowed) expect_no_trap(&m_last, what);
  else expect_trap(&m_last, what, EXC_ILLEGAL, encoding, (u64)insn);
}

static void gating(void) {
  puts("-- mcounteren gates S and U, scounteren gates U\n");
  struct { const char *name; i64 (*fn)(i64); char *insn; u64 enc, bit; } ctr[] = {
    {"cycle", rd_cycle, rd_cycle_insn, 0xc0002573, CY},
    {"time", rd_time, rd_time_insn, 0xc0102573, TM},
    {"instret", rd_instret, rd_instret_insn, 0xc0202573, IR},
    {"hpmcounter3", rd_hpm3, rd_hpm3_insn, 0xc0302573, HPM3},
  };
  char msg[96];
  for (unsigned i = 0; i < 4; i++) {
    u64 b = ctr[i].bit;
    csr_write(mcounteren, 0);
    csr_write(scounteren, 0);
    gate(format(msg, "S %s, mcounteren=0", ctr[i].name), PRV_S, ctr[i].fn, ctr[i].insn, ctr[i].enc, 0);
    csr_write(mcounteren, b);
    gate(format(msg, "S %s, mcounteren bit set", ctr[i].name), PRV_S, ctr[i].fn, ctr[i].insn, ctr[i].enc, 1);
    gate(format(msg, "U %s, scounteren=0", ctr[i].name), PRV_U, ctr[i].fn, ctr[i].insn, ctr[i].enc, 0);
    csr_write(scounteren, b);
    gate(format(msg, "U %s, both bits set", ctr[i].name), PRV_U, ctr[i].fn, ctr[i].insn, ctr[i].enc, 1);
    csr_write(mcounteren, 0);
    gate(format(msg, "U %s, only scounteren bit set", ctr[i].name), PRV_U, ctr[i].fn, ctr[i].insn, ctr[i].enc, 0);
  }
  csr_write(mcounteren, 0);
  csr_write(scounteren, 0);
}

int main(void) {
  pmp_open_all();
  m_skip = 1;
  monotonic();
  gating();
  finish();
}
