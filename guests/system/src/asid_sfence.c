/* Address spaces and TLB maintenance that the architecture guarantees: two ASIDs whose tables
 * map the same VA to different frames, switched by S-mode writes to satp; page-table updates
 * made visible by sfence.vma in its four forms (all, by address, by ASID, by both), global
 * pages, and sfence.vma from U. Stale translations are never checked: whether a hart still
 * uses them before an sfence is up to the implementation. */
#include "rt.h"

#define VA0 0x40000000ul
#define VA1 0x40001000ul
#define FRAME(i) (FRAMES_BASE + (u64)(i) * PAGE)
#define PATTERN(i) (0xa0a0a0a000000000ul + (i))
#define LEAF (PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)

static u64 *root_a, *root_b;
static volatile u64 *a0_pte, *b0_pte, *a1_pte, *b1_pte;

/* what S-mode does next: switch satp, then sfence, then load */
static struct { u64 satp, kind, va, asid, load_va; } req;
enum { NO_FENCE, FENCE_ALL, FENCE_VA, FENCE_ASID, FENCE_VA_ASID };

static i64 s_step(i64 arg) {
  if (req.satp) csr_write(satp, req.satp);
  switch (req.kind) {
  case FENCE_ALL: __asm__ volatile("sfence.vma" ::: "memory"); break;
  case FENCE_VA: __asm__ volatile("sfence.vma %0, zero" ::"r"(req.va) : "memory"); break;
  case FENCE_ASID: __asm__ volatile("sfence.vma zero, %0" ::"r"(req.asid) : "memory"); break;
  case FENCE_VA_ASID: __asm__ volatile("sfence.vma %0, %1" ::"r"(req.va), "r"(req.asid) : "memory"); break;
  }
  return probe_ld(req.load_va);
}

static u64 step(u64 satp, int kind, u64 va, u64 asid, u64 load_va) {
  req.satp = satp;
  req.kind = kind;
  req.va = va;
  req.asid = asid;
  req.load_va = load_va;
  return run_in(PRV_S, s_step, 0);
}

static u64 leaf(u64 pa, u64 flags) { return ((pa >> 12) << 10) | flags; }

i64 u_sfence(i64);
extern char u_sfence_insn[];
__asm__(".pushsection .utext, \"ax\"\n.option push\n.option norvc\n"
        "u_sfence:\nu_sfence_insn: sfence.vma\nret\n"
        ".option pop\n.popsection\n");

int main(void) {
  pmp_open_all();
  m_skip = 1;
  for (int i = 0; i < 8; i++) *(volatile u64 *)FRAME(i) = PATTERN(i);
  root_a = pt_kernel(3);
  root_b = pt_kernel(3);
  a0_pte = pt_map(root_a, 3, VA0, FRAME(0), 0, LEAF);
  b0_pte = pt_map(root_b, 3, VA0, FRAME(1), 0, LEAF);
  a1_pte = pt_map(root_a, 3, VA1, FRAME(4), 0, LEAF | PTE_G);
  b1_pte = pt_map(root_b, 3, VA1, FRAME(4), 0, LEAF | PTE_G);
  u64 sa = satp_for(root_a, 3, 1), sb = satp_for(root_b, 3, 2);

  puts("-- two address spaces, switched by S without sfence\n");
  clear_traps();
  check("ASID 1: VA0", step(sa, FENCE_ALL, 0, 0, VA0), PATTERN(0));
  check("ASID 2: VA0", step(sb, NO_FENCE, 0, 0, VA0), PATTERN(1));
  check("ASID 1 again: VA0", step(sa, NO_FENCE, 0, 0, VA0), PATTERN(0));
  check("ASID 2 again: VA0", step(sb, NO_FENCE, 0, 0, VA0), PATTERN(1));
  check("ASID 1: global VA1", step(sa, NO_FENCE, 0, 0, VA1), PATTERN(4));
  check("ASID 2: global VA1", step(sb, NO_FENCE, 0, 0, VA1), PATTERN(4));
  check("no traps so far", m_last.count, 0);

  puts("-- page-table updates made visible by sfence.vma (executed in S)\n");
  *a0_pte = leaf(FRAME(2), LEAF);
  check("ASID 1 after sfence.vma VA0, asid 1", step(sa, FENCE_VA_ASID, VA0, 1, VA0), PATTERN(2));
  *a0_pte = leaf(FRAME(3), LEAF);
  check("ASID 1 after sfence.vma zero, asid 1", step(0, FENCE_ASID, 0, 1, VA0), PATTERN(3));
  *a0_pte = leaf(FRAME(5), LEAF);
  check("ASID 1 after sfence.vma VA0, zero", step(0, FENCE_VA, VA0, 0, VA0), PATTERN(5));
  *a0_pte = leaf(FRAME(6), LEAF);
  check("ASID 1 after sfence.vma", step(0, FENCE_ALL, 0, 0, VA0), PATTERN(6));
  *b0_pte = leaf(FRAME(7), LEAF);
  check("ASID 2 after switching and sfence.vma zero, asid 2", step(sb, FENCE_ASID, 0, 2, VA0), PATTERN(7));
  check("ASID 1 unchanged", step(sa, NO_FENCE, 0, 0, VA0), PATTERN(6));

  puts("-- global pages\n");
  *a1_pte = leaf(FRAME(3), LEAF | PTE_G);
  *b1_pte = leaf(FRAME(3), LEAF | PTE_G);
  check("global VA1 after sfence.vma VA1, zero", step(sa, FENCE_VA, VA1, 0, VA1), PATTERN(3));
  check("global VA1 from ASID 2", step(sb, NO_FENCE, 0, 0, VA1), PATTERN(3));

  puts("-- unmapping\n");
  *a0_pte = 0;
  clear_traps();
  step(sa, FENCE_VA_ASID, VA0, 1, VA0);
  expect_trap(&m_last, "load after unmapping and sfence.vma VA0, asid 1", EXC_LOAD_PAGE, VA0, ANY);
  /* a whole subtree: drop the level-1 pointer */
  *a0_pte = leaf(FRAME(0), LEAF);
  u64 *l1 = (u64 *)((root_a[(VA0 >> 30) & 511] >> 10) << 12);
  u64 saved = l1[(VA0 >> 21) & 511];
  l1[(VA0 >> 21) & 511] = 0;
  clear_traps();
  step(sa, FENCE_ALL, 0, 0, VA0);
  expect_trap(&m_last, "load after removing a level-1 pointer and sfence.vma", EXC_LOAD_PAGE, VA0, ANY);
  l1[(VA0 >> 21) & 511] = saved;
  check("load after restoring it and sfence.vma zero, asid 1", step(sa, FENCE_ASID, 0, 1, VA0), PATTERN(0));

  puts("-- sfence.vma from U\n");
  clear_traps();
  run_in(PRV_U, u_sfence, 0);
  expect_trap(&m_last, "sfence.vma in U", EXC_ILLEGAL, 0x12000073, (u64)u_sfence_insn);
  csr_write(satp, 0);
  finish();
}
