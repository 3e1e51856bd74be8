/* fuzz_segment.c - libFuzzer harness: valid UTF-8 without NUL -> tt_segment_text.
 *
 * Invariants of the spans: sorted, non-overlapping, start < end, inside the text, trimmed
 * (no white space at either end), nothing but white space (or a leading BOM) between and
 * around them, paragraph numbers non-decreasing and growing only across a blank line.
 * White space is the segmenter's: ASCII space, tab, VT, FF, CR, LF, U+00A0 and U+3000. */
#include <stdint.h>
#include <string.h>

#include "fuzz_util.h"
#include "segment.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static tt_segmenter *seg;
static tt_span_vec spans;      /* reused across inputs, as the scanner does */

static const char *const ABBREVS[] = {"Mr.", "Gen.", "Lt."};            /* never end */
static const char *const ABBREVS_MAY[] = {"Jan.", "No.", "Co.", "Jr."};  /* may end */

static void setup(void)
{
    size_t i;
    seg = tt_segmenter_new();
    FUZZ_CHECK(seg != NULL);
    FUZZ_CHECK(tt_segmenter_add_builtin(seg, TT_WORD_STARTER | TT_WORD_BANG_NAME) == 0);
    for (i = 0; i < sizeof ABBREVS / sizeof *ABBREVS; i++)
        FUZZ_CHECK(tt_segmenter_add_abbreviation(seg, ABBREVS[i], strlen(ABBREVS[i]),
                                                 TT_ABBR_NEVER_ENDS) == 0);
    for (i = 0; i < sizeof ABBREVS_MAY / sizeof *ABBREVS_MAY; i++)
        FUZZ_CHECK(tt_segmenter_add_abbreviation(seg, ABBREVS_MAY[i], strlen(ABBREVS_MAY[i]),
                                                 TT_ABBR_MAY_END) == 0);
    FUZZ_CHECK(tt_segmenter_add_abbreviation(seg, "Mr", 2, TT_ABBR_MAY_END) == 0); /* duplicate */
    FUZZ_CHECK(tt_segmenter_add_abbreviation(seg, ".", 1, TT_ABBR_NEVER_ENDS) == -1); /* empty */
}

/* Width of the white-space character at t[p], or 0. */
static size_t ws_width(const unsigned char *t, size_t p, size_t len)
{
    unsigned char b = t[p];
    if (b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == '\v' || b == '\f')
        return 1;
    if (b == 0xC2 && p + 1 < len && t[p + 1] == 0xA0)
        return 2;
    if (b == 0xE3 && p + 2 < len && t[p + 1] == 0x80 && t[p + 2] == 0x80)
        return 3;
    return 0;
}

static int ends_with_ws(const unsigned char *t, size_t start, size_t end)
{
    unsigned char b = t[end - 1];
    if (b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == '\v' || b == '\f')
        return 1;
    if (end - start >= 2 && b == 0xA0 && t[end - 2] == 0xC2)
        return 1;
    if (end - start >= 3 && b == 0x80 && t[end - 2] == 0x80 && t[end - 3] == 0xE3)
        return 1;
    return 0;
}

/* Checks that t[from, to) is white space only; returns the number of line ends in it (CRLF
 * counts once). */
static size_t gap_lines(const unsigned char *t, size_t from, size_t to, size_t len)
{
    size_t p = from, lines = 0;
    while (p < to) {
        size_t w = ws_width(t, p, len);
        FUZZ_CHECK(w != 0 && p + w <= to);
        if (t[p] == '\n')
            lines++;
        else if (t[p] == '\r' && !(p + 1 < len && t[p + 1] == '\n'))
            lines++;
        p += w;
    }
    return lines;
}

/* Whether t[from, to) (white space only) holds a blank line: two line ends with only spaces
 * between them. */
static int has_blank_line(const unsigned char *t, size_t from, size_t to)
{
    size_t p, ends = 0;
    for (p = from; p < to; p++) {
        if (t[p] == '\n' || (t[p] == '\r' && !(p + 1 < to && t[p + 1] == '\n')))
            ends++;
    }
    return ends >= 2;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const unsigned char *t = data;
    size_t i, prev_end = 0;
    int rc;

    if (!seg)
        setup();
    if (memchr(data, 0, size) || tt_utf8_check(data, size) != size)
        return 0;
    rc = tt_segment_text(seg, (const char *)data, size, &spans);
    FUZZ_CHECK(rc == 0);
    if (size >= 3 && t[0] == 0xEF && t[1] == 0xBB && t[2] == 0xBF)
        prev_end = 3;                          /* a leading BOM is skipped */
    for (i = 0; i < spans.len; i++) {
        const tt_span *sp = &spans.v[i];
        FUZZ_CHECK(sp->start < sp->end);
        FUZZ_CHECK(sp->end <= size);
        FUZZ_CHECK(sp->start >= prev_end);
        FUZZ_CHECK(ws_width(t, sp->start, size) == 0);
        FUZZ_CHECK(!ends_with_ws(t, sp->start, sp->end));
        /* both ends on a character boundary */
        FUZZ_CHECK((t[sp->start] & 0xC0) != 0x80);
        FUZZ_CHECK(sp->end == size || (t[sp->end] & 0xC0) != 0x80);
        gap_lines(t, prev_end, sp->start, size);
        if (i == 0) {
            FUZZ_CHECK(sp->paragraph == 0);
        } else {
            const tt_span *pv = &spans.v[i - 1];
            FUZZ_CHECK(pv->paragraph <= sp->paragraph);
            FUZZ_CHECK(sp->paragraph <= pv->paragraph + 1);
            /* a blank line between two sentences starts a new paragraph, and only then */
            FUZZ_CHECK((sp->paragraph == pv->paragraph + 1) == has_blank_line(t, prev_end, sp->start));
        }
        prev_end = sp->end;
    }
    gap_lines(t, prev_end, size, size);       /* only white space after the last sentence */
    return 0;
}
