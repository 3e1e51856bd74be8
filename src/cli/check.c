/* check.c - `topictag check`: every problem of every rule file, for people (text on stderr) or
 * for CI (one `file:line:col: severity: message` line each, JSON, or SARIF 2.1.0 for
 * code-scanning pages); --strict makes warnings fail the run. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

enum { O_PREFILTER = 256, O_STRICT, O_STATS };

static const cli_option check_options[] = {
    CLI_OPT_RULES,
    {'f', "format", 1, "FORMAT",
     "text (default), github (or line: FILE:LINE:COL: SEVERITY: MESSAGE per line), json, sarif"},
    {O_STRICT, "strict", 0, NULL, "warnings fail the run too (exit 3)"},
    {O_PREFILTER, "prefilter", 1, "NAME",
     "literal (default) or hyperscan: the prefilter to build and report on"},
    {O_STATS, "stats", 0, NULL,
     "also list how each pattern is decided: a literal set needs no PCRE2"},
};

enum { FMT_TEXT, FMT_LINE, FMT_JSON, FMT_SARIF };

typedef struct settings {
    cli_rules rules;
    int format;
    int strict;
    int stats;
} settings;

static int on_option(void *ctx, int val, const char *arg)
{
    settings *s = ctx;
    switch (val) {
    case 'r': return cli_rules_add(&s->rules, arg);
    case O_STRICT: s->strict = 1; return 0;
    case O_STATS: s->stats = 1; return 0;
    case 'f':
        if (!strcmp(arg, "text"))
            s->format = FMT_TEXT;
        else if (!strcmp(arg, "github") || !strcmp(arg, "line"))
            s->format = FMT_LINE;
        else if (!strcmp(arg, "json"))
            s->format = FMT_JSON;
        else if (!strcmp(arg, "sarif"))
            s->format = FMT_SARIF;
        else
            return cli_usage_error("unknown format (expected text, github, line, json, sarif)",
                                   arg);
        return 0;
    case O_PREFILTER:
        if (strcmp(arg, "literal") != 0 && strcmp(arg, "hyperscan") != 0)
            return cli_usage_error("--prefilter must be literal or hyperscan", arg);
        s->rules.prefilter = arg;
        return 0;
    }
    return EXIT_USAGE;
}

/* --stats: how each pattern is decided, then the counts. */
static void print_stats(FILE *o, const tt_ruleset *rs)
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
        fprintf(o, "%s:%d:%d: %s/%s: %s", pi->file, pi->line, pi->column,
                tt_ruleset_topic(rs, pi->topic)->id, pi->id, how[k]);
        if (pi->literal_set)
            fprintf(o, " (%zu string%s)", pi->literal_set, pi->literal_set == 1 ? "" : "s");
        fputc('\n', o);
    }
    fprintf(o,
            "%zu literal set%s, %zu by literal hits then PCRE2, %zu by Hyperscan then PCRE2, "
            "%zu by PCRE2 alone\n",
            n[3], cli_plural(n[3]), n[1], n[2], n[0]);
}

/* A diagnostic kept for the report; notes are the CLI's own (patterns that defeat the
 * prefilter). */
enum { SEV_ERROR, SEV_WARNING, SEV_NOTE };
static const char *const sev_name[] = {"error", "warning", "note"};

typedef struct finding {
    int severity;
    const char *rule;      /* a stable id for code-scanning pages (static) */
    const char *what;      /* the rule's description (static) */
    tt_error e;            /* file, line, column, message */
} finding;

typedef struct findings {
    finding *f;
    size_t n, cap;
    size_t count[3];
    int nomem;
} findings;

/* Stable rule ids: the library's diagnostics carry a status code, and the warnings each have
 * their own wording, which names the check (a golden test pins each one). */
static const struct {
    const char *needle, *rule, *what;
} known[] = {
    {"can backtrack catastrophically", "catastrophic-backtracking",
     "a repeated group that itself repeats can backtrack catastrophically"},
    {"can match the empty string", "empty-match", "a pattern can match the empty string"},
    {"is not used by the condition", "unused-pattern",
     "a pattern no condition or context uses"},
    {"is never used", "unused-definition", "a definition no pattern uses"},
    {"rule folder loop", "folder-loop", "a symlink back to a rule folder being walked"},
    {"no *.yaml rule files", "no-rule-files", "a rule folder without rule files"},
    {"defeats the prefilter", "no-prefilter-literal",
     "a pattern without a required literal runs on every sentence"},
};

/* The id of a finding and a sentence saying what it is about. */
static const char *rule_id(int severity, const tt_error *e, const char **what)
{
    size_t i;
    for (i = 0; i < sizeof known / sizeof *known; i++) {
        if (strstr(e->message, known[i].needle)) {
            *what = known[i].what;
            return known[i].rule;
        }
    }
    if (severity != SEV_ERROR) {
        *what = "another warning about the rules";
        return e->code == TT_ERR_IO ? "io-warning" : "rule-warning";
    }
    switch (e->code) {
    case TT_ERR_YAML: *what = "a rule file is not well-formed YAML"; break;
    case TT_ERR_REGEX: *what = "a pattern does not compile"; break;
    case TT_ERR_CONDITION: *what = "a condition does not parse or names an unknown pattern"; break;
    case TT_ERR_IO: *what = "a rule file cannot be read"; break;
    default: *what = "a rule file is wrong (key, type or value)"; break;
    }
    return tt_status_name(e->code);   /* yaml, rule, regex, condition, io, ... */
}

static void add_finding(findings *fs, int severity, const tt_error *e)
{
    finding *f;
    fs->count[severity]++;
    if (fs->n == fs->cap) {
        size_t nc = fs->cap ? fs->cap * 2 : 32;
        finding *nf = realloc(fs->f, nc * sizeof *nf);
        if (!nf) {
            fs->nomem = 1;
            return;
        }
        fs->f = nf;
        fs->cap = nc;
    }
    f = &fs->f[fs->n++];
    f->severity = severity;
    f->e = *e;
    f->rule = rule_id(severity, e, &f->what);
}

static void on_diag(void *ctx, const tt_diag *d)
{
    add_finding(ctx, d->severity == TT_SEV_ERROR ? SEV_ERROR : SEV_WARNING, &d->error);
}

/* The patterns no literal prefilter can pick: not a problem, but they cost on every sentence. */
static void prefilter_notes(findings *fs, const tt_ruleset *rs)
{
    size_t i, np = tt_ruleset_pattern_count(rs);
    for (i = 0; i < np; i++) {
        const tt_pattern_info *pi = tt_ruleset_pattern(rs, i);
        tt_error e;
        if (pi->prefiltered)
            continue;
        memset(&e, 0, sizeof e);
        snprintf(e.file, sizeof e.file, "%s", pi->file);
        e.line = pi->line;
        e.column = pi->column;
        snprintf(e.message, sizeof e.message,
                 "pattern '%s' of topic '%s' defeats the prefilter (no literal of 3 or more "
                 "bytes occurs in every match): it runs on every sentence where its topic may "
                 "apply",
                 pi->id, tt_ruleset_topic(rs, pi->topic)->id);
        add_finding(fs, SEV_NOTE, &e);
    }
}

static void json_str(FILE *o, const char *s) { cli_json(o, s, strlen(s)); }

static void report_json(FILE *o, const findings *fs, const tt_ruleset *rs)
{
    size_t i, np = rs ? tt_ruleset_pattern_count(rs) : 0, nf = 0;
    for (i = 0; i < np; i++)
        nf += tt_ruleset_pattern(rs, i)->prefiltered != 0;
    fprintf(o, "{\"schema\": %d, \"valid\": %s, ", TT_JSON_SCHEMA, rs ? "true" : "false");
    if (rs)
        fprintf(o, "\"topics\": %zu, \"patterns\": %zu, \"prefiltered\": %zu, ",
                tt_ruleset_topic_count(rs), np, nf);
    fprintf(o, "\"errors\": %zu, \"warnings\": %zu, \"notes\": %zu, \"diagnostics\": [",
            fs->count[SEV_ERROR], fs->count[SEV_WARNING], fs->count[SEV_NOTE]);
    for (i = 0; i < fs->n; i++) {
        const finding *f = &fs->f[i];
        fprintf(o, "%s\n  {\"severity\": \"%s\", \"rule\": \"%s\", \"file\": ", i ? "," : "",
                sev_name[f->severity], f->rule);
        if (f->e.file[0])
            json_str(o, f->e.file);
        else
            fputs("null", o);
        fprintf(o, ", \"line\": %d, \"column\": %d, \"message\": ", f->e.line, f->e.column);
        json_str(o, f->e.message);
        putc('}', o);
    }
    fputs(fs->n ? "\n]}\n" : "]}\n", o);
}

/* SARIF 2.1.0: one run, the rules that occur (each with its index), one result per finding
 * with the rule file as artifact and the 1-based line and column as region. */
static void report_sarif(FILE *o, const findings *fs)
{
    const finding **rules = calloc(fs->n + 1, sizeof *rules);
    size_t *index = calloc(fs->n + 1, sizeof *index);
    size_t nr = 0, i, k;
    if (!rules || !index) {
        free(rules);
        free(index);
        fputs("topictag: out of memory\n", stderr);
        return;
    }
    for (i = 0; i < fs->n; i++) {
        for (k = 0; k < nr && strcmp(rules[k]->rule, fs->f[i].rule); k++)
            ;
        if (k == nr)
            rules[nr++] = &fs->f[i];
        index[i] = k;
    }
    fputs("{\n  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n"
          "  \"version\": \"2.1.0\",\n  \"runs\": [{\n    \"tool\": {\"driver\": {"
          "\"name\": \"topictag\", \"version\": ",
          o);
    json_str(o, tt_version());
    fputs(", \"rules\": [", o);
    for (k = 0; k < nr; k++) {
        fprintf(o, "%s\n      {\"id\": \"%s\", \"shortDescription\": {\"text\": ", k ? "," : "",
                rules[k]->rule);
        json_str(o, rules[k]->what);
        fputs("}}", o);
    }
    fputs(nr ? "\n    ]}},\n    \"results\": [" : "]}},\n    \"results\": [", o);
    for (i = 0; i < fs->n; i++) {
        const finding *f = &fs->f[i];
        fprintf(o, "%s\n      {\"ruleId\": \"%s\", \"ruleIndex\": %zu, \"level\": \"%s\", "
                   "\"message\": {\"text\": ",
                i ? "," : "", f->rule, index[i], sev_name[f->severity]);
        json_str(o, f->e.message);
        putc('}', o);
        if (f->e.file[0]) {
            fputs(", \"locations\": [{\"physicalLocation\": {\"artifactLocation\": {\"uri\": ", o);
            json_str(o, f->e.file);
            putc('}', o);
            if (f->e.line > 0)
                fprintf(o, ", \"region\": {\"startLine\": %d, \"startColumn\": %d}", f->e.line,
                        f->e.column > 0 ? f->e.column : 1);
            fputs("}}]", o);
        }
        putc('}', o);
    }
    fputs(fs->n ? "\n    ]\n  }]\n}\n" : "]\n  }]\n}\n", o);
    free(rules);
    free(index);
}

static int run(const cli_command *cmd, int argc, char **argv)
{
    settings s;
    findings fs;
    tt_ruleset *rs = NULL;
    size_t nwarn = 0, i;
    int rc, code = EXIT_OK;
    memset(&s, 0, sizeof s);
    memset(&fs, 0, sizeof fs);
    rc = cli_parse(cmd, argc, argv, on_option, &s);
    if (rc >= 0)
        goto done;
    if (optind < argc) {
        rc = cli_usage_error("check takes no paths; name rule files with -r", argv[optind]);
        goto done;
    }
    rs = cli_load_rules_with(&s.rules, on_diag, &fs, &code, &nwarn);
    if (rs)
        prefilter_notes(&fs, rs);
    if (fs.nomem) {
        fputs("topictag: out of memory\n", stderr);
        rc = EXIT_SYSTEM;
        goto done;
    }
    if (!rs && code != EXIT_RULES) {   /* usage (--prefilter) or out of memory: printed */
        rc = code;
        goto done;
    }
    switch (s.format) {
    case FMT_TEXT:
        for (i = 0; i < fs.n; i++)
            cli_print_problem(stderr, sev_name[fs.f[i].severity], &fs.f[i].e);
        break;
    case FMT_LINE:
        for (i = 0; i < fs.n; i++)
            cli_print_problem(stdout, sev_name[fs.f[i].severity], &fs.f[i].e);
        break;
    case FMT_JSON: report_json(stdout, &fs, rs); break;
    case FMT_SARIF: report_sarif(stdout, &fs); break;
    }
    if (rs && s.stats)
        print_stats(s.format == FMT_TEXT ? stdout : stderr, rs);
    if (rs) {
        size_t np = tt_ruleset_pattern_count(rs), nf = 0, nhs = 0;
        /* the summary is the report in text; beside machine output it goes to stderr */
        FILE *o = s.format == FMT_TEXT ? stdout : stderr;
        for (i = 0; i < np; i++) {
            const tt_pattern_info *pi = tt_ruleset_pattern(rs, i);
            nf += pi->prefiltered != 0;
            nhs += pi->prefiltered == 2;
        }
        if (nhs)
            fprintf(o, "%zu topic%s, %zu pattern%s (%zu prefiltered: %zu by hyperscan, %zu by "
                       "literals), %zu warning%s\n",
                    tt_ruleset_topic_count(rs), cli_plural(tt_ruleset_topic_count(rs)), np,
                    cli_plural(np), nf, nhs, nf - nhs, nwarn, cli_plural(nwarn));
        else
            fprintf(o, "%zu topic%s, %zu pattern%s (%zu prefiltered), %zu warning%s\n",
                    tt_ruleset_topic_count(rs), cli_plural(tt_ruleset_topic_count(rs)), np,
                    cli_plural(np), nf, nwarn, cli_plural(nwarn));
    }
    rc = !rs ? EXIT_RULES : s.strict && nwarn ? EXIT_RULES : EXIT_OK;
    if (rc == EXIT_RULES && rs && s.strict)
        fprintf(stderr, "topictag: --strict: %zu warning%s\n", nwarn, cli_plural(nwarn));
done:
    free(fs.f);
    tt_ruleset_free(rs);
    cli_rules_release(&s.rules);
    return rc;
}

const cli_command cli_check = {
    "check", "topictag check [-r RULES]... [-f text|github|line|json|sarif] [--strict] [--stats]",
    "Validate rule files and print every problem as FILE:LINE:COLUMN: error|warning: ...\n"
    "(text: on stderr, the summary on stdout; github or line: the same lines on stdout, ready\n"
    "for CI annotations; json; sarif: SARIF 2.1.0 for code-scanning pages).  Exit status 3\n"
    "when a rule file has an error, or with --strict a warning.",
    check_options, sizeof check_options / sizeof *check_options, run};
