/* report.h - report writers: a small table of functions, one file per format.  Internal. */
#ifndef TT_REPORT_H
#define TT_REPORT_H

#include <stdio.h>

#include "topictag.h"

typedef struct tt_report_ops {
    int (*begin)(tt_report *rep);
    int (*document)(tt_report *rep, const char *name, const char *id, const tt_result *r,
                    const tt_error *derr);
    int (*finish)(tt_report *rep);
} tt_report_ops;

struct tt_report {
    const tt_ruleset *rs;
    tt_report_options opt;
    FILE *out;
    const tt_report_ops *ops;
    int begun;
    size_t ndocs, nfailed, nsentences, ntagged;
    size_t *topic_docs;        /* per topic: documents carrying it */
    size_t *topic_sents;       /* per topic: sentences carrying it */
};

extern const tt_report_ops tt_report_text_ops;
extern const tt_report_ops tt_report_json_ops;   /* json and jsonl */
extern const tt_report_ops tt_report_csv_ops;    /* csv and tsv */

/* Shared helpers for the writers. */
void tt_json_string(FILE *out, const char *s, size_t n);      /* a quoted JSON string */
void tt_write_number(FILE *out, double v);                    /* 2.0, 0.25 */
int tt_report_has_error(const tt_result *r, const tt_error *derr);
/* Writes the batch summary object {"documents": ...} (no newline). */
void tt_json_summary(tt_report *rep);

#endif
