/* fuzz_classify.c - libFuzzer harness: bytes as an article -> tt_classify with the shipped rules.
 *
 * The rules are loaded once from $TOPICTAG_FUZZ_RULES (default "rules", relative to the current
 * directory).  Each input is classified with the prefilter and with no_prefilter=1: the results
 * must be identical (the documented promise of no_prefilter).  tt_segment must give the same
 * sentences.  The result is rendered in every report format; the JSON and JSON Lines output
 * must parse (jansson) and not be empty. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "fuzz_util.h"
#include "topictag.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static tt_ruleset *rs;
static tt_scanner *sc, *ref, *segsc;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    const char *path = getenv("TOPICTAG_FUZZ_RULES");
    tt_limits lim;
    tt_error err;
    (void)argc;
    (void)argv;
    if (!path || !*path)
        path = "rules";
    rs = tt_ruleset_load(path, &err);
    if (!rs) {
        fprintf(stderr, "fuzz_classify: cannot load rules from '%s': %s:%d: %s\n", path,
                err.file, err.line, err.message);
        exit(2);
    }
    tt_limits_init(&lim);
    sc = tt_scanner_new(rs, &lim);
    segsc = tt_scanner_new(rs, &lim);
    lim.no_prefilter = 1;
    ref = tt_scanner_new(rs, &lim);
    if (!sc || !ref || !segsc) {
        fprintf(stderr, "fuzz_classify: out of memory\n");
        exit(2);
    }
    return 0;
}

/* Renders r in format fmt into memory; returns the malloc'ed output (caller frees). */
static char *render(const tt_result *r, tt_format fmt, size_t *outlen)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    tt_report_options opt;
    tt_report *rep;
    FUZZ_CHECK(f != NULL);
    memset(&opt, 0, sizeof opt);
    opt.format = fmt;
    opt.summary = 1;
    rep = tt_report_new(rs, &opt, f);
    FUZZ_CHECK(rep != NULL);
    FUZZ_CHECK(tt_report_document(rep, "fuzz.txt", "doc-1", r, NULL) == 0);
    FUZZ_CHECK(tt_report_finish(rep) == 0);
    tt_report_free(rep);
    FUZZ_CHECK(fclose(f) == 0);
    *outlen = len;
    return buf;
}

static void check_json(const char *buf, size_t len)
{
    json_error_t jerr;
    json_t *j = json_loadb(buf, len, 0, &jerr);
    if (!j) {
        fprintf(stderr, "fuzz_classify: bad JSON (%s at %d:%d): %.*s\n", jerr.text, jerr.line,
                jerr.column, (int)(len > 2000 ? 2000 : len), buf);
        FUZZ_CHECK(j != NULL);
    }
    json_decref(j);
}

static void check_reports(const tt_result *r)
{
    size_t len;
    char *out;
    const char *p, *end, *nl;

    out = render(r, TT_FORMAT_JSON, &len);
    FUZZ_CHECK(len > 0);
    check_json(out, len);
    free(out);

    out = render(r, TT_FORMAT_JSONL, &len);
    FUZZ_CHECK(len > 0 && out[len - 1] == '\n');
    for (p = out, end = out + len; p < end; p = nl + 1) {
        nl = memchr(p, '\n', (size_t)(end - p));
        FUZZ_CHECK(nl != NULL);
        check_json(p, (size_t)(nl - p));
    }
    free(out);

    out = render(r, TT_FORMAT_TEXT, &len);
    FUZZ_CHECK(len > 0);
    free(out);
    out = render(r, TT_FORMAT_CSV, &len);
    FUZZ_CHECK(len > 0);
    free(out);
    out = render(r, TT_FORMAT_TSV, &len);
    FUZZ_CHECK(len > 0);
    free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    const tt_result *a, *b, *s;
    tt_error err;

    a = tt_classify(sc, text, size, &err);
    FUZZ_CHECK(a != NULL);
    fuzz_check_result(rs, a, text, size);
    b = tt_classify(ref, text, size, &err);
    FUZZ_CHECK(b != NULL);
    fuzz_check_result(rs, b, text, size);
    if (!fuzz_has_match_error(a) && !fuzz_has_match_error(b))
        fuzz_same_result(a, b);

    s = tt_segment(segsc, text, size, &err);
    FUZZ_CHECK(s != NULL);
    {
        size_t na, ns, i, ne, nt;
        const tt_sentence *x = tt_result_sentences(a, &na), *y = tt_result_sentences(s, &ns);
        FUZZ_CHECK(na == ns);
        for (i = 0; i < na; i++)
            FUZZ_CHECK(x[i].start == y[i].start && x[i].end == y[i].end &&
                       x[i].paragraph == y[i].paragraph);
        tt_result_tags(s, &nt);
        FUZZ_CHECK(nt == 0);
        tt_result_errors(s, &ne);
        if (na)
            FUZZ_CHECK(ne == 0);
    }

    check_reports(a);
    return 0;
}
