/* test_sandbox.c -- escape and abuse attempts against the sandbox, every
 * limit with its exact message and status (API and CLI), and hostile
 * documents.  Each attempt must fail cleanly, and the next run on the same
 * engine must work: every test ends with next_run_works().  Nothing here
 * measures time: hang guards are Criterion timeouts far above the
 * expected duration, and outcomes are asserted exactly. */
#include <criterion/criterion.h>
#include <lauxlib.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

TestSuite(sandbox, .timeout = 120);

/* An engine with the given limits (0 = the default / none). */
static lede_engine *engine(size_t mem_mb, unsigned long instructions, double timeout) {
  lede_options o;
  lede_options_init(&o);
  if (mem_mb) o.max_memory = mem_mb << 20;
  o.max_instructions = instructions;
  o.timeout = timeout;
  lede_engine *e = NULL;
  cr_assert_eq(lede_engine_new(&o, &e), LEDE_OK);
  return e;
}

/* Runs code on doc (may be NULL); *out gets the output (OWNED) if out. */
static lede_status run_on(lede_engine *e, lede_doc *doc, const char *code, char **out) {
  size_t n;
  char *o = NULL;
  lede_status st = lede_run_string(e, "abuse.lua", code, strlen(code), doc, NULL, &o, &n);
  if (out) *out = o;
  else free(o);
  return st;
}

/* Asserts that code fails with status st and a message starting with
 * prefix (then the end of the first line) or, for prefix starting with
 * '~', containing the rest anywhere. */
static void fails(lede_engine *e, const char *code, lede_status st, const char *msg) {
  lede_status got = run_on(e, NULL, code, NULL);
  const char *m = lede_errmsg(e);
  cr_assert_eq(got, st, "%s\nstatus %d (%s), wanted %d; message: %s", code, got,
               lede_strerror(got), st, m);
  if (msg[0] == '~') {
    cr_assert(strstr(m, msg + 1), "%s\nmessage: %s\nwanted: %s", code, m, msg + 1);
  } else {
    size_t n = strlen(msg);
    cr_assert(strncmp(m, msg, n) == 0 && (m[n] == '\0' || m[n] == '\n'),
              "%s\nmessage: %s\nwanted first line: %s", code, m, msg);
  }
}

/* Asserts that code succeeds with output want. */
static void gives(lede_engine *e, const char *code, const char *want) {
  char *out = NULL;
  lede_status st = run_on(e, NULL, code, &out);
  cr_assert_eq(st, LEDE_OK, "%s\nfailed: %s", code, lede_errmsg(e));
  cr_assert_str_eq(out, want, "%s", code);
  free(out);
}

/* The engine is usable after whatever happened before. */
static void next_run_works(lede_engine *e) {
  gives(e, "local t = {} for i = 1, 1000 do t[i] = ('x'):rep(10) end "
           "return ('%d %s'):format(#t, ('ok'):upper())", "1000 OK");
  cr_assert_str_eq(lede_errmsg(e), "");
}

#define MEM16 "script exceeded memory limit of 16 MB"
#define INSTR "script exceeded instruction limit of 1000000"
#define TIME "script exceeded time limit of 0.2 seconds"

/* ---- the environment ---------------------------------------------------- */

Test(sandbox, no_os_execute_io_debug_package) {
  lede_engine *e = engine(0, 0, 0);
  fails(e, "os.execute('touch /tmp/lede-pwned')", LEDE_ESCRIPT,
        "abuse.lua:1: attempt to call a nil value (field 'execute')");
  fails(e, "io.popen('id')", LEDE_ESCRIPT, "abuse.lua:1: attempt to index a nil value (global 'io')");
  fails(e, "io.open('/tmp/lede-pwned', 'w'):write('x')", LEDE_ESCRIPT,
        "abuse.lua:1: attempt to index a nil value (global 'io')");
  fails(e, "debug.sethook(print, 'l')", LEDE_ESCRIPT,
        "abuse.lua:1: attempt to index a nil value (global 'debug')");
  fails(e, "return debug.getregistry()", LEDE_ESCRIPT,
        "abuse.lua:1: attempt to index a nil value (global 'debug')");
  fails(e, "package.loadlib('libc.so.6', 'system')", LEDE_ESCRIPT,
        "abuse.lua:1: attempt to index a nil value (global 'package')");
  fails(e, "dofile('/etc/passwd')", LEDE_ESCRIPT,
        "abuse.lua:1: attempt to call a nil value (global 'dofile')");
  fails(e, "loadfile('/etc/passwd')", LEDE_ESCRIPT,
        "abuse.lua:1: attempt to call a nil value (global 'loadfile')");
  fails(e, "os.exit(0)", LEDE_ESCRIPT, "abuse.lua:1: attempt to call a nil value (field 'exit')");
  fails(e, "os.remove('/tmp/x')", LEDE_ESCRIPT,
        "abuse.lua:1: attempt to call a nil value (field 'remove')");
  fails(e, "os.getenv('HOME')", LEDE_ESCRIPT,
        "abuse.lua:1: attempt to call a nil value (field 'getenv')");
  /* load()'s environment is the sandbox's, not the real globals. */
  gives(e, "return tostring(load('return io')()) .. tostring(load('return os.execute')())",
        "nilnil");
  gives(e, "return type(_G) .. tostring(_G.io) .. tostring(rawget(_G, 'debug'))", "tablenilnil");
  gives(e, "return tostring(os.time() > 0) .. type(os.clock()) .. os.date('!%Y', 0)",
        "truenumber1970");
  next_run_works(e);
  lede_engine_free(e);
}

Test(sandbox, require_finds_no_c_module) {
  lede_engine *e = engine(0, 0, 0);
  fails(e, "require('lpeg')", LEDE_ESCRIPT, "abuse.lua:1: module 'lpeg' not found on the script path");
  fails(e, "require('os')", LEDE_ESCRIPT, "abuse.lua:1: module 'os' not found on the script path");
  fails(e, "require('../../etc/passwd')", LEDE_ESCRIPT,
        "abuse.lua:1: module '../../etc/passwd' not found on the script path");
  gives(e, "return tostring(require('lede') == lede)", "true");
  next_run_works(e);
  lede_engine_free(e);
}

/* A host function hands the script real bytecode (string.dump is gone). */
static int bytecode_writer(lua_State *L, const void *p, size_t sz, void *ud) {
  (void)L;
  luaL_addlstring(ud, p, sz);
  return 0;
}
static int host_bytecode(void *ud, int argc, const char *const *argv, const size_t *argl,
                         lede_result *res) {
  (void)ud, (void)argc, (void)argv, (void)argl;
  lua_State *L = luaL_newstate();
  cr_assert_eq(luaL_loadstring(L, "return 'bytecode ran'"), LUA_OK);
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  lua_pushvalue(L, -2);
  lua_dump(L, bytecode_writer, &b, 0);
  lua_pop(L, 1);
  luaL_pushresult(&b);
  size_t n;
  const char *s = lua_tolstring(L, -1, &n);
  lede_result_string(res, s, n);
  lua_close(L);
  return 0;
}

Test(sandbox, no_bytecode) {
  lede_engine *e = engine(0, 0, 0);
  cr_assert_eq(lede_register(e, "bytecode", host_bytecode, NULL), LEDE_OK);
  gives(e, "return tostring(string.dump) .. tostring(('').dump)", "nilnil");
  gives(e, "local f, err = load(lede.host.bytecode()) return err",
        "attempt to load a binary chunk (mode is 't')");
  gives(e, "local f, err = load(lede.host.bytecode(), 'x', 'b') return err",
        "attempt to load a binary chunk (mode is 't')");
  gives(e, "local bc, i = lede.host.bytecode(), 0 "
           "local f, err = load(function() i = i + 1 return bc:sub(i, i) end) return err",
        "attempt to load a binary chunk (mode is 't')");
  gives(e, "local f, err = load('\\27LuaT\\0\\25\\147') return err",
        "attempt to load a binary chunk (mode is 't')");
  /* The script itself is loaded as text too. */
  lua_State *L = luaL_newstate();
  luaL_loadstring(L, "return 'x'");
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  lua_pushvalue(L, -2);
  lua_dump(L, bytecode_writer, &b, 0);
  lua_pop(L, 1);
  luaL_pushresult(&b);
  size_t n;
  const char *bc = lua_tolstring(L, -1, &n);
  char *out = NULL;
  cr_assert_eq(lede_run_string(e, "bc.lua", bc, n, NULL, NULL, &out, NULL), LEDE_ESCRIPT);
  cr_assert(strstr(lede_errmsg(e), "attempt to load a binary chunk (mode is 't')"),
            "%s", lede_errmsg(e));
  lua_close(L);
  next_run_works(e);
  lede_engine_free(e);
}

Test(sandbox, trusted_has_the_full_library) {
  lede_options o;
  lede_options_init(&o);
  o.sandbox = 0;
  lede_engine *e;
  cr_assert_eq(lede_engine_new(&o, &e), LEDE_OK);
  gives(e, "return type(io.open) .. type(os.execute) .. type(debug.getinfo) .. type(string.dump)",
        "functionfunctionfunctionfunction");
  gives(e, "return load(string.dump(function() return 'round trip' end))()", "round trip");
  next_run_works(e);
  lede_engine_free(e);
}

Test(sandbox, string_metatable_is_locked_and_per_run) {
  lede_engine *e = engine(0, 0, 0);
  gives(e, "return getmetatable('')", "locked");
  fails(e, "getmetatable('').__index = {}", LEDE_ESCRIPT,
        "abuse.lua:1: attempt to index a string value");
  fails(e, "setmetatable('', {})", LEDE_ESCRIPT,
        "abuse.lua:1: bad argument #1 to 'setmetatable' (table expected, got string)");
  /* Changing the string library lasts for this run only. */
  gives(e, "string.upper = function() return 'pwned' end lede.version = 'x' "
           "return ('a'):upper() .. lede.version", "pwnedx");
  gives(e, "return ('a'):upper() .. tostring(lede.version ~= 'x')", "Atrue");
  next_run_works(e);
  lede_engine_free(e);
}

/* Runs one after the other on one engine share its Lua state (run.c keeps
 * it after a run that ended well), never what a run put in it: the first
 * script changes everything a script can reach, the second must find
 * every library, global and table as a run on a new engine would. */
Test(sandbox, a_run_leaves_nothing_for_the_next) {
  lede_engine *e = engine(0, 0, 0);
  static const char leak[] =
      "x = 'leaked'\n"
      "string.upper = function() return 'pwned' end\n"
      "string.extra = 'leaked'\n"
      "table.insert, math.pi, os.time, coroutine.wrap, utf8.char = nil, 3, nil, nil, nil\n"
      "math.randomseed(42)\n"
      "rawset(lede, 'extra', 'leaked')\n"
      "lede.write_sentences = nil\n"
      "lede.abbreviations.add('Xyz')\n"
      "rawset(lede.abbreviations, 'extra', 'leaked')\n"
      "lede.redact.add{type = 'LEAK', pattern = 'leak%a*'}\n"
      "lede.redact.validators.extra = 'leaked'\n"
      "lede.redact.validators.luhn = function() return true end\n"
      "lede.host.extra = 'leaked'\n"
      "load('y = \"leaked\"')()\n"
      "z = coroutine.create(function() coroutine.yield() end) coroutine.resume(z)\n"
      "local d = lede.load('Kept. In a global.') kept = d\n"
      "setmetatable(_G, {__index = function() return 'leaked' end})\n"
      "_G = nil _ENV = nil\n"
      "return 'changed'";
  static const char check[] =
      "local bad = {}\n"
      "local function want(what, ok) if not ok then bad[#bad + 1] = what end end\n"
      "want('metatable of _G', getmetatable(_G) == nil)\n"
      "want('global', x == nil and y == nil and z == nil and kept == nil)\n"
      "want('string.upper', ('a'):upper() == 'A' and string.upper('a') == 'A')\n"
      "want('string.extra', string.extra == nil and ('').extra == nil)\n"
      "want('libraries', type(table.insert) == 'function' and math.pi > 3.14 and\n"
      "     type(os.time) == 'function' and type(coroutine.wrap) == 'function' and\n"
      "     type(utf8.char) == 'function')\n"
      "want('lede', rawget(lede, 'extra') == nil and type(lede.write_sentences) == 'function')\n"
      "want('abbreviations', not lede.abbreviations.has('Xyz') and\n"
      "     rawget(lede.abbreviations, 'extra') == nil)\n"
      "want('redact', #lede.redact.scan('leaky text', {types = 'custom'}) == 0 and\n"
      "     lede.redact.validators.extra == nil)\n"
      "lede.redact.add{type = 'NUM', pattern = '%d%d%d%d', validator = 'luhn'}\n"
      "want('validators', #lede.redact.scan('1234 4242', {types = 'custom'}) == 1)\n"
      "want('host', lede.host.extra == nil)\n"
      "want('string metatable', getmetatable('') == 'locked')\n"
      "return #bad == 0 and 'clean' or table.concat(bad, ', ')";
  gives(e, leak, "changed");
  gives(e, check, "clean");
  /* The changes were real in the run that made them. */
  gives(e, "string.upper = function() return 'pwned' end lede.redact.add{type = 'LEAK', "
           "pattern = 'leak%a*'} lede.redact.validators.luhn = function() return true end "
           "lede.redact.add{type = 'NUM', pattern = '%d%d%d%d', validator = 'luhn'} "
           "return ('a'):upper() .. #lede.redact.scan('leaky 1234 4242', {types = 'custom'})",
        "pwned3");
  gives(e, check, "clean");
  /* The generator is seeded anew: math.randomseed(42) in one run does not
   * make the next one's numbers those of seed 42. */
  char *seeded = NULL, *next = NULL;
  cr_assert_eq(run_on(e, NULL, "math.randomseed(42) return tostring(math.random(0))", &seeded),
               LEDE_OK);
  gives(e, "math.randomseed(42) return 'seeded'", "seeded");
  cr_assert_eq(run_on(e, NULL, "return tostring(math.random(0))", &next), LEDE_OK);
  cr_assert_str_neq(seeded, next);
  free(seeded);
  free(next);
  /* A run that fails leaves nothing either (its state is closed). */
  fails(e, "x = 'leaked' string.extra = 1 error('stop')", LEDE_ESCRIPT, "abuse.lua:1: stop");
  gives(e, check, "clean");
  next_run_works(e);
  lede_engine_free(e);
}

/* Each run gets its whole limit, however many ran before it on the same
 * state: what a run allocated is collected before the next starts. */
Test(sandbox, limits_are_per_run_on_a_kept_state) {
  lede_engine *e = engine(16, 1000000, 0);
  for (int i = 0; i < 20; i++) {
    /* About 10 MB of a 16 MB limit, and 600,000 of 1,000,000 steps. */
    gives(e, "local t = {} for i = 1, 10 do t[i] = ('x'):rep(1e6) .. i end "
             "kept = t return 'ok'", "ok");
    gives(e, "local n = 0 for i = 1, 150000 do n = n + 1 end return 'ok'", "ok");
  }
  fails(e, "local s = string.rep('x', 1e9)", LEDE_ELIMIT, MEM16);
  fails(e, "while true do end", LEDE_ELIMIT, INSTR);
  next_run_works(e);
  lede_engine_free(e);
}

Test(sandbox, no_finalizers) {
  lede_engine *e = engine(0, 1000000, 0);
  fails(e, "setmetatable({}, {__gc = function() while true do end end})", LEDE_ESCRIPT,
        "abuse.lua:1: __gc metamethods are not allowed in the sandbox");
  fails(e, "setmetatable({}, {__gc = false})", LEDE_ESCRIPT,
        "abuse.lua:1: __gc metamethods are not allowed in the sandbox");
  /* A __gc added after setmetatable is never called (Lua marks objects
   * for finalization only when the metatable is set). */
  gives(e, "local mt = {} local t = setmetatable({}, mt) "
           "mt.__gc = function() while true do end end t = nil collectgarbage() return 'done'",
        "done");
  fails(e, "collectgarbage('stop')", LEDE_ESCRIPT,
        "abuse.lua:1: bad argument #1 to 'collectgarbage' (invalid option 'stop')");
  fails(e, "collectgarbage('generational')", LEDE_ESCRIPT,
        "abuse.lua:1: bad argument #1 to 'collectgarbage' (invalid option 'generational')");
  gives(e, "return type(collectgarbage('count'))", "number");
  next_run_works(e);
  lede_engine_free(e);
}

/* ---- limits ------------------------------------------------------------- */

Test(sandbox, memory_limit) {
  lede_engine *e = engine(16, 0, 0);
  fails(e, "local s = string.rep('x', 1e9)", LEDE_ELIMIT, MEM16);
  fails(e, "local s = 'x' while true do s = s .. s end", LEDE_ELIMIT, MEM16);
  fails(e, "local t = {} for i = 1, 1e9 do t[i] = i end", LEDE_ELIMIT, MEM16);
  fails(e, "local t = {} for i = 1, 1e7 do t[i] = 'x' .. i end return table.concat(t)",
        LEDE_ELIMIT, MEM16);
  /* Caught errors do not help: every allocation fails once the limit is hit. */
  fails(e, "local t = {} while true do pcall(function() t[#t + 1] = ('x'):rep(1e6) end) end",
        LEDE_ELIMIT, MEM16);
  fails(e, "local ok = pcall(string.rep, 'x', 1e9) local t = {} for i = 1, 10 do t[i] = {} end",
        LEDE_ELIMIT, MEM16);
  fails(e, "collectgarbage('step', 1e9) local t = {} while true do t[#t + 1] = {} end",
        LEDE_ELIMIT, MEM16);
  /* C memory made for the script counts too. */
  fails(e, "local d = lede.load(('word. '):rep(2e6)) return #d.sentences", LEDE_ELIMIT, MEM16);
  next_run_works(e);
  lede_engine_free(e);
  /* In bytes when not a whole number of MB. */
  lede_options o;
  lede_options_init(&o);
  o.max_memory = 5000000;
  cr_assert_eq(lede_engine_new(&o, &e), LEDE_OK);
  fails(e, "local s = string.rep('x', 1e8)", LEDE_ELIMIT,
        "script exceeded memory limit of 5000000 bytes");
  next_run_works(e);
  lede_engine_free(e);
}

Test(sandbox, instruction_limit) {
  lede_engine *e = engine(0, 1000000, 0);
  fails(e, "while true do end", LEDE_ELIMIT, INSTR);
  fails(e, "while true do pcall(function() while true do end end) end", LEDE_ELIMIT, INSTR);
  fails(e, "while true do xpcall(function() while true do end end, function(m) return m end) end",
        LEDE_ELIMIT, INSTR);
  fails(e, "local function f() while true do end end "
           "while true do local ok, err = pcall(f) local ok2 = pcall(error, err) end",
        LEDE_ELIMIT, INSTR);
  /* The traceback shows where the script was stopped. */
  fails(e, "local function spin() while true do end end\nspin()", LEDE_ELIMIT,
        "~stack traceback:\n\tabuse.lua:1: in local 'spin'");
  next_run_works(e);
  lede_engine_free(e);
}

Test(sandbox, time_limit) {
  lede_engine *e = engine(0, 0, 0.2);
  fails(e, "while true do end", LEDE_ELIMIT, TIME);
  fails(e, "while true do pcall(function() while true do end end) end", LEDE_ELIMIT, TIME);
  next_run_works(e);
  lede_engine_free(e);
}

Test(sandbox, coroutines_inherit_the_hook) {
  lede_engine *e = engine(0, 1000000, 0);
  fails(e, "coroutine.wrap(function() while true do end end)()", LEDE_ELIMIT, INSTR);
  /* resume catches the error; the loop around it is stopped all the same */
  fails(e, "while true do local co = coroutine.create(function() while true do end end) "
           "pcall(coroutine.resume, co) end", LEDE_ELIMIT, INSTR);
  /* coroutines nested in coroutines, errors swallowed at every level */
  fails(e, "local function nest(n) if n == 0 then while true do end end "
           "local co = coroutine.create(nest) while true do pcall(coroutine.resume, co, n - 1) end "
           "end nest(5)", LEDE_ELIMIT, INSTR);
  /* a coroutine that yields forever to a main loop that never ends */
  fails(e, "local co = coroutine.wrap(function() while true do coroutine.yield() end end) "
           "while true do co() end", LEDE_ELIMIT, INSTR);
  next_run_works(e);
  lede_engine_free(e);
  e = engine(0, 0, 0.2);
  fails(e, "while true do pcall(coroutine.wrap(function() while true do end end)) end",
        LEDE_ELIMIT, TIME);
  next_run_works(e);
  lede_engine_free(e);
}

Test(sandbox, deep_recursion_is_a_clean_error) {
  lede_engine *e = engine(0, 0, 0);
  fails(e, "local function f() return 1 + f() end f()", LEDE_ESCRIPT,
        "~abuse.lua:1: stack overflow");
  fails(e, "local t = setmetatable({}, {}) getmetatable(t).__index = function(t, k) return t[k] end "
           "return t.x", LEDE_ESCRIPT, "~stack overflow");
  /* C recursion through metamethods and library calls */
  fails(e, "local t = setmetatable({}, {}) getmetatable(t).__tostring = tostring return tostring(t)",
        LEDE_ESCRIPT, "~C stack overflow");
  /* the deepest pcall catches the overflow; every level above succeeds */
  gives(e, "local function f() return pcall(f) end return tostring(f())", "true");
  fails(e, "local t = setmetatable({}, {}) getmetatable(t).__index = t return t.x", LEDE_ESCRIPT,
        "~'__index' chain too long; possible loop");
  /* the parser's own recursion limit */
  fails(e, "local f, err = load('return ' .. ('('):rep(1e5) .. '1' .. (')'):rep(1e5)) error(err)",
        LEDE_ESCRIPT, "abuse.lua:1: C stack overflow");
  gives(e, "local function f(n) if n == 0 then return 0 end return f(n - 1) end return tostring(f(1e6))",
        "0");
  next_run_works(e);
  lede_engine_free(e);
}

Test(sandbox, metamethods_that_loop) {
  lede_engine *e = engine(0, 1000000, 0);
  fails(e, "local t = setmetatable({}, {__index = function() while true do end end}) return t.x",
        LEDE_ELIMIT, INSTR);
  fails(e, "return tostring(setmetatable({}, {__tostring = function() while true do end end}))",
        LEDE_ELIMIT, INSTR);
  fails(e, "do local x <close> = setmetatable({}, {__close = function() while true do end end}) end",
        LEDE_ELIMIT, INSTR);
  /* an error object whose __tostring loops, thrown to the host */
  fails(e, "error(setmetatable({}, {__tostring = function() while true do end end}))",
        LEDE_ELIMIT, INSTR);
  fails(e, "error(setmetatable({}, {__tostring = function() return 'custom message' end}))",
        LEDE_ESCRIPT, "custom message");
  fails(e, "error(setmetatable({}, {__tostring = function() error('again') end}))",
        LEDE_ESCRIPT, "~error");
  fails(e, "error({})", LEDE_ESCRIPT, "(error object is a table value)");
  fails(e, "error()", LEDE_ESCRIPT, "~nil");
  /* C functions as metamethods run no instruction: calls are counted. */
  fails(e, "table.sort(setmetatable({}, {__len = function() return 2^31 - 2 end, "
           "__index = rawlen, __newindex = rawlen}))", LEDE_ELIMIT, INSTR);
  fails(e, "return table.concat(setmetatable({}, {__index = rawlen}), '', 1, 1e12)",
        LEDE_ELIMIT, INSTR);
  next_run_works(e);
  lede_engine_free(e);
}

/* Work done inside one C call is counted and stopped like Lua code. */
Test(sandbox, library_c_loops_are_bounded) {
  lede_engine *e = engine(0, 1000000, 0);
  fails(e, "return (string.rep('a', 1e5):find('.-.-.-b'))", LEDE_ELIMIT, INSTR);
  fails(e, "return (string.rep('a', 1e5):match('(a*)*b'))", LEDE_ELIMIT, INSTR);
  fails(e, "return (string.rep('a', 3e4):gsub('a-a-a-b', ''))", LEDE_ELIMIT, INSTR);
  fails(e, "for x in string.rep('a', 1e5):gmatch('.-.-b') do end", LEDE_ELIMIT, INSTR);
  fails(e, "return (string.rep('(', 1e5):find('%b()'))", LEDE_ELIMIT, INSTR);
  fails(e, "local s = string.rep('a', 5e4) return (s .. s):find('(' .. s .. ')%1b')",
        LEDE_ELIMIT, INSTR);
  fails(e, "return (string.rep('a', 1e5):find('[a]-[%a]-[^b]-b'))", LEDE_ELIMIT, INSTR);
  fails(e, "return (string.rep('a', 300):find(string.rep('a?', 199) .. string.rep('a', 199) .. 'b'))",
        LEDE_ELIMIT, INSTR);
  fails(e, "table.move({}, 1, 1e15, 2)", LEDE_ELIMIT, INSTR);
  /* linear, so fine: a plain find with a long needle, and rep of nothing */
  gives(e, "local s = string.rep('a', 1e6) return tostring(s:find(string.rep('a', 1e5) .. 'b', 1, true))",
        "nil");
  gives(e, "return string.rep('', math.maxinteger) .. string.rep('', 1e18, '') .. 'empty'", "empty");
  /* a set is a 256-bit map: testing a byte costs one step, however long
   * the set is written */
  gives(e, "return tostring(string.rep('a', 1e5):find('[' .. string.rep('b', 1e4) .. ']'))", "nil");
  next_run_works(e);
  lede_engine_free(e);
  e = engine(0, 0, 0.2);
  fails(e, "return (string.rep('a', 1e5):find('.-.-.-b'))", LEDE_ELIMIT, TIME);
  fails(e, "table.move({}, 1, 1e15, 2)", LEDE_ELIMIT, TIME);
  next_run_works(e);
  lede_engine_free(e);
}

/* The budgeted matcher gives exactly what the stock one gives. */
Test(sandbox, patterns_match_stock_lua) {
  FILE *p = popen("lua5.4 -e 'io.write(dofile(\"" DATA("patterns.lua") "\"))' 2>&1", "r");
  cr_assert_not_null(p);
  char *want = malloc(1 << 20);
  size_t n = fread(want, 1, (1 << 20) - 1, p);
  want[n] = '\0';
  cr_assert_eq(pclose(p), 0, "lua5.4 failed (make deps-test installs it): %s", want);
  lede_engine *e = engine(0, 0, 0);
  char *out = NULL;
  size_t outlen = 0;
  cr_assert_eq(lede_run_file(e, DATA("patterns.lua"), NULL, NULL, &out, &outlen), LEDE_OK, "%s",
               lede_errmsg(e));
  cr_assert_eq(outlen, n);
  cr_assert(memcmp(out, want, n) == 0, "lede:\n%s\nlua5.4:\n%s", out, want);
  free(out);
  free(want);
  lede_engine_free(e);
}

/* ---- the matcher against stock Lua, on random patterns ------------------ */

/* Random patterns from a grammar over 6.4.1 (malformed ones included) and
 * random subjects; each pattern's script runs sandboxed (our matcher) and
 * in a plain lua_State with luaL_openlibs (lstrlib), and the outputs --
 * every result and error message of find, match, gmatch and gsub with a
 * string, table and function replacement -- must be identical. */

static unsigned long long rng = 0x2545F4914F6CDD1DULL; /* fixed seed */

static unsigned rnd(unsigned n) {
  rng ^= rng >> 12;
  rng ^= rng << 25;
  rng ^= rng >> 27;
  return (unsigned)((rng * 0x2545F4914F6CDD1DULL) >> 33) % n;
}

typedef struct {
  char b[2048];
  size_t n;
} Buf;

static void put(Buf *s, char c) {
  if (s->n < sizeof s->b) s->b[s->n++] = c;
}
static void puts_(Buf *s, const char *t) {
  while (*t) put(s, *t++);
}
static void pick(Buf *s, const char *from, size_t n) { put(s, from[rnd((unsigned)n)]); }
#define PICK(s, lit) pick(s, lit, sizeof lit - 1)

static void gen_set(Buf *p) {
  put(p, '[');
  if (rnd(3) == 0) put(p, '^');
  if (rnd(6) == 0) put(p, ']');
  for (unsigned k = rnd(4); k > 0; k--) {
    switch (rnd(5)) {
    case 0: PICK(p, "abc-]^%."); break;
    case 1: put(p, '%'); PICK(p, "adswpxAS]-%^"); break;
    case 2: PICK(p, "ab"); put(p, '-'); PICK(p, "cz%]a"); break;
    default: PICK(p, "abc"); break;
    }
  }
  if (rnd(12)) put(p, ']');
}

static void gen_items(Buf *p, int depth) {
  for (unsigned k = rnd(depth ? 4 : 6); k > 0; k--) {
    switch (rnd(14)) {
    case 0: case 1: case 2: case 3: case 4: case 5: /* a single-byte item */
      switch (rnd(6)) {
      case 0: put(p, '.'); break;
      case 1: put(p, '%'); PICK(p, "adswlupcgxzADSWLUPCGXZ.%()[]-$^ab\0"); break;
      case 2: gen_set(p); break;
      case 3: PICK(p, "$^]*+?-\0\n\xe9 1A"); break;
      default: PICK(p, "aabbc"); break;
      }
      PICK(p, "   *+-?");
      p->n -= p->b[p->n - 1] == ' ';
      break;
    case 6: case 7: /* a capture */
      put(p, '(');
      if (rnd(4) == 0) {
        put(p, ')');
      } else {
        if (depth < 3) gen_items(p, depth + 1);
        if (rnd(10)) put(p, ')');
      }
      break;
    case 8: put(p, '%'); PICK(p, "1112234590"); break;
    case 9: puts_(p, "%b"); PICK(p, "()ab[]"); PICK(p, "()ab[]"); break;
    case 10:
      puts_(p, "%f");
      if (rnd(8)) gen_set(p);
      else PICK(p, "a%");
      break;
    case 11: PICK(p, ")%$"); break;
    default: PICK(p, "ab"); break;
    }
  }
}

static void gen_subject(Buf *s, const Buf *p) {
  unsigned n = rnd(14);
  for (unsigned i = 0; i < n; i++) {
    if (p->n && rnd(3) == 0) put(s, p->b[rnd((unsigned)p->n)]);
    else PICK(s, "aaabbbcc()[]-.%$^ 1A\0\n\xe9");
  }
}

/* A Lua string literal with every byte as \ddd: nothing to get wrong. */
static void lua_literal(Buf *out, const char *s, size_t n) {
  put(out, '"');
  for (size_t i = 0; i < n; i++) {
    char d[8];
    snprintf(d, sizeof d, "\\%03u", (unsigned char)s[i]);
    puts_(out, d);
  }
  put(out, '"');
}

/* For a failure message: C escapes of the non-printable bytes. */
static char *shown(const char *s, size_t n) {
  char *o = malloc(4 * n + 3), *q = o;
  *q++ = '"';
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 32 && c < 127 && c != '"' && c != '\\') *q++ = (char)c;
    else q += sprintf(q, "\\x%02x", c);
  }
  *q++ = '"';
  *q = '\0';
  return o;
}

/* Runs the case table given before it; returns one record per call. */
static const char diff_driver[] =
    "local function ser(t)\n"
    "  local o = {}\n"
    "  for i = 1, t.n do\n"
    "    local v = t[i]\n"
    "    o[i] = type(v) == 'string' and ('s' .. #v .. ':' .. v) or (type(v) .. ':' .. tostring(v))\n"
    "  end\n"
    "  return table.concat(o, ',')\n"
    "end\n"
    "local out = {}\n"
    "local function rec(...) out[#out + 1] = ser(table.pack(...)) end\n"
    "local T = {a = 'T1', b = false, [1] = 'p1', [2] = {}, [3] = true, ab = 7, ['('] = 'lp'}\n"
    "local function F(...)\n"
    "  local a = ...\n"
    "  if a == 'b' or a == 2 then return nil end\n"
    "  if a == 'c' then return {} end\n"
    "  if a == 3 then return false end\n"
    "  return select('#', ...) .. '<' .. tostring(a) .. '>'\n"
    "end\n"
    "for k, s in ipairs(S) do\n"
    "  local i = I[k]\n"
    "  rec(pcall(string.find, s, P, i))\n"
    "  rec(pcall(string.find, s, P, i, true))\n"
    "  rec(pcall(string.match, s, P, i))\n"
    "  rec(pcall(string.gsub, s, P, R, N))\n"
    "  rec(pcall(string.gsub, s, P, T))\n"
    "  rec(pcall(string.gsub, s, P, F, N))\n"
    "  local ok, it = pcall(string.gmatch, s, P, i)\n"
    "  if not ok then rec(ok, it) else\n"
    "    rec(pcall(function()\n"
    "      local o = {}\n"
    "      for _ = 1, 30 do\n"
    "        local t = table.pack(it())\n"
    "        if t.n == 0 then break end\n"
    "        o[#o + 1] = ser(t)\n"
    "      end\n"
    "      return table.concat(o, ';')\n"
    "    end))\n"
    "  end\n"
    "end\n"
    "return table.concat(out, '\\n')\n";

static const char *const replacements[] = {"<%0>", "%1-%2", "%%", "x", "%3", "%x", "[%1%0]",
                                           "%", "%9", "", "%%1"};
static const char *const inits[] = {"nil", "1", "0", "-1", "-3", "2", "4", "20", "-20",
                                    "math.mininteger", "math.maxinteger"};
static const char *const counts[] = {"nil", "nil", "0", "1", "2", "-1"};

typedef struct {
  lede_engine *e;
  lua_State *stock;
  int cases;
} Diff;

/* Runs pattern p against the subjects sub[0..n) in both matchers. */
static void diff_case(Diff *d, const Buf *p, const Buf *sub, int n) {
  char *script = malloc(1 << 16);
  size_t len = 0;
  Buf lit = {.n = 0};
  lua_literal(&lit, p->b, p->n);
  len += (size_t)snprintf(script + len, 4096, "local P = %.*s\nlocal S = {", (int)lit.n, lit.b);
  for (int i = 0; i < n; i++) {
    lit.n = 0;
    lua_literal(&lit, sub[i].b, sub[i].n);
    len += (size_t)snprintf(script + len, 4096, "%.*s,", (int)lit.n, lit.b);
  }
  len += (size_t)snprintf(script + len, 4096, "}\nlocal I = {");
  for (int i = 0; i < n; i++)
    len += (size_t)snprintf(script + len, 64, "%s,", inits[rnd(sizeof inits / sizeof *inits)]);
  const char *r = replacements[rnd(sizeof replacements / sizeof *replacements)];
  len += (size_t)snprintf(script + len, 4096, "}\nlocal R = '%s'\nlocal N = %s\n%s", r,
                          counts[rnd(sizeof counts / sizeof *counts)], diff_driver);

  char *ours = NULL;
  size_t ours_n = 0;
  lede_status st = lede_run_string(d->e, "diff.lua", script, len, NULL, NULL, &ours, &ours_n);
  char *ps = shown(p->b, p->n);
  cr_assert_eq(st, LEDE_OK, "pattern %s: %s", ps, lede_errmsg(d->e));
  lua_settop(d->stock, 0);
  cr_assert_eq(luaL_loadbuffer(d->stock, script, len, "=diff.lua"), LUA_OK);
  cr_assert_eq(lua_pcall(d->stock, 0, 1, 0), LUA_OK, "%s", lua_tostring(d->stock, -1));
  size_t want_n;
  const char *want = lua_tolstring(d->stock, -1, &want_n);
  if (ours_n != want_n || memcmp(ours, want, want_n) != 0) {
    char *subs = calloc(1, 1);
    for (int i = 0; i < n; i++) {
      char *one = shown(sub[i].b, sub[i].n);
      subs = realloc(subs, strlen(subs) + strlen(one) + 3);
      strcat(strcat(subs, one), " ");
      free(one);
    }
    char *a = shown(ours, ours_n), *b = shown(want, want_n);
    cr_assert_fail("pattern %s, subjects %s(replacement '%s')\nours:  %s\nstock: %s\nscript:\n%.*s",
                   ps, subs, r, a, b, (int)len, script);
  }
  d->cases += n;
  free(ps);
  free(ours);
  free(script);
}

Test(sandbox, matcher_agrees_with_stock_lua_on_random_patterns, .timeout = 300) {
  Diff d = {engine(0, 0, 0), luaL_newstate(), 0};
  luaL_openlibs(d.stock);
  /* fixed cases first: depth and capture limits, quirks of sets */
  static const char *const fixed[] = {
      "x%", "[a-%%]", "[a-%]]", "[]]", "[^]]", "[%]", "%f[%w]%w+", "(a*(.)%w(%s*))",
      "()%1", "(()a)%2", "%bxx", "%b\"\"", "(a)(b)(%2)", "%0", "(a%1)", "((a)%2)", "a$b",
      "^^a", "%f[%z]", "%f[^%z]", "[%a-z]", "[a-]", "[-a]", "(()", "a)", "%g+%G", "%Z+",
      "()a*()", ".-$", "^(.-)%s*$", "(%d+)-?",
  };
  int nfixed = (int)(sizeof fixed / sizeof *fixed);
  Buf sub[4];
  for (int i = 0; i < nfixed + 6; i++) {
    Buf p = {.n = 0};
    if (i < nfixed) {
      puts_(&p, fixed[i]);
    } else { /* the limits: 199 frames, 200 frames, 32 and 33 captures */
      const char *unit = i - nfixed < 2 ? "a?" : i - nfixed < 4 ? "()" : "(a)";
      int times = i - nfixed == 0 ? 199 : i - nfixed == 1 ? 200 : i - nfixed == 2 ? 32 :
                  i - nfixed == 3 ? 33 : i - nfixed == 4 ? 32 : 33;
      for (int t = 0; t < times; t++) puts_(&p, unit);
    }
    for (int k = 0; k < 4; k++) {
      sub[k].n = 0;
      if (k == 3) {
        for (int t = 0; t < 250; t++) put(&sub[k], 'a');
      } else {
        gen_subject(&sub[k], &p);
      }
    }
    diff_case(&d, &p, sub, 4);
  }
  for (int i = 0; i < 3000; i++) {
    Buf p = {.n = 0};
    if (rnd(5) == 0) put(&p, '^');
    gen_items(&p, 0);
    if (rnd(5) == 0) put(&p, '$');
    if (rnd(10) == 0 && p.n) p.n = rnd((unsigned)p.n); /* cut anywhere */
    for (int k = 0; k < 4; k++) {
      sub[k].n = 0;
      gen_subject(&sub[k], &p);
    }
    diff_case(&d, &p, sub, 4);
  }
  cr_log_info("%d pattern x subject cases, 7 calls each", d.cases);
  printf("matcher differential: %d pattern x subject cases\n", d.cases);
  lua_close(d.stock);
  next_run_works(d.e);
  lede_engine_free(d.e);
}

Test(sandbox, odd_library_calls_are_clean_errors) {
  lede_engine *e = engine(64, 1000000, 0);
  fails(e, "return os.date('%Ez')", LEDE_ESCRIPT,
        "abuse.lua:1: bad argument #1 to 'date' (invalid conversion specifier '%Ez')");
  fails(e, "return os.date('*t', 2^60)", LEDE_ESCRIPT,
        "~cannot be represented");
  fails(e, "return os.time({year = 2^40, month = 1, day = 1})", LEDE_ESCRIPT,
        "~field 'year' is out-of-bound");
  fails(e, "return string.format('%99999d', 1)", LEDE_ESCRIPT,
        "abuse.lua:1: invalid conversion specification: '%99999d'");
  fails(e, "return string.format('%q', {})", LEDE_ESCRIPT, "~value has no literal form");
  fails(e, "return string.rep('x', 2^62, 'y')", LEDE_ESCRIPT,
        "abuse.lua:1: resulting string too large");
  fails(e, "return table.unpack({}, 1, 1e8)", LEDE_ESCRIPT, "~too many results to unpack");
  fails(e, "return string.pack('c1000000000', '')", LEDE_ELIMIT,
        "script exceeded memory limit of 64 MB");
  gives(e, "return os.date('!%Y-%m-%d %H:%M:%S', 86400)", "1970-01-02 00:00:00");
  gives(e, "return #string.format('%s%s', ('x'):rep(1e6), ('y'):rep(1e6)) .. ''", "2000000");
  next_run_works(e);
  lede_engine_free(e);
}

/* ---- documents across runs ---------------------------------------------- */

Test(sandbox, handles_do_not_outlive_the_run) {
  lede_engine *e = engine(0, 0, 0);
  lede_doc *d = load_text(e, "First sentence. Second one.\n\nNext paragraph.", LEDE_PARAS_AUTO);
  char *out = NULL;
  const char *keep = "local doc = ... kept = doc.sentences[2] kept_doc = doc "
                     "kept.text = 'Changed.' return 'stored'";
  cr_assert_eq(lede_run_string(e, "a.lua", keep, strlen(keep), d, NULL, &out, NULL), LEDE_OK,
               "%s", lede_errmsg(e));
  cr_assert_str_eq(out, "stored");
  free(out);
  /* Globals are gone; the edit stayed in the document. */
  const char *look = "local doc = ... return tostring(kept) .. tostring(kept_doc) .. ' ' .. "
                     "doc.sentences[2].text";
  cr_assert_eq(lede_run_string(e, "b.lua", look, strlen(look), d, NULL, &out, NULL), LEDE_OK,
               "%s", lede_errmsg(e));
  cr_assert_str_eq(out, "nilnil Changed.");
  free(out);
  /* A failed run on the document leaves it usable. */
  const char *bad = "local doc = ... doc.sentences[1].text = 'Edited.' error('boom')";
  cr_assert_eq(lede_run_string(e, "c.lua", bad, strlen(bad), d, NULL, &out, NULL), LEDE_ESCRIPT);
  char *txt = render(e, d, LEDE_FORMAT_TEXT);
  cr_assert_str_eq(txt, "Edited. Changed.\n\nNext paragraph.");
  free(txt);
  /* Closing the host's document in a script only detaches it. */
  cr_assert_eq(run_on(e, d, "local doc = ... doc:close()", NULL), LEDE_ESCRIPT);
  cr_assert(strstr(lede_errmsg(e), "script closed the document and returned no output"), "%s",
            lede_errmsg(e));
  cr_assert_eq(run_on(e, d, "local doc = ... doc:close() return doc", NULL), LEDE_ESCRIPT);
  cr_assert(strstr(lede_errmsg(e), "script returned a closed document"), "%s", lede_errmsg(e));
  /* The host frees the document; later runs do not touch it. */
  lede_doc_free(d);
  gives(e, "local doc = ... return tostring(#doc.paragraphs) .. tostring(kept)", "0nil");
  /* Documents a script makes die with its run. */
  gives(e, "leaked = lede.load('One. Two.') return tostring(#leaked.sentences)", "2");
  gives(e, "return tostring(leaked)", "nil");
  next_run_works(e);
  lede_engine_free(e);
}

Test(sandbox, limits_during_document_work) {
  lede_engine *e = engine(16, 0, 0);
  lede_doc *d = load_text(e, "One. Two. Three.", LEDE_PARAS_AUTO);
  cr_assert_eq(run_on(e, d, "local doc = ... local s = doc.sentences[1] "
                            "while true do s.text = s.text .. s.text end", NULL), LEDE_ELIMIT);
  cr_assert(strncmp(lede_errmsg(e), MEM16, strlen(MEM16)) == 0, "%s", lede_errmsg(e));
  /* The document is still whole and usable afterwards. */
  char *out = NULL;
  cr_assert_eq(run_on(e, d, "local doc = ... doc.sentences[1].text = 'Uno.' "
                            "return #doc.sentences .. doc.sentences[2].text", &out), LEDE_OK, "%s",
               lede_errmsg(e));
  cr_assert_str_eq(out, "3Two.");
  free(out);
  lede_doc_free(d);
  next_run_works(e);
  lede_engine_free(e);
}

/* ---- input limits and hostile documents --------------------------------- */

Test(sandbox, max_input) {
  lede_options o;
  lede_options_init(&o);
  o.max_input = 10;
  lede_engine *e;
  cr_assert_eq(lede_engine_new(&o, &e), LEDE_OK);
  lede_doc *d = NULL;
  cr_assert_eq(lede_doc_load(e, "0123456789", 10, NULL, &d), LEDE_OK);
  lede_doc_free(d);
  cr_assert_eq(lede_doc_load(e, "0123456789A", 11, NULL, &d), LEDE_ELIMIT);
  cr_assert_str_eq(lede_errmsg(e), "<input>: document is 11 bytes, larger than the limit of 10 bytes");
  cr_assert_null(d);
  /* and for documents a script loads */
  gives(e, "local d, err = lede.load('0123456789A') return tostring(d) .. ' ' .. err",
        "nil document is 11 bytes, larger than the limit of 10 bytes");
  next_run_works(e);
  lede_engine_free(e);
}

Test(sandbox, invalid_utf8_and_nul) {
  lede_engine *e = engine(0, 0, 0);
  lede_doc *d = NULL;
  cr_assert_eq(lede_doc_load(e, "ok\nab\xff", 6, NULL, &d), LEDE_EUTF8);
  cr_assert(strstr(lede_errmsg(e), "invalid UTF-8 at byte offset 5"), "%s", lede_errmsg(e));
  cr_assert_eq(lede_doc_load(e, "a\0b", 3, NULL, &d), LEDE_EUTF8);
  cr_assert(strstr(lede_errmsg(e), "NUL byte at byte offset 1"), "%s", lede_errmsg(e));
  lede_load_options o = {.format = LEDE_FORMAT_TEXT, .paragraphs = LEDE_PARAS_AUTO,
                         .flags = LEDE_LOAD_REPLACE_INVALID};
  cr_assert_eq(lede_doc_load(e, "a\0b\xff.", 5, &o, &d), LEDE_OK);
  char *txt = render(e, d, LEDE_FORMAT_TEXT);
  cr_assert_str_eq(txt, "a\xEF\xBF\xBD" "b\xEF\xBF\xBD.");
  free(txt);
  lede_doc_free(d);
  lede_engine_free(e);
}

/* Loads src[0..len) in format fmt and counts; the outcome is success or
 * a clean error with a message. */
static void hostile(const char *src, size_t len, lede_format fmt, size_t want_paras) {
  lede_engine *e = engine(0, 0, 0);
  lede_load_options o = {.format = fmt, .paragraphs = LEDE_PARAS_AUTO};
  lede_doc *d = NULL;
  lede_status st = lede_doc_load(e, src, len, &o, &d);
  if (st != LEDE_OK) {
    cr_assert(st == LEDE_ELIMIT || st == LEDE_EFORMAT, "status %d: %s", st, lede_errmsg(e));
    cr_assert_neq(lede_errmsg(e)[0], '\0');
  } else {
    size_t np, ns;
    cr_assert_eq(lede_doc_counts(e, d, &np, &ns), LEDE_OK, "%s", lede_errmsg(e));
    if (want_paras != (size_t)-1) cr_assert_eq(np, want_paras);
    char *out = NULL;
    size_t n;
    cr_assert_eq(lede_doc_render(e, d, LEDE_FORMAT_AUTO, 0, &out, &n), LEDE_OK, "%s",
                 lede_errmsg(e));
    free(out);
    cr_assert_eq(lede_doc_render(e, d, LEDE_FORMAT_JSON, 0, &out, &n), LEDE_OK, "%s",
                 lede_errmsg(e));
    free(out);
    lede_doc_free(d);
  }
  next_run_works(e);
  lede_engine_free(e);
}

static char *repeat(const char *unit, size_t times, const char *tail, size_t *len) {
  size_t u = strlen(unit), t = strlen(tail);
  char *s = malloc(u * times + t + 1);
  cr_assert_not_null(s);
  for (size_t i = 0; i < times; i++) memcpy(s + i * u, unit, u);
  memcpy(s + u * times, tail, t + 1);
  *len = u * times + t;
  return s;
}

Test(sandbox, single_200mb_line, .timeout = 600) {
  size_t len;
  char *s = repeat("word ", 40000000, "end.", &len);
  cr_assert_eq(len, 200000004);
  hostile(s, len, LEDE_FORMAT_TEXT, 1);
  free(s);
}

Test(sandbox, a_million_empty_lines) {
  size_t len;
  char *s = repeat("\n", 1000000, "", &len);
  hostile(s, len, LEDE_FORMAT_TEXT, 0);
  free(s);
  s = repeat("\r\n", 1000000, "x", &len);
  hostile(s, len, LEDE_FORMAT_TEXT, 1);
  free(s);
  s = repeat("\n", 1000000, "", &len);
  hostile(s, len, LEDE_FORMAT_MARKDOWN, 0);
  free(s);
}

Test(sandbox, a_megabyte_of_punctuation) {
  size_t len;
  char *s = repeat("!?.,;:-'\"()[]...", 65536, "", &len);
  hostile(s, len, LEDE_FORMAT_TEXT, 1);
  hostile(s, len, LEDE_FORMAT_MARKDOWN, (size_t)-1);
  free(s);
  s = repeat("*_`[]<>!#", 116508, "", &len);
  hostile(s, len, LEDE_FORMAT_MARKDOWN, (size_t)-1);
  free(s);
  s = repeat("Mr. ", 250000, "", &len);
  hostile(s, len, LEDE_FORMAT_TEXT, 1);
  free(s);
}

Test(sandbox, deeply_nested_markdown) {
  size_t len;
  char *s = repeat("> ", 10000, "deep\n", &len);
  hostile(s, len, LEDE_FORMAT_MARKDOWN, (size_t)-1);
  free(s);
  s = repeat("- ", 10000, "deep\n", &len);
  hostile(s, len, LEDE_FORMAT_MARKDOWN, (size_t)-1);
  free(s);
  s = repeat("1. ", 10000, "deep\n", &len);
  hostile(s, len, LEDE_FORMAT_MARKDOWN, (size_t)-1);
  free(s);
  s = repeat(">", 10000, "deep\n", &len);
  hostile(s, len, LEDE_FORMAT_MARKDOWN, (size_t)-1);
  free(s);
  s = repeat("[", 10000, "x", &len);
  hostile(s, len, LEDE_FORMAT_MARKDOWN, (size_t)-1);
  free(s);
  s = repeat("*a ", 10000, "x", &len);
  hostile(s, len, LEDE_FORMAT_MARKDOWN, (size_t)-1);
  free(s);
  /* 10,000 lines, each quote one level deeper than the last */
  char *lines = malloc(10000 * 3 + 64);
  size_t n = 0;
  for (int i = 0; i < 10000; i++) {
    lines[n++] = '>';
    lines[n++] = 'x';
    lines[n++] = '\n';
  }
  lines[n] = '\0';
  hostile(lines, n, LEDE_FORMAT_MARKDOWN, (size_t)-1);
  free(lines);
}

/* ---- the CLI ------------------------------------------------------------ */

static char dir[256];
static const char *script(const char *name, const char *code) {
  static char path[4][512];
  static int slot;
  char *p = path[slot++ % 4];
  snprintf(p, 512, "%s/%s", dir, name);
  spit(p, code, strlen(code));
  return p;
}

static void cli_limit(const char *code, const char *flag, const char *value, const char *msg) {
  const char *s = script("limit.lua", code);
  const char *argv[] = {"run", s, "-", flag, value, NULL};
  proc_result r = run_lede(argv, "Some text.");
  cr_assert_eq(r.status, 3, "exit %d: %s", r.status, r.err);
  char first[256];
  snprintf(first, sizeof first, "lede: %s\n", msg);
  cr_assert(strncmp(r.err, first, strlen(first)) == 0, "stderr: %s\nwanted: %s", r.err, first);
  cr_assert_str_eq(r.out, "");
  proc_free(&r);
}

Test(sandbox, cli_limits) {
  make_tmpdir(dir, sizeof dir);
  cli_limit("local s = string.rep('x', 1e9)", "--max-memory", "16", MEM16);
  cli_limit("while true do pcall(function() while true do end end) end", "--max-instructions",
            "1000000", INSTR);
  cli_limit("while true do end", "--timeout", "0.2", TIME);
  cli_limit("return (string.rep('a', 1e5):find('.-.-.-b'))", "--timeout", "0.2", TIME);
  cli_limit("coroutine.wrap(function() while true do end end)()", "--max-instructions", "1000000",
            INSTR);
  /* the input limit */
  const char *s = script("ok.lua", "return 'ran'");
  const char *argv[] = {"run", s, "-", "--max-input", "0.000001", NULL};
  proc_result r = run_lede(argv, "more than one byte");
  cr_assert_eq(r.status, 3, "exit %d: %s", r.status, r.err);
  cr_assert_str_eq(r.err, "lede: <stdin>: document is larger than the limit of 1 bytes\n");
  proc_free(&r);
  /* script errors exit 1, and so does bad input */
  const char *bad = script("bad.lua", "os.execute('id')");
  const char *argv2[] = {"run", bad, "-", NULL};
  r = run_lede(argv2, "x");
  cr_assert_eq(r.status, 1);
  cr_assert(strncmp(r.err, "bad.lua:1: attempt to call a nil value (field 'execute')\n",
                    strlen("bad.lua:1: attempt to call a nil value (field 'execute')\n")) == 0 ||
                strstr(r.err, ":1: attempt to call a nil value (field 'execute')\n"),
            "%s", r.err);
  proc_free(&r);
  const char *argv3[] = {"run", s, "-", NULL};
  r = run_lede_env(argv3, "ab\xff", 3, NULL, NULL);
  cr_assert_eq(r.status, 1);
  cr_assert(strstr(r.err, "invalid UTF-8 at byte offset 2"), "%s", r.err);
  proc_free(&r);
  const char *argv4[] = {"run", s, "-", "--replace-invalid", NULL};
  r = run_lede_env(argv4, "ab\xff", 3, NULL, NULL);
  cr_assert_eq(r.status, 0, "%s", r.err);
  cr_assert_str_eq(r.out, "ran");
  proc_free(&r);
  remove_tmpdir(dir);
}

Test(sandbox, cli_trusted) {
  make_tmpdir(dir, sizeof dir);
  const char *s = script("io.lua", "return type(io) .. ' ' .. type(io and io.open)");
  const char *sandboxed[] = {"run", s, "-", NULL};
  proc_result r = run_lede(sandboxed, "x");
  cr_assert_eq(r.status, 0, "%s", r.err);
  cr_assert_str_eq(r.out, "nil nil");
  proc_free(&r);
  const char *trusted[] = {"run", s, "-", "--trusted", NULL};
  r = run_lede(trusted, "x");
  cr_assert_eq(r.status, 0, "%s", r.err);
  cr_assert_str_eq(r.out, "table function");
  proc_free(&r);
  remove_tmpdir(dir);
}
