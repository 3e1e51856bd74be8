/* test.c - `topictag test`: run the inline examples of the rule files through the real
 * engine (segmenter included) and report failures with their position. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "select.h"
#include "watch.h"

enum { O_JUNIT = 256, O_WATCH, O_WATCH_COUNT, O_TOPIC };

static const cli_option test_options[] = {
    CLI_OPT_RULES,
    {'f', "format", 1, "FORMAT", "text (default), tap or json"},
    {O_JUNIT, "junit", 1, "FILE", "also write a JUnit XML report to FILE"},
    {'v', "verbose", 0, NULL, "text: list passing examples too"},
    {O_WATCH, "watch", 0, NULL,
     "re-run whenever a rule file changes, printing the examples whose outcome changed"},
    {O_WATCH_COUNT, "watch-count", 1, "N", "with --watch: stop after N re-runs (for scripts)"},
    {O_TOPIC, "topic", 1, "ID[,ID...]",
     "run only the examples of these topics (inside the full ruleset)"},
};

enum { FMT_TEXT, FMT_TAP, FMT_JSON };

typedef struct settings {
    cli_rules rules;
    int format;
    const char *junit;
    int verbose;
    int watch;
    long watch_count;
    const char *topic;         /* --topic */
    cli_topics sel;            /* its topics, once the rules are loaded */
} settings;

static int on_option(void *ctx, int val, const char *arg)
{
    settings *s = ctx;
    switch (val) {
    case 'r': return cli_rules_add(&s->rules, arg);
    case 'v': s->verbose = 1; return 0;
    case O_WATCH: s->watch = 1; return 0;
    case O_WATCH_COUNT:
        return cli_parse_count(arg, 0, LONG_MAX, &s->watch_count,
                               "--watch-count must be a number, 0 or more");
    case O_JUNIT: s->junit = arg; return 0;
    case O_TOPIC: s->topic = arg; return 0;
    case 'f':
        if (!strcmp(arg, "text"))
            s->format = FMT_TEXT;
        else if (!strcmp(arg, "tap"))
            s->format = FMT_TAP;
        else if (!strcmp(arg, "json"))
            s->format = FMT_JSON;
        else
            return cli_usage_error("unknown format (expected text, tap, json)", arg);
        return 0;
    }
    return EXIT_USAGE;
}

/* The outcome of one example. */
enum { R_PASS, R_FAIL, R_TODO, R_TODO_FIXED };
static const char *const outcome_name[] = {"pass", "fail", "todo", "todo-passes"};
static const char *const kind_name[] = {"tag", "not", "todo", "todo-not"};

typedef struct outcome {
    int result;
    char expected[160];    /* "tag 'taiwan-strait' on sentence 2", "no 'x'" */
    char found[320];       /* "it", "none", or why the text could not be checked */
    char detail[1024];     /* expected, found and each sentence's patterns, for failures */
} outcome;

/* Appends a (after sep) to buf. */
static void append(char *buf, size_t size, const char *sep, const char *a)
{
    size_t n = strlen(buf);
    if (n + 1 < size)
        snprintf(buf + n, size - n, "%s%s", sep, a);
}

/* The patterns of topic t that fired in sentence s (from the explain traces). */
static void fired(const tt_ruleset *rs, const tt_result *r, size_t s, uint32_t t, char *buf,
                  size_t size)
{
    size_t nt, nm, i, k;
    const tt_trace *tr = tt_result_traces(r, &nt);
    const tt_match *m = tt_result_trace_matches(r, &nm);
    buf[0] = '\0';
    for (i = 0; i < nt; i++) {
        if (tr[i].sentence != s || tr[i].topic != t)
            continue;
        for (k = 0; k < tr[i].match_count; k++) {
            const tt_pattern_info *pi = tt_ruleset_pattern(rs, m[tr[i].match_first + k].pattern);
            if (k && m[tr[i].match_first + k].pattern == m[tr[i].match_first + k - 1].pattern)
                continue;
            append(buf, size, buf[0] ? ", " : "", pi->id);
        }
    }
    if (!buf[0])
        snprintf(buf, size, "none");
}

static int carries(const tt_result *r, size_t s, uint32_t topic)
{
    size_t ns, nt, i;
    const tt_sentence *sent = tt_result_sentences(r, &ns);
    const tt_tag *tags = tt_result_tags(r, &nt);
    for (i = 0; i < sent[s].tag_count; i++)
        if (tags[sent[s].tag_first + i].topic == topic)
            return 1;
    return 0;
}

static int run_example(const tt_ruleset *rs, tt_scanner *sc, const tt_example_info *ex,
                       outcome *out)
{
    tt_error err;
    const tt_result *r = tt_classify(sc, ex->text, strlen(ex->text), &err);
    size_t ns, ne, i;
    int want = ex->kind == TT_EX_TAG || ex->kind == TT_EX_TODO, got = 0;
    char pats[512];
    const tt_doc_error *e;
    out->detail[0] = '\0';
    if (!r)
        return -1;
    e = tt_result_errors(r, &ne);
    tt_result_sentences(r, &ns);
    snprintf(out->expected, sizeof out->expected, "%stopic '%s'", want ? "" : "no ",
             tt_ruleset_topic(rs, ex->topic)->id);
    if (ex->sentence >= 0) {
        size_t n = strlen(out->expected);
        snprintf(out->expected + n, sizeof out->expected - n, " on sentence %ld", ex->sentence);
    }
    if (ne) {
        snprintf(out->found, sizeof out->found, "the text could not be classified: %s",
                 e[0].message);
        snprintf(out->detail, sizeof out->detail, "%s", out->found);
        out->result = R_FAIL;
        return 0;
    }
    if (ex->sentence >= 0) {
        if ((size_t)ex->sentence >= ns) {
            snprintf(out->found, sizeof out->found,
                     "there is no sentence %ld: the text has %zu sentence%s", ex->sentence, ns,
                     cli_plural(ns));
            snprintf(out->detail, sizeof out->detail, "%s", out->found);
            out->result = R_FAIL;
            return 0;
        }
        got = carries(r, (size_t)ex->sentence, ex->topic);
    } else {
        for (i = 0; i < ns && !got; i++)
            got = carries(r, i, ex->topic);
    }
    if (got == want) {
        out->result = ex->kind == TT_EX_TODO || ex->kind == TT_EX_TODO_NOT ? R_TODO_FIXED : R_PASS;
    } else {
        out->result = ex->kind == TT_EX_TODO || ex->kind == TT_EX_TODO_NOT ? R_TODO : R_FAIL;
    }
    snprintf(out->found, sizeof out->found, "%s", got ? "it" : "none");
    /* say what fired, sentence by sentence */
    snprintf(out->detail, sizeof out->detail, "expected %s'%s'%s, found %s",
             want ? "" : "no ", tt_ruleset_topic(rs, ex->topic)->id,
             ex->sentence >= 0 ? " on the given sentence" : "", got ? "it" : "none");
    for (i = 0; i < ns; i++) {
        char line[700];
        if (ex->sentence >= 0 && (size_t)ex->sentence != i)
            continue;
        fired(rs, r, i, ex->topic, pats, sizeof pats);
        snprintf(line, sizeof line, "\n    sentence %zu: %s; patterns fired: %s", i,
                 carries(r, i, ex->topic) ? "tagged" : "not tagged", pats);
        append(out->detail, sizeof out->detail, "", line);
    }
    return 0;
}

static void short_text(char *buf, size_t size, const char *text)
{
    size_t i, n = 0;
    for (i = 0; text[i] && n + 4 < size; i++)
        buf[n++] = text[i] == '\n' || text[i] == '\t' ? ' ' : text[i];
    if (text[i]) {
        while (n > 0 && ((unsigned char)buf[n - 1] & 0xC0) == 0x80)
            n--;   /* do not cut a UTF-8 sequence */
        if (n > 0 && (unsigned char)buf[n - 1] >= 0xC0)
            n--;
        buf[n++] = '.';
        buf[n++] = '.';
        buf[n++] = '.';
    }
    buf[n] = '\0';
}

/* A YAML string on one line, double-quoted. */
static void yaml_str(const char *s)
{
    putchar('"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            printf("\\%c", *s);
        else if ((unsigned char)*s < 0x20)
            putchar(' ');
        else
            putchar(*s);
    }
    putchar('"');
}

/* The TAP diagnostics of a failed example: where, expected, found, and (as in the text and
 * JUnit reports) what fired in each sentence. */
static void tap_failure(const tt_example_info *ex, const outcome *o)
{
    const char *p = strchr(o->detail, '\n');
    printf("  ---\n  at: %s:%d:%d\n  expected: ", ex->file, ex->line, ex->column);
    yaml_str(o->expected);
    fputs("\n  found: ", stdout);
    yaml_str(o->found);
    putchar('\n');
    if (p)
        fputs("  sentences:\n", stdout);
    while (p) {
        const char *next = strchr(p + 1, '\n');
        size_t n;
        p += strspn(p, "\n ");
        n = next ? (size_t)(next - p) : strlen(p);
        printf("    - \"%.*s\"\n", (int)n, p);
        p = next;
    }
    fputs("  ...\n", stdout);
}

/* What one run found, to print only what changed in the next (--watch). */
typedef struct memo {
    char **key;                /* topic, kind and text of each example */
    int *result;
    size_t n;
} memo;

static void memo_release(memo *m)
{
    size_t i;
    for (i = 0; i < m->n; i++)
        free(m->key[i]);
    free(m->key);
    free(m->result);
    memset(m, 0, sizeof *m);
}

static int memo_find(const memo *m, const char *key)
{
    size_t i;
    for (i = 0; i < m->n; i++)
        if (m->key[i] && !strcmp(m->key[i], key))   /* NULL: not run (--topic) */
            return m->result[i];
    return -1;
}

/* Runs every example of rs and reports.  With prev (a --watch re-run), prints in text only the
 * examples whose outcome changed.  Fills now when given.  Returns an exit code. */
static int test_once(const settings *s, const tt_ruleset *rs, const memo *prev, memo *now)
{
    tt_scanner *sc = NULL;
    tt_limits lim;
    outcome *outs = NULL;
    size_t n = tt_ruleset_example_count(rs), i, count[4] = {0, 0, 0, 0}, nrun = 0, k = 0;
    int rc = EXIT_OK;
    FILE *o = stdout;
    cli_limits(&lim);
    sc = tt_scanner_new(rs, &lim);
    outs = calloc(n + 1, sizeof *outs);
    if (now) {
        now->key = calloc(n + 1, sizeof *now->key);
        now->result = calloc(n + 1, sizeof *now->result);
    }
    if (!sc || !outs || (now && (!now->key || !now->result))) {
        fputs("topictag: out of memory\n", stderr);
        rc = EXIT_SYSTEM;
        goto done;
    }
    tt_scanner_set_explain(sc, 1);
    for (i = 0; i < n; i++) {
        if (!cli_topics_has(&s->sel, tt_ruleset_example(rs, i)->topic))
            continue;   /* --topic: another topic's example */
        nrun++;
        if (run_example(rs, sc, tt_ruleset_example(rs, i), &outs[i])) {
            fputs("topictag: out of memory\n", stderr);
            rc = EXIT_SYSTEM;
            goto done;
        }
        count[outs[i].result]++;
        if (now) {
            const tt_example_info *ex = tt_ruleset_example(rs, i);
            const char *topic = tt_ruleset_topic(rs, ex->topic)->id;
            size_t len = strlen(topic) + strlen(ex->text) + 16;
            if (!(now->key[i] = malloc(len))) {
                rc = EXIT_SYSTEM;
                goto done;
            }
            snprintf(now->key[i], len, "%s\x1f%d\x1f%s", topic, (int)ex->kind, ex->text);
            now->result[i] = outs[i].result;
            now->n = i + 1;
        }
    }
    if (s->format == FMT_TAP)
        printf("TAP version 13\n1..%zu\n", nrun);
    else if (s->format == FMT_JSON)
        fprintf(o, "{\"schema\": %d, \"examples\": [", TT_JSON_SCHEMA);
    for (i = 0; i < n; i++) {
        const tt_example_info *ex = tt_ruleset_example(rs, i);
        const char *topic = tt_ruleset_topic(rs, ex->topic)->id;
        char text[100];
        if (!cli_topics_has(&s->sel, ex->topic))
            continue;
        k++;
        short_text(text, sizeof text, ex->text);
        if (s->format == FMT_TAP) {
            printf("%s %zu - %s example %zu (%s): %s%s\n",
                   outs[i].result == R_FAIL || outs[i].result == R_TODO ? "not ok" : "ok", k,
                   topic, ex->number, kind_name[ex->kind], text,
                   outs[i].result == R_TODO         ? " # TODO known gap"
                   : outs[i].result == R_TODO_FIXED ? " # TODO passes now: promote it"
                                                    : "");
            if (outs[i].result == R_FAIL)
                tap_failure(ex, &outs[i]);
        } else if (s->format == FMT_JSON) {
            fprintf(o, "%s{\"topic\": ", k > 1 ? ", " : "");
            cli_json(o, topic, strlen(topic));
            fprintf(o, ", \"number\": %zu, \"kind\": \"%s\", \"result\": \"%s\", \"file\": ",
                    ex->number, kind_name[ex->kind], outcome_name[outs[i].result]);
            cli_json(o, ex->file, strlen(ex->file));
            fprintf(o, ", \"line\": %d, \"column\": %d, \"text\": ", ex->line, ex->column);
            cli_json(o, ex->text, strlen(ex->text));
            fputs(", \"detail\": ", o);
            cli_json(o, outs[i].result == R_PASS ? "" : outs[i].detail, strlen(outs[i].result == R_PASS ? "" : outs[i].detail));
            fputs("}", o);
        } else if (prev && memo_find(prev, now->key[i]) == outs[i].result) {
            continue;   /* --watch: unchanged since the last run */
        } else if (outs[i].result == R_FAIL) {
            printf("%s:%d:%d: example %zu (%s) of topic '%s' failed: \"%s\"\n  %s\n", ex->file,
                   ex->line, ex->column, ex->number, kind_name[ex->kind], topic, text,
                   outs[i].detail);
        } else if (outs[i].result == R_TODO_FIXED) {
            printf("%s:%d:%d: example %zu (%s) of topic '%s' PASSES NOW: promote it from %s "
                   "to %s: \"%s\"\n",
                   ex->file, ex->line, ex->column, ex->number, kind_name[ex->kind], topic,
                   kind_name[ex->kind], ex->kind == TT_EX_TODO ? "tag" : "not", text);
        } else if (s->verbose || prev) {
            printf("%s:%d:%d: example %zu (%s) of topic '%s' %s: \"%s\"\n", ex->file, ex->line,
                   ex->column, ex->number, kind_name[ex->kind], topic,
                   outs[i].result == R_TODO ? "todo (known gap)" : "ok", text);
        }
    }
    if (s->format == FMT_JSON)
        fprintf(o,
                "], \"passed\": %zu, \"failed\": %zu, \"todo\": %zu, \"todo_passing\": %zu}\n",
                count[R_PASS], count[R_FAIL], count[R_TODO], count[R_TODO_FIXED]);
    else if (s->format == FMT_TEXT)
        printf("%zu passed, %zu failed, %zu todo, %zu todo passing\n", count[R_PASS],
               count[R_FAIL], count[R_TODO], count[R_TODO_FIXED]);
    if (s->junit) {
        FILE *j = fopen(s->junit, "w");
        if (!j) {
            fprintf(stderr, "topictag: cannot write %s\n", s->junit);
            rc = EXIT_SYSTEM;
            goto done;
        }
        fprintf(j,
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                "<testsuites><testsuite name=\"topictag rule examples\" tests=\"%zu\" "
                "failures=\"%zu\" skipped=\"%zu\">\n",
                nrun, count[R_FAIL], count[R_TODO]);
        for (i = 0; i < n; i++) {
            const tt_example_info *ex = tt_ruleset_example(rs, i);
            if (!cli_topics_has(&s->sel, ex->topic))
                continue;
            fputs("<testcase classname=\"", j);
            cli_xml(j, tt_ruleset_topic(rs, ex->topic)->id);
            fprintf(j, "\" name=\"example %zu (%s) %s:%d\"", ex->number, kind_name[ex->kind],
                    ex->file, ex->line);
            if (outs[i].result == R_FAIL) {
                fputs("><failure message=\"", j);
                cli_xml(j, outs[i].detail);
                fputs("\"/></testcase>\n", j);
            } else if (outs[i].result == R_TODO) {
                fputs("><skipped message=\"known gap (todo)\"/></testcase>\n", j);
            } else {
                fputs("/>\n", j);
            }
        }
        fputs("</testsuite></testsuites>\n", j);
        if (cli_close_output(j, s->junit) != EXIT_OK) {
            rc = EXIT_SYSTEM;
            goto done;
        }
    }
    rc = count[R_FAIL] ? EXIT_TESTS : EXIT_OK;
done:
    free(outs);
    tt_scanner_free(sc);
    return rc;
}

static int run(const cli_command *cmd, int argc, char **argv)
{
    settings s;
    tt_ruleset *rs = NULL;
    memo prev, now;
    int rc, code;
    memset(&s, 0, sizeof s);
    memset(&prev, 0, sizeof prev);
    memset(&now, 0, sizeof now);
    s.watch_count = -1;
    rc = cli_parse(cmd, argc, argv, on_option, &s);
    if (rc >= 0)
        goto done;
    if (optind < argc) {
        rc = cli_usage_error("test takes no paths; name rule files with -r", argv[optind]);
        goto done;
    }
    if (!(rs = cli_load_rules(&s.rules, 0, &code, NULL))) {
        rc = code;
        goto done;
    }
    if ((rc = cli_topics_parse(rs, s.topic, 0, &s.sel)) != EXIT_OK)
        goto done;
    rc = test_once(&s, rs, NULL, s.watch ? &prev : NULL);
    if (s.watch) {
        cli_watch *w = cli_watch_new(&s.rules);
        long runs = 0;
        if (!w) {
            rc = EXIT_SYSTEM;
            goto done;
        }
        fflush(stdout);
        while (s.watch_count < 0 || runs < s.watch_count) {
            if (cli_watch_wait(w)) {
                rc = EXIT_SYSTEM;
                break;
            }
            runs++;
            tt_ruleset_free(rs);
            if (!(rs = cli_load_rules(&s.rules, 0, &code, NULL))) {
                fprintf(stderr, "topictag: the rules have errors: still watching\n");
                continue;
            }
            cli_topics_release(&s.sel);   /* the topics may have moved */
            if (cli_topics_parse(rs, s.topic, 0, &s.sel) != EXIT_OK)
                continue;
            puts("-- rules changed: examples whose outcome changed");
            rc = test_once(&s, rs, &prev, &now);
            fflush(stdout);
            memo_release(&prev);
            prev = now;
            memset(&now, 0, sizeof now);
        }
        cli_watch_free(w);
    }
done:
    memo_release(&prev);
    memo_release(&now);
    cli_topics_release(&s.sel);
    tt_ruleset_free(rs);
    cli_rules_release(&s.rules);
    return rc;
}

const cli_command cli_test = {
    "test", "topictag test [-r RULES]... [-f text|tap|json] [--junit FILE]",
    "Run every inline example of the rule files (examples: under a topic) through the engine.\n"
    "tag: must carry the topic; not: must not; todo / todo-not: known gaps, reported as todo,\n"
    "and loudly when they start passing.  With sentence: N the expectation is about that\n"
    "sentence of the text.  Exit status 6 when any example fails.",
    test_options, sizeof test_options / sizeof *test_options, run};
