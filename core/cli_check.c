/* cli_check.c -- `lede check SCRIPT...`: compile without running and lint.
 *
 * The checks are Lua (scripts/lib/lede_check.lua), run in the sandbox like
 * any script, with the script's text as the document and the LuaLS
 * annotations (types/lede.lua) as the list of what lede objects have. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lede.h"
#include "cli_tools.h"

static const char driver[] =
    "local doc, args = ...\n"
    "local found = require('lede_check').check(doc.source, args.file, args.types)\n"
    "for _, d in ipairs(found) do\n"
    "  lede.write(d.kind, '\\t', d.line, '\\t', d.col or 0, '\\t', d.msg, '\\n')\n"
    "end\n";

/* The annotation file's text, or NULL (no field checks then). OWNED. */
static char *read_annotations(lede_engine *e) {
  char *path = NULL;
  if (lede_find_script(e, "types.lede", &path) != LEDE_OK) return NULL;
  size_t n;
  char *text = tool_read_file(path, &n);
  lede_free(path);
  return text;
}

/* Prints the checker's lines "kind\tline\tcol\tmessage" as diagnostics;
 * counts errors and warnings. */
static void print_findings(const char *file, char *out, int *errors, int *warnings) {
  for (char *p = out, *eol; p && *p; p = eol ? eol + 1 : NULL) {
    eol = strchr(p, '\n');
    if (eol) *eol = '\0';
    char *kind = p, *line = strchr(kind, '\t');
    char *col = line ? strchr(line + 1, '\t') : NULL;
    char *msg = col ? strchr(col + 1, '\t') : NULL;
    if (!msg) continue;
    *line++ = *col++ = *msg++ = '\0';
    if (strcmp(kind, "error") == 0) {
      printf("%s:%s: %s\n", file, line, msg);
      ++*errors;
    } else {
      printf("%s:%s:%s: warning: %s\n", file, line, col, msg);
      ++*warnings;
    }
  }
}

int tool_check(const char *prog, int nargs, char **args) {
  (void)prog;
  int nfiles = 0;
  for (int i = 0; i < nargs; i++) {
    if (strcmp(args[i], "--help") == 0 || strcmp(args[i], "-h") == 0) {
      printf("usage: lede check SCRIPT...\n"
             "Compiles each script without running it and reports syntax errors\n"
             "(file:line: message), unknown globals and fields that lede's objects\n"
             "do not have (file:line:col: warning: ...).  Exit status: 1 when a\n"
             "script does not compile, else 0 (warnings too).\n");
      return 0;
    }
    if (args[i][0] == '-' && args[i][1]) {
      fprintf(stderr, "lede check: unknown option '%s'\nusage: lede check SCRIPT...\n", args[i]);
      return 2;
    }
    nfiles++;
  }
  if (!nfiles) {
    fprintf(stderr, "lede check: no script given\nusage: lede check SCRIPT...\n");
    return 2;
  }
  lede_engine *e;
  if (lede_engine_new(NULL, &e) != LEDE_OK) return 1;
  char *types = read_annotations(e);
  int errors = 0, warnings = 0, failed = 0;
  for (int i = 0; i < nargs; i++) {
    const char *file = args[i];
    lede_doc *doc = NULL;
    lede_load_options lo = {.format = LEDE_FORMAT_TEXT, .paragraphs = LEDE_PARAS_LINE};
    if (lede_doc_load_file(e, file, &lo, &doc) != LEDE_OK) {
      fprintf(stderr, "lede check: %s\n", lede_errmsg(e));
      failed = 1;
      continue;
    }
    lede_arg a[2] = {{"file", file}, {"types", types ? types : ""}};
    lede_run_options ro = {.args = a, .nargs = 2};
    char *out = NULL;
    size_t outlen;
    lede_status st = lede_run_string(e, "lede-check", driver, sizeof driver - 1, doc, &ro,
                                     &out, &outlen);
    lede_doc_free(doc);
    if (st != LEDE_OK) {
      fprintf(stderr, "lede check: %s: the checker failed: %s\n", file, lede_errmsg(e));
      failed = 1;
      continue;
    }
    print_findings(file, out, &errors, &warnings);
    lede_free(out);
  }
  free(types);
  lede_engine_free(e);
  fflush(stdout); /* the summary comes after the findings on a terminal */
  if (errors || warnings || failed)
    fprintf(stderr, "%d error%s, %d warning%s\n", errors, errors == 1 ? "" : "s", warnings,
            warnings == 1 ? "" : "s");
  return errors || failed ? 1 : 0;
}
