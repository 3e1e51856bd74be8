/* jsonl.h - the fast path for JSON Lines records.
 *
 * Nearly every record of a news feed is a flat object of strings, {"id": "...", "text": "..."}.
 * Building a jansson tree for it costs more than classifying the article, so such records are
 * decoded here; anything else (numbers, nested values, escaped keys, lone surrogates, invalid
 * UTF-8, any error) is left to jansson, which also words the error.  For every record this
 * path takes, the result is what jansson would give (tests/unit/test_jsonl.c checks). */
#ifndef TT_CLI_JSONL_H
#define TT_CLI_JSONL_H

#include <stddef.h>

#include "topictag.h"

typedef struct cli_jbuf {
    char *s;
    size_t len, cap;
} cli_jbuf;

/* Decodes line[0..n) if it is a JSON object whose values are all strings and whose keys have
 * no escapes.  Returns 1 with the last value of key idf in *id (NUL-terminated, or NULL when
 * absent) and of key txf in *text / *textlen (NULL when absent), both pointing into idb / txb;
 * 0 when the line is anything else, or when the id holds a NUL; -1 on out of memory. */
int cli_jsonl_fast(const char *line, size_t n, const char *idf, const char *txf, cli_jbuf *idb,
                   cli_jbuf *txb, const char **id, const char **text, size_t *textlen);

void cli_jbuf_release(cli_jbuf *b);

/* The values of the top-level members names[0..n) of line[0..len), which must be a valid JSON
 * object (the fast path or jansson took it): vals[k].json points at the value's text in line,
 * as written (NULL when the member is absent; the last one when repeated, as in jansson), and
 * vals[k].text at a string value decoded into texts[k] (NULL for other values).  Returns 0,
 * or -1 on out of memory. */
int cli_jsonl_members(const char *line, size_t len, const char *const *names, size_t n,
                      tt_field_value *vals, cli_jbuf *texts, cli_jbuf *key);

/* Length of the valid UTF-8 sequence at p[i] (i < n, first byte >= 0x80), or 0: the checks
 * jansson makes (no overlong forms, no surrogates, nothing above U+10FFFF). */
size_t cli_utf8_seq(const unsigned char *p, size_t i, size_t n);

#endif
