/* redact_scan.c -- one pass over the bytes for every recognizer.  Only a
 * few bytes can start a finding (a digit or letter at a word start, '@',
 * '+', '(' and "::"), so the loop skips everything else and whole words;
 * each matcher reads ahead a bounded distance and checks its own
 * boundaries, so the scan stays linear. */
#include <string.h>
#include <utf8proc.h>

#include "budget.h"
#include "redact.h"

#define B(i) ((unsigned)(unsigned char)s[i])

/* Byte classes for the hot loops: W a letter or digit, T a byte that
 * starts a finding on its own ('@', '+', '(', ':'), M the first letter
 * of a month name. */
enum { W = 1, T = 2, M = 4 };
static const unsigned char cls[256] = {
    ['0' ... '9'] = W, ['A'] = W | M, ['B'] = W, ['C'] = W, ['D'] = W | M, ['E'] = W,
    ['F'] = W | M, ['G'] = W, ['H'] = W, ['I'] = W, ['J'] = W | M, ['K'] = W, ['L'] = W,
    ['M'] = W | M, ['N'] = W | M, ['O'] = W | M, ['P'] = W, ['Q'] = W, ['R'] = W,
    ['S'] = W | M, ['T'] = W, ['U'] = W, ['V'] = W, ['W'] = W, ['X'] = W, ['Y'] = W,
    ['Z'] = W, ['a'] = W | M, ['b'] = W, ['c'] = W, ['d'] = W | M, ['e'] = W, ['f'] = W | M,
    ['g'] = W, ['h'] = W, ['i'] = W, ['j'] = W | M, ['k'] = W, ['l'] = W, ['m'] = W | M,
    ['n'] = W | M, ['o'] = W | M, ['p'] = W, ['q'] = W, ['r'] = W, ['s'] = W | M, ['t'] = W,
    ['u'] = W, ['v'] = W, ['w'] = W, ['x'] = W, ['y'] = W, ['z'] = W, ['@'] = T, ['+'] = T,
    ['('] = T, [':'] = T};

static int isdig(unsigned c) { return c - '0' < 10u; }
static int isalp(unsigned c) { return (c | 32u) - 'a' < 26u; }
static int isaln(unsigned c) { return cls[c & 0xFF] & W; }
static int isup(unsigned c) { return c - 'A' < 26u; }
static int ishex(unsigned c) { return isdig(c) || (c | 32u) - 'a' < 6u; }
static unsigned low(unsigned c) { return isup(c) ? c + 32 : c; }

typedef struct scan {
  const char *s;
  size_t n;
  unsigned mask;
  rx_list *out;
  int failed;
  size_t best; /* furthest end of a finding from the current start */
} scan;

static void add(scan *x, size_t a, size_t b, int type) {
  if (!b || !(x->mask & (1u << type))) return;
  if (rx_push(x->out, a, b, type, type != RX_PHONE, 0)) x->failed = 1;
  if (b > x->best) x->best = b;
}

/* Length of the letter, digit or mark code point starting at s[i] (a
 * non-ASCII byte), or 0: such characters belong to words (names in
 * addresses, IDN domains); other ones (quotes, dashes, CJK punctuation)
 * end them. */
static size_t uni_word(const char *s, size_t n, size_t i) {
  utf8proc_int32_t cp;
  utf8proc_ssize_t l = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
                                        (utf8proc_ssize_t)(n - i < 4 ? n - i : 4), &cp);
  if (l <= 0) return 0;
  /* CJK text runs words together without spaces: an address or number
   * next to it must not swallow it. */
  if ((cp >= 0x2E80 && cp <= 0x9FFF) || (cp >= 0xAC00 && cp <= 0xD7AF) ||
      (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFF00 && cp <= 0xFFEF) || cp >= 0x20000)
    return 0;
  utf8proc_category_t c = utf8proc_category(cp);
  if ((c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_ME) ||
      (c >= UTF8PROC_CATEGORY_ND && c <= UTF8PROC_CATEGORY_NO))
    return (size_t)l;
  return 0;
}

/* As uni_word for the code point that ends just before s[i]. */
static size_t uni_word_back(const char *s, size_t n, size_t i) {
  size_t k = i;
  while (k > 0 && i - k < 4 && (B(k - 1) & 0xC0) == 0x80) k--;
  if (k == 0 || i - k >= 4) return 0;
  k--;
  return uni_word(s, n, k) == i - k ? i - k : 0;
}

/* ---- boundaries and context ----------------------------------------- */

/* A number starting at s[i] is not glued to what precedes it: no letter
 * or digit, no "12-" or "3." before it, no mask ("****1234"). */
/* A run of '*' or '_' ends just before s[i]: is it a mask ("****1234",
 * "j***n@") rather than Markdown emphasis ("**4111 ...**")? */
static int masked_before(const char *s, size_t i) {
  size_t k = i;
  while (k > 0 && (B(k - 1) == '*' || B(k - 1) == '_')) k--;
  return i - k >= 4 || (k > 0 && isaln(B(k - 1))) || (k > 0 && B(k - 1) == '-');
}

static int num_left(const char *s, size_t i) {
  if (i == 0) return 1;
  unsigned p = B(i - 1);
  if (isaln(p)) return 0;
  if (p == '*' || p == '_') return !masked_before(s, i);
  if ((p == '.' || p == ',') && i >= 2 && isdig(B(i - 2))) return 0;
  if ((p == '-' || p == '/') && i >= 2 && isaln(B(i - 2))) return 0;
  if (p == ':' && i >= 2 && isdig(B(i - 2))) return 0; /* "12:30" */
  return 1;
}

/* s[i] follows "12 ": one group of a longer run of spaced digits. */
static int spaced_run_before(const char *s, size_t i) {
  return i >= 2 && B(i - 1) == ' ' && isdig(B(i - 2));
}

/* Nothing after s[e) continues the number ("-12", ".5", letters). */
static int num_right(const char *s, size_t n, size_t e) {
  if (e >= n) return 1;
  unsigned c = B(e);
  if (isaln(c)) return 0;
  if ((c == '_' || c == '*') && e + 1 < n && isaln(B(e + 1))) return 0;
  if (e + 1 < n) {
    unsigned d = B(e + 1);
    if ((c == '.' || c == ',') && isdig(d)) return 0;
    if ((c == '-' || c == '/' || c == ':') && isaln(d)) return 0;
  }
  return 1;
}

/* The (up to) two words before s[i] on its line, lower-cased and
 * space-separated into w (NUL-terminated). */
static void words_before(const char *s, size_t i, char *w, size_t cap) {
  size_t k = i, lo = i > 40 ? i - 40 : 0;
  while (k > lo && (B(k - 1) == ' ' || B(k - 1) == ':' || B(k - 1) == '\t')) k--;
  size_t a = k;
  int words = 0;
  while (a > lo && words < 2) {
    while (a > lo && (isalp(B(a - 1)) || B(a - 1) == '.')) a--;
    words++;
    if (words < 2) {
      size_t b = a;
      while (b > lo && (B(b - 1) == ' ' || B(b - 1) == ':')) b--;
      if (b == a || b == lo || !isalp(B(b - 1))) break;
      a = b;
    }
  }
  size_t m = 0;
  for (size_t j = a; j < k && m + 1 < cap; j++) w[m++] = (char)low(B(j));
  w[m] = '\0';
}

/* w holds one of the words of list (space-separated, each followed by
 * a space) as a whole word. */
static int has_word(const char *w, const char *list) {
  for (const char *p = w; *p;) {
    const char *e = p;
    while (*e && *e != ' ') e++;
    size_t l = (size_t)(e - p);
    while (l && p[l - 1] == '.') l--; /* "ver." */
    for (const char *q = list; *q;) {
      const char *qe = strchr(q, ' ');
      if ((size_t)(qe - q) == l && l && memcmp(q, p, l) == 0) return 1;
      q = qe + 1;
    }
    p = *e ? e + 1 : e;
  }
  return 0;
}

/* Dotted numbers after these words are versions or section numbers. */
static const char version_words[] =
    "version versions ver v release build firmware fw kernel rev revision update upgrade "
    "upgraded patch sdk api library package section sec chapter clause rule step figure fig "
    "table item paragraph article art appendix tag python node java ios android windows "
    "macos chrome firefox edition release. netmask mask subnet ";

/* Numbers after these words are product or device codes (EAN-13 and
 * IMEI numbers pass Luhn as often as any). */
static const char code_words[] = "ean gtin upc barcode isbn imei sku tracking serial ";

/* Words that make a bare run of digits a phone number. */
static const char phone_words[] =
    "phone tel telephone call mobile mob cell cellphone fax whatsapp sms text ring dial "
    "hotline landline ph no. me m t ";

static int after_words(const char *s, size_t i, const char *list) {
  char w[48];
  words_before(s, i, w, sizeof w);
  return w[0] && has_word(w, list);
}

/* Digits of s[j..) as an int: returns their count (0 if none), up to max+1. */
static size_t digits(const char *s, size_t n, size_t j, size_t max, int *val) {
  size_t k = 0;
  int v = 0;
  while (j + k < n && isdig(B(j + k)) && k <= max) {
    if (k < 9) v = v * 10 + (int)(B(j + k) - '0'); /* only short values are used */
    k++;
  }
  *val = v;
  return k;
}

/* One white-space character at s[k] (a no-break space too): its length. */
static size_t space_at(const char *s, size_t n, size_t k) {
  if (k >= n) return 0;
  unsigned c = B(k);
  if (c == ' ' || c == '\t' || c == '\n') return 1;
  if (c == '\r') return k + 1 < n && B(k + 1) == '\n' ? 2 : 1;
  if (c == 0xC2 && k + 1 < n && B(k + 1) == 0xA0) return 2;
  return 0;
}

/* ---- CREDIT_CARD ---------------------------------------------------- */

/* Groups: "4-4-4-4", "4-4-4-4-3", "4-4-4-1", Amex "4-6-5", Diners
 * "4-6-4", or all digits together. */
static int card_layout(const size_t *g, int k) {
  if (k == 1) return 1;
  if (g[0] != 4) return 0;
  if (k == 3 && g[1] == 6 && (g[2] == 5 || g[2] == 4)) return 1;
  for (int i = 1; i < k - 1; i++)
    if (g[i] != 4) return 0;
  return g[k - 1] >= 1 && g[k - 1] <= 4;
}

static size_t m_card(const char *s, size_t n, size_t i) {
  char d[24];
  size_t nd = 0, j = i, glen[8], gend[8], len = 0;
  int ng = 0;
  unsigned sep = 0;
  for (;;) {
    while (j < n && isdig(B(j))) {
      if (nd == sizeof d) return 0;
      d[nd++] = s[j++];
      len++;
    }
    glen[ng] = len;
    gend[ng++] = j;
    len = 0;
    if (ng < 8 && j + 1 < n && (B(j) == ' ' || B(j) == '-') && isdig(B(j + 1)) &&
        (sep == 0 || sep == B(j))) {
      sep = B(j++);
      continue;
    }
    break;
  }
  /* A space-separated number may be followed by another one; a dash
   * joins everything into one token. */
  size_t tot = nd;
  for (int k = ng; k >= 1; tot -= glen[--k]) {
    if (k < ng && sep != ' ') break;
    if (tot < 13 || tot > 19 || !card_layout(glen, k)) continue;
    if (k == ng && !num_right(s, n, gend[k - 1])) break;
    if (redact_card_digits(d, tot)) return after_words(s, i, code_words) ? 0 : gend[k - 1];
  }
  return 0;
}

/* ---- US_SSN --------------------------------------------------------- */

static size_t m_ssn(const char *s, size_t n, size_t i) {
  if (i + 11 > n) return 0;
  unsigned sep = B(i + 3);
  if ((sep != '-' && sep != ' ') || B(i + 6) != sep) return 0;
  static const unsigned char pos[9] = {0, 1, 2, 4, 5, 7, 8, 9, 10};
  for (int k = 0; k < 9; k++)
    if (!isdig(B(i + pos[k]))) return 0;
  size_t e = i + 11;
  if (!num_right(s, n, e)) return 0;
  /* "123 45 6789" inside a longer run of spaced digits is not one */
  if (sep == ' ' && ((e + 1 < n && B(e) == ' ' && isdig(B(e + 1))) ||
                     (i >= 2 && B(i - 1) == ' ' && isdig(B(i - 2)))))
    return 0;
  int area, group, serial;
  digits(s, n, i, 3, &area);
  digits(s, n, i + 4, 2, &group);
  digits(s, n, i + 7, 4, &serial);
  return redact_ssn_parts(area, group, serial) ? e : 0;
}

/* ---- DATE ----------------------------------------------------------- */

static const unsigned char month_len[12] = {7, 8, 5, 5, 3, 4, 4, 6, 9, 7, 8, 8};
static const char *const month_names[12] = {
    "january", "february", "march",     "april",   "may",      "june",
    "july",    "august",   "september", "october", "november", "december"};

/* A month name or abbreviation ("Mar", "Mar.", "Sept") at s[j]: its
 * number, with *len its length; 0 when there is none. */
static int month_at(const char *s, size_t n, size_t j, size_t *len) {
  char w[10];
  size_t k = 0;
  while (j + k < n && isalp(B(j + k))) {
    if (k == sizeof w) return 0;
    w[k] = (char)low(B(j + k));
    k++;
  }
  if (k < 3) return 0;
  for (int m = 0; m < 12; m++) {
    size_t fl = month_len[m];
    if (w[0] != month_names[m][0] || w[1] != month_names[m][1] || w[2] != month_names[m][2])
      continue;
    int full = k == fl && memcmp(w, month_names[m], k) == 0;
    int abbr = !full && ((k == 3 && memcmp(w, month_names[m], 3) == 0) ||
                         (m == 8 && k == 4 && memcmp(w, "sept", 4) == 0));
    if (full || abbr) {
      *len = k + (abbr && j + k < n && B(j + k) == '.');
      return m + 1;
    }
  }
  return 0;
}

/* The first two letters (lower case) of some month's name: a cheap
 * filter before month_at on every word that could be one. */
static int month_start(unsigned a, unsigned b) {
  switch (a) {
  case 'j': return b == 'a' || b == 'u';
  case 'f': return b == 'e';
  case 'm': return b == 'a';
  case 'a': return b == 'p' || b == 'u';
  case 's': return b == 'e';
  case 'o': return b == 'c';
  case 'n': return b == 'o';
  case 'd': return b == 'e';
  default: return 0;
  }
}

/* "st", "nd", "rd", "th" after a day: its length (2) or 0. */
static size_t ordinal(const char *s, size_t n, size_t k) {
  if (k + 1 >= n) return 0;
  unsigned a = low(B(k)), b = low(B(k + 1));
  if (!((a == 's' && b == 't') || (a == 'n' && b == 'd') || (a == 'r' && b == 'd') ||
        (a == 't' && b == 'h')))
    return 0;
  return k + 2 < n && isaln(B(k + 2)) ? 0 : 2;
}

/* A four-digit year (or two digits when two_ok) at s[k]: its end, 0 if none. */
static size_t year_at(const char *s, size_t n, size_t k, int two_ok, int *y) {
  size_t l = digits(s, n, k, 4, y);
  if (l == 2 && two_ok) *y += 2000;
  else if (l != 4) return 0;
  return num_right(s, n, k + l) ? k + l : 0;
}

/* "21-Mar-2024", "21 March 2024", "3rd of June, 2021"; day already read. */
static size_t m_date_day_month(const char *s, size_t n, size_t j, int day) {
  size_t k = j + ordinal(s, n, j), l, sp;
  int m, y;
  if (k < n && B(k) == '-') {
    if (!(m = month_at(s, n, k + 1, &l)) || k + 1 + l >= n || B(k + 1 + l) != '-') return 0;
    size_t e = year_at(s, n, k + 2 + l, 1, &y);
    return e && redact_date_ok(y, m, day) ? e : 0;
  }
  if (!(sp = space_at(s, n, k))) return 0;
  k += sp;
  if (k + 2 < n && B(k) == 'o' && B(k + 1) == 'f' && B(k + 2) == ' ') k += 3;
  if (!(m = month_at(s, n, k, &l))) return 0;
  k += l;
  if (k < n && B(k) == ',') k++;
  if (!(sp = space_at(s, n, k))) return 0;
  size_t e = year_at(s, n, k + sp, 0, &y);
  return e && redact_date_ok(y, m, day) ? e : 0;
}

/* Numeric dates: ISO "2024-03-21" (also with '/' or '.'), "03/21/2024",
 * "21.03.2024", "3/21/24"; and day-first forms with a month name. */
static size_t m_date_num(const char *s, size_t n, size_t i) {
  int a, b, c;
  size_t la = digits(s, n, i, 4, &a), j = i + la;
  if (la == 3 || la > 4 || j >= n) return 0;
  unsigned sep = B(j);
  if (la <= 2 && (sep == ' ' || (sep == '-' && j + 1 < n && isalp(B(j + 1))) ||
                  ordinal(s, n, j)))
    return m_date_day_month(s, n, j, a);
  if (sep != '-' && sep != '/' && sep != '.') return 0;
  size_t lb = digits(s, n, j + 1, 2, &b);
  if (!lb || lb > 2 || j + 1 + lb >= n || B(j + 1 + lb) != sep) return 0;
  size_t k = j + 2 + lb, lc = digits(s, n, k, 4, &c), e = k + lc;
  if (la == 4) {
    if (lc == 0 || lc > 2 || !redact_date_ok(a, b, c)) return 0;
    if (e + 1 < n && B(e) == 'T' && isdig(B(e + 1))) return e; /* a time follows */
  } else {
    int y = c;
    if (lc == 2 && sep == '/') y += 2000;
    else if (lc != 4) return 0;
    if (!redact_date_ok(y, a, b) && !redact_date_ok(y, b, a)) return 0;
  }
  if (!num_right(s, n, e)) return 0;
  if (sep == '.' && after_words(s, i, version_words)) return 0;
  return e;
}

/* "March 3, 2021", "Mar. 3rd 2021". */
static size_t m_date_month_first(const char *s, size_t n, size_t i) {
  size_t l, sp;
  int m = month_at(s, n, i, &l), d, y;
  if (!m) return 0;
  size_t k = i + l;
  if (!(sp = space_at(s, n, k))) return 0;
  k += sp;
  size_t ld = digits(s, n, k, 2, &d);
  if (!ld || ld > 2) return 0;
  k += ld;
  k += ordinal(s, n, k);
  if (k < n && B(k) == ',') k++;
  if (!(sp = space_at(s, n, k))) return 0;
  size_t e = year_at(s, n, k + sp, 0, &y);
  return e && redact_date_ok(y, m, d) ? e : 0;
}

/* ---- IP_ADDRESS ----------------------------------------------------- */

/* Four decimal octets <= 255 without leading zeros; no boundary checks. */
static size_t ipv4_at(const char *s, size_t n, size_t i) {
  size_t j = i;
  for (int o = 0; o < 4; o++) {
    if (o) {
      if (j >= n || B(j) != '.') return 0;
      j++;
    }
    int v;
    size_t k = digits(s, n, j, 3, &v);
    if (k == 0 || k > 3 || v > 255 || (k > 1 && B(j) == '0')) return 0;
    j += k;
  }
  return j;
}

static size_t m_ipv4(const char *s, size_t n, size_t i) {
  size_t e = ipv4_at(s, n, i);
  if (!e) return 0;
  if (e < n) {
    unsigned c = B(e);
    if (isaln(c) || c == '_' || (c == '.' && e + 1 < n && isaln(B(e + 1)))) return 0;
  }
  return after_words(s, i, version_words) ? 0 : e;
}

/* Every RFC 4291 form: eight groups, one "::" for a run of zero groups,
 * an IPv4 tail ("::ffff:1.2.3.4"), a zone ("%eth0").  Prose has other
 * colon runs (times, MAC addresses, "std::"), so a group count must fit,
 * a decimal digit must occur, and letters must be of one case. */
static size_t m_ipv6(const char *s, size_t n, size_t i) {
  size_t j = i;
  int groups = 0, dbl = 0, digit = 0, upper = 0, lower_ = 0;
  if (B(j) == ':') {
    if (j + 1 >= n || B(j + 1) != ':') return 0;
    dbl = 1;
    j += 2;
  }
  for (;;) {
    size_t h = 0, dec = 1;
    while (j + h < n && ishex(B(j + h)) && h < 5) {
      unsigned c = B(j + h);
      if (!isdig(c)) {
        dec = 0;
        if (isup(c)) upper = 1;
        else lower_ = 1;
      } else {
        digit = 1;
      }
      h++;
    }
    if (h == 0) break;
    if (h > 4 && !dec) return 0;
    if (dec && j + h + 1 < n && B(j + h) == '.' && isdig(B(j + h + 1)) && (dbl || groups == 6)) {
      size_t e = ipv4_at(s, n, j);
      if (!e) return 0;
      groups += 2;
      j = e;
      break;
    }
    if (h > 4 || groups == 8) return 0; /* "1:2:3:..." is no address */
    groups++;
    j += h;
    if (j + 1 < n && B(j) == ':' && B(j + 1) == ':') {
      if (dbl) return 0;
      dbl = 1;
      j += 2;
      continue;
    }
    if (j + 1 < n && B(j) == ':' && ishex(B(j + 1))) {
      j++;
      continue;
    }
    break;
  }
  /* "::" alone is the unspecified address only in brackets ("[::]:80") */
  if (groups == 0 && dbl && i > 0 && B(i - 1) == '[' && j < n && B(j) == ']') return j;
  /* letters only ("dead::beef") is a word pair more often than an address */
  if (groups == 0 || (!digit && groups < 3) || (upper && lower_)) return 0;
  if (dbl ? groups > 7 : groups != 8) return 0;
  if (j + 1 < n && B(j) == '%' && isaln(B(j + 1))) /* a zone */
    for (j++; j < n && (isaln(B(j)) || B(j) == '.' || B(j) == '_'); j++) {}
  if (j < n && (isaln(B(j)) || B(j) == '_' || (B(j) == '.' && j + 1 < n && isdig(B(j + 1)))))
    return 0;
  return j;
}

/* ---- PHONE ---------------------------------------------------------- */

static int phone_sep(unsigned c) { return c == ' ' || c == '-' || c == '.' || c == '/'; }

/* An extension after a number ending at s[e): "x123", " ext. 123",
 * " ext 4": the new end, or e when there is none. */
static size_t extension(const char *s, size_t n, size_t e) {
  size_t k = e;
  if (k < n && B(k) == ' ') k++;
  if (k < n && low(B(k)) == 'x') {
    k++;
  } else if (k + 2 < n && low(B(k)) == 'e' && low(B(k + 1)) == 'x' && low(B(k + 2)) == 't') {
    k += 3;
    if (k < n && B(k) == '.') k++;
    if (k < n && B(k) == ' ') k++;
  } else {
    return e;
  }
  int v;
  size_t l = digits(s, n, k, 6, &v);
  if (l == 0 || l > 6 || (k + l < n && isaln(B(k + l)))) return e;
  return k + l;
}

/* "+44 20 7946 0958", "+1 (555) 010-9999", "+49 (0)30 901820",
 * "+4915112345678": 7 to 15 digits after the '+'. */
static size_t m_phone_intl(const char *s, size_t n, size_t i) {
  size_t j = i + 1, end = 0, prev_end = 0, last_len = 0;
  int total = 0, groups = 0;
  unsigned last_sep = 0;
  if (j >= n || !isdig(B(j)) || B(j) == '0') return 0;
  if (i > 0 && B(i - 1) == '(') { /* "(+44) 20 7946 0958" */
    int v;
    size_t l = digits(s, n, j, 3, &v);
    if (l > 3 || j + l + 1 >= n || B(j + l) != ')') return 0;
    total = (int)l;
    groups = 1;
    j += l + 1;
    end = j;
    if (B(j) == ' ' || B(j) == '-') j++;
  }
  while (j < n && groups < 9) {
    if (B(j) == '(' && groups > 0) {
      int v;
      size_t l = digits(s, n, j + 1, 5, &v);
      if (!l || l > 5 || j + 1 + l >= n || B(j + 1 + l) != ')') break;
      if (!(l == 1 && v == 0)) total += (int)l; /* "(0)": the trunk prefix */
      j += l + 2;
      groups++;
      prev_end = end;
      end = j;
      last_len = 0;
      if (j < n && (B(j) == ' ' || B(j) == '-') && j + 1 < n && isdig(B(j + 1))) j++;
      continue;
    }
    int v;
    size_t l = digits(s, n, j, 15, &v);
    if (!l) break;
    total += (int)l;
    groups++;
    j += l;
    prev_end = end;
    end = j;
    last_len = l;
    if (total > 15) return 0;
    if (j + 1 < n && phone_sep(B(j)) && (isdig(B(j + 1)) || (B(j) == ' ' && B(j + 1) == '('))) {
      last_sep = B(j);
      j++;
      continue;
    }
    if (j + 1 < n && B(j) == '(' && isdig(B(j + 1))) continue; /* "+44(0)20" */
    break;
  }
  if (groups > 1 && last_len == 1 && last_sep == ' ') { /* "+1 555 010 9999 2 days" */
    end = prev_end;
    total -= 1;
  }
  if (total < 7 || total > 15) return 0;
  end = extension(s, n, end);
  if (!num_right(s, n, end)) return 0;
  if (end < n && phone_sep(B(end)) && end + 1 < n && isdig(B(end + 1))) return 0;
  return end;
}

/* North American: "(555) 010-9999", "555-010-9999", "555.010.9999",
 * "555 010 9999", with an optional leading "1-" / "1 ". */
static size_t m_phone_nanp(const char *s, size_t n, size_t i) {
  size_t j = i;
  int v;
  /* "1-800-...", and "001-555-..." dialled from abroad */
  if (j + 4 < n && B(j) == '0' && B(j + 1) == '0' && B(j + 2) == '1' &&
      (B(j + 3) == '-' || B(j + 3) == ' ' || B(j + 3) == '.') && isdig(B(j + 4)))
    j += 4;
  else if (B(j) == '1' && j + 2 < n && (B(j + 1) == '-' || B(j + 1) == ' ' || B(j + 1) == '.') &&
           (isdig(B(j + 2)) || B(j + 2) == '('))
    j += 2;
  unsigned sep1 = 0;
  if (B(j) == '(') {
    if (digits(s, n, j + 1, 3, &v) != 3 || j + 4 >= n || B(j + 4) != ')') return 0;
    j += 5;
    if (j < n && B(j) == ' ') j++;
  } else {
    if (digits(s, n, j, 3, &v) != 3 || j + 3 >= n) return 0;
    sep1 = B(j + 3);
    if (sep1 != '-' && sep1 != '.' && sep1 != ' ') return 0;
    /* real area codes start with 2-9; written with dashes or dots, any
     * three digits read as one ("123-456-7890" in a form) */
    if (sep1 == ' ' && B(j) < '2') return 0;
    j += 4;
  }
  if (digits(s, n, j, 3, &v) != 3 || j + 3 >= n) return 0;
  unsigned sep2 = B(j + 3);
  if (sep1 ? sep2 != sep1 : (sep2 != '-' && sep2 != '.' && sep2 != ' ')) return 0;
  j += 4;
  if (digits(s, n, j, 4, &v) != 4) return 0;
  j = extension(s, n, j + 4);
  if (!num_right(s, n, j)) return 0;
  if (j + 1 < n && phone_sep(B(j)) && isdig(B(j + 1))) return 0;
  return j;
}

/* National numbers with a trunk '0': "020 7946 0958", "07700 900123",
 * "(030) 901820", "089/1234567", "01 23 45 67 89", and "0044 ..." */
static size_t m_phone_national(const char *s, size_t n, size_t i) {
  size_t j = i, end;
  int total = 0, groups = 0, v, pairs;
  unsigned sep = 0;
  if (B(j) == '(') {
    size_t l = digits(s, n, j + 1, 5, &v);
    if (l < 2 || l > 5 || B(j + 1) != '0' || j + 1 + l >= n || B(j + 1 + l) != ')') return 0;
    total = (int)l;
    pairs = 0;
    j += l + 2;
    if (j < n && B(j) == ' ') j++;
    sep = ' ';
  } else {
    size_t l = digits(s, n, j, 5, &v);
    if (l < 2 || l > 5 || B(j) != '0') return 0;
    total = (int)l;
    pairs = l == 2;
    j += l;
    if (j + 1 >= n || !phone_sep(B(j)) || !isdig(B(j + 1))) return 0;
    sep = B(j++);
  }
  groups = 1;
  end = j;
  for (;;) {
    size_t l = digits(s, n, j, 8, &v);
    if (l < 2 || l > 8) return 0;
    if (l != 2) pairs = 0;
    total += (int)l;
    groups++;
    j += l;
    end = j;
    if (j + 1 < n && isdig(B(j + 1)) &&
        (B(j) == sep || (sep == '/' && (B(j) == ' ' || B(j) == '-')) ||
         (sep == ' ' && B(j) == '-') || (sep == '-' && B(j) == ' '))) {
      if (groups == 6) return 0;
      j++;
      continue;
    }
    break;
  }
  int intl = B(i) == '0' && B(i + 1) == '0';
  /* "0044 20 7946 0958": a country code (never starting with 0), spaces */
  if (intl && (B(i + 2) == '0' || sep != ' ')) return 0;
  if (pairs && total != 10) return 0; /* "01 23 45 67 89", not lottery numbers */
  if (end - i == 11 && B(i + 3) == '-' && B(i + 6) == '-') return 0; /* an SSN's shape */
  if (intl ? (total < 10 || total > 15) : (total < 9 || total > 12)) return 0;
  return num_right(s, n, end) ? end : 0;
}

/* A bare run after a phone word: "call 5550109999", "tel: 555-0199". */
static size_t m_phone_context(const char *s, size_t n, size_t i) {
  int v;
  size_t l = digits(s, n, i, 12, &v), e = i + l;
  int ok = 0;
  if (l == 10 && B(i) >= '2') ok = 1;
  else if (l == 11 && (B(i) == '1' || B(i) == '0')) ok = 1;
  else if (l == 3 && e + 4 < n && B(e) == '-' && digits(s, n, e + 1, 4, &v) == 4) {
    e += 5;
    ok = 1;
  }
  if (!ok || !num_right(s, n, e)) return 0;
  return after_words(s, i, phone_words) ? e : 0;
}

static size_t longest(size_t a, size_t b) { return a > b ? a : b; }

/* ---- EMAIL ---------------------------------------------------------- */

static int local_char(unsigned c) {
  return isaln(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-' || c == '\'';
}

/* At the '@' s[at]: the address around it, start in *start. */
static size_t m_email(const char *s, size_t n, size_t at, size_t *start) {
  size_t k = at, l;
  while (k > 0 && at - k < 64) {
    if (B(k - 1) < 0x80) {
      if (!local_char(B(k - 1))) break;
      k--;
    } else if ((l = uni_word_back(s, n, k))) {
      k -= l;
    } else {
      break;
    }
  }
  while (k < at && (B(k) == '.' || B(k) == '-' || B(k) == '+' || B(k) == '_' || B(k) == '\'')) k++;
  if (k == at || B(at - 1) == '.') return 0;
  if (k > 0 && (B(k - 1) == '@' || (B(k - 1) == '*' && masked_before(s, k)))) return 0;
  for (size_t j = k; j + 1 < at; j++)
    if (B(j) == '.' && B(j + 1) == '.') return 0;
  /* Domain labels; ends[] holds where each label ends. */
  size_t ends[16], j = at + 1;
  int nl = 0;
  for (;;) {
    size_t ls = j;
    while (j < n) {
      if (B(j) < 0x80) {
        if (!isaln(B(j)) && B(j) != '-') break;
        j++;
      } else if ((l = uni_word(s, n, j))) {
        j += l;
      } else {
        break;
      }
    }
    if (j == ls || B(ls) == '-' || B(j - 1) == '-' || j - ls > 63) break;
    ends[nl++] = j;
    if (nl == 16 || j + 1 >= n || B(j) != '.') break;
    j++;
  }
  /* The longest domain whose last label is a top-level domain. */
  while (nl >= 2) {
    size_t ts = ends[nl - 2] + 1, te = ends[nl - 1];
    int alpha = 1;
    for (size_t t = ts; t < te; t++)
      if (isdig(B(t))) alpha = 0;
    if (alpha && redact_tld_ok(s + ts, te - ts)) break;
    nl--;
  }
  if (nl < 2) return 0;
  size_t e = ends[nl - 1];
  if (e < n && (B(e) == '@' || (B(e) == '_' && e + 1 < n && isaln(B(e + 1))))) return 0;
  /* "git@github.com:acme/x.git" is a host and a path, not an address */
  if (e + 1 < n && B(e) == ':' && (isaln(B(e + 1)) || B(e + 1) == '/')) return 0;
  *start = k;
  return e;
}

/* ---- URL ------------------------------------------------------------ */

static size_t count_byte(const char *s, size_t a, size_t b, unsigned c) {
  size_t k = 0;
  for (size_t i = a; i < b; i++) k += B(i) == c;
  return k;
}

/* "scheme://..." or "www.": up to a space, quote or angle bracket, then
 * trailing punctuation trimmed unless a bracket is balanced inside. */
static size_t m_url(const char *s, size_t n, size_t i) {
  size_t j = i, hs;
  while (j < n && j - i < 20 && (isaln(B(j)) || B(j) == '+' || B(j) == '-' || B(j) == '.')) j++;
  int www = 0;
  if (j > i && j + 3 < n && B(j) == ':' && B(j + 1) == '/' && B(j + 2) == '/') {
    hs = j + 3;
  } else if (i + 4 < n && low(B(i)) == 'w' && low(B(i + 1)) == 'w' && low(B(i + 2)) == 'w' &&
             B(i + 3) == '.') {
    hs = i + 4;
    www = 1;
  } else {
    return 0;
  }
  if (hs >= n || !(isaln(B(hs)) || B(hs) >= 0x80 || B(hs) == '[')) return 0;
  size_t e = hs, l;
  while (e < n) {
    unsigned c = B(e);
    if (c < 0x80) {
      if (c <= ' ' || c == '<' || c == '>' || c == '"' || c == '`' || c == '\\' || c == '^' ||
          c == '{' || c == '}' || c == '|' || c == 0x7F)
        break;
      e++;
    } else if ((l = uni_word(s, n, e))) {
      e += l;
    } else {
      break;
    }
  }
  /* counted once, then kept up to date while trimming: a URL ending in
   * a long run of ')' stays linear */
  size_t open_p = count_byte(s, i, e, '('), close_p = count_byte(s, i, e, ')');
  size_t open_b = count_byte(s, i, e, '['), close_b = count_byte(s, i, e, ']');
  while (e > hs) {
    unsigned c = B(e - 1);
    if (c && strchr(".,;:!?'*_~", (int)c)) e--;
    else if (c == ')' && open_p < close_p) e--, close_p--;
    else if (c == ']' && open_b < close_b) e--, close_b--;
    else break;
  }
  if (e <= hs) return 0;
  if (www) { /* "www.example" needs a dot and more after it */
    size_t d = hs;
    while (d < e && (isaln(B(d)) || B(d) == '-' || B(d) >= 0x80)) d++;
    if (d == hs || d + 1 >= e || B(d) != '.' || !isalp(B(d + 1))) return 0;
  }
  return e;
}

/* ---- IBAN ----------------------------------------------------------- */

static size_t m_iban(const char *s, size_t n, size_t i) {
  if (i + 15 > n || !isup(B(i + 1)) || !isdig(B(i + 2)) || !isdig(B(i + 3))) return 0;
  size_t j = i, k = 0;
  while (j < n && k < 34) {
    unsigned c = B(j);
    if (isup(c) || isdig(c)) {
      k++;
      j++;
    } else if (c == ' ' && k % 4 == 0 && j + 1 < n && (isup(B(j + 1)) || isdig(B(j + 1)))) {
      j++;
    } else {
      break;
    }
    if (k >= 15 && redact_iban(s + i, j - i) && (j >= n || !isaln(B(j)))) return j;
  }
  return 0;
}

/* ---- the pass ------------------------------------------------------- */

/* A word (letters and digits) starts at s[i]: tries the recognizers that
 * start with its first byte. */
static size_t at_word(scan *x, size_t i) {
  const char *s = x->s;
  size_t n = x->n, we = i;
  unsigned c = B(i), m = x->mask;
  while (we < n && isaln(B(we))) we++;
  unsigned next = we < n ? B(we) : 0;
  /* Most words are followed by a space or punctuation that no
   * recognizer continues with: decide that from the word's end first. */
  int colon_soon = next == ':' && we - i <= 4;
  if (isdig(c)) {
    /* "10.0.0.1-10.0.0.254": a range's second address */
    int left = num_left(s, i), range = !left && i >= 2 && B(i - 1) == '-' && isdig(B(i - 2));
    if (!left && !range) return we;
    if (range) {
      if (m & (1u << RX_IP_ADDRESS)) add(x, i, m_ipv4(s, n, i), RX_IP_ADDRESS);
      return we;
    }
    if (m & (1u << RX_CREDIT_CARD)) add(x, i, m_card(s, n, i), RX_CREDIT_CARD);
    if (m & (1u << RX_US_SSN)) add(x, i, m_ssn(s, n, i), RX_US_SSN);
    if (m & (1u << RX_DATE)) add(x, i, m_date_num(s, n, i), RX_DATE);
    if (m & (1u << RX_IP_ADDRESS)) {
      if (next == '.') add(x, i, m_ipv4(s, n, i), RX_IP_ADDRESS);
      if (colon_soon) add(x, i, m_ipv6(s, n, i), RX_IP_ADDRESS);
    }
    if ((m & (1u << RX_PHONE)) && !spaced_run_before(s, i)) {
      size_t e = m_phone_nanp(s, n, i);
      if (c == '0') e = longest(e, m_phone_national(s, n, i));
      if (!e) e = m_phone_context(s, n, i);
      add(x, i, e, RX_PHONE);
    }
    return we;
  }
  if (i > 0 && (B(i - 1) == '-' || B(i - 1) == '_')) return we;
  if ((m & (1u << RX_URL)) &&
      (next == ':' || next == '+' || next == '-' || next == '.'))
    add(x, i, m_url(s, n, i), RX_URL);
  if (x->best > i) return we;
  if ((m & (1u << RX_IBAN)) && isup(c) && (we - i >= 15 || (we - i == 4 && next == ' ')))
    add(x, i, m_iban(s, n, i), RX_IBAN);
  if ((m & (1u << RX_DATE)) && we - i >= 3 && we - i <= 9 &&
      (next == ' ' || next == '.' || next == '\n' || next == 0xC2) && (cls[c] & M) &&
      month_start(low(c), low(B(i + 1))))
    add(x, i, m_date_month_first(s, n, i), RX_DATE);
  if ((m & (1u << RX_IP_ADDRESS)) && colon_soon && ishex(c)) add(x, i, m_ipv6(s, n, i), RX_IP_ADDRESS);
  return we;
}

int redact_scan(const char *s, size_t n, unsigned mask, rx_list *out) {
  return redact_scan_budget(s, n, mask, out, NULL);
}

int redact_scan_budget(const char *s, size_t n, unsigned mask, rx_list *out, run_budget *b) {
  scan x = {s, n, mask, out, 0, 0};
  size_t i = 0, poll_at = RX_POLL_BYTES;
  while (i < n) {
    /* Returning, not raising: the caller owns out and frees it. */
    if (i >= poll_at) {
      if (budget_interrupted(b)) return RX_LIMIT;
      poll_at = i + RX_POLL_BYTES;
    }
    unsigned c = B(i);
    if (!cls[c]) {
      i++;
      continue;
    }
    if (isaln(c)) {
      x.best = 0;
      size_t we = i;
      if (i == 0 || !isaln(B(i - 1))) we = at_word(&x, i);
      if (x.failed) return -1;
      if (x.best > i) {
        i = x.best;
        continue;
      }
      i = we > i ? we : i + 1;
      while (i < n && isaln(B(i))) i++;
      continue;
    }
    if (c == '@' && (mask & (1u << RX_EMAIL))) {
      size_t st = 0, e = m_email(s, n, i, &st);
      if (e) {
        if (rx_push(out, st, e, RX_EMAIL, 1, 0)) return -1;
        i = e;
        continue;
      }
    } else if ((c == '+' || c == '(') && (mask & (1u << RX_PHONE)) &&
               (i == 0 || (!isaln(B(i - 1)) && B(i - 1) != '*'))) {
      size_t e = c == '+' ? m_phone_intl(s, n, i)
                 : i + 1 < n && B(i + 1) == '+'
                     ? m_phone_intl(s, n, i + 1)
                     : longest(m_phone_nanp(s, n, i), m_phone_national(s, n, i));
      if (e) {
        if (rx_push(out, i, e, RX_PHONE, 0, 0)) return -1;
        i = e;
        continue;
      }
    } else if (c == ':' && i + 1 < n && B(i + 1) == ':' && (mask & (1u << RX_IP_ADDRESS)) &&
               (i == 0 || (!isaln(B(i - 1)) && B(i - 1) != ':'))) {
      size_t e = m_ipv6(s, n, i);
      if (e) {
        if (rx_push(out, i, e, RX_IP_ADDRESS, 1, 0)) return -1;
        i = e;
        continue;
      }
    }
    i++;
  }
  return 0;
}

int redact_is(int type, const char *s, size_t n) {
  if (type < 0 || type >= RX_NTYPES || type == RX_CUSTOM || n == 0) return 0;
  rx_list l = {0};
  int ok = 0;
  if (redact_scan(s, n, 1u << type, &l) == 0)
    for (size_t k = 0; k < l.n; k++)
      if (l.v[k].start == 0 && l.v[k].end == n && l.v[k].type == type) ok = 1;
  rx_list_free(&l);
  return ok;
}
