/* cli.c -- the `lede` command.  Uses only the public header, like any
 * other host.  Exit status: 0 success, 1 script error or bad input,
 * 2 usage error, 3 a resource limit was exceeded. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <dirent.h>
#include <sys/stat.h>

#include "lede.h"

enum { EXIT_SCRIPT = 1, EXIT_USAGE = 2, EXIT_LIMIT = 3 };

#define MAX_ARGS 256
#define MAX_DECLARED 64

static const char usage_text[] =
    "usage: lede run SCRIPT [FILE|-] [options]   run a Lua script on a document\n"
    "       lede NAME [options] [FILE|-]          run the bundled script NAME\n"
    "       lede scripts                          list the bundled scripts\n"
    "       lede NAME --help                      options of a script\n"
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
    "exit status: 0 ok, 1 script error or bad input, 2 usage error, 3 limit exceeded\n";

/* A script's own options, declared in its header comment. */
typedef struct declared {
  char name[64];
  int takes_value;
} declared;

typedef struct cli {
  const char *command; /* "run", "scripts" or a script name */
  const char *script;  /* path of the script to run */
  const char *input;   /* NULL or "-" = standard input */
  const char *output;
  lede_options opt;
  lede_load_options load;
  lede_run_options run;
  lede_arg args[MAX_ARGS];
  size_t nargs;
  char keys[8192];     /* the args' keys: argv may not be modified, and an
                          arena here cannot leak on an early exit */
  size_t keys_used;
  int help;
  declared decl[MAX_DECLARED];
  int ndecl;
  int strict; /* the script declared options: others are errors */
} cli;

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
  char line[512];
  for (int first = 1; fgets(line, sizeof line, f); first = 0) {
    if (first && line[0] == '#') continue; /* "#!...": Lua skips it too */
    if (strncmp(line, "--", 2) != 0) break;
    size_t l = strlen(line);
    if (n + l + 1 > cap) break;
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
  const char *q = header[0] ? header + 2 : header;
  while (q < end && (*q == ' ' || *q == '\t')) q++;
  size_t n = strlen(name);
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
    if (q + 2 < p + len && q[0] == '-' && q[1] == '-' && q[2] != '-' && q[2] != ' ' &&
        c->ndecl < MAX_DECLARED) {
      declared *d = &c->decl[c->ndecl];
      size_t k = 0;
      q += 2;
      while (q < p + len && *q != ' ' && *q != '\t' && *q != '=' && k + 1 < sizeof d->name)
        d->name[k++] = *q++;
      d->name[k] = '\0';
      while (q < p + len && (*q == ' ' || *q == '\t' || *q == '=')) q++;
      d->takes_value = q < p + len && *q >= 'A' && *q <= 'Z' &&
                       (q + 1 >= p + len || (q[1] >= 'A' && q[1] <= 'Z') || q[1] == ' ');
      c->ndecl++;
      c->strict = 1;
    }
    p = eol ? eol + 1 : p + len;
  }
}

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
                                  "--timeout", "--max-input", NULL};
  for (const char *const *p = v; *p; p++)
    if (strcmp(a, *p) == 0) return 1;
  return 0;
}

static int parse_number(const char *s, double *out) {
  char *end;
  errno = 0;
  double x = strtod(s, &end);
  if (errno || end == s || *end || x < 0) return -1;
  *out = x;
  return 0;
}

static int add_arg(cli *c, const char *key, const char *value) {
  if (c->nargs == MAX_ARGS) return usage_error("too many script arguments%s", "");
  c->args[c->nargs].key = key;
  c->args[c->nargs].value = value;
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

static int parse_global(cli *c, const char *a, const char *v) {
  double x;
  if (strcmp(a, "-o") == 0) c->output = v;
  else if (strcmp(a, "--from") == 0) {
    if (strcmp(v, "text") == 0) c->load.format = LEDE_FORMAT_TEXT;
    else if (strcmp(v, "markdown") == 0 || strcmp(v, "md") == 0) c->load.format = LEDE_FORMAT_MARKDOWN;
    else return usage_error("--from must be text or markdown, not '%s'", v);
  } else if (strcmp(a, "--to") == 0) {
    if (strcmp(v, "text") == 0) c->run.to = LEDE_FORMAT_TEXT;
    else if (strcmp(v, "markdown") == 0 || strcmp(v, "md") == 0) c->run.to = LEDE_FORMAT_MARKDOWN;
    else if (strcmp(v, "html") == 0) c->run.to = LEDE_FORMAT_HTML;
    else if (strcmp(v, "json") == 0) c->run.to = LEDE_FORMAT_JSON;
    else return usage_error("--to must be text, markdown, html or json, not '%s'", v);
    return add_arg(c, "to", v);
  } else if (strcmp(a, "-D") == 0) return add_define(c, v);
  else if (strcmp(a, "--paragraphs") == 0) {
    if (strcmp(v, "auto") == 0) c->load.paragraphs = LEDE_PARAS_AUTO;
    else if (strcmp(v, "blank") == 0) c->load.paragraphs = LEDE_PARAS_BLANK;
    else if (strcmp(v, "line") == 0) c->load.paragraphs = LEDE_PARAS_LINE;
    else return usage_error("--paragraphs must be auto, blank or line, not '%s'", v);
  } else if (strcmp(a, "--language") == 0) {
    c->load.language = lede_language(v);
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
  }
  return 0;
}

static int parse_flag(cli *c, const char *a) {
  if (strcmp(a, "--trusted") == 0) c->opt.sandbox = 0;
  else if (strcmp(a, "--replace-invalid") == 0) c->load.flags |= LEDE_LOAD_REPLACE_INVALID;
  else if (strcmp(a, "--unsafe") == 0) {
    c->run.render_flags |= LEDE_RENDER_UNSAFE;
    return add_arg(c, "unsafe", "true") ? -1 : 1;
  } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) c->help = 1;
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
  if (c->strict && !d) {
    fprintf(stderr, "lede: unknown option '--%.*s' for '%s'\nTry 'lede %s --help'.\n",
            (int)n, a, c->command, c->command);
    return EXIT_USAGE;
  }
  const char *key = copy_key(c, a, n);
  if (!key) return usage_error("too many script arguments%s", "");
  const char *value = "true";
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

static int write_file(void *ud, const char *data, size_t len) {
  return fwrite(data, 1, len, (FILE *)ud) != len;
}

static int exit_for(lede_status st) {
  return st == LEDE_ELIMIT ? EXIT_LIMIT : EXIT_SCRIPT;
}

static int list_scripts(lede_engine *e) {
  char *dirs;
  if (lede_script_dirs(e, &dirs) != LEDE_OK) return EXIT_SCRIPT;
  char seen[4096] = ",";
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

/* Writes to FILE.XXXXXX in the same directory, renamed over FILE only on
 * success, so a failed run never leaves a half-written output. */
static FILE *open_temp(const char *path, char **tmp) {
  size_t n = strlen(path) + 8;
  *tmp = malloc(n);
  if (!*tmp) return NULL;
  snprintf(*tmp, n, "%s.XXXXXX", path);
  int fd = mkstemp(*tmp);
  if (fd < 0) {
    free(*tmp);
    *tmp = NULL;
    return NULL;
  }
  /* mkstemp makes 0600; outputs are ordinary files. */
  mode_t mask = umask(0);
  umask(mask);
  fchmod(fd, 0666 & ~mask);
  return fdopen(fd, "wb");
}

static int run_cli(cli *c) {
  lede_engine *e;
  lede_status st = lede_engine_new(&c->opt, &e);
  if (st != LEDE_OK) {
    fprintf(stderr, "lede: cannot create engine: %s\n", lede_strerror(st));
    return EXIT_SCRIPT;
  }
  int rc = 0;
  lede_doc *doc = NULL;
  char *found = NULL, *tmp = NULL;
  FILE *out = NULL;
  if (strcmp(c->command, "scripts") == 0) {
    printf("bundled and user scripts (run as 'lede NAME [options] FILE'):\n");
    rc = list_scripts(e);
    goto done;
  }
  if (!c->script) {
    if (lede_find_script(e, c->command, &found) != LEDE_OK) {
      rc = usage_error("no command or script named '%s' (see 'lede scripts')", c->command);
      goto done;
    }
    c->script = found;
  }
  if (access(c->script, R_OK) != 0) {
    fprintf(stderr, "lede: cannot open script '%s': %s\n", c->script, strerror(errno));
    rc = EXIT_SCRIPT;
    goto done;
  }
  const char *input = c->input ? c->input : "-";
  if (strcmp(input, "-") == 0 && isatty(0))
    fprintf(stderr, "lede: reading the document from standard input (end with Ctrl-D)\n");
  st = lede_doc_load_file(e, input, &c->load, &doc);
  if (st != LEDE_OK) {
    fprintf(stderr, "lede: %s\n", lede_errmsg(e));
    rc = exit_for(st);
    goto done;
  }
  if (c->output) {
    out = open_temp(c->output, &tmp);
    if (!out) {
      fprintf(stderr, "lede: cannot write '%s': %s\n", c->output, strerror(errno));
      rc = EXIT_SCRIPT;
      goto done;
    }
  }
  lede_set_output(e, write_file, out ? out : stdout);
  c->run.args = c->args;
  c->run.nargs = c->nargs;
  st = lede_run_file(e, c->script, doc, &c->run, NULL, NULL);
  if (st == LEDE_OK && out && (fflush(out) != 0 || ferror(out))) st = LEDE_EIO;
  if (st == LEDE_OK && !out && fflush(stdout) != 0) st = LEDE_EIO;
  if (st != LEDE_OK) {
    const char *msg = lede_errmsg(e);
    if (st == LEDE_ESCRIPT) fprintf(stderr, "%s\n", msg);
    else fprintf(stderr, "lede: %s\n", *msg ? msg : lede_strerror(st));
    rc = exit_for(st);
  }
  if (out) {
    int closed = fclose(out);
    out = NULL;
    if (rc == 0 && closed != 0) {
      fprintf(stderr, "lede: cannot write '%s': %s\n", c->output, strerror(errno));
      rc = EXIT_SCRIPT;
    }
    if (rc == 0 && rename(tmp, c->output) != 0) {
      fprintf(stderr, "lede: cannot replace '%s': %s\n", c->output, strerror(errno));
      rc = EXIT_SCRIPT;
    }
    if (rc != 0) unlink(tmp);
  }
done:
  if (out) fclose(out);
  free(tmp);
  free(found);
  lede_doc_free(doc);
  lede_engine_free(e);
  return rc;
}

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
    printf("%.*s\n", (int)(p + len - q), q);
    p = eol ? eol + 1 : p + len;
  }
  printf("\nCommon options (-o, --from, --to, -D, limits): see 'lede --help'.\n");
}

int main(int argc, char **argv) {
  cli c;
  memset(&c, 0, sizeof c);
  lede_options_init(&c.opt);
  /* First pass: the command, so a script's declared options are known. */
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--version") == 0) {
      printf("lede %s\n", lede_version_string());
      return 0;
    }
    if (a[0] == '-' && a[1] != '\0') {
      if (global_takes_value(a)) i++;
      continue;
    }
    c.command = a;
    break;
  }
  if (!c.command) {
    for (int i = 1; i < argc; i++)
      if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
        fputs(usage_text, stdout);
        return 0;
      }
    fputs(usage_text, stderr);
    return EXIT_USAGE;
  }
  int is_run = strcmp(c.command, "run") == 0;
  int is_scripts = strcmp(c.command, "scripts") == 0;
  char *script_path = NULL;
  if (!is_run && !is_scripts && strcmp(c.command, "help") != 0) {
    lede_engine *probe;
    if (lede_engine_new(NULL, &probe) == LEDE_OK) {
      if (lede_find_script(probe, c.command, &script_path) == LEDE_OK) {
        char header[8192];
        read_header(script_path, header, sizeof header);
        parse_declared(&c, header);
      }
      lede_engine_free(probe);
    }
  }
  if (strcmp(c.command, "help") == 0) {
    fputs(usage_text, stdout);
    return 0;
  }
  int seen_command = 0, npos = 0;
  const char *pos[3] = {NULL, NULL, NULL};
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (a[0] == '-' && a[1] != '\0') {
      if (strcmp(a, "--") == 0) { /* everything after is positional */
        for (i++; i < argc; i++) {
          if (npos == 3) { free(script_path); return usage_error("unexpected argument '%s'", argv[i]); }
          pos[npos++] = argv[i];
        }
        break;
      }
      if (strncmp(a, "-D", 2) == 0 && a[2]) {
        if (add_define(&c, a + 2)) { free(script_path); return EXIT_USAGE; }
        continue;
      }
      /* A script's declared option wins over a global one of the same
       * name only for names the CLI does not own. */
      if (global_takes_value(a)) {
        if (i + 1 >= argc) { free(script_path); return usage_error("option '%s' needs a value", a); }
        int r = parse_global(&c, a, argv[++i]);
        if (r) { free(script_path); return r; }
        continue;
      }
      int f = parse_flag(&c, a);
      if (f < 0) { free(script_path); return EXIT_USAGE; }
      if (f) continue;
      if (a[1] == '-' && !is_run && !is_scripts) {
        int r = parse_script_option(&c, argc, argv, &i);
        if (r) { free(script_path); return r; }
        continue;
      }
      free(script_path);
      return usage_error("unknown option '%s'", a);
    }
    if (!seen_command) {
      seen_command = 1;
      continue;
    }
    if (npos == 3) { free(script_path); return usage_error("unexpected argument '%s'", a); }
    pos[npos++] = a;
  }
  if (c.help) {
    if (script_path) print_script_help(c.command, script_path);
    else fputs(usage_text, stdout);
    free(script_path);
    return 0;
  }
  if (is_run) {
    if (npos < 1) { free(script_path); return usage_error("run needs a SCRIPT%s", ""); }
    if (npos > 2) { free(script_path); return usage_error("unexpected argument '%s'", pos[2]); }
    c.script = pos[0];
    c.input = pos[1];
  } else if (is_scripts) {
    if (npos > 0) { free(script_path); return usage_error("unexpected argument '%s'", pos[0]); }
  } else {
    if (npos > 1) { free(script_path); return usage_error("unexpected argument '%s'", pos[1]); }
    c.input = pos[0];
    c.script = script_path;
  }
  int rc = run_cli(&c);
  free(script_path);
  return rc;
}
