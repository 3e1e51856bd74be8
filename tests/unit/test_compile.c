/* test_compile.c - what tt_loader_build JIT-compiles: the patterns PCRE2 runs on the
 * prefilter's path, not the literal sets the prefilter decides alone; everything with
 * TT_PREFILTER_NONE.  Reads the ruleset's PCRE2 codes (compile.h). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "compile.h"
#include "prefilter.h"
#include "topictag.h"

#include "same_matches.h"

static const char RULES[] = "version: 1\n"
                            "topic:\n"
                            "  id: t\n"
                            "  title: T\n"
                            "  patterns:\n"
                            "    - {id: place, regex: '\\b(Taiwan|Taipei)\\b'}\n"
                            "    - {id: fired, regex: 'missiles?\\s+fired', ignore_case: true}\n";

static const char TEXT[] = "Taiwan said missiles  fired near Taipei. MISSILE FIRED. Taipeis.";

static tt_ruleset *load(int kind)
{
    tt_loader *ld = tt_loader_new();
    tt_ruleset *rs;
    tt_error err;
    assert_non_null(ld);
    assert_int_equal(tt_loader_set_prefilter(ld, (tt_prefilter_kind)kind), 0);
    assert_int_equal(tt_loader_add_buffer(ld, "t.yaml", RULES, strlen(RULES)), 0);
    rs = tt_loader_build(ld, &err);
    assert_non_null(rs);
    tt_loader_free(ld);
    return rs;
}

static size_t jit_size(const tt_ruleset *rs, size_t p)
{
    size_t n = 0;
    assert_int_equal(pcre2_pattern_info(rs->code[p], PCRE2_INFO_JITSIZE, &n), 0);
    return n;
}

static int have_jit(void)
{
    uint32_t jit = 0;
    pcre2_config(PCRE2_CONFIG_JIT, &jit);
    if (!jit)
        print_message("PCRE2 was built without JIT: only the results are compared\n");
    return jit != 0;
}

/* The literal set has no JIT code (the prefilter decides it); the regex has. */
static void test_literal_sets_not_jitted(void **state)
{
    tt_ruleset *rs = sm_load(RULES);
    (void)state;
    assert_int_equal(tt_ruleset_pattern(rs, 0)->literal_set, 2);
    assert_int_equal(tt_ruleset_pattern(rs, 1)->literal_set, 0);
    assert_int_equal(tt_ruleset_pattern(rs, 1)->prefiltered, 1);
    if (have_jit()) {
        assert_int_equal(jit_size(rs, 0), 0);
        assert_true(jit_size(rs, 1) > 0);
    }
    /* without the prefilter the literal set runs in the interpreter: the same matches */
    assert_int_equal(sm_compare(rs, TEXT), 4);
    tt_ruleset_free(rs);
}

/* TT_PREFILTER_NONE: no prefilter, every pattern JIT-compiled, the same matches. */
static void test_prefilter_none(void **state)
{
    /* by sentence, then by pattern */
    static const tt_match want[] = {{0, 0, 6}, {0, 33, 39}, {1, 12, 27}, {1, 41, 54}};
    tt_ruleset *rs = load(TT_PREFILTER_NONE);
    tt_scanner *sc = tt_scanner_new(rs, NULL);
    const tt_result *r;
    const tt_match *m;
    size_t n, p;
    tt_error err;
    (void)state;
    assert_null(rs->pf);
    for (p = 0; p < 2; p++) {
        assert_int_equal(tt_ruleset_pattern(rs, p)->prefiltered, 0);
        assert_int_equal(tt_ruleset_pattern(rs, p)->literal_set, 0);
        if (have_jit())
            assert_true(jit_size(rs, p) > 0);
    }
    assert_non_null(sc);
    r = tt_classify(sc, TEXT, strlen(TEXT), &err);
    assert_non_null(r);
    m = tt_result_matches(r, &n);
    assert_int_equal(n, 4);
    for (p = 0; p < n; p++) {
        assert_int_equal(m[p].pattern, want[p].pattern);
        assert_int_equal(m[p].start, want[p].start);
        assert_int_equal(m[p].end, want[p].end);
    }
    tt_scanner_free(sc);
    tt_ruleset_free(rs);
}

/* article.aside runs unanchored: its literals join the prefilter, and it runs only in a
 * sentence with a hit of one; the sentences it marks inherit nothing, as without it. */
static const char ASIDE_RULES[] =
    "version: 1\n"
    "article:\n"
    "  aside: ['\\b(?:declined to comment|could not be reached)\\b']\n"
    "topic:\n"
    "  id: nk\n"
    "  title: NK\n"
    "  patterns:\n"
    "    - {id: nk, regex: 'North Korea'}\n"
    "    - {id: missile, regex: '\\bmissiles?\\b', weight: 0.5}\n"
    "  condition: nk and missile\n"
    "  context:\n"
    "    window: 2\n"
    "    when: missile\n";

static const char ASIDE_TEXT[] =
    "North Korea fired a missile. The missile office declined to comment. North Korea fired "
    "another missile. Its missile unit could not be reached. North Korea fired a third missile. "
    "Declined to comment, the missile office said. The missile office declined to commentary.";

static void test_aside_prefiltered(void **state)
{
    tt_ruleset *rs = sm_load(ASIDE_RULES);
    tt_scanner *sc = tt_scanner_new(rs, NULL);
    const tt_result *r;
    const tt_sentence *s;
    tt_error err;
    size_t n, np, i, found = 0;
    long st;
    const uint32_t *pats;
    (void)state;
    assert_non_null(rs->pf);
    assert_int_equal(rs->art_key[2], 2 * rs->npatterns);
    assert_int_equal(rs->art_key[0], 0);   /* no switch, no dateline */
    assert_int_equal(rs->art_key[1], 0);
    st = tt_prefilter_find(rs->pf, "declined to comm", 16);   /* trimmed to 16 bytes */
    assert_true(st >= 0);
    pats = tt_prefilter_patterns(rs->pf, (uint32_t)st, &np);
    for (i = 0; i < np; i++)
        found |= pats[i] == rs->art_key[2];
    assert_true(found);
    assert_non_null(sc);
    r = tt_classify(sc, ASIDE_TEXT, strlen(ASIDE_TEXT), &err);
    assert_non_null(r);
    s = tt_result_sentences(r, &n);
    assert_int_equal(n, 7);
    /* the asides (1, 3) inherit nothing; the capitalized "Declined" (5: the regex is
     * case-sensitive) and "commentary" (6) are none and inherit */
    for (i = 0; i < n; i++)
        assert_int_equal(s[i].tag_count, i != 1 && i != 3);
    sm_compare(rs, ASIDE_TEXT);
    tt_scanner_free(sc);
    tt_ruleset_free(rs);
}

/* The anchored article regexes run only on a sentence whose first byte can begin a match
 * (PCRE2's start analysis of the regex without its \G); a caseless letter keeps its other
 * case and the signs K and S fold to.  Their literals join the prefilter too ("separately",
 * " (ap) --"), and they run only in a sentence with a hit of one; not so a regex with a
 * literal that can match inside a word (it would make the scan visit every position). */
static const char SWITCH_RULES[] = "version: 1\n"
                                   "article:\n"
                                   "  switch: ['(?i)separately\\b']\n"
                                   "  dateline: ['[A-Z]+ \\(AP\\) --']\n"
                                   "topic:\n"
                                   "  id: nk\n"
                                   "  title: NK\n"
                                   "  patterns:\n"
                                   "    - {id: nk, regex: 'North Korea'}\n";

static const char SWITCH_RULES_B[] = "version: 1\n"
                                     "article:\n"
                                     "  switch: ['(?i)\\bseparately\\b']\n"
                                     "  dateline: ['[A-Z]+ \\(AP\\) --']\n"
                                     "topic:\n"
                                     "  id: nk\n"
                                     "  title: NK\n"
                                     "  patterns:\n"
                                     "    - {id: nk, regex: 'North Korea'}\n";

/* Classifies text with sc and asserts the kinds of its five sentences. */
static void assert_kinds(tt_scanner *sc, const char *text, const unsigned *kinds)
{
    tt_error err;
    const tt_result *r;
    const tt_sentence *s;
    size_t n, i;
    assert_non_null(sc);
    r = tt_classify(sc, text, strlen(text), &err);
    assert_non_null(r);
    s = tt_result_sentences(r, &n);
    assert_int_equal(n, 5);
    for (i = 0; i < n; i++)
        assert_int_equal(s[i].kind, kinds[i]);
}

static int has_byte(const unsigned char *first, unsigned c)
{
    return first[c >> 3] >> (c & 7) & 1;
}

static void test_article_first_bytes(void **state)
{
    static const char text[] = "North Korea fired.\n\nSEPARATELY, North Korea said so.\n\n"
                               "\xc5\xbf" "eparately, North Korea said so.\n\n"
                               "SEOUL (AP) -- North Korea fired.\n\nseoul (AP) -- North Korea.";
    /* the last: no dateline, a lead of the section the one before it starts */
    static const unsigned kinds[] = {TT_SENT_LEAD, TT_SENT_BREAK, TT_SENT_BREAK, TT_SENT_BREAK,
                                     TT_SENT_LEAD};
    static const char text2[] = "North Korea fired.\n\nSEPARATELY, North Korea said so.\n\n"
                                "Separate, North Korea said so.\n\n"
                                "SEOUL (AP) -- North Korea fired.\n\nseoul (AP) -- North Korea.";
    static const unsigned kinds2[] = {TT_SENT_LEAD, TT_SENT_BREAK, TT_SENT_LEAD,
                                      TT_SENT_BREAK, TT_SENT_LEAD};
    tt_ruleset *rs = sm_load(SWITCH_RULES);
    tt_scanner *sc = tt_scanner_new(rs, NULL);
    unsigned c;
    (void)state;
    for (c = 0; c < 256; c++) {
        assert_int_equal(has_byte(rs->switch_first, c),
                         c == 's' || c == 'S' || c == 0xC5);   /* U+017F LONG S */
        assert_int_equal(has_byte(rs->dateline_first, c), c >= 'A' && c <= 'Z');
    }
    assert_kinds(sc, text, kinds);
    assert_int_equal(rs->art_key[0], 0);   /* "separately" may match inside a word */
    assert_true(rs->art_key[1] > 0);
    tt_scanner_free(sc);
    tt_ruleset_free(rs);
    /* with \b before it, it has a key; without the long S the document is prefiltered:
     * the kinds are those without the prefilter */
    rs = sm_load(SWITCH_RULES_B);
    assert_true(rs->art_key[0] > 0 && rs->art_key[1] > rs->art_key[0]);
    sc = tt_scanner_new(rs, NULL);
    assert_non_null(sc);
    assert_true(tt_prefilter_find(rs->pf, "separately", 10) >= 0);
    assert_kinds(sc, text2, kinds2);
    sm_compare(rs, text2);
    tt_scanner_free(sc);
    {   /* as without the prefilter */
        tt_limits lim;
        tt_limits_init(&lim);
        lim.no_prefilter = 1;
        sc = tt_scanner_new(rs, &lim);
        assert_kinds(sc, text2, kinds2);
    }
    tt_scanner_free(sc);
    tt_ruleset_free(rs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_literal_sets_not_jitted),
        cmocka_unit_test(test_prefilter_none),
        cmocka_unit_test(test_aside_prefiltered),
        cmocka_unit_test(test_article_first_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
