/* md_load.c -- Markdown to doc: the walk over cmark's tree that makes
 * paragraphs, plain text and the map from plain text to source bytes, and
 * the re-bind after a re-parse. */
#include "md_internal.h"

/* ---- loading: blocks, plain text, map --------------------------------------- */

/* Room for extra more bytes (and a NUL) in d->textbuf.  Load-time memory
 * is not charged (the model is built before any run), and doc_free()
 * releases textbuf with free(), hence plain realloc here. */
static void text_reserve(loader *L, size_t extra) {
  lede_doc *d = L->d;
  if (L->tlen + extra + 1 <= L->tcap) return;
  size_t cap = L->tcap ? L->tcap : 4096;
  while (cap < L->tlen + extra + 1) cap *= 2;
  char *p = realloc(d->textbuf, cap);
  if (!p) md_mem_fail(LEDE_ENOMEM);
  d->textbuf = p;
  L->tcap = cap;
}

/* Appends to the plain text under construction (W_LOAD). */
static void text_put(loader *L, const char *s, size_t n) {
  text_reserve(L, n);
  memcpy(L->d->textbuf + L->tlen, s, n);
  L->tlen += n;
}

/* Writes the map entry being extended into d->map (doc_add_map merges). */
static void map_flush(loader *L) {
  if (L->mn && doc_add_map(L->d, L->mt, L->ms, L->mn)) md_mem_fail(LEDE_ENOMEM);
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

/* Passes a leaf's text: appended at load, counted on a re-bind or a span
 * walk, so that leaf offsets come out the same in every mode. */
static void walk_text(loader *L, const char *s, size_t n) {
  if (L->mode == W_LOAD) text_put(L, s, n);
  else L->t += n;
}

/* A text-carrying inline node remembers where its text starts in the plain
 * text (+1, so that NULL means "not a leaf of ours", e.g. text an edit
 * inserted): edits are found by offset later.  Its length rides along in
 * the top bits when it fits (0: look at the literal), so that collecting
 * the leaves of a block to edit need not strlen() every literal, a cache
 * miss each on a big document. */
#define LEAF_T_BITS 40
#define LEAF_LEN_MAX (((uintptr_t)1 << (63 - LEAF_T_BITS)) - 1)

static void leaf_tag(cmark_node *n, size_t t, size_t len) {
  uintptr_t v = (uintptr_t)t + 1;
  if (UINTPTR_MAX > 0xFFFFFFFFu && v < ((uintptr_t)1 << LEAF_T_BITS) && len <= LEAF_LEN_MAX)
    v |= (uintptr_t)len << LEAF_T_BITS;
  cmark_node_set_user_data(n, (void *)v);
}

/* The plain-text offset in tag (a leaf's user data, set by leaf_tag()). */
size_t md_tag_t(uintptr_t tag) {
  if (UINTPTR_MAX > 0xFFFFFFFFu && (tag >> LEAF_T_BITS)) tag &= ((uintptr_t)1 << LEAF_T_BITS) - 1;
  return (size_t)tag - 1;
}

/* The literal length in tag, or SIZE_MAX when it did not fit. */
size_t md_tag_len(uintptr_t tag) {
  return UINTPTR_MAX > 0xFFFFFFFFu && (tag >> LEAF_T_BITS) ? (size_t)(tag >> LEAF_T_BITS)
                                                            : SIZE_MAX;
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
      size_t el = md_entity_len(s, p, sc->lim);
      char dec[32];
      size_t dl = el ? md_entity_decode(L->m, s + p, el, dec) : 0;
      if (dl && dl <= n - i && memcmp(dec, lit + i, dl) == 0) {
        if (map) map_decoded(L, t + i, dl, p, el);
        i += dl;
        sc->pos = p + el;
        continue;
      }
    }
    if (is_eol(c) && lit[i] == '\n') {
      i++;
      sc->pos = md_sc_next_line(sc, p);
      continue;
    }
    if (c == lit[i]) { /* a '\\' or '&' that is just itself */
      if (map) map_put(L, t + i, p, 1);
      i++;
      sc->pos = p + 1;
      continue;
    }
    if (is_ws(lit[i])) {
      /* white space the scan stripped, or a partly consumed tab cmark
       * turned into spaces: it keeps them at the start of a lazy line
       * after a backslash break (">>\\\n>\t*b*" has the text "  ").
       * Never past a line end: a text's literal holds none, the line end
       * is the next node's (">>\\\r>\t&#32;\nst" has "   ", two spaces
       * from the tab and one from the entity, which the tab's one byte
       * and the entity leave one short of) */
      if (is_ws(c)) sc->pos = p + 1;
      i++;
      continue;
    }
    md_sc_adv(sc); /* mark-up we were not told about */
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
      if (is_eol(c)) sc->pos = md_sc_next_line(sc, p);
      i++;
    } else {
      md_sc_adv(sc);
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
/* Whether source bytes s[0..n) spell the string want, backslash escapes
 * read as the punctuation they escape (as cmark unescapes a URL). */
static int spells(const char *s, size_t n, const char *want) {
  size_t w = 0;
  for (size_t i = 0; i < n; i++, w++) {
    if (s[i] == '\\' && i + 1 < n && ascii_punct((unsigned char)s[i + 1])) i++;
    if (s[i] != want[w]) return 0; /* want's NUL ends a shorter string */
  }
  return want[w] == '\0';
}

static void link_tail(scan *sc, cmark_node *link) {
  size_t p = sc->pos, e = 0;
  cmark_node *next = cmark_node_next(link);
  if (p >= sc->lim) return;
  int url_matches = 0;
  if (sc->s[p] == '(') {
    size_t da, db;
    e = md_sc_link_tail(sc, p, &da, &db);
    /* a destination spelt exactly as the link's URL is its own, even if
     * the text after the link happens to repeat it ("[](x)(x)") */
    if (e && db - da >= 2 && sc->s[da] == '<') da++, db--;
    const char *url = cmark_node_get_url(link);
    url_matches = e && url && spells(sc->s + da, db - da, url);
  }
  if (!e && sc->s[p] == '[') {
    e = md_sc_label(sc, p);
    /* "[foo][bar](/u)": [bar] may be the next link, not foo's label */
    if (e && e > p + 2 && next && cmark_node_get_type(next) == CMARK_NODE_LINK) {
      cmark_node *t = cmark_node_first_child(next);
      const char *lit = t ? cmark_node_get_literal(t) : NULL;
      if (lit && strlen(lit) == e - p - 2 && memcmp(lit, sc->s + p + 1, e - p - 2) == 0)
        e = 0;
    }
  }
  if (e && (url_matches || !src_is_text(sc, p, e, next))) sc->pos = e;
}

/* Records node n's source extent (W_SPANS). */
static void emit_span(loader *L, cmark_node *n, size_t a, size_t b, size_t ia, size_t ib) {
  if (L->nspans == L->capspans) {
    /* every entry is written before it is read: no zeroing (a zeroed
     * block per edited paragraph was 5% of an edit's instructions) */
    L->capspans = L->capspans ? L->capspans * 2 : 32;
    L->spans = md_scratch_grow_raw(L->m, L->spans, L->capspans * sizeof *L->spans);
  }
  L->spans[L->nspans++] = (span){n, a, b, ia, ib, 0, 0};
}

/* Skips emphasis delimiters: k of '*' or '_'. */
static void skip_delims(scan *sc, int k) {
  while (sc->pos < sc->lim && sc->s[sc->pos] != '*' && sc->s[sc->pos] != '_') md_sc_adv(sc);
  char d = sc->pos < sc->lim ? sc->s[sc->pos] : 0;
  while (k-- > 0 && sc->pos < sc->lim && sc->s[sc->pos] == d) sc->pos++;
}

/* Whether n's parent is an autolink ("<http://...>"), marked by the walk
 * with user data 1: their text takes no backslash escapes, and their text
 * is their address when edited. */
int md_in_autolink(cmark_node *n) {
  cmark_node *p = cmark_node_parent(n);
  return p && cmark_node_get_type(p) == CMARK_NODE_LINK &&
         cmark_node_get_user_data(p) == (void *)1;
}

/* The length of leaf n's literal: from its tag once the load tagged it
 * (a span walk: saves a strlen per leaf), else counted. */
static size_t literal_len(const loader *L, cmark_node *n, const char *lit) {
  size_t len = L->mode == W_SPANS ? md_tag_len((uintptr_t)cmark_node_get_user_data(n)) : SIZE_MAX;
  return len != SIZE_MAX ? len : lit ? strlen(lit) : 0;
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
    size_t len = literal_len(L, n, lit);
    if (L->mode != W_BIND) {
      int how = LIT_MAP | LIT_ENTITIES | (md_in_autolink(n) ? 0 : LIT_ESCAPES);
      /* a span starts at its first byte, not at skipped mark-up (or at
       * its first after white space the scan may have stripped) */
      size_t f = 0;
      while (f + 1 < len && is_ws(lit[f])) f++;
      while (len && !is_ws(lit[f]) && sc->pos < sc->lim && sc->s[sc->pos] != lit[0] &&
             sc->s[sc->pos] != lit[f] &&
             sc->s[sc->pos] != '\\' && sc->s[sc->pos] != '&' &&
             !(is_ws(lit[0]) && is_ws(sc->s[sc->pos])))
        md_sc_adv(sc);
      *a = sc->pos;
      match_literal(L, sc, lit ? lit : "", len, t, how);
    }
    if (L->mode != W_SPANS) leaf_tag(n, t, len);
    walk_text(L, lit ? lit : "", len);
    break;
  }
  case CMARK_NODE_CODE: {
    lit = cmark_node_get_literal(n);
    size_t len = literal_len(L, n, lit);
    if (L->mode != W_BIND) {
      /* the opening backtick run; the closing run has the same length, and
       * the content's one stripped space on each side is skipped by
       * match_code as any unmatched byte */
      md_sc_skip_to(sc, '`');
      *a = sc->pos;
      size_t run = 0;
      while (sc->pos < sc->lim && sc->s[sc->pos] == '`') sc->pos++, run++;
      size_t ia = sc->pos;
      match_code(L, sc, lit ? lit : "", len, t);
      size_t ib = sc->pos;
      md_sc_skip_to(sc, '`');
      if (sc->pos < sc->lim) ib = ib > sc->pos ? ib : sc->pos;
      while (run-- > 0 && sc->pos < sc->lim && sc->s[sc->pos] == '`') sc->pos++;
      if (L->mode == W_SPANS) emit_span(L, n, *a, sc->pos, ia, ib);
    }
    if (L->mode != W_SPANS) leaf_tag(n, t, len);
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
      if (sc->pos < sc->lim) sc->pos = md_sc_next_line(sc, sc->pos);
      if (!bs)
        while (sc->pos < sc->lim && is_ws(sc->s[sc->pos])) sc->pos++;
      if (L->mode == W_SPANS) emit_span(L, n, *a, sc->pos, *a, sc->pos);
    }
    if (L->mode != W_SPANS) leaf_tag(n, t, 1);
    walk_text(L, soft ? " " : "\n", 1);
    break;
  }
  case CMARK_NODE_HTML_INLINE:
    /* raw HTML is mark-up: no plain text, but the cursor must pass it, or
     * text inside an attribute could be taken for the next text node */
    if (L->mode != W_BIND) {
      lit = cmark_node_get_literal(n);
      md_sc_skip_to(sc, '<');
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
      while (sc->pos < sc->lim && sc->s[sc->pos] != '*' && sc->s[sc->pos] != '_') md_sc_adv(sc);
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
        md_sc_adv(sc);
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
      md_sc_skip_to(sc, '>');
      if (sc->pos < sc->lim) sc->pos++;
    } else {
      md_sc_skip_to(sc, ']');
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
void md_walk_inlines(loader *L, scan *sc, cmark_node *block) {
  size_t *stack = NULL, depth = 0, cap = 0;
  md_walk w;
  md_walk_init(&w, block);
  for (cmark_node *cur; (cur = md_walk_next(&w, 1));) {
    if (w.exit) {
      inline_leave(L, sc, cur, stack[--depth]);
      continue;
    }
    size_t a = sc->pos;
    inline_enter(L, sc, cur, &a);
    if (L->mode == W_SPANS && cmark_node_get_type(cur) == CMARK_NODE_TEXT)
      emit_span(L, cur, a, sc->pos, a, sc->pos);
    if (depth == cap) {
      cap = cap ? cap * 2 : 16;
      stack = md_scratch_grow(L->m, stack, cap * sizeof *stack);
    }
    stack[depth++] = a;
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
    size_t ls = md_lines_off(L->ln, line, 1, L->d->len);
    size_t le = md_lines_eol(L->ln, s, line, L->d->len);
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
  size_t p = ln->at[line - 1], col = 0, lim = md_lines_eol(ln, s, line, len), fcol, k = 0;
  if (md_ctr_match(s, lim, chain, n, &p, &col) < n) return 0;
  size_t q = md_col_nonspace(s, lim, p, col, &fcol);
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
int md_heading_atx(cmark_node *n) {
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
scan md_text_scan(const lines *ln, const char *s, size_t len, cmark_node *n,
                      const ctr *chain, int nchain, int *under) {
  int sl = cmark_node_get_start_line(n), el = cmark_node_get_end_line(n);
  int ec = cmark_node_get_end_column(n);
  size_t start = md_lines_off(ln, sl, cmark_node_get_start_column(n), len);
  int last = el - (ec < 1); /* a paragraph's last line */
  *under = 0;
  if (cmark_node_get_type(n) == CMARK_NODE_HEADING) {
    if (md_heading_atx(n)) {
      last = sl;
    } else {
      char c = cmark_node_get_heading_level(n) == 1 ? '=' : '-';
      int u = el - 1, inputs_last = md_lines_of(ln, len ? len - 1 : 0);
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
  scan sc = {s, start, md_lines_eol(ln, s, last, len), 0, 0, chain, nchain};
  if (sc.lim < start) sc.lim = start;
  size_t p = start;
  if (md_heading_atx(n)) {
    if (p < sc.lim && s[p] == '#') {
      while (p < sc.lim && s[p] == '#') p++;
      while (p < sc.lim && is_ws(s[p])) p++;
    }
  } else {
    while (p < sc.lim && s[p] == '[') {
      size_t q = md_sc_refdef(&sc, p);
      if (!q) break;
      p = q;
    }
  }
  sc.pos = p;
  return sc;
}

/* After the walk of a setext heading whose underline md_text_scan() left
 * open: the line after the last one the content reached. */
static int scan_underline(const lines *ln, cmark_node *n, const scan *sc, size_t content) {
  int el = cmark_node_get_end_line(n);
  int lastc = md_lines_of(ln, sc->pos > content ? sc->pos - 1 : content);
  return lastc >= el - 1 ? el : el - 1;
}

/* Whether inline content under block n holds a link. */
static int has_link(cmark_node *n) {
  md_walk w;
  md_walk_init(&w, n);
  for (cmark_node *cur; (cur = md_walk_next(&w, 1));)
    if (!w.exit && cmark_node_get_type(cur) == CMARK_NODE_LINK) return 1;
  return 0;
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
      md_walk_inlines(L, &sc, n);
      if (has_link(n)) {
        /* Whether a link is an autolink ("<http://x>", whose edits change
         * its address too) shows only in the source: the scan that finds
         * spans tags links on the way. */
        loader S;
        md_block_spans(L->m, L->pi - 1, n, &S);
        if (S.spans) md_freeblk(S.spans);
        if (S.chain) md_freeblk(S.chain);
      }
    }
    return;
  }
  doc_para p;
  memset(&p, 0, sizeof p);
  int sl = cmark_node_get_start_line(n), el = cmark_node_get_end_line(n);
  int ec = cmark_node_get_end_column(n);
  p.start = md_lines_off(L->ln, sl, cmark_node_get_start_column(n), len);
  p.end = md_lines_off(L->ln, el, ec, len) + 1;
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
    scan sc = md_text_scan(L->ln, d->src, len, n, chain, depth, &under);
    /* a paragraph or setext heading starts after its link reference
     * definitions (cmark counts them in) */
    if (!md_heading_atx(n)) {
      p.start = sc.pos; /* (cmark keeps the white space of a lazy line after them) */
      while (p.start < sc.lim && is_ws(d->src[p.start])) p.start++;
    }
    md_walk_inlines(L, &sc, n);
    /* cmark's ends are unreliable here (a setext heading "ends" on the
     * line after its underline): a paragraph ends where its content does,
     * an ATX heading with its line, a setext heading with its underline */
    if (ty == CMARK_NODE_PARAGRAPH) {
      p.end = sc.pos > p.start ? sc.pos : p.start;
    } else if (md_heading_atx(n)) {
      p.end = md_lines_eol(L->ln, d->src, sl, len);
    } else {
      if (!under) under = scan_underline(L->ln, n, &sc, p.start);
      p.end = md_lines_eol(L->ln, d->src, under, len);
    }
  } else {
    const char *lit = cmark_node_get_literal(n);
    size_t ll = lit ? strlen(lit) : 0;
    while (ll && lit[ll - 1] == '\n') ll--;
    /* a fenced block's content starts on the line after the fence; an
     * indented block's first line is content even if it starts with ``` */
    int first = sl;
    const char *f = d->src + p.start;
    size_t le = md_lines_eol(L->ln, d->src, sl, len);
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
    p.end = md_lines_eol(L->ln, d->src, last, len);
  }
  map_flush(L);
  p.tend = L->tlen;
  p.map_n = d->nmap - p.map_first;
  /* cmark's block ends can include the line end: trim white space */
  while (p.end > p.start && (is_ws(d->src[p.end - 1]) || is_eol(d->src[p.end - 1]))) p.end--;
  size_t pi = doc_add_para(d, &p);
  if (pi == (size_t)-1) md_mem_fail(LEDE_ENOMEM);
  cmark_node_set_user_data(n, (void *)(uintptr_t)(pi + 1));
}

/* Walks the block tree in document order (iteratively: 10,000 nested
 * block quotes are fine), giving each text block to load_block with the
 * quotes and items around it (a stack in arena memory; their prefixes are
 * only worked out when loading: a re-bind scans nothing). */
static void walk_blocks(loader *L, cmark_node *root) {
  ctr *chain = NULL;
  int depth = 0, cap = 0, descend = 1;
  md_walk w;
  md_walk_init(&w, root);
  for (cmark_node *cur; (cur = md_walk_next(&w, descend));) {
    cmark_node_type ty = cmark_node_get_type(cur);
    /* a quote or item holds a chain entry while its children are walked */
    int holds = (ty == CMARK_NODE_BLOCK_QUOTE || ty == CMARK_NODE_ITEM) &&
                cmark_node_first_child(cur);
    if (w.exit) {
      depth -= holds;
      continue;
    }
    if (ty == CMARK_NODE_PARAGRAPH || ty == CMARK_NODE_HEADING ||
        ty == CMARK_NODE_CODE_BLOCK || ty == CMARK_NODE_HTML_BLOCK)
      load_block(L, cur, chain, depth);
    descend = holds || ty == CMARK_NODE_LIST;
    if (holds) {
      if (depth == cap) {
        cap = cap ? cap * 2 : 16;
        chain = md_scratch_grow(L->m, chain, (size_t)cap * sizeof *chain);
      }
      if (L->mode == W_LOAD) md_ctr_push(L->ln, L->d->src, L->d->len, chain, depth, cur);
      depth++;
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
  L.ln = md_lines_get(m);
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
void md_reparse(md_state *m) {
  if (m->root) {
    md_release_all(m);
    m->root = NULL;
    m->patches = NULL;
    m->npatches = m->cappatches = 0;
    m->pool = m->pool_end = NULL;
  }
  if (m->applied) memset(m->applied, 0, m->napplied * sizeof *m->applied);
  m->tree_edited = 0;
  m->patch_failed = 0;
  m->stale_literals = 0;
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
