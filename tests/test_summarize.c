/* test_summarize.c -- `lede summarize` and `lede rouge` as a user runs
 * them: the contract every algorithm keeps (budgets, document order,
 * determinism, empty, one-sentence and Markdown documents, bad options),
 * the output formats, and ROUGE on hand-computed cases. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "json_read.h"

static char dir[256];

static void setup(void) { make_tmpdir(dir, sizeof dir); }
static void teardown(void) { remove_tmpdir(dir); }
TestSuite(summarize, .init = setup, .fini = teardown);

static const char *const ALGS[] = {"default", "lead", "luhn", "lexrank", "textrank",
                                   "sumbasic", "klsum", NULL};

static const char *file(const char *name, const char *content) {
  return file_in(dir, name, content);
}

static void expect(proc_result *r, int status) {
  cr_assert_eq(r->status, status, "exit %d, wanted %d\nstdout: %s\nstderr: %s", r->status,
               status, r->out, r->err);
}

/* Ten sentences about two topics, with repeats, so every algorithm has
 * something to rank. */
static const char NEWS[] =
    "The city council approved a new flood plan on Tuesday night.\n"
    "The flood plan will raise the river levee by two metres.\n"
    "Residents packed the council hall for the flood plan vote.\n"
    "Some residents said the plan costs too much money.\n"
    "The mayor said the levee would protect three thousand homes.\n"
    "Engineers expect the levee work to take two years.\n"
    "A local bakery won a prize for its rye bread.\n"
    "The bakery has been open since 1952.\n"
    "Council members will review the levee budget in March.\n"
    "The vote ended a long debate about the flood plan.\n";

/* Parses a --format json run; fails the test on bad JSON. */
static json_value *parse(proc_result *r) {
  char err[128];
  json_value *v = json_parse(r->out, strlen(r->out), err, sizeof err);
  cr_assert(v, "bad JSON (%s): %s", err, r->out);
  cr_assert_eq(v->type, JSON_ARRAY);
  return v;
}

static int words_in(const char *s) {
  int n = 0, in = 0;
  for (; *s; s++) {
    int w = (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9');
    if (w && !in) n++;
    in = w;
  }
  return n;
}

Test(summarize, every_algorithm_keeps_the_sentence_budget_and_document_order) {
  const char *in = file("news.txt", NEWS);
  for (const char *const *a = ALGS; *a; a++) {
    for (int n = 1; n <= 4; n++) {
      char ns[16];
      snprintf(ns, sizeof ns, "%d", n);
      proc_result r = run_lede(ARGV("summarize", "--algorithm", *a, "--sentences", ns,
                                    "--format", "json", in), NULL);
      expect(&r, 0);
      json_value *v = parse(&r);
      cr_assert_eq(v->count, (size_t)n, "%s: %zu sentences for --sentences %d", *a, v->count, n);
      double prev = -1;
      for (size_t i = 0; i < v->count; i++) {
        const json_value *idx = json_get(&v->items[i], "index");
        const json_value *st = json_get(&v->items[i], "start");
        const json_value *en = json_get(&v->items[i], "end");
        const json_value *tx = json_get(&v->items[i], "text");
        cr_assert(idx && st && en && tx && json_get(&v->items[i], "score"));
        cr_assert_gt(idx->number, prev, "%s: not in document order", *a);
        prev = idx->number;
        /* Offsets as lede sentences --json: 0-based, end-exclusive. */
        cr_assert_eq((size_t)(en->number - st->number), tx->len);
        cr_assert_eq(memcmp(NEWS + (size_t)st->number, tx->str, tx->len), 0);
      }
      json_free(v);
      proc_free(&r);
    }
  }
}

Test(summarize, word_budget_is_never_exceeded) {
  const char *in = file("news.txt", NEWS);
  for (const char *const *a = ALGS; *a; a++) {
    static const char *const budgets[] = {"5", "11", "12", "25", "40", NULL};
    for (const char *const *b = budgets; *b; b++) {
      proc_result r = run_lede(ARGV("summarize", "--algorithm", *a, "--words", *b, in), NULL);
      expect(&r, 0);
      cr_assert_leq(words_in(r.out), atoi(*b), "%s --words %s: %s", *a, *b, r.out);
      proc_free(&r);
    }
    /* 10% of the 110 words: 11, so exactly one 11-word sentence fits. */
    proc_result r = run_lede(ARGV("summarize", "--algorithm", *a, "--ratio", "0.1",
                                  "--format", "lines", in), NULL);
    expect(&r, 0);
    cr_assert_leq(words_in(r.out), 11, "%s --ratio 0.1: %s", *a, r.out);
    cr_assert_gt(words_in(r.out), 0, "%s --ratio 0.1 chose nothing", *a);
    proc_free(&r);
  }
}

Test(summarize, runs_are_deterministic) {
  const char *in = file("news.txt", NEWS);
  for (const char *const *a = ALGS; *a; a++) {
    proc_result r1 = run_lede(ARGV("summarize", "--algorithm", *a, "--explain", in), NULL);
    proc_result r2 = run_lede(ARGV("summarize", "--algorithm", *a, "--explain", in), NULL);
    expect(&r1, 0);
    cr_assert_str_eq(r1.out, r2.out, "%s differs between runs", *a);
    proc_free(&r1);
    proc_free(&r2);
  }
}

Test(summarize, empty_and_one_sentence_documents) {
  const char *empty = file("empty.txt", "");
  const char *blank = file("blank.txt", "\n  \n\n");
  const char *one = file("one.txt", "Only one sentence here.\n");
  for (const char *const *a = ALGS; *a; a++) {
    proc_result r = run_lede(ARGV("summarize", "--algorithm", *a, empty), NULL);
    expect(&r, 0);
    cr_assert_str_eq(r.out, "", "%s on an empty file", *a);
    proc_free(&r);
    r = run_lede(ARGV("summarize", "--algorithm", *a, "--format", "json", blank), NULL);
    expect(&r, 0);
    cr_assert_str_eq(r.out, "[]\n", "%s on a blank file", *a);
    proc_free(&r);
    r = run_lede(ARGV("summarize", "--algorithm", *a, one), NULL);
    expect(&r, 0);
    cr_assert_str_eq(r.out, "Only one sentence here.\n", "%s on one sentence", *a);
    proc_free(&r);
    r = run_lede(ARGV("summarize", "--algorithm", *a, "--format", "json", one), NULL);
    expect(&r, 0);
    json_value *v = parse(&r);
    cr_assert_eq(v->count, 1);
    cr_assert_eq(json_get(&v->items[0], "index")->number, 1);
    cr_assert_eq(json_get(&v->items[0], "start")->number, 0);
    cr_assert_eq(json_get(&v->items[0], "end")->number, 23);
    json_free(v);
    proc_free(&r);
  }
}

static const char MD[] =
    "# Flood plan approved\n"
    "\n"
    "The council approved the **flood plan** on Tuesday night after a long debate.\n"
    "The plan raises the [river levee](https://example.org/levee) by two metres.\n"
    "\n"
    "```\n"
    "flood plan flood plan levee levee council council plan plan flood.\n"
    "```\n"
    "\n"
    "<div>flood plan levee council flood plan levee council.</div>\n"
    "\n"
    "## Flood plan levee council flood plan\n"
    "\n"
    "- Residents said the flood plan costs too much.\n"
    "- The mayor said the levee protects the council district.\n";

Test(summarize, markdown_code_html_and_headings_are_never_chosen) {
  const char *in = file("doc.md", MD);
  for (const char *const *a = ALGS; *a; a++) {
    proc_result r = run_lede(ARGV("summarize", "--algorithm", *a, "--sentences", "10",
                                  "--format", "lines", in), NULL);
    expect(&r, 0);
    cr_assert_str_eq(r.out,
                     "The council approved the flood plan on Tuesday night after a long debate.\n"
                     "The plan raises the river levee by two metres.\n"
                     "Residents said the flood plan costs too much.\n"
                     "The mayor said the levee protects the council district.\n",
                     "%s", *a);
    proc_free(&r);
  }
}

Test(summarize, markdown_format_keeps_the_mark_up) {
  const char *in = file("doc.md", MD);
  proc_result r = run_lede(ARGV("summarize", "--algorithm", "lead", "--sentences", "2",
                                "--format", "markdown", in), NULL);
  expect(&r, 0);
  cr_assert_str_eq(r.out,
                   "The council approved the **flood plan** on Tuesday night after a long debate.\n"
                   "The plan raises the [river levee](https://example.org/levee) by two metres.\n");
  proc_free(&r);
  r = run_lede(ARGV("summarize", "--algorithm", "lead", "--sentences", "3", "--format",
                    "markdown", in), NULL);
  expect(&r, 0);
  cr_assert(strstr(r.out, "- Residents said the flood plan costs too much.\n"), "%s", r.out);
  proc_free(&r);
  /* Plain text is escaped so it reads as the same text in Markdown. */
  const char *txt = file("star.txt", "Prices rose *sharply* in [May].\n");
  r = run_lede(ARGV("summarize", "--format", "markdown", txt), NULL);
  expect(&r, 0);
  cr_assert_str_eq(r.out, "Prices rose \\*sharply\\* in \\[May\\].\n");
  proc_free(&r);
}

Test(summarize, text_and_lines_formats) {
  const char *in = file("news.txt", NEWS);
  proc_result r = run_lede(ARGV("summarize", "--algorithm", "lead", "--sentences", "2", in), NULL);
  expect(&r, 0);
  cr_assert_str_eq(r.out, "The city council approved a new flood plan on Tuesday night. "
                          "The flood plan will raise the river levee by two metres.\n");
  proc_free(&r);
  r = run_lede(ARGV("summarize", "--algorithm", "lead", "--sentences", "2", "--format",
                    "lines", in), NULL);
  expect(&r, 0);
  cr_assert_str_eq(r.out, "The city council approved a new flood plan on Tuesday night.\n"
                          "The flood plan will raise the river levee by two metres.\n");
  proc_free(&r);
}

Test(summarize, explain_lists_every_sentence_with_its_parts) {
  const char *in = file("news.txt", NEWS);
  proc_result r = run_lede(ARGV("summarize", "--explain", in), NULL);
  expect(&r, 0);
  int lines = 0, stars = 0;
  for (const char *p = r.out; *p; p++) {
    if (*p == '\n') lines++;
    if (*p == '*' && (p == r.out || p[-1] == '\n')) stars++;
  }
  cr_assert_eq(lines, 12, "%s", r.out); /* the document's note, a header, ten sentences */
  cr_assert(strncmp(r.out, "# the position prior applies at ", 32) == 0, "%s", r.out);
  cr_assert_eq(stars, 3, "%s", r.out);
  cr_assert(strstr(r.out, "centrality="), "%s", r.out);
  cr_assert(strstr(r.out, "position="), "%s", r.out);
  proc_free(&r);
  r = run_lede(ARGV("summarize", "--explain", "--format", "json", in), NULL);
  expect(&r, 0);
  json_value *v = parse(&r);
  cr_assert_eq(v->count, 10);
  const json_value *parts = json_get(&v->items[0], "parts");
  cr_assert(parts && parts->type == JSON_OBJECT && parts->count > 0);
  cr_assert(json_get(&v->items[0], "chosen"));
  json_free(v);
  proc_free(&r);
}

/* A caption that restates an earlier sentence (and so outscores it: it
 * is longer and as central) is an echo: never chosen, the original is. */
Test(summarize, default_never_chooses_an_echo) {
  char text[sizeof NEWS + 128];
  snprintf(text, sizeof text, "%sPictured: the city council approved a new flood plan for the "
                              "river levee on Tuesday night.\n", NEWS);
  const char *in = file("echo.txt", text);
  proc_result r = run_lede(ARGV("summarize", "--explain", "--sentences", "1", "--format", "json",
                                in), NULL);
  expect(&r, 0);
  json_value *v = parse(&r);
  cr_assert_eq(v->count, 11);
  const json_value *first = &v->items[0], *echo = &v->items[10];
  cr_assert(json_get(first, "chosen")->boolean, "%s", r.out);
  cr_assert_not(json_get(echo, "chosen")->boolean, "%s", r.out);
  cr_assert_gt(json_get(echo, "score")->number, json_get(first, "score")->number, "%s", r.out);
  const json_value *cos = json_get(json_get(echo, "parts"), "echo");
  cr_assert(cos && cos->number >= 0.5 && cos->number <= 1, "%s", r.out);
  cr_assert_null(json_get(json_get(first, "parts"), "echo"), "%s", r.out);
  json_free(v);
  proc_free(&r);
}

Test(summarize, bad_options_exit_2_with_a_clear_message) {
  const char *in = file("news.txt", NEWS);
  static const struct {
    const char *opt, *val, *msg;
  } cases[] = {
      {"--algorithm", "magic", "lede: unknown algorithm 'magic' (expected default, lead, luhn, "
                               "lexrank, textrank, sumbasic, klsum)\n"},
      {"--sentences", "0", "lede: --sentences needs a whole number of at least 1, not '0'\n"},
      {"--sentences", "two", "lede: --sentences needs a whole number of at least 1, not 'two'\n"},
      {"--words", "-5", "lede: --words needs a whole number of at least 1, not '-5'\n"},
      {"--words", "2.5", "lede: --words needs a whole number of at least 1, not '2.5'\n"},
      {"--ratio", "0", "lede: --ratio needs a number in (0, 1], not '0'\n"},
      {"--ratio", "1.5", "lede: --ratio needs a number in (0, 1], not '1.5'\n"},
      {"--format", "pdf", "lede: unknown format 'pdf' (expected text, lines, json, markdown "
                          "or html)\n"},
      {"--language", "klingon", NULL},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    for (const char *const *a = ALGS; *a; a++) {
      proc_result r = run_lede(ARGV("summarize", "--algorithm", *a, cases[i].opt, cases[i].val,
                                    in), NULL);
      if (strcmp(cases[i].opt, "--algorithm") == 0) {
        proc_free(&r);
        r = run_lede(ARGV("summarize", cases[i].opt, cases[i].val, in), NULL);
      }
      expect(&r, 2);
      cr_assert_str_eq(r.out, "");
      if (cases[i].msg) {
        char want[512];
        snprintf(want, sizeof want, "%sTry 'lede summarize --help'.\n", cases[i].msg);
        cr_assert_str_eq(r.err, want);
      } else {
        cr_assert(strstr(r.err, "lede: unknown language 'klingon' (one of: arabic,"), "%s", r.err);
      }
      proc_free(&r);
    }
  }
  proc_result r = run_lede(ARGV("summarize", "--sentences", "2", "--words", "9", in), NULL);
  expect(&r, 2);
  cr_assert_str_eq(r.err, "lede: give one budget: --sentences, --words or --ratio\n"
                          "Try 'lede summarize --help'.\n");
  proc_free(&r);
  r = run_lede(ARGV("summarize", "--explain", "--format", "html", in), NULL);
  expect(&r, 2);
  proc_free(&r);
  r = run_lede(ARGV("summarize", "--bogus", in), NULL);
  expect(&r, 2);
  proc_free(&r);
}

Test(summarize, html_page_escapes_and_marks_the_chosen) {
  const char *in = file("x.txt", "Tom & Jerry <script>alert(1)</script> fight again.\n"
                                 "Nothing else \"happens\" here.\n");
  proc_result r = run_lede(ARGV("summarize", "--sentences", "1", "--algorithm", "lead",
                                "--format", "html", in), NULL);
  expect(&r, 0);
  cr_assert(strncmp(r.out, "<!DOCTYPE html>\n", 16) == 0);
  cr_assert_null(strstr(r.out, "<script>"));
  cr_assert(strstr(r.out, "Tom &amp; Jerry &lt;script&gt;alert(1)&lt;/script&gt; fight again.</mark>"),
            "%s", r.out);
  cr_assert(strstr(r.out, "Nothing else &quot;happens&quot; here.</span>"), "%s", r.out);
  proc_free(&r);
}

/* ---- lede rouge ---------------------------------------------------------- */

Test(summarize, rouge_hand_computed) {
  /* Reference 9 tokens in two lines, summary 6 tokens.  ROUGE-1: the x2,
   * cat, was, on, mat = 6 hits: P 6/6, R 6/9.  ROUGE-2: "the cat",
   * "on the", "the mat" = 3 of 5 and 8 bigrams.  ROUGE-Lsum: LCS with
   * line 1 "the cat on the mat" (5) and with line 2 "was" (1): 6. */
  const char *ref = file("ref.txt", "The cat sat on the mat.\nIt was happy!\n");
  const char *sum = file("sum.txt", "the cat was on the mat\n");
  proc_result r = run_lede(ARGV("rouge", ref, sum), NULL);
  expect(&r, 0);
  cr_assert_str_eq(r.out, "metric     precision  recall  f1\n"
                          "rouge1        1.0000  0.6667 0.8000\n"
                          "rouge2        0.6000  0.3750 0.4615\n"
                          "rougeLsum     1.0000  0.6667 0.8000\n");
  proc_free(&r);
}

Test(summarize, rouge_stemming_and_tokens) {
  /* Stemmed: "runs"/"running" -> "run", "cats" -> "cat" (tokens of more
   * than three characters only: "was" stays).  Non-alphanumerics split:
   * "U.S." is "u" "s". */
  const char *ref = file("ref.txt", "Cats running in the U.S.\n");
  const char *sum = file("sum.txt", "cat runs; in THE u-s\n");
  proc_result r = run_lede(ARGV("rouge", "--json", ref, sum), NULL);
  expect(&r, 0);
  /* tokens ref: cat run in the u s; sum: cat run in the u s -> all match. */
  cr_assert_str_eq(r.out, "{\"rouge1\":{\"f\":1,\"precision\":1,\"recall\":1},"
                          "\"rouge2\":{\"f\":1,\"precision\":1,\"recall\":1},"
                          "\"rougeLsum\":{\"f\":1,\"precision\":1,\"recall\":1}}\n");
  proc_free(&r);
  r = run_lede(ARGV("rouge", "--json", "--no-stem", ref, sum), NULL);
  expect(&r, 0);
  /* Unstemmed: cats/cat and running/runs differ: 4 of 6 unigrams; bigrams
   * "in the", "the u", "u s" = 3 of 5. */
  cr_assert(strstr(r.out, "\"rouge1\":{\"f\":0.6666666666666666,"), "%s", r.out);
  cr_assert(strstr(r.out, "\"rouge2\":{\"f\":0.6,\"precision\":0.6,\"recall\":0.6}"), "%s", r.out);
  proc_free(&r);
}

Test(summarize, rouge_lsum_union_lcs_counts_each_token_once) {
  /* rouge-score's own test of the summary-level LCS (Lin 2004, 3.2):
   * reference "w1 w2 w3 w4 w5", candidates "w1 w2 w6 w7 w8" and
   * "w1 w3 w8 w9 w5": union LCS w1 w2 w3 w5 = 4 hits: R 4/5, P 4/10. */
  const char *ref = file("ref.txt", "w1 w2 w3 w4 w5\n");
  const char *sum = file("sum.txt", "w1 w2 w6 w7 w8\nw1 w3 w8 w9 w5\n");
  proc_result r = run_lede(ARGV("rouge", ref, sum), NULL);
  expect(&r, 0);
  cr_assert(strstr(r.out, "rougeLsum     0.4000  0.8000 0.5333\n"), "%s", r.out);
  proc_free(&r);
}

Test(summarize, rouge_needs_two_files) {
  const char *ref = file("ref.txt", "x\n");
  proc_result r = run_lede(ARGV("rouge", ref), NULL);
  expect(&r, 2);
  cr_assert(strstr(r.err, "rouge needs exactly two files"), "%s", r.err);
  proc_free(&r);
  r = run_lede(ARGV("rouge", ref, "/nonexistent/summary.txt"), NULL);
  expect(&r, 1);
  cr_assert(strstr(r.err, "cannot read '/nonexistent/summary.txt'"), "%s", r.err);
  proc_free(&r);
}

/* ---- the language helpers ---------------------------------------------- */

static proc_result run_script(const char *src) {
  const char *s = file("t.lua", src);
  const char *in = file("in.txt", "x\n");
  return run_lede(ARGV("run", s, in), NULL);
}

Test(summarize, tokens_and_stems) {
  proc_result r = run_script(
      "return table.concat(lede.tokens('Don\\'t STOP, Émile: 3.5 U.S. café!'), '|') .. '\\n' ..\n"
      "  lede.stem('running') .. ' ' .. lede.stem('generously', 'porter') .. ' ' ..\n"
      "  lede.stem('courir', 'fr') .. ' ' .. table.concat(lede.stem({'ponies', 'cats'}), ',') .. '\\n'\n");
  expect(&r, 0);
  cr_assert_str_eq(r.out, "don't|stop|émile|3.5|u.s.|café\nrun gener cour poni,cat\n");
  proc_free(&r);
  r = run_script("return lede.stem('x', 'klingon')");
  expect(&r, 1);
  cr_assert(strstr(r.err, "unknown stemmer language 'klingon'"), "%s", r.err);
  proc_free(&r);
}

Test(summarize, stopwords_builtin_and_from_the_script_path) {
  char sw[300], env[400];
  snprintf(sw, sizeof sw, "%s/stopwords", dir);
  cr_assert_eq(mkdir(sw, 0700), 0);
  file("stopwords/french.txt", "# French, a few\nle\n  la  \nles # articles\n\n");
  snprintf(env, sizeof env, "LEDE_PATH=%s", dir);
  const char *envs[] = {env, NULL};
  const char *s = file("t.lua",
                       "local en = lede.stopwords('english')\n"
                       "local fr = assert(lede.stopwords('french'))\n"
                       "local n = 0 for _ in pairs(fr) do n = n + 1 end\n"
                       "local none, msg = lede.stopwords('welsh')\n"
                       "return tostring(en.the) .. tostring(en.dog) .. ' ' .. n .. tostring(fr.la)\n"
                       "  .. ' ' .. tostring(none) .. ' ' .. msg .. '\\n'\n");
  const char *in = file("in.txt", "x\n");
  proc_result r = run_lede_env(ARGV("run", s, in), NULL, 0, envs, NULL);
  expect(&r, 0);
  cr_assert_str_eq(r.out, "truenil 3true nil no stop-word list for 'welsh' (add "
                          "stopwords/welsh.txt to a directory of the script path)\n");
  proc_free(&r);
}

Test(summarize, terms_and_centrality) {
  /* "dogs"/"dog" share a stem, stop words go, words count every word. */
  proc_result r = run_script(
      "local sets, vocab, words = lede.terms({'The dogs run.', 'A dog ran, the dog ran.', ''},\n"
      "  {stopwords = lede.stopwords('english')})\n"
      "local t = {}\n"
      "for i, s in ipairs(sets) do\n"
      "  local v = {} for k, id in ipairs(s) do v[k] = vocab[id] end\n"
      "  t[i] = words[i] .. ':' .. table.concat(v, ',')\n"
      "end\n"
      "local c = lede.centrality({{1, 2}, {1, 2}, {3}}, 'textrank')\n"
      "local l = lede.centrality({{1, 2}, {1, 2}, {3}}, 'lexrank')\n"
      "local z = lede.centrality({{1, 2}, {1, 3}, {4}}, 'centroid')\n"
      "return table.concat(t, ' ') .. string.format(' %.4f %.4f %.4f', c[1], c[3], c[1] + c[2] + c[3])\n"
      "  .. string.format(' %.4f %.4f', l[1], l[3]) .. string.format(' %.4f %.4f\\n', z[1], z[3])\n");
  expect(&r, 0);
  /* Graphs: 1 and 2 share both words, 3 nothing (LexRank's idf-cosine of
   * 1 and 2 is 0.164/1.371 = 0.12 >= 0.1, so both graphs are one edge).
   * Node 3 has no edge: its score is spread over all three, so
   * s3 = 0.15/3 + 0.85 s3/3 = 0.0698 and s1 = s2 = (1 - s3)/2 = 0.4651.
   * Centroid: idf log(3/2) for term 1, log 3 for the rest; sentence 1
   * against sentences 2 + 3 shares term 1 only: 0.1644 / (1.1710 *
   * 1.6057) = 0.0874; sentence 3 shares nothing. */
  cr_assert_str_eq(r.out, "3:dog,run 6:dog,ran,dog,ran 0: 0.4651 0.0698 1.0000 0.4651 0.0698 "
                          "0.0874 0.0000\n");
  proc_free(&r);
}

Test(summarize, heading_words_outside_the_candidates) {
  /* The vocabulary covers the heading, which is no candidate: its ids may
   * exceed what the candidate sentences use (this once failed with "term
   * ids must be 1..vocabulary size"). */
  const char *in = file("short.md", "# Check & co\n\nThe plan passed. Work starts in March.\n");
  for (const char *const *a = ALGS; *a; a++) {
    proc_result r = run_lede(ARGV("summarize", "--algorithm", *a, in), NULL);
    expect(&r, 0);
    cr_assert_str_eq(r.out, "The plan passed. Work starts in March.\n", "%s", *a);
    proc_free(&r);
  }
  /* Any positive ids: scores as for the same bags numbered densely. */
  proc_result r = run_script(
      "local a = lede.centrality({{7, 900}, {7, 900}, {12345}}, 'textrank')\n"
      "local b = lede.centrality({{1, 2}, {1, 2}, {3}}, 'textrank')\n"
      "local z = lede.centrality({{5, 50}, {5, 60}, {70}}, 'centroid')\n"
      "return string.format('%.4f %.4f %.4f %.4f %.4f\\n', a[1], a[3], b[1], z[1], z[3])\n");
  expect(&r, 0);
  cr_assert_str_eq(r.out, "0.4651 0.0698 0.4651 0.0874 0.0000\n");
  proc_free(&r);
}
