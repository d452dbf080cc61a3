/* cli_tools.h -- the script-author commands of the `lede` program: new,
 * check, types and repl.  Each takes the command line after its own name
 * (args[0..nargs)) and the name the program was run as (for the hints it
 * prints), and returns the exit status: 0 ok, 1 failure, 2 usage. */
#ifndef LEDE_CLI_TOOLS_H
#define LEDE_CLI_TOOLS_H

#include <stddef.h>

/* Runs cmd when it is one of these commands, with argv[at] its word, and
 * returns its exit status; -1 when cmd is not one of them. */
int tool_dispatch(const char *prog, const char *cmd, int argc, char **argv, int at);

/* The whole file at path, NUL-terminated (*len bytes before the NUL).
 * OWNED: free().  NULL when it cannot be read (errno says why). */
char *tool_read_file(const char *path, size_t *len);

int tool_new(const char *prog, int nargs, char **args);
int tool_check(const char *prog, int nargs, char **args);
int tool_types(const char *prog, int nargs, char **args);
int tool_repl(const char *prog, int nargs, char **args);

#endif
