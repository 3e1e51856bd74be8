/* select.h - the topics named by --topic T[,T...] (with --role), and what they select: the
 * documents that carry one of them, the sentences tagged with one of them. */
#ifndef TT_CLI_SELECT_H
#define TT_CLI_SELECT_H

#include <stddef.h>
#include <stdint.h>

#include "topictag.h"

typedef struct cli_topics {
    uint32_t *ids;             /* topic indexes; n == 0: any topic */
    size_t n;
    int role;                  /* a document qualifies when one of them has this role or a
                                  stronger one (TT_ROLE_MENTIONED: it carries it at all) */
} cli_topics;

/* Parses a comma-separated list of topic ids of rs.  An unknown id is a usage error, printed
 * with the nearest id as a suggestion.  Returns EXIT_OK, EXIT_USAGE or EXIT_SYSTEM (memory). */
int cli_topics_parse(const tt_ruleset *rs, const char *list, int role, cli_topics *t);
void cli_topics_release(cli_topics *t);

int cli_topics_has(const cli_topics *t, uint32_t topic);
/* Whether the document carries one of the topics with at least the role. */
int cli_topics_document(const cli_topics *t, const tt_result *r);
/* The number of its sentences tagged with one of the topics. */
size_t cli_topics_sentences(const cli_topics *t, const tt_result *r);

/* The candidate word is a unique prefix of, else the nearest to word by edit distance when
 * near enough to be a likely typo (at most a third of its length, and at most 3); else NULL.  get(ctx, i) gives the
 * i-th of n candidates. */
const char *cli_nearest(const char *word, const char *(*get)(const void *ctx, size_t i),
                        const void *ctx, size_t n);
/* Prints "topictag: MSG: WORD" and, when one is near, "did you mean 'X'?"; returns
 * EXIT_USAGE. */
int cli_unknown(const char *msg, const char *word,
                const char *(*get)(const void *ctx, size_t i), const void *ctx, size_t n);
/* A get for cli_nearest over the topic ids of a ruleset (ctx). */
const char *cli_topic_id(const void *rs, size_t i);

#endif
