/* session.h -- an interactive Lua session on a document, for `lede repl`:
 * one Lua state that lives across inputs, with the sandbox (or the full
 * library when the engine is not sandboxed) and the engine's limits
 * applied to each input.  Internal. */
#ifndef LEDE_SESSION_H
#define LEDE_SESSION_H

#include <stddef.h>

#include "lede.h"

typedef struct session session;

/* What session_eval() made of an input. */
typedef enum {
  SESSION_DONE = 0,       /* ran; its values were written to the output */
  SESSION_INCOMPLETE = 1, /* not a whole statement yet: read another line */
  SESSION_ERROR = 2       /* a compile or run-time error: lede_errmsg(e) */
} session_result;

/* Starts a session on e.  doc becomes the global `doc` (NULL: an empty
 * document); the session owns it from now on, also on failure.  Results
 * and print() go to e's output callback (lede_set_output), which must be
 * set.  While the session lives, e runs nothing else.  On LEDE_OK *out is
 * OWNED: session_free(). */
lede_status session_new(lede_engine *e, lede_doc *doc, session **out);
/* Closes the Lua state and frees the document (NULL-safe). */
void session_free(session *s);

/* Stops the input being run with "interrupted" at its next limit check.
 * Async-signal-safe (one atomic store): for a SIGINT handler. */
void session_interrupt(session *s);
/* Forgets an interrupt.  The caller clears it before reading an input,
 * not the session before running one: a Ctrl-C typed between the two must
 * still stop what runs. */
void session_clear_interrupt(session *s);

/* Runs one input: as an expression first ("1 + 1" shows 2, no `return`
 * needed), else as statements.  Globals persist between inputs; locals do
 * not, as in lua.c.  Each input gets the engine's instruction and time
 * limits afresh; memory counts the session's whole heap. */
session_result session_eval(session *s, const char *code, size_t len);

/* Replaces `doc` with d (owned by the session from now on, also on
 * failure); handles to the old document's items stop working. */
lede_status session_set_doc(session *s, lede_doc *d);

/* Writes doc:render(fmt) to the output ("text", "markdown", "html",
 * "json"); LEDE_ESCRIPT with a message for a bad format. */
lede_status session_render(session *s, const char *fmt);

#endif
