/* literal.c - required-literal extraction from PCRE2 patterns (see literal.h).
 *
 * A small recursive-descent parser over PCRE2 syntax summarises every node by
 *   exact: the finite set of strings the node matches and nothing else (capped), or unknown;
 *   req:   a set of strings one of which is a substring of every match of the node, or none.
 * What the parser does not understand becomes either an unknown atom (may match anything,
 * requires nothing) or "no requirement" for the whole pattern.  Soundness is the only hard
 * requirement: a set that some real match does not contain silently loses matches.
 *
 * Case: the document scanner folds ASCII letters only.  Case-sensitive patterns are therefore
 * safe to fold.  In a caseless pattern PCRE2 (UTF mode) also matches other case forms that
 * have different bytes: for non-ASCII letters, and for two ASCII letters as well: 'k'/'K'
 * match U+212A KELVIN SIGN and 's'/'S' match U+017F LATIN SMALL LETTER LONG S.  So in caseless
 * mode every non-ASCII character and k, K, s, S are unknown atoms (they break a literal).
 * A pattern counts as caseless when the caller says so or when any option setting anywhere in
 * it mentions 'i' (even "(?-i)": conservative).
 *
 * Sequences: consecutive items with exact sets form a run whose exact set is their product
 * (split when it outgrows the caps); the requirement of a sequence is the best of its runs
 * (as requirements) and of its items' requirements, and its second requirement the best of
 * those from another item or run: every match holds a string of each ("China" ... "DF-").
 * Alternatives unite their requirements, and their second ones (the first where an
 * alternative has no second). */
#include "literal.h"

#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "ascii.h"

#define EXACT_MAX_N 64      /* strings in an exact set */
#define EXACT_MAX_LEN 64    /* bytes per string of an exact set */
#define REQ_MAX_N 1024      /* strings in a requirement set */
#define CLASS_MAX 4         /* members of a character class taken as an exact set */
#define MAX_DEPTH 200       /* group nesting */
/* A word boundary (\b) inside an exact string: 0xFF, a byte valid UTF-8 never holds, so no
 * pattern character is read as one.  It counts for no length (text_len). */
#define WB 0xFF
/* Likewise a point where the byte before is no word byte (after \s, \W: NWB) and where the
 * byte after is none (before them: NWA).  All three are marks (is_mark). */
#define NWB 0xFE
#define NWA 0xFD
/* And in a requirement's string: the string begins every match of the node that holds it
 * there (the marks of the text before the node can then go before it). */
#define HM 0xFC
/* And the mirror image: the string ends every match of the node that holds it there. */
#define TM 0xFB

/* A set of distinct byte strings (NUL-terminated copies). */
typedef struct sset {
    char **s;
    size_t *len;
    size_t n, scap, lcap;
    size_t sel1;   /* sset_selectivity() + 1 once computed, 0 before (any change resets it) */
    size_t minl1;  /* sset_minlen() + 1, likewise */
    size_t marks1; /* marks() + 1, likewise */
} sset;

/* What is known about the matches of a node. */
typedef struct summ {
    int has_ex, has_rq, has_rq2;
    int nw_start, nw_end;   /* every match is a non-word byte first (\s), last (\s+) */
    int nw_end_ne;          /* every match that is not empty ends with a non-word byte */
    sset ex;    /* the node matches exactly these strings (ASCII-folded) */
    sset rq;    /* every match contains one of these; always usable() when present */
    sset rq2;   /* and one of these too, found elsewhere in the node (only with rq) */
} summ;

enum { ST_OK = 0, ST_NOREQ = 1, ST_NOMEM = -1 };

typedef struct parser {
    const unsigned char *s;
    size_t len, pos;
    size_t min_len;     /* >= 1 */
    int caseless;
    int ks_ok;          /* the caller handles U+212A and U+017F: k, s fold like others */
    int saw_i;          /* some option setting mentions 'i' */
    int inq;            /* inside \Q...\E */
    int st;             /* ST_*: why parsing stopped */
    int depth;
} parser;

/* ---- small helpers ---- */

static int give_up(parser *p)
{
    if (!p->st)
        p->st = ST_NOREQ;
    return -1;
}

static int nomem(parser *p)
{
    p->st = ST_NOMEM;
    return -1;
}

/* Length of the UTF-8 sequence led by c (the pattern was validated up front). */
static size_t clen(unsigned char c)
{
    if (c < 0x80)
        return 1;
    if (c < 0xE0)
        return 2;
    if (c < 0xF0)
        return 3;
    return 4;
}

/* Returns 1 when s[0..len) is valid UTF-8 (no overlongs, surrogates or values > U+10FFFF). */
static int utf8_valid(const unsigned char *s, size_t len)
{
    size_t i = 0, n, k;
    while (i < len) {
        unsigned c = s[i], lo = 0x80, hi = 0xBF;
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF)
            n = 1;
        else if (c >= 0xE0 && c <= 0xEF) {
            n = 2;
            if (c == 0xE0)
                lo = 0xA0;
            else if (c == 0xED)
                hi = 0x9F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 3;
            if (c == 0xF0)
                lo = 0x90;
            else if (c == 0xF4)
                hi = 0x8F;
        } else
            return 0;
        if (len - i - 1 < n)
            return 0;
        if (s[i + 1] < lo || s[i + 1] > hi)
            return 0;
        for (k = 2; k <= n; k++)
            if ((s[i + k] & 0xC0) != 0x80)
                return 0;
        i += n + 1;
    }
    return 1;
}

/* ---- string sets ---- */

static void sset_free(sset *a)
{
    size_t i;
    for (i = 0; i < a->n; i++)
        tt_free(a->s[i]);
    tt_free(a->s);
    tt_free(a->len);
    memset(a, 0, sizeof *a);
}

static int sset_has(const sset *a, const char *s, size_t n)
{
    size_t i;
    for (i = 0; i < a->n; i++)
        if (a->len[i] == n && memcmp(a->s[i], s, n) == 0)
            return 1;
    return 0;
}

/* Appends a copy of s[0..n) without looking for duplicates.  0, or -1 out of memory. */
static int sset_push(sset *a, const char *s, size_t n)
{
    char *d;
    if (tt_grow(&a->s, &a->scap, a->n + 1, sizeof *a->s) ||
        tt_grow(&a->len, &a->lcap, a->n + 1, sizeof *a->len))
        return -1;
    d = tt_strndup(s, n);
    if (!d)
        return -1;
    a->s[a->n] = d;
    a->len[a->n++] = n;
    a->sel1 = a->minl1 = a->marks1 = 0;
    return 0;
}

/* Adds a copy of s[0..n) unless it is present.  0, or -1 out of memory. */
static int sset_add(sset *a, const char *s, size_t n)
{
    return sset_has(a, s, n) ? 0 : sset_push(a, s, n);
}

/* *dst (empty) becomes a copy of src; on failure *dst stays empty.  0, or -1. */
static int sset_copy(sset *dst, const sset *src)
{
    size_t i;
    for (i = 0; i < src->n; i++)
        if (sset_push(dst, src->s[i], src->len[i])) {
            sset_free(dst);
            return -1;
        }
    return 0;
}

/* sset_copy, each string after the byte mark and, unless end is 0, before the byte end (a
 * string too long stays as it is). */
static int sset_copy_marked(sset *dst, const sset *src, unsigned char mark, unsigned char end)
{
    char buf[EXACT_MAX_LEN + 2];
    size_t i;
    for (i = 0; i < src->n; i++) {
        size_t n = src->len[i];
        int fit = n + 2 <= sizeof buf;
        if (fit) {
            buf[0] = (char)mark;
            memcpy(buf + 1, src->s[i], n);
            buf[n + 1] = (char)end;
        }
        if (sset_push(dst, fit ? buf : src->s[i], fit ? n + 1 + (end != 0) : n)) {
            sset_free(dst);
            return -1;
        }
    }
    return 0;
}

/* The bytes of s[0..n) that are text: a word-boundary mark (WB) is none. */
static int is_mark(char c) { return (unsigned char)c >= TM; }

/* Whether s[0..n) holds a mark. */
static int has_mark(const char *s, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (is_mark(s[i]))
            return 1;
    return 0;
}

static size_t text_len(const char *s, size_t n)
{
    size_t i, k = 0;
    for (i = 0; i < n; i++)
        k += !is_mark(s[i]);
    return k;
}

static size_t sset_minlen(const sset *a_)
{
    sset *a = (sset *)a_;   /* only its cache changes */
    size_t i, m = (size_t)-1;
    if (a->minl1)
        return a->minl1 - 1;
    for (i = 0; i < a->n; i++) {
        size_t t = text_len(a->s[i], a->len[i]);
        if (t < m)
            m = t;
    }
    a->minl1 = m + 1;
    return m;
}

static size_t sset_maxlen(const sset *a)
{
    size_t i, m = 0;
    for (i = 0; i < a->n; i++)
        if (a->len[i] > m)
            m = a->len[i];
    return m;
}

/* The longest text (without marks) of a's strings. */
static size_t sset_maxtext(const sset *a)
{
    size_t i, m = 0;
    for (i = 0; i < a->n; i++)
        if (text_len(a->s[i], a->len[i]) > m)
            m = text_len(a->s[i], a->len[i]);
    return m;
}

/* A set can serve as a requirement when it is not empty and no string is too short. */
static int usable(const parser *p, const sset *a) { return a->n > 0 && sset_minlen(a) >= p->min_len; }

/* How selective a literal is, roughly: its length without the English function words it is
 * made of ("the ", " of the") that occur in almost every sentence.  Used only to choose
 * between sound requirements. */
static size_t selectivity(const char *s, size_t n)
{
    static const char *const common[] = {"the", "a", "an", "of", "and", "or", "to", "in", "on",
                                         "at", "for", "with", "by", "from", "as", "is", "was",
                                         "are", "were", "be", "has", "had", "have", "it", "its",
                                         "that", "this", "said", "two", "new", "not", "but"};
    size_t i = 0, score = 0;
    while (i < n) {
        size_t j = i, k;
        int stop = 0;
        while (j < n && s[j] != ' ')
            j++;
        for (k = 0; j - i <= 4 && !stop && k < sizeof common / sizeof *common; k++)
            stop = common[k][0] == s[i] && strlen(common[k]) == j - i &&
                   !memcmp(s + i, common[k], j - i);
        if (!stop)
            score += j - i;
        i = j < n ? j + 1 : j;
    }
    return score;
}

static size_t sset_selectivity(const sset *a_)
{
    sset *a = (sset *)a_;   /* only its cache changes */
    size_t i, m = (size_t)-1;
    if (a->sel1)
        return a->sel1 - 1;
    for (i = 0; i < a->n; i++) {
        char buf[EXACT_MAX_LEN];
        size_t j, k = 0, v;
        if (!has_mark(a->s[i], a->len[i])) {
            v = selectivity(a->s[i], a->len[i]);
        } else {
            for (j = 0; j < a->len[i] && k < sizeof buf; j++)   /* without its marks */
                if (!is_mark(a->s[i][j]))
                    buf[k++] = a->s[i][j];
            v = j == a->len[i] ? selectivity(buf, k) : selectivity(a->s[i], a->len[i]);
        }
        if (v < m)
            m = v;
    }
    a->sel1 = m + 1;
    return m;
}

/* Whether a is worth a second requirement: its strings are not just function words ("the "),
 * which occur in nearly every sentence and would only cost hits. */
static int strong(const parser *p, const sset *a) { return sset_selectivity(a) >= p->min_len; }

/* The word-boundary marks in a's strings: of two requirements with the same text, the one
 * that knows where words begin and end drops more hits. */
static size_t marks(const sset *a_)
{
    sset *a = (sset *)a_;   /* only its cache changes */
    size_t i, j, k = 0;
    if (a->marks1)
        return a->marks1 - 1;
    for (i = 0; i < a->n; i++)
        for (j = 0; j < a->len[i]; j++)
            k += is_mark(a->s[i][j]) && (unsigned char)a->s[i][j] != HM &&
                 (unsigned char)a->s[i][j] != TM;
    a->marks1 = k + 1;
    return k;
}

/* Whether every string of a begins with a word-boundary mark (after its head mark). */
static int all_led(const sset *a)
{
    size_t i;
    for (i = 0; i < a->n; i++) {
        const unsigned char *t = (const unsigned char *)a->s[i];
        size_t j = a->len[i] && t[0] == HM;
        if (j >= a->len[i] || (t[j] != WB && t[j] != NWB))
            return 0;
    }
    return a->n > 0;
}

/* Whether requirement a beats b: a more selective shortest string (longer, not made of
 * function words); then a longer one; then one whose strings all follow a word boundary; then
 * fewer strings; then more word-boundary marks. */
static int better(const sset *a, const sset *b)
{
    size_t ma = sset_selectivity(a), mb = sset_selectivity(b);
    size_t la = sset_minlen(a), lb = sset_minlen(b);
    int wa, wb;
    if (ma != mb)
        return ma > mb;
    if (la != lb)
        return la > lb;
    /* a set whose every string knows what comes before it can be scanned at word starts
     * only (prefilter.c): worth more strings */
    wa = all_led(a);
    wb = all_led(b);
    if (wa != wb)
        return wa > wb;
    return a->n < b->n || (a->n == b->n && marks(a) > marks(b));
}

/* Whether the product of exact sets a and b stays within the caps. */
static int fits(const sset *a, const sset *b)
{
    return a->n * b->n <= EXACT_MAX_N && sset_maxlen(a) + sset_maxlen(b) <= EXACT_MAX_LEN;
}

/* *r (empty) = { x y : x in a, y in b }; fits(a, b) holds.  0, or -1 (then *r is empty). */
static int sset_product(const sset *a, const sset *b, sset *r)
{
    char buf[EXACT_MAX_LEN];
    size_t i, j;
    for (i = 0; i < a->n; i++)
        for (j = 0; j < b->n; j++) {
            memcpy(buf, a->s[i], a->len[i]);
            memcpy(buf + a->len[i], b->s[j], b->len[j]);
            if (sset_add(r, buf, a->len[i] + b->len[j])) {
                sset_free(r);
                return -1;
            }
        }
    return 0;
}

/* Inserts the marks m[0..n) at byte `at` of string i of a, when they fit (a string too long
 * stays as it is: marks only add information).  0, or -1 on out of memory. */
static int insert_marks(sset *a, size_t i, size_t at, const char *m, size_t n)
{
    char buf[2 * EXACT_MAX_LEN], *d;
    if (a->len[i] + n > sizeof buf)
        return 0;
    memcpy(buf, a->s[i], at);
    memcpy(buf + at, m, n);
    memcpy(buf + at + n, a->s[i] + at, a->len[i] - at);
    if (!(d = tt_strndup(buf, a->len[i] + n)))
        return -1;
    tt_free(a->s[i]);
    a->s[i] = d;
    a->len[i] += n;
    a->sel1 = a->minl1 = a->marks1 = 0;
    return 0;
}

/* Puts the marks m[0..n) before (at_end 0) or after (1) every string of a.  0, or -1 on out
 * of memory. */
static int mark_all(sset *a, const char *m, size_t n, int at_end)
{
    size_t i;
    for (i = 0; i < a->n; i++)
        if (insert_marks(a, i, at_end ? a->len[i] : 0, m, n))
            return -1;
    return 0;
}

/* Puts the marks m[0..n) before every string of a that begins the node's matches (HM), after
 * its head mark.  0, or -1 on out of memory. */
static int mark_heads(sset *a, const char *m, size_t n)
{
    size_t i;
    for (i = 0; i < a->n; i++)
        if (a->len[i] && (unsigned char)a->s[i][0] == HM && insert_marks(a, i, 1, m, n))
            return -1;
    return 0;
}

/* Whether a is one string of marks only (the run of \b, assertions before an item). */
static int marks_only(const sset *a)
{
    return a->n == 1 && a->len[0] > 0 && text_len(a->s[0], a->len[0]) == 0;
}

static void summ_free(summ *x)
{
    sset_free(&x->ex);
    sset_free(&x->rq);
    sset_free(&x->rq2);
    x->has_ex = x->has_rq = x->has_rq2 = 0;
    x->nw_start = x->nw_end = x->nw_end_ne = 0;
}

/* Makes x->rq the better of x->rq and x->ex taken as a requirement. */
static int normalize(parser *p, summ *x)
{
    sset c;
    if (!x->has_ex || !usable(p, &x->ex) || (x->has_rq && !better(&x->ex, &x->rq)))
        return 0;
    memset(&c, 0, sizeof c);
    if (sset_copy_marked(&c, &x->ex, HM, TM))   /* each is a whole match */
        return nomem(p);
    sset_free(&x->rq);
    x->rq = c;
    x->has_rq = 1;
    return 0;
}

/* The two best requirements of a sequence so far, each with the item (or run) it comes from. */
typedef struct pick {
    sset best, second;
    int has_best, has_second;
    size_t from_best, from_second;
} pick;

static void pick_free(pick *k)
{
    sset_free(&k->best);
    sset_free(&k->second);
    k->has_best = k->has_second = 0;
}

/* Makes the head marks (HM) of a's strings say where the sequence begins: head 2, a run that
 * begins it (every string gets one); 1, an item that does (they stay); 0, none (they go); the
 * tail marks (TM) likewise by tail for its end.  0, or -1 on out of memory. */
static int heads(sset *a, int head, int tail)
{
    size_t i;
    if ((head == 2 && mark_all(a, (const char[]){(char)HM}, 1, 0)) ||
        (tail == 2 && mark_all(a, (const char[]){(char)TM}, 1, 1)))
        return -1;
    for (i = 0; i < a->n; i++) {
        if (head == 0 && a->len[i] && (unsigned char)a->s[i][0] == HM) {
            memmove(a->s[i], a->s[i] + 1, a->len[i]);   /* with the NUL */
            a->len[i]--;
            a->sel1 = a->minl1 = a->marks1 = 0;
        }
        if (tail == 0 && a->len[i] && (unsigned char)a->s[i][a->len[i] - 1] == TM) {
            a->s[i][--a->len[i]] = '\0';
            a->sel1 = a->minl1 = a->marks1 = 0;
        }
    }
    return 0;
}

/* Offers cand, a requirement of the sequence found in part `from` of it: it becomes the best,
 * the best turning second when it came from another part, or else the second when it beats
 * that and comes from another part than the best. */
static int offer(parser *p, pick *k, const sset *cand, size_t from, int head, int tail)
{
    sset c;
    int first = !k->has_best || better(cand, &k->best);
    if (!usable(p, cand) ||
        (!first && (from == k->from_best || (k->has_second && !better(cand, &k->second)))))
        return 0;
    memset(&c, 0, sizeof c);
    if (sset_copy(&c, cand) || heads(&c, head, tail)) {
        sset_free(&c);
        return nomem(p);
    }
    if (first && k->has_best && k->from_best != from) {
        sset_free(&k->second);
        k->second = k->best;
        k->from_second = k->from_best;
        k->has_second = 1;
    } else if (first) {
        sset_free(&k->best);
    }
    if (first) {
        k->best = c;
        k->from_best = from;
        k->has_best = 1;
    } else {
        sset_free(&k->second);
        k->second = c;
        k->from_second = from;
        k->has_second = 1;
    }
    return 0;
}

/* ---- atoms ---- */

/* x = a node matching only the empty string (assertions, lookarounds). */
static int atom_empty(parser *p, summ *x)
{
    memset(x, 0, sizeof *x);
    if (sset_push(&x->ex, "", 0)) {
        sset_free(&x->ex);
        return nomem(p);
    }
    x->has_ex = 1;
    return 0;
}

/* x = a word boundary \b: the exact string of the mark alone.  The mark stays in the strings
 * a requirement is made of, where it says that PCRE2's \b holds at that point of every match
 * that holds the string there; finish() turns it into the string's contexts. */
static int atom_mark(parser *p, summ *x)
{
    const char m = (char)WB;
    memset(x, 0, sizeof *x);
    if (sset_push(&x->ex, &m, 1)) {
        sset_free(&x->ex);
        return nomem(p);
    }
    x->has_ex = 1;
    return 0;
}

/* x = the literal character b[0..n) (one UTF-8 sequence), or an unknown atom when case
 * folding in PCRE2 could match other bytes (see the top of the file). */
static int atom_char(parser *p, summ *x, const unsigned char *b, size_t n)
{
    char buf[4];
    size_t i;
    memset(x, 0, sizeof *x);
    if (p->caseless &&
        (n > 1 || (!p->ks_ok && (b[0] == 'k' || b[0] == 'K' || b[0] == 's' || b[0] == 'S'))))
        return 0;
    for (i = 0; i < n; i++)
        buf[i] = (char)tt_fold(b[i]);
    if (sset_push(&x->ex, buf, n)) {
        sset_free(&x->ex);
        return nomem(p);
    }
    x->has_ex = 1;
    if (normalize(p, x)) {
        summ_free(x);
        return -1;
    }
    return 0;
}

/* If a quantifier starts at s[i], returns its length and sets *min1 when it requires at least
 * one repetition; else returns 0.  Braces: anything some PCRE2 version might read as a
 * quantifier ({n} {n,} {n,m} {,m}, with spaces) counts as one, since reading a literal as a
 * quantifier only loses information while the reverse would be unsound. */
static size_t quant_len(const parser *p, size_t i, int *min1)
{
    const unsigned char *s = p->s;
    size_t j;
    int comma = 0;
    *min1 = 0;
    if (i >= p->len)
        return 0;
    if (s[i] == '*' || s[i] == '?')
        return 1;
    if (s[i] == '+') {
        *min1 = 1;
        return 1;
    }
    if (s[i] != '{')
        return 0;
    for (j = i + 1; j < p->len; j++) {
        unsigned c = s[j];
        if (tt_is_digit(c)) {
            if (!comma && c != '0')
                *min1 = 1;
        } else if (c == ',' && !comma)
            comma = 1;
        else if (c != ' ' && c != '\t')
            break;
    }
    if (j < p->len && s[j] == '}')
        return j + 1 - i;
    *min1 = 0;
    return 0;
}

/* Returns the index just past the first term at or after i, or 0 if there is none. */
static size_t past(const parser *p, size_t i, unsigned char term)
{
    for (; i < p->len; i++)
        if (p->s[i] == term)
            return i + 1;
    return 0;
}

/* A group name from i up to term: returns the index past term, or 0. */
static size_t skip_name(const parser *p, size_t i, unsigned char term)
{
    size_t j = i;
    while (j < p->len && (tt_is_alnum(p->s[j]) || p->s[j] == '_' || p->s[j] >= 0x80))
        j++;
    if (j == i || j >= p->len || p->s[j] != term)
        return 0;
    return j + 1;
}

/* Option letters at i (after "(?"): [^][imnsxUJ]*(-[imnsxUJ]*)? followed by ':' or ')'.
 * Returns the index of that terminator, or 0 if this is not an option setting.  Extended
 * mode (x, xx) changes the meaning of white space and '#': the pattern gets no requirement. */
static size_t scan_options(parser *p, size_t i)
{
    size_t j = i;
    int x = 0, ci = 0, minus = 0;
    if (j < p->len && p->s[j] == '^')
        j++;
    for (; j < p->len; j++) {
        unsigned c = p->s[j];
        if (c == '-' && !minus)
            minus = 1;
        else if (c == 'x')
            x = 1;
        else if (c == 'i')
            ci = 1;
        else if (!strchr("mnsUJ", (int)c) || c == 0)
            break;
    }
    if (j >= p->len || (p->s[j] != ':' && p->s[j] != ')'))
        return 0;
    if (x) {
        give_up(p);
        return 0;
    }
    if (ci)
        p->saw_i = 1;
    return j;
}

/* Skips what matches nothing and is no item: \E, \Q (enters quoting), (?#...), and option
 * settings such as (?i).  Returns 1 if something was skipped, 0 if not, -1 to stop. */
static int skip_ignorable(parser *p)
{
    const unsigned char *s = p->s;
    size_t i = p->pos, j;
    if (s[i] == '\\' && i + 1 < p->len) {
        if (s[i + 1] == 'E') {
            p->pos += 2;
            return 1;
        }
        if (s[i + 1] == 'Q') {
            p->pos += 2;
            p->inq = 1;
            return 1;
        }
        return 0;
    }
    if (s[i] != '(' || i + 2 >= p->len || s[i + 1] != '?')
        return 0;
    if (s[i + 2] == '#') {
        j = past(p, i + 3, ')');
        if (!j)
            return give_up(p);
        p->pos = j;
        return 1;
    }
    j = scan_options(p, i + 2);
    if (p->st)
        return -1;
    if (j && s[j] == ')') {
        p->pos = j + 1;
        return 1;
    }
    return 0;
}

/* End of a POSIX class name such as [:alpha:] (PCRE2's check_posix_syntax): i is at the
 * character after '['; on success *end is the index of the closing terminator. */
static int posix_end(const unsigned char *s, size_t i, size_t len, size_t *end)
{
    unsigned char t = s[i++];
    for (; i + 2 <= len; i++) {
        if (s[i] == '\\' && (s[i + 1] == ']' || s[i + 1] == '\\'))
            i++;
        else if ((s[i] == '[' && s[i + 1] == t) || s[i] == ']')
            return 0;
        else if (s[i] == t && s[i + 1] == ']') {
            *end = i;
            return 1;
        }
    }
    return 0;
}

/* A character class at p->pos ('[').  A non-negated class of at most CLASS_MAX single
 * characters (or escaped punctuation), without ranges, is the exact set of its members;
 * every other class is an unknown atom.  The class end is found as PCRE2 finds it. */
/* Whether every member of a simple class (s[mo[k]..+ml[k]), k < nm) is one character that is
 * no word byte: ASCII punctuation or space, or a character beyond ASCII (PCRE2 without UCP),
 * save U+212A and U+017F, which a caseless match takes for k and s unless the caller handles
 * them (ks_ok). */
static int nonword_members(const parser *p, const size_t *mo, const size_t *ml, size_t nm)
{
    size_t k;
    for (k = 0; k < nm; k++) {
        const unsigned char *m = p->s + mo[k];
        if (ml[k] == 1 ? tt_is_word(m[0])
                       : !p->ks_ok && ((ml[k] == 3 && m[0] == 0xE2 && m[1] == 0x84 && m[2] == 0xAA) ||
                                       (ml[k] == 2 && m[0] == 0xC5 && m[1] == 0xBF)))
            return 0;
    }
    return nm > 0;
}

static int parse_class(parser *p, summ *x)
{
    const unsigned char *s = p->s;
    size_t i = p->pos + 1, len = p->len, e, nm = 0, k, j;
    size_t mo[CLASS_MAX], ml[CLASS_MAX];
    int simple = 1, first;
    char buf[4];

    memset(x, 0, sizeof *x);
    if (i < len && s[i] == '^') {
        simple = 0;
        i++;
    }
    /* PCRE2 skips \E and \Q\E here and then may still take ']' as a member: not worth it */
    if (i + 1 < len && s[i] == '\\' && (s[i + 1] == 'E' || s[i + 1] == 'Q'))
        return give_up(p);
    for (first = 1;; first = 0) {
        size_t ms, mn;
        unsigned c;
        if (i >= len)
            return give_up(p);
        c = s[i];
        if (c == ']' && !first) {
            i++;
            break;
        }
        if (c == '[' && i + 1 < len && (s[i + 1] == ':' || s[i + 1] == '.' || s[i + 1] == '=') &&
            posix_end(s, i + 1, len, &e)) {
            simple = 0;
            i = e + 2;
            continue;
        }
        if (c == '\\') {
            if (i + 1 >= len)
                return give_up(p);
            c = s[i + 1];
            if (c == 'Q') {
                simple = 0;
                for (i += 2; i + 1 < len && !(s[i] == '\\' && s[i + 1] == 'E'); i++)
                    ;
                if (i + 1 >= len)
                    return give_up(p);
                i += 2;
                continue;
            }
            if (c >= 0x80 || tt_is_alnum(c)) {
                simple = 0;
                i += 1 + clen((unsigned char)c);
                if (c == 'c' && i < len)
                    i += clen(s[i]);
                continue;
            }
            ms = i + 1;
            mn = 1;
            i += 2;
        } else {
            ms = i;
            mn = clen((unsigned char)c);
            i += mn;
        }
        if (i + 1 < len && s[i] == '-' && s[i + 1] != ']')
            simple = 0;     /* a range */
        if (simple) {
            if (nm == CLASS_MAX)
                simple = 0;
            else {
                mo[nm] = ms;
                ml[nm++] = mn;
            }
        }
    }
    p->pos = i;
    if (!simple)
        return 0;
    for (k = 0; k < nm; k++) {
        unsigned char c0 = s[mo[k]];
        if (p->caseless && (ml[k] > 1 || (!p->ks_ok && (c0 == 'k' || c0 == 'K' || c0 == 's' ||
                                                         c0 == 'S')))) {
            sset_free(&x->ex);
            x->nw_start = x->nw_end = x->nw_end_ne = nonword_members(p, mo, ml, nm);
            return 0;
        }
        for (j = 0; j < ml[k]; j++)
            buf[j] = (char)tt_fold(s[mo[k] + j]);
        if (sset_add(&x->ex, buf, ml[k])) {
            sset_free(&x->ex);
            return nomem(p);
        }
    }
    x->has_ex = 1;
    if (normalize(p, x)) {
        summ_free(x);
        return -1;
    }
    return 0;
}

/* A backslash escape at p->pos outside a class (\Q and \E are handled as ignorable). */
static int parse_escape(parser *p, summ *x)
{
    const unsigned char *s = p->s;
    size_t i = p->pos + 1, len = p->len, n;
    unsigned c;

    memset(x, 0, sizeof *x);
    if (i >= len)
        return give_up(p);
    c = s[i++];
    if (c >= 0x80) {            /* a quoted non-ASCII character: unknown */
        p->pos = i - 1 + clen((unsigned char)c);
        return 0;
    }
    if (!tt_is_alnum(c)) {         /* escaped punctuation: the character itself */
        p->pos = i;
        return atom_char(p, x, s + i - 1, 1);
    }
    switch (c) {
    case 'b':       /* a word boundary: a mark in the exact strings (WB) */
        p->pos = i;
        return atom_mark(p, x);
    case 'B': case 'A': case 'z': case 'Z': case 'G':
        p->pos = i;
        return atom_empty(p, x);
    case 'K':       /* resets the match start: text before it is not in the match */
    case 'Q':
    case 'E':
        return give_up(p);
    case 'x':
        if (i < len && s[i] == '{') {
            if (!(i = past(p, i, '}')))
                return give_up(p);
        } else
            for (n = 0; n < 2 && i < len && tt_is_xdigit(s[i]); n++)
                i++;
        break;
    case 'o':
        if (i < len && s[i] == '{' && !(i = past(p, i, '}')))
            return give_up(p);
        break;
    case 'p':
    case 'P':
        if (i >= len)
            return give_up(p);
        if (s[i] == '{') {
            if (!(i = past(p, i, '}')))
                return give_up(p);
        } else
            i += clen(s[i]);
        break;
    case 'N':
        if (i + 2 < len && s[i] == '{' && s[i + 1] == 'U' && s[i + 2] == '+' &&
            !(i = past(p, i, '}')))
            return give_up(p);
        break;
    case 'c':
        if (i >= len)
            return give_up(p);
        i += clen(s[i]);
        break;
    case 'g':
        if (i < len && (s[i] == '<' || s[i] == '\''))
            return give_up(p);      /* a subroutine call */
        if (i < len && s[i] == '{') {
            if (!(i = past(p, i, '}')))
                return give_up(p);
        } else {
            if (i < len && (s[i] == '+' || s[i] == '-'))
                i++;
            while (i < len && tt_is_digit(s[i]))
                i++;
        }
        break;
    case 'k':
        if (i < len && (s[i] == '<' || s[i] == '\'' || s[i] == '{')) {
            unsigned char t = s[i] == '<' ? '>' : s[i] == '{' ? '}' : '\'';
            if (!(i = past(p, i + 1, t)))
                return give_up(p);
        }
        break;
    case '0':
        for (n = 0; n < 2 && i < len && s[i] >= '0' && s[i] <= '7'; n++)
            i++;
        break;
    case 's': case 'W': case 'h': case 'v':
        /* one character that is no word byte (PCRE2 without UCP): an unknown atom that tells
         * the items around it that a word ends before it and begins after it */
        x->nw_start = x->nw_end = x->nw_end_ne = 1;
        break;
    default:
        /* \1..\9: a back reference or octal; taking all the digits as one unknown atom is
         * safe either way (it may swallow literal digits, which only loses information) */
        if (tt_is_digit(c))
            while (i < len && tt_is_digit(s[i]))
                i++;
        break;
    }
    p->pos = i;
    return 0;   /* unknown atom */
}

static int parse_alt(parser *p, summ *out);

/* A group at p->pos ('('). */
static int parse_group(parser *p, summ *x)
{
    const unsigned char *s = p->s;
    size_t i = p->pos + 1, len = p->len, j;
    int look = 0, r;
    summ in;

    memset(x, 0, sizeof *x);
    if (p->depth >= MAX_DEPTH)
        return give_up(p);
    if (i < len && s[i] == '*')
        return give_up(p);          /* (*VERB) and friends */
    if (i < len && s[i] == '?') {
        if (++i >= len)
            return give_up(p);
        if (s[i] == '=' || s[i] == '!') {
            look = 1;
            i++;
        } else if (s[i] == '>' || s[i] == '|')
            i++;
        else if (s[i] == '<') {
            if (i + 1 < len && (s[i + 1] == '=' || s[i + 1] == '!')) {
                look = 1;
                i += 2;
            } else if (!(i = skip_name(p, i + 1, '>')))
                return give_up(p);
        } else if (s[i] == 'P' && i + 1 < len && s[i + 1] == '<') {
            if (!(i = skip_name(p, i + 2, '>')))
                return give_up(p);
        } else if (s[i] == '\'') {
            if (!(i = skip_name(p, i + 1, '\'')))
                return give_up(p);
        } else {
            /* (?:  (?i:  and the like; everything else (callouts, recursion, conditionals,
             * back references by name...) gives the pattern no requirement */
            j = scan_options(p, i);
            if (p->st)
                return -1;
            if (!j || s[j] != ':')
                return give_up(p);
            i = j + 1;
        }
    }
    p->pos = i;
    p->depth++;
    r = parse_alt(p, &in);
    p->depth--;
    if (r)
        return -1;
    if (p->pos >= len || s[p->pos] != ')') {
        summ_free(&in);
        return give_up(p);
    }
    p->pos++;
    if (look) {     /* consumes nothing: its content does not show in the match */
        summ_free(&in);
        return atom_empty(p, x);
    }
    *x = in;
    return 0;
}

/* One atom at p->pos (not quoted, not a quantifier, not ignorable). */
static int parse_atom(parser *p, summ *x)
{
    const unsigned char *s = p->s;
    size_t n;
    memset(x, 0, sizeof *x);
    switch (s[p->pos]) {
    case '(':
        return parse_group(p, x);
    case '[':
        return parse_class(p, x);
    case '\\':
        return parse_escape(p, x);
    case '.':
        p->pos++;
        return 0;
    case '^':
    case '$':
        p->pos++;
        return atom_empty(p, x);
    default:
        n = clen(s[p->pos]);
        p->pos += n;
        return atom_char(p, x, s + p->pos - n, n);
    }
}

/* An atom and its quantifiers. */
static int parse_item(parser *p, summ *x)
{
    size_t q;
    int min1;
    if (parse_atom(p, x))
        return -1;
    while ((q = quant_len(p, p->pos, &min1)) != 0) {
        int opt = p->s[p->pos] == '?';
        p->pos += q;
        if (p->pos < p->len && (p->s[p->pos] == '?' || p->s[p->pos] == '+'))
            p->pos++;   /* lazy or possessive */
        if (min1) {     /* at least one copy: the requirement stands, exactness does not */
            sset_free(&x->ex);
            x->has_ex = 0;
            /* the first copy holds the string the requirement knows of, not the last */
            if (heads(&x->rq, 1, 0) || heads(&x->rq2, 1, 0)) {
                summ_free(x);
                return nomem(p);
            }
        } else if (opt && x->has_ex && x->ex.n < EXACT_MAX_N) {
            /* x? matches x's strings or nothing: still exact ("missiles?"), requiring nothing */
            sset_free(&x->rq);
            sset_free(&x->rq2);
            x->has_rq = x->has_rq2 = 0;
            if (sset_add(&x->ex, "", 0)) {
                summ_free(x);
                return nomem(p);
            }
        } else {
            /* x* x{0,n}: a match that is not empty ends with a match of x that is not */
            int ne = x->nw_end_ne;
            summ_free(x);
            x->nw_end_ne = ne;
        }
    }
    return 0;
}

/* Puts what is known of the text just before item x (run: the exact run before it, or NULL;
 * nw: a byte that is no word byte ends it) before x's requirements' strings that begin its
 * matches: the marks of a run of marks only (\b), or NWB.  0, or -1 on out of memory. */
static int before_item(summ *x, const sset *run, int nw)
{
    const char nwb = (char)NWB;
    const char *m = run && marks_only(run) ? run->s[0] : nw ? &nwb : NULL;
    size_t n = run && marks_only(run) ? run->len[0] : 1;
    if (!m)
        return 0;
    return (x->has_rq && mark_heads(&x->rq, m, n)) || (x->has_rq2 && mark_heads(&x->rq2, m, n))
               ? -1
               : 0;
}

/* Whether the text just before the point after item x ends with a byte that is no word byte,
 * given whether it did before x (nw). */
static int after_item(const summ *x, int nw)
{
    size_t i, j;
    if (!x->has_ex)
        return x->nw_end || (x->nw_end_ne && nw);
    for (i = 0; i < x->ex.n; i++) {
        const char *t = x->ex.s[i];
        for (j = x->ex.len[i]; j > 0 && is_mark(t[j - 1]); j--)
            ;
        if (j == 0 ? !nw : tt_is_word((unsigned char)t[j - 1]))
            return 0;   /* empty after a word byte, or ending with one */
    }
    return 1;
}

/* Puts the marks m[0..n) after every string of a that ends the node's matches (TM), before
 * its tail mark.  0, or -1 on out of memory. */
static int mark_tails(sset *a, const char *m, size_t n)
{
    size_t i;
    for (i = 0; i < a->n; i++)
        if (a->len[i] && (unsigned char)a->s[i][a->len[i] - 1] == TM &&
            insert_marks(a, i, a->len[i] - 1, m, n))
            return -1;
    return 0;
}

/* Offers the requirements of the item before `next` (pend: its first from part `part`, its
 * second from part + 1; head: it begins the sequence), and empties pend.  What next tells of
 * the text after that item goes after its strings that end its matches: the marks of a next
 * item of marks only (\b), or NWA before a \s.  next NULL: the item ends the sequence, its
 * tail marks stay.  0, or -1. */
static int flush_pending(parser *p, pick *k, summ *pend, size_t part, int head, const summ *next)
{
    const char nwa = (char)NWA;
    const char *m = NULL;
    size_t n = 1;
    int rc = 0;
    if (next && next->has_ex && marks_only(&next->ex)) {
        m = next->ex.s[0];
        n = next->ex.len[0];
    } else if (next && next->nw_start) {
        m = &nwa;
    }
    if (m && ((pend->has_rq && mark_tails(&pend->rq, m, n)) ||
              (pend->has_rq2 && mark_tails(&pend->rq2, m, n))))
        rc = nomem(p);
    if (!rc && pend->has_rq && offer(p, k, &pend->rq, part, head, !next))
        rc = -1;
    if (!rc && pend->has_rq2 && offer(p, k, &pend->rq2, part + 1, head, !next))
        rc = -1;
    sset_free(&pend->rq);
    sset_free(&pend->rq2);
    pend->has_rq = pend->has_rq2 = 0;
    return rc;
}

/* A sequence of items up to '|', ')' or the end. */
static int parse_seq(parser *p, summ *out)
{
    const unsigned char *s = p->s;
    sset run;
    pick k;
    summ it, pend;             /* pend: the last item's requirements, not offered yet */
    int has_run = 0, all_exact = 1, min1, nw_before = 0, first = 1, empty = 1, head;
    int pend_head = 0;
    size_t pend_part = 0;
    int nw_ne = 1;   /* nw_before, but true while nothing was matched (out->nw_end_ne) */
    size_t part = 0, run_part = 0;   /* parts: 2 per item (its rq, its rq2); a run's: its first */

    memset(out, 0, sizeof *out);
    memset(&run, 0, sizeof run);
    memset(&k, 0, sizeof k);
    memset(&it, 0, sizeof it);
    memset(&pend, 0, sizeof pend);
    while (p->pos < p->len) {
        if (p->inq) {
            size_t n;
            if (s[p->pos] == '\\' && p->pos + 1 < p->len && s[p->pos + 1] == 'E') {
                p->inq = 0;
                p->pos += 2;
                continue;
            }
            n = clen(s[p->pos]);
            p->pos += n;
            if (atom_char(p, &it, s + p->pos - n, n))
                goto fail;
        } else {
            int r;
            if (s[p->pos] == '|' || s[p->pos] == ')')
                break;
            r = skip_ignorable(p);
            if (r < 0)
                goto fail;
            if (r > 0)
                continue;
            /* a quantifier with no item before it (at the start, or after a comment or an
             * option setting): PCRE2 may reject it or apply it to something: give up */
            if (quant_len(p, p->pos, &min1)) {
                give_up(p);
                goto fail;
            }
            if (parse_item(p, &it))
                goto fail;
        }
        part += 2;
        if (flush_pending(p, &k, &pend, pend_part, pend_head, &it))
            goto fail;
        if (first)
            out->nw_start = it.nw_start;
        first = 0;
        /* an exact item that starts a run after the end of a word: the run knows it */
        if (it.has_ex && nw_before && (!has_run || !fits(&run, &it.ex)) &&
            mark_all(&it.ex, (const char[]){(char)NWB}, 1, 0)) {
            nomem(p);
            goto fail;
        }
        /* an item whose matches begin with its requirement: what is known of the text just
         * before it (marks only, or the end of a \s) goes before its strings too */
        if (before_item(&it, has_run ? &run : NULL, nw_before)) {
            nomem(p);
            goto fail;
        }
        head = empty;   /* the item begins every match of the sequence */
        empty = empty && it.has_ex && sset_maxtext(&it.ex) == 0;
        nw_before = after_item(&it, nw_before);
        nw_ne = after_item(&it, nw_ne);
        if (it.has_ex) {
            if (has_run && fits(&run, &it.ex)) {
                sset prod;
                memset(&prod, 0, sizeof prod);
                if (sset_product(&run, &it.ex, &prod)) {
                    nomem(p);
                    goto fail;
                }
                sset_free(&run);
                run = prod;
            } else {
                if (has_run) {      /* too big: close this run and start another */
                    if (offer(p, &k, &run, run_part, run_part == 2 ? 2 : 0, 0))
                        goto fail;
                    sset_free(&run);
                    all_exact = 0;
                }
                run = it.ex;
                memset(&it.ex, 0, sizeof it.ex);
                it.has_ex = 0;
                has_run = 1;
                run_part = part;
            }
        } else {
            all_exact = 0;
            if (has_run) {
                if (it.nw_start && mark_all(&run, (const char[]){(char)NWA}, 1, 1)) {
                    nomem(p);
                    goto fail;
                }
                if (offer(p, &k, &run, run_part, run_part == 2 ? 2 : 0, 0))
                    goto fail;
                sset_free(&run);
                has_run = 0;
            }
        }
        /* an item in the run shares its part: its strings are in the run's */
        /* the item's requirements wait for the next item, which may say what follows them */
        pend.rq = it.rq;
        pend.has_rq = it.has_rq;
        pend.rq2 = it.rq2;
        pend.has_rq2 = it.has_rq2;
        memset(&it.rq, 0, sizeof it.rq);
        memset(&it.rq2, 0, sizeof it.rq2);
        it.has_rq = it.has_rq2 = 0;
        pend_part = has_run ? run_part : part;   /* in the run: its part, its strings */
        pend_head = head;
        summ_free(&it);
    }
    if (flush_pending(p, &k, &pend, pend_part, pend_head, NULL) ||
        (has_run && offer(p, &k, &run, run_part, run_part == 2 ? 2 : 0, 2)))
        goto fail;
    if (all_exact) {
        if (!has_run && sset_push(&run, "", 0)) {
            nomem(p);
            goto fail;
        }
        out->ex = run;
        out->has_ex = 1;
    } else
        sset_free(&run);
    out->nw_end = nw_before;   /* from a start that is not a word's end: something matched */
    out->nw_end_ne = nw_ne;
    out->rq = k.best;
    out->has_rq = k.has_best;
    out->rq2 = k.second;
    out->has_rq2 = k.has_second;
    if (out->has_rq2 && !strong(p, &out->rq2)) {
        sset_free(&out->rq2);
        out->has_rq2 = 0;
    }
    if (normalize(p, out)) {
        summ_free(out);
        return -1;
    }
    return 0;

fail:
    summ_free(&it);
    summ_free(&pend);
    sset_free(&run);
    pick_free(&k);
    return -1;
}

/* *set (with *has) becomes the union of it and other when both exist and the union stays
 * within cap strings; otherwise there is none.  0, or -1 on out of memory. */
static int union_into(sset *set, int *has, const sset *other, int other_has, size_t cap)
{
    size_t i;
    if (*has && other_has) {
        for (i = 0; i < other->n && set->n <= cap; i++)
            if (sset_add(set, other->s[i], other->len[i]))
                return -1;
        if (set->n <= cap)
            return 0;
    }
    sset_free(set);
    *has = 0;
    return 0;
}

/* a = a | b; b is consumed.  The second requirement unites each side's second, or its first
 * where it has none (a match of that side holds one of those: still sound). */
static int alt_merge(parser *p, summ *a, summ *b)
{
    a->nw_start &= b->nw_start;
    a->nw_end &= b->nw_end;
    a->nw_end_ne &= b->nw_end_ne;
    if ((a->has_rq2 || b->has_rq2) && a->has_rq && b->has_rq) {
        if (!a->has_rq2) {
            if (sset_copy(&a->rq2, &a->rq))
                goto oom;
            a->has_rq2 = 1;
        }
        if (union_into(&a->rq2, &a->has_rq2, b->has_rq2 ? &b->rq2 : &b->rq, 1, REQ_MAX_N))
            goto oom;
    } else {
        sset_free(&a->rq2);
        a->has_rq2 = 0;
    }
    if (union_into(&a->ex, &a->has_ex, &b->ex, b->has_ex, EXACT_MAX_N) ||
        union_into(&a->rq, &a->has_rq, &b->rq, b->has_rq, REQ_MAX_N))
        goto oom;
    if (!a->has_rq) {
        sset_free(&a->rq2);
        a->has_rq2 = 0;
    }
    summ_free(b);
    return normalize(p, a);
oom:
    summ_free(b);
    return nomem(p);
}

/* Alternatives up to ')' or the end.  On failure *out is empty. */
static int parse_alt(parser *p, summ *out)
{
    summ br;
    if (parse_seq(p, out))
        return -1;
    while (p->pos < p->len && p->s[p->pos] == '|') {
        p->pos++;
        if (parse_seq(p, &br) || alt_merge(p, out, &br)) {
            summ_free(out);
            return -1;
        }
    }
    return 0;
}

/* Whether string t (len n, contexts c) holds string u (len k, contexts d) at offset o such
 * that every occurrence of t in a context c allows is an occurrence of u in a context d
 * allows. */
static int covers(const char *t, size_t n, unsigned c, const char *u, size_t k, unsigned d,
                  size_t o)
{
    unsigned x, y;
    if (t[o] != u[0] || memcmp(t + o, u, k))
        return 0;
    for (x = 0; x < 2; x++)
        for (y = 0; y < 2; y++) {
            /* the bytes around u: inside t, known; at t's ends, t's context */
            unsigned bx = o > 0 ? (unsigned)tt_is_word((unsigned char)t[o - 1]) : x;
            unsigned by = o + k < n ? (unsigned)tt_is_word((unsigned char)t[o + k]) : y;
            if ((c & TT_LIT_CTX(x, y)) && !(d & TT_LIT_CTX(bx, by)))
                return 0;
        }
    return 1;
}

#define MAX_COVER 64    /* the most strings drop_covered compares pairwise */

/* Drops from s/len/ctx[0..m) every string that begins or ends with another one of them in a
 * context that string allows ("missiles" holds "missile"): a match with the longer holds the shorter, and
 * a text position with both would give two hits.  Returns how many are left (each dropped
 * string freed). */
static size_t drop_covered(char **s, size_t *len, unsigned char *ctx, size_t m)
{
    size_t i, j, k = 0;
    if (m > MAX_COVER)
        return m;   /* only an economy: not worth m * m comparisons */
    for (i = 0; i < m; i++) {
        int drop = 0;
        for (j = 0; j < m && !drop; j++) {
            if (j == i || len[j] > len[i] || (len[j] == len[i] && j > i) || !s[j])
                continue;   /* equal strings are one already; a dropped one covers nothing */
            /* as a prefix or a suffix ("missiles", "anti-missile"): a linear cost */
            drop = covers(s[i], len[i], ctx[i], s[j], len[j], ctx[j], 0) ||
                   covers(s[i], len[i], ctx[i], s[j], len[j], ctx[j], len[i] - len[j]);
        }
        if (drop) {
            tt_free(s[i]);
            s[i] = NULL;
        }
    }
    for (i = 0; i < m; i++)
        if (s[i]) {
            s[k] = s[i];
            len[k] = len[i];
            ctx[k++] = ctx[i];
        }
    return k;
}

typedef struct ctxstr {
    char *s;
    size_t len;
    unsigned char ctx;
} ctxstr;

static int cmp_ctxstr(const void *x, const void *y)
{
    const ctxstr *a = x, *b = y;
    if (a->len != b->len)
        return a->len < b->len ? -1 : 1;
    return memcmp(a->s, b->s, a->len);
}

/* Makes equal strings of s/len/ctx[0..*m) one, with the contexts of each (sorted by length,
 * then bytes).  0, or -1 on out of memory (nothing changed). */
static int merge_equal(char **s, size_t *len, unsigned char *ctx, size_t *m)
{
    ctxstr *v = tt_malloc((*m + 1) * sizeof *v);
    size_t i, k = 0;
    if (!v)
        return -1;
    for (i = 0; i < *m; i++) {
        v[i].s = s[i];
        v[i].len = len[i];
        v[i].ctx = ctx[i];
    }
    qsort(v, *m, sizeof *v, cmp_ctxstr);
    for (i = 0; i < *m; i++) {
        if (k && !cmp_ctxstr(&v[k - 1], &v[i])) {
            v[k - 1].ctx |= v[i].ctx;
            tt_free(v[i].s);
            continue;
        }
        v[k++] = v[i];
    }
    for (i = 0; i < k; i++) {
        s[i] = v[i].s;
        len[i] = v[i].len;
        ctx[i] = v[i].ctx;
    }
    *m = k;
    tt_free(v);
    return 0;
}

/* Moves the strings of set a into *out (an empty tt_litset), each without its word-boundary
 * marks, which become its contexts (out->ctx): a mark before a string says that PCRE2's \b
 * holds just before it in every match that holds it there, so the byte before it is a word
 * byte exactly when its first byte is not one (PCRE2 without UCP: ASCII letters, digits and
 * '_'); a mark after it, likewise for the byte after it.  Marks inside a string are dropped
 * (they tell nothing about the text around it).  Strings equal without their marks become one,
 * with the contexts of each.  0, or -1 on out of memory (a is released either way). */
static int give(parser *p, sset *a, tt_litset *out)
{
    size_t i, j, k, m = 0;
    int marked = 0;
    memset(out, 0, sizeof *out);
    if (a->n && !(out->ctx = tt_calloc(a->n, 1))) {
        sset_free(a);
        return nomem(p);
    }
    for (i = 0; i < a->n && !marked; i++)
        marked = has_mark(a->s[i], a->len[i]);
    for (i = 0; i < a->n; i++) {
        char *t = a->s[i];
        size_t n = a->len[i], lead = 0, trail = 0;
        unsigned before = 3, after = 3, c = 0, x, y;
        if (!marked) {    /* distinct strings, in any context */
            out->ctx[m++] = TT_LIT_CTX_ANY;
            continue;
        }
        while (lead < n && is_mark(t[lead]))
            lead++;
        while (trail < n - lead && is_mark(t[n - 1 - trail]))
            trail++;
        if (lead < n) {
            /* before: bit 0 a byte that is no word byte (or none) may precede, bit 1 a word
             * byte may; a \b before a word byte allows bit 0 only, before another bit 1 */
            int w0 = tt_is_word((unsigned char)t[lead]);
            int w1 = tt_is_word((unsigned char)t[n - 1 - trail]);
            for (j = 0; j < lead; j++)
                before &= (unsigned char)t[j] == WB ? (w0 ? 1u : 2u)
                          : (unsigned char)t[j] == NWB ? 1u : 3u;
            for (j = n - trail; j < n; j++)
                after &= (unsigned char)t[j] == WB ? (w1 ? 1u : 2u)
                         : (unsigned char)t[j] == NWA ? 1u : 3u;
        }
        for (j = k = 0; j < n; j++)
            if (!is_mark(t[j]))
                t[k++] = t[j];
        t[k] = '\0';
        for (x = 0; x < 2; x++)
            for (y = 0; y < 2; y++)
                if ((before >> x & 1) && (after >> y & 1))
                    c |= TT_LIT_CTX(x, y);
        a->s[m] = t;
        a->len[m] = k;
        out->ctx[m++] = (unsigned char)c;
    }
    if (marked && merge_equal(a->s, a->len, out->ctx, &m)) {
        sset_free(a);      /* every string is still its own */
        tt_free(out->ctx);
        out->ctx = NULL;
        return nomem(p);
    }
    m = drop_covered(a->s, a->len, out->ctx, m);
    out->s = a->s;
    out->len = a->len;
    out->n = m;
    memset(a, 0, sizeof *a);
    return 0;
}

/* The top-level branches being recorded (tt_literal_extract_branches); ok drops to 0 when
 * one has no requirement or there are more than max. */
typedef struct brlist {
    tt_litbranch *v;
    size_t n, max;
    int ok;
} brlist;

static void brlist_release(brlist *bl)
{
    while (bl->n > 0) {
        bl->n--;
        tt_litset_release(&bl->v[bl->n].first);
        tt_litset_release(&bl->v[bl->n].second);
    }
}

/* Records a copy of branch x's requirements.  0, or -1 on out of memory. */
static int record(parser *p, const summ *x, brlist *bl)
{
    sset c;
    if (!bl->ok)
        return 0;
    if (!x->has_rq || bl->n == bl->max) {
        bl->ok = 0;
        return 0;
    }
    memset(&c, 0, sizeof c);
    memset(&bl->v[bl->n], 0, sizeof bl->v[bl->n]);
    if (sset_copy(&c, &x->rq) || give(p, &c, &bl->v[bl->n].first))
        return nomem(p);
    if (x->has_rq2 && strong(p, &x->rq2)) {
        if (sset_copy(&c, &x->rq2) || give(p, &c, &bl->v[bl->n].second)) {
            tt_litset_release(&bl->v[bl->n].first);
            return nomem(p);
        }
    }
    bl->n++;
    return 0;
}

/* parse_alt at the top level, recording each branch in bl. */
static int parse_top(parser *p, summ *out, brlist *bl)
{
    summ br;
    if (parse_seq(p, out) || record(p, out, bl)) {
        summ_free(out);
        return -1;
    }
    while (p->pos < p->len && p->s[p->pos] == '|') {
        p->pos++;
        if (parse_seq(p, &br) || record(p, &br, bl) || alt_merge(p, out, &br)) {
            summ_free(&br);
            summ_free(out);
            return -1;
        }
    }
    return 0;
}

/* One extraction pass; see tt_literal_extract_branches. */
static int extract(const unsigned char *s, size_t len, int caseless, size_t min_len,
                   tt_litset *out, tt_litset *out2, brlist *bl, int *saw_i)
{
    parser p;
    summ top;

    memset(&p, 0, sizeof p);
    p.s = s;
    p.len = len;
    p.min_len = min_len;
    p.caseless = caseless & 1;
    p.ks_ok = (caseless & TT_LIT_KS_FOLDED) != 0;
    if (parse_top(&p, &top, bl))
        return p.st == ST_NOMEM ? -1 : 0;
    *saw_i = p.saw_i;
    if (p.pos < p.len || !top.has_rq) {     /* an unmatched ')', or nothing usable */
        summ_free(&top);
        return 0;
    }
    sset_free(&top.ex);
    if (top.has_rq2 && !strong(&p, &top.rq2)) {
        sset_free(&top.rq2);
        top.has_rq2 = 0;
    }
    if (give(&p, &top.rq, out) || (top.has_rq2 && give(&p, &top.rq2, out2))) {
        summ_free(&top);
        tt_litset_release(out);
        return -1;
    }
    return 1;
}

int tt_literal_extract_branches(const char *regex, size_t len, int caseless, size_t min_len,
                                tt_litset *out, tt_litset *out2, tt_litbranch *br, size_t max,
                                size_t *nbr)
{
    const unsigned char *s = (const unsigned char *)regex;
    brlist bl = {br, 0, max, br != NULL};
    int rc, saw_i = 0;

    memset(out, 0, sizeof *out);
    memset(out2, 0, sizeof *out2);
    if (nbr)
        *nbr = 0;
    if (!regex || !utf8_valid(s, len))
        return 0;
    if (min_len < 1)
        min_len = 1;
    rc = extract(s, len, caseless, min_len, out, out2, &bl, &saw_i);
    if (rc == 1 && saw_i && !(caseless & 1)) {
        /* an inline (?i) somewhere: redo the whole pattern as caseless */
        tt_litset_release(out);
        tt_litset_release(out2);
        brlist_release(&bl);
        bl.ok = br != NULL;
        rc = extract(s, len, caseless | 1, min_len, out, out2, &bl, &saw_i);
    }
    if (rc != 1 || !bl.ok || bl.n < 2)
        brlist_release(&bl);
    else if (nbr)
        *nbr = bl.n;
    return rc;
}

int tt_literal_extract2(const char *regex, size_t len, int caseless, size_t min_len,
                        tt_litset *out, tt_litset *out2)
{
    return tt_literal_extract_branches(regex, len, caseless, min_len, out, out2, NULL, 0, NULL);
}


int tt_literal_extract(const char *regex, size_t len, int caseless, size_t min_len,
                       tt_litset *out)
{
    tt_litset second;
    int rc = tt_literal_extract2(regex, len, caseless, min_len, out, &second);
    tt_litset_release(&second);
    return rc;
}

void tt_litset_release(tt_litset *s)
{
    size_t i;
    if (!s)
        return;
    for (i = 0; i < s->n; i++)
        tt_free(s->s[i]);
    tt_free(s->s);
    tt_free(s->len);
    tt_free(s->ctx);
    memset(s, 0, sizeof *s);
}
