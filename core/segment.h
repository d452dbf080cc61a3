/* segment.h -- sentence segmentation of one paragraph (segment.c).
 * Internal to liblede; no Lua, no I/O, no global mutable state. */
#ifndef LEDE_SEGMENT_H
#define LEDE_SEGMENT_H

#include <stddef.h>

#include "abbrev.h"

/* What a quotation holding several sentences becomes: one sentence per
 * sentence inside it (SPLIT), or one sentence with the words around it
 * (KEEP: "\"Stop! Look!\" she cried." stays whole). */
enum seg_quotes { SEG_QUOTES_SPLIT = 0, SEG_QUOTES_KEEP = 1 };
/* What LEDE_QUOTES_DEFAULT means (docs/segmentation.md says why). */
#define SEG_QUOTES_DEFAULT SEG_QUOTES_SPLIT

/* How a paragraph is segmented.  All-zero (or a NULL pointer) means the
 * built-in English abbreviations, English rules and SEG_QUOTES_SPLIT. */
typedef struct seg_options {
  seg_abbrevs *abbrevs;       /* NULL: the built-in list; segment() only
                                 reads it (a document owns its copy) */
  int language;               /* a seg_language (seg_lang.h) */
  int quotes;                 /* a seg_quotes */
} seg_options;

/* Called once per sentence, in order: [start, end) are byte offsets into the
 * text given to segment(), trimmed of surrounding white space.  Return 0 to
 * go on, non-zero to stop segment() (which then returns that value). */
typedef int (*seg_emit_fn)(void *ud, size_t start, size_t end);

/* Splits text[0..len) -- one paragraph, valid UTF-8 -- into sentences in a
 * single linear pass.  Never modifies the text.  opt may be NULL (the
 * defaults).  Sentences are in order and disjoint; the bytes between two
 * of them are white space, or a separator line ("=====") that belongs to
 * no sentence.  Returns 0 or the non-zero value of emit that stopped it. */
int segment(const seg_options *opt, const char *text, size_t len,
            seg_emit_fn emit, void *ud);

#endif
