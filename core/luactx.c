/* luactx.c -- the bindings' context in the registry, and charging work
 * done in C to the run's budget. */
#include "luactx.h"

#include <lauxlib.h>

static const char ctx_key = 'c'; /* its address keys the registry entry */

void luactx_set(lua_State *L, luactx *ctx) {
  lua_pushlightuserdata(L, ctx);               /* [.. ctx] */
  lua_rawsetp(L, LUA_REGISTRYINDEX, &ctx_key); /* [..] */
}

luactx *luactx_get(lua_State *L) {
  lua_rawgetp(L, LUA_REGISTRYINDEX, &ctx_key); /* [.. ctx] */
  luactx *ctx = lua_touserdata(L, -1);
  lua_pop(L, 1);
  if (!ctx) luaL_error(L, "lede: bindings used without a context");
  return ctx;
}

const seg_abbrevs *luactx_abbrevs(const luactx *ctx) {
  return ctx->abbrevs ? ctx->abbrevs : ctx->base_abbrevs;
}

/* The in-script message; run.c rebuilds the final one with the limit's
 * value, so only the kind matters here. */
int luactx_raise_limit(lua_State *L, limit_kind kind, int level) {
  luaL_where(L, level); /* [.. where] */
  lua_pushstring(L, kind == LIMIT_INSTRUCTIONS ? "script exceeded instruction limit"
                    : kind == LIMIT_TIME       ? "script exceeded time limit"
                    : kind == LIMIT_INTERRUPT  ? "script interrupted"
                                               : "script exceeded memory limit");
  lua_concat(L, 2); /* [.. message] */
  return lua_error(L);
}

void luactx_charge(lua_State *L, run_budget *b, size_t units) {
  limit_kind k = budget_spend(b, units);
  if (k != LIMIT_NONE) luactx_raise_limit(L, k, 1);
}

void luactx_poll(lua_State *L, run_budget *b) {
  limit_kind k = budget_poll(b);
  if (k != LIMIT_NONE) luactx_raise_limit(L, k, 1);
}
