/*
 * lede.h -- the public interface of liblede, an embeddable, Lua-scriptable
 * document processor.  This header is the specification: every function
 * says what it does, which errors it returns and who owns each pointer.
 *
 * Ownership tags used below:
 *   OWNED     the caller now owns the pointer and releases it with the
 *             function named next to the tag.
 *   BORROWED  the pointer belongs to liblede; the comment says until when it
 *             stays valid.  Never free it.
 *   STATIC    valid for the life of the process.  Never free it.
 *
 * Threads: liblede keeps no mutable global state.  Use one lede_engine per
 * thread (lede_interrupt() is the one call another thread, or a signal
 * handler, may make on it).  Documents may move between threads; several
 * threads may read and render one unedited document at once (see "reading
 * documents from C"), but a run or an edit needs it alone: editing is
 * single-threaded.  A prepared script (lede_script) is immutable and may
 * run on many threads at once.  Nothing in liblede calls abort() or exit():
 * failures are reported as lede_status codes with a message on the engine.
 *
 * Re-entrancy: the callbacks a host gives liblede (lede_output_fn,
 * lede_host_fn, lede_typed_fn) run on the thread that called lede_run_*(), in the middle
 * of that run.  They may use other engines and documents, but must not call
 * any lede_* function on the engine that is running, nor free the document
 * it runs on.
 *
 * A minimal host (docs/embedding.md has the full walk-through):
 *
 *   lede_engine *e;  lede_doc *d;  char *out, *path;  size_t n;
 *   if (lede_engine_new(NULL, &e) != LEDE_OK) return 1;
 *   if (lede_doc_load_file(e, "article.txt", NULL, &d) == LEDE_OK &&
 *       lede_find_script(e, "sentences", &path) == LEDE_OK) {
 *     if (lede_run_file(e, path, d, NULL, &out, &n) == LEDE_OK)
 *       fwrite(out, 1, n, stdout);
 *     else
 *       fprintf(stderr, "%s\n", lede_errmsg(e));
 *     lede_free(out);  lede_free(path);
 *   }
 *   lede_doc_free(d);  lede_engine_free(e);
 */
#ifndef LEDE_H
#define LEDE_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The API version.  LEDE_ABI_VERSION is the shared library's soname major
 * (liblede.so.N); it changes only when a binary-incompatible change is
 * made, independently of the API version.  At run time, lede_version() and
 * lede_abi_version() report what the linked library was built from: a host
 * that was compiled against this header and finds a different
 * lede_abi_version(), or a lede_version() older than LEDE_VERSION_NUM, is
 * running on a library it was not built for (see lede_version()). */
#define LEDE_VERSION_MAJOR 0
#define LEDE_VERSION_MINOR 1
#define LEDE_VERSION_PATCH 0
#define LEDE_VERSION_STRING "0.1.0"
#define LEDE_VERSION_NUM                                                    \
  ((LEDE_VERSION_MAJOR << 16) | (LEDE_VERSION_MINOR << 8) | LEDE_VERSION_PATCH)
#define LEDE_ABI_VERSION 0

/* Marks the exported functions: the library is built -fvisibility=hidden,
 * so these are its whole dynamic symbol table (tests/check_exports.sh). */
#if defined(__GNUC__) && __GNUC__ >= 4
#define LEDE_API __attribute__((visibility("default")))
#else
#define LEDE_API
#endif

/* One X-macro table yields the status codes and lede_strerror()'s text.
 * Every failure is negative; a code is never renumbered or reused. */
#define LEDE_STATUS_TABLE(X)                                                \
  X(LEDE_OK, 0, "success")                                                  \
  X(LEDE_ENOMEM, -1, "out of memory")                                       \
  X(LEDE_EINVAL, -2, "invalid argument")                                    \
  X(LEDE_EIO, -3, "input/output error")                                     \
  X(LEDE_EUTF8, -4, "invalid UTF-8 in document")                            \
  X(LEDE_ESCRIPT, -5, "script error")                                       \
  X(LEDE_ELIMIT, -6, "resource limit exceeded")                             \
  X(LEDE_ENOTFOUND, -7, "not found")                                        \
  X(LEDE_EFORMAT, -8, "malformed input")                                   \
  X(LEDE_EINTERRUPT, -9, "interrupted by the host")

/* What every fallible call returns: LEDE_OK, or a code from the table. */
typedef enum {
#define LEDE_STATUS_ENUM(name, code, text) name = code,
  LEDE_STATUS_TABLE(LEDE_STATUS_ENUM)
#undef LEDE_STATUS_ENUM
} lede_status;

/* Opaque handles. */
/* An engine: options, host functions, the output callback and the last
 * error message.  Every script run gets a fresh environment of its own
 * (new globals, new copies of every library table and of the lede
 * module), so nothing a script does outlives its run; a sandboxed run that
 * ended well leaves its Lua state, garbage-collected, to the engine's next
 * run, which spares opening the libraries again.  One per thread; engines
 * share nothing. */
typedef struct lede_engine lede_engine;
/* A loaded document and its edits.  It does not belong to the engine that
 * loaded it: any engine may run scripts on it, and it outlives them all. */
typedef struct lede_doc lede_doc;

/* Document formats, for loading (--from) and rendering (--to). */
typedef enum {
  LEDE_FORMAT_AUTO = 0, /* load: plain text; render: the document's own format */
  LEDE_FORMAT_TEXT = 1,
  LEDE_FORMAT_MARKDOWN = 2,
  LEDE_FORMAT_HTML = 3, /* render only */
  LEDE_FORMAT_JSON = 4  /* render only: the object model, see README */
} lede_format;

/* The format names every part of lede accepts -- the CLI's --from/--to,
 * lede.load{format=} and doc:render() in Lua -- from one table: "text"
 * (also "txt"), "markdown" (also "md"), "html" and "json", exactly so
 * (case matters).  On LEDE_OK *out is the format; LEDE_EINVAL for NULL
 * arguments or any other name (*out unchanged).  Which formats an
 * operation takes is its own business: loading takes text and markdown. */
LEDE_API lede_status lede_format_parse(const char *name, lede_format *out);
/* STATIC: the canonical name of fmt ("text", "markdown", "html", "json";
 * "auto" for LEDE_FORMAT_AUTO), or NULL when fmt is not a lede_format. */
LEDE_API const char *lede_format_name(lede_format fmt);

/* How a plain-text document is cut into paragraphs. */
typedef enum {
  LEDE_PARAS_AUTO = 0, /* decide from blank lines and the line-length profile */
  LEDE_PARAS_BLANK = 1, /* blank lines separate paragraphs; lines are hard-wrapped */
  LEDE_PARAS_LINE = 2   /* every non-empty line is a paragraph */
} lede_para_mode;

/* What a quotation holding several sentences becomes when the document is
 * segmented: "\"Stop! Look at the sky!\" she cried." (see
 * docs/segmentation.md). */
typedef enum {
  LEDE_QUOTES_DEFAULT = 0, /* lede's default, LEDE_QUOTES_SPLIT */
  LEDE_QUOTES_SPLIT = 1,   /* one sentence per sentence inside the quotes */
  LEDE_QUOTES_KEEP = 2     /* the quotation stays inside one sentence */
} lede_quotes;

/* Load flags (bits; a retired bit is never reused), for lede_load_options. */
#define LEDE_LOAD_REPLACE_INVALID (1u << 0) /* bad UTF-8 / NUL -> U+FFFD, no error */

/* Render flags (bits), for lede_run_options and lede_doc_render(). */
#define LEDE_RENDER_UNSAFE (1u << 0)     /* HTML: keep raw HTML and any URL */
#define LEDE_RENDER_STANDALONE (1u << 1) /* HTML: a complete page */

/* Engine options.  Initialise with lede_options_init() and then change the
 * fields you care about; the struct may grow with LEDE_ABI_VERSION.  The
 * limits apply to each script run separately; hitting one ends the run with
 * LEDE_ELIMIT and leaves the engine usable.  lede_engine_new() copies
 * everything it needs: the struct and its strings may be freed after it. */
typedef struct lede_options {
  int sandbox;                    /* 1 (default): allow-listed library only;
                                     0: the full standard library (io, os,
                                     debug...) for trusted scripts */
  size_t max_memory;              /* bytes a script may hold (Lua heap plus
                                     C memory allocated on its behalf);
                                     0 = unlimited; default 256 MiB */
  unsigned long max_instructions; /* Lua VM instructions per run (calls
                                     count as one each); 0 = unlimited;
                                     default 1,000,000,000 */
  double timeout;                 /* wall-clock seconds per run; 0 = none
                                     (so is more than 1e9); negative or
                                     NaN: LEDE_EINVAL */
  size_t max_input;               /* largest document accepted, bytes;
                                     0 = unlimited; default 1 GiB */
  const char *script_path;        /* extra script directories, ':'-separated,
                                     searched after the bundled ones; copied */
  const char *const *abbreviations; /* extra abbreviations (without the final
                                       dot), NULL-terminated; copied */
} lede_options;

/* Per-load options.  Zero-initialised means: plain text, automatic
 * paragraph detection, invalid UTF-8 is an error. */
typedef struct lede_load_options {
  lede_format format;        /* LEDE_FORMAT_TEXT or _MARKDOWN (AUTO = text) */
  lede_para_mode paragraphs; /* plain text only */
  unsigned flags;            /* LEDE_LOAD_* bits */
  /* How the document is cut into sentences; fixed for its lifetime. */
  const char *language;      /* rules and abbreviations: "en" (NULL), "de",
                                "fr", "es", "it", "nl" or their English
                                names; anything else: LEDE_EINVAL */
  lede_quotes quotes;
} lede_load_options;

/* A key/value argument for a script: it appears in the script's `args`
 * table as args[key] = value (a string).  Both strings are BORROWED by
 * liblede for the duration of the lede_run_*() call only. */
typedef struct lede_arg {
  const char *key;   /* NUL-terminated; a later duplicate key wins */
  const char *value; /* NUL-terminated; NULL means the flag "true" */
} lede_arg;

/* Receives script output in pieces instead of a buffer, in order, on the
 * thread running the script: data[0..len) (not NUL-terminated) is BORROWED
 * for the duration of the call.  Return 0 to go on, non-zero to stop the
 * script: the run then fails with LEDE_EIO.  One lede.write(a, b, c) call
 * arrives as one piece; a Markdown document rendered as HTML or Markdown at
 * the end of a run streams in pieces of about 64 KiB, once nothing but the
 * callback can fail.  See "Re-entrancy" above. */
typedef int (*lede_output_fn)(void *ud, const char *data, size_t len);

/* Per-run options.  Zero-initialised means: no arguments, output in the
 * document's own format, safe HTML, the engine's output callback and
 * limits.  BORROWED for the call only.  Fields are only ever added at
 * the end; initialise with designated fields (`{.args = a, .nargs = 1}`)
 * or `{0}`, which -Wmissing-field-initializers accepts as it grows. */
typedef struct lede_run_options {
  const lede_arg *args; /* nargs entries, may be NULL when nargs == 0 */
  size_t nargs;
  lede_format to;       /* rendering when the script returns no string */
  unsigned render_flags; /* LEDE_RENDER_* bits */
  /* Output of this run only: when output is not NULL it replaces the
   * engine's callback (lede_set_output) and *out is set to NULL. */
  lede_output_fn output;
  void *output_ud;
  /* Limits of this run; 0 means the engine's (lede_options).  A value
   * replaces the engine's, higher or lower; SIZE_MAX, ULONG_MAX or a
   * timeout above 1e9 seconds mean none.  A negative or NaN timeout is
   * LEDE_EINVAL. */
  size_t max_memory;
  unsigned long max_instructions;
  double timeout;
  /* Files a sandboxed script may read and write (lede.redact.read and
   * lede.redact.write): nfiles paths, compared byte for byte; files may be
   * NULL when nfiles == 0.  None by default: arguments are data and never
   * grant a path (a record or a request may carry any string).  The
   * command-line program grants the values of its own command line's
   * options, never a JSON Lines record's fields. */
  const char *const *files;
  size_t nfiles;
} lede_run_options;

/* ---- versions and errors ------------------------------------------------ */

/* LEDE_VERSION_NUM of the linked library.  A run-time check for a host
 * that may meet an older library than the header it was compiled with:
 *   if (lede_abi_version() != LEDE_ABI_VERSION ||
 *       lede_version() < LEDE_VERSION_NUM) -> refuse to start
 * (the library must be at least as new as the header, same ABI). */
LEDE_API int lede_version(void);
/* STATIC: LEDE_VERSION_STRING of the linked library, e.g. "0.1.0". */
LEDE_API const char *lede_version_string(void);
/* LEDE_ABI_VERSION of the linked library (its soname major). */
LEDE_API int lede_abi_version(void);
/* STATIC: a readable text for any status code; never NULL. */
LEDE_API const char *lede_strerror(int status);
/* Releases a buffer that liblede returned as OWNED to be freed with
 * lede_free() (run output, renderings, script paths).  NULL-safe.  Use it
 * rather than free(): the host and liblede may use different C runtimes. */
LEDE_API void lede_free(void *p);

/* STATIC: the code ("de") of the language called name ("de", "German",
 * any case) whose sentence rules lede knows, or NULL when it knows none;
 * lede_language(NULL) lists the codes: "en, de, fr, es, it, nl". */
LEDE_API const char *lede_language(const char *name);

/* ---- engines ------------------------------------------------------------ */

/* Fills *opt with the defaults documented in lede_options: sandboxed,
 * 256 MiB of memory, 1,000,000,000 instructions, no time limit, 1 GiB of
 * input, no extra script path or abbreviations.  opt NULL: nothing. */
LEDE_API void lede_options_init(lede_options *opt);
/* Creates an engine (no Lua state yet: the first run makes one, which
 * later sandboxed runs reuse, each in a fresh environment).  opt may
 * be NULL (defaults); strings in it are copied.  sandbox must be 0 or 1,
 * timeout a number >= 0.
 * On LEDE_OK *out is OWNED: release with lede_engine_free().
 * Errors: LEDE_ENOMEM, LEDE_EINVAL (bad option). */
LEDE_API lede_status lede_engine_new(const lede_options *opt, lede_engine **out);
/* Frees an engine, its host-function table and its message (NULL-safe).
 * Documents it loaded stay valid, and lede_errmsg() strings die with it.
 * Never call it from inside a callback of a run on the same engine. */
LEDE_API void lede_engine_free(lede_engine *e);
/* BORROWED: the message of the last failed call on e, valid until the next
 * call on e (or lede_engine_free()); "" if none or e is NULL.  For
 * LEDE_ESCRIPT it is "script:line: message" followed by a Lua traceback;
 * for LEDE_EUTF8 "name:line:column: invalid UTF-8 at byte offset N (0xXX)".
 * Never NULL.  Calls that return LEDE_EINVAL for a NULL handle or out
 * parameter have no engine to write to and leave it unchanged. */
LEDE_API const char *lede_errmsg(const lede_engine *e);

/* BORROWED, with lede_errmsg()'s lifetime: the last message without its
 * traceback ("script:line: message" for LEDE_ESCRIPT); the whole message
 * for other errors; never NULL. */
LEDE_API const char *lede_error_message(const lede_engine *e);
/* BORROWED, likewise: the Lua traceback of the last failed run
 * ("stack traceback:\n\t..."), or "" when it has none (errors outside a
 * script, compile errors).  Never NULL. */
LEDE_API const char *lede_error_traceback(const lede_engine *e);

/* Which limit stopped a run. */
typedef enum {
  LEDE_LIMIT_NONE = 0,         /* the last run was not stopped by a limit */
  LEDE_LIMIT_MEMORY = 1,       /* max_memory */
  LEDE_LIMIT_INSTRUCTIONS = 2, /* max_instructions (work done in C counts) */
  LEDE_LIMIT_TIME = 3          /* timeout */
} lede_limit;
/* The limit that stopped the last run on e (the one that returned
 * LEDE_ELIMIT), without parsing the message; LEDE_LIMIT_NONE after a run
 * that succeeded, failed otherwise or was interrupted, and for e NULL.
 * Reset by the next run. */
LEDE_API lede_limit lede_limit_hit(const lede_engine *e);

/* Asks the run in progress on e to stop: it fails with LEDE_EINTERRUPT
 * ("script interrupted by the host") at its next instruction check or C
 * helper poll (within about a millisecond), its edits so far staying in
 * the document.  Safe from any thread and from a signal handler (one
 * lock-free atomic store); e must stay valid during the call.  A call
 * while no run is in progress has no effect: each run clears the request
 * when it starts.  NULL-safe. */
LEDE_API void lede_interrupt(lede_engine *e);

/* ---- documents ---------------------------------------------------------- */

/* Loads a document from src[0..len), which is copied (src is BORROWED for
 * the call only).  opt may be NULL.  On LEDE_OK *out is OWNED: release with
 * lede_doc_free(); on error *out is NULL.
 * Errors: LEDE_EUTF8 (message names the byte offset), LEDE_ELIMIT (larger
 * than max_input), LEDE_ENOMEM, LEDE_EINVAL. */
LEDE_API lede_status lede_doc_load(lede_engine *e, const char *src, size_t len,
                                   const lede_load_options *opt, lede_doc **out);
/* As lede_doc_load() but reads the file at path ("-" is standard input).
 * When opt is NULL or its format is AUTO, ".md"/".markdown" files load as
 * Markdown.  Errors additionally: LEDE_EIO (message names the file). */
LEDE_API lede_status lede_doc_load_file(lede_engine *e, const char *path,
                                        const lede_load_options *opt,
                                        lede_doc **out);
/* Frees a document and its edits (NULL-safe).  Not while a run on it is
 * in progress. */
LEDE_API void lede_doc_free(lede_doc *d);
/* The document's format: LEDE_FORMAT_TEXT or LEDE_FORMAT_MARKDOWN;
 * LEDE_FORMAT_AUTO for d NULL. */
LEDE_API lede_format lede_doc_format(const lede_doc *d);
/* Counts paragraphs (removed ones included) and sentences (likewise).
 * Sentences are found on first use, with the segmentation options the
 * document was loaded with (never those of whoever reads it first); later
 * calls and runs reuse them.  Either out pointer may be NULL.  Safe to
 * call from several threads on one unedited document (see "reading
 * documents from C").  Errors: LEDE_EINVAL, LEDE_ENOMEM. */
LEDE_API lede_status lede_doc_counts(lede_engine *e, lede_doc *d,
                                     size_t *paragraphs, size_t *sentences);
/* Renders the document with every edit applied.  On LEDE_OK *out is OWNED
 * (NUL-terminated, *outlen bytes without the NUL; outlen may be NULL):
 * release with lede_free().  fmt AUTO means the document's own format;
 * flags are LEDE_RENDER_* bits.  Errors: LEDE_EINVAL (NULL argument or a
 * format this document cannot be rendered in), LEDE_ENOMEM. */
LEDE_API lede_status lede_doc_render(lede_engine *e, lede_doc *d,
                                     lede_format fmt, unsigned flags,
                                     char **out, size_t *outlen);

/* ---- reading documents from C ------------------------------------------- */

/* A host that only wants paragraphs, sentences and their offsets reads
 * them here, without any script or Lua state:
 *
 *   size_t n;  lede_span s;  char *text;  size_t len;
 *   lede_doc_counts(e, d, NULL, &n);
 *   for (size_t i = 0; i < n; i++)
 *     if (lede_doc_sentence(e, d, i, &s) == LEDE_OK && !s.removed &&
 *         lede_doc_sentence_text(e, d, i, &text, &len) == LEDE_OK) {
 *       printf("%zu-%zu %.*s\n", s.start, s.end, (int)len, text);
 *       lede_free(text);
 *     }
 *
 * Indices are 0-based and count removed items (as lede_doc_counts does).
 * Sentences are found on first use with the segmentation options the
 * document was loaded with (the engine's abbreviations at load time).
 *
 * Threads: the functions of this section and lede_doc_render() may be
 * called on one document from several threads at once (each with its own
 * engine) as long as nobody edits it meanwhile: finding the sentences is
 * serialised inside, and Markdown renders take turns on the document.
 * Runs (lede_run_*, lede_script_run) may edit, so a document a run is
 * using must not be shared with any other call. */

/* What a paragraph or a sentence is. */
typedef enum {
  LEDE_KIND_PARAGRAPH = 0,
  LEDE_KIND_HEADING = 1,
  LEDE_KIND_ITEM = 2,  /* a list item's text */
  LEDE_KIND_QUOTE = 3, /* text inside a block quote */
  LEDE_KIND_CODE = 4,  /* code block: never has sentences */
  LEDE_KIND_HTML = 5   /* raw HTML block: never has sentences */
} lede_kind;

/* STATIC: "paragraph", "heading", "item", "quote", "code" or "html" (the
 * names scripts see); NULL for any other value. */
LEDE_API const char *lede_kind_name(lede_kind kind);

/* A paragraph or a sentence, filled by the calls below. */
typedef struct lede_span {
  lede_kind kind;   /* a sentence has its paragraph's kind */
  int level;        /* heading level 1-6, else 0 */
  int depth;        /* Markdown container depth (lists, quotes); 0 in text */
  size_t start;     /* source bytes [start, end): 0-based, end exclusive */
  size_t end;
  size_t paragraph; /* index of the paragraph (a paragraph's own index) */
  size_t first;     /* paragraphs: index of their first sentence;
                       sentences: their own index */
  size_t count;     /* paragraphs: their sentences; sentences: 1 */
  int removed;      /* removed by an edit (its text is then "") */
  int edited;       /* its text differs from the source bytes */
} lede_span;

/* Fills *out with paragraph i (0 <= i < the count of lede_doc_counts()).
 * Errors: LEDE_EINVAL (NULL argument, i out of range: the message says
 * the count), LEDE_ENOMEM. */
LEDE_API lede_status lede_doc_paragraph(lede_engine *e, lede_doc *d, size_t i,
                                        lede_span *out);
/* Fills *out with sentence i; errors as lede_doc_paragraph(). */
LEDE_API lede_status lede_doc_sentence(lede_engine *e, lede_doc *d, size_t i,
                                       lede_span *out);
/* The current text of paragraph i (edits applied; removed sentences and
 * the space after them left out).  On LEDE_OK *text is OWNED
 * (NUL-terminated, *len bytes, len may be NULL): release with lede_free().
 * Errors as lede_doc_paragraph(). */
LEDE_API lede_status lede_doc_paragraph_text(lede_engine *e, lede_doc *d, size_t i,
                                             char **text, size_t *len);
/* The current text of sentence i, edits applied; as above. */
LEDE_API lede_status lede_doc_sentence_text(lede_engine *e, lede_doc *d, size_t i,
                                            char **text, size_t *len);

/* ---- scripts ------------------------------------------------------------ */

/* Sends the output of later runs on e to fn instead of the *out buffer
 * (fn NULL restores buffers); *out is then set to NULL and *outlen to 0.
 * ud is passed back unchanged and must stay valid while fn is set.
 * Output already given to fn stays given when a run fails later. */
LEDE_API void lede_set_output(lede_engine *e, lede_output_fn fn, void *ud);

/* Runs the Lua script in the file at path on doc (doc may be NULL: the
 * script then gets an empty document).  The script is called as
 * `local doc, args = ...`; its output is the string it returns, or what it
 * wrote with lede.write(), or else doc rendered in ro->to.
 * On LEDE_OK, unless an output callback is set, *out is OWNED (release with
 * lede_free()) and *outlen its length; out/outlen may be NULL to discard.
 * On error *out is NULL.  ro may be NULL (defaults).
 * Errors: LEDE_ESCRIPT (a script that cannot be read, does not compile or
 * raises; see lede_errmsg()), LEDE_ELIMIT (memory, instruction or time
 * limit; lede_limit_hit() says which), LEDE_EINTERRUPT (lede_interrupt()),
 * LEDE_EIO (the output callback stopped the run), LEDE_ENOMEM, LEDE_EINVAL
 * (a NULL engine or path, or a bad field of ro: the message names it).  The engine stays usable after any error, and nothing is
 * leaked.  Edits the script made stay in doc, even when it fails later.
 * Out of memory inside one of lede's Lua functions is a Lua error ("not
 * enough memory") the script may catch; uncaught, it fails the run with
 * LEDE_ESCRIPT and that message (tests/test_oom.c fails every allocation
 * of a run in turn to hold all of this). */
LEDE_API lede_status lede_run_file(lede_engine *e, const char *path,
                                   lede_doc *doc, const lede_run_options *ro,
                                   char **out, size_t *outlen);
/* As lede_run_file() with the script's text in code[0..len); name is used
 * in messages ("name:line: ...") and may be NULL. */
LEDE_API lede_status lede_run_string(lede_engine *e, const char *name,
                                     const char *code, size_t len,
                                     lede_doc *doc, const lede_run_options *ro,
                                     char **out, size_t *outlen);
/* Finds the script NAME.lua on the engine's search path (build tree or
 * installed bundled scripts, then script_path, then $LEDE_PATH, read at
 * each call).  name is a plain name: no '/' and no "..".
 * On LEDE_OK *path is OWNED: release with lede_free().  LEDE_ENOTFOUND
 * when there is none. */
LEDE_API lede_status lede_find_script(lede_engine *e, const char *name,
                                      char **path);

/* The directories searched for scripts, in order, ':'-separated (those
 * that do not exist included).  On LEDE_OK *path is OWNED: lede_free(). */
LEDE_API lede_status lede_script_dirs(lede_engine *e, char **path);

/* ---- prepared scripts --------------------------------------------------- */

/* A compiled script, run many times without compiling it again (as
 * sqlite3_prepare / sqlite3_step).  Immutable once made: any number of
 * engines on any threads may run one handle at the same time.  Every run
 * still gets a fresh environment, so runs share nothing but the code. */
typedef struct lede_script lede_script;

/* Compiles code[0..len) (text only; name is used in messages as in
 * lede_run_string()).  On LEDE_OK *out is OWNED: release with
 * lede_script_free().  Errors: LEDE_ESCRIPT (does not compile; the message
 * is "name:line: ..."), LEDE_ENOMEM (also when compiling would exceed the
 * engine's max_memory), LEDE_EINVAL.  The engine is used for its message
 * and memory limit only; the script is not tied to it. */
LEDE_API lede_status lede_script_compile(lede_engine *e, const char *name,
                                         const char *code, size_t len,
                                         lede_script **out);
/* As lede_script_compile() with the text of the file at path (read now,
 * once).  Errors additionally: LEDE_ESCRIPT when it cannot be read. */
LEDE_API lede_status lede_script_compile_file(lede_engine *e, const char *path,
                                              lede_script **out);
/* Runs s on doc exactly as lede_run_string() would run its source: same
 * arguments, output, limits, errors and edits. */
LEDE_API lede_status lede_script_run(lede_engine *e, const lede_script *s,
                                     lede_doc *doc, const lede_run_options *ro,
                                     char **out, size_t *outlen);
/* Frees a prepared script (NULL-safe).  Not while a run of it is in
 * progress on any thread. */
LEDE_API void lede_script_free(lede_script *s);

/* ---- host functions ----------------------------------------------------- */

/* What a host function returns to the script; filled through the calls
 * below.  BORROWED: valid only during the host function's call. */
typedef struct lede_result lede_result;
/* A host function: argv[i] (argl[i] bytes, NUL-terminated, may hold NULs)
 * are the script's arguments converted to strings as tostring() would
 * (nil becomes NULL), at most 64; they are BORROWED for the call.  Return 0
 * for success, or non-zero (after lede_result_error(), or a generic
 * "NAME failed" is used) to raise a Lua error in the script, which the
 * script may catch with pcall.  It runs on the thread of the run; see
 * "Re-entrancy" above. */
typedef int (*lede_host_fn)(void *ud, int argc, const char *const *argv,
                            const size_t *argl, lede_result *res);
/* Sets the function's string result, copied from s[0..len) (s NULL means
 * ""); without it the result is nil.  A second call replaces the first. */
LEDE_API void lede_result_string(lede_result *res, const char *s, size_t len);
/* Sets the error message raised in the script (copied; NULL gives a
 * generic one) and drops any result.  Return non-zero afterwards. */
LEDE_API void lede_result_error(lede_result *res, const char *msg);
/* Makes fn callable from scripts on e as lede.host.NAME(...), from the next
 * run on.  name must be a Lua identifier (copied); registering a name again
 * replaces it; fn NULL removes it (LEDE_OK even if it was not there).  ud
 * is passed back unchanged and must stay valid while fn is registered.
 * Errors: LEDE_EINVAL (bad name), LEDE_ENOMEM. */
LEDE_API lede_status lede_register(lede_engine *e, const char *name,
                                   lede_host_fn fn, void *ud);

/* ---- typed host functions ------------------------------------------------ */

/* Host functions that take and return real values, as Lua's C API does:
 * nil, booleans, numbers (integers exact), strings that may hold NUL bytes
 * and tables (arrays and string-keyed maps, nested up to 64 deep) in both
 * directions, and any number of results.
 *
 *   static int scale(void *ud, const lede_value *args, lede_result *res) {
 *     const lede_value *t = lede_value_index(args, 1);   // the 1st argument
 *     double k = lede_value_number(lede_value_index(args, 2));
 *     if (lede_value_type(t) != LEDE_TTABLE) {
 *       lede_result_error(res, "scale: expected a table");
 *       return 1;
 *     }
 *     lede_result_table(res);                            // one result: {..}
 *     for (size_t i = 1; i <= lede_value_length(t); i++)
 *       lede_result_number(res, k * lede_value_number(lede_value_index(t, i)));
 *     lede_result_end(res);
 *     lede_result_boolean(res, 1);                       // a second result
 *     return 0;
 *   }
 *   lede_register_typed(e, "scale", scale, NULL);   // lede.host.scale({1, 2}, 10)
 *
 * The arguments are converted before the call and the results pushed after
 * it, so nothing the host does can be interrupted by a Lua error.  A
 * function, userdata or coroutine argument, or a table key that is not a
 * string or number, raises in the script before the host is called. */
typedef enum {
  LEDE_TNIL = 0,
  LEDE_TBOOLEAN = 1,
  LEDE_TNUMBER = 2,
  LEDE_TSTRING = 3,
  LEDE_TTABLE = 4
} lede_type;

/* A value from the script.  BORROWED: valid during the host call only. */
typedef struct lede_value lede_value;

/* A typed host function: args is a table of the arguments (keys 1..n, nil
 * arguments included; lede_value_length(args) is their number).  Return 0
 * on success with results set through lede_result_*() (none: the call
 * returns nothing), or non-zero to raise (lede_result_error()'s message, or
 * "NAME failed").  Runs on the thread of the run; see "Re-entrancy". */
typedef int (*lede_typed_fn)(void *ud, const lede_value *args, lede_result *res);
/* As lede_register(), for a typed function (it replaces a string function
 * of the same name and vice versa; fn NULL removes the name). */
LEDE_API lede_status lede_register_typed(lede_engine *e, const char *name,
                                         lede_typed_fn fn, void *ud);

/* Reading values; every function accepts NULL (a missing value) and
 * answers as for nil. */
/* The type of v; LEDE_TNIL for NULL. */
LEDE_API lede_type lede_value_type(const lede_value *v);
/* Lua truth: 0 for nil and false, 1 for anything else. */
LEDE_API int lede_value_boolean(const lede_value *v);
/* The number (0 if v is not one). */
LEDE_API double lede_value_number(const lede_value *v);
/* 1 and *out (out may be NULL) if v is a number with an integer value. */
LEDE_API int lede_value_integer(const lede_value *v, long long *out);
/* BORROWED: the bytes of a string (*len of them, NUL-terminated, may hold
 * NULs), or NULL (and *len 0) if v is not a string.  len may be NULL. */
LEDE_API const char *lede_value_string(const lede_value *v, size_t *len);
/* Entries of a table (0 if v is not one). */
LEDE_API size_t lede_value_count(const lede_value *t);
/* Its array part: k in 1..length are lede_value_index(t, k), in order. */
LEDE_API size_t lede_value_length(const lede_value *t);
/* Entry i (0-based, i < count) of t: its key and its value.  The array
 * part comes first, in order; then the other keys, in no set order. */
LEDE_API const lede_value *lede_value_key(const lede_value *t, size_t i);
LEDE_API const lede_value *lede_value_at(const lede_value *t, size_t i);
/* t[k] for an integer key k >= 1, or NULL. */
LEDE_API const lede_value *lede_value_index(const lede_value *t, size_t k);
/* t[key] for a string key (NUL-terminated), or NULL. */
LEDE_API const lede_value *lede_value_field(const lede_value *t, const char *key);

/* Results, in order, each a result of the call -- or, between
 * lede_result_table() and lede_result_end(), an element of that table:
 * appended to its array part, or stored under the key given just before
 * by lede_result_key().  Everything is copied; a table left open is
 * closed after the call.  All are NULL-safe.  (In a string host function
 * lede_result_string() replaces; these append.) */
LEDE_API void lede_result_nil(lede_result *res);
LEDE_API void lede_result_boolean(lede_result *res, int b);
LEDE_API void lede_result_number(lede_result *res, double x);
LEDE_API void lede_result_integer(lede_result *res, long long i);
/* A string of len bytes, NULs allowed (s NULL means ""). */
LEDE_API void lede_result_lstring(lede_result *res, const char *s, size_t len);
LEDE_API void lede_result_table(lede_result *res);
/* The key (len bytes) of the next value in the open table. */
LEDE_API void lede_result_key(lede_result *res, const char *key, size_t len);
LEDE_API void lede_result_end(lede_result *res);

#ifdef __cplusplus
}
#endif
#endif /* LEDE_H */
