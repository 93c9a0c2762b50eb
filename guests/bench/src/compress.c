/* compress: a small LZ77 compressor (hash chains, 64 KB window, lazy-free greedy
 * parse, byte-oriented token format) followed by canonical Huffman coding of the
 * token bytes; then Huffman decoding and LZ77 decompression, verified to round trip
 * exactly. Input: generated semi-repetitive text plus noise. Usage: compress [scale]. */
#define DEFAULT_SCALE 14   /* about 1.5 s under qemu-riscv64 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>

#define WIN (1 << 16)
#define HBITS 15
#define MINM 4
#define MAXM 258

/* token format: literal run: 0x00 len(1..128 as len-1 in low 7 bits) bytes...
 *               match: 0x80|(len-MINM) (len up to 131), offset lo, offset hi */
static size_t lz_compress(const uint8_t *in, size_t n, uint8_t *out)
{
    static int32_t head[1 << HBITS];
    int32_t *prev = malloc(sizeof(int32_t) * WIN);
    memset(head, -1, sizeof head);
    size_t o = 0, i = 0, lit_start = 0;
#define FLUSH_LITS(end) do { size_t s_ = lit_start; while (s_ < (end)) { size_t l_ = (end) - s_; if (l_ > 128) l_ = 128; \
        out[o++] = (uint8_t)(l_ - 1); memcpy(out + o, in + s_, l_); o += l_; s_ += l_; } } while (0)
    while (i + MINM <= n) {
        uint32_t h = ((uint32_t)in[i] | in[i + 1] << 8 | in[i + 2] << 16 | (uint32_t)in[i + 3] << 24) * 2654435761u >> (32 - HBITS);
        int32_t cand = head[h];
        size_t best = 0, boff = 0;
        int chain = 32;
        while (cand >= 0 && i - (size_t)cand < WIN && chain--) {
            size_t l = 0, maxl = n - i < 131 ? n - i : 131;
            while (l < maxl && in[cand + l] == in[i + l]) l++;
            if (l > best) { best = l; boff = i - (size_t)cand; if (l == maxl) break; }
            cand = prev[cand & (WIN - 1)];
        }
        prev[i & (WIN - 1)] = head[h];
        head[h] = (int32_t)i;
        if (best >= MINM) {
            FLUSH_LITS(i);
            out[o++] = (uint8_t)(0x80 | (best - MINM));
            out[o++] = (uint8_t)(boff & 0xff);
            out[o++] = (uint8_t)(boff >> 8);
            for (size_t k = 1; k < best; k++) {
                size_t j = i + k;
                if (j + MINM <= n) {
                    uint32_t h2 = ((uint32_t)in[j] | in[j + 1] << 8 | in[j + 2] << 16 | (uint32_t)in[j + 3] << 24) * 2654435761u >> (32 - HBITS);
                    prev[j & (WIN - 1)] = head[h2];
                    head[h2] = (int32_t)j;
                }
            }
            i += best;
            lit_start = i;
        } else i++;
    }
    FLUSH_LITS(n);
    free(prev);
    return o;
}

static size_t lz_decompress(const uint8_t *in, size_t n, uint8_t *out)
{
    size_t i = 0, o = 0;
    while (i < n) {
        uint8_t t = in[i++];
        if (t & 0x80) {
            size_t len = (t & 0x7f) + MINM, off = in[i] | (size_t)in[i + 1] << 8;
            i += 2;
            for (size_t k = 0; k < len; k++, o++) out[o] = out[o - off];
        } else {
            size_t len = (size_t)t + 1;
            memcpy(out + o, in + i, len); i += len; o += len;
        }
    }
    return o;
}

/* ---- canonical Huffman over bytes ---- */
struct hnode { uint64_t f; int l, r; };
static void code_lengths(const uint64_t *freq, uint8_t *len)
{
    struct hnode nd[512]; int heap[256], hn = 0, nn = 0;
    for (int s = 0; s < 256; s++) { len[s] = 0; if (freq[s]) { nd[nn] = (struct hnode){ freq[s], -1, s }; heap[hn++] = nn++; } }
    if (hn == 1) { len[nd[0].r] = 1; return; }
    /* simple O(n^2) selection is fine for 256 symbols */
    while (hn > 1) {
        int a = 0, b = 1;
        if (nd[heap[b]].f < nd[heap[a]].f) { a = 1; b = 0; }
        for (int k = 2; k < hn; k++) {
            if (nd[heap[k]].f < nd[heap[a]].f) { b = a; a = k; }
            else if (nd[heap[k]].f < nd[heap[b]].f) b = k;
        }
        nd[nn] = (struct hnode){ nd[heap[a]].f + nd[heap[b]].f, heap[a], heap[b] };
        int hi = a > b ? a : b, lo = a < b ? a : b;
        heap[hi] = heap[--hn];
        heap[lo] = nn++;
    }
    /* depth of each leaf */
    int stack[512], depth[512], sp = 0;
    stack[sp] = heap[0]; depth[sp++] = 0;
    while (sp) {
        sp--; int x = stack[sp], d = depth[sp];
        if (nd[x].l < 0) len[nd[x].r] = (uint8_t)(d ? d : 1);
        else { stack[sp] = nd[x].l; depth[sp++] = d + 1; stack[sp] = nd[x].r; depth[sp++] = d + 1; }
    }
}
static void canonical(const uint8_t *len, uint32_t *code)
{
    uint32_t c = 0;
    for (int l = 1; l <= 32; l++) { for (int s = 0; s < 256; s++) if (len[s] == l) code[s] = c++; c <<= 1; }
}
static size_t huff_encode(const uint8_t *in, size_t n, const uint8_t *len, const uint32_t *code, uint8_t *out)
{
    uint64_t acc = 0; int bits = 0; size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        acc = acc << len[in[i]] | code[in[i]]; bits += len[in[i]];
        while (bits >= 8) { out[o++] = (uint8_t)(acc >> (bits - 8)); bits -= 8; }
    }
    if (bits) out[o++] = (uint8_t)(acc << (8 - bits));
    return o;
}
static void huff_decode(const uint8_t *in, size_t nsyms, const uint8_t *len, const uint32_t *code, uint8_t *out)
{
    /* canonical decoding: first code and index per length */
    int count[33] = { 0 }; uint32_t first[33]; int index[33]; uint8_t sorted[256]; int ns = 0;
    for (int l = 1; l <= 32; l++) for (int s = 0; s < 256; s++) if (len[s] == l) { sorted[ns++] = (uint8_t)s; count[l]++; }
    int idx = 0;
    for (int l = 1; l <= 32; l++) { index[l] = idx; idx += count[l]; }
    for (int l = 1; l <= 32; l++) first[l] = count[l] ? code[sorted[index[l]]] : 0;
    size_t bit = 0;
    for (size_t k = 0; k < nsyms; k++) {
        uint32_t c = 0;
        for (int l = 1; l <= 32; l++) {
            c = c << 1 | ((in[bit >> 3] >> (7 - (bit & 7))) & 1); bit++;
            if (count[l] && c - first[l] < (uint32_t)count[l]) { out[k] = sorted[index[l] + (c - first[l])]; break; }
        }
    }
}

static uint32_t adler32(const uint8_t *p, size_t n)
{
    uint32_t a = 1, b = 0;
    for (size_t i = 0; i < n; i++) { a = (a + p[i]) % 65521; b = (b + a) % 65521; }
    return b << 16 | a;
}

int main(int argc, char **argv)
{
    int scale = argc > 1 ? atoi(argv[1]) : DEFAULT_SCALE;
    if (scale < 1) scale = 1;
    size_t n = 1000000;
    uint8_t *in = malloc(n), *lz = malloc(n * 2 + 1024), *hf = malloc(n * 2 + 1024), *lz2 = malloc(n * 2 + 1024), *back = malloc(n + 1024);
    static const char *words[] = { "the ", "compression ", "of ", "data ", "window ", "match ", "literal ", "huffman ", "tree ",
                                   "RISC-V ", "emulator ", "and ", "a ", "benchmark ", "\n", "0123456789 " };
    uint64_t x = 0x853c49e6748fea9bULL;
    size_t total_lz = 0, total_hf = 0;
    uint32_t sum = 0;
    int ok = 1, huff_ok = 1, maxlen = 0;
    for (int round = 0; round < scale; round++) {
        size_t i = 0;
        unsigned noise = 6 + round % 8;   /* vary the compressibility per round */
        while (i < n) {
            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
            uint32_t r = (uint32_t)(x >> 33);
            if (r % noise == 0) { in[i++] = (uint8_t)(r >> 8); continue; }     /* noise byte */
            const char *w = words[r % 16];
            for (size_t k = 0; w[k] && i < n; k++) in[i++] = (uint8_t)w[k];
        }
        size_t lzn = lz_compress(in, n, lz);
        uint64_t freq[256] = { 0 };
        for (size_t k = 0; k < lzn; k++) freq[lz[k]]++;
        uint8_t len[256]; uint32_t code[256];
        code_lengths(freq, len);
        for (int s = 0; s < 256; s++) if (len[s] > maxlen) maxlen = len[s];
        canonical(len, code);
        size_t hn = huff_encode(lz, lzn, len, code, hf);
        memset(lz2, 0, lzn);
        huff_decode(hf, lzn, len, code, lz2);
        huff_ok &= memcmp(lz, lz2, lzn) == 0;
        size_t outn = lz_decompress(lz2, lzn, back);
        ok &= outn == n && memcmp(in, back, n) == 0;
        total_lz += lzn; total_hf += hn;
        sum = sum * 31 + adler32(in, n) + adler32(hf, hn);
    }
    printf("rounds=%d input=%zu lz=%zu huffman=%zu maxcode=%d ratio=%.4f sum=%08x roundtrip=%s\n", scale, n * scale, total_lz,
           total_hf, maxlen, (double)total_hf / (double)(n * scale), sum, ok && huff_ok ? "ok" : "FAILED");
    free(in); free(lz); free(hf); free(lz2); free(back);
    return ok && huff_ok ? 0 : 1;
}
