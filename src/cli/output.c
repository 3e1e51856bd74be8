/* output.c - the report file of -o, replaced atomically.
 *
 * The report is written to a temporary file beside the target and renamed over it once
 * complete and synced, as git does with its lock files: a crash at any moment leaves the
 * previous report (or none), never a truncated one.  SIGINT and SIGTERM remove the temporary
 * file before the process dies; after SIGKILL it stays, and the next successful run to the
 * same target removes it (its name carries the pid, which is no longer running).
 *
 * On Linux a thread starts the write-out of what has reached the temporary file every
 * WRITEBACK_MS, while the report is still being written: the fsync before the rename then
 * waits for the last part only (a 190 MB report waited 60 ms for all of it). */
#ifdef __linux__
#define _GNU_SOURCE    /* sync_file_range */
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

#define TMP_TAG ".topictag-"
#define TMP_SUFFIX ".tmp"

/* One output file per process: the signal handler reads tmp_path, so it is a fixed array. */
static char tmp_path[4096];
static char *target;           /* the -o path */
static FILE *tmp_file;
static volatile sig_atomic_t tmp_live;
static struct sigaction old_int, old_term, old_hup;

#if defined(__linux__) && defined(SYNC_FILE_RANGE_WRITE)
#define WRITEBACK_MS 100
static pthread_mutex_t wb_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wb_cv = PTHREAD_COND_INITIALIZER;
static pthread_t wb_thread;
static int wb_running, wb_stop, wb_fd;

static void *writeback(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&wb_mu);
    while (!wb_stop) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += WRITEBACK_MS * 1000000L;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        if (pthread_cond_timedwait(&wb_cv, &wb_mu, &ts) == ETIMEDOUT && !wb_stop) {
            pthread_mutex_unlock(&wb_mu);
            /* the dirty pages of the whole file not yet under write-out; no wait for them
             * (errors show at the fsync) */
            (void)sync_file_range(wb_fd, 0, 0, SYNC_FILE_RANGE_WRITE);
            pthread_mutex_lock(&wb_mu);
        }
    }
    pthread_mutex_unlock(&wb_mu);
    return NULL;
}

/* Starts the write-out thread for the temporary file fd (nothing when it cannot start: the
 * fsync then does all the work, as without it). */
static void writeback_begin(int fd)
{
    sigset_t all, old;
    wb_fd = fd;
    wb_stop = 0;
    /* signals go to the main thread (the handler removes the temporary file either way) */
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    wb_running = pthread_create(&wb_thread, NULL, writeback, NULL) == 0;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
}

static void writeback_end(void)
{
    if (!wb_running)
        return;
    pthread_mutex_lock(&wb_mu);
    wb_stop = 1;
    pthread_cond_signal(&wb_cv);
    pthread_mutex_unlock(&wb_mu);
    pthread_join(wb_thread, NULL);
    wb_running = 0;
}
#else
static void writeback_begin(int fd) { (void)fd; }
static void writeback_end(void) {}
#endif

static void on_signal(int sig)
{
    if (tmp_live)
        unlink(tmp_path);
    /* die of the signal as before, so the shell sees it */
    signal(sig, SIG_DFL);
    raise(sig);
}

static void catch_signals(int on)
{
    if (on) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_signal;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, NULL, &old_int);
        sigaction(SIGTERM, NULL, &old_term);
        sigaction(SIGHUP, NULL, &old_hup);
        /* a signal that was ignored (nohup, a background job) stays ignored */
        if (old_int.sa_handler != SIG_IGN)
            sigaction(SIGINT, &sa, NULL);
        if (old_term.sa_handler != SIG_IGN)
            sigaction(SIGTERM, &sa, NULL);
        if (old_hup.sa_handler != SIG_IGN)
            sigaction(SIGHUP, &sa, NULL);
    } else {
        sigaction(SIGINT, &old_int, NULL);
        sigaction(SIGTERM, &old_term, NULL);
        sigaction(SIGHUP, &old_hup, NULL);
    }
}

/* The folder of path ("." when none) and its last component. */
static void split_path(const char *path, char *dir, size_t dsize, const char **base)
{
    const char *slash = strrchr(path, '/');
    if (!slash) {
        snprintf(dir, dsize, ".");
        *base = path;
    } else if (slash == path) {
        snprintf(dir, dsize, "/");
        *base = slash + 1;
    } else {
        snprintf(dir, dsize, "%.*s", (int)(slash - path), path);
        *base = slash + 1;
    }
}

/* Removes the temporary files of earlier runs to path that died without cleaning up (SIGKILL,
 * power loss): .BASE.topictag-PID.tmp whose PID no longer runs. */
static void remove_stale(const char *path)
{
    char dir[4096], prefix[512], full[8192];
    const char *base;
    size_t pl;
    DIR *d;
    struct dirent *e;
    split_path(path, dir, sizeof dir, &base);
    if ((size_t)snprintf(prefix, sizeof prefix, ".%s" TMP_TAG, base) >= sizeof prefix)
        return;
    pl = strlen(prefix);
    if (!(d = opendir(dir)))
        return;
    while ((e = readdir(d))) {
        char *end;
        long pid;
        if (strncmp(e->d_name, prefix, pl) != 0)
            continue;
        pid = strtol(e->d_name + pl, &end, 10);
        if (end == e->d_name + pl || strcmp(end, TMP_SUFFIX) != 0 || pid <= 0 ||
            pid == (long)getpid())
            continue;
        if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue;   /* still running (or not ours to judge) */
        snprintf(full, sizeof full, "%s/%s", dir, e->d_name);
        unlink(full);
    }
    closedir(d);
}

/* A regular file is written in large blocks: few system calls (glibc ignores the size unless
 * it is given the buffer; one output stream per process). */
static void big_buffer(FILE *o)
{
    static char buf[(size_t)1 << 20];
    struct stat st;
    if (fstat(fileno(o), &st) == 0 && S_ISREG(st.st_mode))
        setvbuf(o, buf, _IOFBF, sizeof buf);
}

FILE *cli_open_output(const char *path)
{
    FILE *o;
    struct stat st, lst;
    char dir[4096];
    const char *base;
    int fd, exists;
    if (!path || !strcmp(path, "-"))
        return stdout;
    exists = stat(path, &st) == 0;
    split_path(path, dir, sizeof dir, &base);
    /* a device, FIFO or the like is written in place; so is a symlink (renaming would replace
     * the link, not its target) and a file whose folder does not let us create the temporary
     * file */
    fd = -1;
    if ((!exists || (S_ISREG(st.st_mode) && lstat(path, &lst) == 0 && !S_ISLNK(lst.st_mode))) &&
        !tmp_file &&
        (size_t)snprintf(tmp_path, sizeof tmp_path, "%s/.%s" TMP_TAG "%ld" TMP_SUFFIX, dir,
                         base, (long)getpid()) < sizeof tmp_path) {
        catch_signals(1);
        tmp_live = 1;   /* before the file exists: a signal in between removes nothing */
        fd = open(tmp_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
        if (fd < 0) {
            tmp_live = 0;
            catch_signals(0);
        } else if (exists) {
            (void)fchmod(fd, st.st_mode & 07777);   /* the report keeps its permissions */
        }
    }
    if (fd >= 0) {
        if (!(o = fdopen(fd, "w")) || !(target = strdup(path))) {
            if (o)
                fclose(o);
            else
                close(fd);
            unlink(tmp_path);
            tmp_live = 0;
            catch_signals(0);
            fprintf(stderr, "topictag: cannot write %s: %s\n", path, strerror(ENOMEM));
            return NULL;
        }
        tmp_file = o;
        writeback_begin(fd);
    } else if (!(o = fopen(path, "w"))) {
        fprintf(stderr, "topictag: cannot write %s: %s\n", path, strerror(errno));
        return NULL;
    }
    big_buffer(o);
    return o;
}

/* Flushes, syncs and renames the temporary file into place; EXIT_OK or EXIT_SYSTEM (printed). */
static int commit(FILE *o, const char *name)
{
    char dir[4096];
    const char *base;
    int dfd;
    writeback_end();
    if (fflush(o) != 0 || ferror(o) || fsync(fileno(o)) != 0) {
        fprintf(stderr, "topictag: error writing %s: %s\n", name, strerror(errno));
        return EXIT_SYSTEM;
    }
    if (rename(tmp_path, target) != 0) {
        fprintf(stderr, "topictag: cannot replace %s: %s\n", target, strerror(errno));
        return EXIT_SYSTEM;
    }
    tmp_live = 0;
    /* the rename itself survives a crash once the folder is synced */
    split_path(target, dir, sizeof dir, &base);
    if ((dfd = open(dir, O_RDONLY | O_CLOEXEC)) >= 0) {
        (void)fsync(dfd);
        close(dfd);
    }
    remove_stale(target);
    return EXIT_OK;
}

int cli_commit_output(FILE *o, const char *name)
{
    int rc;
    if (o != tmp_file || !tmp_live)
        return fflush(o) == 0 && !ferror(o) ? EXIT_OK : EXIT_SYSTEM;
    rc = commit(o, name);
    if (rc != EXIT_OK) {
        unlink(tmp_path);
        tmp_live = 0;
    }
    catch_signals(0);
    return rc;
}

int cli_finish_output(FILE *o, const char *name, int keep)
{
    int bad = 0;
    if (o == tmp_file && tmp_file) {
        writeback_end();
        if (!keep && ferror(o)) {
            fprintf(stderr, "topictag: error writing %s: %s\n", name, strerror(errno));
            bad = 1;
        }
        if (tmp_live) {
            if (keep)
                bad = commit(o, name) != EXIT_OK;
            if (tmp_live) {
                unlink(tmp_path);   /* not kept, or the commit failed */
                tmp_live = 0;
            }
            catch_signals(0);
        }
        tmp_file = NULL;
        free(target);
        target = NULL;
        if (fclose(o) != 0 && !bad && keep) {
            fprintf(stderr, "topictag: error writing %s: %s\n", name, strerror(errno));
            bad = 1;
        }
        return bad ? EXIT_SYSTEM : EXIT_OK;
    }
    bad = ferror(o) != 0;
    if (fclose(o) != 0)
        bad = 1;
    if (bad) {
        fprintf(stderr, "topictag: error writing %s: %s\n", name ? name : "standard output",
                strerror(errno));
        return EXIT_SYSTEM;
    }
    return EXIT_OK;
}

int cli_close_output(FILE *o, const char *name)
{
    return cli_finish_output(o, name, 1);
}
