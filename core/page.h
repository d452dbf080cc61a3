/* page.h -- the frame of a standalone HTML page, shared by the plain-text
 * renderer (render.c) and the Markdown one (md_render.c). */
#ifndef LEDE_PAGE_H
#define LEDE_PAGE_H

#include <stddef.h>

#include "buf.h"

/* Appends the head of a page: UTF-8, a small readable stylesheet, and the
 * title HTML-escaped ("Document" when title is NULL or n is 0). */
void page_head(dbuf *out, const char *title, size_t n);
/* Appends the foot that closes what page_head() opened. */
void page_foot(dbuf *out);

#endif
