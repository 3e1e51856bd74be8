/* classify.c - the classify, segment and check subcommands. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "input.h"
#include "pool.h"
#include "watch.h"

enum {
    O_INCLUDE = 256,
    O_INPUT,
    O_ID_FIELD,
    O_TEXT_FIELD,
    O_TAGGED_ONLY,
    O_SUMMARY,
    O_NO_JIT,
    O_NO_PREFILTER,
    O_PREFILTER,
    O_WATCH,
    O_WATCH_COUNT,
    O_MAX_SIZE,
    O_MAX_SENTENCE,
    O_TOPIC,
    O_ROLE,
    O_LINE_BUFFERED,
    O_STATS,
};

#define OPT_INPUTS                                                                            \
    {'o', "output", 1, "FILE", "write the report to FILE instead of stdout"},                 \
        {O_INCLUDE, "include", 1, "GLOB", "files to read inside folders (default *.txt)"},    \
        {O_INPUT, "input", 1, "KIND", "what stdin holds: text (default) or jsonl"},           \
        {O_ID_FIELD, "id-field", 1, "NAME",                                                   \
         "JSON Lines: the field holding the article id (default id)"},                        \
        {O_TEXT_FIELD, "text-field", 1, "NAME",                                               \
         "JSON Lines: the field holding the article text (default text)"},                    \
        {'j', "jobs", 1, "N",                                                                 \
         "classify on N threads (default: the number of cores); output order is unchanged"}

static const cli_option classify_options[] = {
    CLI_OPT_RULES,
    {'f', "format", 1, "FORMAT", "text (default), json, jsonl, csv, tsv"},
    OPT_INPUTS,
    {O_TAGGED_ONLY, "tagged-only", 0, NULL, "json/jsonl: list only sentences that carry a topic"},
    {O_SUMMARY, "summary", 0, NULL, "jsonl: end with a {\"summary\": ...} line"},
    {O_TOPIC, "topic", 1, "ID", "report only the articles that carry topic ID"},
    {O_ROLE, "role", 1, "ROLE",
     "with --topic: only where ID is at least ROLE: primary, secondary or mentioned"},
    {O_LINE_BUFFERED, "line-buffered", 0, NULL,
     "jsonl: flush every record, even to a file (always done for a pipe or terminal)"},
    {O_NO_PREFILTER, "no-prefilter", 0, NULL,
     "run every pattern on every sentence (same results, slower; for testing)"},
    {O_PREFILTER, "prefilter", 1, "NAME",
     "literal (default) or hyperscan (if built with it): what picks the patterns to run "
     "(same results); default $TOPICTAG_PREFILTER"},
    {O_NO_JIT, "no-jit", 0, NULL,
     "match with the PCRE2 interpreter, not the JIT (slower; for debugging, valgrind)"},
    {O_MAX_SIZE, "max-size", 1, "BYTES",
     "reject articles larger than this (default 64M; suffixes K, M, G)"},
    {O_MAX_SENTENCE, "max-sentence", 1, "BYTES",
     "cut longer sentences into pieces (default 64K)"},
    {O_WATCH, "watch", 0, NULL,
     "after the report, re-run whenever a rule file changes and print only what changed"},
    {O_WATCH_COUNT, "watch-count", 1, "N", "with --watch: stop after N re-runs (for scripts)"},
};

static const cli_option segment_options[] = {
    CLI_OPT_RULES,
    {'f', "format", 1, "FORMAT", "text (default): one sentence per line; jsonl: with byte spans"},
    OPT_INPUTS,
};

static const cli_option check_options[] = {
    CLI_OPT_RULES,
    {O_PREFILTER, "prefilter", 1, "NAME",
     "literal (default) or hyperscan: the prefilter to build and report on"},
    {O_STATS, "stats", 0, NULL,
     "also list how each pattern is decided: a literal set needs no PCRE2"},
};

typedef struct settings {
    cli_rules rules;
    const char *format;
    const char *output;
    tt_input_options in;
    int tagged_only, summary, no_jit, no_prefilter, line_buffered, stats;
    const char *topic;     /* --topic, or NULL */
    int role;              /* --role, or 0 */
    int jobs;
    int watch;
    long watch_count;      /* -1: forever */
    size_t max_size, max_sentence;   /* 0: the library's defaults */
} settings;

static int on_option(void *ctx, int val, const char *arg)
{
    settings *s = ctx;
    switch (val) {
    case 'r': return cli_rules_add(&s->rules, arg);
    case 'f': s->format = arg; return 0;
    case 'o': s->output = arg; return 0;
    case 'j': return cli_parse_jobs(arg, &s->jobs);
    case O_INCLUDE: s->in.include = arg; return 0;
    case O_INPUT:
        if (!strcmp(arg, "jsonl"))
            s->in.stdin_jsonl = 1;
        else if (strcmp(arg, "text") != 0)
            return cli_usage_error("--input must be text or jsonl", arg);
        return 0;
    case O_ID_FIELD: s->in.id_field = arg; return 0;
    case O_TEXT_FIELD: s->in.text_field = arg; return 0;
    case O_TAGGED_ONLY: s->tagged_only = 1; return 0;
    case O_TOPIC: s->topic = arg; return 0;
    case O_ROLE:
        if ((s->role = tt_role_parse(arg)) <= TT_ROLE_NONE)
            return cli_usage_error("--role must be primary, secondary or mentioned", arg);
        return 0;
    case O_SUMMARY: s->summary = 1; return 0;
    case O_LINE_BUFFERED: s->line_buffered = 1; return 0;
    case O_STATS: s->stats = 1; return 0;
    case O_NO_JIT: s->no_jit = 1; return 0;
    case O_NO_PREFILTER: s->no_prefilter = 1; return 0;
    case O_PREFILTER:
        if (strcmp(arg, "literal") != 0 && strcmp(arg, "hyperscan") != 0)
            return cli_usage_error("--prefilter must be literal or hyperscan", arg);
        s->rules.prefilter = arg;
        return 0;
    case O_WATCH: s->watch = 1; return 0;
    case O_MAX_SIZE:
        return cli_parse_size(arg, 1, &s->max_size,
                              "--max-size needs a size such as 1000000, 64K, 64M");
    case O_MAX_SENTENCE:
        return cli_parse_size(arg, 16, &s->max_sentence,
                              "--max-sentence needs a size of at least 16 bytes");
    case O_WATCH_COUNT:
        return cli_parse_count(arg, 0, LONG_MAX, &s->watch_count,
                               "--watch-count must be a number, 0 or more");
    }
    return EXIT_USAGE;
}

typedef struct run_ctx {
    tt_pool *pool;
    tt_report *rep;
    const tt_ruleset *rs;
    FILE *out;
    int segment_jsonl;
    int multi;
    size_t failed;
    int fatal;
    cli_snapshot *snap;        /* --watch: record the tags */
} run_ctx;

static void warn_doc(const char *name, const char *msg)
{
    fprintf(stderr, "topictag: %s: %s\n", name, msg);
}

static int classify_done(void *vctx, const char *name, const char *id, const tt_result *r,
                         const tt_error *derr, const tt_report_buf *rendered)
{
    run_ctx *c = vctx;
    size_t ne = 0, i;
    if (!r && derr && derr->code == TT_ERR_NOMEM) {
        fprintf(stderr, "topictag: %s: %s\n", name, derr->message);
        c->fatal = EXIT_FAIL;
        return -1;
    }
    if (r) {
        const tt_doc_error *e = tt_result_errors(r, &ne);
        for (i = 0; i < ne; i++)
            warn_doc(name, e[i].message);
    } else if (derr) {
        warn_doc(name, derr->message);
    }
    if (ne || !r)
        c->failed++;
    if (c->snap && r && cli_snapshot_add(c->snap, c->rs, name, r)) {
        c->fatal = EXIT_FAIL;
        return -1;
    }
    if (c->rep && (rendered ? tt_report_emit(c->rep, rendered, r, derr)
                            : tt_report_document(c->rep, name, id, r, derr))) {
        c->fatal = EXIT_FAIL;
        return -1;
    }
    return 0;
}

static int segment_done(void *vctx, const char *name, const char *id, const tt_result *r,
                        const tt_error *derr, const tt_report_buf *rendered)
{
    run_ctx *c = vctx;
    (void)rendered;
    const char *text;
    const tt_sentence *s;
    size_t ns, ne, i;
    if (!r) {
        warn_doc(name, derr ? derr->message : "cannot read");
        if (derr && derr->code == TT_ERR_NOMEM) {
            c->fatal = EXIT_FAIL;
            return -1;
        }
        c->failed++;
        return 0;
    }
    text = tt_result_text(r);
    {
        /* empty or white space only: no sentences is the answer, not a failure (classify
         * still reports it as an `empty` error) */
        const tt_doc_error *e = tt_result_errors(r, &ne);
        size_t bad = 0;
        for (i = 0; i < ne; i++) {
            if (e[i].code == TT_ERR_EMPTY)
                continue;
            warn_doc(name, e[i].message);
            bad++;
        }
        if (bad)
            c->failed++;
    }
    s = tt_result_sentences(r, &ns);
    if (!c->segment_jsonl && c->multi)
        fprintf(c->out, "==> %s <==\n", name);
    for (i = 0; i < ns; i++) {
        if (c->segment_jsonl) {
            putc('{', c->out);
            tt_json_name(c->out, "document", name);
            if (id) {
                fputs(", \"id\": ", c->out);
                cli_json(c->out, id, strlen(id));
            }
            fprintf(c->out, ", \"index\": %zu, \"start\": %zu, \"end\": %zu, \"paragraph\": %u, "
                            "\"text\": ",
                    i, s[i].start, s[i].end, s[i].paragraph);
            cli_json(c->out, text + s[i].start, s[i].end - s[i].start);
            fputs("}\n", c->out);
        } else {
            cli_oneline(c->out, text + s[i].start, s[i].end - s[i].start);
            putc('\n', c->out);
        }
    }
    if (ferror(c->out)) {
        c->fatal = EXIT_FAIL;
        return -1;
    }
    return 0;
}

static int submit_doc(void *vctx, const char *name, const char *id, const char *text,
                      size_t len, const tt_error *derr)
{
    run_ctx *c = vctx;
    if (!text && !derr ? tt_pool_submit_file(c->pool, name)
                       : tt_pool_submit(c->pool, name, id, text, len, derr)) {
        if (!c->fatal)
            c->fatal = EXIT_FAIL;
        return -1;
    }
    return 0;
}

/* One classification of the inputs with rs.  With quiet, no report is written (the
 * --watch re-runs); with snap, the tags are recorded. */
static int classify_once(const cli_command *cmd, const settings *s, const tt_ruleset *rs,
                         FILE *out, int quiet, cli_snapshot *snap, int argc, char **argv)
{
    run_ctx c;
    tt_report_options ro;
    int rc;
    memset(&c, 0, sizeof c);
    c.out = out;
    c.rs = rs;
    c.snap = snap;
    c.multi = argc - optind > 1;
    c.segment_jsonl = cmd == &cli_segment && s->format && !strcmp(s->format, "jsonl");
    memset(&ro, 0, sizeof ro);
    ro.format = (tt_format)tt_format_parse(s->format ? s->format : "text");
    ro.tagged_only = s->tagged_only;
    ro.summary = s->summary;
    if (s->topic) {
        long t = tt_ruleset_find_topic(rs, s->topic);
        if (t < 0) {
            fprintf(stderr, "topictag: --topic: no topic '%s' in the rules\n", s->topic);
            return EXIT_USAGE;
        }
        ro.select = 1;
        ro.select_topic = (uint32_t)t;
        ro.select_role = s->role ? s->role : TT_ROLE_MENTIONED;
    }
    {
        /* a pipe or terminal gets each document as soon as it is done; a file is written in
         * large blocks */
        struct stat st;
        ro.stream = fstat(fileno(out), &st) != 0 || !S_ISREG(st.st_mode) || s->line_buffered;
    }
    if (cmd == &cli_classify && !quiet && !(c.rep = tt_report_new(rs, &ro, out))) {
        fputs("topictag: out of memory\n", stderr);
        return EXIT_FAIL;
    }
    {
        tt_limits lim;
        cli_limits(&lim);
        lim.no_jit |= s->no_jit;
        lim.no_prefilter = s->no_prefilter;
        if (s->max_size)
            lim.max_document = s->max_size;
        if (s->max_sentence)
            lim.max_sentence = s->max_sentence;
        c.pool = tt_pool_new(rs, &lim, s->jobs ? s->jobs : cli_default_jobs(),
                             cmd != &cli_classify, c.rep,
                             cmd == &cli_classify ? classify_done : segment_done, &c);
    }
    if (!c.pool) {
        fputs("topictag: out of memory\n", stderr);
        rc = EXIT_FAIL;
    } else {
        /* with worker threads, they read the files too */
        tt_input_options in = s->in;
        int walk;
        in.defer_read = (s->jobs ? s->jobs : cli_default_jobs()) > 1;
        in.max_size = s->max_size;     /* stop reading there: the limit bounds memory */
        in.idle = tt_pool_drain;       /* a live feed: write what is done before waiting */
        in.idle_ctx = c.pool;
        walk = tt_input_each(&in, argv + optind, argc - optind, submit_doc, &c);
        if (!walk)
            walk = tt_pool_finish(c.pool);
        if (walk && !c.fatal)
            c.fatal = EXIT_FAIL;
        if (c.rep && !c.fatal && tt_report_finish(c.rep))
            c.fatal = EXIT_FAIL;
        rc = c.fatal ? c.fatal : c.failed ? EXIT_INPUT : EXIT_OK;
    }
    tt_pool_free(c.pool);
    tt_report_free(c.rep);
    return rc;
}

/* --watch: re-run on every rule change, printing only the sentences whose tags changed. */
static int watch_loop(const cli_command *cmd, const settings *s, FILE *out, cli_snapshot *snap,
                      int argc, char **argv)
{
    cli_watch *w = cli_watch_new(&s->rules);
    long runs = 0;
    int rc = EXIT_OK;
    if (!w)
        return EXIT_FAIL;
    fflush(out);
    while (s->watch_count < 0 || runs < s->watch_count) {
        tt_ruleset *rs;
        cli_snapshot now;
        int code;
        size_t n;
        if (cli_watch_wait(w)) {
            rc = EXIT_FAIL;
            break;
        }
        runs++;
        memset(&now, 0, sizeof now);
        if (!(rs = cli_load_rules(&s->rules, 0, &code, NULL))) {
            fprintf(stderr, "topictag: the rules have errors: still watching\n");
            continue;
        }
        rc = classify_once(cmd, s, rs, out, 1, &now, argc, argv);
        n = cli_snapshot_diff(out, snap, &now);
        fprintf(out, "-- rules changed: %zu sentence%s changed\n", n, n == 1 ? "" : "s");
        fflush(out);
        cli_snapshot_release(snap);
        *snap = now;
        tt_ruleset_free(rs);
        if (rc == EXIT_FAIL)
            break;
    }
    cli_watch_free(w);
    return rc;
}

static int cmd_run(const cli_command *cmd, settings *s, int argc, char **argv)
{
    int rc, code;
    tt_ruleset *rs;
    FILE *out;
    cli_snapshot snap;
    memset(&snap, 0, sizeof snap);
    if (cmd == &cli_classify) {
        if (tt_format_parse(s->format ? s->format : "text") < 0)
            return cli_usage_error("unknown format (expected text, json, jsonl, csv, tsv)",
                                   s->format);
    } else if (s->format && strcmp(s->format, "jsonl") != 0 && strcmp(s->format, "text") != 0) {
        return cli_usage_error("unknown format (expected text, jsonl)", s->format);
    }
    if (!(rs = cli_load_rules(&s->rules, 0, &code, NULL)))
        return code;
    if (!(out = cli_open_output(s->output))) {
        tt_ruleset_free(rs);
        return EXIT_FAIL;
    }
    /* a stream is read as it is written: -o FILE is then written in place, not replaced */
    if (s->line_buffered && cli_commit_output(out, s->output) != EXIT_OK) {
        tt_ruleset_free(rs);
        cli_finish_output(out, s->output, 0);
        return EXIT_FAIL;
    }
    rc = classify_once(cmd, s, rs, out, 0, s->watch ? &snap : NULL, argc, argv);
    tt_ruleset_free(rs);
    if (s->watch && rc != EXIT_FAIL && cli_commit_output(out, s->output) != EXIT_OK)
        rc = EXIT_FAIL;
    if (s->watch && rc != EXIT_FAIL)
        rc = watch_loop(cmd, s, out, &snap, argc, argv);
    cli_snapshot_release(&snap);
    {
        /* after a fatal error the previous report stays */
        int oc = cli_finish_output(out, out == stdout ? NULL : s->output, rc != EXIT_FAIL);
        if (oc != EXIT_OK && (rc == EXIT_OK || rc == EXIT_INPUT))
            rc = oc;
    }
    return rc;
}

/* check --stats: how each pattern is decided, then the counts. */
static void print_stats(const tt_ruleset *rs)
{
    size_t i, np = tt_ruleset_pattern_count(rs), n[4] = {0, 0, 0, 0};
    static const char *const how[] = {
        "PCRE2 alone, wherever its topic may apply",
        "literal hits, then PCRE2",
        "Hyperscan, then PCRE2",
        "a literal set, decided by its literal hits without PCRE2",
    };
    for (i = 0; i < np; i++) {
        const tt_pattern_info *pi = tt_ruleset_pattern(rs, i);
        int k = pi->literal_set ? 3 : pi->prefiltered;
        n[k]++;
        printf("%s:%d:%d: %s/%s: %s", pi->file, pi->line, pi->column,
               tt_ruleset_topic(rs, pi->topic)->id, pi->id, how[k]);
        if (pi->literal_set)
            printf(" (%zu string%s)", pi->literal_set, pi->literal_set == 1 ? "" : "s");
        printf("\n");
    }
    printf("%zu literal sets, %zu by literal hits then PCRE2, %zu by Hyperscan then PCRE2, "
           "%zu by PCRE2 alone\n",
           n[3], n[1], n[2], n[0]);
}

static int cmd_check(settings *s, int argc, char **argv)
{
    int code;
    size_t nwarn = 0;
    tt_ruleset *rs;
    if (optind < argc)
        return cli_usage_error("check takes no paths; name rule files with -r", argv[optind]);
    rs = cli_load_rules(&s->rules, 1, &code, &nwarn);
    if (!rs)
        return code;
    {
        size_t i, np = tt_ruleset_pattern_count(rs), nf = 0, nhs = 0;
        for (i = 0; i < np; i++) {
            const tt_pattern_info *pi = tt_ruleset_pattern(rs, i);
            if (pi->prefiltered) {
                nf++;
                nhs += pi->prefiltered == 2;
                continue;
            }
            fprintf(stderr,
                    "%s:%d:%d: note: pattern '%s' of topic '%s' defeats the prefilter (no "
                    "literal of 3 or more bytes occurs in every match): it runs on every "
                    "sentence where its topic may apply\n",
                    pi->file, pi->line, pi->column, pi->id,
                    tt_ruleset_topic(rs, pi->topic)->id);
        }
        if (s->stats)
            print_stats(rs);
        if (nhs)
            printf("%zu topics, %zu patterns (%zu prefiltered: %zu by hyperscan, %zu by "
                   "literals), %zu warnings\n",
                   tt_ruleset_topic_count(rs), np, nf, nhs, nf - nhs, nwarn);
        else
            printf("%zu topics, %zu patterns (%zu prefiltered), %zu warnings\n",
                   tt_ruleset_topic_count(rs), np, nf, nwarn);
    }
    tt_ruleset_free(rs);
    return EXIT_OK;
}


static int command(const cli_command *cmd, int argc, char **argv)
{
    settings s;
    int rc;
    memset(&s, 0, sizeof s);
    s.watch_count = -1;
    rc = cli_parse(cmd, argc, argv, on_option, &s);
    if (rc < 0 && s.role && !s.topic)
        rc = cli_usage_error("--role needs --topic", NULL);
    if (rc < 0)
        rc = cmd == &cli_check ? cmd_check(&s, argc, argv) : cmd_run(cmd, &s, argc, argv);
    cli_rules_release(&s.rules);
    return rc;
}

const cli_command cli_classify = {
    "classify", "topictag classify [-r RULES]... [-f FORMAT] [-o FILE] [PATH...]",
    "Tag each sentence of each article with the topics its rules find, and report.\n"
    "PATH is a file, a folder (searched recursively for *.txt), a *.jsonl file (one article\n"
    "per line), or - for stdin (the default).  Each article gets a role per topic it carries\n"
    "(primary, secondary, mentioned); --topic ID [--role ROLE] reports only the articles\n"
    "about ID.",
    classify_options, sizeof classify_options / sizeof *classify_options, command};

const cli_command cli_segment = {
    "segment", "topictag segment [-r RULES]... [-f text|jsonl] [PATH...]",
    "Print the sentences as the engine sees them: one per line (text), or with byte spans\n"
    "(jsonl).",
    segment_options, sizeof segment_options / sizeof *segment_options, command};

const cli_command cli_check = {
    "check", "topictag check [-r RULES]...",
    "Validate rule files and print every problem as FILE:LINE:COLUMN: error|warning: ...",
    check_options, sizeof check_options / sizeof *check_options, command};
