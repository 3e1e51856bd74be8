/* main.c - the topictag command: a thin layer over the public header. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "input.h"
#include "pool.h"
#include "topictag.h"

#ifndef TT_DEFAULT_RULES
#define TT_DEFAULT_RULES "/usr/local/share/topictag/rules"
#endif

enum {
    EXIT_OK = 0,
    EXIT_FAIL = 1,      /* output could not be written, or out of memory */
    EXIT_USAGE = 2,
    EXIT_RULES = 3,
    EXIT_INPUT = 4      /* some document could not be read or classified */
};

/* ---- the option table: drives getopt_long and --help alike ------------------------------- */

enum { C_CLASSIFY = 1, C_CHECK = 2, C_SEGMENT = 4, C_ALL = 7 };

enum {
    O_INCLUDE = 256,
    O_INPUT,
    O_ID_FIELD,
    O_TEXT_FIELD,
    O_TAGGED_ONLY,
    O_SUMMARY,
    O_NO_JIT,
    O_NO_PREFILTER,
};

typedef struct opt_item {
    int cmds;
    int val;
    const char *lng;
    int has_arg;
    const char *arg;
    const char *help;
} opt_item;

static const opt_item options[] = {
    {C_ALL, 'r', "rules", 1, "RULES",
     "rule file or folder (repeatable); default: $TOPICTAG_RULES, the installed rules, ./rules"},
    {C_CLASSIFY | C_SEGMENT, 'f', "format", 1, "FORMAT",
     "classify: text (default), json, jsonl, csv, tsv; segment: text (default), jsonl"},
    {C_CLASSIFY | C_SEGMENT, 'o', "output", 1, "FILE", "write the report to FILE instead of stdout"},
    {C_CLASSIFY | C_SEGMENT, O_INCLUDE, "include", 1, "GLOB",
     "files to read inside folders (default *.txt)"},
    {C_CLASSIFY | C_SEGMENT, O_INPUT, "input", 1, "KIND",
     "what stdin holds: text (default) or jsonl"},
    {C_CLASSIFY | C_SEGMENT, O_ID_FIELD, "id-field", 1, "NAME",
     "JSON Lines: the field holding the article id (default id)"},
    {C_CLASSIFY | C_SEGMENT, O_TEXT_FIELD, "text-field", 1, "NAME",
     "JSON Lines: the field holding the article text (default text)"},
    {C_CLASSIFY, O_TAGGED_ONLY, "tagged-only", 0, NULL,
     "json/jsonl: list only sentences that carry a topic"},
    {C_CLASSIFY, O_SUMMARY, "summary", 0, NULL, "jsonl: end with a {\"summary\": ...} line"},
    {C_CLASSIFY | C_SEGMENT, 'j', "jobs", 1, "N",
     "classify on N threads (default: the number of cores); output order is unchanged"},
    {C_CLASSIFY, O_NO_PREFILTER, "no-prefilter", 0, NULL,
     "run every pattern on every document (same results, slower; for testing)"},
    {C_CLASSIFY, O_NO_JIT, "no-jit", 0, NULL,
     "match with the PCRE2 interpreter, not the JIT (slower; for debugging, valgrind)"},
    {C_ALL, 'h', "help", 0, NULL, "show this help and exit"},
    {C_ALL, 'V', "version", 0, NULL, "show the version and exit"},
};
#define NOPTIONS (sizeof options / sizeof *options)

static const struct {
    const char *name;
    int cmd;
    const char *usage;
    const char *what;
} commands[] = {
    {"classify", C_CLASSIFY, "topictag classify [-r RULES]... [-f FORMAT] [-o FILE] [PATH...]",
     "Tag each sentence of each article with the topics its rules find, and report.\n"
     "PATH is a file, a folder (searched recursively for *.txt), a *.jsonl file (one article\n"
     "per line), or - for stdin (the default)."},
    {"check", C_CHECK, "topictag check [-r RULES]...",
     "Validate rule files and print every problem as FILE:LINE:COLUMN: error|warning: ..."},
    {"segment", C_SEGMENT, "topictag segment [-r RULES]... [-f text|jsonl] [PATH...]",
     "Print the sentences as the engine sees them: one per line (text), or with byte spans\n"
     "(jsonl)."},
};
#define NCOMMANDS (sizeof commands / sizeof *commands)

static void main_help(FILE *o)
{
    size_t i;
    fputs("usage: topictag COMMAND [OPTION]... [PATH]...\n\n"
          "A rule-based topic classifier for news: YAML rules, PCRE2 regexes, sentence tags.\n\n"
          "Commands:\n",
          o);
    for (i = 0; i < NCOMMANDS; i++)
        fprintf(o, "  %-10s %s\n", commands[i].name, commands[i].usage + 9);
    fputs("\nRun 'topictag COMMAND --help' for a command's options.\n"
          "Exit status: 0 ok, 1 output or system failure, 2 usage error, 3 invalid rules,\n"
          "4 some input could not be read or classified (all others are still reported).\n",
          o);
}

static void command_help(FILE *o, size_t c)
{
    size_t i;
    fprintf(o, "usage: %s\n\n%s\n\nOptions:\n", commands[c].usage, commands[c].what);
    for (i = 0; i < NOPTIONS; i++) {
        char left[64];
        if (!(options[i].cmds & commands[c].cmd))
            continue;
        if (options[i].val < 256)
            snprintf(left, sizeof left, "-%c, --%s%s%s", options[i].val, options[i].lng,
                     options[i].arg ? " " : "", options[i].arg ? options[i].arg : "");
        else
            snprintf(left, sizeof left, "    --%s%s%s", options[i].lng,
                     options[i].arg ? " " : "", options[i].arg ? options[i].arg : "");
        fprintf(o, "  %-26s %s\n", left, options[i].help);
    }
}

/* ---- settings ---------------------------------------------------------------------------- */

typedef struct settings {
    size_t cmd;
    const char **rules;
    int nrules;
    const char *format;
    const char *output;
    tt_input_options in;
    int tagged_only, summary, no_jit, no_prefilter;
    int jobs;
} settings;

static int usage_error(const char *msg, const char *arg)
{
    fprintf(stderr, "topictag: %s%s%s\n", msg, arg ? ": " : "", arg ? arg : "");
    fputs("Try 'topictag --help'.\n", stderr);
    return EXIT_USAGE;
}

/* Parses the options of command c; returns -1 to go on, or an exit code. */
static int parse_options(settings *s, int argc, char **argv)
{
    struct option lo[NOPTIONS + 1];
    char so[64];
    size_t i, k = 1, n = 0;
    int ch;
    memset(lo, 0, sizeof lo);
    so[0] = ':';   /* report a missing value as ':' */
    for (i = 0; i < NOPTIONS; i++) {
        if (!(options[i].cmds & commands[s->cmd].cmd))
            continue;
        lo[n].name = options[i].lng;
        lo[n].has_arg = options[i].has_arg ? required_argument : no_argument;
        lo[n].val = options[i].val;
        n++;
        if (options[i].val < 256) {
            so[k++] = (char)options[i].val;
            if (options[i].has_arg)
                so[k++] = ':';
        }
    }
    so[k] = '\0';
    opterr = 0;
    optind = 1;
    while ((ch = getopt_long(argc, argv, so, lo, NULL)) != -1) {
        switch (ch) {
        case 'r': {
            const char **nr = realloc(s->rules, (size_t)(s->nrules + 1) * sizeof *nr);
            if (!nr)
                return EXIT_FAIL;
            s->rules = nr;
            s->rules[s->nrules++] = optarg;
            break;
        }
        case 'f': s->format = optarg; break;
        case 'o': s->output = optarg; break;
        case 'j': {
            char *end;
            long j = strtol(optarg, &end, 10);
            if (*end || j < 1 || j > 256)
                return usage_error("--jobs must be a number from 1 to 256", optarg);
            s->jobs = (int)j;
            break;
        }
        case O_INCLUDE: s->in.include = optarg; break;
        case O_INPUT:
            if (!strcmp(optarg, "jsonl"))
                s->in.stdin_jsonl = 1;
            else if (strcmp(optarg, "text") != 0)
                return usage_error("--input must be text or jsonl", optarg);
            break;
        case O_ID_FIELD: s->in.id_field = optarg; break;
        case O_TEXT_FIELD: s->in.text_field = optarg; break;
        case O_TAGGED_ONLY: s->tagged_only = 1; break;
        case O_SUMMARY: s->summary = 1; break;
        case O_NO_JIT: s->no_jit = 1; break;
        case O_NO_PREFILTER: s->no_prefilter = 1; break;
        case 'h': command_help(stdout, s->cmd); return EXIT_OK;
        case 'V': printf("topictag %s\n", tt_version()); return EXIT_OK;
        case ':': return usage_error("option needs a value", argv[optind - 1]);
        case '?':
            if (optopt && optopt < 256) {
                char o[3] = {'-', (char)optopt, 0};
                return usage_error("unknown option", o);
            }
            return usage_error("unknown option", argv[optind - 1]);
        default: return usage_error("unknown option", argv[optind - 1]);
        }
    }
    return -1;
}

/* ---- rules ------------------------------------------------------------------------------- */

static void print_diag(const tt_diag *d)
{
    const tt_error *e = &d->error;
    const char *sev = d->severity == TT_SEV_ERROR ? "error" : "warning";
    if (e->file[0] && e->line)
        fprintf(stderr, "%s:%d:%d: %s: %s\n", e->file, e->line, e->column, sev, e->message);
    else if (e->file[0])
        fprintf(stderr, "%s: %s: %s\n", e->file, sev, e->message);
    else
        fprintf(stderr, "topictag: %s: %s\n", sev, e->message);
}

static int is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Loads the rules; prints diagnostics (warnings only when verbose).  *code gets the exit code
 * on failure. */
static tt_ruleset *load_rules(const settings *s, int show_warnings, int *code, size_t *nwarn)
{
    tt_loader *ld = tt_loader_new();
    tt_ruleset *rs = NULL;
    tt_error err;
    size_t i;
    int k;
    const char *deflt = NULL;
    *code = EXIT_RULES;
    if (!ld) {
        *code = EXIT_FAIL;
        return NULL;
    }
    if (s->nrules == 0) {
        const char *env = getenv("TOPICTAG_RULES");
        if (env && *env)
            deflt = env;
        else if (is_dir(TT_DEFAULT_RULES))
            deflt = TT_DEFAULT_RULES;
        else
            deflt = "rules";
    }
    for (k = 0; k < (deflt ? 1 : s->nrules); k++) {
        if (tt_loader_add_path(ld, deflt ? deflt : s->rules[k]) < 0) {
            *code = EXIT_FAIL;
            tt_loader_free(ld);
            fputs("topictag: out of memory\n", stderr);
            return NULL;
        }
    }
    rs = tt_loader_build(ld, &err);   /* even after errors: it finds the rest of them */
    if (nwarn)
        *nwarn = 0;
    for (i = 0; i < tt_loader_diag_count(ld); i++) {
        const tt_diag *d = tt_loader_diag(ld, i);
        if (d->severity == TT_SEV_WARNING) {
            if (nwarn)
                (*nwarn)++;
            if (!show_warnings)
                continue;
        }
        print_diag(d);
    }
    if (!rs && tt_loader_diag_count(ld) == 0)
        fprintf(stderr, "topictag: error: %s\n", err.message);
    if (!rs && err.code == TT_ERR_NOMEM)
        *code = EXIT_FAIL;
    tt_loader_free(ld);
    return rs;
}

/* ---- commands ---------------------------------------------------------------------------- */

typedef struct run_ctx {
    tt_pool *pool;
    tt_report *rep;
    const tt_ruleset *rs;
    FILE *out;
    int segment_jsonl;
    int multi;
    size_t failed;
    int fatal;
} run_ctx;

static void warn_doc(const char *name, const char *msg)
{
    fprintf(stderr, "topictag: %s: %s\n", name, msg);
}

static int classify_done(void *vctx, const char *name, const char *id, const tt_result *r,
                         const tt_error *derr)
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
    if (tt_report_document(c->rep, name, id, r, derr)) {
        c->fatal = EXIT_FAIL;
        return -1;
    }
    return 0;
}

static void oneline(FILE *o, const char *s, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        putc(s[i] == '\n' || s[i] == '\r' || s[i] == '\t' ? ' ' : s[i], o);
}

static void json_str(FILE *o, const char *s, size_t n)
{
    size_t i;
    putc('"', o);
    for (i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == '"' || ch == '\\')
            fprintf(o, "\\%c", ch);
        else if (ch == '\n')
            fputs("\\n", o);
        else if (ch == '\r')
            fputs("\\r", o);
        else if (ch == '\t')
            fputs("\\t", o);
        else if (ch < 0x20 || ch == 0x7f)
            fprintf(o, "\\u%04x", ch);
        else
            putc(ch, o);
    }
    putc('"', o);
}

static int segment_done(void *vctx, const char *name, const char *id, const tt_result *r,
                        const tt_error *derr)
{
    run_ctx *c = vctx;
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
        const tt_doc_error *e = tt_result_errors(r, &ne);
        for (i = 0; i < ne; i++)
            warn_doc(name, e[i].message);
        if (ne)
            c->failed++;
    }
    s = tt_result_sentences(r, &ns);
    if (!c->segment_jsonl && c->multi)
        fprintf(c->out, "==> %s <==\n", name);
    for (i = 0; i < ns; i++) {
        if (c->segment_jsonl) {
            fputs("{\"document\": ", c->out);
            json_str(c->out, name, strlen(name));
            if (id) {
                fputs(", \"id\": ", c->out);
                json_str(c->out, id, strlen(id));
            }
            fprintf(c->out, ", \"index\": %zu, \"start\": %zu, \"end\": %zu, \"paragraph\": %u, "
                            "\"text\": ",
                    i, s[i].start, s[i].end, s[i].paragraph);
            json_str(c->out, text + s[i].start, s[i].end - s[i].start);
            fputs("}\n", c->out);
        } else {
            oneline(c->out, text + s[i].start, s[i].end - s[i].start);
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
    if (tt_pool_submit(c->pool, name, id, text, len, derr)) {
        if (!c->fatal)
            c->fatal = EXIT_FAIL;
        return -1;
    }
    return 0;
}

static int default_jobs(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 64 ? 64 : (int)n;
}

static FILE *open_output(const settings *s)
{
    FILE *o;
    if (!s->output || !strcmp(s->output, "-"))
        return stdout;
    if (!(o = fopen(s->output, "w")))
        fprintf(stderr, "topictag: cannot write %s: %s\n", s->output, strerror(errno));
    return o;
}

static int close_output(FILE *o, const char *name)
{
    int bad = ferror(o) != 0;
    if (fclose(o) != 0)
        bad = 1;
    if (bad) {
        fprintf(stderr, "topictag: error writing %s: %s\n", name ? name : "standard output",
                strerror(errno));
        return EXIT_FAIL;
    }
    return EXIT_OK;
}

static int cmd_run(settings *s, int argc, char **argv)
{
    int code, rc = EXIT_OK, fmt = 0;
    tt_ruleset *rs;
    run_ctx c;
    tt_report_options ro;
    memset(&c, 0, sizeof c);
    if (commands[s->cmd].cmd == C_CLASSIFY) {
        fmt = tt_format_parse(s->format ? s->format : "text");
        if (fmt < 0)
            return usage_error("unknown format (expected text, json, jsonl, csv, tsv)",
                               s->format);
    } else if (s->format) {
        if (!strcmp(s->format, "jsonl"))
            c.segment_jsonl = 1;
        else if (strcmp(s->format, "text") != 0)
            return usage_error("unknown format (expected text, jsonl)", s->format);
    }
    if (!(rs = load_rules(s, 0, &code, NULL)))
        return code;
    if (!(c.out = open_output(s))) {
        tt_ruleset_free(rs);
        return EXIT_FAIL;
    }
    c.rs = rs;
    c.multi = argc - optind > 1;
    memset(&ro, 0, sizeof ro);
    ro.format = (tt_format)fmt;
    ro.tagged_only = s->tagged_only;
    ro.summary = s->summary;
    if (commands[s->cmd].cmd == C_CLASSIFY)
        c.rep = tt_report_new(rs, &ro, c.out);
    {
        tt_limits lim;
        const char *nj = getenv("TOPICTAG_NO_JIT");
        tt_limits_init(&lim);
        lim.no_jit = s->no_jit || (nj && *nj && strcmp(nj, "0") != 0);
        lim.no_prefilter = s->no_prefilter;
        c.pool = tt_pool_new(rs, &lim, s->jobs ? s->jobs : default_jobs(), !c.rep,
                             c.rep ? classify_done : segment_done, &c);
    }
    if (!c.pool || (commands[s->cmd].cmd == C_CLASSIFY && !c.rep)) {
        fputs("topictag: out of memory\n", stderr);
        rc = EXIT_FAIL;
    } else {
        int walk = tt_input_each(&s->in, argv + optind, argc - optind, submit_doc, &c);
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
    tt_ruleset_free(rs);
    {
        int oc = close_output(c.out, c.out == stdout ? NULL : s->output);
        if (oc != EXIT_OK && (rc == EXIT_OK || rc == EXIT_INPUT))
            rc = oc;
    }
    return rc;
}

static int cmd_check(settings *s, int argc, char **argv)
{
    int code;
    size_t nwarn = 0;
    tt_ruleset *rs;
    if (optind < argc)
        return usage_error("check takes no paths; name rule files with -r", argv[optind]);
    rs = load_rules(s, 1, &code, &nwarn);
    if (!rs)
        return code;
    {
        size_t i, np = tt_ruleset_pattern_count(rs), nf = 0;
        for (i = 0; i < np; i++) {
            const tt_pattern_info *pi = tt_ruleset_pattern(rs, i);
            if (pi->prefiltered) {
                nf++;
                continue;
            }
            fprintf(stderr,
                    "%s:%d:%d: note: pattern '%s' of topic '%s' defeats the prefilter (no "
                    "literal of 3 or more bytes occurs in every match): it runs on every "
                    "sentence where its topic may apply\n",
                    pi->file, pi->line, pi->column, pi->id,
                    tt_ruleset_topic(rs, pi->topic)->id);
        }
        printf("%zu topics, %zu patterns (%zu prefiltered), %zu warnings\n",
               tt_ruleset_topic_count(rs), np, nf, nwarn);
    }
    tt_ruleset_free(rs);
    return EXIT_OK;
}

int main(int argc, char **argv)
{
    settings s;
    size_t c;
    int rc;
    memset(&s, 0, sizeof s);
    if (argc < 2) {
        main_help(stderr);
        return EXIT_USAGE;
    }
    if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
        main_help(stdout);
        return close_output(stdout, NULL);
    }
    if (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version")) {
        printf("topictag %s\n", tt_version());
        return close_output(stdout, NULL);
    }
    for (c = 0; c < NCOMMANDS; c++)
        if (!strcmp(argv[1], commands[c].name))
            break;
    if (c == NCOMMANDS)
        return usage_error("unknown command", argv[1]);
    s.cmd = c;
    rc = parse_options(&s, argc - 1, argv + 1);
    if (rc >= 0) {
        free(s.rules);
        if (rc == EXIT_OK)
            return close_output(stdout, NULL);
        return rc;
    }
    optind++;   /* getopt ran over argv + 1 */
    if (commands[c].cmd == C_CHECK)
        rc = cmd_check(&s, argc, argv);
    else
        rc = cmd_run(&s, argc, argv);
    free(s.rules);
    if (rc == EXIT_OK || rc == EXIT_INPUT || rc == EXIT_RULES) {
        if (fflush(stdout) != 0 || ferror(stdout)) {
            fprintf(stderr, "topictag: error writing standard output: %s\n", strerror(errno));
            return EXIT_FAIL;
        }
    }
    return rc;
}
