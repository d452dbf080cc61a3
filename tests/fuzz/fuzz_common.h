/* fuzz_common.h -- shared checks for the libFuzzer targets.  The targets
 * are built with the core sources (make fuzz), so they may use the
 * internal headers: the invariants below are the ones the Lua API relies
 * on, and a violation aborts so libFuzzer saves the input. */
#ifndef LEDE_FUZZ_COMMON_H
#define LEDE_FUZZ_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc.h"
#include "lede.h"
#include "words.h"

#define FUZZ_CHECK(cond)                                                    \
  do {                                                                      \
    if (!(cond)) {                                                          \
      fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, \
              #cond);                                                       \
      abort();                                                              \
    }                                                                       \
  } while (0)

/* Source ranges of every document are checked.  -DFUZZ_LOOSE_MD (make fuzz
 * FUZZ_LOOSE_MD=1) skips them for Markdown, to hunt other bugs while a
 * known range bug is being fixed. */
#ifdef FUZZ_LOOSE_MD
#define SOURCE_RANGES_CHECKED(d) ((d)->format != LEDE_FORMAT_MARKDOWN)
#else
#define SOURCE_RANGES_CHECKED(d) 1
#endif

static int fuzz_count_word(void *ud, size_t start, size_t end) {
  size_t *n = ud; /* n[0] words, n[1] length of the scanned text, n[2] last end */
  FUZZ_CHECK(start < end && end <= n[1] && start >= n[2]);
  n[0]++;
  n[2] = end;
  return 0;
}

static int fuzz_alnum(char c) {
  return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

/* An untouched sentence's or word's source range [a, b) starts and ends on
 * the bytes that spell its text t[0..n): an ASCII letter or digit at
 * either end is that byte of the source, or the '&' / ';' of an entity
 * (no escape spells one). */
static void fuzz_check_spelling(const lede_doc *d, size_t a, size_t b, const char *t, size_t n) {
  if (!n) return;
  FUZZ_CHECK(a < b);
  if (fuzz_alnum(t[0])) FUZZ_CHECK(d->src[a] == t[0] || d->src[a] == '&');
  if (fuzz_alnum(t[n - 1])) FUZZ_CHECK(d->src[b - 1] == t[n - 1] || d->src[b - 1] == ';');
}

typedef struct fuzz_words {
  const lede_doc *d;
  const doc_sent *s;
  size_t n[3]; /* as fuzz_count_word */
} fuzz_words;

static int fuzz_source_word(void *ud, size_t start, size_t end) {
  fuzz_words *w = ud;
  fuzz_count_word(w->n, start, end);
  const lede_doc *d = w->d;
  const doc_sent *s = w->s;
  size_t a = doc_text_to_src(d, s->para, s->tstart + start);
  size_t b = doc_text_to_src_end(d, s->para, s->tstart + end);
  FUZZ_CHECK(s->start <= a && a < b && b <= s->end);
  fuzz_check_spelling(d, a, b, d->text + s->tstart + start, end - start);
  return 0;
}

/* Ranges of paragraphs and sentences stay inside the document, in order,
 * each sentence inside its paragraph, spelt by its first and last bytes
 * while untouched (and so are its words); the words of every sentence lie
 * inside its current text. */
static void fuzz_check_doc(lede_doc *d) {
  FUZZ_CHECK(d->textlen == 0 || d->text != NULL);
  for (size_t pi = 0; pi < d->npara; pi++) {
    const doc_para *p = &d->paras[pi];
    if (SOURCE_RANGES_CHECKED(d)) FUZZ_CHECK(p->start <= p->end && p->end <= d->len);
    FUZZ_CHECK(p->tstart <= p->tend && p->tend <= d->textlen);
    if (!d->segmented) continue;
    FUZZ_CHECK(p->first_sent + p->nsent <= d->nsent);
  }
  if (!d->segmented) return;
  dbuf b;
  dbuf_init(&b, NULL);
  for (size_t si = 0; si < d->nsent; si++) {
    const doc_sent *s = &d->sents[si];
    FUZZ_CHECK(s->para < d->npara);
    const doc_para *p = &d->paras[s->para];
    FUZZ_CHECK(p->tstart <= s->tstart && s->tstart <= s->tend && s->tend <= p->tend);
    if (SOURCE_RANGES_CHECKED(d))
      FUZZ_CHECK(p->start <= s->start && s->start <= s->end && s->end <= p->end);
    if (si > 0) FUZZ_CHECK(d->sents[si - 1].tend <= s->tstart);
    b.n = 0;
    doc_sent_text(d, si, &b);
    FUZZ_CHECK(!b.failed);
    FUZZ_CHECK(b.n == doc_sent_textlen(d, si));
    if (SOURCE_RANGES_CHECKED(d) && !s->edits && !(s->flags & ITEM_REMOVED)) {
      fuzz_check_spelling(d, s->start, s->end, d->text + s->tstart, s->tend - s->tstart);
      fuzz_words fw = {d, s, {0, b.n, 0}};
      words_scan(b.p ? b.p : "", b.n, fuzz_source_word, &fw);
    } else {
      size_t w[3] = {0, b.n, 0};
      words_scan(b.p ? b.p : "", b.n, fuzz_count_word, w);
    }
  }
  for (size_t pi = 0; pi < d->npara; pi++) {
    b.n = 0;
    doc_para_text(d, pi, &b);
    FUZZ_CHECK(!b.failed);
  }
  dbuf_free(&b);
}

/* Renders d in fmt through the public API; the output is NUL-terminated. */
static void fuzz_render(lede_engine *e, lede_doc *d, lede_format fmt, unsigned flags) {
  char *out = NULL;
  size_t n = 0;
  lede_status st = lede_doc_render(e, d, fmt, flags, &out, &n);
  FUZZ_CHECK(st == LEDE_OK || st == LEDE_EINVAL);
  if (st == LEDE_OK) {
    FUZZ_CHECK(out != NULL && out[n] == '\0');
    lede_free(out);
  }
}

#endif
