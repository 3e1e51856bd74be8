/* merge.c - `topictag merge`: combines the summaries of a batch split into shards (the
 * {"summary": ...} lines of `classify -f jsonl --summary`, one per process or machine) into
 * the summary one run over the whole batch would have written. */
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const cli_option merge_options[] = {
    {'o', "output", 1, "FILE", "write the merged summary to FILE instead of stdout"},
};

typedef struct settings {
    const char *output;
} settings;

static int on_option(void *ctx, int val, const char *arg)
{
    settings *s = ctx;
    if (val == 'o') {
        s->output = arg;
        return 0;
    }
    return EXIT_USAGE;
}

/* Keys whose value says what the numbers mean rather than counting something: the shards must
 * agree on them. */
static int is_label(const char *key)
{
    return !strcmp(key, "schema") || !strcmp(key, "id") || !strcmp(key, "version");
}

static int merge_value(json_t *into, json_t *from, const char *key, char *msg, size_t size);

/* An array of objects keyed by "id" (the topics): merged by id, new ids appended. */
static int merge_by_id(json_t *into, json_t *from, const char *key, char *msg, size_t size)
{
    size_t i, k;
    json_t *v, *w;
    json_array_foreach(from, i, v) {
        json_t *id = json_object_get(v, "id");
        json_t *match = NULL;
        if (!json_is_object(v) || !json_is_string(id)) {
            snprintf(msg, size, "'%s' holds an entry without an \"id\"", key);
            return -1;
        }
        json_array_foreach(into, k, w) {
            if (json_equal(json_object_get(w, "id"), id)) {
                match = w;
                break;
            }
        }
        if (!match) {
            if (json_array_append(into, v))
                return -2;
            continue;
        }
        if (merge_value(match, v, key, msg, size))
            return -1;
    }
    return 0;
}

/* Adds from into into: counts add up, objects merge key by key, labels must be equal.
 * 0, -1 with msg set (the shards cannot be merged), -2 out of memory. */
static int merge_value(json_t *into, json_t *from, const char *key, char *msg, size_t size)
{
    if (json_is_integer(into) && json_is_integer(from) && !is_label(key))
        return json_integer_set(into, json_integer_value(into) + json_integer_value(from)) ? -2
                                                                                         : 0;
    if (json_is_object(into) && json_is_object(from)) {
        const char *k;
        json_t *v;
        json_object_foreach(from, k, v) {
            json_t *w = json_object_get(into, k);
            int rc;
            if (!w) {
                if (json_object_set(into, k, v))
                    return -2;
                continue;
            }
            if ((rc = merge_value(w, v, k, msg, size)) != 0)
                return rc;
        }
        return 0;
    }
    if (json_is_array(into) && json_is_array(from))
        return merge_by_id(into, from, key, msg, size);
    if (is_label(key) && json_equal(into, from))
        return 0;
    snprintf(msg, size, "'%s' differs between shards and is not a count", key);
    return -1;
}

typedef struct merger {
    json_t *sum;           /* the merged summary object, or NULL before the first */
    json_int_t schema;     /* the summary lines' "schema" (they must agree), or -1: none */
    size_t n;              /* summaries merged */
} merger;

/* Reads one input: every {"summary": ...} line is merged, other lines (document records) are
 * skipped.  EXIT_OK, EXIT_INPUT or EXIT_SYSTEM, printed. */
static int merge_file(merger *m, const char *path)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
    const char *name = strcmp(path, "-") ? path : "standard input";
    char *line = NULL, msg[300];
    size_t cap = 0, lineno = 0, found = 0;
    ssize_t len;
    int rc = EXIT_OK;
    if (!f) {
        fprintf(stderr, "topictag: %s: %s\n", path, strerror(errno));
        return EXIT_INPUT;
    }
    while (rc == EXIT_OK && (len = getline(&line, &cap, f)) >= 0) {
        json_error_t jerr;
        json_t *rec, *sum;
        int r;
        lineno++;
        if (len == 0 || line[strspn(line, " \t\r\n")] != '{' || !strstr(line, "\"summary\""))
            continue;   /* a document record, or not JSON at all: not a summary */
        if (!(rec = json_loadb(line, (size_t)len, 0, &jerr))) {
            fprintf(stderr, "%s:%zu: malformed JSON: %s\n", name, lineno, jerr.text);
            rc = EXIT_INPUT;
            break;
        }
        sum = json_object_get(rec, "summary");
        if (!json_is_object(sum)) {
            json_decref(rec);
            continue;   /* a record whose text merely mentions "summary" */
        }
        found++;
        {
            json_t *sv = json_object_get(rec, "schema");
            json_int_t schema = json_is_integer(sv) ? json_integer_value(sv) : -1;
            if (m->sum && schema != m->schema) {
                fprintf(stderr, "%s:%zu: cannot merge this summary: schema %" JSON_INTEGER_FORMAT
                                " after schema %" JSON_INTEGER_FORMAT "\n",
                        name, lineno, schema, m->schema);
                json_decref(rec);
                rc = EXIT_INPUT;
                break;
            }
            m->schema = schema;
        }
        if (!m->sum) {
            m->sum = json_incref(sum);
            m->n++;
            json_decref(rec);
            continue;
        }
        r = merge_value(m->sum, sum, "summary", msg, sizeof msg);
        json_decref(rec);
        if (r == -2) {
            fputs("topictag: out of memory\n", stderr);
            rc = EXIT_SYSTEM;
        } else if (r) {
            fprintf(stderr, "%s:%zu: cannot merge this summary: %s\n", name, lineno, msg);
            rc = EXIT_INPUT;
        } else {
            m->n++;
        }
    }
    if (rc == EXIT_OK && ferror(f)) {
        fprintf(stderr, "topictag: %s: %s\n", name, strerror(errno));
        rc = EXIT_INPUT;
    }
    if (rc == EXIT_OK && !found) {
        fprintf(stderr, "topictag: %s: no {\"summary\": ...} line (write one with `classify -f "
                        "jsonl --summary`)\n",
                name);
        rc = EXIT_INPUT;
    }
    free(line);
    if (f != stdin)
        fclose(f);
    return rc;
}

static int run(const cli_command *cmd, int argc, char **argv)
{
    settings s;
    merger m;
    FILE *out;
    char *text = NULL;
    int rc, i;
    static char stdin_name[] = "-";
    char *dash[] = {stdin_name};
    char **paths;
    int npaths;
    memset(&s, 0, sizeof s);
    memset(&m, 0, sizeof m);
    rc = cli_parse(cmd, argc, argv, on_option, &s);
    if (rc >= 0)
        return rc;
    paths = optind < argc ? argv + optind : dash;
    npaths = optind < argc ? argc - optind : 1;
    rc = EXIT_OK;
    for (i = 0; i < npaths && rc != EXIT_SYSTEM; i++)
        rc = cli_exit_worst(rc, merge_file(&m, paths[i]));
    if (rc != EXIT_OK)
        goto done;   /* every input gave a summary: m.sum is set */
    /* the same spacing as classify writes, so one run and merged shards compare byte for byte */
    if (!(text = json_dumps(m.sum, JSON_PRESERVE_ORDER))) {
        fputs("topictag: out of memory\n", stderr);
        rc = EXIT_SYSTEM;
        goto done;
    }
    if (!(out = cli_open_output(s.output))) {
        rc = EXIT_SYSTEM;
        goto done;
    }
    if (m.schema >= 0)   /* as classify writes it: {"schema": N, "summary": {...}} */
        fprintf(out, "{\"schema\": %" JSON_INTEGER_FORMAT ", \"summary\": %s}\n", m.schema,
                text);
    else
        fprintf(out, "{\"summary\": %s}\n", text);
    rc = cli_close_output(out, out == stdout ? NULL : s.output);
    fprintf(stderr, "topictag: merged %zu summar%s\n", m.n, m.n == 1 ? "y" : "ies");
done:
    free(text);
    json_decref(m.sum);
    return rc;
}

const cli_command cli_merge = {
    "merge", "topictag merge [-o FILE] [FILE...]",
    "Combine the summaries of a batch split across processes or machines into one, as a single\n"
    "run would have written it: FILE (default: stdin) holds `classify -f jsonl --summary`\n"
    "output; its {\"summary\": ...} lines are merged (counts add up, topics merge by id) and\n"
    "every other line is skipped.  Exit status 4 when a FILE has no summary line or the\n"
    "summaries disagree on something that is not a count.",
    merge_options, sizeof merge_options / sizeof *merge_options, run};
