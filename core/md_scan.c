/* md_scan.c -- the source side of Markdown loading: the line index, the
 * container prefixes of continuation lines, the content-stream cursor and
 * the link and entity syntax it must step over. */
#include "md_internal.h"

/* ---- source lines --------------------------------------------------------- */

/* The line index, built on first use (a load needs it; a render of an
 * unedited document never does) and kept in the arena. */
const lines *md_lines_get(md_state *m) {
  lines *ln = &m->ln;
  if (ln->at) return ln;
  const char *s = m->d->src;
  size_t len = m->d->len, cap = 1024, n = 0;
  size_t *at = md_scratch_grow(m, NULL, cap * sizeof *at);
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
      at = md_scratch_grow(m, at, cap * sizeof *at);
    }
    at[n++] = i + 1;
  }
  /* the sentinel: the end of the last line */
  if (n + 1 >= cap) at = md_scratch_grow(m, at, (cap + 1) * sizeof *at);
  at[n] = len;
  ln->at = at;
  ln->n = n;
  ln->bom = len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
  return ln;
}

/* Byte offset of cmark's 1-based (line, column); column 0 means "the end
 * of the previous line", which cmark uses for some block ends. */
size_t md_lines_off(const lines *ln, int line, int col, size_t len) {
  if (line < 1) return 0;
  if ((size_t)line > ln->n) return len;
  size_t base = ln->at[line - 1] + (line == 1 ? ln->bom : 0);
  size_t off = col >= 1 ? base + (size_t)(col - 1) : (base ? base - 1 : 0);
  return off < len ? off : len;
}

/* End of line `line` (the offset of its terminator, or len). */
size_t md_lines_eol(const lines *ln, const char *s, int line, size_t len) {
  if (line < 1) line = 1;
  if ((size_t)line >= ln->n) return len;
  size_t e = ln->at[line];
  if (e > 0 && s[e - 1] == '\n') e--;
  if (e > 0 && s[e - 1] == '\r') e--;
  return e;
}

/* The 1-based line holding offset off. */
int md_lines_of(const lines *ln, size_t off) {
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
 * node handlers in md_load.c; anything else that does not match is skipped one
 * byte at a time, so a surprise costs precision, never a crash. */

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
size_t md_col_nonspace(const char *s, size_t lim, size_t p, size_t col, size_t *fcol) {
  for (; p < lim && is_ws(s[p]); p++) col = s[p] == '\t' ? (col / 4 + 1) * 4 : col + 1;
  *fcol = col;
  return p;
}

/* Matches a continuation line, from its start (*p, *col), against the
 * containers chain[0..n): moves past the prefixes of those that continue
 * and returns how many do; the rest of the line is then their content, or
 * a lazy continuation of a paragraph when fewer than n matched. */
int md_ctr_match(const char *s, size_t lim, const ctr *chain, int n, size_t *p, size_t *col) {
  int k = 0;
  /* The line's first non-space byte and its column stay the same while
   * the cursor moves through the white space before it (tab stops are
   * absolute columns), so it is found again only past a '>': with it found
   * once per level instead, a list nested 5,000 deep cost depth x indent
   * per line, cubic in all. */
  size_t fcol = 0, fp = 0;
  int known = 0;
  for (; k < n; k++) {
    if (!known || *p > fp) fp = md_col_nonspace(s, lim, *p, *col, &fcol);
    known = 1;
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
void md_ctr_push(const lines *ln, const char *s, size_t len, ctr *chain, int k,
                     cmark_node *c) {
  ctr *x = &chain[k];
  int line = cmark_node_get_start_line(c);
  size_t at = md_lines_off(ln, line, cmark_node_get_start_column(c), len);
  size_t lim = md_lines_eol(ln, s, line, len);
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
    md_ctr_match(s, lim, chain, k, &p, &col);
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
size_t md_sc_line_content(const scan *sc, size_t p) {
  if (sc->chain || (!sc->quotes && !sc->items)) {
    /* cmark strips the white space of a line in the block, but keeps
     * that of a lazy one for the inline parser, which strips it after a
     * soft break and not in a code span ("> `a\n   b`" is "a    b") */
    size_t col = 0;
    if (md_ctr_match(sc->s, sc->lim, sc->chain, sc->nchain, &p, &col) == sc->nchain)
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
size_t md_sc_next_line(const scan *sc, size_t p) {
  if (sc->s[p] == '\r' && p + 1 < sc->lim && sc->s[p + 1] == '\n') p++;
  return md_sc_line_content(sc, p + 1);
}

/* One byte forward; past a line end, to the next line's content. */
void md_sc_adv(scan *sc) {
  if (sc->pos >= sc->lim) return;
  if (is_eol(sc->s[sc->pos])) sc->pos = md_sc_next_line(sc, sc->pos);
  else sc->pos++;
}

/* Skips to the next byte c (not past the block). */
void md_sc_skip_to(scan *sc, char c) {
  while (sc->pos < sc->lim && sc->s[sc->pos] != c) md_sc_adv(sc);
}

/* Spaces, tabs and at most one line end, as between the parts of a link
 * destination and title. */
static size_t sc_skip_spnl(const scan *sc, size_t p) {
  while (p < sc->lim && is_ws(sc->s[p])) p++;
  if (p < sc->lim && is_eol(sc->s[p])) p = md_sc_next_line(sc, p);
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
      if (s[p] == '\\' && p + 1 < sc->lim && is_eol(s[p + 1])) p = md_sc_next_line(sc, p + 1);
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
      p = md_sc_next_line(sc, p);
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
    p = is_eol(sc->s[p]) ? md_sc_next_line(sc, p) : p + 1;
  return p;
}

size_t md_sc_link_tail(const scan *sc, size_t p, size_t *da, size_t *db) {
  p = sc_skip_spacechars(sc, p + 1);
  *da = *db = p;
  if (p < sc->lim && sc->s[p] == ')') return p + 1;
  p = sc_link_dest(sc, p);
  if (!p) return 0;
  *db = p;
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
size_t md_sc_label(const scan *sc, size_t p) {
  const char *s = sc->s;
  size_t n = 0;
  if (p >= sc->lim || s[p] != '[') return 0;
  for (p++; p < sc->lim && s[p] != ']';) {
    if (s[p] == '[') return 0;
    if (s[p] == '\\' && p + 1 < sc->lim && ascii_punct((unsigned char)s[p + 1])) {
      p += 2;
      n += 2;
    } else {
      p = is_eol(s[p]) ? md_sc_next_line(sc, p) : p + 1;
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
  return is_eol(sc->s[p]) ? md_sc_next_line(sc, p) : 0;
}

/* A link reference definition at p, as cmark strips from the start of a
 * paragraph (cmark keeps the paragraph's original start position, so we
 * must skip them ourselves): the content offset after it, or 0. */
size_t md_sc_refdef(const scan *sc, size_t p) {
  size_t q = md_sc_label(sc, p);
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
size_t md_entity_len(const char *s, size_t p, size_t lim) {
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

/* Decodes the entity s[0..n) (as found by md_entity_len) into out[0..32):
 * returns the decoded length, 0 if it is not an entity cmark knows.
 * Numeric references follow cmark's rules; the common named ones come from
 * a short table, the other 2,000 from cmark itself (a tiny parse), so we
 * never disagree with it. */
size_t md_entity_decode(md_state *m, const char *s, size_t n, char out[32]) {
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
