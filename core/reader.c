/* reader.c -- paragraphs and sentences for C hosts: counts, spans and
 * texts with edits applied, without a Lua state.
 *
 * Reading is safe from several threads on one unedited document.  The
 * only step of reading that writes is finding the sentences (once, on
 * first use): doc_lock_segment() runs it under the document's lock and
 * publishes it through the atomic `segmented` flag, so a reader that sees
 * the flag set sees every sentence. */
#include <stdlib.h>

#include "doc.h"
#include "engine.h"

int doc_lock_segment(lede_doc *d) {
  if (d->segmented) return 0; /* an atomic load: the fast path */
  pthread_mutex_lock(&d->lock);
  int st = doc_segment(d);    /* returns at once if another thread won */
  pthread_mutex_unlock(&d->lock);
  return st;
}

/* The checks every reader call shares; st is 0 or the status to return. */
static lede_status check(lede_engine *e, lede_doc *d, const void *out, const char *fn) {
  if (!e) return LEDE_EINVAL;
  engine_clear_error(e);
  if (!d) return engine_error(e, LEDE_EINVAL, "%s: document is NULL", fn);
  if (!out) return engine_error(e, LEDE_EINVAL, "%s: out is NULL", fn);
  int st = doc_lock_segment(d);
  if (st) return engine_error(e, (lede_status)st, "%s: %s", fn, lede_strerror(st));
  return LEDE_OK;
}

const char *lede_kind_name(lede_kind kind) {
  if ((int)kind < 0 || kind > LEDE_KIND_HTML) return NULL;
  return doc_kind_name((int)kind);
}

lede_status lede_doc_paragraph(lede_engine *e, lede_doc *d, size_t i, lede_span *out) {
  lede_status st = check(e, d, out, "lede_doc_paragraph");
  if (st) return st;
  if (i >= d->npara)
    return engine_error(e, LEDE_EINVAL, "lede_doc_paragraph: index %zu out of range (%zu paragraphs)",
                        i, d->npara);
  const doc_para *p = &d->paras[i];
  int edited = 0;
  for (size_t k = 0; k < p->nsent && !edited; k++)
    edited = d->sents[p->first_sent + k].edits != NULL ||
             (d->sents[p->first_sent + k].flags & ITEM_REMOVED);
  *out = (lede_span){.kind = (lede_kind)p->kind,
                     .level = p->kind == PK_HEADING ? p->level : 0,
                     .depth = p->depth,
                     .start = p->start,
                     .end = p->end,
                     .paragraph = i,
                     .first = p->first_sent,
                     .count = p->nsent,
                     .removed = (p->flags & ITEM_REMOVED) != 0,
                     .edited = edited};
  return LEDE_OK;
}

lede_status lede_doc_sentence(lede_engine *e, lede_doc *d, size_t i, lede_span *out) {
  lede_status st = check(e, d, out, "lede_doc_sentence");
  if (st) return st;
  if (i >= d->nsent)
    return engine_error(e, LEDE_EINVAL, "lede_doc_sentence: index %zu out of range (%zu sentences)",
                        i, d->nsent);
  const doc_sent *s = &d->sents[i];
  const doc_para *p = &d->paras[s->para];
  *out = (lede_span){.kind = (lede_kind)p->kind,
                     .level = p->kind == PK_HEADING ? p->level : 0,
                     .depth = p->depth,
                     .start = s->start,
                     .end = s->end,
                     .paragraph = s->para,
                     .first = i,
                     .count = 1,
                     .removed = (s->flags & ITEM_REMOVED) != 0,
                     .edited = s->edits != NULL};
  return LEDE_OK;
}

/* Hands the text in b to the caller, or fails with out of memory. */
static lede_status give(lede_engine *e, dbuf *b, char **text, size_t *len) {
  size_t n = 0;
  *text = dbuf_take(b, &n);
  if (!*text) return engine_error(e, LEDE_ENOMEM, "out of memory");
  if (len) *len = n;
  return LEDE_OK;
}

/* The text of paragraph or sentence i with edits applied, OWNED by the
 * caller; a removed item's text is "". */
static lede_status item_text(lede_engine *e, lede_doc *d, size_t i, int para, char **text,
                             size_t *len, const char *fn) {
  if (text) *text = NULL;
  lede_status st = check(e, d, text, fn);
  if (st) return st;
  size_t n = para ? d->npara : d->nsent;
  if (i >= n)
    return engine_error(e, LEDE_EINVAL, "%s: index %zu out of range (%zu %s)", fn, i, n,
                        para ? "paragraphs" : "sentences");
  dbuf b;
  dbuf_init(&b, NULL);
  unsigned flags = para ? d->paras[i].flags : d->sents[i].flags;
  if (!(flags & ITEM_REMOVED)) {
    if (para) doc_para_text(d, i, &b);
    else doc_sent_text(d, i, &b);
  }
  return give(e, &b, text, len);
}

lede_status lede_doc_paragraph_text(lede_engine *e, lede_doc *d, size_t i, char **text,
                                    size_t *len) {
  return item_text(e, d, i, 1, text, len, "lede_doc_paragraph_text");
}

lede_status lede_doc_sentence_text(lede_engine *e, lede_doc *d, size_t i, char **text,
                                   size_t *len) {
  return item_text(e, d, i, 0, text, len, "lede_doc_sentence_text");
}
