/* md.c -- Markdown documents through libcmark: load, edit, render.
 *
 * Loading.  cmark parses the source into a tree that we keep: the identity
 * HTML render is then exactly cmark's.  Every text block (paragraph,
 * heading, code block, HTML block) becomes a doc paragraph.  The plain text
 * of a paragraph or heading is its inline content with mark-up removed
 * (text and code-span literals, a soft break as one space, a hard break as
 * a newline), and the doc map takes each plain-text byte back to its source
 * byte.  cmark's inline source positions are wrong on continuation lines
 * (upstream issues 296 and 442), so we take only block positions from cmark
 * and find every inline node in the source ourselves: a cursor walks the
 * block's content stream (its source lines without container prefixes) in
 * step with the inline tree -- see "scanner" below.
 *
 * Editing.  doc.c records edits per sentence in original plain-text
 * coordinates.  Before a render we apply them to the tree block by block
 * (apply_para): each edit is cut at the inline leaves it spans, so mark-up
 * around untouched bytes stays.  The same plan is written as patches of the
 * source for `--to markdown`, so an edited document keeps its own layout.
 * A block whose edits change after they were applied is restored by
 * re-parsing the source (cmark is fast, and this only happens when a script
 * renders, edits the same paragraph again and renders again).
 *
 * Memory.  cmark's default allocator aborts on out-of-memory; ours charges
 * the document's budget, tracks every block, and on failure longjmps back
 * to the md_load/md_render entry, which frees the whole tree. */
#include <cmark.h>
#include <setjmp.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <stdio.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "doc.h"

/* ---- allocator ---------------------------------------------------------- */

/* The arena a document's cmark tree lives in.  cmark makes millions of
 * small allocations (nodes, literals); a malloc each was 40% of load time.
 * Small blocks (up to MD_SMALL_MAX bytes) are carved from 256 KiB chunks
 * and recycled through per-size-class free lists; a tag word before each
 * block holds its class.  Larger blocks (render buffers, long literals) are
 * malloc'd one by one on a doubly linked list.  Freeing everything is then
 * a walk over chunks, which also cleans up after a longjmp.  The budget is
 * charged per chunk and per large block. */
#define MD_CHUNK ((size_t)256 << 10)
#define MD_SMALL_MAX 2048
#define MD_NCLASS 36
#define MD_LARGE 0xFFFFu

typedef struct mchunk {
  struct mchunk *next;
  size_t size;
} mchunk;

typedef struct mlarge {
  struct mlarge *prev, *next;
  size_t size;
  uint64_t tag; /* MD_LARGE: the tag word every block has before it */
} mlarge;

typedef struct marena {
  mchunk *chunks;
  char *cur, *end;           /* bump region of the newest chunk */
  void *free[MD_NCLASS];     /* recycled small blocks, by class */
  mlarge large;              /* sentinel of the large blocks */
  size_t charged;            /* bytes charged to budgets, to credit back */
} marena;

/* Line starts of the source, splitting at \n, \r\n and \r as cmark does.
 * lines[k] is the offset of line k+1; lines[nlines] == len. */
typedef struct lines {
  size_t *at;
  size_t n;
  size_t bom; /* cmark skips a leading UTF-8 BOM: columns of line 1 start after it */
} lines;

typedef struct md_patch {
  size_t a, b;   /* source range replaced */
  char *s;       /* replacement, arena memory */
  size_t len;
} md_patch;

typedef struct md_state {
  lede_doc *d;
  cmark_mem mem;      /* the callbacks below; nodes point at it */
  marena arena;
  cmark_node *root;   /* NULL after a failed call: the next one re-parses */
  int status;         /* why the last protected call failed */
  /* Per paragraph: the edit signature (para_sig) applied to the tree, 0
   * while its block is pristine.  budget memory, survives re-parses. */
  size_t *applied;
  size_t napplied;
  int tree_edited;    /* some block of the tree differs from the source */
  /* Source patches that turn the source into the edited Markdown, one list
   * per paragraph, built with the tree edits (arena memory). */
  md_patch *patches;  /* all patches so far, in no particular order */
  size_t npatches, cappatches;
  /* Text patches cost time and only --to markdown needs them: an HTML or
   * text render edits the tree alone (plus the cheap block patches), and a
   * Markdown render after that re-applies everything from a fresh parse
   * with text patches on. */
  int want_patches, have_patches;
  int patch_failed;   /* a patch could not be made: render the tree instead */
  cmark_node **lists; /* lists that lost items or blocks (arena) */
  size_t nlists;
  /* link reference definitions rescued from removed blocks: appended to
   * the edited Markdown (arena) */
  struct abuf {
    char *p;
    size_t n, cap;
  } trailer;
  lines ln;           /* line index of the source (arena), once built */
} md_state;

/* The context of the md_load/md_render call running on this thread.
 *
 * This is the one thread-local in liblede, and the reason is cmark's
 * allocator interface: cmark_mem's callbacks receive no context pointer,
 * so a failing calloc() has no other way to find the jmp_buf of the call
 * it must abandon.  (free and realloc find their document through the
 * block header.)  It is set only while a protected call runs, restored on
 * exit, and never shared between threads, so one-engine-per-thread
 * embedding stays safe. */
typedef struct md_ctx {
  md_state *m;
  jmp_buf jb;
  struct md_ctx *prev;
} md_ctx;

static _Thread_local md_ctx *tl_ctx;

/* Abandons the current protected call with status st. */
static _Noreturn void mem_fail(int st) {
  md_ctx *c = tl_ctx;
  c->m->status = st;
  longjmp(c->jb, 1);
}

/* The budget of the run using the document now: documents point at one
 * only while a run uses them (NULL at load time: not charged). */
static run_budget *m_budget(const md_state *m) { return m->d->budget; }

/* Size classes: 16-byte steps to 256, 64-byte steps to 1024, 128-byte
 * steps to 2048. */
static unsigned size_class(size_t n) {
  if (n <= 256) return (unsigned)((n + 15) / 16) - (n ? 1 : 0);
  if (n <= 1024) return 16 + (unsigned)((n - 256 + 63) / 64) - 1;
  return 28 + (unsigned)((n - 1024 + 127) / 128) - 1;
}

/* The block size of class c: the inverse of size_class(). */
static size_t class_size(unsigned c) {
  if (c < 16) return (size_t)(c + 1) * 16;
  if (c < 28) return 256 + (size_t)(c - 15) * 64;
  return 1024 + (size_t)(c - 27) * 128;
}

/* The tag word before every block: its size class, or MD_LARGE. */
static uint64_t *blk_tag(void *p) { return (uint64_t *)p - 1; }

/* Charges n bytes to the current budget and remembers them, so releasing
 * the arena can credit exactly what was charged, whichever run charged it.
 * Never returns on failure. */
static void arena_charge(md_state *m, size_t n) {
  /* cmark can spend a long time in one call on a big document: a new
   * chunk is where a time limit gets its chance to stop it */
  if (budget_interrupted(m_budget(m))) mem_fail(LEDE_ELIMIT);
  if (budget_charge(m_budget(m), n)) mem_fail(LEDE_ELIMIT);
  m->arena.charged += n;
}

/* The inverse of arena_charge(), for a large block freed on its own. */
static void arena_credit(md_state *m, size_t n) {
  budget_credit(m_budget(m), n);
  m->arena.charged -= n;
}

/* A zeroed small block of class c. */
static void *small_alloc(md_state *m, unsigned c) {
  marena *a = &m->arena;
  size_t cs = class_size(c);
  void *p = a->free[c];
  if (p) {
    a->free[c] = *(void **)p;
    memset(p, 0, cs);
    return p;
  }
  if ((size_t)(a->end - a->cur) < cs + 8) {
    arena_charge(m, MD_CHUNK);
    /* calloc: a chunk this big comes zeroed from the kernel, so fresh
     * blocks need no memset */
    mchunk *ch = calloc(1, MD_CHUNK);
    if (!ch) {
      arena_credit(m, MD_CHUNK);
      mem_fail(LEDE_ENOMEM);
    }
    ch->next = a->chunks;
    ch->size = MD_CHUNK;
    a->chunks = ch;
    a->cur = (char *)(ch + 1);
    a->end = (char *)ch + MD_CHUNK;
  }
  *(uint64_t *)a->cur = c;
  p = a->cur + 8;
  a->cur += cs + 8;
  return p;
}

/* A zeroed block too big for the size classes, on the large list so that
 * it can be freed alone (render buffers are freed as soon as copied out). */
static void *large_alloc(md_state *m, size_t n) {
  if (n > SIZE_MAX - sizeof(mlarge)) mem_fail(LEDE_ENOMEM);
  arena_charge(m, n + sizeof(mlarge));
  mlarge *h = calloc(1, sizeof *h + n);
  if (!h) {
    arena_credit(m, n + sizeof(mlarge));
    mem_fail(LEDE_ENOMEM);
  }
  marena *a = &m->arena;
  h->size = n;
  h->tag = MD_LARGE;
  h->prev = &a->large;
  h->next = a->large.next;
  a->large.next->prev = h;
  a->large.next = h;
  return h + 1;
}

/* A zeroed block of n bytes: small from a class, else large. */
static void *arena_calloc(md_state *m, size_t n) {
  return n <= MD_SMALL_MAX ? small_alloc(m, size_class(n)) : large_alloc(m, n);
}

/* Returns a block: a large one to the system, a small one to its class's
 * free list (small blocks are only given back with the whole arena). */
static void arena_free(md_state *m, void *p) {
  uint64_t tag = *blk_tag(p);
  if (tag == MD_LARGE) {
    mlarge *h = (mlarge *)p - 1;
    h->prev->next = h->next;
    h->next->prev = h->prev;
    arena_credit(m, h->size + sizeof *h);
    free(h);
    return;
  }
  /* small: recycled within its class, released with the arena */
  *(void **)p = m->arena.free[tag];
  m->arena.free[tag] = p;
}

/* The usable size of a block, which realloc() may grow into in place. */
static size_t blk_size(void *p) {
  uint64_t tag = *blk_tag(p);
  return tag == MD_LARGE ? ((mlarge *)p - 1)->size : class_size((unsigned)tag);
}

/* cmark_mem callbacks.  Every cmark call runs inside md_protected(), so
 * tl_ctx names the document (cmark_mem passes no context). */
static void *md_calloc(size_t n, size_t size) {
  md_ctx *c = tl_ctx;
  if (!c) return calloc(n, size); /* unreachable; never crash */
  if (size && n > SIZE_MAX / size) mem_fail(LEDE_ENOMEM);
  return arena_calloc(c->m, n * size);
}

/* cmark grows its buffers with realloc: a block that still fits stays; a
 * large one stays large (glibc moves big ones with mremap, no copy); else
 * the contents move to a new block. */
static void *md_realloc(void *p, size_t size) {
  md_ctx *c = tl_ctx;
  if (!c) return realloc(p, size);
  if (!p) return arena_calloc(c->m, size);
  size_t old = blk_size(p);
  if (size <= old && (*blk_tag(p) != MD_LARGE || size > old / 2)) return p;
  if (*blk_tag(p) == MD_LARGE && size > MD_SMALL_MAX) {
    /* large stays large: let realloc move it (mremap for big ones) */
    mlarge *h = (mlarge *)p - 1, *prev = h->prev, *next = h->next;
    if (size > old) arena_charge(c->m, size - old);
    mlarge *nh = realloc(h, sizeof *h + size);
    if (!nh) {
      if (size > old) arena_credit(c->m, size - old);
      mem_fail(LEDE_ENOMEM); /* h is still valid and linked */
    }
    if (size < old) arena_credit(c->m, old - size);
    nh->size = size;
    prev->next = nh;
    next->prev = nh;
    return nh + 1;
  }
  void *q = arena_calloc(c->m, size);
  memcpy(q, p, old < size ? old : size);
  arena_free(c->m, p);
  return q;
}

/* cmark_mem's free, and ours for scratch blocks.  Outside a protected call
 * (never, by construction) the block is assumed to be plain malloc's. */
static void md_freeblk(void *p) {
  md_ctx *c = tl_ctx;
  if (!p) return;
  if (!c) {
    free(p);
    return;
  }
  arena_free(c->m, p);
}

/* Frees every block of the document at once: the tree, render buffers,
 * scratch.  Cheaper than cmark_node_free() and also covers a half-built
 * tree after a longjmp. */
static void md_release_all(md_state *m) {
  marena *a = &m->arena;
  for (mchunk *ch = a->chunks, *next; ch; ch = next) {
    next = ch->next;
    free(ch);
  }
  for (mlarge *h = a->large.next, *next; h != &a->large; h = next) {
    next = h->next;
    free(h);
  }
  budget_credit(m_budget(m), a->charged);
  memset(a, 0, sizeof *a);
  a->large.next = a->large.prev = &a->large;
  m->ln.at = NULL; /* it lived in the arena */
}

/* Scratch memory for our own use inside a protected call: arena blocks, so
 * a failure anywhere frees them too. */
static void *scratch_grow(md_state *m, void *p, size_t n) {
  return m->mem.realloc(p, n ? n : 1);
}

/* After a failure: the tree is gone; paragraphs lose their nodes and every
 * block counts as pristine again (the next call re-parses). */
static void md_discard(md_state *m) {
  md_release_all(m);
  m->root = NULL;
  m->tree_edited = 0;
  m->patch_failed = 0;
  m->patches = NULL;
  m->npatches = m->cappatches = 0;
  m->lists = NULL;
  m->nlists = 0;
  memset(&m->trailer, 0, sizeof m->trailer);
  if (m->applied) memset(m->applied, 0, m->napplied * sizeof *m->applied);
  for (size_t i = 0; i < m->d->npara; i++) m->d->paras[i].node = NULL;
}

typedef int (*md_fn)(md_state *m, void *ud);

/* Runs fn with the thread-local context set; an allocation failure inside
 * (ours or cmark's) lands in the setjmp branch, which frees the tree.
 * Nothing here is modified between setjmp and longjmp, so no volatile. */
static int md_protected(md_state *m, md_fn fn, void *ud) {
  md_ctx ctx;
  ctx.m = m;
  ctx.prev = tl_ctx;
  tl_ctx = &ctx;
  m->status = 0;
  if (setjmp(ctx.jb)) {
    tl_ctx = ctx.prev;
    md_discard(m);
    return m->status ? m->status : LEDE_ENOMEM;
  }
  int st = fn(m, ud);
  tl_ctx = ctx.prev;
  return st;
}

/* d->md_free: called by doc_free().  The arena goes in one sweep; cmark is
 * not called, so no context is needed. */
static void md_state_free(lede_doc *d) {
  md_state *m = d->md;
  if (!m) return;
  md_release_all(m);
  budget_free(d->budget, m->applied, m->napplied * sizeof *m->applied);
  free(m);
  d->md = NULL;
}

/* Parses the document's source into a new tree in the arena.  Options that
 * change parsing must be the same at load and at every re-parse, or the
 * re-bound paragraphs would not match: CMARK_OPT_DEFAULT, always (the
 * render options -- safe/unsafe -- do not affect parsing). */
static cmark_node *md_parse(md_state *m) {
  cmark_parser *p = cmark_parser_new_with_mem(CMARK_OPT_DEFAULT, &m->mem);
  cmark_parser_feed(p, m->d->src, m->d->len);
  cmark_node *root = cmark_parser_finish(p);
  cmark_parser_free(p);
  return root;
}

/* ---- source lines --------------------------------------------------------- */


static const lines *lines_get(md_state *m) {
  lines *ln = &m->ln;
  if (ln->at) return ln;
  const char *s = m->d->src;
  size_t len = m->d->len, cap = 1024, n = 0;
  size_t *at = scratch_grow(m, NULL, cap * sizeof *at);
  at[n++] = 0;
  for (size_t i = 0; i < len; i++) {
    char c = s[i];
    if (c != '\n' && c != '\r') {
      const char *nl = memchr(s + i, '\n', len - i);
      const char *cr = memchr(s + i, '\r', (nl ? (size_t)(nl - s) : len) - i);
      if (cr) nl = cr;
      if (!nl) break;
      i = (size_t)(nl - s);
      c = *nl;
    }
    if (c == '\r' && i + 1 < len && s[i + 1] == '\n') i++;
    if (n + 1 >= cap) {
      cap *= 2;
      at = scratch_grow(m, at, cap * sizeof *at);
    }
    at[n++] = i + 1;
  }
  /* the sentinel: the end of the last line */
  if (n + 1 >= cap) at = scratch_grow(m, at, (cap + 1) * sizeof *at);
  at[n] = len;
  ln->at = at;
  ln->n = n;
  ln->bom = len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
  return ln;
}

/* Byte offset of cmark's 1-based (line, column); column 0 means "the end
 * of the previous line", which cmark uses for some block ends. */
static size_t lines_off(const lines *ln, int line, int col, size_t len) {
  if (line < 1) return 0;
  if ((size_t)line > ln->n) return len;
  size_t base = ln->at[line - 1] + (line == 1 ? ln->bom : 0);
  size_t off = col >= 1 ? base + (size_t)(col - 1) : (base ? base - 1 : 0);
  return off < len ? off : len;
}

/* End of line `line` (the offset of its terminator, or len). */
static size_t lines_eol(const lines *ln, const char *s, int line, size_t len) {
  if (line < 1) line = 1;
  if ((size_t)line >= ln->n) return len;
  size_t e = ln->at[line];
  if (e > 0 && s[e - 1] == '\n') e--;
  if (e > 0 && s[e - 1] == '\r') e--;
  return e;
}

/* The 1-based line holding offset off. */
static int lines_of(const lines *ln, size_t off) {
  size_t lo = 0, hi = ln->n;
  while (hi - lo > 1) {
    size_t mid = lo + (hi - lo) / 2;
    if (ln->at[mid] <= off) lo = mid;
    else hi = mid;
  }
  return (int)(lo + 1);
}

/* ---- scanner --------------------------------------------------------------
 *
 * A cursor over one block's content stream: the bytes cmark's inline parser
 * saw.  Passing a line end moves the cursor over the next line's container
 * prefix (block-quote markers, indentation) and the leading white space
 * that cmark strips from paragraph lines.  Mark-up the inline tree does not
 * spell out (emphasis delimiters, link destinations) is skipped by the
 * node handlers below; anything else that does not match is skipped one
 * byte at a time, so a surprise costs precision, never a crash. */
/* A container around a text block, outermost first: a block quote or a
 * list item, with what its continuation lines must show (CommonMark's
 * rules, as cmark applies them, tabs to 4 columns).  A position inside a
 * line is a byte and a column, the column running ahead of the byte when
 * a tab is partially consumed (an item's indentation can end inside one). */
typedef struct ctr {
  int item;          /* a list item, else a block quote */
  int line;          /* its first line */
  size_t width;      /* item: the columns of indentation it takes */
  size_t cp, ccol;   /* where its content starts on its first line */
} ctr;

typedef struct scan {
  const char *s;
  size_t pos, lim; /* cursor, end of the block's last line */
  int quotes;      /* without a chain: block quotes around the block ... */
  int items;       /* ... and list items (a loose guess of the prefix) */
  const ctr *chain; /* the containers around the block, if known */
  int nchain;
} scan;

static int is_eol(char c) { return c == '\n' || c == '\r'; }
static int is_ws(char c) { return c == ' ' || c == '\t'; }
/* cmark_isspace(): also '\v' and '\f' */
static int is_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

static int ascii_punct(unsigned char c) {
  return (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) ||
         (c >= 123 && c <= 126);
}

/* Advances n columns from (*p, *col), as cmark's S_advance_offset does:
 * a tab wider than what is left is consumed only partly. */
static void col_adv(const char *s, size_t lim, size_t *p, size_t *col, size_t n) {
  while (n > 0 && *p < lim && !is_eol(s[*p])) {
    if (s[*p] == '\t') {
      size_t w = 4 - *col % 4;
      if (w > n) {
        *col += n;
        return;
      }
      *col += w;
      n -= w;
    } else {
      *col += 1;
      n--;
    }
    *p += 1;
  }
}

/* The first byte after white space from (p, col), and its column. */
static size_t col_nonspace(const char *s, size_t lim, size_t p, size_t col, size_t *fcol) {
  for (; p < lim && is_ws(s[p]); p++) col = s[p] == '\t' ? (col / 4 + 1) * 4 : col + 1;
  *fcol = col;
  return p;
}

/* Matches a continuation line, from its start (*p, *col), against the
 * containers chain[0..n): moves past the prefixes of those that continue
 * and returns how many do; the rest of the line is then their content, or
 * a lazy continuation of a paragraph when fewer than n matched. */
static int ctr_match(const char *s, size_t lim, const ctr *chain, int n, size_t *p, size_t *col) {
  int k = 0;
  for (; k < n; k++) {
    size_t fcol, fp = col_nonspace(s, lim, *p, *col, &fcol);
    if (fp >= lim || is_eol(s[fp])) break; /* blank: not a line of ours */
    if (!chain[k].item) {
      if (fcol - *col > 3 || s[fp] != '>') break;
      *p = fp + 1;
      *col = fcol + 1;
      if (*p < lim && is_ws(s[*p])) col_adv(s, lim, p, col, 1);
    } else {
      if (fcol - *col < chain[k].width) break;
      col_adv(s, lim, p, col, chain[k].width);
    }
  }
  return k;
}

/* Fills chain[k] for container c (a block quote or a list item whose
 * ancestors are chain[0..k)) from its first line, as cmark opens it:
 * where its content starts and, for an item, the indentation its other
 * lines need (the marker's offset from the parent's content, the marker,
 * and 1 to 4 columns of space after it, or 1 if there are more or none). */
static void ctr_push(const lines *ln, const char *s, size_t len, ctr *chain, int k,
                     cmark_node *c) {
  ctr *x = &chain[k];
  int line = cmark_node_get_start_line(c);
  size_t at = lines_off(ln, line, cmark_node_get_start_column(c), len);
  size_t lim = lines_eol(ln, s, line, len);
  size_t p, col;
  x->item = cmark_node_get_type(c) == CMARK_NODE_ITEM;
  x->line = line;
  x->width = 0;
  if (k > 0 && chain[k - 1].line == line) {
    p = chain[k - 1].cp; /* opened on the same line as its parent */
    col = chain[k - 1].ccol;
  } else {
    p = line >= 1 && (size_t)line <= ln->n ? ln->at[line - 1] + (line == 1 ? ln->bom : 0) : at;
    col = 0;
    ctr_match(s, lim, chain, k, &p, &col);
  }
  size_t pcol = col; /* the parent's content column */
  if (at > lim) at = lim;
  while (p < at) { /* white space up to the marker */
    col = s[p] == '\t' ? (col / 4 + 1) * 4 : col + 1;
    p++;
  }
  size_t mcol = col;
  if (!x->item) {
    if (p < lim && s[p] == '>') p++, col++;
    if (p < lim && is_ws(s[p])) col_adv(s, lim, &p, &col, 1);
  } else {
    size_t m = 0;
    while (p + m < lim && m < 9 && s[p + m] >= '0' && s[p + m] <= '9') m++;
    m = m && p + m < lim && (s[p + m] == '.' || s[p + m] == ')') ? m + 1 : 1;
    if (p + m > lim) m = lim - p;
    p += m;
    col += m;
    size_t q = p, qcol = col;
    while (qcol - col <= 5 && q < lim && is_ws(s[q])) col_adv(s, lim, &q, &qcol, 1);
    size_t i = qcol - col;
    if (i >= 5 || i < 1 || q >= lim) {
      x->width = mcol - pcol + m + 1;
      if (i > 0) col_adv(s, lim, &p, &col, 1);
    } else {
      x->width = mcol - pcol + m + i;
      p = q;
      col = qcol;
    }
  }
  x->cp = p;
  x->ccol = col;
}

/* Skips a continuation line's prefix starting at line start p: its
 * containers' prefixes and the white space cmark strips from paragraph
 * lines.  With no chain (a scan over lines whose containers are not at
 * hand) a loose guess: white space and up to `quotes` '>' markers, each
 * within three columns of the previous one unless list items may indent
 * them. */
static size_t sc_line_content(const scan *sc, size_t p) {
  if (sc->chain || (!sc->quotes && !sc->items)) {
    /* cmark strips the white space of a line in the block, but keeps
     * that of a lazy one for the inline parser, which strips it after a
     * soft break and not in a code span ("> `a\n   b`" is "a    b") */
    size_t col = 0;
    if (ctr_match(sc->s, sc->lim, sc->chain, sc->nchain, &p, &col) == sc->nchain)
      while (p < sc->lim && is_ws(sc->s[p])) p++;
    return p;
  }
  int q = sc->quotes;
  size_t col = 0, mark = 0; /* columns: now, after the last marker */
  for (;;) {
    while (p < sc->lim && is_ws(sc->s[p])) {
      col = sc->s[p] == '\t' ? (col / 4 + 1) * 4 : col + 1;
      p++;
    }
    if (q > 0 && p < sc->lim && sc->s[p] == '>' && (sc->items || col - mark <= 3)) {
      p++;
      col++;
      q--;
      /* a marker's one optional space (or a tab's first column) is part
       * of it */
      mark = col + (p < sc->lim && is_ws(sc->s[p]) ? 1 : 0);
      continue;
    }
    return p;
  }
}

/* From a line end at p to the content of the next line. */
static size_t sc_next_line(const scan *sc, size_t p) {
  if (sc->s[p] == '\r' && p + 1 < sc->lim && sc->s[p + 1] == '\n') p++;
  return sc_line_content(sc, p + 1);
}

/* One byte forward; past a line end, to the next line's content. */
static void sc_adv(scan *sc) {
  if (sc->pos >= sc->lim) return;
  if (is_eol(sc->s[sc->pos])) sc->pos = sc_next_line(sc, sc->pos);
  else sc->pos++;
}

/* Skips to the next byte c (not past the block). */
static void sc_skip_to(scan *sc, char c) {
  while (sc->pos < sc->lim && sc->s[sc->pos] != c) sc_adv(sc);
}

/* Spaces, tabs and at most one line end, as between the parts of a link
 * destination and title. */
static size_t sc_skip_spnl(const scan *sc, size_t p) {
  while (p < sc->lim && is_ws(sc->s[p])) p++;
  if (p < sc->lim && is_eol(sc->s[p])) p = sc_next_line(sc, p);
  while (p < sc->lim && is_ws(sc->s[p])) p++;
  return p;
}

/* A link destination at p: returns the offset after it, or 0. */
static size_t sc_link_dest(const scan *sc, size_t p) {
  const char *s = sc->s;
  if (p < sc->lim && s[p] == '<') {
    /* as cmark scans it: a line end or '<' stops it, and a backslash
     * takes any next byte, a line end too */
    for (p++; p < sc->lim && s[p] != '>';) {
      if (is_eol(s[p]) || s[p] == '<') return 0;
      if (s[p] == '\\' && p + 1 < sc->lim && is_eol(s[p + 1])) p = sc_next_line(sc, p + 1);
      else p += s[p] == '\\' && p + 1 < sc->lim ? 2 : 1;
    }
    return p < sc->lim ? p + 1 : 0;
  }
  size_t start = p;
  int depth = 0;
  while (p < sc->lim) {
    unsigned char c = (unsigned char)s[p];
    if (c == '\\' && p + 1 < sc->lim && ascii_punct((unsigned char)s[p + 1])) {
      p += 2;
    } else if (c == '(') {
      if (++depth > 32) return 0; /* cmark's nesting limit */
      p++;
    } else if (c == ')') {
      if (depth == 0) break;
      depth--;
      p++;
    } else if (is_space((char)c)) {
      break; /* other control bytes are part of it */
    } else {
      p++;
    }
  }
  return p > start && depth == 0 ? p : 0;
}

/* A link title at p ("...", '...' or (...)): the offset after it, or 0.
 * As cmark's scan_link_title() finds it, a regular expression taking the
 * longest match: a backslash escapes punctuation or is itself, so a quote
 * after one may close the title or go on inside it ("'<\\'" is the title
 * "<\\"), and '(' only goes inside a (...) one escaped. */
static size_t sc_link_title(const scan *sc, size_t p) {
  const char *s = sc->s;
  if (p >= sc->lim) return 0;
  char open = s[p], close = open == '(' ? ')' : open, prev = 0;
  if (open != '"' && open != '\'' && open != '(') return 0;
  size_t end = 0; /* after the last quote that could close it */
  for (p++; p < sc->lim;) {
    char c = s[p];
    if (c == close || (open == '(' && c == '(')) {
      if (prev != '\\') return c == close ? p + 1 : end;
      if (c == close) end = p + 1;
    }
    if (is_eol(c)) {
      p = sc_next_line(sc, p);
      prev = '\n';
    } else {
      prev = c;
      p++;
    }
  }
  return end;
}

/* Space characters and line ends, as cmark's scan_spacechars() skips them
 * around an inline link's destination and title ("[a](\v<>)" is a link). */
static size_t sc_skip_spacechars(const scan *sc, size_t p) {
  while (p < sc->lim && is_space(sc->s[p]))
    p = is_eol(sc->s[p]) ? sc_next_line(sc, p) : p + 1;
  return p;
}

static size_t sc_link_tail(const scan *sc, size_t p) {
  p = sc_skip_spacechars(sc, p + 1);
  if (p < sc->lim && sc->s[p] == ')') return p + 1;
  p = sc_link_dest(sc, p);
  if (!p) return 0;
  size_t q = sc_skip_spacechars(sc, p);
  if (q > p) {
    size_t t = sc_link_title(sc, q);
    if (t) q = sc_skip_spacechars(sc, t);
  }
  return q < sc->lim && sc->s[q] == ')' ? q + 1 : 0;
}

/* A link label "[...]" at p: the offset after ']', or 0.  At most 1000
 * bytes of content as cmark counts them (a line end is one, the next
 * line's prefix none). */
static size_t sc_label(const scan *sc, size_t p) {
  const char *s = sc->s;
  size_t n = 0;
  if (p >= sc->lim || s[p] != '[') return 0;
  for (p++; p < sc->lim && s[p] != ']';) {
    if (s[p] == '[') return 0;
    if (s[p] == '\\' && p + 1 < sc->lim && ascii_punct((unsigned char)s[p + 1])) {
      p += 2;
      n += 2;
    } else {
      p = is_eol(s[p]) ? sc_next_line(sc, p) : p + 1;
      n++;
    }
    if (n > 1000) return 0;
  }
  return p < sc->lim ? p + 1 : 0;
}

/* The rest of a line is blank from p: returns the start of the next line's
 * content (or lim), else 0. */
static size_t sc_line_rest_blank(const scan *sc, size_t p) {
  while (p < sc->lim && is_ws(sc->s[p])) p++;
  if (p >= sc->lim) return sc->lim;
  return is_eol(sc->s[p]) ? sc_next_line(sc, p) : 0;
}

/* A link reference definition at p, as cmark strips from the start of a
 * paragraph (cmark keeps the paragraph's original start position, so we
 * must skip them ourselves): the content offset after it, or 0. */
static size_t sc_refdef(const scan *sc, size_t p) {
  size_t q = sc_label(sc, p);
  if (!q || q - p < 3 || q >= sc->lim || sc->s[q] != ':') return 0;
  int blank = 1;
  for (size_t k = p + 1; k + 1 < q; k++)
    if (!is_space(sc->s[k])) blank = 0;
  if (blank) return 0;
  q = sc_skip_spnl(sc, q + 1);
  size_t dest = sc_link_dest(sc, q);
  if (!dest && !(q + 1 < sc->lim && sc->s[q] == '<' && sc->s[q + 1] == '>')) return 0;
  if (!dest) dest = q + 2;
  size_t t = sc_skip_spnl(sc, dest);
  if (t > dest) {
    size_t te = sc_link_title(sc, t);
    size_t r = te ? sc_line_rest_blank(sc, te) : 0;
    if (r) return r;
  }
  return sc_line_rest_blank(sc, dest);
}

/* ---- entities ------------------------------------------------------------- */

/* Length of the entity reference at s[p..lim), or 0 if there is none. */
static size_t entity_len(const char *s, size_t p, size_t lim) {
  size_t q = p + 1;
  if (q < lim && s[q] == '#') {
    q++;
    int hex = q < lim && (s[q] == 'x' || s[q] == 'X');
    if (hex) q++;
    size_t d0 = q, max = hex ? 6 : 7;
    while (q < lim && q - d0 < max &&
           ((s[q] >= '0' && s[q] <= '9') ||
            (hex && ((s[q] | 0x20) >= 'a' && (s[q] | 0x20) <= 'f'))))
      q++;
    if (q == d0 || q >= lim || s[q] != ';') return 0;
    return q + 1 - p;
  }
  size_t n0 = q;
  while (q < lim && q - n0 < 32 &&
         ((s[q] >= 'a' && s[q] <= 'z') || (s[q] >= 'A' && s[q] <= 'Z') ||
          (q > n0 && s[q] >= '0' && s[q] <= '9')))
    q++;
  if (q - n0 < 2 || q >= lim || s[q] != ';') return 0;
  return q + 1 - p;
}

/* UTF-8 of code point cp into out (4 bytes room); returns the length.  As
 * cmark does, NUL, surrogates and values beyond U+10FFFF become U+FFFD. */
static size_t utf8_put(char *out, unsigned long cp) {
  if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
  if (cp < 0x80) {
    out[0] = (char)cp;
    return 1;
  }
  if (cp < 0x800) {
    out[0] = (char)(0xC0 | (cp >> 6));
    out[1] = (char)(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    out[0] = (char)(0xE0 | (cp >> 12));
    out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
  }
  out[0] = (char)(0xF0 | (cp >> 18));
  out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
  out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
  out[3] = (char)(0x80 | (cp & 0x3F));
  return 4;
}

/* Decodes the entity s[0..n) (as found by entity_len) into out[0..32):
 * returns the decoded length, 0 if it is not an entity cmark knows.
 * Numeric references follow cmark's rules; the common named ones come from
 * a short table, the other 2,000 from cmark itself (a tiny parse), so we
 * never disagree with it. */
static size_t entity_decode(md_state *m, const char *s, size_t n, char out[32]) {
  if (s[1] == '#') {
    unsigned long cp = 0;
    int hex = s[2] == 'x' || s[2] == 'X';
    for (size_t k = hex ? 3 : 2; k + 1 < n; k++) {
      int c = (unsigned char)s[k];
      int v = c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
      cp = cp * (hex ? 16u : 10u) + (unsigned long)v;
    }
    return utf8_put(out, cp);
  }
  static const struct { char name[8]; char val[4]; } common[] = {
      {"amp", "&"},   {"lt", "<"},        {"gt", ">"},         {"quot", "\""},
      {"apos", "'"},  {"nbsp", "\xC2\xA0"}, {"copy", "\xC2\xA9"}, {"AMP", "&"},
      {"mdash", "\xE2\x80\x94"}, {"ndash", "\xE2\x80\x93"}, {"hellip", "\xE2\x80\xA6"}};
  for (size_t k = 0; k < sizeof common / sizeof common[0]; k++)
    if (strlen(common[k].name) == n - 2 && memcmp(common[k].name, s + 1, n - 2) == 0) {
      size_t l = strlen(common[k].val);
      memcpy(out, common[k].val, l);
      return l;
    }
  cmark_parser *p = cmark_parser_new_with_mem(CMARK_OPT_DEFAULT, &m->mem);
  cmark_parser_feed(p, s, n);
  cmark_node *doc = cmark_parser_finish(p);
  cmark_parser_free(p);
  cmark_node *para = cmark_node_first_child(doc);
  cmark_node *txt = para ? cmark_node_first_child(para) : NULL;
  const char *lit = txt ? cmark_node_get_literal(txt) : NULL;
  size_t l = lit ? strlen(lit) : 0;
  if (l == 0 || l >= 32 || (l == n && memcmp(lit, s, n) == 0)) l = 0;
  else memcpy(out, lit, l);
  cmark_node_free(doc);
  return l;
}

/* ---- loading: blocks, plain text, map --------------------------------------- */

/* What a walk over the inline tree of a block does. */
enum walk_mode {
  W_LOAD, /* append plain text and map entries, tag leaves with offsets */
  W_BIND, /* only tag leaves (after a re-parse) */
  W_SPANS /* record the source extent of every inline node (for patches) */
};

/* Source extent of an inline node, recorded in W_SPANS mode.  For a code
 * span, [a, b) is the whole span and [ia, ib) its content. */
typedef struct span {
  cmark_node *node;
  size_t a, b, ia, ib;
  int ref; /* link or image: 1 shortcut "[x]", 2 collapsed "[x][]" reference;
            * ia is then its closing ']' */
} span;

typedef struct loader {
  md_state *m;
  lede_doc *d;
  const lines *ln;
  enum walk_mode mode;
  /* plain text under construction (W_LOAD): d->textbuf */
  size_t tlen, tcap;
  /* map entry being extended */
  size_t mt, ms, mn;
  /* W_BIND / W_SPANS: running plain-text offset inside the block */
  size_t t;
  size_t pi; /* next paragraph index (W_BIND) */
  span *spans;
  size_t nspans, capspans;
  ctr *chain; /* W_SPANS: the containers around the block */
  int nchain;
} loader;

/* Room for extra more bytes (and a NUL) in d->textbuf.  Load-time memory
 * is not charged (the model is built before any run), and doc_free()
 * releases textbuf with free(), hence plain realloc here. */
static void text_reserve(loader *L, size_t extra) {
  lede_doc *d = L->d;
  if (L->tlen + extra + 1 <= L->tcap) return;
  size_t cap = L->tcap ? L->tcap : 4096;
  while (cap < L->tlen + extra + 1) cap *= 2;
  char *p = realloc(d->textbuf, cap);
  if (!p) mem_fail(LEDE_ENOMEM);
  d->textbuf = p;
  L->tcap = cap;
}

static void text_put(loader *L, const char *s, size_t n) {
  text_reserve(L, n);
  memcpy(L->d->textbuf + L->tlen, s, n);
  L->tlen += n;
}

/* Writes the map entry being extended into d->map (doc_add_map merges). */
static void map_flush(loader *L) {
  if (L->mn && doc_add_map(L->d, L->mt, L->ms, L->mn)) mem_fail(LEDE_ENOMEM);
  L->mn = 0;
}

/* Maps plain-text bytes [t, t+n) to source bytes [s, s+n). */
static void map_put(loader *L, size_t t, size_t s, size_t n) {
  if (L->mn && L->mt + L->mn == t && L->ms + L->mn == s) {
    L->mn += n;
    return;
  }
  map_flush(L);
  L->mt = t;
  L->ms = s;
  L->mn = n;
}

/* tn plain-text bytes decoded from sn source bytes (an entity, an escape):
 * the first maps to the first source byte and, when there are two or more,
 * the last to the last, so a sentence that starts or ends there gets the
 * exact source byte. */
static void map_decoded(loader *L, size_t t, size_t tn, size_t s, size_t sn) {
  if (tn == 0) return;
  if (tn == 1 || sn < 2) {
    map_put(L, t, s, 1);
    return;
  }
  size_t head = tn - 1 < sn - 1 ? tn - 1 : sn - 1;
  map_put(L, t, s, head);
  map_put(L, t + tn - 1, s + sn - 1, 1);
}

/* Literal bytes the scan could not find before the block's end (a case it
 * does not know): each maps to the block's last byte, so a sentence
 * ending there still ends inside the block (and the document). */
static void map_lost(loader *L, const scan *sc, size_t t, size_t n) {
  if (sc->lim == 0) return;
  for (size_t k = 0; k < n; k++) {
    map_flush(L);
    map_put(L, t + k, sc->lim - 1, 1);
  }
}

/* Text of the current walk position: W_LOAD appends, the other modes only
 * count. */
static size_t walk_t(const loader *L) { return L->mode == W_LOAD ? L->tlen : L->t; }

static void walk_text(loader *L, const char *s, size_t n) {
  if (L->mode == W_LOAD) text_put(L, s, n);
  else L->t += n;
}

/* A text-carrying inline node remembers where its text starts in the plain
 * text (+1, so that NULL means "not a leaf of ours", e.g. text an edit
 * inserted): edits are found by offset later. */
static void leaf_tag(cmark_node *n, size_t t) {
  cmark_node_set_user_data(n, (void *)(uintptr_t)(t + 1));
}

static size_t leaf_t(cmark_node *n) {
  return (size_t)(uintptr_t)cmark_node_get_user_data(n) - 1;
}

/* Matches literal lit[0..n) (plain text from offset t) against the source
 * from the cursor, mapping the bytes it finds (W_LOAD).  Escapes and
 * entities are decoded unless the node is raw (inline HTML) or, for
 * escapes, inside an autolink. */
enum { LIT_ESCAPES = 1, LIT_ENTITIES = 2, LIT_MAP = 4 };

/* Bytes where the verbatim run of match_literal stops: they may start an
 * escape, an entity or a line end.  (const: no writable static state) */
static const unsigned char run_stop[256] = {['\\'] = 1, ['&'] = 1, ['\n'] = 1, ['\r'] = 1};

/* Length of the verbatim run: bytes where the source a and the literal b
 * agree and none is a run_stop byte, at most room.  Most of a document's
 * text is such runs, so SSE2 (baseline on x86-64) takes 16 at a time. */
static size_t verbatim_run(const char *a, const char *b, size_t room) {
  size_t k = 0;
#if defined(__SSE2__)
  const __m128i bs = _mm_set1_epi8('\\'), amp = _mm_set1_epi8('&');
  const __m128i lf = _mm_set1_epi8('\n'), cr = _mm_set1_epi8('\r');
  while (k + 16 <= room) {
    __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(a + k));
    __m128i y = _mm_loadu_si128((const __m128i *)(const void *)(b + k));
    __m128i stop = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, bs), _mm_cmpeq_epi8(x, amp)),
                                _mm_or_si128(_mm_cmpeq_epi8(x, lf), _mm_cmpeq_epi8(x, cr)));
    unsigned ok = (unsigned)_mm_movemask_epi8(_mm_andnot_si128(stop, _mm_cmpeq_epi8(x, y)));
    if (ok != 0xFFFFu) return k + (size_t)__builtin_ctz(~ok);
    k += 16;
  }
#endif
  while (k < room && a[k] == b[k] && !run_stop[(unsigned char)a[k]]) k++;
  return k;
}

static void match_literal(loader *L, scan *sc, const char *lit, size_t n, size_t t,
                          int how) {
  const char *s = sc->s;
  int map = (how & LIT_MAP) && L->mode == W_LOAD;
  size_t i = 0;
  while (i < n && sc->pos < sc->lim) {
    size_t p = sc->pos, k = 0;
    size_t room = n - i < sc->lim - p ? n - i : sc->lim - p;
    k = verbatim_run(s + p, lit + i, room);
    if (k) {
      if (map) map_put(L, t + i, p, k);
      i += k;
      sc->pos = p + k;
      continue;
    }
    char c = s[p];
    if ((how & LIT_ESCAPES) && c == '\\' && p + 1 < sc->lim &&
        ascii_punct((unsigned char)s[p + 1]) && s[p + 1] == lit[i]) {
      if (map) map_put(L, t + i, p, 1);
      i++;
      sc->pos = p + 2;
      continue;
    }
    if ((how & LIT_ENTITIES) && c == '&') {
      size_t el = entity_len(s, p, sc->lim);
      char dec[32];
      size_t dl = el ? entity_decode(L->m, s + p, el, dec) : 0;
      if (dl && dl <= n - i && memcmp(dec, lit + i, dl) == 0) {
        if (map) map_decoded(L, t + i, dl, p, el);
        i += dl;
        sc->pos = p + el;
        continue;
      }
    }
    if (is_eol(c) && lit[i] == '\n') {
      i++;
      sc->pos = sc_next_line(sc, p);
      continue;
    }
    if (c == lit[i]) { /* a '\\' or '&' that is just itself */
      if (map) map_put(L, t + i, p, 1);
      i++;
      sc->pos = p + 1;
      continue;
    }
    if (is_ws(lit[i]) && !is_eol(c)) {
      /* white space the scan stripped, or a partly consumed tab cmark
       * turned into spaces: it keeps them at the start of a lazy line
       * after a backslash break (">>\\\n>\t*b*" has the text "  ") */
      if (is_ws(c)) sc->pos = p + 1;
      i++;
      continue;
    }
    sc_adv(sc); /* mark-up we were not told about */
  }
  if (map && i < n) map_lost(L, sc, t + i, n - i);
}

/* A code span's literal: backslashes and entities are literal there, and
 * a line end became a space. */
static void match_code(loader *L, scan *sc, const char *lit, size_t n, size_t t) {
  const char *s = sc->s;
  int map = L->mode == W_LOAD;
  size_t i = 0;
  while (i < n && sc->pos < sc->lim) {
    size_t p = sc->pos;
    char c = s[p];
    if (c == lit[i] && !is_eol(c)) {
      size_t k = 1;
      while (i + k < n && p + k < sc->lim && s[p + k] == lit[i + k] && !is_eol(s[p + k])) k++;
      if (map) map_put(L, t + i, p, k);
      i += k;
      sc->pos = p + k;
    } else if (lit[i] == ' ') {
      /* from a line end, or white space a lazy line kept: no source byte */
      if (is_eol(c)) sc->pos = sc_next_line(sc, p);
      i++;
    } else {
      sc_adv(sc);
    }
  }
  if (map && i < n) map_lost(L, sc, t + i, n - i);
}

/* Whether the source from a to b is spelt by the literals of the text
 * nodes starting at n: then a link tail candidate [a, b) was really text
 * cmark left after a shortcut reference link. */
static int src_is_text(const scan *sc, size_t a, size_t b, cmark_node *n) {
  const char *lit = NULL;
  size_t li = 0;
  while (a < b) {
    while (!lit || !lit[li]) {
      if (!n || cmark_node_get_type(n) != CMARK_NODE_TEXT) return 0;
      lit = cmark_node_get_literal(n);
      li = 0;
      n = cmark_node_next(n);
      if (!lit) lit = "";
    }
    char c = sc->s[a];
    if (c == '\\' && a + 1 < b && ascii_punct((unsigned char)sc->s[a + 1])) c = sc->s[++a];
    if (c != lit[li]) return 0;
    a++;
    li++;
  }
  return 1;
}

/* After a link's closing ']': skips its destination or reference label.
 *
 * cmark does not say which of the four link forms it saw.  What follows
 * the ']' decides: "(...)" that parses as a destination and title is an
 * inline link, "[...]" a full or collapsed reference.  Two cases look the
 * same in the source: "[foo][bar]" is a full reference only if "bar" is
 * defined; otherwise "[foo]" is a shortcut and "[bar]" is text or another
 * link.  The tree settles it: if the next node spells the candidate tail
 * as text, or is a link with that text, the tail is not ours. */
static void link_tail(scan *sc, cmark_node *link) {
  size_t p = sc->pos, e = 0;
  cmark_node *next = cmark_node_next(link);
  if (p >= sc->lim) return;
  if (sc->s[p] == '(') e = sc_link_tail(sc, p);
  if (!e && sc->s[p] == '[') {
    e = sc_label(sc, p);
    /* "[foo][bar](/u)": [bar] may be the next link, not foo's label */
    if (e && e > p + 2 && next && cmark_node_get_type(next) == CMARK_NODE_LINK) {
      cmark_node *t = cmark_node_first_child(next);
      const char *lit = t ? cmark_node_get_literal(t) : NULL;
      if (lit && strlen(lit) == e - p - 2 && memcmp(lit, sc->s + p + 1, e - p - 2) == 0)
        e = 0;
    }
  }
  if (e && !src_is_text(sc, p, e, next)) sc->pos = e;
}

/* Records node n's source extent (W_SPANS). */
static void emit_span(loader *L, cmark_node *n, size_t a, size_t b, size_t ia, size_t ib) {
  if (L->nspans == L->capspans) {
    L->capspans = L->capspans ? L->capspans * 2 : 64;
    L->spans = scratch_grow(L->m, L->spans, L->capspans * sizeof *L->spans);
  }
  L->spans[L->nspans++] = (span){n, a, b, ia, ib, 0};
}

/* Skips emphasis delimiters: k of '*' or '_'. */
static void skip_delims(scan *sc, int k) {
  while (sc->pos < sc->lim && sc->s[sc->pos] != '*' && sc->s[sc->pos] != '_') sc_adv(sc);
  char d = sc->pos < sc->lim ? sc->s[sc->pos] : 0;
  while (k-- > 0 && sc->pos < sc->lim && sc->s[sc->pos] == d) sc->pos++;
}

/* Whether n's parent is an autolink ("<http://...>"), marked by the walk
 * with user data 1: their text takes no backslash escapes, and their text
 * is their address when edited. */
static int in_autolink(cmark_node *n) {
  cmark_node *p = cmark_node_parent(n);
  return p && cmark_node_get_type(p) == CMARK_NODE_LINK &&
         cmark_node_get_user_data(p) == (void *)1;
}

/* Visits inline node n on entering it (W_SPANS: span start in *a). */
static void inline_enter(loader *L, scan *sc, cmark_node *n, size_t *a) {
  /* Each case moves the cursor over exactly the source of the node's own
   * opening (for containers) or of the whole node (for leaves).  Skipping
   * forward to the node's first character is safe: what lies between the
   * end of the previous node and this one is mark-up the tree does not
   * spell out (closing delimiters belong to the previous node's exit). */
  const char *lit;
  size_t t = walk_t(L);
  switch (cmark_node_get_type(n)) {
  case CMARK_NODE_TEXT: {
    lit = cmark_node_get_literal(n);
    size_t len = lit ? strlen(lit) : 0;
    if (L->mode != W_BIND) {
      int how = LIT_MAP | LIT_ENTITIES | (in_autolink(n) ? 0 : LIT_ESCAPES);
      /* a span starts at its first byte, not at skipped mark-up (or at
       * its first after white space the scan may have stripped) */
      size_t f = 0;
      while (f + 1 < len && is_ws(lit[f])) f++;
      while (len && !is_ws(lit[f]) && sc->pos < sc->lim && sc->s[sc->pos] != lit[0] &&
             sc->s[sc->pos] != lit[f] &&
             sc->s[sc->pos] != '\\' && sc->s[sc->pos] != '&' &&
             !(is_ws(lit[0]) && is_ws(sc->s[sc->pos])))
        sc_adv(sc);
      *a = sc->pos;
      match_literal(L, sc, lit ? lit : "", len, t, how);
    }
    if (L->mode != W_SPANS) leaf_tag(n, t);
    walk_text(L, lit ? lit : "", len);
    break;
  }
  case CMARK_NODE_CODE: {
    lit = cmark_node_get_literal(n);
    size_t len = lit ? strlen(lit) : 0;
    if (L->mode != W_BIND) {
      /* the opening backtick run; the closing run has the same length, and
       * the content's one stripped space on each side is skipped by
       * match_code as any unmatched byte */
      sc_skip_to(sc, '`');
      *a = sc->pos;
      size_t run = 0;
      while (sc->pos < sc->lim && sc->s[sc->pos] == '`') sc->pos++, run++;
      size_t ia = sc->pos;
      match_code(L, sc, lit ? lit : "", len, t);
      size_t ib = sc->pos;
      sc_skip_to(sc, '`');
      if (sc->pos < sc->lim) ib = ib > sc->pos ? ib : sc->pos;
      while (run-- > 0 && sc->pos < sc->lim && sc->s[sc->pos] == '`') sc->pos++;
      if (L->mode == W_SPANS) emit_span(L, n, *a, sc->pos, ia, ib);
    }
    if (L->mode != W_SPANS) leaf_tag(n, t);
    walk_text(L, lit ? lit : "", len);
    break;
  }
  case CMARK_NODE_SOFTBREAK:
  case CMARK_NODE_LINEBREAK: {
    int soft = cmark_node_get_type(n) == CMARK_NODE_SOFTBREAK;
    if (L->mode != W_BIND) {
      /* a hard break's backslash or trailing spaces, the line end, the
       * next line's prefix and, but after a backslash, its white space
       * (cmark strips that of a lazy line here, not in the block) */
      *a = sc->pos;
      while (sc->pos < sc->lim && !is_eol(sc->s[sc->pos])) sc->pos++;
      int bs = !soft && sc->pos > 0 && sc->s[sc->pos - 1] == '\\';
      if (sc->pos < sc->lim) sc->pos = sc_next_line(sc, sc->pos);
      if (!bs)
        while (sc->pos < sc->lim && is_ws(sc->s[sc->pos])) sc->pos++;
      if (L->mode == W_SPANS) emit_span(L, n, *a, sc->pos, *a, sc->pos);
    }
    if (L->mode != W_SPANS) leaf_tag(n, t);
    walk_text(L, soft ? " " : "\n", 1);
    break;
  }
  case CMARK_NODE_HTML_INLINE:
    /* raw HTML is mark-up: no plain text, but the cursor must pass it, or
     * text inside an attribute could be taken for the next text node */
    if (L->mode != W_BIND) {
      lit = cmark_node_get_literal(n);
      sc_skip_to(sc, '<');
      *a = sc->pos;
      match_literal(L, sc, lit ? lit : "", lit ? strlen(lit) : 0, t, 0);
      if (L->mode == W_SPANS) emit_span(L, n, *a, sc->pos, *a, sc->pos);
    }
    break;
  case CMARK_NODE_EMPH:
  case CMARK_NODE_STRONG:
    /* cmark does not say which character delimited it; the next '*' or '_'
     * is it.  An emphasis takes one delimiter on each side and a strong
     * one two, so "***x***" comes apart right whatever the nesting. */
    if (L->mode != W_BIND) {
      while (sc->pos < sc->lim && sc->s[sc->pos] != '*' && sc->s[sc->pos] != '_') sc_adv(sc);
      *a = sc->pos;
      skip_delims(sc, cmark_node_get_type(n) == CMARK_NODE_STRONG ? 2 : 1);
    }
    break;
  case CMARK_NODE_LINK:
  case CMARK_NODE_IMAGE:
    /* "[" or "![" opens a link or image; "<" an autolink, whose text
     * comes next and whose ">" closes it (inline_leave) */
    if (L->mode != W_BIND) {
      int image = cmark_node_get_type(n) == CMARK_NODE_IMAGE;
      while (sc->pos < sc->lim && sc->s[sc->pos] != (image ? '!' : '[') &&
             (image || sc->s[sc->pos] != '<'))
        sc_adv(sc);
      *a = sc->pos;
      if (sc->pos < sc->lim && sc->s[sc->pos] == '<') {
        cmark_node_set_user_data(n, (void *)1); /* autolink */
        sc->pos++;
      } else {
        cmark_node_set_user_data(n, NULL);
        sc->pos += image ? 2 : 1;
        if (sc->pos > sc->lim) sc->pos = sc->lim;
      }
    }
    break;
  default:
    break;
  }
}

/* Visits a container inline node (emphasis, link) on leaving it. */
static void inline_leave(loader *L, scan *sc, cmark_node *n, size_t a) {
  if (L->mode == W_BIND) return;
  switch (cmark_node_get_type(n)) {
  case CMARK_NODE_EMPH:
  case CMARK_NODE_STRONG:
    skip_delims(sc, cmark_node_get_type(n) == CMARK_NODE_STRONG ? 2 : 1);
    break;
  case CMARK_NODE_LINK:
  case CMARK_NODE_IMAGE:
    if (cmark_node_get_user_data(n) == (void *)1) {
      sc_skip_to(sc, '>');
      if (sc->pos < sc->lim) sc->pos++;
    } else {
      sc_skip_to(sc, ']');
      size_t close = sc->pos;
      if (sc->pos < sc->lim) sc->pos++;
      link_tail(sc, n);
      if (L->mode == W_SPANS) {
        emit_span(L, n, a, sc->pos, close, sc->pos);
        if (sc->pos == close + 1) L->spans[L->nspans - 1].ref = 1;
        else if (sc->pos == close + 3 && sc->s[close + 1] == '[')
          L->spans[L->nspans - 1].ref = 2;
      }
      return;
    }
    break;
  default:
    return;
  }
  if (L->mode == W_SPANS) emit_span(L, n, a, sc->pos, a, sc->pos);
}

/* Walks the inline tree of a paragraph or heading in document order,
 * iteratively: inline nesting can be thousands deep.  Container span
 * starts wait on a small stack (arena memory) until the container is
 * left. */
static void walk_inlines(loader *L, scan *sc, cmark_node *block) {
  size_t *stack = NULL, depth = 0, cap = 0;
  cmark_node *cur = cmark_node_first_child(block);
  while (cur) {
    size_t a = sc->pos;
    inline_enter(L, sc, cur, &a);
    if (L->mode == W_SPANS && cmark_node_get_type(cur) == CMARK_NODE_TEXT)
      emit_span(L, cur, a, sc->pos, a, sc->pos);
    cmark_node *child = cmark_node_first_child(cur);
    if (child) {
      if (depth == cap) {
        cap = cap ? cap * 2 : 16;
        stack = scratch_grow(L->m, stack, cap * sizeof *stack);
      }
      stack[depth++] = a;
      cur = child;
      continue;
    }
    inline_leave(L, sc, cur, a); /* a leaf, or an empty container */
    while (cur) {
      cmark_node *next = cmark_node_next(cur);
      if (next) {
        cur = next;
        break;
      }
      cur = cmark_node_parent(cur);
      if (cur == block) {
        cur = NULL;
        break;
      }
      inline_leave(L, sc, cur, stack[--depth]);
    }
  }
  if (stack) md_freeblk(stack);
}

/* The literal of a code or HTML block: maps each of its lines to the end
 * of the corresponding source line when the bytes agree (they do unless
 * tabs were expanded). */
static void map_code_lines(loader *L, const char *lit, size_t n, size_t t, int line) {
  const char *s = L->d->src;
  size_t i = 0;
  while (i < n && (size_t)line <= L->ln->n) {
    const char *nl = memchr(lit + i, '\n', n - i);
    size_t ll = nl ? (size_t)(nl - lit) - i : n - i;
    size_t ls = lines_off(L->ln, line, 1, L->d->len);
    size_t le = lines_eol(L->ln, s, line, L->d->len);
    if (ll && le >= ls + ll && memcmp(s + le - ll, lit + i, ll) == 0)
      map_put(L, t + i, le - ll, ll);
    i += ll + 1;
    line++;
  }
}

/* Whether source line `line` continues the containers chain[0..n) (not
 * lazily) with a run of at least min bytes c indented up to three columns,
 * then white space: a closing code fence (min 3), a setext underline (1). */
static int line_is_run(const lines *ln, const char *s, size_t len, int line, char c, size_t min,
                       const ctr *chain, int n) {
  if (line < 2 || (size_t)line > ln->n) return 0;
  size_t p = ln->at[line - 1], col = 0, lim = lines_eol(ln, s, line, len), fcol, k = 0;
  if (ctr_match(s, lim, chain, n, &p, &col) < n) return 0;
  size_t q = col_nonspace(s, lim, p, col, &fcol);
  if (fcol - col > 3) return 0;
  while (q < lim && s[q] == c) q++, k++;
  while (q < lim && is_ws(s[q])) q++;
  return k >= min && q == lim;
}

/* Kind of a text block from its own type and its parent's. */
static uint8_t block_kind(cmark_node *n) {
  switch (cmark_node_get_type(n)) {
  case CMARK_NODE_HEADING: return PK_HEADING;
  case CMARK_NODE_CODE_BLOCK: return PK_CODE;
  case CMARK_NODE_HTML_BLOCK: return PK_HTML;
  default: break;
  }
  cmark_node *p = cmark_node_parent(n);
  cmark_node_type pt = p ? cmark_node_get_type(p) : CMARK_NODE_DOCUMENT;
  if (pt == CMARK_NODE_ITEM) return PK_ITEM;
  if (pt == CMARK_NODE_BLOCK_QUOTE) return PK_QUOTE;
  return PK_PARAGRAPH;
}

/* Whether heading n is an ATX one.  cmark ends an ATX heading on its own
 * line and a setext heading on the line after its underline (the line
 * that closed it), or on the underline when that is the input's last. */
static int heading_atx(cmark_node *n) {
  return cmark_node_get_type(n) == CMARK_NODE_HEADING &&
         cmark_node_get_end_line(n) <= cmark_node_get_start_line(n);
}

/* The content stream of paragraph or heading n (see "scanner"): from its
 * first content byte -- after an ATX heading's '#'s, after the link
 * reference definitions cmark counts in a paragraph or setext heading --
 * to the end of its last content line (never a setext underline).  The
 * load and the span walk of an edit must scan the same bytes, so both
 * start here.  *under gets a setext heading's underline line; 0 for other
 * blocks, and when only the walk can tell: a setext heading cmark ended on
 * the input's last line, where both that line and the one before look
 * like underlines ("a\n---\n---" ends on the rule, "> a\n===\n> ===" on
 * the second underline, the first being lazy text); the scan then runs to
 * the end of the line before, and scan_underline() decides. */
static scan text_scan(const lines *ln, const char *s, size_t len, cmark_node *n,
                      const ctr *chain, int nchain, int *under) {
  int sl = cmark_node_get_start_line(n), el = cmark_node_get_end_line(n);
  int ec = cmark_node_get_end_column(n);
  size_t start = lines_off(ln, sl, cmark_node_get_start_column(n), len);
  int last = el - (ec < 1); /* a paragraph's last line */
  *under = 0;
  if (cmark_node_get_type(n) == CMARK_NODE_HEADING) {
    if (heading_atx(n)) {
      last = sl;
    } else {
      char c = cmark_node_get_heading_level(n) == 1 ? '=' : '-';
      int u = el - 1, inputs_last = lines_of(ln, len ? len - 1 : 0);
      if (el - 1 <= sl) {
        u = sl + 1; /* content, then the underline */
      } else if (el >= inputs_last) {
        int a = line_is_run(ln, s, len, el, c, 1, chain, nchain);
        int b = line_is_run(ln, s, len, el - 1, c, 1, chain, nchain);
        u = a && !b ? el : !a && b ? el - 1 : 0;
      }
      *under = u;
      last = (u ? u : el) - 1;
    }
  }
  scan sc = {s, start, lines_eol(ln, s, last, len), 0, 0, chain, nchain};
  if (sc.lim < start) sc.lim = start;
  size_t p = start;
  if (heading_atx(n)) {
    if (p < sc.lim && s[p] == '#') {
      while (p < sc.lim && s[p] == '#') p++;
      while (p < sc.lim && is_ws(s[p])) p++;
    }
  } else {
    while (p < sc.lim && s[p] == '[') {
      size_t q = sc_refdef(&sc, p);
      if (!q) break;
      p = q;
    }
  }
  sc.pos = p;
  return sc;
}

/* After the walk of a setext heading whose underline text_scan() left
 * open: the line after the last one the content reached. */
static int scan_underline(const lines *ln, cmark_node *n, const scan *sc, size_t content) {
  int el = cmark_node_get_end_line(n);
  int lastc = lines_of(ln, sc->pos > content ? sc->pos - 1 : content);
  return lastc >= el - 1 ? el : el - 1;
}

/* One text block: a new paragraph (W_LOAD) or re-tagging (W_BIND). */
static void load_block(loader *L, cmark_node *n, const ctr *chain, int depth) {
  lede_doc *d = L->d;
  cmark_node_type ty = cmark_node_get_type(n);
  size_t len = d->len;
  if (L->mode == W_BIND) {
    /* after a re-parse: the same blocks come in the same order, so the
     * paragraphs get their new nodes, and leaves their offsets (from the
     * paragraph's text start, no source scan needed) */
    if (L->pi >= d->npara) return;
    doc_para *p = &d->paras[L->pi++];
    p->node = n;
    cmark_node_set_user_data(n, (void *)(uintptr_t)L->pi);
    if (ty == CMARK_NODE_PARAGRAPH || ty == CMARK_NODE_HEADING) {
      scan sc = {d->src, 0, 0, 0, 0, NULL, 0};
      L->t = p->tstart;
      walk_inlines(L, &sc, n);
    }
    return;
  }
  doc_para p;
  memset(&p, 0, sizeof p);
  int sl = cmark_node_get_start_line(n), el = cmark_node_get_end_line(n);
  int ec = cmark_node_get_end_column(n);
  p.start = lines_off(L->ln, sl, cmark_node_get_start_column(n), len);
  p.end = lines_off(L->ln, el, ec, len) + 1;
  if (p.end > len) p.end = len;
  p.kind = block_kind(n);
  p.depth = (uint8_t)(depth > 255 ? 255 : depth);
  if (ty == CMARK_NODE_HEADING) p.level = (uint8_t)cmark_node_get_heading_level(n);
  p.node = n;
  if (L->tlen) text_put(L, "\n", 1); /* keeps doc->text readable */
  p.tstart = L->tlen;
  p.map_first = d->nmap;
  if (ty == CMARK_NODE_PARAGRAPH || ty == CMARK_NODE_HEADING) {
    int under;
    scan sc = text_scan(L->ln, d->src, len, n, chain, depth, &under);
    /* a paragraph or setext heading starts after its link reference
     * definitions (cmark counts them in) */
    if (!heading_atx(n)) {
      p.start = sc.pos; /* (cmark keeps the white space of a lazy line after them) */
      while (p.start < sc.lim && is_ws(d->src[p.start])) p.start++;
    }
    walk_inlines(L, &sc, n);
    /* cmark's ends are unreliable here (a setext heading "ends" on the
     * line after its underline): a paragraph ends where its content does,
     * an ATX heading with its line, a setext heading with its underline */
    if (ty == CMARK_NODE_PARAGRAPH) {
      p.end = sc.pos > p.start ? sc.pos : p.start;
    } else if (heading_atx(n)) {
      p.end = lines_eol(L->ln, d->src, sl, len);
    } else {
      if (!under) under = scan_underline(L->ln, n, &sc, p.start);
      p.end = lines_eol(L->ln, d->src, under, len);
    }
  } else {
    const char *lit = cmark_node_get_literal(n);
    size_t ll = lit ? strlen(lit) : 0;
    while (ll && lit[ll - 1] == '\n') ll--;
    /* a fenced block's content starts on the line after the fence; an
     * indented block's first line is content even if it starts with ``` */
    int first = sl;
    const char *f = d->src + p.start;
    size_t le = lines_eol(L->ln, d->src, sl, len);
    if (ty == CMARK_NODE_CODE_BLOCK && p.start + 3 <= le &&
        (memcmp(f, "```", 3) == 0 || memcmp(f, "~~~", 3) == 0)) {
      const char *nl = lit ? strchr(lit, '\n') : NULL;
      size_t l0 = nl ? (size_t)(nl - lit) : ll;
      if (!(l0 == le - p.start && memcmp(lit, f, l0) == 0)) first++;
    }
    map_code_lines(L, lit ? lit : "", ll, L->tlen, first);
    text_put(L, lit ? lit : "", ll);
    /* the end from the literal's lines: cmark's end of an HTML block can
     * stop a line short; a fenced block adds its closing fence */
    int nlines = 0;
    for (size_t i = 0; lit && lit[i]; i++) nlines += lit[i] == '\n';
    int last = first + nlines - 1;
    if (first > sl && line_is_run(L->ln, d->src, len, last + 1, d->src[p.start], 3, chain, depth))
      last++;
    if (last < sl) last = sl;
    p.end = lines_eol(L->ln, d->src, last, len);
  }
  map_flush(L);
  p.tend = L->tlen;
  p.map_n = d->nmap - p.map_first;
  /* cmark's block ends can include the line end: trim white space */
  while (p.end > p.start && (is_ws(d->src[p.end - 1]) || is_eol(d->src[p.end - 1]))) p.end--;
  size_t pi = doc_add_para(d, &p);
  if (pi == (size_t)-1) mem_fail(LEDE_ENOMEM);
  cmark_node_set_user_data(n, (void *)(uintptr_t)(pi + 1));
}

/* Walks the block tree in document order (iteratively: 10,000 nested
 * block quotes are fine), giving each text block to load_block with the
 * quotes and items around it (a stack in arena memory; their prefixes are
 * only worked out when loading: a re-bind scans nothing). */
static void walk_blocks(loader *L, cmark_node *root) {
  ctr *chain = NULL;
  int depth = 0, cap = 0;
  cmark_node *cur = cmark_node_first_child(root);
  while (cur) {
    cmark_node_type ty = cmark_node_get_type(cur);
    if (ty == CMARK_NODE_PARAGRAPH || ty == CMARK_NODE_HEADING ||
        ty == CMARK_NODE_CODE_BLOCK || ty == CMARK_NODE_HTML_BLOCK)
      load_block(L, cur, chain, depth);
    cmark_node *child = cmark_node_first_child(cur);
    if (child && (ty == CMARK_NODE_BLOCK_QUOTE || ty == CMARK_NODE_LIST ||
                  ty == CMARK_NODE_ITEM)) {
      if (ty != CMARK_NODE_LIST) {
        if (depth == cap) {
          cap = cap ? cap * 2 : 16;
          chain = scratch_grow(L->m, chain, (size_t)cap * sizeof *chain);
        }
        if (L->mode == W_LOAD) ctr_push(L->ln, L->d->src, L->d->len, chain, depth, cur);
        depth++;
      }
      cur = child;
      continue;
    }
    /* climb out of every container whose last child this was */
    while (cur) {
      cmark_node *next = cmark_node_next(cur);
      if (next) {
        cur = next;
        break;
      }
      cur = cmark_node_parent(cur);
      if (cur == root) {
        cur = NULL;
        break;
      }
      depth -= cmark_node_get_type(cur) != CMARK_NODE_LIST;
    }
  }
  if (chain) md_freeblk(chain);
}

/* md_load's body, run under md_protected(): parse, then one walk builds
 * paragraphs, plain text and map.  The line index stays (arena) for the
 * patches of later edits. */
static int load_fn(md_state *m, void *ud) {
  (void)ud;
  lede_doc *d = m->d;
  loader L;
  memset(&L, 0, sizeof L);
  L.m = m;
  L.d = d;
  L.mode = W_LOAD;
  m->root = md_parse(m);
  L.ln = lines_get(m);
  walk_blocks(&L, m->root);
  text_reserve(&L, 0);
  d->textbuf[L.tlen] = '\0';
  d->text = d->textbuf;
  d->textlen = L.tlen;
  return 0;
}

/* See doc.h.  The state goes on the document before anything can fail, so
 * doc_free() cleans up whatever a failed load left. */
int md_load(lede_doc *d) {
  md_state *m = calloc(1, sizeof *m);
  if (!m) return LEDE_ENOMEM;
  m->d = d;
  m->mem.calloc = md_calloc;
  m->mem.realloc = md_realloc;
  m->mem.free = md_freeblk;
  m->arena.large.next = m->arena.large.prev = &m->arena.large;
  d->md = m;
  d->md_free = md_state_free;
  d->format = LEDE_FORMAT_MARKDOWN;
  int st = md_protected(m, load_fn, NULL);
  if (st) return st;
  return 0;
}

/* Re-parses after a failure or to restore edited blocks, and re-binds the
 * paragraphs to the new nodes (the walk visits blocks in the same order). */
static void md_reparse(md_state *m) {
  if (m->root) {
    md_release_all(m);
    m->root = NULL;
    m->patches = NULL;
    m->npatches = m->cappatches = 0;
  }
  if (m->applied) memset(m->applied, 0, m->napplied * sizeof *m->applied);
  m->tree_edited = 0;
  m->patch_failed = 0;
  m->lists = NULL;
  m->nlists = 0;
  memset(&m->trailer, 0, sizeof m->trailer);
  loader L;
  memset(&L, 0, sizeof L);
  L.m = m;
  L.d = m->d;
  L.mode = W_BIND;
  m->root = md_parse(m);
  walk_blocks(&L, m->root);
}

/* ---- edits ------------------------------------------------------------------ */

/* A replacement of plain-text bytes [a, b) by s[0..len). */
typedef struct redit {
  size_t a, b;
  const char *s;
  size_t len;
} redit;

/* Signature of the edits of paragraph pi: every edit bumps a sentence's
 * version and removals only set flags, so the sum grows with any change. */
static size_t para_sig(const lede_doc *d, size_t pi) {
  const doc_para *p = &d->paras[pi];
  size_t sig = (p->flags & ITEM_REMOVED) ? 1 : 0;
  if (!d->segmented) return sig;
  for (size_t k = 0; k < p->nsent; k++) {
    const doc_sent *s = &d->sents[p->first_sent + k];
    sig += s->version + ((s->flags & ITEM_REMOVED) ? 1 : 0);
  }
  return sig;
}

/* The leaves of a block that carry plain text, with their ranges. */
typedef struct leaf {
  cmark_node *node;
  size_t t0, t1;
  cmark_node_type type;
  /* the new literal, built in buf (arena) */
  char *buf;
  size_t n, cap;
  int changed;
  /* text inserted before / after a kept line break */
  size_t brk_at; /* offset in buf where the break byte sits, or SIZE_MAX */
  span *sp;      /* W_SPANS extent, for patches */
  int line_first; /* first text of its line after the edits */
  int atx_last;   /* last text of an ATX heading: a final " #" would close it */
  int raw;        /* inside an autolink: an address, never trimmed */
} leaf;

/* An emphasis in a block being edited: its leaves are lv[first, end). */
typedef struct econt {
  cmark_node *node;
  size_t first, end;
  char *pre, *post;    /* white space moved out before / after it (arena) */
  size_t npre, npost;
  char delim;          /* its delimiter character in the output, 0 = unknown */
} econt;

/* Appends to a leaf's new content (arena memory). */
static void leaf_put(md_state *m, leaf *lf, const char *s, size_t n) {
  if (lf->n + n + 1 > lf->cap) {
    size_t cap = lf->cap ? lf->cap : 32;
    while (cap < lf->n + n + 1) cap *= 2;
    lf->buf = scratch_grow(m, lf->buf, cap);
    lf->cap = cap;
  }
  if (n) memcpy(lf->buf + lf->n, s, n);
  lf->n += n;
  lf->buf[lf->n] = '\0';
}

/* ---- aligning a replacement with the leaves it spans -------------------------
 *
 * An edit that spans several leaves ("plain **bold** plain") must hand each
 * leaf its part of the replacement, or bold text would move or vanish.  We
 * align old and new text and map each leaf boundary across: common prefix
 * and suffix first; then byte for byte when the lengths agree (s:upper());
 * else a bounded Myers diff; else proportionally. */

/* Lengths of the common prefix and suffix of x[0..n) and y[0..m). */
static void common_ends(const char *x, size_t n, const char *y, size_t m, size_t *pre,
                        size_t *suf) {
  size_t p = 0;
  while (p < n && p < m && x[p] == y[p]) p++;
  size_t s = 0;
  while (s < n - p && s < m - p && x[n - 1 - s] == y[m - 1 - s]) s++;
  *pre = p;
  *suf = s;
}

/* Moves y forward to a UTF-8 character boundary of r[0..m). */
static size_t utf8_snap(const char *r, size_t m, size_t y) {
  while (y < m && ((unsigned char)r[y] & 0xC0) == 0x80) y++;
  return y;
}

/* The diff gives up beyond this many edits (and on texts longer than 64
 * KiB): row d of the search keeps 2d+1 entries, so memory grows with the
 * square of the edits made, not with the text. */
#define DIFF_MAXD 256

/* Row d of Myers' search is rows[d*d .. d*d + 2d], diagonal k at d*d+k+d. */
static long *myers_row(long *rows, long d) { return rows + d * d + d; }

/* The furthest x Myers' algorithm reaches on diagonal k in round d from
 * the previous round's row (indexed by diagonal), or -1; *down tells which
 * move got there. */
static long myers_step(const long *prev, long d, long k, long N, long M, int *down) {
  long dn = k + 1 <= d - 1 ? prev[k + 1] : -1; /* insertion: x stays */
  if (dn >= 0 && dn - k > M) dn = -1;
  long rt = k - 1 >= -(d - 1) ? prev[k - 1] : -1; /* deletion: x + 1 */
  if (rt >= 0 && ++rt > N) rt = -1;
  *down = dn >= rt;
  long x = dn >= rt ? dn : rt;
  if (x >= 0 && (x - k < 0 || x - k > M)) x = -1;
  return x;
}

/* Greedy Myers diff of x[0..N) and y[0..M) with at most DIFF_MAXD edits.
 * On success fills mx: mx[i] = the position in y of x[i] when x[i] is
 * kept, SIZE_MAX when it is deleted; returns the number of kept bytes
 * plus one.  Returns 0 when the texts differ more. */
static size_t myers(md_state *m, const char *x, size_t n, const char *y, size_t ym,
                    size_t *mx) {
  if (n + ym > 1u << 16) return 0;
  long N = (long)n, M = (long)ym, found = -1, cap = 0;
  long *rows = NULL;
  for (long d = 0; d <= DIFF_MAXD && found < 0; d++) {
    long need = (d + 1) * (d + 1);
    if (need > cap) {
      cap = need * 2;
      rows = scratch_grow(m, rows, (size_t)cap * sizeof *rows);
    }
    long *row = myers_row(rows, d), *prev = d ? myers_row(rows, d - 1) : NULL;
    for (long k = -d; k <= d; k += 2) row[k] = -1;
    for (long k = -d; k <= d; k += 2) {
      int down;
      long xx = d == 0 ? 0 : myers_step(prev, d, k, N, M, &down);
      if (xx < 0) continue;
      long yy = xx - k;
      while (xx < N && yy < M && x[xx] == y[yy]) xx++, yy++;
      row[k] = xx;
      if (xx == N && yy == M) {
        found = d;
        break;
      }
    }
  }
  if (found < 0) {
    if (rows) md_freeblk(rows);
    return 0;
  }
  for (size_t i = 0; i < n; i++) mx[i] = SIZE_MAX;
  size_t kept = 0;
  long xx = N, k = N - M;
  for (long d = found; d > 0; d--) {
    int down;
    const long *prev = myers_row(rows, d - 1);
    (void)myers_step(prev, d, k, N, M, &down);
    long pk = down ? k + 1 : k - 1, px = prev[pk];
    long mid = down ? px : px + 1; /* where the snake after the move starts */
    while (xx > mid) {
      xx--;
      mx[xx] = (size_t)(xx - k);
      kept++;
    }
    xx = px;
    k = pk;
  }
  while (xx > 0) { /* round 0's snake, on diagonal 0 */
    xx--;
    mx[xx] = (size_t)xx;
    kept++;
  }
  md_freeblk(rows);
  return kept + 1;
}

/* Whether an insertion s at a boundary between two leaves belongs to the
 * left one: it continues the left word ("bold" -> "bolder") or ends with
 * white space (a new word before the right leaf). */
static int attach_left(const char *text, size_t at, size_t lo, const char *s, size_t len) {
  if (!len) return 1;
  int before_word = at > lo && !is_ws(text[at - 1]) && !is_eol(text[at - 1]);
  if (before_word && !is_ws(s[0])) return 1;
  return is_ws(s[len - 1]);
}

/* The boundaries of the white-space separated words of s[0..n): b[0] = 0,
 * then for word k its start... flattened as b[1..2k] = start, end of each
 * word, returned as the word count; b gets 2 * count + 1 entries (the
 * caller gives n + 2).  A word boundary list for align_cuts: the spans
 * between consecutive entries alternate gap, word, gap, ... */
static size_t word_bounds(const char *s, size_t n, size_t *b) {
  size_t k = 0, i = 0;
  b[0] = 0;
  for (;;) {
    while (i < n && (is_ws(s[i]) || is_eol(s[i]))) i++;
    if (i >= n) break;
    size_t st = i;
    while (i < n && !is_ws(s[i]) && !is_eol(s[i])) i++;
    if (2 * k + 2 > n + 1) break;
    b[2 * k + 1] = st;
    b[2 * k + 2] = i;
    k++;
  }
  return k;
}

/* Maps old offsets x_j (0 < x_j < n, increasing) of old text o[0..n) to
 * offsets in new text r[0..rm), in place.  Bytes both texts keep (the
 * common prefix and suffix, the diff's matches, or every byte when the
 * lengths agree) are anchors; a cut between two anchors maps into the
 * changed hunk between them proportionally, and a cut where new text was
 * only inserted gives it to the side attach_left picks. */
static void align_cuts(md_state *m, const char *o, size_t n, const char *r, size_t rm,
                       size_t *cut, size_t ncut) {
  size_t pre, suf;
  common_ends(o, n, r, rm, &pre, &suf);
  size_t on = n - pre - suf, rn = rm - pre - suf;
  size_t *mx = scratch_grow(m, NULL, (on + 1) * sizeof *mx);
  /* How the changed middles correspond: byte for byte when their lengths
   * agree (s:upper()); through the diff when it keeps at least half;
   * word by word when both have as many words (a redaction); else it is a
   * rewrite, which like typing over a selection takes the formatting of
   * the place where it starts (the mark-up inside the old middle goes). */
  enum { BYTES, DIFF, WORDS, REWRITE } how = BYTES;
  size_t *wo = NULL, *wn = NULL, nw = 0;
  if (on == rn) {
    for (size_t i = 0; i < on; i++) mx[i] = i;
  } else if (!on || !rn) {
    for (size_t i = 0; i < on; i++) mx[i] = SIZE_MAX; /* only deleted, or only new */
    how = DIFF;
  } else {
    size_t kept = myers(m, o + pre, on, r + pre, rn, mx);
    if (kept && (kept - 1) * 2 >= (on < rn ? on : rn)) {
      how = DIFF;
    } else {
      wo = scratch_grow(m, NULL, (on + 2) * sizeof *wo);
      wn = scratch_grow(m, NULL, (rn + 2) * sizeof *wn);
      size_t ko = word_bounds(o + pre, on, wo), kn = word_bounds(r + pre, rn, wn);
      how = ko == kn && ko ? WORDS : REWRITE;
      nw = ko;
    }
  }
  for (size_t j = 0; j < ncut; j++) {
    size_t x = cut[j], y;
    if (x < pre) {
      y = x;
    } else if (x > n - suf) {
      y = rm - (n - x);
    } else if (how == REWRITE) {
      y = x == pre ? pre : pre + rn;
    } else if (how == WORDS) {
      /* boundaries 0, start and end of each word, end: the segment
       * holding x maps onto the same segment of the new text */
      size_t i = x - pre, last = 2 * nw + 1, t = 0;
      wo[last] = on;
      wn[last] = rn;
      while (t + 1 < last && wo[t + 1] <= i) t++;
      size_t oa = wo[t], ob = wo[t + 1], na = wn[t], nb = wn[t + 1];
      y = pre + na;
      if (ob > oa && nb > na)
        y += (size_t)((double)(i - oa) * (double)(nb - na) / (double)(ob - oa) + 0.5);
    } else {
      /* the hunk around x: old [oa, ob) became new [na, nb) */
      size_t i = x - pre, oa = i, ob = i;
      while (oa > 0 && mx[oa - 1] == SIZE_MAX) oa--;
      while (ob < on && mx[ob] == SIZE_MAX) ob++;
      size_t na = oa > 0 ? mx[oa - 1] + 1 : 0, nb = ob < on ? mx[ob] : rn;
      if (nb < na) nb = na;
      if (oa == ob) /* nothing old here: new text was inserted at x */
        y = nb > na && attach_left(o, x, 0, r + pre + na, nb - na) ? nb : na;
      else
        y = na + (size_t)((double)(i - oa) * (double)(nb - na) / (double)(ob - oa) + 0.5);
      y += pre;
    }
    y = utf8_snap(r, rm, y);
    if (j > 0 && y < cut[j - 1]) y = cut[j - 1]; /* stay monotone */
    cut[j] = y;
  }
  if (wo) md_freeblk(wo);
  if (wn) md_freeblk(wn);
  md_freeblk(mx);
}

/* ---- applying edits to a block ------------------------------------------------ */

static int is_inline_container(cmark_node_type t) {
  return t == CMARK_NODE_EMPH || t == CMARK_NODE_STRONG || t == CMARK_NODE_LINK ||
         t == CMARK_NODE_IMAGE;
}

/* Emphasis and strong emphasis: the inline nodes with flanking rules. */
static int is_emph(cmark_node *n) {
  cmark_node_type t = cmark_node_get_type(n);
  return t == CMARK_NODE_EMPH || t == CMARK_NODE_STRONG;
}

/* Collects the text-carrying leaves of a block in document order, and its
 * emphasis nodes in pre-order with the range of leaves each holds. */
static leaf *collect_leaves(md_state *m, cmark_node *block, size_t *nleaves, econt **conts,
                            size_t *nconts) {
  size_t n = 0, cap = 16, nc = 0, ccap = 0, depth = 0, scap = 0;
  leaf *lv = scratch_grow(m, NULL, cap * sizeof *lv);
  econt *ec = NULL;
  size_t *stack = NULL; /* indices into ec of the open emphasis nodes */
  cmark_node *cur = cmark_node_first_child(block);
  while (cur) {
    cmark_node_type ty = cmark_node_get_type(cur);
    if ((ty == CMARK_NODE_TEXT || ty == CMARK_NODE_CODE || ty == CMARK_NODE_SOFTBREAK ||
         ty == CMARK_NODE_LINEBREAK) &&
        cmark_node_get_user_data(cur)) {
      size_t t0 = leaf_t(cur), len = 1;
      if (ty == CMARK_NODE_TEXT || ty == CMARK_NODE_CODE) {
        const char *lit = cmark_node_get_literal(cur);
        len = lit ? strlen(lit) : 0;
      }
      if (len) {
        if (n == cap) lv = scratch_grow(m, lv, (cap *= 2) * sizeof *lv);
        memset(&lv[n], 0, sizeof lv[n]);
        lv[n] = (leaf){.node = cur, .t0 = t0, .t1 = t0 + len, .type = ty, .brk_at = SIZE_MAX,
                       .raw = ty == CMARK_NODE_TEXT && in_autolink(cur)};
        n++;
      }
    }
    cmark_node *child = cmark_node_first_child(cur);
    if (child) {
      if (is_emph(cur)) {
        if (nc == ccap) ec = scratch_grow(m, ec, (ccap = ccap ? ccap * 2 : 8) * sizeof *ec);
        ec[nc] = (econt){cur, n, n, NULL, NULL, 0, 0, 0};
        if (depth == scap) stack = scratch_grow(m, stack, (scap = scap ? scap * 2 : 8) * sizeof *stack);
        stack[depth++] = nc++;
      }
      cur = child;
      continue;
    }
    while (cur) {
      cmark_node *next = cmark_node_next(cur);
      if (next) {
        cur = next;
        break;
      }
      cur = cmark_node_parent(cur);
      if (cur == block) {
        cur = NULL;
        break;
      }
      if (is_emph(cur)) ec[stack[--depth]].end = n;
    }
  }
  if (stack) md_freeblk(stack);
  *nleaves = n;
  *conts = ec;
  *nconts = nc;
  return lv;
}

/* Pending per-leaf operations while building new literals. */
typedef struct lop {
  size_t leaf;   /* index */
  size_t a, b;   /* deleted plain-text range inside the leaf */
  const char *s; /* inserted text at a */
  size_t len;
} lop;

/* Builds the edit list of paragraph pi (sentence edits plus removals).
 * Returns the count; *whole is set when every sentence is removed. */
/* Sentence edits are already in plain-text coordinates of the paragraph
 * and sorted (doc.c keeps them disjoint); removed sentences become
 * deletions that take their white space along, as doc_para_text() reads
 * the paragraph, so every output format agrees with p.text. */
static redit *para_edits(md_state *m, size_t pi, size_t *count, int *whole) {
  lede_doc *d = m->d;
  const doc_para *p = &d->paras[pi];
  const doc_sent *ss = d->sents + p->first_sent;
  size_t n = 0, cap = 0;
  for (size_t k = 0; k < p->nsent; k++) cap += (ss[k].edits ? ss[k].edits->n : 0) + 1;
  redit *e = scratch_grow(m, NULL, (cap + 1) * sizeof *e);
  *whole = 0;
  size_t kept = 0;
  for (size_t k = 0; k < p->nsent; k++) kept += !(ss[k].flags & ITEM_REMOVED);
  if (p->nsent && !kept) {
    *whole = 1;
    *count = 0;
    return e;
  }
  for (size_t k = 0; k < p->nsent;) {
    if (ss[k].flags & ITEM_REMOVED) {
      size_t k1 = k;
      while (k1 < p->nsent && (ss[k1].flags & ITEM_REMOVED)) k1++;
      /* a removed run takes the white space after it, or before it at the
       * end of the paragraph */
      if (k1 < p->nsent) e[n++] = (redit){ss[k].tstart, ss[k1].tstart, "", 0};
      else e[n++] = (redit){ss[k - 1].tend, p->tend, "", 0};
      k = k1;
      continue;
    }
    if (ss[k].edits)
      for (size_t j = 0; j < ss[k].edits->n; j++) {
        const doc_edit *de = &ss[k].edits->e[j];
        e[n++] = (redit){de->a, de->b, de->s, de->len};
      }
    k++;
  }
  *count = n;
  return e;
}

/* Splits the block's edits (sorted, disjoint) into per-leaf operations:
 * each leaf an edit touches loses its part of the edit's range, and gets
 * its part of the replacement at the start of that range.  Leaves cover
 * the block's plain text without gaps, in order, so one forward pass
 * finds them. */
static lop *plan_ops(md_state *m, const leaf *lv, size_t nl, const redit *e, size_t ne,
                     size_t *nops) {
  const char *text = m->d->text;
  size_t n = 0, cap = 16;
  lop *ops = scratch_grow(m, NULL, cap * sizeof *ops);
  size_t li = 0;
  for (size_t k = 0; k < ne; k++) {
    size_t a = e[k].a, b = e[k].b;
    while (li < nl && lv[li].t1 <= a && !(li == nl - 1 && a == lv[li].t1)) li++;
    if (li >= nl) li = nl - 1;
    /* first leaf i: the one containing a (or an insertion's neighbour);
     * last leaf j: the one containing b-1 */
    size_t i = li, j = li;
    while (j + 1 < nl && lv[j + 1].t0 < b) j++;
    if (a == b || i == j) {
      size_t to = i;
      /* a pure insertion at a boundary may belong to the left leaf */
      if (a == b && a == lv[i].t0 && i > 0 && lv[i - 1].t1 == a &&
          attach_left(text, a, lv[i - 1].t0, e[k].s, e[k].len))
        to = i - 1;
      if (n + 1 >= cap) ops = scratch_grow(m, ops, (cap *= 2) * sizeof *ops);
      size_t da = a < lv[to].t0 ? lv[to].t0 : a, db = b > lv[to].t1 ? lv[to].t1 : b;
      if (db < da) db = da;
      ops[n++] = (lop){to, da, db, e[k].s, e[k].len};
      continue;
    }
    /* several leaves: cut the replacement at the leaf boundaries */
    size_t ncut = j - i;
    size_t *cut = scratch_grow(m, NULL, (ncut + 1) * sizeof *cut);
    for (size_t c = 0; c < ncut; c++) cut[c] = lv[i + 1 + c].t0 - a;
    align_cuts(m, text + a, b - a, e[k].s, e[k].len, cut, ncut);
    for (size_t c = 0; c <= ncut; c++) {
      size_t y0 = c ? cut[c - 1] : 0, y1 = c < ncut ? cut[c] : e[k].len;
      const leaf *lf = &lv[i + c];
      size_t da = a > lf->t0 ? a : lf->t0, db = b < lf->t1 ? b : lf->t1;
      if (n + 1 >= cap) ops = scratch_grow(m, ops, (cap *= 2) * sizeof *ops);
      ops[n++] = (lop){i + c, da, db, e[k].s + y0, y1 - y0};
    }
    md_freeblk(cut);
  }
  *nops = n;
  return ops;
}

/* Builds every leaf's new content from the operations (sorted by leaf,
 * then position, as plan_ops makes them).  For a line break, brk_at tells
 * where its own byte sits in the new content, if it stays. */
static void build_leaves(md_state *m, leaf *lv, size_t nl, const lop *ops, size_t nops) {
  const char *text = m->d->text;
  size_t k = 0;
  for (size_t li = 0; li < nl; li++) {
    leaf *lf = &lv[li];
    int brk = lf->type == CMARK_NODE_SOFTBREAK || lf->type == CMARK_NODE_LINEBREAK;
    size_t pos = lf->t0;
    for (; k < nops && ops[k].leaf == li; k++) {
      if (ops[k].a > pos) {
        if (brk && pos == lf->t0) lf->brk_at = lf->n;
        leaf_put(m, lf, text + pos, ops[k].a - pos);
        pos = ops[k].a;
      }
      size_t at = lf->n;
      leaf_put(m, lf, ops[k].s, ops[k].len);
      /* A line end in new text is a soft line break, which the plain text
       * reads as a space: it is one in every output (Markdown could not
       * keep it without the container's prefix on the next line). */
      for (size_t q = at; q < lf->n; q++)
        if (is_eol(lf->buf[q])) lf->buf[q] = ' ';
      if (ops[k].b > pos) pos = ops[k].b;
    }
    if (pos < lf->t1) {
      if (brk && pos == lf->t0) lf->brk_at = lf->n;
      leaf_put(m, lf, text + pos, lf->t1 - pos);
    }
    if (!lf->buf) leaf_put(m, lf, "", 0);
    lf->changed = !(lf->n == lf->t1 - lf->t0 && memcmp(lf->buf, text + lf->t0, lf->n) == 0);
    if (brk && !lf->changed) lf->brk_at = 0; /* the replacement kept it */
  }
}

static int is_brk(const leaf *lf) {
  return lf->type == CMARK_NODE_SOFTBREAK || lf->type == CMARK_NODE_LINEBREAK;
}

/* A line break that stays a line break with nothing around it. */
static int pure_brk(const leaf *lf) { return is_brk(lf) && lf->brk_at == 0 && lf->n == 1; }

static int all_ws(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (!is_ws(s[i]) && !is_eol(s[i])) return 0;
  return 1;
}

/* Keeps bytes [from, from+n) of a leaf's new content (trimming), and marks
 * it changed. */
static void leaf_set(leaf *lf, size_t from, size_t n) {
  memmove(lf->buf, lf->buf + from, n);
  lf->n = n;
  lf->buf[n] = '\0';
  lf->changed = 1;
}

/* Whitespace cmark would never produce, and Markdown could not keep, after
 * an edit: white space at the start and end of a line (trimmed), empty
 * lines (their line break goes), white space just inside emphasis delimiters
 * ("** that**" is not bold: it moves outside).  Marks the first text of
 * each line, which may need its first character escaped.  Returns 1 when
 * nothing but white space is left. */
static int normalize(md_state *m, leaf *lv, size_t nl, econt *ec, size_t nc) {
  size_t i = 0;
  while (i < nl) {
    /* one line: leaves [i, j), then the break j (or the end) */
    size_t j = i;
    while (j < nl && !pure_brk(&lv[j])) j++;
    int empty = 1;
    for (size_t k = i; k < j; k++) {
      leaf *lf = &lv[k];
      if (lf->n == 0) continue;
      if (lf->type != CMARK_NODE_TEXT || lf->raw) {
        empty = 0;
        break;
      }
      size_t w = 0;
      while (w < lf->n && is_ws(lf->buf[w])) w++;
      if (w) leaf_set(lf, w, lf->n - w);
      if (lf->n) {
        empty = 0;
        break;
      }
    }
    for (size_t k = j; k > i; k--) {
      leaf *lf = &lv[k - 1];
      if (lf->n == 0) continue;
      if (lf->type != CMARK_NODE_TEXT || lf->raw) break;
      size_t e = lf->n;
      while (e > 0 && is_ws(lf->buf[e - 1])) e--;
      if (e < lf->n) leaf_set(lf, 0, e);
      if (lf->n) break;
    }
    for (size_t k = i; k < j; k++)
      if (lv[k].n) {
        lv[k].line_first = 1;
        break;
      }
    /* an empty line takes the break after it (or, last, the one before) */
    if (empty) {
      size_t b = j < nl ? j : SIZE_MAX;
      if (b == SIZE_MAX && i > 0 && pure_brk(&lv[i - 1]) && lv[i - 1].n) b = i - 1;
      if (b != SIZE_MAX) leaf_set(&lv[b], 0, 0);
    }
    i = j + 1;
  }
  /* white space inside emphasis delimiters moves out, outermost first */
  for (size_t c = 0; c < nc; c++) {
    size_t f = ec[c].first, e = ec[c].end;
    while (f < e && lv[f].n == 0) f++;
    while (e > f && lv[e - 1].n == 0) e--;
    if (f == e) continue;
    leaf *a = &lv[f], *z = &lv[e - 1];
    if (a->type == CMARK_NODE_TEXT && !a->raw && is_ws(a->buf[0])) {
      size_t w = 0;
      while (w < a->n && is_ws(a->buf[w])) w++;
      ec[c].pre = scratch_grow(m, NULL, w + 1);
      memcpy(ec[c].pre, a->buf, w);
      ec[c].npre = w;
      leaf_set(a, w, a->n - w);
    }
    if (z->type == CMARK_NODE_TEXT && !z->raw && z->n && is_ws(z->buf[z->n - 1])) {
      size_t q = z->n;
      while (q > 0 && is_ws(z->buf[q - 1])) q--;
      ec[c].post = scratch_grow(m, NULL, z->n - q + 1);
      memcpy(ec[c].post, z->buf + q, z->n - q);
      ec[c].npost = z->n - q;
      leaf_set(z, 0, q);
    }
  }
  for (size_t k = 0; k < nl; k++)
    if (lv[k].n && !(lv[k].type != CMARK_NODE_CODE && all_ws(lv[k].buf, lv[k].n))) return 0;
  return 1;
}

/* A new text node with a copy of s[0..n) (cmark wants it NUL-terminated).
 * It carries no offset tag: it is not part of the original plain text. */
static cmark_node *new_text(md_state *m, const char *s, size_t n) {
  cmark_node *t = cmark_node_new_with_mem(CMARK_NODE_TEXT, &m->mem);
  char *z = scratch_grow(m, NULL, n + 1);
  memcpy(z, s, n);
  z[n] = '\0';
  cmark_node_set_literal(t, z);
  md_freeblk(z);
  return t;
}

/* Unlinks n and every inline container it leaves empty; returns the
 * topmost node unlinked. */
static cmark_node *unlink_up(cmark_node *n, cmark_node *block) {
  for (;;) {
    cmark_node *p = cmark_node_parent(n);
    cmark_node_unlink(n);
    if (!p || p == block || !is_inline_container(cmark_node_get_type(p)) ||
        cmark_node_first_child(p))
      return n;
    n = p;
  }
}

/* The node a block's removal takes out: the block, or the item, quote or
 * list it would leave empty (never the document). */
static cmark_node *removal_top(cmark_node *n) {
  for (;;) {
    cmark_node *p = cmark_node_parent(n);
    if (!p || cmark_node_get_type(p) == CMARK_NODE_DOCUMENT ||
        cmark_node_first_child(p) != n || cmark_node_last_child(p) != n)
      return n;
    n = p;
  }
}

/* ---- Markdown patches ---------------------------------------------------------- */

/* A growable string in arena memory (freed with everything on failure). */
typedef struct abuf abuf;

static void ab_put(md_state *m, abuf *b, const char *s, size_t n) {
  if (b->n + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->n + n + 1) cap *= 2;
    b->p = scratch_grow(m, b->p, cap);
    b->cap = cap;
  }
  if (n) memcpy(b->p + b->n, s, n);
  b->n += n;
  b->p[b->n] = '\0';
}

static void ab_putc(md_state *m, abuf *b, char c) { ab_put(m, b, &c, 1); }

/* Records "replace source [a, b) by s" for paragraph pi; takes s (arena). */
static void patch_add(md_state *m, size_t pi, size_t a, size_t b, abuf *s) {
  (void)pi;
  if (m->npatches == m->cappatches) {
    m->cappatches = m->cappatches ? m->cappatches * 2 : 64;
    m->patches = scratch_grow(m, m->patches, m->cappatches * sizeof *m->patches);
  }
  if (!s->p) ab_put(m, s, "", 0);
  m->patches[m->npatches++] = (md_patch){a, b, s->p, s->n};
  s->p = NULL;
  s->n = s->cap = 0;
}

/* A patch that only deletes source bytes [a, b). */
static void patch_cut(md_state *m, size_t pi, size_t a, size_t b) {
  abuf e = {NULL, 0, 0};
  patch_add(m, pi, a, b, &e);
}

/* Appends text as Markdown inline content that reads back as exactly this
 * text.  A line end becomes a space: a new line would need the container
 * prefix, and HTML renders both the same. */
static void md_escape(md_state *m, abuf *b, const char *s, size_t n, int line_start) {
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    int esc = 0;
    switch (c) {
    case '\n':
    case '\r':
      c = ' ';
      break;
    case '\\': case '`': case '*': case '_': case '[': case ']': case '<':
      esc = 1;
      break;
    case '&': /* only where it could start an entity */
      esc = i + 1 < n && (s[i + 1] == '#' || ((s[i + 1] | 0x20) >= 'a' && (s[i + 1] | 0x20) <= 'z'));
      break;
    case '!':
      esc = i + 1 < n && s[i + 1] == '[';
      break;
    case '#': case '>': case '-': case '+': case '=': case '~':
      esc = line_start && i == 0;
      break;
    default:
      if (line_start && i == 0 && c >= '0' && c <= '9') {
        size_t j = i;
        while (j < n && s[j] >= '0' && s[j] <= '9') j++;
        if (j < n && (s[j] == '.' || s[j] == ')')) { /* "1." would open a list */
          ab_put(m, b, s, j);
          ab_putc(m, b, '\\');
          i = j - 1;
          continue;
        }
      }
      break;
    }
    if (esc) ab_putc(m, b, '\\');
    ab_putc(m, b, c);
  }
}

/* A code span for literal s: a fence longer than any backtick run inside,
 * padded when the content starts or ends with a backtick or a space. */
static void md_code_span(md_state *m, abuf *b, const char *s, size_t n) {
  size_t run = 0, best = 0;
  for (size_t i = 0; i < n; i++) {
    run = s[i] == '`' ? run + 1 : 0;
    if (run > best) best = run;
  }
  /* cmark strips one space from each side unless the content is all
   * spaces */
  int spaces = 1;
  for (size_t i = 0; i < n; i++) spaces &= s[i] == ' ';
  int pad = n && !spaces && (s[0] == '`' || s[n - 1] == '`' || (s[0] == ' ' && s[n - 1] == ' '));
  for (size_t i = 0; i <= best; i++) ab_putc(m, b, '`');
  if (pad) ab_putc(m, b, ' ');
  for (size_t i = 0; i < n; i++) ab_putc(m, b, s[i] == '\n' ? ' ' : s[i]);
  if (pad) ab_putc(m, b, ' ');
  for (size_t i = 0; i <= best; i++) ab_putc(m, b, '`');
}

static span *find_span(span *sp, size_t n, cmark_node *node) {
  for (size_t i = 0; i < n; i++)
    if (sp[i].node == node) return &sp[i];
  return NULL;
}

/* As find_span, for nodes asked for in document order: leaves were
 * recorded in that order, so the search resumes where it stopped. */
static span *find_span_from(span *sp, size_t n, cmark_node *node, size_t *hint) {
  for (size_t i = *hint; i < n; i++)
    if (sp[i].node == node) {
      *hint = i + 1;
      return &sp[i];
    }
  return find_span(sp, n, node);
}

/* Whether source line `line` holds only white space and '>' markers. */
static int line_blank(const lines *ln, const char *s, int line, size_t len) {
  if (line < 1 || (size_t)line > ln->n) return 1;
  size_t a = ln->at[line - 1], b = lines_eol(ln, s, line, len);
  for (; a < b; a++)
    if (!is_ws(s[a]) && s[a] != '>') return 0;
  return 1;
}

/* Link reference definitions on source lines [sl, el], which a removal is
 * about to cut, move to the end of the document: links elsewhere may use
 * them, and the tree still resolves those links. */
static void keep_refdefs(md_state *m, const lines *ln, int sl, int el) {
  const char *s = m->d->src;
  size_t len = m->d->len;
  for (int line = sl; line <= el && (size_t)line <= ln->n; line++) {
    scan sc = {s, ln->at[line - 1], lines_eol(ln, s, el, len), 64, 1, NULL, 0};
    size_t p = sc_line_content(&sc, sc.pos);
    if (p >= sc.lim || s[p] != '[') continue;
    size_t q = sc_refdef(&sc, p);
    if (!q) continue;
    /* copy it onto one line */
    abuf *t = &m->trailer;
    if (!t->n) ab_putc(m, t, '\n');
    size_t e = q;
    while (e > p && (is_ws(s[e - 1]) || is_eol(s[e - 1]) || s[e - 1] == '>')) e--;
    for (size_t i = p; i < e;) {
      if (is_eol(s[i])) {
        ab_putc(m, t, ' ');
        i = sc_next_line(&sc, i);
      } else {
        ab_putc(m, t, s[i++]);
      }
    }
    ab_putc(m, t, '\n');
    line = lines_of(ln, q > p ? q - 1 : p);
  }
}

/* Indented code (not fenced): it merges with indented code after a blank
 * line and cannot share a line with a list marker. */
static int is_indented_code(const md_state *m, cmark_node *n) {
  if (!n || cmark_node_get_type(n) != CMARK_NODE_CODE_BLOCK) return 0;
  size_t pi = (size_t)(uintptr_t)cmark_node_get_user_data(n);
  if (!pi) return 0;
  const char *f = m->d->src + m->d->paras[pi - 1].start;
  return !(strncmp(f, "```", 3) == 0 || strncmp(f, "~~~", 3) == 0);
}

/* The last source line of block n: that of its deepest last text block
 * (our own ends: cmark's container ends can run into the next block). */
static int block_last_line(md_state *m, cmark_node *n) {
  const lines *ln = lines_get(m);
  while (cmark_node_last_child(n) && cmark_node_get_type(n) != CMARK_NODE_PARAGRAPH &&
         cmark_node_get_type(n) != CMARK_NODE_HEADING)
    n = cmark_node_last_child(n);
  size_t pi = (size_t)(uintptr_t)cmark_node_get_user_data(n);
  if (pi && pi <= m->d->npara) {
    const doc_para *p = &m->d->paras[pi - 1];
    return lines_of(ln, p->end > p->start ? p->end - 1 : p->start);
  }
  int el = cmark_node_get_end_line(n);
  return cmark_node_get_end_column(n) < 1 ? el - 1 : el;
}

/* Patches the source for the removal of top (a block or the container it
 * emptied), which is still linked.  Returns 1 when the blocks before and
 * after it would merge without it (two indented code blocks, two lists):
 * an HTML comment then stands between them, in the source as in the tree,
 * as cmark's own Markdown writer does.
 *
 * The first block of an item or quote that stays shares its line with the
 * container's marker: the next block moves up next to the marker (or, if
 * it is indented code, the marker keeps a line of its own).  Any other
 * block loses its whole lines; when that would glue the blocks around it
 * together, a blank line (with the container prefix) stays. */
static int block_patch(md_state *m, size_t pi, cmark_node *top) {
  lede_doc *d = m->d;
  const char *s = d->src;
  const lines *ln = lines_get(m);
  int sl = cmark_node_get_start_line(top);
  size_t a = lines_off(ln, sl, cmark_node_get_start_column(top), d->len);
  size_t tpi = (size_t)(uintptr_t)cmark_node_get_user_data(top);
  if (tpi && tpi <= d->npara && d->paras[tpi - 1].start > a) {
    /* link reference definitions before a paragraph stay */
    a = d->paras[tpi - 1].start;
    sl = lines_of(ln, a);
  }
  cmark_node *parent = cmark_node_parent(top), *next = cmark_node_next(top);
  cmark_node *prev = cmark_node_previous(top);
  cmark_node_type pt = parent ? cmark_node_get_type(parent) : CMARK_NODE_DOCUMENT;
  int el = block_last_line(m, top);
  cmark_node_type tt = cmark_node_get_type(top);
  if (tt == CMARK_NODE_ITEM || tt == CMARK_NODE_BLOCK_QUOTE || tt == CMARK_NODE_LIST) {
    /* a container also owns the lines after its last block up to what
     * follows it ("  >" lines of a quote, definitions in an item), but
     * not the blank lines just before that */
    cmark_node *f = top;
    while (f && !cmark_node_next(f)) f = cmark_node_parent(f);
    int stop = f && cmark_node_next(f) ? cmark_node_get_start_line(cmark_node_next(f)) - 1
                                       : (int)ln->n;
    while (stop > el) {
      size_t x = ln->at[stop - 1], y = lines_eol(ln, s, stop, d->len);
      while (x < y && is_ws(s[x])) x++;
      if (x < y) break;
      stop--;
    }
    if (stop > el) el = stop;
    keep_refdefs(m, ln, sl, el);
  }
  if (el < sl) el = sl;
  if ((pt == CMARK_NODE_ITEM || pt == CMARK_NODE_BLOCK_QUOTE) && !prev && next) {
    int nl = cmark_node_get_start_line(next);
    /* indented code starts four columns into the container's content */
    if (is_indented_code(m, top)) {
      size_t ls0 = ln->at[sl - 1];
      a = a >= ls0 + 4 ? a - 4 : ls0;
    }
    size_t b = lines_off(ln, nl, cmark_node_get_start_column(next), d->len);
    if (is_indented_code(m, next)) {
      /* indented code cannot move up to the marker line, and a marker
       * alone on its line would change the item's indentation: a comment
       * keeps the place */
      abuf e = {NULL, 0, 0};
      ab_put(m, &e, "<!-- -->", 8);
      patch_add(m, pi, a, lines_eol(ln, s, el, d->len), &e);
      return 1;
    }
    patch_cut(m, pi, a, b > a ? b : a);
    return 0;
  }
  if (cmark_node_get_type(top) == CMARK_NODE_ITEM && !prev && next &&
      cmark_node_get_list_type(parent) == CMARK_ORDERED_LIST) {
    /* the next item's number becomes the list's start: keep the start */
    size_t b = lines_off(ln, cmark_node_get_start_line(next), cmark_node_get_start_column(next),
                         d->len), q = b;
    while (q < d->len && s[q] >= '0' && s[q] <= '9') q++;
    abuf num = {NULL, 0, 0};
    char digits[24];
    int k = snprintf(digits, sizeof digits, "%d", cmark_node_get_list_start(parent));
    ab_put(m, &num, digits, (size_t)(k > 0 ? k : 0));
    if (q > b) patch_add(m, pi, b, q, &num);
    else md_freeblk(num.p);
  }
  size_t ls = ln->at[sl - 1];
  size_t le = (size_t)el < ln->n ? ln->at[el] : d->len;
  cmark_node_type prt = prev ? cmark_node_get_type(prev) : CMARK_NODE_NONE;
  int merge = prev && next &&
              ((is_indented_code(m, prev) && is_indented_code(m, next)) ||
               (prt == CMARK_NODE_LIST && cmark_node_get_type(next) == CMARK_NODE_LIST) ||
               (prt == CMARK_NODE_LIST && is_indented_code(m, next)));
  int pb = sl == 1 || line_blank(ln, s, sl - 1, d->len);
  int nb = (size_t)el >= ln->n || line_blank(ln, s, el + 1, d->len);
  /* list items are kept apart by their markers: a removed one only
   * takes its lines (a blank line added would make the list loose) */
  if (cmark_node_get_type(top) == CMARK_NODE_ITEM) pb = 1;
  if (merge) {
    abuf e = {NULL, 0, 0};
    ab_put(m, &e, s + ls, a - ls);
    ab_put(m, &e, "<!-- -->\n", 9);
    patch_add(m, pi, ls, le, &e);
  } else if (pb && nb) {
    /* drop one of the two blank lines around it too: the one after it,
     * or at the end of the document the one before */
    int at_end = (size_t)el >= ln->n || ((size_t)el + 1 == ln->n && ln->at[el] == d->len);
    if (!at_end) le = (size_t)el + 1 < ln->n ? ln->at[el + 1] : d->len;
    else if (sl > 1 && line_blank(ln, s, sl - 1, d->len)) ls = ln->at[sl - 2];
    patch_cut(m, pi, ls, le);
  } else if (pb || nb) {
    patch_cut(m, pi, ls, le);
  } else {
    /* keep a blank line: the line's prefix up to the block, trimmed */
    abuf e = {NULL, 0, 0};
    size_t pe = a;
    while (pe > ls && is_ws(s[pe - 1])) pe--;
    ab_put(m, &e, s + ls, pe - ls);
    ab_putc(m, &e, '\n');
    patch_add(m, pi, ls, le, &e);
  }
  return merge;
}

/* Removes block n (or the container it empties) from tree and source. */
static void remove_para_block(md_state *m, size_t pi, cmark_node *n) {
  cmark_node *top = removal_top(n);
  /* the lists around it may stop being loose: fix_tightness */
  for (cmark_node *a = cmark_node_parent(top); a; a = cmark_node_parent(a))
    if (cmark_node_get_type(a) == CMARK_NODE_LIST) {
      m->lists = scratch_grow(m, m->lists, (m->nlists + 1) * sizeof *m->lists);
      m->lists[m->nlists++] = a;
    }
  if (block_patch(m, pi, top)) {
    cmark_node *sep = cmark_node_new_with_mem(CMARK_NODE_HTML_BLOCK, &m->mem);
    cmark_node_set_literal(sep, "<!-- -->\n");
    cmark_node_insert_before(top, sep);
  }
  cmark_node_unlink(top);
}

/* Records the source extent of every inline node of block blk (a walk in
 * W_SPANS mode over the still pristine block), scanning as the load did.
 * L->chain gets the containers around it (the caller frees it). */
static void block_spans(md_state *m, size_t pi, cmark_node *blk, loader *L) {
  lede_doc *d = m->d;
  memset(L, 0, sizeof *L);
  L->m = m;
  L->d = d;
  L->mode = W_SPANS;
  L->ln = lines_get(m);
  int n = 0;
  for (cmark_node *a = cmark_node_parent(blk); a; a = cmark_node_parent(a))
    n += cmark_node_get_type(a) == CMARK_NODE_BLOCK_QUOTE || cmark_node_get_type(a) == CMARK_NODE_ITEM;
  L->chain = scratch_grow(m, NULL, (size_t)(n ? n : 1) * sizeof *L->chain);
  L->nchain = n;
  /* outermost first: note the ancestors from the end, then work out their
   * prefixes in order */
  cmark_node **anc = scratch_grow(m, NULL, (size_t)(n ? n : 1) * sizeof *anc);
  int k = n;
  for (cmark_node *a = cmark_node_parent(blk); a; a = cmark_node_parent(a))
    if (cmark_node_get_type(a) == CMARK_NODE_BLOCK_QUOTE || cmark_node_get_type(a) == CMARK_NODE_ITEM)
      anc[--k] = a;
  for (k = 0; k < n; k++) ctr_push(L->ln, d->src, d->len, L->chain, k, anc[k]);
  md_freeblk(anc);
  int under; /* the load settled the block's end; only its content matters here */
  scan sc = text_scan(L->ln, d->src, d->len, blk, L->chain, n, &under);
  L->t = d->paras[pi].tstart;
  walk_inlines(L, &sc, blk);
}

/* Characters md_escape always escapes. */
static int md_special(char c) {
  /* not brackets: balanced ones in link text are fine as they are, and
   * escaping one of a pair would unbalance it; not '<' either, which an
   * escape could turn from a bad link destination into a good one */
  return c == '\\' || c == '`' || c == '*' || c == '_';
}

/* Whether "<" followed by s[0..n) could be the start of raw HTML: a tag
 * name (optionally after '/') ended by white space, '/', '>' or the end of
 * the text, or "!" / "?" (comments, declarations, processing). */
static int tag_start(const char *s, size_t n) {
  size_t i = 0;
  if (i < n && (s[i] == '!' || s[i] == '?')) return 1;
  if (i < n && s[i] == '/') i++;
  if (i >= n || !((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'z')) return 0;
  while (i < n && (((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'z') ||
                   (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
    i++;
  return i >= n || is_ws(s[i]) || is_eol(s[i]) || s[i] == '/' || s[i] == '>';
}

/* Source offset of plain-text offset t inside text leaf lf. */
static size_t leaf_src(md_state *m, size_t pi, const leaf *lf, const span *sp, size_t t) {
  if (t <= lf->t0) return sp->a;
  if (t >= lf->t1) return sp->b;
  size_t x = doc_text_to_src(m->d, pi, t);
  return x < sp->a ? sp->a : x > sp->b ? sp->b : x;
}

/* A changed stretch of a text leaf: old bytes [x0, x1), new [y0, y1). */
typedef struct hunk {
  size_t x0, x1, y0, y1;
} hunk;

typedef struct hunks {
  hunk *h;
  size_t n, cap;
} hunks;

/* Adds a hunk, widened to whole characters and over kept mark-up
 * characters next to it: after the edit they may touch other mark-up
 * ("`hi`lo`" without "lo"), so they are rewritten, escaped.  Hunks that
 * now overlap or touch merge. */
static void hunk_add(md_state *m, hunks *hs, const leaf *lf, size_t x0, size_t x1, size_t y0,
                     size_t y1) {
  const char *old = m->d->text + lf->t0;
  size_t on = lf->t1 - lf->t0;
  while (x0 > 0 && x0 < on && ((unsigned char)old[x0] & 0xC0) == 0x80 && y0 > 0) x0--, y0--;
  while (x1 < on && ((unsigned char)old[x1] & 0xC0) == 0x80 && y1 < lf->n) x1++, y1++;
  while (x1 < on && y1 < lf->n && md_special(old[x1])) x1++, y1++;
  while (x0 > 0 && y0 > 0 && md_special(old[x0 - 1])) x0--, y0--;
  /* a kept '<' just before new text could open a tag with it ("<" + "b>") */
  if (x0 > 0 && y0 > 0 && old[x0 - 1] == '<' && tag_start(lf->buf + y0, lf->n - y0)) x0--, y0--;
  if (hs->n && x0 <= hs->h[hs->n - 1].x1) {
    hunk *last = &hs->h[hs->n - 1];
    if (x1 > last->x1) last->x1 = x1;
    if (y1 > last->y1) last->y1 = y1;
    return;
  }
  if (hs->n == hs->cap)
    hs->h = scratch_grow(m, hs->h, (hs->cap = hs->cap ? hs->cap * 2 : 8) * sizeof *hs->h);
  hs->h[hs->n++] = (hunk){x0, x1, y0, y1};
}

/* The first text of a line is escaped from its start: what an edit left
 * there ("#", "- ", "1.") must not open a block. */
static void hunk_patch(md_state *m, size_t pi, const leaf *lf, const span *sp, const hunk *h) {
  size_t a = leaf_src(m, pi, lf, sp, lf->t0 + h->x0), b = leaf_src(m, pi, lf, sp, lf->t0 + h->x1);
  if (b < a) b = a;
  size_t y0 = h->y0 < lf->n ? h->y0 : lf->n, y1 = h->y1 < lf->n ? h->y1 : lf->n;
  if (y0 > y1) y0 = y1;
  abuf out = {NULL, 0, 0};
  md_escape(m, &out, lf->buf + y0, y1 - y0, lf->line_first && y0 == 0);
  if (lf->atx_last && y1 == lf->n && out.n && out.p[out.n - 1] == '#') {
    /* "# Title #" ends with a closing sequence: escape the run's first '#'
     * when white space (or nothing) comes before it */
    size_t r = out.n;
    while (r > 0 && out.p[r - 1] == '#') r--;
    if (r == 0 ? y0 == 0 || is_ws(lf->buf[y0 - 1]) : is_ws(out.p[r - 1])) {
      ab_putc(m, &out, '#');
      memmove(out.p + r + 1, out.p + r, out.n - r - 1);
      out.p[r] = '\\';
    }
  }
  patch_add(m, pi, a, b, &out);
}

/* Whether c at the start of a line could open a block. */
static int block_char(char c) {
  /* '[' too: "[x]: /url" at a paragraph's start would be a definition */
  return c == '#' || c == '-' || c == '+' || c == '=' || c == '>' || c == '~' || c == '[' ||
         (c >= '0' && c <= '9');
}

/* The patches for a text leaf: only the bytes that changed, so entities,
 * escapes and whatever else the edit did not touch keep their spelling.
 * Same-length texts (s:upper()) are compared byte for byte, others through
 * the bounded diff, else between common prefix and suffix. */
static void text_patch(md_state *m, size_t pi, const leaf *lf, const span *sp) {
  const char *old = m->d->text + lf->t0, *nw = lf->buf;
  size_t on = lf->t1 - lf->t0, nn = lf->n, pre, suf;
  hunks hs = {NULL, 0, 0};
  common_ends(old, on, nw, nn, &pre, &suf);
  size_t omid = on - pre - suf, nmid = nn - pre - suf;
  size_t *mx = NULL;
  if (lf->line_first && nn && block_char(nw[0]) && pre > 0) {
    /* rewrite from the start, so the first character gets escaped */
    hunk_add(m, &hs, lf, 0, on - suf, 0, nn - suf);
  } else if (on == nn) {
    for (size_t i = pre; i < on - suf;) {
      if (old[i] == nw[i]) {
        i++;
        continue;
      }
      size_t j = i;
      while (j < on - suf && old[j] != nw[j]) j++;
      hunk_add(m, &hs, lf, i, j, i, j);
      i = j;
    }
  } else if (omid && nmid && (mx = scratch_grow(m, NULL, omid * sizeof *mx)) &&
             myers(m, old + pre, omid, nw + pre, nmid, mx)) {
    /* a hunk runs from one kept byte to the next */
    size_t i = 0, y = 0;
    while (i < omid || y < nmid) {
      if (i < omid && mx[i] == y) {
        i++, y++;
        continue;
      }
      size_t i1 = i;
      while (i1 < omid && mx[i1] == SIZE_MAX) i1++;
      size_t y1 = i1 < omid ? mx[i1] : nmid;
      hunk_add(m, &hs, lf, pre + i, pre + i1, pre + y, pre + y1);
      i = i1, y = y1;
    }
  } else {
    hunk_add(m, &hs, lf, pre, on - suf, pre, nn - suf);
  }
  /* Hunks with plain text between them make one patch: those bytes are
   * the same in the source, need no escape, and a document edited in
   * every sentence (s:upper()) would otherwise hold a patch per word. */
  size_t w = 0;
  for (size_t k = 0; k < hs.n; k++) {
    if (w > 0) {
      hunk *last = &hs.h[w - 1];
      size_t g0 = last->x1, g1 = hs.h[k].x0, i = g0;
      while (i < g1 && !md_special(old[i]) && !strchr("[]<&!\\\r\n", old[i])) i++;
      if (i == g1 && leaf_src(m, pi, lf, sp, lf->t0 + g1) - leaf_src(m, pi, lf, sp, lf->t0 + g0) ==
                         g1 - g0) {
        last->x1 = hs.h[k].x1;
        last->y1 = hs.h[k].y1;
        continue;
      }
    }
    hs.h[w++] = hs.h[k];
  }
  /* a heading's new text ending in '#': its end must be in a hunk, where
   * hunk_patch can escape it */
  if (lf->atx_last && nn && nw[nn - 1] == '#' && (!w || hs.h[w - 1].y1 < nn)) {
    size_t run = 0;
    while (run < nn && run < on && nw[nn - 1 - run] == '#') run++;
    if (w && hs.h[w - 1].x1 >= on - run) {
      hs.h[w - 1].x1 = on;
      hs.h[w - 1].y1 = nn;
    } else {
      if (w == hs.cap)
        hs.h = scratch_grow(m, hs.h, (hs.cap = hs.cap ? hs.cap * 2 : 8) * sizeof *hs.h);
      hs.h[w++] = (hunk){on - run, on, nn - run, nn};
    }
  }
  for (size_t k = 0; k < w; k++) hunk_patch(m, pi, lf, sp, &hs.h[k]);
  if (hs.h) md_freeblk(hs.h);
  if (mx) md_freeblk(mx);
}

/* A shortcut or collapsed reference link finds its definition through
 * its text: when the text changes, the original text stays on as the
 * label ("[new text][old text]"). */
static void ref_label_patch(md_state *m, size_t pi, const span *ls, const loader *L) {
  abuf out = {NULL, 0, 0};
  const char *s = m->d->src;
  size_t from = ls->a + (cmark_node_get_type(ls->node) == CMARK_NODE_IMAGE ? 2 : 1);
  scan sc = {s, from, ls->ia, 0, 0, L->chain, L->nchain};
  ab_putc(m, &out, '[');
  while (sc.pos < sc.lim) {
    if (is_eol(s[sc.pos])) {
      ab_putc(m, &out, ' ');
      sc.pos = sc_next_line(&sc, sc.pos);
    } else {
      ab_putc(m, &out, s[sc.pos++]);
    }
  }
  ab_putc(m, &out, ']');
  if (ls->ref == 1) patch_add(m, pi, ls->b, ls->b, &out);
  else patch_add(m, pi, ls->ia + 1, ls->b, &out);
}

/* Whether s[0..n) reads back as the same autolink "<s>": a scheme, a
 * colon, and no space, control, '<' or '>'. */
static int autolink_ok(const char *s, size_t n) {
  size_t i = 0;
  while (i < n && (((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'z') ||
                   (i > 0 && ((s[i] >= '0' && s[i] <= '9') || s[i] == '+' || s[i] == '.' ||
                              s[i] == '-'))))
    i++;
  if (i < 2 || i > 32 || i >= n || s[i] != ':') return 0;
  for (; i < n; i++)
    if ((unsigned char)s[i] <= ' ' || s[i] == '<' || s[i] == '>' || s[i] == 0x7F) return 0;
  return 1;
}

/* An autolink's text is its address: a new text becomes the new address
 * (so a redacted address does not live on in href), in the tree and in
 * the source, where it stays "<...>" if it can, else becomes an inline
 * link "[text](<address>)". */
static void autolink_edit(md_state *m, size_t pi, leaf *lf, const loader *L) {
  cmark_node *link = cmark_node_parent(lf->node);
  const char *old_url = cmark_node_get_url(link);
  const char *old_text = cmark_node_get_literal(lf->node);
  abuf url = {NULL, 0, 0}, out = {NULL, 0, 0};
  if (old_url && old_text && strncmp(old_url, "mailto:", 7) == 0 &&
      strcmp(old_url + 7, old_text) == 0)
    ab_put(m, &url, "mailto:", 7);
  ab_put(m, &url, lf->buf, lf->n);
  span *ls = m->have_patches ? find_span(L->spans, L->nspans, link) : NULL;
  if (!m->have_patches) {
    /* the tree only */
  } else if (ls) {
    if (url.n == lf->n && autolink_ok(lf->buf, lf->n)) {
      ab_putc(m, &out, '<');
      ab_put(m, &out, lf->buf, lf->n);
      ab_putc(m, &out, '>');
    } else {
      ab_putc(m, &out, '[');
      md_escape(m, &out, lf->buf, lf->n, 0);
      ab_put(m, &out, "](<", 3);
      for (size_t i = 0; i < url.n; i++) {
        char c = url.p[i] == '\n' ? ' ' : url.p[i];
        if (c == '&') { /* destinations decode entities before escapes */
          ab_put(m, &out, "&amp;", 5);
          continue;
        }
        if (c == '<' || c == '>' || c == '\\') ab_putc(m, &out, '\\');
        ab_putc(m, &out, c);
      }
      ab_put(m, &out, ">)", 2);
    }
    patch_add(m, pi, ls->a, ls->b, &out);
  } else {
    m->patch_failed = 1;
  }
  cmark_node_set_url(link, url.p);
  cmark_node_set_literal(lf->node, lf->buf);
  md_freeblk(url.p);
}

/* Applies the new content of one changed leaf to the tree and records the
 * matching source patch. */
static void apply_leaf(md_state *m, size_t pi, cmark_node *blk, leaf *lf, const loader *L) {
  span *sp = lf->sp;
  abuf out = {NULL, 0, 0};
  if (!sp && m->have_patches) m->patch_failed = 1;
  if (lf->n == 0) {
    /* empty: unlink it; a container left empty goes with its mark-up */
    cmark_node *gone = unlink_up(lf->node, blk);
    if (!m->have_patches) return;
    span *gs = find_span(L->spans, L->nspans, gone);
    if (gs) patch_cut(m, pi, gs->a, gs->b);
    else m->patch_failed = 1;
    return;
  }
  if (lf->type == CMARK_NODE_TEXT && in_autolink(lf->node)) {
    autolink_edit(m, pi, lf, L);
  } else if (lf->type == CMARK_NODE_TEXT) {
    if (sp) text_patch(m, pi, lf, sp);
    cmark_node_set_literal(lf->node, lf->buf);
  } else if (lf->type == CMARK_NODE_CODE) {
    if (sp && !memchr(lf->buf, '`', lf->n) && lf->buf[0] != ' ' && lf->buf[lf->n - 1] != ' ' &&
        sp->ia <= sp->ib) {
      /* the same fence still fits: replace only the content */
      for (size_t i = 0; i < lf->n; i++) ab_putc(m, &out, lf->buf[i] == '\n' ? ' ' : lf->buf[i]);
      patch_add(m, pi, sp->ia, sp->ib, &out);
    } else if (sp) {
      md_code_span(m, &out, lf->buf, lf->n);
      patch_add(m, pi, sp->a, sp->b, &out);
    }
    cmark_node_set_literal(lf->node, lf->buf);
  } else if (lf->brk_at != SIZE_MAX) {
    /* a kept line break with new text before or after it */
    size_t at = lf->brk_at;
    if (at > 0) {
      cmark_node_insert_before(lf->node, new_text(m, lf->buf, at));
      if (sp) {
        md_escape(m, &out, lf->buf, at, 0);
        patch_add(m, pi, sp->a, sp->a, &out);
      }
    }
    if (at + 1 < lf->n) {
      cmark_node_insert_after(lf->node, new_text(m, lf->buf + at + 1, lf->n - at - 1));
      if (sp) {
        md_escape(m, &out, lf->buf + at + 1, lf->n - at - 1, 0);
        patch_add(m, pi, sp->b, sp->b, &out);
      }
    }
  } else {
    /* the break itself was replaced by text */
    cmark_node_insert_before(lf->node, new_text(m, lf->buf, lf->n));
    cmark_node_unlink(lf->node);
    if (sp) {
      md_escape(m, &out, lf->buf, lf->n, 0);
      patch_add(m, pi, sp->a, sp->b, &out);
    }
  }
}

/* Moves white space out of an emphasis (normalize): a text node next to
 * it in the tree, the bytes next to its delimiters in the source. */
static void apply_hoist(md_state *m, size_t pi, const econt *c, const loader *L) {
  span *sp = m->have_patches ? find_span(L->spans, L->nspans, c->node) : NULL;
  abuf ws = {NULL, 0, 0};
  if (c->npre) {
    cmark_node_insert_before(c->node, new_text(m, c->pre, c->npre));
    if (sp) {
      ab_put(m, &ws, c->pre, c->npre);
      patch_add(m, pi, sp->a, sp->a, &ws);
    }
  }
  if (c->npost) {
    cmark_node_insert_after(c->node, new_text(m, c->post, c->npost));
    if (sp) {
      ab_put(m, &ws, c->post, c->npost);
      patch_add(m, pi, sp->b, sp->b, &ws);
    }
  }
  if (!sp && m->have_patches) m->patch_failed = 1;
}

/* Emphasis delimiters that an edit made touch, with the same character,
 * would merge into one run ("_" + "_x_" + "_" reads as "__x__"): the
 * inner or later one switches between '*' and '_', in the source only
 * (the tree is already right). */
static void fix_delims(md_state *m, size_t pi, econt *ec, size_t nc, const loader *L) {
  for (size_t c = 0; c < nc; c++) {
    span *sp = find_span(L->spans, L->nspans, ec[c].node);
    ec[c].delim = sp && sp->a < m->d->len ? m->d->src[sp->a] : 0;
  }
  for (size_t c = 0; c < nc; c++) {
    cmark_node *n = ec[c].node;
    if (!cmark_node_parent(n) || !ec[c].delim) continue;
    span *sn = find_span(L->spans, L->nspans, n);
    size_t k = cmark_node_get_type(n) == CMARK_NODE_STRONG ? 2 : 1;
    cmark_node *touch[3] = {cmark_node_previous(n), NULL, NULL};
    cmark_node *fc = cmark_node_first_child(n), *lc = cmark_node_last_child(n);
    /* (the neighbour, whether it is n's child) */
    for (int w = 0; w < 3; w++) {
      cmark_node *o = w == 0 ? touch[0] : w == 1 ? fc : lc;
      if (!o || !is_emph(o)) continue;
      size_t oc = 0;
      while (oc < nc && ec[oc].node != o) oc++;
      if (oc == nc || ec[oc].delim != ec[c].delim) continue;
      span *so = find_span(L->spans, L->nspans, o);
      if (!so || !sn) continue;
      /* touching in the source already: cmark parsed it so, leave it */
      if ((w == 0 && so->b == sn->a) || (w == 1 && so->a == sn->a + k) ||
          (w == 2 && so->b + k == sn->b))
        continue;
      /* switch the later or inner one: o for children, n for a sibling */
      size_t t = w == 0 ? c : oc;
      span *st = w == 0 ? sn : so;
      size_t tk = cmark_node_get_type(ec[t].node) == CMARK_NODE_STRONG ? 2 : 1;
      char nd = ec[t].delim == '*' ? '_' : '*';
      abuf a = {NULL, 0, 0}, b = {NULL, 0, 0};
      for (size_t i = 0; i < tk; i++) ab_putc(m, &a, nd), ab_putc(m, &b, nd);
      patch_add(m, pi, st->a, st->a + tk, &a);
      patch_add(m, pi, st->b - tk, st->b, &b);
      ec[t].delim = nd;
    }
  }
}

/* Applies the edits of paragraph pi to its block (tree and patches). */
static void apply_para(md_state *m, size_t pi) {
  lede_doc *d = m->d;
  doc_para *p = &d->paras[pi];
  cmark_node *blk = p->node;
  if (!blk || !cmark_node_parent(blk)) return;
  if (p->flags & ITEM_REMOVED) {
    m->tree_edited = 1;
    remove_para_block(m, pi, blk);
    return;
  }
  cmark_node_type bt = cmark_node_get_type(blk);
  if (!d->segmented || (bt != CMARK_NODE_PARAGRAPH && bt != CMARK_NODE_HEADING)) return;
  int whole = 0;
  size_t ne = 0, nl = 0, nc = 0;
  redit *e = para_edits(m, pi, &ne, &whole);
  leaf *lv = NULL;
  econt *ec = NULL;
  if (whole) {
    m->tree_edited = 1;
    remove_para_block(m, pi, blk);
    goto done;
  }
  if (ne) lv = collect_leaves(m, blk, &nl, &ec, &nc);
  if (!ne || !nl) goto done;
  size_t nops;
  lop *ops = plan_ops(m, lv, nl, e, ne, &nops);
  build_leaves(m, lv, nl, ops, nops);
  md_freeblk(ops);
  int any = 0;
  for (size_t i = 0; i < nl; i++) any |= lv[i].changed;
  if (!any) goto done;
  m->tree_edited = 1;
  if (normalize(m, lv, nl, ec, nc)) {
    remove_para_block(m, pi, blk); /* nothing but white space left */
    goto done;
  }
  /* the text of an ATX heading follows its '#': nothing there opens a
   * block */
  if (heading_atx(blk)) {
    for (size_t i = 0; i < nl; i++) lv[i].line_first = 0;
    for (size_t i = nl; i > 0; i--)
      if (lv[i - 1].n) {
        lv[i - 1].atx_last = 1;
        break;
      }
  }
  /* patches need the pristine block's source extents: take them before
   * the tree changes */
  loader L;
  memset(&L, 0, sizeof L);
  if (m->have_patches) block_spans(m, pi, blk, &L);
  size_t hint = 0;
  for (size_t i = 0; i < nl && m->have_patches; i++)
    lv[i].sp = find_span_from(L.spans, L.nspans, lv[i].node, &hint);
  /* reference links whose text changes and that keep some text */
  for (size_t k = 0; k < L.nspans; k++) {
    span *ls = &L.spans[k];
    if (!ls->ref) continue;
    int touched = 0, kept = 0;
    for (size_t i = 0; i < nl; i++) {
      cmark_node *a = cmark_node_parent(lv[i].node);
      while (a && a != blk && a != ls->node) a = cmark_node_parent(a);
      if (a != ls->node) continue;
      touched |= lv[i].changed;
      kept |= lv[i].n > 0;
    }
    if (touched && kept) ref_label_patch(m, pi, ls, &L);
  }
  for (size_t c = 0; c < nc; c++)
    if (ec[c].npre || ec[c].npost) apply_hoist(m, pi, &ec[c], &L);
  for (size_t i = 0; i < nl; i++)
    if (lv[i].changed) apply_leaf(m, pi, blk, &lv[i], &L);
  if (m->have_patches) fix_delims(m, pi, ec, nc, &L);
  if (L.spans) md_freeblk(L.spans);
  if (L.chain) md_freeblk(L.chain);
  if (!cmark_node_first_child(blk)) remove_para_block(m, pi, blk);
done:
  for (size_t i = 0; i < nl; i++)
    if (lv[i].buf) md_freeblk(lv[i].buf);
  for (size_t c = 0; c < nc; c++) {
    if (ec[c].pre) md_freeblk(ec[c].pre);
    if (ec[c].post) md_freeblk(ec[c].post);
  }
  if (ec) md_freeblk(ec);
  if (lv) md_freeblk(lv);
  md_freeblk(e);
}

/* All patches in source order; *n gets the count.  Arena memory. */
static md_patch *patches_sorted(md_state *m, size_t *count) {
  lede_doc *d = m->d;
  (void)d;
  size_t n = m->npatches;
  md_patch *all = scratch_grow(m, NULL, (n + 1) * sizeof *all);
  if (n) memcpy(all, m->patches, n * sizeof *all);
  /* Nearly sorted already (paragraphs come in source order); a stable
   * merge sort keeps insertions at one offset in the order made. */
  md_patch *tmp = scratch_grow(m, NULL, (n + 1) * sizeof *tmp);
  for (size_t w = 1; w < n; w *= 2) {
    for (size_t lo = 0; lo < n; lo += 2 * w) {
      size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
      size_t i = lo, j = mid, k = lo;
      while (i < mid && j < hi)
        tmp[k++] = (all[j].a < all[i].a || (all[j].a == all[i].a && all[j].b < all[i].b))
                       ? all[j++] : all[i++];
      while (i < mid) tmp[k++] = all[i++];
      while (j < hi) tmp[k++] = all[j++];
    }
    md_patch *t = all;
    all = tmp;
    tmp = t;
  }
  md_freeblk(tmp);
  *count = n;
  return all;
}

/* Calls put for each piece of the edited source, in order. */
static void patched_walk(md_state *m, const md_patch *all, size_t n,
                         void (*put)(void *ud, const char *s, size_t len), void *ud) {
  lede_doc *d = m->d;
  size_t pos = 0;
  for (size_t i = 0; i < n; i++) {
    if (all[i].b < pos) continue; /* inside a range already cut */
    size_t a = all[i].a < pos ? pos : all[i].a;
    put(ud, d->src + pos, a - pos);
    put(ud, all[i].s, all[i].len);
    pos = all[i].b > pos ? all[i].b : pos;
  }
  put(ud, d->src + pos, d->len - pos);
}

static void put_dbuf(void *ud, const char *s, size_t n) { dbuf_put(ud, s, n); }

typedef struct abuf_ud {
  md_state *m;
  abuf *b;
} abuf_ud;

static void put_abuf(void *ud, const char *s, size_t n) {
  abuf_ud *u = ud;
  ab_put(u->m, u->b, s, n);
}

/* The edited source: the source with every patch applied. */
static void render_patched(md_state *m, dbuf *out) {
  size_t n;
  md_patch *all = patches_sorted(m, &n);
  patched_walk(m, all, n, put_dbuf, out);
  if (m->trailer.n) {
    if (out->n && out->p[out->n - 1] != '\n') dbuf_putc(out, '\n');
    dbuf_put(out, m->trailer.p, m->trailer.n);
  }
  md_freeblk(all);
}

/* Offset in the edited source of source offset o (a cut offset maps to
 * where its replacement starts). */
static size_t patched_off(const md_patch *all, size_t n, size_t o) {
  size_t pos = 0, out = 0;
  for (size_t i = 0; i < n && all[i].a <= o; i++) {
    if (all[i].b < pos) continue;
    size_t a = all[i].a < pos ? pos : all[i].a;
    out += a - pos;
    if (o < (all[i].b > a ? all[i].b : a)) return out; /* inside the cut */
    out += all[i].len;
    pos = all[i].b > pos ? all[i].b : pos;
  }
  return out + (o - pos);
}

/* Whether the edited text p[e..s) holds a whole blank line. */
static int blank_between(const abuf *p, size_t e, size_t s) {
  size_t i = e;
  while (i < s && p->p[i] != '\n') i++;
  while (i < s) {
    size_t ls = ++i;
    while (i < p->n && p->p[i] != '\n') i++;
    if (i >= s) return 0; /* the line of s itself */
    int blank = 1;
    for (size_t k = ls; k < i; k++)
      if (!is_ws(p->p[k]) && p->p[k] != '>' && p->p[k] != '\r') blank = 0;
    if (blank) return 1;
  }
  return 0;
}

/* A list is loose when a blank line separates two of its items or two
 * blocks of one item (CommonMark).  Removed blocks can take those blank
 * lines away: the lists they touched get their tight flag from the edited
 * source, so HTML and Markdown output agree. */
static void fix_tightness(md_state *m) {
  if (!m->nlists) return;
  size_t n;
  md_patch *all = patches_sorted(m, &n);
  abuf p = {NULL, 0, 0};
  abuf_ud u = {m, &p};
  patched_walk(m, all, n, put_abuf, &u);
  const lines *ln = lines_get(m);
  lede_doc *d = m->d;
  for (size_t k = 0; k < m->nlists; k++) {
    cmark_node *list = m->lists[k];
    /* still in the document? */
    cmark_node *r = list;
    while (cmark_node_parent(r)) r = cmark_node_parent(r);
    if (r != m->root || !cmark_node_first_child(list)) continue;
    int loose = 0;
    /* pairs of items, then pairs of blocks inside each item */
    for (cmark_node *it = cmark_node_first_child(list); it && !loose; it = cmark_node_next(it)) {
      cmark_node *x = it, *y = cmark_node_next(it), *b = NULL;
      for (;;) {
        if (x && y) {
          size_t e = lines_eol(ln, d->src, block_last_line(m, x), d->len);
          size_t st = lines_off(ln, cmark_node_get_start_line(y), cmark_node_get_start_column(y),
                                d->len);
          if (blank_between(&p, patched_off(all, n, e), patched_off(all, n, st))) loose = 1;
        }
        b = b ? cmark_node_next(b) : cmark_node_first_child(it);
        if (!b || loose) break;
        x = b;
        y = cmark_node_next(b);
      }
    }
    cmark_node_set_list_tight(list, !loose);
  }
  if (p.p) md_freeblk(p.p);
  md_freeblk(all);
}

/* Brings the tree up to date with the document's edits.  Each paragraph's
 * edit signature (para_sig) is compared with the one its block was edited
 * for: equal means nothing to do, so a second render of the same edits
 * costs a signature scan; a paragraph edited for the first time is applied
 * to its pristine block; one edited again (rare: render, edit, render)
 * forces a re-parse, after which every edited block is applied afresh. */
static void md_sync(md_state *m) {
  lede_doc *d = m->d;
  if (!m->root) md_reparse(m);
  if (!d->nedited && !d->nremoved_sents && !d->nremoved_paras) return;
  if (m->napplied < d->npara) {
    size_t *a = budget_realloc(d->budget, m->applied, m->napplied * sizeof *a,
                               d->npara * sizeof *a);
    if (!a) mem_fail(d->budget && d->budget->hit ? LEDE_ELIMIT : LEDE_ENOMEM);
    memset(a + m->napplied, 0, (d->npara - m->napplied) * sizeof *a);
    m->applied = a;
    m->napplied = d->npara;
  }
  /* a block already edited in the tree cannot be edited again from its
   * original: start over from a fresh parse */
  for (size_t pi = 0; pi < d->npara; pi++)
    if (m->applied[pi] && m->applied[pi] != para_sig(d, pi)) {
      md_reparse(m);
      break;
    }
  /* an edited tree without text patches, and Markdown wanted: start
   * again from the source */
  if (m->want_patches && m->tree_edited && !m->have_patches) md_reparse(m);
  if (!m->tree_edited) m->have_patches = m->want_patches;
  for (size_t pi = 0; pi < d->npara; pi++) {
    size_t sig = para_sig(d, pi);
    if (sig == m->applied[pi]) continue;
    apply_para(m, pi);
    m->applied[pi] = sig;
    if ((pi & 1023) == 1023 && budget_interrupted(d->budget)) mem_fail(LEDE_ELIMIT);
  }
  fix_tightness(m);
}

/* ---- rendering ------------------------------------------------------------------ */

/* md_render's arguments, through md_protected()'s single pointer. */
typedef struct render_args {
  lede_format fmt;
  unsigned flags;
  dbuf *out;
} render_args;

/* Plain text of the inline content of n (a heading's title). */
static void inline_text(cmark_node *n, dbuf *b) {
  cmark_node *cur = cmark_node_first_child(n);
  while (cur) {
    cmark_node_type ty = cmark_node_get_type(cur);
    if (ty == CMARK_NODE_TEXT || ty == CMARK_NODE_CODE) dbuf_puts(b, cmark_node_get_literal(cur));
    else if (ty == CMARK_NODE_SOFTBREAK || ty == CMARK_NODE_LINEBREAK) dbuf_putc(b, ' ');
    cmark_node *child = cmark_node_first_child(cur);
    if (child) {
      cur = child;
      continue;
    }
    while (cur) {
      cmark_node *next = cmark_node_next(cur);
      if (next) {
        cur = next;
        break;
      }
      cur = cmark_node_parent(cur);
      if (cur == n) cur = NULL;
    }
  }
}

/* HTML: cmark's renderer on the tree (identical to cmark's own output for
 * an unedited document), optionally wrapped in a complete page. */
static void render_html(md_state *m, unsigned flags, dbuf *out) {
  int opts = CMARK_OPT_DEFAULT | ((flags & LEDE_RENDER_UNSAFE) ? CMARK_OPT_UNSAFE : 0);
  if (flags & LEDE_RENDER_STANDALONE) {
    /* the title is the first heading's text, else a neutral one */
    dbuf title;
    dbuf_init(&title, NULL);
    cmark_node *cur = cmark_node_first_child(m->root);
    while (cur && !title.n) {
      if (cmark_node_get_type(cur) == CMARK_NODE_HEADING) inline_text(cur, &title);
      cmark_node *child = cmark_node_first_child(cur);
      if (child && cmark_node_get_type(cur) != CMARK_NODE_HEADING &&
          cmark_node_get_type(cur) != CMARK_NODE_PARAGRAPH) {
        cur = child;
        continue;
      }
      while (cur) {
        cmark_node *next = cmark_node_next(cur);
        if (next) {
          cur = next;
          break;
        }
        cur = cmark_node_parent(cur);
        if (cur == m->root) cur = NULL;
      }
    }
    render_page_head(out, title.n ? title.p : NULL, title.n);
    if (title.failed) out->failed = title.failed;
    dbuf_free(&title);
  }
  char *html = cmark_render_html(m->root, opts);
  dbuf_puts(out, html);
  md_freeblk(html);
  if (flags & LEDE_RENDER_STANDALONE) render_page_foot(out);
}

/* ---- plain-text rendering -------------------------------------------------------
 *
 * Readable text: headings as their text, list items with "- " or "1. "
 * markers, block quotes indented by two spaces, code blocks by four,
 * emphasis, links and raw HTML reduced to their text, a blank line between
 * blocks (none between the items of a tight list). */

typedef struct tlevel {
  char first[24]; /* written on the first line of the container */
  size_t width;   /* indentation of its later lines */
  int used;       /* first line written */
} tlevel;

typedef struct trender {
  md_state *m;
  dbuf *out;
  tlevel *lv;
  size_t depth, cap;
  int started;  /* any block written yet */
  int bol;      /* at the beginning of a line */
} trender;

/* Writes the prefix of a new line: for each open container its marker on
 * its first line ("- ", "1. "), its indentation after that. */
static void tr_prefix(trender *r) {
  for (size_t i = 0; i < r->depth; i++) {
    tlevel *l = &r->lv[i];
    if (!l->used) {
      dbuf_puts(r->out, l->first);
      l->used = 1;
    } else {
      for (size_t k = 0; k < l->width; k++) dbuf_putc(r->out, ' ');
    }
  }
  r->bol = 0;
}

/* Writes text, starting every new line with the containers' prefix. */
static void tr_put(trender *r, const char *s, size_t n) {
  size_t i = 0;
  while (i < n) {
    if (r->bol) tr_prefix(r);
    const char *nl = memchr(s + i, '\n', n - i);
    size_t k = nl ? (size_t)(nl - s) - i : n - i;
    dbuf_put(r->out, s + i, k);
    i += k;
    if (nl) {
      dbuf_putc(r->out, '\n');
      r->bol = 1;
      i++;
    }
  }
}

/* Ends the current line, if one was started. */
static void tr_newline(trender *r) {
  if (!r->bol) {
    dbuf_putc(r->out, '\n');
    r->bol = 1;
  }
}

/* Opens a container level: `first` on its first line, then `width`
 * spaces of indentation. */
static void tr_push(trender *r, const char *first, size_t width) {
  if (r->depth == r->cap) {
    r->cap = r->cap ? r->cap * 2 : 16;
    r->lv = scratch_grow(r->m, r->lv, r->cap * sizeof *r->lv);
  }
  tlevel *l = &r->lv[r->depth++];
  size_t n = strlen(first);
  if (n >= sizeof l->first) n = sizeof l->first - 1;
  memcpy(l->first, first, n);
  l->first[n] = '\0';
  l->width = width;
  l->used = 0;
}

/* Whether block n follows its previous sibling without a blank line: the
 * items of a tight list and the blocks inside them. */
static int tr_tight(cmark_node *n) {
  cmark_node *p = cmark_node_parent(n);
  if (!p) return 0;
  if (cmark_node_get_type(p) == CMARK_NODE_LIST) return cmark_node_get_list_tight(p);
  if (cmark_node_get_type(p) == CMARK_NODE_ITEM) {
    cmark_node *list = cmark_node_parent(p);
    return list && cmark_node_get_list_tight(list);
  }
  return 0;
}

/* Starts a block: a blank line before it unless it is the first thing
 * written, the first block of its container, or tight. */
static void tr_block_start(trender *r, cmark_node *n) {
  tr_newline(r);
  if (r->started && cmark_node_previous(n) && !tr_tight(n)) {
    /* an empty line, but keep the markers of containers not yet shown */
    dbuf_putc(r->out, '\n');
  }
  r->started = 1;
}

/* A block's inline content as text: literals and code spans as they are,
 * soft breaks as spaces, hard breaks as new lines; mark-up and raw HTML
 * contribute nothing (an image its description, through its children). */
static void tr_inlines(trender *r, cmark_node *block) {
  cmark_node *cur = cmark_node_first_child(block);
  while (cur) {
    cmark_node_type ty = cmark_node_get_type(cur);
    const char *lit;
    switch (ty) {
    case CMARK_NODE_TEXT:
    case CMARK_NODE_CODE:
      lit = cmark_node_get_literal(cur);
      if (lit) tr_put(r, lit, strlen(lit));
      break;
    case CMARK_NODE_SOFTBREAK: tr_put(r, " ", 1); break;
    case CMARK_NODE_LINEBREAK: tr_put(r, "\n", 1); break;
    default: break;
    }
    cmark_node *child = cmark_node_first_child(cur);
    if (child) {
      cur = child;
      continue;
    }
    while (cur) {
      cmark_node *next = cmark_node_next(cur);
      if (next) {
        cur = next;
        break;
      }
      cur = cmark_node_parent(cur);
      if (cur == block) cur = NULL;
    }
  }
}

/* The plain-text rendering of the (edited) tree, walked iteratively like
 * every tree walk here. */
static void render_text(md_state *m, dbuf *out) {
  trender r;
  memset(&r, 0, sizeof r);
  r.m = m;
  r.out = out;
  r.bol = 1;
  size_t ticks = 0;
  cmark_node *cur = cmark_node_first_child(m->root);
  while (cur) {
    cmark_node_type ty = cmark_node_get_type(cur);
    int descend = 0;
    if ((++ticks & 4095) == 0 && budget_interrupted(m->d->budget)) mem_fail(LEDE_ELIMIT);
    switch (ty) {
    case CMARK_NODE_BLOCK_QUOTE:
      tr_block_start(&r, cur);
      tr_push(&r, "  ", 2);
      descend = 1;
      break;
    case CMARK_NODE_LIST:
      tr_block_start(&r, cur);
      tr_push(&r, "", 0);
      descend = 1;
      break;
    case CMARK_NODE_ITEM: {
      char marker[24];
      cmark_node *list = cmark_node_parent(cur);
      if (list && cmark_node_get_list_type(list) == CMARK_ORDERED_LIST) {
        int k = cmark_node_get_list_start(list);
        for (cmark_node *s = cmark_node_previous(cur); s; s = cmark_node_previous(s)) k++;
        snprintf(marker, sizeof marker, "%d%c ", k,
                 cmark_node_get_list_delim(list) == CMARK_PAREN_DELIM ? ')' : '.');
      } else {
        memcpy(marker, "- ", 3);
      }
      if (cmark_node_previous(cur)) tr_block_start(&r, cur);
      tr_push(&r, marker, strlen(marker));
      descend = 1;
      break;
    }
    case CMARK_NODE_PARAGRAPH:
    case CMARK_NODE_HEADING:
      tr_block_start(&r, cur);
      tr_inlines(&r, cur);
      tr_newline(&r);
      break;
    case CMARK_NODE_CODE_BLOCK: {
      tr_block_start(&r, cur);
      tr_push(&r, "    ", 4);
      const char *lit = cmark_node_get_literal(cur);
      size_t n = lit ? strlen(lit) : 0;
      while (n && lit[n - 1] == '\n') n--;
      tr_put(&r, lit ? lit : "", n);
      tr_newline(&r);
      r.depth--;
      break;
    }
    case CMARK_NODE_THEMATIC_BREAK:
      tr_block_start(&r, cur);
      tr_put(&r, "* * *", 5);
      tr_newline(&r);
      break;
    default: /* raw HTML is mark-up */
      break;
    }
    if (descend) {
      cmark_node *child = cmark_node_first_child(cur);
      if (child) {
        cur = child;
        continue;
      }
    }
    while (cur) {
      ty = cmark_node_get_type(cur);
      if (descend || ty == CMARK_NODE_BLOCK_QUOTE || ty == CMARK_NODE_LIST ||
          ty == CMARK_NODE_ITEM) {
        /* an empty item still shows its marker */
        if (ty == CMARK_NODE_ITEM && r.depth && !r.lv[r.depth - 1].used) {
          tr_newline(&r);
          tr_prefix(&r);
          tr_newline(&r);
        }
        if (r.depth) r.depth--;
      }
      descend = 0;
      cmark_node *next = cmark_node_next(cur);
      if (next) {
        cur = next;
        break;
      }
      cur = cmark_node_parent(cur);
      if (cur == m->root) cur = NULL;
      else descend = 1; /* leaving a container */
    }
  }
  tr_newline(&r);
  if (r.lv) md_freeblk(r.lv);
}

/* md_render's body under md_protected(): bring the tree up to date with the
 * edits, then render.  An unedited tree renders to Markdown as the source
 * itself; an edited one as the source with patches. */
static int render_fn(md_state *m, void *ud) {
  render_args *ra = ud;
  if (budget_interrupted(m->d->budget)) return LEDE_ELIMIT;
  m->want_patches = ra->fmt == LEDE_FORMAT_MARKDOWN;
  md_sync(m);
  switch (ra->fmt) {
  case LEDE_FORMAT_HTML: render_html(m, ra->flags, ra->out); break;
  case LEDE_FORMAT_TEXT: render_text(m, ra->out); break;
  case LEDE_FORMAT_MARKDOWN:
    if (!m->tree_edited) {
      dbuf_put(ra->out, m->d->src, m->d->len);
    } else if (!m->patch_failed) {
      render_patched(m, ra->out);
    } else {
      /* a patch we could not place: cmark writes the whole edited tree */
      char *md = cmark_render_commonmark(m->root, CMARK_OPT_DEFAULT, 0);
      dbuf_puts(ra->out, md);
      md_freeblk(md);
    }
    break;
  default: return LEDE_EINVAL;
  }
  return ra->out->failed;
}

/* See doc.h.  fmt AUTO means Markdown, the document's own format. */
int md_render(lede_doc *d, lede_format fmt, unsigned flags, dbuf *out) {
  md_state *m = d->md;
  if (!m) return LEDE_EINVAL;
  if (fmt == LEDE_FORMAT_AUTO) fmt = LEDE_FORMAT_MARKDOWN;
  if (fmt != LEDE_FORMAT_HTML && fmt != LEDE_FORMAT_TEXT && fmt != LEDE_FORMAT_MARKDOWN)
    return LEDE_EINVAL;
  /* The identity Markdown render needs no tree at all: the source is the
   * document, byte for byte. */
  if (fmt == LEDE_FORMAT_MARKDOWN && !d->nedited && !d->nremoved_sents && !d->nremoved_paras &&
      !m->tree_edited) {
    dbuf_put(out, d->src, d->len);
    return out->failed;
  }
  render_args ra = {fmt, flags, out};
  return md_protected(m, render_fn, &ra);
}
