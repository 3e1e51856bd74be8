/* report_json.c - JSON (one document for the batch) and JSON Lines (one object per document,
 * streamed) writers.  A document is rendered into the report's buffer and written at once. */
#include <string.h>

#include "report.h"

static int json_begin(tt_report *rep)
{
    if (rep->opt.format == TT_FORMAT_JSON)
        fputs("{\"schema\": " TT_STR(TT_JSON_SCHEMA) ", \"documents\": [\n", rep->out);
    return 0;
}

static void ob_str(tt_obuf *b, const char *s) { tt_ob_json(b, s, strlen(s)); }

/* Topic ti's id, quoted (tt_report.ids). */
static void ob_topic(const tt_report *rep, tt_obuf *b, size_t ti)
{
    tt_ob_put(b, rep->ids.s + rep->qtopic[ti], rep->qtopic[ti + 1] - rep->qtopic[ti]);
}

/* Pattern p's id, quoted. */
static void ob_pattern(const tt_report *rep, tt_obuf *b, size_t p)
{
    tt_ob_put(b, rep->ids.s + rep->qpattern[p], rep->qpattern[p + 1] - rep->qpattern[p]);
}

static void json_errors(const tt_report *rep, tt_obuf *b, const tt_result *r,
                        const tt_error *derr)
{
    size_t n = 0, i;
    const tt_doc_error *e = r ? tt_result_errors(r, &n) : NULL;
    int first = 1;
    tt_ob_puts(b, "\"errors\": [");
    if (derr && derr->code != TT_OK) {
        tt_ob_puts(b, "{\"code\": ");
        ob_str(b, tt_status_name(derr->code));
        tt_ob_puts(b, ", \"message\": ");
        ob_str(b, derr->message);
        tt_ob_puts(b, "}");
        first = 0;
    }
    for (i = 0; i < n; i++) {
        tt_ob_puts(b, first ? "{\"code\": " : ", {\"code\": ");
        first = 0;
        ob_str(b, tt_status_name(e[i].code));
        tt_ob_puts(b, ", \"offset\": ");
        tt_ob_uint(b, e[i].offset);
        if (e[i].pattern >= 0) {
            const tt_pattern_info *pi = tt_ruleset_pattern(rep->rs, (size_t)e[i].pattern);
            tt_ob_puts(b, ", \"topic\": ");
            ob_str(b, tt_ruleset_topic(rep->rs, pi->topic)->id);
            tt_ob_puts(b, ", \"pattern\": ");
            ob_str(b, pi->id);
        }
        tt_ob_puts(b, ", \"message\": ");
        ob_str(b, e[i].message);
        tt_ob_puts(b, "}");
    }
    tt_ob_puts(b, "]");
}

static void json_tag(const tt_report *rep, tt_obuf *b, const tt_result *r, const tt_tag *t)
{
    const char *text = tt_result_text(r);
    size_t nm, i;
    const tt_match *m = tt_result_matches(r, &nm) + t->match_first;
    tt_ob_puts(b, "{\"id\": ");
    ob_topic(rep, b, t->topic);
    tt_ob_puts(b, ", \"score\": ");
    tt_ob_number(b, t->score);
    if (t->via_context) {
        tt_ob_puts(b, t->via_context == TT_VIA_ARTICLE ? ", \"via\": \"article\", \"from\": "
                                                       : ", \"via\": \"context\", \"from\": ");
        tt_ob_uint(b, t->from);
        if (t->link != t->from) {
            tt_ob_puts(b, ", \"link\": ");
            tt_ob_uint(b, t->link);
        }
    }
    tt_ob_puts(b, ", \"matches\": [");
    for (i = 0; i < t->match_count; i++) {
        tt_ob_puts(b, i ? ", {\"pattern\": " : "{\"pattern\": ");
        ob_pattern(rep, b, m[i].pattern);
        tt_ob_puts(b, ", \"start\": ");
        tt_ob_uint(b, m[i].start);
        tt_ob_puts(b, ", \"end\": ");
        tt_ob_uint(b, m[i].end);
        tt_ob_puts(b, ", \"text\": ");
        tt_ob_json(b, text + m[i].start, m[i].end - m[i].start);
        tt_ob_puts(b, "}");
    }
    tt_ob_puts(b, "]}");
}

/* What the caller knows of the document's input: "fields" (the kept input fields present in
 * the record, their values as the input wrote them) and "replaced". */
static void json_input(const tt_report *rep, tt_obuf *b, const tt_doc_meta *meta)
{
    size_t i;
    int first = 1;
    if (rep->nfields) {
        tt_ob_puts(b, ", \"fields\": {");
        for (i = 0; meta->fields && i < rep->nfields; i++) {
            if (!meta->fields[i].json)
                continue;   /* absent from the record: absent here */
            if (!first)
                tt_ob_puts(b, ", ");
            first = 0;
            ob_str(b, rep->fields[i]);
            tt_ob_puts(b, ": ");
            tt_ob_put(b, meta->fields[i].json, meta->fields[i].json_len);
        }
        tt_ob_puts(b, "}");
    }
    if (rep->show_replaced) {
        tt_ob_puts(b, ", \"replaced\": ");
        tt_ob_uint(b, meta->replaced);
    }
}

#define PUT(d, lit) (memcpy((d), (lit), sizeof(lit) - 1), (d) + sizeof(lit) - 1)

/* A sentence's members up to its text: {"index": ..., "start": ..., "end": ...,
 * "paragraph": ..., "kind": ..., "text":  with one reservation (four numbers of 20 digits at
 * most and the names: under 200 bytes).  0 when memory ran out. */
static int sentence_head(tt_obuf *b, const tt_sentence *s, size_t i, int first)
{
    static const char *const kinds[] = {"body", "headline", "lead", "break"};
    char *d = tt_ob_room(b, 200);
    if (!d)
        return 0;
    d = first ? PUT(d, "{\"index\": ") : PUT(d, ", {\"index\": ");
    d = tt_ob_uint_at(d, i);
    d = tt_ob_uint_at(PUT(d, ", \"start\": "), s->start);
    d = tt_ob_uint_at(PUT(d, ", \"end\": "), s->end);
    d = tt_ob_uint_at(PUT(d, ", \"paragraph\": "), s->paragraph);
    if (s->kind != TT_SENT_BODY) {
        size_t n = strlen(kinds[s->kind & 3]);
        d = PUT(d, ", \"kind\": \"");
        memcpy(d, kinds[s->kind & 3], n);
        d = PUT(d + n, "\"");
    }
    d = PUT(d, ", \"text\": ");
    b->len = (size_t)(d - b->s);
    return 1;
}

/* One document, without the separator that precedes it in a JSON array. */
static void json_render(const tt_report *rep, tt_obuf *b, const char *name, const char *id,
                        const tt_doc_meta *meta, const tt_result *r, const tt_error *derr)
{
    size_t ns = 0, nt = 0, ntags = 0, i, j;
    const tt_sentence *s = r ? tt_result_sentences(r, &ns) : NULL;
    const tt_topic_total *tot = r ? tt_result_topics(r, &nt) : NULL;
    const tt_tag *tags = r ? tt_result_tags(r, &ntags) : NULL;
    const char *text = r ? tt_result_text(r) : NULL;
    int first = 1;

    /* a JSON Lines record stands alone: it carries the version; a JSON batch once, on top */
    tt_ob_puts(b, rep->opt.format == TT_FORMAT_JSONL ? "{\"schema\": " TT_STR(TT_JSON_SCHEMA) ", "
                                                      : "{");
    tt_ob_json_name(b, "document", name ? name : "-");
    if (id) {
        tt_ob_puts(b, ", \"id\": ");
        ob_str(b, id);
    }
    json_input(rep, b, meta);
    tt_ob_puts(b, ", \"bytes\": ");
    tt_ob_uint(b, r ? tt_result_length(r) : 0);
    tt_ob_puts(b, ", \"sentences\": [");
    for (i = 0; i < ns; i++) {
        if (rep->opt.tagged_only && !s[i].tag_count)
            continue;
        if (!sentence_head(b, &s[i], i, first))
            return;   /* out of memory: b says so */
        first = 0;
        tt_ob_json(b, text + s[i].start, s[i].end - s[i].start);
        if (!s[i].tag_count) {
            tt_ob_puts(b, ", \"topics\": []}");
            continue;
        }
        tt_ob_puts(b, ", \"topics\": [");
        for (j = 0; j < s[i].tag_count; j++) {
            if (j)
                tt_ob_puts(b, ", ");
            json_tag(rep, b, r, &tags[s[i].tag_first + j]);
        }
        tt_ob_puts(b, "]}");
    }
    tt_ob_puts(b, "], \"topics\": [");
    for (i = 0; i < nt; i++) {
        tt_ob_puts(b, i ? ", {\"id\": " : "{\"id\": ");
        ob_topic(rep, b, tot[i].topic);
        tt_ob_puts(b, ", \"sentences\": ");
        tt_ob_uint(b, tot[i].sentences);
        tt_ob_puts(b, ", \"score\": ");
        tt_ob_number(b, tot[i].score);
        tt_ob_puts(b, ", \"role\": \"");
        tt_ob_puts(b, tt_role_name((tt_role)tot[i].role));
        tt_ob_puts(b, tot[i].headline ? "\", \"headline\": true" : "\", \"headline\": false");
        tt_ob_puts(b, tot[i].lead ? ", \"lead\": true}" : ", \"lead\": false}");
    }
    tt_ob_puts(b, "], ");
    json_errors(rep, b, r, derr);
    tt_ob_puts(b, "}");
    if (rep->opt.format == TT_FORMAT_JSONL)
        tt_ob_puts(b, "\n");
}

static int json_emit_rest(tt_report *rep, const char *data, size_t len);

/* Writes a rendered document (counted already: ndocs includes it). */
static int json_emit(tt_report *rep, const char *data, size_t len)
{
    if (rep->opt.format == TT_FORMAT_JSON && rep->ndocs > 1)
        fputs(",\n", rep->out);
    return json_emit_rest(rep, data, len);
}

/* The document's rendering after its separator. */
static int json_emit_rest(tt_report *rep, const char *data, size_t len)
{
    if (len && fwrite(data, 1, len, rep->out) != len)
        return -1;
    /* JSON Lines is streamed: a consumer sees each document when it is done */
    if (rep->opt.format == TT_FORMAT_JSONL && rep->opt.stream && fflush(rep->out) != 0)
        return -1;
    return 0;
}

static int json_document(tt_report *rep, const char *name, const char *id,
                         const tt_doc_meta *meta, const tt_result *r, const tt_error *derr)
{
    int rc;
    rep->ob.len = 0;
    /* a large document is written as it is rendered: memory is not a copy of its report */
    if (rep->opt.format == TT_FORMAT_JSON && rep->ndocs > 1)
        fputs(",\n", rep->out);
    rep->ob.spill = rep->out;
    json_render(rep, &rep->ob, name, id, meta, r, derr);
    rep->ob.spill = NULL;
    rc = rep->ob.nomem || ferror(rep->out) ? -1 : json_emit_rest(rep, rep->ob.s, rep->ob.len);
    rep->ob.len = 0;
    rep->ob.nomem = 0;
    return rc;
}

static int json_finish(tt_report *rep)
{
    if (rep->opt.format == TT_FORMAT_JSON) {
        fputs("\n], \"summary\": ", rep->out);
        tt_json_summary(rep);
        fputs("}\n", rep->out);
    } else if (rep->opt.summary) {
        fputs("{\"schema\": " TT_STR(TT_JSON_SCHEMA) ", \"summary\": ", rep->out);
        tt_json_summary(rep);
        fputs("}\n", rep->out);
    }
    return 0;
}

const tt_report_ops tt_report_json_ops = {json_begin, json_document, json_finish, json_render,
                                          json_emit};
