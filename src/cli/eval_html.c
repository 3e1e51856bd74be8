/* eval_html.c - `topictag eval -f html`: one self-contained page (the classify report's style
 * and Content-Security-Policy, no script) with the per-topic precision, recall and F1 as bars,
 * the confusion counts, and each false positive and negative sentence with its topic
 * highlighted and the `topictag explain` command that shows why, so tuning starts there. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "eval.h"

static void text(FILE *o, const char *s) { tt_html_text(o, s, strlen(s)); }

static const char *topic_id(const evaluation *ev, uint32_t t)
{
    return tt_ruleset_topic(ev->rs, t)->id;
}

static void label(FILE *o, const evaluation *ev, uint32_t t)
{
    fprintf(o, "<b class=k%u>", t % 8);
    text(o, topic_id(ev, t));
    fputs("</b>", o);
}

/* A value from 0 to 1 as a bar and its number; "-" when undefined. */
static void bar_cell(FILE *o, int has, double v, uint32_t colour)
{
    if (!has) {
        fputs("<td data-v=-1>-</td>", o);
        return;
    }
    fprintf(o, "<td><svg width=104 height=12 role=img aria-label=\"%.3f\"><rect x=0 y=0 "
               "width=104 height=12 fill=\"#eee\"></rect><rect class=k%u x=2 y=2 width=%d "
               "height=8></rect></svg> %.3f</td>",
            v, colour % 8, (int)(v * 100 + 0.5), v);
}

static void level_table(FILE *o, const evaluation *ev, const level *lv, const char *title)
{
    size_t t;
    fprintf(o, "<h2>%s</h2>\n<table class=prf id=level-%s><thead><tr><th>topic<th>gold<th>"
               "predicted<th>tp<th>fp<th>fn<th>precision<th>recall<th>F1</tr></thead><tbody>\n",
            title, lv->name);
    for (t = 0; t <= ev->ntopics; t++) {
        counts c = t < ev->ntopics ? lv->c[t] : lv->micro;
        prf m = t < ev->ntopics ? eval_score(c) : lv->micro_m;
        if (t < ev->ntopics && !eval_topic_on(ev, t))
            continue;
        fputs("<tr><td>", o);
        if (t < ev->ntopics)
            label(o, ev, (uint32_t)t);
        else
            fputs("micro average", o);
        fprintf(o, "<td>%zu<td>%zu<td>%zu<td>%zu<td>%zu", c.tp + c.fn, c.tp + c.fp, c.tp, c.fp,
                c.fn);
        bar_cell(o, m.has_p, m.p, (uint32_t)t);
        bar_cell(o, m.has_r, m.r, (uint32_t)t);
        bar_cell(o, m.has_f, m.f, (uint32_t)t);
        fputs("</tr>\n", o);
    }
    fprintf(o, "<tr><td>macro average (%zu topic%s)<td><td><td><td><td>", lv->macro_topics,
            cli_plural(lv->macro_topics));
    bar_cell(o, lv->macro_m.has_p, lv->macro_m.p, 7);
    bar_cell(o, lv->macro_m.has_r, lv->macro_m.r, 7);
    bar_cell(o, lv->macro_m.has_f, lv->macro_m.f, 7);
    fputs("</tr>\n</tbody></table>\n", o);
}

static void role_table(FILE *o, const evaluation *ev)
{
    size_t g, p;
    fprintf(o, "<h2>Article roles</h2>\n<p>%zu article%s with gold roles: gold by row, predicted "
               "by column.</p>\n<table id=roles><thead><tr><th>gold \\ predicted",
            ev->rdocs, cli_plural(ev->rdocs));
    for (p = 0; p < 4; p++)
        fprintf(o, "<th>%s", tt_role_name((tt_role)p));
    fputs("</tr></thead><tbody>\n", o);
    for (g = 0; g < 4; g++) {
        fprintf(o, "<tr><th>%s", tt_role_name((tt_role)g));
        for (p = 0; p < 4; p++)
            fprintf(o, g == p ? "<td><strong>%zu</strong>" : "<td>%zu", ev->roles[g][p]);
        fputs("</tr>\n", o);
    }
    fputs("</tbody></table>\n", o);
}

/* Appends s to the command line, quoted for a POSIX shell when it needs it: 'it'\''s'.
 * Returns 0, or -1 on out of memory (the line is then left as it was). */
static int shell_quote(char **cmd, size_t *len, size_t *cap, const char *s)
{
    size_t need = *len + 4 * strlen(s) + 8;
    int plain = *s && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                "0123456789_-./:=@+,") == strlen(s);
    char *p;
    if (need > *cap) {
        char *n = realloc(*cmd, need * 2);
        if (!n)
            return -1;
        *cmd = n;
        *cap = need * 2;
    }
    p = *cmd + *len;
    *p++ = ' ';
    if (plain) {
        *len += 1 + (size_t)snprintf(p, *cap - *len - 1, "%s", s);
        return 0;
    }
    *p++ = '\'';
    for (; *s; s++) {
        if (*s == '\'') {
            memcpy(p, "'\\''", 4);
            p += 4;
        } else {
            *p++ = *s;
        }
    }
    *p++ = '\'';
    *p = 0;
    *len = (size_t)(p - *cmd);
    return 0;
}

/* The explain command for a miss: the whole document when it is a file (context counts),
 * the sentence alone for a JSON Lines record.  Written escaped; -1 on out of memory. */
static int explain_cmd(FILE *o, const evaluation *ev, const cli_rules *rules, const miss *m)
{
    char *cmd = NULL, num[32];
    size_t len = 0, cap = 0;
    int i, bad = 0, record = m->id || strstr(m->document, ".jsonl:");
    if (!(cmd = malloc(cap = 256)))
        return -1;
    len = (size_t)snprintf(cmd, cap, "topictag explain");
    for (i = 0; i < rules->n; i++) {
        bad |= shell_quote(&cmd, &len, &cap, "-r");
        bad |= shell_quote(&cmd, &len, &cap, rules->paths[i]);
    }
    bad |= shell_quote(&cmd, &len, &cap, "--topic");
    bad |= shell_quote(&cmd, &len, &cap, topic_id(ev, m->topic));
    if (record && m->text) {
        bad |= shell_quote(&cmd, &len, &cap, "--text");
        bad |= shell_quote(&cmd, &len, &cap, m->text);
    } else {
        if (m->sentence >= 0) {   /* the whole document explains context; show that sentence */
            snprintf(num, sizeof num, "%ld", m->sentence);
            bad |= shell_quote(&cmd, &len, &cap, "--sentence");
            bad |= shell_quote(&cmd, &len, &cap, num);
        }
        bad |= shell_quote(&cmd, &len, &cap, "--");   /* a name that starts with '-' */
        bad |= shell_quote(&cmd, &len, &cap, m->document);
    }
    if (bad) {
        free(cmd);
        return -1;
    }
    fputs("<code class=cmd>", o);
    tt_html_text(o, cmd, len);
    fputs("</code>", o);
    free(cmd);
    return 0;
}

static int miss_item(FILE *o, const evaluation *ev, const cli_rules *rules, const miss *m)
{
    size_t k;
    fprintf(o, "<li class=%s><strong>%s</strong> ", m->fp ? "fp" : "fn",
            m->fp ? "false positive" : "false negative");
    label(o, ev, m->topic);
    fputs(" in ", o);
    text(o, m->document);
    if (m->id) {
        fputs(" <span class=id>[", o);
        text(o, m->id);
        fputs("]</span>", o);
    }
    if (m->sentence >= 0)
        fprintf(o, ", sentence %ld", m->sentence);
    else
        fputs(" (the article)", o);
    if (m->fp && m->from >= 0)
        fprintf(o, ", via context from sentence %ld", m->from);
    if (m->fp && m->npatterns) {
        fputs("; patterns: ", o);
        for (k = 0; k < m->npatterns; k++) {
            fputs(k ? ", " : "", o);
            text(o, tt_ruleset_pattern(ev->rs, m->patterns[k])->id);
        }
    }
    if (m->text) {
        /* the topic's colour: predicted (fp) or expected (fn) there */
        fprintf(o, "<br><span class=\"t h%u\">", m->topic % 8);
        text(o, m->text);
        fputs("</span>", o);
    }
    fputs("<br>why: ", o);
    if (explain_cmd(o, ev, rules, m))
        return -1;
    fputs("</li>\n", o);
    return 0;
}

int eval_report_html(FILE *o, const evaluation *ev, const level *sl, const level *al,
                     const level *bl, const cli_rules *rules)
{
    size_t i, total = ev->sfp + ev->sfn + ev->afp + ev->afn;
    tt_html_page_begin(o, "topictag eval");
    fputs("<h1>topictag eval</h1>\n<p class=meta>", o);
    fprintf(o, "%zu document%s evaluated against ", ev->docs, cli_plural(ev->docs));
    text(o, ev->g->path);
    fprintf(o, " (%zu labelled by sentence, %zu sentence%s); %zu without gold, %zu failed.</p>\n",
            ev->sdocs, ev->sentences, cli_plural(ev->sentences), ev->without_gold, ev->failed);
    level_table(o, ev, sl, "Sentence level");
    level_table(o, ev, al, "Article level: carries the topic");
    if (ev->rdocs) {
        level_table(o, ev, bl, "Article level: about the topic (primary or secondary)");
        role_table(o, ev);
    }
    fprintf(o, "<h2>Errors</h2>\n<p>Over sentences: %zu false positive%s, %zu false negative%s; "
               "over articles labelled by article only: %zu false positive%s, %zu false "
               "negative%s.",
            ev->sfp, cli_plural(ev->sfp), ev->sfn, cli_plural(ev->sfn), ev->afp,
            cli_plural(ev->afp), ev->afn, cli_plural(ev->afn));
    if (ev->nmisses < total)
        fprintf(o, " The first %zu of %zu are listed (--errors N for more).", ev->nmisses, total);
    fputs(" Each with the command that explains it.</p>\n<ol id=misses>\n", o);
    for (i = 0; i < ev->nmisses; i++)
        if (miss_item(o, ev, rules, &ev->misses[i]))
            return -1;
    fputs("</ol>\n<h2>Patterns with false positives</h2>\n<table id=patterns><thead><tr>"
          "<th>topic<th>pattern<th>tagged<th>false positives</tr></thead><tbody>\n",
          o);
    for (i = 0; i < ev->npatterns; i++) {
        const tt_pattern_info *pi = tt_ruleset_pattern(ev->rs, i);
        if (pi->exclude || !ev->pat_fp[i] || !eval_topic_on(ev, pi->topic))
            continue;
        fputs("<tr><td>", o);
        label(o, ev, pi->topic);
        fputs("<td>", o);
        text(o, pi->id);
        fprintf(o, "<td>%zu<td>%zu</tr>\n", ev->pat_tagged[i], ev->pat_fp[i]);
    }
    fputs("</tbody></table>\n", o);
    return tt_html_page_end(o);
}
