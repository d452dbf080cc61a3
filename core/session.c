/* session.c -- a Lua state that outlives one input, for `lede repl`.
 *
 * run.c gives every script a fresh environment; a prompt needs the opposite:
 * globals typed at one line are there at the next.  The state is built
 * the same way (sandbox_env, the counting allocator and the sticky hook,
 * the engine's budget), so the prompt is no way around the sandbox, and
 * the limits are re-armed before each input: a runaway line stops, the
 * session goes on. */
#include "session.h"

#include <lauxlib.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "abbrev.h"
#include "doc.h"
#include "engine.h"
#include "lua_doc.h"
#include "lua_lede.h"
#include "sandbox.h"

struct session {
  lede_engine *e;
  lua_State *L;
  lede_doc *doc;       /* the session's document (env.doc at the start) */
  int env_ref;         /* registry refs: the environment, */
  int docud_ref;       /* the handle of doc, */
  int show_ref;        /* and the display function */
  luactx ctx;
  int write_failed;
};

/* How results look: one line per value kind a script author meets, and
 * never an error (a closed document shows as closed).  classof(v) names a
 * lede userdata's class.  Top-level strings print raw, as in lua.c. */
static const char prelude[] =
    "local classof = ...\n"
    "local fmt, concat, sort, type, tostring, rawget, rawlen, next, pcall ="
    "  string.format, table.concat, table.sort, type, tostring, rawget, rawlen, next, pcall\n"
    "local function quote(s, n)\n"
    "  s = s:gsub('%s+', ' ')\n"
    "  if #s > n then\n"
    "    local cut = n\n"
    "    while cut > 1 and (s:byte(cut + 1) or 0) >= 0x80 and (s:byte(cut + 1) or 0) < 0xC0 do cut = cut - 1 end\n"
    "    s = s:sub(1, cut):gsub(' $', '') .. '...'\n"
    "  end\n"
    "  return '\"' .. s:gsub('[\\\\\"]', '\\\\%0') .. '\"'\n"
    "end\n"
    "local function item(v, cls)\n"
    "  if cls == 'Document' then\n"
    "    if v.closed then return 'Document (closed)' end\n"
    "    return fmt('Document (%s, %d bytes, %d paragraphs, %d sentences)', v.format, #v.source,\n"
    "               #v.paragraphs, #v.sentences)\n"
    "  elseif cls == 'List' then\n"
    "    return (tostring(v):gsub('^lede%.List%((.*)%)$', 'List of %1'))\n"
    "  elseif cls == 'Word' then\n"
    "    local at = v.start and fmt(', bytes %d-%d', v.start, v.stop) or ''\n"
    "    return fmt('Word %d (sentence %d%s) %s', v.index, v.sentence.index, at, quote(v.text, 40))\n"
    "  elseif v.removed then return fmt('%s %d (removed)', cls, v.index)\n"
    "  elseif cls == 'Paragraph' then\n"
    "    local kind = v.kind == 'paragraph' and '' or v.kind .. (v.level and (' ' .. v.level) or '') .. ', '\n"
    "    return fmt('Paragraph %d (%sbytes %d-%d) %s', v.index, kind, v.start, v.stop, quote(v.text, 60))\n"
    "  else\n"
    "    return fmt('Sentence %d (bytes %d-%d%s) %s', v.index, v.start, v.stop,\n"
    "               v.edited and ', edited' or '', quote(v.text, 60))\n"
    "  end\n"
    "end\n"
    "local value\n"
    "local function keyorder(a, b)\n"
    "  local ta, tb = type(a), type(b)\n"
    "  if ta ~= tb then return ta < tb end\n"
    "  if ta == 'number' or ta == 'string' then return a < b end\n"
    "  return tostring(a) < tostring(b)\n"
    "end\n"
    "local function tbl(t, depth, seen)\n"
    "  if seen[t] then return '{<cycle>}' end\n"
    "  if next(t) == nil then return '{}' end\n"
    "  if depth > 2 then return '{...}' end\n"
    "  seen[t] = true\n"
    "  local parts, n = {}, rawlen(t)\n"
    "  for i = 1, n do\n"
    "    if #parts == 20 then break end\n"
    "    parts[#parts + 1] = value(rawget(t, i), depth + 1, seen)\n"
    "  end\n"
    "  local keys = {}\n"
    "  for k in next, t do\n"
    "    if not (math.type(k) == 'integer' and k >= 1 and k <= n) then keys[#keys + 1] = k end\n"
    "  end\n"
    "  sort(keys, keyorder)\n"
    "  for _, k in ipairs(keys) do\n"
    "    if #parts == 20 then parts[#parts + 1] = '...'; break end\n"
    "    local name = type(k) == 'string' and k:match('^[%a_][%w_]*$') and k or '[' .. value(k, 3, seen) .. ']'\n"
    "    parts[#parts + 1] = name .. ' = ' .. value(rawget(t, k), depth + 1, seen)\n"
    "  end\n"
    "  seen[t] = nil\n"
    "  return '{' .. concat(parts, ', ') .. '}'\n"
    "end\n"
    "function value(v, depth, seen)\n"
    "  local t = type(v)\n"
    "  if t == 'string' then return quote(v, 60) end\n"
    "  if t == 'table' then return tbl(v, depth, seen) end\n"
    "  local cls = t == 'userdata' and classof(v)\n"
    "  if cls then\n"
    "    local ok, s = pcall(item, v, cls)\n"
    "    return ok and s or cls .. ' (' .. tostring(s):gsub('^[^:]*:%d+: ', '') .. ')'\n"
    "  end\n"
    "  return tostring(v)\n"
    "end\n"
    "-- A list prints its first items, one a line.\n"
    "local function list(v)\n"
    "  local lines = {value(v, 0, {})}\n"
    "  for i = 1, #v do\n"
    "    if i > 5 then lines[#lines + 1] = fmt('  ... %d more', #v - 5); break end\n"
    "    lines[#lines + 1] = fmt('  [%d] %s', i, value(v[i], 1, {}))\n"
    "  end\n"
    "  return concat(lines, '\\n')\n"
    "end\n"
    "return function(...)\n"
    "  local out = {}\n"
    "  for i = 1, select('#', ...) do\n"
    "    local v = select(i, ...)\n"
    "    if type(v) == 'string' then out[i] = v\n"
    "    elseif type(v) == 'userdata' and classof(v) == 'List' then\n"
    "      local ok, s = pcall(list, v)\n"
    "      out[i] = ok and s or tostring(v)\n"
    "    else out[i] = value(v, 0, {}) end\n"
    "  end\n"
    "  return concat(out, '\\t')\n"
    "end\n";

/* classof(v): "Document", "Paragraph", "Sentence", "Word", "List" or nil. */
static int l_classof(lua_State *L) {
  static const char *const mts[] = {"lede.Document", "lede.Paragraph", "lede.Sentence",
                                    "lede.Word", "lede.List"};
  for (size_t i = 0; i < sizeof mts / sizeof mts[0]; i++)
    if (luaL_testudata(L, 1, mts[i])) {
      lua_pushstring(L, mts[i] + 5);
      return 1;
    }
  return 0;
}

static int session_write(void *ud, const char *p, size_t n) {
  session *s = ud;
  if (s->e->out_fn(s->e->out_ud, p, n)) s->write_failed = 1;
  return s->write_failed;
}

/* print() at the prompt shows on the output, next to the results. */
static int l_print(lua_State *L) {
  session *s = lua_touserdata(L, lua_upvalueindex(1));
  sandbox_print_line(L); /* [.. line] */
  size_t len;
  const char *p = lua_tolstring(L, -1, &len);
  session_write(s, p, len);
  return 0;
}

/* The budget's on_stop: the hook fires at the next instruction of
 * whatever Lua code runs, so a pcall in the input cannot catch the stop. */
static void stop_input(void *ud) {
  session *s = ud;
  sandbox_stop(s->L);
}

/* Each input gets the instruction and time limits afresh; the memory the
 * session holds stays charged.  The interrupt flag is left alone: see
 * session_clear_interrupt(). */
static void reset_limits(session *s) {
  lede_engine *e = s->e;
  size_t used = e->budget.used;
  e->run_max_memory = e->opt.max_memory;
  e->run_max_instructions = e->opt.max_instructions;
  e->run_timeout = e->opt.timeout;
  budget_start(&e->budget, e->run_max_memory, e->run_max_instructions, e->run_timeout,
               &e->interrupt);
  e->budget.used = used;
  e->budget.on_stop = stop_input;
  e->budget.ud = s;
  e->last_limit = LIMIT_NONE;
  e->calls = e->allocs = 0;
  e->hit_ceiling = 0;
  if (s->L) sandbox_arm(s->L); /* undoes the sticky hook of a stopped input */
}

/* Sets env.doc (and the registry's handle) to a new handle for d. */
static void push_session_doc(lua_State *L, session *s, lede_doc *d) {
  ldoc_pushdoc(L, d, 0); /* [.. doc]: the session frees d, not Lua */
  lua_pushvalue(L, -1);
  lua_rawseti(L, LUA_REGISTRYINDEX, s->docud_ref);
  lua_rawgeti(L, LUA_REGISTRYINDEX, s->env_ref); /* [.. doc env] */
  lua_insert(L, -2);
  lua_setfield(L, -2, "doc"); /* [.. env] */
  lua_pop(L, 1);
}

static int setup_main(lua_State *L) {
  session *s = lua_touserdata(L, 1);
  lua_settop(L, 0);
  luactx_set(L, &s->ctx);
  sandbox_env(L, s->e->opt.sandbox); /* [env] */
  lua_pushlightuserdata(L, s);
  lua_pushcclosure(L, l_print, 1);
  lua_setfield(L, 1, "print");
  lua_newtable(L);
  lua_setfield(L, 1, "args"); /* as a script sees it, without options */
  lua_pushvalue(L, 1);
  s->env_ref = luaL_ref(L, LUA_REGISTRYINDEX); /* [env] */
  lua_pushboolean(L, 0);
  s->docud_ref = luaL_ref(L, LUA_REGISTRYINDEX);
  push_session_doc(L, s, s->doc);
  /* The display code sees the real globals, which the prompt cannot
   * reach (sandboxed) and so cannot break. */
  if (luaL_loadbufferx(L, prelude, sizeof prelude - 1, "=repl", "t") != LUA_OK)
    return lua_error(L);
  lua_pushcfunction(L, l_classof);
  lua_call(L, 1, 1); /* [env show] */
  s->show_ref = luaL_ref(L, LUA_REGISTRYINDEX);
  return 0;
}

/* The message of a failed input, as the engine's error. */
static lede_status failed(session *s, int st) {
  lede_engine *e = s->e;
  lua_State *L = s->L;
  const char *msg = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
  lede_status r;
  switch (e->budget.hit) {
  case LIMIT_INTERRUPT: r = engine_error(e, LEDE_EINTERRUPT, "interrupted"); break;
  case LIMIT_INSTRUCTIONS:
    r = engine_error(e, LEDE_ELIMIT, "stopped: instruction limit of %lu reached",
                     e->opt.max_instructions);
    break;
  case LIMIT_TIME:
    r = engine_error(e, LEDE_ELIMIT, "stopped: time limit of %g seconds reached", e->opt.timeout);
    break;
  case LIMIT_MEMORY:
    r = engine_error(e, LEDE_ELIMIT, "stopped: memory limit of %zu MB reached (free some globals)",
                     e->opt.max_memory >> 20);
    break;
  default:
    if (st == LUA_ERRMEM) r = engine_error(e, LEDE_ENOMEM, "out of memory");
    else r = engine_error(e, LEDE_ESCRIPT, "%s", msg ? msg : "error (not a string)");
  }
  lua_settop(L, 0);
  return r;
}

lede_status session_new(lede_engine *e, lede_doc *doc, session **out) {
  *out = NULL;
  if (!e || !e->out_fn) {
    lede_doc_free(doc);
    return LEDE_EINVAL;
  }
  session *s = calloc(1, sizeof *s);
  if (!doc) doc = doc_new("", 0, LEDE_FORMAT_TEXT);
  if (!s || !doc) {
    free(s);
    doc_free(doc);
    return engine_error(e, LEDE_ENOMEM, "out of memory");
  }
  s->e = e;
  s->doc = doc;
  s->ctx.base_abbrevs = e->abbrevs; /* copied by the first add */
  s->ctx.budget = &e->budget;
  s->ctx.max_input = e->opt.max_input;
  s->ctx.write = session_write;
  s->ctx.write_ud = s;
  s->ctx.engine = e;
  dbuf_init(&s->ctx.scratch, &e->budget);
  e->budget.used = 0;
  reset_limits(s);
  doc->budget = &e->budget;
  s->L = lua_newstate(sandbox_alloc, e);
  if (!s->L) {
    session_free(s);
    return engine_error(e, LEDE_ENOMEM, "cannot create a Lua state: out of memory");
  }
  e->L = s->L;
  sandbox_arm(s->L);
  lua_pushcfunction(s->L, setup_main);
  lua_pushlightuserdata(s->L, s);
  int st = lua_pcall(s->L, 1, 0, 0);
  if (st != LUA_OK) {
    lede_status r = failed(s, st);
    session_free(s);
    return r;
  }
  *out = s;
  return LEDE_OK;
}

void session_free(session *s) {
  if (!s) return;
  if (s->L) lua_close(s->L);
  if (s->e->L == s->L) s->e->L = NULL;
  doc_free(s->doc);
  dbuf_free(&s->ctx.scratch);
  abbrevs_free(s->ctx.abbrevs);
  free(s);
}

void session_interrupt(session *s) { atomic_store(&s->e->interrupt, 1); }

void session_clear_interrupt(session *s) { atomic_store(&s->e->interrupt, 0); }

typedef struct eval_args {
  session *s;
  const char *code;
  size_t len;
  int incomplete;
} eval_args;

/* Whether a syntax error only says the input ended too soon. */
static int at_eof(lua_State *L) {
  size_t n;
  const char *msg = lua_tolstring(L, -1, &n);
  return msg && n >= 5 && strcmp(msg + n - 5, "<eof>") == 0;
}

static int eval_main(lua_State *L) {
  eval_args *a = lua_touserdata(L, 1);
  session *s = a->s;
  lua_settop(L, 0);
  luaL_Buffer b; /* "return CODE": an expression shows its values */
  luaL_buffinit(L, &b);
  luaL_addstring(&b, "return ");
  luaL_addlstring(&b, a->code, a->len);
  luaL_pushresult(&b); /* [ret] */
  size_t rl;
  const char *ret = lua_tolstring(L, 1, &rl);
  if (luaL_loadbufferx(L, ret, rl, "=stdin", "t") != LUA_OK) { /* [ret err] */
    lua_settop(L, 0);
    if (luaL_loadbufferx(L, a->code, a->len, "=stdin", "t") != LUA_OK) {
      if (at_eof(L)) {
        a->incomplete = 1;
        return 0;
      }
      return lua_error(L);
    }
  } else {
    lua_remove(L, 1);
  }
  /* [f] */
  lua_rawgeti(L, LUA_REGISTRYINDEX, s->env_ref);
  if (!lua_setupvalue(L, 1, 1)) lua_pop(L, 1); /* _ENV */
  lua_call(L, 0, LUA_MULTRET);
  int n = lua_gettop(L);
  if (n == 0) return 0;
  lua_rawgeti(L, LUA_REGISTRYINDEX, s->show_ref);
  lua_insert(L, 1);
  lua_call(L, n, 1); /* [text] */
  lua_pushliteral(L, "\n");
  lua_concat(L, 2);
  size_t len;
  const char *p = lua_tolstring(L, -1, &len);
  session_write(s, p, len);
  return 0;
}

session_result session_eval(session *s, const char *code, size_t len) {
  lede_engine *e = s->e;
  engine_clear_error(e);
  reset_limits(s);
  eval_args a = {s, code, len, 0};
  lua_pushcfunction(s->L, eval_main);
  lua_pushlightuserdata(s->L, &a);
  int st = lua_pcall(s->L, 1, 0, 0);
  if (st != LUA_OK) {
    failed(s, st);
    return SESSION_ERROR;
  }
  lua_settop(s->L, 0);
  if (e->budget.hit != LIMIT_NONE) { /* stopped in C code that returned normally */
    lua_pushnil(s->L);
    failed(s, LUA_ERRRUN);
    return SESSION_ERROR;
  }
  return a.incomplete ? SESSION_INCOMPLETE : SESSION_DONE;
}

typedef struct doc_args {
  session *s;
  lede_doc *doc;
  const char *fmt;
} doc_args;

static int set_doc_main(lua_State *L) {
  doc_args *a = lua_touserdata(L, 1);
  session *s = a->s;
  lua_rawgeti(L, LUA_REGISTRYINDEX, s->docud_ref);
  ldoc_detach(L, -1); /* old handles now say "closed document" */
  lua_pop(L, 1);
  doc_free(s->doc);
  s->doc = a->doc;
  a->doc = NULL;
  push_session_doc(L, s, s->doc);
  return 0;
}

lede_status session_set_doc(session *s, lede_doc *d) {
  engine_clear_error(s->e);
  reset_limits(s);
  d->budget = &s->e->budget;
  doc_args a = {s, d, NULL};
  lua_pushcfunction(s->L, set_doc_main);
  lua_pushlightuserdata(s->L, &a);
  int st = lua_pcall(s->L, 1, 0, 0);
  doc_free(a.doc); /* still ours only when the swap never happened */
  return st == LUA_OK ? LEDE_OK : failed(s, st);
}

static int render_main(lua_State *L) {
  doc_args *a = lua_touserdata(L, 1);
  lede_format f;
  if (lede_format_parse(a->fmt, &f) != LEDE_OK)
    return luaL_error(L, "format must be text, markdown, html or json, not '%s'", a->fmt);
  lua_rawgeti(L, LUA_REGISTRYINDEX, a->s->env_ref);
  lua_getfield(L, -1, "doc"); /* [.. env doc]: whatever `doc` is now */
  lede_doc *d = ldoc_todoc(L, -1);
  if (!d) return luaL_error(L, "doc is not an open document");
  ldoc_render(L, d, f, 0); /* [.. s] */
  size_t n;
  const char *p = lua_tolstring(L, -1, &n);
  session_write(a->s, p, n);
  if (n && p[n - 1] != '\n') session_write(a->s, "\n", 1);
  return 0;
}

lede_status session_render(session *s, const char *fmt) {
  engine_clear_error(s->e);
  reset_limits(s);
  doc_args a = {s, NULL, fmt};
  lua_pushcfunction(s->L, render_main);
  lua_pushlightuserdata(s->L, &a);
  int st = lua_pcall(s->L, 1, 0, 0);
  return st == LUA_OK ? LEDE_OK : failed(s, st);
}
