/* litpat.c - patterns that are literal sets (see litpat.h).
 *
 * The parser accepts a small part of PCRE2's syntax, the part whose matches are a finite,
 * ordered list of strings: literal characters, escaped punctuation, groups ((?:...) and
 * capturing), '|', a greedy '?', classes of single characters and short ASCII ranges, \b, \B,
 * the two lookarounds a 'word: true' pattern is wrapped in, and a negative lookahead of such
 * strings (without markers) at the end of an alternative.  Anything else (other
 * quantifiers, '.', \w, anchors, other lookarounds, inline options, verbs) means "not a
 * literal set", so PCRE2 keeps deciding it.
 *
 * Multiplying out keeps PCRE2's order of preference: for A B, every string of A with every
 * string of B, A's choice varying slowest (the order backtracking tries them); X? is X, then
 * nothing.  Assertions are marker bytes inside the strings (UTF-8 never uses 0xF8-0xFB) and
 * become conditions on the characters before and after each string once it is complete. */
#include "litpat.h"

#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "ascii.h"

#define M_B 0xF8u    /* \b */
#define M_NB 0xF9u   /* \B */
#define M_NPW 0xFAu  /* (?<![A-Za-z0-9_]) */
#define M_NNW 0xFBu  /* (?![A-Za-z0-9_]) */
#define M_NLA 0xFCu  /* (?!...): the next byte is its index in parser.neg */
#define MAX_NEG 255  /* lookaheads per pattern (an index is one byte) */

#define NOT_SET 1    /* parse status: not a literal set */
#define NO_MEM -1

static const char NPW[] = "(?<![A-Za-z0-9_])";
static const char NNW[] = "(?![A-Za-z0-9_])";

typedef struct list {          /* an ordered list of strings (with markers) */
    tt_sbuf *v;
    size_t n, cap;
} list;

typedef struct parser {
    const unsigned char *p, *e;
    int caseless;
    size_t max;                /* the most strings a list may hold */
    int count_only;            /* a first pass: lists hold only their count (v stays NULL) */
    int status;                /* 0, NOT_SET or NO_MEM */
    struct list *neg;          /* the bodies of the negative lookaheads, in order */
    size_t nneg, negcap;
} parser;

static void list_free(list *l)
{
    size_t i;
    for (i = 0; l->v && i < l->n; i++)
        tt_free(l->v[i].s);
    tt_free(l->v);
    memset(l, 0, sizeof *l);
}

static int push(parser *ps, list *l, const void *s, size_t n)
{
    tt_sbuf *b;
    if (l->n >= ps->max) {
        ps->status = NOT_SET;
        return -1;
    }
    if (ps->count_only) {
        l->n++;
        return 0;
    }
    if (tt_grow(&l->v, &l->cap, l->n + 1, sizeof *l->v)) {
        ps->status = NO_MEM;
        return -1;
    }
    b = &l->v[l->n++];
    memset(b, 0, sizeof *b);
    tt_sb_add(b, "", 0);   /* an empty string is allocated too */
    tt_sb_add(b, s, n);
    if (b->nomem) {
        ps->status = NO_MEM;
        return -1;
    }
    return 0;
}

/* a := a then b, moving b's strings */
static int append(parser *ps, list *a, list *b)
{
    size_t i;
    if (a->n + b->n > ps->max) {
        ps->status = NOT_SET;
        return -1;
    }
    if (ps->count_only) {
        a->n += b->n;
        b->n = 0;
        return 0;
    }
    if (tt_grow(&a->v, &a->cap, a->n + b->n + 1, sizeof *a->v)) {
        ps->status = NO_MEM;
        return -1;
    }
    for (i = 0; i < b->n; i++)
        a->v[a->n++] = b->v[i];
    b->n = 0;
    list_free(b);
    return 0;
}

/* a := every string of a followed by every string of b, a's choice varying slowest */
static int product(parser *ps, list *a, const list *b)
{
    list r = {0};
    size_t i, j;
    if (a->n && b->n > ps->max / a->n) {
        ps->status = NOT_SET;
        return -1;
    }
    if (ps->count_only) {
        a->n *= b->n;
        return 0;
    }
    if (b->n == 1) {   /* one more character, most often: appended in place */
        for (i = 0; i < a->n; i++) {
            tt_sb_add(&a->v[i], b->v[0].s, b->v[0].len);
            if (a->v[i].nomem) {
                ps->status = NO_MEM;
                return -1;
            }
        }
        return 0;
    }
    for (i = 0; i < a->n; i++) {
        for (j = 0; j < b->n; j++) {
            if (push(ps, &r, a->v[i].s, a->v[i].len))
                goto fail;
            tt_sb_add(&r.v[r.n - 1], b->v[j].s, b->v[j].len);
            if (r.v[r.n - 1].nomem) {
                ps->status = NO_MEM;
                goto fail;
            }
        }
    }
    list_free(a);
    *a = r;
    return 0;
fail:
    list_free(&r);
    return -1;
}

/* One character at ps->p (a UTF-8 sequence), into buf; its length, or 0 (status set). */
static size_t character(parser *ps, unsigned char *buf)
{
    const unsigned char *p = ps->p;
    size_t n = 1, i;
    unsigned cp;
    if (*p < 0x80) {
        buf[0] = *p;
        ps->p++;
        return 1;
    }
    if (*p >= 0xF0)
        n = 4;
    else if (*p >= 0xE0)
        n = 3;
    else
        n = 2;
    if (*p < 0xC2 || *p > 0xF4 || (size_t)(ps->e - p) < n) {
        ps->status = NOT_SET;
        return 0;
    }
    cp = *p & (0x7Fu >> n);
    for (i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80) {
            ps->status = NOT_SET;
            return 0;
        }
        cp = cp << 6 | (p[i] & 0x3Fu);
    }
    /* caseless, PCRE2 folds non-ASCII letters too: only general punctuation (quotes, dashes),
     * which has no case, is taken */
    if (ps->caseless && (cp < 0x2000 || cp > 0x206F)) {
        ps->status = NOT_SET;
        return 0;
    }
    memcpy(buf, p, n);
    ps->p += n;
    return n;
}

/* An escaped character: \b, \B or punctuation; 0 when taken (into *out), -1 otherwise. */
static int escape(parser *ps, unsigned char *out, int in_class)
{
    unsigned c;
    if (ps->p + 1 >= ps->e) {
        ps->status = NOT_SET;
        return -1;
    }
    c = ps->p[1];
    ps->p += 2;
    if (!in_class && c == 'b')
        *out = M_B;
    else if (!in_class && c == 'B')
        *out = M_NB;
    else if (c < 0x80 && c >= ' ' && !tt_is_word(c))
        *out = (unsigned char)c;
    else {
        ps->status = NOT_SET;
        return -1;
    }
    return 0;
}

/* [...]: one string per character. */
static int char_class(parser *ps, list *out)
{
    unsigned char buf[4];
    size_t n;
    ps->p++;
    if (ps->p < ps->e && (*ps->p == '^' || *ps->p == ']')) {
        ps->status = NOT_SET;
        return -1;
    }
    while (ps->p < ps->e && *ps->p != ']') {
        unsigned lo;
        if (*ps->p == '[') {   /* [:alpha:] and friends */
            ps->status = NOT_SET;
            return -1;
        }
        if (*ps->p == '\\') {
            if (escape(ps, buf, 1))
                return -1;
            n = 1;
        } else if (!(n = character(ps, buf))) {
            return -1;
        }
        lo = buf[0];
        if (ps->p + 1 < ps->e && *ps->p == '-' && ps->p[1] != ']') {
            unsigned hi = ps->p[1], c;
            if (n != 1 || !tt_is_word(lo) || !tt_is_word(hi) || hi < lo || hi - lo > 25) {
                ps->status = NOT_SET;
                return -1;
            }
            ps->p += 2;
            for (c = lo; c <= hi; c++) {
                unsigned char b = (unsigned char)c;
                if (push(ps, out, &b, 1))
                    return -1;
            }
            continue;
        }
        if (push(ps, out, buf, n))
            return -1;
    }
    if (ps->p >= ps->e) {
        ps->status = NOT_SET;
        return -1;
    }
    ps->p++;
    return 0;
}

static int alternation(parser *ps, list *out);

static int starts(const parser *ps, const char *s)
{
    size_t n = strlen(s);
    return (size_t)(ps->e - ps->p) >= n && !memcmp(ps->p, s, n);
}

/* (?!...) at ps->p: its body, strings without markers, joins ps->neg, and out gets the
 * marker M_NLA and its index. */
static int lookahead(parser *ps, list *out)
{
    list body = {0};
    unsigned char m[2];
    size_t i, k;
    ps->p += 3;
    if (alternation(ps, &body))
        goto fail;
    if (ps->p >= ps->e || *ps->p != ')' || ps->nneg >= MAX_NEG) {
        ps->status = NOT_SET;
        goto fail;
    }
    ps->p++;
    for (i = 0; !ps->count_only && i < body.n; i++) {
        const unsigned char *s = (const unsigned char *)body.v[i].s;
        if (body.v[i].len == 0) {   /* (?!a?) never holds: no alternative with it matches */
            ps->status = NOT_SET;
            goto fail;
        }
        for (k = 0; k < body.v[i].len; k++)
            if (s[k] >= M_B) {
                ps->status = NOT_SET;
                goto fail;
            }
    }
    m[0] = M_NLA;
    m[1] = (unsigned char)ps->nneg;
    if (!ps->count_only) {
        if (tt_grow(&ps->neg, &ps->negcap, ps->nneg + 1, sizeof *ps->neg)) {
            ps->status = NO_MEM;
            goto fail;
        }
        ps->neg[ps->nneg] = body;
    } else {
        list_free(&body);
    }
    ps->nneg++;
    return push(ps, out, m, 2);
fail:
    list_free(&body);
    return -1;
}

/* One atom into out (a fresh list). */
static int atom(parser *ps, list *out)
{
    unsigned char buf[4];
    size_t n;
    switch (*ps->p) {
    case '(':
        if (starts(ps, NPW) || starts(ps, NNW)) {
            buf[0] = (unsigned char)(starts(ps, NPW) ? M_NPW : M_NNW);
            ps->p += starts(ps, NPW) ? sizeof NPW - 1 : sizeof NNW - 1;
            return push(ps, out, buf, 1);
        }
        if (starts(ps, "(?!"))
            return lookahead(ps, out);
        if (starts(ps, "(?:"))
            ps->p += 3;
        else if (starts(ps, "(?") || starts(ps, "(*")) {
            ps->status = NOT_SET;
            return -1;
        } else
            ps->p++;
        if (alternation(ps, out))
            return -1;
        if (ps->p >= ps->e || *ps->p != ')') {
            ps->status = NOT_SET;
            return -1;
        }
        ps->p++;
        return 0;
    case '[':
        return char_class(ps, out);
    case '\\':
        if (escape(ps, buf, 0))
            return -1;
        return push(ps, out, buf, 1);
    case '.': case '^': case '$': case '*': case '+': case '?': case '{': case ')': case '|':
        ps->status = NOT_SET;
        return -1;
    default:
        if (!(n = character(ps, buf)))
            return -1;
        return push(ps, out, buf, n);
    }
}

/* Whether c begins a plain character for atom() (its default case). */
static int plain(unsigned char c)
{
    return !strchr("([\\.^$*+?{)|", c) && c != 0;
}

/* After an atom of one string: the plain characters that follow it, as long as no quantifier
 * follows one, join that string, so that a word costs one product, not one per letter. */
static int plain_run(parser *ps, list *a)
{
    while (!ps->count_only && a->n == 1 && ps->p < ps->e && plain(*ps->p)) {
        const unsigned char *at = ps->p;
        unsigned char buf[4];
        size_t n = character(ps, buf);
        if (!n)
            return -1;
        if (ps->p < ps->e && (*ps->p == '?' || *ps->p == '*' || *ps->p == '+' || *ps->p == '{')) {
            ps->p = at;   /* the quantifier is that character's */
            break;
        }
        tt_sb_add(&a->v[0], buf, n);
        if (a->v[0].nomem) {
            ps->status = NO_MEM;
            return -1;
        }
    }
    return 0;
}

/* A sequence of atoms, each perhaps with a greedy '?', up to '|', ')' or the end. */
static int sequence(parser *ps, list *out)
{
    if (push(ps, out, "", 0))
        return -1;
    while (ps->p < ps->e && *ps->p != '|' && *ps->p != ')') {
        list a = {0};
        if (atom(ps, &a) || plain_run(ps, &a))
            goto fail;
        if (ps->p < ps->e && (*ps->p == '*' || *ps->p == '+' || *ps->p == '{')) {
            ps->status = NOT_SET;
            goto fail;
        }
        if (ps->p < ps->e && *ps->p == '?') {
            ps->p++;
            if (ps->p < ps->e && (*ps->p == '?' || *ps->p == '+')) {   /* lazy, possessive */
                ps->status = NOT_SET;
                goto fail;
            }
            if (push(ps, &a, "", 0))
                goto fail;
        }
        if (product(ps, out, &a))
            goto fail;
        list_free(&a);
        continue;
    fail:
        list_free(&a);
        return -1;
    }
    return 0;
}

static int alternation(parser *ps, list *out)
{
    if (sequence(ps, out))
        return -1;
    while (ps->p < ps->e && *ps->p == '|') {
        list b = {0};
        ps->p++;
        if (sequence(ps, &b) || append(ps, out, &b)) {
            list_free(&b);
            return -1;
        }
    }
    return 0;
}

/* Applies the condition of marker m at the start (edge 0) or end (edge 1) of a string whose
 * character there is c: narrows *need; 0, or -1 when the string can never match. */
static int edge(unsigned m, int at_end, unsigned c, unsigned char *need)
{
    int w = tt_is_word(c);
    unsigned char want;
    if (m == (at_end ? M_NPW : M_NNW))   /* a lookaround that looks inside the string */
        return w ? -1 : 0;
    if (m == M_NPW || m == M_NNW)
        want = TT_LP_NONWORD;
    else if (m == M_B)
        want = w ? TT_LP_NONWORD : TT_LP_WORD;
    else
        want = w ? TT_LP_WORD : TT_LP_NONWORD;
    if (*need != TT_LP_ANY && *need != want)
        return -1;
    *need = want;
    return 0;
}

/* Whether marker m holds between characters a and b. */
static int inner(unsigned m, unsigned a, unsigned b)
{
    if (m == M_B)
        return tt_is_word(a) != tt_is_word(b);
    if (m == M_NB)
        return tt_is_word(a) == tt_is_word(b);
    return !tt_is_word(m == M_NPW ? a : b);
}

/* Turns a string with markers into an alternative: 0; 1 when it can never match (dropped);
 * 2 when the pattern is no literal set (a lookahead before the string's end, or two). */
static int resolve(const tt_sbuf *src, tt_litalt *a)
{
    const unsigned char *s = (const unsigned char *)src->s;
    size_t i, j, n = 0;
    for (i = 0; i < src->len; i++) {
        if (s[i] == M_NLA)
            i++;   /* and its index */
        else if (s[i] < M_B || s[i] > M_NNW)
            a->s[n++] = s[i];
    }
    a->len = n;
    a->pre = a->post = TT_LP_ANY;
    a->neg = 0;
    for (i = 0, j = 0; i < src->len; i++) {
        if (s[i] == M_NLA) {
            if (j != n || a->neg)
                return 2;
            a->neg = (uint32_t)s[++i] + 1;
            continue;
        }
        if (s[i] < M_B || s[i] > M_NNW) {
            j++;
            continue;
        }
        if (n == 0)
            return 1;   /* an empty string: the caller rejects the pattern */
        if (j == 0 ? edge(s[i], 0, a->s[0], &a->pre)
                   : j == n ? edge(s[i], 1, a->s[n - 1], &a->post)
                            : !inner(s[i], a->s[j - 1], a->s[j]))
            return 1;
    }
    return 0;
}

static int same(const tt_litpat *lp, const tt_litalt *x, const tt_litalt *y)
{
    size_t i;
    if (x->len != y->len || x->pre != y->pre || x->post != y->post || x->neg != y->neg)
        return 0;
    for (i = 0; i < x->len; i++)
        if (lp->caseless ? tt_fold(x->s[i]) != tt_fold(y->s[i]) : x->s[i] != y->s[i])
            return 0;
    return 1;
}

/* A hash of alternative a (folded when lp is caseless), for finding copies. */
static uint32_t alt_hash(const tt_litpat *lp, const tt_litalt *a)
{
    uint32_t h = 2166136261u ^ a->pre ^ (uint32_t)a->post << 8 ^ a->neg << 16;
    size_t i;
    for (i = 0; i < a->len; i++)
        h = (h ^ (lp->caseless ? tt_fold(a->s[i]) : a->s[i])) * 16777619u;
    return h;
}

/* build()'s alternatives, each string once (seen: a table of cap slots); 0, NOT_SET or
 * NO_MEM. */
static int build_alts(tt_litpat *lp, const list *l, size_t min_len, uint32_t *seen,
                      size_t cap)
{
    size_t i;
    if (!(lp->alt = tt_calloc(l->n + 1, sizeof *lp->alt)) ||
        !(lp->first = tt_calloc(257, sizeof *lp->first)) ||
        !(lp->byfirst = tt_calloc(l->n + 1, sizeof *lp->byfirst)))
        return NO_MEM;
    for (i = 0; i < l->n; i++) {
        tt_litalt *a = &lp->alt[lp->n];
        size_t slot;
        int r;
        if (!(a->s = tt_malloc(l->v[i].len + 1)))
            return NO_MEM;
        if ((r = resolve(&l->v[i], a)) == 2) {
            tt_free(a->s);
            a->s = NULL;
            return NOT_SET;
        }
        if (r || a->len == 0) {
            int empty = a->len == 0;
            tt_free(a->s);
            a->s = NULL;
            if (empty)
                return NOT_SET;   /* it can match the empty string */
            continue;
        }
        if (a->len < min_len || a->len > TT_LITPAT_MAX_LEN) {
            /* too short to prefilter; or so long that sorting hits by their end (prefilter.c)
             * would cost hits x length: PCRE2 decides those */
            tt_free(a->s);
            a->s = NULL;
            return NOT_SET;
        }
        for (slot = alt_hash(lp, a) & (cap - 1); seen[slot]; slot = (slot + 1) & (cap - 1))
            if (same(lp, &lp->alt[seen[slot] - 1], a))
                break;
        if (seen[slot]) {         /* a later copy never wins */
            tt_free(a->s);
            a->s = NULL;
            continue;
        }
        seen[slot] = (uint32_t)++lp->n;
    }
    return 0;
}

/* Builds the alternatives and their first-byte index from the strings. */
static int build(tt_litpat *lp, const list *l, size_t min_len)
{
    size_t i, c, cap = 16;
    uint32_t *seen;            /* lp->alt index + 1 by hash, open addressing: copies found */
    int rc;
    while (cap < 2 * l->n)
        cap *= 2;
    if (!(seen = tt_calloc(cap, sizeof *seen)))
        return NO_MEM;
    rc = build_alts(lp, l, min_len, seen, cap);
    tt_free(seen);
    if (rc)
        return rc;
    if (lp->n == 0)
        return NOT_SET;
    /* counting sort by first byte, stable */
    for (i = 0; i < lp->n; i++)
        lp->first[(lp->caseless ? tt_fold(lp->alt[i].s[0]) : lp->alt[i].s[0]) + 1]++;
    for (c = 1; c <= 256; c++)
        lp->first[c] += lp->first[c - 1];
    {
        uint32_t fill[256];
        memcpy(fill, lp->first, sizeof fill);
        for (i = 0; i < lp->n; i++)
            lp->byfirst[fill[lp->caseless ? tt_fold(lp->alt[i].s[0]) : lp->alt[i].s[0]]++] =
                (uint32_t)i;
    }
    return 0;
}

/* The lookaheads' strings of ps into lp->neg: 0, or NO_MEM. */
static int take_negs(tt_litpat *lp, const parser *ps)
{
    size_t k, i;
    if (ps->nneg == 0)
        return 0;
    if (!(lp->neg = tt_calloc(ps->nneg, sizeof *lp->neg)))
        return NO_MEM;
    lp->nneg = ps->nneg;
    for (k = 0; k < ps->nneg; k++) {
        tt_litneg *g = &lp->neg[k];
        if (!(g->s = tt_calloc(ps->neg[k].n + 1, sizeof *g->s)) ||
            !(g->len = tt_calloc(ps->neg[k].n + 1, sizeof *g->len)))
            return NO_MEM;
        for (i = 0; i < ps->neg[k].n; i++) {
            if (!(g->s[i] = tt_malloc(ps->neg[k].v[i].len + 1)))
                return NO_MEM;
            memcpy(g->s[i], ps->neg[k].v[i].s, ps->neg[k].v[i].len);
            g->len[i] = ps->neg[k].v[i].len;
            g->n++;
        }
    }
    return 0;
}

int tt_litpat_parse(const char *regex, size_t len, int caseless, size_t max_alts, size_t min_len,
                    tt_litpat *out)
{
    parser ps;
    list l = {0};
    int rc;
    size_t i;
    memset(out, 0, sizeof *out);
    memset(&ps, 0, sizeof ps);
    ps.e = (const unsigned char *)regex + len;
    ps.caseless = caseless != 0;
    ps.max = max_alts;
    ps.status = 0;
    out->caseless = caseless != 0;
    /* first only the syntax and the count, so that what is no literal set costs no strings */
    for (ps.count_only = 1; ps.count_only >= 0 && ps.status == 0; ps.count_only--) {
        ps.p = (const unsigned char *)regex;
        ps.nneg = 0;
        list_free(&l);
        if (alternation(&ps, &l) == 0 && ps.p < ps.e)
            ps.status = NOT_SET;   /* an unbalanced ')' */
    }
    rc = ps.status ? ps.status : build(out, &l, min_len);
    if (rc == 0)
        rc = take_negs(out, &ps);
    list_free(&l);
    for (i = 0; ps.neg && i < ps.nneg; i++)
        list_free(&ps.neg[i]);
    tt_free(ps.neg);
    if (rc) {
        tt_litpat_release(out);
        return rc == NO_MEM ? -1 : 0;
    }
    return 1;
}

void tt_litpat_release(tt_litpat *lp)
{
    size_t i;
    if (!lp)
        return;
    for (i = 0; lp->alt && lp->alt[i].s; i++)
        tt_free(lp->alt[i].s);
    tt_free(lp->alt);
    for (i = 0; lp->neg && i < lp->nneg; i++) {
        size_t k;
        for (k = 0; lp->neg[i].s && k < lp->neg[i].n; k++)
            tt_free(lp->neg[i].s[k]);
        tt_free(lp->neg[i].s);
        tt_free(lp->neg[i].len);
    }
    tt_free(lp->neg);
    tt_free(lp->first);
    tt_free(lp->byfirst);
    memset(lp, 0, sizeof *lp);
}

static int fits(unsigned char need, int word)
{
    return need == TT_LP_ANY || (need == TT_LP_WORD) == (word != 0);
}

/* Whether one of g's strings occurs at text[at ..], before end (folded when lp is caseless):
 * then a negative lookahead fails. */
static int followed(const tt_litpat *lp, const tt_litneg *g, const unsigned char *t, size_t at,
                    size_t end)
{
    size_t i, k;
    for (i = 0; i < g->n; i++) {
        if (g->len[i] > end - at)
            continue;
        if (lp->caseless) {
            for (k = 0; k < g->len[i] && tt_fold(t[at + k]) == tt_fold(g->s[i][k]); k++)
                ;
        } else {
            for (k = 0; k < g->len[i] && t[at + k] == g->s[i][k]; k++)
                ;
        }
        if (k == g->len[i])
            return 1;
    }
    return 0;
}

size_t tt_litpat_first_at(const tt_litpat *lp, const char *text, size_t at, size_t end)
{
    const unsigned char *t = (const unsigned char *)text;
    unsigned c0 = lp->caseless ? tt_fold(t[at]) : t[at];
    int before = at > 0 && tt_is_word(t[at - 1]);
    uint32_t i;
    for (i = lp->first[c0]; i < lp->first[c0 + 1]; i++) {
        const tt_litalt *a = &lp->alt[lp->byfirst[i]];
        size_t k;
        if (a->len > end - at || !fits(a->pre, before))
            continue;
        if (lp->caseless) {
            for (k = 0; k < a->len && tt_fold(t[at + k]) == tt_fold(a->s[k]); k++)
                ;
        } else {
            for (k = 0; k < a->len && t[at + k] == a->s[k]; k++)
                ;
        }
        if (k == a->len && fits(a->post, at + a->len < end && tt_is_word(t[at + a->len])) &&
            !(a->neg && followed(lp, &lp->neg[a->neg - 1], t, at + a->len, end)))
            return a->len;
    }
    return 0;
}
