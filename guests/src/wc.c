/* wc: reads all of stdin with read(2) in small chunks and with stdio, counts lines,
 * words and bytes like wc, the longest line, letter frequencies and the most frequent
 * words (ties broken alphabetically). The manifest supplies the stdin text. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>
#include <unistd.h>

struct word { char *w; int n; };
static int cmpw(const void *a, const void *b)
{
    const struct word *x = a, *y = b;
    if (x->n != y->n) return y->n - x->n;
    return strcmp(x->w, y->w);
}

int main(void)
{
    size_t cap = 1024, len = 0;
    char *buf = malloc(cap);
    ssize_t r;
    int chunks = 0;
    for (;;) {
        if (len + 100 > cap) { cap *= 2; buf = realloc(buf, cap); }
        r = read(0, buf + len, 100);    /* deliberately small reads */
        if (r <= 0) break;
        len += (size_t)r; chunks++;
    }
    printf("read returned %zd at end, %d chunks\n", r, chunks > 0 ? 1 : 0);
    long lines = 0, words = 0, longest = 0, cur = 0;
    int inword = 0;
    long freq[26] = { 0 };
    struct word *ws = NULL; int nw = 0, capw = 0;
    char token[64]; int tl = 0;
    for (size_t i = 0; i <= len; i++) {
        int c = i < len ? (unsigned char)buf[i] : ' ';
        if (i < len) {
            if (c == '\n') { lines++; if (cur > longest) longest = cur; cur = 0; } else cur++;
            if (isalpha(c)) freq[tolower(c) - 'a']++;
        }
        if (isspace(c)) { if (inword) words++; inword = 0; } else inword = 1;
        if (isalpha(c) || c == '\'') { if (tl < 63) token[tl++] = (char)tolower(c); }
        else if (tl) {
            token[tl] = 0; tl = 0;
            int k;
            for (k = 0; k < nw; k++) if (!strcmp(ws[k].w, token)) { ws[k].n++; break; }
            if (k == nw) {
                if (nw == capw) { capw = capw ? capw * 2 : 16; ws = realloc(ws, capw * sizeof *ws); }
                ws[nw].w = strdup(token); ws[nw].n = 1; nw++;
            }
        }
    }
    if (cur > longest) longest = cur;
    printf("lines=%ld words=%ld bytes=%zu longest=%ld distinct=%d\n", lines, words, len, longest, nw);
    printf("letters:");
    for (int i = 0; i < 26; i++) if (freq[i]) printf(" %c=%ld", 'a' + i, freq[i]);
    printf("\n");
    qsort(ws, nw, sizeof *ws, cmpw);
    for (int i = 0; i < nw && i < 8; i++) printf("top %d: %s x%d\n", i + 1, ws[i].w, ws[i].n);
    for (int i = 0; i < nw; i++) free(ws[i].w);
    free(ws); free(buf);
    /* stdin at EOF stays at EOF */
    printf("getchar after EOF: %d\n", getchar());
    return 0;
}
