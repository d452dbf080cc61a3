/* suggest.h -- "did you mean" for misspelled names.  Internal. */
#ifndef LEDE_SUGGEST_H
#define LEDE_SUGGEST_H

#include <stddef.h>

/* The candidate closest to word[0..n) by edit distance (a transposition
 * counts as one edit), or NULL when none is close enough to be a likely
 * typo: at most 1 edit for names of up to 4 bytes, 2 up to 8, 3 beyond.
 * Ties go to the earlier candidate.  cands[0..ncands) may hold NULLs,
 * which are skipped.  BORROWED: one of cands. */
const char *suggest_closest(const char *word, size_t n, const char *const *cands,
                            size_t ncands);

#endif
