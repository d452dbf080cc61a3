/* errors.c -- every way a call can fail, and what the host sees: a status
 * code, a message on the engine, and an engine that stays usable.
 *
 * `make valgrind` runs this (with embed and callback) under
 * valgrind --leak-check=full: every failure path must free what it took. */
#include <stdio.h>
#include <string.h>

#include <lede.h>

/* Prints the status and the first line of the engine's message (the rest
 * is a Lua traceback, shown once below). */
static void report(const char *what, lede_engine *e, lede_status st) {
  const char *msg = lede_errmsg(e); /* BORROWED until the next call on e */
  const char *nl = strchr(msg, '\n');
  printf("%-22s %-24s %.*s\n", what, lede_strerror(st), nl ? (int)(nl - msg) : (int)strlen(msg),
         msg);
}

/* Runs code on doc and reports the result, or the output on success. */
static lede_status run(lede_engine *e, const char *what, const char *code, lede_doc *doc) {
  char *out = NULL; /* OWNED on success, NULL on error */
  lede_status st = lede_run_string(e, "bad.lua", code, strlen(code), doc, NULL, &out, NULL);
  if (st == LEDE_OK) printf("%-22s %-24s %s\n", what, lede_strerror(st), out ? out : "");
  else report(what, e, st);
  lede_free(out);
  return st;
}

static lede_engine *engine(size_t max_memory, unsigned long max_instructions, double timeout,
                           size_t max_input) {
  lede_options o;
  lede_options_init(&o);
  o.max_memory = max_memory;
  o.max_instructions = max_instructions;
  o.timeout = timeout;
  if (max_input) o.max_input = max_input;
  lede_engine *e = NULL;
  if (lede_engine_new(&o, &e) != LEDE_OK) return NULL;
  return e;
}

/* An output callback that refuses everything after the first piece. */
static int refuse_second(void *ud, const char *data, size_t len) {
  int *pieces = ud;
  (void)data, (void)len;
  return ++*pieces > 1;
}

/* A host function that always fails. */
static int host_fail(void *ud, int argc, const char *const *argv, const size_t *argl,
                     lede_result *res) {
  (void)ud, (void)argc, (void)argv, (void)argl;
  lede_result_error(res, "the host said no");
  return 1;
}

int main(void) {
  lede_engine *e = engine((size_t)4 << 20, 200000, 0, 64);
  lede_engine *slow = engine(0, 0, 0.05, 0);
  if (!e || !slow) return 1;
  lede_doc *doc = NULL;
  lede_status st;
  char *path = NULL, *out = NULL;

  puts("-- documents");
  static const char bad_utf8[] = "Caf\xC3( au lait.";
  st = lede_doc_load(e, bad_utf8, sizeof bad_utf8 - 1, NULL, &doc);
  report("invalid UTF-8", e, st);
  static const char nul[] = "One.\nTw\0o.";
  st = lede_doc_load(e, nul, sizeof nul - 1, NULL, &doc);
  report("NUL byte", e, st);
  lede_load_options repl = {.format = LEDE_FORMAT_TEXT, .paragraphs = LEDE_PARAS_AUTO,
                            .flags = LEDE_LOAD_REPLACE_INVALID};
  st = lede_doc_load(e, bad_utf8, sizeof bad_utf8 - 1, &repl, &doc);
  report("replaced instead", e, st);
  if (st == LEDE_OK && lede_doc_render(e, doc, LEDE_FORMAT_AUTO, 0, &out, NULL) == LEDE_OK)
    printf("%-22s %-24s %s\n", "  rendered", "", out);
  lede_free(out);
  lede_doc_free(doc);
  doc = NULL;
  static const char big[] = "A document longer than the engine's 64-byte input limit, by a little.";
  st = lede_doc_load(e, big, sizeof big - 1, NULL, &doc);
  report("input limit", e, st);
  st = lede_doc_load_file(e, "no-such-file.txt", NULL, &doc);
  report("missing file", e, st);

  puts("-- scripts");
  static const char text[] = "Short text. Two sentences.";
  if (lede_doc_load(e, text, sizeof text - 1, NULL, &doc) != LEDE_OK) return 1;
  run(e, "syntax error", "return (", doc);
  st = run(e, "runtime error",
           "local function check(s)\n  error('not a sentence: ' .. s, 2)\nend\n"
           "check(tostring(#(...).sentences))\n",
           doc);
  if (st == LEDE_ESCRIPT) printf("  full message:\n%s\n", lede_errmsg(e));
  run(e, "sandbox", "return io.open('/etc/passwd'):read('a')", doc);
  run(e, "bad return", "return {}", doc);
  st = lede_run_file(e, "no-such-script.lua", doc, NULL, &out, NULL);
  report("missing script", e, st);
  st = lede_find_script(e, "no-such-script", &path);
  report("unknown script name", e, st);

  puts("-- limits (the script tries to pcall its way past each)");
  run(e, "memory limit",
      "local t = {}\nwhile true do pcall(function() t[#t + 1] = ('x'):rep(1000) .. #t end) end",
      doc);
  run(e, "memory limit in C", "local s = (...).sentences[1]\ns.text = ('x'):rep(8 << 20)", doc);
  run(e, "instruction limit", "while true do pcall(function() while true do end end) end", doc);
  run(slow, "time limit", "while true do pcall(function() while true do end end) end", NULL);

  puts("-- host callbacks");
  int pieces = 0;
  lede_set_output(e, refuse_second, &pieces);
  run(e, "output refused", "lede.write('one') lede.write('two') lede.write('three')", doc);
  lede_set_output(e, NULL, NULL);
  st = lede_register(e, "not a name", host_fail, NULL);
  report("bad host name", e, st);
  if (lede_register(e, "fail", host_fail, NULL) != LEDE_OK) return 1;
  run(e, "host error", "lede.host.fail('x')", doc);
  run(e, "host error caught",
      "local ok, err = pcall(lede.host.fail)\nreturn 'caught: ' .. err", doc);

  puts("-- and the engine still works");
  run(e, "after all that", "return #(...).sentences .. ' sentences'", doc);

  lede_doc_free(doc);
  lede_engine_free(slow);
  lede_engine_free(e);
  return 0;
}
