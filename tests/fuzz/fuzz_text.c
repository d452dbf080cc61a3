/* fuzz_text.c -- libFuzzer target: the plain-text loader, the segmenter
 * and the word scanner.  Byte 0 picks the paragraph mode and whether bad
 * UTF-8 is replaced; the rest is the document. */
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
  lede_load_options o = {.format = LEDE_FORMAT_TEXT,
                         .paragraphs = (lede_para_mode)(data[0] % 3),
                         .flags = (data[0] & 4) ? LEDE_LOAD_REPLACE_INVALID : 0};
  lede_doc *d = NULL;
  lede_status st = lede_doc_load(eng, (const char *)data + 1, size - 1, &o, &d);
  if (st != LEDE_OK) {
    /* Only bad UTF-8 may refuse a document, and never once replaced. */
    FUZZ_CHECK(st == LEDE_EUTF8 && !(o.flags & LEDE_LOAD_REPLACE_INVALID));
    FUZZ_CHECK(strstr(lede_errmsg(eng), "byte offset") != NULL);
    return 0;
  }
  fuzz_check_doc(d);
  size_t np, ns;
  FUZZ_CHECK(lede_doc_counts(eng, d, &np, &ns) == LEDE_OK);
  fuzz_check_doc(d);
  /* Unedited plain text: every sentence's source range holds its text. */
  for (size_t si = 0; si < d->nsent; si++) {
    const doc_sent *s = &d->sents[si];
    FUZZ_CHECK(s->end - s->start == s->tend - s->tstart);
    FUZZ_CHECK(memcmp(d->src + s->start, d->text + s->tstart, s->end - s->start) == 0);
  }
  fuzz_render(eng, d, LEDE_FORMAT_TEXT, 0);
  if (data[0] & 8) fuzz_render(eng, d, LEDE_FORMAT_HTML, LEDE_RENDER_STANDALONE);
  if (data[0] & 16) fuzz_render(eng, d, LEDE_FORMAT_JSON, 0);
  lede_doc_free(d);
  return 0;
}
