/* hsfilter.c - the optional Hyperscan/Vectorscan prefilter (see hsfilter.h). */
#include "hsfilter.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "topictag.h"

#ifdef TT_HAVE_HS
#include <hs/hs.h>

struct tt_hsfilter {
    hs_database_t *db;
};

struct tt_hs_scratch {
    hs_scratch_t *s;
};

int tt_hsfilter_available(void) { return 1; }

/* Whether the regex uses an end anchor: PCRE2 sees the sentence end as the subject end, the
 * database sees the whole document, so such a pattern could match in one and not the other.
 * Conservative: any unescaped '$' (even inside a class) counts. */
static int has_end_anchor(const char *rx)
{
    for (; *rx; rx++) {
        if (*rx == '$')
            return 1;
        if (*rx == '\\') {
            if (rx[1] == 'z' || rx[1] == 'Z')
                return 1;
            if (rx[1])
                rx++;
        }
    }
    return 0;
}

static unsigned flags_of(int caseless)
{
    return HS_FLAG_PREFILTER | HS_FLAG_UTF8 | (caseless ? HS_FLAG_CASELESS : 0);
}

/* ---- the database cache --------------------------------------------------------------
 * A file per ruleset, named by a hash of its key (the library version, the Hyperscan version,
 * the CPU features it compiles for, and every pattern offered with its flags); it holds the
 * key itself, compared byte for byte, the patterns taken, and the serialized database.
 * Anything that does not fit is ignored and the database compiled again. */

#define CACHE_MAGIC "topictag-hs-cache 1\n"

static uint64_t fnv1a(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    size_t i;
    for (i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ull;
    }
    return h;
}

static char *cache_path(const char *dir, const tt_sbuf *k)
{
    size_t n = strlen(dir) + 40;
    char *path = tt_malloc(n);
    if (path)
        snprintf(path, n, "%s/hs-%016llx.db", dir, (unsigned long long)fnv1a(k->s, k->len));
    return path;
}

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long size;
    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) > 0 && fseek(f, 0, SEEK_SET) == 0 &&
        (buf = tt_malloc((size_t)size)) && fread(buf, 1, (size_t)size, f) != (size_t)size) {
        tt_free(buf);
        buf = NULL;
    }
    if (buf)
        *len = (size_t)size;
    fclose(f);
    return buf;
}

/* The cached database for key, with take[] set from it; NULL when there is none that fits. */
static hs_database_t *cache_load(const char *path, const tt_sbuf *k, unsigned char *take, size_t n)
{
    size_t len = 0;
    char *buf = read_all(path, &len);
    hs_database_t *db = NULL;
    size_t head = k->len + n;
    if (buf && len > head && !memcmp(buf, k->s, k->len) &&
        hs_deserialize_database(buf + head, len - head, &db) == HS_SUCCESS) {
        size_t p;
        for (p = 0; p < n; p++)
            take[p] = buf[k->len + p] == 1;
    }
    tt_free(buf);
    return db;
}

/* Best effort: a cache that cannot be written only costs the next run a compilation. */
static void cache_store(const char *path, const tt_sbuf *k, const unsigned char *take, size_t n,
                        const hs_database_t *db)
{
    char *bytes = NULL, *tmp;
    size_t len = 0, tn = strlen(path) + 32;
    FILE *f;
    int ok;
    if (hs_serialize_database(db, &bytes, &len) != HS_SUCCESS)
        return;
    if (!(tmp = tt_malloc(tn))) {
        free(bytes);
        return;
    }
    snprintf(tmp, tn, "%s.%ld.tmp", path, (long)getpid());
    if ((f = fopen(tmp, "wb"))) {
        ok = fwrite(k->s, 1, k->len, f) == k->len && fwrite(take, 1, n, f) == n &&
             fwrite(bytes, 1, len, f) == len;
        ok = fclose(f) == 0 && ok;
        if (!ok || rename(tmp, path) != 0)
            remove(tmp);
    }
    tt_free(tmp);
    free(bytes);
}

tt_hsfilter *tt_hsfilter_new(const char *const *regex, const unsigned char *caseless,
                             unsigned char *take, size_t n, const char *cache_dir, int *nomem)
{
    tt_hsfilter *hf = NULL;
    tt_sbuf key = {NULL, 0, 0, 0};
    char *path = NULL;
    const char **exprs = tt_calloc(n + 1, sizeof *exprs);
    unsigned *flags = tt_calloc(n + 1, sizeof *flags);
    unsigned *ids = tt_calloc(n + 1, sizeof *ids);
    size_t p, m = 0;
    *nomem = 0;
    if (!exprs || !flags || !ids) {
        *nomem = 1;
        goto out;
    }
    if (cache_dir && *cache_dir) {
        hs_database_t *db;
        tt_sb_add(&key, CACHE_MAGIC, strlen(CACHE_MAGIC));
        tt_sb_add(&key, TT_VERSION, strlen(TT_VERSION) + 1);
        tt_sb_add(&key, hs_version(), strlen(hs_version()) + 1);
        {
            /* the CPU the database is built for: machines (or valgrind's CPU) that differ
             * keep files of their own instead of overwriting each other's */
            hs_platform_info_t plat;
            unsigned long long feat = 0, tune = 0;
            if (hs_populate_platform(&plat) == HS_SUCCESS) {
                feat = plat.cpu_features;
                tune = plat.tune;
            }
            tt_sb_add(&key, &feat, sizeof feat);
            tt_sb_add(&key, &tune, sizeof tune);
        }
        for (p = 0; p < n; p++) {
            char c = (char)(take[p] ? 1 + (caseless[p] != 0) : 0);
            tt_sb_add(&key, &c, 1);
            if (take[p])
                tt_sb_add(&key, regex[p], strlen(regex[p]) + 1);
        }
        if (key.nomem || !(path = cache_path(cache_dir, &key))) {
            *nomem = 1;
            goto out;
        }
        if ((db = cache_load(path, &key, take, n))) {
            if (!(hf = tt_calloc(1, sizeof *hf))) {
                hs_free_database(db);
                *nomem = 1;
                goto out;
            }
            hf->db = db;
            goto out;
        }
    }
    for (p = 0; p < n; p++) {
        hs_expr_info_t *info = NULL;
        hs_compile_error_t *err = NULL;
        if (!take[p])
            continue;
        take[p] = 0;
        if (has_end_anchor(regex[p]))
            continue;
        if (hs_expression_info(regex[p], flags_of(caseless[p]), &info, &err) != HS_SUCCESS) {
            hs_free_compile_error(err);
            continue;
        }
        /* a pattern that can match the empty string would report at every offset */
        if (info->min_width > 0) {
            take[p] = 1;
            exprs[m] = regex[p];
            flags[m] = flags_of(caseless[p]);
            ids[m] = (unsigned)p;
            m++;
        }
        free(info);
    }
    while (m > 0) {
        hs_database_t *db = NULL;
        hs_compile_error_t *err = NULL;
        size_t i;
        if (hs_compile_multi(exprs, flags, ids, (unsigned)m, HS_MODE_BLOCK, NULL, &db, &err) ==
            HS_SUCCESS) {
            if (!(hf = tt_calloc(1, sizeof *hf))) {
                hs_free_database(db);
                *nomem = 1;
                break;
            }
            hf->db = db;
            if (path)
                cache_store(path, &key, take, n, db);
            break;
        }
        if (err->expression < 0 || (size_t)err->expression >= m) {
            /* the database as a whole failed (too large): no pattern is taken */
            hs_free_compile_error(err);
            break;
        }
        /* drop the expression it refused and try again with the others */
        i = (size_t)err->expression;
        hs_free_compile_error(err);
        take[ids[i]] = 0;
        memmove(exprs + i, exprs + i + 1, (m - i - 1) * sizeof *exprs);
        memmove(flags + i, flags + i + 1, (m - i - 1) * sizeof *flags);
        memmove(ids + i, ids + i + 1, (m - i - 1) * sizeof *ids);
        m--;
    }
out:
    if (!hf)
        for (p = 0; p < n; p++)
            take[p] = 0;
    tt_free(key.s);
    tt_free(path);
    tt_free(exprs);
    tt_free(flags);
    tt_free(ids);
    return hf;
}

void tt_hsfilter_free(tt_hsfilter *hf)
{
    if (!hf)
        return;
    hs_free_database(hf->db);
    tt_free(hf);
}

tt_hs_scratch *tt_hs_scratch_new(const tt_hsfilter *hf)
{
    tt_hs_scratch *s = tt_calloc(1, sizeof *s);
    if (!s)
        return NULL;
    if (hs_alloc_scratch(hf->db, &s->s) != HS_SUCCESS) {
        tt_free(s);
        return NULL;
    }
    return s;
}

void tt_hs_scratch_free(tt_hs_scratch *s)
{
    if (!s)
        return;
    hs_free_scratch(s->s);
    tt_free(s);
}

typedef struct scan_ctx {
    tt_pf_hit **hits;
    size_t n, *cap;
    int sorted, nomem;
} scan_ctx;

static int on_match(unsigned int id, unsigned long long from, unsigned long long to,
                    unsigned int fl, void *p)
{
    scan_ctx *c = p;
    (void)from;
    (void)fl;
    if (c->n == *c->cap && tt_grow(c->hits, c->cap, c->n + 1, sizeof **c->hits)) {
        c->nomem = 1;
        return 1;   /* stop the scan */
    }
    if (c->n && (*c->hits)[c->n - 1].end > to)
        c->sorted = 0;
    (*c->hits)[c->n].end = (size_t)to;
    (*c->hits)[c->n].state = id;
    (*c->hits)[c->n].len = 0;   /* unused: a report is no literal */
    c->n++;
    return 0;
}

static int cmp_hit(const void *a, const void *b)
{
    const tt_pf_hit *x = a, *y = b;
    if (x->end != y->end)
        return x->end < y->end ? -1 : 1;
    return x->state < y->state ? -1 : x->state > y->state;
}

int tt_hsfilter_scan(const tt_hsfilter *hf, tt_hs_scratch *s, const char *text, size_t len,
                     tt_pf_hit **hits, size_t *nhits, size_t *cap)
{
    scan_ctx c;
    c.hits = hits;
    c.n = 0;
    c.cap = cap;
    c.sorted = 1;
    c.nomem = 0;
    *nhits = 0;
    /* hs_scan takes an unsigned int length: the scanner does not filter longer documents;
     * refuse rather than scan a prefix */
    if (len > 0xFFFFFFFFu)
        return -1;
    if (hs_scan(hf->db, text, (unsigned)len, 0, s->s, on_match, &c) != HS_SUCCESS &&
        !c.nomem)
        return -1;
    if (c.nomem)
        return -1;
    if (!c.sorted)
        qsort(*hits, c.n, sizeof **hits, cmp_hit);
    *nhits = c.n;
    return 0;
}

#else /* no Hyperscan */

int tt_hsfilter_available(void) { return 0; }

tt_hsfilter *tt_hsfilter_new(const char *const *regex, const unsigned char *caseless,
                             unsigned char *take, size_t n, const char *cache_dir, int *nomem)
{
    size_t p;
    (void)regex;
    (void)caseless;
    (void)cache_dir;
    for (p = 0; p < n; p++)
        take[p] = 0;
    *nomem = 0;
    return NULL;
}

void tt_hsfilter_free(tt_hsfilter *hf) { (void)hf; }
tt_hs_scratch *tt_hs_scratch_new(const tt_hsfilter *hf)
{
    (void)hf;
    return NULL;
}
void tt_hs_scratch_free(tt_hs_scratch *s) { (void)s; }
int tt_hsfilter_scan(const tt_hsfilter *hf, tt_hs_scratch *s, const char *text, size_t len,
                     tt_pf_hit **hits, size_t *nhits, size_t *cap)
{
    (void)hf;
    (void)s;
    (void)text;
    (void)len;
    (void)hits;
    (void)cap;
    *nhits = 0;
    return -1;
}

#endif
