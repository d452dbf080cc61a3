/* seg_lang.h -- what the sentence segmenter knows about each language it
 * supports: abbreviations, the words that usually open a sentence, and a
 * few rules of typography (seg_lang.c).  Internal; static data only. */
#ifndef LEDE_SEG_LANG_H
#define LEDE_SEG_LANG_H

#include <stddef.h>

#include "abbrev.h"

enum seg_language {
  SEG_LANG_EN = 0, SEG_LANG_DE, SEG_LANG_FR, SEG_LANG_ES, SEG_LANG_IT, SEG_LANG_NL,
  SEG_LANG_COUNT
};

/* Rules that only some languages follow. */
#define SEG_LANG_ORDINALS 1u       /* "am 3. Oktober": a number's full stop
                                      before a capitalised word that opens no
                                      sentence marks an ordinal */
#define SEG_LANG_LOW_QUOTES 2u     /* „…“ and »…«: » opens a quotation */
#define SEG_LANG_SPACED_CLOSERS 4u /* "Il pleut. »": a closing guillemet
                                      may stand after a space */
#define SEG_LANG_CLITICS 8u        /* "'s Avonds", "'t Is": 's, 't, 'n open
                                      a sentence although lower case */

typedef struct seg_lang {
  const char *code;               /* "en", "de", ... */
  const seg_word *abbrevs;        /* sorted by bytes; NULL for English, whose
                                     list is abbrev.c's built-in one */
  size_t nabbrevs;
  const char *const *starters;    /* capitalised, sorted by bytes */
  size_t nstarters;
  unsigned flags;                 /* SEG_LANG_* */
} seg_lang;

/* STATIC: the language with that seg_language number; English for any
 * number out of range. */
const seg_lang *seg_lang_get(int language);
/* The seg_language for an ISO 639-1 code ("de") or English name
 * ("german"), any case; -1 when it is not one lede knows. */
int seg_lang_find(const char *name, size_t len);
/* The class of word[0..len) (no final dot) in l's own list, or
 * SEG_ABBR_NONE; ASCII letters match in any case. */
int seg_lang_class(const seg_lang *l, const char *word, size_t len);
/* Codes of the supported languages, ", "-separated, for messages. STATIC. */
const char *seg_lang_codes(void);

#endif
