/* test_report.c - unit tests of the report writers (src/report*.c): JSON and JSON Lines parsed
 * back with jansson, CSV parsed back with an RFC 4180 reader, TSV escapes, the text report. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "report.h"
#include "topictag.h"

static const char RULES_NK[] = "version: 1\n"
                               "topic:\n"
                               "  id: nk\n"
                               "  title: NK\n"
                               "  patterns:\n"
                               "    - id: nk\n"
                               "      literal: Pyongyang\n"
                               "    - id: missile\n"
                               "      literal: missile\n"
                               "      weight: 0.5\n"
                               "  condition: nk and missile\n"
                               "  context:\n"
                               "    window: 2\n"
                               "    when: missile\n";
static const char RULES_QUIET[] = "version: 1\n"
                                  "topic:\n"
                                  "  id: quiet\n"
                                  "  title: Quiet\n"
                                  "  patterns:\n"
                                  "    - id: q\n"
                                  "      literal: zzz\n";

/* The batch: two good documents, one that could not be read, one invalid UTF-8. */
static const char DOC_A[] = "Pyongyang fired a missile. The missile flew far.\n\nWeather was fine.";
static const char DOC_B[] = "Pyongyang\tsaid \"a missile, maybe\" \\ ok\nand more.";
static const char NAME_B[] = "b,\"x\".txt";
static const char DOC_BAD[] = "Bad \xFF byte";

static tt_ruleset *rs;
static tt_scanner *sc;

static int group_setup(void **state)
{
    tt_loader *ld = tt_loader_new();

    (void)state;
    if (!ld)
        return -1;
    if (tt_loader_add_buffer(ld, "nk.yaml", RULES_NK, strlen(RULES_NK)) != 0 ||
        tt_loader_add_buffer(ld, "quiet.yaml", RULES_QUIET, strlen(RULES_QUIET)) != 0) {
        tt_loader_free(ld);
        return -1;
    }
    rs = tt_loader_build(ld, NULL);
    tt_loader_free(ld);
    if (!rs)
        return -1;
    sc = tt_scanner_new(rs, NULL);
    return sc ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    tt_scanner_free(sc);
    tt_ruleset_free(rs);
    return 0;
}

static const tt_result *classify(const char *text, size_t len)
{
    tt_error err;
    const tt_result *r = tt_classify(sc, text, len, &err);
    assert_non_null(r);
    return r;
}

/* A report of the given kind writing to out. */
static tt_report *new_report(FILE *out, tt_format format, int tagged_only, int summary)
{
    tt_report_options opt;
    tt_report *rep;

    assert_non_null(out);
    memset(&opt, 0, sizeof opt);
    opt.format = format;
    opt.tagged_only = tagged_only;
    opt.summary = summary;
    rep = tt_report_new(rs, &opt, out);
    assert_non_null(rep);
    return rep;
}

/* Runs the batch through a report into memory; returns the output (free() it). */
static char *run_batch(tt_format format, int tagged_only, int summary, size_t *len)
{
    char *buf = NULL;
    size_t blen = 0;
    FILE *out = open_memstream(&buf, &blen);
    tt_report *rep = new_report(out, format, tagged_only, summary);
    tt_error io;


    assert_int_equal(tt_report_document(rep, "a.txt", NULL, classify(DOC_A, strlen(DOC_A)),
                                        NULL), 0);
    assert_int_equal(tt_report_failed(rep), 0);
    assert_int_equal(tt_report_document(rep, NAME_B, "b-id", classify(DOC_B, strlen(DOC_B)),
                                        NULL), 0);
    memset(&io, 0, sizeof io);
    io.code = TT_ERR_IO;
    snprintf(io.message, sizeof io.message, "cannot read: No such file or directory");
    assert_int_equal(tt_report_document(rep, "missing.txt", NULL, NULL, &io), 0);
    assert_int_equal(tt_report_failed(rep), 1);
    assert_int_equal(tt_report_document(rep, "bad.txt", NULL,
                                        classify(DOC_BAD, strlen(DOC_BAD)), NULL), 0);
    assert_int_equal(tt_report_failed(rep), 2);
    assert_int_equal(tt_report_finish(rep), 0);
    tt_report_free(rep);
    assert_int_equal(fclose(out), 0);
    *len = blen;
    return buf;
}

/* The same batch, each document rendered ahead into its own buffer (as worker threads do)
 * and emitted later in order; the unreadable one through tt_report_document, as the pool
 * does.  Formats that cannot render apart say so, and go through tt_report_document. */
static char *run_batch_rendered(tt_format format, int tagged_only, int summary, size_t *len)
{
    static const char *const docs[] = {DOC_A, DOC_B, DOC_BAD};
    static const char *const names[] = {"a.txt", NAME_B, "bad.txt"};
    static const char *const ids[] = {NULL, "b-id", NULL};
    char *buf = NULL;
    size_t blen = 0, i;
    FILE *out = open_memstream(&buf, &blen);
    tt_report *rep = new_report(out, format, tagged_only, summary);
    tt_report_buf rb[3];
    tt_scanner *scs[3];
    const tt_result *res[3];
    tt_error io;
    int apart = format == TT_FORMAT_JSON || format == TT_FORMAT_JSONL;

    memset(rb, 0, sizeof rb);
    memset(&io, 0, sizeof io);
    io.code = TT_ERR_IO;
    snprintf(io.message, sizeof io.message, "cannot read: No such file or directory");
    /* one scanner per document, so that every result outlives the others' rendering */
    for (i = 0; i < 3; i++) {
        tt_error err;
        assert_non_null(scs[i] = tt_scanner_new(rs, NULL));
        assert_non_null(res[i] = tt_classify(scs[i], docs[i], strlen(docs[i]), &err));
        assert_int_equal(tt_report_render(rep, names[i], ids[i], res[i], NULL, &rb[i]),
                         apart ? 0 : 1);
    }
    for (i = 0; i < 3; i++) {
        if (apart)
            assert_int_equal(tt_report_emit(rep, &rb[i], res[i], NULL), 0);
        else
            assert_int_equal(tt_report_document(rep, names[i], ids[i], res[i], NULL), 0);
        if (i == 1)
            assert_int_equal(tt_report_document(rep, "missing.txt", NULL, NULL, &io), 0);
    }
    assert_int_equal(tt_report_failed(rep), 2);
    assert_int_equal(tt_report_finish(rep), 0);
    for (i = 0; i < 3; i++) {
        tt_report_buf_release(&rb[i]);
        tt_scanner_free(scs[i]);
    }
    tt_report_free(rep);
    assert_int_equal(fclose(out), 0);
    *len = blen;
    return buf;
}

static void test_report_render_apart(void **state)
{
    tt_format f;
    int tagged_only;

    (void)state;
    for (f = TT_FORMAT_TEXT; f <= TT_FORMAT_TSV; f++) {
        for (tagged_only = 0; tagged_only <= 1; tagged_only++) {
            size_t n1, n2;
            char *a = run_batch(f, tagged_only, 1, &n1);
            char *b = run_batch_rendered(f, tagged_only, 1, &n2);
            assert_int_equal(n1, n2);
            assert_memory_equal(a, b, n1);
            free(a);
            free(b);
        }
    }
}

/* ---- JSON -------------------------------------------------------------------------------- */

static json_t *get(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    if (!v)
        print_message("missing key '%s'\n", key);
    assert_non_null(v);
    return v;
}

static json_int_t get_int(json_t *obj, const char *key)
{
    json_t *v = get(obj, key);
    assert_true(json_is_integer(v));
    return json_integer_value(v);
}

static double get_real(json_t *obj, const char *key)
{
    json_t *v = get(obj, key);
    assert_true(json_is_real(v));
    return json_real_value(v);
}

static const char *get_str(json_t *obj, const char *key)
{
    json_t *v = get(obj, key);
    assert_true(json_is_string(v));
    return json_string_value(v);
}

static json_t *get_arr(json_t *obj, const char *key, size_t n)
{
    json_t *v = get(obj, key);
    assert_true(json_is_array(v));
    assert_int_equal(json_array_size(v), n);
    return v;
}

static void check_match_json(json_t *m, const char *pattern, json_int_t start, json_int_t end,
                             const char *text)
{
    assert_int_equal(json_object_size(m), 4);
    assert_string_equal(get_str(m, "pattern"), pattern);
    assert_int_equal(get_int(m, "start"), start);
    assert_int_equal(get_int(m, "end"), end);
    assert_string_equal(get_str(m, "text"), text);
}

static void check_sentence_json(json_t *s, json_int_t index, json_int_t start, json_int_t end,
                                json_int_t para, const char *text, size_t ntopics)
{
    /* "kind" (headline, lead, break) is there for all but body sentences */
    assert_int_equal(json_object_size(s), 6 + (json_object_get(s, "kind") != NULL));
    assert_int_equal(get_int(s, "index"), index);
    assert_int_equal(get_int(s, "start"), start);
    assert_int_equal(get_int(s, "end"), end);
    assert_int_equal(get_int(s, "paragraph"), para);
    assert_string_equal(get_str(s, "text"), text);
    get_arr(s, "topics", ntopics);
}

/* Checks document a.txt; with tagged_only the untagged third sentence is left out. */
static void check_doc_a(json_t *d, int tagged_only)
{
    json_t *sents, *s, *t, *ms, *tops;

    assert_string_equal(get_str(d, "document"), "a.txt");
    assert_null(json_object_get(d, "id"));
    assert_int_equal(get_int(d, "bytes"), (json_int_t)strlen(DOC_A));
    sents = get_arr(d, "sentences", tagged_only ? 2 : 3);

    s = json_array_get(sents, 0);
    check_sentence_json(s, 0, 0, 26, 0, "Pyongyang fired a missile.", 1);
    t = json_array_get(get(s, "topics"), 0);
    assert_int_equal(json_object_size(t), 3);
    assert_string_equal(get_str(t, "id"), "nk");
    assert_true(get_real(t, "score") == 1.5);
    assert_null(json_object_get(t, "via"));
    assert_null(json_object_get(t, "from"));
    ms = get_arr(t, "matches", 2);
    check_match_json(json_array_get(ms, 0), "nk", 0, 9, "Pyongyang");
    check_match_json(json_array_get(ms, 1), "missile", 18, 25, "missile");

    s = json_array_get(sents, 1);
    check_sentence_json(s, 1, 27, 48, 0, "The missile flew far.", 1);
    t = json_array_get(get(s, "topics"), 0);
    assert_int_equal(json_object_size(t), 5);
    assert_string_equal(get_str(t, "id"), "nk");
    assert_true(get_real(t, "score") == 0.5);
    assert_string_equal(get_str(t, "via"), "context");
    assert_int_equal(get_int(t, "from"), 0);
    ms = get_arr(t, "matches", 1);
    check_match_json(json_array_get(ms, 0), "missile", 31, 38, "missile");

    if (!tagged_only)
        check_sentence_json(json_array_get(sents, 2), 2, 50, 67, 1, "Weather was fine.", 0);

    tops = get_arr(d, "topics", 1);
    assert_string_equal(get_str(json_array_get(tops, 0), "id"), "nk");
    assert_int_equal(get_int(json_array_get(tops, 0), "sentences"), 2);
    assert_true(get_real(json_array_get(tops, 0), "score") == 2.0);
    get_arr(d, "errors", 0);
}

static void check_doc_b(json_t *d)
{
    json_t *sents, *t, *ms;

    assert_string_equal(get_str(d, "document"), NAME_B);
    assert_string_equal(get_str(d, "id"), "b-id");
    assert_int_equal(get_int(d, "bytes"), (json_int_t)strlen(DOC_B));
    sents = get_arr(d, "sentences", 1);
    /* tab, quotes, backslash and newline survive the round trip */
    check_sentence_json(json_array_get(sents, 0), 0, 0, (json_int_t)strlen(DOC_B), 0, DOC_B, 1);
    t = json_array_get(get(json_array_get(sents, 0), "topics"), 0);
    assert_string_equal(get_str(t, "id"), "nk");
    assert_true(get_real(t, "score") == 1.5);
    ms = get_arr(t, "matches", 2);
    check_match_json(json_array_get(ms, 0), "nk", 0, 9, "Pyongyang");
    check_match_json(json_array_get(ms, 1), "missile", 18, 25, "missile");
    get_arr(d, "topics", 1);
    get_arr(d, "errors", 0);
}

static void check_doc_missing(json_t *d)
{
    json_t *e;

    assert_int_equal(json_object_size(d), 5);
    assert_string_equal(get_str(d, "document"), "missing.txt");
    assert_int_equal(get_int(d, "bytes"), 0);
    get_arr(d, "sentences", 0);
    get_arr(d, "topics", 0);
    e = json_array_get(get_arr(d, "errors", 1), 0);
    assert_int_equal(json_object_size(e), 2);
    assert_string_equal(get_str(e, "code"), "io");
    assert_string_equal(get_str(e, "message"), "cannot read: No such file or directory");
}

static void check_doc_bad(json_t *d)
{
    json_t *e;

    assert_string_equal(get_str(d, "document"), "bad.txt");
    assert_int_equal(get_int(d, "bytes"), (json_int_t)strlen(DOC_BAD));
    get_arr(d, "sentences", 0);
    get_arr(d, "topics", 0);
    e = json_array_get(get_arr(d, "errors", 1), 0);
    assert_int_equal(json_object_size(e), 3);
    assert_string_equal(get_str(e, "code"), "invalid-utf8");
    assert_int_equal(get_int(e, "offset"), 4);
    assert_string_equal(get_str(e, "message"), "invalid UTF-8 at byte offset 4 (0xFF)");
}

static void check_summary(json_t *s)
{
    json_t *tops;

    assert_int_equal(get_int(s, "document_count"), 4);
    assert_int_equal(get_int(s, "failed"), 2);
    assert_int_equal(get_int(s, "sentences"), 4);
    assert_int_equal(get_int(s, "tagged_sentences"), 3);
    tops = get_arr(s, "topics", 2);
    assert_string_equal(get_str(json_array_get(tops, 0), "id"), "nk");
    assert_int_equal(get_int(json_array_get(tops, 0), "articles"), 2);
    assert_int_equal(get_int(json_array_get(tops, 0), "sentences"), 3);
    assert_string_equal(get_str(json_array_get(tops, 1), "id"), "quiet");
    assert_int_equal(get_int(json_array_get(tops, 1), "articles"), 0);
    assert_int_equal(get_int(json_array_get(tops, 1), "sentences"), 0);
}

static json_t *parse_json(const char *buf, size_t len)
{
    json_error_t jerr;
    json_t *root = json_loadb(buf, len, 0, &jerr);

    if (!root)
        print_message("json: %s at line %d column %d\n%.*s\n", jerr.text, jerr.line,
                      jerr.column, (int)len, buf);
    assert_non_null(root);
    return root;
}

static void test_report_json(void **state)
{
    size_t len;
    char *buf;
    json_t *root, *docs;
    int tagged_only;

    (void)state;
    for (tagged_only = 0; tagged_only <= 1; tagged_only++) {
        buf = run_batch(TT_FORMAT_JSON, tagged_only, 0, &len);
        root = parse_json(buf, len);
        assert_int_equal(json_object_size(root), 3);
        assert_int_equal(get_int(root, "schema"), TT_JSON_SCHEMA);
        docs = get_arr(root, "documents", 4);
        check_doc_a(json_array_get(docs, 0), tagged_only);
        check_doc_b(json_array_get(docs, 1));
        check_doc_missing(json_array_get(docs, 2));
        check_doc_bad(json_array_get(docs, 3));
        check_summary(get(root, "summary"));   /* always there in JSON */
        json_decref(root);
        free(buf);
    }
}

/* An empty batch is still one valid JSON document. */
static void test_report_json_empty_batch(void **state)
{
    tt_report_options opt = {TT_FORMAT_JSON, 0, 0, 0, 0, 0, 0, 0, NULL, NULL};
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    tt_report *rep;
    json_t *root, *s;

    (void)state;
    assert_non_null(out);
    rep = tt_report_new(rs, &opt, out);
    assert_non_null(rep);
    assert_int_equal(tt_report_finish(rep), 0);
    tt_report_free(rep);
    fclose(out);
    root = parse_json(buf, len);
    get_arr(root, "documents", 0);
    s = get(root, "summary");
    assert_int_equal(get_int(s, "document_count"), 0);
    assert_int_equal(get_int(s, "failed"), 0);
    json_decref(root);
    free(buf);
    tt_report_free(NULL);
}

/* A pattern error names its topic and pattern; the other pattern's tags stay. */
static void test_report_json_pattern_error(void **state)
{
    static const char evil[] = "version: 1\n"
                               "topic:\n"
                               "  id: evil\n"
                               "  title: Evil\n"
                               "  patterns:\n"
                               "    - id: backtrack\n"
                               "      regex: '(a+)+$'\n"
                               "    - id: plain\n"
                               "      literal: North Korea\n";
    tt_loader *ld = tt_loader_new();
    tt_ruleset *ers;
    tt_scanner *esc;
    tt_limits lim;
    tt_report_options opt = {TT_FORMAT_JSONL, 0, 0, 0, 0, 0, 0, 0, NULL, NULL};
    tt_report *rep;
    char *buf = NULL, *text;
    size_t len = 0, n = 3000;
    FILE *out = open_memstream(&buf, &len);
    tt_error err;
    json_t *d, *e, *s;

    (void)state;
    assert_non_null(ld);
    assert_non_null(out);
    assert_int_equal(tt_loader_add_buffer(ld, "evil.yaml", evil, strlen(evil)), 0);
    ers = tt_loader_build(ld, NULL);
    assert_non_null(ers);
    tt_loader_free(ld);
    tt_limits_init(&lim);
    lim.match_limit = 10000;
    esc = tt_scanner_new(ers, &lim);
    assert_non_null(esc);
    text = malloc(n + 30);
    assert_non_null(text);
    strcpy(text, "North Korea said so. ");
    memset(text + 21, 'a', n);
    strcpy(text + 21 + n, "b.");
    rep = tt_report_new(ers, &opt, out);
    assert_non_null(rep);
    assert_int_equal(tt_report_document(rep, "evil.txt", "e1",
                                        tt_classify(esc, text, strlen(text), &err), NULL), 0);
    assert_int_equal(tt_report_failed(rep), 1);
    assert_int_equal(tt_report_finish(rep), 0);
    tt_report_free(rep);
    fclose(out);

    d = parse_json(buf, len);
    assert_string_equal(get_str(d, "id"), "e1");
    e = json_array_get(get_arr(d, "errors", 1), 0);
    assert_int_equal(json_object_size(e), 5);
    assert_string_equal(get_str(e, "code"), "match-limit");
    assert_string_equal(get_str(e, "topic"), "evil");
    assert_string_equal(get_str(e, "pattern"), "backtrack");
    assert_int_equal(get_int(e, "offset"), 0);
    assert_string_equal(get_str(e, "message"),
                        "pattern 'backtrack' of topic 'evil' failed at offset 0: match limit "
                        "exceeded (evil.yaml:6)");
    s = json_array_get(get_arr(d, "sentences", 1), 0);
    assert_string_equal(get_str(json_array_get(get(s, "topics"), 0), "id"), "evil");
    json_decref(d);
    free(buf);
    free(text);
    tt_scanner_free(esc);
    tt_ruleset_free(ers);
}

/* Splits buf into lines (each ending in '\n'); returns the count, fills starts/lengths. */
static size_t split_lines(const char *buf, size_t len, const char **start, size_t *llen,
                          size_t max)
{
    size_t n = 0, i, from = 0;

    for (i = 0; i < len; i++) {
        if (buf[i] == '\n') {
            assert_true(n < max);
            start[n] = buf + from;
            llen[n] = i - from;
            n++;
            from = i + 1;
        }
    }
    assert_int_equal(from, len);   /* the output ends with a newline */
    return n;
}

static void test_report_jsonl(void **state)
{
    int summary, tagged_only;

    (void)state;
    for (summary = 0; summary <= 1; summary++) {
        for (tagged_only = 0; tagged_only <= 1; tagged_only++) {
            size_t len, n, i, ll[10];
            const char *ls[10];
            char *buf = run_batch(TT_FORMAT_JSONL, tagged_only, summary, &len);
            json_t *o[10] = {NULL};

            n = split_lines(buf, len, ls, ll, 10);
            assert_int_equal(n, summary ? 5 : 4);
            for (i = 0; i < n; i++) {
                /* every record carries the version; the rest is as in JSON */
                o[i] = parse_json(ls[i], ll[i]);
                assert_int_equal(get_int(o[i], "schema"), TT_JSON_SCHEMA);
                json_object_del(o[i], "schema");
            }
            check_doc_a(o[0], tagged_only);
            check_doc_b(o[1]);
            check_doc_missing(o[2]);
            check_doc_bad(o[3]);
            if (summary) {
                assert_int_equal(json_object_size(o[4]), 1);
                check_summary(get(o[4], "summary"));
            }
            for (i = 0; i < n; i++)
                json_decref(o[i]);
            free(buf);
        }
    }
}

/* ---- CSV and TSV ------------------------------------------------------------------------- */

#define MAX_ROWS 10
#define MAX_FIELDS 12

typedef struct table {
    size_t nrows;
    size_t nfields[MAX_ROWS];
    char *f[MAX_ROWS][MAX_FIELDS];
} table;

/* A strict RFC 4180 reader (LF or CRLF line ends): fails the test on malformed input. */
static void parse_csv(const char *s, size_t len, table *t)
{
    size_t i = 0;

    memset(t, 0, sizeof *t);
    while (i < len) {
        size_t row = t->nrows++;
        assert_true(row < MAX_ROWS);
        for (;;) {
            char *field = malloc(len + 1);
            size_t n = 0, nf = t->nfields[row]++;
            assert_non_null(field);
            assert_true(nf < MAX_FIELDS);
            if (i < len && s[i] == '"') {
                i++;
                for (;;) {
                    assert_true(i < len);            /* unterminated quoted field */
                    if (s[i] == '"') {
                        if (i + 1 < len && s[i + 1] == '"') {
                            field[n++] = '"';
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    field[n++] = s[i++];
                }
                /* after a closing quote: a separator or the end of the record */
                assert_true(i >= len || s[i] == ',' || s[i] == '\n' || s[i] == '\r');
            } else {
                while (i < len && s[i] != ',' && s[i] != '\n' && s[i] != '\r') {
                    assert_true(s[i] != '"');        /* a bare quote must be quoted */
                    field[n++] = s[i++];
                }
            }
            field[n] = '\0';
            t->f[row][nf] = field;
            if (i < len && s[i] == ',') {
                i++;
                continue;
            }
            if (i < len && s[i] == '\r')
                i++;
            assert_true(i < len && s[i] == '\n');   /* every record ends with a line end */
            i++;
            break;
        }
    }
}

static void free_table(table *t)
{
    size_t r, f;
    for (r = 0; r < t->nrows; r++)
        for (f = 0; f < t->nfields[r]; f++)
            free(t->f[r][f]);
}

static void check_row(const table *t, size_t row, const char *const *want)
{
    size_t i;

    assert_int_equal(t->nfields[row], 12);
    for (i = 0; i < 12; i++) {
        if (strcmp(t->f[row][i], want[i]) != 0)
            print_message("row %zu field %zu: \"%s\", expected \"%s\"\n", row, i, t->f[row][i],
                          want[i]);
        assert_string_equal(t->f[row][i], want[i]);
    }
}

static void test_report_csv(void **state)
{
    static const char *const header[] = {"document", "id",    "sentence", "start",
                                         "end",      "topic", "score",    "via",
                                         "role",     "patterns", "text",  "error"};
    static const char *const row1[] = {"a.txt", "", "0", "0", "26", "nk", "1.5", "",
                                       "primary", "nk missile", "Pyongyang fired a missile.",
                                       ""};
    static const char *const row2[] = {"a.txt",     "",        "1",       "27",
                                       "48",        "nk",      "0.5",     "context:0",
                                       "primary",   "missile", "The missile flew far.", ""};
    static const char *const row3[] = {NAME_B, "b-id", "0", "0", "48", "nk", "1.5", "",
                                       "primary", "nk missile", DOC_B, ""};
    static const char *const row4[] = {"missing.txt", "", "", "", "", "", "", "", "", "", "",
                                       "io: cannot read: No such file or directory"};
    static const char *const row5[] = {"bad.txt", "", "", "", "", "", "", "", "", "", "",
                                       "invalid-utf8: invalid UTF-8 at byte offset 4 (0xFF)"};
    size_t len;
    char *buf = run_batch(TT_FORMAT_CSV, 0, 0, &len);
    table t;
    /* the exact bytes of the row with a comma, quotes, a tab, a backslash and a newline */
    static const char row3_bytes[] =
        "\"b,\"\"x\"\".txt\",b-id,0,0,48,nk,1.5,,primary,nk missile,"
        "\"Pyongyang\tsaid \"\"a missile, maybe\"\" \\ ok\nand more.\",\n";

    (void)state;
    parse_csv(buf, len, &t);
    assert_int_equal(t.nrows, 6);
    check_row(&t, 0, header);
    check_row(&t, 1, row1);
    check_row(&t, 2, row2);
    check_row(&t, 3, row3);
    check_row(&t, 4, row4);
    check_row(&t, 5, row5);
    assert_non_null(strstr(buf, row3_bytes));
    {
        static const char head[] =
            "document,id,sentence,start,end,topic,score,via,role,patterns,text,error\n";
        assert_memory_equal(buf, head, sizeof head - 1);
    }
    free_table(&t);
    free(buf);

    /* tagged_only changes nothing: CSV lists tagged sentences only anyway */
    {
        size_t len2;
        char *buf2 = run_batch(TT_FORMAT_CSV, 1, 1, &len2);
        assert_int_equal(len2, len);
        free(buf2);
    }
}

static void test_report_tsv(void **state)
{
    static const char want[] =
        "document\tid\tsentence\tstart\tend\ttopic\tscore\tvia\trole\tpatterns\ttext\terror\n"
        "a.txt\t\t0\t0\t26\tnk\t1.5\t\tprimary\tnk missile\tPyongyang fired a missile.\t\n"
        "a.txt\t\t1\t27\t48\tnk\t0.5\tcontext:0\tprimary\tmissile\tThe missile flew far.\t\n"
        "b,\"x\".txt\tb-id\t0\t0\t48\tnk\t1.5\t\tprimary\tnk missile\t"
        "Pyongyang\\tsaid \"a missile, maybe\" \\\\ ok\\nand more.\t\n"
        "missing.txt\t\t\t\t\t\t\t\t\t\t\tio: cannot read: No such file or directory\n"
        "bad.txt\t\t\t\t\t\t\t\t\t\t\tinvalid-utf8: invalid UTF-8 at byte offset 4 (0xFF)\n";
    size_t len, i, tabs;
    char *buf = run_batch(TT_FORMAT_TSV, 0, 0, &len);

    (void)state;
    if (len != strlen(want) || memcmp(buf, want, len) != 0)
        print_message("got:\n%.*s", (int)len, buf);
    assert_int_equal(len, strlen(want));
    assert_memory_equal(buf, want, len);
    /* every line has exactly 11 tabs: the escapes keep fields on one line */
    for (i = 0, tabs = 0; i < len; i++) {
        if (buf[i] == '\t')
            tabs++;
        if (buf[i] == '\n') {
            assert_int_equal(tabs, 11);
            tabs = 0;
        }
    }
    free(buf);
}

/* ---- text -------------------------------------------------------------------------------- */

static void test_report_text(void **state)
{
    static const char want[] =
        "== a.txt: 67 bytes, 3 sentences, 2 tagged\n"
        "   roles: nk primary\n"
        "  [0] nk 1.5\n"
        "      Pyongyang fired a missile.\n"
        "  [1] nk 0.5 (context from [0])\n"
        "      The missile flew far.\n"
        "\n"
        "== two [id-2]: 42 bytes, 2 sentences, 1 tagged\n"
        "   roles: nk primary, quiet primary\n"
        "  [1] nk 1.5, quiet 1.0\n"
        "      Pyongyang zzz missile in two lines.\n"
        "\n"
        "== missing.txt\n"
        "   error: cannot read: No such file or directory\n"
        "\n"
        "Summary: 3 documents (1 failed), 5 sentences, 3 tagged\n"
        "  topic                             articles  sentences  primary  secondary  mentioned\n"
        "  nk                                       2          3        2          0          0\n"
        "  quiet                                    1          1        1          0          0\n";
    static const char two[] = "Hello. Pyongyang zzz missile\tin\ntwo lines.";
    tt_report_options opt = {TT_FORMAT_TEXT, 0, 0, 0, 0, 0, 0, 0, NULL, NULL};
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    tt_report *rep;
    tt_error io;

    (void)state;
    assert_non_null(out);
    rep = tt_report_new(rs, &opt, out);
    assert_non_null(rep);
    assert_int_equal(tt_report_document(rep, "a.txt", NULL, classify(DOC_A, strlen(DOC_A)),
                                        NULL), 0);
    assert_int_equal(tt_report_document(rep, "two", "id-2", classify(two, strlen(two)), NULL),
                     0);
    memset(&io, 0, sizeof io);
    io.code = TT_ERR_IO;
    snprintf(io.message, sizeof io.message, "cannot read: No such file or directory");
    assert_int_equal(tt_report_document(rep, "missing.txt", NULL, NULL, &io), 0);
    assert_int_equal(tt_report_finish(rep), 0);
    assert_int_equal(tt_report_failed(rep), 1);
    tt_report_free(rep);
    fclose(out);
    if (len != strlen(want) || memcmp(buf, want, len) != 0)
        print_message("got:\n%.*s", (int)len, buf);
    /* the tab inside the sentence becomes a space, and so does the line break */
    assert_int_equal(len, strlen(want));
    assert_memory_equal(buf, want, len);
    free(buf);
}

/* ---- write errors, formats --------------------------------------------------------------- */

static void test_report_write_errors(void **state)
{
    tt_format f;

    (void)state;
    for (f = TT_FORMAT_TEXT; f <= TT_FORMAT_TSV; f++) {
        tt_report_options opt = {f, 0, 1, 1, 0, 0, 0, 0, NULL, NULL};   /* stream: JSONL flushes per document */
        FILE *out = fopen("/dev/full", "w");
        tt_report *rep;
        int rd, rf;
        if (!out)
            skip();
        rep = tt_report_new(rs, &opt, out);
        assert_non_null(rep);
        rd = tt_report_document(rep, "a.txt", NULL, classify(DOC_A, strlen(DOC_A)), NULL);
        rf = tt_report_finish(rep);
        /* buffered formats fail at the latest when the report is finished */
        assert_int_equal(rf, -1);
        if (f == TT_FORMAT_JSONL)
            assert_int_equal(rd, -1);   /* streamed: flushed per document */
        tt_report_free(rep);
        fclose(out);
    }
}

static void test_report_format_parse(void **state)
{
    (void)state;
    assert_int_equal(tt_format_parse("text"), TT_FORMAT_TEXT);
    assert_int_equal(tt_format_parse("json"), TT_FORMAT_JSON);
    assert_int_equal(tt_format_parse("jsonl"), TT_FORMAT_JSONL);
    assert_int_equal(tt_format_parse("csv"), TT_FORMAT_CSV);
    assert_int_equal(tt_format_parse("tsv"), TT_FORMAT_TSV);
    assert_int_equal(tt_format_parse("xml"), -1);
    assert_int_equal(tt_format_parse(""), -1);
    assert_int_equal(tt_format_parse("JSON"), -1);
    assert_int_equal(tt_format_parse("json "), -1);
    assert_int_equal(tt_format_parse("js"), -1);
}

static void test_report_status_names(void **state)
{
    (void)state;
    assert_string_equal(tt_status_name(TT_OK), "ok");
    assert_string_equal(tt_status_name(TT_ERR_IO), "io");
    assert_string_equal(tt_status_name(TT_ERR_UTF8), "invalid-utf8");
    assert_string_equal(tt_status_name(TT_ERR_MATCH_LIMIT), "match-limit");
    assert_string_equal(tt_status_name((tt_status)999), "unknown");
    assert_string_equal(tt_version(), TT_VERSION);
}

static void test_report_out_of_memory(void **state)
{
    tt_report_options opt = {TT_FORMAT_JSON, 0, 0, 0, 0, 0, 0, 0, NULL, NULL};
    long n;
    int done = 0;

    (void)state;
    for (n = 0; !done; n++) {
        tt_report *rep;
        void *probe;
        assert_true(n < 1000);
        tt_alloc_fail_after(n);
        rep = tt_report_new(rs, &opt, stdout);
        probe = tt_malloc(1);
        tt_alloc_fail_after(-1);
        if (probe) {
            tt_free(probe);
            done = 1;
            assert_non_null(rep);
        }
        tt_report_free(rep);
    }
}

/* ---- tt_report_set_input: kept input fields and the replaced count ------------------------ */

static const char *const KEPT[] = {"date", "n"};
/* the first document has "date" (a string) and lacks "n"; the second is not known at all */
static const tt_field_value KEPT_A[] = {{"\"2024-05-01\"", 12, "2024-05-01", 10},
                                        {NULL, 0, NULL, 0}};

/* Doc A (rendered apart when the format can, as the pool does) with KEPT_A and 2 bytes
 * replaced, then the unreadable missing.txt with nothing known; returns the output. */
static char *run_input(tt_format format, size_t *len)
{
    char *buf = NULL;
    size_t blen = 0;
    FILE *out = open_memstream(&buf, &blen);
    tt_report *rep = new_report(out, format, 1, 1);
    tt_doc_meta ma = {KEPT_A, 2};
    tt_report_buf rb = {NULL, 0, 0};
    const tt_result *r;
    tt_error io;
    int rc;
    memset(&io, 0, sizeof io);
    io.code = TT_ERR_IO;
    snprintf(io.message, sizeof io.message, "cannot read");
    assert_int_equal(tt_report_set_input(rep, KEPT, 2, 1), 0);
    r = classify(DOC_A, strlen(DOC_A));
    rc = tt_report_render_meta(rep, "a.txt", NULL, &ma, r, NULL, &rb);
    if (rc == 0)
        assert_int_equal(tt_report_emit_meta(rep, &rb, &ma, r, NULL), 0);
    else
        assert_int_equal(tt_report_document_meta(rep, "a.txt", NULL, &ma, r, NULL), 0);
    assert_int_equal(tt_report_document_meta(rep, "missing.txt", NULL, NULL, NULL, &io), 0);
    assert_int_equal(tt_report_finish(rep), 0);
    tt_report_buf_release(&rb);
    tt_report_free(rep);
    assert_int_equal(fclose(out), 0);
    *len = blen;
    return buf;
}

static void test_report_input(void **state)
{
    size_t len;
    char *buf;
    json_t *want_a = json_pack("{s:s}", "date", "2024-05-01"), *want_b = json_object();
    (void)state;
    {
        /* JSON Lines: the record's kept fields as written, the absent one left out; an
         * unknown record {}; "replaced" per record and in the summary */
        char *line2, *line3;
        json_t *a, *b, *sum;
        buf = run_input(TT_FORMAT_JSONL, &len);
        assert_non_null(line2 = strchr(buf, '\n'));
        assert_non_null(line3 = strchr(line2 + 1, '\n'));
        assert_non_null(a = json_loadb(buf, (size_t)(line2 - buf), 0, NULL));
        assert_non_null(b = json_loadb(line2 + 1, (size_t)(line3 - line2 - 1), 0, NULL));
        assert_non_null(sum = json_loads(line3 + 1, 0, NULL));
        assert_true(json_equal(get(a, "fields"), want_a));
        assert_int_equal(get_int(a, "replaced"), 2);
        assert_true(json_equal(get(b, "fields"), want_b));
        assert_int_equal(get_int(b, "replaced"), 0);
        assert_int_equal(get_int(get(sum, "summary"), "replaced"), 2);
        /* the fields come right after the name and id */
        assert_non_null(strstr(buf, "\"document\": \"a.txt\", \"fields\": {\"date\": \"2024-05-01\"}, "
                                    "\"replaced\": 2, \"bytes\": "));
        json_decref(a);
        json_decref(b);
        json_decref(sum);
        free(buf);
    }
    {
        /* CSV: a column per kept field after the others: the string's text, empty when absent */
        static const char want[] =
            "document,id,sentence,start,end,topic,score,via,role,patterns,text,error,date,n\n"
            "a.txt,,0,0,26,nk,1.5,,primary,nk missile,Pyongyang fired a missile.,,2024-05-01,\n"
            "a.txt,,1,27,48,nk,0.5,context:0,primary,missile,The missile flew far.,,2024-05-01,\n"
            "missing.txt,,,,,,,,,,,io: cannot read,,\n";
        buf = run_input(TT_FORMAT_CSV, &len);
        assert_int_equal(len, sizeof want - 1);
        assert_memory_equal(buf, want, len);
        free(buf);
    }
    {
        /* text: the total on the summary line */
        buf = run_input(TT_FORMAT_TEXT, &len);
        assert_non_null(strstr(buf, "Summary: 2 documents (1 failed), 3 sentences, 2 tagged, 2 "
                                    "bytes replaced with U+FFFD\n"));
        free(buf);
    }
    json_decref(want_a);
    json_decref(want_b);
}

static void test_report_input_out_of_memory(void **state)
{
    long n;
    int done = 0;
    (void)state;
    for (n = 0; !done; n++) {
        tt_report *rep = new_report(stdout, TT_FORMAT_CSV, 0, 0);
        int rc;
        assert_true(n < 100);
        tt_alloc_fail_after(n);
        rc = tt_report_set_input(rep, KEPT, 2, 0);
        tt_alloc_fail_after(-1);
        done = rc == 0;
        if (!done)
            assert_int_equal(rc, -1);
        tt_report_free(rep);
    }
    assert_true(n > 1);   /* some allocation failed first, cleanly */
}

/* The output buffer's numbers and strings (report.c), written in place: every digit count,
 * from an empty buffer that grows, and JSON strings with every escape at every offset of the
 * sixteen-byte blocks. */
static void test_report_obuf(void **state)
{
    static const size_t vals[] = {0, 1, 9, 10, 11, 99, 100, 101, 999, 1000, 9999, 10000, 99999,
                                  100000, 999999, 1000000, 1234567, 9999999, 10000000,
                                  123456789012345ull, (size_t)-1};
    tt_obuf b;
    char want[4096], *w;
    size_t i, k, at = 0;
    (void)state;
    memset(&b, 0, sizeof b);
    for (i = 0; i < sizeof vals / sizeof *vals; i++) {
        tt_ob_uint(&b, vals[i]);
        tt_ob_puts(&b, ",");
        at += (size_t)snprintf(want + at, sizeof want - at, "%zu,", vals[i]);
    }
    assert_false(b.nomem);
    assert_int_equal(b.len, at);
    assert_memory_equal(b.s, want, at);
    for (k = 0; k < 40; k++) {   /* an escape at offset k of a run of plain bytes */
        char src[64];
        static const char esc[] = "\"\\\n\r\t\x01\x7f";
        size_t e;
        for (e = 0; e < sizeof esc - 1; e++) {
            b.len = 0;
            memset(src, 'a', sizeof src);
            src[k] = esc[e];
            tt_ob_json(&b, src, 50);
            w = want;
            *w++ = '"';
            for (i = 0; i < 50; i++) {
                unsigned char c = (unsigned char)src[i];
                if (c == '"' || c == '\\')
                    w += sprintf(w, "\\%c", c);
                else if (c == '\n')
                    w += sprintf(w, "\\n");
                else if (c == '\r')
                    w += sprintf(w, "\\r");
                else if (c == '\t')
                    w += sprintf(w, "\\t");
                else if (c < 0x20 || c == 0x7f)
                    w += sprintf(w, "\\u%04x", c);
                else
                    *w++ = (char)c;
            }
            *w++ = '"';
            assert_int_equal(b.len, (size_t)(w - want));
            assert_memory_equal(b.s, want, b.len);
        }
    }
    tt_free(b.s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_report_obuf),
        cmocka_unit_test(test_report_json),
        cmocka_unit_test(test_report_json_empty_batch),
        cmocka_unit_test(test_report_json_pattern_error),
        cmocka_unit_test(test_report_jsonl),
        cmocka_unit_test(test_report_csv),
        cmocka_unit_test(test_report_tsv),
        cmocka_unit_test(test_report_text),
        cmocka_unit_test(test_report_write_errors),
        cmocka_unit_test(test_report_format_parse),
        cmocka_unit_test(test_report_status_names),
        cmocka_unit_test(test_report_out_of_memory),
        cmocka_unit_test(test_report_input),
        cmocka_unit_test(test_report_input_out_of_memory),
        cmocka_unit_test(test_report_render_apart),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
