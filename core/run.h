/* run.h -- one script run (run.c), shared by lede_run_* and prepared
 * scripts (script.c).  Internal. */
#ifndef LEDE_RUN_H
#define LEDE_RUN_H

#include <stddef.h>

#include "lede.h"

/* What a run executes: source text, bytecode dumped by script.c, or (text
 * NULL) the file at name. */
typedef struct run_code {
  const char *name; /* chunk name ("@name" for text and bytecode) or path */
  const char *text;
  size_t len;
  int bytecode;
} run_code;

/* Runs code on doc with ro (NULL: defaults); the contract of
 * lede_run_file().  The caller has cleared e's error. */
lede_status run_code_on(lede_engine *e, const run_code *code, lede_doc *doc,
                        const lede_run_options *ro, char **out, size_t *outlen);
/* OWNED (free()) "@name" ("@script" for NULL), or NULL on out-of-memory. */
char *run_chunk_name(const char *name);

#endif
