/* gold.h - the gold labels of `topictag eval` (JSON Lines, see docs/eval.md): read, checked
 * and looked up by document or record id. */
#ifndef TT_CLI_GOLD_H
#define TT_CLI_GOLD_H

#include <stddef.h>

#include "topictag.h"

/* One labelled sentence: by index, or by the byte span of its text. */
typedef struct gold_sent {
    int by_span;
    size_t index;          /* the sentence, or the span's start */
    size_t end;            /* the span's end */
    unsigned char *topics; /* [ntopics]: 1 = carries it */
} gold_sent;

typedef struct gold_doc {
    char *document;        /* as reported by the input walk (a path), or NULL */
    char *canon;           /* realpath(document), or NULL when it names no file */
    char *id;              /* a JSON Lines record id, or NULL */
    size_t line;           /* in the gold file */
    unsigned char *topics; /* [ntopics]: the article-level gold */
    unsigned char *roles;  /* [ntopics]: tt_role of each topic, or NULL: no 'roles' given */
    int by_sentence;       /* 'sentences' given: closed world over the sentences */
    gold_sent *sents;
    size_t nsents;
    int seen;              /* matched by a document of the corpus (or failed to read) */
} gold_doc;

typedef struct gold {
    const char *path;
    gold_doc *docs;
    size_t n, cap;
    gold_doc **index;      /* sorted by key, for lookups */
    gold_doc **canon;      /* the records with a canonical path, sorted by it */
    size_t ncanon;
} gold;

void gold_release(gold *g);

/* The record of a document: by its id when it has one, else by its document name. */
gold_doc *gold_find(const gold *g, const char *id, const char *document);
/* The record whose document is the same file as path (by real path: `txt/a.txt` finds a gold
 * `/data/txt/a.txt` and the other way round), or NULL. */
gold_doc *gold_find_path(const gold *g, const char *path);

/* Reads the gold file: every problem is printed as FILE:LINE: MESSAGE.  Returns 0,
 * EXIT_INPUT (the file is unreadable or wrong, two records name one file) or EXIT_SYSTEM (out
 * of memory). */
int gold_load(gold *g, const char *path, const tt_ruleset *rs);

/* The corpus by default: each distinct 'document' of the gold, in the order of the file
 * (*paths borrows the strings).  0, EXIT_USAGE or EXIT_SYSTEM (printed). */
int gold_corpus(const gold *g, char ***paths, int *n);

#endif
