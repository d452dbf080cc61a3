/* test_batch.c -- many documents through the `lede` command (LEDE_BIN):
 * several FILE arguments, -r over a tree, -O written atomically, -j and
 * input order, --jsonl records (good, failing, malformed, huge, hitting a
 * limit), --fail-fast, the summary line, exit statuses, and the GNU
 * parallel recipe of the README giving the single-process output. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "helpers.h"

static char dir[256];

static void setup(void) { make_tmpdir(dir, sizeof dir); }
static void teardown(void) { remove_tmpdir(dir); }
TestSuite(batch, .init = setup, .fini = teardown);

static const char *tmp(const char *name) { return path_in(dir, name); }

/* Writes a file (making its directories) and returns its path. */
static const char *file(const char *name, const char *content) {
  const char *p = tmp(name);
  char d[512];
  snprintf(d, sizeof d, "%s", p);
  for (char *s = strchr(d + strlen(dir) + 1, '/'); s; s = strchr(s + 1, '/')) {
    *s = '\0';
    mkdir(d, 0777);
    *s = '/';
  }
  spit(p, content, strlen(content));
  return p;
}

static void assert_status(const proc_result *r, int status) {
  cr_assert_eq(r->status, status, "exit %d, wanted %d\nstdout: %.2000s\nstderr: %.2000s",
               r->status, status, r->out, r->err);
}

/* The summary line's fixed part, before the timing that varies. */
static void assert_summary(const proc_result *r, const char *before, const char *counts) {
  size_t bl = strlen(before);
  cr_assert(strncmp(r->err, before, bl) == 0, "stderr: %s\nwanted first: %s", r->err, before);
  cr_assert(strncmp(r->err + bl, counts, strlen(counts)) == 0, "stderr: %s\nwanted: %s%s", r->err,
            before, counts);
  const char *nl = strchr(r->err + bl, '\n');
  cr_assert(nl && nl[1] == '\0', "one summary line at the end: %s", r->err);
}

/* Every regular file below d (relative, sorted, ','-joined). */
static void list_tree(const char *d, const char *rel, char *out, size_t cap) {
  struct dirent **ents;
  int n = scandir(d, &ents, NULL, alphasort);
  cr_assert_geq(n, 0, "scandir %s", d);
  for (int i = 0; i < n; i++) {
    const char *nm = ents[i]->d_name;
    if (strcmp(nm, ".") && strcmp(nm, "..")) {
      char path[1024], sub[512];
      snprintf(path, sizeof path, "%s/%s", d, nm);
      snprintf(sub, sizeof sub, "%s%s%s", rel, *rel ? "/" : "", nm);
      struct stat st;
      cr_assert_eq(stat(path, &st), 0);
      if (S_ISDIR(st.st_mode)) {
        list_tree(path, sub, out, cap);
      } else {
        if (*out) strncat(out, ",", cap - strlen(out) - 1);
        strncat(out, sub, cap - strlen(out) - 1);
      }
    }
    free(ents[i]);
  }
  free(ents);
}

/* A script whose cost depends on the document: "slow N" spins N
 * iterations first, so early records finish after later ones under -j. */
static const char SLOW[] =
    "local doc = ...\n"
    "local n = tonumber(doc.source:match('slow (%d+)') or 0)\n"
    "local x = 0\n"
    "for i = 1, n do x = x + i % 7 end\n"
    "if doc.source:find('boom') then error('boom in ' .. doc.source:sub(1, 8), 0) end\n"
    "if doc.source:find('spin') then while true do end end\n"
    "return doc.source:sub(1, 8) .. '|' .. #doc.sentences .. '\\n'\n";

/* ---- several files, -j, order --------------------------------------------- */

Test(batch, files_in_input_order_under_j) {
  char s[512];
  snprintf(s, sizeof s, "%s", file("slow.lua", SLOW)); /* tmp()'s ring is reused below */
  char paths[40][512];
  const char *argv[64] = {"run", s, "-j", "4", "--quiet"};
  int n = 5;
  char want[4096] = "";
  char names[40][32];
  for (int i = 0; i < 40; i++) {
    char content[64];
    /* The first files are the slowest: with four workers they finish
     * last, and must still come out first. */
    snprintf(content, sizeof content, "Doc %02d. Then slow %d. End.\n", i, i < 4 ? 3000000 : 0);
    snprintf(names[i], sizeof names[i], "d%02d.txt", i);
    snprintf(paths[i], sizeof paths[i], "%s", file(names[i], content));
    argv[n++] = paths[i];
    char line[32];
    snprintf(line, sizeof line, "Doc %02d. |3\n", i);
    strcat(want, line);
  }
  argv[n] = NULL;
  proc_result r = run_lede(argv, NULL);
  assert_status(&r, 0);
  cr_assert_str_eq(r.out, want);
  cr_assert_str_eq(r.err, "");
  proc_free(&r);
}

Test(batch, messages_in_input_order_and_the_rest_still_runs) {
  const char *s = file("slow.lua", SLOW);
  const char *a = file("a.txt", "slow 2000000. First.\n");
  const char *b = file("b.txt", "boom here.\n");
  const char *c = file("c.txt", "Bad \xff byte.\n");
  const char *d = file("d.txt", "Last one.\n");
  proc_result r = run_lede(ARGV("run", s, a, b, tmp("missing.txt"), c, d, "-j", "3"), NULL);
  assert_status(&r, 1);
  cr_assert_str_eq(r.out, "slow 200|2\nLast one|1\n");
  char want[2048];
  snprintf(want, sizeof want,
           "lede: %s: boom in boom her\n"
           "lede: %s: cannot open: No such file or directory\n"
           "lede: %s:1:5: invalid UTF-8 at byte offset 4 (0xFF)\n",
           b, tmp("missing.txt"), c);
  assert_summary(&r, want, "lede: 5 files, 2 ok, 3 failed (1 script, 2 input); ");
  proc_free(&r);
}

Test(batch, one_file_with_j_is_the_plain_run) {
  const char *s = file("slow.lua", SLOW), *a = file("a.txt", "One. Two.\n");
  proc_result r = run_lede(ARGV("run", s, a, "-j", "2"), NULL);
  assert_status(&r, 0);
  cr_assert_str_eq(r.out, "One. Two|2\n");
  cr_assert_str_eq(r.err, "", "no summary for a single document");
  proc_free(&r);
}

Test(batch, o_collects_the_ordered_outputs_atomically) {
  const char *s = file("slow.lua", SLOW);
  const char *a = file("a.txt", "slow 1000000. A.\n"), *b = file("b.txt", "B bb bbb.\n");
  const char *out = file("all.txt", "old\n");
  proc_result r = run_lede(ARGV("run", s, a, b, "-o", out, "--quiet"), NULL);
  assert_status(&r, 0);
  cr_assert_str_eq(r.out, "");
  size_t n;
  char *got = slurp(out, &n);
  cr_assert_str_eq(got, "slow 100|2\nB bb bbb|1\n");
  free(got);
  proc_free(&r);
  /* One failure: -o stays all or nothing, the old file untouched. */
  const char *bad = file("bad.txt", "boom.\n");
  r = run_lede(ARGV("run", s, a, bad, "-o", out, "--quiet"), NULL);
  assert_status(&r, 1);
  got = slurp(out, &n);
  cr_assert_str_eq(got, "slow 100|2\nB bb bbb|1\n");
  free(got);
  char listing[1024] = "";
  list_tree(dir, "", listing, sizeof listing);
  cr_assert_str_eq(listing, "a.txt,all.txt,b.txt,bad.txt,slow.lua", "no temporary file left");
  proc_free(&r);
}

/* ---- -r and -O ------------------------------------------------------------ */

static void make_tree(void) {
  file("tree/a.txt", "Alpha. One.\n");
  file("tree/sub/b.md", "# Bee\n\nTwo *words*.\n");
  file("tree/sub/deep/c.markdown", "Sea.\n");
  file("tree/notes.json", "{}\n");
  file("tree/.hidden/d.txt", "Hidden.\n");
  file("tree/README", "No extension.\n");
}

Test(batch, r_walks_a_tree_in_name_order) {
  make_tree();
  proc_result r = run_lede(ARGV("sentences", "-r", tmp("tree"), "-j", "2"), NULL);
  assert_status(&r, 0);
  cr_assert_str_eq(r.out, "Alpha.\nOne.\nBee\nTwo words.\nSea.\n"); /* "b.md" < "deep" */
  assert_summary(&r, "", "lede: 3 files, 3 ok, 0 failed; ");
  proc_free(&r);
  /* --include replaces the defaults; a glob with '/' matches the path
   * below the root. */
  r = run_lede(ARGV("run", file("name.lua", "return select(2, ...).x or 'x'"), "-r", tmp("tree"),
                    "--include", "README", "--include", "sub/*.md", "--quiet"),
               NULL);
  assert_status(&r, 0);
  cr_assert_str_eq(r.out, "xx");
  proc_free(&r);
}

Test(batch, O_writes_one_output_per_input) {
  make_tree();
  proc_result r = run_lede(ARGV("render", "--to", "html", "-r", tmp("tree"), "-O", tmp("out"),
                                "--quiet"),
                           NULL);
  assert_status(&r, 0);
  cr_assert_str_eq(r.out, "");
  cr_assert_str_eq(r.err, "");
  char listing[1024] = "";
  list_tree(tmp("out"), "", listing, sizeof listing);
  cr_assert_str_eq(listing, "a.html,sub/b.html,sub/deep/c.html");
  size_t n;
  char *got = slurp(tmp("out/sub/b.html"), &n);
  cr_assert_str_eq(got, "<h1>Bee</h1>\n<p>Two <em>words</em>.</p>\n");
  free(got);
  proc_free(&r);
  /* The script's declared extension: .json with --json, .txt without;
   * files named on the command line keep their relative path. */
  char cwd_out[600];
  snprintf(cwd_out, sizeof cwd_out, "%s/o2", dir);
  const char *const env[] = {NULL};
  (void)env;
  r = run_lede_env(ARGV("sentences", "--json", "tree/a.txt", "tree/sub/b.md", "-O", "o2", "--quiet"),
                   NULL, 0, NULL, dir);
  assert_status(&r, 0);
  listing[0] = '\0';
  list_tree(cwd_out, "", listing, sizeof listing);
  cr_assert_str_eq(listing, "tree/a.json,tree/sub/b.json");
  proc_free(&r);
  r = run_lede_env(ARGV("stats", "tree/a.txt", "-O", "o3", "-j", "1", "--quiet"), NULL, 0, NULL, dir);
  assert_status(&r, 0);
  got = slurp(tmp("o3/tree/a.txt"), &n);
  const char *head = "paragraphs           1\nsentences            2\n";
  cr_assert(strncmp(got, head, strlen(head)) == 0, "%s", got);
  free(got);
  proc_free(&r);
}

Test(batch, O_is_atomic_no_partial_file_after_a_failure) {
  /* Writes half its output, then fails on "boom": the half must not
   * reach any file, and an older output stays as it was. */
  const char *s = file("half.lua",
                       "local doc = ...\n"
                       "lede.write('partial output of ', doc.source)\n"
                       "if doc.source:find('boom') then error('late failure', 0) end\n");
  const char *a = file("in/a.txt", "Fine.\n"), *b = file("in/b.txt", "boom.\n");
  file("out/b.txt", "previous run\n");
  proc_result r = run_lede(ARGV("run", s, "-r", tmp("in"), "-O", tmp("out")), NULL);
  assert_status(&r, 1);
  char want[1024];
  snprintf(want, sizeof want, "lede: %s: late failure\n", b);
  assert_summary(&r, want, "lede: 2 files, 1 ok, 1 failed (1 script); ");
  size_t n;
  char *got = slurp(tmp("out/a.txt"), &n);
  cr_assert_str_eq(got, "partial output of Fine.\n");
  free(got);
  got = slurp(tmp("out/b.txt"), &n);
  cr_assert_str_eq(got, "previous run\n");
  free(got);
  char listing[1024] = "";
  list_tree(tmp("out"), "", listing, sizeof listing);
  cr_assert_str_eq(listing, "a.txt,b.txt", "no temporary file left behind");
  (void)a;
  proc_free(&r);
}

Test(batch, O_inside_the_tree_is_not_walked) {
  file("docs/a.md", "# A\n\nText.\n");
  for (int run = 0; run < 2; run++) { /* the second run must not see docs/out/a.md */
    proc_result r = run_lede(ARGV("render", "--to", "markdown", "-r", tmp("docs"), "-O",
                                  tmp("docs/out"), "--quiet"),
                             NULL);
    assert_status(&r, 0);
    proc_free(&r);
  }
  char listing[1024] = "";
  list_tree(tmp("docs"), "", listing, sizeof listing);
  cr_assert_str_eq(listing, "a.md,out/a.md");
}

Test(batch, O_never_overwrites_its_input) {
  const char *a = file("in/a.txt", "Keep me.\n");
  proc_result r = run_lede(ARGV("render", "-r", tmp("in"), "-O", tmp("in"), "--quiet"), NULL);
  assert_status(&r, 1);
  char want[1024];
  snprintf(want, sizeof want, "lede: %s: the output '%s/in/a.txt' would overwrite the input\n", a, dir);
  cr_assert_str_eq(r.err, want);
  size_t n;
  char *got = slurp(a, &n);
  cr_assert_str_eq(got, "Keep me.\n");
  free(got);
  proc_free(&r);
}

Test(batch, empty_inputs) {
  mkdir(tmp("empty"), 0777);
  proc_result r = run_lede(ARGV("stats", "-r", tmp("empty")), NULL);
  assert_status(&r, 0);
  cr_assert_str_eq(r.out, "");
  assert_summary(&r, "", "lede: 0 files, 0 ok, 0 failed; ");
  proc_free(&r);
  r = run_lede(ARGV("stats", "--jsonl"), "");
  assert_status(&r, 0);
  cr_assert_str_eq(r.out, "");
  assert_summary(&r, "", "lede: 0 records, 0 ok, 0 failed; ");
  proc_free(&r);
  /* Blank lines are not records. */
  r = run_lede(ARGV("stats", "--jsonl", "--quiet"), "\n  \n\r\n");
  assert_status(&r, 0);
  cr_assert_str_eq(r.out, "");
  cr_assert_str_eq(r.err, "");
  proc_free(&r);
}

/* ---- JSON Lines ----------------------------------------------------------- */

Test(batch, jsonl_records_in_order_with_their_ids) {
  const char *s = file("slow.lua", SLOW);
  char in[8192] = "", want[8192] = "";
  for (int i = 0; i < 30; i++) {
    char line[256];
    snprintf(line, sizeof line, "{\"id\": %d, \"text\": \"Rec %02d. Then slow %d.\"}\n", i, i,
             i % 7 == 0 ? 2000000 : 0);
    strcat(in, line);
    snprintf(line, sizeof line, "{\"id\":%d,\"output\":\"Rec %02d. |2\\n\"}\n", i, i);
    strcat(want, line);
  }
  proc_result r = run_lede(ARGV("run", s, "--jsonl", "-j", "3"), in);
  assert_status(&r, 0);
  cr_assert_str_eq(r.out, want);
  assert_summary(&r, "", "lede: 30 records, 30 ok, 0 failed; ");
  proc_free(&r);
}

Test(batch, jsonl_mixed_good_and_bad_records) {
  const char *s = file("slow.lua", SLOW);
  const char in[] =
      "{\"id\": \"a\", \"text\": \"Good one. Two.\"}\n"
      "{\"id\": \"b\", \"text\": \"boom goes it\"}\n"
      "{\"id\": \"c\", \"text\": \"bad \xff byte\"}\n"
      "{\"id\": \"d\", \"text\": \"spin forever\"}\n"
      "{\"id\": {\"k\": [1, 2]}, \"text\": \"# Title\\n\\nMark *down*.\", \"format\": \"markdown\"}\n"
      "{\"id\": 6, \"text\": \"x\", \"format\": \"pdf\"}\n"
      "{\"id\": 7.5, \"text\": \"Last.\"}\n";
  proc_result r = run_lede(ARGV("run", s, "--jsonl", "--max-instructions", "100000", "-j", "2"), in);
  assert_status(&r, 1);
  cr_assert_str_eq(
      r.out,
      "{\"id\":\"a\",\"output\":\"Good one|2\\n\"}\n"
      "{\"id\":\"b\",\"error\":\"boom in boom goe\",\"status\":\"script\"}\n"
      "{\"id\":\"c\",\"error\":\"line 3: invalid UTF-8 at byte 26 (--replace-invalid makes it U+FFFD)\",\"status\":\"input\"}\n"
      "{\"id\":\"d\",\"error\":\"script exceeded instruction limit of 100000\",\"status\":\"limit\"}\n"
      "{\"id\":{\"k\":[1,2]},\"output\":\"# Title\\n|2\\n\"}\n"
      "{\"id\":6,\"error\":\"line 6: \\\"format\\\" must be \\\"text\\\" or \\\"markdown\\\"\",\"status\":\"input\"}\n"
      "{\"id\":7.5,\"output\":\"Last.|1\\n\"}\n");
  assert_summary(&r, "", "lede: 7 records, 3 ok, 4 failed (1 script, 2 input, 1 limit); ");
  proc_free(&r);
  /* --replace-invalid lets the bad bytes through as U+FFFD. */
  r = run_lede(ARGV("run", s, "--jsonl", "--replace-invalid", "--quiet"),
               "{\"id\": 1, \"text\": \"bad \xff byte \\u0000.\"}\n");
  assert_status(&r, 0);
  cr_assert_str_eq(r.out, "{\"id\":1,\"output\":\"bad \xef\xbf\xbd |1\\n\"}\n");
  proc_free(&r);
}

Test(batch, jsonl_malformed_lines_name_their_line) {
  const char *s = file("slow.lua", SLOW);
  const char in[] =
      "{\"id\": 1, \"text\": \"Fine.\"}\n"
      "\n"
      "{\"id\": 2, \"text\": \"unterminated}\n"
      "[1, 2]\n"
      "{\"id\": 4, \"text\": 5}\n"
      "{\"id\": 5, \"text\": \"a\"} trailing\n"
      "\"just a string\"\n"
      "{\"id\": 7, \"text\": \"\\ud800 lone surrogate\"}\n"
      "{\"id\": 8, \"text\": \"nul \\u0000 inside\"}\n"
      "{\"id\": 9, \"text\": \"escapes: \\\"q\\\" \\\\ \\t \\u00e9 \\ud83d\\ude00\"}\n"
      "{\"id\": 10}\n"
      "{\"id\": 11, \"text\": \"raw \x01 control\"}\n";
  proc_result r = run_lede(ARGV("run", s, "--jsonl", "--quiet"), in);
  assert_status(&r, 1);
  cr_assert_str_eq(
      r.out,
      "{\"id\":1,\"output\":\"Fine.|1\\n\"}\n"
      "{\"id\":null,\"error\":\"line 3: malformed JSON (at byte 20)\",\"status\":\"input\"}\n"
      "{\"id\":null,\"error\":\"line 4: a record must be a JSON object\",\"status\":\"input\"}\n"
      "{\"id\":4,\"error\":\"line 5: \\\"text\\\" must be a string\",\"status\":\"input\"}\n"
      "{\"id\":null,\"error\":\"line 6: malformed JSON: text after the record (at byte 24)\",\"status\":\"input\"}\n"
      "{\"id\":null,\"error\":\"line 7: a record must be a JSON object\",\"status\":\"input\"}\n"
      "{\"id\":null,\"error\":\"line 8: malformed JSON (at byte 20)\",\"status\":\"input\"}\n"
      "{\"id\":8,\"error\":\"line 9: a string holds \\\\u0000 (NUL), which a document cannot hold (--replace-invalid makes it U+FFFD)\",\"status\":\"input\"}\n"
      "{\"id\":9,\"output\":\"escapes:|1\\n\"}\n"
      "{\"id\":10,\"error\":\"line 11: the record has no \\\"text\\\"\",\"status\":\"input\"}\n"
      "{\"id\":11,\"output\":\"raw \\u0001 co|1\\n\"}\n");
  proc_free(&r);
}

Test(batch, jsonl_output_escaping_and_args) {
  /* Every other field reaches the script as args (false and null do
   * not: a script tests options with `if args.x`); -D gives defaults a
   * record can override. */
  const char *s = file("args.lua",
                       "local doc, args = ...\n"
                       "local keys = {}\n"
                       "for k, v in pairs(args) do keys[#keys + 1] = k .. '=' .. v end\n"
                       "table.sort(keys)\n"
                       "return table.concat(keys, ' ') .. ' \"q\" \\\\ \\t\\1 \\226\\128\\168 \\195\\169'\n");
  proc_result r = run_lede(ARGV("run", s, "--jsonl", "-D", "lang=en", "-D", "mode=x", "--quiet"),
                           "{\"id\": \"k\", \"text\": \"T.\", \"n\": 3, \"f\": 0.25, \"on\": true, "
                           "\"off\": false, \"nil\": null, \"obj\": {\"a\": [1]}, \"mode\": \"y\"}\n");
  assert_status(&r, 0);
  cr_assert_str_eq(r.out,
                   "{\"id\":\"k\",\"output\":\"f=0.25 lang=en mode=y n=3 obj={\\\"a\\\":[1]} on=true "
                   "\\\"q\\\" \\\\ \\t\\u0001 \\u2028 \xc3\xa9\"}\n");
  proc_free(&r);
  /* Output that is not UTF-8 cannot be a JSON string. */
  r = run_lede(ARGV("run", file("bin.lua", "return '\\255'"), "--jsonl", "--quiet"),
               "{\"id\": 1, \"text\": \"x\"}\n");
  assert_status(&r, 1);
  cr_assert_str_eq(r.out, "{\"id\":1,\"error\":\"the script's output is not valid UTF-8\",\"status\":\"script\"}\n");
  proc_free(&r);
}

Test(batch, jsonl_a_10_MB_record) {
  static const char piece[] = "Word \\\"q\\\". "; /* Word "q". in JSON */
  size_t pl = sizeof piece - 1, n = 10 * 1000 * 1000, reps = n / pl;
  char *in = malloc(n + 64), *want = malloc(n + 64);
  cr_assert(in && want);
  size_t k = (size_t)sprintf(in, "{\"id\":\"big\",\"text\":\"");
  for (size_t i = 0; i < reps; i++, k += pl) memcpy(in + k, piece, pl);
  k += (size_t)sprintf(in + k, "\"}\n");
  /* The document comes back whole: parsed, loaded, rendered, escaped. */
  proc_result r = run_lede_env(ARGV("render", "--jsonl", "--quiet"), in, k, NULL, NULL);
  assert_status(&r, 0);
  size_t w = (size_t)sprintf(want, "{\"id\":\"big\",\"output\":\"");
  for (size_t i = 0; i < reps; i++, w += pl) memcpy(want + w, piece, pl);
  w += (size_t)sprintf(want + w, "\"}\n");
  cr_assert_eq(r.outlen, w, "output %zu bytes, wanted %zu", r.outlen, w);
  cr_assert(memcmp(r.out, want, w) == 0);
  proc_free(&r);
  /* And next to small ones, in order. */
  const char *s = file("count.lua", "local doc = ... return #doc.sentences .. ''");
  memcpy(in + k, "{\"id\":2,\"text\":\"One. Two.\"}\n", 28);
  r = run_lede_env(ARGV("run", s, "--jsonl", "-j", "2", "--quiet"), in, k + 28, NULL, NULL);
  assert_status(&r, 0);
  char w2[128];
  snprintf(w2, sizeof w2, "{\"id\":\"big\",\"output\":\"%zu\"}\n{\"id\":2,\"output\":\"2\"}\n", reps);
  cr_assert_str_eq(r.out, w2);
  proc_free(&r);
  free(in);
  free(want);
}

Test(batch, a_record_hits_a_limit_while_the_others_finish) {
  const char *s = file("slow.lua", SLOW);
  const char in[] =
      "{\"id\": 1, \"text\": \"One.\"}\n"
      "{\"id\": 2, \"text\": \"spin now.\"}\n"
      "{\"id\": 3, \"text\": \"Three.\"}\n"
      "{\"id\": 4, \"text\": \"Four.\"}\n"
      "{\"id\": 5, \"text\": \"Five.\"}\n";
  proc_result r = run_lede(ARGV("run", s, "--jsonl", "--timeout", "0.5", "--max-instructions", "0",
                                "-j", "2"),
                           in);
  assert_status(&r, 3); /* only limits failed */
  cr_assert_str_eq(r.out,
                   "{\"id\":1,\"output\":\"One.|1\\n\"}\n"
                   "{\"id\":2,\"error\":\"script exceeded time limit of 0.5 seconds\",\"status\":\"limit\"}\n"
                   "{\"id\":3,\"output\":\"Three.|1\\n\"}\n"
                   "{\"id\":4,\"output\":\"Four.|1\\n\"}\n"
                   "{\"id\":5,\"output\":\"Five.|1\\n\"}\n");
  assert_summary(&r, "", "lede: 5 records, 4 ok, 1 failed (1 limit); ");
  proc_free(&r);
}

Test(batch, fail_fast_stops_at_the_first_failure) {
  const char *s = file("slow.lua", SLOW);
  const char in[] =
      "{\"id\": 1, \"text\": \"One.\"}\n"
      "{\"id\": 2, \"text\": \"boom.\"}\n"
      "{\"id\": 3, \"text\": \"Three.\"}\n";
  proc_result r = run_lede(ARGV("run", s, "--jsonl", "--fail-fast", "-j", "1"), in);
  assert_status(&r, 1);
  cr_assert_str_eq(r.out,
                   "{\"id\":1,\"output\":\"One.|1\\n\"}\n"
                   "{\"id\":2,\"error\":\"boom in boom.\",\"status\":\"script\"}\n");
  assert_summary(&r, "lede: stopped at the first failure (--fail-fast)\n",
                 "lede: 2 records, 1 ok, 1 failed (1 script); ");
  proc_free(&r);
}

Test(batch, exit_statuses_and_usage_errors) {
  const char *s = file("slow.lua", SLOW), *a = file("a.txt", "A.\n"), *b = file("b.txt", "B.\n");
  proc_result r = run_lede(ARGV("run", s, a, b, "--quiet"), NULL);
  assert_status(&r, 0);
  proc_free(&r);
  r = run_lede(ARGV("run", s, a, file("c.txt", "spin.\n"), "--timeout", "0.5", "--max-instructions",
                    "0", "--quiet"),
               NULL);
  assert_status(&r, 3);
  proc_free(&r);
  r = run_lede(ARGV("run", s, a, file("d.txt", "spin.\n"), file("e.txt", "boom.\n"), "--timeout",
                    "0.5", "--max-instructions", "0", "--quiet"),
               NULL);
  assert_status(&r, 1); /* a script error outranks a limit */
  proc_free(&r);
  /* A script that does not compile fails the batch once, before any
   * record runs. */
  r = run_lede(ARGV("run", file("bad.lua", "return +"), a, b, "-j", "2"), NULL);
  assert_status(&r, 1);
  char werr[600];
  snprintf(werr, sizeof werr, "%s:1: unexpected symbol near '+'\n", tmp("bad.lua"));
  cr_assert_str_eq(r.err, werr);
  cr_assert_str_eq(r.out, "");
  proc_free(&r);
  struct {
    const char *argv[10];
    const char *err;
  } cases[] = {
      {{"run", s, dir}, "is a directory (use -r to process the documents in it)\n"},
      {{"run", s, "--jsonl", "-O", "x"}, "-O writes files per input file; --jsonl writes one stream\n"},
      {{"run", s, a, b, "-O", "x", "-o", "y"}, "-o and -O do not go together\n"},
      {{"run", s, "-r"}, "-r needs a directory\n"},
      {{"run", s, a, "--include", "*.txt"}, "--include chooses files in directories: it needs -r\n"},
      {{"run", s, "-", a, "-"}, "standard input ('-') can be read only once\n"},
      {{"run", s, "-j", "x"}, "-j needs a number of workers from 1 to 256, not 'x'\n"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    r = run_lede(cases[i].argv, "");
    assert_status(&r, 2);
    char want[512];
    snprintf(want, sizeof want, "%sTry 'lede --help' for more information.\n", cases[i].err);
    size_t el = strlen(r.err), wl = strlen(want);
    cr_assert(el >= wl && strcmp(r.err + el - wl, want) == 0, "case %zu: %s", i, r.err);
    cr_assert_str_eq(r.out, "");
    proc_free(&r);
  }
}

Test(batch, progress_bar_only_when_asked_or_on_a_terminal) {
  const char *s = file("slow.lua", SLOW);
  /* stderr is a file here: no bar unless --progress. */
  proc_result r = run_lede(ARGV("run", s, "--jsonl"), "{\"id\":1,\"text\":\"slow 3000000.\"}\n");
  cr_assert(!strchr(r.err, '\r'), "%s", r.err);
  proc_free(&r);
  r = run_lede(ARGV("run", s, "--jsonl", "--progress", "-j", "1"),
               "{\"id\":1,\"text\":\"slow 3000000.\"}\n{\"id\":2,\"text\":\"slow 3000000.\"}\n"
               "{\"id\":3,\"text\":\"boom.\"}\n{\"id\":4,\"text\":\"x.\"}\n");
  cr_assert(strstr(r.err, "\r"), "a bar was drawn: %s", r.err);
  cr_assert(strstr(r.err, "lede: 4 records, 3 ok, 1 failed (1 script); "), "%s", r.err);
  proc_free(&r);
  r = run_lede(ARGV("run", s, "--jsonl", "--quiet"), "{\"id\":1,\"text\":\"boom\"}\n");
  assert_status(&r, 1);
  cr_assert_str_eq(r.err, "");
  proc_free(&r);
}

/* ---- the GNU parallel recipe ---------------------------------------------- */

/* Runs cmd with sh, stdout into a file; returns the exit status. */
static int sh(const char *cmd) {
  int st = system(cmd);
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

Test(batch, gnu_parallel_recipe_equals_the_single_process_output) {
  cr_assert_eq(sh("command -v parallel > /dev/null"), 0, "GNU parallel is not installed (make deps-test)");
  FILE *f = fopen(tmp("in.jsonl"), "w");
  cr_assert_not_null(f);
  for (int i = 0; i < 600; i++)
    fprintf(f, "{\"id\": %d, \"text\": \"Record %d is here. It has %s sentences! Right?\"}\n", i, i,
            i % 3 ? "three" : "several");
  /* A failing record travels too.  (A malformed one would not compare:
   * its message names its line in the chunk its process got.) */
  fprintf(f, "{\"id\": 600, \"text\": \"%02000d\"}\n", 0);
  fclose(f);
  char cmd[2048];
  snprintf(cmd, sizeof cmd, "cd %s && %s stats --jsonl --quiet --max-input 0.001 < in.jsonl > single.jsonl", dir, LEDE_BIN);
  cr_assert_eq(sh(cmd), 3);
  /* The README's recipe, with a small --block so 45 KB makes several
   * chunks and jobs. */
  snprintf(cmd, sizeof cmd,
           "cd %s && parallel --pipe --block 4k -k --will-cite '%s stats --jsonl --quiet --max-input 0.001' "
           "< in.jsonl > parallel.jsonl", dir, LEDE_BIN);
  cr_assert_eq(sh(cmd), 1, "parallel exits with the number of failed jobs");
  size_t n1, n2;
  char *one = slurp(tmp("single.jsonl"), &n1), *par = slurp(tmp("parallel.jsonl"), &n2);
  cr_assert_gt(n1, 60000u);
  cr_assert_eq(n1, n2);
  cr_assert(memcmp(one, par, n1) == 0, "parallel's output differs from the single process'");
  free(one);
  free(par);
}

/* The output escaper skips eight plain bytes at a time: every escape at
 * every position around those words comes back as the canonical JSON
 * the input spelled (a document's source echoed through a record). */
Test(batch, jsonl_escapes_at_every_offset) {
  static const char *const esc[] = {"\\\"", "\\\\", "\\n", "\\t", "\\r", "\\u0001", "\\u001f",
                                    "\\u2028", "\\u2029", "\xe2\x82\xac", "\xc3\xa9"};
  const char *s = file("echo.lua", "local doc = ... return doc.source");
  static char in[65536], want[65536];
  size_t ni = 0, nw = 0;
  int id = 0;
  for (size_t e = 0; e < sizeof esc / sizeof *esc; e++)
    for (int k = 0; k < 18; k++, id++) {
      char body[128];
      snprintf(body, sizeof body, "%.*s%s%.*s.", k, "abcdefghijklmnopqr", esc[e], 17 - k,
               "ABCDEFGHIJKLMNOPQ");
      ni += (size_t)snprintf(in + ni, sizeof in - ni, "{\"id\":%d,\"text\":\"%s\"}\n", id, body);
      nw += (size_t)snprintf(want + nw, sizeof want - nw, "{\"id\":%d,\"output\":\"%s\"}\n", id, body);
    }
  proc_result r = run_lede(ARGV("run", s, "--jsonl", "--quiet"), in);
  assert_status(&r, 0);
  cr_assert_str_eq(r.out, want);
  proc_free(&r);
}

/* A record is data: its fields reach the script as args, but never grant
 * a file.  `lede redact --report FILE` writes FILE; a record's "report"
 * field must not make it write anywhere. */
Test(batch, a_record_field_never_grants_a_file) {
  const char *victim = tmp("victim.json");
  char in[1024];
  snprintf(in, sizeof in,
           "{\"id\": 1, \"text\": \"mail a@example.com\", \"report\": \"%s\"}\n", victim);
  proc_result r = run_lede(ARGV("redact", "--jsonl", "--quiet"), in);
  assert_status(&r, 1);
  cr_assert(strstr(r.out, "\"id\":1,\"error\":") && strstr(r.out, "was not given on the command line"),
            "%s", r.out);
  struct stat sb;
  cr_assert_neq(stat(victim, &sb), 0, "a record made lede write %s", victim);
  proc_free(&r);
  /* The same path on the command line is the user's grant. */
  r = run_lede(ARGV("redact", "--jsonl", "--quiet", "--report", victim),
               "{\"id\": 1, \"text\": \"mail a@example.com\"}\n");
  assert_status(&r, 0);
  cr_assert_str_eq(r.out, "{\"id\":1,\"output\":\"mail [EMAIL]\"}\n");
  cr_assert_eq(stat(victim, &sb), 0);
  proc_free(&r);
}

/* Records run one after the other on one engine (-j 1) share no state:
 * a record that changes globals, library tables and the lede module, then
 * a record that must find none of it.  "Only one engine" and "one state
 * kept between records" are how -j 1 runs; the isolation must not
 * depend on either. */
Test(batch, jsonl_records_share_no_state) {
  const char *s = file("leak.lua",
                       "local doc = ...\n"
                       "if doc.source:find('leak') then\n"
                       "  x = 'leaked' string.upper = function() return 'pwned' end\n"
                       "  string.extra, math.pi, table.concat = 1, 3, nil\n"
                       "  rawset(lede, 'extra', 1) lede.abbreviations.add('Xyz')\n"
                       "  setmetatable(_G, {__index = function() return 'leaked' end})\n"
                       "  return ('a'):upper() .. '\\n'\n"
                       "end\n"
                       "return table.concat({tostring(x), ('a'):upper(), tostring(('').extra),\n"
                       "  tostring(math.pi > 3.14), tostring(rawget(lede, 'extra')),\n"
                       "  tostring(lede.abbreviations.has('Xyz'))}, ' ') .. '\\n'\n");
  proc_result r = run_lede(ARGV("run", s, "--jsonl", "-j", "1", "--quiet"),
                           "{\"id\": 1, \"text\": \"leak now.\"}\n"
                           "{\"id\": 2, \"text\": \"Check.\"}\n"
                           "{\"id\": 3, \"text\": \"leak again.\"}\n"
                           "{\"id\": 4, \"text\": \"Check.\"}\n");
  assert_status(&r, 0);
  cr_assert_str_eq(r.out,
                   "{\"id\":1,\"output\":\"pwned\\n\"}\n"
                   "{\"id\":2,\"output\":\"nil A nil true nil false\\n\"}\n"
                   "{\"id\":3,\"output\":\"pwned\\n\"}\n"
                   "{\"id\":4,\"output\":\"nil A nil true nil false\\n\"}\n");
  proc_free(&r);
}

/* Ids are printed back as libcjson prints them, integers by a short cut
 * of our own: both paths, and the edges between them (-0, past int). */
Test(batch, jsonl_ids_come_back_as_given) {
  const char *s = file("one.lua", "return 'x'\n");
  proc_result r = run_lede(ARGV("run", s, "--jsonl", "--quiet"),
                           "{\"id\": 1, \"text\": \"a.\"}\n"
                           "{\"id\": -7, \"text\": \"a.\"}\n"
                           "{\"id\": 2147483648, \"text\": \"a.\"}\n"
                           "{\"id\": 1.5, \"text\": \"a.\"}\n"
                           "{\"id\": 1e300, \"text\": \"a.\"}\n"
                           "{\"id\": \"x\\u00e9\\\"\", \"text\": \"a.\"}\n"
                           "{\"id\": -0.0, \"text\": \"a.\"}\n"
                           "{\"id\": 0, \"text\": \"a.\"}\n"
                           "{\"id\": [1, {\"k\": null}], \"text\": \"a.\"}\n"
                           "{\"text\": \"a.\"}\n");
  assert_status(&r, 0);
  cr_assert_str_eq(r.out,
                   "{\"id\":1,\"output\":\"x\"}\n"
                   "{\"id\":-7,\"output\":\"x\"}\n"
                   "{\"id\":2147483648,\"output\":\"x\"}\n"
                   "{\"id\":1.5,\"output\":\"x\"}\n"
                   "{\"id\":1e+300,\"output\":\"x\"}\n"
                   "{\"id\":\"x\xc3\xa9\\\"\",\"output\":\"x\"}\n"
                   "{\"id\":-0,\"output\":\"x\"}\n"
                   "{\"id\":0,\"output\":\"x\"}\n"
                   "{\"id\":[1,{\"k\":null}],\"output\":\"x\"}\n"
                   "{\"id\":null,\"output\":\"x\"}\n");
  proc_free(&r);
}
