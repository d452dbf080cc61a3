/* cli_progress.c -- the progress bar and the summary line.  See
 * cli_progress.h. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli_progress.h"

/* Monotonic: a clock change during a long batch must not make the
 * throughput negative or the ETA jump. */
static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void progress_init(progress *p, progress_mode mode, const char *unit, size_t total,
                   long long total_bytes) {
  memset(p, 0, sizeof *p);
  /* A bar in a log file or a pipe is noise: carriage returns and a line
   * redrawn ten times a second. */
  p->bar = mode == PROGRESS_ON || (mode == PROGRESS_AUTO && isatty(2));
  p->quiet = mode == PROGRESS_QUIET;
  p->unit = unit;
  p->total = total;
  p->total_bytes = total_bytes;
  p->start = now();
  p->drawn = 0; /* the first record done draws at once */
}

size_t progress_failures(const progress *p) {
  size_t n = 0;
  for (int k = FAIL_SCRIPT; k < FAIL_KINDS; k++) n += p->failed[k];
  return n;
}

/* "[=====>    ] 120/400 files  35.2 MB/s  ETA 0:07  2 failed".  The ETA
 * comes from bytes when the total is known in bytes (one huge file must
 * not look nearly done), else from records. */
static void draw(progress *p, double t) {
  double el = t - p->start;
  double frac = -1;
  if (p->total_bytes > 0) frac = (double)p->bytes / (double)p->total_bytes;
  else if (p->total) frac = (double)p->done / (double)p->total;
  if (frac > 1) frac = 1; /* a file that grew since it was listed */
  char line[160];
  int n = 0;
  if (frac >= 0) {
    char bar[21];
    int full = (int)(frac * 20);
    for (int i = 0; i < 20; i++) bar[i] = i < full ? '=' : i == full ? '>' : ' ';
    bar[20] = '\0';
    n += snprintf(line + n, sizeof line - (size_t)n, "[%s] ", bar);
  }
  if (p->total) n += snprintf(line + n, sizeof line - (size_t)n, "%zu/%zu %s", p->done, p->total, p->unit);
  else n += snprintf(line + n, sizeof line - (size_t)n, "%zu %s", p->done, p->unit);
  if (el > 0) n += snprintf(line + n, sizeof line - (size_t)n, "  %.1f MB/s", (double)p->bytes / 1e6 / el);
  if (frac > 0 && frac < 1 && el > 0) {
    long eta = (long)(el / frac - el + 0.5);
    n += snprintf(line + n, sizeof line - (size_t)n, "  ETA %ld:%02ld", eta / 60, eta % 60);
  }
  size_t f = progress_failures(p);
  if (f) n += snprintf(line + n, sizeof line - (size_t)n, "  %zu failed", f);
  /* snprintf returns what it would have written: clamp to what it did. */
  if (n > (int)sizeof line - 1) n = (int)sizeof line - 1;
  /* Pad over the end of a longer previous line instead of relying on a
   * terminal escape, so a plain file given --progress stays readable. */
  fprintf(stderr, "\r%s%*s", line, p->width > n ? p->width - n : 0, "");
  fflush(stderr);
  p->width = n;
  p->drawn = t;
}

void progress_step(progress *p, fail_kind fail, long long bytes) {
  p->done++;
  p->failed[fail]++;
  if (bytes > 0) p->bytes += bytes;
  if (!p->bar) return;
  /* Ten redraws a second at most: a terminal write per record would
   * cost more than a small record does. */
  double t = now();
  if (t - p->drawn >= 0.1) draw(p, t);
}

void progress_finish(progress *p, int jobs) {
  if (p->bar && p->width) fprintf(stderr, "\r%*s\r", p->width, "");
  if (p->quiet) return;
  double el = now() - p->start;
  size_t f = progress_failures(p);
  char kinds[128] = "";
  static const char *const names[FAIL_KINDS] = {"", "script", "input", "limit", "output"};
  for (int k = FAIL_SCRIPT, first = 1; k < FAIL_KINDS; k++) {
    if (!p->failed[k]) continue;
    size_t l = strlen(kinds);
    snprintf(kinds + l, sizeof kinds - l, "%s%zu %s", first ? " (" : ", ", p->failed[k], names[k]);
    first = 0;
  }
  if (f) strncat(kinds, ")", sizeof kinds - strlen(kinds) - 1);
  double d = el > 1e-6 ? el : 1e-6; /* an empty batch takes no time at all */
  fprintf(stderr, "lede: %zu %s, %zu ok, %zu failed%s; %.2f s, %.1f %s/s, %.1f MB/s, %d worker%s\n",
          p->done, p->unit, p->done - f, f, kinds, el, (double)p->done / d, p->unit,
          (double)p->bytes / 1e6 / d, jobs, jobs == 1 ? "" : "s");
}
