/* test_segment.c - unit tests of the sentence segmenter (src/segment.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "segment.h"

#define NEVER TT_ABBR_NEVER_ENDS
#define MAY TT_ABBR_MAY_END

/* One expected sentence: its exact text and paragraph.  check() finds the text in the input
 * after the previous sentence and asserts start, end and paragraph of every span, that the
 * number of spans is right and that only white space lies outside the spans. */
typedef struct exp_span {
    const char *text;
    uint32_t para;
} exp_span;

/* Both hold the built-in starters and exclamation names (segment_data.c) */
static tt_segmenter *seg_abbr;    /* Mr Mrs Ms Dr Gen Lt Jan Feb No St Sgt */
static tt_segmenter *seg_bare;    /* no abbreviations */

static const char *const ABBRS[] = {"Mr.", "Mrs.", "Ms.", "Dr.", "Gen.", "Lt.", "Jan.",
                                    "Feb", "No.", "St.", "Sgt."};
#define NABBRS (sizeof(ABBRS) / sizeof(ABBRS[0]))

static int is_ws_byte(unsigned char b)
{
    return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == '\v' || b == '\f';
}

/* White space as the segmenter sees it, for the gaps between spans. */
static int all_space(const char *s, size_t a, size_t b)
{
    const unsigned char *t = (const unsigned char *)s;
    size_t i = a;

    while (i < b) {
        if (is_ws_byte(t[i]))
            i++;
        else if (i + 1 < b && t[i] == 0xC2 && t[i + 1] == 0xA0)
            i += 2;
        else if (i + 2 < b && t[i] == 0xE3 && t[i + 1] == 0x80 && t[i + 2] == 0x80)
            i += 3;
        else if (i == 0 && b >= 3 && t[0] == 0xEF && t[1] == 0xBB && t[2] == 0xBF)
            i += 3;
        else
            return 0;
    }
    return 1;
}

static void dump(const char *text, const tt_span_vec *out)
{
    size_t i;

    for (i = 0; i < out->len; i++)
        print_message("  span %zu [%zu,%zu) p%u: \"%.*s\"\n", i, out->v[i].start, out->v[i].end,
                      (unsigned)out->v[i].paragraph, (int)(out->v[i].end - out->v[i].start),
                      text + out->v[i].start);
}

static void check_spans(const tt_segmenter *seg, const char *text, size_t len,
                        const exp_span *exp, size_t n)
{
    tt_span_vec out = {NULL, 0, 0};
    size_t i, from = 0;

    assert_int_equal(tt_segment_text(seg, text, len, &out), 0);
    if (out.len != n)
        dump(text, &out);
    assert_int_equal(out.len, n);
    for (i = 0; i < n; i++) {
        const char *f = strstr(text + from, exp[i].text);
        size_t st, en;

        assert_non_null(f);
        st = (size_t)(f - text);
        en = st + strlen(exp[i].text);
        if (out.v[i].start != st || out.v[i].end != en || out.v[i].paragraph != exp[i].para) {
            print_message("sentence %zu: expected [%zu,%zu) p%u\n", i, st, en,
                          (unsigned)exp[i].para);
            dump(text, &out);
        }
        assert_int_equal(out.v[i].start, st);
        assert_int_equal(out.v[i].end, en);
        assert_int_equal(out.v[i].paragraph, exp[i].para);
        assert_true(all_space(text, from, st));
        from = en;
    }
    assert_true(all_space(text, from, len));
    tt_span_vec_release(&out);
}

#define CHECK(seg, text, ...)                                                                  \
    do {                                                                                       \
        static const exp_span exp_[] = {__VA_ARGS__};                                          \
        check_spans((seg), (text), strlen(text), exp_, sizeof(exp_) / sizeof(exp_[0]));        \
    } while (0)

static void check_none(const tt_segmenter *seg, const char *text, size_t len)
{
    tt_span_vec out = {NULL, 0, 0};

    assert_int_equal(tt_segment_text(seg, text, len, &out), 0);
    if (out.len)
        dump(text, &out);
    assert_int_equal(out.len, 0);
    tt_span_vec_release(&out);
}

static int group_setup(void **state)
{
    size_t i;

    (void)state;
    seg_abbr = tt_segmenter_new();
    seg_bare = tt_segmenter_new();
    if (!seg_abbr || !seg_bare ||
        tt_segmenter_add_builtin(seg_abbr, TT_WORD_STARTER | TT_WORD_BANG_NAME) ||
        tt_segmenter_add_builtin(seg_bare, TT_WORD_STARTER | TT_WORD_BANG_NAME))
        return -1;
    for (i = 0; i < NABBRS; i++)
        if (tt_segmenter_add_abbreviation(seg_abbr, ABBRS[i], strlen(ABBRS[i]), NEVER) != 0)
            return -1;
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    tt_segmenter_free(seg_abbr);
    tt_segmenter_free(seg_bare);
    return 0;
}

/* ---------------------------------------------------------------------------------------- */

static void test_segment_simple(void **state)
{
    (void)state;
    CHECK(seg_bare, "The cabinet met on Friday. It approved the budget!",
          {"The cabinet met on Friday.", 0}, {"It approved the budget!", 0});
    /* exact offsets spelled out once */
    {
        tt_span_vec out = {NULL, 0, 0};
        assert_int_equal(tt_segment_text(seg_bare, "Hi there. Bye?", 14, &out), 0);
        assert_int_equal(out.len, 2);
        assert_int_equal(out.v[0].start, 0);
        assert_int_equal(out.v[0].end, 9);
        assert_int_equal(out.v[0].paragraph, 0);
        assert_int_equal(out.v[1].start, 10);
        assert_int_equal(out.v[1].end, 14);
        assert_int_equal(out.v[1].paragraph, 0);
        tt_span_vec_release(&out);
    }
}

static void test_segment_paragraphs(void **state)
{
    (void)state;
    CHECK(seg_bare, "\n\n  First one. Second one.\n\nThird one.\n \t \n\n\nFourth. Fifth.\n",
          {"First one.", 0}, {"Second one.", 0}, {"Third one.", 1}, {"Fourth.", 2},
          {"Fifth.", 2});
    /* a blank line ends a sentence even without a terminator or before lowercase */
    CHECK(seg_bare, "no stop here\n\nand again lowercase",
          {"no stop here", 0}, {"and again lowercase", 1});
}

static void test_segment_headline(void **state)
{
    (void)state;
    CHECK(seg_abbr,
          "Japan, China agree to resume talks\n"
          "Japan and China agreed Monday to resume security talks. The talks stalled in 2019.\n",
          {"Japan, China agree to resume talks", 0},
          {"Japan and China agreed Monday to resume security talks.", 0},
          {"The talks stalled in 2019.", 0});
}

static void test_segment_dateline(void **state)
{
    (void)state;
    CHECK(seg_abbr,
          "TOKYO (Kyodo) --\nPrime Minister Fumio Kishida said Tuesday he will visit Seoul.",
          {"TOKYO (Kyodo) --", 0},
          {"Prime Minister Fumio Kishida said Tuesday he will visit Seoul.", 0});
    /* a dateline on the same line belongs to the first sentence */
    CHECK(seg_abbr, "TOKYO (Kyodo) -- Stocks rose. The yen fell.",
          {"TOKYO (Kyodo) -- Stocks rose.", 0}, {"The yen fell.", 0});
}

static void test_segment_credit_line(void **state)
{
    (void)state;
    CHECK(seg_abbr,
          "A typhoon hit Okinawa on Sunday.\n| KYODO\n\nFlights were cancelled.\n",
          {"A typhoon hit Okinawa on Sunday.", 0}, {"| KYODO", 0},
          {"Flights were cancelled.", 1});
    CHECK(seg_abbr, "Photo shows the damaged bridge in Wajima\n(Photo courtesy of the city) | KYODO",
          {"Photo shows the damaged bridge in Wajima", 0},
          {"(Photo courtesy of the city) | KYODO", 0});
}

static void test_segment_hard_wrap(void **state)
{
    (void)state;
    CHECK(seg_abbr,
          "The minister said the plan\n  would be reviewed by the end of\nthe year. Officials\n"
          "Declined to comment.",
          {"The minister said the plan\n  would be reviewed by the end of\nthe year.", 0},
          {"Officials", 0}, {"Declined to comment.", 0});
    /* a terminator at the end of a line followed by a lowercase line continues too */
    CHECK(seg_bare, "He said the U.S.\nwould respond. Done.",
          {"He said the U.S.\nwould respond.", 0}, {"Done.", 0});
}

static const char ABBR_TEXT[] =
    "Mr. Suzuki met Gen. Yoshida and Lt. Gen. Ito on Jan. 5. They discussed the No. 2 post "
    "at St. Luke's. Feb. 3 follows.";

static void test_segment_abbreviations(void **state)
{
    (void)state;
    CHECK(seg_abbr, ABBR_TEXT,
          {"Mr. Suzuki met Gen. Yoshida and Lt. Gen. Ito on Jan. 5.", 0},
          {"They discussed the No. 2 post at St. Luke's.", 0}, {"Feb. 3 follows.", 0});
    /* abbreviation at a line end: the period does not end the sentence either */
    CHECK(seg_abbr, "Talks with Mr.\nSuzuki ended.", {"Talks with Mr.\nSuzuki ended.", 0});
    /* opening brackets and quotes are stripped before the lookup */
    CHECK(seg_abbr, "He met (Gen. Ito) and said “Mr. Abe left.” Later.",
          {"He met (Gen. Ito) and said “Mr. Abe left.”", 0}, {"Later.", 0});
}

static void test_segment_abbreviations_missing(void **state)
{
    (void)state;
    /* "5." then opens a sentence, so it reads as a list marker ("5. They ...") */
    CHECK(seg_bare, ABBR_TEXT,
          {"Mr.", 0}, {"Suzuki met Gen.", 0}, {"Yoshida and Lt.", 0}, {"Gen.", 0},
          {"Ito on Jan.", 0}, {"5. They discussed the No.", 0},
          {"2 post at St.", 0}, {"Luke's.", 0}, {"Feb.", 0}, {"3 follows.", 0});
}

static void test_segment_abbreviation_set(void **state)
{
    tt_segmenter *seg = tt_segmenter_new();
    char buf[32];
    int i;

    (void)state;
    assert_non_null(seg);
    assert_int_equal(tt_segmenter_add_abbreviation(seg, "", 0, NEVER), -1);
    assert_int_equal(tt_segmenter_add_abbreviation(seg, ".", 1, NEVER), -1);
    assert_int_equal(tt_segmenter_add_abbreviation(seg, "Mr.", 3, NEVER), 0);
    assert_int_equal(tt_segmenter_add_abbreviation(seg, "Mr", 2, NEVER), 0);   /* duplicate */
    /* len is honoured: only "Gen" of "General" */
    assert_int_equal(tt_segmenter_add_abbreviation(seg, "General", 3, NEVER), 0);
    for (i = 0; i < 200; i++) {          /* forces several rehashes */
        int n = snprintf(buf, sizeof buf, "Ab%d.", i);
        assert_int_equal(tt_segmenter_add_abbreviation(seg, buf, (size_t)n, NEVER), 0);
    }
    CHECK(seg, "Mr. A went. Gen. B came. Ab0. X. Ab199. Y. Ab200. Zed went. Xx mr. Qu went. "
               "General. Rr.",
          {"Mr. A went.", 0}, {"Gen. B came.", 0}, {"Ab0. X. Ab199. Y. Ab200.", 0},
          {"Zed went.", 0}, {"Xx mr.", 0}, {"Qu went.", 0}, {"General.", 0}, {"Rr.", 0});
    tt_segmenter_free(seg);
    tt_segmenter_free(NULL);
    tt_span_vec_release(NULL);
}

static void test_segment_initials(void **state)
{
    (void)state;
    CHECK(seg_bare,
          "Defense Secretary Lloyd J. Austin arrived. He read J. R. R. Tolkien. "
          "Then “J. Smith” spoke.",
          {"Defense Secretary Lloyd J. Austin arrived.", 0}, {"He read J. R. R. Tolkien.", 0},
          {"Then “J. Smith” spoke.", 0});
}

static void test_segment_acronyms(void **state)
{
    (void)state;
    CHECK(seg_bare,
          "U.S. President Joe Biden met the U.N. chief. The U.S. Navy and U.K. forces, "
          "e.g. destroyers, sailed. Talks in the U.S. Then more. Talks in the U.S.\n"
          "Next line. Ph.D. Students joined.",
          {"U.S. President Joe Biden met the U.N. chief.", 0},
          {"The U.S. Navy and U.K. forces, e.g. destroyers, sailed.", 0},
          {"Talks in the U.S.", 0}, {"Then more.", 0}, {"Talks in the U.S.", 0},
          {"Next line.", 0},
          {"Ph.D. Students joined.", 0});
    CHECK(seg_bare, "It is made in the U.S.", {"It is made in the U.S.", 0});
}

static void test_segment_am_pm(void **state)
{
    (void)state;
    CHECK(seg_bare,
          "The meeting began at 10 a.m. The ministers left at 3 p.m. on Friday. "
          "Bring pens, paper, etc. Doors open at 9 A.M. Please be early. It ends at 5 p.m. 20 minutes "
          "later. Doors opened at 9 a.m. Kim said.",
          {"The meeting began at 10 a.m.", 0}, {"The ministers left at 3 p.m. on Friday.", 0},
          {"Bring pens, paper, etc.", 0}, {"Doors open at 9 A.M.", 0}, {"Please be early.", 0},
          {"It ends at 5 p.m. 20 minutes later.", 0}, {"Doors opened at 9 a.m. Kim said.", 0});
    /* the a.m./p.m./etc. rule wins over the abbreviation list */
    {
        tt_segmenter *seg = tt_segmenter_new();
        assert_non_null(seg);
        assert_int_equal(tt_segmenter_add_abbreviation(seg, "etc.", 4, NEVER), 0);
        CHECK(seg, "Cats, dogs, etc. Birds too. Cats, etc. 3 more.",
              {"Cats, dogs, etc.", 0}, {"Birds too.", 0}, {"Cats, etc. 3 more.", 0});
        tt_segmenter_free(seg);
    }
}

static void test_segment_numbers(void **state)
{
    (void)state;
    CHECK(seg_bare,
          "Sales rose 3.5 percent to $1.2 billion. The index was 1,234.56 points. "
          "Version 2.0.1 shipped.",
          {"Sales rose 3.5 percent to $1.2 billion.", 0},
          {"The index was 1,234.56 points.", 0}, {"Version 2.0.1 shipped.", 0});
}

static void test_segment_times(void **state)
{
    (void)state;
    CHECK(seg_bare, "The train left at 10:30 sharp. The bus left at 10.30 too. It was 10.30.",
          {"The train left at 10:30 sharp.", 0}, {"The bus left at 10.30 too.", 0},
          {"It was 10.30.", 0});
}

static void test_segment_ellipsis(void **state)
{
    (void)state;
    CHECK(seg_bare,
          "He paused... and then spoke. We waited... Nothing happened. "
          "It was… odd. Then… Silence!? Really?! yes.",
          {"He paused... and then spoke.", 0}, {"We waited...", 0},
          {"Nothing happened.", 0}, {"It was… odd.", 0}, {"Then…", 0},
          {"Silence!?", 0}, {"Really?! yes.", 0});
}

static void test_segment_closing_quotes(void **state)
{
    (void)state;
    CHECK(seg_bare,
          "He said, “We will win.” She asked, ‘Why?’ They agreed (in part.) "
          "She wrote, “He said ‘No.’” He said \"Go.\" She said 'Stop.' "
          "It ended (finally.)” Then [see above.] Done» Over.» End!”",
          {"He said, “We will win.”", 0}, {"She asked, ‘Why?’", 0},
          {"They agreed (in part.)", 0}, {"She wrote, “He said ‘No.’”", 0},
          {"He said \"Go.\"", 0}, {"She said 'Stop.'", 0}, {"It ended (finally.)”", 0},
          {"Then [see above.]", 0}, {"Done» Over.»", 0}, {"End!”", 0});
}

static void test_segment_quote_continuation(void **state)
{
    (void)state;
    CHECK(seg_bare,
          "“Why now?” he asked. “Stop!” she shouted. “Go!” The crowd left. “Why?” He left.",
          {"“Why now?” he asked.", 0}, {"“Stop!” she shouted.", 0}, {"“Go!”", 0},
          {"The crowd left.", 0}, {"“Why?”", 0}, {"He left.", 0});
}

static void test_segment_crlf_cr(void **state)
{
    (void)state;
    CHECK(seg_bare, "Headline here\r\nBody one. Body two.\r\n\r\nNext para\rstill here\r\r"
                    "Third para.\r\n",
          {"Headline here", 0}, {"Body one.", 0}, {"Body two.", 0},
          {"Next para\rstill here", 1}, {"Third para.", 2});
    /* exact offsets with a CRLF blank line */
    {
        tt_span_vec out = {NULL, 0, 0};
        assert_int_equal(tt_segment_text(seg_bare, "A b\r\n\r\nC d\r", 11, &out), 0);
        assert_int_equal(out.len, 2);
        assert_int_equal(out.v[0].start, 0);
        assert_int_equal(out.v[0].end, 3);
        assert_int_equal(out.v[0].paragraph, 0);
        assert_int_equal(out.v[1].start, 7);
        assert_int_equal(out.v[1].end, 10);
        assert_int_equal(out.v[1].paragraph, 1);
        tt_span_vec_release(&out);
    }
}

static void test_segment_bom(void **state)
{
    static const char text[] = "\xEF\xBB\xBFHello world. Bye.";
    tt_span_vec out = {NULL, 0, 0};

    (void)state;
    assert_int_equal(tt_segment_text(seg_bare, text, strlen(text), &out), 0);
    assert_int_equal(out.len, 2);
    assert_int_equal(out.v[0].start, 3);
    assert_int_equal(out.v[0].end, 15);
    assert_int_equal(out.v[0].paragraph, 0);
    assert_int_equal(out.v[1].start, 16);
    assert_int_equal(out.v[1].end, 20);
    assert_int_equal(out.v[1].paragraph, 0);
    tt_span_vec_release(&out);
    /* BOM then white space, and a BOM alone */
    CHECK(seg_bare, "\xEF\xBB\xBF \n Hi.", {"Hi.", 0});
    check_none(seg_bare, "\xEF\xBB\xBF", 3);
    check_none(seg_bare, "\xEF\xBB\xBF\r\n", 5);
}

static void test_segment_empty(void **state)
{
    (void)state;
    check_none(seg_bare, "", 0);
    check_none(seg_abbr, " \t\r\n\n \xC2\xA0 \xE3\x80\x80 \r", 14);
    check_none(NULL, "   ", 3);    /* NULL segmenter: no abbreviations */
    CHECK(NULL, "Dr. Who. Yes", {"Dr.", 0}, {"Who.", 0}, {"Yes", 0});
}

static void test_segment_no_final_punct(void **state)
{
    (void)state;
    CHECK(seg_bare, "First. And the last one has no stop",
          {"First.", 0}, {"And the last one has no stop", 0});
    CHECK(seg_bare, "just words   \t ", {"just words", 0});
}

static void test_segment_non_ascii(void **state)
{
    (void)state;
    CHECK(seg_abbr,
          "Kishida met Zelenskyy in Kyiv. Ōtani hit a home run. Mr. Müller agreed. "
          "The shrine (靖国神社) was visited. 岸田首相は参拝しなかった。 "
          "Émile came.\n"
          "東京で会談\n"
          "élan is French",
          {"Kishida met Zelenskyy in Kyiv.", 0}, {"Ōtani hit a home run.", 0},
          {"Mr. Müller agreed.", 0}, {"The shrine (靖国神社) was visited.", 0},
          {"岸田首相は参拝しなかった。 Émile came.", 0}, {"東京で会談", 0},
          {"élan is French", 0});
    /* NBSP and ideographic space are white space: separators and trimmed */
    CHECK(seg_bare, "\xC2\xA0" "One.\xC2\xA0Two.\xE3\x80\x80Three\xE3\x80\x80\n\xC2\xA0",
          {"One.", 0}, {"Two.", 0}, {"Three", 0});
}

static void test_segment_trailing_newline(void **state)
{
    (void)state;
    CHECK(seg_bare, "Only one sentence.\n", {"Only one sentence.", 0});
    CHECK(seg_bare, "A headline\n", {"A headline", 0});
    CHECK(seg_bare, "Two. Lines\n\n\n", {"Two.", 0}, {"Lines", 0});
}

static void test_segment_spaces_tabs(void **state)
{
    (void)state;
    CHECK(seg_abbr, "  \t First    one.  \t  Second\tone.\t\tMr.   \t Abe   spoke  . Last ",
          {"First    one.", 0}, {"Second\tone.", 0}, {"Mr.   \t Abe   spoke  .", 0},
          {"Last", 0});
}

static void test_segment_reuse_out(void **state)
{
    tt_span_vec out = {NULL, 0, 0};
    static const char a[] = "One. Two. Three. Four.";
    static const char b[] = "Fifth one here. Sixth.";
    tt_span *before;

    (void)state;
    assert_int_equal(tt_segment_text(seg_bare, a, strlen(a), &out), 0);
    assert_int_equal(out.len, 4);
    before = out.v;
    assert_int_equal(tt_segment_text(seg_bare, b, strlen(b), &out), 0);
    assert_int_equal(out.len, 2);
    assert_ptr_equal(out.v, before);          /* the same array, no new allocation */
    assert_int_equal(out.v[0].start, 0);
    assert_int_equal(out.v[0].end, 15);
    assert_int_equal(out.v[0].paragraph, 0);
    assert_int_equal(out.v[1].start, 16);
    assert_int_equal(out.v[1].end, 22);
    assert_int_equal(out.v[1].paragraph, 0);
    assert_int_equal(tt_segment_text(seg_bare, "   ", 3, &out), 0);
    assert_int_equal(out.len, 0);
    tt_span_vec_release(&out);
    assert_null(out.v);
    assert_int_equal(out.cap, 0);
}

/* Texts copied into buffers of exactly their length: no read past the end, whatever the last
 * byte (run under valgrind or ASan to see a stray read). */
static void test_segment_exact_buffer(void **state)
{
    static const char *const texts[] = {
        "One. Two.", "One. Two. ", "A b\n", "1. ", "1.", "a) x 2", "x •", "• ", "Mr.", "U.S.",
        "at 9 a.m.", "at 9 a.m. K", ". . .", "[...", "island.T", "island.Tx", "No. 5\n\n",
        "\xE2\x80\xA6", "x \xE2\x80\xA2",
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof texts / sizeof *texts; i++) {
        size_t len = strlen(texts[i]);
        char *buf = tt_malloc(len);
        tt_span_vec out = {NULL, 0, 0};

        assert_non_null(buf);
        memcpy(buf, texts[i], len);
        assert_int_equal(tt_segment_text(seg_abbr, buf, len, &out), 0);
        assert_true(out.len >= 1);
        assert_true(out.v[out.len - 1].end <= len);
        tt_span_vec_release(&out);
        tt_free(buf);
    }
}

/* The AVX2 scan (32 and 64 bytes at a time, the last block overlapping the one before) finds
 * the same events as the SSE2 and byte scans: random texts dense in event bytes, of every
 * length up to 300, each in a buffer of exactly its length (ASan sees a read past the end). */
static void test_segment_scan_paths(void **state)
{
    static const char *const atoms[] = {
        ".", "!", "?", "\n", "\r", " ", "  ", "a", "word", "The", "U.S.", "Mr.", "3.5", "\xE2\x80\xA6",
        "\xE2\x80\xA2 ", "\xE2\x80\x99", "\"", ")", "1. ", "\n\n", "e", "Zz", "\xC2\xA0",
    };
    tt_segmenter *fast = tt_segmenter_new(), *plain = tt_segmenter_new();
    tt_span_vec a = {NULL, 0, 0}, b = {NULL, 0, 0};
    uint32_t rnd = 12345;
    size_t len, rep, i;

    (void)state;
    assert_non_null(fast);
    assert_non_null(plain);
    assert_int_equal(tt_segmenter_add_builtin(fast, ~0u), 0);
    assert_int_equal(tt_segmenter_add_builtin(plain, ~0u), 0);
    assert_int_equal(tt_segmenter_set_avx2(plain, 0), 0);
    if (!tt_segmenter_set_avx2(fast, 1))
        print_message("note: this CPU has no AVX2; only the SSE2 scan is checked\n");
    for (len = 1; len <= 300; len++) {
        for (rep = 0; rep < 20; rep++) {
            char *buf = tt_malloc(len);
            size_t n = 0;

            assert_non_null(buf);
            while (n < len) {
                const char *at;
                size_t an;

                rnd = rnd * 1103515245u + 12345u;
                at = atoms[(rnd >> 16) % (sizeof atoms / sizeof *atoms)];
                an = strlen(at);
                if (rnd & 0x8000u) {       /* plenty of plain bytes: long gaps between events */
                    at = "abcdefghijklmnopqrstuvwxyz0123456789 ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefgh";
                    an = (rnd >> 8) % 70;
                }
                if (an > len - n)
                    an = len - n;
                memcpy(buf + n, at, an);
                n += an;
            }
            assert_int_equal(tt_segment_text(fast, buf, len, &a), 0);
            assert_int_equal(tt_segment_text(plain, buf, len, &b), 0);
            assert_int_equal(a.len, b.len);
            for (i = 0; i < a.len; i++) {
                assert_int_equal(a.v[i].start, b.v[i].start);
                assert_int_equal(a.v[i].end, b.v[i].end);
                assert_int_equal(a.v[i].paragraph, b.v[i].paragraph);
            }
            tt_free(buf);
        }
    }
    tt_span_vec_release(&a);
    tt_span_vec_release(&b);
    tt_segmenter_free(fast);
    tt_segmenter_free(plain);
}

/* Fails allocation number n, n+1, ... for every n in turn while building a segmenter and
 * segmenting a text long enough to grow the output vector several times. */
static void test_segment_out_of_memory(void **state)
{
    char text[4096];
    size_t len = 0, i;
    long n;
    int done = 0;

    (void)state;
    for (i = 0; i < 60; i++)
        len += (size_t)snprintf(text + len, sizeof text - len, "Mr. Ab%zu left. ", i);
    for (n = 0; !done && n < 10000; n++) {
        tt_span_vec out = {NULL, 0, 0};
        tt_segmenter *seg;
        int ok = 1, rc;
        char w[16];

        tt_alloc_fail_after(n);
        seg = tt_segmenter_new();
        if (!seg) {
            tt_alloc_fail_after(-1);
            continue;
        }
        for (i = 0; ok && i < 40; i++) {
            int wl = snprintf(w, sizeof w, "W%zu.", i);
            ok = tt_segmenter_add_abbreviation(seg, w, (size_t)wl, NEVER) == 0;
        }
        if (ok)
            ok = tt_segmenter_add_abbreviation(seg, "Mr.", 3, NEVER) == 0;
        if (ok) {
            rc = tt_segment_text(seg, text, len, &out);
            if (rc == 0) {
                done = 1;
                assert_int_equal(out.len, 60);
                assert_int_equal(out.v[0].start, 0);
                assert_int_equal(out.v[0].end, strlen("Mr. Ab0 left."));
                assert_int_equal(out.v[59].end, len - 1);
            } else {
                assert_int_equal(rc, -1);
                assert_int_equal(out.len, 0);
                assert_true(out.len <= out.cap);
            }
        }
        tt_alloc_fail_after(-1);
        tt_span_vec_release(&out);
        tt_segmenter_free(seg);
    }
    assert_true(done);
    /* a failure in a later call keeps the earlier array valid and reusable */
    {
        tt_span_vec out = {NULL, 0, 0};
        assert_int_equal(tt_segment_text(seg_bare, "Aa. Bb.", 7, &out), 0);
        tt_alloc_fail_after(0);
        assert_int_equal(tt_segment_text(seg_bare, text, len, &out), -1);
        assert_int_equal(tt_segment_text(seg_bare, "Aa. Bb.", 7, &out), 0); /* no alloc needed */
        tt_alloc_fail_after(-1);
        assert_int_equal(out.len, 2);
        assert_int_equal(tt_segment_text(seg_bare, text, len, &out), 0);
        assert_int_equal(out.len, 120);
        tt_span_vec_release(&out);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_segment_simple),
        cmocka_unit_test(test_segment_scan_paths),
        cmocka_unit_test(test_segment_paragraphs),
        cmocka_unit_test(test_segment_headline),
        cmocka_unit_test(test_segment_dateline),
        cmocka_unit_test(test_segment_credit_line),
        cmocka_unit_test(test_segment_hard_wrap),
        cmocka_unit_test(test_segment_abbreviations),
        cmocka_unit_test(test_segment_abbreviations_missing),
        cmocka_unit_test(test_segment_abbreviation_set),
        cmocka_unit_test(test_segment_initials),
        cmocka_unit_test(test_segment_acronyms),
        cmocka_unit_test(test_segment_am_pm),
        cmocka_unit_test(test_segment_numbers),
        cmocka_unit_test(test_segment_times),
        cmocka_unit_test(test_segment_ellipsis),
        cmocka_unit_test(test_segment_closing_quotes),
        cmocka_unit_test(test_segment_quote_continuation),
        cmocka_unit_test(test_segment_crlf_cr),
        cmocka_unit_test(test_segment_bom),
        cmocka_unit_test(test_segment_empty),
        cmocka_unit_test(test_segment_no_final_punct),
        cmocka_unit_test(test_segment_non_ascii),
        cmocka_unit_test(test_segment_trailing_newline),
        cmocka_unit_test(test_segment_spaces_tabs),
        cmocka_unit_test(test_segment_reuse_out),
        cmocka_unit_test(test_segment_exact_buffer),
        cmocka_unit_test(test_segment_out_of_memory),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
