/* helpers.h -- shared helpers for the core's Criterion suites: files,
 * documents, script runs and running the `lede` binary.  Header-only
 * (static functions); a suite uses what it needs. */
#ifndef LEDE_TESTS_HELPERS_H
#define LEDE_TESTS_HELPERS_H

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lede.h"

#ifndef LEDE_ROOT
#define LEDE_ROOT "."
#endif
#ifndef LEDE_BIN
#define LEDE_BIN LEDE_ROOT "/build/lede"
#endif

#define DATA(name) LEDE_ROOT "/tests/data/" name

/* Under AddressSanitizer, LEAK_CHECK() fails the test when memory leaked
 * so far.  Criterion reads a test's result before its process exits, and
 * ignores failures and crashes in .fini, so LeakSanitizer's report at exit
 * would only be printed, never counted: the check has to run in the test
 * body, after freeing everything.  LEAK_TEST() declares such a test:
 * its body, then cleanup() (which must be idempotent: .fini runs it
 * again), then the check. */
#if defined(__has_feature)
#if __has_feature(address_sanitizer) && !defined(__SANITIZE_ADDRESS__)
#define __SANITIZE_ADDRESS__ 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#define LEAK_CHECK()                                                          \
  cr_assert_eq(__lsan_do_recoverable_leak_check(), 0,                      \
               "LeakSanitizer found leaks (report on stderr)")
#else
#define LEAK_CHECK() ((void)0)
#endif
#define LEAK_TEST(suite, name, cleanup)                                       \
  static void suite##_##name##_body(void);                                    \
  Test(suite, name) {                                                         \
    suite##_##name##_body();                                                  \
    cleanup();                                                                \
    LEAK_CHECK();                                                             \
  }                                                                           \
  static void suite##_##name##_body(void)

#if defined(__GNUC__)
#define HELPER_UNUSED __attribute__((unused))
#else
#define HELPER_UNUSED
#endif

/* The whole file at path, NUL-terminated; *len gets its size.  OWNED:
 * free().  Fails the test when the file cannot be read. */
static HELPER_UNUSED char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  cr_assert_not_null(f, "cannot open %s: %s", path, strerror(errno));
  size_t cap = 4096, n = 0;
  char *buf = malloc(cap);
  cr_assert_not_null(buf);
  size_t got;
  while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
    n += got;
    if (cap - n - 1 == 0) {
      cap *= 2;
      buf = realloc(buf, cap);
      cr_assert_not_null(buf);
    }
  }
  fclose(f);
  buf[n] = '\0';
  if (len) *len = n;
  return buf;
}

/* Writes s[0..n) to path, replacing it. */
static HELPER_UNUSED void spit(const char *path, const char *s, size_t n) {
  FILE *f = fopen(path, "wb");
  cr_assert_not_null(f, "cannot create %s: %s", path, strerror(errno));
  cr_assert_eq(fwrite(s, 1, n, f), n);
  cr_assert_eq(fclose(f), 0);
}

/* A fresh private directory under $TMPDIR (or /tmp); its path is written
 * to dir (at least 64 bytes).  Criterion runs each test in its own
 * process, so the directory is per test. */
static HELPER_UNUSED void make_tmpdir(char *dir, size_t cap) {
  const char *t = getenv("TMPDIR");
  snprintf(dir, cap, "%s/lede-test-XXXXXX", t && *t ? t : "/tmp");
  cr_assert_not_null(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
}

/* Removes dir and the plain files in it (tests create no deeper trees). */
/* argv arrays for run_lede: run_lede(ARGV("sentences", "--json", path), NULL). */
#define ARGV(...) ((const char *const[]){__VA_ARGS__, NULL})

/* CLI suites work in a private directory (make_tmpdir in .init); these
 * name and write files in it.  Paths live in a ring of 16 buffers, so one
 * call may take several of them. */
static HELPER_UNUSED const char *path_in(const char *dir, const char *name) {
  static char bufs[16][512];
  static int slot;
  char *b = bufs[slot++ % 16];
  snprintf(b, 512, "%s/%s", dir, name);
  return b;
}

static HELPER_UNUSED const char *file_in(const char *dir, const char *name,
                                         const char *content) {
  const char *p = path_in(dir, name);
  spit(p, content, strlen(content));
  return p;
}

static HELPER_UNUSED void remove_tmpdir(const char *dir) {
  char cmd[512];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd) != 0) fprintf(stderr, "cannot remove %s\n", dir);
}

/* Loads src (NUL-terminated) as plain text with paragraph mode mode,
 * asserting success.  OWNED: lede_doc_free(). */
static HELPER_UNUSED lede_doc *load_text(lede_engine *e, const char *src,
                                         lede_para_mode mode) {
  lede_load_options o = {.format = LEDE_FORMAT_TEXT, .paragraphs = mode};
  lede_doc *d = NULL;
  lede_status st = lede_doc_load(e, src, strlen(src), &o, &d);
  cr_assert_eq(st, LEDE_OK, "load failed: %s", lede_errmsg(e));
  cr_assert_not_null(d);
  return d;
}

/* Renders d in fmt, asserting success.  OWNED: free(). */
static HELPER_UNUSED char *render(lede_engine *e, lede_doc *d, lede_format fmt) {
  char *out = NULL;
  size_t n = 0;
  lede_status st = lede_doc_render(e, d, fmt, 0, &out, &n);
  cr_assert_eq(st, LEDE_OK, "render failed: %s", lede_errmsg(e));
  cr_assert_eq(strlen(out), n);
  return out;
}

/* ---- running the lede binary ------------------------------------------- */

typedef struct proc_result {
  char *out, *err; /* OWNED: proc_free() */
  size_t outlen, errlen;
  int status;      /* exit status, or 128 + signal */
} proc_result;

static HELPER_UNUSED void proc_free(proc_result *r) {
  free(r->out);
  free(r->err);
  memset(r, 0, sizeof *r);
}

/* Runs LEDE_BIN with argv (NULL-terminated, without argv[0]) in directory
 * cwd (NULL: the current one), standard input from in[0..inlen) (in NULL:
 * /dev/null) and the environment with LEDE_PATH removed plus env (a
 * NULL-terminated list of "KEY=VALUE", may be NULL).  Output goes through
 * files, so neither side can block on a full pipe. */
static HELPER_UNUSED proc_result run_lede_env(const char *const *argv, const char *in,
                                              size_t inlen, const char *const *env,
                                              const char *cwd) {
  char dir[256], inpath[300], outpath[300], errpath[300];
  make_tmpdir(dir, sizeof dir);
  snprintf(inpath, sizeof inpath, "%s/stdin", dir);
  snprintf(outpath, sizeof outpath, "%s/stdout", dir);
  snprintf(errpath, sizeof errpath, "%s/stderr", dir);
  spit(inpath, in ? in : "", in ? inlen : 0);
  const char *args[64];
  size_t n = 0;
  args[n++] = LEDE_BIN;
  for (size_t i = 0; argv[i]; i++) {
    cr_assert(n < 63);
    args[n++] = argv[i];
  }
  args[n] = NULL;
  fflush(NULL);
  pid_t pid = fork();
  cr_assert_neq(pid, -1, "fork: %s", strerror(errno));
  if (pid == 0) {
    int fi = open(in ? inpath : "/dev/null", O_RDONLY);
    int fo = open(outpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int fe = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fi < 0 || fo < 0 || fe < 0) _exit(126);
    dup2(fi, 0);
    dup2(fo, 1);
    dup2(fe, 2);
    unsetenv("LEDE_PATH");
    for (size_t i = 0; env && env[i]; i++) {
      char kv[1024];
      snprintf(kv, sizeof kv, "%s", env[i]);
      char *eq = strchr(kv, '=');
      if (!eq) _exit(126);
      *eq = '\0';
      setenv(kv, eq + 1, 1);
    }
    if (cwd && chdir(cwd) != 0) _exit(126);
    execv(LEDE_BIN, (char *const *)args);
    _exit(127);
  }
  int ws;
  cr_assert_eq(waitpid(pid, &ws, 0), pid);
  proc_result r;
  memset(&r, 0, sizeof r);
  r.status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
  r.out = slurp(outpath, &r.outlen);
  r.err = slurp(errpath, &r.errlen);
  remove_tmpdir(dir);
  return r;
}

static HELPER_UNUSED proc_result run_lede(const char *const *argv, const char *in) {
  return run_lede_env(argv, in, in ? strlen(in) : 0, NULL, NULL);
}

#endif
