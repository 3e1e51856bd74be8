/* prefilter.c - one pass over a document for the literals of every pattern.
 *
 * Not an automaton: at every position the next four bytes, folded with | 0x20, are hashed
 * into a bitmap of the literals' first four bytes (a three-byte literal sets the bits of
 * its 128 possible fourth bytes).  Positions are independent of each other, so the loop has
 * no dependency chain from byte to byte and the bitmap stays in the cache; only the rare set
 * bits lead to a lookup.  The literals form a trie of four-byte steps (struct trie): a
 * literal set such as "security talks", "security treaty", ... puts forty literals behind
 * "secu", and a text position that starts with "security" then looks up its next four bytes
 * instead of comparing every one of them; a bitmap of the trie's edges comes before each
 * step, since "security" begins a few long literals and most of the text's "security" none.
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
#include "ascii.h"
#include "literal.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
#include <immintrin.h>
#endif

#define BITS 18                          /* bitmap size: 2^18 bits = 32 KiB */
#define HASH(w) (((uint32_t)(w) * 0x9E3779B1u) >> (32 - BITS))
#define HASHT(k) ((uint32_t)(((k) * 0xD6E8FEB86659FD93ull) >> (64 - BITS)))

typedef struct literal {
    unsigned char *s;          /* folded bytes, in tt_prefilter.bytes */
    size_t len;
    unsigned char ctx;         /* the contexts a hit of it can be used in (TT_LIT_CTX bits):
                                  those of each of its patterns' strings */
    unsigned char inner;       /* a hit of it inside a word (a word byte before and at its
                                  start) can be used: its first byte is a word byte and its
                                  contexts allow one before it */
    unsigned char off;         /* its key: its four (or last three) bytes from s + off
                                  (key_offset) */
    size_t pat_first, npats;   /* its patterns: pats[pat_first ...] */
} literal;

typedef struct table {         /* key (two folded bytes) -> first literal */
    uint64_t *keys;
    uint32_t *head;            /* a chain, or UINT32_MAX */
    unsigned char *used;       /* 1: holds a key */
    size_t cap;                /* power of two */
} table;

/* The literals of three bytes or more, from their key on (literal.off), as a trie of
 * four-byte steps: an edge (node, the next four folded bytes) leads to a node, node 0 is the
 * root.  A literal hangs at the node below which fewer than four of its bytes are left
 * (none, for 4, 8, ... bytes from its key), and a three-byte one below the root under each of
 * its 128 possible fourth bytes.  A text position then costs one lookup per four bytes that
 * some literal shares with it, and only the literals that end there are compared byte by
 * byte: "security" is followed by " all", " tre", " cou" in one lookup, not by comparing
 * forty literals that begin with it. */
typedef struct edge {
    uint64_t key;              /* node << 32 | four folded bytes (never 0: each byte has
                                  0x20 set), or 0 in an empty slot */
    uint32_t to;               /* the node it leads to, | KIDS when edges leave that node */
    uint32_t ends;             /* the chain of literals that end below that node, or
                                  UINT32_MAX */
} edge;

#define KIDS 0x80000000u
#ifndef TRIE_SLACK
#define TRIE_SLACK 1           /* edges / TRIE_SLACK free slots at least: load at most 1/2 */
#endif

/* A lookup reads one slot of sixteen bytes: the node below, whether the trie goes on, and the
 * literals to compare (a node other than the root has one edge into it, which holds them). */
typedef struct trie {
    edge *e;
    size_t cap;                /* power of two */
    unsigned shift;            /* 64 - log2(cap): the slot is the product's top bits */
    uint32_t *slot;            /* per node: the slot of the edge into it (node 0: none) */
    size_t nnodes, nodecap;
} trie;

/* A chain entry: a literal keyed at a text position, with what comparing it needs. */
typedef struct link {
    uint32_t next;             /* the next entry of the key, or UINT32_MAX */
    uint32_t lit;              /* pf->lits[lit] */
    uint32_t s;                /* its folded bytes: pf->bytes + s */
    uint32_t len;
    unsigned char off, inner;  /* as the literal's */
} link;

struct tt_prefilter {
    uint64_t bm4[(1u << BITS) / 64];
    uint64_t bmt[(1u << BITS) / 64];   /* the trie's edges below the root, hashed: most
                                          positions whose first four bytes begin a long
                                          literal ("secu") go no further than this bit */
    uint64_t bm2[65536 / 64];  /* the two-byte literals, by their two folded bytes */
    uint64_t bm4i[(1u << BITS) / 64];   /* bm4 of the inner literals alone */
    size_t ninner;             /* inner literals (0: positions inside words are skipped) */
    int avx2;                  /* the word-start scan takes 32 bytes at a time (the CPU has
                                  AVX2; tt_prefilter_set_avx2) */
    unsigned char ifirst[4];   /* the first bytes (folded) of the inner literals keyed at
                                  their start: inside a word, only a position at one of these
                                  can begin a key; */
    size_t nifirst;            /* how many: 0 without inner literals, more than 4: all of
                                  them (every position inside a word is looked up) */
    unsigned char kfirst[4];   /* the first bytes (folded) of all keys, when they are few */
    size_t nkfirst;            /* how many (more than 4: not kept) */
    size_t nwkeys;             /* keys whose first byte is no word byte (0: positions at such
                                  a byte are skipped) */
    trie tr;                   /* literals of three bytes or more */
    table t2;                  /* two-byte literals */
    size_t n2;
    unsigned char k2[4][2];    /* with at most four of them, their bytes (folded; unused
                                  pairs repeat the last): the AVX2 scan finds them with SIMD
                                  instead of testing a bitmap at each word start */
    size_t nk2;
    link *chain;               /* chain entries */
    size_t nchain, chaincap;
    unsigned char *bytes;      /* every literal's folded bytes, one after another */
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

/* The slot of edge key k, or the empty slot where it would go. */
static size_t edge_slot(const trie *t, uint64_t k)
{
    size_t i = (size_t)((k * 0x9E3779B97F4A7C15ull) >> t->shift);
    while (t->e[i].key && t->e[i].key != k)
        i = (i + 1) & (t->cap - 1);
    return i;
}

/* Room for n edges (and n + 1 nodes). */
static int trie_init(trie *t, size_t n)
{
    unsigned bits = 4;
    while (((size_t)1 << bits) < n * 2)
        bits++;
    t->cap = (size_t)1 << bits;
    t->shift = 64 - bits;
    t->nodecap = n + 1;
    if (t->nodecap >= KIDS)
        return -1;
    t->e = tt_calloc(t->cap, sizeof *t->e);
    t->slot = tt_malloc(t->nodecap * sizeof *t->slot);
    if (!t->e || !t->slot)
        return -1;
    t->nnodes = 1;
    return 0;
}

/* Moves the edges to a table sized for them: trie_init sized it for as many edges as the
 * literals have steps, most of which they share ("secu" once for forty literals), and a
 * lookup that misses the cache costs more than a few more probes.  Returns -1 on out of
 * memory (the trie is left as it was). */
static int trie_fit(trie *t)
{
    size_t n = t->nnodes - 1, cap = 16, i;
    unsigned bits = 4;
    edge *e;
    while (cap < n + n / TRIE_SLACK) {
        cap *= 2;
        bits++;
    }
    if (cap >= t->cap)
        return 0;
    if (!(e = tt_calloc(cap, sizeof *e)))
        return -1;
    for (i = 0; i < t->cap; i++) {
        size_t j;
        if (!t->e[i].key)
            continue;
        j = (size_t)((t->e[i].key * 0x9E3779B97F4A7C15ull) >> (64 - bits));
        while (e[j].key)
            j = (j + 1) & (cap - 1);
        e[j] = t->e[i];
        t->slot[t->e[i].to & ~KIDS] = (uint32_t)j;
    }
    tt_free(t->e);
    t->e = e;
    t->cap = cap;
    t->shift = 64 - bits;
    return 0;
}

static void trie_release(trie *t)
{
    tt_free(t->e);
    tt_free(t->slot);
}

void tt_prefilter_free(tt_prefilter *pf)
{
    if (!pf)
        return;
    tt_free(pf->bytes);
    tt_free(pf->lits);
    tt_free(pf->pats);
    tt_free(pf->always);
    trie_release(&pf->tr);
    table_release(&pf->t2);
    tt_free(pf->chain);
    tt_free(pf);
}

static int chain_init(tt_prefilter *pf, size_t n)
{
    pf->chaincap = n + 1;
    pf->chain = tt_malloc(pf->chaincap * sizeof *pf->chain);
    return pf->chain ? 0 : -1;
}

/* Adds chain entry for literal l in front of chain *head. */
static int add_link(tt_prefilter *pf, uint32_t *head, uint32_t l)
{
    const literal *lit = &pf->lits[l];
    link *k;
    if (pf->nchain == pf->chaincap)
        return -1;
    k = &pf->chain[pf->nchain];
    k->next = *head;
    k->lit = l;
    k->s = (uint32_t)(lit->s - pf->bytes);
    k->len = (uint32_t)lit->len;
    k->off = lit->off;
    k->inner = lit->inner;
    *head = (uint32_t)pf->nchain++;
    return 0;
}

/* Adds byte c to the set b[0 .. *n) of at most four bytes; *n counts on past four. */
static void add_byte(unsigned char *b, size_t *n, unsigned char c)
{
    size_t k;
    for (k = 0; k < *n && k < 4; k++)
        if (b[k] == c)
            return;
    if (*n < 4)
        b[*n] = c;
    (*n)++;
}

/* The node below edge (node, chunk), made if it is new; UINT32_MAX when the trie is full
 * (which its sizing rules out). */
static uint32_t trie_child(tt_prefilter *pf, uint32_t node, uint32_t chunk)
{
    trie *t = &pf->tr;
    uint64_t k = (uint64_t)node << 32 | chunk;
    size_t at = edge_slot(t, k);
    if (!t->e[at].key) {
        uint32_t h = HASHT(k);
        if (t->nnodes == t->nodecap)
            return UINT32_MAX;
        t->e[at].key = k;
        t->e[at].to = (uint32_t)t->nnodes;
        t->e[at].ends = UINT32_MAX;
        t->slot[t->nnodes++] = (uint32_t)at;
        if (node) {
            t->e[t->slot[node]].to |= KIDS;
            pf->bmt[h / 64] |= 1ull << (h % 64);
        }
    }
    return t->e[at].to & ~KIDS;
}

/* The edges literal l takes in the trie (enter). */
static size_t trie_edges(const literal *l)
{
    return l->len - l->off == 3 ? 128 : 1 + (l->len - l->off - 4) / 4;
}

/* Adds literal l to the trie under key, its first four bytes from l->off (for a three-byte
 * literal, its three and one fourth byte); a node's chain keeps the entry order. */
static int enter(tt_prefilter *pf, uint32_t key, uint32_t l)
{
    const literal *lit = &pf->lits[l];
    size_t d;
    uint32_t h = HASH(key), node = trie_child(pf, 0, key);
    for (d = 4; node != UINT32_MAX && lit->len >= lit->off + d + 4; d += 4)
        node = trie_child(pf, node, (uint32_t)key_of(lit->s + lit->off + d, 4));
    if (node == UINT32_MAX || add_link(pf, &pf->tr.e[pf->tr.slot[node]].ends, l))
        return -1;
    pf->bm4[h / 64] |= 1ull << (h % 64);
    pf->nwkeys += !(tt_is_word(key & 0xFF) || (key & 0xFF) == 0x7F);
    add_byte(pf->kfirst, &pf->nkfirst, (unsigned char)(key & 0xFF));
    if (pf->lits[l].inner)
        pf->bm4i[h / 64] |= 1ull << (h % 64);
    return 0;
}

/* Adds the two-byte literal l. */
static int enter2(tt_prefilter *pf, uint32_t key, uint32_t l)
{
    size_t at = table_slot(&pf->t2, key);
    if (add_link(pf, &pf->t2.head[at], l))
        return -1;
    if (pf->nk2 < 4) {
        size_t k;
        for (k = pf->nk2; k < 4; k++) {   /* the pairs left repeat it */
            pf->k2[k][0] = (unsigned char)(key & 0xFF);
            pf->k2[k][1] = (unsigned char)(key >> 8);
        }
        pf->nk2++;
    }
    pf->t2.keys[at] = key;
    pf->t2.used[at] = 1;
    pf->nwkeys += !(tt_is_word(key & 0xFF) || (key & 0xFF) == 0x7F);
    add_byte(pf->kfirst, &pf->nkfirst, (unsigned char)(key & 0xFF));
    pf->bm2[key / 64] |= 1ull << (key % 64);
    return 0;
}

/* Whether the folded s[0..n) is an English function word, which most sentences hold. */
static int common_word(const unsigned char *s, size_t n)
{
    static const char *const w[] = {"the", "a", "an", "of", "and", "or", "to", "in", "on",
                                    "at", "for", "with", "by", "from", "as", "is", "was",
                                    "are", "were", "be", "has", "had", "have", "it", "its",
                                    "that", "this", "said", "two", "new", "not", "but", "after",
                                    "other", "over", "into", "s"};
    size_t k;
    for (k = 0; n <= 5 && k < sizeof w / sizeof *w; k++)
        if (w[k][0] == s[0] && strlen(w[k]) == n && !memcmp(s, w[k], n))
            return 1;
    return 0;
}

/* Where literal l (four bytes or more) is keyed: at its start, or at a word of it that follows
 * a byte that is no word byte ("the meeting" at "meet", "the war" at "war", " vow" at "vow"),
 * whichever is least common: a key that begins with a function word ("the ", " and") or with
 * a space would be looked up at a good part of all words, and a key that begins with a byte
 * that is no word byte makes the scan look at every such byte.  A key after a byte that is no
 * word byte lies at a word's start in the text too, where the scan looks (scan_body). */
static size_t key_offset(const literal *l)
{
    size_t o, best = 0;
    int bestp = 3;
    for (o = 0; o + 3 <= l->len; o++) {
        size_t a = o, b;
        int pen;
        if (o > 0 && (tt_is_word(l->s[o - 1]) || l->s[o - 1] == 0x7F))
            continue;
        while (a < l->len && !tt_is_word(l->s[a]))
            a++;
        for (b = a; b < l->len && tt_is_word(l->s[b]); b++)
            ;
        pen = a > o ? 1 : 0;                         /* a space or a mark first */
        if (a < l->len && common_word(l->s + a, b - a))
            pen = 2;
        if (pen < bestp) {
            bestp = pen;
            best = o;
        }
    }
    return best;
}

typedef struct entry {
    unsigned char *s;          /* folded copy */
    size_t len;
    uint32_t pattern;
    unsigned char ctx;
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

tt_prefilter *tt_prefilter_new(char *const *const *lits, size_t *const *lens,
                               const unsigned char *const *ctx, const size_t *nlits,
                               size_t npatterns)
{
    tt_prefilter *pf = tt_calloc(1, sizeof *pf);
    entry *e = NULL;
    size_t p, i, j, total = 0, ne = 0, nedges = 0, nbytes = 0;
    if (!pf)
        return NULL;
    pf->npatterns = npatterns;
    tt_prefilter_set_avx2(pf, 1);
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
            x->ctx = (unsigned char)(ctx && ctx[p] ? ctx[p][i] : TT_LIT_CTX_ANY);
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
            l->s = e[i].s;          /* until the copy into pf->bytes below */
            l->len = e[i].len;
            l->pat_first = i;       /* pats[] is filled in entry order */
            l->ctx = e[i].ctx;
            if (l->len == 2)
                pf->n2++;
        } else {
            l = &pf->lits[pf->nlits - 1];
            l->ctx |= e[i].ctx;
            if (e[i].pattern == e[i - 1].pattern)
                continue;           /* the same pattern twice */
        }
        pf->pats[l->pat_first + l->npats++] = e[i].pattern;
    }
    /* one block of bytes: a chain's literals are compared near each other */
    for (j = 0; j < pf->nlits; j++)
        nbytes += pf->lits[j].len;
    if (nbytes > UINT32_MAX || !(pf->bytes = tt_malloc(nbytes + 1)))
        goto fail;
    for (j = 0, nbytes = 0; j < pf->nlits; j++) {
        memcpy(pf->bytes + nbytes, pf->lits[j].s, pf->lits[j].len);
        pf->lits[j].s = pf->bytes + nbytes;
        nbytes += pf->lits[j].len;
    }
    for (j = 0; j < pf->nlits; j++) {
        literal *l = &pf->lits[j];
        /* folded, '_' reads 0x7F: a word byte too */
        l->inner = (tt_is_word(l->s[0]) || l->s[0] == 0x7F) &&
                   (l->ctx & (TT_LIT_CTX(1, 0) | TT_LIT_CTX(1, 1)));
        pf->ninner += l->inner;
        if (l->len >= 4)
            l->off = (unsigned char)key_offset(l);
        if (l->inner && l->off == 0)   /* keyed at its start, inside a word */
            add_byte(pf->ifirst, &pf->nifirst, l->s[0]);
        if (l->len >= 3)
            nedges += trie_edges(l);
    }
    /* a three-byte literal is entered once per possible fourth byte (folded, so 128 keys at
     * most): the scan then needs one lookup per position */
    if (trie_init(&pf->tr, nedges) || table_init(&pf->t2, pf->n2) ||
        chain_init(pf, nedges + pf->n2))
        goto fail;
    for (j = pf->nlits; j-- > 0;) {
        literal *l = &pf->lits[j];
        uint32_t key = (uint32_t)key_of(l->s + l->off, l->len - l->off < 4 ? l->len - l->off : 4);
        if (l->len == 2) {
            if (enter2(pf, key, (uint32_t)j))
                goto fail;
            continue;
        }
        if (l->len - l->off >= 4) {
            if (enter(pf, key, (uint32_t)j))
                goto fail;
            continue;
        }
        for (i = 0; i < 256; i++)
            if (fold((unsigned char)i) == i && enter(pf, key | (uint32_t)i << 24, (uint32_t)j))
                goto fail;
    }
    if (trie_fit(&pf->tr))
        goto fail;
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

/* The scan state of one document: where hits go. */
typedef struct scan {
    const tt_prefilter *pf;
    const unsigned char *text;
    size_t len;
    tt_pf_hit **hits;
    size_t *n, *cap;
} scan;

/* Appends a hit for every literal of chain e that occurs at text[i], whose first `from` bytes
 * are known to match; inside: text[i] is inside a word, where only inner literals count. */
static int walk(const scan *sc, uint32_t e, size_t from, size_t i, int inside)
{
    const tt_prefilter *pf = sc->pf;
    for (; e != UINT32_MAX; e = pf->chain[e].next) {
        const link *lit = &pf->chain[e];
        const unsigned char *s = pf->bytes + lit->s;
        size_t k, st = i - lit->off;
        if (i < lit->off || st + lit->len > sc->len || (inside && !lit->inner))
            continue;
        /* keyed inside: its start may be inside a word, where it counts only if inner */
        if (lit->off && !lit->inner && st > 0 && tt_is_word(sc->text[st - 1]) &&
            tt_is_word(sc->text[st]))
            continue;
        for (k = 0; k < lit->off; k++)
            if (fold(sc->text[st + k]) != s[k])
                break;
        if (k < lit->off)
            continue;
        for (k = lit->off + from; k < lit->len; k++)
            if (fold(sc->text[st + k]) != s[k])
                break;
        if (k < lit->len)
            continue;
        if (*sc->n == *sc->cap && tt_grow(sc->hits, sc->cap, *sc->n + 1, sizeof **sc->hits))
            return -1;
        (*sc->hits)[*sc->n].end = st + lit->len;
        (*sc->hits)[*sc->n].state = lit->lit;
        (*sc->hits)[*sc->n].len = lit->len;
        (*sc->n)++;
    }
    return 0;
}

/* Appends a hit for every literal keyed at text[i], whose key (four folded bytes) is key:
 * down the trie four bytes at a time, the literals that end below each node compared. */
static int verify(const scan *sc, uint32_t key, size_t i, int inside)
{
    const trie *t = &sc->pf->tr;
    const edge *ed = &t->e[edge_slot(t, key)];
    size_t d;
    if (!ed->key)
        return 0;
    for (d = 4;; d += 4) {
        uint32_t w, h;
        uint64_t k;
        if (ed->ends != UINT32_MAX && walk(sc, ed->ends, d, i, inside))
            return -1;
        if (!(ed->to & KIDS) || i + d + 4 > sc->len)
            return 0;
        memcpy(&w, sc->text + i + d, 4);
        k = (uint64_t)(ed->to & ~KIDS) << 32 | (load_order(w) | 0x20202020u);
        h = HASHT(k);
        if (!((sc->pf->bmt[h / 64] >> (h % 64)) & 1))
            return 0;
        ed = &t->e[edge_slot(t, k)];
        if (!ed->key)
            return 0;
    }
}

static int check2(const scan *sc, uint32_t k, size_t i, int inside);

/* Checks position i, whose next four bytes, folded, are w: every literal, or when the
 * position is inside a word (a word byte before it and at it) the inner ones only. */
static int check_at(const scan *sc, uint32_t w, size_t i, int inside)
{
    const tt_prefilter *pf = sc->pf;
    const uint64_t *bm = inside ? pf->bm4i : pf->bm4;
    uint32_t h = HASH(w), k = w & 0xFFFF;
    if (((bm[h / 64] >> (h % 64)) & 1) && verify(sc, w, i, inside))
        return -1;
    return pf->n2 ? check2(sc, k, i, inside) : 0;
}

#ifdef __SSE2__
/* The word bytes of the 16 bytes v, a bit each (ASCII letters, digits, '_'); lo: v | 0x20. */
static unsigned word_mask(__m128i v, __m128i lo)
{
    __m128i alpha = _mm_and_si128(_mm_cmpgt_epi8(lo, _mm_set1_epi8('a' - 1)),
                                  _mm_cmplt_epi8(lo, _mm_set1_epi8('z' + 1)));
    __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)),
                                  _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1)));
    __m128i under = _mm_cmpeq_epi8(v, _mm_set1_epi8('_'));
    return (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(alpha, digit), under));
}
#endif

/* Looks up the two-byte literals at position i (k: its two folded bytes). */
static int check2(const scan *sc, uint32_t k, size_t i, int inside)
{
    const tt_prefilter *pf = sc->pf;
    size_t slot;
    if (!((pf->bm2[k / 64] >> (k % 64)) & 1))
        return 0;
    slot = table_slot(&pf->t2, k);
    return pf->t2.used[slot] ? walk(sc, pf->t2.head[slot], 2, i, inside) : 0;
}

/* Whether position i of text is inside a word: a word byte before it and at it. */
static int inside_word(const unsigned char *text, size_t i)
{
    return i > 0 && tt_is_word(text[i - 1]) && tt_is_word(text[i]);
}

/* scan_body when literals that can match inside a word begin with more than four bytes:
 * every position, the bitmaps first (inside a word, a key must also be an inner literal's). */
static int scan_all(const scan *sc, size_t end)
{
    const tt_prefilter *pf = sc->pf;
    const unsigned char *text = sc->text;
    size_t i;
    uint32_t w, h, k;
    for (i = 0; i < end; i++) {
        int in;
        memcpy(&w, text + i, 4);
        w = load_order(w) | 0x20202020u;
        h = HASH(w);
        k = w & 0xFFFF;
        if (((pf->bm4[h / 64] >> (h % 64)) & 1) &&
            (!(in = inside_word(text, i)) || ((pf->bm4i[h / 64] >> (h % 64)) & 1)) &&
            verify(sc, w, i, in))
            return -1;
        if (pf->n2 && ((pf->bm2[k / 64] >> (k % 64)) & 1) &&
            check2(sc, k, i, inside_word(text, i)))
            return -1;
    }
    return 0;
}

#ifdef __SSE2__
/* The sixteen-byte blocks of scan_body from *at up to end; *at: where they stop, *prev:
 * whether the byte before it is a word byte (in and out).  nf: pf->nifirst; nk: pf->nkfirst
 * when at most four (only positions at those bytes are looked up), else 0; two: pf->n2 > 0.
 * nf and nk are 0 in the common case, where the call is inlined with constants and the loop
 * keeps no trace of what they or a two-byte test would cost. */
static inline int scan_blocks(const scan *sc, size_t end, size_t nf, size_t nk, int two,
                              size_t *at, uint32_t *prev)
{
    const tt_prefilter *pf = sc->pf;
    const unsigned char *text = sc->text;
    size_t i = *at, k;
    uint32_t w, h;
    unsigned carry = *prev, nw = pf->nwkeys ? 0xFFFFu : 0;
    __m128i f[sizeof pf->ifirst], g[sizeof pf->kfirst];
    for (k = 0; k < nf; k++)
        f[k] = _mm_set1_epi8((char)pf->ifirst[k]);
    for (k = 0; k < nk; k++)
        g[k] = _mm_set1_epi8((char)pf->kfirst[k]);
    for (; i + 16 <= end; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(text + i));
        __m128i lo = _mm_or_si128(v, _mm_set1_epi8(0x20));
        unsigned m, after, in = 0, todo, keys = 0xFFFF;
        if (nk) {   /* few keys: at their first bytes only (most blocks hold none) */
            __m128i eq = _mm_cmpeq_epi8(lo, g[0]);
            for (k = 1; k < nk; k++)
                eq = _mm_or_si128(eq, _mm_cmpeq_epi8(lo, g[k]));
            if (!(keys = (unsigned)_mm_movemask_epi8(eq))) {
                carry = (unsigned)tt_is_word(text[i + 15]);
                continue;
            }
        }
        m = word_mask(v, lo);
        after = (m << 1) | carry;
        todo = (m & ~after) | (~m & nw);
        carry = m >> 15;
        if (nf) {   /* inside a word, at an inner literal's first byte */
            __m128i eq = _mm_cmpeq_epi8(lo, f[0]);
            for (k = 1; k < nf; k++)
                eq = _mm_or_si128(eq, _mm_cmpeq_epi8(lo, f[k]));
            in = (unsigned)_mm_movemask_epi8(eq) & m & after;
            todo |= in;
        }
        todo &= keys;
        while (todo) {
            unsigned b = (unsigned)__builtin_ctz(todo);
            size_t pos = i + b;
            int inside = (in >> b) & 1;
            todo &= todo - 1;
            memcpy(&w, text + pos, 4);
            w = load_order(w) | 0x20202020u;
            h = HASH(w);
            if ((((inside ? pf->bm4i : pf->bm4)[h / 64] >> (h % 64)) & 1) &&
                verify(sc, w, pos, inside))
                return -1;
            if (two && ((pf->bm2[(w & 0xFFFF) / 64] >> (w % 64)) & 1) &&
                check2(sc, w & 0xFFFF, pos, inside))
                return -1;
        }
    }
    *prev = carry;
    *at = i;
    return 0;
}
#endif

#if defined(__SSE2__) && defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
#define HAVE_AVX2_SCAN 1
/* scan_blocks without inner literals or few keys, 32 bytes at a time (the CPU has AVX2):
 * half the mask work per byte of the sixteen-byte loop.  two: 0 without two-byte literals, 1
 * with their bitmap tested at every word start, 2 with at most four of them, found by SIMD
 * in the block (pf->k2: a test per block instead of one per word start). */
static inline __attribute__((always_inline, target("avx2"))) int
scan_blocks_avx2(const scan *sc, size_t end, int two, size_t *at, uint32_t *prev)
{
    const tt_prefilter *pf = sc->pf;
    const unsigned char *text = sc->text;
    size_t i = *at;
    uint32_t w, h, carry = *prev, nw = pf->nwkeys ? 0xFFFFFFFFu : 0;
    const __m256i sp = _mm256_set1_epi8(0x20), a1 = _mm256_set1_epi8('a' - 1),
                  z1 = _mm256_set1_epi8('z' + 1), d0 = _mm256_set1_epi8('0' - 1),
                  d9 = _mm256_set1_epi8('9' + 1), us = _mm256_set1_epi8('_'),
                  p0 = _mm256_set1_epi8((char)pf->k2[0][0]),
                  q0 = _mm256_set1_epi8((char)pf->k2[0][1]),
                  p1 = _mm256_set1_epi8((char)pf->k2[1][0]),
                  q1 = _mm256_set1_epi8((char)pf->k2[1][1]),
                  p2 = _mm256_set1_epi8((char)pf->k2[2][0]),
                  q2 = _mm256_set1_epi8((char)pf->k2[2][1]),
                  p3 = _mm256_set1_epi8((char)pf->k2[3][0]),
                  q3 = _mm256_set1_epi8((char)pf->k2[3][1]);
    for (; i + 32 <= end; i += 32) {
        __m256i v = _mm256_loadu_si256((const __m256i *)(const void *)(text + i));
        __m256i lo = _mm256_or_si256(v, sp);
        __m256i alpha = _mm256_and_si256(_mm256_cmpgt_epi8(lo, a1), _mm256_cmpgt_epi8(z1, lo));
        __m256i digit = _mm256_and_si256(_mm256_cmpgt_epi8(v, d0), _mm256_cmpgt_epi8(d9, v));
        uint32_t m = (uint32_t)_mm256_movemask_epi8(
            _mm256_or_si256(_mm256_or_si256(alpha, digit), _mm256_cmpeq_epi8(v, us)));
        uint32_t todo = (m & ~((m << 1) | carry)) | (~m & nw), pairs = 0;
        carry = m >> 31;
        if (two == 2) {   /* the bytes at i + 1 .. i + 32: four readable at each < end */
            __m256i lo1 = _mm256_or_si256(
                _mm256_loadu_si256((const __m256i *)(const void *)(text + i + 1)), sp);
            __m256i e = _mm256_or_si256(
                _mm256_or_si256(
                    _mm256_and_si256(_mm256_cmpeq_epi8(lo, p0), _mm256_cmpeq_epi8(lo1, q0)),
                    _mm256_and_si256(_mm256_cmpeq_epi8(lo, p1), _mm256_cmpeq_epi8(lo1, q1))),
                _mm256_or_si256(
                    _mm256_and_si256(_mm256_cmpeq_epi8(lo, p2), _mm256_cmpeq_epi8(lo1, q2)),
                    _mm256_and_si256(_mm256_cmpeq_epi8(lo, p3), _mm256_cmpeq_epi8(lo1, q3))));
            pairs = (uint32_t)_mm256_movemask_epi8(e) & todo;
        }
        while (todo) {
            size_t pos = i + (unsigned)__builtin_ctz(todo);
            todo &= todo - 1;
            memcpy(&w, text + pos, 4);
            w = load_order(w) | 0x20202020u;
            h = HASH(w);
            if (((pf->bm4[h / 64] >> (h % 64)) & 1) && verify(sc, w, pos, 0))
                return -1;
            if (two == 1 && ((pf->bm2[(w & 0xFFFF) / 64] >> (w % 64)) & 1) &&
                check2(sc, w & 0xFFFF, pos, 0))
                return -1;
        }
        while (pairs) {
            size_t pos = i + (unsigned)__builtin_ctz(pairs);
            pairs &= pairs - 1;
            memcpy(&w, text + pos, 4);
            if (check2(sc, (load_order(w) | 0x20202020u) & 0xFFFF, pos, 0))
                return -1;
        }
    }
    *prev = carry;
    *at = i;
    return 0;
}

__attribute__((target("avx2"))) static int scan_avx2_none(const scan *sc, size_t end,
                                                          size_t *at, uint32_t *prev)
{
    return scan_blocks_avx2(sc, end, 0, at, prev);
}

__attribute__((target("avx2"))) static int scan_avx2_bitmap(const scan *sc, size_t end,
                                                            size_t *at, uint32_t *prev)
{
    return scan_blocks_avx2(sc, end, 1, at, prev);
}

__attribute__((target("avx2"))) static int scan_avx2_pairs(const scan *sc, size_t end,
                                                           size_t *at, uint32_t *prev)
{
    return scan_blocks_avx2(sc, end, 2, at, prev);
}
#endif

/* The positions [0, end) of the text (four bytes readable at each).  A key's first byte is a
 * word byte or not, and a literal keyed inside itself follows a byte that is no word byte
 * (key_offset), so a key can only start where a word begins, at a byte that is no word byte
 * when some key begins with one, or inside a word at the first byte of an inner literal
 * keyed at its start (none in most rulesets, the shipped ones included).  Sixteen bytes at a
 * time (32 with AVX2), SIMD finds the word bytes and those first bytes, and only those
 * positions are looked up: about one in six of the text's, and a few more per inner first
 * byte. */
static int scan_body(const scan *sc, size_t end)
{
    const tt_prefilter *pf = sc->pf;
    const unsigned char *text = sc->text;
    size_t i = 0;
    uint32_t w, prev = 0;   /* the byte before position i is a word byte */
    if (pf->nifirst > sizeof pf->ifirst)
        return scan_all(sc, end);
#ifdef __SSE2__
    if (pf->nifirst || pf->nkfirst <= sizeof pf->kfirst) {
        if (scan_blocks(sc, end, pf->nifirst,
                        pf->nkfirst <= sizeof pf->kfirst ? pf->nkfirst : 0, pf->n2 > 0, &i,
                        &prev))
            return -1;
    } else {
#ifdef HAVE_AVX2_SCAN
        if (pf->avx2 && (!pf->n2       ? scan_avx2_none(sc, end, &i, &prev)
                         : pf->n2 <= 4 ? scan_avx2_pairs(sc, end, &i, &prev)
                                       : scan_avx2_bitmap(sc, end, &i, &prev)))
            return -1;
#endif
        if (pf->n2 ? scan_blocks(sc, end, 0, 0, 1, &i, &prev)
                   : scan_blocks(sc, end, 0, 0, 0, &i, &prev))
            return -1;
    }
#endif
    for (; i < end; i++) {
        uint32_t cur = (uint32_t)tt_is_word(text[i]);
        memcpy(&w, text + i, 4);
        if (((cur && (!prev || pf->ninner)) || (!cur && pf->nwkeys)) &&
            check_at(sc, load_order(w) | 0x20202020u, i, cur && prev))
            return -1;
        prev = cur;
    }
    return 0;
}

int tt_prefilter_scan(const tt_prefilter *pf, const unsigned char *text, size_t len,
                      tt_pf_hit **hits, size_t *nhits, size_t *cap)
{
    size_t i = len >= 4 ? len - 3 : 0, n = 0;
    unsigned char tail[8];
    scan sc;
    *nhits = 0;
    if (pf->nfiltered == 0)
        return 0;
    sc.pf = pf;
    sc.text = text;
    sc.len = len;
    sc.hits = hits;
    sc.n = &n;
    sc.cap = cap;
    if (scan_body(&sc, i))
        return -1;
    for (; i < len; i++) {
        /* the last bytes, padded with NULs (spaces once folded): a hit still needs the whole
         * literal inside the text, which verify() checks */
        uint32_t w;
        int cur = tt_is_word(text[i]), inside = i > 0 && tt_is_word(text[i - 1]) && cur;
        memset(tail, 0, sizeof tail);
        memcpy(tail, text + i, len - i);
        memcpy(&w, tail, 4);
        if (((cur && (!inside || pf->ninner)) || (!cur && pf->nwkeys)) &&
            check_at(&sc, load_order(w) | 0x20202020u, i, inside))
            return -1;
    }
    /* The scan finds hits by the position of their key (their start, or a word inside them:
     * key_offset); callers walk them by end (tag_sentences stops at the first hit past a
     * sentence end), and of hits that end together the one that starts first comes first.
     * Literals are short (at most 16 bytes, a literal set's strings at most
     * TT_LITPAT_MAX_LEN), so each hit moves back only past the few hits that end later or
     * start earlier: insertion sort. */
    for (i = 1; i < n; i++) {
        tt_pf_hit x = (*hits)[i];
        size_t m = i;
        while (m > 0 && ((*hits)[m - 1].end > x.end ||
                         ((*hits)[m - 1].end == x.end && (*hits)[m - 1].len < x.len))) {
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

unsigned tt_prefilter_contexts(const tt_prefilter *pf, uint32_t state)
{
    return pf->lits[state].ctx;
}

size_t tt_prefilter_nliterals(const tt_prefilter *pf) { return pf->nlits; }

int tt_prefilter_set_avx2(tt_prefilter *pf, int on)
{
#ifdef HAVE_AVX2_SCAN
    pf->avx2 = on && __builtin_cpu_supports("avx2");
#else
    (void)on;
    pf->avx2 = 0;
#endif
    return pf->avx2;
}

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
