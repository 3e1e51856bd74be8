/* pool.h - classify documents on N threads while keeping the output in input order.
 *
 * The reading thread submits documents; worker threads classify them (and render their
 * reports), each slot with its own scanner over the one shared ruleset; the reading thread
 * hands finished slots to the consumer strictly in submission order, so the output is
 * byte-identical to one thread. */
#ifndef TT_CLI_POOL_H
#define TT_CLI_POOL_H

#include <stddef.h>

#include "topictag.h"

/* Called in submission order on the submitting thread.  meta is what was submitted with the
 * document (NULL: nothing).  r is NULL when the document could not be read (derr says why) or
 * memory ran out while classifying it (derr says so).  rendered is the document's report
 * rendered by the worker (tt_report_render_meta), or NULL when it was not.  Returns 0, or -1
 * to stop. */
typedef int (*tt_pool_done_fn)(void *ctx, const char *name, const char *id,
                               const tt_doc_meta *meta, const tt_result *r,
                               const tt_error *derr, const tt_report_buf *rendered);

typedef struct tt_pool tt_pool;

/* threads <= 1 classifies on the calling thread.  With rep (may be NULL), worker threads also
 * render each document's report, so that the submitting thread only writes it.  NULL on
 * failure. */
tt_pool *tt_pool_new(const tt_ruleset *rs, const tt_limits *lim, int threads, int segment_only,
                     const tt_report *rep, tt_pool_done_fn done, void *ctx);

/* Submits one document (copied, with meta: may be NULL; nfields values in meta->fields);
 * text NULL with derr for a document that could not be read.  May call done() for earlier
 * documents.  Returns 0, or -1 when done() asked to stop or memory ran out. */
int tt_pool_submit(tt_pool *p, const char *name, const char *id, const tt_doc_meta *meta,
                   size_t nfields, const char *text, size_t len, const tt_error *derr);

/* Submits the regular file path, to be read by the worker that classifies it (so reading
 * runs in parallel too); a file that cannot be read reaches done() with derr as the reading
 * thread would have said it.  Returns as tt_pool_submit. */
int tt_pool_submit_file(tt_pool *p, const char *path);

/* Waits for every submitted document and hands it to done().  Returns 0 or -1 as above. */
int tt_pool_finish(tt_pool *p);

/* tt_pool_finish as an input idle hook (tt_input_options.idle): before the reading thread
 * waits for a live feed, every document submitted so far is handed on. */
int tt_pool_drain(void *pool);

void tt_pool_free(tt_pool *p);

#endif
