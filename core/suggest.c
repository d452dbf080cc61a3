/* suggest.c -- the closest name to a misspelling, for error messages that
 * say what the script probably meant. */
#include "suggest.h"

#include <string.h>

/* Names longer than this are never typos of a lede name: the distance
 * table stays on the stack. */
#define MAXLEN 48

/* Optimal string alignment distance (Levenshtein plus adjacent
 * transpositions: "sentnece" is one slip from "sentence", not two). */
static size_t distance(const char *a, size_t n, const char *b, size_t m) {
  size_t d[MAXLEN + 1][MAXLEN + 1];
  for (size_t i = 0; i <= n; i++) d[i][0] = i;
  for (size_t j = 0; j <= m; j++) d[0][j] = j;
  for (size_t i = 1; i <= n; i++)
    for (size_t j = 1; j <= m; j++) {
      size_t cost = a[i - 1] != b[j - 1];
      size_t best = d[i - 1][j] + 1;
      if (d[i][j - 1] + 1 < best) best = d[i][j - 1] + 1;
      if (d[i - 1][j - 1] + cost < best) best = d[i - 1][j - 1] + cost;
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
          d[i - 2][j - 2] + 1 < best)
        best = d[i - 2][j - 2] + 1;
      d[i][j] = best;
    }
  return d[n][m];
}

const char *suggest_closest(const char *word, size_t n, const char *const *cands,
                            size_t ncands) {
  if (n == 0 || n > MAXLEN) return NULL;
  size_t limit = n <= 4 ? 1 : n <= 8 ? 2 : 3;
  const char *best = NULL;
  size_t best_d = limit + 1;
  for (size_t i = 0; i < ncands; i++) {
    if (!cands[i]) continue;
    size_t m = strlen(cands[i]);
    if (m > MAXLEN || (m > n ? m - n : n - m) >= best_d) continue;
    size_t dd = distance(word, n, cands[i], m);
    if (dd < best_d) {
      best_d = dd;
      best = cands[i];
    }
  }
  return best;
}
