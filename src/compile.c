/* compile.c - rule model -> immutable ruleset: definitions expanded, ids checked, conditions
 * parsed, every pattern compiled once with PCRE2 (UTF, JIT). */
#include "compile.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "ascii.h"
#include "literal.h"
#include "rules.h"

/* ---- the ruleset's own strings ------------------------------------------------------------ */

static const char *keep(tt_ruleset *rs, const char *s, int *nomem)
{
    char *d;
    if (!s)
        s = "";
    if (tt_grow(&rs->strings, &rs->strcap, rs->nstrings + 1, sizeof *rs->strings) ||
        !(d = tt_strdup(s))) {
        *nomem = 1;
        return "";
    }
    rs->strings[rs->nstrings++] = d;
    return d;
}

void tt_ruleset_free(tt_ruleset *rs)
{
    size_t i;
    if (!rs)
        return;
    for (i = 0; i < rs->npatterns; i++)
        if (rs->code && rs->code[i])
            pcre2_code_free(rs->code[i]);
    tt_free(rs->code);
    for (i = 0; i < rs->ntopics; i++) {
        tt_cond_release(&rs->rt[i].cond);
        tt_cond_release(&rs->rt[i].when);
        tt_cond_release(&rs->rt[i].art_when);
        tt_cond_release(&rs->rt[i].breaks);
        tt_free(rs->rt[i].any_kid);
        tt_free(rs->rt[i].guards);
        tt_prefilter_free(rs->rt[i].guard_pf);
    }
    tt_free(rs->rt);
    tt_free(rs->topics);
    tt_free(rs->patterns);
    for (i = 0; i < rs->nstrings; i++)
        tt_free(rs->strings[i]);
    tt_free(rs->strings);
    tt_segmenter_free(rs->seg);
    if (rs->switch_code)
        pcre2_code_free(rs->switch_code);
    if (rs->dateline_code)
        pcre2_code_free(rs->dateline_code);
    if (rs->aside_code)
        pcre2_code_free(rs->aside_code);
    tt_prefilter_free(rs->pf);
    tt_free(rs->guard);
    tt_hsfilter_free(rs->hs);
    for (i = 0; rs->litpat && i < rs->npatterns; i++)
        tt_litpat_release(&rs->litpat[i]);
    tt_free(rs->litpat);
    tt_free(rs->maxlen);
    tt_free(rs->groups);
    for (i = 0; i < rs->nlazy; i++)
        tt_litset_release(&rs->lazy[i].set);
    tt_free(rs->lazy);
    tt_free(rs->lbound);
    tt_free(rs->lb_first);
    tt_free(rs->lb_n);
    tt_free(rs->in_hs);
    tt_free(rs->examples);
    tt_free(rs);
}

size_t tt_ruleset_topic_count(const tt_ruleset *rs) { return rs->ntopics; }
size_t tt_ruleset_pattern_count(const tt_ruleset *rs) { return rs->npatterns; }

const tt_topic_info *tt_ruleset_topic(const tt_ruleset *rs, size_t i)
{
    return i < rs->ntopics ? &rs->topics[i] : NULL;
}

const tt_pattern_info *tt_ruleset_pattern(const tt_ruleset *rs, size_t i)
{
    return i < rs->npatterns ? &rs->patterns[i] : NULL;
}

size_t tt_ruleset_example_count(const tt_ruleset *rs) { return rs->nexamples; }

const tt_example_info *tt_ruleset_example(const tt_ruleset *rs, size_t i)
{
    return i < rs->nexamples ? &rs->examples[i] : NULL;
}

typedef struct name_ctx {
    const tt_ruleset *rs;
    uint32_t pfirst;
} name_ctx;

static const char *local_name(void *vctx, uint32_t pat)
{
    name_ctx *c = vctx;
    return c->rs->patterns[c->pfirst + pat].id;
}

int tt_ruleset_render_condition(const tt_ruleset *rs, size_t topic, int when,
                                const tt_match *m, size_t n, char *buf, size_t size)
{
    const tt_topic_rt *rt;
    unsigned char *matched;
    name_ctx nc;
    size_t i;
    int v;
    if (size)
        buf[0] = '\0';
    if (topic >= rs->ntopics || when < 0 || when > 3 ||
        (when && !rs->topics[topic].has_context) ||
        (when == 2 && !rs->topics[topic].has_article) ||
        (when == 3 && !rs->rt[topic].has_breaks))
        return -1;
    rt = &rs->rt[topic];
    if (!(matched = tt_calloc(rt->pcount + 1, 1)))
        return -1;
    for (i = 0; i < n; i++)
        if (m[i].pattern >= rt->pfirst && m[i].pattern < rt->pfirst + rt->pcount)
            matched[m[i].pattern - rt->pfirst] = 1;
    nc.rs = rs;
    nc.pfirst = rt->pfirst;
    v = tt_cond_render(when == 0 ? &rt->cond : when == 1 ? &rt->when
                       : when == 2 ? rt->art : &rt->breaks,
                       matched, local_name, &nc, buf, size);
    tt_free(matched);
    return v;
}

long tt_ruleset_find_topic(const tt_ruleset *rs, const char *id)
{
    size_t i;
    for (i = 0; i < rs->ntopics; i++)
        if (!strcmp(rs->topics[i].id, id))
            return (long)i;
    return -1;
}

/* ---- definitions ------------------------------------------------------------------------- */

typedef struct build {
    tt_loader *ld;
    tt_ruleset *rs;
    unsigned char *def_state;   /* 0 unvisited, 1 in progress, 2 done, 3 bad */
    unsigned char *def_used;
    tt_litset art[3];           /* the literals of article.switch, .dateline, .aside (n == 0:
                                   none) */
    int nomem;
} build;

static long find_def(const tt_loader *ld, const char *name, size_t n)
{
    size_t i;
    for (i = 0; i < ld->ndefs; i++)
        if (strlen(ld->defs[i].name) == n && !memcmp(ld->defs[i].name, name, n))
            return (long)i;
    return -1;
}

/* Column of byte offset off inside an item's text, counting UTF-8 characters. */
static int item_column(const tt_pos *pos, const char *text, size_t off)
{
    int col = pos->column + (pos->quoted ? 1 : 0);
    size_t i;
    for (i = 0; i < off && text[i]; i++)
        if (((unsigned char)text[i] & 0xC0) != 0x80)
            col++;
    return col;
}

static int check_def(build *b, size_t di);

/* The definitions being expanded, innermost first: the chain named when the cap is hit. */
typedef struct def_link {
    size_t def;
    const struct def_link *up;
} def_link;

/* Definitions that each use the previous one twice expand exponentially (35 lines: gigabytes),
 * so the expansion stops at this size, the way YAML parsers cap alias expansion. */
#define MAX_EXPANSION ((size_t)1 << 20)

/* Reports the expansion cap, naming the chain from the pattern inward, at the item. */
static void report_too_large(build *b, const tt_pos *pos, const def_link *chain)
{
    char names[200];
    size_t n = 0, k = 0, depth = 0;
    const def_link *l;
    for (l = chain; l; l = l->up)
        depth++;
    names[0] = '\0';
    /* the list is innermost first: print outermost first, eliding the middle of long chains */
    for (k = depth; k-- > 0 && n < sizeof names;) {
        size_t i = 0;
        for (l = chain; i < k; i++)
            l = l->up;
        if (depth > 8 && k < depth - 4 && k >= 3) {
            if (k == depth - 5)
                n += (size_t)snprintf(names + n, sizeof names - n, " -> ... (%zu more)",
                                      depth - 7);
            continue;
        }
        n += (size_t)snprintf(names + n, sizeof names - n, "%s'%s'", k == depth - 1 ? "" : " -> ",
                              b->ld->defs[l->def].name);
    }
    tt_loader_diag_add(b->ld, TT_SEV_ERROR, TT_ERR_RULE, pos,
                       "definitions expand to more than %zu bytes (each uses the next more "
                       "than once): %s",
                       MAX_EXPANSION, names);
}

/* Appends text with every {{name}} replaced by its definition.  Records errors at pos (of
 * text); item is the pattern's item being expanded.  Returns 0, 1 when an error was recorded,
 * 2 when the expansion grew past MAX_EXPANSION (reported once, at the item, at once). */
static int expand_in(build *b, tt_sbuf *out, const char *text, const tt_pos *pos, int depth,
                     const def_link *chain, const tt_pos *item)
{
    const char *p = text, *open;
    int bad = 0;
    while ((open = strstr(p, "{{"))) {
        const char *close = strstr(open + 2, "}}");
        const char *name = open + 2;
        long di;
        tt_sb_add(out, p, (size_t)(open - p));
        if (!close) {
            tt_pos at = *pos;
            at.column = item_column(pos, text, (size_t)(open - text));
            tt_loader_diag_add(b->ld, TT_SEV_ERROR, TT_ERR_RULE, &at,
                               "'{{' without a closing '}}'");
            return 1;
        }
        while (name < close && *name == ' ')
            name++;
        {
            const char *e = close;
            while (e > name && e[-1] == ' ')
                e--;
            di = find_def(b->ld, name, (size_t)(e - name));
            if (di < 0) {
                tt_pos at = *pos;
                at.column = item_column(pos, text, (size_t)(open - text));
                tt_loader_diag_add(b->ld, TT_SEV_ERROR, TT_ERR_RULE, &at,
                                   "undefined definition '{{%.*s}}'", (int)(e - name), name);
                bad = 1;
            } else {
                b->def_used[di] = 1;
                if (depth == 0 && check_def(b, (size_t)di))
                    bad = 1;     /* reported at the definition */
                else if (b->def_state[di] != 3) {
                    def_link me = {(size_t)di, chain};
                    int r;
                    tt_sb_adds(out, "(?:");
                    if (out->len + strlen(b->ld->defs[di].value) > MAX_EXPANSION) {
                        report_too_large(b, item, &me);
                        return 2;
                    }
                    r = expand_in(b, out, b->ld->defs[di].value, &b->ld->defs[di].pos, depth + 1,
                                  &me, item);
                    if (r == 2)
                        return 2;
                    if (r)
                        bad = 1;
                    tt_sb_adds(out, ")");
                }
            }
        }
        p = close + 2;
    }
    tt_sb_adds(out, p);
    return bad;
}

static int expand(build *b, tt_sbuf *out, const char *text, const tt_pos *pos, int depth)
{
    return expand_in(b, out, text, pos, depth, NULL, pos) != 0;
}

/* Checks definition di for undefined names and cycles (depth-first). 1 when bad. */
static int check_def(build *b, size_t di)
{
    const tt_src_def *d = &b->ld->defs[di];
    const char *p = d->value, *open;
    if (b->def_state[di] == 2)
        return 0;
    if (b->def_state[di] == 3)
        return 1;
    if (b->def_state[di] == 1) {
        tt_loader_diag_add(b->ld, TT_SEV_ERROR, TT_ERR_RULE, &d->pos,
                           "definition '%s' refers to itself (recursive definition)", d->name);
        b->def_state[di] = 3;
        return 1;
    }
    b->def_state[di] = 1;
    while ((open = strstr(p, "{{"))) {
        const char *close = strstr(open + 2, "}}"), *name = open + 2, *e;
        long dj;
        if (!close)
            break;    /* reported when expanded */
        e = close;
        while (name < e && *name == ' ')
            name++;
        while (e > name && e[-1] == ' ')
            e--;
        dj = find_def(b->ld, name, (size_t)(e - name));
        if (dj >= 0) {
            b->def_used[dj] = 1;
            if (check_def(b, (size_t)dj)) {
                if (b->def_state[di] != 3) {
                    b->def_state[di] = 3;
                }
                return 1;
            }
        }
        p = close + 2;
    }
    if (b->def_state[di] == 1)
        b->def_state[di] = 2;
    return b->def_state[di] == 3;
}

/* ---- patterns ---------------------------------------------------------------------------- */

static void add_literal(tt_sbuf *out, const char *s)
{
    for (; *s; s++) {
        if (strchr("\\^$.|?*+()[]{}", *s))
            tt_sb_add(out, "\\", 1);
        tt_sb_add(out, s, 1);
    }
}

static int has_expansion(const char *s) { return strstr(s, "{{") != NULL; }

/* Reports a PCRE2 compile error of one item, at its position plus the offset. */
static void report_regex_error(build *b, const tt_src_pattern *sp, const tt_src_item *it,
                               int errcode, size_t off, const char *expanded)
{
    PCRE2_UCHAR msg[160];
    tt_pos at = it->pos;
    pcre2_get_error_message(errcode, msg, sizeof msg);
    if (!sp->literal && !has_expansion(it->text)) {
        at.column = item_column(&it->pos, it->text, off);
        tt_loader_diag_add(b->ld, TT_SEV_ERROR, TT_ERR_REGEX, &at,
                           "invalid regex in pattern '%s': %s at offset %zu", sp->id,
                           (const char *)msg, off);
    } else {
        tt_loader_diag_add(b->ld, TT_SEV_ERROR, TT_ERR_REGEX, &at,
                           "invalid regex in pattern '%s': %s at offset %zu of the expanded "
                           "regex '%.80s'",
                           sp->id, (const char *)msg, off, expanded);
    }
}

/* Builds the regex text of one pattern into out; 1 when an error was recorded. */
static int pattern_source(build *b, const tt_src_pattern *sp, tt_sbuf *out)
{
    size_t i;
    int bad = 0, multi = sp->nitems > 1;
    if (sp->word)
        tt_sb_adds(out, "(?<![A-Za-z0-9_])(?:");
    for (i = 0; i < sp->nitems; i++) {
        if (i)
            tt_sb_adds(out, "|");
        if (multi)
            tt_sb_adds(out, "(?:");
        if (sp->literal)
            add_literal(out, sp->items[i].text);
        else if (expand(b, out, sp->items[i].text, &sp->items[i].pos, 0))
            bad = 1;
        if (multi)
            tt_sb_adds(out, ")");
    }
    if (sp->word)
        tt_sb_adds(out, ")(?![A-Za-z0-9_])");
    return bad;
}

/* PCRE2_USE_OFFSET_LIMIT lets match.c stop a search at the last literal hit a match could
 * start at (pcre2_set_offset_limit); without a limit set the search is as before. */
static uint32_t compile_options(const tt_src_pattern *sp)
{
    return PCRE2_UTF | PCRE2_USE_OFFSET_LIMIT | (sp->ignore_case ? PCRE2_CASELESS : 0);
}

/* Compiles one pattern, JIT-compiled when jit is set (else jit_patterns() decides later); on
 * error finds the failing item for a precise position. */
static pcre2_code *compile_pattern(build *b, const tt_src_pattern *sp, const char *src, int jit)
{
    int ec;
    PCRE2_SIZE eo;
    pcre2_code *code = pcre2_compile((PCRE2_SPTR)src, PCRE2_ZERO_TERMINATED,
                                     compile_options(sp), &ec, &eo, NULL);
    size_t i;
    if (code) {
        if (jit)
            pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);   /* without JIT it still works */
        return code;
    }
    if (ec == PCRE2_ERROR_NOMEMORY) {
        b->nomem = 1;
        return NULL;
    }
    /* Locate the item: compile each alone (error path only). */
    for (i = 0; i < sp->nitems; i++) {
        tt_sbuf one = {0};
        int ec2;
        PCRE2_SIZE eo2;
        pcre2_code *c2;
        if (sp->literal)
            add_literal(&one, sp->items[i].text);
        else
            expand(b, &one, sp->items[i].text, &sp->items[i].pos, 1);
        if (one.nomem) {
            b->nomem = 1;
            tt_free(one.s);
            return NULL;
        }
        c2 = pcre2_compile((PCRE2_SPTR)one.s, PCRE2_ZERO_TERMINATED, compile_options(sp), &ec2,
                           &eo2, NULL);
        if (!c2) {
            report_regex_error(b, sp, &sp->items[i], ec2, eo2, one.s);
            tt_free(one.s);
            return NULL;
        }
        pcre2_code_free(c2);
        tt_free(one.s);
    }
    report_regex_error(b, sp, &sp->items[0], ec, eo, src);
    return NULL;
}

/* Whether an unbounded quantifier (+, *, {n,}) starts at rx[i]. */
static int unbounded_at(const char *rx, size_t i)
{
    if (rx[i] == '+' || rx[i] == '*')
        return 1;
    if (rx[i] == '{') {
        size_t j = i + 1;
        while (rx[j] >= '0' && rx[j] <= '9')
            j++;
        return j > i + 1 && rx[j] == ',' && rx[j + 1] == '}';
    }
    return 0;
}

/* A group with an unbounded quantifier inside that is itself repeated without bound, such as
 * (a+)+ or (\w+\s?)*: the classic shape of catastrophic backtracking.  A heuristic for a
 * warning; PCRE2's match limits are what keep such a pattern from hanging. */
static int nested_quantifier(const char *rx)
{
    int inner[64];
    int depth = 0;
    size_t i;
    for (i = 0; rx[i]; i++) {
        char c = rx[i];
        if (c == '\\') {
            if (rx[i + 1])
                i++;
            continue;
        }
        if (c == '[') {   /* skip a class: ']' first is literal */
            i++;
            if (rx[i] == '^')
                i++;
            if (rx[i] == ']')
                i++;
            while (rx[i] && rx[i] != ']') {
                if (rx[i] == '\\' && rx[i + 1])
                    i++;
                i++;
            }
            if (!rx[i])
                return 0;
            continue;
        }
        if (c == '(') {
            if (depth < 64)
                inner[depth] = 0;
            depth++;
        } else if (c == ')' && depth > 0) {
            int had = depth <= 64 ? inner[depth - 1] : 0;
            depth--;
            if (had && unbounded_at(rx, i + 1))
                return 1;
            if (had && depth > 0 && depth <= 64)
                inner[depth - 1] = 1;
        } else if (depth > 0 && depth <= 64 && unbounded_at(rx, i) &&
                   !(i > 0 && (rx[i - 1] == '?' || rx[i - 1] == '(')) ) {
            inner[depth - 1] = 1;
        }
    }
    return 0;
}

/* True when the compiled pattern matches the empty string at the start of a text. */
static int matches_empty(const pcre2_code *code)
{
    pcre2_match_data *md = pcre2_match_data_create(1, NULL);
    int rc;
    if (!md)
        return 0;
    rc = pcre2_match(code, (PCRE2_SPTR) "", 0, 0, 0, md, NULL);
    if (rc < 0) {
        rc = pcre2_match(code, (PCRE2_SPTR) " ", 1, 0, 0, md, NULL);
        if (rc >= 0) {
            PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
            rc = ov[0] == ov[1] ? 1 : -1;
        }
    }
    pcre2_match_data_free(md);
    return rc >= 0;
}

/* ---- conditions -------------------------------------------------------------------------- */

typedef struct resolve_ctx {
    const tt_src_topic *t;
    unsigned char *used;       /* per local pattern */
    const char *bad_exclusion;
} resolve_ctx;

static long resolve_id(void *vctx, const char *id, size_t len)
{
    resolve_ctx *c = vctx;
    size_t i;
    for (i = 0; i < c->t->npatterns; i++) {
        const tt_src_pattern *p = &c->t->patterns[i];
        if (p->id && strlen(p->id) == len && !memcmp(p->id, id, len)) {
            if (p->exclude)
                return -1;
            c->used[i] = 1;
            return (long)i;
        }
    }
    return -1;
}

/* A condition that is the "or" of the given local patterns. */
static int cond_any(tt_cond *c, const unsigned char *take, size_t n)
{
    size_t i, k = 0, cap = 0, kcap = 0;
    memset(c, 0, sizeof *c);
    for (i = 0; i < n; i++) {
        if (!take[i])
            continue;
        if (tt_grow(&c->nodes, &cap, c->nnodes + 1, sizeof *c->nodes))
            return -1;
        c->nodes[c->nnodes].kind = TT_C_PAT;
        c->nodes[c->nnodes].value = (uint32_t)i;
        c->nodes[c->nnodes].first = c->nodes[c->nnodes].count = 0;
        c->nnodes++;
    }
    k = c->nnodes;
    if (tt_grow(&c->kids, &kcap, k + 1, sizeof *c->kids) ||
        tt_grow(&c->nodes, &cap, c->nnodes + 1, sizeof *c->nodes))
        return -1;
    for (i = 0; i < k; i++)
        c->kids[i] = (uint32_t)i;
    c->nkids = k;
    c->nodes[c->nnodes].kind = TT_C_OR;
    c->nodes[c->nnodes].value = 0;
    c->nodes[c->nnodes].first = 0;
    c->nodes[c->nnodes].count = (uint32_t)k;
    c->root = (uint32_t)c->nnodes++;
    return 0;
}

/* Parses one condition string of topic t; 0 ok, 1 error recorded, -1 nomem. */
static int parse_cond(build *b, const tt_src_topic *t, const char *src, const tt_pos *pos,
                      const char *what, unsigned char *used, tt_cond *out)
{
    resolve_ctx rc = {t, used, NULL};
    size_t off = 0;
    char msg[200];
    int r = tt_cond_parse(src, resolve_id, &rc, out, &off, msg, sizeof msg);
    if (r == 1) {
        tt_pos at = *pos;
        size_t i;
        /* an exclusion's id gets a clearer word than "unknown" */
        for (i = 0; i < t->npatterns; i++) {
            const tt_src_pattern *p = &t->patterns[i];
            size_t n = p->id ? strlen(p->id) : 0;
            if (p->exclude && n && !strncmp(src + off, p->id, n) &&
                !strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-",
                        src[off + n] ? src[off + n] : ' ')) {
                snprintf(msg, sizeof msg,
                         "'%s' is an exclusion: exclusions veto by themselves and cannot be "
                         "used in a condition",
                         p->id);
                break;
            }
        }
        if (!strchr(src, '\n'))
            at.column = item_column(pos, src, off);
        tt_loader_diag_add(b->ld, TT_SEV_ERROR, TT_ERR_CONDITION, &at, "%s: %s", what, msg);
    }
    return r;
}

/* ---- build ------------------------------------------------------------------------------- */

static void first_error(const tt_loader *ld, tt_error *err)
{
    size_t i;
    for (i = 0; i < ld->ndiags; i++) {
        if (ld->diags[i].severity == TT_SEV_ERROR) {
            if (err)
                *err = ld->diags[i].error;
            return;
        }
    }
    tt_error_set(err, TT_ERR_RULE, "", 0, 0, "invalid rules");
}

/* A condition that is "any of the topic's patterns" (exclusions left out). */
static int cond_all_patterns(build *b, const tt_src_topic *t, tt_cond *out)
{
    unsigned char *take = tt_calloc(t->npatterns + 1, 1);
    size_t i;
    int r;
    if (!take) {
        b->nomem = 1;
        return 1;
    }
    for (i = 0; i < t->npatterns; i++)
        take[i] = !t->patterns[i].exclude;
    r = cond_any(out, take, t->npatterns);
    tt_free(take);
    if (r)
        b->nomem = 1;
    return r ? 1 : 0;
}

/* Parses an optional condition of the context into out; 1 when bad. */
static int context_cond(build *b, const tt_src_topic *t, const char *src, const tt_pos *pos,
                        const char *what, unsigned char *in_when, tt_cond *out)
{
    int r;
    if (!src)
        return 0;
    r = parse_cond(b, t, src, pos, what, in_when, out);
    if (r < 0)
        b->nomem = 1;
    return r != 0;
}

/* The condition, context.when, context.article.when and context.breaks of topic ti: parsed,
 * defaulted and checked (patterns no condition uses are warned about).  1 when bad. */
static int build_conditions(build *b, size_t ti)
{
    tt_loader *ld = b->ld;
    tt_ruleset *rs = b->rs;
    const tt_src_topic *t = &ld->topics[ti];
    tt_topic_rt *rt = &rs->rt[ti];
    unsigned char *used, *in_when;
    size_t i;
    int bad = 0;

    used = tt_calloc(t->npatterns * 2 + 1, 1);
    if (!used) {
        b->nomem = 1;
        return 1;
    }
    in_when = used + t->npatterns;
    if (t->has_context) {
        /* patterns used only by the context's conditions are not in the default condition */
        bad |= context_cond(b, t, t->when, &t->when_pos, "context.when", in_when, &rt->when);
        if (t->has_article)
            bad |= context_cond(b, t, t->art_when, &t->art_when_pos, "context.article.when",
                                in_when, &rt->art_when);
        if (t->breaks) {
            rt->has_breaks = 1;
            bad |= context_cond(b, t, t->breaks, &t->breaks_pos, "context.breaks", in_when,
                                &rt->breaks);
        }
    }
    if (t->condition) {
        int r = parse_cond(b, t, t->condition, &t->cond_pos, "condition", used, &rt->cond);
        if (r)
            bad = 1;
        if (r < 0)
            b->nomem = 1;
    } else {
        /* default: any pattern, except those only used by the context's conditions */
        unsigned char *take = tt_calloc(t->npatterns + 1, 1);
        if (!take) {
            b->nomem = 1;
            bad = 1;
        } else {
            size_t n = 0, np = 0;
            for (i = 0; i < t->npatterns; i++) {
                take[i] = !t->patterns[i].exclude && !in_when[i];
                used[i] |= take[i];
                n += take[i];
                np += !t->patterns[i].exclude;
            }
            if (n == 0) {
                if (np)   /* else the loader has reported "has no patterns" */
                    tt_loader_diag_add(ld, TT_SEV_ERROR, TT_ERR_CONDITION, &t->pos,
                                       "topic '%s' has no pattern outside the context's "
                                       "conditions: give it a condition",
                                       t->id);
                bad = 1;
            } else if (cond_any(&rt->cond, take, t->npatterns)) {
                b->nomem = 1;
                bad = 1;
            }
            tt_free(take);
        }
    }
    if (!bad && t->has_context && !t->when)
        bad |= cond_all_patterns(b, t, &rt->when);    /* default: any pattern of the topic */
    rt->art = t->art_when ? &rt->art_when : &rt->when;   /* default: context.when */
    if (!bad && !(rt->any_kid = tt_calloc(t->npatterns + 1, 1))) {
        b->nomem = 1;
        bad = 1;
    }
    if (!bad) {
        const tt_cond *c = &rt->cond;
        const tt_cond_node *root = &c->nodes[c->root];
        if (root->kind == TT_C_PAT)
            rt->any_kid[root->value] = 1;
        else if (root->kind == TT_C_OR)
            for (i = 0; i < root->count; i++)
                if (c->nodes[c->kids[root->first + i]].kind == TT_C_PAT)
                    rt->any_kid[c->nodes[c->kids[root->first + i]].value] = 1;
    }
    if (!bad) {
        for (i = 0; i < t->npatterns; i++) {
            if (!t->patterns[i].exclude && !used[i] && !in_when[i])
                tt_loader_diag_add(ld, TT_SEV_WARNING, TT_ERR_CONDITION, &t->patterns[i].pos,
                                   "pattern '%s' is not used by the condition or the context "
                                   "of topic '%s'",
                                   t->patterns[i].id, t->id);
        }
    }
    tt_free(used);
    return bad;
}

static int build_topic(build *b, size_t ti, tt_sbuf *src)
{
    tt_loader *ld = b->ld;
    tt_ruleset *rs = b->rs;
    const tt_src_topic *t = &ld->topics[ti];
    tt_topic_rt *rt = &rs->rt[ti];
    tt_topic_info *info = &rs->topics[ti];
    size_t i, j;
    int bad = 0;

    info->id = keep(rs, t->id, &b->nomem);
    info->title = keep(rs, t->title, &b->nomem);
    info->description = keep(rs, t->description, &b->nomem);
    info->parent = keep(rs, t->parent, &b->nomem);
    info->file = keep(rs, t->pos.file, &b->nomem);
    info->line = t->pos.line;
    info->threshold = t->threshold;
    info->has_context = t->has_context;
    info->context_window = t->window;
    info->context_article = t->has_context && t->scope_article;
    info->has_article = t->has_context && t->has_article;
    info->article_reach = t->art_reach;
    info->article_headline_only = t->art_headline_only;
    rt->pfirst = (uint32_t)rs->npatterns;
    rt->pcount = (uint32_t)t->npatterns;
    if (t->npatterns > rs->max_topic_patterns)
        rs->max_topic_patterns = (uint32_t)t->npatterns;

    for (i = 0; i < t->npatterns; i++) {
        const tt_src_pattern *sp = &t->patterns[i];
        tt_pattern_info *pi = &rs->patterns[rs->npatterns];
        pcre2_code *code = NULL;
        if (!sp->id || sp->nitems == 0)
            continue;    /* already reported by the loader */
        for (j = 0; j < i; j++) {
            if (t->patterns[j].id && !strcmp(t->patterns[j].id, sp->id)) {
                tt_loader_diag_add(ld, TT_SEV_ERROR, TT_ERR_RULE, &sp->pos,
                                   "duplicate pattern id '%s' in topic '%s' (first at line %d)",
                                   sp->id, t->id, t->patterns[j].pos.line);
                bad = 1;
                break;
            }
        }
        src->len = 0;
        if (pattern_source(b, sp, src)) {
            bad = 1;
        } else if (src->nomem) {
            b->nomem = 1;
        } else if (!(code = compile_pattern(b, sp, src->s ? src->s : "", 0))) {
            bad = 1;
        } else if (matches_empty(code)) {
            tt_loader_diag_add(ld, TT_SEV_WARNING, TT_ERR_REGEX, &sp->items[0].pos,
                               "pattern '%s' can match the empty string", sp->id);
        }
        if (code && nested_quantifier(src->s))
            tt_loader_diag_add(ld, TT_SEV_WARNING, TT_ERR_REGEX, &sp->items[0].pos,
                               "pattern '%s' repeats a group that itself repeats (like (a+)+): "
                               "it can backtrack catastrophically",
                               sp->id);
        if (sp->exclude)
            rt->has_exclude = 1;
        pi->id = keep(rs, sp->id, &b->nomem);
        pi->topic = (uint32_t)ti;
        pi->exclude = sp->exclude;
        pi->weight = sp->weight;
        pi->regex = keep(rs, src->s ? src->s : "", &b->nomem);
        pi->file = keep(rs, sp->pos.file, &b->nomem);
        pi->line = sp->pos.line;
        pi->column = sp->pos.column;
        rs->code[rs->npatterns++] = code;
    }
    if (b->nomem)
        return 1;
    if (rs->npatterns - rt->pfirst != t->npatterns)
        bad = 1;
    /* conditions are checked even when a pattern failed, so that every problem shows */
    return build_conditions(b, ti) || bad;
}

/* The literal every match must contain, per pattern, and the automaton over all of them.
 * Literals shorter than this hit too often to be worth it: such patterns always run. */
#define MIN_LITERAL 3

/* first[]: the bytes a match of src (a pattern compiled without \G, for PCRE2's start
 * analysis, which anchored patterns skip) can begin with; every bit set when it cannot tell.
 * A first code unit beyond ASCII may have another case with another first byte: unknown. */
static void first_bytes(build *b, const tt_src_pattern *sp, const char *src,
                        unsigned char first[32])
{
    int ec;
    PCRE2_SIZE eo;
    pcre2_code *code = pcre2_compile((PCRE2_SPTR)src, PCRE2_ZERO_TERMINATED,
                                     compile_options(sp), &ec, &eo, NULL);
    const uint8_t *bitmap = NULL;
    uint32_t type = 0, unit = 0;
    memset(first, 0xFF, 32);
    if (!code) {
        b->nomem |= ec == PCRE2_ERROR_NOMEMORY;
        return;
    }
    if (pcre2_pattern_info(code, PCRE2_INFO_FIRSTCODETYPE, &type) == 0 && type == 1 &&
        pcre2_pattern_info(code, PCRE2_INFO_FIRSTCODEUNIT, &unit) == 0 && unit < 0x80) {
        memset(first, 0, 32);
        first[unit >> 3] |= (unsigned char)(1u << (unit & 7));
        if (tt_is_alpha(unit)) {   /* caseless: the other case, K and S their signs */
            unit ^= 0x20;
            first[unit >> 3] |= (unsigned char)(1u << (unit & 7));
            first[0xE2 >> 3] |= 1u << (0xE2 & 7);
            first[0xC5 >> 3] |= 1u << (0xC5 & 7);
        }
    } else if (type == 0 && pcre2_pattern_info(code, PCRE2_INFO_FIRSTBITMAP, &bitmap) == 0 &&
               bitmap) {
        memcpy(first, bitmap, 32);
    }
    pcre2_code_free(code);
}

/* One regex of the article: settings (a list is an alternation), anchored at the start of a
 * sentence or not (asides match anywhere in it: a leading .* would cost a backtracking pass
 * per sentence); NULL when not given or bad (an error is then recorded). */
static pcre2_code *article_regex(build *b, const tt_src_pattern *sp, tt_sbuf *src,
                                 unsigned char *first)
{
    pcre2_code *code;
    int anchored = first != NULL;
    src->len = 0;
    if (sp->nitems == 0)
        return NULL;
    /* \G: only at the start offset, the sentence start */
    tt_sb_adds(src, anchored ? "\\G(?:" : "(?:");
    if (pattern_source(b, sp, src) || (tt_sb_adds(src, ")"), src->nomem)) {
        b->nomem |= src->nomem;
        return NULL;
    }
    code = compile_pattern(b, sp, src->s, 1);
    if (code && anchored)
        first_bytes(b, sp, src->s + 2, first);   /* without the \G */
    if (code && matches_empty(code))
        tt_loader_diag_add(b->ld, TT_SEV_WARNING, TT_ERR_REGEX, &sp->items[0].pos,
                           "pattern '%s' can match the empty string", sp->id);
    return code;
}

/* The literals of an article regex, compiled from src->s + skip (past its \G), into set. */
static void art_literals(build *b, const pcre2_code *code, const tt_src_pattern *sp,
                         const tt_sbuf *src, size_t skip, tt_litset *set)
{
    if (code && tt_literal_extract(src->s + skip, src->len - skip,
                                   sp->ignore_case | TT_LIT_KS_FOLDED, MIN_LITERAL, set) < 0)
        b->nomem = 1;
}

/* The ruleset-wide article: settings. */
static void build_article(build *b, tt_sbuf *src)
{
    const tt_src_article *a = &b->ld->article;
    tt_article_rules *ar = &b->rs->art;
    tt_src_pattern sp;
    ar->lead = a->lead;
    ar->primary_share = a->primary_share;
    ar->primary_share_alone = a->primary_share_alone;
    ar->secondary_share = a->secondary_share;
    ar->secondary_sentences = a->secondary_sentences;
    ar->secondary_lead = a->secondary_lead;
    ar->secondary_score = a->secondary_score;
    /* each one's literals join the prefilter's, and it runs only in a sentence with a hit
     * of one (match.c): unanchored, the aside would try every 'c' and 'd' of every sentence,
     * and the switch and the dateline begin with letters most sentences begin with */
    sp = a->switches;
    sp.id = (char *)"article.switch";
    b->rs->switch_code = article_regex(b, &sp, src, b->rs->switch_first);
    art_literals(b, b->rs->switch_code, &sp, src, 2, &b->art[0]);
    sp = a->dateline;
    sp.id = (char *)"article.dateline";
    b->rs->dateline_code = article_regex(b, &sp, src, b->rs->dateline_first);
    art_literals(b, b->rs->dateline_code, &sp, src, 2, &b->art[1]);
    sp = a->aside;
    sp.id = (char *)"article.aside";
    b->rs->aside_code = article_regex(b, &sp, src, NULL);
    art_literals(b, b->rs->aside_code, &sp, src, 0, &b->art[2]);
}

#define MAX_LITERAL 16
/* The most strings a literal set may multiply out to (each is a prefilter literal). */
#define MAX_SET 1024
/* A set whose strings share their first eight bytes more often stays a regex.  The limit
 * dates from when the prefilter compared every literal of an eight-byte key in turn; its trie
 * now compares only the strings that end within the same four bytes, so the limit is only
 * conservative (raising it would decide more sets without PCRE2; not measured yet). */
#define MAX_SHARED 64

int tt_loader_set_prefilter(tt_loader *ld, tt_prefilter_kind kind)
{
    if (kind == TT_PREFILTER_LITERAL || kind == TT_PREFILTER_NONE ||
        (kind == TT_PREFILTER_HYPERSCAN && tt_hsfilter_available())) {
        ld->prefilter = (int)kind;
        return 0;
    }
    return -1;
}

int tt_have_hyperscan(void) { return tt_hsfilter_available(); }

int tt_loader_set_cache(tt_loader *ld, const char *dir)
{
    char *copy = NULL;
    if (dir && !(copy = tt_strdup(dir)))
        return -1;
    tt_free(ld->cache_dir);
    ld->cache_dir = copy;
    return 0;
}

/* The Hyperscan database of every pattern it takes (rs->in_hs marks them). */
static int build_hsfilter(tt_ruleset *rs, const tt_loader *ld)
{
    const char **rx = tt_calloc(rs->npatterns + 1, sizeof *rx);
    unsigned char *caseless = tt_calloc(rs->npatterns + 1, 1);
    size_t p = 0, t, i;
    int nomem = 1;
    if (!(rs->in_hs = tt_calloc(rs->npatterns + 1, 1)) || !rx || !caseless)
        goto out;
    for (t = 0; t < ld->ntopics; t++) {
        for (i = 0; i < ld->topics[t].npatterns; i++, p++) {
            rx[p] = rs->patterns[p].regex;
            caseless[p] = (unsigned char)ld->topics[t].patterns[i].ignore_case;
            rs->in_hs[p] = 1;
        }
    }
    rs->hs = tt_hsfilter_new(rx, caseless, rs->in_hs, rs->npatterns, ld->cache_dir, &nomem);
out:
    tt_free(rx);
    tt_free(caseless);
    return nomem ? -1 : 0;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* The most strings of lp that begin with the same eight bytes (ASCII case folded), or
 * (size_t)-1 on out of memory. */
static size_t shared_keys(const tt_litpat *lp)
{
    uint64_t *key = tt_malloc((lp->n + 1) * sizeof *key);
    size_t i, k, run = 1, most = 1;
    if (!key)
        return (size_t)-1;
    for (i = 0; i < lp->n; i++) {
        key[i] = 0;
        for (k = 0; k < 8 && k < lp->alt[i].len; k++)
            key[i] = key[i] << 8 | (uint64_t)(lp->alt[i].s[k] | 0x20);
        key[i] = key[i] << 8 * (8 - k) | (uint64_t)k;   /* a shorter string: its own key */
    }
    qsort(key, lp->n, sizeof *key, cmp_u64);
    for (i = 1; i < lp->n; i++) {
        run = key[i] == key[i - 1] ? run + 1 : 1;
        if (run > most)
            most = run;
    }
    tt_free(key);
    return most;
}

/* Whether every string of lp shorter than MIN_LITERAL is a two-byte whole word (\bAI\b):
 * match.c drops the hits of such a literal where a letter touches it ("said"), so the hit
 * is as rare as the word.  Anything shorter, or not whole, would wake its pattern nearly
 * everywhere: PCRE2 decides such a pattern. */
static int short_strings_whole(const tt_litpat *lp)
{
    size_t i;
    for (i = 0; i < lp->n; i++) {
        const tt_litalt *a = &lp->alt[i];
        if (a->len < MIN_LITERAL &&
            (a->len != 2 || a->pre != TT_LP_NONWORD || a->post != TT_LP_NONWORD ||
             !tt_is_word(a->s[0]) || !tt_is_word(a->s[1])))
            return 0;
    }
    return 1;
}

/* The contexts (TT_LIT_CTX bits) a string with word-boundary conditions pre and post (TT_LP_*)
 * fits in. */
static unsigned char context_bits(unsigned char pre, unsigned char post)
{
    unsigned b = 0, w, x;
    for (w = 0; w < 2; w++)
        for (x = 0; x < 2; x++)
            if ((pre == TT_LP_ANY || (pre == TT_LP_WORD) == w) &&
                (post == TT_LP_ANY || (post == TT_LP_WORD) == x))
                b |= TT_LIT_CTX(w, x);
    return (unsigned char)b;
}

/* Whether pattern p is a literal set (litpat.c): then rs->litpat[p] holds its strings and set
 * its prefilter literals, every string whole.  1 when it is, 0 when not, -1 on out of memory. */
static int literal_set(tt_ruleset *rs, size_t p, int caseless, tt_litset *set)
{
    const char *rx = rs->patterns[p].regex;
    tt_litpat *lp = &rs->litpat[p];
    size_t i, shared;
    int r = tt_litpat_parse(rx, strlen(rx), caseless, MAX_SET, 2, lp);
    if (r <= 0)
        return r;
    if ((shared = shared_keys(lp)) == (size_t)-1)
        return -1;
    if (shared > MAX_SHARED || !short_strings_whole(lp)) {
        tt_litpat_release(lp);
        return 0;
    }
    if (!(set->s = tt_calloc(lp->n + 1, sizeof *set->s)) ||
        !(set->len = tt_calloc(lp->n + 1, sizeof *set->len)) ||
        !(set->ctx = tt_calloc(lp->n + 1, 1)))
        return -1;
    for (i = 0; i < lp->n; i++) {
        if (!(set->s[i] = tt_strndup((const char *)lp->alt[i].s, lp->alt[i].len)))
            return -1;
        set->len[i] = lp->alt[i].len;
        set->ctx[i] = context_bits(lp->alt[i].pre, lp->alt[i].post);
        set->n++;
    }
    return 1;
}

/* Any part of a required literal is required too: keeps at most MAX_LITERAL bytes of each
 * string of set (a smaller automaton that stays in cache), without duplicates, first ones
 * first.  Returns how many are left (set->n stays, for tt_litset_release).  aux (or NULL):
 * a number per string that follows its string and, where two become one, keeps the larger. */
static size_t trim_literals_aux(tt_litset *set, size_t *aux)
{
    size_t k, j, m = 0;
    for (k = 0; k < set->n; k++) {
        size_t len = set->len[k] < MAX_LITERAL ? set->len[k] : MAX_LITERAL;
        unsigned c = set->ctx ? set->ctx[k] : TT_LIT_CTX_ANY;
        if (len < set->len[k])   /* cut short: any byte may follow what is left */
            c |= (c & 0x5u) << 1 | (c & 0xAu) >> 1;
        for (j = 0; j < m; j++)
            if (set->len[j] == len && !memcmp(set->s[j], set->s[k], len))
                break;
        if (j < m) {
            if (set->ctx)
                set->ctx[j] |= (unsigned char)c;
            if (aux && aux[k] > aux[j])
                aux[j] = aux[k];
            continue;
        }
        if (m != k) {
            char *tmp = set->s[m];
            set->s[m] = set->s[k];
            set->s[k] = tmp;
            if (aux) {
                size_t t = aux[m];
                aux[m] = aux[k];
                aux[k] = t;
            }
        }
        if (set->ctx)
            set->ctx[m] = (unsigned char)c;
        set->len[m++] = len;
    }
    return m;
}

static size_t trim_literals(tt_litset *set) { return trim_literals_aux(set, NULL); }

#define MAX_BRANCHES 32   /* a pattern's top-level branches keyed apart (bits of a mask) */

/* Whether one of a[0..an), b[0..bn) holds the other. */
static int related(const char *a, size_t an, const char *b, size_t bn)
{
    const char *big = an >= bn ? a : b, *small = an >= bn ? b : a;
    size_t n = an >= bn ? an : bn, k = an >= bn ? bn : an, i;
    if (k == 0)
        return 1;
    for (i = 0; i + k <= n; i++)   /* the first byte before a call */
        if (big[i] == small[0] && !memcmp(big + i, small, k))
            return 1;
    return 0;
}

/* The bound of each string of set (before trimming): the longest of the top-level branches
 * one[0..nb) of pattern rx whose first strings it is related to (every match of a branch holds
 * one of its strings, and the set's strings come from those: a union, whole matches, parts
 * of them).  NULL when the branches have no bounds or it is not worth it (every string
 * unbounded), or on out of memory. */
static size_t *literal_bounds(const char *rx, const tt_litset *set, const tt_litbranch *one,
                              size_t nb)
{
    size_t bmax[MAX_BRANCHES], n, i, b, j, *out;
    int any = 0;
    if (nb < 2 || tt_regex_branch_max_lengths(rx, strlen(rx), bmax, MAX_BRANCHES, &n) ||
        n != nb || !(out = tt_calloc(set->n + 1, sizeof *out)))
        return NULL;
    for (i = 0; i < set->n; i++) {
        int found = 0;
        for (b = 0; b < nb; b++)
            for (j = 0; j < one[b].first.n; j++)
                if (related(set->s[i], set->len[i], one[b].first.s[j], one[b].first.len[j])) {
                    found = 1;
                    if (bmax[b] > out[i])
                        out[i] = bmax[b];
                    break;
                }
        if (!found)
            out[i] = TT_MAXLEN_UNBOUNDED;
        any |= out[i] != TT_MAXLEN_UNBOUNDED;
    }
    if (!any) {
        tt_free(out);
        return NULL;
    }
    return out;
}

/* Whether a string of set can occur inside a word and still be part of a match: a word byte
 * first and contexts that allow one before it ("attack" in "cyberattack").  The prefilter
 * skips the positions inside words when no literal is such (prefilter.c), so a second key
 * or a key group that has one stays out of it (lazy_key), and so does an article regex. */
static int has_inner(const tt_litset *set)
{
    size_t i;
    for (i = 0; i < set->n; i++) {
        unsigned c = set->ctx ? set->ctx[i] : TT_LIT_CTX_ANY;
        if (set->len[i] && (tt_is_word((unsigned char)set->s[i][0]) || set->s[i][0] == '_') &&
            (c & (TT_LIT_CTX(1, 0) | TT_LIT_CTX(1, 1))))
            return 1;
    }
    return 0;
}

/* Makes key `key` of pattern p, whose strings (set, its first m after trim_literals) can occur
 * inside a word, a lazy one (compile.h: tt_lazykey): 1 when it did (set is left empty), 0 when
 * its strings cannot, -1 on out of memory. */
static int lazy_key(tt_ruleset *rs, size_t p, uint32_t key, tt_litset *set, size_t m)
{
    tt_lazykey *z;
    size_t i;
    tt_litset kept = *set;
    kept.n = m;
    if (!has_inner(&kept))
        return 0;
    if (tt_grow(&rs->lazy, &rs->lazycap, rs->nlazy + 1, sizeof *rs->lazy))
        return -1;
    for (i = m; i < set->n; i++)   /* the strings trim_literals left behind */
        tt_free(set->s[i]);
    z = &rs->lazy[rs->nlazy++];
    z->pattern = (uint32_t)p;
    z->key = key;
    z->set = kept;
    memset(set, 0, sizeof *set);
    return 1;
}

/* Pattern p's top-level branches one[0..n) (tt_literal_extract_branches) as key groups, moved
 * to br[] and rs->groups, when at least one of them has a second requirement (else the
 * branches tell nothing the union does not; they are released).  1 when added, 0 when not,
 * -1 on out of memory. */
static int key_groups(tt_ruleset *rs, size_t p, tt_litbranch *one, size_t n, tt_litbranch **br,
                      size_t *brcap)
{
    size_t i, second = 0;
    for (i = 0; i < n; i++)
        second += one[i].second.n > 0;
    if (second == 0 || tt_grow(br, brcap, rs->ngroups + n, sizeof **br) ||
        tt_grow(&rs->groups, &rs->groupcap, rs->ngroups + n, sizeof *rs->groups)) {
        for (i = 0; i < n; i++) {
            tt_litset_release(&one[i].first);
            tt_litset_release(&one[i].second);
        }
        return second == 0 ? 0 : -1;
    }
    for (i = 0; i < n; i++) {
        (*br)[rs->ngroups] = one[i];
        rs->groups[rs->ngroups].pattern = (uint32_t)p;
        rs->groups[rs->ngroups++].bit = (uint32_t)i;
    }
    return 1;
}

static int cmp_litbound(const void *a, const void *b)
{
    const tt_litbound *x = a, *y = b;
    return x->state < y->state ? -1 : x->state > y->state;
}

/* rs->lbound from bounds[p] (per literal of key p, as trimmed, or NULL), once the prefilter
 * has given each literal its state.  0, or -1 on out of memory. */
static int store_bounds(tt_ruleset *rs, char ***lits, size_t **lens, const size_t *nlits,
                        size_t **bounds)
{
    size_t p, i, n = 0;
    for (p = 0; p < rs->npatterns; p++)
        n += bounds[p] ? nlits[p] : 0;
    if (!n)
        return 0;
    if (!(rs->lbound = tt_malloc(n * sizeof *rs->lbound)) ||
        !(rs->lb_first = tt_calloc(rs->npatterns + 1, sizeof *rs->lb_first)) ||
        !(rs->lb_n = tt_calloc(rs->npatterns + 1, sizeof *rs->lb_n)))
        return -1;
    for (p = 0; p < rs->npatterns; p++) {
        rs->lb_first[p] = rs->nlbound;
        for (i = 0; bounds[p] && i < nlits[p]; i++) {
            long st = tt_prefilter_find(rs->pf, lits[p][i], lens[p][i]);
            if (st < 0)
                continue;   /* every literal has a state: not reached */
            rs->lbound[rs->nlbound].state = (uint32_t)st;
            rs->lbound[rs->nlbound++].bound = bounds[p][i];
            rs->lb_n[p]++;
        }
        qsort(rs->lbound + rs->lb_first[p], rs->lb_n[p], sizeof *rs->lbound, cmp_litbound);
    }
    return 0;
}

/* Marks in pos[] (local pattern indices) the patterns that node n of c names where their
 * match can make it true: under an even number of 'not's (neg: odd so far). */
static void positive_patterns(const tt_cond *c, uint32_t n, int neg, unsigned char *pos)
{
    const tt_cond_node *x = &c->nodes[n];
    uint32_t i;
    if (x->kind == TT_C_PAT) {
        if (!neg)
            pos[x->value] = 1;
        return;
    }
    for (i = 0; i < x->count; i++)
        positive_patterns(c, c->kids[x->first + i], x->kind == TT_C_NOT ? !neg : neg, pos);
}

/* Whether condition c (empty: none) can be true over val[]. */
static int cond_may(const tt_cond *c, const unsigned char *val)
{
    return c->nnodes > 0 && tt_cond_may(c, val);
}

/* Marks guard[p] for the guards of topic ti (compile.h): the patterns no condition names
 * where a match could make it true, when the topic cannot apply with only them as
 * candidates (match.c's may_bits() over the same conditions).  0, or -1 on out of memory. */
static int find_guards(const tt_ruleset *rs, size_t ti, unsigned char *guard)
{
    const tt_topic_rt *rt = &rs->rt[ti];
    const tt_topic_info *info = &rs->topics[ti];
    const tt_cond *c[4];
    unsigned char *pos = tt_calloc(rt->pcount + 1, 1), *val = tt_calloc(rt->pcount + 1, 1);
    size_t nc = 0, k, i, n = 0;
    if (!pos || !val) {
        tt_free(pos);
        tt_free(val);
        return -1;
    }
    c[nc++] = &rt->cond;
    if (info->has_context)
        c[nc++] = &rt->when;
    if (info->has_article)
        c[nc++] = rt->art;
    if (rt->has_breaks)
        c[nc++] = &rt->breaks;
    for (k = 0; k < nc; k++)
        if (c[k]->nnodes)
            positive_patterns(c[k], c[k]->root, 0, pos);
    for (i = 0; i < rt->pcount; i++)
        if (!pos[i]) {
            val[i] = 2;
            n++;
        }
    for (k = 0; n && k < nc; k++)
        if (cond_may(c[k], val))
            n = 0;
    for (i = 0; n && i < rt->pcount; i++)
        guard[rt->pfirst + i] = !pos[i];
    tt_free(pos);
    tt_free(val);
    return 0;
}

/* The guard prefilter of every topic with guards, from the literals the patterns would have
 * given the document's prefilter (lits, lens, ctxs, nlits per pattern).  0, or -1 on out of
 * memory. */
static int build_guards(tt_ruleset *rs, const unsigned char *guard, char ***lits,
                        size_t **lens, unsigned char **ctxs, const size_t *nlits)
{
    size_t t, i;
    for (t = 0; t < rs->ntopics; t++) {
        tt_topic_rt *rt = &rs->rt[t];
        char ***gl;
        size_t **gn, *gc;
        unsigned char **gx;
        size_t n = 0;
        for (i = 0; i < rt->pcount; i++)
            n += guard[rt->pfirst + i];
        if (n == 0)
            continue;
        gl = tt_calloc(n, sizeof *gl);
        gn = tt_calloc(n, sizeof *gn);
        gc = tt_calloc(n, sizeof *gc);
        gx = tt_calloc(n, sizeof *gx);
        rt->guards = tt_calloc(n, sizeof *rt->guards);
        if (gl && gn && gc && gx && rt->guards) {
            for (i = 0; i < rt->pcount; i++) {
                size_t p = rt->pfirst + i;
                if (!guard[p])
                    continue;
                gl[rt->nguards] = lits[p];
                gn[rt->nguards] = lens[p];
                gx[rt->nguards] = ctxs[p];
                gc[rt->nguards] = nlits[p];
                rt->guards[rt->nguards++] = (uint32_t)p;
            }
            rt->guard_pf = tt_prefilter_new((char *const *const *)gl, (size_t *const *)gn,
                                            (const unsigned char *const *)gx, gc, n);
        }
        tt_free(gl);
        tt_free(gn);
        tt_free(gc);
        tt_free(gx);
        if (!rt->guard_pf)
            return -1;
    }
    return 0;
}

/* The literal prefilter's keys: pattern p's required literals are key p; when the pattern
 * also has a second requirement (tt_literal_extract2: "China" ... "DF-"), its literals are
 * key npatterns + p, and match.c keeps p a candidate only in a sentence with a hit of each.
 * A pattern whose top-level branches have such pairs has them instead, as key groups: it
 * stays a candidate where some branch has both (China ... DF- or Fujian ... carrier, not
 * China ... carrier). */
static int build_prefilter(tt_ruleset *rs, const tt_loader *ld, tt_litset *art)
{
    size_t nk = 2 * rs->npatterns;
    tt_litset *sets = tt_calloc(nk + 1, sizeof *sets);
    char ***lits = tt_calloc(nk + 4, sizeof *lits);     /* + the article regexes' */
    size_t **lens = tt_calloc(nk + 4, sizeof *lens);
    unsigned char **ctxs = tt_calloc(nk + 4, sizeof *ctxs);
    size_t **bounds = tt_calloc(rs->npatterns + 1, sizeof *bounds);
    size_t *nlits = tt_calloc(nk + 4, sizeof *nlits);
    size_t p = 0, t, i, any = 0, brcap = 0, k, nb;
    tt_litbranch *br = NULL, one[MAX_BRANCHES];
    int rc = -1;
    if (!sets || !lits || !lens || !ctxs || !nlits || !bounds ||
        !(rs->litpat = tt_calloc(rs->npatterns + 1, sizeof *rs->litpat)) ||
        !(rs->maxlen = tt_calloc(rs->npatterns + 1, sizeof *rs->maxlen)))
        goto out;
    rs->art_key0 = UINT32_MAX;
    if (ld->prefilter == TT_PREFILTER_NONE) {   /* every pattern runs: nothing to build */
        rc = 0;
        goto out;
    }
    if (ld->prefilter == TT_PREFILTER_HYPERSCAN && build_hsfilter(rs, ld))
        goto out;
    if (!(rs->guard = tt_calloc(rs->npatterns + 1, 1)))
        goto out;
    for (t = 0; ld->prefilter == TT_PREFILTER_LITERAL && t < rs->ntopics; t++)
        if (find_guards(rs, t, rs->guard))
            goto out;
    for (t = 0; t < ld->ntopics; t++) {
        for (i = 0; i < ld->topics[t].npatterns; i++, p++) {
            const char *rx = rs->patterns[p].regex;
            int r;
            if (rs->in_hs && rs->in_hs[p]) {
                rs->patterns[p].prefiltered = 2;   /* by the database, not by literals */
                continue;
            }
            nb = 0;
            r = literal_set(rs, p, ld->topics[t].patterns[i].ignore_case, &sets[p]);
            if (r == 0)
                r = tt_literal_extract_branches(
                    rx, strlen(rx), ld->topics[t].patterns[i].ignore_case | TT_LIT_KS_FOLDED,
                    MIN_LITERAL, &sets[p], &sets[rs->npatterns + p], one, MAX_BRANCHES, &nb);
            if (r < 0)
                goto out;
            /* a literal set keeps its whole strings, whose hits are its matches */
            if (rs->litpat[p].n) {
                nlits[p] = sets[p].n;
            } else if (r) {
                int g;
                size_t ml = 0;
                /* a pattern without a bound may have branches with one (compile.h) */
                if (tt_regex_max_length(rx, strlen(rx), &ml) == 0 && ml == TT_MAXLEN_UNBOUNDED)
                    bounds[p] = literal_bounds(rx, &sets[p], one, nb);
                if ((g = key_groups(rs, p, one, nb, &br, &brcap)) < 0)
                    goto out;
                nlits[p] = trim_literals_aux(&sets[p], bounds[p]);
                nlits[rs->npatterns + p] = g ? 0 : trim_literals(&sets[rs->npatterns + p]);
                if (nlits[rs->npatterns + p] &&
                    (r = lazy_key(rs, p, (uint32_t)(rs->npatterns + p), &sets[rs->npatterns + p],
                                  nlits[rs->npatterns + p])) != 0) {
                    if (r < 0)
                        goto out;
                    nlits[rs->npatterns + p] = 0;
                }
            }
            lits[p] = sets[p].s;
            lens[p] = sets[p].len;
            ctxs[p] = sets[p].ctx;
            lits[rs->npatterns + p] = sets[rs->npatterns + p].s;
            lens[rs->npatterns + p] = sets[rs->npatterns + p].len;
            ctxs[rs->npatterns + p] = sets[rs->npatterns + p].ctx;
            rs->patterns[p].prefiltered = nlits[p] > 0;
            rs->patterns[p].literal_set = rs->litpat[p].n;
            if (nlits[p] && !rs->litpat[p].n &&
                tt_regex_max_length(rx, strlen(rx), &rs->maxlen[p]) != 0)
                rs->maxlen[p] = 0;   /* its search starts where the last one ended */
            if (bounds[p] && rs->guard[p]) {   /* a guard's hits are of the guard prefilter */
                tt_free(bounds[p]);
                bounds[p] = NULL;
                rs->maxlen[p] = TT_MAXLEN_UNBOUNDED;
            }
            any += nlits[p] > 0 && !rs->guard[p];   /* build_guards takes a guard's */
        }
    }
    if (build_guards(rs, rs->guard, lits, lens, ctxs, nlits))
        goto out;
    for (p = 0; p < rs->npatterns; p++)   /* the guards' keys: out of the document's scan */
        if (rs->guard[p])
            nlits[p] = nlits[rs->npatterns + p] = 0;
    /* the groups' keys after the patterns' */
    if (rs->ngroups) {
        size_t nall = nk + 2 * rs->ngroups;
        char ***l2 = tt_calloc(nall + 2, sizeof *l2);
        size_t **n2 = tt_calloc(nall + 2, sizeof *n2), *c2 = tt_calloc(nall + 2, sizeof *c2);
        unsigned char **x2 = tt_calloc(nall + 2, sizeof *x2);
        if (!l2 || !n2 || !c2 || !x2) {
            tt_free(l2);
            tt_free(n2);
            tt_free(c2);
            tt_free(x2);
            goto out;
        }
        memcpy(l2, lits, nk * sizeof *l2);
        memcpy(n2, lens, nk * sizeof *n2);
        memcpy(c2, nlits, nk * sizeof *c2);
        memcpy(x2, ctxs, nk * sizeof *x2);
        for (k = 0; k < 2 * rs->ngroups; k++) {
            tt_litset *set = k & 1 ? &br[k / 2].second : &br[k / 2].first;
            int lz;
            c2[nk + k] = rs->guard[rs->groups[k / 2].pattern] ? 0 : trim_literals(set);
            if (c2[nk + k] &&
                (lz = lazy_key(rs, rs->groups[k / 2].pattern, (uint32_t)(nk + k), set,
                               c2[nk + k])) != 0) {
                if (lz < 0) {
                    tt_free(l2);
                    tt_free(n2);
                    tt_free(c2);
                    tt_free(x2);
                    goto out;
                }
                c2[nk + k] = 0;
            }
            l2[nk + k] = set->s;
            n2[nk + k] = set->len;
            x2[nk + k] = set->ctx;
        }
        tt_free(lits);
        tt_free(lens);
        tt_free(nlits);
        tt_free(ctxs);
        lits = l2;
        lens = n2;
        nlits = c2;
        ctxs = x2;
        nk = nall;
    }
    /* the article regexes' literals last, when the patterns have a prefilter to join and
     * none of them can match inside a word (that would send the scan to every position:
     * the switch's "Separately" has no \b before it, and keeps its first-byte test) */
    for (k = 0; any && k < 3; k++) {
        if (!art[k].n || has_inner(&art[k]))
            continue;
        lits[nk] = art[k].s;
        lens[nk] = art[k].len;
        ctxs[nk] = art[k].ctx;
        nlits[nk] = trim_literals(&art[k]);
        if (rs->art_key0 == UINT32_MAX)
            rs->art_key0 = (uint32_t)nk;
        rs->art_key[k] = (uint32_t)nk++;
    }
    rc = 0;
    if (any && !(rs->pf = tt_prefilter_new((char *const *const *)lits, (size_t *const *)lens,
                                           (const unsigned char *const *)ctxs, nlits, nk)))
        rc = -1;
    if (rc == 0 && rs->pf && store_bounds(rs, lits, lens, nlits, bounds))
        rc = -1;
out:
    for (p = 0; bounds && p < rs->npatterns; p++)
        tt_free(bounds[p]);
    tt_free(bounds);
    for (k = 0; k < rs->ngroups && br; k++) {
        tt_litset_release(&br[k].first);
        tt_litset_release(&br[k].second);
    }
    tt_free(br);
    for (p = 0; sets && p < 2 * rs->npatterns; p++)
        tt_litset_release(&sets[p]);
    tt_free(sets);
    tt_free(lits);
    tt_free(lens);
    tt_free(ctxs);
    tt_free(nlits);
    return rc;
}

/* JIT-compiles the patterns that PCRE2 runs on the prefilter's path.  A literal set's hits are
 * its matches: PCRE2 runs it only without the prefilter (tt_limits.no_prefilter, explain, a
 * document with a character whose case folding the literals do not model), where the
 * interpreter does, as under --no-jit (TT_PREFILTER_NONE compiles them all).  JIT compilation
 * of every pattern was 38% of the instructions of loading make bench's 10,000 patterns (0.55
 * -> 0.36 s, 86 -> 58 MB peak). */
static void jit_patterns(tt_ruleset *rs)
{
    size_t p;
    for (p = 0; p < rs->npatterns; p++)
        if (!rs->patterns[p].literal_set || (rs->guard && rs->guard[p]))
            pcre2_jit_compile(rs->code[p], PCRE2_JIT_COMPLETE);
}

static int build_examples(tt_ruleset *rs, const tt_loader *ld)
{
    size_t t, i, n = 0;
    int nomem = 0;
    for (t = 0; t < ld->ntopics; t++)
        n += ld->topics[t].nexamples;
    if (!(rs->examples = tt_calloc(n + 1, sizeof *rs->examples)))
        return -1;
    for (t = 0; t < ld->ntopics; t++) {
        for (i = 0; i < ld->topics[t].nexamples; i++) {
            const tt_src_example *se = &ld->topics[t].examples[i];
            tt_example_info *e = &rs->examples[rs->nexamples++];
            e->topic = (uint32_t)t;
            e->kind = se->kind;
            e->text = keep(rs, se->text, &nomem);
            e->note = keep(rs, se->note, &nomem);
            e->sentence = se->sentence;
            e->number = i + 1;
            e->file = keep(rs, se->pos.file, &nomem);
            e->line = se->pos.line;
            e->column = se->pos.column;
        }
    }
    return nomem ? -1 : 0;
}

/* The segmenter of the loader's words (built in, then the rule files'): 0, or -1 on out of
 * memory. */
static int build_segmenter(tt_ruleset *rs, const tt_loader *ld)
{
    size_t i;

    if (!(rs->seg = tt_segmenter_new()))
        return -1;
    for (i = 0; i < ld->nabbrevs; i++)
        if (tt_segmenter_add_abbreviation(rs->seg, ld->abbrevs[i].word,
                                          strlen(ld->abbrevs[i].word),
                                          (tt_abbr_kind)ld->abbrevs[i].kind))
            return -1;
    return 0;
}

tt_ruleset *tt_loader_build_segmenter(tt_loader *ld, tt_error *err)
{
    tt_ruleset *rs;

    if (ld->built) {
        tt_error_set(err, TT_ERR_USAGE, "", 0, 0, "tt_loader_build called twice");
        return NULL;
    }
    ld->built = 1;
    if (!ld->nomem && ld->nerrors) {
        first_error(ld, err);
        return NULL;
    }
    rs = ld->nomem ? NULL : tt_calloc(1, sizeof *rs);
    if (!rs || !(rs->topics = tt_calloc(1, sizeof *rs->topics)) ||
        !(rs->rt = tt_calloc(1, sizeof *rs->rt)) || build_segmenter(rs, ld)) {
        tt_ruleset_free(rs);
        ld->nomem = 1;
        tt_error_set(err, TT_ERR_NOMEM, "", 0, 0, "out of memory");
        return NULL;
    }
    if (err)
        memset(err, 0, sizeof *err);
    return rs;
}

tt_ruleset *tt_loader_build(tt_loader *ld, tt_error *err)
{
    build b;
    tt_ruleset *rs;
    size_t i, j, np = 0;
    tt_sbuf src = {0};

    if (ld->built) {
        tt_error_set(err, TT_ERR_USAGE, "", 0, 0, "tt_loader_build called twice");
        return NULL;
    }
    ld->built = 1;
    if (ld->nomem) {
        tt_error_set(err, TT_ERR_NOMEM, "", 0, 0, "out of memory");
        return NULL;
    }
    memset(&b, 0, sizeof b);
    b.ld = ld;
    rs = tt_calloc(1, sizeof *rs);
    b.def_state = tt_calloc(ld->ndefs * 2 + 1, 1);
    if (!rs || !b.def_state)
        goto nomem;
    b.def_used = b.def_state + ld->ndefs;
    b.rs = rs;

    for (i = 0; i < ld->ntopics; i++)
        np += ld->topics[i].npatterns;
    rs->topics = tt_calloc(ld->ntopics + 1, sizeof *rs->topics);
    rs->rt = tt_calloc(ld->ntopics + 1, sizeof *rs->rt);
    rs->patterns = tt_calloc(np + 1, sizeof *rs->patterns);
    rs->code = tt_calloc(np + 1, sizeof *rs->code);
    if (!rs->topics || !rs->rt || !rs->patterns || !rs->code || build_segmenter(rs, ld))
        goto nomem;

    for (i = 0; i < ld->ndefs; i++) {
        for (j = 0; j < i; j++) {
            if (!strcmp(ld->defs[i].name, ld->defs[j].name)) {
                tt_loader_diag_add(ld, TT_SEV_ERROR, TT_ERR_RULE, &ld->defs[i].pos,
                                   "definition '%s' is defined twice (first at %s:%d)",
                                   ld->defs[i].name, ld->defs[j].pos.file, ld->defs[j].pos.line);
                break;
            }
        }
    }
    for (i = 0; i < ld->ndefs; i++)
        check_def(&b, i);

    for (i = 0; i < ld->ntopics; i++) {
        const tt_src_topic *t = &ld->topics[i];
        for (j = 0; j < i; j++) {
            if (t->id && ld->topics[j].id && !strcmp(t->id, ld->topics[j].id)) {
                tt_loader_diag_add(ld, TT_SEV_ERROR, TT_ERR_RULE, &t->pos,
                                   "duplicate topic id '%s' (first defined at %s:%d)", t->id,
                                   ld->topics[j].pos.file, ld->topics[j].pos.line);
                break;
            }
        }
        if (ld->nerrors == 0 || t->id)
            build_topic(&b, i, &src);
        rs->ntopics = i + 1;
        if (b.nomem)
            goto nomem;
    }
    build_article(&b, &src);
    if (b.nomem)
        goto nomem;
    for (i = 0; i < ld->ndefs; i++)
        if (!b.def_used[i])
            tt_loader_diag_add(ld, TT_SEV_WARNING, TT_ERR_RULE, &ld->defs[i].pos,
                               "definition '%s' is never used", ld->defs[i].name);
    if (ld->ntopics == 0 && ld->nerrors == 0) {
        tt_error_set(err, TT_ERR_RULE, "", 0, 0, "no topics in the ruleset");
        tt_loader_diag_add(ld, TT_SEV_ERROR, TT_ERR_RULE, NULL, "no topics in the ruleset");
    }
    if (!b.nomem && !ld->nomem && ld->nerrors == 0 && build_prefilter(rs, ld, b.art))
        b.nomem = 1;
    for (i = 0; i < 3; i++)
        tt_litset_release(&b.art[i]);
    if (!b.nomem && !ld->nomem && ld->nerrors == 0)
        jit_patterns(rs);
    if (!b.nomem && !ld->nomem && ld->nerrors == 0 && build_examples(rs, ld))
        b.nomem = 1;
    if (b.nomem || ld->nomem)
        goto nomem;
    tt_free(src.s);
    tt_free(b.def_state);
    if (ld->nerrors) {
        first_error(ld, err);
        tt_ruleset_free(rs);
        return NULL;
    }
    if (err)
        memset(err, 0, sizeof *err);
    return rs;
nomem:
    for (i = 0; i < 3; i++)
        tt_litset_release(&b.art[i]);
    tt_free(src.s);
    tt_free(b.def_state);
    tt_ruleset_free(rs);
    ld->nomem = 1;
    tt_error_set(err, TT_ERR_NOMEM, "", 0, 0, "out of memory");
    return NULL;
}

tt_ruleset *tt_ruleset_load(const char *path, tt_error *err)
{
    tt_loader *ld = tt_loader_new();
    tt_ruleset *rs = NULL;
    if (!ld) {
        tt_error_set(err, TT_ERR_NOMEM, "", 0, 0, "out of memory");
        return NULL;
    }
    if (tt_loader_add_path(ld, path) < 0)
        tt_error_set(err, TT_ERR_NOMEM, "", 0, 0, "out of memory");
    else
        rs = tt_loader_build(ld, err);
    tt_loader_free(ld);
    return rs;
}
