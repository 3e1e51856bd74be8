/* error.c - version, status names and default limits. */
#include "topictag.h"

const char *tt_version(void) { return TT_VERSION; }

const char *tt_status_name(tt_status code)
{
    switch (code) {
    case TT_OK: return "ok";
    case TT_ERR_NOMEM: return "out-of-memory";
    case TT_ERR_IO: return "io";
    case TT_ERR_YAML: return "yaml";
    case TT_ERR_RULE: return "rule";
    case TT_ERR_REGEX: return "regex";
    case TT_ERR_CONDITION: return "condition";
    case TT_ERR_UTF8: return "invalid-utf8";
    case TT_ERR_BINARY: return "binary";
    case TT_ERR_EMPTY: return "empty";
    case TT_ERR_TOO_LARGE: return "too-large";
    case TT_ERR_MATCH_LIMIT: return "match-limit";
    case TT_ERR_MATCH: return "match-error";
    case TT_ERR_INPUT: return "bad-input";
    case TT_ERR_USAGE: return "usage";
    }
    return "unknown";
}

void tt_limits_init(tt_limits *lim)
{
    lim->max_document = (size_t)64 << 20;
    lim->max_sentence = (size_t)64 << 10;
    lim->match_limit = 10000000;
    lim->depth_limit = 100000;
    lim->heap_limit_kib = 64 * 1024;
    lim->no_jit = 0;
    lim->no_prefilter = 0;
}
