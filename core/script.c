/* script.c -- prepared scripts: compile once, run many times.
 *
 * A prepared script holds the bytecode of its source, dumped by us right
 * after compiling it in mode "t"; each run loads that bytecode into the
 * run's state instead of compiling the text again.  Bytecode is
 * refused everywhere else (scripts cannot load it: mode "t"), and this is
 * no exception in spirit: the bytes never came from a script, only from
 * Lua's own compiler in this process, so loading them is equivalent to
 * compiling the source.  The handle is immutable once made, so any number
 * of engines on any threads may run it at once. */
#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "engine.h"
#include "run.h"

struct lede_script {
  char *name;  /* chunk name, "@name" */
  char *code;  /* bytecode */
  size_t len;
};

/* Compiling runs no script code, but a huge source still takes memory:
 * the compiler's state is held to the engine's memory limit. */
typedef struct compile_alloc {
  size_t used, limit;
} compile_alloc;

static void *capped_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
  compile_alloc *c = ud;
  if (ptr == NULL) osize = 0; /* osize is a type tag then */
  if (nsize == 0) {
    free(ptr);
    c->used -= osize;
    return NULL;
  }
  if (nsize > osize && c->limit && nsize - osize > c->limit - c->used) return NULL;
  void *p = realloc(ptr, nsize);
  if (p) c->used = c->used - osize + nsize;
  return p;
}

static int dump_writer(lua_State *L, const void *p, size_t n, void *ud) {
  (void)L;
  dbuf_put(ud, p, n);
  return ((dbuf *)ud)->failed;
}

/* Compiles [text or file] and dumps it into *s; 0 or a status with e's
 * message set.  Debug information is kept: error messages and tracebacks
 * of prepared runs name the same lines as source runs. */
static lede_status compile_into(lede_engine *e, const char *chunk, const char *text, size_t len,
                                lede_script *s) {
  compile_alloc ca = {0, e->opt.max_memory};
  lua_State *L = lua_newstate(capped_alloc, &ca);
  if (!L) return engine_error(e, LEDE_ENOMEM, "out of memory");
  int st = text ? luaL_loadbufferx(L, text, len, chunk, "t")
                : luaL_loadfilex(L, chunk, "t");
  if (st != LUA_OK) {
    lede_status r = st == LUA_ERRMEM
                        ? engine_error(e, LEDE_ENOMEM, "out of memory compiling the script")
                        : engine_error(e, LEDE_ESCRIPT, "%s",
                                       lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1)
                                                                      : "cannot load the script");
    lua_close(L);
    return r;
  }
  dbuf b;
  dbuf_init(&b, NULL);
  lua_dump(L, dump_writer, &b, 0);
  lua_close(L);
  s->code = dbuf_take(&b, &s->len);
  if (!s->code) return engine_error(e, LEDE_ENOMEM, "out of memory");
  return LEDE_OK;
}

static lede_status compile(lede_engine *e, const char *name, const char *text, size_t len,
                           lede_script **out) {
  lede_script *s = calloc(1, sizeof *s);
  if (!s) return engine_error(e, LEDE_ENOMEM, "out of memory");
  /* Files are named as luaL_loadfilex names them, "@path"; the bytecode
   * carries the name for messages in both cases. */
  s->name = run_chunk_name(name);
  if (!s->name) {
    free(s);
    return engine_error(e, LEDE_ENOMEM, "out of memory");
  }
  lede_status st = compile_into(e, text ? s->name : name, text, len, s);
  if (st) {
    lede_script_free(s);
    return st;
  }
  *out = s;
  return LEDE_OK;
}

lede_status lede_script_compile(lede_engine *e, const char *name, const char *code, size_t len,
                                lede_script **out) {
  if (out) *out = NULL;
  if (!e) return LEDE_EINVAL;
  engine_clear_error(e);
  if (!out) return engine_error(e, LEDE_EINVAL, "lede_script_compile: out is NULL");
  if (!code && len)
    return engine_error(e, LEDE_EINVAL, "lede_script_compile: code is NULL but len is %zu", len);
  return compile(e, name ? name : "script", code ? code : "", len, out);
}

lede_status lede_script_compile_file(lede_engine *e, const char *path, lede_script **out) {
  if (out) *out = NULL;
  if (!e) return LEDE_EINVAL;
  engine_clear_error(e);
  if (!path) return engine_error(e, LEDE_EINVAL, "lede_script_compile_file: path is NULL");
  if (!out) return engine_error(e, LEDE_EINVAL, "lede_script_compile_file: out is NULL");
  return compile(e, path, NULL, 0, out);
}

lede_status lede_script_run(lede_engine *e, const lede_script *s, lede_doc *doc,
                            const lede_run_options *ro, char **out, size_t *outlen) {
  if (out) *out = NULL;
  if (outlen) *outlen = 0;
  if (!e) return LEDE_EINVAL;
  engine_clear_error(e);
  if (!s) return engine_error(e, LEDE_EINVAL, "lede_script_run: script is NULL");
  run_code c = {s->name, s->code, s->len, 1};
  return run_code_on(e, &c, doc, ro, out, outlen);
}

void lede_script_free(lede_script *s) {
  if (!s) return;
  free(s->name);
  free(s->code);
  free(s);
}
