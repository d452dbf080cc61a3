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
#include "lua_lede.h"

#define CTX_MT "lede.Context"

/* Outside a run, lede.write goes to standard output like io.write. */
static int write_stdout(void *ud, const char *s, size_t n) {
  (void)ud;
  return fwrite(s, 1, n, stdout) != n;
}

static int ctx_gc(lua_State *L) {
  luactx *ctx = luaL_checkudata(L, 1, CTX_MT);
  abbrevs_free(ctx->abbrevs);
  ctx->abbrevs = NULL;
  dbuf_free(&ctx->scratch);
  return 0;
}

/* What lede.run() allocates in C.  It lives in a to-be-closed userdata,
 * so whatever raises -- a bad argument, a memory error while pushing the
 * output -- frees it at once; __gc is the fallback when a host calls us in
 * a way that skips __close.  One idempotent function serves both, as
 * liolib's f_gc does. */
typedef struct run_guard {
  lede_engine *e;
  char *found; /* script path from lede_find_script() */
  char *out;   /* run output */
} run_guard;

#define GUARD_MT "lede.RunGuard"

static int guard_close(lua_State *L) {
  run_guard *g = luaL_checkudata(L, 1, GUARD_MT);
  lede_free(g->out);
  lede_free(g->found);
  lede_engine_free(g->e);
  g->out = g->found = NULL;
  g->e = NULL;
  return 0;
}

/* The run failed: nil and the engine's message (an expected failure, so no
 * error is raised; misuse raises before this point). */
static int run_failed(lua_State *L, run_guard *g) {
  lua_pushnil(L);
  lua_pushstring(L, lede_errmsg(g->e));
  return 2;
}

#define MAX_RUN_ARGS 64

/* lede.run(script, doc [, args]) -> output string, or nil and a message.
 * script is a path (it holds a '/' or ends in ".lua"), or the name of a
 * bundled or user script found as `lede NAME` would find it.  The script
 * runs in a fresh sandboxed engine with the default limits; its edits stay
 * in doc.  args values are converted with tostring(); the caller's table
 * is not modified. */
static int l_run(lua_State *L) {
  const char *script = luaL_checkstring(L, 1);
  lede_doc *doc = ldoc_todoc(L, 2);
  if (!doc) return luaL_argerror(L, 2, "expected an open lede document");
  lede_arg args[MAX_RUN_ARGS];
  size_t nargs = 0;
  lua_settop(L, 3);
  lua_newtable(L); /* [script doc args strs]: anchors converted strings */
  if (!lua_isnil(L, 3)) {
    luaL_checktype(L, 3, LUA_TTABLE);
    lua_pushnil(L); /* [.. strs key] */
    while (lua_next(L, 3)) { /* [.. strs key value] */
      if (nargs == MAX_RUN_ARGS)
        return luaL_error(L, "too many arguments (at most %d)", MAX_RUN_ARGS);
      if (lua_type(L, -2) != LUA_TSTRING) return luaL_error(L, "argument keys must be strings");
      args[nargs].key = lua_tostring(L, -2); /* anchored by args */
      luaL_tolstring(L, -1, NULL);            /* [.. strs key value s] */
      args[nargs].value = lua_tostring(L, -1);
      lua_rawseti(L, 4, (lua_Integer)++nargs); /* [.. strs key value] */
      lua_pop(L, 1);                           /* [.. strs key] */
    }
  }
  run_guard *g = lua_newuserdatauv(L, sizeof *g, 0); /* [.. strs guard] */
  g->e = NULL;
  g->found = g->out = NULL;
  if (luaL_newmetatable(L, GUARD_MT)) {
    lua_pushcfunction(L, guard_close);
    lua_setfield(L, -2, "__close");
    lua_pushcfunction(L, guard_close);
    lua_setfield(L, -2, "__gc");
  }
  lua_setmetatable(L, -2);
  lua_toclose(L, -1); /* closed on return and on error */
  if (lede_engine_new(NULL, &g->e) != LEDE_OK) return luaL_error(L, "not enough memory");
  size_t n = strlen(script);
  int is_path = strchr(script, '/') || (n > 4 && strcmp(script + n - 4, ".lua") == 0);
  if (!is_path && lede_find_script(g->e, script, &g->found) != LEDE_OK)
    return run_failed(L, g);
  lede_run_options ro = {.args = args, .nargs = nargs};
  size_t outlen = 0;
  if (lede_run_file(g->e, g->found ? g->found : script, doc, &ro, &g->out, &outlen) != LEDE_OK)
    return run_failed(L, g);
  lua_pushlstring(L, g->out, outlen); /* may raise: g still owns out */
  return 1;
}

LEDE_API int luaopen_lede(lua_State *L);
LEDE_API int luaopen_lede(lua_State *L) {
  luactx *ctx = lua_newuserdatauv(L, sizeof *ctx, 0); /* [ctx] */
  memset(ctx, 0, sizeof *ctx);
  if (luaL_newmetatable(L, CTX_MT)) {
    lua_pushcfunction(L, ctx_gc);
    lua_setfield(L, -2, "__gc");
  }
  lua_setmetatable(L, -2);
  /* ctx->abbrevs stays NULL (the built-in list) until the first
   * lede.abbreviations.add: documents loaded before then carry no copy. */
  ctx->write = write_stdout;
  dbuf_init(&ctx->scratch, NULL);
  /* The registry keeps the context alive as long as the state. */
  lua_pushvalue(L, -1);
  luaL_ref(L, LUA_REGISTRYINDEX);
  luactx_set(L, ctx);
  lmod_open(L); /* [ctx lede] */
  lua_pushcfunction(L, l_run);
  lua_setfield(L, -2, "run");
  return 1;
}
