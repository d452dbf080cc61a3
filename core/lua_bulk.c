/* lua_bulk.c -- lede.write_sentences(doc [, format]): every live sentence
 * of doc written to the run's output (as lede.write does) in one C loop,
 * in one of the two forms of the bundled `sentences` script:
 *   "lines" (default)  lede.squish(s.text) .. "\n" per sentence
 *   "json"             [{"paragraph","index","start","end","text"}, ...]
 *                      with 0-based, end-exclusive source offsets
 * The same bytes as the Lua loops they replace (tests/test_lua.c compares
 * them on edited documents), at load speed: in Lua each sentence costs a
 * userdata, a text string, a squished or escaped copy and a write call;
 * here it costs a copy into a 64 KB chunk. */
#include <lauxlib.h>
#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "doc.h"
#include "lua_bulk.h"
#include "lua_doc.h"
#include "luactx.h"
#include "swar.h"

#define BULK_MT "lede.bulk"
/* Output is handed to the run's writer in chunks of about this size. */
#define CHUNK (64u * 1024)
/* Work is charged to the budget every this many sentences, so a time
 * limit is still noticed within a millisecond or so. */
#define CHARGE_EVERY 1024

/* The two buffers live in a userdata whose __gc frees them: a limit
 * raised by luactx_charge() or a failing write unwinds through us. */
typedef struct bulk {
  dbuf out;  /* the chunk being filled */
  dbuf text; /* an edited sentence's current text */
} bulk;

/* Idempotent (dbuf_free resets), so the normal exit calls it too. */
static int bulk_gc(lua_State *L) {
  bulk *b = luaL_checkudata(L, -1, BULK_MT);
  dbuf_free(&b->out);
  dbuf_free(&b->text);
  return 0;
}

static void flush(lua_State *L, luactx *ctx, bulk *b) {
  if (b->out.failed) luaL_error(L, "not enough memory");
  if (b->out.n && ctx->write(ctx->write_ud, b->out.p, b->out.n))
    luaL_error(L, "cannot write output");
  b->out.n = 0;
}

static int is_space(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

/* Whether s is already squished: no byte below 0x21 but single spaces
 * between other bytes.  Eight bytes at a time (swar.h): most sentences of
 * prose are, and are then copied whole. */
static int squished(const char *s, size_t len) {
  if (len == 0) return 1;
  if (s[0] == ' ' || s[len - 1] == ' ') return 0;
  size_t i = 0;
  for (; len - i >= 8; i += 8) {
    uint64_t w = swar_load(s + i);
    if (swar_below(w, 0x20)) return 0;
    uint64_t sp = swar_eq(w, ' ');
    /* Two adjacent spaces in this word (neighbouring bytes are 8 bits
     * apart in either byte order), or across the last word's end. */
    if ((sp & (sp << 8)) || (i && s[i] == ' ' && s[i - 1] == ' ')) return 0;
  }
  for (int prev = i && s[i - 1] == ' '; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c < 0x20 || (c == ' ' && prev)) return 0;
    prev = c == ' ';
  }
  return 1;
}

/* lede.squish's rule: white-space runs become one space, none at the
 * ends.  Runs of other bytes are copied with one memcpy each. */
static void put_squished(dbuf *o, const char *s, size_t len) {
  if (squished(s, len)) {
    dbuf_put(o, s, len);
    return;
  }
  if (dbuf_reserve(o, len + 1)) return;
  char *w = o->p + o->n;
  size_t n = 0, i = 0;
  while (i < len) {
    size_t j = i;
    while (j < len && !is_space((unsigned char)s[j])) j++;
    if (j > i) {
      if (n) w[n++] = ' ';
      memcpy(w + n, s + i, j - i);
      n += j - i;
    }
    while (j < len && is_space((unsigned char)s[j])) j++;
    i = j;
  }
  o->n += n;
}

/* snprintf("%zu") costs a vfprintf call per number; four per sentence. */
static void put_uint(dbuf *o, size_t v) {
  char tmp[24];
  size_t k = sizeof tmp;
  do tmp[--k] = (char)('0' + v % 10); while ((v /= 10) != 0);
  dbuf_put(o, tmp + k, sizeof tmp - k);
}

int lbulk_write_sentences(lua_State *L) {
  lede_doc *d = ldoc_todoc(L, 1);
  if (!d) return luaL_argerror(L, 1, ldoc_isdoc(L, 1) ? "closed document" : "document expected");
  static const char *const forms[] = {"lines", "json", NULL};
  int json = luaL_checkoption(L, 2, "lines", forms) == 1;
  luactx *ctx = luactx_get(L);
  if (!ctx->write) return luaL_error(L, "lede.write_sentences is only available inside a script run");
  if (!d->segmented) {
    int st = doc_segment(d);
    if (st) return luaL_error(L, st == LEDE_ELIMIT ? "script exceeded memory limit" : "not enough memory");
  }
  bulk *b = lua_newuserdatauv(L, sizeof *b, 0); /* [.. bulk] */
  dbuf_init(&b->out, ctx->budget);
  dbuf_init(&b->text, ctx->budget);
  if (luaL_newmetatable(L, BULK_MT)) { /* [.. bulk mt] */
    lua_pushcfunction(L, bulk_gc);
    lua_setfield(L, -2, "__gc");
  }
  lua_setmetatable(L, -2); /* [.. bulk] */
  ctx->wrote = 1;
  if (json) dbuf_putc(&b->out, '[');
  size_t units = 0, done = 0;
  int first = 1;
  for (size_t si = 0; si < d->nsent; si++) {
    const doc_sent *s = &d->sents[si];
    if (s->flags & ITEM_REMOVED) continue;
    const char *t = d->text + s->tstart;
    size_t len = s->tend - s->tstart;
    if (s->edits) { /* the current text, as s.text gives it */
      b->text.n = 0;
      doc_sent_text(d, si, &b->text);
      if (b->text.failed) return luaL_error(L, "not enough memory");
      t = b->text.p ? b->text.p : "";
      len = b->text.n;
    }
    if (json) {
      dbuf_puts(&b->out, first ? "\n{\"paragraph\":" : ",\n{\"paragraph\":");
      put_uint(&b->out, s->para + 1);
      dbuf_puts(&b->out, ",\"index\":");
      put_uint(&b->out, si + 1);
      dbuf_puts(&b->out, ",\"start\":");
      put_uint(&b->out, s->start);
      dbuf_puts(&b->out, ",\"end\":");
      put_uint(&b->out, s->end);
      dbuf_puts(&b->out, ",\"text\":\"");
      dbuf_put_json(&b->out, t, len);
      dbuf_puts(&b->out, "\"}");
    } else {
      put_squished(&b->out, t, len);
      dbuf_putc(&b->out, '\n');
    }
    first = 0;
    units += COST_ITEM + BYTES_COST(len);
    if (++done % CHARGE_EVERY == 0) {
      luactx_charge(L, ctx->budget, units);
      units = 0;
    }
    if (b->out.n >= CHUNK) flush(L, ctx, b);
  }
  luactx_charge(L, ctx->budget, units);
  if (json) dbuf_puts(&b->out, first ? "]\n" : "\n]\n");
  flush(L, ctx, b);
  bulk_gc(L); /* now, not at the next collection: the budget gets it back */
  lua_pop(L, 1);
  return 0;
}
