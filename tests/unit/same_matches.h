/* same_matches.h - for unit tests: a ruleset from YAML text, and the check that the prefilter
 * changes nothing: the same matches (pattern, start, end) as with no_prefilter.  Include after
 * <cmocka.h> and "topictag.h". */
#ifndef TT_TEST_SAME_MATCHES_H
#define TT_TEST_SAME_MATCHES_H

#include <string.h>

static tt_ruleset *sm_load(const char *yaml)
{
    tt_loader *ld = tt_loader_new();
    tt_ruleset *rs;
    tt_error err;
    size_t i;
    assert_non_null(ld);
    tt_loader_add_buffer(ld, "t.yaml", yaml, strlen(yaml));
    rs = tt_loader_build(ld, &err);
    for (i = 0; i < tt_loader_diag_count(ld); i++)
        print_message("rules: %d:%d: %s\n", tt_loader_diag(ld, i)->error.line,
                      tt_loader_diag(ld, i)->error.column, tt_loader_diag(ld, i)->error.message);
    assert_non_null(rs);
    tt_loader_free(ld);
    return rs;
}

/* Classifies text with and without the prefilter; asserts the same matches and the same tags
 * (topic, context or not, matches); returns the number of matches. */
static size_t sm_compare(const tt_ruleset *rs, const char *text)
{
    tt_scanner *sc, *all;
    tt_limits lim;
    tt_error err;
    const tt_result *r1, *r2;
    const tt_match *m1, *m2;
    const tt_tag *t1, *t2;
    size_t n1, n2, nm, i;
    tt_limits_init(&lim);
    sc = tt_scanner_new(rs, &lim);
    lim.no_prefilter = 1;
    all = tt_scanner_new(rs, &lim);
    assert_non_null(sc);
    assert_non_null(all);
    r1 = tt_classify(sc, text, strlen(text), &err);
    assert_non_null(r1);
    r2 = tt_classify(all, text, strlen(text), &err);
    assert_non_null(r2);
    m1 = tt_result_matches(r1, &n1);
    m2 = tt_result_matches(r2, &n2);
    assert_int_equal(n1, n2);
    for (i = 0; i < n1; i++) {
        assert_int_equal(m1[i].pattern, m2[i].pattern);
        assert_int_equal(m1[i].start, m2[i].start);
        assert_int_equal(m1[i].end, m2[i].end);
    }
    nm = n1;
    t1 = tt_result_tags(r1, &n1);
    t2 = tt_result_tags(r2, &n2);
    assert_int_equal(n1, n2);
    for (i = 0; i < n1; i++) {
        assert_int_equal(t1[i].topic, t2[i].topic);
        assert_int_equal(t1[i].via_context, t2[i].via_context);
        assert_int_equal(t1[i].match_count, t2[i].match_count);
    }
    tt_scanner_free(sc);
    tt_scanner_free(all);
    return nm;
}

#endif
