/* fuzz_rules.c - libFuzzer harness: bytes -> one rule file -> ruleset -> classify.
 *
 * The input is loaded as the rule file "fuzz.yaml".  Every diagnostic is read.  When a ruleset
 * builds, its views are walked, and two documents (a fixed news text and the input itself,
 * which naturally holds the rules' own literals) are classified twice: with the prefilter and
 * with no_prefilter=1, and in explain mode; the results must be identical (unless a PCRE2
 * limit was hit) and the explain traces must agree with the tags. */
#include <stdint.h>
#include <string.h>

#include "fuzz_util.h"
#include "topictag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char NEWS[] =
    "SEOUL, Jan. 5 (Yonhap) -- North Korea fired a ballistic missile toward the East Sea on "
    "Sunday, South Korea's military said.\n"
    "The launch came as Mr. Blinken visited Seoul.  \"It was an ICBM,\" Gen. Kim said... "
    "The U.S. Navy and Japan's MSDF held drills near the Senkaku Islands at 10 a.m. Tokyo time.\n"
    "\n"
    "China's coast guard used water cannons near Second Thomas Shoal; Taiwan said 3.5 ships "
    "crossed the median line!  Russia's strikes on Kyiv continued?  No. 2 official Lt. Ito "
    "spoke \xE2\x80\x9C" "frankly\xE2\x80\x9D \xE2\x80\xA6" " about a replica missile.\n";

static void classify_both(const tt_ruleset *rs, tt_scanner *sc, tt_scanner *ref,
                          tt_scanner *xsc, const char *text, size_t len)
{
    tt_error err;
    const tt_result *a, *b;
    a = tt_classify(sc, text, len, &err);
    FUZZ_CHECK(a != NULL);
    fuzz_check_result(rs, a, text, len);
    b = tt_classify(ref, text, len, &err);
    FUZZ_CHECK(b != NULL);
    fuzz_check_result(rs, b, text, len);
    if (!fuzz_has_match_error(a) && !fuzz_has_match_error(b))
        fuzz_same_result(a, b);
    b = tt_classify(xsc, text, len, &err);
    FUZZ_CHECK(b != NULL);
    fuzz_check_explain(rs, a, b);
    fuzz_check_reports(rs, a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    tt_loader *ld = tt_loader_new();
    tt_ruleset *rs;
    tt_error err;
    size_t i, n;
    int rc;

    FUZZ_CHECK(ld != NULL);
    rc = tt_loader_add_buffer(ld, "fuzz.yaml", (const char *)data, size);
    FUZZ_CHECK(rc >= 0);
    rs = tt_loader_build(ld, &err);
    FUZZ_CHECK(memchr(err.message, 0, sizeof err.message) != NULL);
    FUZZ_CHECK(memchr(err.file, 0, sizeof err.file) != NULL);
    if (rs)
        FUZZ_CHECK(tt_loader_error_count(ld) == 0);
    else
        FUZZ_CHECK(err.code != TT_OK && err.code != TT_ERR_NOMEM);

    n = tt_loader_diag_count(ld);
    FUZZ_CHECK(tt_loader_error_count(ld) <= n);
    for (i = 0; i < n; i++) {
        const tt_diag *d = tt_loader_diag(ld, i);
        size_t ml;
        FUZZ_CHECK(d != NULL);
        FUZZ_CHECK(d->severity == TT_SEV_ERROR || d->severity == TT_SEV_WARNING);
        FUZZ_CHECK(memchr(d->error.message, 0, sizeof d->error.message) != NULL);
        FUZZ_CHECK(memchr(d->error.file, 0, sizeof d->error.file) != NULL);
        ml = strlen(d->error.message);
        FUZZ_CHECK(ml > 0);
        FUZZ_CHECK(d->error.line >= 0 && d->error.column >= 0);
        FUZZ_CHECK(tt_status_name(d->error.code) != NULL);
    }

    if (rs) {
        tt_limits lim;
        tt_scanner *sc, *ref, *xsc;
        size_t nt = tt_ruleset_topic_count(rs), np = tt_ruleset_pattern_count(rs);

        FUZZ_CHECK(nt > 0);
        for (i = 0; i < nt; i++) {
            const tt_topic_info *ti = tt_ruleset_topic(rs, i);
            FUZZ_CHECK(ti && ti->id && ti->title && ti->description && ti->parent && ti->file);
            FUZZ_CHECK(tt_ruleset_find_topic(rs, ti->id) == (long)i);
            (void)strlen(ti->title);
            (void)strlen(ti->description);
            (void)strlen(ti->parent);
        }
        for (i = 0; i < np; i++) {
            const tt_pattern_info *pi = tt_ruleset_pattern(rs, i);
            FUZZ_CHECK(pi && pi->id && pi->regex && pi->file);
            FUZZ_CHECK(pi->topic < nt);
            if (i)
                FUZZ_CHECK(tt_ruleset_pattern(rs, i - 1)->topic <= pi->topic);
            (void)strlen(pi->regex);
        }

        tt_limits_init(&lim);
        lim.match_limit = 100000;
        lim.depth_limit = 10000;
        lim.heap_limit_kib = 16 * 1024;
        sc = tt_scanner_new(rs, &lim);
        lim.no_prefilter = 1;
        ref = tt_scanner_new(rs, &lim);
        lim.no_prefilter = 0;
        xsc = tt_scanner_new(rs, &lim);
        FUZZ_CHECK(sc && ref && xsc);
        tt_scanner_set_explain(xsc, 1);
        classify_both(rs, sc, ref, xsc, NEWS, sizeof NEWS - 1);
        if (size <= 4096)
            classify_both(rs, sc, ref, xsc, (const char *)data, size);
        tt_scanner_free(xsc);
        tt_scanner_free(ref);
        tt_scanner_free(sc);
        tt_ruleset_free(rs);
    }
    tt_loader_free(ld);
    return 0;
}
