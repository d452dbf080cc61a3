/* tools.c -- dispatch of the script-author commands (new, check, types,
 * repl), kept out of cli.c so the two can change apart. */
#include <string.h>

#include "tools.h"

int tool_dispatch(const char *prog, const char *cmd, int argc, char **argv, int at) {
  static const struct {
    const char *name;
    int (*fn)(const char *, int, char **);
  } tools[] = {{"new", tool_new}};
  for (size_t t = 0; t < sizeof tools / sizeof tools[0]; t++) {
    if (strcmp(cmd, tools[t].name) != 0) continue;
    /* The command word goes; options before it stay, in order. */
    for (int i = at; i + 1 < argc; i++) argv[i] = argv[i + 1];
    return tools[t].fn(prog, argc - 2, argv + 1);
  }
  return -1;
}
