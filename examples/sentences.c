/* sentences.c -- sentences and their byte offsets from C, with no script
 * and no Lua state: the whole loop a host needs when it only wants the
 * segmentation.
 *
 * Run it where article.txt is:   cd examples && ./sentences
 *
 * Indices are 0-based; offsets are source bytes [start, end).  Texts come
 * OWNED (lede_free) with any edits applied; an unedited sentence's text is
 * the source bytes start..end. */
#include <stdio.h>

#include <lede.h>

int main(void) {
  lede_engine *e = NULL;
  lede_doc *d = NULL;
  if (lede_engine_new(NULL, &e) != LEDE_OK) return 1;
  if (lede_doc_load_file(e, "article.txt", NULL, &d) != LEDE_OK) {
    fprintf(stderr, "sentences: %s\n", lede_errmsg(e));
    lede_engine_free(e);
    return 1;
  }
  size_t paragraphs = 0, sentences = 0;
  lede_status st = lede_doc_counts(e, d, &paragraphs, &sentences);
  printf("%zu paragraphs, %zu sentences\n", paragraphs, sentences);
  for (size_t i = 0; st == LEDE_OK && i < sentences && i < 8; i++) {
    lede_span s;
    char *text = NULL;
    size_t len = 0;
    st = lede_doc_sentence(e, d, i, &s);
    if (st == LEDE_OK) st = lede_doc_sentence_text(e, d, i, &text, &len);
    if (st == LEDE_OK)
      printf("%zu [%zu,%zu) %s p%zu: %.*s\n", i + 1, s.start, s.end, lede_kind_name(s.kind),
             s.paragraph + 1, (int)(len > 60 ? 60 : len), text);
    lede_free(text);
  }
  if (st != LEDE_OK) fprintf(stderr, "sentences: %s\n", lede_errmsg(e));
  lede_doc_free(d);
  lede_engine_free(e);
  return st == LEDE_OK ? 0 : 1;
}
