/* jsonl.c - the fast path for JSON Lines records (see jsonl.h). */
#include "jsonl.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

enum { BAIL = 0, OK = 1, NOMEM = -1 };

static int is_ws(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

static size_t skip_ws(const unsigned char *p, size_t i, size_t n)
{
    while (i < n && is_ws(p[i]))
        i++;
    return i;
}

static int put(cli_jbuf *b, const void *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        char *ns;
        while (cap < b->len + n + 1)
            cap *= 2;
        if (!(ns = realloc(b->s, cap)))
            return NOMEM;
        b->s = ns;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
    return OK;
}

size_t cli_utf8_seq(const unsigned char *p, size_t i, size_t n)
{
    unsigned c = p[i], v;
    size_t len, k;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
        v = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        v = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        v = c & 0x07;
    } else {
        return 0;
    }
    if (n - i < len)
        return 0;
    for (k = 1; k < len; k++) {
        if ((p[i + k] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (p[i + k] & 0x3F);
    }
    if ((len == 3 && v < 0x800) || (len == 4 && v < 0x10000) || (v >= 0xD800 && v <= 0xDFFF) ||
        v > 0x10FFFF)
        return 0;
    return len;
}

static int hex4(const unsigned char *p, size_t i, size_t n, unsigned *out)
{
    unsigned v = 0;
    size_t k;
    if (n - i < 4)
        return 0;
    for (k = 0; k < 4; k++) {
        unsigned c = p[i + k];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= c - '0';
        else if (c >= 'a' && c <= 'f')
            v |= c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            v |= c - 'A' + 10;
        else
            return 0;
    }
    *out = v;
    return 1;
}

static size_t encode(unsigned v, unsigned char *u)
{
    if (v < 0x80) {
        u[0] = (unsigned char)v;
        return 1;
    }
    if (v < 0x800) {
        u[0] = (unsigned char)(0xC0 | (v >> 6));
        u[1] = (unsigned char)(0x80 | (v & 0x3F));
        return 2;
    }
    if (v < 0x10000) {
        u[0] = (unsigned char)(0xE0 | (v >> 12));
        u[1] = (unsigned char)(0x80 | ((v >> 6) & 0x3F));
        u[2] = (unsigned char)(0x80 | (v & 0x3F));
        return 3;
    }
    u[0] = (unsigned char)(0xF0 | (v >> 18));
    u[1] = (unsigned char)(0x80 | ((v >> 12) & 0x3F));
    u[2] = (unsigned char)(0x80 | ((v >> 6) & 0x3F));
    u[3] = (unsigned char)(0x80 | (v & 0x3F));
    return 4;
}

/* The string starting at p[*pos] == '"': decoded into out when out is not NULL (escapes
 * are refused when out is NULL: keys), else only checked.  *pos ends after the closing
 * quote; *nul is set when the decoded text holds a NUL. */
static int string_at(const unsigned char *p, size_t n, size_t *pos, cli_jbuf *out, int decode,
                     int *nul)
{
    size_t i = *pos + 1, run = i;
    if (out)
        out->len = 0;
    for (;;) {
        unsigned c;
        if (i >= n)
            return BAIL;
        c = p[i];
        if (c == '"')
            break;
        if (c < 0x20)
            return BAIL;   /* a raw control character: jansson's error */
        if (c < 0x80 && c != '\\') {
            i++;
            continue;
        }
        if (c >= 0x80) {
            size_t len = cli_utf8_seq(p, i, n);
            if (!len)
                return BAIL;
            i += len;
            continue;
        }
        /* an escape */
        if (!decode)
            return BAIL;
        if (out && i > run && put(out, p + run, i - run) != OK)
            return NOMEM;
        if (i + 1 >= n)
            return BAIL;
        {
            unsigned char u[4];
            size_t ul = 1;
            unsigned v, lo;
            switch (p[i + 1]) {
            case '"': u[0] = '"'; break;
            case '\\': u[0] = '\\'; break;
            case '/': u[0] = '/'; break;
            case 'b': u[0] = '\b'; break;
            case 'f': u[0] = '\f'; break;
            case 'n': u[0] = '\n'; break;
            case 'r': u[0] = '\r'; break;
            case 't': u[0] = '\t'; break;
            case 'u':
                if (!hex4(p, i + 2, n, &v))
                    return BAIL;
                if (v >= 0xDC00 && v <= 0xDFFF)
                    return BAIL;   /* a lone low surrogate */
                if (v >= 0xD800 && v <= 0xDBFF) {
                    if (i + 12 > n || p[i + 6] != '\\' || p[i + 7] != 'u' ||
                        !hex4(p, i + 8, n, &lo) || lo < 0xDC00 || lo > 0xDFFF)
                        return BAIL;
                    v = 0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00);
                    i += 6;
                }
                if (v == 0)
                    *nul = 1;
                ul = encode(v, u);
                i += 4;
                break;
            default:
                return BAIL;
            }
            i += 2;
            run = i;
            if (out && put(out, u, ul) != OK)
                return NOMEM;
        }
    }
    if (out && put(out, p + run, i - run) != OK)
        return NOMEM;
    *pos = i + 1;
    return OK;
}

int cli_jsonl_fast(const char *line, size_t n, const char *idf, const char *txf, cli_jbuf *idb,
                   cli_jbuf *txb, const char **id, const char **text, size_t *textlen)
{
    const unsigned char *p = (const unsigned char *)line;
    size_t i = skip_ws(p, 0, n), idl = strlen(idf), txl = strlen(txf);
    int have_id = 0, have_text = 0, id_nul = 0;
    *id = NULL;
    *text = NULL;
    *textlen = 0;
    if (i >= n || p[i] != '{')
        return BAIL;
    i = skip_ws(p, i + 1, n);
    if (i < n && p[i] == '}') {
        i++;
    } else {
        for (;;) {
            size_t k0, kl;
            int rc, nul = 0;
            cli_jbuf *out = NULL;
            if (i >= n || p[i] != '"')
                return BAIL;
            k0 = i + 1;
            if ((rc = string_at(p, n, &i, NULL, 0, &nul)) != OK)
                return rc;
            kl = i - 1 - k0;
            i = skip_ws(p, i, n);
            if (i >= n || p[i] != ':')
                return BAIL;
            i = skip_ws(p, i + 1, n);
            if (i >= n || p[i] != '"')
                return BAIL;   /* not a string value: jansson's business */
            if (kl == txl && !memcmp(p + k0, txf, kl)) {
                out = txb;
                have_text = 1;
            } else if (kl == idl && !memcmp(p + k0, idf, kl)) {
                out = idb;
                have_id = 1;
            }
            if ((rc = string_at(p, n, &i, out, 1, &nul)) != OK)
                return rc;
            if (out == idb)
                id_nul = nul;   /* the last one counts, as in jansson */
            if (txl == idl && !memcmp(txf, idf, txl) && out == txb) {
                /* one field is both: the id is the same string */
                if (put((idb->len = 0, idb), txb->s, txb->len) != OK)
                    return NOMEM;
                have_id = 1;
                id_nul = nul;
            }
            i = skip_ws(p, i, n);
            if (i < n && p[i] == ',') {
                i = skip_ws(p, i + 1, n);
                continue;
            }
            if (i < n && p[i] == '}') {
                i++;
                break;
            }
            return BAIL;
        }
    }
    if (skip_ws(p, i, n) != n)
        return BAIL;
    if (have_id && id_nul)
        return BAIL;   /* jansson's C string would stop at the NUL: let it decide */
    if (have_id)
        *id = idb->s ? idb->s : "";
    if (have_text) {
        *text = txb->s ? txb->s : "";
        *textlen = txb->len;
    }
    return OK;
}

/* The end of the JSON value at p[i] (valid JSON: brackets balance, strings close).  A string
 * is crossed with memchr: the text of an article is most of a record. */
static size_t skip_value(const unsigned char *p, size_t i, size_t n)
{
    int depth = 0;
    do {
        unsigned c = p[i];
        if (c == '"') {   /* to the first quote after an even run of backslashes */
            const unsigned char *q;
            for (i++;; i = (size_t)(q - p) + 1) {
                size_t bs = 0;
                if (!(q = memchr(p + i, '"', n - i)))
                    return n;
                while (q - bs > p + i && q[-1 - (ptrdiff_t)bs] == '\\')
                    bs++;
                if (bs % 2 == 0)
                    break;
            }
            i = (size_t)(q - p) + 1;
        } else if (c == '{' || c == '[') {
            depth++;
            i++;
        } else if (c == '}' || c == ']') {
            depth--;
            i++;
        } else if (is_ws(c) || c == ',' || c == ':') {
            i++;
        } else {   /* a number, true, false, null */
            while (i < n && !is_ws(p[i]) && p[i] != ',' && p[i] != '}' && p[i] != ']')
                i++;
        }
    } while (depth > 0 && i < n);
    return i;
}

int cli_jsonl_members(const char *line, size_t len, const char *const *names, size_t n,
                      tt_field_value *vals, cli_jbuf *texts, cli_jbuf *key)
{
    const unsigned char *p = (const unsigned char *)line;
    size_t i = skip_ws(p, 0, len), k;
    memset(vals, 0, n * sizeof *vals);
    if (i >= len || p[i] != '{')
        return 0;
    i = skip_ws(p, i + 1, len);
    while (i < len && p[i] == '"') {
        size_t v0;
        int nul = 0, rc = string_at(p, len, &i, key, 1, &nul);
        if (rc == NOMEM)
            return -1;
        if (rc != OK)
            return 0;   /* not what jansson took: nothing known */
        i = skip_ws(p, i, len);
        if (i >= len || p[i] != ':')
            return 0;
        v0 = i = skip_ws(p, i + 1, len);
        if (i >= len)
            return 0;
        i = skip_value(p, i, len);
        for (k = 0; k < n; k++) {
            size_t j = v0;
            if (strlen(names[k]) != key->len || memcmp(names[k], key->s, key->len))
                continue;
            vals[k].json = line + v0;
            vals[k].json_len = i - v0;
            vals[k].text = NULL;
            vals[k].text_len = 0;
            if (p[v0] != '"')
                continue;
            if ((rc = string_at(p, len, &j, &texts[k], 1, &nul)) == NOMEM)
                return -1;
            if (rc == OK) {
                vals[k].text = texts[k].s ? texts[k].s : "";
                vals[k].text_len = texts[k].len;
            }
        }
        i = skip_ws(p, i, len);
        if (i < len && p[i] == ',')
            i = skip_ws(p, i + 1, len);
    }
    return 0;
}

void cli_jbuf_release(cli_jbuf *b)
{
    free(b->s);
    b->s = NULL;
    b->len = b->cap = 0;
}
