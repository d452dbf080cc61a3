/* luactx.h -- what the Lua bindings (lua_doc.c, lua_lede.c) need from
 * whoever opened them: a sandboxed run (run.c) or `require "lede"`
 * (luaopen_lede.c); and the one way a binding charges its work.
 * Internal. */
#ifndef LEDE_LUACTX_H
#define LEDE_LUACTX_H

#include <lua.h>

#include "budget.h"
#include "buf.h"
#include "abbrev.h"

/* One per Lua state, reachable from the registry; it must outlive the
 * state. */
typedef struct luactx {
  /* lede.abbreviations.add changes this state's own set and nothing else;
   * NULL until the first add (the built-in list).  Documents copy it when
   * they are loaded (their segmentation options), so an add never
   * changes a document that already exists. */
  seg_abbrevs *abbrevs;
  const seg_abbrevs *base_abbrevs; /* what the first add copies (the
                                      engine's set); NULL: built-in */
  run_budget *budget;    /* charged for C memory and work; may be NULL */
  size_t max_input;      /* lede.load size limit; 0 = none */
  /* lede.write(): NULL when output is not collected (require "lede"). */
  int (*write)(void *ud, const char *s, size_t n);
  void *write_ud;
  int wrote;             /* lede.write was called */
  struct lede_engine *engine; /* host functions; NULL outside runs */
  const struct lede_run_options *run; /* this run's options: lede.redact
                                         checks file names against them */
  dbuf scratch;          /* reused for texts pushed to Lua: owned here, so
                            a Lua error between fill and push leaks nothing */
} luactx;

/* Stores ctx in L's registry (a light userdata: ctx is not collected). */
void luactx_set(lua_State *L, luactx *ctx);
/* The context of L; raises if there is none. */
luactx *luactx_get(lua_State *L);

/* The abbreviations lede.load and lede.sentences use now. */
const seg_abbrevs *luactx_abbrevs(const luactx *ctx);

/* Charges units of work done in C (see budget.h for the costs) to b and
 * raises the limit error in the calling script when a limit is reached;
 * b NULL charges nothing.  Every C helper of the `lede` module and every
 * document method calls it before (or while) doing work proportional to
 * its input:
 *   luactx_charge(L, ctx->budget, BYTES_COST(len));
 * Long loops call it every few thousand items, so a timeout or
 * lede_interrupt() is noticed within a millisecond. */
void luactx_charge(lua_State *L, run_budget *b, size_t units);
/* Reads the clock and the interrupt flag now (luactx_charge() does every
 * POLL_UNITS units) and raises at a limit: between two big steps of one
 * call. */
void luactx_poll(lua_State *L, run_budget *b);
/* Raises "script exceeded ... limit" (or "script interrupted") for kind,
 * prefixed with the position of the Lua function at level (0: the running
 * Lua function, 1: the caller of a C function). */
int luactx_raise_limit(lua_State *L, limit_kind kind, int level);

#endif
