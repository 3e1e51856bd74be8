/* test_segment_cases.c - the sentence boundary cases of tests/segment/cases.txt, run through
 * the public API (tt_segment) with the shipped rules and with a single topic file, so that they
 * test the built-in segmenter words (src/segment_data.c) and that no rules set changes them.
 * Every failing case is printed with its block, line, input, expected and actual sentences;
 * the test fails at the end if any case did.  Run from the repository root (make test does). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "topictag.h"

#define CASES_FILE "tests/segment/cases.txt"
#define RULES_DIR "rules"
#define ONE_TOPIC "tests/data/rules-min/nk.yaml"
#define MAX_CASE 4096
#define MAX_SENT 64

/* One case: the input and the byte offsets in it where each expected sentence starts and
 * ends (before trimming). */
typedef struct seg_case {
    char text[MAX_CASE];
    size_t len;
    size_t cut[MAX_SENT + 1];    /* piece i is [cut[i], cut[i + 1]) */
    size_t ncut;
} seg_case;

static int is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Decodes one line of the file into c; returns 0, or -1 if it is malformed. */
static int parse_case(const char *line, seg_case *c)
{
    const char *p = line;

    c->len = 0;
    c->ncut = 0;
    c->cut[c->ncut++] = 0;
    while (*p && *p != '\n') {
        if (c->len + 1 >= MAX_CASE)
            return -1;
        if (p[0] == '|' && p[1] == '|') {
            if (c->ncut > MAX_SENT)
                return -1;
            c->cut[c->ncut++] = c->len;
            p += 2;
        } else if (p[0] == '\\' && p[1]) {
            char e = p[1];
            c->text[c->len++] = e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e;
            p += 2;
        } else {
            c->text[c->len++] = *p++;
        }
    }
    c->text[c->len] = '\0';
    c->cut[c->ncut] = c->len;
    return 0;
}

/* Piece i of the expected sentences, trimmed: [*a, *b). */
static void expected_piece(const seg_case *c, size_t i, size_t *a, size_t *b)
{
    *a = c->cut[i];
    *b = c->cut[i + 1];
    while (*a < *b && is_space((unsigned char)c->text[*a]))
        (*a)++;
    while (*b > *a && is_space((unsigned char)c->text[*b - 1]))
        (*b)--;
}

static void print_piece(const char *s, size_t n)
{
    size_t i;

    print_message("\"");
    for (i = 0; i < n; i++) {
        if (s[i] == '\n')
            print_message("\\n");
        else if (s[i] == '\r')
            print_message("\\r");
        else if (s[i] == '\t')
            print_message("\\t");
        else
            print_message("%c", s[i]);
    }
    print_message("\"");
}

/* Runs one case; 1 if it passes, else prints it and returns 0. */
static int run_case(tt_scanner *sc, const seg_case *c, const char *block, int lineno)
{
    const tt_result *r;
    const tt_sentence *sent;
    tt_error err;
    size_t ns = 0, i, nexp = c->ncut, a, b;
    int ok;

    r = tt_segment(sc, c->text, c->len, &err);
    assert_non_null(r);
    sent = tt_result_sentences(r, &ns);
    ok = ns == nexp;
    for (i = 0; ok && i < ns; i++) {
        expected_piece(c, i, &a, &b);
        ok = sent[i].start == a && sent[i].end == b;
    }
    if (ok)
        return 1;
    print_message("%s:%d: [%s]\n  input:    ", CASES_FILE, lineno, block);
    print_piece(c->text, c->len);
    print_message("\n  expected:");
    for (i = 0; i < nexp; i++) {
        expected_piece(c, i, &a, &b);
        print_message(i ? " | " : " ");
        print_piece(c->text + a, b - a);
    }
    print_message("\n  actual:  ");
    for (i = 0; i < ns; i++) {
        print_message(i ? " | " : " ");
        print_piece(c->text + sent[i].start, sent[i].end - sent[i].start);
    }
    print_message("\n");
    return 0;
}

/* Runs every case with the rules at path; returns the number of failed cases. */
static int run_cases(const char *path)
{
    static seg_case c;
    char line[MAX_CASE], block[128] = "";
    tt_error err;
    tt_ruleset *rs;
    tt_scanner *sc;
    FILE *f;
    int lineno = 0, ncase = 0, nfail = 0, nblock = 0;

    rs = tt_ruleset_load(path, &err);
    if (!rs)
        print_message("%s: %s\n", path, err.message);
    assert_non_null(rs);
    sc = tt_scanner_new(rs, NULL);
    assert_non_null(sc);
    f = fopen(CASES_FILE, "r");
    if (!f)
        print_message("cannot open %s (run from the repository root)\n", CASES_FILE);
    assert_non_null(f);
    while (fgets(line, sizeof line, f)) {
        lineno++;
        if (!strncmp(line, "## ", 3)) {
            snprintf(block, sizeof block, "%.*s", (int)strcspn(line + 3, "\n"), line + 3);
            nblock++;
            continue;
        }
        if (line[0] == '#' || line[0] == '\n')
            continue;
        if (parse_case(line, &c) != 0) {
            print_message("%s:%d: malformed case\n", CASES_FILE, lineno);
            nfail++;
            continue;
        }
        ncase++;
        nfail += !run_case(sc, &c, block, lineno);
    }
    fclose(f);
    tt_scanner_free(sc);
    tt_ruleset_free(rs);
    print_message("%s with -r %s: %d cases in %d blocks, %d failed\n", CASES_FILE, path, ncase,
                  nblock, nfail);
    assert_true(ncase >= 150);
    return nfail;
}

/* The shipped rules, and one topic file with no segmenter data: the segmenter's words are
 * built in, so both must give the same sentences (issue 13). */
static void test_segment_cases(void **state)
{
    (void)state;
    assert_int_equal(run_cases(RULES_DIR) + run_cases(ONE_TOPIC), 0);
}

/* ---- segmenter words from rules: extend and replace the built-in ones --------------------- */

#define TOPIC                                                                                  \
    "topic:\n  id: t\n  title: T\n  patterns:\n    - id: p\n      regex: p\n"

/* The sentences of text, joined by " | ", with a ruleset of the rule files files[0..n) (each
 * "version: 1" + its text + a topic, the topic only in the first). */
static const char *sentences(const char *const *files, size_t n, const char *text)
{
    static char out[1024];
    char buf[1024], name[16];
    const tt_sentence *sent;
    const tt_result *r;
    tt_loader *ld = tt_loader_new();
    tt_ruleset *rs;
    tt_scanner *sc;
    tt_error err;
    size_t i, ns = 0, o = 0;

    assert_non_null(ld);
    for (i = 0; i < n; i++) {
        snprintf(buf, sizeof buf, "version: 1\n%s%s", files[i], i == 0 ? TOPIC : "");
        snprintf(name, sizeof name, "f%zu.yaml", i);
        assert_int_equal(tt_loader_add_buffer(ld, name, buf, strlen(buf)), 0);
    }
    rs = tt_loader_build(ld, &err);
    tt_loader_free(ld);
    assert_non_null(rs);
    sc = tt_scanner_new(rs, NULL);
    assert_non_null(sc);
    r = tt_segment(sc, text, strlen(text), &err);
    assert_non_null(r);
    sent = tt_result_sentences(r, &ns);
    out[0] = '\0';
    for (i = 0; i < ns; i++)
        o += (size_t)snprintf(out + o, sizeof out - o, "%s%.*s", i ? " | " : "",
                              (int)(sent[i].end - sent[i].start), text + sent[i].start);
    tt_scanner_free(sc);
    tt_ruleset_free(rs);
    return out;
}

#define SEG1(file, text) sentences((const char *const[]){file}, 1, (text))

static const char *const TEXT =
    "Mr. Abe met Ald. Ito in the U.S. Thereafter he flew to Acme Co. He works at Joomla! Inc. "
    "Later he left. He was No. 1 at Yahoo! Japan.";

static void test_segmenter_builtin(void **state)
{
    (void)state;
    assert_string_equal(SEG1("", TEXT),
                        "Mr. Abe met Ald. | Ito in the U.S. Thereafter he flew to Acme Co. | "
                        "He works at Joomla! | Inc. | Later he left. | He was No. 1 at "
                        "Yahoo! Japan.");
}

/* Each list of a rule file's segmenter: mapping adds to the built-in list of its kind. */
static void test_segmenter_extend(void **state)
{
    (void)state;
    assert_string_equal(SEG1("segmenter:\n"
                             "  abbreviations: [Ald.]\n"
                             "  starters: [Thereafter]\n"
                             "  exclamation-names: [Joomla!]\n"
                             "  abbreviations-may-end: [Inc]\n",
                             TEXT),
                        "Mr. Abe met Ald. Ito in the U.S. | Thereafter he flew to Acme Co. | "
                        "He works at Joomla! Inc. | Later he left. | He was No. 1 at Yahoo! "
                        "Japan.");
}

/* replace: true replaces the built-in lists the mapping gives, and only those; in any file
 * order, and never the words other files add. */
static void test_segmenter_replace(void **state)
{
    static const char *const files[] = {
        "segmenter:\n  abbreviations: [Dr.]\n",
        "segmenter:\n  abbreviations: [Ald.]\n  starters: [Thereafter, He]\n  replace: true\n",
    };
    static const char *const reversed[] = {files[1], files[0]};
    const char *text = "Mr. Abe met Ald. Ito and Dr. Kim in the U.S. The talks went on. Lt. "
                       "Sato spoke in the U.S. Thereafter he flew to Acme Co. He left.";
    const char *want = "Mr. | Abe met Ald. Ito and Dr. Kim in the U.S. The talks went on. | "
                       "Lt. | Sato spoke in the U.S. | Thereafter he flew to Acme Co. | "
                       "He left.";

    (void)state;
    assert_string_equal(sentences(files, 2, text), want);
    assert_string_equal(sentences(reversed, 2, text), want);
    /* the may-end list, not given, keeps its built-in words ("No."): one sentence */
    assert_string_equal(SEG1("segmenter:\n  abbreviations: []\n  replace: true\n",
                             "He was No. 1 at Mr. Ito's firm."),
                        "He was No. 1 at Mr. | Ito's firm.");
    /* replace: false is the default: extend */
    assert_string_equal(SEG1("segmenter:\n  abbreviations: [Ald.]\n  replace: false\n",
                             "Mr. Abe met Ald. Ito."),
                        "Mr. Abe met Ald. Ito.");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_segment_cases),
        cmocka_unit_test(test_segmenter_builtin),
        cmocka_unit_test(test_segmenter_extend),
        cmocka_unit_test(test_segmenter_replace),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
