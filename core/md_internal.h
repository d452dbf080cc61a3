/* md_internal.h -- Markdown documents through libcmark: load, edit, render.
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
 * step with the inline tree -- see md_scan.c.
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
#ifndef LEDE_MD_INTERNAL_H
#define LEDE_MD_INTERNAL_H

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
#define MD_HUGE_CHUNK ((size_t)2 << 20)
#define MD_HUGE_AFTER 32 /* chunks of MD_CHUNK first (8 MB) */
#define MD_HUGE_DOC ((size_t)1 << 20) /* a source this big skips them */
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

_Static_assert(MD_NCLASS <= 64, "marena.nonempty has a bit per size class");

typedef struct marena {
  mchunk *chunks;
  size_t nchunks;
  char *cur, *end;           /* bump region of the newest chunk */
  void *free[MD_NCLASS];     /* recycled small blocks, by class */
  uint64_t nonempty;         /* bit c: free[c] holds a block */
  char *spare, *spare_end;   /* a freed block being cut into smaller ones */
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
  cmark_mem mem;      /* md_arena.c's callbacks; nodes point at it */
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
  /* Their replacement texts, packed into chunks (arena): an edit of every
   * sentence makes a patch per text leaf, and a block each would cost its
   * tag word and size-class rounding. */
  char *pool, *pool_end;
  /* Text patches cost time and only --to markdown needs them: an HTML or
   * text render edits the tree alone (plus the cheap block patches), and a
   * Markdown render after that re-applies everything from a fresh parse
   * with text patches on. */
  int want_patches, have_patches;
  int patch_failed;   /* a patch could not be made: render the tree instead */
  /* Text leaves whose patches were made but whose new literal was left out
   * of the tree: a Markdown render needs only the patches.  A render of
   * the tree (HTML, text, or Markdown after a failed patch) re-parses and
   * applies the edits afresh. */
  int stale_literals;
  cmark_node **lists; /* lists that lost items or blocks (arena) */
  size_t nlists;
  /* link reference definitions rescued from removed blocks: appended to
   * the edited Markdown (arena) */
  struct abuf {
    char *p;
    size_t n, cap;
  } trailer;
  lines ln;           /* line index of the source (arena), once built */
  /* md_text_patch's hunk list (arena), kept from one leaf to the next */
  void *hunks;
  size_t hunk_cap;
} md_state;

typedef int (*md_fn)(md_state *m, void *ud);

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
  int verbatim; /* a text leaf's [a, b) spells its text exactly, as
                 * plain_spans() checked (0: not known) */
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

/* A replacement of plain-text bytes [a, b) by s[0..len). */
typedef struct redit {
  size_t a, b;
  const char *s;
  size_t len;
} redit;

/* The leaves of a block that carry plain text, with their ranges. */
typedef struct leaf {
  cmark_node *node;
  size_t t0, t1;
  cmark_node_type type;
  /* the new literal, built in buf (cut from md_build_leaves' block) */
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

/* Pending per-leaf operations while building new literals. */
typedef struct lop {
  size_t leaf;   /* index */
  size_t a, b;   /* deleted plain-text range inside the leaf */
  const char *s; /* inserted text at a */
  size_t len;
} lop;

/* A growable string in arena memory (freed with everything on failure). */
typedef struct abuf abuf;

/* ---- tree walk ------------------------------------------------------------
 *
 * Every walk over a cmark tree goes through md_walk_next(), iteratively:
 * documents nest thousands of block quotes or emphases deep, and a
 * recursive walk would run out of stack.  The walk is cmark_iter's, minus
 * the allocation, plus the choice to skip a subtree: each node under root
 * is entered (w->exit == 0) before its children and left (w->exit == 1)
 * after them -- a node without children is left right after it is
 * entered.  `descend` applies to the node just entered: 0 leaves it
 * without visiting its children. */
typedef struct md_walk {
  cmark_node *root; /* the walk covers root's descendants, not root */
  cmark_node *node; /* the node of the last event, NULL before the first */
  int exit;         /* the last event left node */
} md_walk;

static inline void md_walk_init(md_walk *w, cmark_node *root) {
  w->root = root;
  w->node = NULL;
  w->exit = 0;
}

/* The node of the next event (see w->exit), or NULL at the end. */
static inline cmark_node *md_walk_next(md_walk *w, int descend) {
  cmark_node *n = w->node;
  if (!n) return w->node = cmark_node_first_child(w->root);
  if (!w->exit) {
    cmark_node *c = descend ? cmark_node_first_child(n) : NULL;
    if (c) return w->node = c;
    w->exit = 1;
    return n;
  }
  cmark_node *next = cmark_node_next(n);
  if (next) {
    w->exit = 0;
    return w->node = next;
  }
  cmark_node *p = cmark_node_parent(n);
  if (p == w->root) p = NULL;
  if (!p) w->node = w->root = NULL; /* ended: later calls return NULL too */
  else w->node = p;
  return p;
}

static inline int is_eol(char c) { return c == '\n' || c == '\r'; }
static inline int is_ws(char c) { return c == ' ' || c == '\t'; }
/* cmark_isspace(): also '\v' and '\f' */
static inline int is_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
static inline int ascii_punct(unsigned char c) {
  return (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) ||
         (c >= 123 && c <= 126);
}

/* ---- md_arena.c ---- */
_Noreturn void md_mem_fail(int st);
void *md_calloc(size_t n, size_t size);
void *md_realloc(void *p, size_t size);
void md_freeblk(void *p);
void md_release_all(md_state *m);
void *md_scratch_grow(md_state *m, void *p, size_t n);
void *md_scratch_grow_raw(md_state *m, void *p, size_t n);
int md_protected(md_state *m, md_fn fn, void *ud);
void md_state_free(lede_doc *d);
cmark_node *md_parse(md_state *m);

/* ---- md_scan.c ---- */
const lines *md_lines_get(md_state *m);
size_t md_lines_off(const lines *ln, int line, int col, size_t len);
size_t md_lines_eol(const lines *ln, const char *s, int line, size_t len);
int md_lines_of(const lines *ln, size_t off);
size_t md_col_nonspace(const char *s, size_t lim, size_t p, size_t col, size_t *fcol);
int md_ctr_match(const char *s, size_t lim, const ctr *chain, int n, size_t *p, size_t *col);
void md_ctr_push(const lines *ln, const char *s, size_t len, ctr *chain, int k,
    cmark_node *c);
size_t md_sc_line_content(const scan *sc, size_t p);
size_t md_sc_next_line(const scan *sc, size_t p);
void md_sc_adv(scan *sc);
void md_sc_skip_to(scan *sc, char c);
/* An inline link's "(destination title)" at p: the offset after it, or 0;
 * [*da, *db) gets the destination as written. */
size_t md_sc_link_tail(const scan *sc, size_t p, size_t *da, size_t *db);
size_t md_sc_label(const scan *sc, size_t p);
size_t md_sc_refdef(const scan *sc, size_t p);
size_t md_entity_len(const char *s, size_t p, size_t lim);
size_t md_entity_decode(md_state *m, const char *s, size_t n, char out[32]);

/* ---- md_load.c ---- */
size_t md_tag_t(uintptr_t tag);
size_t md_tag_len(uintptr_t tag);
int md_in_autolink(cmark_node *n);
void md_walk_inlines(loader *L, scan *sc, cmark_node *block);
int md_heading_atx(cmark_node *n);
scan md_text_scan(const lines *ln, const char *s, size_t len, cmark_node *n,
    const ctr *chain, int nchain, int *under);
void md_reparse(md_state *m);

/* ---- md_plan.c ---- */
size_t md_para_sig(const lede_doc *d, size_t pi);
void md_common_ends(const char *x, size_t n, const char *y, size_t m, size_t *pre,
    size_t *suf);
size_t md_myers(md_state *m, const char *x, size_t n, const char *y, size_t ym,
    size_t *mx);
int md_is_emph(cmark_node *n);
leaf *md_collect_leaves(md_state *m, cmark_node *block, size_t *nleaves, econt **conts,
    size_t *nconts);
redit *md_para_edits(md_state *m, size_t pi, size_t *count, int *whole);
lop *md_plan_ops(md_state *m, const leaf *lv, size_t nl, const redit *e, size_t ne,
    size_t *nops);
char *md_build_leaves(md_state *m, leaf *lv, size_t nl, const lop *ops, size_t nops);
int md_normalize(md_state *m, leaf *lv, size_t nl, econt *ec, size_t nc);
cmark_node *md_new_text(md_state *m, const char *s, size_t n);
cmark_node *md_unlink_up(cmark_node *n, cmark_node *block);
cmark_node *md_removal_top(cmark_node *n);

/* ---- md_patch.c ---- */
/* Appends s[0..n) to the scratch buffer *p (length *len, capacity *cap),
 * growing by doubling and keeping it NUL-terminated; abufs and leaves'
 * new literals both grow this way. */
void md_grow_put(md_state *m, char **p, size_t *len, size_t *cap, const char *s, size_t n);
void md_ab_put(md_state *m, abuf *b, const char *s, size_t n);
void md_ab_putc(md_state *m, abuf *b, char c);
void md_patch_add(md_state *m, size_t pi, size_t a, size_t b, abuf *s);
void md_patch_cut(md_state *m, size_t pi, size_t a, size_t b);
void md_escape(md_state *m, abuf *b, const char *s, size_t n, int line_start);
void md_code_span(md_state *m, abuf *b, const char *s, size_t n);
span *md_find_span(span *sp, size_t n, cmark_node *node);
span *md_find_span_from(span *sp, size_t n, cmark_node *node, size_t *hint);
void md_remove_para_block(md_state *m, size_t pi, cmark_node *n);
void md_block_spans(md_state *m, size_t pi, cmark_node *blk, loader *L);
void md_text_patch(md_state *m, size_t pi, const leaf *lf, const span *sp);
void md_ref_label_patch(md_state *m, size_t pi, const span *ls, const loader *L);
void md_autolink_edit(md_state *m, size_t pi, leaf *lf, const loader *L);
void md_render_patched(md_state *m, dbuf *out);
void md_fix_tightness(md_state *m);

/* ---- md_apply.c ---- */
void md_sync(md_state *m);

#endif
