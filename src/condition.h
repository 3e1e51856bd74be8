/* condition.h - boolean conditions over a topic's patterns: and/or/not, N of (...), grouping.
 * Internal to libtopictag. */
#ifndef TT_CONDITION_H
#define TT_CONDITION_H

#include <stddef.h>
#include <stdint.h>

typedef enum tt_cond_kind { TT_C_PAT, TT_C_AND, TT_C_OR, TT_C_NOT, TT_C_NOF } tt_cond_kind;

typedef struct tt_cond_node {
    tt_cond_kind kind;
    uint32_t value;      /* TT_C_PAT: local pattern index; TT_C_NOF: N */
    uint32_t first;      /* children: kids[first .. first+count) */
    uint32_t count;
} tt_cond_node;

/* A parsed condition: a tree stored in two arrays, root last. Immutable once parsed. */
typedef struct tt_cond {
    tt_cond_node *nodes;
    size_t nnodes;
    uint32_t *kids;
    size_t nkids;
    uint32_t root;
} tt_cond;

/* Maps a pattern id (not NUL-terminated) to its local index, or -1 if unknown. */
typedef long (*tt_cond_resolve)(void *ctx, const char *id, size_t len);

/* Parses src.  On success returns 0 and fills *out (release with tt_cond_release).
 * On a syntax error or unknown id returns 1 and sets *err_offset (byte offset into src) and
 * msg (at most msgsz bytes).  Returns -1 on out of memory. */
int tt_cond_parse(const char *src, tt_cond_resolve resolve, void *ctx, tt_cond *out,
                  size_t *err_offset, char *msg, size_t msgsz);

void tt_cond_release(tt_cond *c);

/* Evaluates c with matched[i] != 0 meaning local pattern i matched. */
int tt_cond_eval(const tt_cond *c, const unsigned char *matched);

/* Evaluates node n of c (for explaining a decision clause by clause). */
int tt_cond_eval_node(const tt_cond *c, uint32_t n, const unsigned char *matched);

/* Three-valued evaluation (Kleene logic): val[i] is 0 when local pattern i is known not to
 * match, 1 when it is known to match, 2 when unknown.  Returns 0 (false), 1 (true) or 2. */
int tt_cond_eval3(const tt_cond *c, const unsigned char *val);
/* Whether c can be true (tt_cond_eval3 != 0), stopping as early as it can. */
int tt_cond_may(const tt_cond *c, const unsigned char *val);

/* Writes c into buf (NUL-terminated, truncated to size) with each clause's value, e.g.
 * "nk:true and (missile:false or launch:true):true"; name(ctx, i) gives local pattern i's id.
 * Returns the condition's value. */
int tt_cond_render(const tt_cond *c, const unsigned char *matched,
                   const char *(*name)(void *ctx, uint32_t pat), void *ctx, char *buf,
                   size_t size);

/* Calls f for every pattern index the condition names. */
void tt_cond_each_pattern(const tt_cond *c, void (*f)(void *ctx, uint32_t pat), void *ctx);

#endif
