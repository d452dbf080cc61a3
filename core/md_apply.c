/* md_apply.c -- edits applied to the tree block by block (apply_para), and
 * md_sync, which brings the whole tree up to date before a render. */
#include "md_internal.h"

/* Applies the new content of one changed leaf to the tree and records the
 * matching source patch. */
static void apply_leaf(md_state *m, size_t pi, cmark_node *blk, leaf *lf, const loader *L) {
  span *sp = lf->sp;
  abuf out = {NULL, 0, 0};
  if (!sp && m->have_patches) m->patch_failed = 1;
  if (lf->n == 0) {
    /* empty: unlink it; a container left empty goes with its mark-up */
    cmark_node *gone = md_unlink_up(lf->node, blk);
    if (!m->have_patches) return;
    span *gs = md_find_span(L->spans, L->nspans, gone);
    if (gs) md_patch_cut(m, pi, gs->a, gs->b);
    else m->patch_failed = 1;
    return;
  }
  if (lf->type == CMARK_NODE_TEXT && md_in_autolink(lf->node)) {
    md_autolink_edit(m, pi, lf, L);
  } else if (lf->type == CMARK_NODE_TEXT) {
    if (sp) md_text_patch(m, pi, lf, sp);
    /* setting a literal copies it into the tree: 8 MB of tree memory on a
     * 10 MB document edited in every sentence, that a Markdown render
     * never reads */
    if (sp && m->have_patches && !m->patch_failed) m->stale_literals = 1;
    else cmark_node_set_literal(lf->node, lf->buf);
  } else if (lf->type == CMARK_NODE_CODE) {
    if (sp && !memchr(lf->buf, '`', lf->n) && lf->buf[0] != ' ' && lf->buf[lf->n - 1] != ' ' &&
        sp->ia <= sp->ib) {
      /* the same fence still fits: replace only the content */
      for (size_t i = 0; i < lf->n; i++) md_ab_putc(m, &out, lf->buf[i] == '\n' ? ' ' : lf->buf[i]);
      md_patch_add(m, pi, sp->ia, sp->ib, &out);
    } else if (sp) {
      md_code_span(m, &out, lf->buf, lf->n);
      md_patch_add(m, pi, sp->a, sp->b, &out);
    }
    cmark_node_set_literal(lf->node, lf->buf);
  } else if (lf->brk_at != SIZE_MAX) {
    /* a kept line break with new text before or after it */
    size_t at = lf->brk_at;
    if (at > 0) {
      cmark_node_insert_before(lf->node, md_new_text(m, lf->buf, at));
      if (sp) {
        md_escape(m, &out, lf->buf, at, 0);
        md_patch_add(m, pi, sp->a, sp->a, &out);
      }
    }
    if (at + 1 < lf->n) {
      cmark_node_insert_after(lf->node, md_new_text(m, lf->buf + at + 1, lf->n - at - 1));
      if (sp) {
        md_escape(m, &out, lf->buf + at + 1, lf->n - at - 1, 0);
        md_patch_add(m, pi, sp->b, sp->b, &out);
      }
    }
  } else {
    /* the break itself was replaced by text */
    cmark_node_insert_before(lf->node, md_new_text(m, lf->buf, lf->n));
    cmark_node_unlink(lf->node);
    if (sp) {
      md_escape(m, &out, lf->buf, lf->n, 0);
      md_patch_add(m, pi, sp->a, sp->b, &out);
    }
  }
}

/* Moves white space out of an emphasis (md_normalize): a text node next to
 * it in the tree, the bytes next to its delimiters in the source. */
static void apply_hoist(md_state *m, size_t pi, const econt *c, const loader *L) {
  span *sp = m->have_patches ? md_find_span(L->spans, L->nspans, c->node) : NULL;
  abuf ws = {NULL, 0, 0};
  if (c->npre) {
    cmark_node_insert_before(c->node, md_new_text(m, c->pre, c->npre));
    if (sp) {
      md_ab_put(m, &ws, c->pre, c->npre);
      md_patch_add(m, pi, sp->a, sp->a, &ws);
    }
  }
  if (c->npost) {
    cmark_node_insert_after(c->node, md_new_text(m, c->post, c->npost));
    if (sp) {
      md_ab_put(m, &ws, c->post, c->npost);
      md_patch_add(m, pi, sp->b, sp->b, &ws);
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
    span *sp = md_find_span(L->spans, L->nspans, ec[c].node);
    ec[c].delim = sp && sp->a < m->d->len ? m->d->src[sp->a] : 0;
  }
  for (size_t c = 0; c < nc; c++) {
    cmark_node *n = ec[c].node;
    if (!cmark_node_parent(n) || !ec[c].delim) continue;
    span *sn = md_find_span(L->spans, L->nspans, n);
    size_t k = cmark_node_get_type(n) == CMARK_NODE_STRONG ? 2 : 1;
    cmark_node *touch[3] = {cmark_node_previous(n), NULL, NULL};
    cmark_node *fc = cmark_node_first_child(n), *lc = cmark_node_last_child(n);
    /* (the neighbour, whether it is n's child) */
    for (int w = 0; w < 3; w++) {
      cmark_node *o = w == 0 ? touch[0] : w == 1 ? fc : lc;
      if (!o || !md_is_emph(o)) continue;
      size_t oc = 0;
      while (oc < nc && ec[oc].node != o) oc++;
      if (oc == nc || ec[oc].delim != ec[c].delim) continue;
      span *so = md_find_span(L->spans, L->nspans, o);
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
      for (size_t i = 0; i < tk; i++) md_ab_putc(m, &a, nd), md_ab_putc(m, &b, nd);
      md_patch_add(m, pi, st->a, st->a + tk, &a);
      md_patch_add(m, pi, st->b - tk, st->b, &b);
      ec[t].delim = nd;
    }
  }
}

/* The source extents of the changed leaves of a plain block, without the
 * second scan of md_block_spans: when the block holds only text, line
 * breaks the edits leave alone and emphasis (no link or code), no leaf is
 * emptied and no white space moves out of an emphasis (so no delimiters
 * come to touch and none need a source extent), and each changed text leaf is
 * spelled in the source exactly as its text, its extent is where the map
 * puts its first byte, plus its length.  Returns NULL (scan the block)
 * for anything else.  Most prose paragraphs are plain, and an edit of
 * every sentence made that scan a sixth of the Markdown render. */
static span *plain_spans(md_state *m, size_t pi, cmark_node *blk, leaf *lv, size_t nl,
                         const econt *ec, size_t nc) {
  const lede_doc *d = m->d;
  for (size_t c = 0; c < nc; c++)
    if (ec[c].npre || ec[c].npost) return NULL;
  for (size_t i = 0; i < nl; i++) {
    for (cmark_node *a = cmark_node_parent(lv[i].node); a != blk; a = cmark_node_parent(a))
      if (!a || !md_is_emph(a)) return NULL;
    /* a line break needs an extent only when it changed */
    if (lv[i].type == CMARK_NODE_SOFTBREAK || lv[i].type == CMARK_NODE_LINEBREAK
            ? lv[i].changed
            : lv[i].type != CMARK_NODE_TEXT)
      return NULL;
    if (lv[i].changed && (lv[i].n == 0 || lv[i].raw)) return NULL;
  }
  span *sp = md_scratch_grow_raw(m, NULL, nl * sizeof *sp);
  for (size_t i = 0; i < nl; i++) {
    leaf *lf = &lv[i];
    lf->sp = NULL;
    if (!lf->changed) continue;
    size_t len = lf->t1 - lf->t0;
    size_t a = doc_text_to_src(d, pi, lf->t0);
    /* The map is monotone: equal bytes with the last one len - 1 further
     * on mean the text is one run of source -- but for its last byte: a
     * '&' or '\\' there may be the first byte of "&amp;" or "\\\\", the
     * one spelling that starts with what it decodes to. */
    char last = d->text[lf->t1 - 1];
    if (last == '&' || last == '\\' || a + len > d->len ||
        memcmp(d->src + a, d->text + lf->t0, len) != 0 ||
        doc_text_to_src(d, pi, lf->t1 - 1) != a + len - 1) {
      md_freeblk(sp);
      for (size_t k = 0; k < nl; k++) lv[k].sp = NULL;
      return NULL;
    }
    sp[i] = (span){lf->node, a, a + len, 0, 0, 0, 1};
    lf->sp = &sp[i];
  }
  return sp;
}

/* Applies the edits of paragraph pi to its block (tree and patches). */
static void apply_para(md_state *m, size_t pi) {
  lede_doc *d = m->d;
  doc_para *p = &d->paras[pi];
  cmark_node *blk = p->node;
  if (!blk || !cmark_node_parent(blk)) return;
  if (p->flags & ITEM_REMOVED) {
    m->tree_edited = 1;
    md_remove_para_block(m, pi, blk);
    return;
  }
  cmark_node_type bt = cmark_node_get_type(blk);
  if (!d->segmented || (bt != CMARK_NODE_PARAGRAPH && bt != CMARK_NODE_HEADING)) return;
  int whole = 0;
  size_t ne = 0, nl = 0, nc = 0;
  redit *e = md_para_edits(m, pi, &ne, &whole);
  leaf *lv = NULL;
  econt *ec = NULL;
  char *bufs = NULL;
  if (whole) {
    m->tree_edited = 1;
    md_remove_para_block(m, pi, blk);
    goto done;
  }
  if (ne) lv = md_collect_leaves(m, blk, &nl, &ec, &nc);
  if (!ne || !nl) goto done;
  size_t nops;
  lop *ops = md_plan_ops(m, lv, nl, e, ne, &nops);
  bufs = md_build_leaves(m, lv, nl, ops, nops);
  md_freeblk(ops);
  int any = 0;
  for (size_t i = 0; i < nl; i++) any |= lv[i].changed;
  if (!any) goto done;
  m->tree_edited = 1;
  if (md_normalize(m, lv, nl, ec, nc)) {
    md_remove_para_block(m, pi, blk); /* nothing but white space left */
    goto done;
  }
  /* the text of an ATX heading follows its '#': nothing there opens a
   * block */
  if (md_heading_atx(blk)) {
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
  span *direct = NULL;
  if (m->have_patches && !(direct = plain_spans(m, pi, blk, lv, nl, ec, nc))) {
    md_block_spans(m, pi, blk, &L);
    size_t hint = 0;
    for (size_t i = 0; i < nl; i++)
      lv[i].sp = md_find_span_from(L.spans, L.nspans, lv[i].node, &hint);
  }
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
    if (touched && kept) md_ref_label_patch(m, pi, ls, &L);
  }
  for (size_t c = 0; c < nc; c++)
    if (ec[c].npre || ec[c].npost) apply_hoist(m, pi, &ec[c], &L);
  for (size_t i = 0; i < nl; i++)
    if (lv[i].changed) apply_leaf(m, pi, blk, &lv[i], &L);
  if (m->have_patches) fix_delims(m, pi, ec, nc, &L);
  if (L.spans) md_freeblk(L.spans);
  if (L.chain) md_freeblk(L.chain);
  if (direct) md_freeblk(direct);
  if (!cmark_node_first_child(blk)) md_remove_para_block(m, pi, blk);
done:
  if (bufs) md_freeblk(bufs);
  for (size_t c = 0; c < nc; c++) {
    if (ec[c].pre) md_freeblk(ec[c].pre);
    if (ec[c].post) md_freeblk(ec[c].post);
  }
  if (ec) md_freeblk(ec);
  if (lv) md_freeblk(lv);
  md_freeblk(e);
}

/* Brings the tree up to date with the document's edits.  Each paragraph's
 * edit signature (md_para_sig) is compared with the one its block was edited
 * for: equal means nothing to do, so a second render of the same edits
 * costs a signature scan; a paragraph edited for the first time is applied
 * to its pristine block; one edited again (rare: render, edit, render)
 * forces a re-parse, after which every edited block is applied afresh. */
void md_sync(md_state *m) {
  lede_doc *d = m->d;
  if (!m->root) md_reparse(m);
  if (!d->nedited && !d->nremoved_sents && !d->nremoved_paras) return;
  if (m->napplied < d->npara) {
    size_t *a = budget_realloc(d->budget, m->applied, m->napplied * sizeof *a,
                               d->npara * sizeof *a);
    if (!a) md_mem_fail(d->budget && d->budget->hit ? LEDE_ELIMIT : LEDE_ENOMEM);
    memset(a + m->napplied, 0, (d->npara - m->napplied) * sizeof *a);
    m->applied = a;
    m->napplied = d->npara;
  }
  /* a block already edited in the tree cannot be edited again from its
   * original: start over from a fresh parse */
  for (size_t pi = 0; pi < d->npara; pi++)
    if (m->applied[pi] && m->applied[pi] != md_para_sig(d, pi)) {
      md_reparse(m);
      break;
    }
  /* an edited tree without text patches, and Markdown wanted: start
   * again from the source */
  if (m->want_patches && m->tree_edited && !m->have_patches) md_reparse(m);
  if (!m->tree_edited) m->have_patches = m->want_patches;
  for (size_t pi = 0; pi < d->npara; pi++) {
    size_t sig = md_para_sig(d, pi);
    if (sig == m->applied[pi]) continue;
    apply_para(m, pi);
    m->applied[pi] = sig;
    if ((pi & 1023) == 1023 && budget_interrupted(d->budget)) md_mem_fail(LEDE_ELIMIT);
  }
  md_fix_tightness(m);
}
