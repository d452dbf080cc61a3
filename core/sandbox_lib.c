/* sandbox_lib.c -- standard-library functions that would otherwise loop in
 * C where no limit can reach them, replaced by budgeted versions.
 *
 * The count hook only sees Lua instructions and function calls.  A few
 * library functions can spend unbounded time inside one C call without
 * running either:
 *   - Lua patterns backtrack: string.rep("a", 1e6):find(".-.-.-b") is
 *     cubic in the subject length, and a back-reference or %b multiplies
 *     every attempt by the length it compares or scans;
 *   - string.find(s, p, 1, true) uses a naive search, O(#s * #p);
 *   - string.rep("", math.maxinteger) copies nothing 2^63 times;
 *   - table.move(t, 1, 1e15, 2) moves nils without allocating anything.
 * Rather than guess a safe subject-length x pattern-complexity product (any
 * threshold is either too tight for a 100 MB document or too loose for a
 * cubic pattern), string.find/match/gmatch/gsub use our own matcher, which
 * counts its work.
 *
 * The matcher implements the patterns of the Lua 5.4 manual (6.4.1) in two
 * stages.  compile() turns the pattern into an array of items (byte, any,
 * class, set, capture open/position/close, back-reference, %b, %f, '$',
 * end), each single-byte item with its quantifier; a [set] becomes a
 * 256-bit map, so testing a byte against it is one lookup however long the
 * set is written, and a %class is one ctype test.  Short patterns compile
 * onto the C stack (string.find in a loop does not allocate).  run()
 * walks the items with an explicit stack of backtrack frames: a frame
 * remembers a quantifier's remaining choices or a capture to undo.  The
 * stack is bounded (MAXFRAMES): deeper means "pattern too complex", at the
 * same point where the stock matcher gives up (its C recursion has one
 * level per such frame), so no pattern can exhaust the C stack.
 *
 * Cost: every item executed and every backtrack costs one step; so does
 * every subject byte examined by a quantifier, %b or a back-reference, and
 * every pattern byte compiled.  Steps are charged to the run's instruction
 * budget and the time limit is polled every STEP_POLL steps
 * (luactx_charge), so a pathological pattern stops exactly like a Lua
 * loop would.  Plain finds use memmem (glibc's two-way search: linear).
 *
 * Results and error messages are those of the stock functions, including
 * where an error shows: a malformed pattern is an error only when the
 * matcher reaches the malformed part (("abc"):find("x%") is nil in stock
 * Lua), so compile() stops at the first malformed construct with an error
 * item that raises when executed.  tests/test_sandbox.c compares both
 * matchers on fixed cases and on thousands of random patterns. */
#define _GNU_SOURCE /* memmem */
#include <ctype.h>
#include <lauxlib.h>
#include <limits.h>
#include <string.h>

#include "luactx.h"
#include "sandbox_lib.h"

/* Charges n matcher steps to the run's budget; raises at a limit. */
static void charge_steps(lua_State *L, unsigned long n) {
  luactx_charge(L, luactx_get(L)->budget, n);
}

#define MAXCAPTURES 32  /* LUA_MAXCAPTURES: the stock limit, same message */
#define MAXFRAMES 199   /* backtrack frames before "pattern too complex" */
#define STEP_POLL 4096  /* matcher steps between budget checks */
#define CAP_OPEN (-1)   /* capture length while not closed */
#define CAP_POSITION (-2)

/* ---- compiled patterns --------------------------------------------------- */

enum op {
  OP_END,      /* pattern done: a match */
  OP_CHAR,     /* the byte c */
  OP_ANY,      /* '.' */
  OP_CLASS,    /* %a ...: a byte of class c, or not (c2) for %A ... */
  OP_SET,      /* a byte in set[arg]: [...] */
  OP_OPEN,     /* '(': capture arg starts here */
  OP_POSITION, /* '()': capture arg is this position */
  OP_CLOSE,    /* ')': capture arg ends here */
  OP_BACKREF,  /* %1-%9: the text of capture arg again */
  OP_BALANCE,  /* %bxy with x = c, y = c2 */
  OP_FRONTIER, /* %f[set]: set[arg] */
  OP_EOS,      /* '$' ending the pattern */
  OP_ERROR     /* malformed from here on: raises error c (detail arg) */
};

enum err { E_ENDS_ESC, E_NO_BRACKET, E_BALANCE_ARGS, E_FRONTIER, E_CAPTURE_INDEX,
           E_CLOSE, E_TOO_MANY };

typedef struct {
  unsigned char op;  /* enum op */
  unsigned char rep; /* single-byte items: 0 or the quantifier * + - ? */
  unsigned char c, c2;
  int arg;
} Item;

typedef struct {
  unsigned char bit[32];
} Set;

typedef struct {
  Item *item;
  Set *set;
} Program;

static int in_set(const Set *s, unsigned char c) { return (s->bit[c >> 3] >> (c & 7)) & 1; }
static void set_add(Set *s, unsigned char c) { s->bit[c >> 3] |= (unsigned char)(1u << (c & 7)); }

/* The class letters of 6.4.1 ('z', the NUL byte, is deprecated but still
 * accepted by 5.4); an upper-case letter is the complement. */
static const char class_letters[] = "acdglpsuwxz";

static int class_has(int letter, int c) {
  switch (letter) {
  case 'a': return isalpha(c) != 0;
  case 'c': return iscntrl(c) != 0;
  case 'd': return isdigit(c) != 0;
  case 'g': return isgraph(c) != 0;
  case 'l': return islower(c) != 0;
  case 'p': return ispunct(c) != 0;
  case 's': return isspace(c) != 0;
  case 'u': return isupper(c) != 0;
  case 'w': return isalnum(c) != 0;
  case 'x': return isxdigit(c) != 0;
  default: return c == 0; /* 'z' */
  }
}

typedef struct {
  const char *p, *end; /* pattern cursor */
  Item *item;          /* NULL on the first pass, which only counts */
  Set *set;
  size_t nitems, nsets;
  int ncap;                       /* captures opened so far */
  signed char cap[MAXCAPTURES];   /* CAP_OPEN, CAP_POSITION or 0 (closed) */
  Set cls[2][sizeof class_letters - 1]; /* maps built so far, per case */
  unsigned char have[2][sizeof class_letters - 1];
} Compiler;

static void emit(Compiler *cc, unsigned char op, unsigned char c, unsigned char c2, int arg) {
  if (cc->item) cc->item[cc->nitems] = (Item){op, 0, c, c2, arg};
  cc->nitems++;
}

static Set *new_set(Compiler *cc, int *index) {
  *index = (int)cc->nsets++;
  if (!cc->set) return NULL;
  Set *s = &cc->set[*index];
  memset(s, 0, sizeof *s);
  return s;
}

/* Adds what "%x" stands for: a class (each built once per pattern, so a
 * long run of %a costs 32 bytes each, not 256 tests) or the byte x. */
static void add_escape(Compiler *cc, Set *s, unsigned char x) {
  const char *l = x ? strchr(class_letters, tolower(x)) : NULL;
  if (!l) {
    set_add(s, x);
    return;
  }
  int up = isupper(x) != 0, k = (int)(l - class_letters);
  Set *m = &cc->cls[up][k];
  if (!cc->have[up][k]) {
    memset(m, 0, sizeof *m);
    for (int c = 0; c < 256; c++)
      if (class_has(*l, c) != up) set_add(m, (unsigned char)c);
    cc->have[up][k] = 1;
  }
  for (int i = 0; i < 32; i++) s->bit[i] |= m->bit[i];
}

/* Parses the set whose '[' is at cc->p: its end is the first ']' after at
 * least one element, "%]" not counting; inside, "%x" is an escape, "x-y"
 * a range (unless y is the closing ']'), anything else itself.  Returns 0
 * (an error item emitted) when the ']' is missing. */
static int compile_set(Compiler *cc, int *index) {
  const char *body = cc->p + 1, *q;
  int negate = body < cc->end && *body == '^';
  body += negate;
  q = body;
  do {
    if (q == cc->end) {
      emit(cc, OP_ERROR, E_NO_BRACKET, 0, 0);
      return 0;
    }
    if (*q++ == '%' && q < cc->end) q++;
  } while (q == cc->end || *q != ']');
  Set *s = new_set(cc, index);
  cc->p = q + 1;
  if (!s) return 1;
  for (const char *r = body; r < q; r++) {
    if (*r == '%') { /* the escaped byte may be the closing ']' itself */
      r++;
      add_escape(cc, s, (unsigned char)*r);
    } else if (r[1] == '-' && r + 2 < q) {
      for (int c = (unsigned char)r[0]; c <= (unsigned char)r[2]; c++)
        set_add(s, (unsigned char)c);
      r += 2;
    } else {
      set_add(s, (unsigned char)*r);
    }
  }
  if (negate)
    for (int i = 0; i < 32; i++) s->bit[i] = (unsigned char)~s->bit[i];
  return 1;
}

/* One pass over the pattern; stops after the first error item, as nothing
 * after it can be reached. */
static void compile_pass(Compiler *cc) {
  while (cc->p < cc->end) {
    const char *p = cc->p;
    unsigned char c = (unsigned char)*p;
    if (c == '(') {
      if (cc->ncap >= MAXCAPTURES) {
        emit(cc, OP_ERROR, E_TOO_MANY, 0, 0);
        return;
      }
      int pos = p + 1 < cc->end && p[1] == ')';
      cc->cap[cc->ncap] = pos ? CAP_POSITION : CAP_OPEN;
      emit(cc, pos ? OP_POSITION : OP_OPEN, 0, 0, cc->ncap++);
      cc->p += 1 + pos;
      continue;
    }
    if (c == ')') { /* closes the innermost capture still open */
      int l = cc->ncap - 1;
      while (l >= 0 && cc->cap[l] != CAP_OPEN) l--;
      if (l < 0) {
        emit(cc, OP_ERROR, E_CLOSE, 0, 0);
        return;
      }
      cc->cap[l] = 0;
      emit(cc, OP_CLOSE, 0, 0, l);
      cc->p++;
      continue;
    }
    if (c == '$' && p + 1 == cc->end) {
      emit(cc, OP_EOS, 0, 0, 0);
      cc->p++;
      continue;
    }
    if (c == '%' && p + 1 < cc->end) {
      unsigned char x = (unsigned char)p[1];
      if (x == 'b') {
        if (cc->end - p < 4) {
          emit(cc, OP_ERROR, E_BALANCE_ARGS, 0, 0);
          return;
        }
        emit(cc, OP_BALANCE, (unsigned char)p[2], (unsigned char)p[3], 0);
        cc->p += 4;
        continue;
      }
      if (x == 'f') {
        int set;
        cc->p += 2;
        if (cc->p == cc->end || *cc->p != '[') {
          emit(cc, OP_ERROR, E_FRONTIER, 0, 0);
          return;
        }
        if (!compile_set(cc, &set)) return;
        emit(cc, OP_FRONTIER, 0, 0, set);
        continue;
      }
      if (isdigit(x)) { /* only a capture closed before can be referred to */
        int l = x - '1';
        if (l < 0 || l >= cc->ncap || cc->cap[l] == CAP_OPEN) {
          emit(cc, OP_ERROR, E_CAPTURE_INDEX, 0, l + 1);
          return;
        }
        emit(cc, OP_BACKREF, 0, 0, l);
        cc->p += 2;
        continue;
      }
    }
    /* a single-byte item, maybe quantified */
    Item it = {OP_CHAR, 0, c, 0, 0};
    if (c == '%') { /* a class is tested with ctype: no map to build */
      if (p + 1 == cc->end) {
        emit(cc, OP_ERROR, E_ENDS_ESC, 0, 0);
        return;
      }
      unsigned char x = (unsigned char)p[1];
      it.c = x;
      if (x && strchr(class_letters, tolower(x))) {
        it.op = OP_CLASS;
        it.c = (unsigned char)tolower(x);
        it.c2 = isupper(x) != 0;
      }
      cc->p += 2;
    } else if (c == '[') {
      if (!compile_set(cc, &it.arg)) return;
      it.op = OP_SET;
    } else {
      if (c == '.') it.op = OP_ANY;
      cc->p++;
    }
    if (cc->p < cc->end && *cc->p && strchr("*+-?", *cc->p)) it.rep = (unsigned char)*cc->p++;
    if (cc->item) cc->item[cc->nitems] = it;
    cc->nitems++;
  }
}

/* A pattern of up to SMALL bytes has at most SMALL + 1 items (with the
 * end) and SMALL / 2 sets (each takes two bytes or more): it compiles in
 * one pass into the caller's arrays, as most patterns are short and
 * string.find in a loop should not allocate. */
#define SMALL 64
typedef struct {
  Item item[SMALL + 1];
  Set set[SMALL / 2];
} SmallProgram;

/* Compiles p into *small if given and p is short, else into a new
 * userdata on the stack [.. prog]: a first pass counts the items and
 * sets, the second fills them.  *cost: the steps the compilation is worth
 * (each pattern byte and item once). */
static void compile(lua_State *L, const char *p, size_t lp, Program *pr, unsigned long *cost,
                    SmallProgram *small) {
  Compiler c0, *cc = &c0; /* no memset: the class maps are cleared when built */
  cc->p = p;
  cc->end = p + lp;
  cc->item = NULL;
  cc->set = NULL;
  cc->nitems = cc->nsets = 0;
  cc->ncap = 0;
  memset(cc->have, 0, sizeof cc->have);
  if (small && lp <= SMALL) {
    pr->item = cc->item = small->item;
    pr->set = cc->set = small->set;
    compile_pass(cc);
    emit(cc, OP_END, 0, 0, 0);
    *cost = (unsigned long)(lp + cc->nitems);
    return;
  }
  compile_pass(cc);
  emit(cc, OP_END, 0, 0, 0);
  size_t nitems = cc->nitems, nsets = cc->nsets;
  *cost = (unsigned long)(lp + nitems);
  char *mem = lua_newuserdatauv(L, nsets * sizeof(Set) + nitems * sizeof(Item), 0);
  pr->set = (Set *)(void *)mem; /* Sets first: Items need more alignment */
  pr->item = (Item *)(void *)(mem + nsets * sizeof(Set));
  cc->p = p;
  cc->set = pr->set;
  cc->item = pr->item;
  cc->nitems = cc->nsets = 0;
  cc->ncap = 0;
  compile_pass(cc);
  emit(cc, OP_END, 0, 0, 0);
}

/* ---- matching ------------------------------------------------------------ */

enum frame { F_OPEN, F_CLOSE, F_OPT, F_MAX, F_MIN };

/* A backtrack frame.  F_OPEN/F_CLOSE undo a capture (n: its index).
 * F_OPT: item pc matched the byte at s; the other choice skips it.
 * F_MAX: item pc matched n bytes from s; fewer are tried one at a time.
 * F_MIN: the rest was tried after item pc's bytes up to s; one more next. */
typedef struct {
  const char *s;
  size_t n;
  int pc;
  unsigned char kind;
} Frame;

typedef struct {
  lua_State *L;
  const char *src, *end; /* the whole subject */
  Program prog;
  unsigned long steps; /* not yet charged */
  int level;           /* captures started */
  struct {
    const char *init;
    ptrdiff_t len; /* or CAP_OPEN, CAP_POSITION */
  } cap[MAXCAPTURES];
  Frame stack[MAXFRAMES];
} Matcher;

/* Counts n steps; charges them (and may raise a limit error) in batches. */
static void count(Matcher *m, size_t n) {
  m->steps += n;
  if (m->steps >= STEP_POLL) {
    unsigned long s = m->steps;
    m->steps = 0;
    charge_steps(m->L, s);
  }
}

static int single(const Matcher *m, const Item *it, const char *s) {
  if (s >= m->end) return 0;
  unsigned char c = (unsigned char)*s;
  switch (it->op) {
  case OP_ANY: return 1;
  case OP_CHAR: return c == it->c;
  case OP_CLASS: return class_has(it->c, c) != it->c2;
  default: return in_set(&m->prog.set[it->arg], c);
  }
}

static Frame *push(Matcher *m, int *top, unsigned char kind, int pc, const char *s, size_t n) {
  if (*top == MAXFRAMES) luaL_error(m->L, "pattern too complex");
  Frame *f = &m->stack[(*top)++];
  *f = (Frame){s, n, pc, kind};
  return f;
}

static int raise_item(Matcher *m, const Item *it) {
  switch (it->c) {
  case E_ENDS_ESC: return luaL_error(m->L, "malformed pattern (ends with '%%')");
  case E_NO_BRACKET: return luaL_error(m->L, "malformed pattern (missing ']')");
  case E_BALANCE_ARGS:
    return luaL_error(m->L, "malformed pattern (missing arguments to '%%b')");
  case E_FRONTIER: return luaL_error(m->L, "missing '[' after '%%f' in pattern");
  case E_CAPTURE_INDEX: return luaL_error(m->L, "invalid capture index %%%d", it->arg);
  case E_CLOSE: return luaL_error(m->L, "invalid pattern capture");
  default: return luaL_error(m->L, "too many captures");
  }
}

/* Tries one item at *s; returns 0 for a mismatch. */
static int step(Matcher *m, int *top, int *pc, const char **sp) {
  const Item *it = &m->prog.item[*pc];
  const char *s = *sp;
  switch (it->op) {
  case OP_EOS:
    if (s != m->end) return 0;
    break;
  case OP_ERROR: return raise_item(m, it);
  case OP_OPEN:
  case OP_POSITION:
    m->cap[m->level].init = s;
    m->cap[m->level].len = it->op == OP_OPEN ? CAP_OPEN : CAP_POSITION;
    m->level++;
    push(m, top, F_OPEN, *pc, s, 0);
    break;
  case OP_CLOSE:
    m->cap[it->arg].len = s - m->cap[it->arg].init;
    push(m, top, F_CLOSE, *pc, s, (size_t)it->arg);
    break;
  case OP_BACKREF: {
    ptrdiff_t len = m->cap[it->arg].len;
    if (len < 0 || m->end - s < len) return 0; /* a position never matches */
    count(m, (size_t)len);
    if (memcmp(m->cap[it->arg].init, s, (size_t)len) != 0) return 0;
    s += len;
    break;
  }
  case OP_BALANCE: {
    if (s >= m->end || (unsigned char)*s != it->c) return 0;
    const char *q = s;
    int depth = 1; /* the closing byte is checked first: %b"" works */
    while (++q < m->end) {
      if ((unsigned char)*q == it->c2) {
        if (--depth == 0) break;
      } else if ((unsigned char)*q == it->c) {
        depth++;
      }
    }
    count(m, (size_t)(q - s));
    if (q >= m->end) return 0;
    s = q + 1;
    break;
  }
  case OP_FRONTIER: { /* both string ends count as a NUL byte */
    const Set *set = &m->prog.set[it->arg];
    unsigned char prev = s > m->src ? (unsigned char)s[-1] : 0;
    unsigned char cur = s < m->end ? (unsigned char)*s : 0;
    if (in_set(set, prev) || !in_set(set, cur)) return 0;
    break;
  }
  default: /* a single-byte item */
    switch (it->rep) {
    case '?':
      if (single(m, it, s)) push(m, top, F_OPT, *pc, s++, 0);
      break;
    case '-':
      if (single(m, it, s)) push(m, top, F_MIN, *pc, s, 0);
      break;
    case '*':
    case '+': {
      const char *from = s;
      if (!single(m, it, s)) {
        if (it->rep == '+') return 0;
        break; /* zero repetitions: nothing to back off from */
      }
      if (it->rep == '+') from++;
      size_t n = (size_t)(s + 1 - from);
      while (single(m, it, from + n)) n++;
      count(m, n);
      push(m, top, F_MAX, *pc, from, n);
      s = from + n;
      break;
    }
    default:
      if (!single(m, it, s)) return 0;
      s++;
    }
  }
  (*pc)++;
  *sp = s;
  return 1;
}

/* Resumes at the latest choice left; returns 0 when there is none. */
static int backtrack(Matcher *m, int *top, int *pc, const char **sp) {
  while (*top > 0) {
    Frame *f = &m->stack[*top - 1];
    count(m, 1);
    switch (f->kind) {
    case F_OPEN:
      m->level--;
      break;
    case F_CLOSE:
      m->cap[f->n].len = CAP_OPEN;
      break;
    case F_OPT: /* the last choice: it runs without the frame */
      *sp = f->s;
      *pc = f->pc + 1;
      (*top)--;
      return 1;
    case F_MAX:
      if (f->n == 0) break;
      f->n--;
      *sp = f->s + f->n;
      *pc = f->pc + 1;
      return 1;
    case F_MIN:
      if (!single(m, &m->prog.item[f->pc], f->s)) break;
      *sp = ++f->s;
      *pc = f->pc + 1;
      return 1;
    }
    (*top)--;
  }
  return 0;
}

/* Matches the whole pattern at s; returns the end of the match or NULL. */
static const char *run(Matcher *m, const char *s) {
  int pc = 0, top = 0;
  m->level = 0;
  for (;;) {
    count(m, 1);
    if (m->prog.item[pc].op == OP_END) return s;
    if (!step(m, &top, &pc, &s) && !backtrack(m, &top, &pc, &s)) return NULL;
  }
}

/* Compiles p and prepares a matcher over the subject: [.. prog?]. */
static void prepare(Matcher *m, lua_State *L, const char *s, size_t ls, const char *p,
                    size_t lp, SmallProgram *small) {
  m->L = L;
  m->src = s;
  m->end = s + ls;
  compile(L, p, lp, &m->prog, &m->steps, small);
  m->level = 0;
}

/* ---- captures and entry points ------------------------------------------- */

/* Pushes capture i; with no captures, capture 0 is the whole match s..e. */
static void push_capture(Matcher *m, int i, const char *s, const char *e) {
  if (i >= m->level) {
    if (i != 0) luaL_error(m->L, "invalid capture index %%%d", i + 1);
    lua_pushlstring(m->L, s, (size_t)(e - s));
  } else if (m->cap[i].len == CAP_OPEN) {
    luaL_error(m->L, "unfinished capture");
  } else if (m->cap[i].len == CAP_POSITION) {
    lua_pushinteger(m->L, (m->cap[i].init - m->src) + 1);
  } else {
    lua_pushlstring(m->L, m->cap[i].init, (size_t)m->cap[i].len);
  }
}

/* Pushes every capture, or the whole match if there are none and s is
 * not NULL; returns how many. */
static int push_captures(Matcher *m, const char *s, const char *e) {
  int n = (m->level == 0 && s) ? 1 : m->level;
  luaL_checkstack(m->L, n, "too many captures");
  for (int i = 0; i < n; i++) push_capture(m, i, s, e);
  return n;
}

/* Does the pattern have none of the magic characters (NULs included)? */
static int plain_pattern(const char *p, size_t lp) {
  for (size_t i = 0; i < lp; i++)
    if (p[i] && strchr("^$*+?.([%-", p[i])) return 0;
  return 1;
}

/* The 0-based start position for init (string.sub's rule: negative counts
 * from the end, 0 and anything before the start mean 1). */
static size_t start_of(lua_Integer init, size_t len) {
  if (init > 0) return (size_t)init - 1;
  if (init == 0 || init < -(lua_Integer)len) return 0;
  return len - (size_t)-init;
}

static int find_aux(lua_State *L, int find) {
  size_t ls, lp;
  const char *s = luaL_checklstring(L, 1, &ls);
  const char *p = luaL_checklstring(L, 2, &lp);
  size_t init = start_of(luaL_optinteger(L, 3, 1), ls);
  if (init > ls) { /* starts after the end: nothing, not even "" */
    luaL_pushfail(L);
    return 1;
  }
  if (find && (lua_toboolean(L, 4) || plain_pattern(p, lp))) {
    const char *at = memmem(s + init, ls - init, p, lp);
    if (at) {
      lua_pushinteger(L, (at - s) + 1);
      lua_pushinteger(L, (lua_Integer)((size_t)(at - s) + lp));
      return 2;
    }
  } else {
    Matcher m;
    SmallProgram small;
    int anchor = lp > 0 && *p == '^';
    prepare(&m, L, s, ls, p + anchor, lp - (size_t)anchor, &small); /* [.. prog?] */
    for (const char *from = s + init;; from++) {
      const char *e = run(&m, from);
      if (e) {
        if (!find) return push_captures(&m, from, e);
        lua_pushinteger(L, (from - s) + 1);
        lua_pushinteger(L, e - s);
        return push_captures(&m, NULL, NULL) + 2;
      }
      if (anchor || from == m.end) break;
    }
  }
  luaL_pushfail(L);
  return 1;
}

static int str_find(lua_State *L) { return find_aux(L, 1); }
static int str_match(lua_State *L) { return find_aux(L, 0); }

typedef struct {
  size_t next;    /* where the next search starts */
  ptrdiff_t last; /* end of the last match, -1 before the first */
} GmatchState;

/* Upvalues: subject, pattern (kept alive), program, state.  As in 5.4, a
 * leading '^' is an ordinary byte here, and a match may not be empty right
 * where the previous one ended. */
static int gmatch_aux(lua_State *L) {
  size_t ls;
  const char *s = lua_tolstring(L, lua_upvalueindex(1), &ls);
  GmatchState *g = lua_touserdata(L, lua_upvalueindex(4));
  Matcher m;
  m.L = L;
  m.src = s;
  m.end = s + ls;
  m.prog = *(Program *)lua_touserdata(L, lua_upvalueindex(3));
  m.steps = 0;
  for (size_t at = g->next; at <= ls; at++) {
    const char *e = run(&m, s + at);
    if (e && e - s != g->last) {
      g->next = (size_t)(e - s);
      g->last = e - s;
      return push_captures(&m, s + at, e);
    }
  }
  return 0;
}

static int str_gmatch(lua_State *L) {
  size_t ls, lp;
  luaL_checklstring(L, 1, &ls);
  const char *p = luaL_checklstring(L, 2, &lp);
  size_t init = start_of(luaL_optinteger(L, 3, 1), ls);
  lua_settop(L, 2); /* [s p] */
  Program pr;
  unsigned long cost;
  compile(L, p, lp, &pr, &cost, NULL); /* [s p items] */
  charge_steps(L, cost);
  Program *keep = lua_newuserdatauv(L, sizeof *keep, 1); /* [s p items prog] */
  *keep = pr;
  lua_insert(L, -2); /* [s p prog items] */
  lua_setiuservalue(L, -2, 1); /* the items live as long as prog: [s p prog] */
  GmatchState *g = lua_newuserdatauv(L, sizeof *g, 0); /* [s p prog state] */
  g->next = init > ls ? ls + 1 : init;
  g->last = -1;
  lua_pushcclosure(L, gmatch_aux, 4);
  return 1;
}

/* Appends the replacement string for the match s..e: "%0" is the match,
 * "%1".."%9" a capture, "%%" a '%'. */
static void add_string(Matcher *m, luaL_Buffer *b, const char *s, const char *e) {
  size_t l;
  const char *r = lua_tolstring(m->L, 3, &l), *end = r + l, *esc;
  while ((esc = memchr(r, '%', (size_t)(end - r))) != NULL) {
    luaL_addlstring(b, r, (size_t)(esc - r));
    unsigned char x = esc + 1 < end ? (unsigned char)esc[1] : 0;
    if (x == '%') {
      luaL_addchar(b, '%');
    } else if (x == '0') {
      luaL_addlstring(b, s, (size_t)(e - s));
    } else if (isdigit(x)) {
      push_capture(m, x - '1', s, e);
      luaL_addvalue(b); /* a position becomes its digits */
    } else {
      luaL_error(m->L, "invalid use of '%%' in replacement string");
    }
    r = esc + 2;
  }
  luaL_addlstring(b, r, (size_t)(end - r));
}

/* Appends the replacement for the match s..e; returns whether it differs
 * from the match (nil or false keep the match). */
static int add_replacement(Matcher *m, luaL_Buffer *b, const char *s, const char *e, int type) {
  lua_State *L = m->L;
  if (type == LUA_TFUNCTION) {
    lua_pushvalue(L, 3);
    int n = push_captures(m, s, e);
    lua_call(L, n, 1);
  } else if (type == LUA_TTABLE) {
    push_capture(m, 0, s, e);
    lua_gettable(L, 3);
  } else {
    add_string(m, b, s, e);
    return 1;
  }
  if (!lua_toboolean(L, -1)) {
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
  size_t ls, lp;
  const char *s = luaL_checklstring(L, 1, &ls);
  const char *p = luaL_checklstring(L, 2, &lp);
  int type = lua_type(L, 3);
  lua_Integer max = luaL_optinteger(L, 4, (lua_Integer)ls + 1);
  luaL_argexpected(L, type == LUA_TNUMBER || type == LUA_TSTRING || type == LUA_TFUNCTION ||
                          type == LUA_TTABLE, 3, "string/function/table");
  int anchor = lp > 0 && *p == '^';
  Matcher m;
  SmallProgram small;
  prepare(&m, L, s, ls, p + anchor, lp - (size_t)anchor, &small); /* [.. prog?] */
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  const char *at = s, *last = NULL;
  lua_Integer n = 0;
  int changed = 0;
  while (n < max) {
    const char *e = run(&m, at);
    if (e && e != last) { /* no empty match right after the previous one */
      n++;
      changed |= add_replacement(&m, &b, at, e, type);
      at = last = e;
    } else if (at < m.end) {
      luaL_addchar(&b, *at++);
    } else {
      break;
    }
    if (anchor) break;
  }
  if (!changed) {
    lua_pushvalue(L, 1);
  } else {
    luaL_addlstring(&b, at, (size_t)(m.end - at));
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
          charge_steps(L, pending);
          pending = 0;
        }
      }
    } else {
      for (lua_Integer i = n - 1; i >= 0; i--) {
        lua_geti(L, 1, f + i);
        lua_seti(L, tt, t + i);
        if (++pending == STEP_POLL) {
          charge_steps(L, pending);
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
