/* cli.c -- the `lede` command: argument parsing and dispatch.  Uses only
 * the public header, like any other host; running many documents at once
 * is cli_batch.c's job.  Exit status: 0 success, 1 script error or bad
 * input, 2 usage error, 3 a resource limit was exceeded. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <dirent.h>
#include <sys/stat.h>

#include "lede.h"
#include "cli_batch.h"
#include "cli_files.h"
#include "cli_tools.h"

#define MAX_ARGS 256
#define MAX_DECLARED 64
#define MAX_INCLUDE 64

static const char usage_text[] =
    "usage: lede run SCRIPT [FILE...|-] [options]   run a Lua script on documents\n"
    "       lede NAME [options] [FILE...|-]          run the bundled script NAME\n"
    "       lede NAME --jsonl [options] < in.jsonl   one JSON record per line\n"
    "       lede scripts                             list the bundled scripts\n"
    "       lede NAME --help                         options of a script\n"
    "       lede new NAME [--user]                   write a starter script NAME.lua\n"
    "       lede check SCRIPT...                     compile and lint scripts, no run\n"
    "       lede repl [FILE] [options]               interactive Lua prompt with doc\n"
    "       lede types [DIR]                         editor type hints (LuaLS) in DIR\n"
    "\n"
    "options (anywhere on the line):\n"
    "  -o FILE                 write the output to FILE (atomically)\n"
    "  --from text|markdown    input format (default: from the extension)\n"
    "  --to text|markdown|html|json   output format when the script returns\n"
    "                          the document (default: the input's format)\n"
    "  -D key=value            pass args.key = \"value\" to the script\n"
    "  --paragraphs auto|blank|line   how plain text splits into paragraphs\n"
    "  --language CODE         sentence rules: en (default), de, fr, es, it, nl\n"
    "  --quotes split|keep     a quotation of several sentences: split (default)\n"
    "  --replace-invalid       replace invalid UTF-8 and NUL with U+FFFD\n"
    "  --unsafe                keep raw HTML and any link in HTML output\n"
    "  --trusted               full Lua standard library (no sandbox)\n"
    "  --max-memory MB         script memory limit (default 256, 0 = none)\n"
    "  --max-instructions N    Lua instruction limit (default 1e9, 0 = none)\n"
    "  --timeout SECONDS       wall-clock limit (default none)\n"
    "  --max-input MB          largest document accepted (default 1024)\n"
    "  --help, --version\n"
    "\n"
    "many documents (limits apply to each one):\n"
    "  -r, --recursive         process the documents in directories, recursively\n"
    "  --include GLOB          with -r, the files to take (repeatable; default\n"
    "                          *.txt, *.md, *.markdown)\n"
    "  -O DIR                  one output per input under DIR, same relative path\n"
    "  -j, --jobs N            N workers (default: the number of online cores)\n"
    "  --jsonl                 JSON Lines in ({\"id\", \"text\", \"format\", ...}),\n"
    "                          JSON Lines out ({\"id\", \"output\"} or {\"id\",\n"
    "                          \"error\", \"status\"}), in input order\n"
    "  --fail-fast             stop at the first document that fails\n"
    "  --progress, --quiet     force the progress bar / no bar and no summary\n"
    "\n"
    "exit status: 0 ok, 1 script error or bad input, 2 usage error, 3 limit exceeded\n";

/* A script's own options, declared in its header comment. */
typedef struct declared {
  char name[64];
  int takes_value;
} declared;

typedef struct cli {
  const char *command; /* "run", "scripts" or a script name */
  const char *script;  /* path of the script to run */
  const char **pos;    /* positional arguments after the command */
  int npos;
  const char *output;
  lede_options opt;
  lede_load_options load;
  lede_run_options run;
  lede_arg args[MAX_ARGS];
  size_t nargs;
  const char *files[MAX_ARGS]; /* the args' values: files a script may use */
  char keys[8192];     /* the args' keys: argv may not be modified, and an
                          arena here cannot leak on an early exit */
  size_t keys_used;
  int help;
  declared decl[MAX_DECLARED];
  int ndecl;
  int strict; /* the script declared options: others are errors */
  char header[8192]; /* the script's leading comment block */
  /* "-- second input: KEY" in a script's header: a second FILE argument
   * is read and its text passed as args.KEY (lede rouge REF SUMMARY). */
  char second_key[64];
  const char *second;  /* that file's path */
  char *second_text;   /* its contents, OWNED */
  /* many documents */
  int recursive, jsonl, fail_fast, jobs;
  progress_mode progress;
  const char *outdir;
  const char *include[MAX_INCLUDE];
  size_t ninclude;
} cli;

/* Prints "lede: MESSAGE" and the hint, and returns the usage status, so
 * a caller reports and exits in one statement.  fmt takes one %s: the
 * offending argument (or "" for messages without one). */
static int usage_error(const char *fmt, const char *arg) {
  fprintf(stderr, "lede: ");
  fprintf(stderr, fmt, arg);
  fprintf(stderr, "\nTry 'lede --help' for more information.\n");
  return EXIT_USAGE;
}
/* ---- script headers ----------------------------------------------------- */

/* Reads the leading comment block of a script into buf (NUL-terminated). */
static void read_header(const char *path, char *buf, size_t cap) {
  buf[0] = '\0';
  FILE *f = fopen(path, "r");
  if (!f) return;
  size_t n = 0;
  char line[512]; /* a longer header line is read in pieces, each still "--"-less
                     after the first: the block then ends there, harmlessly */
  for (int first = 1; fgets(line, sizeof line, f); first = 0) {
    if (first && line[0] == '#') continue; /* "#!...": Lua skips it too */
    if (strncmp(line, "--", 2) != 0) break;
    size_t l = strlen(line);
    if (n + l + 1 > cap) break; /* a truncated header beats a failed command */
    memcpy(buf + n, line, l + 1);
    n += l;
  }
  fclose(f);
}

/* The description on the first header line, "-- NAME: description"; a
 * first line without the "NAME:" prefix is the description as a whole.
 * *len gets its length (0 without a header). */
static const char *header_description(const char *header, const char *name,
                                      size_t *len) {
  const char *eol = strchr(header, '\n');
  const char *end = eol ? eol : header + strlen(header);
  const char *q = header[0] ? header + 2 : header; /* past the "--" */
  while (q < end && (*q == ' ' || *q == '\t')) q++;
  size_t n = strlen(name);
  /* "-- NAME: text" names the script redundantly: lede scripts prints
   * the name in its own column. */
  if ((size_t)(end - q) > n && strncmp(q, name, n) == 0 && q[n] == ':') {
    q += n + 1;
    while (q < end && (*q == ' ' || *q == '\t')) q++;
  }
  while (end > q && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r')) end--;
  *len = (size_t)(end - q);
  return q;
}

/* Option lines look like "--   --name VALUE   description"; VALUE is an
 * upper-case placeholder when the option takes one. */
static void parse_declared(cli *c, const char *header) {
  for (const char *p = header; *p;) {
    const char *eol = strchr(p, '\n');
    size_t len = eol ? (size_t)(eol - p) : strlen(p);
    const char *q = p + 2;
    while (q < p + len && (*q == ' ' || *q == '\t')) q++;
    /* "-- second input: KEY": the script compares two files (rouge). */
    static const char second[] = "second input:";
    if ((size_t)(p + len - q) > sizeof second && strncmp(q, second, sizeof second - 1) == 0) {
      q += sizeof second - 1;
      while (q < p + len && *q == ' ') q++;
      size_t k = 0;
      while (q < p + len && *q != ' ' && *q != '\r' && k + 1 < sizeof c->second_key)
        c->second_key[k++] = *q++;
      c->second_key[k] = '\0';
    }
    /* "--name": an option; "---" rules and a bare "--" are decoration. */
    if (q + 2 < p + len && q[0] == '-' && q[1] == '-' && q[2] != '-' && q[2] != ' ' &&
        c->ndecl < MAX_DECLARED) {
      declared *d = &c->decl[c->ndecl];
      size_t k = 0;
      q += 2;
      while (q < p + len && *q != ' ' && *q != '\t' && *q != '=' && k + 1 < sizeof d->name)
        d->name[k++] = *q++;
      d->name[k] = '\0';
      while (q < p + len && (*q == ' ' || *q == '\t' || *q == '=')) q++;
      /* A placeholder is an upper-case word ("--to FORMAT"); a capital
       * starting the description ("--json   Print ...") is not one: its
       * second letter is lower case. */
      d->takes_value = q < p + len && *q >= 'A' && *q <= 'Z' &&
                       (q + 1 >= p + len || (q[1] >= 'A' && q[1] <= 'Z') || q[1] == ' ');
      c->ndecl++;
      c->strict = 1; /* declaring any option makes unknown ones typos */
    }
    p = eol ? eol + 1 : p + len;
  }
}

/* The declared option name[0..n) (n, because "--key=value" is matched
 * before the '='), or NULL. */
static const declared *find_declared(const cli *c, const char *name, size_t n) {
  for (int i = 0; i < c->ndecl; i++)
    if (strlen(c->decl[i].name) == n && strncmp(c->decl[i].name, name, n) == 0)
      return &c->decl[i];
  return NULL;
}

/* ---- argument parsing ---------------------------------------------------- */

/* Global options that take a value, so the first pass can skip it. */
static int global_takes_value(const char *a) {
  static const char *const v[] = {"-o", "--from", "--to", "-D", "--paragraphs",
                                  "--language", "--quotes",
                                  "--max-memory", "--max-instructions",
                                  "--timeout", "--max-input", "-O", "-j",
                                  "--jobs", "--include", NULL};
  for (const char *const *p = v; *p; p++)
    if (strcmp(a, *p) == 0) return 1;
  return 0;
}

/* A non-negative number, all of s ("10MB" and "-1" are slips, not 10
 * and "no limit").  Returns 0, or -1. */
static int parse_number(const char *s, double *out) {
  char *end;
  errno = 0;
  double x = strtod(s, &end);
  if (errno || end == s || *end || x < 0) return -1;
  *out = x;
  return 0;
}

/* Appends args.key = value; the strings must outlive the run (argv, or
 * c->keys).  A later duplicate wins in the script, as lede.h says. */
static int add_arg(cli *c, const char *key, const char *value) {
  if (c->nargs == MAX_ARGS) return usage_error("too many script arguments%s", "");
  c->args[c->nargs].key = key;
  c->args[c->nargs].value = value;
  /* What the user typed on the command line may name a file the script
   * reads or writes (--report FILE); records' fields never do. */
  c->files[c->nargs] = value;
  c->nargs++;
  return 0;
}

/* A NUL-terminated copy of key[0..n) in c->keys, or NULL when full. */
static const char *copy_key(cli *c, const char *key, size_t n) {
  if (n >= sizeof c->keys - c->keys_used) return NULL;
  char *k = c->keys + c->keys_used;
  memcpy(k, key, n);
  k[n] = '\0';
  c->keys_used += n + 1;
  return k;
}

/* -D key=value: the value points into argv, the key is copied. */
static int add_define(cli *c, const char *kv) {
  const char *eq = strchr(kv, '=');
  if (!eq || eq == kv) return usage_error("-D needs key=value, got '%s'", kv);
  const char *key = copy_key(c, kv, (size_t)(eq - kv));
  if (!key) return usage_error("too many script arguments%s", "");
  return add_arg(c, key, eq + 1);
}

/* An option of the program itself that takes a value (listed in
 * global_takes_value).  Returns 0, or the usage status after the
 * message.  Megabytes are MiB, as the limits in lede.h count bytes. */
static int parse_global(cli *c, const char *a, const char *v) {
  double x;
  if (strcmp(a, "-o") == 0) c->output = v;
  else if (strcmp(a, "--from") == 0) {
    /* lede.h's one table of format names; only two of them load */
    if (lede_format_parse(v, &c->load.format) != LEDE_OK ||
        (c->load.format != LEDE_FORMAT_TEXT && c->load.format != LEDE_FORMAT_MARKDOWN))
      return usage_error("--from must be text or markdown, not '%s'", v);
  } else if (strcmp(a, "--to") == 0) {
    if (lede_format_parse(v, &c->run.to) != LEDE_OK)
      return usage_error("--to must be text, markdown, html or json, not '%s'", v);
    /* Scripts see the canonical name ("md" arrives as "markdown"), so
     * they compare against one spelling. */
    return add_arg(c, "to", lede_format_name(c->run.to));
  } else if (strcmp(a, "-D") == 0) return add_define(c, v);
  else if (strcmp(a, "--paragraphs") == 0) {
    if (strcmp(v, "auto") == 0) c->load.paragraphs = LEDE_PARAS_AUTO;
    else if (strcmp(v, "blank") == 0) c->load.paragraphs = LEDE_PARAS_BLANK;
    else if (strcmp(v, "line") == 0) c->load.paragraphs = LEDE_PARAS_LINE;
    else return usage_error("--paragraphs must be auto, blank or line, not '%s'", v);
  } else if (strcmp(a, "--language") == 0) {
    /* Sentence rules where lede has them; a script that declares its own
     * --language (summarize: the stemmer) also gets the value, and judges
     * a language lede has no sentence rules for itself. */
    c->load.language = lede_language(v);
    if (find_declared(c, "language", 8)) return add_arg(c, "language", v);
    if (!c->load.language)
      return usage_error("--language must be one of en, de, fr, es, it, nl, not '%s'", v);
  } else if (strcmp(a, "--quotes") == 0) {
    if (strcmp(v, "split") == 0) c->load.quotes = LEDE_QUOTES_SPLIT;
    else if (strcmp(v, "keep") == 0) c->load.quotes = LEDE_QUOTES_KEEP;
    else return usage_error("--quotes must be split or keep, not '%s'", v);
  } else if (strcmp(a, "--max-memory") == 0) {
    if (parse_number(v, &x)) return usage_error("--max-memory needs a number of MB, not '%s'", v);
    c->opt.max_memory = (size_t)(x * 1048576.0);
  } else if (strcmp(a, "--max-input") == 0) {
    if (parse_number(v, &x)) return usage_error("--max-input needs a number of MB, not '%s'", v);
    c->opt.max_input = (size_t)(x * 1048576.0);
  } else if (strcmp(a, "--max-instructions") == 0) {
    if (parse_number(v, &x)) return usage_error("--max-instructions needs a number, not '%s'", v);
    c->opt.max_instructions = (unsigned long)x;
  } else if (strcmp(a, "--timeout") == 0) {
    if (parse_number(v, &x)) return usage_error("--timeout needs a number of seconds, not '%s'", v);
    c->opt.timeout = x;
  } else if (strcmp(a, "-O") == 0) c->outdir = v;
  else if (strcmp(a, "-j") == 0 || strcmp(a, "--jobs") == 0) {
    /* A whole number from 1 to 256: "-j 1.5" or "-j 0" is a slip. */
    if (parse_number(v, &x) || x < 1 || x > 256 || x != (double)(int)x)
      return usage_error("-j needs a number of workers from 1 to 256, not '%s'", v);
    c->jobs = (int)x;
  } else if (strcmp(a, "--include") == 0) {
    if (c->ninclude == MAX_INCLUDE) return usage_error("too many --include globs%s", "");
    c->include[c->ninclude++] = v;
  }
  return 0;
}

/* An option of the program that takes no value.  Returns 1 when a was
 * one, 0 when it was not (it may be a script's), -1 after a usage error. */
static int parse_flag(cli *c, const char *a) {
  if (strcmp(a, "--trusted") == 0) c->opt.sandbox = 0;
  else if (strcmp(a, "--replace-invalid") == 0) c->load.flags |= LEDE_LOAD_REPLACE_INVALID;
  else if (strcmp(a, "--unsafe") == 0) {
    c->run.render_flags |= LEDE_RENDER_UNSAFE;
    /* Also an arg: a script rendering with doc:render() must honour it. */
    return add_arg(c, "unsafe", "true") ? -1 : 1;
  } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) c->help = 1;
  else if (strcmp(a, "-r") == 0 || strcmp(a, "--recursive") == 0) c->recursive = 1;
  else if (strcmp(a, "--jsonl") == 0) c->jsonl = 1;
  else if (strcmp(a, "--fail-fast") == 0) c->fail_fast = 1;
  else if (strcmp(a, "--progress") == 0) c->progress = PROGRESS_ON;
  else if (strcmp(a, "--quiet") == 0) c->progress = PROGRESS_QUIET;
  else return 0;
  return 1;
}

/* A script option: --key=value, --key value (declared with a value) or
 * --flag.  Returns 0, or an exit status. */
static int parse_script_option(cli *c, int argc, char **argv, int *i) {
  const char *a = argv[*i] + 2;
  const char *eq = strchr(a, '=');
  size_t n = eq ? (size_t)(eq - a) : strlen(a);
  const declared *d = find_declared(c, a, n);
  /* A script that declared nothing takes any --key: it may read args
   * freely, and refusing would break it. */
  if (c->strict && !d) {
    fprintf(stderr, "lede: unknown option '--%.*s' for '%s'\nTry 'lede %s --help'.\n",
            (int)n, a, c->command, c->command);
    return EXIT_USAGE;
  }
  const char *key = copy_key(c, a, n);
  if (!key) return usage_error("too many script arguments%s", "");
  const char *value = "true"; /* a flag: `if args.json` in the script */
  if (eq) value = eq + 1;
  else if (d && d->takes_value) {
    if (*i + 1 >= argc) {
      fprintf(stderr, "lede: option '--%s' needs a value\nTry 'lede %s --help'.\n", key,
              c->command);
      return EXIT_USAGE;
    }
    value = argv[++*i];
  }
  return add_arg(c, key, value);
}

/* ---- running ------------------------------------------------------------- */

/* lede_set_output's callback: non-zero stops the script (a full disk or
 * a closed pipe), which then fails with LEDE_EIO. */
static int write_file(void *ud, const char *data, size_t len) {
  return fwrite(data, 1, len, (FILE *)ud) != len;
}

/* A limit has its own exit status, so a caller can tell "this input is
 * too big for the limits" from "this input or script is wrong". */
static int exit_for(lede_status st) {
  return st == LEDE_ELIMIT ? EXIT_LIMIT : EXIT_SCRIPT;
}

/* Prints the scripts of every directory on the search path, each name
 * once: an earlier directory shadows a later one, as lede_find_script()
 * resolves names. */
static int list_scripts(lede_engine *e) {
  char *dirs;
  if (lede_script_dirs(e, &dirs) != LEDE_OK) return EXIT_SCRIPT;
  char seen[4096] = ","; /* ",name,name," -- strstr finds whole names only */
  for (char *dir = strtok(dirs, ":"); dir; dir = strtok(NULL, ":")) {
    DIR *d = opendir(dir);
    if (!d) continue;
    struct dirent *ent;
    /* Collect names first so they print sorted. */
    char *names[512];
    int nn = 0;
    while ((ent = readdir(d)) && nn < 512) {
      size_t l = strlen(ent->d_name);
      if (l > 4 && strcmp(ent->d_name + l - 4, ".lua") == 0 &&
          (names[nn] = strndup(ent->d_name, l - 4)) != NULL)
        nn++;
    }
    closedir(d);
    /* A few dozen names: a selection sort is plenty. */
    for (int a = 0; a < nn; a++)
      for (int b = a + 1; b < nn; b++)
        if (strcmp(names[a], names[b]) > 0) { char *t = names[a]; names[a] = names[b]; names[b] = t; }
    for (int k = 0; k < nn; k++) {
      char key[300];
      snprintf(key, sizeof key, ",%s,", names[k]);
      if (!strstr(seen, key) && strlen(seen) + strlen(key) < sizeof seen) {
        strcat(seen, names[k]);
        strcat(seen, ",");
        char path[4096], header[8192];
        snprintf(path, sizeof path, "%s/%s.lua", dir, names[k]);
        read_header(path, header, sizeof header);
        size_t dl;
        const char *desc = header_description(header, names[k], &dl);
        if (dl) printf("  %-12s %.*s\n", names[k], (int)dl, desc);
        else printf("  %s\n", names[k]);
      }
      free(names[k]);
    }
  }
  free(dirs);
  return 0;
}


/* ---- one document ---------------------------------------------------------- */

/* Reads the second FILE of a script that declared one into args. */
static int read_second(cli *c) {
  FILE *f = fopen(c->second, "rb");
  size_t n = 0, cap = 0;
  char *buf = NULL;
  if (f) {
    for (;;) {
      if (cap - n < 4096) { /* doubling: linear in the file's size */
        char *nb = realloc(buf, cap = cap * 2 + 8192);
        if (!nb) break;
        buf = nb;
      }
      size_t got = fread(buf + n, 1, cap - n - 1, f);
      n += got;
      if (got == 0) break;
    }
  }
  /* A NUL would silently cut the C string handed to the script. */
  if (!f || ferror(f) || !buf || memchr(buf, '\0', n)) {
    fprintf(stderr, "lede: cannot read '%s': %s\n", c->second,
            !f || ferror(f) ? strerror(errno) : buf ? "contains a NUL byte" : "out of memory");
    if (f) fclose(f);
    free(buf);
    return EXIT_SCRIPT;
  }
  fclose(f);
  buf[n] = '\0';
  c->second_text = buf; /* freed after the run: args borrow it */
  return add_arg(c, c->second_key, buf) ? EXIT_USAGE : 0;
}

/* Output streams to stdout (or to -o's temporary file) as the script
 * writes it, so a long output starts at once and is never held whole. */
static int run_single(cli *c, const char *input) {
  lede_engine *e;
  lede_status st = lede_engine_new(&c->opt, &e);
  if (st != LEDE_OK) {
    fprintf(stderr, "lede: cannot create engine: %s\n", lede_strerror(st));
    return EXIT_SCRIPT;
  }
  int rc = 0;
  lede_doc *doc = NULL;
  char *tmp = NULL;
  FILE *out = NULL;
  if (!input) input = "-";
  /* Without this hint, `lede stats` alone looks like a hang. */
  if (strcmp(input, "-") == 0 && isatty(0))
    fprintf(stderr, "lede: reading the document from standard input (end with Ctrl-D)\n");
  st = lede_doc_load_file(e, input, &c->load, &doc);
  if (st != LEDE_OK) {
    fprintf(stderr, "lede: %s\n", lede_errmsg(e));
    rc = exit_for(st);
    goto done;
  }
  /* The temporary file is opened only after the document loaded, so a
   * bad input never even creates it. */
  if (c->output && !(out = atomic_open(c->output, 0, &tmp))) {
    fprintf(stderr, "lede: cannot write '%s': %s\n", c->output, strerror(errno));
    rc = EXIT_SCRIPT;
    goto done;
  }
  if (c->second && (rc = read_second(c)) != 0) goto done;
  lede_set_output(e, write_file, out ? out : stdout);
  c->run.args = c->args;
  c->run.nargs = c->nargs;
  c->run.files = c->files;
  c->run.nfiles = c->nargs;
  st = lede_run_file(e, c->script, doc, &c->run, NULL, NULL);
  /* Buffered write errors (a full disk) surface only at the flush. */
  if (st == LEDE_OK && out && (fflush(out) != 0 || ferror(out))) st = LEDE_EIO;
  if (st == LEDE_OK && !out && fflush(stdout) != 0) st = LEDE_EIO;
  if (st != LEDE_OK) {
    const char *msg = lede_errmsg(e);
    /* A script error already reads "script.lua:LINE: ..." with a
     * traceback; everything else gets the program's prefix.  A script
     * reports bad options with error("usage: ...", 0): exit 2, the
     * message without the traceback, and the usual hint. */
    if (st == LEDE_ESCRIPT && strncmp(msg, "usage: ", 7) == 0) {
      fprintf(stderr, "lede: %.*s\nTry 'lede %s --help'.\n", (int)strcspn(msg + 7, "\n"),
              msg + 7, c->command);
      rc = EXIT_USAGE;
    } else {
      if (st == LEDE_ESCRIPT) fprintf(stderr, "%s\n", msg);
      else fprintf(stderr, "lede: %s\n", *msg ? msg : lede_strerror(st));
      rc = exit_for(st);
    }
  }
  if (out) {
    /* Renamed over -o's file only when everything succeeded: a failed
     * run leaves the previous file as it was. */
    if (atomic_close(out, tmp, c->output, rc == 0) != 0 && rc == 0) {
      fprintf(stderr, "lede: cannot write '%s': %s\n", c->output, strerror(errno));
      rc = EXIT_SCRIPT;
    }
    out = NULL;
    tmp = NULL;
  }
done:
  free(c->second_text);
  c->second_text = NULL;
  lede_doc_free(doc);
  lede_engine_free(e);
  return rc;
}

/* ---- many documents -------------------------------------------------------- */

/* The extension of -O's outputs: --to's format; else the script's own
 * declaration, a header line "-- output: .txt, .json with --json" (the
 * first entry whose option was given, else the first without "with");
 * else NULL, and each output keeps its input's extension. */
static const char *output_extension(cli *c, char *buf, size_t cap) {
  switch (c->run.to) {
  case LEDE_FORMAT_TEXT: return "txt";
  case LEDE_FORMAT_MARKDOWN: return "md";
  case LEDE_FORMAT_HTML: return "html";
  case LEDE_FORMAT_JSON: return "json";
  default: break;
  }
  const char *line = strstr(c->header, "-- output:");
  if (!line) return NULL;
  const char *eol = strchr(line, '\n');
  const char *end = eol ? eol : line + strlen(line);
  const char *fallback = NULL, *chosen = NULL;
  size_t flen = 0, clen = 0;
  for (const char *p = line + 10; p < end && !chosen;) {
    const char *comma = memchr(p, ',', (size_t)(end - p));
    const char *stop = comma ? comma : end;
    while (p < stop && (*p == ' ' || *p == '.')) p++;
    const char *ext = p;
    while (p < stop && *p != ' ') p++;
    size_t elen = (size_t)(p - ext);
    const char *with = strstr(p, "with --");
    if (elen && (!with || with >= stop)) {
      if (!fallback) fallback = ext, flen = elen;
    } else if (elen) {
      /* "with --json": chosen when the command line set args.json. */
      const char *opt = with + 7, *oe = opt;
      while (oe < stop && *oe != ' ' && *oe != '\r') oe++;
      for (size_t i = 0; i < c->nargs; i++)
        if (strlen(c->args[i].key) == (size_t)(oe - opt) &&
            strncmp(c->args[i].key, opt, (size_t)(oe - opt)) == 0)
          chosen = ext, clen = elen;
    }
    p = comma ? comma + 1 : end;
  }
  if (!chosen) chosen = fallback, clen = flen;
  if (!chosen || clen >= cap) return NULL;
  memcpy(buf, chosen, clen);
  buf[clen] = '\0';
  return buf;
}

/* Hands the parsed command line to cli_batch.c.  Everything in the
 * config is borrowed from c and argv, which outlive the batch. */
static int run_batch(cli *c, const char *const *inputs, int n) {
  char ext[32];
  /* A bundled script's header was read while parsing (its options);
   * `lede run FILE`'s only now, for its output extension. */
  if (c->outdir && strcmp(c->command, "run") == 0)
    read_header(c->script, c->header, sizeof c->header);
  batch_config b;
  memset(&b, 0, sizeof b);
  b.script = c->script;
  b.inputs = inputs;
  b.ninputs = (size_t)n;
  b.recursive = c->recursive;
  b.include = c->include;
  b.ninclude = c->ninclude;
  b.outdir = c->outdir;
  b.output = c->output;
  b.ext = c->outdir ? output_extension(c, ext, sizeof ext) : NULL;
  b.jobs = c->jobs ? c->jobs : batch_default_jobs();
  b.jsonl = c->jsonl;
  b.fail_fast = c->fail_fast;
  b.progress = c->progress;
  b.opt = c->opt;
  b.load = c->load;
  b.run = c->run;
  b.run.args = c->args; /* JSON records append their own fields to these */
  b.run.nargs = c->nargs;
  b.run.files = c->files; /* ... but grant no file: only the command line does */
  b.run.nfiles = c->nargs;
  return batch_main(&b);
}

/* Checks the combination of options, then runs one document the plain
 * way or many through the batch runner.  inputs are FILE arguments. */
static int run_documents(cli *c, const char *const *inputs, int n) {
  if (c->jsonl && n)
    return usage_error("--jsonl reads its records from standard input, not from '%s'", inputs[0]);
  if (c->jsonl && c->outdir) return usage_error("-O writes files per input file; --jsonl writes one stream%s", "");
  if (c->outdir && c->output) return usage_error("-o and -O do not go together%s", "");
  if (c->recursive && !n) return usage_error("-r needs a directory%s", "");
  if (c->ninclude && !c->recursive) return usage_error("--include chooses files in directories: it needs -r%s", "");
  /* Refused here rather than when the batch meets it: a directory given
   * without -r is a slip in the command, not one failed document. */
  if (!c->recursive)
    for (int i = 0; i < n; i++) {
      struct stat st;
      if (strcmp(inputs[i], "-") != 0 && stat(inputs[i], &st) == 0 && S_ISDIR(st.st_mode))
        return usage_error("'%s' is a directory (use -r to process the documents in it)", inputs[i]);
    }
  /* Checked before any document is read: otherwise standard input would
   * be consumed, or every file fail, for a typo in the script's name. */
  if (access(c->script, R_OK) != 0) {
    fprintf(stderr, "lede: cannot open script '%s': %s\n", c->script, strerror(errno));
    return EXIT_SCRIPT;
  }
  /* One file keeps the streaming path; -j alone does not need more. */
  if (!c->jsonl && !c->recursive && !c->outdir && n <= 1)
    return run_single(c, n ? inputs[0] : NULL);
  return run_batch(c, inputs, n);
}

/* ---- commands -------------------------------------------------------------- */

static int cmd_run(cli *c) {
  if (c->npos < 1) return usage_error("run needs a SCRIPT%s", "");
  c->script = c->pos[0];
  return run_documents(c, c->pos + 1, c->npos - 1);
}

static int cmd_scripts(cli *c) {
  if (c->npos > 0) return usage_error("unexpected argument '%s'", c->pos[0]);
  lede_engine *e;
  lede_status st = lede_engine_new(&c->opt, &e);
  if (st != LEDE_OK) {
    fprintf(stderr, "lede: cannot create engine: %s\n", lede_strerror(st));
    return EXIT_SCRIPT;
  }
  printf("bundled and user scripts (run as 'lede NAME [options] FILE'):\n");
  int rc = list_scripts(e);
  lede_engine_free(e);
  return rc;
}

static int cmd_help(cli *c) {
  (void)c;
  fputs(usage_text, stdout);
  return 0;
}

/* Any other word names a script; main found its path (or not) already,
 * to know the script's declared options while parsing. */
static int cmd_script(cli *c) {
  if (!c->script)
    return usage_error("no command or script named '%s' (see 'lede scripts')", c->command);
  if (c->second_key[0]) {
    /* Two files make one run (lede rouge REFERENCE SUMMARY). */
    if (c->npos != 2 || c->jsonl || c->recursive || c->outdir)
      return usage_error("%s needs exactly two files", c->command);
    c->second = c->pos[1];
    return run_documents(c, c->pos, 1);
  }
  return run_documents(c, c->pos, c->npos);
}

/* The built-in commands.  A new one is a function taking the parsed
 * command line and a line here; script_options says whether unknown
 * "--name" options pass through to a script as args. */
static const struct command {
  const char *name;
  int (*fn)(cli *c);
  int script_options;
} commands[] = {
    {"run", cmd_run, 0},
    {"scripts", cmd_scripts, 0},
    {"help", cmd_help, 0},
};
static const struct command script_command = {NULL, cmd_script, 1};

static const struct command *find_command(const char *name) {
  for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
    if (strcmp(commands[i].name, name) == 0) return &commands[i];
  return &script_command;
}

/* `lede NAME --help`: the header block without its comment markers, as
 * the script's author wrote it (the header is the script's manual). */
static void print_script_help(const char *name, const char *path) {
  char header[8192];
  read_header(path, header, sizeof header);
  size_t dl;
  const char *desc = header_description(header, name, &dl);
  if (dl) printf("lede %s: %.*s\n", name, (int)dl, desc);
  else printf("lede %s\n", name);
  const char *p = strchr(header, '\n');
  for (p = p ? p + 1 : ""; *p;) {
    const char *eol = strchr(p, '\n');
    size_t len = eol ? (size_t)(eol - p) : strlen(p);
    const char *q = p + 2;
    if (q < p + len && *q == ' ') q++;
    /* "-- output: ..." is for -O (see output_extension), not for people. */
    if (strncmp(q, "output:", 7) != 0) printf("%.*s\n", (int)(p + len - q), q);
    p = eol ? eol + 1 : p + len;
  }
  printf("\nCommon options (-o, --from, --to, -D, limits): see 'lede --help'.\n");
}

/* The second pass over argv: options (anywhere on the line) and the
 * positional arguments after the command.  Returns 0 or an exit status. */
static int parse_args(cli *c, const struct command *cmd, int argc, char **argv) {
  int seen_command = 0; /* the first positional word is the command */
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (a[0] == '-' && a[1] != '\0') {
      if (strcmp(a, "--") == 0) { /* everything after is positional */
        while (++i < argc) c->pos[c->npos++] = argv[i];
        break;
      }
      /* Attached values, as in cc: -Dkey=value, -j4. */
      if (strncmp(a, "-D", 2) == 0 && a[2]) {
        if (add_define(c, a + 2)) return EXIT_USAGE;
        continue;
      }
      if (strncmp(a, "-j", 2) == 0 && a[2]) {
        int r = parse_global(c, "-j", a + 2);
        if (r) return r;
        continue;
      }
      /* A script's declared option wins over a global one of the same
       * name only for names the CLI does not own. */
      if (global_takes_value(a)) {
        if (i + 1 >= argc) return usage_error("option '%s' needs a value", a);
        int r = parse_global(c, a, argv[++i]);
        if (r) return r;
        continue;
      }
      int f = parse_flag(c, a);
      if (f < 0) return EXIT_USAGE;
      if (f) continue;
      /* What the program does not know goes to the script, if the
       * command runs one by name; `lede run` has no header to check
       * options against, so its scripts take -D only. */
      if (a[1] == '-' && cmd->script_options) {
        int r = parse_script_option(c, argc, argv, &i);
        if (r) return r;
        continue;
      }
      return usage_error("unknown option '%s'", a);
    }
    if (!seen_command) { /* the command word itself */
      seen_command = 1;
      continue;
    }
    c->pos[c->npos++] = a; /* pos has argc slots: it cannot overflow */
  }
  return 0;
}

int main(int argc, char **argv) {
  cli c;
  memset(&c, 0, sizeof c);
  lede_options_init(&c.opt);
  /* First pass: the command, so a script's declared options are known
   * before the second pass meets them. */
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--version") == 0) {
      printf("lede %s\n", lede_version_string());
      return 0;
    }
    if (a[0] == '-' && a[1] != '\0') {
      /* Skip an option's value, so "-o stats" does not read as the
       * command "stats". */
      if (global_takes_value(a)) i++;
      continue;
    }
    c.command = a;
    int tool = tool_dispatch(argv[0], a, argc, argv, i); /* new, check, types, repl */
    if (tool >= 0) return tool;
    break;
  }
  /* No command: --help asked for the usage (stdout, success); anything
   * else is a usage error with the same text on stderr. */
  if (!c.command) {
    for (int i = 1; i < argc; i++)
      if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
        fputs(usage_text, stdout);
        return 0;
      }
    fputs(usage_text, stderr);
    return EXIT_USAGE;
  }
  const struct command *cmd = find_command(c.command);
  if (cmd == &commands[2]) return cmd_help(&c); /* "help" takes no options */
  char *script_path = NULL; /* OWNED: lede_free() */
  if (cmd->script_options) {
    /* A throw-away engine: options such as --max-memory are not parsed
     * yet, and finding a script needs none of them. */
    lede_engine *probe;
    if (lede_engine_new(NULL, &probe) == LEDE_OK) {
      if (lede_find_script(probe, c.command, &script_path) == LEDE_OK) {
        read_header(script_path, c.header, sizeof c.header);
        parse_declared(&c, c.header);
      }
      lede_engine_free(probe);
    }
    c.script = script_path;
  }
  c.pos = malloc((size_t)argc * sizeof *c.pos);
  if (!c.pos) {
    fprintf(stderr, "lede: out of memory\n");
    lede_free(script_path);
    return EXIT_SCRIPT;
  }
  int rc = parse_args(&c, cmd, argc, argv);
  /* --help anywhere wins over running, once the line parsed cleanly. */
  if (!rc && c.help) {
    if (script_path) print_script_help(c.command, script_path);
    else fputs(usage_text, stdout);
  } else if (!rc) {
    rc = cmd->fn(&c);
  }
  free(c.pos);
  lede_free(script_path);
  return rc;
}
