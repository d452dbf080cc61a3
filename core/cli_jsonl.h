/* cli_jsonl.h -- JSON Lines records for `lede ... --jsonl`: one input
 * line {"id": ..., "text": "...", "format": "markdown", ...} becomes one
 * output line {"id": ..., "output": "..."} or {"id": ..., "error": "...",
 * "status": "script|input|limit"}.  Parsing is libcjson's; the program
 * only, not liblede. */
#ifndef LEDE_CLI_JSONL_H
#define LEDE_CLI_JSONL_H

#include <cJSON.h>
#include <pthread.h>
#include <stddef.h>

#include "lede.h"

/* A parsed record.  Everything in it is OWNED by the record (release with
 * jsonl_free()), except the base arguments copied from the command line,
 * which are BORROWED from the caller's lede_run_options. */
typedef struct jsonl_record {
  cJSON *root;
  const cJSON *id;     /* NULL when the record has none: written as null */
  const char *text;    /* the document, NUL-terminated, inside root */
  size_t len;
  lede_format format;  /* AUTO unless the record says */
  lede_arg *args;      /* the command line's, then the record's own fields */
  size_t nargs;
  char **printed;      /* values printed from numbers, arrays and objects */
  size_t nprinted;
} jsonl_record;

/* Parses line[0..len) (the newline removed; lineno counts from 1 for
 * messages).  A line with invalid UTF-8 or a \u0000 escape is refused
 * (a document holds no NUL, and libcjson would cut the string there)
 * unless replace_invalid is set, as --replace-invalid does for files:
 * \u0000 then becomes U+FFFD and bad bytes are left to the document
 * loader, which replaces them.  line may be modified.  lock serializes cJSON_Parse, which
 * records its last error in a process-wide variable.  Returns 0 with *r
 * filled, or -1 with *err an OWNED (free()) message; r->id is then still
 * set when the line was JSON with an "id", so the error record names it. */
int jsonl_parse(char *line, size_t len, size_t lineno, int replace_invalid,
                const lede_run_options *base, pthread_mutex_t *lock,
                jsonl_record *r, char **err);
void jsonl_free(jsonl_record *r);

/* One output line, newline included: OWNED (free()), *n its length;
 * NULL when out of memory.  out must be valid UTF-8 (jsonl_utf8_prefix). */
char *jsonl_output_line(const cJSON *id, const char *out, size_t outlen, size_t *n);
/* msg is cut before any Lua traceback; status is "script", "input" or
 * "limit". */
char *jsonl_error_line(const cJSON *id, const char *msg, const char *status, size_t *n);

/* The length of the longest prefix of s[0..n) that is valid UTF-8 (no
 * overlong forms, surrogates or code points past U+10FFFF): n when all
 * of it is. */
size_t jsonl_utf8_prefix(const char *s, size_t n);

#endif /* LEDE_CLI_JSONL_H */
