/* litpat.h - patterns that are literal sets: decided by the literal prefilter alone.  Internal.
 *
 * A pattern such as \b(?:Futenma|Henoko|Camp Schwab)\b, or Defen[cs]e Cooperation,? Agreement,
 * is, once its classes, '?' and groups are multiplied out, an ordered list of byte strings with
 * word-boundary conditions at their two ends (and perhaps a negative lookahead of strings after
 * the end: \bwar\b(?! on drugs)).  PCRE2 finds its leftmost match, and at that start
 * the first string of the list that fits (leftmost-first, backtracking order); every one of the
 * strings is a prefilter literal, so the literal hits give every position where a match can
 * start, and tt_litpat_match() decides the matches from them exactly as PCRE2 would. */
#ifndef TT_LITPAT_H
#define TT_LITPAT_H

#include <stddef.h>
#include <stdint.h>

/* What the character before (or after) a string must be. */
enum { TT_LP_ANY = 0, TT_LP_WORD = 1, TT_LP_NONWORD = 2 };

typedef struct tt_litalt {
    unsigned char *s;          /* the bytes as written (case kept) */
    size_t len;                /* >= 1 */
    unsigned char pre, post;   /* TT_LP_*: the character before s, the one after it */
    uint32_t neg;              /* 0, or k + 1: none of the strings of tt_litpat.neg[k] may
                                  follow s (a (?!...) at the end of its alternative) */
} tt_litalt;

/* The strings of a negative lookahead, (?! on drugs|bikes?), multiplied out. */
typedef struct tt_litneg {
    unsigned char **s;
    size_t *len;
    size_t n;
} tt_litneg;

/* The longest string of a literal set, in bytes: a longer one leaves its pattern to PCRE2. */
#define TT_LITPAT_MAX_LEN 64

typedef struct tt_litpat {
    tt_litalt *alt;            /* in PCRE2's order of preference */
    size_t n;
    int caseless;              /* ASCII letters compare caseless */
    uint32_t *first;           /* by first byte (folded when caseless), the alts that start
                                  with it, in order: byfirst[first[c] .. first[c + 1]) */
    uint32_t *byfirst;
    tt_litneg *neg;            /* the lookaheads that alternatives refer to */
    size_t nneg;
} tt_litpat;

/* Multiplies out regex (PCRE2 syntax, UTF, caseless when caseless != 0).  Returns 1 when it is
 * a literal set of at most max_alts strings, each at least min_len bytes (*out filled), 0 when it
 * is not (*out empty), -1 on out of memory (*out empty). */
int tt_litpat_parse(const char *regex, size_t len, int caseless, size_t max_alts, size_t min_len,
                    tt_litpat *out);

/* Frees the strings of lp and empties it; NULL is a no-op. */
void tt_litpat_release(tt_litpat *lp);

/* The match PCRE2 would find at text[at ..] with a subject that ends at end (it sees the
 * text before at for a word boundary, nothing from end on): the length of the first
 * alternative, in order, that fits there, or 0 when none does. */
size_t tt_litpat_first_at(const tt_litpat *lp, const char *text, size_t at, size_t end);

#endif
