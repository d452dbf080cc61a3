/* fuzz_markdown.c -- libFuzzer target: the Markdown loader (cmark plus
 * lede's own block and inline scan), segmentation and every rendering.
 * Byte 0 picks the render flags; the rest is the document. */
#include <stdint.h>

#include "fuzz_common.h"

static lede_engine *eng;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  if (lede_engine_new(NULL, &eng) != LEDE_OK) abort();
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  lede_load_options o = {.format = LEDE_FORMAT_MARKDOWN, .paragraphs = LEDE_PARAS_AUTO,
                         .flags = (data[0] & 4) ? LEDE_LOAD_REPLACE_INVALID : 0};
  lede_doc *d = NULL;
  lede_status st = lede_doc_load(eng, (const char *)data + 1, size - 1, &o, &d);
  if (st != LEDE_OK) {
    /* Bad UTF-8, or a document the loader refuses with a message (too
     * deeply nested, say): never a crash, never a silent failure. */
    FUZZ_CHECK(st != LEDE_ENOMEM && lede_errmsg(eng)[0] != '\0');
    return 0;
  }
  FUZZ_CHECK(lede_doc_format(d) == LEDE_FORMAT_MARKDOWN);
  fuzz_check_doc(d);
  size_t np, ns;
  FUZZ_CHECK(lede_doc_counts(eng, d, &np, &ns) == LEDE_OK);
  fuzz_check_doc(d);
  for (size_t si = 0; si < d->nsent; si++) {
    const doc_sent *s = &d->sents[si];
    size_t a = doc_text_to_src(d, s->para, s->tstart);
    FUZZ_CHECK(a <= d->len);
  }
  unsigned flags = (data[0] & 1 ? LEDE_RENDER_UNSAFE : 0) |
                   (data[0] & 2 ? LEDE_RENDER_STANDALONE : 0);
  fuzz_render(eng, d, LEDE_FORMAT_MARKDOWN, flags);
  fuzz_render(eng, d, LEDE_FORMAT_HTML, flags);
  fuzz_render(eng, d, LEDE_FORMAT_TEXT, flags);
  if (data[0] & 8) fuzz_render(eng, d, LEDE_FORMAT_JSON, flags);
  lede_doc_free(d);
  return 0;
}
