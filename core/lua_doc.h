/* lua_doc.h -- the Lua face of documents: userdata classes for documents,
 * paragraphs, sentences, words and read-only lists.  Used by the module
 * table (lua_lede.c) and by script runs (run.c).  Internal. */
#ifndef LEDE_LUA_DOC_H
#define LEDE_LUA_DOC_H

#include <lua.h>

#include "lede.h"
#include "luactx.h"

/* Creates the metatables of the classes (once per state). */
void ldoc_open_classes(lua_State *L);

/* Pushes a document userdata: [.. doc].  With owned, the userdata frees d
 * when collected or closed; otherwise d belongs to the host and only the
 * handle is invalidated by ldoc_detach().  d may be NULL: a handle
 * reserved before the document exists (see ldoc_adopt). */
void ldoc_pushdoc(lua_State *L, lede_doc *d, int owned);
/* Gives the reserved handle at idx (pushed with d NULL) its document:
 * reserve first, so nothing can raise while d has no owner. */
void ldoc_adopt(lua_State *L, int idx, lede_doc *d);
/* The document in a userdata at idx, or NULL if it is not one (or closed). */
lede_doc *ldoc_todoc(lua_State *L, int idx);
/* Non-zero when the value at idx is a document handle, open or closed. */
int ldoc_isdoc(lua_State *L, int idx);
/* Makes the handle at idx refer to nothing.  A host's document (pushed
 * with owned == 0) is left alone; an owned one is freed now. */
void ldoc_detach(lua_State *L, int idx);

/* Renders d in fmt/flags and pushes the string: [.. s]; raises on error. */
void ldoc_render(lua_State *L, lede_doc *d, lede_format fmt, unsigned flags);

/* The field names (not methods) that objects of class cls answer:
 * "Document", "Paragraph", "Sentence" or "Word".  Fills names[0..cap)
 * with STATIC strings and returns how many there are (0 for another
 * name).  For the annotation drift test. */
size_t luadoc_fields(const char *cls, const char **names, size_t cap);

/* Gives the table at idx a locked metatable whose __index raises "no field
 * 'k' on NAME (did you mean 'x'?)" for a missing key, with the closest of
 * the table's own string keys.  rawget still answers nil. */
void luadoc_strict_table(lua_State *L, int idx, const char *name);

#endif
