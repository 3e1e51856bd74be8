/* test_utf8.c - unit tests of the UTF-8 validator (src/utf8.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "utf8.h"

/* Checks s[0..len) and returns the result; the bytes are copied into an exactly sized heap
 * buffer so that ASan/valgrind catch any read past the end. */
static size_t check(const char *s, size_t len)
{
    unsigned char *b = test_malloc(len ? len : 1);
    size_t r;

    memcpy(b, s, len);
    r = tt_utf8_check(b, len);
    test_free(b);
    return r;
}

#define VALID(lit) assert_int_equal(check(lit, sizeof(lit) - 1), sizeof(lit) - 1)
#define BAD_AT(lit, off) assert_int_equal(check(lit, sizeof(lit) - 1), (off))

static void test_utf8_empty(void **state)
{
    (void)state;
    assert_int_equal(tt_utf8_check((const unsigned char *)"", 0), 0);
    assert_int_equal(check("", 0), 0);
}

static void test_utf8_valid(void **state)
{
    (void)state;
    VALID("a");
    VALID("plain ASCII text, longer than eight bytes, with punctuation!");
    VALID("\x7f");
    VALID("\xC2\x80");               /* U+0080, smallest 2-byte */
    VALID("\xC3\xA9t\xC3\xA9");      /* été */
    VALID("\xDF\xBF");               /* U+07FF, largest 2-byte */
    VALID("\xE0\xA0\x80");           /* U+0800, smallest 3-byte */
    VALID("\xE2\x80\x99");           /* ’ */
    VALID("\xED\x9F\xBF");           /* U+D7FF, just below the surrogates */
    VALID("\xEE\x80\x80");           /* U+E000, just above */
    VALID("\xEF\xBB\xBF");           /* BOM */
    VALID("\xEF\xBF\xBF");           /* U+FFFF */
    VALID("\xF0\x90\x80\x80");       /* U+10000, smallest 4-byte */
    VALID("\xF0\x9F\x98\x80");       /* 😀 */
    VALID("\xF4\x8F\xBF\xBF");       /* U+10FFFF, the largest */
    VALID("\xE5\x8F\xB0\xE6\xB9\xBE Taiwan \xD0\x9A\xD0\xB8\xD1\x97\xD0\xB2 \xF0\x9F\x98\x80!");
    /* multibyte characters straddling and following the 8-byte ASCII blocks */
    VALID("1234567\xC3\xA9" "abcdefgh\xE2\x80\x99" "12345678\xF0\x9F\x98\x80");
}

static void test_utf8_overlong(void **state)
{
    (void)state;
    BAD_AT("\xC0\x80", 0);
    BAD_AT("\xC1\xBF", 0);
    BAD_AT("\xE0\x80\x80", 0);
    BAD_AT("\xE0\x9F\xBF", 0);       /* overlong U+07FF */
    BAD_AT("\xF0\x80\x80\x80", 0);
    BAD_AT("\xF0\x8F\xBF\xBF", 0);   /* overlong U+FFFF */
    BAD_AT("ab\xC0\xAF", 2);         /* overlong '/' */
}

static void test_utf8_surrogates(void **state)
{
    (void)state;
    BAD_AT("\xED\xA0\x80", 0);       /* U+D800 */
    BAD_AT("\xED\xBF\xBF", 0);       /* U+DFFF */
    BAD_AT("x\xED\xB0\x80y", 1);
}

static void test_utf8_too_big(void **state)
{
    (void)state;
    BAD_AT("\xF4\x90\x80\x80", 0);   /* U+110000 */
    BAD_AT("\xF5\x80\x80\x80", 0);
    BAD_AT("\xF7\xBF\xBF\xBF", 0);
}

static void test_utf8_truncated(void **state)
{
    (void)state;
    BAD_AT("\xC3", 0);
    BAD_AT("abc\xC3", 3);
    BAD_AT("abc\xE2\x80", 3);
    BAD_AT("abc\xE2", 3);
    BAD_AT("abc\xF0\x9F\x98", 3);
    BAD_AT("abc\xF0\x9F", 3);
    BAD_AT("abc\xF0", 3);
    /* a lead byte followed by a non-continuation byte */
    BAD_AT("\xC3" "A", 0);
    BAD_AT("\xE2\x80" "A", 0);
    BAD_AT("\xE2" "A\x80", 0);
    BAD_AT("\xF0\x9F\x98" "A", 0);
    BAD_AT("\xF0\x9F" "AA", 0);
    BAD_AT("\xF0" "AAA", 0);
    BAD_AT("\xC3\xA9\xC3 ", 2);
}

static void test_utf8_stray_continuation(void **state)
{
    (void)state;
    BAD_AT("\x80", 0);
    BAD_AT("\xBF", 0);
    BAD_AT("ab\x80" "cd", 2);
    BAD_AT("\xC3\xA9\xA9", 2);        /* one continuation too many */
    BAD_AT("\xE2\x80\x99\x99", 3);
    BAD_AT("\xF0\x9F\x98\x80\x80", 4);
}

static void test_utf8_invalid_bytes(void **state)
{
    unsigned b;
    char buf[4];

    (void)state;
    for (b = 0xF5; b <= 0xFF; b++) {
        buf[0] = 'a';
        buf[1] = (char)b;
        buf[2] = '\x80';
        buf[3] = '\x80';
        assert_int_equal(check(buf, 4), 1);
        assert_int_equal(check(buf + 1, 1), 0);
    }
    BAD_AT("\xFE\xFF", 0);
    BAD_AT("\xFF\xFE", 0);
}

/* Every single byte: valid alone exactly when it is ASCII. */
static void test_utf8_every_single_byte(void **state)
{
    unsigned b;
    char c;

    (void)state;
    for (b = 0; b < 256; b++) {
        c = (char)b;
        assert_int_equal(check(&c, 1), b < 0x80 ? 1 : 0);
    }
}

static void test_utf8_fast_path_offsets(void **state)
{
    char buf[128];
    size_t i, len;

    (void)state;
    BAD_AT("0123456789abc\xFF", 13);
    BAD_AT("0123456789abc\xFFxyz", 13);
    BAD_AT("01234567\x80", 8);
    BAD_AT("0123456\x80" "01234567", 7);
    BAD_AT("0123456789abcdef0123456789abcdef\xC0\x80", 32);
    BAD_AT("\xC3\xA9" "0123456789abcdef\xED\xA0\x80", 18);
    /* the bad byte at every offset of an ASCII run of up to 100 bytes (three 32-byte blocks
     * and the tails), and a truncated lead at the end */
    for (len = 1; len <= 100; len++) {
        for (i = 0; i < len; i++) {
            memset(buf, 'x', len);
            buf[i] = (char)0x80;
            assert_int_equal(check(buf, len), i);
        }
        memset(buf, 'x', len);
        assert_int_equal(check(buf, len), len);
        buf[len - 1] = (char)0xE2;
        assert_int_equal(check(buf, len), len - 1);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8_empty),
        cmocka_unit_test(test_utf8_valid),
        cmocka_unit_test(test_utf8_overlong),
        cmocka_unit_test(test_utf8_surrogates),
        cmocka_unit_test(test_utf8_too_big),
        cmocka_unit_test(test_utf8_truncated),
        cmocka_unit_test(test_utf8_stray_continuation),
        cmocka_unit_test(test_utf8_invalid_bytes),
        cmocka_unit_test(test_utf8_every_single_byte),
        cmocka_unit_test(test_utf8_fast_path_offsets),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
