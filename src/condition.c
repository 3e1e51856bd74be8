/* condition.c - recursive-descent parser and evaluator for rule conditions. */
#include "condition.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"

typedef struct parser {
    const char *s;
    size_t len, pos;
    tt_cond_resolve resolve;
    void *ctx;
    tt_cond *c;
    size_t kcap, ncap;
    int failed;            /* 1 syntax, -1 nomem */
    size_t err_off;
    char *msg;
    size_t msgsz;
    int depth;
} parser;

#define MAX_DEPTH 200

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static void fail(parser *p, size_t off, const char *fmt, ...)
{
    va_list ap;
    if (p->failed)
        return;
    p->failed = 1;
    p->err_off = off;
    if (p->msg && p->msgsz) {
        va_start(ap, fmt);
        vsnprintf(p->msg, p->msgsz, fmt, ap);
        va_end(ap);
    }
}

static int is_id_char(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           ch == '_' || ch == '-' || ch == '.';
}

static void skip_ws(parser *p)
{
    while (p->pos < p->len && (p->s[p->pos] == ' ' || p->s[p->pos] == '\t' ||
                               p->s[p->pos] == '\n' || p->s[p->pos] == '\r'))
        p->pos++;
}

/* Peeks the next token: an identifier-like word [start, end) or a single punctuation char. */
static size_t word_end(const parser *p, size_t at)
{
    size_t e = at;
    while (e < p->len && is_id_char(p->s[e]))
        e++;
    return e;
}

static int word_is(const parser *p, size_t at, const char *kw)
{
    size_t e = word_end(p, at), n = strlen(kw);
    return e - at == n && memcmp(p->s + at, kw, n) == 0;
}

static long add_node(parser *p, tt_cond_kind kind, uint32_t value, const uint32_t *kids,
                     size_t nk)
{
    tt_cond *c = p->c;
    tt_cond_node *n;
    if (p->failed)
        return -1;
    if (tt_grow(&c->nodes, &p->ncap, c->nnodes + 1, sizeof *c->nodes) ||
        tt_grow(&c->kids, &p->kcap, c->nkids + nk, sizeof *c->kids)) {
        p->failed = -1;
        return -1;
    }
    n = &c->nodes[c->nnodes];
    n->kind = kind;
    n->value = value;
    n->first = (uint32_t)c->nkids;
    n->count = (uint32_t)nk;
    if (nk)
        memcpy(c->kids + c->nkids, kids, nk * sizeof *kids);
    c->nkids += nk;
    return (long)c->nnodes++;
}

static long parse_or(parser *p);

/* A small growable list of child node indices, on the stack while short. */
typedef struct kidlist {
    uint32_t local[16];
    uint32_t *v;
    size_t n, cap;
} kidlist;

static int kid_push(parser *p, kidlist *k, long node)
{
    if (node < 0)
        return -1;
    if (!k->v) {
        k->v = k->local;
        k->cap = 16;
    }
    if (k->n == k->cap) {
        uint32_t *nv = tt_malloc(k->cap * 2 * sizeof *nv);
        if (!nv) {
            p->failed = -1;
            return -1;
        }
        memcpy(nv, k->v, k->n * sizeof *nv);
        if (k->v != k->local)
            tt_free(k->v);
        k->v = nv;
        k->cap *= 2;
    }
    k->v[k->n++] = (uint32_t)node;
    return 0;
}

static void kid_release(kidlist *k)
{
    if (k->v && k->v != k->local)
        tt_free(k->v);
}

static long parse_atom(parser *p)
{
    size_t at, e;
    skip_ws(p);
    at = p->pos;
    if (at >= p->len) {
        fail(p, at, "expected a pattern id, 'not', a number or '(' at the end");
        return -1;
    }
    if (p->s[at] == '(') {
        long n;
        p->pos++;
        n = parse_or(p);
        skip_ws(p);
        if (n < 0)
            return -1;
        if (p->pos >= p->len || p->s[p->pos] != ')') {
            fail(p, p->pos, "expected ')'");
            return -1;
        }
        p->pos++;
        return n;
    }
    e = word_end(p, at);
    if (e == at) {
        fail(p, at, "unexpected character '%.*s'", (int)(1), p->s + at);
        return -1;
    }
    if (p->s[at] >= '0' && p->s[at] <= '9') {
        /* N of (a, b, ...) */
        unsigned long nval = 0;
        size_t i;
        kidlist k = {0};
        long node;
        for (i = at; i < e; i++) {
            if (p->s[i] < '0' || p->s[i] > '9' || nval > 100000) {
                fail(p, at, "'%.*s' is not a number", (int)(e - at), p->s + at);
                return -1;
            }
            nval = nval * 10 + (unsigned long)(p->s[i] - '0');
        }
        p->pos = e;
        skip_ws(p);
        if (!word_is(p, p->pos, "of")) {
            fail(p, p->pos, "expected 'of' after a number");
            return -1;
        }
        p->pos += 2;
        skip_ws(p);
        if (p->pos >= p->len || p->s[p->pos] != '(') {
            fail(p, p->pos, "expected '(' after 'of'");
            return -1;
        }
        p->pos++;
        for (;;) {
            if (kid_push(p, &k, parse_or(p)) < 0) {
                kid_release(&k);
                return -1;
            }
            skip_ws(p);
            if (p->pos < p->len && p->s[p->pos] == ',') {
                p->pos++;
                continue;
            }
            if (p->pos < p->len && p->s[p->pos] == ')') {
                p->pos++;
                break;
            }
            fail(p, p->pos, "expected ',' or ')' in 'of' list");
            kid_release(&k);
            return -1;
        }
        if (nval == 0 || nval > k.n) {
            fail(p, at, "'%.*s of' needs between 1 and as many items as the list has", (int)(e - at), p->s + at);
            kid_release(&k);
            return -1;
        }
        node = add_node(p, TT_C_NOF, (uint32_t)nval, k.v, k.n);
        kid_release(&k);
        return node;
    }
    if (word_is(p, at, "and") || word_is(p, at, "or") || word_is(p, at, "of")) {
        fail(p, at, "expected a pattern id, found '%.*s'", (int)(e - at), p->s + at);
        return -1;
    }
    {
        long idx = p->resolve(p->ctx, p->s + at, e - at);
        if (idx < 0) {
            fail(p, at, "unknown pattern '%.*s'", (int)(e - at), p->s + at);
            return -1;
        }
        p->pos = e;
        return add_node(p, TT_C_PAT, (uint32_t)idx, NULL, 0);
    }
}

static long parse_unary(parser *p)
{
    skip_ws(p);
    if (word_is(p, p->pos, "not")) {
        long n;
        uint32_t kid;
        p->pos += 3;
        if (++p->depth > MAX_DEPTH) {
            fail(p, p->pos, "condition nests too deeply");
            return -1;
        }
        n = parse_unary(p);
        p->depth--;
        if (n < 0)
            return -1;
        kid = (uint32_t)n;
        return add_node(p, TT_C_NOT, 0, &kid, 1);
    }
    return parse_atom(p);
}

static long parse_seq(parser *p, const char *op, tt_cond_kind kind,
                      long (*sub)(parser *))
{
    kidlist k = {0};
    long node;
    if (++p->depth > MAX_DEPTH) {
        fail(p, p->pos, "condition nests too deeply");
        return -1;
    }
    if (kid_push(p, &k, sub(p)) < 0)
        goto out_fail;
    for (;;) {
        skip_ws(p);
        if (!word_is(p, p->pos, op))
            break;
        p->pos += strlen(op);
        if (kid_push(p, &k, sub(p)) < 0)
            goto out_fail;
    }
    p->depth--;
    if (k.n == 1) {
        node = (long)k.v[0];
    } else {
        node = add_node(p, kind, 0, k.v, k.n);
    }
    kid_release(&k);
    return node;
out_fail:
    p->depth--;
    kid_release(&k);
    return -1;
}

static long parse_and(parser *p) { return parse_seq(p, "and", TT_C_AND, parse_unary); }
static long parse_or(parser *p) { return parse_seq(p, "or", TT_C_OR, parse_and); }

int tt_cond_parse(const char *src, tt_cond_resolve resolve, void *ctx, tt_cond *out,
                  size_t *err_offset, char *msg, size_t msgsz)
{
    parser p;
    long root;
    memset(&p, 0, sizeof p);
    memset(out, 0, sizeof *out);
    p.s = src;
    p.len = strlen(src);
    p.resolve = resolve;
    p.ctx = ctx;
    p.c = out;
    p.msg = msg;
    p.msgsz = msgsz;
    root = parse_or(&p);
    if (!p.failed) {
        skip_ws(&p);
        if (p.pos < p.len) {
            size_t e = word_end(&p, p.pos);
            if (e == p.pos)
                e = p.pos + 1;
            fail(&p, p.pos, "unexpected '%.*s' (missing 'and' or 'or'?)", (int)(e - p.pos), p.s + p.pos);
        }
    }
    if (p.failed || root < 0) {
        int rc = p.failed < 0 ? -1 : 1;
        if (!p.failed)
            rc = -1;
        tt_cond_release(out);
        if (err_offset)
            *err_offset = p.err_off;
        return rc;
    }
    out->root = (uint32_t)root;
    return 0;
}

void tt_cond_release(tt_cond *c)
{
    if (!c)
        return;
    tt_free(c->nodes);
    tt_free(c->kids);
    memset(c, 0, sizeof *c);
}

int tt_cond_eval_node(const tt_cond *c, uint32_t n, const unsigned char *matched)
{
    const tt_cond_node *nd = &c->nodes[n];
    uint32_t i, hits = 0;
    switch (nd->kind) {
    case TT_C_PAT:
        return matched[nd->value] != 0;
    case TT_C_NOT:
        return !tt_cond_eval_node(c, c->kids[nd->first], matched);
    case TT_C_AND:
        for (i = 0; i < nd->count; i++)
            if (!tt_cond_eval_node(c, c->kids[nd->first + i], matched))
                return 0;
        return 1;
    case TT_C_OR:
        for (i = 0; i < nd->count; i++)
            if (tt_cond_eval_node(c, c->kids[nd->first + i], matched))
                return 1;
        return 0;
    case TT_C_NOF:
        for (i = 0; i < nd->count; i++)
            if (tt_cond_eval_node(c, c->kids[nd->first + i], matched) && ++hits >= nd->value)
                return 1;
        return 0;
    }
    return 0;
}

/* Three-valued evaluation as two two-valued questions, each able to stop early:
 * may(n): can n be true?  must(n): is n surely true?  (val: 0 false, 1 true, 2 unknown) */
static int must(const tt_cond *c, uint32_t n, const unsigned char *val);

static int may(const tt_cond *c, uint32_t n, const unsigned char *val)
{
    const tt_cond_node *nd = &c->nodes[n];
    uint32_t i, k = 0;
    switch (nd->kind) {
    case TT_C_PAT:
        return val[nd->value] != 0;
    case TT_C_NOT:
        return !must(c, c->kids[nd->first], val);
    case TT_C_AND:
        for (i = 0; i < nd->count; i++)
            if (!may(c, c->kids[nd->first + i], val))
                return 0;
        return 1;
    case TT_C_OR:
        for (i = 0; i < nd->count; i++)
            if (may(c, c->kids[nd->first + i], val))
                return 1;
        return 0;
    case TT_C_NOF:
        for (i = 0; i < nd->count; i++)
            if (may(c, c->kids[nd->first + i], val) && ++k >= nd->value)
                return 1;
        return 0;
    }
    return 1;
}

static int must(const tt_cond *c, uint32_t n, const unsigned char *val)
{
    const tt_cond_node *nd = &c->nodes[n];
    uint32_t i, k = 0;
    switch (nd->kind) {
    case TT_C_PAT:
        return val[nd->value] == 1;
    case TT_C_NOT:
        return !may(c, c->kids[nd->first], val);
    case TT_C_AND:
        for (i = 0; i < nd->count; i++)
            if (!must(c, c->kids[nd->first + i], val))
                return 0;
        return 1;
    case TT_C_OR:
        for (i = 0; i < nd->count; i++)
            if (must(c, c->kids[nd->first + i], val))
                return 1;
        return 0;
    case TT_C_NOF:
        for (i = 0; i < nd->count; i++)
            if (must(c, c->kids[nd->first + i], val) && ++k >= nd->value)
                return 1;
        return 0;
    }
    return 0;
}

int tt_cond_eval3(const tt_cond *c, const unsigned char *val)
{
    if (must(c, c->root, val))
        return 1;
    return may(c, c->root, val) ? 2 : 0;
}

int tt_cond_may(const tt_cond *c, const unsigned char *val) { return may(c, c->root, val); }

int tt_cond_eval(const tt_cond *c, const unsigned char *matched)
{
    return tt_cond_eval_node(c, c->root, matched);
}

typedef struct render {
    const tt_cond *c;
    const unsigned char *matched;
    const char *(*name)(void *ctx, uint32_t pat);
    void *ctx;
    char *buf;
    size_t size, len;
} render;

static void put(render *r, const char *s)
{
    size_t n = strlen(s);
    if (r->len + 1 >= r->size)
        return;
    if (n > r->size - r->len - 1)
        n = r->size - r->len - 1;
    memcpy(r->buf + r->len, s, n);
    r->len += n;
    r->buf[r->len] = '\0';
}

static void render_node(render *r, uint32_t n, int top)
{
    const tt_cond_node *nd = &r->c->nodes[n];
    const char *op = nd->kind == TT_C_AND ? " and " : nd->kind == TT_C_OR ? " or " : ", ";
    int v = tt_cond_eval_node(r->c, n, r->matched);
    uint32_t i;
    char num[32];
    switch (nd->kind) {
    case TT_C_PAT:
        put(r, r->name(r->ctx, nd->value));
        put(r, v ? ":true" : ":false");
        return;
    case TT_C_NOT:
        put(r, "not ");
        render_node(r, r->c->kids[nd->first], 0);
        return;
    case TT_C_NOF:
        snprintf(num, sizeof num, "%u of ", nd->value);
        put(r, num);
        /* fall through */
    case TT_C_AND:
    case TT_C_OR:
        put(r, "(");
        for (i = 0; i < nd->count; i++) {
            if (i)
                put(r, op);
            render_node(r, r->c->kids[nd->first + i], 0);
        }
        put(r, ")");
        if (!top)
            put(r, v ? ":true" : ":false");
        return;
    }
}

int tt_cond_render(const tt_cond *c, const unsigned char *matched,
                   const char *(*name)(void *ctx, uint32_t pat), void *ctx, char *buf,
                   size_t size)
{
    render r;
    int v = tt_cond_eval(c, matched);
    r.c = c;
    r.matched = matched;
    r.name = name;
    r.ctx = ctx;
    r.buf = buf;
    r.size = size;
    r.len = 0;
    if (size)
        buf[0] = '\0';
    render_node(&r, c->root, 1);
    put(&r, v ? " => true" : " => false");
    return v;
}

void tt_cond_each_pattern(const tt_cond *c, void (*f)(void *ctx, uint32_t pat), void *ctx)
{
    size_t i;
    for (i = 0; i < c->nnodes; i++)
        if (c->nodes[i].kind == TT_C_PAT)
            f(ctx, c->nodes[i].value);
}
