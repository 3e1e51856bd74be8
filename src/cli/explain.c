/* explain.c - `topictag explain`: why each sentence was, or was not, tagged. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "blocking.h"
#include "cli.h"
#include "input.h"
#include "select.h"

enum { O_TOPIC = 256, O_TEXT, O_COLOR, O_SENTENCE, O_ID, O_SPAN };

static const cli_option explain_options[] = {
    CLI_OPT_RULES,
    {O_TOPIC, "topic", 1, "ID", "explain this topic only, including why it was not tagged"},
    {O_TEXT, "text", 1, "TEXT", "explain TEXT instead of reading PATH"},
    {'f', "format", 1, "FORMAT", "text (default) or json"},
    {O_COLOR, "color", 1, "WHEN",
     "never, always or auto (default: when stdout is a terminal and NO_COLOR is not set)"},
    {O_SENTENCE, "sentence", 1, "N", "explain only sentence N (0-based, as eval prints [N])"},
    {O_ID, "id", 1, "ID", "JSON Lines: explain only the record with this id"},
    {O_SPAN, "span", 1, "S:E", "explain only the sentences overlapping bytes [S, E)"},
};

typedef struct settings {
    cli_rules rules;
    const char *topic;
    const char *text;
    int json;
    int color;
    long sentence;             /* --sentence, or -1 */
    const char *id;            /* --id, or NULL */
    long span[2];              /* --span, or -1 */
} settings;

/* --span S:E with S <= E */
static int parse_span(const char *arg, long span[2])
{
    const char *colon = strchr(arg, ':');
    char first[32];
    const char *msg = "--span needs START:END, byte offsets with START <= END";
    if (!colon || (size_t)(colon - arg) >= sizeof first)
        return cli_usage_error(msg, arg);
    snprintf(first, sizeof first, "%.*s", (int)(colon - arg), arg);
    if (cli_parse_count(first, 0, LONG_MAX, &span[0], msg) ||
        cli_parse_count(colon + 1, 0, LONG_MAX, &span[1], msg))
        return EXIT_USAGE;
    return span[0] <= span[1] ? EXIT_OK : cli_usage_error(msg, arg);
}

static int on_option(void *ctx, int val, const char *arg)
{
    settings *s = ctx;
    switch (val) {
    case 'r': return cli_rules_add(&s->rules, arg);
    case O_TOPIC: s->topic = arg; return 0;
    case O_TEXT: s->text = arg; return 0;
    case 'f':
        if (!strcmp(arg, "json"))
            s->json = 1;
        else if (strcmp(arg, "text") != 0)
            return cli_usage_error("unknown format (expected text, json)", arg);
        return 0;
    case O_COLOR:
        if (!strcmp(arg, "always"))
            s->color = 1;
        else if (!strcmp(arg, "never"))
            s->color = 0;
        else if (!strcmp(arg, "auto"))
            s->color = -1;
        else
            return cli_usage_error("--color must be never, always or auto", arg);
        return 0;
    case O_SENTENCE:
        return cli_parse_count(arg, 0, LONG_MAX, &s->sentence,
                               "--sentence needs a sentence index, 0 or more");
    case O_ID: s->id = arg; return 0;
    case O_SPAN: return parse_span(arg, s->span);
    }
    return EXIT_USAGE;
}

typedef struct out {
    FILE *o;
    int color;
    const tt_ruleset *rs;
    long sentence;             /* explain only this sentence (-1: all) */
    long span[2];              /* ... or those overlapping this span (-1: all) */
    size_t *shown;             /* sentences explained so far */
} out;

static const char *c_on(const out *o, const char *code) { return o->color ? code : ""; }
static const char *c_off(const out *o) { return o->color ? "\033[0m" : ""; }

/* Whether sentence i, [start, end), is one the user asked about. */
static int wanted(const out *o, size_t i, const tt_sentence *s)
{
    if (o->sentence >= 0)
        return (size_t)o->sentence == i;
    if (o->span[0] >= 0)   /* an empty span asks about the sentence that holds it */
        return (size_t)o->span[0] < s->end && (size_t)o->span[1] >= s->start &&
               ((size_t)o->span[1] > s->start || o->span[0] == o->span[1]);
    return 1;
}

/* "condition: ..." for people: a false condition leads with the clauses that block it. */
static void text_condition(const out *o, const char *label, const char *buf)
{
    size_t spans[8][2], n = cli_blocking(buf, spans, 8), k;
    FILE *f = o->o;
    if (!n || (n == 1 && spans[0][0] == 0 && buf[spans[0][1]] == ' ')) {   /* all of it */
        fprintf(f, "    %s: %s\n", label, buf);
        return;
    }
    fprintf(f, "    %s: false, blocked by ", label);
    for (k = 0; k < n; k++)
        fprintf(f, "%s%s%.*s%s", k ? ", " : "", c_on(o, "\033[1;31m"),
                (int)(spans[k][1] - spans[k][0]), buf + spans[k][0], c_off(o));
    fprintf(f, "\n      in %s\n", buf);
}


/* The reasons a topic was not tagged on a sentence, in the order they were decided. */
static int why_not(const tt_trace *t, const tt_topic_info *ti, char reasons[4][160])
{
    int n = 0;
    if (t->match_count == 0) {
        snprintf(reasons[n++], 160, "no pattern of the topic matched");
        return n;
    }
    if (t->vetoed)
        snprintf(reasons[n++], 160, "vetoed by an exclusion");
    if (!t->condition)
        snprintf(reasons[n++], 160, "condition false");
    if (t->score < t->threshold)
        snprintf(reasons[n++], 160, "score %g < threshold %g", t->score, t->threshold);
    if (ti->has_context && !t->vetoed && n < 4) {
        if (t->context_source == 0)
            snprintf(reasons[n++], 160,
                     "no context: no sentence within %u before it in its paragraph carries the "
                     "topic directly",
                     ti->context_window);
        else if (!t->when)
            snprintf(reasons[n++], 160, "no context: context.when false");
    }
    return n;
}

static void text_trace(const out *o, const tt_result *r, const tt_trace *t)
{
    const tt_ruleset *rs = o->rs;
    const tt_topic_info *ti = tt_ruleset_topic(rs, t->topic);
    size_t nm, i;
    const tt_match *m = tt_result_trace_matches(r, &nm) + t->match_first;
    const char *text = tt_result_text(r);
    char buf[2048], reasons[4][160];
    int nr, k;
    FILE *f = o->o;
    if (t->tagged) {
        fprintf(f, "  %s%s: tagged%s", c_on(o, "\033[1;32m"), ti->id, c_off(o));
        if (t->via == TT_VIA_ARTICLE)
            fprintf(f, " as a topic of the article (from [%zu])", t->from);
        else if (t->via_context && t->context_link >= 0 && (size_t)t->context_link != t->from)
            fprintf(f, " through context from [%zu] via [%ld]", t->from, t->context_link);
        else if (t->via_context)
            fprintf(f, " through context from [%zu]", t->from);
        fprintf(f, " (score %g, threshold %g)\n", t->score, t->threshold);
    } else {
        fprintf(f, "  %s%s: not tagged%s", c_on(o, "\033[1;31m"), ti->id, c_off(o));
        nr = why_not(t, ti, reasons);
        for (k = 0; k < nr; k++)
            fprintf(f, "%s%s", k ? "; " : ": ", reasons[k]);
        putc('\n', f);
    }
    for (i = 0; i < t->match_count; i++) {
        const tt_pattern_info *pi = tt_ruleset_pattern(rs, m[i].pattern);
        fprintf(f, "    %s %s%s%s [%zu,%zu) \"", pi->exclude ? "exclusion" : "pattern  ",
                c_on(o, "\033[1m"), pi->id, c_off(o), m[i].start, m[i].end);
        cli_oneline(f, text + m[i].start, m[i].end - m[i].start);
        fprintf(f, "\" weight %g\n", pi->weight);
    }
    if (t->match_count) {
        tt_ruleset_render_condition(rs, t->topic, 0, m, t->match_count, buf, sizeof buf);
        text_condition(o, "condition", buf);
        fprintf(f, "    score: %g %s threshold %g\n", t->score,
                t->score >= t->threshold ? ">=" : "<", t->threshold);
        if (ti->has_context) {
            tt_ruleset_render_condition(rs, t->topic, 1, m, t->match_count, buf, sizeof buf);
            text_condition(o, "context.when", buf);
            if (t->context_source == 1 && t->context_link != t->context_from)
                fprintf(f, "    context: [%ld] continues [%ld], which carries the topic directly, "
                           "within the window of %u\n",
                        t->context_link, t->context_from, ti->context_window);
            else if (t->context_source == 1)
                fprintf(f, "    context: [%ld] carries the topic directly, within the window of %u\n",
                        t->context_from, ti->context_window);
            if (ti->has_article) {
                tt_ruleset_render_condition(rs, t->topic, 2, m, t->match_count, buf, sizeof buf);
                fprintf(f, "    context.article.when: %s\n", buf);
                if (t->article_from >= 0)
                    fprintf(f, "    article: a topic of the article since [%ld] (headline or lead)\n",
                            t->article_from);
            }
            if (t->breaks) {
                tt_ruleset_render_condition(rs, t->topic, 3, m, t->match_count, buf, sizeof buf);
                fprintf(f, "    context.breaks: %s: inheritance ends here\n", buf);
            }
            if (t->stop)
                fprintf(f, "    drift: inheritance stopped at [%ld] (%s)\n", t->stop_at,
                        tt_stop_name((tt_stop)t->stop));
        }
    }
}

static void json_trace(const out *o, const tt_result *r, const tt_trace *t)
{
    const tt_ruleset *rs = o->rs;
    const tt_topic_info *ti = tt_ruleset_topic(rs, t->topic);
    size_t nm, i;
    const tt_match *m = tt_result_trace_matches(r, &nm) + t->match_first;
    const char *text = tt_result_text(r);
    char buf[2048], reasons[4][160];
    int nr, k, v;
    FILE *f = o->o;
    fputs("{\"id\": ", f);
    cli_json(f, ti->id, strlen(ti->id));
    fprintf(f, ", \"tagged\": %s", t->tagged ? "true" : "false");
    if (t->via_context)
        fprintf(f, ", \"via\": \"%s\", \"from\": %zu",
                t->via == TT_VIA_ARTICLE ? "article" : "context", t->from);
    if (t->via == TT_VIA_CONTEXT && t->context_link >= 0)
        fprintf(f, ", \"link\": %ld", t->context_link);
    fprintf(f, ", \"score\": %g, \"threshold\": %g, \"vetoed\": %s", t->score, t->threshold,
            t->vetoed ? "true" : "false");
    v = tt_ruleset_render_condition(rs, t->topic, 0, m, t->match_count, buf, sizeof buf);
    fprintf(f, ", \"condition\": {\"value\": %s, \"clauses\": ", v == 1 ? "true" : "false");
    cli_json(f, buf, strlen(buf));
    {
        size_t spans[8][2], n = cli_blocking(buf, spans, 8), j;
        fputs(", \"blocking\": [", f);
        for (j = 0; j < n; j++) {
            if (j)
                fputs(", ", f);
            cli_json(f, buf + spans[j][0], spans[j][1] - spans[j][0]);
        }
        fputs("]", f);
    }
    fputs("}", f);
    if (ti->has_context) {
        v = tt_ruleset_render_condition(rs, t->topic, 1, m, t->match_count, buf, sizeof buf);
        fprintf(f, ", \"context\": {\"window\": %u, \"source\": ", ti->context_window);
        if (t->context_from >= 0)
            fprintf(f, "%ld", t->context_from);
        else
            fputs("null", f);
        fprintf(f, ", \"when\": {\"value\": %s, \"clauses\": ", v == 1 ? "true" : "false");
        cli_json(f, buf, strlen(buf));
        fputs("}", f);
        if (ti->has_article) {
            v = tt_ruleset_render_condition(rs, t->topic, 2, m, t->match_count, buf, sizeof buf);
            fputs(", \"article\": {\"from\": ", f);
            if (t->article_from >= 0)
                fprintf(f, "%ld", t->article_from);
            else
                fputs("null", f);
            fprintf(f, ", \"when\": {\"value\": %s, \"clauses\": ", v == 1 ? "true" : "false");
            cli_json(f, buf, strlen(buf));
            fputs("}}", f);
        }
        fprintf(f, ", \"breaks\": %s, \"stop\": ", t->breaks ? "true" : "false");
        if (t->stop)
            fprintf(f, "{\"at\": %ld, \"why\": \"%s\"}", t->stop_at,
                    tt_stop_name((tt_stop)t->stop));
        else
            fputs("null", f);
        fputs("}", f);
    }
    fputs(", \"matches\": [", f);
    for (i = 0; i < t->match_count; i++) {
        const tt_pattern_info *pi = tt_ruleset_pattern(rs, m[i].pattern);
        fputs(i ? ", {\"pattern\": " : "{\"pattern\": ", f);
        cli_json(f, pi->id, strlen(pi->id));
        fprintf(f, ", \"exclusion\": %s, \"weight\": %g, \"start\": %zu, \"end\": %zu, \"text\": ",
                pi->exclude ? "true" : "false", pi->weight, m[i].start, m[i].end);
        cli_json(f, text + m[i].start, m[i].end - m[i].start);
        fputs("}", f);
    }
    fputs("], \"why_not\": [", f);
    nr = t->tagged ? 0 : why_not(t, ti, reasons);
    for (k = 0; k < nr; k++) {
        if (k)
            fputs(", ", f);
        cli_json(f, reasons[k], strlen(reasons[k]));
    }
    fputs("]}", f);
}

static int explain_doc(const out *o, tt_scanner *sc, const char *name, const char *id,
                       const char *text, size_t len, long topic, int json, int first)
{
    tt_error err;
    const tt_result *r = tt_classify(sc, text, len, &err);
    const tt_sentence *s;
    const tt_trace *tr;
    size_t ns, nt, ne, i, k;
    FILE *f = o->o;
    int failed = 0;
    size_t shown_before = 0;   /* JSON: sentences written for this document */
    if (!r) {
        fprintf(stderr, "topictag: %s: %s\n", name, err.message);
        return -1;
    }
    {
        const tt_doc_error *e = tt_result_errors(r, &ne);
        for (i = 0; i < ne; i++) {
            fprintf(stderr, "topictag: %s: %s\n", name, e[i].message);
            failed = 1;
        }
    }
    s = tt_result_sentences(r, &ns);
    tr = tt_result_traces(r, &nt);
    if (json) {
        fputs(first ? "{" : ",\n{", f);
        tt_json_name(f, "document", name);   /* document_bytes when not UTF-8, as classify */
        if (id) {   /* the JSON Lines record's id, as classify and diff carry it */
            fputs(", \"id\": ", f);
            cli_json(f, id, strlen(id));
        }
        fputs(", \"sentences\": [", f);
    } else if (id) {
        fprintf(f, "== %s [%s]: %zu sentence%s\n", name, id, ns, cli_plural(ns));
    } else {
        fprintf(f, "== %s: %zu sentence%s\n", name, ns, cli_plural(ns));
    }
    for (i = 0, k = 0; i < ns; i++) {
        size_t a = k, b, j;
        int any = 0;
        while (k < nt && tr[k].sentence == i)
            k++;
        b = k;
        if (!wanted(o, i, &s[i]))
            continue;
        (*o->shown)++;
        for (j = a; j < b; j++)
            if ((topic < 0 && tr[j].match_count) || (long)tr[j].topic == topic)
                any = 1;
        if (json) {
            fprintf(f, "%s{\"index\": %zu, \"start\": %zu, \"end\": %zu, \"text\": ",
                    shown_before++ ? ", " : "", i, s[i].start, s[i].end);
            cli_json(f, text + s[i].start, s[i].end - s[i].start);
            fputs(", \"topics\": [", f);
            any = 0;
            for (j = a; j < b; j++) {
                if ((topic < 0 && !tr[j].match_count) || (topic >= 0 && (long)tr[j].topic != topic))
                    continue;
                if (any++)
                    fputs(", ", f);
                json_trace(o, r, &tr[j]);
            }
            fputs("]}", f);
            continue;
        }
        fprintf(f, "[%zu] %s", i, c_on(o, "\033[2m"));
        cli_oneline(f, text + s[i].start, s[i].end - s[i].start);
        fprintf(f, "%s\n", c_off(o));
        if (!any) {
            fputs("  (no pattern of any topic matched)\n", f);
            continue;
        }
        for (j = a; j < b; j++) {
            if ((topic < 0 && !tr[j].match_count) || (topic >= 0 && (long)tr[j].topic != topic))
                continue;
            text_trace(o, r, &tr[j]);
        }
    }
    if (json)
        fputs("]}", f);
    else
        putc('\n', f);
    return failed;
}

typedef struct walk_ctx {
    const out *o;
    tt_scanner *sc;
    long topic;
    int json;
    int docs;
    const char *id;            /* --id */
    int matched_id;
    int failed;
    int fatal;
} walk_ctx;

static int each_doc(void *vctx, const char *name, const char *id, const char *text, size_t len,
                    const tt_error *derr)
{
    walk_ctx *c = vctx;
    int rc;
    if (c->id && (!id || strcmp(id, c->id) != 0))
        return 0;   /* --id: another record */
    c->matched_id = 1;
    if (!text) {
        fprintf(stderr, "topictag: %s: %s\n", name, derr ? derr->message : "cannot read");
        c->failed = 1;
        return 0;
    }
    rc = explain_doc(c->o, c->sc, name, id, text, len, c->topic, c->json, c->docs++ == 0);
    if (rc < 0) {
        c->fatal = 1;
        return -1;
    }
    c->failed |= rc;
    return 0;
}

static int run(const cli_command *cmd, int argc, char **argv)
{
    settings s;
    tt_ruleset *rs = NULL;
    tt_scanner *sc = NULL;
    walk_ctx wc;
    tt_limits lim;
    out o;
    int rc, code;
    long topic = -1;
    size_t shown = 0;
    memset(&s, 0, sizeof s);
    s.color = -1;
    s.sentence = -1;
    s.span[0] = s.span[1] = -1;
    rc = cli_parse(cmd, argc, argv, on_option, &s);
    if (rc >= 0)
        goto done;
    if (s.sentence >= 0 && s.span[0] >= 0) {
        rc = cli_usage_error("give either --sentence or --span, not both", NULL);
        goto done;
    }
    if (s.text && optind < argc) {
        rc = cli_usage_error("give either --text or paths, not both", argv[optind]);
        goto done;
    }
    if (!(rs = cli_load_rules(&s.rules, 0, &code, NULL))) {
        rc = code;
        goto done;
    }
    if (s.topic && (topic = tt_ruleset_find_topic(rs, s.topic)) < 0) {
        rc = cli_unknown("no such topic in the rules", s.topic, cli_topic_id, rs,
                         tt_ruleset_topic_count(rs));
        goto done;
    }
    cli_limits(&lim);
    if (!(sc = tt_scanner_new(rs, &lim))) {
        fputs("topictag: out of memory\n", stderr);
        rc = EXIT_SYSTEM;
        goto done;
    }
    tt_scanner_set_explain(sc, 1);
    o.o = stdout;
    o.rs = rs;
    {
        /* https://no-color.org: NO_COLOR set and not empty turns off colour by default */
        const char *nc = getenv("NO_COLOR");
        o.color = !s.json && (s.color == 1 || (s.color < 0 && isatty(STDOUT_FILENO) &&
                                               !(nc && *nc)));
    }
    o.sentence = s.sentence;
    o.span[0] = s.span[0];
    o.span[1] = s.span[1];
    o.shown = &shown;
    memset(&wc, 0, sizeof wc);
    wc.o = &o;
    wc.sc = sc;
    wc.topic = topic;
    wc.json = s.json;
    wc.id = s.id;
    if (s.json)
        printf("{\"schema\": %d, \"documents\": [\n", TT_JSON_SCHEMA);
    if (s.text) {
        int r = explain_doc(&o, sc, "--text", NULL, s.text, strlen(s.text), topic, s.json, 1);
        wc.fatal = r < 0;
        wc.failed = r > 0;
    } else {
        tt_input_options in;
        memset(&in, 0, sizeof in);
        tt_input_each(&in, argv + optind, argc - optind, each_doc, &wc);
    }
    if (s.json)
        fputs("\n]}\n", stdout);
    rc = wc.fatal ? EXIT_SYSTEM : wc.failed ? EXIT_INPUT : EXIT_OK;
    if (rc == EXIT_OK && s.id && !wc.matched_id) {
        fprintf(stderr, "topictag: --id: no JSON Lines record has the id '%s'\n", s.id);
        rc = EXIT_NOMATCH;
    } else if (rc == EXIT_OK && !shown && (s.sentence >= 0 || s.span[0] >= 0)) {
        fputs(s.sentence >= 0 ? "topictag: --sentence: the article has no such sentence\n"
                              : "topictag: --span: no sentence overlaps the span\n",
              stderr);
        rc = EXIT_NOMATCH;
    }
done:
    tt_scanner_free(sc);
    tt_ruleset_free(rs);
    cli_rules_release(&s.rules);
    return rc;
}

const cli_command cli_explain = {
    "explain", "topictag explain [-r RULES]... [--topic ID] (--text TEXT | PATH...)",
    "For each sentence, show every pattern that matched (id, span, text), the condition with\n"
    "the value of each clause, the exclusions that vetoed, the context inherited and from\n"
    "which sentence, and the score against the threshold.  With --topic, also say why a\n"
    "sentence was not tagged with that topic; a false condition leads with the clauses that\n"
    "block it.  --sentence N, --span S:E and --id ID explain exactly the sentence eval\n"
    "printed as a false positive or negative.",
    explain_options, sizeof explain_options / sizeof *explain_options, run};
