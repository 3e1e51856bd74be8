/* topictag.h - the public interface of libtopictag, a rule-based topic classifier.
 *
 * The one contract between the library and everything else, the topictag command included.
 *
 * Flow:  tt_loader (YAML rule files) -> tt_ruleset (compiled, immutable, shareable between
 *        threads) -> tt_scanner (per-thread scratch) -> tt_result (sentences, topics, matches)
 *        -> tt_report (text, JSON, JSON Lines, CSV, TSV, HTML).
 *
 * Conventions: byte offsets are into the text exactly as given; line and column numbers are
 * 1-based (0 = unknown); functions that take a tt_error * accept NULL and fill it on failure;
 * every _free function accepts NULL.
 */
#ifndef TOPICTAG_H
#define TOPICTAG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(TT_BUILDING) && defined(__GNUC__)
#define TT_API __attribute__((visibility("default")))
#else
#define TT_API
#endif

#define TT_VERSION "0.1.0"

/* ---- Errors ---------------------------------------------------------------------------- */

typedef enum tt_status {
    TT_OK = 0,
    TT_ERR_NOMEM,        /* out of memory */
    TT_ERR_IO,           /* a file could not be read or written */
    TT_ERR_YAML,         /* a rule file is not well-formed YAML */
    TT_ERR_RULE,         /* a rule file is well-formed but wrong (key, type, value) */
    TT_ERR_REGEX,        /* a pattern does not compile */
    TT_ERR_CONDITION,    /* a condition does not parse or names an unknown pattern */
    TT_ERR_UTF8,         /* a document is not valid UTF-8 */
    TT_ERR_BINARY,       /* a document contains NUL bytes or is not text */
    TT_ERR_EMPTY,        /* a document is empty or white space only */
    TT_ERR_TOO_LARGE,    /* a document exceeds tt_limits.max_document */
    TT_ERR_MATCH_LIMIT,  /* a pattern hit a PCRE2 match, depth or heap limit */
    TT_ERR_MATCH,        /* a pattern failed to match for another reason */
    TT_ERR_INPUT,        /* an input record is malformed (e.g. a bad JSON line) */
    TT_ERR_USAGE         /* an API misuse or a bad option */
} tt_status;

/* A caller-allocated error: fixed size, so that out of memory can still be reported. */
typedef struct tt_error {
    tt_status code;
    int line, column;      /* 1-based position in file; 0 = unknown */
    char file[256];        /* file the error is about, "" if none */
    char message[256];     /* lowercase, no final period */
} tt_error;

TT_API const char *tt_version(void);                  /* TT_VERSION */
TT_API const char *tt_status_name(tt_status code);    /* static string, e.g. "invalid-utf8" */

/* ---- Loading rules ---------------------------------------------------------------------- */

typedef enum tt_severity { TT_SEV_ERROR = 0, TT_SEV_WARNING = 1 } tt_severity;

/* One problem found while loading rules. */
typedef struct tt_diag {
    tt_severity severity;
    tt_error error;        /* code, file, line, column, message */
} tt_diag;

typedef struct tt_loader tt_loader;    /* collects rule files, then compiles them */
typedef struct tt_ruleset tt_ruleset;  /* immutable once built: share it across threads */

TT_API tt_loader *tt_loader_new(void);                 /* NULL on out of memory */
TT_API void tt_loader_free(tt_loader *ld);

/* Reads a rule file, or every *.yaml / *.yml file below a folder (sorted, recursive).
 * Problems are recorded as diagnostics; returns the number of errors recorded by this call
 * (0 = fine), or -1 on out of memory. */
TT_API int tt_loader_add_path(tt_loader *ld, const char *path);

/* Parses rule text held in memory; name is used in diagnostics. Returns as tt_loader_add_path. */
TT_API int tt_loader_add_buffer(tt_loader *ld, const char *name, const char *data, size_t len);

/* Resolves definitions, parses conditions and compiles every pattern (PCRE2 + JIT).
 * Returns the ruleset, owned by the caller (tt_ruleset_free), or NULL when any error was
 * recorded (by this call or an earlier add) or memory ran out; err then holds the first error.
 * Warnings do not stop the build. May be called once per loader. */
TT_API tt_ruleset *tt_loader_build(tt_loader *ld, tt_error *err);

/* Which prefilter decides the sentences each pattern runs on.  Results are the same with
 * each (and with tt_limits.no_prefilter): PCRE2 judges every match. */
typedef enum tt_prefilter_kind {
    TT_PREFILTER_LITERAL = 0,  /* built in (default): required literals, one hashed pass */
    TT_PREFILTER_HYPERSCAN,    /* a Hyperscan/Vectorscan database of the patterns it accepts,
                                  the literal prefilter for the others; optional at build time,
                                  compiling it costs far more than the literal one */
    TT_PREFILTER_NONE          /* none: every pattern runs on every sentence where its topic
                                  may apply, JIT-compiled (for a ruleset that will be run with
                                  tt_limits.no_prefilter: with a prefilter, the patterns it
                                  decides without PCRE2 are not JIT-compiled, and then run in
                                  PCRE2's interpreter where the prefilter is off) */
} tt_prefilter_kind;

/* Like tt_loader_build for a ruleset that only segments (tt_segment; tt_classify tags
 * nothing): the segmenter words (built in, then the rule files' `segmenter:` lists) and
 * nothing else.  No pattern is compiled, so it costs next to nothing; the errors found while
 * reading the files (YAML, unknown keys, a bad `segmenter:` mapping) still fail it, but those
 * only tt_loader_build finds (an invalid regex, an undefined definition, no topics) do not.
 * Returns the ruleset (tt_ruleset_free), or NULL with err set.  May be called once per
 * loader, instead of tt_loader_build. */
TT_API tt_ruleset *tt_loader_build_segmenter(tt_loader *ld, tt_error *err);

/* Chooses the prefilter tt_loader_build will build.  Returns 0, or -1 when the library was
 * built without that kind (see tt_have_hyperscan). */
TT_API int tt_loader_set_prefilter(tt_loader *ld, tt_prefilter_kind kind);

/* 1 when this library was built with the Hyperscan prefilter, else 0. */
TT_API int tt_have_hyperscan(void);

/* A folder (which must exist) where the Hyperscan prefilter keeps its compiled database, one
 * file per distinct set of patterns, so that loading the same rules again skips the
 * compilation; NULL (the default) keeps nothing.  The string is copied.  A cache file that
 * does not fit (other patterns, library or CPU) is ignored; one that cannot be written costs
 * only time.  Returns 0, or -1 on out of memory. */
TT_API int tt_loader_set_cache(tt_loader *ld, const char *dir);

/* All diagnostics recorded so far, in the order found (files in the order added). */
TT_API size_t tt_loader_diag_count(const tt_loader *ld);
TT_API const tt_diag *tt_loader_diag(const tt_loader *ld, size_t i);   /* borrowed */
TT_API size_t tt_loader_error_count(const tt_loader *ld);

/* Convenience: load one file or folder; NULL with err set on any error. */
TT_API tt_ruleset *tt_ruleset_load(const char *path, tt_error *err);
TT_API void tt_ruleset_free(tt_ruleset *rs);

/* Read-only views of the ruleset; strings are borrowed until tt_ruleset_free. */
typedef struct tt_topic_info {
    const char *id;
    const char *title;
    const char *description;   /* "" if none */
    const char *parent;        /* "" if none */
    const char *file;          /* where it was defined */
    int line;
    double threshold;
    int has_context;
    uint32_t context_window;
    int context_article;       /* context.scope is article: the window spans paragraphs and a
                                  continuation may continue a continuation (a chain) */
    int has_article;           /* context.article: weak cues inherit the article's topic */
    uint32_t article_reach;    /* context.article.reach: sentences after the last one carrying
                                  the topic within which weak cues inherit it; 0 = no limit */
    int article_headline_only; /* context.article.from is headline (else headline or lead) */
} tt_topic_info;

typedef struct tt_pattern_info {
    const char *id;
    uint32_t topic;            /* index of its topic */
    int exclude;               /* 1 for an exclusion */
    double weight;
    const char *regex;         /* the regex as compiled (definitions expanded) */
    const char *file;
    int line, column;
    int prefiltered;           /* 0: runs on every sentence where its topic may apply;
                                  1: only where one of its literals occurs (see check);
                                  2: only where the Hyperscan prefilter reports it */
    size_t literal_set;        /* > 0: a literal set of that many strings, its matches decided
                                  from its literal hits without PCRE2 (check --stats) */
} tt_pattern_info;

/* An inline example of a rule file (topic: examples:), run by `topictag test`. */
typedef enum tt_example_kind {
    TT_EX_TAG = 0,             /* the text must carry the topic */
    TT_EX_NOT,                 /* the text must not carry it */
    TT_EX_TODO,                /* should carry it: a known gap, expected to fail today */
    TT_EX_TODO_NOT             /* should not carry it: a known false positive */
} tt_example_kind;

typedef struct tt_example_info {
    uint32_t topic;
    tt_example_kind kind;
    const char *text;
    long sentence;             /* the sentence (0-based) the expectation is about, or -1: any */
    const char *note;          /* "" if none */
    size_t number;             /* 1-based, within its topic */
    const char *file;
    int line, column;          /* of the example's text */
} tt_example_info;

TT_API size_t tt_ruleset_example_count(const tt_ruleset *rs);
TT_API const tt_example_info *tt_ruleset_example(const tt_ruleset *rs, size_t i);

TT_API size_t tt_ruleset_topic_count(const tt_ruleset *rs);
TT_API const tt_topic_info *tt_ruleset_topic(const tt_ruleset *rs, size_t i);
TT_API size_t tt_ruleset_pattern_count(const tt_ruleset *rs);
TT_API const tt_pattern_info *tt_ruleset_pattern(const tt_ruleset *rs, size_t i);
/* Index of the topic with this id, or -1. */
TT_API long tt_ruleset_find_topic(const tt_ruleset *rs, const char *id);

/* ---- Classifying ------------------------------------------------------------------------ */

/* Limits applied to each document; tt_limits_init fills the documented defaults. */
typedef struct tt_limits {
    size_t max_document;       /* bytes; default 64 MiB; larger documents are rejected */
    size_t max_sentence;       /* bytes; default 64 KiB; a longer sentence is cut into pieces
                                  (at white space when it can), so matching stays bounded */
    uint32_t match_limit;      /* PCRE2 match limit per match call; default 10,000,000 */
    uint32_t depth_limit;      /* PCRE2 depth limit (interpreter only); default 100,000 */
    uint32_t heap_limit_kib;   /* PCRE2 heap limit; default 64 MiB */
    int no_jit;                /* 1: use the PCRE2 interpreter, not the JIT (for valgrind) */
    int no_prefilter;          /* 1: run every pattern on every document (same results; see
                                  TT_PREFILTER_NONE) */
} tt_limits;

TT_API void tt_limits_init(tt_limits *lim);

typedef struct tt_scanner tt_scanner;  /* per-thread scratch: one per thread, reused */

/* A scanner for rs (which must outlive it); lim may be NULL for the defaults.
 * NULL on out of memory. */
TT_API tt_scanner *tt_scanner_new(const tt_ruleset *rs, const tt_limits *lim);
TT_API void tt_scanner_free(tt_scanner *sc);

typedef struct tt_result tt_result;

/* One pattern match: bytes [start, end) of the document. */
typedef struct tt_match {
    uint32_t pattern;          /* index into the ruleset's patterns */
    size_t start, end;
} tt_match;

/* How a sentence came to carry a topic. */
typedef enum tt_via {
    TT_VIA_DIRECT = 0,         /* its own matches meet the condition and the threshold */
    TT_VIA_CONTEXT = 1,        /* a continuation of an earlier sentence within context.window */
    TT_VIA_ARTICLE = 2         /* a weak cue in an article whose headline or lead carries it */
} tt_via;

/* One topic on one sentence. */
typedef struct tt_tag {
    uint32_t topic;            /* index into the ruleset's topics */
    uint32_t via_context;      /* tt_via: 0 direct, else inherited from an earlier sentence */
    size_t from;               /* inherited: the sentence that carries it directly */
    size_t link;               /* inherited: the sentence it continues (== from unless it
                                  continues a continuation, "from 2 via 5") */
    double score;
    size_t match_first;        /* its matches: tt_result_matches()[match_first ...] */
    size_t match_count;
} tt_tag;

/* The part a sentence plays in its article (see docs/rules.md, "Articles"). */
typedef enum tt_sentence_kind {
    TT_SENT_BODY = 0,          /* any other sentence */
    TT_SENT_HEADLINE,          /* the first line, without a final period, before the body */
    TT_SENT_LEAD,              /* one of the first article.lead full sentences of a section */
    TT_SENT_BREAK              /* a topic switch or a datelined section: starts a new lead */
} tt_sentence_kind;

typedef struct tt_sentence {
    size_t start, end;         /* bytes [start, end) of the document */
    uint32_t paragraph;        /* 0-based */
    uint32_t kind;             /* tt_sentence_kind */
    size_t tag_first;          /* its tags: tt_result_tags()[tag_first ...], in topic order */
    size_t tag_count;
} tt_sentence;

/* A problem with one document.  Rejected documents (TT_ERR_UTF8, _BINARY, _EMPTY,
 * _TOO_LARGE) have no sentences; a pattern error (TT_ERR_MATCH_LIMIT, TT_ERR_MATCH) leaves
 * the other patterns' results in place. */
typedef struct tt_doc_error {
    tt_status code;
    size_t offset;             /* byte offset in the document the error is about */
    long pattern;              /* pattern index, or -1 */
    char message[200];
} tt_doc_error;

/* What an article is about, per topic: the decision an analyst asks for first. */
typedef enum tt_role {
    TT_ROLE_NONE = 0,          /* no sentence carries the topic */
    TT_ROLE_MENTIONED,         /* carried in passing */
    TT_ROLE_SECONDARY,         /* a second subject of the article */
    TT_ROLE_PRIMARY            /* what the article is about */
} tt_role;

TT_API const char *tt_role_name(tt_role role);   /* "primary", ...; "none" */
/* Parses "primary", "secondary", "mentioned" (or "none"); -1 if unknown. */
TT_API int tt_role_parse(const char *name);

/* Per-document totals for one topic. */
typedef struct tt_topic_total {
    uint32_t topic;
    size_t sentences;          /* sentences carrying it (directly or through context) */
    double score;              /* sum of those sentences' scores */
    uint32_t role;             /* tt_role, from article.roles (see docs/rules.md) */
    int headline;              /* the headline carries it */
    int lead;                  /* a lead sentence carries it */
    double share;              /* sentences / the article's sentences */
} tt_topic_total;

/* Classifies text[0..len).  The result is owned by the scanner and stays valid until the
 * next tt_classify/tt_segment on the same scanner or tt_scanner_free: copy what you keep.
 * The text must stay alive as long as the result is used.
 * Returns NULL only on out of memory (err set); a bad document gives a result whose
 * tt_result_errors() says why. */
TT_API const tt_result *tt_classify(tt_scanner *sc, const char *text, size_t len, tt_error *err);

/* Like tt_classify but only splits the text into sentences (no matching). */
TT_API const tt_result *tt_segment(tt_scanner *sc, const char *text, size_t len, tt_error *err);

/* Explain mode: record how every topic was decided on every sentence, tagged or not
 * (for `topictag explain` and `test`).  Slower: every pattern runs on every sentence. */
TT_API void tt_scanner_set_explain(tt_scanner *sc, int on);

/* One topic considered on one sentence, in explain mode. */
typedef struct tt_trace {
    uint32_t sentence;
    uint32_t topic;
    int tagged;                /* it carries the topic (directly or through context) */
    int via_context;
    size_t from;               /* with via_context: the sentence inherited from */
    int vetoed;                /* an exclusion matched */
    int condition;             /* the condition's value */
    int context_source;        /* -1: no context; else 1 when a sentence within the window
                                  carries the topic (directly, or in a chain), 0 when none */
    long context_from;         /* the sentence carrying it directly, or -1 */
    long context_link;         /* the sentence within the window it would continue, or -1 */
    int when;                  /* context.when's value (with context) */
    int via;                   /* tt_via of the tag (0 when direct or untagged) */
    long article_from;         /* with context.article: the headline or lead sentence that made
                                  it a topic of the article, or -1 when it is not one */
    int article_when;          /* context.article.when's value */
    int breaks;                /* context.breaks' value: this sentence ends the inheritance */
    int stop;                  /* tt_stop: why nothing is inherited here, or 0 */
    long stop_at;              /* the sentence where that happened, or -1 */
    double score;              /* sum of the weights of the distinct patterns that matched */
    double threshold;
    size_t match_first;        /* its matches (exclusions included): trace_matches[...] */
    size_t match_count;
} tt_trace;

/* Why a topic's inheritance stopped (the drift guards). */
typedef enum tt_stop {
    TT_STOP_NONE = 0,
    TT_STOP_SWITCH,            /* a topic-switch phrase ("Separately, ...") */
    TT_STOP_SECTION,           /* a datelined section later in the article */
    TT_STOP_OTHER_TOPIC,       /* another topic carried directly, with no cue for this one */
    TT_STOP_BREAKS             /* the topic's context.breaks condition */
} tt_stop;

TT_API const char *tt_stop_name(tt_stop stop);   /* "switch", "section", ...; "" for none */

TT_API const tt_trace *tt_result_traces(const tt_result *r, size_t *n);
TT_API const tt_match *tt_result_trace_matches(const tt_result *r, size_t *n);

/* Writes the topic's condition (when = 0), context.when (when = 1), context.article.when
 * (when = 2) or context.breaks (when = 3) into buf with the value
 * of each clause given the matches m[0..n), e.g. "nk:true and (missile:false or launch:true)
 * => true".  Returns the value (0 or 1), or -1 when the topic has no such condition. */
TT_API int tt_ruleset_render_condition(const tt_ruleset *rs, size_t topic, int when,
                                       const tt_match *m, size_t n, char *buf, size_t size);

TT_API const char *tt_result_text(const tt_result *r);
TT_API size_t tt_result_length(const tt_result *r);
TT_API const tt_sentence *tt_result_sentences(const tt_result *r, size_t *n);
TT_API const tt_tag *tt_result_tags(const tt_result *r, size_t *n);
TT_API const tt_match *tt_result_matches(const tt_result *r, size_t *n);
/* Topics carried by the document, in ruleset order. */
TT_API const tt_topic_total *tt_result_topics(const tt_result *r, size_t *n);
TT_API const tt_doc_error *tt_result_errors(const tt_result *r, size_t *n);

/* ---- Reports ---------------------------------------------------------------------------- */

/* The version of every JSON and JSON Lines output ("schema": N; docs/schema/). */
#define TT_JSON_SCHEMA 1

typedef enum tt_format {
    TT_FORMAT_TEXT = 0,   /* for people: tagged sentences per document, then a summary */
    TT_FORMAT_JSON,       /* one JSON document for the batch */
    TT_FORMAT_JSONL,      /* one JSON object per document per line, streamed */
    TT_FORMAT_CSV,        /* one row per (tagged sentence, topic) */
    TT_FORMAT_TSV,
    TT_FORMAT_HTML        /* one self-contained page: overview, chart, articles (report_html.c) */
} tt_format;

/* Parses "text", "json", "jsonl", "csv", "tsv", "html"; returns -1 if unknown. */
TT_API int tt_format_parse(const char *name);

typedef struct tt_report_options {
    tt_format format;
    int tagged_only;      /* list only sentences that carry a topic */
    int summary;          /* JSONL: end with a {"summary": ...} line (always on for text/json) */
    int stream;           /* JSONL: flush after every document (for pipes; off for files) */
    int select;           /* 1: report only the documents where topic select_topic has a role
                             of select_role or stronger (primary > secondary > mentioned);
                             the others are neither written nor counted in the summary */
    uint32_t select_topic;
    int select_role;      /* tt_role, TT_ROLE_MENTIONED or more */
    long html_inline_max; /* HTML: the text of the first N documents is shown in the page, the
                             others get their topics and a link to their file; 0 means
                             TT_HTML_INLINE_MAX, a negative value none */
    const char *html_rules;  /* HTML: the rules as named, shown in the totals (NULL: not shown) */
    const char *html_date;   /* HTML: a date shown in the totals; NULL (the default) shows none,
                                so the same inputs give the same bytes */
} tt_report_options;

#define TT_HTML_INLINE_MAX 1000

typedef struct tt_report tt_report;

/* A report over a batch written to out (not closed by the report).  rs must outlive it.
 * NULL on out of memory. */
TT_API tt_report *tt_report_new(const tt_ruleset *rs, const tt_report_options *opt, FILE *out);
TT_API void tt_report_free(tt_report *rep);

/* Reports one document: name (e.g. a path) and id (from a JSON record, or NULL).  r may be
 * NULL when the document could not be read at all; derr then says why (else may be NULL).
 * Returns 0, or -1 when writing failed. */
TT_API int tt_report_document(tt_report *rep, const char *name, const char *id,
                              const tt_result *r, const tt_error *derr);

/* What a caller knows of a document's input beyond its text, carried into its record by the
 * _meta variants below (the plain functions pass NULL: nothing known). */
typedef struct tt_field_value {
    const char *json;     /* an input field's value as JSON text, as the input wrote it; NULL
                             when the record lacks the field */
    size_t json_len;
    const char *text;     /* a string value decoded (what CSV and TSV write), else NULL: the
                             JSON text is written */
    size_t text_len;
} tt_field_value;

typedef struct tt_doc_meta {
    const tt_field_value *fields;   /* one per name given to tt_report_set_input, in its
                                       order; NULL when not known (a malformed record) */
    size_t replaced;                /* bytes replaced with U+FFFD on the way in */
} tt_doc_meta;

/* Says what the records carry beyond the classification; call it before the first document.
 * names[0..n) (copied) are input fields kept: a JSON or JSON Lines record writes them as
 * "fields": {NAME: VALUE, ...} (the values as the input wrote them; a field the input record
 * lacks is left out), CSV and TSV as one column each after the others (empty when lacking);
 * the text and HTML formats do not show them.  With replaced 1, a JSON or JSON Lines record
 * carries "replaced": N, the bytes of its input replaced with U+FFFD, and the summaries a
 * total.  Returns 0, or -1 on out of memory. */
TT_API int tt_report_set_input(tt_report *rep, const char *const *names, size_t n,
                               int replaced);
/* tt_report_document, tt_report_render and tt_report_emit with what is known of the document's
 * input (meta may be NULL). */
TT_API int tt_report_document_meta(tt_report *rep, const char *name, const char *id,
                                   const tt_doc_meta *meta, const tt_result *r,
                                   const tt_error *derr);

/* Rendering on worker threads: tt_report_render renders one document exactly as
 * tt_report_document would write it, into a buffer the caller owns, without writing or
 * counting it.  It only reads rep, so threads may call it at once, each with its own buffer.
 * tt_report_emit then writes a rendering, in document order, and counts the document for the
 * summary (r and derr as given to tt_report_render).  Only the JSON, JSON Lines and HTML
 * formats render apart: for the others tt_report_render returns 1 and tt_report_document is the way.
 * A buffer is reused from one document to the next and freed with tt_report_buf_release. */
typedef struct tt_report_buf {
    char *data;
    size_t len, cap;
} tt_report_buf;

/* Returns 0, 1 (this format does not render apart), or -1 on out of memory. */
TT_API int tt_report_render(const tt_report *rep, const char *name, const char *id,
                            const tt_result *r, const tt_error *derr, tt_report_buf *buf);
/* Returns 0, or -1 when writing failed. */
TT_API int tt_report_emit(tt_report *rep, const tt_report_buf *buf, const tt_result *r,
                          const tt_error *derr);
TT_API int tt_report_render_meta(const tt_report *rep, const char *name, const char *id,
                                 const tt_doc_meta *meta, const tt_result *r,
                                 const tt_error *derr, tt_report_buf *buf);
TT_API int tt_report_emit_meta(tt_report *rep, const tt_report_buf *buf, const tt_doc_meta *meta,
                               const tt_result *r, const tt_error *derr);
TT_API void tt_report_buf_release(tt_report_buf *buf);

/* Writes the batch summary and closing text; returns 0, or -1 when writing failed. */
TT_API int tt_report_finish(tt_report *rep);

/* The role of topic in a classified document (TT_ROLE_NONE when no sentence carries it). */
TT_API tt_role tt_result_role(const tt_result *r, uint32_t topic);
/* Writes a document name (a path: bytes) as a JSON object member, the way the JSON reports
 * do: "key": "name" when name is valid UTF-8, else "key_bytes": "<base64 of its bytes>",
 * since a JSON string cannot hold other bytes.  Returns 0, or -1 when writing failed. */
TT_API int tt_json_name(FILE *out, const char *key, const char *name);

/* Pages in the HTML report's style, for other tools (topictag eval -f html).
 * tt_html_text writes s[0..n) escaped exactly as the report escapes untrusted text (& < > " '
 * U+2028 U+2029 as references, control characters as U+FFFD); tt_html_page_begin writes the
 * page up to <main> (a Content-Security-Policy that forbids network access and every script,
 * the report's style: colour classes hN (highlight) and kN (label) for topic N mod 8, err,
 * meta, t, lb); tt_html_page_end closes it.  Each returns 0, or -1 when writing failed. */
TT_API int tt_html_text(FILE *out, const char *s, size_t n);
TT_API int tt_html_page_begin(FILE *out, const char *title);
TT_API int tt_html_page_end(FILE *out);

/* Number of documents reported so far that had an error. */
TT_API size_t tt_report_failed(const tt_report *rep);

#ifdef __cplusplus
}
#endif

#endif
