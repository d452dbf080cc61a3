/* doc.c -- paragraphs, sentences and edits as byte ranges over one source. */
#include "doc.h"
#include "seg_lang.h"
#include "segment.h"

#include <stdlib.h>
#include <string.h>

static const char *const kind_names[] = {"paragraph", "heading", "item",
                                         "quote",     "code",    "html"};

const char *doc_kind_name(int kind) {
  if (kind < 0 || kind > PK_HTML) return "paragraph";
  return kind_names[kind];
}

lede_doc *doc_new_take(char *src, size_t len, lede_format format) {
  lede_doc *d = calloc(1, sizeof *d);
  if (!d) return NULL;
  d->src = src;
  d->src[len] = '\0';
  d->len = len;
  d->text = d->src;
  d->textlen = len;
  d->format = format;
  d->seg.quotes = SEG_QUOTES_DEFAULT; /* and English, the built-in list */
  if (pthread_mutex_init(&d->lock, NULL)) {
    free(d);
    return NULL;
  }
  return d;
}

lede_doc *doc_new(const char *src, size_t len, lede_format format) {
  char *copy = malloc(len + 1);
  if (!copy) return NULL;
  if (len) memcpy(copy, src, len);
  lede_doc *d = doc_new_take(copy, len, format);
  if (!d) free(copy);
  return d;
}

/* ---- the edit pool ------------------------------------------------------
 *
 * An edit of every sentence of a 10 MB document makes 130,000 first-edit
 * blocks: a malloc each cost their headers and alignment (2 MB), and a
 * free each at doc_free() 8 ms, longer than the edits' share of rendering.
 * Small ones (EPOOL_BLOCK_MAX bytes at most: nearly every sentence) are
 * bump-allocated from chunks instead, charged to the budget per chunk, and
 * go with the document.  A pooled block is abandoned, not freed, when its
 * sentence's edit list outgrows it (grow_edits): once per sentence at
 * most, as the grown list is malloc'd, so the waste is bounded by
 * EPOOL_BLOCK_MAX bytes per sentence.  A bigger first edit is malloc'd as
 * before and freed as soon as it is outgrown.  Chunks start at 1 KiB and
 * double up to 64 KiB, so a short document with one edit (a JSON Lines
 * record) does not pay for a big one. */

#define EPOOL_BLOCK_MAX ((size_t)512)
#define EPOOL_FIRST ((size_t)1 << 10)
#define EPOOL_CHUNK ((size_t)64 << 10)

struct edit_chunk {
  struct edit_chunk *next;
  size_t size; /* of the whole chunk, header included */
};

/* The size of a first-edit block holding len bytes of text (and its NUL). */
static size_t first_edit_size(size_t len) {
  return sizeof(doc_edits) + sizeof(doc_edit) + len + 1;
}

/* Whether ed is a first-edit block from the pool: it is one while it
 * keeps its text inline (extra != 0: its list never grew), and it came
 * from the pool when that block was small enough. */
static int edits_pooled(const doc_edits *ed) {
  return ed->extra && sizeof *ed + ed->cap * sizeof ed->e[0] + ed->extra <= EPOOL_BLOCK_MAX;
}

/* A first-edit block of n bytes: from the pool when n <= EPOOL_BLOCK_MAX
 * (8-aligned), else malloc'd.  NULL on failure. */
static void *first_edit_alloc(lede_doc *d, size_t n) {
  if (n > EPOOL_BLOCK_MAX) return budget_malloc(d->budget, n);
  n = (n + 7) & ~(size_t)7;
  if ((size_t)(d->epool_end - d->epool_at) < n) {
    size_t size = d->epool ? 2 * d->epool->size : EPOOL_FIRST;
    if (size > EPOOL_CHUNK) size = EPOOL_CHUNK;
    struct edit_chunk *ch = budget_malloc(d->budget, size);
    if (!ch) return NULL;
    ch->next = d->epool;
    ch->size = size;
    d->epool = ch;
    d->epool_at = (char *)(ch + 1);
    d->epool_end = (char *)ch + size;
  }
  void *p = d->epool_at;
  d->epool_at += n;
  return p;
}

static void epool_free(lede_doc *d) {
  for (struct edit_chunk *ch = d->epool, *next; ch; ch = next) {
    next = ch->next;
    budget_free(d->budget, ch, ch->size);
  }
  d->epool = NULL;
  d->epool_at = d->epool_end = NULL;
}

/* Whether edit text s lives in ed's own block (see doc_edits.extra). */
static int edit_text_inline(const doc_edits *ed, const char *s) {
  return ed->extra && s == (const char *)(ed->e + ed->cap);
}

static void free_edits(lede_doc *d, doc_edits *ed) {
  if (!ed) return;
  for (size_t i = 0; i < ed->n; i++)
    if (!edit_text_inline(ed, ed->e[i].s)) budget_free(d->budget, ed->e[i].s, ed->e[i].len + 1);
  if (!edits_pooled(ed)) budget_free(d->budget, ed, sizeof *ed + ed->cap * sizeof ed->e[0] + ed->extra);
}

/* Doubles ed's room for edits; the text kept in its block moves to one of
 * its own first.  0 or -1 (ed unchanged). */
static int grow_edits(lede_doc *d, doc_sent *s) {
  doc_edits *ed = s->edits;
  size_t cap = ed->cap * 2;
  doc_edits *ned;
  if (!ed->extra) {
    ned = budget_realloc(d->budget, ed, sizeof *ed + ed->cap * sizeof ed->e[0],
                         sizeof *ned + cap * sizeof ned->e[0]);
    if (!ned) return -1;
  } else {
    const char *in = (const char *)(ed->e + ed->cap);
    size_t k = 0;
    while (k < ed->n && ed->e[k].s != in) k++;
    char *own = NULL;
    if (k < ed->n && !(own = budget_malloc(d->budget, ed->e[k].len + 1))) return -1;
    ned = budget_malloc(d->budget, sizeof *ned + cap * sizeof ned->e[0]);
    if (!ned) {
      if (own) budget_free(d->budget, own, ed->e[k].len + 1);
      return -1;
    }
    memcpy(ned, ed, sizeof *ed + ed->n * sizeof ed->e[0]);
    if (own) {
      memcpy(own, in, ed->e[k].len + 1);
      ned->e[k].s = own;
    }
    if (!edits_pooled(ed)) budget_free(d->budget, ed, sizeof *ed + ed->cap * sizeof ed->e[0] + ed->extra);
    /* (a pooled one stays in the pool, unused) */
    ned->extra = 0;
  }
  ned->cap = cap;
  s->edits = ned;
  return 0;
}

void doc_free(lede_doc *d) {
  if (!d) return;
  if (d->md_free) d->md_free(d);
  budget_credit(d->budget, d->charged);
  for (size_t i = 0; i < d->nsent; i++) free_edits(d, d->sents[i].edits);
  epool_free(d);
  budget_free(d->budget, d->sents, d->capsent * sizeof *d->sents);
  free(d->paras);
  free(d->map);
  free(d->textbuf);
  free(d->src);
  abbrevs_free(d->seg.abbrevs);
  pthread_mutex_destroy(&d->lock);
  free(d);
}

/* Doubling growth for the item arrays; sizes are in elements. */
static int grow(run_budget *b, void **arr, size_t *cap, size_t need,
                size_t elem) {
  if (need <= *cap) return 0;
  size_t ncap = *cap ? *cap * 2 : 64;
  while (ncap < need) ncap *= 2;
  if (ncap > (size_t)-1 / elem) return -1;
  void *p = budget_realloc(b, *arr, *cap * elem, ncap * elem);
  if (!p) return -1;
  *arr = p;
  *cap = ncap;
  return 0;
}

size_t doc_add_para(lede_doc *d, const doc_para *p) {
  /* Paragraphs are built at load time, before any run: not charged. */
  if (grow(NULL, (void **)&d->paras, &d->cappara, d->npara + 1, sizeof *p))
    return (size_t)-1;
  d->paras[d->npara] = *p;
  return d->npara++;
}

int doc_add_map(lede_doc *d, size_t text, size_t src, size_t len) {
  if (len == 0) return 0;
  if (d->nmap) {
    doc_map *m = &d->map[d->nmap - 1];
    if (m->text + m->len == text && m->src + m->len == src) {
      m->len += len;
      return 0;
    }
  }
  if (grow(NULL, (void **)&d->map, &d->capmap, d->nmap + 1, sizeof *d->map))
    return -1;
  d->map[d->nmap++] = (doc_map){text, src, len};
  return 0;
}

size_t doc_text_to_src(const lede_doc *d, size_t pi, size_t toff) {
  const doc_para *p = &d->paras[pi];
  if (d->text == d->src) return toff;
  /* Binary search for the last entry starting at or before toff. */
  size_t lo = p->map_first, hi = p->map_first + p->map_n;
  if (lo == hi) return p->start;
  while (hi - lo > 1) {
    size_t mid = lo + (hi - lo) / 2;
    if (d->map[mid].text <= toff) lo = mid;
    else hi = mid;
  }
  const doc_map *m = &d->map[lo];
  if (toff < m->text) return m->src;
  if (toff < m->text + m->len) return m->src + (toff - m->text);
  /* Past this entry: a byte with no one-to-one source (an entity or a
   * line break) belongs to the next entry's start, or the block's end. */
  if (lo + 1 < p->map_first + p->map_n) return d->map[lo + 1].src;
  return m->src + m->len < p->end ? m->src + m->len : p->end;
}

/* Source offset just past plain-text bytes ending at tend in paragraph pi.
 * A text byte decoded from an escape (\!) or an entity (&amp;) maps to the
 * first source byte of its spelling; the spelling ends one byte later for
 * an escape and at the ';' for an entity. */
size_t doc_text_to_src_end(const lede_doc *d, size_t pi, size_t tend) {
  if (d->text == d->src) return tend;
  const doc_para *p = &d->paras[pi];
  size_t pos = doc_text_to_src(d, pi, tend - 1);
  size_t end = pos + 1;
  char t = d->text[tend - 1];
  if (d->src[pos] == '\\' && t != '\\' && pos + 1 < p->end) {
    end = pos + 2;
  } else if (d->src[pos] == '&') {
    size_t k = pos + 1, lim = pos + 34 < p->end ? pos + 34 : p->end;
    if (k < lim && d->src[k] == '#') k++;
    size_t name = k;
    while (k < lim && (((d->src[k] | 0x20) >= 'a' && (d->src[k] | 0x20) <= 'z') ||
                       (d->src[k] >= '0' && d->src[k] <= '9')))
      k++;
    if (k > name && k < lim && d->src[k] == ';') end = k + 1;
  }
  return end < p->end ? end : p->end;
}

/* ---- segmentation ------------------------------------------------------- */

typedef struct seg_ctx {
  lede_doc *d;
  size_t pi;
  size_t base; /* text offset of the paragraph */
} seg_ctx;

static int add_sentence(void *ud, size_t start, size_t end) {
  seg_ctx *c = ud;
  lede_doc *d = c->d;
  /* Charged per sentence, so one huge paragraph is stopped too. */
  if (budget_spend(d->budget, COST_ITEM + BYTES_COST(end - start))) return LEDE_ELIMIT;
  if (grow(d->budget, (void **)&d->sents, &d->capsent, d->nsent + 1,
           sizeof *d->sents))
    return d->budget && d->budget->hit ? LEDE_ELIMIT : LEDE_ENOMEM;
  doc_sent *s = &d->sents[d->nsent++];
  s->tstart = c->base + start;
  s->tend = c->base + end;
  s->start = doc_text_to_src(d, c->pi, s->tstart);
  s->end = doc_text_to_src_end(d, c->pi, s->tend);
  s->para = c->pi;
  s->flags = 0;
  s->version = 0;
  s->edits = NULL;
  return 0;
}

int doc_seg_copy(lede_doc *d, const seg_abbrevs *abbrevs) {
  seg_abbrevs *copy = abbrevs ? abbrevs_clone(abbrevs) : NULL;
  if (abbrevs && !copy) return LEDE_ENOMEM;
  abbrevs_free(d->seg.abbrevs);
  d->seg.abbrevs = copy;
  return 0;
}

int doc_seg_set(lede_doc *d, const char *language, lede_quotes quotes) {
  int lang = language ? seg_lang_find(language, strlen(language)) : SEG_LANG_EN;
  if (lang < 0 || (unsigned)quotes > LEDE_QUOTES_KEEP) return LEDE_EINVAL;
  d->seg.language = lang;
  d->seg.quotes = quotes == LEDE_QUOTES_KEEP    ? SEG_QUOTES_KEEP
                  : quotes == LEDE_QUOTES_SPLIT ? SEG_QUOTES_SPLIT
                                                : SEG_QUOTES_DEFAULT;
  return 0;
}

int doc_segment(lede_doc *d) {
  if (d->segmented) return 0;
  /* A run stopped half-way (a limit) left some sentences: start over.
   * They hold no edits yet, so nothing else needs freeing. */
  d->nsent = 0;
  seg_ctx c = {d, 0, 0};
  for (size_t pi = 0; pi < d->npara; pi++) {
    doc_para *p = &d->paras[pi];
    p->first_sent = d->nsent;
    p->nsent = 0;
    p->nsent_removed = 0;
    if (p->kind == PK_CODE || p->kind == PK_HTML) continue;
    c.pi = pi;
    c.base = p->tstart;
    int st = segment(&d->seg, d->text + p->tstart, p->tend - p->tstart,
                     add_sentence, &c);
    if (st) return st;
    p->nsent = d->nsent - p->first_sent;
    if (budget_spend(d->budget, COST_ITEM)) return LEDE_ELIMIT;
  }
  /* Removed paragraphs carry their sentences with them, counted like any
   * other removal: lists trust nremoved_sents to know whether to filter. */
  for (size_t pi = 0; pi < d->npara; pi++)
    if (d->paras[pi].flags & ITEM_REMOVED)
      for (size_t k = 0; k < d->paras[pi].nsent; k++)
        doc_sent_remove(d, d->paras[pi].first_sent + k);
  d->segmented = 1;
  return 0;
}

/* ---- reading ------------------------------------------------------------ */

void doc_sent_text(const lede_doc *d, size_t si, dbuf *b) {
  const doc_sent *s = &d->sents[si];
  size_t pos = s->tstart;
  if (s->edits)
    for (size_t k = 0; k < s->edits->n; k++) {
      const doc_edit *e = &s->edits->e[k];
      dbuf_put(b, d->text + pos, e->a - pos);
      dbuf_put(b, e->s, e->len);
      pos = e->b;
    }
  dbuf_put(b, d->text + pos, s->tend - pos);
}

size_t doc_sent_textlen(const lede_doc *d, size_t si) {
  const doc_sent *s = &d->sents[si];
  size_t n = s->tend - s->tstart;
  if (s->edits)
    for (size_t k = 0; k < s->edits->n; k++)
      n = n - (s->edits->e[k].b - s->edits->e[k].a) + s->edits->e[k].len;
  return n;
}

void doc_para_text(const lede_doc *d, size_t pi, dbuf *b) {
  const doc_para *p = &d->paras[pi];
  if (!d->segmented || p->nsent == 0) {
    dbuf_put(b, d->text + p->tstart, p->tend - p->tstart);
    return;
  }
  /* A removed sentence takes the space after it along, so the gap written
   * before a kept sentence is the one that followed the previous kept
   * sentence; an untouched paragraph reads exactly as its plain text. */
  const doc_sent *ss = d->sents + p->first_sent;
  size_t prev = (size_t)-1;
  dbuf_put(b, d->text + p->tstart, ss[0].tstart - p->tstart);
  for (size_t k = 0; k < p->nsent; k++) {
    if (ss[k].flags & ITEM_REMOVED) continue;
    if (prev != (size_t)-1)
      dbuf_put(b, d->text + ss[prev].tend, ss[prev + 1].tstart - ss[prev].tend);
    doc_sent_text(d, p->first_sent + k, b);
    prev = k;
  }
  const doc_sent *tail = &ss[p->nsent - 1];
  dbuf_put(b, d->text + tail->tend, p->tend - tail->tend);
}

/* ---- editing ------------------------------------------------------------ */

/* Original offset of current-text offset i, which lies in untouched text
 * (not strictly inside any replacement). */
static size_t cur_to_orig(const doc_sent *s, size_t i) {
  size_t pos = s->tstart, cur = 0;
  if (s->edits)
    for (size_t k = 0; k < s->edits->n; k++) {
      const doc_edit *e = &s->edits->e[k];
      if (i < cur + (e->a - pos)) break;
      cur += (e->a - pos) + e->len;
      pos = e->b;
    }
  return pos + (i - cur);
}

static int edit_fail(const lede_doc *d) {
  return d->budget && d->budget->hit ? LEDE_ELIMIT : LEDE_ENOMEM;
}

/* The new edit swallows every existing edit whose replacement touches
 * [i, j] in current coordinates; text of those replacements outside [i, j]
 * is kept around r.  Edits stay sorted and disjoint in original
 * coordinates, so rendering can apply them in one pass. */
int doc_sent_replace(lede_doc *d, size_t si, size_t i, size_t j,
                     const char *r, size_t rl) {
  doc_sent *s = &d->sents[si];
  doc_edits *ed = s->edits;
  size_t first = (size_t)-1, last = 0; /* merged edits: [first, last] */
  size_t cfirst = 0, clast_end = 0;    /* their current ranges */
  size_t pos = s->tstart, cur = 0;
  for (size_t k = 0; ed && k < ed->n; k++) {
    const doc_edit *e = &ed->e[k];
    size_t c = cur + (e->a - pos);
    if (c <= j && c + e->len >= i) {
      if (first == (size_t)-1) {
        first = k;
        cfirst = c;
      }
      last = k;
      clast_end = c + e->len;
    }
    cur = c + e->len;
    pos = e->b;
  }
  size_t a, b, prelen = 0, postlen = 0;
  const char *pre = "", *post = "";
  if (first != (size_t)-1) {
    if (cfirst <= i) {
      a = ed->e[first].a;
      pre = ed->e[first].s;
      prelen = i - cfirst;
    } else {
      a = cur_to_orig(s, i);
    }
    if (clast_end >= j) {
      b = ed->e[last].b;
      post = ed->e[last].s + (ed->e[last].len - (clast_end - j));
      postlen = clast_end - j;
    } else {
      b = cur_to_orig(s, j);
    }
  } else {
    a = cur_to_orig(s, i);
    b = cur_to_orig(s, j);
  }
  size_t nlen = prelen + rl + postlen;
  char *ns;
  if (!ed) {
    /* the sentence's first edit: the list and the text in one block */
    ed = first_edit_alloc(d, first_edit_size(nlen));
    if (!ed) return edit_fail(d);
    ed->n = 0;
    ed->cap = 1;
    ed->extra = nlen + 1;
    ns = (char *)(ed->e + 1);
    s->edits = ed;
    d->nedited++;
  } else {
    ns = budget_malloc(d->budget, nlen + 1);
    if (!ns) return edit_fail(d);
  }
  memcpy(ns, pre, prelen);
  if (rl) memcpy(ns + prelen, r, rl);
  memcpy(ns + prelen + rl, post, postlen);
  ns[nlen] = '\0';

  if (ed->n == ed->cap) {
    if (grow_edits(d, s)) {
      budget_free(d->budget, ns, nlen + 1);
      return edit_fail(d);
    }
    ed = s->edits;
  }
  /* Replace the merged run [first, last] (or insert at its sorted place)
   * by the new edit. */
  size_t at, drop = 0;
  if (first != (size_t)-1) {
    at = first;
    drop = last - first + 1;
    for (size_t k = first; k <= last; k++)
      if (!edit_text_inline(ed, ed->e[k].s)) budget_free(d->budget, ed->e[k].s, ed->e[k].len + 1);
  } else {
    at = 0;
    while (at < ed->n && ed->e[at].a < a) at++;
  }
  memmove(&ed->e[at + 1], &ed->e[at + drop],
          (ed->n - at - drop) * sizeof ed->e[0]);
  ed->e[at] = (doc_edit){a, b, ns, nlen};
  ed->n = ed->n - drop + 1;
  s->version++;
  return 0;
}

void doc_sent_remove(lede_doc *d, size_t si) {
  if (d->sents[si].flags & ITEM_REMOVED) return;
  d->sents[si].flags |= ITEM_REMOVED;
  d->nremoved_sents++;
  doc_para *p = &d->paras[d->sents[si].para];
  if (++p->nsent_removed == p->nsent && !(p->flags & ITEM_REMOVED)) {
    p->flags |= ITEM_REMOVED;
    d->nremoved_paras++;
  }
}

void doc_para_remove(lede_doc *d, size_t pi) {
  doc_para *p = &d->paras[pi];
  if (p->flags & ITEM_REMOVED) return;
  p->flags |= ITEM_REMOVED;
  d->nremoved_paras++;
  if (d->segmented)
    for (size_t k = 0; k < p->nsent; k++)
      doc_sent_remove(d, p->first_sent + k);
}
