/* maxlen.h - the longest match of a PCRE2 pattern, in bytes, from its source.  Internal.
 *
 * With the longest match known, a pattern whose every match contains one of its prefilter
 * literals need not be tried more than that many bytes before a literal hit: match.c starts
 * PCRE2 there (and stops once no hit is left), instead of at the sentence start. */
#ifndef TT_MAXLEN_H
#define TT_MAXLEN_H

#include <stddef.h>

#define TT_MAXLEN_UNBOUNDED ((size_t)-1)

/* The most bytes a match of regex (PCRE2 syntax, compiled with PCRE2_UTF, perhaps caseless)
 * can span, the lookarounds' text excluded: TT_MAXLEN_UNBOUNDED for *, +, {n,}, back
 * references and the like.  Returns 0 and sets *max, or -1 when the pattern's matches may
 * depend on where the search starts (\G, \K, backtracking verbs, recursion, conditionals,
 * extended syntax, anything not understood): then the search must start where it did. */
int tt_regex_max_length(const char *regex, size_t len, size_t *max);

/* tt_regex_max_length for each top-level branch of regex (a|b|c: three, a: one): max[0..*n).
 * -1 when the walk refuses the pattern or it has more than cap branches. */
int tt_regex_branch_max_lengths(const char *regex, size_t len, size_t *max, size_t cap, size_t *n);

#endif
