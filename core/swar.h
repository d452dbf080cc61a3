/* swar.h -- eight bytes at a time in a uint64_t ("SIMD within a
 * register"): the scans that look for a few rare bytes in long text (JSON
 * escapes, squished spaces) skip the words that hold none.  Internal.
 *
 * The yes/no answers are exact; swar_eq() also says exactly where. */
#ifndef LEDE_SWAR_H
#define LEDE_SWAR_H

#include <stdint.h>
#include <string.h>

#define SWAR_ONES 0x0101010101010101ull
#define SWAR_HIGH 0x8080808080808080ull
#define SWAR_LOW7 0x7F7F7F7F7F7F7F7Full

static inline uint64_t swar_load(const char *s) {
  uint64_t w;
  memcpy(&w, s, 8);
  return w;
}

/* Non-zero when some byte of w is below n (n <= 0x80). */
static inline uint64_t swar_below(uint64_t w, unsigned n) {
  return (w - SWAR_ONES * n) & ~w & SWAR_HIGH;
}

/* Non-zero when some byte of w is c. */
static inline uint64_t swar_has(uint64_t w, unsigned char c) {
  uint64_t x = w ^ (SWAR_ONES * c);
  return (x - SWAR_ONES) & ~x & SWAR_HIGH;
}

/* 0x80 in exactly the bytes of w that are c, 0 elsewhere: no borrow can
 * cross bytes in this form.  Byte k of the text is bits 8k..8k+7 on a
 * little-endian machine. */
static inline uint64_t swar_eq(uint64_t w, unsigned char c) {
  uint64_t x = w ^ (SWAR_ONES * c);
  return ~(((x & SWAR_LOW7) + SWAR_LOW7) | x | SWAR_LOW7);
}

#endif
