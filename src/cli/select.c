/* select.c - --topic lists and "did you mean" (see select.h). */
#include "select.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Levenshtein distance, stopping early past cap (returns cap + 1). */
static size_t distance(const char *a, const char *b, size_t cap)
{
    size_t la = strlen(a), lb = strlen(b), i, j, *row, best;
    if ((la > lb ? la - lb : lb - la) > cap || la > 256 || lb > 256)
        return cap + 1;
    if (!(row = malloc((lb + 1) * sizeof *row)))
        return cap + 1;
    for (j = 0; j <= lb; j++)
        row[j] = j;
    for (i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        best = row[0];
        for (j = 1; j <= lb; j++) {
            size_t up = row[j], v = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < v)
                v = up + 1;
            if (row[j - 1] + 1 < v)
                v = row[j - 1] + 1;
            row[j] = v;
            diag = up;
            if (v < best)
                best = v;
        }
        if (best > cap) {
            free(row);
            return cap + 1;
        }
    }
    best = row[lb];
    free(row);
    return best;
}

const char *cli_nearest(const char *word, const char *(*get)(const void *ctx, size_t i),
                        const void *ctx, size_t n)
{
    size_t cap = strlen(word) / 3, i, best = (size_t)-1;
    const char *found = NULL;
    if (cap > 3)
        cap = 3;
    if (cap < 1)
        cap = 1;
    for (i = 0; i < n && *word; i++) {   /* a unique prefix: "taiwan" for taiwan-strait */
        const char *c = get(ctx, i);
        if (!strncmp(c, word, strlen(word))) {
            if (found)
                break;
            found = c;
        }
    }
    if (found && i == n)
        return found;
    found = NULL;
    for (i = 0; i < n; i++) {
        const char *c = get(ctx, i);
        size_t d = distance(word, c, cap);
        if (d <= cap && d < best) {
            best = d;
            found = c;
        }
    }
    return found;
}

int cli_unknown(const char *msg, const char *word,
                const char *(*get)(const void *ctx, size_t i), const void *ctx, size_t n)
{
    const char *near = cli_nearest(word, get, ctx, n);
    if (near)
        fprintf(stderr, "topictag: %s: %s (did you mean '%s'?)\n", msg, word, near);
    else
        fprintf(stderr, "topictag: %s: %s\n", msg, word);
    fputs("Try 'topictag --help'.\n", stderr);
    return EXIT_USAGE;
}

const char *cli_topic_id(const void *rs, size_t i)
{
    return tt_ruleset_topic((const tt_ruleset *)rs, i)->id;
}

int cli_topics_parse(const tt_ruleset *rs, const char *list, int role, cli_topics *t)
{
    const char *p = list;
    memset(t, 0, sizeof *t);
    t->role = role ? role : TT_ROLE_MENTIONED;
    if (!list)
        return EXIT_OK;
    for (;;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        char id[256];
        long k;
        uint32_t *ni;
        snprintf(id, sizeof id, "%.*s", (int)(len < 255 ? len : 255), p);
        if ((k = tt_ruleset_find_topic(rs, id)) < 0) {
            int rc = cli_unknown("--topic: no such topic in the rules", id, cli_topic_id, rs,
                                 tt_ruleset_topic_count(rs));
            cli_topics_release(t);
            return rc;
        }
        if (!cli_topics_has(t, (uint32_t)k) || !t->n) {
            if (!(ni = realloc(t->ids, (t->n + 1) * sizeof *ni))) {
                cli_topics_release(t);
                fputs("topictag: out of memory\n", stderr);
                return EXIT_SYSTEM;
            }
            t->ids = ni;
            t->ids[t->n++] = (uint32_t)k;
        }
        if (!end)
            return EXIT_OK;
        p = end + 1;
    }
}

void cli_topics_release(cli_topics *t)
{
    free(t->ids);
    t->ids = NULL;
    t->n = 0;
}

int cli_topics_has(const cli_topics *t, uint32_t topic)
{
    size_t i;
    if (!t->n)
        return 1;
    for (i = 0; i < t->n; i++)
        if (t->ids[i] == topic)
            return 1;
    return 0;
}

int cli_topics_document(const cli_topics *t, const tt_result *r)
{
    size_t nt, i;
    const tt_topic_total *tot = r ? tt_result_topics(r, &nt) : NULL;
    for (i = 0; tot && i < nt; i++)
        if (cli_topics_has(t, tot[i].topic) && (int)tot[i].role >= t->role)
            return 1;
    return 0;
}

size_t cli_topics_sentences(const cli_topics *t, const tt_result *r)
{
    size_t ns, ntags, i, j, count = 0;
    const tt_sentence *s;
    const tt_tag *tags;
    if (!r)
        return 0;
    s = tt_result_sentences(r, &ns);
    tags = tt_result_tags(r, &ntags);
    for (i = 0; i < ns; i++)
        for (j = 0; j < s[i].tag_count; j++)
            if (cli_topics_has(t, tags[s[i].tag_first + j].topic)) {
                count++;
                break;
            }
    return count;
}
