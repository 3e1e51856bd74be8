/* test_ascii.c - unit tests of the shared ASCII helpers (src/ascii.h): every byte against the
 * C library's tests in the "C" locale and against PCRE2's \w without PCRE2_UCP. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ctype.h>
#include <locale.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "ascii.h"

static void test_ascii_classes(void **state)
{
    unsigned c;
    (void)state;
    setlocale(LC_CTYPE, "C");
    for (c = 0; c < 256; c++) {
        assert_int_equal(tt_is_digit(c), c < 128 && isdigit((int)c) != 0);
        assert_int_equal(tt_is_alpha(c), c < 128 && isalpha((int)c) != 0);
        assert_int_equal(tt_is_alnum(c), c < 128 && isalnum((int)c) != 0);
        assert_int_equal(tt_is_xdigit(c), c < 128 && isxdigit((int)c) != 0);
        assert_int_equal(tt_is_word(c), c < 128 && (isalnum((int)c) || c == '_'));
        assert_int_equal(tt_fold(c), c < 128 ? (unsigned)tolower((int)c) : c);
    }
    /* a negative char converted to unsigned is no ASCII character either */
    assert_false(tt_is_word((unsigned)(char)-61));
    assert_false(tt_is_digit((unsigned)-1));
}

/* tt_is_word is PCRE2's \w in UTF mode without UCP, byte by byte (ASCII; a non-ASCII byte
 * starts or continues a character that \w does not match) */
static void test_ascii_word_is_pcre2(void **state)
{
    int ec;
    PCRE2_SIZE eo;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR) "\\w", 2, 0, &ec, &eo, NULL);
    pcre2_match_data *md = pcre2_match_data_create(1, NULL);
    unsigned c;
    (void)state;
    assert_non_null(re);
    assert_non_null(md);
    for (c = 1; c < 256; c++) {
        unsigned char b = (unsigned char)c;
        int rc = pcre2_match(re, &b, 1, 0, PCRE2_ANCHORED, md, NULL);
        assert_int_equal(tt_is_word(c), rc >= 0);
    }
    pcre2_match_data_free(md);
    pcre2_code_free(re);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ascii_classes),
        cmocka_unit_test(test_ascii_word_is_pcre2),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
