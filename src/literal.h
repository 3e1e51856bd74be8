/* literal.h - required literals of a PCRE2 pattern, for a literal prefilter.  Internal.
 *
 * For a pattern we compute a set of byte strings such that EVERY match of the pattern contains
 * at least one of them as a substring once ASCII letters are folded to lowercase.  A document
 * that contains none of them (after ASCII folding) cannot match, so the pattern need not run.
 * The extraction is conservative: whenever it is unsure it reports "no requirement". */
#ifndef TT_LITERAL_H
#define TT_LITERAL_H

#include <stddef.h>

/* A set of byte strings; every match of the pattern contains one of them (folded).
 * s[i] is a NUL-terminated copy of len[i] bytes (it may also contain NUL bytes). */
typedef struct tt_litset {
    char **s;
    size_t *len;
    size_t n;
    unsigned char *ctx;   /* per string, the contexts an occurrence of it can be part of a
                             match in (TT_LIT_CTX bits); NULL: any */
} tt_litset;

/* The context bit of an occurrence with (1) or without (0) a word byte (ASCII letter, digit,
 * '_') just before it and just after it.  A string that a pattern holds only after a \b, and
 * that starts with a letter, has the bits with before = 0 only: an occurrence inside a word
 * cannot be part of a match. */
#define TT_LIT_CTX(before, after) (1u << ((before) << 1 | (after)))
#define TT_LIT_CTX_ANY 0xFu

/* Extracts the required literals of regex (UTF-8, PCRE2 syntax, compiled with PCRE2_UTF and,
 * if caseless, PCRE2_CASELESS).  ASCII letters in the result are lowercase.  Returns 1 and
 * fills *out when a usable set exists (every string at least min_len bytes, and at least 1),
 * 0 when the pattern has no usable requirement (*out empty), -1 on out of memory (*out empty).
 * Invalid UTF-8 and patterns that do not parse give 0. */
/* Flag for caseless: the document scanner never uses the literals on a text that contains
 * U+212A KELVIN SIGN or U+017F LONG S, so k and s may be folded like other ASCII letters. */
#define TT_LIT_KS_FOLDED 2

int tt_literal_extract(const char *regex, size_t len, int caseless, size_t min_len,
                       tt_litset *out);

/* tt_literal_extract, and when it returns 1, *out2 a second set (n == 0: none) drawn from
 * another part of the pattern: every match contains one of *out's strings and one of
 * *out2's.  (The two may share strings; a string of both counts for both.) */
int tt_literal_extract2(const char *regex, size_t len, int caseless, size_t min_len,
                        tt_litset *out, tt_litset *out2);

/* The requirements of one top-level alternative of a pattern: first as tt_literal_extract2's
 * *out, second as its *out2 (n == 0: none). */
typedef struct tt_litbranch {
    tt_litset first, second;
} tt_litbranch;

/* tt_literal_extract2, and for a pattern that is an alternation at its top level (a|b|c),
 * the requirements of each branch in br[0..*nbr): every match of the pattern is a match of
 * one branch and contains a string of that branch's first set and, when it has one, of its
 * second.  *nbr is 0 (nothing filled) unless it returns 1 and every branch has a
 * requirement, 2 <= *nbr <= max; release each set with tt_litset_release.  br may be NULL. */
int tt_literal_extract_branches(const char *regex, size_t len, int caseless, size_t min_len,
                                tt_litset *out, tt_litset *out2, tt_litbranch *br, size_t max,
                                size_t *nbr);

/* Frees the strings of s and empties it; s itself is the caller's.  NULL is a no-op. */
void tt_litset_release(tt_litset *s);

#endif
