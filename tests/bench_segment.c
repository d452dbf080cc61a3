/* bench_segment.c -- segmentation throughput and accuracy on a corpus.
 *
 *   bench_segment FILE [--reps N] [--min-time S] [--gold GOLD.jsonl] [--show N]
 *                 [--keep-quotes]
 *
 * Splits FILE into paragraphs at blank lines (untimed), then times
 * segment() over all of them, best of at least N runs and of as many more
 * as fit in S seconds (defaults 3 and 1.0: on a shared machine a small
 * file needs many tries for its best to mean anything), and prints:
 *   FILE: BYTES bytes, P paragraphs, S sentences, best T s, X MB/s
 * With --gold (make_corpus.py's JSONL, one {"sentences": [...]} per prose
 * paragraph, in file order) it also prints how many gold sentences the
 * segmenter reproduced exactly, after collapsing white space; --show N
 * prints the first N paragraphs that differ, to stderr. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "json_read.h"
#include "seg_lang.h"
#include "segment.h"

typedef struct {
  size_t lo, hi;
} range;

typedef struct {
  range *v;
  size_t n, cap;
} ranges;

static int push(ranges *r, size_t lo, size_t hi) {
  if (r->n == r->cap) {
    size_t ncap = r->cap ? r->cap * 2 : 1024;
    range *nv = realloc(r->v, ncap * sizeof *nv);
    if (!nv) return -1;
    r->v = nv;
    r->cap = ncap;
  }
  r->v[r->n++] = (range){lo, hi};
  return 0;
}

/* Paragraphs are runs of lines separated by lines holding only white
 * space: the plain-text convention of the generated news corpus. */
static int split_paragraphs(const char *s, size_t n, ranges *out) {
  size_t i = 0, start = 0;
  int in_para = 0;
  while (i < n) {
    size_t eol = i;
    int blank = 1;
    while (eol < n && s[eol] != '\n') {
      if (s[eol] != ' ' && s[eol] != '\t' && s[eol] != '\r') blank = 0;
      eol++;
    }
    if (blank && in_para) {
      if (push(out, start, i)) return -1;
      in_para = 0;
    } else if (!blank && !in_para) {
      start = i;
      in_para = 1;
    }
    i = eol + 1;
  }
  if (in_para && push(out, start, n)) return -1;
  return 0;
}

static int count_emit(void *ud, size_t start, size_t end) {
  (void)start;
  (void)end;
  ++*(size_t *)ud;
  return 0;
}

static int collect_emit(void *ud, size_t start, size_t end) {
  return push(ud, start, end);
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Copies s[0..n) with white space runs collapsed to one space and trimmed. */
static char *collapse(const char *s, size_t n) {
  char *out = malloc(n + 1);
  size_t o = 0;
  int space = 0;
  if (!out) return NULL;
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = o > 0;
      continue;
    }
    if (space) out[o++] = ' ';
    space = 0;
    out[o++] = c;
  }
  out[o] = '\0';
  return out;
}

/* One gold paragraph: its sentences and their text joined by spaces. */
typedef struct {
  char **sents;
  size_t n;
  char *joined;
} gold_para;

static gold_para *load_gold(const char *path, size_t *count) {
  size_t len;
  char *src = json_read_file(path, &len);
  if (!src) return NULL;
  size_t cap = 1024, n = 0;
  gold_para *g = malloc(cap * sizeof *g);
  char *line = src;
  while (g && line < src + len) {
    char *eol = memchr(line, '\n', (size_t)(src + len - line));
    if (!eol) eol = src + len;
    char err[128];
    json_value *v = eol > line ? json_parse(line, (size_t)(eol - line), err, sizeof err) : NULL;
    const json_value *ss = json_get(v, "sentences");
    if (ss && ss->type == JSON_ARRAY) {
      if (n == cap) {
        gold_para *ng = realloc(g, (cap *= 2) * sizeof *g);
        if (!ng) break;
        g = ng;
      }
      gold_para *p = &g[n++];
      p->n = ss->count;
      p->sents = malloc((ss->count ? ss->count : 1) * sizeof *p->sents);
      size_t total = 1;
      for (size_t k = 0; k < ss->count; k++) {
        p->sents[k] = collapse(ss->items[k].str, ss->items[k].len);
        total += strlen(p->sents[k]) + 1;
      }
      p->joined = malloc(total);
      size_t o = 0;
      for (size_t k = 0; k < ss->count; k++) {
        if (k) p->joined[o++] = ' ';
        size_t l = strlen(p->sents[k]);
        memcpy(p->joined + o, p->sents[k], l);
        o += l;
      }
      p->joined[o] = '\0';
    }
    json_free(v);
    line = eol + 1;
  }
  free(src);
  *count = n;
  return g;
}

/* Walks the paragraphs and the gold list together: a paragraph belongs to
 * the next gold entry when its collapsed text ends with the gold sentences
 * (the first paragraph of a story also carries a dateline that the gold
 * leaves out); titles, bylines and "###" lines match nothing and are
 * skipped.  A gold sentence counts when the segmenter produced exactly it
 * (for a dateline paragraph, the first sentence less the dateline). */
static void accuracy(const char *text, const ranges *paras, const gold_para *g,
                     size_t ng, const seg_options *opt, int show) {
  size_t gi = 0, matched = 0, total = 0, ours = 0, shown = 0, unpaired = 0;
  ranges sents = {0};
  for (size_t pi = 0; pi < paras->n && gi < ng; pi++) {
    char *pt = collapse(text + paras->v[pi].lo, paras->v[pi].hi - paras->v[pi].lo);
    size_t pl = strlen(pt), jl = strlen(g[gi].joined);
    if (jl > pl || strcmp(pt + pl - jl, g[gi].joined) != 0 ||
        (jl < pl && pt[pl - jl - 1] != ' ')) {
      free(pt);
      continue;
    }
    size_t prefix = pl - jl;
    sents.n = 0;
    segment(opt, text + paras->v[pi].lo, paras->v[pi].hi - paras->v[pi].lo, collect_emit,
            &sents);
    ours += sents.n;
    size_t hit = 0;
    char **mine = malloc((sents.n ? sents.n : 1) * sizeof *mine);
    for (size_t k = 0; k < sents.n; k++) {
      mine[k] = collapse(text + paras->v[pi].lo + sents.v[k].lo, sents.v[k].hi - sents.v[k].lo);
      if (k == 0 && prefix && strlen(mine[k]) >= prefix) memmove(mine[k], mine[k] + prefix, strlen(mine[k] + prefix) + 1);
    }
    for (size_t s = 0; s < g[gi].n; s++)
      for (size_t k = 0; k < sents.n; k++)
        if (strcmp(g[gi].sents[s], mine[k]) == 0) {
          hit++;
          break;
        }
    matched += hit;
    total += g[gi].n;
    if (hit < g[gi].n && shown < (size_t)show) {
      shown++;
      fprintf(stderr, "--- paragraph %zu\n", pi + 1);
      for (size_t s = 0; s < g[gi].n; s++) fprintf(stderr, "  gold: %s\n", g[gi].sents[s]);
      for (size_t k = 0; k < sents.n; k++) fprintf(stderr, "  ours: %s\n", mine[k]);
    }
    for (size_t k = 0; k < sents.n; k++) free(mine[k]);
    free(mine);
    free(pt);
    gi++;
  }
  for (; gi < ng; gi++) {
    total += g[gi].n;
    unpaired++;
  }
  free(sents.v);
  printf("accuracy: %zu/%zu gold sentences reproduced exactly (%.2f%%); "
         "%zu sentences emitted; %zu gold paragraphs not found\n",
         matched, total, total ? 100.0 * (double)matched / (double)total : 0.0, ours, unpaired);
}

int main(int argc, char **argv) {
  const char *path = NULL, *gold = NULL;
  int reps = 3, show = 0, quotes = SEG_QUOTES_SPLIT;
  double min_time = 1.0;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--reps") && i + 1 < argc) reps = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--min-time") && i + 1 < argc) min_time = atof(argv[++i]);
    else if (!strcmp(argv[i], "--gold") && i + 1 < argc) gold = argv[++i];
    else if (!strcmp(argv[i], "--show") && i + 1 < argc) show = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--keep-quotes")) quotes = SEG_QUOTES_KEEP;
    else path = argv[i];
  }
  if (!path || reps < 1) {
    fprintf(stderr, "usage: %s FILE [--reps N] [--min-time S] [--gold GOLD.jsonl] [--show N] [--keep-quotes]\n",
            argv[0]);
    return 2;
  }
  size_t len;
  char *text = json_read_file(path, &len);
  if (!text) {
    fprintf(stderr, "%s: cannot read\n", path);
    return 1;
  }
  ranges paras = {0};
  seg_abbrevs *ab = abbrevs_new();
  seg_options opt = {ab, SEG_LANG_EN, quotes};
  if (!ab || split_paragraphs(text, len, &paras)) {
    fprintf(stderr, "out of memory\n");
    return 1;
  }
  double best = 1e30, spent = 0;
  size_t sentences = 0;
  int runs = 0;
  for (int r = 0; r < reps || spent < min_time; r++) {
    size_t count = 0;
    double t0 = now();
    for (size_t i = 0; i < paras.n; i++)
      segment(&opt, text + paras.v[i].lo, paras.v[i].hi - paras.v[i].lo, count_emit, &count);
    double t = now() - t0;
    if (t < best) best = t;
    spent += t;
    runs++;
    sentences = count;
  }
  printf("%s: %zu bytes, %zu paragraphs, %zu sentences, best of %d runs %.3f s, %.1f MB/s\n",
         path, len, paras.n, sentences, runs, best, (double)len / 1e6 / best);
  if (gold) {
    size_t ng = 0;
    gold_para *g = load_gold(gold, &ng);
    if (!g) {
      fprintf(stderr, "%s: cannot read\n", gold);
      return 1;
    }
    accuracy(text, &paras, g, ng, &opt, show);
    for (size_t i = 0; i < ng; i++) {
      for (size_t k = 0; k < g[i].n; k++) free(g[i].sents[k]);
      free(g[i].sents);
      free(g[i].joined);
    }
    free(g);
  }
  abbrevs_free(ab);
  free(paras.v);
  free(text);
  return 0;
}
