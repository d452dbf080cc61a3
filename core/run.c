/* run.c -- running one script on one document: a Lua state, the
 * sandbox, limits, the script's arguments and its output.
 *
 * Every run gets an environment of its own (sandbox_env: fresh globals
 * and fresh copies of every library table), so nothing a script does
 * reaches the next run or the next document.  A sandboxed run that ends
 * well leaves its state to the engine's next run, garbage collected:
 * opening the libraries again would cost more than a 4 KB document's
 * whole processing (issue 14's JSON Lines batches run one small record
 * after the other).  A run that fails for any reason (a script error, a
 * limit, memory) closes its state, so no half-done C call survives in
 * it; so does a trusted run, whose script could change anything.  A
 * prepared script (script.c) skips only the compilation: its bytecode
 * was dumped by us from source text, never taken from a script, so
 * loading it in mode "b" reopens nothing. */
#include <lauxlib.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "doc.h"
#include "engine.h"
#include "lua_doc.h"
#include "lua_lede.h"
#include "run.h"
#include "sandbox.h"

typedef struct run_sink {
  lede_output_fn fn; /* the run's callback, else the engine's, else NULL */
  void *ud;
  dbuf buf;          /* collected output when there is no callback */
  int failed;
} run_sink;

/* Where a run's output goes: the host's callback (which may refuse, and
 * then the run stops with LEDE_EIO), or a budget-charged buffer handed to
 * the host at the end -- only if the run succeeded, never half-written. */
static int sink_write(void *ud, const char *s, size_t n) {
  run_sink *k = ud;
  if (k->fn) {
    if (k->fn(k->ud, s, n)) k->failed = 1;
  } else {
    dbuf_put(&k->buf, s, n);
    if (k->buf.failed) k->failed = 1;
  }
  return k->failed;
}

/* What run_main (inside the protected call) needs; on the C stack of
 * run_code_on, which outlives the state. */
typedef struct run_args {
  lede_engine *e;
  const run_code *code;
  lede_doc *doc;
  const lede_run_options *ro;
  run_sink *sink;
  luactx *ctx;
  int load_failed; /* the chunk did not compile: no traceback to show */
} run_args;

/* Renders d into the sink without a Lua string copy of the output.  With
 * a callback, a renderer that commits (dbuf_commit) streams its output
 * through it in DBUF_DRAIN pieces instead of holding it whole. */
static void render_to_sink(lua_State *L, run_args *a, lede_doc *d) {
  dbuf stream, *b = &a->sink->buf;
  if (a->sink->fn) {
    dbuf_init(&stream, a->ctx->scratch.budget);
    stream.drain = sink_write;
    stream.drain_ud = a->sink;
    b = &stream;
  }
  int st = doc_render(d, a->ro->to, a->ro->render_flags, b);
  if (!st && !b->failed && a->sink->fn && b->n && sink_write(a->sink, b->p, b->n))
    b->failed = LEDE_EIO;
  int failed = b->failed;
  if (a->sink->fn) dbuf_free(&stream);
  /* raised only now: luaL_error does not return, and stream is freed */
  if (st == LEDE_EINVAL) luaL_error(L, "cannot render a %s document as requested",
                                    lede_format_name(d->format));
  if (failed == LEDE_EIO) luaL_error(L, "cannot write output");
  if (st == LEDE_ELIMIT && !failed)
    luactx_raise_limit(L, a->e->budget.hit ? a->e->budget.hit : LIMIT_TIME, 1);
  if (st || failed) luaL_error(L, "script exceeded memory limit");
}

/* Loads the chunk: source text (mode "t", as every script), or bytecode
 * that script.c dumped from source text. */
static int load_chunk(lua_State *L, const run_code *c) {
  if (c->bytecode) return luaL_loadbufferx(L, c->text, c->len, c->name, "b");
  if (c->text) return luaL_loadbufferx(L, c->text, c->len, c->name, "t");
  return luaL_loadfilex(L, c->name, "t");
}

/* Everything Lua-side runs protected inside this function, so even a
 * memory error while opening libraries is reported, never fatal. */
static int run_main(lua_State *L) {
  run_args *a = lua_touserdata(L, 1);
  lua_settop(L, 0);
  luactx_set(L, a->ctx);
  sandbox_env(L, a->e->opt.sandbox); /* [env] */
  if (load_chunk(L, a->code) != LUA_OK) { /* syntax error or unreadable */
    a->load_failed = 1;
    return lua_error(L);
  }
  /* [env f] */
  lua_pushvalue(L, 1);
  if (!lua_setupvalue(L, -2, 1)) lua_pop(L, 1); /* _ENV */
  if (a->doc) {
    ldoc_pushdoc(L, a->doc, 0); /* the host owns it */
  } else {
    ldoc_pushdoc(L, NULL, 1);
    lede_doc *empty = doc_new("", 0, LEDE_FORMAT_TEXT);
    if (!empty) return luaL_error(L, "not enough memory");
    empty->budget = &a->e->budget;
    ldoc_adopt(L, -1, empty);
  }
  lua_rotate(L, 2, 1); /* [env doc f]: the handle stays at 2 after the call */
  int docidx = 2;
  lua_pushvalue(L, docidx);
  lua_createtable(L, 0, (int)a->ro->nargs); /* [env doc f doc args] */
  for (size_t i = 0; i < a->ro->nargs; i++) {
    lua_pushstring(L, a->ro->args[i].value ? a->ro->args[i].value : "true");
    lua_setfield(L, -2, a->ro->args[i].key);
  }
  /* Unprotected here on purpose: run_main itself runs under the pcall
   * with the traceback handler, so the script's error keeps its
   * traceback.  [env doc result] */
  lua_call(L, 2, 1);
  int t = lua_type(L, -1);
  if (t == LUA_TSTRING) {
    size_t n;
    const char *s = lua_tolstring(L, -1, &n);
    if (n && sink_write(a->sink, s, n)) return luaL_error(L, "cannot write output");
  } else if (t == LUA_TNIL) {
    if (!a->ctx->wrote) {
      lede_doc *d = ldoc_todoc(L, docidx);
      if (!d) /* doc:close() leaves nothing to render */
        return luaL_error(L, "script closed the document and returned no output");
      render_to_sink(L, a, d);
    }
  } else if (ldoc_todoc(L, -1)) {
    render_to_sink(L, a, ldoc_todoc(L, -1));
  } else if (ldoc_isdoc(L, -1)) {
    return luaL_error(L, "script returned a closed document");
  } else {
    return luaL_error(L, "script returned a %s: return a string, the document or nothing",
                      luaL_typename(L, -1));
  }
  /* The host's document outlives the state; a handle a script kept in a
   * global must not reach it from a __gc at lua_close. */
  ldoc_detach(L, docidx);
  return 0;
}

/* The final message of a stopped run names the limit and its value; the
 * traceback of the in-script message follows it. */
static lede_status limit_error(lede_engine *e, const char *detail) {
  const char *nl = detail ? strchr(detail, '\n') : NULL;
  const char *tb = nl ? nl : "";
  e->last_limit = e->budget.hit ? e->budget.hit : LIMIT_MEMORY;
  switch (e->last_limit) {
  case LIMIT_INSTRUCTIONS:
    return engine_error(e, LEDE_ELIMIT, "script exceeded instruction limit of %lu%s",
                        e->run_max_instructions, tb);
  case LIMIT_TIME:
    return engine_error(e, LEDE_ELIMIT, "script exceeded time limit of %g seconds%s",
                        e->run_timeout, tb);
  case LIMIT_INTERRUPT:
    return engine_error(e, LEDE_EINTERRUPT, "script interrupted by the host%s", tb);
  default:
    if (e->run_max_memory % (1u << 20) == 0)
      return engine_error(e, LEDE_ELIMIT, "script exceeded memory limit of %zu MB%s",
                          e->run_max_memory >> 20, tb);
    return engine_error(e, LEDE_ELIMIT, "script exceeded memory limit of %zu bytes%s",
                        e->run_max_memory, tb);
  }
}

/* Every argument of a run is checked before anything is set up: a bad
 * one is LEDE_EINVAL naming it, never a crash in the middle of a run. */
static lede_status check_run_options(lede_engine *e, const lede_run_options *ro) {
  if (ro->nargs && !ro->args)
    return engine_error(e, LEDE_EINVAL, "run options: args is NULL but nargs is %zu", ro->nargs);
  for (size_t i = 0; i < ro->nargs; i++)
    if (!ro->args[i].key)
      return engine_error(e, LEDE_EINVAL, "run options: args[%zu].key is NULL", i);
  if (ro->nfiles && !ro->files)
    return engine_error(e, LEDE_EINVAL, "run options: files is NULL but nfiles is %zu", ro->nfiles);
  for (size_t i = 0; i < ro->nfiles; i++)
    if (!ro->files[i])
      return engine_error(e, LEDE_EINVAL, "run options: files[%zu] is NULL", i);
  if (ro->to != LEDE_FORMAT_AUTO && !lede_format_name(ro->to))
    return engine_error(e, LEDE_EINVAL, "run options: to = %d is not a lede_format", (int)ro->to);
  if (ro->render_flags & ~(LEDE_RENDER_UNSAFE | LEDE_RENDER_STANDALONE))
    return engine_error(e, LEDE_EINVAL, "run options: unknown render_flags 0x%x",
                        ro->render_flags & ~(LEDE_RENDER_UNSAFE | LEDE_RENDER_STANDALONE));
  if (!(ro->timeout >= 0))
    return engine_error(e, LEDE_EINVAL, "run options: timeout %g is not a number of seconds >= 0",
                        ro->timeout);
  return LEDE_OK;
}

/* The budget's on_stop: once a limit is hit, the hook fires at the next
 * instruction of whatever Lua code runs (see sandbox_stop). */
static void stop_run(void *ud) {
  lede_engine *e = ud;
  if (e->L) sandbox_stop(e->L);
}

/* The bytes L's heap holds (Lua counts them exactly). */
static size_t state_bytes(lua_State *L) {
  return (size_t)lua_gc(L, LUA_GCCOUNT, 0) * 1024 + (size_t)lua_gc(L, LUA_GCCOUNTB, 0);
}

/* Past this, a kept state is closed instead: one run that left, say, a
 * huge string table behind should not weigh on every later one. */
#define POOL_MAX_BYTES ((size_t)1 << 20)

/* After a run: keeps L for the engine's next run, or closes it.  What the
 * run made is unreachable once the stack is cleared (its environment was
 * on it), and a full collection frees it now, while the run's context
 * and budget still exist for the finalizers of its documents and
 * buffers. */
static void keep_or_close(lede_engine *e, lua_State *L, int ok) {
  if (ok && e->opt.sandbox && !e->budget.hit) {
    lua_settop(L, 0);
    lua_gc(L, LUA_GCCOLLECT);
    luactx_set(L, NULL); /* the run's context is gone after return */
    /* A pool already there came from a run inside this one (a host
     * function running a script on its own engine): one state is kept. */
    if (!e->budget.hit && !e->pool && state_bytes(L) <= POOL_MAX_BYTES) {
      e->pool = L;
      return;
    }
  }
  lua_close(L);
}

lede_status run_code_on(lede_engine *e, const run_code *code, lede_doc *doc,
                        const lede_run_options *ro, char **out, size_t *outlen) {
  static const lede_run_options none = {0};
  if (!ro) ro = &none;
  if (out) *out = NULL;
  if (outlen) *outlen = 0;
  e->last_limit = LIMIT_NONE;
  lede_status vst = check_run_options(e, ro);
  if (vst) return vst;
  /* A per-run limit replaces the engine's; the extreme values mean none. */
  e->run_max_memory = ro->max_memory ? ro->max_memory : e->opt.max_memory;
  if (e->run_max_memory == SIZE_MAX) e->run_max_memory = 0;
  e->run_max_instructions = ro->max_instructions ? ro->max_instructions : e->opt.max_instructions;
  if (e->run_max_instructions == ULONG_MAX) e->run_max_instructions = 0;
  e->run_timeout = ro->timeout > 0 ? ro->timeout : e->opt.timeout;
  if (e->run_timeout > 1e9) e->run_timeout = 0;
  /* An interrupt aimed at an earlier run must not stop this one. */
  atomic_store(&e->interrupt, 0);
  budget_start(&e->budget, e->run_max_memory, e->run_max_instructions, e->run_timeout,
               &e->interrupt);
  e->budget.on_stop = stop_run;
  e->budget.ud = e;
  e->calls = e->allocs = 0;
  e->hit_ceiling = 0;
  run_sink sink = {.fn = ro->output ? ro->output : e->out_fn,
                   .ud = ro->output ? ro->output_ud : e->out_ud};
  dbuf_init(&sink.buf, &e->budget);
  luactx ctx;
  memset(&ctx, 0, sizeof ctx);
  ctx.base_abbrevs = e->abbrevs; /* copied by the script's first add */
  ctx.budget = &e->budget;
  ctx.max_input = e->opt.max_input;
  ctx.write = sink_write;
  ctx.write_ud = &sink;
  ctx.engine = e;
  ctx.run = ro;
  dbuf_init(&ctx.scratch, &e->budget);

  /* Taken from the engine: it goes back only after a clean run. */
  lua_State *L = e->pool;
  e->pool = NULL;
  if (L) {
    /* The kept state's heap counts against this run's limit, as the
     * libraries of a new state would. */
    e->budget.used = state_bytes(L);
  } else {
    L = lua_newstate(sandbox_alloc, e);
    /* The engine is the allocator's ud: the hook and the allocator find
     * the run's budget through it, with no global state. */
    if (!L) {
      if (e->budget.hit) return limit_error(e, NULL);
      return engine_error(e, LEDE_ENOMEM, "cannot create a Lua state: out of memory");
    }
  }
  e->L = L;
  sandbox_arm(L);
  /* Edits the script makes to the host's document are charged to this
   * run; the document's own pointer is put back after, so it never points
   * at a budget that is gone. */
  run_budget *saved = doc ? doc->budget : NULL;
  if (doc) doc->budget = &e->budget;

  run_args a = {e, code, doc, ro, &sink, &ctx, 0};
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
  /* Lua-owned documents die with the state, or at its collection, while
   * the budget they charge is still alive; the host's document keeps its
   * edits. */
  keep_or_close(e, L, st == LUA_OK && result == LEDE_OK);
  e->L = NULL;
  if (doc) doc->budget = saved;
  dbuf_free(&ctx.scratch);
  abbrevs_free(ctx.abbrevs);
  if (result == LEDE_OK && !sink.fn) {
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
  if (out) *out = NULL;
  if (outlen) *outlen = 0;
  if (!e) return LEDE_EINVAL;
  engine_clear_error(e);
  if (!path) return engine_error(e, LEDE_EINVAL, "lede_run_file: path is NULL");
  run_code c = {path, NULL, 0, 0};
  return run_code_on(e, &c, doc, ro, out, outlen);
}

lede_status lede_run_string(lede_engine *e, const char *name, const char *code,
                            size_t len, lede_doc *doc,
                            const lede_run_options *ro, char **out,
                            size_t *outlen) {
  if (out) *out = NULL;
  if (outlen) *outlen = 0;
  if (!e) return LEDE_EINVAL;
  engine_clear_error(e);
  if (!code && len)
    return engine_error(e, LEDE_EINVAL, "lede_run_string: code is NULL but len is %zu", len);
  char *chunk = run_chunk_name(name);
  if (!chunk) return engine_error(e, LEDE_ENOMEM, "out of memory");
  run_code c = {chunk, code ? code : "", len, 0};
  lede_status st = run_code_on(e, &c, doc, ro, out, outlen);
  free(chunk);
  return st;
}

char *run_chunk_name(const char *name) {
  /* "@name" makes messages read name:line: like files do. */
  size_t nl = strlen(name ? name : "script") + 2;
  char *chunk = malloc(nl);
  if (chunk) {
    chunk[0] = '@';
    memcpy(chunk + 1, name ? name : "script", nl - 1);
  }
  return chunk;
}
