/* luacopy.c -- fresh copies of tables made once per Lua state.  See
 * luacopy.h. */
#include "luacopy.h"

#include <lauxlib.h>

int luacopy_count(lua_State *L, int idx) {
  idx = lua_absindex(L, idx);
  int n = 0;
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    lua_pop(L, 1);
    n++;
  }
  return n;
}

void luacopy_table(lua_State *L, int src, int n) {
  src = lua_absindex(L, src);
  lua_createtable(L, 0, n);
  lua_pushnil(L);
  while (lua_next(L, src)) { /* [.. t k v] */
    lua_pushvalue(L, -2);
    lua_insert(L, -2);       /* [.. t k k v] */
    lua_rawset(L, -4);       /* [.. t k] */
  }
}

void luacopy_cached(lua_State *L, const void *key, void (*build)(lua_State *L)) {
  /* The registry holds {table, number of fields}. */
  if (lua_rawgetp(L, LUA_REGISTRYINDEX, key) != LUA_TTABLE) { /* [.. x] */
    lua_pop(L, 1);
    lua_createtable(L, 2, 0); /* [.. entry] */
    build(L);                 /* [.. entry t] */
    lua_pushinteger(L, luacopy_count(L, -1));
    lua_rawseti(L, -3, 2);
    lua_rawseti(L, -2, 1);
    lua_pushvalue(L, -1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, key); /* [.. entry] */
  }
  lua_rawgeti(L, -1, 1);
  lua_rawgeti(L, -2, 2);                    /* [.. entry t n] */
  luacopy_table(L, -2, (int)lua_tointeger(L, -1)); /* [.. entry t n copy] */
  lua_replace(L, -4);
  lua_pop(L, 2);                            /* [.. copy] */
}
