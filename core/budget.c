/* budget.c -- memory and time accounting shared by Lua and the C core. */
#include "budget.h"

#include <stdlib.h>

int budget_charge(lede_budget *b, size_t n) {
  if (!b) return 0;
  if (b->limit && (n > b->limit || b->used > b->limit - n)) {
    b->hit = 'm';
    return -1;
  }
  b->used += n;
  return 0;
}

void budget_credit(lede_budget *b, size_t n) {
  if (!b) return;
  b->used = n > b->used ? 0 : b->used - n;
}

int budget_interrupted(lede_budget *b) {
  if (!b) return 0;
  if (b->hit) return 1;
  if (b->interrupt && b->interrupt(b->ud)) {
    b->hit = 't';
    return 1;
  }
  return 0;
}

void *budget_malloc(lede_budget *b, size_t n) {
  if (budget_charge(b, n)) return NULL;
  void *p = malloc(n ? n : 1);
  if (!p) budget_credit(b, n);
  return p;
}

void *budget_realloc(lede_budget *b, void *p, size_t oldn, size_t newn) {
  if (newn > oldn && budget_charge(b, newn - oldn)) return NULL;
  void *q = realloc(p, newn ? newn : 1);
  if (!q) {
    if (newn > oldn) budget_credit(b, newn - oldn);
    return NULL;
  }
  if (newn < oldn) budget_credit(b, oldn - newn);
  return q;
}

void budget_free(lede_budget *b, void *p, size_t n) {
  if (!p) return;
  free(p);
  budget_credit(b, n);
}
