/* lua_bulk.h -- whole-document output helpers of the `lede` module, for
 * scripts whose cost is per-sentence string work (lede sentences): the
 * loop runs in C and writes straight to the run's output.  Internal. */
#ifndef LEDE_LUA_BULK_H
#define LEDE_LUA_BULK_H

#include <lua.h>

/* lede.write_sentences(doc [, "lines" | "json"]): see lua_bulk.c. */
int lbulk_write_sentences(lua_State *L);

#endif
