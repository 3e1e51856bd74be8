/* report_json.c - JSON (one document for the batch) and JSON Lines (one object per document,
 * streamed) writers. */
#include <string.h>

#include "report.h"

static int json_begin(tt_report *rep)
{
    if (rep->opt.format == TT_FORMAT_JSON)
        fputs("{\"documents\": [\n", rep->out);
    return 0;
}

static void json_errors(tt_report *rep, const tt_result *r, const tt_error *derr)
{
    FILE *o = rep->out;
    size_t n = 0, i;
    const tt_doc_error *e = r ? tt_result_errors(r, &n) : NULL;
    int first = 1;
    fputs("\"errors\": [", o);
    if (derr && derr->code != TT_OK) {
        fputs("{\"code\": ", o);
        tt_json_string(o, tt_status_name(derr->code), strlen(tt_status_name(derr->code)));
        fputs(", \"message\": ", o);
        tt_json_string(o, derr->message, strlen(derr->message));
        fputs("}", o);
        first = 0;
    }
    for (i = 0; i < n; i++) {
        fputs(first ? "{\"code\": " : ", {\"code\": ", o);
        first = 0;
        tt_json_string(o, tt_status_name(e[i].code), strlen(tt_status_name(e[i].code)));
        fprintf(o, ", \"offset\": %zu", e[i].offset);
        if (e[i].pattern >= 0) {
            const tt_pattern_info *pi = tt_ruleset_pattern(rep->rs, (size_t)e[i].pattern);
            const tt_topic_info *ti = tt_ruleset_topic(rep->rs, pi->topic);
            fputs(", \"topic\": ", o);
            tt_json_string(o, ti->id, strlen(ti->id));
            fputs(", \"pattern\": ", o);
            tt_json_string(o, pi->id, strlen(pi->id));
        }
        fputs(", \"message\": ", o);
        tt_json_string(o, e[i].message, strlen(e[i].message));
        fputs("}", o);
    }
    fputs("]", o);
}

static void json_tag(tt_report *rep, const tt_result *r, const tt_tag *t)
{
    FILE *o = rep->out;
    const char *text = tt_result_text(r);
    const tt_topic_info *ti = tt_ruleset_topic(rep->rs, t->topic);
    size_t nm, i;
    const tt_match *m = tt_result_matches(r, &nm) + t->match_first;
    fputs("{\"id\": ", o);
    tt_json_string(o, ti->id, strlen(ti->id));
    fputs(", \"score\": ", o);
    tt_write_number(o, t->score);
    if (t->via_context)
        fprintf(o, ", \"via\": \"context\", \"from\": %zu", t->from);
    fputs(", \"matches\": [", o);
    for (i = 0; i < t->match_count; i++) {
        const tt_pattern_info *pi = tt_ruleset_pattern(rep->rs, m[i].pattern);
        fputs(i ? ", {\"pattern\": " : "{\"pattern\": ", o);
        tt_json_string(o, pi->id, strlen(pi->id));
        fprintf(o, ", \"start\": %zu, \"end\": %zu, \"text\": ", m[i].start, m[i].end);
        tt_json_string(o, text + m[i].start, m[i].end - m[i].start);
        fputs("}", o);
    }
    fputs("]}", o);
}

static int json_document(tt_report *rep, const char *name, const char *id, const tt_result *r,
                         const tt_error *derr)
{
    FILE *o = rep->out;
    size_t ns = 0, nt = 0, ntags = 0, i, j;
    const tt_sentence *s = r ? tt_result_sentences(r, &ns) : NULL;
    const tt_topic_total *tot = r ? tt_result_topics(r, &nt) : NULL;
    const tt_tag *tags = r ? tt_result_tags(r, &ntags) : NULL;
    const char *text = r ? tt_result_text(r) : NULL;
    int first = 1;

    if (rep->opt.format == TT_FORMAT_JSON && rep->ndocs > 1)
        fputs(",\n", o);
    fputs("{\"document\": ", o);
    tt_json_string(o, name ? name : "-", strlen(name ? name : "-"));
    if (id) {
        fputs(", \"id\": ", o);
        tt_json_string(o, id, strlen(id));
    }
    fprintf(o, ", \"bytes\": %zu, \"sentences\": [", r ? tt_result_length(r) : (size_t)0);
    for (i = 0; i < ns; i++) {
        if (rep->opt.tagged_only && !s[i].tag_count)
            continue;
        fprintf(o, "%s{\"index\": %zu, \"start\": %zu, \"end\": %zu, \"paragraph\": %u, "
                   "\"text\": ",
                first ? "" : ", ", i, s[i].start, s[i].end, s[i].paragraph);
        first = 0;
        tt_json_string(o, text + s[i].start, s[i].end - s[i].start);
        fputs(", \"topics\": [", o);
        for (j = 0; j < s[i].tag_count; j++) {
            if (j)
                fputs(", ", o);
            json_tag(rep, r, &tags[s[i].tag_first + j]);
        }
        fputs("]}", o);
    }
    fputs("], \"topics\": [", o);
    for (i = 0; i < nt; i++) {
        const tt_topic_info *ti = tt_ruleset_topic(rep->rs, tot[i].topic);
        fputs(i ? ", {\"id\": " : "{\"id\": ", o);
        tt_json_string(o, ti->id, strlen(ti->id));
        fprintf(o, ", \"sentences\": %zu, \"score\": ", tot[i].sentences);
        tt_write_number(o, tot[i].score);
        fputs("}", o);
    }
    fputs("], ", o);
    json_errors(rep, r, derr);
    fputs("}", o);
    if (rep->opt.format == TT_FORMAT_JSONL) {
        fputs("\n", o);
        if (fflush(o) != 0)     /* streamed: a consumer sees each document when it is done */
            return -1;
    }
    return 0;
}

static int json_finish(tt_report *rep)
{
    if (rep->opt.format == TT_FORMAT_JSON) {
        fputs("\n], \"summary\": ", rep->out);
        tt_json_summary(rep);
        fputs("}\n", rep->out);
    } else if (rep->opt.summary) {
        fputs("{\"summary\": ", rep->out);
        tt_json_summary(rep);
        fputs("}\n", rep->out);
    }
    return 0;
}

const tt_report_ops tt_report_json_ops = {json_begin, json_document, json_finish};
