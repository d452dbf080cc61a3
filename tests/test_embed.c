/* test_embed.c -- the C API as a host sees it: versions, argument checks,
 * options, OUT parameters on error, the per-engine message, output
 * callbacks, host functions (results, errors, replacement, removal) and
 * engines that outlive their failures. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lede.h"

static lede_engine *eng;
static lede_doc *doc;

static const char TEXT[] = "First sentence here. Second one!\n\nA new paragraph.";

static void setup(void) {
  cr_assert_eq(lede_engine_new(NULL, &eng), LEDE_OK);
  cr_assert_eq(lede_doc_load(eng, TEXT, sizeof TEXT - 1, NULL, &doc), LEDE_OK);
}
static void teardown(void) {
  lede_doc_free(doc);
  lede_engine_free(eng);
}
TestSuite(embed, .init = setup, .fini = teardown);

/* Runs code on doc; returns the status, *out the OWNED output or NULL. */
static lede_status run(const char *code, const lede_run_options *ro, char **out) {
  return lede_run_string(eng, "t.lua", code, strlen(code), doc, ro, out, NULL);
}

Test(embed, versions_match_the_header) {
  cr_assert_eq(lede_version(), LEDE_VERSION_NUM);
  cr_assert_str_eq(lede_version_string(), LEDE_VERSION_STRING);
  cr_assert_eq(lede_abi_version(), LEDE_ABI_VERSION);
  char want[32];
  snprintf(want, sizeof want, "%d.%d.%d", LEDE_VERSION_MAJOR, LEDE_VERSION_MINOR,
           LEDE_VERSION_PATCH);
  cr_assert_str_eq(LEDE_VERSION_STRING, want);
}

Test(embed, strerror_covers_every_code) {
#define CHECK_TEXT(name, code, text) cr_assert_str_eq(lede_strerror(name), text);
  LEDE_STATUS_TABLE(CHECK_TEXT)
#undef CHECK_TEXT
  cr_assert_str_eq(lede_strerror(-999), "unknown error");
  cr_assert_str_eq(lede_strerror(1), "unknown error");
}

/* Issue 10 item 5: one table of format names, shared by the CLI and Lua. */
Test(embed, format_names_one_table) {
  static const struct { char name[12]; lede_format fmt; } names[] = {
      {"text", LEDE_FORMAT_TEXT}, {"txt", LEDE_FORMAT_TEXT},
      {"markdown", LEDE_FORMAT_MARKDOWN}, {"md", LEDE_FORMAT_MARKDOWN},
      {"html", LEDE_FORMAT_HTML}, {"json", LEDE_FORMAT_JSON}};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    lede_format f = LEDE_FORMAT_AUTO;
    cr_assert_eq(lede_format_parse(names[i].name, &f), LEDE_OK, "%s", names[i].name);
    cr_assert_eq(f, names[i].fmt, "%s", names[i].name);
  }
  lede_format f = LEDE_FORMAT_HTML;
  cr_assert_eq(lede_format_parse("Markdown", &f), LEDE_EINVAL);
  cr_assert_eq(lede_format_parse("auto", &f), LEDE_EINVAL);
  cr_assert_eq(lede_format_parse("", &f), LEDE_EINVAL);
  cr_assert_eq(lede_format_parse(NULL, &f), LEDE_EINVAL);
  cr_assert_eq(lede_format_parse("md", NULL), LEDE_EINVAL);
  cr_assert_eq(f, LEDE_FORMAT_HTML, "left alone on error");
  cr_assert_str_eq(lede_format_name(LEDE_FORMAT_TEXT), "text");
  cr_assert_str_eq(lede_format_name(LEDE_FORMAT_MARKDOWN), "markdown");
  cr_assert_str_eq(lede_format_name(LEDE_FORMAT_HTML), "html");
  cr_assert_str_eq(lede_format_name(LEDE_FORMAT_JSON), "json");
  cr_assert_str_eq(lede_format_name(LEDE_FORMAT_AUTO), "auto");
  cr_assert_null(lede_format_name((lede_format)77));
  cr_assert_null(lede_format_name((lede_format)-1));
}

/* doc_render segments before JSON itself: no lede_doc_counts() first. */
Test(embed, json_render_lists_sentences_without_counting_first) {
  char *s = NULL;
  cr_assert_eq(lede_doc_render(eng, doc, LEDE_FORMAT_JSON, 0, &s, NULL), LEDE_OK);
  cr_assert(strstr(s, "\"text\":\"Second one!\""), "%s", s);
  lede_free(s);
}

Test(embed, null_arguments_are_einval_not_crashes) {
  lede_doc *d = (lede_doc *)&d; /* poison: must be reset or left alone, never used */
  char *s = NULL;
  cr_assert_eq(lede_engine_new(NULL, NULL), LEDE_EINVAL);
  cr_assert_eq(lede_doc_load(NULL, "x", 1, NULL, &d), LEDE_EINVAL);
  cr_assert_eq(lede_doc_load(eng, NULL, 3, NULL, &d), LEDE_EINVAL);
  cr_assert_eq(lede_doc_load(eng, "x", 1, NULL, NULL), LEDE_EINVAL);
  cr_assert_eq(lede_doc_load_file(eng, NULL, NULL, &d), LEDE_EINVAL);
  cr_assert_eq(lede_run_file(NULL, "x.lua", doc, NULL, &s, NULL), LEDE_EINVAL);
  cr_assert_eq(lede_run_file(eng, NULL, doc, NULL, &s, NULL), LEDE_EINVAL);
  cr_assert_eq(lede_run_string(eng, "x", NULL, 4, doc, NULL, &s, NULL), LEDE_EINVAL);
  cr_assert_eq(lede_doc_render(eng, NULL, LEDE_FORMAT_AUTO, 0, &s, NULL), LEDE_EINVAL);
  cr_assert_eq(lede_find_script(eng, NULL, &s), LEDE_EINVAL);
  cr_assert_eq(lede_register(eng, NULL, NULL, NULL), LEDE_EINVAL);
  cr_assert_str_eq(lede_errmsg(NULL), "");
  lede_set_output(NULL, NULL, NULL); /* no-op */
  lede_engine_free(NULL);
  lede_doc_free(NULL);
  lede_free(NULL);
}

Test(embed, empty_document_from_null_and_zero_length) {
  lede_doc *d = NULL;
  size_t np = 9, ns = 9;
  cr_assert_eq(lede_doc_load(eng, NULL, 0, NULL, &d), LEDE_OK);
  cr_assert_eq(lede_doc_counts(eng, d, &np, &ns), LEDE_OK);
  cr_assert_eq(np, 0);
  cr_assert_eq(ns, 0);
  lede_doc_free(d);
}

/* The documented defaults: sandboxed, 256 MiB, 1e9 instructions, no
 * timeout, 1 GiB documents; and a default engine enforces them. */
Test(embed, option_defaults) {
  lede_options o;
  memset(&o, 0xAB, sizeof o);
  lede_options_init(&o);
  cr_assert_eq(o.sandbox, 1);
  cr_assert_eq(o.max_memory, (size_t)256 << 20);
  cr_assert_eq(o.max_instructions, 1000000000UL);
  cr_assert_eq(o.timeout, 0.0);
  cr_assert_eq(o.max_input, (size_t)1 << 30);
  cr_assert_null(o.script_path);
  cr_assert_null(o.abbreviations);
  lede_engine *e;
  cr_assert_eq(lede_engine_new(NULL, &e), LEDE_OK);
  char *out = NULL;
  const char *bomb = "local t = {} for i = 1, 1e9 do t[i] = ('x'):rep(1000) .. i end";
  cr_assert_eq(lede_run_string(e, "t", bomb, strlen(bomb), NULL, NULL, &out, NULL), LEDE_ELIMIT);
  cr_assert(strncmp(lede_errmsg(e), "script exceeded memory limit of 256 MB\n", 39) == 0, "%s",
            lede_errmsg(e));
  lede_engine_free(e);
}

Test(embed, bad_timeouts) {
  lede_options o;
  lede_engine *e = (lede_engine *)&o;
  lede_options_init(&o);
  o.timeout = -1;
  cr_assert_eq(lede_engine_new(&o, &e), LEDE_EINVAL);
  cr_assert_null(e);
  o.timeout = NAN;
  cr_assert_eq(lede_engine_new(&o, &e), LEDE_EINVAL);
  o.timeout = INFINITY; /* means none */
  cr_assert_eq(lede_engine_new(&o, &e), LEDE_OK);
  char *out = NULL;
  cr_assert_eq(lede_run_string(e, "t", "return 'ok'", 11, NULL, NULL, &out, NULL), LEDE_OK);
  cr_assert_str_eq(out, "ok");
  lede_free(out);
  lede_engine_free(e);
}

Test(embed, options_are_copied) {
  lede_options o;
  lede_options_init(&o);
  char path[] = "/nonexistent/one:/nonexistent/two";
  const char *abbrevs[] = {"Approx", NULL};
  o.script_path = path;
  o.abbreviations = abbrevs;
  lede_engine *e;
  cr_assert_eq(lede_engine_new(&o, &e), LEDE_OK);
  memset(path, 'x', sizeof path - 1); /* the engine must not look at ours again */
  abbrevs[0] = "zzz";
  char *dirs = NULL;
  cr_assert_eq(lede_script_dirs(e, &dirs), LEDE_OK);
  cr_assert(strstr(dirs, "/nonexistent/one:/nonexistent/two") != NULL, "got %s", dirs);
  lede_free(dirs);
  lede_engine_free(e);
}

Test(embed, out_parameters_are_null_after_errors) {
  char *out = (char *)&out;
  size_t n = 7;
  cr_assert_eq(lede_run_string(eng, "t", "error('x')", 10, doc, NULL, &out, &n), LEDE_ESCRIPT);
  cr_assert_null(out);
  cr_assert_eq(n, 0);
  lede_doc *d = (lede_doc *)&d;
  cr_assert_eq(lede_doc_load(eng, "\xff", 1, NULL, &d), LEDE_EUTF8);
  cr_assert_null(d);
  char *path = (char *)&path;
  cr_assert_eq(lede_find_script(eng, "../etc/passwd", &path), LEDE_ENOTFOUND);
  cr_assert_null(path);
}

Test(embed, message_is_per_engine_and_cleared_by_success) {
  lede_engine *other;
  cr_assert_eq(lede_engine_new(NULL, &other), LEDE_OK);
  cr_assert_eq(run("error('mine')", NULL, NULL), LEDE_ESCRIPT);
  cr_assert(strncmp(lede_errmsg(eng), "t.lua:1: mine\nstack traceback:", 30) == 0, "got %s",
            lede_errmsg(eng));
  cr_assert_str_eq(lede_errmsg(other), "");
  cr_assert_eq(run("return 'fine'", NULL, NULL), LEDE_OK);
  cr_assert_str_eq(lede_errmsg(eng), "");
  lede_engine_free(other);
}

Test(embed, args_reach_the_script_as_strings) {
  lede_arg args[] = {{"name", "value"}, {"flag", NULL}, {"name", "later wins"}};
  lede_run_options ro = {.args = args, .nargs = 3};
  char *out = NULL;
  cr_assert_eq(run("local _, a = ... return a.name .. '|' .. a.flag .. '|' .. type(a.flag)", &ro,
                   &out),
               LEDE_OK);
  cr_assert_str_eq(out, "later wins|true|string");
  lede_free(out);
}

Test(embed, edits_stay_in_the_document) {
  cr_assert_eq(run("(...).sentences[2].text = 'Edited!'", NULL, NULL), LEDE_OK);
  char *out = NULL;
  size_t n = 0;
  cr_assert_eq(lede_doc_render(eng, doc, LEDE_FORMAT_TEXT, 0, &out, &n), LEDE_OK);
  cr_assert_str_eq(out, "First sentence here. Edited!\n\nA new paragraph.");
  cr_assert_eq(n, strlen(out));
  lede_free(out);
  /* A failing run keeps the edits it made before failing. */
  cr_assert_eq(run("(...).sentences[1].text = 'One.' error('late')", NULL, NULL), LEDE_ESCRIPT);
  cr_assert_eq(lede_doc_render(eng, doc, LEDE_FORMAT_TEXT, 0, &out, NULL), LEDE_OK);
  cr_assert_str_eq(out, "One. Edited!\n\nA new paragraph.");
  lede_free(out);
}

/* ---- output callback ---------------------------------------------------- */

/* An output callback that collects what it is given (buf grows; free it),
 * refusing every piece after stop_after pieces when that is not 0. */
typedef struct collect {
  char *buf;
  size_t n, calls, stop_after;
} collect;

static int collect_fn(void *ud, const char *data, size_t len) {
  collect *c = ud;
  c->calls++;
  if (c->stop_after && c->calls > c->stop_after) return 1;
  c->buf = realloc(c->buf, c->n + len + 1);
  cr_assert_not_null(c->buf);
  memcpy(c->buf + c->n, data, len);
  c->n += len;
  c->buf[c->n] = '\0';
  return 0;
}

Test(embed, output_callback_streams_writes_and_rendering) {
  collect c = {NULL, 0, 0, 0};
  lede_set_output(eng, collect_fn, &c);
  char *out = (char *)&out;
  size_t n = 9;
  cr_assert_eq(run("lede.write('a', 'b') lede.write('c')", NULL, &out), LEDE_OK);
  cr_assert_null(out);
  cr_assert_str_eq(c.buf, "abc");
  /* Issue 12: lede.write('a', 'b') arrives as one piece ("ab"). */
  cr_assert_eq(c.calls, 2);
  c.n = 0, c.calls = 0;
  cr_assert_eq(lede_run_string(eng, "t", "return nil", 10, doc, NULL, &out, &n), LEDE_OK);
  cr_assert_str_eq(c.buf, TEXT); /* the document, rendered */
  cr_assert_eq(n, 0);
  /* Back to buffers. */
  lede_set_output(eng, NULL, NULL);
  cr_assert_eq(run("return 'buffered'", NULL, &out), LEDE_OK);
  cr_assert_str_eq(out, "buffered");
  lede_free(out);
  free(c.buf);
}

Test(embed, output_callback_can_stop_the_run) {
  collect c = {NULL, 0, 0, 1};
  lede_set_output(eng, collect_fn, &c);
  cr_assert_eq(run("lede.write('one') lede.write('two') lede.write('three')", NULL, NULL),
               LEDE_EIO);
  cr_assert_str_eq(c.buf, "one");
  cr_assert_str_eq(lede_errmsg(eng), "cannot write output");
  /* A script cannot pcall past the refusal and carry on writing. */
  c.n = 0, c.calls = 0, c.buf[0] = '\0';
  cr_assert_eq(run("lede.write('a') pcall(lede.write, 'b') lede.write('c')", NULL, NULL),
               LEDE_EIO);
  free(c.buf);
}

/* A rendered Markdown document streams through the callback in pieces
 * once nothing but the callback can fail; a render stopped by a limit
 * before that writes nothing; a callback refusing a piece stops the run. */
Test(embed, rendered_markdown_streams_in_pieces) {
  /* 400 KB of Markdown: several 64 KiB pieces */
  size_t reps = 6000, len = 0;
  const char *para = "Some *emphasis* and a [link](http://x.example/) in a paragraph.\n\n";
  char *src = malloc(reps * strlen(para) + 1);
  cr_assert_not_null(src);
  for (size_t i = 0; i < reps; i++) len += (size_t)sprintf(src + len, "%s", para);
  lede_doc *md;
  lede_load_options lo = {.format = LEDE_FORMAT_MARKDOWN};
  cr_assert_eq(lede_doc_load(eng, src, len, &lo, &md), LEDE_OK);
  const char *edit = "local doc = ... for _, s in ipairs(doc.sentences) do s.text = s.text:upper() end";
  for (int to = 0; to < 2; to++) {
    lede_run_options ro = {.to = to ? LEDE_FORMAT_HTML : LEDE_FORMAT_MARKDOWN};
    char *whole = NULL;
    size_t wn = 0;
    cr_assert_eq(lede_run_string(eng, "t", edit, strlen(edit), md, &ro, &whole, &wn), LEDE_OK);
    collect c = {NULL, 0, 0, 0};
    ro.output = collect_fn;
    ro.output_ud = &c;
    cr_assert_eq(lede_run_string(eng, "t", edit, strlen(edit), md, &ro, NULL, NULL), LEDE_OK);
    /* Markdown comes in 64 KiB pieces; cmark's HTML is handed over as the
     * one string it is, without a copy */
    if (to) cr_assert_eq(c.calls, 1);
    else cr_assert_gt(c.calls, 3, "%zu pieces", c.calls);
    cr_assert_eq(c.n, wn);
    cr_assert(memcmp(c.buf, whole, wn) == 0);
    cr_assert(strstr(whole, to ? "<em>EMPHASIS</em>" : "*EMPHASIS*") != NULL);
    free(c.buf);
    if (!to) {
      /* the callback refuses its second piece: the run fails */
      collect r = {NULL, 0, 0, 1};
      ro.output_ud = &r;
      cr_assert_eq(lede_run_string(eng, "t", edit, strlen(edit), md, &ro, NULL, NULL), LEDE_EIO);
      cr_assert_eq(r.calls, 2);
      free(r.buf);
    }
    lede_free(whole);
  }
  /* A memory limit hit while the render applies the edits (made by an
   * earlier run) writes nothing; with more memory the same render works. */
  lede_doc *md2;
  cr_assert_eq(lede_doc_load(eng, src, len, &lo, &md2), LEDE_OK);
  const char *edit_only = "local doc = ... for _, s in ipairs(doc.sentences) do "
                          "s.text = s.text:upper() end return ''";
  cr_assert_eq(lede_run_string(eng, "t", edit_only, strlen(edit_only), md2, NULL, NULL, NULL),
               LEDE_OK);
  collect z = {NULL, 0, 0, 0};
  lede_run_options lim = {.to = LEDE_FORMAT_MARKDOWN, .output = collect_fn, .output_ud = &z,
                          .max_memory = 1 << 20};
  cr_assert_eq(lede_run_string(eng, "t", "", 0, md2, &lim, NULL, NULL), LEDE_ELIMIT,
               "%s", lede_errmsg(eng));
  cr_assert_eq(z.calls, 0);
  lim.max_memory = 64 << 20;
  cr_assert_eq(lede_run_string(eng, "t", "", 0, md2, &lim, NULL, NULL), LEDE_OK);
  cr_assert_gt(z.calls, 3);
  free(z.buf);
  lede_doc_free(md2);
  lede_doc_free(md);
  free(src);
}

/* ---- host functions ----------------------------------------------------- */

static int h_concat(void *ud, int argc, const char *const *argv, const size_t *argl,
                    lede_result *res) {
  char buf[128];
  size_t n = 0;
  (void)ud;
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i] ? argv[i] : "<nil>";
    size_t l = argv[i] ? argl[i] : 5;
    if (n + l + 1 >= sizeof buf) return 1;
    if (i) buf[n++] = ',';
    memcpy(buf + n, a, l);
    n += l;
  }
  lede_result_string(res, buf, n);
  return 0;
}

static int h_fail(void *ud, int argc, const char *const *argv, const size_t *argl,
                  lede_result *res) {
  (void)argc, (void)argv, (void)argl;
  lede_result_string(res, "dropped", 7);
  lede_result_error(res, ud);
  return 1;
}

static int h_silent_fail(void *ud, int argc, const char *const *argv, const size_t *argl,
                         lede_result *res) {
  (void)ud, (void)argc, (void)argv, (void)argl, (void)res;
  return 1;
}

static int h_nil(void *ud, int argc, const char *const *argv, const size_t *argl,
                 lede_result *res) {
  (void)ud, (void)argc, (void)argv, (void)argl, (void)res;
  return 0;
}

Test(embed, host_functions_get_strings_and_return_one) {
  cr_assert_eq(lede_register(eng, "concat", h_concat, NULL), LEDE_OK);
  cr_assert_eq(lede_register(eng, "none", h_nil, NULL), LEDE_OK);
  char *out = NULL;
  cr_assert_eq(run("return lede.host.concat('a', 2, nil, true, 'x\\0y') .. '|' .. "
                   "tostring((lede.host.none())) .. '|' .. select('#', lede.host.none())",
                   NULL, &out),
               LEDE_OK);
  cr_assert_eq(memcmp(out, "a,2,<nil>,true,x\0y|nil|0", 25), 0);
  lede_free(out);
}

Test(embed, host_function_errors_carry_the_script_position) {
  cr_assert_eq(lede_register(eng, "fail", h_fail, "custom message"), LEDE_OK);
  cr_assert_eq(lede_register(eng, "quiet", h_silent_fail, NULL), LEDE_OK);
  cr_assert_eq(run("local x = 1\nlede.host.fail()", NULL, NULL), LEDE_ESCRIPT);
  cr_assert(strncmp(lede_errmsg(eng), "t.lua:2: custom message\n", 24) == 0, "got %s",
            lede_errmsg(eng));
  cr_assert_eq(run("lede.host.quiet()", NULL, NULL), LEDE_ESCRIPT);
  cr_assert(strncmp(lede_errmsg(eng), "t.lua:1: quiet failed\n", 22) == 0, "got %s",
            lede_errmsg(eng));
  char *out = NULL;
  cr_assert_eq(run("local ok, e = pcall(lede.host.fail) return tostring(ok) .. ' ' .. e", NULL,
                   &out),
               LEDE_OK);
  cr_assert_str_eq(out, "false custom message");
  lede_free(out);
}

Test(embed, host_functions_are_replaced_and_removed) {
  cr_assert_eq(lede_register(eng, "f", h_nil, NULL), LEDE_OK);
  cr_assert_eq(lede_register(eng, "g", h_concat, NULL), LEDE_OK);
  cr_assert_eq(lede_register(eng, "f", h_concat, NULL), LEDE_OK); /* replaced */
  char *out = NULL;
  cr_assert_eq(run("return lede.host.f('z')", NULL, &out), LEDE_OK);
  cr_assert_str_eq(out, "z");
  lede_free(out);
  cr_assert_eq(lede_register(eng, "f", NULL, NULL), LEDE_OK); /* removed */
  cr_assert_eq(lede_register(eng, "never", NULL, NULL), LEDE_OK);
  cr_assert_eq(run("return tostring(lede.host.f) .. ' ' .. lede.host.g('still')", NULL, &out),
               LEDE_OK);
  cr_assert_str_eq(out, "nil still");
  lede_free(out);
  cr_assert_eq(lede_register(eng, "not-a-name", h_nil, NULL), LEDE_EINVAL);
  cr_assert_str_eq(lede_errmsg(eng), "host function name 'not-a-name' is not a Lua identifier");
  cr_assert_eq(lede_register(eng, "9lives", h_nil, NULL), LEDE_EINVAL);
}

Test(embed, documents_outlive_their_engine_and_move_between_engines) {
  lede_engine *a, *b;
  lede_doc *d;
  cr_assert_eq(lede_engine_new(NULL, &a), LEDE_OK);
  cr_assert_eq(lede_doc_load(a, "Kept. Alive.", 12, NULL, &d), LEDE_OK);
  lede_engine_free(a);
  cr_assert_eq(lede_engine_new(NULL, &b), LEDE_OK);
  char *out = NULL;
  cr_assert_eq(lede_run_string(b, "t", "return (...).sentences[2].text", 30, d, NULL, &out, NULL),
               LEDE_OK);
  cr_assert_str_eq(out, "Alive.");
  lede_free(out);
  lede_engine_free(b);
  lede_doc_free(d);
}
