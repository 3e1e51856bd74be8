/* utf8.h - UTF-8 validation.  Internal. */
#ifndef TT_UTF8_H
#define TT_UTF8_H

#include <stddef.h>

/* Returns len when s[0..len) is valid UTF-8 (no overlongs, no surrogates, <= U+10FFFF),
 * else the byte offset of the first invalid sequence. */
size_t tt_utf8_check(const unsigned char *s, size_t len);

#endif
