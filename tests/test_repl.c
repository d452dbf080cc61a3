/* test_repl.c -- `lede repl`: driven through a pipe (exact output of
 * expressions, statements, commands, errors and limits) and through a
 * pseudo-terminal (line editing, history across inputs and sessions,
 * Ctrl-C stopping an endless loop while the prompt survives).  The pty
 * driver is a few lines of POSIX (posix_openpt), no expect or python. */
#define _XOPEN_SOURCE 700
#include <criterion/criterion.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "helpers.h"

static char dir[256];
static char env_home[300];

static void setup(void) {
  make_tmpdir(dir, sizeof dir);
  snprintf(env_home, sizeof env_home, "HOME=%s", dir);
}
static void teardown(void) {
  char cmd[600];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd) != 0) cr_log_warn("could not remove %s", dir);
}
TestSuite(repl, .init = setup, .fini = teardown);

#define ARTICLE LEDE_ROOT "/examples/article.txt"

static proc_result pipe_repl(const char *const *argv, const char *input) {
  const char *env[] = {env_home, "XDG_STATE_HOME=", NULL};
  return run_lede_env(argv, input, strlen(input), env, NULL);
}

/* ---- through a pipe ----------------------------------------------------- */

Test(repl, pipe_prints_values_without_return) {
  proc_result r = pipe_repl(ARGV("repl", ARTICLE),
                            "#doc.sentences\n"
                            "doc.sentences[2]\n"
                            "doc.sentences[1].words[2]\n"
                            "doc.paragraphs[4]\n"
                            "doc\n"
                            "x = 41\n"
                            "x + 1, 'two', nil\n"
                            "for i = 1, 2 do\n"
                            "  print(i)\n"
                            "end\n"
                            "{1, 'a', b = {c = true}, [10] = 0.5}\n"
                            "\n"
                            "local t = 1\n"
                            "t\n");
  cr_assert_eq(r.status, 0, "%s", r.err);
  cr_assert_str_eq(r.out,
                   "14\n"
                   "Sentence 2 (bytes 68-97) \"By Maria Alvarez, Staff Writer\"\n"
                   "Word 2 (sentence 1, bytes 6-12) \"Council\"\n"
                   "Paragraph 4 (bytes 320-476) \"\\\"We have waited long enough,\\\" said Mayor "
                   "Helen O'Connor, who...\"\n"
                   "Document (text, 1241 bytes, 8 paragraphs, 14 sentences)\n"
                   "42\ttwo\tnil\n"
                   "1\n2\n"
                   "{1, \"a\", [10] = 0.5, b = {c = true}}\n"
                   "nil\n");
  cr_assert_str_eq(r.err, "");
  proc_free(&r);
}

Test(repl, pipe_lists_show_their_first_items) {
  proc_result r = pipe_repl(ARGV("repl", ARTICLE), "doc.paragraphs[5].sentences\n");
  cr_assert_eq(r.status, 0, "%s", r.err);
  cr_assert_str_eq(r.out,
                   "List of 2 sentences\n"
                   "  [1] Sentence 6 (bytes 479-626) \"The plan, drafted by Dr. James R. Whitfield "
                   "of the U.S. Army...\"\n"
                   "  [2] Sentence 7 (bytes 628-708) \"Engineers estimate it will cut the risk of a "
                   "100-year flood...\"\n");
  proc_free(&r);
}

Test(repl, pipe_commands_load_and_render) {
  proc_result r = pipe_repl(ARGV("repl"),
                            "doc\n"
                            ":load " LEDE_ROOT "/examples/guide.md\n"
                            "doc.paragraphs[1]\n"
                            "doc = lede.load('One. Two.')\n"
                            ":render html\n"
                            ":render xml\n"
                            ":help\n"
                            ":nope\n"
                            ":quit\n"
                            "print('not reached')\n");
  cr_assert_eq(r.status, 1, "%s", r.err);
  const char *want = "Document (text, 0 bytes, 0 paragraphs, 0 sentences)\n"
                     "Document (markdown, 1471 bytes, 21 paragraphs, 32 sentences)\n"
                     "Paragraph 1 (heading 1, bytes 1-42) \"Volunteering at the Riverton Flood Drill\"\n"
                     "<p>One. Two.</p>\n"
                     "lede repl: Lua 5.4 with `doc` loaded.";
  cr_assert(strncmp(r.out, want, strlen(want)) == 0, "%s", r.out);
  cr_assert(!strstr(r.out, "not reached"));
  cr_assert_str_eq(r.err,
                   "format must be text, markdown, html or json, not 'xml'\n"
                   "unknown command ':nope' (:help, :load FILE, :render FMT, :quit)\n");
  proc_free(&r);
}

Test(repl, pipe_errors_and_limits_leave_the_session_alive) {
  proc_result r = pipe_repl(ARGV("repl", ARTICLE, "--max-instructions", "1e6"),
                            "kept = 'yes'\n"
                            "doc.sentnces\n"
                            "error('boom')\n"
                            "while true do end\n"
                            "s = string.rep('x', 1e9)\n"
                            "io.write('x')\n"
                            "kept\n"
                            "function f()\n");
  cr_assert_eq(r.status, 1);
  cr_assert_str_eq(r.out, "yes\n");
  cr_assert_str_eq(r.err,
                   "stdin:1: no field 'sentnces' on Document (did you mean 'sentences'?)\n"
                   "stdin:1: boom\n"
                   "stopped: instruction limit of 1000000 reached\n"
                   "stopped: memory limit of 256 MB reached (free some globals)\n"
                   "stdin:1: attempt to index a nil value (global 'io')\n"
                   "unfinished input at the end: function f()\n");
  proc_free(&r);
}

Test(repl, pipe_trusted_has_the_full_library) {
  proc_result r = pipe_repl(ARGV("repl", "--trusted"), "type(io.write)\n");
  cr_assert_eq(r.status, 0, "%s", r.err);
  cr_assert_str_eq(r.out, "function\n");
  proc_free(&r);
  r = pipe_repl(ARGV("repl", "--bogus"), "");
  cr_assert_eq(r.status, 2);
  proc_free(&r);
}

/* ---- through a pseudo-terminal ------------------------------------------- */

typedef struct pty {
  int fd;
  pid_t pid;
  char out[65536]; /* everything the terminal showed so far */
  size_t n;
} pty;

static void pty_start(pty *p, const char *file) {
  memset(p, 0, sizeof *p);
  p->fd = posix_openpt(O_RDWR | O_NOCTTY);
  cr_assert_geq(p->fd, 0);
  cr_assert_eq(grantpt(p->fd), 0);
  cr_assert_eq(unlockpt(p->fd), 0);
  const char *slave = ptsname(p->fd);
  cr_assert_not_null(slave);
  fflush(NULL);
  p->pid = fork();
  cr_assert_neq(p->pid, -1);
  if (p->pid == 0) {
    setsid();
    int s = open(slave, O_RDWR); /* becomes the controlling terminal */
    if (s < 0) _exit(126);
    dup2(s, 0);
    dup2(s, 1);
    dup2(s, 2);
    close(p->fd);
    setenv("HOME", dir, 1);
    unsetenv("XDG_STATE_HOME");
    setenv("TERM", "vt100", 1);
    execl(LEDE_BIN, LEDE_BIN, "repl", file, (char *)NULL);
    _exit(127);
  }
}

/* Reads until the output from offset *from on contains want; moves *from
 * past it.  Fails after 10 s. */
static void pty_expect(pty *p, size_t *from, const char *want) {
  struct timespec t0, now;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (;;) {
    p->out[p->n] = '\0';
    char *hit = strstr(p->out + *from, want);
    if (hit) {
      *from = (size_t)(hit - p->out) + strlen(want);
      return;
    }
    clock_gettime(CLOCK_MONOTONIC, &now);
    double waited = (double)(now.tv_sec - t0.tv_sec) + (double)(now.tv_nsec - t0.tv_nsec) / 1e9;
    cr_assert_lt(waited, 10.0, "waited 10 s for '%s'; the terminal showed:\n%s", want,
                 p->out + *from);
    struct pollfd pfd = {p->fd, POLLIN, 0};
    if (poll(&pfd, 1, 100) > 0) {
      ssize_t r = read(p->fd, p->out + p->n, sizeof p->out - 1 - p->n);
      /* Terminal padding (NUL bytes after some vt100 sequences) goes:
       * the output is searched as a C string. */
      char *got = p->out + p->n;
      size_t kept = 0;
      for (ssize_t i = 0; i < r; i++)
        if (got[i]) got[kept++] = got[i];
      p->n += kept;
    }
  }
}

static void pause_ms(long ms) {
  struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&t, NULL);
}

static void pty_send(pty *p, const char *keys) {
  size_t n = strlen(keys);
  cr_assert_eq(write(p->fd, keys, n), (ssize_t)n);
}

/* Waits for the prompt, then a little longer: libedit draws the prompt
 * before it puts the terminal in raw mode, and keys that arrive in
 * between meet a cooked terminal (where Ctrl-D is consumed as end of
 * file and lost). */
static void pty_prompt(pty *p, size_t *from, const char *prompt) {
  pty_expect(p, from, prompt);
  pause_ms(200);
}

static int pty_finish(pty *p) {
  int ws;
  for (int i = 0; i < 100; i++) { /* up to 10 s */
    if (waitpid(p->pid, &ws, WNOHANG) == p->pid) {
      close(p->fd);
      return WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
    }
    char buf[4096];
    struct pollfd pfd = {p->fd, POLLIN, 0};
    if (poll(&pfd, 1, 100) > 0 && read(p->fd, buf, sizeof buf) < 0) pause_ms(1);
  }
  kill(p->pid, SIGKILL);
  waitpid(p->pid, &ws, 0);
  close(p->fd);
  cr_assert_fail("the REPL did not exit; the terminal showed:\n%s", p->out);
  return -1;
}

Test(repl, terminal_history_and_ctrl_c) {
  pty p;
  size_t at = 0;
  pty_start(&p, ARTICLE);
  pty_expect(&p, &at, "`doc` is " ARTICLE "; :help lists the API, Ctrl-D leaves.");
  pty_expect(&p, &at, "Document (text, 1241 bytes, 8 paragraphs, 14 sentences)");
  pty_prompt(&p, &at, "> ");
  pty_send(&p, "x = 20 + 1\r");
  pty_prompt(&p, &at, "> ");
  pty_send(&p, "x * 2\r");
  pty_expect(&p, &at, "42");
  pty_prompt(&p, &at, "> ");
  /* Up-arrow brings back "x * 2"; the line is edited before it runs. */
  pty_send(&p, "\x1b[A + 1\r");
  pty_expect(&p, &at, "43");
  pty_prompt(&p, &at, "> ");
  /* An endless loop stops on Ctrl-C, and the session goes on. */
  pty_send(&p, "while true do end\r");
  pty_expect(&p, &at, "while true do end\r\n"); /* read and sent to run */
  pause_ms(100);
  pty_send(&p, "\x03");
  pty_expect(&p, &at, "interrupted");
  pty_prompt(&p, &at, "> ");
  pty_send(&p, "x\r");
  pty_expect(&p, &at, "21");
  pty_prompt(&p, &at, "> ");
  /* Ctrl-C at the prompt gives a fresh prompt, also in the middle of an
   * unfinished input, which it drops. */
  pty_send(&p, "function f()\r");
  pty_prompt(&p, &at, ">> ");
  pty_send(&p, "\x03");
  pty_prompt(&p, &at, "\r\n> ");
  pty_send(&p, "x - 1\r");
  pty_expect(&p, &at, "20");
  pty_prompt(&p, &at, "> ");
  pty_send(&p, "\x04"); /* Ctrl-D */
  cr_assert_eq(pty_finish(&p), 0, "%s", p.out);

  /* The history outlives the session. */
  char path[512];
  snprintf(path, sizeof path, "%s/.local/state/lede/history", dir);
  size_t n;
  char *h = slurp(path, &n);
  cr_assert(strstr(h, "x\\040*\\0402\\040+\\0401"), "history: %s", h); /* libedit's vis(3) */
  free(h);
  pty_start(&p, ARTICLE);
  at = 0;
  pty_prompt(&p, &at, "> ");
  pty_send(&p, "x = 5\r");
  pty_prompt(&p, &at, "> ");
  /* Up: "x = 5", then the earlier session's "x - 1", "function f()", "x". */
  pty_send(&p, "\x1b[A\x1b[A\x1b[A\x1b[A\r");
  pty_expect(&p, &at, "\r\n5\r\n");
  pty_prompt(&p, &at, "> "); /* keys typed before the prompt meet a cooked tty */
  pty_send(&p, "\x04");
  cr_assert_eq(pty_finish(&p), 0, "%s", p.out);
}
