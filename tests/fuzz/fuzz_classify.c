/* fuzz_classify.c - libFuzzer harness: bytes as an article -> tt_classify with the shipped rules.
 *
 * The rules are loaded once from $TOPICTAG_FUZZ_RULES (default "rules", relative to the current
 * directory).  Each input is classified with the prefilter and with no_prefilter=1: the results
 * must be identical (the documented promise of no_prefilter), and so must the Hyperscan
 * prefilter's when the library has it, and an explain-mode
 * scanner's, whose traces must agree with the tags.  tt_segment must give the same sentences.  The result is rendered in every report format; the JSON and JSON Lines output
 * must parse (jansson) and not be empty. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_util.h"
#include "topictag.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static tt_ruleset *rs, *hsrs;
static tt_scanner *sc, *ref, *segsc, *xsc, *hssc;

/* The same rules behind the Hyperscan prefilter, or NULL when the library lacks it. */
static tt_ruleset *load_hyperscan(const char *path)
{
    tt_loader *ld;
    tt_ruleset *r;
    tt_error err;
    if (!tt_have_hyperscan() || !(ld = tt_loader_new()))
        return NULL;
    if (tt_loader_set_prefilter(ld, TT_PREFILTER_HYPERSCAN) || tt_loader_add_path(ld, path)) {
        tt_loader_free(ld);
        return NULL;
    }
    r = tt_loader_build(ld, &err);
    tt_loader_free(ld);
    if (!r) {
        fprintf(stderr, "fuzz_classify: cannot build the Hyperscan prefilter: %s\n", err.message);
        exit(2);
    }
    return r;
}

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
    if ((hsrs = load_hyperscan(path)) && !(hssc = tt_scanner_new(hsrs, &lim))) {
        fprintf(stderr, "fuzz_classify: out of memory\n");
        exit(2);
    }
    sc = tt_scanner_new(rs, &lim);
    segsc = tt_scanner_new(rs, &lim);
    xsc = tt_scanner_new(rs, &lim);
    lim.no_prefilter = 1;
    ref = tt_scanner_new(rs, &lim);
    if (xsc)
        tt_scanner_set_explain(xsc, 1);
    if (!sc || !ref || !segsc || !xsc) {
        fprintf(stderr, "fuzz_classify: out of memory\n");
        exit(2);
    }
    return 0;
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
    if (hssc) {
        const tt_result *h = tt_classify(hssc, text, size, &err);
        FUZZ_CHECK(h != NULL);
        if (!fuzz_has_match_error(h) && !fuzz_has_match_error(b))
            fuzz_same_result(h, b);
    }

    b = tt_classify(xsc, text, size, &err);          /* explain mode: same tags, traces */
    FUZZ_CHECK(b != NULL);
    fuzz_check_explain(rs, a, b);

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

    fuzz_check_reports(rs, a);
    return 0;
}
