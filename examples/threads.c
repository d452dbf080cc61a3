/* threads.c -- eight threads, each with an engine of its own, processing
 * documents at the same time.
 *
 * liblede keeps no global mutable state, so the only rule is the one in
 * lede.h: an engine (and a document) is used by one thread at a time.
 * Here every thread owns its engine, loads its own documents (plain text
 * from a shared read-only buffer, Markdown from a file), registers a host
 * function whose ud is its own slot, edits and renders them, and writes
 * its results to its own slot; main
 * prints the slots after joining, so the output does not depend on how the
 * threads were scheduled.  `make tsan` runs this under ThreadSanitizer. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lede.h>

#define NTHREADS 8
#define ROUNDS 40

/* Shared by all threads, written only before they start. */
static struct {
  char *text;
  size_t len;
} input;

struct job {
  int id;              /* 0..NTHREADS-1 */
  char result[320];    /* what this thread found, printed by main */
  unsigned long first; /* hash of round 0's output and rendering */
  int same;            /* rounds that produced exactly that */
  int ok;
};

/* lede.host.thread() -> this thread's number: each engine's host function
 * sees only its own job. */
static int host_thread(void *ud, int argc, const char *const *argv,
                       const size_t *argl, lede_result *res) {
  const struct job *j = ud;
  char num[16];
  int n = snprintf(num, sizeof num, "%d", j->id);
  (void)argc, (void)argv, (void)argl;
  lede_result_string(res, num, (size_t)n);
  return 0;
}

/* Upper-cases sentence n (args.n), then reports counts and the edit.  The
 * edit stays in the document after the run, which the host checks. */
static const char script[] =
    "local doc, args = ...\n"
    "local n = tonumber(args.n)\n"
    "local s = doc.sentences[n]\n"
    "s.text = s.text:upper()\n"
    "local words = 0\n"
    "for _, x in ipairs(doc.sentences) do words = words + #x.words end\n"
    "return string.format('thread %s: %d sentences, %d words; sentence %d now starts %q',\n"
    "  lede.host.thread(), #doc.sentences, words, n, lede.squish(s.text):sub(1, 24))\n";

static unsigned long fnv1a(unsigned long h, const char *s, size_t n) {
  for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 1099511628211ul;
  return h;
}

static void *worker(void *arg) {
  struct job *j = arg;
  lede_engine *e = NULL;
  char n[16];
  snprintf(n, sizeof n, "%d", j->id + 1);
  lede_arg args[] = {{"n", n}};
  lede_run_options ro = {.args = args, .nargs = 1};
  if (lede_engine_new(NULL, &e) != LEDE_OK) return NULL;
  if (lede_register(e, "thread", host_thread, j) != LEDE_OK) goto done;
  for (int round = 0; round < ROUNDS; round++) {
    lede_doc *doc = NULL, *md = NULL;
    char *out = NULL, *text = NULL, *html = NULL;
    size_t outlen = 0, textlen = 0, htmllen = 0;
    lede_status st = lede_doc_load(e, input.text, input.len, NULL, &doc);
    if (st == LEDE_OK)
      st = lede_run_string(e, "threads.lua", script, sizeof script - 1, doc, &ro, &out, &outlen);
    if (st == LEDE_OK) st = lede_doc_render(e, doc, LEDE_FORMAT_AUTO, 0, &text, &textlen);
    /* Markdown goes through cmark, whose allocator context md_arena.c keeps in
     * a thread-local: eight threads parse and render at once here. */
    if (st == LEDE_OK) st = lede_doc_load_file(e, "guide.md", NULL, &md);
    if (st == LEDE_OK) st = lede_doc_render(e, md, LEDE_FORMAT_HTML, 0, &html, &htmllen);
    if (st != LEDE_OK) {
      snprintf(j->result, sizeof j->result, "thread %d: %s", j->id, lede_errmsg(e));
      lede_free(out);
      lede_free(text);
      lede_doc_free(md);
      lede_doc_free(doc);
      goto done;
    }
    if (round == 0)
      snprintf(j->result, sizeof j->result, "%s; rendered %zu bytes; guide.md as HTML %zu bytes",
               out, textlen, htmllen);
    unsigned long h = fnv1a(fnv1a(14695981039346656037ul, out, outlen), text, textlen);
    h = fnv1a(h, html, htmllen);
    if (round == 0) j->first = h;
    j->same += h == j->first;
    lede_free(out);
    lede_free(text);
    lede_free(html);
    lede_doc_free(md);
    lede_doc_free(doc);
  }
  j->ok = 1;
done:
  lede_engine_free(e);
  return NULL;
}

/* Reads the whole file: the one input all threads share, read-only. */
static int read_file(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return -1;
  size_t cap = 1 << 16;
  input.text = malloc(cap);
  while (input.text) {
    input.len += fread(input.text + input.len, 1, cap - input.len, f);
    if (input.len < cap) break;
    char *p = realloc(input.text, cap *= 2);
    if (!p) free(input.text);
    input.text = p;
  }
  fclose(f);
  return input.text ? 0 : -1;
}

int main(void) {
  if (read_file("article.txt")) {
    perror("threads: article.txt");
    return 1;
  }
  struct job jobs[NTHREADS];
  pthread_t tid[NTHREADS];
  memset(jobs, 0, sizeof jobs);
  for (int i = 0; i < NTHREADS; i++) {
    jobs[i].id = i;
    if (pthread_create(&tid[i], NULL, worker, &jobs[i])) {
      fprintf(stderr, "threads: cannot start thread %d\n", i);
      return 1;
    }
  }
  int failed = 0;
  for (int i = 0; i < NTHREADS; i++) pthread_join(tid[i], NULL);
  for (int i = 0; i < NTHREADS; i++) {
    printf("%s\n", jobs[i].result);
    failed |= !jobs[i].ok;
  }
  /* A thread repeats the same work ROUNDS times while the others run:
   * any interference between engines would show as a round that differs. */
  for (int i = 0; i < NTHREADS; i++)
    printf("thread %d: %d of %d rounds identical\n", i, jobs[i].same, ROUNDS);
  free(input.text);
  return failed;
}
