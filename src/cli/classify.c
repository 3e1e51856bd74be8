/* classify.c - the classify and segment subcommands. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "encoding.h"
#include "input.h"
#include "pool.h"
#include "progress.h"
#include "select.h"
#include "watch.h"

enum {
    O_INCLUDE = 256,
    O_INPUT,
    O_ID_FIELD,
    O_TEXT_FIELD,
    O_TITLE_FIELD,
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
    O_HTML_INLINE_MAX,
    O_TIMESTAMP,
    O_ALLOW_EMPTY,
    O_ENCODING,
    O_LOSSY,
    O_KEEP_FIELD,
};

#define OPT_INPUTS                                                                            \
    {'o', "output", 1, "FILE", "write the report to FILE instead of stdout"},                 \
        {O_INCLUDE, "include", 1, "GLOB",                                                     \
         "files to read inside folders (default *.txt, and a warning naming the *.jsonl "   \
         "left out); matching *.jsonl files are JSON Lines"},                                 \
        {O_INPUT, "input", 1, "KIND",                                                         \
         "what stdin holds: text or jsonl (default: jsonl when its first line is a JSON "     \
         "object)"},                                                                          \
        {O_ID_FIELD, "id-field", 1, "NAME",                                                   \
         "JSON Lines: the field holding the article id (default id)"},                        \
        {O_TEXT_FIELD, "text-field", 1, "NAME",                                               \
         "JSON Lines: the field holding the article text (default text)"},                    \
        {O_TITLE_FIELD, "title-field", 1, "NAME",                                             \
         "JSON Lines: the field holding the headline (default title; '' for none)"},          \
        {'j', "jobs", 1, "N",                                                                 \
         "classify on N threads (default: the number of cores); output order is unchanged"},  \
        {O_ALLOW_EMPTY, "allow-empty", 0, NULL,                                               \
         "no documents at all is not an error (default: a warning and exit 7)"},              \
        {O_ENCODING, "encoding", 1, "NAME",                                                   \
         "what the input bytes are: utf8 (default), latin1, cp1252; offsets then count "      \
         "bytes of the UTF-8 text"},                                                          \
        {O_LOSSY, "lossy", 0, NULL,                                                           \
         "replace invalid UTF-8 with U+FFFD (counted, warned) instead of rejecting the "      \
         "article"}

static const cli_option classify_options[] = {
    CLI_OPT_RULES,
    {'f', "format", 1, "FORMAT", "text (default), json, jsonl, csv, tsv, html"},
    OPT_INPUTS,
    {O_HTML_INLINE_MAX, "html-inline-max", 1, "N",
     "html: show the text of the first N articles (default 1000); the others get their topics "
     "and a link"},
    {O_TIMESTAMP, "timestamp", 0, NULL,
     "html: show the date of the run (off: the same inputs give the same bytes)"},
    CLI_OPT_PROGRESS,
    {O_KEEP_FIELD, "keep-field", 1, "NAME,...",
     "JSON Lines input: copy these fields of each record into its report record (json, jsonl: "
     "\"fields\"; csv, tsv: a column each); repeatable"},
    {O_TAGGED_ONLY, "tagged-only", 0, NULL, "json/jsonl: list only sentences that carry a topic"},
    {O_SUMMARY, "summary", 0, NULL, "jsonl: end with a {\"summary\": ...} line"},
    {O_TOPIC, "topic", 1, "ID[,ID...]",
     "report only the articles that carry one of these topics (any role, or --role)"},
    {'l', "files-with-topics", 0, NULL,
     "list the articles (JSON Lines: their ids) that carry the --topic topics (default: any "
     "topic); exit 1 when none does"},
    {'c', "count", 0, NULL,
     "print NAME:COUNT, the sentences tagged with the --topic topics, per article; exit 1 "
     "when all counts are 0"},
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

typedef struct settings {
    cli_rules rules;
    const char *format;
    const char *output;
    tt_input_options in;
    int tagged_only, summary, no_jit, no_prefilter, line_buffered, timestamp, allow_empty;
    long html_inline_max;  /* -1: the default */
    int progress;             /* CLI_PROGRESS_* */
    char rules_label[1024];   /* html: the rules as named */
    char date[64];            /* html --timestamp: when the run started */
    int list, count;       /* -l, -c */
    const char *topic;     /* --topic, or NULL */
    int role;              /* --role, or 0 */
    int jobs;
    int watch;
    long watch_count;      /* -1: forever */
    size_t max_size, max_sentence;   /* 0: the library's defaults */
    char **keep;           /* --keep-field names, malloc'd */
    size_t nkeep;
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
        s->in.stdin_jsonl = !strcmp(arg, "jsonl");
        s->in.stdin_text = !strcmp(arg, "text");
        if (!s->in.stdin_jsonl && !s->in.stdin_text)
            return cli_usage_error("--input must be text or jsonl", arg);
        return 0;
    case O_ID_FIELD: s->in.id_field = arg; return 0;
    case O_TEXT_FIELD: s->in.text_field = arg; return 0;
    case O_TITLE_FIELD: s->in.title_field = arg; return 0;
    case O_TAGGED_ONLY: s->tagged_only = 1; return 0;
    case O_TOPIC: s->topic = arg; return 0;
    case 'l': s->list = 1; return 0;
    case 'c': s->count = 1; return 0;
    case O_ROLE:
        if ((s->role = tt_role_parse(arg)) <= TT_ROLE_NONE)
            return cli_usage_error("--role must be primary, secondary or mentioned", arg);
        return 0;
    case O_SUMMARY: s->summary = 1; return 0;
    case O_LINE_BUFFERED: s->line_buffered = 1; return 0;
    case O_TIMESTAMP: s->timestamp = 1; return 0;
    case CLI_OPT_PROGRESS_VALS:
    case CLI_OPT_PROGRESS_VALS + 1: cli_progress_option(val, &s->progress); return 0;
    case O_HTML_INLINE_MAX:
        return cli_parse_count(arg, 0, LONG_MAX, &s->html_inline_max,
                               "--html-inline-max must be a number, 0 or more");
    case O_ALLOW_EMPTY: s->allow_empty = 1; return 0;
    case O_ENCODING:
        if ((s->in.encoding = cli_encoding_parse(arg)) < 0)
            return cli_usage_error("--encoding must be utf8, latin1 or cp1252", arg);
        return 0;
    case O_LOSSY: s->in.lossy = 1; return 0;
    case O_KEEP_FIELD: return cli_keep_field(&s->keep, &s->nkeep, arg);
    case O_NO_JIT: s->no_jit = 1; return 0;
    case O_NO_PREFILTER: s->no_prefilter = s->rules.no_prefilter = 1; return 0;
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
    size_t ndocs;              /* documents submitted (read or not) */
    int fatal;
    cli_snapshot *snap;        /* --watch: record the tags */
    cli_progress *progress;    /* or NULL */
    cli_topics sel;            /* --topic, --role */
    int list, count;           /* -l, -c: grep's answers instead of a report */
    size_t matched;            /* -l, -c: documents that carry the topics */
    const tt_doc_meta *meta;   /* of the document the input hands on next, or NULL */
    size_t nkeep;              /* --keep-field: values in each meta */
} run_ctx;

/* -l and -c: the article's name (a JSON Lines record: its id) when it carries the topics, or
 * NAME:COUNT of its tagged sentences. */
static int grep_answer(run_ctx *c, const char *name, const char *id, const tt_result *r)
{
    size_t n = cli_topics_document(&c->sel, r) ? cli_topics_sentences(&c->sel, r) : 0;
    c->matched += n > 0;
    if (c->count)
        fprintf(c->out, "%s:%zu\n", id ? id : name, n);
    else if (n)
        fprintf(c->out, "%s\n", id ? id : name);
    return ferror(c->out) ? -1 : 0;
}

static void warn_doc(const char *name, const char *msg)
{
    cli_message("topictag: %s: %s\n", name, msg);
}

static int classify_done(void *vctx, const char *name, const char *id, const tt_doc_meta *meta,
                         const tt_result *r, const tt_error *derr,
                         const tt_report_buf *rendered)
{
    run_ctx *c = vctx;
    size_t ne = 0, i;
    if (!r && derr && derr->code == TT_ERR_NOMEM) {
        warn_doc(name, derr->message);
        c->fatal = EXIT_SYSTEM;
        return -1;
    }
    cli_progress_add(c->progress, r ? tt_result_length(r) : 0);
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
        c->fatal = EXIT_SYSTEM;
        return -1;
    }
    if ((c->list || c->count) && grep_answer(c, name, id, r)) {
        c->fatal = EXIT_SYSTEM;
        return -1;
    }
    if (c->rep && c->sel.n && !cli_topics_document(&c->sel, r))
        return 0;
    if (c->rep && (rendered ? tt_report_emit_meta(c->rep, rendered, meta, r, derr)
                            : tt_report_document_meta(c->rep, name, id, meta, r, derr))) {
        c->fatal = EXIT_SYSTEM;
        return -1;
    }
    return 0;
}

/* Writes v in decimal at p; returns the end. */
static char *put_size(char *p, size_t v)
{
    char tmp[24];
    int n = 0;
    do
        tmp[n++] = (char)('0' + v % 10);
    while ((v /= 10) != 0);
    while (n)
        *p++ = tmp[--n];
    return p;
}

static char *put_str(char *p, const char *s)
{
    size_t n = strlen(s);
    memcpy(p, s, n);
    return p + n;
}

/* segment -f jsonl: one record per sentence.  What every record of the document shares, up to
 * its index ({"schema": 1, "document": ..., "id": ..., "index": ), is written once, into
 * memory (the name as tt_json_name writes it): per sentence, only numbers and the text remain.
 * Returns 0, or -1 when writing failed or memory ran out. */
static int segment_jsonl(FILE *out, const char *name, const char *id, const char *text,
                         const tt_sentence *s, size_t ns)
{
    char *head = NULL, rec[160], *p;
    size_t nhead = 0, i;
    FILE *m = open_memstream(&head, &nhead);
    int bad;
    if (!m)
        return -1;
    fprintf(m, "{\"schema\": %d, ", TT_JSON_SCHEMA);
    bad = tt_json_name(m, "document", name) != 0;
    if (id) {
        fputs(", \"id\": ", m);
        cli_json(m, id, strlen(id));
    }
    fputs(", \"index\": ", m);
    if (fclose(m) != 0 || bad) {
        free(head);
        return -1;
    }
    for (i = 0; i < ns; i++) {
        p = put_size(rec, i);
        p = put_size(put_str(p, ", \"start\": "), s[i].start);
        p = put_size(put_str(p, ", \"end\": "), s[i].end);
        p = put_size(put_str(p, ", \"paragraph\": "), s[i].paragraph);
        p = put_str(p, ", \"text\": ");
        fwrite(head, 1, nhead, out);
        fwrite(rec, 1, (size_t)(p - rec), out);
        cli_json(out, text + s[i].start, s[i].end - s[i].start);
        fputs("}\n", out);
    }
    free(head);
    return ferror(out) ? -1 : 0;
}

static int segment_done(void *vctx, const char *name, const char *id, const tt_doc_meta *meta,
                        const tt_result *r, const tt_error *derr,
                        const tt_report_buf *rendered)
{
    run_ctx *c = vctx;
    (void)rendered;
    (void)meta;
    const char *text;
    const tt_sentence *s;
    size_t ns, ne, i;
    if (!r) {
        warn_doc(name, derr ? derr->message : "cannot read");
        if (derr && derr->code == TT_ERR_NOMEM) {
            c->fatal = EXIT_SYSTEM;
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
    if (c->segment_jsonl && ns && segment_jsonl(c->out, name, id, text, s, ns)) {
        c->fatal = EXIT_SYSTEM;
        return -1;
    }
    for (i = 0; !c->segment_jsonl && i < ns; i++) {
        cli_oneline(c->out, text + s[i].start, s[i].end - s[i].start);
        putc('\n', c->out);
    }
    if (ferror(c->out)) {
        c->fatal = EXIT_SYSTEM;
        return -1;
    }
    return 0;
}

/* The input's meta hook: what it knows of the document it hands on next (submit_doc). */
static void doc_meta(void *vctx, const tt_doc_meta *m)
{
    ((run_ctx *)vctx)->meta = m;
}

static int submit_doc(void *vctx, const char *name, const char *id, const char *text,
                      size_t len, const tt_error *derr)
{
    run_ctx *c = vctx;
    const tt_doc_meta *meta = c->meta;
    c->meta = NULL;
    c->ndocs++;
    if (!text && !derr ? tt_pool_submit_file(c->pool, name)
                       : tt_pool_submit(c->pool, name, id, meta, c->nkeep, text, len, derr)) {
        if (!c->fatal)
            c->fatal = EXIT_SYSTEM;
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
    ro.html_inline_max = s->html_inline_max < 0 ? 0 : s->html_inline_max ? s->html_inline_max : -1;
    ro.html_rules = s->rules_label;
    ro.html_date = s->timestamp ? s->date : NULL;
    if ((rc = cli_topics_parse(rs, s->topic, s->role, &c.sel)) != EXIT_OK)
        return rc;
    c.list = s->list;
    c.count = s->count;
    /* the articles without the --topic topics are left out here, neither written nor
     * counted in the summary */
    {
        /* a pipe or terminal gets each document as soon as it is done; a file is written in
         * large blocks */
        struct stat st;
        ro.stream = fstat(fileno(out), &st) != 0 || !S_ISREG(st.st_mode) || s->line_buffered;
    }
    if (cmd == &cli_classify && !quiet && !c.list && !c.count &&
        (!(c.rep = tt_report_new(rs, &ro, out)) ||
         tt_report_set_input(c.rep, (const char *const *)s->keep, s->nkeep,
                             s->in.encoding || s->in.lossy))) {
        fputs("topictag: out of memory\n", stderr);
        tt_report_free(c.rep);
        cli_topics_release(&c.sel);
        return EXIT_SYSTEM;
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
        rc = EXIT_SYSTEM;
    } else {
        /* with worker threads, they read the files too */
        tt_input_options in = s->in;
        int walk;
        /* converted text is read here, where it is converted */
        in.defer_read = (s->jobs ? s->jobs : cli_default_jobs()) > 1 && !in.encoding && !in.lossy;
        in.max_size = s->max_size;     /* stop reading there: the limit bounds memory */
        in.idle = tt_pool_drain;       /* a live feed: write what is done before waiting */
        in.idle_ctx = c.pool;
        in.keep_fields = (const char *const *)s->keep;
        in.nkeep = c.nkeep = s->nkeep;
        in.meta = doc_meta;
        if (cmd == &cli_classify && !quiet)
            c.progress = cli_progress_new(s->progress, "classify", argv + optind, argc - optind,
                                          s->in.include);
        walk = tt_input_each(&in, argv + optind, argc - optind, submit_doc, &c);
        if (!walk)
            walk = tt_pool_finish(c.pool);
        cli_progress_end(c.progress);
        if (walk == TT_INPUT_NOT_JSONL && !c.fatal)
            c.fatal = EXIT_USAGE;   /* said by the input */
        if (walk && !c.fatal)
            c.fatal = EXIT_SYSTEM;
        if (c.rep && !c.fatal && tt_report_finish(c.rep))
            c.fatal = EXIT_SYSTEM;
        rc = c.fatal ? c.fatal : c.failed ? EXIT_INPUT : EXIT_OK;
        if (rc == EXIT_OK && (c.list || c.count) && !c.matched)
            rc = EXIT_NOMATCH;   /* grep's answer: if topictag classify -l ...; then */
        if (rc == EXIT_OK && !c.ndocs && !quiet && !s->allow_empty) {
            /* a batch of nothing must not look like a clean run */
            fputs("topictag: warning: no documents to read; --allow-empty accepts an empty "
                  "batch\n",
                  stderr);
            rc = EXIT_EMPTY;
        }
    }
    tt_pool_free(c.pool);
    tt_report_free(c.rep);
    cli_topics_release(&c.sel);
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
        return EXIT_SYSTEM;
    fflush(out);
    while (s->watch_count < 0 || runs < s->watch_count) {
        tt_ruleset *rs;
        cli_snapshot now;
        int code;
        size_t n;
        if (cli_watch_wait(w)) {
            rc = EXIT_SYSTEM;
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
        if (rc == EXIT_SYSTEM)
            break;
    }
    cli_watch_free(w);
    return rc;
}

/* What the HTML report shows of the run: the rules as named and (--timestamp) the date. */
static void describe_run(settings *s)
{
    size_t used = 0;
    int i;
    if (!s->rules.n)
        snprintf(s->rules_label, sizeof s->rules_label, "%s", cli_rules_default());
    for (i = 0; i < s->rules.n && used < sizeof s->rules_label; i++) {
        int k = snprintf(s->rules_label + used, sizeof s->rules_label - used, "%s%s",
                         i ? ", " : "", s->rules.paths[i]);
        used += k > 0 ? (size_t)k : 0;
    }
    if (s->timestamp) {
        time_t now = time(NULL);
        struct tm tm;
        if (!gmtime_r(&now, &tm) ||
            !strftime(s->date, sizeof s->date, "%Y-%m-%d %H:%M:%S UTC", &tm))
            snprintf(s->date, sizeof s->date, "unknown");
    }
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
            return cli_usage_error("unknown format (expected text, json, jsonl, csv, tsv, html)",
                                   s->format);
    } else if (s->format && strcmp(s->format, "jsonl") != 0 && strcmp(s->format, "text") != 0) {
        return cli_usage_error("unknown format (expected text, jsonl)", s->format);
    }
    /* before anything is loaded or written: a named *.txt cannot give fields */
    if (s->nkeep && tt_input_check_jsonl(&s->in, argv + optind, argc - optind))
        return EXIT_USAGE;
    s->rules.segment_only = cmd == &cli_segment;   /* no pattern is compiled */
    if (!(rs = cli_load_rules(&s->rules, 0, &code, NULL)))
        return code;
    describe_run(s);
    if (!(out = cli_open_output(s->output))) {
        tt_ruleset_free(rs);
        return EXIT_SYSTEM;
    }
    /* a stream is read as it is written: -o FILE is then written in place, not replaced */
    if (s->line_buffered && cli_commit_output(out, s->output) != EXIT_OK) {
        tt_ruleset_free(rs);
        cli_finish_output(out, s->output, 0);
        return EXIT_SYSTEM;
    }
    rc = classify_once(cmd, s, rs, out, 0, s->watch ? &snap : NULL, argc, argv);
    tt_ruleset_free(rs);
    if (s->watch && rc != EXIT_SYSTEM && cli_commit_output(out, s->output) != EXIT_OK)
        rc = EXIT_SYSTEM;
    if (s->watch && rc != EXIT_SYSTEM)
        rc = watch_loop(cmd, s, out, &snap, argc, argv);
    cli_snapshot_release(&snap);
    {
        /* after a fatal error the previous report stays */
        int oc = cli_finish_output(out, out == stdout ? NULL : s->output,
                                   rc != EXIT_SYSTEM && rc != EXIT_USAGE);
        if (oc != EXIT_OK && (rc == EXIT_OK || rc == EXIT_INPUT))
            rc = oc;
    }
    return rc;
}

static int command(const cli_command *cmd, int argc, char **argv)
{
    settings s;
    int rc;
    memset(&s, 0, sizeof s);
    s.watch_count = -1;
    s.html_inline_max = -1;
    rc = cli_parse(cmd, argc, argv, on_option, &s);
    if (rc < 0 && s.role && !s.topic)
        rc = cli_usage_error("--role needs --topic", NULL);
    if (rc < 0 && s.list && s.count)
        rc = cli_usage_error("-l and -c cannot be combined", NULL);
    if (rc < 0 && (s.list || s.count) && (s.watch || s.format))
        rc = cli_usage_error("-l and -c print names, not a report: no -f or --watch", NULL);
    if (rc < 0 && s.nkeep && (s.list || s.count))
        rc = cli_usage_error("--keep-field copies fields into a report: not with -l or -c", NULL);
    if (rc < 0 && s.nkeep &&
        !(s.format && (!strcmp(s.format, "json") || !strcmp(s.format, "jsonl") ||
                       !strcmp(s.format, "csv") || !strcmp(s.format, "tsv"))))
        rc = cli_usage_error("--keep-field needs -f json, jsonl, csv or tsv", s.format);
    if (rc < 0)
        rc = cmd_run(cmd, &s, argc, argv);
    cli_rules_release(&s.rules);
    cli_keep_release(s.keep, s.nkeep);
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
    "(jsonl).  Only the rules' segmenter data is read (no pattern is compiled): errors in the\n"
    "YAML or a segmenter: mapping fail with exit 3; an invalid regex or condition is not checked\n"
    "here (topictag check finds it).  Without -r, when no rules are found where the default\n"
    "points, the built-in segmenter data is used: the shipped rules add none to it.",
    segment_options, sizeof segment_options / sizeof *segment_options, command};
