/* md_arena.c -- the arena a Markdown document's cmark tree lives in, the
 * cmark_mem callbacks that fill it, and the protected call that frees it
 * all when an allocation fails (see md_internal.h). */
/* mmap's MAP_ANONYMOUS and madvise's MADV_HUGEPAGE are not POSIX */
#define _DEFAULT_SOURCE
#include "md_internal.h"

#include <sys/mman.h>

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
_Noreturn void md_mem_fail(int st) {
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
  if (budget_interrupted(m_budget(m))) md_mem_fail(LEDE_ELIMIT);
  if (budget_charge(m_budget(m), n)) md_mem_fail(LEDE_ELIMIT);
  m->arena.charged += n;
}

/* The inverse of arena_charge(), for a large block freed on its own. */
static void arena_credit(md_state *m, size_t n) {
  budget_credit(m_budget(m), n);
  m->arena.charged -= n;
}

/* A new zeroed chunk for small blocks.  A big tree (tens of MB: the
 * 10 MB corpus makes 65 MB) gets 2 MB chunks on transparent huge pages
 * where the kernel offers them: one page fault per chunk instead of 512,
 * and walks over the tree miss the TLB far less.  Small documents stay on
 * 256 KiB chunks, so a JSON Lines record does not pay for a huge page. */
static mchunk *chunk_new(md_state *m) {
  marena *a = &m->arena;
  size_t size = MD_CHUNK;
#if defined(MADV_HUGEPAGE) && defined(MAP_ANONYMOUS)
  if (a->nchunks >= MD_HUGE_AFTER || m->d->len >= MD_HUGE_DOC) {
    size = MD_HUGE_CHUNK;
    arena_charge(m, size);
    /* twice the size, to cut an aligned chunk out of it (mmap memory is
     * zeroed) */
    char *map = mmap(NULL, 2 * size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (map == MAP_FAILED) {
      arena_credit(m, size);
      md_mem_fail(LEDE_ENOMEM);
    }
    uintptr_t at = ((uintptr_t)map + size - 1) & ~(uintptr_t)(size - 1);
    char *ch = (char *)at;
    if (ch > map) munmap(map, (size_t)(ch - map));
    if (ch + size < map + 2 * size) munmap(ch + size, (size_t)(map + 2 * size - (ch + size)));
    madvise(ch, size, MADV_HUGEPAGE); /* advice: without it, plain pages */
    a->nchunks++;
    mchunk *c = (mchunk *)ch;
    c->size = size;
    return c;
  }
#endif
  arena_charge(m, size);
  /* calloc: a chunk this big comes zeroed from the kernel, so fresh
   * blocks need no memset */
  mchunk *ch = calloc(1, size);
  if (!ch) {
    arena_credit(m, size);
    md_mem_fail(LEDE_ENOMEM);
  }
  a->nchunks++;
  ch->size = size;
  return ch;
}

/* Gives a chunk back the way chunk_new() got it. */
static void chunk_free(mchunk *ch) {
#if defined(MADV_HUGEPAGE) && defined(MAP_ANONYMOUS)
  if (ch->size == MD_HUGE_CHUNK) {
    munmap(ch, ch->size);
    return;
  }
#endif
  free(ch);
}

/* Puts block p of class c on its free list. */
static void free_push(marena *a, void *p, unsigned c) {
  *(void **)p = a->free[c];
  a->free[c] = p;
  a->nonempty |= (uint64_t)1 << c;
}

/* Makes a freed block of a class above c the spare region, so that blocks
 * of other sizes can be cut from it.  A class's free list only serves its
 * own class, and cmark frees many big blocks (content buffers that grew,
 * the inline parser's scratch) when no more of their size are asked for:
 * on the 10 MB corpus 13 MB sat on the lists, never used again, while
 * nodes took new chunks.  What is left of the old spare region goes on the
 * list of the largest class it still holds. */
static void spare_refill(marena *a, unsigned c) {
  size_t left = (size_t)(a->spare_end - a->spare);
  if (left >= 16 + 8) {
    unsigned lc = size_class(left - 8);
    if (class_size(lc) > left - 8) lc--;
    *(uint64_t *)a->spare = lc;
    free_push(a, a->spare + 8, lc);
  }
  a->spare = a->spare_end = NULL;
  for (unsigned big = MD_NCLASS; big-- > c + 1;) {
    if (!(a->nonempty >> big & 1)) continue;
    char *p = a->free[big];
    a->free[big] = *(void **)p;
    if (!a->free[big]) a->nonempty &= ~((uint64_t)1 << big);
    a->spare = p - 8; /* its tag word becomes the first new block's */
    a->spare_end = p + class_size(big);
    return;
  }
}

/* A small block of class c, zeroed if asked (fresh chunk memory is):
 * from its free list, else cut from the spare region, else from the
 * newest chunk. */
static void *small_alloc(md_state *m, unsigned c, int zero) {
  marena *a = &m->arena;
  size_t cs = class_size(c);
  void *p = a->free[c];
  if (p) {
    a->free[c] = *(void **)p;
    if (!a->free[c]) a->nonempty &= ~((uint64_t)1 << c);
    if (zero) memset(p, 0, cs);
    return p;
  }
  if ((size_t)(a->spare_end - a->spare) < cs + 8 && (a->nonempty >> (c + 1))) spare_refill(a, c);
  if ((size_t)(a->spare_end - a->spare) >= cs + 8) {
    *(uint64_t *)a->spare = c;
    p = a->spare + 8;
    a->spare += cs + 8;
    if (zero) memset(p, 0, cs);
    return p;
  }
  if ((size_t)(a->end - a->cur) < cs + 8) {
    mchunk *ch = chunk_new(m);
    ch->next = a->chunks;
    a->chunks = ch;
    a->cur = (char *)(ch + 1);
    a->end = (char *)ch + ch->size;
  }
  *(uint64_t *)a->cur = c;
  p = a->cur + 8;
  a->cur += cs + 8;
  return p;
}

/* A block too big for the size classes, zeroed if asked, on the large
 * list so that it can be freed alone (render buffers are freed as soon as
 * copied out). */
static void *large_alloc(md_state *m, size_t n, int zero) {
  if (n > SIZE_MAX - sizeof(mlarge)) md_mem_fail(LEDE_ENOMEM);
  arena_charge(m, n + sizeof(mlarge));
  mlarge *h = zero ? calloc(1, sizeof *h + n) : malloc(sizeof *h + n);
  if (!h) {
    arena_credit(m, n + sizeof(mlarge));
    md_mem_fail(LEDE_ENOMEM);
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

/* A block of n bytes, zeroed if asked: small from a class, else large. */
static void *arena_alloc(md_state *m, size_t n, int zero) {
  return n <= MD_SMALL_MAX ? small_alloc(m, size_class(n), zero) : large_alloc(m, n, zero);
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
  /* small: recycled, released with the arena */
  free_push(&m->arena, p, (unsigned)tag);
}

/* The usable size of a block, which realloc() may grow into in place. */
static size_t blk_size(void *p) {
  uint64_t tag = *blk_tag(p);
  return tag == MD_LARGE ? ((mlarge *)p - 1)->size : class_size((unsigned)tag);
}

/* cmark_mem callbacks.  Every cmark call runs inside md_protected(), so
 * tl_ctx names the document (cmark_mem passes no context). */
void *md_calloc(size_t n, size_t size) {
  md_ctx *c = tl_ctx;
  if (!c) return calloc(n, size); /* unreachable; never crash */
  if (size && n > SIZE_MAX / size) md_mem_fail(LEDE_ENOMEM);
  return arena_alloc(c->m, n * size, 1);
}

/* Growing a block: one that still fits stays; a large one stays large
 * (glibc moves big ones with mremap, no copy); else the contents move to a
 * new block.  Like realloc, nothing new is zeroed unless zero is set: then
 * a new block is, and a moved small one's tail too. */
static void *arena_realloc(md_state *m, void *p, size_t size, int zero) {
  if (!p) return arena_alloc(m, size, zero);
  size_t old = blk_size(p);
  if (size <= old && (*blk_tag(p) != MD_LARGE || size > old / 2)) return p;
  if (*blk_tag(p) == MD_LARGE && size > MD_SMALL_MAX) {
    /* large stays large: let realloc move it (mremap for big ones) */
    mlarge *h = (mlarge *)p - 1, *prev = h->prev, *next = h->next;
    if (size > old) arena_charge(m, size - old);
    mlarge *nh = realloc(h, sizeof *h + size);
    if (!nh) {
      if (size > old) arena_credit(m, size - old);
      md_mem_fail(LEDE_ENOMEM); /* h is still valid and linked */
    }
    if (size < old) arena_credit(m, old - size);
    nh->size = size;
    prev->next = nh;
    next->prev = nh;
    return nh + 1;
  }
  void *q = arena_alloc(m, size, zero);
  memcpy(q, p, old < size ? old : size);
  arena_free(m, p);
  return q;
}

/* cmark's realloc: its buffers never rely on zeroed memory, and zeroing
 * what a copy overwrites at once was a tenth of an edit's instructions. */
void *md_realloc(void *p, size_t size) {
  md_ctx *c = tl_ctx;
  if (!c) return realloc(p, size);
  return arena_realloc(c->m, p, size, 0);
}

/* cmark_mem's free, and ours for scratch blocks.  Outside a protected call
 * (never, by construction) the block is assumed to be plain malloc's. */
void md_freeblk(void *p) {
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
void md_release_all(md_state *m) {
  marena *a = &m->arena;
  for (mchunk *ch = a->chunks, *next; ch; ch = next) {
    next = ch->next;
    chunk_free(ch);
  }
  for (mlarge *h = a->large.next, *next; h != &a->large; h = next) {
    next = h->next;
    free(h);
  }
  budget_credit(m_budget(m), a->charged);
  memset(a, 0, sizeof *a);
  a->large.next = a->large.prev = &a->large;
  m->ln.at = NULL; /* they lived in the arena */
  m->hunks = NULL;
  m->hunk_cap = 0;
}

/* Scratch memory for our own use inside a protected call: arena blocks, so
 * a failure anywhere frees them too. */
void *md_scratch_grow(md_state *m, void *p, size_t n) {
  return arena_realloc(m, p, n ? n : 1, 1);
}

/* As md_scratch_grow, for buffers whose bytes are all written before they
 * are read: nothing is zeroed. */
void *md_scratch_grow_raw(md_state *m, void *p, size_t n) {
  return arena_realloc(m, p, n ? n : 1, 0);
}

/* After a failure: the tree is gone; paragraphs lose their nodes and every
 * block counts as pristine again (the next call re-parses). */
static void md_discard(md_state *m) {
  md_release_all(m);
  m->root = NULL;
  m->tree_edited = 0;
  m->patch_failed = 0;
  m->stale_literals = 0;
  m->patches = NULL;
  m->npatches = m->cappatches = 0;
  m->pool = m->pool_end = NULL;
  m->lists = NULL;
  m->nlists = 0;
  memset(&m->trailer, 0, sizeof m->trailer);
  if (m->applied) memset(m->applied, 0, m->napplied * sizeof *m->applied);
  for (size_t i = 0; i < m->d->npara; i++) m->d->paras[i].node = NULL;
}

/* Runs fn with the thread-local context set; an allocation failure inside
 * (ours or cmark's) lands in the setjmp branch, which frees the tree.
 * Nothing here is modified between setjmp and longjmp, so no volatile. */
int md_protected(md_state *m, md_fn fn, void *ud) {
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
void md_state_free(lede_doc *d) {
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
cmark_node *md_parse(md_state *m) {
  cmark_parser *p = cmark_parser_new_with_mem(CMARK_OPT_DEFAULT, &m->mem);
  cmark_parser_feed(p, m->d->src, m->d->len);
  cmark_node *root = cmark_parser_finish(p);
  cmark_parser_free(p);
  return root;
}
