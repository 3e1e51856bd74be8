/* fuzz_jsonl.c - libFuzzer harness: bytes as one JSON Lines record -> the fast path of
 * src/cli/jsonl.c, checked against jansson.  Every record the fast path takes must decode
 * exactly as jansson decodes it: the same id (string) and text (bytes and length), or the same
 * absence.  The input's first byte picks the field names (id/text, or one field for both). */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/cli/jsonl.c"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const idfs[] = {"id", "id", "t\xc3\xa9", "text"};
    static const char *const txfs[] = {"text", "body", "text", "text"};
    cli_jbuf idb = {NULL, 0, 0}, txb = {NULL, 0, 0};
    const char *line = (const char *)data + 1, *id, *text, *idf, *txf;
    size_t n, tl;
    int fast;
    if (size < 1)
        return 0;
    idf = idfs[data[0] & 3];
    txf = txfs[data[0] & 3];
    n = size - 1;
    fast = cli_jsonl_fast(line, n, idf, txf, &idb, &txb, &id, &text, &tl);
    FUZZ_CHECK(fast >= 0);
    if (fast) {
        json_error_t err;
        json_t *rec = json_loadb(line, n, JSON_ALLOW_NUL, &err), *jid, *jtext;
        FUZZ_CHECK(rec != NULL && json_is_object(rec));
        jid = json_object_get(rec, idf);
        jtext = json_object_get(rec, txf);
        FUZZ_CHECK((jid == NULL) == (id == NULL));
        if (jid)
            FUZZ_CHECK(json_is_string(jid) && strcmp(id, json_string_value(jid)) == 0);
        FUZZ_CHECK((jtext == NULL) == (text == NULL));
        if (jtext)
            FUZZ_CHECK(json_is_string(jtext) && json_string_length(jtext) == tl &&
                       memcmp(text, json_string_value(jtext), tl) == 0);
        json_decref(rec);
    }
    cli_jbuf_release(&idb);
    cli_jbuf_release(&txb);
    return 0;
}
