/* words.c -- words inside a sentence: runs of letters, marks and digits and
 * the few joiners that keep one word whole (don't, co-operate, 3.5, 1,000,
 * U.S., Ph.D.).  ASCII is classified by table; other code points by
 * utf8proc. */
#include <utf8proc.h>

#include "utf8.h"
#include "words.h"

enum { C_OTHER = 0, C_LETTER = 1, C_DIGIT = 2, C_MARK = 3 };

static int classify(long cp) {
  if (cp < 0x80) {
    if ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z') return C_LETTER;
    if (cp >= '0' && cp <= '9') return C_DIGIT;
    return C_OTHER;
  }
  switch (utf8proc_category((utf8proc_int32_t)cp)) {
  case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL:
  case UTF8PROC_CATEGORY_LT: case UTF8PROC_CATEGORY_LM:
  case UTF8PROC_CATEGORY_LO:
    return C_LETTER;
  case UTF8PROC_CATEGORY_ND: case UTF8PROC_CATEGORY_NL:
  case UTF8PROC_CATEGORY_NO:
    return C_DIGIT;
  case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_MC:
  case UTF8PROC_CATEGORY_ME:
    return C_MARK;
  default:
    return C_OTHER;
  }
}

/* Class of the code point at s[i], with its length in *len; C_OTHER past n. */
static int class_at(const char *s, size_t n, size_t i, size_t *len) {
  if (i >= n) {
    *len = 0;
    return C_OTHER;
  }
  unsigned char c = (unsigned char)s[i];
  if (c < 0x80) {
    *len = 1;
    return classify(c);
  }
  return classify(utf8_decode((const unsigned char *)s + i, n - i, len));
}

static int is_apostrophe(const char *s, size_t n, size_t i, size_t *len) {
  if (s[i] == '\'') { *len = 1; return 1; }
  /* ’ U+2019 */
  if (i + 2 < n && (unsigned char)s[i] == 0xE2 && (unsigned char)s[i + 1] == 0x80 &&
      (unsigned char)s[i + 2] == 0x99) { *len = 3; return 1; }
  return 0;
}

static int is_hyphen(const char *s, size_t n, size_t i, size_t *len) {
  if (s[i] == '-') { *len = 1; return 1; }
  /* ‐ U+2010 and the non-breaking ‑ U+2011 */
  if (i + 2 < n && (unsigned char)s[i] == 0xE2 && (unsigned char)s[i + 1] == 0x80 &&
      ((unsigned char)s[i + 2] == 0x90 || (unsigned char)s[i + 2] == 0x91)) {
    *len = 3;
    return 1;
  }
  return 0;
}

int words_scan(const char *s, size_t n, word_emit_fn emit, void *ud) {
  size_t i = 0, l;
  while (i < n) {
    int cls = class_at(s, n, i, &l);
    if (cls == C_OTHER || cls == C_MARK) {
      i += l;
      continue;
    }
    size_t start = i;
    int prev = cls;
    size_t seg = 0;   /* letters in the current dot-separated segment */
    int initials = 1; /* every segment so far is one or two letters (U.S.,
                         Ph.D.) */
    int dotted = 0;
    for (;;) {
      /* Consume the run of word characters. */
      while (i < n && (cls = class_at(s, n, i, &l)) != C_OTHER) {
        if (cls != C_MARK) prev = cls;
        if (cls == C_LETTER) seg++;
        else if (cls == C_DIGIT) initials = 0;
        i += l;
      }
      if (seg == 0 || seg > 2) initials = 0;
      if (i >= n) break;
      size_t jl, nl;
      int next = C_OTHER;
      int apos = is_apostrophe(s, n, i, &jl);
      if (apos || is_hyphen(s, n, i, &jl)) {
        next = class_at(s, n, i + jl, &nl);
        /* don't and O'Neill join letters; co-operate and COVID-19 join
         * letters and digits. */
        if (apos ? (prev == C_LETTER && next == C_LETTER)
                 : (next == C_LETTER || next == C_DIGIT)) {
          i += jl;
          seg = 0;
          initials = 0;
          continue;
        }
        break;
      }
      if (s[i] == '.' || s[i] == ',') {
        next = class_at(s, n, i + 1, &nl);
        if (prev == C_DIGIT && next == C_DIGIT) {
          i += 1;
          continue;
        }
        if (s[i] == '.' && initials && next == C_LETTER) {
          /* U.S., Ph.D., a.m.: short letter groups, each closed by a dot;
           * the next group must be one or two letters and a dot too. */
          size_t after = i + 1 + nl, l2;
          if (after < n && class_at(s, n, after, &l2) == C_LETTER) after += l2;
          if (after < n && s[after] == '.') {
            i += 1;
            seg = 0;
            dotted = 1;
            continue;
          }
        }
        if (s[i] == '.' && dotted && initials) i += 1; /* the final dot of U.S. */
      }
      break;
    }
    int st = emit(ud, start, i);
    if (st) return st;
  }
  return 0;
}
