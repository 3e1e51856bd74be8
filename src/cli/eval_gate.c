/* eval_gate.c - the gates of `topictag eval` (--min-f1, --baseline, the coverage of the corpus
 * by the gold) and their JUnit report: a gate must never pass because nothing was checked. */
#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "eval.h"

void eval_gates_release(eval_gates *gs)
{
    free(gs->c);
    memset(gs, 0, sizeof *gs);
}

/* Records one check; on out of memory sets gs->nomem (the check is still printed). */
#if defined(__GNUC__)
__attribute__((format(printf, 5, 6)))
#endif
static void add_check(eval_gates *gs, const char *group, const char *name, int status,
                      const char *fmt, ...)
{
    eval_check *c;
    va_list ap;
    if (status == EVAL_FAIL)
        gs->failed++;
    if (gs->n == gs->cap) {
        size_t nc = gs->cap ? gs->cap * 2 : 32;
        eval_check *np = realloc(gs->c, nc * sizeof *np);
        if (!np) {
            gs->nomem = 1;
            return;
        }
        gs->c = np;
        gs->cap = nc;
    }
    c = &gs->c[gs->n++];
    c->group = group;
    snprintf(c->name, sizeof c->name, "%s", name);
    c->status = status;
    va_start(ap, fmt);
    vsnprintf(c->message, sizeof c->message, fmt, ap);
    va_end(ap);
}

void gate_min_f1(eval_gates *gs, const evaluation *ev, double x)
{
    const counts *c = ev->sdocs ? ev->sent : ev->art;
    const char *lv = ev->sdocs ? "sentence" : "article";
    char name[64];
    size_t t;
    snprintf(name, sizeof name, "min-f1 %s", lv);
    for (t = 0; t < ev->ntopics; t++) {
        const char *id = tt_ruleset_topic(ev->rs, t)->id;
        prf m = eval_score(c[t]);
        if (!eval_topic_on(ev, t))
            continue;
        if (c[t].tp + c[t].fn == 0) {
            add_check(gs, id, name, EVAL_SKIP, "no gold %ss carry the topic", lv);
            continue;
        }
        if (m.f >= x - 1e-9) {
            add_check(gs, id, name, EVAL_PASS, "%s F1 %.3f >= %.3f", lv, m.f, x);
            continue;
        }
        fprintf(stderr, "topictag: min-f1: %s: %s F1 %.3f < %.3f\n", id, lv, m.f, x);
        add_check(gs, id, name, EVAL_FAIL, "%s F1 %.3f < %.3f", lv, m.f, x);
    }
}

/* Reads the F1 of every topic of one level of an `eval -f json` output into f1[]; has[] says
 * which topics have one.  0, or -1 with msg set. */
static int baseline_level(const tt_ruleset *rs, json_t *root, const char *name, double *f1,
                          unsigned char *has, char *msg, size_t size)
{
    json_t *lv = json_object_get(root, name), *topics = json_object_get(lv, "topics"), *v;
    size_t i;
    if (!json_is_array(topics)) {
        snprintf(msg, size, "no \"%s\": {\"topics\": [...]}", name);
        return -1;
    }
    json_array_foreach(topics, i, v) {
        /* "id"; a baseline written before it has only "topic", its schema-1 name */
        json_t *id = json_object_get(v, "id"), *f = json_object_get(v, "f1");
        long t;
        if (!id)
            id = json_object_get(v, "topic");
        if (!json_is_string(id) || !(json_is_number(f) || json_is_null(f))) {
            snprintf(msg, size, "%s topic %zu has no \"id\" and \"f1\"", name, i);
            return -1;
        }
        if ((t = tt_ruleset_find_topic(rs, json_string_value(id))) < 0) {
            fprintf(stderr, "topictag: baseline topic '%s' is not in the rules: not compared\n",
                    json_string_value(id));
            continue;
        }
        if (json_is_number(f)) {
            f1[t] = json_number_value(f);
            has[t] = 1;
        }
    }
    return 0;
}

int baseline_load(baseline *b, const char *path, const tt_ruleset *rs)
{
    size_t nt = tt_ruleset_topic_count(rs);
    json_error_t jerr;
    json_t *root = json_load_file(path, 0, &jerr);
    char msg[300];
    int k;
    if (!root) {
        fprintf(stderr, "topictag: cannot read baseline %s: %s\n", path, jerr.text);
        return EXIT_INPUT;
    }
    for (k = 0; k < 2; k++) {
        b->f1[k] = calloc(nt + 1, sizeof *b->f1[k]);
        b->has[k] = calloc(nt + 1, 1);
        if (!b->f1[k] || !b->has[k]) {
            json_decref(root);
            fputs("topictag: out of memory\n", stderr);
            return EXIT_SYSTEM;
        }
        if (baseline_level(rs, root, k ? "article" : "sentence", b->f1[k], b->has[k], msg,
                           sizeof msg)) {
            fprintf(stderr, "topictag: %s: not an `eval -f json` output: %s\n", path, msg);
            json_decref(root);
            return EXIT_INPUT;
        }
    }
    json_decref(root);
    return 0;
}

void baseline_release(baseline *b)
{
    int k;
    for (k = 0; k < 2; k++) {
        free(b->f1[k]);
        free(b->has[k]);
    }
}

void gate_baseline(eval_gates *gs, const evaluation *ev, const baseline *b, double tol)
{
    size_t t;
    int k;
    for (k = 0; k < 2; k++) {
        const counts *c = k ? ev->art : ev->sent;
        const char *lv = k ? "article" : "sentence";
        char name[64];
        snprintf(name, sizeof name, "baseline %s", lv);
        for (t = 0; t < ev->ntopics; t++) {
            const char *id = tt_ruleset_topic(ev->rs, t)->id;
            prf m = eval_score(c[t]);
            double drop;
            if (!eval_topic_on(ev, t))
                continue;
            if (!b->has[k][t] || !m.has_f) {
                add_check(gs, id, name, EVAL_SKIP, "no %s F1 %s", lv,
                          b->has[k][t] ? "now" : "in the baseline");
                continue;
            }
            drop = b->f1[k][t] - m.f;
            if (drop <= tol + 1e-9) {
                add_check(gs, id, name, EVAL_PASS, "%s F1 %.3f -> %.3f (tolerance %.3f)", lv,
                          b->f1[k][t], m.f, tol);
                continue;
            }
            fprintf(stderr,
                    "topictag: regression: %s: %s F1 %.3f -> %.3f (-%.3f, tolerance %.3f)\n",
                    id, lv, b->f1[k][t], m.f, drop, tol);
            add_check(gs, id, name, EVAL_FAIL, "%s F1 %.3f -> %.3f (-%.3f, tolerance %.3f)", lv,
                      b->f1[k][t], m.f, drop, tol);
        }
    }
}

/* How a gold record names its document, for messages. */
static void record_key(const gold_doc *d, const char **what, const char **key)
{
    *what = d->id ? "id" : "document";
    *key = d->id ? d->id : d->document;
}

int gate_coverage(eval_gates *gs, const evaluation *ev, int gating)
{
    const gold *g = ev->g;
    const gold_doc *first = NULL;
    const char *what, *key;
    size_t i, unmatched = 0;
    int rc = EXIT_OK;
    for (i = 0; i < g->n; i++) {
        if (g->docs[i].seen)
            continue;
        if (!first)
            first = &g->docs[i];
        unmatched++;
        record_key(&g->docs[i], &what, &key);
        fprintf(stderr, "%s:%zu: %s: no document of the corpus matches %s '%s'\n", g->path,
                g->docs[i].line, gating ? "error" : "warning", what, key);
    }
    if (ev->docs == 0) {
        fprintf(stderr, "topictag: error: no document was evaluated: the corpus gave %zu "
                        "document%s, %zu without a gold record, %zu that could not be read or "
                        "classified\n",
                ev->read, ev->read == 1 ? "" : "s", ev->without_gold, ev->failed);
        if (ev->nogold && first) {
            record_key(first, &what, &key);
            fprintf(stderr, "topictag: the corpus names documents like '%s', the gold %s like "
                            "'%s': documents match by id, by path as given and by real path\n",
                    ev->nogold, what, key);
        }
        rc = EXIT_EMPTY;
        add_check(gs, "coverage", "documents evaluated", EVAL_FAIL,
                  "no document was evaluated (%zu read, %zu without gold, %zu failed)", ev->read,
                  ev->without_gold, ev->failed);
    } else {
        add_check(gs, "coverage", "documents evaluated", EVAL_PASS, "%zu document%s evaluated",
                  ev->docs, cli_plural(ev->docs));
    }
    if (unmatched && gating) {
        record_key(first, &what, &key);
        fprintf(stderr, "topictag: error: %zu gold record%s matched no document: a gate checks "
                        "every record (name the corpus the gold labels, or drop the records)\n",
                unmatched, unmatched == 1 ? "" : "s");
        rc = EXIT_EMPTY;
        add_check(gs, "coverage", "gold records matched", EVAL_FAIL,
                  "%zu of %zu gold record%s matched no document (first: %s '%s', line %zu)",
                  unmatched, g->n, cli_plural(g->n), what, key, first->line);
    } else {
        add_check(gs, "coverage", "gold records matched", unmatched ? EVAL_SKIP : EVAL_PASS,
                  "%zu of %zu gold record%s matched a document", g->n - unmatched, g->n,
                  cli_plural(g->n));
    }
    return rc;
}

int eval_junit(const eval_gates *gs, const char *path)
{
    FILE *j = cli_open_output(path);
    size_t i, skipped = 0;
    if (!j)
        return EXIT_SYSTEM;
    for (i = 0; i < gs->n; i++)
        skipped += gs->c[i].status == EVAL_SKIP;
    fprintf(j,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<testsuites><testsuite name=\"topictag eval gates\" tests=\"%zu\" failures=\"%zu\" "
            "skipped=\"%zu\">\n",
            gs->n, gs->failed, skipped);
    for (i = 0; i < gs->n; i++) {
        const eval_check *c = &gs->c[i];
        fputs("<testcase classname=\"", j);
        cli_xml(j, c->group);
        fputs("\" name=\"", j);
        cli_xml(j, c->name);
        fputs("\"", j);
        if (c->status == EVAL_PASS) {
            fputs("><system-out>", j);
            cli_xml(j, c->message);
            fputs("</system-out></testcase>\n", j);
            continue;
        }
        fputs(c->status == EVAL_FAIL ? "><failure message=\"" : "><skipped message=\"", j);
        cli_xml(j, c->message);
        fputs("\"/></testcase>\n", j);
    }
    fputs("</testsuite></testsuites>\n", j);
    return cli_close_output(j, path);
}
