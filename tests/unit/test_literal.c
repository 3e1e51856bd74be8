/* test_literal.c - unit tests of required-literal extraction (src/literal.c). */
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
#include "literal.h"

/* ---- helpers ---- */

typedef struct bstr {
    const char *s;
    size_t len;
} bstr;

static int bstr_cmp(const void *a, const void *b)
{
    const bstr *x = a, *y = b;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->s, y->s, n);
    if (c)
        return c;
    return x->len < y->len ? -1 : x->len > y->len;
}

static void print_set(const char *re, int rc, const tt_litset *got)
{
    size_t i;
    print_message("pattern '%s': rc %d, %zu strings:", re, rc, got->n);
    for (i = 0; i < got->n && i < 20; i++)
        print_message(" \"%.*s\"", (int)got->len[i], got->s[i]);
    print_message("\n");
}

/* Every string of a result: at least min_len bytes, NUL-terminated, no ASCII capitals, no
 * word-boundary mark left. */
static void check_shape(const tt_litset *got, size_t min_len)
{
    size_t i, j;
    for (i = 0; i < got->n; i++) {
        assert_true(got->len[i] >= (min_len ? min_len : 1));
        assert_int_equal(got->s[i][got->len[i]], '\0');
        for (j = 0; j < got->len[i]; j++) {
            assert_false(got->s[i][j] >= 'A' && got->s[i][j] <= 'Z');
            assert_true((unsigned char)got->s[i][j] != 0xFF);   /* no word-boundary mark */
        }
    }
}

/* Asserts that got, extracted from re with return code rc, is exactly the set
 * want[0..nwant) (order free), and releases it. */
static void check_set(const char *re, int rc, tt_litset *got_, size_t min_len,
                      const char *const *want, size_t nwant)
{
    tt_litset got = *got_;
    bstr *g, *w;
    size_t i;
    int same = rc == 1 && got.n == nwant;

    g = calloc(got.n + 1, sizeof *g);
    w = calloc(nwant + 1, sizeof *w);
    assert_non_null(g);
    assert_non_null(w);
    for (i = 0; i < got.n; i++) {
        g[i].s = got.s[i];
        g[i].len = got.len[i];
    }
    for (i = 0; i < nwant; i++) {
        w[i].s = want[i];
        w[i].len = strlen(want[i]);
    }
    qsort(g, got.n, sizeof *g, bstr_cmp);
    qsort(w, nwant, sizeof *w, bstr_cmp);
    for (i = 0; same && i < nwant; i++)
        same = bstr_cmp(&g[i], &w[i]) == 0;
    if (!same)
        print_set(re, rc, &got);
    assert_int_equal(rc, 1);
    assert_int_equal(got.n, nwant);
    for (i = 0; i < nwant; i++) {
        assert_int_equal(g[i].len, w[i].len);
        assert_memory_equal(g[i].s, w[i].s, w[i].len);
    }
    check_shape(&got, min_len);
    free(g);
    free(w);
    tt_litset_release(&got);
    assert_null(got.s);
    assert_null(got.len);
    assert_int_equal(got.n, 0);
}

/* Asserts that re yields exactly the set want[0..nwant) (order free). */
static void expect_set(const char *re, int caseless, size_t min_len, const char *const *want,
                       size_t nwant)
{
    tt_litset got;
    int rc = tt_literal_extract(re, strlen(re), caseless, min_len, &got);
    check_set(re, rc, &got, min_len, want, nwant);
}

/* Asserts that re yields the set want[0..nwant) and the second set want2[0..nwant2) (none
 * when nwant2 is 0). */
static void expect_pair(const char *re, int caseless, size_t min_len, const char *const *want,
                        size_t nwant, const char *const *want2, size_t nwant2)
{
    tt_litset got, got2;
    int rc = tt_literal_extract2(re, strlen(re), caseless, min_len, &got, &got2);
    check_set(re, rc, &got, min_len, want, nwant);
    if (nwant2 == 0) {
        if (got2.n)
            print_set(re, rc, &got2);
        assert_int_equal(got2.n, 0);
        assert_null(got2.s);
    } else {
        check_set(re, rc, &got2, min_len, want2, nwant2);
    }
}

#define WANT(...) (const char *const[]){__VA_ARGS__}, \
    sizeof((const char *const[]){__VA_ARGS__}) / sizeof(const char *)
#define EXPECT(re, ci, min, ...) expect_set(re, ci, min, WANT(__VA_ARGS__))

#define NONE (const char *const *)NULL, 0
#define EXPECT2(re, ci, min, first, second) expect_pair(re, ci, min, first, second)

/* Asserts that re (of length len) has no usable requirement. */
static void expect_none_len(const char *re, size_t len, int caseless, size_t min_len)
{
    tt_litset got;
    int rc = tt_literal_extract(re, len, caseless, min_len, &got);
    if (rc != 0)
        print_set(re, rc, &got);
    assert_int_equal(rc, 0);
    assert_null(got.s);
    assert_null(got.len);
    assert_int_equal(got.n, 0);
}

static void expect_none(const char *re, int caseless, size_t min_len)
{
    expect_none_len(re, strlen(re), caseless, min_len);
}

/* ---- the cases from the specification ---- */

static void test_lit_plain(void **state)
{
    (void)state;
    EXPECT("Taiwan Strait", 0, 3, "taiwan strait");
    EXPECT("Taiwan Strait", 1, 3, "taiwan ");   /* caseless: S breaks the literal */
    /* "north" and "korea" tie, but a word begins before "korea" (after \\s): it is chosen */
    EXPECT("North\\s+Korea", 0, 3, "korea");
    EXPECT("missiles?", 0, 3, "missile");
    EXPECT("(?:ICBM|SLBM)s?", 0, 3, "icbm", "slbm");
    EXPECT("China[\xe2\x80\x99']s", 0, 3, "china\xe2\x80\x99s", "china's");
    EXPECT("\\bSenkaku\\b", 0, 3, "senkaku");
    EXPECT("(?<![A-Za-z0-9_])(?:Diaoyu)(?![A-Za-z0-9_])", 0, 3, "diaoyu");
    EXPECT("\\d+ missiles", 0, 3, " missiles");
    EXPECT("a\\.b", 0, 3, "a.b");
    EXPECT("^Seoul$", 0, 3, "seoul");
    EXPECT("x\\-\\(y\\)\\ \\#\\,", 0, 3, "x-(y) #,");
}

static void test_lit_no_requirement(void **state)
{
    (void)state;
    expect_none("a|b", 0, 3);
    EXPECT("a|b", 0, 1, "a", "b");
    expect_none("foo|", 0, 3);
    expect_none("|foo", 0, 3);
    expect_none("x*", 0, 1);
    expect_none(".*", 0, 1);
    expect_none("", 0, 1);
    expect_none("^$", 0, 0);            /* min_len 0 counts as 1 */
    expect_none("\\d+", 0, 1);
    expect_none("Kim Jong Un|\\d+", 0, 3);  /* one branch has no literal */
    expect_none("ab", 0, 3);            /* too short */
    expect_none("(?:abc)?", 0, 3);
    expect_none("(?:abc){0}", 0, 3);
    expect_none("(?:abc){0,2}", 0, 3);
    expect_none("(?:abc){,2}", 0, 3);
}

static void test_lit_quantifiers(void **state)
{
    (void)state;
    EXPECT("(ab)+cd", 0, 2, "ab");      /* {ab} and {cd} tie: the first */
    EXPECT("a{2}bcd", 0, 3, "bcd");
    EXPECT("(?:abc){2}", 0, 3, "abc");
    EXPECT("(?:abc){1,}x", 0, 3, "abc");
    EXPECT("(?:abcd){ 1 , 3 }x", 0, 3, "abcd");
    EXPECT("(?:abc)+?de", 0, 3, "abc");
    EXPECT("(?:abc)++de", 0, 3, "abc");
    EXPECT("xy(?:abc)*+de", 0, 2, "xy");
    EXPECT("a{x", 0, 3, "a{x");         /* not a quantifier: literal '{' */
    EXPECT("a{2x}bc", 0, 3, "a{2x}bc");
    EXPECT("ab}c]", 0, 3, "ab}c]");
    expect_none("{2}abc", 0, 3);        /* quantifier with nothing to repeat */
    expect_none("+abc", 0, 3);
    expect_none("abc|*x", 0, 1);
    expect_none("a(?#c)+bcd", 0, 3);    /* quantifier after a comment */
    expect_none("abc\\Qd\\E+", 0, 3);   /* quantifier after \E */
    EXPECT("abc(?#comment)def", 0, 3, "abcdef");
}

static void test_lit_caseless(void **state)
{
    (void)state;
    /* k matches U+212A KELVIN SIGN and s matches U+017F LONG S in caseless UTF mode */
    EXPECT("(?i)kim jong", 0, 3, "im jong");
    EXPECT("kim jong", 1, 3, "im jong");
    EXPECT("Kim Jong", 1, 3, "im jong");
    EXPECT("missile", 1, 3, "ile");
    expect_none("missile", 1, 4);
    EXPECT("(?i:Kim) Jong", 0, 3, " jong");
    EXPECT("abcd(?-i)xy", 0, 3, "abcdxy");     /* any 'i' in options: caseless throughout */
    EXPECT("MISSILE", 0, 3, "missile");
    EXPECT("[sS]ea", 0, 3, "sea");
    EXPECT("[sS]ea", 1, 2, "ea");
    EXPECT("Xi[’']an", 0, 3, "xi\xe2\x80\x99" "an", "xi'an");
    EXPECT("Xi[’']an", 1, 2, "xi");           /* non-ASCII class member: unknown */
    EXPECT("\xc5\x8ctani", 0, 3, "\xc5\x8ctani");   /* Ōtani: bytes kept */
    EXPECT("\xc5\x8ctani", 1, 3, "tani");
    EXPECT("(?i)\xc5\x8ctani", 0, 3, "tani");
}

static void test_lit_unsupported(void **state)
{
    (void)state;
    expect_none("(?x) a b", 0, 1);
    expect_none("ab(?x)cd", 0, 1);
    expect_none("(?x:ab)cd", 0, 1);
    expect_none("ab(?xx)cd", 0, 1);
    expect_none("(?(1)a|b)", 0, 1);
    expect_none("(abc)(?1)", 0, 1);
    expect_none("(abc)(?R)", 0, 1);
    expect_none("(?<n>abc)(?&n)", 0, 1);
    expect_none("(?<n>abc)(?P>n)", 0, 1);
    expect_none("(?<n>abc)(?P=n)", 0, 1);
    expect_none("(abc)(?-1)", 0, 1);
    expect_none("(abc)\\g<1>", 0, 1);
    expect_none("(?C1)abc", 0, 1);
    expect_none("(*UTF)abc", 0, 1);
    expect_none("(*UCP)abc", 0, 1);
    expect_none("abc(*SKIP)(*FAIL)|def", 0, 1);
    expect_none("abc(*pla:x)", 0, 1);
    expect_none("abc(?*x)", 0, 1);
    expect_none("foo\\Kbar", 0, 1);     /* \K: the match would start after foo */
    expect_none("(?abc)def", 0, 1);     /* unknown option letter */
}

static void test_lit_escapes(void **state)
{
    (void)state;
    EXPECT("\\p{Lu}aiwan", 0, 3, "aiwan");
    EXPECT("\\pLaiwan", 0, 3, "aiwan");
    EXPECT("\\P{^Lu}aiwan", 0, 3, "aiwan");
    EXPECT("\\x{263a}abc", 0, 3, "abc");
    EXPECT("\\x41bcd", 0, 3, "bcd");
    EXPECT("\\x4bcd", 0, 2, "cd");      /* \x4b is one atom */
    EXPECT("\\o{101}abc", 0, 3, "abc");
    EXPECT("\\cXabc", 0, 3, "abc");
    EXPECT("\\c{abc", 0, 3, "abc");
    EXPECT("(a)\\1abc", 0, 3, "abc");
    EXPECT("(a)\\g{1}abc", 0, 3, "abc");
    EXPECT("(a)\\g-1abc", 0, 3, "abc");
    EXPECT("(?<n>a)\\k<n>abc", 0, 3, "abc");
    EXPECT("(?<n>a)\\k{n}abc", 0, 3, "abc");
    EXPECT("(?<n>a)\\k'n'abc", 0, 3, "abc");
    EXPECT("\\0abc", 0, 3, "abc");
    EXPECT("\\012abc", 0, 3, "abc");
    EXPECT("\\123456abc", 0, 3, "abc");
    EXPECT("\\N{U+41}abc", 0, 3, "abc");
    EXPECT("x\\N{2}abc", 0, 3, "abc");
    EXPECT("\\Qa.b\\E", 0, 3, "a.b");
    EXPECT("\\Qa|b)(\\Ecd", 0, 3, "a|b)(cd");
    EXPECT("x\\Qa.b", 0, 3, "xa.b");    /* \Q runs to the end */
    EXPECT("ab\\Ecd", 0, 3, "abcd");    /* a lone \E is ignored */
    EXPECT("\\Q\\Eabc", 0, 3, "abc");
    EXPECT("\\d\\s\\w\\h\\v\\R\\X\\S\\D\\W\\H\\V\\t\\n\\r\\f\\e\\a" "abc", 0, 3, "abc");
    EXPECT("\\Aabc\\z", 0, 3, "abc");
    EXPECT("\\Gab\\Bc\\Z", 0, 3, "abc");
    expect_none("abc\\", 0, 1);
    expect_none("\\x{41abc", 0, 1);
}

static void test_lit_classes(void **state)
{
    (void)state;
    EXPECT("[^a]bcd", 0, 3, "bcd");
    EXPECT("[[:alpha:]]xyz", 0, 3, "xyz");
    EXPECT("[[:^alpha:]]xyz", 0, 3, "xyz");
    EXPECT("[a[:digit:]]xyz", 0, 3, "xyz");
    EXPECT("war[-\xe2\x80\x93]torn", 0, 3, "war-torn", "war\xe2\x80\x93torn");
    EXPECT("[]a]bc", 0, 3, "]bc", "abc");
    EXPECT("[^]a]bcd", 0, 3, "bcd");
    EXPECT("[\\]x]yz", 0, 3, "]yz", "xyz");
    EXPECT("[a-c]de", 0, 2, "de");
    EXPECT("[a\\-c]de", 0, 3, "ade", "-de", "cde");
    EXPECT("[ac-]de", 0, 3, "ade", "cde", "-de");
    EXPECT("[abcde]fg", 0, 2, "fg");    /* more than 4 members */
    EXPECT("[abcd]fg", 0, 3, "afg", "bfg", "cfg", "dfg");
    EXPECT("[aA]bc", 0, 3, "abc");
    EXPECT("[\\d]bc", 0, 2, "bc");
    EXPECT("[x\\Q]\\E]bc", 0, 2, "bc");
    EXPECT("[\\c]]bc", 0, 2, "bc");     /* \c] is a control character */
    EXPECT("[a[:b]cd", 0, 3, "acd", "[cd", ":cd", "bcd");   /* not a POSIX class */
    EXPECT("[)|(]xy", 0, 3, ")xy", "|xy", "(xy");
    expect_none("[abc", 0, 1);
    expect_none("[\\Q]abc]", 0, 1);
}

static void test_lit_groups(void **state)
{
    (void)state;
    EXPECT("Pyongyang|North Korea|DPRK", 0, 3, "pyongyang", "north korea", "dprk");
    EXPECT("(?:a|b)(?:c|d)(?:e|f)", 0, 3, "ace", "acf", "ade", "adf", "bce", "bcf", "bde",
           "bdf");
    EXPECT("(?:(?:Kim|Moon) (?:Jae-in|Jong-un))", 0, 3, "kim jae-in", "kim jong-un",
           "moon jae-in", "moon jong-un");
    EXPECT("((a(b(c))))d", 0, 4, "abcd");
    EXPECT("(?<name>abc)", 0, 3, "abc");
    EXPECT("(?P<name>abc)", 0, 3, "abc");
    EXPECT("(?'name'abc)", 0, 3, "abc");
    EXPECT("(?>abc)", 0, 3, "abc");
    EXPECT("(?|(abc)|(abd))", 0, 3, "abc", "abd");
    EXPECT("(?m:abc)", 0, 3, "abc");
    /* "a" and "c" are equally long, but "a" is an English function word: "c" is chosen; "abc"
     * holds it, so it adds nothing */
    EXPECT("(?s)a.c|abc", 0, 1, "c");
    EXPECT("(?<=foo)bar", 0, 3, "bar");
    EXPECT("(?<!foo)bar", 0, 3, "bar");
    EXPECT("bar(?=bazz)", 0, 3, "bar");
    EXPECT("bar(?!bazz)", 0, 3, "bar");
    EXPECT("(?:\\d+ (?:missiles|rockets)|ICBMs?)", 0, 3, " missiles", " rockets", "icbm");
    EXPECT("()abc", 0, 3, "abc");
    expect_none("(abc", 0, 1);
    expect_none("abc)", 0, 1);
    expect_none("a(?#unterminated", 0, 1);
}

static void test_lit_many(void **state)
{
    char re[1000], want_buf[100][8];
    const char *want[100];
    size_t i, o = 0;
    (void)state;
    for (i = 0; i < 100; i++) {
        snprintf(want_buf[i], sizeof want_buf[i], "w%03zu", i);
        want[i] = want_buf[i];
        o += (size_t)snprintf(re + o, sizeof re - o, "%sW%03zu", i ? "|" : "", i);
    }
    expect_set(re, 0, 3, want, 100);
    /* a long literal keeps its first 64 bytes */
    EXPECT("0123456789012345678901234567890123456789012345678901234567890123456789", 0, 3,
           "0123456789012345678901234567890123456789012345678901234567890123");
    /* 2^7 combinations outgrow the exact cap: a 6-letter product remains */
    EXPECT("(?:a|b)(?:c|d)(?:e|f)(?:g|h)(?:i|j)(?:k|l)(?:m|n)", 0, 1,
           "acegik", "acegil", "acegjk", "acegjl", "acehik", "acehil", "acehjk", "acehjl",
           "acfgik", "acfgil", "acfgjk", "acfgjl", "acfhik", "acfhil", "acfhjk", "acfhjl",
           "adegik", "adegil", "adegjk", "adegjl", "adehik", "adehil", "adehjk", "adehjl",
           "adfgik", "adfgil", "adfgjk", "adfgjl", "adfhik", "adfhil", "adfhjk", "adfhjl",
           "bcegik", "bcegil", "bcegjk", "bcegjl", "bcehik", "bcehil", "bcehjk", "bcehjl",
           "bcfgik", "bcfgil", "bcfgjk", "bcfgjl", "bcfhik", "bcfhil", "bcfhjk", "bcfhjl",
           "bdegik", "bdegil", "bdegjk", "bdegjl", "bdehik", "bdehil", "bdehjk", "bdehjl",
           "bdfgik", "bdfgil", "bdfgjk", "bdfgjl", "bdfhik", "bdfhil", "bdfhjk", "bdfhjl");
}

static void test_lit_bad_input(void **state)
{
    tt_litset got;
    (void)state;
    expect_none("abc\xff" "def", 0, 1);
    expect_none("abc\xc0\xaf" "def", 0, 1);        /* overlong */
    expect_none("abc\xed\xa0\x80" "def", 0, 1);    /* surrogate */
    expect_none("abc\xe2\x80", 0, 1);              /* truncated */
    expect_none_len("abcdef", 0, 0, 1);
    assert_int_equal(tt_literal_extract(NULL, 0, 0, 1, &got), 0);
    assert_int_equal(got.n, 0);
    /* an embedded NUL is an ordinary literal */
    assert_int_equal(tt_literal_extract("ab\0cd", 5, 0, 5, &got), 1);
    assert_int_equal(got.n, 1);
    assert_int_equal(got.len[0], 5);
    assert_memory_equal(got.s[0], "ab\0cd", 6);
    tt_litset_release(&got);
    tt_litset_release(&got);    /* twice is harmless */
    tt_litset_release(NULL);
}

/* ---- soundness against PCRE2 ---- */

static int is_word(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* Whether the ASCII-folded match subj[s .. e) contains one of set's strings in a context
 * (a word byte of the subject or none just before it and just after it) its ctx allows: the
 * scanner drops a hit in any other context. */
static int contains_one(const char *subj, size_t s, size_t e, const tt_litset *set)
{
    size_t n = e - s, len = strlen(subj), i, j;
    char *f = malloc(n + 1);
    int found = 0;
    assert_non_null(f);
    for (i = 0; i < n; i++)
        f[i] = (char)(subj[s + i] >= 'A' && subj[s + i] <= 'Z' ? subj[s + i] + 32 : subj[s + i]);
    for (i = 0; i < set->n && !found; i++)
        for (j = 0; j + set->len[i] <= n && !found; j++) {
            size_t at = s + j, end = at + set->len[i];
            unsigned ctx = set->ctx ? set->ctx[i] : TT_LIT_CTX_ANY;
            int before = at > 0 && is_word((unsigned char)subj[at - 1]);
            int after = end < len && is_word((unsigned char)subj[end]);
            found = memcmp(f + j, set->s[i], set->len[i]) == 0 &&
                    (ctx & TT_LIT_CTX(before, after)) != 0;
        }
    free(f);
    return found;
}

static void check_match(const char *re, const char *subj, size_t s, size_t e,
                        const tt_litset *set)
{
    if (!contains_one(subj, s, e, set)) {
        print_message("pattern '%s' matches '%.*s' in '%s' without a literal in its context\n",
                      re, (int)(e - s), subj + s, subj);
        print_set(re, 1, set);
    }
    assert_true(contains_one(subj, s, e, set));
}

/* Some branch of br[0..n) has a string of its first set and of its second (if any) in the
 * match subj[s .. e). */
static void check_branches(const char *re, const char *subj, size_t s, size_t e,
                           const tt_litbranch *br, size_t n)
{
    size_t i;
    int ok = n == 0;
    for (i = 0; i < n && !ok; i++)
        ok = contains_one(subj, s, e, &br[i].first) &&
             (br[i].second.n == 0 || contains_one(subj, s, e, &br[i].second));
    if (!ok)
        print_message("pattern '%s' matches '%.*s' in '%s' without a branch's pair\n", re,
                      (int)(e - s), subj + s, subj);
    assert_true(ok);
}

static void release_all(tt_litset *set, tt_litset *set2, tt_litbranch *br, size_t n)
{
    size_t i;
    tt_litset_release(set);
    tt_litset_release(set2);
    for (i = 0; i < n; i++) {
        tt_litset_release(&br[i].first);
        tt_litset_release(&br[i].second);
    }
}

/* Checks every match of re in every subject: from each start position, the backtracking
 * matcher's match and (where the DFA matcher supports the pattern) all anchored matches.
 * Returns the number of matches checked. */
static long check_sound(const char *re, int caseless, size_t min_len, const char *const *subj,
                        size_t nsubj)
{
    tt_litset set, set2;
    tt_litbranch br[8];
    pcre2_code *code;
    pcre2_match_data *md, *dmd;
    int err, rc, ws[1000];
    PCRE2_SIZE eoff, *ov;
    size_t k, at, len, i, nbr;
    long checked = 0;

    rc = tt_literal_extract_branches(re, strlen(re), caseless, min_len, &set, &set2, br, 8,
                                     &nbr);
    assert_true(rc == 0 || rc == 1);
    check_shape(&set, min_len);
    check_shape(&set2, min_len);
    for (i = 0; i < nbr; i++) {
        check_shape(&br[i].first, min_len);
        check_shape(&br[i].second, min_len);
    }
    if (rc == 0)
        return 0;
    code = pcre2_compile((PCRE2_SPTR)re, PCRE2_ZERO_TERMINATED,
                         PCRE2_UTF | (caseless ? PCRE2_CASELESS : 0), &err, &eoff, NULL);
    if (!code) {
        release_all(&set, &set2, br, nbr);
        return 0;
    }
    md = pcre2_match_data_create(1, NULL);
    dmd = pcre2_match_data_create(50, NULL);
    assert_non_null(md);
    assert_non_null(dmd);
    for (k = 0; k < nsubj; k++) {
        len = strlen(subj[k]);
        for (at = 0; at <= len; at++) {
            if (at < len && ((unsigned char)subj[k][at] & 0xC0) == 0x80)
                continue;   /* not a character boundary */
            rc = pcre2_match(code, (PCRE2_SPTR)subj[k], len, at, PCRE2_ANCHORED, md, NULL);
            if (rc >= 0) {
                ov = pcre2_get_ovector_pointer(md);
                check_match(re, subj[k], ov[0], ov[1], &set);
                if (set2.n)
                    check_match(re, subj[k], ov[0], ov[1], &set2);
                check_branches(re, subj[k], ov[0], ov[1], br, nbr);
                checked++;
            }
            rc = pcre2_dfa_match(code, (PCRE2_SPTR)subj[k], len, at, PCRE2_ANCHORED, dmd, NULL,
                                 ws, sizeof ws / sizeof ws[0]);
            if (rc == 0)
                rc = 50;
            for (i = 0; rc > 0 && i < (size_t)rc; i++) {
                ov = pcre2_get_ovector_pointer(dmd);
                check_match(re, subj[k], ov[2 * i], ov[2 * i + 1], &set);
                if (set2.n)
                    check_match(re, subj[k], ov[2 * i], ov[2 * i + 1], &set2);
                check_branches(re, subj[k], ov[2 * i], ov[2 * i + 1], br, nbr);
                checked++;
            }
        }
    }
    pcre2_match_data_free(md);
    pcre2_match_data_free(dmd);
    pcre2_code_free(code);
    release_all(&set, &set2, br, nbr);
    return checked;
}

static const char *const SUBJECTS[] = {
    "Taiwan Strait", "the TAIWAN STRAIT tensions", "taiwan strait", "North Korea", "north  korea",
    "NORTH\tKOREA fired missiles", "3 missiles and 12 missile tests", "two ICBMs, one SLBM",
    "China's navy", "China\xe2\x80\x99s navy", "CHINA'S", "the Senkaku islands",
    "Diaoyu/Senkaku", "xDiaoyu", "Kim Jong Un", "\xe2\x84\xaaim Jong Un",
    "mi\xc5\xbf\xc5\xbfile", "MI\xc5\xbfSILE", "Pyongyang", "the DPRK said", "\xc5\x8ctani",
    "\xc5\x8dtani", "ab abab cd abcd", "a{x a{2} aa", "a.b a|b)( x-y", "war-torn war\xe2\x80\x93torn",
    "ace bdf adf", "Xi'an XI\xe2\x80\x99" "AN", "foobar bar foo", "", "\xe2\x98\xba" "abc",
};
#define NSUBJ (sizeof SUBJECTS / sizeof SUBJECTS[0])

static const char *const PATTERNS[] = {
    "Taiwan Strait", "Taiwan\\s+Strait", "North\\s+Korea", "missiles?", "(?:ICBM|SLBM)s?",
    "China[\xe2\x80\x99']s", "\\bSenkaku\\b", "(?<![A-Za-z0-9_])(?:Diaoyu)(?![A-Za-z0-9_])",
    "(ab)+cd", "\\d+ missiles?", "(?i)kim jong", "kim jong", "missile", "\\p{Lu}aiwan",
    "[^a]bcd", "a{2}", "a{x", "\\Qa.b\\E", "Pyongyang|North Korea|DPRK",
    "(?:a|b)(?:c|d)(?:e|f)", "\xc5\x8ctani", "(?<=foo)bar", "\\x{263a}abc", "[[:alpha:]]orth",
    "war[-\xe2\x80\x93]torn", "Xi[\xe2\x80\x99']an", "(?i:XI)['\xe2\x80\x99]an", "[sS]enkaku",
    "(?:North|South) Korea", "a|b", "ab|cd|(?:ef)+", "(?:Kim|Moon) Jong", "foo(?=bar)",
    "(?:abab)+|cd", "a.b", "a\\|b\\)\\(", "[a-c]{2}", "\\w+ Korea", "(?s).?Korea",
    "(?:missile|rocket)s? tests?", "ab(?:c|)d", "(?:ab|a)(?:bc|c)", "Strait$", "^Taiwan",
    "[kK]im", "[\\x{212a}k]im", "MISSILE", "Senkaku|Diaoyu", "\\d{1,2} missile",
    "(?>abab|ab)cd", "\\bfoo|bar\\b", "(?|(Kim)|(Moon)) Jong",
};
#define NPAT (sizeof PATTERNS / sizeof PATTERNS[0])

static void test_lit_sound_handwritten(void **state)
{
    size_t i;
    long checked = 0;
    int ci;
    (void)state;
    for (i = 0; i < NPAT; i++)
        for (ci = 0; ci < 2; ci++) {
            checked += check_sound(PATTERNS[i], ci, 1, SUBJECTS, NSUBJ);
            checked += check_sound(PATTERNS[i], ci, 3, SUBJECTS, NSUBJ);
        }
    assert_true(checked > 500);
}

/* Random patterns over a small alphabet, against random subjects over the same alphabet. */
static uint32_t rng_state = 12345;

static uint32_t rnd(uint32_t n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state % n;
}

static void append(char *buf, size_t cap, const char *s)
{
    size_t n = strlen(buf);
    if (n + strlen(s) < cap)
        memcpy(buf + n, s, strlen(s) + 1);
}

static const char *const ATOMS[] = {
    "a", "b", "k", "s", "K", "S", "ab", "ba", "\xc5\xbf", "\xe2\x84\xaa", "\xc3\xa9", "\xc3\x89",
    ".", "\\d", "\\s", "[ab]", "[^a]", "[a-c]", "[sS]", "[kK]", "[\xc3\xa9\xc3\x89]", "\\b",
    "\\B", "^", "$", "(?=a)", "(?<=b)", "(?!a)", "(?<!a)", "(?i)", "\\Qa.\\E", "\\x61", "{",
    "}", "]", "\\.", "-", " ", "1", "\\Ka", "a{,2}", "(?#c)", "\\1", "[:a]", "\\W", "\\h",
    "\\s+", "a?", "\\bab\\b",
};
#define NATOMS (sizeof ATOMS / sizeof ATOMS[0])
static const char *const QUANTS[] = {"?", "*", "+", "{2}", "{0,1}", "{1,}", "{1,2}?", "++", "{,1}"};
#define NQUANTS (sizeof QUANTS / sizeof QUANTS[0])

static void gen_alt(char *buf, size_t cap, int depth);

static void gen_seq(char *buf, size_t cap, int depth)
{
    uint32_t i, n = rnd(5);
    for (i = 0; i < n; i++) {
        uint32_t r = rnd(10);
        if (r < 2 && depth < 3) {
            static const char *const open[] = {"(", "(?:", "(?i:", "(?>", "(?=", "(?<n>", "(?|"};
            append(buf, cap, open[rnd(7)]);
            gen_alt(buf, cap, depth + 1);
            append(buf, cap, ")");
        } else
            append(buf, cap, ATOMS[rnd(NATOMS)]);
        if (rnd(4) == 0)
            append(buf, cap, QUANTS[rnd(NQUANTS)]);
    }
}

static void gen_alt(char *buf, size_t cap, int depth)
{
    uint32_t i, n = 1 + (rnd(3) == 0 ? rnd(3) : 0);
    for (i = 0; i < n; i++) {
        if (i)
            append(buf, cap, "|");
        gen_seq(buf, cap, depth);
    }
}

static void test_lit_sound_random(void **state)
{
    static const char *const CH[] = {"a", "b", "a", "b", "ab", "c", "k", "s", "A", "B", "K", "S", "\xc5\xbf",
                                     "\xe2\x84\xaa", "\xc3\xa9", "\xc3\x89", " ", "1", ".", "-",
                                     "{", "}", "]", "_", "\t"};
    char subj_buf[40][64];
    const char *subj[40];
    char re[400];
    size_t i, j, n, iters = 6000;
    long checked = 0, with_set = 0, with_second = 0, with_branches = 0;
    const char *env = getenv("TT_LITERAL_FUZZ");   /* more iterations on demand */
    const char *seed = getenv("TT_LITERAL_SEED");  /* and other patterns */
    (void)state;
    if (seed && atol(seed) > 0)
        rng_state = (uint32_t)atol(seed);
    if (env && atol(env) > 0)
        iters = (size_t)atol(env);
    for (i = 0; i < iters; i++) {
        tt_litset set, set2;
        tt_litbranch br[8];
        size_t k, nbr;
        if (i % 500 == 0)   /* fresh subjects now and then */
            for (k = 0; k < 40; k++) {
                subj_buf[k][0] = '\0';
                n = rnd(16);
                for (j = 0; j < n; j++)
                    append(subj_buf[k], sizeof subj_buf[k], CH[rnd(sizeof CH / sizeof CH[0])]);
                subj[k] = subj_buf[k];
            }
        re[0] = '\0';
        gen_alt(re, sizeof re, 0);
        if (tt_literal_extract_branches(re, strlen(re), (int)(i & 1), 1, &set, &set2, br, 8,
                                        &nbr) == 1) {
            with_set++;
            with_second += set2.n > 0;
            with_branches += nbr > 0;
        }
        release_all(&set, &set2, br, nbr);
        checked += check_sound(re, (int)(i & 1), 1, subj, 40);
        checked += check_sound(re, (int)(i & 1), 2, subj, 40);
    }
    print_message("random: %ld with a set, %ld with a second, %ld with branches, %ld matches "
                  "checked\n",
                  with_set, with_second, with_branches, checked);
    assert_true(with_set > (long)iters / 3);
    assert_true(with_second > (long)iters / 20);
    assert_true(with_branches > (long)iters / 50);
    assert_true(checked > (long)iters * 3);
}

/* ---- word boundaries: the contexts of each string ---- */

/* Asserts that re (case-sensitive, min_len 3) gives exactly one string, want, whose contexts
 * are ctx. */
static void expect_ctx(const char *re, const char *want, unsigned ctx)
{
    tt_litset got;
    int rc = tt_literal_extract(re, strlen(re), 0, 3, &got);
    if (rc != 1 || got.n != 1 || strcmp(got.s[0], want) || !got.ctx || got.ctx[0] != ctx)
        print_message("pattern '%s': rc %d, %zu strings, first \"%s\" ctx %x; want \"%s\" ctx %x\n",
                      re, rc, got.n, got.n ? got.s[0] : "", got.n && got.ctx ? got.ctx[0] : 0,
                      want, ctx);
    assert_int_equal(rc, 1);
    assert_int_equal(got.n, 1);
    assert_string_equal(got.s[0], want);
    assert_non_null(got.ctx);
    assert_int_equal(got.ctx[0], ctx);
    tt_litset_release(&got);
}

/* Asserts that re (case-sensitive, min_len 3) gives n strings, the string `which` with
 * contexts ctx_which and every other with ctx_other. */
static void expect_ctxs(const char *re, size_t n, const char *which, unsigned ctx_which,
                        unsigned ctx_other)
{
    tt_litset got;
    size_t i;
    assert_int_equal(tt_literal_extract(re, strlen(re), 0, 3, &got), 1);
    assert_int_equal(got.n, n);
    for (i = 0; i < got.n; i++)
        assert_int_equal(got.ctx[i], strcmp(got.s[i], which) ? ctx_other : ctx_which);
    tt_litset_release(&got);
}

static void test_lit_contexts(void **state)
{
#define NW_NW TT_LIT_CTX(0, 0)
#define BEFORE_NW (TT_LIT_CTX(0, 0) | TT_LIT_CTX(0, 1))
#define AFTER_NW (TT_LIT_CTX(0, 0) | TT_LIT_CTX(1, 0))
    (void)state;
    /* a whole word: no word byte on either side */
    expect_ctx("\\bwar\\b", "war", NW_NW);
    expect_ctx("\\bwar\\b(?! on drugs)", "war", NW_NW);
    expect_ctx("(?:\\bwar\\b)", "war", NW_NW);
    /* a word start only, a word end only, neither */
    expect_ctx("\\bmissile", "missile", BEFORE_NW);
    expect_ctx("missile\\b", "missile", AFTER_NW);
    expect_ctx("missile", "missile", TT_LIT_CTX_ANY);
    /* \\b before a non-word byte: a word byte before it ("U.S. -led") */
    expect_ctx("\\b-led", "-led", TT_LIT_CTX(1, 0) | TT_LIT_CTX(1, 1));
    /* \\B and a mark inside the string say nothing about the text around it */
    expect_ctx("\\Bwar\\B", "war", TT_LIT_CTX_ANY);
    expect_ctx("war\\b ship", "war ship", TT_LIT_CTX_ANY);
    /* an optional part stays exact, so the boundary reaches every string */
    expect_ctxs("\\b(?:missiles?|rockets?)\\b", 4, "", NW_NW, NW_NW);
    /* a string that holds another in a context it allows adds nothing; one that does not, stays */
    EXPECT("missiles?", 0, 3, "missile");
    EXPECT("\\bmissiles?\\b", 0, 3, "missile", "missiles");
    /* through a group that is not exact: each string takes the boundaries at the ends of the
     * matches it begins or ends ("cruiser" is followed by digits) */
    expect_ctxs("\\b(?:warship|cruiser\\d+)\\b", 2, "warship", NW_NW, BEFORE_NW);
    /* a repeated group: the string known is in its first copy, not at its end */
    expect_ctx("\\b(?:warship)+\\b", "warship", BEFORE_NW);
    /* the same text with and without a boundary: one string, with the contexts of both */
    expect_ctx("\\bwar\\b|war", "war", TT_LIT_CTX_ANY);
#undef NW_NW
#undef BEFORE_NW
#undef AFTER_NW
}

/* ---- second requirements ---- */

static void test_lit_second(void **state)
{
    (void)state;
    /* two parts of a sequence: the better first */
    EXPECT2("\\bChina\\b[^.;]{0,40}?\\bDF-\\d+", 0, 3, WANT("china"), WANT("df-"));
    EXPECT2("North\\s+Korea", 0, 3, WANT("korea"), WANT("north"));
    EXPECT2("(?:Chinese|PLA) (?:[\\w-]+ )?(?:aircraft carriers?|supercarrier)", 0, 3,
            WANT("aircraft carrier", "supercarrier"), WANT("chinese ", "pla "));
    /* one part, or a run of exact items: no second */
    EXPECT2("missiles?", 0, 3, WANT("missile"), NONE);
    EXPECT2("North Korea", 0, 3, WANT("north korea"), NONE);
    /* a second that is only function words is none */
    EXPECT2("the \\w+ summit", 0, 3, WANT(" summit"), NONE);
    /* an optional or looked-at part is no requirement */
    EXPECT2("China(?: navy)?", 0, 3, WANT("china"), NONE);
    EXPECT2("China\\s(?=navy)", 0, 3, WANT("china"), NONE);
    EXPECT2("(?:China\\s+navy)+", 0, 3, WANT("china"), WANT("navy"));
    /* alternatives unite seconds, or firsts where they have none */
    EXPECT2("China\\s+navy|Japan\\s+army", 0, 3, WANT("china", "japan"), WANT("navy", "army"));
    EXPECT2("China\\s+navy|Tokyo", 0, 3, WANT("china", "tokyo"), WANT("navy", "tokyo"));
    EXPECT2("China|Tokyo", 0, 3, WANT("china", "tokyo"), NONE);
    /* a group's own two requirements count in the sequence around it */
    EXPECT2("x(?:China\\s+navy)\\d", 0, 3, WANT("china"), WANT("navy"));
}

/* Asserts the branches of re: firsts[i] and seconds[i] ("" for none), n of them (0: none). */
static void expect_branches(const char *re, const char *const *firsts,
                            const char *const *seconds, size_t n)
{
    tt_litset set, set2;
    tt_litbranch br[4];
    size_t nbr, i;
    int rc = tt_literal_extract_branches(re, strlen(re), 0, 3, &set, &set2, br, 4, &nbr);
    if (n)   /* a pattern without branches may have no literal at all */
        assert_int_equal(rc, 1);
    assert_int_equal(nbr, n);
    for (i = 0; i < n; i++) {
        assert_int_equal(br[i].first.n, 1);
        assert_string_equal(br[i].first.s[0], firsts[i]);
        if (*seconds[i]) {
            assert_int_equal(br[i].second.n, 1);
            assert_string_equal(br[i].second.s[0], seconds[i]);
        } else {
            assert_int_equal(br[i].second.n, 0);
        }
    }
    release_all(&set, &set2, br, nbr);
}

static void test_lit_branches(void **state)
{
    (void)state;
    expect_branches("(?:China\\s+navy)|Japan\\s+army|Tokyo",
                    (const char *const[]){"china", "japan", "tokyo"},
                    (const char *const[]){"navy", "army", ""}, 3);
    /* no top-level alternation, a branch without a requirement, more than max: none */
    expect_branches("(?:China\\s+navy|Japan\\s+army)", NULL, NULL, 0);
    expect_branches("China\\s+navy|\\w+|Japan", NULL, NULL, 0);
    expect_branches("aaa\\s+bbb|ccc|ddd|eee|fff", NULL, NULL, 0);
}

static void test_lit_branches_out_of_memory(void **state)
{
    const char *re = "(?:China\\s+navy)|Japan\\s+army|Tokyo";
    long n;
    (void)state;
    for (n = 0;; n++) {
        tt_litset set, set2;
        tt_litbranch br[4];
        size_t nbr;
        int rc;
        tt_alloc_fail_after(n);
        rc = tt_literal_extract_branches(re, strlen(re), 0, 3, &set, &set2, br, 4, &nbr);
        tt_alloc_fail_after(-1);
        if (rc == -1) {
            assert_int_equal(set.n + set2.n + nbr, 0);
            continue;
        }
        assert_int_equal(rc, 1);
        assert_int_equal(nbr, 3);
        release_all(&set, &set2, br, nbr);
        break;
    }
    assert_true(n > 10);
}

/* ---- out of memory ---- */

static void test_lit_out_of_memory(void **state)
{
    static const char *const RES[] = {
        "(?i)(?:North|South) Korea[\xe2\x80\x99']s \\d+ (?:missiles?|ICBMs?)|Pyongyang",
        "(?:a|b)(?:c|d)(?:e|f)(?:g|h)(?:i|j)(?:k|l)(?:m|n)",
        "W000|W001|W002|W003|W004|W005|W006|W007|W008|W009|W010|W011|W012|W013|W014|W015|"
        "W016|W017|W018|W019|W020|W021|W022|W023|W024|W025|W026|W027|W028|W029|W030|W031|"
        "W032|W033|W034|W035|W036|W037|W038|W039|W040|W041|W042|W043|W044|W045|W046|W047|"
        "W048|W049|W050|W051|W052|W053|W054|W055|W056|W057|W058|W059|W060|W061|W062|W063|"
        "W064|W065|W066|W067",
        "China[\xe2\x80\x99']s \\Qa.b\\E (?<=x)[abc]{2}y",
        "abc(?x)",
        "(?:China\\s+navy|Japan\\s+army|Tokyo)\\d",
    };
    size_t r, i;
    (void)state;
    for (r = 0; r < sizeof RES / sizeof RES[0]; r++) {
        tt_litset ref, got;
        long n;
        int want = tt_literal_extract(RES[r], strlen(RES[r]), 0, 2, &ref), done = 0;
        assert_true(want == 0 || want == 1);
        assert_int_equal(want, r == 4 ? 0 : 1);
        for (n = 0; !done; n++) {
            int rc;
            tt_alloc_fail_after(n);
            rc = tt_literal_extract(RES[r], strlen(RES[r]), 0, 2, &got);
            tt_alloc_fail_after(-1);
            if (rc == -1) {
                assert_null(got.s);
                assert_null(got.len);
                assert_int_equal(got.n, 0);
                continue;
            }
            assert_int_equal(rc, want);
            assert_int_equal(got.n, ref.n);
            for (i = 0; i < ref.n; i++) {
                assert_int_equal(got.len[i], ref.len[i]);
                assert_memory_equal(got.s[i], ref.s[i], ref.len[i] + 1);
            }
            tt_litset_release(&got);
            done = 1;
        }
        assert_true(r == 4 || n > 10);
        tt_litset_release(&ref);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lit_plain),
        cmocka_unit_test(test_lit_no_requirement),
        cmocka_unit_test(test_lit_quantifiers),
        cmocka_unit_test(test_lit_caseless),
        cmocka_unit_test(test_lit_unsupported),
        cmocka_unit_test(test_lit_escapes),
        cmocka_unit_test(test_lit_classes),
        cmocka_unit_test(test_lit_groups),
        cmocka_unit_test(test_lit_many),
        cmocka_unit_test(test_lit_contexts),
        cmocka_unit_test(test_lit_second),
        cmocka_unit_test(test_lit_branches),
        cmocka_unit_test(test_lit_branches_out_of_memory),
        cmocka_unit_test(test_lit_bad_input),
        cmocka_unit_test(test_lit_sound_handwritten),
        cmocka_unit_test(test_lit_sound_random),
        cmocka_unit_test(test_lit_out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
