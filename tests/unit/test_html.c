/* test_html.c - the HTML report's escaping (the one door for untrusted text) and the SHA-256
 * behind its Content-Security-Policy hashes, as whole values. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "report.h"
#include "sha256.h"

static void escape_case(const char *in, const char *want)
{
    size_t n = strlen(in);
    tt_obuf b = {NULL, 0, 0, 0, NULL};
    tt_ob_html(&b, in, n);
    tt_ob_put(&b, "", 1);
    assert_false(b.nomem);
    assert_string_equal(b.s, want);
    tt_free(b.s);
}

static void test_escape(void **state)
{
    (void)state;
    escape_case("plain text, long enough for the 16-byte path",
                "plain text, long enough for the 16-byte path");
    escape_case("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;");
    escape_case("</style>", "&lt;/style&gt;");
    escape_case("\"onmouseover=x 'y' a&b", "&quot;onmouseover=x &#39;y&#39; a&amp;b");
    escape_case("javascript:alert(1)", "javascript:alert(1)");   /* text: harmless */
    escape_case("a\xe2\x80\xa8" "b\xe2\x80\xa9" "c", "a&#x2028;b&#x2029;c");
    escape_case("\xe2\x80\x94 dash", "\xe2\x80\x94 dash");        /* other U+20xx stay */
    escape_case("tab\there\nline\r", "tab\there\nline\r");
    escape_case("bell\x07 del\x7f", "bell&#xFFFD; del&#xFFFD;");
    escape_case("0123456789abcdef<0123456789abcdef>",
                "0123456789abcdef&lt;0123456789abcdef&gt;");
    escape_case("\xe2\x80", "\xe2\x80");                            /* cut short: kept */
}

static void digest_case(const char *in, const char *want_hex)
{
    static const char hex[] = "0123456789abcdef";
    unsigned char d[32];
    char got[65];
    int i;
    tt_sha256(in, strlen(in), d);
    for (i = 0; i < 32; i++) {
        got[2 * i] = hex[d[i] >> 4];
        got[2 * i + 1] = hex[d[i] & 15];
    }
    got[64] = 0;
    assert_string_equal(got, want_hex);
}

/* FIPS 180-4 examples, and lengths around the padding boundary (55, 56, 64 bytes). */
static void test_sha256(void **state)
{
    (void)state;
    digest_case("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    digest_case("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    digest_case("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
                "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    digest_case("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
    digest_case("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escape),
        cmocka_unit_test(test_sha256),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
