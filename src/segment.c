/* segment.c - UTF-8 text -> sentence spans.
 *
 * One forward pass over the bytes; linear time; no heap use except growing the output vector.
 * The scanner looks only at "event" bytes ('.', '!', '?', CR, LF and 0xE2, the first byte of
 * U+2026 HORIZONTAL ELLIPSIS and of the bullets; ')' too inside a "1)" list) while a sentence
 * is open; everything else is skipped sixteen bytes at a time.  Every look back or ahead from an event is bounded
 * (MAX_WORD_SCAN bytes, one word), so the pass stays linear whatever the input.
 *
 * White space: ASCII space, tab, VT, FF, CR, LF, U+00A0 NO-BREAK SPACE, U+3000 IDEOGRAPHIC SPACE.
 * Line ends: LF, CRLF and a lone CR.  A blank line (empty or white space only) ends the sentence
 * and the paragraph.  docs/rules.md ("Sentences") states the rules for users; in short:
 *
 *  A. A terminator cluster is a run of '.', '!', '?' and U+2026, or dots spaced by single spaces
 *     (". . .", three or more), followed by any closing quotes and brackets (" ' ) ] U+00BB
 *     U+2019 U+201D).  It is a candidate end only when white space or the end of the text
 *     follows ("3.5", "U.S.-based", "Jane.Doe@example.com" never are), with one exception: a
 *     single '.', '?' or '!' glued to a capitalised word, maybe after an opening curly quote
 *     ("the island.Tomorrow", "true?Yes", "left.“It", "today.I think") ends the sentence when
 *     the word before is an ordinary word or number (no abbreviation, no "Yahoo!") and the
 *     token holds no '@', '/', ':', '_' or further dotted part (an address, a path, a file).
 *  B. A candidate followed by the end of the text or by a blank line always ends the sentence.
 *  C. Lists: a sentence may start with a bullet (U+2022 U+2023 U+2043 U+25AA U+25CF U+25E6) and
 *     a marker ("1." "1.)" "1)" "a." "b)" "iv." "II)", then white space); the marker never ends
 *     anything.  Inside such a sentence the next marker of the same kind ("2." after "1.", "b."
 *     after "a.", "III." after "II.") starts a new sentence, and so does a bullet after white
 *     space anywhere.
 *  D. Ellipses: dots between brackets ("[...]", "(...)") are never an end; a spaced ". . ."
 *     after white space is an omission inside the sentence, never an end (a fourth dot, or a
 *     period glued to the word before, makes it the end of one).
 *  E. A candidate followed (across spaces or one line end) by an ASCII lowercase letter never
 *     ends it: "said the U.S. would", "“Why now?” he asked", "wait... what".
 *  F. Only a cluster that is exactly one '.' or one '!' is examined further; every other
 *     cluster ('?', "?!", "...", "…", ". . . .", ".”", ".)") ends the sentence.  With W = the
 *     word before it (back to white space, opening quotes and brackets stripped) and N = the
 *     class of the next word (a starter such as "The", "He", "I", "But": the segmenter's
 *     TT_WORD_STARTER words, built in by segment_data.c; a number; a title such as "Mr.", an
 *     abbreviation that never ends; other), a single period:
 *       1. W is "a.m", "p.m", "A.M" or "P.M": ends before a starter; not before a number, a
 *          non-capital or when the time opens the sentence ("At 5 a.m. Mr. Smith went");
 *          otherwise ends only before a title or at a line end ("at 6 P.M. Mr. Smith then",
 *          but "at 9 a.m. Kim said").
 *       2. W is "etc" and a capital follows: ends.
 *       3. W is an abbreviation that never ends ("Mr", "Gen", "e.g"): no end.
 *       4. W is an abbreviation that may end ("Co", "Jr", "Jan", "No") or a dotted acronym
 *          (groups of 1-2 ASCII letters joined by '.', "U.S", "E.U", "Ph.D"): ends before a
 *          starter, and at a line end unless a number follows ("in the U.S. The talks", but
 *          "the U.S. Navy", "Acme Co. Chairman", "No. 5", "Jan.\n5"); a word that is also a
 *          starter and is the whole sentence ends it before any capital ("No. Maybe.").
 *       5. W is one ASCII capital (an initial, or the pronoun "I"): ends only before a starter
 *          ("Lloyd J. Austin", but "you and I. Did you").
 *       6. otherwise the sentence ends.
 *       7. A single '!' ends the sentence unless W is a name that ends in '!' ("Yahoo"): as
 *          in 4 ("Yahoo! Japan said", but "at Yahoo! The company").
 *  G. A line end that does not follow a candidate cluster ends the sentence (headlines,
 *     captions, "TOKYO (Kyodo) --" datelines, "| KYODO" credit lines), unless the next line is
 *     not blank and its first non-space byte is an ASCII lowercase letter (a hard-wrapped
 *     line: the line end is plain white space) and the sentence itself does not start with a
 *     lowercase letter (one item per line: "features\ncontact manager") and the next line does
 *     not start with a list marker ("Contents:\ni. one").
 *
 * There is no length limit: the caller handles over-long sentences.
 */
#include "segment.h"

#include "alloc.h"

#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#if defined(__GNUC__) && defined(__x86_64__)
#include <immintrin.h>
#define HAVE_AVX2_SCAN 1     /* compiled for any x86-64, used when the CPU has AVX2 */
#endif

/* ------------------------------------------------------------------------------------------ */
/* Abbreviations: an open-addressing hash set of strings kept in one byte pool. */

typedef struct abbr_slot {
    size_t off;     /* offset of the word in pool */
    uint32_t len;   /* 0 marks an empty slot (words are never empty) */
    uint32_t hash;
    unsigned kinds; /* tt_abbr_kind bits */
} abbr_slot;

struct tt_segmenter {
    char *pool;          /* the words, back to back, not NUL-terminated */
    size_t pool_len;
    size_t pool_cap;
    abbr_slot *slots;    /* power-of-two sized; at most half full */
    size_t nslots;
    size_t count;
    size_t max_len;      /* longest word: longer candidates are rejected without hashing */
    uint32_t lengths[256]; /* by first byte: bit n set if a word of n bytes (31: or more) */
    int avx2;            /* scan 32 bytes at a time (the CPU has AVX2) */
};

#define MAX_WORD_SCAN 64 /* W longer than this is never special (abbreviation, initial...) */
#define NO_POS ((size_t)-1)

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
    tt_segmenter *seg = tt_calloc(1, sizeof(tt_segmenter));

#ifdef HAVE_AVX2_SCAN
    if (seg)
        seg->avx2 = __builtin_cpu_supports("avx2") != 0;
#endif
    return seg;
}

int tt_segmenter_set_avx2(tt_segmenter *seg, int on)
{
#ifdef HAVE_AVX2_SCAN
    seg->avx2 = on && __builtin_cpu_supports("avx2");
#else
    (void)on;
#endif
    return seg->avx2;
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

/* The slot holding w[0..n), or NULL. */
static abbr_slot *abbr_slot_of(const tt_segmenter *seg, const unsigned char *w, size_t n,
                               uint32_t h)
{
    size_t mask, i;

    if (!seg || seg->count == 0 || n == 0 || n > seg->max_len)
        return NULL;
    mask = seg->nslots - 1;
    for (i = h & mask;; i = (i + 1) & mask) {
        abbr_slot *sl = &seg->slots[i];
        if (sl->len == 0)
            return NULL;
        if (sl->hash == h && sl->len == n && memcmp(seg->pool + sl->off, w, n) == 0)
            return sl;
    }
}

/* The tt_abbr_kind bits of w[0..n), or 0 when it is no segmenter word. */
static unsigned word_kinds(const tt_segmenter *seg, const unsigned char *w, size_t n)
{
    const abbr_slot *sl;

    if (!seg || n == 0 || n > seg->max_len || !(seg->lengths[w[0]] & 1u << (n < 31 ? n : 31)))
        return 0;                 /* most words: no segmenter word of their first byte and length */
    sl = abbr_slot_of(seg, w, n, hash_bytes(w, n));
    return sl ? sl->kinds : 0;
}

/* The abbreviation kind of w[0..n) (a word of both kinds never ends), or 0. */
static int abbr_kind(const tt_segmenter *seg, const unsigned char *w, size_t n)
{
    unsigned k = word_kinds(seg, w, n);

    if (k & TT_ABBR_NEVER_ENDS)
        return TT_ABBR_NEVER_ENDS;
    return (k & TT_ABBR_MAY_END) ? TT_ABBR_MAY_END : 0;
}

static void abbr_place(abbr_slot *slots, size_t nslots, abbr_slot s)
{
    size_t mask = nslots - 1, i;

    for (i = s.hash & mask; slots[i].len != 0; i = (i + 1) & mask)
        ;
    slots[i] = s;
}

int tt_segmenter_add_abbreviation(tt_segmenter *seg, const char *word, size_t len,
                                  tt_abbr_kind kind)
{
    const unsigned char *w = (const unsigned char *)word;
    abbr_slot s, *old;
    uint32_t h;

    if (!seg || !word ||
        (kind != TT_ABBR_NEVER_ENDS && kind != TT_ABBR_MAY_END && kind != TT_WORD_STARTER &&
         kind != TT_WORD_BANG_NAME && kind != (TT_WORD_STARTER | TT_WORD_SUBJECT)))
        return -1;
    if (len > 0 && w[len - 1] == (kind == TT_WORD_BANG_NAME ? '!' : '.') &&
        !(kind & TT_WORD_STARTER))
        len--;
    if (len == 0 || len > 0x7fffffffu)
        return -1;
    h = hash_bytes(w, len);
    if ((old = abbr_slot_of(seg, w, len, h)) != NULL) {
        old->kinds |= (unsigned)kind;
        return 0;
    }

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
    s.kinds = (unsigned)kind;
    abbr_place(seg->slots, seg->nslots, s);
    seg->pool_len += len;
    seg->count++;
    seg->lengths[w[0]] |= 1u << (len < 31 ? len : 31);
    if (len > seg->max_len)
        seg->max_len = len;
    return 0;
}

int tt_segmenter_add_builtin(tt_segmenter *seg, unsigned kinds)
{
    size_t g;

    for (g = 0; g < tt_segment_builtin_count; g++) {
        const char *p = tt_segment_builtin[g].words;

        if (!((unsigned)tt_segment_builtin[g].kind & kinds))
            continue;
        while (*p) {
            size_t n = strcspn(p, " ");
            if (n && tt_segmenter_add_abbreviation(seg, p, n, tt_segment_builtin[g].kind))
                return -1;
            p += n;
            p += *p == ' ';
        }
    }
    return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* Byte classes. */

/* Event bytes: 1 for '.', '!', '?', CR, LF and 0xE2 (possible U+2026 or bullet); 2 for ')',
 * an event only inside a list whose markers end in ')' ("1) a 2) b"). */
static const unsigned char event_tab[256] = {
    ['\n'] = 1, ['\r'] = 1, ['.'] = 1, ['!'] = 1, ['?'] = 1, [0xE2] = 1, [')'] = 2,
};

#ifdef HAVE_AVX2_SCAN
/* The event bytes of mask 1, each repeated 32 times, compared from memory: broadcasting them
 * costs three instructions each per call, and the scan starts again after every event. */
#define R4(c) c, c, c, c
#define R32(c) R4(c), R4(c), R4(c), R4(c), R4(c), R4(c), R4(c), R4(c)
static const unsigned char event_rows[6][32] __attribute__((aligned(32))) = {
    {R32('.')},
    {R32('!')},
    {R32('?')},
    {R32('\n')},
    {R32('\r')},
    {R32(0xE2)},
};
#undef R4
#undef R32

/* The event bytes of mask 1 among the 32 at p, as bits; rows is event_rows. */
__attribute__((target("avx2"))) static inline uint32_t event_bits_avx2(const unsigned char *p,
                                                                     const unsigned char (*rows)[32])
{
#define ROW(i) _mm256_load_si256((const __m256i *)(const void *)rows[i])
    __m256i v = _mm256_loadu_si256((const __m256i *)(const void *)p);
    __m256i m = _mm256_or_si256(
        _mm256_or_si256(_mm256_or_si256(_mm256_cmpeq_epi8(v, ROW(0)), _mm256_cmpeq_epi8(v, ROW(1))),
                        _mm256_or_si256(_mm256_cmpeq_epi8(v, ROW(2)), _mm256_cmpeq_epi8(v, ROW(3)))),
        _mm256_or_si256(_mm256_cmpeq_epi8(v, ROW(4)), _mm256_cmpeq_epi8(v, ROW(5))));
#undef ROW
    return (uint32_t)_mm256_movemask_epi8(m);
}

/* next_event for mask 1 from k < len on a text of at least 32 bytes, 64 bytes at a time.  The
 * scan is most of the segmenter's time on ordinary text: SSE2 takes about 26 instructions per
 * 16 bytes, this about 30 per 64. */
__attribute__((target("avx2"))) static size_t next_event_avx2(const unsigned char *t, size_t k,
                                                              size_t len)
{
    const unsigned char(*rows)[32] = event_rows;
    uint64_t bits;
    size_t at;

    __asm__("" : "+r"(rows));  /* opaque: GCC would turn the rows back into broadcasts */
    for (; len - k >= 64; k += 64) {
        bits = event_bits_avx2(t + k, rows) | (uint64_t)event_bits_avx2(t + k + 32, rows) << 32;
        if (bits)
            return k + (size_t)__builtin_ctzll(bits);
    }
    if (len - k >= 32) {
        if ((bits = event_bits_avx2(t + k, rows)) != 0)
            return k + (size_t)__builtin_ctzll(bits);
        k += 32;
    }
    if (k == len)
        return len;
    at = len - 32;             /* the last 32 bytes; those before k are done (k - at < 32) */
    bits = event_bits_avx2(t + at, rows) >> (k - at);
    return bits ? k + (size_t)__builtin_ctzll(bits) : len;
}
#endif

/* The first event byte at or after k, or len; mask 1 for the usual events, 3 to add ')'.
 * The vector loop serves the usual case; lists of "1)" items are rare enough for bytes. */
static size_t next_event(const tt_segmenter *seg, const unsigned char *t, size_t k, size_t len,
                         unsigned mask)
{
#ifdef HAVE_AVX2_SCAN
    if (mask == 1 && seg && seg->avx2 && len >= 32)
        return k < len ? next_event_avx2(t, k, len) : len;
#else
    (void)seg;
#endif
#ifdef __SSE2__
    const __m128i dot = _mm_set1_epi8('.'), bang = _mm_set1_epi8('!'), q = _mm_set1_epi8('?');
    const __m128i lf = _mm_set1_epi8('\n'), cr = _mm_set1_epi8('\r');
    const __m128i e2 = _mm_set1_epi8((char)0xE2);
    while (mask == 1 && len - k >= 16) {
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
    while (len - k >= 4 && !((event_tab[t[k]] | event_tab[t[k + 1]] | event_tab[t[k + 2]] |
                              event_tab[t[k + 3]]) & mask))
        k += 4;
    while (k < len && !(event_tab[t[k]] & mask))
        k++;
    return k;
}

/* Byte classes: one table lookup for the tests made around every event. */
enum {
    B_SPACE = 1,   /* ASCII white space: space, tab, LF, VT, FF, CR */
    B_LOWER = 2,   /* a-z */
    B_UPPER = 4,   /* A-Z */
    B_DIGIT = 8,   /* 0-9 */
    B_LEAD = 16,   /* 0xC2, 0xE3: may open U+00A0 or U+3000 */
    B_TAIL = 32    /* 0xA0, 0x80: may close them */
};

#define S B_SPACE
#define L B_LOWER
#define U B_UPPER
#define D B_DIGIT
#define M B_LEAD
#define T B_TAIL
static const unsigned char byte_class[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, S, S, S, S, S, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    S, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    D, D, D, D, D, D, D, D, D, D, 0, 0, 0, 0, 0, 0,
    0, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U,
    U, U, U, U, U, U, U, U, U, U, U, 0, 0, 0, 0, 0,
    0, L, L, L, L, L, L, L, L, L, L, L, L, L, L, L,
    L, L, L, L, L, L, L, L, L, L, L, 0, 0, 0, 0, 0,
    T, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    T, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, M, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, M, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};
#undef S
#undef L
#undef U
#undef D
#undef M
#undef T

static int is_lower(unsigned char b) { return byte_class[b] & B_LOWER; }
static int is_upper(unsigned char b) { return byte_class[b] & B_UPPER; }
static int is_alpha(unsigned char b) { return byte_class[b] & (B_LOWER | B_UPPER); }
static int is_digit(unsigned char b) { return byte_class[b] & B_DIGIT; }

/* Width in bytes of the white-space character at t[p], or 0. */
static size_t ws_at(const unsigned char *t, size_t p, size_t len)
{
    unsigned c = byte_class[t[p]];

    if (c & B_SPACE)
        return 1;
    if (!(c & B_LEAD))
        return 0;
    if (t[p] == 0xC2 && p + 1 < len && t[p + 1] == 0xA0)
        return 2;                                               /* U+00A0 */
    if (t[p] == 0xE3 && p + 2 < len && t[p + 1] == 0x80 && t[p + 2] == 0x80)
        return 3;                                               /* U+3000 */
    return 0;
}

/* Width in bytes of a white-space character ending just before t[p] (not before lo), or 0. */
static size_t ws_before(const unsigned char *t, size_t lo, size_t p)
{
    unsigned c;

    if (p <= lo)
        return 0;
    c = byte_class[t[p - 1]];
    if (c & B_SPACE)
        return 1;
    if (!(c & B_TAIL))
        return 0;
    if (t[p - 1] == 0xA0 && p - lo >= 2 && t[p - 2] == 0xC2)
        return 2;
    if (t[p - 1] == 0x80 && p - lo >= 3 && t[p - 2] == 0x80 && t[p - 3] == 0xE3)
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

/* Width of a list bullet at t[p] (U+2022 • U+2023 ‣ U+2043 ⁃ U+25AA ▪ U+25CF ● U+25E6 ◦), or 0. */
static size_t bullet_at(const unsigned char *t, size_t p, size_t len)
{
    unsigned char b1, b2;

    if (p + 2 >= len || t[p] != 0xE2)
        return 0;
    b1 = t[p + 1];
    b2 = t[p + 2];
    if ((b1 == 0x80 && (b2 == 0xA2 || b2 == 0xA3)) || (b1 == 0x81 && b2 == 0x83) ||
        (b1 == 0x96 && b2 == 0xAA) || (b1 == 0x97 && (b2 == 0x8F || b2 == 0xA6)))
        return 3;
    return 0;
}

/* skip_gap beyond its usual cases. */
static size_t skip_gap_loop(const unsigned char *t, size_t p, size_t len, unsigned *nl)
{
    unsigned n = 0;

    while (p < len) {
        unsigned char b = t[p];
        if (!(byte_class[b] & (B_SPACE | B_LEAD))) {
            break;
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

/* Skips white space from p; returns the first non-space position (or len) and counts the line
 * ends crossed in *nl (CRLF counts once).  Two or more means a blank line was crossed.  Inline
 * for the gaps between most sentences: one space, one blank line. */
static inline size_t skip_gap(const unsigned char *t, size_t p, size_t len, unsigned *nl)
{
    if (p + 2 < len && (t[p] == ' ' || (t[p] == '\n' && t[p + 1] == '\n'))) {
        size_t q = p + 1 + (t[p] == '\n');
        if (!(byte_class[t[q]] & (B_SPACE | B_LEAD))) {
            *nl = (unsigned)(q - p - 1) * 2;
            return q;
        }
    }
    return skip_gap_loop(t, p, len, nl);
}

/* End of [s, e) with trailing white space removed (s is not white space). */
static size_t trim_end(const unsigned char *t, size_t s, size_t e)
{
    size_t w;

    while ((w = ws_before(t, s, e)) != 0)
        e -= w;
    return e;
}

/* Start of the run of non-space bytes that ends at t[k] (not before the sentence start s), or
 * NO_POS when it is longer than MAX_WORD_SCAN bytes. */
static size_t token_start(const unsigned char *t, size_t s, size_t k)
{
    size_t ws = k;

    while (ws > s && !(byte_class[t[ws - 1]] & B_SPACE) &&
           !((byte_class[t[ws - 1]] & B_TAIL) && ws_before(t, s, ws))) {
        if (k - ws >= MAX_WORD_SCAN)
            return NO_POS;
        ws--;
    }
    return ws;
}

/* Start of the word W that ends at t[k] (the token, opening quotes and brackets skipped), or
 * NO_POS when the token is too long to be anything special. */
static size_t word_start(const unsigned char *t, size_t s, size_t k)
{
    size_t ws = token_start(t, s, k), o;

    if (ws == NO_POS)
        return NO_POS;
    while (ws < k && (o = opener_at(t, ws, k)) != 0)
        ws += o;
    return ws;
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

/* ------------------------------------------------------------------------------------------ */
/* Lists. */

enum { LIST_NONE, LIST_DOT, LIST_DOTPAREN, LIST_PAREN };
enum { STYLE_NUMBER, STYLE_LETTER, STYLE_ROMAN, STYLE_ROMAN_UPPER };

typedef struct list_state {
    int kind;          /* LIST_*: "1." "1.)" "1)" after which the open sentence started */
    int style;         /* STYLE_*: numbered, lettered ("a." "b."), roman ("i." "ii.", "IV.") */
    unsigned next;     /* the number or letter the next item carries */
} list_state;

static int is_roman_char(unsigned char b)
{
    return b == 'i' || b == 'v' || b == 'x' || b == 'I' || b == 'V' || b == 'X';
}

/* The value (1-39) of w[0..n) as a roman numeral of one case in canonical form ("iv", not
 * "iiii"; "XII", not "Xii"), with its style in *style; or 0. */
static unsigned roman_value(const unsigned char *w, size_t n, int *style)
{
    static const char *const ONES[] = {"", "i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix"};
    unsigned char lower = 0x20 & w[0];
    unsigned v = 0, prev = 0, d;
    size_t i, t;

    if (n == 0 || n > 6)
        return 0;
    for (i = n; i-- > 0;) {
        unsigned char c = w[i] | 0x20;
        if ((w[i] & 0x20) != lower || !is_roman_char(w[i]))
            return 0;
        d = c == 'i' ? 1 : c == 'v' ? 5 : 10;
        if (d < prev)
            v -= d;
        else
            v += d;
        prev = d > prev ? d : prev;
    }
    if (v == 0 || v > 39)
        return 0;
    for (t = 0; t < v / 10; t++)                 /* canonical: the tens, then ONES[v % 10] */
        if ((w[t] | 0x20) != 'x')
            return 0;
    if (n != t + strlen(ONES[v % 10]))
        return 0;
    for (i = 0; i < n - t; i++)
        if ((w[t + i] | 0x20) != ONES[v % 10][i])
            return 0;
    *style = lower ? STYLE_ROMAN : STYLE_ROMAN_UPPER;
    return v;
}

/* A list marker at t[p] ("12." "3.)" "4)" "a." "b)" "iv." "II)": 1-3 digits, one ASCII
 * letter or a roman numeral, then white space): fills *ls and returns its width, or 0 (ls
 * untouched).  prev is the list of the sentence before (LIST_NONE if none): a lone "i" is a
 * roman one unless it follows "h.", and "v" or "x" are roman only after "iv." or "ix.". */
static size_t list_marker(const unsigned char *t, size_t p, size_t len, list_state *ls,
                          const list_state *prev)
{
    size_t q = p;
    unsigned v = 0, r;
    int style = STYLE_NUMBER, rstyle = 0, kind;

    while (q < len && q - p < 3 && is_digit(t[q]))
        v = v * 10 + (unsigned)(t[q++] - '0');
    if (q == p) {
        while (q < len && q - p < 6 && is_alpha(t[q]))
            q++;
        if (q == p || q >= len || (t[q] != '.' && t[q] != ')'))
            return 0;
        r = roman_value(t + p, q - p, &rstyle);
        if (q - p > 1 ||
            (r && prev->kind != LIST_NONE && prev->style == rstyle && prev->next == r) ||
            (r == 1 && !(prev->kind != LIST_NONE && prev->style == STYLE_LETTER &&
                         prev->next == t[p]))) {
            if (!r)
                return 0;
            v = r;
            style = rstyle;
        } else {
            v = t[p];
            style = STYLE_LETTER;
        }
    }
    if (q >= len)
        return 0;
    if (t[q] == '.') {
        q++;
        kind = LIST_DOT;
        if (q < len && t[q] == ')') {
            q++;
            kind = LIST_DOTPAREN;
        }
    } else if (t[q] == ')') {
        q++;
        kind = LIST_PAREN;
    } else {
        return 0;
    }
    if (q >= len || !ws_at(t, q, len))
        return 0;
    ls->kind = kind;
    ls->style = style;
    ls->next = v + 1;
    return q - p;
}

/* open_sentence beyond its usual case. */
static size_t open_item(const unsigned char *t, size_t s, size_t len, list_state *ls)
{
    list_state prev;
    size_t p = s, b;

    if (s < len && is_alpha(t[s])) {   /* the usual case: a word, not "a." "ii)" */
        size_t q = s + 1;
        if (is_roman_char(t[s]))
            while (q < len && q - s < 6 && is_roman_char(t[q]))
                q++;
        if (!(q < len && (t[q] == '.' || t[q] == ')'))) {
            ls->kind = LIST_NONE;
            return s;
        }
    }
    prev = *ls;
    ls->kind = LIST_NONE;
    if (s >= len)
        return s;
    b = bullet_at(t, s, len);
    if (b) {
        p += b;
        while (p < len && (t[p] == ' ' || t[p] == '\t'))
            p++;
    }
    return p + list_marker(t, p, len, ls, &prev);
}

/* Opens a sentence at s: notes a leading bullet and list marker in *ls (which holds the list
 * of the sentence before), and returns where the scan for its end starts (after them, so that
 * "1." cannot end it).  Inline for the usual case, two letters that are no roman numeral. */
static inline size_t open_sentence(const unsigned char *t, size_t s, size_t len, list_state *ls)
{
    if (s + 1 < len && is_alpha(t[s]) && is_alpha(t[s + 1]) && !is_roman_char(t[s + 1])) {
        ls->kind = LIST_NONE;
        return s;
    }
    return open_item(t, s, len, ls);
}

/* Whether the token t[w, k), just before a '.' or ')' at t[k], is the next marker of the list
 * the open sentence [s, ...) started with.  The token must follow white space. */
static int next_list_item(const list_state *ls, const unsigned char *t, size_t s, size_t w,
                          size_t k)
{
    size_t n = k - w, i;
    unsigned v = 0;
    int style = 0;

    if (w == NO_POS || w <= s || n == 0)
        return 0;
    if (ls->style == STYLE_LETTER)
        return n == 1 && t[w] == ls->next;
    if (ls->style != STYLE_NUMBER)
        return roman_value(t + w, n, &style) == ls->next && style == ls->style;
    if (n > 3)
        return 0;
    for (i = w; i < k; i++) {
        if (!is_digit(t[i]))
            return 0;
        v = v * 10 + (unsigned)(t[i] - '0');
    }
    return v == ls->next;
}

/* Whether a list item opens at t[j] ("a) first", "ii. second"): a line that starts with one is
 * a new item, never the hard-wrapped rest of the line before. */
static int opens_list_item(const unsigned char *t, size_t j, size_t len)
{
    list_state ls = {LIST_NONE, STYLE_NUMBER, 0}, none = ls;

    return list_marker(t, j, len, &ls, &none) != 0;
}

/* Whether the first item of a lowercase inline list opens at t[j] ("a. here", "i) one"): after
 * a terminator it starts a new sentence although a lowercase letter follows ("He left. a. the
 * budget b. the base").  Only a first marker: "the U.S. v. Nixon" goes on. */
static int opens_lowercase_list(const unsigned char *t, size_t j, size_t len)
{
    return (t[j] == 'a' || t[j] == 'i') && j + 2 < len && (t[j + 1] == '.' || t[j + 1] == ')') &&
           ws_at(t, j + 2, len);
}

/* ------------------------------------------------------------------------------------------ */
/* The word after a candidate. */

enum { NEXT_OTHER, NEXT_DIGIT, NEXT_STARTER, NEXT_TITLE };

/* Class of the word at t[j] (opening quotes and brackets skipped): a number, a sentence
 * starter, a title (an abbreviation that never ends, with its period: "Mr."), or other. */
static int next_class(const tt_segmenter *seg, const unsigned char *t, size_t j, size_t len)
{
    size_t p = j, q, o;
    unsigned kinds;

    while (p < len && (o = opener_at(t, p, len)) != 0)
        p += o;
    if (p >= len)
        return NEXT_OTHER;
    if (is_digit(t[p]))
        return NEXT_DIGIT;
    if (!is_upper(t[p]))
        return NEXT_OTHER;
    for (q = p; q < len && q - p <= 16 && is_alpha(t[q]); q++)
        ;
    if (q < len && t[q] == '.')
        return abbr_kind(seg, t + p, q - p) == TT_ABBR_NEVER_ENDS ? NEXT_TITLE : NEXT_OTHER;
    /* a starter is a whole word: followed by white space, a comma, a colon, a semicolon or an
     * apostrophe ("It's", "Let’s"); not "A-10", "Théo", "Inter" */
    if (q < len && !ws_at(t, q, len) && t[q] != ',' && t[q] != ';' && t[q] != ':' &&
        !(t[q] == '\'' || (t[q] == 0xE2 && q + 2 < len && t[q + 1] == 0x80 && t[q + 2] == 0x99)))
        return NEXT_OTHER;
    kinds = word_kinds(seg, t + p, q - p);
    if (!(kinds & TT_WORD_STARTER))
        return NEXT_OTHER;
    if (kinds & TT_WORD_SUBJECT) {
        /* a noun is a subject before its verb, a number or a comma ("Officials, however,");
         * before a capital it is a Title Case headline ("U.S. Officials Say") or a name */
        if (q >= len || (t[q] != ',' && (t[q] != ' ' || q + 1 >= len ||
                                         !(is_lower(t[q + 1]) || is_digit(t[q + 1])))))
            return NEXT_OTHER;
    }
    return NEXT_STARTER;
}

/* An abbreviation that may end, or an acronym: the end before a starter, or at a line end
 * unless a number follows ("Jan.\n5"). */
static int may_end(int next, unsigned nl)
{
    return next == NEXT_STARTER || (nl > 0 && next != NEXT_DIGIT);
}

/* Whether the sentence [s, w) so far is only the opening of a time phrase: "At 5", "By
 * around 10:30", "Shortly after 9" - a preposition and at most five words. */
static int time_opens_sentence(const unsigned char *t, size_t s, size_t w)
{
    static const char *const PREPS[] = {"about",   "after", "around", "as",      "at",
                                        "before",  "by",    "from",   "just",    "on",
                                        "shortly", "since", "until",  "starting"};
    char first[12];
    size_t q, n, i, words = 0;

    if (w - s > 48)
        return 0;
    for (q = s; q < w && is_alpha(t[q]) && q - s < sizeof first - 1; q++)
        first[q - s] = (char)(t[q] | 0x20);
    n = q - s;
    if (q < w && !ws_at(t, q, w))
        return 0;
    for (i = 0; i < sizeof PREPS / sizeof *PREPS; i++)
        if (strlen(PREPS[i]) == n && memcmp(PREPS[i], first, n) == 0)
            break;
    if (i == sizeof PREPS / sizeof *PREPS)
        return 0;
    for (q = s; q < w; q++)
        words += ws_at(t, q, w) && !ws_at(t, q + 1, w + 1);
    return words <= 5;
}

/* Whether the word w[0..n) starting at t[ws] is a compass point (N, S, E, W) or a degree
 * (C, F), not an initial: glued to a degree sign ("35.6°N", "-3°C"), or alone after a degree
 * sign and one space ("35.6° N"); C and F also after a plain number ("40.1 C").  Initials follow
 * names, and sometimes numbers ("2 J. Lee, 3 S. Park" in a results table). */
static int is_unit_letter(const unsigned char *t, size_t s, size_t ws, size_t n)
{
    const unsigned char *w = t + ws;
    unsigned char c = w[n - 1];

    if (!memchr("NSEWCF", c, 6))
        return 0;
    if (n >= 4 && w[n - 3] == 0xC2 && w[n - 2] == 0xB0)
        return 1;                                                   /* "35.6°N" */
    if (n != 1 || ws < s + 2 || t[ws - 1] != ' ')
        return 0;
    if (ws >= s + 3 && t[ws - 3] == 0xC2 && t[ws - 2] == 0xB0)
        return 1;                                                   /* "35.6° N" */
    return (c == 'C' || c == 'F') && is_digit(t[ws - 2]);           /* "40.1 C" */
}

/* Rule F for a lone '.' at t[k]; s is the sentence start, nl the line ends crossed after it
 * (0 or 1), j the first byte after the gap (not an ASCII lowercase letter).  Returns 1 if it
 * ends the sentence. */
static int period_ends(const tt_segmenter *seg, const unsigned char *t, size_t len, size_t s,
                       size_t k, unsigned nl, size_t j)
{
    size_t ws = word_start(t, s, k), n;
    const unsigned char *w;
    int kind, next;

    if (ws == NO_POS)
        return 1;                      /* too long to be anything special */
    w = t + ws;
    n = k - ws;
    if (n == 0)
        return 1;

    if (n == 3 && w[1] == '.' && (w[2] == 'm' || w[2] == 'M') &&
        (word_is(w, n, "a.m") || word_is(w, n, "p.m") || word_is(w, n, "A.M") ||
         word_is(w, n, "P.M"))) {                                   /* F1 */
        next = next_class(seg, t, j, len);
        if (next == NEXT_STARTER)
            return 1;
        if (!is_upper(t[j]) || time_opens_sentence(t, s, ws))
            return 0;
        return next == NEXT_TITLE || nl > 0;
    }
    if (is_upper(t[j]) && word_is(w, n, "etc"))
        return 1;                                                   /* F2 */
    kind = abbr_kind(seg, w, n);
    if (kind == TT_ABBR_NEVER_ENDS)
        return 0;                                                   /* F3 */
    if (kind == TT_ABBR_MAY_END || is_dotted_acronym(w, n)) {
        next = next_class(seg, t, j, len);
        if (ws == s && next != NEXT_DIGIT && is_upper(t[j]) &&
            (word_kinds(seg, w, n) & TT_WORD_STARTER))
            return 1;                  /* F4: a starter alone, "No. Maybe.", not "No. 5" */
        if (kind == TT_ABBR_MAY_END && is_lower(w[0]) && is_upper(t[j]))
            return 1;                  /* F4: lowercase, a reference before a number, "no. 5",
                                        * never part of a name: "the deal was no. Abe left" */
        return may_end(next, nl);                                   /* F4 */
    }
    if (is_unit_letter(t, s, ws, n))
        return next_class(seg, t, j, len) != NEXT_DIGIT;            /* F5: "35.6° N. 139.7° E." */
    if (n == 1 && is_upper(w[0]))
        return next_class(seg, t, j, len) == NEXT_STARTER;          /* F5 */
    return 1;                                                       /* F6 */
}

/* Rule F7 for a lone '!' at t[k] (arguments as period_ends): 1 if it ends the sentence. */
static int bang_ends(const tt_segmenter *seg, const unsigned char *t, size_t len, size_t s,
                     size_t k, unsigned nl, size_t j)
{
    size_t ws = word_start(t, s, k);

    if (ws == NO_POS || !(word_kinds(seg, t + ws, k - ws) & TT_WORD_BANG_NAME))
        return 1;
    return may_end(next_class(seg, t, j, len), nl);
}

/* Rule A's exception for a single '.', '?' or '!' at t[k] glued to a capitalised word at
 * t[k + 1], maybe after an opening curly quote ("the island.Tomorrow", "left.“It is over”",
 * "true?Yes", "today.I think", "approved.A vote"): 1 if it ends the sentence [s, ...). */
static int glued_end(const tt_segmenter *seg, const unsigned char *t, size_t len, size_t s,
                     size_t k)
{
    size_t ws, p = k + 1;

    if (p + 2 < len && t[p] == 0xE2 && t[p + 1] == 0x80 && (t[p + 2] == 0x98 || t[p + 2] == 0x9C))
        p += 3;                                                     /* ‘ “ */
    if (p + 1 >= len || !is_upper(t[p]) ||
        !(is_lower(t[p + 1]) || ((t[p] == 'I' || t[p] == 'A') && t[p + 1] == ' ')))
        return 0;
    if ((ws = word_start(t, s, k)) == NO_POS)
        return 0;
    if (k - ws < 2 || !(is_lower(t[k - 1]) || is_digit(t[k - 1])))
        return 0;
    for (p = ws; p < k; p++)
        if (t[p] == '@' || t[p] == '/' || t[p] == ':' || t[p] == '_' || t[p] == '.' ||
            t[p] == '\\')
            return 0;
    if (word_kinds(seg, t + ws, k - ws) &
        (TT_ABBR_NEVER_ENDS | TT_ABBR_MAY_END | TT_WORD_BANG_NAME))
        return 0;                                                   /* "Mr.Abe", "Yahoo!Japan" */
    for (p = k + 1; p < len && p - k < MAX_WORD_SCAN && !ws_at(t, p, len); p++) {
        if (t[p] == '@' || t[p] == '/' || t[p] == ':' || t[p] == '_' || t[p] == '\\')
            return 0;
        if (t[p] == '.' && p + 1 < len && (is_alpha(t[p + 1]) || is_digit(t[p + 1])))
            return 0;                                               /* "Foo.Bar.com" */
    }
    return 1;
}

/* Number of " ." pairs from t[p] that continue a spaced ellipsis (". . ."): each dot is
 * followed by white space, a dot, a closer or the end of the text. */
static size_t spaced_dots(const unsigned char *t, size_t p, size_t len)
{
    size_t n = 0;

    while (p + 1 < len && t[p] == ' ' && t[p + 1] == '.' &&
           (p + 2 == len || ws_at(t, p + 2, len) || t[p + 2] == '.' || closer_at(t, p + 2, len))) {
        n++;
        p += 2;
    }
    return n;
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
    size_t i = 0, s, k, c, j, e, w;
    uint32_t para = 0;
    unsigned nl;
    list_state ls = {LIST_NONE, STYLE_NUMBER, 0};

    out->len = 0;
    if (len == 0)
        return 0;
    if (len >= 3 && t[0] == 0xEF && t[1] == 0xBB && t[2] == 0xBF)
        i = 3;                                                      /* BOM */
    s = skip_gap(t, i, len, &nl);
    i = open_sentence(t, s, len, &ls);
    while (s < len) {
        /* The sentence [s, ...) is open; find the next event byte.  Each branch either goes
         * on scanning from i, or sets e (the sentence end) and j (the next sentence start). */
        k = next_event(seg, t, i, len, ls.kind == LIST_PAREN ? 3 : 1);
        nl = 0;
        if (k == len) {
            e = trim_end(t, s, len);
            j = len;
        } else if (t[k] == '\n' || t[k] == '\r') {                  /* rule G */
            j = skip_gap(t, k, len, &nl);
            if (j < len && nl < 2 && is_lower(t[j]) && !is_lower(t[s]) &&
                !opens_list_item(t, j, len)) {
                i = j;                                              /* hard wrap */
                continue;
            }
            e = trim_end(t, s, k);
        } else if (t[k] == ')') {                                   /* rule C: "1) a 2) b" */
            if (k + 1 >= len || !ws_at(t, k + 1, len) ||
                !next_list_item(&ls, t, s, w = token_start(t, s, k), k)) {
                i = k + 1;
                continue;
            }
            e = trim_end(t, s, w);
            j = w;
        } else if (t[k] == 0xE2 && !is_ellipsis(t, k, len)) {       /* rule C: bullets */
            if (!bullet_at(t, k, len) || !ws_before(t, s, k)) {
                i = k + 1;
                continue;
            }
            e = trim_end(t, s, k);
            j = k;
        } else {                                                    /* rules A-F */
            unsigned dots = 0, marks = 0;
            int spaced = 0, single, bang, glued;

            c = k + 1;
            if (t[k] == '.' && c < len && (byte_class[t[c]] & B_SPACE)) {
                dots = 1;                   /* the usual case: a period, white space */
            } else for (c = k;;) {
                if (c < len && t[c] == '.') {
                    c++;
                    dots++;
                } else if (c < len && (t[c] == '!' || t[c] == '?')) {
                    c++;
                    marks++;
                } else if (is_ellipsis(t, c, len)) {
                    c += 3;
                    dots += 3;
                } else {
                    break;
                }
            }
            if (dots && !marks && c + 1 < len && t[c + 1] == '.' &&
                (w = spaced_dots(t, c, len)) != 0 && dots + w >= 3) {
                c += 2 * w;                                         /* ". . ." */
                dots += (unsigned)w;
                spaced = 1;
            }
            if (dots >= 3 && !marks && k > s && c < len &&
                ((t[k - 1] == '[' && t[c] == ']') || (t[k - 1] == '(' && t[c] == ')'))) {
                i = c + 1;                                          /* "[...]" */
                continue;
            }
            single = dots == 1 && !marks && !spaced;
            bang = marks == 1 && !dots && t[k] == '!';
            glued = single || (marks == 1 && !dots);
            if (single && ls.kind == LIST_DOTPAREN && c < len && t[c] == ')' &&
                c + 1 < len && ws_at(t, c + 1, len) &&
                next_list_item(&ls, t, s, w = token_start(t, s, k), k)) {
                e = trim_end(t, s, w);                              /* "2.)" */
                j = w;
                goto end_sentence;
            }
            while (c < len && t[c] != ' ' && (w = closer_at(t, c, len)) != 0) {
                c += w;
                single = bang = glued = 0;
            }
            if (c < len && !ws_at(t, c, len)) {
                if (glued && glued_end(seg, t, len, s, k)) {
                    e = j = c;                                      /* "island.Tomorrow" */
                    goto end_sentence;
                }
                i = c;                                              /* "3.5", "U.S." */
                continue;
            }
            if (single && ls.kind == LIST_DOT &&
                next_list_item(&ls, t, s, w = token_start(t, s, k), k)) {
                e = trim_end(t, s, w);                              /* "2." */
                j = w;
                goto end_sentence;
            }
            j = skip_gap(t, c, len, &nl);
            if (j < len && nl < 2 &&
                ((spaced && dots == 3 && ws_before(t, s, k)) ||     /* " . . . " */
                 (is_lower(t[j]) && !opens_lowercase_list(t, j, len)) ||
                 (single && !period_ends(seg, t, len, s, k, nl, j)) ||
                 (bang && !bang_ends(seg, t, len, s, k, nl, j)))) {
                i = j;
                continue;
            }
            e = c;
        }
    end_sentence:
        if (emit(out, s, e, para) != 0) {
            out->len = 0;
            return -1;
        }
        if (nl >= 2)
            para++;
        s = j;
        i = open_sentence(t, s, len, &ls);
    }
    return 0;
}
