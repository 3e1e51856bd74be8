/* segment.h - UTF-8 text -> sentence spans.  Internal to libtopictag. */
#ifndef TT_SEGMENT_H
#define TT_SEGMENT_H

#include <stddef.h>
#include <stdint.h>

/* One sentence: bytes [start, end) of the text, trimmed of surrounding white space.
 * paragraph counts blank-line separated paragraphs from 0. */
typedef struct tt_span {
    size_t start;
    size_t end;
    uint32_t paragraph;
} tt_span;

/* Growable array of spans, owned by the caller; reuse it across calls to avoid allocation. */
typedef struct tt_span_vec {
    tt_span *v;
    size_t len;
    size_t cap;
} tt_span_vec;

void tt_span_vec_release(tt_span_vec *vec);    /* frees v; the struct itself is the caller's */

/* Segmentation data: the abbreviations after which a period may not end a sentence.
 * Immutable once built: one segmenter may be shared by threads. */
typedef struct tt_segmenter tt_segmenter;

/* What a period after an abbreviation means. */
typedef enum tt_abbr_kind {
    TT_ABBR_NEVER_ENDS = 1,    /* "Mr.", "Gen.", "e.g.": never the end of a sentence */
    TT_ABBR_MAY_END = 2        /* "Co.", "Jr.", "Jan.", "No.": the end when the next word
                                * starts a sentence ("He", "The"), or at a line end */
} tt_abbr_kind;

tt_segmenter *tt_segmenter_new(void);          /* NULL on out of memory */
void tt_segmenter_free(tt_segmenter *seg);     /* NULL is a no-op */

/* Adds an abbreviation such as "Mr." or "Co." (the final period is optional and ignored;
 * compared case-sensitively).  A word added with both kinds is TT_ABBR_NEVER_ENDS.
 * Returns 0, or -1 on out of memory, an empty word or an unknown kind. */
int tt_segmenter_add_abbreviation(tt_segmenter *seg, const char *word, size_t len,
                                  tt_abbr_kind kind);

/* Splits text[0..len) into sentences, replacing the contents of out (out->len is set to the
 * number of sentences, the array is grown as needed).  The text must be valid UTF-8 without NUL
 * bytes (the caller checks).  Returns 0, or -1 on out of memory (out is left valid). */
int tt_segment_text(const tt_segmenter *seg, const char *text, size_t len, tt_span_vec *out);

#endif
