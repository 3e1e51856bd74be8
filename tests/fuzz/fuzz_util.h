/* fuzz_util.h - helpers shared by the libFuzzer harnesses (header-only, static functions). */
#ifndef TT_FUZZ_UTIL_H
#define TT_FUZZ_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "topictag.h"

/* Aborts (a crash libFuzzer reports, with the input saved) when cond is false. */
#define FUZZ_CHECK(cond)                                                                      \
    do {                                                                                      \
        if (!(cond)) {                                                                        \
            fprintf(stderr, "%s:%d: fuzz invariant failed: %s\n", __FILE__, __LINE__, #cond); \
            abort();                                                                          \
        }                                                                                     \
    } while (0)

/* Whether a result carries a pattern error (a PCRE2 limit): such a result legitimately depends
 * on which sentences a pattern ran on, so the prefilter may change it. */
static inline int fuzz_has_match_error(const tt_result *r)
{
    size_t n, i;
    const tt_doc_error *e = tt_result_errors(r, &n);
    for (i = 0; i < n; i++)
        if (e[i].code == TT_ERR_MATCH_LIMIT || e[i].code == TT_ERR_MATCH)
            return 1;
    return 0;
}

/* Checks the structure of one result against the document and the ruleset. */
static inline void fuzz_check_result(const tt_ruleset *rs, const tt_result *r, const char *text,
                                     size_t len)
{
    size_t ns, nt, nm, ntot, ne, i, j, tags_seen = 0;
    const tt_sentence *s = tt_result_sentences(r, &ns);
    const tt_tag *t = tt_result_tags(r, &nt);
    const tt_match *m = tt_result_matches(r, &nm);
    const tt_topic_total *tot = tt_result_topics(r, &ntot);
    const tt_doc_error *e = tt_result_errors(r, &ne);

    FUZZ_CHECK(tt_result_text(r) == text);
    FUZZ_CHECK(tt_result_length(r) == len);
    for (i = 0; i < ns; i++) {
        FUZZ_CHECK(s[i].start < s[i].end && s[i].end <= len);
        if (i) {
            FUZZ_CHECK(s[i - 1].end <= s[i].start);
            FUZZ_CHECK(s[i - 1].paragraph <= s[i].paragraph);
        }
        if (s[i].tag_count) {
            FUZZ_CHECK(s[i].tag_first == tags_seen);
            FUZZ_CHECK(s[i].tag_first + s[i].tag_count <= nt);
        }
        for (j = 0; j < s[i].tag_count; j++) {
            const tt_tag *tg = &t[s[i].tag_first + j];
            size_t k;
            FUZZ_CHECK(tg->topic < tt_ruleset_topic_count(rs));
            if (j)
                FUZZ_CHECK(t[s[i].tag_first + j - 1].topic < tg->topic);
            if (tg->via_context) {
                const tt_topic_info *ti = tt_ruleset_topic(rs, tg->topic);
                FUZZ_CHECK(tg->via_context <= TT_VIA_ARTICLE);
                FUZZ_CHECK(tg->from < i && tg->from <= tg->link && tg->link < i);
                /* paragraph scope: a direct source in the same paragraph, no chain */
                if (tg->via_context == TT_VIA_CONTEXT && !ti->context_article)
                    FUZZ_CHECK(s[tg->from].paragraph == s[i].paragraph && tg->link == tg->from);
                if (tg->via_context == TT_VIA_ARTICLE)
                    FUZZ_CHECK(ti->has_article);
            }
            FUZZ_CHECK(tg->match_first + tg->match_count <= nm);
            FUZZ_CHECK(tg->match_count > 0);
            for (k = 0; k < tg->match_count; k++) {
                const tt_match *mt = &m[tg->match_first + k];
                const tt_pattern_info *pi;
                FUZZ_CHECK(mt->pattern < tt_ruleset_pattern_count(rs));
                pi = tt_ruleset_pattern(rs, mt->pattern);
                FUZZ_CHECK(pi->topic == tg->topic);
                FUZZ_CHECK(!pi->exclude);
                FUZZ_CHECK(s[i].start <= mt->start && mt->start < mt->end &&
                           mt->end <= s[i].end);
            }
        }
        tags_seen += s[i].tag_count;
    }
    FUZZ_CHECK(tags_seen == nt);
    for (i = 0; i < ntot; i++) {
        FUZZ_CHECK(tot[i].topic < tt_ruleset_topic_count(rs));
        FUZZ_CHECK(tot[i].sentences > 0 && tot[i].sentences <= ns);
        if (i)
            FUZZ_CHECK(tot[i - 1].topic < tot[i].topic);
    }
    for (i = 0; i < ne; i++) {
        FUZZ_CHECK(memchr(e[i].message, 0, sizeof e[i].message) != NULL);
        FUZZ_CHECK(e[i].offset <= len);
        FUZZ_CHECK(e[i].pattern >= -1 && e[i].pattern < (long)tt_ruleset_pattern_count(rs));
    }
}

/* Asserts that two results of the same document are identical. */
static inline void fuzz_same_result(const tt_result *a, const tt_result *b)
{
    size_t na, nb, i;
    {
        const tt_sentence *x = tt_result_sentences(a, &na), *y = tt_result_sentences(b, &nb);
        FUZZ_CHECK(na == nb);
        for (i = 0; i < na; i++) {
            FUZZ_CHECK(x[i].start == y[i].start && x[i].end == y[i].end);
            FUZZ_CHECK(x[i].paragraph == y[i].paragraph);
            FUZZ_CHECK(x[i].tag_count == y[i].tag_count);
            FUZZ_CHECK(x[i].tag_count == 0 || x[i].tag_first == y[i].tag_first);
        }
    }
    {
        const tt_tag *x = tt_result_tags(a, &na), *y = tt_result_tags(b, &nb);
        FUZZ_CHECK(na == nb);
        for (i = 0; i < na; i++) {
            FUZZ_CHECK(x[i].topic == y[i].topic);
            FUZZ_CHECK(x[i].via_context == y[i].via_context);
            FUZZ_CHECK(x[i].from == y[i].from);
            FUZZ_CHECK(x[i].score == y[i].score);
            FUZZ_CHECK(x[i].match_first == y[i].match_first);
            FUZZ_CHECK(x[i].match_count == y[i].match_count);
        }
    }
    {
        const tt_match *x = tt_result_matches(a, &na), *y = tt_result_matches(b, &nb);
        FUZZ_CHECK(na == nb);
        for (i = 0; i < na; i++) {
            FUZZ_CHECK(x[i].pattern == y[i].pattern);
            FUZZ_CHECK(x[i].start == y[i].start && x[i].end == y[i].end);
        }
    }
    {
        const tt_topic_total *x = tt_result_topics(a, &na), *y = tt_result_topics(b, &nb);
        FUZZ_CHECK(na == nb);
        for (i = 0; i < na; i++) {
            FUZZ_CHECK(x[i].topic == y[i].topic);
            FUZZ_CHECK(x[i].sentences == y[i].sentences);
            FUZZ_CHECK(x[i].score == y[i].score);
        }
    }
    {
        const tt_doc_error *x = tt_result_errors(a, &na), *y = tt_result_errors(b, &nb);
        FUZZ_CHECK(na == nb);
        for (i = 0; i < na; i++) {
            FUZZ_CHECK(x[i].code == y[i].code);
            FUZZ_CHECK(x[i].offset == y[i].offset);
            FUZZ_CHECK(x[i].pattern == y[i].pattern);
            FUZZ_CHECK(strcmp(x[i].message, y[i].message) == 0);
        }
    }
}

/* Checks an explain-mode result x against the plain result a of the same document: the same
 * tags, and one trace per (sentence, topic) in order, tagged exactly where a tag is. */
static inline void fuzz_check_explain(const tt_ruleset *rs, const tt_result *a, const tt_result *x)
{
    size_t ns, ntag, ntr, ntm, nm, i, k = 0, nt = tt_ruleset_topic_count(rs);
    const tt_sentence *s = tt_result_sentences(a, &ns);
    const tt_tag *tags = tt_result_tags(a, &ntag);
    const tt_trace *tr = tt_result_traces(x, &ntr);
    const tt_match *tm = tt_result_trace_matches(x, &ntm);
    const tt_match *m = tt_result_matches(a, &nm);

    if (fuzz_has_match_error(a) || fuzz_has_match_error(x))
        return;
    fuzz_same_result(a, x);
    FUZZ_CHECK(ntr == ns * nt);
    for (i = 0; i < ntr; i++) {
        const tt_trace *t = &tr[i];
        size_t j;
        FUZZ_CHECK(t->sentence == i / nt && t->topic == i % nt);
        FUZZ_CHECK(t->match_first + t->match_count <= ntm);
        for (j = 0; j < t->match_count; j++) {
            const tt_match *mt = &tm[t->match_first + j];
            FUZZ_CHECK(mt->pattern < tt_ruleset_pattern_count(rs));
            FUZZ_CHECK(tt_ruleset_pattern(rs, mt->pattern)->topic == t->topic);
            FUZZ_CHECK(s[t->sentence].start <= mt->start && mt->end <= s[t->sentence].end);
        }
        if (t->tagged) {
            const tt_tag *g;
            FUZZ_CHECK(k < ntag);
            g = &tags[k++];
            FUZZ_CHECK(s[t->sentence].tag_count > 0);
            FUZZ_CHECK(g->topic == t->topic);
            FUZZ_CHECK(g >= tags + s[t->sentence].tag_first &&
                       g < tags + s[t->sentence].tag_first + s[t->sentence].tag_count);
            FUZZ_CHECK((int)g->via_context == t->via && (g->via_context != 0) == t->via_context);
            FUZZ_CHECK(g->from == t->from);
            FUZZ_CHECK(g->score == t->score);
            FUZZ_CHECK(g->match_count == t->match_count);
            FUZZ_CHECK(!t->vetoed);
            if (!t->via_context)
                FUZZ_CHECK(t->condition && t->score >= t->threshold);
            for (j = 0; j < g->match_count; j++) {
                FUZZ_CHECK(m[g->match_first + j].pattern == tm[t->match_first + j].pattern);
                FUZZ_CHECK(m[g->match_first + j].start == tm[t->match_first + j].start);
            }
        }
    }
    FUZZ_CHECK(k == ntag);
}

/* Renders r in format fmt into memory; returns the malloc'ed output (caller frees). */
static inline char *fuzz_render(const tt_ruleset *rs, const tt_result *r, tt_format fmt,
                                size_t *outlen)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    tt_report_options opt;
    tt_report *rep;
    FUZZ_CHECK(f != NULL);
    memset(&opt, 0, sizeof opt);
    opt.format = fmt;
    opt.summary = 1;
    rep = tt_report_new(rs, &opt, f);
    FUZZ_CHECK(rep != NULL);
    FUZZ_CHECK(tt_report_document(rep, "fuzz.txt", "doc-1", r, NULL) == 0);
    FUZZ_CHECK(tt_report_finish(rep) == 0);
    tt_report_free(rep);
    FUZZ_CHECK(fclose(f) == 0);
    *outlen = len;
    return buf;
}

static inline void fuzz_check_json(const char *buf, size_t len)
{
    json_error_t jerr;
    json_t *j = json_loadb(buf, len, 0, &jerr);
    if (!j) {
        fprintf(stderr, "fuzz: bad JSON (%s at %d:%d): %.*s\n", jerr.text, jerr.line,
                jerr.column, (int)(len > 2000 ? 2000 : len), buf);
        FUZZ_CHECK(j != NULL);
    }
    json_decref(j);
}

/* Renders r in every format; JSON and JSON Lines must parse, nothing may be empty. */
static inline void fuzz_check_reports(const tt_ruleset *rs, const tt_result *r)
{
    size_t len;
    char *out;
    const char *p, *end, *nl;

    out = fuzz_render(rs, r, TT_FORMAT_JSON, &len);
    FUZZ_CHECK(len > 0);
    fuzz_check_json(out, len);
    free(out);

    out = fuzz_render(rs, r, TT_FORMAT_JSONL, &len);
    FUZZ_CHECK(len > 0 && out[len - 1] == '\n');
    for (p = out, end = out + len; p < end; p = nl + 1) {
        nl = memchr(p, '\n', (size_t)(end - p));
        FUZZ_CHECK(nl != NULL);
        fuzz_check_json(p, (size_t)(nl - p));
    }
    free(out);

    out = fuzz_render(rs, r, TT_FORMAT_TEXT, &len);
    FUZZ_CHECK(len > 0);
    free(out);
    out = fuzz_render(rs, r, TT_FORMAT_CSV, &len);
    FUZZ_CHECK(len > 0);
    free(out);
    out = fuzz_render(rs, r, TT_FORMAT_TSV, &len);
    FUZZ_CHECK(len > 0);
    free(out);
}

#endif
