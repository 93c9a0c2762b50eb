/* malloc_stress: heavy malloc/calloc/realloc/free traffic driven by a fixed PRNG:
 * a pool of blocks with random sizes (small, medium and a few > mmap threshold)
 * filled with patterns and verified, a chained hash table with resizing, and a
 * treap (randomised binary search tree) with inserts, deletes and an in-order walk. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <inttypes.h>

static uint64_t rng = 0x123456789abcdefULL;
static uint64_t rnd(void) { rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17; return rng; }

static void fill(unsigned char *p, size_t n, unsigned tag) { for (size_t i = 0; i < n; i++) p[i] = (unsigned char)(tag + i * 7); }
static int check(const unsigned char *p, size_t n, unsigned tag)
{ for (size_t i = 0; i < n; i++) if (p[i] != (unsigned char)(tag + i * 7)) return 0; return 1; }

/* ---- hash table: string keys -> counts ---- */
struct ent { char *key; long val; struct ent *next; };
struct table { struct ent **b; size_t nb, n; };
static uint64_t fnv(const char *s) { uint64_t h = 1469598103934665603ULL; while (*s) { h ^= (unsigned char)*s++; h *= 1099511628211ULL; } return h; }
static void t_grow(struct table *t)
{
    size_t nb = t->nb ? t->nb * 2 : 8;
    struct ent **b = calloc(nb, sizeof *b);
    for (size_t i = 0; i < t->nb; i++)
        for (struct ent *e = t->b[i], *nx; e; e = nx) { nx = e->next; size_t k = fnv(e->key) & (nb - 1); e->next = b[k]; b[k] = e; }
    free(t->b); t->b = b; t->nb = nb;
}
static void t_add(struct table *t, const char *key, long v)
{
    if (t->n >= t->nb) t_grow(t);
    size_t k = fnv(key) & (t->nb - 1);
    for (struct ent *e = t->b[k]; e; e = e->next) if (!strcmp(e->key, key)) { e->val += v; return; }
    struct ent *e = malloc(sizeof *e);
    e->key = strdup(key); e->val = v; e->next = t->b[k]; t->b[k] = e; t->n++;
}
static int t_del(struct table *t, const char *key)
{
    if (!t->nb) return 0;
    struct ent **pp = &t->b[fnv(key) & (t->nb - 1)];
    for (; *pp; pp = &(*pp)->next)
        if (!strcmp((*pp)->key, key)) { struct ent *e = *pp; *pp = e->next; free(e->key); free(e); t->n--; return 1; }
    return 0;
}

/* ---- treap ---- */
struct node { long key; uint32_t prio; struct node *l, *r; };
static struct node *rotr(struct node *n) { struct node *l = n->l; n->l = l->r; l->r = n; return l; }
static struct node *rotl(struct node *n) { struct node *r = n->r; n->r = r->l; r->l = n; return r; }
static struct node *ins(struct node *n, long key)
{
    if (!n) { n = malloc(sizeof *n); n->key = key; n->prio = (uint32_t)rnd(); n->l = n->r = NULL; return n; }
    if (key < n->key) { n->l = ins(n->l, key); if (n->l->prio > n->prio) n = rotr(n); }
    else if (key > n->key) { n->r = ins(n->r, key); if (n->r->prio > n->prio) n = rotl(n); }
    return n;
}
static struct node *del(struct node *n, long key)
{
    if (!n) return NULL;
    if (key < n->key) n->l = del(n->l, key);
    else if (key > n->key) n->r = del(n->r, key);
    else {
        if (!n->l) { struct node *r = n->r; free(n); return r; }
        if (!n->r) { struct node *l = n->l; free(n); return l; }
        if (n->l->prio > n->r->prio) { n = rotr(n); n->r = del(n->r, key); }
        else { n = rotl(n); n->l = del(n->l, key); }
    }
    return n;
}
static long cnt, sumk, maxdepth;
static void walk(struct node *n, int d, long *prev, int *sorted)
{
    if (!n) return;
    if (d > maxdepth) maxdepth = d;
    walk(n->l, d + 1, prev, sorted);
    if (n->key <= *prev) *sorted = 0;
    *prev = n->key; cnt++; sumk += n->key;
    walk(n->r, d + 1, prev, sorted);
}
static void freetree(struct node *n) { if (n) { freetree(n->l); freetree(n->r); free(n); } }

int main(void)
{
    enum { SLOTS = 2000 };
    static unsigned char *blk[SLOTS];
    static size_t sz[SLOTS];
    static unsigned tag[SLOTS];
    long allocs = 0, frees = 0, reallocs = 0, bad = 0;
    uint64_t bytes = 0;
    for (int round = 0; round < 60000; round++) {
        unsigned i = (unsigned)(rnd() % SLOTS);
        unsigned op = (unsigned)(rnd() % 10);
        if (blk[i] && !check(blk[i], sz[i], tag[i])) bad++;
        if (!blk[i] || op < 3) {
            if (blk[i]) { free(blk[i]); frees++; }
            uint64_t r = rnd();
            size_t n = (r % 100 == 0) ? 150000 + r % 100000 : (r % 7 == 0 ? 1000 + r % 5000 : 1 + r % 200);
            if (op == 1) blk[i] = calloc(n, 1);
            else blk[i] = malloc(n);
            if (op == 1) for (size_t k = 0; k < n; k++) if (blk[i][k]) { bad++; break; }
            sz[i] = n; tag[i] = (unsigned)r; fill(blk[i], n, tag[i]); allocs++; bytes += n;
        } else if (op < 6) {
            size_t n = 1 + rnd() % (sz[i] * 2 + 10);
            unsigned char *p = realloc(blk[i], n);
            size_t keep = n < sz[i] ? n : sz[i];
            if (!check(p, keep, tag[i])) bad++;
            blk[i] = p; sz[i] = n; fill(p, n, tag[i]); reallocs++;
        } else if (op == 9) {
            free(blk[i]); blk[i] = NULL; frees++;
        }
    }
    uint64_t live = 0;
    for (int i = 0; i < SLOTS; i++) if (blk[i]) { if (!check(blk[i], sz[i], tag[i])) bad++; live += sz[i]; free(blk[i]); }
    printf("pool: allocs=%ld frees=%ld reallocs=%ld bytes=%" PRIu64 " live_at_end=%" PRIu64 " bad=%ld\n",
           allocs, frees, reallocs, bytes, live, bad);

    struct table t = { 0 };
    char key[32];
    for (int i = 0; i < 50000; i++) { snprintf(key, sizeof key, "k%lu", (unsigned long)(rnd() % 20000)); t_add(&t, key, i); }
    int deleted = 0;
    for (int i = 0; i < 20000; i += 3) { snprintf(key, sizeof key, "k%d", i); deleted += t_del(&t, key); }
    uint64_t hsum = 0; size_t longest = 0, used = 0;
    for (size_t i = 0; i < t.nb; i++) {
        size_t len = 0;
        for (struct ent *e = t.b[i]; e; e = e->next) { len++; hsum += fnv(e->key) ^ (uint64_t)e->val; }
        if (len) used++;
        if (len > longest) longest = len;
    }
    printf("hash: entries=%zu buckets=%zu deleted=%d sum=%016" PRIx64 "\n", t.n, t.nb, deleted, hsum);
    for (size_t i = 0; i < t.nb; i++)
        for (struct ent *e = t.b[i], *nx; e; e = nx) { nx = e->next; free(e->key); free(e); }
    free(t.b);

    struct node *root = NULL;
    for (int i = 0; i < 40000; i++) root = ins(root, (long)(rnd() % 100000));
    for (long k = 0; k < 100000; k += 2) root = del(root, k);
    long prev = -1; int sorted = 1;
    walk(root, 1, &prev, &sorted);
    printf("treap: nodes=%ld keysum=%ld sorted=%d depth<60=%d\n", cnt, sumk, sorted, maxdepth < 60);
    freetree(root);

    /* many tiny allocations kept alive, then freed in reverse */
    void **v = malloc(100000 * sizeof *v);
    for (int i = 0; i < 100000; i++) { v[i] = malloc(8 + i % 24); memset(v[i], i & 0xff, 8 + i % 24); }
    long s = 0;
    for (int i = 99999; i >= 0; i--) { s += ((unsigned char *)v[i])[0]; free(v[i]); }
    free(v);
    printf("tiny: sum=%ld\n", s);
    return 0;
}
