/* rules.h - the rule model read from YAML, before compilation.  Internal to libtopictag.
 * Only rules.c reads YAML; compile.c turns this model into a tt_ruleset. */
#ifndef TT_RULES_H
#define TT_RULES_H

#include <stddef.h>
#include <stdint.h>

#include "topictag.h"

/* A position in a rule file (1-based). */
typedef struct tt_pos {
    const char *file;          /* borrowed from the loader's file list */
    int line, column;
    int quoted;                /* the scalar was quoted: its text starts one column later */
} tt_pos;

typedef struct tt_src_item {   /* one regex or literal alternative */
    char *text;
    tt_pos pos;
} tt_src_item;

typedef struct tt_src_pattern {
    char *id;
    tt_pos pos;                /* of the pattern's mapping */
    tt_src_item *items;        /* regex: or literal: alternatives */
    size_t nitems;
    int literal;
    int exclude;
    int ignore_case;
    int word;
    double weight;
} tt_src_pattern;

typedef struct tt_src_example {
    tt_example_kind kind;
    char *text;
    char *note;
    long sentence;
    tt_pos pos;                /* of the text */
} tt_src_example;

typedef struct tt_src_topic {
    char *id, *title, *description, *parent;
    char **tags;
    size_t ntags;
    tt_pos pos;                /* of the topic's id */
    double threshold;
    tt_src_pattern *patterns;  /* patterns, then exclusions */
    size_t npatterns;
    char *condition;           /* NULL = default */
    tt_pos cond_pos;
    int has_context;
    uint32_t window;
    int scope_article;         /* context.scope: article (else paragraph) */
    char *when;                /* NULL = default */
    tt_pos when_pos;
    int has_article;           /* context.article given */
    char *art_when;            /* context.article.when; NULL = context.when */
    tt_pos art_when_pos;
    uint32_t art_reach;        /* context.article.reach; 0 = no limit */
    int art_headline_only;     /* context.article.from: headline */
    char *breaks;              /* context.breaks; NULL = none */
    tt_pos breaks_pos;
    tt_src_example *examples;
    size_t nexamples;
} tt_src_topic;

/* The ruleset-wide `article:` settings (one file at most). */
typedef struct tt_src_article {
    int given;
    tt_pos pos;                /* of the article: mapping */
    uint32_t lead;             /* full sentences of a section's lead */
    tt_src_pattern switches;   /* topic-switch phrases, at a sentence start (nitems 0: none) */
    tt_src_pattern dateline;   /* a datelined section start (nitems 0: none) */
    tt_src_pattern aside;      /* lines that inherit nothing (credits, ...) (nitems 0: none) */
    double primary_share, primary_share_alone, secondary_share, secondary_score;
    uint32_t secondary_sentences, secondary_lead;
} tt_src_article;

typedef struct tt_src_abbrev {
    const char *word;          /* owned, or in the loader's builtin_words when builtin */
    int kind;                  /* tt_abbr_kind (segment.h) */
    int builtin;               /* from the built-in data (segment_data.c), not a rule file */
} tt_src_abbrev;

typedef struct tt_src_def {
    char *name, *value;
    tt_pos pos;
} tt_src_def;

struct tt_loader {
    tt_diag *diags;
    size_t ndiags, diagcap, nerrors;
    char **files;
    size_t nfiles, filecap;
    tt_src_topic *topics;
    size_t ntopics, topiccap;
    tt_src_def *defs;
    size_t ndefs, defcap;
    tt_src_abbrev *abbrevs;    /* segmenter words: the built-in ones, then the rules' */
    size_t nabbrevs, abbrevcap;
    char *builtin_words;       /* the built-in words, NUL-separated */
    tt_src_article article;
    int built;
    int nomem;
    int prefilter;             /* tt_prefilter_kind */
    char *cache_dir;           /* tt_loader_set_cache, or NULL */
};

/* Records a diagnostic; returns 0, or -1 when out of memory (ld->nomem is then set). */
#if defined(__GNUC__)
__attribute__((format(printf, 5, 6)))
#endif
int tt_loader_diag_add(tt_loader *ld, tt_severity sev, tt_status code, const tt_pos *pos,
                       const char *fmt, ...);

/* Fills err from a diagnostic-like set of values. */
#if defined(__GNUC__)
__attribute__((format(printf, 6, 7)))
#endif
void tt_error_set(tt_error *err, tt_status code, const char *file, int line, int column,
                  const char *fmt, ...);

#endif
