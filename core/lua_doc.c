/* lua_doc.c -- documents, paragraphs, sentences, words and lists as Lua
 * userdata.
 *
 * Every item handle pins its document userdata through user value 1, so a
 * script may drop `doc` and keep a sentence.  Items are addressed by their
 * stable index, which edits never change; each use checks that the document
 * is open and the item was not removed, so no handle ever reaches freed or
 * stale memory. */
#include "lua_doc.h"

#include <lauxlib.h>
#include <string.h>

#include "doc.h"
#include "suggest.h"
#include "utf8.h"
#include "words.h"

#define DOC_MT "lede.Document"
#define PARA_MT "lede.Paragraph"
#define SENT_MT "lede.Sentence"
#define WORD_MT "lede.Word"
#define LIST_MT "lede.List"

/* ldoc_open_classes() registers every function of this file that Lua
 * calls with the five class metatables as upvalues, in this order, so a
 * class check compares with an upvalue.  luaL_checkudata finds the
 * metatable by name instead: the name made a Lua string and looked up in
 * the registry, four times for each sentence a script edits.  A function
 * running without these upvalues (pushed bare, or one of the ldoc_*
 * functions other files call) falls back to the names, so the fast path
 * is only ever a shortcut. */
enum { UP_DOC = 1, UP_PARA, UP_SENT, UP_WORD, UP_LIST, NUP = UP_LIST };
static const char *const class_name[NUP + 1] = {NULL, DOC_MT, PARA_MT, SENT_MT, WORD_MT,
                                                LIST_MT};

/* luaL_checkudata(L, i, class_name[up]) */
static void *checkclass(lua_State *L, int i, int up) {
  void *p = lua_touserdata(L, i);
  if (p && lua_getmetatable(L, i)) {
    int same = lua_rawequal(L, -1, lua_upvalueindex(up));
    lua_pop(L, 1);
    if (same) return p;
  }
  return luaL_checkudata(L, i, class_name[up]);
}

/* luaL_setmetatable(L, class_name[up]) */
static void setclass(lua_State *L, int up) {
  if (lua_type(L, lua_upvalueindex(up)) != LUA_TTABLE) {
    luaL_setmetatable(L, class_name[up]);
    return;
  }
  lua_pushvalue(L, lua_upvalueindex(up));
  lua_setmetatable(L, -2);
}

/* Texts reach Lua through the context's scratch buffer. */
static void push_scratch(lua_State *L, luactx *ctx) {
  if (ctx->scratch.failed) {
    int hit = ctx->scratch.failed == LEDE_ELIMIT;
    ctx->scratch.failed = 0;
    ctx->scratch.n = 0;
    luaL_error(L, hit ? "script exceeded memory limit" : "not enough memory");
  }
  lua_pushlstring(L, ctx->scratch.p ? ctx->scratch.p : "", ctx->scratch.n);
}

static dbuf *scratch(luactx *ctx) {
  ctx->scratch.n = 0;
  return &ctx->scratch;
}

/* ---- documents ---------------------------------------------------------- */

typedef struct LDoc {
  lede_doc *doc; /* NULL once closed or detached */
  int owned;
} LDoc;

static lede_doc *checkdoc(lua_State *L, int i) {
  LDoc *ld = checkclass(L, i, UP_DOC);
  if (!ld->doc) luaL_error(L, "attempt to use a closed document");
  return ld->doc;
}

lede_doc *ldoc_todoc(lua_State *L, int idx) {
  LDoc *ld = luaL_testudata(L, idx, DOC_MT);
  return ld ? ld->doc : NULL;
}

void ldoc_detach(lua_State *L, int idx) {
  LDoc *ld = luaL_testudata(L, idx, DOC_MT);
  if (!ld) return;
  /* An owned document has no other owner: detaching it is freeing it
   * (run.c detaches the empty document it made for a doc-less run). */
  if (ld->doc && ld->owned) doc_free(ld->doc);
  ld->doc = NULL;
}

int ldoc_isdoc(lua_State *L, int idx) { return luaL_testudata(L, idx, DOC_MT) != NULL; }

void ldoc_adopt(lua_State *L, int idx, lede_doc *d) {
  LDoc *ld = luaL_checkudata(L, idx, DOC_MT);
  ld->doc = d;
}

void ldoc_pushdoc(lua_State *L, lede_doc *d, int owned) {
  LDoc *ld = lua_newuserdatauv(L, sizeof *ld, 0); /* [.. doc] */
  ld->doc = NULL;
  ld->owned = owned;
  luaL_setmetatable(L, DOC_MT);
  ld->doc = d; /* only now: a failed setmetatable must not free d twice */
}

/* __gc, __close and doc:close() share this idempotent function. */
static int doc_close(lua_State *L) {
  LDoc *ld = checkclass(L, 1, UP_DOC);
  if (ld->doc && ld->owned) doc_free(ld->doc);
  ld->doc = NULL;
  return 0;
}

/* Raises for a failed status of the C core: a limit as the sandbox's
 * own limit error (whichever limit the budget says stopped it), anything
 * else as out of memory. */
static void raise_status(lua_State *L, const lede_doc *d, int st) {
  if (st == LEDE_ELIMIT)
    luactx_raise_limit(L, d->budget && d->budget->hit ? d->budget->hit : LIMIT_MEMORY, 1);
  luaL_error(L, "not enough memory");
}

/* Charges work done for a method of d to the run using d (its budget;
 * none outside runs) and raises at a limit.  See budget.h for the costs. */
static void charge(lua_State *L, lede_doc *d, size_t units) {
  if (budget_spend(d->budget, units)) luactx_raise_limit(L, d->budget->hit, 1);
}

/* Edits take valid UTF-8 only, as loading does: renderers copy edit text
 * as it is, and JSON or HTML with a raw 0xFF or NUL is not JSON or HTML. */
static void check_edit_text(lua_State *L, const char *s, size_t len) {
  int is_nul;
  size_t bad = utf8_check(s, len, &is_nul);
  if (bad == UTF8_OK) return;
  char what[128];
  utf8_describe(s, bad, is_nul, what, sizeof what);
  luaL_error(L, "new text: %s", what);
}

static void ensure_segmented(lua_State *L, lede_doc *d) {
  if (d->segmented) return;
  int st = doc_segment(d);
  if (st) raise_status(L, d, st);
}

/* The document of the item at index i (its user value), checked open. */
static lede_doc *itemdoc(lua_State *L, int i) {
  lua_getiuservalue(L, i, 1); /* [.. doc] */
  lede_doc *d = checkdoc(L, -1);
  lua_pop(L, 1);              /* the item's user value still anchors doc */
  return d;
}

/* ---- paragraphs and sentences ------------------------------------------- */

typedef struct LItem {
  size_t idx;
} LItem;

static void pushitem(lua_State *L, int docidx, int up, size_t idx) {
  docidx = lua_absindex(L, docidx);
  LItem *it = lua_newuserdatauv(L, sizeof *it, 1); /* [.. item] */
  it->idx = idx;
  setclass(L, up);
  lua_pushvalue(L, docidx);  /* [.. item doc] */
  lua_setiuservalue(L, -2, 1); /* [.. item]: the item keeps doc alive */
}

/* Checks item i of class up (UP_PARA or UP_SENT); unless allow_removed,
 * raises for a removed one.  *dp gets the document. */
static size_t checkitem(lua_State *L, int i, int up, lede_doc **dp, int allow_removed) {
  LItem *it = checkclass(L, i, up);
  lede_doc *d = itemdoc(L, i);
  *dp = d;
  if (allow_removed) return it->idx;
  if (up == UP_PARA) {
    if (it->idx >= d->npara)
      luaL_error(L, "paragraph %I does not exist", (lua_Integer)it->idx + 1);
    if (d->paras[it->idx].flags & ITEM_REMOVED)
      luaL_error(L, "paragraph %I was removed", (lua_Integer)it->idx + 1);
  } else {
    if (it->idx >= d->nsent)
      luaL_error(L, "sentence %I does not exist", (lua_Integer)it->idx + 1);
    if (d->sents[it->idx].flags & ITEM_REMOVED)
      luaL_error(L, "sentence %I was removed", (lua_Integer)it->idx + 1);
  }
  return it->idx;
}

/* ---- lists -------------------------------------------------------------- */

enum { LIST_PARAS, LIST_SENTS, LIST_WORDS };

/* A read-only sequence.  Lists of paragraphs and sentences are snapshots
 * taken when the list is made, so removing items while iterating one does
 * not skip any; with nothing removed they store no ids at all. */
typedef struct LList {
  int kind;
  size_t n;
  size_t first;      /* without ids: item k is first + k - 1 */
  int has_ids;
  size_t sent;       /* words: their sentence and its version */
  unsigned version;
  size_t data[];     /* ids, or 2 offsets per word */
} LList;

static LList *newlist(lua_State *L, int docidx, int kind, size_t n,
                      size_t per_item) {
  docidx = lua_absindex(L, docidx);
  if (per_item && n > ((size_t)-1 - sizeof(LList)) / (per_item * sizeof(size_t)))
    luaL_error(L, "not enough memory");
  LList *l = lua_newuserdatauv(L, sizeof *l + n * per_item * sizeof(size_t), 1);
  memset(l, 0, sizeof *l);
  l->kind = kind;
  l->n = n;
  setclass(L, UP_LIST);
  lua_pushvalue(L, docidx);
  lua_setiuservalue(L, -2, 1); /* [.. list] */
  return l;
}

/* Pushes the live items in [first, first+count) of paragraphs or sentences. */
static void pushitems(lua_State *L, int docidx, lede_doc *d, int kind,
                      size_t first, size_t count) {
  int any_removed = kind == LIST_PARAS ? d->nremoved_paras > 0 : d->nremoved_sents > 0;
  if (!any_removed) {
    LList *l = newlist(L, docidx, kind, count, 0);
    l->first = first;
    return;
  }
  charge(L, d, COST_ITEM * count); /* two passes over the ids */
  size_t live = 0;
  for (size_t k = first; k < first + count; k++) {
    unsigned fl = kind == LIST_PARAS ? d->paras[k].flags : d->sents[k].flags;
    if (!(fl & ITEM_REMOVED)) live++;
  }
  LList *l = newlist(L, docidx, kind, live, 1);
  l->has_ids = 1;
  size_t w = 0;
  for (size_t k = first; k < first + count; k++) {
    unsigned fl = kind == LIST_PARAS ? d->paras[k].flags : d->sents[k].flags;
    if (!(fl & ITEM_REMOVED)) l->data[w++] = k;
  }
}

/* Word offsets go straight into the list userdata, in two passes over
 * the sentence: count, allocate, fill.  No malloc'd array is ever held
 * across lua_newuserdatauv(), which raises on a memory error (a leak in
 * the one-pass version, found by tests/test_oom.c). */
typedef struct word_fill {
  size_t *data; /* NULL while counting */
  size_t n, cap;
} word_fill;

static int fill_word(void *ud, size_t start, size_t end) {
  word_fill *f = ud;
  if (f->data) {
    if (f->n == f->cap) return 1; /* the text changed between passes */
    f->data[2 * f->n] = start;
    f->data[2 * f->n + 1] = end;
  }
  f->n++;
  return 0;
}

/* The current text of sentence si: the document's bytes when unedited,
 * else built in the context's scratch buffer (raises if that failed). */
static const char *sent_text(lua_State *L, luactx *ctx, lede_doc *d,
                             size_t si, size_t *n) {
  const doc_sent *s = &d->sents[si];
  if (!s->edits) {
    *n = s->tend - s->tstart;
    return d->text + s->tstart;
  }
  dbuf *b = scratch(ctx);
  doc_sent_text(d, si, b);
  if (b->failed) push_scratch(L, ctx); /* raises */
  *n = b->n;
  return b->p ? b->p : "";
}

/* Pushes the words of sentence si: [.. list]. */
static void pushwords(lua_State *L, int docidx, lede_doc *d, size_t si) {
  docidx = lua_absindex(L, docidx);
  luactx *ctx = luactx_get(L);
  size_t n;
  const char *text = sent_text(L, ctx, d, si, &n);
  charge(L, d, 2 * BYTES_COST(n)); /* two scans */
  word_fill f = {NULL, 0, 0};
  words_scan(text, n, fill_word, &f);
  if (f.n > ((size_t)-1 - sizeof(LList)) / (2 * sizeof(size_t)))
    luaL_error(L, "not enough memory");
  LList *l = lua_newuserdatauv(L, sizeof *l + f.n * 2 * sizeof(size_t), 1);
  memset(l, 0, sizeof *l);
  l->kind = LIST_WORDS;
  /* The allocation may have run finalizers (a host's, outside the
   * sandbox) that reused the scratch buffer or even closed the document:
   * check, and take the text again. */
  if (ldoc_todoc(L, docidx) != d) luaL_error(L, "attempt to use a closed document");
  text = sent_text(L, ctx, d, si, &n);
  f = (word_fill){l->data, 0, f.n};
  words_scan(text, n, fill_word, &f);
  l->n = f.n;
  charge(L, d, COST_ITEM * f.n);
  l->sent = si;
  l->version = d->sents[si].version;
  setclass(L, UP_LIST);
  lua_pushvalue(L, docidx);
  lua_setiuservalue(L, -2, 1);
}

typedef struct LWord {
  size_t sent, index;
  size_t ws, we;     /* byte range in the sentence's current text */
  unsigned version;  /* sentence version the range belongs to */
} LWord;

static int list_len(lua_State *L) {
  LList *l = checkclass(L, 1, UP_LIST);
  lua_pushinteger(L, (lua_Integer)l->n);
  return 1;
}

static int list_index(lua_State *L) {
  LList *l = checkclass(L, 1, UP_LIST);
  lua_Integer i = lua_tointeger(L, 2);
  if (!lua_isinteger(L, 2) || i < 1 || (size_t)i > l->n) return 0; /* nil */
  lede_doc *d = itemdoc(L, 1);
  lua_getiuservalue(L, 1, 1); /* [list i doc] */
  size_t k = (size_t)i - 1;
  if (l->kind == LIST_WORDS) {
    if (l->sent >= d->nsent || d->sents[l->sent].version != l->version)
      luaL_error(L, "word list is stale: its sentence was edited");
    LWord *w = lua_newuserdatauv(L, sizeof *w, 1); /* [list i doc word] */
    w->sent = l->sent;
    w->index = k;
    w->ws = l->data[2 * k];
    w->we = l->data[2 * k + 1];
    w->version = l->version;
    setclass(L, UP_WORD);
    lua_pushvalue(L, -2);
    lua_setiuservalue(L, -2, 1);
    return 1;
  }
  size_t id = l->has_ids ? l->data[k] : l->first + k;
  pushitem(L, -1, l->kind == LIST_PARAS ? UP_PARA : UP_SENT, id);
  return 1;
}

static int list_tostring(lua_State *L) {
  LList *l = checkclass(L, 1, UP_LIST);
  static const char *const names[] = {"paragraphs", "sentences", "words"};
  lua_pushfstring(L, "lede.List(%I %s)", (lua_Integer)l->n, names[l->kind]);
  return 1;
}

/* ---- item fields -------------------------------------------------------- */

static void push_sent_text(lua_State *L, lede_doc *d, size_t si) {
  const doc_sent *s = &d->sents[si];
  charge(L, d, BYTES_COST(s->tend - s->tstart));
  if (!s->edits) {
    lua_pushlstring(L, d->text + s->tstart, s->tend - s->tstart);
    return;
  }
  luactx *ctx = luactx_get(L);
  doc_sent_text(d, si, scratch(ctx));
  push_scratch(L, ctx);
}

/* Field names, classified once per access by length and bytes: __index
 * runs for every field a script reads, and a chain of strcmp calls was a
 * tenth of the time of a script that walks every sentence. */
enum field {
  F_OTHER, F_TEXT, F_INDEX, F_START, F_STOP, F_REMOVED, F_KIND, F_LEVEL,
  F_DEPTH, F_SENTENCES, F_DOCUMENT, F_PARAGRAPH, F_WORDS, F_EDITED,
  F_SENTENCE, F_PARAGRAPHS, F_SOURCE, F_FORMAT, F_CLOSED, F_CLOSE, F_COUNT
};

static const char *const field_names[F_COUNT] = {
    [F_TEXT] = "text", [F_INDEX] = "index", [F_START] = "start", [F_STOP] = "stop",
    [F_REMOVED] = "removed", [F_KIND] = "kind", [F_LEVEL] = "level", [F_DEPTH] = "depth",
    [F_SENTENCES] = "sentences", [F_DOCUMENT] = "document", [F_PARAGRAPH] = "paragraph",
    [F_WORDS] = "words", [F_EDITED] = "edited", [F_SENTENCE] = "sentence",
    [F_PARAGRAPHS] = "paragraphs", [F_SOURCE] = "source", [F_FORMAT] = "format",
    [F_CLOSED] = "closed"};

/* The fields each class answers, as bits of enum field.  Every __index
 * tests its mask before its switch, so a field exists exactly when it is
 * listed here: the did-you-mean candidates and luadoc_fields() (which the
 * annotation drift test reads) cannot disagree with what scripts see.
 * Methods are not fields: they live in each metatable's "methods". */
#define FB(f) (1u << (f))
#define DOC_FIELDS (FB(F_PARAGRAPHS) | FB(F_SENTENCES) | FB(F_SOURCE) | FB(F_FORMAT) | FB(F_CLOSED))
#define ITEM_FIELDS (FB(F_TEXT) | FB(F_INDEX) | FB(F_START) | FB(F_STOP))
#define PARA_FIELDS (ITEM_FIELDS | FB(F_REMOVED) | FB(F_KIND) | FB(F_LEVEL) | FB(F_DEPTH) | \
                     FB(F_SENTENCES) | FB(F_DOCUMENT))
#define SENT_FIELDS (ITEM_FIELDS | FB(F_REMOVED) | FB(F_PARAGRAPH) | FB(F_WORDS) | \
                     FB(F_EDITED) | FB(F_DOCUMENT))
#define WORD_FIELDS (ITEM_FIELDS | FB(F_SENTENCE))

static enum field field_of(lua_State *L, int idx) {
  size_t n;
  const char *k = luaL_checklstring(L, idx, &n);
#define IS(lit) (n == sizeof lit - 1 && memcmp(k, lit, n) == 0)
  switch (n) {
  case 4:
    return IS("text") ? F_TEXT : IS("stop") ? F_STOP : IS("kind") ? F_KIND : F_OTHER;
  case 5:
    return IS("index") ? F_INDEX : IS("start") ? F_START : IS("level") ? F_LEVEL
         : IS("depth") ? F_DEPTH : IS("words") ? F_WORDS : IS("close") ? F_CLOSE : F_OTHER;
  case 6:
    return IS("edited") ? F_EDITED : IS("source") ? F_SOURCE : IS("format") ? F_FORMAT
         : IS("closed") ? F_CLOSED : F_OTHER;
  case 7:
    return IS("removed") ? F_REMOVED : F_OTHER;
  case 8:
    return IS("document") ? F_DOCUMENT : IS("sentence") ? F_SENTENCE : F_OTHER;
  case 9:
    return IS("sentences") ? F_SENTENCES : IS("paragraph") ? F_PARAGRAPH : F_OTHER;
  case 10:
    return IS("paragraphs") ? F_PARAGRAPHS : F_OTHER;
  default:
    return F_OTHER;
  }
#undef IS
}

/* Pushes method k of the object at 1 from its metatable's "methods"; a
 * name that is neither a field nor a method raises, naming the closest
 * one: a misspelling should not read as a silent nil. */
static void push_method(lua_State *L, const char *cls, unsigned fields) {
  lua_getmetatable(L, 1);
  lua_getfield(L, -1, "methods"); /* [.. mt methods] */
  lua_pushvalue(L, 2);
  if (lua_rawget(L, -2) != LUA_TNIL) return; /* [.. mt methods f] */
  size_t n;
  const char *k = lua_tolstring(L, 2, &n);
  const char *cands[F_COUNT + 16];
  size_t nc = 0;
  for (int f = 0; f < F_COUNT; f++)
    if (fields & FB(f)) cands[nc++] = field_names[f];
  /* The method names stay anchored by the metatable in the registry. */
  lua_pushnil(L);
  while (nc < sizeof cands / sizeof cands[0] && lua_next(L, -3)) {
    lua_pop(L, 1);
    if (lua_type(L, -1) == LUA_TSTRING) cands[nc++] = lua_tostring(L, -1);
  }
  const char *s = suggest_closest(k, n, cands, nc);
  if (s) luaL_error(L, "no field '%s' on %s (did you mean '%s'?)", k, cls, s);
  luaL_error(L, "no field '%s' on %s", k, cls);
}

/* The field names of a class, for the annotation drift test. */
size_t luadoc_fields(const char *cls, const char **names, size_t cap) {
  unsigned mask = strcmp(cls, "Document") == 0    ? DOC_FIELDS
                  : strcmp(cls, "Paragraph") == 0 ? PARA_FIELDS
                  : strcmp(cls, "Sentence") == 0  ? SENT_FIELDS
                  : strcmp(cls, "Word") == 0      ? WORD_FIELDS
                                                  : 0;
  size_t n = 0;
  for (int f = 0; f < F_COUNT; f++)
    if ((mask & FB(f)) && n < cap) names[n++] = field_names[f];
  return n;
}

static int para_index(lua_State *L) {
  lede_doc *d;
  enum field f = field_of(L, 2);
  if (!(PARA_FIELDS & FB(f))) f = F_OTHER;
  if (f == F_REMOVED || f == F_INDEX) {
    size_t pi = checkitem(L, 1, UP_PARA, &d, 1);
    if (f == F_REMOVED) lua_pushboolean(L, pi < d->npara && (d->paras[pi].flags & ITEM_REMOVED));
    else lua_pushinteger(L, (lua_Integer)pi + 1);
    return 1;
  }
  size_t pi = checkitem(L, 1, UP_PARA, &d, 0);
  const doc_para *p = &d->paras[pi];
  switch (f) {
  case F_TEXT:
    charge(L, d, BYTES_COST(p->tend - p->tstart));
    if (d->segmented && (d->nedited || d->nremoved_sents)) {
      luactx *ctx = luactx_get(L);
      doc_para_text(d, pi, scratch(ctx));
      push_scratch(L, ctx);
    } else {
      lua_pushlstring(L, d->text + p->tstart, p->tend - p->tstart);
    }
    break;
  case F_START: lua_pushinteger(L, (lua_Integer)p->start + 1); break;
  case F_STOP: lua_pushinteger(L, (lua_Integer)p->end); break;
  case F_KIND: lua_pushstring(L, doc_kind_name(p->kind)); break;
  case F_LEVEL:
    if (p->kind == PK_HEADING) lua_pushinteger(L, p->level);
    else lua_pushnil(L);
    break;
  case F_DEPTH: lua_pushinteger(L, p->depth); break;
  case F_SENTENCES:
    ensure_segmented(L, d);
    lua_getiuservalue(L, 1, 1);
    pushitems(L, -1, d, LIST_SENTS, d->paras[pi].first_sent, d->paras[pi].nsent);
    break;
  case F_DOCUMENT: lua_getiuservalue(L, 1, 1); break;
  default: push_method(L, "Paragraph", PARA_FIELDS); break;
  }
  return 1;
}

static int para_remove(lua_State *L) {
  lede_doc *d;
  size_t pi = checkitem(L, 1, UP_PARA, &d, 0);
  doc_para_remove(d, pi);
  return 0;
}

/* p.text = s: the paragraph's first sentence takes the whole text and the
 * others go, so mark-up around the paragraph stays. */
static int para_newindex(lua_State *L) {
  lede_doc *d;
  const char *k = luaL_checkstring(L, 2);
  size_t pi = checkitem(L, 1, UP_PARA, &d, 0);
  if (strcmp(k, "text") != 0)
    return luaL_error(L, "paragraph field '%s' is read-only", k);
  size_t len;
  const char *s = luaL_checklstring(L, 3, &len);
  charge(L, d, BYTES_COST(len));
  check_edit_text(L, s, len);
  ensure_segmented(L, d);
  const doc_para *p = &d->paras[pi];
  size_t keep = (size_t)-1;
  for (size_t j = 0; j < p->nsent; j++) {
    size_t si = p->first_sent + j;
    if (d->sents[si].flags & ITEM_REMOVED) continue;
    if (keep == (size_t)-1) keep = si;
    else doc_sent_remove(d, si);
  }
  if (keep == (size_t)-1)
    return luaL_error(L, "paragraph %I has no sentences to hold text", (lua_Integer)pi + 1);
  if (doc_sent_replace(d, keep, 0, doc_sent_textlen(d, keep), s, len))
    return luaL_error(L, "not enough memory");
  return 0;
}

static int sent_index(lua_State *L) {
  lede_doc *d;
  enum field f = field_of(L, 2);
  if (!(SENT_FIELDS & FB(f))) f = F_OTHER;
  if (f == F_REMOVED || f == F_INDEX) {
    size_t si = checkitem(L, 1, UP_SENT, &d, 1);
    if (f == F_REMOVED) lua_pushboolean(L, si < d->nsent && (d->sents[si].flags & ITEM_REMOVED));
    else lua_pushinteger(L, (lua_Integer)si + 1);
    return 1;
  }
  size_t si = checkitem(L, 1, UP_SENT, &d, 0);
  const doc_sent *s = &d->sents[si];
  switch (f) {
  case F_TEXT: push_sent_text(L, d, si); break;
  case F_START: lua_pushinteger(L, (lua_Integer)s->start + 1); break;
  case F_STOP: lua_pushinteger(L, (lua_Integer)s->end); break;
  case F_PARAGRAPH:
    lua_getiuservalue(L, 1, 1);
    pushitem(L, -1, UP_PARA, s->para);
    break;
  case F_WORDS:
    lua_getiuservalue(L, 1, 1);
    pushwords(L, -1, d, si);
    break;
  case F_EDITED: lua_pushboolean(L, s->edits != NULL); break;
  case F_DOCUMENT: lua_getiuservalue(L, 1, 1); break;
  default: push_method(L, "Sentence", SENT_FIELDS); break;
  }
  return 1;
}

static void replace_or_raise(lua_State *L, lede_doc *d, size_t si, size_t i,
                             size_t j, const char *r, size_t rl) {
  int st = doc_sent_replace(d, si, i, j, r, rl);
  if (st) raise_status(L, d, st);
}

static int sent_newindex(lua_State *L) {
  lede_doc *d;
  const char *k = luaL_checkstring(L, 2);
  size_t si = checkitem(L, 1, UP_SENT, &d, 0);
  if (strcmp(k, "text") != 0)
    return luaL_error(L, "sentence field '%s' is read-only", k);
  size_t len;
  const char *s = luaL_checklstring(L, 3, &len);
  charge(L, d, BYTES_COST(len));
  check_edit_text(L, s, len);
  replace_or_raise(L, d, si, 0, doc_sent_textlen(d, si), s, len);
  return 0;
}

/* s:replace(i, j, repl): bytes i..j of s.text, 1-based and inclusive, with
 * string.sub's rules for negative and out-of-range positions. */
static int sent_replace(lua_State *L) {
  lede_doc *d;
  size_t si = checkitem(L, 1, UP_SENT, &d, 0);
  lua_Integer i = luaL_checkinteger(L, 2);
  lua_Integer j = luaL_checkinteger(L, 3);
  size_t rl;
  const char *r = luaL_checklstring(L, 4, &rl);
  charge(L, d, BYTES_COST(rl));
  check_edit_text(L, r, rl);
  lua_Integer n = (lua_Integer)doc_sent_textlen(d, si);
  if (i < 0) i = i < -n ? 1 : n + i + 1;
  else if (i == 0) i = 1;
  if (j < 0) j = n + j + 1;
  else if (j > n) j = n;
  if (i > n + 1) i = n + 1;
  if (j < i - 1) j = i - 1; /* an empty range inserts before byte i */
  replace_or_raise(L, d, si, (size_t)(i - 1), (size_t)j, r, rl);
  lua_settop(L, 1);
  return 1;
}

static int sent_remove(lua_State *L) {
  lede_doc *d;
  size_t si = checkitem(L, 1, UP_SENT, &d, 0);
  doc_sent_remove(d, si);
  return 0;
}

static int item_eq(lua_State *L) {
  LItem *a = lua_touserdata(L, 1), *b = lua_touserdata(L, 2);
  int same = 0;
  if (a && b && a->idx == b->idx) {
    lua_getmetatable(L, 1);
    lua_getmetatable(L, 2);
    lua_getiuservalue(L, 1, 1);
    lua_getiuservalue(L, 2, 1);
    same = lua_rawequal(L, -1, -2) && lua_rawequal(L, -3, -4);
  }
  lua_pushboolean(L, same);
  return 1;
}

static int item_tostring(lua_State *L) {
  lua_settop(L, 1);
  lua_getfield(L, 1, "text"); /* [item text] */
  return 1;
}

/* ---- words -------------------------------------------------------------- */

static LWord *checkword(lua_State *L, int i, lede_doc **dp) {
  LWord *w = checkclass(L, i, UP_WORD);
  lede_doc *d = itemdoc(L, i);
  if (w->sent >= d->nsent || (d->sents[w->sent].flags & ITEM_REMOVED))
    luaL_error(L, "sentence %I was removed", (lua_Integer)w->sent + 1);
  if (d->sents[w->sent].version != w->version)
    luaL_error(L, "word is stale: its sentence was edited");
  *dp = d;
  return w;
}

static int word_index(lua_State *L) {
  lede_doc *d;
  LWord *w = checkword(L, 1, &d);
  enum field f = field_of(L, 2);
  if (!(WORD_FIELDS & FB(f))) f = F_OTHER;
  const doc_sent *s = &d->sents[w->sent];
  switch (f) {
  case F_TEXT:
    if (!s->edits) {
      lua_pushlstring(L, d->text + s->tstart + w->ws, w->we - w->ws);
    } else {
      luactx *ctx = luactx_get(L);
      dbuf *b = scratch(ctx);
      doc_sent_text(d, w->sent, b);
      if (b->failed) push_scratch(L, ctx); /* raises */
      lua_pushlstring(L, b->p + w->ws, w->we - w->ws);
    }
    break;
  case F_INDEX: lua_pushinteger(L, (lua_Integer)w->index + 1); break;
  /* Offsets into the source exist only for text that is still there. */
  case F_START:
    if (s->edits) lua_pushnil(L);
    else lua_pushinteger(L, (lua_Integer)doc_text_to_src(d, s->para, s->tstart + w->ws) + 1);
    break;
  case F_STOP:
    if (s->edits) lua_pushnil(L);
    else lua_pushinteger(L, (lua_Integer)doc_text_to_src_end(d, s->para, s->tstart + w->we));
    break;
  case F_SENTENCE:
    lua_getiuservalue(L, 1, 1);
    pushitem(L, -1, UP_SENT, w->sent);
    break;
  default: push_method(L, "Word", WORD_FIELDS); break;
  }
  return 1;
}

static int word_tostring(lua_State *L) {
  lua_settop(L, 1);
  lua_getfield(L, 1, "text");
  return 1;
}

/* ---- document fields ---------------------------------------------------- */

void ldoc_render(lua_State *L, lede_doc *d, lede_format fmt, unsigned flags) {
  /* Rendering is linear in the document: charged up front, and the
   * renderers poll the clock as they go. */
  charge(L, d, BYTES_COST(d->len));
  luactx *ctx = luactx_get(L);
  dbuf *b = scratch(ctx);
  int st = doc_render(d, fmt, flags, b);
  if (st == LEDE_EINVAL) luaL_error(L, "cannot render this document in that format");
  if (st == LEDE_ELIMIT && !b->failed) raise_status(L, d, st);
  if (st && !b->failed) b->failed = st;
  push_scratch(L, ctx);
  /* A rendered 100 MB document should not pin 100 MB of scratch. */
  if (ctx->scratch.cap > (1u << 20)) dbuf_free(&ctx->scratch);
}

static int doc_render_l(lua_State *L) {
  lede_doc *d = checkdoc(L, 1);
  lede_format fmt = d->format;
  if (!lua_isnoneornil(L, 2)) {
    if (lede_format_parse(luaL_checkstring(L, 2), &fmt) != LEDE_OK)
      return luaL_argerror(L, 2, "format must be \"text\", \"markdown\", \"html\" or \"json\"");
  }
  unsigned flags = 0;
  if (!lua_isnoneornil(L, 3)) {
    luaL_checktype(L, 3, LUA_TTABLE);
    if (lua_getfield(L, 3, "standalone") != LUA_TNIL && lua_toboolean(L, -1))
      flags |= LEDE_RENDER_STANDALONE;
    if (lua_getfield(L, 3, "unsafe") != LUA_TNIL && lua_toboolean(L, -1))
      flags |= LEDE_RENDER_UNSAFE;
    lua_pop(L, 2);
  }
  ldoc_render(L, d, fmt, flags);
  return 1;
}

static int doc_index(lua_State *L) {
  enum field f = field_of(L, 2);
  if (f == F_CLOSED) {
    lua_pushboolean(L, ldoc_todoc(L, 1) == NULL);
    return 1;
  }
  if (f == F_CLOSE) { /* found even when closed: close is idempotent */
    lua_pushcfunction(L, doc_close);
    return 1;
  }
  lede_doc *d = checkdoc(L, 1);
  if (!(DOC_FIELDS & FB(f))) f = F_OTHER;
  switch (f) {
  case F_PARAGRAPHS: pushitems(L, 1, d, LIST_PARAS, 0, d->npara); break;
  case F_SENTENCES:
    ensure_segmented(L, d);
    pushitems(L, 1, d, LIST_SENTS, 0, d->nsent);
    break;
  case F_SOURCE:
    charge(L, d, BYTES_COST(d->len));
    lua_pushlstring(L, d->src, d->len);
    break;
  case F_FORMAT:
    lua_pushstring(L, lede_format_name(d->format));
    break;
  default: push_method(L, "Document", DOC_FIELDS); break;
  }
  return 1;
}

static int doc_tostring(lua_State *L) {
  LDoc *ld = checkclass(L, 1, UP_DOC);
  if (!ld->doc) lua_pushliteral(L, "lede.Document (closed)");
  else lua_pushfstring(L, "lede.Document (%s, %I bytes)",
                       ld->doc->format == LEDE_FORMAT_MARKDOWN ? "markdown" : "text",
                       (lua_Integer)ld->doc->len);
  return 1;
}

/* ---- strict tables ------------------------------------------------------ */

/* __index of a strict table (upvalue 1: its name).  Only missing keys get
 * here, so this always raises. */
static int strict_index(lua_State *L) {
  size_t n;
  const char *k = lua_tolstring(L, 2, &n);
  const char *name = lua_tostring(L, lua_upvalueindex(1));
  if (lua_type(L, 2) != LUA_TSTRING)
    return luaL_error(L, "no field [%s] on %s", luaL_typename(L, 2), name);
  const char *cands[64];
  size_t nc = 0;
  lua_pushnil(L); /* the keys stay anchored by the table itself */
  while (lua_next(L, 1)) {
    lua_pop(L, 1);
    if (lua_type(L, -1) == LUA_TSTRING && nc < sizeof cands / sizeof cands[0])
      cands[nc++] = lua_tostring(L, -1);
  }
  const char *s = suggest_closest(k, n, cands, nc);
  if (s) return luaL_error(L, "no field '%s' on %s (did you mean '%s'?)", k, name, s);
  return luaL_error(L, "no field '%s' on %s", k, name);
}

void luadoc_strict_table(lua_State *L, int idx, const char *name) {
  idx = lua_absindex(L, idx);
  lua_createtable(L, 0, 2);      /* [.. mt] */
  lua_pushstring(L, name);
  lua_pushcclosure(L, strict_index, 1);
  lua_setfield(L, -2, "__index");
  lua_pushliteral(L, "locked");  /* a script cannot lift the check */
  lua_setfield(L, -2, "__metatable");
  lua_setmetatable(L, idx);      /* [..] */
}

/* ---- metatables --------------------------------------------------------- */

/* Pushes the five class metatables, the upvalues of this file's
 * functions (see checkclass). */
static void push_classes(lua_State *L) {
  for (int up = 1; up <= NUP; up++) luaL_getmetatable(L, class_name[up]);
}

/* Fills class up's metatable with the given metamethods and a "methods"
 * table consulted by __index functions; __metatable hides it from
 * scripts. */
static void fillclass(lua_State *L, int up, const luaL_Reg *meta, const luaL_Reg *methods) {
  luaL_getmetatable(L, class_name[up]); /* [.. mt] */
  push_classes(L);
  luaL_setfuncs(L, meta, NUP);
  lua_newtable(L); /* [.. mt methods] */
  if (methods) {
    push_classes(L);
    luaL_setfuncs(L, methods, NUP);
  }
  lua_setfield(L, -2, "methods");
  lua_pushliteral(L, "locked");
  lua_setfield(L, -2, "__metatable");
  lua_pop(L, 1);
}

void ldoc_open_classes(lua_State *L) {
  static const luaL_Reg doc_meta[] = {{"__index", doc_index},
                                      {"__gc", doc_close},
                                      {"__close", doc_close},
                                      {"__tostring", doc_tostring},
                                      {NULL, NULL}};
  static const luaL_Reg doc_methods[] = {{"render", doc_render_l},
                                         {"close", doc_close},
                                         {NULL, NULL}};
  static const luaL_Reg para_meta[] = {{"__index", para_index},
                                       {"__newindex", para_newindex},
                                       {"__eq", item_eq},
                                       {"__tostring", item_tostring},
                                       {NULL, NULL}};
  static const luaL_Reg para_methods[] = {{"remove", para_remove}, {NULL, NULL}};
  static const luaL_Reg sent_meta[] = {{"__index", sent_index},
                                       {"__newindex", sent_newindex},
                                       {"__eq", item_eq},
                                       {"__tostring", item_tostring},
                                       {NULL, NULL}};
  static const luaL_Reg sent_methods[] = {{"replace", sent_replace},
                                          {"remove", sent_remove},
                                          {NULL, NULL}};
  static const luaL_Reg word_meta[] = {{"__index", word_index},
                                       {"__tostring", word_tostring},
                                       {NULL, NULL}};
  static const luaL_Reg list_meta[] = {{"__index", list_index},
                                       {"__len", list_len},
                                       {"__tostring", list_tostring},
                                       {NULL, NULL}};
  /* all five exist before any function is made: each gets them all */
  if (!luaL_newmetatable(L, DOC_MT)) { /* opened before in this state */
    lua_pop(L, 1);
    return;
  }
  lua_pop(L, 1);
  for (int up = UP_PARA; up <= NUP; up++) {
    luaL_newmetatable(L, class_name[up]);
    lua_pop(L, 1);
  }
  fillclass(L, UP_DOC, doc_meta, doc_methods);
  fillclass(L, UP_PARA, para_meta, para_methods);
  fillclass(L, UP_SENT, sent_meta, sent_methods);
  fillclass(L, UP_WORD, word_meta, NULL);
  fillclass(L, UP_LIST, list_meta, NULL);
}
