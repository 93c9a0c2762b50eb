/* Page-table walks shared by mmu_sv39 (LEVELS 3) and mmu_sv48 (LEVELS 4): permissions, faults
 * and their tval, superpages, A/D updates, SUM, MXR, U/S separation, canonical addresses and
 * satp's WARL MODE field. M builds the tables; S and U make the accesses; every page fault goes
 * to M, which records it and skips the access. */
#include "rt.h"

#define NONE (~0ul)
enum { LD, ST, FETCH };

/* test pages: VAs in the first GiB above 1 GiB, frames in scratch RAM */
#define VA(i) (0x40000000ul + (u64)(i) * PAGE)
#define FRAME(i) (FRAMES_BASE + (u64)(i) * PAGE)
#define PATTERN(i) (0x1111111111111111ul * ((i) + 1))
#define RET_INSN 0x00008067u

static u64 *root;

i64 u_store(i64);
__asm__(".pushsection .utext, \"ax\"\n.option push\n.option norvc\n"
        "u_store: li a1, 0x77\nsd a1, 0(a0)\nret\n"
        ".option pop\n.popsection\n");
static i64 s_store(i64 va) {
  probe_sd(va, 0x55);
  return 0;
}

/* Makes one access from mode and checks the outcome: no trap, or a page fault with tval = va. */
static u64 try_access(const char *what, int mode, int op, u64 va, u64 want) {
  static const char *ops[] = {"load", "store", "fetch"};
  i64 (*fn)(i64);
  if (op == LD) fn = mode == PRV_U ? (i64 (*)(i64))uprobe_ld : (i64 (*)(i64))probe_ld;
  else if (op == ST) fn = mode == PRV_U ? u_store : s_store;
  else fn = (i64 (*)(i64))va;
  clear_traps();
  u64 v = run_in(mode, fn, va);
  char msg[128];
  format(msg, "%c %s %s", mode == PRV_U ? 'U' : 'S', ops[op], what);
  if (want == NONE) expect_no_trap(&m_last, msg);
  else expect_trap(&m_last, msg, want, va, op == FETCH ? va : ANY);
  return v;
}

static void set_pte(volatile u64 *pte, u64 v) {
  *pte = v;
  sfence_all();
}

static u64 leaf(u64 pa, u64 flags) { return ((pa >> 12) << 10) | flags; }

static void setup(void) {
  root = pt_kernel(LEVELS);
  for (int i = 0; i < 16; i++) {
    *(volatile u64 *)FRAME(i) = PATTERN(i);
    *(volatile u32 *)(FRAME(i) + 8) = RET_INSN;
  }
  fence_i();
  csr_write(satp, satp_for(root, LEVELS, 0));
  sfence_all();
}

#define RWX (PTE_R | PTE_W | PTE_X)
#define AD (PTE_A | PTE_D)
#define V PTE_V

static void permissions(void) {
  puts("-- permissions of 4 KiB pages (S-mode, SUM=0, MXR=0)\n");
  pt_map(root, LEVELS, VA(0), FRAME(0), 0, V | PTE_R | AD);
  pt_map(root, LEVELS, VA(1), FRAME(1), 0, V | PTE_R | PTE_W | AD);
  pt_map(root, LEVELS, VA(2), FRAME(2), 0, V | PTE_X | AD);
  pt_map(root, LEVELS, VA(3), FRAME(3), 0, V | PTE_W | AD);
  pt_map(root, LEVELS, VA(4), FRAME(4), 0, PTE_R | PTE_W | AD);   /* not valid */
  pt_map(root, LEVELS, VA(5), FRAME(5), 0, V | RWX | PTE_U | AD);
  pt_map(root, LEVELS, VA(6), FRAME(6), 0, V | RWX | AD);
  pt_map(root, LEVELS, VA(7), FRAME(7), 0, V | AD);                /* pointer at the last level */
  sfence_all();
  checkf(try_access("R page", PRV_S, LD, VA(0), NONE), PATTERN(0), "  value");
  try_access("R page", PRV_S, ST, VA(0), EXC_STORE_PAGE);
  try_access("R page", PRV_S, FETCH, VA(0) + 8, EXC_INSN_PAGE);
  checkf(try_access("RW page", PRV_S, LD, VA(1), NONE), PATTERN(1), "  value");
  try_access("RW page", PRV_S, ST, VA(1), NONE);
  check("  stored through the mapping", *(volatile u64 *)FRAME(1), 0x55);
  try_access("X page", PRV_S, LD, VA(2), EXC_LOAD_PAGE);
  try_access("X page", PRV_S, FETCH, VA(2) + 8, NONE);
  try_access("W-only page (reserved)", PRV_S, LD, VA(3), EXC_LOAD_PAGE);
  try_access("W-only page (reserved)", PRV_S, ST, VA(3), EXC_STORE_PAGE);
  try_access("invalid PTE", PRV_S, LD, VA(4), EXC_LOAD_PAGE);
  try_access("invalid PTE", PRV_S, ST, VA(4), EXC_STORE_PAGE);
  try_access("invalid PTE", PRV_S, FETCH, VA(4) + 8, EXC_INSN_PAGE);
  try_access("non-leaf PTE at level 0", PRV_S, LD, VA(7), EXC_LOAD_PAGE);
  try_access("unmapped address", PRV_S, LD, VA(100), EXC_LOAD_PAGE);

  puts("-- MXR makes executable pages readable\n");
  csr_set(mstatus, MSTATUS_MXR);
  checkf(try_access("X page, MXR=1", PRV_S, LD, VA(2), NONE), PATTERN(2), "  value");
  try_access("X page, MXR=1", PRV_S, ST, VA(2), EXC_STORE_PAGE);
  csr_clear(mstatus, MSTATUS_MXR);

  puts("-- U pages and S-mode (SUM)\n");
  try_access("U page, SUM=0", PRV_S, LD, VA(5), EXC_LOAD_PAGE);
  try_access("U page, SUM=0", PRV_S, ST, VA(5), EXC_STORE_PAGE);
  csr_set(mstatus, MSTATUS_SUM);
  checkf(try_access("U page, SUM=1", PRV_S, LD, VA(5), NONE), PATTERN(5), "  value");
  try_access("U page, SUM=1", PRV_S, ST, VA(5), NONE);
  try_access("U page, SUM=1 (never executable by S)", PRV_S, FETCH, VA(5) + 8, EXC_INSN_PAGE);
  csr_clear(mstatus, MSTATUS_SUM);

  puts("-- U-mode\n");
  checkf(try_access("U page", PRV_U, LD, VA(5), NONE), 0x55, "  value (stored by S above)");
  try_access("U page", PRV_U, ST, VA(5), NONE);
  try_access("U page", PRV_U, FETCH, VA(5) + 8, NONE);
  try_access("S page", PRV_U, LD, VA(6), EXC_LOAD_PAGE);
  try_access("S page", PRV_U, ST, VA(6), EXC_STORE_PAGE);
  try_access("S page", PRV_U, FETCH, VA(6) + 8, EXC_INSN_PAGE);
  csr_set(mstatus, MSTATUS_SUM);
  try_access("S page, SUM=1 (no effect on U)", PRV_U, LD, VA(6), EXC_LOAD_PAGE);
  csr_clear(mstatus, MSTATUS_SUM);
}

static void superpages(void) {
  puts("-- superpages\n");
  u64 mva = 0x40200000ul;   /* 2 MiB page onto the scratch frames */
  volatile u64 *mega = pt_map(root, LEVELS, mva, FRAMES_BASE, 1, V | RWX | AD);
  sfence_all();
  checkf(try_access("2M page, frame 0", PRV_S, LD, mva, NONE), PATTERN(0), "  value");
  checkf(try_access("2M page, frame 3", PRV_S, LD, mva + 3 * PAGE, NONE), PATTERN(3), "  value");
  try_access("2M page, code in frame 2", PRV_S, FETCH, mva + 2 * PAGE + 8, NONE);
  set_pte(mega, leaf(FRAMES_BASE + PAGE, V | RWX | AD));
  try_access("2M page with a misaligned PPN", PRV_S, LD, mva, EXC_LOAD_PAGE);
  try_access("2M page with a misaligned PPN", PRV_S, FETCH, mva + 8, EXC_INSN_PAGE);
  set_pte(mega, 0);

  u64 gva = 0xc0000000ul;   /* 1 GiB page onto all of low RAM, image included */
  volatile u64 *giga = pt_map(root, LEVELS, gva, 0x80000000ul, 2, V | RWX | AD);
  sfence_all();
  checkf(try_access("1G page, frame 4", PRV_S, LD, gva + (FRAME(4) - 0x80000000ul), NONE), PATTERN(4), "  value");
  set_pte(giga, leaf(0x80200000ul, V | RWX | AD));
  try_access("1G page with a misaligned PPN", PRV_S, LD, gva, EXC_LOAD_PAGE);
  set_pte(giga, 0);

#if LEVELS == 4
  u64 tva = 0x8000000000ul;   /* 512 GiB page onto physical 0 */
  volatile u64 *tera = pt_map(root, LEVELS, tva, 0, 3, V | RWX | AD);
  sfence_all();
  checkf(try_access("512G page, frame 6", PRV_S, LD, tva + FRAME(6), NONE), PATTERN(6), "  value");
  set_pte(tera, leaf(0x80000000ul, V | RWX | AD));
  try_access("512G page with a misaligned PPN", PRV_S, LD, tva + FRAME(6), EXC_LOAD_PAGE);
  set_pte(tera, 0);
#endif
  int top = 12 + 9 * LEVELS - 1;   /* the highest VA bit: 38 (Sv39) or 47 (Sv48) */
  u64 hva = ~0ul << top;           /* the first address of the top half */
  pt_map(root, LEVELS, hva, 0x80000000ul, 2, V | RWX | AD);
  sfence_all();
  checkf(try_access("1G page at the top of the address space", PRV_S, LD, hva + (FRAME(4) - 0x80000000ul), NONE),
         PATTERN(4), "  value");
  try_access("non-canonical address", PRV_S, LD, (1ul << top) + (FRAME(4) - 0x80000000ul), EXC_LOAD_PAGE);
#if LEVELS == 3
  try_access("non-canonical address", PRV_S, ST, 0x8000000000000000ul, EXC_STORE_PAGE);
#else
  try_access("Sv39-canonical but Sv48-mapped address", PRV_S, LD, 0x4000000000ul, EXC_LOAD_PAGE);
#endif
}

static void accessed_dirty(void) {
  puts("-- A and D bits (the hart sets them; record what it does)\n");
  volatile u64 *p = pt_map(root, LEVELS, VA(8), FRAME(8), 0, V | PTE_R | PTE_W);
  volatile u64 *x = pt_map(root, LEVELS, VA(9), FRAME(9), 0, V | PTE_X);
  volatile u64 *u = pt_map(root, LEVELS, VA(10), FRAME(10), 0, V | PTE_R | PTE_W | PTE_U);
  volatile u64 *r = pt_map(root, LEVELS, VA(11), FRAME(11), 0, V | PTE_R);
  sfence_all();
  try_access("RW page, A=0 D=0", PRV_S, LD, VA(8), NONE);
  checkf(*p & AD, PTE_A, "  A|D after the load (0x40 = A, 0x80 = D)");
  try_access("RW page", PRV_S, ST, VA(8), NONE);
  checkf(*p & AD, AD, "  A|D after the store");
  set_pte(p, leaf(FRAME(8), V | PTE_R | PTE_W));
  try_access("RW page, A=0 D=0", PRV_S, ST, VA(8), NONE);
  checkf(*p & AD, AD, "  A|D after a store first");
  try_access("X page, A=0", PRV_S, FETCH, VA(9) + 8, NONE);
  checkf(*x & AD, PTE_A, "  A|D after the fetch");
  try_access("U page, A=0, SUM=0 (faults)", PRV_S, LD, VA(10), EXC_LOAD_PAGE);
  checkf(*u & AD, 0, "  A|D after the faulting load");
  try_access("R page, A=0", PRV_S, ST, VA(11), EXC_STORE_PAGE);
  checkf(*r & AD, 0, "  A|D after the faulting store");
}

static void satp_warl(void) {
  puts("-- satp\n");
  u64 cur = csr_read(satp);
  check("satp reads back", cur, satp_for(root, LEVELS, 0));
  for (u64 mode = 1; mode < 16; mode++) {
    if (mode == 8 || mode == 9) continue;
    csr_write(satp, (mode << 60) | ((u64)root >> 12));
    u64 got = csr_read(satp);
    if (got == cur) printf("PASS satp MODE %lu not supported: satp unchanged\n", mode);
    else printf("NOTE satp MODE %lu accepted: %#lx\n", mode, got);
    csr_write(satp, cur);
  }
  csr_write(satp, satp_for(root, LEVELS, 0xffff));
  note("ASID bits kept after writing 0xffff", (csr_read(satp) >> 44) & 0xffff);
  csr_write(satp, ((u64)root >> 12) | (0x1234ul << 44));
  note("satp after writing Bare with ASID and PPN", csr_read(satp));
  csr_write(satp, cur);
  sfence_all();
}

int main(void) {
  pmp_open_all();
  m_skip = 1;
  setup();
  permissions();
  superpages();
  accessed_dirty();
  satp_warl();
  finish();
}
