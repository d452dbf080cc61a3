/* test_doc.c -- the document model through the C API and doc.h: loading
 * from memory and files, both plain-text paragraph conventions and their
 * detection, line endings, empty input, UTF-8 errors and repair, the offset
 * invariant on every paragraph, sentence and word of several documents,
 * the word scanner, edits and removals, and the JSON model. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc.h"
#include "helpers.h"
#include "words.h"

static lede_engine *eng;
static void setup(void) { cr_assert_eq(lede_engine_new(NULL, &eng), LEDE_OK); }
static void teardown(void) {
  lede_engine_free(eng);
  eng = NULL;
}
TestSuite(doc, .init = setup, .fini = teardown);

/* ---- helpers ------------------------------------------------------------ */

static void segment_doc(lede_doc *d) {
  size_t np, ns;
  cr_assert_eq(lede_doc_counts(eng, d, &np, &ns), LEDE_OK, "%s", lede_errmsg(eng));
  cr_assert_eq(np, d->npara);
  cr_assert_eq(ns, d->nsent);
}

/* Paragraph pi spans [start, end) and reads text. */
static void assert_para(const lede_doc *d, size_t pi, size_t start, size_t end,
                        const char *text) {
  cr_assert_lt(pi, d->npara);
  const doc_para *p = &d->paras[pi];
  cr_assert_eq(p->start, start, "paragraph %zu starts at %zu, not %zu", pi + 1, p->start, start);
  cr_assert_eq(p->end, end, "paragraph %zu ends at %zu, not %zu", pi + 1, p->end, end);
  cr_assert_eq(p->end - p->start, strlen(text));
  cr_assert(memcmp(d->src + p->start, text, strlen(text)) == 0,
            "paragraph %zu is '%.*s'", pi + 1, (int)(p->end - p->start), d->src + p->start);
}

static void assert_sent(const lede_doc *d, size_t si, size_t start, size_t end,
                        const char *text) {
  cr_assert_lt(si, d->nsent);
  const doc_sent *s = &d->sents[si];
  cr_assert_eq(s->start, start, "sentence %zu starts at %zu, not %zu", si + 1, s->start, start);
  cr_assert_eq(s->end, end, "sentence %zu ends at %zu, not %zu", si + 1, s->end, end);
  cr_assert(memcmp(d->src + s->start, text, strlen(text)) == 0 && end - start == strlen(text),
            "sentence %zu is '%.*s'", si + 1, (int)(s->end - s->start), d->src + s->start);
}

/* Paragraph texts of d joined with '|'. */
static char *para_list(const lede_doc *d) {
  dbuf b;
  dbuf_init(&b, NULL);
  for (size_t i = 0; i < d->npara; i++) {
    if (i) dbuf_putc(&b, '|');
    dbuf_put(&b, d->src + d->paras[i].start, d->paras[i].end - d->paras[i].start);
  }
  dbuf_putc(&b, '\0');
  return b.p;
}

/* The lines of s (split at \n), trimmed, non-empty ones only, with their
 * offsets: an independent oracle for one-paragraph-per-line documents. */
typedef struct span { size_t start, end; } span;
static size_t line_spans(const char *s, span *out, size_t cap) {
  size_t n = 0, i = 0, len = strlen(s);
  while (i < len) {
    size_t e = i;
    while (e < len && s[e] != '\n') e++;
    size_t a = i, b = e;
    while (a < b && (s[a] == ' ' || s[a] == '\r')) a++;
    while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\r')) b--;
    if (b > a) {
      cr_assert_lt(n, cap);
      out[n++] = (span){a, b};
    }
    i = e + 1;
  }
  return n;
}

/* Replaces every "\n" of s by nl ("\r\n" or "\r").  OWNED. */
static char *convert_newlines(const char *s, const char *nl) {
  size_t n = 0, len = strlen(s), nll = strlen(nl);
  for (size_t i = 0; i < len; i++) n += s[i] == '\n' ? nll : 1;
  char *out = malloc(n + 1), *o = out;
  for (size_t i = 0; i < len; i++) {
    if (s[i] == '\n') {
      memcpy(o, nl, nll);
      o += nll;
    } else {
      *o++ = s[i];
    }
  }
  *o = '\0';
  return out;
}

static size_t check_invariant(const lede_doc *d);

/* ---- loading -------------------------------------------------------------- */

LEAK_TEST(doc, load_from_memory, teardown) {
  const char *src = "Alpha one. Beta two.\n\nGamma three!\n";
  lede_doc *d = NULL;
  cr_assert_eq(lede_doc_load(eng, src, strlen(src), NULL, &d), LEDE_OK);
  cr_assert_eq(lede_doc_format(d), LEDE_FORMAT_TEXT);
  cr_assert_eq(d->len, strlen(src));
  cr_assert_str_eq(d->src, src);
  cr_assert_neq(d->src, src, "the source is copied");
  cr_assert_eq(d->npara, 2);
  assert_para(d, 0, 0, 20, "Alpha one. Beta two.");
  assert_para(d, 1, 22, 34, "Gamma three!");
  segment_doc(d);
  cr_assert_eq(d->nsent, 3);
  assert_sent(d, 0, 0, 10, "Alpha one.");
  assert_sent(d, 1, 11, 20, "Beta two.");
  assert_sent(d, 2, 22, 34, "Gamma three!");
  cr_assert_eq(d->sents[2].para, 1);
  cr_assert_eq(d->paras[1].first_sent, 2);
  cr_assert_eq(d->paras[1].nsent, 1);
  cr_assert_str_eq(lede_errmsg(eng), "");
  lede_doc_free(d);
}

LEAK_TEST(doc, load_from_file, teardown) {
  size_t len;
  char *src = slurp(DATA("core_news_wrapped.txt"), &len);
  lede_doc *d = NULL;
  cr_assert_eq(lede_doc_load_file(eng, DATA("core_news_wrapped.txt"), NULL, &d), LEDE_OK,
               "%s", lede_errmsg(eng));
  cr_assert_eq(d->len, len);
  cr_assert(memcmp(d->src, src, len) == 0);
  cr_assert_eq(lede_doc_format(d), LEDE_FORMAT_TEXT);
  cr_assert_eq(d->npara, 7);
  assert_para(d, 0, 0, 43, "Library Board Votes to Extend Opening Hours");
  assert_para(d, 1, 45, 61, "By Samuel Okafor");
  assert_para(d, 3, 249, 379,
              "\"People told us again and again that they could not get here before\n"
              "we closed,\" said board president Ruth Adeyemi. \"Now they can.\"");
  free(src);
  lede_doc_free(d);
}

LEAK_TEST(doc, load_missing_file, teardown) {
  lede_doc *d = (lede_doc *)1;
  cr_assert_eq(lede_doc_load_file(eng, "/nonexistent/x.txt", NULL, &d), LEDE_EIO);
  cr_assert_null(d);
  cr_assert_str_eq(lede_errmsg(eng), "/nonexistent/x.txt: cannot open: No such file or directory");
}

LEAK_TEST(doc, load_bad_arguments, teardown) {
  lede_doc *d;
  cr_assert_eq(lede_doc_load(NULL, "x", 1, NULL, &d), LEDE_EINVAL);
  cr_assert_eq(lede_doc_load(eng, "x", 1, NULL, NULL), LEDE_EINVAL);
  cr_assert_eq(lede_doc_load(eng, NULL, 1, NULL, &d), LEDE_EINVAL);
  /* NULL with length 0 is an empty document. */
  cr_assert_eq(lede_doc_load(eng, NULL, 0, NULL, &d), LEDE_OK);
  cr_assert_eq(d->npara, 0);
  lede_doc_free(d);
  lede_doc_free(NULL);
}

/* ---- paragraphs: the two conventions ------------------------------------ */

LEAK_TEST(doc, news_article_one_paragraph_per_line, teardown) {
  size_t len;
  char *src = slurp(DATA("core_news_lines.txt"), &len);
  cr_assert_eq(text_detect_mode(src, len), LEDE_PARAS_LINE);
  lede_doc *d = load_text(eng, src, LEDE_PARAS_AUTO);
  span lines[32];
  size_t n = line_spans(src, lines, 32);
  cr_assert_eq(n, 16);
  cr_assert_eq(d->npara, 16, "a 16-line article is 16 paragraphs, got %zu", d->npara);
  for (size_t i = 0; i < n; i++) {
    cr_assert_eq(d->paras[i].start, lines[i].start, "paragraph %zu", i + 1);
    cr_assert_eq(d->paras[i].end, lines[i].end, "paragraph %zu", i + 1);
  }
  assert_para(d, 0, 0, 75, "Harbour authority approves $12.8 million dredging contract for Port Wendell");
  assert_para(d, 15, 1496, 1572,
              "A public meeting is planned for Feb. 20 at the Seamen's Hall on Quay Street.");
  segment_doc(d);
  /* A sentence never crosses a paragraph (line) boundary. */
  for (size_t si = 0; si < d->nsent; si++) {
    const doc_para *p = &d->paras[d->sents[si].para];
    cr_assert(d->sents[si].start >= p->start && d->sents[si].end <= p->end);
  }
  free(src);
  lede_doc_free(d);
}

LEAK_TEST(doc, hard_wrapped_paragraphs_between_blank_lines, teardown) {
  size_t len;
  char *src = slurp(DATA("core_news_wrapped.txt"), &len);
  cr_assert_eq(text_detect_mode(src, len), LEDE_PARAS_BLANK);
  lede_doc *d = load_text(eng, src, LEDE_PARAS_AUTO);
  cr_assert_eq(d->npara, 7);
  assert_para(d, 2, 63, 247,
              "GLENHAVEN -- The Glenhaven Public Library will stay open until 9 p.m.\n"
              "on weekdays from next month, after the library board voted 5-2 on\n"
              "Monday to extend its hours for a one-year trial.");
  assert_para(d, 6, 787, 933,
              "The trial begins on Oct. 1. Details are posted at\n"
              "https://glenhaven.example.net/library/hours and questions can go to\n"
              "board@glenhaven.example.net.");
  cr_assert_eq(d->paras[6].end, len - 1, "the last paragraph ends before the final newline");
  free(src);
  lede_doc_free(d);
}

LEAK_TEST(doc, headline_and_byline_above_blank_separated_text, teardown) {
  size_t len;
  char *src = slurp(DATA("core_headline_byline.txt"), &len);
  cr_assert_eq(text_detect_mode(src, len), LEDE_PARAS_BLANK);
  lede_doc *d = load_text(eng, src, LEDE_PARAS_AUTO);
  cr_assert_eq(d->npara, 4, "got: %s", para_list(d));
  assert_para(d, 0, 0, 36, "Flood Barrier Opens Two Months Early");
  assert_para(d, 1, 37, 74, "By Hannah Weiss, Environment Reporter");
  assert_para(d, 2, 76, 280,
              "The new flood barrier on the River Tamsin was opened on Friday, two\n"
              "months ahead of schedule and slightly under its budget of \xC2\xA3"
              "41 million,\nofficials said at a ceremony attended by several hundred people.");
  /* Forcing "blank" means exactly that: the headline block is one paragraph. */
  lede_doc *b = load_text(eng, src, LEDE_PARAS_BLANK);
  cr_assert_eq(b->npara, 3);
  assert_para(b, 0, 0, 74, "Flood Barrier Opens Two Months Early\nBy Hannah Weiss, Environment Reporter");
  free(src);
  lede_doc_free(d);
  lede_doc_free(b);
}

LEAK_TEST(doc, headline_and_byline_separated_by_blank_lines, teardown) {
  /* examples/article.txt's layout: one paragraph per line with blank lines
   * between; nothing is joinable, so blank-line mode, same paragraphs. */
  const char *src = "Harbour Plan Approved\n\nBy Ann Lee\n\nThe board voted on Monday. It was close.\n\n"
                    "Work starts in May.\n";
  cr_assert_eq(text_detect_mode(src, strlen(src)), LEDE_PARAS_BLANK);
  lede_doc *d = load_text(eng, src, LEDE_PARAS_AUTO);
  char *l = para_list(d);
  cr_assert_str_eq(l, "Harbour Plan Approved|By Ann Lee|The board voted on Monday. It was close.|"
                      "Work starts in May.");
  free(l);
  lede_doc_free(d);
}

LEAK_TEST(doc, single_wrapped_paragraph_without_blank_lines, teardown) {
  size_t len;
  char *src = slurp(DATA("core_single_wrapped.txt"), &len);
  cr_assert_eq(text_detect_mode(src, len), LEDE_PARAS_BLANK);
  lede_doc *d = load_text(eng, src, LEDE_PARAS_AUTO);
  cr_assert_eq(d->npara, 1);
  cr_assert_eq(d->paras[0].start, 0);
  cr_assert_eq(d->paras[0].end, len - 1);
  free(src);
  lede_doc_free(d);
}

LEAK_TEST(doc, paragraphs_override, teardown) {
  size_t len;
  char *lines = slurp(DATA("core_news_lines.txt"), &len);
  lede_doc *d = load_text(eng, lines, LEDE_PARAS_BLANK);
  cr_assert_eq(d->npara, 1, "blank: no blank line, one paragraph");
  cr_assert_eq(d->paras[0].start, 0);
  cr_assert_eq(d->paras[0].end, len - 1, "the whole file but its final newline");
  lede_doc_free(d);
  char *wrapped = slurp(DATA("core_news_wrapped.txt"), &len);
  d = load_text(eng, wrapped, LEDE_PARAS_LINE);
  span sp[64];
  size_t n = line_spans(wrapped, sp, 64);
  cr_assert_eq(d->npara, n, "line: every non-empty line");
  cr_assert_eq(n, 17);
  for (size_t i = 0; i < n; i++) cr_assert_eq(d->paras[i].start, sp[i].start);
  assert_para(d, 3, 133, 198, "on weekdays from next month, after the library board voted 5-2 on");
  free(lines);
  free(wrapped);
  lede_doc_free(d);
}

LEAK_TEST(doc, short_lines_of_a_list_stay_in_line_mode, teardown) {
  /* Terminal punctuation at every line end: one paragraph per line. */
  const char *src = "Rain is expected on Monday.\nWinds will ease by Tuesday.\n"
                    "Temperatures stay mild all week.\n";
  cr_assert_eq(text_detect_mode(src, strlen(src)), LEDE_PARAS_LINE);
  lede_doc *d = load_text(eng, src, LEDE_PARAS_AUTO);
  cr_assert_eq(d->npara, 3);
  lede_doc_free(d);
}

/* ---- line endings --------------------------------------------------------- */

/* The document with \n replaced by nl has the same paragraphs and
 * sentences, shifted by the extra bytes before them. */
static void check_newlines(const char *file, const char *nl) {
  size_t len;
  char *lf = slurp(file, &len);
  char *other = convert_newlines(lf, nl);
  lede_doc *a = load_text(eng, lf, LEDE_PARAS_AUTO);
  lede_doc *b = load_text(eng, other, LEDE_PARAS_AUTO);
  segment_doc(a);
  segment_doc(b);
  cr_assert_eq(a->npara, b->npara, "%s with %s: %zu vs %zu paragraphs", file,
               nl[1] ? "CRLF" : "CR", a->npara, b->npara);
  cr_assert_eq(a->nsent, b->nsent);
  size_t extra = strlen(nl) - 1;
  for (size_t i = 0; i < a->npara; i++) {
    size_t before = 0; /* newlines before paragraph i in the LF text */
    for (size_t k = 0; k < a->paras[i].start; k++) before += lf[k] == '\n';
    cr_assert_eq(b->paras[i].start, a->paras[i].start + before * extra);
    char *want = malloc(a->paras[i].end - a->paras[i].start + 1);
    memcpy(want, lf + a->paras[i].start, a->paras[i].end - a->paras[i].start);
    want[a->paras[i].end - a->paras[i].start] = '\0';
    char *want_nl = convert_newlines(want, nl);
    cr_assert_eq(b->paras[i].end - b->paras[i].start, strlen(want_nl));
    cr_assert(memcmp(other + b->paras[i].start, want_nl, strlen(want_nl)) == 0);
    free(want);
    free(want_nl);
  }
  char *out = render(eng, b, LEDE_FORMAT_TEXT);
  cr_assert_str_eq(out, other, "an unedited document renders as its source");
  free(out);
  free(lf);
  free(other);
  lede_doc_free(a);
  lede_doc_free(b);
}

LEAK_TEST(doc, crlf_line_endings, teardown) {
  check_newlines(DATA("core_news_wrapped.txt"), "\r\n");
  check_newlines(DATA("core_news_lines.txt"), "\r\n");
  check_newlines(DATA("core_headline_byline.txt"), "\r\n");
}

LEAK_TEST(doc, cr_only_line_endings, teardown) {
  check_newlines(DATA("core_news_wrapped.txt"), "\r");
  check_newlines(DATA("core_news_lines.txt"), "\r");
  check_newlines(DATA("core_single_wrapped.txt"), "\r");
}

LEAK_TEST(doc, crlf_paragraph_offsets, teardown) {
  const char *src = "One line here.\r\nSecond line.\r\n\r\nNext para.\r\n";
  lede_doc *d = load_text(eng, src, LEDE_PARAS_BLANK);
  cr_assert_eq(d->npara, 2);
  assert_para(d, 0, 0, 28, "One line here.\r\nSecond line.");
  assert_para(d, 1, 32, 42, "Next para.");
  lede_doc_free(d);
  d = load_text(eng, "A.\rB.\r\rC.", LEDE_PARAS_LINE);
  cr_assert_eq(d->npara, 3);
  assert_para(d, 1, 3, 5, "B.");
  assert_para(d, 2, 7, 9, "C.");
  lede_doc_free(d);
}

LEAK_TEST(doc, unicode_white_space_and_bom, teardown) {
  /* A byte order mark is not part of the first paragraph; a line of
   * no-break or ideographic spaces is blank; U+3000 indents are trimmed. */
  const char *src = "\xEF\xBB\xBFTitle here\n\nBody. More.\n\xC2\xA0\n"
                    "\xE3\x80\x80Indented.\xE2\x80\x83\n";
  lede_doc *d = load_text(eng, src, LEDE_PARAS_BLANK);
  cr_assert_eq(d->npara, 3, "%s", para_list(d));
  assert_para(d, 0, 3, 13, "Title here");
  assert_para(d, 1, 15, 26, "Body. More.");
  assert_para(d, 2, 33, 42, "Indented.");
  segment_doc(d);
  assert_sent(d, 0, 3, 13, "Title here");
  check_invariant(d);
  char *out = render(eng, d, LEDE_FORMAT_TEXT);
  cr_assert_str_eq(out, src, "white space and the BOM are kept in the output");
  free(out);
  lede_doc_free(d);
  d = load_text(eng, "\xC2\xA0\xE3\x80\x80\n\xEF\xBB\xBF", LEDE_PARAS_AUTO);
  cr_assert_eq(d->npara, 0);
  lede_doc_free(d);
}

/* ---- empty documents ------------------------------------------------------ */

LEAK_TEST(doc, empty_document, teardown) {
  lede_doc *d = NULL;
  cr_assert_eq(lede_doc_load(eng, "", 0, NULL, &d), LEDE_OK);
  cr_assert_eq(d->npara, 0);
  size_t np = 9, ns = 9;
  cr_assert_eq(lede_doc_counts(eng, d, &np, &ns), LEDE_OK);
  cr_assert_eq(np, 0);
  cr_assert_eq(ns, 0);
  char *out = render(eng, d, LEDE_FORMAT_TEXT);
  cr_assert_str_eq(out, "");
  free(out);
  out = render(eng, d, LEDE_FORMAT_JSON);
  cr_assert_str_eq(out, "{\"format\":\"text\",\"paragraphs\":[\n]}\n");
  free(out);
  lede_doc_free(d);
}

LEAK_TEST(doc, whitespace_only_document, teardown) {
  const char *src = " \n\t\n\r\n   \r\r\n\f\n";
  for (int mode = LEDE_PARAS_AUTO; mode <= LEDE_PARAS_LINE; mode++) {
    lede_doc *d = load_text(eng, src, (lede_para_mode)mode);
    size_t np, ns;
    cr_assert_eq(lede_doc_counts(eng, d, &np, &ns), LEDE_OK);
    cr_assert_eq(np, 0, "mode %d", mode);
    cr_assert_eq(ns, 0);
    char *out = render(eng, d, LEDE_FORMAT_TEXT);
    cr_assert_str_eq(out, src, "white space renders unchanged");
    free(out);
    lede_doc_free(d);
  }
}

/* ---- UTF-8 ---------------------------------------------------------------- */

typedef struct bad_case {
  char src[32];
  size_t len;
  char msg[96];
} bad_case;

ParameterizedTestParameters(doc, invalid_utf8) {
  static bad_case cases[] = {
      {"ab\xFF" "c", 4, "<input>:1:3: invalid UTF-8 at byte offset 2 (0xFF)"},
      {"\x80", 1, "<input>:1:1: invalid UTF-8 at byte offset 0 (0x80)"},
      {"ok\xC0\x80", 4, "<input>:1:3: invalid UTF-8 at byte offset 2 (0xC0)"}, /* overlong NUL */
      {"\xE0\x80\xAF", 3, "<input>:1:1: invalid UTF-8 at byte offset 0 (0xE0)"}, /* overlong / */
      {"x\xED\xA0\x80", 4, "<input>:1:2: invalid UTF-8 at byte offset 1 (0xED)"}, /* surrogate */
      {"\xF4\x90\x80\x80", 4, "<input>:1:1: invalid UTF-8 at byte offset 0 (0xF4)"}, /* > U+10FFFF */
      {"end \xE2\x82", 6, "<input>:1:5: invalid UTF-8 at byte offset 4 (0xE2)"}, /* truncated */
      {"\xC3\xA9t\xC3\xA9\n\xC3\xBC\xFE", 9, "<input>:2:2: invalid UTF-8 at byte offset 8 (0xFE)"},
      {"a\r\nb\rc\nd\xFF", 9, "<input>:4:2: invalid UTF-8 at byte offset 8 (0xFF)"},
      {"one\ntwo\0", 8, "<input>:2:4: NUL byte at byte offset 7 (0x00)"},
      {"\0", 1, "<input>:1:1: NUL byte at byte offset 0 (0x00)"},
  };
  return cr_make_param_array(bad_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(bad_case *c, doc, invalid_utf8) {
  lede_doc *d = (lede_doc *)1;
  cr_assert_eq(lede_doc_load(eng, c->src, c->len, NULL, &d), LEDE_EUTF8);
  cr_assert_null(d);
  cr_assert_str_eq(lede_errmsg(eng), c->msg);
  teardown();
  LEAK_CHECK();
}

LEAK_TEST(doc, invalid_utf8_in_file_names_the_file, teardown) {
  char dir[256], path[300];
  make_tmpdir(dir, sizeof dir);
  snprintf(path, sizeof path, "%s/bad.txt", dir);
  spit(path, "Fine line.\r\nBad \xC3\xA9\xC3(here).\n", 26);
  lede_doc *d = NULL;
  cr_assert_eq(lede_doc_load_file(eng, path, NULL, &d), LEDE_EUTF8);
  char want[400];
  snprintf(want, sizeof want, "%s:2:6: invalid UTF-8 at byte offset 18 (0xC3)", path);
  cr_assert_str_eq(lede_errmsg(eng), want);
  remove_tmpdir(dir);
}

LEAK_TEST(doc, replace_invalid_with_u_fffd, teardown) {
  /* One U+FFFD per maximal invalid subpart, as Python and WHATWG decode. */
  static const char src[] = "a\xFF" "b\0c\xE2\x82!\xED\xA0\x80.";
  lede_load_options o = {.format = LEDE_FORMAT_TEXT, .paragraphs = LEDE_PARAS_AUTO,
                         .flags = LEDE_LOAD_REPLACE_INVALID};
  lede_doc *d = NULL;
  cr_assert_eq(lede_doc_load(eng, src, sizeof src - 1, &o, &d), LEDE_OK);
  static const char want[] = "a\xEF\xBF\xBD" "b\xEF\xBF\xBD" "c\xEF\xBF\xBD!"
                             "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD.";
  cr_assert_eq(d->len, sizeof want - 1);
  cr_assert(memcmp(d->src, want, d->len) == 0);
  cr_assert_eq(d->npara, 1);
  assert_para(d, 0, 0, sizeof want - 1, want);
  lede_doc_free(d);
}

/* ---- the offset invariant ------------------------------------------------- */

static int is_ws(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static int is_alnum(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

typedef struct word_check {
  const lede_doc *d;
  const char *text;
  size_t n, prev_end, count;
} word_check;

static int check_word(void *ud, size_t start, size_t end) {
  word_check *w = ud;
  cr_assert_lt(start, end, "empty word");
  cr_assert_leq(end, w->n);
  cr_assert_geq(start, w->prev_end, "words overlap or go backwards");
  cr_assert(((unsigned char)w->text[start] & 0xC0) != 0x80, "word starts inside a character");
  cr_assert(end == w->n || ((unsigned char)w->text[end] & 0xC0) != 0x80,
            "word ends inside a character");
  for (size_t i = start; i < end; i++)
    cr_assert(!is_ws((unsigned char)w->text[i]), "white space inside word '%.*s'",
              (int)(end - start), w->text + start);
  unsigned char first = (unsigned char)w->text[start], last = (unsigned char)w->text[end - 1];
  cr_assert(first >= 0x80 || is_alnum(first),
            "word '%.*s' starts with punctuation", (int)(end - start), w->text + start);
  cr_assert(last >= 0x80 || is_alnum(last) || last == '.',
            "word '%.*s' ends with punctuation", (int)(end - start), w->text + start);
  w->prev_end = end;
  w->count++;
  return 0;
}

/* Checks every paragraph, sentence and word of d: ranges in order, inside
 * their parent, on character boundaries, trimmed, and the source bytes are
 * the item's text; between sentences there is only white space. */
static size_t check_invariant(const lede_doc *d) {
  size_t words = 0, prev_end = 0;
  for (size_t pi = 0; pi < d->npara; pi++) {
    const doc_para *p = &d->paras[pi];
    cr_assert_lt(p->start, p->end, "paragraph %zu is empty", pi + 1);
    cr_assert_leq(p->end, d->len);
    cr_assert_geq(p->start, prev_end);
    cr_assert(!is_ws((unsigned char)d->src[p->start]) && !is_ws((unsigned char)d->src[p->end - 1]),
              "paragraph %zu is not trimmed", pi + 1);
    cr_assert_eq(p->tstart, p->start, "plain text: text and source coordinates agree");
    prev_end = p->end;
    size_t pos = p->start;
    for (size_t k = 0; k < p->nsent; k++) {
      size_t si = p->first_sent + k;
      const doc_sent *s = &d->sents[si];
      cr_assert_eq(s->para, pi);
      cr_assert_lt(s->start, s->end);
      cr_assert_geq(s->start, pos, "sentence %zu overlaps the one before", si + 1);
      cr_assert_leq(s->end, p->end, "sentence %zu leaves its paragraph", si + 1);
      for (size_t i = pos; i < s->start; i++)
        cr_assert(is_ws((unsigned char)d->src[i]), "byte %zu between sentences is not white space", i);
      cr_assert(((unsigned char)d->src[s->start] & 0xC0) != 0x80);
      cr_assert(s->end == d->len || ((unsigned char)d->src[s->end] & 0xC0) != 0x80);
      cr_assert(!is_ws((unsigned char)d->src[s->start]) && !is_ws((unsigned char)d->src[s->end - 1]));
      /* source[start..end) == text, for both coordinates */
      cr_assert_eq(s->tstart, s->start);
      cr_assert_eq(s->tend, s->end);
      dbuf b;
      dbuf_init(&b, NULL);
      doc_sent_text(d, si, &b);
      cr_assert_eq(b.n, s->end - s->start);
      cr_assert(memcmp(b.p, d->src + s->start, b.n) == 0);
      word_check w = {d, b.p, b.n, 0, 0};
      cr_assert_eq(words_scan(b.p, b.n, check_word, &w), 0);
      words += w.count;
      dbuf_free(&b);
      pos = s->end;
    }
    for (size_t i = pos; i < p->end; i++)
      cr_assert(is_ws((unsigned char)d->src[i]), "byte %zu after the last sentence", i);
  }
  return words;
}

typedef struct inv_case {
  char file[48];
  char nl[3]; /* "" keeps \n */
  int mode;
} inv_case;

ParameterizedTestParameters(doc, offset_invariant) {
  static inv_case cases[] = {
      {"core_news_lines.txt", "", LEDE_PARAS_AUTO},
      {"core_news_lines.txt", "\r\n", LEDE_PARAS_AUTO},
      {"core_news_lines.txt", "", LEDE_PARAS_BLANK},
      {"core_news_wrapped.txt", "", LEDE_PARAS_AUTO},
      {"core_news_wrapped.txt", "\r", LEDE_PARAS_AUTO},
      {"core_news_wrapped.txt", "", LEDE_PARAS_LINE},
      {"core_headline_byline.txt", "\r\n", LEDE_PARAS_AUTO},
      {"core_single_wrapped.txt", "", LEDE_PARAS_AUTO},
      {"core_unicode.txt", "", LEDE_PARAS_AUTO},
      {"core_unicode.txt", "\r\n", LEDE_PARAS_LINE},
  };
  return cr_make_param_array(inv_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(inv_case *c, doc, offset_invariant) {
  char path[256];
  snprintf(path, sizeof path, "%s/tests/data/%s", LEDE_ROOT, c->file);
  size_t len;
  char *src = slurp(path, &len);
  if (c->nl[0]) {
    char *conv = convert_newlines(src, c->nl);
    free(src);
    src = conv;
  }
  lede_doc *d = load_text(eng, src, (lede_para_mode)c->mode);
  segment_doc(d);
  cr_assert_gt(d->nsent, 0);
  size_t words = check_invariant(d);
  cr_assert_gt(words, d->nsent);
  free(src);
  lede_doc_free(d);
  teardown();
  LEAK_CHECK();
}

LEAK_TEST(doc, offset_invariant_of_the_example_article, teardown) {
  lede_doc *d = NULL;
  cr_assert_eq(lede_doc_load_file(eng, LEDE_ROOT "/examples/article.txt", NULL, &d), LEDE_OK);
  segment_doc(d);
  cr_assert_eq(d->npara, 8);
  check_invariant(d);
  lede_doc_free(d);
}

/* The load options say how the document is segmented; a language lede
 * has no rules for is refused with a message. */
LEAK_TEST(doc, load_options_set_language_and_quotes, teardown) {
  const char *t = "Am 3. Oktober rief sie: \"Halt. Sofort!\" Er kam.";
  lede_load_options o = {.format = LEDE_FORMAT_TEXT, .language = "de", .quotes = LEDE_QUOTES_KEEP};
  lede_doc *d = NULL;
  cr_assert_eq(lede_doc_load(eng, t, strlen(t), &o, &d), LEDE_OK);
  size_t np, ns;
  cr_assert_eq(lede_doc_counts(eng, d, &np, &ns), LEDE_OK);
  cr_assert_eq(ns, 2);
  lede_doc_free(d);
  o.language = NULL;
  o.quotes = LEDE_QUOTES_DEFAULT;
  cr_assert_eq(lede_doc_load(eng, t, strlen(t), &o, &d), LEDE_OK);
  cr_assert_eq(lede_doc_counts(eng, d, &np, &ns), LEDE_OK);
  cr_assert_eq(ns, 4);
  lede_doc_free(d);
  o.language = "tlh";
  cr_assert_eq(lede_doc_load(eng, t, strlen(t), &o, &d), LEDE_EINVAL);
  cr_assert_null(d);
  cr_assert_str_eq(lede_errmsg(eng),
                   "<input>: load options: no sentence rules for the language 'tlh' "
                   "(known: en, de, fr, es, it, nl)");
  cr_assert_str_eq(lede_language("NL"), "nl");
  cr_assert_null(lede_language("tlh"));
}

/* Paragraphs of punctuation, numbers or a lone quote still belong to
 * sentences: no byte of a paragraph is outside every sentence. */
LEAK_TEST(doc, odd_paragraphs_are_covered_by_sentences, teardown) {
  lede_doc *d = load_text(eng, "Title\n\n* * *\n\n---\n\n...\n\n12\n\n\"\n\n\xE2\x80\x94\n",
                          LEDE_PARAS_AUTO);
  segment_doc(d);
  cr_assert_eq(d->npara, 7);
  check_invariant(d);
  for (size_t i = 0; i < d->npara; i++) cr_assert_geq(d->paras[i].nsent, 1, "paragraph %zu", i + 1);
  lede_doc_free(d);
}

LEAK_TEST(doc, sentences_of_a_unicode_document, teardown) {
  size_t len;
  char *src = slurp(DATA("core_unicode.txt"), &len);
  lede_doc *d = load_text(eng, src, LEDE_PARAS_AUTO);
  segment_doc(d);
  cr_assert_eq(d->npara, 4);
  cr_assert_eq(d->nsent, 9);
  assert_sent(d, 0, 0, 73, "Z\xC3\xBCrich\xE2\x80\x99s \xE2\x80\x9Cna\xC3\xAFve\xE2\x80\x9D budget "
                           "\xE2\x80\x94 council approves CHF 2.4 billion plan");
  assert_sent(d, 2, 163, 226, "\xE2\x80\x9CIt\xE2\x80\x99s a fair compromise,\xE2\x80\x9D said "
                              "Councillor Ana\xC3\xAFs M\xC3\xBCller.");
  assert_sent(d, 4, 266, 311, "\xE6\x9D\xB1\xE4\xBA\xAC\xE9\x83\xBD\xE3\x81\xAF\xE6\x96\xB0"
                              "\xE3\x81\x97\xE3\x81\x84\xE8\xA8\x88\xE7\x94\xBB\xE3\x82\x92"
                              "\xE7\x99\xBA\xE8\xA1\xA8\xE3\x81\x97\xE3\x81\x9F\xE3\x80\x82");
  assert_sent(d, 8, 429, 444, "Nobody knows\xE2\x80\xA6");
  free(src);
  lede_doc_free(d);
}

/* ---- words ---------------------------------------------------------------- */

typedef struct word_join {
  const char *text;
  dbuf out;
} word_join;

static int join_word(void *ud, size_t start, size_t end) {
  word_join *j = ud;
  if (j->out.n) dbuf_putc(&j->out, '|');
  dbuf_put(&j->out, j->text + start, end - start);
  return 0;
}

/* The words of s joined with '|'.  OWNED. */
static char *words_of(const char *s) {
  word_join j = {s, {0}};
  dbuf_init(&j.out, NULL);
  cr_assert_eq(words_scan(s, strlen(s), join_word, &j), 0);
  dbuf_putc(&j.out, '\0');
  return j.out.p;
}

typedef struct word_case {
  char in[64];
  char want[96];
} word_case;

ParameterizedTestParameters(doc, words) {
  static word_case cases[] = {
      {"don't", "don't"},
      {"Don\xE2\x80\x99t stop", "Don\xE2\x80\x99t|stop"},
      {"O'Neill's plan", "O'Neill's|plan"},
      {"co-operate", "co-operate"},
      {"a well-known, long-term deal", "a|well-known|long-term|deal"},
      {"COVID-19 cases", "COVID-19|cases"},
      {"the U.S. Army", "the|U.S.|Army"},
      {"in the U.S.", "in|the|U.S."},
      {"at 11 p.m. sharp", "at|11|p.m.|sharp"},
      {"a Ph.D. and an M.Sc., e.g. two", "a|Ph.D.|and|an|M.Sc.|e.g.|two"},
      {"I.B.M. or U.S.A.", "I.B.M.|or|U.S.A."},
      {"x.y and Ph.D without the dot", "x|y|and|Ph|D|without|the|dot"},
      {"end.Next.", "end|Next"},
      {"rose 3.5 per cent", "rose|3.5|per|cent"},
      {"1,000 people", "1,000|people"},
      {"$1,250.75 each", "1,250.75|each"},
      {"It cost 3.14.", "It|cost|3.14"},
      {"Hello, world!", "Hello|world"},
      {"-- ... !!! ?? \xE2\x80\x94 \xE2\x80\xA6 ()", ""},
      {"", ""},
      {"Z\xC3\xBCrich", "Z\xC3\xBCrich"},
      {"na\xC3\xAFve", "na\xC3\xAFve"},
      {"nai\xCC\x88ve (decomposed)", "nai\xCC\x88ve|decomposed"},
      {"S\xC3\xA3o Paulo", "S\xC3\xA3o|Paulo"},
      {"\xE6\x9D\xB1\xE4\xBA\xAC\xE3\x81\xAF\xE5\xA4\xA7\xE3\x81\x8D\xE3\x81\x84\xE3\x80\x82"
       "\xE5\xA4\xA7\xE9\x98\xAA",
       "\xE6\x9D\xB1\xE4\xBA\xAC\xE3\x81\xAF\xE5\xA4\xA7\xE3\x81\x8D\xE3\x81\x84|"
       "\xE5\xA4\xA7\xE9\x98\xAA"},
      {"Tenants' Assn.", "Tenants|Assn"},
      {"rock 'n' roll", "rock|n|roll"},
      {"e-mail info@port.example.org", "e-mail|info|port|example|org"},
      {"well- and ill-", "well|and|ill"},
      {"x2 and 2x", "x2|and|2x"},
  };
  return cr_make_param_array(word_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(word_case *c, doc, words) {
  char *got = words_of(c->in);
  cr_assert_str_eq(got, c->want, "words of '%s'", c->in);
  free(got);
  teardown();
  LEAK_CHECK();
}

/* ---- edits and removals through the C model -------------------------------- */

static const char edit_src[] =
    "First one. First two. First three.\n\nSecond one. Second two.\n\nThird one.\n";

static lede_doc *edit_doc(void) {
  lede_doc *d = load_text(eng, edit_src, LEDE_PARAS_AUTO);
  segment_doc(d);
  cr_assert_eq(d->npara, 3);
  cr_assert_eq(d->nsent, 6);
  return d;
}

static void assert_render(lede_doc *d, const char *want) {
  char *out = render(eng, d, LEDE_FORMAT_TEXT);
  cr_assert_str_eq(out, want);
  free(out);
}

LEAK_TEST(doc, render_unedited_is_identity, teardown) {
  lede_doc *d = edit_doc();
  assert_render(d, edit_src);
  lede_doc_free(d);
}

LEAK_TEST(doc, replace_whole_sentence, teardown) {
  lede_doc *d = edit_doc();
  cr_assert_eq(doc_sent_replace(d, 1, 0, doc_sent_textlen(d, 1), "2nd.", 4), 0);
  assert_render(d, "First one. 2nd. First three.\n\nSecond one. Second two.\n\nThird one.\n");
  /* Every other item keeps its offsets. */
  assert_sent(d, 2, 22, 34, "First three.");
  assert_sent(d, 3, 36, 47, "Second one.");
  cr_assert_eq(d->sents[1].start, 11);
  cr_assert_eq(d->sents[1].end, 21);
  lede_doc_free(d);
}

LEAK_TEST(doc, replace_parts_repeatedly, teardown) {
  lede_doc *d = edit_doc();
  /* "Second one." -> insert at 0, replace inside, append at the end */
  cr_assert_eq(doc_sent_replace(d, 3, 0, 0, ">> ", 3), 0);
  cr_assert_eq(doc_sent_replace(d, 3, 3, 9, "2nd", 3), 0);  /* "Second" */
  size_t n = doc_sent_textlen(d, 3);
  cr_assert_eq(n, 11);
  cr_assert_eq(doc_sent_replace(d, 3, n - 1, n, "!!", 2), 0); /* the final "." */
  cr_assert_eq(doc_sent_replace(d, 3, 1, 4, "", 0), 0);       /* ">> 2nd" -> ">nd" */
  dbuf b;
  dbuf_init(&b, NULL);
  doc_sent_text(d, 3, &b);
  dbuf_putc(&b, '\0');
  cr_assert_str_eq(b.p, ">nd one!!");
  dbuf_free(&b);
  assert_render(d, "First one. First two. First three.\n\n>nd one!! Second two.\n\nThird one.\n");
  lede_doc_free(d);
}

/* A sentence's first edit comes from the document's edit pool, charged
 * per chunk (the first is 1 KiB); editing the same sentence again, whole
 * or in parts, takes nothing more from it (only the grown edit list and
 * the latest text are held), and everything charged is credited when the
 * document goes. */
LEAK_TEST(doc, edit_pool_is_charged_once_per_sentence, teardown) {
  lede_doc *d = edit_doc();
  run_budget b;
  budget_start(&b, (size_t)1 << 20, 0, 0, NULL);
  d->budget = &b;
  cr_assert_eq(doc_sent_replace(d, 1, 0, doc_sent_textlen(d, 1), "2nd.", 4), 0);
  size_t pooled = b.used;
  cr_assert_eq(pooled, 1024, "a first edit takes the first pool chunk, not %zu bytes", pooled);
  for (int i = 0; i < 100000; i++) {
    const char *t = i % 2 ? "Odd one." : "Even.";
    cr_assert_eq(doc_sent_replace(d, 1, 0, doc_sent_textlen(d, 1), t, strlen(t)), 0);
  }
  /* the second edit outgrew the pooled block: the list was malloc'd with
   * room for two, and holds the latest text */
  cr_assert_eq(b.used, pooled + sizeof(doc_edits) + 2 * sizeof(doc_edit) + sizeof "Odd one.",
               "%zu bytes held", b.used);
  cr_assert_eq(doc_sent_replace(d, 1, 0, 0, ">> ", 3), 0);
  cr_assert_eq(doc_sent_replace(d, 1, 6, 7, "!", 1), 0);
  cr_assert_lt(b.used, pooled + 256);
  assert_render(d, "First one. >> Odd!one. First three.\n\nSecond one. Second two.\n\nThird one.\n");
  /* a second sentence's first edit shares the chunk */
  cr_assert_eq(doc_sent_replace(d, 2, 0, 5, "Fifth", 5), 0);
  cr_assert_lt(b.used, pooled + 256);
  lede_doc_free(d);
  cr_assert_eq(b.used, 0, "%zu bytes still charged", b.used);
}

/* A long first edit does not stay in the document once a later edit of
 * its sentence replaces it: a script that sets every sentence to 100 KB
 * and then back to a word must not hold 100 KB per sentence until the
 * document goes (the pool keeps only small first edits). */
LEAK_TEST(doc, a_long_first_edit_is_freed_when_replaced, teardown) {
  lede_doc *d = edit_doc();
  run_budget b;
  budget_start(&b, (size_t)64 << 20, 0, 0, NULL);
  d->budget = &b;
  size_t n = 100000;
  char *big = malloc(n);
  cr_assert_not_null(big);
  memset(big, 'a', n);
  for (size_t si = 0; si < d->nsent; si++) {
    cr_assert_eq(doc_sent_replace(d, si, 0, doc_sent_textlen(d, si), big, n), 0);
    cr_assert_eq(doc_sent_replace(d, si, 0, doc_sent_textlen(d, si), "x.", 2), 0);
    cr_assert_lt(b.used, (size_t)4 << 10, "sentence %zu: %zu bytes held", si + 1, b.used);
  }
  free(big);
  assert_render(d, "x. x. x.\n\nx. x.\n\nx.\n");
  lede_doc_free(d);
  cr_assert_eq(b.used, 0, "%zu bytes still charged", b.used);
}

LEAK_TEST(doc, remove_sentences, teardown) {
  lede_doc *d = edit_doc();
  doc_sent_remove(d, 0);
  assert_render(d, "First two. First three.\n\nSecond one. Second two.\n\nThird one.\n");
  doc_sent_remove(d, 2);
  assert_render(d, "First two.\n\nSecond one. Second two.\n\nThird one.\n");
  doc_sent_remove(d, 2); /* twice is harmless */
  cr_assert_eq(d->nremoved_sents, 2);
  lede_doc_free(d);
  d = edit_doc();
  doc_sent_remove(d, 1); /* a middle one takes the space after it */
  assert_render(d, "First one. First three.\n\nSecond one. Second two.\n\nThird one.\n");
  lede_doc_free(d);
}

LEAK_TEST(doc, removing_every_sentence_removes_the_paragraph, teardown) {
  lede_doc *d = edit_doc();
  doc_sent_remove(d, 3);
  cr_assert_eq(d->paras[1].flags & ITEM_REMOVED, 0);
  doc_sent_remove(d, 4);
  cr_assert_eq(d->paras[1].flags & ITEM_REMOVED, ITEM_REMOVED);
  cr_assert_eq(d->nremoved_paras, 1);
  assert_render(d, "First one. First two. First three.\n\nThird one.\n");
  lede_doc_free(d);
}

LEAK_TEST(doc, remove_paragraphs, teardown) {
  lede_doc *d = edit_doc();
  doc_para_remove(d, 1);
  cr_assert_eq(d->sents[3].flags & ITEM_REMOVED, ITEM_REMOVED);
  cr_assert_eq(d->sents[4].flags & ITEM_REMOVED, ITEM_REMOVED);
  assert_render(d, "First one. First two. First three.\n\nThird one.\n");
  doc_para_remove(d, 2);
  assert_render(d, "First one. First two. First three.\n");
  doc_para_remove(d, 0);
  assert_render(d, "\n");
  cr_assert_eq(d->nremoved_paras, 3);
  lede_doc_free(d);
  d = edit_doc();
  doc_para_remove(d, 0);
  assert_render(d, "Second one. Second two.\n\nThird one.\n");
  lede_doc_free(d);
}

LEAK_TEST(doc, remove_paragraph_before_segmentation, teardown) {
  lede_doc *d = load_text(eng, edit_src, LEDE_PARAS_AUTO);
  doc_para_remove(d, 0);
  segment_doc(d);
  cr_assert_eq(d->nremoved_sents, 3, "its sentences count as removed");
  for (size_t i = 0; i < 3; i++) cr_assert_eq(d->sents[i].flags & ITEM_REMOVED, ITEM_REMOVED);
  cr_assert_eq(d->sents[3].flags & ITEM_REMOVED, 0);
  assert_render(d, "Second one. Second two.\n\nThird one.\n");
  lede_doc_free(d);
}

LEAK_TEST(doc, edit_and_remove_in_one_paragraph, teardown) {
  lede_doc *d = edit_doc();
  cr_assert_eq(doc_sent_replace(d, 2, 0, 5, "Last", 4), 0);
  doc_sent_remove(d, 1);
  cr_assert_eq(doc_sent_replace(d, 5, 0, 5, "", 0), 0);
  assert_render(d, "First one. Last three.\n\nSecond one. Second two.\n\n one.\n");
  lede_doc_free(d);
}

LEAK_TEST(doc, edits_keep_crlf_layout, teardown) {
  const char *src = "Alpha one.\r\nAlpha two.\r\n\r\nBeta one. Beta two.\r\n";
  lede_doc *d = load_text(eng, src, LEDE_PARAS_BLANK);
  segment_doc(d);
  cr_assert_eq(d->npara, 2, "%s", para_list(d));
  cr_assert_eq(doc_sent_replace(d, 3, 0, 4, "B", 1), 0);
  doc_sent_remove(d, 0);
  assert_render(d, "Alpha two.\r\n\r\nBeta one. B two.\r\n");
  lede_doc_free(d);
}

/* ---- rendering: JSON and HTML --------------------------------------------- */

LEAK_TEST(doc, json_render, teardown) {
  const char *src = "Alpha one. Beta two.\n\nGamma \"three\" \\ \xC3\xA9.\n\nDelta.\n";
  lede_doc *d = load_text(eng, src, LEDE_PARAS_AUTO);
  segment_doc(d);
  cr_assert_eq(doc_sent_replace(d, 1, 5, 8, "2", 1), 0);
  doc_para_remove(d, 2);
  char *out = render(eng, d, LEDE_FORMAT_JSON);
  cr_assert_str_eq(out,
      "{\"format\":\"text\",\"paragraphs\":[\n"
      "{\"index\":1,\"kind\":\"paragraph\",\"start\":0,\"end\":20,\"text\":\"Alpha one. Beta 2.\","
      "\"sentences\":[{\"index\":1,\"start\":0,\"end\":10,\"text\":\"Alpha one.\"},"
      "{\"index\":2,\"start\":11,\"end\":20,\"text\":\"Beta 2.\",\"edited\":true}]},\n"
      "{\"index\":2,\"kind\":\"paragraph\",\"start\":22,\"end\":41,"
      "\"text\":\"Gamma \\\"three\\\" \\\\ \xC3\xA9.\",\"sentences\":[{\"index\":3,\"start\":22,"
      "\"end\":41,\"text\":\"Gamma \\\"three\\\" \\\\ \xC3\xA9.\"}]}\n"
      "]}\n");
  free(out);
  lede_doc_free(d);
}

LEAK_TEST(doc, html_render_of_text, teardown) {
  const char *src = "Fish & <chips>.\n\nSaid \"no\".\n";
  lede_doc *d = load_text(eng, src, LEDE_PARAS_AUTO);
  char *out = render(eng, d, LEDE_FORMAT_HTML);
  cr_assert_str_eq(out, "<p>Fish &amp; &lt;chips&gt;.</p>\n<p>Said &quot;no&quot;.</p>\n");
  free(out);
  lede_doc_free(d);
}

/* A standalone page of a text document: the first paragraph, short and on
 * one line, is the title; everything is escaped; the page frame is the one
 * Markdown pages use. */
LEAK_TEST(doc, standalone_html_of_text, teardown) {
  const char *src = "Fish & <chips>\n\nSaid \"no\".\n";
  lede_doc *d = load_text(eng, src, LEDE_PARAS_AUTO);
  char *out = NULL;
  size_t n = 0;
  cr_assert_eq(lede_doc_render(eng, d, LEDE_FORMAT_HTML, LEDE_RENDER_STANDALONE, &out, &n), LEDE_OK);
  const char *head = "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n"
                     "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                     "<title>Fish &amp; &lt;chips&gt;</title>\n<style>\n";
  const char *body = "</style>\n</head>\n<body>\n<p>Fish &amp; &lt;chips&gt;</p>\n"
                     "<p>Said &quot;no&quot;.</p>\n</body>\n</html>\n";
  cr_assert(strncmp(out, head, strlen(head)) == 0, "%s", out);
  cr_assert(n > strlen(body) && strcmp(out + n - strlen(body), body) == 0, "%s", out);
  lede_free(out);
  /* A long first paragraph is no title. */
  lede_doc_free(d);
  d = load_text(eng, "This first paragraph is far too long to be the title of a page, so the page "
                     "gets the neutral title that says nothing about the text at all.\n", LEDE_PARAS_AUTO);
  cr_assert_eq(lede_doc_render(eng, d, LEDE_FORMAT_HTML, LEDE_RENDER_STANDALONE, &out, &n), LEDE_OK);
  cr_assert(strstr(out, "<title>Document</title>") != NULL, "%s", out);
  lede_free(out);
  lede_doc_free(d);
}
