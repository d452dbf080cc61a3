/* segment.h -- sentence segmentation of one paragraph (segment.c).
 * Internal to liblede; no Lua, no I/O, no global mutable state. */
#ifndef LEDE_SEGMENT_H
#define LEDE_SEGMENT_H

#include <stddef.h>

#include "abbrev.h"

/* Called once per sentence, in order: [start, end) are byte offsets into the
 * text given to segment(), trimmed of surrounding white space.  Return 0 to
 * go on, non-zero to stop segment() (which then returns that value). */
typedef int (*seg_emit_fn)(void *ud, size_t start, size_t end);

/* Splits text[0..len) -- one paragraph, valid UTF-8 -- into sentences in a
 * single linear pass.  Never modifies the text.  abbrevs may be NULL (the
 * built-in list).  Returns 0 or the non-zero value of emit that stopped it. */
int segment(const seg_abbrevs *abbrevs, const char *text, size_t len,
            seg_emit_fn emit, void *ud);

#endif
