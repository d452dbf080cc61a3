/* userdir.h -- the per-user script directory.  Internal. */
#ifndef LEDE_USERDIR_H
#define LEDE_USERDIR_H

#include <stddef.h>

/* Writes the user's own script directory into buf (NUL-terminated):
 * $XDG_DATA_HOME/lede/scripts, else $HOME/.local/share/lede/scripts.
 * `lede NAME` searches it after the bundled scripts and before LEDE_PATH,
 * and `lede new --user` writes there.  Returns 0, or -1 when neither
 * variable is set (to an absolute path) or buf is too small. */
int user_script_dir(char *buf, size_t cap);

#endif
