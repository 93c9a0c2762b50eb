/* strings: string handling: generates a text corpus, tokenizes it (strtok_r and
 * a hand-written scanner), counts words in a hash table of strings, searches with
 * strstr/memchr, formats records with snprintf and parses them back with
 * strtol/strtod, and builds/compares strings with strcmp/strcat/memcmp.
 * Usage: strings [scale]. Prints a checksum. */
#define DEFAULT_SCALE 8   /* about 1.5 s under qemu-riscv64 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <ctype.h>

static uint64_t rng = 0x2545f4914f6cdd1dULL;
static uint32_t rnd(void) { rng ^= rng >> 12; rng ^= rng << 25; rng ^= rng >> 27; return (uint32_t)((rng * 0x2545f4914f6cdd1dULL) >> 32); }

static const char *syll[] = { "ka", "lo", "mi", "ne", "ru", "sta", "tor", "vin", "qua", "zel", "ph", "ex", "an", "bo", "ci", "du" };

struct ent { char *w; int n; struct ent *next; };
static struct ent *tab[1 << 14];
static uint32_t hash(const char *s) { uint32_t h = 2166136261u; while (*s) { h ^= (unsigned char)*s++; h *= 16777619u; } return h; }
static void count(const char *w)
{
    uint32_t h = hash(w) & ((1 << 14) - 1);
    for (struct ent *e = tab[h]; e; e = e->next) if (!strcmp(e->w, w)) { e->n++; return; }
    struct ent *e = malloc(sizeof *e); e->w = strdup(w); e->n = 1; e->next = tab[h]; tab[h] = e;
}

int main(int argc, char **argv)
{
    int scale = argc > 1 ? atoi(argv[1]) : DEFAULT_SCALE;
    if (scale < 1) scale = 1;
    size_t cap = (size_t)scale * 200000 + 1024, len = 0;
    char *text = malloc(cap);
    while (len + 64 < cap) {
        int ns = 1 + rnd() % 3;
        for (int i = 0; i < ns; i++) { const char *s = syll[rnd() % 16]; size_t l = strlen(s); memcpy(text + len, s, l); len += l; }
        uint32_t r = rnd() % 20;
        text[len++] = r == 0 ? '.' : r == 1 ? ',' : r == 2 ? '\n' : ' ';
        if (r < 2) text[len++] = ' ';
    }
    text[len] = 0;

    /* 1: strtok_r tokenization + hash counting */
    char *copy = strdup(text), *save, *tok;
    long ntok = 0;
    for (tok = strtok_r(copy, " ,.\n", &save); tok; tok = strtok_r(NULL, " ,.\n", &save)) { count(tok); ntok++; }
    long distinct = 0, maxn = 0; const char *maxw = "";
    for (int i = 0; i < (1 << 14); i++)
        for (struct ent *e = tab[i]; e; e = e->next) { distinct++; if (e->n > maxn || (e->n == maxn && strcmp(e->w, maxw) < 0)) { maxn = e->n; maxw = e->w; } }

    /* 2: hand-written scanner: capitalise sentence starts, count letters */
    long letters = 0, sentences = 0;
    int start = 1;
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        if (isalpha((unsigned char)c)) { letters++; if (start) { copy[i] = (char)toupper((unsigned char)c); start = 0; } }
        if (c == '.') { sentences++; start = 1; }
    }

    /* 3: searching */
    long hits = 0;
    const char *needles[] = { "kalo", "stator", "quazel", "phex", "vinvin", "dudu" };
    for (int k = 0; k < 6; k++)
        for (const char *p = text; (p = strstr(p, needles[k])); p++) hits++;
    long newlines = 0;
    for (const char *p = text; (p = memchr(p, '\n', len - (size_t)(p - text))); p++) newlines++;

    /* 4: snprintf / strtol / strtod round trips */
    char line[128];
    uint64_t fmtsum = 0;
    for (long i = 0; i < 20000L * scale; i++) {
        int n = snprintf(line, sizeof line, "rec %ld: %08lx |%-6s| %.3f %e", i, (unsigned long)(i * 2654435761u), syll[i & 15], i / 7.0, i * 1.5e-3);
        char *end;
        long back = strtol(line + 4, &end, 10);
        unsigned long hex = strtoul(end + 2, &end, 16);
        double d = strtod(strchr(end, '|') + 8, &end);
        fmtsum += (uint64_t)n + (uint64_t)back + hex + (uint64_t)(d * 1000.0 + 0.5);
    }

    /* 5: building and comparing strings */
    char *acc = malloc(1 << 16);
    uint64_t cmpsum = 0;
    for (int r = 0; r < 40 * scale; r++) {
        acc[0] = 0;
        size_t al = 0;
        for (int i = 0; i < 200; i++) {
            const char *s = syll[(r + i * 7) & 15];
            strcat(acc + al, s);
            al += strlen(acc + al);
        }
        cmpsum += strlen(acc) + (uint64_t)(strcmp(acc, text) > 0) + (uint64_t)(memcmp(acc, text + r, 32) < 0);
    }
    printf("tokens=%ld distinct=%ld top=%s(%ld) letters=%ld sentences=%ld hits=%ld newlines=%ld fmt=%016llx cmp=%llu\n",
           ntok, distinct, maxw, maxn, letters, sentences, hits, newlines, (unsigned long long)fmtsum,
           (unsigned long long)cmpsum);
    return 0;
}
