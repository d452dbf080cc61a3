/* md_plan.c -- planning the edits of one block: the edit list of a
 * paragraph, the alignment of a replacement with the leaves it spans, and
 * the new literals of those leaves. */
#include "md_internal.h"

/* ---- edits ------------------------------------------------------------------ */

/* Signature of the edits of paragraph pi: every edit bumps a sentence's
 * version and removals only set flags, so the sum grows with any change. */
size_t md_para_sig(const lede_doc *d, size_t pi) {
  const doc_para *p = &d->paras[pi];
  size_t sig = (p->flags & ITEM_REMOVED) ? 1 : 0;
  if (!d->segmented) return sig;
  for (size_t k = 0; k < p->nsent; k++) {
    const doc_sent *s = &d->sents[p->first_sent + k];
    sig += s->version + ((s->flags & ITEM_REMOVED) ? 1 : 0);
  }
  return sig;
}

/* Appends to a leaf's new content.  md_build_leaves sized buf exactly,
 * so there is always room. */
static void leaf_put(leaf *lf, const char *s, size_t n) {
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
void md_common_ends(const char *x, size_t n, const char *y, size_t m, size_t *pre,
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
size_t md_myers(md_state *m, const char *x, size_t n, const char *y, size_t ym,
                    size_t *mx) {
  if (n + ym > 1u << 16) return 0;
  long N = (long)n, M = (long)ym, found = -1, cap = 0;
  long *rows = NULL;
  for (long d = 0; d <= DIFF_MAXD && found < 0; d++) {
    long need = (d + 1) * (d + 1);
    if (need > cap) {
      cap = need * 2;
      rows = md_scratch_grow(m, rows, (size_t)cap * sizeof *rows);
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

/* Whether the k words of a (boundaries wa, see word_bounds) and of b have
 * the same number of characters each: a redaction masking every letter
 * ("Ann Lee" -> "\u2588\u2588\u2588 \u2588\u2588\u2588"), not new
 * words that would merely inherit the old ones' formatting. */
static int same_shape(const char *a, const size_t *wa, const char *b, const size_t *wb,
                      size_t k) {
  for (size_t w = 0; w < k; w++) {
    size_t ca = 0, cb = 0;
    for (size_t i = wa[2 * w + 1]; i < wa[2 * w + 2]; i++) ca += ((unsigned char)a[i] & 0xC0) != 0x80;
    for (size_t i = wb[2 * w + 1]; i < wb[2 * w + 2]; i++) cb += ((unsigned char)b[i] & 0xC0) != 0x80;
    if (ca != cb) return 0;
  }
  return 1;
}

/* The bytes of the old middle o[pre..pre+on) that the diff keeps in runs
 * that carry meaning: three bytes or more in a row, or a whole word.  Any
 * two English texts share scattered letters ("Some em text" and
 * "Completely different words here" share an 'o', 'm', 'e', 't' ...), and
 * a diff made of those would scatter the old mark-up over unrelated words
 * ("Complet*ely*"). */
static size_t kept_runs(const char *o, size_t n, size_t pre, size_t on, const size_t *mx) {
  size_t total = 0;
  for (size_t i = 0; i < on;) {
    if (mx[i] == SIZE_MAX) {
      i++;
      continue;
    }
    size_t j = i + 1;
    while (j < on && mx[j] == mx[j - 1] + 1) j++;
    size_t a = pre + i, b = pre + j;
    int word = (a == 0 || is_ws(o[a - 1]) || is_eol(o[a - 1])) &&
               (b == n || is_ws(o[b]) || is_eol(o[b]));
    if (j - i >= 3 || word) total += j - i;
    i = j;
  }
  return total;
}

/* Maps old offsets x_j (0 < x_j < n, increasing) of old text o[0..n) to
 * offsets in new text r[0..rm), in place.  Bytes both texts keep (the
 * common prefix and suffix, the diff's matches, or every byte when the
 * lengths agree) are anchors; a cut between two anchors maps into the
 * changed hunk between them proportionally, and a cut where new text was
 * only inserted gives it to the side attach_left picks. */
static void align_cuts(md_state *m, const char *o, size_t n, const char *r, size_t rm,
                       size_t *cut, size_t ncut) {
  if (n == rm) {
    /* byte for byte (s:upper()): every cut stays where it is */
    for (size_t j = 0; j < ncut; j++) {
      size_t y = utf8_snap(r, rm, cut[j]);
      if (j > 0 && y < cut[j - 1]) y = cut[j - 1];
      cut[j] = y;
    }
    return;
  }
  size_t pre, suf;
  md_common_ends(o, n, r, rm, &pre, &suf);
  size_t on = n - pre - suf, rn = rm - pre - suf;
  size_t *mx = md_scratch_grow(m, NULL, (on + 1) * sizeof *mx);
  /* How the changed middles correspond: byte for byte when their lengths
   * agree (s:upper()); through the diff when it only inserts or only
   * deletes, or keeps at least half of the shorter in runs (kept_runs);
   * word by word when both have as many words of as many characters each
   * (a redaction, same_shape); else it is a
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
    size_t kept = md_myers(m, o + pre, on, r + pre, rn, mx);
    /* an edit that only inserts (every vowel doubled) or only deletes
     * keeps all of one side: nothing is scattered, whatever its runs */
    if (kept && (kept - 1 == on || kept - 1 == rn ||
                 kept_runs(o, n, pre, on, mx) * 2 >= (on < rn ? on : rn))) {
      how = DIFF;
    } else {
      wo = md_scratch_grow(m, NULL, (on + 2) * sizeof *wo);
      wn = md_scratch_grow(m, NULL, (rn + 2) * sizeof *wn);
      size_t ko = word_bounds(o + pre, on, wo), kn = word_bounds(r + pre, rn, wn);
      how = ko == kn && ko && same_shape(o + pre, wo, r + pre, wn, ko) ? WORDS : REWRITE;
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

/* Inline nodes that hold other inlines (and their mark-up around them). */
static int is_inline_container(cmark_node_type t) {
  return t == CMARK_NODE_EMPH || t == CMARK_NODE_STRONG || t == CMARK_NODE_LINK ||
         t == CMARK_NODE_IMAGE;
}

/* Emphasis and strong emphasis: the inline nodes with flanking rules. */
int md_is_emph(cmark_node *n) {
  cmark_node_type t = cmark_node_get_type(n);
  return t == CMARK_NODE_EMPH || t == CMARK_NODE_STRONG;
}

/* Collects the text-carrying leaves of a block in document order, and its
 * emphasis nodes in pre-order with the range of leaves each holds.  Each
 * node costs one type read on entry and nothing on exit (an open emphasis
 * is recognised by pointer): an edit of every sentence collects every
 * leaf of the document, and cmark's accessors are calls. */
leaf *md_collect_leaves(md_state *m, cmark_node *block, size_t *nleaves, econt **conts,
                        size_t *nconts) {
  size_t n = 0, cap = 16, nc = 0, ccap = 0, depth = 0, scap = 0;
  leaf *lv = md_scratch_grow_raw(m, NULL, cap * sizeof *lv);
  econt *ec = NULL;
  size_t *stack = NULL; /* indices into ec of the open emphasis nodes */
  cmark_node *autolink = NULL; /* the autolink being walked (they do not nest) */
  md_walk w;
  md_walk_init(&w, block);
  for (cmark_node *cur; (cur = md_walk_next(&w, 1));) {
    if (w.exit) {
      /* an emphasis holds its leaves from its entry to its exit */
      if (depth && ec[stack[depth - 1]].node == cur) ec[stack[--depth]].end = n;
      if (cur == autolink) autolink = NULL;
      continue;
    }
    cmark_node_type ty = cmark_node_get_type(cur);
    if (ty == CMARK_NODE_TEXT || ty == CMARK_NODE_CODE || ty == CMARK_NODE_SOFTBREAK ||
        ty == CMARK_NODE_LINEBREAK) {
      uintptr_t tag = (uintptr_t)cmark_node_get_user_data(cur);
      if (!tag) continue; /* text an edit inserted */
      size_t len = 1;
      if (ty == CMARK_NODE_TEXT || ty == CMARK_NODE_CODE) {
        len = md_tag_len(tag);
        if (len == SIZE_MAX) {
          const char *lit = cmark_node_get_literal(cur);
          len = lit ? strlen(lit) : 0;
        }
      }
      if (len) {
        if (n == cap) lv = md_scratch_grow_raw(m, lv, (cap *= 2) * sizeof *lv);
        size_t t0 = md_tag_t(tag);
        lv[n++] = (leaf){.node = cur, .t0 = t0, .t1 = t0 + len, .type = ty, .brk_at = SIZE_MAX,
                         .raw = ty == CMARK_NODE_TEXT && autolink};
      }
    } else if (ty == CMARK_NODE_LINK) {
      if (cmark_node_get_user_data(cur) == (void *)1) autolink = cur; /* md_in_autolink */
    } else if ((ty == CMARK_NODE_EMPH || ty == CMARK_NODE_STRONG) && cmark_node_first_child(cur)) {
      if (nc == ccap) ec = md_scratch_grow(m, ec, (ccap = ccap ? ccap * 2 : 8) * sizeof *ec);
      ec[nc] = (econt){cur, n, n, NULL, NULL, 0, 0, 0};
      if (depth == scap) stack = md_scratch_grow(m, stack, (scap = scap ? scap * 2 : 8) * sizeof *stack);
      stack[depth++] = nc++;
    }
  }
  if (stack) md_freeblk(stack);
  *nleaves = n;
  *conts = ec;
  *nconts = nc;
  return lv;
}

/* Builds the edit list of paragraph pi (sentence edits plus removals).
 * Returns the count; *whole is set when every sentence is removed. */
/* Sentence edits are already in plain-text coordinates of the paragraph
 * and sorted (doc.c keeps them disjoint); removed sentences become
 * deletions that take their white space along, as doc_para_text() reads
 * the paragraph, so every output format agrees with p.text. */
redit *md_para_edits(md_state *m, size_t pi, size_t *count, int *whole) {
  lede_doc *d = m->d;
  const doc_para *p = &d->paras[pi];
  const doc_sent *ss = d->sents + p->first_sent;
  size_t n = 0, cap = 0;
  for (size_t k = 0; k < p->nsent; k++) cap += (ss[k].edits ? ss[k].edits->n : 0) + 1;
  redit *e = md_scratch_grow_raw(m, NULL, (cap + 1) * sizeof *e);
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
lop *md_plan_ops(md_state *m, const leaf *lv, size_t nl, const redit *e, size_t ne,
                     size_t *nops) {
  const char *text = m->d->text;
  size_t n = 0, cap = 16;
  lop *ops = md_scratch_grow_raw(m, NULL, cap * sizeof *ops);
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
      if (n + 1 >= cap) ops = md_scratch_grow_raw(m, ops, (cap *= 2) * sizeof *ops);
      size_t da = a < lv[to].t0 ? lv[to].t0 : a, db = b > lv[to].t1 ? lv[to].t1 : b;
      if (db < da) db = da;
      ops[n++] = (lop){to, da, db, e[k].s, e[k].len};
      continue;
    }
    /* several leaves: cut the replacement at the leaf boundaries */
    size_t ncut = j - i;
    size_t *cut = md_scratch_grow(m, NULL, (ncut + 1) * sizeof *cut);
    for (size_t c = 0; c < ncut; c++) cut[c] = lv[i + 1 + c].t0 - a;
    align_cuts(m, text + a, b - a, e[k].s, e[k].len, cut, ncut);
    for (size_t c = 0; c <= ncut; c++) {
      size_t y0 = c ? cut[c - 1] : 0, y1 = c < ncut ? cut[c] : e[k].len;
      const leaf *lf = &lv[i + c];
      size_t da = a > lf->t0 ? a : lf->t0, db = b < lf->t1 ? b : lf->t1;
      if (n + 1 >= cap) ops = md_scratch_grow_raw(m, ops, (cap *= 2) * sizeof *ops);
      ops[n++] = (lop){i + c, da, db, e[k].s + y0, y1 - y0};
    }
    md_freeblk(cut);
  }
  *nops = n;
  return ops;
}

/* Builds every leaf's new content from the operations (sorted by leaf,
 * then position, as plan_ops makes them).  For a line break, brk_at tells
 * where its own byte sits in the new content, if it stays.  Every leaf's
 * buf is cut from one block of the exact size, which the caller frees
 * (returned): an edit of every sentence builds a buf for most leaves of a
 * document, and one block each was a tenth of applying the edits. */
char *md_build_leaves(md_state *m, leaf *lv, size_t nl, const lop *ops, size_t nops) {
  const char *text = m->d->text;
  /* each new literal's length (and its NUL) first */
  size_t total = 0;
  for (size_t li = 0, k = 0; li < nl; li++) {
    leaf *lf = &lv[li];
    size_t need = 0, pos = lf->t0;
    for (; k < nops && ops[k].leaf == li; k++) {
      if (ops[k].a > pos) need += ops[k].a - pos, pos = ops[k].a;
      need += ops[k].len;
      if (ops[k].b > pos) pos = ops[k].b;
    }
    if (pos < lf->t1) need += lf->t1 - pos;
    lf->cap = need + 1;
    total += need + 1;
  }
  char *block = md_scratch_grow_raw(m, NULL, total);
  size_t k = 0;
  for (size_t li = 0; li < nl; li++) {
    leaf *lf = &lv[li];
    int brk = lf->type == CMARK_NODE_SOFTBREAK || lf->type == CMARK_NODE_LINEBREAK;
    size_t pos = lf->t0;
    lf->buf = block;
    block += lf->cap;
    lf->n = 0;
    lf->buf[0] = '\0';
    size_t kfirst = k;
    for (; k < nops && ops[k].leaf == li; k++) {
      if (ops[k].a > pos) {
        if (brk && pos == lf->t0) lf->brk_at = lf->n;
        leaf_put(lf, text + pos, ops[k].a - pos);
        pos = ops[k].a;
      }
      size_t at = lf->n;
      leaf_put(lf, ops[k].s, ops[k].len);
      /* A line end in new text is a soft line break, which the plain text
       * reads as a space: it is one in every output (Markdown could not
       * keep it without the container's prefix on the next line).  But a
       * hard break's own "\n", given back where it was and nothing else
       * (s:upper() of a poem), is the break kept. */
      int kept_break = lf->type == CMARK_NODE_LINEBREAK && k == kfirst &&
                       (k + 1 == nops || ops[k + 1].leaf != li) && ops[k].a == lf->t0 &&
                       ops[k].b == lf->t1 && ops[k].len == 1 && ops[k].s[0] == '\n';
      if (!kept_break &&
          (memchr(lf->buf + at, '\n', lf->n - at) || memchr(lf->buf + at, '\r', lf->n - at)))
        for (size_t q = at; q < lf->n; q++)
          if (is_eol(lf->buf[q])) lf->buf[q] = ' ';
      if (ops[k].b > pos) pos = ops[k].b;
    }
    if (pos < lf->t1) {
      if (brk && pos == lf->t0) lf->brk_at = lf->n;
      leaf_put(lf, text + pos, lf->t1 - pos);
    }
    lf->changed = !(lf->n == lf->t1 - lf->t0 && memcmp(lf->buf, text + lf->t0, lf->n) == 0);
    if (brk && !lf->changed) lf->brk_at = 0; /* the replacement kept it */
  }
  return nl ? lv[0].buf : block;
}

/* A soft or hard line break leaf. */
static int is_brk(const leaf *lf) {
  return lf->type == CMARK_NODE_SOFTBREAK || lf->type == CMARK_NODE_LINEBREAK;
}

/* A line break that stays a line break with nothing around it. */
static int pure_brk(const leaf *lf) { return is_brk(lf) && lf->brk_at == 0 && lf->n == 1; }

/* Whether s[0..n) is only white space and line ends (n == 0 included). */
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
int md_normalize(md_state *m, leaf *lv, size_t nl, econt *ec, size_t nc) {
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
      ec[c].pre = md_scratch_grow(m, NULL, w + 1);
      memcpy(ec[c].pre, a->buf, w);
      ec[c].npre = w;
      leaf_set(a, w, a->n - w);
    }
    if (z->type == CMARK_NODE_TEXT && !z->raw && z->n && is_ws(z->buf[z->n - 1])) {
      size_t q = z->n;
      while (q > 0 && is_ws(z->buf[q - 1])) q--;
      ec[c].post = md_scratch_grow(m, NULL, z->n - q + 1);
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
cmark_node *md_new_text(md_state *m, const char *s, size_t n) {
  cmark_node *t = cmark_node_new_with_mem(CMARK_NODE_TEXT, &m->mem);
  char *z = md_scratch_grow(m, NULL, n + 1);
  memcpy(z, s, n);
  z[n] = '\0';
  cmark_node_set_literal(t, z);
  md_freeblk(z);
  return t;
}

/* Unlinks n and every inline container it leaves empty; returns the
 * topmost node unlinked. */
cmark_node *md_unlink_up(cmark_node *n, cmark_node *block) {
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
cmark_node *md_removal_top(cmark_node *n) {
  for (;;) {
    cmark_node *p = cmark_node_parent(n);
    if (!p || cmark_node_get_type(p) == CMARK_NODE_DOCUMENT ||
        cmark_node_first_child(p) != n || cmark_node_last_child(p) != n)
      return n;
    n = p;
  }
}
