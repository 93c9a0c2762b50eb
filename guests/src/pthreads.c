/* pthreads: POSIX threads with results that do not depend on the interleaving. Every section
 * collects what its threads computed, joins them, and only then prints:
 *   - 64 threads created and joined (return values, arguments), pthread_self/equal, detached
 *     threads signalling a semaphore, pthread_attr stack size
 *   - a mutex-protected counter, a recursive mutex, trylock on a held mutex (EBUSY),
 *     an error-checking mutex (EDEADLK, EPERM)
 *   - a bounded producer/consumer queue with two condition variables (3 producers, 3 consumers)
 *   - pthread_once from 8 threads; pthread_key_create with destructors at thread exit
 *   - __thread variables (initialised, per thread, the main thread's untouched)
 *   - C11 atomics under contention: fetch_add, CAS loops, an atomic_flag spin lock, a
 *     compare-exchange maximum
 *   - a barrier over 3 phases (one PTHREAD_BARRIER_SERIAL_THREAD per phase)
 *   - a reader/writer lock; a thread-directed signal (pthread_kill) caught by the target thread;
 *     per-thread signal masks with sigwait
 * Optional argument "deadlock": two threads take two mutexes in opposite orders and wait for
 * each other forever (for univm's deadlock report; not run by the golden tests). */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHECK(call) do { int rc_ = (call); if (rc_ != 0) { printf("FAIL %s: %s\n", #call, strerror(rc_)); exit(1); } } while (0)

/* ---- create / join ---------------------------------------------------------------- */

static void *square(void *arg) {
    long v = (long)arg;
    return (void *)(v * v);
}

static sem_t detached_done;
static atomic_int detached_sum;

static void *detached(void *arg) {
    atomic_fetch_add(&detached_sum, (int)(long)arg);
    sem_post(&detached_done);
    return NULL;
}

static pthread_t main_thread;
static void *not_main(void *arg) {
    (void)arg;
    return (void *)(long)(pthread_equal(pthread_self(), main_thread) ? 1 : 2);
}

static void create_join(void) {
    enum { N = 64 };
    pthread_t t[N];
    for (long i = 0; i < N; i++) CHECK(pthread_create(&t[i], NULL, square, (void *)i));
    long sum = 0;
    for (int i = 0; i < N; i++) {
        void *r;
        CHECK(pthread_join(t[i], &r));
        sum += (long)r;
    }
    printf("create/join: %d threads, sum of squares %ld (expect %ld)\n", N, sum, (long)(N - 1) * N * (2 * N - 1) / 6);

    main_thread = pthread_self();
    pthread_t other;
    void *r;
    CHECK(pthread_create(&other, NULL, not_main, NULL));
    CHECK(pthread_join(other, &r));
    printf("pthread_self in a thread differs from main: %s\n", (long)r == 2 ? "yes" : "no");

    pthread_attr_t attr;
    CHECK(pthread_attr_init(&attr));
    CHECK(pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED));
    CHECK(pthread_attr_setstacksize(&attr, 256 * 1024));
    size_t ss;
    CHECK(pthread_attr_getstacksize(&attr, &ss));
    sem_init(&detached_done, 0, 0);
    for (long i = 1; i <= 10; i++) {
        pthread_t d;
        CHECK(pthread_create(&d, &attr, detached, (void *)i));
    }
    for (int i = 0; i < 10; i++) while (sem_wait(&detached_done) != 0) {}
    pthread_attr_destroy(&attr);
    printf("detached: 10 threads with %zu KiB stacks, sum %d\n", ss / 1024, atomic_load(&detached_sum));
    printf("pthread_join of the calling thread: %s\n",
           pthread_join(pthread_self(), NULL) == EDEADLK ? "EDEADLK" : "?");
}

/* ---- mutexes ----------------------------------------------------------------------- */

static pthread_mutex_t counter_lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;

static void *count_up(void *arg) {
    long n = (long)arg;
    for (long i = 0; i < n; i++) {
        pthread_mutex_lock(&counter_lock);
        long c = counter;
        /* a window in which an unprotected increment would lose updates */
        for (volatile int k = 0; k < 3; k++) {}
        counter = c + 1;
        pthread_mutex_unlock(&counter_lock);
    }
    return NULL;
}

static pthread_mutex_t held = PTHREAD_MUTEX_INITIALIZER;
static void *try_held(void *arg) {
    (void)arg;
    return (void *)(long)pthread_mutex_trylock(&held);
}

static pthread_mutex_t errcheck;
static void *unlock_foreign(void *arg) {
    (void)arg;
    return (void *)(long)pthread_mutex_unlock(&errcheck);
}

static void mutexes(void) {
    enum { T = 8, N = 20000 };
    pthread_t t[T];
    for (int i = 0; i < T; i++) CHECK(pthread_create(&t[i], NULL, count_up, (void *)(long)N));
    for (int i = 0; i < T; i++) CHECK(pthread_join(t[i], NULL));
    printf("mutex: %d threads x %d increments = %ld\n", T, N, counter);

    pthread_mutexattr_t ma;
    pthread_mutexattr_init(&ma);
    pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_t rec;
    pthread_mutex_init(&rec, &ma);
    int depth = 0;
    for (int i = 0; i < 5; i++) if (pthread_mutex_lock(&rec) == 0) depth++;
    for (int i = 0; i < 5; i++) pthread_mutex_unlock(&rec);
    printf("recursive mutex: locked %d times, then free: %s\n", depth, pthread_mutex_trylock(&rec) == 0 ? "yes" : "no");
    pthread_mutex_unlock(&rec);

    pthread_mutex_lock(&held);
    pthread_t th;
    void *r;
    CHECK(pthread_create(&th, NULL, try_held, NULL));
    CHECK(pthread_join(th, &r));
    pthread_mutex_unlock(&held);
    printf("trylock on a mutex another thread holds: %s\n", (long)r == EBUSY ? "EBUSY" : "?");

    pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_ERRORCHECK);
    pthread_mutex_init(&errcheck, &ma);
    pthread_mutex_lock(&errcheck);
    int relock = pthread_mutex_lock(&errcheck);
    CHECK(pthread_create(&th, NULL, unlock_foreign, NULL));
    CHECK(pthread_join(th, &r));
    pthread_mutex_unlock(&errcheck);
    printf("error-checking mutex: relock %s, unlock by another thread %s\n",
           relock == EDEADLK ? "EDEADLK" : "?", (long)r == EPERM ? "EPERM" : "?");
    pthread_mutexattr_destroy(&ma);
}

/* ---- producer / consumer ------------------------------------------------------------- */

enum { QCAP = 8, PRODUCERS = 3, CONSUMERS = 3, ITEMS = 2000 };
static int queue[QCAP];
static int qhead, qlen, producers_left = PRODUCERS;
static pthread_mutex_t qlock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t not_full = PTHREAD_COND_INITIALIZER, not_empty = PTHREAD_COND_INITIALIZER;

struct consumed { long sum; long count; long max_seen_len; };

static void *producer(void *arg) {
    int base = (int)(long)arg * ITEMS;
    for (int i = 1; i <= ITEMS; i++) {
        pthread_mutex_lock(&qlock);
        while (qlen == QCAP) pthread_cond_wait(&not_full, &qlock);
        queue[(qhead + qlen) % QCAP] = base + i;
        qlen++;
        pthread_cond_signal(&not_empty);
        pthread_mutex_unlock(&qlock);
    }
    pthread_mutex_lock(&qlock);
    if (--producers_left == 0) pthread_cond_broadcast(&not_empty);
    pthread_mutex_unlock(&qlock);
    return NULL;
}

static void *consumer(void *arg) {
    struct consumed *c = arg;
    for (;;) {
        pthread_mutex_lock(&qlock);
        while (qlen == 0 && producers_left > 0) pthread_cond_wait(&not_empty, &qlock);
        if (qlen == 0) { pthread_mutex_unlock(&qlock); break; }
        if (qlen > c->max_seen_len) c->max_seen_len = qlen;
        int v = queue[qhead];
        qhead = (qhead + 1) % QCAP;
        qlen--;
        pthread_cond_signal(&not_full);
        pthread_mutex_unlock(&qlock);
        c->sum += v;
        c->count++;
    }
    return NULL;
}

static void producer_consumer(void) {
    pthread_t p[PRODUCERS], c[CONSUMERS];
    struct consumed got[CONSUMERS];
    memset(got, 0, sizeof got);
    for (int i = 0; i < CONSUMERS; i++) CHECK(pthread_create(&c[i], NULL, consumer, &got[i]));
    for (long i = 0; i < PRODUCERS; i++) CHECK(pthread_create(&p[i], NULL, producer, (void *)i));
    for (int i = 0; i < PRODUCERS; i++) CHECK(pthread_join(p[i], NULL));
    for (int i = 0; i < CONSUMERS; i++) CHECK(pthread_join(c[i], NULL));
    long sum = 0, count = 0, maxlen = 0;
    for (int i = 0; i < CONSUMERS; i++) {
        sum += got[i].sum;
        count += got[i].count;
        if (got[i].max_seen_len > maxlen) maxlen = got[i].max_seen_len;
    }
    long n = (long)PRODUCERS * ITEMS;
    printf("producer/consumer: %ld items, sum %ld (expect %ld), queue never above capacity: %s\n",
           count, sum, n * (n + 1) / 2, maxlen <= QCAP ? "yes" : "no");
}

/* ---- pthread_once and thread-specific data ---------------------------------------------- */

static pthread_once_t once = PTHREAD_ONCE_INIT;
static atomic_int once_runs;
static void once_init(void) { atomic_fetch_add(&once_runs, 1); }
static void *call_once(void *arg) { (void)arg; pthread_once(&once, once_init); return NULL; }

static pthread_key_t key;
static atomic_long destructor_sum;
static atomic_int destructor_calls;
static void destroy(void *v) {
    atomic_fetch_add(&destructor_sum, *(long *)v);
    atomic_fetch_add(&destructor_calls, 1);
    free(v);
}
static void *use_key(void *arg) {
    long *v = malloc(sizeof *v);
    *v = (long)arg;
    pthread_setspecific(key, v);
    sched_yield();
    return (void *)(long)(*(long *)pthread_getspecific(key) == (long)arg);
}

static void once_and_keys(void) {
    pthread_t t[8];
    for (int i = 0; i < 8; i++) CHECK(pthread_create(&t[i], NULL, call_once, NULL));
    for (int i = 0; i < 8; i++) CHECK(pthread_join(t[i], NULL));
    pthread_once(&once, once_init);
    printf("pthread_once: init ran %d time(s) for 9 callers\n", atomic_load(&once_runs));

    CHECK(pthread_key_create(&key, destroy));
    int own = 0;
    for (long i = 0; i < 8; i++) CHECK(pthread_create(&t[i], NULL, use_key, (void *)(i + 1)));
    for (int i = 0; i < 8; i++) { void *r; CHECK(pthread_join(t[i], &r)); own += (int)(long)r; }
    printf("pthread_key: %d/8 threads saw their own value, %d destructors ran, sum %ld; main's value %s\n",
           own, atomic_load(&destructor_calls), atomic_load(&destructor_sum), pthread_getspecific(key) == NULL ? "NULL" : "set");
    pthread_key_delete(key);
}

/* ---- thread-local storage ------------------------------------------------------------------ */

static __thread long tls_counter = 1000;
static __thread char tls_name[16] = "main";

static void *tls_worker(void *arg) {
    long id = (long)arg;
    int fresh = tls_counter == 1000 && strcmp(tls_name, "main") == 0;
    snprintf(tls_name, sizeof tls_name, "worker%ld", id);
    for (int i = 0; i < 1000 + (int)id; i++) {
        tls_counter++;
        if ((i & 63) == 0) sched_yield();
    }
    char expect[16];
    snprintf(expect, sizeof expect, "worker%ld", id);
    return (void *)(long)(fresh && tls_counter == 2000 + id && strcmp(tls_name, expect) == 0);
}

static void thread_local(void) {
    enum { T = 6 };
    pthread_t t[T];
    tls_counter = 7;
    for (long i = 0; i < T; i++) CHECK(pthread_create(&t[i], NULL, tls_worker, (void *)i));
    int ok = 0;
    for (int i = 0; i < T; i++) { void *r; CHECK(pthread_join(t[i], &r)); ok += (int)(long)r; }
    printf("__thread: %d/%d threads started from the initial values and kept their own; main still %ld \"%s\"\n",
           ok, T, tls_counter, tls_name);
}

/* ---- atomics under contention -------------------------------------------------------------- */

static atomic_long hits;
static atomic_int cas_max;
static atomic_flag spin = ATOMIC_FLAG_INIT;
static long spin_protected;
static _Atomic uint64_t cas_counter;

static void *hammer(void *arg) {
    long id = (long)arg;
    uint32_t x = (uint32_t)id * 2654435761u + 1;
    for (int i = 0; i < 5000; i++) {
        atomic_fetch_add_explicit(&hits, 1, memory_order_relaxed);
        x = x * 1103515245u + 12345u;
        int v = (int)(x >> 8) % 1000000;
        int cur = atomic_load(&cas_max);
        while (v > cur && !atomic_compare_exchange_weak(&cas_max, &cur, v)) {}
        while (atomic_flag_test_and_set_explicit(&spin, memory_order_acquire)) {}
        spin_protected += 2;
        atomic_flag_clear_explicit(&spin, memory_order_release);
        uint64_t old = atomic_load(&cas_counter);
        while (!atomic_compare_exchange_strong(&cas_counter, &old, old + 3)) {}
    }
    return (void *)(uintptr_t)x;
}

static void atomics(void) {
    enum { T = 8 };
    pthread_t t[T];
    for (long i = 0; i < T; i++) CHECK(pthread_create(&t[i], NULL, hammer, (void *)i));
    int expect_max = 0;
    for (int i = 0; i < T; i++) CHECK(pthread_join(t[i], NULL));
    for (long id = 0; id < T; id++) {
        uint32_t x = (uint32_t)id * 2654435761u + 1;
        for (int i = 0; i < 5000; i++) {
            x = x * 1103515245u + 12345u;
            int v = (int)(x >> 8) % 1000000;
            if (v > expect_max) expect_max = v;
        }
    }
    printf("atomics: fetch_add %ld, spin lock %ld, CAS counter %llu, CAS maximum %s\n",
           atomic_load(&hits), spin_protected, (unsigned long long)atomic_load(&cas_counter),
           atomic_load(&cas_max) == expect_max ? "correct" : "WRONG");
}

/* ---- barrier ---------------------------------------------------------------------------- */

enum { BT = 5, PHASES = 3 };
static pthread_barrier_t barrier;
static int slots[PHASES][BT];
static atomic_int serial_count[PHASES];

static void *phased(void *arg) {
    long id = (long)arg;
    long seen_ok = 1;
    for (int ph = 0; ph < PHASES; ph++) {
        slots[ph][id] = (int)(id + 1) * (ph + 1);
        int rc = pthread_barrier_wait(&barrier);
        if (rc == PTHREAD_BARRIER_SERIAL_THREAD) atomic_fetch_add(&serial_count[ph], 1);
        else if (rc != 0) seen_ok = 0;
        /* after the barrier every thread's write of this phase is visible */
        int s = 0;
        for (int j = 0; j < BT; j++) s += slots[ph][j];
        if (s != (ph + 1) * BT * (BT + 1) / 2) seen_ok = 0;
    }
    return (void *)seen_ok;
}

static void barriers(void) {
    CHECK(pthread_barrier_init(&barrier, NULL, BT));
    pthread_t t[BT];
    for (long i = 0; i < BT; i++) CHECK(pthread_create(&t[i], NULL, phased, (void *)i));
    int ok = 0;
    for (int i = 0; i < BT; i++) { void *r; CHECK(pthread_join(t[i], &r)); ok += (int)(long)r; }
    pthread_barrier_destroy(&barrier);
    printf("barrier: %d/%d threads saw every phase complete; serial threads per phase: %d %d %d\n",
           ok, BT, atomic_load(&serial_count[0]), atomic_load(&serial_count[1]), atomic_load(&serial_count[2]));
}

/* ---- rwlock -------------------------------------------------------------------------------- */

static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static long table[16];
static atomic_int torn_reads;

static void *rw_writer(void *arg) {
    long id = (long)arg;
    for (int i = 0; i < 300; i++) {
        pthread_rwlock_wrlock(&rw);
        for (int j = 0; j < 16; j++) table[j] += id;
        pthread_rwlock_unlock(&rw);
    }
    return NULL;
}

static void *rw_reader(void *arg) {
    (void)arg;
    for (int i = 0; i < 600; i++) {
        pthread_rwlock_rdlock(&rw);
        for (int j = 1; j < 16; j++) if (table[j] != table[0]) atomic_fetch_add(&torn_reads, 1);
        pthread_rwlock_unlock(&rw);
    }
    return NULL;
}

static void rwlocks(void) {
    pthread_t w[3], r[3];
    for (long i = 0; i < 3; i++) {
        CHECK(pthread_create(&w[i], NULL, rw_writer, (void *)(i + 1)));
        CHECK(pthread_create(&r[i], NULL, rw_reader, NULL));
    }
    for (int i = 0; i < 3; i++) { CHECK(pthread_join(w[i], NULL)); CHECK(pthread_join(r[i], NULL)); }
    printf("rwlock: table[15] = %ld (expect %d), torn reads %d\n", table[15], 300 * 6, atomic_load(&torn_reads));
}

/* ---- signals and threads ------------------------------------------------------------------- */

static __thread volatile sig_atomic_t got_usr1;
static atomic_int handler_ran_in_target;
static pthread_t target_thread;

static void on_usr1(int sig) {
    (void)sig;
    got_usr1 = 1;
    if (pthread_equal(pthread_self(), target_thread)) atomic_fetch_add(&handler_ran_in_target, 1);
}

static sem_t target_ready;

static void *wait_for_usr1(void *arg) {
    (void)arg;
    sem_post(&target_ready);
    while (!got_usr1) sched_yield();
    return (void *)1;
}

static void *masked_usr2(void *arg) {
    (void)arg;
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR2);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    sem_post(&target_ready);
    int sig = 0;
    sigwait(&set, &sig);
    return (void *)(long)sig;
}

static void signals(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;
    sigaction(SIGUSR1, &sa, NULL);
    sem_init(&target_ready, 0, 0);
    CHECK(pthread_create(&target_thread, NULL, wait_for_usr1, NULL));
    while (sem_wait(&target_ready) != 0) {}
    CHECK(pthread_kill(target_thread, SIGUSR1));
    void *r;
    CHECK(pthread_join(target_thread, &r));
    printf("pthread_kill: target saw SIGUSR1 %s, handler ran in the target thread %d time(s), main's flag %d\n",
           (long)r == 1 ? "yes" : "no", atomic_load(&handler_ran_in_target), (int)got_usr1);

    /* SIGUSR2 blocked in main too, so the signal can only be taken by sigwait */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR2);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    pthread_t t;
    CHECK(pthread_create(&t, NULL, masked_usr2, NULL));
    while (sem_wait(&target_ready) != 0) {}
    CHECK(pthread_kill(t, SIGUSR2));
    CHECK(pthread_join(t, &r));
    sigset_t pend;
    sigpending(&pend);
    printf("sigwait in a thread: got %s; pending in main afterwards: %s\n",
           (long)r == SIGUSR2 ? "SIGUSR2" : "?", sigismember(&pend, SIGUSR2) ? "SIGUSR2" : "none");
}

/* ---- a deliberate deadlock (argument "deadlock") -------------------------------------------- */

static pthread_mutex_t dl_a = PTHREAD_MUTEX_INITIALIZER, dl_b = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t dl_barrier;

static void *dl_other(void *arg) {
    (void)arg;
    pthread_mutex_lock(&dl_b);
    pthread_barrier_wait(&dl_barrier);
    pthread_mutex_lock(&dl_a);
    return NULL;
}

static int deadlock(void) {
    pthread_barrier_init(&dl_barrier, NULL, 2);
    pthread_t t;
    pthread_mutex_lock(&dl_a);
    CHECK(pthread_create(&t, NULL, dl_other, NULL));
    pthread_barrier_wait(&dl_barrier);
    printf("both locks taken; now each thread waits for the other's\n");
    fflush(stdout);
    pthread_mutex_lock(&dl_b);
    pthread_join(t, NULL);
    printf("not reached\n");
    return 1;
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "deadlock") == 0) return deadlock();
    create_join();
    mutexes();
    producer_consumer();
    once_and_keys();
    thread_local();
    atomics();
    barriers();
    rwlocks();
    signals();
    printf("done\n");
    return 0;
}
