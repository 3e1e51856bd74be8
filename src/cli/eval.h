/* eval.h - what `topictag eval` computes, shared by its report writers (eval.c: text, JSON,
 * CSV; eval_html.c: HTML). */
#ifndef TT_CLI_EVAL_H
#define TT_CLI_EVAL_H

#include <stdio.h>

#include "cli.h"
#include "gold.h"
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
    size_t sfp, sfn, afp, afn;    /* listable misses: sentence level, article-only documents */
    miss *misses;
    size_t nmisses, capmisses, limit;
    int fatal;
    struct cli_progress *progress;  /* or NULL */
} evaluation;

/* Precision, recall and F1; has_* = 0 when undefined (no prediction, no gold, neither). */
typedef struct prf {
    double p, r, f;
    int has_p, has_r, has_f;
} prf;


typedef struct level {
    const char *name;             /* "sentence" or "article" */
    const counts *c;              /* per topic */
    counts micro;
    prf micro_m, macro_m;
    size_t macro_topics;          /* topics with gold or predictions */
} level;

/* Precision, recall and F1 of counts. */
prf eval_score(counts c);

/* The HTML page of an evaluation (eval_html.c); rules are named in the explain command
 * lines.  Returns 0, or -1 when writing failed or memory ran out. */
int eval_report_html(FILE *o, const evaluation *ev, const level *sl, const level *al,
                     const level *bl, const cli_rules *rules);

#endif
