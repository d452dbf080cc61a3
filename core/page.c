/* page.c -- the frame of a standalone HTML page (`--standalone`): one head
 * and stylesheet for every format's page, so a text and a Markdown
 * document look alike.  A leaf: it calls only buf.c. */
#include "page.h"

static const char page_style[] =
    "body{max-width:42em;margin:2em auto;padding:0 1em;font:1.05em/1.6 Georgia,serif;"
    "color:#222;background:#fff}\n"
    "h1,h2,h3,h4,h5,h6{font-family:system-ui,sans-serif;line-height:1.25}\n"
    "pre,code{font:0.9em ui-monospace,Menlo,Consolas,monospace;background:#f4f4f4}\n"
    "pre{padding:.75em;overflow-x:auto}\n"
    "blockquote{margin:1em 0;padding-left:1em;border-left:3px solid #ccc;color:#555}\n"
    "img{max-width:100%}\n"
    "a{color:#0645ad}\n";

void page_head(dbuf *out, const char *title, size_t n) {
  dbuf_puts(out, "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n"
                 "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                 "<title>");
  if (title && n) dbuf_put_html(out, title, n);
  else dbuf_puts(out, "Document");
  dbuf_puts(out, "</title>\n<style>\n");
  dbuf_puts(out, page_style);
  dbuf_puts(out, "</style>\n</head>\n<body>\n");
}

void page_foot(dbuf *out) { dbuf_puts(out, "</body>\n</html>\n"); }
