/* bench_redact.c -- throughput of every recognizer at once on a file.
 *
 *   bench_redact FILE [--reps N] [--min-time S]
 *
 * Times redact_scan() with all types plus redact_resolve() over the whole
 * file, best of at least N runs and of as many more as fit in S seconds
 * (defaults 3 and 1.0), and prints:
 *   FILE: BYTES bytes, F findings (per type ...), best T s, X MB/s */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "redact.h"

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: bench_redact FILE [--reps N] [--min-time S]\n");
    return 2;
  }
  int reps = 3;
  double min_time = 1.0;
  for (int i = 2; i + 1 < argc; i += 2) {
    if (strcmp(argv[i], "--reps") == 0) reps = atoi(argv[i + 1]);
    else if (strcmp(argv[i], "--min-time") == 0) min_time = atof(argv[i + 1]);
  }
  FILE *f = fopen(argv[1], "rb");
  if (!f) {
    perror(argv[1]);
    return 1;
  }
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *buf = malloc((size_t)size + 1);
  if (!buf || fread(buf, 1, (size_t)size, f) != (size_t)size) {
    fprintf(stderr, "%s: read error\n", argv[1]);
    return 1;
  }
  fclose(f);
  double best = 1e30, spent = 0;
  size_t counts[RX_NTYPES] = {0}, total = 0;
  for (int r = 0; r < reps || spent < min_time; r++) {
    rx_list l = {0};
    double t0 = now();
    if (redact_scan(buf, (size_t)size, RX_ALL, &l) || redact_resolve(&l)) {
      fprintf(stderr, "out of memory\n");
      return 1;
    }
    double t = now() - t0;
    spent += t;
    if (t < best) best = t;
    memset(counts, 0, sizeof counts);
    for (size_t k = 0; k < l.n; k++) counts[l.v[k].type]++;
    total = l.n;
    rx_list_free(&l);
    if (r > 100) break;
  }
  printf("%s: %ld bytes, %zu findings (", argv[1], size, total);
  for (int t = 1; t < RX_NTYPES; t++)
    printf("%s%s %zu", t > 1 ? ", " : "", redact_type_name(t), counts[t]);
  printf("), best %.3f s, %.1f MB/s\n", best, (double)size / 1e6 / best);
  free(buf);
  return 0;
}
