/* sysinfo: host-independent system information: uname (sysname and machine only),
 * clock_gettime(CLOCK_MONOTONIC/REALTIME) monotonicity (prints "ok"), gettimeofday
 * sanity, time(), getrandom (prints only the length), sysconf page size, getpid
 * consistency (pid itself not printed), nanosleep of 1 ms, getcwd resolving to a
 * directory, umask round trip, getrlimit sanity. */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/utsname.h>
#include <sys/time.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/resource.h>

int main(void)
{
    struct utsname u;
    if (uname(&u) == 0) printf("uname: sysname=%s machine=%s\n", u.sysname, u.machine);
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    volatile unsigned long spin = 0;
    for (int i = 0; i < 1000000; i++) spin += i;
    clock_gettime(CLOCK_MONOTONIC, &b);
    int mono = (b.tv_sec > a.tv_sec || (b.tv_sec == a.tv_sec && b.tv_nsec >= a.tv_nsec)) && a.tv_nsec < 1000000000 &&
               b.tv_nsec < 1000000000;
    printf("clock_gettime monotonic: %s\n", mono ? "ok" : "BAD");
    int ok = 1;
    for (int i = 0; i < 1000; i++) {
        clock_gettime(CLOCK_MONOTONIC, &b);
        if (b.tv_sec < a.tv_sec || (b.tv_sec == a.tv_sec && b.tv_nsec < a.tv_nsec)) ok = 0;
        a = b;
    }
    printf("1000 monotonic reads: %s\n", ok ? "ok" : "BAD");
    struct timespec rt;
    clock_gettime(CLOCK_REALTIME, &rt);
    struct timeval tv;
    gettimeofday(&tv, NULL);
    time_t t = time(NULL);
    printf("realtime after 2020: %s\n", rt.tv_sec > 1577836800 ? "ok" : "BAD");
    printf("gettimeofday sane: %s\n", tv.tv_sec > 1577836800 && tv.tv_usec >= 0 && tv.tv_usec < 1000000 &&
                                              tv.tv_sec - rt.tv_sec < 5 && tv.tv_sec - rt.tv_sec > -5 ? "ok" : "BAD");
    printf("time() close to gettimeofday: %s\n", t - tv.tv_sec < 5 && t - tv.tv_sec > -5 ? "ok" : "BAD");
    struct timespec res;
    printf("clock_getres monotonic: %s\n", clock_getres(CLOCK_MONOTONIC, &res) == 0 && res.tv_sec == 0 ? "ok" : "BAD");
    clock_gettime(CLOCK_MONOTONIC, &a);
    struct timespec d = { 0, 1000000 };
    nanosleep(&d, NULL);
    clock_gettime(CLOCK_MONOTONIC, &b);
    long el = (b.tv_sec - a.tv_sec) * 1000000000L + (b.tv_nsec - a.tv_nsec);
    printf("nanosleep 1ms elapsed >= 1ms: %s\n", el >= 1000000 ? "ok" : "BAD");
    struct timespec cpu;
    printf("process cputime readable: %s\n", clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu) == 0 ? "ok" : "BAD");

    unsigned char rnd[64];
    ssize_t n = getrandom(rnd, sizeof rnd, 0);
    printf("getrandom returned %zd bytes\n", n);
    n = getrandom(rnd, 16, GRND_NONBLOCK);
    printf("getrandom nonblock returned %zd bytes\n", n);
    int allzero = 1; for (int i = 0; i < 16; i++) if (rnd[i]) allzero = 0;
    printf("random bytes not all zero: %s\n", allzero ? "BAD" : "ok");

    printf("pagesize=%ld\n", sysconf(_SC_PAGESIZE));
    printf("getpid stable: %s, getppid differs: %s\n", getpid() == getpid() ? "ok" : "BAD",
           getppid() != getpid() ? "ok" : "BAD");
    printf("gettid==getpid (single thread): %s\n", gettid() == getpid() ? "ok" : "BAD");
    char cwd[4096];
    struct stat st;
    printf("getcwd is a directory: %s\n", getcwd(cwd, sizeof cwd) && stat(cwd, &st) == 0 && S_ISDIR(st.st_mode) ? "ok" : "BAD");
    mode_t old = umask(027);
    mode_t now = umask(old);
    printf("umask round trip: %03o\n", (unsigned)now);
    struct rlimit rl;
    printf("getrlimit(RLIMIT_STACK) ok: %s\n", getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur > 65536 ? "ok" : "BAD");
    printf("isatty(0)=%d\n", isatty(0));
    return 0;
}
