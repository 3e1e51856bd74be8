/* report_csv.c - CSV (RFC 4180 quoting) and TSV (backslash escapes) writers: one row per
 * (tagged sentence, topic), and one row per document error. */
#include <string.h>

#include "report.h"

static void field(tt_report *rep, const char *s, size_t n)
{
    FILE *o = rep->out;
    size_t i;
    if (rep->opt.format == TT_FORMAT_TSV) {
        for (i = 0; i < n; i++) {
            switch (s[i]) {
            case '\t': fputs("\\t", o); break;
            case '\n': fputs("\\n", o); break;
            case '\r': fputs("\\r", o); break;
            case '\\': fputs("\\\\", o); break;
            default: putc(s[i], o);
            }
        }
        return;
    }
    if (!memchr(s, ',', n) && !memchr(s, '"', n) && !memchr(s, '\n', n) &&
        !memchr(s, '\r', n)) {
        fwrite(s, 1, n, o);
        return;
    }
    putc('"', o);
    for (i = 0; i < n; i++) {
        if (s[i] == '"')
            putc('"', o);
        putc(s[i], o);
    }
    putc('"', o);
}

static void fields(tt_report *rep, const char *s) { field(rep, s, strlen(s)); }
static void sep(tt_report *rep) { putc(rep->opt.format == TT_FORMAT_TSV ? '\t' : ',', rep->out); }

static int csv_begin(tt_report *rep)
{
    static const char *const cols[] = {"document", "id",  "sentence", "start",    "end",  "topic",
                                       "score",    "via", "role",     "patterns", "text",
                                       "error"};
    size_t i;
    for (i = 0; i < sizeof cols / sizeof *cols; i++) {
        if (i)
            sep(rep);
        fputs(cols[i], rep->out);
    }
    for (i = 0; i < rep->nfields; i++) {   /* the input fields kept, after the others */
        sep(rep);
        fields(rep, rep->fields[i]);
    }
    putc('\n', rep->out);
    return 0;
}

static void row_head(tt_report *rep, const char *name, const char *id)
{
    fields(rep, tt_visible_name(&rep->ob, name ? name : "-", 0));
    sep(rep);
    if (id)
        fields(rep, id);
    sep(rep);
}

/* Ends a row with the document's kept input fields: a string's text, another value's JSON, or
 * nothing for a field the record lacks. */
static void end_row(tt_report *rep, const tt_doc_meta *meta)
{
    size_t i;
    for (i = 0; i < rep->nfields; i++) {
        const tt_field_value *v = meta->fields ? &meta->fields[i] : NULL;
        sep(rep);
        if (v && v->text)
            field(rep, v->text, v->text_len);
        else if (v && v->json)
            field(rep, v->json, v->json_len);
    }
    putc('\n', rep->out);
}

static void error_row(tt_report *rep, const char *name, const char *id,
                      const tt_doc_meta *meta, const char *code, const char *msg)
{
    char buf[300];
    int i;
    row_head(rep, name, id);
    for (i = 0; i < 9; i++)   /* sentence .. text are empty */
        sep(rep);
    snprintf(buf, sizeof buf, "%s: %s", code, msg);
    fields(rep, buf);
    end_row(rep, meta);
}

static int csv_document(tt_report *rep, const char *name, const char *id,
                        const tt_doc_meta *meta, const tt_result *r, const tt_error *derr)
{
    FILE *o = rep->out;
    size_t ns = 0, ntags = 0, nm = 0, ne = 0, i, j, k;
    const tt_sentence *s = r ? tt_result_sentences(r, &ns) : NULL;
    const tt_tag *tags = r ? tt_result_tags(r, &ntags) : NULL;
    const tt_match *m = r ? tt_result_matches(r, &nm) : NULL;
    const tt_doc_error *e = r ? tt_result_errors(r, &ne) : NULL;
    const char *text = r ? tt_result_text(r) : NULL;

    if (derr && derr->code != TT_OK)
        error_row(rep, name, id, meta, tt_status_name(derr->code), derr->message);
    for (i = 0; i < ne; i++)
        error_row(rep, name, id, meta, tt_status_name(e[i].code), e[i].message);
    for (i = 0; i < ns; i++) {
        for (j = 0; j < s[i].tag_count; j++) {
            const tt_tag *t = &tags[s[i].tag_first + j];
            const tt_topic_info *ti = tt_ruleset_topic(rep->rs, t->topic);
            row_head(rep, name, id);
            fprintf(o, "%zu", i);
            sep(rep);
            fprintf(o, "%zu", s[i].start);
            sep(rep);
            fprintf(o, "%zu", s[i].end);
            sep(rep);
            fields(rep, ti->id);
            sep(rep);
            tt_write_number(o, t->score);
            sep(rep);
            if (t->via_context)
                fprintf(o, "%s:%zu", t->via_context == TT_VIA_ARTICLE ? "article" : "context",
                        t->from);
            sep(rep);
            fputs(tt_role_name(tt_result_role(r, t->topic)), o);
            sep(rep);
            {
                /* distinct pattern ids, space separated (matches are in pattern order) */
                char buf[1024];
                size_t len = 0;
                long last = -1;
                buf[0] = 0;
                for (k = 0; k < t->match_count; k++) {
                    const tt_match *mm = &m[t->match_first + k];
                    const tt_pattern_info *pi = tt_ruleset_pattern(rep->rs, mm->pattern);
                    size_t pl = strlen(pi->id);
                    if ((long)mm->pattern == last || len + pl + 2 >= sizeof buf)
                        continue;
                    if (len)
                        buf[len++] = ' ';
                    memcpy(buf + len, pi->id, pl + 1);
                    len += pl;
                    last = (long)mm->pattern;
                }
                field(rep, buf, len);
            }
            sep(rep);
            field(rep, text + s[i].start, s[i].end - s[i].start);
            sep(rep);
            end_row(rep, meta);
        }
    }
    return 0;
}

const tt_report_ops tt_report_csv_ops = {csv_begin, csv_document, NULL, NULL, NULL};
