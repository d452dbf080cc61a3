/* run.c -- running one script on one document: a fresh Lua state, the
 * sandbox, limits, the script's arguments and its output. */
#include <lauxlib.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "doc.h"
#include "engine.h"
#include "lua_doc.h"
#include "sandbox.h"

typedef struct run_sink {
  lede_engine *e;
  dbuf buf; /* collected output when the engine has no callback */
  int failed;
} run_sink;

static int sink_write(void *ud, const char *s, size_t n) {
  run_sink *k = ud;
  if (k->e->out_fn) {
    if (k->e->out_fn(k->e->out_ud, s, n)) k->failed = 1;
  } else {
    dbuf_put(&k->buf, s, n);
    if (k->buf.failed) k->failed = 1;
  }
  return k->failed;
}

typedef struct run_args {
  lede_engine *e;
  const char *name; /* chunk name, for messages */
  const char *code; /* NULL: read the file at name */
  size_t len;
  lede_doc *doc;
  const lede_run_options *ro;
  run_sink *sink;
  lede_luactx *ctx;
  int load_failed; /* the chunk did not compile: no traceback to show */
} run_args;

/* Renders d into the sink without a Lua string copy of the output. */
static void render_to_sink(lua_State *L, run_args *a, lede_doc *d) {
  lede_format fmt = a->ro->to;
  /* Only JSON lists sentences: see lede_lua_render. */
  if (fmt == LEDE_FORMAT_JSON && !d->segmented && doc_segment(d, a->ctx->abbrevs))
    luaL_error(L, "script exceeded memory limit");
  dbuf *b = a->e->out_fn ? &a->ctx->scratch : &a->sink->buf;
  if (b == &a->ctx->scratch) b->n = 0;
  int st = doc_render(d, fmt, a->ro->render_flags, b);
  if (st == LEDE_EINVAL) luaL_error(L, "cannot render a %s document as requested",
                                    d->format == LEDE_FORMAT_MARKDOWN ? "markdown" : "text");
  if (st || b->failed) luaL_error(L, "script exceeded memory limit");
  if (a->e->out_fn) {
    if (b->n && sink_write(a->sink, b->p, b->n)) luaL_error(L, "cannot write output");
    dbuf_free(b);
  }
}

/* Everything Lua-side runs protected inside this function, so even a
 * memory error while opening libraries is reported, never fatal. */
static int run_main(lua_State *L) {
  run_args *a = lua_touserdata(L, 1);
  lua_settop(L, 0);
  lede_lua_setctx(L, a->ctx);
  sandbox_env(L, a->e->opt.sandbox); /* [env] */
  int st = a->code ? luaL_loadbufferx(L, a->code, a->len, a->name, "t")
                   : luaL_loadfilex(L, a->name, "t");
  if (st != LUA_OK) { /* syntax error or unreadable */
    a->load_failed = 1;
    return lua_error(L);
  }
  /* [env f] */
  lua_pushvalue(L, 1);
  if (!lua_setupvalue(L, -2, 1)) lua_pop(L, 1); /* _ENV */
  if (a->doc) {
    lede_lua_pushdoc(L, a->doc, 0); /* the host owns it */
  } else {
    lede_lua_pushdoc(L, NULL, 1);
    lede_doc *empty = doc_new("", 0, LEDE_FORMAT_TEXT);
    if (!empty) return luaL_error(L, "not enough memory");
    empty->budget = &a->e->budget;
    *(lede_doc **)lua_touserdata(L, -1) = empty;
  }
  lua_rotate(L, 2, 1); /* [env doc f] */
  int docidx = 2;
  lua_pushvalue(L, docidx);
  lua_createtable(L, 0, (int)a->ro->nargs); /* [env doc f doc args] */
  for (size_t i = 0; i < a->ro->nargs; i++) {
    lua_pushstring(L, a->ro->args[i].value ? a->ro->args[i].value : "true");
    lua_setfield(L, -2, a->ro->args[i].key);
  }
  lua_call(L, 2, 1); /* [env doc result] */
  int t = lua_type(L, -1);
  if (t == LUA_TSTRING) {
    size_t n;
    const char *s = lua_tolstring(L, -1, &n);
    if (n && sink_write(a->sink, s, n)) return luaL_error(L, "cannot write output");
  } else if (t == LUA_TNIL) {
    if (!a->ctx->wrote) {
      lede_doc *d = lede_lua_todoc(L, docidx);
      if (!d) /* doc:close() leaves nothing to render */
        return luaL_error(L, "script closed the document and returned no output");
      render_to_sink(L, a, d);
    }
  } else if (lede_lua_todoc(L, -1)) {
    render_to_sink(L, a, lede_lua_todoc(L, -1));
  } else if (luaL_testudata(L, -1, "lede.Document")) {
    return luaL_error(L, "script returned a closed document");
  } else {
    return luaL_error(L, "script returned a %s: return a string, the document or nothing",
                      luaL_typename(L, -1));
  }
  lede_lua_detach(L, docidx); /* the host's document outlives the state */
  return 0;
}

static lede_status limit_error(lede_engine *e, const char *detail) {
  const char *nl = detail ? strchr(detail, '\n') : NULL;
  const char *tb = nl ? nl : "";
  switch (e->budget.hit) {
  case 'i':
    return engine_error(e, LEDE_ELIMIT, "script exceeded instruction limit of %lu%s",
                        e->opt.max_instructions, tb);
  case 't':
    return engine_error(e, LEDE_ELIMIT, "script exceeded time limit of %g seconds%s",
                        e->opt.timeout, tb);
  default:
    if (e->opt.max_memory % (1u << 20) == 0)
      return engine_error(e, LEDE_ELIMIT, "script exceeded memory limit of %zu MB%s",
                          e->opt.max_memory >> 20, tb);
    return engine_error(e, LEDE_ELIMIT, "script exceeded memory limit of %zu bytes%s",
                        e->opt.max_memory, tb);
  }
}

static lede_status run(lede_engine *e, const char *name, const char *code,
                       size_t len, lede_doc *doc, const lede_run_options *ro,
                       char **out, size_t *outlen) {
  static const lede_run_options none = {NULL, 0, LEDE_FORMAT_AUTO, 0};
  if (!ro) ro = &none;
  if (out) *out = NULL;
  if (outlen) *outlen = 0;
  e->budget = (lede_budget){0, e->opt.max_memory, sandbox_time_up, e, 0};
  e->steps_left = e->opt.max_instructions ? e->opt.max_instructions : ULONG_MAX;
  e->calls = e->allocs = 0;
  e->hit_ceiling = 0;
  clock_gettime(CLOCK_MONOTONIC, &e->deadline);
  if (e->opt.timeout > 0) {
    double whole = (double)(long)e->opt.timeout;
    e->deadline.tv_sec += (time_t)whole;
    e->deadline.tv_nsec += (long)((e->opt.timeout - whole) * 1e9);
    if (e->deadline.tv_nsec >= 1000000000L) {
      e->deadline.tv_sec++;
      e->deadline.tv_nsec -= 1000000000L;
    }
  }
  run_sink sink = {e, {0}, 0};
  dbuf_init(&sink.buf, &e->budget);
  lede_luactx ctx;
  memset(&ctx, 0, sizeof ctx);
  ctx.abbrevs = abbrevs_clone(e->abbrevs);
  ctx.budget = &e->budget;
  ctx.max_input = e->opt.max_input;
  ctx.write = sink_write;
  ctx.write_ud = &sink;
  ctx.engine = e;
  ctx.run = ro;
  dbuf_init(&ctx.scratch, &e->budget);
  if (!ctx.abbrevs) return engine_error(e, LEDE_ENOMEM, "out of memory");

  lua_State *L = lua_newstate(sandbox_alloc, e);
  if (!L) {
    abbrevs_free(ctx.abbrevs);
    return engine_error(e, e->budget.hit ? LEDE_ELIMIT : LEDE_ENOMEM,
                        "cannot create a Lua state: out of memory");
  }
  e->L = L;
  sandbox_arm(L);
  lede_budget *saved = doc ? doc->budget : NULL;
  if (doc) doc->budget = &e->budget;

  run_args a = {e, name, code, len, doc, ro, &sink, &ctx, 0};
  lua_pushcfunction(L, sandbox_msghandler);
  lua_pushcfunction(L, run_main);
  lua_pushlightuserdata(L, &a);
  int st = lua_pcall(L, 1, 0, 1);
  lede_status result = LEDE_OK;
  if (st != LUA_OK) {
    /* Only a string is read: lua_tostring() would convert a number in
     * place, allocating outside any pcall, where a failure means panic. */
    const char *msg = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
    if (e->budget.hit) result = limit_error(e, msg);
    else if (sink.failed && !sink.buf.failed)
      result = engine_error(e, LEDE_EIO, "cannot write output");
    else if (st == LUA_ERRMEM || sink.buf.failed) /* or the output could not grow */
      result = engine_error(e, LEDE_ENOMEM, "out of memory");
    else if (a.load_failed && msg && strstr(msg, "\nstack traceback:"))
      /* A compile error happened before any script code ran: the
       * traceback would only show the loader. */
      result = engine_error(e, LEDE_ESCRIPT, "%.*s",
                            (int)(strstr(msg, "\nstack traceback:") - msg), msg);
    else
      result = engine_error(e, LEDE_ESCRIPT, "%s", msg ? msg : "script error");
  } else if (e->budget.hit) {
    result = limit_error(e, NULL);
  }
  /* Lua-owned documents die with the state, while the budget they charge
   * is still alive; the host's document keeps its edits. */
  lua_close(L);
  e->L = NULL;
  if (doc) doc->budget = saved;
  dbuf_free(&ctx.scratch);
  abbrevs_free(ctx.abbrevs);
  if (result == LEDE_OK && !e->out_fn) {
    size_t n = sink.buf.n;
    char *p = dbuf_take(&sink.buf, &n);
    if (!p) return engine_error(e, LEDE_ENOMEM, "out of memory");
    if (out) *out = p;
    else free(p);
    if (outlen) *outlen = n;
  } else {
    dbuf_free(&sink.buf);
  }
  return result;
}

lede_status lede_run_file(lede_engine *e, const char *path, lede_doc *doc,
                          const lede_run_options *ro, char **out,
                          size_t *outlen) {
  if (!e || !path) return LEDE_EINVAL;
  engine_clear_error(e);
  return run(e, path, NULL, 0, doc, ro, out, outlen);
}

lede_status lede_run_string(lede_engine *e, const char *name, const char *code,
                            size_t len, lede_doc *doc,
                            const lede_run_options *ro, char **out,
                            size_t *outlen) {
  if (!e || (!code && len)) return LEDE_EINVAL;
  engine_clear_error(e);
  /* "@name" makes messages read name:line: like files do. */
  size_t nl = strlen(name ? name : "script") + 2;
  char *chunk = malloc(nl);
  if (!chunk) return engine_error(e, LEDE_ENOMEM, "out of memory");
  snprintf(chunk, nl, "@%s", name ? name : "script");
  lede_status st = run(e, chunk, code ? code : "", len, doc, ro, out, outlen);
  free(chunk);
  return st;
}
