/* lua_redact.c -- the lede.redact module: the C recognizers, custom
 * recognizers written in Lua, the built-in validators, keyed hashing
 * (libsodium's HMAC-SHA-256) and the few files `lede redact` reads and
 * writes.  A sandboxed script may only touch files the user named as an
 * option value on the command line: redaction needs a key file and a
 * mapping file, and that rule gives it them without opening the disk. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <lauxlib.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine.h"
#include "luactx.h"
#include "lua_redact.h"
#include "luacopy.h"
#include "redact.h"

/* Upvalue 1 of scan/add/clear: the array of custom recognizer specs. */
#define CUSTOM_IDX lua_upvalueindex(1)

/* types = "email,phone" or {"EMAIL", "PHONE"}: a mask of rx_type bits. */
static unsigned check_types(lua_State *L, int idx) {
  unsigned mask = 0;
  if (lua_type(L, idx) == LUA_TSTRING) {
    size_t len;
    const char *p = lua_tolstring(L, idx, &len), *end = p + len;
    while (p < end) {
      const char *q = p;
      while (q < end && *q != ',') q++;
      const char *a = p, *b = q;
      while (a < b && *a == ' ') a++;
      while (b > a && b[-1] == ' ') b--;
      if (b > a) {
        int t = redact_type_from_name(a, (size_t)(b - a));
        if (t < 0) luaL_error(L, "unknown type '%s' (known: email, phone, credit_card, iban, "
                              "ip_address, url, us_ssn, date, custom)",
                              lua_pushlstring(L, a, (size_t)(b - a)));
        mask |= 1u << t;
      }
      p = q < end ? q + 1 : q;
    }
    return mask;
  }
  luaL_checktype(L, idx, LUA_TTABLE);
  for (lua_Integer i = 1; lua_geti(L, idx, i) != LUA_TNIL; i++) { /* [.. name] */
    size_t len;
    const char *name = luaL_checklstring(L, -1, &len);
    int t = redact_type_from_name(name, len);
    if (t < 0) luaL_error(L, "unknown type '%s'", name);
    mask |= 1u << t;
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  return mask;
}

/* Calls validator v (a function or a built-in's name) on text [.. ]. */
static int run_validator(lua_State *L, int spec, const char *s, size_t a, size_t b) {
  int t = lua_getfield(L, spec, "validator"); /* [.. v] */
  if (t == LUA_TNIL) {
    lua_pop(L, 1);
    return -1; /* none: unvalidated */
  }
  if (t == LUA_TSTRING) {
    lua_getfield(L, LUA_REGISTRYINDEX, "lede.redact.validators"); /* [.. v vs] */
    lua_rotate(L, -2, 1);                                          /* [.. vs v] */
    lua_gettable(L, -2);                                           /* [.. vs f] */
    lua_remove(L, -2);                                             /* [.. f] */
  }
  lua_pushlstring(L, s + a, b - a); /* [.. f value] */
  lua_call(L, 1, 1);                /* [.. ok] */
  int ok = lua_toboolean(L, -1);
  lua_pop(L, 1);
  return ok;
}

/* Runs custom recognizer number tag (its spec at index spec) over the
 * text at index tidx, appending to l.  Each form answers "next match at
 * or after init": string.find for a Lua pattern, the function itself,
 * or obj:match(text, init) tried at each word start (LPeg). */
static void run_custom(lua_State *L, int spec, int tidx, rx_list *l, int tag) {
  size_t n;
  const char *s = lua_tolstring(L, tidx, &n);
  if (lua_getfield(L, spec, "words") == LUA_TTABLE) { /* [.. words] */
    int words = lua_gettop(L);
    for (lua_Integer w = 1; lua_geti(L, words, w) != LUA_TNIL; w++) { /* [.. words phrase] */
      size_t pl;
      const char *p = luaL_checklstring(L, -1, &pl);
      for (size_t i = 0; pl && i + pl <= n; i++) {
        size_t k = 0;
        while (k < pl && (s[i + k] | (('A' <= s[i + k] && s[i + k] <= 'Z') ? 32 : 0)) ==
                             (p[k] | (('A' <= p[k] && p[k] <= 'Z') ? 32 : 0)))
          k++;
        if (k < pl) continue;
        int lw = i > 0 && (isalnum((unsigned char)s[i - 1]) && isalnum((unsigned char)p[0]));
        int rw = i + pl < n && isalnum((unsigned char)s[i + pl]) &&
                 isalnum((unsigned char)p[pl - 1]);
        if (lw || rw) continue;
        if (rx_push(l, i, i + pl, RX_CUSTOM, 1, tag)) luaL_error(L, "not enough memory");
        i += pl - 1;
      }
      lua_pop(L, 1);
    }
    lua_pop(L, 2);
    return;
  }
  lua_pop(L, 1);
  int pt = lua_getfield(L, spec, "pattern"); /* [.. pat] */
  int pat = lua_gettop(L);
  int lpeg = pt == LUA_TUSERDATA || pt == LUA_TTABLE;
  if (pt == LUA_TSTRING) {
    luaL_getmetafield(L, tidx, "__index"); /* [.. pat strlib] */
    lua_getfield(L, -1, "find");           /* [.. pat strlib find] */
    lua_remove(L, -2);                     /* [.. pat find] */
  } else if (lpeg) {
    lua_getfield(L, pat, "match"); /* [.. pat match] */
  } else {
    lua_pushvalue(L, pat); /* [.. pat fn] */
  }
  int fn = lua_gettop(L);
  size_t init = 0;
  while (init <= n) {
    size_t a, b;
    if (lpeg) {
      if (init > 0 && init < n && isalnum((unsigned char)s[init - 1]) &&
          isalnum((unsigned char)s[init])) {
        init++;
        continue;
      }
      lua_pushvalue(L, fn);
      lua_pushvalue(L, pat);
      lua_pushvalue(L, tidx);
      lua_pushinteger(L, (lua_Integer)init + 1);
      lua_call(L, 3, 1); /* [.. pos] */
      lua_Integer pos = lua_isinteger(L, -1) ? lua_tointeger(L, -1) : 0;
      lua_pop(L, 1);
      if (pos <= (lua_Integer)init + 1 || pos > (lua_Integer)n + 1) {
        init++;
        continue;
      }
      a = init;
      b = (size_t)pos - 1;
    } else {
      lua_pushvalue(L, fn);
      lua_pushvalue(L, tidx);
      if (pt == LUA_TSTRING) lua_pushvalue(L, pat);
      lua_pushinteger(L, (lua_Integer)init + 1);
      lua_call(L, pt == LUA_TSTRING ? 3 : 2, 2); /* [.. start stop] */
      if (!lua_isinteger(L, -2) || !lua_isinteger(L, -1)) {
        lua_pop(L, 2);
        break;
      }
      lua_Integer st = lua_tointeger(L, -2), sp = lua_tointeger(L, -1);
      lua_pop(L, 2);
      if (st < (lua_Integer)init + 1 || sp > (lua_Integer)n || sp < st - 1)
        luaL_error(L, "custom recognizer returned bad positions %d..%d", (int)st, (int)sp);
      a = (size_t)st - 1;
      b = (size_t)sp;
      if (b == a) { /* empty match: move on */
        init = a + 1;
        continue;
      }
    }
    int v = run_validator(L, spec, s, a, b);
    if (v != 0 && rx_push(l, a, b, RX_CUSTOM, v > 0, tag)) luaL_error(L, "not enough memory");
    init = b > init ? b : init + 1;
  }
  lua_settop(L, pat - 1);
}

/* The findings of one scan, with the memory charged for them. */
typedef struct held_list {
  rx_list l;
  size_t charged;
  run_budget *budget;
} held_list;

/* Frees the list in a to-be-closed slot, so an error in a custom
 * recognizer leaks nothing; idempotent (__close, then __gc). */
static int list_gc(lua_State *L) {
  held_list *h = lua_touserdata(L, 1);
  budget_credit(h->budget, h->charged);
  h->charged = 0;
  rx_list_free(&h->l);
  return 0;
}

/* Charges the list's current capacity to the run's memory budget. */
static void charge_list(lua_State *L, held_list *h) {
  size_t now = h->l.cap * sizeof *h->l.v;
  if (now <= h->charged) return;
  if (budget_charge(h->budget, now - h->charged))
    luactx_raise_limit(L, LIMIT_MEMORY, 1);
  h->charged = now;
}

static held_list *push_list(lua_State *L) {
  held_list *l = lua_newuserdatauv(L, sizeof *l, 0); /* [.. list] */
  memset(l, 0, sizeof *l);
  l->budget = luactx_get(L)->budget;
  if (luaL_newmetatable(L, "lede.redact.list")) { /* [.. list mt] */
    lua_pushcfunction(L, list_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, list_gc);
    lua_setfield(L, -2, "__close");
  }
  lua_setmetatable(L, -2);
  return l;
}

/* lede.redact.scan(text [, {types=, custom=false, overlaps=true}]) ->
 * array of {type, start, stop, text, validated} (1-based, inclusive). */
static int l_scan(lua_State *L) {
  size_t n;
  const char *s = luaL_checklstring(L, 1, &n);
  unsigned mask = RX_ALL;
  int custom = 1, overlaps = 0;
  if (!lua_isnoneornil(L, 2)) {
    luaL_checktype(L, 2, LUA_TTABLE);
    if (lua_getfield(L, 2, "types") != LUA_TNIL) mask = check_types(L, lua_gettop(L));
    if (lua_getfield(L, 2, "custom") != LUA_TNIL) custom = lua_toboolean(L, -1);
    if (lua_getfield(L, 2, "overlaps") != LUA_TNIL) overlaps = lua_toboolean(L, -1);
    lua_pop(L, 3);
  }
  lua_settop(L, 2);
  held_list *h = push_list(L); /* [text opts list] */
  lua_toclose(L, 3);
  rx_list *l = &h->l;
  luactx_charge(L, h->budget, BYTES_COST(n));
  int rc = redact_scan_budget(s, n, mask & ~(1u << RX_CUSTOM), l, h->budget);
  if (rc == RX_LIMIT) return luactx_raise_limit(L, h->budget->hit, 1);
  if (rc) return luaL_error(L, "not enough memory");
  charge_list(L, h);
  if (custom && (mask & (1u << RX_CUSTOM))) {
    lua_Integer nc = luaL_len(L, CUSTOM_IDX);
    for (lua_Integer c = 1; c <= nc; c++) {
      lua_geti(L, CUSTOM_IDX, c); /* [.. spec] */
      run_custom(L, lua_gettop(L), 1, l, (int)c);
      lua_pop(L, 1);
    }
  }
  charge_list(L, h);
  if (!overlaps && redact_resolve(l)) return luaL_error(L, "not enough memory");
  luactx_charge(L, h->budget, l->n * COST_ITEM);
  lua_createtable(L, (int)l->n, 0); /* [.. list out] */
  for (size_t k = 0; k < l->n; k++) {
    rx_find *f = &l->v[k];
    lua_createtable(L, 0, 5); /* [.. out f] */
    if (f->tag) {
      lua_geti(L, CUSTOM_IDX, f->tag);
      lua_getfield(L, -1, "type"); /* [.. out f spec type] */
      lua_remove(L, -2);
    } else {
      lua_pushstring(L, redact_type_name(f->type));
    }
    lua_setfield(L, -2, "type");
    lua_pushinteger(L, (lua_Integer)f->start + 1);
    lua_setfield(L, -2, "start");
    lua_pushinteger(L, (lua_Integer)f->end);
    lua_setfield(L, -2, "stop");
    lua_pushlstring(L, s + f->start, f->end - f->start);
    lua_setfield(L, -2, "text");
    lua_pushboolean(L, f->validated);
    lua_setfield(L, -2, "validated");
    lua_rawseti(L, -2, (lua_Integer)k + 1);
  }
  return 1;
}

/* lede.redact.add{type=, pattern=, validator=} or {type=, words={...}}. */
static int l_add(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_settop(L, 1);
  lua_createtable(L, 0, 4); /* [spec copy] */
  size_t tl;
  if (lua_getfield(L, 1, "type") == LUA_TNIL) {
    lua_pop(L, 1);
    lua_pushliteral(L, "CUSTOM");
  }
  const char *t = luaL_checklstring(L, -1, &tl);
  for (size_t i = 0; i < tl; i++)
    if (!(isupper((unsigned char)t[i]) || isdigit((unsigned char)t[i]) || t[i] == '_'))
      return luaL_error(L, "lede.redact.add: type '%s' must be upper-case letters, digits "
                           "and '_'", t);
  if (tl == 0 || tl > 32) return luaL_error(L, "lede.redact.add: type must be 1 to 32 bytes");
  lua_setfield(L, 2, "type");
  int wt = lua_getfield(L, 1, "words");
  int pt = lua_getfield(L, 1, "pattern");
  if (wt == LUA_TTABLE) {
    lua_pop(L, 1);
    lua_setfield(L, 2, "words");
  } else if (pt == LUA_TSTRING || pt == LUA_TFUNCTION ||
             ((pt == LUA_TUSERDATA || pt == LUA_TTABLE) &&
              luaL_getmetafield(L, -1, "__index") != LUA_TNIL && (lua_pop(L, 1), 1))) {
    lua_setfield(L, 2, "pattern");
    lua_pop(L, 1);
  } else {
    return luaL_error(L, "lede.redact.add: needs a pattern (Lua pattern, LPeg pattern or "
                         "function) or words");
  }
  int vt = lua_getfield(L, 1, "validator");
  if (vt == LUA_TSTRING) {
    lua_getfield(L, LUA_REGISTRYINDEX, "lede.redact.validators");
    lua_pushvalue(L, -2);
    if (lua_gettable(L, -2) == LUA_TNIL)
      return luaL_error(L, "lede.redact.add: no built-in validator '%s'", lua_tostring(L, -3));
    lua_pop(L, 2);
  } else if (vt != LUA_TNIL && vt != LUA_TFUNCTION) {
    return luaL_error(L, "lede.redact.add: validator must be a function or a built-in's name");
  }
  lua_setfield(L, 2, "validator");
  lua_seti(L, CUSTOM_IDX, luaL_len(L, CUSTOM_IDX) + 1);
  return 0;
}

/* lede.redact.clear(): forgets the custom recognizers. */
static int l_clear(lua_State *L) {
  for (lua_Integer i = luaL_len(L, CUSTOM_IDX); i > 0; i--) {
    lua_pushnil(L);
    lua_seti(L, CUSTOM_IDX, i);
  }
  return 0;
}

/* Built-in validators: each a full-string check for its type. */
static int l_is(lua_State *L) {
  size_t n;
  const char *s = luaL_checklstring(L, 1, &n);
  int t = (int)lua_tointeger(L, lua_upvalueindex(1));
  lua_pushboolean(L, redact_is(t, s, n));
  return 1;
}

static int l_luhn(lua_State *L) {
  size_t n;
  const char *s = luaL_checklstring(L, 1, &n);
  for (size_t i = 0; i < n; i++)
    if (!isdigit((unsigned char)s[i]) && s[i] != ' ' && s[i] != '-') {
      lua_pushboolean(L, 0);
      return 1;
    }
  lua_pushboolean(L, redact_luhn(s, n));
  return 1;
}

static int l_iban(lua_State *L) {
  size_t n;
  const char *s = luaL_checklstring(L, 1, &n);
  lua_pushboolean(L, redact_iban(s, n));
  return 1;
}

/* lede.redact.hmac(key, message) -> 64 hex digits of HMAC-SHA-256. */
static int l_hmac(lua_State *L) {
  size_t kl, ml;
  const char *key = luaL_checklstring(L, 1, &kl);
  const char *msg = luaL_checklstring(L, 2, &ml);
  if (kl < 16) return luaL_error(L, "lede.redact.hmac: the key must hold at least 16 bytes");
  if (sodium_init() < 0) return luaL_error(L, "lede.redact.hmac: libsodium failed to start");
  crypto_auth_hmacsha256_state st;
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  char hex[2 * sizeof mac + 1];
  /* Hashing is work like any other C loop's (issue 12): charged up front
   * and fed in 1 MiB pieces that poll the clock.  A limit raised between
   * pieces leaves only the state on our stack behind. */
  run_budget *b = luactx_get(L)->budget;
  luactx_charge(L, b, BYTES_COST(ml));
  crypto_auth_hmacsha256_init(&st, (const unsigned char *)key, kl);
  for (size_t at = 0; at < ml; at += (size_t)1 << 20) {
    size_t piece = ml - at < ((size_t)1 << 20) ? ml - at : (size_t)1 << 20;
    if (at) luactx_poll(L, b);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)msg + at, piece);
  }
  crypto_auth_hmacsha256_final(&st, mac);
  sodium_memzero(&st, sizeof st);
  sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);
  lua_pushstring(L, hex);
  return 1;
}

/* A sandboxed script may use path only if the run grants it
 * (lede_run_options.files: the CLI's own option values).  Arguments never
 * grant anything: a JSON Lines record or a host's request data may hold
 * any string.  Outside a run (require "lede") or with --trusted, the host
 * already has full file access. */
static void check_granted(lua_State *L, const char *fn, const char *path) {
  luactx *ctx = luactx_get(L);
  if (!ctx || !ctx->engine || !ctx->engine->opt.sandbox) return;
  if (ctx->run)
    for (size_t i = 0; i < ctx->run->nfiles; i++)
      if (strcmp(ctx->run->files[i], path) == 0) return;
  luaL_error(L, "%s: '%s' was not given on the command line (a sandboxed script may only "
                "use files named as option values)", fn, path);
}

/* lede.redact.read(path) -> contents, or nil and a message.  The buffer
 * is allocated before the file is opened, so no raise can leak it. */
static int l_read(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  check_granted(L, "lede.redact.read", path);
  struct stat sb;
  if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode)) {
    int e = errno;
    luaL_pushfail(L);
    lua_pushfstring(L, "%s: %s", path, S_ISDIR(sb.st_mode) ? "is a directory" : strerror(e));
    return 2;
  }
  size_t cap = (size_t)sb.st_size;
  char *buf = lua_newuserdatauv(L, cap + 1, 0); /* [.. buf] */
  FILE *f = fopen(path, "rb");
  if (!f) {
    luaL_pushfail(L);
    lua_pushfstring(L, "%s: %s", path, strerror(errno));
    return 2;
  }
  size_t got = fread(buf, 1, cap + 1, f);
  int err = ferror(f);
  fclose(f);
  if (err || got > cap) {
    luaL_pushfail(L);
    lua_pushfstring(L, "%s: %s", path, err ? "read error" : "changed while being read");
    return 2;
  }
  lua_pushlstring(L, buf, got);
  return 1;
}

/* lede.redact.write(path, data [, mode]) -> true, or nil and a message.
 * Written to a temporary file in the same directory with the mode set
 * before any byte is written, then renamed over path: a reader sees the
 * old file or the new one, never half of one. */
static int l_write(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  size_t len;
  const char *data = luaL_checklstring(L, 2, &len);
  lua_Integer mode = luaL_optinteger(L, 3, 0644);
  check_granted(L, "lede.redact.write", path);
  size_t pl = strlen(path);
  char *tmp = lua_newuserdatauv(L, pl + 8, 0); /* [.. tmp] */
  memcpy(tmp, path, pl);
  memcpy(tmp + pl, ".XXXXXX", 8);
  int fd = mkstemp(tmp);
  if (fd < 0) {
    luaL_pushfail(L);
    lua_pushfstring(L, "%s: %s", path, strerror(errno));
    return 2;
  }
  int ok = fchmod(fd, (mode_t)(mode & 07777)) == 0;
  for (size_t off = 0; ok && off < len;) {
    ssize_t w = write(fd, data + off, len - off);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) ok = 0;
    else off += (size_t)w;
  }
  int saved = errno;
  if (close(fd) != 0 && ok) {
    ok = 0;
    saved = errno;
  }
  if (ok && rename(tmp, path) != 0) {
    ok = 0;
    saved = errno;
  }
  if (!ok) {
    unlink(tmp);
    luaL_pushfail(L);
    lua_pushfstring(L, "%s: %s", path, strerror(saved));
    return 2;
  }
  lua_pushboolean(L, 1);
  return 1;
}

static const struct {
  const char *name;
  int type;
} validators[] = {{"card", RX_CREDIT_CARD}, {"credit_card", RX_CREDIT_CARD},
                  {"ssn", RX_US_SSN},        {"us_ssn", RX_US_SSN},
                  {"email", RX_EMAIL},       {"url", RX_URL},
                  {"ip", RX_IP_ADDRESS},     {"ip_address", RX_IP_ADDRESS},
                  {"phone", RX_PHONE},       {"date", RX_DATE}};

/* What is the same in every run, built once per state and copied for
 * each (luacopy.h): the plain functions with the validators (whose one
 * upvalue, a type number, no script can change), the validators table
 * (the same functions), and the type names. */
static const char plain_key = 'p', validators_key = 'v', types_key = 't';

static void build_plain(lua_State *L) {
  static const luaL_Reg plain[] = {{"luhn", l_luhn}, {"iban", l_iban}, {"hmac", l_hmac},
                                   {"read", l_read}, {"write", l_write}, {NULL, NULL}};
  lua_createtable(L, 0, 24); /* [.. redact] */
  luaL_setfuncs(L, plain, 0);
  for (size_t i = 0; i < sizeof validators / sizeof *validators; i++) {
    lua_pushinteger(L, validators[i].type);
    lua_pushcclosure(L, l_is, 1);
    lua_setfield(L, -2, validators[i].name);
  }
}

/* The plain table's own functions: redact.email and the validator
 * "email" are one function, as a script may compare them. */
static void build_validators(lua_State *L) {
  lua_rawgetp(L, LUA_REGISTRYINDEX, &plain_key);
  lua_rawgeti(L, -1, 1); /* [.. entry plain] */
  lua_newtable(L);       /* [.. entry plain validators] */
  lua_getfield(L, -2, "luhn");
  lua_setfield(L, -2, "luhn");
  lua_getfield(L, -2, "iban");
  lua_setfield(L, -2, "iban");
  for (size_t i = 0; i < sizeof validators / sizeof *validators; i++) {
    lua_getfield(L, -2, validators[i].name);
    lua_setfield(L, -2, validators[i].name);
  }
  lua_replace(L, -3);
  lua_pop(L, 1); /* [.. validators] */
}

static void build_types(lua_State *L) {
  lua_createtable(L, RX_NTYPES, 0); /* [.. types] */
  for (int t = 0; t < RX_NTYPES; t++) {
    lua_pushstring(L, redact_type_name(t));
    lua_rawseti(L, -2, t + 1);
  }
}

int lede_lua_redact(lua_State *L) {
  luacopy_cached(L, &plain_key, build_plain); /* [.. redact] */
  /* The custom recognizers are this run's: a new list, shared by the
   * three functions that use it. */
  lua_newtable(L); /* [.. redact customs] */
  static const luaL_Reg with_customs[] = {
      {"scan", l_scan}, {"add", l_add}, {"clear", l_clear}, {NULL, NULL}};
  luaL_setfuncs(L, with_customs, 1); /* [.. redact] */
  luacopy_cached(L, &validators_key, build_validators); /* [.. redact validators] */
  lua_pushvalue(L, -1);
  lua_setfield(L, LUA_REGISTRYINDEX, "lede.redact.validators");
  lua_setfield(L, -2, "validators");
  luacopy_cached(L, &types_key, build_types);
  lua_setfield(L, -2, "types");
  return 1;
}
