/* budget.c -- memory, work and time accounting shared by Lua (sandbox.c's
 * allocator and hook) and the C core (segmentation, rendering, the
 * helpers of the `lede` module). */
#include "budget.h"

#include <limits.h>
#include <stdlib.h>

/* The deadline is absolute, taken once: every poll compares the clock
 * with it, so no per-poll arithmetic can drift. */
void budget_start(run_budget *b, size_t max_memory, unsigned long max_steps,
                  double timeout, atomic_int *interrupt) {
  *b = (run_budget){.limit = max_memory,
                    .steps_left = max_steps,
                    .count_steps = max_steps != 0,
                    .interrupt = interrupt};
  /* Callers reject NaN and negative timeouts; beyond ~31 years a deadline
   * means none, and would overflow the (long) conversions below. */
  if (timeout > 0 && timeout <= 1e9) {
    clock_gettime(CLOCK_MONOTONIC, &b->deadline);
    double whole = (double)(long)timeout;
    b->deadline.tv_sec += (time_t)whole;
    b->deadline.tv_nsec += (long)((timeout - whole) * 1e9);
    if (b->deadline.tv_nsec >= 1000000000L) {
      b->deadline.tv_sec++;
      b->deadline.tv_nsec -= 1000000000L;
    }
    b->has_deadline = 1;
  }
}

/* The first limit wins and is the one reported: a memory failure caused
 * by unwinding after a timeout must not turn the timeout into "memory". */
limit_kind budget_stop(run_budget *b, limit_kind kind) {
  if (!b->hit) {
    b->hit = kind;
    if (b->on_stop) b->on_stop(b->ud);
  }
  return b->hit;
}

/* CLOCK_MONOTONIC: a wall-clock change (NTP, an admin) must neither end a
 * run early nor let it run forever. */
static int time_up(const run_budget *b) {
  if (!b->has_deadline) return 0;
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return now.tv_sec > b->deadline.tv_sec ||
         (now.tv_sec == b->deadline.tv_sec && now.tv_nsec >= b->deadline.tv_nsec);
}

/* The interrupt flag is read relaxed: it only has to be seen eventually,
 * and a store from another thread or a signal handler is all it carries. */
static limit_kind check_now(run_budget *b) {
  b->unpolled = 0;
  if (b->interrupt && atomic_load_explicit(b->interrupt, memory_order_relaxed))
    return budget_stop(b, LIMIT_INTERRUPT);
  if (time_up(b)) return budget_stop(b, LIMIT_TIME);
  return LIMIT_NONE;
}

limit_kind budget_spend(run_budget *b, size_t units) {
  if (!b) return LIMIT_NONE; /* outside runs (require "lede", a host's call) */
  if (b->hit) return b->hit; /* sticky: a caught error must not reset it */
  if (b->count_steps) {
    if (b->steps_left <= units) {
      b->steps_left = 0;
      return budget_stop(b, LIMIT_INSTRUCTIONS);
    }
    b->steps_left -= units;
  }
  /* The flag is read at every call (one relaxed load), the clock only
   * every POLL_UNITS: an interrupt is noticed sooner than a deadline,
   * which costs a system call (or vDSO read) to check. */
  if (b->interrupt && atomic_load_explicit(b->interrupt, memory_order_relaxed))
    return budget_stop(b, LIMIT_INTERRUPT);
  /* Saturating: a huge single charge must not wrap the counter to zero. */
  b->unpolled = units > POLL_UNITS ? POLL_UNITS : b->unpolled + units;
  return b->unpolled >= POLL_UNITS ? check_now(b) : LIMIT_NONE;
}

limit_kind budget_poll(run_budget *b) {
  if (!b) return LIMIT_NONE;
  if (b->hit) return b->hit;
  return check_now(b);
}

int budget_charge(run_budget *b, size_t n) {
  if (!b) return 0;
  /* Written to not overflow: used + n could wrap for a huge n. */
  if (b->limit && (n > b->limit || b->used > b->limit - n)) {
    budget_stop(b, LIMIT_MEMORY);
    return -1;
  }
  b->used += n;
  return 0;
}

void budget_credit(run_budget *b, size_t n) {
  if (!b) return;
  b->used = n > b->used ? 0 : b->used - n;
}

int budget_interrupted(run_budget *b) { return budget_poll(b) != LIMIT_NONE; }

/* Charge first, then allocate: a refused charge costs no malloc, and a
 * failed malloc gives the charge back. */
void *budget_malloc(run_budget *b, size_t n) {
  if (budget_charge(b, n)) return NULL;
  void *p = malloc(n ? n : 1);
  if (!p) budget_credit(b, n);
  return p;
}

/* A failed realloc leaves p as it was, so only the charge is undone. */
void *budget_realloc(run_budget *b, void *p, size_t oldn, size_t newn) {
  if (newn > oldn && budget_charge(b, newn - oldn)) return NULL;
  void *q = realloc(p, newn ? newn : 1);
  if (!q) {
    if (newn > oldn) budget_credit(b, newn - oldn);
    return NULL;
  }
  if (newn < oldn) budget_credit(b, oldn - newn);
  return q;
}

/* NULL-safe like free(), and credits only what was really freed. */
void budget_free(run_budget *b, void *p, size_t n) {
  if (!p) return;
  free(p);
  budget_credit(b, n);
}
