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

/* Segmentation data: the words whose class decides a boundary - abbreviations after which a
 * period may not end a sentence, sentence starters, names that end in '!'.
 * Immutable once built: one segmenter may be shared by threads. */
typedef struct tt_segmenter tt_segmenter;

/* The class of a segmenter word.  A word may have several (they are bits): "No" is both a
 * sentence starter and, as "No.", an abbreviation that may end. */
typedef enum tt_abbr_kind {
    TT_ABBR_NEVER_ENDS = 1,    /* "Mr.", "Gen.", "e.g.": never the end of a sentence */
    TT_ABBR_MAY_END = 2,       /* "Co.", "Jr.", "Jan.", "No.": the end when the next word
                                * starts a sentence ("He", "The"), or at a line end */
    TT_WORD_STARTER = 4,       /* "The", "He", "However": a word that starts a sentence,
                                * after an abbreviation that may end, an acronym or an initial */
    TT_WORD_BANG_NAME = 8,     /* "Yahoo!", "Jeopardy!": a name whose '!' is read like the
                                * period of an abbreviation that may end */
    TT_WORD_SUBJECT = 16       /* with TT_WORD_STARTER only: a subject noun ("Officials",
                                * "Thousands"), a starter only before a lowercase word or a
                                * number ("Officials said"; not the headline "Officials Say") */
} tt_abbr_kind;

/* The built-in segmenter data (src/segment_data.c): groups of words of one kind, separated by
 * single spaces, written as a user writes them ("Mr." "Yahoo!").  Rules extend it or replace a
 * kind's list (the `segmenter:` mapping, src/rules.c). */
typedef struct tt_seg_words {
    tt_abbr_kind kind;
    const char *words;
} tt_seg_words;

extern const tt_seg_words tt_segment_builtin[];
extern const size_t tt_segment_builtin_count;

tt_segmenter *tt_segmenter_new(void);          /* NULL on out of memory; holds no words */
void tt_segmenter_free(tt_segmenter *seg);     /* NULL is a no-op */

/* Whether the scan for sentence ends uses AVX2 (on by default where the CPU has it; the
 * result is the same either way).  For tests: returns whether it is now on. */
int tt_segmenter_set_avx2(tt_segmenter *seg, int on);

/* Adds a word of the given kind: an abbreviation such as "Mr." or "Co." (the final period is
 * optional and ignored), a starter ("The"), a name ending in '!' (the '!' is optional and
 * ignored), a subject noun (TT_WORD_STARTER | TT_WORD_SUBJECT).  Compared case-sensitively.
 * A word added as both kinds of abbreviation is TT_ABBR_NEVER_ENDS.  Returns 0, or -1 on out of
 * memory, an empty word or an unknown kind. */
int tt_segmenter_add_abbreviation(tt_segmenter *seg, const char *word, size_t len,
                                  tt_abbr_kind kind);

/* Adds every built-in word whose kind is in the mask kinds (TT_ABBR_* | TT_WORD_*).
 * Returns 0, or -1 on out of memory. */
int tt_segmenter_add_builtin(tt_segmenter *seg, unsigned kinds);

/* Splits text[0..len) into sentences, replacing the contents of out (out->len is set to the
 * number of sentences, the array is grown as needed).  The text must be valid UTF-8 without NUL
 * bytes (the caller checks).  Returns 0, or -1 on out of memory (out is left valid). */
int tt_segment_text(const tt_segmenter *seg, const char *text, size_t len, tt_span_vec *out);

#endif
