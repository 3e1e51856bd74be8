/* test_rules.c - unit tests of the rule loader (src/rules.c) and the build step
 * (src/compile.c): the model read from YAML, every diagnostic with its exact position and
 * message, folders, and out-of-memory behaviour. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "topictag.h"

#define E TT_SEV_ERROR
#define W TT_SEV_WARNING

/* One expected diagnostic. */
typedef struct exp_diag {
    tt_severity sev;
    tt_status code;
    const char *file;
    int line, column;
    const char *message;
} exp_diag;

static void dump_diags(const tt_loader *ld)
{
    size_t i;

    for (i = 0; i < tt_loader_diag_count(ld); i++) {
        const tt_diag *d = tt_loader_diag(ld, i);
        print_message("  diag %zu: %s %s %s:%d:%d: %s\n", i,
                      d->severity == TT_SEV_ERROR ? "error" : "warning",
                      tt_status_name(d->error.code), d->error.file, d->error.line,
                      d->error.column, d->error.message);
    }
}

/* Asserts that the loader holds exactly the expected diagnostics, in order. */
static void check_diags(const tt_loader *ld, const exp_diag *exp, size_t n)
{
    size_t i, nerr = 0;

    if (tt_loader_diag_count(ld) != n)
        dump_diags(ld);
    assert_int_equal(tt_loader_diag_count(ld), n);
    for (i = 0; i < n; i++) {
        const tt_diag *d = tt_loader_diag(ld, i);
        if (d->severity != exp[i].sev || d->error.code != exp[i].code ||
            strcmp(d->error.file, exp[i].file) != 0 || d->error.line != exp[i].line ||
            d->error.column != exp[i].column || strcmp(d->error.message, exp[i].message) != 0) {
            print_message("diag %zu differs; expected %s:%d:%d: %s\n", i, exp[i].file,
                          exp[i].line, exp[i].column, exp[i].message);
            dump_diags(ld);
        }
        assert_int_equal(d->severity, exp[i].sev);
        assert_int_equal(d->error.code, exp[i].code);
        assert_string_equal(d->error.file, exp[i].file);
        assert_int_equal(d->error.line, exp[i].line);
        assert_int_equal(d->error.column, exp[i].column);
        assert_string_equal(d->error.message, exp[i].message);
        nerr += exp[i].sev == TT_SEV_ERROR;
    }
    assert_null(tt_loader_diag(ld, n));
    assert_int_equal(tt_loader_error_count(ld), nerr);
}

/* Builds ld and checks the outcome against the diagnostics: NULL and err = the first error
 * when there is any error, else a ruleset and err cleared.  Returns the ruleset. */
static tt_ruleset *build_checked(tt_loader *ld, const exp_diag *exp, size_t n)
{
    tt_error err;
    tt_ruleset *rs;
    size_t i;
    const exp_diag *first = NULL;

    memset(&err, 0x55, sizeof err);
    rs = tt_loader_build(ld, &err);
    check_diags(ld, exp, n);
    for (i = 0; i < n && !first; i++)
        if (exp[i].sev == TT_SEV_ERROR)
            first = &exp[i];
    if (first) {
        assert_null(rs);
        assert_int_equal(err.code, first->code);
        assert_string_equal(err.file, first->file);
        assert_int_equal(err.line, first->line);
        assert_int_equal(err.column, first->column);
        assert_string_equal(err.message, first->message);
    } else {
        assert_non_null(rs);
        assert_int_equal(err.code, TT_OK);
    }
    /* a second build is refused */
    assert_null(tt_loader_build(ld, &err));
    assert_int_equal(err.code, TT_ERR_USAGE);
    return rs;
}

/* Loads one buffer named x.yaml; checks the add's return value and all diagnostics. */
static tt_ruleset *load_one(const char *text, const exp_diag *exp, size_t n)
{
    tt_loader *ld = tt_loader_new();
    tt_ruleset *rs;
    int rc;

    assert_non_null(ld);
    rc = tt_loader_add_buffer(ld, "x.yaml", text, strlen(text));
    assert_int_equal(rc, (int)tt_loader_error_count(ld));
    rs = build_checked(ld, exp, n);
    tt_loader_free(ld);
    return rs;
}

/* Loads text, expects exactly the given diagnostics (at least one error) and no ruleset. */
#define CHECK_FAIL(text, ...)                                                                  \
    do {                                                                                       \
        static const exp_diag exp_[] = {__VA_ARGS__};                                          \
        assert_null(load_one((text), exp_, sizeof(exp_) / sizeof(exp_[0])));                   \
    } while (0)

/* A minimal valid topic body, appended after a broken part where needed. */
#define TOPIC_OK                                                                               \
    "topic:\n"                                                                                 \
    "  id: t\n"                                                                                \
    "  title: T\n"                                                                             \
    "  patterns:\n"                                                                            \
    "    - id: p\n"                                                                            \
    "      regex: p\n"

/* ---- a valid file ------------------------------------------------------------------------ */

static const char VALID[] =
    "version: 1\n"                                       /* 1 */
    "definitions:\n"                                     /* 2 */
    "  nk: 'North\\s+Korea'\n"                           /* 3 */
    "  outer: 'x{{ inner }}z'\n"                         /* 4 */
    "  inner: 'y'\n"                                     /* 5 */
    "topic:\n"                                           /* 6 */
    "  id: nk-missiles\n"                                /* 7 */
    "  title: North Korean missiles\n"                   /* 8 */
    "  description: Launches and tests.\n"               /* 9 */
    "  parent: korea\n"                                  /* 10 */
    "  tags: [korea, missiles]\n"                        /* 11 */
    "  threshold: 1.5\n"                                 /* 12 */
    "  patterns:\n"                                      /* 13 */
    "    - id: nk\n"                                     /* 14 */
    "      regex: '{{nk}}'\n"                            /* 15 */
    "      weight: 1.0\n"                                /* 16 */
    "    - id: missile\n"                                /* 17 */
    "      regex: ['missiles?', 'ICBMs?']\n"             /* 18 */
    "      ignore_case: true\n"                          /* 19 */
    "      word: true\n"                                 /* 20 */
    "    - id: lit\n"                                    /* 21 */
    "      literal: 'a.b*c(d)[e]{f}|g^h$i\\j+k?'\n"      /* 22 */
    "      weight: 0.5\n"                                /* 23 */
    "    - id: nested\n"                                 /* 24 */
    "      regex: '{{outer}}!'\n"                        /* 25 */
    "      weight: -2\n"                                 /* 26 */
    "    - id: words\n"                                  /* 27 */
    "      literal: [launch, test-fired]\n"              /* 28 */
    "      word: yes\n"                                  /* 29 */
    "      ignore_case: no\n"                            /* 30 */
    "  exclude:\n"                                       /* 31 */
    "    - id: toy\n"                                    /* 32 */
    "      literal: toy missile\n"                       /* 33 */
    "  condition: nk and (missile or lit or nested or words)\n" /* 34 */
    "  context:\n"                                       /* 35 */
    "    window: 3\n"                                    /* 36 */
    "    when: missile\n"                                /* 37 */
    "  examples:\n"                                      /* 38 */
    "    - tag: Pyongyang fired a missile.\n"          /* 39 */
    "segmenter:\n"                                       /* 40 */
    "  abbreviations: [Gen., Lt.]\n";                    /* 41 */

static void test_rules_valid(void **state)
{
    tt_ruleset *rs;
    const tt_topic_info *t;
    const tt_pattern_info *p;

    (void)state;
    rs = load_one(VALID, NULL, 0);
    assert_non_null(rs);
    assert_int_equal(tt_ruleset_topic_count(rs), 1);
    assert_int_equal(tt_ruleset_pattern_count(rs), 6);
    assert_null(tt_ruleset_topic(rs, 1));
    assert_null(tt_ruleset_pattern(rs, 6));
    assert_int_equal(tt_ruleset_find_topic(rs, "nk-missiles"), 0);
    assert_int_equal(tt_ruleset_find_topic(rs, "nk"), -1);

    t = tt_ruleset_topic(rs, 0);
    assert_string_equal(t->id, "nk-missiles");
    assert_string_equal(t->title, "North Korean missiles");
    assert_string_equal(t->description, "Launches and tests.");
    assert_string_equal(t->parent, "korea");
    assert_string_equal(t->file, "x.yaml");
    assert_int_equal(t->line, 7);
    assert_true(t->threshold == 1.5);
    assert_int_equal(t->has_context, 1);
    assert_int_equal(t->context_window, 3);

    p = tt_ruleset_pattern(rs, 0);
    assert_string_equal(p->id, "nk");
    assert_int_equal(p->topic, 0);
    assert_int_equal(p->exclude, 0);
    assert_true(p->weight == 1.0);
    assert_string_equal(p->regex, "(?:North\\s+Korea)");
    assert_string_equal(p->file, "x.yaml");
    assert_int_equal(p->line, 14);
    assert_int_equal(p->column, 7);

    p = tt_ruleset_pattern(rs, 1);
    assert_string_equal(p->id, "missile");
    assert_true(p->weight == 1.0);
    assert_string_equal(p->regex,
                        "(?<![A-Za-z0-9_])(?:(?:missiles?)|(?:ICBMs?))(?![A-Za-z0-9_])");
    assert_int_equal(p->line, 17);

    p = tt_ruleset_pattern(rs, 2);
    assert_string_equal(p->id, "lit");
    assert_true(p->weight == 0.5);
    assert_string_equal(p->regex, "a\\.b\\*c\\(d\\)\\[e\\]\\{f\\}\\|g\\^h\\$i\\\\j\\+k\\?");

    p = tt_ruleset_pattern(rs, 3);
    assert_string_equal(p->id, "nested");
    assert_true(p->weight == -2.0);
    assert_string_equal(p->regex, "(?:x(?:y)z)!");

    p = tt_ruleset_pattern(rs, 4);
    assert_string_equal(p->id, "words");
    assert_string_equal(p->regex,
                        "(?<![A-Za-z0-9_])(?:(?:launch)|(?:test-fired))(?![A-Za-z0-9_])");

    p = tt_ruleset_pattern(rs, 5);
    assert_string_equal(p->id, "toy");
    assert_int_equal(p->exclude, 1);
    assert_int_equal(p->topic, 0);
    assert_string_equal(p->regex, "toy missile");
    assert_int_equal(p->line, 32);
    assert_int_equal(p->column, 7);
    tt_ruleset_free(rs);
    tt_ruleset_free(NULL);
}

/* Defaults: threshold 1, no context, weight 1; context without window: window 1. */
static void test_rules_defaults(void **state)
{
    tt_ruleset *rs;
    const tt_topic_info *t;

    (void)state;
    rs = load_one("version: 1\n" TOPIC_OK, NULL, 0);
    assert_non_null(rs);
    t = tt_ruleset_topic(rs, 0);
    assert_true(t->threshold == 1.0);
    assert_int_equal(t->has_context, 0);
    assert_int_equal(t->context_window, 0);
    assert_string_equal(t->description, "");
    assert_string_equal(t->parent, "");
    assert_int_equal(t->line, 3);
    assert_true(tt_ruleset_pattern(rs, 0)->weight == 1.0);
    assert_string_equal(tt_ruleset_pattern(rs, 0)->regex, "p");
    tt_ruleset_free(rs);

    rs = load_one("version: 1\n" TOPIC_OK "  context: {}\n", NULL, 0);
    assert_non_null(rs);
    assert_int_equal(tt_ruleset_topic(rs, 0)->has_context, 1);
    assert_int_equal(tt_ruleset_topic(rs, 0)->context_window, 1);
    tt_ruleset_free(rs);
}

/* Strings the ruleset hands out stay valid after the loader is gone. */
static void test_rules_strings_outlive_loader(void **state)
{
    tt_loader *ld = tt_loader_new();
    tt_ruleset *rs;
    char *name = strdup("some/where/rules.yaml");
    char *text = strdup("version: 1\n" TOPIC_OK);

    (void)state;
    assert_non_null(ld);
    assert_non_null(name);
    assert_non_null(text);
    assert_int_equal(tt_loader_add_buffer(ld, name, text, strlen(text)), 0);
    rs = tt_loader_build(ld, NULL);
    assert_non_null(rs);
    tt_loader_free(ld);
    memset(name, 'X', strlen(name));
    memset(text, 'X', strlen(text));
    free(name);
    free(text);
    assert_string_equal(tt_ruleset_topic(rs, 0)->file, "some/where/rules.yaml");
    assert_string_equal(tt_ruleset_pattern(rs, 0)->file, "some/where/rules.yaml");
    assert_string_equal(tt_ruleset_topic(rs, 0)->id, "t");
    assert_string_equal(tt_ruleset_pattern(rs, 0)->regex, "p");
    tt_ruleset_free(rs);
}

/* ---- YAML and structure errors ----------------------------------------------------------- */

static void test_rules_yaml_syntax(void **state)
{
    (void)state;
    CHECK_FAIL("version: 1\n"
               "topic: [a, b\n",
               {E, TT_ERR_YAML, "x.yaml", 3, 1,
                "yaml: did not find expected ',' or ']' while parsing a flow sequence"});
    CHECK_FAIL("version: 1\n"
               "topic:\n"
               "  id: a\n"
               " title: b\n",
               {E, TT_ERR_YAML, "x.yaml", 4, 2,
                "yaml: did not find expected key while parsing a block mapping"});
    CHECK_FAIL("version: 1\n"
               "topic:\n"
               "  title: \"unterminated\n",
               {E, TT_ERR_YAML, "x.yaml", 4, 1,
                "yaml: found unexpected end of stream while scanning a quoted scalar"});
}

static void test_rules_tab_indent(void **state)
{
    (void)state;
    CHECK_FAIL("version: 1\n"
               "topic:\n"
               "  id: a\n"
               "\ttitle: b\n",
               {E, TT_ERR_YAML, "x.yaml", 4, 1,
                "yaml: found a tab character that violates indentation while scanning a plain "
                "scalar"});
    CHECK_FAIL("version: 1\n"
               "topic:\n"
               "\tid: tabbed\n",
               {E, TT_ERR_YAML, "x.yaml", 3, 1,
                "yaml: found character that cannot start any token while scanning for the next "
                "token"});
}

static void test_rules_empty(void **state)
{
    (void)state;
    CHECK_FAIL("", {E, TT_ERR_RULE, "x.yaml", 1, 1,
                    "empty rule file (expected a mapping with 'version: 1')"});
    CHECK_FAIL("# only a comment\n\n", {E, TT_ERR_RULE, "x.yaml", 1, 1,
                                        "empty rule file (expected a mapping with 'version: 1')"});
    CHECK_FAIL("just text\n",
               {E, TT_ERR_RULE, "x.yaml", 1, 1, "a rule file must be a mapping, found a scalar"});
    CHECK_FAIL("- version: 1\n",
               {E, TT_ERR_RULE, "x.yaml", 1, 1, "a rule file must be a mapping, found a list"});
    /* well-formed but no topic anywhere: an error without a position */
    CHECK_FAIL("version: 1\n"
               "definitions:\n"
               "  x: 'y'\n",
               {W, TT_ERR_RULE, "x.yaml", 3, 6, "definition 'x' is never used"},
               {E, TT_ERR_RULE, "", 0, 0, "no topics in the ruleset"});
}

static void test_rules_unknown_keys(void **state)
{
    (void)state;
    CHECK_FAIL("version: 1\n"
               "colour: red\n"
               "topics: []\n" TOPIC_OK,
               {E, TT_ERR_RULE, "x.yaml", 2, 1,
                "unknown key 'colour' at top level (expected version, topic, definitions, "
                "segmenter, article)"},
               {E, TT_ERR_RULE, "x.yaml", 3, 1,
                "unknown key 'topics': write one 'topic:' per file"});
    CHECK_FAIL("version: 1\n"
               "topic:\n"
               "  id: t\n"
               "  title: T\n"
               "  wieght: 2\n"
               "  patterns:\n"
               "    - id: p\n"
               "      regex: p\n"
               "      wieght: 2\n"
               "  exclude:\n"
               "    - id: e\n"
               "      literal: e\n"
               "      colour: 1\n"
               "  context:\n"
               "    window: 2\n"
               "    after: 3\n",
               {E, TT_ERR_RULE, "x.yaml", 5, 3,
                "unknown key 'wieght' in topic (expected id, title, description, parent, tags, "
                "threshold, patterns, exclude, condition, context, examples)"},
               {E, TT_ERR_RULE, "x.yaml", 9, 7,
                "unknown key 'wieght' in pattern (expected id, regex, literal, weight, "
                "ignore_case, word)"},
               {E, TT_ERR_RULE, "x.yaml", 13, 7,
                "unknown key 'colour' in exclusion (expected id, regex, literal, weight, "
                "ignore_case, word)"},
               {E, TT_ERR_RULE, "x.yaml", 16, 5,
                "unknown key 'after' in context (expected window, when, scope, article, breaks)"});
    CHECK_FAIL("version: 1\n"
               "segmenter:\n"
               "  abbreviations: [Gen., 'a b', Lt.]\n"
               "  other: 1\n" TOPIC_OK,
               {E, TT_ERR_RULE, "x.yaml", 3, 25, "abbreviation 'a b' must be one word"},
               {E, TT_ERR_RULE, "x.yaml", 4, 3,
                "unknown key 'other' in segmenter (expected abbreviations, "
                "abbreviations-may-end, starters, exclamation-names, replace)"});
    CHECK_FAIL("version: 1\n"
               "segmenter:\n"
               "  abbreviations: [Co., 'x y']\n"
               "  abbreviations-may-end: Inc.\n" TOPIC_OK,
               {E, TT_ERR_RULE, "x.yaml", 3, 24, "abbreviation 'x y' must be one word"},
               {E, TT_ERR_RULE, "x.yaml", 4, 26,
                "'abbreviations-may-end' must be a list of strings, found a scalar"});
    CHECK_FAIL("version: 1\n"
               "segmenter:\n"
               "  starters: [Thereafter, the, 'Über', '!']\n"
               "  exclamation-names: ['!', Yahoo!]\n"
               "  replace: maybe\n" TOPIC_OK,
               {E, TT_ERR_RULE, "x.yaml", 3, 26,
                "starter 'the' must be a capitalised word of at most 16 ASCII letters"},
               {E, TT_ERR_RULE, "x.yaml", 3, 31,
                "starter 'Über' must be a capitalised word of at most 16 ASCII letters"},
               {E, TT_ERR_RULE, "x.yaml", 3, 39,
                "starter '!' must be a capitalised word of at most 16 ASCII letters"},
               {E, TT_ERR_RULE, "x.yaml", 4, 23, "exclamation name '!' must be one word"},
               {E, TT_ERR_RULE, "x.yaml", 5, 12, "'replace' must be true or false, found 'maybe'"});
    CHECK_FAIL("version: 1\n"
               "segmenter:\n"
               "  replace: true\n" TOPIC_OK,
               {E, TT_ERR_RULE, "x.yaml", 3, 3,
                "'replace: true' needs the lists it replaces (abbreviations, "
                "abbreviations-may-end, starters, exclamation-names) in the same mapping"});
}

static void test_rules_wrong_types(void **state)
{
    (void)state;
    CHECK_FAIL("version: 1\n"
               "topic:\n"
               "  id: t\n"
               "  title: T\n"
               "  patterns:\n"
               "    - id: p\n"
               "      regex: p\n"
               "      weight: abc\n"
               "      ignore_case: maybe\n"
               "      word: \"true\"\n",
               {E, TT_ERR_RULE, "x.yaml", 8, 15, "'weight' must be a number, found 'abc'"},
               {E, TT_ERR_RULE, "x.yaml", 9, 20,
                "'ignore_case' must be true or false, found 'maybe'"},
               {E, TT_ERR_RULE, "x.yaml", 10, 13, "'word' must be true or false, found 'true'"});
    CHECK_FAIL("version: 1\n"
               "topic:\n"
               "  id: t\n"
               "  title: T\n"
               "  patterns: p\n",
               {E, TT_ERR_RULE, "x.yaml", 5, 13,
                "'patterns' must be a list of patterns, found a scalar"},
               {E, TT_ERR_RULE, "x.yaml", 2, 1, "topic 't' has no patterns"});
    CHECK_FAIL("version: 1\n"
               "topic:\n"
               "  id: [t]\n"
               "  title: T\n"
               "  patterns:\n"
               "    - id: p\n"
               "      regex: p\n"
               "    - id: {q: 1}\n"
               "      regex: q\n",
               {E, TT_ERR_RULE, "x.yaml", 3, 7, "'id' must be a string, found a list"},
               {E, TT_ERR_RULE, "x.yaml", 8, 11, "'id' must be a string, found a mapping"});
    CHECK_FAIL("version: 1\n"
               "topic:\n"
               "  id: t\n"
               "  title: T\n"
               "  tags: [a, [b], c]\n"
               "  threshold: -1\n"
               "  patterns:\n"
               "    - id: p\n"
               "      regex: p\n"
               "      weight: 1001\n"
               "  context:\n"
               "    window: 2.5\n",
               {E, TT_ERR_RULE, "x.yaml", 5, 13, "'tags' must be a string, found a list"},
               {E, TT_ERR_RULE, "x.yaml", 6, 14,
                "'threshold' must be between 0 and 1e+06, found -1"},
               {E, TT_ERR_RULE, "x.yaml", 10, 15,
                "'weight' must be between -1000 and 1000, found 1001"},
               {E, TT_ERR_RULE, "x.yaml", 12, 13, "'window' must be a whole number, found 2.5"});
    CHECK_FAIL("version: 1\n"
               "topic:\n"
               "  id:\n"
               "  title: ~\n"
               "  patterns:\n"
               "    - id: p\n"
               "      regex:\n"
               "    - id: q\n"
               "      regex: []\n"
               "    - id: r\n"
               "      literal: ''\n",
               {E, TT_ERR_RULE, "x.yaml", 3, 6, "'id' must be a string, found nothing"},
               {E, TT_ERR_RULE, "x.yaml", 4, 10, "'title' must be a string, found nothing"},
               {E, TT_ERR_RULE, "x.yaml", 7, 13,
                "'regex' must be a string or a list of strings, found nothing"},
               {E, TT_ERR_RULE, "x.yaml", 9, 14, "'regex' must not be an empty list"},
               {E, TT_ERR_RULE, "x.yaml", 11, 16, "'literal' must not be empty"});
    CHECK_FAIL("version: 1\n"
               "topic: 5\n",
               {E, TT_ERR_RULE, "x.yaml", 2, 8, "topic must be a mapping, found a scalar"});
    CHECK_FAIL("version: 1\n"
               "topic:\n"
               "  id: t\n"
               "  title: T\n"
               "  id_: x\n"
               "  patterns:\n"
               "    - p\n",
               {E, TT_ERR_RULE, "x.yaml", 5, 3,
                "unknown key 'id_' in topic (expected id, title, description, parent, tags, "
                "threshold, patterns, exclude, condition, context, examples)"},
               {E, TT_ERR_RULE, "x.yaml", 7, 7, "pattern must be a mapping, found a scalar"});
    CHECK_FAIL("version: 1\n"
               "topic:\n"
               "  id: Bad_ID\n"
               "  title: T\n"
               "  patterns:\n"
               "    - id: p\n"
               "      regex: p\n",
               {E, TT_ERR_RULE, "x.yaml", 3, 7,
                "topic id 'Bad_ID' may use only lowercase letters, digits, '-' and '_'"});
}

static void test_rules_version(void **state)
{
    (void)state;
    CHECK_FAIL(TOPIC_OK, {E, TT_ERR_RULE, "x.yaml", 1, 1, "missing 'version: 1' at top level"});
    CHECK_FAIL("version: 2\n" TOPIC_OK,
               {E, TT_ERR_RULE, "x.yaml", 1, 10,
                "unsupported schema version 2 (this topictag reads 1)"});
    CHECK_FAIL("version: one\n" TOPIC_OK,
               {E, TT_ERR_RULE, "x.yaml", 1, 10, "'version' must be a number, found 'one'"});
    CHECK_FAIL("version: [1]\n" TOPIC_OK,
               {E, TT_ERR_RULE, "x.yaml", 1, 10, "'version' must be a number, found a list"});
}

static void test_rules_missing_required(void **state)
{
    (void)state;
    CHECK_FAIL("version: 1\n"
               "topic:\n"
               "  description: nothing\n",
               {E, TT_ERR_RULE, "x.yaml", 2, 1, "topic has no 'id'"},
               {E, TT_ERR_RULE, "x.yaml", 2, 1, "topic has no 'title'"},
               {E, TT_ERR_RULE, "x.yaml", 2, 1, "topic '?' has no patterns"});
    /* exclusions alone are not patterns */
    CHECK_FAIL("version: 1\n"
               "topic:\n"
               "  id: t\n"
               "  title: T\n"
               "  exclude:\n"
               "    - id: e\n"
               "      literal: e\n",
               {E, TT_ERR_RULE, "x.yaml", 2, 1, "topic 't' has no patterns"});
    CHECK_FAIL("version: 1\n"
               "topic:\n"
               "  id: t\n"
               "  title: T\n"
               "  patterns:\n"
               "    - regex: p\n"
               "    - id: q\n"
               "      weight: 2\n",
               {E, TT_ERR_RULE, "x.yaml", 6, 7, "pattern has no 'id'"},
               {E, TT_ERR_RULE, "x.yaml", 7, 7, "pattern 'q' needs 'regex' or 'literal'"});
    CHECK_FAIL("version: 1\n"
               "topic:\n"
               "  id: t\n"
               "  title: T\n"
               "  patterns:\n"
               "    - id: p\n"
               "      regex: p\n"
               "  exclude:\n"
               "    - id: e\n",
               {E, TT_ERR_RULE, "x.yaml", 9, 7, "exclusion 'e' needs 'regex' or 'literal'"});
}

static void test_rules_regex_and_literal(void **state)
{
    (void)state;
    CHECK_FAIL("version: 1\n"
               "topic:\n"
               "  id: t\n"
               "  title: T\n"
               "  patterns:\n"
               "    - id: p\n"
               "      regex: p\n"
               "      literal: p\n",
               {E, TT_ERR_RULE, "x.yaml", 8, 7,
                "a pattern has both 'regex' and 'literal': keep one"});
}

static void test_rules_duplicate_key(void **state)
{
    (void)state;
    CHECK_FAIL("version: 1\n"
               "topic:\n"
               "  id: t\n"
               "  title: T\n"
               "  title: U\n"
               "  patterns:\n"
               "    - id: p\n"
               "      regex: p\n",
               {E, TT_ERR_RULE, "x.yaml", 5, 3, "duplicate key 'title' in topic"});
    CHECK_FAIL("version: 1\n"
               "version: 1\n" TOPIC_OK,
               {E, TT_ERR_RULE, "x.yaml", 2, 1, "duplicate key 'version' in a rule file"});
}

static void test_rules_duplicate_pattern(void **state)
{
    (void)state;
    CHECK_FAIL("version: 1\n"
               "topic:\n"
               "  id: t\n"
               "  title: T\n"
               "  patterns:\n"
               "    - id: p\n"
               "      regex: p\n"
               "    - id: q\n"
               "      regex: q\n"
               "    - id: q\n"
               "      regex: r\n"
               "  exclude:\n"
               "    - id: p\n"
               "      literal: x\n",
               {E, TT_ERR_RULE, "x.yaml", 10, 7,
                "duplicate pattern id 'q' in topic 't' (first at line 8)"},
               {E, TT_ERR_RULE, "x.yaml", 13, 7,
                "duplicate pattern id 'p' in topic 't' (first at line 6)"});
}

static void test_rules_duplicates_across_buffers(void **state)
{
    static const char one[] = "version: 1\n"
                              "definitions:\n"
                              "  d: 'dd'\n"
                              "topic:\n"
                              "  id: same\n"
                              "  title: One\n"
                              "  patterns:\n"
                              "    - id: p\n"
                              "      regex: '{{d}}'\n";
    static const char two[] = "version: 1\n"
                              "definitions:\n"
                              "  e: 'e'\n"
                              "  d: 'other'\n"
                              "topic:\n"
                              "  id: same\n"
                              "  title: Two\n"
                              "  patterns:\n"
                              "    - id: p\n"
                              "      regex: '{{e}}'\n";
    static const exp_diag exp[] = {
        {E, TT_ERR_RULE, "two.yaml", 4, 6, "definition 'd' is defined twice (first at one.yaml:3)"},
        {E, TT_ERR_RULE, "two.yaml", 6, 7, "duplicate topic id 'same' (first defined at one.yaml:5)"},
        /* the second 'd' is shadowed by the first, so it is also unused */
        {W, TT_ERR_RULE, "two.yaml", 4, 6, "definition 'd' is never used"},
    };
    tt_loader *ld = tt_loader_new();

    (void)state;
    assert_non_null(ld);
    assert_int_equal(tt_loader_add_buffer(ld, "one.yaml", one, strlen(one)), 0);
    assert_int_equal(tt_loader_add_buffer(ld, "two.yaml", two, strlen(two)), 0);
    assert_int_equal(tt_loader_error_count(ld), 0);
    assert_null(build_checked(ld, exp, sizeof exp / sizeof *exp));
    tt_loader_free(ld);
}

/* Errors found by one add make the build fail even when a later add is fine. */
static void test_rules_error_in_earlier_buffer(void **state)
{
    static const char bad[] = "version: 1\nbogus: 1\n";
    static const char good[] = "version: 1\n" TOPIC_OK;
    static const exp_diag exp[] = {
        {E, TT_ERR_RULE, "bad.yaml", 2, 1,
         "unknown key 'bogus' at top level (expected version, topic, definitions, segmenter, article)"},
    };
    tt_loader *ld = tt_loader_new();

    (void)state;
    assert_non_null(ld);
    assert_int_equal(tt_loader_add_buffer(ld, "bad.yaml", bad, strlen(bad)), 1);
    assert_int_equal(tt_loader_add_buffer(ld, "good.yaml", good, strlen(good)), 0);
    assert_int_equal(tt_loader_error_count(ld), 1);
    assert_null(build_checked(ld, exp, 1));
    tt_loader_free(ld);

    /* a NULL name becomes "<buffer>" */
    ld = tt_loader_new();
    assert_non_null(ld);
    assert_int_equal(tt_loader_add_buffer(ld, NULL, bad, strlen(bad)), 1);
    assert_string_equal(tt_loader_diag(ld, 0)->error.file, "<buffer>");
    tt_loader_free(ld);
}

/* ---- definitions ------------------------------------------------------------------------- */

static void test_rules_definitions(void **state)
{
    (void)state;
    CHECK_FAIL("version: 1\n"
               "topic:\n"
               "  id: t\n"
               "  title: T\n"
               "  patterns:\n"
               "    - id: p\n"
               "      regex: 'ab{{ nope }}c'\n",
               {E, TT_ERR_RULE, "x.yaml", 7, 17, "undefined definition '{{nope}}'"});
    CHECK_FAIL("version: 1\n"
               "definitions:\n"
               "  a: 'x{{b}}'\n"
               "  b: 'y{{a}}'\n"
               "topic:\n"
               "  id: t\n"
               "  title: T\n"
               "  patterns:\n"
               "    - id: p\n"
               "      regex: '{{a}}'\n",
               {E, TT_ERR_RULE, "x.yaml", 3, 6,
                "definition 'a' refers to itself (recursive definition)"});
    CHECK_FAIL("version: 1\n"
               "definitions:\n"
               "  self: 'x{{self}}'\n"
               "topic:\n"
               "  id: t\n"
               "  title: T\n"
               "  patterns:\n"
               "    - id: p\n"
               "      regex: q\n",
               {E, TT_ERR_RULE, "x.yaml", 3, 9,
                "definition 'self' refers to itself (recursive definition)"});
    CHECK_FAIL("version: 1\n"
               "definitions:\n"
               "  Bad: 'x'\n"
               "  ok: [1]\n"
               "  open: 'a{{ok'\n"
               "topic:\n"
               "  id: t\n"
               "  title: T\n"
               "  patterns:\n"
               "    - id: p\n"
               "      regex: 'x{{open}}'\n",
               {E, TT_ERR_RULE, "x.yaml", 3, 3,
                "definition name 'Bad' may use only lowercase letters, digits, '-' and '_'"},
               {E, TT_ERR_RULE, "x.yaml", 4, 7, "'definition' must be a string, found a list"},
               {E, TT_ERR_RULE, "x.yaml", 5, 11, "'{{' without a closing '}}'"});
}

/* ---- regexes ----------------------------------------------------------------------------- */

static void test_rules_bad_regex(void **state)
{
    (void)state;
    /* PCRE2 reports a missing ')' at the end of the regex: the closing quote's column */
    CHECK_FAIL("version: 1\n"
               "topic:\n"
               "  id: t\n"
               "  title: T\n"
               "  patterns:\n"
               "    - id: p\n"
               "      regex: 'ab(c'\n",
               {E, TT_ERR_REGEX, "x.yaml", 7, 19,
                "invalid regex in pattern 'p': missing closing parenthesis at offset 4"});
    /* errors PCRE2 places on a character: the column points at it */
    CHECK_FAIL("version: 1\n"
               "topic:\n"
               "  id: t\n"
               "  title: T\n"
               "  patterns:\n"
               "    - id: r\n"
               "      regex: a{2,1}\n"
               "    - id: s\n"
               "      regex: \"a**\"\n",
               /* plain scalar at column 14: offset 5 is the '}' at column 19 */
               {E, TT_ERR_REGEX, "x.yaml", 7, 19,
                "invalid regex in pattern 'r': numbers out of order in {} quantifier at offset 5"},
               /* quoted at column 14, text from 15: offset 2 is the second '*' */
               {E, TT_ERR_REGEX, "x.yaml", 9, 17,
                "invalid regex in pattern 's': quantifier does not follow a repeatable item at "
                "offset 2"});
    /* inside a list: the failing item's own position; 'a' of [z-a] at column 28 */
    CHECK_FAIL("version: 1\n"
               "topic:\n"
               "  id: t\n"
               "  title: T\n"
               "  patterns:\n"
               "    - id: q\n"
               "      regex: ['fine', 'x[z-a]y', 'ok']\n"
               "    - id: q2\n"
               "      regex:\n"
               "        - fine\n"
               "        - 'a)b'\n",
               {E, TT_ERR_REGEX, "x.yaml", 7, 28,
                "invalid regex in pattern 'q': range out of order in character class at offset 4"},
               {E, TT_ERR_REGEX, "x.yaml", 11, 13,
                "invalid regex in pattern 'q2': unmatched closing parenthesis at offset 1"});
    /* columns count characters, not bytes: 'éé(x' is 6 bytes but 4 characters */
    CHECK_FAIL("version: 1\n"
               "topic:\n"
               "  id: t\n"
               "  title: T\n"
               "  patterns:\n"
               "    - id: p\n"
               "      regex: '\xC3\xA9\xC3\xA9(x'\n",
               {E, TT_ERR_REGEX, "x.yaml", 7, 19,
                "invalid regex in pattern 'p': missing closing parenthesis at offset 6"});
    /* through a definition: the expanded regex is shown */
    CHECK_FAIL("version: 1\n"
               "definitions:\n"
               "  d: 'a(b'\n"
               "topic:\n"
               "  id: t\n"
               "  title: T\n"
               "  patterns:\n"
               "    - id: p\n"
               "      regex: 'x{{d}}'\n",
               {E, TT_ERR_REGEX, "x.yaml", 9, 14,
                "invalid regex in pattern 'p': missing closing parenthesis at offset 8 of the "
                "expanded regex 'x(?:a(b)'"});
}

/* ---- conditions -------------------------------------------------------------------------- */

#define COND_TOPIC(cond)                                                                       \
    "version: 1\n"                                                                             \
    "topic:\n"                                                                                 \
    "  id: t\n"                                                                                \
    "  title: T\n"                                                                             \
    "  patterns:\n"                                                                            \
    "    - id: p\n"                                                                            \
    "      regex: p\n"                                                                         \
    "    - id: q\n"                                                                            \
    "      regex: q\n"                                                                         \
    "  exclude:\n"                                                                             \
    "    - id: ex\n"                                                                           \
    "      literal: x\n"                                                                       \
    "  condition: " cond "\n"

static void test_rules_condition_errors(void **state)
{
    (void)state;
    /* the value starts at column 14 of line 13 */
    CHECK_FAIL(COND_TOPIC("p and zz"),
               {E, TT_ERR_CONDITION, "x.yaml", 13, 20, "condition: unknown pattern 'zz'"});
    CHECK_FAIL(COND_TOPIC("p q"),
               {E, TT_ERR_CONDITION, "x.yaml", 13, 16,
                "condition: unexpected 'q' (missing 'and' or 'or'?)"});
    CHECK_FAIL(COND_TOPIC("'(p or q'"),
               {E, TT_ERR_CONDITION, "x.yaml", 13, 22, "condition: expected ')'"});
    CHECK_FAIL(COND_TOPIC("0 of (p)"),
               {E, TT_ERR_CONDITION, "x.yaml", 13, 14,
                "condition: '0 of' needs between 1 and as many items as the list has"});
    CHECK_FAIL(COND_TOPIC("p and not ex"),
               {E, TT_ERR_CONDITION, "x.yaml", 13, 24,
                "condition: 'ex' is an exclusion: exclusions veto by themselves and cannot be "
                "used in a condition"});
    CHECK_FAIL(COND_TOPIC("p and exx"),
               {E, TT_ERR_CONDITION, "x.yaml", 13, 20, "condition: unknown pattern 'exx'"});
    CHECK_FAIL(COND_TOPIC("[p]"),
               {E, TT_ERR_RULE, "x.yaml", 13, 14, "'condition' must be a string, found a list"});
    /* context.when is checked the same way */
    CHECK_FAIL("version: 1\n"
               "topic:\n"
               "  id: t\n"
               "  title: T\n"
               "  patterns:\n"
               "    - id: p\n"
               "      regex: p\n"
               "  condition: \"p and (p\"\n"
               "  context:\n"
               "    when: p or zz\n",
               {E, TT_ERR_CONDITION, "x.yaml", 10, 16, "context.when: unknown pattern 'zz'"},
               {E, TT_ERR_CONDITION, "x.yaml", 8, 23, "condition: expected ')'"});
    /* every pattern only in context.when and no condition: nothing can tag directly */
    CHECK_FAIL("version: 1\n"
               "topic:\n"
               "  id: t\n"
               "  title: T\n"
               "  patterns:\n"
               "    - id: p\n"
               "      regex: p\n"
               "  context:\n"
               "    when: p\n",
               {E, TT_ERR_CONDITION, "x.yaml", 3, 7,
                "topic 't' has no pattern outside the context's conditions: give it a "
                "condition"});
}

/* One file with independent errors in every stage: all are reported. */
static void test_rules_all_errors_reported(void **state)
{
    (void)state;
    CHECK_FAIL("version: 1\n"
               "topic:\n"
               "  id: three\n"
               "  title: Three\n"
               "  colour: red\n"
               "  patterns:\n"
               "    - id: p\n"
               "      regex: 'p('\n"
               "      weight: heavy\n",
               {E, TT_ERR_RULE, "x.yaml", 5, 3,
                "unknown key 'colour' in topic (expected id, title, description, parent, tags, "
                "threshold, patterns, exclude, condition, context, examples)"},
               {E, TT_ERR_RULE, "x.yaml", 9, 15, "'weight' must be a number, found 'heavy'"},
               {E, TT_ERR_REGEX, "x.yaml", 8, 17,
                "invalid regex in pattern 'p': missing closing parenthesis at offset 2"});
    CHECK_FAIL("version: 1\n"
               "topic:\n"
               "  id: many\n"
               "  title: Many\n"
               "  patterns:\n"
               "    - id: a\n"
               "      regex: 'a['\n"
               "    - id: b\n"
               "      regex: '{{nothing}}'\n"
               "    - id: c\n"
               "      literal: c\n"
               "  condition: a and zz\n",
               {E, TT_ERR_REGEX, "x.yaml", 7, 17,
                "invalid regex in pattern 'a': missing terminating ] for character class at "
                "offset 2"},
               {E, TT_ERR_RULE, "x.yaml", 9, 15, "undefined definition '{{nothing}}'"},
               {E, TT_ERR_CONDITION, "x.yaml", 12, 20, "condition: unknown pattern 'zz'"});
}

/* ---- warnings ---------------------------------------------------------------------------- */

static void test_rules_warnings(void **state)
{
    static const exp_diag exp[] = {
        {W, TT_ERR_REGEX, "x.yaml", 11, 14, "pattern 'opt' can match the empty string"},
        {W, TT_ERR_CONDITION, "x.yaml", 12, 7,
         "pattern 'extra' is not used by the condition or the context of topic 'w'"},
        {W, TT_ERR_RULE, "x.yaml", 3, 10, "definition 'spare' is never used"},
    };
    tt_ruleset *rs = load_one("version: 1\n"
                              "definitions:\n"
                              "  spare: 'zzz'\n"
                              "topic:\n"
                              "  id: w\n"
                              "  title: W\n"
                              "  patterns:\n"
                              "    - id: main\n"
                              "      literal: main\n"
                              "    - id: opt\n"
                              "      regex: 'x?'\n"
                              "    - id: extra\n"
                              "      literal: extra\n"
                              "    - id: star\n"
                              "      regex: '\\bq*'\n"
                              "  condition: main or opt or star\n",
                              /* 'star' can match empty too, but the check (an empty match on ""
                               * or " ") does not see it: \b fails there.  Harmless: empty
                               * matches are never counted. */
                              exp, sizeof exp / sizeof *exp);

    (void)state;
    /* warnings do not stop the build */
    assert_non_null(rs);
    assert_int_equal(tt_ruleset_pattern_count(rs), 4);
    tt_ruleset_free(rs);

    /* a pattern used only by context.when is not "unused" */
    rs = load_one("version: 1\n"
                  "topic:\n"
                  "  id: c\n"
                  "  title: C\n"
                  "  patterns:\n"
                  "    - id: a\n"
                  "      literal: a\n"
                  "    - id: b\n"
                  "      literal: b\n"
                  "  context:\n"
                  "    window: 2\n"
                  "    when: b\n",
                  NULL, 0);
    assert_non_null(rs);
    assert_int_equal(tt_ruleset_topic(rs, 0)->context_window, 2);
    tt_ruleset_free(rs);
}

/* ---- files and folders ------------------------------------------------------------------- */

static void write_file(const char *dir, const char *name, const char *text)
{
    char path[1024];
    FILE *f;

    snprintf(path, sizeof path, "%s/%s", dir, name);
    f = fopen(path, "w");
    assert_non_null(f);
    assert_int_equal(fputs(text, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
}

static void remove_file(const char *dir, const char *name)
{
    char path[1024];

    snprintf(path, sizeof path, "%s/%s", dir, name);
    assert_int_equal(remove(path), 0);
}

static void test_rules_add_path_folder(void **state)
{
    char dir[] = "/tmp/tt-rules-XXXXXX";
    char sub[600], path[600];
    tt_loader *ld;
    tt_ruleset *rs;
    tt_error err;

    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(sub, sizeof sub, "%s/sub", dir);
    assert_int_equal(mkdir(sub, 0700), 0);
    /* created in an order different from the sorted one */
    write_file(dir, "zz.yml",
               "version: 1\n"
               "topic:\n"
               "  id: zeta\n"
               "  title: Z\n"
               "  patterns:\n"
               "    - id: z\n"
               "      regex: '{{shared}}'\n");
    write_file(dir, "a.yaml",
               "version: 1\n"
               "definitions:\n"
               "  shared: 'zz'\n"
               "topic:\n"
               "  id: alpha\n"
               "  title: A\n"
               "  patterns:\n"
               "    - id: a\n"
               "      regex: a\n");
    write_file(dir, "notes.txt", "not: [a rule file\n");
    write_file(dir, ".hidden.yaml", "garbage: [\n");
    write_file(sub, "m.yaml",
               "version: 1\n"
               "topic:\n"
               "  id: mid\n"
               "  title: M\n"
               "  patterns:\n"
               "    - id: m\n"
               "      literal: m\n");

    ld = tt_loader_new();
    assert_non_null(ld);
    assert_int_equal(tt_loader_add_path(ld, dir), 0);
    assert_int_equal(tt_loader_diag_count(ld), 0);
    rs = tt_loader_build(ld, &err);
    assert_non_null(rs);
    tt_loader_free(ld);
    /* sorted: a.yaml, sub/, zz.yml */
    assert_int_equal(tt_ruleset_topic_count(rs), 3);
    assert_string_equal(tt_ruleset_topic(rs, 0)->id, "alpha");
    assert_string_equal(tt_ruleset_topic(rs, 1)->id, "mid");
    assert_string_equal(tt_ruleset_topic(rs, 2)->id, "zeta");
    snprintf(path, sizeof path, "%s/a.yaml", dir);
    assert_string_equal(tt_ruleset_topic(rs, 0)->file, path);
    snprintf(path, sizeof path, "%s/sub/m.yaml", dir);
    assert_string_equal(tt_ruleset_topic(rs, 1)->file, path);
    snprintf(path, sizeof path, "%s/zz.yml", dir);
    assert_string_equal(tt_ruleset_topic(rs, 2)->file, path);
    assert_string_equal(tt_ruleset_pattern(rs, 2)->regex, "(?:zz)");   /* across files */
    tt_ruleset_free(rs);

    /* a single file by path, and the convenience loader */
    snprintf(path, sizeof path, "%s/a.yaml", dir);
    rs = tt_ruleset_load(path, &err);
    assert_non_null(rs);
    assert_int_equal(tt_ruleset_topic_count(rs), 1);
    assert_string_equal(tt_ruleset_topic(rs, 0)->file, path);
    tt_ruleset_free(rs);

    /* an error in one file of the folder is reported with the file's path */
    write_file(sub, "m.yaml", "version: 1\ntopic: [\n");
    ld = tt_loader_new();
    assert_non_null(ld);
    assert_int_equal(tt_loader_add_path(ld, dir), 1);
    assert_int_equal(tt_loader_diag_count(ld), 1);
    snprintf(path, sizeof path, "%s/sub/m.yaml", dir);
    assert_string_equal(tt_loader_diag(ld, 0)->error.file, path);
    assert_int_equal(tt_loader_diag(ld, 0)->error.code, TT_ERR_YAML);
    assert_int_equal(tt_loader_diag(ld, 0)->error.line, 3);
    assert_null(tt_loader_build(ld, &err));
    assert_string_equal(err.file, path);
    tt_loader_free(ld);

    remove_file(sub, "m.yaml");
    assert_int_equal(rmdir(sub), 0);
    remove_file(dir, "zz.yml");
    remove_file(dir, "a.yaml");
    remove_file(dir, "notes.txt");
    remove_file(dir, ".hidden.yaml");

    /* an empty folder: a warning, then the build finds no topics */
    ld = tt_loader_new();
    assert_non_null(ld);
    assert_int_equal(tt_loader_add_path(ld, dir), 0);
    assert_int_equal(tt_loader_diag_count(ld), 1);
    assert_int_equal(tt_loader_diag(ld, 0)->severity, TT_SEV_WARNING);
    assert_string_equal(tt_loader_diag(ld, 0)->error.file, dir);
    assert_string_equal(tt_loader_diag(ld, 0)->error.message,
                        "no *.yaml rule files in this folder");
    assert_null(tt_loader_build(ld, &err));
    assert_int_equal(err.code, TT_ERR_RULE);
    assert_string_equal(err.message, "no topics in the ruleset");
    tt_loader_free(ld);
    assert_int_equal(rmdir(dir), 0);
}

static void test_rules_add_path_missing(void **state)
{
    static const exp_diag exp[] = {
        {E, TT_ERR_IO, "/nonexistent/tt-rules.yaml", 0, 0,
         "cannot read rule file: No such file or directory"},
    };
    tt_loader *ld = tt_loader_new();
    tt_error err;

    (void)state;
    assert_non_null(ld);
    assert_int_equal(tt_loader_add_path(ld, "/nonexistent/tt-rules.yaml"), 1);
    assert_null(build_checked(ld, exp, 1));
    tt_loader_free(ld);

    assert_null(tt_ruleset_load("/nonexistent/tt-rules.yaml", &err));
    assert_int_equal(err.code, TT_ERR_IO);
    assert_string_equal(err.file, "/nonexistent/tt-rules.yaml");
    assert_string_equal(err.message, "cannot read rule file: No such file or directory");
}

/* ---- out of memory ----------------------------------------------------------------------- */

static const char OOM_DEFS[] = "version: 1\n"
                               "definitions:\n"
                               "  nk: 'North\\s+Korea'\n"
                               "  both: '{{nk}}|DPRK'\n"
                               "segmenter:\n"
                               "  abbreviations: [Gen., Lt.]\n"
                               "  abbreviations-may-end: [Co., Inc.]\n";
static const char OOM_TOPIC[] = "version: 1\n"
                                "topic:\n"
                                "  id: nk\n"
                                "  title: NK\n"
                                "  tags: [korea]\n"
                                "  threshold: 1.5\n"
                                "  patterns:\n"
                                "    - id: nk\n"
                                "      regex: '{{both}}'\n"
                                "    - id: missile\n"
                                "      regex: ['missiles?', 'ICBMs?']\n"
                                "      word: true\n"
                                "    - id: launch\n"
                                "      literal: [launch, fired]\n"
                                "      ignore_case: true\n"
                                "      weight: 0.5\n"
                                "  exclude:\n"
                                "    - id: toy\n"
                                "      literal: toy\n"
                                "  condition: nk and 1 of (missile, launch)\n"
                                "  context:\n"
                                "    window: 2\n"
                                "    when: missile or launch\n";

static void test_rules_out_of_memory(void **state)
{
    long n;
    int done = 0, failed_runs = 0;

    (void)state;
    for (n = 0; !done; n++) {
        tt_loader *ld;
        tt_ruleset *rs = NULL;
        tt_error err;
        void *probe;

        assert_true(n < 100000);
        memset(&err, 0, sizeof err);
        tt_alloc_fail_after(n);
        ld = tt_loader_new();
        if (ld) {
            int r1 = tt_loader_add_buffer(ld, "defs.yaml", OOM_DEFS, strlen(OOM_DEFS));
            int r2 = tt_loader_add_buffer(ld, "nk.yaml", OOM_TOPIC, strlen(OOM_TOPIC));
            assert_true(r1 == 0 || r1 == -1);
            assert_true(r2 == 0 || r2 == -1);
            rs = tt_loader_build(ld, &err);
        }
        /* if an allocation still succeeds now, the limit was never reached */
        probe = tt_malloc(1);
        tt_alloc_fail_after(-1);
        if (probe) {
            tt_free(probe);
            done = 1;
        }
        if (rs) {
            assert_int_equal(err.code, TT_OK);
            assert_int_equal(tt_ruleset_topic_count(rs), 1);
            assert_int_equal(tt_ruleset_pattern_count(rs), 4);
            assert_string_equal(tt_ruleset_pattern(rs, 0)->regex, "(?:(?:North\\s+Korea)|DPRK)");
            assert_string_equal(tt_ruleset_topic(rs, 0)->id, "nk");
            assert_int_equal(tt_loader_error_count(ld), 0);
        } else {
            assert_false(done);
            failed_runs++;
            if (ld) {
                /* no allocation failure may pass for a rule error */
                assert_int_equal(err.code, TT_ERR_NOMEM);
                assert_string_equal(err.message, "out of memory");
            }
        }
        tt_ruleset_free(rs);
        tt_loader_free(ld);
    }
    print_message("out of memory: %d runs failed cleanly before one succeeded\n", failed_runs);
    assert_true(failed_runs > 10);
}

/* A loader holding text read as rule file name; rc is what reading it returns. */
static tt_loader *loader_with(const char *name, const char *text, int rc)
{
    tt_loader *ld = tt_loader_new();
    assert_non_null(ld);
    assert_int_equal(tt_loader_add_buffer(ld, name, text, strlen(text)), rc);
    return ld;
}

/* tt_loader_build_segmenter: the rule files' segmenter words, no pattern compiled (an invalid
 * regex does not stop it, where tt_loader_build fails), read errors still fail it. */
static void test_rules_segmenter_only(void **state)
{
    static const char bad_regex[] = "version: 1\n"
                                    "topic:\n  id: t\n  title: T\n"
                                    "  patterns:\n    - id: p\n      regex: '(unclosed'\n"
                                    "segmenter:\n  abbreviations: [Xyz.]\n";
    static const char bad_segmenter[] = "version: 1\nsegmenter:\n  abbreviation: [Xyz.]\n";
    static const char text[] = "Ask Xyz. Smith now. Then go.";
    tt_loader *ld;
    tt_ruleset *rs;
    tt_scanner *sc;
    const tt_result *r;
    const tt_sentence *sent;
    size_t ns;
    tt_error err;

    (void)state;
    ld = loader_with("x.yaml", bad_regex, 0);
    rs = tt_loader_build_segmenter(ld, &err);
    assert_non_null(rs);
    assert_int_equal(err.code, TT_OK);
    assert_null(tt_loader_build(ld, &err));          /* once per loader */
    assert_int_equal(err.code, TT_ERR_USAGE);
    tt_loader_free(ld);
    sc = tt_scanner_new(rs, NULL);
    assert_non_null(sc);
    r = tt_segment(sc, text, strlen(text), &err);
    assert_non_null(r);
    sent = tt_result_sentences(r, &ns);
    assert_int_equal(ns, 2);                         /* "Xyz." never ends a sentence */
    assert_int_equal(sent[0].start, 0);
    assert_int_equal(sent[0].end, strlen("Ask Xyz. Smith now."));
    assert_int_equal(sent[1].start, strlen("Ask Xyz. Smith now. "));
    tt_scanner_free(sc);
    tt_ruleset_free(rs);

    ld = loader_with("x.yaml", bad_regex, 0);       /* the full build rejects the regex */
    assert_null(tt_loader_build(ld, &err));
    assert_int_equal(err.code, TT_ERR_REGEX);
    tt_loader_free(ld);

    ld = loader_with("s.yaml", bad_segmenter, 1);   /* a bad segmenter mapping fails it */
    assert_null(tt_loader_build_segmenter(ld, &err));
    assert_int_equal(err.code, TT_ERR_RULE);
    assert_int_equal(err.line, 3);
    assert_int_equal(err.column, 3);
    assert_string_equal(err.file, "s.yaml");
    tt_loader_free(ld);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rules_valid),
        cmocka_unit_test(test_rules_segmenter_only),
        cmocka_unit_test(test_rules_defaults),
        cmocka_unit_test(test_rules_strings_outlive_loader),
        cmocka_unit_test(test_rules_yaml_syntax),
        cmocka_unit_test(test_rules_tab_indent),
        cmocka_unit_test(test_rules_empty),
        cmocka_unit_test(test_rules_unknown_keys),
        cmocka_unit_test(test_rules_wrong_types),
        cmocka_unit_test(test_rules_version),
        cmocka_unit_test(test_rules_missing_required),
        cmocka_unit_test(test_rules_regex_and_literal),
        cmocka_unit_test(test_rules_duplicate_key),
        cmocka_unit_test(test_rules_duplicate_pattern),
        cmocka_unit_test(test_rules_duplicates_across_buffers),
        cmocka_unit_test(test_rules_error_in_earlier_buffer),
        cmocka_unit_test(test_rules_definitions),
        cmocka_unit_test(test_rules_bad_regex),
        cmocka_unit_test(test_rules_condition_errors),
        cmocka_unit_test(test_rules_all_errors_reported),
        cmocka_unit_test(test_rules_warnings),
        cmocka_unit_test(test_rules_add_path_folder),
        cmocka_unit_test(test_rules_add_path_missing),
        cmocka_unit_test(test_rules_out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
