/* cli_files.h -- the inputs of a batch (files named on the command line,
 * directories walked with -r) and its outputs (paths under -O DIR, files
 * written atomically).  Part of the `lede` program only. */
#ifndef LEDE_CLI_FILES_H
#define LEDE_CLI_FILES_H

#include <stdio.h>

#include "cli_batch.h"

/* One input file.  path is what lede opens; rel is the name its output
 * gets under -O (the path below the -r directory, or the path as given
 * when that is relative and stays below the current directory, else the
 * base name).  Both OWNED by the list. */
typedef struct batch_file {
  char *path;
  char *rel;
  long long size; /* bytes, for the progress bar; -1 when unknown */
} batch_file;

typedef struct file_list {
  batch_file *v;
  size_t n, cap;
  long long bytes; /* sum of the known sizes */
} file_list;

/* Expands cfg->inputs into *out in command-line order, each directory's
 * files sorted by name (bytewise, so the order does not depend on the
 * locale).  Returns 0, or an exit status after printing why on stderr
 * (a directory without -r is a usage error; a missing file is not: it
 * fails as its own record, so the rest of the batch still runs). */
int files_collect(const batch_config *cfg, file_list *out);
void files_free(file_list *l);

/* OWNED (free()): DIR/REL with REL's extension replaced by ext (kept when
 * ext is NULL).  NULL when out of memory. */
char *files_output_path(const char *dir, const char *rel, const char *ext);

/* Atomic output: atomic_open() creates a temporary file next to path
 * (after creating path's missing parent directories when mkdirs is set)
 * and sets *tmp (OWNED, free()); atomic_close() closes it and renames it
 * over path when keep is set, otherwise (or when closing fails) removes
 * it.  Both return 0, or -1 with errno set. */
FILE *atomic_open(const char *path, int mkdirs, char **tmp);
int atomic_close(FILE *f, char *tmp, const char *path, int keep);

#endif /* LEDE_CLI_FILES_H */
