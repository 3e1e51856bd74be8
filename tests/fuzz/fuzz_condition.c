/* fuzz_condition.c - libFuzzer harness: bytes -> tt_cond_parse -> eval / eval3.
 *
 * Pattern ids a, b, c, missile and nk resolve to local indices 0..4.  A parsed condition must
 * be a well-formed tree; tt_cond_eval over all 32 truth assignments is the reference, and
 * tt_cond_eval3 over all 243 three-valued assignments must agree with it: all-known values give
 * eval's answer, and a definite (non-2) answer must hold for every completion of the unknowns. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "condition.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NPAT 5

static const char *const IDS[NPAT] = {"a", "b", "c", "missile", "nk"};

static long resolve(void *ctx, const char *id, size_t len)
{
    long i;
    (void)ctx;
    for (i = 0; i < NPAT; i++)
        if (strlen(IDS[i]) == len && memcmp(IDS[i], id, len) == 0)
            return i;
    return -1;
}

static void note_pattern(void *ctx, uint32_t pat)
{
    FUZZ_CHECK(pat < NPAT);
    ++*(size_t *)ctx;
}

static void check_tree(const tt_cond *c)
{
    size_t i, npat = 0, pats = 0;
    FUZZ_CHECK(c->nnodes > 0 && c->nodes != NULL);
    FUZZ_CHECK(c->root == c->nnodes - 1);
    for (i = 0; i < c->nnodes; i++) {
        const tt_cond_node *n = &c->nodes[i];
        uint32_t k;
        FUZZ_CHECK((size_t)n->first + n->count <= c->nkids);
        for (k = 0; k < n->count; k++)
            FUZZ_CHECK(c->kids[n->first + k] < i); /* children come first: no cycles */
        switch (n->kind) {
        case TT_C_PAT:
            FUZZ_CHECK(n->value < NPAT && n->count == 0);
            npat++;
            break;
        case TT_C_NOT:
            FUZZ_CHECK(n->count == 1);
            break;
        case TT_C_AND:
        case TT_C_OR:
            FUZZ_CHECK(n->count >= 2);
            break;
        case TT_C_NOF:
            FUZZ_CHECK(n->count >= 1 && n->value >= 1 && n->value <= n->count);
            break;
        default:
            FUZZ_CHECK(0);
        }
    }
    tt_cond_each_pattern(c, note_pattern, &pats);
    FUZZ_CHECK(pats == npat);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *src = malloc(size + 1);
    char msg[160];
    size_t off = (size_t)-1, slen;
    tt_cond c;
    int rc;

    FUZZ_CHECK(src != NULL);
    if (size)
        memcpy(src, data, size);
    src[size] = '\0';
    slen = strlen(src);
    memset(msg, 'x', sizeof msg);
    rc = tt_cond_parse(src, resolve, NULL, &c, &off, msg, sizeof msg);
    FUZZ_CHECK(rc == 0 || rc == 1);
    if (rc == 1) {
        FUZZ_CHECK(off <= slen);
        FUZZ_CHECK(memchr(msg, 0, sizeof msg) != NULL && msg[0] != '\0');
        FUZZ_CHECK(c.nodes == NULL && c.kids == NULL && c.nnodes == 0);
        free(src);
        return 0;
    }

    check_tree(&c);
    {
        unsigned char truth[1u << NPAT];
        unsigned char val[NPAT], matched[NPAT];
        unsigned m, code, i;

        for (m = 0; m < (1u << NPAT); m++) {
            for (i = 0; i < NPAT; i++)
                matched[i] = (unsigned char)((m >> i) & 1u);
            truth[m] = (unsigned char)tt_cond_eval(&c, matched);
            FUZZ_CHECK(truth[m] == 0 || truth[m] == 1);
            FUZZ_CHECK(tt_cond_eval_node(&c, c.root, matched) == truth[m]);
            /* non-zero values other than 1 mean "matched" too */
            for (i = 0; i < NPAT; i++)
                matched[i] = (unsigned char)(matched[i] ? 0x80 : 0);
            FUZZ_CHECK(tt_cond_eval(&c, matched) == truth[m]);
        }
        for (code = 0; code < 243; code++) {     /* 3^5 three-valued assignments */
            unsigned x = code, unknown = 0, known = 0, comp;
            int v3;
            for (i = 0; i < NPAT; i++) {
                val[i] = (unsigned char)(x % 3);
                x /= 3;
                if (val[i] == 2)
                    unknown |= 1u << i;
                else if (val[i] == 1)
                    known |= 1u << i;
            }
            v3 = tt_cond_eval3(&c, val);
            FUZZ_CHECK(v3 == 0 || v3 == 1 || v3 == 2);
            if (!unknown)
                FUZZ_CHECK(v3 == truth[known]);
            if (v3 == 2)
                continue;
            /* every completion of the unknowns must give v3 */
            comp = 0;
            do {
                FUZZ_CHECK(truth[known | comp] == v3);
                comp = (comp - unknown) & unknown;       /* next subset of unknown */
            } while (comp != 0);
        }
    }
    tt_cond_release(&c);
    FUZZ_CHECK(c.nodes == NULL && c.nnodes == 0);
    free(src);
    return 0;
}
