/* prefilter.c - Aho-Corasick automaton as a full DFA over byte classes.
 *
 * ASCII letters are folded by the class table itself (A and a share a class), so the text is
 * never copied.  States are numbered so that every state with an output comes after all states
 * without, and transitions hold premultiplied row offsets: the hot loop is one table load per
 * byte and one compare. */
#include "prefilter.h"

#include <stdint.h>
#include <string.h>

#include "alloc.h"

struct tt_prefilter {
    unsigned char cls[256];
    size_t nclasses;
    size_t nstates;
    uint32_t *delta;           /* [state * nclasses + class] -> next state * nclasses */
    uint32_t first_out;        /* premultiplied: rows >= first_out have outputs */
    size_t *out_first;         /* per state (renumbered): its patterns out_pats[first..first+n) */
    size_t *out_n;
    uint32_t *out_pats;
    size_t npatterns;
    unsigned char *always;     /* patterns without literals */
    size_t nfiltered;          /* patterns with literals */
};

typedef struct trie {
    uint32_t *next;            /* [state * nclasses + class], 0 = none (root is never a target) */
    uint32_t *fail;
    uint32_t **pats;           /* per state: pattern list */
    size_t *npats, *patcap;
    size_t n, cap, ncls;
} trie;

static int trie_add_state(trie *t)
{
    size_t old = t->cap;
    if (t->n == t->cap) {
        size_t nc = t->cap ? t->cap * 2 : 256;
        uint32_t *nx = tt_realloc(t->next, nc * t->ncls * sizeof *nx);
        if (!nx)
            return -1;
        t->next = nx;
        memset(t->next + old * t->ncls, 0, (nc - old) * t->ncls * sizeof *nx);
        if (!(nx = tt_realloc(t->fail, nc * sizeof *nx)))
            return -1;
        t->fail = nx;
        {
            uint32_t **np = tt_realloc(t->pats, nc * sizeof *np);
            size_t *nn, *pc;
            if (!np)
                return -1;
            t->pats = np;
            if (!(nn = tt_realloc(t->npats, nc * sizeof *nn)))
                return -1;
            t->npats = nn;
            if (!(pc = tt_realloc(t->patcap, nc * sizeof *pc)))
                return -1;
            t->patcap = pc;
        }
        t->cap = nc;
    }
    t->fail[t->n] = 0;
    t->pats[t->n] = NULL;
    t->npats[t->n] = 0;
    t->patcap[t->n] = 0;
    return (int)t->n++ >= 0 ? 0 : -1;
}

static int add_pat(trie *t, size_t st, uint32_t p)
{
    size_t i;
    for (i = 0; i < t->npats[st]; i++)
        if (t->pats[st][i] == p)
            return 0;
    if (tt_grow(&t->pats[st], &t->patcap[st], t->npats[st] + 1, sizeof **t->pats))
        return -1;
    t->pats[st][t->npats[st]++] = p;
    return 0;
}

static void trie_release(trie *t)
{
    size_t i;
    for (i = 0; i < t->n; i++)
        tt_free(t->pats[i]);
    tt_free(t->pats);
    tt_free(t->npats);
    tt_free(t->patcap);
    tt_free(t->next);
    tt_free(t->fail);
}

void tt_prefilter_free(tt_prefilter *pf)
{
    if (!pf)
        return;
    tt_free(pf->delta);
    tt_free(pf->out_first);
    tt_free(pf->out_n);
    tt_free(pf->out_pats);
    tt_free(pf->always);
    tt_free(pf);
}

static unsigned char fold(unsigned char c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

tt_prefilter *tt_prefilter_new(char *const *const *lits, size_t *const *lens, const size_t *nlits,
                               size_t npatterns)
{
    tt_prefilter *pf = tt_calloc(1, sizeof *pf);
    trie t;
    size_t p, i, j, c, head = 0, nout = 0, total = 0;
    uint32_t *queue = NULL, *order = NULL, *newid = NULL;
    memset(&t, 0, sizeof t);
    if (!pf)
        return NULL;
    pf->npatterns = npatterns;
    if (!(pf->always = tt_calloc(npatterns + 1, 1)))
        goto fail;
    /* byte classes: 0 = a byte in no literal */
    {
        unsigned char used[256] = {0};
        for (p = 0; p < npatterns; p++)
            for (i = 0; i < nlits[p]; i++)
                for (j = 0; j < lens[p][i]; j++)
                    used[fold((unsigned char)lits[p][i][j])] = 1;
        pf->nclasses = 1;
        for (c = 0; c < 256; c++)
            if (used[c] && !(c >= 'A' && c <= 'Z'))
                pf->cls[c] = (unsigned char)pf->nclasses++;
        for (c = 'A'; c <= 'Z'; c++)
            pf->cls[c] = pf->cls[c + 32];
        if (pf->nclasses > 255)
            goto fail;   /* cannot happen: at most 230 distinct folded bytes */
    }
    t.ncls = pf->nclasses;
    if (trie_add_state(&t))
        goto fail;
    for (p = 0; p < npatterns; p++) {
        if (nlits[p] == 0) {
            pf->always[p] = 1;
            continue;
        }
        pf->nfiltered++;
        for (i = 0; i < nlits[p]; i++) {
            size_t st = 0;
            for (j = 0; j < lens[p][i]; j++) {
                size_t k = st * t.ncls + pf->cls[(unsigned char)lits[p][i][j]];
                if (!t.next[k]) {
                    if (trie_add_state(&t))
                        goto fail;
                    t.next[st * t.ncls + pf->cls[(unsigned char)lits[p][i][j]]] =
                        (uint32_t)(t.n - 1);
                }
                st = t.next[st * t.ncls + pf->cls[(unsigned char)lits[p][i][j]]];
            }
            if (add_pat(&t, st, (uint32_t)p))
                goto fail;
        }
    }
    /* breadth-first: failure links, outputs along them, full DFA transitions */
    queue = tt_malloc(t.n * sizeof *queue);
    if (!queue)
        goto fail;
    {
        size_t tail = 0;
        for (c = 0; c < t.ncls; c++) {
            uint32_t s = t.next[c];
            if (s) {
                t.fail[s] = 0;
                queue[tail++] = s;
            }
        }
        while (head < tail) {
            uint32_t r = queue[head++];
            for (c = 0; c < t.ncls; c++) {
                uint32_t s = t.next[r * t.ncls + c];
                if (s) {
                    uint32_t f = t.fail[r];
                    queue[tail++] = s;
                    /* fail(s) = delta(fail(r), c): already complete for shallower states */
                    t.fail[s] = r == 0 ? 0 : t.next[f * t.ncls + c];
                    for (i = 0; i < t.npats[t.fail[s]]; i++)
                        if (add_pat(&t, s, t.pats[t.fail[s]][i]))
                            goto fail;
                } else {
                    t.next[r * t.ncls + c] = r == 0 ? 0 : t.next[t.fail[r] * t.ncls + c];
                }
            }
        }
    }
    /* renumber: states without outputs first */
    order = tt_malloc(t.n * sizeof *order);
    newid = tt_malloc(t.n * sizeof *newid);
    if (!order || !newid)
        goto fail;
    {
        size_t k = 0;
        for (i = 0; i < t.n; i++)
            if (!t.npats[i])
                order[k++] = (uint32_t)i;
        pf->first_out = (uint32_t)(k * t.ncls);
        for (i = 0; i < t.n; i++)
            if (t.npats[i]) {
                order[k++] = (uint32_t)i;
                total += t.npats[i];
            }
        for (i = 0; i < t.n; i++)
            newid[order[i]] = (uint32_t)i;
    }
    if ((uint64_t)t.n * t.ncls > 0xFFFFFFFFu)
        goto fail;
    pf->nstates = t.n;
    pf->delta = tt_malloc(t.n * t.ncls * sizeof *pf->delta);
    pf->out_first = tt_calloc(t.n, sizeof *pf->out_first);
    pf->out_n = tt_calloc(t.n, sizeof *pf->out_n);
    pf->out_pats = tt_malloc((total + 1) * sizeof *pf->out_pats);
    if (!pf->delta || !pf->out_first || !pf->out_n || !pf->out_pats)
        goto fail;
    for (i = 0; i < t.n; i++) {
        uint32_t ni = newid[i];
        for (c = 0; c < t.ncls; c++)
            pf->delta[ni * t.ncls + c] = newid[t.next[i * t.ncls + c]] * (uint32_t)t.ncls;
        pf->out_first[ni] = nout;
        pf->out_n[ni] = t.npats[i];
        for (j = 0; j < t.npats[i]; j++)
            pf->out_pats[nout++] = t.pats[i][j];
    }
    /* the root must be state 0 for the scan to start there */
    if (newid[0] != 0) {
        /* the root never has outputs (no empty literals), so it is among the first: swap */
        goto fail;
    }
    tt_free(queue);
    tt_free(order);
    tt_free(newid);
    trie_release(&t);
    return pf;
fail:
    tt_free(queue);
    tt_free(order);
    tt_free(newid);
    trie_release(&t);
    tt_prefilter_free(pf);
    return NULL;
}

size_t tt_prefilter_states(const tt_prefilter *pf) { return pf->nstates; }

int tt_prefilter_scan(const tt_prefilter *pf, const unsigned char *text, size_t len,
                      tt_pf_hit **hits, size_t *nhits, size_t *cap)
{
    const uint32_t *delta = pf->delta;
    const unsigned char *cls = pf->cls;
    const uint32_t first_out = pf->first_out;
    size_t i, n = 0;
    uint32_t s = 0;
    *nhits = 0;
    if (pf->nfiltered == 0)
        return 0;
    for (i = 0; i < len; i++) {
        s = delta[s + cls[text[i]]];
        if (s >= first_out) {
            if (n == *cap && tt_grow(hits, cap, n + 1, sizeof **hits))
                return -1;
            (*hits)[n].end = i + 1;
            (*hits)[n].state = s / (uint32_t)pf->nclasses;
            n++;
        }
    }
    *nhits = n;
    return 0;
}

const uint32_t *tt_prefilter_patterns(const tt_prefilter *pf, uint32_t state, size_t *n)
{
    *n = pf->out_n[state];
    return pf->out_pats + pf->out_first[state];
}

int tt_prefilter_always(const tt_prefilter *pf, size_t p) { return pf->always[p]; }
