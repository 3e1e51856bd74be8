/* report_html.c - one self-contained HTML page for a batch: a filter bar, an overview (totals,
 * inline SVG bar charts, a sortable table of articles) and one section per article with its
 * sentences, the tagged ones highlighted in their topic's colour and labelled.
 *
 * The page is streamed: articles are written as they come and the overview, which needs the
 * totals, is written at the end and shown first by CSS (flex order).  Each document renders
 * into four pieces separated by NUL bytes (the escaped text holds none): its topics (a
 * data attribute for the filter), its header, its sentences and its row of the table.  The
 * writing thread knows the document's place in the batch, so it numbers the section and
 * decides whether the sentences go in (--html-inline-max): workers can render apart and the
 * output stays byte-identical to -j 1.
 *
 * Everything that comes from an article, a file name, a JSON id or a rule file passes through
 * tt_ob_html.  The style and script are the constants below; the Content-Security-Policy
 * allows exactly them, by SHA-256 hash, and nothing else: no network, no other script. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "alloc.h"
#include "report.h"
#include "sha256.h"
#include "utf8.h"

/* Okabe-Ito colours, distinguishable with the common colour-vision deficiencies; the
 * underline style differs too, and a text label always names the topic. */
static const char page_css[] =
    "body{font:15px/1.55 system-ui,sans-serif;margin:0 auto;max-width:62em;padding:0 1em 2em;"
    "color:#111;background:#fff}"
    "main{display:flex;flex-direction:column}"
    "#filter{order:-2;position:sticky;top:0;z-index:3;background:#fff;padding:.5em 0;"
    "border-bottom:1px solid #bbb}"
    "#overview{order:-1}"
    "[hidden]{display:none!important}"
    "h1{font-size:1.5em;margin:.6em 0 .3em}h2{font-size:1.15em;margin:.4em 0}"
    "dl.totals{display:grid;grid-template-columns:max-content auto;gap:0 1em;margin:.5em 0}"
    "dl.totals dt{color:#555}dl.totals dd{margin:0}"
    "figure{margin:.8em 0}figcaption{font-weight:600}"
    "svg text{font:12px system-ui,sans-serif;fill:#111}"
    "table{border-collapse:collapse;width:100%;font-size:.9em}"
    "th,td{border-bottom:1px solid #ddd;padding:.2em .4em;text-align:left;vertical-align:top}"
    "th[data-k]{cursor:pointer;text-decoration:underline dotted}"
    "section.doc{border-top:2px solid #444;margin-top:1.2em;scroll-margin-top:3em}"
    ".meta,.id{color:#555;font-size:.9em}"
    "ul.roles{margin:.2em 0;padding-left:1.2em}"
    ".t{position:relative;border-radius:2px;padding:0 1px}"
    ".t:focus{outline:2px solid #000}"
    "mark{background:none;color:inherit;font-weight:700;text-decoration:underline}"
    ".lb{font-size:.72em;font-weight:700;margin-left:.25em;white-space:nowrap}"
    ".k0,.k1,.k2,.k3,.k4,.k5,.k6,.k7{padding:0 .3em;border-radius:3px;color:#000}"
    ".tip{display:none;position:absolute;left:0;top:100%;z-index:2;width:30em;max-width:80vw;"
    "background:#ffe;border:1px solid #888;padding:.3em .5em;font-size:.8em;font-weight:400;"
    "box-shadow:0 2px 6px #0004}"
    ".t:hover .tip,.t:focus .tip,.t:focus-within .tip{display:block}"
    ".err{color:#a00;font-weight:600}.cut{color:#555;font-style:italic}"
    ".h0{background:#e69f0033;border-bottom:3px solid #e69f00}"
    ".h1{background:#56b4e933;border-bottom:3px dashed #56b4e9}"
    ".h2{background:#009e7333;border-bottom:3px dotted #009e73}"
    ".h3{background:#f0e44255;border-bottom:3px double #c9bc00}"
    ".h4{background:#0072b233;border-bottom:3px solid #0072b2}"
    ".h5{background:#d55e0033;border-bottom:3px dashed #d55e00}"
    ".h6{background:#cc79a733;border-bottom:3px dotted #cc79a7}"
    ".h7{background:#99999933;border-bottom:3px double #666}"
    ".k0{background:#e69f00;fill:#e69f00}.k1{background:#56b4e9;fill:#56b4e9}"
    ".k2{background:#009e73;fill:#009e73}.k3{background:#f0e442;fill:#f0e442}"
    ".k4{background:#0072b2;fill:#0072b2;color:#fff}.k5{background:#d55e00;fill:#d55e00}"
    ".k6{background:#cc79a7;fill:#cc79a7}.k7{background:#999;fill:#999}"
    "@media print{#filter{display:none}.tip{display:none!important}"
    "#overview{break-after:page}.t{-webkit-print-color-adjust:exact;print-color-adjust:exact}}";

/* The filter (topic, at least a role) and the table's sorting; the page reads fine without. */
static const char page_js[] =
    "(function(){"
    "var ft=document.getElementById('ft'),fr=document.getElementById('fr'),"
    "sh=document.getElementById('shown');"
    "function ok(e,t,r){if(!t)return true;"
    "var a=(e.getAttribute('data-t')||'').split(' ');"
    "for(var i=0;i<a.length;i++){var k=a[i].lastIndexOf(':');"
    "if(k>0&&a[i].slice(0,k)===t&&+a[i].slice(k+1)>=r)return true}return false}"
    "function apply(){var t=ft.value,r=+fr.value,n=0;"
    "document.querySelectorAll('section.doc,#articles tbody tr').forEach(function(e){"
    "var s=ok(e,t,r);e.hidden=!s;if(s&&e.tagName==='SECTION')n++});"
    "sh.textContent=n+' articles shown'}"
    "ft.onchange=fr.onchange=apply;"
    "document.getElementById('filter').hidden=false;apply();"
    "document.querySelectorAll('#articles th[data-k]').forEach(function(h){"
    "h.tabIndex=0;var up=1;function sort(){"
    "var tb=document.querySelector('#articles tbody'),c=h.cellIndex,num=h.getAttribute('data-k')==='n',"
    "rows=Array.prototype.slice.call(tb.rows);up=-up;"
    "rows.sort(function(a,b){var x=a.cells[c],y=b.cells[c];"
    "var d=num?(+x.getAttribute('data-v'))-(+y.getAttribute('data-v'))"
    ":x.textContent.localeCompare(y.textContent);return up*d});"
    "rows.forEach(function(r){tb.appendChild(r)})}"
    "h.onclick=sort;h.onkeydown=function(e){if(e.key==='Enter')sort()}})"
    "})();";

#define NCOLOURS 8

/* ---- escaping -------------------------------------------------------------------------- */

/* Bytes that may need an escape: the five markup characters, controls, DEL, and 0xE2 (the
 * first byte of U+2028 and U+2029). */
static int html_special(unsigned char c)
{
    return c < 0x20 || c == '&' || c == '<' || c == '>' || c == '"' || c == '\'' ||
           c == 0x7f || c == 0xe2;
}

/* The number of bytes from s[0..n) that are not special (SSE2: 16 at a time). */
static size_t html_plain_run(const char *s, size_t n)
{
    size_t i = 0;
#ifdef __SSE2__
    const __m128i amp = _mm_set1_epi8('&'), lt = _mm_set1_epi8('<'), gt = _mm_set1_epi8('>');
    const __m128i dq = _mm_set1_epi8('"'), sq = _mm_set1_epi8('\''), del = _mm_set1_epi8(0x7f);
    const __m128i e2 = _mm_set1_epi8((char)0xe2), ctl = _mm_set1_epi8(0x1f);
    while (i + 16 <= n) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        __m128i m = _mm_or_si128(
            _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, amp), _mm_cmpeq_epi8(v, lt)),
                         _mm_or_si128(_mm_cmpeq_epi8(v, gt), _mm_cmpeq_epi8(v, dq))),
            _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, sq), _mm_cmpeq_epi8(v, del)),
                         _mm_or_si128(_mm_cmpeq_epi8(v, e2),
                                      _mm_cmpeq_epi8(_mm_max_epu8(v, ctl), ctl))));
        unsigned bits = (unsigned)_mm_movemask_epi8(m);
        if (bits)
            return i + (size_t)__builtin_ctz(bits);
        i += 16;
    }
#endif
    while (i < n && !html_special((unsigned char)s[i]))
        i++;
    return i;
}

void tt_ob_html(tt_obuf *b, const char *s, size_t n)
{
    size_t i = 0, run = 0;
    while (i < n) {
        unsigned char c;
        const char *esc;
        i += html_plain_run(s + i, n - i);
        if (i >= n)
            break;
        c = (unsigned char)s[i];
        switch (c) {
        case '&': esc = "&amp;"; break;
        case '<': esc = "&lt;"; break;
        case '>': esc = "&gt;"; break;
        case '"': esc = "&quot;"; break;
        case '\'': esc = "&#39;"; break;
        case '\t': case '\n': case '\r': esc = NULL; break;
        case 0xe2:
            /* U+2028 and U+2029 end a line in JavaScript source: never left raw */
            esc = i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
                          ((unsigned char)s[i + 2] == 0xa8 || (unsigned char)s[i + 2] == 0xa9)
                      ? ((unsigned char)s[i + 2] == 0xa8 ? "&#x2028;" : "&#x2029;")
                      : NULL;
            if (esc) {
                tt_ob_put(b, s + run, i - run);
                tt_ob_puts(b, esc);
                i += 3;
                run = i;
                continue;
            }
            break;
        default: esc = "&#xFFFD;"; break;   /* other controls, DEL: not text */
        }
        if (esc) {
            tt_ob_put(b, s + run, i - run);
            tt_ob_puts(b, esc);
            run = i + 1;
        }
        i++;
    }
    tt_ob_put(b, s + run, n - run);
}

static void ob_html_str(tt_obuf *b, const char *s) { tt_ob_html(b, s, strlen(s)); }

/* A document name (a path: bytes): invalid UTF-8 is shown as \xHH, then escaped. */
static void ob_html_name(tt_obuf *b, const char *name)
{
    tt_obuf v = {NULL, 0, 0, 0, NULL};
    size_t n = strlen(name);
    if (tt_utf8_check((const unsigned char *)name, n) == n) {
        tt_ob_html(b, name, n);
        return;
    }
    tt_ob_visible_name(&v, name, 1);
    if (v.nomem)
        b->nomem = 1;
    else
        tt_ob_html(b, v.s, v.len);
    tt_free(v.s);
}

/* A path as a relative URL: every byte but unreserved ones and '/' percent-encoded, so no
 * scheme (javascript:) can appear and nothing leaves the attribute; leading slashes become one,
 * the same file, for "//host/x" would be a link to another host. */
static void ob_href(tt_obuf *b, const char *path, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t i;
    while (n > 1 && path[0] == '/' && path[1] == '/') {
        path++;
        n--;
    }
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)path[i];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
            tt_ob_put(b, (const char *)&path[i], 1);
        } else {
            char e[3] = {'%', hex[c >> 4], hex[c & 15]};
            tt_ob_put(b, e, 3);
        }
    }
}

/* ---- pieces shared by the writers ------------------------------------------------------- */

static void ob_colour(tt_obuf *b, const char *prefix, uint32_t topic)
{
    tt_ob_puts(b, prefix);
    tt_ob_uint(b, topic % NCOLOURS);
}

static const char *topic_id(const tt_report *rep, uint32_t t)
{
    return tt_ruleset_topic(rep->rs, t)->id;
}

/* <b class=kN>topic</b>: the topic's colour and its name */
static void ob_topic_label(const tt_report *rep, tt_obuf *b, uint32_t t)
{
    ob_colour(b, "<b class=k", t);
    tt_ob_puts(b, ">");
    ob_html_str(b, topic_id(rep, t));
    tt_ob_puts(b, "</b>");
}

static void ob_doc_error(tt_obuf *b, tt_status code, const char *msg)
{
    tt_ob_puts(b, "<p class=err role=alert>error ");
    ob_html_str(b, tt_status_name(code));
    tt_ob_puts(b, ": ");
    ob_html_str(b, msg);
    tt_ob_puts(b, "</p>");
}

/* ---- one document ----------------------------------------------------------------------- */

/* Piece 0: "topic:role topic:role" for the filter. */
static void html_topics_attr(const tt_report *rep, tt_obuf *b, const tt_result *r)
{
    size_t nt = 0, i;
    const tt_topic_total *tot = r ? tt_result_topics(r, &nt) : NULL;
    for (i = 0; i < nt; i++) {
        if (i)
            tt_ob_puts(b, " ");
        ob_html_str(b, topic_id(rep, tot[i].topic));
        tt_ob_puts(b, ":");
        tt_ob_uint(b, tot[i].role);
    }
}

/* Where the link to a document's file points: its path, or for a JSON Lines record named
 * FILE:LINE its file; 0 when there is none (stdin, a record with an id). */
static size_t link_target(const char *name, const char *id)
{
    size_t n = strlen(name), k = n;
    if (id || !strcmp(name, "-"))
        return 0;
    while (k > 0 && name[k - 1] >= '0' && name[k - 1] <= '9')
        k--;
    if (k > 7 && k < n && name[k - 1] == ':' && !memcmp(name + k - 7, ".jsonl", 6))
        return k - 1;
    return n;
}

/* Piece 1: the header: name, size, roles per topic, errors. */
static void html_head(const tt_report *rep, tt_obuf *b, const char *name, const char *id,
                      const tt_result *r, const tt_error *derr)
{
    size_t ns = 0, nt = 0, ne = 0, i, tagged = 0, link = link_target(name, id);
    const tt_sentence *s = r ? tt_result_sentences(r, &ns) : NULL;
    const tt_topic_total *tot = r ? tt_result_topics(r, &nt) : NULL;
    const tt_doc_error *e = r ? tt_result_errors(r, &ne) : NULL;
    int role;
    for (i = 0; i < ns; i++)
        tagged += s[i].tag_count > 0;
    tt_ob_puts(b, "<h2>");
    if (link) {
        tt_ob_puts(b, "<a href=\"");
        ob_href(b, name, link);
        tt_ob_puts(b, "\">");
    }
    ob_html_name(b, name);
    tt_ob_puts(b, link ? "</a>" : "");
    if (id) {
        tt_ob_puts(b, " <span class=id>[");
        ob_html_str(b, id);
        tt_ob_puts(b, "]</span>");
    }
    tt_ob_puts(b, "</h2>\n<p class=meta>");
    tt_ob_uint(b, r ? tt_result_length(r) : 0);
    tt_ob_puts(b, " bytes, ");
    tt_ob_uint(b, ns);
    tt_ob_puts(b, ns == 1 ? " sentence, " : " sentences, ");
    tt_ob_uint(b, tagged);
    tt_ob_puts(b, " tagged</p>\n");
    if (nt)
        tt_ob_puts(b, "<ul class=roles>");
    /* strongest role first, as the text report */
    for (role = TT_ROLE_PRIMARY; role >= TT_ROLE_MENTIONED; role--)
        for (i = 0; i < nt; i++) {
            if ((int)tot[i].role != role)
                continue;
            tt_ob_puts(b, "<li>");
            ob_topic_label(rep, b, tot[i].topic);
            tt_ob_puts(b, " <strong>");
            tt_ob_puts(b, tt_role_name((tt_role)role));
            tt_ob_puts(b, "</strong>: ");
            tt_ob_uint(b, tot[i].sentences);
            tt_ob_puts(b, tot[i].sentences == 1 ? " sentence, score " : " sentences, score ");
            tt_ob_number(b, tot[i].score);
            if (tot[i].headline)
                tt_ob_puts(b, ", in the headline");
            else if (tot[i].lead)
                tt_ob_puts(b, ", in the lead");
            tt_ob_puts(b, "</li>");
        }
    if (nt)
        tt_ob_puts(b, "</ul>\n");
    if (derr && derr->code != TT_OK)
        ob_doc_error(b, derr->code, derr->message);
    /* an error inside a sentence is shown there too; one outside every sentence only here */
    for (i = 0; i < ne; i++)
        ob_doc_error(b, e[i].code, e[i].message);
}

typedef struct span {
    size_t start, end;
} span;

static int span_cmp(const void *a, const void *b)
{
    const span *x = a, *y = b;
    return x->start < y->start ? -1 : x->start > y->start ? 1 : (x->end > y->end) - (x->end < y->end);
}

/* The sentence's text with the matches of its tags marked (overlapping ones merged). */
static void marked_text(tt_obuf *b, const tt_result *r, const tt_sentence *s, const tt_tag *tags)
{
    const char *text = tt_result_text(r);
    size_t nm, n = 0, i, j, pos = s->start;
    const tt_match *m = tt_result_matches(r, &nm);
    span local[64], *sp = local;
    for (j = 0; j < s->tag_count; j++)
        n += tags[s->tag_first + j].match_count;
    if (n > sizeof local / sizeof *local && !(sp = tt_malloc(n * sizeof *sp))) {
        b->nomem = 1;
        return;
    }
    n = 0;
    for (j = 0; j < s->tag_count; j++) {
        const tt_tag *t = &tags[s->tag_first + j];
        for (i = 0; i < t->match_count; i++) {
            const tt_match *x = &m[t->match_first + i];
            if (x->start >= s->start && x->end <= s->end && x->end > x->start) {
                sp[n].start = x->start;
                sp[n++].end = x->end;
            }
        }
    }
    qsort(sp, n, sizeof *sp, span_cmp);
    /* text, <mark>match</mark>, text ...: overlapping matches make one mark */
    for (i = 0; i < n; i++) {
        size_t start = sp[i].start, end = sp[i].end;
        if (start < pos)
            start = pos;
        while (i + 1 < n && sp[i + 1].start < end) {
            i++;
            if (sp[i].end > end)
                end = sp[i].end;
        }
        if (end <= start)
            continue;
        tt_ob_html(b, text + pos, start - pos);
        tt_ob_puts(b, "<mark>");
        tt_ob_html(b, text + start, end - start);
        tt_ob_puts(b, "</mark>");
        pos = end;
    }
    tt_ob_html(b, text + pos, s->end - pos);
    if (sp != local)
        tt_free(sp);
}

/* The distinct pattern ids of a tag's matches, at most 8 named. */
static void ob_patterns(const tt_report *rep, tt_obuf *b, const tt_result *r, const tt_tag *t)
{
    size_t nm, i, j, shown = 0;
    const tt_match *m = tt_result_matches(r, &nm) + t->match_first;
    for (i = 0; i < t->match_count; i++) {
        for (j = 0; j < i && m[j].pattern != m[i].pattern; j++)
            ;
        if (j < i)
            continue;
        if (shown == 8) {
            tt_ob_puts(b, ", ...");
            break;
        }
        tt_ob_puts(b, shown++ ? ", " : " patterns: ");
        ob_html_str(b, tt_ruleset_pattern(rep->rs, m[i].pattern)->id);
    }
}

/* A tagged sentence: highlighted in its first topic's colour, a label naming every topic,
 * and on hover or focus the patterns, score against threshold and where context came from. */
static void tagged_sentence(const tt_report *rep, tt_obuf *b, const tt_result *r, size_t idx,
                            const tt_sentence *s, const tt_tag *tags)
{
    size_t j;
    ob_colour(b, "<span class=\"t h", tags[s->tag_first].topic);
    tt_ob_puts(b, "\" tabindex=0>");
    marked_text(b, r, s, tags);
    tt_ob_puts(b, "<span class=lb>[");
    tt_ob_uint(b, idx);
    tt_ob_puts(b, "]");
    for (j = 0; j < s->tag_count; j++) {
        tt_ob_puts(b, " ");
        ob_topic_label(rep, b, tags[s->tag_first + j].topic);
    }
    tt_ob_puts(b, "</span><span class=tip role=tooltip>sentence ");
    tt_ob_uint(b, idx);
    for (j = 0; j < s->tag_count; j++) {
        const tt_tag *t = &tags[s->tag_first + j];
        tt_ob_puts(b, "<br>");
        ob_html_str(b, topic_id(rep, t->topic));
        tt_ob_puts(b, ": score ");
        tt_ob_number(b, t->score);
        tt_ob_puts(b, " vs threshold ");
        tt_ob_number(b, tt_ruleset_topic(rep->rs, t->topic)->threshold);
        if (t->via_context) {
            tt_ob_puts(b, t->via_context == TT_VIA_ARTICLE ? ", via article from sentence "
                                                           : ", via context from sentence ");
            tt_ob_uint(b, t->from);
            if (t->link != t->from) {
                tt_ob_puts(b, " through sentence ");
                tt_ob_uint(b, t->link);
            }
        }
        tt_ob_puts(b, t->match_count ? ";" : "");
        ob_patterns(rep, b, r, t);
    }
    tt_ob_puts(b, "</span></span>");
}

/* Piece 2: the article's sentences by paragraph; pattern errors where they happened. */
static void html_body(const tt_report *rep, tt_obuf *b, const tt_result *r)
{
    size_t ns = 0, ntags = 0, ne = 0, i, k;
    const tt_sentence *s = r ? tt_result_sentences(r, &ns) : NULL;
    const tt_tag *tags = r ? tt_result_tags(r, &ntags) : NULL;
    const tt_doc_error *e = r ? tt_result_errors(r, &ne) : NULL;
    const char *text = r ? tt_result_text(r) : NULL;
    if (!ns)
        return;
    tt_ob_puts(b, "<div class=text><p>");
    for (i = 0; i < ns; i++) {
        if (i)
            tt_ob_puts(b, s[i].paragraph != s[i - 1].paragraph ? "</p>\n<p>" : " ");
        if (s[i].tag_count)
            tagged_sentence(rep, b, r, i, &s[i], tags);
        else
            tt_ob_html(b, text + s[i].start, s[i].end - s[i].start);
        for (k = 0; k < ne; k++)
            if (e[k].offset >= s[i].start && e[k].offset < s[i].end) {
                tt_ob_puts(b, " <span class=err role=alert>[error ");
                ob_html_str(b, tt_status_name(e[k].code));
                tt_ob_puts(b, ": ");
                ob_html_str(b, e[k].message);
                tt_ob_puts(b, "]</span>");
            }
    }
    tt_ob_puts(b, "</p></div>\n");
}

/* Piece 3: the article's row of the table, after its link's opening tag. */
static void html_row(const tt_report *rep, tt_obuf *b, const char *name, const char *id,
                     const tt_result *r, const tt_error *derr)
{
    size_t ns = 0, nt = 0, ne = 0, i, tagged = 0;
    const tt_sentence *s = r ? tt_result_sentences(r, &ns) : NULL;
    const tt_topic_total *tot = r ? tt_result_topics(r, &nt) : NULL;
    double best = 0;
    int role;
    if (r)
        tt_result_errors(r, &ne);
    ne += derr && derr->code != TT_OK;
    for (i = 0; i < ns; i++)
        tagged += s[i].tag_count > 0;
    ob_html_name(b, name);
    if (id) {
        tt_ob_puts(b, " [");
        ob_html_str(b, id);
        tt_ob_puts(b, "]");
    }
    tt_ob_puts(b, "</a></td><td data-v=");
    tt_ob_uint(b, ns);
    tt_ob_puts(b, ">");
    tt_ob_uint(b, ns);
    tt_ob_puts(b, "</td><td data-v=");
    tt_ob_uint(b, tagged);
    tt_ob_puts(b, ">");
    tt_ob_uint(b, tagged);
    tt_ob_puts(b, "</td><td>");
    for (role = TT_ROLE_PRIMARY, i = 0; role >= TT_ROLE_MENTIONED; role--) {
        size_t k;
        for (k = 0; k < nt; k++) {
            if ((int)tot[k].role != role)
                continue;
            tt_ob_puts(b, i++ ? ", " : "");
            ob_topic_label(rep, b, tot[k].topic);
            tt_ob_puts(b, " ");
            tt_ob_puts(b, tt_role_name((tt_role)role));
            if (tot[k].score > best)
                best = tot[k].score;
        }
    }
    tt_ob_puts(b, "</td><td data-v=");
    tt_ob_number(b, best);
    tt_ob_puts(b, ">");
    tt_ob_number(b, best);
    tt_ob_puts(b, "</td><td data-v=");
    tt_ob_uint(b, ne);
    tt_ob_puts(b, ne ? " class=err>" : ">");
    tt_ob_uint(b, ne);
    tt_ob_puts(b, "</td></tr>\n");
}

static void html_render(const tt_report *rep, tt_obuf *b, const char *name, const char *id,
                        const tt_doc_meta *meta, const tt_result *r, const tt_error *derr)
{
    (void)meta;   /* the page shows no input fields */
    name = name ? name : "-";
    html_topics_attr(rep, b, r);
    tt_ob_put(b, "", 1);
    html_head(rep, b, name, id, r, derr);
    tt_ob_put(b, "", 1);
    html_body(rep, b, r);
    tt_ob_put(b, "", 1);
    html_row(rep, b, name, id, r, derr);
}

/* Whether the document just counted (the ndocs-th) has its text in the page. */
static int inlined(const tt_report *rep)
{
    long max = rep->opt.html_inline_max ? rep->opt.html_inline_max : TT_HTML_INLINE_MAX;
    return max > 0 && rep->ndocs <= (size_t)max;
}

/* The section's opening tag, numbered by its place in the batch. */
static void open_section(tt_report *rep, const char *attr, size_t n)
{
    fprintf(rep->out, "<section class=doc id=d%zu data-t=\"", rep->ndocs);
    fwrite(attr, 1, n, rep->out);
    fputs("\">\n", rep->out);
}

static void close_section(tt_report *rep)
{
    if (!inlined(rep))
        fprintf(rep->out, "<p class=cut>Text not shown: the page shows the text of the first %ld "
                          "articles (--html-inline-max).</p>\n",
                rep->opt.html_inline_max ? (rep->opt.html_inline_max < 0 ? 0
                                                                         : rep->opt.html_inline_max)
                                         : (long)TT_HTML_INLINE_MAX);
    fputs("</section>\n", rep->out);
}

/* The table row's opening, before the rendered cells. */
static void open_row(tt_report *rep, const char *attr, size_t n)
{
    char num[128];   /* 38 bytes of markup and three counts of up to 20 digits */
    int k = snprintf(num, sizeof num, "<tr data-t=\"");
    tt_ob_put(&rep->rows, num, (size_t)k);
    tt_ob_put(&rep->rows, attr, n);
    k = snprintf(num, sizeof num, "\"><td data-v=%zu>%zu</td><td><a href=\"#d%zu\">", rep->ndocs,
                 rep->ndocs, rep->ndocs);
    tt_ob_put(&rep->rows, num, (size_t)k);
}

static int html_emit(tt_report *rep, const char *data, size_t len)
{
    const char *p[4], *end = data + len;
    size_t i;
    p[0] = data;
    for (i = 1; i < 4; i++) {
        const char *z = memchr(p[i - 1], 0, (size_t)(end - p[i - 1]));
        if (!z)
            return -1;
        p[i] = z + 1;
    }
    open_section(rep, p[0], (size_t)(p[1] - 1 - p[0]));
    fwrite(p[1], 1, (size_t)(p[2] - 1 - p[1]), rep->out);
    if (inlined(rep))
        fwrite(p[2], 1, (size_t)(p[3] - 1 - p[2]), rep->out);
    close_section(rep);
    open_row(rep, p[0], (size_t)(p[1] - 1 - p[0]));
    tt_ob_put(&rep->rows, p[3], (size_t)(end - p[3]));
    return rep->rows.nomem ? -1 : 0;
}

/* On the writing thread: the same bytes as html_render + html_emit, but the article's text
 * is written as it is rendered (a large article's page is never held whole). */
static int html_document(tt_report *rep, const char *name, const char *id,
                         const tt_doc_meta *meta, const tt_result *r, const tt_error *derr)
{
    int rc;
    (void)meta;
    name = name ? name : "-";
    rep->ob.len = 0;
    html_topics_attr(rep, &rep->ob, r);
    if (rep->ob.nomem)
        return -1;
    open_section(rep, rep->ob.s, rep->ob.len);
    open_row(rep, rep->ob.s, rep->ob.len);
    rep->ob.len = 0;
    rep->ob.spill = rep->out;
    html_head(rep, &rep->ob, name, id, r, derr);
    if (inlined(rep))
        html_body(rep, &rep->ob, r);
    rep->ob.spill = NULL;
    rc = rep->ob.nomem || fwrite(rep->ob.s, 1, rep->ob.len, rep->out) != rep->ob.len ? -1 : 0;
    rep->ob.len = 0;
    rep->ob.nomem = 0;
    close_section(rep);
    html_row(rep, &rep->rows, name, id, r, derr);
    return rc || rep->rows.nomem ? -1 : 0;
}

/* ---- the page --------------------------------------------------------------------------- */

/* 'sha256-<base64>' of a constant, for the Content-Security-Policy. */
static void ob_csp_hash(tt_obuf *b, const char *s)
{
    unsigned char d[32];
    tt_sha256(s, strlen(s), d);
    tt_ob_puts(b, "'sha256-");
    tt_ob_base64(b, d, sizeof d);
    tt_ob_puts(b, "'");
}

/* The page up to <main>: the policy, the style, the title (a constant of the caller). */
static void ob_page_head(tt_obuf *b, const char *title, int script)
{
    /* default-src 'none' forbids every fetch (scripts, styles, images, fonts, connections);
     * the one style and the one script are allowed by their hashes, so text that slipped
     * through as markup could still not run.  Links to article files are navigation, which
     * CSP does not govern; base-uri and form-action close the remaining doors. */
    tt_ob_puts(b, "<!DOCTYPE html>\n<html lang=en>\n<head>\n<meta charset=utf-8>\n"
                  "<meta http-equiv=Content-Security-Policy content=\"default-src 'none'; "
                  "style-src ");
    ob_csp_hash(b, page_css);
    if (script) {
        tt_ob_puts(b, "; script-src ");
        ob_csp_hash(b, page_js);
    }
    tt_ob_puts(b, "; base-uri 'none'; form-action 'none'\">\n"
                  "<meta name=viewport content=\"width=device-width, initial-scale=1\">\n"
                  "<meta name=generator content=\"topictag " TT_VERSION "\">\n<title>");
    ob_html_str(b, title);
    tt_ob_puts(b, "</title>\n<style>");
    tt_ob_puts(b, page_css);
    tt_ob_puts(b, "</style>\n</head>\n<body>\n<main>\n");
}

static int ob_write(tt_obuf *b, FILE *out)
{
    int rc = b->nomem || fwrite(b->s, 1, b->len, out) != b->len ? -1 : 0;
    b->len = 0;
    b->nomem = 0;
    return rc;
}

static int html_begin(tt_report *rep)
{
    tt_obuf *b = &rep->ob;
    size_t i, nt = tt_ruleset_topic_count(rep->rs);
    b->len = 0;
    ob_page_head(b, "topictag report", 1);
    tt_ob_puts(b, "<nav id=filter hidden><label>Topic <select id=ft>"
                  "<option value=\"\">all topics</option>");
    for (i = 0; i < nt; i++) {
        const tt_topic_info *ti = tt_ruleset_topic(rep->rs, i);
        tt_ob_puts(b, "<option value=\"");
        ob_html_str(b, ti->id);
        tt_ob_puts(b, "\">");
        ob_html_str(b, ti->id);
        tt_ob_puts(b, "</option>");
    }
    tt_ob_puts(b, "</select></label> <label>Role <select id=fr><option value=1>any</option>"
                  "<option value=2>secondary or primary</option><option value=3>primary</option>"
                  "</select></label> <span id=shown></span></nav>\n<div id=docs>\n");
    return ob_write(b, rep->out);
}

/* ---- the helpers other pages use (topictag eval -f html) ------------------------------ */

int tt_html_text(FILE *out, const char *s, size_t n)
{
    tt_obuf b = {NULL, 0, 0, 0, NULL};
    int rc;
    tt_ob_html(&b, s, n);
    rc = ob_write(&b, out);
    tt_free(b.s);
    return rc;
}

int tt_html_page_begin(FILE *out, const char *title)
{
    tt_obuf b = {NULL, 0, 0, 0, NULL};
    int rc;
    ob_page_head(&b, title, 0);
    rc = ob_write(&b, out);
    tt_free(b.s);
    return rc;
}

int tt_html_page_end(FILE *out)
{
    fputs("</main>\n</body>\n</html>\n", out);
    return ferror(out) ? -1 : 0;
}

/* A horizontal bar chart, one bar per topic; values[i] for topic i, notes[i] after it. */
static void svg_chart(const tt_report *rep, tt_obuf *b, const char *id, const char *title,
                      const size_t *values, size_t stride, size_t off)
{
    size_t i, nt = tt_ruleset_topic_count(rep->rs), max = 1;
    const size_t row = 22, label = 230, width = 360;
    for (i = 0; i < nt; i++)
        if (values[i * stride + off] > max)
            max = values[i * stride + off];
    tt_ob_puts(b, "<figure><figcaption>");
    tt_ob_puts(b, title);
    tt_ob_puts(b, "</figcaption>\n<svg id=");
    tt_ob_puts(b, id);
    tt_ob_puts(b, " role=img width=660 height=");
    tt_ob_uint(b, nt * row + 4);
    tt_ob_puts(b, " viewBox=\"0 0 660 ");
    tt_ob_uint(b, nt * row + 4);
    tt_ob_puts(b, "\" aria-label=\"");
    tt_ob_puts(b, title);
    tt_ob_puts(b, "\">");
    for (i = 0; i < nt; i++) {
        size_t v = values[i * stride + off], w = v * width / max, y = i * row;
        tt_ob_puts(b, "\n<text x=0 y=");
        tt_ob_uint(b, y + 15);
        tt_ob_puts(b, ">");
        ob_html_str(b, topic_id(rep, (uint32_t)i));
        ob_colour(b, "</text><rect class=\"bar k", (uint32_t)i);
        tt_ob_puts(b, "\" x=");
        tt_ob_uint(b, label);
        tt_ob_puts(b, " y=");
        tt_ob_uint(b, y + 3);
        tt_ob_puts(b, " width=");
        tt_ob_uint(b, w);
        tt_ob_puts(b, " height=16><title>");
        ob_html_str(b, topic_id(rep, (uint32_t)i));
        tt_ob_puts(b, ": ");
        tt_ob_uint(b, v);
        tt_ob_puts(b, "</title></rect><text x=");
        tt_ob_uint(b, label + w + 6);
        tt_ob_puts(b, " y=");
        tt_ob_uint(b, y + 15);
        tt_ob_puts(b, ">");
        tt_ob_uint(b, v);
        tt_ob_puts(b, "</text>");
    }
    tt_ob_puts(b, "\n</svg></figure>\n");
}

/* The first 16 hex digits of the SHA-256 of the rules as compiled: topics, thresholds,
 * patterns and their regexes, so two reports can be told apart by their rules. */
static void ob_rules_digest(const tt_report *rep, tt_obuf *b)
{
    static const char hex[] = "0123456789abcdef";
    tt_obuf all = {NULL, 0, 0, 0, NULL};
    unsigned char d[32];
    size_t i;
    for (i = 0; i < tt_ruleset_topic_count(rep->rs); i++) {
        const tt_topic_info *ti = tt_ruleset_topic(rep->rs, i);
        tt_ob_puts(&all, ti->id);
        tt_ob_put(&all, "", 1);
        tt_ob_number(&all, ti->threshold);
        tt_ob_put(&all, "", 1);
    }
    for (i = 0; i < tt_ruleset_pattern_count(rep->rs); i++) {
        const tt_pattern_info *pi = tt_ruleset_pattern(rep->rs, i);
        tt_ob_uint(&all, pi->topic);
        tt_ob_puts(&all, pi->exclude ? "x" : "p");
        tt_ob_number(&all, pi->weight);
        tt_ob_puts(&all, pi->id);
        tt_ob_put(&all, "", 1);
        tt_ob_puts(&all, pi->regex);
        tt_ob_put(&all, "", 1);
    }
    if (all.nomem) {
        b->nomem = 1;
    } else {
        tt_sha256(all.s, all.len, d);
        for (i = 0; i < 8; i++) {
            char h[2] = {hex[d[i] >> 4], hex[d[i] & 15]};
            tt_ob_put(b, h, 2);
        }
    }
    tt_free(all.s);
}

static void dl_count(tt_obuf *b, const char *what, size_t n)
{
    tt_ob_puts(b, "<dt>");
    tt_ob_puts(b, what);
    tt_ob_puts(b, "<dd>");
    tt_ob_uint(b, n);
    tt_ob_puts(b, "\n");
}

static int html_finish(tt_report *rep)
{
    tt_obuf *b = &rep->ob;
    size_t i, nt = tt_ruleset_topic_count(rep->rs);
    int rc;
    b->len = 0;
    tt_ob_puts(b, "</div>\n<section id=overview>\n<h1>topictag report</h1>\n<dl class=totals>\n");
    dl_count(b, "articles", rep->ndocs);
    dl_count(b, "with errors", rep->nfailed);
    dl_count(b, "sentences", rep->nsentences);
    dl_count(b, "tagged sentences", rep->ntagged);
    if (rep->opt.html_rules) {
        tt_ob_puts(b, "<dt>rules<dd>");
        ob_html_str(b, rep->opt.html_rules);
        tt_ob_puts(b, "\n");
    }
    tt_ob_puts(b, "<dt>rules digest<dd><code>");
    ob_rules_digest(rep, b);
    tt_ob_puts(b, "</code> (");
    tt_ob_uint(b, nt);
    tt_ob_puts(b, nt == 1 ? " topic, " : " topics, ");
    tt_ob_uint(b, tt_ruleset_pattern_count(rep->rs));
    tt_ob_puts(b, tt_ruleset_pattern_count(rep->rs) == 1 ? " pattern)\n" : " patterns)\n");
    tt_ob_puts(b, "<dt>version<dd>topictag " TT_VERSION "\n");
    if (rep->opt.html_date) {
        tt_ob_puts(b, "<dt>date<dd>");
        ob_html_str(b, rep->opt.html_date);
        tt_ob_puts(b, "\n");
    }
    tt_ob_puts(b, "</dl>\n<p>Tagged sentences are highlighted in their topic's colour and "
                  "labelled with their number and topics; hover or focus one for its patterns, "
                  "its score against the threshold and where inherited context came from. "
                  "Matched text is <mark>bold and underlined</mark>.</p>\n");
    svg_chart(rep, b, "chart-sentences", "Tagged sentences per topic", rep->topic_sents, 1, 0);
    svg_chart(rep, b, "chart-articles", "Articles per topic", rep->topic_docs, 1, 0);
    tt_ob_puts(b, "<table id=roles><thead><tr><th>topic<th>title<th>primary<th>secondary"
                  "<th>mentioned</tr></thead><tbody>\n");
    for (i = 0; i < nt; i++) {
        int role;
        tt_ob_puts(b, "<tr><td>");
        ob_topic_label(rep, b, (uint32_t)i);
        tt_ob_puts(b, "<td>");
        ob_html_str(b, tt_ruleset_topic(rep->rs, i)->title);
        for (role = TT_ROLE_PRIMARY; role >= TT_ROLE_MENTIONED; role--) {
            tt_ob_puts(b, "<td>");
            tt_ob_uint(b, rep->topic_roles[i * 4 + (size_t)role]);
        }
        tt_ob_puts(b, "</tr>\n");
    }
    tt_ob_puts(b, "</tbody></table>\n<h2>Articles</h2>\n<table id=articles><thead><tr>"
                  "<th data-k=n>#<th data-k=s>article<th data-k=n>sentences<th data-k=n>tagged"
                  "<th>topics and roles<th data-k=n>best score<th data-k=n>errors</tr></thead>"
                  "<tbody>\n");
    rc = b->nomem || fwrite(b->s, 1, b->len, rep->out) != b->len ||
         fwrite(rep->rows.s, 1, rep->rows.len, rep->out) != rep->rows.len;
    b->len = 0;
    fputs("</tbody></table>\n</section>\n</main>\n<script>", rep->out);
    fputs(page_js, rep->out);
    fputs("</script>\n</body>\n</html>\n", rep->out);
    return rc ? -1 : 0;
}

const tt_report_ops tt_report_html_ops = {html_begin, html_document, html_finish, html_render,
                                          html_emit};
