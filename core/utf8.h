/* utf8.h -- validation and repair of UTF-8 input.  Internal. */
#ifndef LEDE_UTF8_H
#define LEDE_UTF8_H

#include <stddef.h>

#define UTF8_OK ((size_t)-1)

/* Returns the offset of the first byte that is not part of a valid UTF-8
 * sequence (overlongs, surrogates and code points past U+10FFFF are
 * invalid) or of the first NUL byte, else UTF8_OK.  *is_nul tells which. */
size_t utf8_check(const char *s, size_t n, int *is_nul);

/* A copy of s with every NUL and every maximal invalid subsequence (a
 * truncated sequence counts once, as in Python and WHATWG decoders)
 * replaced by U+FFFD.  OWNED (free()); NULL on out-of-memory. */
char *utf8_repair(const char *s, size_t n, size_t *outlen);

/* Describes the error utf8_check() found at byte bad of s (bad < len) as
 * "LINE:COL: invalid UTF-8 at byte offset BAD (0xXX)" (or "NUL byte ...")
 * in buf, truncated to cap.  LINE and COL are 1-based, COL counts code
 * points, and \n, \r\n and \r each end a line, as for paragraphs. */
void utf8_describe(const char *s, size_t bad, int is_nul, char *buf, size_t cap);

/* Length of the valid sequence starting at s[0] (1..4), or 0 if invalid. */
size_t utf8_seqlen(const unsigned char *s, size_t n);

/* Decodes the code point at s (n > 0, valid UTF-8); *len gets its length. */
long utf8_decode(const unsigned char *s, size_t n, size_t *len);

#endif
