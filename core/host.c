/* host.c -- lede.host.NAME(...): calling the host's C functions from a
 * script, with string arguments (lede_register) or typed values in both
 * directions (lede_register_typed).
 *
 * Nothing here may raise a Lua error while the host function runs: a
 * longjmp through the host's frames would skip its clean-up.  So the
 * arguments are converted before the call, into a tree held by a Lua
 * userdata (collected even if a later step raises), and the host's answer
 * is recorded in C -- a token stream in the run's scratch buffer -- and
 * turned into Lua values only after the host returned. */
#include "host.h"

#include <lauxlib.h>
#include <string.h>

#include "engine.h"
#include "luactx.h"

#define MAX_ARGS 64   /* string host functions: argv is on the C stack */
#define MAX_DEPTH 64  /* nested tables, both ways: deeper is an error */

/* ---- typed values: script -> host -------------------------------------- */

struct lede_value {
  lede_type type;
  int isint;           /* a Lua integer (i holds it exactly) */
  long long i;
  double num;
  const char *s;       /* strings: BORROWED from Lua, len bytes */
  size_t len;
  size_t n;            /* tables: entries */
  size_t narr;         /* of which the first narr are keys 1..narr */
  struct lede_value *kv; /* tables: 2n nodes, key then value */
};

/* The keys of table idx that are not part of its array 1..narr come from
 * lua_next; narr is the longest run 1, 2, ... of non-nil values. */
static size_t array_len(lua_State *L, int idx) {
  size_t n = 0;
  while (lua_rawgeti(L, idx, (lua_Integer)n + 1) != LUA_TNIL) {
    lua_pop(L, 1);
    n++;
  }
  lua_pop(L, 1);
  return n;
}

static int in_array(lua_State *L, int keyidx, size_t narr) {
  if (!lua_isinteger(L, keyidx)) return 0;
  lua_Integer k = lua_tointeger(L, keyidx);
  return k >= 1 && (size_t)k <= narr;
}

/* Raises for a value the host cannot receive. */
static void bad_value(lua_State *L, const char *fn, int arg, const char *what) {
  luaL_error(L, "lede.host.%s: argument %d: %s", fn, arg, what);
}

/* Nodes the value at idx needs (itself and everything inside). */
static size_t count_nodes(lua_State *L, int idx, int depth, const char *fn, int arg) {
  idx = lua_absindex(L, idx);
  int t = lua_type(L, idx);
  if (t == LUA_TNIL || t == LUA_TBOOLEAN || t == LUA_TNUMBER || t == LUA_TSTRING) return 1;
  if (t != LUA_TTABLE) bad_value(L, fn, arg, lua_pushfstring(L, "cannot pass a %s", luaL_typename(L, idx)));
  if (depth >= MAX_DEPTH) bad_value(L, fn, arg, "tables nested too deep (or a cycle)");
  luaL_checkstack(L, 4, "lede.host");
  size_t narr = array_len(L, idx), total = 1 + narr;
  for (size_t k = 1; k <= narr; k++) {
    lua_rawgeti(L, idx, (lua_Integer)k);
    total += count_nodes(L, -1, depth + 1, fn, arg);
    lua_pop(L, 1);
  }
  lua_pushnil(L);
  while (lua_next(L, idx)) { /* [.. key value] */
    if (!in_array(L, -2, narr)) {
      int kt = lua_type(L, -2);
      if (kt != LUA_TSTRING && kt != LUA_TNUMBER)
        bad_value(L, fn, arg, "table keys must be strings or numbers");
      total += 1 + count_nodes(L, -1, depth + 1, fn, arg);
    }
    lua_pop(L, 1);
  }
  return total;
}

/* Fills *v from the value at idx; tables take their children from *next. */
static void fill_node(lua_State *L, int idx, lede_value *v, lede_value **next) {
  idx = lua_absindex(L, idx);
  memset(v, 0, sizeof *v);
  switch (lua_type(L, idx)) {
  case LUA_TNIL: v->type = LEDE_TNIL; return;
  case LUA_TBOOLEAN:
    v->type = LEDE_TBOOLEAN;
    v->i = lua_toboolean(L, idx);
    return;
  case LUA_TNUMBER:
    v->type = LEDE_TNUMBER;
    v->isint = lua_isinteger(L, idx);
    v->num = (double)lua_tonumber(L, idx);
    v->i = v->isint ? (long long)lua_tointeger(L, idx) : (long long)v->num;
    return;
  case LUA_TSTRING:
    v->type = LEDE_TSTRING;
    v->s = lua_tolstring(L, idx, &v->len); /* anchored by its table or the stack */
    return;
  default: break;
  }
  v->type = LEDE_TTABLE;
  v->narr = array_len(L, idx);
  size_t n = v->narr;
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    if (!in_array(L, -2, v->narr)) n++;
    lua_pop(L, 1);
  }
  v->n = n;
  v->kv = *next;
  *next += 2 * n;
  size_t k = 0;
  for (; k < v->narr; k++) {
    lua_pushinteger(L, (lua_Integer)k + 1);
    fill_node(L, -1, &v->kv[2 * k], next);
    lua_rawgeti(L, idx, (lua_Integer)k + 1);
    fill_node(L, -1, &v->kv[2 * k + 1], next);
    lua_pop(L, 2);
  }
  lua_pushnil(L);
  while (lua_next(L, idx)) { /* [.. key value] */
    if (!in_array(L, -2, v->narr)) {
      fill_node(L, -2, &v->kv[2 * k], next);
      fill_node(L, -1, &v->kv[2 * k + 1], next);
      k++;
    }
    lua_pop(L, 1);
  }
}

/* Converts the call's arguments 1..argc into a table node (keys 1..argc,
 * nils included) held by a userdata pushed on the stack: [.. tree]. */
static const lede_value *convert_args(lua_State *L, int argc, const char *fn) {
  size_t total = 1 + (size_t)argc;
  for (int i = 1; i <= argc; i++) total += count_nodes(L, i, 0, fn, i);
  lede_value *nodes = lua_newuserdatauv(L, total * sizeof *nodes, 0); /* [.. tree] */
  lede_value *args = &nodes[0], *next = &nodes[1];
  memset(args, 0, sizeof *args);
  args->type = LEDE_TTABLE;
  args->n = args->narr = (size_t)argc;
  args->kv = next;
  next += 2 * (size_t)argc;
  for (int i = 1; i <= argc; i++) {
    lede_value *k = &args->kv[2 * (i - 1)];
    memset(k, 0, sizeof *k);
    k->type = LEDE_TNUMBER;
    k->isint = 1;
    k->i = i;
    k->num = i;
    fill_node(L, i, k + 1, &next);
  }
  return args;
}

lede_type lede_value_type(const lede_value *v) { return v ? v->type : LEDE_TNIL; }
int lede_value_boolean(const lede_value *v) {
  return v && v->type != LEDE_TNIL && !(v->type == LEDE_TBOOLEAN && !v->i);
}
double lede_value_number(const lede_value *v) {
  return v && v->type == LEDE_TNUMBER ? v->num : 0;
}
int lede_value_integer(const lede_value *v, long long *out) {
  if (!v || v->type != LEDE_TNUMBER) return 0;
  if (!v->isint && (v->num != (double)(long long)v->num)) return 0;
  if (out) *out = v->isint ? v->i : (long long)v->num;
  return 1;
}
const char *lede_value_string(const lede_value *v, size_t *len) {
  if (!v || v->type != LEDE_TSTRING) {
    if (len) *len = 0;
    return NULL;
  }
  if (len) *len = v->len;
  return v->s;
}
size_t lede_value_count(const lede_value *t) {
  return t && t->type == LEDE_TTABLE ? t->n : 0;
}
size_t lede_value_length(const lede_value *t) {
  return t && t->type == LEDE_TTABLE ? t->narr : 0;
}
const lede_value *lede_value_key(const lede_value *t, size_t i) {
  return t && t->type == LEDE_TTABLE && i < t->n ? &t->kv[2 * i] : NULL;
}
const lede_value *lede_value_at(const lede_value *t, size_t i) {
  return t && t->type == LEDE_TTABLE && i < t->n ? &t->kv[2 * i + 1] : NULL;
}
const lede_value *lede_value_index(const lede_value *t, size_t k) {
  if (!t || t->type != LEDE_TTABLE || k == 0) return NULL;
  if (k <= t->narr) return &t->kv[2 * (k - 1) + 1];
  for (size_t i = t->narr; i < t->n; i++) {
    const lede_value *key = &t->kv[2 * i];
    if (key->type == LEDE_TNUMBER && key->isint && key->i == (long long)k) return key + 1;
  }
  return NULL;
}
const lede_value *lede_value_field(const lede_value *t, const char *key) {
  if (!t || !key || t->type != LEDE_TTABLE) return NULL;
  size_t n = strlen(key);
  for (size_t i = t->narr; i < t->n; i++) {
    const lede_value *k = &t->kv[2 * i];
    if (k->type == LEDE_TSTRING && k->len == n && memcmp(k->s, key, n) == 0) return k + 1;
  }
  return NULL;
}

/* ---- results: host -> script ------------------------------------------- */

enum { T_VALUE, T_KEY, T_BEGIN, T_END };

/* One recorded step; strings follow their token's bytes in the buffer. */
typedef struct tok {
  unsigned char op, type, isint;
  long long i;
  double num;
  size_t len;
} tok;

struct lede_result {
  dbuf *buf;     /* the context's scratch: tokens, or the error message */
  int has_error;
  int depth;     /* tables open */
  int bad;       /* nesting too deep: reported after the call */
};

static void put_tok(lede_result *r, tok t, const char *s) {
  if (r->has_error) return;
  dbuf_put(r->buf, (const char *)&t, sizeof t);
  if (t.len) dbuf_put(r->buf, s, t.len);
}

static void put_value(lede_result *r, lede_type type, int isint, long long i, double num,
                      const char *s, size_t len) {
  tok t = {T_VALUE, (unsigned char)type, (unsigned char)isint, i, num, s ? len : 0};
  put_tok(r, t, s);
}

void lede_result_nil(lede_result *r) {
  if (r) put_value(r, LEDE_TNIL, 0, 0, 0, NULL, 0);
}
void lede_result_boolean(lede_result *r, int b) {
  if (r) put_value(r, LEDE_TBOOLEAN, 0, b != 0, 0, NULL, 0);
}
void lede_result_number(lede_result *r, double x) {
  if (r) put_value(r, LEDE_TNUMBER, 0, 0, x, NULL, 0);
}
void lede_result_integer(lede_result *r, long long i) {
  if (r) put_value(r, LEDE_TNUMBER, 1, i, (double)i, NULL, 0);
}
void lede_result_lstring(lede_result *r, const char *s, size_t len) {
  if (r) put_value(r, LEDE_TSTRING, 0, 0, 0, s ? s : "", s ? len : 0);
}
void lede_result_table(lede_result *r) {
  if (!r) return;
  if (r->depth >= MAX_DEPTH) {
    r->bad = 1;
    return;
  }
  r->depth++;
  put_tok(r, (tok){T_BEGIN, 0, 0, 0, 0, 0}, NULL);
}
void lede_result_key(lede_result *r, const char *key, size_t len) {
  if (r && key) put_tok(r, (tok){T_KEY, 0, 0, 0, 0, len}, key);
}
void lede_result_end(lede_result *r) {
  if (!r || r->depth == 0) return;
  r->depth--;
  put_tok(r, (tok){T_END, 0, 0, 0, 0, 0}, NULL);
}

/* The string function's contract: one result, replaced by a second call. */
void lede_result_string(lede_result *r, const char *s, size_t len) {
  if (!r) return;
  r->buf->n = 0;
  r->buf->failed = 0;
  r->has_error = 0;
  r->depth = 0;
  lede_result_lstring(r, s, len);
}

void lede_result_error(lede_result *r, const char *msg) {
  if (!r) return;
  if (!msg) msg = "host function failed";
  r->buf->n = 0;
  r->buf->failed = 0;
  r->depth = 0;
  dbuf_put(r->buf, msg, strlen(msg));
  r->has_error = 1;
}

/* Where a finished value goes: a result at depth 0, else into the table
 * below it under the pending key or at the next array index. */
typedef struct level {
  lua_Integer next;  /* next array index */
  const char *key;   /* pending key (in the buffer), or NULL */
  size_t keylen;
} level;

static int place(lua_State *L, level *lv, int depth) {
  if (depth == 0) return 1;
  level *l = &lv[depth - 1];
  if (l->key) {
    lua_pushlstring(L, l->key, l->keylen); /* [.. t v k] */
    lua_insert(L, -2);                     /* [.. t k v] */
    lua_rawset(L, -3);
    l->key = NULL;
  } else {
    lua_rawseti(L, -2, ++l->next);
  }
  return 0;
}

/* Pushes the recorded results; returns how many. */
static int replay(lua_State *L, const char *p, size_t n, run_budget *b) {
  level lv[MAX_DEPTH];
  int depth = 0, nres = 0;
  size_t at = 0;
  while (at + sizeof(tok) <= n) {
    tok t;
    memcpy(&t, p + at, sizeof t);
    const char *s = p + at + sizeof t;
    at += sizeof t + t.len;
    luactx_charge(L, b, COST_ITEM + (t.len ? BYTES_COST(t.len) : 0));
    luaL_checkstack(L, 4, "lede.host results");
    switch (t.op) {
    case T_BEGIN:
      lua_newtable(L);
      lv[depth++] = (level){0, NULL, 0};
      break;
    case T_KEY:
      if (depth) {
        lv[depth - 1].key = s;
        lv[depth - 1].keylen = t.len;
      }
      break;
    case T_END:
      depth--;
      nres += place(L, lv, depth);
      break;
    default:
      switch (t.type) {
      case LEDE_TBOOLEAN: lua_pushboolean(L, (int)t.i); break;
      case LEDE_TNUMBER:
        if (t.isint) lua_pushinteger(L, (lua_Integer)t.i);
        else lua_pushnumber(L, (lua_Number)t.num);
        break;
      case LEDE_TSTRING: lua_pushlstring(L, s, t.len); break;
      default: lua_pushnil(L); break;
      }
      nres += place(L, lv, depth);
    }
  }
  while (depth > 0) nres += place(L, lv, --depth); /* tables left open */
  return nres;
}

/* ---- the call ------------------------------------------------------------ */

/* lede.host.NAME(...): converts the arguments, calls the host, then turns
 * its answer into results or a Lua error at the caller's line. */
static int host_call(lua_State *L) {
  const host_fn *h = lua_touserdata(L, lua_upvalueindex(1));
  int argc = lua_gettop(L);
  luactx *ctx = luactx_get(L);
  luactx_charge(L, ctx->budget, COST_ITEM * (size_t)(argc + 1));
  const lede_value *args = NULL;
  const char *argv[MAX_ARGS];
  size_t argl[MAX_ARGS];
  if (h->typed) {
    args = convert_args(L, argc, h->name); /* [args.. tree] */
    luactx_charge(L, ctx->budget, COST_ITEM * (size_t)(args->n ? args->n : 1));
  } else {
    if (argc > MAX_ARGS) return luaL_error(L, "%s: too many arguments", h->name);
    for (int i = 0; i < argc; i++) {
      if (lua_isnil(L, i + 1)) {
        argv[i] = NULL;
        argl[i] = 0;
      } else {
        argv[i] = luaL_tolstring(L, i + 1, &argl[i]);
        lua_replace(L, i + 1); /* keep the converted string anchored */
      }
    }
  }
  lede_result res = {&ctx->scratch, 0, 0, 0};
  ctx->scratch.n = 0;
  int rc = h->typed ? h->typed(h->ud, args, &res) : h->fn(h->ud, argc, argv, argl, &res);
  /* From here on raising is safe again: the host's frames are gone. */
  dbuf *b = &ctx->scratch;
  if (b->failed) {
    int hit = b->failed == LEDE_ELIMIT;
    b->failed = 0;
    b->n = 0;
    return luaL_error(L, hit ? "script exceeded memory limit" : "not enough memory");
  }
  if (rc || res.has_error) {
    luaL_where(L, 1); /* [.. where] "script.lua:12: " */
    if (res.has_error) lua_pushlstring(L, b->p ? b->p : "", b->n);
    else lua_pushfstring(L, "%s failed", h->name);
    lua_concat(L, 2); /* [.. message] */
    return lua_error(L);
  }
  if (res.bad) return luaL_error(L, "%s: results nested deeper than %d tables", h->name, MAX_DEPTH);
  return replay(L, b->p ? b->p : "", b->n, ctx->budget);
}

void host_push_table(lua_State *L, struct lede_engine *e) {
  lua_newtable(L); /* [.. host] */
  if (!e) return;
  for (size_t i = 0; i < e->nhosts; i++) {
    lua_pushlightuserdata(L, &e->hosts[i]);
    lua_pushcclosure(L, host_call, 1);
    lua_setfield(L, -2, e->hosts[i].name);
  }
}
