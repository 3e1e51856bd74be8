/* eval.c - `topictag eval`: score the rules against hand-labelled gold (JSON Lines, see
 * docs/eval.md): precision, recall and F1 per topic at sentence and article level, the false
 * positives and negatives, what each pattern contributed, and gates for CI (--min-f1,
 * --baseline). */
#include <errno.h>
#include <jansson.h>
#include <stdint.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "eval.h"
#include "gold.h"
#include "input.h"
#include "eval.h"
#include "progress.h"

enum { O_GOLD = 256, O_ERRORS, O_MIN_F1, O_BASELINE, O_TOLERANCE, O_JUNIT, O_TOPIC };

static const cli_option eval_options[] = {
    CLI_OPT_RULES,
    {O_GOLD, "gold", 1, "FILE", "the gold labels, JSON Lines (see docs/eval.md); required"},
    {'f', "format", 1, "FORMAT", "text (default), json, csv or html"},
    {O_ERRORS, "errors", 1, "N",
     "list N false positives and negatives (default: 10 in text, all in json)"},
    {O_MIN_F1, "min-f1", 1, "X",
     "exit 5 when a topic with gold sentences has a sentence F1 below X"},
    {O_BASELINE, "baseline", 1, "FILE",
     "exit 5 when a topic's F1 fell below that of FILE, an earlier `eval -f json`"},
    {O_TOLERANCE, "tolerance", 1, "T", "with --baseline: how far an F1 may fall (default 0.02)"},
    {O_JUNIT, "junit", 1, "FILE",
     "also write the gates as JUnit XML to FILE: a testcase per topic and gate, and coverage"},
    {O_TOPIC, "topic", 1, "ID[,ID...]",
     "score, report and gate only these topics (classified inside the full ruleset)"},
    CLI_OPT_PROGRESS,
};

enum { FMT_TEXT, FMT_JSON, FMT_CSV, FMT_HTML };

typedef struct settings {
    cli_rules rules;
    const char *gold;
    int format;
    long errors;           /* -1: the format's default */
    double min_f1;         /* < 0: no gate */
    const char *baseline;
    const char *junit;     /* --junit FILE, or NULL */
    const char *topic;     /* --topic, or NULL */
    double tolerance;
    int tolerance_set;
    int progress;          /* CLI_PROGRESS_* */
} settings;

/* A number in [lo, hi], else a usage error naming the option. */
static int parse_number(const char *arg, double lo, double hi, const char *what, double *out)
{
    char *end;
    double v;
    errno = 0;
    v = strtod(arg, &end);
    /* a plain decimal: strtod alone takes " 0.5", "0x1p-1" and "nan" */
    if (end == arg || *end || errno || !(v >= lo && v <= hi) ||
        strspn(arg, "0123456789.eE+-") != strlen(arg))
        return cli_usage_error(what, arg);
    *out = v;
    return 0;
}

static int on_option(void *ctx, int val, const char *arg)
{
    settings *s = ctx;
    switch (val) {
    case 'r': return cli_rules_add(&s->rules, arg);
    case O_GOLD: s->gold = arg; return 0;
    case O_BASELINE: s->baseline = arg; return 0;
    case O_JUNIT: s->junit = arg; return 0;
    case O_TOPIC: s->topic = arg; return 0;
    case 'f':
        if (!strcmp(arg, "text"))
            s->format = FMT_TEXT;
        else if (!strcmp(arg, "json"))
            s->format = FMT_JSON;
        else if (!strcmp(arg, "csv"))
            s->format = FMT_CSV;
        else if (!strcmp(arg, "html"))
            s->format = FMT_HTML;
        else
            return cli_usage_error("unknown format (expected text, json, csv, html)", arg);
        return 0;
    case CLI_OPT_PROGRESS_VALS:
    case CLI_OPT_PROGRESS_VALS + 1: cli_progress_option(val, &s->progress); return 0;
    case O_ERRORS: {
        long n;
        int rc = cli_parse_count(arg, 0, LONG_MAX, &n, "--errors must be a number, 0 or more");
        if (rc == EXIT_OK)
            s->errors = n;
        return rc;
    }
    case O_MIN_F1:
        return parse_number(arg, 0.0, 1.0, "--min-f1 must be a number from 0 to 1", &s->min_f1);
    case O_TOLERANCE:
        s->tolerance_set = 1;
        return parse_number(arg, 0.0, 1.0, "--tolerance must be a number from 0 to 1",
                            &s->tolerance);
    }
    return EXIT_USAGE;
}

/* ---- Scoring ------------------------------------------------------------------------------ */

static void miss_release(miss *m)
{
    free(m->document);
    free(m->id);
    free(m->text);
    free(m->patterns);
}

/* Keeps a miss while under the limit; -1 on out of memory. */
static int add_miss(evaluation *ev, int fp, const char *name, const char *id, long sentence,
                    const tt_result *r, const tt_sentence *s, uint32_t topic, const tt_tag *tag)
{
    miss *m;
    if (!eval_topic_on(ev, topic))
        return 0;   /* --topic: another topic's miss is not an error of this evaluation */
    if (fp)
        *(sentence >= 0 ? &ev->sfp : &ev->afp) += 1;
    else
        *(sentence >= 0 ? &ev->sfn : &ev->afn) += 1;
    if (ev->nmisses >= ev->limit)
        return 0;
    if (ev->nmisses == ev->capmisses) {
        size_t nc = ev->capmisses ? ev->capmisses * 2 : 64;
        miss *nm = realloc(ev->misses, nc * sizeof *nm);
        if (!nm)
            return -1;
        ev->misses = nm;
        ev->capmisses = nc;
    }
    m = &ev->misses[ev->nmisses];
    memset(m, 0, sizeof *m);
    m->fp = fp;
    m->sentence = sentence;
    m->topic = topic;
    m->from = -1;
    ev->nmisses++;
    if (!(m->document = strdup(name)) || (id && !(m->id = strdup(id))))
        return -1;
    if (s) {
        const char *text = tt_result_text(r);
        m->start = s->start;
        m->end = s->end;
        if (!(m->text = malloc(s->end - s->start + 1)))
            return -1;
        memcpy(m->text, text + s->start, s->end - s->start);
        m->text[s->end - s->start] = '\0';
    }
    if (tag) {
        size_t nm, k, j;
        const tt_match *mt = tt_result_matches(r, &nm) + tag->match_first;
        if (tag->via_context)
            m->from = (long)tag->from;
        if (tag->match_count && !(m->patterns = malloc(tag->match_count * sizeof *m->patterns)))
            return -1;
        for (k = 0; k < tag->match_count; k++) {
            for (j = 0; j < m->npatterns && m->patterns[j] != mt[k].pattern; j++)
                ;
            if (j == m->npatterns)
                m->patterns[m->npatterns++] = mt[k].pattern;
        }
    }
    return 0;
}

/* Counts the roles of the topics of an article with gold roles, and keeps a disagreement
 * while under the limit; -1 on out of memory. */
static int score_roles(evaluation *ev, const gold_doc *d, const char *name, const char *id,
                       const tt_topic_total *tot, size_t ntt)
{
    size_t t, k = 0;
    ev->rdocs++;
    for (t = 0; t < ev->ntopics; t++) {
        int g = d->roles[t], p = 0;
        role_miss *m;
        while (k < ntt && tot[k].topic < t)
            k++;
        if (k < ntt && tot[k].topic == t)
            p = (int)tot[k].role;
        if (!eval_topic_on(ev, t))
            continue;
        if (g >= TT_ROLE_SECONDARY && p >= TT_ROLE_SECONDARY)
            ev->about[t].tp++;
        else if (g >= TT_ROLE_SECONDARY)
            ev->about[t].fn++;
        else if (p >= TT_ROLE_SECONDARY)
            ev->about[t].fp++;
        if (!g && !p)
            continue;
        ev->roles[g][p]++;
        if (g == p)
            continue;
        ev->rmisses++;
        if (ev->nrmiss >= ev->limit)
            continue;
        if (ev->nrmiss == ev->caprmiss) {
            size_t nc = ev->caprmiss ? ev->caprmiss * 2 : 32;
            role_miss *nm = realloc(ev->rmiss, nc * sizeof *nm);
            if (!nm)
                return -1;
            ev->rmiss = nm;
            ev->caprmiss = nc;
        }
        m = &ev->rmiss[ev->nrmiss++];
        memset(m, 0, sizeof *m);
        m->topic = (uint32_t)t;
        m->gold = g;
        m->predicted = p;
        if (!(m->document = strdup(name)) || (id && !(m->id = strdup(id))))
            return -1;
    }
    return 0;
}

/* Fills ev->gm from the gold sentences of d; 0, or 1 (printed) when a label points past the
 * document's sentences. */
static int gold_matrix(evaluation *ev, const gold_doc *d, const char *name,
                       const tt_sentence *s, size_t ns, size_t len)
{
    size_t i, k, t, nt = ev->ntopics;
    for (i = 0; i < d->nsents; i++) {
        const gold_sent *gs = &d->sents[i];
        size_t at = ns;
        if (!gs->by_span) {
            if (gs->index >= ns) {
                cli_message("%s:%zu: there is no sentence %zu: %s has %zu sentence%s\n",
                            ev->g->path, d->line, gs->index, name, ns, cli_plural(ns));
                return 1;
            }
            at = gs->index;
        } else {
            /* the sentence holding the span's start, else the first one after it */
            for (k = 0; k < ns && at == ns; k++)
                if (gs->index < s[k].end)
                    at = k;
            if (at == ns) {
                cli_message("%s:%zu: the span [%zu,%zu) is past the last sentence of %s (%zu "
                            "bytes)\n",
                            ev->g->path, d->line, gs->index, gs->end, name, len);
                return 1;
            }
        }
        for (t = 0; t < nt; t++)
            ev->gm[at * nt + t] |= gs->topics[t];
    }
    return 0;
}

/* Scores one classified document against its gold; 0, 1 (not evaluated, printed) or -1 (out
 * of memory). */
static int score_doc(evaluation *ev, gold_doc *d, const char *name, const char *id,
                     const tt_result *r)
{
    size_t ns, ntags, ntt, i, k, t, nt = ev->ntopics;
    const tt_sentence *s = tt_result_sentences(r, &ns);
    const tt_tag *tags = tt_result_tags(r, &ntags);
    const tt_topic_total *tot = tt_result_topics(r, &ntt);
    if (d->by_sentence) {
        if (ns * nt > ev->mcap) {
            size_t nc = ns * nt;
            unsigned char *a = realloc(ev->gm, nc), *b;
            if (!a)
                return -1;
            ev->gm = a;
            if (!(b = realloc(ev->pm, nc)))
                return -1;
            ev->pm = b;
            ev->mcap = nc;
        }
        if (ns > 0 && nt > 0) {
            memset(ev->gm, 0, ns * nt);
            memset(ev->pm, 0, ns * nt);
        }
        if (gold_matrix(ev, d, name, s, ns, tt_result_length(r)))
            return 1;
        for (i = 0; i < ns; i++)
            for (k = 0; k < s[i].tag_count; k++)
                ev->pm[i * nt + tags[s[i].tag_first + k].topic] = 1;
        for (i = 0; i < ns; i++) {
            for (t = 0; t < nt; t++) {
                int gv = ev->gm[i * nt + t], pv = ev->pm[i * nt + t];
                const tt_tag *tag = NULL;
                if (gv && pv) {
                    ev->sent[t].tp++;
                    continue;
                }
                if (!gv && !pv)
                    continue;
                for (k = 0; k < s[i].tag_count; k++)
                    if (tags[s[i].tag_first + k].topic == t)
                        tag = &tags[s[i].tag_first + k];
                if (pv)
                    ev->sent[t].fp++;
                else
                    ev->sent[t].fn++;
                if (add_miss(ev, pv, name, id, (long)i, r, &s[i], (uint32_t)t, tag))
                    return -1;
            }
            /* what each pattern contributed */
            for (k = 0; k < s[i].tag_count; k++) {
                const tt_tag *tag = &tags[s[i].tag_first + k];
                size_t nm, j, q;
                const tt_match *mt = tt_result_matches(r, &nm) + tag->match_first;
                for (j = 0; j < tag->match_count; j++) {
                    for (q = 0; q < j && mt[q].pattern != mt[j].pattern; q++)
                        ;
                    if (q < j)
                        continue;   /* counted once per sentence */
                    ev->pat_tagged[mt[j].pattern]++;
                    if (!ev->gm[i * nt + tag->topic])
                        ev->pat_fp[mt[j].pattern]++;
                }
            }
        }
        ev->sdocs++;
        ev->sentences += ns;
    }
    for (t = 0, k = 0; t < nt; t++) {
        int pv = 0, gv = d->topics[t];
        while (k < ntt && tot[k].topic < t)
            k++;
        pv = k < ntt && tot[k].topic == t && tot[k].sentences > 0;
        if (gv && pv)
            ev->art[t].tp++;
        else if (gv || pv) {
            if (pv)
                ev->art[t].fp++;
            else
                ev->art[t].fn++;
            if (!d->by_sentence && add_miss(ev, pv, name, id, -1, r, NULL, (uint32_t)t, NULL))
                return -1;
        }
    }
    if (d->roles && score_roles(ev, d, name, id, tot, ntt))
        return -1;
    ev->docs++;
    return 0;
}

static int each_doc(void *ctx, const char *name, const char *id, const char *text, size_t len,
                    const tt_error *derr)
{
    evaluation *ev = ctx;
    gold_doc *d = NULL;
    const tt_result *r;
    const tt_doc_error *e;
    tt_error err;
    size_t ne, i;
    int rc;
    ev->read++;
    cli_progress_add(ev->progress, text ? len : 0);
    if (id)
        d = gold_find(ev->g, id, NULL);
    if (!d)
        d = gold_find(ev->g, NULL, name);
    if (!d)
        d = gold_find_path(ev->g, name);
    if (!text) {
        cli_message("topictag: %s: %s\n", name, derr ? derr->message : "cannot read");
        ev->failed++;
        if (d)
            d->seen = 1;
        return 0;
    }
    if (!d) {
        cli_message("topictag: %s: no gold record: not evaluated\n", name);
        ev->without_gold++;
        if (!ev->nogold && !(ev->nogold = strdup(name))) {
            cli_message("topictag: out of memory\n");
            ev->fatal = 1;
            return -1;
        }
        return 0;
    }
    if (d->seen) {
        cli_message("topictag: %s: read a second time: evaluated once\n", name);
        return 0;
    }
    d->seen = 1;
    if (!(r = tt_classify(ev->sc, text, len, &err))) {
        cli_message("topictag: %s: %s\n", name, err.message);
        ev->fatal = 1;
        return -1;
    }
    e = tt_result_errors(r, &ne);
    for (i = 0; i < ne; i++)
        cli_message("topictag: %s: %s: not evaluated\n", name, e[i].message);
    if (ne) {
        ev->failed++;
        return 0;
    }
    rc = score_doc(ev, d, name, id, r);
    if (rc < 0) {
        cli_message("topictag: out of memory\n");
        ev->fatal = 1;
        return -1;
    }
    ev->failed += (size_t)rc;
    return 0;
}

/* ---- Metrics ------------------------------------------------------------------------------ */

int eval_topic_on(const evaluation *ev, size_t t)
{
    return cli_topics_has(&ev->only, (uint32_t)t);
}

/* Precision, recall and F1; has_* = 0 when undefined (no prediction, no gold, neither). */
prf eval_score(counts c)
{
    prf m;
    memset(&m, 0, sizeof m);
    if ((m.has_p = c.tp + c.fp > 0))
        m.p = (double)c.tp / (double)(c.tp + c.fp);
    if ((m.has_r = c.tp + c.fn > 0))
        m.r = (double)c.tp / (double)(c.tp + c.fn);
    if ((m.has_f = c.tp + c.fp + c.fn > 0))
        m.f = 2.0 * (double)c.tp / (double)(2 * c.tp + c.fp + c.fn);
    return m;
}

/* Micro: over the summed counts.  Macro: the mean over the topics with gold or predictions,
 * an undefined precision or recall counting as 0. */
static void summarize(level *lv, const evaluation *ev)
{
    size_t t;
    double sp = 0, sr = 0, sf = 0;
    memset(&lv->micro, 0, sizeof lv->micro);
    lv->macro_topics = 0;
    for (t = 0; t < ev->ntopics; t++) {
        prf m = eval_score(lv->c[t]);
        if (!eval_topic_on(ev, t))
            continue;
        lv->micro.tp += lv->c[t].tp;
        lv->micro.fp += lv->c[t].fp;
        lv->micro.fn += lv->c[t].fn;
        if (!m.has_f)
            continue;
        lv->macro_topics++;
        sp += m.p;
        sr += m.r;
        sf += m.f;
    }
    lv->micro_m = eval_score(lv->micro);
    memset(&lv->macro_m, 0, sizeof lv->macro_m);
    if (lv->macro_topics) {
        double n = (double)lv->macro_topics;
        lv->macro_m.p = sp / n;
        lv->macro_m.r = sr / n;
        lv->macro_m.f = sf / n;
        lv->macro_m.has_p = lv->macro_m.has_r = lv->macro_m.has_f = 1;
    }
}

/* ---- Reports ------------------------------------------------------------------------------ */

/* A value in a text table: 3 decimals, or "-" when undefined. */
static void text_num(FILE *o, int has, double v, int width)
{
    if (has)
        fprintf(o, " %*.3f", width, v);
    else
        fprintf(o, " %*s", width, "-");
}

static void json_num(FILE *o, const char *key, int has, double v)
{
    if (has)
        fprintf(o, "\"%s\": %.4f", key, v);
    else
        fprintf(o, "\"%s\": null", key);
}

static void csv_num(FILE *o, int has, double v)
{
    if (has)
        fprintf(o, ",%.4f", v);
    else
        fputs(",", o);
}


static void text_row(FILE *o, int w, const char *label, counts c, prf m)
{
    fprintf(o, "%-*s %5zu %5zu %5zu %5zu %5zu", w, label, c.tp + c.fn, c.tp + c.fp, c.tp, c.fp,
            c.fn);
    text_num(o, m.has_p, m.p, 9);
    text_num(o, m.has_r, m.r, 7);
    text_num(o, m.has_f, m.f, 6);
    putc('\n', o);
}

static void text_level(FILE *o, const evaluation *ev, const level *lv, int w, const char *title)
{
    size_t t;
    char label[64];
    fprintf(o, "%s\n%-*s %5s %5s %5s %5s %5s %9s %7s %6s\n", title, w, "topic", "gold", "pred",
            "tp", "fp", "fn", "precision", "recall", "f1");
    for (t = 0; t < ev->ntopics; t++)
        if (eval_topic_on(ev, t))
            text_row(o, w, tt_ruleset_topic(ev->rs, t)->id, lv->c[t], eval_score(lv->c[t]));
    text_row(o, w, "micro average", lv->micro, lv->micro_m);
    snprintf(label, sizeof label, "macro average (%zu topic%s)", lv->macro_topics,
             cli_plural(lv->macro_topics));
    fprintf(o, "%-*s %29s", w, label, "");
    text_num(o, lv->macro_m.has_p, lv->macro_m.p, 9);
    text_num(o, lv->macro_m.has_r, lv->macro_m.r, 7);
    text_num(o, lv->macro_m.has_f, lv->macro_m.f, 6);
    putc('\n', o);
}

static void json_counts(FILE *o, counts c, prf m)
{
    fprintf(o, "\"gold\": %zu, \"predicted\": %zu, \"tp\": %zu, \"fp\": %zu, \"fn\": %zu, ",
            c.tp + c.fn, c.tp + c.fp, c.tp, c.fp, c.fn);
    json_num(o, "precision", m.has_p, m.p);
    fputs(", ", o);
    json_num(o, "recall", m.has_r, m.r);
    fputs(", ", o);
    json_num(o, "f1", m.has_f, m.f);
}

static void json_level(FILE *o, const evaluation *ev, const level *lv)
{
    size_t t, shown = 0;
    fprintf(o, "  \"%s\": {\n    \"topics\": [\n", lv->name);
    for (t = 0; t < ev->ntopics; t++) {
        if (!eval_topic_on(ev, t))
            continue;
        const char *id = tt_ruleset_topic(ev->rs, t)->id;
        /* "id" as in every other list of topics; "topic", its schema-1 name, stays until schema
         * 2 (docs/schema/README.md) */
        fputs(shown++ ? ",\n      {\"id\": " : "      {\"id\": ", o);
        cli_json(o, id, strlen(id));
        fputs(", \"topic\": ", o);
        cli_json(o, id, strlen(id));
        fputs(", ", o);
        json_counts(o, lv->c[t], eval_score(lv->c[t]));
        putc('}', o);
    }
    fputs(shown ? "\n    ],\n    \"micro\": {" : "    ],\n    \"micro\": {", o);
    json_counts(o, lv->micro, lv->micro_m);
    fprintf(o, "},\n    \"macro\": {\"topics\": %zu, ", lv->macro_topics);
    json_num(o, "precision", lv->macro_m.has_p, lv->macro_m.p);
    fputs(", ", o);
    json_num(o, "recall", lv->macro_m.has_r, lv->macro_m.r);
    fputs(", ", o);
    json_num(o, "f1", lv->macro_m.has_f, lv->macro_m.f);
    fputs("}\n  },\n", o);
}

static void csv_level(FILE *o, const evaluation *ev, const level *lv)
{
    size_t t;
    for (t = 0; t <= ev->ntopics; t++) {
        counts c = t < ev->ntopics ? lv->c[t] : lv->micro;
        prf m = t < ev->ntopics ? eval_score(c) : lv->micro_m;
        if (t < ev->ntopics && !eval_topic_on(ev, t))
            continue;
        fprintf(o, "%s,%s,%zu,%zu,%zu,%zu,%zu", lv->name,
                t < ev->ntopics ? tt_ruleset_topic(ev->rs, t)->id : "(micro)", c.tp + c.fn,
                c.tp + c.fp, c.tp, c.fp, c.fn);
        csv_num(o, m.has_p, m.p);
        csv_num(o, m.has_r, m.r);
        csv_num(o, m.has_f, m.f);
        putc('\n', o);
    }
    fprintf(o, "%s,(macro),,,,,", lv->name);
    csv_num(o, lv->macro_m.has_p, lv->macro_m.p);
    csv_num(o, lv->macro_m.has_r, lv->macro_m.r);
    csv_num(o, lv->macro_m.has_f, lv->macro_m.f);
    putc('\n', o);
}

/* The patterns that contributed to tagged sentences, most false positives first. */
static const evaluation *sort_ev;
static int pat_cmp(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    const evaluation *ev = sort_ev;
    if (ev->pat_fp[x] != ev->pat_fp[y])
        return ev->pat_fp[x] > ev->pat_fp[y] ? -1 : 1;
    if (ev->pat_tagged[x] != ev->pat_tagged[y])
        return ev->pat_tagged[x] > ev->pat_tagged[y] ? -1 : 1;
    return x < y ? -1 : x > y;
}

static void text_miss(FILE *o, const evaluation *ev, const miss *m)
{
    size_t k;
    fprintf(o, "%s %s", m->fp ? "FP" : "FN", m->document);
    if (m->id)
        fprintf(o, " (id %s)", m->id);
    if (m->sentence >= 0)
        fprintf(o, " [%ld]", m->sentence);
    else
        fputs(" (article)", o);
    fprintf(o, " %s", tt_ruleset_topic(ev->rs, m->topic)->id);
    if (m->fp && m->from >= 0)
        fprintf(o, " through context from [%ld]", m->from);
    if (m->fp && m->npatterns) {
        fputs(m->from >= 0 ? ", patterns: " : " (patterns: ", o);
        for (k = 0; k < m->npatterns; k++)
            fprintf(o, "%s%s", k ? ", " : "", tt_ruleset_pattern(ev->rs, m->patterns[k])->id);
        if (m->from < 0)
            putc(')', o);
    }
    putc('\n', o);
    if (m->text) {
        fputs("    ", o);
        cli_oneline(o, m->text, strlen(m->text));
        putc('\n', o);
    }
}

/* The role table and the disagreements, for articles with gold roles. */
static void text_roles(FILE *o, const evaluation *ev)
{
    size_t g, p, i, agree = 0, total = 0;
    fprintf(o, "\nArticle roles (%zu article%s with gold roles): gold by row, predicted by column\n",
            ev->rdocs, cli_plural(ev->rdocs));
    fprintf(o, "%-10s", "");
    for (p = 0; p < 4; p++)
        fprintf(o, " %9s", tt_role_name((tt_role)p));
    putc('\n', o);
    for (g = 0; g < 4; g++) {
        fprintf(o, "%-10s", tt_role_name((tt_role)g));
        for (p = 0; p < 4; p++) {
            if (g == 0 && p == 0)
                fprintf(o, " %9s", "-");
            else
                fprintf(o, " %9zu", ev->roles[g][p]);
            total += ev->roles[g][p];
            agree += g == p ? ev->roles[g][p] : 0;
        }
        putc('\n', o);
    }
    fprintf(o, "%zu of %zu role%s agree%s\n", agree, total, cli_plural(total),
            agree == 1 ? "s" : "");
    if (ev->nrmiss < ev->rmisses)
        fprintf(o, "(the first %zu of %zu disagreement%s: --errors N for more)\n", ev->nrmiss,
                ev->rmisses, cli_plural(ev->rmisses));
    for (i = 0; i < ev->nrmiss; i++) {
        const role_miss *m = &ev->rmiss[i];
        fprintf(o, "ROLE %s", m->document);
        if (m->id)
            fprintf(o, " (id %s)", m->id);
        fprintf(o, " %s: gold %s, predicted %s\n", tt_ruleset_topic(ev->rs, m->topic)->id,
                tt_role_name((tt_role)m->gold), tt_role_name((tt_role)m->predicted));
    }
}

static int report_text(FILE *o, const evaluation *ev, const level *sl, const level *al,
                       const level *bl)
{
    size_t t, i, w = 26, pw = 7, tw = 5, shown = 0, unused = 0, *order;
    size_t total = ev->sfp + ev->sfn + ev->afp + ev->afn;
    for (t = 0; t < ev->ntopics; t++)
        if (strlen(tt_ruleset_topic(ev->rs, t)->id) > w)
            w = strlen(tt_ruleset_topic(ev->rs, t)->id);
    fprintf(o, "%zu document%s evaluated against %s (%zu labelled by sentence, %zu sentence%s)",
            ev->docs, cli_plural(ev->docs), ev->g->path, ev->sdocs, ev->sentences,
            cli_plural(ev->sentences));
    if (ev->without_gold || ev->failed)
        fprintf(o, "; %zu without gold, %zu failed", ev->without_gold, ev->failed);
    for (i = 0; i < ev->only.n; i++)
        fprintf(o, "%s%s", i ? ", " : "\nOnly the topics ",
                tt_ruleset_topic(ev->rs, ev->only.ids[i])->id);
    fputs(ev->only.n ? " (--topic), classified with the whole ruleset\n\n" : "\n\n", o);
    text_level(o, ev, sl, (int)w, "Sentence level");
    putc('\n', o);
    text_level(o, ev, al, (int)w, "Article level: carries the topic");
    if (ev->rdocs) {
        putc('\n', o);
        text_level(o, ev, bl, (int)w, "Article level: about the topic (primary or secondary)");
        text_roles(o, ev);
    }
    fprintf(o, "\nErrors over sentences: %zu false positive%s, %zu false negative%s\n", ev->sfp,
            cli_plural(ev->sfp), ev->sfn, cli_plural(ev->sfn));
    if (ev->afp + ev->afn)
        fprintf(o, "Errors over articles labelled by article only: %zu false positive%s, %zu "
                   "false negative%s\n",
                ev->afp, cli_plural(ev->afp), ev->afn, cli_plural(ev->afn));
    if (ev->nmisses < total)
        fprintf(o, "(the first %zu of %zu: --errors N for more)\n", ev->nmisses, total);
    for (i = 0; i < ev->nmisses; i++)
        text_miss(o, ev, &ev->misses[i]);
    if (!(order = malloc((ev->npatterns + 1) * sizeof *order)))
        return -1;
    for (i = 0; i < ev->npatterns; i++) {
        const tt_pattern_info *pi = tt_ruleset_pattern(ev->rs, i);
        if (pi->exclude || !eval_topic_on(ev, pi->topic))
            continue;
        if (!ev->pat_tagged[i]) {
            unused++;
            continue;
        }
        order[shown++] = i;
        if (strlen(pi->id) > pw)
            pw = strlen(pi->id);
    }
    sort_ev = ev;
    if (shown)
        qsort(order, shown, sizeof *order, pat_cmp);
    fprintf(o, "\nPatterns: the tagged sentences each matched in, and the false positives among "
               "them (%zu other pattern%s matched in none)\n",
            unused, cli_plural(unused));
    for (t = 0; t < ev->ntopics; t++)
        if (strlen(tt_ruleset_topic(ev->rs, t)->id) > tw)
            tw = strlen(tt_ruleset_topic(ev->rs, t)->id);
    if (shown)
        fprintf(o, "%-*s %-*s %6s %6s\n", (int)tw, "topic", (int)pw, "pattern", "tagged", "fp");
    for (i = 0; i < shown; i++) {
        const tt_pattern_info *pi = tt_ruleset_pattern(ev->rs, order[i]);
        fprintf(o, "%-*s %-*s %6zu %6zu\n", (int)tw, tt_ruleset_topic(ev->rs, pi->topic)->id,
                (int)pw, pi->id, ev->pat_tagged[order[i]], ev->pat_fp[order[i]]);
    }
    free(order);
    return 0;
}

static void json_roles(FILE *o, const evaluation *ev)
{
    size_t g, p, i;
    fprintf(o, "  \"roles\": {\"articles\": %zu, \"matrix\": [", ev->rdocs);
    for (g = 0; g < 4; g++) {
        fprintf(o, "%s[", g ? ", " : "");
        for (p = 0; p < 4; p++)
            fprintf(o, "%s%zu", p ? ", " : "", ev->roles[g][p]);
        putc(']', o);
    }
    fprintf(o, "], \"order\": [\"none\", \"mentioned\", \"secondary\", \"primary\"], "
               "\"disagreements\": %zu, \"list\": [",
            ev->rmisses);
    for (i = 0; i < ev->nrmiss; i++) {
        const role_miss *m = &ev->rmiss[i];
        fputs(i ? ",\n    {" : "\n    {", o);
        tt_json_name(o, "document", m->document);
        fputs(", \"id\": ", o);
        if (m->id)
            cli_json(o, m->id, strlen(m->id));
        else
            fputs("null", o);
        fputs(", \"topic\": ", o);
        cli_json(o, tt_ruleset_topic(ev->rs, m->topic)->id,
                 strlen(tt_ruleset_topic(ev->rs, m->topic)->id));
        fprintf(o, ", \"gold\": \"%s\", \"predicted\": \"%s\"}", tt_role_name((tt_role)m->gold),
                tt_role_name((tt_role)m->predicted));
    }
    fputs(ev->nrmiss ? "\n  ]},\n" : "]},\n", o);
}

/* The documents counted: one line "  NAME": {COUNT_KEY: evaluated, ...},. */
static void json_coverage(FILE *o, const evaluation *ev, const char *name, const char *count_key)
{
    fprintf(o,
            "  \"%s\": {\"%s\": %zu, \"by_sentence\": %zu, \"sentences\": %zu, "
            "\"without_gold\": %zu, \"failed\": %zu},\n",
            name, count_key, ev->docs, ev->sdocs, ev->sentences, ev->without_gold, ev->failed);
}

static void report_json(FILE *o, const evaluation *ev, const level *sl, const level *al,
                        const level *bl)
{
    size_t i, k, first = 1;
    fprintf(o, "{\n  \"schema\": %d,\n  \"gold\": ", TT_JSON_SCHEMA);
    cli_json(o, ev->g->path, strlen(ev->g->path));
    /* "coverage", as the JUnit report calls it: "documents" is a list in every other output;
     * the schema-1 object of that name stays until schema 2 (docs/schema/README.md) */
    fputs(",\n", o);
    json_coverage(o, ev, "coverage", "document_count");
    json_coverage(o, ev, "documents", "evaluated");
    if (ev->only.n) {   /* --topic: the topics below are these only */
        fputs("  \"selected_topics\": [", o);
        for (i = 0; i < ev->only.n; i++) {
            const char *id = tt_ruleset_topic(ev->rs, ev->only.ids[i])->id;
            fputs(i ? ", " : "", o);
            cli_json(o, id, strlen(id));
        }
        fputs("],\n", o);
    }
    json_level(o, ev, sl);
    json_level(o, ev, al);
    if (ev->rdocs) {
        json_level(o, ev, bl);
        json_roles(o, ev);
    }
    fprintf(o,
            "  \"errors\": {\"false_positives\": %zu, \"false_negatives\": %zu, "
            "\"article_false_positives\": %zu, \"article_false_negatives\": %zu, \"list\": [",
            ev->sfp, ev->sfn, ev->afp, ev->afn);
    for (i = 0; i < ev->nmisses; i++) {
        const miss *m = &ev->misses[i];
        fprintf(o, "%s\n    {\"type\": \"%s\", \"level\": \"%s\", ", i ? "," : "",
                m->fp ? "fp" : "fn", m->sentence >= 0 ? "sentence" : "article");
        tt_json_name(o, "document", m->document);   /* document_bytes when not UTF-8 */
        fputs(", \"id\": ", o);
        if (m->id)
            cli_json(o, m->id, strlen(m->id));
        else
            fputs("null", o);
        fputs(", \"topic\": ", o);
        cli_json(o, tt_ruleset_topic(ev->rs, m->topic)->id, strlen(tt_ruleset_topic(ev->rs, m->topic)->id));
        if (m->sentence >= 0) {
            fprintf(o, ", \"sentence\": %ld, \"start\": %zu, \"end\": %zu, \"text\": ",
                    m->sentence, m->start, m->end);
            cli_json(o, m->text, strlen(m->text));
        }
        if (m->fp && m->sentence >= 0) {
            fputs(", \"from\": ", o);
            if (m->from >= 0)
                fprintf(o, "%ld", m->from);
            else
                fputs("null", o);
            fputs(", \"patterns\": [", o);
            for (k = 0; k < m->npatterns; k++) {
                if (k)
                    fputs(", ", o);
                cli_json(o, tt_ruleset_pattern(ev->rs, m->patterns[k])->id, strlen(tt_ruleset_pattern(ev->rs, m->patterns[k])->id));
            }
            fputs("]", o);
        }
        fputs("}", o);
    }
    fputs(ev->nmisses ? "\n  ]},\n  \"patterns\": [" : "]},\n  \"patterns\": [", o);
    for (i = 0; i < ev->npatterns; i++) {
        const tt_pattern_info *pi = tt_ruleset_pattern(ev->rs, i);
        if (pi->exclude || !eval_topic_on(ev, pi->topic))
            continue;
        fprintf(o, "%s\n    {\"topic\": ", first ? "" : ",");
        first = 0;
        cli_json(o, tt_ruleset_topic(ev->rs, pi->topic)->id, strlen(tt_ruleset_topic(ev->rs, pi->topic)->id));
        fputs(", \"pattern\": ", o);
        cli_json(o, pi->id, strlen(pi->id));
        /* "tagged_sentences" as in the classify summary; "tagged", its schema-1 name (a
         * boolean in explain), stays until schema 2 */
        fprintf(o, ", \"tagged_sentences\": %zu, \"tagged\": %zu, \"false_positives\": %zu}",
                ev->pat_tagged[i], ev->pat_tagged[i], ev->pat_fp[i]);
    }
    fputs(first ? "]\n}\n" : "\n  ]\n}\n", o);
}

/* ---- The command -------------------------------------------------------------------------- */

static int run(const cli_command *cmd, int argc, char **argv)
{
    settings s;
    tt_ruleset *rs = NULL;
    gold g;
    baseline b;
    evaluation ev;
    level sl, al, bl;
    char **paths = NULL;
    int npaths = 0, rc, code, covered, walk;
    size_t uncovered;
    eval_gates gates;
    size_t i;
    tt_limits lim;
    tt_input_options in;
    memset(&s, 0, sizeof s);
    memset(&g, 0, sizeof g);
    memset(&b, 0, sizeof b);
    memset(&ev, 0, sizeof ev);
    memset(&gates, 0, sizeof gates);
    s.errors = -1;
    s.min_f1 = -1;
    s.tolerance = 0.02;
    rc = cli_parse(cmd, argc, argv, on_option, &s);
    if (rc >= 0)
        goto done;
    if (!s.gold) {
        rc = cli_usage_error("--gold FILE is required", NULL);
        goto done;
    }
    if (s.tolerance_set && !s.baseline) {
        rc = cli_usage_error("--tolerance needs --baseline", NULL);
        goto done;
    }
    if (!(rs = cli_load_rules(&s.rules, 0, &code, NULL))) {
        rc = code;
        goto done;
    }
    if ((rc = gold_load(&g, s.gold, rs)) != 0)
        goto done;
    if ((rc = cli_topics_parse(rs, s.topic, 0, &ev.only)) != EXIT_OK)
        goto done;
    if (s.baseline && (rc = baseline_load(&b, s.baseline, rs)) != 0)
        goto done;
    if (optind == argc && (rc = gold_corpus(&g, &paths, &npaths)) != 0)
        goto done;
    ev.rs = rs;
    ev.g = &g;
    ev.ntopics = tt_ruleset_topic_count(rs);
    ev.npatterns = tt_ruleset_pattern_count(rs);
    if (s.format == FMT_CSV)
        ev.limit = 0;   /* CSV is the table only */
    else if (s.errors >= 0)
        ev.limit = (size_t)s.errors;
    else
        ev.limit = s.format == FMT_TEXT ? 10 : SIZE_MAX;   /* html: all, like json */
    cli_limits(&lim);
    ev.sent = calloc(ev.ntopics + 1, sizeof *ev.sent);
    ev.art = calloc(ev.ntopics + 1, sizeof *ev.art);
    ev.about = calloc(ev.ntopics + 1, sizeof *ev.about);
    ev.pat_tagged = calloc(ev.npatterns + 1, sizeof *ev.pat_tagged);
    ev.pat_fp = calloc(ev.npatterns + 1, sizeof *ev.pat_fp);
    ev.sc = tt_scanner_new(rs, &lim);
    if (!ev.sent || !ev.art || !ev.about || !ev.pat_tagged || !ev.pat_fp || !ev.sc) {
        fputs("topictag: out of memory\n", stderr);
        rc = EXIT_SYSTEM;
        goto done;
    }
    memset(&in, 0, sizeof in);
    ev.progress = cli_progress_new(s.progress, "eval", paths ? paths : argv + optind,
                                   paths ? npaths : argc - optind, NULL);
    walk = tt_input_each(&in, paths ? paths : argv + optind, paths ? npaths : argc - optind,
                         each_doc, &ev);
    cli_progress_end(ev.progress);
    if (walk != 0 || ev.fatal) {
        if (!ev.fatal)
            fputs("topictag: out of memory\n", stderr);
        rc = EXIT_SYSTEM;
        goto done;
    }
    sl.name = "sentence";
    sl.c = ev.sent;
    al.name = "article";
    al.c = ev.art;
    bl.name = "about";
    bl.c = ev.about;
    summarize(&sl, &ev);
    summarize(&al, &ev);
    summarize(&bl, &ev);
    if (s.format == FMT_JSON) {
        report_json(stdout, &ev, &sl, &al, &bl);
    } else if (s.format == FMT_HTML) {
        if (eval_report_html(stdout, &ev, &sl, &al, &bl, &s.rules))
            fputs("topictag: out of memory\n", stderr);
    } else if (s.format == FMT_CSV) {
        fputs("level,topic,gold,predicted,tp,fp,fn,precision,recall,f1\n", stdout);
        csv_level(stdout, &ev, &sl);
        csv_level(stdout, &ev, &al);
        if (ev.rdocs)
            csv_level(stdout, &ev, &bl);
    } else if (report_text(stdout, &ev, &sl, &al, &bl)) {
        fputs("topictag: out of memory\n", stderr);
        rc = EXIT_SYSTEM;
        goto done;
    }
    covered = gate_coverage(&gates, &ev, s.min_f1 >= 0 || s.baseline);
    uncovered = gates.failed;   /* the quality gates' failures are counted after these */
    if (s.min_f1 >= 0)
        gate_min_f1(&gates, &ev, s.min_f1);
    if (s.baseline)
        gate_baseline(&gates, &ev, &b, s.tolerance);
    if (gates.nomem) {
        fputs("topictag: out of memory\n", stderr);
        rc = EXIT_SYSTEM;
        goto done;
    }
    rc = cli_exit_worst(ev.failed ? EXIT_INPUT : EXIT_OK, covered);
    rc = cli_exit_worst(rc, gates.failed > uncovered ? EXIT_GATE : EXIT_OK);
    if (s.junit)
        rc = cli_exit_worst(rc, eval_junit(&gates, s.junit));
done:
    for (i = 0; i < ev.nmisses; i++)
        miss_release(&ev.misses[i]);
    free(ev.misses);
    free(ev.sent);
    free(ev.art);
    free(ev.about);
    for (i = 0; i < ev.nrmiss; i++) {
        free(ev.rmiss[i].document);
        free(ev.rmiss[i].id);
    }
    free(ev.rmiss);
    free(ev.pat_tagged);
    free(ev.pat_fp);
    free(ev.nogold);
    cli_topics_release(&ev.only);
    eval_gates_release(&gates);
    free(ev.gm);
    free(ev.pm);
    tt_scanner_free(ev.sc);
    free(paths);
    baseline_release(&b);
    gold_release(&g);
    tt_ruleset_free(rs);
    cli_rules_release(&s.rules);
    return rc;
}

const cli_command cli_eval = {
    "eval",
    "topictag eval [-r RULES]... --gold FILE [-f FORMAT] [--min-f1 X] [--baseline FILE] "
    "[--junit FILE] [--topic ID[,ID...]] [CORPUS...]",
    "Classify the corpus (files, folders of *.txt, *.jsonl; default: the documents the gold\n"
    "file names) and compare with the gold labels (JSON Lines, docs/eval.md): precision,\n"
    "recall and F1 per topic over sentences and over articles, micro and macro averages, the\n"
    "false positives and negatives, and how many tagged sentences each pattern matched in.\n"
    "Exit status 5 when a gate fails (--min-f1, --baseline); 7 when no document was\n"
    "evaluated, or, with a gate, a gold record matched no document (documents match by id,\n"
    "by path as given and by real path); 4 when a document could not be read or classified\n"
    "or the gold or baseline file is wrong.",
    eval_options, sizeof eval_options / sizeof *eval_options, run};
