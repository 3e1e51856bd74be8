/* utf8.c - UTF-8 validation with an ASCII fast path (32 or 8 bytes at a time). */
#include "utf8.h"

#include <stdint.h>
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

size_t tt_utf8_check(const unsigned char *s, size_t len)
{
    int odd = 0;
    return tt_utf8_check_odd(s, len, &odd);
}

size_t tt_utf8_check_odd(const unsigned char *s, size_t len, int *odd)
{
    size_t i = 0;
    while (i < len) {
        unsigned c = s[i];
        if (c < 0x80) {
            /* skip ASCII 32 bytes (SSE2) or a word at a time: news text is mostly ASCII */
#ifdef __SSE2__
            while (i + 32 <= len) {
                __m128i a = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
                __m128i b = _mm_loadu_si128((const __m128i *)(const void *)(s + i + 16));
                if (_mm_movemask_epi8(_mm_or_si128(a, b)))
                    break;
                i += 32;
            }
#endif
            while (i + 8 <= len) {
                uint64_t w;
                memcpy(&w, s + i, 8);
                if (w & 0x8080808080808080ull)
                    break;
                i += 8;
            }
            while (i < len && s[i] < 0x80)
                i++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF) {
            if (i + 1 >= len || (s[i + 1] & 0xC0) != 0x80)
                return i;
            if (c == 0xC5 && s[i + 1] == 0xBF)
                *odd = 1;   /* U+017F */
            i += 2;
        } else if (c >= 0xE0 && c <= 0xEF) {
            unsigned c1;
            if (i + 2 >= len)
                return i;
            c1 = s[i + 1];
            if ((c1 & 0xC0) != 0x80 || (s[i + 2] & 0xC0) != 0x80)
                return i;
            if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 > 0x9F))
                return i;   /* overlong, or a UTF-16 surrogate */
            if (c == 0xE2 && c1 == 0x84 && s[i + 2] == 0xAA)
                *odd = 1;   /* U+212A */
            i += 3;
        } else if (c >= 0xF0 && c <= 0xF4) {
            unsigned c1;
            if (i + 3 >= len)
                return i;
            c1 = s[i + 1];
            if ((c1 & 0xC0) != 0x80 || (s[i + 2] & 0xC0) != 0x80 || (s[i + 3] & 0xC0) != 0x80)
                return i;
            if ((c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 > 0x8F))
                return i;
            i += 4;
        } else {
            return i;
        }
    }
    return len;
}
