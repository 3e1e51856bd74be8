/* test_condition.c - unit tests of the condition parser and evaluator (src/condition.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "condition.h"

/* The pattern ids a condition may name; the resolver maps them to their index. */
static const char *const IDS[] = {"a", "b", "c", "d", "x-1", "y_2", "not-a", "org"};
#define NIDS (sizeof(IDS) / sizeof(IDS[0]))

static long resolve(void *ctx, const char *id, size_t len)
{
    size_t i;
    int *calls = ctx;

    if (calls)
        (*calls)++;
    for (i = 0; i < NIDS; i++)
        if (strlen(IDS[i]) == len && !memcmp(IDS[i], id, len))
            return (long)i;
    return -1;
}

static void parse_ok(const char *src, tt_cond *c)
{
    size_t off = 12345;
    char msg[200] = "";
    int rc = tt_cond_parse(src, resolve, NULL, c, &off, msg, sizeof msg);

    if (rc != 0)
        print_message("'%s': unexpected error at %zu: %s\n", src, off, msg);
    assert_int_equal(rc, 0);
    assert_true(c->nnodes > 0);
    assert_true(c->root < c->nnodes);
}

static void parse_bad(const char *src, size_t want_off, const char *want_msg)
{
    tt_cond c;
    size_t off = 12345;
    char msg[200] = "";
    int rc = tt_cond_parse(src, resolve, NULL, &c, &off, msg, sizeof msg);

    if (rc != 1 || off != want_off || strcmp(msg, want_msg) != 0)
        print_message("'%.60s': rc %d, offset %zu, message \"%s\"\n", src, rc, off, msg);
    assert_int_equal(rc, 1);
    assert_int_equal(off, want_off);
    assert_string_equal(msg, want_msg);
    /* a failed parse leaves nothing to release */
    assert_null(c.nodes);
    assert_null(c.kids);
    assert_int_equal(c.nnodes, 0);
}

/* Evaluates c for every assignment of the first 4 ids (a b c d) against want(bits). */
typedef int (*truth_fn)(unsigned bits);

static void check_truth(const char *src, truth_fn want)
{
    tt_cond c;
    unsigned bits, i;
    unsigned char m[NIDS];

    parse_ok(src, &c);
    for (bits = 0; bits < 16; bits++) {
        memset(m, 0, sizeof m);
        for (i = 0; i < 4; i++)
            m[i] = (unsigned char)((bits >> i) & 1);
        if (tt_cond_eval(&c, m) != want(bits))
            print_message("'%s' with a=%u b=%u c=%u d=%u: got %d\n", src, bits & 1,
                          (bits >> 1) & 1, (bits >> 2) & 1, (bits >> 3) & 1,
                          tt_cond_eval(&c, m));
        assert_int_equal(tt_cond_eval(&c, m), want(bits));
        assert_int_equal(tt_cond_eval_node(&c, c.root, m), want(bits));
    }
    tt_cond_release(&c);
    assert_null(c.nodes);
}

#define A ((bits >> 0) & 1)
#define B ((bits >> 1) & 1)
#define C ((bits >> 2) & 1)
#define D ((bits >> 3) & 1)

static int t_a(unsigned bits) { return A; }
static int t_not_a(unsigned bits) { return !A; }
static int t_a_and_b(unsigned bits) { return A && B; }
static int t_a_or_b(unsigned bits) { return A || B; }
static int t_or_and(unsigned bits) { return A || (B && C); }
static int t_and_or(unsigned bits) { return (A && B) || C; }
static int t_grouped(unsigned bits) { return (A || B) && C; }
static int t_not_and(unsigned bits) { return !A && B; }
static int t_not_group(unsigned bits) { return !(A && B); }
static int t_not_not(unsigned bits) { return A; }
static int t_not_or_not(unsigned bits) { return !A || !B; }
static int t_chain_or(unsigned bits) { return A || B || C || D; }
static int t_chain_and(unsigned bits) { return A && B && C && D; }
static int t_mixed(unsigned bits) { return (A && !B) || (C && D); }
static int t_1of(unsigned bits) { return A + B + C >= 1; }
static int t_2of(unsigned bits) { return A + B + C >= 2; }
static int t_3of(unsigned bits) { return A + B + C >= 3; }
static int t_2of4(unsigned bits) { return A + B + C + D >= 2; }
static int t_nof_exprs(unsigned bits) { return (A && B) + !C + (C || D) >= 2; }
static int t_nof_nested(unsigned bits) { return A && (B + (C + D >= 1) >= 2); }
static int t_not_nof(unsigned bits) { return !(A + B + C >= 2) || D; }
static int t_dup(unsigned bits) { return A; }
static int t_deep_group(unsigned bits) { return (A || (B && (C || !D))); }

static void test_cond_single(void **state)
{
    tt_cond c;
    int calls = 0;
    size_t off = 0;
    char msg[100];

    (void)state;
    check_truth("a", t_a);
    check_truth("  a  ", t_a);
    check_truth("(a)", t_a);
    check_truth("((( a )))", t_a);
    check_truth("\ta\n", t_a);

    assert_int_equal(tt_cond_parse("x-1", resolve, &calls, &c, &off, msg, sizeof msg), 0);
    assert_int_equal(calls, 1);
    assert_int_equal(c.nnodes, 1);
    assert_int_equal(c.nodes[0].kind, TT_C_PAT);
    assert_int_equal(c.nodes[0].value, 4);
    assert_int_equal(c.root, 0);
    tt_cond_release(&c);

    /* ids with '-' and '_', and ids that begin with a reserved word */
    assert_int_equal(tt_cond_parse("y_2 and not-a or org", resolve, NULL, &c, &off, msg,
                                   sizeof msg), 0);
    {
        unsigned char m[NIDS] = {0};
        assert_int_equal(tt_cond_eval(&c, m), 0);
        m[7] = 1;   /* org */
        assert_int_equal(tt_cond_eval(&c, m), 1);
        m[7] = 0;
        m[5] = 1;   /* y_2 */
        assert_int_equal(tt_cond_eval(&c, m), 0);
        m[6] = 1;   /* not-a */
        assert_int_equal(tt_cond_eval(&c, m), 1);
    }
    tt_cond_release(&c);
    tt_cond_release(&c);   /* releasing twice is harmless */
    tt_cond_release(NULL);
}

static void test_cond_precedence(void **state)
{
    tt_cond c;
    const tt_cond_node *root, *k1;

    (void)state;
    check_truth("not a", t_not_a);
    check_truth("a and b", t_a_and_b);
    check_truth("a or b", t_a_or_b);
    check_truth("a or b and c", t_or_and);
    check_truth("a and b or c", t_and_or);
    check_truth("not a and b", t_not_and);
    check_truth("not a or not b", t_not_or_not);
    check_truth("a or b or c or d", t_chain_or);
    check_truth("a and b and c and d", t_chain_and);
    check_truth("a and not b or c and d", t_mixed);

    /* the tree of "a or b and c": OR(a, AND(b, c)), the root last */
    parse_ok("a or b and c", &c);
    assert_int_equal(c.nnodes, 5);
    assert_int_equal(c.root, 4);
    root = &c.nodes[c.root];
    assert_int_equal(root->kind, TT_C_OR);
    assert_int_equal(root->count, 2);
    assert_int_equal(c.nodes[c.kids[root->first]].kind, TT_C_PAT);
    assert_int_equal(c.nodes[c.kids[root->first]].value, 0);
    k1 = &c.nodes[c.kids[root->first + 1]];
    assert_int_equal(k1->kind, TT_C_AND);
    assert_int_equal(k1->count, 2);
    assert_int_equal(c.nodes[c.kids[k1->first]].value, 1);
    assert_int_equal(c.nodes[c.kids[k1->first + 1]].value, 2);
    tt_cond_release(&c);

    /* a chain of one operator is one node with all the operands */
    parse_ok("a or b or c or d", &c);
    assert_int_equal(c.nnodes, 5);
    assert_int_equal(c.nodes[c.root].kind, TT_C_OR);
    assert_int_equal(c.nodes[c.root].count, 4);
    tt_cond_release(&c);

    /* not binds tighter than and: "not a and b" is AND(NOT(a), b) */
    parse_ok("not a and b", &c);
    assert_int_equal(c.nodes[c.root].kind, TT_C_AND);
    assert_int_equal(c.nodes[c.kids[c.nodes[c.root].first]].kind, TT_C_NOT);
    tt_cond_release(&c);
}

static void test_cond_grouping(void **state)
{
    (void)state;
    check_truth("(a or b) and c", t_grouped);
    check_truth("not (a and b)", t_not_group);
    check_truth("not(a and b)", t_not_group);
    check_truth("not not a", t_not_not);
    check_truth("(a and not b) or (c and d)", t_mixed);
    check_truth("a or (b and (c or not d))", t_deep_group);
    check_truth("a or(b and(c or not d))", t_deep_group);
}

static void test_cond_n_of(void **state)
{
    tt_cond c;

    (void)state;
    check_truth("1 of (a, b, c)", t_1of);
    check_truth("2 of (a, b, c)", t_2of);
    check_truth("3 of (a,b,c)", t_3of);
    check_truth("2 of(a, b, c, d)", t_2of4);
    check_truth("2 of (a and b, not c, c or d)", t_nof_exprs);
    check_truth("a and 2 of (b, 1 of (c, d))", t_nof_nested);
    check_truth("not 2 of (a, b, c) or d", t_not_nof);
    check_truth("1 of (a, a)", t_dup);

    parse_ok("2 of (a, b, c)", &c);
    assert_int_equal(c.nodes[c.root].kind, TT_C_NOF);
    assert_int_equal(c.nodes[c.root].value, 2);
    assert_int_equal(c.nodes[c.root].count, 3);
    tt_cond_release(&c);

    /* a list longer than the parser's on-stack buffer (16) */
    parse_ok("20 of (a, b, c, d, a, b, c, d, a, b, c, d, a, b, c, d, a, b, c, d, a)", &c);
    assert_int_equal(c.nodes[c.root].kind, TT_C_NOF);
    assert_int_equal(c.nodes[c.root].value, 20);
    assert_int_equal(c.nodes[c.root].count, 21);
    {
        unsigned char m[NIDS] = {1, 1, 1, 0};
        assert_int_equal(tt_cond_eval(&c, m), 0);   /* 16 of 21 */
        m[3] = 1;
        assert_int_equal(tt_cond_eval(&c, m), 1);
    }
    tt_cond_release(&c);
}

static void collect(void *ctx, uint32_t pat)
{
    unsigned *seen = ctx;
    *seen |= 1u << pat;
}

static void test_cond_each_pattern(void **state)
{
    tt_cond c;
    unsigned seen = 0;

    (void)state;
    parse_ok("a and not (c or 2 of (d, y_2, d))", &c);
    tt_cond_each_pattern(&c, collect, &seen);
    assert_int_equal(seen, (1u << 0) | (1u << 2) | (1u << 3) | (1u << 5));
    tt_cond_release(&c);
}

static void test_cond_eval_node(void **state)
{
    tt_cond c;
    unsigned char m[NIDS] = {1, 0, 1, 0};
    const tt_cond_node *root;

    (void)state;
    parse_ok("a and (b or c)", &c);
    root = &c.nodes[c.root];
    assert_int_equal(root->kind, TT_C_AND);
    assert_int_equal(tt_cond_eval_node(&c, c.kids[root->first], m), 1);
    assert_int_equal(tt_cond_eval_node(&c, c.kids[root->first + 1], m), 1);
    m[2] = 0;
    assert_int_equal(tt_cond_eval_node(&c, c.kids[root->first + 1], m), 0);
    assert_int_equal(tt_cond_eval(&c, m), 0);
    tt_cond_release(&c);
}

static void test_cond_syntax_errors(void **state)
{
    (void)state;
    parse_bad("", 0, "expected a pattern id, 'not', a number or '(' at the end");
    parse_bad("   ", 3, "expected a pattern id, 'not', a number or '(' at the end");
    parse_bad("a and", 5, "expected a pattern id, 'not', a number or '(' at the end");
    parse_bad("a or ", 5, "expected a pattern id, 'not', a number or '(' at the end");
    parse_bad("not", 3, "expected a pattern id, 'not', a number or '(' at the end");
    parse_bad("zz", 0, "unknown pattern 'zz'");
    parse_bad("a and zz-top or b", 6, "unknown pattern 'zz-top'");
    parse_bad("A", 0, "unknown pattern 'A'");         /* ids are case-sensitive */
    parse_bad("nota", 0, "unknown pattern 'nota'");
    parse_bad("a b", 2, "unexpected 'b' (missing 'and' or 'or'?)");
    parse_bad("a and b c", 8, "unexpected 'c' (missing 'and' or 'or'?)");
    parse_bad("a )", 2, "unexpected ')' (missing 'and' or 'or'?)");
    parse_bad("(a))", 3, "unexpected ')' (missing 'and' or 'or'?)");
    parse_bad("a not b", 2, "unexpected 'not' (missing 'and' or 'or'?)");
    parse_bad("(a", 2, "expected ')'");
    parse_bad("(a or (b and c)", 15, "expected ')'");
    parse_bad("(a b)", 3, "expected ')'");
    parse_bad("()", 1, "unexpected character ')'");
    parse_bad("a and #", 6, "unexpected character '#'");
    parse_bad("a & b", 2, "unexpected '&' (missing 'and' or 'or'?)");
    parse_bad("and", 0, "expected a pattern id, found 'and'");
    parse_bad("a and or b", 6, "expected a pattern id, found 'or'");
    parse_bad("of", 0, "expected a pattern id, found 'of'");
    parse_bad("0 of (a)", 0, "'0 of' needs between 1 and as many items as the list has");
    parse_bad("a or 3 of (a, b)", 5, "'3 of' needs between 1 and as many items as the list has");
    parse_bad("2x of (a, b)", 0, "'2x' is not a number");
    parse_bad("99999999999 of (a)", 0, "'99999999999' is not a number");
    parse_bad("2 (a, b)", 2, "expected 'of' after a number");
    parse_bad("2", 1, "expected 'of' after a number");
    parse_bad("2 of a, b", 5, "expected '(' after 'of'");
    parse_bad("2 of", 4, "expected '(' after 'of'");
    parse_bad("2 of (a b)", 8, "expected ',' or ')' in 'of' list");
    parse_bad("2 of (a, b", 10, "expected ',' or ')' in 'of' list");
    parse_bad("1 of (a, )", 9, "unexpected character ')'");
    parse_bad("1 of ()", 6, "unexpected character ')'");
    parse_bad("1 of (a, zz)", 9, "unknown pattern 'zz'");
}

static void test_cond_error_message_buffer(void **state)
{
    tt_cond c;
    size_t off = 0;
    char msg[8];

    (void)state;
    memset(msg, 'X', sizeof msg);
    assert_int_equal(tt_cond_parse("a and zzzzzz", resolve, NULL, &c, &off, msg, sizeof msg),
                     1);
    assert_int_equal(off, 6);
    assert_string_equal(msg, "unknown");   /* truncated, NUL-terminated */
    /* no message buffer, no offset pointer */
    assert_int_equal(tt_cond_parse("a and", resolve, NULL, &c, NULL, NULL, 0), 1);
    assert_null(c.nodes);
}

/* Builds a string of n copies of unit followed by tail. */
static char *repeat(const char *unit, size_t n, const char *tail)
{
    size_t ul = strlen(unit), tl = strlen(tail), i;
    char *s = malloc(ul * n + tl + 1);

    assert_non_null(s);
    for (i = 0; i < n; i++)
        memcpy(s + i * ul, unit, ul);
    memcpy(s + n * ul, tail, tl + 1);
    return s;
}

static void test_cond_deep_nesting(void **state)
{
    tt_cond c;
    char *s, *t;
    size_t off = 0;
    char msg[100];

    (void)state;
    /* 10,000 '(' must fail cleanly, not overflow the stack */
    s = repeat("(", 10000, "a");
    assert_int_equal(tt_cond_parse(s, resolve, NULL, &c, &off, msg, sizeof msg), 1);
    assert_string_equal(msg, "condition nests too deeply");
    assert_int_equal(off, 100);
    assert_null(c.nodes);
    free(s);

    s = repeat("not ", 10000, "a");
    assert_int_equal(tt_cond_parse(s, resolve, NULL, &c, &off, msg, sizeof msg), 1);
    assert_string_equal(msg, "condition nests too deeply");
    assert_int_equal(off, 199 * 4 - 1);
    free(s);

    s = repeat("1 of (", 10000, "a");
    assert_int_equal(tt_cond_parse(s, resolve, NULL, &c, &off, msg, sizeof msg), 1);
    assert_string_equal(msg, "condition nests too deeply");
    free(s);

    s = repeat("(not ", 10000, "a");
    assert_int_equal(tt_cond_parse(s, resolve, NULL, &c, &off, msg, sizeof msg), 1);
    assert_string_equal(msg, "condition nests too deeply");
    free(s);

    /* moderate nesting parses and evaluates */
    s = repeat("(", 50, "a");
    t = repeat(")", 50, "");
    {
        char *u = malloc(strlen(s) + strlen(t) + 1);
        unsigned char m[NIDS] = {1};
        assert_non_null(u);
        strcpy(u, s);
        strcat(u, t);
        parse_ok(u, &c);
        assert_int_equal(tt_cond_eval(&c, m), 1);
        tt_cond_release(&c);
        free(u);
    }
    free(s);
    free(t);

    s = repeat("not ", 100, "a");
    {
        unsigned char m[NIDS] = {1};
        parse_ok(s, &c);
        assert_int_equal(tt_cond_eval(&c, m), 1);   /* an even number of nots */
        tt_cond_release(&c);
    }
    free(s);

    /* long flat chains are not nesting */
    s = repeat("a or ", 5000, "b");
    {
        unsigned char m[NIDS] = {0, 1};
        parse_ok(s, &c);
        assert_int_equal(c.nodes[c.root].count, 5001);
        assert_int_equal(tt_cond_eval(&c, m), 1);
        tt_cond_release(&c);
    }
    free(s);
}

static void test_cond_out_of_memory(void **state)
{
    static const char *const srcs[] = {
        "a or b and not c",
        "a and 2 of (b, c, d, a, b, c, d, a, b, c, d, a, b, c, d, a, b, c, d, a)",
    };
    size_t k;

    (void)state;
    for (k = 0; k < sizeof srcs / sizeof *srcs; k++) {
        long n;
        int done = 0;
        for (n = 0; n < 1000 && !done; n++) {
            tt_cond c;
            size_t off = 0;
            char msg[100];
            int rc;
            tt_alloc_fail_after(n);
            rc = tt_cond_parse(srcs[k], resolve, NULL, &c, &off, msg, sizeof msg);
            tt_alloc_fail_after(-1);
            if (rc == 0) {
                unsigned char m[NIDS] = {1, 1, 1, 1};
                assert_int_equal(tt_cond_eval(&c, m), 1);
                tt_cond_release(&c);
                done = 1;
            } else {
                assert_int_equal(rc, -1);
                assert_null(c.nodes);
                assert_null(c.kids);
            }
        }
        assert_true(done);
        assert_true(n > 1);   /* at least one run did fail */
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cond_single),
        cmocka_unit_test(test_cond_precedence),
        cmocka_unit_test(test_cond_grouping),
        cmocka_unit_test(test_cond_n_of),
        cmocka_unit_test(test_cond_each_pattern),
        cmocka_unit_test(test_cond_eval_node),
        cmocka_unit_test(test_cond_syntax_errors),
        cmocka_unit_test(test_cond_error_message_buffer),
        cmocka_unit_test(test_cond_deep_nesting),
        cmocka_unit_test(test_cond_out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
