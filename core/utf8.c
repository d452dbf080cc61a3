/* utf8.c -- strict UTF-8 validation (RFC 3629) with an ASCII fast path. */
#include "utf8.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t utf8_seqlen(const unsigned char *s, size_t n) {
  unsigned char c = s[0];
  if (c < 0x80) return 1;
  if (c < 0xC2 || c > 0xF4) return 0; /* continuation, overlong 2-byte, > U+10FFFF */
  size_t len = c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
  if (n < len) return 0;
  /* The second byte's range depends on the lead: this rejects overlongs,
   * surrogates and code points past U+10FFFF without decoding. */
  unsigned char lo = 0x80, hi = 0xBF;
  if (c == 0xE0) lo = 0xA0;
  else if (c == 0xED) hi = 0x9F;
  else if (c == 0xF0) lo = 0x90;
  else if (c == 0xF4) hi = 0x8F;
  if (s[1] < lo || s[1] > hi) return 0;
  for (size_t i = 2; i < len; i++)
    if ((s[i] & 0xC0) != 0x80) return 0;
  return len;
}

long utf8_decode(const unsigned char *s, size_t n, size_t *len) {
  size_t l = utf8_seqlen(s, n);
  if (l == 0) { *len = 1; return 0xFFFD; }
  *len = l;
  if (l == 1) return s[0];
  long cp = s[0] & (0x7F >> l);
  for (size_t i = 1; i < l; i++) cp = (cp << 6) | (s[i] & 0x3F);
  return cp;
}

/* Eight bytes at a time: plain ASCII text without NULs is the common case
 * and needs no per-byte branching.  The NUL test is the classic
 * "has zero byte" bit trick. */
static int ascii_block_ok(const unsigned char *p) {
  uint64_t w;
  memcpy(&w, p, 8);
  const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
  return ((w | ((w - ones) & ~w)) & highs) == 0;
}

size_t utf8_check(const char *str, size_t n, int *is_nul) {
  const unsigned char *s = (const unsigned char *)str;
  size_t i = 0;
  *is_nul = 0;
  while (i < n) {
    if (i + 8 <= n) {
      if (ascii_block_ok(s + i)) { i += 8; continue; }
      /* The word holds a NUL or a non-ASCII byte: pass the plain ASCII
       * bytes before it here, not by testing the word again at each. */
      while (s[i] != 0 && s[i] < 0x80) i++;
    }
    if (s[i] == 0) { *is_nul = 1; return i; }
    size_t l = utf8_seqlen(s + i, n - i);
    if (l == 0) return i;
    i += l;
  }
  return UTF8_OK;
}

/* Bytes one U+FFFD stands for at an invalid position: the maximal subpart
 * of a well-formed sequence (Unicode 15, section 3.9, as Python and the
 * WHATWG decoder do), so a truncated "\xE2\x82" is one replacement, not
 * two, and a stray byte is one. */
static size_t bad_len(const unsigned char *s, size_t n) {
  unsigned char c = s[0];
  if (c < 0xC2 || c > 0xF4) return 1;
  size_t want = c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4, m = 1;
  unsigned char lo = 0x80, hi = 0xBF;
  if (c == 0xE0) lo = 0xA0;
  else if (c == 0xED) hi = 0x9F;
  else if (c == 0xF0) lo = 0x90;
  else if (c == 0xF4) hi = 0x8F;
  if (m < n && s[m] >= lo && s[m] <= hi)
    for (m++; m < want && m < n && (s[m] & 0xC0) == 0x80;) m++;
  return m;
}

char *utf8_repair(const char *str, size_t n, size_t *outlen) {
  const unsigned char *s = (const unsigned char *)str;
  /* Two passes, so a 100 MB file with one bad byte does not reserve
   * 300 MB: the first sizes the output. */
  size_t need = 0;
  for (size_t i = 0, l; i < n; i += l) {
    l = s[i] ? utf8_seqlen(s + i, n - i) : 0;
    if (l) {
      need += l;
    } else {
      l = s[i] ? bad_len(s + i, n - i) : 1;
      need += 3;
    }
  }
  char *out = malloc(need + 1), *o = out;
  if (!out) return NULL;
  for (size_t i = 0, l; i < n; i += l) {
    l = s[i] ? utf8_seqlen(s + i, n - i) : 0;
    if (l) {
      memcpy(o, s + i, l);
      o += l;
    } else {
      l = s[i] ? bad_len(s + i, n - i) : 1;
      memcpy(o, "\xEF\xBF\xBD", 3);
      o += 3;
    }
  }
  *o = '\0';
  *outlen = need;
  return out;
}

void utf8_describe(const char *s, size_t bad, int is_nul, char *buf, size_t cap) {
  size_t line = 1, col = 1;
  for (size_t i = 0; i < bad; i++) {
    if (s[i] == '\n' || (s[i] == '\r' && s[i + 1] != '\n')) {
      line++;
      col = 1;
    } else if (s[i] != '\r' && ((unsigned char)s[i] & 0xC0) != 0x80) {
      col++;
    }
  }
  snprintf(buf, cap, "%zu:%zu: %s at byte offset %zu (0x%02X)", line, col,
           is_nul ? "NUL byte" : "invalid UTF-8", bad, (unsigned char)s[bad]);
}
