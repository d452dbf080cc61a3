/* lua_doc.h -- the Lua face of documents: userdata classes for documents,
 * paragraphs, sentences, words and read-only lists, and the `lede` module
 * table.  Shared by sandboxed runs (run.c) and `require "lede"`
 * (luaopen_lede.c).  Internal. */
#ifndef LEDE_LUA_DOC_H
#define LEDE_LUA_DOC_H

#include <lua.h>

#include "abbrev.h"
#include "budget.h"
#include "buf.h"
#include "lede.h"

/* What the bindings need from whoever opened them.  One per Lua state,
 * reachable from the registry; it must outlive the state. */
typedef struct lede_luactx {
  seg_abbrevs *abbrevs;  /* this state's own set: lede.abbreviations.add
                            changes it and nothing else */
  lede_budget *budget;   /* charged for C memory of documents; may be NULL */
  size_t max_input;      /* lede.load size limit; 0 = none */
  /* lede.write(): NULL when output is not collected (require "lede"). */
  int (*write)(void *ud, const char *s, size_t n);
  void *write_ud;
  int wrote;             /* lede.write was called */
  struct lede_engine *engine; /* host functions; NULL outside runs */
  dbuf scratch;          /* reused for texts pushed to Lua: owned here, so
                            a Lua error between fill and push leaks nothing */
} lede_luactx;

/* Stores ctx in L's registry (a light userdata: ctx is not collected). */
void lede_lua_setctx(lua_State *L, lede_luactx *ctx);
lede_luactx *lede_lua_ctx(lua_State *L);

/* Pushes the `lede` module table: [.. lede].  Creates the metatables. */
int lede_lua_openlib(lua_State *L);

/* Pushes a document userdata: [.. doc].  With owned, the userdata frees d
 * when collected or closed; otherwise d belongs to the host and only the
 * handle is invalidated by lede_lua_detach(). */
void lede_lua_pushdoc(lua_State *L, lede_doc *d, int owned);
/* The document in a userdata at idx, or NULL if it is not one (or closed). */
lede_doc *lede_lua_todoc(lua_State *L, int idx);
/* Makes the handle at idx refer to nothing.  A host's document (pushed
 * with owned == 0) is left alone; an owned one is freed now. */
void lede_lua_detach(lua_State *L, int idx);

/* Renders d in fmt/flags and pushes the string: [.. s]; raises on error. */
void lede_lua_render(lua_State *L, lede_doc *d, lede_format fmt, unsigned flags);

/* Parses a format name ("text", "markdown", "html", "json"); -1 if none. */
int lede_format_from_name(const char *name);

#endif
