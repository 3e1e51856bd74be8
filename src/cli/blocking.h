/* blocking.h - which clauses make a rendered condition false (explain). */
#ifndef TT_CLI_BLOCKING_H
#define TT_CLI_BLOCKING_H

#include <stddef.h>

/* The spans of a false condition rendered by tt_ruleset_render_condition (e.g.
 * "(nk:true and (missile:false or launch:false)) => false") that block it: the false
 * operands of a false "and", descended into, else the false clause itself (a false "or",
 * "N of", "not" or pattern).  Writes up to max [start, end) pairs into spans and returns
 * their number (0 when the condition holds or cannot be read). */
size_t cli_blocking(const char *rendered, size_t spans[][2], size_t max);

#endif
