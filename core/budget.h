/* budget.h -- what a script run may spend: memory (Lua heap plus C memory
 * allocated on the script's behalf) and time.  One per run, owned by the
 * engine; documents point at it only while a run uses them.  Internal. */
#ifndef LEDE_BUDGET_H
#define LEDE_BUDGET_H

#include <stddef.h>

typedef struct lede_budget {
  size_t used;  /* bytes currently charged */
  size_t limit; /* 0 = unlimited */
  /* Polled by long C loops (segmentation, rendering): non-zero means the
   * run must stop (time limit).  May be NULL. */
  int (*interrupt)(void *ud);
  void *ud;
  int hit;      /* which limit stopped the run: 0, 'm'emory, 't'ime */
} lede_budget;

/* Charges n bytes; 0 on success, -1 if the limit would be exceeded. */
int budget_charge(lede_budget *b, size_t n);
/* Credits n bytes back (never below zero: memory charged in an earlier
 * run may be released in a later one). */
void budget_credit(lede_budget *b, size_t n);
/* Non-zero when the run must stop now. */
int budget_interrupted(lede_budget *b);

/* malloc/realloc/free that charge b (b may be NULL).  The caller passes
 * sizes, as with Lua's allocator, so no header word is needed. */
void *budget_malloc(lede_budget *b, size_t n);
void *budget_realloc(lede_budget *b, void *p, size_t oldn, size_t newn);
void budget_free(lede_budget *b, void *p, size_t n);

#endif
