/* fuzz_literal.c - libFuzzer harness: soundness of the prefilter's required literals.
 *
 * Input: byte 0 = flags (bit 0: caseless), then the regex up to the first LF, then the subject.
 * The regex is compiled as the library compiles patterns (PCRE2_UTF [| PCRE2_CASELESS]); when
 * tt_literal_extract gives a literal set, every non-empty match of the regex in the subject
 * (found the way the scanner loops) must contain one of the literals, ASCII-folded, in a
 * context (a word byte before and after it, or none) that literal allows.  Subjects
 * holding U+212A or U+017F are skipped, as the scanner skips the prefilter for them. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "fuzz_util.h"
#include "literal.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static pcre2_match_data *md;
static pcre2_match_context *mctx;

static int has_odd_case(const unsigned char *t, size_t n)
{
    size_t i;
    for (i = 0; i + 1 < n; i++) {
        if (t[i] == 0xC5 && t[i + 1] == 0xBF)
            return 1;
        if (i + 2 < n && t[i] == 0xE2 && t[i + 1] == 0x84 && t[i + 2] == 0xAA)
            return 1;
    }
    return 0;
}

static int word(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* Whether the match text[s .. e) holds lit (folded) in a context ctx allows: a word byte of
 * the subject or none just before it and just after it. */
static int contains_folded(const unsigned char *text, size_t tlen, size_t s, size_t e,
                           const char *lit, size_t ln, unsigned ctx)
{
    size_t i, j;
    for (i = s; i + ln <= e; i++) {
        for (j = 0; j < ln; j++) {
            unsigned char c = text[i + j];
            if (c >= 'A' && c <= 'Z')
                c = (unsigned char)(c + 32);
            if (c != (unsigned char)lit[j])
                break;
        }
        if (j == ln && (ctx & TT_LIT_CTX(i > 0 && word(text[i - 1]),
                                         i + ln < tlen && word(text[i + ln]))))
            return 1;
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nl;
    char *rx;
    size_t rlen, tlen, off = 0;
    const unsigned char *text;
    int caseless, rc, ec;
    PCRE2_SIZE eo;
    pcre2_code *code;
    tt_litset ls;

    if (size < 2)
        return 0;
    if (!md) {
        md = pcre2_match_data_create(1, NULL);
        mctx = pcre2_match_context_create(NULL);
        pcre2_set_match_limit(mctx, 100000);
        pcre2_set_depth_limit(mctx, 10000);
    }
    caseless = data[0] & 1;
    data++;
    size--;
    nl = memchr(data, '\n', size);
    if (!nl)
        return 0;
    rlen = (size_t)(nl - data);
    text = nl + 1;
    tlen = size - rlen - 1;
    if (memchr(data, 0, rlen) || tt_utf8_check(text, tlen) != tlen || has_odd_case(text, tlen))
        return 0;
    rx = malloc(rlen + 1);
    FUZZ_CHECK(rx != NULL);
    memcpy(rx, data, rlen);
    rx[rlen] = '\0';
    code = pcre2_compile((PCRE2_SPTR)rx, rlen, PCRE2_UTF | (caseless ? PCRE2_CASELESS : 0), &ec,
                         &eo, NULL);
    if (!code) {
        free(rx);
        return 0;
    }
    rc = tt_literal_extract(rx, rlen, caseless | TT_LIT_KS_FOLDED, 3, &ls);
    FUZZ_CHECK(rc == 0 || rc == 1);
    if (rc == 1) {
        size_t i;
        FUZZ_CHECK(ls.n > 0);
        for (i = 0; i < ls.n; i++) {
            size_t j;
            FUZZ_CHECK(ls.len[i] >= 3);
            for (j = 0; j < ls.len[i]; j++)
                FUZZ_CHECK(!(ls.s[i][j] >= 'A' && ls.s[i][j] <= 'Z'));
        }
        while (off <= tlen) {
            PCRE2_SIZE *ov;
            int m = pcre2_match(code, text, tlen, off, PCRE2_NO_UTF_CHECK, md, mctx);
            if (m < 0)
                break;
            ov = pcre2_get_ovector_pointer(md);
            if (ov[1] > ov[0]) {
                int found = 0;
                for (i = 0; i < ls.n && !found; i++)
                    found = contains_folded(text, tlen, ov[0], ov[1], ls.s[i], ls.len[i],
                                            ls.ctx ? ls.ctx[i] : TT_LIT_CTX_ANY);
                if (!found) {
                    fprintf(stderr, "regex /%s/%s matched [%zu,%zu) '%.*s' without any of %zu "
                                    "literals, first '%s'\n",
                            rx, caseless ? "i" : "", (size_t)ov[0], (size_t)ov[1],
                            (int)(ov[1] - ov[0]), (const char *)text + ov[0], ls.n, ls.s[0]);
                    FUZZ_CHECK(found);
                }
                off = ov[1];
            } else {
                off = ov[1] + 1;
                while (off < tlen && (text[off] & 0xC0) == 0x80)
                    off++;
            }
        }
        tt_litset_release(&ls);
    }
    pcre2_code_free(code);
    free(rx);
    return 0;
}
