/* hsfilter.h - the optional Hyperscan/Vectorscan prefilter: one block-mode database of every
 * pattern it can take (compiled with HS_FLAG_PREFILTER, so it may report more than PCRE2
 * matches, never less), scanned once per document; its reports only nominate (pattern,
 * sentence) pairs and PCRE2 stays the judge of every match.  Built when the library is
 * compiled with TT_HAVE_HS (libhs found by pkg-config); otherwise tt_hsfilter_new fails.
 * Internal. */
#ifndef TT_HSFILTER_H
#define TT_HSFILTER_H

#include <stddef.h>
#include <stdint.h>

#include "prefilter.h"

typedef struct tt_hsfilter tt_hsfilter;
typedef struct tt_hs_scratch tt_hs_scratch;

/* 1 when the library was built with Hyperscan. */
int tt_hsfilter_available(void);

/* Compiles pattern p (regex[p], caseless[p]) for every p with take[p] != 0, and clears take[p]
 * for those it cannot take (constructs Hyperscan rejects even as a prefilter, end anchors,
 * patterns that can match the empty string).  Returns NULL when no pattern could be taken
 * (take[] is then all 0), when Hyperscan is absent, or on out of memory (*nomem = 1).
 * cache_dir (may be NULL): an existing folder where the compiled database is kept, keyed by
 * the patterns, so that the next load of the same rules skips the compilation. */
tt_hsfilter *tt_hsfilter_new(const char *const *regex, const unsigned char *caseless,
                             unsigned char *take, size_t n, const char *cache_dir, int *nomem);
void tt_hsfilter_free(tt_hsfilter *hf);

/* Per-thread scan state; NULL on out of memory. */
tt_hs_scratch *tt_hs_scratch_new(const tt_hsfilter *hf);
void tt_hs_scratch_free(tt_hs_scratch *s);

/* Scans text once; appends a hit (end, state = pattern index) for every report, in order of
 * end, to *hits (grown with tt_grow).  Returns 0, or -1 on out of memory or a scan error. */
int tt_hsfilter_scan(const tt_hsfilter *hf, tt_hs_scratch *s, const char *text, size_t len,
                     tt_pf_hit **hits, size_t *nhits, size_t *cap);

#endif
