/* Output formatting, checks, trap dispatch, page tables and PMP: everything a guest shares. */
#include "rt.h"

#define RUN_MAGIC 0x52554e

int failures;
volatile trap_rec_t m_last, s_last;
trap_hook_t m_hook, s_hook;
volatile int m_skip, s_skip;
volatile int m_run_active, s_run_active;
extern char run_resume[], s_resume[];

void *memset(void *d, int c, size_t n) {
  unsigned char *p = d;
  while (n--) *p++ = (unsigned char)c;
  return d;
}

void *memcpy(void *d, const void *s, size_t n) {
  unsigned char *p = d;
  const unsigned char *q = s;
  while (n--) *p++ = *q++;
  return d;
}

/* Before main: no timer interrupt pending (mtimecmp resets to 0, so MTIP would be set). */
void rt_init(void) {
  *CLINT_MTIMECMP = ~0ul;
  *CLINT_MSIP = 0;
}

void puts_(const char *s) {
  while (*s) putch(*s++);
}

/* Output goes to the console, or into a buffer while format() runs. */
static char *sink;
static void out(int c) {
  if (sink) *sink++ = (char)c;
  else putch(c);
}

static void put_num(u64 v, unsigned base, int width, int neg) {
  char buf[24];
  int n = 0;
  do {
    buf[n++] = "0123456789abcdef"[v % base];
    v /= base;
  } while (v);
  if (neg) buf[n++] = '-';
  while (n < width) buf[n++] = '0';
  while (n) out(buf[--n]);
}

/* %s %c %d %u %x with optional l and a zero-padded width (%016lx); %x prints with 0x when
 * written %#x. Enough for the guests, nothing more. */
void vprintf_(const char *fmt, va_list ap) {
  for (; *fmt; fmt++) {
    if (*fmt != '%') { out(*fmt); continue; }
    fmt++;
    int alt = 0, width = 0, lng = 0;
    if (*fmt == '#') { alt = 1; fmt++; }
    while (*fmt >= '0' && *fmt <= '9') width = width * 10 + (*fmt++ - '0');
    while (*fmt == 'l') { lng = 1; fmt++; }
    switch (*fmt) {
    case 's': { const char *t = va_arg(ap, const char *); while (*t) out(*t++); }; break;
    case 'c': out(va_arg(ap, int)); break;
    case 'd': {
      i64 v = lng ? va_arg(ap, i64) : va_arg(ap, int);
      put_num(v < 0 ? -(u64)v : (u64)v, 10, width, v < 0);
      break;
    }
    case 'u': put_num(lng ? va_arg(ap, u64) : va_arg(ap, unsigned), 10, width, 0); break;
    case 'x':
      if (alt) { out('0'); out('x'); }
      put_num(lng ? va_arg(ap, u64) : va_arg(ap, unsigned), 16, width, 0);
      break;
    case '%': out('%'); break;
    default: out('?'); break;
    }
  }
}

char *format(char *buf, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  sink = buf;
  vprintf_(fmt, ap);
  *sink = 0;
  sink = 0;
  va_end(ap);
  return buf;
}

void printf_(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vprintf_(fmt, ap);
  va_end(ap);
}

void checkf(u64 got, u64 want, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  puts_(got == want ? "PASS " : "FAIL ");
  vprintf_(fmt, ap);
  va_end(ap);
  if (got == want) {
    printf(" = %#lx\n", got);
  } else {
    failures++;
    printf(": got %#lx, want %#lx\n", got, want);
  }
}

void check(const char *what, u64 got, u64 want) { checkf(got, want, "%s", what); }

void expect_trap(volatile trap_rec_t *r, const char *what, u64 cause, u64 tval, u64 epc) {
  int ok = r->count == 1 && r->cause == cause && r->tval == tval && (epc == ANY || r->epc == epc);
  if (ok) {
    printf("PASS %s: cause %#lx tval %#lx\n", what, cause, tval);
    return;
  }
  failures++;
  printf("FAIL %s: got %lu trap(s), cause %#lx tval %#lx epc %#lx; want cause %#lx tval %#lx epc %#lx\n", what,
         r->count, r->cause, r->tval, r->epc, cause, tval, epc);
}

void expect_no_trap(volatile trap_rec_t *r, const char *what) {
  if (r->count == 0) {
    printf("PASS %s: no trap\n", what);
    return;
  }
  failures++;
  printf("FAIL %s: trapped, cause %#lx tval %#lx epc %#lx\n", what, r->cause, r->tval, r->epc);
}

void check_true(const char *what, int ok) {
  if (ok) printf("PASS %s\n", what);
  else {
    failures++;
    printf("FAIL %s\n", what);
  }
}

void note(const char *what, u64 value) { printf("NOTE %s = %#lx\n", what, value); }

void note_either(const char *what, u64 got, u64 spec, u64 qemu) {
  if (got == spec || got == qemu) {
    note(what, got);
    return;
  }
  failures++;
  printf("FAIL %s: got %#lx, want %#lx (spec) or %#lx (QEMU 7.2)\n", what, got, spec, qemu);
}

void expect_trap_either(volatile trap_rec_t *r, const char *what, u64 spec_cause, u64 qemu_cause, u64 tval, u64 epc) {
  if (r->count == 0 && (spec_cause == NO_TRAP || qemu_cause == NO_TRAP)) {
    printf("NOTE %s: no trap\n", what);
    return;
  }
  if (r->count == 1 && (r->cause == spec_cause || r->cause == qemu_cause) && r->tval == tval &&
      (epc == ANY || r->epc == epc)) {
    printf("NOTE %s: cause %#lx tval %#lx\n", what, r->cause, tval);
    return;
  }
  failures++;
  printf("FAIL %s: got %lu trap(s), cause %#lx tval %#lx epc %#lx; want cause %#lx (spec) or %#lx (QEMU 7.2), tval %#lx "
         "epc %#lx\n", what, r->count, r->cause, r->tval, r->epc, spec_cause, qemu_cause, tval, epc);
}

void finish(void) {
  printf("%s: %d failure(s)\n", failures ? "FAILED" : "DONE", failures);
  exit_(failures ? 1 : 0);
}

void clear_traps(void) {
  memset((void *)&m_last, 0, sizeof m_last);
  memset((void *)&s_last, 0, sizeof s_last);
}

static int is_fetch_fault(u64 cause) {
  return cause == EXC_INSN_MISALIGNED || cause == EXC_INSN_ACCESS || cause == EXC_INSN_PAGE;
}

/* Code always runs identity-mapped, so the trapping instruction is readable at epc. */
static u64 insn_len(u64 epc) { return (*(volatile uint16_t *)epc & 3) == 3 ? 4 : 2; }

static void record(volatile trap_rec_t *r, frame_t *f) {
  r->cause = f->cause;
  r->tval = f->tval;
  r->epc = f->epc;
  r->status = f->status;
  r->vec = f->vec;
  r->count++;
}

static void unexpected(const char *who, frame_t *f) {
  printf("UNEXPECTED %s-mode trap: cause %#lx epc %#lx tval %#lx status %#lx\n", who, f->cause, f->epc,
         f->tval, f->status);
  exit_(99);
}

/* Shared by both levels: the caller has dealt with run returns. */
static void dispatch(const char *who, volatile trap_rec_t *last, trap_hook_t hook, int skip, frame_t *f) {
  record(last, f);
  if (hook && hook(f)) return;
  if (skip && !(f->cause & INTR)) {
    f->epc = is_fetch_fault(f->cause) ? f->x[1] : f->epc + insn_len(f->epc);
    return;
  }
  unexpected(who, f);
}

/* Ends the current run_in: M resumes after the call with a0 as the lower mode left it. */
static void end_run(frame_t *f) {
  m_run_active = 0;
  f->epc = (u64)run_resume;
  f->status = (f->status | MSTATUS_MPP) & ~MSTATUS_MPIE;
}

void abort_run(frame_t *f) {
  f->x[10] = 0xdead;
  end_run(f);
}

void m_trap(frame_t *f) {
  if ((f->cause == EXC_ECALL_U || f->cause == EXC_ECALL_S) && f->x[17] == RUN_MAGIC && m_run_active) {
    end_run(f);
    return;
  }
  dispatch("M", &m_last, m_hook, m_skip, f);
}

void s_trap(frame_t *f) {
  if (f->cause == EXC_ECALL_U && f->x[17] == RUN_MAGIC && s_run_active) {
    s_run_active = 0;
    f->epc = (u64)s_resume;
    f->status = (f->status | MSTATUS_SPP) & ~MSTATUS_SPIE;
    return;
  }
  dispatch("S", &s_last, s_hook, s_skip, f);
}

void install_m_vectored(void) { csr_write(mtvec, (u64)m_vector_table | 1); }
void install_s_vectored(void) { csr_write(stvec, (u64)s_vector_table | 1); }

/* ---- page tables ---- */
#define POOL_PAGES 96
static u64 pool[POOL_PAGES][512] __attribute__((aligned(4096)));
static int pool_used;

u64 *pt_alloc(void) {
  if (pool_used == POOL_PAGES) {
    puts("page-table pool exhausted\n");
    exit_(98);
  }
  u64 *p = pool[pool_used++];
  memset(p, 0, PAGE);
  return p;
}

volatile u64 *pt_map(u64 *root, int levels, u64 va, u64 pa, int level, u64 flags) {
  u64 *t = root;
  for (int l = levels - 1; l > level; l--) {
    u64 *pte = &t[(va >> (12 + 9 * l)) & 511];
    if (!(*pte & PTE_V)) *pte = (((u64)pt_alloc() >> 12) << 10) | PTE_V;
    t = (u64 *)((*pte >> 10) << 12);
  }
  volatile u64 *leaf = &t[(va >> (12 + 9 * level)) & 511];
  *leaf = ((pa >> 12) << 10) | flags;
  return leaf;
}

#define UART_PAGE 0x10000000ul

u64 *pt_kernel(int levels) {
  u64 *root = pt_alloc();
  u64 k = PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D;
  pt_map(root, levels, 0x80000000ul, 0x80000000ul, 1, k);
  pt_map(root, levels, 0x80200000ul, 0x80200000ul, 1, k | PTE_U);
  pt_map(root, levels, FRAMES_BASE, FRAMES_BASE, 1, k & ~PTE_X);
  pt_map(root, levels, UART_PAGE, UART_PAGE, 0, (k & ~PTE_X));
  return root;
}

u64 satp_for(u64 *root, int levels, u64 asid) {
  return (levels == 3 ? SATP_SV39 : SATP_SV48) | (asid << 44) | ((u64)root >> 12);
}

void sfence_all(void) { __asm__ volatile("sfence.vma" ::: "memory"); }

void pmp_open_all(void) {
  csr_write(pmpaddr0, ~0ul >> 10);
  csr_write(pmpcfg0, 0x1f);   /* NAPOT, R, W, X */
}
