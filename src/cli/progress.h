/* progress.h - one progress line on stderr for long runs (classify, eval, diff): documents
 * done of the total when known, MB/s, elapsed time and ETA, redrawn a few times a second and
 * erased at the end.  Only on a terminal unless forced; never on stdout. */
#ifndef TT_CLI_PROGRESS_H
#define TT_CLI_PROGRESS_H

#include <stddef.h>

typedef struct cli_progress cli_progress;

/* The --progress / --no-progress options of the commands that show one. */
enum { CLI_PROGRESS_AUTO = 0, CLI_PROGRESS_ON = 1, CLI_PROGRESS_OFF = 2 };
#define CLI_OPT_PROGRESS_VALS 300   /* option values 300 (--progress), 301 (--no-progress) */
#define CLI_OPT_PROGRESS                                                                      \
    {CLI_OPT_PROGRESS_VALS, "progress", 0, NULL,                                              \
     "show a progress line on stderr even when it is not a terminal"},                        \
        {CLI_OPT_PROGRESS_VALS + 1, "no-progress", 0, NULL,                                   \
         "never show the progress line (default: shown when stderr is a terminal)"}

/* Sets *mode from an option value; returns 1 when val was one of the two options. */
int cli_progress_option(int val, int *mode);

/* A progress line for `what` (e.g. "classify") over the documents of paths[0..n) (include:
 * the glob for folders, NULL for *.txt), or NULL when it is not shown (mode, or stderr not
 * a terminal) or memory ran out.  The total is counted when every path is a text file or a
 * folder; JSON Lines and stdin leave it unknown (no ETA). */
cli_progress *cli_progress_new(int mode, const char *what, char *const *paths, int n,
                               const char *include);
/* One more document of len bytes done; redraws at most every 200 ms.  NULL is a no-op. */
void cli_progress_add(cli_progress *p, size_t len);
/* Erases the line and frees p.  NULL is a no-op. */
void cli_progress_end(cli_progress *p);

/* Writes a message to stderr as fprintf(stderr, fmt, ...) does; while a progress line is
 * shown, erases it first and draws it again after, so that the two never share a terminal
 * line.  Every message a command writes to stderr while reading its input goes through here
 * (a warning, a document that failed).  Call it from the thread that adds documents. */
#if defined(__GNUC__)
__attribute__((format(printf, 1, 2)))
#endif
void cli_message(const char *fmt, ...);

#endif
