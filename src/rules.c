/* rules.c - reads YAML rule files into the rule model (rules.h).  The only user of <yaml.h>.
 *
 * Every problem is recorded as a diagnostic with its position and reading goes on, so that
 * `topictag check` shows all the problems of a file at once. */
#include "rules.h"
#include "segment.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

#include "alloc.h"

#define MAX_RULE_FILE (4u << 20)   /* a rule file larger than this is surely a mistake */
#define MAX_DIR_DEPTH 32

/* ---- diagnostics ------------------------------------------------------------------------- */

void tt_error_set(tt_error *err, tt_status code, const char *file, int line, int column,
                  const char *fmt, ...)
{
    va_list ap;
    if (!err)
        return;
    err->code = code;
    err->line = line;
    err->column = column;
    snprintf(err->file, sizeof err->file, "%s", file ? file : "");
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
}

int tt_loader_diag_add(tt_loader *ld, tt_severity sev, tt_status code, const tt_pos *pos,
                       const char *fmt, ...)
{
    tt_diag *d;
    va_list ap;
    if (tt_grow(&ld->diags, &ld->diagcap, ld->ndiags + 1, sizeof *ld->diags)) {
        ld->nomem = 1;
        return -1;
    }
    d = &ld->diags[ld->ndiags++];
    memset(d, 0, sizeof *d);
    d->severity = sev;
    d->error.code = code;
    if (pos) {
        snprintf(d->error.file, sizeof d->error.file, "%s", pos->file ? pos->file : "");
        d->error.line = pos->line;
        d->error.column = pos->column;
    }
    va_start(ap, fmt);
    vsnprintf(d->error.message, sizeof d->error.message, fmt, ap);
    va_end(ap);
    if (sev == TT_SEV_ERROR)
        ld->nerrors++;
    return 0;
}

/* ---- loader lifetime --------------------------------------------------------------------- */

/* The defaults of the `article:` settings (docs/rules.md, "Articles"). */
static void article_defaults(tt_src_article *a)
{
    a->lead = 2;
    a->primary_share = 0.3;
    a->primary_share_alone = 0.5;
    a->secondary_share = 0.15;
    a->secondary_sentences = 2;
    a->secondary_lead = 1;
    a->secondary_score = 0.0;
}

/* Starts the segmenter words with the built-in data (segment_data.c), so that every ruleset
 * segments alike; a rule file's `segmenter:` adds to it or replaces a kind's list.  Two
 * allocations: the words, NUL-separated, and the array.  Returns 0, or -1 on out of memory. */
static int add_builtin_words(tt_loader *ld)
{
    size_t g, size = 0, n = 0;
    char *p;

    for (g = 0; g < tt_segment_builtin_count; g++) {
        const char *w = tt_segment_builtin[g].words;
        size += strlen(w) + 1;
        for (n++; *w; w++)
            n += *w == ' ';
    }
    if (!(ld->builtin_words = tt_malloc(size)) ||
        tt_grow(&ld->abbrevs, &ld->abbrevcap, n, sizeof *ld->abbrevs))
        return -1;
    p = ld->builtin_words;
    for (g = 0; g < tt_segment_builtin_count; g++) {
        char *end = p + strlen(tt_segment_builtin[g].words);
        memcpy(p, tt_segment_builtin[g].words, (size_t)(end - p) + 1);
        while (p < end) {
            tt_src_abbrev *a = &ld->abbrevs[ld->nabbrevs++];
            a->word = p;
            a->kind = tt_segment_builtin[g].kind;
            a->builtin = 1;
            p += strcspn(p, " ");
            *p++ = '\0';
        }
        p = end + 1;
    }
    return 0;
}

tt_loader *tt_loader_new(void)
{
    tt_loader *ld = tt_calloc(1, sizeof(tt_loader));
    if (!ld)
        return NULL;
    article_defaults(&ld->article);
    if (add_builtin_words(ld)) {
        tt_loader_free(ld);
        return NULL;
    }
    return ld;
}

static void free_pattern(tt_src_pattern *p)
{
    size_t i;
    tt_free(p->id);
    for (i = 0; i < p->nitems; i++)
        tt_free(p->items[i].text);
    tt_free(p->items);
}

static void free_topic(tt_src_topic *t)
{
    size_t i;
    tt_free(t->id);
    tt_free(t->title);
    tt_free(t->description);
    tt_free(t->parent);
    for (i = 0; i < t->ntags; i++)
        tt_free(t->tags[i]);
    tt_free(t->tags);
    for (i = 0; i < t->npatterns; i++)
        free_pattern(&t->patterns[i]);
    tt_free(t->patterns);
    tt_free(t->condition);
    tt_free(t->when);
    tt_free(t->art_when);
    tt_free(t->breaks);
    for (i = 0; i < t->nexamples; i++) {
        tt_free(t->examples[i].text);
        tt_free(t->examples[i].note);
    }
    tt_free(t->examples);
}

void tt_loader_free(tt_loader *ld)
{
    size_t i;
    if (!ld)
        return;
    for (i = 0; i < ld->ntopics; i++)
        free_topic(&ld->topics[i]);
    tt_free(ld->topics);
    for (i = 0; i < ld->ndefs; i++) {
        tt_free(ld->defs[i].name);
        tt_free(ld->defs[i].value);
    }
    tt_free(ld->defs);
    for (i = 0; i < ld->nabbrevs; i++)
        if (!ld->abbrevs[i].builtin)
            tt_free((char *)ld->abbrevs[i].word);
    tt_free(ld->abbrevs);
    tt_free(ld->builtin_words);
    free_pattern(&ld->article.switches);
    free_pattern(&ld->article.dateline);
    free_pattern(&ld->article.aside);
    for (i = 0; i < ld->nfiles; i++)
        tt_free(ld->files[i]);
    tt_free(ld->files);
    tt_free(ld->diags);
    tt_free(ld->cache_dir);
    tt_free(ld);
}

size_t tt_loader_diag_count(const tt_loader *ld) { return ld->ndiags; }
size_t tt_loader_error_count(const tt_loader *ld) { return ld->nerrors; }

const tt_diag *tt_loader_diag(const tt_loader *ld, size_t i)
{
    return i < ld->ndiags ? &ld->diags[i] : NULL;
}

/* ---- YAML walking ------------------------------------------------------------------------ */

typedef struct walk {
    tt_loader *ld;
    yaml_document_t *doc;
    const char *file;
} walk;

static tt_pos pos_of(const walk *w, const yaml_node_t *n)
{
    tt_pos p;
    p.file = w->file;
    p.line = (int)n->start_mark.line + 1;
    p.column = (int)n->start_mark.column + 1;
    p.quoted = n->type == YAML_SCALAR_NODE &&
               (n->data.scalar.style == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
                n->data.scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE);
    return p;
}

#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
static void err_at(walk *w, const yaml_node_t *n, tt_status code, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    tt_pos p = pos_of(w, n);
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    tt_loader_diag_add(w->ld, TT_SEV_ERROR, code, &p, "%s", msg);
}

static const char *kind_name(const yaml_node_t *n)
{
    switch (n->type) {
    case YAML_SCALAR_NODE:
        return "a scalar";
    case YAML_SEQUENCE_NODE:
        return "a list";
    case YAML_MAPPING_NODE:
        return "a mapping";
    default:
        return "nothing";
    }
}

static const char *scalar(const yaml_node_t *n) { return (const char *)n->data.scalar.value; }

static int is_plain_null(const yaml_node_t *n)
{
    const char *s;
    if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return 0;
    s = scalar(n);
    return !*s || !strcmp(s, "~") || !strcmp(s, "null");
}

/* Copies a string scalar; records an error and returns NULL for anything else. */
static char *get_string(walk *w, const yaml_node_t *n, const char *what)
{
    char *s;
    if (n->type != YAML_SCALAR_NODE || is_plain_null(n)) {
        err_at(w, n, TT_ERR_RULE, "'%s' must be a string, found %s", what,
               n->type == YAML_SCALAR_NODE ? "nothing" : kind_name(n));
        return NULL;
    }
    s = tt_strndup(scalar(n), n->data.scalar.length);
    if (!s)
        w->ld->nomem = 1;
    return s;
}

static int get_bool(walk *w, const yaml_node_t *n, const char *what, int *out)
{
    const char *s;
    if (n->type == YAML_SCALAR_NODE && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
        s = scalar(n);
        if (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "yes")) {
            *out = 1;
            return 0;
        }
        if (!strcmp(s, "false") || !strcmp(s, "False") || !strcmp(s, "no")) {
            *out = 0;
            return 0;
        }
    }
    err_at(w, n, TT_ERR_RULE, "'%s' must be true or false, found %s%s%s%s", what,
           n->type == YAML_SCALAR_NODE ? "'" : "",
           n->type == YAML_SCALAR_NODE ? scalar(n) : kind_name(n),
           n->type == YAML_SCALAR_NODE ? "'" : "", "");
    return -1;
}

static int get_number(walk *w, const yaml_node_t *n, const char *what, double lo, double hi,
                      double *out)
{
    char *end;
    double v;
    if (n->type == YAML_SCALAR_NODE && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
        n->data.scalar.length > 0) {
        errno = 0;
        v = strtod(scalar(n), &end);
        if (!*end && errno == 0 && isfinite(v)) {
            if (v < lo || v > hi) {
                err_at(w, n, TT_ERR_RULE, "'%s' must be between %g and %g, found %g", what, lo,
                       hi, v);
                return -1;
            }
            *out = v;
            return 0;
        }
    }
    err_at(w, n, TT_ERR_RULE, "'%s' must be a number, found %s%s%s", what,
           n->type == YAML_SCALAR_NODE ? "'" : "",
           n->type == YAML_SCALAR_NODE ? scalar(n) : kind_name(n),
           n->type == YAML_SCALAR_NODE ? "'" : "");
    return -1;
}

static int get_int(walk *w, const yaml_node_t *n, const char *what, long lo, long hi, long *out)
{
    double d;
    if (get_number(w, n, what, (double)lo, (double)hi, &d))
        return -1;
    if (d != floor(d)) {
        err_at(w, n, TT_ERR_RULE, "'%s' must be a whole number, found %s", what, scalar(n));
        return -1;
    }
    *out = (long)d;
    return 0;
}

/* Iterates a mapping's pairs, reporting duplicate keys and non-scalar keys.  The callback
 * returns nothing: it records its own diagnostics. */
typedef void (*pair_fn)(walk *w, const char *key, yaml_node_t *knode, yaml_node_t *val,
                        void *ctx);

static int each_pair(walk *w, yaml_node_t *map, const char *what, pair_fn f, void *ctx)
{
    yaml_node_pair_t *a, *b;
    if (map->type != YAML_MAPPING_NODE) {
        err_at(w, map, TT_ERR_RULE, "%s must be a mapping, found %s", what, kind_name(map));
        return -1;
    }
    for (a = map->data.mapping.pairs.start; a < map->data.mapping.pairs.top; a++) {
        yaml_node_t *k = yaml_document_get_node(w->doc, a->key);
        yaml_node_t *v = yaml_document_get_node(w->doc, a->value);
        int dup = 0;
        if (!k || !v)
            continue;
        if (k->type != YAML_SCALAR_NODE) {
            err_at(w, k, TT_ERR_RULE, "keys in %s must be strings", what);
            continue;
        }
        for (b = map->data.mapping.pairs.start; b < a; b++) {
            yaml_node_t *k2 = yaml_document_get_node(w->doc, b->key);
            if (k2 && k2->type == YAML_SCALAR_NODE && !strcmp(scalar(k2), scalar(k))) {
                dup = 1;
                break;
            }
        }
        if (dup) {
            err_at(w, k, TT_ERR_RULE, "duplicate key '%s' in %s", scalar(k), what);
            continue;
        }
        f(w, scalar(k), k, v, ctx);
    }
    return 0;
}

/* ---- patterns ---------------------------------------------------------------------------- */

typedef struct pattern_ctx {
    tt_src_pattern *p;
    int have_regex, have_literal, have_id;
    const char *what;
} pattern_ctx;

static void add_item(walk *w, tt_src_pattern *p, const yaml_node_t *n, const char *key)
{
    char *s;
    if (n->type != YAML_SCALAR_NODE || is_plain_null(n)) {
        err_at(w, n, TT_ERR_RULE, "'%s' must be a string or a list of strings, found %s", key,
               n->type == YAML_SCALAR_NODE ? "nothing" : kind_name(n));
        return;
    }
    if (n->data.scalar.length == 0) {
        err_at(w, n, TT_ERR_RULE, "'%s' must not be empty", key);
        return;
    }
    s = tt_strndup(scalar(n), n->data.scalar.length);
    if (!s || tt_grow(&p->items, &(size_t){p->nitems}, p->nitems + 1, sizeof *p->items)) {
        tt_free(s);
        w->ld->nomem = 1;
        return;
    }
    /* tt_grow above grows from the current count: capacity is implicit in nitems (small) */
    p->items[p->nitems].text = s;
    p->items[p->nitems].pos = pos_of(w, n);
    p->nitems++;
}

static void add_items(walk *w, tt_src_pattern *p, yaml_node_t *v, const char *key)
{
    if (v->type == YAML_SEQUENCE_NODE) {
        yaml_node_item_t *it;
        if (v->data.sequence.items.start == v->data.sequence.items.top) {
            err_at(w, v, TT_ERR_RULE, "'%s' must not be an empty list", key);
            return;
        }
        for (it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
            yaml_node_t *n = yaml_document_get_node(w->doc, *it);
            if (n)
                add_item(w, p, n, key);
        }
    } else {
        add_item(w, p, v, key);
    }
}

static void pattern_pair(walk *w, const char *key, yaml_node_t *k, yaml_node_t *v, void *vctx)
{
    pattern_ctx *c = vctx;
    tt_src_pattern *p = c->p;
    if (!strcmp(key, "id")) {
        p->id = get_string(w, v, "id");
        c->have_id = 1;
    } else if (!strcmp(key, "regex") || !strcmp(key, "literal")) {
        int lit = key[0] == 'l';
        if (c->have_regex || c->have_literal) {
            err_at(w, k, TT_ERR_RULE, "a %s has both 'regex' and 'literal': keep one", c->what);
            return;
        }
        if (lit)
            c->have_literal = 1;
        else
            c->have_regex = 1;
        p->literal = lit;
        add_items(w, p, v, key);
    } else if (!strcmp(key, "weight")) {
        get_number(w, v, "weight", -1000.0, 1000.0, &p->weight);
    } else if (!strcmp(key, "ignore_case")) {
        get_bool(w, v, "ignore_case", &p->ignore_case);
    } else if (!strcmp(key, "word")) {
        get_bool(w, v, "word", &p->word);
    } else {
        err_at(w, k, TT_ERR_RULE,
               "unknown key '%s' in %s (expected id, regex, literal, weight, ignore_case, word)",
               key, c->what);
    }
}

static void read_patterns(walk *w, tt_src_topic *t, yaml_node_t *seq, int exclude)
{
    yaml_node_item_t *it;
    const char *what = exclude ? "exclusion" : "pattern";
    if (seq->type != YAML_SEQUENCE_NODE) {
        err_at(w, seq, TT_ERR_RULE, "'%s' must be a list of %ss, found %s",
               exclude ? "exclude" : "patterns", what, kind_name(seq));
        return;
    }
    for (it = seq->data.sequence.items.start; it < seq->data.sequence.items.top; it++) {
        yaml_node_t *n = yaml_document_get_node(w->doc, *it);
        pattern_ctx c;
        tt_src_pattern *p;
        size_t cap = t->npatterns;
        if (!n)
            continue;
        if (tt_grow(&t->patterns, &cap, t->npatterns + 1, sizeof *t->patterns)) {
            w->ld->nomem = 1;
            return;
        }
        p = &t->patterns[t->npatterns++];
        memset(p, 0, sizeof *p);
        p->weight = 1.0;
        p->exclude = exclude;
        p->pos = pos_of(w, n);
        memset(&c, 0, sizeof c);
        c.p = p;
        c.what = what;
        if (each_pair(w, n, what, pattern_pair, &c))
            continue;
        if (!c.have_id)
            err_at(w, n, TT_ERR_RULE, "%s has no 'id'", what);
        if (!c.have_regex && !c.have_literal)
            err_at(w, n, TT_ERR_RULE, "%s '%s' needs 'regex' or 'literal'", what,
                   p->id ? p->id : "?");
    }
}

/* ---- topics ------------------------------------------------------------------------------ */

static int valid_id(const char *s)
{
    const char *c;
    if (!*s)
        return 0;
    for (c = s; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-' || *c == '_'))
            return 0;
    return 1;
}

/* One of two words: *out = 0 for a, 1 for b; else an error naming both. */
static void get_choice(walk *w, const yaml_node_t *v, const char *what, const char *a,
                       const char *b, int *out)
{
    int scal = v->type == YAML_SCALAR_NODE;
    if (scal && (!strcmp(scalar(v), a) || !strcmp(scalar(v), b))) {
        *out = !strcmp(scalar(v), b);
        return;
    }
    err_at(w, v, TT_ERR_RULE, "'%s' must be %s or %s, found %s%s%s", what, a, b,
           scal ? "'" : "", scal ? scalar(v) : kind_name(v), scal ? "'" : "");
}

static void context_article_pair(walk *w, const char *key, yaml_node_t *k, yaml_node_t *v,
                                 void *vctx)
{
    tt_src_topic *t = vctx;
    if (!strcmp(key, "when")) {
        t->art_when = get_string(w, v, "when");
        t->art_when_pos = pos_of(w, v);
    } else if (!strcmp(key, "reach")) {
        long n;
        if (!get_int(w, v, "reach", 0, 100000, &n))
            t->art_reach = (uint32_t)n;
    } else if (!strcmp(key, "from")) {
        get_choice(w, v, "from", "lead", "headline", &t->art_headline_only);
    } else {
        err_at(w, k, TT_ERR_RULE,
               "unknown key '%s' in context.article (expected when, reach, from)", key);
    }
}

static void context_pair(walk *w, const char *key, yaml_node_t *k, yaml_node_t *v, void *vctx)
{
    tt_src_topic *t = vctx;
    if (!strcmp(key, "window")) {
        long n;
        if (!get_int(w, v, "window", 1, 50, &n))
            t->window = (uint32_t)n;
    } else if (!strcmp(key, "when")) {
        t->when = get_string(w, v, "when");
        t->when_pos = pos_of(w, v);
    } else if (!strcmp(key, "scope")) {
        get_choice(w, v, "scope", "paragraph", "article", &t->scope_article);
    } else if (!strcmp(key, "article")) {
        t->has_article = 1;
        each_pair(w, v, "context.article", context_article_pair, t);
    } else if (!strcmp(key, "breaks")) {
        t->breaks = get_string(w, v, "breaks");
        t->breaks_pos = pos_of(w, v);
    } else {
        err_at(w, k, TT_ERR_RULE,
               "unknown key '%s' in context (expected window, when, scope, article, breaks)",
               key);
    }
}

static void read_tags(walk *w, tt_src_topic *t, yaml_node_t *v)
{
    yaml_node_item_t *it;
    if (v->type != YAML_SEQUENCE_NODE) {
        err_at(w, v, TT_ERR_RULE, "'tags' must be a list of strings, found %s", kind_name(v));
        return;
    }
    for (it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
        yaml_node_t *n = yaml_document_get_node(w->doc, *it);
        size_t cap = t->ntags;
        char *s;
        if (!n || !(s = get_string(w, n, "tags")))
            continue;
        if (tt_grow(&t->tags, &cap, t->ntags + 1, sizeof *t->tags)) {
            tt_free(s);
            w->ld->nomem = 1;
            return;
        }
        t->tags[t->ntags++] = s;
    }
}

typedef struct example_ctx {
    tt_src_example *e;
    int have_text;
} example_ctx;

static const char *const example_kinds[] = {"tag", "not", "todo", "todo-not"};

static void example_pair(walk *w, const char *key, yaml_node_t *k, yaml_node_t *v, void *vctx)
{
    example_ctx *c = vctx;
    size_t i;
    for (i = 0; i < sizeof example_kinds / sizeof *example_kinds; i++) {
        if (!strcmp(key, example_kinds[i])) {
            if (c->have_text) {
                err_at(w, k, TT_ERR_RULE,
                       "an example has one of tag, not, todo, todo-not: '%s' is a second one",
                       key);
                return;
            }
            c->have_text = 1;
            c->e->kind = (tt_example_kind)i;
            c->e->text = get_string(w, v, key);
            c->e->pos = pos_of(w, v);
            return;
        }
    }
    if (!strcmp(key, "sentence")) {
        long n;
        if (!get_int(w, v, "sentence", 0, 100000, &n))
            c->e->sentence = n;
    } else if (!strcmp(key, "note")) {
        c->e->note = get_string(w, v, "note");
    } else {
        err_at(w, k, TT_ERR_RULE,
               "unknown key '%s' in example (expected tag, not, todo, todo-not, sentence, note)",
               key);
    }
}

static void read_examples(walk *w, tt_src_topic *t, yaml_node_t *seq)
{
    yaml_node_item_t *it;
    if (seq->type != YAML_SEQUENCE_NODE) {
        err_at(w, seq, TT_ERR_RULE, "'examples' must be a list, found %s", kind_name(seq));
        return;
    }
    for (it = seq->data.sequence.items.start; it < seq->data.sequence.items.top; it++) {
        yaml_node_t *n = yaml_document_get_node(w->doc, *it);
        size_t cap = t->nexamples;
        example_ctx c;
        if (!n)
            continue;
        if (tt_grow(&t->examples, &cap, t->nexamples + 1, sizeof *t->examples)) {
            w->ld->nomem = 1;
            return;
        }
        c.e = &t->examples[t->nexamples++];
        memset(c.e, 0, sizeof *c.e);
        c.e->sentence = -1;
        c.e->pos = pos_of(w, n);
        c.have_text = 0;
        if (n->type == YAML_SCALAR_NODE) {
            err_at(w, n, TT_ERR_RULE,
                   "an example is a mapping such as {tag: \"...\"} or {not: \"...\"}");
            continue;
        }
        if (each_pair(w, n, "example", example_pair, &c))
            continue;
        if (!c.have_text)
            err_at(w, n, TT_ERR_RULE, "example has none of tag, not, todo, todo-not");
    }
}

typedef struct topic_ctx {
    tt_src_topic *t;
    int have_id, have_title, have_patterns;
} topic_ctx;

static void topic_pair(walk *w, const char *key, yaml_node_t *k, yaml_node_t *v, void *vctx)
{
    topic_ctx *c = vctx;
    tt_src_topic *t = c->t;
    if (!strcmp(key, "id")) {
        c->have_id = 1;
        t->id = get_string(w, v, "id");
        t->pos = pos_of(w, v);
        if (t->id && !valid_id(t->id))
            err_at(w, v, TT_ERR_RULE,
                   "topic id '%s' may use only lowercase letters, digits, '-' and '_'", t->id);
    } else if (!strcmp(key, "title")) {
        c->have_title = 1;
        t->title = get_string(w, v, "title");
    } else if (!strcmp(key, "description")) {
        t->description = get_string(w, v, "description");
    } else if (!strcmp(key, "parent")) {
        t->parent = get_string(w, v, "parent");
    } else if (!strcmp(key, "tags")) {
        read_tags(w, t, v);
    } else if (!strcmp(key, "threshold")) {
        get_number(w, v, "threshold", 0.0, 1e6, &t->threshold);
    } else if (!strcmp(key, "patterns")) {
        c->have_patterns = 1;
        read_patterns(w, t, v, 0);
    } else if (!strcmp(key, "exclude")) {
        read_patterns(w, t, v, 1);
    } else if (!strcmp(key, "condition")) {
        t->condition = get_string(w, v, "condition");
        t->cond_pos = pos_of(w, v);
    } else if (!strcmp(key, "context")) {
        t->has_context = 1;
        t->window = 1;
        each_pair(w, v, "context", context_pair, t);
    } else if (!strcmp(key, "examples")) {
        read_examples(w, t, v);
    } else {
        err_at(w, k, TT_ERR_RULE,
               "unknown key '%s' in topic (expected id, title, description, parent, tags, "
               "threshold, patterns, exclude, condition, context, examples)",
               key);
    }
}

static void read_topic(walk *w, yaml_node_t *key, yaml_node_t *v)
{
    tt_loader *ld = w->ld;
    topic_ctx c;
    tt_src_topic *t;
    size_t i, np = 0;
    if (tt_grow(&ld->topics, &ld->topiccap, ld->ntopics + 1, sizeof *ld->topics)) {
        ld->nomem = 1;
        return;
    }
    t = &ld->topics[ld->ntopics++];
    memset(t, 0, sizeof *t);
    t->threshold = 1.0;
    t->pos = pos_of(w, v);
    memset(&c, 0, sizeof c);
    c.t = t;
    if (each_pair(w, v, "topic", topic_pair, &c))
        return;
    if (!c.have_id)
        err_at(w, key, TT_ERR_RULE, "topic has no 'id'");
    if (!c.have_title)
        err_at(w, key, TT_ERR_RULE, "topic has no 'title'");
    for (i = 0; i < t->npatterns; i++)
        np += !t->patterns[i].exclude;
    if (!c.have_patterns || np == 0)
        err_at(w, key, TT_ERR_RULE, "topic '%s' has no patterns", t->id ? t->id : "?");
}

/* ---- definitions and segmenter ----------------------------------------------------------- */

static void def_pair(walk *w, const char *key, yaml_node_t *k, yaml_node_t *v, void *vctx)
{
    tt_loader *ld = w->ld;
    tt_src_def *d;
    char *val;
    (void)vctx;
    if (!valid_id(key)) {
        err_at(w, k, TT_ERR_RULE,
               "definition name '%s' may use only lowercase letters, digits, '-' and '_'", key);
        return;
    }
    if (!(val = get_string(w, v, "definition")))
        return;
    if (tt_grow(&ld->defs, &ld->defcap, ld->ndefs + 1, sizeof *ld->defs)) {
        tt_free(val);
        ld->nomem = 1;
        return;
    }
    d = &ld->defs[ld->ndefs];
    d->name = tt_strdup(key);
    if (!d->name) {
        tt_free(val);
        ld->nomem = 1;
        return;
    }
    d->value = val;
    d->pos = pos_of(w, v);
    ld->ndefs++;
}

/* The lists a `segmenter:` mapping may hold; tt_abbr_kind order. */
static const struct {
    const char *key;
    int kind;
} SEG_LISTS[] = {
    {"abbreviations", TT_ABBR_NEVER_ENDS},
    {"abbreviations-may-end", TT_ABBR_MAY_END},
    {"starters", TT_WORD_STARTER},
    {"exclamation-names", TT_WORD_BANG_NAME},
};

typedef struct seg_ctx {
    unsigned given;            /* tt_abbr_kind bits of the lists in this mapping */
    int replace;
    yaml_node_t *replace_key;
} seg_ctx;

/* Whether s is a valid word of the given kind; records an error if not. */
static int seg_word_ok(walk *w, yaml_node_t *n, const char *s, int kind)
{
    size_t len = strlen(s), i;

    if (kind != TT_WORD_STARTER && len && s[len - 1] == (kind == TT_WORD_BANG_NAME ? '!' : '.'))
        len--;                 /* "Mr." is "Mr", "Yahoo!" is "Yahoo" */
    if (len == 0 || strchr(s, ' ')) {
        err_at(w, n, TT_ERR_RULE, "%s '%s' must be one word",
               kind == TT_WORD_STARTER    ? "starter"
               : kind == TT_WORD_BANG_NAME ? "exclamation name"
                                           : "abbreviation",
               s);
        return 0;
    }
    if (kind != TT_WORD_STARTER)
        return 1;
    for (i = 0; i < len && ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z')); i++)
        ;
    if (i < len || s[0] < 'A' || s[0] > 'Z' || len > 16) {
        err_at(w, n, TT_ERR_RULE,
               "starter '%s' must be a capitalised word of at most 16 ASCII letters", s);
        return 0;
    }
    return 1;
}

static void seg_pair(walk *w, const char *key, yaml_node_t *k, yaml_node_t *v, void *vctx)
{
    seg_ctx *c = vctx;
    tt_loader *ld = w->ld;
    yaml_node_item_t *it;
    size_t l;
    int kind;

    if (!strcmp(key, "replace")) {
        if (!get_bool(w, v, "replace", &c->replace))
            c->replace_key = k;
        return;
    }
    for (l = 0; l < sizeof SEG_LISTS / sizeof *SEG_LISTS && strcmp(key, SEG_LISTS[l].key); l++)
        ;
    if (l == sizeof SEG_LISTS / sizeof *SEG_LISTS) {
        err_at(w, k, TT_ERR_RULE,
               "unknown key '%s' in segmenter (expected abbreviations, abbreviations-may-end, "
               "starters, exclamation-names, replace)",
               key);
        return;
    }
    kind = SEG_LISTS[l].kind;
    if (v->type != YAML_SEQUENCE_NODE) {
        err_at(w, v, TT_ERR_RULE, "'%s' must be a list of strings, found %s", key,
               kind_name(v));
        return;
    }
    c->given |= (unsigned)kind;
    for (it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
        yaml_node_t *n = yaml_document_get_node(w->doc, *it);
        char *s;
        if (!n || !(s = get_string(w, n, key)))
            continue;
        if (!seg_word_ok(w, n, s, kind)) {
            tt_free(s);
            continue;
        }
        if (tt_grow(&ld->abbrevs, &ld->abbrevcap, ld->nabbrevs + 1, sizeof *ld->abbrevs)) {
            tt_free(s);
            ld->nomem = 1;
            return;
        }
        ld->abbrevs[ld->nabbrevs].word = s;
        ld->abbrevs[ld->nabbrevs].kind = kind;
        ld->abbrevs[ld->nabbrevs++].builtin = 0;
    }
}

/* A `segmenter:` mapping: its lists extend the built-in ones; with `replace: true` each list
 * it gives replaces the built-in list of that kind (whatever the order of the files). */
static void read_segmenter(walk *w, yaml_node_t *v)
{
    tt_loader *ld = w->ld;
    seg_ctx c = {0, 0, NULL};
    size_t i, n = 0;

    if (each_pair(w, v, "segmenter", seg_pair, &c) || !c.replace)
        return;
    if (!c.given) {
        err_at(w, c.replace_key, TT_ERR_RULE,
               "'replace: true' needs the lists it replaces (abbreviations, "
               "abbreviations-may-end, starters, exclamation-names) in the same mapping");
        return;
    }
    for (i = 0; i < ld->nabbrevs; i++)
        if (!ld->abbrevs[i].builtin || !((unsigned)ld->abbrevs[i].kind & c.given))
            ld->abbrevs[n++] = ld->abbrevs[i];
    ld->nabbrevs = n;
}

static void share_pair(walk *w, const char *what, yaml_node_t *v, double *out)
{
    get_number(w, v, what, 0.0, 1.0, out);
}

static void primary_pair(walk *w, const char *key, yaml_node_t *k, yaml_node_t *v, void *vctx)
{
    tt_src_article *a = vctx;
    if (!strcmp(key, "share"))
        share_pair(w, "share", v, &a->primary_share);
    else if (!strcmp(key, "share_alone"))
        share_pair(w, "share_alone", v, &a->primary_share_alone);
    else
        err_at(w, k, TT_ERR_RULE,
               "unknown key '%s' in article.roles.primary (expected share, share_alone)", key);
}

static void secondary_pair(walk *w, const char *key, yaml_node_t *k, yaml_node_t *v, void *vctx)
{
    tt_src_article *a = vctx;
    long n;
    if (!strcmp(key, "share")) {
        share_pair(w, "share", v, &a->secondary_share);
    } else if (!strcmp(key, "sentences")) {
        if (!get_int(w, v, "sentences", 1, 100000, &n))
            a->secondary_sentences = (uint32_t)n;
    } else if (!strcmp(key, "lead_sentences")) {
        if (!get_int(w, v, "lead_sentences", 1, 100000, &n))
            a->secondary_lead = (uint32_t)n;
    } else if (!strcmp(key, "score")) {
        get_number(w, v, "score", 0.0, 1e9, &a->secondary_score);
    } else {
        err_at(w, k, TT_ERR_RULE,
               "unknown key '%s' in article.roles.secondary (expected share, sentences, "
               "lead_sentences, score)",
               key);
    }
}

static void roles_pair(walk *w, const char *key, yaml_node_t *k, yaml_node_t *v, void *vctx)
{
    if (!strcmp(key, "primary"))
        each_pair(w, v, "article.roles.primary", primary_pair, vctx);
    else if (!strcmp(key, "secondary"))
        each_pair(w, v, "article.roles.secondary", secondary_pair, vctx);
    else
        err_at(w, k, TT_ERR_RULE,
               "unknown key '%s' in article.roles (expected primary, secondary)", key);
}

static void article_pair(walk *w, const char *key, yaml_node_t *k, yaml_node_t *v, void *vctx)
{
    tt_src_article *a = vctx;
    long n;
    if (!strcmp(key, "lead")) {
        if (!get_int(w, v, "lead", 0, 1000, &n))
            a->lead = (uint32_t)n;
    } else if (!strcmp(key, "switch")) {
        add_items(w, &a->switches, v, "switch");
    } else if (!strcmp(key, "dateline")) {
        add_items(w, &a->dateline, v, "dateline");
    } else if (!strcmp(key, "aside")) {
        add_items(w, &a->aside, v, "aside");
    } else if (!strcmp(key, "roles")) {
        each_pair(w, v, "article.roles", roles_pair, a);
    } else {
        err_at(w, k, TT_ERR_RULE,
               "unknown key '%s' in article (expected lead, switch, dateline, aside, roles)",
               key);
    }
}

static void read_article(walk *w, yaml_node_t *v)
{
    tt_src_article *a = &w->ld->article;
    if (a->given) {
        err_at(w, v, TT_ERR_RULE, "'article' settings are given twice (first at %s:%d)",
               a->pos.file, a->pos.line);
        return;
    }
    a->given = 1;
    a->pos = pos_of(w, v);
    each_pair(w, v, "article", article_pair, a);
}

typedef struct top_ctx {
    int have_version;
    int have_topic;
} top_ctx;

static void top_pair(walk *w, const char *key, yaml_node_t *k, yaml_node_t *v, void *vctx)
{
    top_ctx *c = vctx;
    if (!strcmp(key, "version")) {
        long ver;
        c->have_version = 1;
        if (v->type == YAML_SCALAR_NODE && !get_int(w, v, "version", 0, 1000000, &ver) &&
            ver != 1)
            err_at(w, v, TT_ERR_RULE, "unsupported schema version %ld (this topictag reads 1)",
                   ver);
        else if (v->type != YAML_SCALAR_NODE)
            err_at(w, v, TT_ERR_RULE, "'version' must be a number, found %s", kind_name(v));
    } else if (!strcmp(key, "topic")) {
        c->have_topic = 1;
        read_topic(w, k, v);
    } else if (!strcmp(key, "definitions")) {
        each_pair(w, v, "definitions", def_pair, NULL);
    } else if (!strcmp(key, "segmenter")) {
        read_segmenter(w, v);
    } else if (!strcmp(key, "article")) {
        read_article(w, v);
    } else if (!strcmp(key, "topics")) {
        err_at(w, k, TT_ERR_RULE, "unknown key 'topics': write one 'topic:' per file");
    } else {
        err_at(w, k, TT_ERR_RULE,
               "unknown key '%s' at top level (expected version, topic, definitions, segmenter, "
               "article)",
               key);
    }
}

/* ---- files ------------------------------------------------------------------------------- */

static const char *keep_name(tt_loader *ld, const char *name)
{
    char *s;
    if (tt_grow(&ld->files, &ld->filecap, ld->nfiles + 1, sizeof *ld->files) ||
        !(s = tt_strdup(name))) {
        ld->nomem = 1;
        return NULL;
    }
    ld->files[ld->nfiles++] = s;
    return s;
}

static int parse_buffer(tt_loader *ld, const char *file, const char *data, size_t len)
{
    yaml_parser_t parser;
    yaml_document_t doc;
    yaml_node_t *root;
    size_t before = ld->nerrors;
    tt_pos pos = {file, 0, 0, 0};
    walk w;

    if (len == 0) {
        pos.line = pos.column = 1;
        tt_loader_diag_add(ld, TT_SEV_ERROR, TT_ERR_RULE, &pos,
                           "empty rule file (expected a mapping with 'version: 1')");
        return (int)(ld->nerrors - before);
    }
    if (len > MAX_RULE_FILE) {
        pos.line = pos.column = 1;
        tt_loader_diag_add(ld, TT_SEV_ERROR, TT_ERR_RULE, &pos,
                           "rule file too large (more than %u bytes)", MAX_RULE_FILE);
        return (int)(ld->nerrors - before);
    }
    if (!yaml_parser_initialize(&parser)) {
        ld->nomem = 1;
        return -1;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
    yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
    if (!yaml_parser_load(&parser, &doc)) {
        const yaml_mark_t *m =
            parser.problem_mark.line || parser.problem_mark.column || !parser.context
                ? &parser.problem_mark
                : &parser.context_mark;
        if (parser.error == YAML_MEMORY_ERROR) {
            ld->nomem = 1;
            yaml_parser_delete(&parser);
            return -1;
        }
        pos.line = (int)m->line + 1;
        pos.column = (int)m->column + 1;
        if (parser.error == YAML_READER_ERROR) {
            /* libyaml gives a byte offset here, not a mark: count lines and columns */
            size_t k, off = parser.problem_offset < len ? parser.problem_offset : len;
            pos.line = 1;
            pos.column = 1;
            for (k = 0; k < off; k++) {
                if (data[k] == '\n') {
                    pos.line++;
                    pos.column = 1;
                } else if (((unsigned char)data[k] & 0xC0) != 0x80) {
                    pos.column++;
                }
            }
            tt_loader_diag_add(ld, TT_SEV_ERROR, TT_ERR_YAML, &pos,
                               "not UTF-8 text: %s at byte %zu",
                               parser.problem ? parser.problem : "bad input",
                               parser.problem_offset);
        } else {
            tt_loader_diag_add(ld, TT_SEV_ERROR, TT_ERR_YAML, &pos, "yaml: %s%s%s",
                               parser.problem ? parser.problem : "syntax error",
                               parser.context ? " " : "",
                               parser.context ? parser.context : "");
        }
        yaml_parser_delete(&parser);
        return (int)(ld->nerrors - before);
    }
    root = yaml_document_get_root_node(&doc);
    w.ld = ld;
    w.doc = &doc;
    w.file = file;
    if (!root) {
        pos.line = pos.column = 1;
        tt_loader_diag_add(ld, TT_SEV_ERROR, TT_ERR_RULE, &pos,
                           "empty rule file (expected a mapping with 'version: 1')");
    } else {
        top_ctx c = {0, 0};
        if (!each_pair(&w, root, "a rule file", top_pair, &c) && !c.have_version)
            err_at(&w, root, TT_ERR_RULE, "missing 'version: 1' at top level");
    }
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    if (ld->nomem)
        return -1;
    return (int)(ld->nerrors - before);
}

int tt_loader_add_buffer(tt_loader *ld, const char *name, const char *data, size_t len)
{
    const char *file = keep_name(ld, name ? name : "<buffer>");
    if (!file)
        return -1;
    return parse_buffer(ld, file, data, len);
}

static int read_file(tt_loader *ld, const char *path, const char *file)
{
    FILE *f = fopen(path, "rb");
    tt_pos pos = {file, 0, 0, 0};
    char *buf = NULL;
    size_t len = 0, cap = 0, n;
    int rc;
    if (!f) {
        tt_loader_diag_add(ld, TT_SEV_ERROR, TT_ERR_IO, &pos, "cannot read rule file: %s",
                           strerror(errno));
        return 1;
    }
    for (;;) {
        if (tt_grow(&buf, &cap, len + 65536, 1)) {
            fclose(f);
            tt_free(buf);
            ld->nomem = 1;
            return -1;
        }
        n = fread(buf + len, 1, cap - len, f);
        len += n;
        if (n == 0 || len > MAX_RULE_FILE)
            break;
    }
    if (ferror(f)) {
        tt_loader_diag_add(ld, TT_SEV_ERROR, TT_ERR_IO, &pos, "cannot read rule file: %s",
                           strerror(errno));
        fclose(f);
        tt_free(buf);
        return 1;
    }
    fclose(f);
    rc = parse_buffer(ld, file, buf, len);
    tt_free(buf);
    return rc;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int has_suffix(const char *s, const char *suf)
{
    size_t n = strlen(s), m = strlen(suf);
    return n > m && !strcmp(s + n - m, suf);
}

/* The folders being walked, innermost first: a folder met again is a symlink loop, skipped
 * (two links back to a parent would otherwise make the walk exponential). */
typedef struct dir_link {
    dev_t dev;
    ino_t ino;
    const struct dir_link *up;
} dir_link;

static int add_dir(tt_loader *ld, const char *dir, int depth, const struct stat *dst,
                   const dir_link *up)
{
    DIR *d;
    struct dirent *e;
    char **names = NULL;
    size_t n = 0, cap = 0, i;
    int errors = 0;
    tt_pos pos = {NULL, 0, 0, 0};
    const dir_link *a;
    dir_link me = {dst->st_dev, dst->st_ino, up};

    for (a = up; a; a = a->up) {
        if (a->dev == dst->st_dev && a->ino == dst->st_ino) {
            pos.file = keep_name(ld, dir);
            tt_loader_diag_add(ld, TT_SEV_WARNING, TT_ERR_IO, &pos,
                               "rule folder loop (a symlink to a parent folder): skipped");
            return 0;
        }
    }
    if (depth > MAX_DIR_DEPTH) {
        pos.file = keep_name(ld, dir);
        tt_loader_diag_add(ld, TT_SEV_ERROR, TT_ERR_IO, &pos,
                           "rule folders nest deeper than %d levels (a symlink loop?)",
                           MAX_DIR_DEPTH);
        return 1;
    }
    if (!(d = opendir(dir))) {
        pos.file = keep_name(ld, dir);
        tt_loader_diag_add(ld, TT_SEV_ERROR, TT_ERR_IO, &pos, "cannot read rule folder: %s",
                           strerror(errno));
        return 1;
    }
    while ((e = readdir(d))) {
        char *full;
        size_t dl = strlen(dir), el = strlen(e->d_name);
        if (e->d_name[0] == '.')
            continue;
        if (tt_grow(&names, &cap, n + 1, sizeof *names) || !(full = tt_malloc(dl + el + 2))) {
            ld->nomem = 1;
            break;
        }
        memcpy(full, dir, dl);
        if (dl && dir[dl - 1] != '/')
            full[dl++] = '/';
        memcpy(full + dl, e->d_name, el + 1);
        names[n++] = full;
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof *names, cmp_str);
    for (i = 0; i < n && !ld->nomem; i++) {
        struct stat st;
        if (stat(names[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            int rc = add_dir(ld, names[i], depth + 1, &st, &me);
            if (rc > 0)
                errors += rc;
        } else if (has_suffix(names[i], ".yaml") || has_suffix(names[i], ".yml")) {
            const char *file = keep_name(ld, names[i]);
            int rc = file ? read_file(ld, names[i], file) : -1;
            if (rc > 0)
                errors += rc;
        }
    }
    for (i = 0; i < n; i++)
        tt_free(names[i]);
    tt_free(names);
    return ld->nomem ? -1 : errors;
}

int tt_loader_add_path(tt_loader *ld, const char *path)
{
    struct stat st;
    size_t before = ld->nerrors;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        if (add_dir(ld, path, 0, &st, NULL) < 0 && ld->nomem)
            return -1;
        if (ld->nerrors == before && ld->ntopics == 0 && ld->ndefs == 0) {
            tt_pos pos = {keep_name(ld, path), 0, 0, 0};
            tt_loader_diag_add(ld, TT_SEV_WARNING, TT_ERR_RULE, &pos,
                               "no *.yaml rule files in this folder");
        }
    } else {
        const char *file = keep_name(ld, path);
        if (!file || read_file(ld, path, file) < 0)
            return -1;
    }
    return ld->nomem ? -1 : (int)(ld->nerrors - before);
}
