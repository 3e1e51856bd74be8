/* diff.c - `topictag diff`: which sentences gain or lose which topic between two versions of
 * a ruleset, over a reference corpus.  How a rule change is reviewed. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "input.h"
#include "progress.h"

enum { O_AGAINST = 256, O_FAIL_ON_CHANGE, O_INCLUDE, O_LIMIT, O_KEEP_FIELD, O_ALLOW_EMPTY };

static const cli_option diff_options[] = {
    {'r', "rules", 1, "OLD", "the old rules: a file or folder (repeatable)"},
    {O_AGAINST, "against", 1, "NEW", "the new rules: a file or folder (repeatable)"},
    {'f', "format", 1, "FORMAT", "text (default), json or markdown"},
    {O_FAIL_ON_CHANGE, "fail-on-change", 0, NULL, "exit 1 when any sentence gains or loses a topic"},
    {O_INCLUDE, "include", 1, "GLOB", "files to read inside folders (default *.txt)"},
    {O_LIMIT, "limit", 1, "N", "text/markdown: list at most N changed sentences (default 200)"},
    {O_ALLOW_EMPTY, "allow-empty", 0, NULL,
     "a corpus of no documents is not an error (default: a warning and exit 7)"},
    {O_KEEP_FIELD, "keep-field", 1, "NAME,...",
     "json, JSON Lines input: copy these fields of each record into its changes (\"fields\"); "
     "repeatable"},
    CLI_OPT_PROGRESS,
};

enum { FMT_TEXT, FMT_JSON, FMT_MD };

typedef struct settings {
    cli_rules old_rules, new_rules;
    int format;
    int fail_on_change;
    int allow_empty;
    int progress;          /* CLI_PROGRESS_* */
    long limit;
    tt_input_options in;
    char **keep;           /* --keep-field names, malloc'd */
    size_t nkeep;
} settings;

static int on_option(void *ctx, int val, const char *arg)
{
    settings *s = ctx;
    switch (val) {
    case 'r': return cli_rules_add(&s->old_rules, arg);
    case O_AGAINST: return cli_rules_add(&s->new_rules, arg);
    case O_FAIL_ON_CHANGE: s->fail_on_change = 1; return 0;
    case O_ALLOW_EMPTY: s->allow_empty = 1; return 0;
    case CLI_OPT_PROGRESS_VALS:
    case CLI_OPT_PROGRESS_VALS + 1: cli_progress_option(val, &s->progress); return 0;
    case O_INCLUDE: s->in.include = arg; return 0;
    case O_KEEP_FIELD: return cli_keep_field(&s->keep, &s->nkeep, arg);
    case O_LIMIT:
        return cli_parse_count(arg, 0, LONG_MAX, &s->limit, "--limit must be a number, 0 or more");
    case 'f':
        if (!strcmp(arg, "text"))
            s->format = FMT_TEXT;
        else if (!strcmp(arg, "json"))
            s->format = FMT_JSON;
        else if (!strcmp(arg, "markdown") || !strcmp(arg, "md"))
            s->format = FMT_MD;
        else
            return cli_usage_error("unknown format (expected text, json, markdown)", arg);
        return 0;
    }
    return EXIT_USAGE;
}

/* One changed sentence: the topic ids it gained and lost (in the old or new ruleset). */
typedef struct change {
    char *document;
    char *id;                  /* the JSON Lines record's id, or NULL */
    char *fields;              /* --keep-field: the record's kept fields as a JSON object */
    char *text;
    size_t index, start, end;
    char *gained;              /* space-separated topic ids */
    char *lost;
} change;

typedef struct topic_count {
    char *id;
    size_t gained, lost, old_sentences, new_sentences;
} topic_count;

typedef struct diff_ctx {
    cli_progress *progress;    /* or NULL */
    const tt_ruleset *old_rs, *new_rs;
    tt_scanner *old_sc, *new_sc;
    change *changes;
    size_t nchanges, cap;
    topic_count *topics;
    size_t ntopics;
    size_t docs, sentences, failed, resegmented;
    int nomem;
    const settings *s;
    const tt_doc_meta *meta;   /* of the document the input hands on next, or NULL */
    char *fields;              /* its kept fields as a JSON object, made at its first change */
} diff_ctx;

static topic_count *count_for(diff_ctx *c, const char *id)
{
    size_t i;
    for (i = 0; i < c->ntopics; i++)
        if (!strcmp(c->topics[i].id, id))
            return &c->topics[i];
    return NULL;
}

static int add_topic(diff_ctx *c, const char *id)
{
    topic_count *nt;
    if (count_for(c, id))
        return 0;
    if (!(nt = realloc(c->topics, (c->ntopics + 1) * sizeof *nt)))
        return -1;
    c->topics = nt;
    memset(&nt[c->ntopics], 0, sizeof *nt);
    if (!(nt[c->ntopics].id = strdup(id)))
        return -1;
    c->ntopics++;
    return 0;
}

/* Does the sentence of r that starts at start carry topic id? */
static int has_topic(const tt_ruleset *rs, const tt_result *r, const tt_sentence *s, const char *id)
{
    size_t nt, i;
    const tt_tag *tags = tt_result_tags(r, &nt);
    for (i = 0; i < s->tag_count; i++)
        if (!strcmp(tt_ruleset_topic(rs, tags[s->tag_first + i].topic)->id, id))
            return 1;
    return 0;
}

static int append_id(char **list, const char *id)
{
    size_t n = *list ? strlen(*list) : 0, m = strlen(id);
    char *nl = realloc(*list, n + m + 2);
    if (!nl)
        return -1;
    if (n)
        nl[n++] = ' ';
    memcpy(nl + n, id, m + 1);
    *list = nl;
    return 0;
}

/* The input's meta hook: what it knows of the document it hands on next (each_doc). */
static void doc_meta(void *vctx, const tt_doc_meta *m)
{
    ((diff_ctx *)vctx)->meta = m;
}

/* The kept fields of the current document as the JSON object classify writes, {} for a
 * record that could not be read; c->fields, made once per document.  Returns 0, or -1 on
 * out of memory. */
static int kept_fields(diff_ctx *c)
{
    const tt_doc_meta *m = c->meta;
    char *buf = NULL;
    size_t len = 0, i;
    int first = 1;
    FILE *o;
    if (c->fields || !c->s->nkeep)
        return 0;
    if (!(o = open_memstream(&buf, &len)))
        return -1;
    putc('{', o);
    for (i = 0; m && m->fields && i < c->s->nkeep; i++) {
        if (!m->fields[i].json)
            continue;   /* absent from the record: absent here */
        fputs(first ? "" : ", ", o);
        first = 0;
        cli_json(o, c->s->keep[i], strlen(c->s->keep[i]));
        fputs(": ", o);
        fwrite(m->fields[i].json, 1, m->fields[i].json_len, o);
    }
    putc('}', o);
    if (fclose(o) != 0) {
        free(buf);
        return -1;
    }
    c->fields = buf;
    return 0;
}

/* Compares the two results sentence by sentence; sentences are matched by byte span, so a
 * changed segmentation shows as a loss on the old span and a gain on the new one. */
static int compare(diff_ctx *c, const char *name, const char *docid, const tt_result *a,
                   const tt_result *b)
{
    size_t na, nb, i = 0, j = 0, k;
    const tt_sentence *sa = tt_result_sentences(a, &na);
    const tt_sentence *sb = tt_result_sentences(b, &nb);
    const char *text = tt_result_text(a);
    int reseg = na != nb;
    c->sentences += nb;
    for (k = 0; k < c->ntopics; k++) {
        for (i = 0; i < na; i++)
            c->topics[k].old_sentences += has_topic(c->old_rs, a, &sa[i], c->topics[k].id);
        for (i = 0; i < nb; i++)
            c->topics[k].new_sentences += has_topic(c->new_rs, b, &sb[i], c->topics[k].id);
    }
    i = j = 0;
    while (i < na || j < nb) {
        const tt_sentence *x = NULL, *y = NULL;
        change ch;
        memset(&ch, 0, sizeof ch);
        if (i < na && j < nb && sa[i].start == sb[j].start && sa[i].end == sb[j].end) {
            x = &sa[i++];
            y = &sb[j++];
        } else if (j >= nb || (i < na && sa[i].start <= sb[j].start)) {
            x = &sa[i++];
            reseg = 1;
        } else {
            y = &sb[j++];
            reseg = 1;
        }
        for (k = 0; k < c->ntopics; k++) {
            const char *id = c->topics[k].id;
            int was = x && has_topic(c->old_rs, a, x, id);
            int is = y && has_topic(c->new_rs, b, y, id);
            if (was == is)
                continue;
            if (is) {
                c->topics[k].gained++;
                if (append_id(&ch.gained, id))
                    return -1;
            } else {
                c->topics[k].lost++;
                if (append_id(&ch.lost, id))
                    return -1;
            }
        }
        if (!ch.gained && !ch.lost)
            continue;
        {
            const tt_sentence *z = y ? y : x;
            change *nc;
            if (c->nchanges == c->cap) {
                nc = realloc(c->changes, (c->cap = c->cap ? c->cap * 2 : 64) * sizeof *nc);
                if (!nc) {
                    free(ch.gained);
                    free(ch.lost);
                    return -1;
                }
                c->changes = nc;
            }
            ch.document = strdup(name);
            ch.id = docid ? strdup(docid) : NULL;
            if (kept_fields(c) || (c->fields && !(ch.fields = strdup(c->fields)))) {
                free(ch.document);
                free(ch.id);
                free(ch.gained);
                free(ch.lost);
                return -1;
            }
            ch.text = strndup(text + z->start, z->end - z->start);
            ch.index = (size_t)(z - (y ? sb : sa));
            ch.start = z->start;
            ch.end = z->end;
            c->changes[c->nchanges++] = ch;
            if (!ch.document || !ch.text || (docid && !ch.id))
                return -1;
        }
    }
    c->resegmented += reseg;
    return 0;
}

static int each_doc(void *vctx, const char *name, const char *id, const char *text, size_t len,
                    const tt_error *derr)
{
    diff_ctx *c = vctx;
    const tt_result *a, *b;
    tt_error err;
    size_t ne;
    c->docs++;
    free(c->fields);   /* the previous document's */
    c->fields = NULL;
    cli_progress_add(c->progress, text ? len : 0);
    if (!text) {
        cli_message("topictag: %s: %s\n", name, derr ? derr->message : "cannot read");
        c->failed++;
        return 0;
    }
    /* both results live in their own scanner: classify both, then compare */
    if (!(a = tt_classify(c->old_sc, text, len, &err)) ||
        !(b = tt_classify(c->new_sc, text, len, &err))) {
        c->nomem = 1;
        return -1;
    }
    tt_result_errors(a, &ne);
    if (ne) {
        const tt_doc_error *e = tt_result_errors(a, &ne);
        cli_message("topictag: %s: %s\n", name, e[0].message);
        c->failed++;
    } else {
        tt_result_errors(b, &ne);
        if (ne) {
            const tt_doc_error *e = tt_result_errors(b, &ne);
            cli_message("topictag: %s: %s\n", name, e[0].message);
            c->failed++;
        }
    }
    if (compare(c, name, id, a, b)) {
        c->nomem = 1;
        return -1;
    }
    return 0;
}

static void oneline(FILE *o, const char *s, size_t max)
{
    size_t i;
    for (i = 0; s[i] && i < max; i++)
        putc(s[i] == '\n' || s[i] == '\r' || s[i] == '\t' ? ' ' : s[i], o);
    if (s[i]) {
        while (((unsigned char)s[i] & 0xC0) == 0x80)
            putc(s[i++], o);   /* finish the UTF-8 sequence */
        fputs("...", o);
    }
}

static void json_ids(FILE *o, const char *list)
{
    const char *p = list;
    int first = 1;
    putc('[', o);
    while (p && *p) {
        const char *e = strchr(p, ' ');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        fprintf(o, "%s\"%.*s\"", first ? "" : ", ", (int)n, p);
        first = 0;
        p = e ? e + 1 : NULL;
    }
    putc(']', o);
}

/* Prints " +a +b" for the space-separated ids of list. */
static void print_ids(FILE *o, char sign, const char *list)
{
    int start = 1;
    for (; list && *list; list++) {
        if (*list == ' ') {
            start = 1;
            continue;
        }
        if (start)
            fprintf(o, " %c", sign);
        start = 0;
        putc(*list, o);
    }
}

static void report(const diff_ctx *c, const settings *s, FILE *o)
{
    size_t i, shown = 0;
    if (s->format == FMT_JSON) {
        fprintf(o, "{\"schema\": %d, \"document_count\": %zu, \"sentences\": %zu, "
                   "\"changed_sentences\": %zu, "
                   "\"resegmented_documents\": %zu, \"topics\": [",
                TT_JSON_SCHEMA, c->docs, c->sentences, c->nchanges, c->resegmented);
        for (i = 0; i < c->ntopics; i++) {
            fprintf(o, "%s{\"id\": ", i ? ", " : "");
            cli_json(o, c->topics[i].id, strlen(c->topics[i].id));
            fprintf(o, ", \"old\": %zu, \"new\": %zu, \"gained\": %zu, \"lost\": %zu}",
                    c->topics[i].old_sentences, c->topics[i].new_sentences, c->topics[i].gained,
                    c->topics[i].lost);
        }
        fputs("], \"changes\": [", o);
        for (i = 0; i < c->nchanges; i++) {
            const change *ch = &c->changes[i];
            fprintf(o, "%s{", i ? ",\n" : "\n");
            tt_json_name(o, "document", ch->document);
            if (ch->id) {
                fputs(", \"id\": ", o);
                cli_json(o, ch->id, strlen(ch->id));
            }
            if (ch->fields)
                fprintf(o, ", \"fields\": %s", ch->fields);
            fprintf(o, ", \"sentence\": %zu, \"start\": %zu, \"end\": %zu, \"gained\": ", ch->index,
                    ch->start, ch->end);
            json_ids(o, ch->gained);
            fputs(", \"lost\": ", o);
            json_ids(o, ch->lost);
            fputs(", \"text\": ", o);
            cli_json(o, ch->text, strlen(ch->text));
            fputs("}", o);
        }
        fputs("]}\n", o);
        return;
    }
    if (s->format == FMT_MD) {
        fprintf(o, "### topictag diff: %zu of %zu sentence%s change%s, in %zu document%s\n\n",
                c->nchanges, c->sentences, cli_plural(c->sentences),
                c->nchanges == 1 ? "s" : "", c->docs, cli_plural(c->docs));
        fputs("| topic | old | new | gained | lost |\n|---|---:|---:|---:|---:|\n", o);
        for (i = 0; i < c->ntopics; i++)
            fprintf(o, "| `%s` | %zu | %zu | +%zu | -%zu |\n", c->topics[i].id,
                    c->topics[i].old_sentences, c->topics[i].new_sentences, c->topics[i].gained,
                    c->topics[i].lost);
        if (c->nchanges) {
            fputs("\n<details><summary>Changed sentences</summary>\n\n", o);
            for (i = 0; i < c->nchanges && (long)shown < s->limit; i++, shown++) {
                const change *ch = &c->changes[i];
                fprintf(o, "- `%s` [%zu]", ch->document, ch->index);
                if (ch->id)   /* the record's id, as in the text and JSON reports */
                    fprintf(o, " (id `%s`)", ch->id);
                if (ch->gained)
                    fprintf(o, " **+%s**", ch->gained);
                if (ch->lost)
                    fprintf(o, " ~~-%s~~", ch->lost);
                fputs(": ", o);
                oneline(o, ch->text, 240);
                putc('\n', o);
            }
            if (c->nchanges > shown)
                fprintf(o, "- ... and %zu more\n", c->nchanges - shown);
            fputs("\n</details>\n", o);
        }
        if (c->resegmented)
            fprintf(o, "\nSegmentation differs in %zu document%s.\n", c->resegmented,
                    cli_plural(c->resegmented));
        return;
    }
    for (i = 0; i < c->nchanges && (long)shown < s->limit; i++, shown++) {
        const change *ch = &c->changes[i];
        fprintf(o, "%s [%zu]", ch->document, ch->index);
        if (ch->id)
            fprintf(o, " (id %s)", ch->id);
        print_ids(o, '+', ch->gained);
        print_ids(o, '-', ch->lost);
        fputs("\n    ", o);
        oneline(o, ch->text, 300);
        putc('\n', o);
    }
    if (c->nchanges > shown)
        fprintf(o, "... and %zu more changed sentence%s (--limit)\n", c->nchanges - shown,
                cli_plural(c->nchanges - shown));
    fprintf(o, "%s%zu of %zu sentence%s change%s, in %zu document%s%s\n",
            c->nchanges ? "\n" : "", c->nchanges, c->sentences, cli_plural(c->sentences),
            c->nchanges == 1 ? "s" : "", c->docs, cli_plural(c->docs),
            c->resegmented ? " (segmentation differs in some)" : "");
    fprintf(o, "  %-32s %7s %7s %7s %7s\n", "topic", "old", "new", "gained", "lost");
    for (i = 0; i < c->ntopics; i++)
        fprintf(o, "  %-32s %7zu %7zu %+7zd %7zd\n", c->topics[i].id,
                c->topics[i].old_sentences, c->topics[i].new_sentences,
                (ssize_t)c->topics[i].gained, -(ssize_t)c->topics[i].lost);
}

static int run(const cli_command *cmd, int argc, char **argv)
{
    settings s;
    diff_ctx c;
    tt_ruleset *old_rs = NULL, *new_rs = NULL;
    size_t i;
    int rc, code, walk = 0;
    memset(&s, 0, sizeof s);
    memset(&c, 0, sizeof c);
    s.limit = 200;
    rc = cli_parse(cmd, argc, argv, on_option, &s);
    if (rc >= 0)
        goto done;
    if (!s.old_rules.n || !s.new_rules.n) {
        rc = cli_usage_error("diff needs the old rules (-r) and the new rules (--against)", NULL);
        goto done;
    }
    if (optind >= argc) {
        rc = cli_usage_error("diff needs a corpus: name files or folders", NULL);
        goto done;
    }
    if (s.nkeep && s.format != FMT_JSON) {
        rc = cli_usage_error("--keep-field copies fields into the changes of -f json: use -f json",
                             NULL);
        goto done;
    }
    /* before anything is loaded: a named *.txt cannot give fields */
    if (s.nkeep && tt_input_check_jsonl(&s.in, argv + optind, argc - optind)) {
        rc = EXIT_USAGE;
        goto done;
    }
    if (!(old_rs = cli_load_rules(&s.old_rules, 0, &code, NULL)) ||
        !(new_rs = cli_load_rules(&s.new_rules, 0, &code, NULL))) {
        rc = code;
        goto done;
    }
    c.s = &s;
    s.in.keep_fields = (const char *const *)s.keep;
    s.in.nkeep = s.nkeep;
    s.in.meta = doc_meta;
    c.old_rs = old_rs;
    c.new_rs = new_rs;
    {
        tt_limits lim;
        cli_limits(&lim);
        c.old_sc = tt_scanner_new(old_rs, &lim);
        c.new_sc = tt_scanner_new(new_rs, &lim);
    }
    if (!c.old_sc || !c.new_sc)
        c.nomem = 1;
    for (i = 0; i < tt_ruleset_topic_count(old_rs) && !c.nomem; i++)
        c.nomem = add_topic(&c, tt_ruleset_topic(old_rs, i)->id) != 0;
    for (i = 0; i < tt_ruleset_topic_count(new_rs) && !c.nomem; i++)
        c.nomem = add_topic(&c, tt_ruleset_topic(new_rs, i)->id) != 0;
    if (!c.nomem) {
        c.progress = cli_progress_new(s.progress, "diff", argv + optind, argc - optind,
                                      s.in.include);
        walk = tt_input_each(&s.in, argv + optind, argc - optind, each_doc, &c);
        cli_progress_end(c.progress);
    }
    if (walk == TT_INPUT_NOT_JSONL) {
        rc = EXIT_USAGE;   /* said by the input: a *.txt in a folder, prose on stdin */
        goto done;
    }
    if (c.nomem) {
        fputs("topictag: out of memory\n", stderr);
        rc = EXIT_SYSTEM;
        goto done;
    }
    report(&c, &s, stdout);
    rc = c.failed ? EXIT_INPUT : (s.fail_on_change && c.nchanges) ? EXIT_NOMATCH : EXIT_OK;
    if (rc == EXIT_OK && !c.docs && !s.allow_empty) {
        /* no change in no document: a wrong path must not pass --fail-on-change */
        fputs("topictag: warning: no documents to read; --allow-empty accepts an empty corpus\n",
              stderr);
        rc = EXIT_EMPTY;
    }
done:
    for (i = 0; i < c.nchanges; i++) {
        free(c.changes[i].document);
        free(c.changes[i].id);
        free(c.changes[i].fields);
        free(c.changes[i].text);
        free(c.changes[i].gained);
        free(c.changes[i].lost);
    }
    free(c.changes);
    free(c.fields);
    cli_keep_release(s.keep, s.nkeep);
    for (i = 0; i < c.ntopics; i++)
        free(c.topics[i].id);
    free(c.topics);
    tt_scanner_free(c.old_sc);
    tt_scanner_free(c.new_sc);
    tt_ruleset_free(old_rs);
    tt_ruleset_free(new_rs);
    cli_rules_release(&s.old_rules);
    cli_rules_release(&s.new_rules);
    return rc;
}

const cli_command cli_diff = {
    "diff", "topictag diff -r OLD_RULES --against NEW_RULES [-f text|json|markdown] CORPUS...",
    "Classify CORPUS with both rulesets and list the sentences that gain or lose a topic,\n"
    "with counts per topic: how a rule change is reviewed.  Markdown fits a pull-request\n"
    "comment.  With --fail-on-change, exit 1 when anything changes.",
    diff_options, sizeof diff_options / sizeof *diff_options, run};
