/* test_prefilter.c - unit tests of the literal prefilter (src/prefilter.c) and of how the
 * scanner uses its hits (src/match.c): finding a literal's state, hits at the ends of the
 * text, overlapping and case-folded hits, hits dropped for a letter touching a whole-word
 * literal, conditions answered from the candidates; always the same matches and tags as
 * without the prefilter. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "ascii.h"
#include "compile.h"
#include "literal.h"
#include "prefilter.h"
#include "topictag.h"
#include "same_matches.h"

/* A prefilter over one pattern per literal. */
static tt_prefilter *pf_of(const char *const *lits, size_t n)
{
    static char *s[16][1];
    static size_t len[16][1];
    char *const *pl[16];
    size_t *plen[16], nl[16], i;
    assert_true(n <= 16);
    for (i = 0; i < n; i++) {
        s[i][0] = (char *)lits[i];
        len[i][0] = strlen(lits[i]);
        pl[i] = s[i];
        plen[i] = len[i];
        nl[i] = 1;
    }
    return tt_prefilter_new(pl, plen, NULL, nl, n);
}

static void test_prefilter_find(void **state)
{
    static const char *const lits[] = {"Taiwan", "tai", "strait", "the talks", "the meeting",
                                       "US-Japan", "abc"};
    tt_prefilter *pf = pf_of(lits, 7);
    size_t i, n;
    (void)state;
    assert_non_null(pf);
    assert_int_equal(tt_prefilter_nliterals(pf), 7);
    for (i = 0; i < 7; i++) {
        long st = tt_prefilter_find(pf, lits[i], strlen(lits[i]));
        const uint32_t *pats;
        assert_true(st >= 0);
        assert_int_equal(tt_prefilter_literal_len(pf, (uint32_t)st), strlen(lits[i]));
        pats = tt_prefilter_patterns(pf, (uint32_t)st, &n);
        assert_int_equal(n, 1);
        assert_int_equal(pats[0], i);
    }
    /* folded as the scan folds; absent ones, prefixes and longer ones are none */
    assert_int_equal(tt_prefilter_find(pf, "TAIWAN", 6), tt_prefilter_find(pf, "taiwan", 6));
    assert_int_equal(tt_prefilter_find(pf, "THE TALKS", 9), tt_prefilter_find(pf, "the talks", 9));
    assert_int_equal(tt_prefilter_find(pf, "taiwa", 5), -1);
    assert_int_equal(tt_prefilter_find(pf, "taiwans", 7), -1);
    assert_int_equal(tt_prefilter_find(pf, "zzz", 3), -1);
    assert_int_equal(tt_prefilter_find(pf, "", 0), -1);
    tt_prefilter_free(pf);
}

/* The hits of text as "end:literal" items, for comparing whole lists. */
static void hits_of(const tt_prefilter *pf, const char *text, char *out, size_t size)
{
    tt_pf_hit *hits = NULL;
    size_t n = 0, cap = 0, i, at = 0;
    assert_int_equal(tt_prefilter_scan(pf, (const unsigned char *)text, strlen(text), &hits, &n,
                                       &cap),
                     0);
    out[0] = 0;
    for (i = 0; i < n; i++) {
        size_t len = tt_prefilter_literal_len(pf, hits[i].state);
        at += (size_t)snprintf(out + at, size - at, "%s%zu:%.*s", i ? " " : "", hits[i].end,
                               (int)len, text + hits[i].end - len);
    }
    tt_free(hits);
}

static void test_prefilter_scan_edges(void **state)
{
    static const char *const lits[] = {"abc", "bcab", "cabcab", "xyz12345", "end", "xyz1"};
    tt_prefilter *pf = pf_of(lits, 6);
    char got[512];
    (void)state;
    assert_non_null(pf);
    /* at the very start and the very end, overlapping, by end (ties: by start) */
    hits_of(pf, "abcabcab", got, sizeof got);
    assert_string_equal(got, "3:abc 5:bcab 6:abc 8:cabcab 8:bcab");
    /* folded, a three-byte literal in the last three bytes, an eight-byte one whole */
    hits_of(pf, "ABC XYZ12345 END", got, sizeof got);
    assert_string_equal(got, "3:ABC 8:XYZ1 12:XYZ12345 16:END");
    /* a four-byte key that also begins an eight-byte literal: the eight bytes decide */
    hits_of(pf, "xyz1234X Xyz12345", got, sizeof got);
    assert_string_equal(got, "4:xyz1 13:Xyz1 17:Xyz12345");
    /* cut short at the end: no hit past it */
    hits_of(pf, "xyz234 en", got, sizeof got);
    assert_string_equal(got, "");
    hits_of(pf, "ab", got, sizeof got);
    assert_string_equal(got, "");
    /* UTF-8 around a literal is just bytes */
    hits_of(pf, "\xC3\xA9" "abc\xE2\x80\x99", got, sizeof got);
    assert_string_equal(got, "5:abc");
    tt_prefilter_free(pf);
}

/* Two-byte literals (whole words of literal sets) beside longer ones: anywhere in the text,
 * the last two bytes included, folded. */
static void test_prefilter_scan_two_bytes(void **state)
{
    static const char *const lits[] = {"ai", "g7", "abc", "xyz1"};
    tt_prefilter *pf = pf_of(lits, 4);
    char got[512];
    (void)state;
    assert_non_null(pf);
    assert_int_equal(tt_prefilter_find(pf, "AI", 2), tt_prefilter_find(pf, "ai", 2));
    assert_true(tt_prefilter_find(pf, "g7", 2) >= 0);
    hits_of(pf, "AI said G7 abc xyz1 ai", got, sizeof got);
    assert_string_equal(got, "2:AI 6:ai 10:G7 14:abc 19:xyz1 22:ai");
    hits_of(pf, "ai", got, sizeof got);
    assert_string_equal(got, "2:ai");
    hits_of(pf, "xai", got, sizeof got);
    assert_string_equal(got, "3:ai");
    hits_of(pf, "a", got, sizeof got);
    assert_string_equal(got, "");
    tt_prefilter_free(pf);
}

/* Whole-word literal sets beside patterns that share their literals without word
 * boundaries, a set with \B, one with a boundary at one end only; conditions with 'and',
 * 'not' and context, so that the candidates of a sentence alone decide whether a topic runs. */
static const char RULES[] =
    "version: 1\n"
    "topic:\n"
    "  id: t\n"
    "  title: T\n"
    "  patterns:\n"
    "    - {id: aid, regex: '\\b(?:aid|aids|unit)\\b', ignore_case: true}\n"
    "    - {id: said, regex: 'said'}\n"
    "    - {id: pla, regex: '\\bPLA\\b'}\n"
    "    - {id: inner, regex: '\\Bland\\B'}\n"
    "    - {id: pre, regex: '\\bwar'}\n"
    "    - {id: post, regex: 'war\\b'}\n"
    "    - {id: unit-re, regex: 'unit\\w*'}\n"
    "    - {id: navy, regex: '\\b(?:navy|navies|naval)\\b'}\n"
    "    - {id: china, regex: '\\b(?:China|Chinese)\\b'}\n"
    "  condition: (aid and not said) or (pla and navy) or (pre and not post) or inner\n"
    "  context:\n"
    "    window: 2\n"
    "    when: china or unit-re\n";

/* a second topic whose local pattern 1 is another pattern with another condition */
static const char RULES_U[] =
    "version: 1\n"
    "topic:\n"
    "  id: u\n"
    "  title: U\n"
    "  patterns:\n"
    "    - {id: navy, regex: '\\b(?:navy|naval)\\b'}\n"
    "    - {id: china, regex: '\\b(?:China|Chinese)\\b'}\n"
    "    - {id: neg, regex: '\\bnot\\b'}\n"
    "  condition: (navy and china) or (china and not neg)\n";

static void test_prefilter_scanner_words(void **state)
{
    static const char *const texts[] = {
        "aid", "said", "Aid.", "He said aid would come. Aids, AIDS and unit.",
        "The PLA navy. The PLAN navy. Explained: naval. PLA", "placid unitary community",
        "warfare toward war. Postwar wars. war", "Island inland. landmark land lands.",
        "China's navy. It said so. Then aid came. Unity of the unit.",
        "\xC3\xA9" "aid\xC3\xA9 \xE2\x80\x9C" "aid\xE2\x80\x9D caf\xC3\xA9unit unit\xC3\xA9",
        "Chinese naval drills. Not naval. Not China. China not. Chinese.",
        "aid\n\npla PLA\n\nnavy.\n\nwar", "It said so. Chinese.",
    };
    tt_loader *ld = tt_loader_new();
    tt_ruleset *rs;
    tt_error err;
    size_t i;
    (void)state;
    tt_ruleset_free(sm_load(RULES_U));   /* it loads alone, too */
    assert_non_null(ld);
    tt_loader_add_buffer(ld, "t.yaml", RULES, strlen(RULES));
    tt_loader_add_buffer(ld, "u.yaml", RULES_U, strlen(RULES_U));
    rs = tt_loader_build(ld, &err);
    assert_non_null(rs);
    tt_loader_free(ld);
    assert_int_equal(tt_ruleset_topic_count(rs), 2);
    for (i = 0; i < sizeof texts / sizeof *texts; i++)
        sm_compare(rs, texts[i]);
    /* the same scanner over many sentences: answers kept from one sentence to the next */
    {
        char big[8192];
        size_t at = 0;
        for (i = 0; at + 200 < sizeof big; i++)
            at += (size_t)snprintf(big + at, sizeof big - at, "%s ",
                                   texts[i % (sizeof texts / sizeof *texts)]);
        sm_compare(rs, big);
    }
    tt_ruleset_free(rs);
}

/* Hits by context and by key: a whole-word literal is not looked for inside a word, a
 * literal that begins with a function word is keyed at its next word ("the meeting" at
 * "meet"), and both are found across the sixteen-byte blocks of the scan. */
static void test_prefilter_scan_contexts(void **state)
{
    static char *l0[] = {(char *)"war"}, *l1[] = {(char *)"the meeting"},
                *l2[] = {(char *)"unit"}, *l3[] = {(char *)" navy"};
    static size_t n0[] = {3}, n1[] = {11}, n2[] = {4}, n3[] = {5};
    static const unsigned char c0[] = {TT_LIT_CTX(0, 0)};           /* \bwar\b */
    static const unsigned char c1[] = {TT_LIT_CTX(0, 0) | TT_LIT_CTX(0, 1)};   /* \bthe meeting */
    char *const *lits[] = {l0, l1, l2, l3};
    size_t *lens[] = {n0, n1, n2, n3};
    const unsigned char *ctx[] = {c0, c1, NULL, NULL};
    size_t nl[] = {1, 1, 1, 1};
    tt_prefilter *pf = tt_prefilter_new(lits, lens, ctx, nl, 4);
    char got[1024], text[256];
    size_t k;
    (void)state;
    assert_non_null(pf);
    assert_int_equal(tt_prefilter_contexts(pf, (uint32_t)tt_prefilter_find(pf, "war", 3)),
                     TT_LIT_CTX(0, 0));
    /* "war" whole, not inside "toward" (its context forbids it); "unit" (any context)
     * inside "community" too */
    hits_of(pf, "toward war community unit", got, sizeof got);
    assert_string_equal(got, "10:war 19:unit 25:unit");
    /* keyed inside itself, at the start, at the end, folded */
    hits_of(pf, "the meeting", got, sizeof got);
    assert_string_equal(got, "11:the meeting");
    hits_of(pf, "At THE MEETING of the navy", got, sizeof got);
    assert_string_equal(got, "14:THE MEETING 26: navy");
    /* not when it starts inside a word ("bathe meeting"): its context forbids a word byte
     * before it */
    hits_of(pf, "bathe meeting", got, sizeof got);
    assert_string_equal(got, "");
    tt_prefilter_free(pf);
    /* every offset around the sixteen-byte blocks, with whole-word literals only (the scan
     * looks at the starts of words alone) */
    pf = tt_prefilter_new(lits, lens, ctx, nl, 2);
    assert_non_null(pf);
    for (k = 0; k < 40; k++) {
        char want[64];
        memset(text, 'x', k);
        text[k] = '\0';
        strcat(text, k ? " war the meeting" : "war the meeting");
        hits_of(pf, text, got, sizeof got);
        snprintf(want, sizeof want, "%zu:war %zu:the meeting", k + 3 + (k != 0),
                 k + 15 + (k != 0));
        assert_string_equal(got, want);
        memset(text, 'x', k);   /* glued to a word: no hit of either */
        text[k] = '\0';
        strcat(text, "war xthe meeting");
        hits_of(pf, text, got, sizeof got);
        assert_string_equal(got, k ? "" : "3:war");
    }
    tt_prefilter_free(pf);
}

/* A small random generator for the texts and patterns below. */
static uint32_t rnd_state = 7;
static uint32_t rnd(uint32_t n)
{
    rnd_state = rnd_state * 1103515245u + 12345u;
    return (rnd_state >> 8) % n;
}

/* A random text of words[] joined by seps[] into text (size bytes), which ends, after each
 * word, one time in stop.  The rest of text is cleared: PCRE2's JIT reads a few bytes past
 * a subject's end (valgrind-test). */
static void random_text(const char *const *words, size_t nw, const char *const *seps,
                        size_t ns, uint32_t stop, char *text, size_t size)
{
    size_t at = 0;
    memset(text, 0, size);
    while (at + 40 < size && rnd(stop))
        at += (size_t)snprintf(text + at, size - at, "%s%s", words[rnd((uint32_t)nw)],
                               seps[rnd((uint32_t)ns)]);
}

/* The hits a scan must give, found byte by byte: every occurrence of a literal, folded, in
 * "end:literal" items by end and then by start; none of literal k that begins inside a word
 * (a word byte before it and at its first byte) when whole[k]. */
static void naive_hits(const char *const *lits, size_t n, const char *text,
                       const int *whole, char *out, size_t size)
{
    size_t len = strlen(text), e, st, k, at = 0;
    out[0] = 0;
    for (e = 1; e <= len; e++)
        for (st = 0; st < e; st++)
            for (k = 0; k < n; k++) {
                size_t l = strlen(lits[k]), j;
                if (st + l != e)
                    continue;
                for (j = 0; j < l && (text[st + j] | 0x20) == (lits[k][j] | 0x20); j++)
                    ;
                if (j < l || (whole[k] && st > 0 && tt_is_word((unsigned char)text[st - 1]) &&
                              tt_is_word((unsigned char)text[st])))
                    continue;
                at += (size_t)snprintf(out + at, size - at, "%s%zu:%.*s", at ? " " : "", e,
                                       (int)l, text + st);
            }
}

/* Texts glued from pieces[] (a stop in `stop` after each), cut at each of their last `back`
 * lengths: pf's hits equal naive_hits' over lits[] (whole: as there), 300 times. */
static void compare_cuts(const tt_prefilter *pf, const char *const *lits, size_t nlits,
                         const int *whole, const char *const *pieces, size_t npieces,
                         uint32_t stop, size_t back)
{
    char text[256], got[4096], want[4096];
    size_t k, cut;
    for (k = 0; k < 300; k++) {
        size_t at = 0;
        while (at + 20 < sizeof text && rnd(stop))
            at += (size_t)snprintf(text + at, sizeof text - at, "%s",
                                   pieces[rnd((uint32_t)npieces)]);
        for (cut = at > 2 * back ? at - back : 0; cut <= at; cut++) {
            char c = text[cut];
            text[cut] = '\0';
            hits_of(pf, text, got, sizeof got);
            naive_hits(lits, nlits, text, whole, want, sizeof want);
            assert_string_equal(got, want);
            text[cut] = c;
        }
    }
}

/* One to six two-byte literals beside longer ones, whole words (the word-start scan; more
 * than four first bytes, so AVX2 takes 32 bytes at a time): up to four are found by SIMD in
 * each block, more by a bitmap at each word start.  Texts glued from the words, upper case
 * and glued to others, cut at every length: the hits a byte by byte search gives, with AVX2
 * and without. */
static void test_prefilter_scan_pairs(void **state)
{
    static const char *const lits[] = {"us", "ai", "g7", "xi", "un", "eu",
                                       "navy", "talks", "summit", "drill", "people"};
    static const char *const pieces[] = {"us", "US", "ai", "AI", "g7", "G7", "xi", "Xi", "un",
                                         "eu", "EU", "usa", "aid", "bus", "unit", "navy",
                                         "talks", "summit", "drills", "people", " ", " ", " ",
                                         ", ", "-", ".", "\n", "x"};
    static char *s[11][1];
    static size_t len[11][1];
    static unsigned char cx[11][1];
    char *const *pl[11];
    const char *use[11];
    size_t *plen[11], nl[11], i, n2;
    const unsigned char *pc[11];
    int whole[11], avx2;
    (void)state;
    for (n2 = 1; n2 <= 6; n2++) {
        size_t n = 0;
        tt_prefilter *pf;
        for (i = 0; i < 11; i++) {
            if (i < 6 && i >= n2)
                continue;
            use[n] = lits[i];
            s[n][0] = (char *)lits[i];
            len[n][0] = strlen(lits[i]);
            cx[n][0] = (unsigned char)(TT_LIT_CTX(0, 0) | TT_LIT_CTX(0, 1));
            pl[n] = s[n];
            plen[n] = len[n];
            pc[n] = cx[n];
            nl[n] = 1;
            whole[n++] = 1;
        }
        pf = tt_prefilter_new(pl, plen, pc, nl, n);
        assert_non_null(pf);
        for (avx2 = 0; avx2 < 2; avx2++) {
            tt_prefilter_set_avx2(pf, avx2);
            compare_cuts(pf, use, n, whole, pieces, sizeof pieces / sizeof *pieces, 40, 40);
        }
        tt_prefilter_free(pf);
    }
}

/* Second keys whose strings can occur inside words ("attack" in "cyberattack") are lazy:
 * looked for in a sentence only where their pattern is a candidate (match.c: occurs, sixteen
 * positions at a time).  The shipped cyber pattern, over sentences of every length up to 300
 * bytes (most under 80, where one occurrence decides) with those strings at every offset, in
 * upper case, inside words and cut at the sentence's end: the same matches as without the
 * prefilter. */
static void test_prefilter_lazy_keys(void **state)
{
    /* few of the set's strings (it has 46), so that one missed occurrence shows */
    static const char *const words[] = {"cyber", "Cyber", "CYBER", "attack", "cyberattack",
                                        "attacks", "x", "at", "a", "the", "atta", "ck", "tac",
                                        "more", "words", "between", "them", "unauthorized"};
    static const char *const seps[] = {" ", " ", " ", "", "-", ", ", "_", "  "};
    char text[400];
    size_t k, at;
    long matched = 0;
    tt_ruleset *rs = sm_load(
        "version: 1\ntopic:\n  id: t\n  title: T\n  patterns:\n"
        "    - id: a\n      regex:\n"
        "        - '\\bcyber[- ]?(?:attacks?|attackers?|assaults?|espionage|warfare|war|"
        "operations?|offensives?|intrusions?|threats?|defen[cs]es?|command|units?|forces?|"
        "troops|capabilit(?:y|ies)|domain|weapons?|sabotage|incidents?|breach(?:es)?|spies|"
        "spying|actors?|campaigns?|groups?|army)\\b'\n"
        "        - '\\bunauthori[sz]ed access to (?:a |the )?(?:[\\w-]+ ){0,2}"
        "(?:computer|network|system)s?\\b'\n");
    (void)state;
    /* all of it set: PCRE2's JIT reads a little past a subject's end (valgrind-test) */
    memset(text, 0, sizeof text);
    assert_true(rs->nlazy >= 1);   /* the test is about them */
    for (k = 0; k < 2000; k++) {
        size_t len = k < 300 ? rnd(300) : rnd(80);
        at = 0;
        text[0] = '\0';
        while (at + 40 < sizeof text && at < len)
            at += (size_t)snprintf(text + at, sizeof text - at, "%s%s",
                                   words[rnd(sizeof words / sizeof *words)],
                                   seps[rnd(sizeof seps / sizeof *seps)]);
        matched += (long)sm_compare(rs, text);
    }
    assert_true(matched > 300);
    tt_ruleset_free(rs);
}

/* Literals that share their first 4, 8, 12 bytes and end at every length around those steps
 * (the trie of four-byte steps), with a function word first ("the security council" is keyed
 * at "secu"): texts glued from their pieces, folded, cut at every length, give the hits a
 * byte by byte search gives, with contexts that allow a word byte before (five first bytes:
 * every position scanned), with contexts that do not (word starts only), and with such
 * contexts for the literals that begin with 's' or 'y' alone (word starts, and inside words
 * the positions at those two bytes). */
static void test_prefilter_scan_trie(void **state)
{
    static const char *const lits[] = {
        "sec", "secu", "securit", "security", "security ", "security tal", "security talk",
        "security talks", "security treaty", "security treaty alliance", "the security council",
        "curity t", "rity", "the sec", "y ta", "security talks and",
    };
    static const char *const pieces[] = {"security", " talks", " treaty", " council", " and",
                                         " alliance", "SECURITY", "the ", "sec", "x", " ",
                                         "ta", "urity"};
    static char *s[16][1];
    static size_t len[16][1];
    static unsigned char cx[16][1];
    char *const *pl[16];
    size_t *plen[16], nl[16], i;
    const unsigned char *pc[16];
    int mode, whole[16];
    (void)state;
    for (i = 0; i < 16; i++) {
        s[i][0] = (char *)lits[i];
        len[i][0] = strlen(lits[i]);
        pl[i] = s[i];
        plen[i] = len[i];
        pc[i] = cx[i];
        nl[i] = 1;
    }
    for (mode = 0; mode < 3; mode++) {
        tt_prefilter *pf;
        for (i = 0; i < 16; i++) {
            whole[i] = mode == 1 || (mode == 2 && lits[i][0] != 's' && lits[i][0] != 'y');
            cx[i][0] = (unsigned char)(whole[i] ? TT_LIT_CTX(0, 0) | TT_LIT_CTX(0, 1)
                                                : TT_LIT_CTX_ANY);
        }
        pf = tt_prefilter_new(pl, plen, pc, nl, 16);
        assert_non_null(pf);
        compare_cuts(pf, lits, 16, whole, pieces, sizeof pieces / sizeof *pieces, 12, 20);
        tt_prefilter_free(pf);
    }
}

/* Patterns with word boundaries, \s, optional parts, function words and inflections over
 * texts of the same words, glued and apart, across many sixteen-byte blocks: the literals'
 * contexts, the positions the scan skips and the keys inside literals must change nothing. */
static void test_prefilter_random(void **state)
{
    static const char *const rx[] = {
        /* whole words first (NWHOLE of them), then patterns with literals inside words */
        "\\bwar\\b", "\\bthe meeting\\b", "\\b(?:navy|naval)\\b", "\\bthe\\s+war",
        "\\b(?:talks|summit)s?\\b", "(?i)\\bTHE NAVY\\b", "\\s(?:war|unit)s?\\b",
        "\\bpeople(?:[’']s)? army\\b", "\\b_x\\b", "\\b(?:and|the) (?:[\\w-]+ ){0,2}units?\\b",
        "\\bAI\\b", "\\bcyber[- ]?attacks?",
        /* branches with a bound and without one: the bound of each literal's branches */
        "\\btalks\\b|\\b[A-Z]\\w+ and \\w+ agree\\b",
        "\\b(?:meeting|summit)s?\\b|\\bsign(?:ed)? (?:\\w+ ){0,4}pact\\b",
        "\\bpeace talks\\b|\\b\\w+ talks\\b|\\bagree",
        "cyber[- ]?attacks?", "unit\\w*", "meeting", "x_\\b",
    };
#define NWHOLE 15
    static const char *const words[] = {
        "the", "war", "toward", "meeting", "navy", "naval", "cyber", "attack", "attacks", "unit",
        "units", "community", "talks", "summit", "people's", "people’s", "army", "AI", "_x",
        "x_", "THE", "And", "and", "bathe", "warship", "\xC3\xA9", "7", "Japan", "China",
        "agree", "pact", "signed", "peace", "talks", "sign", "a", "long", "summits",
    };
    static const char *const seps[] = {" ", " ", " ", "", "-", "_", ". ", ", ", "\n", "  "};
    char yaml[4096], text[2048];
    size_t at, i, t, k;
    long checked = 0;
    (void)state;
    /* all of it set: PCRE2's JIT reads a little past a subject's end (valgrind-test) */
    memset(text, 0, sizeof text);
    for (t = 0; t < 80; t++) {
        tt_ruleset *rs;
        /* odd rounds: patterns whose literals all begin words (no literal may match inside
         * a word: the scan's fast path) */
        size_t nrx = t & 1 ? NWHOLE : sizeof rx / sizeof *rx;
        at = (size_t)snprintf(yaml, sizeof yaml,
                              "version: 1\ntopic:\n  id: t\n  title: T\n  patterns:\n");
        for (i = 0; i < 6; i++) {
            const char *r = rx[rnd((uint32_t)nrx)];
            at += (size_t)snprintf(yaml + at, sizeof yaml - at, "    - {id: p%zu, regex: '", i);
            for (; *r; r++)   /* a YAML single-quoted string doubles its quotes */
                at += (size_t)snprintf(yaml + at, sizeof yaml - at, *r == '\'' ? "''" : "%c", *r);
            at += (size_t)snprintf(yaml + at, sizeof yaml - at, "'}\n");
        }
        rs = sm_load(yaml);
        for (k = 0; k < 20; k++) {
            if (rs->pf)   /* the word-start loop 32 bytes at a time (AVX2) and 16 */
                tt_prefilter_set_avx2(rs->pf, k < 10);
            text[0] = '\0';
            at = 0;
            while (at + 40 < sizeof text && rnd(60)) {
                const char *w = words[rnd(sizeof words / sizeof *words)];
                const char *sep = seps[rnd(sizeof seps / sizeof *seps)];
                at += (size_t)snprintf(text + at, sizeof text - at, "%s%s", w, sep);
            }
            checked += (long)sm_compare(rs, text);
        }
        tt_ruleset_free(rs);
    }
    assert_true(checked > 100);
}

/* Literals keyed at a later word, three bytes long ("the war" at "war", " vow" at "vow", "%
 * of gdp" at "gdp"): found wherever they occur, also where the byte before the key is no
 * space ("(vow" is no " vow"), with the text cut at every length. */
static void test_prefilter_scan_late_keys(void **state)
{
    static const char *const lits[] = {" vow", "% of gdp", "the war", "of g", "war"};
    static const char *const pieces[] = {" vow", "vow", "(", "a", "%", " of gdp", "the",
                                         " war", "x", " ", "THE WAR", "gdp"};
    static const int whole[] = {0, 0, 0, 0, 0};
    tt_prefilter *pf = pf_of(lits, 5);
    char got[4096];
    (void)state;
    assert_non_null(pf);
    hits_of(pf, " vow (vow 3% of gdp the war", got, sizeof got);
    assert_string_equal(got, "4: vow 17:of g 19:% of gdp 27:the war 27:war");
    compare_cuts(pf, lits, 5, whole, pieces, sizeof pieces / sizeof *pieces, 10, 15);
    tt_prefilter_free(pf);
}

/* Guards (compile.h): exclusions and patterns that the conditions name only under 'not' stay
 * out of the document's scan and are looked for where their topic runs; a topic that could
 * apply with only its guards as candidates ('when: not drill') keeps them in the scan.  The
 * matches and tags are those without the prefilter, over texts of the same words. */
static const char RULES_G[] =
    "version: 1\n"
    "topic:\n"
    "  id: g\n"
    "  title: G\n"
    "  patterns:\n"
    "    - {id: talks, regex: '\\b(?:talks|summit)\\b'}\n"
    "    - {id: meet, regex: '\\bmeet(?:s|ing)?\\b', weight: 0.5}\n"
    "    - {id: rebels, regex: '\\b(?:rebels?|insurgents?)\\b', weight: 0}\n"
    "    - {id: domestic, regex: '\\b(?:cabinet|party) (?:\\w+ ){0,3}meeting\\b', weight: 0}\n"
    "    - {id: code, regex: '\\b[xz]\\d\\b', weight: 0}\n"
    "  exclude:\n"
    "    - {id: sport, regex: '\\b(?:football|match)\\b'}\n"
    "  condition: (talks or meet) and not rebels and not (domestic and not talks) and not code\n"
    "  context:\n"
    "    window: 2\n"
    "    when: meet and not rebels\n";
static const char RULES_H[] =
    "version: 1\n"
    "topic:\n"
    "  id: h\n"
    "  title: H\n"
    "  patterns:\n"
    "    - {id: navy, regex: '\\bnavy\\b'}\n"
    "    - {id: drill, regex: '\\bdrills?\\b'}\n"
    "  condition: navy and not drill\n"
    "  context:\n"
    "    window: 1\n"
    "    when: not drill\n";

static void test_prefilter_guards(void **state)
{
    static const char *const words[] = {
        "talks", "summit", "meet", "meeting", "meets", "rebels", "rebel", "insurgents",
        "cabinet", "party", "the", "weekly", "meeting", "x1", "z9", "x12", "football", "match",
        "navy", "drill", "drills", "matches", "Rebels", "TALKS", "said",
    };
    static const char *const seps[] = {" ", " ", " ", ". ", ", ", "\n\n", "-"};
    tt_loader *ld = tt_loader_new();
    tt_ruleset *rs;
    tt_error err;
    char text[1024];
    size_t k, p;
    long checked = 0;
    (void)state;
    assert_non_null(ld);
    tt_loader_add_buffer(ld, "g.yaml", RULES_G, strlen(RULES_G));
    tt_loader_add_buffer(ld, "h.yaml", RULES_H, strlen(RULES_H));
    rs = tt_loader_build(ld, &err);
    assert_non_null(rs);
    tt_loader_free(ld);
    /* g: rebels, domestic, code and the exclusion are guards; h has none */
    assert_non_null(rs->guard);
    for (p = 0; p < rs->npatterns; p++) {
        const char *id = rs->patterns[p].id;
        int want = !strcmp(id, "rebels") || !strcmp(id, "domestic") || !strcmp(id, "code") ||
                   !strcmp(id, "sport");
        assert_int_equal(rs->guard[p], want);
    }
    assert_int_equal(rs->rt[0].nguards, 4);
    assert_int_equal(rs->rt[1].nguards, 0);
    assert_non_null(rs->rt[0].guard_pf);
    assert_null(rs->rt[1].guard_pf);
    /* a guard's literals are the guard prefilter's, the others' the document's */
    assert_int_equal(tt_prefilter_find(rs->pf, "rebels", 6), -1);
    assert_true(tt_prefilter_find(rs->rt[0].guard_pf, "rebels", 6) >= 0);
    assert_true(tt_prefilter_find(rs->pf, "drill", 5) >= 0);
    assert_true(tt_prefilter_find(rs->pf, "summit", 6) >= 0);
    sm_compare(rs, "Talks with the rebels. The summit. Cabinet weekly meeting. Meets x1.");
    for (k = 0; k < 400; k++) {
        random_text(words, sizeof words / sizeof *words, seps, sizeof seps / sizeof *seps, 40,
                    text, sizeof text);
        checked += (long)sm_compare(rs, text);
    }
    assert_true(checked > 400);
    tt_ruleset_free(rs);
}

/* A random condition over patterns p0..p4 (local names), into out. */
static size_t random_cond(char *out, size_t size, int depth)
{
    size_t at = 0;
    uint32_t r = rnd(depth > 2 ? 2 : 6);
    if (r < 2)
        return (size_t)snprintf(out, size, "p%u", rnd(5));
    if (r == 2) {
        at = (size_t)snprintf(out, size, "not (");
        at += random_cond(out + at, size - at, depth + 1);
        return at + (size_t)snprintf(out + at, size - at, ")");
    }
    at = (size_t)snprintf(out, size, "(");
    at += random_cond(out + at, size - at, depth + 1);
    at += (size_t)snprintf(out + at, size - at, r == 3 ? " or " : " and ");
    at += random_cond(out + at, size - at, depth + 1);
    return at + (size_t)snprintf(out + at, size - at, ")");
}

/* Random conditions, contexts, breaks and exclusions over the same few words: whatever the
 * guards turn out to be (guards or not, topics with none), the matches and tags are those
 * without the prefilter. */
static void test_prefilter_guards_random(void **state)
{
    static const char *const rx[] = {
        "\\bnavy\\b", "\\bdrills?\\b", "\\brebels?\\b", "\\b(?:talks|summit)\\b", "\\bchina\\b",
        "\\bwar\\b(?! on drugs)", "\\bmeet(?:s|ing)?\\b", "\\b[xz]\\d\\b", "\\bthe \\w+ talks\\b",
    };
    static const char *const words[] = {
        "navy", "drill", "drills", "rebels", "talks", "summit", "China", "war", "on", "drugs",
        "meeting", "meets", "x1", "the", "peace", "said", "of",
    };
    static const char *const seps[] = {" ", " ", " ", ". ", ".\n\n", ", "};
    char yaml[2][2048], text[1024], c1[512], c2[512];
    size_t t, k, i, at, guards = 0, topics = 0;
    long checked = 0;
    (void)state;
    for (t = 0; t < 120; t++) {
        tt_ruleset *rs;
        tt_loader *ld = tt_loader_new();
        tt_error err;
        size_t topic;
        assert_non_null(ld);
        for (topic = 0; topic < 2; topic++) {
            char *y = yaml[topic];
            size_t ysize = sizeof yaml[topic];
            at = (size_t)snprintf(y, ysize,
                                  "version: 1\ntopic:\n  id: t%zu\n  title: T\n  patterns:\n",
                                  topic);
            for (i = 0; i < 5; i++)
                at += (size_t)snprintf(y + at, ysize - at,
                                       "    - {id: p%zu, regex: '%s', weight: %s}\n", i,
                                       rx[rnd(sizeof rx / sizeof *rx)], rnd(3) ? "1" : "0");
            if (rnd(2))
                at += (size_t)snprintf(y + at, ysize - at,
                                       "  exclude:\n    - {id: ex, regex: '%s'}\n",
                                       rx[rnd(sizeof rx / sizeof *rx)]);
            random_cond(c1, sizeof c1, 0);
            at += (size_t)snprintf(y + at, ysize - at, "  condition: %s\n", c1);
            if (rnd(2)) {
                random_cond(c2, sizeof c2, 0);
                at += (size_t)snprintf(y + at, ysize - at,
                                       "  context:\n    scope: %s\n    window: 2\n    when: %s\n",
                                       rnd(2) ? "article" : "paragraph", c2);
                if (rnd(2)) {
                    random_cond(c2, sizeof c2, 1);
                    at += (size_t)snprintf(y + at, ysize - at, "    breaks: %s\n", c2);
                }
            }
            tt_loader_add_buffer(ld, topic ? "u.yaml" : "t.yaml", y, at);
        }
        rs = tt_loader_build(ld, &err);   /* unused patterns are warnings, not printed here */
        tt_loader_free(ld);
        assert_non_null(rs);
        topics += tt_ruleset_topic_count(rs);
        for (i = 0; i < rs->npatterns; i++)
            guards += rs->guard && rs->guard[i];
        for (k = 0; k < 15; k++) {
            random_text(words, sizeof words / sizeof *words, seps, sizeof seps / sizeof *seps,
                        50, text, sizeof text);
            checked += (long)sm_compare(rs, text);
        }
        tt_ruleset_free(rs);
    }
    assert_int_equal(topics, 240);
    assert_true(guards > 50);   /* the random conditions do make guards */
    assert_true(checked > 1000);
}

/* U+017F LONG S and U+212A KELVIN SIGN match s and k in a caseless pattern (PCRE2, UTF), which
 * the ASCII-folded literals do not see: a document that holds one is classified without the
 * prefilter, with the same matches as PCRE2 everywhere. */
static void test_prefilter_odd_case(void **state)
{
    static const char rules[] =
        "version: 1\n"
        "topic:\n"
        "  id: t\n"
        "  title: T\n"
        "  patterns:\n"
        "    - {id: missile, regex: '\\bmissiles?\\b', ignore_case: true}\n"
        "    - {id: strike, regex: '\\bstrikes?\\b', ignore_case: true}\n";
    tt_ruleset *rs = sm_load(rules);
    (void)state;
    assert_int_equal(sm_compare(rs, "The MI\xc5\xbfSILE flew. A missile fell."), 2);
    /* no \b before the long S (no word character without UCP): the Kelvin sign's word only */
    assert_int_equal(sm_compare(rs, "Air \xc5\xbftrikes and a STRI\xe2\x84\xaa" "E."), 1);
    assert_int_equal(sm_compare(rs, "A missile and a strike."), 2);
    tt_ruleset_free(rs);
}

/* A guard that hits PCRE2's match limit is off for the rest of its document, as any pattern;
 * the next document on the same scanner finds it as if nothing had happened (its candidate
 * mark from the guard scan is cleared even when it does not run). */
static void test_prefilter_guard_failed(void **state)
{
    static const char rules[] =
        "version: 1\n"
        "topic:\n"
        "  id: g\n"
        "  title: G\n"
        "  patterns:\n"
        "    - {id: talks, regex: '\\btalks\\b', ignore_case: true}\n"
        "    - {id: rebels, regex: '\\brebels (?:a|aa)+b', weight: 0}\n"
        "  condition: talks and not rebels\n";
    static const char *const docs[] = {
        /* the limit in the first sentence; the guard is off in the second, where it has a
         * hit again */
        "Talks with rebels aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaac. Talks with rebels ab.",
        "Talks with rebels ab. Then talks. Talks with rebels aab.",
    };
    tt_ruleset *rs = sm_load(rules);
    tt_limits lim;
    tt_scanner *sc, *all;
    tt_error err;
    size_t d;
    (void)state;
    assert_int_equal(rs->rt[0].nguards, 1);
    tt_limits_init(&lim);
    lim.match_limit = 1000;
    sc = tt_scanner_new(rs, &lim);
    lim.no_prefilter = 1;
    all = tt_scanner_new(rs, &lim);
    assert_non_null(sc);
    assert_non_null(all);
    for (d = 0; d < 2; d++) {
        const tt_result *r1 = tt_classify(sc, docs[d], strlen(docs[d]), &err);
        const tt_result *r2 = tt_classify(all, docs[d], strlen(docs[d]), &err);
        const tt_sentence *s1, *s2;
        size_t n1, n2, ne, i;
        assert_non_null(r1);
        assert_non_null(r2);
        tt_result_errors(r1, &ne);
        assert_int_equal(ne, d == 0);   /* the limit, reported in the first document */
        s1 = tt_result_sentences(r1, &n1);
        s2 = tt_result_sentences(r2, &n2);
        assert_int_equal(n1, n2);
        for (i = 0; i < n1; i++)
            assert_int_equal(s1[i].tag_count, s2[i].tag_count);
        if (d == 1) {   /* the guard vetoes the first and last sentences, not the middle */
            assert_int_equal(s1[0].tag_count, 0);
            assert_int_equal(s1[1].tag_count, 1);
            assert_int_equal(s1[2].tag_count, 0);
        }
    }
    tt_scanner_free(sc);
    tt_scanner_free(all);
    tt_ruleset_free(rs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_prefilter_find),
        cmocka_unit_test(test_prefilter_scan_edges),
        cmocka_unit_test(test_prefilter_scan_two_bytes),
        cmocka_unit_test(test_prefilter_scanner_words),
        cmocka_unit_test(test_prefilter_scan_contexts),
        cmocka_unit_test(test_prefilter_random),
        cmocka_unit_test(test_prefilter_scan_trie),
        cmocka_unit_test(test_prefilter_scan_pairs),
        cmocka_unit_test(test_prefilter_lazy_keys),
        cmocka_unit_test(test_prefilter_scan_late_keys),
        cmocka_unit_test(test_prefilter_guards),
        cmocka_unit_test(test_prefilter_guards_random),
        cmocka_unit_test(test_prefilter_odd_case),
        cmocka_unit_test(test_prefilter_guard_failed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
