/* buf.h -- a growable byte buffer whose memory counts against a budget.
 * Internal.  Appends never fail loudly: they set b->failed and later
 * appends are ignored, so callers check once at the end. */
#ifndef LEDE_BUF_H
#define LEDE_BUF_H

#include <stddef.h>
#include <string.h>

#include "budget.h"

typedef struct dbuf {
  char *p;          /* NUL-terminated when n > 0 or after dbuf_finish() */
  size_t n, cap;
  run_budget *budget; /* may be NULL: unlimited */
  int failed;       /* LEDE_ENOMEM, LEDE_ELIMIT or LEDE_EIO after a failed append */
  /* Where a committed buffer drains (see dbuf_commit); non-zero from it
   * stops the output with LEDE_EIO. */
  int (*drain)(void *ud, const char *s, size_t n);
  void *drain_ud;
  int committed;
} dbuf;

void dbuf_init(dbuf *b, run_budget *budget);
/* A producer that can no longer fail calls this before it writes the bulk
 * of its output: from here on, if b has a drain, the buffer is handed to
 * it whenever it holds DBUF_DRAIN bytes (and long appends go straight
 * through), so a 100 MB render is never held whole.  Before the commit
 * everything stays in the buffer, so a render that fails part-way writes
 * nothing. */
#define DBUF_DRAIN ((size_t)64 << 10)
void dbuf_commit(dbuf *b);
/* Hands what the buffer holds to its drain (if committed); 0 or -1. */
int dbuf_flush(dbuf *b);
/* Ensures room for extra more bytes (plus a NUL); 0 or -1. */
int dbuf_reserve(dbuf *b, size_t extra);
void dbuf_put(dbuf *b, const char *s, size_t n);
void dbuf_puts(dbuf *b, const char *s);
void dbuf_putc(dbuf *b, char c);
/* Appends s with JSON string escaping (no surrounding quotes). */
void dbuf_put_json(dbuf *b, const char *s, size_t n);
/* Appends s with HTML escaping of & < > " ' */
void dbuf_put_html(dbuf *b, const char *s, size_t n);
void dbuf_printf(dbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Hands the memory to the caller (OWNED, plain free()) and resets b; the
 * budget is credited.  Returns NULL if an append had failed. */
char *dbuf_take(dbuf *b, size_t *len);
void dbuf_free(dbuf *b);

#endif
