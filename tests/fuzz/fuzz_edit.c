/* fuzz_edit.c -- libFuzzer target: load, a sequence of edits decoded from
 * the input, then rendering in every format.
 *
 * Input: byte 0 = flags (bit 0: Markdown), bytes 1-2 = document length n
 * (little endian, clamped), then n bytes of document, then edit records
 * of 5 bytes: op, target, i, j, replacement length k followed by k bytes
 * of replacement (any bytes: a script may set s.text to anything).
 * Edits go through the same doc.c calls the Lua API makes, with the Lua
 * API's clamping of positions, and the document invariants are checked
 * after every one. */
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

static size_t live_sentence(const lede_doc *d, size_t k) {
  for (size_t n = 0; n < d->nsent; n++) {
    size_t si = (k + n) % d->nsent;
    if (!(d->sents[si].flags & ITEM_REMOVED)) return si;
  }
  return (size_t)-1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 3) return 0;
  int md = data[0] & 1;
  size_t n = (size_t)data[1] | ((size_t)data[2] << 8);
  if (n > size - 3) n = size - 3;
  lede_load_options o = {.format = md ? LEDE_FORMAT_MARKDOWN : LEDE_FORMAT_TEXT,
                         .paragraphs = LEDE_PARAS_AUTO,
                         .flags = LEDE_LOAD_REPLACE_INVALID};
  lede_doc *d = NULL;
  if (lede_doc_load(eng, (const char *)data + 3, n, &o, &d) != LEDE_OK) return 0;
  size_t np, ns;
  FUZZ_CHECK(lede_doc_counts(eng, d, &np, &ns) == LEDE_OK);
  const uint8_t *p = data + 3 + n, *end = data + size;
  while (end - p >= 5) {
    uint8_t op = p[0], target = p[1], i = p[2], j = p[3], k = p[4];
    p += 5;
    if ((size_t)(end - p) < k) k = (uint8_t)(end - p);
    const char *r = (const char *)p;
    p += k;
    switch (op % 4) {
    case 0: /* s:replace(i, j, r) with string.sub's clamping */
    case 1: { /* s.text = r */
      size_t si = live_sentence(d, target);
      if (si == (size_t)-1) break;
      size_t len = doc_sent_textlen(d, si);
      size_t a = op % 4 ? 0 : (i > len ? len : i);
      size_t b = op % 4 ? len : (j > len ? len : j);
      if (b < a) b = a;
      FUZZ_CHECK(doc_sent_replace(d, si, a, b, r, k) == 0);
      FUZZ_CHECK(doc_sent_textlen(d, si) == len - (b - a) + k);
      break;
    }
    case 2: { /* s:remove() */
      size_t si = live_sentence(d, target);
      if (si != (size_t)-1) doc_sent_remove(d, si);
      break;
    }
    case 3: /* p:remove() */
      if (d->npara && !(d->paras[target % d->npara].flags & ITEM_REMOVED))
        doc_para_remove(d, target % d->npara);
      break;
    }
    fuzz_check_doc(d);
  }
  fuzz_render(eng, d, LEDE_FORMAT_TEXT, 0);
  fuzz_render(eng, d, LEDE_FORMAT_MARKDOWN, 0);
  fuzz_render(eng, d, LEDE_FORMAT_HTML, LEDE_RENDER_STANDALONE);
  fuzz_render(eng, d, LEDE_FORMAT_HTML, LEDE_RENDER_UNSAFE);
  fuzz_render(eng, d, LEDE_FORMAT_JSON, 0);
  lede_doc_free(d);
  return 0;
}
