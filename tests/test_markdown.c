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
#include "md_internal.h"

static lede_engine *eng;

static void setup(void) { cr_assert_eq(lede_engine_new(NULL, &eng), LEDE_OK); }
static void teardown(void) { lede_engine_free(eng); }

TestSuite(markdown, .init = setup, .fini = teardown, .timeout = 120);

/* ---- helpers ------------------------------------------------------------- */

static lede_doc *load_md(const char *src, size_t len) {
  lede_load_options o = {.format = LEDE_FORMAT_MARKDOWN, .paragraphs = LEDE_PARAS_AUTO};
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
static void check_formats(const char *src, const char *edit, const char *md, const char *html,
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
      /* counted and checked below; cr_log_warn would fail the run */
      fprintf(stderr, "  example %g (%s): patched markdown and edited tree disagree\n",
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

/* ---- edits inside mark-up, in all four formats ------------------------------ */

Test(markdown, edit_inside_strong) {
  check_formats("A **bold words** test. Another *one* here.\n",
      "local s = doc.sentences[1]; local i = s.text:find('words'); s:replace(i, i + 4, 'text')",
      /* markdown */ "A **bold text** test. Another *one* here.\n",
      /* html */ "<p>A <strong>bold text</strong> test. Another <em>one</em> here.</p>\n",
      /* text */ "A bold text test. Another one here.\n",
      /* json */ "{\"format\":\"markdown\",\"paragraphs\":[\n"
        "{\"index\":1,\"kind\":\"paragraph\",\"depth\":0,\"start\":0,\"end\":42,\"text\":\"A bold text test. Another one here.\",\"sentences\":[{\"index\":1,\"start\":0,\"end\":22,\"text\":\"A bold text test.\",\"edited\":true},{\"index\":2,\"start\":23,\"end\":42,\"text\":\"Another one here.\"}]}\n"
        "]}\n");
}

Test(markdown, edit_spanning_emphasis) {
  check_formats("Plain *emphasised words* and **strong ones** end.\n",
      "doc.sentences[1].text = doc.sentences[1].text:upper()",
      /* markdown */ "PLAIN *EMPHASISED WORDS* AND **STRONG ONES** END.\n",
      /* html */ "<p>PLAIN <em>EMPHASISED WORDS</em> AND <strong>STRONG ONES</strong> END.</p>\n",
      /* text */ "PLAIN EMPHASISED WORDS AND STRONG ONES END.\n",
      /* json */ "{\"format\":\"markdown\",\"paragraphs\":[\n"
        "{\"index\":1,\"kind\":\"paragraph\",\"depth\":0,\"start\":0,\"end\":49,\"text\":\"PLAIN EMPHASISED WORDS AND STRONG ONES END.\",\"sentences\":[{\"index\":1,\"start\":0,\"end\":49,\"text\":\"PLAIN EMPHASISED WORDS AND STRONG ONES END.\",\"edited\":true}]}\n"
        "]}\n");
}

/* A replacement that shares too little with the old text is a rewrite:
 * the mark-up inside the replaced span goes, the mark-up around it stays,
 * and the new text takes the formatting of the place where it starts
 * (docs/markdown.md, "Edits").  Letters the two texts happen to share
 * ("Some" and "Completely") are no alignment. */
Test(markdown, rewrite_drops_markup_inside) {
  check_formats("Some *em* text. **Some *em* text.** Next one.\n",
      "doc.sentences[1].text = 'Completely different words here.'\n"
      "doc.sentences[2].text = 'Completely different words here.'",
      /* markdown */ "Completely different words here. **Completely different words here.** Next one.\n",
      /* html */ "<p>Completely different words here. <strong>Completely different words here.</strong> Next one.</p>\n",
      /* text */ "Completely different words here. Completely different words here. Next one.\n",
      /* json */ "{\"format\":\"markdown\",\"paragraphs\":[\n"
        "{\"index\":1,\"kind\":\"paragraph\",\"depth\":0,\"start\":0,\"end\":45,\"text\":\"Completely different words here. Completely different words here. Next one.\",\"sentences\":[{\"index\":1,\"start\":0,\"end\":15,\"text\":\"Completely different words here.\",\"edited\":true},{\"index\":2,\"start\":18,\"end\":33,\"text\":\"Completely different words here.\",\"edited\":true},{\"index\":3,\"start\":36,\"end\":45,\"text\":\"Next one.\"}]}\n"
        "]}\n");
  static const struct { const char *src, *edit, *md, *html; } cases[] = {
      /* a span that starts inside an emphasis takes it */
      {"A *few* odd words, then **bold** more.\n",
       "doc.sentences[1]:replace(3, 15, 'totally unrelated stuff')",
       "A *totally unrelated stuff*, then **bold** more.\n",
       "<p>A <em>totally unrelated stuff</em>, then <strong>bold</strong> more.</p>\n"},
      /* as many words, but not of the same lengths: not a redaction */
      {"Some *em* text.\n", "doc.sentences[1].text = 'Totally new stuff.'",
       "Totally new stuff.\n", "<p>Totally new stuff.</p>\n"},
      {"Ann *Lee* met Bob.\n", "doc.sentences[1].text = 'Xy Zzz met Bob.'",
       "Xy Zzz met Bob.\n", "<p>Xy Zzz met Bob.</p>\n"},
      /* enough survives: the mark-up stays where it was */
      {"Some *em* text.\n", "doc.sentences[1].text = 'Some em texts, rewritten.'",
       "Some *em* texts, rewritten.\n", "<p>Some <em>em</em> texts, rewritten.</p>\n"},
      /* a redaction masking each letter keeps each word's formatting */
      {"Ann *Lee* met Bob.\n",
       "doc.sentences[1].text = doc.sentences[1].text:gsub('%a+', "
       "function(w) return ('\\u{2588}'):rep(#w) end)",
       "\xe2\x96\x88\xe2\x96\x88\xe2\x96\x88 *\xe2\x96\x88\xe2\x96\x88\xe2\x96\x88* "
       "\xe2\x96\x88\xe2\x96\x88\xe2\x96\x88 \xe2\x96\x88\xe2\x96\x88\xe2\x96\x88.\n",
       "<p>\xe2\x96\x88\xe2\x96\x88\xe2\x96\x88 <em>\xe2\x96\x88\xe2\x96\x88\xe2\x96\x88</em> "
       "\xe2\x96\x88\xe2\x96\x88\xe2\x96\x88 \xe2\x96\x88\xe2\x96\x88\xe2\x96\x88.</p>\n"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    const char *fmt[] = {"markdown", "html"}, *want[] = {cases[i].md, cases[i].html};
    for (int f = 0; f < 2; f++) {
      char script[1024];
      snprintf(script, sizeof script, "local doc = ...\n%s\nreturn doc:render('%s')",
               cases[i].edit, fmt[f]);
      char *out = run_md(cases[i].src, script);
      cr_expect_str_eq(out, want[f], "case %zu %s:\n--- got:\n%s\n--- want:\n%s", i, fmt[f],
                       out, want[f]);
      lede_free(out);
    }
  }
}

Test(markdown, redact_link_text) {
  check_formats("See [the docs](http://x.org \"T\") now. Or [ref].\n"
        "\n"
        "[ref]: http://r.org\n",
      "local s = doc.sentences[1]; s:replace(5, 12, '[redacted]'); local r = doc.sentences[2]; r:replace(4, 6, 'the reference')",
      /* markdown */ "See [\\[redacted\\]](http://x.org \"T\") now. Or [the reference][ref].\n"
        "\n"
        "[ref]: http://r.org\n",
      /* html */ "<p>See <a href=\"http://x.org\" title=\"T\">[redacted]</a> now. Or <a href=\"http://r.org\">the reference</a>.</p>\n",
      /* text */ "See [redacted] now. Or the reference.\n",
      /* json */ "{\"format\":\"markdown\",\"paragraphs\":[\n"
        "{\"index\":1,\"kind\":\"paragraph\",\"depth\":0,\"start\":0,\"end\":47,\"text\":\"See [redacted] now. Or the reference.\",\"sentences\":[{\"index\":1,\"start\":0,\"end\":37,\"text\":\"See [redacted] now.\",\"edited\":true},{\"index\":2,\"start\":38,\"end\":47,\"text\":\"Or the reference.\",\"edited\":true}]}\n"
        "]}\n");
}

Test(markdown, edit_code_span) {
  check_formats("Run `make test` first. Then relax.\n",
      "doc.sentences[1]:replace(10, 13, 'check')",
      /* markdown */ "Run `make check` first. Then relax.\n",
      /* html */ "<p>Run <code>make check</code> first. Then relax.</p>\n",
      /* text */ "Run make check first. Then relax.\n",
      /* json */ "{\"format\":\"markdown\",\"paragraphs\":[\n"
        "{\"index\":1,\"kind\":\"paragraph\",\"depth\":0,\"start\":0,\"end\":34,\"text\":\"Run make check first. Then relax.\",\"sentences\":[{\"index\":1,\"start\":0,\"end\":22,\"text\":\"Run make check first.\",\"edited\":true},{\"index\":2,\"start\":23,\"end\":34,\"text\":\"Then relax.\"}]}\n"
        "]}\n");
}

Test(markdown, edit_heading) {
  check_formats("# Big *news* today\n"
        "\n"
        "Body text.\n",
      "doc.sentences[1].text = 'Big news tonight'",
      /* markdown */ "# Big *news* tonight\n"
        "\n"
        "Body text.\n",
      /* html */ "<h1>Big <em>news</em> tonight</h1>\n"
        "<p>Body text.</p>\n",
      /* text */ "Big news tonight\n"
        "\n"
        "Body text.\n",
      /* json */ "{\"format\":\"markdown\",\"paragraphs\":[\n"
        "{\"index\":1,\"kind\":\"heading\",\"level\":1,\"depth\":0,\"start\":0,\"end\":18,\"text\":\"Big news tonight\",\"sentences\":[{\"index\":1,\"start\":2,\"end\":18,\"text\":\"Big news tonight\",\"edited\":true}]},\n"
        "{\"index\":2,\"kind\":\"paragraph\",\"depth\":0,\"start\":20,\"end\":30,\"text\":\"Body text.\",\"sentences\":[{\"index\":2,\"start\":20,\"end\":30,\"text\":\"Body text.\"}]}\n"
        "]}\n");
}

Test(markdown, edit_nested_list) {
  check_formats("- one item. Two.\n"
        "  - nested *deep* item\n"
        "  - three\n"
        "- four\n",
      "local s2, s3 = doc.sentences[2], doc.sentences[3]; s3.text = s3.text:gsub('deep', 'DEEPER'); s2:remove(); doc.paragraphs[3]:remove()",
      /* markdown */ "- one item.\n"
        "  - nested *DEEPER* item\n"
        "- four\n",
      /* html */ "<ul>\n"
        "<li>one item.\n"
        "<ul>\n"
        "<li>nested <em>DEEPER</em> item</li>\n"
        "</ul>\n"
        "</li>\n"
        "<li>four</li>\n"
        "</ul>\n",
      /* text */ "- one item.\n"
        "  - nested DEEPER item\n"
        "- four\n",
      /* json */ "{\"format\":\"markdown\",\"paragraphs\":[\n"
        "{\"index\":1,\"kind\":\"item\",\"depth\":1,\"start\":2,\"end\":16,\"text\":\"one item.\",\"sentences\":[{\"index\":1,\"start\":2,\"end\":11,\"text\":\"one item.\"}]},\n"
        "{\"index\":2,\"kind\":\"item\",\"depth\":2,\"start\":21,\"end\":39,\"text\":\"nested DEEPER item\",\"sentences\":[{\"index\":3,\"start\":21,\"end\":39,\"text\":\"nested DEEPER item\",\"edited\":true}]},\n"
        "{\"index\":4,\"kind\":\"item\",\"depth\":1,\"start\":52,\"end\":56,\"text\":\"four\",\"sentences\":[{\"index\":5,\"start\":52,\"end\":56,\"text\":\"four\"}]}\n"
        "]}\n");
}

Test(markdown, edit_block_quote) {
  check_formats("> Quote **strong** here. Second sentence\n"
        "continues on a lazy line.\n"
        "\n"
        "After.\n",
      "local s1, s2 = doc.sentences[1], doc.sentences[2]; s1:remove(); s2.text = s2.text:gsub('lazy', 'LAZY')",
      /* markdown */ "> Second sentence\n"
        "continues on a LAZY line.\n"
        "\n"
        "After.\n",
      /* html */ "<blockquote>\n"
        "<p>Second sentence\n"
        "continues on a LAZY line.</p>\n"
        "</blockquote>\n"
        "<p>After.</p>\n",
      /* text */ "  Second sentence continues on a LAZY line.\n"
        "\n"
        "After.\n",
      /* json */ "{\"format\":\"markdown\",\"paragraphs\":[\n"
        "{\"index\":1,\"kind\":\"quote\",\"depth\":1,\"start\":2,\"end\":66,\"text\":\"Second sentence continues on a LAZY line.\",\"sentences\":[{\"index\":2,\"start\":25,\"end\":66,\"text\":\"Second sentence continues on a LAZY line.\",\"edited\":true}]},\n"
        "{\"index\":2,\"kind\":\"paragraph\",\"depth\":0,\"start\":68,\"end\":74,\"text\":\"After.\",\"sentences\":[{\"index\":3,\"start\":68,\"end\":74,\"text\":\"After.\"}]}\n"
        "]}\n");
}

Test(markdown, remove_first_paragraph_of_item) {
  check_formats("- First para.\n"
        "\n"
        "  Second para.\n"
        "- Next item.\n",
      "doc.paragraphs[1]:remove()",
      /* markdown */ "- Second para.\n"
        "- Next item.\n",
      /* html */ "<ul>\n"
        "<li>Second para.</li>\n"
        "<li>Next item.</li>\n"
        "</ul>\n",
      /* text */ "- Second para.\n"
        "- Next item.\n",
      /* json */ "{\"format\":\"markdown\",\"paragraphs\":[\n"
        "{\"index\":2,\"kind\":\"item\",\"depth\":1,\"start\":17,\"end\":29,\"text\":\"Second para.\",\"sentences\":[{\"index\":2,\"start\":17,\"end\":29,\"text\":\"Second para.\"}]},\n"
        "{\"index\":3,\"kind\":\"item\",\"depth\":1,\"start\":32,\"end\":42,\"text\":\"Next item.\",\"sentences\":[{\"index\":3,\"start\":32,\"end\":42,\"text\":\"Next item.\"}]}\n"
        "]}\n");
}

Test(markdown, remove_word_at_start_of_bold) {
  check_formats("Read **Note that** this now.\n",
      "local s = doc.sentences[1]; s:replace(6, 10, '')",
      /* markdown */ "Read **that** this now.\n",
      /* html */ "<p>Read <strong>that</strong> this now.</p>\n",
      /* text */ "Read that this now.\n",
      /* json */ "{\"format\":\"markdown\",\"paragraphs\":[\n"
        "{\"index\":1,\"kind\":\"paragraph\",\"depth\":0,\"start\":0,\"end\":28,\"text\":\"Read that this now.\",\"sentences\":[{\"index\":1,\"start\":0,\"end\":28,\"text\":\"Read that this now.\",\"edited\":true}]}\n"
        "]}\n");
}


/* ---- offsets ------------------------------------------------------------------ */

/* Every sentence's start/stop are its first and last source bytes, across
 * headings (ATX with closing #s, setext), link reference definitions,
 * emphasis and links at sentence edges, code spans, entities, escapes,
 * hard breaks, autolinks, lazy continuation lines, nested items; code and
 * HTML blocks are paragraphs without sentences. */
Test(markdown, sentence_offsets_exact) {
  const char *src =
      "# Title with *emphasis* ##\n"
      "\n"
      "Setext *heading*\n"
      "================\n"
      "\n"
      "[def]: http://example.com \"A title\"\n"
      "**Bold start** of a sentence. Ends with a [link](http://x.org).\n"
      "Second line has `code` and &amp; an entity.  Hard break above? No,\\\n"
      "a backslash one. Visit <https://lede.example/x>.\n"
      "\n"
      "> Quote one. Quote\n"
      "lazy continuation ends here.\n"
      "\n"
      "- Item *one* done.\n"
      "  Continued item line.\n"
      "    - Nested item.\n"
      "\n"
      "\tTabbed code is code.\n"
      "\n"
      "```sh\n"
      "make test\n"
      "```\n"
      "\n"
      "<div>raw html</div>\n";
  const char *script =
      "local doc = ...\n"
      "local out = {}\n"
      "for _, p in ipairs(doc.paragraphs) do\n"
      "  out[#out + 1] = string.format(\"P %s %d %d %d|%s|\", p.kind, p.level or 0, p.depth or 0, #p.sentences, doc.source:sub(p.start, p.stop))\n"
      "  for _, s in ipairs(p.sentences) do\n"
      "    out[#out + 1] = string.format(\"  S %d %d |%s| <%s>\", s.start, s.stop, doc.source:sub(s.start, s.stop), s.text)\n"
      "  end\n"
      "end\n"
      "return table.concat(out, \"\\n\") .. \"\\n\"\n";
  char *out = run_md(src, script);
  cr_assert_str_eq(out,
      "P heading 1 0 1|# Title with *emphasis* ##|\n"
      "  S 3 22 |Title with *emphasis| <Title with emphasis>\n"
      "P heading 1 0 1|Setext *heading*\n"
      "================|\n"
      "  S 29 43 |Setext *heading| <Setext heading>\n"
      "P paragraph 0 0 6|**Bold start** of a sentence. Ends with a [link](http://x.org).\n"
      "Second line has `code` and &amp; an entity.  Hard break above? No,\\\n"
      "a backslash one. Visit <https://lede.example/x>.|\n"
      "  S 102 128 |Bold start** of a sentence.| <Bold start of a sentence.>\n"
      "  S 130 162 |Ends with a [link](http://x.org).| <Ends with a link.>\n"
      "  S 164 206 |Second line has `code` and &amp; an entity.| <Second line has code and & an entity.>\n"
      "  S 209 225 |Hard break above?| <Hard break above?>\n"
      "  S 227 247 |No,\\\n"
      "a backslash one.| <No,\n"
      "a backslash one.>\n"
      "  S 249 279 |Visit <https://lede.example/x>.| <Visit https://lede.example/x.>\n"
      "P quote 0 1 2|Quote one. Quote\n"
      "lazy continuation ends here.|\n"
      "  S 284 293 |Quote one.| <Quote one.>\n"
      "  S 295 328 |Quote\n"
      "lazy continuation ends here.| <Quote lazy continuation ends here.>\n"
      "P item 0 1 2|Item *one* done.\n"
      "  Continued item line.|\n"
      "  S 333 348 |Item *one* done.| <Item one done.>\n"
      "  S 352 371 |Continued item line.| <Continued item line.>\n"
      "P item 0 2 1|Nested item.|\n"
      "  S 379 390 |Nested item.| <Nested item.>\n"
      "P item 0 1 1|Tabbed code is code.|\n"
      "  S 394 413 |Tabbed code is code.| <Tabbed code is code.>\n"
      "P code 0 0 0|```sh\n"
      "make test\n"
      "```|\n"
      "P html 0 0 0|<div>raw html</div>|\n");
  lede_free(out);
}

/* A sentence or word that ends on an escaped character or an entity ends
 * on the last byte of its spelling (the '!' of "\!", the ';' of "&amp;"). */
Test(markdown, offsets_end_after_escapes_and_entities) {
  const char *src = "Hello world\\!\n\nTom &amp; Jerry &copy;\n\nAT&T rocks &#33;\n";
  const char *script =
      "local doc = ...\n"
      "local out = {}\n"
      "for _, s in ipairs(doc.sentences) do\n"
      "  out[#out + 1] = string.format(\"%d %d |%s|\", s.start, s.stop, doc.source:sub(s.start, s.stop))\n"
      "  local w = s.words[#s.words]\n"
      "  out[#out + 1] = string.format(\"  %d %d |%s|\", w.start, w.stop, doc.source:sub(w.start, w.stop))\n"
      "end\n"
      "return table.concat(out, \"\\n\") .. \"\\n\"\n";
  char *out = run_md(src, script);
  cr_assert_str_eq(out,
      "1 13 |Hello world\\!|\n"
      "  7 11 |world|\n"
      "16 37 |Tom &amp; Jerry &copy;|\n"
      "  26 30 |Jerry|\n"
      "40 55 |AT&T rocks &#33;|\n"
      "  45 49 |rocks|\n");
  lede_free(out);
}

/* ---- rendering order, repeated edits -------------------------------------------- */

/* Edits after a render, and renders in any order, give the same output as
 * the same edits rendered once. */
Test(markdown, edit_after_render) {
  const char *src = "Some *emphasis* here. A [link](u) there.\n\n> Quoted **text** line.\n";
  const char *once =
      "local doc = ...\n"
      "doc.sentences[1].text = 'Other emphasis here.'\n"
      "doc.sentences[2]:replace(3, 6, 'LINK')\n"
      "doc.sentences[3]:remove()\n"
      "return doc:render('markdown') .. doc:render('html') .. doc:render('text')";
  const char *steps =
      "local doc = ...\n"
      "local s1, s2, s3 = doc.sentences[1], doc.sentences[2], doc.sentences[3]\n"
      "s1.text = 'Changed first.'\n"
      "local h1 = doc:render('html')\n"
      "s1.text = 'Other emphasis here.'\n"
      "local m1 = doc:render('markdown')\n"
      "s2:replace(3, 6, 'LINK')\n"
      "local t1 = doc:render('text')\n"
      "s3:remove()\n"
      "local t2 = doc:render('text')\n"
      "local h2 = doc:render('html')\n"
      "local m2 = doc:render('markdown')\n"
      "assert(h1:find('Changed first'), h1)\n"
      "assert(m1:find('Other %*emphasis%* here'), m1)\n"
      "assert(t1:find('A LINK there'), t1)\n"
      "return m2 .. h2 .. t2";
  char *a = run_md(src, once), *b = run_md(src, steps);
  cr_assert_str_eq(b, a);
  cr_assert_str_eq(a, "Other *emphasis* here. A [LINK](u) there.\n"
                      "<p>Other <em>emphasis</em> here. A <a href=\"u\">LINK</a> there.</p>\n"
                      "Other emphasis here. A LINK there.\n");
  lede_free(a);
  lede_free(b);
}

/* An autolink's address follows its edited text, also when the edit is
 * applied to a re-parsed tree: a paragraph edited again after a render,
 * or an HTML render after a Markdown one.  Re-parsing used to lose which
 * links were autolinks and left the old address. */
Test(markdown, autolink_edit_after_reparse) {
  const char *src = "See <http://foo.bar/>.\n";
  char *again = run_md(src,
      "local doc = ...\n"
      "local s = doc.sentences[1]\n"
      "s.text = s.text:upper()\n"
      "local a = doc:render('html')\n"
      "s.text = s.text:gsub('O', '0')\n"
      "return a .. doc:render('html')");
  cr_assert_str_eq(again, "<p>SEE <a href=\"HTTP://FOO.BAR/\">HTTP://FOO.BAR/</a>.</p>\n"
                          "<p>SEE <a href=\"HTTP://F00.BAR/\">HTTP://F00.BAR/</a>.</p>\n");
  char *both = run_md(src,
      "local doc = ...\n"
      "doc.sentences[1].text = doc.sentences[1].text:upper()\n"
      "return doc:render('markdown') .. doc:render('html')");
  cr_assert_str_eq(both, "SEE <HTTP://FOO.BAR/>.\n"
                         "<p>SEE <a href=\"HTTP://FOO.BAR/\">HTTP://FOO.BAR/</a>.</p>\n");
  lede_free(again);
  lede_free(both);
}

/* Edited text that starts a line with '.' or ')' is not a list marker and
 * needs no escape; after digits it does.  (A run-copying escaper once
 * looped on a leading '.', writing past its buffer: make fuzz found it.) */
Test(markdown, edit_starting_a_line_with_punctuation) {
  char *out = run_md("Hello world. Second one.\n\n- item\n",
      "local doc = ...\n"
      "doc.sentences[1].text = '.Hello world.'\n"
      "doc.sentences[2].text = ') Second 1. one.'\n"
      "doc.sentences[3].text = '2) item'\n"
      "return doc:render('markdown') .. doc:render('html')");
  cr_assert_str_eq(out, ".Hello world. ) Second 1. one.\n\n- 2\\) item\n"
                        "<p>.Hello world. ) Second 1. one.</p>\n<ul>\n<li>2) item</li>\n</ul>\n");
  lede_free(out);
}

/* A text leaf that ends in an entity or an escape whose spelling starts
 * with the character it stands for ("&amp;", an escaped backslash): an
 * edit of its end replaces the whole spelling.  (The shortcut that takes
 * plain blocks' extents from the map once left "amp;" and a backslash
 * behind.) */
Test(markdown, edit_leaf_ending_in_entity_or_escape) {
  char *out = run_md("Tom &amp;\nJerry. Ann \\\\\nBob. *Cat &amp;*\nDog.\n",
      "local doc = ...\n"
      "doc.sentences[1].text = 'Tom X Jerry.'\n"
      "doc.sentences[2].text = 'Ann Y Bob.'\n"
      "doc.sentences[3].text = 'Cat Z Dog.'\n"
      "return doc:render('markdown') .. doc:render('html')");
  cr_assert_str_eq(out, "Tom X\nJerry. Ann Y\nBob. *Cat Z*\nDog.\n"
                        "<p>Tom X\nJerry. Ann Y\nBob. <em>Cat Z</em>\nDog.</p>\n");
  lede_free(out);
}

/* Hard line breaks, both spellings, that the edits leave alone: the text
 * around them is patched in place and the breaks keep their bytes (a
 * plain block's extents come from the map; an edited break still takes
 * the scan). */
Test(markdown, edit_around_kept_hard_breaks) {
  char *out = run_md("One *two*  \nthree four.\\\nFive six.\n\nSeven  \neight.\n",
      "local doc = ...\n"
      "for _, s in ipairs(doc.sentences) do s.text = s.text:upper() end\n"
      "doc.sentences[3].text = 'SEVEN AND EIGHT.'\n"
      "return doc:render('markdown') .. doc:render('html')");
  cr_assert_str_eq(out, "ONE *TWO*  \nTHREE FOUR.\\\nFIVE SIX.\n\nSEVEN AND EIGHT.\n"
                        "<p>ONE <em>TWO</em><br />\nTHREE FOUR.<br />\nFIVE SIX.</p>\n"
                        "<p>SEVEN AND EIGHT.</p>\n");
  lede_free(out);
}

/* Every byte md_escape looks for, found in the second 16 bytes of a
 * replacement (the scan looks at 16 bytes at a time) and written escaped;
 * line ends become spaces. */
Test(markdown, escapes_found_anywhere_in_a_long_replacement) {
  static const struct {
    const char *in, *out;
  } cases[] = {{"\\n", " "},   {"\\r", " "},     {"\\\\", "\\\\"}, {"`", "\\`"},
               {"*", "\\*"},   {"_", "\\_"},     {"[", "\\["},     {"]", "\\]"},
               {"<", "\\<"},   {"&x", "\\&x"},   {"![", "\\!\\["}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char script[256], want[128];
    snprintf(script, sizeof script,
             "local doc = ... doc.sentences[1].text = 'abcdefghijklmnopqrst%suvwxyzabcdefghijklmnop.' "
             "return doc:render('markdown')",
             cases[i].in);
    snprintf(want, sizeof want, "abcdefghijklmnopqrst%suvwxyzabcdefghijklmnop.\n", cases[i].out);
    char *out = run_md("Start here.\n", script);
    cr_assert_str_eq(out, want, "case %zu", i);
    lede_free(out);
  }
}

/* An unedited document renders to Markdown as its own bytes. */
Test(markdown, identity_markdown_is_the_source) {
  const char *src = "Title\n=====\n\n*  odd   spacing *kept*\n*  second\n\n1) paren list\n";
  char *out = run_md(src, "local doc = ... return doc:render('markdown')");
  cr_assert_str_eq(out, src);
  lede_free(out);
}

/* ---- HTML pages ------------------------------------------------------------------- */

Test(markdown, standalone_page) {
  const char *src = "# Tom & \\<Jerry\\> *show*\n\nText <script>alert(1)</script>.\n";
  lede_doc *d = load_md(src, strlen(src));
  char *page = render_fl(d, LEDE_FORMAT_HTML, LEDE_RENDER_STANDALONE);
  cr_assert(strncmp(page, "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n", 52) == 0,
            "%s", page);
  cr_assert(strstr(page, "<title>Tom &amp; &lt;Jerry&gt; show</title>"), "%s", page);
  cr_assert(strstr(page, "<style>"), "%s", page);
  cr_assert(strstr(page, "<h1>Tom &amp; <Jerry> <em>show</em></h1>") == NULL);
  cr_assert(strstr(page, "<!-- raw HTML omitted -->alert(1)<!-- raw HTML omitted -->"), "%s",
            page);
  cr_assert(strstr(page, "</body>\n</html>\n"), "%s", page);
  char *unsafe = render_fl(d, LEDE_FORMAT_HTML, LEDE_RENDER_STANDALONE | LEDE_RENDER_UNSAFE);
  cr_assert(strstr(unsafe, "<script>alert(1)</script>"), "%s", unsafe);
  lede_free(unsafe);
  lede_free(page);
  lede_doc_free(d);
  /* no heading: a neutral title */
  d = load_md("Just text.\n", 11);
  page = render_fl(d, LEDE_FORMAT_HTML, LEDE_RENDER_STANDALONE);
  cr_assert(strstr(page, "<title>Document</title>"), "%s", page);
  lede_free(page);
  lede_doc_free(d);
}

/* Redacting an autolink redacts its address too: the old one must not
 * survive in href. */
Test(markdown, autolink_address_follows_its_text) {
  char *out = run_md("Mail <ann@example.com> or see <https://example.com/a>.\n",
                     "local doc = ... local s = doc.sentences[1]\n"
                     "s.text = s.text:gsub('ann@example.com', 'XXX'):gsub('https://example.com/a', "
                     "'https://example.org/b')\n"
                     "return doc:render('markdown') .. doc:render('html')");
  cr_assert_str_eq(out, "Mail [XXX](<mailto:XXX>) or see <https://example.org/b>.\n"
                        "<p>Mail <a href=\"mailto:XXX\">XXX</a> or see "
                        "<a href=\"https://example.org/b\">https://example.org/b</a>.</p>\n");
  lede_free(out);
}

/* ---- memory and time limits --------------------------------------------------------- */

static const char LIMIT_DOC[] =
    "# Heading *one*\n\nA paragraph with **bold**, `code` and a [link](http://x).\n"
    "Second sentence &amp; entity.\n\n> Quote. More quote.\n\n- item\n  - nested item\n";

/* md_load with a budget too small fails cleanly at every size, never
 * aborts, and leaks nothing (ASan checks); with room it succeeds. */
Test(markdown, load_under_every_budget) {
  size_t ok_at = 0;
  for (size_t limit = 0; limit < ((size_t)4 << 20) && !ok_at; limit += 4096) {
    lede_doc *d = doc_new(LIMIT_DOC, sizeof LIMIT_DOC - 1, LEDE_FORMAT_MARKDOWN);
    cr_assert_not_null(d);
    run_budget b = {.limit = limit};
    d->budget = limit ? &b : NULL;
    int st = md_load(d);
    if (st == 0) ok_at = limit ? limit : 1;
    else cr_assert_eq(st, LEDE_ELIMIT, "limit %zu: status %d", limit, st);
    d->budget = NULL;
    doc_free(d);
  }
  cr_assert(ok_at > 0, "never loaded");
}

/* md_render with too little memory fails with LEDE_ELIMIT, and the same
 * document then renders correctly with room (the tree is re-parsed). */
Test(markdown, render_under_every_budget) {
  /* big enough that rendering needs memory of its own */
  size_t n = 0, cap = 200 * sizeof LIMIT_DOC;
  char *src = malloc(cap + 1);
  while (n + sizeof LIMIT_DOC < cap) {
    memcpy(src + n, LIMIT_DOC, sizeof LIMIT_DOC - 1);
    n += sizeof LIMIT_DOC - 1;
  }
  src[n] = '\0';
  lede_doc *ref = load_md(src, n);
  char *want = render_fl(ref, LEDE_FORMAT_HTML, 0);
  lede_doc_free(ref);
  int failed = 0;
  for (size_t limit = 1; limit < ((size_t)4 << 20); limit += 8192) {
    lede_doc *d = doc_new(src, n, LEDE_FORMAT_MARKDOWN);
    cr_assert_eq(md_load(d), 0);
    run_budget b = {.limit = limit};
    d->budget = &b;
    dbuf out;
    dbuf_init(&out, NULL);
    int st = md_render(d, LEDE_FORMAT_HTML, 0, &out);
    dbuf_free(&out);
    d->budget = NULL;
    if (st) {
      cr_assert_eq(st, LEDE_ELIMIT, "limit %zu: status %d", limit, st);
      failed++;
      dbuf_init(&out, NULL);
      cr_assert_eq(md_render(d, LEDE_FORMAT_HTML, 0, &out), 0);
      cr_assert_str_eq(out.p, want);
      dbuf_free(&out);
    }
    doc_free(d);
    if (!st) break;
  }
  cr_assert_gt(failed, 0, "no limit was small enough to fail");
  free(want);
  free(src);
}

/* A time limit or the host's interrupt (here: raised before the render
 * starts) stops a render inside cmark. */
Test(markdown, render_interrupted) {
  lede_doc *d = doc_new(LIMIT_DOC, sizeof LIMIT_DOC - 1, LEDE_FORMAT_MARKDOWN);
  cr_assert_eq(md_load(d), 0);
  atomic_int stop = 1;
  run_budget b = {.interrupt = &stop};
  d->budget = &b;
  dbuf out;
  dbuf_init(&out, NULL);
  cr_assert_eq(md_render(d, LEDE_FORMAT_HTML, 0, &out), LEDE_ELIMIT);
  dbuf_free(&out);
  d->budget = NULL;
  doc_free(d);
}

/* Through the engine: a script limited to little memory that renders a big
 * Markdown document fails with a limit error, and the engine stays usable. */
Test(markdown, script_memory_limit) {
  lede_options o;
  lede_options_init(&o);
  o.max_memory = 6u << 20;
  lede_engine *e = NULL;
  cr_assert_eq(lede_engine_new(&o, &e), LEDE_OK);
  size_t n = 0, cap = 4u << 20;
  char *big = malloc(cap);
  while (n + sizeof LIMIT_DOC < cap) {
    memcpy(big + n, LIMIT_DOC, sizeof LIMIT_DOC - 1);
    n += sizeof LIMIT_DOC - 1;
  }
  lede_load_options lo = {.format = LEDE_FORMAT_MARKDOWN, .paragraphs = LEDE_PARAS_AUTO};
  lede_doc *d = NULL;
  cr_assert_eq(lede_doc_load(e, big, n, &lo, &d), LEDE_OK);
  const char *script = "local doc = ... for _, s in ipairs(doc.sentences) do s.text = s.text:upper() end "
                       "return doc:render('html')";
  char *out = NULL;
  size_t outlen = 0;
  lede_status st = lede_run_string(e, "big", script, strlen(script), d, NULL, &out, &outlen);
  cr_assert(st == LEDE_ELIMIT || st == LEDE_ESCRIPT, "status %d: %s", st, lede_errmsg(e));
  cr_assert(strstr(lede_errmsg(e), "memory") || strstr(lede_errmsg(e), "limit"), "%s",
            lede_errmsg(e));
  lede_free(out);
  lede_doc_free(d);
  /* still usable */
  cr_assert_eq(lede_doc_load(e, LIMIT_DOC, sizeof LIMIT_DOC - 1, &lo, &d), LEDE_OK);
  cr_assert_eq(lede_doc_render(e, d, LEDE_FORMAT_HTML, 0, &out, &outlen), LEDE_OK);
  lede_free(out);
  lede_doc_free(d);
  lede_engine_free(e);
  free(big);
}

/* Arena blocks freed in one size serve others: cmark frees grown content
 * buffers and the inline parser's scratch when no more of their size are
 * asked for, and on the 10 MB corpus 13 MB of them sat on free lists while
 * nodes took new chunks.  600-byte blocks are freed, then 112-byte blocks
 * (a cmark node's size) are asked for: they must come out of the freed
 * ones (5 fit in each), not out of fresh chunk memory. */
typedef struct churn {
  char *big[64], *small[256];
} churn;

static int arena_churn(md_state *m, void *ud) {
  churn *c = ud;
  for (int i = 0; i < 64; i++) c->big[i] = md_scratch_grow_raw(m, NULL, 600);
  for (int i = 0; i < 64; i++) md_freeblk(c->big[i]);
  for (int i = 0; i < 256; i++) c->small[i] = md_scratch_grow_raw(m, NULL, 112);
  return 0;
}

Test(markdown, freed_arena_blocks_serve_other_sizes) {
  lede_doc *d = load_md("Some *text* here.\n", 18);
  churn c;
  cr_assert_eq(md_protected(d->md, arena_churn, &c), 0);
  int inside = 0;
  for (int i = 0; i < 256; i++)
    for (int k = 0; k < 64; k++)
      /* a freed block's tag word goes to the first block cut from it */
      if (c.small[i] >= c.big[k] - 8 && c.small[i] + 112 <= c.big[k] + 640) {
        inside++;
        break;
      }
  /* a few may come from nodes the load freed */
  cr_assert_geq(inside, 240, "%d of 256 small blocks reused freed memory", inside);
  lede_doc_free(d);
}

/* ---- deep nesting ---------------------------------------------------------------------- */

/* Builds prefix^depth + body (and for lists one item per level). */
static char *deep_doc(const char *kind, int depth, size_t *len) {
  size_t cap = (size_t)depth * (size_t)depth * 2 + 4096, n = 0;
  char *s = malloc(cap);
  if (strcmp(kind, "quote") == 0) {
    for (int i = 0; i < depth; i++) s[n++] = '>';
    n += (size_t)sprintf(s + n, " Deep *quote* text. Second one.\n");
  } else if (strcmp(kind, "list") == 0) {
    for (int i = 0; i < depth; i++) {
      for (int k = 0; k < i; k++) s[n++] = ' ', s[n++] = ' ';
      n += (size_t)sprintf(s + n, "- item %d.\n", i);
    }
  } else if (strcmp(kind, "emph") == 0) {
    for (int i = 0; i < depth; i++) n += (size_t)sprintf(s + n, "*a ");
    n += (size_t)sprintf(s + n, "b");
    for (int i = 0; i < depth; i++) s[n++] = '*';
    s[n++] = '\n';
  } else {
    for (int i = 0; i < depth; i++) s[n++] = '[';
    s[n++] = 'x';
    for (int i = 0; i < depth; i++) s[n++] = ']';
    s[n++] = '\n';
  }
  s[n] = '\0';
  *len = n;
  return s;
}

/* 10,000 levels of block quotes, lists (a 100 MB document is too slow for
 * a unit test: lists go 2,000 deep), emphasis and brackets: load, render
 * in every format, edit deep inside, render again.  cmark itself walks
 * iteratively; so must we. */
static void deep(const char *kind, int depth) {
  size_t n;
  char *src = deep_doc(kind, depth, &n);
  lede_doc *d = load_md(src, n);
  char *html = render_fl(d, LEDE_FORMAT_HTML, 0);
  char *want = cmark_html(src, n, 0);
  cr_assert_str_eq(html, want, "%s: html differs from cmark", kind);
  free(want);
  lede_free(html);
  lede_free(render_fl(d, LEDE_FORMAT_TEXT, 0));
  lede_free(render_fl(d, LEDE_FORMAT_JSON, 0));
  char *md = render_fl(d, LEDE_FORMAT_MARKDOWN, 0);
  cr_assert_str_eq(md, src);
  lede_free(md);
  const char *script =
      "local doc = ... local n = #doc.sentences\n"
      "doc.sentences[n].text = doc.sentences[n].text:upper()\n"
      "if n > 1 then doc.sentences[1]:remove() end\n"
      "return doc:render('markdown') .. doc:render('html') .. doc:render('text')";
  char *out = NULL;
  size_t outlen = 0;
  cr_assert_eq(lede_run_string(eng, kind, script, strlen(script), d, NULL, &out, &outlen), LEDE_OK,
               "%s: %s", kind, lede_errmsg(eng));
  lede_free(out);
  lede_doc_free(d);
  free(src);
}

Test(markdown, deep_quotes) { deep("quote", 10000); }
Test(markdown, deep_lists) { deep("list", 2000); }
Test(markdown, deep_emphasis) { deep("emph", 10000); }
Test(markdown, deep_brackets) { deep("brackets", 10000); }

/* Paragraph depth saturates at 255 (it is a byte); kinds come from the
 * innermost container. */
Test(markdown, kinds_levels_depths) {
  char *out = run_md("## Two\n\n> - > quoted item quote\n\n    code\n\n<p>html</p>\n\n- item\n",
                     "local doc = ... local t = {}\n"
                     "for _, p in ipairs(doc.paragraphs) do t[#t + 1] = p.kind .. ':' .. "
                     "(p.level or 0) .. ':' .. p.depth .. ':' .. #p.sentences end\n"
                     "return table.concat(t, ' ')");
  cr_assert_str_eq(out, "heading:2:0:1 quote:0:3:1 code:0:0:0 html:0:0:0 item:0:1:1");
  lede_free(out);
  size_t n;
  char *src = deep_doc("quote", 300, &n);
  lede_doc *d = load_md(src, n);
  cr_assert_eq(d->paras[0].depth, 255);
  lede_doc_free(d);
  free(src);
}

/* ---- the bundled script through the CLI ------------------------------------------------ */

Test(markdown, cli_render) {
  char dir[256], path[300];
  make_tmpdir(dir, sizeof dir);
  snprintf(path, sizeof path, "%s/doc.md", dir);
  const char *src = "# A *title*\n\nSome <b>raw</b> text. [x](javascript:alert(1))\n";
  spit(path, src, strlen(src));
  const char *a1[] = {"render", "--to", "html", path, NULL};
  proc_result r = run_lede(a1, NULL);
  cr_assert_eq(r.status, 0, "%s", r.err);
  char *want = cmark_html(src, strlen(src), 0);
  cr_assert_str_eq(r.out, want);
  free(want);
  proc_free(&r);
  const char *a2[] = {"render", "--to", "html", "--unsafe", path, NULL};
  r = run_lede(a2, NULL);
  want = cmark_html(src, strlen(src), CMARK_OPT_UNSAFE);
  cr_assert_str_eq(r.out, want);
  free(want);
  proc_free(&r);
  const char *a3[] = {"render", "--to", "html", "--standalone", path, NULL};
  r = run_lede(a3, NULL);
  cr_assert(strstr(r.out, "<title>A title</title>"), "%s", r.out);
  proc_free(&r);
  const char *a4[] = {"render", "--to", "text", path, NULL};
  r = run_lede(a4, NULL);
  cr_assert_str_eq(r.out, "A title\n\nSome raw text. x\n");
  proc_free(&r);
  const char *a5[] = {"render", path, NULL};
  r = run_lede(a5, NULL);
  cr_assert_str_eq(r.out, src);
  proc_free(&r);
  const char *a6[] = {"render", "--to", "pdf", path, NULL};
  r = run_lede(a6, NULL);
  cr_assert_neq(r.status, 0);
  cr_assert(strstr(r.err, "--to must be"), "%s", r.err);
  proc_free(&r);
  const char *a7[] = {"scripts", NULL};
  r = run_lede(a7, NULL);
  cr_assert(strstr(r.out, "render"), "%s", r.out);
  proc_free(&r);
  remove_tmpdir(dir);
}

/* Inputs the fuzzers found (reported in docs/sandbox.md): every paragraph
 * and sentence range lies inside the document, in order.  A tab takes the
 * second '>' of "\t>>" to column 4, where it is text, not a marker. */
Test(markdown, fuzz_found_ranges) {
  static const char *const inputs[] = {">h\n\t>>", "\r\n\r\n #\rh", "<!-- c -->\n", "# \n",
                                       "> a\n>\t> b\n", "- x\n\t> y\n  z"};
  for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
    lede_doc *d = load_md(inputs[i], strlen(inputs[i]));
    size_t np, ns;
    cr_assert_eq(lede_doc_counts(eng, d, &np, &ns), LEDE_OK);
    for (size_t p = 0; p < d->npara; p++)
      cr_assert(d->paras[p].start <= d->paras[p].end && d->paras[p].end <= d->len,
                "input %zu paragraph %zu: [%zu, %zu) in %zu bytes", i, p, d->paras[p].start,
                d->paras[p].end, d->len);
    for (size_t s = 0; s < d->nsent; s++)
      cr_assert(d->sents[s].start <= d->sents[s].end && d->sents[s].end <= d->len,
                "input %zu sentence %zu: [%zu, %zu) in %zu bytes", i, s, d->sents[s].start,
                d->sents[s].end, d->len);
    lede_doc_free(d);
  }
  char *out = run_md(">h\n\t>>", "local doc = ... local s = doc.sentences[1] "
                                 "return s.start .. ' ' .. s.stop .. ' ' .. s.text");
  cr_assert_str_eq(out, "2 6 h >>");
  lede_free(out);
}

/* Random edits (replacements made of Markdown's special characters, line
 * ends, removals), three seeds per spec example: the patched Markdown
 * reads back as the edited tree in nearly every case.  What remains are
 * inputs Markdown cannot express from the source's own mark-up: emphasis
 * whose new edge character breaks CommonMark's flanking rules next to a
 * letter outside it ("5*6*" with new text "-" inside), brackets nesting
 * across a changed link, the list indentation cases above. */
Test(markdown, random_edits_patches_agree) {
  json_value *ex = spec_examples();
  const char *script =
      "local doc, args = ...\n"
      "math.randomseed(tonumber(args.seed))\n"
      "local pieces = {'x', '*', '_', '`', '[', ']', '<b>', '&amp;', '\\\\', '#', '- ', '1. ',\n"
      "  ' ', '  ', '\\u{e9}', '**', '![', '](', '>', '\\n', 'word', '|', '~'}\n"
      "local sents = {}\n"
      "for _, s in ipairs(doc.sentences) do sents[#sents + 1] = s end\n"
      "for k = 1, math.random(1, 4) do\n"
      "  if #sents == 0 then break end\n"
      "  local s = sents[math.random(#sents)]\n"
      "  pcall(function()\n"
      "    if math.random(4) == 1 then s:remove() return end\n"
      "    local n = #s.text\n"
      "    local i = math.random(1, n + 1); local j = math.random(i - 1, n)\n"
      "    local r = {}\n"
      "    for q = 1, math.random(0, 3) do r[#r + 1] = pieces[math.random(#pieces)] end\n"
      "    s:replace(i, j, table.concat(r))\n"
      "  end)\n"
      "end\n"
      "if math.random(6) == 1 and #doc.paragraphs > 0 then\n"
      "  pcall(function() doc.paragraphs[math.random(#doc.paragraphs)]:remove() end)\n"
      "end\n"
      "return doc:render('markdown') .. '\\0' .. doc:render('html', {unsafe = true})";
  size_t agree = 0, total = 0;
  for (int seed = 0; seed < 3; seed++)
    for (size_t i = 0; i < ex->count; i++) {
      const json_value *mdv = json_get(&ex->items[i], "markdown");
      lede_doc *d = load_md(mdv->str, mdv->len);
      char sv[32];
      snprintf(sv, sizeof sv, "%d", seed * 1000 + (int)json_get(&ex->items[i], "example")->number);
      lede_arg args[] = {{"seed", sv}};
      lede_run_options ro = {.args = args, .nargs = 1};
      char *out = NULL;
      size_t n = 0;
      cr_assert_eq(lede_run_string(eng, "rnd", script, strlen(script), d, &ro, &out, &n), LEDE_OK,
                   "%s", lede_errmsg(eng));
      const char *md = out, *html = out + strlen(out) + 1;
      char *h = cmark_html(md, strlen(md), CMARK_OPT_UNSAFE);
      agree += strcmp(h, html) == 0;
      total++;
      free(h);
      lede_free(out);
      lede_doc_free(d);
    }
  fprintf(stderr, "spec: random edits, patched markdown agrees with the edited tree: %zu/%zu\n",
          agree, total);
  cr_expect_geq(agree * 100, total * 98);
  json_free(ex);
}

/* Exact ranges (1-based, inclusive: paragraphs, then their sentences with
 * the text and each word's range) of inputs fuzz_markdown found with the
 * source range checks on:
 * - a setext heading whose first line starts with '#' without being an
 *   ATX heading ("#\_"): the heading spans its content and underline, and
 *   when cmark ends one on the input's last line, the underline is the
 *   line that continues the heading's containers (the first "===" of
 *   "> a\n===\n> ===" is lazy text, the last "---" of "Title\n---\n---" a
 *   rule);
 * - container prefixes as cmark matches them, quote by quote and item by
 *   item: in ">- p\n\t>dp" the tab takes the '>' past the quote's three
 *   columns, so the line is lazy and its text ">dp";
 * - a lazy line keeps its white space in a code span and after a
 *   backslash break, a partly consumed tab as spaces (">>\\\r>\t*H*"
 *   has the text "\n  H"), also after link reference definitions; spaces
 *   the source cannot supply before the line end stay on that line
 *   (">>\\\r>\t&#32;\nst": "st" ended up one byte late);
 * - link destinations take control bytes other than white space
 *   ("[a](\x1a<)"), a '<' destination takes an escaped line end, and a
 *   label of white space ("\f" too) defines nothing; an inline link's
 *   destination and title may be surrounded by any space characters
 *   ("\v") and line ends; a quote after a backslash may close a title
 *   (cmark's longest match: "'<\\'" is the title "<\\"). */
Test(markdown, fuzz_found_exact_ranges) {
  static const struct { const char *src; size_t len; const char *want; } cases[] = {
#define C(s, w) {s, sizeof s - 1, w}
      C("#\\_\x01\n_-\n_%r\n-\n\n__",
        "heading 1-13\n 1-11 [#_\x01 _- _%r] 11-11\nparagraph 16-17\n 16-17 [__] "),
      C("#5 bolts\nand nuts\n---\n",
        "heading 1-21\n 1-17 [#5 bolts and nuts] 2-2 4-8 10-12 14-17"),
      C("> a\n===\n> ===\n", "heading 3-13\n 3-7 [a ===] 3-3"),
      C("Title\n---\n---\n", "heading 1-9\n 1-5 [Title] 1-5"),
      C(">- p\n\t>dp", "item 4-9\n 4-9 [p >dp] 4-4 8-9"),
      C(">\\\n\ty;", "quote 2-6\n 5-6 [y;] 5-5"),
      C(">>\\\r>\t*H*", "quote 3-9\n 8-8 [H] 8-8"),
      /* the tab's spaces and an entity's one more than its byte: the
       * text still ends before the line end, not in the next line */
      C(">>\\\r>\t&#32;\nst", "quote 3-14\n 13-14 [st] 13-14"),
      C("> `a\n   b` c.", "quote 3-13\n 4-13 [a    b c.] 4-4 9-9 12-12"),
      C(">[e]:u\r\t`\n`t>", "quote 9-13\n 12-13 [t>] 12-12"),
      C("[a](\x1a<) b", "paragraph 1-9\n 2-9 [a b] 2-2 9-9"),
      C("[\f]: x\n", "paragraph 1-6\n 1-6 [[\f]: x] 6-6"),
      C("> [a](<x\\\n> y>) z", "quote 3-17\n 4-17 [a z] 4-4 17-17"),
      C("[a](\v<>) b.", "paragraph 1-11\n 2-11 [a b.] 2-2 10-10"),
      C("> [a](\n> /u\n>  \"t\"\n> ) b.", "quote 3-25\n 4-25 [a b.] 4-4 24-24"),
      C("[a](\\ '<\\') b.", "paragraph 1-14\n 2-14 [a b.] 2-2 13-13"),
      C("[a](/u (x\\(y)) b.", "paragraph 1-17\n 2-17 [a b.] 2-2 16-16"),
      /* the text after a link may spell its own tail again */
      C("[](\x1a<)(\x1a<)[]()[]()B.", "paragraph 1-20\n 7-20 [(\x1a<)B.] 19-19"),
      C("[a](/u)(/u) b.", "paragraph 1-14\n 2-14 [a(/u) b.] 2-2 10-10 13-13"),
      C("[]( \\'<)( '<)[]()i]", "paragraph 1-19\n 9-19 [( '<)i]] 18-18"),
#undef C
  };
  const char *script =
      "local doc = ...\n"
      "local out = {}\n"
      "for _, p in ipairs(doc.paragraphs) do\n"
      "  out[#out + 1] = string.format('%s %d-%d', p.kind, p.start, p.stop)\n"
      "  for _, s in ipairs(p.sentences) do\n"
      "    local w = {}\n"
      "    for _, x in ipairs(s.words) do w[#w + 1] = x.start .. '-' .. x.stop end\n"
      "    out[#out + 1] = string.format(' %d-%d [%s] %s', s.start, s.stop, s.text, table.concat(w, ' '))\n"
      "  end\n"
      "end\n"
      "return table.concat(out, '\\n')";
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    lede_doc *d = load_md(cases[i].src, cases[i].len);
    char *out = NULL;
    size_t n = 0;
    cr_assert_eq(lede_run_string(eng, "t", script, strlen(script), d, NULL, &out, &n), LEDE_OK,
                 "%s", lede_errmsg(eng));
    cr_expect_str_eq(out, cases[i].want, "case %zu:\n--- got:\n%s\n--- want:\n%s", i, out,
                     cases[i].want);
    lede_free(out);
    lede_doc_free(d);
  }
}
