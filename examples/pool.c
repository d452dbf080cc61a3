/* pool.c -- one script over many documents on a pool of threads, results
 * in input order.
 *
 * The pattern (docs/embedding.md, "Many documents on N threads"):
 *   - compile the script once (lede_script_compile): the handle is
 *     immutable, so every thread runs the same one;
 *   - one engine per thread (engines are not shared);
 *   - workers take the next document index from a shared counter and
 *     write the output to that index's slot, so the order of the results
 *     never depends on scheduling: main prints the slots after joining.
 * Each document is used by one thread only, for the whole of its run. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lede.h>

#define NTHREADS 4
#define NDOCS 24

typedef struct pool {
  const lede_script *script; /* shared, read-only */
  pthread_mutex_t lock;      /* guards next */
  size_t next;               /* the next document to take */
  char *text[NDOCS];         /* inputs */
  char *result[NDOCS];       /* OWNED outputs (lede_free), by index;
                                NULL: that document failed */
} pool;

static void *worker(void *arg) {
  pool *p = arg;
  lede_engine *e = NULL;
  if (lede_engine_new(NULL, &e) != LEDE_OK) return NULL;
  for (;;) {
    pthread_mutex_lock(&p->lock);
    size_t i = p->next++;
    pthread_mutex_unlock(&p->lock);
    if (i >= NDOCS) break;
    lede_doc *d = NULL;
    char num[16];
    snprintf(num, sizeof num, "%zu", i + 1);
    lede_arg a = {"n", num};
    lede_run_options ro = {.args = &a, .nargs = 1};
    if (lede_doc_load(e, p->text[i], strlen(p->text[i]), NULL, &d) != LEDE_OK ||
        lede_script_run(e, p->script, d, &ro, &p->result[i], NULL) != LEDE_OK) {
      fprintf(stderr, "pool: document %zu: %s\n", i + 1, lede_errmsg(e));
    }
    lede_doc_free(d);
  }
  lede_engine_free(e);
  return NULL;
}

static const char script[] =
    "local doc, args = ...\n"
    "local words, longest = 0, ''\n"
    "for _, s in ipairs(doc.sentences) do\n"
    "  words = words + #s.words\n"
    "  if #s.text > #longest then longest = s.text end\n"
    "end\n"
    "return string.format('doc %2d: %d sentences, %2d words, longest starts %q',\n"
    "  tonumber(args.n), #doc.sentences, words, longest:sub(1, 12))\n";

int main(void) {
  static const char *const parts[] = {
      "The river rose overnight. ", "Crews worked until dawn! ",
      "Dr. Lee said the U.S. gauge failed. ", "Nobody was hurt. ",
      "Was the warning late? ", "Officials will meet on Monday. "};
  pool p;
  memset(&p, 0, sizeof p);
  pthread_mutex_init(&p.lock, NULL);
  for (size_t i = 0; i < NDOCS; i++) { /* document i: i % 5 + 1 sentences */
    char buf[512] = "";
    for (size_t k = 0; k <= i % 5; k++) strcat(buf, parts[(i + k) % 6]);
    p.text[i] = strdup(buf);
  }
  lede_engine *e = NULL;
  lede_script *s = NULL;
  if (lede_engine_new(NULL, &e) != LEDE_OK) return 1;
  if (lede_script_compile(e, "pool.lua", script, sizeof script - 1, &s) != LEDE_OK) {
    fprintf(stderr, "pool: %s\n", lede_errmsg(e));
    return 1;
  }
  p.script = s;
  pthread_t t[NTHREADS];
  for (int i = 0; i < NTHREADS; i++) pthread_create(&t[i], NULL, worker, &p);
  for (int i = 0; i < NTHREADS; i++) pthread_join(t[i], NULL);
  int failed = 0;
  for (size_t i = 0; i < NDOCS; i++) {
    failed |= !p.result[i];
    printf("%s\n", p.result[i] ? p.result[i] : "(failed)");
    lede_free(p.result[i]);
    free(p.text[i]);
  }
  lede_script_free(s);
  lede_engine_free(e);
  pthread_mutex_destroy(&p.lock);
  return failed;
}
