/* prefilter.c - one pass over a document for the literals of every pattern.
 *
 * Not an automaton: at every position the next four bytes, folded with | 0x20, are hashed
 * into a 64 Kibit bitmap of the literals' first four bytes (a second bitmap holds the
 * three-byte literals).  Positions are independent of each other, so the loop has no
 * dependency chain from byte to byte and the bitmaps stay in the L1 cache; only the rare set
 * bits lead to a hash-table lookup and a comparison of the whole literal.  Literals of eight
 * bytes or more sit in a second table keyed by their first eight bytes: a literal set such as
 * "the meeting", "the talks", ... puts many literals on one four-byte key, and a text
 * position that starts with "the " then looks up one chain of its next four bytes instead of
 * comparing every one of them; a bitmap of those eight-byte keys comes first, since "the "
 * begins a few long literals and most of the text's "the " none of them.
 *
 * Two-byte literals (whole words of literal sets: "AI", "Xi", "G7") have a bitmap of their own,
 * indexed by the two folded bytes; a ruleset without them runs the scan without that test.
 *
 * Folding with | 0x20 maps A-Z onto a-z and also merges some punctuation (e.g. '[' and '{'):
 * that can only add candidates, never lose one, since the literals are folded the same way
 * and a pattern that is a candidate is then run for real. */
#include "prefilter.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"

#define BITS 18                          /* bitmap size: 2^18 bits = 32 KiB */
#define HASH(w) (((uint32_t)(w) * 0x9E3779B1u) >> (32 - BITS))
#define HASH8(w) ((uint32_t)(((w) * 0x9E3779B97F4A7C15ull) >> (64 - BITS)))

typedef struct literal {
    unsigned char *s;          /* folded bytes */
    size_t len;
    size_t pat_first, npats;   /* its patterns: pats[pat_first ...] */
} literal;

typedef struct table {         /* key (first 3, 4 or 8 folded bytes) -> first literal */
    uint64_t *keys;
    uint32_t *head;            /* a chain, or UINT32_MAX */
    unsigned char *used;       /* 1: holds a key; | 2 (t4): literals of this key in t8 too */
    size_t cap;                /* power of two */
} table;

struct tt_prefilter {
    uint64_t bm4[(1u << BITS) / 64];
    uint64_t bm8[(1u << BITS) / 64];   /* the eight-byte keys of t8, hashed: most positions
                                          whose first four bytes begin a long literal ("the ")
                                          go no further than this bit */
    uint64_t bm2[65536 / 64];  /* the two-byte literals, by their two folded bytes */
    table t4;
    table t8;                  /* literals of 8 bytes or more, by their first 8 */
    table t2;                  /* two-byte literals */
    size_t n2;
    uint32_t *chain_lit;       /* chain entries: a literal, and the next entry of the key */
    uint32_t *chain_next;
    size_t nchain, chaincap;
    literal *lits;
    size_t nlits;
    uint32_t *pats;
    size_t npatterns;
    unsigned char *always;     /* patterns without literals */
    size_t nfiltered;
};

static unsigned char fold(unsigned char c) { return c | 0x20; }

/* Keys hold the first byte in the low bits: a word loaded on a big-endian machine is swapped. */
static uint32_t load_order(uint32_t w)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    return __builtin_bswap32(w);
#else
    return w;
#endif
}

static uint64_t load_order64(uint64_t w)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    return __builtin_bswap64(w);
#else
    return w;
#endif
}

static uint64_t key_of(const unsigned char *s, size_t n)
{
    uint64_t k = 0;
    size_t i;
    for (i = 0; i < n; i++)
        k |= (uint64_t)fold(s[i]) << (8 * i);
    return k;
}

/* murmur3's finalizer: every key bit reaches the low bits the table index is taken from (a
 * bare multiplication leaves them depending on the key's low bytes alone, and a three-byte
 * literal's 128 keys, which differ only in their top byte, then probe one long cluster). */
static uint32_t mix(uint32_t h)
{
    h ^= h >> 16;
    h *= 0x85EBCA6Bu;
    h ^= h >> 13;
    h *= 0xC2B2AE35u;
    h ^= h >> 16;
    return h;
}

/* The slot of key, or the empty slot where it would go.  A four-byte key has no high half, so
 * its slot is where the bare 32-bit mix puts it. */
static size_t table_slot(const table *t, uint64_t key)
{
    size_t i = mix((uint32_t)key ^ mix((uint32_t)(key >> 32))) & (t->cap - 1);
    while (t->used[i] && t->keys[i] != key)
        i = (i + 1) & (t->cap - 1);
    return i;
}

static int table_init(table *t, size_t n)
{
    size_t i;
    t->cap = 16;
    while (t->cap < n * 2)
        t->cap *= 2;
    t->keys = tt_malloc(t->cap * sizeof *t->keys);
    t->head = tt_malloc(t->cap * sizeof *t->head);
    t->used = tt_calloc(t->cap, 1);
    if (!t->keys || !t->head || !t->used)
        return -1;
    for (i = 0; i < t->cap; i++)
        t->head[i] = UINT32_MAX;
    return 0;
}

static void table_release(table *t)
{
    tt_free(t->keys);
    tt_free(t->head);
    tt_free(t->used);
}

void tt_prefilter_free(tt_prefilter *pf)
{
    size_t i;
    if (!pf)
        return;
    for (i = 0; i < pf->nlits; i++)
        tt_free(pf->lits[i].s);
    tt_free(pf->lits);
    tt_free(pf->pats);
    tt_free(pf->always);
    table_release(&pf->t4);
    table_release(&pf->t8);
    table_release(&pf->t2);
    tt_free(pf->chain_lit);
    tt_free(pf->chain_next);
    tt_free(pf);
}

static int chain_init(tt_prefilter *pf, size_t n)
{
    pf->chaincap = n + 1;
    pf->chain_lit = tt_malloc(pf->chaincap * sizeof *pf->chain_lit);
    pf->chain_next = tt_malloc(pf->chaincap * sizeof *pf->chain_next);
    return pf->chain_lit && pf->chain_next ? 0 : -1;
}

/* Adds literal l under its four-byte key, or under its eight-byte key key8 in t8 when it is
 * that long (a chain keeps the entry order). */
static int enter(tt_prefilter *pf, uint32_t key, uint64_t key8, int long8, uint32_t l)
{
    size_t slot = table_slot(&pf->t4, key);
    table *t = long8 ? &pf->t8 : &pf->t4;
    size_t at = long8 ? table_slot(t, key8) : slot;
    uint32_t h = HASH(key);
    if (pf->nchain == pf->chaincap)
        return -1;
    pf->t4.keys[slot] = key;
    pf->t4.used[slot] |= (unsigned char)(long8 ? 3 : 1);
    t->keys[at] = long8 ? key8 : key;
    t->used[at] |= 1;
    if (long8) {
        uint32_t h8 = HASH8(key8);
        pf->bm8[h8 / 64] |= 1ull << (h8 % 64);
    }
    pf->chain_lit[pf->nchain] = l;
    pf->chain_next[pf->nchain] = t->head[at];
    t->head[at] = (uint32_t)pf->nchain++;
    pf->bm4[h / 64] |= 1ull << (h % 64);
    return 0;
}

/* Adds the two-byte literal l. */
static int enter2(tt_prefilter *pf, uint32_t key, uint32_t l)
{
    size_t at = table_slot(&pf->t2, key);
    if (pf->nchain == pf->chaincap)
        return -1;
    pf->t2.keys[at] = key;
    pf->t2.used[at] = 1;
    pf->chain_lit[pf->nchain] = l;
    pf->chain_next[pf->nchain] = pf->t2.head[at];
    pf->t2.head[at] = (uint32_t)pf->nchain++;
    pf->bm2[key / 64] |= 1ull << (key % 64);
    return 0;
}

typedef struct entry {
    unsigned char *s;          /* folded copy */
    size_t len;
    uint32_t pattern;
} entry;

static int cmp_entry(const void *a, const void *b)
{
    const entry *x = a, *y = b;
    int c;
    if (x->len != y->len)
        return x->len < y->len ? -1 : 1;
    c = memcmp(x->s, y->s, x->len);
    if (c)
        return c;
    return x->pattern < y->pattern ? -1 : x->pattern > y->pattern;
}

tt_prefilter *tt_prefilter_new(char *const *const *lits, size_t *const *lens, const size_t *nlits,
                               size_t npatterns)
{
    tt_prefilter *pf = tt_calloc(1, sizeof *pf);
    entry *e = NULL;
    size_t p, i, j, total = 0, ne = 0, n4 = 0, n3 = 0, n8 = 0;
    if (!pf)
        return NULL;
    pf->npatterns = npatterns;
    if (!(pf->always = tt_calloc(npatterns + 1, 1)))
        goto fail;
    for (p = 0; p < npatterns; p++) {
        total += nlits[p];
        if (nlits[p] == 0)
            pf->always[p] = 1;
        else
            pf->nfiltered++;
    }
    /* every (literal, pattern), folded, sorted: equal literals become neighbours */
    e = tt_calloc(total + 1, sizeof *e);
    pf->lits = tt_calloc(total + 1, sizeof *pf->lits);
    pf->pats = tt_malloc((total + 1) * sizeof *pf->pats);
    if (!e || !pf->lits || !pf->pats)
        goto fail;
    for (p = 0; p < npatterns; p++) {
        for (i = 0; i < nlits[p]; i++) {
            entry *x = &e[ne];
            if (lens[p][i] < 2)
                continue;   /* the caller gives 2 bytes or more */
            if (!(x->s = tt_malloc(lens[p][i])))
                goto fail;
            for (j = 0; j < lens[p][i]; j++)
                x->s[j] = fold((unsigned char)lits[p][i][j]);
            x->len = lens[p][i];
            x->pattern = (uint32_t)p;
            ne++;
        }
    }
    if (ne)
        qsort(e, ne, sizeof *e, cmp_entry);
    for (i = 0; i < ne; i++) {
        literal *l;
        const literal *last = pf->nlits ? &pf->lits[pf->nlits - 1] : NULL;
        if (!last || e[i].len != last->len || memcmp(e[i].s, last->s, e[i].len)) {
            l = &pf->lits[pf->nlits++];
            l->s = e[i].s;          /* the literal takes this copy */
            e[i].s = NULL;
            l->len = e[i].len;
            l->pat_first = i;       /* pats[] is filled in entry order */
            if (l->len == 2)
                pf->n2++;
            else if (l->len == 3)
                n3++;
            else
                n4++;
            n8 += l->len >= 8;
        } else {
            l = &pf->lits[pf->nlits - 1];
            if (e[i].pattern == e[i - 1].pattern)
                continue;           /* the same pattern twice */
        }
        pf->pats[l->pat_first + l->npats++] = e[i].pattern;
    }
    /* a three-byte literal is entered once per possible fourth byte (folded, so 128 keys at
     * most): the scan then needs one lookup per position */
    if (table_init(&pf->t4, n4 + n3 * 128) || table_init(&pf->t8, n8) ||
        table_init(&pf->t2, pf->n2) || chain_init(pf, n4 + n3 * 128 + pf->n2))
        goto fail;
    for (j = pf->nlits; j-- > 0;) {
        literal *l = &pf->lits[j];
        uint32_t key = (uint32_t)key_of(l->s, l->len < 4 ? l->len : 4);
        if (l->len == 2) {
            if (enter2(pf, key, (uint32_t)j))
                goto fail;
            continue;
        }
        if (l->len >= 4) {
            if (enter(pf, key, l->len >= 8 ? key_of(l->s, 8) : 0, l->len >= 8, (uint32_t)j))
                goto fail;
            continue;
        }
        for (i = 0; i < 256; i++)
            if (fold((unsigned char)i) == i &&
                enter(pf, key | (uint32_t)i << 24, 0, 0, (uint32_t)j))
                goto fail;
    }
    for (i = 0; i < ne; i++)
        tt_free(e[i].s);
    tt_free(e);
    return pf;
fail:
    for (i = 0; e && i < ne; i++)
        tt_free(e[i].s);
    tt_free(e);
    tt_prefilter_free(pf);
    return NULL;
}

/* Appends a hit for every literal of chain e that occurs at text[i], whose first `from` bytes
 * are known to match. */
static int walk(const tt_prefilter *pf, uint32_t e, size_t from, const unsigned char *text,
                size_t len, size_t i, tt_pf_hit **hits, size_t *n, size_t *cap)
{
    for (; e != UINT32_MAX; e = pf->chain_next[e]) {
        const literal *lit = &pf->lits[pf->chain_lit[e]];
        size_t k;
        if (i + lit->len > len)
            continue;
        for (k = from; k < lit->len; k++)
            if (fold(text[i + k]) != lit->s[k])
                break;
        if (k < lit->len)
            continue;
        if (*n == *cap && tt_grow(hits, cap, *n + 1, sizeof **hits))
            return -1;
        (*hits)[*n].end = i + lit->len;
        (*hits)[*n].state = pf->chain_lit[e];
        (*n)++;
    }
    return 0;
}

/* Appends a hit for every literal with this four-byte key that occurs at text[i]. */
static int verify(const tt_prefilter *pf, uint32_t key, const unsigned char *text, size_t len,
                  size_t i, tt_pf_hit **hits, size_t *n, size_t *cap)
{
    size_t slot = table_slot(&pf->t4, key);
    uint64_t w;
    uint32_t h;
    if (!pf->t4.used[slot])
        return 0;
    if (walk(pf, pf->t4.head[slot], 4, text, len, i, hits, n, cap))
        return -1;
    if (!(pf->t4.used[slot] & 2) || i + 8 > len)
        return 0;
    memcpy(&w, text + i, 8);
    w = load_order64(w) | 0x2020202020202020ull;
    h = HASH8(w);
    if (!((pf->bm8[h / 64] >> (h % 64)) & 1))
        return 0;
    slot = table_slot(&pf->t8, w);
    return pf->t8.used[slot] ? walk(pf, pf->t8.head[slot], 8, text, len, i, hits, n, cap) : 0;
}

/* Appends a hit for the two-byte literal that occurs at text[i] (key: its folded bytes), if
 * any. */
static int verify2(const tt_prefilter *pf, uint32_t key, const unsigned char *text, size_t len,
                   size_t i, tt_pf_hit **hits, size_t *n, size_t *cap)
{
    size_t slot = table_slot(&pf->t2, key);
    return pf->t2.used[slot] ? walk(pf, pf->t2.head[slot], 2, text, len, i, hits, n, cap) : 0;
}

/* Checks the position i whose next four bytes, folded, are w; with two, the two-byte
 * literals as well. */
static int scan_at(const tt_prefilter *pf, uint32_t w, int two, const unsigned char *text,
                   size_t len, size_t i, tt_pf_hit **hits, size_t *n, size_t *cap)
{
    uint32_t h = HASH(w), k = w & 0xFFFF;
    if (((pf->bm4[h / 64] >> (h % 64)) & 1) && verify(pf, w, text, len, i, hits, n, cap))
        return -1;
    if (two && ((pf->bm2[k / 64] >> (k % 64)) & 1) && verify2(pf, k, text, len, i, hits, n, cap))
        return -1;
    return 0;
}

/* The positions [0, len - 3) of the text, where four bytes can be read.  The loop is written
 * twice so that the common case pays no test for two-byte literals (scan_at is not inlined
 * into a loop: a call per byte doubled the scan's instructions). */
static int scan_body(const tt_prefilter *pf, const unsigned char *text, size_t len,
                     tt_pf_hit **hits, size_t *n, size_t *cap)
{
    size_t i;
    uint32_t w, h, k;
    if (!pf->n2) {
        for (i = 0; i + 4 <= len; i++) {
            memcpy(&w, text + i, 4);
            w = load_order(w) | 0x20202020u;
            h = HASH(w);
            if (((pf->bm4[h / 64] >> (h % 64)) & 1) && verify(pf, w, text, len, i, hits, n, cap))
                return -1;
        }
        return 0;
    }
    for (i = 0; i + 4 <= len; i++) {
        memcpy(&w, text + i, 4);
        w = load_order(w) | 0x20202020u;
        h = HASH(w);
        k = w & 0xFFFF;
        if (((pf->bm4[h / 64] >> (h % 64)) & 1) && verify(pf, w, text, len, i, hits, n, cap))
            return -1;
        if (((pf->bm2[k / 64] >> (k % 64)) & 1) && verify2(pf, k, text, len, i, hits, n, cap))
            return -1;
    }
    return 0;
}

int tt_prefilter_scan(const tt_prefilter *pf, const unsigned char *text, size_t len,
                      tt_pf_hit **hits, size_t *nhits, size_t *cap)
{
    size_t i = len >= 4 ? len - 3 : 0, n = 0;
    unsigned char tail[8];
    *nhits = 0;
    if (pf->nfiltered == 0)
        return 0;
    if (scan_body(pf, text, len, hits, &n, cap))
        return -1;
    for (; i < len; i++) {
        /* the last bytes, padded with NULs (spaces once folded): a hit still needs the whole
         * literal inside the text, which verify() checks */
        uint32_t w;
        memset(tail, 0, sizeof tail);
        memcpy(tail, text + i, len - i);
        memcpy(&w, tail, 4);
        if (scan_at(pf, load_order(w) | 0x20202020u, pf->n2 != 0, text, len, i, hits, &n, cap))
            return -1;
    }
    /* The scan finds hits by start; callers walk them by end (tag_sentences stops at the
     * first hit past a sentence end).  Literals are short (at most 16 bytes, a literal set's
     * strings at most TT_LITPAT_MAX_LEN), so each hit moves back only past the few hits that
     * start earlier but end later: insertion sort, stable. */
    for (i = 1; i < n; i++) {
        tt_pf_hit x = (*hits)[i];
        size_t m = i;
        while (m > 0 && (*hits)[m - 1].end > x.end) {
            (*hits)[m] = (*hits)[m - 1];
            m--;
        }
        (*hits)[m] = x;
    }
    *nhits = n;
    return 0;
}

const uint32_t *tt_prefilter_patterns(const tt_prefilter *pf, uint32_t state, size_t *n)
{
    *n = pf->lits[state].npats;
    return pf->pats + pf->lits[state].pat_first;
}

size_t tt_prefilter_literal_len(const tt_prefilter *pf, uint32_t state)
{
    return pf->lits[state].len;
}

int tt_prefilter_always(const tt_prefilter *pf, size_t p) { return pf->always[p]; }

size_t tt_prefilter_nliterals(const tt_prefilter *pf) { return pf->nlits; }

/* lits[] is sorted as cmp_entry sorts: by length, then by the folded bytes */
long tt_prefilter_find(const tt_prefilter *pf, const char *s, size_t len)
{
    size_t lo = 0, hi = pf->nlits;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2, k;
        const literal *l = &pf->lits[mid];
        int c = l->len < len ? -1 : l->len > len;
        for (k = 0; !c && k < len; k++)
            c = (int)l->s[k] - (int)fold((unsigned char)s[k]);
        if (c == 0)
            return (long)mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}
