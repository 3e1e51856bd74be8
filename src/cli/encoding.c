/* encoding.c - converting Latin-1, Windows-1252 and damaged UTF-8 to UTF-8 (see encoding.h). */
#include "encoding.h"
#include "jsonl.h"

#include <stdlib.h>
#include <string.h>

/* Windows-1252 0x80-0x9F; 0 marks the five bytes with no character. */
static const unsigned short cp1252_high[32] = {
    0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0, 0x017D, 0, 0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178};

#define REPLACEMENT 0xFFFD

int cli_encoding_parse(const char *name)
{
    if (!strcmp(name, "utf8") || !strcmp(name, "utf-8"))
        return CLI_ENC_UTF8;
    if (!strcmp(name, "latin1") || !strcmp(name, "iso-8859-1"))
        return CLI_ENC_LATIN1;
    if (!strcmp(name, "cp1252") || !strcmp(name, "windows-1252"))
        return CLI_ENC_CP1252;
    return -1;
}

int cli_encoding_needed(cli_encoding enc, int lossy, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        size_t len;
        if (p[i] < 0x80) {
            i++;
            continue;
        }
        if (enc != CLI_ENC_UTF8)
            return 1;
        if (!(len = cli_utf8_seq(p, i, n)))
            return lossy;
        i += len;
    }
    return 0;
}

static size_t put_utf8(unsigned v, char *o)
{
    if (v < 0x80) {
        o[0] = (char)v;
        return 1;
    }
    if (v < 0x800) {
        o[0] = (char)(0xC0 | (v >> 6));
        o[1] = (char)(0x80 | (v & 0x3F));
        return 2;
    }
    o[0] = (char)(0xE0 | (v >> 12));
    o[1] = (char)(0x80 | ((v >> 6) & 0x3F));
    o[2] = (char)(0x80 | (v & 0x3F));
    return 3;
}

int cli_encoding_convert(cli_encoding enc, const char *s, size_t n, char **out, size_t *outn,
                         size_t *replaced)
{
    const unsigned char *p = (const unsigned char *)s;
    char *o;
    size_t i = 0, k = 0;
    *replaced = 0;
    /* at most 3 bytes out for each byte in (U+FFFD or a BMP character) */
    if (n > ((size_t)-1 - 1) / 3 || !(o = malloc(3 * n + 1)))
        return -1;
    while (i < n) {
        unsigned v = p[i];
        size_t len;
        if (v < 0x80) {
            o[k++] = (char)v;
            i++;
            continue;
        }
        if (enc == CLI_ENC_UTF8) {
            if ((len = cli_utf8_seq(p, i, n))) {
                memcpy(o + k, s + i, len);
                k += len;
                i += len;
                continue;
            }
            v = REPLACEMENT;   /* one U+FFFD per byte that starts no valid sequence */
        } else if (enc == CLI_ENC_CP1252 && v < 0xA0) {
            v = cp1252_high[v - 0x80] ? cp1252_high[v - 0x80] : REPLACEMENT;
        }
        *replaced += v == REPLACEMENT;
        k += put_utf8(v, o + k);
        i++;
    }
    o[k] = '\0';
    *out = o;
    *outn = k;
    return 0;
}
