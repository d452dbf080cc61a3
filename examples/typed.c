/* typed.c -- host functions that take and return real values: numbers,
 * booleans, nil, strings with NUL bytes, nested tables, several results,
 * and errors the script sees as Lua errors.
 *
 * lede.host.stats(words) gets a Lua array of strings and returns a table
 * {count = n, longest = "...", lengths = {..}} plus a boolean;
 * lede.host.lookup(name) returns a record or raises "unknown term". */
#include <stdio.h>
#include <string.h>

#include <lede.h>

static int stats(void *ud, const lede_value *args, lede_result *res) {
  (void)ud;
  const lede_value *words = lede_value_index(args, 1);
  if (lede_value_type(words) != LEDE_TTABLE) {
    lede_result_error(res, "stats: expected an array of words");
    return 1;
  }
  size_t n = lede_value_length(words), best = 0;
  const char *longest = "";
  lede_result_table(res); /* the first result: a table */
  lede_result_key(res, "lengths", 7);
  lede_result_table(res); /* .lengths = {..} */
  for (size_t i = 1; i <= n; i++) {
    size_t len;
    const char *w = lede_value_string(lede_value_index(words, i), &len);
    lede_result_integer(res, (long long)len);
    if (w && len > best) best = len, longest = w;
  }
  lede_result_end(res);
  lede_result_key(res, "count", 5);
  lede_result_integer(res, (long long)n);
  lede_result_key(res, "longest", 7);
  lede_result_lstring(res, longest, best);
  lede_result_end(res);
  lede_result_boolean(res, n > 10); /* the second result */
  return 0;
}

static int lookup(void *ud, const lede_value *args, lede_result *res) {
  (void)ud;
  size_t len;
  const char *name = lede_value_string(lede_value_index(args, 1), &len);
  if (!name || strcmp(name, "levee") != 0) {
    lede_result_error(res, "unknown term");
    return 1;
  }
  lede_result_table(res);
  lede_result_key(res, "term", 4);
  lede_result_lstring(res, name, len);
  lede_result_key(res, "raw", 3);
  lede_result_lstring(res, "a\0b", 3); /* NUL bytes survive */
  lede_result_key(res, "missing", 7);
  lede_result_nil(res); /* nil in a table: no entry */
  lede_result_key(res, "score", 5);
  lede_result_number(res, 0.75);
  lede_result_end(res);
  return 0;
}

static const char script[] =
    "local doc = ...\n"
    "local words = {}\n"
    "for _, w in ipairs(doc.sentences[1].words) do words[#words + 1] = w.text end\n"
    "local st, many = lede.host.stats(words)\n"
    "local r = lede.host.lookup('levee')\n"
    "local ok, err = pcall(function() return lede.host.lookup('dam') end)\n"
    "return string.format('%d words (many: %s), longest %q, lengths %s\\n'\n"
    "  .. 'lookup: %s %s #raw=%d missing=%s\\nerror: %s\\n',\n"
    "  st.count, tostring(many), st.longest, table.concat(st.lengths, ','),\n"
    "  r.term, r.score, #r.raw, tostring(r.missing), err)\n";

int main(void) {
  lede_engine *e = NULL;
  lede_doc *d = NULL;
  char *out = NULL;
  if (lede_engine_new(NULL, &e) != LEDE_OK) return 1;
  lede_status st = lede_register_typed(e, "stats", stats, NULL);
  if (st == LEDE_OK) st = lede_register_typed(e, "lookup", lookup, NULL);
  if (st == LEDE_OK) st = lede_doc_load_file(e, "article.txt", NULL, &d);
  if (st == LEDE_OK)
    st = lede_run_string(e, "typed.lua", script, sizeof script - 1, d, NULL, &out, NULL);
  if (st == LEDE_OK) fputs(out, stdout);
  else fprintf(stderr, "typed: %s\n", lede_errmsg(e));
  lede_free(out);
  lede_doc_free(d);
  lede_engine_free(e);
  return st == LEDE_OK ? 0 : 1;
}
