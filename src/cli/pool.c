/* pool.c - an ordered worker pool: a ring of slots, each with its own scanner. */
#include "pool.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input.h"

enum { FREE, QUEUED, WORKING, DONE };

/* Workers render the reports of articles up to this size; a larger one is written by the
 * writing thread as it is rendered, so its report is never held whole in memory. */
#define RENDER_APART_MAX ((size_t)1 << 20)
/* A slot's buffers larger than this are freed once their article is handed on, so that the
 * ring does not keep one copy of the largest article per slot. */
#define KEEP_MAX ((size_t)4 << 20)

typedef struct slot {
    tt_scanner *sc;
    char *name, *id, *text;
    size_t len, textcap;
    int has_id;
    int unreadable;            /* text NULL: derr says why */
    int pending_read;          /* the worker reads the file name first */
    tt_error derr;
    tt_doc_meta meta;          /* as submitted: fields point into metabuf */
    int has_meta;
    tt_field_value *fields;    /* room for fieldcap values */
    size_t fieldcap;
    char *metabuf;             /* the fields' JSON and text */
    size_t metacap;
    const tt_result *r;
    tt_report_buf out;         /* the report rendered by the worker */
    int rendered;
    int state;
} slot;

struct tt_pool {
    const tt_ruleset *rs;
    int segment_only;
    size_t max_size;           /* tt_limits.max_document: files read by workers stop there */
    const tt_report *rep;      /* render in the workers, or NULL */
    tt_pool_done_fn done;
    void *ctx;
    int threads;
    tt_scanner *sc;            /* threads <= 1 */
    slot *slots;
    size_t nslots;
    size_t submitted, emitted;
    pthread_mutex_t mu;
    pthread_cond_t work, finished;
    int idle;                  /* workers waiting for work: only then is a signal needed */
    int waiting;               /* the submitting thread waits for a slot to finish */
    pthread_t *th;
    int nth;
    int quit;
    int stopped;               /* done() returned -1 */
};

static const tt_result *classify(tt_scanner *sc, int segment_only, const char *text,
                                 size_t len, tt_error *err)
{
    return segment_only ? tt_segment(sc, text, len, err) : tt_classify(sc, text, len, err);
}

/* Why file name could not be read, in the words the reading thread uses (input.c). */
static void read_error(tt_error *e, const char *name)
{
    int saved = errno;
    memset(e, 0, sizeof *e);
    e->code = TT_ERR_IO;
    snprintf(e->file, sizeof e->file, "%s", name);
    snprintf(e->message, sizeof e->message, "cannot read: %s", strerror(saved));
}

/* Reads the file of slot s; 0, or -1 with the slot marked unreadable (derr says why). */
static int read_slot(const tt_pool *p, slot *s)
{
    char *buf;
    size_t len;
    int rc = tt_read_file(s->name, p->max_size, &buf, &len);
    if (rc) {
        s->unreadable = 1;
        if (rc > 0)
            tt_input_too_large(&s->derr, s->name, rc, len, p->max_size);
        else
            read_error(&s->derr, s->name);
        return -1;
    }
    free(s->text);
    s->text = buf;
    s->textcap = len + 1;
    s->len = len;
    return 0;
}

/* Classifies the document of slot s (reading it first when asked), and renders its report
 * when the pool renders. */
static void process(tt_pool *p, slot *s)
{
    if (s->pending_read && read_slot(p, s))
        return;
    s->r = classify(s->sc, p->segment_only, s->text, s->len, &s->derr);
    /* rendering only reads the report; out of memory here just leaves the rendering to the
     * writing thread */
    s->rendered = p->rep && s->r && s->len <= RENDER_APART_MAX &&
                  tt_report_render_meta(p->rep, s->name, s->has_id ? s->id : NULL,
                                        s->has_meta ? &s->meta : NULL, s->r, NULL,
                                        &s->out) == 0;
}

/* The oldest queued slot, or NULL; with the mutex held. */
static slot *next_queued(tt_pool *p)
{
    size_t q;
    for (q = p->emitted; q < p->submitted; q++)
        if (p->slots[q % p->nslots].state == QUEUED)
            return &p->slots[q % p->nslots];
    return NULL;
}

/* Runs slot s (QUEUED) on the calling thread; with the mutex held, released meanwhile. */
static void run_slot(tt_pool *p, slot *s)
{
    s->state = WORKING;
    pthread_mutex_unlock(&p->mu);
    process(p, s);
    pthread_mutex_lock(&p->mu);
    s->state = DONE;
    if (p->waiting)
        pthread_cond_broadcast(&p->finished);
}

static void *worker(void *arg)
{
    tt_pool *p = arg;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        slot *s = next_queued(p);
        if (!s) {
            if (p->quit)
                break;
            p->idle++;
            pthread_cond_wait(&p->work, &p->mu);
            p->idle--;
            continue;
        }
        run_slot(p, s);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

tt_pool *tt_pool_new(const tt_ruleset *rs, const tt_limits *lim, int threads, int segment_only,
                     const tt_report *rep, tt_pool_done_fn done, void *ctx)
{
    tt_pool *p = calloc(1, sizeof *p);
    size_t i;
    if (!p)
        return NULL;
    p->rs = rs;
    p->rep = rep;
    p->segment_only = segment_only;
    p->max_size = lim->max_document;
    p->done = done;
    p->ctx = ctx;
    p->threads = threads;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->work, NULL);
    pthread_cond_init(&p->finished, NULL);
    if (threads <= 1) {
        if (!(p->sc = tt_scanner_new(rs, lim))) {
            tt_pool_free(p);
            return NULL;
        }
        return p;
    }
    p->nslots = (size_t)threads * 4;
    p->slots = calloc(p->nslots, sizeof *p->slots);
    p->th = calloc((size_t)threads, sizeof *p->th);
    if (!p->slots || !p->th) {
        tt_pool_free(p);
        return NULL;
    }
    for (i = 0; i < p->nslots; i++) {
        if (!(p->slots[i].sc = tt_scanner_new(rs, lim))) {
            tt_pool_free(p);
            return NULL;
        }
    }
    /* the submitting thread works too (it runs queued documents instead of waiting), so
     * threads - 1 workers make threads busy threads */
    for (p->nth = 0; p->nth < threads - 1; p->nth++) {
        if (pthread_create(&p->th[p->nth], NULL, worker, p) != 0) {
            tt_pool_free(p);
            return NULL;
        }
    }
    return p;
}

/* Hands the oldest slot to done(), waiting for it if wait; 1 when nothing was ready. */
static int emit_one(tt_pool *p, int wait)
{
    slot *s;
    int rc;
    if (p->emitted == p->submitted)
        return 1;
    s = &p->slots[p->emitted % p->nslots];
    pthread_mutex_lock(&p->mu);
    while (s->state == QUEUED || s->state == WORKING) {
        slot *q;
        if (!wait) {
            pthread_mutex_unlock(&p->mu);
            return 1;
        }
        /* rather than wait, run a queued document here: the oldest first */
        if ((q = next_queued(p))) {
            run_slot(p, q);
            continue;
        }
        p->waiting = 1;
        pthread_cond_wait(&p->finished, &p->mu);
        p->waiting = 0;
    }
    pthread_mutex_unlock(&p->mu);
    if (s->unreadable)
        rc = p->done(p->ctx, s->name, s->has_id ? s->id : NULL, s->has_meta ? &s->meta : NULL,
                     NULL, &s->derr, NULL);
    else
        rc = p->done(p->ctx, s->name, s->has_id ? s->id : NULL, s->has_meta ? &s->meta : NULL,
                     s->r, s->r ? NULL : &s->derr, s->rendered ? &s->out : NULL);
    if (s->textcap > KEEP_MAX) {
        free(s->text);
        s->text = NULL;
        s->textcap = 0;
    }
    if (s->out.cap > KEEP_MAX)
        tt_report_buf_release(&s->out);
    pthread_mutex_lock(&p->mu);
    s->state = FREE;
    p->emitted++;
    pthread_mutex_unlock(&p->mu);
    if (rc)
        p->stopped = 1;
    return rc ? -1 : 0;
}

static char *copy_into(char *old, const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = realloc(old, n);
    if (d)
        memcpy(d, s, n);
    return d;
}

/* Copies meta (nfields values) into slot s: its field values into one buffer of the slot.
 * Returns 0, or -1 on out of memory. */
static int copy_meta(slot *s, const tt_doc_meta *meta, size_t nfields)
{
    size_t need = 0, i;
    char *b;
    s->has_meta = meta != NULL;
    if (!meta)
        return 0;
    s->meta = *meta;
    if (!meta->fields)
        return 0;
    for (i = 0; i < nfields; i++)
        need += meta->fields[i].json_len + meta->fields[i].text_len + 2;
    if (nfields > s->fieldcap) {
        tt_field_value *nf = realloc(s->fields, nfields * sizeof *nf);
        if (!nf)
            return -1;
        s->fields = nf;
        s->fieldcap = nfields;
    }
    if (need > s->metacap) {
        if (!(b = realloc(s->metabuf, need)))
            return -1;
        s->metabuf = b;
        s->metacap = need;
    }
    for (i = 0, b = s->metabuf; i < nfields; i++) {
        const tt_field_value *v = &meta->fields[i];
        s->fields[i] = *v;
        if (v->json) {
            s->fields[i].json = memcpy(b, v->json, v->json_len);
            b[v->json_len] = '\0';
            b += v->json_len + 1;
        }
        if (v->text) {
            s->fields[i].text = memcpy(b, v->text, v->text_len);
            b[v->text_len] = '\0';
            b += v->text_len + 1;
        }
    }
    s->meta.fields = s->fields;
    return 0;
}

/* Submits a document: text, or (read) the file name to read on the worker, or (neither)
 * one that could not be read (derr). */
static int submit(tt_pool *p, const char *name, const char *id, const tt_doc_meta *meta,
                  size_t nfields, const char *text, size_t len, const tt_error *derr, int read)
{
    slot *s;
    char *nn;
    if (p->stopped)
        return -1;
    if (p->threads <= 1) {
        tt_error err;
        const tt_result *r = NULL;
        char *buf = NULL;
        int rc;
        if (read) {
            int rrc = tt_read_file(name, p->max_size, &buf, &len);
            if (rrc) {
                if (rrc > 0)
                    tt_input_too_large(&err, name, rrc, len, p->max_size);
                else
                    read_error(&err, name);
                return p->done(p->ctx, name, id, meta, NULL, &err, NULL) ? -1 : 0;
            }
            text = buf;
        }
        if (text) {
            r = classify(p->sc, p->segment_only, text, len, &err);
            derr = r ? NULL : &err;
        }
        rc = p->done(p->ctx, name, id, meta, r, derr, NULL) ? -1 : 0;
        free(buf);
        return rc;
    }
    while (p->submitted - p->emitted == p->nslots)
        if (emit_one(p, 1) < 0)
            return -1;
    s = &p->slots[p->submitted % p->nslots];
    if (!(nn = copy_into(s->name, name)))
        return -1;
    s->name = nn;
    s->has_id = id != NULL;
    if (id) {
        if (!(nn = copy_into(s->id, id)))
            return -1;
        s->id = nn;
    }
    if (copy_meta(s, meta, nfields))
        return -1;
    s->unreadable = text == NULL && !read;
    s->pending_read = read;
    memset(&s->derr, 0, sizeof s->derr);
    if (derr)
        s->derr = *derr;
    s->r = NULL;
    s->rendered = 0;
    if (text) {
        if (len + 1 > s->textcap) {
            char *nt = realloc(s->text, len + 1);
            if (!nt)
                return -1;
            s->text = nt;
            s->textcap = len + 1;
        }
        memcpy(s->text, text, len);
        s->text[len] = '\0';
        s->len = len;
    }
    pthread_mutex_lock(&p->mu);
    s->state = text || read ? QUEUED : DONE;
    p->submitted++;
    if (p->idle)
        pthread_cond_signal(&p->work);
    pthread_mutex_unlock(&p->mu);
    /* hand on whatever is already finished, so output streams */
    while (p->emitted < p->submitted) {
        int rc = emit_one(p, 0);
        if (rc < 0)
            return -1;
        if (rc > 0)
            break;
    }
    return 0;
}

int tt_pool_submit(tt_pool *p, const char *name, const char *id, const tt_doc_meta *meta,
                   size_t nfields, const char *text, size_t len, const tt_error *derr)
{
    return submit(p, name, id, meta, nfields, text, len, derr, 0);
}

int tt_pool_submit_file(tt_pool *p, const char *path)
{
    return submit(p, path, NULL, NULL, 0, NULL, 0, NULL, 1);
}

int tt_pool_drain(void *pool)
{
    return tt_pool_finish(pool);
}

int tt_pool_finish(tt_pool *p)
{
    if (p->threads <= 1)
        return 0;
    while (p->emitted < p->submitted && !p->stopped)
        if (emit_one(p, 1) < 0)
            return -1;
    return p->stopped ? -1 : 0;
}

void tt_pool_free(tt_pool *p)
{
    size_t i;
    int t;
    if (!p)
        return;
    pthread_mutex_lock(&p->mu);
    p->quit = 1;
    /* documents never handed on are dropped: mark them so workers skip them */
    for (i = 0; i < p->nslots; i++)
        if (p->slots && p->slots[i].state == QUEUED)
            p->slots[i].state = DONE;
    pthread_cond_broadcast(&p->work);
    pthread_mutex_unlock(&p->mu);
    for (t = 0; t < p->nth; t++)
        pthread_join(p->th[t], NULL);
    for (i = 0; i < p->nslots; i++) {
        tt_scanner_free(p->slots[i].sc);
        free(p->slots[i].name);
        free(p->slots[i].id);
        free(p->slots[i].text);
        free(p->slots[i].fields);
        free(p->slots[i].metabuf);
        tt_report_buf_release(&p->slots[i].out);
    }
    free(p->slots);
    free(p->th);
    tt_scanner_free(p->sc);
    pthread_cond_destroy(&p->work);
    pthread_cond_destroy(&p->finished);
    pthread_mutex_destroy(&p->mu);
    free(p);
}
