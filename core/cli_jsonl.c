/* cli_jsonl.c -- JSON Lines records: parsing with libcjson, output lines
 * written by a small escaper of our own (see jsonl_output_line).  See
 * cli_jsonl.h. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_jsonl.h"
#include "swar.h"

/* An output buffer that stops growing after its first failure, so the
 * callers check once at the end. */
typedef struct sbuf {
  char *p;
  size_t n, cap;
  int failed;
} sbuf;

static void sb_put(sbuf *b, const char *s, size_t n) {
  if (b->failed) return; /* once failed, stay failed: the caller checks once */
  if (n > b->cap - b->n) {
    size_t cap = b->cap ? b->cap : 256;
    while (cap - b->n < n) {
      /* Doubling keeps a 10 MB output at ~20 reallocs; the guard keeps
       * the doubling from wrapping around on absurd sizes. */
      if (cap > SIZE_MAX / 2) { b->failed = 1; return; }
      cap *= 2;
    }
    char *p = realloc(b->p, cap);
    if (!p) { b->failed = 1; return; }
    b->p = p;
    b->cap = cap;
  }
  memcpy(b->p + b->n, s, n);
  b->n += n;
}

static void sb_str(sbuf *b, const char *s) { sb_put(b, s, strlen(s)); }

/* 1 for the bytes a JSON string cannot hold as they are: controls, '"',
 * '\\', and 0xE2, the lead byte of U+2028/U+2029, which JSON allows raw
 * but JavaScript string literals do not (lede's --to json escapes them
 * too, so every JSON lede writes reads the same in both). */
static const unsigned char needs_escape[256] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    [0xE2] = 1,
};

/* The escaper is ours, not cJSON_Print's: that would copy the output into
 * a cJSON node first and then escape it a byte at a time with a call per
 * byte; here words of eight plain bytes are skipped (swar.h), and runs of
 * plain bytes are one memcpy each.  A word that may hold a byte to escape
 * is looked at byte by byte, once. */
static int word_may_escape(uint64_t w) {
  return (swar_below(w, 0x20) | swar_has(w, '"') | swar_has(w, '\\') | swar_has(w, 0xE2)) != 0;
}

static void sb_json_string(sbuf *b, const char *s, size_t n) {
  sb_put(b, "\"", 1);
  size_t run = 0, i = 0;
  while (i < n) {
    size_t end = n;
    if (n - i >= 8) {
      if (!word_may_escape(swar_load(s + i))) {
        i += 8;
        continue;
      }
      end = i + 8;
    }
    for (; i < end; i++) {
      unsigned char c = (unsigned char)s[i];
      if (!needs_escape[c]) continue;
      /* 0xE2 is only a candidate: most characters it starts (curly
       * quotes, dashes) stay raw. */
      if (c == 0xE2 && !(i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
                         ((unsigned char)s[i + 2] == 0xA8 || (unsigned char)s[i + 2] == 0xA9)))
        continue; /* any other character starting with 0xE2 */
      sb_put(b, s + run, i - run); /* the plain run before this byte */
      char esc[8];
      switch (c) {
      case '"': sb_put(b, "\\\"", 2); break;
      case '\\': sb_put(b, "\\\\", 2); break;
      case '\n': sb_put(b, "\\n", 2); break;
      case '\t': sb_put(b, "\\t", 2); break;
      case '\r': sb_put(b, "\\r", 2); break;
      case 0xE2:
        sb_put(b, (unsigned char)s[i + 2] == 0xA8 ? "\\u2028" : "\\u2029", 6);
        i += 2;
        break;
      default: /* other controls: JSON has no short escape for them */
        snprintf(esc, sizeof esc, "\\u%04x", c);
        sb_put(b, esc, 6);
      }
      run = i + 1;
    }
  }
  sb_put(b, s + run, n - run);
  sb_put(b, "\"", 1);
}

/* The id as the input had it, re-printed by libcjson (numbers exact up
 * to 2^53, as in any JSON reader that uses doubles; strings re-escaped). */
static void sb_id(sbuf *b, const cJSON *id) {
  sb_str(b, "{\"id\":");
  if (cJSON_IsNumber(id) && id->valuedouble == (double)id->valueint &&
      (id->valueint != 0 || !signbit(id->valuedouble))) {
    /* What cJSON prints ("%1.15g") for an int other than -0, without its
     * allocation and its printf-then-sscanf round trip: ids are mostly
     * counters. */
    char num[16];
    int n = snprintf(num, sizeof num, "%d", id->valueint);
    sb_put(b, num, (size_t)n);
    return;
  }
  char *p = id ? cJSON_PrintUnformatted(id) : NULL;
  if (p) sb_str(b, p);
  else if (id) b->failed = 1;
  else sb_str(b, "null");
  cJSON_free(p);
}

static char *sb_finish(sbuf *b, size_t *n) {
  sb_put(b, "}\n", 2);
  if (b->failed) {
    free(b->p);
    return NULL;
  }
  *n = b->n;
  return b->p;
}

char *jsonl_output_line(const cJSON *id, const char *out, size_t outlen, size_t *n) {
  sbuf b = {0};
  /* Sized once for the usual case (a few escapes), not doubled up to it. */
  if (outlen < SIZE_MAX / 2 && (b.p = malloc(outlen + outlen / 16 + 64))) b.cap = outlen + outlen / 16 + 64;
  sb_id(&b, id);
  sb_str(&b, ",\"output\":");
  sb_json_string(&b, out, outlen);
  return sb_finish(&b, n);
}

char *jsonl_error_line(const cJSON *id, const char *msg, const char *status, size_t *n) {
  /* A record's error is one message; the traceback is for a person at a
   * terminal, and would repeat itself in every failed record. */
  const char *tb = strstr(msg, "\nstack traceback:");
  sbuf b = {0};
  sb_id(&b, id);
  sb_str(&b, ",\"error\":");
  sb_json_string(&b, msg, tb ? (size_t)(tb - msg) : strlen(msg));
  sb_str(&b, ",\"status\":\"");
  sb_str(&b, status);
  sb_put(&b, "\"", 1);
  return sb_finish(&b, n);
}

size_t jsonl_utf8_prefix(const char *str, size_t n) {
  const unsigned char *s = (const unsigned char *)str;
  size_t i = 0;
  while (i < n) {
    /* ASCII, eight bytes at a time: the common case by far.  A word with
     * a non-ASCII byte: its ASCII bytes before that one are passed here,
     * not by loading the word again at each of them. */
    if (n - i >= 8) {
      if (!(swar_load(str + i) & SWAR_HIGH)) { i += 8; continue; }
      while (s[i] < 0x80) i++;
    }
    unsigned c = s[i];
    size_t k;
    unsigned min;
    if (c < 0x80) { i++; continue; }
    else if (c >= 0xC2 && c <= 0xDF) { k = 1; min = 0x80; }
    else if (c >= 0xE0 && c <= 0xEF) { k = 2; min = 0x800; }
    else if (c >= 0xF0 && c <= 0xF4) { k = 3; min = 0x10000; }
    else return i;
    if (n - i <= k) return i;
    unsigned cp = c & (0x3Fu >> k);
    for (size_t j = 1; j <= k; j++) {
      if ((s[i + j] & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (s[i + j] & 0x3Fu);
    }
    /* Overlong forms, surrogates and code points past U+10FFFF. */
    if (cp < min || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) return i;
    i += k + 1;
  }
  return n;
}

static char *msgf(size_t lineno, const char *what, const char *detail) {
  size_t n = strlen(what) + strlen(detail) + 32;
  char *m = malloc(n);
  if (m) snprintf(m, n, "line %zu: %s%s", lineno, what, detail);
  return m;
}

/* A \u0000 escape outside of a longer escape: walking escapes two bytes
 * at a time keeps "\\u0000" (a backslash, then "u0000") from matching. */
static int fix_nul_escapes(char *line, size_t len, int replace) {
  int found = 0;
  for (size_t i = 0; i < len; i++) {
    const char *bs = memchr(line + i, '\\', len - i); /* escapes start with one */
    if (!bs) break;
    i = (size_t)(bs - line);
    if (i + 5 < len && line[i + 1] == 'u' && memcmp(line + i + 2, "0000", 4) == 0) {
      found = 1;
      if (replace) memcpy(line + i + 2, "FFFD", 4); /* same length: in place */
    }
    i++;
  }
  return found;
}

/* The string a script sees in args for a JSON value; NULL for false and
 * null, which mean "not set" (a script tests options with `if args.x`). */
static const char *arg_value(jsonl_record *r, const cJSON *v, int *oom) {
  if (cJSON_IsString(v)) return v->valuestring;
  if (cJSON_IsTrue(v)) return "true";
  if (cJSON_IsFalse(v) || cJSON_IsNull(v)) return NULL;
  char *p;
  if (cJSON_IsNumber(v)) {
    p = cJSON_malloc(32); /* freed with the printed texts: cJSON_free */
    if (p) {
      double x = v->valuedouble;
      /* Integers as integers ("3", not "3.0e+00"), like Lua's tostring. */
      if (x == floor(x) && fabs(x) < 9007199254740992.0) snprintf(p, 32, "%.0f", x);
      else snprintf(p, 32, "%.17g", x);
    }
  } else { /* arrays and objects: their JSON text, for the script to parse */
    p = cJSON_PrintUnformatted(v);
  }
  if (!p) { *oom = 1; return NULL; }
  r->printed[r->nprinted++] = p;
  return p;
}

int jsonl_parse(char *line, size_t len, size_t lineno, int replace_invalid,
                const lede_run_options *base, pthread_mutex_t *lock,
                jsonl_record *r, char **err) {
  memset(r, 0, sizeof *r);
  *err = NULL;
  /* libcjson copies a string's bytes as they come: a raw NUL would cut
   * the string short, and bad UTF-8 (checked below) would be echoed. */
  if (memchr(line, '\0', len)) {
    *err = msgf(lineno, "a NUL byte (not valid in JSON text)", "");
    return -1;
  }
  int had_nul = fix_nul_escapes(line, len, replace_invalid);
  const char *end = NULL;
  /* Only the parse is serialized; loading and running the record, the
   * real work, happen outside the lock. */
  pthread_mutex_lock(lock);
  r->root = cJSON_ParseWithLengthOpts(line, len, &end, 0);
  pthread_mutex_unlock(lock);
  if (!r->root) {
    char at[96];
    snprintf(at, sizeof at, " (at byte %zu)", end && end >= line ? (size_t)(end - line) + 1 : 1);
    *err = msgf(lineno, "malformed JSON", at);
    return -1;
  }
  /* Trailing data after the value ("{...} x") is as malformed as a
   * missing brace; whitespace is fine. */
  for (const char *p = end; p < line + len; p++)
    if (*p != ' ' && *p != '\t' && *p != '\r') {
      char at[96];
      snprintf(at, sizeof at, " (at byte %zu)", (size_t)(p - line) + 1);
      *err = msgf(lineno, "malformed JSON: text after the record", at);
      return -1;
    }
  /* Arrays and bare strings parse fine but have no "text" to run on. */
  if (!cJSON_IsObject(r->root)) {
    *err = msgf(lineno, "a record must be a JSON object", "");
    return -1;
  }
  r->id = cJSON_GetObjectItemCaseSensitive(r->root, "id");
  /* Checked after parsing, so that the error record carries the id. */
  size_t good = replace_invalid ? len : jsonl_utf8_prefix(line, len);
  if (good < len) {
    char at[96];
    snprintf(at, sizeof at, " at byte %zu (--replace-invalid makes it U+FFFD)", good + 1);
    *err = msgf(lineno, "invalid UTF-8", at);
    return -1;
  }
  if (had_nul && !replace_invalid) {
    *err = msgf(lineno, "a string holds \\u0000 (NUL), which a document cannot hold",
                " (--replace-invalid makes it U+FFFD)");
    return -1;
  }
  const cJSON *text = cJSON_GetObjectItemCaseSensitive(r->root, "text");
  if (!cJSON_IsString(text)) {
    *err = msgf(lineno, text ? "\"text\" must be a string" : "the record has no \"text\"", "");
    return -1;
  }
  r->text = text->valuestring;
  /* strlen is exact: a \u0000 was refused or replaced above. */
  r->len = strlen(text->valuestring);
  const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(r->root, "format");
  if (fmt && !cJSON_IsNull(fmt)) {
    /* lede.h's one table of format names, as --from; two of them load. */
    if (!cJSON_IsString(fmt) || lede_format_parse(fmt->valuestring, &r->format) != LEDE_OK ||
        (r->format != LEDE_FORMAT_TEXT && r->format != LEDE_FORMAT_MARKDOWN)) {
      r->format = LEDE_FORMAT_AUTO;
      *err = msgf(lineno, "\"format\" must be \"text\" or \"markdown\"", "");
      return -1;
    }
  }
  /* At most one arg per field, so one allocation sized up front. */
  size_t nfields = (size_t)cJSON_GetArraySize(r->root);
  r->args = malloc((base->nargs + nfields + 1) * sizeof *r->args);
  r->printed = malloc((nfields + 1) * sizeof *r->printed);
  if (!r->args || !r->printed) {
    *err = msgf(lineno, "out of memory", "");
    return -1;
  }
  /* The command line's arguments first: lede_run_* lets a later key win,
   * so a record's own field overrides a -D default. */
  memcpy(r->args, base->args, base->nargs * sizeof *r->args);
  r->nargs = base->nargs;
  for (const cJSON *f = r->root->child; f; f = f->next) {
    if (!f->string || strcmp(f->string, "id") == 0 || strcmp(f->string, "text") == 0 ||
        strcmp(f->string, "format") == 0)
      continue;
    int oom = 0;
    const char *v = arg_value(r, f, &oom);
    if (oom) {
      *err = msgf(lineno, "out of memory", "");
      return -1;
    }
    if (!v) continue;
    r->args[r->nargs].key = f->string;
    r->args[r->nargs].value = v;
    r->nargs++;
  }
  return 0;
}

void jsonl_free(jsonl_record *r) {
  for (size_t i = 0; i < r->nprinted; i++) cJSON_free(r->printed[i]);
  free(r->printed);
  free(r->args);
  cJSON_Delete(r->root);
  memset(r, 0, sizeof *r);
}
