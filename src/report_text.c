/* report_text.c - the report a person reads: per document its tagged sentences with their
 * topics, then a summary table for the batch. */
#include <string.h>

#include "report.h"

/* Writes a sentence on one line: line breaks inside it become spaces. */
static void oneline(FILE *o, const char *s, size_t n)
{
    size_t i, run = 0;
    for (i = 0; i < n; i++) {
        if (s[i] == '\n' || s[i] == '\r' || s[i] == '\t') {
            fwrite(s + run, 1, i - run, o);
            putc(' ', o);
            run = i + 1;
        }
    }
    fwrite(s + run, 1, n - run, o);
}

static const char *plural(size_t n)
{
    return n == 1 ? "" : "s";
}

static int text_document(tt_report *rep, const char *name, const char *id,
                         const tt_doc_meta *meta, const tt_result *r, const tt_error *derr)
{
    FILE *o = rep->out;
    size_t ns = 0, ntags = 0, ne = 0, i, j, tagged = 0;
    const tt_sentence *s = r ? tt_result_sentences(r, &ns) : NULL;
    const tt_tag *tags = r ? tt_result_tags(r, &ntags) : NULL;
    const tt_doc_error *e = r ? tt_result_errors(r, &ne) : NULL;
    const char *text = r ? tt_result_text(r) : NULL;

    (void)meta;   /* the replaced bytes are warned about as read, and totalled at the end */
    for (i = 0; i < ns; i++)
        tagged += s[i].tag_count > 0;
    fputs("== ", o);
    fputs(tt_visible_name(&rep->ob, name ? name : "-", 1), o);
    if (id)
        fprintf(o, " [%s]", id);
    if (r)
        fprintf(o, ": %zu byte%s, %zu sentence%s, %zu tagged\n", tt_result_length(r),
                plural(tt_result_length(r)), ns, plural(ns), tagged);
    else
        fputs("\n", o);
    if (derr && derr->code != TT_OK)
        fprintf(o, "   error: %s\n", derr->message);
    for (i = 0; i < ne; i++)
        fprintf(o, "   error: %s\n", e[i].message);
    if (r) {
        size_t nt, k, shown = 0;
        const tt_topic_total *tot = tt_result_topics(r, &nt);
        int role;
        /* the decision per topic, strongest role first */
        for (role = TT_ROLE_PRIMARY; role >= TT_ROLE_MENTIONED; role--)
            for (k = 0; k < nt; k++)
                if ((int)tot[k].role == role)
                    fprintf(o, "%s %s %s", shown++ ? "," : "   roles:",
                            tt_ruleset_topic(rep->rs, tot[k].topic)->id,
                            tt_role_name((tt_role)role));
        if (shown)
            putc('\n', o);
    }
    for (i = 0; i < ns; i++) {
        if (!s[i].tag_count)
            continue;
        fprintf(o, "  [%zu]", i);
        for (j = 0; j < s[i].tag_count; j++) {
            const tt_tag *t = &tags[s[i].tag_first + j];
            fprintf(o, "%s %s ", j ? "," : "", tt_ruleset_topic(rep->rs, t->topic)->id);
            tt_write_number(o, t->score);
            if (t->via_context == TT_VIA_ARTICLE)
                fprintf(o, " (article topic from [%zu])", t->from);
            else if (t->via_context && t->link != t->from)
                fprintf(o, " (context from [%zu] via [%zu])", t->from, t->link);
            else if (t->via_context)
                fprintf(o, " (context from [%zu])", t->from);
        }
        fputs("\n      ", o);
        oneline(o, text + s[i].start, s[i].end - s[i].start);
        putc('\n', o);
    }
    putc('\n', o);
    return 0;
}

static int text_finish(tt_report *rep)
{
    FILE *o = rep->out;
    size_t i, nt = tt_ruleset_topic_count(rep->rs);
    fprintf(o, "Summary: %zu document%s (%zu failed), %zu sentence%s, %zu tagged", rep->ndocs,
            plural(rep->ndocs), rep->nfailed, rep->nsentences, plural(rep->nsentences),
            rep->ntagged);
    if (rep->show_replaced)
        fprintf(o, ", %zu byte%s replaced with U+FFFD", rep->nreplaced, plural(rep->nreplaced));
    putc('\n', o);
    fprintf(o, "  %-32s %9s %10s %8s %10s %10s\n", "topic", "articles", "sentences", "primary",
            "secondary", "mentioned");
    for (i = 0; i < nt; i++)
        fprintf(o, "  %-32s %9zu %10zu %8zu %10zu %10zu\n", tt_ruleset_topic(rep->rs, i)->id,
                rep->topic_docs[i], rep->topic_sents[i], rep->topic_roles[i * 4 + TT_ROLE_PRIMARY],
                rep->topic_roles[i * 4 + TT_ROLE_SECONDARY],
                rep->topic_roles[i * 4 + TT_ROLE_MENTIONED]);
    return 0;
}

const tt_report_ops tt_report_text_ops = {NULL, text_document, text_finish, NULL, NULL};
