/* cli.h - what the topictag subcommands share: exit codes, the option tables that drive both
 * getopt_long and --help, loading rules with diagnostics, output files. */
#ifndef TT_CLI_H
#define TT_CLI_H

#include <stddef.h>
#include <stdio.h>

#include "topictag.h"

/* The exit codes are a contract with CI scripts (issue 13): each answer has its own code.
 * When several apply, the one first in this order wins (cli_exit_worst): SYSTEM, USAGE,
 * RULES, INPUT, EMPTY, TESTS, GATE, NOMATCH, OK.  A code earlier in the list means the answers
 * after it cannot be trusted: nothing was written, nothing ran, part of the corpus is missing,
 * nothing was checked; only then do a failed test, a failed gate and a negative answer count. */
enum {
    EXIT_OK = 0,
    EXIT_NOMATCH = 1,   /* a negative answer: -l/-c found nothing, diff found changes */
    EXIT_USAGE = 2,
    EXIT_RULES = 3,     /* rules do not load (or, with check --strict, have warnings) */
    EXIT_INPUT = 4,     /* some document could not be read or classified */
    EXIT_GATE = 5,      /* a quality gate failed (eval --min-f1, ...) */
    EXIT_TESTS = 6,     /* rule examples or tests failed (topictag test) */
    EXIT_EMPTY = 7,     /* nothing was checked: zero documents, gold matching nothing */
    EXIT_SYSTEM = 8     /* output could not be written, out of memory, a system call failed */
};

/* The code of the two that wins by the order above. */
int cli_exit_worst(int a, int b);
/* The exit status table, as printed at the end of every --help. */
extern const char cli_exit_help[];

/* One option: val is a short option letter, or a value >= 256 for long-only options. */
typedef struct cli_option {
    int val;
    const char *lng;
    int has_arg;
    const char *arg;           /* the value's name in --help, NULL when has_arg is 0 */
    const char *help;
} cli_option;

typedef struct cli_command cli_command;
struct cli_command {
    const char *name;
    const char *usage;         /* "topictag NAME ..." */
    const char *what;          /* a paragraph for --help */
    const cli_option *options; /* -h and -V are added by cli_parse */
    size_t noptions;
    int (*run)(const cli_command *cmd, int argc, char **argv);   /* argv[0] is the name */
};

extern const cli_command cli_classify, cli_segment, cli_check, cli_test, cli_explain, cli_eval,
    cli_diff;
extern const cli_command cli_merge;

/* Parses argv with the command's table, calling on() for each option.  on() returns 0, or an
 * exit code to stop.  Returns -1 when the operands start at argv[optind], else an exit code
 * (after --help or --version: EXIT_OK). */
int cli_parse(const cli_command *cmd, int argc, char **argv,
              int (*on)(void *ctx, int val, const char *arg), void *ctx);
void cli_help(FILE *o, const cli_command *cmd);
int cli_usage_error(const char *msg, const char *arg);   /* prints; returns EXIT_USAGE */
/* --keep-field NAME[,NAME...]: appends the names to (*names)[0..*n) (malloc'd; a name given
 * again is kept once: a JSON object holds a key once).  Returns EXIT_OK, EXIT_USAGE (printed)
 * or EXIT_SYSTEM.  cli_keep_release frees them. */
int cli_keep_field(char ***names, size_t *n, const char *arg);
void cli_keep_release(char **names, size_t n);
const char *cli_plural(size_t n);   /* "s" unless n is 1: "%zu document%s" */

/* The rule paths named with -r (none: $TOPICTAG_RULES, the installed rules, ./rules). */
typedef struct cli_rules {
    const char **paths;
    int n;
    const char *prefilter;     /* --prefilter NAME, or NULL: $TOPICTAG_PREFILTER, else literal */
    int segment_only;          /* only the segmenter data: tt_loader_build_segmenter */
    int no_prefilter;          /* --no-prefilter: load for it (TT_PREFILTER_NONE) */
} cli_rules;

#define CLI_OPT_RULES                                                                         \
    {'r', "rules", 1, "RULES",                                                                \
     "rule file or folder (repeatable); default: $TOPICTAG_RULES, the installed rules, ./rules"}

int cli_rules_add(cli_rules *r, const char *path);
const char *cli_rules_default(void);   /* the path used when no -r is given */   /* 0, or EXIT_SYSTEM on out of memory */
void cli_rules_release(cli_rules *r);

/* Loads the rules, printing errors (and warnings when show_warnings) to stderr.  On failure
 * returns NULL with *code set to EXIT_RULES or EXIT_SYSTEM.  *nwarn (may be NULL) gets the
 * number of warnings. */
tt_ruleset *cli_load_rules(const cli_rules *r, int show_warnings, int *code, size_t *nwarn);
/* As cli_load_rules, but every diagnostic (error or warning) goes to on_diag(ctx, d) instead
 * of stderr (check -f json|sarif|github). */
tt_ruleset *cli_load_rules_with(const cli_rules *r, void (*on_diag)(void *ctx, const tt_diag *d),
                                void *ctx, int *code, size_t *nwarn);

/* Prints one diagnostic as FILE:LINE:COLUMN: error|warning: MESSAGE. */
void cli_print_diag(FILE *o, const tt_diag *d);
/* The same with any severity word ("note"). */
void cli_print_problem(FILE *o, const char *sev, const tt_error *e);

/* The report output (output.c).  NULL or "-": stdout.  A regular file (or a new one) is
 * written to a temporary file beside it and renamed into place by cli_close_output, so the
 * previous report survives a crash; SIGINT/SIGTERM/SIGHUP remove the temporary file.  A
 * device or FIFO is written in place.  Returns NULL on error (printed). */
FILE *cli_open_output(const char *path);
/* Closes o; a temporary file is synced and renamed into place.  EXIT_OK or EXIT_SYSTEM
 * (printed).  name is what errors call it (NULL: standard output). */
int cli_close_output(FILE *o, const char *name);
/* As cli_close_output, but with keep 0 a temporary file is removed and the previous report
 * stays (after a fatal error). */
int cli_finish_output(FILE *o, const char *name, int keep);
/* Puts what was written so far into place now (--watch: the first report) and goes on
 * writing to the same file in place.  EXIT_OK or EXIT_SYSTEM (printed). */
int cli_commit_output(FILE *o, const char *name);
int cli_default_jobs(void);
int cli_parse_jobs(const char *arg, int *jobs);      /* EXIT_OK or EXIT_USAGE (printed) */
/* Numeric options: digits only (no sign, space or empty value), no overflow.  A whole number
 * in [lo, hi]; a size with an optional K, M or G suffix, at least lo.  EXIT_OK, or EXIT_USAGE
 * after printing msg (which names the option) and the value. */
int cli_parse_count(const char *arg, long lo, long hi, long *out, const char *msg);
int cli_parse_size(const char *arg, size_t lo, size_t *out, const char *msg);
/* Writes s[0..n) as a quoted JSON string. */
void cli_json(FILE *o, const char *s, size_t n);
/* Writes s as XML attribute or element text (control characters become spaces). */
void cli_xml(FILE *o, const char *s);
/* Writes s[0..n) on one line: line breaks and tabs become spaces. */
void cli_oneline(FILE *o, const char *s, size_t n);

/* Reads the NO_JIT environment switch into lim (TOPICTAG_NO_JIT=1, used under valgrind). */
void cli_limits(tt_limits *lim);

#endif
