/* watch.c - inotify on rule folders, and differences between two runs' tags. */
#include "watch.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#define SETTLE_MS 150

typedef struct watched {
    int wd;
    char *only;                /* watch one file of the folder (its base name), or NULL */
} watched;

struct cli_watch {
    int fd;
    watched *w;
    size_t n, cap;
};

static int add_watch(cli_watch *cw, const char *dir, const char *only, int depth)
{
    int wd;
    watched *nw;
    wd = inotify_add_watch(cw->fd, dir, IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM |
                                            IN_CREATE | IN_DELETE | IN_ONLYDIR);
    if (wd < 0) {
        fprintf(stderr, "topictag: cannot watch %s: %s\n", dir, strerror(errno));
        return -1;
    }
    if (!(nw = realloc(cw->w, (cw->n + 1) * sizeof *nw)))
        return -1;
    cw->w = nw;
    cw->w[cw->n].wd = wd;
    cw->w[cw->n].only = only ? strdup(only) : NULL;
    cw->n++;
    if (!only && depth < 16) {
        DIR *d = opendir(dir);
        struct dirent *e;
        while (d && (e = readdir(d))) {
            char sub[PATH_MAX];
            struct stat st;
            if (e->d_name[0] == '.')
                continue;
            snprintf(sub, sizeof sub, "%s/%s", dir, e->d_name);
            if (stat(sub, &st) == 0 && S_ISDIR(st.st_mode))
                add_watch(cw, sub, NULL, depth + 1);
        }
        if (d)
            closedir(d);
    }
    return 0;
}

cli_watch *cli_watch_new(const cli_rules *r)
{
    cli_watch *cw = calloc(1, sizeof *cw);
    const char *deflt = cli_rules_default();
    int i, n = r->n ? r->n : 1;
    if (!cw)
        return NULL;
    if ((cw->fd = inotify_init1(IN_CLOEXEC)) < 0) {
        fprintf(stderr, "topictag: --watch needs inotify: %s\n", strerror(errno));
        free(cw);
        return NULL;
    }
    for (i = 0; i < n; i++) {
        const char *p = r->n ? r->paths[i] : deflt;
        struct stat st;
        if (stat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
            if (add_watch(cw, p, NULL, 0))
                goto fail;
        } else {
            char dir[PATH_MAX];
            const char *slash = strrchr(p, '/');
            if (slash)
                snprintf(dir, sizeof dir, "%.*s", (int)(slash - p), p);
            else
                snprintf(dir, sizeof dir, ".");
            if (add_watch(cw, dir[0] ? dir : "/", slash ? slash + 1 : p, 0))
                goto fail;
        }
    }
    fprintf(stderr, "topictag: watching %zu folder%s for rule changes (Ctrl-C to stop)\n", cw->n,
            cw->n == 1 ? "" : "s");
    return cw;
fail:
    cli_watch_free(cw);
    return NULL;
}

static int has_suffix(const char *s, const char *suf)
{
    size_t n = strlen(s), m = strlen(suf);
    return n > m && !strcmp(s + n - m, suf);
}

/* Reads the pending events; 1 when one of them is about a rule file. */
static int read_events(cli_watch *cw)
{
    union {
        struct inotify_event ev;
        char bytes[8192];
    } u;
    char *buf = u.bytes;
    ssize_t len = read(cw->fd, buf, sizeof u.bytes);
    char *p;
    int relevant = 0;
    if (len <= 0)
        return len < 0 && errno != EINTR && errno != EAGAIN ? -1 : 0;
    for (p = buf; p < buf + len;) {
        const struct inotify_event *ev = (const struct inotify_event *)(void *)p;
        size_t i;
        for (i = 0; i < cw->n; i++) {
            if (cw->w[i].wd != ev->wd || !ev->len)
                continue;
            if (cw->w[i].only ? !strcmp(ev->name, cw->w[i].only)
                              : (has_suffix(ev->name, ".yaml") || has_suffix(ev->name, ".yml") ||
                                 (ev->mask & IN_ISDIR)))
                relevant = 1;
        }
        p += sizeof *ev + ev->len;
    }
    return relevant;
}

int cli_watch_wait(cli_watch *cw)
{
    struct pollfd pfd;
    pfd.fd = cw->fd;
    pfd.events = POLLIN;
    for (;;) {
        int rc = read_events(cw);
        if (rc < 0)
            return -1;
        if (rc > 0)
            break;
    }
    /* editors write in bursts (temp file, rename, chmod): let them settle */
    while (poll(&pfd, 1, SETTLE_MS) > 0)
        if (read_events(cw) < 0)
            return -1;
    return 0;
}

void cli_watch_free(cli_watch *cw)
{
    size_t i;
    if (!cw)
        return;
    for (i = 0; i < cw->n; i++)
        free(cw->w[i].only);
    free(cw->w);
    if (cw->fd >= 0)
        close(cw->fd);
    free(cw);
}

/* ---- snapshots --------------------------------------------------------------------------- */

int cli_snapshot_add(cli_snapshot *s, const tt_ruleset *rs, const char *doc, const tt_result *r)
{
    size_t ns, nt, i, k;
    const tt_sentence *sent = tt_result_sentences(r, &ns);
    const tt_tag *tags = tt_result_tags(r, &nt);
    const char *text = tt_result_text(r);
    for (i = 0; i < ns; i++) {
        cli_snap_row *row;
        size_t len = 0;
        if (!sent[i].tag_count)
            continue;
        if (s->n == s->cap) {
            cli_snap_row *nr = realloc(s->rows, (s->cap = s->cap ? s->cap * 2 : 64) * sizeof *nr);
            if (!nr)
                return -1;
            s->rows = nr;
        }
        row = &s->rows[s->n];
        memset(row, 0, sizeof *row);
        row->start = sent[i].start;
        row->end = sent[i].end;
        for (k = 0; k < sent[i].tag_count; k++)
            len += strlen(tt_ruleset_topic(rs, tags[sent[i].tag_first + k].topic)->id) + 1;
        row->doc = strdup(doc);
        row->text = strndup(text + sent[i].start, sent[i].end - sent[i].start);
        row->topics = malloc(len + 1);
        s->n++;
        if (!row->doc || !row->text || !row->topics)
            return -1;
        row->topics[0] = '\0';
        for (k = 0; k < sent[i].tag_count; k++) {
            if (k)
                strcat(row->topics, " ");
            strcat(row->topics, tt_ruleset_topic(rs, tags[sent[i].tag_first + k].topic)->id);
        }
    }
    return 0;
}

void cli_snapshot_release(cli_snapshot *s)
{
    size_t i;
    for (i = 0; i < s->n; i++) {
        free(s->rows[i].doc);
        free(s->rows[i].text);
        free(s->rows[i].topics);
    }
    free(s->rows);
    memset(s, 0, sizeof *s);
}

static int cmp_row(const void *a, const void *b)
{
    const cli_snap_row *x = a, *y = b;
    int c = strcmp(x->doc, y->doc);
    if (c)
        return c;
    return x->start < y->start ? -1 : x->start > y->start ? 1 : (x->end > y->end) - (x->end < y->end);
}

/* Prints the ids of a that are not in b, each with sign. */
static int print_missing(FILE *o, const char *a, const char *b, char sign)
{
    int n = 0;
    const char *p = a;
    while (p && *p) {
        const char *e = strchr(p, ' ');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        const char *q = b;
        int found = 0;
        while (q && *q && !found) {
            const char *f = strchr(q, ' ');
            size_t ql = f ? (size_t)(f - q) : strlen(q);
            found = ql == len && !memcmp(p, q, len);
            q = f ? f + 1 : NULL;
        }
        if (!found) {
            fprintf(o, " %c%.*s", sign, (int)len, p);
            n++;
        }
        p = e ? e + 1 : NULL;
    }
    return n;
}

static void one(FILE *o, const cli_snap_row *row, const char *was, const char *is)
{
    size_t i;
    fprintf(o, "%s [%zu,%zu)", row->doc, row->start, row->end);
    print_missing(o, is, was, '+');
    print_missing(o, was, is, '-');
    fputs("\n    ", o);
    for (i = 0; row->text[i]; i++)
        putc(row->text[i] == '\n' || row->text[i] == '\t' ? ' ' : row->text[i], o);
    putc('\n', o);
}

size_t cli_snapshot_diff(FILE *o, cli_snapshot *old, cli_snapshot *new_)
{
    size_t i = 0, j = 0, n = 0;
    qsort(old->rows, old->n, sizeof *old->rows, cmp_row);
    qsort(new_->rows, new_->n, sizeof *new_->rows, cmp_row);
    while (i < old->n || j < new_->n) {
        int c = i >= old->n ? 1 : j >= new_->n ? -1 : cmp_row(&old->rows[i], &new_->rows[j]);
        if (c < 0) {
            one(o, &old->rows[i], old->rows[i].topics, "");
            i++;
            n++;
        } else if (c > 0) {
            one(o, &new_->rows[j], "", new_->rows[j].topics);
            j++;
            n++;
        } else {
            if (strcmp(old->rows[i].topics, new_->rows[j].topics) != 0) {
                one(o, &new_->rows[j], old->rows[i].topics, new_->rows[j].topics);
                n++;
            }
            i++;
            j++;
        }
    }
    return n;
}
