/* lua_lede.h -- the `lede` module table (lua_lede.c).  Internal. */
#ifndef LEDE_LUA_LEDE_H
#define LEDE_LUA_LEDE_H

#include <lua.h>

/* Opens the document classes and pushes the `lede` module table for the
 * context already set on L (luactx_set): [.. lede]. */
int lmod_open(lua_State *L);

#endif
