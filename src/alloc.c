/* alloc.c - allocation wrapper with failure injection. */
#include "alloc.h"

#include <stdlib.h>
#include <string.h>

static long fail_after = -1;    /* test hook only; not thread-safe by design */

void tt_alloc_fail_after(long n) { fail_after = n; }

static int should_fail(void)
{
    if (fail_after < 0)
        return 0;
    if (fail_after == 0)
        return 1;
    fail_after--;
    return 0;
}

void *tt_malloc(size_t n)
{
    if (should_fail())
        return NULL;
    return malloc(n ? n : 1);
}

void *tt_calloc(size_t count, size_t n)
{
    if (should_fail())
        return NULL;
    return calloc(count ? count : 1, n ? n : 1);
}

void *tt_realloc(void *p, size_t n)
{
    if (should_fail())
        return NULL;
    return realloc(p, n ? n : 1);
}

void tt_free(void *p) { free(p); }

char *tt_strndup(const char *s, size_t n)
{
    char *d = tt_malloc(n + 1);
    if (!d)
        return NULL;
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *tt_strdup(const char *s) { return tt_strndup(s, strlen(s)); }

int tt_grow(void *v, size_t *cap, size_t need, size_t elem)
{
    void **pv = v;
    size_t nc;
    void *np;

    if (need <= *cap)
        return 0;
    nc = *cap ? *cap : 16;
    while (nc < need) {
        if (nc > ((size_t)-1) / 2 / elem)
            return -1;
        nc *= 2;
    }
    np = tt_realloc(*pv, nc * elem);
    if (!np)
        return -1;
    *pv = np;
    *cap = nc;
    return 0;
}

void tt_sb_add(tt_sbuf *b, const void *s, size_t n)
{
    if (b->nomem)
        return;
    if (tt_grow(&b->s, &b->cap, b->len + n + 1, 1)) {
        b->nomem = 1;
        return;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void tt_sb_adds(tt_sbuf *b, const char *s) { tt_sb_add(b, s, strlen(s)); }
