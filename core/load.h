/* load.h -- the one path from bytes to a parsed document, shared by the C
 * API (lede.c) and lede.load in Lua (lua_lede.c).  Internal. */
#ifndef LEDE_LOAD_H
#define LEDE_LOAD_H

#include <stddef.h>

#include "budget.h"
#include "lede.h"
#include "abbrev.h"

typedef struct load_request {
  const char *src;   /* the bytes, len of them */
  size_t len;
  /* src itself when the document may take it over (malloc'd, len + 1
   * bytes); doc_load then owns it whatever happens.  NULL: src is
   * copied. */
  char *take;
  const lede_load_options *opt; /* NULL: defaults; validated here */
  const seg_abbrevs *abbrevs;   /* segmentation options, copied into the
                                   document (NULL: the built-in list) */
  size_t max_input;             /* 0: no limit */
  run_budget *budget;           /* a script's load: work is charged, and
                                   the document stays charged to it */
} load_request;

/* LEDE_EINVAL (why says which field) unless every field of o is valid. */
int load_check_options(const lede_load_options *o, char *why, size_t n);
/* Checks the options and the UTF-8 (repairing it when asked), makes the
 * document and parses it.  Returns 0 with *out OWNED (doc_free), or a
 * status with *out NULL and why[0..whylen) saying what was wrong for
 * LEDE_EINVAL, LEDE_EUTF8 ("line:column: invalid UTF-8 at byte offset N
 * (0xXX)") and LEDE_ELIMIT (which limit).  Never raises. */
int doc_load(const load_request *r, lede_doc **out, char *why, size_t whylen);

#endif
