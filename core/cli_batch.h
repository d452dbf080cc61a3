/* cli_batch.h -- the `lede` command's batch mode: one script over many
 * files (FILE..., -r DIR, -O DIR) or over a JSON Lines stream (--jsonl),
 * on N worker threads, results in input order.  Part of the program, not
 * of liblede: it uses only the public lede.h, one engine per worker, as
 * any multi-threaded host would. */
#ifndef LEDE_CLI_BATCH_H
#define LEDE_CLI_BATCH_H

#include <stddef.h>

#include "lede.h"

/* Exit statuses shared by the whole program (documented in lede(1)). */
enum { EXIT_SCRIPT = 1, EXIT_USAGE = 2, EXIT_LIMIT = 3 };

/* Progress bar: drawn on stderr when it is a terminal (AUTO), always
 * (--progress) or never (--quiet, which also drops the summary line). */
typedef enum { PROGRESS_AUTO = 0, PROGRESS_ON, PROGRESS_QUIET } progress_mode;

/* Everything the command line decided.  Strings are BORROWED from argv
 * (or from the caller's arena) for the duration of batch_main(). */
typedef struct batch_config {
  const char *script;         /* path of the script every record runs */
  const char *const *inputs;  /* files, directories (with -r), or "-" */
  size_t ninputs;
  int recursive;              /* -r: walk the directories among inputs */
  const char *const *include; /* --include globs; none = the defaults */
  size_t ninclude;
  const char *outdir;         /* -O DIR, or NULL: outputs to stdout/-o */
  const char *output;         /* -o FILE: the ordered outputs, atomically */
  const char *ext;            /* -O: extension of outputs (no dot); NULL
                                 keeps each input's own extension */
  int jobs;                   /* workers, >= 1 */
  int jsonl;                  /* records are JSON Lines on stdin */
  int fail_fast;              /* stop at the first failed record */
  progress_mode progress;
  lede_options opt;           /* limits apply to each record's run */
  lede_load_options load;     /* format AUTO: from extension / record */
  lede_run_options run;       /* the command line's args (-D, options) */
} batch_config;

/* Runs the batch and returns the exit status: 0 when every record
 * succeeded, EXIT_SCRIPT when one failed on a script error, bad input or
 * an output that could not be written (or on a fatal error), EXIT_LIMIT
 * when the only failures were resource limits. */
int batch_main(const batch_config *cfg);

/* The number of online processors, at least 1: the default for -j. */
int batch_default_jobs(void);

#endif /* LEDE_CLI_BATCH_H */
