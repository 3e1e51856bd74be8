/* article.h - the article context model: which earlier sentence, or which topic of the article,
 * a sentence may inherit a topic from, where inheritance stops (the drift guards), and what
 * the article is about (roles).  Internal to libtopictag.
 *
 * The model only keeps state and decides; the scanner (match.c) feeds it the facts of each
 * sentence in order (its kind, which topics it carries, where a topic's cue held).  One pass,
 * O(topics) state, O(1) per query, so article scope stays linear in the sentences. */
#ifndef TT_ARTICLE_H
#define TT_ARTICLE_H

#include <stddef.h>
#include <stdint.h>

#include "topictag.h"

/* The ruleset-wide settings (the `article:` mapping of a rule file), compiled. */
typedef struct tt_article_rules {
    uint32_t lead;                 /* full sentences of a section's lead */
    double primary_share;          /* primary: share of sentences when headline or lead has it */
    double primary_share_alone;    /* primary: share of sentences otherwise */
    double secondary_share;        /* secondary: share of sentences ... */
    uint32_t secondary_sentences;  /* ... and at least this many sentences ... */
    uint32_t secondary_lead;       /* the lead alone makes it secondary from this many sentences */
    double secondary_score;        /* ... or a total score at least this (0: not used) */
} tt_article_rules;

/* Per-topic state of the current article. */
typedef struct tt_art_topic {
    long link;          /* the last sentence of the current chain (direct or inherited), or -1 */
    long origin;        /* the sentence carrying it directly that the chain started from */
    long art_from;      /* the headline or lead sentence that made it a topic of the article */
    long last_carry;    /* the last sentence carrying it, or -1 */
    long direct_at;     /* the last sentence carrying it directly */
    int stop;           /* tt_stop: why its inheritance last stopped */
    long stop_at;       /* where, or -1 */
    int headline, lead; /* the headline / a lead sentence carries it */
    int active;         /* in tt_article.act: carried in the current document */
} tt_art_topic;

typedef struct tt_article {
    tt_art_topic *t;
    size_t nt;
    uint32_t *act;       /* the topics carried in the current document: only their state
                            differs from a fresh one, so a sentence, a break and the next
                            document visit them, not every topic (10,000 patterns make
                            hundreds of topics) */
    size_t nact;
    uint32_t lead_left;  /* full sentences of the current lead still to come */
    size_t nfull;        /* full sentences seen so far */
    size_t ndirect;      /* topics the current sentence carries directly */
    int no_inherit;      /* the current sentence inherits nothing */
} tt_article;

int tt_article_init(tt_article *a, size_t ntopics);   /* 0, or -1 on out of memory */
void tt_article_release(tt_article *a);

/* Starts a document. */
void tt_article_begin(tt_article *a, const tt_article_rules *ar);

/* Text facts: whether sentence [start, end) is a headline (the document's first line, with
 * more text after it and no final . ! ? …) and whether it is a full sentence (it ends in one
 * of them, possibly followed by closing quotes or brackets): bylines, datelines alone and
 * credit lines are not. */
int tt_article_is_headline(const char *text, size_t len, size_t start, size_t end);
int tt_article_is_full(const char *text, size_t start, size_t end);

/* Enters sentence s.  switched: it starts with a topic-switch phrase; dateline: it starts a
 * paragraph with a dateline; aside: an article.aside line (a credit, "declined to comment").
 * A switch, or a dateline after the first full sentence (a new section), ends every
 * inheritance and starts a new lead.  An aside, and a line that is neither the headline nor a
 * full sentence (a byline, "(END)"), inherits nothing.  Returns its tt_sentence_kind. */
uint32_t tt_article_enter(tt_article *a, const tt_article_rules *ar, size_t s, int headline,
                          int full, int switched, int dateline, int aside);

/* Whether topic ti may still be inherited by sentence s of sent[]: 1 through the window,
 * 2 through the article, 3 both, 0 not at all. */
int tt_article_live(const tt_article *a, const tt_topic_info *info, size_t ti, size_t s,
                    const tt_sentence *sent);

/* How topic ti, not carried directly, is inherited by sentence s given its cues
 * (when: context.when held; art_when: context.article.when held): TT_VIA_CONTEXT or
 * TT_VIA_ARTICLE with *from and *link set, or 0. */
int tt_article_inherit(const tt_article *a, const tt_topic_info *info, size_t ti, size_t s,
                       const tt_sentence *sent, int when, int art_when, long *from, long *link);

/* Records that sentence s (of kind) carries topic ti (via: tt_via; from: with inheritance). */
void tt_article_carry(tt_article *a, const tt_topic_info *info, size_t ti, size_t s,
                      uint32_t kind, int via, long from);

/* Ends topic ti's inheritance at sentence s (reason: tt_stop). */
void tt_article_stop(tt_article *a, size_t ti, size_t s, int reason);

/* Leaves sentence s: a sentence that carries another topic directly ends the chain of an
 * article-scope topic it does not carry directly (the article moved on); the article's topics
 * stay. */
void tt_article_leave(tt_article *a, const tt_topic_info *topics, size_t s);

/* The role of a topic carried by sentences sentences of nsent, with total score score. */
tt_role tt_article_role(const tt_article_rules *ar, const tt_art_topic *t, size_t sentences,
                        size_t nsent, double score);

#endif
