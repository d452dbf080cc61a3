/* cli_progress.h -- what a batch tells the person running it: a progress
 * bar on stderr while it runs, and one summary line at the end.  The
 * program only. */
#ifndef LEDE_CLI_PROGRESS_H
#define LEDE_CLI_PROGRESS_H

#include <stddef.h>

#include "cli_batch.h"

/* Why a record failed; the summary counts each. */
typedef enum { FAIL_NONE = 0, FAIL_SCRIPT, FAIL_INPUT, FAIL_LIMIT, FAIL_OUTPUT, FAIL_KINDS } fail_kind;

typedef struct progress {
  int bar;               /* draw the bar */
  int quiet;             /* no summary line either */
  const char *unit;      /* "files" or "records" */
  size_t total;          /* records to do, 0 when unknown (a stream) */
  long long total_bytes; /* input bytes, -1 when unknown */
  size_t done;
  size_t failed[FAIL_KINDS];
  long long bytes;       /* input bytes of the records done */
  double start, drawn;   /* monotonic seconds */
  int width;             /* of the last bar drawn, to clear it */
} progress;

/* mode decides the bar (AUTO: only when stderr is a terminal). */
void progress_init(progress *p, progress_mode mode, const char *unit, size_t total,
                   long long total_bytes);
/* One record done (fail FAIL_NONE when it succeeded), bytes its input
 * size; redraws the bar at most ten times a second. */
void progress_step(progress *p, fail_kind fail, long long bytes);
/* Clears the bar and prints the summary line (unless quiet):
 *   lede: 3 files, 2 ok, 1 failed (1 script); 0.04 s, 75.0 files/s, 1.2 MB/s, 2 workers */
void progress_finish(progress *p, int jobs);
/* Whether any record failed, and on which kinds. */
size_t progress_failures(const progress *p);

#endif /* LEDE_CLI_PROGRESS_H */
