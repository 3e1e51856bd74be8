/* blocking.c - the clauses that block a condition (see blocking.h).
 *
 * The rendering is small and regular: a clause is NAME:VALUE, "not " CLAUSE, or an optional
 * "N of " then "(" CLAUSE (" and " | " or " | ", ") ... ")" followed by :VALUE except at the
 * top, then " => VALUE".  It is parsed back into a tree here rather than adding a second
 * rendering to the library. */
#include "blocking.h"

#include <string.h>

#define MAX_NODES 256

typedef struct node {
    size_t start, end;         /* the clause's text, with its :value */
    int value;                 /* 1 true, 0 false */
    int is_and;
    int first_kid, nkids, next; /* children as a linked list of node indexes (-1: none) */
} node;

typedef struct parser {
    const char *s;
    size_t i, n;
    node nodes[MAX_NODES];
    int count;
    int bad;
} parser;

static int starts(const parser *p, const char *w)
{
    size_t k = strlen(w);
    return p->n - p->i >= k && !memcmp(p->s + p->i, w, k);
}

/* ":true" or ":false" at i; -1 when neither */
static int value_at(parser *p)
{
    if (starts(p, ":true")) {
        p->i += 5;
        return 1;
    }
    if (starts(p, ":false")) {
        p->i += 6;
        return 0;
    }
    return -1;
}

static int clause(parser *p, int top)
{
    int me, last = -1;
    node *nd;
    if (p->count >= MAX_NODES || p->bad) {
        p->bad = 1;
        return -1;
    }
    me = p->count++;
    nd = &p->nodes[me];
    memset(nd, 0, sizeof *nd);
    nd->first_kid = nd->next = -1;
    nd->start = p->i;
    if (starts(p, "not ")) {
        int kid;
        p->i += 4;
        kid = clause(p, 0);
        if (kid < 0)
            return -1;
        p->nodes[me].value = !p->nodes[kid].value;
        p->nodes[me].end = p->i;
        return me;
    }
    while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9')
        p->i++;
    if (p->i > p->nodes[me].start && starts(p, " of "))
        p->i += 4;
    if (p->i < p->n && p->s[p->i] == '(') {
        p->i++;
        for (;;) {
            int kid = clause(p, 0);
            if (kid < 0)
                return -1;
            if (last < 0)
                p->nodes[me].first_kid = kid;
            else
                p->nodes[last].next = kid;
            last = kid;
            p->nodes[me].nkids++;
            if (starts(p, " and ")) {
                p->nodes[me].is_and = 1;
                p->i += 5;
            } else if (starts(p, " or ")) {
                p->i += 4;
            } else if (starts(p, ", ")) {
                p->i += 2;
            } else {
                break;
            }
        }
        if (p->i >= p->n || p->s[p->i] != ')') {
            p->bad = 1;
            return -1;
        }
        p->i++;
        if (!top && (p->nodes[me].value = value_at(p)) < 0) {
            p->bad = 1;
            return -1;
        }
        p->nodes[me].end = p->i;
        return me;
    }
    while (p->i < p->n && p->s[p->i] != ':' && p->s[p->i] != ')' && p->s[p->i] != ' ')
        p->i++;
    p->nodes[me].end = p->i;   /* the name only, until its value is read */
    if ((p->nodes[me].value = value_at(p)) < 0) {
        p->bad = 1;
        return -1;
    }
    p->nodes[me].end = p->i;
    return me;
}

static size_t collect(const parser *p, int k, size_t spans[][2], size_t max, size_t got)
{
    const node *nd = &p->nodes[k];
    int kid;
    if (nd->value)
        return got;
    if (nd->is_and && nd->nkids) {
        for (kid = nd->first_kid; kid >= 0; kid = p->nodes[kid].next)
            got = collect(p, kid, spans, max, got);
        return got;
    }
    if (got < max) {
        spans[got][0] = nd->start;
        spans[got][1] = nd->end;
        got++;
    }
    return got;
}

size_t cli_blocking(const char *rendered, size_t spans[][2], size_t max)
{
    static const char tail[] = " => false";
    parser p;
    int root;
    size_t n = strlen(rendered), tl = sizeof tail - 1;
    if (n < tl || strcmp(rendered + n - tl, tail) != 0)
        return 0;   /* it holds, or was cut short */
    memset(&p, 0, sizeof p);
    p.s = rendered;
    p.n = n - tl;
    root = clause(&p, 1);
    if (root < 0 || p.bad || p.i != p.n)
        return 0;
    p.nodes[root].value = 0;   /* the top's value is the one after => */
    return collect(&p, root, spans, max, 0);
}
