/* test_cli.c -- the `lede` command, run as a separate process (LEDE_BIN):
 * running scripts on files and standard input, -o written atomically,
 * --from/--to, -D, option placement, help and version, script discovery
 * through LEDE_PATH, the bundled sentences and stats scripts, and exit
 * codes with their messages. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "helpers.h"
#include "json_read.h"

static char dir[256];

static void setup(void) { make_tmpdir(dir, sizeof dir); }
static void teardown(void) { remove_tmpdir(dir); }
TestSuite(cli, .init = setup, .fini = teardown);

static const char *tmp(const char *name) { return path_in(dir, name); }
static const char *file(const char *name, const char *content) {
  return file_in(dir, name, content);
}

static void assert_result(proc_result *r, int status, const char *out, const char *err) {
  cr_assert_eq(r->status, status, "exit %d, wanted %d\nstdout: %s\nstderr: %s", r->status,
               status, r->out, r->err);
  if (out) cr_assert_str_eq(r->out, out, "stderr: %s", r->err);
  if (err) cr_assert_str_eq(r->err, err);
}

/* Files in the test's directory, sorted, joined with ','. */
static char *dir_listing(void) {
  struct dirent **ents;
  int n = scandir(dir, &ents, NULL, alphasort);
  cr_assert_geq(n, 0);
  static char buf[2048];
  buf[0] = '\0';
  for (int i = 0; i < n; i++) {
    if (ents[i]->d_name[0] != '.') {
      if (buf[0]) strcat(buf, ",");
      strcat(buf, ents[i]->d_name);
    }
    free(ents[i]);
  }
  free(ents);
  return buf;
}

static const char ECHO_ARGS[] =
    "local doc, args = ...\n"
    "local keys = {}\n"
    "for k, v in pairs(args) do keys[#keys + 1] = k .. '=' .. v end\n"
    "table.sort(keys)\n"
    "return table.concat(keys, ' ') .. '|' .. #doc.paragraphs .. '|' .. doc.format .. '\\n'\n";

static const char DOC[] = "Alpha one. Beta two.\n\nGamma \"three\" \xC3\xA9.\n";

/* ---- lede run --------------------------------------------------------------- */

Test(cli, run_script_on_file) {
  const char *s = file("echo.lua", ECHO_ARGS), *in = file("in.txt", DOC);
  proc_result r = run_lede(ARGV("run", s, in), NULL);
  assert_result(&r, 0, "|2|text\n", "");
  proc_free(&r);
}

Test(cli, identity_script_renders_the_input) {
  const char *s = file("id.lua", "local doc = ...\n"), *in = file("in.txt", DOC);
  proc_result r = run_lede(ARGV("run", s, in), NULL);
  assert_result(&r, 0, DOC, "");
  proc_free(&r);
}

Test(cli, standard_input_with_dash_and_without_file) {
  const char *s = file("echo.lua", ECHO_ARGS);
  proc_result r = run_lede(ARGV("run", s, "-"), DOC);
  assert_result(&r, 0, "|2|text\n", "");
  proc_free(&r);
  r = run_lede(ARGV("run", s), "One.\n\nTwo.\n\nThree.\n");
  assert_result(&r, 0, "|3|text\n", "");
  proc_free(&r);
}

Test(cli, defines_and_option_placement) {
  const char *s = file("echo.lua", ECHO_ARGS), *in = file("in.txt", DOC);
  const char *want = "a=1 b=x=y empty= to=json|2|text\n";
  proc_result r = run_lede(ARGV("run", s, in, "-D", "a=1", "-Db=x=y", "-D", "empty=", "--to", "json"),
                           NULL);
  assert_result(&r, 0, want, "");
  proc_free(&r);
  r = run_lede(ARGV("-D", "a=1", "--to", "json", "run", "-Db=x=y", s, "-D", "empty=", in), NULL);
  assert_result(&r, 0, want, "");
  proc_free(&r);
  r = run_lede(ARGV("--to", "json", "-D", "empty=", "run", s, "-D", "a=1", "-Db=x=y", "--", in),
               NULL);
  assert_result(&r, 0, want, "");
  proc_free(&r);
}

Test(cli, to_format_renders_the_document) {
  const char *s = file("drop.lua", "local doc = ...\ndoc.sentences[2]:remove()\n");
  const char *in = file("in.txt", DOC);
  proc_result r = run_lede(ARGV("run", s, in), NULL);
  assert_result(&r, 0, "Alpha one.\n\nGamma \"three\" \xC3\xA9.\n", "");
  proc_free(&r);
  r = run_lede(ARGV("run", "--to", "html", s, in), NULL);
  assert_result(&r, 0, "<p>Alpha one.</p>\n<p>Gamma &quot;three&quot; \xC3\xA9.</p>\n", "");
  proc_free(&r);
  r = run_lede(ARGV("run", s, in, "--to", "json"), NULL);
  assert_result(&r, 0,
                "{\"format\":\"text\",\"paragraphs\":[\n"
                "{\"index\":1,\"kind\":\"paragraph\",\"start\":0,\"end\":20,\"text\":\"Alpha one.\","
                "\"sentences\":[{\"index\":1,\"start\":0,\"end\":10,\"text\":\"Alpha one.\"}]},\n"
                "{\"index\":2,\"kind\":\"paragraph\",\"start\":22,\"end\":39,"
                "\"text\":\"Gamma \\\"three\\\" \xC3\xA9.\",\"sentences\":[{\"index\":3,\"start\":22,"
                "\"end\":39,\"text\":\"Gamma \\\"three\\\" \xC3\xA9.\"}]}\n]}\n",
                "");
  proc_free(&r);
}

Test(cli, from_text_overrides_the_extension) {
  const char *s = file("fmt.lua", "local doc = ...\nreturn doc.format .. '\\n'\n");
  const char *in = file("notes.txt", "# Not a heading here.\n");
  proc_result r = run_lede(ARGV("run", s, in, "--from", "text"), NULL);
  assert_result(&r, 0, "text\n", "");
  proc_free(&r);
  r = run_lede(ARGV("run", s, "--from", "rtf", in), NULL);
  assert_result(&r, 2, "", "lede: --from must be text or markdown, not 'rtf'\n"
                           "Try 'lede --help' for more information.\n");
  proc_free(&r);
}

Test(cli, paragraphs_option) {
  const char *s = file("n.lua", "local doc = ...\nreturn #doc.paragraphs .. '\\n'\n");
  const char *in = file("in.txt", "Rain is expected on Monday.\nWinds ease by Tuesday.\n");
  proc_result r = run_lede(ARGV("run", s, in), NULL);
  assert_result(&r, 0, "2\n", "");
  proc_free(&r);
  r = run_lede(ARGV("run", s, in, "--paragraphs", "blank"), NULL);
  assert_result(&r, 0, "1\n", "");
  proc_free(&r);
}

/* A script that declares its own --language (summarize: the stemmer) gets
 * the value too, and the document is segmented with it where lede can. */
Test(cli, language_reaches_a_script_that_declares_it) {
  const char *in = file("de.txt", "Am 3. Oktober kam er nach Berlin. Die Stadt feierte.\n");
  proc_result r = run_lede(ARGV("summarize", "--algorithm", "lead", "--sentences", "1", in),
                           NULL);
  assert_result(&r, 0, "Am 3.\n", "");
  proc_free(&r);
  r = run_lede(ARGV("summarize", "--algorithm", "lead", "--sentences", "1", "--language", "de",
                    in), NULL);
  assert_result(&r, 0, "Am 3. Oktober kam er nach Berlin.\n", "");
  proc_free(&r);
}

/* --language and --quotes set how the document is segmented. */
Test(cli, language_and_quotes_options) {
  const char *in = file("de.txt", "Am 3. Oktober kam er. \"Halt. Sofort!\" rief sie.\n");
  proc_result r = run_lede(ARGV("sentences", in), NULL);
  assert_result(&r, 0, "Am 3.\nOktober kam er.\n\"Halt.\nSofort!\" rief sie.\n", "");
  proc_free(&r);
  r = run_lede(ARGV("sentences", "--language", "de", in), NULL);
  assert_result(&r, 0, "Am 3. Oktober kam er.\n\"Halt.\nSofort!\" rief sie.\n", "");
  proc_free(&r);
  r = run_lede(ARGV("sentences", in, "--language", "German", "--quotes", "keep"), NULL);
  assert_result(&r, 0, "Am 3. Oktober kam er.\n\"Halt. Sofort!\" rief sie.\n", "");
  proc_free(&r);
}

/* ---- -o ---------------------------------------------------------------------- */

Test(cli, output_file_is_written) {
  const char *s = file("id.lua", "local doc = ...\n"), *in = file("in.txt", DOC);
  const char *o = tmp("out.txt");
  proc_result r = run_lede(ARGV("run", s, in, "-o", o), NULL);
  assert_result(&r, 0, "", "");
  proc_free(&r);
  size_t n;
  char *got = slurp(o, &n);
  cr_assert_str_eq(got, DOC);
  free(got);
  struct stat st;
  cr_assert_eq(stat(o, &st), 0);
  mode_t mask = umask(0);
  umask(mask);
  cr_assert_eq(st.st_mode & 0777, 0666 & ~mask, "an ordinary file, not mkstemp's 0600");
  cr_assert_str_eq(dir_listing(), "id.lua,in.txt,out.txt", "no temporary file left");
  /* Replacing an existing file. */
  r = run_lede(ARGV("-o", o, "run", file("x.lua", "return 'new\\n'"), in), NULL);
  assert_result(&r, 0, "", "");
  proc_free(&r);
  got = slurp(o, &n);
  cr_assert_str_eq(got, "new\n");
  free(got);
}

Test(cli, output_file_untouched_on_script_error) {
  const char *o = file("out.txt", "old content\n");
  const char *s = file("fail.lua", "local doc = ...\nlede.write('partial')\nerror('late failure')\n");
  const char *in = file("in.txt", DOC);
  proc_result r = run_lede(ARGV("run", s, in, "-o", o), NULL);
  cr_assert_eq(r.status, 1);
  cr_assert_str_eq(r.out, "");
  char want[600];
  snprintf(want, sizeof want, "%s:3: late failure\nstack traceback:\n", s);
  cr_assert(strncmp(r.err, want, strlen(want)) == 0, "stderr: %s", r.err);
  proc_free(&r);
  size_t n;
  char *got = slurp(o, &n);
  cr_assert_str_eq(got, "old content\n");
  free(got);
  cr_assert_str_eq(dir_listing(), "fail.lua,in.txt,out.txt", "no temporary file left");
}

Test(cli, output_file_untouched_on_bad_input) {
  const char *o = file("out.txt", "old content\n");
  const char *s = file("id.lua", "local doc = ...\n");
  const char *in = file("bad.txt", "ok \xFF\n");
  proc_result r = run_lede(ARGV("run", s, in, "-o", o), NULL);
  char want[600];
  snprintf(want, sizeof want, "lede: %s:1:4: invalid UTF-8 at byte offset 3 (0xFF)\n", in);
  assert_result(&r, 1, "", want);
  proc_free(&r);
  size_t n;
  char *got = slurp(o, &n);
  cr_assert_str_eq(got, "old content\n");
  free(got);
  cr_assert_str_eq(dir_listing(), "bad.txt,id.lua,out.txt");
}

/* ---- help, version, usage errors ---------------------------------------------- */

Test(cli, version) {
  proc_result r = run_lede(ARGV("--version"), NULL);
  assert_result(&r, 0, "lede " LEDE_VERSION_STRING "\n", "");
  proc_free(&r);
}

Test(cli, help) {
  proc_result r = run_lede(ARGV("--help"), NULL);
  cr_assert_eq(r.status, 0);
  cr_assert(strncmp(r.out, "usage: lede run SCRIPT [FILE...|-] [options]", 44) == 0, "%s", r.out);
  cr_assert(strstr(r.out, "\n  -o FILE ") && strstr(r.out, "\n  -D key=value ") &&
                strstr(r.out, "\n  --from text|markdown ") && strstr(r.out, "\n  --to ") &&
                strstr(r.out, "\n  --paragraphs auto|blank|line "),
            "%s", r.out);
  cr_assert_str_eq(r.err, "");
  proc_result r2 = run_lede(ARGV("help"), NULL);
  cr_assert_eq(r2.status, 0);
  cr_assert_str_eq(r2.out, r.out);
  proc_free(&r2);
  /* No command at all: the same text, on stderr, as a usage error. */
  r2 = run_lede(ARGV(NULL), NULL);
  cr_assert_eq(r2.status, 2);
  cr_assert_str_eq(r2.out, "");
  cr_assert_str_eq(r2.err, r.out);
  proc_free(&r2);
  proc_free(&r);
}

Test(cli, script_help) {
  proc_result r = run_lede(ARGV("sentences", "--help"), NULL);
  assert_result(&r, 0,
                "lede sentences: One sentence per line, or a JSON array with byte offsets.\n"
                "usage: lede sentences [--json] [FILE]\n"
                "  --json   print [{\"paragraph\", \"index\", \"start\", \"end\", \"text\"}, ...] where\n"
                "           start/end are 0-based, end-exclusive byte offsets into the file\n"
                "\nCommon options (-o, --from, --to, -D, limits): see 'lede --help'.\n",
                "");
  proc_free(&r);
}

typedef struct usage_case {
  char argv[4][32];
  char err[160];
} usage_case;

Test(cli, usage_errors_exit_2_with_a_hint) {
  static const usage_case cases[] = {
      {{"bogus"}, "lede: no command or script named 'bogus' (see 'lede scripts')\n"},
      {{"run", "x.lua", "--bogus"}, "lede: unknown option '--bogus'\n"},
      {{"run"}, "lede: run needs a SCRIPT\n"},
      {{"run", "x.lua", "-D"}, "lede: option '-D' needs a value\n"},
      {{"run", "x.lua", "-D", "novalue"}, "lede: -D needs key=value, got 'novalue'\n"},
      {{"run", "x.lua", "--to", "pdf"}, "lede: --to must be text, markdown, html or json, not 'pdf'\n"},
      {{"run", "x.lua", "-j", "0"}, "lede: -j needs a number of workers from 1 to 256, not '0'\n"},
      {{"run", "x.lua", "--paragraphs", "x"}, "lede: --paragraphs must be auto, blank or line, not 'x'\n"},
      {{"run", "x.lua", "--language", "xx"},
       "lede: --language must be one of en, de, fr, es, it, nl, not 'xx'\n"},
      {{"run", "x.lua", "--quotes", "all"}, "lede: --quotes must be split or keep, not 'all'\n"},
      {{"sentences", "--jsonl", "a"}, "lede: --jsonl reads its records from standard input, not from 'a'\n"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    const char *argv[5] = {NULL};
    for (int k = 0; k < 4 && cases[i].argv[k][0]; k++) argv[k] = cases[i].argv[k];
    proc_result r = run_lede(argv, "");
    char want[300];
    snprintf(want, sizeof want, "%sTry 'lede --help' for more information.\n", cases[i].err);
    cr_assert_eq(r.status, 2, "%s: exit %d, stderr %s", cases[i].argv[0], r.status, r.err);
    cr_assert_str_eq(r.err, want);
    cr_assert_str_eq(r.out, "");
    proc_free(&r);
  }
}

Test(cli, unknown_option_of_a_bundled_script) {
  proc_result r = run_lede(ARGV("sentences", "--bogus", "x.txt"), NULL);
  assert_result(&r, 2, "", "lede: unknown option '--bogus' for 'sentences'\n"
                           "Try 'lede sentences --help'.\n");
  proc_free(&r);
}

/* ---- script errors and bad input ---------------------------------------------- */

Test(cli, script_error_exits_1_with_position_and_traceback) {
  const char *s = file("boom.lua", "local doc = ...\nlocal function f() error('boom') end\nf()\n");
  proc_result r = run_lede(ARGV("run", s, file("in.txt", DOC)), NULL);
  char want[1200];
  snprintf(want, sizeof want,
           "%s:2: boom\nstack traceback:\n\t[C]: in function 'error'\n\t%s:2: in local 'f'\n"
           "\t%s:3: in main chunk\n\t[C]: in ?\n",
           s, s, s);
  assert_result(&r, 1, "", want);
  proc_free(&r);
}

Test(cli, script_syntax_error_and_missing_script) {
  const char *s = file("syntax.lua", "local x = = 1\n");
  proc_result r = run_lede(ARGV("run", s, file("in.txt", DOC)), NULL);
  cr_assert_eq(r.status, 1);
  char want[600];
  snprintf(want, sizeof want, "%s:1: unexpected symbol near '='\n", s);
  cr_assert_str_eq(r.err, want);
  proc_free(&r);
  r = run_lede(ARGV("run", tmp("missing.lua"), tmp("in.txt")), NULL);
  snprintf(want, sizeof want, "lede: cannot open script '%s': No such file or directory\n",
           tmp("missing.lua"));
  assert_result(&r, 1, "", want);
  proc_free(&r);
}

Test(cli, bad_utf8_exits_1_with_the_offset) {
  const char *s = file("id.lua", "local doc = ...\n");
  const char *in = file("bad.txt", "Line one.\r\nLine \xC3\xA9\xE2\x82 two.\n");
  proc_result r = run_lede(ARGV("run", s, in), NULL);
  char want[600];
  snprintf(want, sizeof want, "lede: %s:2:7: invalid UTF-8 at byte offset 18 (0xE2)\n", in);
  assert_result(&r, 1, "", want);
  proc_free(&r);
  r = run_lede_env(ARGV("run", s), "a\0b", 3, NULL, NULL);
  assert_result(&r, 1, "", "lede: <stdin>:1:2: NUL byte at byte offset 1 (0x00)\n");
  proc_free(&r);
  r = run_lede(ARGV("run", s, in, "--replace-invalid"), NULL);
  assert_result(&r, 0, "Line one.\r\nLine \xC3\xA9\xEF\xBF\xBD two.\n", "");
  proc_free(&r);
}

Test(cli, missing_input_file) {
  const char *s = file("id.lua", "local doc = ...\n");
  proc_result r = run_lede(ARGV("run", s, tmp("nope.txt")), NULL);
  char want[600];
  snprintf(want, sizeof want, "lede: %s: cannot open: No such file or directory\n", tmp("nope.txt"));
  assert_result(&r, 1, "", want);
  proc_free(&r);
}

/* ---- scripts and LEDE_PATH ------------------------------------------------------ */

/* Bundled scripts come and go with other issues: the listing must hold
 * these two lines, sorted, after its header. */
Test(cli, scripts_listing) {
  proc_result r = run_lede(ARGV("scripts"), NULL);
  cr_assert_eq(r.status, 0);
  cr_assert_str_eq(r.err, "");
  const char *head = "bundled and user scripts (run as 'lede NAME [options] FILE'):\n";
  cr_assert(strncmp(r.out, head, strlen(head)) == 0, "%s", r.out);
  const char *a = strstr(r.out, "\n  sentences    One sentence per line, or a JSON array with "
                                "byte offsets.\n");
  const char *b = strstr(r.out, "\n  stats        Paragraphs, sentences, words, reading time and "
                                "Flesch reading ease.\n");
  cr_assert(a && b && a < b, "%s", r.out);
  proc_free(&r);
}

Test(cli, user_scripts_on_lede_path) {
  char udir[300], env[400];
  snprintf(udir, sizeof udir, "%s/mine", dir);
  cr_assert_eq(mkdir(udir, 0700), 0);
  char p[400];
  snprintf(p, sizeof p, "%s/shout.lua", udir);
  const char *shout = "#!/usr/bin/env lede\n"
                      "-- shout: Every sentence in capitals.\n"
                      "local doc, args = ...\n"
                      "for _, s in ipairs(doc.sentences) do lede.write(s.text:upper(), args.end_ or '!', '\\n') end\n";
  spit(p, shout, strlen(shout));
  snprintf(p, sizeof p, "%s/plain.lua", udir);
  spit(p, "return 'plain\\n'\n", 17);
  snprintf(p, sizeof p, "%s/sentences.lua", udir); /* shadowed by the bundled one */
  spit(p, "-- sentences: mine\nreturn 'mine\\n'\n", 33);
  snprintf(env, sizeof env, "LEDE_PATH=/nonexistent:%s", udir);
  const char *envs[] = {env, NULL};
  proc_result r = run_lede_env(ARGV("scripts"), NULL, 0, envs, NULL);
  cr_assert_eq(r.status, 0);
  /* User scripts follow the bundled ones; a bundled name shadows the user's. */
  const char *tail = "\n  unredact     Put the original values back for the pseudonyms of "
                     "`lede redact --style pseudonym --mapping FILE`.\n  plain\n"
                     "  shout        Every sentence in capitals.\n";
  cr_assert(r.outlen > strlen(tail) && strcmp(r.out + r.outlen - strlen(tail), tail) == 0, "%s",
            r.out);
  cr_assert_null(strstr(r.out, "mine"), "%s", r.out);
  proc_free(&r);
  r = run_lede_env(ARGV("shout", "--end_=?"), "One here. Two there.", 20, envs, NULL);
  assert_result(&r, 0, "ONE HERE.?\nTWO THERE.?\n", "");
  proc_free(&r);
  r = run_lede_env(ARGV("sentences", "-"), "One here. Two there.", 20, envs, NULL);
  assert_result(&r, 0, "One here.\nTwo there.\n", "");
  proc_free(&r);
  /* Declared options: a VALUE placeholder takes the next argument. */
  snprintf(p, sizeof p, "%s/wrap.lua", udir);
  const char *wrap = "-- wrap: Echo the options.\n"
                     "--   --width N    the width\n"
                     "--   --loud       shout\n"
                     "local doc, args = ...\n"
                     "return string.format('%s %s %s %s\\n', args.width, args.loud, args.to, args.x)\n";
  spit(p, wrap, strlen(wrap));
  r = run_lede_env(ARGV("wrap", "--width", "72", "-", "--loud", "-D", "to=x", "-D", "x=y"), "", 0,
                   envs, NULL);
  assert_result(&r, 0, "72 true x y\n", "");
  proc_free(&r);
  r = run_lede_env(ARGV("wrap", "-", "--width=9", "--to", "json"), "", 0, envs, NULL);
  assert_result(&r, 0, "9 nil json nil\n", "");
  proc_free(&r);
  r = run_lede_env(ARGV("wrap", "-", "--width"), "", 0, envs, NULL);
  assert_result(&r, 2, "", "lede: option '--width' needs a value\nTry 'lede wrap --help'.\n");
  proc_free(&r);
  r = run_lede_env(ARGV("wrap", "-", "--wide"), "", 0, envs, NULL);
  assert_result(&r, 2, "", "lede: unknown option '--wide' for 'wrap'\nTry 'lede wrap --help'.\n");
  proc_free(&r);
  /* Without LEDE_PATH the user's script is unknown. */
  r = run_lede(ARGV("shout"), "x");
  cr_assert_eq(r.status, 2);
  proc_free(&r);
}

/* ---- bundled scripts -------------------------------------------------------------- */

Test(cli, sentences_one_per_line) {
  const char *in = file("in.txt", "The board met on Monday. It voted\nto approve   the plan!\n\n"
                                  "\"Good,\" she said.\n");
  proc_result r = run_lede(ARGV("sentences", in), NULL);
  assert_result(&r, 0,
                "The board met on Monday.\nIt voted to approve the plan!\n\"Good,\" she said.\n", "");
  proc_free(&r);
}

Test(cli, sentences_json_exact) {
  const char *in = file("in.txt", DOC);
  const char *want = "[\n"
                     "{\"paragraph\":1,\"index\":1,\"start\":0,\"end\":10,\"text\":\"Alpha one.\"},\n"
                     "{\"paragraph\":1,\"index\":2,\"start\":11,\"end\":20,\"text\":\"Beta two.\"},\n"
                     "{\"paragraph\":2,\"index\":3,\"start\":22,\"end\":39,"
                     "\"text\":\"Gamma \\\"three\\\" \xC3\xA9.\"}\n"
                     "]\n";
  proc_result r = run_lede(ARGV("sentences", "--json", in), NULL);
  assert_result(&r, 0, want, "");
  proc_free(&r);
  r = run_lede(ARGV("sentences", in, "--json"), NULL);
  assert_result(&r, 0, want, "");
  proc_free(&r);
  r = run_lede(ARGV("--json", "sentences"), "");
  assert_result(&r, 0, "[]\n", "");
  proc_free(&r);
}

/* source[start:end] == text on the bytes, for every sentence of several
 * documents, as a JSON consumer would check it. */
Test(cli, sentences_json_offsets_are_zero_based_end_exclusive) {
  static const char *const files[] = {"core_unicode.txt", "core_news_lines.txt",
                                      "core_news_wrapped.txt", "core_headline_byline.txt"};
  for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
    char path[300];
    snprintf(path, sizeof path, "%s/tests/data/%s", LEDE_ROOT, files[f]);
    size_t len;
    char *src = slurp(path, &len);
    proc_result r = run_lede(ARGV("sentences", "--json", path), NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    char err[128];
    json_value *v = json_parse(r.out, r.outlen, err, sizeof err);
    cr_assert_not_null(v, "%s: %s", files[f], err);
    cr_assert_eq(v->type, JSON_ARRAY);
    cr_assert_gt(v->count, 0);
    double prev_end = 0, prev_par = 1;
    for (size_t i = 0; i < v->count; i++) {
      const json_value *s = &v->items[i];
      const json_value *st = json_get(s, "start"), *en = json_get(s, "end");
      const json_value *tx = json_get(s, "text"), *ix = json_get(s, "index");
      const json_value *pa = json_get(s, "paragraph");
      cr_assert(st && en && tx && ix && pa);
      cr_assert_eq(ix->number, (double)(i + 1));
      cr_assert_geq(pa->number, prev_par);
      cr_assert_geq(st->number, prev_end);
      size_t a = (size_t)st->number, b = (size_t)en->number;
      cr_assert_leq(b, len);
      cr_assert_eq(b - a, strlen(tx->str), "%s: sentence %zu", files[f], i + 1);
      cr_assert(memcmp(src + a, tx->str, b - a) == 0, "%s: sentence %zu: '%s'", files[f], i + 1,
                tx->str);
      prev_end = en->number;
      prev_par = pa->number;
    }
    json_free(v);
    proc_free(&r);
    free(src);
  }
}

Test(cli, stats_output) {
  const char *in = file("in.txt", "The cat sat. The dog ran away quickly!\n");
  proc_result r = run_lede(ARGV("stats", in), NULL);
  assert_result(&r, 0,
                "paragraphs           1\n"
                "sentences            2\n"
                "words                8\n"
                "characters           38\n"
                "words per sentence   4.0\n"
                "reading time         under 1 minute\n"
                "Flesch reading ease  97.0\n",
                "");
  proc_free(&r);
  r = run_lede(ARGV("stats", "--json", in), NULL);
  assert_result(&r, 0,
                "{\"characters\":38,\"flesch_reading_ease\":97,\"paragraphs\":1,"
                "\"reading_minutes\":0,\"sentences\":2,\"words\":8,\"words_per_sentence\":4}\n",
                "");
  proc_free(&r);
}

Test(cli, stats_of_a_longer_and_an_empty_document) {
  /* 120 sentences of 5 words: 600 words, 2.5 minutes -> "3 minutes". */
  static char text[8192];
  text[0] = '\0';
  for (int i = 0; i < 120; i++) strcat(text, i % 40 == 39 ? "Big dogs ran very fast.\n\n"
                                                          : "Big dogs ran very fast. ");
  const char *in = file("long.txt", text);
  proc_result r = run_lede(ARGV("stats", in), NULL);
  assert_result(&r, 0,
                "paragraphs           3\n"
                "sentences            120\n"
                "words                600\n"
                "characters           2877\n"
                "words per sentence   5.0\n"
                "reading time         3 minutes\n"
                "Flesch reading ease  100.2\n",
                "");
  proc_free(&r);
  r = run_lede(ARGV("stats", "-"), "");
  assert_result(&r, 0,
                "paragraphs           0\n"
                "sentences            0\n"
                "words                0\n"
                "characters           0\n"
                "words per sentence   0.0\n"
                "reading time         under 1 minute\n"
                "Flesch reading ease  0.0\n",
                "");
  proc_free(&r);
}

Test(cli, demo_article) {
  proc_result r = run_lede(ARGV("sentences", LEDE_ROOT "/examples/article.txt"), NULL);
  cr_assert_eq(r.status, 0, "%s", r.err);
  cr_assert(strncmp(r.out, "City Council Approves $4.5 Million Flood Plan After Heated Debate\n"
                           "By Maria Alvarez, Staff Writer\n", 97) == 0, "%s", r.out);
  proc_free(&r);
}
