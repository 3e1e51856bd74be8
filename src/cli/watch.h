/* watch.h - the tuning loop: wait for a rule file to change (inotify), and remember the last
 * run's tags so that only what changed is printed. */
#ifndef TT_CLI_WATCH_H
#define TT_CLI_WATCH_H

#include <stddef.h>
#include <stdio.h>

#include "cli.h"

typedef struct cli_watch cli_watch;

/* Watches the rule paths of r (folders recursively; for a file, its folder, filtered by
 * name).  NULL with a message on stderr when inotify is not available. */
cli_watch *cli_watch_new(const cli_rules *r);
/* Blocks until a rule file is written, created, moved or deleted, then waits for the burst of
 * events to settle.  Returns 0, or -1 on error. */
int cli_watch_wait(cli_watch *w);
void cli_watch_free(cli_watch *w);

/* The tags of one run: a row per tagged sentence. */
typedef struct cli_snap_row {
    char *doc;
    size_t start, end;
    char *topics;              /* space-separated topic ids, in ruleset order */
    char *text;
} cli_snap_row;

typedef struct cli_snapshot {
    cli_snap_row *rows;
    size_t n, cap;
} cli_snapshot;

/* Records the tagged sentences of r (document name doc).  0, or -1 on out of memory. */
int cli_snapshot_add(cli_snapshot *s, const tt_ruleset *rs, const char *doc, const tt_result *r);
void cli_snapshot_release(cli_snapshot *s);
/* Prints the sentences whose topics differ between old and new ("+id" gained, "-id" lost);
 * returns how many. */
size_t cli_snapshot_diff(FILE *o, cli_snapshot *old, cli_snapshot *new_);

#endif
