/* segment.c - UTF-8 text -> sentence spans.
 *
 * One forward pass over the bytes; linear time; no heap use except growing the output vector.
 * The scanner looks only at "event" bytes ('.', '!', '?', CR, LF and 0xE2, the first byte of
 * U+2026 HORIZONTAL ELLIPSIS) while a sentence is open; everything else is copied over by a
 * table-driven loop.
 *
 * White space: ASCII space, tab, VT, FF, CR, LF, U+00A0 NO-BREAK SPACE, U+3000 IDEOGRAPHIC SPACE.
 * Line ends: LF, CRLF and a lone CR.  A blank line (empty or white space only) ends the sentence
 * and the paragraph.
 *
 * Rules, in the order they are applied:
 *
 *  A. A terminator cluster is a run of '.', '!', '?' and U+2026 followed by any closing quotes
 *     and brackets (" ' ) ] U+00BB U+2019 U+201D).  It is a candidate end only when it is
 *     followed by white space or the end of the text ("3.5", "U.S.-based", "10.30" never are).
 *  B. A candidate followed by the end of the text or by a blank line always ends the sentence.
 *  C. A candidate followed (across spaces or one line end) by an ASCII lowercase letter never
 *     ends it: "said the U.S. would", "“Why now?” he asked", "wait... what", and hard-wrapped
 *     lines whose last word carries a period.
 *  D. Only a cluster that is exactly one '.' (no other terminator, no closer) is then examined
 *     further; every other cluster ('?', '!', "?!", "...", "…", ".”", ".)") ends the sentence.
 *     For the single period, with W = the run of non-space bytes before it (within the
 *     sentence) after stripping opening quotes and brackets (" ' ( [ { U+00AB U+2018 U+201C):
 *       1. W is "a.m", "p.m", "A.M", "P.M" or "etc" and the next character is an ASCII capital:
 *          the sentence ends ("at 10 a.m. The ministers met" ends after "a.m.").  This is
 *          checked before the abbreviation list, so it holds even if "etc." is listed.
 *       2. W is in the segmenter's abbreviation list (exact, case-sensitive): no end, whatever
 *          follows (space or line end): "Mr. Smith", "the No. 2 official", "Lt. Gen. Ito".
 *       3. W is one ASCII capital letter (an initial): no end ("Lloyd J. Austin").
 *       4. W is a dotted acronym (two or more groups of 1-2 ASCII letters joined by '.', e.g.
 *          "U.S", "U.N", "e.g", "i.e", "a.m", "Ph.D"): no end when followed on the same line
 *          ("the U.S. Navy", and also, by design, "in the U.S. The"); at a line end rule E
 *          decides, i.e. it ends (the next line does not start in lowercase, see C).
 *       5. otherwise the sentence ends.
 *  E. A line end that does not follow a candidate cluster ends the sentence (headlines,
 *     captions, "TOKYO (Kyodo) --" datelines, "| KYODO" credit lines), unless the next line is
 *     not blank and its first non-space byte is an ASCII lowercase letter (a hard-wrapped
 *     line: the line end is plain white space).
 *
 * There is no length limit: the caller handles over-long sentences.
 */
#include "segment.h"

#include "alloc.h"

#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* ------------------------------------------------------------------------------------------ */
/* Abbreviations: an open-addressing hash set of strings kept in one byte pool. */

typedef struct abbr_slot {
    size_t off;     /* offset of the word in pool */
    uint32_t len;   /* 0 marks an empty slot (words are never empty) */
    uint32_t hash;
} abbr_slot;

struct tt_segmenter {
    char *pool;          /* the words, back to back, not NUL-terminated */
    size_t pool_len;
    size_t pool_cap;
    abbr_slot *slots;    /* power-of-two sized; at most half full */
    size_t nslots;
    size_t count;
    size_t max_len;      /* longest word: longer candidates are rejected without hashing */
};

#define MAX_WORD_SCAN 64 /* W longer than this is never special (abbreviation, initial...) */

static uint32_t hash_bytes(const unsigned char *s, size_t n)
{
    uint32_t h = 2166136261u;    /* FNV-1a */
    size_t i;

    for (i = 0; i < n; i++) {
        h ^= s[i];
        h *= 16777619u;
    }
    return h;
}

tt_segmenter *tt_segmenter_new(void)
{
    return tt_calloc(1, sizeof(tt_segmenter));
}

void tt_segmenter_free(tt_segmenter *seg)
{
    if (!seg)
        return;
    tt_free(seg->pool);
    tt_free(seg->slots);
    tt_free(seg);
}

void tt_span_vec_release(tt_span_vec *vec)
{
    if (!vec)
        return;
    tt_free(vec->v);
    vec->v = NULL;
    vec->len = 0;
    vec->cap = 0;
}

static int abbr_find(const tt_segmenter *seg, const unsigned char *w, size_t n, uint32_t h)
{
    size_t mask, i;

    if (!seg || seg->count == 0 || n == 0 || n > seg->max_len)
        return 0;
    mask = seg->nslots - 1;
    for (i = h & mask;; i = (i + 1) & mask) {
        const abbr_slot *sl = &seg->slots[i];
        if (sl->len == 0)
            return 0;
        if (sl->hash == h && sl->len == n && memcmp(seg->pool + sl->off, w, n) == 0)
            return 1;
    }
}

static void abbr_place(abbr_slot *slots, size_t nslots, abbr_slot s)
{
    size_t mask = nslots - 1, i;

    for (i = s.hash & mask; slots[i].len != 0; i = (i + 1) & mask)
        ;
    slots[i] = s;
}

int tt_segmenter_add_abbreviation(tt_segmenter *seg, const char *word, size_t len)
{
    const unsigned char *w = (const unsigned char *)word;
    abbr_slot s;
    uint32_t h;

    if (!seg || !word)
        return -1;
    if (len > 0 && w[len - 1] == '.')
        len--;
    if (len == 0 || len > 0x7fffffffu)
        return -1;
    h = hash_bytes(w, len);
    if (abbr_find(seg, w, len, h))
        return 0;                              /* already there */

    /* Make room first, so that a failure leaves the set as it was. */
    if ((seg->count + 1) * 2 > seg->nslots) {
        size_t nn = seg->nslots ? seg->nslots * 2 : 16, i;
        abbr_slot *ns;

        if (nn > ((size_t)-1) / sizeof(abbr_slot))
            return -1;
        ns = tt_calloc(nn, sizeof(abbr_slot));
        if (!ns)
            return -1;
        for (i = 0; i < seg->nslots; i++)
            if (seg->slots[i].len)
                abbr_place(ns, nn, seg->slots[i]);
        tt_free(seg->slots);
        seg->slots = ns;
        seg->nslots = nn;
    }
    if (seg->pool_len + len < seg->pool_len)
        return -1;
    if (tt_grow(&seg->pool, &seg->pool_cap, seg->pool_len + len, 1) != 0)
        return -1;
    memcpy(seg->pool + seg->pool_len, w, len);
    s.off = seg->pool_len;
    s.len = (uint32_t)len;
    s.hash = h;
    abbr_place(seg->slots, seg->nslots, s);
    seg->pool_len += len;
    seg->count++;
    if (len > seg->max_len)
        seg->max_len = len;
    return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* Byte classes. */

/* 1: '.', '!', '?', CR, LF or 0xE2 (possible U+2026) */
static const unsigned char event_tab[256] = {
    ['\n'] = 1, ['\r'] = 1, ['.'] = 1, ['!'] = 1, ['?'] = 1, [0xE2] = 1,
};

/* The first event byte at or after k, or len. */
static size_t next_event(const unsigned char *t, size_t k, size_t len)
{
#ifdef __SSE2__
    const __m128i dot = _mm_set1_epi8('.'), bang = _mm_set1_epi8('!'), q = _mm_set1_epi8('?');
    const __m128i lf = _mm_set1_epi8('\n'), cr = _mm_set1_epi8('\r');
    const __m128i e2 = _mm_set1_epi8((char)0xE2);
    while (len - k >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(t + k));
        __m128i m = _mm_or_si128(
            _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, dot), _mm_cmpeq_epi8(v, bang)),
                         _mm_or_si128(_mm_cmpeq_epi8(v, q), _mm_cmpeq_epi8(v, lf))),
            _mm_or_si128(_mm_cmpeq_epi8(v, cr), _mm_cmpeq_epi8(v, e2)));
        unsigned bits = (unsigned)_mm_movemask_epi8(m);
        if (bits)
            return k + (size_t)__builtin_ctz(bits);
        k += 16;
    }
#endif
    while (len - k >= 4 && !(event_tab[t[k]] | event_tab[t[k + 1]] | event_tab[t[k + 2]] |
                             event_tab[t[k + 3]]))
        k += 4;
    while (k < len && !event_tab[t[k]])
        k++;
    return k;
}

static int is_lower(unsigned char b) { return b >= 'a' && b <= 'z'; }
static int is_upper(unsigned char b) { return b >= 'A' && b <= 'Z'; }
static int is_alpha(unsigned char b) { return is_lower(b) || is_upper(b); }

/* Width in bytes of the white-space character at t[p], or 0. */
static size_t ws_at(const unsigned char *t, size_t p, size_t len)
{
    unsigned char b = t[p];

    if (b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == '\v' || b == '\f')
        return 1;
    if (b == 0xC2 && p + 1 < len && t[p + 1] == 0xA0)
        return 2;                                               /* U+00A0 */
    if (b == 0xE3 && p + 2 < len && t[p + 1] == 0x80 && t[p + 2] == 0x80)
        return 3;                                               /* U+3000 */
    return 0;
}

/* Width in bytes of a white-space character ending just before t[p] (not before lo), or 0. */
static size_t ws_before(const unsigned char *t, size_t lo, size_t p)
{
    unsigned char b;

    if (p <= lo)
        return 0;
    b = t[p - 1];
    if (b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == '\v' || b == '\f')
        return 1;
    if (b == 0xA0 && p - lo >= 2 && t[p - 2] == 0xC2)
        return 2;
    if (b == 0x80 && p - lo >= 3 && t[p - 2] == 0x80 && t[p - 3] == 0xE3)
        return 3;
    return 0;
}

/* Width of an opening quote or bracket at t[p], or 0. */
static size_t opener_at(const unsigned char *t, size_t p, size_t end)
{
    unsigned char b = t[p];

    if (b == '"' || b == '\'' || b == '(' || b == '[' || b == '{')
        return 1;
    if (b == 0xC2 && p + 1 < end && t[p + 1] == 0xAB)
        return 2;                                               /* U+00AB « */
    if (b == 0xE2 && p + 2 < end && t[p + 1] == 0x80 && (t[p + 2] == 0x98 || t[p + 2] == 0x9C))
        return 3;                                               /* U+2018 ‘ U+201C “ */
    return 0;
}

/* Width of a closing quote or bracket at t[p], or 0. */
static size_t closer_at(const unsigned char *t, size_t p, size_t len)
{
    unsigned char b = t[p];

    if (b == '"' || b == '\'' || b == ')' || b == ']')
        return 1;
    if (b == 0xC2 && p + 1 < len && t[p + 1] == 0xBB)
        return 2;                                               /* U+00BB » */
    if (b == 0xE2 && p + 2 < len && t[p + 1] == 0x80 && (t[p + 2] == 0x99 || t[p + 2] == 0x9D))
        return 3;                                               /* U+2019 ’ U+201D ” */
    return 0;
}

static int is_ellipsis(const unsigned char *t, size_t p, size_t len)
{
    return p + 2 < len && t[p] == 0xE2 && t[p + 1] == 0x80 && t[p + 2] == 0xA6;
}

/* Skips white space from p; returns the first non-space position (or len) and counts the line
 * ends crossed in *nl (CRLF counts once).  Two or more means a blank line was crossed. */
static size_t skip_gap(const unsigned char *t, size_t p, size_t len, unsigned *nl)
{
    unsigned n = 0;

    while (p < len) {
        unsigned char b = t[p];
        if (b == ' ' || b == '\t') {
            p++;
        } else if (b == '\n') {
            n += n < 2;
            p++;
        } else if (b == '\r') {
            n += n < 2;
            p += (p + 1 < len && t[p + 1] == '\n') ? 2 : 1;
        } else {
            size_t w = ws_at(t, p, len);
            if (!w)
                break;
            p += w;
        }
    }
    *nl = n;
    return p;
}

/* End of [s, e) with trailing white space removed (s is not white space). */
static size_t trim_end(const unsigned char *t, size_t s, size_t e)
{
    size_t w;

    while ((w = ws_before(t, s, e)) != 0)
        e -= w;
    return e;
}

/* "U.S", "e.g", "Ph.D": groups of 1-2 ASCII letters joined by single periods, >= 2 groups. */
static int is_dotted_acronym(const unsigned char *w, size_t n)
{
    size_t i = 0, groups = 0;

    while (i < n) {
        size_t g = 0;
        while (i < n && is_alpha(w[i])) {
            i++;
            g++;
        }
        if (g == 0 || g > 2)
            return 0;
        groups++;
        if (i == n)
            break;
        if (w[i] != '.')
            return 0;
        i++;
        if (i == n)
            return 0;                  /* "U.." cannot happen (W precedes a single '.') */
    }
    return groups >= 2;
}

static int word_is(const unsigned char *w, size_t n, const char *lit)
{
    size_t m = strlen(lit);
    return n == m && memcmp(w, lit, m) == 0;
}

/* Rule D for a lone '.' at t[k]; s is the sentence start, nl the line ends crossed after it
 * (0 or 1), next the first byte after the gap (not ASCII lowercase).  Returns 1 if it ends. */
static int period_ends(const tt_segmenter *seg, const unsigned char *t, size_t s, size_t k,
                       unsigned nl, unsigned char next)
{
    size_t ws = k, o;
    const unsigned char *w;
    size_t n;

    while (ws > s && !ws_before(t, s, ws)) {
        if (k - ws >= MAX_WORD_SCAN)
            return 1;                  /* too long to be anything special */
        ws--;
    }
    while (ws < k && (o = opener_at(t, ws, k)) != 0)
        ws += o;
    w = t + ws;
    n = k - ws;
    if (n == 0)
        return 1;

    /* D1: "at 10 a.m. The ministers..." - a.m./p.m./etc. before a capital end the sentence:
     * they are often the last word of a sentence, and a following capital is a stronger sign
     * of a new sentence than of a name. */
    if (is_upper(next) && (word_is(w, n, "a.m") || word_is(w, n, "p.m") ||
                           word_is(w, n, "A.M") || word_is(w, n, "P.M") || word_is(w, n, "etc")))
        return 1;
    if (n <= MAX_WORD_SCAN && abbr_find(seg, w, n, hash_bytes(w, n)))
        return 0;                                                   /* D2 */
    if (n == 1 && is_upper(w[0]))
        return 0;                                                   /* D3 */
    if (is_dotted_acronym(w, n))
        return nl > 0;                                              /* D4 */
    return 1;                                                       /* D5 */
}

static int emit(tt_span_vec *out, size_t s, size_t e, uint32_t para)
{
    tt_span *sp;

    if (out->len == out->cap && tt_grow(&out->v, &out->cap, out->len + 1, sizeof(tt_span)) != 0)
        return -1;
    sp = &out->v[out->len++];
    sp->start = s;
    sp->end = e;
    sp->paragraph = para;
    return 0;
}

int tt_segment_text(const tt_segmenter *seg, const char *text, size_t len, tt_span_vec *out)
{
    const unsigned char *t = (const unsigned char *)text;
    size_t i = 0, s, k, c, j, e;
    uint32_t para = 0;
    unsigned nl;

    out->len = 0;
    if (len == 0)
        return 0;
    if (len >= 3 && t[0] == 0xEF && t[1] == 0xBB && t[2] == 0xBF)
        i = 3;                                                      /* BOM */
    i = skip_gap(t, i, len, &nl);
    s = i;
    while (s < len) {
        /* The sentence [s, ...) is open; find the next event byte. */
        k = next_event(t, i, len);
        if (k == len) {
            e = trim_end(t, s, len);
            j = len;
            nl = 0;
        } else if (t[k] == '\n' || t[k] == '\r') {                  /* rule E */
            j = skip_gap(t, k, len, &nl);
            if (j < len && nl < 2 && is_lower(t[j])) {
                i = j;                                              /* hard wrap */
                continue;
            }
            e = trim_end(t, s, k);
        } else if (t[k] == 0xE2 && !is_ellipsis(t, k, len)) {
            i = k + 1;                                              /* other U+20xx */
            continue;
        } else {                                                    /* rules A-D */
            int single = t[k] == '.';
            size_t w;

            c = k;
            for (;;) {
                if (t[c] == '.' || t[c] == '!' || t[c] == '?')
                    c++;
                else if (is_ellipsis(t, c, len))
                    c += 3;
                else
                    break;
                if (c >= len)
                    break;
            }
            single = single && c == k + 1;
            while (c < len && (w = closer_at(t, c, len)) != 0) {
                c += w;
                single = 0;
            }
            if (c < len && !ws_at(t, c, len)) {
                i = c;                                              /* "3.5", "U.S." */
                continue;
            }
            j = skip_gap(t, c, len, &nl);
            if (j < len && nl < 2 &&
                (is_lower(t[j]) || (single && !period_ends(seg, t, s, k, nl, t[j])))) {
                i = j;
                continue;
            }
            e = c;
        }
        if (emit(out, s, e, para) != 0) {
            out->len = 0;
            return -1;
        }
        if (nl >= 2)
            para++;
        s = i = j;
    }
    return 0;
}
