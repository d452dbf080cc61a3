/* sandbox_lib.c -- standard-library functions that would otherwise loop in
 * C where no limit can reach them, replaced by budgeted versions.
 *
 * The count hook only sees Lua instructions and function calls.  A few
 * library functions can spend unbounded time inside one C call without
 * running either:
 *   - Lua patterns backtrack: string.rep("a", 1e6):find(".-.-.-b") is
 *     cubic in the subject length, and a bracket class or a back-reference
 *     multiplies every step by its length;
 *   - string.find(s, p, 1, true) uses a naive search, O(#s * #p);
 *   - string.rep("", math.maxinteger) copies nothing 2^63 times;
 *   - table.move(t, 1, 1e15, 2) moves nils without allocating anything.
 * Rather than guess a safe subject-length x pattern-complexity product (any
 * threshold is either too tight for a 100 MB document or too loose for a
 * cubic pattern), the matcher below is lstrlib's own algorithm with a step
 * counter: every pattern position tried, every subject byte scanned by a
 * quantifier, %b or a back-reference, and every byte of a bracket class
 * tested costs one step.  Steps are charged to the run's instruction budget
 * and the time limit is polled every STEP_POLL steps (sandbox_charge), so a
 * pathological pattern stops exactly like a Lua loop would.  Plain finds
 * use memmem (glibc's two-way search: linear).  Results are identical to
 * the stock functions; tests/test_sandbox.c compares them with lua5.4.
 *
 * The matcher follows lstrlib.c of Lua 5.4 (Copyright (C) 1994-2022
 * Lua.org, PUC-Rio, MIT licence), with the step counting added. */
#define _GNU_SOURCE /* memmem */
#include <ctype.h>
#include <lauxlib.h>
#include <limits.h>
#include <string.h>

#include "sandbox.h"

#define L_ESC '%'
#define SPECIALS "^$*+?.([%-"
#define MAXCAPTURES 32  /* LUA_MAXCAPTURES */
#define MAXMATCHDEPTH 200 /* lstrlib's MAXCCALLS: recursion of match() */
#define CAP_UNFINISHED (-1)
#define CAP_POSITION (-2)
#define STEP_POLL 4096  /* matcher steps between budget checks */

#define uchar(c) ((unsigned char)(c))

typedef struct MatchState {
  const char *src_init, *src_end, *p_end;
  lua_State *L;
  int matchdepth;
  unsigned char level;
  unsigned long steps; /* not yet charged */
  struct {
    const char *init;
    ptrdiff_t len;
  } capture[MAXCAPTURES];
} MatchState;

/* Counts n steps; charges them (and may raise a limit error) in batches. */
static void count(MatchState *ms, size_t n) {
  ms->steps += n;
  if (ms->steps >= STEP_POLL) {
    unsigned long s = ms->steps;
    ms->steps = 0;
    sandbox_charge(ms->L, s);
  }
}

static const char *match(MatchState *ms, const char *s, const char *p);

static int check_capture(MatchState *ms, int l) {
  l -= '1';
  if (l < 0 || l >= ms->level || ms->capture[l].len == CAP_UNFINISHED)
    return luaL_error(ms->L, "invalid capture index %%%d", l + 1);
  return l;
}

static int capture_to_close(MatchState *ms) {
  int level = ms->level;
  for (level--; level >= 0; level--)
    if (ms->capture[level].len == CAP_UNFINISHED) return level;
  return luaL_error(ms->L, "invalid pattern capture");
}

static const char *class_end(MatchState *ms, const char *p) {
  switch (*p++) {
  case L_ESC:
    if (p == ms->p_end) luaL_error(ms->L, "malformed pattern (ends with '%%')");
    return p + 1;
  case '[':
    if (*p == '^') p++;
    do { /* look for a ']' */
      if (p == ms->p_end) luaL_error(ms->L, "malformed pattern (missing ']')");
      if (*(p++) == L_ESC && p < ms->p_end) p++; /* skip escapes (e.g. '%]') */
    } while (*p != ']');
    return p + 1;
  default:
    return p;
  }
}

static int match_class(int c, int cl) {
  int res;
  switch (tolower(cl)) {
  case 'a': res = isalpha(c); break;
  case 'c': res = iscntrl(c); break;
  case 'd': res = isdigit(c); break;
  case 'g': res = isgraph(c); break;
  case 'l': res = islower(c); break;
  case 'p': res = ispunct(c); break;
  case 's': res = isspace(c); break;
  case 'u': res = isupper(c); break;
  case 'w': res = isalnum(c); break;
  case 'x': res = isxdigit(c); break;
  case 'z': res = (c == 0); break; /* deprecated, still in 5.4 */
  default: return cl == c;
  }
  if (isupper(cl)) res = !res;
  return res;
}

/* p points at '[', ec at the closing ']'. */
static int match_bracket_class(int c, const char *p, const char *ec) {
  int sig = 1;
  if (*(p + 1) == '^') {
    sig = 0;
    p++;
  }
  while (++p < ec) {
    if (*p == L_ESC) {
      p++;
      if (match_class(c, uchar(*p))) return sig;
    } else if (*(p + 1) == '-' && p + 2 < ec) {
      p += 2;
      if (uchar(*(p - 2)) <= c && c <= uchar(*p)) return sig;
    } else if (uchar(*p) == c) {
      return sig;
    }
  }
  return !sig;
}

/* A bracket class is scanned byte by byte: its length is the step's cost. */
static int single_match(MatchState *ms, const char *s, const char *p,
                        const char *ep) {
  if (s >= ms->src_end) return 0;
  int c = uchar(*s);
  switch (*p) {
  case '.': return 1;
  case L_ESC: return match_class(c, uchar(*(p + 1)));
  case '[':
    count(ms, (size_t)(ep - p));
    return match_bracket_class(c, p, ep - 1);
  default: return uchar(*p) == c;
  }
}

static const char *match_balance(MatchState *ms, const char *s, const char *p) {
  if (p >= ms->p_end - 1)
    luaL_error(ms->L, "malformed pattern (missing arguments to '%%b')");
  if (*s != *p) return NULL;
  int b = *p, e = *(p + 1), cont = 1;
  const char *start = s;
  while (++s < ms->src_end) {
    if (*s == e) {
      if (--cont == 0) {
        count(ms, (size_t)(s - start));
        return s + 1;
      }
    } else if (*s == b) {
      cont++;
    }
  }
  count(ms, (size_t)(s - start));
  return NULL;
}

static const char *max_expand(MatchState *ms, const char *s, const char *p,
                              const char *ep) {
  ptrdiff_t i = 0; /* counts maximum expand for item */
  while (single_match(ms, s + i, p, ep)) i++;
  count(ms, (size_t)i);
  /* keeps trying to match with the maximum repetitions */
  while (i >= 0) {
    const char *res = match(ms, s + i, ep + 1);
    if (res) return res;
    i--; /* else didn't match; reduce 1 repetition to try again */
  }
  return NULL;
}

static const char *min_expand(MatchState *ms, const char *s, const char *p,
                              const char *ep) {
  for (;;) {
    const char *res = match(ms, s, ep + 1);
    if (res != NULL) return res;
    if (!single_match(ms, s, p, ep)) return NULL;
    s++; /* try with one more repetition */
  }
}

static const char *start_capture(MatchState *ms, const char *s, const char *p,
                                 int what) {
  int level = ms->level;
  if (level >= MAXCAPTURES) luaL_error(ms->L, "too many captures");
  ms->capture[level].init = s;
  ms->capture[level].len = what;
  ms->level = (unsigned char)(level + 1);
  const char *res = match(ms, s, p);
  if (res == NULL) ms->level--; /* undo capture */
  return res;
}

static const char *end_capture(MatchState *ms, const char *s, const char *p) {
  int l = capture_to_close(ms);
  ms->capture[l].len = s - ms->capture[l].init; /* close capture */
  const char *res = match(ms, s, p);
  if (res == NULL) ms->capture[l].len = CAP_UNFINISHED; /* undo capture */
  return res;
}

/* A back-reference compares the whole capture: its length is the cost. */
static const char *match_capture(MatchState *ms, const char *s, int l) {
  l = check_capture(ms, l);
  size_t len = (size_t)ms->capture[l].len;
  count(ms, len);
  if ((size_t)(ms->src_end - s) >= len && memcmp(ms->capture[l].init, s, len) == 0)
    return s + len;
  return NULL;
}

static const char *match(MatchState *ms, const char *s, const char *p) {
  if (ms->matchdepth-- == 0) luaL_error(ms->L, "pattern too complex");
init: /* using goto to optimize tail recursion */
  count(ms, 1);
  if (p != ms->p_end) {
    switch (*p) {
    case '(': /* start capture */
      if (*(p + 1) == ')') s = start_capture(ms, s, p + 2, CAP_POSITION);
      else s = start_capture(ms, s, p + 1, CAP_UNFINISHED);
      break;
    case ')': /* end capture */
      s = end_capture(ms, s, p + 1);
      break;
    case '$':
      if (p + 1 != ms->p_end) goto dflt; /* not the end of the pattern */
      s = s == ms->src_end ? s : NULL;
      break;
    case L_ESC:
      switch (*(p + 1)) {
      case 'b': /* balanced string */
        s = match_balance(ms, s, p + 2);
        if (s != NULL) {
          p += 4;
          goto init;
        }
        break;
      case 'f': { /* frontier */
        p += 2;
        if (*p != '[') luaL_error(ms->L, "missing '[' after '%%f' in pattern");
        const char *ep = class_end(ms, p);
        char previous = s == ms->src_init ? '\0' : *(s - 1);
        count(ms, (size_t)(ep - p));
        if (!match_bracket_class(uchar(previous), p, ep - 1) &&
            match_bracket_class(uchar(*s), p, ep - 1)) {
          p = ep;
          goto init;
        }
        s = NULL;
        break;
      }
      case '0': case '1': case '2': case '3': case '4':
      case '5': case '6': case '7': case '8': case '9':
        s = match_capture(ms, s, uchar(*(p + 1)));
        if (s != NULL) {
          p += 2;
          goto init;
        }
        break;
      default:
        goto dflt;
      }
      break;
    default:
    dflt: {
      const char *ep = class_end(ms, p);
      if (!single_match(ms, s, p, ep)) {
        if (*ep == '*' || *ep == '?' || *ep == '-') { /* accept empty? */
          p = ep + 1;
          goto init;
        }
        s = NULL;
      } else { /* matched once */
        switch (*ep) {
        case '?': {
          const char *res = match(ms, s + 1, ep + 1);
          if (res != NULL) {
            s = res;
          } else {
            p = ep + 1;
            goto init;
          }
          break;
        }
        case '+': s = max_expand(ms, s + 1, p, ep); break;
        case '*': s = max_expand(ms, s, p, ep); break;
        case '-': s = min_expand(ms, s, p, ep); break;
        default:
          s++;
          p = ep;
          goto init;
        }
      }
      break;
    }
    }
  }
  ms->matchdepth++;
  return s;
}

/* ---- captures and entry points ------------------------------------------ */

static ptrdiff_t get_onecapture(MatchState *ms, int i, const char *s,
                                const char *e, const char **cap) {
  if (i >= ms->level) {
    if (i != 0) luaL_error(ms->L, "invalid capture index %%%d", i + 1);
    *cap = s; /* no captures: the whole match */
    return e - s;
  }
  ptrdiff_t capl = ms->capture[i].len;
  *cap = ms->capture[i].init;
  if (capl == CAP_UNFINISHED) luaL_error(ms->L, "unfinished capture");
  else if (capl == CAP_POSITION)
    lua_pushinteger(ms->L, (ms->capture[i].init - ms->src_init) + 1); /* [.. pos] */
  return capl;
}

static void push_onecapture(MatchState *ms, int i, const char *s, const char *e) {
  const char *cap;
  ptrdiff_t l = get_onecapture(ms, i, s, e, &cap);
  if (l != CAP_POSITION) lua_pushlstring(ms->L, cap, (size_t)l); /* [.. cap] */
}

static int push_captures(MatchState *ms, const char *s, const char *e) {
  int nlevels = (ms->level == 0 && s) ? 1 : ms->level;
  luaL_checkstack(ms->L, nlevels, "too many captures");
  for (int i = 0; i < nlevels; i++) push_onecapture(ms, i, s, e);
  return nlevels; /* number of strings pushed */
}

/* Does the pattern have no special characters (NULs included)? */
static int nospecials(const char *p, size_t l) {
  size_t upto = 0;
  do {
    if (strpbrk(p + upto, SPECIALS)) return 0;
    upto += strlen(p + upto) + 1; /* may have more after \0 */
  } while (upto <= l);
  return 1;
}

static void prepstate(MatchState *ms, lua_State *L, const char *s, size_t ls,
                      const char *p, size_t lp) {
  ms->L = L;
  ms->matchdepth = MAXMATCHDEPTH;
  ms->src_init = s;
  ms->src_end = s + ls;
  ms->p_end = p + lp;
  ms->steps = 0;
}

static void reprepstate(MatchState *ms) { ms->level = 0; }

/* string.sub's rule for a start position. */
static size_t posrelat(lua_Integer pos, size_t len) {
  if (pos > 0) return (size_t)pos;
  if (pos == 0) return 1;
  if (pos < -(lua_Integer)len) return 1;
  return len + (size_t)pos + 1;
}

static int str_find_aux(lua_State *L, int find) {
  size_t ls, lp;
  const char *s = luaL_checklstring(L, 1, &ls);
  const char *p = luaL_checklstring(L, 2, &lp);
  size_t init = posrelat(luaL_optinteger(L, 3, 1), ls) - 1;
  if (init > ls) { /* start after string's end? */
    luaL_pushfail(L);
    return 1;
  }
  if (find && (lua_toboolean(L, 4) || nospecials(p, lp))) {
    /* memmem is linear; lstrlib's lmemfind is O(#s * #p). */
    const char *s2 = memmem(s + init, ls - init, p, lp);
    if (s2) {
      lua_pushinteger(L, (s2 - s) + 1);
      lua_pushinteger(L, (lua_Integer)((size_t)(s2 - s) + lp));
      return 2;
    }
  } else {
    MatchState ms;
    const char *s1 = s + init;
    int anchor = (*p == '^');
    if (anchor) {
      p++;
      lp--;
    }
    prepstate(&ms, L, s, ls, p, lp);
    do {
      reprepstate(&ms);
      const char *res = match(&ms, s1, p);
      if (res != NULL) {
        if (find) {
          lua_pushinteger(L, (s1 - s) + 1); /* start */
          lua_pushinteger(L, res - s);      /* end */
          return push_captures(&ms, NULL, 0) + 2;
        }
        return push_captures(&ms, s1, res);
      }
    } while (s1++ < ms.src_end && !anchor);
  }
  luaL_pushfail(L);
  return 1;
}

static int str_find(lua_State *L) { return str_find_aux(L, 1); }
static int str_match(lua_State *L) { return str_find_aux(L, 0); }

typedef struct GMatchState {
  const char *src, *p, *lastmatch;
  MatchState ms;
} GMatchState;

/* Upvalues: subject, pattern (anchoring the pointers), state. */
static int gmatch_aux(lua_State *L) {
  GMatchState *gm = lua_touserdata(L, lua_upvalueindex(3));
  gm->ms.L = L;
  for (const char *src = gm->src; src <= gm->ms.src_end; src++) {
    reprepstate(&gm->ms);
    const char *e = match(&gm->ms, src, gm->p);
    if (e != NULL && e != gm->lastmatch) {
      gm->src = gm->lastmatch = e;
      return push_captures(&gm->ms, src, e);
    }
  }
  return 0; /* not found */
}

static int str_gmatch(lua_State *L) {
  size_t ls, lp;
  const char *s = luaL_checklstring(L, 1, &ls);
  const char *p = luaL_checklstring(L, 2, &lp);
  size_t init = posrelat(luaL_optinteger(L, 3, 1), ls) - 1;
  lua_settop(L, 2); /* [s p] */
  GMatchState *gm = lua_newuserdatauv(L, sizeof *gm, 0); /* [s p state] */
  if (init > ls) init = ls + 1; /* start after string's end: no match */
  prepstate(&gm->ms, L, s, ls, p, lp);
  gm->src = s + init;
  gm->p = p;
  gm->lastmatch = NULL;
  lua_pushcclosure(L, gmatch_aux, 3); /* [iterator] */
  return 1;
}

static void add_s(MatchState *ms, luaL_Buffer *b, const char *s, const char *e) {
  size_t l;
  lua_State *L = ms->L;
  const char *news = lua_tolstring(L, 3, &l);
  const char *p;
  while ((p = memchr(news, L_ESC, l)) != NULL) {
    luaL_addlstring(b, news, (size_t)(p - news));
    p++; /* skip ESC */
    if (*p == L_ESC) {
      luaL_addchar(b, *p);
    } else if (*p == '0') {
      luaL_addlstring(b, s, (size_t)(e - s));
    } else if (isdigit(uchar(*p))) {
      const char *cap;
      ptrdiff_t resl = get_onecapture(ms, *p - '1', s, e, &cap);
      if (resl == CAP_POSITION) luaL_addvalue(b); /* the pushed position */
      else luaL_addlstring(b, cap, (size_t)resl);
    } else {
      luaL_error(L, "invalid use of '%c' in replacement string", L_ESC);
    }
    l -= (size_t)(p + 1 - news);
    news = p + 1;
  }
  luaL_addlstring(b, news, l);
}

/* Adds the replacement value; returns whether the subject changed. */
static int add_value(MatchState *ms, luaL_Buffer *b, const char *s,
                     const char *e, int tr) {
  lua_State *L = ms->L;
  switch (tr) {
  case LUA_TFUNCTION: {
    lua_pushvalue(L, 3); /* [.. f] */
    int n = push_captures(ms, s, e);
    lua_call(L, n, 1); /* [.. result] */
    break;
  }
  case LUA_TTABLE:
    push_onecapture(ms, 0, s, e);
    lua_gettable(L, 3); /* [.. result] */
    break;
  default:
    add_s(ms, b, s, e);
    return 1;
  }
  if (!lua_toboolean(L, -1)) { /* nil or false: keep the original text */
    lua_pop(L, 1);
    luaL_addlstring(b, s, (size_t)(e - s));
    return 0;
  }
  if (!lua_isstring(L, -1))
    return luaL_error(L, "invalid replacement value (a %s)", luaL_typename(L, -1));
  luaL_addvalue(b);
  return 1;
}

static int str_gsub(lua_State *L) {
  size_t srcl, lp;
  const char *src = luaL_checklstring(L, 1, &srcl);
  const char *p = luaL_checklstring(L, 2, &lp);
  const char *lastmatch = NULL;
  int tr = lua_type(L, 3);
  lua_Integer max_s = luaL_optinteger(L, 4, (lua_Integer)srcl + 1);
  int anchor = (*p == '^');
  lua_Integer n = 0;
  int changed = 0;
  MatchState ms;
  luaL_Buffer b;
  luaL_argexpected(L, tr == LUA_TNUMBER || tr == LUA_TSTRING || tr == LUA_TFUNCTION ||
                          tr == LUA_TTABLE, 3, "string/function/table");
  luaL_buffinit(L, &b);
  if (anchor) {
    p++;
    lp--;
  }
  prepstate(&ms, L, src, srcl, p, lp);
  while (n < max_s) {
    reprepstate(&ms);
    const char *e = match(&ms, src, p);
    if (e != NULL && e != lastmatch) { /* match? */
      n++;
      changed = add_value(&ms, &b, src, e, tr) | changed;
      src = lastmatch = e;
    } else if (src < ms.src_end) {
      luaL_addchar(&b, *src++);
    } else {
      break;
    }
    if (anchor) break;
  }
  if (!changed) {
    lua_pushvalue(L, 1); /* return the original string */
  } else {
    luaL_addlstring(&b, src, (size_t)(ms.src_end - src));
    luaL_pushresult(&b);
  }
  lua_pushinteger(L, n);
  return 2;
}

/* ---- string.rep and table.move ------------------------------------------ */

/* string.rep(s, n [, sep]): with s and sep both empty the stock version
 * loops n times copying nothing; everything else allocates its whole
 * result first, so the memory limit bounds it.  Upvalue: the stock rep. */
static int str_rep(lua_State *L) {
  size_t l, lsep;
  luaL_checklstring(L, 1, &l);
  lua_Integer n = luaL_checkinteger(L, 2);
  luaL_optlstring(L, 3, "", &lsep);
  if (l + lsep == 0 || n <= 0) {
    lua_pushliteral(L, "");
    return 1;
  }
  /* lstrlib's own check, here so the message carries the script's line */
  if (l + lsep < l || l + lsep > (size_t)INT_MAX / (lua_Unsigned)n)
    return luaL_error(L, "resulting string too large");
  lua_pushvalue(L, lua_upvalueindex(1)); /* [s n sep? rep] */
  lua_insert(L, 1);                      /* [rep s n sep?] */
  lua_call(L, lua_gettop(L) - 1, 1);
  return 1;
}

/* table.move(a1, f, e, t [, a2]) as in ltablib.c, charging one step per
 * element: moving nils between plain tables allocates nothing, so without
 * this table.move({}, 1, 1e15, 2) would run for days inside one call. */
static int tab_move(lua_State *L) {
  lua_Integer f = luaL_checkinteger(L, 2);
  lua_Integer e = luaL_checkinteger(L, 3);
  lua_Integer t = luaL_checkinteger(L, 4);
  int tt = !lua_isnoneornil(L, 5) ? 5 : 1; /* destination table */
  luaL_checkany(L, 1); /* lua_geti/lua_seti raise for what cannot be indexed */
  if (e >= f) { /* otherwise, nothing to move */
    luaL_argcheck(L, f > 0 || e < LUA_MAXINTEGER + f, 3, "too many elements to move");
    lua_Integer n = e - f + 1; /* number of elements to move */
    luaL_argcheck(L, t <= LUA_MAXINTEGER - n + 1, 4, "destination wrap around");
    unsigned long pending = 0;
    if (t > e || t <= f || (tt != 1 && !lua_compare(L, 1, tt, LUA_OPEQ))) {
      for (lua_Integer i = 0; i < n; i++) {
        lua_geti(L, 1, f + i);
        lua_seti(L, tt, t + i);
        if (++pending == STEP_POLL) {
          sandbox_charge(L, pending);
          pending = 0;
        }
      }
    } else {
      for (lua_Integer i = n - 1; i >= 0; i--) {
        lua_geti(L, 1, f + i);
        lua_seti(L, tt, t + i);
        if (++pending == STEP_POLL) {
          sandbox_charge(L, pending);
          pending = 0;
        }
      }
    }
  }
  lua_pushvalue(L, tt); /* return destination table */
  return 1;
}

void sandbox_guard_libs(lua_State *L, int string_idx, int table_idx) {
  string_idx = lua_absindex(L, string_idx);
  table_idx = lua_absindex(L, table_idx);
  static const luaL_Reg str[] = {{"find", str_find}, {"match", str_match},
                                 {"gmatch", str_gmatch}, {"gsub", str_gsub},
                                 {NULL, NULL}};
  lua_pushvalue(L, string_idx); /* [.. string] */
  luaL_setfuncs(L, str, 0);
  lua_getfield(L, -1, "rep"); /* [.. string rep] */
  lua_pushcclosure(L, str_rep, 1);
  lua_setfield(L, -2, "rep");
  lua_pop(L, 1);
  lua_pushcfunction(L, tab_move); /* [.. move] */
  lua_setfield(L, table_idx, "move");
}
