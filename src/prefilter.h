/* prefilter.h - one pass over a document for the literals of every pattern (a hashed scan of
 * ASCII-folded 4-byte windows, see prefilter.c), to decide which patterns can match where.
 * Internal. */
#ifndef TT_PREFILTER_H
#define TT_PREFILTER_H

#include <stddef.h>
#include <stdint.h>

typedef struct tt_prefilter tt_prefilter;

/* lits[p] / lens[p] / nlits[p]: the folded literals of pattern p, one of which occurs in every
 * match of p; nlits[p] == 0 means p has none and must always run.  ctx[p][i] (TT_LIT_CTX bits
 * of literal.h) the contexts an occurrence of lits[p][i] can be part of a match of p in; ctx,
 * or ctx[p], NULL: any.  NULL on out of memory. */
tt_prefilter *tt_prefilter_new(char *const *const *lits, size_t *const *lens,
                               const unsigned char *const *ctx, const size_t *nlits,
                               size_t npatterns);
void tt_prefilter_free(tt_prefilter *pf);

/* One literal hit: a literal of the patterns of state ends at byte end - 1; it is len bytes
 * long (tt_prefilter_literal_len). */
typedef struct tt_pf_hit {
    size_t end;
    uint32_t state;
    uint32_t len;
} tt_pf_hit;

/* Scans text for every literal; appends each hit, in order of end, to *hits (grown with
 * tt_grow; *nhits is set, *cap updated).  Returns 0, or -1 on out of memory. */
int tt_prefilter_scan(const tt_prefilter *pf, const unsigned char *text, size_t len,
                      tt_pf_hit **hits, size_t *nhits, size_t *cap);

/* The patterns whose literals end at a hit with this state. */
const uint32_t *tt_prefilter_patterns(const tt_prefilter *pf, uint32_t state, size_t *n);

/* The length of the literal of a hit with this state (the hit starts at end - length). */
size_t tt_prefilter_literal_len(const tt_prefilter *pf, uint32_t state);

/* The number of distinct literals (hit states are 0 .. that - 1). */
size_t tt_prefilter_nliterals(const tt_prefilter *pf);

/* The state of the literal s[0..len) (folded as the scan folds), or -1 when it is none. */
long tt_prefilter_find(const tt_prefilter *pf, const char *s, size_t len);

/* The contexts a hit with this state can be part of a match in (TT_LIT_CTX bits of literal.h:
 * a word byte or none just before and just after it), over all its patterns' strings. */
unsigned tt_prefilter_contexts(const tt_prefilter *pf, uint32_t state);

/* 1 when pattern p has no literal and must run wherever its topic may apply. */
int tt_prefilter_always(const tt_prefilter *pf, size_t p);

/* Whether the word-start scan may take 32 bytes at a time with AVX2 (on by default where the
 * CPU has it; for tests of both paths): the setting in effect. */
int tt_prefilter_set_avx2(tt_prefilter *pf, int on);

#endif
