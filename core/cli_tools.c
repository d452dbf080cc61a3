/* cli_tools.c -- dispatch of the script-author commands (new, check, types,
 * repl), kept out of cli.c so the two can change apart. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_tools.h"

int tool_dispatch(const char *prog, const char *cmd, int argc, char **argv, int at) {
  static const struct {
    const char *name;
    int (*fn)(const char *, int, char **);
  } tools[] = {{"new", tool_new}, {"types", tool_types},
               {"check", tool_check}, {"repl", tool_repl}};
  for (size_t t = 0; t < sizeof tools / sizeof tools[0]; t++) {
    if (strcmp(cmd, tools[t].name) != 0) continue;
    /* The command word goes; options before it stay, in order. */
    for (int i = at; i + 1 < argc; i++) argv[i] = argv[i + 1];
    return tools[t].fn(prog, argc - 2, argv + 1);
  }
  return -1;
}

char *tool_read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  char *p = NULL;
  size_t cap = 0, n = 0, r;
  do {
    if (n == cap) {
      char *q = realloc(p, (cap = cap ? cap * 2 : 1 << 15) + 1);
      if (!q) break;
      p = q;
    }
    r = fread(p + n, 1, cap - n, f);
    n += r;
  } while (r > 0);
  int bad = ferror(f) || n == cap;
  fclose(f);
  if (bad || !p) {
    free(p);
    return NULL;
  }
  p[n] = '\0';
  *len = n;
  return p;
}
