/* luaopen_lede.c -- `require "lede"` for stock Lua 5.4 hosts.
 *
 * The host owns this Lua state: its allocator, hooks and globals are not
 * ours to change, so no sandbox and no limits apply here.  lede.run() runs
 * a script in a fresh sandboxed engine of its own. */
#include <lauxlib.h>
#include <stdio.h>
#include <string.h>

#include "lede.h"
#include "lua_doc.h"

#define CTX_MT "lede.Context"

/* Outside a run, lede.write goes to standard output like io.write. */
static int write_stdout(void *ud, const char *s, size_t n) {
  (void)ud;
  return fwrite(s, 1, n, stdout) != n;
}

static int ctx_gc(lua_State *L) {
  lede_luactx *ctx = luaL_checkudata(L, 1, CTX_MT);
  abbrevs_free(ctx->abbrevs);
  ctx->abbrevs = NULL;
  dbuf_free(&ctx->scratch);
  return 0;
}

/* lede.run(script, doc [, args]) -> output string, or nil and a message.
 * script is a path, or the name of a bundled/user script. */
static int l_run(lua_State *L) {
  const char *script = luaL_checkstring(L, 1);
  lede_doc *doc = lede_lua_todoc(L, 2);
  if (!doc) return luaL_argerror(L, 2, "expected an open lede document");
  lede_arg args[64];
  size_t nargs = 0;
  if (!lua_isnoneornil(L, 3)) {
    luaL_checktype(L, 3, LUA_TTABLE);
    lua_pushnil(L);
    while (lua_next(L, 3)) {
      if (nargs == 64) return luaL_error(L, "too many arguments (at most 64)");
      if (lua_type(L, -2) != LUA_TSTRING) return luaL_error(L, "argument keys must be strings");
      args[nargs].key = lua_tostring(L, -2);
      args[nargs].value = luaL_tolstring(L, -1, NULL);
      /* Keep the converted value anchored in the table of arguments. */
      lua_pushvalue(L, -3);
      lua_pushvalue(L, -2);
      lua_rawset(L, 3);
      lua_pop(L, 2);
      nargs++;
    }
  }
  lede_engine *e;
  if (lede_engine_new(NULL, &e) != LEDE_OK) return luaL_error(L, "not enough memory");
  char *found = NULL;
  size_t n = strlen(script);
  int is_path = strchr(script, '/') || (n > 4 && strcmp(script + n - 4, ".lua") == 0);
  if (!is_path && lede_find_script(e, script, &found) != LEDE_OK) {
    lua_pushnil(L);
    lua_pushstring(L, lede_errmsg(e));
    lede_engine_free(e);
    return 2;
  }
  lede_run_options ro = {args, nargs, LEDE_FORMAT_AUTO, 0};
  char *out = NULL;
  size_t outlen = 0;
  lede_status st = lede_run_file(e, found ? found : script, doc, &ro, &out, &outlen);
  lede_free(found);
  if (st != LEDE_OK) {
    lua_pushnil(L);
    lua_pushstring(L, lede_errmsg(e));
    lede_engine_free(e);
    return 2;
  }
  lede_engine_free(e);
  /* pushlstring may raise: free the buffer through a to-be-closed slot
   * would be overkill; copy into a Lua buffer first. */
  luaL_Buffer b;
  char *dst = luaL_buffinitsize(L, &b, outlen);
  memcpy(dst, out, outlen);
  lede_free(out);
  luaL_pushresultsize(&b, outlen);
  return 1;
}

LEDE_API int luaopen_lede(lua_State *L);
LEDE_API int luaopen_lede(lua_State *L) {
  lede_luactx *ctx = lua_newuserdatauv(L, sizeof *ctx, 0); /* [ctx] */
  memset(ctx, 0, sizeof *ctx);
  if (luaL_newmetatable(L, CTX_MT)) {
    lua_pushcfunction(L, ctx_gc);
    lua_setfield(L, -2, "__gc");
  }
  lua_setmetatable(L, -2);
  ctx->abbrevs = abbrevs_new();
  if (!ctx->abbrevs) return luaL_error(L, "not enough memory");
  ctx->write = write_stdout;
  dbuf_init(&ctx->scratch, NULL);
  /* The registry keeps the context alive as long as the state. */
  lua_pushvalue(L, -1);
  luaL_ref(L, LUA_REGISTRYINDEX);
  lede_lua_setctx(L, ctx);
  lede_lua_openlib(L); /* [ctx lede] */
  lua_pushcfunction(L, l_run);
  lua_setfield(L, -2, "run");
  return 1;
}
