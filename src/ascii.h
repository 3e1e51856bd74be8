/* ascii.h - the ASCII character tests every matching module shares.  Internal.
 *
 * Patterns are compiled with PCRE2_UTF but without PCRE2_UCP, so \w, \b and caseless matching
 * of ASCII letters are ASCII only: one definition of "word byte" and of folding for the
 * literal extractor (literal.c), the literal sets (litpat.c), the longest-match bound
 * (maxlen.c) and the scanner (match.c), so that they cannot drift apart. */
#ifndef TT_ASCII_H
#define TT_ASCII_H

static inline int tt_is_digit(unsigned c) { return c - '0' < 10u; }

/* A-Z or a-z */
static inline int tt_is_alpha(unsigned c) { return (c | 0x20u) - 'a' < 26u; }

static inline int tt_is_alnum(unsigned c) { return tt_is_digit(c) || tt_is_alpha(c); }

static inline int tt_is_xdigit(unsigned c) { return tt_is_digit(c) || (c | 0x20u) - 'a' < 6u; }

/* \w without PCRE2_UCP: ASCII letters, digits, underscore.  Bytes >= 0x80 are not. */
static inline int tt_is_word(unsigned c) { return tt_is_alnum(c) || c == '_'; }

/* ASCII upper case to lower case; every other byte unchanged. */
static inline unsigned tt_fold(unsigned c) { return c - 'A' < 26u ? c + 32u : c; }

#endif
