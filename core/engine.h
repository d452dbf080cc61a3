/* engine.h -- the engine handle and the state of one script run.
 * Internal: the public face is lede.h. */
#ifndef LEDE_ENGINE_H
#define LEDE_ENGINE_H

#include <time.h>

#include "abbrev.h"
#include "budget.h"
#include "buf.h"
#include "lede.h"

typedef struct host_fn {
  char *name;
  lede_host_fn fn;    /* string arguments (lede_register), or */
  lede_typed_fn typed; /* typed values (lede_register_typed) */
  void *ud;
} host_fn;

struct lede_engine {
  lede_options opt;       /* string fields point at the copies below */
  char *script_path;
  seg_abbrevs *abbrevs;   /* built-ins plus opt.abbreviations */
  char *err;              /* last error message, NULL when none */
  char *err_msg;          /* err without its traceback, when it has one */
  int err_oom;            /* the last message could not be allocated */
  lede_output_fn out_fn;
  void *out_ud;
  host_fn *hosts;
  size_t nhosts;
  /* lede_interrupt() sets it from any thread or a signal handler; each
   * run clears it when it starts.  An atomic: the one field of an engine
   * another thread may touch. */
  atomic_int interrupt;
  /* The run in progress (lede_run_*), reset at every run. */
  run_budget budget;
  struct lua_State *L;
  /* run.c: the state of the last run that ended well, kept for the next
   * sandboxed run (its environment, not its state, is per run). */
  struct lua_State *pool;
  size_t run_max_memory;  /* the limits in force for this run, for */
  unsigned long run_max_instructions; /* messages and lede_limit_hit() */
  double run_timeout;
  limit_kind last_limit;  /* what stopped the last run, LIMIT_NONE if none */
  unsigned calls;         /* sandbox.c: calls since the last limit check */
  unsigned allocs;        /* sandbox.c: growths since the last time check */
  size_t hit_ceiling;     /* sandbox.c: memory allowed once a limit is hit */
};

/* Replaces the engine's error message (printf-style).  Returns st. */
lede_status engine_error(lede_engine *e, lede_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Clears the last error at the start of a call. */
void engine_clear_error(lede_engine *e);

/* Searches name.lua (or, with is_module, name.lua and lib/name.lua) on the
 * script path; OWNED path or NULL. */
char *engine_find_file(const lede_engine *e, const char *name, int is_module);

#endif
