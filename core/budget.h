/* budget.h -- what one script run may spend: memory (the Lua heap plus C
 * memory allocated on the script's behalf), work (instructions) and time,
 * and whether the host asked it to stop.  One per run, owned by the
 * engine; documents point at it only while a run uses them.  Internal.
 *
 * Work done in C is charged in instruction units, so a run that spends
 * its time inside lede's C helpers stops like one looping in Lua.  The
 * documented costs (docs/embedding.md, "Limits inside C"):
 *   COST_BYTES  one unit per this many bytes scanned, copied or rendered;
 *   COST_ITEM   one unit per item made (word, sentence, paragraph, table
 *               entry, Lua value pushed).
 * A C helper calls budget_spend() (no Lua) or luactx_charge() (raises in
 * the script) with its cost before or while it works, never only after:
 * a 100 MB input must be refused up front under a 1,000-unit limit, and a
 * long loop must poll so a timeout or lede_interrupt() ends it promptly. */
#ifndef LEDE_BUDGET_H
#define LEDE_BUDGET_H

#include <stdatomic.h>
#include <stddef.h>
#include <time.h>

#define COST_BYTES 16
#define COST_ITEM 1
/* Units for n bytes: at least one, so every call counts. */
#define BYTES_COST(n) ((size_t)(n) / COST_BYTES + 1)
/* Units between two polls of the clock: about a microsecond of work, so a
 * timeout is noticed promptly and clock_gettime() stays off profiles. */
#define POLL_UNITS 1024

/* Which limit stopped a run (kept in lede.h's order, see lede_limit). */
typedef enum limit_kind {
  LIMIT_NONE = 0,
  LIMIT_MEMORY,
  LIMIT_INSTRUCTIONS,
  LIMIT_TIME,
  LIMIT_INTERRUPT /* lede_interrupt(): not a limit, but stops alike */
} limit_kind;

typedef struct run_budget {
  size_t used;        /* bytes currently charged */
  size_t limit;       /* 0 = unlimited */
  unsigned long steps_left; /* instruction units left */
  int count_steps;    /* 0: no instruction limit (steps_left unused) */
  int has_deadline;
  struct timespec deadline; /* CLOCK_MONOTONIC */
  size_t unpolled;    /* units spent since the clock was last read */
  atomic_int *interrupt; /* the engine's lede_interrupt() flag, or NULL */
  limit_kind hit;     /* set once, by budget_stop() */
  /* Called once, when a limit is first hit: the sandbox re-arms its hook
   * so the Lua code after the failing C call stops at once. */
  void (*on_stop)(void *ud);
  void *ud;
} run_budget;

/* Starts a run's budget: memory limit in bytes, instruction units and
 * seconds (0 = unlimited for each), the interrupt flag (may be NULL). */
void budget_start(run_budget *b, size_t max_memory, unsigned long max_steps,
                  double timeout, atomic_int *interrupt);
/* Records that kind stopped the run (the first kind wins) and calls
 * on_stop.  Returns b->hit. */
limit_kind budget_stop(run_budget *b, limit_kind kind);

/* Charges units of work, and every POLL_UNITS units reads the clock; the
 * interrupt flag is read at every call.  Returns LIMIT_NONE, or the limit
 * that stops the run (sticky: every later call returns it too).  b may be
 * NULL (unlimited).  The one function every C loop proportional to its
 * input calls; see the costs above. */
limit_kind budget_spend(run_budget *b, size_t units);
/* budget_spend(b, 0) that always reads the clock: for call sites that
 * poll rarely (the Lua hook, every 1,000 instructions). */
limit_kind budget_poll(run_budget *b);

/* Charges n bytes of memory; 0 on success, -1 (and hit = LIMIT_MEMORY)
 * if the limit would be exceeded. */
int budget_charge(run_budget *b, size_t n);
/* Credits n bytes back (never below zero: memory charged in an earlier
 * run may be released in a later one). */
void budget_credit(run_budget *b, size_t n);
/* Non-zero when the run must stop now (a limit was hit, the deadline
 * passed or the host interrupted).  Cheap enough for every 4,096 items. */
int budget_interrupted(run_budget *b);

/* malloc/realloc/free that charge b (b may be NULL).  The caller passes
 * sizes, as with Lua's allocator, so no header word is needed. */
void *budget_malloc(run_budget *b, size_t n);
void *budget_realloc(run_budget *b, void *p, size_t oldn, size_t newn);
void budget_free(run_budget *b, void *p, size_t n);

#endif
