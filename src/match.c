/* match.c - the scanner: checks a document, segments it, scans it once with the prefilter
 * (literal hits, or the Hyperscan database's reports) to learn which patterns may match in
 * which sentence, runs those patterns with PCRE2 on those sentences only (the subject ends at
 * the sentence end), and scores and tags the sentences.
 *
 * All arrays live in the scanner and are reused from one document to the next, so the hot
 * path does no heap allocation once the arrays have grown. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "alloc.h"
#include "ascii.h"
#include "compile.h"
#include "utf8.h"

struct tt_result {
    tt_trace *traces;
    size_t ntraces, tracecap;
    tt_match *tmatches;
    size_t ntmatches, tmatchcap;
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

/* What the conditions of a topic answer when exactly the local patterns in mask may match:
 * bits MAY_COND, MAY_WHEN, MAY_ART, MAY_BREAKS, and MAY_SET once filled in; in sc->evmemo,
 * what they answer when exactly those match (the same bits, of tt_cond_eval). */
typedef struct tt_may_memo {
    uint64_t mask;
    uint32_t topic;
    unsigned char bits;
} tt_may_memo;

enum { MAY_COND = 1, MAY_WHEN = 2, MAY_ART = 4, MAY_BREAKS = 8, MAY_SET = 16 };
#define MEMO_SIZE 4096   /* entries, a power of two: 64 KiB */

/* An article regex as the scanner runs it. */
typedef struct art_regex {
    const pcre2_code *code;      /* NULL: none */
    const unsigned char *first;  /* the bytes a match can start with, or NULL: any */
    int jit;                     /* run by pcre2_jit_match */
    const char *name;            /* its key in the rules, for errors: "article.switch" */
    int failed;                  /* it failed in the current document (reported once) */
} art_regex;

/* A hit in a pattern's list: where it lies, the next of the same pattern (UINT32_MAX ends),
 * in order of end, and its literal (prefilter state). */
typedef struct pat_hit {
    size_t start, end;
    uint32_t next, state;
} pat_hit;

struct tt_scanner {
    const tt_ruleset *rs;
    tt_limits lim;
    pcre2_match_data *md;
    pcre2_match_context *mctx;
    pcre2_match_context *mctx_lim;   /* mctx with an offset limit, set per search */
    pcre2_jit_stack *jit;
    tt_span_vec spans;
    tt_pf_hit *hits;           /* literal hits of the current document */
    size_t hitcap;
    int lits_decide;           /* the literal hits decide the literal sets (rs->litpat) */
    int art_hit[3];            /* article.switch, .dateline, .aside may match in the sentence:
                                  a hit of its literals, or no prefilter to tell */
    uint32_t *phit;            /* per candidate pattern: its first hit in the sentence's list */
    uint32_t *plast;           /* per candidate pattern: its last hit in that list */
    pat_hit *hl;               /* the sentence's hits per pattern (phit, plast) */
    size_t nhl, hlcap;
    size_t *vhits;             /* the sentence's literal hits in a context their literal
                                  allows (indices into hits), by end: collect_hits puts them
                                  on their patterns' lists when a topic runs */
    size_t nvh, vhcap;
    size_t *starts;            /* a literal set's candidate match starts in a sentence */
    size_t startcap;
    tt_may_memo *memo;         /* topic_may_apply's answers by topic and candidates */
    tt_may_memo *evmemo;       /* score_topic's conditions by topic and matched patterns */
    unsigned char *lctx;       /* per literal (prefilter state): the contexts a hit of it can
                                  be used in, a bit per (word byte before, word byte after) */
    uint32_t *ltop;            /* per literal: bit t % 32 for each topic t of its patterns
                                  (collect_hits passes over the others) */
    uint32_t *ptopic;          /* per pattern: its topic (rs->patterns[p].topic, packed:
                                  the sentence loop reads it for every candidate) */
    tt_hs_scratch *hss;        /* the Hyperscan prefilter's scratch (rs->hs), or NULL */
    tt_pf_hit *hshits;         /* its reports for the current document (state = pattern) */
    size_t hshitcap;
    uint32_t *hs_pats;         /* the patterns it nominates, in order */
    size_t nhs_pats;
    tt_match *tm;              /* matches of the topic being scored in this sentence */
    size_t ntm, tmcap;
    unsigned char *matched;    /* per local pattern of the topic being scored */
    unsigned char *val;        /* per local pattern: 0 cannot match here, 2 may */
    unsigned char *cand;       /* per pattern: a literal of it occurs in this sentence */
    uint32_t *candlist;        /* the patterns with cand set */
    unsigned char *failed;     /* per pattern: hit a limit in this document: off */
    size_t nfailed;            /* how many are set */
    int dirty;                 /* a run was cut short: scratch marks may be left behind */
    unsigned char *jitted;     /* per pattern: JIT code exists (pcre2_jit_match can run it) */
    unsigned char *always;     /* per pattern: has no literal, may match anywhere */
    unsigned char *need2;      /* per pattern: has a second requirement (prefilter key
                                  npatterns + p): a candidate only with a hit of it too */
    unsigned char *seen2;      /* per pattern: that hit occurs in this sentence, or one of
                                  its key groups' keys (compile.h: tt_keygroup) */
    uint32_t *seen2list;       /* the patterns with seen2 set */
    uint32_t *gfirst, *gsecond;   /* per pattern with key groups: the branches whose first,
                                  whose second key hit in this sentence (bits) */
    uint32_t *gnone;           /* per pattern: its branches without a second key; with
                                  key groups, all bits of its groups set in gall */
    uint32_t *gall;
    uint32_t *always_pats;     /* the patterns without a literal, in order */
    uint32_t *lazy_head;       /* per pattern: its first lazy key (rs->lazy), or UINT32_MAX */
    uint32_t *lazy_next;       /* per lazy key: the next of its pattern, or UINT32_MAX */
    size_t nalways;
    uint32_t *runlist;         /* the patterns to consider in the current sentence */
    unsigned char *gmay;       /* per guard of the topic being run (rt->guards): it may match
                                  in the sentence (a hit of its literals, or it has none) */
    tt_pf_hit *ghits;          /* the guard prefilter's hits in the sentence */
    size_t ghitcap;
    tt_article art;            /* the article context model (article.c) */
    art_regex art_rx[3];       /* article.switch, .dateline, .aside */
    int explain;
    int odd_case;              /* the document holds U+212A KELVIN SIGN or U+017F LONG S, which
                                  PCRE2 matches caselessly as k and s: the literals fold only
                                  ASCII, so it is classified without the prefilter */
    tt_topic_total *acc;       /* per topic totals for the current document */
    tt_result res;
};

#define JIT_STACK_MAX (8u << 20)

/* The bit of sc->lctx for a hit with (1) or without (0) a word byte before and after it. */
#define CTX_BIT(before, after) TT_LIT_CTX(before, after)

/* sc->lctx: the contexts a hit of each literal can be part of a match in (prefilter.c, from
 * the literal sets' word boundaries and the \b around a regex's literals): a literal used only
 * as a whole word is useless where a letter touches it ("aid" in "said"), and its hit is
 * dropped before it makes its patterns candidates. */
static int literal_contexts(tt_scanner *sc)
{
    const tt_prefilter *pf = sc->rs->pf;
    size_t n = tt_prefilter_nliterals(pf), st;
    if (!(sc->lctx = tt_calloc(n + 1, 1)) || !(sc->ltop = tt_calloc(n + 1, sizeof *sc->ltop)))
        return -1;
    for (st = 0; st < n; st++) {
        size_t np, k;
        const uint32_t *pats = tt_prefilter_patterns(pf, (uint32_t)st, &np);
        sc->lctx[st] = (unsigned char)tt_prefilter_contexts(pf, (uint32_t)st);
        for (k = 0; k < np; k++)
            if (pats[k] < sc->rs->npatterns)
                sc->ltop[st] |= 1u << (sc->rs->patterns[pats[k]].topic % 32);
    }
    return 0;
}

static void art_regex_init(const tt_scanner *sc, art_regex *ar, const pcre2_code *code,
                           const unsigned char *first, const char *name)
{
    size_t jit = 0;
    ar->code = code;
    ar->first = first;
    ar->name = name;
    ar->failed = 0;
    ar->jit = code && !sc->lim.no_jit &&
              pcre2_pattern_info(code, PCRE2_INFO_JITSIZE, &jit) == 0 && jit > 0;
}

/* Whether prefilter key `key` of pattern p is a lazy one (rs->lazy). */
static int is_lazy(const tt_scanner *sc, uint32_t key, uint32_t p)
{
    uint32_t z;
    for (z = sc->lazy_head[p]; z != UINT32_MAX; z = sc->lazy_next[z])
        if (sc->rs->lazy[z].key == key)
            return 1;
    return 0;
}

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
    sc->val = tt_calloc(rs->max_topic_patterns + 1, 1);
    sc->cand = tt_calloc(rs->npatterns + 1, 1);
    sc->candlist = tt_calloc(rs->npatterns + 1, sizeof *sc->candlist);
    sc->failed = tt_calloc(rs->npatterns + 1, 1);
    sc->jitted = tt_calloc(rs->npatterns + 1, 1);
    sc->always = tt_calloc(rs->npatterns + 1, 1);
    sc->need2 = tt_calloc(rs->npatterns + 1, 1);
    sc->seen2 = tt_calloc(rs->npatterns + 1, 1);
    sc->seen2list = tt_calloc(rs->npatterns + 1, sizeof *sc->seen2list);
    sc->gfirst = tt_calloc(rs->npatterns + 1, sizeof *sc->gfirst);
    sc->gsecond = tt_calloc(rs->npatterns + 1, sizeof *sc->gsecond);
    sc->gnone = tt_calloc(rs->npatterns + 1, sizeof *sc->gnone);
    sc->gall = tt_calloc(rs->npatterns + 1, sizeof *sc->gall);
    sc->always_pats = tt_calloc(rs->npatterns + 1, sizeof *sc->always_pats);
    sc->lazy_head = tt_malloc((rs->npatterns + 1) * sizeof *sc->lazy_head);
    sc->lazy_next = tt_malloc((rs->nlazy + 1) * sizeof *sc->lazy_next);
    sc->runlist = tt_calloc(rs->npatterns + 1, sizeof *sc->runlist);
    sc->gmay = tt_calloc(rs->max_topic_patterns + 1, 1);
    sc->acc = tt_calloc(nt, sizeof *sc->acc);
    sc->hs_pats = tt_calloc(rs->npatterns + 1, sizeof *sc->hs_pats);
    sc->phit = tt_calloc(rs->npatterns + 1, sizeof *sc->phit);
    sc->plast = tt_calloc(rs->npatterns + 1, sizeof *sc->plast);
    sc->memo = tt_calloc(MEMO_SIZE, sizeof *sc->memo);
    sc->evmemo = tt_calloc(MEMO_SIZE, sizeof *sc->evmemo);
    sc->ptopic = tt_calloc(rs->npatterns + 1, sizeof *sc->ptopic);
    if (rs->hs && !(sc->hss = tt_hs_scratch_new(rs->hs))) {
        tt_scanner_free(sc);
        return NULL;
    }
    if (!sc->hs_pats || !sc->phit || !sc->plast || !sc->memo || !sc->evmemo || !sc->ptopic ||
        !sc->md ||
        !sc->mctx || !sc->matched || !sc->val || !sc->cand ||
        !sc->candlist || !sc->failed || !sc->jitted || !sc->always || !sc->always_pats ||
        !sc->need2 || !sc->seen2 || !sc->seen2list || !sc->gfirst || !sc->gsecond ||
        !sc->gnone || !sc->gall || !sc->lazy_head || !sc->lazy_next ||
        !sc->runlist || !sc->gmay || !sc->acc || tt_article_init(&sc->art, rs->ntopics)) {
        tt_scanner_free(sc);
        return NULL;
    }
    {
        size_t z;
        for (z = 0; z < rs->npatterns; z++)
            sc->lazy_head[z] = UINT32_MAX;
        for (z = rs->nlazy; z-- > 0;) {   /* each pattern's in the order they were made */
            sc->lazy_next[z] = sc->lazy_head[rs->lazy[z].pattern];
            sc->lazy_head[rs->lazy[z].pattern] = (uint32_t)z;
        }
    }
    {
        size_t t, i;
        for (t = 0; t < rs->ntopics; t++) {
            for (i = 0; i < rs->rt[t].pcount; i++) {
                size_t p = rs->rt[t].pfirst + i, jit = 0;
                int hs = rs->in_hs && rs->in_hs[p];
                sc->always[p] = !hs && (!rs->pf || tt_prefilter_always(rs->pf, p)) &&
                                !(rs->pf && rs->guard && rs->guard[p]);
                sc->need2[p] = !hs && rs->pf &&
                               (!tt_prefilter_always(rs->pf, rs->npatterns + p) ||
                                is_lazy(sc, (uint32_t)(rs->npatterns + p), (uint32_t)p));
                sc->ptopic[p] = (uint32_t)t;
                if (hs)
                    sc->hs_pats[sc->nhs_pats++] = (uint32_t)p;
                sc->jitted[p] = !sc->lim.no_jit &&
                                pcre2_pattern_info(rs->code[p], PCRE2_INFO_JITSIZE, &jit) == 0 &&
                                jit > 0;
                if (sc->always[p])
                    sc->always_pats[sc->nalways++] = (uint32_t)p;
            }
        }
    }
    {
        size_t g;
        for (g = 0; rs->pf && g < rs->ngroups; g++) {
            uint32_t p = rs->groups[g].pattern, bit = 1u << rs->groups[g].bit;
            sc->gall[p] |= bit;
            if (tt_prefilter_always(rs->pf, 2 * rs->npatterns + 2 * g + 1) &&
                !is_lazy(sc, (uint32_t)(2 * rs->npatterns + 2 * g + 1), p))
                sc->gnone[p] |= bit;
        }
    }
    if (rs->pf && literal_contexts(sc)) {
        tt_scanner_free(sc);
        return NULL;
    }
    art_regex_init(sc, &sc->art_rx[0], rs->switch_code, rs->switch_first, "article.switch");
    art_regex_init(sc, &sc->art_rx[1], rs->dateline_code, rs->dateline_first,
                   "article.dateline");
    art_regex_init(sc, &sc->art_rx[2], rs->aside_code, NULL, "article.aside");
    pcre2_set_match_limit(sc->mctx, sc->lim.match_limit);
    pcre2_set_depth_limit(sc->mctx, sc->lim.depth_limit);
    pcre2_set_heap_limit(sc->mctx, sc->lim.heap_limit_kib);
    if (sc->jit)
        pcre2_jit_stack_assign(sc->mctx, NULL, sc->jit);
    if (!(sc->mctx_lim = pcre2_match_context_copy(sc->mctx))) {
        tt_scanner_free(sc);
        return NULL;
    }
    return sc;
}

void tt_scanner_free(tt_scanner *sc)
{
    if (!sc)
        return;
    pcre2_match_data_free(sc->md);
    pcre2_match_context_free(sc->mctx);
    pcre2_match_context_free(sc->mctx_lim);
    pcre2_jit_stack_free(sc->jit);
    tt_span_vec_release(&sc->spans);
    tt_free(sc->hits);
    tt_free(sc->vhits);
    tt_free(sc->ltop);
    tt_free(sc->ptopic);
    tt_free(sc->starts);
    tt_free(sc->phit);
    tt_free(sc->plast);
    tt_free(sc->hl);
    tt_free(sc->memo);
    tt_free(sc->evmemo);
    tt_free(sc->lctx);
    tt_hs_scratch_free(sc->hss);
    tt_free(sc->hshits);
    tt_free(sc->hs_pats);
    tt_free(sc->tm);
    tt_free(sc->matched);
    tt_free(sc->val);
    tt_free(sc->cand);
    tt_free(sc->candlist);
    tt_free(sc->failed);
    tt_free(sc->jitted);
    tt_free(sc->always);
    tt_free(sc->need2);
    tt_free(sc->seen2);
    tt_free(sc->seen2list);
    tt_free(sc->gfirst);
    tt_free(sc->gsecond);
    tt_free(sc->gnone);
    tt_free(sc->gall);
    tt_free(sc->always_pats);
    tt_free(sc->lazy_head);
    tt_free(sc->lazy_next);
    tt_free(sc->runlist);
    tt_free(sc->gmay);
    tt_free(sc->ghits);
    tt_article_release(&sc->art);
    tt_free(sc->acc);
    tt_free(sc->res.sent);
    tt_free(sc->res.tags);
    tt_free(sc->res.matches);
    tt_free(sc->res.totals);
    tt_free(sc->res.errors);
    tt_free(sc->res.traces);
    tt_free(sc->res.tmatches);
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

void tt_scanner_set_explain(tt_scanner *sc, int on) { sc->explain = on; }

const tt_trace *tt_result_traces(const tt_result *r, size_t *n)
{
    *n = r->ntraces;
    return r->traces;
}

const tt_match *tt_result_trace_matches(const tt_result *r, size_t *n)
{
    *n = r->ntmatches;
    return r->tmatches;
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
    r->ntraces = r->ntmatches = 0;
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
    sc->odd_case = 0;
    bad = tt_utf8_check_odd(u, len, &sc->odd_case);
    if (bad < len)
        return doc_error(r, TT_ERR_UTF8, bad, -1, "invalid UTF-8 at byte offset %zu (0x%02X)",
                         bad, u[bad])
                   ? -1
                   : 1;
    return 0;
}

static int is_space(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

static int segment(tt_scanner *sc, const char *text, size_t len)
{
    tt_result *r = &sc->res;
    size_t i;
    if (tt_segment_text(sc->rs->seg, text, len, &sc->spans))
        return -1;
    if (tt_grow(&r->sent, &r->sentcap, sc->spans.len + 1, sizeof *r->sent))
        return -1;
    r->nsent = 0;
    for (i = 0; i < sc->spans.len; i++) {
        size_t a = sc->spans.v[i].start, b = sc->spans.v[i].end;
        while (a < b) {
            size_t e = b;
            tt_sentence *s;
            if (e - a > sc->lim.max_sentence && sc->lim.max_sentence >= 16) {
                /* too long: cut at the last white space of the piece, or at a character */
                size_t k = a + sc->lim.max_sentence;
                e = k;
                while (e > a + sc->lim.max_sentence / 2 && !is_space((unsigned char)text[e]))
                    e--;
                if (e <= a + sc->lim.max_sentence / 2)
                    for (e = k; e > a && ((unsigned char)text[e] & 0xC0) == 0x80; e--)
                        ;
            }
            if (tt_grow(&r->sent, &r->sentcap, r->nsent + 1, sizeof *r->sent))
                return -1;
            s = &r->sent[r->nsent++];
            s->start = a;
            s->end = e;
            while (s->end > s->start && is_space((unsigned char)text[s->end - 1]))
                s->end--;
            s->paragraph = sc->spans.v[i].paragraph;
            s->tag_first = 0;
            s->tag_count = 0;
            s->kind = TT_SENT_BODY;
            a = e;
            while (a < b && is_space((unsigned char)text[a]))
                a++;
        }
    }
    if (r->nsent == 0)
        return doc_error(r, TT_ERR_EMPTY, 0, -1, "document has no text (white space only)")
                   ? -1
                   : 1;
    return 0;
}

static size_t utf8_step(const char *text, size_t len, size_t at)
{
    size_t n = 1;
    while (at + n < len && ((unsigned char)text[at + n] & 0xC0) == 0x80)
        n++;
    return n;
}

static int add_match(tt_scanner *sc, uint32_t p, size_t start, size_t end)
{
    tt_match *m;
    if (tt_grow(&sc->tm, &sc->tmcap, sc->ntm + 1, sizeof *sc->tm))
        return -1;
    m = &sc->tm[sc->ntm++];
    m->pattern = p;
    m->start = start;
    m->end = end;
    return 0;
}

/* A literal set on sentence si, without PCRE2: each match starts where one of its strings
 * occurs, which its literal hits in the sentence say; from the leftmost start on, the first
 * string that fits there wins (litpat.c), and the next match starts after it, as run_pattern
 * loops.  Returns 0, or -1 on out of memory. */
static int run_literal_set(tt_scanner *sc, uint32_t p, size_t si)
{
    const tt_litpat *lp = &sc->rs->litpat[p];
    size_t end = sc->res.sent[si].end, off = sc->res.sent[si].start, ns = 0, i;
    uint32_t h;
    for (h = sc->cand[p] ? sc->phit[p] : UINT32_MAX; h != UINT32_MAX; h = sc->hl[h].next) {
        size_t st = sc->hl[h].start;
        if (tt_grow(&sc->starts, &sc->startcap, ns + 1, sizeof *sc->starts))
            return -1;
        /* hits come by end: insert by start (few per sentence) */
        for (i = ns++; i > 0 && sc->starts[i - 1] > st; i--)
            sc->starts[i] = sc->starts[i - 1];
        sc->starts[i] = st;
    }
    for (i = 0; i < ns; i++) {
        size_t len;
        if (sc->starts[i] < off || (len = tt_litpat_first_at(lp, sc->res.text, sc->starts[i],
                                                              end)) == 0)
            continue;
        if (add_match(sc, p, sc->starts[i], sc->starts[i] + len))
            return -1;
        off = sc->starts[i] + len;
    }
    return 0;
}

/* The longest match of pattern p that holds a hit of literal `state` (compile.h:
 * tt_litbound), for a pattern with bounds per literal. */
static size_t literal_bound(const tt_ruleset *rs, uint32_t p, uint32_t state)
{
    const tt_litbound *v = rs->lbound + rs->lb_first[p];
    size_t lo = 0, hi = rs->lb_n[p];
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v[mid].state == state)
            return v[mid].bound;
        if (v[mid].state < state)
            lo = mid + 1;
        else
            hi = mid;
    }
    return TT_MAXLEN_UNBOUNDED;   /* not reached: every literal of p has an entry */
}

/* Where a match of pattern p at or after off can start at the earliest: every match holds one
 * of p's literal hits whole and spans at most rs->maxlen[p] bytes (or, with bounds per
 * literal, the bound of that hit's literal), so none starts before the first hit that begins
 * at off or later ends, minus that length (with bounds per literal: before the earliest such
 * hit's end minus its bound).  end when no hit is left.  PCRE2 still sees the text before
 * (lookbehind, \b), as the subject begins with the text. */
static size_t reach_from(const tt_scanner *sc, uint32_t p, size_t off, size_t end)
{
    const tt_ruleset *rs = sc->rs;
    size_t most = rs->maxlen[p], best = end;
    uint32_t h;
    int per = rs->lb_n && rs->lb_n[p];
    for (h = sc->cand[p] ? sc->phit[p] : UINT32_MAX; h != UINT32_MAX; h = sc->hl[h].next) {
        size_t e = sc->hl[h].end, b, at;
        if (sc->hl[h].start < off)
            continue;
        b = per ? literal_bound(rs, p, sc->hl[h].state) : most;
        at = b == TT_MAXLEN_UNBOUNDED || e - off <= b ? off : e - b;
        if (!per)   /* one bound: the first such hit by end is the earliest */
            return at;
        if (at < best)
            best = at;
        if (best == off)
            break;
    }
    return best;
}

/* The last start of a literal hit of pattern p in the current sentence: every match of p
 * holds one of its hits whole, so none starts after it.  0 when p has no hit. */
static size_t last_hit_start(const tt_scanner *sc, uint32_t p)
{
    size_t last = 0;
    uint32_t h;
    for (h = sc->cand[p] ? sc->phit[p] : UINT32_MAX; h != UINT32_MAX; h = sc->hl[h].next)
        if (sc->hl[h].start > last)
            last = sc->hl[h].start;
    return last;
}

/* Runs pattern p over sentence si: leftmost-first, non-overlapping matches inside the
 * sentence, appended to sc->tm.  The subject ends at the sentence end, so a pattern never
 * matches across a sentence boundary; lookbehind can still see the text before it.
 * Returns 0, 1 when the pattern failed (error recorded, the pattern is off for this document),
 * or -1 on out of memory. */
static int run_pattern(tt_scanner *sc, uint32_t p, size_t si)
{
    const tt_ruleset *rs = sc->rs;
    const tt_result *r = &sc->res;
    const char *text = r->text;
    pcre2_code *code = rs->code[p];
    size_t off = r->sent[si].start, end = r->sent[si].end;
    uint32_t opts = PCRE2_NO_UTF_CHECK | (sc->lim.no_jit ? PCRE2_NO_JIT : 0);
    int jit = sc->jitted[p];
    int near = sc->lits_decide && rs->maxlen[p] != 0;
    pcre2_match_context *mctx = sc->mctx;
    if (sc->lits_decide && rs->litpat[p].n)
        return run_literal_set(sc, p, si);
    if (near) {
        /* no start position after the last hit can begin a match (compile.c compiles every
         * pattern with PCRE2_USE_OFFSET_LIMIT) */
        mctx = sc->mctx_lim;
        pcre2_set_offset_limit(mctx, last_hit_start(sc, p));
    }
    while (off < end) {
        if (near && (off = reach_from(sc, p, off, end)) >= end)
            break;
        /* the JIT entry point skips pcre2_match's checks (the text was checked once) */
        int rc = jit ? pcre2_jit_match(code, (PCRE2_SPTR)text, end, off, 0, sc->md, mctx)
                     : pcre2_match(code, (PCRE2_SPTR)text, end, off, opts, sc->md, mctx);
        PCRE2_SIZE *ov;
        if (rc == PCRE2_ERROR_NOMATCH)
            break;
        if (rc == PCRE2_ERROR_JIT_STACKLIMIT && !(opts & PCRE2_NO_JIT)) {
            opts |= PCRE2_NO_JIT;    /* the interpreter keeps its frames on the heap */
            jit = 0;
            continue;
        }
        if (rc < 0) {
            PCRE2_UCHAR msg[120];
            const tt_pattern_info *pi = &rs->patterns[p];
            int limit = rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
                        rc == PCRE2_ERROR_HEAPLIMIT || rc == PCRE2_ERROR_JIT_STACKLIMIT;
            pcre2_get_error_message(rc, msg, sizeof msg);
            sc->failed[p] = 1;
            sc->nfailed++;
            if (doc_error(&sc->res, limit ? TT_ERR_MATCH_LIMIT : TT_ERR_MATCH, off, (long)p,
                          "pattern '%s' of topic '%s' failed at offset %zu: %s (%s:%d)", pi->id,
                          rs->topics[pi->topic].id, off, (const char *)msg, pi->file,
                          pi->line))
                return -1;
            return 1;
        }
        ov = pcre2_get_ovector_pointer(sc->md);
        if (ov[1] > ov[0]) {
            if (add_match(sc, p, ov[0], ov[1]))
                return -1;
            off = ov[1];
        } else {
            /* an empty match counts for nothing; go on one character later */
            off = ov[1] + utf8_step(text, end, ov[1]);
        }
    }
    return 0;
}

/* What the conditions of topic ti answer over sc->matched (mask: the same set, when the topic
 * has at most 64 patterns): MAY_* bits for true.  The sentences of a batch match the same few
 * sets again and again, so the answers are kept by (topic, set), as may_bits_of() keeps its. */
static unsigned eval_bits(tt_scanner *sc, uint32_t ti, uint64_t mask)
{
    const tt_topic_rt *rt = &sc->rs->rt[ti];
    const tt_topic_info *info = &sc->rs->topics[ti];
    tt_may_memo *m = NULL;
    unsigned b;
    if (rt->pcount <= 64) {
        m = &sc->evmemo[(uint32_t)(((mask ^ (mask >> 29) ^ ((uint64_t)ti << 40)) *
                                    0x9E3779B97F4A7C15ull) >> 40) & (MEMO_SIZE - 1)];
        if ((m->bits & MAY_SET) && m->mask == mask && m->topic == ti)
            return m->bits;
    }
    b = tt_cond_eval(&rt->cond, sc->matched) ? MAY_COND : 0;
    if (info->has_context) {
        if (rt->has_breaks && tt_cond_eval(&rt->breaks, sc->matched))
            b |= MAY_BREAKS;
        if (info->has_article && tt_cond_eval(rt->art, sc->matched))
            b |= MAY_ART;
        if (tt_cond_eval(&rt->when, sc->matched))
            b |= MAY_WHEN;
    }
    if (m) {
        m->mask = mask;
        m->topic = ti;
        m->bits = (unsigned char)(b | MAY_SET);
    }
    return b;
}

/* Records how topic ti was decided on sentence s (explain mode). */
static int trace(tt_scanner *sc, uint32_t s, uint32_t ti, const tt_match *m, size_t n,
                 int tagged, int via, long from, int vetoed, int cond, int live, int when,
                 int art_when, int brk, double score)
{
    tt_result *r = &sc->res;
    const tt_art_topic *at = &sc->art.t[ti];
    tt_trace *t;
    if (tt_grow(&r->traces, &r->tracecap, r->ntraces + 1, sizeof *r->traces) ||
        tt_grow(&r->tmatches, &r->tmatchcap, r->ntmatches + n + 1, sizeof *r->tmatches))
        return -1;
    t = &r->traces[r->ntraces++];
    t->sentence = s;
    t->topic = ti;
    t->tagged = tagged;
    t->via_context = via != 0;
    t->via = via;
    t->from = via ? (size_t)from : 0;
    t->vetoed = vetoed;
    t->condition = cond;
    t->context_source = sc->rs->topics[ti].has_context ? (live & 1) != 0 : -1;
    t->context_from = live & 1 ? at->origin : -1;
    t->context_link = live & 1 ? at->link : -1;
    t->when = when;
    t->article_from = live & 2 ? at->art_from : -1;
    t->article_when = art_when;
    t->breaks = brk;
    t->stop = live ? TT_STOP_NONE : at->stop;
    t->stop_at = live ? -1 : at->stop_at;
    t->score = score;
    t->threshold = sc->rs->topics[ti].threshold;
    t->match_first = r->ntmatches;
    t->match_count = n;
    if (n)
        memcpy(r->tmatches + r->ntmatches, m, n * sizeof *m);
    r->ntmatches += n;
    return 0;
}

/* Scores topic ti in sentence s over its matches sc->tm[0..ntm) (in pattern order); adds a
 * tag when it applies. */
static int score_topic(tt_scanner *sc, uint32_t s, uint32_t ti)
{
    const tt_ruleset *rs = sc->rs;
    const tt_topic_rt *rt = &rs->rt[ti];
    const tt_topic_info *info = &rs->topics[ti];
    tt_result *r = &sc->res;
    tt_sentence *sent = &r->sent[s];
    const tt_match *m = sc->tm;
    size_t n = sc->ntm, i;
    double score = 0.0;
    int vetoed = 0, direct, via = 0, cond, when = 0, traced = 0;
    long from = -1, link = -1;
    uint64_t mask = 0;
    unsigned ev;

    if (n == 0 && !sc->explain)
        return 0;    /* a topic with no match in the sentence never applies (see docs) */
    for (i = 0; i < n; i++) {
        uint32_t local = m[i].pattern - rt->pfirst;
        if (rs->patterns[m[i].pattern].exclude) {
            vetoed = 1;
        } else if (!sc->matched[local]) {
            sc->matched[local] = 1;
            score += rs->patterns[m[i].pattern].weight;
            mask |= local < 64 ? 1ull << local : 0;
        }
    }
    ev = eval_bits(sc, ti, mask);
    cond = (ev & MAY_COND) != 0;
    direct = n > 0 && !vetoed && score >= info->threshold && cond;
    if (info->has_context) {
        int brk = (ev & MAY_BREAKS) != 0;
        int art_when = (ev & MAY_ART) != 0;
        int live = tt_article_live(&sc->art, info, ti, s, r->sent);
        when = (ev & MAY_WHEN) != 0;
        if (!direct && !vetoed && n > 0 && !brk)
            via = tt_article_inherit(&sc->art, info, ti, s, r->sent, when, art_when, &from,
                                     &link);
        if (sc->explain)
            traced = trace(sc, s, ti, m, n, direct || via, via, from, vetoed, cond, live, when,
                           art_when, brk, score);
        if (brk && !direct)
            tt_article_stop(&sc->art, ti, s, TT_STOP_BREAKS);
    } else if (sc->explain) {
        traced = trace(sc, s, ti, m, n, direct, 0, -1, vetoed, cond, 0, 0, 0, 0, score);
    }
    /* clear the scratch marks first: an out-of-memory return must not leave them behind */
    for (i = 0; i < n; i++)
        sc->matched[m[i].pattern - rt->pfirst] = 0;
    if (traced)
        return -1;
    if (!direct && !via)
        return 0;
    tt_article_carry(&sc->art, info, ti, s, sent->kind, via, from);
    {
        tt_tag *t;
        if (tt_grow(&r->tags, &r->tagcap, r->ntags + 1, sizeof *r->tags) ||
            tt_grow(&r->matches, &r->matchcap, r->nmatches + n, sizeof *r->matches))
            return -1;
        t = &r->tags[r->ntags++];
        t->topic = ti;
        t->via_context = (uint32_t)via;
        t->from = via ? (size_t)from : 0;
        t->link = via ? (size_t)link : 0;
        t->score = score;
        t->match_first = r->nmatches;
        memcpy(r->matches + r->nmatches, m, n * sizeof *m);
        r->nmatches += n;
        t->match_count = n;
        if (sent->tag_count == 0)
            sent->tag_first = r->ntags - 1;
        sent->tag_count++;
        sc->acc[ti].sentences++;
        sc->acc[ti].score += score;
    }
    return 0;
}

/* What the conditions of topic ti answer over val[] (per local pattern: 0 cannot match here,
 * 2 may), in three-valued logic: MAY_* bits. */
static unsigned may_bits(const tt_scanner *sc, uint32_t ti, const unsigned char *val)
{
    const tt_topic_info *info = &sc->rs->topics[ti];
    const tt_topic_rt *rt = &sc->rs->rt[ti];
    unsigned b = tt_cond_may(&rt->cond, val) ? MAY_COND : 0;
    if (info->has_context && tt_cond_may(&rt->when, val))
        b |= MAY_WHEN;
    if (info->has_article && tt_cond_may(rt->art, val))
        b |= MAY_ART;
    if (rt->has_breaks && tt_cond_may(&rt->breaks, val))
        b |= MAY_BREAKS;
    return b;
}

/* may_bits() with val[] 2 for the patterns run[0..n) of topic ti and 0 for the others.  The
 * sentences of a batch ask a topic about the same few sets of candidates again and again, so
 * the answers are kept by (topic, set) when the topic has at most 64 patterns: a lookup
 * instead of walking its conditions. */
static unsigned may_bits_of(tt_scanner *sc, uint32_t ti, const uint32_t *run, size_t n)
{
    const tt_topic_rt *rt = &sc->rs->rt[ti];
    tt_may_memo *m = NULL;
    uint64_t mask = 0;
    unsigned b;
    size_t i;
    if (rt->pcount <= 64) {
        for (i = 0; i < n; i++)
            mask |= 1ull << (run[i] - rt->pfirst);
        m = &sc->memo[(uint32_t)(((mask ^ (mask >> 29) ^ ((uint64_t)ti << 40)) *
                                  0x9E3779B97F4A7C15ull) >> 40) & (MEMO_SIZE - 1)];
        if ((m->bits & MAY_SET) && m->mask == mask && m->topic == ti)
            return m->bits;
    }
    for (i = 0; i < n; i++)
        sc->val[run[i] - rt->pfirst] = 2;
    b = may_bits(sc, ti, sc->val);
    for (i = 0; i < n; i++)
        sc->val[run[i] - rt->pfirst] = 0;
    if (m) {
        m->mask = mask;
        m->topic = ti;
        m->bits = (unsigned char)(b | MAY_SET);
    }
    return b;
}

/* Whether topic ti may apply to sentence s, judged from which patterns can match there: may
 * holds their may_bits().  A topic that cannot apply directly here nor inherit (article.c
 * says whether a chain or the article's topic is live) is skipped: none of its matches could
 * show in the result, and its cue cannot hold, so the model's state is the same as if it had
 * run. */
static int topic_may_apply(tt_scanner *sc, uint32_t s, uint32_t ti, unsigned may)
{
    const tt_ruleset *rs = sc->rs;
    const tt_topic_info *info = &rs->topics[ti];
    int live;
    if (may & MAY_COND)
        return 1;
    if (!info->has_context || !(live = tt_article_live(&sc->art, info, ti, s, sc->res.sent)))
        return 0;
    /* it may inherit here, or its breaks condition may end the inheritance here */
    return ((live & 1) && (may & MAY_WHEN)) || ((live & 2) && (may & MAY_ART)) ||
           (rs->rt[ti].has_breaks && (may & MAY_BREAKS));
}

static int push_hit(tt_scanner *sc, uint32_t p, uint32_t state, size_t start, size_t end);

/* Which guards of topic rt may match in sentence s (sc->gmay): the guard prefilter's hits
 * in the sentence, in a context their literals allow (the sentence's end counts as a byte
 * that is no word byte).  0, or -1 on out of memory. */
static int guard_scan(tt_scanner *sc, uint32_t s, const tt_topic_rt *rt)
{
    const tt_prefilter *gp = rt->guard_pf;
    const tt_sentence *st = &sc->res.sent[s];
    const unsigned char *t = (const unsigned char *)sc->res.text;
    size_t z, n = 0, h, k, np;
    for (z = 0; z < rt->nguards; z++)
        sc->gmay[z] = (unsigned char)tt_prefilter_always(gp, z);
    if (tt_prefilter_scan(gp, t + st->start, st->end - st->start, &sc->ghits, &n, &sc->ghitcap))
        return -1;
    for (h = 0; h < n; h++) {
        uint32_t state = sc->ghits[h].state;
        size_t e = st->start + sc->ghits[h].end, b = e - sc->ghits[h].len;
        const uint32_t *pats;
        if (!(tt_prefilter_contexts(gp, state) &
              CTX_BIT(b > 0 && tt_is_word(t[b - 1]), e < st->end && tt_is_word(t[e]))))
            continue;
        pats = tt_prefilter_patterns(gp, state, &np);
        for (k = 0; k < np; k++) {
            uint32_t p = rt->guards[pats[k]];
            sc->gmay[pats[k]] = 1;
            if (!sc->cand[p]) {   /* a candidate until run_topic has run it */
                sc->cand[p] = 1;
                sc->phit[p] = UINT32_MAX;
            }
            if (push_hit(sc, p, UINT32_MAX, b, e))
                return -1;
        }
    }
    return 0;
}

/* Puts the sentence's literal hits (sc->vhits) of topic rt's candidates on their patterns'
 * lists (in order of end), so that run_literal_set and reach_from look at a pattern's own hits
 * only: when the topic runs, since most candidates belong to topics that do not run in their
 * sentence (with the shipped rules 47 K of 389 K (hit, pattern) pairs per 10 MB of news get
 * on a list).  0, or -1 on out of memory. */
static int collect_hits(tt_scanner *sc, const tt_topic_rt *rt)
{
    const tt_prefilter *pf = sc->rs->pf;
    uint32_t bit = 1u << ((uint32_t)(rt - sc->rs->rt) % 32);
    size_t i, k, n;
    for (i = 0; i < sc->nvh; i++) {
        const tt_pf_hit *x = &sc->hits[sc->vhits[i]];
        const uint32_t *pats;
        if (!(sc->ltop[x->state] & bit))
            continue;
        pats = tt_prefilter_patterns(pf, x->state, &n);
        for (k = 0; k < n; k++) {
            uint32_t p = pats[k];
            if (p - rt->pfirst < rt->pcount && sc->cand[p] &&
                push_hit(sc, p, x->state, x->end - x->len, x->end))
                return -1;
        }
    }
    return 0;
}

/* Runs the patterns run[0..n) of topic rt on sentence s, and the guards that may match
 * there, in pattern order (the order of the topic's matches): a guard with literals as a
 * candidate with the guard prefilter's hits (a literal set decided by them, a regex started
 * near them), one without as without the prefilter.  0, or -1. */
static int run_topic(tt_scanner *sc, uint32_t s, const tt_topic_rt *rt, const uint32_t *run,
                     size_t n)
{
    size_t i = 0, z = 0;
    if (sc->nvh && collect_hits(sc, rt))
        return -1;
    if (rt->nguards && guard_scan(sc, s, rt))
        return -1;
    while (i < n || z < rt->nguards) {
        int g = z < rt->nguards && (i == n || rt->guards[z] < run[i]);
        uint32_t p = g ? rt->guards[z] : run[i];
        int rc = 0;
        if (g && !sc->gmay[z++])
            continue;
        i += !g;
        if (sc->failed[p]) {   /* off for the document; a guard's marks still go */
            if (g)
                sc->cand[p] = 0;
            continue;
        }
        if (g && !sc->cand[p]) {
            int lits = sc->lits_decide;
            sc->lits_decide = 0;
            rc = run_pattern(sc, p, s);
            sc->lits_decide = lits;
        } else if (g) {
            rc = run_pattern(sc, p, s);
            sc->cand[p] = 0;
        } else {
            rc = run_pattern(sc, p, s);
        }
        if (rc < 0)
            return -1;
    }
    return 0;
}

/* Classifies sentence s of the document given the patterns that may match in it
 * (sc->cand[p] != 0).  Topics are visited in ruleset order, so tags come out in that order. */
/* Every pattern of every topic on sentence s: the reference the prefilter must equal. */
static int classify_sentence_all(tt_scanner *sc, uint32_t s)
{
    const tt_ruleset *rs = sc->rs;
    size_t ti;
    for (ti = 0; ti < rs->ntopics; ti++) {
        const tt_topic_rt *rt = &rs->rt[ti];
        uint32_t i;
        sc->ntm = 0;
        for (i = 0; i < rt->pcount; i++)
            if (!sc->failed[rt->pfirst + i] && run_pattern(sc, rt->pfirst + i, s) < 0)
                return -1;
        if (score_topic(sc, s, (uint32_t)ti))
            return -1;
    }
    return 0;
}

/* Sentence s with the prefilter: run[0..n) lists, in pattern order (so grouped by topic, in
 * topic order), the patterns that may match in it.  A topic's patterns run only when its
 * condition or context can still hold given them. */
static int classify_sentence(tt_scanner *sc, uint32_t s, const uint32_t *run, size_t n)
{
    const tt_ruleset *rs = sc->rs;
    size_t a = 0, b;
    while (a < n) {
        uint32_t ti = sc->ptopic[run[a]];
        const tt_topic_rt *rt = &rs->rt[ti];
        int may_apply = 0;
        for (b = a; b < n && sc->ptopic[run[b]] == ti; b++)
            may_apply |= rt->any_kid[run[b] - rt->pfirst];
        if (!may_apply)   /* else one of them alone may satisfy the condition */
            may_apply = topic_may_apply(sc, s, ti, may_bits_of(sc, ti, run + a, b - a));
        if (may_apply) {
            sc->ntm = 0;
            if (run_topic(sc, s, rt, run + a, b - a) || score_topic(sc, s, ti))
                return -1;
        }
        a = b;
    }
    return 0;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* Marks pattern p a candidate of the current sentence (once). */
static void add_candidate(tt_scanner *sc, uint32_t p, size_t *nc)
{
    if (!sc->cand[p]) {
        sc->cand[p] = 1;
        sc->phit[p] = UINT32_MAX;
        sc->candlist[(*nc)++] = p;
    }
}

/* Appends a hit to the list of candidate p.  0, or -1 on out of memory. */
static int push_hit(tt_scanner *sc, uint32_t p, uint32_t state, size_t start, size_t end)
{
    uint32_t h = (uint32_t)sc->nhl;
    if (sc->nhl >= sc->hlcap && tt_grow(&sc->hl, &sc->hlcap, sc->nhl + 1, sizeof *sc->hl))
        return -1;
    sc->nhl++;
    sc->hl[h].start = start;
    sc->hl[h].end = end;
    sc->hl[h].state = state;
    sc->hl[h].next = UINT32_MAX;
    if (sc->phit[p] == UINT32_MAX)
        sc->phit[p] = h;
    else
        sc->hl[sc->plast[p]].next = h;
    sc->plast[p] = h;
    return 0;
}

/* A hit of prefilter key q >= npatterns (a second key, or a key group's) in the current
 * sentence: marks its pattern; n2 counts the marked patterns. */
static void mark_second(tt_scanner *sc, uint32_t q, size_t *n2)
{
    const tt_ruleset *rs = sc->rs;
    uint32_t p;
    if (q < 2 * rs->npatterns) {
        p = q - (uint32_t)rs->npatterns;
    } else {
        const tt_keygroup *g = &rs->groups[(q - 2 * rs->npatterns) / 2];
        p = g->pattern;
        if ((q - 2 * rs->npatterns) & 1)
            sc->gsecond[p] |= 1u << g->bit;
        else
            sc->gfirst[p] |= 1u << g->bit;
    }
    if (!sc->seen2[p]) {
        sc->seen2[p] = 1;
        sc->seen2list[(*n2)++] = p;
    }
}

/* Whether string l[0..n) (folded) occurs at t[i], folded, in a context ctx allows (end: the
 * sentence's end, where the byte after counts as no word byte). */
static int occurs_at(const unsigned char *t, size_t i, size_t end, const unsigned char *l,
                     size_t n, unsigned ctx)
{
    size_t j;
    for (j = 0; j < n && tt_fold(t[i + j]) == l[j]; j++)
        ;
    return j == n && (ctx & CTX_BIT(i > 0 && tt_is_word(t[i - 1]),
                                    i + n < end && tt_is_word(t[i + n])));
}

#ifdef __SSE2__
/* The 16 bytes at p with ASCII upper case folded to lower case, as tt_fold does. */
static __m128i fold16(const unsigned char *p)
{
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
    __m128i up = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('A' - 1)),
                               _mm_cmpgt_epi8(_mm_set1_epi8('Z' + 1), v));
    return _mm_or_si128(v, _mm_and_si128(up, _mm_set1_epi8(0x20)));
}
#endif

/* Whether one of set's strings occurs in sentence s, folded, in a context it allows (the
 * sentence's end counts as a byte that is no word byte, as it does for PCRE2's subject).
 * Sixteen positions at a time with SSE2: those whose first two bytes are the string's. */
static int occurs(const tt_scanner *sc, const tt_litset *set, size_t s)
{
    const unsigned char *t = (const unsigned char *)sc->res.text;
    size_t start = sc->res.sent[s].start, end = sc->res.sent[s].end, k, i;
    for (k = 0; k < set->n; k++) {
        const unsigned char *l = (const unsigned char *)set->s[k];
        size_t n = set->len[k];
        unsigned ctx = set->ctx ? set->ctx[k] : TT_LIT_CTX_ANY;
        i = start;
        if (!n)
            continue;
#ifdef __SSE2__
        if (n >= 2) {
            const __m128i a = _mm_set1_epi8((char)l[0]), b = _mm_set1_epi8((char)l[1]);
            for (; i + 17 <= end; i += 16) {   /* 17 bytes readable from i */
                unsigned m = (unsigned)_mm_movemask_epi8(
                    _mm_and_si128(_mm_cmpeq_epi8(fold16(t + i), a),
                                  _mm_cmpeq_epi8(fold16(t + i + 1), b)));
                while (m) {
                    size_t at = i + (unsigned)__builtin_ctz(m);
                    m &= m - 1;
                    if (at + n <= end && occurs_at(t, at, end, l, n, ctx))
                        return 1;
                }
            }
        }
#endif
        for (; i + n <= end; i++)
            if (tt_fold(t[i]) == l[0] && occurs_at(t, i, end, l, n, ctx))
                return 1;
    }
    return 0;
}

/* Looks for candidate p's lazy keys in sentence s (compile.h: tt_lazykey) and marks the ones
 * that occur, as a hit of them would. */
static void lazy_keys(tt_scanner *sc, uint32_t p, size_t s, size_t *n2)
{
    const tt_ruleset *rs = sc->rs;
    uint32_t z;
    for (z = sc->lazy_head[p]; z != UINT32_MAX; z = sc->lazy_next[z]) {
        uint32_t q = rs->lazy[z].key;
        int known;
        if (q < 2 * rs->npatterns) {
            known = sc->seen2[p];
        } else {
            const tt_keygroup *g = &rs->groups[(q - 2 * rs->npatterns) / 2];
            known = (((q - 2 * rs->npatterns) & 1 ? sc->gsecond[p] : sc->gfirst[p]) >> g->bit) & 1;
        }
        if (!known && occurs(sc, &rs->lazy[z].set, s))
            mark_second(sc, q, n2);
    }
}

/* Drops the candidates candlist[0..nc) whose second requirement has no hit in the sentence,
 * or none of whose key groups has both its keys (clearing the marks of the sentence);
 * returns how many are left. */
static size_t second_requirement(tt_scanner *sc, size_t nc, size_t n2)
{
    size_t i, k = 0;
    for (i = 0; i < nc; i++) {
        uint32_t p = sc->candlist[i];
        if ((sc->need2[p] && !sc->seen2[p]) ||
            (sc->gall[p] && !(sc->gfirst[p] & (sc->gsecond[p] | sc->gnone[p]))))
            sc->cand[p] = 0;
        else
            sc->candlist[k++] = p;
    }
    for (i = 0; i < n2; i++) {
        uint32_t p = sc->seen2list[i];
        sc->seen2[p] = 0;
        sc->gfirst[p] = sc->gsecond[p] = 0;
    }
    return k;
}

/* Sorts the candidates: a few dozen at most in a sentence, most often. */
static void sort_candidates(uint32_t *v, size_t n)
{
    size_t i, j;
    if (n > 64) {
        qsort(v, n, sizeof *v, cmp_u32);
        return;
    }
    for (i = 1; i < n; i++) {
        uint32_t x = v[i];
        for (j = i; j > 0 && v[j - 1] > x; j--)
            v[j] = v[j - 1];
        v[j] = x;
    }
}

/* Whether the article regex ar matches in sentence s (at its start when anchored by \G):
 * 1 or 0; -1 on out of memory.  A failed match (a match, depth or heap limit) is no "no
 * match": it is a document error, reported once per regex and document, as a failed pattern
 * is, and the sentence is taken as not matching. */
static int starts_with(tt_scanner *sc, art_regex *ar, size_t s)
{
    const tt_sentence *st = &sc->res.sent[s];
    uint32_t opts = PCRE2_NO_UTF_CHECK | (sc->lim.no_jit ? PCRE2_NO_JIT : 0);
    PCRE2_UCHAR msg[120];
    unsigned c;
    int rc;
    if (!ar->code || ar->failed)
        return 0;
    c = st->start < st->end ? (unsigned char)sc->res.text[st->start] : 0;
    if (ar->first && st->start < st->end && !(ar->first[c >> 3] >> (c & 7) & 1))
        return 0;   /* a byte no match begins with: PCRE2's start analysis, compile.c */
    if (ar->jit)    /* straight to the JIT code, without pcre2_match's checks */
        rc = pcre2_jit_match(ar->code, (PCRE2_SPTR)sc->res.text, st->end, st->start, 0,
                             sc->md, sc->mctx);
    else
        rc = pcre2_match(ar->code, (PCRE2_SPTR)sc->res.text, st->end, st->start, opts, sc->md,
                         sc->mctx);
    if (rc == PCRE2_ERROR_JIT_STACKLIMIT)   /* the interpreter keeps its frames on the heap */
        rc = pcre2_match(ar->code, (PCRE2_SPTR)sc->res.text, st->end, st->start,
                         opts | PCRE2_NO_JIT, sc->md, sc->mctx);
    if (rc >= 0 || rc == PCRE2_ERROR_NOMATCH)
        return rc >= 0;
    ar->failed = 1;
    pcre2_get_error_message(rc, msg, sizeof msg);
    return doc_error(&sc->res,
                     rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
                             rc == PCRE2_ERROR_HEAPLIMIT ? TT_ERR_MATCH_LIMIT : TT_ERR_MATCH,
                     st->start, -1, "%s failed at offset %zu (sentence %zu): %s", ar->name,
                     (size_t)st->start, s, (const char *)msg) ? -1 : 0;
}

/* Tells the article model what sentence s is: headline, full sentence, topic switch, a
 * datelined paragraph; it answers with the sentence's kind. */
static int enter_sentence(tt_scanner *sc, size_t s)
{
    const tt_ruleset *rs = sc->rs;
    tt_result *r = &sc->res;
    tt_sentence *st = &r->sent[s];
    int para_start = s == 0 || r->sent[s - 1].paragraph != st->paragraph;
    /* most rulesets have no article regexes: no call for them */
    int sw = sc->art_hit[0] && sc->art_rx[0].code ? starts_with(sc, &sc->art_rx[0], s) : 0;
    int dl = para_start && sc->art_hit[1] && sc->art_rx[1].code
                 ? starts_with(sc, &sc->art_rx[1], s)
                 : 0;
    int as = sc->art_hit[2] && sc->art_rx[2].code ? starts_with(sc, &sc->art_rx[2], s) : 0;
    if (sw < 0 || dl < 0 || as < 0)
        return -1;
    st->kind = tt_article_enter(
        &sc->art, &rs->art, s,
        s == 0 && tt_article_is_headline(r->text, r->len, st->start, st->end),
        tt_article_is_full(r->text, st->start, st->end), sw, dl, as);
    return 0;
}

static int tag_sentences(tt_scanner *sc)
{
    const tt_ruleset *rs = sc->rs;
    tt_result *r = &sc->res;
    int filtered = !sc->lim.no_prefilter && !sc->explain && (rs->pf || rs->hs);
    const tt_prefilter *pf = filtered ? rs->pf : NULL;
    size_t s, t, h = 0, nh = 0, g = 0, ng = 0, i;
    for (t = 0; t < rs->ntopics; t++) {
        sc->acc[t].topic = (uint32_t)t;
        sc->acc[t].sentences = 0;
        sc->acc[t].score = 0.0;
        sc->acc[t].role = TT_ROLE_NONE;
    }
    tt_article_begin(&sc->art, &rs->art);
    /* per-pattern marks: a sentence clears the ones it set, but a run cut short by out of
     * memory may have left some behind (clearing them all every document would cost
     * O(patterns) per document: most of the time with 10,000 patterns and short articles) */
    if (sc->nfailed)
        memset(sc->failed, 0, rs->npatterns);
    sc->nfailed = 0;
    if (sc->dirty) {
        memset(sc->cand, 0, rs->npatterns);
        memset(sc->seen2, 0, rs->npatterns);
        memset(sc->gfirst, 0, rs->npatterns * sizeof *sc->gfirst);
        memset(sc->gsecond, 0, rs->npatterns * sizeof *sc->gsecond);
    }
    sc->dirty = 1;   /* until tag_sentences returns 0 */
    /* Hyperscan scans at most 4 GiB at once (a raised max_document): without a prefilter such
     * a document gets the same results, where a failed scan would read as out of memory */
    if (filtered && (sc->odd_case || (rs->hs && r->len > 0xFFFFFFFFu)))
        filtered = 0;
    sc->lits_decide = 0;
    sc->art_hit[0] = sc->art_hit[1] = sc->art_hit[2] = 1;
    for (i = 0; i < sizeof sc->art_rx / sizeof *sc->art_rx; i++)
        sc->art_rx[i].failed = 0;
    if (!filtered) {
        for (s = 0; s < r->nsent; s++) {
            if (enter_sentence(sc, s))
                return -1;
            if (classify_sentence_all(sc, (uint32_t)s))
                return -1;
            tt_article_leave(&sc->art, rs->topics, s);
        }
        return 0;
    }
    sc->lits_decide = pf != NULL;
    if (pf && tt_prefilter_scan(pf, (const unsigned char *)r->text, r->len, &sc->hits, &nh,
                                &sc->hitcap))
        return -1;
    if (rs->hs && tt_hsfilter_scan(rs->hs, sc->hss, r->text, r->len, &sc->hshits, &ng,
                                   &sc->hshitcap))
        return -1;
    for (s = 0; s < r->nsent; s++) {
        size_t end = r->sent[s].end, nc = 0, n2 = 0;
        /* hits ending before this sentence belong to no sentence (between sentences); a
         * hit that begins before it cannot lie inside a match in it */
        while (h < nh && sc->hits[h].end <= r->sent[s].start)
            h++;
        sc->nhl = 0;
        sc->nvh = 0;
        for (i = 0; i < 3; i++)
            sc->art_hit[i] = !pf || !rs->art_key[i];
        for (; h < nh && sc->hits[h].end <= end; h++) {
            uint32_t state = sc->hits[h].state;
            size_t n, e = sc->hits[h].end, st = e - sc->hits[h].len;
            const uint32_t *pats;
            /* the subject ends at the sentence end: no word byte after it there */
            if (st < r->sent[s].start ||
                !(sc->lctx[state] &
                  CTX_BIT(st > 0 && tt_is_word((unsigned char)r->text[st - 1]),
                          e < end && tt_is_word((unsigned char)r->text[e]))))
                continue;
            if (sc->nvh == sc->vhcap &&
                tt_grow(&sc->vhits, &sc->vhcap, sc->nvh + 1, sizeof *sc->vhits))
                return -1;
            sc->vhits[sc->nvh++] = h;
            pats = tt_prefilter_patterns(pf, state, &n);
            for (i = 0; i < n; i++) {
                uint32_t p = pats[i];
                if (p < rs->npatterns) {
                    add_candidate(sc, p, &nc);   /* its hits: collect_hits */
                } else if (p < rs->art_key0) {   /* a second requirement's, a group's */
                    mark_second(sc, p, &n2);
                } else {                         /* an article regex's */
                    sc->art_hit[0] |= p == rs->art_key[0];
                    sc->art_hit[1] |= p == rs->art_key[1];
                    sc->art_hit[2] |= p == rs->art_key[2];
                }
            }
        }
        for (i = 0; i < nc; i++)
            if (sc->lazy_head[sc->candlist[i]] != UINT32_MAX)
                lazy_keys(sc, sc->candlist[i], s, &n2);
        nc = second_requirement(sc, nc, n2);
        while (g < ng && sc->hshits[g].end <= r->sent[s].start)
            g++;
        if (rs->hs && end < r->len && tt_is_word((unsigned char)r->text[end])) {
            /* a sentence cut inside a word: \b and \B at its end see the subject end in
             * PCRE2 but the next letter in the database, so every pattern of it may match */
            for (i = 0; i < sc->nhs_pats; i++)
                add_candidate(sc, sc->hs_pats[i], &nc);
        }
        for (; g < ng && sc->hshits[g].end <= end; g++)
            add_candidate(sc, sc->hshits[g].state, &nc);
        /* the patterns to consider: this sentence's candidates and the patterns without a
         * literal, merged in pattern order */
        {
            size_t a = 0, b = 0, nr = 0;
            sort_candidates(sc->candlist, nc);
            while (a < nc || b < sc->nalways) {
                uint32_t x = a < nc ? sc->candlist[a] : UINT32_MAX;
                uint32_t y = b < sc->nalways ? sc->always_pats[b] : UINT32_MAX;
                sc->runlist[nr++] = x < y ? x : y;
                a += x <= y;
                b += y <= x;
            }
            if (enter_sentence(sc, s))
                return -1;
            if (classify_sentence(sc, (uint32_t)s, sc->runlist, nr))
                return -1;
            tt_article_leave(&sc->art, rs->topics, s);
        }
        for (i = 0; i < nc; i++)
            sc->cand[sc->candlist[i]] = 0;
    }
    return 0;
}

static int document_totals(tt_scanner *sc)
{
    const tt_ruleset *rs = sc->rs;
    tt_result *r = &sc->res;
    size_t t;
    for (t = 0; t < rs->ntopics; t++) {
        tt_topic_total *tot = &sc->acc[t];
        const tt_art_topic *at = &sc->art.t[t];
        if (!tot->sentences)
            continue;
        if (tt_grow(&r->totals, &r->totalcap, r->ntotals + 1, sizeof *r->totals))
            return -1;
        tot->headline = at->headline;
        tot->lead = at->lead;
        tot->share = (double)tot->sentences / (double)r->nsent;
        tot->role = tt_article_role(&rs->art, at, tot->sentences, r->nsent, tot->score);
        r->totals[r->ntotals++] = *tot;
    }
    return 0;
}

static const tt_result *run(tt_scanner *sc, const char *text, size_t len, int classify,
                            tt_error *err)
{
    int rc;
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
    if (tag_sentences(sc) || document_totals(sc))
        goto fail;
    sc->dirty = 0;   /* every sentence cleared its marks */
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
