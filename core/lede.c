/* lede.c -- the public API: versions, errors, engines and documents.
 * Script runs live in run.c, prepared scripts in script.c, reading
 * documents from C in reader.c, host calls in host.c.
 *
 * Every entry point follows one shape: reject a NULL engine with
 * LEDE_EINVAL (there is nowhere to write a message), clear the engine's
 * last error, then check each other argument with a message naming it,
 * and only then do the work.  OUT pointers are reset first, so a host's
 * single clean-up path is right after any failure. */
#include <errno.h>
#include <lua.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "doc.h"
#include "engine.h"
#include "load.h"
#include "userdir.h"

int lede_version(void) { return LEDE_VERSION_NUM; }

const char *lede_version_string(void) { return LEDE_VERSION_STRING; }

int lede_abi_version(void) { return LEDE_ABI_VERSION; }

/* From the same X-macro table as the enum, so a new code cannot be
 * added without its text. */
const char *lede_strerror(int st) {
  switch (st) {
#define LEDE_STATUS_TEXT(name, code, text) case code: return text;
    LEDE_STATUS_TABLE(LEDE_STATUS_TEXT)
#undef LEDE_STATUS_TEXT
  default:
    return "unknown error";
  }
}

/* Outputs are malloc'd here; a host linked against another C runtime
 * must free them with the library's free, hence this wrapper. */
void lede_free(void *p) { free(p); }

/* ---- format names ------------------------------------------------------- */

/* The one table of format names; the first name of each format is its
 * canonical one.  The CLI, lede.load and doc:render all parse through it,
 * so a spelling accepted in one place is accepted everywhere. */
static const struct {
  const char *name;
  lede_format fmt;
} format_names[] = {
    {"text", LEDE_FORMAT_TEXT}, {"txt", LEDE_FORMAT_TEXT},
    {"markdown", LEDE_FORMAT_MARKDOWN}, {"md", LEDE_FORMAT_MARKDOWN},
    {"html", LEDE_FORMAT_HTML}, {"json", LEDE_FORMAT_JSON},
};

lede_status lede_format_parse(const char *name, lede_format *out) {
  if (!name || !out) return LEDE_EINVAL;
  for (size_t i = 0; i < sizeof format_names / sizeof format_names[0]; i++)
    if (strcmp(name, format_names[i].name) == 0) {
      *out = format_names[i].fmt;
      return LEDE_OK;
    }
  return LEDE_EINVAL;
}

const char *lede_format_name(lede_format fmt) {
  if (fmt == LEDE_FORMAT_AUTO) return "auto";
  for (size_t i = 0; i < sizeof format_names / sizeof format_names[0]; i++)
    if (format_names[i].fmt == fmt) return format_names[i].name;
  return NULL;
}

void lede_options_init(lede_options *opt) {
  if (!opt) return;
  memset(opt, 0, sizeof *opt);
  opt->sandbox = 1;
  opt->max_memory = (size_t)256 << 20;
  /* About five seconds of pure Lua here: far more than walking every
   * sentence of a 100 MB file takes (~30 million), and a runaway loop in
   * an untrusted script still ends on its own. */
  opt->max_instructions = 1000000000UL;
  opt->max_input = (size_t)1 << 30;
}

/* ---- errors ------------------------------------------------------------- */

#define TRACEBACK "\nstack traceback:"

/* msg NULL means it could not be allocated: lede_errmsg() then reads
 * "out of memory" from a flag on the engine, not from a static buffer, so
 * engines on different threads never share a byte of error state. */
static void set_err(lede_engine *e, char *msg) {
  free(e->err);
  free(e->err_msg);
  e->err = msg;
  e->err_msg = NULL;
  e->err_oom = msg == NULL;
  /* A script error carries a traceback; lede_error_message() gives the
   * part before it (a failed copy just means the whole message). */
  const char *tb = msg ? strstr(msg, TRACEBACK) : NULL;
  if (tb) e->err_msg = strndup(msg, (size_t)(tb - msg));
}

lede_status engine_error(lede_engine *e, lede_status st, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  char *msg = n >= 0 ? malloc((size_t)n + 1) : NULL;
  if (msg) {
    va_start(ap, fmt);
    vsnprintf(msg, (size_t)n + 1, fmt, ap);
    va_end(ap);
  }
  set_err(e, msg);
  return st;
}

void engine_clear_error(lede_engine *e) {
  set_err(e, NULL);
  e->err_oom = 0;
}

const char *lede_errmsg(const lede_engine *e) {
  if (!e) return "";
  return e->err ? e->err : e->err_oom ? "out of memory" : "";
}

const char *lede_error_message(const lede_engine *e) {
  if (e && e->err_msg) return e->err_msg;
  const char *m = lede_errmsg(e);
  /* Only when the copy failed does a traceback remain: cut it here
   * rather than return it whole. */
  return e && e->err && strstr(m, TRACEBACK) ? "script error" : m;
}

const char *lede_error_traceback(const lede_engine *e) {
  const char *tb = e && e->err ? strstr(e->err, TRACEBACK) : NULL;
  return tb ? tb + 1 : ""; /* without the line break before it */
}

lede_limit lede_limit_hit(const lede_engine *e) {
  if (!e) return LEDE_LIMIT_NONE;
  switch (e->last_limit) {
  case LIMIT_MEMORY: return LEDE_LIMIT_MEMORY;
  case LIMIT_INSTRUCTIONS: return LEDE_LIMIT_INSTRUCTIONS;
  case LIMIT_TIME: return LEDE_LIMIT_TIME;
  default: return LEDE_LIMIT_NONE;
  }
}

_Static_assert(ATOMIC_INT_LOCK_FREE == 2,
               "lede_interrupt() needs a lock-free atomic int to be signal-safe");

/* Only an atomic store: async-signal-safe and callable from any thread,
 * as long as e itself is alive (the host's to ensure). */
void lede_interrupt(lede_engine *e) {
  if (e) atomic_store(&e->interrupt, 1);
}

/* ---- engines ------------------------------------------------------------ */

/* The options are copied, strings included, so the host may free its
 * struct at once; every field is checked before the engine is returned. */
lede_status lede_engine_new(const lede_options *opt, lede_engine **out) {
  if (!out) return LEDE_EINVAL;
  *out = NULL;
  lede_engine *e = calloc(1, sizeof *e);
  if (!e) return LEDE_ENOMEM;
  if (opt) e->opt = *opt;
  else lede_options_init(&e->opt);
  if (e->opt.script_path) {
    e->script_path = strdup(e->opt.script_path);
    if (!e->script_path) goto oom;
  }
  e->opt.script_path = e->script_path;
  /* Without extra abbreviations the set stays NULL (the built-in list):
   * documents then carry no copy of their own. */
  if (e->opt.abbreviations && *e->opt.abbreviations) {
    e->abbrevs = abbrevs_new();
    if (!e->abbrevs) goto oom;
    for (const char *const *a = e->opt.abbreviations; *a; a++)
      if (abbrevs_add(e->abbrevs, *a, strlen(*a))) {
        lede_engine_free(e);
        return LEDE_EINVAL;
      }
  }
  e->opt.abbreviations = NULL; /* the strings are the host's; we copied them */
  /* sandbox is a yes/no today; other values are refused rather than read
   * as "yes", so a later mode can be given a number of its own. */
  if (e->opt.sandbox != 0 && e->opt.sandbox != 1) {
    lede_engine_free(e);
    return LEDE_EINVAL;
  }
  /* NaN and infinities would reach (long) conversions in run.c, which
   * is undefined behaviour; beyond ~31 years a deadline means none. */
  if (e->opt.timeout > 1e9) e->opt.timeout = 0;
  if (!(e->opt.timeout >= 0)) {
    lede_engine_free(e);
    return LEDE_EINVAL;
  }
  *out = e;
  return LEDE_OK;
oom:
  lede_engine_free(e);
  return LEDE_ENOMEM;
}

/* Documents are not the engine's: they outlive it (lede.h). */
void lede_engine_free(lede_engine *e) {
  if (!e) return;
  if (e->pool) lua_close(e->pool);
  set_err(e, NULL);
  for (size_t i = 0; i < e->nhosts; i++) free(e->hosts[i].name);
  free(e->hosts);
  abbrevs_free(e->abbrevs);
  free(e->script_path);
  free(e);
}

void lede_set_output(lede_engine *e, lede_output_fn fn, void *ud) {
  if (!e) return;
  e->out_fn = fn;
  e->out_ud = ud;
}

/* ---- documents ---------------------------------------------------------- */

/* Loads src[0..len) through the one load path; take is src itself when
 * the document may own it (freed by doc_load on error). */
/* Messages start with the input's name (path, "<stdin>" or "<input>")
 * so a host loading many files can tell which one failed. */
static lede_status load_named(lede_engine *e, const char *name, const char *src,
                              size_t len, char *take, const lede_load_options *opt,
                              lede_doc **out) {
  load_request r = {.src = src, .len = len, .take = take, .opt = opt,
                    .abbrevs = e->abbrevs, .max_input = e->opt.max_input};
  char why[160];
  int st = doc_load(&r, out, why, sizeof why);
  if (st == LEDE_ENOMEM) return engine_error(e, LEDE_ENOMEM, "out of memory");
  if (st == LEDE_EUTF8) return engine_error(e, LEDE_EUTF8, "%s:%s", name, why);
  if (st) return engine_error(e, (lede_status)st, "%s: %s", name, why[0] ? why : lede_strerror(st));
  return LEDE_OK;
}

/* src NULL with len 0 is an empty document: a host's empty buffer may
 * well be a NULL pointer. */
lede_status lede_doc_load(lede_engine *e, const char *src, size_t len,
                          const lede_load_options *opt, lede_doc **out) {
  if (out) *out = NULL;
  if (!e) return LEDE_EINVAL;
  engine_clear_error(e);
  if (!out) return engine_error(e, LEDE_EINVAL, "lede_doc_load: out is NULL");
  if (!src && len) return engine_error(e, LEDE_EINVAL, "lede_doc_load: src is NULL but len is %zu", len);
  return load_named(e, "<input>", src ? src : "", len, NULL, opt, out);
}

/* The format of a file named on a command line or by a host that did not
 * say: its extension, as cmark-based tools decide it. */
static int has_suffix(const char *s, const char *suffix) {
  size_t n = strlen(s), m = strlen(suffix);
  return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Reads a whole stream into a malloc'd buffer with one spare byte for the
 * document's NUL; *len gets its size.  NULL with errno on failure.  A
 * regular file is read into a buffer of its exact size; a pipe grows by
 * doubling.  Reading stops past max bytes so an oversized input is refused
 * without being read whole. */
static char *read_stream(FILE *f, size_t max, size_t *len) {
  struct stat sb;
  size_t cap = 1 << 16, n = 0;
  if (fstat(fileno(f), &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size > 0)
    cap = (size_t)sb.st_size + 1;
  if (max && cap > max + 2) cap = max + 2;
  char *buf = malloc(cap);
  if (!buf) return NULL;
  for (;;) {
    if (n + 1 >= cap) {
      char *nb = cap > (size_t)-1 / 2 ? NULL : realloc(buf, cap * 2);
      if (!nb) {
        free(buf);
        errno = ENOMEM;
        return NULL;
      }
      buf = nb;
      cap *= 2;
    }
    size_t got = fread(buf + n, 1, cap - 1 - n, f);
    n += got;
    if (got == 0) break;
    if (max && n > max) break;
  }
  if (ferror(f)) {
    free(buf);
    return NULL;
  }
  *len = n;
  return buf;
}

/* strerror() may use a static buffer (POSIX does not require it to be
 * thread-safe); the XSI strerror_r writes into ours.  The struct returned
 * by value keeps the text alive for the caller's expression. */
typedef struct errbuf { char s[128]; } errbuf;
static errbuf errtext_r(int err) {
  errbuf b;
  if (strerror_r(err, b.s, sizeof b.s) != 0) snprintf(b.s, sizeof b.s, "error %d", err);
  return b;
}
#define errtext(err) (errtext_r(err).s)

lede_status lede_doc_load_file(lede_engine *e, const char *path,
                               const lede_load_options *opt, lede_doc **out) {
  if (out) *out = NULL;
  if (!e) return LEDE_EINVAL;
  engine_clear_error(e);
  if (!path) return engine_error(e, LEDE_EINVAL, "lede_doc_load_file: path is NULL");
  if (!out) return engine_error(e, LEDE_EINVAL, "lede_doc_load_file: out is NULL");
  /* Bad options are refused before the file is read: a 1 GB file need
   * not be read to learn that its format is 77. */
  char why[160];
  if (opt && load_check_options(opt, why, sizeof why))
    return engine_error(e, LEDE_EINVAL, "%s: %s", path, why);
  int is_stdin = strcmp(path, "-") == 0;
  FILE *f = is_stdin ? stdin : fopen(path, "rb");
  if (!f)
    return engine_error(e, LEDE_EIO, "%s: cannot open: %s", path, errtext(errno));
  size_t len = 0;
  char *src = read_stream(f, e->opt.max_input, &len);
  int err = errno; /* before fclose, which may change it */
  if (!is_stdin) fclose(f);
  if (!src)
    return engine_error(e, err == ENOMEM ? LEDE_ENOMEM : LEDE_EIO,
                        "%s: cannot read: %s", path, errtext(err));
  if (e->opt.max_input && len > e->opt.max_input) {
    /* read_stream stopped one byte past the limit: the size is unknown */
    free(src);
    return engine_error(e, LEDE_ELIMIT, "%s: document is larger than the limit of %zu bytes",
                        is_stdin ? "<stdin>" : path, e->opt.max_input);
  }
  lede_load_options o = {.format = LEDE_FORMAT_AUTO, .paragraphs = LEDE_PARAS_AUTO};
  if (opt) o = *opt;
  if (o.format == LEDE_FORMAT_AUTO && !is_stdin &&
      (has_suffix(path, ".md") || has_suffix(path, ".markdown")))
    o.format = LEDE_FORMAT_MARKDOWN;
  return load_named(e, is_stdin ? "<stdin>" : path, src, len, src, &o, out);
}

void lede_doc_free(lede_doc *d) { doc_free(d); }

lede_format lede_doc_format(const lede_doc *d) { return d ? d->format : LEDE_FORMAT_AUTO; }

/* Counting needs the sentences: found here, under the document's lock,
 * so counting from two threads at once is safe (reader.c). */
lede_status lede_doc_counts(lede_engine *e, lede_doc *d, size_t *paragraphs,
                            size_t *sentences) {
  if (!e) return LEDE_EINVAL;
  engine_clear_error(e);
  if (!d) return engine_error(e, LEDE_EINVAL, "lede_doc_counts: document is NULL");
  int st = doc_lock_segment(d);
  if (st) return engine_error(e, (lede_status)st, "%s", lede_strerror(st));
  if (paragraphs) *paragraphs = d->npara;
  if (sentences) *sentences = d->nsent;
  return LEDE_OK;
}

lede_status lede_doc_render(lede_engine *e, lede_doc *d, lede_format fmt,
                            unsigned flags, char **out, size_t *outlen) {
  if (out) *out = NULL;
  if (!e) return LEDE_EINVAL;
  engine_clear_error(e);
  if (!d) return engine_error(e, LEDE_EINVAL, "lede_doc_render: document is NULL");
  if (!out) return engine_error(e, LEDE_EINVAL, "lede_doc_render: out is NULL");
  if (fmt != LEDE_FORMAT_AUTO && !lede_format_name(fmt))
    return engine_error(e, LEDE_EINVAL, "lede_doc_render: format %d is not a lede_format",
                        (int)fmt);
  if (flags & ~(LEDE_RENDER_UNSAFE | LEDE_RENDER_STANDALONE))
    return engine_error(e, LEDE_EINVAL, "lede_doc_render: unknown flags 0x%x",
                        flags & ~(LEDE_RENDER_UNSAFE | LEDE_RENDER_STANDALONE));
  /* Rendering only reads, except that JSON needs the sentences found and
   * a Markdown render works in the document's cmark tree: the first is
   * done once under the lock, the second takes turns (see lede.h). */
  int st = fmt == LEDE_FORMAT_JSON ? doc_lock_segment(d) : 0;
  dbuf b;
  dbuf_init(&b, NULL);
  int shared = d->format == LEDE_FORMAT_MARKDOWN && fmt != LEDE_FORMAT_JSON;
  if (!st) {
    if (shared) pthread_mutex_lock(&d->lock);
    st = doc_render(d, fmt, flags, &b);
    if (shared) pthread_mutex_unlock(&d->lock);
  }
  if (!st) st = b.failed;
  if (st) {
    dbuf_free(&b);
    if (st == LEDE_EINVAL)
      return engine_error(e, LEDE_EINVAL, "lede_doc_render: a %s document cannot be rendered as %s",
                          lede_format_name(d->format), lede_format_name(fmt));
    return engine_error(e, (lede_status)st, "render: %s", lede_strerror(st));
  }
  size_t n;
  *out = dbuf_take(&b, &n);
  if (!*out) return engine_error(e, LEDE_ENOMEM, "out of memory");
  if (outlen) *outlen = n;
  return LEDE_OK;
}

/* ---- script search ------------------------------------------------------ */

/* dir/sub/name.lua when it is readable (OWNED), else NULL. */
static char *try_path(const char *dir, size_t dirlen, const char *sub,
                      const char *name) {
  size_t n = dirlen + strlen(sub) + strlen(name) + 6;
  char *p = malloc(n);
  if (!p) return NULL;
  snprintf(p, n, "%.*s/%s%s.lua", (int)dirlen, dir, sub, name);
  if (access(p, R_OK) == 0) return p;
  free(p);
  return NULL;
}

/* Tries every directory of a ':'-separated list. */
static char *try_list(const char *list, const char *name, int is_module) {
  for (const char *p = list; p && *p;) {
    const char *colon = strchr(p, ':');
    size_t n = colon ? (size_t)(colon - p) : strlen(p);
    if (n) {
      char *f = try_path(p, n, "", name);
      if (!f && is_module) f = try_path(p, n, "lib/", name);
      if (f) return f;
    }
    p = colon ? colon + 1 : NULL;
  }
  return NULL;
}

char *engine_find_file(const lede_engine *e, const char *name, int is_module) {
  /* Names are plain identifiers (dots for submodules): nothing may climb
   * out of the search directories. */
  if (!*name || strstr(name, "..") || strchr(name, '/') || name[0] == '.')
    return NULL;
  char mod[256];
  size_t n = strlen(name);
  if (n >= sizeof mod) return NULL;
  for (size_t i = 0; i <= n; i++) mod[i] = name[i] == '.' ? '/' : name[i];
  char *f = NULL;
#ifdef LEDE_SCRIPT_DIR
  if (!f) f = try_list(LEDE_SCRIPT_DIR, mod, is_module);
#endif
#ifdef LEDE_INSTALL_SCRIPT_DIR
  if (!f) f = try_list(LEDE_INSTALL_SCRIPT_DIR, mod, is_module);
#endif
  if (!f) f = try_list(e->script_path, mod, is_module);
  char user[4096]; /* `lede new --user` writes here */
  if (!f && user_script_dir(user, sizeof user) == 0) f = try_list(user, mod, is_module);
  if (!f) f = try_list(getenv("LEDE_PATH"), mod, is_module);
  return f;
}

/* A name that could climb out of the search directories ("../x", "a/b")
 * is simply not found: engine_find_file() refuses it. */
lede_status lede_find_script(lede_engine *e, const char *name, char **path) {
  if (path) *path = NULL;
  if (!e) return LEDE_EINVAL;
  engine_clear_error(e);
  if (!name) return engine_error(e, LEDE_EINVAL, "lede_find_script: name is NULL");
  if (!path) return engine_error(e, LEDE_EINVAL, "lede_find_script: path is NULL");
  *path = engine_find_file(e, name, 0);
  if (!*path)
    return engine_error(e, LEDE_ENOTFOUND, "no script named '%s' (see `lede scripts`)", name);
  return LEDE_OK;
}

/* The same order engine_find_file() searches, so `lede scripts` lists
 * exactly where a name would be found. */
lede_status lede_script_dirs(lede_engine *e, char **path) {
  if (!e) return LEDE_EINVAL;
  engine_clear_error(e);
  if (!path) return engine_error(e, LEDE_EINVAL, "lede_script_dirs: path is NULL");
  char user[4096];
  const char *parts[5] = {NULL, NULL, e->script_path, NULL, getenv("LEDE_PATH")};
  if (user_script_dir(user, sizeof user) == 0) parts[3] = user;
#ifdef LEDE_SCRIPT_DIR
  parts[0] = LEDE_SCRIPT_DIR;
#endif
#ifdef LEDE_INSTALL_SCRIPT_DIR
  parts[1] = LEDE_INSTALL_SCRIPT_DIR;
#endif
  size_t n = 1;
  for (int i = 0; i < 5; i++) if (parts[i]) n += strlen(parts[i]) + 1;
  char *p = malloc(n);
  if (!p) return engine_error(e, LEDE_ENOMEM, "out of memory");
  p[0] = '\0';
  for (int i = 0; i < 5; i++) {
    if (!parts[i] || !*parts[i]) continue;
    if (p[0]) strcat(p, ":");
    strcat(p, parts[i]);
  }
  *path = p;
  return LEDE_OK;
}

/* ---- host functions ----------------------------------------------------- */

/* Host functions become fields of lede.host: a name must be usable as
 * lede.host.NAME, i.e. a Lua identifier (ASCII, not starting with a
 * digit; keywords are harmless as fields). */
static int is_identifier(const char *s) {
  if (!*s || (*s >= '0' && *s <= '9')) return 0;
  for (; *s; s++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
          (*s >= '0' && *s <= '9') || *s == '_'))
      return 0;
  return 1;
}

/* One table for both kinds of host function: a name maps to one of them. */
static lede_status register_fn(lede_engine *e, const char *fname, const char *name,
                               lede_host_fn fn, lede_typed_fn typed, void *ud) {
  if (!e) return LEDE_EINVAL;
  engine_clear_error(e);
  if (!name) return engine_error(e, LEDE_EINVAL, "%s: name is NULL", fname);
  if (!is_identifier(name))
    return engine_error(e, LEDE_EINVAL, "host function name '%s' is not a Lua identifier", name);
  int removing = !fn && !typed;
  for (size_t i = 0; i < e->nhosts; i++)
    if (strcmp(e->hosts[i].name, name) == 0) {
      if (removing) { /* unregister: keep the table dense */
        free(e->hosts[i].name);
        e->hosts[i] = e->hosts[--e->nhosts];
        return LEDE_OK;
      }
      e->hosts[i].fn = fn;
      e->hosts[i].typed = typed;
      e->hosts[i].ud = ud;
      return LEDE_OK;
    }
  if (removing) return LEDE_OK; /* removing a name that is not there */
  host_fn *h = realloc(e->hosts, (e->nhosts + 1) * sizeof *h);
  if (!h) return engine_error(e, LEDE_ENOMEM, "out of memory");
  e->hosts = h;
  char *copy = strdup(name);
  if (!copy) return engine_error(e, LEDE_ENOMEM, "out of memory");
  h[e->nhosts++] = (host_fn){copy, fn, typed, ud};
  return LEDE_OK;
}

lede_status lede_register(lede_engine *e, const char *name, lede_host_fn fn, void *ud) {
  return register_fn(e, "lede_register", name, fn, NULL, ud);
}

lede_status lede_register_typed(lede_engine *e, const char *name, lede_typed_fn fn, void *ud) {
  return register_fn(e, "lede_register_typed", name, NULL, fn, ud);
}
