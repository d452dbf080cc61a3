/* abbrev.c -- the abbreviation set used by the sentence segmenter.
 *
 * The built-in list is data: one sorted static table.  A set is an
 * open-addressing hash table (linear probing) over keys folded to ASCII
 * lower case, whose bytes live in one arena so that cloning a set for a new
 * script run is two memcpy calls.  Nothing here is mutable and global. */
#include "abbrev.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Each entry says what the word does to the full stop after it (see the
 * seg_abbrev_class comments in segment.h): W most abbreviations, F company
 * suffixes, G states and provinces, N words that abbreviate only before a
 * number (street suffixes too, since "Ave." so often ends a sentence), I
 * the Latin connectives that never do.  The table is sorted by key in
 * byte order, so a NULL set can be searched without being built; a test
 * walks abbrevs_builtin() to check both the order and the hash set. */
#define W SEG_ABBR_WORD
#define N SEG_ABBR_NUM
#define G SEG_ABBR_GEO
#define I SEG_ABBR_INNER
#define F SEG_ABBR_FIRM
static const seg_word builtin[] = {
  /* U+00B0 DEGREE SIGN and U+00BA MASCULINE ORDINAL ("N°. 5"), the
   * currency "Kč": lead bytes from 0xC2 sort after every ASCII letter. */
  {"a.d", W},  {"a.g", F},  {"abbr", W}, {"adj", W},  {"adm", W},  {"adv", W},
  {"al", W},   {"ala", G},  {"alta", G}, {"app", N},  {"approx", W},
  {"apr", W},  {"apt", W},  {"ariz", G}, {"ark", G},  {"art", N},  {"assn", W},
  {"assoc", W}, {"asst", W}, {"atty", W}, {"aug", W},  {"ave", N},
  {"avg", W},  {"b", N},    {"b.a", W},  {"b.c", G},  {"b.s", W},  {"bldg", W},
  {"blvd", N}, {"brig", W}, {"bros", F}, {"c", N},    {"ca", W},
  {"calif", G}, {"capt", W}, {"cdr", W},  {"cf", I},   {"ch", N},
  {"chap", N}, {"cit", W},  {"cl", N},   {"cmdr", W}, {"co", F},   {"col", W},
  {"colo", G}, {"comdr", W}, {"conn", G}, {"corp", F}, {"cpl", W},
  {"cpt", W},  {"ct", N},   {"d", N},    {"d.c", G},  {"dec", W},  {"del", G},
  {"dept", W}, {"dir", W},  {"dist", W}, {"div", W},  {"doz", W},  {"dr", W},
  {"drs", W},  {"e.g", I},  {"e.u", W},  {"ed", W},   {"eds", W},  {"eq", N},
  {"eqs", N},  {"esp", W},  {"esq", W},  {"est", W},  {"etc", W},  {"ex", N},
  {"exec", W}, {"ext", N},  {"feb", W},  {"fig", N},  {"figs", N}, {"fl", N},
  {"fla", G},  {"fn", N},   {"fr", W},   {"fri", W},  {"ft", W},   {"ga", G},
  {"gen", W},  {"gmbh", F}, {"gov", W},  {"govt", W}, {"hon", W},  {"hosp", W},
  {"hr", W},   {"hrs", W},  {"hwy", N},  {"i.e", I},  {"ibid", W}, {"id", W},
  {"ill", G},  {"inc", F},  {"ind", G},  {"insp", W}, {"intl", W}, {"jan", W},
  {"jr", W},   {"jul", W},  {"jun", W},  {"kan", G},  {"kans", G}, {"ksh", N},
  {"ky", G},   {"k\xc4\x8d", N}, {"la", G},   {"lb", W},   {"lbs", W},
  {"lieut", W}, {"llc", F},  {"ln", N},   {"lt", W},   {"ltd", F},
  {"m.a", W},  {"m.d", W},  {"m.s", W},  {"maj", W},  {"mar", W},  {"mass", G},
  {"md", G},   {"messrs", W}, {"mfg", W},  {"mgr", W},  {"mich", G},
  {"min", W},  {"minn", G}, {"miss", G}, {"mlle", W}, {"mme", W},  {"mo", G},
  {"mont", G}, {"mr", W},   {"mrs", W},  {"ms", W},   {"msgr", W}, {"mt", W},
  {"mts", W},  {"n", N},    {"n.c", G},  {"n.d", G},  {"n.h", G},  {"n.j", G},
  {"n.m", G},  {"n.v", F},  {"n.y", G},  {"natl", W}, {"neb", G},  {"nev", G},
  {"nn", N},   {"no", N},   {"nos", N},  {"nov", W},  {"nr", N},
  {"n\xc2\xb0", N}, {"n\xc2\xba", N}, {"oct", W},  {"okla", G}, {"ont", G},
  {"op", W},   {"ore", G},  {"oz", W},   {"p", N},    {"pa", G},   {"para", N},
  {"penn", G}, {"pfc", W},  {"ph.d", W}, {"pkwy", N}, {"pl", W},   {"plc", F},
  {"pp", N},   {"pres", W}, {"prof", W}, {"pt", N},   {"pty", F},  {"pvt", W},
  {"que", G},  {"r", N},    {"r.i", G},  {"rd", N},   {"ref", N},  {"rep", W},
  {"reps", W}, {"res", W},  {"rev", W},  {"rp", N},   {"rs", N},   {"rt", W},
  {"s.a", F},  {"s.c", G},  {"s.d", G},  {"s.p.a", F}, {"sched", N},
  {"sec", W},  {"secs", W}, {"sen", W},  {"sens", W}, {"sep", W},  {"sept", W},
  {"ser", N},  {"sgt", W},  {"sq", W},   {"sr", W},   {"st", W},   {"sta", W},
  {"ste", N},  {"supt", W}, {"surg", W}, {"tab", N},  {"tbsp", W}, {"tel", N},
  {"tenn", G}, {"tex", G},  {"thu", W},  {"thur", W}, {"thurs", W},
  {"tk", N},   {"tsp", W},  {"tue", W},  {"tues", W}, {"u.k", W},  {"u.n", W},
  {"u.s", W},  {"u.s.a", W}, {"univ", W}, {"v", I},    {"va", G},
  {"viz", I},  {"vol", N},  {"vols", N}, {"vs", I},   {"vt", G},   {"w.va", G},
  {"wash", G}, {"wis", G},  {"wisc", G}, {"wk", W},   {"wt", W},   {"wyo", G},
  {"yd", W},   {"yr", W},   {"yrs", W},
};
#undef W
#undef N
#undef G
#undef I
#undef F

#define NBUILTIN (sizeof builtin / sizeof builtin[0])

typedef struct {
  uint32_t hash;
  uint32_t off;        /* key bytes at arena + off */
  unsigned char len;   /* 0: empty slot */
  unsigned char cls;   /* seg_abbrev_class, | ADDED for abbrevs_add()'s */
} slot;

/* Words a user added apply in every language; the built-ins are English. */
#define ADDED 0x80u

/* Keys live in the arena rather than in fixed slots so that a 64-byte limit
 * costs nothing for the usual four-byte words, and so that a clone is two
 * flat copies with no pointers to fix up. */
struct seg_abbrevs {
  slot *slots;
  size_t cap;          /* a power of two, kept at most half full so that
                          linear probes stay short */
  size_t count;
  char *arena;
  size_t used, size;
};

static unsigned char fold(unsigned char c) {
  return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

/* FNV-1a over the folded bytes: short keys, so nothing cleverer pays. */
static uint32_t hash_key(const char *w, size_t len) {
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < len; i++) {
    h ^= fold((unsigned char)w[i]);
    h *= 16777619u;
  }
  return h;
}

static int same_key(const char *stored, const char *w, size_t len) {
  for (size_t i = 0; i < len; i++)
    if ((unsigned char)stored[i] != fold((unsigned char)w[i])) return 0;
  return 1;
}

/* The slot holding w, or the empty slot where it would go. */
static slot *find_slot(const seg_abbrevs *a, const char *w, size_t len,
                       uint32_t h) {
  size_t mask = a->cap - 1;
  for (size_t i = h & mask;; i = (i + 1) & mask) {
    slot *s = &a->slots[i];
    if (s->len == 0) return s;
    if (s->hash == h && s->len == len && same_key(a->arena + s->off, w, len))
      return s;
  }
}

/* Doubles the table (512 slots at first: the built-ins fill under half)
 * and reinserts by stored hash, without touching the arena. */
static int grow_slots(seg_abbrevs *a) {
  size_t ncap = a->cap ? a->cap * 2 : 512;
  slot *ns = calloc(ncap, sizeof *ns);
  if (!ns) return -1;
  slot *old = a->slots;
  size_t ocap = a->cap;
  a->slots = ns;
  a->cap = ncap;
  for (size_t i = 0; i < ocap; i++) {
    if (old[i].len == 0) continue;
    size_t j = old[i].hash & (ncap - 1);
    while (ns[j].len) j = (j + 1) & (ncap - 1);
    ns[j] = old[i];
  }
  free(old);
  return 0;
}

/* Inserts a key already checked for length; an existing key keeps its
 * class, so re-adding a built-in never weakens what it does. */
static int insert(seg_abbrevs *a, const char *w, size_t len, int cls) {
  if ((a->count + 1) * 2 > a->cap && grow_slots(a)) return -1;
  uint32_t h = hash_key(w, len);
  slot *s = find_slot(a, w, len, h);
  if (s->len) {
    s->cls = (unsigned char)(s->cls | (cls & ADDED));  /* now also a user's */
    return 0;
  }
  if (a->used + len > a->size) {
    size_t nsize = a->size ? a->size * 2 : 2048;
    while (nsize < a->used + len) nsize *= 2;
    char *na = realloc(a->arena, nsize);
    if (!na) return -1;
    a->arena = na;
    a->size = nsize;
  }
  for (size_t i = 0; i < len; i++)
    a->arena[a->used + i] = (char)fold((unsigned char)w[i]);
  s->hash = h;
  s->off = (uint32_t)a->used;
  s->len = (unsigned char)len;
  s->cls = (unsigned char)cls;
  a->used += len;
  a->count++;
  return 0;
}

/* The built-ins are inserted one by one rather than copied from a
 * precomputed table: 230 hashes cost microseconds, and the table stays
 * plain, reviewable data. */
seg_abbrevs *abbrevs_new(void) {
  seg_abbrevs *a = calloc(1, sizeof *a);
  if (!a) return NULL;
  for (size_t i = 0; i < NBUILTIN; i++) {
    if (insert(a, builtin[i].word, strlen(builtin[i].word), builtin[i].cls)) {
      abbrevs_free(a);
      return NULL;
    }
  }
  return a;
}

/* A NULL source means "the built-in list", as everywhere in this API. */
seg_abbrevs *abbrevs_clone(const seg_abbrevs *src) {
  if (!src) return abbrevs_new();
  seg_abbrevs *a = calloc(1, sizeof *a);
  if (!a) return NULL;
  a->slots = malloc(src->cap * sizeof *a->slots);
  a->arena = malloc(src->size ? src->size : 1);
  if (!a->slots || !a->arena) {
    abbrevs_free(a);
    return NULL;
  }
  memcpy(a->slots, src->slots, src->cap * sizeof *a->slots);
  if (src->used) memcpy(a->arena, src->arena, src->used);
  a->cap = src->cap;
  a->count = src->count;
  a->used = src->used;
  a->size = src->size ? src->size : 1;
  return a;
}

void abbrevs_free(seg_abbrevs *a) {
  if (!a) return;
  free(a->slots);
  free(a->arena);
  free(a);
}

/* A word can only ever match a token of the text, so white space inside it
 * is refused rather than stored as a key that could never be found. */
int abbrevs_add(seg_abbrevs *a, const char *word, size_t len) {
  if (!a || !word) return -1;
  if (len && word[len - 1] == '.') len--;
  if (len == 0 || len > SEG_ABBREV_MAX) return -1;
  for (size_t i = 0; i < len; i++)
    if (word[i] == ' ' || word[i] == '\t' || word[i] == '\n' || word[i] == '\r')
      return -1;
  return insert(a, word, len, SEG_ABBR_WORD | ADDED);
}

int abbrevs_find(const seg_word *list, size_t n, const char *w, size_t len) {
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    const unsigned char *k = (const unsigned char *)list[mid].word;
    int cmp = 0;
    size_t i = 0;
    for (; i < len && k[i]; i++) {
      unsigned char c = fold((unsigned char)w[i]);
      if (c != k[i]) {
        cmp = c < k[i] ? -1 : 1;
        break;
      }
    }
    if (cmp == 0) cmp = i < len ? 1 : k[i] ? -1 : 0;
    if (cmp == 0) return list[mid].cls;
    if (cmp < 0) hi = mid;
    else lo = mid + 1;
  }
  return SEG_ABBR_NONE;
}

/* The segmenter's lookup: called for the token before most full stops, so
 * it hashes once and compares bytes only on a hash match. */
int abbrevs_class(const seg_abbrevs *a, const char *word, size_t len) {
  if (len && word[len - 1] == '.') len--;
  if (len == 0 || len > SEG_ABBREV_MAX) return SEG_ABBR_NONE;
  if (!a) return abbrevs_find(builtin, NBUILTIN, word, len);
  const slot *s = find_slot(a, word, len, hash_key(word, len));
  return s->len ? s->cls & ~ADDED : SEG_ABBR_NONE;
}

int abbrevs_added_class(const seg_abbrevs *a, const char *word, size_t len) {
  if (len && word[len - 1] == '.') len--;
  if (!a || len == 0 || len > SEG_ABBREV_MAX) return SEG_ABBR_NONE;
  const slot *s = find_slot(a, word, len, hash_key(word, len));
  return s->len && (s->cls & ADDED) ? s->cls & ~ADDED : SEG_ABBR_NONE;
}

int abbrevs_has(const seg_abbrevs *a, const char *word, size_t len) {
  return abbrevs_class(a, word, len) != SEG_ABBR_NONE;
}

const char *abbrevs_builtin(size_t i, int *cls) {
  if (i >= NBUILTIN) return NULL;
  if (cls) *cls = builtin[i].cls;
  return builtin[i].word;
}
