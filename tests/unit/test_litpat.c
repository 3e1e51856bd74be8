/* test_litpat.c - unit tests of literal sets (src/litpat.c): which patterns are literal sets,
 * what they multiply out to, and that their matches are PCRE2's, position by position and
 * through the scanner (with and without the prefilter). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "alloc.h"
#include "litpat.h"
#include "topictag.h"
#include "same_matches.h"

typedef struct alt_want {
    const char *s;
    unsigned char pre, post;
} want;

#define ANY TT_LP_ANY
#define W TT_LP_WORD
#define NW TT_LP_NONWORD

static void expect_alts(const char *re, int caseless, const want *w, size_t n)
{
    tt_litpat lp;
    size_t i;
    int rc = tt_litpat_parse(re, strlen(re), caseless, 64, 3, &lp);
    if (rc != 1 || lp.n != n) {
        print_message("pattern '%s': rc %d, %zu strings\n", re, rc, lp.n);
        for (i = 0; i < lp.n; i++)
            print_message("  '%.*s' %d %d\n", (int)lp.alt[i].len, lp.alt[i].s, lp.alt[i].pre,
                          lp.alt[i].post);
    }
    assert_int_equal(rc, 1);
    assert_int_equal(lp.n, n);
    for (i = 0; i < n; i++) {
        assert_int_equal(lp.alt[i].len, strlen(w[i].s));
        assert_memory_equal(lp.alt[i].s, w[i].s, lp.alt[i].len);
        assert_int_equal(lp.alt[i].pre, w[i].pre);
        assert_int_equal(lp.alt[i].post, w[i].post);
    }
    tt_litpat_release(&lp);
}

static void test_litpat_multiply_out(void **state)
{
    (void)state;
    {
        static const want w[] = {{"Futenma", NW, NW}, {"Henoko", NW, NW}, {"Camp Schwab", NW, NW}};
        expect_alts("\\b(?:Futenma|Henoko|Camp Schwab)\\b", 0, w, 3);
    }
    {   /* classes, a greedy '?' (with before without), escapes; A's choice varies slowest */
        static const want w[] = {{"Defence Pact,", ANY, ANY}, {"Defence Pact", ANY, ANY},
                                 {"Defense Pact,", ANY, ANY}, {"Defense Pact", ANY, ANY}};
        expect_alts("Defen[cs]e Pact\\,?", 0, w, 4);
    }
    {   /* word: true wraps in lookarounds; one that looks inside a string drops it */
        static const want w[] = {{"U.S.", NW, ANY}, {"ROK", NW, ANY}};
        expect_alts("(?<![A-Za-z0-9_])(?:U\\.S\\.|ROK|\\.\\.\\.)(?![A-Za-z0-9_])", 0,
                    (const want[]){{"U.S.", NW, NW}, {"ROK", NW, NW}, {"...", NW, NW}}, 3);
        expect_alts("(?<![A-Za-z0-9_])(?:U\\.S\\.|ROK)", 0, w, 2);
        expect_alts("(?:abc|\\.\\.\\.)(?<![A-Za-z0-9_])", 0,
                    (const want[]){{"...", ANY, ANY}}, 1);
    }
    {   /* \b before a non-word character asks for a word before it; \B in the middle */
        static const want w[] = {{".com", W, ANY}};
        expect_alts("\\b\\.com", 0, w, 1);
        expect_alts("\\.c\\Bom", 0, (const want[]){{".com", ANY, ANY}}, 1);
    }
    {   /* caseless: duplicates up to ASCII case go, the first kept; a short range */
        static const want w[] = {{"Mutual", ANY, ANY}, {"tab", ANY, ANY}, {"tac", ANY, ANY}};
        expect_alts("[Mm]utual|ta[b-c]|MUTUAL", 1, w, 3);
    }
    {   /* a run of letters is one string until a quantifier takes its last letter */
        static const want w[] = {{"Taiwanese", ANY, ANY}, {"Taiwanes", ANY, ANY},
                                 {"Taiwan-Tai", ANY, ANY}, {"Tai", ANY, ANY}};
        expect_alts("Taiwanese?|Taiwan\\-Tai|(?:Tai)", 0, w, 4);
    }
    {   /* general punctuation has no case: taken caseless */
        static const want w[] = {{"Japan\xE2\x80\x99s", ANY, ANY}, {"Japan's", ANY, ANY}};
        expect_alts("Japan[\xE2\x80\x99']s", 1, w, 2);
    }
}

static void test_litpat_not_sets(void **state)
{
    static const char *const no[] = {
        "a+b", "ab*c", "abc{2}", "a.c", "^abc", "abc$", "\\w+ing", "abc??", "ab?+c", "(?i)abc",
        "(?>abc)", "(*COMMIT)abc", "abc(?=def)", "(?<!x)abc", "[^a]bc", "[0-z]bc", "[[:alpha:]]x",
        "abc|", "(?:abc|)", "ab", "abc|de", "abc)", "(abc", "[abc", "\\d{3}", "a\\sb", "\\x41bc",
        "caf\xC3\xA9",   /* caseless: PCRE2 folds e with an acute accent */
        "\\b(?:\\b)\\b",
        /* negative lookaheads only at an alternative's end, once, of plain strings */
        "abc(?!d)e", "(?!x)abc", "abc(?!\\bx)", "abc(?!d|)", "abc(?!d)(?!e)", "abc(?!d(?!e))",
        "abc(?!d+)",
        /* a string longer than TT_LITPAT_MAX_LEN (65 bytes): sorting hits by end stays cheap */
        "abc|aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof no / sizeof *no; i++) {
        tt_litpat lp;
        int rc = tt_litpat_parse(no[i], strlen(no[i]), 1, 64, 3, &lp);
        if (rc != 0)
            print_message("pattern '%s' taken as a literal set\n", no[i]);
        assert_int_equal(rc, 0);
        assert_int_equal(lp.n, 0);
        assert_null(lp.alt);
    }
    {   /* the same accented letter case-sensitive is a plain byte string */
        tt_litpat lp;
        assert_int_equal(tt_litpat_parse("caf\xC3\xA9", 5, 0, 64, 3, &lp), 1);
        tt_litpat_release(&lp);
    }
    {   /* more strings than allowed: not a set (the caller keeps PCRE2) */
        tt_litpat lp;
        const char *re = "[ab][cd][ef][gh][ij][kl][mn]";
        assert_int_equal(tt_litpat_parse(re, strlen(re), 0, 64, 3, &lp), 0);
        assert_int_equal(tt_litpat_parse(re, strlen(re), 0, 128, 3, &lp), 1);
        assert_int_equal(lp.n, 128);
        tt_litpat_release(&lp);
    }
}

/* The matches PCRE2's loop finds in text[a .. end) (as match.c runs a pattern) against those of
 * tt_litpat_first_at tried at every position: starts and ends, in order. */
static void compare_with_pcre2(const char *re, int caseless, const char *text, size_t a,
                               size_t end)
{
    int ec;
    PCRE2_SIZE eo;
    pcre2_code *code = pcre2_compile((PCRE2_SPTR)re, PCRE2_ZERO_TERMINATED,
                                     PCRE2_UTF | (caseless ? PCRE2_CASELESS : 0), &ec, &eo, NULL);
    pcre2_match_data *md = pcre2_match_data_create(1, NULL);
    tt_litpat lp;
    size_t pcre[64], got[64], nw = 0, ng = 0, off = a, at;
    assert_non_null(code);
    assert_int_equal(tt_litpat_parse(re, strlen(re), caseless, 256, 1, &lp), 1);
    while (off < end && nw < 62) {
        PCRE2_SIZE *ov;
        if (pcre2_match(code, (PCRE2_SPTR)text, end, off, 0, md, NULL) < 0)
            break;
        ov = pcre2_get_ovector_pointer(md);
        pcre[nw++] = ov[0];
        pcre[nw++] = ov[1];
        off = ov[1];
    }
    for (at = a; at < end && ng < 62;) {
        size_t len = tt_litpat_first_at(&lp, text, at, end);
        if (!len) {
            at++;
            continue;
        }
        got[ng++] = at;
        got[ng++] = at + len;
        at += len;
    }
    if (nw != ng || memcmp(pcre, got, nw * sizeof *pcre))
        print_message("pattern '%s' on '%.*s' [%zu, %zu): pcre2 %zu, litpat %zu values\n", re,
                      (int)end, text, a, end, nw, ng);
    assert_int_equal(ng, nw);
    assert_memory_equal(got, pcre, nw * sizeof *pcre);
    tt_litpat_release(&lp);
    pcre2_match_data_free(md);
    pcre2_code_free(code);
}

static const char *const PATTERNS[] = {
    "tai|taiwan",             /* leftmost-first: the earlier alternative wins at a start */
    "taiwan|tai",
    "\\b(?:tai|taiwan)\\b",   /* ... unless its boundary fails: then the next one */
    "\\bwan\\b|ai",
    "(?:U\\.S\\.|US)\\b",
    "\\b(?:U\\.S\\.|US)",
    "(?<![A-Za-z0-9_])(?:U\\.S\\.|tai)(?![A-Za-z0-9_])",
    "tai(?:wan)?(?:ese)?",
    "an\\b|wa\\Bn|_s",
    "\\b\\.s|s\\.\\b",
    "ai[wW]an\\b",
    "\xE2\x80\x99s\\b|n\xE2\x80\x99",
    "taiwanes?e?|t(?:ai)wan\\b",   /* runs of letters, a quantifier on a run's last */
    "ta\\-i wan|(?:ta)iwa\\Bn",
    /* a negative lookahead at an alternative's end: the next alternative, or the next start */
    "\\btai\\b(?! wan| ta)|\\btaiwan|\\btai",
    "tai(?!wan)|taiwan(?!ese?)\\b|an(?! )",
    "(?:US|U\\.S\\.)(?!-| [Ss]e)|(?:ai|wa)(?!n\\.?)",
};

/* The next number of the tests' small generator. */
static unsigned lcg(unsigned *seed)
{
    *seed = *seed * 1103515245u + 12345u;
    return *seed >> 16;
}

static void test_litpat_equals_pcre2(void **state)
{
    static const char *const texts[] = {
        "taiwan tai taiwanese Taiwan TAI-wan",
        "U.S.A. US USA U.S. forces, the US_ and U.S.",
        "Taiwan\xE2\x80\x99s taiwan\xE2\x80\x99 n\xE2\x80\x99s s.s .s. _s",
        "aiwan aiWan AIWAN_ taiwanesetaiwanese",
    };
    static const char *const alphabet[] = {"t", "a", "i", "w", "n", "T", "A", "I", "W", "N",
                                           " ", "U", "S", ".", "s", "_", "-", "e",
                                           "\xE2\x80\x99"};
    size_t p, t, k;
    unsigned seed = 12345;
    (void)state;
    for (p = 0; p < sizeof PATTERNS / sizeof *PATTERNS; p++) {
        for (t = 0; t < sizeof texts / sizeof *texts; t++) {
            size_t len = strlen(texts[t]);
            compare_with_pcre2(PATTERNS[p], 0, texts[t], 0, len);
            compare_with_pcre2(PATTERNS[p], 1, texts[t], 0, len);
            compare_with_pcre2(PATTERNS[p], 1, texts[t], 3, len - 2);   /* a sentence inside */
        }
        for (k = 0; k < 300; k++) {   /* random texts over the patterns' characters */
            char buf[128];
            size_t n = 0, len, i;
            len = lcg(&seed) % 40;
            for (i = 0; i < len; i++) {
                const char *c;
                c = alphabet[lcg(&seed) % (sizeof alphabet / sizeof *alphabet)];
                memcpy(buf + n, c, strlen(c));
                n += strlen(c);
            }
            buf[n] = '\0';
            compare_with_pcre2(PATTERNS[p], (int)(k & 1), buf, 0, n);
            if (n > 4) {   /* a sentence inside, cut at characters */
                size_t a = 2, e = n - 1;
                while (((unsigned char)buf[a] & 0xC0) == 0x80)
                    a++;
                while (e > a && ((unsigned char)buf[e] & 0xC0) == 0x80)
                    e--;
                compare_with_pcre2(PATTERNS[p], (int)(k & 1), buf, a, e);
            }
        }
    }
}

/* Random patterns of letters, groups, classes, '?', \b, \B and negative lookaheads: each one
 * that parses as a literal set matches as PCRE2 does over random texts (TT_LITPAT_SEED picks
 * other patterns). */
static void test_litpat_random_patterns(void **state)
{
    static const char *const atoms[] = {
        "t", "a", "i", "w", "n", "ai", "tai", "an", " ", ".", "[aw]", "[tn]", "(?:a|ai)",
        "(?:ta|t|wan)", "\\b", "\\b", "\\B", "(?! t)", "(?!a|wa)", "(?!i)", "(?![ai]n)",
        "(?!\\.)", "(?:tai|an)(?!w)",
    };
    static const char *const alphabet[] = {"t", "a", "i", "w", "n", "T", "A", " ", ".", "_"};
    const char *env = getenv("TT_LITPAT_SEED");
    unsigned seed = env ? (unsigned)strtoul(env, NULL, 10) : 99;
    size_t k, sets = 0;
    (void)state;
    for (k = 0; k < 4000; k++) {
        char re[256], text[64];
        size_t n = 0, i, m, len, tn = 0;
        tt_litpat lp;
        int rc;
        m = 1 + lcg(&seed) % 3;   /* alternatives */
        for (i = 0; i < m; i++) {
            size_t j, na;
            na = 1 + lcg(&seed) % 5;
            if (i)
                re[n++] = '|';
            for (j = 0; j < na; j++) {
                const char *a;
                a = atoms[lcg(&seed) % (sizeof atoms / sizeof *atoms)];
                memcpy(re + n, a, strlen(a));
                n += strlen(a);
                if (lcg(&seed) % 5 == 0 && a[0] != '\\' && strncmp(a, "(?!", 3))
                    re[n++] = '?';
            }
        }
        re[n] = '\0';
        rc = tt_litpat_parse(re, n, (int)(k & 1), 256, 1, &lp);
        assert_true(rc >= 0);
        if (rc == 0)
            continue;
        tt_litpat_release(&lp);
        sets++;
        for (i = 0; i < 8; i++) {
            len = lcg(&seed) % 30;
            for (tn = 0; tn < len; tn++) {
                text[tn] = alphabet[lcg(&seed) % (sizeof alphabet / sizeof *alphabet)][0];
            }
            text[tn] = '\0';
            compare_with_pcre2(re, (int)(k & 1), text, 0, tn);
            if (tn > 4)
                compare_with_pcre2(re, (int)(k & 1), text, 1, tn - 2);
        }
    }
    assert_true(sets > 400);
}

/* Through the scanner: a ruleset of literal sets gives the same matches (spans too) with the
 * prefilter, where the literal hits decide them, as without it, where PCRE2 runs. */
static const char RULES[] =
    "version: 1\n"
    "topic:\n"
    "  id: t\n"
    "  title: T\n"
    "  patterns:\n"
    "    - {id: a, regex: 'tai|taiwan'}\n"
    "    - {id: b, regex: '\\b(?:tai|taiwan)\\b', ignore_case: true}\n"
    "    - {id: c, regex: 'tai(?:wan)?(?:ese)?', word: true, ignore_case: true}\n"
    "    - {id: d, regex: '(?:U\\.S\\.|USA)\\b'}\n"
    "    - {id: e, regex: 'tai\\w+'}\n";

static void test_litpat_scanner(void **state)
{
    static const char text[] =
        "Taiwan and TAIWANESE taiwan tai. The US and U.S. taiwanese-tai met.\n\n"
        "Taiwanese taiwan USA US. Tai taiwanesetaiwan.";
    tt_ruleset *rs = sm_load(RULES);
    size_t i;
    (void)state;
    for (i = 0; i < 5; i++) {   /* e is not a set; c multiplies out to four strings */
        static const size_t nstrings[] = {2, 2, 4, 2, 0};
        assert_int_equal(tt_ruleset_pattern(rs, i)->literal_set, nstrings[i]);
    }
    assert_true(sm_compare(rs, text) > 10);
    tt_ruleset_free(rs);
}

/* Two-byte strings are literal sets only as whole words: their hits inside words ("said")
 * are dropped before they wake anything, so the word is as rare as a longer literal. */
static const char RULES_TWO[] =
    "version: 1\n"
    "topic:\n"
    "  id: t\n"
    "  title: T\n"
    "  patterns:\n"
    "    - {id: ai, regex: '\\b(?:artificial intelligence|AI)\\b', ignore_case: true}\n"
    "    - {id: xi, regex: '\\b(?:President )?Xi(?: Jinping)?\\b'}\n"
    "    - {id: g7, regex: 'G7', word: true}\n"
    "    - {id: half, regex: '\\bAI'}\n"
    "    - {id: one, regex: '\\b(?:A|ABC)\\b'}\n"
    "    - {id: inner, regex: '\\BAI\\B'}\n";

static void test_litpat_two_bytes(void **state)
{
    static const char text[] =
        "AI said the G7. President Xi Jinping and Xi met; ai-driven AIs and the G7s.\n\n"
        "Artificial intelligence, Xi, and XI said so: AI. A G7 ABC in Sai Kung.";
    tt_ruleset *rs = sm_load(RULES_TWO);
    size_t i;
    (void)state;
    for (i = 0; i < 6; i++) {
        static const size_t nstrings[] = {2, 4, 1, 0, 0, 0};
        assert_int_equal(tt_ruleset_pattern(rs, i)->literal_set, nstrings[i]);
    }
    assert_true(sm_compare(rs, text) > 10);
    tt_ruleset_free(rs);
}

static void test_litpat_out_of_memory(void **state)
{
    const char *re = "\\b(?:Futenma|Henoko|Camp (?:Schwab|Hansen))s?\\b";
    long n;
    (void)state;
    for (n = 0;; n++) {
        tt_litpat lp;
        int rc;
        tt_alloc_fail_after(n);
        rc = tt_litpat_parse(re, strlen(re), 1, 64, 3, &lp);
        tt_alloc_fail_after(-1);
        if (rc == 1) {
            assert_int_equal(lp.n, 8);
            tt_litpat_release(&lp);
            break;
        }
        assert_int_equal(rc, -1);
        assert_null(lp.alt);
    }
    assert_true(n > 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_litpat_multiply_out),
        cmocka_unit_test(test_litpat_not_sets),
        cmocka_unit_test(test_litpat_equals_pcre2),
        cmocka_unit_test(test_litpat_random_patterns),
        cmocka_unit_test(test_litpat_scanner),
        cmocka_unit_test(test_litpat_two_bytes),
        cmocka_unit_test(test_litpat_out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
