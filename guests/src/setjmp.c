/* setjmp: setjmp/longjmp across several frames, return values (incl. longjmp(…, 0)
 * becoming 1), volatile locals surviving, nested jmp_bufs, an error-handling pattern,
 * and sigsetjmp/siglongjmp with a blocked-signal mask restore. */
#include <stdio.h>
#include <setjmp.h>
#include <signal.h>
#include <string.h>

static jmp_buf env, env2;
static int depth_reached;

static void recurse(int n, int target)
{
    char pad[64];
    memset(pad, n, sizeof pad);
    depth_reached = n;
    if (n == target) longjmp(env, n * 10 + pad[5]);
    recurse(n + 1, target);
}

static int try_divide(int a, int b, int *out)
{
    jmp_buf *saved = &env2;
    int code = setjmp(*saved);
    if (code) return -code;
    if (b == 0) longjmp(env2, 7);
    *out = a / b;
    return 0;
}

int main(void)
{
    volatile int counter = 0;
    int r = setjmp(env);
    counter++;
    printf("setjmp returned %d, counter=%d\n", r, counter);
    if (r == 0) recurse(0, 5);
    else if (r < 100 && counter < 4) recurse(0, r % 10 + 1);
    printf("depth reached %d\n", depth_reached);

    r = setjmp(env);
    if (r == 0) longjmp(env, 0);
    printf("longjmp(env, 0) made setjmp return %d\n", r);

    int q = 0;
    int rc = try_divide(10, 2, &q);
    printf("try_divide(10,2)=%d q=%d\n", rc, q);
    printf("try_divide(1,0)=%d\n", try_divide(1, 0, &q));

    /* sigsetjmp saves the signal mask */
    sigjmp_buf sj;
    sigset_t set, cur;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    volatile int phase = 0;
    if (sigsetjmp(sj, 1) == 0) {
        phase = 1;
        sigprocmask(SIG_BLOCK, &set, NULL);
        sigprocmask(SIG_BLOCK, NULL, &cur);
        printf("inside: SIGUSR1 blocked=%d\n", sigismember(&cur, SIGUSR1));
        siglongjmp(sj, 1);
    }
    sigprocmask(SIG_BLOCK, NULL, &cur);
    printf("after siglongjmp phase=%d SIGUSR1 blocked=%d\n", phase, sigismember(&cur, SIGUSR1));

    /* many jumps in a loop */
    volatile long total = 0;
    for (volatile int i = 0; i < 10000; i++) {
        jmp_buf lb;
        int v = setjmp(lb);
        if (v == 0) { total += i; if (i % 3 == 0) longjmp(lb, 2); }
        else total += v;
    }
    printf("loop total=%ld\n", total);
    return 0;
}
