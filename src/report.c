/* report.c - the report front: picks the writer, keeps the batch totals. */
#include "report.h"

#include <math.h>
#include <stdint.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "alloc.h"

int tt_format_parse(const char *name)
{
    static const char *const names[] = {"text", "json", "jsonl", "csv", "tsv", "html"};
    size_t i;
    for (i = 0; i < sizeof names / sizeof *names; i++)
        if (!strcmp(name, names[i]))
            return (int)i;
    return -1;
}

/* rep->ids: the ruleset's topic and pattern ids, quoted once.  0, or -1 on out of memory. */
static int quote_ids(tt_report *rep)
{
    size_t nt = tt_ruleset_topic_count(rep->rs), np = tt_ruleset_pattern_count(rep->rs), i;
    if (!(rep->qtopic = tt_calloc(nt + 1, sizeof *rep->qtopic)) ||
        !(rep->qpattern = tt_calloc(np + 1, sizeof *rep->qpattern)))
        return -1;
    for (i = 0; i < nt; i++) {
        const char *id = tt_ruleset_topic(rep->rs, i)->id;
        rep->qtopic[i] = rep->ids.len;
        tt_ob_json(&rep->ids, id, strlen(id));
    }
    rep->qtopic[nt] = rep->ids.len;
    for (i = 0; i < np; i++) {
        const char *id = tt_ruleset_pattern(rep->rs, i)->id;
        rep->qpattern[i] = rep->ids.len;
        tt_ob_json(&rep->ids, id, strlen(id));
    }
    rep->qpattern[np] = rep->ids.len;
    return rep->ids.nomem ? -1 : 0;
}

tt_report *tt_report_new(const tt_ruleset *rs, const tt_report_options *opt, FILE *out)
{
    tt_report *rep = tt_calloc(1, sizeof *rep);
    size_t nt = tt_ruleset_topic_count(rs) + 1;
    if (!rep)
        return NULL;
    rep->rs = rs;
    rep->opt = *opt;
    rep->out = out;
    rep->topic_docs = tt_calloc(nt, sizeof *rep->topic_docs);
    rep->topic_roles = tt_calloc(nt * 4 + 1, sizeof *rep->topic_roles);
    rep->topic_sents = tt_calloc(nt, sizeof *rep->topic_sents);
    if (!rep->topic_docs || !rep->topic_sents || !rep->topic_roles || quote_ids(rep)) {
        tt_report_free(rep);
        return NULL;
    }
    switch (opt->format) {
    case TT_FORMAT_JSON:
    case TT_FORMAT_JSONL:
        rep->ops = &tt_report_json_ops;
        break;
    case TT_FORMAT_CSV:
    case TT_FORMAT_TSV:
        rep->ops = &tt_report_csv_ops;
        break;
    case TT_FORMAT_HTML:
        rep->ops = &tt_report_html_ops;
        break;
    default:
        rep->ops = &tt_report_text_ops;
        break;
    }
    return rep;
}

static void free_fields(tt_report *rep)
{
    size_t i;
    for (i = 0; i < rep->nfields; i++)
        tt_free(rep->fields[i]);
    tt_free(rep->fields);
    rep->fields = NULL;
    rep->nfields = 0;
}

void tt_report_free(tt_report *rep)
{
    if (!rep)
        return;
    tt_free(rep->topic_docs);
    tt_free(rep->topic_roles);
    tt_free(rep->topic_sents);
    tt_free(rep->ob.s);
    tt_free(rep->rows.s);
    tt_free(rep->ids.s);
    tt_free(rep->qtopic);
    tt_free(rep->qpattern);
    free_fields(rep);
    tt_free(rep);
}

int tt_report_set_input(tt_report *rep, const char *const *names, size_t n, int replaced)
{
    size_t i;
    free_fields(rep);
    rep->show_replaced = replaced != 0;
    if (!n)
        return 0;
    if (!(rep->fields = tt_calloc(n, sizeof *rep->fields)))
        return -1;
    rep->nfields = n;
    for (i = 0; i < n; i++) {
        size_t len = strlen(names[i]) + 1;
        if (!(rep->fields[i] = tt_malloc(len))) {
            free_fields(rep);
            return -1;
        }
        memcpy(rep->fields[i], names[i], len);
    }
    return 0;
}

int tt_report_has_error(const tt_result *r, const tt_error *derr)
{
    size_t n = 0;
    if (derr && derr->code != TT_OK)
        return 1;
    if (r)
        tt_result_errors(r, &n);
    return n > 0;
}

tt_role tt_result_role(const tt_result *r, uint32_t topic)
{
    size_t nt, i;
    const tt_topic_total *tot = r ? tt_result_topics(r, &nt) : NULL;
    for (i = 0; tot && i < nt; i++)
        if (tot[i].topic == topic)
            return (tt_role)tot[i].role;
    return TT_ROLE_NONE;
}

/* Whether the document is reported at all (tt_report_options.select). */
static int selected(const tt_report *rep, const tt_result *r)
{
    return !rep->opt.select ||
           (int)tt_result_role(r, rep->opt.select_topic) >= rep->opt.select_role;
}

/* Begins the report if need be and counts one document for the summary. */
static int account(tt_report *rep, const tt_doc_meta *meta, const tt_result *r,
                   const tt_error *derr)
{
    if (!rep->begun) {
        rep->begun = 1;
        if (rep->ops->begin && rep->ops->begin(rep))
            return -1;
    }
    rep->ndocs++;
    rep->nreplaced += meta->replaced;
    if (tt_report_has_error(r, derr))
        rep->nfailed++;
    if (r) {
        size_t nt, ns, i;
        const tt_topic_total *tot = tt_result_topics(r, &nt);
        const tt_sentence *s = tt_result_sentences(r, &ns);
        rep->nsentences += ns;
        for (i = 0; i < ns; i++)
            rep->ntagged += s[i].tag_count > 0;
        for (i = 0; i < nt; i++) {
            rep->topic_docs[tot[i].topic]++;
            rep->topic_roles[tot[i].topic * 4 + (tot[i].role & 3)]++;
            rep->topic_sents[tot[i].topic] += tot[i].sentences;
        }
    }
    return 0;
}

/* What the writers see when the caller knows nothing of the input. */
static const tt_doc_meta no_meta = {NULL, 0};

int tt_report_document_meta(tt_report *rep, const char *name, const char *id,
                            const tt_doc_meta *meta, const tt_result *r, const tt_error *derr)
{
    if (!meta)
        meta = &no_meta;
    if (!selected(rep, r))
        return 0;
    if (account(rep, meta, r, derr) || rep->ops->document(rep, name, id, meta, r, derr))
        return -1;
    return ferror(rep->out) ? -1 : 0;
}

int tt_report_document(tt_report *rep, const char *name, const char *id, const tt_result *r,
                       const tt_error *derr)
{
    return tt_report_document_meta(rep, name, id, NULL, r, derr);
}

int tt_report_render_meta(const tt_report *rep, const char *name, const char *id,
                          const tt_doc_meta *meta, const tt_result *r, const tt_error *derr,
                          tt_report_buf *buf)
{
    tt_obuf b;
    if (!rep->ops->render)
        return 1;
    if (!selected(rep, r)) {
        buf->len = 0;
        return 0;
    }
    b.s = buf->data;
    b.len = 0;
    b.cap = buf->cap;
    b.nomem = 0;
    b.spill = NULL;   /* rendered apart: held whole until emitted */
    rep->ops->render(rep, &b, name, id, meta ? meta : &no_meta, r, derr);
    buf->data = b.s;
    buf->cap = b.cap;
    buf->len = b.nomem ? 0 : b.len;
    return b.nomem ? -1 : 0;
}

int tt_report_render(const tt_report *rep, const char *name, const char *id,
                     const tt_result *r, const tt_error *derr, tt_report_buf *buf)
{
    return tt_report_render_meta(rep, name, id, NULL, r, derr, buf);
}

int tt_report_emit_meta(tt_report *rep, const tt_report_buf *buf, const tt_doc_meta *meta,
                        const tt_result *r, const tt_error *derr)
{
    if (rep->ops->emit && !selected(rep, r))
        return 0;
    if (!rep->ops->emit || account(rep, meta ? meta : &no_meta, r, derr) ||
        rep->ops->emit(rep, buf->data, buf->len))
        return -1;
    return ferror(rep->out) ? -1 : 0;
}

int tt_report_emit(tt_report *rep, const tt_report_buf *buf, const tt_result *r,
                   const tt_error *derr)
{
    return tt_report_emit_meta(rep, buf, NULL, r, derr);
}

void tt_report_buf_release(tt_report_buf *buf)
{
    tt_free(buf->data);
    buf->data = NULL;
    buf->len = buf->cap = 0;
}

int tt_report_finish(tt_report *rep)
{
    if (!rep->begun) {
        rep->begun = 1;
        if (rep->ops->begin && rep->ops->begin(rep))
            return -1;
    }
    if (rep->ops->finish && rep->ops->finish(rep))
        return -1;
    if (fflush(rep->out) != 0)
        return -1;
    return ferror(rep->out) ? -1 : 0;
}

size_t tt_report_failed(const tt_report *rep) { return rep->nfailed; }

void tt_json_string(FILE *out, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    size_t i, run = 0;
    putc('"', out);
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        const char *esc = NULL;
        char u[7];
        if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7f)
            continue;
        if (i > run)
            fwrite(s + run, 1, i - run, out);
        run = i + 1;
        switch (c) {
        case '"': esc = "\\\""; break;
        case '\\': esc = "\\\\"; break;
        case '\n': esc = "\\n"; break;
        case '\r': esc = "\\r"; break;
        case '\t': esc = "\\t"; break;
        default:
            u[0] = '\\'; u[1] = 'u'; u[2] = '0'; u[3] = '0';
            u[4] = hex[c >> 4]; u[5] = hex[c & 15]; u[6] = 0;
            esc = u;
        }
        fputs(esc, out);
    }
    if (n > run)
        fwrite(s + run, 1, n - run, out);
    putc('"', out);
}

void tt_write_number(FILE *out, double v)
{
    if (v == floor(v) && fabs(v) < 1e15)
        fprintf(out, "%.1f", v);
    else
        fprintf(out, "%.6g", v);
}

void tt_json_summary(tt_report *rep)
{
    size_t i, nt = tt_ruleset_topic_count(rep->rs);
    FILE *o = rep->out;
    fprintf(o, "{\"document_count\": %zu, \"failed\": %zu, \"sentences\": %zu, "
               "\"tagged_sentences\": %zu, ",
            rep->ndocs, rep->nfailed, rep->nsentences, rep->ntagged);
    if (rep->show_replaced)
        fprintf(o, "\"replaced\": %zu, ", rep->nreplaced);
    fputs("\"topics\": [", o);
    for (i = 0; i < nt; i++) {
        const tt_topic_info *ti = tt_ruleset_topic(rep->rs, i);
        fputs(i ? ", {\"id\": " : "{\"id\": ", o);
        tt_json_string(o, ti->id, strlen(ti->id));
        fprintf(o, ", \"articles\": %zu, \"sentences\": %zu, \"roles\": {\"primary\": %zu, "
                   "\"secondary\": %zu, \"mentioned\": %zu}}",
                rep->topic_docs[i], rep->topic_sents[i], rep->topic_roles[i * 4 + TT_ROLE_PRIMARY],
                rep->topic_roles[i * 4 + TT_ROLE_SECONDARY],
                rep->topic_roles[i * 4 + TT_ROLE_MENTIONED]);
    }
    fputs("]}", o);
}

/* ---- the output buffer --------------------------------------------------------------------- */

static int ob_reserve(tt_obuf *b, size_t n)
{
    if (b->nomem)
        return -1;
    if (b->spill && b->len >= TT_OB_SPILL && b->len + n + 1 > b->cap) {
        (void)fwrite(b->s, 1, b->len, b->spill);   /* an error stays in ferror(spill) */
        b->len = 0;
    }
    if (b->len + n + 1 > b->cap && tt_grow(&b->s, &b->cap, b->len + n + 1, 1)) {
        b->nomem = 1;
        return -1;
    }
    return 0;
}

void tt_ob_put_slow(tt_obuf *b, const char *s, size_t n)
{
    if (ob_reserve(b, n))
        return;
    memcpy(b->s + b->len, s, n);
    b->len += n;
}

char *tt_ob_room(tt_obuf *b, size_t n)
{
    if (b->len + n >= b->cap && ob_reserve(b, n))
        return NULL;
    return b->s + b->len;
}

char *tt_ob_uint_at(char *at, size_t v)
{
    static const char pairs[] = "00010203040506070809101112131415161718192021222324"
                                "25262728293031323334353637383940414243444546474849"
                                "50515253545556575859606162636465666768697071727374"
                                "75767778798081828384858687888990919293949596979899";
    size_t n = 1, x;
    char *d, *end;
    /* the digits counted first, then written in place from the last: no copy */
    if (v >= 10)
        n = v < 100 ? 2 : v < 1000 ? 3 : v < 10000 ? 4 : v < 100000 ? 5 : 6;
    for (x = v / 1000000; x > 0; x /= 10)
        n++;
    d = end = at + n;
    while (v >= 100) {   /* two digits per division */
        size_t r = (v % 100) * 2;
        v /= 100;
        *--d = pairs[r + 1];
        *--d = pairs[r];
    }
    if (v >= 10) {
        *--d = pairs[v * 2 + 1];
        *--d = pairs[v * 2];
    } else {
        *--d = (char)('0' + v);
    }
    return end;
}

void tt_ob_uint(tt_obuf *b, size_t v)
{
    char *d = tt_ob_room(b, 20);
    if (d)
        b->len = (size_t)(tt_ob_uint_at(d, v) - b->s);
}

void tt_ob_number(tt_obuf *b, double v)
{
    char tmp[40];
    int n;
    if (v == floor(v) && fabs(v) < 1e15) {
        if (v < 0) {
            tt_ob_put(b, "-", 1);
            v = -v;
        }
        tt_ob_uint(b, (size_t)v);
        tt_ob_put(b, ".0", 2);
        return;
    }
    n = snprintf(tmp, sizeof tmp, "%.6g", v);
    if (n > 0)
        tt_ob_put(b, tmp, (size_t)n);
}

/* Bytes that need escaping in a JSON string: controls, '"', '\\' and DEL. */
static int needs_escape(unsigned char c) { return c < 0x20 || c == '"' || c == '\\' || c == 0x7f; }

/* Whether any of the 8 bytes in w needs escaping (SWAR: bytes < 0x20, '"', '\\', 0x7f). */
static int word_needs_escape(uint64_t w)
{
    const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
    uint64_t lt = (w - ones * 0x20) & ~w & high;
    uint64_t q = w ^ (ones * 0x22), bs = w ^ (ones * 0x5C), del = w ^ (ones * 0x7F);
    q = (q - ones) & ~q & high;
    bs = (bs - ones) & ~bs & high;
    del = (del - ones) & ~del & high;
    return (lt | q | bs | del) != 0;
}

#ifdef __SSE2__
/* The bytes of v that need escaping, a bit each. */
static unsigned escape_mask(__m128i v)
{
    const __m128i q = _mm_set1_epi8('"'), bs = _mm_set1_epi8('\\');
    const __m128i del = _mm_set1_epi8(0x7f), ctl = _mm_set1_epi8(0x1f);
    /* v <= 0x1f unsigned: max(v, 0x1f) == 0x1f */
    __m128i m = _mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(v, q), _mm_cmpeq_epi8(v, bs)),
        _mm_or_si128(_mm_cmpeq_epi8(v, del), _mm_cmpeq_epi8(_mm_max_epu8(v, ctl), ctl)));
    return (unsigned)_mm_movemask_epi8(m);
}
#endif

/* Copies the bytes of s[*i .. n) that need no escaping to the buffer, which has room for them
 * and 16 more: SSE2 stores 16 at a time and keeps those before the first that needs escaping
 * (one pass over the text, not a scan and then a copy); 8 at a time and then one by one
 * without it. */
static void copy_plain(tt_obuf *b, const char *s, size_t *i, size_t n)
{
    size_t k = *i;
    char *d = b->s + b->len;
#ifdef __SSE2__
    while (k + 16 <= n) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + k));
        unsigned bits = escape_mask(v);
        _mm_storeu_si128((__m128i *)(void *)d, v);
        if (bits) {
            d += __builtin_ctz(bits);
            k += (size_t)__builtin_ctz(bits);
            b->len = (size_t)(d - b->s);
            *i = k;
            return;
        }
        d += 16;
        k += 16;
    }
    if (k < n && n >= 16 && n - 16 >= *i) {
        /* the last 16 bytes of s, of which the first j were copied by this call (plain
         * bytes: storing them again at the same place changes nothing) */
        size_t j = k - (n - 16);
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + n - 16));
        unsigned bits = escape_mask(v) >> j;
        _mm_storeu_si128((__m128i *)(void *)(d - j), v);
        if (bits) {
            d += __builtin_ctz(bits);
            k += (size_t)__builtin_ctz(bits);
        } else {
            d += n - k;
            k = n;
        }
        b->len = (size_t)(d - b->s);
        *i = k;
        return;
    }
#endif
    while (k + 8 <= n) {
        uint64_t w;
        memcpy(&w, s + k, 8);
        if (word_needs_escape(w))
            break;
        memcpy(d, &w, 8);
        d += 8;
        k += 8;
    }
    while (k < n && !needs_escape((unsigned char)s[k]))
        *d++ = s[k++];
    b->len = (size_t)(d - b->s);
    *i = k;
}

void tt_ob_json(tt_obuf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    size_t i = 0;
    /* room for the quotes, the text as it is and 16 bytes of slack for the block stores;
     * each escape asks for its own */
    if (ob_reserve(b, n + 2 + 16))
        return;
    b->s[b->len++] = '"';
    for (;;) {
        unsigned char c;
        char *d;
        copy_plain(b, s, &i, n);
        if (i >= n)
            break;
        c = (unsigned char)s[i++];   /* needs escaping */
        if (ob_reserve(b, n - i + 2 + 16 + 6))
            return;
        d = b->s + b->len;
        switch (c) {
        case '"': memcpy(d, "\\\"", 2); break;
        case '\\': memcpy(d, "\\\\", 2); break;
        case '\n': memcpy(d, "\\n", 2); break;
        case '\r': memcpy(d, "\\r", 2); break;
        case '\t': memcpy(d, "\\t", 2); break;
        default: {
            char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            memcpy(d, u, 6);
            b->len += 4;
        }
        }
        b->len += 2;
    }
    b->s[b->len++] = '"';
}
