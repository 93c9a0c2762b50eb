/* thread_timeouts: blocking calls with timeouts in a multi-threaded process. Each timed wait
 * below either must expire (nobody will wake it) or must be ended early by another thread;
 * the program prints which happened and whether the time that passed is plausible, never the
 * times themselves:
 *   - pthread_cond_timedwait (CLOCK_REALTIME and CLOCK_MONOTONIC condvars) expiring with
 *     ETIMEDOUT while other threads keep running, and one signalled before its deadline
 *   - sem_timedwait expiring (ETIMEDOUT) and sem_clockwait succeeding after a post
 *   - pthread_mutex_timedlock on a mutex another thread holds (ETIMEDOUT)
 *   - pthread_timedjoin_np on a thread still sleeping (ETIMEDOUT), then a normal join
 *   - nanosleep in one thread while another counts: the sleeper does not stop the others
 *   - poll with a timeout on a pipe another thread writes to after a delay, and one that expires
 *   - a deadline already in the past returns at once */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CHECK(call) do { int rc_ = (call); if (rc_ != 0) { printf("FAIL %s: %s\n", #call, strerror(rc_)); exit(1); } } while (0)

static int64_t now_ns(clockid_t clk) {
    struct timespec ts;
    clock_gettime(clk, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static struct timespec in_ms(clockid_t clk, int ms) {
    int64_t t = now_ns(clk) + (int64_t)ms * 1000000;
    struct timespec ts = { .tv_sec = t / 1000000000, .tv_nsec = t % 1000000000 };
    return ts;
}

static const char *err_name(int e) {
    switch (e) {
    case 0: return "0";
    case ETIMEDOUT: return "ETIMEDOUT";
    case EINTR: return "EINTR";
    case EAGAIN: return "EAGAIN";
    case EBUSY: return "EBUSY";
    default: return strerror(e);
    }
}

/* A thread that keeps counting until told to stop: timed waits must not stop it. */
static atomic_int stop_spinner;
static atomic_long spins;
static void *spinner(void *arg) {
    (void)arg;
    while (!atomic_load(&stop_spinner)) {
        atomic_fetch_add(&spins, 1);
        if ((atomic_load(&spins) & 1023) == 0) sched_yield();
    }
    return NULL;
}

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int flag;

static void *set_flag_later(void *arg) {
    struct timespec d = { 0, (long)arg * 1000000L };
    nanosleep(&d, NULL);
    pthread_mutex_lock(&m);
    flag = 1;
    pthread_cond_signal(&cv);
    pthread_mutex_unlock(&m);
    return NULL;
}

static void condvars(void) {
    pthread_t sp;
    CHECK(pthread_create(&sp, NULL, spinner, NULL));

    /* 1. nobody signals: the wait must expire */
    int64_t t0 = now_ns(CLOCK_MONOTONIC);
    long spins_before = atomic_load(&spins);
    pthread_mutex_lock(&m);
    struct timespec dl = in_ms(CLOCK_REALTIME, 60);
    int rc;
    do rc = pthread_cond_timedwait(&cv, &m, &dl); while (rc == 0 && !flag);
    pthread_mutex_unlock(&m);
    int64_t waited = now_ns(CLOCK_MONOTONIC) - t0;
    printf("cond_timedwait (realtime) with no signal: %s, waited >= 60 ms: %s, other thread ran meanwhile: %s\n",
           err_name(rc), waited >= 60000000 ? "yes" : "no", atomic_load(&spins) > spins_before ? "yes" : "no");

    /* 2. a monotonic condvar, also expiring */
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_t mcv;
    pthread_cond_init(&mcv, &ca);
    t0 = now_ns(CLOCK_MONOTONIC);
    pthread_mutex_lock(&m);
    dl = in_ms(CLOCK_MONOTONIC, 40);
    rc = pthread_cond_timedwait(&mcv, &m, &dl);
    pthread_mutex_unlock(&m);
    waited = now_ns(CLOCK_MONOTONIC) - t0;
    printf("cond_timedwait (monotonic) with no signal: %s, waited >= 40 ms: %s\n", err_name(rc), waited >= 40000000 ? "yes" : "no");

    /* 3. signalled after 20 ms, long before the 10 s deadline */
    pthread_t setter;
    t0 = now_ns(CLOCK_MONOTONIC);
    CHECK(pthread_create(&setter, NULL, set_flag_later, (void *)20L));
    pthread_mutex_lock(&m);
    dl = in_ms(CLOCK_REALTIME, 10000);
    rc = 0;
    while (!flag && rc == 0) rc = pthread_cond_timedwait(&cv, &m, &dl);
    pthread_mutex_unlock(&m);
    waited = now_ns(CLOCK_MONOTONIC) - t0;
    CHECK(pthread_join(setter, NULL));
    printf("cond_timedwait signalled by another thread: %s, flag %d, woke well before the deadline: %s\n",
           err_name(rc), flag, waited < 5000000000LL ? "yes" : "no");

    /* 4. a deadline in the past */
    pthread_mutex_lock(&m);
    dl = in_ms(CLOCK_MONOTONIC, -1);
    rc = pthread_cond_timedwait(&mcv, &m, &dl);
    pthread_mutex_unlock(&m);
    printf("cond_timedwait with a deadline in the past: %s\n", err_name(rc));
    pthread_cond_destroy(&mcv);

    atomic_store(&stop_spinner, 1);
    CHECK(pthread_join(sp, NULL));
}

static sem_t sem;

static void *post_later(void *arg) {
    struct timespec d = { 0, (long)arg * 1000000L };
    nanosleep(&d, NULL);
    sem_post(&sem);
    return NULL;
}

static void semaphores(void) {
    sem_init(&sem, 0, 0);
    pthread_t helper;
    CHECK(pthread_create(&helper, NULL, post_later, (void *)200L)); /* posts only after the first wait expires */
    int64_t t0 = now_ns(CLOCK_MONOTONIC);
    struct timespec dl = in_ms(CLOCK_REALTIME, 30);
    int rc = sem_timedwait(&sem, &dl);
    int e = rc == 0 ? 0 : errno;
    int64_t waited = now_ns(CLOCK_MONOTONIC) - t0;
    printf("sem_timedwait with no post: %s, waited >= 30 ms: %s\n", err_name(e), waited >= 30000000 ? "yes" : "no");

    dl = in_ms(CLOCK_MONOTONIC, 10000);
    rc = sem_clockwait(&sem, CLOCK_MONOTONIC, &dl);
    e = rc == 0 ? 0 : errno;
    CHECK(pthread_join(helper, NULL));
    int value = -1;
    sem_getvalue(&sem, &value);
    printf("sem_clockwait ended by a post from another thread: %s, value now %d\n", err_name(e), value);

    rc = sem_trywait(&sem);
    printf("sem_trywait on an empty semaphore: %s\n", err_name(rc == 0 ? 0 : errno));
    sem_destroy(&sem);
}

static pthread_mutex_t owned = PTHREAD_MUTEX_INITIALIZER;
static sem_t owner_has_it, owner_may_go;

static void *hold_mutex(void *arg) {
    (void)arg;
    pthread_mutex_lock(&owned);
    sem_post(&owner_has_it);
    while (sem_wait(&owner_may_go) != 0) {}
    pthread_mutex_unlock(&owned);
    return NULL;
}

static void *sleep_then_return(void *arg) {
    struct timespec d = { 0, (long)arg * 1000000L };
    nanosleep(&d, NULL);
    return (void *)7L;
}

static void mutex_and_join(void) {
    sem_init(&owner_has_it, 0, 0);
    sem_init(&owner_may_go, 0, 0);
    pthread_t owner;
    CHECK(pthread_create(&owner, NULL, hold_mutex, NULL));
    while (sem_wait(&owner_has_it) != 0) {}
    int64_t t0 = now_ns(CLOCK_MONOTONIC);
    struct timespec dl = in_ms(CLOCK_REALTIME, 30);
    int rc = pthread_mutex_timedlock(&owned, &dl);
    int64_t waited = now_ns(CLOCK_MONOTONIC) - t0;
    printf("mutex_timedlock on a mutex another thread holds: %s, waited >= 30 ms: %s\n", err_name(rc), waited >= 30000000 ? "yes" : "no");
    printf("mutex_trylock while held: %s\n", err_name(pthread_mutex_trylock(&owned)));
    sem_post(&owner_may_go);
    dl = in_ms(CLOCK_REALTIME, 10000);
    rc = pthread_mutex_timedlock(&owned, &dl);
    printf("mutex_timedlock after the owner lets go: %s\n", err_name(rc));
    if (rc == 0) pthread_mutex_unlock(&owned);
    CHECK(pthread_join(owner, NULL));

    pthread_t sleeper;
    CHECK(pthread_create(&sleeper, NULL, sleep_then_return, (void *)150L));
    dl = in_ms(CLOCK_REALTIME, 20);
    void *r = NULL;
    rc = pthread_timedjoin_np(sleeper, &r, &dl);
    printf("timedjoin on a thread still sleeping: %s\n", err_name(rc));
    CHECK(pthread_join(sleeper, &r));
    printf("join after it woke: returned %ld\n", (long)r);
}

static atomic_long counted;
static atomic_int counting_stop;
static void *counter_thread(void *arg) {
    (void)arg;
    while (!atomic_load(&counting_stop)) atomic_fetch_add(&counted, 1);
    return NULL;
}

static int pipefd[2];
static void *write_later(void *arg) {
    struct timespec d = { 0, (long)arg * 1000000L };
    nanosleep(&d, NULL);
    if (write(pipefd[1], "x", 1) != 1) return (void *)1L;
    return NULL;
}

static void sleeping_and_polling(void) {
    pthread_t c;
    CHECK(pthread_create(&c, NULL, counter_thread, NULL));
    int64_t t0 = now_ns(CLOCK_MONOTONIC);
    struct timespec d = { 0, 50 * 1000000L };
    int rc = nanosleep(&d, NULL);
    long seen = atomic_load(&counted);
    int64_t slept = now_ns(CLOCK_MONOTONIC) - t0;
    atomic_store(&counting_stop, 1);
    CHECK(pthread_join(c, NULL));
    printf("nanosleep 50 ms in main: %d, slept >= 50 ms: %s, the counting thread ran meanwhile: %s\n",
           rc, slept >= 50000000 ? "yes" : "no", seen > 0 ? "yes" : "no");

    if (pipe(pipefd) != 0) { perror("pipe"); exit(1); }
    struct pollfd p = { .fd = pipefd[0], .events = POLLIN };
    t0 = now_ns(CLOCK_MONOTONIC);
    rc = poll(&p, 1, 25);
    int64_t waited = now_ns(CLOCK_MONOTONIC) - t0;
    printf("poll on an empty pipe, 25 ms: %d ready, revents %d, waited >= 25 ms: %s\n", rc, p.revents, waited >= 25000000 ? "yes" : "no");

    pthread_t w;
    CHECK(pthread_create(&w, NULL, write_later, (void *)30L));
    rc = poll(&p, 1, 10000);
    printf("poll ended by another thread's write: %d ready, POLLIN %s\n", rc, (p.revents & POLLIN) ? "yes" : "no");
    char ch = 0;
    ssize_t n = read(pipefd[0], &ch, 1);
    printf("read %zd byte '%c'\n", n, ch);
    CHECK(pthread_join(w, NULL));

    /* a blocking read of an empty pipe, ended by a later write */
    CHECK(pthread_create(&w, NULL, write_later, (void *)20L));
    n = read(pipefd[0], &ch, 1);
    printf("blocking read ended by another thread's write: %zd byte '%c'\n", n, ch);
    CHECK(pthread_join(w, NULL));
    close(pipefd[0]);
    close(pipefd[1]);
}

int main(void) {
    condvars();
    semaphores();
    mutex_and_join();
    sleeping_and_polling();
    printf("done\n");
    return 0;
}
