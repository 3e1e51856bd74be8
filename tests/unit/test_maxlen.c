/* test_maxlen.c - unit tests of the longest match of a pattern (src/maxlen.c): exact values,
 * the constructs that refuse, and a check against PCRE2 that no match is ever longer. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "maxlen.h"
#include "topictag.h"
#include "same_matches.h"

#define UNB TT_MAXLEN_UNBOUNDED

static size_t max_of(const char *re)
{
    size_t n = 12345;
    int rc = tt_regex_max_length(re, strlen(re), &n);
    if (rc != 0)
        print_message("pattern '%s' refused\n", re);
    assert_int_equal(rc, 0);
    return n;
}

static void test_maxlen_values(void **state)
{
    (void)state;
    assert_int_equal(max_of("abc"), 3);
    assert_int_equal(max_of("\\bthe (?:[\\w-]+ ){0,2}(?:attack|strike)s?\\b"), UNB);
    assert_int_equal(max_of("\\bthe (?:[a-z-]{1,3} ){0,2}(?:attack|strike)s?\\b"), 4 + 8 + 7);
    assert_int_equal(max_of("colou?r"), 6);
    assert_int_equal(max_of("a|bcd|ef"), 3);
    assert_int_equal(max_of("(?<![A-Za-z0-9_])(?:U\\.S\\.)(?![A-Za-z0-9_])"), 4);
    assert_int_equal(max_of("(?<=foo)bar(?=baz)"), 3);
    assert_int_equal(max_of("x{3}y{2,4}"), 7);
    assert_int_equal(max_of("\xE2\x80\x99s"), 4 + 1);   /* non-ASCII: 4 bytes each */
    assert_int_equal(max_of("a.c[^x][xy]\\d\\s"), 1 + 4 + 1 + 4 + 1 + 4 + 4);
    assert_int_equal(max_of("a\\.b\\x41\\x{2019}\\pL\\p{Lu}"), 3 + 4 + 4 + 4 + 4);
    assert_int_equal(max_of("(?i)abc(?-i:de)(?#note)"), 5);
    assert_int_equal(max_of("a{"), 2);   /* not a quantifier: a literal brace */
    assert_int_equal(max_of("^ab$"), 2);
    assert_int_equal(max_of("a\\Rb"), 5);   /* \R: U+2028 is 3 bytes */
    assert_int_equal(max_of("(?<n>ab)\\k<n>"), UNB);
    assert_int_equal(max_of("(ab)\\1"), UNB);
    assert_int_equal(max_of("a+"), UNB);
    assert_int_equal(max_of("a*?b"), UNB);
    assert_int_equal(max_of("a{2,}"), UNB);
}

static void test_maxlen_refuses(void **state)
{
    static const char *const no[] = {"\\Gabc", "ab\\Kc", "(*COMMIT)abc", "a(?R)?", "(?(1)a|b)",
                                     "(?x) a b", "\\Qa+\\E", "(ab", "ab)", "[ab", "(?1)",
                                     "a{,3}"};
    size_t i, n;
    (void)state;
    for (i = 0; i < sizeof no / sizeof *no; i++) {
        if (tt_regex_max_length(no[i], strlen(no[i]), &n) != -1)
            print_message("pattern '%s' not refused\n", no[i]);
        assert_int_equal(tt_regex_max_length(no[i], strlen(no[i]), &n), -1);
    }
}

/* Every match PCRE2 finds anywhere in the texts is at most as long as the bound. */
static void test_maxlen_bounds_pcre2(void **state)
{
    static const char *const patterns[] = {
        "\\bthe (?:[a-z-]{1,3} ){0,2}(?:attack|strike)s?\\b", "colou?r", "a|bcd|ef",
        "(?<=t)he\\b", "[\\x{2019}']s\\b", "t.e", "\\w\\w?\\W", "(?:ab|c){2,3}d?",
        "o\\Rb", "\\R\\R",
    };
    static const char *const texts[] = {
        "the big red attacks and the strike, the a-b cd strikes; the attackers",
        "colour color colouur abcdef bcd ef", "the then he th\xE2\x80\x99s it's",
        "ababab abcd ccd cabcd \xC3\xA9t\xC3\xA9 x\xE2\x80\x99y",
        "foo\xE2\x80\xA8" "barbaz foo\r\nbar \xE2\x80\xA9\xE2\x80\xA8",
    };
    size_t p, t;
    pcre2_match_data *md = pcre2_match_data_create(1, NULL);
    (void)state;
    for (p = 0; p < sizeof patterns / sizeof *patterns; p++) {
        int ec;
        PCRE2_SIZE eo;
        size_t bound = max_of(patterns[p]);
        pcre2_code *code = pcre2_compile((PCRE2_SPTR)patterns[p], PCRE2_ZERO_TERMINATED,
                                         PCRE2_UTF | PCRE2_CASELESS, &ec, &eo, NULL);
        assert_non_null(code);
        for (t = 0; t < sizeof texts / sizeof *texts; t++) {
            size_t off, len = strlen(texts[t]);
            for (off = 0; off < len; off++) {
                PCRE2_SIZE *ov;
                if (((unsigned char)texts[t][off] & 0xC0) == 0x80)
                    continue;
                if (pcre2_match(code, (PCRE2_SPTR)texts[t], len, off, PCRE2_ANCHORED, md,
                                NULL) < 0)
                    continue;
                ov = pcre2_get_ovector_pointer(md);
                assert_true(ov[1] - ov[0] <= bound);
            }
        }
        pcre2_code_free(code);
    }
    pcre2_match_data_free(md);
}

/* Through the scanner: PCRE2 started near the first literal hit (and stopped when no hit is
 * left) finds what it finds from the sentence start, lookbehind and \b before the start
 * offset included. */
static void test_maxlen_scanner(void **state)
{
    static const char rules[] =
        "version: 1\n"
        "topic:\n"
        "  id: t\n"
        "  title: T\n"
        "  patterns:\n"
        "    - {id: a, regex: '(?<=big )\\bred (?:[a-z]{1,4} ){0,2}balls?\\b'}\n"
        "    - {id: b, regex: '\\B(?:ed|ue) bal+', ignore_case: true}\n"
        "    - {id: c, regex: '(?:red|blue) \\w+ ball'}\n"
        "    - {id: d, regex: 'ball(?=s? (?:and|or))|the (?:big )?ball'}\n"
        "    - {id: e, regex: 'b?(?:a|o)l{2}(?!x)'}\n";
    static const char text[] =
        "A big red ball and the big blue ball or a red big ball. Big red so balls or the ball, "
        "the big ball and red x y ball.\n\nRed balls; big red a b c balls; big red ab ball "
        "and BLUE BALL, blue x ball. balls ball oll boll.";
    tt_ruleset *rs = sm_load(rules);
    size_t i;
    (void)state;
    for (i = 0; i < 5; i++)
        assert_int_equal(tt_ruleset_pattern(rs, i)->literal_set, 0);
    assert_true(sm_compare(rs, text) > 10);
    tt_ruleset_free(rs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_maxlen_values),
        cmocka_unit_test(test_maxlen_refuses),
        cmocka_unit_test(test_maxlen_bounds_pcre2),
        cmocka_unit_test(test_maxlen_scanner),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
