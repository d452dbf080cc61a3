/* cli_new.c -- `lede new NAME [--user]`: a commented starter script that
 * runs as it is, so a first script starts from something that works. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lede.h"
#include "cli_tools.h"
#include "userdir.h"

/* %1$s is the script's name.  The header block is what `lede scripts`
 * and `lede NAME --help` show; its option lines declare the options. */
static const char starter[] =
    "-- %s: the first sentences of a document, numbered\n"
    "--\n"
    "-- Options (a script that declares options rejects any others):\n"
    "--   --top N     how many sentences to print (default 3)\n"
    "--   --upper     print them in capitals\n"
    "--\n"
    "-- The block above is the script's help: its first line is what\n"
    "-- `lede scripts` lists, and the option lines are parsed by lede.\n"
    "\n"
    "-- A script is called with the loaded document and its options, as\n"
    "-- strings (a flag is \"true\"); `lede types` sets up editor completion.\n"
    "---@type lede.Document, lede.Args\n"
    "local doc, args = ...\n"
    "\n"
    "local top = tonumber(args.top or \"3\")\n"
    "if not top then error(\"--top needs a number, got '\" .. args.top .. \"'\") end\n"
    "\n"
    "for i, s in ipairs(doc.sentences) do\n"
    "  if i > top then break end\n"
    "  local text = lede.squish(s.text) -- one line, even if the source wrapped\n"
    "  if args.upper then text = text:upper() end\n"
    "  lede.write(i, \". \", text, \"\\n\")\n"
    "end\n"
    "\n"
    "-- Output: what lede.write wrote.  Return a string to print that instead,\n"
    "-- or `return doc` (after editing it) to print the edited document.\n";

/* Names become file names and commands: letters, digits, '_' and '-'. */
static int valid_name(const char *s) {
  if (!*s || *s == '-' || strlen(s) > 64) return 0;
  for (; *s; s++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
          (*s >= '0' && *s <= '9') || *s == '_' || *s == '-'))
      return 0;
  return 1;
}

static int is_builtin(const char *name) {
  static const char *const cmds[] = {"run", "scripts", "help", "new", "check",
                                     "types", "repl", NULL};
  for (const char *const *c = cmds; *c; c++)
    if (strcmp(name, *c) == 0) return 1;
  return 0;
}

/* mkdir -p for the user directory. */
static int make_dirs(char *path) {
  for (char *p = path + 1; *p; p++) {
    if (*p != '/') continue;
    *p = '\0';
    int r = mkdir(path, 0777);
    *p = '/';
    if (r != 0 && errno != EEXIST) return -1;
  }
  return mkdir(path, 0777) != 0 && errno != EEXIST ? -1 : 0;
}

/* Writes text to a temporary file and links it in as path, which fails
 * when path exists: an existing script is never replaced, and a failed
 * write leaves nothing behind. */
static int write_new(const char *path, const char *text) {
  char tmp[4300];
  snprintf(tmp, sizeof tmp, "%s.XXXXXX", path);
  int fd = mkstemp(tmp);
  if (fd < 0) return -1;
  FILE *f = fdopen(fd, "w");
  if (!f) {
    close(fd);
    unlink(tmp);
    return -1;
  }
  mode_t mask = umask(0);
  umask(mask);
  fchmod(fd, 0666 & ~mask);
  int bad = fputs(text, f) == EOF;
  bad |= fclose(f) != 0;
  int saved = 0;
  if (!bad && link(tmp, path) != 0) {
    bad = 1;
    saved = errno;
  }
  unlink(tmp);
  if (saved) errno = saved;
  return bad ? -1 : 0;
}

int tool_new(const char *prog, int nargs, char **args) {
  const char *name = NULL;
  int user = 0;
  for (int i = 0; i < nargs; i++) {
    if (strcmp(args[i], "--user") == 0) user = 1;
    else if (strcmp(args[i], "--help") == 0 || strcmp(args[i], "-h") == 0) {
      printf("usage: lede new NAME [--user]\n"
             "Writes a commented starter script NAME.lua in the current directory\n"
             "(with --user: in your script directory, so `lede NAME FILE` runs it).\n");
      return 0;
    } else if (args[i][0] == '-' || name) {
      fprintf(stderr, "lede new: unexpected argument '%s'\nusage: lede new NAME [--user]\n",
              args[i]);
      return 2;
    } else name = args[i];
  }
  if (!name) {
    fprintf(stderr, "lede new: missing NAME\nusage: lede new NAME [--user]\n");
    return 2;
  }
  size_t nl = strlen(name);
  if (nl > 4 && strcmp(name + nl - 4, ".lua") == 0) nl -= 4; /* `lede new x.lua` */
  char base[80];
  snprintf(base, sizeof base, "%.*s", (int)nl, name);
  if (!valid_name(base)) {
    fprintf(stderr, "lede new: '%s' is not a script name (letters, digits, '_' and '-')\n", name);
    return 2;
  }
  char dir[4096] = ".";
  if (user) {
    if (is_builtin(base)) {
      fprintf(stderr, "lede new: '%s' is a lede command; choose another name\n", base);
      return 2;
    }
    lede_engine *e;
    char *found = NULL;
    if (lede_engine_new(NULL, &e) == LEDE_OK) {
      if (lede_find_script(e, base, &found) != LEDE_OK) found = NULL;
      lede_engine_free(e);
    }
    if (found) {
      fprintf(stderr, "lede new: `lede %s` already runs %s; choose another name\n", base, found);
      lede_free(found);
      return 1;
    }
    if (user_script_dir(dir, sizeof dir) != 0) {
      fprintf(stderr, "lede new: cannot find your script directory (HOME is not set)\n");
      return 1;
    }
    if (make_dirs(dir) != 0) {
      fprintf(stderr, "lede new: cannot create '%s': %s\n", dir, strerror(errno));
      return 1;
    }
  }
  char path[4200], text[sizeof starter + 256];
  snprintf(path, sizeof path, "%s/%s.lua", dir, base);
  const char *shown = user ? path : path + 2; /* "NAME.lua", not "./NAME.lua" */
  snprintf(text, sizeof text, starter, base);
  if (write_new(path, text) != 0) {
    if (errno == EEXIST)
      fprintf(stderr, "lede new: %s already exists; it was left as it is\n", shown);
    else fprintf(stderr, "lede new: cannot write '%s': %s\n", shown, strerror(errno));
    return 1;
  }
  printf("wrote %s\n", shown);
  if (user)
    printf("run it:    %s %s FILE\n"
           "options:   %s %s --top 5 --upper FILE\n"
           "help:      %s %s --help\n",
           prog, base, prog, base, prog, base);
  else
    printf("run it:    %s run %s FILE\n"
           "options:   %s run %s -D top=5 -D upper=true FILE\n"
           "check it:  %s check %s\n",
           prog, shown, prog, shown, prog, shown);
  return 0;
}
