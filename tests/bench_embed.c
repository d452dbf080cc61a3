/* bench_embed.c -- the cost of one script run as a host sees it (issue 12):
 * a trivial script and the bundled sentences.lua, each run N times on the
 * same document, compiled at every run (lede_run_string/lede_run_file) and
 * prepared once (lede_script_compile + lede_script_run); and reading every
 * sentence from C without Lua.  Best of 5 rounds, microseconds per run.
 * Built and run by tests/bench/embed.sh (`make bench`). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "lede.h"

#define N 2000

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

typedef lede_status (*run_fn)(lede_engine *, lede_doc *, const void *);

static const char trivial[] = "return ''";

static lede_status run_source(lede_engine *e, lede_doc *d, const void *code) {
  char *out = NULL;
  lede_status st = lede_run_string(e, "t.lua", code, strlen(code), d, NULL, &out, NULL);
  lede_free(out);
  return st;
}
static lede_status run_file(lede_engine *e, lede_doc *d, const void *path) {
  char *out = NULL;
  lede_status st = lede_run_file(e, path, d, NULL, &out, NULL);
  lede_free(out);
  return st;
}
static lede_status run_prepared(lede_engine *e, lede_doc *d, const void *s) {
  char *out = NULL;
  lede_status st = lede_script_run(e, s, d, NULL, &out, NULL);
  lede_free(out);
  return st;
}
static lede_status read_c(lede_engine *e, lede_doc *d, const void *unused) {
  (void)unused;
  size_t n = 0;
  lede_status st = lede_doc_counts(e, d, NULL, &n);
  for (size_t i = 0; st == LEDE_OK && i < n; i++) {
    lede_span s;
    char *t = NULL;
    st = lede_doc_sentence(e, d, i, &s);
    if (st == LEDE_OK) st = lede_doc_sentence_text(e, d, i, &t, NULL);
    lede_free(t);
  }
  return st;
}

static double measure(lede_engine *e, lede_doc *d, run_fn f, const void *arg) {
  double best = 1e9;
  for (int round = 0; round < 5; round++) {
    double t0 = now();
    for (int i = 0; i < N; i++)
      if (f(e, d, arg) != LEDE_OK) {
        fprintf(stderr, "bench_embed: %s\n", lede_errmsg(e));
        return -1;
      }
    double us = (now() - t0) / N * 1e6;
    if (us < best) best = us;
  }
  return best;
}

int main(int argc, char **argv) {
  const char *root = argc > 1 ? argv[1] : ".";
  char article[512], script[512];
  snprintf(article, sizeof article, "%s/examples/article.txt", root);
  snprintf(script, sizeof script, "%s/scripts/sentences.lua", root);
  lede_engine *e;
  lede_doc *d;
  lede_script *st, *ss;
  if (lede_engine_new(NULL, &e) || lede_doc_load_file(e, article, NULL, &d) ||
      lede_script_compile(e, "t.lua", trivial, sizeof trivial - 1, &st) ||
      lede_script_compile_file(e, script, &ss)) {
    fprintf(stderr, "bench_embed: %s\n", lede_errmsg(e));
    return 1;
  }
  double a = measure(e, d, run_source, trivial), b = measure(e, d, run_prepared, st);
  double c = measure(e, d, run_file, script), f = measure(e, d, run_prepared, ss);
  double r = measure(e, d, read_c, NULL);
  printf("trivial script ('return \"\"'):  compiled each run %6.1f us   prepared %6.1f us  (%.2fx)\n",
         a, b, a / b);
  printf("scripts/sentences.lua:         compiled each run %6.1f us   prepared %6.1f us  (%.2fx)\n",
         c, f, c / f);
  printf("every sentence of article.txt from C, no Lua (14 spans + texts): %.1f us\n", r);
  lede_script_free(st);
  lede_script_free(ss);
  lede_doc_free(d);
  lede_engine_free(e);
  return 0;
}
