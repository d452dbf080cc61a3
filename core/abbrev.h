/* abbrev.h -- the abbreviation set the sentence segmenter consults
 * (abbrev.c).  Internal to liblede; no Lua, no I/O, no global mutable
 * state. */
#ifndef LEDE_ABBREV_H
#define LEDE_ABBREV_H

#include <stddef.h>

/* A set of abbreviations, matched case-insensitively (ASCII) and stored
 * without their final dot ("approx", "u.s", "e.g").  A new set holds the
 * built-in list; engines and script runs extend their own copies. */
typedef struct seg_abbrevs seg_abbrevs;

/* Longest abbreviation abbrevs_add() accepts, in bytes, without its dot. */
#define SEG_ABBREV_MAX 64

/* What an abbreviation does to the full stop after it.  Every class keeps
 * the stop inside the sentence before a lower-case word or a number; they
 * differ before a capitalised word (see docs/segmentation.md). */
enum seg_abbrev_class {
  SEG_ABBR_NONE = 0,  /* not in the set: an ordinary word */
  SEG_ABBR_WORD = 1,  /* "Mr", "Inc", "etc", "U.S": the sentence ends only
                         before a word that usually opens one ("The", "He");
                         what abbrevs_add() gives a new word */
  SEG_ABBR_NUM = 2,   /* "No", "p", "fig": an abbreviation only before a
                         number, an ordinary word otherwise */
  SEG_ABBR_GEO = 3,   /* "Calif", "N.Y": as WORD, and also ends the sentence
                         after "City, St." when capitalised */
  SEG_ABBR_INNER = 4, /* "e.g", "i.e", "vs": never ends a sentence before a
                         capitalised word */
  SEG_ABBR_FIRM = 5   /* "Inc", "Co", "Ltd": ends the sentence before a
                         capitalised word unless it names an office, as in
                         "Acme Inc. Chief Executive Ana Costa" */
};

/* One entry of a static abbreviation table: lower case, without its
 * final dot, and its seg_abbrev_class. */
typedef struct seg_word {
  const char *word;
  unsigned char cls;
} seg_word;

/* The class of word[0..len) in list[0..n) -- sorted by bytes, as every
 * built-in table is -- matching ASCII letters in any case; SEG_ABBR_NONE
 * when it is not there. */
int abbrevs_find(const seg_word *list, size_t n, const char *word, size_t len);

/* OWNED: free with abbrevs_free().  NULL on out-of-memory. */
seg_abbrevs *abbrevs_new(void);
/* OWNED copy of src (NULL on out-of-memory). */
seg_abbrevs *abbrevs_clone(const seg_abbrevs *src);
void abbrevs_free(seg_abbrevs *a);
/* Adds one abbreviation as SEG_ABBR_WORD; a trailing dot in word is ignored,
 * and a word already in the set keeps its class.  Returns 0, or -1 on
 * out-of-memory or a word that is empty, longer than SEG_ABBREV_MAX bytes
 * or holds white space. */
int abbrevs_add(seg_abbrevs *a, const char *word, size_t len);
/* Non-zero when word[0..len) (without its dot) is in the set.  a may be
 * NULL: the built-in list is searched. */
int abbrevs_has(const seg_abbrevs *a, const char *word, size_t len);
/* The seg_abbrev_class of word[0..len) (a trailing dot is ignored), or
 * SEG_ABBR_NONE.  a may be NULL, as for abbrevs_has(). */
int abbrevs_class(const seg_abbrevs *a, const char *word, size_t len);
/* As abbrevs_class(), but only for words added with abbrevs_add(): the
 * built-in list is English, added words count in every language. */
int abbrevs_added_class(const seg_abbrevs *a, const char *word, size_t len);
/* The i-th built-in abbreviation (STATIC, lower case, no dot) and, when cls
 * is not NULL, its class; NULL once i is past the end.  For listings and
 * tests. */
const char *abbrevs_builtin(size_t i, int *cls);

#endif
