/* test_host.c -- the host API of issue 12 as a host uses it: typed host
 * functions in both directions, prepared scripts, per-run output and
 * limits, interrupts, the limit accessor and the message/traceback split,
 * and reading documents from C. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "lede.h"

static lede_engine *e;
static lede_doc *d;
static char *out;
static size_t outlen;

static const char TEXT[] = "First sentence. Second one!\n\nA new paragraph.";

static void setup(void) {
  cr_assert_eq(lede_engine_new(NULL, &e), LEDE_OK);
  cr_assert_eq(lede_doc_load(e, TEXT, sizeof TEXT - 1, NULL, &d), LEDE_OK);
}
static void teardown(void) {
  lede_free(out);
  lede_doc_free(d);
  lede_engine_free(e);
}
TestSuite(host, .init = setup, .fini = teardown);

static lede_status run(const char *code) {
  lede_free(out);
  out = NULL;
  return lede_run_string(e, "t.lua", code, strlen(code), d, NULL, &out, &outlen);
}

static void expect(const char *code, const char *want) {
  cr_assert_eq(run(code), LEDE_OK, "%s\n%s", code, lede_errmsg(e));
  cr_assert_str_eq(out, want, "%s", code);
}

/* Echoes its arguments back as results, tables included, re-encoded
 * through the builder: everything the script sends comes back. */
static void echo_value(const lede_value *v, lede_result *res) {
  long long i;
  size_t n;
  const char *s;
  switch (lede_value_type(v)) {
  case LEDE_TNIL: lede_result_nil(res); break;
  case LEDE_TBOOLEAN: lede_result_boolean(res, lede_value_boolean(v)); break;
  case LEDE_TNUMBER:
    if (lede_value_integer(v, &i)) lede_result_integer(res, i);
    else lede_result_number(res, lede_value_number(v));
    break;
  case LEDE_TSTRING:
    s = lede_value_string(v, &n);
    lede_result_lstring(res, s, n);
    break;
  case LEDE_TTABLE:
    lede_result_table(res);
    for (size_t k = 0; k < lede_value_count(v); k++) {
      const lede_value *key = lede_value_key(v, k);
      if (lede_value_type(key) == LEDE_TSTRING) {
        s = lede_value_string(key, &n);
        lede_result_key(res, s, n);
      }
      echo_value(lede_value_at(v, k), res);
    }
    lede_result_end(res);
    break;
  }
}

static int echo(void *ud, const lede_value *args, lede_result *res) {
  (void)ud;
  for (size_t i = 1; i <= lede_value_length(args); i++) echo_value(lede_value_index(args, i), res);
  return 0;
}

static int fail(void *ud, const lede_value *args, lede_result *res) {
  (void)ud;
  size_t n;
  const char *why = lede_value_string(lede_value_index(args, 1), &n);
  lede_result_error(res, why ? why : NULL);
  return 1;
}

static int lookup(void *ud, const lede_value *args, lede_result *res) {
  (void)ud;
  const lede_value *t = lede_value_index(args, 1);
  const lede_value *name = lede_value_field(t, "name");
  const lede_value *tags = lede_value_field(t, "tags");
  size_t n;
  const char *s = lede_value_string(name, &n);
  lede_result_lstring(res, s, n);
  lede_result_integer(res, (long long)lede_value_length(tags));
  lede_result_table(res);
  lede_result_key(res, "ok", 2);
  lede_result_boolean(res, 1);
  lede_result_key(res, "nested", 6);
  lede_result_table(res);
  lede_result_lstring(res, "a\0b", 3);
  /* left open on purpose: closed after the call */
  return 0;
}

Test(host, typed_values_both_ways) {
  cr_assert_eq(lede_register_typed(e, "echo", echo, NULL), LEDE_OK);
  cr_assert_eq(lede_register_typed(e, "fail", fail, NULL), LEDE_OK);
  cr_assert_eq(lede_register_typed(e, "lookup", lookup, NULL), LEDE_OK);
  expect("local a, b, c, d, e, f = lede.host.echo(nil, true, false, 42, 2.5, 'x\\0y')\n"
         "return table.concat({tostring(a), tostring(b), tostring(c), math.type(d), d, e, #f,"
         " f:byte(2)}, ' ')",
         "nil true false integer 42 2.5 3 0");
  expect("local n = select('#', lede.host.echo(1, nil, nil)) return tostring(n)", "3");
  expect("local t = lede.host.echo({1, 2, {3, {k = 'v'}}, name = 'n'})\n"
         "return t[1] .. t[2] .. t[3][1] .. t[3][2].k .. t.name .. #t",
         "123vn3");
  expect("local t = lede.host.echo({10, 20, 30}) return lede.json(t)", "[10,20,30]");
  expect("local s, n, t = lede.host.lookup({name = 'lede', tags = {'a', 'b', 'c'}})\n"
         "return s .. ' ' .. n .. ' ' .. tostring(t.ok) .. ' ' .. #t.nested[1]",
         "lede 3 true 3");
  /* host errors are Lua errors with the host's message, catchable */
  expect("local ok, err = pcall(function() lede.host.fail('disk full') end) return err",
         "t.lua:1: disk full");
  cr_assert_eq(run("lede.host.fail('no')"), LEDE_ESCRIPT);
  cr_assert_str_eq(lede_error_message(e), "t.lua:1: no");
  cr_assert(strncmp(lede_error_traceback(e), "stack traceback:\n", 17) == 0, "%s",
            lede_error_traceback(e));
  /* what cannot be passed raises before the host runs */
  cr_assert_eq(run("lede.host.echo(print)"), LEDE_ESCRIPT);
  cr_assert_str_eq(lede_error_message(e), "t.lua:1: lede.host.echo: argument 1: cannot pass a function");
  cr_assert_eq(run("local t = {} t.t = t lede.host.echo(t)"), LEDE_ESCRIPT);
  cr_assert(strstr(lede_errmsg(e), "nested too deep (or a cycle)"), "%s", lede_errmsg(e));
}

Test(host, prepared_script_runs_many_documents) {
  lede_script *s;
  cr_assert_eq(lede_script_compile(e, "count.lua",
                                   "local doc, args = ... return args.tag .. #doc.sentences", 55,
                                   &s),
               LEDE_OK);
  for (int i = 0; i < 3; i++) {
    lede_arg a = {"tag", i == 1 ? "b:" : "a:"};
    lede_run_options ro = {.args = &a, .nargs = 1};
    cr_assert_eq(lede_script_run(e, s, d, &ro, &out, NULL), LEDE_OK, "%s", lede_errmsg(e));
    cr_assert_str_eq(out, i == 1 ? "b:3" : "a:3");
    lede_free(out);
    out = NULL;
  }
  lede_script_free(s);
  /* errors: at compile time, with the name and line */
  cr_assert_eq(lede_script_compile(e, "bad.lua", "x = = 1", 7, &s), LEDE_ESCRIPT);
  cr_assert(strncmp(lede_errmsg(e), "bad.lua:1:", 10) == 0, "%s", lede_errmsg(e));
  cr_assert_null(s);
  /* and at run time, with the same lines as a source run */
  cr_assert_eq(lede_script_compile(e, "rt.lua", "\nerror('boom')", 14, &s), LEDE_OK);
  cr_assert_eq(lede_script_run(e, s, d, NULL, &out, NULL), LEDE_ESCRIPT);
  cr_assert_str_eq(lede_error_message(e), "rt.lua:2: boom");
  lede_script_free(s);
  /* from a file */
  cr_assert_eq(lede_script_compile_file(e, LEDE_ROOT "/scripts/sentences.lua", &s), LEDE_OK);
  cr_assert_eq(lede_script_run(e, s, d, NULL, &out, NULL), LEDE_OK, "%s", lede_errmsg(e));
  lede_script_free(s);
}

typedef struct sink {
  char buf[256];
  size_t n;
  int calls;
} sink;

static int to_sink(void *ud, const char *data, size_t len) {
  sink *k = ud;
  if (k->n + len < sizeof k->buf) memcpy(k->buf + k->n, data, len), k->n += len;
  k->calls++;
  return 0;
}

Test(host, per_run_output_and_limits) {
  sink k = {{0}, 0, 0};
  lede_run_options ro = {.output = to_sink, .output_ud = &k};
  out = (char *)&out;
  cr_assert_eq(lede_run_string(e, "t", "lede.write('a', 'b', 'c') lede.write('d')", 41, d, &ro,
                               &out, NULL),
               LEDE_OK);
  cr_assert_null(out);
  cr_assert_str_eq(k.buf, "abcd");
  cr_assert_eq(k.calls, 2);
  /* the next run without the option collects into a buffer again */
  expect("return 'buffered'", "buffered");
  lede_free(out);
  out = NULL;
  /* limits per run; the engine's stay for the next run */
  ro = (lede_run_options){.max_instructions = 5000};
  cr_assert_eq(lede_run_string(e, "t", "while true do end", 17, d, &ro, &out, NULL), LEDE_ELIMIT);
  cr_assert_eq(lede_limit_hit(e), LEDE_LIMIT_INSTRUCTIONS);
  cr_assert(strstr(lede_errmsg(e), "instruction limit of 5000"), "%s", lede_errmsg(e));
  ro = (lede_run_options){.timeout = 0.05};
  cr_assert_eq(lede_run_string(e, "t", "while true do end", 17, d, &ro, &out, NULL), LEDE_ELIMIT);
  cr_assert_eq(lede_limit_hit(e), LEDE_LIMIT_TIME);
  ro = (lede_run_options){.max_memory = 1 << 20};
  cr_assert_eq(lede_run_string(e, "t", "local t = {} for i = 1, 1e7 do t[i] = i end", 43, d, &ro,
                               &out, NULL),
               LEDE_ELIMIT);
  cr_assert_eq(lede_limit_hit(e), LEDE_LIMIT_MEMORY);
  cr_assert(strstr(lede_error_message(e), "memory limit of 1 MB"), "%s", lede_error_message(e));
  expect("local t = {} for i = 1, 1e6 do t[i] = i end return 'fine'", "fine");
  cr_assert_eq(lede_limit_hit(e), LEDE_LIMIT_NONE);
}

static void *interrupter(void *arg) {
  struct timespec ts = {0, 50 * 1000000L};
  nanosleep(&ts, NULL);
  lede_interrupt(arg);
  return NULL;
}

Test(host, interrupt_from_another_thread) {
  lede_interrupt(e); /* no run in progress: no effect on the next one */
  expect("return 'ran'", "ran");
  pthread_t t;
  cr_assert_eq(pthread_create(&t, NULL, interrupter, e), 0);
  /* pcall cannot swallow it, and a C helper in a loop is stopped too */
  lede_status st = run("while true do pcall(lede.count, ('x '):rep(1000)) end");
  pthread_join(t, NULL);
  cr_assert_eq(st, LEDE_EINTERRUPT, "%s", lede_errmsg(e));
  cr_assert(strncmp(lede_errmsg(e), "script interrupted by the host", 30) == 0, "%s",
            lede_errmsg(e));
  cr_assert_eq(lede_limit_hit(e), LEDE_LIMIT_NONE);
  expect("return 'again'", "again");
}

Test(host, reading_from_c) {
  size_t np, ns;
  cr_assert_eq(lede_doc_counts(e, d, &np, &ns), LEDE_OK);
  cr_assert_eq(np, 2);
  cr_assert_eq(ns, 3);
  lede_span s;
  cr_assert_eq(lede_doc_sentence(e, d, 1, &s), LEDE_OK);
  cr_assert_eq(s.start, 16);
  cr_assert_eq(s.end, 27);
  cr_assert_eq(s.paragraph, 0);
  cr_assert_eq(s.kind, LEDE_KIND_PARAGRAPH);
  cr_assert_eq(s.removed, 0);
  char *t;
  size_t n;
  cr_assert_eq(lede_doc_sentence_text(e, d, 1, &t, &n), LEDE_OK);
  cr_assert_str_eq(t, "Second one!");
  cr_assert_eq(n, 11);
  lede_free(t);
  cr_assert_eq(lede_doc_paragraph(e, d, 1, &s), LEDE_OK);
  cr_assert_eq(s.start, 29);
  cr_assert_eq(s.end, 45);
  cr_assert_eq(s.first, 2);
  cr_assert_eq(s.count, 1);
  /* edits applied */
  expect("local doc = ... doc.sentences[2].text = 'Changed!' doc.sentences[3]:remove() return ''",
         "");
  cr_assert_eq(lede_doc_sentence_text(e, d, 1, &t, NULL), LEDE_OK);
  cr_assert_str_eq(t, "Changed!");
  lede_free(t);
  cr_assert_eq(lede_doc_sentence(e, d, 1, &s), LEDE_OK);
  cr_assert_eq(s.edited, 1);
  cr_assert_eq(lede_doc_paragraph_text(e, d, 0, &t, NULL), LEDE_OK);
  cr_assert_str_eq(t, "First sentence. Changed!");
  lede_free(t);
  cr_assert_eq(lede_doc_paragraph(e, d, 1, &s), LEDE_OK);
  cr_assert_eq(s.removed, 1);
  cr_assert_eq(lede_doc_sentence_text(e, d, 2, &t, NULL), LEDE_OK);
  cr_assert_str_eq(t, "");
  lede_free(t);
  cr_assert_str_eq(lede_kind_name(LEDE_KIND_HEADING), "heading");
}

/* Issue 12, defect 4: edits take valid UTF-8 only, as loading does. */
Test(host, edits_refuse_invalid_utf8) {
  cr_assert_eq(run("local doc = ... doc.sentences[1].text = 'ok\\255'"), LEDE_ESCRIPT);
  cr_assert_str_eq(lede_error_message(e),
                   "t.lua:1: new text: 1:3: invalid UTF-8 at byte offset 2 (0xFF)");
  cr_assert_eq(run("local doc = ... doc.sentences[1]:replace(1, 1, 'a\\0b')"), LEDE_ESCRIPT);
  cr_assert(strstr(lede_error_message(e), "new text: 1:2: NUL byte at byte offset 1"), "%s",
            lede_error_message(e));
  cr_assert_eq(run("local doc = ... doc.paragraphs[1].text = '\\192'"), LEDE_ESCRIPT);
  /* nothing was changed */
  expect("local doc = ... return doc:render('json'):find('\\255') and 'raw' or 'clean'", "clean");
  expect("local doc = ... return doc.sentences[1].text", "First sentence.");
}
