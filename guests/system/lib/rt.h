/* The tiny bare-metal runtime shared by every system guest: console, exit, checks, traps,
 * privilege switching, CLINT and page tables. One hart, no libc. */
#ifndef RT_H
#define RT_H
#include <stdint.h>
#include <stddef.h>
#include <stdarg.h>

typedef uint64_t u64;
typedef int64_t i64;
typedef uint32_t u32;

#define PRV_U 0
#define PRV_S 1
#define PRV_M 3

/* mstatus fields */
#define MSTATUS_SIE   (1ul << 1)
#define MSTATUS_MIE   (1ul << 3)
#define MSTATUS_SPIE  (1ul << 5)
#define MSTATUS_UBE   (1ul << 6)
#define MSTATUS_MPIE  (1ul << 7)
#define MSTATUS_SPP   (1ul << 8)
#define MSTATUS_VS    (3ul << 9)
#define MSTATUS_MPP   (3ul << 11)
#define MSTATUS_FS    (3ul << 13)
#define MSTATUS_XS    (3ul << 15)
#define MSTATUS_MPRV  (1ul << 17)
#define MSTATUS_SUM   (1ul << 18)
#define MSTATUS_MXR   (1ul << 19)
#define MSTATUS_TVM   (1ul << 20)
#define MSTATUS_TW    (1ul << 21)
#define MSTATUS_TSR   (1ul << 22)
#define MSTATUS_UXL   (3ul << 32)
#define MSTATUS_SXL   (3ul << 34)
#define MSTATUS_SD    (1ul << 63)

/* interrupt numbers and mip/mie bits */
#define IRQ_SSI 1
#define IRQ_MSI 3
#define IRQ_STI 5
#define IRQ_MTI 7
#define IRQ_SEI 9
#define IRQ_MEI 11
#define MIP(n) (1ul << (n))
#define INTR (1ul << 63)

/* exception causes */
#define EXC_INSN_MISALIGNED 0
#define EXC_INSN_ACCESS 1
#define EXC_ILLEGAL 2
#define EXC_BREAKPOINT 3
#define EXC_LOAD_MISALIGNED 4
#define EXC_LOAD_ACCESS 5
#define EXC_STORE_MISALIGNED 6
#define EXC_STORE_ACCESS 7
#define EXC_ECALL_U 8
#define EXC_ECALL_S 9
#define EXC_ECALL_M 11
#define EXC_INSN_PAGE 12
#define EXC_LOAD_PAGE 13
#define EXC_STORE_PAGE 15

#define STR_(x) #x
#define STR(x) STR_(x)
#define csr_read(csr) ({ u64 v_; __asm__ volatile("csrr %0, " STR(csr) : "=r"(v_)); v_; })
#define csr_write(csr, val) __asm__ volatile("csrw " STR(csr) ", %0" ::"r"((u64)(val)) : "memory")
#define csr_set(csr, val) __asm__ volatile("csrs " STR(csr) ", %0" ::"r"((u64)(val)) : "memory")
#define csr_clear(csr, val) __asm__ volatile("csrc " STR(csr) ", %0" ::"r"((u64)(val)) : "memory")
#define csr_swap(csr, val) ({ u64 v_; __asm__ volatile("csrrw %0, " STR(csr) ", %1" : "=r"(v_) : "r"((u64)(val)) : "memory"); v_; })

/* ---- console and exit (HTIF on spike, NS16550A + sifive_test on virt) ---- */
void putch(int c);
void puts_(const char *s);
void printf_(const char *fmt, ...);
void vprintf_(const char *fmt, va_list ap);
char *format(char *buf, const char *fmt, ...);   /* like sprintf; returns buf */
void exit_(int code) __attribute__((noreturn));
#define printf printf_
#define puts puts_

/* ---- checks: each prints one PASS or FAIL line; finish() exits 1 if any failed ---- */
extern int failures;
void check(const char *what, u64 got, u64 want);
void checkf(u64 got, u64 want, const char *fmt, ...);
void check_true(const char *what, int ok);
void note(const char *what, u64 value);   /* prints an observed value, no verdict */
/* Where QEMU 7.2 departs from the spec: the value is printed as a NOTE when it is what either
 * the spec or QEMU gives (so both machines pass and only that line differs), a FAIL otherwise. */
void note_either(const char *what, u64 got, u64 spec, u64 qemu);
void finish(void) __attribute__((noreturn));

/* ---- traps ----
 * Every trap lands in m_trap (or s_trap once delegated) with a frame. A hook may handle it;
 * otherwise, in SKIP mode an exception is recorded and the trapping instruction is skipped (a
 * fetch fault returns to the caller's ra instead), and anything else is reported as unexpected. */
typedef struct frame {
  u64 x[32];          /* x[2] is the interrupted sp */
  u64 epc, cause, tval, status;
  i64 vec;            /* vector slot that was entered, or -1 for the direct entry */
} frame_t;

typedef struct trap_rec {
  u64 cause, tval, epc, status;
  i64 vec;
  u64 count;
} trap_rec_t;

typedef int (*trap_hook_t)(frame_t *f);
extern volatile trap_rec_t m_last, s_last;
extern trap_hook_t m_hook, s_hook;
extern volatile int m_skip, s_skip;   /* nonzero: record-and-skip exceptions */

void m_trap_entry(void);
void s_trap_entry(void);
extern u64 m_vector_table[];          /* 16 slots of 4 bytes (jumps), 64-byte aligned */
extern u64 s_vector_table[];
void install_m_vectored(void);
void install_s_vectored(void);

/* Runs fn(arg) in mode (PRV_U or PRV_S) from M-mode and returns what it returns. fn ends by
 * returning into a stub that makes the `ecall` back. Other mstatus bits (SUM, MXR, MPIE, ...)
 * are left as the caller set them. U-mode functions must live in the user region (USER). */
i64 run_in(int mode, i64 (*fn)(i64), i64 arg);
extern volatile int m_run_active, s_run_active;   /* a run_in / s_run_in_u is under way */
/* For an M hook: abandon the current run_in, which returns 0xdead. */
void abort_run(frame_t *f);
/* From S-mode: runs fn(arg) in U-mode; needs ecall from U delegated (medeleg bit 8). */
i64 s_run_in_u(i64 (*fn)(i64), i64 arg);
#define USER __attribute__((section(".utext"), noinline))
#define USER_DATA __attribute__((section(".udata")))

/* Skip bookkeeping for tests: clear the records, then read what happened. */
void clear_traps(void);
#define ANY (~0ul)   /* expect_trap: any epc */
void expect_trap(volatile trap_rec_t *r, const char *what, u64 cause, u64 tval, u64 epc);
void expect_no_trap(volatile trap_rec_t *r, const char *what);
/* The trap counterpart of note_either: one trap with either cause (or none, when a cause is
 * NO_TRAP), at this tval and epc, gives a NOTE naming what happened; anything else a FAIL. */
#define NO_TRAP (~0ul)
void expect_trap_either(volatile trap_rec_t *r, const char *what, u64 spec_cause, u64 qemu_cause, u64 tval, u64 epc);

/* Runs one instruction at a known address (returned) so a trap's epc can be checked. The
 * instruction text uses %1 (value in/out) and %2 (address). */
/* One instruction in M that must trap to M with this cause and tval, at its own address. */
#define TRAP_AT(what, insn, cause, tval)                                                         \
  do {                                                                                         \
    clear_traps();                                                                             \
    u64 at_ = AT(insn, 0, 0);                                                                  \
    expect_trap(&m_last, what, cause, tval, at_);                                              \
  } while (0)
/* run_in(mode, fn, 0) must trap to M with this cause, tval and epc. */
#define TRAP_IN(what, mode, fn, cause, tval, epc)                                                \
  do {                                                                                         \
    clear_traps();                                                                             \
    run_in(mode, fn, 0);                                                                       \
    expect_trap(&m_last, what, cause, tval, epc);                                              \
  } while (0)

#define AT(insn, addr, val)                                                                     \
  ({                                                                                           \
    u64 pc_, v_ = (u64)(val), a_ = (u64)(addr);                                                \
    __asm__ volatile(".option push\n.option norvc\nlla %0, 1f\n1: " insn "\n.option pop"       \
                     : "=&r"(pc_), "+r"(v_)                                                    \
                     : "r"(a_)                                                                 \
                     : "memory");                                                              \
    (void)v_;                                                                                  \
    pc_;                                                                                       \
  })

/* Probes: one access in the current mode. Each is a single uncompressed instruction so a
 * skipped trap resumes right after it; the value loaded is 0xdead if the access trapped. */
u64 probe_ld(u64 addr);
u64 probe_lw(u64 addr);
u64 probe_lh(u64 addr);
u64 probe_lb(u64 addr);
void probe_sd(u64 addr, u64 v);
void probe_sw(u64 addr, u64 v);
void probe_sh(u64 addr, u64 v);
void probe_sb(u64 addr, u64 v);
u64 probe_amoadd(u64 addr, u64 v);
u64 probe_lr(u64 addr);
u64 probe_jump(u64 addr);   /* calls addr (must hold code that returns) */
/* the same, placed in the user region for U-mode runs */
u64 uprobe_ld(u64 addr);
void uprobe_sd(u64 addr, u64 v);
u64 uprobe_jump(u64 addr);

/* ---- CLINT ---- */
#define CLINT_BASE 0x2000000ul
#define CLINT_MSIP ((volatile u32 *)(CLINT_BASE))
#define CLINT_MTIMECMP ((volatile u64 *)(CLINT_BASE + 0x4000))
#define CLINT_MTIME ((volatile u64 *)(CLINT_BASE + 0xbff8))

/* ---- virt devices: NS16550A and PLIC (context 0 = hart 0 M-mode, 1 = hart 0 S-mode) ---- */
#define UART ((volatile unsigned char *)0x10000000ul)
#define UART_IRQ 10
#define PLIC 0x0c000000ul
#define PLIC_PRIORITY(irq) ((volatile u32 *)(PLIC + 4 * (irq)))
#define PLIC_ENABLE(ctx) ((volatile u32 *)(PLIC + 0x2000 + 0x80 * (ctx)))
#define PLIC_THRESHOLD(ctx) ((volatile u32 *)(PLIC + 0x200000 + 0x1000 * (ctx)))
#define PLIC_CLAIM(ctx) ((volatile u32 *)(PLIC + 0x200004 + 0x1000 * (ctx)))

/* ---- memory ---- */
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
extern char __user_start[], __user_stack_top[], __kernel_end[];
#define FRAMES_BASE 0x80400000ul   /* scratch RAM outside the image */

/* ---- page tables ---- */
#define PTE_V (1ul << 0)
#define PTE_R (1ul << 1)
#define PTE_W (1ul << 2)
#define PTE_X (1ul << 3)
#define PTE_U (1ul << 4)
#define PTE_G (1ul << 5)
#define PTE_A (1ul << 6)
#define PTE_D (1ul << 7)
#define SATP_SV39 (8ul << 60)
#define SATP_SV48 (9ul << 60)
#define SATP_SV57 (10ul << 60)
#define PAGE 4096ul
#define MEGA (1ul << 21)
#define GIGA (1ul << 30)
#define TERA (1ul << 39)

u64 *pt_alloc(void);                          /* a zeroed 4 KiB page from the pool */
/* Maps va -> pa with a leaf at `level` (0 = 4K, 1 = 2M, 2 = 1G, 3 = 512G) in a table of
 * `levels` levels (3 = Sv39, 4 = Sv48); returns the leaf PTE. */
volatile u64 *pt_map(u64 *root, int levels, u64 va, u64 pa, int level, u64 flags);
/* The usual kernel mappings: the image (S, RWX), the user region (U, RWX), scratch frames
 * (S, RW) and, on virt, the UART page: all identity, with A and D set. */
u64 *pt_kernel(int levels);
u64 satp_for(u64 *root, int levels, u64 asid);
void sfence_all(void);

/* Opens all of memory to S and U through PMP entry 0 (QEMU denies S/U with no entry set). */
void pmp_open_all(void);

/* hart-visible helpers */
static inline void fence_i(void) { __asm__ volatile("fence.i" ::: "memory"); }
static inline void wfi(void) { __asm__ volatile("wfi" ::: "memory"); }

int main(void);
#endif
