/* test_fault.c -- fault injection on the public API (issue 12, defect 1).
 *
 * Every function of lede.h is called with NULL, out-of-range and garbage
 * arguments, each argument in turn with the others valid, and must return
 * LEDE_EINVAL (or, for functions without a status, do nothing) -- never
 * crash.  When the engine is valid its message names the argument.  `make
 * asan` runs this under AddressSanitizer and UBSan. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "lede.h"

static lede_engine *e;
static lede_doc *d;
static lede_script *sc;

static void setup(void) {
  cr_assert_eq(lede_engine_new(NULL, &e), LEDE_OK);
  cr_assert_eq(lede_doc_load(e, "One. Two.\n\nThree.", 17, NULL, &d), LEDE_OK);
  cr_assert_eq(lede_script_compile(e, "s", "return 'x'", 10, &sc), LEDE_OK);
}
static void teardown(void) {
  lede_script_free(sc);
  lede_doc_free(d);
  lede_engine_free(e);
}
TestSuite(fault, .init = setup, .fini = teardown);

/* The call returned LEDE_EINVAL and e's message mentions what. */
#define EINVAL_NAMING(call, what)                                                        \
  do {                                                                                   \
    cr_assert_eq((call), LEDE_EINVAL, "%s", #call);                                     \
    cr_assert(strstr(lede_errmsg(e), what), "%s: message '%s' does not name '%s'", #call, \
              lede_errmsg(e), what);                                                     \
  } while (0)

static int host(void *ud, int argc, const char *const *argv, const size_t *argl,
                lede_result *res) {
  (void)ud, (void)argc, (void)argv, (void)argl, (void)res;
  return 0;
}

Test(fault, versions_errors_and_frees_take_anything) {
  cr_assert_str_eq(lede_strerror(INT32_MIN), "unknown error");
  cr_assert_str_eq(lede_strerror(INT32_MAX), "unknown error");
  lede_free(NULL);
  lede_engine_free(NULL);
  lede_doc_free(NULL);
  lede_script_free(NULL);
  lede_options_init(NULL);
  lede_set_output(NULL, NULL, NULL);
  lede_interrupt(NULL);
  lede_result_string(NULL, "x", 1);
  lede_result_error(NULL, "x");
  cr_assert_str_eq(lede_errmsg(NULL), "");
  cr_assert_str_eq(lede_error_message(NULL), "");
  cr_assert_str_eq(lede_error_traceback(NULL), "");
  cr_assert_eq(lede_limit_hit(NULL), LEDE_LIMIT_NONE);
  cr_assert_eq(lede_doc_format(NULL), LEDE_FORMAT_AUTO);
  cr_assert_null(lede_format_name((lede_format)-1));
  cr_assert_null(lede_format_name((lede_format)99));
  cr_assert_null(lede_kind_name((lede_kind)-1));
  cr_assert_null(lede_kind_name((lede_kind)6));
  lede_format f;
  cr_assert_eq(lede_format_parse(NULL, &f), LEDE_EINVAL);
  cr_assert_eq(lede_format_parse("text", NULL), LEDE_EINVAL);
  cr_assert_eq(lede_format_parse("\xff\xfe", &f), LEDE_EINVAL);
}

Test(fault, engine_new) {
  lede_engine *x = (lede_engine *)&x;
  cr_assert_eq(lede_engine_new(NULL, NULL), LEDE_EINVAL);
  lede_options o;
  const double bad_timeouts[] = {-1, -1e-9, NAN, -INFINITY};
  for (size_t i = 0; i < sizeof bad_timeouts / sizeof bad_timeouts[0]; i++) {
    lede_options_init(&o);
    o.timeout = bad_timeouts[i];
    cr_assert_eq(lede_engine_new(&o, &x), LEDE_EINVAL, "timeout %g", bad_timeouts[i]);
    cr_assert_null(x);
  }
  const int bad_sandbox[] = {-1, 2, 77};
  for (size_t i = 0; i < 3; i++) {
    lede_options_init(&o);
    o.sandbox = bad_sandbox[i];
    cr_assert_eq(lede_engine_new(&o, &x), LEDE_EINVAL, "sandbox %d", bad_sandbox[i]);
  }
  const char *const bad_abbrevs[] = {"has space", "", NULL};
  lede_options_init(&o);
  o.abbreviations = bad_abbrevs;
  cr_assert_eq(lede_engine_new(&o, &x), LEDE_EINVAL);
}

Test(fault, doc_load) {
  lede_doc *x = (lede_doc *)&x;
  cr_assert_eq(lede_doc_load(NULL, "x", 1, NULL, &x), LEDE_EINVAL);
  cr_assert_null(x);
  EINVAL_NAMING(lede_doc_load(e, NULL, 1, NULL, &x), "src is NULL");
  EINVAL_NAMING(lede_doc_load(e, "x", 1, NULL, NULL), "out is NULL");
  /* Issue 12, defect 3: options out of range are refused, not guessed. */
  lede_load_options o = {.format = LEDE_FORMAT_HTML, .paragraphs = LEDE_PARAS_AUTO};
  EINVAL_NAMING(lede_doc_load(e, "x", 1, &o, &x), "format html");
  o.format = (lede_format)77;
  EINVAL_NAMING(lede_doc_load(e, "x", 1, &o, &x), "format 77");
  o.format = (lede_format)-1;
  EINVAL_NAMING(lede_doc_load(e, "x", 1, &o, &x), "format -1");
  o.format = LEDE_FORMAT_JSON;
  EINVAL_NAMING(lede_doc_load(e, "x", 1, &o, &x), "format json");
  o = (lede_load_options){.format = LEDE_FORMAT_TEXT, .paragraphs = (lede_para_mode)9};
  EINVAL_NAMING(lede_doc_load(e, "x", 1, &o, &x), "paragraphs 9");
  o = (lede_load_options){.format = LEDE_FORMAT_TEXT, .flags = 1u << 7};
  EINVAL_NAMING(lede_doc_load(e, "x", 1, &o, &x), "unknown flags 0x80");
  o = (lede_load_options){.format = LEDE_FORMAT_TEXT, .language = "tlh"};
  EINVAL_NAMING(lede_doc_load(e, "x", 1, &o, &x), "language 'tlh'");
  o = (lede_load_options){.format = LEDE_FORMAT_TEXT, .quotes = (lede_quotes)5};
  EINVAL_NAMING(lede_doc_load(e, "x", 1, &o, &x), "quotes 5");
  o = (lede_load_options){.format = LEDE_FORMAT_TEXT, .flags = 1u << 7};
  cr_assert_null(x);
  /* and through a file, before it is opened */
  EINVAL_NAMING(lede_doc_load_file(e, LEDE_ROOT "/examples/article.txt", &o, &x), "flags");
  cr_assert_eq(lede_doc_load_file(NULL, "x", NULL, &x), LEDE_EINVAL);
  EINVAL_NAMING(lede_doc_load_file(e, NULL, NULL, &x), "path is NULL");
  EINVAL_NAMING(lede_doc_load_file(e, "x", NULL, NULL), "out is NULL");
}

Test(fault, doc_reading) {
  size_t n;
  lede_span s;
  char *t = (char *)&t;
  cr_assert_eq(lede_doc_counts(NULL, d, &n, &n), LEDE_EINVAL);
  EINVAL_NAMING(lede_doc_counts(e, NULL, &n, &n), "document is NULL");
  cr_assert_eq(lede_doc_paragraph(NULL, d, 0, &s), LEDE_EINVAL);
  EINVAL_NAMING(lede_doc_paragraph(e, NULL, 0, &s), "document is NULL");
  EINVAL_NAMING(lede_doc_paragraph(e, d, 0, NULL), "out is NULL");
  EINVAL_NAMING(lede_doc_paragraph(e, d, 2, &s), "index 2 out of range (2 paragraphs)");
  EINVAL_NAMING(lede_doc_paragraph(e, d, SIZE_MAX, &s), "out of range");
  cr_assert_eq(lede_doc_sentence(NULL, d, 0, &s), LEDE_EINVAL);
  EINVAL_NAMING(lede_doc_sentence(e, NULL, 0, &s), "document is NULL");
  EINVAL_NAMING(lede_doc_sentence(e, d, 0, NULL), "out is NULL");
  EINVAL_NAMING(lede_doc_sentence(e, d, 3, &s), "index 3 out of range (3 sentences)");
  cr_assert_eq(lede_doc_paragraph_text(NULL, d, 0, &t, &n), LEDE_EINVAL);
  cr_assert_null(t);
  EINVAL_NAMING(lede_doc_paragraph_text(e, NULL, 0, &t, &n), "document is NULL");
  EINVAL_NAMING(lede_doc_paragraph_text(e, d, 0, NULL, &n), "out is NULL");
  EINVAL_NAMING(lede_doc_paragraph_text(e, d, 9, &t, &n), "out of range");
  cr_assert_eq(lede_doc_sentence_text(NULL, d, 0, &t, &n), LEDE_EINVAL);
  EINVAL_NAMING(lede_doc_sentence_text(e, NULL, 0, &t, &n), "document is NULL");
  EINVAL_NAMING(lede_doc_sentence_text(e, d, 0, NULL, &n), "out is NULL");
  EINVAL_NAMING(lede_doc_sentence_text(e, d, (size_t)-1, &t, &n), "out of range");
  cr_assert_null(t);
}

Test(fault, doc_render) {
  char *t = (char *)&t;
  cr_assert_eq(lede_doc_render(NULL, d, LEDE_FORMAT_TEXT, 0, &t, NULL), LEDE_EINVAL);
  cr_assert_null(t);
  EINVAL_NAMING(lede_doc_render(e, NULL, LEDE_FORMAT_TEXT, 0, &t, NULL), "document is NULL");
  EINVAL_NAMING(lede_doc_render(e, d, LEDE_FORMAT_TEXT, 0, NULL, NULL), "out is NULL");
  EINVAL_NAMING(lede_doc_render(e, d, (lede_format)99, 0, &t, NULL), "format 99");
  EINVAL_NAMING(lede_doc_render(e, d, (lede_format)-3, 0, &t, NULL), "format -3");
  EINVAL_NAMING(lede_doc_render(e, d, LEDE_FORMAT_HTML, 0xF0u, &t, NULL), "flags 0xf0");
  cr_assert_null(t);
}

/* Issue 12, defects 1 and 5: run options are checked before the run. */
Test(fault, run_options) {
  char *out = (char *)&out;
  lede_run_options ro = {.args = NULL, .nargs = 1};
  EINVAL_NAMING(lede_run_string(e, "t", "return ''", 9, d, &ro, &out, NULL),
                "args is NULL but nargs is 1");
  cr_assert_null(out);
  lede_arg args[] = {{"ok", "1"}, {NULL, "v"}};
  ro = (lede_run_options){.args = args, .nargs = 2};
  EINVAL_NAMING(lede_run_string(e, "t", "return ''", 9, d, &ro, &out, NULL),
                "args[1].key is NULL");
  ro = (lede_run_options){.nfiles = 1};
  EINVAL_NAMING(lede_run_string(e, "t", "return ''", 9, d, &ro, &out, NULL),
                "files is NULL but nfiles is 1");
  const char *files[] = {"a.txt", NULL};
  ro = (lede_run_options){.files = files, .nfiles = 2};
  EINVAL_NAMING(lede_run_string(e, "t", "return ''", 9, d, &ro, &out, NULL), "files[1] is NULL");
  ro = (lede_run_options){.to = (lede_format)99};
  EINVAL_NAMING(lede_run_string(e, "t", "return nil", 10, d, &ro, &out, NULL), "to = 99");
  cr_assert(!strstr(lede_errmsg(e), "traceback"), "%s", lede_errmsg(e));
  ro = (lede_run_options){.render_flags = 1u << 9};
  EINVAL_NAMING(lede_run_string(e, "t", "return nil", 10, d, &ro, &out, NULL), "render_flags");
  ro = (lede_run_options){.timeout = -2};
  EINVAL_NAMING(lede_run_string(e, "t", "return nil", 10, d, &ro, &out, NULL), "timeout");
  ro = (lede_run_options){.timeout = NAN};
  EINVAL_NAMING(lede_run_string(e, "t", "return nil", 10, d, &ro, &out, NULL), "timeout");
  /* the same checks for files and prepared scripts */
  ro = (lede_run_options){.to = (lede_format)-5};
  EINVAL_NAMING(lede_run_file(e, LEDE_ROOT "/scripts/stats.lua", d, &ro, &out, NULL), "to = -5");
  EINVAL_NAMING(lede_script_run(e, sc, d, &ro, &out, NULL), "to = -5");
  /* and the engine is fine afterwards */
  cr_assert_eq(lede_script_run(e, sc, d, NULL, &out, NULL), LEDE_OK);
  cr_assert_str_eq(out, "x");
  lede_free(out);
}

Test(fault, runs) {
  char *out = (char *)&out;
  size_t n = 7;
  cr_assert_eq(lede_run_string(NULL, "t", "return ''", 9, d, NULL, &out, &n), LEDE_EINVAL);
  cr_assert_null(out);
  cr_assert_eq(n, 0);
  EINVAL_NAMING(lede_run_string(e, "t", NULL, 4, d, NULL, &out, &n), "code is NULL");
  cr_assert_eq(lede_run_file(NULL, "x.lua", d, NULL, &out, &n), LEDE_EINVAL);
  EINVAL_NAMING(lede_run_file(e, NULL, d, NULL, &out, &n), "path is NULL");
  cr_assert_eq(lede_script_run(NULL, sc, d, NULL, &out, &n), LEDE_EINVAL);
  EINVAL_NAMING(lede_script_run(e, NULL, d, NULL, &out, &n), "script is NULL");
  lede_script *x = (lede_script *)&x;
  cr_assert_eq(lede_script_compile(NULL, "n", "x", 1, &x), LEDE_EINVAL);
  cr_assert_null(x);
  EINVAL_NAMING(lede_script_compile(e, "n", NULL, 1, &x), "code is NULL");
  EINVAL_NAMING(lede_script_compile(e, "n", "x", 1, NULL), "out is NULL");
  cr_assert_eq(lede_script_compile_file(NULL, "x.lua", &x), LEDE_EINVAL);
  EINVAL_NAMING(lede_script_compile_file(e, NULL, &x), "path is NULL");
  EINVAL_NAMING(lede_script_compile_file(e, "x.lua", NULL), "out is NULL");
}

Test(fault, scripts_and_hosts) {
  char *p = (char *)&p;
  cr_assert_eq(lede_find_script(NULL, "stats", &p), LEDE_EINVAL);
  cr_assert_null(p);
  EINVAL_NAMING(lede_find_script(e, NULL, &p), "name is NULL");
  EINVAL_NAMING(lede_find_script(e, "stats", NULL), "path is NULL");
  /* A name that cannot be a script is simply not found (the CLI says so). */
  cr_assert_eq(lede_find_script(e, "../etc/passwd", &p), LEDE_ENOTFOUND);
  cr_assert_eq(lede_find_script(e, "", &p), LEDE_ENOTFOUND);
  cr_assert_null(p);
  cr_assert_eq(lede_script_dirs(NULL, &p), LEDE_EINVAL);
  EINVAL_NAMING(lede_script_dirs(e, NULL), "path is NULL");
  cr_assert_eq(lede_register(NULL, "f", host, NULL), LEDE_EINVAL);
  EINVAL_NAMING(lede_register(e, NULL, host, NULL), "name is NULL");
  EINVAL_NAMING(lede_register(e, "1f", host, NULL), "not a Lua identifier");
  EINVAL_NAMING(lede_register(e, "a.b", host, NULL), "not a Lua identifier");
  EINVAL_NAMING(lede_register(e, "", host, NULL), "not a Lua identifier");
}
