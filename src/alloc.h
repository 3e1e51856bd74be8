/* alloc.h - the one allocation door of libtopictag, so that failures can be injected in tests. */
#ifndef TT_ALLOC_H
#define TT_ALLOC_H

#include <stddef.h>

void *tt_malloc(size_t n);                 /* NULL on failure (never aborts) */
void *tt_calloc(size_t count, size_t n);
void *tt_realloc(void *p, size_t n);
void tt_free(void *p);
char *tt_strndup(const char *s, size_t n);  /* NUL-terminated copy */
char *tt_strdup(const char *s);

/* Grows *v (elements of size elem) to hold at least need elements; *cap is updated.
 * Returns 0, or -1 on failure (the old array is left untouched). */
int tt_grow(void *v, size_t *cap, size_t need, size_t elem);

/* A growable NUL-terminated byte string, in the style of git's strbuf.  After a failed
 * allocation nomem is set and further additions do nothing. */
typedef struct tt_sbuf {
    char *s;
    size_t len, cap;
    int nomem;
} tt_sbuf;

void tt_sb_add(tt_sbuf *b, const void *s, size_t n);
void tt_sb_adds(tt_sbuf *b, const char *s);

/* Test hook: the next n allocations succeed, then every one fails; -1 disables. */
void tt_alloc_fail_after(long n);

#endif
