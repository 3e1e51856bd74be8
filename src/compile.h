/* compile.h - the compiled ruleset: PCRE2 codes, conditions, segmenter.  Internal.
 * Only compile.c and match.c see <pcre2.h>. */
#ifndef TT_COMPILE_H
#define TT_COMPILE_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "article.h"
#include "condition.h"
#include "hsfilter.h"
#include "literal.h"
#include "litpat.h"
#include "maxlen.h"
#include "prefilter.h"
#include "segment.h"
#include "topictag.h"

typedef struct tt_topic_rt {
    uint32_t pfirst, pcount;   /* its patterns and exclusions: [pfirst, pfirst + pcount) */
    int has_exclude;
    tt_cond cond;              /* over local pattern indices */
    tt_cond when;              /* context condition (has_context only) */
    tt_cond art_when;          /* context.article.when as given (has_article only) */
    const tt_cond *art;        /* the one that applies: &art_when, or &when by default */
    tt_cond breaks;            /* context.breaks (has_breaks only) */
    int has_breaks;
    unsigned char *any_kid;    /* per local pattern: it alone can make the condition true (the
                                  condition is that pattern, or an 'or' that lists it) */
    uint32_t *guards;          /* its guards (below), in pattern order */
    size_t nguards;
    tt_prefilter *guard_pf;    /* their literals, key z for guards[z]: scanned in a sentence
                                  only when the topic may apply there */
} tt_topic_rt;

/* A guard: a pattern that can only keep its topic from applying (an exclusion, or a pattern
 * that every condition names under an odd number of 'not's, or none names), of a topic that
 * cannot apply in a sentence where only its guards may match.  Whether it is a candidate then
 * changes nothing about whether its topic may apply (three-valued logic: a 'not' of "may
 * match" is "may", of "no" is "yes"), so its literals stay out of the document's scan and
 * match.c looks for them only in the sentences where the topic runs: most hits of words such
 * as "rebels", "drill" or "said" were for topics that could not apply anyway. */

/* A second key, or a key group's, whose strings can occur inside a word ("attack" in
 * "cyberattack"): the prefilter looks at the starts of words only when no literal is such, so
 * these stay out of it and match.c looks for them in a sentence where their pattern is a
 * candidate (the same pruning, paid only there). */
typedef struct tt_lazykey {
    uint32_t pattern;
    uint32_t key;              /* the prefilter key it stands for: npatterns + p, or a group's */
    tt_litset set;             /* its strings (folded) and their contexts */
} tt_lazykey;

/* The longest match of a pattern that holds a hit of one of its literals: the longest of its
 * top-level branches whose strings the literal is related to (one holds the other), when the
 * pattern as a whole has no bound ("talks" in a pattern whose other branch is [A-Z]\w+ agree). */
typedef struct tt_litbound {
    uint32_t state;            /* the literal (prefilter state) */
    size_t bound;              /* TT_MAXLEN_UNBOUNDED: none */
} tt_litbound;

/* A top-level branch of a pattern whose literals the prefilter keys apart (compile.c): the
 * pattern may match in a sentence only where some branch's first and second keys both hit. */
typedef struct tt_keygroup {
    uint32_t pattern;
    uint32_t bit;              /* its branch's bit among the pattern's, < 32 */
} tt_keygroup;

struct tt_ruleset {
    tt_topic_info *topics;
    tt_topic_rt *rt;
    size_t ntopics;
    tt_pattern_info *patterns;
    pcre2_code **code;
    size_t npatterns;
    uint32_t max_topic_patterns;
    tt_segmenter *seg;
    tt_article_rules art;      /* the article: settings */
    pcre2_code *switch_code;   /* article.switch, anchored at a sentence start, or NULL */
    pcre2_code *dateline_code; /* article.dateline, likewise */
    unsigned char switch_first[32];   /* the first bytes a switch (a dateline) can start */
    unsigned char dateline_first[32]; /* with, a bit each; all set when any may */
    pcre2_code *aside_code;    /* article.aside, anywhere in a sentence, or NULL */
    uint32_t art_key[3];       /* the prefilter's keys of the literals of article.switch,
                                  .dateline and .aside, after every pattern's and group's; 0:
                                  none (it runs in every sentence) */
    uint32_t art_key0;         /* the first of them (UINT32_MAX: none) */
    tt_prefilter *pf;          /* NULL when no pattern has a usable literal */
    unsigned char *guard;      /* per pattern: a guard of its topic (tt_topic_rt) */
    tt_hsfilter *hs;           /* the Hyperscan prefilter, or NULL */
    unsigned char *in_hs;      /* per pattern: prefiltered by hs (not by pf) */
    tt_litpat *litpat;         /* per pattern: its strings when it is a literal set (n > 0):
                                  its literal hits decide it, without PCRE2 */
    tt_keygroup *groups;       /* the prefilter's keys 2 npatterns + 2 g (first) and + 1
                                  (second) of group g: a top-level branch of a pattern */
    size_t ngroups, groupcap;
    tt_lazykey *lazy;          /* keys whose literals can occur inside words, by pattern */
    size_t nlazy, lazycap;
    tt_litbound *lbound;       /* per literal of some patterns, sorted by pattern and state: */
    size_t nlbound;            /* the longest match that holds a hit of it (compile.c) */
    size_t *lb_first;          /* per pattern: its first entry in lbound */
    uint32_t *lb_n;            /* per pattern: how many (0: rs->maxlen[p] for every hit) */
    size_t *maxlen;            /* per pattern prefiltered by literals: the longest match in
                                  bytes (TT_MAXLEN_UNBOUNDED: no bound), so PCRE2 starts near
                                  the first hit; 0: it starts where the last match ended */
    tt_example_info *examples;
    size_t nexamples;
    char **strings;            /* every string the infos point to */
    size_t nstrings, strcap;
};

#endif
