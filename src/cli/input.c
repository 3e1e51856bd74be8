/* input.c - reads articles from files, folders (recursively, sorted), stdin and JSON Lines.
 * A document that cannot be read is reported through the callback and the walk goes on. */
#include "input.h"
#include "encoding.h"
#include "jsonl.h"
#include "progress.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <poll.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_DEPTH 64
#define SKIPPED_SHOWN 3   /* skipped *.jsonl files named in the warning */

struct file_id {
    dev_t dev;
    ino_t ino;
};

typedef struct walker {
    const tt_input_options *opt;
    tt_doc_fn fn;
    void *ctx;
    struct file_id stack[MAX_DEPTH];   /* folders being walked */
    int depth;
    size_t skipped_jsonl;      /* *.jsonl files in folders not read (no --include) */
    char skipped_names[512];   /* the first of them, as paths, ", "-separated */
    struct file_id *named;     /* the *.jsonl files named as operands: read as such, so not */
    size_t nnamed;             /* left out when a folder holds them too */
    tt_doc_meta meta;          /* of the document about to be emitted */
    tt_field_value *kept;      /* keep_fields' values in the current record */
    cli_jbuf *kept_text;       /* their decoded strings */
    cli_jbuf key;              /* a member's name, decoded */
} walker;

/* Hands one document (read or not) to the caller. */
static int emit(walker *w, const char *name, const char *id, const char *text, size_t len,
                const tt_error *err)
{
    int rc;
    if (w->opt->meta)
        w->opt->meta(w->ctx, &w->meta);
    rc = w->fn(w->ctx, name, id, text, len, err);
    w->meta.fields = NULL;
    w->meta.replaced = 0;
    return rc;
}

int tt_input_not_jsonl(const char *name)
{
    cli_message("topictag: %s: --keep-field needs JSON Lines input: a *.jsonl file (in a "
                "folder: --include '*.jsonl'), or standard input holding JSON Lines\n",
                name);
    return TT_INPUT_NOT_JSONL;
}

/* Finds the kept fields' values in a record's line (valid JSON) for the next emit.  Returns
 * 0, or -1 on out of memory. */
static int find_kept(walker *w, const char *line, size_t n)
{
    if (!w->opt->nkeep)
        return 0;
    if (cli_jsonl_members(line, n, w->opt->keep_fields, w->opt->nkeep, w->kept, w->kept_text,
                          &w->key))
        return -1;
    w->meta.fields = w->kept;
    return 0;
}

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
    return emit(w, name, NULL, NULL, 0, &e);
}

/* Whether --encoding or --lossy asks for a conversion of these bytes. */
static int converting(const walker *w, const char *text, size_t len)
{
    return (w->opt->encoding || w->opt->lossy) &&
           cli_encoding_needed((cli_encoding)w->opt->encoding, w->opt->lossy, text, len);
}

/* Converts text (see converting) into *conv and says what was replaced: on stderr, and in
 * the meta of the document emitted next.  Returns 0, or -1 on out of memory. */
static int convert(walker *w, const char *name, const char *text, size_t len, char **conv,
                   size_t *clen)
{
    size_t nrep;
    if (cli_encoding_convert((cli_encoding)w->opt->encoding, text, len, conv, clen, &nrep))
        return -1;
    if (nrep)
        cli_message("topictag: %s: warning: %zu byte%s not valid %s replaced with U+FFFD\n",
                    name, nrep, nrep == 1 ? "" : "s",
                    w->opt->encoding ? "Windows-1252" : "UTF-8");
    w->meta.replaced = nrep;   /* reported with the document, emitted next */
    return 0;
}

/* Hands one read document to the callback, converted first with --encoding or --lossy. */
static int deliver(walker *w, const char *name, const char *text, size_t len)
{
    char *conv;
    size_t clen;
    int rc;
    if (!converting(w, text, len))
        return emit(w, name, NULL, text, len, NULL);
    if (convert(w, name, text, len, &conv, &clen))
        return -1;
    rc = emit(w, name, NULL, conv, clen, NULL);
    free(conv);
    return rc;
}

static size_t limit_of(size_t max)
{
    tt_limits lim;
    if (max)
        return max;
    tt_limits_init(&lim);
    return lim.max_document;
}

void tt_input_too_large(tt_error *e, const char *name, int rc, size_t len, size_t max)
{
    memset(e, 0, sizeof *e);
    e->code = TT_ERR_TOO_LARGE;
    snprintf(e->file, sizeof e->file, "%.*s", (int)(sizeof e->file - 1), name);
    if (rc == 1)   /* the words the library uses for a document it was given whole */
        snprintf(e->message, sizeof e->message,
                 "document too large (%zu bytes; the limit is %zu)", len, limit_of(max));
    else   /* a stream: read up to the limit and one byte more, the rest left unread */
        snprintf(e->message, sizeof e->message,
                 "document too large (more than %zu bytes; the limit is %zu)", len - 1,
                 limit_of(max));
}

/* Reads fd to its end into b (malloc'd, cap bytes, the first n already read) and returns as
 * read_file_at; want, when not 0, is the size of a regular file (no extra read at its end).
 * b is freed on every return but 0; fd is closed unless it is stdin. */
static int read_rest(int fd, size_t max, char *b, size_t n, size_t cap, size_t want,
                     char **buf, size_t *len)
{
    for (;;) {
        ssize_t r;
        if (n + 1 >= cap) {
            /* one byte past the limit tells a too-large stream: never grow beyond */
            size_t ncap = cap > max / 2 + 1 ? max + 2 : cap * 2;
            char *nb;
            if (n > max) {
                free(b);
                if (fd)
                    close(fd);
                *len = n;
                return 2;   /* the rest is not read */
            }
            if (!(nb = realloc(b, ncap))) {
                free(b);
                if (fd)
                    close(fd);
                errno = ENOMEM;
                return -1;
            }
            b = nb;
            cap = ncap;
        }
        /* never past one byte over the limit: the size seen is then exact */
        r = read(fd, b + n, cap - n - 1 < max + 1 - n ? cap - n - 1 : max + 1 - n);
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
        if ((want && n == want) || n > max)
            break;
    }
    if (fd)
        close(fd);
    if (n > max) {   /* a file that grew while read, or a stream that ended just past max */
        free(b);
        *len = n;
        return 2;
    }
    b[n] = '\0';
    *buf = b;
    *len = n;
    return 0;
}

/* Reads path, relative to the folder dirfd (AT_FDCWD: the current one); "-" is stdin.  Stops
 * at max (see tt_read_file): the size limit limits memory too. */
static int read_file_at(int dirfd, const char *path, size_t max, char **buf, size_t *len)
{
    int fd = strcmp(path, "-") ? openat(dirfd, path, O_RDONLY | O_CLOEXEC) : 0;
    size_t cap = 1 << 16, want = 0;
    char *b;
    struct stat st;
    max = limit_of(max);
    *buf = NULL;
    if (fd < 0)
        return -1;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
        if ((unsigned long long)st.st_size > max) {
            if (fd)
                close(fd);
            *len = (size_t)st.st_size;
            return 1;   /* not read at all */
        }
        want = (size_t)st.st_size;   /* a regular file: stop at its size, no extra read */
        cap = want + 1;
    }
    if (!(b = malloc(cap))) {
        if (fd)
            close(fd);
        errno = ENOMEM;
        return -1;
    }
    return read_rest(fd, max, b, 0, cap, want, buf, len);
}

int tt_read_file(const char *path, size_t max, char **buf, size_t *len)
{
    return read_file_at(AT_FDCWD, path, max, buf, len);
}

/* ---- JSON Lines: lines read in 1 MiB blocks, none longer than the limit kept -------------- */

#define BLOCK ((size_t)1 << 20)
/* A record's line may exceed --max-size by this much (its id, other fields, escapes) before
 * it is skipped unread as too large; its text is then checked against --max-size. */
#define LINE_SLACK ((size_t)1 << 20)

typedef struct line_reader {
    int fd;
    char *buf;
    size_t cap, start, end;    /* the unread bytes are buf[start..end) */
    size_t scanned;            /* buf[start..scanned) holds no newline */
    int eof;
} line_reader;

enum { LINE_END = 0, LINE_OK = 1, LINE_LONG = 2, LINE_ERR = -1, LINE_STOP = -2 };

/* Whether a read from fd would wait (a pipe or terminal with nothing to read yet). */
static int would_wait(int fd)
{
    struct pollfd pf;
    pf.fd = fd;
    pf.events = POLLIN;
    pf.revents = 0;
    return poll(&pf, 1, 0) == 0;
}

/* The next line, without its newline, in *line / *n (valid until the next call): LINE_OK;
 * LINE_LONG when it is longer than max (skipped, not kept; *n is its length); LINE_END;
 * LINE_ERR with errno; LINE_STOP when the idle hook asked to stop. */
static int next_line(walker *w, line_reader *lr, size_t max, const char **line, size_t *n)
{
    size_t skipped = 0;
    int skipping = 0;
    for (;;) {
        char *nl = lr->end > lr->scanned
                       ? memchr(lr->buf + lr->scanned, '\n', lr->end - lr->scanned)
                       : NULL;
        ssize_t r;
        if (nl || (lr->eof && (lr->end > lr->start || skipping))) {
            size_t stop = nl ? (size_t)(nl - lr->buf) : lr->end;
            *line = lr->buf + lr->start;
            *n = stop - lr->start + skipped;
            lr->start = lr->scanned = nl ? stop + 1 : stop;
            return skipping ? LINE_LONG : LINE_OK;
        }
        if (lr->eof)
            return LINE_END;
        lr->scanned = lr->end;
        if (lr->end - lr->start > max) {   /* too long: drop it as it comes */
            skipped += lr->end - lr->start;
            skipping = 1;
            lr->start = lr->end = lr->scanned = 0;
        }
        if (lr->start) {
            memmove(lr->buf, lr->buf + lr->start, lr->end - lr->start);
            lr->end -= lr->start;
            lr->scanned -= lr->start;
            lr->start = 0;
        }
        if (lr->cap - lr->end < BLOCK / 4) {
            size_t ncap = lr->cap ? lr->cap * 2 : BLOCK;
            char *nb;
            if (ncap > max + BLOCK)
                ncap = max + BLOCK;
            if (ncap > lr->cap) {
                if (!(nb = realloc(lr->buf, ncap))) {
                    errno = ENOMEM;
                    return LINE_ERR;
                }
                lr->buf = nb;
                lr->cap = ncap;
            }
        }
        /* a live feed: write what is done before waiting for more */
        if (w->opt->idle && would_wait(lr->fd) && w->opt->idle(w->opt->idle_ctx))
            return LINE_STOP;
        r = read(lr->fd, lr->buf + lr->end, lr->cap - lr->end);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return LINE_ERR;
        }
        if (r == 0)
            lr->eof = 1;
        lr->end += (size_t)r;
    }
}

static int is_blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

static int has_suffix(const char *s, const char *suf)
{
    size_t n = strlen(s), m = strlen(suf);
    return n >= m && !strcmp(s + n - m, suf);
}

static int no_text_field(walker *w, const char *where, const char *id, const char *txf)
{
    tt_error e;
    memset(&e, 0, sizeof e);
    e.code = TT_ERR_INPUT;
    snprintf(e.message, sizeof e.message, "record has no string field '%s'", txf);
    return emit(w, where, id, NULL, 0, &e);
}

/* Whether s[0..n) contains needle[0..nl) (nl > 0): memmem is not POSIX. */
static int contains(const char *s, size_t n, const char *needle, size_t nl)
{
    const char *p = s, *end = s + n;
    while ((size_t)(end - p) >= nl && (p = memchr(p, needle[0], (size_t)(end - p) - nl + 1))) {
        if (!memcmp(p, needle, nl))
            return 1;
        p++;
    }
    return 0;
}

/* The text of a record with a title: the title on one line (its line ends made spaces), a
 * blank line, then the text, so that the title is the article's headline.  NULL on out of
 * memory. */
static char *titled_text(const char *title, size_t tlen, const char *text, size_t len,
                         size_t *outlen)
{
    char *s = malloc(tlen + 2 + len + 1), *p;
    size_t i;
    if (!s)
        return NULL;
    for (i = 0, p = s; i < tlen; i++)
        *p++ = title[i] == '\n' || title[i] == '\r' ? ' ' : title[i];
    *p++ = '\n';
    *p++ = '\n';
    memcpy(p, text, len);
    p[len] = '\0';
    *outlen = tlen + 2 + len;
    return s;
}

/* One JSON Lines stream: each line a record; a bad line is a per-record error.  seed (may be
 * NULL; malloc'd, seedcap bytes, taken over) holds its first nseed bytes, already read. */
static int each_jsonl(walker *w, const char *name, int fd, char *seed, size_t nseed,
                      size_t seedcap)
{
    cli_jbuf idb = {NULL, 0, 0}, txb = {NULL, 0, 0};
    char *conv = NULL;         /* the line converted by --encoding or --lossy */
    line_reader lr;
    const char *line;
    size_t lineno = 0, n, max = limit_of(w->opt->max_size);
    int rc = 0, got;
    const char *idf = w->opt->id_field ? w->opt->id_field : "id";
    const char *txf = w->opt->text_field ? w->opt->text_field : "text";
    const char *tif = w->opt->title_field ? w->opt->title_field : "title";
    size_t tifl = strlen(tif);
    /* a large stream is read in 1 MiB blocks (few system calls); memory stays bounded by the
     * limit on a record, not by the longest line */
    memset(&lr, 0, sizeof lr);
    lr.fd = fd;
    lr.buf = seed;
    lr.end = nseed;
    lr.cap = seedcap;
    while ((got = next_line(w, &lr, max + LINE_SLACK, &line, &n)) > 0) {
        char where[4096], idbuf[64];
        json_error_t jerr;
        json_t *rec, *jid, *jtext, *jtitle;
        const char *id = NULL;
        lineno++;
        snprintf(where, sizeof where, "%s:%zu", name, lineno);
        if (got == LINE_LONG) {
            tt_error e;
            tt_input_too_large(&e, where, 1, n, max);
            snprintf(e.message, sizeof e.message,
                     "record too large (a line of %zu bytes; the limit is %zu bytes of text)",
                     n, max);
            if ((rc = emit(w, where, NULL, NULL, 0, &e)))
                break;
            continue;
        }
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            n--;
        if (n == 0)
            continue;   /* blank lines between records are allowed */
        free(conv);
        conv = NULL;
        if (converting(w, line, n)) {   /* JSON is ASCII: the record's strings convert */
            if (convert(w, where, line, n, &conv, &n)) {
                rc = -1;
                break;
            }
            line = conv;
        }
        if (!(tifl && contains(line, (size_t)n, tif, tifl))) {   /* a title: jansson's path */
            /* most records are flat objects of strings: decoded without a jansson tree */
            const char *fid, *ftext;
            size_t flen;
            int fast = cli_jsonl_fast(line, (size_t)n, idf, txf, &idb, &txb, &fid, &ftext, &flen);
            if (fast > 0 && find_kept(w, line, (size_t)n))
                fast = -1;
            if (fast < 0) {
                rc = -1;
                break;
            }
            if (fast > 0) {
                if (!ftext) {
                    rc = no_text_field(w, where, fid, txf);
                } else {
                    rc = emit(w, where, fid, ftext, flen, NULL);
                }
                if (rc)
                    break;
                continue;
            }
        }
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
        if (find_kept(w, line, (size_t)n)) {
            json_decref(rec);
            rc = -1;
            break;
        }
        jid = json_object_get(rec, idf);
        if (json_is_string(jid)) {
            id = json_string_value(jid);
        } else if (json_is_integer(jid)) {
            snprintf(idbuf, sizeof idbuf, "%" JSON_INTEGER_FORMAT, json_integer_value(jid));
            id = idbuf;
        }
        jtext = json_object_get(rec, txf);
        jtitle = tifl ? json_object_get(rec, tif) : NULL;
        if (!json_is_string(jtext)) {
            rc = no_text_field(w, where, id, txf);
        } else if (json_is_string(jtitle) && json_string_length(jtitle) > 0) {
            size_t len;
            char *t = titled_text(json_string_value(jtitle), json_string_length(jtitle),
                                  json_string_value(jtext), json_string_length(jtext), &len);
            rc = t ? emit(w, where, id, t, len, NULL) : -1;
            free(t);
        } else {
            rc = emit(w, where, id, json_string_value(jtext), json_string_length(jtext),
                       NULL);
        }
        json_decref(rec);
        if (rc)
            break;
    }
    if (!rc && got == LINE_ERR)
        rc = errno == ENOMEM ? -1
                             : report_error(w, name, TT_ERR_IO, "read error: %s", strerror(errno));
    else if (!rc && got == LINE_STOP)
        rc = -1;
    free(lr.buf);
    free(conv);
    cli_jbuf_release(&idb);
    cli_jbuf_release(&txb);
    return rc;
}

/* Reads the article path (reported under that name); dirfd and rel, when dirfd is not
 * AT_FDCWD, name the same file relative to an open folder: a shorter lookup.  A regular file
 * is left to the callback with defer_read. */
static int do_file(walker *w, const char *path, int jsonl, int regular, int dirfd,
                   const char *rel)
{
    char *buf;
    size_t len;
    int rc;
    if (!jsonl && w->opt->nkeep)
        return tt_input_not_jsonl(path);
    if (jsonl) {
        int fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : 0;
        if (fd < 0)
            return report_error(w, path, TT_ERR_IO, "cannot read: %s", strerror(errno));
        rc = each_jsonl(w, path, fd, NULL, 0, 0);
        if (fd)
            close(fd);
        return rc;
    }
    if (w->opt->defer_read && regular)
        return emit(w, path, NULL, NULL, 0, NULL);   /* the callback reads it */
    rc = dirfd == AT_FDCWD ? tt_read_file(path, w->opt->max_size, &buf, &len)
                           : read_file_at(dirfd, rel, w->opt->max_size, &buf, &len);
    if (rc > 0) {
        tt_error e;
        tt_input_too_large(&e, path, rc, len, w->opt->max_size);
        return emit(w, path, NULL, NULL, 0, &e);
    }
    if (rc < 0)
        return report_error(w, path, TT_ERR_IO, "cannot read: %s", strerror(errno));
    rc = deliver(w, path, buf, len);
    free(buf);
    return rc;
}

static int do_path(walker *w, const char *path, int explicit_path);

/* Standard input without --input: JSON Lines when its first non-blank byte is '{' and its
 * first line parses as a JSON object (said on stderr), else prose.  The bytes read to decide
 * are handed on, so nothing is read twice. */
static int do_stdin(walker *w)
{
    size_t max = limit_of(w->opt->max_size), cap = BLOCK, n = 0, i = 0;
    char *b, *nl = NULL;
    int jsonl = 0;
    if (isatty(STDIN_FILENO))
        cli_message("topictag: reading standard input (end it with Ctrl-D; name files or "
                    "folders to read them instead)\n");
    if (w->opt->stdin_jsonl || w->opt->stdin_text)
        return do_file(w, "-", w->opt->stdin_jsonl, 0, AT_FDCWD, NULL);
    if (!(b = malloc(cap)))
        return -1;
    for (;;) {   /* up to the end of the first line that starts with '{' */
        ssize_t r;
        while (i < n && is_blank(b[i]))
            i++;
        if (i < n && b[i] != '{')
            break;
        if (i < n && (nl = memchr(b + i, '\n', n - i)))
            break;
        if (n > max + LINE_SLACK)
            break;   /* too long to be a record: prose, which will be too large */
        if (cap - n < BLOCK / 4) {
            char *nb = realloc(b, cap * 2);
            if (!nb) {
                free(b);
                return -1;
            }
            b = nb;
            cap *= 2;
        }
        r = read(STDIN_FILENO, b + n, cap - n - 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            if (r < 0) {
                int saved = errno;
                free(b);
                errno = saved;
                return report_error(w, "-", TT_ERR_IO, "cannot read: %s", strerror(errno));
            }
            break;
        }
        n += (size_t)r;
    }
    if (i < n && b[i] == '{') {
        size_t ln = (nl ? (size_t)(nl - b) : n) - i, cn, nrep;
        char *conv = NULL;
        json_t *rec;
        /* judged as it will be read: after --encoding or --lossy */
        if (converting(w, b + i, ln) &&
            cli_encoding_convert((cli_encoding)w->opt->encoding, b + i, ln, &conv, &cn, &nrep)) {
            free(b);
            return -1;
        }
        rec = json_loadb(conv ? conv : b + i, conv ? cn : ln, JSON_ALLOW_NUL, NULL);
        jsonl = json_is_object(rec);
        json_decref(rec);
        free(conv);
    }
    if (jsonl) {
        cli_message("topictag: standard input: read as JSON Lines (its first line is a JSON "
                    "object); --input text reads it as prose\n");
        return each_jsonl(w, "-", STDIN_FILENO, b, n, cap);
    }
    if (w->opt->nkeep) {
        free(b);
        return tt_input_not_jsonl("-");
    }
    {
        char *buf;
        size_t len;
        int rc = read_rest(STDIN_FILENO, max, b, n, cap, 0, &buf, &len);
        if (rc > 0) {
            tt_error e;
            tt_input_too_large(&e, "-", rc, len, w->opt->max_size);
            return emit(w, "-", NULL, NULL, 0, &e);
        }
        if (rc < 0)
            return errno == ENOMEM ? -1
                                   : report_error(w, "-", TT_ERR_IO, "cannot read: %s",
                                                  strerror(errno));
        rc = deliver(w, "-", buf, len);
        free(buf);
        return rc;
    }
}

typedef struct entry {
    char *full;                /* path/name */
    const char *name;          /* inside full */
    unsigned char type;        /* d_type: DT_REG lets the walk skip a stat */
} entry;

static int cmp_entry(const void *a, const void *b)
{
    return strcmp(((const entry *)a)->full, ((const entry *)b)->full);
}

/* Whether path is one of the *.jsonl files named as operands. */
static int is_named(const walker *w, const char *path)
{
    struct stat st;
    size_t i;
    if (!w->nnamed || stat(path, &st) != 0)
        return 0;
    for (i = 0; i < w->nnamed; i++)
        if (w->named[i].dev == st.st_dev && w->named[i].ino == st.st_ino)
            return 1;
    return 0;
}

#define PEEK ((size_t)64 << 10)


/* Whether the JSON Lines file path looks like articles: its first 64 KiB hold the text field
 * as a key ("text": ).  A gold file or any other records beside a corpus do not. */
static int holds_articles(const walker *w, const char *path)
{
    const char *txf = w->opt->text_field ? w->opt->text_field : "text";
    size_t tl = strlen(txf), n = 0;
    char *b = malloc(PEEK + 1);
    const char *p;
    int fd, found = 0;
    ssize_t r;
    if (!b)
        return 1;   /* unsure: warn */
    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
        free(b);
        return 1;   /* unreadable: worth a word too */
    }
    while (n < PEEK && ((r = read(fd, b + n, PEEK - n)) > 0 || (r < 0 && errno == EINTR)))
        n += r > 0 ? (size_t)r : 0;
    close(fd);
    for (p = b; !found && (p = memchr(p, '"', (size_t)(b + n - p))) && (size_t)(b + n - p) > tl + 1;
         p++) {
        const char *q = p + 1 + tl;
        if (memcmp(p + 1, txf, tl) || *q != '"')
            continue;
        for (q++; q < b + n && is_blank(*q); q++)
            ;
        found = q < b + n && *q == ':';
    }
    free(b);
    return found;
}

/* Whether a file found inside a folder is read (base is the name of path); a *.jsonl file
 * left out is counted, and the first few named, so that the walk can say how to read them. */
static int included(walker *w, const char *path, const char *base)
{
    if (!w->opt->include && has_suffix(base, ".jsonl")) {
        if (is_named(w, path) || !holds_articles(w, path))
            return 0;   /* read anyway; or gold, a config: not a corpus left out */
        if (w->skipped_jsonl++ < SKIPPED_SHOWN) {
            size_t used = strlen(w->skipped_names);
            snprintf(w->skipped_names + used, sizeof w->skipped_names - used, "%s%s",
                     used ? ", " : "", path);
        }
        return 0;
    }
    return fnmatch(w->opt->include ? w->opt->include : "*.txt", base, 0) == 0;
}

/* Says which *.jsonl files the folders held and the walk left out, and how to read them:
 * naming a file reads it whatever the folder's glob (--include '*.jsonl' would read those
 * but leave out the *.txt beside them). */
static void warn_skipped(const walker *w)
{
    if (!w->skipped_jsonl)
        return;
    cli_message(
            "topictag: warning: %zu JSON Lines file%s in the folders not read (%s%s): folders "
            "are searched for *.txt; name %s on the command line to read %s as JSON Lines\n",
            w->skipped_jsonl, w->skipped_jsonl == 1 ? "" : "s", w->skipped_names,
            w->skipped_jsonl > SKIPPED_SHOWN ? ", ..." : "",
            w->skipped_jsonl == 1 ? "it" : "each", w->skipped_jsonl == 1 ? "it" : "them");
}

static int do_dir(walker *w, const char *path, const struct stat *st)
{
    DIR *d;
    struct dirent *e;
    entry *ents = NULL;
    size_t n = 0, cap = 0, i, pl = strlen(path);
    int rc = 0, k;
    for (k = 0; k < w->depth; k++)
        if (w->stack[k].dev == st->st_dev && w->stack[k].ino == st->st_ino)
            return report_error(w, path, TT_ERR_IO, "%s", "folder loop (a symlink to a parent): skipped");
    if (w->depth >= MAX_DEPTH)
        return report_error(w, path, TT_ERR_IO, "%s", "folders nest too deeply: skipped");
    if (!(d = opendir(path)))
        return report_error(w, path, TT_ERR_IO, "cannot read folder: %s", strerror(errno));
    while ((e = readdir(d))) {
        size_t el = strlen(e->d_name), fl = pl;
        char *full;
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            entry *ne = realloc(ents, (cap = cap ? cap * 2 : 64) * sizeof *ents);
            if (!ne) {
                rc = -1;
                break;
            }
            ents = ne;
        }
        if (!(full = malloc(pl + el + 2))) {
            rc = -1;
            break;
        }
        memcpy(full, path, pl);
        if (pl && path[pl - 1] != '/')
            full[fl++] = '/';
        memcpy(full + fl, e->d_name, el + 1);
        ents[n].full = full;
        ents[n].name = full + fl;
        ents[n].type = e->d_type;
        n++;
    }
    if (n)
        qsort(ents, n, sizeof *ents, cmp_entry);
    w->stack[w->depth].dev = st->st_dev;
    w->stack[w->depth].ino = st->st_ino;
    w->depth++;
    for (i = 0; i < n && !rc; i++) {
        /* a regular file (not a symlink): no stat, and opened relative to the folder */
        if (ents[i].type == DT_REG) {
            if (included(w, ents[i].full, ents[i].name))
                rc = do_file(w, ents[i].full, has_suffix(ents[i].name, ".jsonl"), 1, dirfd(d),
                             ents[i].name);
        } else {
            rc = do_path(w, ents[i].full, 0);
        }
    }
    w->depth--;
    closedir(d);
    for (i = 0; i < n; i++)
        free(ents[i].full);
    free(ents);
    return rc;
}

static int do_path(walker *w, const char *path, int explicit_path)
{
    struct stat st;
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    if (!strcmp(path, "-"))
        return do_stdin(w);
    if (stat(path, &st) != 0) {
        if (!explicit_path && errno == ELOOP)
            return report_error(w, path, TT_ERR_IO, "cannot read: %s", strerror(errno));
        if (!explicit_path && lstat(path, &st) == 0)
            return 0;   /* a dangling symlink inside a folder is not an article */
        return report_error(w, path, TT_ERR_IO, "cannot read: %s", strerror(errno));
    }
    if (S_ISDIR(st.st_mode))
        return do_dir(w, path, &st);
    if (!explicit_path && !included(w, path, base))
        return 0;
    if (!explicit_path && !S_ISREG(st.st_mode))
        return 0;   /* FIFOs and devices are read only when named */
    return do_file(w, path, has_suffix(path, ".jsonl"), S_ISREG(st.st_mode), AT_FDCWD, NULL);
}

int tt_input_check_jsonl(const tt_input_options *opt, char *const *paths, int npaths)
{
    int i;
    if (npaths == 0 && opt->stdin_text)
        return tt_input_not_jsonl("-");
    for (i = 0; i < npaths; i++) {
        struct stat st;
        int prose;
        if (!strcmp(paths[i], "-"))
            prose = opt->stdin_text;
        else   /* a file that cannot be read is the walk's to report */
            prose = stat(paths[i], &st) == 0 && !S_ISDIR(st.st_mode) &&
                    !has_suffix(paths[i], ".jsonl");
        if (prose)
            return tt_input_not_jsonl(paths[i]);
    }
    return 0;
}

static void release_kept(walker *w)
{
    size_t i;
    for (i = 0; w->kept_text && i < w->opt->nkeep; i++)
        cli_jbuf_release(&w->kept_text[i]);
    free(w->kept_text);
    free(w->kept);
    cli_jbuf_release(&w->key);
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
    if (opt->nkeep && (!(w.kept = calloc(opt->nkeep, sizeof *w.kept)) ||
                       !(w.kept_text = calloc(opt->nkeep, sizeof *w.kept_text)))) {
        release_kept(&w);
        return -1;
    }
    if (npaths == 0) {
        rc = do_path(&w, "-", 1);
        release_kept(&w);
        return rc;
    }
    if (!(w.named = malloc((size_t)npaths * sizeof *w.named))) {
        release_kept(&w);
        return -1;
    }
    for (i = 0; i < npaths; i++) {
        struct stat st;
        if (has_suffix(paths[i], ".jsonl") && stat(paths[i], &st) == 0 && S_ISREG(st.st_mode)) {
            w.named[w.nnamed].dev = st.st_dev;
            w.named[w.nnamed++].ino = st.st_ino;
        }
    }
    for (i = 0; i < npaths && !rc; i++)
        rc = do_path(&w, paths[i], 1);
    free(w.named);
    release_kept(&w);
    if (!rc)
        warn_skipped(&w);
    return rc;
}
