/* luacopy.c -- fresh copies of tables made once per Lua state.  See
 * luacopy.h. */
#include "luacopy.h"

#include <lauxlib.h>

void luacopy_flatten(lua_State *L, int idx) {
  idx = lua_absindex(L, idx);
  lua_Integer narr = (lua_Integer)lua_rawlen(L, idx), nrec = 0, i = 3;
  lua_newtable(L); /* [.. flat] */
  lua_pushnil(L);
  while (lua_next(L, idx)) { /* [.. flat k v] */
    if (!lua_isinteger(L, -2) || lua_tointeger(L, -2) < 1 || lua_tointeger(L, -2) > narr) nrec++;
    lua_pushvalue(L, -2);
    lua_rawseti(L, -4, i++);
    lua_rawseti(L, -3, i++); /* [.. flat k] */
  }
  lua_pushinteger(L, narr);
  lua_rawseti(L, -2, 1);
  lua_pushinteger(L, nrec);
  lua_rawseti(L, -2, 2);
}

void luacopy_unflatten(lua_State *L, int idx) {
  idx = lua_absindex(L, idx);
  lua_rawgeti(L, idx, 1);
  lua_rawgeti(L, idx, 2);
  int narr = (int)lua_tointeger(L, -2), nrec = (int)lua_tointeger(L, -1);
  lua_pop(L, 2);
  lua_Integer n = (lua_Integer)lua_rawlen(L, idx);
  lua_createtable(L, narr, nrec); /* [.. t] */
  for (lua_Integer i = 3; i < n; i += 2) {
    lua_rawgeti(L, idx, i);
    lua_rawgeti(L, idx, i + 1);
    lua_rawset(L, -3);
  }
}

void luacopy_cached(lua_State *L, const void *key, void (*build)(lua_State *L)) {
  if (lua_rawgetp(L, LUA_REGISTRYINDEX, key) != LUA_TTABLE) { /* [.. x] */
    lua_pop(L, 1);
    lua_createtable(L, 2, 0); /* [.. entry] */
    build(L);                 /* [.. entry t] */
    luacopy_flatten(L, -1);   /* [.. entry t flat] */
    lua_rawseti(L, -3, 2);
    lua_rawseti(L, -2, 1);
    lua_pushvalue(L, -1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, key); /* [.. entry] */
  }
  lua_rawgeti(L, -1, 2);   /* [.. entry flat] */
  luacopy_unflatten(L, -1); /* [.. entry flat copy] */
  /* A metatable the builder set is shared: it must be locked. */
  lua_rawgeti(L, -3, 1);
  if (lua_getmetatable(L, -1)) lua_setmetatable(L, -3);
  lua_pop(L, 1);
  lua_replace(L, -3);
  lua_pop(L, 1);           /* [.. copy] */
}
