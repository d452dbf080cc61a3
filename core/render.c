/* render.c -- documents back to bytes: plain text with edits applied, the
 * JSON object model, and dispatch to the Markdown renderers.
 *
 * The arrows point one way: render.c calls md_render() (md_render.c) and
 * page.c, and nothing in md_*.c calls back here.  Every renderer appends to
 * a dbuf whose failures are sticky (buf.h), so the loops below append
 * without checking and report out->failed once at the end. */
#include <string.h>

#include "doc.h"
#include "page.h"

/* The text between paragraphs (blank lines, a heading's underline in a
 * text file, a form feed) is the source's own: only the paragraphs' text
 * comes from the model, so a document nobody edited renders to exactly its
 * source bytes. */
int render_text_source(const lede_doc *d, dbuf *out) {
  if (d->npara == 0) { /* nothing but white space: the source is the text */
    dbuf_put(out, d->src, d->len);
    return out->failed;
  }
  /* Like sentences inside a paragraph, a removed paragraph takes the
   * separator after it along, so kept text keeps its original layout. */
  size_t prev = (size_t)-1;
  dbuf_put(out, d->src, d->paras[0].start);
  for (size_t pi = 0; pi < d->npara; pi++) {
    const doc_para *p = &d->paras[pi];
    if (p->flags & ITEM_REMOVED) continue;
    /* the separator that followed the last kept paragraph, so removing
     * paragraph k drops k and the gap after it, never the gap before */
    if (prev != (size_t)-1)
      dbuf_put(out, d->src + d->paras[prev].end,
               d->paras[prev + 1].start - d->paras[prev].end);
    doc_para_text(d, pi, out);
    prev = pi;
    /* a time limit must be able to stop a render of a huge document; a
     * clock read per paragraph would cost more than the copying */
    if ((pi & 4095) == 4095 && budget_interrupted(out->budget))
      return LEDE_ELIMIT;
  }
  const doc_para *last = &d->paras[d->npara - 1];
  dbuf_put(out, d->src + last->end, d->len - last->end);
  return out->failed;
}

/* "key":"s" with s escaped by buf.c's one JSON escaper (the same that
 * lede.json uses, U+2028 and U+2029 included), so both agree byte for
 * byte. */
static void json_str(dbuf *out, const char *key, const char *s, size_t n) {
  dbuf_printf(out, "\"%s\":\"", key);
  dbuf_put_json(out, s, n);
  dbuf_putc(out, '"');
}

/* The object model (README, "JSON"): removed paragraphs and sentences are
 * left out but keep their 1-based index in the others, so a script can
 * match the JSON to its own doc.paragraphs[i]; offsets are the C model's
 * source bytes (0-based, end exclusive).  One scratch buffer is reused for every
 * text, so memory stays at the longest paragraph, not the document. */
int render_json(const lede_doc *d, dbuf *out) {
  dbuf text;
  dbuf_init(&text, out->budget);
  dbuf_printf(out, "{\"format\":\"%s\",\"paragraphs\":[",
              d->format == LEDE_FORMAT_MARKDOWN ? "markdown" : "text");
  int firstp = 1;
  for (size_t pi = 0; pi < d->npara && !out->failed; pi++) {
    const doc_para *p = &d->paras[pi];
    if ((pi & 1023) == 1023 && budget_interrupted(out->budget)) out->failed = LEDE_ELIMIT;
    if (p->flags & ITEM_REMOVED) continue;
    dbuf_printf(out, "%s\n{\"index\":%zu,\"kind\":\"%s\",", firstp ? "" : ",",
                pi + 1, doc_kind_name(p->kind));
    firstp = 0;
    if (p->kind == PK_HEADING) dbuf_printf(out, "\"level\":%d,", p->level);
    /* nesting exists only in Markdown; a text paragraph has no depth key
     * rather than a meaningless 0 */
    if (d->format == LEDE_FORMAT_MARKDOWN)
      dbuf_printf(out, "\"depth\":%d,", p->depth);
    dbuf_printf(out, "\"start\":%zu,\"end\":%zu,", p->start, p->end);
    text.n = 0;
    doc_para_text(d, pi, &text);
    json_str(out, "text", text.p ? text.p : "", text.n);
    dbuf_puts(out, ",\"sentences\":[");
    int firsts = 1;
    /* sentences exist once segmented (doc_render does that for JSON) */
    for (size_t k = 0; d->segmented && k < p->nsent; k++) {
      size_t si = p->first_sent + k;
      const doc_sent *s = &d->sents[si];
      if (s->flags & ITEM_REMOVED) continue;
      dbuf_printf(out, "%s{\"index\":%zu,\"start\":%zu,\"end\":%zu,",
                  firsts ? "" : ",", si + 1, s->start, s->end);
      firsts = 0;
      text.n = 0;
      doc_sent_text(d, si, &text);
      json_str(out, "text", text.p ? text.p : "", text.n);
      if (s->edits) dbuf_puts(out, ",\"edited\":true");
      dbuf_putc(out, '}');
    }
    dbuf_puts(out, "]}");
    /* the scratch buffer's failure is the output's: a missing text must
     * not pass for an empty one */
    if (text.failed) out->failed = text.failed;
  }
  dbuf_puts(out, "\n]}\n");
  dbuf_free(&text);
  return out->failed;
}

int doc_render(lede_doc *d, lede_format fmt, unsigned flags, dbuf *out) {
  if (fmt == LEDE_FORMAT_AUTO) fmt = d->format;
  if (fmt == LEDE_FORMAT_JSON) {
    /* Only JSON lists sentences, so only it needs them found; the other
     * formats need no segmentation (an unsegmented document has no
     * edits).  Done here, once, for every caller. */
    int st = doc_segment(d);
    return st ? st : render_json(d, out);
  }
  /* a Markdown document renders from its cmark tree in every format */
  if (d->format == LEDE_FORMAT_MARKDOWN) return md_render(d, fmt, flags, out);
  if (fmt == LEDE_FORMAT_TEXT || fmt == LEDE_FORMAT_MARKDOWN)
    /* Plain text is already valid Markdown only if escaped; we keep the
     * user's bytes as they are, which is what `--to markdown` of a text
     * file is expected to do. */
    return render_text_source(d, out);
  if (fmt == LEDE_FORMAT_HTML) {
    int standalone = (flags & LEDE_RENDER_STANDALONE) != 0;
    dbuf dtext;
    dbuf_init(&dtext, out->budget);
    if (standalone) {
      /* A plain-text document's title is its first paragraph when that
       * reads like one: short, on one line. */
      size_t first = 0;
      while (first < d->npara && (d->paras[first].flags & ITEM_REMOVED)) first++;
      if (first < d->npara) doc_para_text(d, first, &dtext);
      int titled = dtext.n > 0 && dtext.n <= 120 && !memchr(dtext.p, '\n', dtext.n);
      page_head(out, titled ? dtext.p : NULL, titled ? dtext.n : 0);
    }
    /* a text paragraph's line breaks are soft, as in Markdown: one <p>
     * each, everything escaped (the text is data, never mark-up) */
    for (size_t pi = 0; pi < d->npara; pi++) {
      /* A time limit or the host's interrupt stops a long render. */
      if ((pi & 1023) == 1023 && budget_interrupted(out->budget)) {
        dbuf_free(&dtext);
        return LEDE_ELIMIT;
      }
      if (d->paras[pi].flags & ITEM_REMOVED) continue;
      dtext.n = 0;
      doc_para_text(d, pi, &dtext);
      dbuf_puts(out, "<p>");
      dbuf_put_html(out, dtext.p ? dtext.p : "", dtext.n);
      dbuf_puts(out, "</p>\n");
    }
    if (dtext.failed) out->failed = dtext.failed;
    dbuf_free(&dtext);
    if (standalone) page_foot(out);
    return out->failed;
  }
  return LEDE_EINVAL; /* a format value outside the enum */
}
