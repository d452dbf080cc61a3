/* luacopy.h -- fresh copies of tables that are the same in every run:
 * made once per Lua state, copied for each run.  Internal.
 *
 * A state may serve many runs (run.c), and every run must get tables of
 * its own, so that nothing one run writes into a library table or the
 * lede module is there for the next.  Building such a table field by
 * field costs a lookup of each field's name; copying it from a flat
 * array of its keys and values costs three array reads per field. */
#ifndef LEDE_LUACOPY_H
#define LEDE_LUACOPY_H

#include <lua.h>

/* The table at idx as a flat array {narr, nrec, k1, v1, k2, v2, ...},
 * narr and nrec being the sizes of its array and hash parts: [.. flat]. */
void luacopy_flatten(lua_State *L, int idx);
/* A new table with the fields of the flat array at idx, made at its
 * final size: [.. t].  A shallow copy: what the fields hold is shared, so
 * they must be values no script can change (strings, numbers, C
 * functions whose upvalues are such values). */
void luacopy_unflatten(lua_State *L, int idx);
/* Pushes a copy of the table that build pushes, which is built once per
 * state and kept in the registry under key (the address of a static
 * const of the caller): [.. copy].  The registry entry is {table, flat}:
 * entry[1] is the table built, for a builder that reuses its values.  A
 * metatable the builder gives the table is given to every copy, shared:
 * it must be locked (__metatable), so that no script reaches it. */
void luacopy_cached(lua_State *L, const void *key, void (*build)(lua_State *L));

#endif
