/* lua_lede.c -- the `lede` module table: load, sentences, words,
 * abbreviations, write, json, squish and host functions.  Fast C helpers
 * here save scripts from re-implementing hot loops in Lua. */
#include <lauxlib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "doc.h"
#include "engine.h"
#include "host.h"
#include "load.h"
#include "lua_bulk.h"
#include "lua_doc.h"
#include "lua_lede.h"
#include "lua_redact.h"
#include "luacopy.h"
#include "textlib.h"
#include "utf8.h"
#include "words.h"

/* Edit distance of two short keys (Levenshtein, one row), capped: only
 * "is it a likely typo" matters. */
static size_t key_distance(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b), row[32];
  if (la > 30 || lb > 30) return 99;
  for (size_t j = 0; j <= lb; j++) row[j] = j;
  for (size_t i = 1; i <= la; i++) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= lb; j++) {
      size_t up = row[j];
      size_t best = diag + (a[i - 1] != b[j - 1]);
      if (up + 1 < best) best = up + 1;
      if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
      row[j] = best;
      diag = up;
    }
  }
  return row[lb];
}

/* Raises for a key of the options table at idx that is not in known:
 * a misspelt option silently ignored is a wrong document, not a default. */
static void check_option_keys(lua_State *L, int idx, const char *fn,
                              const char *const *known) {
  lua_pushnil(L); /* [.. key] */
  while (lua_next(L, idx)) { /* [.. key value] */
    lua_pop(L, 1);
    if (lua_type(L, -1) != LUA_TSTRING)
      luaL_error(L, "%s: option keys are names, got a %s", fn, luaL_typename(L, -1));
    const char *k = lua_tostring(L, -1);
    const char *near = NULL;
    size_t best = 3;
    for (const char *const *n = known; *n; n++) {
      if (strcmp(k, *n) == 0) {
        near = k;
        break;
      }
      size_t dist = key_distance(k, *n);
      if (dist < best) {
        best = dist;
        near = *n;
      }
    }
    if (near == k) continue;
    if (near) luaL_error(L, "%s: unknown option '%s' (did you mean '%s'?)", fn, k, near);
    luaL_error(L, "%s: unknown option '%s'", fn, k);
  }
}

/* The language= and quotes= fields of an options table at idx: how a
 * document is segmented.  Raises on a bad value. */
static void seg_fields(lua_State *L, int idx, lede_load_options *o) {
  if (lua_getfield(L, idx, "language") != LUA_TNIL) {
    o->language = lede_language(luaL_checkstring(L, -1)); /* STATIC */
    if (!o->language)
      luaL_error(L, "bad language '%s' (expected one of %s)", lua_tostring(L, -1),
                 lede_language(NULL));
  }
  if (lua_getfield(L, idx, "quotes") != LUA_TNIL) {
    const char *q = luaL_checkstring(L, -1);
    if (strcmp(q, "split") == 0) o->quotes = LEDE_QUOTES_SPLIT;
    else if (strcmp(q, "keep") == 0) o->quotes = LEDE_QUOTES_KEEP;
    else luaL_error(L, "bad quotes '%s' (expected \"split\" or \"keep\")", q);
  }
  lua_pop(L, 2);
}

/* lede.load(text [, {format=, paragraphs=, replace_invalid=, language=,
 * quotes=}]) -> doc, or nil and a message for text that is not valid UTF-8
 * or over the input limit.  Misuse (a bad option) raises. */
static int l_load(lua_State *L) {
  static const char *const keys[] = {"format", "paragraphs", "replace_invalid", "language",
                                     "quotes", NULL};
  size_t len;
  const char *src = luaL_checklstring(L, 1, &len);
  lede_load_options o = {.format = LEDE_FORMAT_TEXT, .paragraphs = LEDE_PARAS_AUTO};
  if (!lua_isnoneornil(L, 2)) {
    luaL_checktype(L, 2, LUA_TTABLE);
    check_option_keys(L, 2, "lede.load", keys);
    seg_fields(L, 2, &o);
    if (lua_getfield(L, 2, "format") != LUA_TNIL) {
      const char *f = luaL_checkstring(L, -1);
      if (lede_format_parse(f, &o.format) != LEDE_OK ||
          (o.format != LEDE_FORMAT_TEXT && o.format != LEDE_FORMAT_MARKDOWN))
        return luaL_error(L, "bad format '%s' (expected \"text\" or \"markdown\")", f);
    }
    if (lua_getfield(L, 2, "paragraphs") != LUA_TNIL) {
      const char *m = luaL_checkstring(L, -1);
      if (strcmp(m, "auto") == 0) o.paragraphs = LEDE_PARAS_AUTO;
      else if (strcmp(m, "blank") == 0) o.paragraphs = LEDE_PARAS_BLANK;
      else if (strcmp(m, "line") == 0) o.paragraphs = LEDE_PARAS_LINE;
      else return luaL_error(L, "bad paragraphs mode '%s' (expected auto, blank or line)", m);
    }
    if (lua_getfield(L, 2, "replace_invalid") != LUA_TNIL && lua_toboolean(L, -1))
      o.flags |= LEDE_LOAD_REPLACE_INVALID;
    lua_pop(L, 3);
  }
  luactx *ctx = luactx_get(L);
  /* Reserve the userdata first: once doc_load returns, nothing may raise
   * while the document has no owner. */
  ldoc_pushdoc(L, NULL, 1); /* [.. doc] */
  load_request r = {.src = src, .len = len, .opt = &o, .abbrevs = luactx_abbrevs(ctx),
                    .max_input = ctx->max_input, .budget = ctx->budget};
  char why[160];
  lede_doc *d;
  int st = doc_load(&r, &d, why, sizeof why);
  if (st == LEDE_EUTF8 || (st == LEDE_ELIMIT && !(ctx->budget && ctx->budget->hit))) {
    lua_pushnil(L); /* expected failures: bad text, over the input limit */
    lua_pushstring(L, why);
    return 2;
  }
  if (st == LEDE_ELIMIT) return luactx_raise_limit(L, ctx->budget->hit, 1);
  if (st) return luaL_error(L, "not enough memory");
  ldoc_adopt(L, -1, d);
  return 1;
}

typedef struct push_ctx {
  lua_State *L;
  const char *base;
  lua_Integer n;
  run_budget *budget; /* one COST_ITEM per string pushed */
} push_ctx;

/* Pushes base[start, end) as the next array element; stops the scan (1)
 * when the budget says so, and the caller raises. */
static int push_range(void *ud, size_t start, size_t end) {
  push_ctx *c = ud;
  if (budget_spend(c->budget, COST_ITEM)) return 1;
  lua_pushlstring(c->L, c->base + start, end - start);
  lua_rawseti(c->L, -2, ++c->n);
  return 0;
}

/* Raises the limit error if b stopped the run (after a scan was cut). */
static void raise_if_hit(lua_State *L, const run_budget *b) {
  if (b && b->hit) luactx_raise_limit(L, b->hit, 1);
}

/* lede.sentences(text [, {language=, quotes=}]) -> array of sentence
 * strings (text split into paragraphs first, as a plain-text document
 * would be). */
static int l_sentences(lua_State *L) {
  static const char *const keys[] = {"language", "quotes", NULL};
  size_t len;
  const char *s = luaL_checklstring(L, 1, &len);
  lede_load_options o = {.format = LEDE_FORMAT_TEXT};
  if (!lua_isnoneornil(L, 2)) {
    luaL_checktype(L, 2, LUA_TTABLE);
    check_option_keys(L, 2, "lede.sentences", keys);
    seg_fields(L, 2, &o);
  }
  luactx *ctx = luactx_get(L);
  int is_nul, st;
  luactx_charge(L, ctx->budget, BYTES_COST(len)); /* the UTF-8 check */
  size_t bad = utf8_check(s, len, &is_nul);
  if (bad != UTF8_OK) {
    char what[128];
    utf8_describe(s, bad, is_nul, what, sizeof what);
    return luaL_error(L, "lede.sentences: %s", what);
  }
  lua_newtable(L); /* [.. t] */
  ldoc_pushdoc(L, NULL, 1); /* [.. t holder]: frees the doc on error */
  lede_doc *d = doc_new(s, len, LEDE_FORMAT_TEXT);
  if (!d) return luaL_error(L, "not enough memory");
  ldoc_adopt(L, -1, d);
  d->budget = ctx->budget;
  luactx_charge(L, ctx->budget, BYTES_COST(len));
  st = doc_seg_copy(d, luactx_abbrevs(ctx));
  if (!st) st = doc_seg_set(d, o.language, o.quotes);
  if (!st) st = text_load(d, LEDE_PARAS_AUTO);
  if (!st) st = doc_segment(d);
  if (st == LEDE_ELIMIT && ctx->budget && ctx->budget->hit)
    return luactx_raise_limit(L, ctx->budget->hit, 1);
  if (st) return luaL_error(L, "not enough memory");
  luaL_checkstack(L, 4, "lede.sentences");
  lua_pushvalue(L, -2); /* [.. t holder t] */
  push_ctx c = {L, d->text, 0, ctx->budget};
  for (size_t i = 0; i < d->nsent; i++)
    if (push_range(&c, d->sents[i].tstart, d->sents[i].tend)) raise_if_hit(L, c.budget);
  lua_pop(L, 1);
  ldoc_detach(L, -1); /* frees d now rather than at the next GC */
  lua_pop(L, 1);          /* [.. t] */
  return 1;
}

/* lede.words(text) -> array of word strings. */
static int l_words(lua_State *L) {
  size_t len;
  const char *s = luaL_checklstring(L, 1, &len);
  run_budget *b = luactx_get(L)->budget;
  luactx_charge(L, b, BYTES_COST(len));
  lua_newtable(L);
  push_ctx c = {L, s, 0, b};
  if (words_scan(s, len, push_range, &c)) raise_if_hit(L, b);
  return 1;
}

/* lede.squish(s): white-space runs to one space, trimmed -- how a sentence
 * spanning wrapped lines is printed on one line. */
static int is_ascii_space(unsigned char c) {
  return c == ' ' || (c >= '\t' && c <= '\r');
}

static int l_squish(lua_State *L) {
  size_t len;
  const char *s = luaL_checklstring(L, 1, &len);
  run_budget *budget = luactx_get(L)->budget;
  luactx_charge(L, budget, BYTES_COST(len));
  luaL_Buffer b;
  char *out = luaL_buffinitsize(L, &b, len);
  size_t n = 0, i = 0, polled = 0;
  while (i < len) {
    /* Charged up front; this only polls the clock every 64 KiB. */
    if (i - polled >= 65536) {
      polled = i;
      luactx_poll(L, budget);
    }
    /* Copy a run of non-space bytes in one go: most bytes are > ' '. */
    size_t j = i;
    while (j < len && ((unsigned char)s[j] > ' ' || !is_ascii_space((unsigned char)s[j]))) j++;
    if (j > i) {
      if (n) out[n++] = ' ';
      memcpy(out + n, s + i, j - i);
      n += j - i;
    }
    while (j < len && is_ascii_space((unsigned char)s[j])) j++;
    i = j;
  }
  luaL_pushresultsize(&b, n);
  return 1;
}

typedef struct count_ctx {
  const char *s;
  lua_Integer words, syllables;
  run_budget *budget; /* one COST_ITEM per word */
} count_ctx;

static int is_vowel(char c) {
  c = (char)(c | 0x20);
  return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y';
}

/* English syllables by vowel groups, the estimate readability formulas
 * are calibrated with: a silent final 'e' does not count (but "-le" does),
 * and every word has at least one.  Non-ASCII letters count as vowels
 * when they start a group, which keeps accented words reasonable. */
static int count_word(void *ud, size_t start, size_t end) {
  count_ctx *c = ud;
  if (budget_spend(c->budget, COST_ITEM)) return 1;
  const char *w = c->s + start;
  size_t n = end - start;
  lua_Integer syl = 0;
  int in_group = 0;
  for (size_t i = 0; i < n; i++) {
    int v = is_vowel(w[i]) || (unsigned char)w[i] >= 0xC0;
    if (v && !in_group) syl++;
    in_group = v || ((unsigned char)w[i] & 0xC0) == 0x80 ? v || in_group : 0;
  }
  if (n > 2 && (w[n - 1] | 0x20) == 'e' && !is_vowel(w[n - 2]) &&
      !((w[n - 2] | 0x20) == 'l' && n > 3 && !is_vowel(w[n - 3])) && syl > 1)
    syl--;
  if (syl == 0) syl = 1;
  c->words++;
  c->syllables += syl;
  return 0;
}

/* lede.count(text) -> words, syllables, characters (code points). */
static int l_count(lua_State *L) {
  size_t len;
  const char *s = luaL_checklstring(L, 1, &len);
  run_budget *b = luactx_get(L)->budget;
  luactx_charge(L, b, BYTES_COST(len));
  count_ctx c = {s, 0, 0, b};
  if (words_scan(s, len, count_word, &c)) raise_if_hit(L, b);
  lua_Integer chars = 0;
  for (size_t i = 0; i < len; i++) chars += ((unsigned char)s[i] & 0xC0) != 0x80;
  lua_pushinteger(L, c.words);
  lua_pushinteger(L, c.syllables);
  lua_pushinteger(L, chars);
  return 3;
}

static int l_abbrev_add(lua_State *L) {
  int n = lua_gettop(L);
  luactx *ctx = luactx_get(L);
  for (int i = 1; i <= n; i++) {
    size_t len;
    const char *w = luaL_checklstring(L, i, &len);
    size_t wl = len && w[len - 1] == '.' ? len - 1 : len;
    if (wl == 0 || wl > SEG_ABBREV_MAX || strcspn(w, " \t\r\n") < wl)
      return luaL_argerror(L, i, "an abbreviation is 1 to 64 bytes without white space");
    luactx_charge(L, ctx->budget, COST_ITEM);
    /* The run's own copy, made at the first add: documents loaded before
     * keep the set they were loaded with. */
    if (!ctx->abbrevs && !(ctx->abbrevs = abbrevs_clone(ctx->base_abbrevs)))
      return luaL_error(L, "not enough memory");
    if (abbrevs_add(ctx->abbrevs, w, len)) return luaL_error(L, "not enough memory");
  }
  return 0;
}

static int l_abbrev_has(lua_State *L) {
  size_t len;
  const char *w = luaL_checklstring(L, 1, &len);
  luactx *ctx = luactx_get(L);
  luactx_charge(L, ctx->budget, BYTES_COST(len));
  lua_pushboolean(L, abbrevs_has(luactx_abbrevs(ctx), w, len));
  return 1;
}

/* lede.write(...): appends strings to the run's output, streaming; a
 * script that writes need not build one huge string. */
static int l_write(lua_State *L) {
  luactx *ctx = luactx_get(L);
  int n = lua_gettop(L);
  if (!ctx->write) return luaL_error(L, "lede.write is only available inside a script run");
  /* Every argument is checked before anything is written: a bad one
   * writes nothing, and a host's callback gets one piece per call. */
  size_t total = 0;
  for (int i = 1; i <= n; i++) {
    size_t len;
    luaL_checklstring(L, i, &len);
    total += len;
  }
  luactx_charge(L, ctx->budget, BYTES_COST(total));
  ctx->wrote = 1;
  if (total == 0) return 0;
  const char *piece;
  if (n == 1) {
    piece = lua_tostring(L, 1);
  } else {
    dbuf *b = &ctx->scratch;
    b->n = 0;
    for (int i = 1; i <= n; i++) {
      size_t len;
      const char *s = lua_tolstring(L, i, &len);
      dbuf_put(b, s, len);
    }
    if (b->failed) {
      int hit = b->failed == LEDE_ELIMIT;
      b->failed = 0;
      b->n = 0;
      return luaL_error(L, hit ? "script exceeded memory limit" : "not enough memory");
    }
    piece = b->p;
    luactx_poll(L, ctx->budget); /* the copy may have taken a while */
  }
  if (ctx->write(ctx->write_ud, piece, total)) return luaL_error(L, "cannot write output");
  return 0;
}

/* ---- JSON encoding ------------------------------------------------------ */

/* The output buffer is a dbuf inside a userdata whose __gc frees it.
 * luaL_Buffer cannot be used here: json_value pushes table elements and
 * keys while it appends, and luaL_Buffer requires its box at the top of
 * the stack at every append.  A userdata also frees the memory when an
 * error (a cycle, a function) unwinds through us.  Strings are escaped by
 * buf.c's dbuf_put_json, the escaper `--to json` uses, so both write
 * U+2028/U+2029 as \u2028/\u2029 and agree on every byte. */
typedef struct jbuf {
  dbuf b;      /* charged to the run's budget like other C memory */
  size_t done; /* bytes of b already charged as work */
} jbuf;

#define JBUF_MT "lede.JsonBuffer"

static int jbuf_gc(lua_State *L) {
  jbuf *j = lua_touserdata(L, 1);
  dbuf_free(&j->b);
  return 0;
}

/* Raises if an append failed; charges the bytes written since the last
 * check as work, so a huge table is stopped by the limits as it goes. */
static void jb_check(lua_State *L, jbuf *j) {
  if (j->b.failed)
    luaL_error(L, j->b.failed == LEDE_ELIMIT ? "script exceeded memory limit"
                                             : "not enough memory");
  if (j->b.n - j->done >= 4096) {
    luactx_charge(L, j->b.budget, BYTES_COST(j->b.n - j->done));
    j->done = j->b.n;
  }
}

static void jb_put(lua_State *L, jbuf *j, const char *s, size_t n) {
  dbuf_put(&j->b, s, n);
  jb_check(L, j);
}

static void jb_puts(lua_State *L, jbuf *j, const char *s) { jb_put(L, j, s, strlen(s)); }

static void json_string(lua_State *L, jbuf *j, const char *s, size_t n) {
  if (n >= 4096) { /* charged before the work, not only after it */
    luactx_charge(L, j->b.budget, BYTES_COST(n));
    j->done += n + 2;
  }
  dbuf_putc(&j->b, '"');
  dbuf_put_json(&j->b, s, n);
  dbuf_putc(&j->b, '"');
  jb_check(L, j);
}

/* A table is an array when its keys are exactly 1..#t (empty: array). */
static int is_array(lua_State *L, int idx, lua_Integer *len) {
  lua_Integer n = (lua_Integer)lua_rawlen(L, idx), count = 0;
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    lua_pop(L, 1);
    if (!lua_isinteger(L, -1)) {
      lua_pop(L, 1);
      return 0;
    }
    lua_Integer k = lua_tointeger(L, -1);
    if (k < 1 || k > n) {
      lua_pop(L, 1);
      return 0;
    }
    count++;
  }
  *len = n;
  return count == n;
}

typedef struct jkey {
  const char *s; /* anchored by the keys table on the stack */
  size_t n;
} jkey;

/* Byte order, a prefix first: keys may hold NUL bytes. */
static int cmp_keys(const void *a, const void *b) {
  const jkey *x = a, *y = b;
  int c = memcmp(x->s, y->s, x->n < y->n ? x->n : y->n);
  return c ? c : (x->n > y->n) - (x->n < y->n);
}

static void json_value(lua_State *L, int idx, jbuf *j, int depth) {
  idx = lua_absindex(L, idx);
  if (depth > 200) luaL_error(L, "lede.json: nesting too deep (or a cycle)");
  switch (lua_type(L, idx)) {
  case LUA_TNIL: jb_puts(L, j, "null"); break;
  case LUA_TBOOLEAN: jb_puts(L, j, lua_toboolean(L, idx) ? "true" : "false"); break;
  case LUA_TNUMBER: {
    char num[64];
    if (lua_isinteger(L, idx)) {
      snprintf(num, sizeof num, LUA_INTEGER_FMT, (LUAI_UACINT)lua_tointeger(L, idx));
    } else {
      lua_Number x = lua_tonumber(L, idx);
      if (isnan(x) || isinf(x)) luaL_error(L, "lede.json: cannot encode %s", isnan(x) ? "NaN" : "infinity");
      /* The shortest form that reads back as the same double: %.17g
       * always round-trips but prints 12.3 as 12.300000000000001. */
      for (int prec = 15; prec <= 17; prec++) {
        snprintf(num, sizeof num, "%.*g", prec, (double)x);
        if (strtod(num, NULL) == x) break;
      }
    }
    jb_puts(L, j, num);
    break;
  }
  case LUA_TSTRING: {
    size_t n;
    const char *s = lua_tolstring(L, idx, &n);
    json_string(L, j, s, n);
    break;
  }
  case LUA_TTABLE: {
    luaL_checkstack(L, 6, "lede.json");
    lua_Integer n;
    if (is_array(L, idx, &n)) {
      jb_put(L, j, "[", 1);
      for (lua_Integer i = 1; i <= n; i++) {
        if (i > 1) jb_put(L, j, ",", 1);
        lua_rawgeti(L, idx, i); /* [.. v] */
        json_value(L, -1, j, depth + 1);
        lua_pop(L, 1);
      }
      jb_put(L, j, "]", 1);
      break;
    }
    /* Objects: keys sorted, so output is deterministic. */
    lua_newtable(L); /* [.. keys] */
    int keys = lua_gettop(L);
    lua_Integer nk = 0;
    lua_pushnil(L);
    while (lua_next(L, idx)) {
      lua_pop(L, 1);
      if (lua_type(L, -1) != LUA_TSTRING) luaL_error(L, "lede.json: object keys must be strings");
      lua_pushvalue(L, -1);
      lua_rawseti(L, keys, ++nk);
    }
    jkey *names = lua_newuserdatauv(L, (size_t)nk * sizeof *names + 1, 0); /* [.. keys names] */
    for (lua_Integer i = 0; i < nk; i++) {
      lua_rawgeti(L, keys, i + 1);
      names[i].s = lua_tolstring(L, -1, &names[i].n);
      lua_pop(L, 1);
    }
    qsort(names, (size_t)nk, sizeof *names, cmp_keys);
    jb_put(L, j, "{", 1);
    for (lua_Integer i = 0; i < nk; i++) {
      if (i) jb_put(L, j, ",", 1);
      json_string(L, j, names[i].s, names[i].n);
      jb_put(L, j, ":", 1);
      lua_pushlstring(L, names[i].s, names[i].n);
      lua_rawget(L, idx); /* [.. keys names v] */
      json_value(L, -1, j, depth + 1);
      lua_pop(L, 1);
    }
    jb_put(L, j, "}", 1);
    lua_pop(L, 2);
    break;
  }
  default:
    /* A lede list (doc.sentences, s.words) is a sequence: an array of its
     * items, each as its text. */
    if (lua_type(L, idx) == LUA_TUSERDATA && luaL_getmetafield(L, idx, "__len") != LUA_TNIL) {
      lua_pop(L, 1);
      lua_len(L, idx);
      lua_Integer n = lua_tointeger(L, -1);
      lua_pop(L, 1);
      jb_put(L, j, "[", 1);
      for (lua_Integer i = 1; i <= n; i++) {
        if (i > 1) jb_put(L, j, ",", 1);
        lua_geti(L, idx, i); /* [.. item] */
        json_value(L, -1, j, depth + 1);
        lua_pop(L, 1);
      }
      jb_put(L, j, "]", 1);
      break;
    }
    if (luaL_callmeta(L, idx, "__tostring")) { /* [.. s] */
      size_t n;
      const char *s = lua_tolstring(L, -1, &n);
      if (!s) luaL_error(L, "lede.json: __tostring must return a string");
      json_string(L, j, s, n);
      lua_pop(L, 1);
      break;
    }
    luaL_error(L, "lede.json: cannot encode a %s", luaL_typename(L, idx));
  }
}

/* lede.json(value) -> compact JSON text. */
static int l_json(lua_State *L) {
  luaL_checkany(L, 1);
  lua_settop(L, 1);
  jbuf *j = lua_newuserdatauv(L, sizeof *j, 0); /* [v jbuf] */
  dbuf_init(&j->b, luactx_get(L)->budget);
  j->done = 0;
  if (luaL_newmetatable(L, JBUF_MT)) { /* [v jbuf mt] */
    lua_pushcfunction(L, jbuf_gc);
    lua_setfield(L, -2, "__gc");
  }
  lua_setmetatable(L, -2); /* [v jbuf] */
  json_value(L, 1, j, 0);
  lua_pushlstring(L, j->b.p ? j->b.p : "", j->b.n); /* [v jbuf s] */
  dbuf_free(&j->b); /* now, not at the next collection */
  return 1;
}

/* The module's functions and version, the same in every run: built once
 * per state, copied for each (luacopy.h). */
static const char funcs_key = 'f', abbrev_key = 'a';

static void build_funcs(lua_State *L) {
  static const luaL_Reg funcs[] = {
      {"load", l_load},   {"sentences", l_sentences}, {"words", l_words},
      {"squish", l_squish}, {"write", l_write},       {"json", l_json},
      {"count", l_count},
      /* whole-document output (lua_bulk.c) */
      {"write_sentences", lbulk_write_sentences},
      /* summaries and scoring (textlib.c) */
      {"tokens", textlib_tokens}, {"stem", textlib_stem}, {"stemmers", textlib_stemmers},
      {"stopwords", textlib_stopwords}, {"terms", textlib_terms},
      {"centrality", textlib_centrality},
      {NULL, NULL}};
  luaL_newlib(L, funcs); /* [.. lede] */
  lua_pushliteral(L, LEDE_VERSION_STRING);
  lua_setfield(L, -2, "version");
  luadoc_strict_table(L, -1, "lede"); /* locked: shared by the copies */
}

static void build_abbrev(lua_State *L) {
  static const luaL_Reg abbrev[] = {{"add", l_abbrev_add}, {"has", l_abbrev_has}, {NULL, NULL}};
  luaL_newlib(L, abbrev);
  luadoc_strict_table(L, -1, "lede.abbreviations");
}

int lmod_open(lua_State *L) {
  ldoc_open_classes(L);
  luacopy_cached(L, &funcs_key, build_funcs); /* [.. lede] */
  luacopy_cached(L, &abbrev_key, build_abbrev);
  lua_setfield(L, -2, "abbreviations");
  lede_lua_redact(L); /* [.. lede redact] */
  lua_setfield(L, -2, "redact");
  host_push_table(L, luactx_get(L)->engine); /* [.. lede host] */
  /* lede.host stays lenient: `if lede.host.f then` is how a script asks
   * whether its host registered f. */
  lua_setfield(L, -2, "host");
  return 1;
}
