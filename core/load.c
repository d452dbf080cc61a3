/* load.c -- bytes to a parsed document: option checks, UTF-8 check or
 * repair, the document itself and the parser for its format. */
#include "load.h"

#include <stdio.h>
#include <stdlib.h>

#include "doc.h"
#include "utf8.h"

/* Options are checked before any work, so a host that passes garbage
 * learns which field at once rather than getting a silently wrong
 * document (an unknown format used to load as plain text). */
int load_check_options(const lede_load_options *o, char *why, size_t n) {
  if (o->format != LEDE_FORMAT_AUTO && o->format != LEDE_FORMAT_TEXT &&
      o->format != LEDE_FORMAT_MARKDOWN) {
    const char *name = lede_format_name(o->format);
    if (name)
      snprintf(why, n, "load options: format %s cannot be loaded (text or markdown)", name);
    else
      snprintf(why, n, "load options: format %d is not a lede_format", (int)o->format);
    return LEDE_EINVAL;
  }
  if (o->paragraphs != LEDE_PARAS_AUTO && o->paragraphs != LEDE_PARAS_BLANK &&
      o->paragraphs != LEDE_PARAS_LINE) {
    snprintf(why, n, "load options: paragraphs %d is not a lede_para_mode", (int)o->paragraphs);
    return LEDE_EINVAL;
  }
  if (o->language && !lede_language(o->language)) {
    snprintf(why, n, "load options: no sentence rules for the language '%.40s' (known: %s)",
             o->language, lede_language(NULL));
    return LEDE_EINVAL;
  }
  if ((unsigned)o->quotes > LEDE_QUOTES_KEEP) {
    snprintf(why, n, "load options: quotes %d is not a lede_quotes", (int)o->quotes);
    return LEDE_EINVAL;
  }
  if (o->flags & ~LEDE_LOAD_REPLACE_INVALID) {
    snprintf(why, n, "load options: unknown flags 0x%x", o->flags & ~LEDE_LOAD_REPLACE_INVALID);
    return LEDE_EINVAL;
  }
  return 0;
}

int doc_load(const load_request *r, lede_doc **out, char *why, size_t whylen) {
  static const lede_load_options none = {.format = LEDE_FORMAT_AUTO};
  const lede_load_options *opt = r->opt ? r->opt : &none;
  const char *src = r->src;
  size_t len = r->len;
  char *owned = r->take; /* freed on every path that does not hand it on */
  int st;
  *out = NULL;
  why[0] = '\0';
  if ((st = load_check_options(opt, why, whylen))) goto fail;
  if (r->max_input && len > r->max_input) {
    snprintf(why, whylen, "document is %zu bytes, larger than the limit of %zu bytes", len,
             r->max_input);
    st = LEDE_ELIMIT;
    goto fail;
  }
  /* The UTF-8 check and the parse are linear: charged up front, so a
   * small instruction limit refuses a huge text before reading it. */
  if (budget_spend(r->budget, BYTES_COST(len))) {
    snprintf(why, whylen, "limit reached before loading");
    st = LEDE_ELIMIT;
    goto fail;
  }
  int is_nul;
  size_t bad = utf8_check(src, len, &is_nul);
  if (bad != UTF8_OK) {
    if (!(opt->flags & LEDE_LOAD_REPLACE_INVALID)) {
      utf8_describe(src, bad, is_nul, why, whylen);
      st = LEDE_EUTF8;
      goto fail;
    }
    size_t fixed_len;
    char *fixed = utf8_repair(src, len, &fixed_len);
    if (!fixed) {
      st = LEDE_ENOMEM;
      goto fail;
    }
    free(owned);
    src = owned = fixed;
    len = fixed_len;
  }
  lede_format fmt = opt->format == LEDE_FORMAT_MARKDOWN ? LEDE_FORMAT_MARKDOWN
                                                         : LEDE_FORMAT_TEXT;
  lede_doc *d = owned ? doc_new_take(owned, len, fmt) : doc_new(src, len, fmt);
  if (!d) {
    st = LEDE_ENOMEM;
    goto fail;
  }
  owned = NULL; /* the document has it now */
  /* The parse charges its memory and polls the clock through d->budget. */
  d->budget = r->budget;
  st = doc_seg_copy(d, r->abbrevs);
  if (!st) st = doc_seg_set(d, opt->language, opt->quotes); /* checked above */
  if (!st) st = fmt == LEDE_FORMAT_MARKDOWN ? md_load(d) : text_load(d, opt->paragraphs);
  if (!st && r->budget) {
    /* A document a script loads is memory the script holds: it stays
     * charged until the document is freed (doc_free credits it). */
    size_t held = d->len + 1 + d->cappara * sizeof *d->paras +
                  d->capmap * sizeof *d->map + (d->textbuf ? d->textlen + 1 : 0);
    if (budget_charge(r->budget, held)) st = LEDE_ELIMIT;
    else d->charged = held;
  }
  if (st) {
    doc_free(d);
    if (st == LEDE_ELIMIT) snprintf(why, whylen, "limit reached while loading");
    return st;
  }
  *out = d;
  return 0;
fail:
  free(owned);
  return st;
}
