/* progress.c - the progress line.  Drawn with a carriage return and erase-to-end-of-line, so
 * the line is rewritten in place and leaves nothing behind; drawn from the thread that hands
 * out finished documents, so it needs no lock. */
#include "progress.h"

#include <dirent.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define REDRAW_NS 200000000LL   /* five times a second */

struct cli_progress {
    const char *what;
    size_t total;              /* documents, 0: unknown */
    unsigned long long total_bytes;
    size_t done;
    unsigned long long bytes;
    long long start, last;     /* ns */
    int drawn;
};

/* The line being shown, for cli_message.  One per process, as stderr is; messages come from
 * the thread that draws the line, so it needs no lock either. */
static cli_progress *shown;

int cli_progress_option(int val, int *mode)
{
    if (val == CLI_OPT_PROGRESS_VALS)
        *mode = CLI_PROGRESS_ON;
    else if (val == CLI_OPT_PROGRESS_VALS + 1)
        *mode = CLI_PROGRESS_OFF;
    else
        return 0;
    return 1;
}

static long long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Counts the documents below path as the input walker finds them; -1 when it cannot know
 * (JSON Lines, stdin, a special file, folders nested deeper than 32: a symlink loop). */
static int count_path(const char *path, const char *include, int depth, size_t *docs,
                      unsigned long long *bytes)
{
    struct stat st;
    DIR *d;
    struct dirent *e;
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    if (!strcmp(path, "-") || stat(path, &st) != 0)
        return -1;
    if (S_ISREG(st.st_mode)) {
        size_t n = strlen(base);
        if (depth && fnmatch(include ? include : "*.txt", base, 0) != 0)
            return 0;
        if (n > 6 && !strcmp(base + n - 6, ".jsonl"))
            return -1;
        (*docs)++;
        *bytes += (unsigned long long)st.st_size;
        return 0;
    }
    if (!S_ISDIR(st.st_mode) || depth > 32 || !(d = opendir(path)))
        return -1;
    while ((e = readdir(d))) {
        char sub[4096];
        if (e->d_name[0] == '.')
            continue;
        if ((size_t)snprintf(sub, sizeof sub, "%s/%s", path, e->d_name) >= sizeof sub ||
            count_path(sub, include, depth + 1, docs, bytes) < 0) {
            closedir(d);
            return -1;
        }
    }
    closedir(d);
    return 0;
}

cli_progress *cli_progress_new(int mode, const char *what, char *const *paths, int n,
                               const char *include)
{
    cli_progress *p;
    int i;
    if (mode == CLI_PROGRESS_OFF || (mode == CLI_PROGRESS_AUTO && !isatty(STDERR_FILENO)))
        return NULL;
    if (!(p = calloc(1, sizeof *p)))
        return NULL;
    p->what = what;
    for (i = 0; i < n; i++)
        if (count_path(paths[i], include, 0, &p->total, &p->total_bytes) < 0)
            break;
    if (i < n || n == 0)
        p->total = 0, p->total_bytes = 0;
    p->start = p->last = now_ns();
    shown = p;
    return p;
}

static void clock_text(char *buf, size_t size, double secs)
{
    long s = (long)(secs + 0.5);
    if (s >= 3600)
        snprintf(buf, size, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
    else
        snprintf(buf, size, "%ld:%02ld", s / 60, s % 60);
}

static void draw(cli_progress *p, long long t)
{
    double secs = (double)(t - p->start) / 1e9;
    double mbs = secs > 0 ? (double)p->bytes / 1e6 / secs : 0;
    char el[32], eta[48] = "";
    clock_text(el, sizeof el, secs);
    if (p->total && p->done && p->done <= p->total) {
        /* by bytes when they are known: documents differ in size */
        double frac = p->total_bytes ? (double)p->bytes / (double)p->total_bytes
                                     : (double)p->done / (double)p->total;
        if (frac > 0 && frac <= 1) {
            char left[32];
            clock_text(left, sizeof left, secs / frac - secs);
            snprintf(eta, sizeof eta, ", ETA %s", left);
        }
    }
    if (p->total)
        fprintf(stderr, "\rtopictag %s: %zu/%zu document%s, %.1f MB/s, %s elapsed%s\033[K",
                p->what, p->done, p->total, p->total == 1 ? "" : "s", mbs, el, eta);
    else
        fprintf(stderr, "\rtopictag %s: %zu document%s, %.1f MB/s, %s elapsed\033[K", p->what,
                p->done, p->done == 1 ? "" : "s", mbs, el);
    fflush(stderr);
    p->drawn = 1;
    p->last = t;
}

void cli_progress_add(cli_progress *p, size_t len)
{
    long long t;
    if (!p)
        return;
    p->done++;
    p->bytes += len;
    t = now_ns();
    /* the first document draws at once, so a short run on a terminal still shows a line */
    if (!p->drawn || t - p->last >= REDRAW_NS)
        draw(p, t);
}

/* Erases the line; the next add (or message) draws it again. */
static void clear(cli_progress *p)
{
    if (p && p->drawn) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
        p->drawn = 0;
    }
}

void cli_progress_end(cli_progress *p)
{
    clear(p);
    if (shown == p)
        shown = NULL;
    free(p);
}

void cli_message(const char *fmt, ...)
{
    int was_drawn = shown && shown->drawn;
    va_list ap;
    clear(shown);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    if (was_drawn)   /* the message ends its line: the progress goes on below it */
        draw(shown, now_ns());
    else
        fflush(stderr);
}
