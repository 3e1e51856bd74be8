/* common.c - helpers shared by the subcommands. */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

#ifndef TT_DEFAULT_RULES
#define TT_DEFAULT_RULES "/usr/local/share/topictag/rules"
#endif

#define MAX_OPTIONS 40

static const cli_option help_options[] = {
    {'h', "help", 0, NULL, "show this help and exit"},
    {'V', "version", 0, NULL, "show the version and exit"},
};

const char cli_exit_help[] =
    "Exit status (when several apply, the first in this list wins: 8 2 3 4 7 6 5 1 0):\n"
    "  0  success\n"
    "  1  a negative answer: classify -l/-c found nothing, diff --fail-on-change found changes\n"
    "  2  usage error\n"
    "  3  invalid rules (with check --strict: rules with warnings)\n"
    "  4  some input could not be read or classified (the others are still reported)\n"
    "  5  a quality gate failed (eval --min-f1, --baseline)\n"
    "  6  rule examples failed (test)\n"
    "  7  nothing was checked: no document read (unless --allow-empty), no document\n"
    "     evaluated, or a gold record matching nothing under a gate\n"
    "  8  output could not be written, out of memory, or a system call failed\n";

/* SYSTEM, USAGE, RULES, INPUT, EMPTY, TESTS, GATE, NOMATCH, OK (cli.h says why) */
int cli_exit_worst(int a, int b)
{
    static const int order[] = {EXIT_SYSTEM, EXIT_USAGE, EXIT_RULES, EXIT_INPUT, EXIT_EMPTY,
                                EXIT_TESTS,  EXIT_GATE,  EXIT_NOMATCH};
    size_t i;
    for (i = 0; i < sizeof order / sizeof *order; i++)
        if (a == order[i] || b == order[i])
            return order[i];
    return a ? a : b;
}

int cli_keep_field(char ***names, size_t *nnames, const char *arg)
{
    const char *p = arg;
    for (;;) {
        size_t n = strcspn(p, ","), i = 0;
        if (n == 0)
            return cli_usage_error("--keep-field needs field names separated by commas", arg);
        while (i < *nnames && !(strlen((*names)[i]) == n && !memcmp((*names)[i], p, n)))
            i++;
        if (i == *nnames) {
            char **nk = realloc(*names, (*nnames + 1) * sizeof *nk), *name;
            if (!nk)
                return EXIT_SYSTEM;
            *names = nk;
            if (!(name = malloc(n + 1)))
                return EXIT_SYSTEM;
            memcpy(name, p, n);
            name[n] = '\0';
            nk[(*nnames)++] = name;
        }
        if (!p[n])
            return EXIT_OK;
        p += n + 1;
    }
}

void cli_keep_release(char **names, size_t n)
{
    while (n)
        free(names[--n]);
    free(names);
}

const char *cli_plural(size_t n)
{
    return n == 1 ? "" : "s";
}

int cli_usage_error(const char *msg, const char *arg)
{
    fprintf(stderr, "topictag: %s%s%s\n", msg, arg ? ": " : "", arg ? arg : "");
    fputs("Try 'topictag --help'.\n", stderr);
    return EXIT_USAGE;
}

static void help_line(FILE *o, const cli_option *op)
{
    char left[64];
    if (op->val < 256)
        snprintf(left, sizeof left, "-%c, --%s%s%s", op->val, op->lng, op->arg ? " " : "",
                 op->arg ? op->arg : "");
    else
        snprintf(left, sizeof left, "    --%s%s%s", op->lng, op->arg ? " " : "",
                 op->arg ? op->arg : "");
    fprintf(o, "  %-26s %s\n", left, op->help);
}

void cli_help(FILE *o, const cli_command *cmd)
{
    size_t i;
    fprintf(o, "usage: %s\n\n%s\n\nOptions:\n", cmd->usage, cmd->what);
    for (i = 0; i < cmd->noptions; i++)
        help_line(o, &cmd->options[i]);
    for (i = 0; i < sizeof help_options / sizeof *help_options; i++)
        help_line(o, &help_options[i]);
    fprintf(o, "\n%s", cli_exit_help);
}

int cli_parse(const cli_command *cmd, int argc, char **argv,
              int (*on)(void *ctx, int val, const char *arg), void *ctx)
{
    struct option lo[MAX_OPTIONS + 3];
    char so[3 * MAX_OPTIONS + 8];
    size_t i, k = 1, n = 0;
    int ch;
    memset(lo, 0, sizeof lo);
    so[0] = ':';   /* report a missing value as ':' */
    for (i = 0; i < cmd->noptions + 2 && n < MAX_OPTIONS + 2; i++) {
        const cli_option *op = i < cmd->noptions ? &cmd->options[i]
                                                  : &help_options[i - cmd->noptions];
        lo[n].name = op->lng;
        lo[n].has_arg = op->has_arg ? required_argument : no_argument;
        lo[n].val = op->val;
        n++;
        if (op->val < 256) {
            so[k++] = (char)op->val;
            if (op->has_arg)
                so[k++] = ':';
        }
    }
    so[k] = '\0';
    opterr = 0;
    optind = 1;
    while ((ch = getopt_long(argc, argv, so, lo, NULL)) != -1) {
        int rc;
        switch (ch) {
        case 'h':
            cli_help(stdout, cmd);
            return EXIT_OK;
        case 'V':
            printf("topictag %s\n", tt_version());
            return EXIT_OK;
        case ':':
            return cli_usage_error("option needs a value", argv[optind - 1]);
        case '?':
            if (optopt && optopt < 256) {
                char o[3] = {'-', (char)optopt, 0};
                return cli_usage_error("unknown option", o);
            }
            return cli_usage_error("unknown option", argv[optind - 1]);
        default:
            if ((rc = on(ctx, ch, optarg)) != 0)
                return rc;
        }
    }
    return -1;
}

int cli_rules_add(cli_rules *r, const char *path)
{
    const char **np = realloc(r->paths, (size_t)(r->n + 1) * sizeof *np);
    if (!np)
        return EXIT_SYSTEM;
    r->paths = np;
    r->paths[r->n++] = path;
    return 0;
}

void cli_rules_release(cli_rules *r)
{
    free(r->paths);
    r->paths = NULL;
    r->n = 0;
}

void cli_print_diag(FILE *o, const tt_diag *d)
{
    cli_print_problem(o, d->severity == TT_SEV_ERROR ? "error" : "warning", &d->error);
}

void cli_print_problem(FILE *o, const char *sev, const tt_error *e)
{
    if (e->file[0] && e->line)
        fprintf(o, "%s:%d:%d: %s: %s\n", e->file, e->line, e->column, sev, e->message);
    else if (e->file[0])
        fprintf(o, "%s: %s: %s\n", e->file, sev, e->message);
    else
        fprintf(o, "topictag: %s: %s\n", sev, e->message);
}

static int is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

const char *cli_rules_default(void)
{
    const char *env = getenv("TOPICTAG_RULES");
    if (env && *env)
        return env;
    if (is_dir(TT_DEFAULT_RULES))
        return TT_DEFAULT_RULES;
    return "rules";
}

/* Where the Hyperscan database is cached: $TOPICTAG_CACHE_DIR (empty: nowhere), else
 * $XDG_CACHE_HOME/topictag, else ~/.cache/topictag; created when missing.  A folder that
 * cannot be made means no cache, not an error.  Returns -1 only on out of memory. */
static int hs_cache_dir(tt_loader *ld)
{
    const char *env = getenv("TOPICTAG_CACHE_DIR"), *base;
    char path[4096];
    struct stat st;
    if (env)
        return *env ? tt_loader_set_cache(ld, env) : 0;
    if ((base = getenv("XDG_CACHE_HOME")) && *base)
        snprintf(path, sizeof path, "%s/topictag", base);
    else if ((base = getenv("HOME")) && *base) {
        snprintf(path, sizeof path, "%s/.cache", base);
        if (stat(path, &st) != 0 && mkdir(path, 0700) != 0)
            return 0;
        snprintf(path, sizeof path, "%s/.cache/topictag", base);
    } else
        return 0;
    if (stat(path, &st) != 0 && mkdir(path, 0700) != 0)
        return 0;
    return tt_loader_set_cache(ld, path);
}

typedef struct print_diags {
    int show_warnings;
} print_diags;

static void print_diag(void *ctx, const tt_diag *d)
{
    const print_diags *p = ctx;
    if (d->severity == TT_SEV_WARNING && !p->show_warnings)
        return;
    cli_print_diag(stderr, d);
}

tt_ruleset *cli_load_rules(const cli_rules *r, int show_warnings, int *code, size_t *nwarn)
{
    print_diags p;
    p.show_warnings = show_warnings;
    return cli_load_rules_with(r, print_diag, &p, code, nwarn);
}

tt_ruleset *cli_load_rules_with(const cli_rules *r, void (*on_diag)(void *ctx, const tt_diag *d),
                                void *ctx, int *code, size_t *nwarn)
{
    tt_loader *ld = tt_loader_new();
    tt_ruleset *rs = NULL;
    tt_error err;
    size_t i;
    int k;
    const char *deflt = NULL;
    *code = EXIT_RULES;
    if (nwarn)
        *nwarn = 0;
    if (!ld) {
        *code = EXIT_SYSTEM;
        return NULL;
    }
    {
        const char *pf = r->prefilter ? r->prefilter : getenv("TOPICTAG_PREFILTER");
        int bad = 0;
        if (pf && *pf && !strcmp(pf, "hyperscan")) {
            bad = tt_loader_set_prefilter(ld, TT_PREFILTER_HYPERSCAN);
            if (!bad && hs_cache_dir(ld)) {
                *code = EXIT_SYSTEM;
                tt_loader_free(ld);
                fputs("topictag: out of memory\n", stderr);
                return NULL;
            }
        }
        else if (pf && *pf && strcmp(pf, "literal") != 0)
            bad = 1;
        if (bad) {
            if (bad > 0)
                fprintf(stderr, "topictag: unknown prefilter '%s' (literal or hyperscan)\n", pf);
            else
                fputs("topictag: this topictag was built without the Hyperscan prefilter; "
                      "install libhyperscan-dev (or libvectorscan-dev) and rebuild\n",
                      stderr);
            *code = EXIT_USAGE;
            tt_loader_free(ld);
            return NULL;
        }
        if (r->no_prefilter)
            tt_loader_set_prefilter(ld, TT_PREFILTER_NONE);
    }
    if (r->n == 0)
        deflt = cli_rules_default();
    /* segment needs only the segmenter's words, which are built in: with no -r and no rules
     * where the default points, it segments with those alone instead of failing */
    if (deflt && r->segment_only && access(deflt, F_OK) != 0)
        deflt = NULL;   /* and r->n == 0: no file is added */
    for (k = 0; k < (deflt ? 1 : r->n); k++) {
        if (tt_loader_add_path(ld, deflt ? deflt : r->paths[k]) < 0) {
            *code = EXIT_SYSTEM;
            tt_loader_free(ld);
            fputs("topictag: out of memory\n", stderr);
            return NULL;
        }
    }
    /* even after errors: it finds the rest of them */
    rs = r->segment_only ? tt_loader_build_segmenter(ld, &err) : tt_loader_build(ld, &err);
    for (i = 0; i < tt_loader_diag_count(ld); i++) {
        const tt_diag *d = tt_loader_diag(ld, i);
        if (d->severity == TT_SEV_WARNING && nwarn)
            (*nwarn)++;
        on_diag(ctx, d);
    }
    if (!rs && tt_loader_diag_count(ld) == 0)
        fprintf(stderr, "topictag: error: %s\n", err.message);
    if (!rs && err.code == TT_ERR_NOMEM)
        *code = EXIT_SYSTEM;
    tt_loader_free(ld);
    return rs;
}

int cli_default_jobs(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 64 ? 64 : (int)n;
}

/* Digits only: strtoull alone would take "-5" (as 2^64 - 5), " 5", "+5" and "" (as 0). */
static int parse_digits(const char *arg, char **end, unsigned long long *v)
{
    if (*arg < '0' || *arg > '9')
        return -1;
    errno = 0;
    *v = strtoull(arg, end, 10);
    return errno ? -1 : 0;
}

int cli_parse_count(const char *arg, long lo, long hi, long *out, const char *msg)
{
    char *end;
    unsigned long long v;
    if (parse_digits(arg, &end, &v) || *end || v < (unsigned long long)lo ||
        v > (unsigned long long)hi)
        return cli_usage_error(msg, arg);
    *out = (long)v;
    return EXIT_OK;
}

int cli_parse_size(const char *arg, size_t lo, size_t *out, const char *msg)
{
    char *end;
    unsigned long long v;
    unsigned shift = 0;
    if (parse_digits(arg, &end, &v))
        return cli_usage_error(msg, arg);
    if (*end == 'K' || *end == 'k')
        shift = 10;
    else if (*end == 'M' || *end == 'm')
        shift = 20;
    else if (*end == 'G' || *end == 'g')
        shift = 30;
    if (shift)
        end++;
    if (*end || v > (SIZE_MAX >> shift) || (size_t)(v << shift) < lo)
        return cli_usage_error(msg, arg);
    *out = (size_t)(v << shift);
    return EXIT_OK;
}

int cli_parse_jobs(const char *arg, int *jobs)
{
    long j;
    int rc = cli_parse_count(arg, 1, 256, &j, "--jobs must be a number from 1 to 256");
    if (rc == EXIT_OK)
        *jobs = (int)j;
    return rc;
}

void cli_limits(tt_limits *lim)
{
    const char *nj = getenv("TOPICTAG_NO_JIT");
    tt_limits_init(lim);
    lim->no_jit = nj && *nj && strcmp(nj, "0") != 0;
}

void cli_json(FILE *o, const char *s, size_t n)
{
    size_t i = 0, run = 0;
    putc('"', o);
    for (; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch >= 0x20 && ch != '"' && ch != '\\' && ch != 0x7f)
            continue;   /* written with the rest of its run */
        fwrite(s + run, 1, i - run, o);
        run = i + 1;
        if (ch == '"' || ch == '\\')
            fprintf(o, "\\%c", ch);
        else if (ch == '\n')
            fputs("\\n", o);
        else if (ch == '\r')
            fputs("\\r", o);
        else if (ch == '\t')
            fputs("\\t", o);
        else
            fprintf(o, "\\u%04x", ch);
    }
    fwrite(s + run, 1, n - run, o);
    putc('"', o);
}

void cli_xml(FILE *o, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", o); break;
        case '>': fputs("&gt;", o); break;
        case '&': fputs("&amp;", o); break;
        case '"': fputs("&quot;", o); break;
        default:
            if ((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t')
                putc(' ', o);
            else
                putc(*s, o);
        }
    }
}

void cli_oneline(FILE *o, const char *s, size_t n)
{
    size_t i, run = 0;
    for (i = 0; i < n; i++) {
        if (s[i] != '\n' && s[i] != '\r' && s[i] != '\t')
            continue;
        fwrite(s + run, 1, i - run, o);
        putc(' ', o);
        run = i + 1;
    }
    fwrite(s + run, 1, n - run, o);
}
