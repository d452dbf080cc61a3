/* json_read.h -- a minimal, header-only JSON reader for tests and benches.
 *
 * Parses RFC 8259 JSON into a tree of json_value: strings are decoded to
 * NUL-terminated UTF-8 (\uXXXX escapes and surrogate pairs included),
 * numbers to double.  Nesting is capped at JSON_MAX_DEPTH so a hostile file
 * cannot overflow the stack.  Everything is static inline: include it from
 * as many test files as you like.
 *
 *   size_t n; char *src = json_read_file(path, &n);      // OWNED: free()
 *   char err[128]; json_value *v = json_parse(src, n, err, sizeof err);
 *   const json_value *t = json_get(&v->items[0], "text"); // BORROWED from v
 *   json_free(v);                                         // NULL-safe
 */
#ifndef LEDE_TESTS_JSON_READ_H
#define LEDE_TESTS_JSON_READ_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JSON_MAX_DEPTH 64

typedef enum { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT } json_type;

typedef struct json_value json_value;
struct json_value {
  json_type type;
  int boolean;
  double number;
  char *str;            /* JSON_STRING: decoded, NUL-terminated */
  size_t len;           /* its length in bytes (it may hold \u0000) */
  json_value *items;    /* JSON_ARRAY elements, JSON_OBJECT values */
  char **keys;          /* JSON_OBJECT keys, parallel to items */
  size_t count;
};

typedef struct {
  const char *p, *end, *start;
  char *err;
  size_t errlen;
} json_parser_;

static inline int json_fail_(json_parser_ *ps, const char *msg) {
  if (ps->err && ps->errlen && !ps->err[0])
    snprintf(ps->err, ps->errlen, "offset %zu: %s", (size_t)(ps->p - ps->start), msg);
  return -1;
}

static inline void json_ws_(json_parser_ *ps) {
  while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
    ps->p++;
}

static inline void json_clear_(json_value *v) {
  if (!v) return;
  free(v->str);
  for (size_t i = 0; i < v->count; i++) {
    json_clear_(&v->items[i]);
    if (v->keys) free(v->keys[i]);
  }
  free(v->items);
  free(v->keys);
  memset(v, 0, sizeof *v);
}

/* Releases a tree from json_parse(); NULL-safe. */
static inline void json_free(json_value *v) {
  json_clear_(v);
  free(v);
}

static inline int json_hex4_(json_parser_ *ps, unsigned *out) {
  if (ps->end - ps->p < 4) return json_fail_(ps, "short \\u escape");
  unsigned v = 0;
  for (int i = 0; i < 4; i++) {
    char c = *ps->p++;
    v <<= 4;
    if (c >= '0' && c <= '9') v |= (unsigned)(c - '0');
    else if (c >= 'a' && c <= 'f') v |= (unsigned)(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F') v |= (unsigned)(c - 'A' + 10);
    else return json_fail_(ps, "bad hex digit in \\u escape");
  }
  *out = v;
  return 0;
}

static inline size_t json_utf8_(unsigned cp, char *o) {
  if (cp < 0x80) { o[0] = (char)cp; return 1; }
  if (cp < 0x800) {
    o[0] = (char)(0xC0 | (cp >> 6));
    o[1] = (char)(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    o[0] = (char)(0xE0 | (cp >> 12));
    o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
  }
  o[0] = (char)(0xF0 | (cp >> 18));
  o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
  o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
  o[3] = (char)(0x80 | (cp & 0x3F));
  return 4;
}

/* Parses the string at ps->p (on its opening quote) into a malloc'd buffer:
 * the decoded text is never longer than its source. */
static inline int json_string_(json_parser_ *ps, char **out, size_t *outlen) {
  ps->p++;
  const char *q = ps->p;
  while (q < ps->end && *q != '"') q += *q == '\\' && q + 1 < ps->end ? 2 : 1;
  if (q >= ps->end) return json_fail_(ps, "unterminated string");
  char *buf = malloc((size_t)(q - ps->p) + 1);
  if (!buf) return json_fail_(ps, "out of memory");
  size_t n = 0;
  while (ps->p < q) {
    unsigned char c = (unsigned char)*ps->p++;
    if (c < 0x20) { free(buf); return json_fail_(ps, "control character in string"); }
    if (c != '\\') { buf[n++] = (char)c; continue; }
    char e = *ps->p++;
    switch (e) {
    case '"': buf[n++] = '"'; break;
    case '\\': buf[n++] = '\\'; break;
    case '/': buf[n++] = '/'; break;
    case 'b': buf[n++] = '\b'; break;
    case 'f': buf[n++] = '\f'; break;
    case 'n': buf[n++] = '\n'; break;
    case 'r': buf[n++] = '\r'; break;
    case 't': buf[n++] = '\t'; break;
    case 'u': {
      unsigned cp, lo;
      if (json_hex4_(ps, &cp)) { free(buf); return -1; }
      if (cp >= 0xD800 && cp < 0xDC00 && ps->end - ps->p >= 6 && ps->p[0] == '\\' &&
          ps->p[1] == 'u') {
        ps->p += 2;
        if (json_hex4_(ps, &lo)) { free(buf); return -1; }
        if (lo < 0xDC00 || lo > 0xDFFF) { free(buf); return json_fail_(ps, "bad surrogate pair"); }
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
      } else if (cp >= 0xD800 && cp < 0xE000) {
        cp = 0xFFFD;  /* a lone surrogate has no UTF-8 form */
      }
      if (ps->p > q) { free(buf); return json_fail_(ps, "\\u escape runs past the string"); }
      n += json_utf8_(cp, buf + n);
      break;
    }
    default:
      free(buf);
      return json_fail_(ps, "bad escape");
    }
  }
  ps->p++;
  buf[n] = '\0';
  *out = buf;
  *outlen = n;
  return 0;
}

static inline int json_value_(json_parser_ *ps, json_value *v, int depth);

/* Appends one element (and its key, for objects) to v. */
static inline json_value *json_push_(json_parser_ *ps, json_value *v, size_t *cap) {
  if (v->count == *cap) {
    size_t ncap = *cap ? *cap * 2 : 8;
    json_value *ni = realloc(v->items, ncap * sizeof *ni);
    if (!ni) { json_fail_(ps, "out of memory"); return NULL; }
    v->items = ni;
    if (v->type == JSON_OBJECT) {
      char **nk = realloc(v->keys, ncap * sizeof *nk);
      if (!nk) { json_fail_(ps, "out of memory"); return NULL; }
      v->keys = nk;
    }
    *cap = ncap;
  }
  json_value *it = &v->items[v->count];
  memset(it, 0, sizeof *it);
  if (v->keys) v->keys[v->count] = NULL;
  v->count++;
  return it;
}

static inline int json_container_(json_parser_ *ps, json_value *v, int depth) {
  int obj = *ps->p == '{';
  char close = obj ? '}' : ']';
  v->type = obj ? JSON_OBJECT : JSON_ARRAY;
  ps->p++;
  size_t cap = 0;
  json_ws_(ps);
  if (ps->p < ps->end && *ps->p == close) { ps->p++; return 0; }
  for (;;) {
    json_ws_(ps);
    char *key = NULL;
    size_t klen;
    if (obj) {
      if (ps->p >= ps->end || *ps->p != '"') return json_fail_(ps, "expected a key");
      if (json_string_(ps, &key, &klen)) return -1;
      json_ws_(ps);
      if (ps->p >= ps->end || *ps->p != ':') { free(key); return json_fail_(ps, "expected ':'"); }
      ps->p++;
    }
    json_value *it = json_push_(ps, v, &cap);
    if (!it) { free(key); return -1; }
    if (obj) v->keys[v->count - 1] = key;
    if (json_value_(ps, it, depth + 1)) return -1;
    json_ws_(ps);
    if (ps->p < ps->end && *ps->p == ',') { ps->p++; continue; }
    if (ps->p < ps->end && *ps->p == close) { ps->p++; return 0; }
    return json_fail_(ps, obj ? "expected ',' or '}'" : "expected ',' or ']'");
  }
}

static inline int json_value_(json_parser_ *ps, json_value *v, int depth) {
  if (depth > JSON_MAX_DEPTH) return json_fail_(ps, "nesting too deep");
  json_ws_(ps);
  if (ps->p >= ps->end) return json_fail_(ps, "unexpected end");
  size_t left = (size_t)(ps->end - ps->p);
  switch (*ps->p) {
  case '{': case '[':
    return json_container_(ps, v, depth);
  case '"':
    v->type = JSON_STRING;
    return json_string_(ps, &v->str, &v->len);
  case 't':
    if (left < 4 || memcmp(ps->p, "true", 4)) break;
    v->type = JSON_BOOL; v->boolean = 1; ps->p += 4;
    return 0;
  case 'f':
    if (left < 5 || memcmp(ps->p, "false", 5)) break;
    v->type = JSON_BOOL; ps->p += 5;
    return 0;
  case 'n':
    if (left < 4 || memcmp(ps->p, "null", 4)) break;
    v->type = JSON_NULL; ps->p += 4;
    return 0;
  default: {
    /* strtod needs a NUL-terminated copy: the source need not have one. */
    char num[64];
    size_t k = 0;
    while (k < left && k < sizeof num - 1 && strchr("+-0123456789.eE", ps->p[k])) {
      num[k] = ps->p[k];
      k++;
    }
    num[k] = '\0';
    char *e;
    v->number = strtod(num, &e);
    if (k == 0 || e != num + k) break;
    v->type = JSON_NUMBER;
    ps->p += k;
    return 0;
  }
  }
  return json_fail_(ps, "unexpected character");
}

/* Parses text[0..len).  Returns an OWNED tree (json_free) or NULL, with a
 * message naming the byte offset in err (when err is not NULL). */
static inline json_value *json_parse(const char *text, size_t len, char *err, size_t errlen) {
  json_parser_ ps = {text, text + len, text, err, errlen};
  if (err && errlen) err[0] = '\0';
  json_value *v = calloc(1, sizeof *v);
  if (!v) return NULL;
  if (json_value_(&ps, v, 0) == 0) {
    json_ws_(&ps);
    if (ps.p == ps.end) return v;
    json_fail_(&ps, "trailing characters");
  }
  json_free(v);
  return NULL;
}

/* The value of key in object o (BORROWED from o), or NULL. */
static inline const json_value *json_get(const json_value *o, const char *key) {
  if (!o || o->type != JSON_OBJECT) return NULL;
  for (size_t i = 0; i < o->count; i++)
    if (strcmp(o->keys[i], key) == 0) return &o->items[i];
  return NULL;
}

/* Reads a whole file; OWNED NUL-terminated buffer (free()), or NULL. */
static inline char *json_read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 1 << 16, n = 0, r;
  char *buf = malloc(cap + 1);
  while (buf && (r = fread(buf + n, 1, cap - n, f)) > 0) {
    n += r;
    if (n == cap) {
      char *nb = realloc(buf, cap * 2 + 1);
      if (!nb) { free(buf); buf = NULL; break; }
      buf = nb;
      cap *= 2;
    }
  }
  fclose(f);
  if (!buf) return NULL;
  buf[n] = '\0';
  if (len) *len = n;
  return buf;
}

#endif
