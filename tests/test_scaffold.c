/* test_scaffold.c -- the script-author commands: `lede new` (the starter
 * script is written once, runs at once with its declared options, and says
 * how to run it), `lede check` on good and bad scripts, and `lede types`. */
#include <criterion/criterion.h>
#include <string.h>

#include "helpers.h"

static char dir[256];
static char env_home[300];

static void setup(void) {
  make_tmpdir(dir, sizeof dir);
  snprintf(env_home, sizeof env_home, "HOME=%s", dir);
}
/* remove_tmpdir removes plain files only: the --user test cleans up its
 * own directories. */
static void teardown(void) { remove_tmpdir(dir); }
TestSuite(scaffold, .init = setup, .fini = teardown);

#define ARTICLE LEDE_ROOT "/examples/article.txt"

static proc_result lede_in_dir(const char *const *argv) {
  const char *env[] = {env_home, "XDG_DATA_HOME=", NULL};
  return run_lede_env(argv, NULL, 0, env, dir);
}

Test(scaffold, new_writes_a_script_that_runs) {
  proc_result r = lede_in_dir(ARGV("new", "hello"));
  cr_assert_eq(r.status, 0, "%s", r.err);
  char want[1024];
  snprintf(want, sizeof want,
           "wrote hello.lua\n"
           "run it:    %s run hello.lua FILE\n"
           "options:   %s run hello.lua -D top=5 -D upper=true FILE\n"
           "check it:  %s check hello.lua\n", LEDE_BIN, LEDE_BIN, LEDE_BIN);
  cr_assert_str_eq(r.out, want);
  proc_free(&r);

  r = lede_in_dir(ARGV("run", "hello.lua", ARTICLE));
  cr_assert_eq(r.status, 0, "%s", r.err);
  cr_assert_str_eq(r.out,
                   "1. City Council Approves $4.5 Million Flood Plan After Heated Debate\n"
                   "2. By Maria Alvarez, Staff Writer\n"
                   "3. RIVERTON, Ore. (Nov. 12) \xE2\x80\x94 The Riverton City Council voted 6-3 on "
                   "Tuesday night to approve a $4.5 million flood-defense plan, ending a debate "
                   "that stretched past 11 p.m. and drew more than 200 residents to City Hall.\n");
  proc_free(&r);

  r = lede_in_dir(ARGV("run", "hello.lua", "-D", "top=1", "-D", "upper=true", ARTICLE));
  cr_assert_eq(r.status, 0, "%s", r.err);
  cr_assert_str_eq(r.out, "1. CITY COUNCIL APPROVES $4.5 MILLION FLOOD PLAN AFTER HEATED DEBATE\n");
  proc_free(&r);

  r = lede_in_dir(ARGV("run", "hello.lua", "-D", "top=many", ARTICLE));
  cr_assert_eq(r.status, 1);
  cr_assert(strstr(r.err, "hello.lua:16: --top needs a number, got 'many'"), "%s", r.err);
  proc_free(&r);
  char path[512];
  snprintf(path, sizeof path, "%s/hello.lua", dir);
  unlink(path);
}

Test(scaffold, new_never_replaces_a_file) {
  char path[512];
  snprintf(path, sizeof path, "%s/mine.lua", dir);
  spit(path, "return 'mine'\n", 14);
  proc_result r = lede_in_dir(ARGV("new", "mine.lua"));
  cr_assert_eq(r.status, 1);
  cr_assert_str_eq(r.out, "");
  cr_assert_str_eq(r.err, "lede new: mine.lua already exists; it was left as it is\n");
  proc_free(&r);
  size_t n;
  char *s = slurp(path, &n);
  cr_assert_str_eq(s, "return 'mine'\n");
  free(s);
}

Test(scaffold, new_rejects_bad_names) {
  proc_result r = lede_in_dir(ARGV("new", "a/b"));
  cr_assert_eq(r.status, 2);
  cr_assert_str_eq(r.err, "lede new: 'a/b' is not a script name (letters, digits, '_' and '-')\n");
  proc_free(&r);
  r = lede_in_dir(ARGV("new"));
  cr_assert_eq(r.status, 2);
  cr_assert_str_eq(r.err, "lede new: missing NAME\nusage: lede new NAME [--user]\n");
  proc_free(&r);
  r = lede_in_dir(ARGV("new", "stats", "--user"));
  cr_assert_eq(r.status, 1);
  cr_assert(strstr(r.err, "lede new: `lede stats` already runs "), "%s", r.err);
  proc_free(&r);
}

Test(scaffold, new_user_script_runs_by_name_with_options) {
  proc_result r = lede_in_dir(ARGV("new", "greet", "--user"));
  cr_assert_eq(r.status, 0, "%s", r.err);
  char want[2048];
  snprintf(want, sizeof want,
           "wrote %s/.local/share/lede/scripts/greet.lua\n"
           "run it:    %s greet FILE\n"
           "options:   %s greet --top 5 --upper FILE\n"
           "help:      %s greet --help\n", dir, LEDE_BIN, LEDE_BIN, LEDE_BIN);
  cr_assert_str_eq(r.out, want);
  proc_free(&r);
  r = lede_in_dir(ARGV("greet", "--top", "2", "--upper", ARTICLE));
  cr_assert_eq(r.status, 0, "%s", r.err);
  cr_assert_str_eq(r.out, "1. CITY COUNCIL APPROVES $4.5 MILLION FLOOD PLAN AFTER HEATED DEBATE\n"
                          "2. BY MARIA ALVAREZ, STAFF WRITER\n");
  proc_free(&r);
  r = lede_in_dir(ARGV("greet", "--tpo", "2", ARTICLE));
  cr_assert_eq(r.status, 2);
  cr_assert_str_eq(r.err, "lede: unknown option '--tpo' for 'greet'\nTry 'lede greet --help'.\n");
  proc_free(&r);
  char cmd[1024];
  snprintf(cmd, sizeof cmd, "rm -rf '%s/.local'", dir);
  cr_assert_eq(system(cmd), 0);
}

/* ---- lede check ------------------------------------------------------------ */

static const char *in_dir(const char *name, const char *content) {
  static char bufs[4][512];
  static int slot;
  char *p = bufs[slot++ % 4];
  snprintf(p, 512, "%s/%s", dir, name);
  spit(p, content, strlen(content));
  return p;
}

Test(scaffold, check_reports_syntax_errors_as_file_line) {
  in_dir("bad.lua", "local doc = ...\nlocal x = \nfor\n");
  in_dir("good.lua", "local doc = ...\nreturn #doc.sentences .. '\\n'\n");
  proc_result r = lede_in_dir(ARGV("check", "good.lua", "bad.lua"));
  cr_assert_eq(r.status, 1, "%s", r.err);
  cr_assert_str_eq(r.out, "bad.lua:3: unexpected symbol near 'for'\n");
  cr_assert_str_eq(r.err, "1 error, 0 warnings\n");
  proc_free(&r);
  r = lede_in_dir(ARGV("check", "good.lua"));
  cr_assert_eq(r.status, 0);
  cr_assert_str_eq(r.out, "");
  cr_assert_str_eq(r.err, "");
  proc_free(&r);
  r = lede_in_dir(ARGV("check", "missing.lua"));
  cr_assert_eq(r.status, 1);
  cr_assert(strstr(r.err, "missing.lua"), "%s", r.err);
  proc_free(&r);
  r = lede_in_dir(ARGV("check"));
  cr_assert_eq(r.status, 2);
  proc_free(&r);
}

Test(scaffold, check_warns_about_globals_and_fields_it_can_see) {
  in_dir("typos.lua",
         "local doc, args = ...\n"
         "for i, s in ipairs(doc.sentences) do\n"
         "  print(s.txt, s.words[1].sentense, s:remvoe())\n"
         "end\n"
         "local p = doc.paragraphs[1]\n"
         "print(p.knd, doc.sentnces, lede.wrds('x'), prnt('x'), io.write('x'))\n"
         "counter = 1\n"
         "counter = counter + 1\n"
         "local d2 = lede.load('x')\n"
         "print(d2.paragrpahs, args.anything, undefined_thing, later())\n"
         "function later() return helper_table.x end\n"
         "---@param w lede.Word\n"
         "local function f(w) return w.txet end\n"
         "local t = {a = 1}\n"
         "print(t.b, math.pi, string.format('%d', 1), f)\n");
  proc_result r = lede_in_dir(ARGV("check", "typos.lua"));
  cr_assert_eq(r.status, 0, "%s", r.err);
  cr_assert_str_eq(r.out,
                   "typos.lua:3:11: warning: no field 'txt' on Sentence (did you mean 'text'?)\n"
                   "typos.lua:3:27: warning: no field 'sentense' on Word (did you mean 'sentence'?)\n"
                   "typos.lua:3:39: warning: no field 'remvoe' on Sentence (did you mean 'remove'?)\n"
                   "typos.lua:6:9: warning: no field 'knd' on Paragraph (did you mean 'kind'?)\n"
                   "typos.lua:6:18: warning: no field 'sentnces' on Document (did you mean 'sentences'?)\n"
                   "typos.lua:6:33: warning: no field 'wrds' on lede (did you mean 'words'?)\n"
                   "typos.lua:6:44: warning: unknown global 'prnt' (did you mean 'print'?)\n"
                   "typos.lua:6:55: warning: global 'io' is Lua's but not in the sandbox (it is nil unless run with --trusted)\n"
                   "typos.lua:10:10: warning: no field 'paragrpahs' on Document (did you mean 'paragraphs'?)\n"
                   "typos.lua:10:37: warning: unknown global 'undefined_thing'\n"
                   "typos.lua:11:25: warning: unknown global 'helper_table'\n"
                   "typos.lua:13:30: warning: no field 'txet' on Word (did you mean 'text'?)\n");
  cr_assert_str_eq(r.err, "0 errors, 12 warnings\n");
  proc_free(&r);
}

Test(scaffold, check_passes_the_bundled_scripts_and_examples) {
  char cmd[2048];
  snprintf(cmd, sizeof cmd,
           "cd '%s' && '%s' check scripts/*.lua examples/scripts/*.lua > '%s/out' 2>&1",
           LEDE_ROOT, LEDE_BIN, dir);
  int rc = system(cmd);
  char path[512];
  snprintf(path, sizeof path, "%s/out", dir);
  size_t n;
  char *out = slurp(path, &n);
  cr_assert_eq(rc, 0, "%s", out);
  cr_assert_str_eq(out, "");
  free(out);
}

Test(scaffold, new_script_checks_clean) {
  proc_result r = lede_in_dir(ARGV("new", "fresh"));
  cr_assert_eq(r.status, 0);
  proc_free(&r);
  r = lede_in_dir(ARGV("check", "fresh.lua"));
  cr_assert_eq(r.status, 0);
  cr_assert_str_eq(r.out, "");
  cr_assert_str_eq(r.err, "");
  proc_free(&r);
}

/* ---- lede types ------------------------------------------------------------ */

Test(scaffold, types_writes_annotations_and_luarc_once) {
  proc_result r = lede_in_dir(ARGV("types"));
  cr_assert_eq(r.status, 0, "%s", r.err);
  cr_assert_str_eq(r.out, "wrote ./.lede/types/lede.lua\nwrote ./.luarc.json\n");
  proc_free(&r);
  char path[512];
  size_t n, m;
  snprintf(path, sizeof path, "%s/.lede/types/lede.lua", dir);
  char *copy = slurp(path, &n);
  char *orig = slurp(LEDE_ROOT "/scripts/types/lede.lua", &m);
  cr_assert(n == m && memcmp(copy, orig, n) == 0, "the copy differs from scripts/types/lede.lua");
  free(copy);
  free(orig);
  snprintf(path, sizeof path, "%s/.luarc.json", dir);
  char *rc = slurp(path, &n);
  cr_assert(strstr(rc, "\"workspace.library\": [\".lede/types\"]"), "%s", rc);
  free(rc);
  r = lede_in_dir(ARGV("types", "."));
  cr_assert_eq(r.status, 0);
  cr_assert_str_eq(r.out, "wrote ./.lede/types/lede.lua\n./.luarc.json already points at .lede/types\n");
  proc_free(&r);
  /* Someone else's .luarc.json is never rewritten. */
  spit(path, "{}\n", 3);
  r = lede_in_dir(ARGV("types"));
  cr_assert_eq(r.status, 0);
  cr_assert_str_eq(r.out, "wrote ./.lede/types/lede.lua\n./.luarc.json exists and was left as it "
                          "is; add \".lede/types\" to its \"workspace.library\" list\n");
  proc_free(&r);
  r = lede_in_dir(ARGV("types", "no-such-dir"));
  cr_assert_eq(r.status, 1);
  cr_assert_str_eq(r.err, "lede types: 'no-such-dir' is not a directory\n");
  proc_free(&r);
  char cmd[600];
  snprintf(cmd, sizeof cmd, "rm -rf '%s/.lede' '%s/.luarc.json'", dir, dir);
  cr_assert_eq(system(cmd), 0);
}
