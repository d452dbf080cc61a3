/* text.c -- plain text into paragraphs.
 *
 * Two conventions meet here: hard-wrapped paragraphs separated by blank
 * lines (mail, books, RFCs) and one paragraph per line (news feeds and
 * exports).  AUTO looks at the lines that are directly followed by another
 * non-blank line -- the only lines on which the two conventions disagree --
 * and asks whether they look wrapped: long enough to be near the wrap width
 * and ending mid-sentence.  A one-paragraph-per-line article has whole
 * paragraphs there, which end with terminal punctuation.  When AUTO picks
 * blank lines, a short complete line opening a block (a headline above its
 * byline) still ends its paragraph: see deliberate_break(). */
#include <stdlib.h>
#include <string.h>

#include "doc.h"

typedef struct line {
  size_t start, end; /* content without the line break */
  size_t next;       /* start of the following line */
} line;

/* Walks the lines of s in order.  lf caches the first '\n' at or after
 * the current position, so each line costs two memchr calls, which scan
 * many bytes per cycle, instead of a byte loop testing two characters:
 * the end of the line is the first '\r' before lf, or lf.  With CR-only
 * line endings lf is the end of the text, found once, never searched
 * again for every line. */
typedef struct lines {
  const char *s;
  size_t len;
  size_t lf; /* first '\n' at or after the last position asked, or len */
} lines;

static lines lines_of(const char *s, size_t len) {
  const char *p = len ? memchr(s, '\n', len) : NULL;
  lines ls = {s, len, p ? (size_t)(p - s) : len};
  return ls;
}

/* One line starting at pos (positions only ever grow); \n, \r\n and \r
 * all end a line. */
static line next_line(lines *ls, size_t pos) {
  const char *s = ls->s;
  size_t len = ls->len;
  if (ls->lf < pos) {
    const char *p = memchr(s + pos, '\n', len - pos);
    ls->lf = p ? (size_t)(p - s) : len;
  }
  const char *cr = memchr(s + pos, '\r', ls->lf - pos);
  size_t i = cr ? (size_t)(cr - s) : ls->lf;
  line l = {pos, i, i};
  if (i == len) l.next = len;
  else if (s[i] == '\r' && i + 1 < len && s[i + 1] == '\n') l.next = i + 2;
  else l.next = i + 1;
  return l;
}

static int is_space(char c) {
  return c == ' ' || c == '\t' || c == '\f' || c == '\v' || c == '\r' || c == '\n';
}

/* Length of the non-ASCII space character at s[i..end), or 0: NBSP, NEL,
 * U+1680, U+2000..U+200A, U+2028/9, U+202F, U+205F, the ideographic
 * space U+3000 (which indents Japanese paragraphs) and U+FEFF, the byte
 * order mark many Windows files start with.  A line of them is blank. */
static size_t uspace_len(const char *str, size_t i, size_t end) {
  const unsigned char *s = (const unsigned char *)str;
  if (i + 2 <= end && s[i] == 0xC2 && (s[i + 1] == 0xA0 || s[i + 1] == 0x85)) return 2;
  if (i + 3 > end) return 0;
  unsigned char a = s[i], b = s[i + 1], c = s[i + 2];
  if (a == 0xE1 && b == 0x9A && c == 0x80) return 3;
  if (a == 0xE2 && b == 0x80 && (c <= 0x8A || c == 0xA8 || c == 0xA9 || c == 0xAF)) return 3;
  if (a == 0xE2 && b == 0x81 && c == 0x9F) return 3;
  if (a == 0xE3 && b == 0x80 && c == 0x80) return 3;
  if (a == 0xEF && b == 0xBB && c == 0xBF) return 3;
  return 0;
}

/* The same, for the character that ends just before s[end]. */
static size_t uspace_len_before(const char *s, size_t start, size_t end) {
  if (end - start >= 2 && uspace_len(s, end - 2, end) == 2) return 2;
  if (end - start >= 3 && uspace_len(s, end - 3, end) == 3) return 3;
  return 0;
}

/* Trims white space, ASCII and Unicode, from both ends of l; blank lines
 * become empty. */
static line trim(const char *s, line l) {
  for (size_t n;;) {
    if (l.start < l.end && is_space(s[l.start])) l.start++;
    else if ((n = uspace_len(s, l.start, l.end)) != 0) l.start += n;
    else break;
  }
  for (size_t n;;) {
    if (l.end > l.start && is_space(s[l.end - 1])) l.end--;
    else if ((n = uspace_len_before(s, l.start, l.end)) != 0) l.end -= n;
    else break;
  }
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

/* Length of l in code points: a line wrapped at 72 columns holds 72
 * characters, whatever their UTF-8 length. */
static size_t line_chars(const char *s, line l) {
  size_t n = 0;
  for (size_t i = l.start; i < l.end; i++) n += ((unsigned char)s[i] & 0xC0) != 0x80;
  return n;
}

/* Length of the first word of l, in code points. */
static size_t first_word_chars(const char *s, line l) {
  line w = l;
  w.end = w.start;
  while (w.end < l.end && s[w.end] != ' ' && s[w.end] != '\t') w.end++;
  return line_chars(s, w);
}

/* The wrap width: the 90th percentile of the lengths of the first lines
 * that another non-blank line follows.  Only those lines can be wrapped;
 * in a document of unwrapped paragraphs with a few wrapped ones, the long
 * single-line paragraphs must not set the width.  Only a bounded prefix is
 * examined: the convention of a document does not change halfway, and
 * loading 100 MB must not walk it twice. */
/* The first lines wrap_width() walked, trimmed, for text_load() to walk
 * again without finding and trimming them a second time: a news record
 * has a few dozen.  Past the cache, text_load() finds lines itself. */
#define LINE_CACHE 256
typedef struct line_cache {
  line v[LINE_CACHE]; /* start, end: trimmed; next: start of the next line */
  size_t n;
} line_cache;

static size_t wrap_width(const char *s, size_t len, line_cache *lc) {
  size_t scan = len < (1u << 20) ? len : (1u << 20);
  size_t lens[256], nlens = 0;
  line prev = {0, 0, 0};
  int have_prev = 0;
  lines ls = lines_of(s, len);
  for (size_t pos = 0; pos < scan && nlens < 256;) {
    line raw = next_line(&ls, pos);
    line l = trim(s, raw);
    if (lc && lc->n < LINE_CACHE) {
      l.next = raw.next;
      lc->v[lc->n++] = l;
    }
    if (l.end > l.start) {
      if (have_prev) lens[nlens++] = line_chars(s, prev);
      prev = l;
      have_prev = 1;
    } else {
      have_prev = 0;
    }
    pos = raw.next;
  }
  qsort(lens, nlens, sizeof lens[0], cmp_size);
  return nlens ? lens[nlens * 9 / 10] : 0;
}

static lede_para_mode detect(const char *s, size_t len, size_t maxlen) {
  /* No width: wrap_width met no line followed by another, over the same
   * prefix, so no line is joinable (and the scan is not repeated). */
  if (maxlen == 0) return LEDE_PARAS_BLANK;
  size_t scan = len < (1u << 20) ? len : (1u << 20);
  size_t joinable = 0, wrapped = 0;
  line prev = {0, 0, 0};
  int have_prev = 0;
  lines ls = lines_of(s, len);
  for (size_t pos = 0; pos < scan;) {
    line raw = next_line(&ls, pos);
    line l = trim(s, raw);
    if (l.end > l.start) {
      if (have_prev) {
        joinable++;
        size_t pl = line_chars(s, prev);
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

lede_para_mode text_detect_mode(const char *s, size_t len) {
  return detect(s, len, wrap_width(s, len, NULL));
}

/* Non-zero when the last word of l starts with a lower-case ASCII letter:
 * the line stops mid-phrase ("...begins on"). */
static int ends_lower_word(const char *s, line l) {
  size_t i = l.end;
  while (i > l.start && s[i - 1] != ' ' && s[i - 1] != '\t') i--;
  return s[i] >= 'a' && s[i] <= 'z';
}

/* In a blank-line document, a line that opens a block and reads as
 * complete ends its paragraph when the wrapping cannot explain the break:
 * the next line's first word would have fitted, and the line stays well
 * short of the width.  This keeps a headline directly above its byline, or
 * a title above text, apart.  Greedy wrapping never leaves such a line; the
 * rest guards optimal-fit wrappers (fmt), which do: they leave short lines
 * mid-paragraph and before long words, mostly ending in a lower-case word.
 * The width estimate is at most the true width, so it errs towards
 * joining. */
static int deliberate_break(const char *s, line l, line next, size_t width) {
  size_t n = line_chars(s, l);
  return n * 3 < width * 2 && n + 1 + first_word_chars(s, next) <= width &&
         (ends_terminal(s, l) || !ends_lower_word(s, l));
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
  /* Deliberate breaks split paragraphs only when AUTO chose blank lines:
   * an explicit "blank" means exactly what it says. */
  size_t width = 0;
  line_cache lc;
  lc.n = 0;
  if (mode == LEDE_PARAS_AUTO) {
    width = wrap_width(s, len, &lc);
    mode = detect(s, len, width);
    if (mode != LEDE_PARAS_BLANK) width = 0;
  }
  size_t pstart = 0, ci = 0;
  line prev = {0, 0, 0};
  int open = 0;
  lines ls = lines_of(s, len);
  for (size_t pos = 0; pos < len;) {
    /* One unit per line on top of doc_load's per-byte charge: it polls
     * the clock and the host's interrupt while a long text is cut. */
    if (budget_spend(d->budget, COST_ITEM)) return LEDE_ELIMIT;
    line l;
    if (ci < lc.n) {
      l = lc.v[ci++];
    } else {
      line raw = next_line(&ls, pos);
      l = trim(s, raw);
      l.next = raw.next;
    }
    if (l.end > l.start) {
      if (open && (mode == LEDE_PARAS_LINE ||
                   (width && prev.start == pstart &&
                    deliberate_break(s, prev, l, width)))) {
        if (add_text_para(d, pstart, prev.end)) return LEDE_ENOMEM;
        open = 0;
      }
      if (!open) {
        pstart = l.start;
        open = 1;
      }
      prev = l;
    } else if (open) {
      if (add_text_para(d, pstart, prev.end)) return LEDE_ENOMEM;
      open = 0;
    }
    pos = l.next;
  }
  if (open && add_text_para(d, pstart, prev.end)) return LEDE_ENOMEM;
  return 0;
}
