/* cli_repl.c -- `lede repl [FILE]`: an interactive Lua prompt with `doc`
 * loaded, line editing and history from libedit when standard input is a
 * terminal, plain lines otherwise (so it also runs from a pipe).  The Lua
 * side is session.c; this file is the terminal. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <editline/readline.h>

#include "lede.h"
#include "session.h"
#include "cli_tools.h"

/* Set by SIGINT.  The handler has no other way to reach the session; the
 * program (not the library) may keep such state. */
static volatile sig_atomic_t got_sigint;
/* The session the handler stops (set once, before the handler). */
static session *live_session;
/* The line just read was ended by Ctrl-C (see prompt_getc), as libedit's
 * character source cannot say so through readline() itself. */
static int line_aborted;

static void on_sigint(int sig) {
  (void)sig;
  got_sigint = 1;
  if (live_session) session_interrupt(live_session); /* one atomic store */
}

/* libedit's character source at the prompt.  A Ctrl-C there must give a
 * fresh prompt, but a signal that lands just before libedit's read()
 * would be missed: so wait in poll() with a timeout, and turn the flag
 * into keys -- ^U (erase the line), then Enter, which reads as an empty
 * input. */
static int prompt_getc(FILE *f) {
  static const char abort_keys[] = "\x15\r";
  static int pending; /* keys of abort_keys still to hand out */
  if (pending) return abort_keys[sizeof abort_keys - 1 - pending--];
  for (;;) {
    if (got_sigint) {
      got_sigint = 0;
      line_aborted = 1;
      pending = (int)sizeof abort_keys - 2;
      return abort_keys[0];
    }
    struct pollfd p = {fileno(f), POLLIN, 0};
    int r = poll(&p, 1, 100);
    if (r < 0 && errno != EINTR) return EOF;
    if (r <= 0) continue;
    unsigned char c;
    ssize_t n = read(p.fd, &c, 1);
    if (n == 1) return c;
    if (n == 0 || errno != EINTR) return EOF;
  }
}

static const char help_text[] =
    "lede repl: Lua 5.4 with `doc` loaded.  Type an expression to see its value\n"
    "(no `return` needed), or statements; globals stay, locals last one input.\n"
    "\n"
    "  doc.paragraphs, doc.sentences   lists: #list, list[i], ipairs(list)\n"
    "  doc.source, doc.format          the loaded bytes; \"text\" or \"markdown\"\n"
    "  doc:render(fmt)                 \"text\", \"markdown\", \"html\", \"json\"\n"
    "  p.text p.kind p.level p.depth p.sentences p.start p.stop p:remove()\n"
    "  s.text s.words s.paragraph s.edited s.start s.stop s:replace(i, j, t) s:remove()\n"
    "  w.text w.index w.start w.stop w.sentence\n"
    "  lede.load(text [, opts])  lede.sentences(text)  lede.words(text)\n"
    "  lede.count(text)  lede.squish(text)  lede.json(value)  lede.write(...)\n"
    "  lede.abbreviations.add(w, ...)  lede.abbreviations.has(w)  lede.version\n"
    "\n"
    "  :load FILE      load FILE as `doc` (.md/.markdown as Markdown)\n"
    "  :render [FMT]   print doc:render(FMT) (default: the document's format)\n"
    "  :help           this text        :quit (or Ctrl-D)  leave\n"
    "\n"
    "Ctrl-C stops a running input; the sandbox and limits of `lede run` apply\n"
    "(see `lede --help`), unless started with --trusted.\n";

static int write_stdout(void *ud, const char *p, size_t n) {
  (void)ud;
  if (fwrite(p, 1, n, stdout) != n) return 1;
  return fflush(stdout) != 0;
}

typedef struct repl_opts {
  lede_options opt;
  lede_load_options load;
  int from_set;
  const char *file;
} repl_opts;

static int number_arg(const char *name, const char *v, double *out) {
  char *end;
  errno = 0;
  double x = v ? strtod(v, &end) : -1;
  if (!v || errno || end == v || *end || x < 0) {
    fprintf(stderr, "lede repl: %s needs a non-negative number, not '%s'\n", name, v ? v : "");
    return -1;
  }
  *out = x;
  return 0;
}

/* The options of `lede run` that mean something here.  0, or 2 (usage). */
static int parse_opts(repl_opts *o, int nargs, char **args) {
  lede_options_init(&o->opt);
  for (int i = 0; i < nargs; i++) {
    const char *a = args[i], *v = i + 1 < nargs ? args[i + 1] : NULL;
    double x;
    if (strcmp(a, "--trusted") == 0) o->opt.sandbox = 0;
    else if (strcmp(a, "--replace-invalid") == 0) o->load.flags |= LEDE_LOAD_REPLACE_INVALID;
    else if (strcmp(a, "--from") == 0 && v) {
      if (strcmp(v, "text") == 0) o->load.format = LEDE_FORMAT_TEXT;
      else if (strcmp(v, "markdown") == 0 || strcmp(v, "md") == 0) o->load.format = LEDE_FORMAT_MARKDOWN;
      else { fprintf(stderr, "lede repl: --from must be text or markdown, not '%s'\n", v); return 2; }
      o->from_set = 1;
      i++;
    } else if (strcmp(a, "--paragraphs") == 0 && v) {
      if (strcmp(v, "auto") == 0) o->load.paragraphs = LEDE_PARAS_AUTO;
      else if (strcmp(v, "blank") == 0) o->load.paragraphs = LEDE_PARAS_BLANK;
      else if (strcmp(v, "line") == 0) o->load.paragraphs = LEDE_PARAS_LINE;
      else { fprintf(stderr, "lede repl: --paragraphs must be auto, blank or line, not '%s'\n", v); return 2; }
      i++;
    } else if (strcmp(a, "--max-memory") == 0) {
      if (number_arg(a, v, &x)) return 2;
      o->opt.max_memory = (size_t)(x * 1048576.0);
      i++;
    } else if (strcmp(a, "--max-input") == 0) {
      if (number_arg(a, v, &x)) return 2;
      o->opt.max_input = (size_t)(x * 1048576.0);
      i++;
    } else if (strcmp(a, "--max-instructions") == 0) {
      if (number_arg(a, v, &x)) return 2;
      o->opt.max_instructions = (unsigned long)x;
      i++;
    } else if (strcmp(a, "--timeout") == 0) {
      if (number_arg(a, v, &x)) return 2;
      o->opt.timeout = x;
      i++;
    } else if ((a[0] != '-' || strcmp(a, "-") == 0) && !o->file) {
      o->file = a;
    } else {
      fprintf(stderr, "lede repl: unexpected argument '%s'\n"
                      "usage: lede repl [FILE] [--from F] [--paragraphs M] [--replace-invalid]\n"
                      "                 [--trusted] [--max-memory MB] [--max-instructions N]\n"
                      "                 [--timeout S] [--max-input MB]\n", a);
      return 2;
    }
  }
  return 0;
}

static int has_suffix(const char *s, const char *suf) {
  size_t n = strlen(s), m = strlen(suf);
  return n >= m && strcmp(s + n - m, suf) == 0;
}

/* Loads path as a document, Markdown by extension unless --from said. */
static lede_doc *load_doc(lede_engine *e, const repl_opts *o, const char *path) {
  lede_load_options lo = o->load;
  if (!o->from_set)
    lo.format = has_suffix(path, ".md") || has_suffix(path, ".markdown") ? LEDE_FORMAT_MARKDOWN
                                                                        : LEDE_FORMAT_TEXT;
  lede_doc *d = NULL;
  if (lede_doc_load_file(e, path, &lo, &d) != LEDE_OK) {
    fprintf(stderr, "%s\n", lede_errmsg(e));
    return NULL;
  }
  return d;
}

/* ~/.local/state/lede/history (XDG_STATE_HOME), its directory made. */
static int history_path(char *buf, size_t cap) {
  const char *xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
  int n;
  if (xdg && xdg[0] == '/') n = snprintf(buf, cap, "%s/lede", xdg);
  else if (home && home[0] == '/') n = snprintf(buf, cap, "%s/.local/state/lede", home);
  else return -1;
  if (n < 0 || (size_t)n + 9 >= cap) return -1;
  for (char *p = buf + 1; *p; p++)
    if (*p == '/') {
      *p = '\0';
      mkdir(buf, 0700);
      *p = '/';
    }
  if (mkdir(buf, 0700) != 0 && errno != EEXIST) return -1;
  strcat(buf, "/history");
  return 0;
}

typedef struct repl {
  lede_engine *e;
  session *s;
  repl_opts *o;
  int interactive;
  int errors;
} repl;

static void report(repl *r) {
  fflush(stdout);
  fprintf(stderr, "%s\n", lede_errmsg(r->e));
  r->errors++;
}

/* A ":command" line.  Returns 1 to quit. */
static int command(repl *r, char *line) {
  char *cmd = line + 1, *arg = cmd + strcspn(cmd, " \t");
  if (*arg) *arg++ = '\0';
  arg += strspn(arg, " \t");
  for (char *end = arg + strlen(arg); end > arg && (end[-1] == ' ' || end[-1] == '\t'); ) *--end = '\0';
  if (strcmp(cmd, "help") == 0 || strcmp(cmd, "h") == 0) {
    fputs(help_text, stdout);
    /* The module's own names, so the list never lags behind the bindings. */
    static const char names[] =
        "local t = {} for k in next, lede do t[#t + 1] = k end table.sort(t)\n"
        "return '\\nall of lede: ' .. table.concat(t, ' ')";
    if (session_eval(r->s, names, sizeof names - 1) != SESSION_DONE) report(r);
  } else if (strcmp(cmd, "quit") == 0 || strcmp(cmd, "q") == 0) {
    return 1;
  } else if (strcmp(cmd, "load") == 0) {
    if (!*arg) {
      fprintf(stderr, ":load needs a FILE\n");
      r->errors++;
      return 0;
    }
    lede_doc *d = load_doc(r->e, r->o, arg);
    if (!d) { r->errors++; return 0; }
    if (session_set_doc(r->s, d) != LEDE_OK) report(r);
    else if (session_eval(r->s, "doc", 3) != SESSION_DONE) report(r);
  } else if (strcmp(cmd, "render") == 0) {
    if (session_render(r->s, *arg ? arg : "text") != LEDE_OK) report(r);
  } else {
    fprintf(stderr, "unknown command ':%s' (:help, :load FILE, :render FMT, :quit)\n", cmd);
    r->errors++;
  }
  return 0;
}

/* One line of input, without its newline: OWNED (free), NULL at the end. */
static char *next_line(repl *r, int continued) {
  got_sigint = 0; /* a Ctrl-C from now on stops the input read here */
  session_clear_interrupt(r->s);
  line_aborted = 0;
  if (r->interactive) return readline(continued ? ">> " : "> ");
  char *line = NULL;
  size_t cap = 0;
  ssize_t n = getline(&line, &cap, stdin);
  if (n < 0) {
    free(line);
    return NULL;
  }
  if (n && line[n - 1] == '\n') line[--n] = '\0';
  return line;
}

static void loop(repl *r) {
  char *buf = NULL; /* the input so far: several lines when incomplete */
  size_t len = 0;
  for (;;) {
    char *line = next_line(r, buf != NULL);
    if (!line) break;
    if (line_aborted) { /* Ctrl-C drops the whole unfinished input */
      free(line);
      free(buf);
      buf = NULL;
      len = 0;
      continue;
    }
    if (r->interactive && line[strspn(line, " \t")]) add_history(line);
    if (!buf && line[0] == ':') {
      int quit = command(r, line);
      free(line);
      if (quit) break;
      continue;
    }
    size_t ln = strlen(line);
    char *nb = realloc(buf, len + ln + 2);
    if (!nb) { free(line); break; }
    buf = nb;
    if (len) buf[len++] = '\n';
    memcpy(buf + len, line, ln + 1);
    len += ln;
    free(line);
    if (!buf[strspn(buf, " \t")]) { /* an empty line is nothing to run */
      free(buf);
      buf = NULL;
      len = 0;
      continue;
    }
    session_result res = session_eval(r->s, buf, len);
    if (res == SESSION_INCOMPLETE) continue;
    if (res == SESSION_ERROR) report(r);
    free(buf);
    buf = NULL;
    len = 0;
  }
  if (buf) {
    fprintf(stderr, "unfinished input at the end: %.40s\n", buf);
    r->errors++;
    free(buf);
  }
  if (r->interactive) fputs("\n", stdout);
}

int tool_repl(const char *prog, int nargs, char **args) {
  (void)prog;
  for (int i = 0; i < nargs; i++)
    if (strcmp(args[i], "--help") == 0 || strcmp(args[i], "-h") == 0) {
      printf("usage: lede repl [FILE] [options]\n\n%s", help_text);
      return 0;
    }
  repl_opts o;
  memset(&o, 0, sizeof o);
  int rc = parse_opts(&o, nargs, args);
  if (rc) return rc;
  lede_engine *e;
  if (lede_engine_new(&o.opt, &e) != LEDE_OK) {
    fprintf(stderr, "lede repl: cannot create an engine\n");
    return 1;
  }
  lede_set_output(e, write_stdout, NULL);
  repl r = {e, NULL, &o, isatty(0), 0};
  lede_doc *doc = NULL;
  if (o.file && !(doc = load_doc(e, &o, o.file))) {
    lede_engine_free(e);
    return 1;
  }
  if (session_new(e, doc, &r.s) != LEDE_OK) {
    fprintf(stderr, "lede repl: %s\n", lede_errmsg(e));
    lede_engine_free(e);
    return 1;
  }
  /* No SA_RESTART: a read at the prompt returns, and the prompt is drawn
   * again; a running input sees the flag at its next limit check. */
  struct sigaction sa, old;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_sigint;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, &old);
  live_session = r.s;
  char hist[4096];
  int have_hist = 0;
  if (r.interactive) {
    rl_catch_signals = 0; /* ours, not libedit's: see on_sigint */
    rl_getc_function = prompt_getc;
    using_history();
    have_hist = history_path(hist, sizeof hist) == 0;
    if (have_hist) read_history(hist);
    printf("lede %s: `doc` is %s; :help lists the API, Ctrl-D leaves.\n", lede_version_string(),
           o.file ? o.file : "an empty document");
    if (o.file) session_eval(r.s, "doc", 3);
  }
  loop(&r);
  if (have_hist) {
    stifle_history(1000);
    write_history(hist);
  }
  sigaction(SIGINT, &old, NULL);
  live_session = NULL;
  session_free(r.s);
  lede_engine_free(e);
  return r.errors && !r.interactive ? 1 : 0;
}
