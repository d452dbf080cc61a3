/* md_render.c -- md_render: HTML through cmark (optionally as a standalone
 * page), Markdown (the source, patched when edited) and readable text. */
#include "md_internal.h"
#include "page.h"

/* ---- rendering ------------------------------------------------------------------ */

/* md_render's arguments, through md_protected()'s single pointer. */
typedef struct render_args {
  lede_format fmt;
  unsigned flags;
  dbuf *out;
} render_args;

/* Plain text of the inline content of n (a heading's title). */
static void inline_text(cmark_node *n, dbuf *b) {
  md_walk w;
  md_walk_init(&w, n);
  for (cmark_node *cur; (cur = md_walk_next(&w, 1));) {
    if (w.exit) continue;
    cmark_node_type ty = cmark_node_get_type(cur);
    if (ty == CMARK_NODE_TEXT || ty == CMARK_NODE_CODE) dbuf_puts(b, cmark_node_get_literal(cur));
    else if (ty == CMARK_NODE_SOFTBREAK || ty == CMARK_NODE_LINEBREAK) dbuf_putc(b, ' ');
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
    md_walk w;
    md_walk_init(&w, m->root);
    int descend = 1;
    for (cmark_node *cur; !title.n && (cur = md_walk_next(&w, descend));) {
      cmark_node_type ty = cmark_node_get_type(cur);
      if (w.exit) continue;
      if (ty == CMARK_NODE_HEADING) inline_text(cur, &title);
      descend = ty != CMARK_NODE_HEADING && ty != CMARK_NODE_PARAGRAPH;
    }
    page_head(out, title.n ? title.p : NULL, title.n);
    if (title.failed) out->failed = title.failed;
    dbuf_free(&title);
  }
  /* cmark's allocations (ours, which may longjmp at a limit) come before
   * the commit: nothing streamed can be followed by a failure */
  char *html = cmark_render_html(m->root, opts);
  dbuf_commit(out);
  dbuf_puts(out, html);
  md_freeblk(html);
  if (flags & LEDE_RENDER_STANDALONE) page_foot(out);
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
    r->lv = md_scratch_grow(r->m, r->lv, r->cap * sizeof *r->lv);
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
  md_walk w;
  md_walk_init(&w, block);
  for (cmark_node *cur; (cur = md_walk_next(&w, 1));) {
    if (w.exit) continue;
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
  int descend = 0;
  md_walk w;
  md_walk_init(&w, m->root);
  for (cmark_node *cur; (cur = md_walk_next(&w, descend));) {
    cmark_node_type ty = cmark_node_get_type(cur);
    if (w.exit) {
      if (ty == CMARK_NODE_BLOCK_QUOTE || ty == CMARK_NODE_LIST || ty == CMARK_NODE_ITEM) {
        /* an empty item still shows its marker */
        if (ty == CMARK_NODE_ITEM && r.depth && !r.lv[r.depth - 1].used) {
          tr_newline(&r);
          tr_prefix(&r);
          tr_newline(&r);
        }
        if (r.depth) r.depth--;
      }
      continue;
    }
    descend = 0;
    if ((++ticks & 4095) == 0 && budget_interrupted(m->d->budget)) md_mem_fail(LEDE_ELIMIT);
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
  if (!m->want_patches && m->stale_literals) md_reparse(m);
  md_sync(m);
  switch (ra->fmt) {
  case LEDE_FORMAT_HTML: render_html(m, ra->flags, ra->out); break;
  case LEDE_FORMAT_TEXT: render_text(m, ra->out); break;
  case LEDE_FORMAT_MARKDOWN:
    if (!m->tree_edited) {
      dbuf_commit(ra->out);
      dbuf_put(ra->out, m->d->src, m->d->len);
    } else if (!m->patch_failed) {
      md_render_patched(m, ra->out);
    } else {
      /* a patch we could not place: cmark writes the whole edited tree,
       * which must then hold every new literal */
      if (m->stale_literals) {
        md_reparse(m);
        m->want_patches = 0;
        md_sync(m);
      }
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
    dbuf_commit(out);
    dbuf_put(out, d->src, d->len);
    return out->failed;
  }
  render_args ra = {fmt, flags, out};
  return md_protected(m, render_fn, &ra);
}
