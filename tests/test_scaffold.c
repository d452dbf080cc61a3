/* test_scaffold.c -- `lede new`: the starter script is written once,
 * runs at once (with its declared options), and says how to run it. */
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

#define ARGV(...) ((const char *const[]){__VA_ARGS__, NULL})
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
