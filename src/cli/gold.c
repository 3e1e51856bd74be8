/* gold.c - reads and checks the gold labels of `topictag eval` (see gold.h, docs/eval.md). */
#include "gold.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "cli.h"

void gold_release(gold *g)
{
    size_t i, k;
    for (i = 0; i < g->n; i++) {
        gold_doc *d = &g->docs[i];
        free(d->document);
        free(d->canon);
        free(d->id);
        free(d->topics);
        free(d->roles);
        for (k = 0; k < d->nsents; k++)
            free(d->sents[k].topics);
        free(d->sents);
    }
    free(g->docs);
    free(g->index);
    free(g->canon);
    memset(g, 0, sizeof *g);
}

/* A record is looked up by its id when it has one, else by its document. */
static int key_cmp(const char *id1, const char *doc1, const char *id2, const char *doc2)
{
    if ((id1 != NULL) != (id2 != NULL))
        return id1 ? -1 : 1;
    return id1 ? strcmp(id1, id2) : strcmp(doc1, doc2);
}

static int doc_cmp(const void *a, const void *b)
{
    const gold_doc *x = *(gold_doc *const *)a, *y = *(gold_doc *const *)b;
    int c = key_cmp(x->id, x->document, y->id, y->document);
    return c ? c : (x->line < y->line ? -1 : x->line > y->line);
}

gold_doc *gold_find(const gold *g, const char *id, const char *document)
{
    size_t lo = 0, hi = g->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = key_cmp(id, document, g->index[mid]->id, g->index[mid]->document);
        if (c == 0)
            return g->index[mid];
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

static int canon_cmp(const void *a, const void *b)
{
    const gold_doc *x = *(gold_doc *const *)a, *y = *(gold_doc *const *)b;
    int c = strcmp(x->canon, y->canon);
    return c ? c : (x->line < y->line ? -1 : x->line > y->line);
}

gold_doc *gold_find_path(const gold *g, const char *path)
{
    char *real = realpath(path, NULL);
    size_t lo = 0, hi = g->ncanon;
    gold_doc *found = NULL;
    if (!real)
        return NULL;
    while (lo < hi && !found) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(real, g->canon[mid]->canon);
        if (c == 0)
            found = g->canon[mid];
        else if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    free(real);
    return found;
}

/* Reads a list of topic ids into flags[]; 0, or -1 with msg set. */
static int read_topics(const tt_ruleset *rs, json_t *arr, unsigned char *flags, const char *where,
                       char *msg, size_t size)
{
    size_t i;
    json_t *v;
    if (!json_is_array(arr)) {
        snprintf(msg, size, "%s'topics' must be an array of topic ids", where);
        return -1;
    }
    json_array_foreach(arr, i, v) {
        long t;
        if (!json_is_string(v)) {
            snprintf(msg, size, "%s'topics' must be an array of topic ids", where);
            return -1;
        }
        if ((t = tt_ruleset_find_topic(rs, json_string_value(v))) < 0) {
            snprintf(msg, size, "%sunknown topic '%s'", where, json_string_value(v));
            return -1;
        }
        flags[t] = 1;
    }
    return 0;
}

static int get_size(json_t *v, size_t *out)
{
    if (!json_is_integer(v) || json_integer_value(v) < 0)
        return -1;
    *out = (size_t)json_integer_value(v);
    return 0;
}

/* Reads 'roles' ({"topic": "primary" | "secondary" | "mentioned"}) into d->roles and checks
 * that the topics with a role are the article's topics.  0, 1 with msg set, -1 nomem. */
static int read_roles(const tt_ruleset *rs, json_t *obj, gold_doc *d, char *msg, size_t size)
{
    size_t nt = tt_ruleset_topic_count(rs), t;
    const char *key;
    json_t *v;
    int has_topics = 0;
    if (!json_is_object(obj)) {
        snprintf(msg, size, "'roles' must be an object of topic ids and roles");
        return 1;
    }
    if (!(d->roles = calloc(nt + 1, 1)))
        return -1;
    json_object_foreach(obj, key, v) {
        long ti = tt_ruleset_find_topic(rs, key);
        int role = json_is_string(v) ? tt_role_parse(json_string_value(v)) : -1;
        if (ti < 0) {
            snprintf(msg, size, "roles: unknown topic '%s'", key);
            return 1;
        }
        if (role <= TT_ROLE_NONE) {
            snprintf(msg, size, "roles: '%s' must be primary, secondary or mentioned", key);
            return 1;
        }
        d->roles[ti] = (unsigned char)role;
    }
    for (t = 0; t < nt; t++)
        has_topics |= d->topics[t];
    if (!has_topics && !d->by_sentence) {   /* roles alone say which topics it carries */
        for (t = 0; t < nt; t++)
            d->topics[t] = d->roles[t] != TT_ROLE_NONE;
        return 0;
    }
    for (t = 0; t < nt; t++) {
        if (d->topics[t] && !d->roles[t]) {
            snprintf(msg, size, "roles: topic '%s' is carried by the article but has no role",
                     tt_ruleset_topic(rs, t)->id);
            return 1;
        }
        if (!d->topics[t] && d->roles[t]) {
            snprintf(msg, size, "roles: topic '%s' has a role but the article does not carry it",
                     tt_ruleset_topic(rs, t)->id);
            return 1;
        }
    }
    return 0;
}

/* Checks one record and adds it to g; 0, 1 with msg set when it is wrong, -1 out of memory. */
static int gold_record(gold *g, const tt_ruleset *rs, json_t *rec, size_t line, char *msg,
                       size_t size)
{
    size_t nt = tt_ruleset_topic_count(rs), i, k;
    const char *key;
    json_t *v, *jdoc, *jid, *jtopics, *jsents;
    gold_doc d;
    char idbuf[64], where[64];
    int rc = 1;
    memset(&d, 0, sizeof d);
    d.line = line;
    json_object_foreach(rec, key, v) {
        if (strcmp(key, "document") && strcmp(key, "id") && strcmp(key, "topics") &&
            strcmp(key, "sentences") && strcmp(key, "roles") && strcmp(key, "note")) {
            snprintf(msg, size, "unknown key '%s'", key);
            return 1;
        }
    }
    jdoc = json_object_get(rec, "document");
    jid = json_object_get(rec, "id");
    jtopics = json_object_get(rec, "topics");
    jsents = json_object_get(rec, "sentences");
    if (jdoc && (!json_is_string(jdoc) || !json_string_length(jdoc))) {
        snprintf(msg, size, "'document' must be a non-empty string");
        return 1;
    }
    if (jid && !json_is_string(jid) && !json_is_integer(jid)) {
        snprintf(msg, size, "'id' must be a string or an integer");
        return 1;
    }
    if (!jdoc && !jid) {
        snprintf(msg, size, "a record needs 'document' or 'id'");
        return 1;
    }
    if (!(d.topics = calloc(nt + 1, 1)))
        return -1;
    if (jtopics && read_topics(rs, jtopics, d.topics, "", msg, size))
        goto out;
    if (jsents) {
        if (!json_is_array(jsents)) {
            snprintf(msg, size, "'sentences' must be an array");
            goto out;
        }
        d.by_sentence = 1;
        if (json_array_size(jsents) &&
            !(d.sents = calloc(json_array_size(jsents), sizeof *d.sents))) {
            rc = -1;
            goto out;
        }
        json_array_foreach(jsents, i, v) {
            gold_sent *s = &d.sents[d.nsents];
            json_t *ji, *js, *je, *jt, *x;
            const char *kk;
            snprintf(where, sizeof where, "sentences[%zu]: ", i);
            if (!json_is_object(v)) {
                snprintf(msg, size, "%snot an object", where);
                goto out;
            }
            json_object_foreach(v, kk, x) {
                if (strcmp(kk, "index") && strcmp(kk, "start") && strcmp(kk, "end") &&
                    strcmp(kk, "topics") && strcmp(kk, "note")) {
                    snprintf(msg, size, "%sunknown key '%s'", where, kk);
                    goto out;
                }
            }
            ji = json_object_get(v, "index");
            js = json_object_get(v, "start");
            je = json_object_get(v, "end");
            jt = json_object_get(v, "topics");
            if ((ji != NULL) == (js != NULL || je != NULL)) {
                snprintf(msg, size, "%sgive either 'index' or 'start' and 'end'", where);
                goto out;
            }
            if (ji && get_size(ji, &s->index)) {
                snprintf(msg, size, "%s'index' must be an integer, 0 or more", where);
                goto out;
            }
            if (!ji && (get_size(js, &s->index) || get_size(je, &s->end) || s->end <= s->index)) {
                snprintf(msg, size, "%s'start' and 'end' must be integers with 0 <= start < end",
                         where);
                goto out;
            }
            s->by_span = !ji;
            if (!jt) {
                snprintf(msg, size, "%s'topics' is required", where);
                goto out;
            }
            if (!(s->topics = calloc(nt + 1, 1))) {
                rc = -1;
                goto out;
            }
            d.nsents++;
            if (read_topics(rs, jt, s->topics, where, msg, size))
                goto out;
            for (k = 0; k + 1 < d.nsents; k++) {
                if (!s->by_span && !d.sents[k].by_span && d.sents[k].index == s->index) {
                    snprintf(msg, size, "%ssentence %zu is listed twice", where, s->index);
                    goto out;
                }
            }
            for (k = 0; k < nt; k++) {
                if (s->topics[k] && jtopics && !d.topics[k]) {
                    snprintf(msg, size, "%stopic '%s' is not among the article's 'topics'", where,
                             tt_ruleset_topic(rs, k)->id);
                    goto out;
                }
            }
        }
        if (!jtopics)   /* the article carries what its sentences carry */
            for (i = 0; i < d.nsents; i++)
                for (k = 0; k < nt; k++)
                    d.topics[k] |= d.sents[i].topics[k];
    }
    if ((v = json_object_get(rec, "roles")) && (rc = read_roles(rs, v, &d, msg, size)) != 0)
        goto out;
    rc = 1;
    if (jid && json_is_integer(jid))
        snprintf(idbuf, sizeof idbuf, "%" JSON_INTEGER_FORMAT, json_integer_value(jid));
    if ((jdoc && !(d.document = strdup(json_string_value(jdoc)))) ||
        (jid && !(d.id = strdup(json_is_string(jid) ? json_string_value(jid) : idbuf)))) {
        rc = -1;
        goto out;
    }
    if (g->n == g->cap) {
        size_t nc = g->cap ? g->cap * 2 : 64;
        gold_doc *nd = realloc(g->docs, nc * sizeof *nd);
        if (!nd) {
            rc = -1;
            goto out;
        }
        g->docs = nd;
        g->cap = nc;
    }
    g->docs[g->n++] = d;
    return 0;
out:
    free(d.document);
    free(d.id);
    free(d.topics);
    free(d.roles);
    for (k = 0; k < d.nsents; k++)
        free(d.sents[k].topics);
    free(d.sents);
    return rc;
}

/* The problems found in a gold file, printed in line order once all are known. */
typedef struct problem {
    size_t line;
    char msg[600];
} problem;

typedef struct problems {
    problem *p;
    size_t n, cap;
} problems;

static int add_problem(problems *ps, size_t line, const char *msg)
{
    if (ps->n == ps->cap) {
        size_t nc = ps->cap ? ps->cap * 2 : 16;
        problem *np = realloc(ps->p, nc * sizeof *np);
        if (!np)
            return -1;
        ps->p = np;
        ps->cap = nc;
    }
    ps->p[ps->n].line = line;
    snprintf(ps->p[ps->n].msg, sizeof ps->p[ps->n].msg, "%s", msg);
    ps->n++;
    return 0;
}

static int problem_cmp(const void *a, const void *b)
{
    const problem *x = a, *y = b;
    return x->line < y->line ? -1 : x->line > y->line;
}

/* Indexes the records by the real path of their document; two records naming one file (by
 * different spellings) are a problem.  0, or -1 on out of memory. */
static int index_canon(gold *g, problems *ps)
{
    size_t i;
    for (i = 0; i < g->n; i++) {
        gold_doc *d = &g->docs[i];
        if (!d->document || d->id)
            continue;   /* a record with an id is found by its id */
        errno = 0;
        if (!(d->canon = realpath(d->document, NULL)) && errno == ENOMEM)
            return -1;
    }
    if (!(g->canon = malloc((g->n + 1) * sizeof *g->canon)))
        return -1;
    for (i = 0; i < g->n; i++)
        if (g->docs[i].canon)
            g->canon[g->ncanon++] = &g->docs[i];
    if (g->ncanon)
        qsort(g->canon, g->ncanon, sizeof *g->canon, canon_cmp);
    for (i = 1; i < g->ncanon; i++) {
        const gold_doc *a = g->canon[i - 1], *b = g->canon[i];
        char msg[600];
        if (strcmp(a->canon, b->canon) || !strcmp(a->document, b->document))
            continue;   /* the same spelling is reported as a second record */
        snprintf(msg, sizeof msg, "document '%s' is the file of line %zu ('%s'): a second record",
                 b->document, a->line, a->document);
        if (add_problem(ps, b->line, msg))
            return -1;
    }
    return 0;
}

/* Reads the gold file: every problem is printed as FILE:LINE: MESSAGE.  Returns 0,
 * EXIT_INPUT (the file is unreadable or wrong) or EXIT_SYSTEM (out of memory). */
int gold_load(gold *g, const char *path, const tt_ruleset *rs)
{
    problems ps = {NULL, 0, 0};
    FILE *f = fopen(path, "rb");
    char *line = NULL;
    size_t cap = 0, lineno = 0, bad = 0, i;
    ssize_t n;
    int rc = 0;
    g->path = path;
    if (!f) {
        fprintf(stderr, "topictag: cannot read gold file %s: %s\n", path, strerror(errno));
        return EXIT_INPUT;
    }
    while ((n = getline(&line, &cap, f)) >= 0) {
        json_error_t jerr;
        json_t *rec;
        char msg[512];
        int r;
        lineno++;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            n--;
        if (n == 0)
            continue;   /* blank lines are allowed */
        rec = json_loadb(line, (size_t)n, 0, &jerr);
        if (!rec || !json_is_object(rec)) {
            if (rec)
                snprintf(msg, sizeof msg, "not a JSON object");
            else
                snprintf(msg, sizeof msg, "malformed JSON: %s at column %d", jerr.text,
                         jerr.column);
            json_decref(rec);
            r = 1;
        } else {
            r = gold_record(g, rs, rec, lineno, msg, sizeof msg);
            json_decref(rec);
        }
        if (r < 0 || (r > 0 && add_problem(&ps, lineno, msg))) {
            rc = EXIT_SYSTEM;
            break;
        }
    }
    if (!rc && ferror(f)) {
        fprintf(stderr, "topictag: cannot read gold file %s: %s\n", path, strerror(errno));
        rc = EXIT_INPUT;
    }
    fclose(f);
    free(line);
    if (!rc && g->n && !(g->index = malloc(g->n * sizeof *g->index)))
        rc = EXIT_SYSTEM;
    if (!rc) {
        for (i = 0; i < g->n; i++)
            g->index[i] = &g->docs[i];
        if (g->n)
            qsort(g->index, g->n, sizeof *g->index, doc_cmp);
        if (index_canon(g, &ps))
            rc = EXIT_SYSTEM;
    }
    for (i = 1; !rc && i < g->n; i++) {
        const gold_doc *a = g->index[i - 1], *b = g->index[i];
        char msg[600];
        if (key_cmp(a->id, a->document, b->id, b->document))
            continue;
        snprintf(msg, sizeof msg, "a second record for %s '%s' (the first is at line %zu)",
                 b->id ? "id" : "document", b->id ? b->id : b->document, a->line);
        if (add_problem(&ps, b->line, msg))
            rc = EXIT_SYSTEM;
    }
    if (ps.n)
        qsort(ps.p, ps.n, sizeof *ps.p, problem_cmp);
    for (i = 0; i < ps.n; i++)
        fprintf(stderr, "%s:%zu: %s\n", path, ps.p[i].line, ps.p[i].msg);
    bad = ps.n;
    free(ps.p);
    if (rc == EXIT_SYSTEM)
        fputs("topictag: out of memory\n", stderr);
    if (rc)
        return rc;
    if (!bad && g->n == 0) {
        fprintf(stderr, "topictag: %s: the gold file has no records\n", path);
        return EXIT_INPUT;
    }
    return bad ? EXIT_INPUT : 0;
}

/* The corpus by default: each distinct 'document' of the gold, in the order of the file. */
int gold_corpus(const gold *g, char ***paths, int *n)
{
    size_t i, k;
    char **p = malloc((g->n + 1) * sizeof *p);
    *paths = p;
    *n = 0;
    if (!p) {
        fputs("topictag: out of memory\n", stderr);
        return EXIT_SYSTEM;
    }
    for (i = 0; i < g->n; i++) {
        const gold_doc *d = &g->docs[i];
        if (!d->document) {
            fprintf(stderr,
                    "topictag: %s:%zu: the record has no 'document' to read: name the corpus "
                    "paths\n",
                    g->path, d->line);
            return EXIT_USAGE;
        }
        for (k = 0; k < (size_t)*n && strcmp(p[k], d->document); k++)
            ;
        if (k == (size_t)*n)
            p[(*n)++] = d->document;
    }
    return 0;
}
