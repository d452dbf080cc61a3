/* readers.c -- two threads reading one document at once.
 *
 * An unedited document may be read and rendered from several threads at
 * the same time, each with its own engine: the sentences are found once
 * (whichever thread asks first; the other waits for them), and Markdown
 * renders take turns on the document's parse tree.  Runs and edits are
 * not shared: a run may edit, so a document in a run belongs to that
 * thread alone.  Run under ThreadSanitizer by `make tsan`. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <lede.h>

#define ROUNDS 20

typedef struct reader {
  lede_doc *doc; /* shared, never edited */
  int id;
  size_t sentences, bytes;     /* what this thread saw */
  unsigned long hash;
  int ok;
} reader;

static void *read_all(void *arg) {
  reader *r = arg;
  lede_engine *e = NULL;
  if (lede_engine_new(NULL, &e) != LEDE_OK) return NULL;
  r->ok = 1;
  for (int round = 0; round < ROUNDS && r->ok; round++) {
    size_t n = 0;
    r->hash = 5381;
    r->ok = lede_doc_counts(e, r->doc, NULL, &n) == LEDE_OK;
    for (size_t i = 0; r->ok && i < n; i++) {
      char *t = NULL;
      size_t len = 0;
      r->ok = lede_doc_sentence_text(e, r->doc, i, &t, &len) == LEDE_OK;
      for (size_t k = 0; k < len; k++) r->hash = r->hash * 33 + (unsigned char)t[k];
      lede_free(t);
    }
    char *html = NULL;
    size_t hl = 0;
    if (r->ok) r->ok = lede_doc_render(e, r->doc, LEDE_FORMAT_HTML, 0, &html, &hl) == LEDE_OK;
    lede_free(html);
    r->sentences = n;
    r->bytes = hl;
  }
  lede_engine_free(e);
  return NULL;
}

int main(void) {
  lede_engine *e = NULL;
  lede_doc *d = NULL;
  if (lede_engine_new(NULL, &e) != LEDE_OK) return 1;
  if (lede_doc_load_file(e, "guide.md", NULL, &d) != LEDE_OK) {
    fprintf(stderr, "readers: %s\n", lede_errmsg(e));
    return 1;
  }
  reader r[2] = {{d, 1, 0, 0, 0, 0}, {d, 2, 0, 0, 0, 0}};
  pthread_t t[2];
  for (int i = 0; i < 2; i++) pthread_create(&t[i], NULL, read_all, &r[i]);
  for (int i = 0; i < 2; i++) pthread_join(t[i], NULL);
  for (int i = 0; i < 2; i++)
    printf("reader %d: %s, %zu sentences, %zu bytes of HTML\n", r[i].id, r[i].ok ? "ok" : "failed",
           r[i].sentences, r[i].bytes);
  printf("both saw the same text: %s\n", r[0].hash == r[1].hash ? "yes" : "no");
  lede_doc_free(d);
  lede_engine_free(e);
  return r[0].ok && r[1].ok ? 0 : 1;
}
