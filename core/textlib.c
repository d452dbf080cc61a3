/* textlib.c -- the `lede` module's language helpers: tokens, Snowball
 * stems, stop words and sentence centrality.  Summaries and ROUGE scoring
 * spend their time here rather than in Lua loops; every loop over a
 * document is linear, or bounded by a window of neighbours. */
#include <lauxlib.h>
#include <libstemmer.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "budget.h"
#include "lede.h"
#include "luactx.h"
#include "textlib.h"
#include "words.h"

/* ---- tokens -------------------------------------------------------------- */

typedef struct tok_ctx {
  lua_State *L;
  luactx *ctx;
  const char *s;
  lua_Integer n;
} tok_ctx;

/* Lower-cases one word into a fresh string: ASCII by table, the rest by
 * utf8proc's simple case mapping (the length may change). */
static int push_token(void *ud, size_t start, size_t end) {
  tok_ctx *c = ud;
  lua_State *L = c->L;
  luaL_Buffer b;
  luaL_buffinit(L, &b); /* [.. t buf?] */
  for (size_t i = start; i < end;) {
    unsigned char ch = (unsigned char)c->s[i];
    if (ch < 0x80) {
      luaL_addchar(&b, (char)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch));
      i++;
      continue;
    }
    utf8proc_int32_t cp;
    utf8proc_ssize_t k =
        utf8proc_iterate((const utf8proc_uint8_t *)c->s + i, (utf8proc_ssize_t)(end - i), &cp);
    if (k <= 0) { /* words_scan only yields valid UTF-8; be safe anyway */
      luaL_addchar(&b, (char)ch);
      i++;
      continue;
    }
    utf8proc_uint8_t enc[4];
    utf8proc_ssize_t m = utf8proc_encode_char(utf8proc_tolower(cp), enc);
    luaL_addlstring(&b, (const char *)enc, (size_t)m);
    i += (size_t)k;
  }
  luaL_pushresult(&b);         /* [.. t token] */
  lua_rawseti(L, -2, ++c->n);  /* [.. t] */
  if ((c->n & 1023) == 0) luactx_charge(L, c->ctx->budget, 1024 * COST_ITEM);
  return 0;
}

int textlib_tokens(lua_State *L) {
  size_t len;
  const char *s = luaL_checklstring(L, 1, &len);
  luactx *ctx = luactx_get(L);
  luactx_charge(L, ctx->budget, BYTES_COST(len));
  lua_newtable(L); /* [.. t] */
  tok_ctx c = {L, ctx, s, 0};
  words_scan(s, len, push_token, &c);
  return 1;
}

/* ---- stems --------------------------------------------------------------- */

#define STEMMER_MT "lede.Stemmer"
#define STEMMERS_KEY "lede.stemmers"

typedef struct { struct sb_stemmer *st; } LStemmer;

static int stemmer_gc(lua_State *L) {
  LStemmer *s = luaL_checkudata(L, 1, STEMMER_MT);
  if (s->st) sb_stemmer_delete(s->st);
  s->st = NULL;
  return 0;
}

/* Maps the names people write to Snowball's: ISO codes and the language
 * names are both accepted by libstemmer itself; only case is ours. */
static void lang_name(lua_State *L, int idx, char *out, size_t cap) {
  size_t n;
  const char *lang = luaL_optlstring(L, idx, "english", &n);
  if (n == 0 || n >= cap) luaL_error(L, "unknown stemmer language '%s'", lang);
  for (size_t i = 0; i <= n; i++)
    out[i] = (char)(lang[i] >= 'A' && lang[i] <= 'Z' ? lang[i] + 32 : lang[i]);
}

/* The stemmer for a language, created once per Lua state and kept in the
 * registry: a state is one thread's, so no locking and no global cache. */
static struct sb_stemmer *get_stemmer(lua_State *L, const char *lang) {
  if (lua_getfield(L, LUA_REGISTRYINDEX, STEMMERS_KEY) != LUA_TTABLE) { /* [.. x] */
    lua_pop(L, 1);
    lua_newtable(L); /* [.. cache] */
    lua_pushvalue(L, -1);
    lua_setfield(L, LUA_REGISTRYINDEX, STEMMERS_KEY);
  }
  if (lua_getfield(L, -1, lang) == LUA_TUSERDATA) { /* [.. cache s] */
    struct sb_stemmer *st = ((LStemmer *)lua_touserdata(L, -1))->st;
    lua_pop(L, 2);
    return st;
  }
  lua_pop(L, 1);
  /* The userdata first, so the stemmer always has an owner. */
  LStemmer *u = lua_newuserdatauv(L, sizeof *u, 0); /* [.. cache u] */
  u->st = NULL;
  if (luaL_newmetatable(L, STEMMER_MT)) {
    lua_pushcfunction(L, stemmer_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushliteral(L, "locked");
    lua_setfield(L, -2, "__metatable");
  }
  lua_setmetatable(L, -2);
  u->st = sb_stemmer_new(lang, "UTF_8");
  if (!u->st) {
    lua_pop(L, 2);
    luaL_error(L, "unknown stemmer language '%s' (see lede.stemmers())", lang);
  }
  lua_setfield(L, -2, lang); /* [.. cache] */
  lua_pop(L, 1);
  return u->st;
}

/* Pushes the stem of the string at idx. */
static void push_stem(lua_State *L, struct sb_stemmer *st, int idx) {
  size_t n;
  const char *w = lua_tolstring(L, idx, &n);
  if (!w) luaL_error(L, "lede.stem: expected strings, got %s", luaL_typename(L, idx));
  if (n > 0x7fffffff) luaL_error(L, "lede.stem: word too long");
  const sb_symbol *r = sb_stemmer_stem(st, (const sb_symbol *)w, (int)n);
  if (!r) luaL_error(L, "not enough memory");
  lua_pushlstring(L, (const char *)r, (size_t)sb_stemmer_length(st));
}

int textlib_stem(lua_State *L) {
  char lang[64];
  lang_name(L, 2, lang, sizeof lang);
  luactx *ctx = luactx_get(L);
  struct sb_stemmer *st = get_stemmer(L, lang);
  if (!lua_istable(L, 1)) {
    size_t n;
    luaL_checklstring(L, 1, &n);
    luactx_charge(L, ctx->budget, BYTES_COST(n) + COST_ITEM);
    push_stem(L, st, 1);
    return 1;
  }
  /* An array in, an array out: one call for a whole sentence. */
  lua_Integer n = luaL_len(L, 1);
  luactx_charge(L, ctx->budget, (size_t)(n > 0 ? n : 0) * 2 * COST_ITEM + 1);
  lua_createtable(L, n > 0 && n < 1 << 24 ? (int)n : 0, 0); /* [.. out] */
  for (lua_Integer i = 1; i <= n; i++) {
    lua_rawgeti(L, 1, i); /* [.. out w] */
    push_stem(L, st, -1); /* [.. out w stem] */
    lua_rawseti(L, -3, i);
    lua_pop(L, 1);
  }
  return 1;
}

int textlib_stemmers(lua_State *L) {
  const char **names = sb_stemmer_list();
  lua_newtable(L);
  lua_Integer n = 0;
  for (; *names; names++) {
    lua_pushstring(L, *names);
    lua_rawseti(L, -2, ++n);
  }
  return 1;
}

/* ---- stop words ---------------------------------------------------------- */

/* Adds the words of a plain list (one per line, '#' starts a comment,
 * surrounding white space ignored) to the set on top: [.. set]. */
static void add_words(lua_State *L, const char *s, size_t n) {
  for (size_t i = 0; i < n;) {
    size_t e = i;
    while (e < n && s[e] != '\n') e++;
    size_t a = i, b = e;
    const char *hash = memchr(s + a, '#', b - a);
    if (hash) b = (size_t)(hash - s);
    while (a < b && (s[a] == ' ' || s[a] == '\t' || s[a] == '\r')) a++;
    while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t' || s[b - 1] == '\r')) b--;
    if (b > a) {
      lua_pushlstring(L, s + a, b - a);
      lua_pushboolean(L, 1);
      lua_rawset(L, -3);
    }
    i = e + 1;
  }
}

/* Reads dir/stopwords/LANG.txt into the Lua buffer; 1 when found. */
static int read_list(lua_State *L, const char *dir, size_t dirlen, const char *lang) {
  char path[4096];
  int w = snprintf(path, sizeof path, "%.*s/stopwords/%s.txt", (int)dirlen, dir, lang);
  if (w < 0 || (size_t)w >= sizeof path) return 0;
  FILE *f = fopen(path, "rb");
  if (!f) return 0;
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  char chunk[4096];
  size_t got, total = 0;
  /* A stop-word list is small: a megabyte is a mistake, not a list. */
  while ((got = fread(chunk, 1, sizeof chunk, f)) > 0 && total < (1u << 20)) {
    luaL_addlstring(&b, chunk, got);
    total += got;
  }
  int bad = ferror(f);
  fclose(f);
  luaL_pushresult(&b); /* [.. set text] */
  if (bad) luaL_error(L, "cannot read '%s'", path);
  size_t n;
  const char *s = lua_tolstring(L, -1, &n);
  lua_pushvalue(L, -2);  /* [.. set text set] */
  add_words(L, s, n);
  lua_pop(L, 2);         /* [.. set] */
  return 1;
}

int textlib_stopwords(lua_State *L) {
  char lang[64];
  lang_name(L, 1, lang, sizeof lang);
  for (const char *p = lang; *p; p++)
    if (!((*p >= 'a' && *p <= 'z') || *p == '_' || *p == '-'))
      luaL_error(L, "bad language name '%s'", lang);
  lua_newtable(L); /* [.. set] */
  if (strcmp(lang, "english") == 0 || strcmp(lang, "en") == 0) {
    for (const char *const *w = textlib_stopwords_en; *w; w++) {
      lua_pushboolean(L, 1);
      lua_setfield(L, -2, *w);
    }
    return 1;
  }
  /* Other languages: stopwords/LANG.txt in the script directories, the
   * first one found.  The list is copied into a Lua string before any
   * call that may raise, so no malloc'd memory is held across one. */
  luactx *ctx = luactx_get(L);
  char *dirs = NULL;
  if (ctx && ctx->engine && lede_script_dirs(ctx->engine, &dirs) != LEDE_OK) dirs = NULL;
  const char *env = getenv("LEDE_PATH");
  lua_pushstring(L, dirs ? dirs : env ? env : ""); /* [.. set dirs] */
  free(dirs);
  lua_insert(L, -2); /* [.. dirs set] */
  const char *list = lua_tostring(L, -2);
  int found = 0;
  for (const char *p = list; *p && !found;) {
    const char *colon = strchr(p, ':');
    size_t n = colon ? (size_t)(colon - p) : strlen(p);
    if (n) found = read_list(L, p, n, lang);
    p = colon ? colon + 1 : p + n;
  }
  lua_remove(L, -2); /* [.. set] */
  if (!found) {
    lua_pushnil(L);
    lua_pushfstring(L, "no stop-word list for '%s' (add stopwords/%s.txt to a directory of "
                       "the script path)", lang, lang);
    return 2;
  }
  return 1;
}

/* ---- sentence centrality ------------------------------------------------- */

/* One sentence as sorted distinct term ids with their counts. */
typedef struct bag {
  size_t off, n;   /* into the shared term/count arrays */
  double len;      /* tokens, repeats included */
  double norm;     /* tf-idf vector length */
} bag;

typedef struct edge {
  size_t i, j;
  double w;
} edge;

typedef struct graph {
  run_budget *budget;
  size_t nb, nt, ne, cape;
  bag *bags;
  lua_Integer *term;
  lua_Integer *ids; /* the distinct term ids, sorted: dense id - 1 -> id */
  double *cnt, *idf, *deg, *s, *t;
  edge *e;
  size_t bytes;    /* charged to the budget */
} graph;

static void graph_free(graph *g) {
  free(g->bags), free(g->term), free(g->ids), free(g->cnt), free(g->idf);
  free(g->deg), free(g->s), free(g->t), free(g->e);
  budget_credit(g->budget, g->bytes);
  memset(g, 0, sizeof *g);
}

/* __gc of the userdata that owns a graph while Lua may raise. */
static int graph_gc(lua_State *L) {
  graph_free(lua_touserdata(L, 1));
  return 0;
}

static void *graph_alloc(lua_State *L, graph *g, size_t n, size_t size) {
  if (n && size > (size_t)-1 / n) luaL_error(L, "not enough memory");
  if (budget_charge(g->budget, n * size)) luaL_error(L, "script exceeded memory limit");
  g->bytes += n * size;
  void *p = calloc(n ? n : 1, size);
  if (!p) luaL_error(L, "not enough memory");
  return p;
}

static int cmp_term(const void *a, const void *b) {
  lua_Integer x = *(const lua_Integer *)a, y = *(const lua_Integer *)b;
  return (x > y) - (x < y);
}

/* Reads sets (array of arrays of positive integer term ids) into bags and
 * computes idf = log(n / df) over sentences. */
static void read_bags(lua_State *L, graph *g, int idx) {
  g->nb = (size_t)luaL_len(L, idx);
  g->bags = graph_alloc(L, g, g->nb, sizeof *g->bags);
  size_t total = 0;
  for (size_t i = 0; i < g->nb; i++) {
    if (lua_rawgeti(L, idx, (lua_Integer)i + 1) != LUA_TTABLE)
      luaL_error(L, "lede.centrality: sentence %d is not an array of term ids", (int)i + 1);
    total += (size_t)luaL_len(L, -1);
    lua_pop(L, 1);
  }
  luactx_charge(L, g->budget, (g->nb + total) * COST_ITEM + 1);
  g->term = graph_alloc(L, g, total, sizeof *g->term);
  g->cnt = graph_alloc(L, g, total, sizeof *g->cnt);
  size_t at = 0;
  for (size_t i = 0; i < g->nb; i++) {
    lua_rawgeti(L, idx, (lua_Integer)i + 1); /* [.. set] */
    size_t n = (size_t)luaL_len(L, -1);
    lua_Integer *t = g->term + at;
    for (size_t k = 0; k < n; k++) {
      int isnum;
      lua_rawgeti(L, -1, (lua_Integer)k + 1);
      t[k] = lua_tointegerx(L, -1, &isnum);
      lua_pop(L, 1);
      if (!isnum || t[k] < 1)
        luaL_error(L, "lede.centrality: term ids must be positive integers (sentence %d)",
                   (int)i + 1);
    }
    lua_pop(L, 1);
    qsort(t, n, sizeof *t, cmp_term);
    size_t m = 0;
    for (size_t k = 0; k < n; k++) {
      if (m && t[m - 1] == t[k]) g->cnt[at + m - 1] += 1;
      else t[m] = t[k], g->cnt[at + m++] = 1;
    }
    g->bags[i] = (bag){at, m, (double)n, 0};
    at += n;
  }
  /* Ids index the idf array, so they are renumbered densely (in order,
   * keeping each bag sorted): a caller may pass ids from a vocabulary
   * larger than these sentences use (the summarizer's covers headings,
   * which are no candidates), or any positive integers at all. */
  lua_Integer *ids = g->ids = graph_alloc(L, g, total, sizeof *ids);
  size_t nids = 0;
  for (size_t i = 0; i < g->nb; i++)
    for (size_t k = 0; k < g->bags[i].n; k++) ids[nids++] = g->term[g->bags[i].off + k];
  qsort(ids, nids, sizeof *ids, cmp_term);
  size_t nu = 0;
  for (size_t k = 0; k < nids; k++)
    if (!nu || ids[nu - 1] != ids[k]) ids[nu++] = ids[k];
  for (size_t i = 0; i < g->nb; i++)
    for (size_t k = 0; k < g->bags[i].n; k++) {
      lua_Integer *t = &g->term[g->bags[i].off + k];
      const lua_Integer *hit = bsearch(t, ids, nu, sizeof *ids, cmp_term);
      *t = (lua_Integer)(hit - ids) + 1;
    }
  luactx_charge(L, g->budget, nids * COST_ITEM + 1);
  g->nt = nu + 1;
  g->idf = graph_alloc(L, g, g->nt, sizeof *g->idf);
  for (size_t i = 0; i < g->nb; i++)
    for (size_t k = 0; k < g->bags[i].n; k++) g->idf[g->term[g->bags[i].off + k]] += 1;
  for (size_t t = 1; t < g->nt; t++)
    if (g->idf[t] > 0) g->idf[t] = log((double)g->nb / g->idf[t]);
  for (size_t i = 0; i < g->nb; i++) {
    double s = 0;
    for (size_t k = 0; k < g->bags[i].n; k++) {
      double x = g->cnt[g->bags[i].off + k] * g->idf[g->term[g->bags[i].off + k]];
      s += x * x;
    }
    g->bags[i].norm = sqrt(s);
  }
}

enum { M_TEXTRANK, M_LEXRANK, M_CENTROID };

/* Similarity of two bags by a merge of their sorted terms. */
static double similarity(const graph *g, size_t i, size_t j, int method) {
  const bag *a = &g->bags[i], *b = &g->bags[j];
  const lua_Integer *x = g->term + a->off, *y = g->term + b->off;
  size_t p = 0, q = 0;
  double dot = 0, shared = 0;
  while (p < a->n && q < b->n) {
    if (x[p] < y[q]) p++;
    else if (x[p] > y[q]) q++;
    else {
      double idf = g->idf[x[p]];
      dot += g->cnt[a->off + p] * g->cnt[b->off + q] * idf * idf;
      shared += 1;
      p++, q++;
    }
  }
  if (method == M_TEXTRANK) {
    /* Mihalcea and Tarau (2004): shared words over the log lengths. */
    double d = log(a->len) + log(b->len);
    return d > 0 ? shared / d : 0;
  }
  double n = a->norm * b->norm;
  return n > 0 ? dot / n : 0;
}

static void add_edge(lua_State *L, graph *g, size_t i, size_t j, double w) {
  if (g->ne == g->cape) {
    size_t cap = g->cape ? g->cape * 2 : 1024;
    if (budget_charge(g->budget, (cap - g->cape) * sizeof *g->e))
      luaL_error(L, "script exceeded memory limit");
    g->bytes += (cap - g->cape) * sizeof *g->e;
    edge *e = realloc(g->e, cap * sizeof *e);
    if (!e) luaL_error(L, "not enough memory");
    g->e = e;
    g->cape = cap;
  }
  g->e[g->ne++] = (edge){i, j, w};
  g->deg[i] += w;
  g->deg[j] += w;
}

/* Weighted PageRank over the undirected edges: a node without edges gives
 * its share to every node, as a random surfer would. */
static void pagerank(lua_State *L, graph *g, double damping) {
  size_t n = g->nb;
  for (size_t i = 0; i < n; i++) g->s[i] = 1.0 / (double)n;
  for (int it = 0; it < 200; it++) {
    double lost = 0;
    for (size_t i = 0; i < n; i++) {
      g->t[i] = 0;
      if (g->deg[i] <= 0) lost += g->s[i];
    }
    for (size_t k = 0; k < g->ne; k++) {
      const edge *e = &g->e[k];
      g->t[e->j] += g->s[e->i] * e->w / g->deg[e->i];
      g->t[e->i] += g->s[e->j] * e->w / g->deg[e->j];
    }
    double diff = 0, base = (1 - damping) / (double)n + damping * lost / (double)n;
    for (size_t i = 0; i < n; i++) {
      double v = base + damping * g->t[i];
      diff += fabs(v - g->s[i]);
      g->s[i] = v;
    }
    if (diff < 1e-9) break;
    luactx_charge(L, g->budget, (g->ne + n) / 16 + 1);
  }
}

static double opt_number(lua_State *L, int idx, const char *key, double dflt) {
  if (lua_isnoneornil(L, idx)) return dflt;
  lua_getfield(L, idx, key);
  double v = luaL_optnumber(L, -1, dflt);
  lua_pop(L, 1);
  return v;
}

/* lede.centrality(sets, method [, {window =, threshold =, damping =}]):
 * "textrank" (PageRank over shared-word similarity), "lexrank" (PageRank
 * over the graph of idf-cosine similarities >= threshold, Erkan and Radev
 * 2004) or "centroid" (idf-cosine to the rest of the document).  Graph methods
 * compare each sentence with the `window` sentences after it (default 50),
 * which is every pair in a news article and linear work in a book.  The
 * scores of the graph methods sum to 1. */
int textlib_centrality(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  static const char *const methods[] = {"textrank", "lexrank", "centroid", NULL};
  int method = luaL_checkoption(L, 2, NULL, methods);
  if (!lua_isnoneornil(L, 3)) luaL_checktype(L, 3, LUA_TTABLE);
  double window = opt_number(L, 3, "window", 50);
  double threshold = opt_number(L, 3, "threshold", 0.1);
  double damping = opt_number(L, 3, "damping", 0.85);
  if (!(window >= 1)) luaL_error(L, "lede.centrality: window must be at least 1");
  if (!(damping >= 0 && damping < 1)) luaL_error(L, "lede.centrality: damping must be in [0, 1)");
  luactx *ctx = luactx_get(L);
  graph *g = lua_newuserdatauv(L, sizeof *g, 0); /* [.. g]: frees on error */
  memset(g, 0, sizeof *g);
  lua_newtable(L);
  lua_pushcfunction(L, graph_gc);
  lua_setfield(L, -2, "__gc");
  lua_setmetatable(L, -2);
  g->budget = ctx->budget;
  read_bags(L, g, 1);
  size_t n = g->nb;
  g->s = graph_alloc(L, g, n, sizeof *g->s);
  if (method == M_CENTROID) {
    /* The centroid as a dense vector over term ids: linear in the text. */
    double *c = graph_alloc(L, g, g->nt, sizeof *c);
    g->t = c;
    for (size_t i = 0; i < n; i++)
      for (size_t k = 0; k < g->bags[i].n; k++)
        c[g->term[g->bags[i].off + k]] += g->cnt[g->bags[i].off + k] * g->idf[g->term[g->bags[i].off + k]];
    double cc = 0;
    for (size_t t = 0; t < g->nt; t++) cc += c[t] * c[t];
    /* Against the rest of the document (the centroid without the sentence
     * itself), or a sentence of rare words would match its own share. */
    for (size_t i = 0; i < n; i++) {
      double dot = 0, vv = g->bags[i].norm * g->bags[i].norm;
      for (size_t k = 0; k < g->bags[i].n; k++) {
        size_t t = (size_t)g->term[g->bags[i].off + k];
        dot += g->cnt[g->bags[i].off + k] * g->idf[t] * c[t];
      }
      double rest = cc - 2 * dot + vv;
      rest = rest > 0 ? sqrt(rest) : 0;
      g->s[i] = g->bags[i].norm > 0 && rest > 0 ? (dot - vv) / (g->bags[i].norm * rest) : 0;
    }
  } else {
    g->deg = graph_alloc(L, g, n, sizeof *g->deg);
    g->t = graph_alloc(L, g, n, sizeof *g->t);
    size_t w = window > (double)n ? n : (size_t)window;
    for (size_t i = 0; i < n; i++) {
      for (size_t j = i + 1; j < n && j <= i + w; j++) {
        double sim = similarity(g, i, j, method);
        if (method == M_LEXRANK) {
          if (sim >= threshold) add_edge(L, g, i, j, 1);
        } else if (sim > 0) {
          add_edge(L, g, i, j, sim);
        }
      }
      /* A similarity is a merge of two short lists: about one unit. */
      if ((i & 63) == 63) luactx_charge(L, g->budget, 64 * w / 4 + 1);
    }
    if (n) pagerank(L, g, damping);
  }
  lua_createtable(L, n < 1 << 24 ? (int)n : 0, 0); /* [.. g scores] */
  for (size_t i = 0; i < n; i++) {
    lua_pushnumber(L, g->s[i]);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  graph_free(g);
  return 1;
}

/* ---- content terms ------------------------------------------------------- */

/* An open-addressing map from byte strings to term ids, its keys in one
 * growing arena.  Lives in a userdata so a raise frees it. */
typedef struct tmap_slot {
  size_t off, len;
  unsigned hash;
  int id;       /* 0: a stop word (dropped) */
  int used;
} tmap_slot;

typedef struct tmap {
  run_budget *budget;
  tmap_slot *slots;
  size_t cap, n;
  char *arena;
  size_t alen, acap;
  size_t bytes;    /* charged to the budget */
  lua_Integer *ids; /* the current text's ids */
  size_t nids, capids;
} tmap;

static void tmap_free(tmap *m) {
  free(m->slots), free(m->arena), free(m->ids);
  budget_credit(m->budget, m->bytes);
  memset(m, 0, sizeof *m);
}

static int tmap_gc(lua_State *L) {
  tmap_free(lua_touserdata(L, 1));
  return 0;
}

/* Grows *p (of *cap elements of size) to hold need, charging the budget. */
static void tgrow(lua_State *L, tmap *m, void **p, size_t *cap, size_t need, size_t size) {
  if (need <= *cap) return;
  size_t nc = *cap ? *cap : 64;
  while (nc < need) nc *= 2;
  if (budget_charge(m->budget, (nc - *cap) * size)) luaL_error(L, "script exceeded memory limit");
  m->bytes += (nc - *cap) * size;
  void *q = realloc(*p, nc * size);
  if (!q) luaL_error(L, "not enough memory");
  *p = q;
  *cap = nc;
}

static unsigned fnv(const char *s, size_t n) {
  unsigned h = 2166136261u;
  for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 16777619u;
  return h;
}

/* The slot for s[0..n): found, or empty where it belongs. */
static tmap_slot *tmap_find(tmap *m, const char *s, size_t n, unsigned h) {
  size_t mask = m->cap - 1;
  for (size_t i = h & mask;; i = (i + 1) & mask) {
    tmap_slot *sl = &m->slots[i];
    if (!sl->used || (sl->hash == h && sl->len == n && memcmp(m->arena + sl->off, s, n) == 0))
      return sl;
  }
}

static tmap_slot *tmap_put(lua_State *L, tmap *m, const char *s, size_t n, unsigned h, int id) {
  if ((m->n + 1) * 2 > m->cap) {
    size_t oc = m->cap, nc = oc * 2;
    tmap_slot *old = m->slots;
    if (budget_charge(m->budget, nc * sizeof *old)) luaL_error(L, "script exceeded memory limit");
    m->bytes += nc * sizeof *old;
    m->slots = calloc(nc, sizeof *old);
    if (!m->slots) {
      m->slots = old;
      luaL_error(L, "not enough memory");
    }
    m->cap = nc;
    for (size_t i = 0; i < oc; i++)
      if (old[i].used) *tmap_find(m, m->arena + old[i].off, old[i].len, old[i].hash) = old[i];
    free(old);
    budget_credit(m->budget, oc * sizeof *old);
    m->bytes -= oc * sizeof *old;
  }
  size_t off = m->alen;
  tgrow(L, m, (void **)&m->arena, &m->acap, m->alen + n + 1, 1);
  memcpy(m->arena + off, s, n);
  m->alen += n;
  tmap_slot *sl = tmap_find(m, m->arena + off, n, h);
  *sl = (tmap_slot){off, n, h, id, 1};
  m->n++;
  return sl;
}

typedef struct terms_ctx {
  lua_State *L;
  tmap *tokens, *stems;    /* token -> id (0 = stop word), stem -> id */
  struct sb_stemmer *st;
  int stop;                /* stack index of the stop-word set, or 0 */
  int vocab;               /* stack index of the vocabulary array */
  const char *s;
  lua_Integer words;
  char buf[256];
} terms_ctx;

/* One word: lower-cased (a curly apostrophe as a straight one), then
 * through the token map; a new token is checked against the stop words
 * and stemmed once.  Overlong words are skipped as terms. */
static int term_word(void *ud, size_t start, size_t end) {
  terms_ctx *c = ud;
  lua_State *L = c->L;
  c->words++;
  /* The text was charged up front; this polls the clock and the host's
   * interrupt inside one long text (issue 12: a 32 MB text ran 1.2 s past
   * a 0.1 s timeout).  Raising here is safe: words_scan holds nothing. */
  if ((c->words & 1023) == 0) luactx_poll(L, luactx_get(L)->budget);
  size_t n = 0;
  for (size_t i = start; i < end;) {
    unsigned char ch = (unsigned char)c->s[i];
    if (n + 4 >= sizeof c->buf) return 0;
    if (ch < 0x80) {
      c->buf[n++] = (char)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
      i++;
      continue;
    }
    utf8proc_int32_t cp;
    utf8proc_ssize_t k =
        utf8proc_iterate((const utf8proc_uint8_t *)c->s + i, (utf8proc_ssize_t)(end - i), &cp);
    if (k <= 0) return 0;
    if (cp == 0x2019) c->buf[n++] = '\'';
    else n += (size_t)utf8proc_encode_char(utf8proc_tolower(cp), (utf8proc_uint8_t *)c->buf + n);
    i += (size_t)k;
  }
  unsigned h = fnv(c->buf, n);
  tmap_slot *sl = tmap_find(c->tokens, c->buf, n, h);
  int id;
  if (sl->used) {
    id = sl->id;
  } else {
    int stop = 0;
    if (c->stop) {
      lua_pushlstring(L, c->buf, n); /* [.. token] */
      stop = lua_rawget(L, c->stop) != LUA_TNIL && lua_toboolean(L, -1);
      lua_pop(L, 1);
    }
    id = 0;
    if (!stop) {
      const sb_symbol *r = sb_stemmer_stem(c->st, (const sb_symbol *)c->buf, (int)n);
      if (!r) luaL_error(L, "not enough memory");
      size_t rn = (size_t)sb_stemmer_length(c->st);
      unsigned rh = fnv((const char *)r, rn);
      tmap_slot *ss = tmap_find(c->stems, (const char *)r, rn, rh);
      if (ss->used) {
        id = ss->id;
      } else {
        id = (int)c->stems->n + 1;
        lua_pushlstring(L, (const char *)r, rn); /* [.. stem] */
        lua_rawseti(L, c->vocab, id);
        tmap_put(L, c->stems, (const char *)r, rn, rh, id);
      }
    }
    tmap_put(L, c->tokens, c->buf, n, h, id);
  }
  if (id) {
    tmap *m = c->tokens;
    tgrow(L, m, (void **)&m->ids, &m->capids, m->nids + 1, sizeof *m->ids);
    m->ids[m->nids++] = id;
  }
  return 0;
}

static tmap *new_tmap(lua_State *L, run_budget *b) {
  tmap *m = lua_newuserdatauv(L, sizeof *m, 0); /* [.. m] */
  memset(m, 0, sizeof *m);
  m->budget = b;
  lua_newtable(L);
  lua_pushcfunction(L, tmap_gc);
  lua_setfield(L, -2, "__gc");
  lua_setmetatable(L, -2);
  /* Never empty, so a lookup always has a slot to land on. */
  size_t cap = 1024;
  if (budget_charge(b, cap * sizeof *m->slots)) luaL_error(L, "script exceeded memory limit");
  m->bytes = cap * sizeof *m->slots;
  m->slots = calloc(cap, sizeof *m->slots);
  if (!m->slots) luaL_error(L, "not enough memory");
  m->cap = cap;
  return m;
}

/* lede.terms(texts [, {language =, stopwords = set | false}]) -> sets,
 * vocabulary, words: per text the array of its content terms as integer
 * ids (lower-cased words, stop words left out, stemmed; vocabulary[id] is
 * the stem) and its number of words.  One pass in C over a whole
 * document's sentences: what every summary algorithm starts from. */
int textlib_terms(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  if (!lua_isnoneornil(L, 2)) luaL_checktype(L, 2, LUA_TTABLE);
  luactx *ctx = luactx_get(L);
  lua_settop(L, 2);
  char lang[64] = "english";
  int stop = 0;
  if (!lua_isnil(L, 2)) {
    if (lua_getfield(L, 2, "language") != LUA_TNIL) lang_name(L, -1, lang, sizeof lang);
    lua_pop(L, 1);
    lua_getfield(L, 2, "stopwords"); /* [texts opts stop] */
    if (lua_istable(L, -1)) stop = lua_gettop(L);
    else if (!lua_isnil(L, -1) && lua_toboolean(L, -1))
      luaL_error(L, "lede.terms: stopwords must be a set or false");
  }
  lua_settop(L, stop ? 3 : 2);
  if (!stop) lua_pushnil(L); /* [texts opts stop|nil] */
  terms_ctx c;
  memset(&c, 0, sizeof c);
  c.L = L;
  c.st = get_stemmer(L, lang);
  c.stop = stop ? 3 : 0;
  c.tokens = new_tmap(L, ctx->budget); /* [.. tokens] */
  c.stems = new_tmap(L, ctx->budget);  /* [.. tokens stems] */
  lua_Integer n = luaL_len(L, 1);
  lua_createtable(L, n > 0 && n < 1 << 24 ? (int)n : 0, 0); /* [.. sets] */
  int sets = lua_gettop(L);
  lua_newtable(L); /* [.. sets vocab] */
  c.vocab = lua_gettop(L);
  lua_createtable(L, n > 0 && n < 1 << 24 ? (int)n : 0, 0); /* [.. sets vocab words] */
  int words = lua_gettop(L);
  for (lua_Integer i = 1; i <= n; i++) {
    lua_rawgeti(L, 1, i); /* [.. text] */
    size_t len;
    const char *s = lua_tolstring(L, -1, &len);
    if (!s) luaL_error(L, "lede.terms: text %d is not a string", (int)i);
    luactx_charge(L, ctx->budget, BYTES_COST(len) + COST_ITEM);
    c.s = s;
    c.words = 0;
    c.tokens->nids = 0;
    words_scan(s, len, term_word, &c);
    lua_pop(L, 1);
    lua_createtable(L, (int)c.tokens->nids, 0); /* [.. set] */
    for (size_t k = 0; k < c.tokens->nids; k++) {
      lua_pushinteger(L, c.tokens->ids[k]);
      lua_rawseti(L, -2, (lua_Integer)k + 1);
    }
    lua_rawseti(L, sets, i);
    lua_pushinteger(L, c.words);
    lua_rawseti(L, words, i);
  }
  tmap_free(c.tokens);
  tmap_free(c.stems);
  return 3;
}
