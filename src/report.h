/* report.h - report writers: a small table of functions, one file per format.  Internal. */
#ifndef TT_REPORT_H
#define TT_REPORT_H

#include <stdio.h>
#include <string.h>

#include "topictag.h"

struct tt_obuf;

#define TT_STR_(x) #x
#define TT_STR(x) TT_STR_(x)   /* a number macro as a string literal */

typedef struct tt_report_ops {
    int (*begin)(tt_report *rep);
    /* meta is never NULL here (an empty one when the caller knows nothing) */
    int (*document)(tt_report *rep, const char *name, const char *id, const tt_doc_meta *meta,
                    const tt_result *r, const tt_error *derr);
    int (*finish)(tt_report *rep);
    /* Renders one document into b without writing it (NULL: the format cannot). */
    void (*render)(const tt_report *rep, struct tt_obuf *b, const char *name, const char *id,
                   const tt_doc_meta *meta, const tt_result *r, const tt_error *derr);
    /* Writes a rendering of the next document (after it has been counted). */
    int (*emit)(tt_report *rep, const char *data, size_t len);
} tt_report_ops;

/* A growable output buffer: a document is rendered into it and written with one fwrite. */
typedef struct tt_obuf {
    char *s;
    size_t len, cap;
    int nomem;
    FILE *spill;               /* when set, a buffer past TT_OB_SPILL is written here rather
                                  than grown: a large document costs no copy of its report */
} tt_obuf;

#define TT_OB_SPILL ((size_t)1 << 20)

void tt_ob_put_slow(tt_obuf *b, const char *s, size_t n);   /* grows the buffer */

/* Inline: most pieces are short constants that fit (strlen of a literal folds away). */
static inline void tt_ob_put(tt_obuf *b, const char *s, size_t n)
{
    if (b->len + n < b->cap && !b->nomem) {
        memcpy(b->s + b->len, s, n);
        b->len += n;
    } else {
        tt_ob_put_slow(b, s, n);
    }
}

static inline void tt_ob_puts(tt_obuf *b, const char *s) { tt_ob_put(b, s, strlen(s)); }
void tt_ob_uint(tt_obuf *b, size_t v);
/* Room for n more bytes at b->s + b->len, or NULL (out of memory, noted in b): a writer that
 * fills it with pieces of known length checks once (and sets b->len when done). */
char *tt_ob_room(tt_obuf *b, size_t n);
char *tt_ob_uint_at(char *at, size_t v);   /* v's digits at at (20 at most); returns their end */
void tt_ob_number(tt_obuf *b, double v);               /* 2.0, 0.25 */
void tt_ob_json(tt_obuf *b, const char *s, size_t n);  /* a quoted JSON string */
/* A document name as a JSON member (report_names.c): "key": "name" when name is valid UTF-8,
 * else "key_bytes": "<base64 of its bytes>". */
void tt_ob_json_name(tt_obuf *b, const char *key, const char *name);
/* Appends name with every byte that is not valid UTF-8 (and, with controls, every control
 * character) written as \xHH. */
void tt_ob_visible_name(tt_obuf *b, const char *name, int controls);
/* name when it needs no escape, else its escaped form in scratch (emptied first; "" when
 * memory ran out). */
const char *tt_visible_name(tt_obuf *scratch, const char *name, int controls);

struct tt_report {
    const tt_ruleset *rs;
    tt_report_options opt;
    FILE *out;
    const tt_report_ops *ops;
    int begun;
    size_t ndocs, nfailed, nsentences, ntagged;
    size_t nreplaced;          /* bytes replaced with U+FFFD (tt_doc_meta), summed */
    char **fields;             /* tt_report_set_input: the input fields kept */
    size_t nfields;
    int show_replaced;         /* tt_report_set_input: records and summaries count them */
    size_t *topic_docs;        /* per topic: documents carrying it */
    size_t *topic_sents;       /* per topic: sentences carrying it */
    size_t *topic_roles;       /* per topic and role: [topic * 4 + role] documents */
    tt_obuf ob;                /* the document being rendered (json, jsonl) */
    tt_obuf ids;               /* every topic's and pattern's id as a quoted JSON string, */
    size_t *qtopic, *qpattern; /* from ids.s + q[i] to ids.s + q[i + 1]: written once, then
                                  copied into each document (render threads only read them) */
    tt_obuf rows;              /* html: the table of articles, written at the end */
};

extern const tt_report_ops tt_report_text_ops;
extern const tt_report_ops tt_report_json_ops;   /* json and jsonl */
extern const tt_report_ops tt_report_csv_ops;    /* csv and tsv */
extern const tt_report_ops tt_report_html_ops;

/* Appends s[0..n) as HTML text, safe in an element and in a quoted attribute (report_html.c):
 * & < > " ' as references, U+2028 and U+2029 as references, control characters other than
 * tab and line ends as U+FFFD.  The one door for untrusted text into the page. */
void tt_ob_html(tt_obuf *b, const char *s, size_t n);
/* Appends the base64 of s[0..n) (report_names.c). */
void tt_ob_base64(tt_obuf *b, const unsigned char *s, size_t n);

/* Shared helpers for the writers. */
void tt_json_string(FILE *out, const char *s, size_t n);      /* a quoted JSON string */
void tt_write_number(FILE *out, double v);                    /* 2.0, 0.25 */
int tt_report_has_error(const tt_result *r, const tt_error *derr);
/* Writes the batch summary object {"documents": ...} (no newline). */
void tt_json_summary(tt_report *rep);

#endif
