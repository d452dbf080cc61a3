/* text.c -- plain text into paragraphs.
 *
 * Two conventions meet here: hard-wrapped paragraphs separated by blank
 * lines (mail, books, RFCs) and one paragraph per line (news feeds and
 * exports).  AUTO looks at the lines that are directly followed by another
 * non-blank line -- the only lines on which the two conventions disagree --
 * and asks whether they look wrapped: long enough to be near the wrap width
 * and ending mid-sentence.  A one-paragraph-per-line article has whole
 * paragraphs there, which end with terminal punctuation. */
#include <stdlib.h>
#include <string.h>

#include "doc.h"

typedef struct line {
  size_t start, end; /* content without the line break */
  size_t next;       /* start of the following line */
} line;

/* One line starting at pos; \n, \r\n and \r all end a line.  A byte
 * loop rather than two memchr calls: with CR-only endings a search for
 * '\n' would run to the end of the file on every line. */
static line next_line(const char *s, size_t len, size_t pos) {
  line l = {pos, pos, pos};
  size_t i = pos;
  while (i < len && s[i] != '\n' && s[i] != '\r') i++;
  l.end = i;
  if (i == len) l.next = len;
  else if (s[i] == '\r' && i + 1 < len && s[i + 1] == '\n') l.next = i + 2;
  else l.next = i + 1;
  return l;
}

static int is_space(char c) {
  return c == ' ' || c == '\t' || c == '\f' || c == '\v' || c == '\r' || c == '\n';
}

/* Trims ASCII white space from both ends of l; blank lines become empty. */
static line trim(const char *s, line l) {
  while (l.start < l.end && is_space(s[l.start])) l.start++;
  while (l.end > l.start && is_space(s[l.end - 1])) l.end--;
  return l;
}

/* Ends a sentence, looking through closing quotes and brackets. */
static int ends_terminal(const char *s, line l) {
  size_t e = l.end;
  while (e > l.start) {
    unsigned char c = (unsigned char)s[e - 1];
    if (c == '"' || c == '\'' || c == ')' || c == ']') { e--; continue; }
    /* ” ’ » are E2 80 9D, E2 80 99, C2 BB */
    if (e - l.start >= 3 && (unsigned char)s[e - 3] == 0xE2 &&
        (unsigned char)s[e - 2] == 0x80 && (c == 0x9D || c == 0x99)) { e -= 3; continue; }
    if (e - l.start >= 2 && (unsigned char)s[e - 2] == 0xC2 && c == 0xBB) { e -= 2; continue; }
    break;
  }
  if (e == l.start) return 0;
  char c = s[e - 1];
  if (c == '.' || c == '!' || c == '?' || c == ':') return 1;
  /* … is E2 80 A6 */
  return e - l.start >= 3 && (unsigned char)s[e - 3] == 0xE2 &&
         (unsigned char)s[e - 2] == 0x80 && (unsigned char)s[e - 1] == 0xA6;
}

static int cmp_size(const void *a, const void *b) {
  size_t x = *(const size_t *)a, y = *(const size_t *)b;
  return (x > y) - (x < y);
}

lede_para_mode text_detect_mode(const char *s, size_t len) {
  /* Only a bounded prefix is examined: the convention of a document does
   * not change halfway, and loading 100 MB must not walk it twice. */
  size_t scan = len < (1u << 20) ? len : (1u << 20);
  /* The wrap width: the 90th percentile of the first lines' lengths, so
   * one long URL line does not set it. */
  size_t lens[256], nlens = 0;
  for (size_t pos = 0; pos < scan && nlens < 256;) {
    line raw = next_line(s, len, pos);
    line l = trim(s, raw);
    if (l.end > l.start) lens[nlens++] = l.end - l.start;
    pos = raw.next;
  }
  qsort(lens, nlens, sizeof lens[0], cmp_size);
  size_t maxlen = nlens ? lens[nlens * 9 / 10] : 0;
  size_t joinable = 0, wrapped = 0;
  line prev = {0, 0, 0};
  int have_prev = 0;
  for (size_t pos = 0; pos < scan;) {
    line raw = next_line(s, len, pos);
    line l = trim(s, raw);
    if (l.end > l.start) {
      if (have_prev) {
        joinable++;
        size_t pl = prev.end - prev.start;
        /* A wrapped line reaches most of the wrap width and breaks
         * mid-sentence; a headline or a byline above text does neither. */
        if (pl * 2 >= maxlen && !ends_terminal(s, prev)) wrapped++;
      }
      prev = l;
      have_prev = 1;
    } else {
      have_prev = 0;
    }
    pos = raw.next;
  }
  if (joinable == 0) return LEDE_PARAS_BLANK;
  return wrapped * 2 >= joinable ? LEDE_PARAS_BLANK : LEDE_PARAS_LINE;
}

static int add_text_para(lede_doc *d, size_t start, size_t end) {
  doc_para p;
  memset(&p, 0, sizeof p);
  p.start = p.tstart = start;
  p.end = p.tend = end;
  p.kind = PK_PARAGRAPH;
  return doc_add_para(d, &p) == (size_t)-1 ? LEDE_ENOMEM : 0;
}

int text_load(lede_doc *d, lede_para_mode mode) {
  const char *s = d->src;
  size_t len = d->len;
  if (mode == LEDE_PARAS_AUTO) mode = text_detect_mode(s, len);
  size_t pstart = 0, pend = 0;
  int open = 0;
  for (size_t pos = 0; pos < len;) {
    line raw = next_line(s, len, pos);
    line l = trim(s, raw);
    if (l.end > l.start) {
      if (open && mode == LEDE_PARAS_LINE) {
        if (add_text_para(d, pstart, pend)) return LEDE_ENOMEM;
        open = 0;
      }
      if (!open) {
        pstart = l.start;
        open = 1;
      }
      pend = l.end;
    } else if (open) {
      if (add_text_para(d, pstart, pend)) return LEDE_ENOMEM;
      open = 0;
    }
    pos = raw.next;
  }
  if (open && add_text_para(d, pstart, pend)) return LEDE_ENOMEM;
  return 0;
}
