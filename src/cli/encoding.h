/* encoding.h - --encoding and --lossy: text in Latin-1, Windows-1252 or damaged UTF-8 turned
 * into the UTF-8 the engine reads.  Byte offsets in reports then refer to the converted text. */
#ifndef TT_CLI_ENCODING_H
#define TT_CLI_ENCODING_H

#include <stddef.h>

typedef enum cli_encoding {
    CLI_ENC_UTF8 = 0,          /* as read; with lossy, invalid sequences become U+FFFD */
    CLI_ENC_LATIN1,            /* ISO-8859-1: every byte is the code point of its value */
    CLI_ENC_CP1252             /* Windows-1252: Latin-1 with printable 0x80-0x9F */
} cli_encoding;

/* Parses "utf8" (or "utf-8"), "latin1" (or "iso-8859-1"), "cp1252" (or "windows-1252");
 * -1 when unknown. */
int cli_encoding_parse(const char *name);

/* Whether s[0..n) needs converting at all (not pure ASCII, or not valid UTF-8 with lossy). */
int cli_encoding_needed(cli_encoding enc, int lossy, const char *s, size_t n);

/* Converts s[0..n) to UTF-8 in *out (malloc'd, NUL-terminated; *outn its length).  Bytes
 * with no character (invalid UTF-8 with lossy, the five holes of Windows-1252) become U+FFFD,
 * counted in *replaced.  Returns 0, or -1 on out of memory. */
int cli_encoding_convert(cli_encoding enc, const char *s, size_t n, char **out, size_t *outn,
                         size_t *replaced);

#endif
