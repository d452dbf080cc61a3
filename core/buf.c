/* buf.c -- growable output buffers for rendering and JSON.
 *
 * Every renderer writes through a dbuf, and a dbuf charges its memory to
 * the budget of the run it works for: a script that renders a 100 MB
 * document holds that memory as surely as a Lua string of that size.
 * Appends do not return errors (a renderer makes thousands of them): the
 * first failure is remembered in b->failed and later appends do nothing,
 * so one check at the end is enough and no output is half-written without
 * the caller knowing. */
#include "buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "lede.h"
#include "swar.h"

void dbuf_init(dbuf *b, run_budget *budget) {
  b->p = NULL;
  b->n = b->cap = 0;
  b->budget = budget;
  b->failed = 0;
  b->drain = NULL;
  b->drain_ud = NULL;
  b->committed = 0;
}

void dbuf_commit(dbuf *b) { b->committed = b->drain != NULL; }

int dbuf_flush(dbuf *b) {
  if (b->failed) return -1;
  if (!b->committed || !b->n) return 0;
  if (b->drain(b->drain_ud, b->p, b->n)) {
    b->failed = LEDE_EIO;
    return -1;
  }
  b->n = 0;
  return 0;
}

int dbuf_reserve(dbuf *b, size_t extra) {
  if (b->failed) return -1;
  /* Sizes near SIZE_MAX would wrap in the doubling below: refuse them as
   * out of memory, which they are. */
  if (extra >= (size_t)-1 / 2 - b->n) {
    b->failed = LEDE_ENOMEM;
    return -1;
  }
  size_t need = b->n + extra + 1; /* + 1: the p[n] NUL callers may rely on */
  if (need <= b->cap) return 0;
  /* Doubling keeps appends amortised O(1); 256 bytes covers most single
   * sentences, the commonest use, without a second growth. */
  size_t cap = b->cap ? b->cap : 256;
  while (cap < need) cap *= 2;
  char *p = budget_realloc(b->budget, b->p, b->cap, cap);
  if (!p) {
    /* The budget says whether this was the script's memory limit (a
     * limit error for the run) or the machine's (out of memory). */
    b->failed = (b->budget && b->budget->hit) ? LEDE_ELIMIT : LEDE_ENOMEM;
    return -1;
  }
  b->p = p;
  b->cap = cap;
  return 0;
}

void dbuf_put(dbuf *b, const char *s, size_t n) {
  if (n == 0) return;
  if (b->committed && b->n + n > DBUF_DRAIN) {
    if (dbuf_flush(b)) return;
    if (n >= DBUF_DRAIN) {
      if (b->drain(b->drain_ud, s, n)) b->failed = LEDE_EIO;
      return;
    }
  }
  if (dbuf_reserve(b, n)) return;
  memcpy(b->p + b->n, s, n);
  b->n += n;
  b->p[b->n] = '\0';
}

void dbuf_puts(dbuf *b, const char *s) { dbuf_put(b, s, strlen(s)); }

void dbuf_putc(dbuf *b, char c) {
  if (b->committed && b->n >= DBUF_DRAIN && dbuf_flush(b)) return;
  if (dbuf_reserve(b, 1)) return;
  b->p[b->n++] = c;
  b->p[b->n] = '\0';
}

/* Escaping loops visit every byte: on a long input they poll the budget
 * every POLL_BYTES, so a time limit or lede_interrupt() stops a huge
 * render part-way (the buffer then fails with LEDE_ELIMIT). */
#define POLL_BYTES ((size_t)1 << 16)

static int poll_stop(dbuf *b) {
  if (!budget_poll(b->budget)) return 0;
  b->failed = LEDE_ELIMIT;
  return 1;
}

/* The one JSON string escaper: `--to json` (render.c) and lede.json
 * (lua_lede.c) both use it, so they agree byte for byte.  Runs of bytes
 * that need no escape are copied in one dbuf_put, not byte by byte. */
void dbuf_put_json(dbuf *b, const char *s, size_t n) {
  static const char hex[] = "0123456789abcdef";
  size_t run = 0; /* start of the pending run of bytes that need no escape */
  size_t poll = POLL_BYTES, bytewise = 0;
  for (size_t i = 0; i < n; i++) {
    if (i >= poll) {
      if (poll_stop(b)) return;
      poll = i + POLL_BYTES;
    }
    /* Words of eight bytes none of which may need an escape are skipped
     * whole (swar.h): most text has few.  A word that may hold one is
     * looked at byte by byte, once (up to bytewise). */
    while (i >= bytewise && n - i >= 8) {
      uint64_t w = swar_load(s + i);
      if (swar_below(w, 0x20) | swar_has(w, '"') | swar_has(w, '\\') | swar_has(w, 0x7F) |
          swar_has(w, 0xE2)) {
        bytewise = i + 8;
        break;
      }
      i += 8;
    }
    if (i >= n) break;
    unsigned char c = (unsigned char)s[i];
    const char *esc = NULL;
    char u[7];
    if (c == '"') esc = "\\\"";
    else if (c == '\\') esc = "\\\\";
    else if (c == '\n') esc = "\\n";
    else if (c == '\r') esc = "\\r";
    else if (c == '\t') esc = "\\t";
    else if (c < 0x20 || c == 0x7F) {
      u[0] = '\\'; u[1] = 'u'; u[2] = '0'; u[3] = '0';
      u[4] = hex[c >> 4]; u[5] = hex[c & 15]; u[6] = '\0';
      esc = u;
    } else if (c == 0xE2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
               ((unsigned char)s[i + 2] == 0xA8 || (unsigned char)s[i + 2] == 0xA9)) {
      /* U+2028/2029 are valid JSON but break JavaScript consumers. */
      esc = (unsigned char)s[i + 2] == 0xA8 ? "\\u2028" : "\\u2029";
      dbuf_put(b, s + run, i - run);
      dbuf_puts(b, esc);
      i += 2;
      run = i + 1;
      continue;
    }
    if (!esc) continue;
    dbuf_put(b, s + run, i - run);
    dbuf_puts(b, esc);
    run = i + 1;
  }
  dbuf_put(b, s + run, n - run);
}

/* Escapes the five characters that matter in text and in quoted
 * attribute values; everything else, UTF-8 included, passes through. */
void dbuf_put_html(dbuf *b, const char *s, size_t n) {
  size_t run = 0;
  for (size_t i = 0; i < n; i++) {
    if ((i & (POLL_BYTES - 1)) == POLL_BYTES - 1 && poll_stop(b)) return;
    const char *esc;
    switch (s[i]) {
    case '&': esc = "&amp;"; break;
    case '<': esc = "&lt;"; break;
    case '>': esc = "&gt;"; break;
    case '"': esc = "&quot;"; break;
    case '\'': esc = "&#39;"; break;
    default: continue;
    }
    dbuf_put(b, s + run, i - run);
    dbuf_puts(b, esc);
    run = i + 1;
  }
  dbuf_put(b, s + run, n - run);
}

/* Most formatted pieces are short (numbers, keys): they are formatted on
 * the stack first, and only a longer one is formatted twice, the second
 * time straight into the buffer. */
void dbuf_printf(dbuf *b, const char *fmt, ...) {
  char small[128];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(small, sizeof small, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  if ((size_t)n < sizeof small) {
    dbuf_put(b, small, (size_t)n);
    return;
  }
  if (dbuf_reserve(b, (size_t)n)) return;
  va_start(ap, fmt);
  vsnprintf(b->p + b->n, (size_t)n + 1, fmt, ap);
  va_end(ap);
  b->n += (size_t)n;
}

/* The caller gets a NUL-terminated string even for empty output (a
 * reserve of 0 allocates), as lede.h promises for every OWNED output. */
char *dbuf_take(dbuf *b, size_t *len) {
  if (b->failed) {
    dbuf_free(b);
    return NULL;
  }
  /* Taking promises the caller a buffer or nothing to free, on every path. */
  if (dbuf_reserve(b, 0)) {
    dbuf_free(b);
    return NULL;
  }
  b->p[b->n] = '\0';
  char *p = b->p;
  if (len) *len = b->n;
  /* The caller frees with plain free(): give the bytes back to the budget. */
  budget_credit(b->budget, b->cap);
  b->p = NULL;
  b->n = b->cap = 0;
  return p;
}

void dbuf_free(dbuf *b) {
  budget_free(b->budget, b->p, b->cap);
  b->p = NULL;
  b->n = b->cap = 0;
}
