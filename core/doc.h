/* doc.h -- the document model: source, paragraphs, sentences, words and
 * edits, all as byte ranges.  No Lua and no I/O here.  Internal.
 *
 * Coordinates.  Every document has a source (doc->src, the bytes loaded,
 * after optional UTF-8 repair) and a plain text (doc->text).  For plain-text
 * documents the two are the same buffer.  For Markdown, doc->text holds the
 * inline content of each text block with mark-up removed, and doc->map
 * takes plain-text offsets back to source offsets.  Sentences and words are
 * found in the plain text; their source ranges come through the map.
 *
 * Edits never move anything: an edit is recorded on its sentence as
 * "replace plain-text bytes [a,b) with s" in the original coordinates, so
 * offsets of every other item stay as loaded.  Rendering applies them. */
#ifndef LEDE_DOC_H
#define LEDE_DOC_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "budget.h"
#include "buf.h"
#include "lede.h"
#include "segment.h"

enum para_kind { PK_PARAGRAPH, PK_HEADING, PK_ITEM, PK_QUOTE, PK_CODE, PK_HTML };

#define ITEM_REMOVED 1u

typedef struct doc_edit {
  size_t a, b; /* replaced plain-text range, original coordinates */
  char *s;     /* replacement (budget-charged), len bytes */
  size_t len;
} doc_edit;

typedef struct doc_edits {
  size_t n, cap;
  /* bytes after e[cap] in this block: a sentence's first edit keeps its
   * text there (one allocation per edited sentence, not two), 0 once the
   * list has grown.  Such a block lives in the document's edit pool (see
   * doc.c); a grown list is malloc'd. */
  size_t extra;
  doc_edit e[]; /* sorted by a, non-overlapping */
} doc_edits;

typedef struct doc_para {
  size_t start, end;   /* source range [start, end) */
  size_t tstart, tend; /* plain-text range in doc->text */
  size_t first_sent, nsent; /* into doc->sents once segmented */
  size_t nsent_removed;     /* of those; when all go, so does the paragraph */
  size_t map_first, map_n;  /* markdown: this block's doc->map entries */
  uint8_t kind, level, depth, flags;
  void *node;          /* markdown: the cmark block node */
} doc_para;

typedef struct doc_sent {
  size_t tstart, tend; /* plain-text range in doc->text */
  size_t start, end;   /* source range [start, end) */
  size_t para;
  unsigned flags;
  unsigned version;    /* bumped by every edit: word handles check it */
  doc_edits *edits;    /* NULL while untouched */
} doc_sent;

/* Plain-text bytes [text, text+len) come from source bytes [src, src+len)
 * one to one; a text offset inside no entry (an entity, an escape, a soft
 * line break) maps to the start of the entry after it. */
typedef struct doc_map {
  size_t text, src, len;
} doc_map;

struct lede_doc {
  char *src;             /* OWNED, NUL-terminated */
  size_t len;
  const char *text;      /* == src for plain text, == textbuf for Markdown */
  size_t textlen;
  char *textbuf;
  lede_format format;
  doc_para *paras;
  size_t npara, cappara;
  doc_sent *sents;
  size_t nsent, capsent;
  /* Set (last, with release order: C11 atomics are sequentially
   * consistent by default) once every sentence is written, so a reader on
   * another thread that sees 1 sees the sentences too.  Segmenting itself
   * is serialised by lock (lede.c), the one mutable step of reading. */
  atomic_int segmented;
  pthread_mutex_t lock;  /* see above; also serialises Markdown renders */
  doc_map *map;
  size_t nmap, capmap;
  size_t nremoved_paras, nremoved_sents, nedited;
  seg_options seg;       /* how it is cut into sentences (segment.h): fixed
                            when it is loaded (doc_load copies the loader's
                            settings) and never changed by whoever reads it
                            first, so a script's lede.abbreviations.add
                            cannot move the host's sentences; seg.abbrevs is
                            OWNED (NULL: the built-in list) */
  run_budget *budget;    /* charged for memory allocated now; may be NULL */
  size_t charged;        /* bytes of the loaded document charged to budget by
                            whoever loaded it (a script); credited by doc_free */
  /* The edit pool: chunks holding the first-edit blocks of sentences
   * (doc_edits with extra != 0), bump-allocated, freed with the document */
  struct edit_chunk *epool;
  char *epool_at, *epool_end;
  void *md;              /* Markdown state (md_internal.h), NULL for plain text */
  void (*md_free)(struct lede_doc *);
};

/* ---- building ----------------------------------------------------------- */

/* A new empty document owning a copy of src[0..len).  NULL on OOM. */
lede_doc *doc_new(const char *src, size_t len, lede_format format);
/* As doc_new, taking ownership of src (malloc'd, at least len + 1 bytes)
 * instead of copying it: a 100 MB file is not held twice while loading. */
lede_doc *doc_new_take(char *src, size_t len, lede_format format);
void doc_free(lede_doc *d);
/* Appends a paragraph; returns its index or (size_t)-1 on OOM. */
size_t doc_add_para(lede_doc *d, const doc_para *p);
/* Appends a text->source map entry (merging with the previous one when
 * contiguous); 0 or -1. */
int doc_add_map(lede_doc *d, size_t text, size_t src, size_t len);

/* Cuts a plain-text document into paragraphs (text.c). 0 or a status. */
int text_load(lede_doc *d, lede_para_mode mode);
/* The mode AUTO resolves to for src (exposed for tests). */
lede_para_mode text_detect_mode(const char *src, size_t len);

/* Sets d's segmentation options to a copy of abbrevs (NULL: the built-in
 * list), replacing any before.  0 or LEDE_ENOMEM. */
int doc_seg_copy(lede_doc *d, const seg_abbrevs *abbrevs);
/* Sets d's language (a name lede_language() knows; NULL: English) and
 * quotation handling.  0, or LEDE_EINVAL for anything else. */
int doc_seg_set(lede_doc *d, const char *language, lede_quotes quotes);
/* Segments every text paragraph into sentences with d->seg, once.  0,
 * LEDE_ENOMEM, or LEDE_ELIMIT when the budget stopped it.  Not safe to
 * call on one document from two threads at once: lede_doc_prepare()
 * exists so a host can segment before sharing. */
int doc_segment(lede_doc *d);
/* doc_segment() under d->lock, for readers that may share d between
 * threads (reader.c). */
int doc_lock_segment(lede_doc *d);

/* Source offset for a plain-text offset inside paragraph pi. */
size_t doc_text_to_src(const lede_doc *d, size_t pi, size_t toff);
/* Source offset just past the plain-text range that ends at tend (> the
 * paragraph's tstart): the exclusive end of its source bytes. */
size_t doc_text_to_src_end(const lede_doc *d, size_t pi, size_t tend);

/* ---- reading ------------------------------------------------------------ */

/* Current text of sentence si (edits applied) appended to b. */
void doc_sent_text(const lede_doc *d, size_t si, dbuf *b);
/* Current text of paragraph pi: its sentences with edits applied, removed
 * sentences and the space after them dropped. */
void doc_para_text(const lede_doc *d, size_t pi, dbuf *b);
/* Length of the current text of sentence si. */
size_t doc_sent_textlen(const lede_doc *d, size_t si);

/* ---- editing (all return 0, LEDE_ENOMEM or LEDE_ELIMIT) ------------------ */

/* Replaces bytes [i, j) of the sentence's current text with r[0..rl). */
int doc_sent_replace(lede_doc *d, size_t si, size_t i, size_t j,
                     const char *r, size_t rl);
/* Removing the last sentence left in a paragraph removes the paragraph
 * too, so no renderer leaves an empty paragraph and its separators. */
void doc_sent_remove(lede_doc *d, size_t si);
void doc_para_remove(lede_doc *d, size_t pi);

/* ---- rendering (render.c, md_*.c) ----------------------------------------- */

/* Appends the rendering of d in fmt to out; 0 or a status. */
int doc_render(lede_doc *d, lede_format fmt, unsigned flags, dbuf *out);
/* Plain-text documents rendered as text: the source with edits applied. */
int render_text_source(const lede_doc *d, dbuf *out);
/* The object model as JSON (see README). */
int render_json(const lede_doc *d, dbuf *out);

/* Markdown (md_*.c, private header md_internal.h).  md_load parses d->src with cmark and fills paragraphs,
 * plain text and map.  md_render renders markdown/html/text with every
 * edit applied to the tree.  Both return 0 or a status. */
int md_load(lede_doc *d);
int md_render(lede_doc *d, lede_format fmt, unsigned flags, dbuf *out);

/* Kind names as scripts see them ("paragraph", "heading", ...). STATIC. */
const char *doc_kind_name(int kind);

#endif
