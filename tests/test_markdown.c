/* test_markdown.c -- Markdown documents: the CommonMark spec through the
 * document model, offsets of sentences in the source, edits inside mark-up
 * rendered in all four formats, memory limits and deep nesting. */
#include <cmark.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc.h"
#include "helpers.h"
#include "json_read.h"
#include "lede.h"

static lede_engine *eng;

static void setup(void) { cr_assert_eq(lede_engine_new(NULL, &eng), LEDE_OK); }
static void teardown(void) { lede_engine_free(eng); }

TestSuite(markdown, .init = setup, .fini = teardown, .timeout = 120);

/* ---- helpers ------------------------------------------------------------- */

static lede_doc *load_md(const char *src, size_t len) {
  lede_load_options o = {LEDE_FORMAT_MARKDOWN, LEDE_PARAS_AUTO, 0};
  lede_doc *d = NULL;
  lede_status st = lede_doc_load(eng, src, len, &o, &d);
  cr_assert_eq(st, LEDE_OK, "load failed: %s", lede_errmsg(eng));
  return d;
}

static char *render_fl(lede_doc *d, lede_format fmt, unsigned flags) {
  char *out = NULL;
  size_t n = 0;
  lede_status st = lede_doc_render(eng, d, fmt, flags, &out, &n);
  cr_assert_eq(st, LEDE_OK, "render failed: %s", lede_errmsg(eng));
  cr_assert_eq(strlen(out), n);
  return out;
}

/* cmark's own HTML of src with the default allocator.  OWNED: free(). */
static char *cmark_html(const char *src, size_t len, int opts) {
  cmark_node *doc = cmark_parse_document(src, len, CMARK_OPT_DEFAULT);
  char *html = cmark_render_html(doc, opts);
  cmark_node_free(doc);
  return html;
}

/* Runs a Lua script on a Markdown document; returns its output.  OWNED. */
static char *run_md(const char *src, const char *script) {
  lede_doc *d = load_md(src, strlen(src));
  char *out = NULL;
  size_t n = 0;
  lede_status st = lede_run_string(eng, "test", script, strlen(script), d, NULL, &out, &n);
  cr_assert_eq(st, LEDE_OK, "script failed: %s", lede_errmsg(eng));
  lede_doc_free(d);
  return out;
}

/* Asserts the output of script on src in each format: the script's
 * `FMT` is replaced by the format name. */
static HELPER_UNUSED void check_formats(const char *src, const char *edit, const char *md, const char *html,
                          const char *text, const char *json) {
  static const char *const fmts[] = {"markdown", "html", "text", "json"};
  const char *want[] = {md, html, text, json};
  for (int i = 0; i < 4; i++) {
    char script[4096];
    snprintf(script, sizeof script, "local doc = ...\n%s\nreturn doc:render('%s')", edit,
             fmts[i]);
    char *out = run_md(src, script);
    cr_assert_str_eq(out, want[i], "%s output differs\n--- got:\n%s\n--- want:\n%s", fmts[i],
                     out, want[i]);
    lede_free(out);
  }
}

static json_value *spec_examples(void) {
  size_t n;
  char *src = slurp(DATA("spec-0.30.json"), &n);
  char err[128] = "";
  json_value *v = json_parse(src, n, err, sizeof err);
  free(src);
  cr_assert_not_null(v, "spec-0.30.json: %s", err);
  cr_assert_eq(v->type, JSON_ARRAY);
  cr_assert_eq(v->count, 652, "the spec has 652 examples, got %zu", v->count);
  return v;
}

/* ---- the CommonMark spec -------------------------------------------------- */

/* Every example, loaded through the document model and rendered to HTML,
 * is exactly what cmark renders for it, with and without --unsafe. */
Test(markdown, spec_html_identity) {
  json_value *ex = spec_examples();
  for (int unsafe = 0; unsafe <= 1; unsafe++) {
    size_t same = 0;
    for (size_t i = 0; i < ex->count; i++) {
      const json_value *mdv = json_get(&ex->items[i], "markdown");
      lede_doc *d = load_md(mdv->str, mdv->len);
      char *got = render_fl(d, LEDE_FORMAT_HTML, unsafe ? LEDE_RENDER_UNSAFE : 0);
      char *want = cmark_html(mdv->str, mdv->len, unsafe ? CMARK_OPT_UNSAFE : 0);
      if (strcmp(got, want) == 0) same++;
      else
        cr_log_error("example %g differs (%s)",
                     json_get(&ex->items[i], "example")->number, unsafe ? "unsafe" : "safe");
      free(want);
      lede_free(got);
      lede_doc_free(d);
    }
    fprintf(stderr, "spec: html through the document model == cmark html (%s): %zu/652\n",
            unsafe ? "unsafe" : "safe", same);
    cr_expect_eq(same, 652);
  }
  json_free(ex);
}

/* Markdown -> lede markdown -> cmark HTML equals cmark's HTML of the
 * original at least as often as cmark's own commonmark round trip.
 * lede renders an unedited document as its source, byte for byte; the
 * edited-document path (source patches) is measured in
 * spec_patches_agree_with_tree. */
Test(markdown, spec_roundtrip) {
  json_value *ex = spec_examples();
  size_t lede_ok = 0, cmark_ok = 0;
  for (size_t i = 0; i < ex->count; i++) {
    const json_value *mdv = json_get(&ex->items[i], "markdown");
    char *want = cmark_html(mdv->str, mdv->len, CMARK_OPT_UNSAFE);
    lede_doc *d = load_md(mdv->str, mdv->len);
    char *md = render_fl(d, LEDE_FORMAT_MARKDOWN, 0);
    char *h1 = cmark_html(md, strlen(md), CMARK_OPT_UNSAFE);
    lede_ok += strcmp(h1, want) == 0;
    cmark_node *doc = cmark_parse_document(mdv->str, mdv->len, CMARK_OPT_DEFAULT);
    char *cm = cmark_render_commonmark(doc, CMARK_OPT_DEFAULT, 0);
    char *h2 = cmark_html(cm, strlen(cm), CMARK_OPT_UNSAFE);
    cmark_ok += strcmp(h2, want) == 0;
    cmark_node_free(doc);
    free(cm);
    free(h1);
    free(h2);
    free(want);
    lede_free(md);
    lede_doc_free(d);
  }
  fprintf(stderr, "spec: markdown round trip preserving cmark html: lede %zu/652, cmark %zu/652\n",
          lede_ok, cmark_ok);
  cr_expect_geq(lede_ok, cmark_ok);
  cr_expect_eq(lede_ok, 652);
  json_free(ex);
}

/* Edits every sentence of every example and renders it two ways: HTML of
 * the edited tree, and cmark's HTML of the patched Markdown source.  Both
 * must agree; returns how many examples do. */
static size_t patches_agree(const char *edit, const char *name) {
  json_value *ex = spec_examples();
  char script[1024];
  snprintf(script, sizeof script,
           "local doc = ...\n"
           "%s\n"
           "return doc:render('markdown') .. '\\0' .. doc:render('html', {unsafe = true})",
           edit);
  size_t agree = 0, edited = 0;
  for (size_t i = 0; i < ex->count; i++) {
    const json_value *mdv = json_get(&ex->items[i], "markdown");
    lede_doc *d = load_md(mdv->str, mdv->len);
    char *out = NULL;
    size_t n = 0;
    lede_status st = lede_run_string(eng, "t", script, strlen(script), d, NULL, &out, &n);
    cr_assert_eq(st, LEDE_OK, "%s", lede_errmsg(eng));
    const char *md = out, *html = out + strlen(out) + 1;
    char *h = cmark_html(md, strlen(md), CMARK_OPT_UNSAFE);
    if (strcmp(md, mdv->str) != 0) edited++;
    if (strcmp(h, html) == 0) agree++;
    else
      cr_log_warn("example %g (%s): patched markdown and edited tree disagree",
                  json_get(&ex->items[i], "example")->number, name);
    free(h);
    lede_free(out);
    lede_doc_free(d);
  }
  fprintf(stderr, "spec: markdown patches agree with the edited tree (%s): %zu/652 "
                  "(%zu examples changed)\n", name, agree, edited);
  json_free(ex);
  return agree;
}

#define EACH "for i, s in ipairs(doc.sentences) do "

Test(markdown, spec_patches_agree_with_tree) {
  cr_expect_eq(patches_agree(EACH "s.text = s.text:upper() end", "upper"), 652);
  cr_expect_eq(patches_agree(EACH "s.text = s.text:gsub('[aeiou]', '%0%0') end",
                             "double vowels"), 652);
  cr_expect_eq(patches_agree(EACH "s.text = s.text:gsub('%w+', function(w) "
                                  "return #w > 3 and '' or w end) end", "drop long words"), 652);
  cr_expect_eq(patches_agree(EACH "s.text = s.text:gsub('%a+', function(w) "
                                  "return ('\\u{2588}'):rep(#w) end) end", "redact"), 652);
  /* Removals re-read the lists of the spec's "items need not be indented
   * to the same level" examples (295, 310-313): a later item nests under
   * an earlier one once the item between them is gone. */
  cr_expect_geq(patches_agree(EACH "if i % 2 == 0 then s:remove() end end", "remove even"), 647);
  cr_expect_eq(patches_agree(EACH "s.text = 'X' end", "replace whole"), 652);
  cr_expect_geq(patches_agree("for i, p in ipairs(doc.paragraphs) do "
                             "if i % 2 == 1 then p:remove() end end", "remove odd paragraphs"), 649);
  cr_expect_geq(patches_agree("for i, p in ipairs(doc.paragraphs) do "
                              "if i % 2 == 0 then p:remove() end end", "remove even paragraphs"), 647);
}

/* For every sentence of every spec example whose text starts (ends) with
 * a letter or digit, the source byte at its start (last byte) is that
 * character: the scan found the sentence where it is. */
Test(markdown, spec_sentence_offsets) {
  json_value *ex = spec_examples();
  size_t checked = 0, bad = 0;
  const char *script =
      "local doc = ...\n"
      "local out = {}\n"
      "for _, s in ipairs(doc.sentences) do\n"
      "  local t = s.text\n"
      "  local a, z = t:sub(1, 1), t:sub(-1)\n"
      "  local src = doc.source\n"
      "  if a:match('%w') then out[#out + 1] = src:sub(s.start, s.start) == a and '+' or '-' end\n"
      "  if z:match('%w') then out[#out + 1] = src:sub(s.stop, s.stop) == z and '+' or '-' end\n"
      "end\n"
      "return table.concat(out)";
  for (size_t i = 0; i < ex->count; i++) {
    const json_value *mdv = json_get(&ex->items[i], "markdown");
    lede_doc *d = load_md(mdv->str, mdv->len);
    char *out = NULL;
    size_t n = 0;
    cr_assert_eq(lede_run_string(eng, "t", script, strlen(script), d, NULL, &out, &n), LEDE_OK,
                 "%s", lede_errmsg(eng));
    for (size_t k = 0; k < n; k++) {
      checked++;
      if (out[k] == '-') {
        bad++;
        cr_log_error("example %g: a sentence boundary is off",
                     json_get(&ex->items[i], "example")->number);
      }
    }
    lede_free(out);
    lede_doc_free(d);
  }
  fprintf(stderr, "spec: sentence start/stop on the right source byte: %zu/%zu\n",
          checked - bad, checked);
  cr_expect_eq(bad, 0);
  json_free(ex);
}
