/* eval.h - what the parts of `topictag eval` share: the counts gathered while scoring the
 * corpus against the gold (eval.c), the gates that judge them (eval_gate.c) and the report
 * writers (eval.c: text, JSON, CSV; eval_html.c: HTML). */
#ifndef TT_CLI_EVAL_H
#define TT_CLI_EVAL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cli.h"
#include "gold.h"
#include "select.h"
#include "topictag.h"

struct cli_progress;

typedef struct counts {
    size_t tp, fp, fn;
} counts;

/* One false positive or negative, kept for the report. */
typedef struct miss {
    int fp;                /* 1: false positive, 0: false negative */
    char *document;
    char *id;              /* or NULL */
    long sentence;         /* -1: article level (documents labelled by article only) */
    size_t start, end;
    uint32_t topic;
    char *text;            /* the sentence, or NULL */
    uint32_t *patterns;    /* false positives: the distinct patterns that matched */
    size_t npatterns;
    long from;             /* tagged through context from this sentence, else -1 */
} miss;

/* An article whose role for a topic differs from the gold one. */
typedef struct role_miss {
    char *document;
    char *id;              /* or NULL */
    uint32_t topic;
    int gold, predicted;   /* tt_role */
} role_miss;

typedef struct evaluation {
    const tt_ruleset *rs;
    tt_scanner *sc;
    gold *g;
    size_t ntopics, npatterns;
    counts *sent, *art;           /* per topic */
    counts *about;                /* per topic: the article is about it (primary, secondary) */
    size_t roles[4][4];           /* [gold role][predicted role], articles with gold roles */
    size_t rdocs;                 /* articles with gold roles */
    role_miss *rmiss;
    size_t nrmiss, caprmiss, rmisses;
    size_t *pat_tagged, *pat_fp;  /* per pattern */
    unsigned char *gm, *pm;       /* scratch: [sentence * ntopics + topic] */
    size_t mcap;
    size_t docs, sdocs, sentences, without_gold, failed;
    size_t read;                  /* documents the corpus gave, evaluated or not */
    char *nogold;                 /* the first document without a gold record, or NULL */
    size_t sfp, sfn, afp, afn;    /* listable misses: sentence level, article-only documents */
    miss *misses;
    size_t nmisses, capmisses, limit;
    int fatal;
    struct cli_progress *progress;  /* or NULL */
    cli_topics only;              /* --topic: the topics scored, reported and gated (n == 0:
                                     all); the others are classified as usual (context) */
} evaluation;

/* Whether topic t is evaluated (eval --topic). */
int eval_topic_on(const evaluation *ev, size_t t);

/* Precision, recall and F1; has_* = 0 when undefined (no prediction, no gold, neither). */
typedef struct prf {
    double p, r, f;
    int has_p, has_r, has_f;
} prf;

prf eval_score(counts c);

/* ---- Gates (eval_gate.c) ------------------------------------------------------------------ */

/* One check a CI run can fail: a topic's F1 against --min-f1 or the baseline, or the coverage
 * of the corpus by the gold.  Each becomes a JUnit testcase. */
typedef struct eval_check {
    const char *group;     /* the testcase's classname: a topic id, or "coverage" */
    char name[64];         /* "min-f1 sentence", "baseline article", "documents evaluated" */
    int status;            /* EVAL_PASS, EVAL_FAIL or EVAL_SKIP */
    char message[300];     /* what was found against what was required */
} eval_check;

enum { EVAL_PASS, EVAL_FAIL, EVAL_SKIP };

typedef struct eval_gates {
    eval_check *c;
    size_t n, cap;
    size_t failed;         /* checks with EVAL_FAIL */
    int nomem;
} eval_gates;

void eval_gates_release(eval_gates *gs);

/* The F1 of each topic of an earlier `eval -f json` (--baseline). */
typedef struct baseline {
    double *f1[2];            /* sentence, article */
    unsigned char *has[2];
} baseline;

/* EXIT_OK, EXIT_INPUT (unreadable or not an eval report) or EXIT_SYSTEM, printed. */
int baseline_load(baseline *b, const char *path, const tt_ruleset *rs);
void baseline_release(baseline *b);

/* --min-f1: every topic with gold sentences (with no sentence labels at all: gold articles)
 * must reach x.  Failures are printed. */
void gate_min_f1(eval_gates *gs, const evaluation *ev, double x);
/* --baseline: no topic's F1 may drop by more than tol.  Failures are printed. */
void gate_baseline(eval_gates *gs, const evaluation *ev, const baseline *b, double tol);
/* Whether anything was checked: zero evaluated documents is an error; a gold record that no
 * document matched is an error when gating (a gate option was given), else a warning.  Prints
 * why; returns EXIT_EMPTY or EXIT_OK. */
int gate_coverage(eval_gates *gs, const evaluation *ev, int gating);

/* Writes the checks as JUnit XML to path, one testcase per check, so a CI page shows which
 * topic missed which threshold.  EXIT_OK or EXIT_SYSTEM (printed). */
int eval_junit(const eval_gates *gs, const char *path);

typedef struct level {
    const char *name;             /* "sentence" or "article" */
    const counts *c;              /* per topic */
    counts micro;
    prf micro_m, macro_m;
    size_t macro_topics;          /* topics with gold or predictions */
} level;

/* The HTML page of an evaluation (eval_html.c); rules are named in the explain command
 * lines.  Returns 0, or -1 when writing failed or memory ran out. */
int eval_report_html(FILE *o, const evaluation *ev, const level *sl, const level *al,
                     const level *bl, const cli_rules *rules);

#endif
