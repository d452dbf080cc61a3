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

#include "seg_lang.h"

#include <stdint.h>
#include <string.h>
#include <utf8proc.h>
#if defined(__SSE2__) && defined(__GNUC__)
#include <emmintrin.h>
#endif

enum {
  TOK_MAX = 64,        /* longest token looked up as an abbreviation */
  WORD_MAX = 24,       /* longest next word compared with the word lists */
  LIST_LINE_MAX = 40,  /* lines of an unpunctuated list are this short */
  MARK_MAX = 40,       /* longest citation mark: "[citation needed]" */
  QUOTE_MAX = 1000     /* longest quotation kept whole with SEG_QUOTES_KEEP */
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

/* The first byte at or after i that may start a quotation mark (" or the
 * lead bytes 0xC2 and 0xE2 of « » “ ” „), or n; sixteen at a time with
 * SSE2, as next_candidate, for SEG_QUOTES_KEEP reads the whole text. */
static size_t next_quote_byte(const unsigned char *s, size_t i, size_t n) {
#if defined(__SSE2__) && defined(__GNUC__)
  const __m128i q = _mm_set1_epi8('"'), c2 = _mm_set1_epi8((char)0xC2),
                e2b = _mm_set1_epi8((char)0xE2);
  for (; i + 16 <= n; i += 16) {
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
    __m128i m = _mm_or_si128(_mm_cmpeq_epi8(v, q),
                             _mm_or_si128(_mm_cmpeq_epi8(v, c2), _mm_cmpeq_epi8(v, e2b)));
    unsigned mask = (unsigned)_mm_movemask_epi8(m);
    if (mask) return i + (size_t)__builtin_ctz(mask);
  }
#endif
  while (i < n && s[i] != '"' && s[i] != 0xC2 && s[i] != 0xE2) i++;
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
  const seg_lang *lang;
  unsigned flags;       /* lang->flags, read at every stop */
  int keep_quotes;
  seg_emit_fn emit;
  void *ud;
  int rc;               /* emit's non-zero answer: stop */
  size_t sent;          /* first byte of the current sentence, never space */
  int list_kind;        /* 0, or the L_ kind of an open list's labels */
  unsigned list_next;   /* the label the next list item would carry */
  size_t pend;          /* a first label ("1)", "(a)") inside the current
                           sentence, or SIZE_MAX: it starts an item once
                           the second one follows */
  int pend_kind;
  unsigned pend_next;
  size_t q_scan;        /* quotation marks before this are paired */
  size_t q_lo, q_hi;    /* the last quotation found: [q_lo, q_hi) */
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
 * " ' ) ] } and U+2019 U+201D U+00BB U+203A U+300D U+300F U+FF09; also
 * German closing quotes (U+201C U+2018 U+00AB), which only ever follow a
 * terminal mark directly when they close: „Gut.“ and »Gut.« */
static size_t closer_at(const seg *g, size_t i) {
  const unsigned char *s = g->s;
  if (i >= g->n) return 0;
  switch (s[i]) {
  case '"': case '\'': case ')': case ']': case '}':
    return 1;
  case 0xC2:
    return i + 1 < g->n && (s[i + 1] == 0xBB || s[i + 1] == 0xAB) ? 2 : 0;
  case 0xE2:
    return e2(g, i, 0x80, 0x99) || e2(g, i, 0x80, 0x9D) || e2(g, i, 0x80, 0xBA) ||
                   e2(g, i, 0x80, 0x9C) || e2(g, i, 0x80, 0x98)
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
 * U+201E U+201A U+00AB U+2039 U+00BF U+00A1; in German also U+00BB and
 * U+203A, which open »…« quotations there. */
static size_t opener_at(const seg *g, size_t i) {
  const unsigned char *s = g->s;
  if (i >= g->n) return 0;
  switch (s[i]) {
  case '"': case '\'': case '(': case '[': case '{': case '*': case '_': case '`':
    return 1;
  case 0xC2:
    return i + 1 < g->n && (s[i + 1] == 0xAB || s[i + 1] == 0xBF || s[i + 1] == 0xA1 ||
                            (s[i + 1] == 0xBB && (g->flags & SEG_LANG_LOW_QUOTES)))
               ? 2 : 0;
  case 0xE2:
    return e2(g, i, 0x80, 0x98) || e2(g, i, 0x80, 0x9C) || e2(g, i, 0x80, 0x9E) ||
                   e2(g, i, 0x80, 0x9A) || e2(g, i, 0x80, 0xB9) ||
                   (e2(g, i, 0x80, 0xBA) && (g->flags & SEG_LANG_LOW_QUOTES))
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

/* Company forms that may follow "Co." or "Ltd." inside one name: "Bauer
 * GmbH & Co. KG", "Samsung Co. Ltd." */
static const char *const firm_forms[] = {
  "AG", "BV", "Corp", "GmbH", "Inc", "KG", "KGaA", "LLC", "LLP", "LP", "Limited",
  "Ltd", "NV", "OHG", "PLC", "Plc", "Pty", "SA", "SAS", "SE", "SpA", "Srl",
};

/* Names that end in "!" and go on: "Yahoo! Finance", "Jeopardy! champion". */
static const char *const bang_names[] = {
  "Jeopardy", "Joomla", "Wham", "Yahoo", "Yum",
};

/* What follows a dot inside a domain or file name ("Amazon.Com",
 * "Main.Java"); compared in lower case. */
static const char *const suffixes[] = {
  "co", "com", "cs", "csv", "de", "doc", "docx", "edu", "exe", "gov", "html",
  "io", "java", "jpg", "js", "json", "md", "net", "org", "pdf", "png", "py",
  "txt", "uk", "xml", "zip",
};

/* Length of the word at i -- ASCII letters and the two-byte Latin letters
 * of U+00C0..U+017F ("Después", "Über") -- or 0 past WORD_MAX bytes. */
static size_t word_len(const seg *g, size_t i) {
  const unsigned char *s = g->s;
  size_t e = i;
  while (e < g->n && e - i <= WORD_MAX) {
    if (is_alpha(s[e])) e++;
    else if (s[e] >= 0xC3 && s[e] <= 0xC5 && e + 1 < g->n && (s[e + 1] & 0xC0) == 0x80)
      e += 2;
    else break;
  }
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
  if (len) return in_list(g->lang->starters, g->lang->nstarters, g->s + i, len);
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

static int is_rule_mark(unsigned char c) {
  return c == '=' || c == '-' || c == '_' || c == '*' || c == '~' || c == '#' || c == '+';
}

/* A separator line starts at j: "=====", "-----", "* * *", "~~~" (three or
 * more of = - _ * ~ # +, spaces between them allowed, nothing else).
 * Returns where its line ends, or 0. */
static size_t separator_end(const seg *g, size_t j) {
  const unsigned char *s = g->s;
  size_t e = j, marks = 0;
  for (; e < g->n && s[e] != '\n' && s[e] != '\r'; e++) {
    unsigned char c = s[e];
    if (is_rule_mark(c)) marks++;
    else if (c != ' ' && c != '\t') return 0;
  }
  return marks >= 3 ? e : 0;
}

/* The separator line that starts the line after b, if b ends its line
 * ("Results\n=======", "noon.\n-----"): returns where it ends, or 0. */
static size_t rule_after(const seg *g, size_t b) {
  const unsigned char *s = g->s;
  size_t p = b;
  while (p < g->n && (s[p] == ' ' || s[p] == '\t')) p++;
  if (p < g->n && s[p] == '\r') p++;
  if (p >= g->n || s[p] != '\n') return 0;
  p++;
  while (p < g->n && (s[p] == ' ' || s[p] == '\t')) p++;
  return p < g->n && is_rule_mark(s[p]) ? separator_end(g, p) : 0;
}

/* The sentence ends at b (exclusive); the next one starts after the white
 * space there.  Separator lines right below the end belong to the sentence
 * they close, so that none is glued to the next sentence nor left outside
 * every sentence. */
static void boundary(seg *g, size_t b) {
  size_t e;
  /* The usual case, one space and a word or the paragraph's end, is
   * answered at once: this runs at every sentence end. */
  if (b < g->n && !(b + 1 < g->n && g->s[b] == ' ' && g->s[b + 1] > ' '))
    while ((e = rule_after(g, b)) != 0) b = e;
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
  int c;
  if (g->lang->abbrevs) {
    /* An elided article is not part of the word: "L'Avv.", "dell'art.". */
    for (size_t k = len; k > 1; k--)
      if (w[k - 1] == '\'' || (k >= 3 && w[k - 3] == 0xE2 && w[k - 2] == 0x80 && w[k - 1] == 0x99)) {
        w += k;
        len -= k;
        break;
      }
    if (len == 0) return K_PLAIN;
    /* The built-in list is English ("mar", "op" are words elsewhere); the
     * user's own words count in every language. */
    c = seg_lang_class(g->lang, (const char *)w, len);
    if (c == SEG_ABBR_NONE) c = abbrevs_added_class(g->ab, (const char *)w, len);
    /* German street names: "Hauptstr. 5". */
    if (c == SEG_ABBR_NONE && g->lang == seg_lang_get(SEG_LANG_DE) && len > 3 &&
        memcmp(w + len - 3, "str", 3) == 0)
      c = SEG_ABBR_NUM;
  } else {
    c = abbrevs_class(g->ab, (const char *)w, len);
  }
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

enum { L_DIGIT = 1, L_LETTER = 2, L_ROMAN = 3 };

static int ivx(unsigned char c) { return c == 'i' || c == 'v' || c == 'x'; }

/* The value of a lower-case Roman numeral up to xx ("iv" is 4), or 0. */
static unsigned roman_value(const unsigned char *w, size_t len) {
  static const char *const romans[] = {
    "i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x",
    "xi", "xii", "xiii", "xiv", "xv", "xvi", "xvii", "xviii", "xix", "xx",
  };
  for (unsigned k = 0; k < sizeof romans / sizeof *romans; k++)
    if (strlen(romans[k]) == len && memcmp(romans[k], w, len) == 0) return k + 1;
  return 0;
}

/* Does the open list, or the first label waiting in this sentence, expect
 * this label next? */
static int expected(const seg *g, int kind, unsigned value) {
  return (g->list_kind == kind && g->list_next == value) ||
         (g->pend != SIZE_MAX && g->pend >= g->sent && g->pend_kind == kind &&
          g->pend_next == value);
}

/* A list label ends at end ("1", "12", "b", "iv", "(3"), its punctuation
 * ('.', ')' or ".)") ends before after, and white space follows.  At the
 * start of a sentence, or after a colon, it opens (or continues) a list;
 * inside a sentence, the label the open list expects next starts a new
 * item ("1) The first item 2) The second item").  A first label inside a
 * sentence ("covers 1) reading and 2) writing") waits: when the second
 * follows, both start items.  Returns where to resume, or 0 when this is
 * no label or the stop is left to the other rules. */
static size_t list_label(seg *g, size_t end, size_t after) {
  const unsigned char *s = g->s;
  if (after >= g->n || !space_at(g, after) || end <= g->sent) return 0;
  size_t lab = end;
  int kind;
  unsigned value = 0;
  while (lab > g->sent && end - lab < 3 && is_digit(s[lab - 1])) lab--;
  if (lab < end) {
    if (end - lab > 2) return 0;
    kind = L_DIGIT;
    for (size_t k = lab; k < end; k++) value = value * 10 + (unsigned)(s[k] - '0');
  } else if (is_lower(s[end - 1])) {
    /* Most stops follow a longer word: one look back rejects it, and only
     * a run of i, v and x is read further ("xiv"). */
    lab = end - 1;
    if (ivx(s[lab]))
      while (lab > g->sent && end - lab < 6 && ivx(s[lab - 1])) lab--;
    if (lab > g->sent && is_alpha(s[lab - 1])) return 0;
    unsigned r = ivx(s[lab]) ? roman_value(s + lab, end - lab) : 0;
    if (end - lab == 1) {
      /* "i", "v" and "x" are letters too: "i" opens a Roman list unless
       * a lettered one expects it, "v" and "x" are Roman only when
       * expected so. */
      int roman = r && (expected(g, L_ROMAN, r) ||
                        (r == 1 && !expected(g, L_LETTER, 'i')));
      kind = roman ? L_ROMAN : L_LETTER;
      value = roman ? r : s[lab];
    } else if (r) {
      kind = L_ROMAN;
      value = r;
    } else {
      return 0;
    }
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
  size_t before = raw - space_before(g, raw);
  int opens = raw == g->sent || raw == first ||
              (value == (kind == L_LETTER ? 'a' : 1u) && before > g->sent &&
               s[before - 1] == ':');
  if (opens || expected(g, kind, value)) {
    if (!opens && !(g->list_kind == kind && g->list_next == value))
      break_before(g, g->pend);  /* the waiting first label starts item 1 */
    if (raw != g->sent && raw != first) break_before(g, raw);
    g->list_kind = kind;
    g->list_next = value + 1;
    g->pend = SIZE_MAX;
    return after;
  }
  if (value == (kind == L_LETTER ? 'a' : 1u)) {
    g->pend = raw;
    g->pend_kind = kind;
    g->pend_next = value + 1;
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

/* Is the word at i a label rather than a word: a Roman numeral of two or
 * more letters ("IV"), a capital with digits ("S1"), or, when single is
 * set, one capital ("Ex. A")?  "Art. IV", "Fig. S1" are numbers. */
static int label_word(const seg *g, size_t i, int single) {
  const unsigned char *s = g->s;
  size_t e = i;
  while (e < g->n && e - i < 7 && (s[e] == 'I' || s[e] == 'V' || s[e] == 'X')) e++;
  /* the word ends at e: no letter follows, ASCII or not ("Müller") */
  if (e - i >= 2 && e - i < 7 && (e >= g->n || (!is_alpha(s[e]) && s[e] < 0x80))) return 1;
  if (i >= g->n || !is_upper(s[i])) return 0;
  e = i + 1;
  while (e < g->n && e - i < 5 && is_digit(s[e])) e++;
  if (e >= g->n || (!is_alpha(s[e]) && s[e] < 0x80)) {
    if (e > i + 1) return 1;
    /* not "I", "I'm", nor an initial: "Ave. N. S. Quinn" */
    return single && s[i] != 'I' && (e >= g->n || (s[e] != '\'' && s[e] != '.'));
  }
  return 0;
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
  /* "Q. Where do you live? A. In Leeds.": a capital alone at the start of
   * a sentence labels it; it is no sentence of its own. */
  if (k == SEG_ABBR_WORD && i - t == 1 && raw == g->sent) return 0;
  if (cls == C_DIGIT) return k == K_PLAIN;  /* "$100.00. 5" vs "p. 55" */
  if (k != K_PLAIN && k != K_AMPM && label_word(g, next, k == SEG_ABBR_NUM)) return 0;
  /* German ordinals: "am 3. Oktober", "im 19. Jahrhundert". */
  if (k == K_PLAIN && (g->flags & SEG_LANG_ORDINALS) && i - t <= 3 &&
      is_digit(g->s[t]) && (i - t < 2 || is_digit(g->s[i - 1])) &&
      (i - t < 3 || is_digit(g->s[t + 1])) && !starts_sentence(g, next))
    return 0;
  switch (k) {
  case K_PLAIN: case SEG_ABBR_NUM:
    return 1;
  case SEG_ABBR_INNER:
    return 0;
  case SEG_ABBR_FIRM: {
    /* "Acme Ltd. (\"Acme\")" defines a name; "Bauer GmbH & Co. KG" and
     * "Samsung Co. Ltd." go on with one. */
    if (g->s[skip_space(g, i + 1)] == '(') return 0;
    size_t len = word_len(g, next);
    if (len && in_list(firm_forms, sizeof firm_forms / sizeof *firm_forms, g->s + next, len))
      return 0;
    len = next_word(g, next);
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

/* Is the word at j the end of a domain or file name ("Com" in
 * "Amazon.Com", "Java" in "Main.Java")? */
static int name_suffix(const seg *g, size_t j) {
  size_t len = word_len(g, j);
  unsigned char low[8];
  if (len == 0 || len > sizeof low) return 0;
  for (size_t k = 0; k < len; k++) low[k] = (unsigned char)(g->s[j + k] | 0x20);
  return in_list(suffixes, sizeof suffixes / sizeof *suffixes, low, len);
}

/* A stop with no space after it ends the sentence only between a word in
 * lower case, a number or a closing bracket and a capitalised word
 * ("world.Today", "1,000.That": golden rule 52; "(see table).Then",
 * "Monday.A new"), and never inside an e-mail address, URL, domain or file
 * name or after an abbreviation ("Jane.Doe@example.com", "Amazon.Com",
 * "Mr.Smith"). */
static int nospace_ends(seg *g, size_t i, size_t j) {
  const unsigned char *s = g->s;
  if (i == 0 || j + 1 >= g->n) return 0;
  if (!(is_lower(s[i - 1]) || is_digit(s[i - 1]) || s[i - 1] == ')')) return 0;
  if (!is_upper(s[j])) return 0;
  if (!is_lower(s[j + 1]) && !((s[j] == 'A' || s[j] == 'I') && s[j + 1] == ' ')) return 0;
  if (in_link(g, i)) return 0;  /* cached per token: cheapest first */
  if (name_suffix(g, j)) return 0;
  if (s[i] == '.') {
    int longtok;
    size_t t = token_start(g, i, &longtok);
    if (!longtok && token_class(g, strip_openers(g, t, i), i) != K_PLAIN) return 0;
  }
  return 1;
}

/* ---- marks around the stop --------------------------------------------- */

/* Length of a superscript digit at i (U+00B9 U+00B2 U+00B3 U+2070
 * U+2074..U+2079), or 0. */
static size_t superscript_at(const seg *g, size_t i) {
  const unsigned char *s = g->s;
  if (i + 1 < g->n && s[i] == 0xC2 && (s[i + 1] == 0xB9 || s[i + 1] == 0xB2 || s[i + 1] == 0xB3))
    return 2;
  if (i + 2 < g->n && s[i] == 0xE2 && s[i + 1] == 0x81 &&
      (s[i + 2] == 0xB0 || (s[i + 2] >= 0xB4 && s[i + 2] <= 0xB9)))
    return 3;
  return 0;
}

/* Citation marks glued to a sentence's last mark belong to it: "[2]",
 * "[6][7]", "[citation needed]", "¹²".  Returns the position past them
 * (k itself when there are none); at most eight marks are read. */
static size_t skip_marks(const seg *g, size_t k) {
  const unsigned char *s = g->s;
  for (int m = 0; m < 8; m++) {
    size_t w;
    if (k < g->n && s[k] == '[') {
      size_t e = k + 1;
      while (e < g->n && e - k <= MARK_MAX && s[e] != ']' && s[e] != '[' && s[e] != '.' &&
             s[e] != '\n')
        e++;
      if (e >= g->n || s[e] != ']' || e == k + 1 || e - k > MARK_MAX) break;
      k = e + 1;
    } else if ((w = superscript_at(g, k)) != 0) {
      k += w;
    } else {
      break;
    }
  }
  return k;
}

/* Footnote numbers glued to a full stop: "the region.14 15 Consider",
 * "(Miller, 2003).2 The data".  The stop at i follows a word or a closing
 * bracket, j is just past it; the numbers have one to three digits each
 * and a capitalised word follows.  Returns the end of the numbers, or 0. */
static size_t footnote_end(const seg *g, size_t i, size_t j) {
  const unsigned char *s = g->s;
  if (i == 0 || j >= g->n || !is_digit(s[j])) return 0;
  unsigned char l = s[i - 1];
  if (is_lower(l)) {
    int longtok;
    size_t t = strip_openers(g, token_start(g, i, &longtok), i);
    if (longtok || i - t < 2 || token_class(g, t, i) != K_PLAIN) return 0;
  } else if (l != ')' && l != ']' && l != '"') {
    return 0;
  }
  size_t e = j;
  for (int groups = 1;; groups++) {
    size_t d = e;
    while (d < g->n && d - e < 4 && is_digit(s[d])) d++;
    if (d - e > 3) return 0;
    e = d;
    if (groups < 4 && e + 1 < g->n && (s[e] == ' ' || s[e] == ',') && is_digit(s[e + 1])) {
      e++;
      continue;
    }
    break;
  }
  if (!space_at(g, e)) return 0;
  size_t next = skip_space(g, e), w;
  while ((w = opener_at(g, next)) != 0) next += w;
  return char_class(g, next) == C_UPPER ? e : 0;
}

/* A dot leader: the run of dots just read is followed by a page number at
 * the end of its line ("Introduction..........3", "Chapter 2 . . . . 19")
 * or before the next entry.  Returns the end of the number, or 0. */
static size_t leader_end(const seg *g, size_t j) {
  const unsigned char *s = g->s;
  size_t p = j;
  while (p < g->n && (s[p] == ' ' || s[p] == '\t')) p++;
  size_t e = p;
  while (e < g->n && e - p < 5 && is_digit(s[e])) e++;
  if (e == p) {
    while (e < g->n && e - p < 6 && (s[e] == 'i' || s[e] == 'v' || s[e] == 'x')) e++;
    if (e == p || !roman_value(s + p, e - p)) return 0;
  }
  if (e >= g->n || s[e] == '\n' || s[e] == '\r') return e;
  if (!space_at(g, e)) return 0;
  return char_class(g, skip_space(g, e)) == C_UPPER ? e : 0;
}

/* Names that end in '!' ("Yahoo! Finance"): the '!' at i follows one. */
static int bang_name(const seg *g, size_t i) {
  int longtok;
  size_t t = strip_openers(g, token_start(g, i, &longtok), i);
  return !longtok && i > t &&
         in_list(bang_names, sizeof bang_names / sizeof *bang_names, g->s + t, i - t);
}

/* Dutch 's, 't and 'n ("'s Avonds") open a sentence in lower case. */
static int clitic_at(const seg *g, size_t i) {
  size_t q = g->s[i] == '\'' ? 1 : e2(g, i, 0x80, 0x99) ? 3 : 0;
  if (!q || i + q + 1 >= g->n) return 0;
  unsigned char c = g->s[i + q];
  return (c == 's' || c == 't' || c == 'n') && space_at(g, i + q + 1);
}

/* ---- quotations (SEG_QUOTES_KEEP) --------------------------------------- */

enum { Q_NONE, Q_ASCII, Q_LEFT, Q_RIGHT, Q_LOW, Q_LGUIL, Q_RGUIL };

/* The quotation mark at i: " “ ” „ « », with its length. */
static int quote_at(const seg *g, size_t i, size_t *len) {
  const unsigned char *s = g->s;
  *len = 1;
  if (s[i] == '"') return Q_ASCII;
  *len = 2;
  if (s[i] == 0xC2 && i + 1 < g->n) return s[i + 1] == 0xAB ? Q_LGUIL : s[i + 1] == 0xBB ? Q_RGUIL : Q_NONE;
  *len = 3;
  if (e2(g, i, 0x80, 0x9C)) return Q_LEFT;
  if (e2(g, i, 0x80, 0x9D)) return Q_RIGHT;
  if (e2(g, i, 0x80, 0x9E)) return Q_LOW;
  return Q_NONE;
}

/* Does the mark "close" close a quotation opened by "open"? */
static int closes(int open, int close, const seg *g) {
  switch (open) {
  case Q_ASCII: return close == Q_ASCII;
  case Q_LEFT: return close == Q_RIGHT;
  case Q_LOW: return close == Q_LEFT || close == Q_RIGHT;
  case Q_LGUIL: return close == Q_RGUIL;
  case Q_RGUIL: return close == Q_LGUIL && (g->flags & SEG_LANG_LOW_QUOTES);
  default: return 0;
  }
}

/* With SEG_QUOTES_KEEP, is a sentence end at b inside a quotation (after
 * its opening mark, before or at its closing one)?  Quotation marks are
 * paired left to right, once each: the scan position only moves forward,
 * and a closing mark is looked for at most QUOTE_MAX bytes ahead, so this
 * stays linear.  An opening mark with no closing one in reach opens
 * nothing. */
static int quoted(seg *g, size_t b) {
  if (!g->keep_quotes) return 0;
  const unsigned char *s = g->s;
  while (g->q_scan < b && !(b > g->q_lo && b <= g->q_hi)) {
    size_t p = g->q_scan, len = 0;
    int open = Q_NONE;
    for (; (p = next_quote_byte(s, p, g->n)) < g->n; p++)
      if ((open = quote_at(g, p, &len)) != Q_NONE) break;
    g->q_scan = p;
    if (p >= b) break;
    size_t c = p + len, clen = 0, reach = p + QUOTE_MAX < g->n ? p + QUOTE_MAX + 1 : g->n;
    int close = Q_NONE;
    for (; (c = next_quote_byte(s, c, reach)) < reach; c++)
      if ((close = quote_at(g, c, &clen)) != Q_NONE) break;
    if (close != Q_NONE && closes(open, close, g)) {
      g->q_lo = p;
      g->q_hi = c;
      g->q_scan = c + clen;
    } else {
      g->q_scan = close != Q_NONE && c > p ? c : p + len;
    }
  }
  return b > g->q_lo && b <= g->q_hi;
}

/* Ends the sentence at b unless a kept quotation holds b. */
static int end_at(seg *g, size_t b) {
  if (g->keep_quotes && quoted(g, b)) return 0;
  boundary(g, b);
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
    } else if (dots && !exclaim && j + 1 < n && s[j] == ' ' &&
               (s[j + 1] == '.' || (s[j + 1] == 0xE2 && e2(g, j + 1, 0x80, 0xA6)))) {
      /* ". . ." and "… …": one space between dots continues the cluster;
       * after "?" or "!" a lone dot is more likely the start of something
       * else. */
      spaced = 1;
      j++;
    } else {
      break;
    }
  }
  size_t k = j, w;
  /* The usual ". Next" has no leader, closer or mark to look for. */
  if (nterm > 1 || k >= n || s[k] != ' ' || (g->flags & SEG_LANG_SPACED_CLOSERS)) {
    if (dots >= 4 && !exclaim && !cjk) {
      size_t e = leader_end(g, j);
      if (e) {
        /* A table of contents line is a sentence of its own, from the start
         * of its line (looked for at most 256 bytes back). */
        size_t ls = i;
        while (ls > g->sent && i - ls < 256 && s[ls - 1] != '\n' && s[ls - 1] != '\r') ls--;
        if (ls > g->sent && (s[ls - 1] == '\n' || s[ls - 1] == '\r')) break_before(g, ls);
        boundary(g, e);
        return e > g->sent ? e : g->sent;
      }
    }
    while ((w = closer_at(g, k)) != 0) k += w;
    if (g->flags & SEG_LANG_SPACED_CLOSERS) {
      /* French sets » off with a space: « Il pleut. » Puis... */
      size_t p = k;
      while (p < n && (s[p] == ' ' || (w = space_at(g, p)) == 2 || w == 3) && p - k < 8)
        p += s[p] == ' ' ? 1 : w;
      if (p > k && p < n && (s[p] == 0xC2 || s[p] == 0xE2) && (w = closer_at(g, p)) != 0) {
        k = p + w;
        while ((w = closer_at(g, k)) != 0) k += w;
      }
    }
    if (k < n && s[k] > ' ' && (s[k] == '[' || s[k] == 0xC2 || s[k] == 0xE2)) k = skip_marks(g, k);
  }
  /* CJK text has no spaces between sentences, so its stops end one
   * outright; so does anything at the end of the paragraph. */
  if (k >= n) {
    boundary(g, k);
    return k;
  }
  if (cjk) return end_at(g, k) && g->sent > k ? g->sent : k;
  if (!space_at(g, k)) {
    /* Only a bare single stop may end a sentence with no space after it:
     * after a closer ("Jr.'s") or inside "?!x" the text runs on. */
    if (k == j && nterm == 1 && dots + exclaim == 1) {
      size_t e = s[i] == '.' ? footnote_end(g, i, j) : 0;
      if (e) return end_at(g, e) ? e : j;
      if (nospace_ends(g, i, j)) {
        end_at(g, j);
        return j;
      }
    }
    return k;
  }
  size_t next = skip_space(g, k);
  int clitic = (g->flags & SEG_LANG_CLITICS) && clitic_at(g, next);
  while ((w = opener_at(g, next)) != 0) next += w;
  int cls = clitic ? C_UPPER : char_class(g, next);
  int attached = i > g->sent && !space_before(g, i);
  int ends;
  if (cls == C_END) {
    ends = 1;
  } else if (exclaim) {
    ends = cls == C_UPPER || cls == C_DIGIT;  /* "Yahoo! in", "Go!" he said */
    if (ends && nterm == 1 && s[i] == '!' && bang_name(g, i)) ends = starts_sentence(g, next);
  } else if (nterm == 1 && dots == 1) {
    ends = clitic || period_ends(g, i, next, cls);
  } else if (i > 0 && (s[i - 1] == '[' || s[i - 1] == '(')) {
    ends = 0;  /* "[...]" marks an omission (rule 47) */
  } else if (spaced && attached && dots == 4 && s[i + 1] == ' ') {
    /* "compounds. . . . The": a full stop, then an ellipsis that opens
     * the next sentence (rule 51); before anything else it all stays. */
    if (cls == C_UPPER) {
      if (quoted(g, first_end)) return k;
      boundary(g, first_end);
      return j;
    }
    ends = 0;
  } else if (attached) {
    /* "that.... She" (rule 49), "It ended. .. Then", "Wait… … Then": a
     * run of dots after a word is one ellipsis. */
    ends = cls == C_UPPER || cls == C_DIGIT;
  } else {
    /* " ..." and ". . ." after a space pause inside a sentence (rule 50),
     * unless a word that opens sentences follows ("we waited . . . Then
     * the door opened"; "I" is too common after a pause to count); a
     * fourth dot is the full stop (rule 48). */
    ends = cls == C_UPPER &&
           (dots >= 4 || (starts_sentence(g, next) && !(s[next] == 'I' && !is_alpha(s[next + 1]))));
  }
  if (ends && end_at(g, k)) return g->sent > k ? g->sent : k;
  return k;
}

/* ')' can end a list label: "1) The first item 2) The second item". */
static size_t on_paren(seg *g, size_t i) {
  if (i > 0 && g->s[i - 1] == '.') return i + 1;
  size_t r = list_label(g, i, i + 1);
  return r ? r : i + 1;
}

/* A line break inside a paragraph is white space, unless the next line
 * starts a list item; then it ends the sentence.  A separator line under
 * a line ("RESULTS\n=======") ends the sentence there. */
static size_t on_newline(seg *g, size_t i) {
  size_t j = i + 1;
  while (j < g->n && (g->s[j] == ' ' || g->s[j] == '\t' || g->s[j] == '\r')) j++;
  if (g->sent < i && j < g->n && is_rule_mark(g->s[j]) && rule_after(g, i)) {
    boundary(g, i);
    return g->sent;
  }
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

int segment(const seg_options *opt, const char *text, size_t len,
            seg_emit_fn emit, void *ud) {
  seg g;
  memset(&g, 0, sizeof g);
  g.s = (const unsigned char *)text;
  g.n = len;
  g.ab = opt ? opt->abbrevs : NULL;
  g.lang = seg_lang_get(opt ? opt->language : SEG_LANG_EN);
  g.flags = g.lang->flags;
  g.keep_quotes = opt && opt->quotes == SEG_QUOTES_KEEP;
  g.pend = SIZE_MAX;
  g.emit = emit;
  g.ud = ud;
  g.sent = skip_space(&g, 0);
  const unsigned char *s = g.s;
  size_t i = g.sent;
  /* Every handler returns a position past i and never before g.sent (a
   * sentence taken on past a separator line included), so the scan only
   * moves forward. */
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
