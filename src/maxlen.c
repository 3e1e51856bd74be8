/* maxlen.c - the longest match of a PCRE2 pattern (see maxlen.h).
 *
 * A walk of the source, conservative wherever it is cheap to be: any character that is not a
 * literal ASCII byte ('.', \w, a class, a non-ASCII letter that caseless matching may fold to
 * a longer one) counts as four bytes, the most a UTF-8 character takes.  A lookaround counts as
 * nothing (its text is not part of the match), and so do anchors and \b. */
#include "maxlen.h"

#include <string.h>

#include "ascii.h"

#define UNB TT_MAXLEN_UNBOUNDED

typedef struct walker {
    const unsigned char *p, *e;
    int refuse;                /* the search must start where it did */
    int depth;
} walker;

static size_t add(size_t a, size_t b) { return a == UNB || b == UNB || a + b < a ? UNB : a + b; }

static size_t mul(size_t a, size_t n)
{
    if (a == 0 || n == 0)
        return 0;
    if (a == UNB || n == UNB || a > UNB / n)
        return UNB;
    return a * n;
}

static size_t refuse(walker *w)
{
    w->refuse = 1;
    w->p = w->e;
    return UNB;
}

static size_t utf8_len(unsigned char c)
{
    return c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
}

static size_t alternation(walker *w);

/* Skips {...} after \x, \o, \p, \P, \N; 1 when there was one. */
static int braces(walker *w)
{
    if (w->p < w->e && *w->p == '{') {
        while (w->p < w->e && *w->p != '}')
            w->p++;
        if (w->p < w->e)
            w->p++;
        return 1;
    }
    return 0;
}

/* An escape at w->p ('\\'); its longest match. */
static size_t escape(walker *w)
{
    unsigned char c;
    if (w->p + 1 >= w->e)
        return refuse(w);
    c = w->p[1];
    w->p += 2;
    switch (c) {
    case 'b': case 'B': case 'A': case 'z': case 'Z': case 'E':
        return 0;
    case 'G': case 'K': case 'Q':
        return refuse(w);
    case 'X':             /* a grapheme cluster */
    case 'g': case 'k':   /* back references */
        return UNB;
    case 'R':             /* \r\n, or one vertical space: U+2028 and U+2029 take 3 bytes */
        return 3;
    case 'x': case 'o': case 'p': case 'P':
        if (!braces(w)) {   /* \xhh, \pL */
            size_t k;
            for (k = 0; k < 2 && w->p < w->e && (c == 'x' ? tt_is_xdigit(*w->p) : k == 0); k++)
                w->p++;
        }
        return 4;
    case 'c':
        if (w->p < w->e)
            w->p++;
        return 1;
    default:
        if (c >= '1' && c <= '9')
            return UNB;   /* a back reference (or an octal escape: bounded, but rare) */
        if (c == 'N' && w->p < w->e && *w->p == '{')
            return refuse(w);
        if (c >= 0x80)
            return refuse(w);
        return strchr("dswhvDSWHVNC", c) ? 4 : 1;
    }
}

/* A class at w->p ('['): 1 when it can only match ASCII bytes, else 4. */
static size_t char_class(walker *w)
{
    size_t n = 1;
    w->p++;
    if (w->p < w->e && *w->p == '^') {
        n = 4;
        w->p++;
    }
    if (w->p < w->e && *w->p == ']')
        w->p++;
    while (w->p < w->e && *w->p != ']') {
        if (*w->p == '[' && w->p + 1 < w->e && w->p[1] == ':') {   /* [:alpha:] */
            const unsigned char *q = w->p + 2;
            while (q + 1 < w->e && !(q[0] == ':' && q[1] == ']'))
                q++;
            if (q + 1 >= w->e)
                return refuse(w);
            w->p = q + 2;
            n = 4;
            continue;
        }
        if (*w->p == '\\') {
            if (w->p + 1 >= w->e)
                return refuse(w);
            if (w->p[1] >= 0x80 || tt_is_alnum(w->p[1]))
                n = 4;   /* \w, \x{..}, \p{..}, an octal byte: perhaps not ASCII */
            w->p += 2;
            continue;
        }
        if (*w->p >= 0x80)
            n = 4;
        w->p++;
    }
    if (w->p >= w->e)
        return refuse(w);
    w->p++;
    return n;
}

/* Skips a group name up to end; 0 when there is none. */
static int name(walker *w, unsigned char end)
{
    while (w->p < w->e && *w->p != end)
        w->p++;
    if (w->p >= w->e)
        return 0;
    w->p++;
    return 1;
}

/* A group at w->p ('('). */
static size_t group(walker *w)
{
    int look = 0;
    size_t n;
    w->p++;
    if (w->p < w->e && *w->p == '*')
        return refuse(w);   /* (*VERB), (*positive_lookahead: ...) */
    if (w->p < w->e && *w->p == '?') {
        unsigned char c;
        if (++w->p >= w->e)
            return refuse(w);
        c = *w->p;
        if (c == ':' || c == '>' || c == '|') {
            w->p++;
        } else if (c == '=' || c == '!') {
            look = 1;
            w->p++;
        } else if (c == '<' && w->p + 1 < w->e && (w->p[1] == '=' || w->p[1] == '!')) {
            look = 1;
            w->p += 2;
        } else if (c == '<' || c == '\'') {
            w->p++;
            if (!name(w, c == '<' ? '>' : '\''))
                return refuse(w);
        } else if (c == 'P' && w->p + 1 < w->e && w->p[1] == '<') {
            w->p += 2;
            if (!name(w, '>'))
                return refuse(w);
        } else if (c == '#') {
            if (!name(w, ')'))
                return refuse(w);
            return 0;
        } else {
            /* options: (?i) (?-i) (?i:...); extended syntax and the rest are not followed */
            while (w->p < w->e && strchr("imnsJU-^", *w->p) && *w->p)
                w->p++;
            if (w->p >= w->e || (*w->p != ')' && *w->p != ':'))
                return refuse(w);
            if (*w->p++ == ')')
                return 0;
        }
    }
    if (++w->depth > 200)
        return refuse(w);
    n = alternation(w);
    w->depth--;
    if (w->p >= w->e || *w->p != ')')
        return refuse(w);
    w->p++;
    return look ? 0 : n;
}

/* A quantifier after an atom: how many times it may repeat (1 when there is none). */
static size_t quantifier(walker *w)
{
    size_t n = 1;
    const unsigned char *q;
    if (w->p >= w->e)
        return 1;
    if (*w->p == '?')
        n = 1;
    else if (*w->p == '*' || *w->p == '+')
        n = UNB;
    else if (*w->p == '{') {
        size_t lo = 0, hi = 0;
        int have_lo = 0, have_hi = 0, comma = 0;
        for (q = w->p + 1; q < w->e && *q >= '0' && *q <= '9'; q++, have_lo = 1)
            lo = lo < 100000 ? lo * 10 + (size_t)(*q - '0') : lo;
        if (q < w->e && *q == ',') {
            comma = 1;
            for (q++; q < w->e && *q >= '0' && *q <= '9'; q++, have_hi = 1)
                hi = hi < 100000 ? hi * 10 + (size_t)(*q - '0') : hi;
        }
        if (q >= w->e || *q != '}' || (!have_lo && !have_hi))
            return 1;   /* not a quantifier: a literal '{', read as an atom next */
        if (!have_lo) {   /* {,m}: its meaning depends on the PCRE2 version */
            refuse(w);
            return 1;
        }
        n = !comma ? lo : have_hi ? hi : UNB;
        w->p = q;
    } else {
        return 1;
    }
    w->p++;
    if (w->p < w->e && (*w->p == '?' || *w->p == '+'))
        w->p++;
    return n;
}

static size_t sequence(walker *w)
{
    size_t total = 0;
    while (w->p < w->e && *w->p != '|' && *w->p != ')') {
        size_t a;
        switch (*w->p) {
        case '(': a = group(w); break;
        case '[': a = char_class(w); break;
        case '\\': a = escape(w); break;
        case '.': a = 4; w->p++; break;
        case '^': case '$': a = 0; w->p++; break;
        default:
            a = utf8_len(*w->p);
            w->p += a;
            if (a > 1)
                a = 4;   /* caseless, a non-ASCII letter may fold to a longer one */
            break;
        }
        total = add(total, mul(a, quantifier(w)));
    }
    return total;
}

static size_t alternation(walker *w)
{
    size_t most = sequence(w);
    while (w->p < w->e && *w->p == '|') {
        size_t n;
        w->p++;
        n = sequence(w);
        if (n > most)
            most = n;
    }
    return most;
}

int tt_regex_max_length(const char *regex, size_t len, size_t *max)
{
    walker w;
    size_t n;
    w.p = (const unsigned char *)regex;
    w.e = w.p + len;
    w.refuse = 0;
    w.depth = 0;
    n = alternation(&w);
    if (w.refuse || w.p != w.e)
        return -1;
    *max = n;
    return 0;
}

int tt_regex_branch_max_lengths(const char *regex, size_t len, size_t *max, size_t cap, size_t *n)
{
    walker w;
    w.p = (const unsigned char *)regex;
    w.e = w.p + len;
    w.refuse = 0;
    w.depth = 0;
    *n = 0;
    for (;;) {
        size_t m = sequence(&w);
        if (*n == cap)
            return -1;
        max[(*n)++] = m;
        if (w.p >= w.e || *w.p != '|')
            break;
        w.p++;
    }
    return w.refuse || w.p != w.e ? -1 : 0;
}
