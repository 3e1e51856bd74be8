/* article.c - the article context model (see article.h and docs/rules.md, "Articles"). */
#include "article.h"

#include <string.h>

#include "alloc.h"

static void forget(tt_art_topic *t)
{
    t->link = t->origin = t->art_from = -1;
}

/* The state of a topic at the start of a document. */
static void fresh(tt_art_topic *t)
{
    forget(t);
    t->last_carry = t->direct_at = t->stop_at = -1;
    t->stop = TT_STOP_NONE;
    t->headline = t->lead = 0;
    t->active = 0;
}

int tt_article_init(tt_article *a, size_t ntopics)
{
    size_t i;
    memset(a, 0, sizeof *a);
    a->t = tt_calloc(ntopics + 1, sizeof *a->t);
    a->act = tt_calloc(ntopics + 1, sizeof *a->act);
    a->nt = ntopics;
    if (!a->t || !a->act)
        return -1;
    for (i = 0; i < ntopics; i++)
        fresh(&a->t[i]);
    return 0;
}

void tt_article_release(tt_article *a)
{
    tt_free(a->t);
    tt_free(a->act);
    a->t = NULL;
    a->act = NULL;
    a->nt = a->nact = 0;
}

void tt_article_begin(tt_article *a, const tt_article_rules *ar)
{
    size_t i;
    for (i = 0; i < a->nact; i++)
        fresh(&a->t[a->act[i]]);
    a->nact = 0;
    a->lead_left = ar->lead;
    a->ndirect = 0;
    a->nfull = 0;
}

/* ---- text facts -------------------------------------------------------------------------- */

/* Whether the sentence ends in a terminator, before any closing quotes or brackets. */
static int ends_in_terminator(const char *text, size_t start, size_t end)
{
    const unsigned char *u = (const unsigned char *)text;
    size_t e = end;
    while (e > start) {
        unsigned char c = u[e - 1];
        if (c == '"' || c == '\'' || c == ')' || c == ']') {
            e--;
        } else if (e - start >= 3 && u[e - 3] == 0xE2 && u[e - 2] == 0x80 &&
                   (c == 0x9D || c == 0x99)) {
            e -= 3;    /* ” ’ */
        } else {
            break;
        }
    }
    if (e == start)
        return 0;
    if (u[e - 1] == '.' || u[e - 1] == '!' || u[e - 1] == '?')
        return 1;
    return e - start >= 3 && u[e - 3] == 0xE2 && u[e - 2] == 0x80 && u[e - 1] == 0xA6;   /* … */
}

int tt_article_is_full(const char *text, size_t start, size_t end)
{
    return ends_in_terminator(text, start, end);
}

int tt_article_is_headline(const char *text, size_t len, size_t start, size_t end)
{
    size_t i;
    if (ends_in_terminator(text, start, end))
        return 0;
    for (i = 0; i < start; i++)    /* only white space (a BOM) before it: the first line */
        if (!(text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r' ||
              (unsigned char)text[i] >= 0x80))
            return 0;
    if (memchr(text + start, '\n', end - start))
        return 0;
    for (i = end; i < len; i++)    /* more text after it */
        if (!(text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r'))
            return 1;
    return 0;
}

/* ---- the model --------------------------------------------------------------------------- */

uint32_t tt_article_enter(tt_article *a, const tt_article_rules *ar, size_t s, int headline,
                          int full, int switched, int dateline, int aside)
{
    uint32_t kind = TT_SENT_BODY;
    int brk = switched ? TT_STOP_SWITCH : dateline && a->nfull > 0 ? TT_STOP_SECTION : 0;
    a->ndirect = 0;
    a->no_inherit = aside || (!full && !(headline && s == 0));
    a->nfull += full != 0;
    if (brk) {
        size_t i;
        for (i = 0; i < a->nact; i++)
            tt_article_stop(a, a->act[i], s, brk);
        a->lead_left = ar->lead;
        kind = TT_SENT_BREAK;
    } else if (headline && s == 0) {
        return TT_SENT_HEADLINE;
    }
    if (full && a->lead_left > 0) {
        a->lead_left--;
        if (kind == TT_SENT_BODY)
            kind = TT_SENT_LEAD;
    }
    return kind;
}

/* The chain's last sentence, when s may continue it: within the window, in the same paragraph
 * for paragraph scope. */
static long window_link(const tt_art_topic *t, const tt_topic_info *info, size_t s,
                        const tt_sentence *sent)
{
    if (!info->has_context || t->link < 0 || s - (size_t)t->link > info->context_window)
        return -1;
    if (!info->context_article && sent[t->link].paragraph != sent[s].paragraph)
        return -1;
    return t->link;
}

static int article_live(const tt_art_topic *t, const tt_topic_info *info, size_t s)
{
    return info->has_article && t->art_from >= 0 &&
           (info->article_reach == 0 || s - (size_t)t->last_carry <= info->article_reach);
}

int tt_article_live(const tt_article *a, const tt_topic_info *info, size_t ti, size_t s,
                    const tt_sentence *sent)
{
    const tt_art_topic *t = &a->t[ti];
    return (window_link(t, info, s, sent) >= 0 ? 1 : 0) | (article_live(t, info, s) ? 2 : 0);
}

int tt_article_inherit(const tt_article *a, const tt_topic_info *info, size_t ti, size_t s,
                       const tt_sentence *sent, int when, int art_when, long *from, long *link)
{
    const tt_art_topic *t = &a->t[ti];
    long l = window_link(t, info, s, sent);
    if (a->no_inherit)
        return 0;
    if (l >= 0 && when) {
        *from = t->origin;
        *link = l;
        return TT_VIA_CONTEXT;
    }
    if (art_when && article_live(t, info, s)) {
        *from = t->art_from;
        *link = t->last_carry;
        return TT_VIA_ARTICLE;
    }
    return 0;
}

void tt_article_carry(tt_article *a, const tt_topic_info *info, size_t ti, size_t s,
                      uint32_t kind, int via, long from)
{
    tt_art_topic *t = &a->t[ti];
    if (!t->active) {
        t->active = 1;
        a->act[a->nact++] = (uint32_t)ti;
    }
    t->last_carry = (long)s;
    if (kind == TT_SENT_HEADLINE)
        t->headline = 1;
    else if (kind == TT_SENT_LEAD || kind == TT_SENT_BREAK)
        t->lead = 1;
    if (via == TT_VIA_DIRECT) {
        a->ndirect++;
        t->direct_at = (long)s;
        t->link = t->origin = (long)s;
        if (t->art_from < 0 && (kind == TT_SENT_HEADLINE ||
                                (!info->article_headline_only &&
                                 (kind == TT_SENT_LEAD || kind == TT_SENT_BREAK))))
            t->art_from = (long)s;
    } else if (info->context_article) {
        t->link = (long)s;    /* a chain: a continuation may be continued */
        t->origin = from;
    }
}

void tt_article_stop(tt_article *a, size_t ti, size_t s, int reason)
{
    tt_art_topic *t = &a->t[ti];
    if (t->link < 0 && t->art_from < 0)
        return;    /* nothing to stop: keep the reason it stopped last */
    forget(t);
    t->stop = reason;
    t->stop_at = (long)s;
}

void tt_article_leave(tt_article *a, const tt_topic_info *topics, size_t s)
{
    size_t i;
    if (a->ndirect == 0)
        return;
    for (i = 0; i < a->nact; i++) {
        tt_art_topic *t = &a->t[a->act[i]];
        if (t->link < 0 || !topics[a->act[i]].context_article || t->direct_at == (long)s)
            continue;
        t->link = t->origin = -1;    /* the chain ends; the article's topics stay */
        t->stop = TT_STOP_OTHER_TOPIC;
        t->stop_at = (long)s;
    }
}

tt_role tt_article_role(const tt_article_rules *ar, const tt_art_topic *t, size_t sentences,
                        size_t nsent, double score)
{
    double share = nsent ? (double)sentences / (double)nsent : 0.0;
    int opening = t->headline || t->lead;
    if (sentences == 0)
        return TT_ROLE_NONE;
    if ((opening && share >= ar->primary_share) || share >= ar->primary_share_alone)
        return TT_ROLE_PRIMARY;
    /* a topic named once in the lead ("amid tensions over Taiwan") is only mentioned there */
    if (t->headline || (t->lead && sentences >= ar->secondary_lead) ||
        (share >= ar->secondary_share && sentences >= ar->secondary_sentences) ||
        (ar->secondary_score > 0 && score >= ar->secondary_score))
        return TT_ROLE_SECONDARY;
    return TT_ROLE_MENTIONED;
}

/* ---- names ------------------------------------------------------------------------------- */

static const char *const role_names[] = {"none", "mentioned", "secondary", "primary"};

const char *tt_role_name(tt_role role)
{
    return (unsigned)role < sizeof role_names / sizeof *role_names ? role_names[role] : "none";
}

int tt_role_parse(const char *name)
{
    size_t i;
    for (i = 0; i < sizeof role_names / sizeof *role_names; i++)
        if (!strcmp(name, role_names[i]))
            return (int)i;
    return -1;
}

const char *tt_stop_name(tt_stop stop)
{
    switch (stop) {
    case TT_STOP_SWITCH:
        return "switch";
    case TT_STOP_SECTION:
        return "section";
    case TT_STOP_OTHER_TOPIC:
        return "other-topic";
    case TT_STOP_BREAKS:
        return "breaks";
    default:
        return "";
    }
}
