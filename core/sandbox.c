/* sandbox.c -- the Lua state a script runs in: a counting allocator, a
 * sticky instruction/time hook, and an allow-listed environment.
 *
 * The model is Redis' scripting sandbox: an explicit allow-list of
 * globals, no bytecode, a count hook that re-arms itself so `pcall` cannot
 * swallow a kill.  Each run gets a fresh environment: its globals, and
 * copies of every library table, so nothing a script changes (globals,
 * library tables, what the string metatable finds) outlives it, even
 * when the state serves the next run too (run.c). */
#include "sandbox.h"

#include <lauxlib.h>
#include <limits.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "lua_lede.h"
#include "luacopy.h"
#include "luactx.h"
#include "sandbox_lib.h"

#define STEP 1000      /* instructions between count-hook calls */
#define CALL_STEP 256  /* function calls between limit checks */
#define ALLOC_STEP 256 /* growing allocations between time checks */
#define HIT_SLACK ((size_t)64 << 10) /* room to report a limit, see below */

/* The mask every run uses.  Calls are hooked as well as instructions
 * because C functions run no instructions: table.sort with a C function
 * as __index (say rawlen) or __lt would otherwise loop unseen, calling
 * metamethods millions of times.  Each call, Lua or C, costs one step. */
#define HOOK_MASK (LUA_MASKCOUNT | LUA_MASKCALL)

static lede_engine *engine_of(lua_State *L) {
  void *ud;
  lua_getallocf(L, &ud); /* the engine: no globals */
  return ud;
}

/* Once a limit is hit, every thread that runs the hook fires at its very
 * next instruction or call, in whatever pcall or coroutine the script
 * tries to hide in; new coroutines inherit the hook of their creator. */
static void arm_sticky(lua_State *L) { lua_sethook(L, sandbox_hook, HOOK_MASK, 1); }

void sandbox_arm(lua_State *L) { lua_sethook(L, sandbox_hook, HOOK_MASK, STEP); }

void sandbox_stop(lua_State *L) { arm_sticky(L); }

void *sandbox_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
  lede_engine *e = ud;
  if (ptr == NULL) osize = 0; /* osize is a type tag then */
  if (nsize == 0) {
    free(ptr);
    budget_credit(&e->budget, osize);
    return NULL;
  }
  if (nsize > osize) {
    size_t grow = nsize - osize;
    if (!e->budget.hit) {
      /* C functions that only allocate (string.rep, table.concat) run no
       * hook: the allocator polls the clock for them, now and then. */
      if (++e->allocs >= ALLOC_STEP) {
        e->allocs = 0;
        budget_poll(&e->budget); /* time or interrupt */
      }
      if (!e->budget.hit) budget_charge(&e->budget, grow); /* may hit memory */
      if (e->budget.hit) {
        /* This allocation fails, which stops the C function that asked
         * for it, and the hook (re-armed by the budget's on_stop) fires
         * at once in the Lua code after it. */
        e->hit_ceiling = e->budget.used + HIT_SLACK;
        return NULL;
      }
    } else {
      /* A stopped run still needs a little memory to raise its error
       * (a CallInfo for the message handler, the message, the
       * traceback): up to HIT_SLACK past the usage when the limit was
       * hit, whoever hit it.  Beyond that every growth fails, so even a
       * script that catches the error cannot allocate its way on. */
      if (!e->hit_ceiling) e->hit_ceiling = e->budget.used + HIT_SLACK;
      if (e->budget.used >= e->hit_ceiling || grow > e->hit_ceiling - e->budget.used)
        return NULL;
      e->budget.used += grow;
    }
  }
  void *p = realloc(ptr, nsize);
  if (!p) {
    if (nsize > osize) budget_credit(&e->budget, nsize - osize);
    return NULL;
  }
  if (nsize < osize) budget_credit(&e->budget, osize - nsize);
  return p;
}

void sandbox_hook(lua_State *L, lua_Debug *ar) {
  lede_engine *e = engine_of(L);
  int call = ar->event != LUA_HOOKCOUNT;
  if (!e->budget.hit) {
    unsigned long n = STEP;
    if (call) {
      if (++e->calls < CALL_STEP) return;
      e->calls = 0;
      n = CALL_STEP;
    }
    if (!budget_spend(&e->budget, n)) return;
  } else if (call && lua_getinfo(L, "f", ar) &&
             lua_tocfunction(L, -1) == sandbox_msghandler) {
    /* Our message handler is being called for the error that stops the
     * run: let it write the traceback (it calls nothing the script
     * controls once a limit is hit). */
    lua_pop(L, 1);
    return;
  }
  /* Level 0 is the interrupted Lua function; a call hook runs before the
   * callee starts, so the position is its caller's. */
  arm_sticky(L);
  luactx_raise_limit(L, e->budget.hit, call ? 1 : 0);
}

/* ---- the environment ---------------------------------------------------- */

int sandbox_print_line(lua_State *L) {
  int n = lua_gettop(L);
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  for (int i = 1; i <= n; i++) {
    if (i > 1) luaL_addchar(&b, '\t');
    luaL_tolstring(L, i, NULL);
    luaL_addvalue(&b);
  }
  luaL_addchar(&b, '\n');
  luaL_pushresult(&b);
  return 1;
}

/* print to stderr: standard output belongs to the document output. */
static int sb_print(lua_State *L) {
  sandbox_print_line(L);
  size_t len;
  const char *s = lua_tolstring(L, -1, &len);
  fwrite(s, 1, len, stderr);
  return 0;
}

/* load() of text only, in the sandbox environment unless one is given. */
static int sb_load(lua_State *L) {
  int top = lua_gettop(L);
  lua_pushvalue(L, lua_upvalueindex(1));     /* [.. load] */
  lua_pushvalue(L, 1);                        /* chunk */
  if (top >= 2) lua_pushvalue(L, 2); else lua_pushnil(L);
  lua_pushliteral(L, "t");                    /* never bytecode */
  if (top >= 4) lua_pushvalue(L, 4);
  else lua_pushvalue(L, lua_upvalueindex(2)); /* the sandbox env */
  lua_call(L, 4, 2);
  return 2;
}

/* setmetatable() that refuses finalizers: a __gc runs with hooks off,
 * during collection or lua_close, where no limit could stop a loop. */
static int sb_setmetatable(lua_State *L) {
  /* Checked here, so messages carry the script's line. */
  luaL_checktype(L, 1, LUA_TTABLE);
  luaL_argexpected(L, lua_isnoneornil(L, 2) || lua_istable(L, 2), 2, "nil or table");
  /* Raw, as lgc.c looks it up: any non-nil __gc (even false) marks the
   * object for finalization, and the field could be set to a function
   * afterwards. */
  if (lua_istable(L, 2) && lua_getfield(L, 2, "__gc") != LUA_TNIL &&
      (lua_pop(L, 1), lua_pushliteral(L, "__gc"), lua_rawget(L, 2) != LUA_TNIL))
    return luaL_error(L, "__gc metamethods are not allowed in the sandbox");
  lua_settop(L, 2);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, 2, 1);
  return 1;
}

/* collectgarbage() without "stop" and the tuning options. */
static int sb_collectgarbage(lua_State *L) {
  static const char *const ok[] = {"collect", "count", "step", "isrunning", NULL};
  luaL_checkoption(L, 1, "collect", ok);
  int top = lua_gettop(L);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, top, LUA_MULTRET);
  return lua_gettop(L);
}

/* require(name): the lede module, bundled modules and plain Lua files on
 * the script path; never C modules.  Upvalues: env, loaded table. */
static int sb_require(lua_State *L) {
  const char *name = luaL_checkstring(L, 1);
  lua_settop(L, 1);
  if (lua_getfield(L, lua_upvalueindex(2), name) != LUA_TNIL) return 1;
  lua_pop(L, 1);
  luactx *ctx = luactx_get(L);
  char *path = ctx->engine ? engine_find_file(ctx->engine, name, 1) : NULL;
  if (!path) return luaL_error(L, "module '%s' not found on the script path", name);
  lua_pushstring(L, path); /* [name path]: copied before anything can raise */
  free(path);
  if (luaL_loadfilex(L, lua_tostring(L, 2), "t") != LUA_OK) return lua_error(L);
  lua_pushvalue(L, lua_upvalueindex(1));          /* [name path f env] */
  if (!lua_setupvalue(L, -2, 1)) lua_pop(L, 1);   /* _ENV of the chunk */
  lua_pushvalue(L, 1);
  lua_pushvalue(L, 2);
  lua_call(L, 2, 1);                              /* [name path result] */
  if (lua_isnil(L, -1)) {
    lua_pop(L, 1);
    lua_pushboolean(L, 1);
  }
  lua_pushvalue(L, -1);
  lua_setfield(L, lua_upvalueindex(2), name);
  return 1;
}

/* Copies the named fields of the table at src into a new table: [.. t]. */
static void copy_fields(lua_State *L, int src, const char *const *names) {
  src = lua_absindex(L, src);
  lua_newtable(L);
  for (; *names; names++) {
    lua_getfield(L, src, *names);
    lua_setfield(L, -2, *names);
  }
}

/* Its address keys the registry entry holding what every environment
 * copies, made once per state by prime(): an array of pairs
 *   name, the table flattened (luacopy.h)
 * the first for the allow-listed globals (name false), the second for
 * string, then the other libraries (os with its allowed functions only). */
static const char libs_key = 'p';
#define LIBS_STRING 3 /* the index of string's name */

/* Appends name (NULL: false) and the table on top, flattened, to the
 * array at libs, at *i.  [.. t] -> [..] */
static void add_lib(lua_State *L, int libs, int *i, const char *name) {
  if (name) lua_pushstring(L, name);
  else lua_pushboolean(L, 0);
  lua_rawseti(L, libs, (*i)++);
  luacopy_flatten(L, -1);
  lua_rawseti(L, libs, (*i)++);
  lua_pop(L, 1);
}

/* Opens the standard libraries once per state, into the real globals,
 * which no sandboxed script ever reaches: every environment made later
 * copies its library tables from them (see sandbox_env). */
static void prime(lua_State *L) {
  static const struct { const char *name; lua_CFunction open; } libs[] = {
      {LUA_GNAME, luaopen_base},         {LUA_STRLIBNAME, luaopen_string},
      {LUA_TABLIBNAME, luaopen_table},   {LUA_MATHLIBNAME, luaopen_math},
      {LUA_UTF8LIBNAME, luaopen_utf8},   {LUA_COLIBNAME, luaopen_coroutine},
      {LUA_OSLIBNAME, luaopen_os}};
  for (size_t i = 0; i < sizeof libs / sizeof libs[0]; i++) {
    luaL_requiref(L, libs[i].name, libs[i].open, 1);
    lua_pop(L, 1);
  }
  lua_pushglobaltable(L); /* [.. G] */
  /* string.dump goes, and the budgeted matcher comes in, in the real
   * table: every copy and the string metatable start from it. */
  lua_getfield(L, -1, "string");
  lua_pushnil(L);
  lua_setfield(L, -2, "dump");
  lua_getfield(L, -2, "table"); /* [.. G string table] */
  sandbox_guard_libs(L, -2, -1);
  lua_pop(L, 3);
  /* The string metatable answers getmetatable("") with a plain string, so
   * scripts cannot reach or change it. */
  lua_pushliteral(L, "");
  lua_getmetatable(L, -1);
  lua_pushliteral(L, "locked");
  lua_setfield(L, -2, "__metatable");
  lua_pop(L, 2);

  lua_pushglobaltable(L);
  int G = lua_gettop(L);
  lua_createtable(L, 24, 0); /* [.. G copied] */
  int copied = G + 1, i = 1;
  static const char *const base[] = {"assert", "error", "ipairs", "next", "pairs",
                                     "pcall", "xpcall", "select", "tonumber",
                                     "tostring", "type", "rawequal", "rawget",
                                     "rawlen", "rawset", "getmetatable",
                                     "_VERSION", NULL};
  copy_fields(L, G, base); /* [.. G copied base] */
  /* Functions whose upvalues are the originals, which no script can
   * change: made once, shared by every environment. */
  lua_pushcfunction(L, sb_print);
  lua_setfield(L, -2, "print");
  lua_getfield(L, G, "setmetatable");
  lua_pushcclosure(L, sb_setmetatable, 1);
  lua_setfield(L, -2, "setmetatable");
  lua_getfield(L, G, "collectgarbage");
  lua_pushcclosure(L, sb_collectgarbage, 1);
  lua_setfield(L, -2, "collectgarbage");
  add_lib(L, copied, &i, NULL);
  static const char *const plain[] = {"string", "table", "math", "utf8", "coroutine", NULL};
  for (const char *const *n = plain; *n; n++) {
    lua_getfield(L, G, *n);
    add_lib(L, copied, &i, *n);
  }
  static const char *const os_ok[] = {"time", "clock", "date", NULL};
  lua_getfield(L, G, "os");
  copy_fields(L, -1, os_ok);
  lua_remove(L, -2);
  add_lib(L, copied, &i, "os");
  lua_rawsetp(L, LUA_REGISTRYINDEX, &libs_key);
  lua_pop(L, 1);
}

int sandbox_env(lua_State *L, int sandboxed) {
  if (sandboxed) {
    /* Before lmod_open: lede's classes are part of what is kept. */
    if (lua_rawgetp(L, LUA_REGISTRYINDEX, &libs_key) == LUA_TNIL) prime(L);
    lua_pop(L, 1);
  }
  lmod_open(L); /* [lede] */
  int lede = lua_gettop(L);
  if (!sandboxed) {
    luaL_openlibs(L);
    /* Limits mean the same with --trusted: the budgeted matcher too. */
    lua_getglobal(L, LUA_STRLIBNAME); /* [lede string] */
    lua_getglobal(L, LUA_TABLIBNAME); /* [lede string table] */
    sandbox_guard_libs(L, -2, -1);
    lua_pop(L, 2);
    lua_pushvalue(L, lede);
    lua_setglobal(L, "lede");
    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
    lua_pushvalue(L, lede);
    lua_setfield(L, -2, "lede");
    lua_pop(L, 1);
    lua_pushglobaltable(L); /* [lede _G] */
    lua_remove(L, lede);
    return 1;
  }
  /* Every table a script can reach is made here, for this environment
   * alone: a state may serve many runs one after the other (run.c), and
   * what one run writes into string, math or lede must not be there for
   * the next.  Functions are shared: a script cannot change them, and
   * the few with state of their own (load, require, lede.redact's) are
   * made anew below or by lmod_open. */
  lua_pushglobaltable(L); /* [lede G] */
  int G = lua_gettop(L);
  lua_rawgetp(L, LUA_REGISTRYINDEX, &libs_key); /* [lede G libs] */
  int libs = G + 1;
  lua_Integer nlibs = (lua_Integer)lua_rawlen(L, libs);
  lua_rawgeti(L, libs, 2);
  luacopy_unflatten(L, -1); /* [lede G libs base env] */
  lua_replace(L, libs);
  lua_pop(L, 1); /* [lede G env] */
  int env = libs;
  lua_rawgetp(L, LUA_REGISTRYINDEX, &libs_key); /* [.. env libs] */
  for (lua_Integer i = LIBS_STRING; i < nlibs; i += 2) {
    lua_rawgeti(L, env + 1, i);     /* [.. name] */
    lua_rawgeti(L, env + 1, i + 1); /* [.. name flat] */
    luacopy_unflatten(L, -1);       /* [.. name flat copy] */
    if (i == LIBS_STRING) {
      /* s:upper() must find what this environment's string.upper is, as
       * with a state of its own: the string metatable's __index is this
       * copy. */
      lua_pushliteral(L, "");
      lua_getmetatable(L, -1); /* [.. copy "" mt] */
      lua_pushvalue(L, -3);
      lua_setfield(L, -2, "__index");
      lua_pop(L, 2);
    }
    lua_remove(L, -2); /* [.. name copy] */
    lua_rawset(L, env);
  }
  lua_pop(L, 1); /* [lede G env] */
  /* The generator's state is the one thing the math functions keep:
   * reseeded as luaopen_math seeds it, so an earlier run's
   * math.randomseed(42) decides nothing here. */
  lua_getfield(L, env, "math");
  lua_getfield(L, -1, "randomseed");
  lua_call(L, 0, 0);
  lua_pop(L, 1);

  lua_getfield(L, G, "load");
  lua_pushvalue(L, env);
  lua_pushcclosure(L, sb_load, 2);
  lua_setfield(L, env, "load");
  lua_pushvalue(L, env);
  lua_newtable(L); /* loaded modules */
  lua_pushvalue(L, lede);
  lua_setfield(L, -2, "lede");
  lua_pushcclosure(L, sb_require, 2);
  lua_setfield(L, env, "require");
  lua_pushvalue(L, lede);
  lua_setfield(L, env, "lede");
  lua_pushvalue(L, env);
  lua_setfield(L, env, "_G");

  /* The real globals are never reachable from the script: leave only the
   * environment on the stack. */
  lua_replace(L, lede); /* [env G] */
  lua_settop(L, lede);  /* [env] */
  return 1;
}

/* The run's message handler: message plus traceback, as lua.c's.  Once a
 * limit stopped the run the message is replaced anyway (run.c), so no
 * __tostring of the script's runs then; otherwise a looping __tostring is
 * stopped by the hook like any other script code. */
int sandbox_msghandler(lua_State *L) {
  lede_engine *e = engine_of(L);
  const char *msg = lua_tostring(L, 1);
  if (msg == NULL) {
    if (!e->budget.hit && luaL_callmeta(L, 1, "__tostring") &&
        lua_type(L, -1) == LUA_TSTRING)
      msg = lua_tostring(L, -1);
    else
      msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
  }
  luaL_traceback(L, L, msg, 1); /* [.. msg traceback] */
  return 1;
}
