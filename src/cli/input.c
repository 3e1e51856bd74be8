/* input.c - reads articles from files, folders (recursively, sorted), stdin and JSON Lines.
 * A document that cannot be read is reported through the callback and the walk goes on. */
#include "input.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_DEPTH 64

typedef struct walker {
    const tt_input_options *opt;
    tt_doc_fn fn;
    void *ctx;
    struct { dev_t dev; ino_t ino; } stack[MAX_DEPTH];   /* folders being walked */
    int depth;
} walker;

#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
static int report_error(walker *w, const char *name, tt_status code, const char *fmt, ...)
{
    tt_error e;
    va_list ap;
    memset(&e, 0, sizeof e);
    e.code = code;
    snprintf(e.file, sizeof e.file, "%s", name);
    va_start(ap, fmt);
    vsnprintf(e.message, sizeof e.message, fmt, ap);
    va_end(ap);
    return w->fn(w->ctx, name, NULL, NULL, 0, &e);
}

int tt_read_file(const char *path, char **buf, size_t *len)
{
    int fd = strcmp(path, "-") ? open(path, O_RDONLY) : 0;
    size_t cap = 1 << 16, n = 0, want = 0;
    char *b;
    struct stat st;
    if (fd < 0)
        return -1;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
        want = (size_t)st.st_size;   /* a regular file: stop at its size, no extra read */
        cap = want + 1;
    }
    if (!(b = malloc(cap))) {
        if (fd)
            close(fd);
        errno = ENOMEM;
        return -1;
    }
    for (;;) {
        ssize_t r;
        if (n + 1 >= cap) {
            char *nb = realloc(b, cap * 2);
            if (!nb) {
                free(b);
                if (fd)
                    close(fd);
                errno = ENOMEM;
                return -1;
            }
            b = nb;
            cap *= 2;
        }
        r = read(fd, b + n, cap - n - 1);
        if (r < 0) {
            int saved;
            if (errno == EINTR)
                continue;
            saved = errno;
            free(b);
            if (fd)
                close(fd);
            errno = saved;
            return -1;
        }
        if (r == 0)
            break;
        n += (size_t)r;
        if (want && n == want)
            break;
    }
    if (fd)
        close(fd);
    b[n] = '\0';
    *buf = b;
    *len = n;
    return 0;
}

static int has_suffix(const char *s, const char *suf)
{
    size_t n = strlen(s), m = strlen(suf);
    return n >= m && !strcmp(s + n - m, suf);
}

/* One JSON Lines stream: each line a record; a bad line is a per-record error. */
static int each_jsonl(walker *w, const char *name, FILE *f)
{
    char *line = NULL;
    size_t cap = 0, lineno = 0;
    ssize_t n;
    int rc = 0;
    const char *idf = w->opt->id_field ? w->opt->id_field : "id";
    const char *txf = w->opt->text_field ? w->opt->text_field : "text";
    while ((n = getline(&line, &cap, f)) >= 0) {
        char where[4096], idbuf[64];
        json_error_t jerr;
        json_t *rec, *jid, *jtext;
        const char *id = NULL;
        lineno++;
        snprintf(where, sizeof where, "%s:%zu", name, lineno);
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            n--;
        if (n == 0)
            continue;   /* blank lines between records are allowed */
        rec = json_loadb(line, (size_t)n, JSON_ALLOW_NUL, &jerr);
        if (!rec || !json_is_object(rec)) {
            char msg[300];
            snprintf(msg, sizeof msg, "%s at column %d", rec ? "not a JSON object" : jerr.text,
                     rec ? 1 : jerr.column);
            json_decref(rec);
            if ((rc = report_error(w, where, TT_ERR_INPUT, "malformed JSON record: %s", msg)))
                break;
            continue;
        }
        jid = json_object_get(rec, idf);
        if (json_is_string(jid)) {
            id = json_string_value(jid);
        } else if (json_is_integer(jid)) {
            snprintf(idbuf, sizeof idbuf, "%" JSON_INTEGER_FORMAT, json_integer_value(jid));
            id = idbuf;
        }
        jtext = json_object_get(rec, txf);
        if (!json_is_string(jtext)) {
            tt_error e;
            memset(&e, 0, sizeof e);
            e.code = TT_ERR_INPUT;
            snprintf(e.message, sizeof e.message, "record has no string field '%s'", txf);
            rc = w->fn(w->ctx, where, id, NULL, 0, &e);
        } else {
            rc = w->fn(w->ctx, where, id, json_string_value(jtext), json_string_length(jtext),
                       NULL);
        }
        json_decref(rec);
        if (rc)
            break;
    }
    if (!rc && ferror(f))
        rc = report_error(w, name, TT_ERR_IO, "read error: %s", strerror(errno));
    free(line);
    return rc;
}

static int do_file(walker *w, const char *path, int jsonl)
{
    char *buf;
    size_t len;
    int rc;
    if (jsonl) {
        FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
        if (!f)
            return report_error(w, path, TT_ERR_IO, "cannot read: %s", strerror(errno));
        rc = each_jsonl(w, path, f);
        if (f != stdin)
            fclose(f);
        return rc;
    }
    if (tt_read_file(path, &buf, &len))
        return report_error(w, path, TT_ERR_IO, "cannot read: %s", strerror(errno));
    rc = w->fn(w->ctx, path, NULL, buf, len, NULL);
    free(buf);
    return rc;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int do_path(walker *w, const char *path, int explicit_path);

static int do_dir(walker *w, const char *path, const struct stat *st)
{
    DIR *d;
    struct dirent *e;
    char **names = NULL;
    size_t n = 0, cap = 0, i;
    int rc = 0, k;
    for (k = 0; k < w->depth; k++)
        if (w->stack[k].dev == st->st_dev && w->stack[k].ino == st->st_ino)
            return report_error(w, path, TT_ERR_IO, "%s", "folder loop (a symlink to a parent): skipped");
    if (w->depth >= MAX_DEPTH)
        return report_error(w, path, TT_ERR_IO, "%s", "folders nest too deeply: skipped");
    if (!(d = opendir(path)))
        return report_error(w, path, TT_ERR_IO, "cannot read folder: %s", strerror(errno));
    while ((e = readdir(d))) {
        size_t pl = strlen(path), el = strlen(e->d_name);
        char *full;
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            char **nn = realloc(names, (cap = cap ? cap * 2 : 64) * sizeof *names);
            if (!nn) {
                rc = -1;
                break;
            }
            names = nn;
        }
        if (!(full = malloc(pl + el + 2))) {
            rc = -1;
            break;
        }
        memcpy(full, path, pl);
        if (pl && path[pl - 1] != '/')
            full[pl++] = '/';
        memcpy(full + pl, e->d_name, el + 1);
        names[n++] = full;
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof *names, cmp_str);
    w->stack[w->depth].dev = st->st_dev;
    w->stack[w->depth].ino = st->st_ino;
    w->depth++;
    for (i = 0; i < n && !rc; i++)
        rc = do_path(w, names[i], 0);
    w->depth--;
    for (i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return rc;
}

static int do_path(walker *w, const char *path, int explicit_path)
{
    struct stat st;
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    if (!strcmp(path, "-"))
        return do_file(w, path, w->opt->stdin_jsonl);
    if (stat(path, &st) != 0) {
        if (!explicit_path && errno == ELOOP)
            return report_error(w, path, TT_ERR_IO, "cannot read: %s", strerror(errno));
        if (!explicit_path && lstat(path, &st) == 0)
            return 0;   /* a dangling symlink inside a folder is not an article */
        return report_error(w, path, TT_ERR_IO, "cannot read: %s", strerror(errno));
    }
    if (S_ISDIR(st.st_mode))
        return do_dir(w, path, &st);
    if (!explicit_path &&
        fnmatch(w->opt->include ? w->opt->include : "*.txt", base, 0) != 0)
        return 0;
    if (!explicit_path && !S_ISREG(st.st_mode))
        return 0;   /* FIFOs and devices are read only when named */
    return do_file(w, path, has_suffix(path, ".jsonl"));
}

int tt_input_each(const tt_input_options *opt, char *const *paths, int npaths, tt_doc_fn fn,
                  void *ctx)
{
    walker w;
    int i, rc = 0;
    memset(&w, 0, sizeof w);
    w.opt = opt;
    w.fn = fn;
    w.ctx = ctx;
    if (npaths == 0)
        return do_path(&w, "-", 1);
    for (i = 0; i < npaths && !rc; i++)
        rc = do_path(&w, paths[i], 1);
    return rc;
}
