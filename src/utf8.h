/* utf8.h - UTF-8 validation.  Internal. */
#ifndef TT_UTF8_H
#define TT_UTF8_H

#include <stddef.h>

/* Returns len when s[0..len) is valid UTF-8 (no overlongs, no surrogates, <= U+10FFFF),
 * else the byte offset of the first invalid sequence. */
size_t tt_utf8_check(const unsigned char *s, size_t len);

/* tt_utf8_check, telling also whether s holds U+017F LONG S or U+212A KELVIN SIGN (*odd
 * set to 1 if so, left alone otherwise), which PCRE2 folds to ASCII letters. */
size_t tt_utf8_check_odd(const unsigned char *s, size_t len, int *odd);

#endif
