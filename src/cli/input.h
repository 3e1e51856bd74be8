/* input.h - where the articles come from: files, folders, stdin, JSON Lines. */
#ifndef TT_CLI_INPUT_H
#define TT_CLI_INPUT_H

#include <stddef.h>

#include "topictag.h"

typedef struct tt_input_options {
    const char *include;       /* glob for files inside folders; default *.txt (the *.jsonl
                                  files it leaves out are named in a warning on stderr) */
    int stdin_jsonl;           /* stdin is JSON Lines (--input jsonl) */
    int stdin_text;            /* stdin is prose (--input text); neither: JSON Lines when its
                                  first line is a JSON object, said on stderr */
    const char *id_field;      /* default "id" */
    const char *text_field;    /* default "text" */
    const char *title_field;   /* default "title"; "" for none: a record's title becomes the
                                  headline, the first line of the text the engine reads */
    int defer_read;            /* regular files are not read here: the callback gets text and
                                  err NULL and reads name itself (on another thread) */
    size_t max_size;           /* a document larger than this is not read whole but reported
                                  as too-large; 0: the library's default (64 MiB) */
    int encoding;              /* cli_encoding (encoding.h): what the bytes are; 0: UTF-8 */
    int lossy;                 /* invalid UTF-8 becomes U+FFFD (counted, warned) */
    const char *const *keep_fields;   /* JSON Lines fields whose values each record carries
                                         (--keep-field); only JSON Lines can then be read */
    size_t nkeep;
    /* may be NULL: told, just before each document reaches the callback, what else is known
       of it: the values of keep_fields and the bytes replaced with U+FFFD (m is valid until
       the callback returns) */
    void (*meta)(void *ctx, const tt_doc_meta *m);
    int (*idle)(void *idle_ctx);   /* may be NULL: called before a read from a pipe or terminal
                                      that would wait, so that what is done can be written
                                      (a live feed); returns 0, or -1 to stop */
    void *idle_ctx;
} tt_input_options;

/* Called once per document in input order.  text is NULL when the document could not be
 * read; err then says why (or, with defer_read, err is NULL too: name is a regular file to
 * read with tt_read_file).  Returns 0 to go on, -1 to stop (e.g. the output failed). */
typedef int (*tt_doc_fn)(void *ctx, const char *name, const char *id, const char *text,
                         size_t len, const tt_error *err);

/* Visits every document of the given paths ("-" = stdin; none = stdin).
 * Returns 0, or -1 when the callback stopped the walk or memory ran out, or
 * TT_INPUT_NOT_JSONL when keep_fields is set and a document is not a JSON Lines record (the
 * walk stops before it; said on stderr). */
#define TT_INPUT_NOT_JSONL (-2)

/* --keep-field reads JSON Lines only (a document of prose has no fields to keep): says so on
 * stderr, naming the document, and returns TT_INPUT_NOT_JSONL. */
int tt_input_not_jsonl(const char *name);

/* Whether the operands may all be JSON Lines for keep_fields: 0, or TT_INPUT_NOT_JSONL (said
 * as tt_input_not_jsonl) for the first one that cannot: a file named that is not *.jsonl, or
 * standard input with stdin_text.  What a folder or stdin holds is only known as read. */
int tt_input_check_jsonl(const tt_input_options *opt, char *const *paths, int npaths);

int tt_input_each(const tt_input_options *opt, char *const *paths, int npaths, tt_doc_fn fn,
                  void *ctx);

/* Reads a whole file ("-" = stdin) into *buf (malloc'd, NUL-terminated) and returns 0; or
 * returns -1 with errno; or, when it holds more than max bytes (0: the library's default),
 * stops reading with *buf NULL and returns 1 with *len its size (a regular file, not read),
 * or 2 with *len the bytes read before stopping (a pipe or device: the rest is not read). */
int tt_read_file(const char *path, size_t max, char **buf, size_t *len);

/* Fills e with the too-large error of a document tt_read_file did not read whole; rc is what
 * it returned (1 or 2). */
void tt_input_too_large(tt_error *e, const char *name, int rc, size_t len, size_t max);

#endif
