/* userdir.c -- where a user's own scripts live, by the XDG base directory
 * convention, so `lede new --user` works without setting LEDE_PATH. */
#include "userdir.h"

#include <stdio.h>
#include <stdlib.h>

int user_script_dir(char *buf, size_t cap) {
  const char *xdg = getenv("XDG_DATA_HOME");
  const char *home = getenv("HOME");
  int n;
  /* The spec says a relative XDG_DATA_HOME is invalid and must be ignored. */
  if (xdg && xdg[0] == '/') n = snprintf(buf, cap, "%s/lede/scripts", xdg);
  else if (home && home[0] == '/') n = snprintf(buf, cap, "%s/.local/share/lede/scripts", home);
  else return -1;
  return n < 0 || (size_t)n >= cap ? -1 : 0;
}
