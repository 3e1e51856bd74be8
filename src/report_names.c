/* report_names.c - document names (file paths) in reports.  A path is bytes, not text: one
 * that is not valid UTF-8 cannot be a JSON string, so JSON carries it as base64 under another
 * key (as ripgrep's JSON printer does), and the text formats escape the bad bytes visibly. */
#include <stdint.h>

#include "alloc.h"
#include "report.h"
#include "utf8.h"

static int valid_utf8(const char *s, size_t n)
{
    return tt_utf8_check((const unsigned char *)s, n) == n;
}

void tt_ob_base64(tt_obuf *b, const unsigned char *s, size_t n)
{
    static const char abc[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t i;
    for (i = 0; i + 2 < n; i += 3) {
        uint32_t v = (uint32_t)s[i] << 16 | (uint32_t)s[i + 1] << 8 | s[i + 2];
        char q[4] = {abc[v >> 18], abc[(v >> 12) & 63], abc[(v >> 6) & 63], abc[v & 63]};
        tt_ob_put(b, q, 4);
    }
    if (i < n) {
        uint32_t v = (uint32_t)s[i] << 16 | (i + 1 < n ? (uint32_t)s[i + 1] << 8 : 0);
        char q[4] = {abc[v >> 18], abc[(v >> 12) & 63], i + 1 < n ? abc[(v >> 6) & 63] : '=',
                     '='};
        tt_ob_put(b, q, 4);
    }
}

void tt_ob_json_name(tt_obuf *b, const char *key, const char *name)
{
    size_t n = strlen(name);
    tt_ob_put(b, "\"", 1);
    tt_ob_puts(b, key);
    if (valid_utf8(name, n)) {
        tt_ob_put(b, "\": ", 3);
        tt_ob_json(b, name, n);
        return;
    }
    tt_ob_puts(b, "_bytes\": \"");
    tt_ob_base64(b, (const unsigned char *)name, n);
    tt_ob_put(b, "\"", 1);
}

void tt_ob_visible_name(tt_obuf *b, const char *name, int controls)
{
    static const char hex[] = "0123456789ABCDEF";
    const unsigned char *s = (const unsigned char *)name;
    size_t n = strlen(name), i = 0;
    while (i < n) {
        size_t ok = tt_utf8_check(s + i, n - i), k;
        /* the valid prefix, with control characters escaped when asked */
        for (k = 0; k < ok; k++) {
            unsigned char c = s[i + k];
            if (controls && (c < 0x20 || c == 0x7f)) {
                char e[4] = {'\\', 'x', hex[c >> 4], hex[c & 15]};
                tt_ob_put(b, e, 4);
            } else {
                tt_ob_put(b, (const char *)s + i + k, 1);
            }
        }
        i += ok;
        if (i < n) {
            char e[4] = {'\\', 'x', hex[s[i] >> 4], hex[s[i] & 15]};
            tt_ob_put(b, e, 4);
            i++;
        }
    }
}

const char *tt_visible_name(tt_obuf *scratch, const char *name, int controls)
{
    const unsigned char *p;
    size_t n = strlen(name);
    int plain = valid_utf8(name, n);
    for (p = (const unsigned char *)name; plain && controls && *p; p++)
        plain = *p >= 0x20 && *p != 0x7f;
    if (plain)
        return name;
    scratch->len = 0;
    tt_ob_visible_name(scratch, name, controls);
    tt_ob_put(scratch, "", 1);
    return scratch->nomem ? "" : scratch->s;
}

int tt_json_name(FILE *out, const char *key, const char *name)
{
    tt_obuf b = {NULL, 0, 0, 0, NULL};
    int rc;
    tt_ob_json_name(&b, key, name);
    rc = b.nomem ? -1 : (fwrite(b.s, 1, b.len, out) == b.len ? 0 : -1);
    tt_free(b.s);
    return rc;
}
