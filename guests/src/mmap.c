/* mmap: memory-management syscalls: anonymous mmap/munmap, MAP_FIXED over part of a
 * mapping, mprotect (read-only page then write → caught SIGSEGV with SEGV_ACCERR),
 * mremap growth (data preserved), file-backed MAP_SHARED and MAP_PRIVATE mappings of
 * a file in the cwd, msync, brk/sbrk growth, madvise(DONTNEED) zero-fill. Addresses
 * are never printed. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <setjmp.h>
#include <unistd.h>
#include <fcntl.h>
#include <errno.h>
#include <stdint.h>
#include <sys/mman.h>

static sigjmp_buf jb;
static volatile int faults, lastcode;
static void on_segv(int sig, siginfo_t *si, void *u)
{
    (void)sig; (void)u;
    if (++faults > 10) { write(1, "too many faults\n", 16); _exit(99); }
    lastcode = si->si_code;
    siglongjmp(jb, 1);
}

int main(void)
{
    long pg = sysconf(_SC_PAGESIZE);
    size_t len = 16 * pg;
    unsigned char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    printf("anon mmap ok=%d page aligned=%d\n", p != MAP_FAILED, ((uintptr_t)p & (pg - 1)) == 0);
    int zero = 1; for (size_t i = 0; i < len; i++) if (p[i]) zero = 0;
    printf("zero filled=%d\n", zero);
    for (size_t i = 0; i < len; i++) p[i] = (unsigned char)(i / pg + 1);
    /* MAP_FIXED replaces page 3 with fresh zero page */
    void *q = mmap(p + 3 * pg, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    printf("MAP_FIXED at requested address=%d page3[0]=%d page2[0]=%d page4[0]=%d\n", q == p + 3 * pg, p[3 * pg], p[2 * pg], p[4 * pg]);

    struct sigaction sa; memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_segv; sa.sa_flags = SA_SIGINFO; sigaction(SIGSEGV, &sa, NULL);
    mprotect(p + 5 * pg, pg, PROT_READ);
    if (sigsetjmp(jb, 1) == 0) { p[5 * pg + 10] = 99; printf("write to read-only page succeeded?\n"); }
    printf("after write to PROT_READ page: faults=%d code=%s value=%d\n", faults,
           lastcode == SEGV_ACCERR ? "SEGV_ACCERR" : lastcode == SEGV_MAPERR ? "SEGV_MAPERR" : "other", p[5 * pg + 10]);
    mprotect(p + 5 * pg, pg, PROT_READ | PROT_WRITE);
    p[5 * pg + 10] = 99;
    printf("after mprotect RW: value=%d\n", p[5 * pg + 10]);
    mprotect(p + 6 * pg, pg, PROT_NONE);
    if (sigsetjmp(jb, 1) == 0) { volatile unsigned char v = p[6 * pg]; (void)v; printf("read of PROT_NONE succeeded?\n"); }
    printf("after read of PROT_NONE page: faults=%d code=%s\n", faults, lastcode == SEGV_ACCERR ? "SEGV_ACCERR" : "other");

    munmap(p + 8 * pg, 8 * pg);
    if (sigsetjmp(jb, 1) == 0) { p[9 * pg] = 1; printf("write to unmapped succeeded?\n"); }
    printf("after write to unmapped page: faults=%d code=%s\n", faults, lastcode == SEGV_MAPERR ? "SEGV_MAPERR" : "other");

    munmap(p, 8 * pg);
    /* mremap needs a single mapping: make a fresh one */
    p = mmap(NULL, 8 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    for (size_t i = 0; i < 8 * (size_t)pg; i++) p[i] = (unsigned char)(i / pg + 1);
    unsigned char *r = mremap(p, 8 * pg, 64 * pg, MREMAP_MAYMOVE);
    if (r == MAP_FAILED) { printf("mremap failed: %s\n", strerrorname_np(errno)); return 1; }
    printf("mremap ok=%d data kept: page0=%d page2=%d page7=%d new tail zero=%d\n", r != MAP_FAILED, r[0], r[2 * pg],
           r[7 * pg], r[40 * pg]);
    madvise(r, pg, MADV_DONTNEED);
    printf("after MADV_DONTNEED page0[0]=%d page1[0]=%d\n", r[0], r[pg]);
    munmap(r, 64 * pg);
    int rc = munmap(r, 0);
    printf("munmap bad length: %d %s\n", rc, strerrorname_np(errno));
    void *z = mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    printf("mmap len 0: %s %s\n", z == MAP_FAILED ? "MAP_FAILED" : "ok", strerrorname_np(errno));

    /* file-backed mappings */
    int fd = open("mapped.bin", O_CREAT | O_RDWR | O_TRUNC, 0644);
    ftruncate(fd, 2 * pg);
    char *sh = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    strcpy(sh, "written through MAP_SHARED");
    strcpy(sh + pg, "second page");
    msync(sh, 2 * pg, MS_SYNC);
    char buf[64] = { 0 };
    pread(fd, buf, 30, 0);
    printf("file sees: [%s]\n", buf);
    pwrite(fd, "FILE", 4, pg);
    printf("mapping sees: [%s]\n", sh + pg);
    char *pv = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    pv[0] = 'W';
    memset(buf, 0, sizeof buf);
    pread(fd, buf, 10, 0);
    printf("private copy: [%.10s] file still: [%s] shared: [%.10s]\n", pv, buf, sh);
    char *off = mmap(NULL, pg, PROT_READ, MAP_SHARED, fd, pg);
    printf("offset mapping: [%s]\n", off);
    munmap(sh, 2 * pg); munmap(pv, pg); munmap(off, pg);
    close(fd);
    unlink("mapped.bin");

    /* brk growth */
    void *b0 = sbrk(0);
    char *b1 = sbrk(1 << 20);
    memset(b1, 7, 1 << 20);
    void *b2 = sbrk(0);
    printf("sbrk grew by %ld, data ok=%d\n", (long)((char *)b2 - (char *)b0), b1[(1 << 20) - 1] == 7);
    sbrk(-(1 << 20));
    printf("sbrk shrink back=%d\n", sbrk(0) == b0);

    /* a large anonymous mapping touched sparsely */
    size_t big = (size_t)256 << 20;
    unsigned char *g = mmap(NULL, big, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    unsigned long sum = 0;
    for (size_t i = 0; i < big; i += 1 << 20) { g[i] = (unsigned char)(i >> 20); sum += g[i]; }
    printf("256MB sparse mapping sum=%lu\n", sum);
    munmap(g, big);
    return 0;
}
