/* test_didyoumean.c -- a misspelled field on a document object or on the
 * `lede` table raises, naming the closest real name, instead of reading
 * as a silent nil. */
#include <criterion/criterion.h>
#include <string.h>

#include "helpers.h"
#include "suggest.h"

static lede_engine *eng;
static lede_doc *doc;

static void setup(void) {
  cr_assert_eq(lede_engine_new(NULL, &eng), LEDE_OK);
  doc = load_text(eng, "# Title\n\nOne sentence. Two words here.\n", LEDE_PARAS_AUTO);
}
static void teardown(void) {
  lede_doc_free(doc);
  lede_engine_free(eng);
}
TestSuite(didyoumean, .init = setup, .fini = teardown);

/* Runs code (named t.lua) and returns its error message: OWNED copy. */
static char *error_of(const char *code) {
  lede_status st = lede_run_string(eng, "t.lua", code, strlen(code), doc, NULL, NULL, NULL);
  cr_assert_eq(st, LEDE_ESCRIPT, "ran without error: %s", code);
  char *msg = strdup(lede_errmsg(eng));
  char *nl = strchr(msg, '\n'); /* the message line, without the traceback */
  if (nl) *nl = '\0';
  return msg;
}

static void expect_error(const char *code, const char *want) {
  char *got = error_of(code);
  cr_assert_str_eq(got, want, "for: %s", code);
  free(got);
}

Test(didyoumean, document_fields) {
  expect_error("local doc = ...\nreturn #doc.sentnces",
               "t.lua:2: no field 'sentnces' on Document (did you mean 'sentences'?)");
  expect_error("local doc = ...\nreturn doc.paragrahps",
               "t.lua:2: no field 'paragrahps' on Document (did you mean 'paragraphs'?)");
  expect_error("local doc = ...\nreturn doc:rendr('html')",
               "t.lua:2: no field 'rendr' on Document (did you mean 'render'?)");
  expect_error("local doc = ...\nreturn doc.nothinglikeit",
               "t.lua:2: no field 'nothinglikeit' on Document");
}

Test(didyoumean, item_fields_and_methods) {
  expect_error("local doc = ...\nreturn doc.sentences[1].txt",
               "t.lua:2: no field 'txt' on Sentence (did you mean 'text'?)");
  expect_error("local doc = ...\ndoc.sentences[1]:remvoe()",
               "t.lua:2: no field 'remvoe' on Sentence (did you mean 'remove'?)");
  expect_error("local doc = ...\nreturn doc.paragraphs[1].lvel",
               "t.lua:2: no field 'lvel' on Paragraph (did you mean 'level'?)");
  expect_error("local doc = ...\nreturn doc.sentences[2].words[1].sentense",
               "t.lua:2: no field 'sentense' on Word (did you mean 'sentence'?)");
  /* A field of another class is no field of this one. */
  expect_error("local doc = ...\nreturn doc.sentences[1].kind", "t.lua:2: no field 'kind' on Sentence");
}

Test(didyoumean, lede_table) {
  expect_error("return lede.wrods('a b')", "t.lua:1: no field 'wrods' on lede (did you mean 'words'?)");
  expect_error("return lede.abbreviations.hass('Dr')",
               "t.lua:1: no field 'hass' on lede.abbreviations (did you mean 'has'?)");
  expect_error("setmetatable(lede, nil)", "cannot change a protected metatable");
}

Test(didyoumean, real_names_and_misses_still_work) {
  char *out = NULL;
  const char *code =
      "local doc = ...\n"
      "local p = doc.paragraphs[1]\n"
      "return table.concat({tostring(p.level), tostring(doc.paragraphs[2].level),\n"
      "  tostring(rawget(lede, 'nope')), tostring(lede.host.nothing), tostring(doc.sentences[99]),\n"
      "  tostring(doc.sentences.x), doc.sentences[1].text}, ',')";
  cr_assert_eq(lede_run_string(eng, "t.lua", code, strlen(code), doc, NULL, &out, NULL), LEDE_OK,
               "%s", lede_errmsg(eng));
  cr_assert_str_eq(out, "nil,nil,nil,nil,nil,nil,# Title"); /* plain text: no heading */
  lede_free(out);
}

Test(didyoumean, closest_name) {
  const char *c[] = {"sentences", "paragraphs", "source", NULL, "text"};
  cr_assert_str_eq(suggest_closest("sentnces", 8, c, 5), "sentences");
  cr_assert_str_eq(suggest_closest("setnences", 9, c, 5), "sentences"); /* a swap is one edit */
  cr_assert_str_eq(suggest_closest("txt", 3, c, 5), "text");
  cr_assert_null(suggest_closest("tx", 2, c, 5)); /* two edits on a short name: a guess */
  cr_assert_null(suggest_closest("", 0, c, 5));
  cr_assert_null(suggest_closest("zzzzzzzzz", 9, c, 5));
}
