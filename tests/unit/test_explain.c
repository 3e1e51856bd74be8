/* test_explain.c - inline examples in the ruleset, explain mode traces, rendered conditions. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "topictag.h"

static const char RULES[] = "version: 1\n"
                            "topic:\n"
                            "  id: nk\n"
                            "  title: NK missiles\n"
                            "  patterns:\n"
                            "    - id: nk\n"
                            "      literal: Pyongyang\n"
                            "    - id: missile\n"
                            "      literal: missile\n"
                            "    - id: launch\n"
                            "      literal: The launch\n"
                            "  condition: nk and missile\n"
                            "  exclude:\n"
                            "    - id: toy\n"
                            "      literal: toy\n"
                            "  context:\n"
                            "    window: 2\n"
                            "    when: launch\n"
                            "  examples:\n"
                            "    - tag: Pyongyang fired a missile.\n"
                            "    - not: A toy missile from Pyongyang.\n"
                            "    - todo: \"Pyongyang fired. The launch failed.\"\n"
                            "      sentence: 1\n"
                            "      note: no missile word in the first sentence\n";

static tt_ruleset *load(void)
{
    tt_loader *ld = tt_loader_new();
    tt_ruleset *rs;
    tt_error err;
    assert_non_null(ld);
    assert_int_equal(tt_loader_add_buffer(ld, "x.yaml", RULES, strlen(RULES)), 0);
    rs = tt_loader_build(ld, &err);
    tt_loader_free(ld);
    assert_non_null(rs);
    return rs;
}

static void test_explain_examples(void **state)
{
    tt_ruleset *rs = load();
    const tt_example_info *e;
    (void)state;
    assert_int_equal(tt_ruleset_example_count(rs), 3);
    e = tt_ruleset_example(rs, 0);
    assert_int_equal(e->kind, TT_EX_TAG);
    assert_string_equal(e->text, "Pyongyang fired a missile.");
    assert_int_equal(e->sentence, -1);
    assert_int_equal(e->number, 1);
    assert_string_equal(e->file, "x.yaml");
    assert_int_equal(e->line, 20);
    assert_int_equal(e->column, 12);
    e = tt_ruleset_example(rs, 1);
    assert_int_equal(e->kind, TT_EX_NOT);
    assert_int_equal(e->line, 21);
    e = tt_ruleset_example(rs, 2);
    assert_int_equal(e->kind, TT_EX_TODO);
    assert_int_equal(e->sentence, 1);
    assert_string_equal(e->note, "no missile word in the first sentence");
    assert_null(tt_ruleset_example(rs, 3));
    tt_ruleset_free(rs);
}

static void test_explain_traces(void **state)
{
    tt_ruleset *rs = load();
    tt_scanner *sc = tt_scanner_new(rs, NULL);
    const char *text = "Pyongyang fired a missile. The launch was the fourth. A toy missile.";
    const tt_result *r;
    const tt_trace *t;
    const tt_match *m;
    size_t n, nm;
    char buf[256];
    (void)state;
    assert_non_null(sc);
    tt_scanner_set_explain(sc, 1);
    r = tt_classify(sc, text, strlen(text), NULL);
    assert_non_null(r);
    t = tt_result_traces(r, &n);
    m = tt_result_trace_matches(r, &nm);
    assert_int_equal(n, 3);   /* one topic on each of three sentences */
    /* [0] tagged directly */
    assert_int_equal(t[0].sentence, 0);
    assert_true(t[0].tagged);
    assert_false(t[0].via_context);
    assert_true(t[0].condition);
    assert_int_equal(t[0].context_source, 0);
    assert_true(t[0].score == 2.0);
    assert_int_equal(t[0].match_count, 2);
    assert_int_equal(
        tt_ruleset_render_condition(rs, 0, 0, m + t[0].match_first, t[0].match_count, buf,
                                    sizeof buf),
        1);
    assert_string_equal(buf, "(nk:true and missile:true) => true");
    /* [1] through context from [0] */
    assert_true(t[1].tagged);
    assert_true(t[1].via_context);
    assert_int_equal(t[1].from, 0);
    assert_false(t[1].condition);
    assert_int_equal(t[1].context_source, 1);
    assert_int_equal(t[1].context_from, 0);
    assert_true(t[1].when);
    assert_int_equal(
        tt_ruleset_render_condition(rs, 0, 1, m + t[1].match_first, t[1].match_count, buf,
                                    sizeof buf),
        1);
    assert_string_equal(buf, "launch:true => true");
    /* [2] vetoed: the exclusion's match is in the trace too */
    assert_false(t[2].tagged);
    assert_true(t[2].vetoed);
    assert_int_equal(t[2].match_count, 2);
    assert_string_equal(tt_ruleset_pattern(rs, m[t[2].match_first + 1].pattern)->id, "toy");
    /* no condition for a topic that has none */
    assert_int_equal(tt_ruleset_render_condition(rs, 5, 0, NULL, 0, buf, sizeof buf), -1);
    tt_scanner_free(sc);
    tt_ruleset_free(rs);
}

static void test_explain_off_by_default(void **state)
{
    tt_ruleset *rs = load();
    tt_scanner *sc = tt_scanner_new(rs, NULL);
    const tt_result *r;
    size_t n;
    (void)state;
    r = tt_classify(sc, "Pyongyang fired a missile.", 26, NULL);
    tt_result_traces(r, &n);
    assert_int_equal(n, 0);
    tt_scanner_free(sc);
    tt_ruleset_free(rs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_explain_examples),
        cmocka_unit_test(test_explain_traces),
        cmocka_unit_test(test_explain_off_by_default),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
