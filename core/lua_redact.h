/* lua_redact.h -- the lede.redact Lua module (lua_redact.c). */
#ifndef LEDE_LUA_REDACT_H
#define LEDE_LUA_REDACT_H

#include <lua.h>

/* Pushes a new lede.redact table: [.. redact].  Its custom recognizers
 * live in an upvalue, so each Lua state has its own. */
int lede_lua_redact(lua_State *L);

#endif
