/* sighandler: signal handling inside one process: a SIGSEGV handler (sigaction with
 * SA_SIGINFO) that reports si_signo/si_code and whether si_addr is the faulting null
 * address, then siglongjmps out; raise() of SIGUSR1/SIGUSR2 with handlers; SIG_IGN;
 * blocked signals staying pending until unblocked; SIGFPE raised by hand with an
 * SA_RESETHAND handler. Exits with status 0. */
#include <stdio.h>
#include <string.h>
#include <signal.h>
#include <setjmp.h>
#include <unistd.h>

static sigjmp_buf jb;
static volatile sig_atomic_t got_usr1, got_usr2, order[8], norder;

static void on_segv(int sig, siginfo_t *si, void *uctx)
{
    (void)uctx;
    char line[128];
    int n = snprintf(line, sizeof line, "handler: sig=%d code=%s addr_is_null=%d\n", sig,
                     si->si_code == SEGV_MAPERR ? "SEGV_MAPERR" : si->si_code == SEGV_ACCERR ? "SEGV_ACCERR" : "other",
                     si->si_addr == NULL);
    write(1, line, (size_t)n);
    siglongjmp(jb, 1);
}
static void on_usr(int sig)
{
    if (sig == SIGUSR1) got_usr1++;
    else got_usr2++;
    if (norder < 8) order[norder++] = sig;
}
static void on_fpe(int sig, siginfo_t *si, void *u)
{
    (void)u;
    printf("SIGFPE handler sig=%d code_is_user=%d\n", sig, si->si_code == SI_USER || si->si_code == SI_TKILL);
}

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, NULL);

    for (int round = 0; round < 3; round++) {
        if (sigsetjmp(jb, 1) == 0) {
            printf("round %d: dereferencing NULL\n", round);
            fflush(stdout);
            *(volatile int *)0 = round;
            printf("not reached\n");
        } else {
            printf("round %d: recovered from SIGSEGV\n", round);
        }
    }
    /* read from NULL as well */
    if (sigsetjmp(jb, 1) == 0) {
        fflush(stdout);
        volatile int v = *(volatile int *)0;
        printf("not reached %d\n", v);
    } else printf("recovered from NULL read\n");

    signal(SIGUSR1, on_usr);
    signal(SIGUSR2, on_usr);
    raise(SIGUSR1);
    raise(SIGUSR2);
    raise(SIGUSR1);
    printf("usr1=%d usr2=%d\n", got_usr1, got_usr2);

    sigset_t set, old, pend;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR2);
    sigprocmask(SIG_BLOCK, &set, &old);
    raise(SIGUSR2);
    sigpending(&pend);
    printf("while blocked: usr2=%d pending=%d\n", got_usr2, sigismember(&pend, SIGUSR2));
    raise(SIGUSR1);
    sigprocmask(SIG_SETMASK, &old, NULL);
    printf("after unblock: usr2=%d\n", got_usr2);
    printf("delivery order:");
    for (int i = 0; i < norder; i++) printf(" %s", order[i] == SIGUSR1 ? "USR1" : "USR2");
    printf("\n");

    signal(SIGUSR1, SIG_IGN);
    raise(SIGUSR1);
    printf("ignored SIGUSR1, usr1 still %d\n", got_usr1);
    struct sigaction q;
    sigaction(SIGUSR1, NULL, &q);
    printf("query: handler is SIG_IGN=%d\n", q.sa_handler == SIG_IGN);

    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fpe;
    sa.sa_flags = SA_SIGINFO | SA_RESETHAND;
    sigaction(SIGFPE, &sa, NULL);
    raise(SIGFPE);
    sigaction(SIGFPE, NULL, &q);
    printf("after SA_RESETHAND handler is SIG_DFL=%d\n", q.sa_handler == SIG_DFL);
    return 0;
}
