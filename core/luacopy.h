/* luacopy.h -- fresh copies of tables that are the same in every run:
 * made once per Lua state, copied for each run.  Internal.
 *
 * A state may serve many runs (run.c), and every run must get tables of
 * its own, so that nothing one run writes into a library table or the
 * lede module is there for the next.  Building such a table field by
 * field costs a lookup of each field's name; copying one walks it. */
#ifndef LEDE_LUACOPY_H
#define LEDE_LUACOPY_H

#include <lua.h>

/* The number of fields of the table at idx. */
int luacopy_count(lua_State *L, int idx);
/* A new table with every field of the table at src, which has n fields,
 * made at that size: [.. copy].  A shallow copy: what the fields hold is
 * shared, so they must be values no script can change (strings, numbers,
 * C functions whose upvalues are such values). */
void luacopy_table(lua_State *L, int src, int n);
/* Pushes a copy of the table that build pushes, which is built once per
 * state and kept in the registry under key (the address of a static
 * const of the caller): [.. copy]. */
void luacopy_cached(lua_State *L, const void *key, void (*build)(lua_State *L));

#endif
