/* test_jsonl.c - the JSON Lines fast path (src/cli/jsonl.c) against jansson: every record the
 * fast path takes must decode exactly as jansson decodes it (id, text and its length), the
 * common shapes must be taken, and anything unusual left to jansson.  Seeds, then a few
 * hundred thousand deterministic mutations of them. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/jsonl.h"

static const char *const TAKEN[] = {
    "{\"id\": \"a1\", \"text\": \"North Korea fired a missile.\"}",
    "{\"text\":\"x\",\"id\":\"y\"}",
    "  {  \"id\" : \"\" , \"text\" : \"\" }  ",
    "{}",
    "{\"other\": \"v\", \"text\": \"t\"}",
    "{\"text\": \"caf\xc3\xa9 \xe2\x80\x9cquoted\xe2\x80\x9d \xf0\x9f\x98\x80\"}",
    "{\"text\": \"esc \\\" \\\\ \\/ \\b \\f \\n \\r \\t end\"}",
    "{\"text\": \"\\u00e9\\u4e2d\\ud83d\\ude00\\u0041\"}",
    "{\"text\": \"nul \\u0000 inside\"}",
    "{\"id\": \"first\", \"id\": \"second\", \"text\": \"a\", \"text\": \"b\"}",
    "{\"id\": \"x\\ty\", \"text\": \"t\"}",
    "{\"\xc3\xa9\": \"key not ascii\", \"text\": \"t\"}",
};

static const char *const LEFT[] = {
    "{\"id\": 42, \"text\": \"numeric id\"}",
    "{\"id\": \"a\", \"text\": \"t\", \"tags\": [\"x\"]}",
    "{\"id\": \"a\", \"text\": null}",
    "{\"i\\u0064\": \"escaped key\", \"text\": \"t\"}",
    "{\"text\": \"lone \\ud800 surrogate\"}",
    "{\"text\": \"bad \xff byte\"}",
    "{\"text\": \"overlong \xc0\xaf\"}",
    "{\"text\": \"surrogate \xed\xa0\x80\"}",
    "{\"text\": \"raw\ttab\"}",
    "{\"text\": \"t\"} trailing",
    "{\"text\": \"t\",}",
    "[\"text\"]",
    "{\"text\": \"unterminated}",
    "{\"text\" \"t\"}",
    "{\"text\": \"\\x\"}",
    "{\"id\": \"nul \\u0000 id\", \"text\": \"t\"}",
    "\xef\xbb\xbf{\"text\": \"bom\"}",
    "{\"meta\": {\"a\": \"}\", \"b\": [1, {\"c\": \"\\\"]\"}]}, \"n\": -1.5e3, \"t\": true, "
    "\"f\": null, \"e\": [], \"text\": \"x\"}",
};

/* Checks the fast path's answer for line against jansson's; returns the fast result. */
static int check_line(const char *line, size_t n)
{
    cli_jbuf idb = {NULL, 0, 0}, txb = {NULL, 0, 0};
    const char *id, *text;
    size_t tl;
    int fast = cli_jsonl_fast(line, n, "id", "text", &idb, &txb, &id, &text, &tl);
    assert_true(fast >= 0);
    if (fast) {
        json_error_t err;
        json_t *rec = json_loadb(line, n, JSON_ALLOW_NUL, &err);
        json_t *jid, *jtext;
        if (!rec)
            fail_msg("fast path took what jansson refuses (%s): %.*s", err.text, (int)n, line);
        assert_true(json_is_object(rec));
        jid = json_object_get(rec, "id");
        jtext = json_object_get(rec, "text");
        if (jid) {
            assert_true(json_is_string(jid));
            assert_non_null(id);
            assert_string_equal(id, json_string_value(jid));
        } else {
            assert_null(id);
        }
        if (jtext) {
            assert_true(json_is_string(jtext));
            assert_non_null(text);
            assert_int_equal(tl, json_string_length(jtext));
            assert_memory_equal(text, json_string_value(jtext), tl);
        } else {
            assert_null(text);
        }
        json_decref(rec);
    }
    cli_jbuf_release(&idb);
    cli_jbuf_release(&txb);
    return fast;
}

/* --keep-field: for a line jansson takes as an object, cli_jsonl_members finds each of its
 * members with the value jansson gives (the last of a repeated key), a string's text decoded,
 * and no value for a name the record lacks.  Returns the number of members checked. */
static size_t check_members(const char *line, size_t n)
{
    json_t *rec = json_loadb(line, n, JSON_ALLOW_NUL, NULL), *v;
    const char *key;
    size_t checked = 0;
    if (!json_is_object(rec)) {
        json_decref(rec);
        return 0;
    }
    json_object_foreach(rec, key, v) {
        const char *names[2];
        tt_field_value vals[2];
        cli_jbuf texts[2] = {{NULL, 0, 0}, {NULL, 0, 0}}, kb = {NULL, 0, 0};
        json_t *got;
        if (json_object_get(rec, key) != v)
            continue;   /* a key holding a NUL: not a name a command line can give */
        names[0] = key;
        names[1] = "no such field";
        assert_int_equal(cli_jsonl_members(line, n, names, 2, vals, texts, &kb), 0);
        if (!vals[0].json)
            fail_msg("member '%s' not found in: %.*s", key, (int)n, line);
        got = json_loadb(vals[0].json, vals[0].json_len, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
        if (!got || !json_equal(got, v))
            fail_msg("member '%s' read as '%.*s' in: %.*s", key, (int)vals[0].json_len,
                     vals[0].json, (int)n, line);
        if (json_is_string(v)) {
            assert_non_null(vals[0].text);
            assert_int_equal(vals[0].text_len, json_string_length(v));
            assert_memory_equal(vals[0].text, json_string_value(v), vals[0].text_len);
        } else {
            assert_null(vals[0].text);
        }
        assert_null(vals[1].json);
        json_decref(got);
        cli_jbuf_release(&texts[0]);
        cli_jbuf_release(&texts[1]);
        cli_jbuf_release(&kb);
        checked++;
    }
    json_decref(rec);
    return checked;
}

static void test_jsonl_members(void **state)
{
    size_t i, checked = 0;
    (void)state;
    for (i = 0; i < sizeof TAKEN / sizeof *TAKEN; i++)
        checked += check_members(TAKEN[i], strlen(TAKEN[i]));
    for (i = 0; i < sizeof LEFT / sizeof *LEFT; i++)
        checked += check_members(LEFT[i], strlen(LEFT[i]));
    assert_true(checked >= 30);
}

static void test_jsonl_taken(void **state)
{
    size_t i;
    (void)state;
    for (i = 0; i < sizeof TAKEN / sizeof *TAKEN; i++)
        if (check_line(TAKEN[i], strlen(TAKEN[i])) != 1)
            fail_msg("not taken: %s", TAKEN[i]);
}

static void test_jsonl_left(void **state)
{
    size_t i;
    (void)state;
    for (i = 0; i < sizeof LEFT / sizeof *LEFT; i++)
        if (check_line(LEFT[i], strlen(LEFT[i])) != 0)
            fail_msg("taken, but jansson's: %s", LEFT[i]);
}

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static unsigned next(unsigned n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng % n);
}

static void test_jsonl_mutations(void **state)
{
    static const char bytes[] = "\"\\u{}[],: \t0aDd8\x80\xc3\xa9\xed\xf4\xbf\x01\x1f\x7f";
    size_t round, taken = 0, members = 0;
    (void)state;
    for (round = 0; round < 300000; round++) {
        char buf[256];
        const char *seed = round % 2 ? TAKEN[next(sizeof TAKEN / sizeof *TAKEN)]
                                     : LEFT[next(sizeof LEFT / sizeof *LEFT)];
        size_t n = strlen(seed), k, edits = 1 + next(3);
        memcpy(buf, seed, n);
        for (k = 0; k < edits && n > 0 && n < sizeof buf - 1; k++) {
            unsigned at = next((unsigned)n), what = next(3);
            char c = bytes[next(sizeof bytes - 1)];
            if (what == 0) {
                buf[at] = c;
            } else if (what == 1) {
                memmove(buf + at + 1, buf + at, n - at);
                buf[at] = c;
                n++;
            } else {
                memmove(buf + at, buf + at + 1, n - at - 1);
                n--;
            }
        }
        taken += (size_t)check_line(buf, n);
        members += check_members(buf, n);
    }
    print_message("mutations: %zu of 300000 taken by the fast path, all as jansson decodes them\n",
                  taken);
    print_message("mutations: %zu members found as jansson reads them\n", members);
    assert_true(taken > 1000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_jsonl_taken),
        cmocka_unit_test(test_jsonl_left),
        cmocka_unit_test(test_jsonl_members),
        cmocka_unit_test(test_jsonl_mutations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
