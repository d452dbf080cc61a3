/* segment.c -- sentence segmentation of one paragraph.
 *
 * A byte scanner: the hot loop skips (sixteen bytes at a time with SSE2) to
 * the few bytes that can matter (. ! ? ) newline, and the lead bytes of the
 * UTF-8 ellipsis, bullets and CJK stops), and each of those is judged from
 * a bounded window around it.  The window never reaches back past the start
 * of the current sentence nor more than TOK_MAX bytes, and every forward
 * look is followed by resuming the scan past what it read, so the cost is
 * linear whatever the input (1 MB of "?!" is one cluster, read once).
 *
 * The rules and the reasons for them are in docs/segmentation.md; the
 * comments here say which golden rule a non-obvious branch serves. */
#include "segment.h"

#include <string.h>
#include <utf8proc.h>
#if defined(__SSE2__) && defined(__GNUC__)
#include <emmintrin.h>
#endif

enum {
  TOK_MAX = 64,        /* longest token looked up as an abbreviation */
  WORD_MAX = 24,       /* longest next word compared with the word lists */
  LIST_LINE_MAX = 40   /* lines of an unpunctuated list are this short */
};

/* Bytes the scanner stops at.  0xE2, 0xE3 and 0xEF lead the three-byte
 * sequences of the ellipsis, bullets, curly quotes and CJK stops; every
 * other byte, including the rest of UTF-8, is skipped without a look. */
static const unsigned char candidate[256] = {
  ['.'] = 1, ['!'] = 1, ['?'] = 1, [')'] = 1, ['\n'] = 1, ['\r'] = 1,
  [0xE2] = 1, [0xE3] = 1, [0xEF] = 1,
};

/* The first candidate byte at or after i, or n.  With SSE2 (every x86-64)
 * sixteen bytes are tested at once: this loop is most of the time spent on
 * ordinary prose, where a candidate comes every 20 bytes or so. */
static size_t next_candidate(const unsigned char *s, size_t i, size_t n) {
#if defined(__SSE2__) && defined(__GNUC__)
  const __m128i dot = _mm_set1_epi8('.'), bang = _mm_set1_epi8('!'),
                quest = _mm_set1_epi8('?'), paren = _mm_set1_epi8(')'),
                lf = _mm_set1_epi8('\n'), cr = _mm_set1_epi8('\r'),
                e2 = _mm_set1_epi8((char)0xE2), e3 = _mm_set1_epi8((char)0xE3),
                ef = _mm_set1_epi8((char)0xEF);
  for (; i + 16 <= n; i += 16) {
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
    __m128i m = _mm_or_si128(
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, dot), _mm_cmpeq_epi8(v, bang)),
                     _mm_or_si128(_mm_cmpeq_epi8(v, quest), _mm_cmpeq_epi8(v, paren))),
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, lf), _mm_cmpeq_epi8(v, cr)),
                     _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, e2), _mm_cmpeq_epi8(v, e3)),
                                  _mm_cmpeq_epi8(v, ef))));
    unsigned mask = (unsigned)_mm_movemask_epi8(m);
    if (mask) return i + (size_t)__builtin_ctz(mask);
  }
#endif
  while (i < n && !candidate[s[i]]) i++;
  return i;
}

/* Kinds of terminal characters in a cluster such as "?!" or ". . .". */
enum { T_DOT = 1, T_ELLIPSIS, T_EXCLAIM, T_CJK };

/* What follows a terminal cluster, after closers, white space and openers. */
enum { C_END, C_LOWER, C_UPPER, C_DIGIT, C_PUNCT };

/* The class of the token before a single full stop. */
enum { K_PLAIN = 16, K_AMPM };

typedef struct {
  const unsigned char *s;
  size_t n;
  const seg_abbrevs *ab;
  seg_emit_fn emit;
  void *ud;
  int rc;               /* emit's non-zero answer: stop */
  size_t sent;          /* first byte of the current sentence, never space */
  int list_kind;        /* 0, or the label kind of an open list (1 digits,
                           2 lower-case letter) */
  unsigned list_next;   /* the label the next list item would carry */
  size_t link_lo, link_hi;  /* the last token checked for '@', "://"... */
  int link;
} seg;

/* ---- characters ---------------------------------------------------- */

static int is_lower(unsigned char c) { return c >= 'a' && c <= 'z'; }
static int is_upper(unsigned char c) { return c >= 'A' && c <= 'Z'; }
static int is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
static int is_alpha(unsigned char c) { return is_lower(c) || is_upper(c); }

/* Length of the Unicode white space character at i, or 0.  Besides ASCII:
 * NBSP, NEL, U+2000..U+200A, U+2028/9, U+202F, U+205F and U+3000. */
static size_t space_at(const seg *g, size_t i) {
  const unsigned char *s = g->s;
  size_t n = g->n;
  if (i >= n || (s[i] > ' ' && s[i] < 0xC2)) return 0;  /* the usual answer */
  switch (s[i]) {
  case ' ': case '\t': case '\n': case '\r': case '\f': case '\v':
    return 1;
  case 0xC2:
    return i + 1 < n && (s[i + 1] == 0xA0 || s[i + 1] == 0x85) ? 2 : 0;
  case 0xE2:
    if (i + 2 >= n) return 0;
    if (s[i + 1] == 0x80 &&
        (s[i + 2] <= 0x8A || s[i + 2] == 0xA8 || s[i + 2] == 0xA9 ||
         s[i + 2] == 0xAF))
      return 3;
    return s[i + 1] == 0x81 && s[i + 2] == 0x9F ? 3 : 0;
  case 0xE3:
    return i + 2 < n && s[i + 1] == 0x80 && s[i + 2] == 0x80 ? 3 : 0;
  default:
    return 0;
  }
}

/* Length of the white space character that ends just before i, or 0.  In
 * valid UTF-8 a lead byte never doubles as a continuation byte, so matching
 * the whole sequence backwards is exact. */
static size_t space_before(const seg *g, size_t i) {
  const unsigned char *s = g->s;
  if (i == 0) return 0;
  unsigned char c = s[i - 1];
  if (c < 0x80) return space_at(g, i - 1);
  if (i >= 2 && s[i - 2] == 0xC2) return space_at(g, i - 2);
  if (i >= 3 && (s[i - 3] == 0xE2 || s[i - 3] == 0xE3)) return space_at(g, i - 3);
  return 0;
}

static size_t skip_space(const seg *g, size_t i) {
  size_t w;
  while ((w = space_at(g, i)) != 0) i += w;
  return i;
}

/* Is s[i..i+3) the three-byte sequence E2 b1 b2? */
static int e2(const seg *g, size_t i, unsigned char b1, unsigned char b2) {
  return i + 2 < g->n && g->s[i] == 0xE2 && g->s[i + 1] == b1 &&
         g->s[i + 2] == b2;
}

/* Closing quotes and brackets that stay with the sentence they end:
 * " ' ) ] } and U+2019 U+201D U+00BB U+203A U+300D U+300F U+FF09. */
static size_t closer_at(const seg *g, size_t i) {
  const unsigned char *s = g->s;
  if (i >= g->n) return 0;
  switch (s[i]) {
  case '"': case '\'': case ')': case ']': case '}':
    return 1;
  case 0xC2:
    return i + 1 < g->n && s[i + 1] == 0xBB ? 2 : 0;
  case 0xE2:
    return e2(g, i, 0x80, 0x99) || e2(g, i, 0x80, 0x9D) || e2(g, i, 0x80, 0xBA)
               ? 3 : 0;
  case 0xE3:
    return i + 2 < g->n && s[i + 1] == 0x80 && (s[i + 2] == 0x8D || s[i + 2] == 0x8F)
               ? 3 : 0;
  case 0xEF:
    return i + 2 < g->n && s[i + 1] == 0xBC && s[i + 2] == 0x89 ? 3 : 0;
  default:
    return 0;
  }
}

/* Opening quotes and brackets, and Markdown emphasis marks, that may stand
 * before the first word of a sentence: " ' ( [ { * _ ` and U+2018 U+201C
 * U+201E U+00AB U+2039 U+00BF U+00A1. */
static size_t opener_at(const seg *g, size_t i) {
  const unsigned char *s = g->s;
  if (i >= g->n) return 0;
  switch (s[i]) {
  case '"': case '\'': case '(': case '[': case '{': case '*': case '_': case '`':
    return 1;
  case 0xC2:
    return i + 1 < g->n && (s[i + 1] == 0xAB || s[i + 1] == 0xBF || s[i + 1] == 0xA1)
               ? 2 : 0;
  case 0xE2:
    return e2(g, i, 0x80, 0x98) || e2(g, i, 0x80, 0x9C) || e2(g, i, 0x80, 0x9E) ||
                   e2(g, i, 0x80, 0xB9)
               ? 3 : 0;
  default:
    return 0;
  }
}

/* List bullets: U+2022 U+2023 U+2043 U+2219 U+25A0 U+25AA U+25CF U+25E6. */
static size_t bullet_at(const seg *g, size_t i) {
  return e2(g, i, 0x80, 0xA2) || e2(g, i, 0x80, 0xA3) || e2(g, i, 0x81, 0x83) ||
                 e2(g, i, 0x88, 0x99) || e2(g, i, 0x96, 0xA0) ||
                 e2(g, i, 0x96, 0xAA) || e2(g, i, 0x97, 0x8F) || e2(g, i, 0x97, 0xA6)
             ? 3 : 0;
}

static size_t bullet_before(const seg *g, size_t i) {
  return i >= 3 && bullet_at(g, i - 3) ? 3 : 0;
}

/* Length and kind of the terminal character at i, or 0: . ! ? U+2026
 * U+203C U+2047..U+2049, and the CJK stops U+3002 U+FF01 U+FF0E U+FF1F
 * U+FF61, which end a sentence with no space after them. */
static size_t term_at(const seg *g, size_t i, int *kind) {
  const unsigned char *s = g->s;
  if (i >= g->n) return 0;
  switch (s[i]) {
  case '.':
    *kind = T_DOT;
    return 1;
  case '!': case '?':
    *kind = T_EXCLAIM;
    return 1;
  case 0xE2:
    if (e2(g, i, 0x80, 0xA6)) {
      *kind = T_ELLIPSIS;
      return 3;
    }
    if (e2(g, i, 0x80, 0xBC) || e2(g, i, 0x81, 0x87) || e2(g, i, 0x81, 0x88) ||
        e2(g, i, 0x81, 0x89)) {
      *kind = T_EXCLAIM;
      return 3;
    }
    return 0;
  case 0xE3:
    if (i + 2 < g->n && s[i + 1] == 0x80 && s[i + 2] == 0x82) {
      *kind = T_CJK;
      return 3;
    }
    return 0;
  case 0xEF:
    if (i + 2 < g->n &&
        ((s[i + 1] == 0xBC && (s[i + 2] == 0x81 || s[i + 2] == 0x8E || s[i + 2] == 0x9F)) ||
         (s[i + 1] == 0xBD && s[i + 2] == 0xA1))) {
      *kind = T_CJK;
      return 3;
    }
    return 0;
  default:
    return 0;
  }
}

/* The case class of the character at i.  Letters of caseless scripts count
 * as upper case (they may open a sentence); currency signs as digits. */
static int char_class(const seg *g, size_t i) {
  if (i >= g->n) return C_END;
  unsigned char c = g->s[i];
  if (c < 0x80) {
    if (is_lower(c)) return C_LOWER;
    if (is_upper(c)) return C_UPPER;
    if (is_digit(c) || c == '$') return C_DIGIT;
    return C_PUNCT;
  }
  utf8proc_int32_t cp;
  if (utf8proc_iterate(g->s + i, (utf8proc_ssize_t)(g->n - i), &cp) < 0)
    return C_PUNCT;
  switch (utf8proc_category(cp)) {
  case UTF8PROC_CATEGORY_LL:
    return C_LOWER;
  case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LT:
  case UTF8PROC_CATEGORY_LO: case UTF8PROC_CATEGORY_LM:
    return C_UPPER;
  case UTF8PROC_CATEGORY_ND: case UTF8PROC_CATEGORY_SC:
    return C_DIGIT;
  default:
    return C_PUNCT;
  }
}

/* ---- word lists ----------------------------------------------------- */

/* Capitalised words that usually open a sentence.  After an abbreviation
 * ("Co.", "U.S.", an initial) one of these means the stop also ended the
 * sentence: "& Co. It closed" splits, "the U.S. Government" does not.
 * Sorted for binary search. */
static const char *const starters[] = {
  "A", "About", "According", "After", "Again", "All", "Also", "Although", "An",
  "And", "Another", "Any", "Are", "As", "At", "Because", "Before", "Being",
  "Both", "But", "By", "Can", "Could", "Did", "Do", "Does", "During", "Each",
  "Even", "Every", "For", "From", "Had", "Has", "Have", "He", "Her", "Here",
  "His", "How", "However", "I", "If", "In", "Instead", "Is", "It", "Its",
  "Just", "Many", "Meanwhile", "Millions", "More", "Most", "Much", "My",
  "Neither", "Never", "No", "None", "Nor", "Not", "Now", "On", "Once", "Only",
  "Or", "Our", "Perhaps", "Several", "She", "Should", "Since", "So", "Some",
  "Still", "Such", "That", "The", "Their", "Then", "There", "These", "They",
  "This", "Those", "Though", "Thus", "To", "Today", "Under", "Unlike", "Until",
  "Was", "We", "Were", "What", "When", "Where", "Whether", "Which", "While",
  "Who", "Why", "With", "Would", "Yesterday", "Yet", "You", "Your",
};

/* Offices that follow a company's name inside a sentence: "Acme Inc.
 * Chief Executive Ana Costa said".  Any other capitalised word after
 * "Inc." or "Co." starts a new sentence. */
static const char *const offices[] = {
  "Board", "CEO", "CFO", "Chair", "Chairman", "Chairwoman", "Chief",
  "Director", "Executive", "Founder", "General", "Head", "Managing",
  "Partner", "President", "Senior", "Spokesman", "Spokesperson",
  "Spokeswoman", "Vice",
};

/* Words that keep "6 p.m." inside its sentence: days, months, zones. */
static const char *const time_words[] = {
  "AEST", "Apr", "April", "Aug", "August", "BST", "CDT", "CEST", "CET", "CST",
  "CT", "Central", "Dec", "December", "EDT", "EST", "ET", "Eastern", "Feb",
  "February", "Fri", "Friday", "GMT", "IST", "JST", "Jan", "January", "July",
  "June", "MDT", "MST", "MT", "March", "May", "Mon", "Monday", "Mountain",
  "Nov", "November", "Oct", "October", "PDT", "PST", "PT", "Pacific", "Sat",
  "Saturday", "Sept", "September", "Sun", "Sunday", "Thu", "Thursday", "Tue",
  "Tues", "Tuesday", "UTC", "Wed", "Wednesday",
};

static int in_list(const char *const *list, size_t count, const unsigned char *w,
                   size_t len) {
  size_t lo = 0, hi = count;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int cmp = strncmp((const char *)w, list[mid], len);
    if (cmp == 0 && list[mid][len] != '\0') cmp = -1;
    if (cmp == 0) return 1;
    if (cmp < 0) hi = mid;
    else lo = mid + 1;
  }
  return 0;
}

/* Length of the ASCII word at i, or 0 past WORD_MAX letters. */
static size_t word_len(const seg *g, size_t i) {
  size_t e = i;
  while (e < g->n && e - i <= WORD_MAX && is_alpha(g->s[e])) e++;
  return e - i > WORD_MAX ? 0 : e - i;
}

/* As word_len, but 0 for a word followed by '.': "A." is an initial, not
 * the article, and "It." no sentence opener. */
static size_t next_word(const seg *g, size_t i) {
  size_t len = word_len(g, i);
  return len && i + len < g->n && g->s[i + len] == '.' ? 0 : len;
}

/* Titles that stand before a name, as in "at Acme Inc. Dr. Ito said";
 * offices ("Sen.", "Gov.") are left out, for "the U.S. Sen. Walsh". */
static const char *const titles[] = {"Dr", "Mr", "Mrs", "Ms", "Prof"};

static int starts_sentence(const seg *g, size_t i) {
  size_t len = next_word(g, i);
  if (len) return in_list(starters, sizeof starters / sizeof *starters, g->s + i, len);
  while (i + len < g->n && len < 5 && is_alpha(g->s[i + len])) len++;
  return i + len < g->n && g->s[i + len] == '.' &&
         in_list(titles, sizeof titles / sizeof *titles, g->s + i, len);
}

/* ---- emitting ------------------------------------------------------- */

/* Hands [lo, hi) less its surrounding white space to the caller; ranges
 * that hold only white space (a list break at a paragraph's start) are
 * dropped rather than reported as empty sentences. */
static void emit_range(seg *g, size_t lo, size_t hi) {
  size_t w;
  while (hi > lo && (w = space_before(g, hi)) != 0) hi -= w;
  while (lo < hi && (w = space_at(g, lo)) != 0) lo += w;
  if (lo < hi && !g->rc) g->rc = g->emit(g->ud, lo, hi);
}

/* The sentence ends at b (exclusive); the next one starts after the white
 * space there. */
static void boundary(seg *g, size_t b) {
  emit_range(g, g->sent, b);
  g->sent = skip_space(g, b);
}

/* The sentence ends before p, where a list item or bullet starts. */
static void break_before(seg *g, size_t p) {
  emit_range(g, g->sent, p);
  g->sent = p;
}

/* ---- tokens --------------------------------------------------------- */

/* Start of the token that ends at i: back to white space or the sentence
 * start, at most TOK_MAX bytes.  *longp is set when the bound was hit. */
static size_t token_start(const seg *g, size_t i, int *longp) {
  size_t t = i;
  *longp = 0;
  while (t > g->sent && !space_before(g, t)) {
    if (i - t >= TOK_MAX) {
      *longp = 1;
      break;
    }
    t--;
  }
  return t;
}

/* Skips the openers and bullets a token may start with: "(e.g", "⁃9". */
static size_t strip_openers(const seg *g, size_t t, size_t end) {
  size_t w;
  while (t < end && ((w = opener_at(g, t)) != 0 || (w = bullet_at(g, t)) != 0)) t += w;
  return t;
}

/* "a.m" / "p.m", any case. */
static int is_ampm(const unsigned char *w, size_t len) {
  if (len != 3 || w[1] != '.') return 0;
  unsigned char a = (unsigned char)(w[0] | 0x20), m = (unsigned char)(w[2] | 0x20);
  return (a == 'a' || a == 'p') && m == 'm';
}

/* Letters in chunks of one or two joined by dots, with at least one dot:
 * "U.S.A", "Ph.D", "J.R.R" -- abbreviations whether listed or not. */
static int is_dotted(const unsigned char *w, size_t len) {
  size_t run = 0, dots = 0;
  for (size_t i = 0; i < len; i++) {
    if (is_alpha(w[i])) {
      if (++run > 2) return 0;
    } else if (w[i] == '.' && run) {
      run = 0;
      dots++;
    } else {
      return 0;
    }
  }
  return dots && run;
}

/* Class of the token [t, i) before a full stop: an abbrev class, K_AMPM
 * or K_PLAIN. */
static int token_class(const seg *g, size_t t, size_t i) {
  const unsigned char *w = g->s + t;
  size_t len = i - t;
  if (len == 0) return K_PLAIN;
  /* A lone capital is an initial even where its lower case is listed
   * ("p. 55", "c. 1900"): "I. P. Jensen". */
  if (len == 1 && is_upper(w[0])) return SEG_ABBR_WORD;
  if (is_ampm(w, len)) return K_AMPM;
  int c = abbrevs_class(g->ab, (const char *)w, len);
  /* State abbreviations are also common words ("ill", "wash", "mass"):
   * only the capitalised form is the abbreviation. */
  if (c == SEG_ABBR_GEO && !is_upper(w[0])) c = SEG_ABBR_NONE;
  if (c != SEG_ABBR_NONE) return c;
  if (is_dotted(w, len)) return SEG_ABBR_WORD;
  return K_PLAIN;
}

/* Does the white-space-delimited token around i look like an e-mail
 * address or URL?  The answer is cached for the whole token, and a new
 * token is looked for only past the cached one, so this stays linear even
 * on one 100 MB token. */
static int in_link(seg *g, size_t i) {
  if (i >= g->link_lo && i < g->link_hi) return g->link;
  size_t lo = i, hi = i;
  while (lo > g->link_hi && !space_before(g, lo)) lo--;
  while (hi < g->n && !space_at(g, hi)) hi++;
  const unsigned char *s = g->s;
  int link = hi - lo >= 4 && (s[lo] | 0x20) == 'w' && (s[lo + 1] | 0x20) == 'w' &&
             (s[lo + 2] | 0x20) == 'w' && s[lo + 3] == '.';
  for (size_t k = lo; k < hi && !link; k++)
    link = s[k] == '@' || (s[k] == ':' && k + 2 < hi && s[k + 1] == '/' && s[k + 2] == '/');
  g->link_lo = lo;
  g->link_hi = hi;
  g->link = link;
  return link;
}

/* ---- list items ----------------------------------------------------- */

/* A list label ends at end ("1", "12", "b", "(3"), its punctuation ('.',
 * ')' or ".)") ends before after, and white space follows.  At the start of
 * a sentence it opens (or continues) a list and ends nothing; inside a
 * sentence, the label the open list expects next starts a new item
 * ("1) The first item 2) The second item").  Returns where to resume, or 0
 * when this is no label. */
static size_t list_label(seg *g, size_t end, size_t after) {
  const unsigned char *s = g->s;
  if (after >= g->n || !space_at(g, after) || end <= g->sent) return 0;
  size_t lab = end;
  int kind;
  unsigned value = 0;
  while (lab > g->sent && end - lab < 3 && is_digit(s[lab - 1])) lab--;
  if (lab < end) {
    if (end - lab > 2) return 0;
    kind = 1;
    for (size_t k = lab; k < end; k++) value = value * 10 + (unsigned)(s[k] - '0');
  } else if (is_lower(s[end - 1])) {
    lab = end - 1;
    kind = 2;
    value = s[lab];
  } else {
    return 0;
  }
  /* raw is where the item would start: before "(" in "(3)" and before a
   * bullet glued to its label ("⁃9."). */
  size_t raw = lab;
  if (raw > g->sent && s[raw - 1] == '(') raw--;
  else raw -= bullet_before(g, raw) && raw - 3 >= g->sent ? 3 : 0;
  if (raw > g->sent && !space_before(g, raw)) return 0;
  size_t first = g->sent;
  if (bullet_at(g, first)) first = skip_space(g, first + 3);
  if (raw == g->sent || raw == first) {
    g->list_kind = kind;
    g->list_next = value + 1;
    return after;
  }
  if (g->list_kind == kind && g->list_next == value) {
    break_before(g, raw);
    g->list_next = value + 1;
    return after;
  }
  return 0;
}

/* Does a line starting at j open a list item: "- ", "* ", "+ ", a bullet,
 * "1. ", "2) ", "(3) ", "a. "?  An em or en dash counts only after a line
 * that ended a sentence, for hard-wrapped prose may put "— which" first. */
static int line_item(const seg *g, size_t j, size_t nl) {
  const unsigned char *s = g->s;
  size_t n = g->n;
  if (j >= n) return 0;
  if (s[j] == '-' || s[j] == '*' || s[j] == '+')
    return j + 1 < n && (s[j + 1] == ' ' || s[j + 1] == '\t');
  if (bullet_at(g, j)) return 1;
  if (e2(g, j, 0x80, 0x93) || e2(g, j, 0x80, 0x94)) {
    if (!space_at(g, j + 3)) return 0;
    /* Back over the line's trailing space and closers to its last mark;
     * bounded, since a run of empty lines would otherwise be rescanned. */
    size_t p = nl, steps = 0, w;
    while (steps++ < 8 && (w = space_before(g, p)) != 0) p -= w;
    while (steps++ < 16 && p > 0 && (w = closer_at(g, p - 1)) != 0) p--;
    while (steps++ < 16 && p >= 3 && closer_at(g, p - 3) == 3) p -= 3;
    int kind;
    return p > 0 && (term_at(g, p - 1, &kind) || (p >= 3 && term_at(g, p - 3, &kind) == 3));
  }
  size_t k = j;
  if (s[k] == '(') k++;
  size_t d = k;
  while (d < n && d - k < 3 && is_digit(s[d])) d++;
  if (d == k) {
    if (d < n && is_lower(s[d])) d++;
    else return 0;
  } else if (d - k > 2) {
    return 0;
  }
  if (d >= n || (s[d] != '.' && s[d] != ')')) return 0;
  d++;
  if (d < n && s[d] == ')' && s[d - 1] == '.') d++;
  return space_at(g, d) != 0;
}

/* ---- decisions ------------------------------------------------------ */

/* A time, "6 P.M.", before a capitalised word.  Days, months and zones keep
 * it inside ("6 p.m. Monday"); so does a short opening phrase such as
 * "At 5 a.m. Mr. Smith went" (golden rule 18), which cannot be a sentence
 * of its own.  Otherwise the time ended the sentence. */
static int ampm_ends(const seg *g, size_t t, size_t next) {
  size_t len = word_len(g, next);  /* "9 a.m. ET." too */
  if (len && in_list(time_words, sizeof time_words / sizeof *time_words, g->s + next, len))
    return 0;
  if (t - g->sent > TOK_MAX) return 1;  /* a long clause before the time */
  int words = 0, inword = 0;
  for (size_t k = g->sent; k < t; k++) {
    int sp = g->s[k] == ' ' || g->s[k] == '\t' || g->s[k] == '\n' || g->s[k] == '\r';
    if (!sp && !inword) words++;
    inword = !sp;
  }
  return words > 2;
}

/* Does a single full stop at i end the sentence, given the class of what
 * follows at next? */
static int period_ends(const seg *g, size_t i, size_t next, int cls) {
  if (cls == C_LOWER || cls == C_PUNCT) return 0;
  int longtok;
  size_t raw = token_start(g, i, &longtok);
  if (longtok) return 1;  /* no abbreviation is that long: a URL, a path */
  size_t t = strip_openers(g, raw, i);
  int k = token_class(g, t, i);
  if (cls == C_DIGIT) return k == K_PLAIN;  /* "$100.00. 5" vs "p. 55" */
  switch (k) {
  case K_PLAIN: case SEG_ABBR_NUM:
    return 1;
  case SEG_ABBR_INNER:
    return 0;
  case SEG_ABBR_FIRM: {
    size_t len = next_word(g, next);
    return !(len && in_list(offices, sizeof offices / sizeof *offices, g->s + next, len));
  }
  case K_AMPM:
    return ampm_ends(g, raw, next);
  case SEG_ABBR_GEO: {
    /* "Salem, Ore. Officials said" ends, but not the dateline "SALEM,
     * Ore. (AP) --", whose next word sits behind an opener. */
    size_t p = raw - space_before(g, raw);
    if (p < raw && p > 0 && g->s[p - 1] == ',' && next == skip_space(g, i + 1)) return 1;
    return starts_sentence(g, next);
  }
  default:
    return starts_sentence(g, next);
  }
}

/* A stop with no space after it ends the sentence only between a word in
 * lower case or a number and a capitalised word ("world.Today",
 * "1,000.That": golden rule 52), and never inside an e-mail address, URL
 * or after an abbreviation ("Jane.Doe@example.com", "Mr.Smith"). */
static int nospace_ends(seg *g, size_t i, size_t j) {
  const unsigned char *s = g->s;
  if (i == 0 || j + 1 >= g->n) return 0;
  if (!(is_lower(s[i - 1]) || is_digit(s[i - 1]))) return 0;
  if (!is_upper(s[j]) || !is_lower(s[j + 1])) return 0;
  if (in_link(g, i)) return 0;  /* cached per token: cheapest first */
  if (s[i] == '.') {
    int longtok;
    size_t t = token_start(g, i, &longtok);
    if (!longtok && token_class(g, strip_openers(g, t, i), i) != K_PLAIN) return 0;
  }
  return 1;
}

/* A cluster of terminal characters starts at i: ".", "?!", "...", "…",
 * ". . . .".  Decides whether and where it ends the sentence, and returns
 * where to resume scanning. */
static size_t on_terminal(seg *g, size_t i) {
  const unsigned char *s = g->s;
  size_t n = g->n;
  if (s[i] == '.') {
    size_t after = i + 1 < n && s[i + 1] == ')' ? i + 2 : i + 1;
    size_t r = list_label(g, i, after);
    if (r) return r;
  }
  size_t j = i, first_end = 0;
  int dots = 0, exclaim = 0, cjk = 0, spaced = 0, nterm = 0, kind;
  for (;;) {
    size_t l = term_at(g, j, &kind);
    if (l) {
      if (!first_end) first_end = j + l;
      nterm++;
      dots += kind == T_DOT ? 1 : kind == T_ELLIPSIS ? 3 : 0;
      exclaim |= kind == T_EXCLAIM;
      cjk |= kind == T_CJK;
      j += l;
    } else if (j + 1 < n && s[j] == ' ' && s[j + 1] == '.' && dots && !exclaim) {
      /* ". . .": one space between dots continues the cluster; after "?"
       * or "!" a lone dot is more likely the start of something else. */
      spaced = 1;
      j++;
    } else {
      break;
    }
  }
  size_t k = j, w;
  while ((w = closer_at(g, k)) != 0) k += w;
  /* CJK text has no spaces between sentences, so its stops end one
   * outright; so does anything at the end of the paragraph. */
  if (cjk || k >= n) {
    boundary(g, k);
    return k > g->sent ? k : g->sent;
  }
  if (!space_at(g, k)) {
    /* Only a bare single stop may end a sentence with no space after it:
     * after a closer ("Jr.'s") or inside "?!x" the text runs on. */
    if (k == j && nterm == 1 && !cjk && dots + exclaim == 1 && nospace_ends(g, i, j)) {
      boundary(g, j);
      return j;
    }
    return k;
  }
  size_t next = skip_space(g, k);
  while ((w = opener_at(g, next)) != 0) next += w;
  int cls = char_class(g, next);
  int attached = i > g->sent && !space_before(g, i);
  int ends;
  if (cls == C_END) {
    ends = 1;
  } else if (exclaim) {
    ends = cls == C_UPPER || cls == C_DIGIT;  /* "Yahoo! in", "Go!" he said */
  } else if (nterm == 1 && dots == 1) {
    ends = period_ends(g, i, next, cls);
  } else if (i > 0 && (s[i - 1] == '[' || s[i - 1] == '(')) {
    ends = 0;  /* "[...]" marks an omission (rule 47) */
  } else if (spaced && attached && dots >= 4) {
    /* "compounds. . . . The": a full stop, then an ellipsis that opens
     * the next sentence (rule 51); before anything else it all stays. */
    if (cls == C_UPPER) {
      boundary(g, first_end);
      return j;
    }
    ends = 0;
  } else if (spaced || !attached) {
    /* ". . ." and " ..." pause inside a sentence (rule 50); a fourth dot is
     * the full stop (rule 48). */
    ends = dots >= 4 && cls == C_UPPER;
  } else {
    ends = cls == C_UPPER || cls == C_DIGIT;  /* "that.... She" (rule 49) */
  }
  if (ends) {
    boundary(g, k);
    return g->sent > k ? g->sent : k;
  }
  return k;
}

/* ')' can end a list label: "1) The first item 2) The second item". */
static size_t on_paren(seg *g, size_t i) {
  if (i > 0 && g->s[i - 1] == '.') return i + 1;
  size_t r = list_label(g, i, i + 1);
  return r ? r : i + 1;
}

/* A line break inside a paragraph is white space, unless the next line
 * starts a list item; then it ends the sentence. */
static size_t on_newline(seg *g, size_t i) {
  size_t j = i + 1;
  while (j < g->n && (g->s[j] == ' ' || g->s[j] == '\t' || g->s[j] == '\r')) j++;
  if (g->sent < i && line_item(g, j, i)) {
    break_before(g, j);
    return j;
  }
  return i + 1;
}

/* A bullet after white space starts an item: "• 9. The first item • 10.". */
static size_t on_multibyte(seg *g, size_t i) {
  int kind;
  if (term_at(g, i, &kind)) return on_terminal(g, i);
  size_t b = bullet_at(g, i);
  if (!b) return i + 1;
  if (i > g->sent && space_before(g, i)) break_before(g, i);
  return i + b;
}

/* The rest of the paragraph has no terminal punctuation.  When it starts a
 * line and consists of two or more short lines, it is a list written one
 * item per line ("features\ncontact manager\n...": golden rule 42), while
 * a sentence hard-wrapped across lines ends with its full stop (rules 40
 * and 41) and so never reaches here as a whole. */
static void emit_tail(seg *g) {
  const unsigned char *s = g->s;
  size_t lo = g->sent, n = g->n;
  size_t p = lo;
  while (p > 0 && (s[p - 1] == ' ' || s[p - 1] == '\t')) p--;
  int line_start = p == 0 || s[p - 1] == '\n' || s[p - 1] == '\r';
  size_t lines = 0, len = 0;
  int short_lines = line_start;
  for (size_t k = lo; k < n && short_lines; k++) {
    if (s[k] == '\n' || s[k] == '\r') {
      if (len) lines++;
      len = 0;
    } else if (++len > LIST_LINE_MAX) {
      short_lines = 0;
    }
  }
  if (len) lines++;
  if (!short_lines || lines < 2) {
    emit_range(g, lo, n);
    return;
  }
  size_t start = lo;
  for (size_t k = lo; k <= n && !g->rc; k++) {
    if (k == n || s[k] == '\n' || s[k] == '\r') {
      emit_range(g, start, k);
      start = k + 1;
    }
  }
}

int segment(const seg_abbrevs *abbrevs, const char *text, size_t len,
            seg_emit_fn emit, void *ud) {
  seg g;
  memset(&g, 0, sizeof g);
  g.s = (const unsigned char *)text;
  g.n = len;
  g.ab = abbrevs;
  g.emit = emit;
  g.ud = ud;
  g.sent = skip_space(&g, 0);
  const unsigned char *s = g.s;
  size_t i = g.sent;
  /* Every handler returns a position past i and never before g.sent, so
   * the scan only moves forward. */
  while (i < len && !g.rc) {
    i = next_candidate(s, i, len);
    if (i >= len) break;
    switch (s[i]) {
    case '.': case '!': case '?':
      i = on_terminal(&g, i);
      break;
    case ')':
      i = on_paren(&g, i);
      break;
    case '\n': case '\r':
      i = on_newline(&g, i);
      break;
    default:
      i = on_multibyte(&g, i);
      break;
    }
  }
  if (!g.rc && g.sent < len) emit_tail(&g);
  return g.rc;
}
