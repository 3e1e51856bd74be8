/* input.h - where the articles come from: files, folders, stdin, JSON Lines. */
#ifndef TT_CLI_INPUT_H
#define TT_CLI_INPUT_H

#include <stddef.h>

#include "topictag.h"

typedef struct tt_input_options {
    const char *include;       /* glob for files inside folders; default "*.txt" */
    int stdin_jsonl;           /* stdin is JSON Lines */
    const char *id_field;      /* default "id" */
    const char *text_field;    /* default "text" */
    int defer_read;            /* regular files are not read here: the callback gets text and
                                  err NULL and reads name itself (on another thread) */
} tt_input_options;

/* Called once per document in input order.  text is NULL when the document could not be
 * read; err then says why (or, with defer_read, err is NULL too: name is a regular file to
 * read with tt_read_file).  Returns 0 to go on, -1 to stop (e.g. the output failed). */
typedef int (*tt_doc_fn)(void *ctx, const char *name, const char *id, const char *text,
                         size_t len, const tt_error *err);

/* Visits every document of the given paths ("-" = stdin; none = stdin).
 * Returns 0, or -1 when the callback stopped the walk or memory ran out. */
int tt_input_each(const tt_input_options *opt, char *const *paths, int npaths, tt_doc_fn fn,
                  void *ctx);

/* Reads a whole file ("-" = stdin) into *buf (malloc'd, NUL-terminated); 0 or -1 with errno. */
int tt_read_file(const char *path, char **buf, size_t *len);

#endif
