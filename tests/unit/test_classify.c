/* test_classify.c - unit tests of the scanner (src/match.c) through the public API: document
 * checks, scoring, thresholds, exclusions, conditions, context, match placement, word and case
 * semantics, match limits, and scanner reuse. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "topictag.h"

/* ---- helpers ----------------------------------------------------------------------------- */

static tt_ruleset *load_rules(const char *yaml)
{
    tt_loader *ld = tt_loader_new();
    tt_ruleset *rs;
    tt_error err;
    size_t i;

    assert_non_null(ld);
    assert_int_equal(tt_loader_add_buffer(ld, "test.yaml", yaml, strlen(yaml)), 0);
    rs = tt_loader_build(ld, &err);
    for (i = 0; i < tt_loader_diag_count(ld); i++)
        print_message("rules: %d:%d: %s\n", tt_loader_diag(ld, i)->error.line,
                      tt_loader_diag(ld, i)->error.column, tt_loader_diag(ld, i)->error.message);
    assert_non_null(rs);
    tt_loader_free(ld);
    return rs;
}

static const tt_result *classify(tt_scanner *sc, const char *text)
{
    tt_error err;
    const tt_result *r = tt_classify(sc, text, strlen(text), &err);

    assert_non_null(r);
    assert_int_equal(err.code, TT_OK);
    return r;
}

static size_t nsentences(const tt_result *r)
{
    size_t n;
    tt_result_sentences(r, &n);
    return n;
}

static size_t nerrors(const tt_result *r)
{
    size_t n;
    tt_result_errors(r, &n);
    return n;
}

/* The tag of topic `topic` on sentence s, or NULL. */
static const tt_tag *tag_of(const tt_result *r, const tt_ruleset *rs, size_t s,
                            const char *topic)
{
    size_t ns, nt, i;
    const tt_sentence *sent = tt_result_sentences(r, &ns);
    const tt_tag *tags = tt_result_tags(r, &nt);
    long ti = tt_ruleset_find_topic(rs, topic);

    assert_true(ti >= 0);
    assert_true(s < ns);
    assert_true(sent[s].tag_first + sent[s].tag_count <= nt || sent[s].tag_count == 0);
    for (i = 0; i < sent[s].tag_count; i++)
        if (tags[sent[s].tag_first + i].topic == (uint32_t)ti)
            return &tags[sent[s].tag_first + i];
    return NULL;
}

static size_t tag_count(const tt_result *r, size_t s)
{
    size_t ns;
    const tt_sentence *sent = tt_result_sentences(r, &ns);
    assert_true(s < ns);
    return sent[s].tag_count;
}

/* Asserts sentence s is [start, end) and its text is `text`. */
static void check_sentence(const tt_result *r, size_t s, const char *text)
{
    size_t ns;
    const tt_sentence *sent = tt_result_sentences(r, &ns);
    const char *doc = tt_result_text(r);

    assert_true(s < ns);
    if (sent[s].end - sent[s].start != strlen(text) ||
        memcmp(doc + sent[s].start, text, strlen(text)) != 0)
        print_message("sentence %zu is \"%.*s\"\n", s, (int)(sent[s].end - sent[s].start),
                      doc + sent[s].start);
    assert_int_equal(sent[s].end - sent[s].start, strlen(text));
    assert_memory_equal(doc + sent[s].start, text, strlen(text));
}

/* Asserts match i of tag t: pattern id and [start, end). */
static void check_match(const tt_result *r, const tt_ruleset *rs, const tt_tag *t, size_t i,
                        const char *pattern, size_t start, size_t end)
{
    size_t nm;
    const tt_match *m = tt_result_matches(r, &nm);

    assert_true(i < t->match_count);
    assert_true(t->match_first + t->match_count <= nm);
    m += t->match_first + i;
    assert_string_equal(tt_ruleset_pattern(rs, m->pattern)->id, pattern);
    assert_int_equal(m->start, start);
    assert_int_equal(m->end, end);
}

static void check_no_tags(const tt_result *r)
{
    size_t n;
    tt_result_tags(r, &n);
    assert_int_equal(n, 0);
    tt_result_matches(r, &n);
    assert_int_equal(n, 0);
    tt_result_topics(r, &n);
    assert_int_equal(n, 0);
}

/* ---- scoring ----------------------------------------------------------------------------- */

static const char SCORE_RULES[] = "version: 1\n"
                                  "topic:\n"
                                  "  id: s\n"
                                  "  title: Scored\n"
                                  "  threshold: 2\n"
                                  "  patterns:\n"
                                  "    - id: a\n"
                                  "      literal: alpha\n"
                                  "    - id: b\n"
                                  "      literal: beta\n"
                                  "      weight: 1.5\n"
                                  "    - id: c\n"
                                  "      literal: gamma\n"
                                  "      weight: 0.5\n";

static void test_classify_scoring(void **state)
{
    tt_ruleset *rs = load_rules(SCORE_RULES);
    tt_scanner *sc = tt_scanner_new(rs, NULL);
    /*                  0         1         2         3         4         5         6
     *                  0123456789012345678901234567890123456789012345678901234567890123 */
    const char *text = "Alpha alpha alpha alpha. Alpha beta alpha. Gamma alpha gamma. "
                       "Beta gamma alpha beta.";
    const tt_result *r;
    const tt_tag *t;
    const tt_topic_total *tot;
    size_t n;

    (void)state;
    assert_non_null(sc);
    r = classify(sc, text);
    assert_int_equal(nsentences(r), 4);
    assert_int_equal(nerrors(r), 0);
    assert_ptr_equal(tt_result_text(r), text);
    assert_int_equal(tt_result_length(r), strlen(text));

    /* three matches of one pattern count once: 1 < 2 */
    assert_null(tag_of(r, rs, 0, "s"));
    assert_int_equal(tag_count(r, 0), 0);

    /* alpha + beta = 2.5; matches in pattern order; "Alpha" does not match (case) */
    t = tag_of(r, rs, 1, "s");
    assert_non_null(t);
    assert_true(t->score == 2.5);
    assert_int_equal(t->via_context, 0);
    assert_int_equal(t->from, 0);
    assert_int_equal(t->match_count, 2);
    check_match(r, rs, t, 0, "a", 36, 41);
    check_match(r, rs, t, 1, "b", 31, 35);

    /* gamma twice + alpha = 1.5 < 2 */
    assert_null(tag_of(r, rs, 2, "s"));

    /* beta + gamma + alpha = 3.0 */
    t = tag_of(r, rs, 3, "s");
    assert_non_null(t);
    assert_true(t->score == 3.0);
    assert_int_equal(t->match_count, 3);
    check_match(r, rs, t, 0, "a", 73, 78);
    check_match(r, rs, t, 1, "b", 79, 83);
    check_match(r, rs, t, 2, "c", 67, 72);

    /* per-document totals */
    tot = tt_result_topics(r, &n);
    assert_int_equal(n, 1);
    assert_int_equal(tot[0].topic, 0);
    assert_int_equal(tot[0].sentences, 2);
    assert_true(tot[0].score == 5.5);

    tt_scanner_free(sc);
    tt_ruleset_free(rs);
}

static void test_classify_scoring_offsets_checked(void **state)
{
    /* the offsets used above, checked against the text itself */
    const char *text = "Alpha alpha alpha alpha. Alpha beta alpha. Gamma alpha gamma. "
                       "Beta gamma alpha beta.";

    (void)state;
    assert_memory_equal(text + 31, "beta", 4);
    assert_memory_equal(text + 36, "alpha", 5);
    assert_memory_equal(text + 62, "Beta", 4);
    assert_memory_equal(text + 67, "gamma", 5);
    assert_memory_equal(text + 73, "alpha", 5);
    assert_memory_equal(text + 79, "beta", 4);
}

static void test_classify_threshold(void **state)
{
    tt_ruleset *rs = load_rules("version: 1\n"
                                "topic:\n"
                                "  id: low\n"
                                "  title: Low\n"
                                "  threshold: 0.5\n"
                                "  patterns:\n"
                                "    - id: w\n"
                                "      literal: weak\n"
                                "      weight: 0.5\n"
                                "    - id: n\n"
                                "      literal: negative\n"
                                "      weight: -1\n");
    tt_scanner *sc = tt_scanner_new(rs, NULL);
    const tt_result *r;

    (void)state;
    assert_non_null(sc);
    r = classify(sc, "A weak signal. A weak negative one. Only negative.");
    assert_int_equal(nsentences(r), 3);
    assert_non_null(tag_of(r, rs, 0, "low"));               /* 0.5 >= 0.5 */
    assert_true(tag_of(r, rs, 0, "low")->score == 0.5);
    assert_null(tag_of(r, rs, 1, "low"));                   /* 0.5 - 1 < 0.5 */
    assert_null(tag_of(r, rs, 2, "low"));                   /* -1 */
    tt_scanner_free(sc);
    tt_ruleset_free(rs);
}

/* ---- exclusions and conditions ----------------------------------------------------------- */

static void test_classify_exclusion(void **state)
{
    tt_ruleset *rs = load_rules("version: 1\n"
                                "topic:\n"
                                "  id: m\n"
                                "  title: Missiles\n"
                                "  patterns:\n"
                                "    - id: missile\n"
                                "      literal: missile\n"
                                "      weight: 5\n"
                                "  exclude:\n"
                                "    - id: toy\n"
                                "      literal: [toy, replica]\n");
    tt_scanner *sc = tt_scanner_new(rs, NULL);
    const tt_result *r;
    size_t n;

    (void)state;
    assert_non_null(sc);
    r = classify(sc, "A missile flew. A toy missile flew. A missile replica. Toy story.");
    assert_int_equal(nsentences(r), 4);
    assert_non_null(tag_of(r, rs, 0, "m"));
    assert_null(tag_of(r, rs, 1, "m"));    /* vetoed whatever the score */
    assert_null(tag_of(r, rs, 2, "m"));    /* the exclusion after the match vetoes too */
    assert_null(tag_of(r, rs, 3, "m"));    /* an exclusion alone tags nothing */
    tt_result_topics(r, &n);
    assert_int_equal(n, 1);
    tt_result_tags(r, &n);
    assert_int_equal(n, 1);
    tt_scanner_free(sc);
    tt_ruleset_free(rs);
}

static void test_classify_condition(void **state)
{
    tt_ruleset *rs = load_rules("version: 1\n"
                                "topic:\n"
                                "  id: c\n"
                                "  title: Condition\n"
                                "  patterns:\n"
                                "    - id: a\n"
                                "      literal: apple\n"
                                "    - id: b\n"
                                "      literal: banana\n"
                                "    - id: k\n"
                                "      literal: cherry\n"
                                "    - id: d\n"
                                "      literal: durian\n"
                                "  condition: 2 of (a, b, k) and not d\n");
    tt_scanner *sc = tt_scanner_new(rs, NULL);
    const tt_result *r;

    (void)state;
    assert_non_null(sc);
    r = classify(sc, "An apple. An apple and a banana. A cherry, banana and apple. "
                     "A cherry and a durian and a banana. A durian.");
    assert_int_equal(nsentences(r), 5);
    assert_null(tag_of(r, rs, 0, "c"));          /* 1 of 3 */
    assert_non_null(tag_of(r, rs, 1, "c"));      /* 2 of 3 */
    assert_true(tag_of(r, rs, 1, "c")->score == 2.0);
    assert_non_null(tag_of(r, rs, 2, "c"));      /* 3 of 3 */
    assert_true(tag_of(r, rs, 2, "c")->score == 3.0);
    assert_null(tag_of(r, rs, 3, "c"));          /* 2 of 3 but durian */
    assert_null(tag_of(r, rs, 4, "c"));
    tt_scanner_free(sc);
    tt_ruleset_free(rs);
}

/* ---- context ----------------------------------------------------------------------------- */

static const char CONTEXT_RULES[] = "version: 1\n"
                                    "topic:\n"
                                    "  id: nk\n"
                                    "  title: NK missiles\n"
                                    "  patterns:\n"
                                    "    - id: nk\n"
                                    "      literal: Pyongyang\n"
                                    "    - id: missile\n"
                                    "      literal: missile\n"
                                    "      weight: 0.5\n"
                                    "  condition: nk and missile\n"
                                    "  exclude:\n"
                                    "    - id: toy\n"
                                    "      literal: toy\n"
                                    "  context:\n"
                                    "    window: 2\n"
                                    "    when: missile\n";

static void test_classify_context(void **state)
{
    tt_ruleset *rs = load_rules(CONTEXT_RULES);
    tt_scanner *sc = tt_scanner_new(rs, NULL);
    const tt_result *r;
    const tt_tag *t;
    const tt_topic_total *tot;
    size_t n;

    (void)state;
    assert_non_null(sc);
    r = classify(sc,
                 "Pyongyang fired a missile. "        /* 0 direct */
                 "The missile flew far. "             /* 1 via 0 */
                 "Another missile fell. "             /* 2 via 0 (2 back, window 2) */
                 "A third missile sank. "             /* 3 no: 3 back; 2 is only context */
                 "Pyongyang fired a missile again. "  /* 4 direct */
                 "Pyongyang said nothing. "           /* 5 no: 'when' (missile) is false */
                 "The toy missile was small.\n\n"     /* 6 no: vetoed */
                 "The missile was new.");             /* 7 no: another paragraph */
    assert_int_equal(nsentences(r), 8);
    check_sentence(r, 3, "A third missile sank.");
    check_sentence(r, 7, "The missile was new.");

    t = tag_of(r, rs, 0, "nk");
    assert_non_null(t);
    assert_int_equal(t->via_context, 0);
    assert_true(t->score == 1.5);

    t = tag_of(r, rs, 1, "nk");
    assert_non_null(t);
    assert_int_equal(t->via_context, 1);
    assert_int_equal(t->from, 0);
    assert_true(t->score == 0.5);        /* its own patterns' weights */
    assert_int_equal(t->match_count, 1);
    check_match(r, rs, t, 0, "missile", 31, 38);

    t = tag_of(r, rs, 2, "nk");
    assert_non_null(t);
    assert_int_equal(t->via_context, 1);
    assert_int_equal(t->from, 0);

    assert_null(tag_of(r, rs, 3, "nk"));

    t = tag_of(r, rs, 4, "nk");
    assert_non_null(t);
    assert_int_equal(t->via_context, 0);

    assert_null(tag_of(r, rs, 5, "nk"));
    assert_null(tag_of(r, rs, 6, "nk"));
    assert_null(tag_of(r, rs, 7, "nk"));

    tot = tt_result_topics(r, &n);
    assert_int_equal(n, 1);
    assert_int_equal(tot[0].sentences, 4);
    assert_true(tot[0].score == 1.5 + 0.5 + 0.5 + 1.5);
    tt_scanner_free(sc);
    tt_ruleset_free(rs);
}

/* A paragraph break between the direct sentence and the next one stops inheritance, even
 * within the window; the window counts sentences, not bytes. */
/* ---- the article context model (article.c) ------------------------------------------------ */

static const char ARTICLE_RULES[] =
    "version: 1\n"
    "article:\n"
    "  lead: 1\n"
    "  switch: ['Separately\\b']\n"
    "  dateline: ['[A-Z]+ \\((?:Yonhap|Kyodo)\\) --']\n"
    "  aside: ['declined to comment']\n"
    "topic:\n"
    "  id: nk\n"
    "  title: NK\n"
    "  patterns:\n"
    "    - {id: nk, regex: 'Pyongyang|North Korea'}\n"
    "    - {id: missile, regex: '\\bmissiles?\\b', weight: 0.5}\n"
    "    - {id: test, regex: '\\btests?\\b', weight: 0}\n"
    "    - {id: storm, regex: '\\b(?:typhoon|storm)\\b', weight: 0}\n"
    "  condition: nk and missile\n"
    "  context:\n"
    "    scope: article\n"
    "    window: 1\n"
    "    when: missile\n"
    "    article: {when: test or missile}\n"
    "    breaks: storm\n"
    "---\n";

static const char OTHER_TOPIC[] = "version: 1\n"
                                  "topic:\n"
                                  "  id: ua\n"
                                  "  title: UA\n"
                                  "  patterns:\n"
                                  "    - {id: kyiv, regex: 'Kyiv'}\n";

static tt_ruleset *load_article_rules(void)
{
    tt_loader *ld = tt_loader_new();
    tt_ruleset *rs;
    tt_error err;
    size_t n = strlen(ARTICLE_RULES) - 4;   /* without the final "---\n" */
    assert_non_null(ld);
    assert_int_equal(tt_loader_add_buffer(ld, "nk.yaml", ARTICLE_RULES, n), 0);
    assert_int_equal(tt_loader_add_buffer(ld, "ua.yaml", OTHER_TOPIC, strlen(OTHER_TOPIC)), 0);
    rs = tt_loader_build(ld, &err);
    assert_non_null(rs);
    tt_loader_free(ld);
    return rs;
}

static const char ARTICLE_TEXT[] =
    "Pyongyang fires missile\n\n"                              /* 0 headline, direct */
    "SEOUL (Yonhap) -- North Korea fired a missile.\n\n"       /* 1 lead, direct */
    "The missile flew far.\n\n"                                /* 2 window, via 1 */
    "Another missile fell.\n\n"                                /* 3 chain: from 1 via 2 */
    "Officials saw nothing.\n\n"                               /* 4 no cue */
    "It was the third test.\n\n"                               /* 5 article topic, from 0 */
    "The missile ministry declined to comment.\n\n"            /* 6 aside: nothing */
    "Crowds in Kyiv watched a missile.\n\n"                    /* 7 article (ua direct) */
    "A missile flew again.\n\n"                                /* 8 window? no: chain ended at 7 */
    "A storm hit; no missile test.\n\n"                        /* 9 breaks: nothing */
    "A missile test followed.\n\n"                             /* 10 nothing: stopped at 9 */
    "TOKYO (Kyodo) -- Pyongyang fired a missile.\n\n"          /* 11 new section, lead */
    "Separately, a missile test was held.\n";                  /* 12 switch: nothing */

static void test_classify_article(void **state)
{
    tt_ruleset *rs = load_article_rules();
    tt_scanner *sc = tt_scanner_new(rs, NULL);
    tt_limits lim;
    tt_scanner *all;
    const tt_result *r;
    const tt_sentence *s;
    const tt_tag *t;
    const tt_topic_total *tot;
    size_t n, i;

    (void)state;
    assert_non_null(sc);
    r = classify(sc, ARTICLE_TEXT);
    s = tt_result_sentences(r, &n);
    assert_int_equal(n, 13);
    assert_int_equal(s[0].kind, TT_SENT_HEADLINE);
    assert_int_equal(s[1].kind, TT_SENT_LEAD);
    assert_int_equal(s[2].kind, TT_SENT_BODY);
    assert_int_equal(s[11].kind, TT_SENT_BREAK);
    assert_int_equal(s[12].kind, TT_SENT_BREAK);

    t = tag_of(r, rs, 0, "nk");
    assert_non_null(t);
    assert_int_equal(t->via_context, TT_VIA_DIRECT);
    t = tag_of(r, rs, 2, "nk");
    assert_non_null(t);
    assert_int_equal(t->via_context, TT_VIA_CONTEXT);
    assert_int_equal(t->from, 1);
    assert_int_equal(t->link, 1);
    t = tag_of(r, rs, 3, "nk");   /* a chain: window 1 reaches 2, which continues 1 */
    assert_non_null(t);
    assert_int_equal(t->via_context, TT_VIA_CONTEXT);
    assert_int_equal(t->from, 1);
    assert_int_equal(t->link, 2);
    assert_null(tag_of(r, rs, 4, "nk"));
    t = tag_of(r, rs, 5, "nk");   /* beyond the window: a topic of the article */
    assert_non_null(t);
    assert_int_equal(t->via_context, TT_VIA_ARTICLE);
    assert_int_equal(t->from, 0);
    assert_null(tag_of(r, rs, 6, "nk"));   /* an aside inherits nothing */
    t = tag_of(r, rs, 7, "nk");   /* the article's topic holds; ua is carried directly */
    assert_non_null(t);
    assert_int_equal(t->via_context, TT_VIA_ARTICLE);
    assert_non_null(tag_of(r, rs, 7, "ua"));
    t = tag_of(r, rs, 8, "nk");   /* the chain ended at 7 (another topic), the article holds */
    assert_non_null(t);
    assert_int_equal(t->via_context, TT_VIA_ARTICLE);
    assert_null(tag_of(r, rs, 9, "nk"));    /* breaks */
    assert_null(tag_of(r, rs, 10, "nk"));   /* stopped at 9 */
    t = tag_of(r, rs, 11, "nk");
    assert_non_null(t);
    assert_int_equal(t->via_context, TT_VIA_DIRECT);
    assert_null(tag_of(r, rs, 12, "nk"));   /* "Separately," ends every inheritance */

    tot = tt_result_topics(r, &n);
    assert_int_equal(n, 2);
    assert_int_equal(tot[0].role, TT_ROLE_PRIMARY);   /* nk: headline, 8 of 13 sentences */
    assert_true(tot[0].headline);
    assert_true(tot[0].lead);
    assert_int_equal(tot[1].role, TT_ROLE_MENTIONED); /* ua: 1 of 13, not in the lead */
    assert_int_equal(tt_result_role(r, 1), TT_ROLE_MENTIONED);
    assert_string_equal(tt_role_name(TT_ROLE_SECONDARY), "secondary");
    assert_int_equal(tt_role_parse("primary"), TT_ROLE_PRIMARY);
    assert_int_equal(tt_role_parse("main"), -1);

    /* the prefilter skips nothing that could show: the same tags without it */
    tt_limits_init(&lim);
    lim.no_prefilter = 1;
    all = tt_scanner_new(rs, &lim);
    assert_non_null(all);
    {
        size_t na, nb;
        const tt_tag *ta = tt_result_tags(r, &na);
        const tt_result *r2 = classify(all, ARTICLE_TEXT);
        const tt_tag *tb = tt_result_tags(r2, &nb);
        assert_int_equal(na, nb);
        for (i = 0; i < na; i++) {
            assert_int_equal(ta[i].topic, tb[i].topic);
            assert_int_equal(ta[i].via_context, tb[i].via_context);
            assert_int_equal(ta[i].from, tb[i].from);
            assert_int_equal(ta[i].link, tb[i].link);
        }
    }
    tt_scanner_free(all);
    tt_scanner_free(sc);
    tt_ruleset_free(rs);
}

static void test_classify_article_rules_errors(void **state)
{
    static const char bad[] = "version: 1\n"
                              "article:\n"
                              "  lead: -1\n"
                              "  roles: {primary: {share: 2}}\n"
                              "  switch: '('\n"
                              "topic:\n"
                              "  id: t\n"
                              "  title: T\n"
                              "  patterns: [{id: a, regex: a}]\n"
                              "  context: {scope: page, article: {from: body}}\n";
    tt_loader *ld = tt_loader_new();
    tt_error err;
    size_t i;
    int seen[4] = {0, 0, 0, 0};
    (void)state;
    tt_loader_add_buffer(ld, "x.yaml", bad, strlen(bad));
    assert_null(tt_loader_build(ld, &err));
    for (i = 0; i < tt_loader_diag_count(ld); i++) {
        const tt_error *e = &tt_loader_diag(ld, i)->error;
        if (strstr(e->message, "'lead' must be between"))
            seen[0] = e->line == 3;
        if (strstr(e->message, "'share' must be between"))
            seen[1] = e->line == 4;
        if (strstr(e->message, "'scope' must be paragraph or article"))
            seen[2] = e->line == 10;
        if (strstr(e->message, "invalid regex in pattern 'article.switch'"))
            seen[3] = e->line == 5;
    }
    for (i = 0; i < 4; i++)
        assert_true(seen[i]);
    tt_loader_free(ld);
}

static void test_classify_context_paragraph(void **state)
{
    tt_ruleset *rs = load_rules(CONTEXT_RULES);
    tt_scanner *sc = tt_scanner_new(rs, NULL);
    const tt_result *r;
    const tt_sentence *s;
    size_t n;

    (void)state;
    assert_non_null(sc);
    r = classify(sc, "Pyongyang fired a missile.\n\nThe missile flew far.\n"
                     "It was a missile.\n   \nA missile again.");
    s = tt_result_sentences(r, &n);
    assert_int_equal(n, 4);
    assert_int_equal(s[0].paragraph, 0);
    assert_int_equal(s[1].paragraph, 1);
    assert_int_equal(s[2].paragraph, 1);
    assert_int_equal(s[3].paragraph, 2);
    assert_non_null(tag_of(r, rs, 0, "nk"));
    assert_null(tag_of(r, rs, 1, "nk"));
    assert_null(tag_of(r, rs, 2, "nk"));
    assert_null(tag_of(r, rs, 3, "nk"));

    /* the last direct sentence counts: a later direct one restarts the window */
    r = classify(sc, "Pyongyang fired a missile. A missile. Pyongyang: missile. Filler text. "
                     "A missile. A missile.");
    assert_int_equal(nsentences(r), 6);
    assert_int_equal(tag_of(r, rs, 1, "nk")->from, 0);
    assert_int_equal(tag_of(r, rs, 2, "nk")->via_context, 0);
    assert_null(tag_of(r, rs, 3, "nk"));
    assert_int_equal(tag_of(r, rs, 4, "nk")->from, 2);
    assert_null(tag_of(r, rs, 5, "nk"));     /* 3 after the direct one */
    tt_scanner_free(sc);
    tt_ruleset_free(rs);
}

/* Without 'when', any pattern of the topic lets a sentence continue. */
static void test_classify_context_default_when(void **state)
{
    tt_ruleset *rs = load_rules("version: 1\n"
                                "topic:\n"
                                "  id: t\n"
                                "  title: T\n"
                                "  threshold: 2\n"
                                "  patterns:\n"
                                "    - id: a\n"
                                "      literal: alpha\n"
                                "    - id: b\n"
                                "      literal: beta\n"
                                "  context: {}\n");
    tt_scanner *sc = tt_scanner_new(rs, NULL);
    const tt_result *r;

    (void)state;
    assert_non_null(sc);
    r = classify(sc, "An alpha and beta. Then beta. Then alpha. Then nothing.");
    assert_int_equal(nsentences(r), 4);
    assert_non_null(tag_of(r, rs, 0, "t"));
    assert_int_equal(tag_of(r, rs, 0, "t")->via_context, 0);
    assert_non_null(tag_of(r, rs, 1, "t"));
    assert_int_equal(tag_of(r, rs, 1, "t")->via_context, 1);   /* window 1 */
    assert_null(tag_of(r, rs, 2, "t"));
    assert_null(tag_of(r, rs, 3, "t"));
    tt_scanner_free(sc);
    tt_ruleset_free(rs);
}

/* ---- match placement --------------------------------------------------------------------- */

static void test_classify_match_placement(void **state)
{
    tt_ruleset *rs = load_rules("version: 1\n"
                                "topic:\n"
                                "  id: p\n"
                                "  title: Placement\n"
                                "  patterns:\n"
                                "    - id: cross\n"
                                "      regex: 'one\\. Two|Two'\n"
                                "    - id: word\n"
                                "      regex: 'Th[a-z]+'\n");
    tt_scanner *sc = tt_scanner_new(rs, NULL);
    /*                  0         1         2         3
     *                  0123456789012345678901234567890123456 */
    const char *text = "Sentence one. Two more. Then Three.";
    const tt_result *r;
    const tt_tag *t;
    const tt_match *m;
    size_t n;

    (void)state;
    assert_non_null(sc);
    r = classify(sc, text);
    assert_int_equal(nsentences(r), 3);
    check_sentence(r, 0, "Sentence one.");
    check_sentence(r, 1, "Two more.");
    check_sentence(r, 2, "Then Three.");
    /* patterns run inside each sentence: 'one. Two' cannot cross sentences 0 and 1, so
     * sentence 0 has no match and the alternative 'Two' matches in sentence 1 */
    assert_null(tag_of(r, rs, 0, "p"));
    t = tag_of(r, rs, 1, "p");
    assert_non_null(t);
    assert_int_equal(t->match_count, 1);
    check_match(r, rs, t, 0, "cross", 14, 17);
    t = tag_of(r, rs, 2, "p");
    assert_non_null(t);
    assert_int_equal(t->match_count, 2);
    check_match(r, rs, t, 0, "word", 24, 28);
    check_match(r, rs, t, 1, "word", 29, 34);
    m = tt_result_matches(r, &n);
    assert_int_equal(n, 3);
    assert_memory_equal(text + m[1].start, "Then", 4);
    assert_memory_equal(text + m[2].start, "Three", 5);
    tt_scanner_free(sc);
    tt_ruleset_free(rs);
}

/* Multi-byte text before a match: offsets are bytes. */
static void test_classify_byte_offsets(void **state)
{
    tt_ruleset *rs = load_rules("version: 1\n"
                                "topic:\n"
                                "  id: k\n"
                                "  title: K\n"
                                "  patterns:\n"
                                "    - id: k\n"
                                "      literal: Kyiv\n");
    tt_scanner *sc = tt_scanner_new(rs, NULL);
    /* "Київ – Kyiv. Über Kyiv." : Київ is 8 bytes, the en dash 3 */
    const char *text = "\xD0\x9A\xD0\xB8\xD1\x97\xD0\xB2 \xE2\x80\x93 Kyiv. \xC3\x9C" "ber Kyiv.";
    const tt_result *r;
    const tt_tag *t;

    (void)state;
    assert_non_null(sc);
    r = classify(sc, text);
    assert_int_equal(nsentences(r), 2);
    check_sentence(r, 1, "\xC3\x9C" "ber Kyiv.");
    t = tag_of(r, rs, 0, "k");
    assert_non_null(t);
    check_match(r, rs, t, 0, "k", 13, 17);
    t = tag_of(r, rs, 1, "k");
    assert_non_null(t);
    check_match(r, rs, t, 0, "k", 25, 29);
    assert_memory_equal(text + 25, "Kyiv", 4);
    tt_scanner_free(sc);
    tt_ruleset_free(rs);
}

/* ---- case and word semantics ------------------------------------------------------------- */

static void test_classify_word_and_case(void **state)
{
    tt_ruleset *rs = load_rules("version: 1\n"
                                "topic:\n"
                                "  id: tw\n"
                                "  title: Taiwan\n"
                                "  patterns:\n"
                                "    - id: tw\n"
                                "      literal: taiwan\n"
                                "      ignore_case: true\n"
                                "      word: true\n"
                                "    - id: elan\n"
                                "      literal: \xC3\xA9lan\n"
                                "      ignore_case: true\n");
    tt_scanner *sc = tt_scanner_new(rs, NULL);
    const tt_result *r;
    const tt_tag *t;

    (void)state;
    assert_non_null(sc);
    /* one sentence per line (a line end ends a sentence) */
    r = classify(sc, "TAIWAN\xE2\x80\x99s navy\n"      /* 0: ’ is not a word char: match */
                     "Taiwan's navy\n"                 /* 1 */
                     "Taiwanese navy\n"                /* 2: no */
                     "XTaiwan navy\n"                  /* 3: no */
                     "\xC3\xA9Taiwan navy\n"           /* 4: é is not an ASCII word char */
                     "Taiwan_ navy\n"                  /* 5: no, '_' is a word char */
                     "Taiwan2 navy\n"                  /* 6: no */
                     "(taiwan) navy\n"                 /* 7 */
                     "\xC3\x89LAN vital\n");           /* 8: caseless beyond ASCII */
    assert_int_equal(nsentences(r), 9);
    t = tag_of(r, rs, 0, "tw");
    assert_non_null(t);
    check_match(r, rs, t, 0, "tw", 0, 6);
    assert_non_null(tag_of(r, rs, 1, "tw"));
    assert_null(tag_of(r, rs, 2, "tw"));
    assert_null(tag_of(r, rs, 3, "tw"));
    /* documented (docs/rules.md): word boundaries are ASCII, so a letter like é next to the
     * word does not prevent the match */
    t = tag_of(r, rs, 4, "tw");
    assert_non_null(t);
    check_sentence(r, 4, "\xC3\xA9Taiwan navy");
    assert_memory_equal(tt_result_text(r) + tt_result_matches(r, &(size_t){0})[t->match_first].start,
                        "Taiwan", 6);
    assert_null(tag_of(r, rs, 5, "tw"));
    assert_null(tag_of(r, rs, 6, "tw"));
    assert_non_null(tag_of(r, rs, 7, "tw"));
    t = tag_of(r, rs, 8, "tw");
    assert_non_null(t);
    assert_int_equal(t->match_count, 1);
    tt_scanner_free(sc);
    tt_ruleset_free(rs);
}

static void test_classify_literal_metachars(void **state)
{
    tt_ruleset *rs = load_rules("version: 1\n"
                                "topic:\n"
                                "  id: lit\n"
                                "  title: Literal\n"
                                "  patterns:\n"
                                "    - id: lit\n"
                                "      literal: ['a+b (c)', '[x]*', '$5?', '{{d}}']\n");
    tt_scanner *sc = tt_scanner_new(rs, NULL);
    const tt_result *r;
    const tt_tag *t;

    (void)state;
    assert_non_null(sc);
    assert_string_equal(tt_ruleset_pattern(rs, 0)->regex,
                        "(?:a\\+b \\(c\\))|(?:\\[x\\]\\*)|(?:\\$5\\?)|(?:\\{\\{d\\}\\})");
    r = classify(sc, "We saw aab c and abc\n"       /* 0: no (regex reading would match) */
                     "We saw a+b (c) here\n"        /* 1 */
                     "Then xx and x\n"              /* 2: no */
                     "Then [x]* it\n"               /* 3 */
                     "Costs $5? or $55\n"           /* 4 */
                     "A {{d}} brace\n");            /* 5: literal braces, no definition */
    assert_int_equal(nsentences(r), 6);
    assert_null(tag_of(r, rs, 0, "lit"));
    t = tag_of(r, rs, 1, "lit");
    assert_non_null(t);
    check_match(r, rs, t, 0, "lit", 28, 35);
    assert_null(tag_of(r, rs, 2, "lit"));
    assert_non_null(tag_of(r, rs, 3, "lit"));
    t = tag_of(r, rs, 4, "lit");
    assert_non_null(t);
    assert_int_equal(t->match_count, 1);
    assert_non_null(tag_of(r, rs, 5, "lit"));
    tt_scanner_free(sc);
    tt_ruleset_free(rs);
}

/* Two topics on one sentence are listed in topic order; totals per topic. */
static void test_classify_two_topics(void **state)
{
    static const char one[] = "version: 1\n"
                              "topic:\n"
                              "  id: first\n"
                              "  title: First\n"
                              "  patterns:\n"
                              "    - id: x\n"
                              "      literal: Tokyo\n";
    static const char two[] = "version: 1\n"
                              "topic:\n"
                              "  id: second\n"
                              "  title: Second\n"
                              "  patterns:\n"
                              "    - id: y\n"
                              "      literal: Seoul\n";
    tt_loader *ld = tt_loader_new();
    tt_ruleset *rs;
    tt_scanner *sc;
    const tt_result *r;
    const tt_sentence *s;
    const tt_tag *tags;
    const tt_topic_total *tot;
    size_t n;

    (void)state;
    assert_non_null(ld);
    assert_int_equal(tt_loader_add_buffer(ld, "1.yaml", one, strlen(one)), 0);
    assert_int_equal(tt_loader_add_buffer(ld, "2.yaml", two, strlen(two)), 0);
    rs = tt_loader_build(ld, NULL);
    assert_non_null(rs);
    tt_loader_free(ld);
    sc = tt_scanner_new(rs, NULL);
    assert_non_null(sc);

    r = classify(sc, "Seoul and Tokyo met. Seoul alone. Nobody.");
    s = tt_result_sentences(r, &n);
    assert_int_equal(n, 3);
    tags = tt_result_tags(r, &n);
    assert_int_equal(n, 3);
    assert_int_equal(s[0].tag_count, 2);
    assert_int_equal(tags[s[0].tag_first].topic, 0);
    assert_int_equal(tags[s[0].tag_first + 1].topic, 1);
    assert_int_equal(s[1].tag_count, 1);
    assert_int_equal(tags[s[1].tag_first].topic, 1);
    assert_int_equal(s[2].tag_count, 0);
    tot = tt_result_topics(r, &n);
    assert_int_equal(n, 2);
    assert_int_equal(tot[0].topic, 0);
    assert_int_equal(tot[0].sentences, 1);
    assert_int_equal(tot[1].topic, 1);
    assert_int_equal(tot[1].sentences, 2);
    assert_true(tot[1].score == 2.0);

    /* a topic that tags nothing has no total */
    r = classify(sc, "Only Seoul here.");
    tot = tt_result_topics(r, &n);
    assert_int_equal(n, 1);
    assert_int_equal(tot[0].topic, 1);
    tt_scanner_free(sc);
    tt_ruleset_free(rs);
}

/* ---- document checks --------------------------------------------------------------------- */

static void check_rejected(tt_scanner *sc, const char *text, size_t len, tt_status code,
                           size_t offset, const char *message)
{
    tt_error err;
    const tt_result *r = tt_classify(sc, text, len, &err);
    const tt_doc_error *e;
    size_t n;

    assert_non_null(r);
    assert_int_equal(err.code, TT_OK);
    e = tt_result_errors(r, &n);
    assert_int_equal(n, 1);
    assert_int_equal(e[0].code, code);
    assert_int_equal(e[0].offset, offset);
    assert_int_equal(e[0].pattern, -1);
    assert_string_equal(e[0].message, message);
    assert_int_equal(nsentences(r), 0);
    check_no_tags(r);
}

static void test_classify_document_checks(void **state)
{
    tt_ruleset *rs = load_rules(SCORE_RULES);
    tt_scanner *sc = tt_scanner_new(rs, NULL);
    tt_limits lim;
    tt_scanner *small;

    (void)state;
    assert_non_null(sc);
    check_rejected(sc, "", 0, TT_ERR_EMPTY, 0, "empty document");
    check_rejected(sc, " \n\t\r\n  \n", 8, TT_ERR_EMPTY, 0,
                   "document has no text (white space only)");
    check_rejected(sc, "\xC2\xA0 \xE3\x80\x80", 6, TT_ERR_EMPTY, 0,
                   "document has no text (white space only)");
    check_rejected(sc, "\xEF\xBB\xBF \n", 5, TT_ERR_EMPTY, 0,
                   "document has no text (white space only)");
    check_rejected(sc, "alpha\0beta", 10, TT_ERR_BINARY, 5,
                   "NUL byte at offset 5: binary data, not text");
    check_rejected(sc, "Alpha beta \xC3\xA9 \xFF gamma.", 20, TT_ERR_UTF8, 14,
                   "invalid UTF-8 at byte offset 14 (0xFF)");
    check_rejected(sc, "Alpha beta.\xE2\x80", 13, TT_ERR_UTF8, 11,
                   "invalid UTF-8 at byte offset 11 (0xE2)");
    check_rejected(sc, "\xFF\xFE" "a\0l\0", 6, TT_ERR_UTF8, 0,
                   "document is UTF-16 (byte order mark at offset 0), not UTF-8");
    check_rejected(sc, "\xFE\xFF\0a\0l", 6, TT_ERR_UTF8, 0,
                   "document is UTF-16 (byte order mark at offset 0), not UTF-8");

    /* a usable document after a rejected one */
    {
        const tt_result *r = classify(sc, "alpha beta.");
        assert_int_equal(nsentences(r), 1);
        assert_int_equal(nerrors(r), 0);
        assert_non_null(tag_of(r, rs, 0, "s"));
    }

    /* too large */
    tt_limits_init(&lim);
    assert_int_equal(lim.max_document, (size_t)64 << 20);
    lim.max_document = 16;
    small = tt_scanner_new(rs, &lim);
    assert_non_null(small);
    check_rejected(small, "alpha beta gamma delta", 22, TT_ERR_TOO_LARGE, 0,
                   "document too large (22 bytes; the limit is 16)");
    {
        const tt_result *r = classify(small, "alpha beta. Ok.");   /* 15 bytes */
        assert_int_equal(nsentences(r), 2);
        assert_non_null(tag_of(r, rs, 0, "s"));
        r = classify(small, "alpha beta. ok!!");                  /* exactly 16 */
        assert_int_equal(nerrors(r), 0);
    }
    tt_scanner_free(small);
    tt_scanner_free(sc);
    tt_ruleset_free(rs);
}

static void test_classify_bom(void **state)
{
    tt_ruleset *rs = load_rules(SCORE_RULES);
    tt_scanner *sc = tt_scanner_new(rs, NULL);
    const char *text = "\xEF\xBB\xBF" "alpha beta. Gamma.";
    const tt_result *r;
    const tt_sentence *s;
    const tt_tag *t;
    size_t n;

    (void)state;
    assert_non_null(sc);
    r = classify(sc, text);
    s = tt_result_sentences(r, &n);
    assert_int_equal(n, 2);
    assert_int_equal(s[0].start, 3);       /* the BOM is not part of the sentence */
    assert_int_equal(s[0].end, 14);
    t = tag_of(r, rs, 0, "s");
    assert_non_null(t);
    check_match(r, rs, t, 0, "a", 3, 8);
    check_match(r, rs, t, 1, "b", 9, 13);
    tt_scanner_free(sc);
    tt_ruleset_free(rs);
}

/* ---- match limits ------------------------------------------------------------------------ */

static const char EVIL_RULES[] = "version: 1\n"
                                 "topic:\n"
                                 "  id: evil\n"
                                 "  title: Evil\n"
                                 "  patterns:\n"
                                 "    - id: backtrack\n"
                                 "      regex: '(a+)+$'\n"
                                 "    - id: plain\n"
                                 "      literal: North Korea\n";

static void run_match_limit(int no_jit)
{
    tt_ruleset *rs = load_rules(EVIL_RULES);
    tt_limits lim;
    tt_scanner *sc;
    char *text;
    const size_t na = 5000;
    const char *head = "North Korea said so. ";
    size_t hl = strlen(head), len;
    const tt_result *r;
    const tt_doc_error *e;
    const tt_tag *t;
    size_t n;
    char want[200];

    tt_limits_init(&lim);
    lim.match_limit = 100000;
    lim.no_jit = no_jit;
    sc = tt_scanner_new(rs, &lim);
    assert_non_null(sc);
    len = hl + na + 2;
    text = malloc(len + 1);
    assert_non_null(text);
    memcpy(text, head, hl);
    memset(text + hl, 'a', na);
    memcpy(text + hl + na, "b.", 3);

    r = classify(sc, text);
    e = tt_result_errors(r, &n);
    assert_int_equal(n, 1);
    assert_int_equal(e[0].code, TT_ERR_MATCH_LIMIT);
    assert_int_equal(e[0].pattern, 0);
    assert_string_equal(tt_ruleset_pattern(rs, (size_t)e[0].pattern)->id, "backtrack");
    snprintf(want, sizeof want,
             "pattern 'backtrack' of topic 'evil' failed at offset %zu: match limit exceeded "
             "(test.yaml:6)",
             e[0].offset);
    assert_string_equal(e[0].message, want);
    assert_true(e[0].offset <= hl);
    /* the other pattern still tags its sentence */
    assert_int_equal(nsentences(r), 1);   /* "so. aaa": a lowercase letter follows */
    t = tag_of(r, rs, 0, "evil");
    assert_non_null(t);
    assert_int_equal(t->match_count, 1);
    check_match(r, rs, t, 0, "plain", 0, 11);

    /* a normal document on the same scanner has no error */
    r = classify(sc, "North Korea again. aaa.");
    assert_int_equal(nerrors(r), 0);
    free(text);
    tt_scanner_free(sc);
    tt_ruleset_free(rs);
}

static void test_classify_match_limit_jit(void **state)
{
    (void)state;
    run_match_limit(0);
}

static void test_classify_match_limit_interpreter(void **state)
{
    (void)state;
    run_match_limit(1);
}

/* Every match of "(a+)+needle" holds the literal "needle", so no match starts after the
 * literal's last hit: the search stops there (an offset limit) instead of backtracking
 * catastrophically from each 'a' after it, where no_prefilter still hits the match limit. */
static const char TAIL_RULES[] = "version: 1\n"
                                 "topic:\n"
                                 "  id: tail\n"
                                 "  title: Tail\n"
                                 "  patterns:\n"
                                 "    - id: backtrack\n"
                                 "      regex: '(a+)+needle'\n"
                                 "    - id: plain\n"
                                 "      literal: needle\n";

/* Classifies head, 5000 'a's and tail with the backtracking pattern of rules (match limit
 * 100000): without the prefilter it hits the limit, with it PCRE2 does not try the a's.
 * Either way the one match of "plain" in topic is at [start, end). */
static void run_backtrack_tail(const char *rules, const char *topic, const char *head,
                               const char *tail, int no_jit, int no_prefilter, size_t start,
                               size_t end)
{
    tt_ruleset *rs = load_rules(rules);
    tt_limits lim;
    tt_scanner *sc;
    char *text;
    const size_t na = 5000;
    size_t hl = strlen(head);
    const tt_result *r;
    const tt_tag *t;

    tt_limits_init(&lim);
    lim.match_limit = 100000;
    lim.no_jit = no_jit;
    lim.no_prefilter = no_prefilter;
    sc = tt_scanner_new(rs, &lim);
    assert_non_null(sc);
    text = malloc(hl + na + strlen(tail) + 1);
    assert_non_null(text);
    memcpy(text, head, hl);
    memset(text + hl, 'a', na);
    strcpy(text + hl + na, tail);
    r = classify(sc, text);
    if (no_prefilter) {
        assert_int_equal(nerrors(r), 1);
        assert_int_equal(tt_result_errors(r, &(size_t){0})[0].code, TT_ERR_MATCH_LIMIT);
    } else {
        assert_int_equal(nerrors(r), 0);
    }
    t = tag_of(r, rs, 0, topic);
    assert_non_null(t);
    assert_int_equal(t->match_count, 1);
    check_match(r, rs, t, 0, "plain", start, end);
    free(text);
    tt_scanner_free(sc);
    tt_ruleset_free(rs);
}

/* an 'e' after the a's: PCRE2's own last-byte check passes */
static void run_search_bound(int no_jit, int no_prefilter)
{
    run_backtrack_tail(TAIL_RULES, "tail", "The needle was ", "e.", no_jit, no_prefilter, 4, 10);
}

/* "needle(a+)+zzy" needs "needle" and "zzy" both: a sentence with the first only does not
 * wake PCRE2, which would backtrack catastrophically over the a's (a 'y' after them passes
 * PCRE2's own last-byte check); without the prefilter it still hits the match limit. */
static const char PAIR_RULES[] = "version: 1\n"
                                 "topic:\n"
                                 "  id: pair\n"
                                 "  title: Pair\n"
                                 "  patterns:\n"
                                 "    - id: backtrack\n"
                                 "      regex: 'needle(a+)+zzy'\n"
                                 "    - id: plain\n"
                                 "      literal: The\n";

/* Two branches, each needing two literals: a sentence with a first literal of one and a
 * second of the other wakes neither ("needle" and "qqw", not "zzy" nor "needlf"). */
static const char BRANCH_RULES[] = "version: 1\n"
                                   "topic:\n"
                                   "  id: pair\n"
                                   "  title: Pair\n"
                                   "  patterns:\n"
                                   "    - id: backtrack\n"
                                   "      regex: ['needle(a+)+zzy', 'needlf\\s+qqw']\n"
                                   "    - id: plain\n"
                                   "      literal: The\n";

static void test_classify_branch_literals(void **state)
{
    (void)state;
    run_backtrack_tail(BRANCH_RULES, "pair", "The needle", "y qqw.", 0, 0, 0, 3);
    run_backtrack_tail(BRANCH_RULES, "pair", "The needle", "y qqw.", 0, 1, 0, 3);
}

static void test_classify_second_literal(void **state)
{
    tt_ruleset *rs = load_rules(PAIR_RULES);
    tt_scanner *sc = tt_scanner_new(rs, NULL);
    const tt_result *r;
    const tt_tag *t;
    (void)state;
    run_backtrack_tail(PAIR_RULES, "pair", "The needle", "y.", 0, 0, 0, 3);
    run_backtrack_tail(PAIR_RULES, "pair", "The needle", "y.", 0, 1, 0, 3);
    /* with both literals the pattern runs and matches */
    assert_non_null(sc);
    r = classify(sc, "The needleaazzy said.");
    assert_int_equal(nerrors(r), 0);
    t = tag_of(r, rs, 0, "pair");
    assert_non_null(t);
    assert_int_equal(t->match_count, 2);
    check_match(r, rs, t, 0, "backtrack", 4, 15);
    tt_scanner_free(sc);
    tt_ruleset_free(rs);
}

static void test_classify_search_bound_jit(void **state)
{
    (void)state;
    run_search_bound(0, 0);
    run_search_bound(0, 1);
}

static void test_classify_search_bound_interpreter(void **state)
{
    (void)state;
    run_search_bound(1, 0);
    run_search_bound(1, 1);
}

/* ---- scanner reuse and segmentation ------------------------------------------------------ */

/* A deep copy of a result, for comparing results of different calls. */
typedef struct snapshot {
    size_t ns, nt, nm, ntot, ne;
    tt_sentence *s;
    tt_tag *t;
    tt_match *m;
    tt_topic_total *tot;
    tt_doc_error *e;
} snapshot;

static void *dup_mem(const void *p, size_t n)
{
    void *d = malloc(n ? n : 1);
    assert_non_null(d);
    if (n)
        memcpy(d, p, n);
    return d;
}

static void take(snapshot *sn, const tt_result *r)
{
    const tt_sentence *s = tt_result_sentences(r, &sn->ns);
    const tt_tag *t = tt_result_tags(r, &sn->nt);
    const tt_match *m = tt_result_matches(r, &sn->nm);
    const tt_topic_total *tot = tt_result_topics(r, &sn->ntot);
    const tt_doc_error *e = tt_result_errors(r, &sn->ne);

    sn->s = dup_mem(s, sn->ns * sizeof *s);
    sn->t = dup_mem(t, sn->nt * sizeof *t);
    sn->m = dup_mem(m, sn->nm * sizeof *m);
    sn->tot = dup_mem(tot, sn->ntot * sizeof *tot);
    sn->e = dup_mem(e, sn->ne * sizeof *e);
}

static void same(const snapshot *a, const snapshot *b)
{
    size_t i;

    assert_int_equal(a->ns, b->ns);
    assert_int_equal(a->nt, b->nt);
    assert_int_equal(a->nm, b->nm);
    assert_int_equal(a->ntot, b->ntot);
    assert_int_equal(a->ne, b->ne);
    for (i = 0; i < a->ns; i++) {
        assert_int_equal(a->s[i].start, b->s[i].start);
        assert_int_equal(a->s[i].end, b->s[i].end);
        assert_int_equal(a->s[i].paragraph, b->s[i].paragraph);
        assert_int_equal(a->s[i].tag_first, b->s[i].tag_first);
        assert_int_equal(a->s[i].tag_count, b->s[i].tag_count);
    }
    for (i = 0; i < a->nt; i++) {
        assert_int_equal(a->t[i].topic, b->t[i].topic);
        assert_int_equal(a->t[i].via_context, b->t[i].via_context);
        assert_int_equal(a->t[i].from, b->t[i].from);
        assert_true(a->t[i].score == b->t[i].score);
        assert_int_equal(a->t[i].match_first, b->t[i].match_first);
        assert_int_equal(a->t[i].match_count, b->t[i].match_count);
    }
    for (i = 0; i < a->nm; i++) {
        assert_int_equal(a->m[i].pattern, b->m[i].pattern);
        assert_int_equal(a->m[i].start, b->m[i].start);
        assert_int_equal(a->m[i].end, b->m[i].end);
    }
    for (i = 0; i < a->ntot; i++) {
        assert_int_equal(a->tot[i].topic, b->tot[i].topic);
        assert_int_equal(a->tot[i].sentences, b->tot[i].sentences);
        assert_true(a->tot[i].score == b->tot[i].score);
    }
    for (i = 0; i < a->ne; i++) {
        assert_int_equal(a->e[i].code, b->e[i].code);
        assert_int_equal(a->e[i].offset, b->e[i].offset);
        assert_string_equal(a->e[i].message, b->e[i].message);
    }
}

static void drop(snapshot *sn)
{
    free(sn->s);
    free(sn->t);
    free(sn->m);
    free(sn->tot);
    free(sn->e);
}

static void test_classify_scanner_reuse(void **state)
{
    static const char *const docs[] = {
        "Pyongyang fired a missile. The missile flew far. Another missile fell.\n\n"
        "Pyongyang: missile. A toy missile.",
        "Nothing here at all.",
        "The missile was new. Pyongyang fired a missile.",
        "bad \xFF utf-8",
        "Pyongyang fired a missile. The missile flew far. Another missile fell.\n\n"
        "Pyongyang: missile. A toy missile.",
        "",
        "A missile. Pyongyang missile. Missile missile missile. A missile. A missile. "
        "A missile. A missile.",
    };
    const size_t nd = sizeof docs / sizeof *docs;
    tt_ruleset *rs = load_rules(CONTEXT_RULES);
    tt_scanner *reused = tt_scanner_new(rs, NULL);
    snapshot a, b;
    size_t i, round;

    (void)state;
    assert_non_null(reused);
    for (round = 0; round < 2; round++) {
        for (i = 0; i < nd; i++) {
            tt_scanner *fresh = tt_scanner_new(rs, NULL);
            tt_error err;
            const tt_result *r;
            assert_non_null(fresh);
            r = tt_classify(reused, docs[i], strlen(docs[i]), &err);
            assert_non_null(r);
            take(&a, r);
            r = tt_classify(fresh, docs[i], strlen(docs[i]), &err);
            assert_non_null(r);
            take(&b, r);
            same(&a, &b);
            drop(&a);
            drop(&b);
            tt_scanner_free(fresh);
        }
    }
    tt_scanner_free(reused);
    tt_ruleset_free(rs);
}

static void test_classify_segment_only(void **state)
{
    tt_ruleset *rs = load_rules(CONTEXT_RULES);
    tt_scanner *sc = tt_scanner_new(rs, NULL);
    const char *text = "Pyongyang fired a missile. The missile flew far.\n\nNew paragraph.";
    tt_error err;
    const tt_result *r;
    const tt_sentence *s;
    size_t n;

    (void)state;
    assert_non_null(sc);
    /* after a classification with tags, segmenting leaves no tags behind */
    r = classify(sc, text);
    tt_result_tags(r, &n);
    assert_int_equal(n, 2);
    r = tt_segment(sc, text, strlen(text), &err);
    assert_non_null(r);
    assert_int_equal(err.code, TT_OK);
    s = tt_result_sentences(r, &n);
    assert_int_equal(n, 3);
    check_sentence(r, 0, "Pyongyang fired a missile.");
    check_sentence(r, 1, "The missile flew far.");
    check_sentence(r, 2, "New paragraph.");
    assert_int_equal(s[2].paragraph, 1);
    assert_int_equal(s[0].tag_count + s[1].tag_count + s[2].tag_count, 0);
    check_no_tags(r);
    assert_int_equal(nerrors(r), 0);
    assert_ptr_equal(tt_result_text(r), text);

    /* tt_segment checks the document too */
    r = tt_segment(sc, "a\0b", 3, &err);
    assert_non_null(r);
    assert_int_equal(nerrors(r), 1);
    assert_int_equal(tt_result_errors(r, &n)[0].code, TT_ERR_BINARY);
    tt_scanner_free(sc);
    tt_ruleset_free(rs);
}

/* Classifies text with allocation n failing (and every one after it): a scanner that could
 * not be made, or a classification that failed, must fail cleanly and stay usable; any result
 * must equal want.  Returns 1 once allocation n was never reached (the loop is done). */
static int classify_failing_at(const tt_ruleset *rs, const tt_limits *lim, const char *text,
                               long n, const snapshot *want)
{
    tt_scanner *sc;
    const tt_result *r = NULL;
    tt_error err;
    snapshot got;
    void *probe;
    int done = 0;

    memset(&err, 0, sizeof err);
    tt_alloc_fail_after(n);
    sc = tt_scanner_new(rs, lim);
    if (sc)
        r = tt_classify(sc, text, strlen(text), &err);
    probe = tt_malloc(1);
    tt_alloc_fail_after(-1);
    if (probe) {
        tt_free(probe);
        done = 1;
    }
    if (sc && !r) {
        assert_false(done);
        assert_int_equal(err.code, TT_ERR_NOMEM);
        assert_string_equal(err.message, "out of memory");
        /* the scanner is still usable once memory is back */
        r = tt_classify(sc, text, strlen(text), &err);
        assert_non_null(r);
    }
    if (r) {
        take(&got, r);
        same(&got, want);
        drop(&got);
    }
    tt_scanner_free(sc);
    return done;
}

/* ---- the Hyperscan prefilter -------------------------------------------------------------- */

static tt_ruleset *load_rules_hs(const char *yaml)
{
    tt_loader *ld = tt_loader_new();
    tt_ruleset *rs;
    tt_error err;

    assert_non_null(ld);
    assert_int_equal(tt_loader_set_prefilter(ld, TT_PREFILTER_HYPERSCAN), 0);
    assert_int_equal(tt_loader_add_buffer(ld, "test.yaml", yaml, strlen(yaml)), 0);
    rs = tt_loader_build(ld, &err);
    assert_non_null(rs);
    tt_loader_free(ld);
    return rs;
}

static const char HS_RULES[] = "version: 1\n"
                               "topic:\n"
                               "  id: t\n"
                               "  title: T\n"
                               "  patterns:\n"
                               "    - {id: nk, regex: 'Pyongyang|North Korea'}\n"
                               "    - {id: m, regex: 'missiles?\\b', ignore_case: true}\n"
                               "    - {id: end, regex: 'fell$'}\n"
                               "    - {id: ahead, regex: 'toy(?= missile)', word: true}\n"
                               "  condition: nk or m or end or ahead\n";

/* Same results as without a prefilter, on every document; the scanner survives running out of
 * memory at each allocation in turn (scratch, reports). */
static void test_classify_hyperscan(void **state)
{
    static const char *const docs[] = {
        "Pyongyang fired a missile. The missile flew far. Another missile fell.\n\n"
        "Pyongyang: missile. A toy missile.",
        "Nothing here at all.",
        "MISSILES over North Korea. It fell",
        "abcdefghimissilexyz",   /* max_sentence 16 cuts it inside a word, after "missile" */
    };
    const size_t nd = sizeof docs / sizeof *docs;
    tt_ruleset *plain, *hs;
    tt_limits lim, nopf;
    size_t i, np;
    long n;

    (void)state;
    if (!tt_have_hyperscan()) {
        tt_loader *ld = tt_loader_new();
        assert_non_null(ld);
        assert_int_equal(tt_loader_set_prefilter(ld, TT_PREFILTER_HYPERSCAN), -1);
        assert_int_equal(tt_loader_set_prefilter(ld, TT_PREFILTER_LITERAL), 0);
        tt_loader_free(ld);
        print_message("built without Hyperscan: only the refusal is tested\n");
        return;
    }
    plain = load_rules(HS_RULES);
    hs = load_rules_hs(HS_RULES);
    np = tt_ruleset_pattern_count(hs);
    for (i = 0; i < np; i++)   /* 'end' has an end anchor: the literal prefilter takes it */
        assert_int_equal(tt_ruleset_pattern(hs, i)->prefiltered, i == 2 ? 1 : 2);
    tt_limits_init(&lim);
    lim.max_sentence = 16;
    nopf = lim;
    nopf.no_prefilter = 1;
    for (i = 0; i < nd; i++) {
        tt_scanner *a = tt_scanner_new(plain, &nopf), *b = tt_scanner_new(hs, &lim);
        snapshot want, got;
        assert_non_null(a);
        assert_non_null(b);
        take(&want, classify(a, docs[i]));
        take(&got, classify(b, docs[i]));
        same(&got, &want);
        if (i == 3)
            assert_true(want.nt > 0);   /* PCRE2 sees \b at the cut: so must the prefilter */
        drop(&got);
        for (n = 0; !classify_failing_at(hs, &lim, docs[i], n, &want); n++)
            assert_true(n < 10000);
        drop(&want);
        tt_scanner_free(a);
        tt_scanner_free(b);
    }
    tt_ruleset_free(plain);
    tt_ruleset_free(hs);
}

/* ---- out of memory ----------------------------------------------------------------------- */

static void test_classify_out_of_memory(void **state)
{
    tt_ruleset *rs = load_rules(CONTEXT_RULES);
    const char *text = "Pyongyang fired a missile. The missile flew far. Another missile fell. "
                       "A third missile sank.\n\nPyongyang: missile. A toy missile.";
    snapshot want;
    long n;

    (void)state;
    {
        tt_scanner *sc = tt_scanner_new(rs, NULL);
        assert_non_null(sc);
        take(&want, classify(sc, text));
        tt_scanner_free(sc);
    }
    for (n = 0; !classify_failing_at(rs, NULL, text, n, &want); n++)
        assert_true(n < 10000);
    assert_true(n > 10);   /* the scanner and the classification allocate more than that */
    drop(&want);
    tt_ruleset_free(rs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_classify_scoring),
        cmocka_unit_test(test_classify_scoring_offsets_checked),
        cmocka_unit_test(test_classify_threshold),
        cmocka_unit_test(test_classify_exclusion),
        cmocka_unit_test(test_classify_condition),
        cmocka_unit_test(test_classify_context),
        cmocka_unit_test(test_classify_article),
        cmocka_unit_test(test_classify_article_rules_errors),
        cmocka_unit_test(test_classify_context_paragraph),
        cmocka_unit_test(test_classify_context_default_when),
        cmocka_unit_test(test_classify_match_placement),
        cmocka_unit_test(test_classify_byte_offsets),
        cmocka_unit_test(test_classify_word_and_case),
        cmocka_unit_test(test_classify_literal_metachars),
        cmocka_unit_test(test_classify_two_topics),
        cmocka_unit_test(test_classify_document_checks),
        cmocka_unit_test(test_classify_bom),
        cmocka_unit_test(test_classify_match_limit_jit),
        cmocka_unit_test(test_classify_match_limit_interpreter),
        cmocka_unit_test(test_classify_search_bound_jit),
        cmocka_unit_test(test_classify_search_bound_interpreter),
        cmocka_unit_test(test_classify_second_literal),
        cmocka_unit_test(test_classify_branch_literals),
        cmocka_unit_test(test_classify_scanner_reuse),
        cmocka_unit_test(test_classify_segment_only),
        cmocka_unit_test(test_classify_out_of_memory),
        cmocka_unit_test(test_classify_hyperscan),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
