/* words.h -- the words of a piece of text (words.c).  Internal to
 * liblede; no Lua, no I/O. */
#ifndef LEDE_WORDS_H
#define LEDE_WORDS_H

#include <stddef.h>

/* Called per word with [start, end) offsets into the scanned text; return
 * non-zero to stop. */
typedef int (*word_emit_fn)(void *ud, size_t start, size_t end);
/* Finds the words of s[0..n): runs of Unicode letters, marks and digits,
 * joined by inner apostrophes and hyphens (don't, co-operate), dots and
 * commas between digits (3.5, 1,000) and dotted groups of one or two
 * letters (U.S., Ph.D., a.m.). */
int words_scan(const char *s, size_t n, word_emit_fn emit, void *ud);

#endif
