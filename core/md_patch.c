/* md_patch.c -- edits written as patches of the Markdown source, so that
 * `--to markdown` keeps the document's own layout, and the patched source
 * put together at render time. */
#include "md_internal.h"

/* ---- Markdown patches ---------------------------------------------------------- */

/* Doubling keeps appends amortised O(1); the buffer stays NUL-terminated
 * because cmark_node_set_literal() and friends take C strings. */
static void grow_reserve(md_state *m, char **p, size_t len, size_t *cap, size_t n) {
  if (len + n + 1 > *cap) {
    size_t c = *cap ? *cap : 64;
    while (c < len + n + 1) c *= 2;
    *p = md_scratch_grow_raw(m, *p, c);
    *cap = c;
  }
}

void md_grow_put(md_state *m, char **p, size_t *len, size_t *cap, const char *s, size_t n) {
  grow_reserve(m, p, *len, cap, n);
  if (n) memcpy(*p + *len, s, n);
  *len += n;
  (*p)[*len] = '\0';
}

void md_ab_put(md_state *m, abuf *b, const char *s, size_t n) {
  md_grow_put(m, &b->p, &b->n, &b->cap, s, n);
}

void md_ab_putc(md_state *m, abuf *b, char c) { md_ab_put(m, b, &c, 1); }

/* Chunks of the patch text pool; a longer text gets a block of its own. */
#define MD_POOL_CHUNK ((size_t)64 << 10)

/* Room for up to n bytes of patch text (arena memory, freed with the
 * tree), which pool_commit() then keeps as long as it needs. */
static char *pool_reserve(md_state *m, size_t n) {
  if (n > MD_POOL_CHUNK / 4) return md_scratch_grow_raw(m, NULL, n);
  if (!m->pool || (size_t)(m->pool_end - m->pool) < n) { /* never NULL, even for n == 0 */
    m->pool = md_scratch_grow_raw(m, NULL, MD_POOL_CHUNK);
    m->pool_end = m->pool + MD_POOL_CHUNK;
  }
  return m->pool;
}

static void pool_commit(md_state *m, const char *p, size_t used) {
  if (p == m->pool) m->pool += used; /* else a block of its own */
}

/* Records "replace source [a, b) by text[0..len)", text from the pool. */
static void patch_put(md_state *m, size_t a, size_t b, char *text, size_t len) {
  if (m->npatches == m->cappatches) {
    m->cappatches = m->cappatches ? m->cappatches * 2 : 64;
    m->patches = md_scratch_grow(m, m->patches, m->cappatches * sizeof *m->patches);
  }
  m->patches[m->npatches++] = (md_patch){a, b, text, len};
}

/* Records "replace source [a, b) by s" for paragraph pi; empties s. */
void md_patch_add(md_state *m, size_t pi, size_t a, size_t b, abuf *s) {
  (void)pi;
  char *text = pool_reserve(m, s->n);
  if (s->n) memcpy(text, s->p, s->n);
  pool_commit(m, text, s->n);
  patch_put(m, a, b, text, s->n);
  if (s->p) md_freeblk(s->p);
  s->p = NULL;
  s->n = s->cap = 0;
}

/* A patch that only deletes source bytes [a, b). */
void md_patch_cut(md_state *m, size_t pi, size_t a, size_t b) {
  abuf e = {NULL, 0, 0};
  md_patch_add(m, pi, a, b, &e);
}

/* Whether md_escape must look at c anywhere in a text: a line end, a
 * character it always escapes, one that may start an entity or an image.
 * escape_stop_mask() below tests the same bytes, 16 at a time: change
 * both together (tests/test_markdown.c escapes each of them).
 * Runs of other bytes are copied whole: an edit of every sentence escapes
 * the whole text of a document, so this is a table, not a switch. */
static const unsigned char escape_stops[256] = {
    ['\n'] = 1, ['\r'] = 1, ['\\'] = 1, ['`'] = 1, ['*'] = 1, ['_'] = 1,
    ['['] = 1,  [']'] = 1,  ['<'] = 1,  ['&'] = 1, ['!'] = 1,
};

static int escape_stop(unsigned char c) { return escape_stops[c]; }

#if defined(__SSE2__)
/* 0xFF in the bytes of x that are escape stops (the bytes of the
 * escape_stops table above). */
static __m128i escape_stop_mask(__m128i x) {
  __m128i m = _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('\n')),
                           _mm_cmpeq_epi8(x, _mm_set1_epi8('\r')));
  m = _mm_or_si128(m, _mm_cmpeq_epi8(x, _mm_set1_epi8('\\')));
  m = _mm_or_si128(m, _mm_cmpeq_epi8(x, _mm_set1_epi8('`')));
  m = _mm_or_si128(m, _mm_cmpeq_epi8(x, _mm_set1_epi8('*')));
  m = _mm_or_si128(m, _mm_cmpeq_epi8(x, _mm_set1_epi8('_')));
  m = _mm_or_si128(m, _mm_cmpeq_epi8(x, _mm_set1_epi8('[')));
  m = _mm_or_si128(m, _mm_cmpeq_epi8(x, _mm_set1_epi8(']')));
  m = _mm_or_si128(m, _mm_cmpeq_epi8(x, _mm_set1_epi8('<')));
  m = _mm_or_si128(m, _mm_cmpeq_epi8(x, _mm_set1_epi8('&')));
  return _mm_or_si128(m, _mm_cmpeq_epi8(x, _mm_set1_epi8('!')));
}
#endif

/* The first k in [i, n) where s[k] is an escape stop, else n.  Escaping
 * and cutting hunks scan the whole new text of an edit of every sentence,
 * which is mostly plain: SSE2 (baseline on x86-64) looks at 16 bytes at a
 * time. */
static size_t next_stop(const char *s, size_t i, size_t n) {
#if defined(__SSE2__)
  for (; i + 16 <= n; i += 16) {
    __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
    unsigned hit = (unsigned)_mm_movemask_epi8(escape_stop_mask(x));
    if (hit) return i + (size_t)__builtin_ctz(hit);
  }
#endif
  while (i < n && !escape_stop((unsigned char)s[i])) i++;
  return i;
}

/* The first k in [i, n) where old[k] is an escape stop that nw keeps
 * (nw[k] == old[k]), else n. */
static size_t next_kept_stop(const char *old, const char *nw, size_t i, size_t n) {
#if defined(__SSE2__)
  for (; i + 16 <= n; i += 16) {
    __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(old + i));
    __m128i y = _mm_loadu_si128((const __m128i *)(const void *)(nw + i));
    unsigned hit = (unsigned)_mm_movemask_epi8(_mm_and_si128(escape_stop_mask(x), _mm_cmpeq_epi8(x, y)));
    if (hit) return i + (size_t)__builtin_ctz(hit);
  }
#endif
  while (i < n && !(escape_stop((unsigned char)old[i]) && old[i] == nw[i])) i++;
  return i;
}

/* Writes text as Markdown inline content that reads back as exactly this
 * text into out, which has room for 2 * n bytes (an escape per byte at
 * most); returns the length.  A line end becomes a space: a new line would
 * need the container prefix, and HTML renders both the same. */
static size_t escape_into(char *out, const char *s, size_t n, int line_start) {
  size_t o = 0;
  for (size_t i = 0; i < n;) {
    /* the first byte of a line may open a block: the switch sees it */
    size_t run = i > 0 || !line_start ? next_stop(s, i, n) : i;
    if (run > i) {
      memcpy(out + o, s + i, run - i);
      o += run - i;
      i = run;
      continue;
    }
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
    default: /* at the start of a line: a digit may open a list */
      if (line_start && i == 0 && c >= '0' && c <= '9') {
        size_t j = i;
        while (j < n && s[j] >= '0' && s[j] <= '9') j++;
        if (j < n && (s[j] == '.' || s[j] == ')')) { /* "1." would open a list */
          memcpy(out + o, s, j);
          o += j;
          out[o++] = '\\';
          i = j;
          continue;
        }
      }
      break;
    }
    if (esc) out[o++] = '\\';
    out[o++] = c;
    i++;
  }
  return o;
}

/* Appends text as Markdown inline content (see escape_into). */
void md_escape(md_state *m, abuf *b, const char *s, size_t n, int line_start) {
  grow_reserve(m, &b->p, b->n, &b->cap, 2 * n); /* an escape per byte at most */
  b->n += escape_into(b->p + b->n, s, n, line_start);
  b->p[b->n] = '\0';
}

/* A code span for literal s: a fence longer than any backtick run inside,
 * padded when the content starts or ends with a backtick or a space. */
void md_code_span(md_state *m, abuf *b, const char *s, size_t n) {
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
  for (size_t i = 0; i <= best; i++) md_ab_putc(m, b, '`');
  if (pad) md_ab_putc(m, b, ' ');
  for (size_t i = 0; i < n; i++) md_ab_putc(m, b, s[i] == '\n' ? ' ' : s[i]);
  if (pad) md_ab_putc(m, b, ' ');
  for (size_t i = 0; i <= best; i++) md_ab_putc(m, b, '`');
}

/* The span recorded for node, or NULL (a node an edit inserted). */
span *md_find_span(span *sp, size_t n, cmark_node *node) {
  for (size_t i = 0; i < n; i++)
    if (sp[i].node == node) return &sp[i];
  return NULL;
}

/* As md_find_span, for nodes asked for in document order: leaves were
 * recorded in that order, so the search resumes where it stopped. */
span *md_find_span_from(span *sp, size_t n, cmark_node *node, size_t *hint) {
  for (size_t i = *hint; i < n; i++)
    if (sp[i].node == node) {
      *hint = i + 1;
      return &sp[i];
    }
  return md_find_span(sp, n, node);
}

/* Whether source line `line` holds only white space and '>' markers. */
static int line_blank(const lines *ln, const char *s, int line, size_t len) {
  if (line < 1 || (size_t)line > ln->n) return 1;
  size_t a = ln->at[line - 1], b = md_lines_eol(ln, s, line, len);
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
    scan sc = {s, ln->at[line - 1], md_lines_eol(ln, s, el, len), 64, 1, NULL, 0};
    size_t p = md_sc_line_content(&sc, sc.pos);
    if (p >= sc.lim || s[p] != '[') continue;
    size_t q = md_sc_refdef(&sc, p);
    if (!q) continue;
    /* copy it onto one line */
    abuf *t = &m->trailer;
    if (!t->n) md_ab_putc(m, t, '\n');
    size_t e = q;
    while (e > p && (is_ws(s[e - 1]) || is_eol(s[e - 1]) || s[e - 1] == '>')) e--;
    for (size_t i = p; i < e;) {
      if (is_eol(s[i])) {
        md_ab_putc(m, t, ' ');
        i = md_sc_next_line(&sc, i);
      } else {
        md_ab_putc(m, t, s[i++]);
      }
    }
    md_ab_putc(m, t, '\n');
    line = md_lines_of(ln, q > p ? q - 1 : p);
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
  const lines *ln = md_lines_get(m);
  while (cmark_node_last_child(n) && cmark_node_get_type(n) != CMARK_NODE_PARAGRAPH &&
         cmark_node_get_type(n) != CMARK_NODE_HEADING)
    n = cmark_node_last_child(n);
  size_t pi = (size_t)(uintptr_t)cmark_node_get_user_data(n);
  if (pi && pi <= m->d->npara) {
    const doc_para *p = &m->d->paras[pi - 1];
    return md_lines_of(ln, p->end > p->start ? p->end - 1 : p->start);
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
  const lines *ln = md_lines_get(m);
  int sl = cmark_node_get_start_line(top);
  size_t a = md_lines_off(ln, sl, cmark_node_get_start_column(top), d->len);
  size_t tpi = (size_t)(uintptr_t)cmark_node_get_user_data(top);
  if (tpi && tpi <= d->npara && d->paras[tpi - 1].start > a) {
    /* link reference definitions before a paragraph stay */
    a = d->paras[tpi - 1].start;
    sl = md_lines_of(ln, a);
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
      size_t x = ln->at[stop - 1], y = md_lines_eol(ln, s, stop, d->len);
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
    size_t b = md_lines_off(ln, nl, cmark_node_get_start_column(next), d->len);
    if (is_indented_code(m, next)) {
      /* indented code cannot move up to the marker line, and a marker
       * alone on its line would change the item's indentation: a comment
       * keeps the place */
      abuf e = {NULL, 0, 0};
      md_ab_put(m, &e, "<!-- -->", 8);
      md_patch_add(m, pi, a, md_lines_eol(ln, s, el, d->len), &e);
      return 1;
    }
    md_patch_cut(m, pi, a, b > a ? b : a);
    return 0;
  }
  if (cmark_node_get_type(top) == CMARK_NODE_ITEM && !prev && next &&
      cmark_node_get_list_type(parent) == CMARK_ORDERED_LIST) {
    /* the next item's number becomes the list's start: keep the start */
    size_t b = md_lines_off(ln, cmark_node_get_start_line(next), cmark_node_get_start_column(next),
                         d->len), q = b;
    while (q < d->len && s[q] >= '0' && s[q] <= '9') q++;
    abuf num = {NULL, 0, 0};
    char digits[24];
    int k = snprintf(digits, sizeof digits, "%d", cmark_node_get_list_start(parent));
    md_ab_put(m, &num, digits, (size_t)(k > 0 ? k : 0));
    if (q > b) md_patch_add(m, pi, b, q, &num);
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
    md_ab_put(m, &e, s + ls, a - ls);
    md_ab_put(m, &e, "<!-- -->\n", 9);
    md_patch_add(m, pi, ls, le, &e);
  } else if (pb && nb) {
    /* drop one of the two blank lines around it too: the one after it,
     * or at the end of the document the one before */
    int at_end = (size_t)el >= ln->n || ((size_t)el + 1 == ln->n && ln->at[el] == d->len);
    if (!at_end) le = (size_t)el + 1 < ln->n ? ln->at[el + 1] : d->len;
    else if (sl > 1 && line_blank(ln, s, sl - 1, d->len)) ls = ln->at[sl - 2];
    md_patch_cut(m, pi, ls, le);
  } else if (pb || nb) {
    md_patch_cut(m, pi, ls, le);
  } else {
    /* keep a blank line: the line's prefix up to the block, trimmed */
    abuf e = {NULL, 0, 0};
    size_t pe = a;
    while (pe > ls && is_ws(s[pe - 1])) pe--;
    md_ab_put(m, &e, s + ls, pe - ls);
    md_ab_putc(m, &e, '\n');
    md_patch_add(m, pi, ls, le, &e);
  }
  return merge;
}

/* Removes block n (or the container it empties) from tree and source. */
void md_remove_para_block(md_state *m, size_t pi, cmark_node *n) {
  cmark_node *top = md_removal_top(n);
  /* the lists around it may stop being loose: fix_tightness */
  for (cmark_node *a = cmark_node_parent(top); a; a = cmark_node_parent(a))
    if (cmark_node_get_type(a) == CMARK_NODE_LIST) {
      m->lists = md_scratch_grow(m, m->lists, (m->nlists + 1) * sizeof *m->lists);
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
void md_block_spans(md_state *m, size_t pi, cmark_node *blk, loader *L) {
  lede_doc *d = m->d;
  memset(L, 0, sizeof *L);
  L->m = m;
  L->d = d;
  L->mode = W_SPANS;
  L->ln = md_lines_get(m);
  int n = 0;
  for (cmark_node *a = cmark_node_parent(blk); a; a = cmark_node_parent(a))
    n += cmark_node_get_type(a) == CMARK_NODE_BLOCK_QUOTE || cmark_node_get_type(a) == CMARK_NODE_ITEM;
  L->chain = md_scratch_grow(m, NULL, (size_t)(n ? n : 1) * sizeof *L->chain);
  L->nchain = n;
  /* outermost first: note the ancestors from the end, then work out their
   * prefixes in order */
  cmark_node **anc = md_scratch_grow(m, NULL, (size_t)(n ? n : 1) * sizeof *anc);
  int k = n;
  for (cmark_node *a = cmark_node_parent(blk); a; a = cmark_node_parent(a))
    if (cmark_node_get_type(a) == CMARK_NODE_BLOCK_QUOTE || cmark_node_get_type(a) == CMARK_NODE_ITEM)
      anc[--k] = a;
  for (k = 0; k < n; k++) md_ctr_push(L->ln, d->src, d->len, L->chain, k, anc[k]);
  md_freeblk(anc);
  int under; /* the load settled the block's end; only its content matters here */
  scan sc = md_text_scan(L->ln, d->src, d->len, blk, L->chain, n, &under);
  L->t = d->paras[pi].tstart;
  md_walk_inlines(L, &sc, blk);
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

/* Where a text leaf's plain text sits in the source.  A verbatim leaf is
 * spelled in the source exactly as its text (no escape, entity or
 * replaced NUL): text offsets map by addition, without a search of the
 * document's map -- most prose is verbatim. */
typedef struct leaf_at {
  size_t pi;
  const leaf *lf;
  const span *sp;
  int verbatim;
} leaf_at;

static leaf_at leaf_at_make(const md_state *m, size_t pi, const leaf *lf, const span *sp) {
  size_t on = lf->t1 - lf->t0;
  /* plain_spans() compared these bytes already */
  int verbatim = sp->verbatim || (sp->b >= sp->a && sp->b - sp->a == on &&
                                  memcmp(m->d->src + sp->a, m->d->text + lf->t0, on) == 0);
  return (leaf_at){pi, lf, sp, verbatim};
}

/* Source offset of plain-text offset t inside the leaf. */
static size_t leaf_src(md_state *m, const leaf_at *at, size_t t) {
  const leaf *lf = at->lf;
  const span *sp = at->sp;
  if (t <= lf->t0) return sp->a;
  if (t >= lf->t1) return sp->b;
  if (at->verbatim) return sp->a + (t - lf->t0);
  size_t x = doc_text_to_src(m->d, at->pi, t);
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
    hs->h = md_scratch_grow_raw(m, hs->h, (hs->cap = hs->cap ? hs->cap * 2 : 8) * sizeof *hs->h);
  hs->h[hs->n++] = (hunk){x0, x1, y0, y1};
}

/* The first text of a line is escaped from its start: what an edit left
 * there ("#", "- ", "1.") must not open a block. */
static void hunk_patch(md_state *m, const leaf_at *at, const hunk *h) {
  const leaf *lf = at->lf;
  size_t a = leaf_src(m, at, lf->t0 + h->x0), b = leaf_src(m, at, lf->t0 + h->x1);
  if (b < a) b = a;
  size_t y0 = h->y0 < lf->n ? h->y0 : lf->n, y1 = h->y1 < lf->n ? h->y1 : lf->n;
  if (y0 > y1) y0 = y1;
  /* escaped straight into the pool: room for an escape per byte, and the
   * closing-sequence escape below */
  char *out = pool_reserve(m, 2 * (y1 - y0) + 1);
  size_t n = escape_into(out, lf->buf + y0, y1 - y0, lf->line_first && y0 == 0);
  if (lf->atx_last && y1 == lf->n && n && out[n - 1] == '#') {
    /* "# Title #" ends with a closing sequence: escape the run's first '#'
     * when white space (or nothing) comes before it */
    size_t r = n;
    while (r > 0 && out[r - 1] == '#') r--;
    if (r == 0 ? y0 == 0 || is_ws(lf->buf[y0 - 1]) : is_ws(out[r - 1])) {
      memmove(out + r + 1, out + r, n - r);
      out[r] = '\\';
      n++;
    }
  }
  pool_commit(m, out, n);
  patch_put(m, a, b, out, n);
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
void md_text_patch(md_state *m, size_t pi, const leaf *lf, const span *sp) {
  const char *old = m->d->text + lf->t0, *nw = lf->buf;
  size_t on = lf->t1 - lf->t0, nn = lf->n, pre, suf;
  hunks hs = {m->hunks, 0, m->hunk_cap};
  md_common_ends(old, on, nw, nn, &pre, &suf);
  size_t omid = on - pre - suf, nmid = nn - pre - suf;
  size_t *mx = NULL;
  leaf_at at = leaf_at_make(m, pi, lf, sp);
  if (lf->line_first && nn && block_char(nw[0]) && pre > 0) {
    /* rewrite from the start, so the first character gets escaped */
    hunk_add(m, &hs, lf, 0, on - suf, 0, nn - suf);
  } else if (on == nn && at.verbatim) {
    /* Bytes pre and end - 1 changed.  In a verbatim leaf the kept bytes
     * between changes join one hunk, as the merge below would join them,
     * unless one is a character md_escape treats specially: a hunk ends
     * at the last change before such a kept byte. */
    size_t end = on - suf;
    for (size_t i = pre; i < end;) {
      size_t k = next_kept_stop(old, nw, i + 1, end);
      size_t j = k;
      while (j > i + 1 && old[j - 1] == nw[j - 1]) j--;
      hunk_add(m, &hs, lf, i, j, i, j);
      for (i = k; i < end && old[i] == nw[i];) i++;
    }
  } else if (on == nn) {
    size_t end = on - suf;
    for (size_t i = pre; i < end;) {
      if (old[i] == nw[i]) {
        i++;
        continue;
      }
      size_t j = i;
      while (j < end && old[j] != nw[j]) j++;
      hunk_add(m, &hs, lf, i, j, i, j);
      i = j;
    }
  } else if (omid && nmid && (mx = md_scratch_grow(m, NULL, omid * sizeof *mx)) &&
             md_myers(m, old + pre, omid, nw + pre, nmid, mx)) {
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
      size_t g0 = last->x1, g1 = hs.h[k].x0, i = next_stop(old, g0, g1);
      if (i == g1 && (at.verbatim || leaf_src(m, &at, lf->t0 + g1) -
                                         leaf_src(m, &at, lf->t0 + g0) == g1 - g0)) {
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
        hs.h = md_scratch_grow_raw(m, hs.h, (hs.cap = hs.cap ? hs.cap * 2 : 8) * sizeof *hs.h);
      hs.h[w++] = (hunk){on - run, on, nn - run, nn};
    }
  }
  for (size_t k = 0; k < w; k++) hunk_patch(m, &at, &hs.h[k]);
  m->hunks = hs.h;
  m->hunk_cap = hs.cap;
  if (mx) md_freeblk(mx);
}

/* A shortcut or collapsed reference link finds its definition through
 * its text: when the text changes, the original text stays on as the
 * label ("[new text][old text]"). */
void md_ref_label_patch(md_state *m, size_t pi, const span *ls, const loader *L) {
  abuf out = {NULL, 0, 0};
  const char *s = m->d->src;
  size_t from = ls->a + (cmark_node_get_type(ls->node) == CMARK_NODE_IMAGE ? 2 : 1);
  scan sc = {s, from, ls->ia, 0, 0, L->chain, L->nchain};
  md_ab_putc(m, &out, '[');
  while (sc.pos < sc.lim) {
    if (is_eol(s[sc.pos])) {
      md_ab_putc(m, &out, ' ');
      sc.pos = md_sc_next_line(&sc, sc.pos);
    } else {
      md_ab_putc(m, &out, s[sc.pos++]);
    }
  }
  md_ab_putc(m, &out, ']');
  if (ls->ref == 1) md_patch_add(m, pi, ls->b, ls->b, &out);
  else md_patch_add(m, pi, ls->ia + 1, ls->b, &out);
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
void md_autolink_edit(md_state *m, size_t pi, leaf *lf, const loader *L) {
  cmark_node *link = cmark_node_parent(lf->node);
  const char *old_url = cmark_node_get_url(link);
  const char *old_text = cmark_node_get_literal(lf->node);
  abuf url = {NULL, 0, 0}, out = {NULL, 0, 0};
  if (old_url && old_text && strncmp(old_url, "mailto:", 7) == 0 &&
      strcmp(old_url + 7, old_text) == 0)
    md_ab_put(m, &url, "mailto:", 7);
  md_ab_put(m, &url, lf->buf, lf->n);
  span *ls = m->have_patches ? md_find_span(L->spans, L->nspans, link) : NULL;
  if (!m->have_patches) {
    /* the tree only */
  } else if (ls) {
    if (url.n == lf->n && autolink_ok(lf->buf, lf->n)) {
      md_ab_putc(m, &out, '<');
      md_ab_put(m, &out, lf->buf, lf->n);
      md_ab_putc(m, &out, '>');
    } else {
      md_ab_putc(m, &out, '[');
      md_escape(m, &out, lf->buf, lf->n, 0);
      md_ab_put(m, &out, "](<", 3);
      for (size_t i = 0; i < url.n; i++) {
        char c = url.p[i] == '\n' ? ' ' : url.p[i];
        if (c == '&') { /* destinations decode entities before escapes */
          md_ab_put(m, &out, "&amp;", 5);
          continue;
        }
        if (c == '<' || c == '>' || c == '\\') md_ab_putc(m, &out, '\\');
        md_ab_putc(m, &out, c);
      }
      md_ab_put(m, &out, ">)", 2);
    }
    md_patch_add(m, pi, ls->a, ls->b, &out);
  } else {
    m->patch_failed = 1;
  }
  cmark_node_set_url(link, url.p);
  cmark_node_set_literal(lf->node, lf->buf);
  md_freeblk(url.p);
}

/* Sorts the patches into source order in place and returns them; *count
 * gets the count. */
static md_patch *patches_sorted(md_state *m, size_t *count) {
  md_patch *all = m->patches;
  size_t n = m->npatches;
  *count = n;
  /* Nearly sorted already (paragraphs come in source order, and a second
   * render finds them sorted); a stable merge sort keeps insertions at one
   * offset in the order made. */
  size_t i = 1;
  while (i < n && !(all[i].a < all[i - 1].a || (all[i].a == all[i - 1].a && all[i].b < all[i - 1].b)))
    i++;
  if (i >= n) return all;
  md_patch *tmp = md_scratch_grow(m, NULL, n * sizeof *tmp);
  md_patch *src = all, *dst = tmp;
  for (size_t w = 1; w < n; w *= 2) {
    for (size_t lo = 0; lo < n; lo += 2 * w) {
      size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
      size_t x = lo, y = mid, k = lo;
      while (x < mid && y < hi)
        dst[k++] = (src[y].a < src[x].a || (src[y].a == src[x].a && src[y].b < src[x].b))
                       ? src[y++] : src[x++];
      while (x < mid) dst[k++] = src[x++];
      while (y < hi) dst[k++] = src[y++];
    }
    md_patch *t = src;
    src = dst;
    dst = t;
  }
  if (src != all) memcpy(all, src, n * sizeof *all);
  md_freeblk(tmp);
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

/* patched_walk() sinks: the render's output (which remembers its last
 * byte: a committed output may have drained it), or an arena string. */
typedef struct dbuf_ud {
  dbuf *out;
  int any;   /* anything written */
  char last;
} dbuf_ud;

static void put_dbuf(void *ud, const char *s, size_t n) {
  dbuf_ud *u = ud;
  if (!n) return;
  dbuf_put(u->out, s, n);
  u->any = 1;
  u->last = s[n - 1];
}

typedef struct abuf_ud {
  md_state *m;
  abuf *b;
} abuf_ud;

static void put_abuf(void *ud, const char *s, size_t n) {
  abuf_ud *u = ud;
  md_ab_put(u->m, u->b, s, n);
}

/* The edited source: the source with every patch applied. */
void md_render_patched(md_state *m, dbuf *out) {
  size_t n;
  md_patch *all = patches_sorted(m, &n);
  /* the last allocation is behind us: stream from here */
  dbuf_commit(out);
  dbuf_ud u = {out, out->n > 0, out->n ? out->p[out->n - 1] : 0};
  patched_walk(m, all, n, put_dbuf, &u);
  if (m->trailer.n) {
    if (u.any && u.last != '\n') dbuf_putc(out, '\n');
    dbuf_put(out, m->trailer.p, m->trailer.n);
  }
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
void md_fix_tightness(md_state *m) {
  if (!m->nlists) return;
  size_t n;
  md_patch *all = patches_sorted(m, &n);
  abuf p = {NULL, 0, 0};
  abuf_ud u = {m, &p};
  patched_walk(m, all, n, put_abuf, &u);
  const lines *ln = md_lines_get(m);
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
          size_t e = md_lines_eol(ln, d->src, block_last_line(m, x), d->len);
          size_t st = md_lines_off(ln, cmark_node_get_start_line(y), cmark_node_get_start_column(y),
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
}
