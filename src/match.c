/* match.c - the scanner: checks a document, segments it, runs every pattern once over the
 * whole text, maps matches to sentences, and scores and tags them.
 *
 * Patterns run over the whole document, not per sentence: per-call overhead dominates at news
 * sentence lengths.  All arrays live in the scanner and are reused from one document to the
 * next, so the hot path does no heap allocation once the arrays have grown. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "compile.h"
#include "utf8.h"

typedef struct rawmatch {
    uint32_t pattern;
    uint32_t sentence;
    size_t start, end;
} rawmatch;

struct tt_result {
    const char *text;
    size_t len;
    tt_sentence *sent;
    size_t nsent, sentcap;
    tt_tag *tags;
    size_t ntags, tagcap;
    tt_match *matches;
    size_t nmatches, matchcap;
    tt_topic_total *totals;
    size_t ntotals, totalcap;
    tt_doc_error *errors;
    size_t nerrors, errcap;
};

struct tt_scanner {
    const tt_ruleset *rs;
    tt_limits lim;
    pcre2_match_data *md;
    pcre2_match_context *mctx;
    pcre2_jit_stack *jit;
    tt_span_vec spans;
    rawmatch *raw, *sorted;
    size_t nraw, rawcap, sortedcap;
    size_t *bucket;            /* per sentence: first index into sorted (nsent + 1) */
    size_t bucketcap;
    unsigned char *matched;    /* per local pattern of the topic being scored */
    long *last_direct;         /* per topic: last sentence tagged directly, or -1 */
    tt_topic_total *acc;       /* per topic totals for the current document */
    tt_result res;
};

#define JIT_STACK_MAX (8u << 20)

tt_scanner *tt_scanner_new(const tt_ruleset *rs, const tt_limits *lim)
{
    tt_scanner *sc = tt_calloc(1, sizeof *sc);
    size_t nt = rs->ntopics ? rs->ntopics : 1;
    if (!sc)
        return NULL;
    sc->rs = rs;
    if (lim)
        sc->lim = *lim;
    else
        tt_limits_init(&sc->lim);
    sc->md = pcre2_match_data_create(1, NULL);
    sc->mctx = pcre2_match_context_create(NULL);
    sc->jit = pcre2_jit_stack_create(32 * 1024, JIT_STACK_MAX, NULL);
    sc->matched = tt_calloc(rs->max_topic_patterns + 1, 1);
    sc->last_direct = tt_calloc(nt, sizeof *sc->last_direct);
    sc->acc = tt_calloc(nt, sizeof *sc->acc);
    if (!sc->md || !sc->mctx || !sc->matched || !sc->last_direct || !sc->acc) {
        tt_scanner_free(sc);
        return NULL;
    }
    pcre2_set_match_limit(sc->mctx, sc->lim.match_limit);
    pcre2_set_depth_limit(sc->mctx, sc->lim.depth_limit);
    pcre2_set_heap_limit(sc->mctx, sc->lim.heap_limit_kib);
    if (sc->jit)
        pcre2_jit_stack_assign(sc->mctx, NULL, sc->jit);
    return sc;
}

void tt_scanner_free(tt_scanner *sc)
{
    if (!sc)
        return;
    pcre2_match_data_free(sc->md);
    pcre2_match_context_free(sc->mctx);
    pcre2_jit_stack_free(sc->jit);
    tt_span_vec_release(&sc->spans);
    tt_free(sc->raw);
    tt_free(sc->sorted);
    tt_free(sc->bucket);
    tt_free(sc->matched);
    tt_free(sc->last_direct);
    tt_free(sc->acc);
    tt_free(sc->res.sent);
    tt_free(sc->res.tags);
    tt_free(sc->res.matches);
    tt_free(sc->res.totals);
    tt_free(sc->res.errors);
    tt_free(sc);
}

/* ---- result accessors -------------------------------------------------------------------- */

const char *tt_result_text(const tt_result *r) { return r->text; }
size_t tt_result_length(const tt_result *r) { return r->len; }

const tt_sentence *tt_result_sentences(const tt_result *r, size_t *n)
{
    *n = r->nsent;
    return r->sent;
}

const tt_tag *tt_result_tags(const tt_result *r, size_t *n)
{
    *n = r->ntags;
    return r->tags;
}

const tt_match *tt_result_matches(const tt_result *r, size_t *n)
{
    *n = r->nmatches;
    return r->matches;
}

const tt_topic_total *tt_result_topics(const tt_result *r, size_t *n)
{
    *n = r->ntotals;
    return r->totals;
}

const tt_doc_error *tt_result_errors(const tt_result *r, size_t *n)
{
    *n = r->nerrors;
    return r->errors;
}

/* ---- helpers ----------------------------------------------------------------------------- */

#if defined(__GNUC__)
__attribute__((format(printf, 5, 6)))
#endif
static int doc_error(tt_result *r, tt_status code, size_t offset, long pattern,
                     const char *fmt, ...)
{
    tt_doc_error *e;
    va_list ap;
    if (tt_grow(&r->errors, &r->errcap, r->nerrors + 1, sizeof *r->errors))
        return -1;
    e = &r->errors[r->nerrors++];
    e->code = code;
    e->offset = offset;
    e->pattern = pattern;
    va_start(ap, fmt);
    vsnprintf(e->message, sizeof e->message, fmt, ap);
    va_end(ap);
    return 0;
}

static void reset(tt_scanner *sc, const char *text, size_t len)
{
    tt_result *r = &sc->res;
    r->text = text;
    r->len = len;
    r->nsent = r->ntags = r->nmatches = r->ntotals = r->nerrors = 0;
    sc->nraw = 0;
}

static void nomem(tt_error *err)
{
    if (err) {
        memset(err, 0, sizeof *err);
        err->code = TT_ERR_NOMEM;
        snprintf(err->message, sizeof err->message, "out of memory");
    }
}

/* Rejects what is not a text document; 1 when rejected (error recorded), -1 nomem. */
static int check_document(tt_scanner *sc, const char *text, size_t len)
{
    tt_result *r = &sc->res;
    const unsigned char *u = (const unsigned char *)text;
    const char *nul;
    size_t bad;
    if (len == 0)
        return doc_error(r, TT_ERR_EMPTY, 0, -1, "empty document") ? -1 : 1;
    if (len > sc->lim.max_document)
        return doc_error(r, TT_ERR_TOO_LARGE, 0, -1,
                         "document too large (%zu bytes; the limit is %zu)", len,
                         sc->lim.max_document)
                   ? -1
                   : 1;
    if (len >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF)))
        return doc_error(r, TT_ERR_UTF8, 0, -1,
                         "document is UTF-16 (byte order mark at offset 0), not UTF-8")
                   ? -1
                   : 1;
    if ((nul = memchr(text, 0, len)))
        return doc_error(r, TT_ERR_BINARY, (size_t)(nul - text), -1,
                         "NUL byte at offset %zu: binary data, not text",
                         (size_t)(nul - text))
                   ? -1
                   : 1;
    bad = tt_utf8_check(u, len);
    if (bad < len)
        return doc_error(r, TT_ERR_UTF8, bad, -1, "invalid UTF-8 at byte offset %zu (0x%02X)",
                         bad, u[bad])
                   ? -1
                   : 1;
    return 0;
}

static int segment(tt_scanner *sc, const char *text, size_t len)
{
    tt_result *r = &sc->res;
    size_t i;
    if (tt_segment_text(sc->rs->seg, text, len, &sc->spans))
        return -1;
    if (tt_grow(&r->sent, &r->sentcap, sc->spans.len + 1, sizeof *r->sent))
        return -1;
    for (i = 0; i < sc->spans.len; i++) {
        r->sent[i].start = sc->spans.v[i].start;
        r->sent[i].end = sc->spans.v[i].end;
        r->sent[i].paragraph = sc->spans.v[i].paragraph;
        r->sent[i].tag_first = 0;
        r->sent[i].tag_count = 0;
    }
    r->nsent = sc->spans.len;
    if (r->nsent == 0)
        return doc_error(r, TT_ERR_EMPTY, 0, -1, "document has no text (white space only)")
                   ? -1
                   : 1;
    return 0;
}

/* The sentence containing [s, e), or -1 when the match crosses a boundary or lies between. */
static long sentence_of(const tt_result *r, size_t s, size_t e)
{
    size_t lo = 0, hi = r->nsent;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (r->sent[mid].end <= s)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < r->nsent && r->sent[lo].start <= s && e <= r->sent[lo].end &&
        (s < r->sent[lo].end || s == e))
        return (long)lo;
    return -1;
}

static size_t utf8_step(const char *text, size_t len, size_t at)
{
    size_t n = 1;
    while (at + n < len && ((unsigned char)text[at + n] & 0xC0) == 0x80)
        n++;
    return n;
}

/* Runs pattern p over the whole text, appending its matches to sc->raw. */
static int run_pattern(tt_scanner *sc, uint32_t p, const char *text, size_t len)
{
    const tt_ruleset *rs = sc->rs;
    pcre2_code *code = rs->code[p];
    size_t off = 0;
    uint32_t opts = PCRE2_NO_UTF_CHECK | (sc->lim.no_jit ? PCRE2_NO_JIT : 0);
    while (off <= len) {
        int rc = pcre2_match(code, (PCRE2_SPTR)text, len, off, opts, sc->md, sc->mctx);
        PCRE2_SIZE *ov;
        long si;
        if (rc == PCRE2_ERROR_NOMATCH)
            break;
        if (rc == PCRE2_ERROR_JIT_STACKLIMIT && !(opts & PCRE2_NO_JIT)) {
            opts |= PCRE2_NO_JIT;    /* the interpreter keeps its frames on the heap */
            continue;
        }
        if (rc < 0) {
            PCRE2_UCHAR msg[120];
            const tt_pattern_info *pi = &rs->patterns[p];
            int limit = rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
                        rc == PCRE2_ERROR_HEAPLIMIT || rc == PCRE2_ERROR_JIT_STACKLIMIT;
            pcre2_get_error_message(rc, msg, sizeof msg);
            return doc_error(&sc->res, limit ? TT_ERR_MATCH_LIMIT : TT_ERR_MATCH, off, (long)p,
                             "pattern '%s' of topic '%s' failed at offset %zu: %s (%s:%d)",
                             pi->id, rs->topics[pi->topic].id, off, (const char *)msg, pi->file,
                             pi->line);
        }
        ov = pcre2_get_ovector_pointer(sc->md);
        si = sentence_of(&sc->res, ov[0], ov[1]);
        if (si >= 0 && ov[1] > ov[0]) {
            rawmatch *m;
            if (tt_grow(&sc->raw, &sc->rawcap, sc->nraw + 1, sizeof *sc->raw))
                return -1;
            m = &sc->raw[sc->nraw++];
            m->pattern = p;
            m->sentence = (uint32_t)si;
            m->start = ov[0];
            m->end = ov[1];
        }
        if (ov[1] > ov[0])
            off = ov[1];
        else if (ov[1] >= len)
            break;
        else
            off = ov[1] + utf8_step(text, len, ov[1]);
    }
    return 0;
}

/* Groups raw matches by sentence (stable counting sort: pattern order kept inside). */
static int bucket_matches(tt_scanner *sc)
{
    size_t ns = sc->res.nsent, i;
    if (tt_grow(&sc->bucket, &sc->bucketcap, ns + 2, sizeof *sc->bucket) ||
        tt_grow(&sc->sorted, &sc->sortedcap, sc->nraw + 1, sizeof *sc->sorted))
        return -1;
    memset(sc->bucket, 0, (ns + 2) * sizeof *sc->bucket);
    for (i = 0; i < sc->nraw; i++)
        sc->bucket[sc->raw[i].sentence + 2]++;
    for (i = 2; i < ns + 2; i++)
        sc->bucket[i] += sc->bucket[i - 1];
    for (i = 0; i < sc->nraw; i++)
        sc->sorted[sc->bucket[sc->raw[i].sentence + 1]++] = sc->raw[i];
    /* now bucket[s] is the start of sentence s and bucket[s + 1] its end */
    return 0;
}

/* Scores topic ti in one sentence over its matches m[0..n); adds a tag when it applies. */
static int score_topic(tt_scanner *sc, uint32_t s, uint32_t ti, const rawmatch *m, size_t n)
{
    const tt_ruleset *rs = sc->rs;
    const tt_topic_rt *rt = &rs->rt[ti];
    const tt_topic_info *info = &rs->topics[ti];
    tt_result *r = &sc->res;
    tt_sentence *sent = &r->sent[s];
    double score = 0.0;
    int vetoed = 0, direct, via = 0;
    size_t i;
    long from = -1;

    for (i = 0; i < n; i++) {
        uint32_t local = m[i].pattern - rt->pfirst;
        if (rs->patterns[m[i].pattern].exclude) {
            vetoed = 1;
            break;
        }
        if (!sc->matched[local]) {
            sc->matched[local] = 1;
            score += rs->patterns[m[i].pattern].weight;
        }
    }
    direct = !vetoed && score >= info->threshold && tt_cond_eval(&rt->cond, sc->matched);
    if (!direct && !vetoed && info->has_context) {
        long last = sc->last_direct[ti];
        if (last >= 0 && r->sent[last].paragraph == sent->paragraph &&
            (size_t)(s - (uint32_t)last) <= info->context_window &&
            tt_cond_eval(&rt->when, sc->matched)) {
            via = 1;
            from = last;
        }
    }
    for (i = 0; i < n; i++)
        sc->matched[m[i].pattern - rt->pfirst] = 0;
    if (!direct && !via)
        return 0;
    if (direct)
        sc->last_direct[ti] = (long)s;
    {
        tt_tag *t;
        if (tt_grow(&r->tags, &r->tagcap, r->ntags + 1, sizeof *r->tags) ||
            tt_grow(&r->matches, &r->matchcap, r->nmatches + n, sizeof *r->matches))
            return -1;
        t = &r->tags[r->ntags++];
        t->topic = ti;
        t->via_context = (uint32_t)via;
        t->from = via ? (size_t)from : 0;
        t->score = score;
        t->match_first = r->nmatches;
        for (i = 0; i < n; i++) {
            tt_match *mm = &r->matches[r->nmatches++];
            mm->pattern = m[i].pattern;
            mm->start = m[i].start;
            mm->end = m[i].end;
        }
        t->match_count = n;
        if (sent->tag_count == 0)
            sent->tag_first = r->ntags - 1;
        sent->tag_count++;
        sc->acc[ti].sentences++;
        sc->acc[ti].score += score;
    }
    return 0;
}

static int tag_sentences(tt_scanner *sc)
{
    const tt_ruleset *rs = sc->rs;
    tt_result *r = &sc->res;
    size_t s, t;
    for (t = 0; t < rs->ntopics; t++) {
        sc->last_direct[t] = -1;
        sc->acc[t].topic = (uint32_t)t;
        sc->acc[t].sentences = 0;
        sc->acc[t].score = 0.0;
    }
    for (s = 0; s < r->nsent; s++) {
        size_t a = sc->bucket[s], b = sc->bucket[s + 1];
        while (a < b) {
            uint32_t ti = rs->patterns[sc->sorted[a].pattern].topic;
            size_t e = a;
            while (e < b && rs->patterns[sc->sorted[e].pattern].topic == ti)
                e++;
            if (score_topic(sc, (uint32_t)s, ti, sc->sorted + a, e - a))
                return -1;
            a = e;
        }
    }
    for (t = 0; t < rs->ntopics; t++) {
        if (!sc->acc[t].sentences)
            continue;
        if (tt_grow(&r->totals, &r->totalcap, r->ntotals + 1, sizeof *r->totals))
            return -1;
        r->totals[r->ntotals++] = sc->acc[t];
    }
    return 0;
}

static const tt_result *run(tt_scanner *sc, const char *text, size_t len, int classify,
                            tt_error *err)
{
    int rc;
    uint32_t p;
    reset(sc, text, len);
    if (err)
        memset(err, 0, sizeof *err);
    rc = check_document(sc, text, len);
    if (rc == 0)
        rc = segment(sc, text, len);
    if (rc < 0)
        goto fail;
    if (rc > 0 || !classify)
        return &sc->res;
    for (p = 0; p < sc->rs->npatterns; p++)
        if (run_pattern(sc, p, text, len))
            goto fail;
    if (bucket_matches(sc) || tag_sentences(sc))
        goto fail;
    return &sc->res;
fail:
    nomem(err);
    return NULL;
}

const tt_result *tt_classify(tt_scanner *sc, const char *text, size_t len, tt_error *err)
{
    return run(sc, text, len, 1, err);
}

const tt_result *tt_segment(tt_scanner *sc, const char *text, size_t len, tt_error *err)
{
    return run(sc, text, len, 0, err);
}
