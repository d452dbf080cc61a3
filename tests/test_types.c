/* test_types.c -- the LuaLS annotations (scripts/types/lede.lua) against
 * the C bindings: every field and function the bindings register is
 * annotated, and nothing else is.  When this fails after you added a
 * binding, the message says what to add and where. */
#include <criterion/criterion.h>
#include <lauxlib.h>
#include <lualib.h>
#include <stdio.h>
#include <string.h>

#include "helpers.h"
#include "lua_doc.h"
#include "lua_lede.h"
#include "luactx.h"

#define TYPES_FILE "scripts/types/lede.lua"

/* One annotated member: class "lede.Document", name "render", its line. */
typedef struct member {
  char cls[48], name[48];
  int line, module_only, is_function;
} member;

static member ann[512];
static int nann;

static void add_ann(const char *cls, const char *name, size_t n, int line, int module_only,
                    int fn) {
  cr_assert_lt(nann, 512);
  member *m = &ann[nann++];
  snprintf(m->cls, sizeof m->cls, "%s", cls);
  snprintf(m->name, sizeof m->name, "%.*s", (int)n, name);
  m->line = line;
  m->module_only = module_only;
  m->is_function = fn;
}

/* Reads the annotations: `---@class C` starts a class, `---@field NAME`
 * adds to it, `local X = {}` (or `lede = {}`) names its table, and
 * `function X.f` / `function X:f` adds a function to X's class.  A
 * `-- module-only:` comment marks the next function as one that only
 * `require "lede"` from a stock Lua adds. */
static void read_annotations(void) {
  size_t len;
  char *text = slurp(LEDE_ROOT "/" TYPES_FILE, &len);
  char cls[48] = "", tables[16][2][48];
  int ntables = 0, line = 0, module_only = 0;
  for (char *p = text, *eol; p && *p; p = eol ? eol + 1 : NULL) {
    eol = strchr(p, '\n');
    if (eol) *eol = '\0';
    line++;
    char name[48];
    if (sscanf(p, "---@class %47[A-Za-z_.]", name) == 1) {
      snprintf(cls, sizeof cls, "%s", name);
    } else if (sscanf(p, "---@field %47[A-Za-z_]", name) == 1) {
      add_ann(cls, name, strlen(name), line, 0, 0);
    } else if (strncmp(p, "-- module-only:", 15) == 0) {
      module_only = 1;
    } else if ((sscanf(p, "local %47[A-Za-z_] = {}", name) == 1 || strcmp(p, "lede = {}") == 0) &&
               ntables < 16) {
      snprintf(tables[ntables][0], 48, "%s", strcmp(p, "lede = {}") == 0 ? "lede" : name);
      snprintf(tables[ntables][1], 48, "%s", cls);
      ntables++;
    } else if (strncmp(p, "function ", 9) == 0) {
      char *q = p + 9, *sep = q + strcspn(q, ".:"), *paren = strchr(q, '(');
      cr_assert(*sep && paren && sep < paren, TYPES_FILE ":%d: cannot read '%s'", line, p);
      const char *owner = NULL;
      for (int t = 0; t < ntables; t++)
        if (strlen(tables[t][0]) == (size_t)(sep - q) && strncmp(tables[t][0], q, (size_t)(sep - q)) == 0)
          owner = tables[t][1];
      cr_assert(owner, TYPES_FILE ":%d: '%.*s' is no annotated class table", line, (int)(sep - q), q);
      add_ann(owner, sep + 1, (size_t)(paren - sep - 1), line, module_only, 1);
      module_only = 0;
    }
  }
  free(text);
}

static int annotated(const char *cls, const char *name) {
  for (int i = 0; i < nann; i++)
    if (strcmp(ann[i].cls, cls) == 0 && strcmp(ann[i].name, name) == 0) return 1;
  return 0;
}

/* What the bindings register, as "class name" pairs. */
static member reg[512];
static int nreg;

static void add_reg(const char *cls, const char *name, int fn) {
  cr_assert_lt(nreg, 512);
  snprintf(reg[nreg].cls, 48, "%s", cls);
  snprintf(reg[nreg].name, 48, "%s", name);
  reg[nreg].is_function = fn;
  nreg++;
}

/* The string keys of the table at the top: [.. t] stays. */
static void add_keys(lua_State *L, const char *cls) {
  lua_pushnil(L);
  while (lua_next(L, -2)) {
    if (lua_type(L, -2) == LUA_TSTRING) add_reg(cls, lua_tostring(L, -2), lua_isfunction(L, -1));
    lua_pop(L, 1);
  }
}

/* Every table-valued field of `lede` but host (the embedder's) is a
 * class of its own: lede.abbreviations, lede.redact, ... */
static char subtables[16][48];
static int nsub;

static void read_bindings(void) {
  lua_State *L = luaL_newstate();
  luactx ctx;
  memset(&ctx, 0, sizeof ctx);
  luactx_set(L, &ctx);
  lmod_open(L); /* [lede] */
  add_keys(L, "lede");
  lua_pushnil(L);
  while (lua_next(L, -2)) { /* [lede key value] */
    if (lua_istable(L, -1) && lua_type(L, -2) == LUA_TSTRING &&
        strcmp(lua_tostring(L, -2), "host") != 0 && nsub < 16) {
      snprintf(subtables[nsub], 48, "lede.%s", lua_tostring(L, -2));
      add_keys(L, subtables[nsub]);
      nsub++;
    }
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  static const char *const classes[] = {"Document", "Paragraph", "Sentence", "Word"};
  for (size_t c = 0; c < 4; c++) {
    char cls[48], mt[48];
    snprintf(cls, sizeof cls, "lede.%s", classes[c]);
    snprintf(mt, sizeof mt, "lede.%s", classes[c]);
    const char *names[64];
    size_t n = luadoc_fields(classes[c], names, 64);
    cr_assert_gt(n, 0, "luadoc_fields(\"%s\") knows no fields", classes[c]);
    for (size_t i = 0; i < n; i++) add_reg(cls, names[i], 0);
    luaL_getmetatable(L, mt);
    lua_getfield(L, -1, "methods");
    add_keys(L, cls);
    lua_pop(L, 2);
  }
  lua_close(L);
  abbrevs_free(ctx.abbrevs);
  dbuf_free(&ctx.scratch);
}

static int is_subtable(const char *cls) {
  for (int i = 0; i < nsub; i++)
    if (strcmp(subtables[i], cls) == 0) return 1;
  return 0;
}

static const char *where_registered(const char *cls) {
  if (strcmp(cls, "lede") == 0) return "the `lede` module table (core/lua_lede.c or a file it calls)";
  if (is_subtable(cls)) return "a table of the `lede` module (core/lua_lede.c or the file that fills it)";
  return "core/lua_doc.c (its *_FIELDS mask or its methods table)";
}

Test(types, annotations_match_the_bindings) {
  read_annotations();
  read_bindings();
  char report[8192] = "";
  size_t used = 0;
#define SAY(...) \
  (used += (size_t)snprintf(report + used, used < sizeof report ? sizeof report - used : 0, __VA_ARGS__))
  for (int i = 0; i < nreg; i++) {
    const member *m = &reg[i];
    if (annotated(m->cls, m->name)) continue;
    const char *tbl = strcmp(m->cls, "lede") == 0 ? "lede" : strrchr(m->cls, '.') + 1;
    int is_module = strcmp(m->cls, "lede") == 0 || is_subtable(m->cls);
    if (m->is_function)
      SAY("\n- %s%s%s is registered by %s but not annotated.\n"
          "  Add to " TYPES_FILE ", after `%s%s = {}` in the `---@class %s` section:\n"
          "    ---What it does, in one line.\n    ---@param NAME TYPE\n    ---@return TYPE\n"
          "    function %s%s%s(ARGS) end\n",
          tbl, is_module ? "." : ":", m->name, where_registered(m->cls),
          strcmp(m->cls, "lede") == 0 ? "" : "local ", tbl, m->cls, tbl, is_module ? "." : ":",
          m->name);
    else
      SAY("\n- field '%s' of %s is registered by %s but not annotated.\n"
          "  Add to the `---@class %s` block of " TYPES_FILE ":\n"
          "    ---@field %s TYPE # what it is\n",
          m->name, m->cls, where_registered(m->cls), m->cls, m->name);
  }
  for (int i = 0; i < nann; i++) {
    const member *a = &ann[i];
    int known = strcmp(a->cls, "lede") == 0 || is_subtable(a->cls) ||
                strcmp(a->cls, "lede.Document") == 0 || strcmp(a->cls, "lede.Paragraph") == 0 ||
                strcmp(a->cls, "lede.Sentence") == 0 || strcmp(a->cls, "lede.Word") == 0;
    if (!known || a->module_only) continue; /* Args, options: plain Lua tables */
    int found = 0;
    for (int r = 0; r < nreg && !found; r++)
      found = strcmp(reg[r].cls, a->cls) == 0 && strcmp(reg[r].name, a->name) == 0;
    if (!found)
      SAY("\n- " TYPES_FILE ":%d annotates %s '%s' of %s, which the C bindings do not register:\n"
          "  remove it there (or register it in %s).\n",
          a->line, a->is_function ? "function" : "field", a->name, a->cls, where_registered(a->cls));
  }
  cr_assert_eq(used, 0, "the annotations and the C bindings disagree:%s", report);
}

Test(types, the_reader_sees_every_class) {
  read_annotations();
  int seen[6] = {0};
  static const char *const cls[] = {"lede", "lede.abbreviations", "lede.Document",
                                    "lede.Paragraph", "lede.Sentence", "lede.Word"};
  for (int i = 0; i < nann; i++)
    for (int c = 0; c < 6; c++) seen[c] += strcmp(ann[i].cls, cls[c]) == 0;
  for (int c = 0; c < 6; c++) cr_assert_gt(seen[c], 1, "no members read for %s", cls[c]);
  cr_assert(annotated("lede.Sentence", "replace") && annotated("lede", "run"));
}
