/* cli_types.c -- `lede types [DIR]`: the LuaLS annotations of the lede API,
 * copied where an editor finds them, with a .luarc.json pointing at them. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lede.h"
#include "cli_tools.h"

#define TYPES_SUBDIR ".lede/types"

/* The sandbox has no io, debug or package: the editor should not offer
 * them either.  A trusted script's author can delete those lines. */
static const char luarc[] =
    "{\n"
    "  \"runtime.version\": \"Lua 5.4\",\n"
    "  \"runtime.builtin\": {\"io\": \"disable\", \"debug\": \"disable\", \"package\": \"disable\"},\n"
    "  \"workspace.library\": [\"" TYPES_SUBDIR "\"]\n"
    "}\n";

/* Temp file in the same directory, renamed over path: an editor never
 * reads half a file, and a failure leaves the old one. */
static int write_atomic(const char *path, const char *data, size_t len) {
  char tmp[4200];
  if ((size_t)snprintf(tmp, sizeof tmp, "%s.XXXXXX", path) >= sizeof tmp) {
    errno = ENAMETOOLONG;
    return -1;
  }
  int fd = mkstemp(tmp);
  if (fd < 0) return -1;
  mode_t mask = umask(0);
  umask(mask);
  fchmod(fd, 0666 & ~mask);
  FILE *f = fdopen(fd, "wb");
  if (!f) { close(fd); unlink(tmp); return -1; }
  int bad = fwrite(data, 1, len, f) != len;
  bad |= fclose(f) != 0;
  if (bad || rename(tmp, path) != 0) {
    int saved = errno;
    unlink(tmp);
    errno = saved;
    return -1;
  }
  return 0;
}

static int mkdir_one(const char *path) {
  return mkdir(path, 0777) != 0 && errno != EEXIST ? -1 : 0;
}

int tool_types(const char *prog, int nargs, char **args) {
  (void)prog;
  const char *dir = ".";
  for (int i = 0; i < nargs; i++) {
    if (strcmp(args[i], "--help") == 0 || strcmp(args[i], "-h") == 0) {
      printf("usage: lede types [DIR]\n"
             "Writes the LuaLS type annotations of the lede API to DIR/" TYPES_SUBDIR "/lede.lua\n"
             "and, unless one exists, DIR/.luarc.json pointing at them (DIR: default '.').\n");
      return 0;
    }
    if (args[i][0] == '-' || i > 0) {
      fprintf(stderr, "lede types: unexpected argument '%s'\nusage: lede types [DIR]\n", args[i]);
      return 2;
    }
    dir = args[i];
  }
  struct stat st;
  if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
    fprintf(stderr, "lede types: '%s' is not a directory\n", dir);
    return 1;
  }
  lede_engine *e;
  char *src = NULL;
  if (lede_engine_new(NULL, &e) != LEDE_OK) return 1;
  /* Installed with the scripts, as types/lede.lua: found like a module. */
  if (lede_find_script(e, "types.lede", &src) != LEDE_OK) {
    fprintf(stderr, "lede types: the annotations (types/lede.lua) are not installed with the scripts\n");
    lede_engine_free(e);
    return 1;
  }
  lede_engine_free(e);
  size_t len;
  char *text = tool_read_file(src, &len);
  if (!text) {
    fprintf(stderr, "lede types: cannot read '%s': %s\n", src, strerror(errno));
    lede_free(src);
    return 1;
  }
  lede_free(src);
  char path[4096];
  snprintf(path, sizeof path, "%s/.lede", dir);
  int rc = 0;
  if (mkdir_one(path) != 0 || (snprintf(path, sizeof path, "%s/" TYPES_SUBDIR, dir), mkdir_one(path)) != 0) {
    fprintf(stderr, "lede types: cannot create '%s': %s\n", path, strerror(errno));
    free(text);
    return 1;
  }
  snprintf(path, sizeof path, "%s/" TYPES_SUBDIR "/lede.lua", dir);
  if (write_atomic(path, text, len) != 0) {
    fprintf(stderr, "lede types: cannot write '%s': %s\n", path, strerror(errno));
    free(text);
    return 1;
  }
  free(text);
  printf("wrote %s\n", path);
  snprintf(path, sizeof path, "%s/.luarc.json", dir);
  if (access(path, F_OK) == 0) {
    /* It is the user's: never rewritten.  Say what it needs instead. */
    size_t n;
    char *old = tool_read_file(path, &n);
    int has = old && strstr(old, TYPES_SUBDIR) != NULL;
    free(old);
    if (has) printf("%s already points at " TYPES_SUBDIR "\n", path);
    else printf("%s exists and was left as it is; add \"" TYPES_SUBDIR
                "\" to its \"workspace.library\" list\n", path);
  } else if (write_atomic(path, luarc, sizeof luarc - 1) != 0) {
    fprintf(stderr, "lede types: cannot write '%s': %s\n", path, strerror(errno));
    rc = 1;
  } else {
    printf("wrote %s\n", path);
  }
  return rc;
}
