/* test_lua.c -- the Lua API as scripts see it: sequences, fields and
 * offsets, tostring, edits and their rendering, stale and removed handles,
 * document lifetime, the `lede` module table, the script's return value,
 * args, and error messages with their position and traceback. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

/* Lua code as a C string without quoting pains; it becomes ONE line, so
 * no "--" comments inside, and tests of line numbers use plain strings. */
#define LUA(...) #__VA_ARGS__

static const char SRC[] =
    "First one. First two. First three.\n\nSecond one. Second two.\n\nThird one.\n";

static lede_engine *eng;
static lede_doc *doc;
static char *out;
static size_t outlen;

static void setup(void) {
  cr_assert_eq(lede_engine_new(NULL, &eng), LEDE_OK);
  doc = load_text(eng, SRC, LEDE_PARAS_AUTO);
}
static void teardown(void) {
  free(out);
  out = NULL;
  lede_doc_free(doc);
  doc = NULL;
  lede_engine_free(eng);
  eng = NULL;
}
TestSuite(lua, .init = setup, .fini = teardown);

/* Runs code as "t.lua" on d with ro; the output lands in `out`. */
static lede_status run_on(lede_doc *d, const char *code, const lede_run_options *ro) {
  free(out);
  out = NULL;
  return lede_run_string(eng, "t.lua", code, strlen(code), d, ro, &out, &outlen);
}

/* Runs code on the fixture's document and asserts success and output. */
static void expect(const char *code, const char *want) {
  lede_status st = run_on(doc, code, NULL);
  cr_assert_eq(st, LEDE_OK, "script failed: %s\ncode: %s", lede_errmsg(eng), code);
  cr_assert_str_eq(out, want, "code: %s", code);
  cr_assert_eq(outlen, strlen(want));
}

/* Runs code and asserts it fails with LEDE_ESCRIPT and a message that
 * starts with prefix. */
static void expect_error(const char *code, const char *prefix) {
  lede_status st = run_on(doc, code, NULL);
  cr_assert_eq(st, LEDE_ESCRIPT, "status %d, output '%s'", st, out ? out : "");
  const char *m = lede_errmsg(eng);
  cr_assert(strncmp(m, prefix, strlen(prefix)) == 0, "message:\n%s\nwanted prefix:\n%s", m, prefix);
  cr_assert(strstr(m, "\nstack traceback:\n") != NULL, "no traceback in:\n%s", m);
}

/* ---- sequences -------------------------------------------------------------- */

LEAK_TEST(lua, sequences_len_index_ipairs, teardown) {
  expect(LUA(local doc = ...
             local P, S = doc.paragraphs, doc.sentences
             local n = 0
             for i, s in ipairs(S) do n = n + 1 assert(s.index == i) end
             local m = 0
             for i, p in ipairs(P) do m = m + 1 end
             return table.concat({#P, #S, n, m, #P[1].sentences, #P[3].sentences, #S[2].words,
                                  tostring(P[0]), tostring(P[4]), tostring(S[7]),
                                  tostring(S[-1]), tostring(S.x), tostring(S[1.5])}, ",")),
         "3,6,6,3,3,1,2,nil,nil,nil,nil,nil,nil");
}

LEAK_TEST(lua, paragraph_sentence_lists, teardown) {
  expect(LUA(local doc = ...
             local t = {}
             for _, p in ipairs(doc.paragraphs) do
               local ss = {}
               for _, s in ipairs(p.sentences) do ss[#ss + 1] = s.index .. ":" .. s.text end
               t[#t + 1] = p.index .. "[" .. table.concat(ss, "|") .. "]"
             end
             return table.concat(t, " ")),
         "1[1:First one.|2:First two.|3:First three.] 2[4:Second one.|5:Second two.] "
         "3[6:Third one.]");
}

/* ---- fields and offsets ------------------------------------------------------- */

LEAK_TEST(lua, paragraph_fields, teardown) {
  expect(LUA(local doc = ...
             local t = {}
             for _, p in ipairs(doc.paragraphs) do
               t[#t + 1] = string.format("%d %d-%d %s %s", p.index, p.start, p.stop, p.kind, p.text)
             end
             return table.concat(t, "|")),
         "1 1-34 paragraph First one. First two. First three.|"
         "2 37-59 paragraph Second one. Second two.|3 62-71 paragraph Third one.");
}

LEAK_TEST(lua, sentence_fields, teardown) {
  expect(LUA(local doc = ...
             local t = {}
             for _, s in ipairs(doc.sentences) do
               t[#t + 1] = string.format("%d:%d-%d:%s:%d", s.index, s.start, s.stop, s.text,
                                         s.paragraph.index)
             end
             return table.concat(t, "|")),
         "1:1-10:First one.:1|2:12-21:First two.:1|3:23-34:First three.:1|"
         "4:37-47:Second one.:2|5:49-59:Second two.:2|6:62-71:Third one.:3");
}

LEAK_TEST(lua, word_fields, teardown) {
  doc = (lede_doc_free(doc), load_text(eng, "Don't co-operate, U.S. 1,000\xE2\x80\x94Z\xC3\xBCrich!\n",
                                       LEDE_PARAS_AUTO));
  expect(LUA(local doc = ...
             local t = {}
             for i, w in ipairs(doc.sentences[1].words) do
               assert(w.index == i)
               t[#t + 1] = string.format("%s@%d-%d", w.text, w.start, w.stop)
             end
             return table.concat(t, " ")),
         "Don't@1-5 co-operate@7-16 U.S.@19-22 1,000@24-28 Z\xC3\xBCrich@32-38");
}

LEAK_TEST(lua, source_and_format, teardown) {
  expect(LUA(local doc = ... return doc.format .. "|" .. doc.source), "text|First one. First two. "
         "First three.\n\nSecond one. Second two.\n\nThird one.\n");
}

/* The offset invariant in Lua's 1-based inclusive convention, over every
 * paragraph, sentence and word of several documents. */
typedef struct file_case {
  char name[48];
} file_case;

ParameterizedTestParameters(lua, offset_invariant) {
  static file_case files[] = {{"core_news_lines.txt"},     {"core_news_wrapped.txt"},
                              {"core_headline_byline.txt"}, {"core_single_wrapped.txt"},
                              {"core_unicode.txt"}};
  return cr_make_param_array(file_case, files, sizeof files / sizeof files[0]);
}

ParameterizedTest(file_case *f, lua, offset_invariant) {
  char path[256];
  snprintf(path, sizeof path, "%s/tests/data/%s", LEDE_ROOT, f->name);
  lede_doc *d = NULL;
  cr_assert_eq(lede_doc_load_file(eng, path, NULL, &d), LEDE_OK);
  lede_status st = run_on(d, LUA(local doc = ...
      local src, np, ns, nw = doc.source, 0, 0, 0
      for _, p in ipairs(doc.paragraphs) do
        np = np + 1
        assert(src:sub(p.start, p.stop) == p.text, "paragraph " .. p.index)
        for _, s in ipairs(p.sentences) do
          ns = ns + 1
          assert(src:sub(s.start, s.stop) == s.text, "sentence " .. s.index)
          assert(s.start >= p.start and s.stop <= p.stop, "sentence " .. s.index .. " outside")
          assert(s.paragraph == p)
          for _, w in ipairs(s.words) do
            nw = nw + 1
            assert(src:sub(w.start, w.stop) == w.text, "word " .. w.text)
            assert(w.start >= s.start and w.stop <= s.stop)
            assert(w.sentence == s)
          end
        end
      end
      assert(ns == #doc.sentences)
      return string.format("%d %d %d", np, ns, nw)), NULL);
  cr_assert_eq(st, LEDE_OK, "%s: %s", f->name, lede_errmsg(eng));
  int np, ns, nw;
  cr_assert_eq(sscanf(out, "%d %d %d", &np, &ns, &nw), 3);
  size_t wp, wsn;
  cr_assert_eq(lede_doc_counts(eng, d, &wp, &wsn), LEDE_OK);
  cr_assert_eq((size_t)np, wp);
  cr_assert_eq((size_t)ns, wsn);
  cr_assert_gt(nw, ns);
  lede_doc_free(d);
  teardown();
  LEAK_CHECK();
}

LEAK_TEST(lua, tostring_of_everything, teardown) {
  expect(LUA(local doc = ...
             local s = doc.sentences[2]
             return table.concat({tostring(doc.paragraphs[2]), tostring(s), tostring(s.words[2]),
                                  tostring(doc.sentences), tostring(doc.paragraphs),
                                  tostring(s.words), tostring(doc)}, "|")),
         "Second one. Second two.|First two.|two|lede.List(6 sentences)|"
         "lede.List(3 paragraphs)|lede.List(2 words)|lede.Document (text, 72 bytes)");
}

LEAK_TEST(lua, sentence_paragraph_and_equality, teardown) {
  expect(LUA(local doc = ...
             local s = doc.sentences[5]
             local p = s.paragraph
             return table.concat({p.index, p.text, tostring(p == doc.paragraphs[2]),
                                  tostring(p == doc.paragraphs[1]), tostring(s == p.sentences[2]),
                                  tostring(s.document == doc), tostring(s.words[1].sentence == s)},
                                 "|")),
         "2|Second one. Second two.|true|false|true|true|true");
}

LEAK_TEST(lua, fields_are_read_only, teardown) {
  expect(LUA(local doc = ...
             local s, p = doc.sentences[1], doc.paragraphs[1]
             local ok1, e1 = pcall(function() s.start = 3 end)
             local ok2, e2 = pcall(function() p.kind = "heading" end)
             return tostring(ok1) .. " " .. e1 .. "|" .. tostring(ok2) .. " " .. e2),
         "false t.lua:1: sentence field 'start' is read-only|"
         "false t.lua:1: paragraph field 'kind' is read-only");
}

/* ---- edits ---------------------------------------------------------------------- */

LEAK_TEST(lua, set_sentence_text, teardown) {
  expect(LUA(local doc = ...
             local s = doc.sentences[2]
             s.text = "2nd."
             return s.text .. "|" .. tostring(s.edited) .. "|" .. tostring(doc.sentences[1].edited)
                    .. "|" .. doc.paragraphs[1].text .. "|" .. doc:render("text")),
         "2nd.|true|false|First one. 2nd. First three.|"
         "First one. 2nd. First three.\n\nSecond one. Second two.\n\nThird one.\n");
}

typedef struct replace_case {
  int i, j;
  char repl[16];
  char want[32];
} replace_case;

/* s:replace(i, j, r) on "First two." follows string.sub's index rules. */
ParameterizedTestParameters(lua, replace_indices) {
  static replace_case cases[] = {
      {1, 5, "Second", "Second two."},    /* plain */
      {7, 9, "2", "First 2."},             /* middle */
      {-4, -2, "TWO", "First TWO."},       /* negative */
      {-100, 5, "X", "X two."},            /* before the start: 1 */
      {0, 0, "> ", "> First two."},        /* 0 is 1; j < i inserts before i */
      {7, 6, "very ", "First very two."},  /* empty range inserts */
      {11, 11, "!", "First two.!"},        /* past the end appends */
      {50, 60, "!", "First two.!"},        /* far past the end appends */
      {10, 100, "?", "First two?"},        /* j clamps to the length */
      {1, -1, "", ""},                     /* everything */
      {3, 2, "", "First two."},            /* empty range, empty text */
      {1, -11, "<", "<First two."},        /* j before the start: insert at i */
  };
  return cr_make_param_array(replace_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(replace_case *c, lua, replace_indices) {
  char code[256];
  snprintf(code, sizeof code,
           "local doc = ... local s = doc.sentences[2] local r = s:replace(%d, %d, '%s') "
           "assert(r == s) return s.text", c->i, c->j, c->repl);
  expect(code, c->want);
  teardown();
  LEAK_CHECK();
}

LEAK_TEST(lua, repeated_replaces_on_one_sentence, teardown) {
  expect(LUA(local doc = ...
             local s = doc.sentences[3]
             s:replace(1, 5, "Last")
             s:replace(-1, -1, "!")
             s:replace(5, 4, ",")
             s:replace(1, 0, "And ")
             s:replace(5, 8, "LAST")
             return s.text .. "|" .. doc:render("text")),
         "And LAST, three!|First one. First two. And LAST, three!\n\nSecond one. Second two."
         "\n\nThird one.\n");
}

/* Thousands of random replaces checked against string.sub on a Lua copy:
 * the merging of edits in original coordinates must agree with it, and so
 * must the rendered document. */
LEAK_TEST(lua, replace_matches_a_string_model, teardown) {
  expect(LUA(local doc = ...
    math.randomseed(20240607)
    local S = doc.sentences
    local model = {}
    for i, s in ipairs(S) do model[i] = s.text end
    local function norm(n, i, j)
      if i < 0 then i = (i < -n) and 1 or n + i + 1 elseif i == 0 then i = 1 end
      if j < 0 then j = n + j + 1 elseif j > n then j = n end
      if i > n + 1 then i = n + 1 end
      if j < i - 1 then j = i - 1 end
      return i, j
    end
    local reps = {"", "X", "YY", "ZZZ", "a b", "\u{e9}"}
    for iter = 1, 5000 do
      local k = math.random(#S)
      local s, n = S[k], #model[k]
      local i, j = math.random(-n - 3, n + 3), math.random(-n - 3, n + 3)
      local r = reps[math.random(#reps)]
      s:replace(i, j, r)
      local a, b = norm(n, i, j)
      model[k] = model[k]:sub(1, a - 1) .. r .. model[k]:sub(b + 1)
      if s.text ~= model[k] then error(string.format("iteration %d: %q ~= %q", iter, s.text, model[k])) end
      if #model[k] > 40 then s.text = "Reset." model[k] = "Reset." end
    end
    local want = model[1] .. " " .. model[2] .. " " .. model[3] .. "\n\n" .. model[4] .. " " ..
                 model[5] .. "\n\n" .. model[6] .. "\n"
    assert(doc:render("text") == want, doc:render("text"))
    return "ok"), "ok");
}

LEAK_TEST(lua, remove_sentences_and_paragraphs, teardown) {
  expect(LUA(local doc = ...
             doc.sentences[1]:remove()
             doc.paragraphs[2]:remove()
             local a = doc:render("text")
             doc.sentences[3]:remove()
             return a .. "|" .. doc:render("text") .. "|" .. #doc.sentences .. " " .. #doc.paragraphs),
         "First two. First three.\n\nThird one.\n|First two. First three.\n|2 1");
}

LEAK_TEST(lua, removing_while_iterating_skips_nothing, teardown) {
  expect(LUA(local doc = ...
             local seen = {}
             for _, s in ipairs(doc.sentences) do
               seen[#seen + 1] = s.index
               if s.index % 2 == 1 then s:remove() end
             end
             local left = {}
             for _, s in ipairs(doc.sentences) do left[#left + 1] = s.index end
             return table.concat(seen, ",") .. "|" .. table.concat(left, ",") .. "|" ..
                    doc.paragraphs[1].text .. "|" .. doc:render("text")),
         "1,2,3,4,5,6|2,4,6|First two.|First two.\n\nSecond one.\n\nThird one.\n");
}

LEAK_TEST(lua, set_paragraph_text, teardown) {
  expect(LUA(local doc = ...
             local p = doc.paragraphs[1]
             p.text = "Only one now."
             return p.text .. "|" .. #p.sentences .. "|" .. doc:render("text")),
         "Only one now.|1|Only one now.\n\nSecond one. Second two.\n\nThird one.\n");
}

LEAK_TEST(lua, edits_stay_in_the_host_document, teardown) {
  expect(LUA(local doc = ... doc.sentences[6].text = "Changed." doc.sentences[4]:remove()),
         "First one. First two. First three.\n\nSecond two.\n\nChanged.\n");
  char *r = render(eng, doc, LEDE_FORMAT_TEXT);
  cr_assert_str_eq(r, "First one. First two. First three.\n\nSecond two.\n\nChanged.\n");
  free(r);
}

/* ---- handles ---------------------------------------------------------------- */

LEAK_TEST(lua, handles_keep_offsets_after_edits_elsewhere, teardown) {
  expect(LUA(local doc = ...
             local s2, s3, s6, p3 = doc.sentences[2], doc.sentences[3], doc.sentences[6],
                                    doc.paragraphs[3]
             local function show()
               return table.concat({s3.text, s3.start, s3.stop, s3.index, s6.text, s6.start,
                                    s6.stop, s6.index, p3.start, p3.stop, p3.text}, ",")
             end
             local before = show()
             s2.text = "A much longer second sentence than before."
             doc.sentences[1]:remove()
             doc.sentences[4]:remove()
             doc.paragraphs[2]:remove()
             return before .. "|" .. show() .. "|" .. doc:render("text")),
         "First three.,23,34,3,Third one.,62,71,6,62,71,Third one.|"
         "First three.,23,34,3,Third one.,62,71,6,62,71,Third one.|"
         "A much longer second sentence than before. First three.\n\nThird one.\n");
}

LEAK_TEST(lua, removed_items_raise, teardown) {
  expect(LUA(local doc = ...
             local s, p = doc.sentences[2], doc.paragraphs[2]
             s:remove()
             p:remove()
             local r = {}
             for _, f in ipairs({function() return s.text end,
                                 function() return s:replace(1, 1, "x") end,
                                 function() s.text = "y" end,
                                 function() return s.words end,
                                 function() return p.text end,
                                 function() return p.sentences end,
                                 function() return doc.sentences[3].index end}) do
               local ok, e = pcall(f)
               r[#r + 1] = tostring(ok) .. " " .. e
             end
             r[#r + 1] = tostring(s.removed) .. " " .. s.index .. " " .. tostring(p.removed) .. " " .. p.index
             return table.concat(r, "\n")),
         "false t.lua:1: sentence 2 was removed\n"
         "false t.lua:1: sentence 2 was removed\n"
         "false t.lua:1: sentence 2 was removed\n"
         "false t.lua:1: sentence 2 was removed\n"
         "false t.lua:1: paragraph 2 was removed\n"
         "false t.lua:1: paragraph 2 was removed\n"
         "true 6\n" /* the third sentence left is sentence 6 */
         "true 2 true 2");
}

LEAK_TEST(lua, word_handles_go_stale_when_their_sentence_is_edited, teardown) {
  expect(LUA(local doc = ...
             local s = doc.sentences[1]
             local ws = s.words
             local w = ws[2]
             s:replace(1, 0, ">> ")
             local ok1, e1 = pcall(function() return w.text end)
             local ok2, e2 = pcall(function() return ws[1] end)
             local fresh = s.words
             return table.concat({tostring(ok1), e1, tostring(ok2), e2, fresh[1].text,
                                  tostring(fresh[1].start), tostring(fresh[1].stop)}, "|")),
         "false|t.lua:1: word is stale: its sentence was edited|"
         "false|t.lua:1: word list is stale: its sentence was edited|First|nil|nil");
}

LEAK_TEST(lua, a_handle_keeps_its_document_alive, teardown) {
  expect(LUA(local s, w, p
             do
               local d = lede.load("Alpha one. Beta two.\n\nGamma three.\n")
               s, p = d.sentences[2], d.paragraphs[2]
               w = s.words[2]
             end
             collectgarbage()
             collectgarbage()
             return table.concat({s.text, s.start, s.stop, s.paragraph.text, w.text, p.text,
                                  s.document.source:sub(s.start, s.stop)}, "|")),
         "Beta two.|12|20|Alpha one. Beta two.|two|Gamma three.|Beta two.");
}

LEAK_TEST(lua, closed_document, teardown) {
  expect(LUA(local d = lede.load("Gamma one. Delta two.")
             local s, p, l = d.sentences[1], d.paragraphs[1], d.sentences
             local w = s.words[1]
             d:close()
             d:close()
             local r = {tostring(d.closed), tostring(d)}
             for _, f in ipairs({function() return s.text end, function() return p.text end,
                                 function() return l[1] end, function() return w.text end,
                                 function() return d.sentences end,
                                 function() return d:render("text") end}) do
               local ok, e = pcall(f)
               r[#r + 1] = tostring(ok) .. " " .. e
             end
             return table.concat(r, "\n")),
         "true\nlede.Document (closed)\n"
         "false t.lua:1: attempt to use a closed document\n"
         "false t.lua:1: attempt to use a closed document\n"
         "false t.lua:1: attempt to use a closed document\n"
         "false t.lua:1: attempt to use a closed document\n"
         "false t.lua:1: attempt to use a closed document\n"
         "false t.lua:1: attempt to use a closed document");
}

LEAK_TEST(lua, to_be_closed_document, teardown) {
  expect(LUA(local s
             do
               local d <close> = lede.load("One. Two.")
               s = d.sentences[2]
               assert(s.text == "Two.")
             end
             local ok, e = pcall(function() return s.text end)
             return e),
         "t.lua:1: attempt to use a closed document");
}

LEAK_TEST(lua, render_formats_and_errors, teardown) {
  expect(LUA(local doc = ...
             doc.paragraphs[2]:remove()
             local ok, e = pcall(function() return doc:render("pdf") end)
             local ok2, e2 = pcall(function() return doc:render("html", 5) end)
             return doc:render("html") .. doc:render("html", {standalone = true}):sub(1, 15) .. "|" ..
                    doc:render() .. "|" .. e .. "|" .. e2),
         "<p>First one. First two. First three.</p>\n<p>Third one.</p>\n<!DOCTYPE html>|"
         "First one. First two. First three.\n\nThird one.\n|"
         "t.lua:1: bad argument #1 to 'render' (format must be \"text\", \"markdown\", \"html\" or "
         "\"json\")|t.lua:1: bad argument #2 to 'render' (table expected, got number)");
}

/* Every method checks the class of what it is called on: a paragraph, a
 * word, a list, the document or a string given to a sentence's method
 * (or the other way round) is refused with the expected class named
 * ('?': a function called through pcall has no name). */
LEAK_TEST(lua, methods_check_their_object_class, teardown) {
  expect(LUA(local doc = ...
             local s, p = doc.sentences[1], doc.paragraphs[1]
             local w, l = s.words[1], doc.sentences
             local replace, remove = s.replace, p.remove
             local out = {}
             for _, x in ipairs({p, w, l, doc, "s"}) do
               local ok, e = pcall(replace, x, 1, 1, "X")
               out[#out + 1] = e:gsub("^t.lua:%d+: ", "")
             end
             for _, x in ipairs({s, w, l, doc}) do
               local ok, e = pcall(remove, x)
               out[#out + 1] = e:gsub("^t.lua:%d+: ", "")
             end
             local close = doc.close
             local ok, e = pcall(close, s)
             out[#out + 1] = e:gsub("^t.lua:%d+: ", "")
             return table.concat(out, "|")),
         "bad argument #1 to '?' (lede.Sentence expected, got lede.Paragraph)|"
         "bad argument #1 to '?' (lede.Sentence expected, got lede.Word)|"
         "bad argument #1 to '?' (lede.Sentence expected, got lede.List)|"
         "bad argument #1 to '?' (lede.Sentence expected, got lede.Document)|"
         "bad argument #1 to '?' (lede.Sentence expected, got string)|"
         "bad argument #1 to '?' (lede.Paragraph expected, got lede.Sentence)|"
         "bad argument #1 to '?' (lede.Paragraph expected, got lede.Word)|"
         "bad argument #1 to '?' (lede.Paragraph expected, got lede.List)|"
         "bad argument #1 to '?' (lede.Paragraph expected, got lede.Document)|"
         "bad argument #1 to '?' (lede.Document expected, got lede.Sentence)");
}

/* ---- the lede table ------------------------------------------------------------- */

/* A host function: joins its arguments, or fails on "fail". */
static int host_join(void *ud, int argc, const char *const *argv, const size_t *argl,
                     lede_result *res) {
  char buf[256];
  size_t n = (size_t)snprintf(buf, sizeof buf, "%s%d:", (const char *)ud, argc);
  for (int i = 0; i < argc; i++) {
    if (argv[i] && strcmp(argv[i], "fail") == 0) {
      lede_result_error(res, "host says no");
      return 1;
    }
    n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%.*s", i ? "," : "",
                          argv[i] ? (int)argl[i] : 5, argv[i] ? argv[i] : "<nil>");
  }
  lede_result_string(res, buf, n);
  return 0;
}

LEAK_TEST(lua, host_functions, teardown) {
  cr_assert_eq(lede_register(eng, "join", host_join, "J"), LEDE_OK);
  cr_assert_eq(lede_register(eng, "bad name", host_join, NULL), LEDE_EINVAL);
  expect(LUA(local ok, e = pcall(lede.host.join, "x", "fail")
             return lede.host.join("a", 2, nil, true) .. "|" .. lede.host.join() .. "|" .. e ..
                    "|" .. type(lede.host.missing)),
         "J4:a,2,<nil>,true|J0:|host says no|nil");
}



LEAK_TEST(lua, version, teardown) {
  expect(LUA(return lede.version), LEDE_VERSION_STRING);
}

LEAK_TEST(lua, load_with_options, teardown) {
  expect(LUA(local a = lede.load("Line one.\nLine two.\n")
             local b = lede.load("Line one.\nLine two.\n", {paragraphs = "blank"})
             local c = lede.load("Line one\nline two\n", {paragraphs = "line", format = "text"})
             local d = lede.load("bad \255 byte\0.", {replace_invalid = true})
             return table.concat({#a.paragraphs, #b.paragraphs, #c.paragraphs, a.format,
                                  d.source, #d.source, d.sentences[1].text}, "|")),
         "2|1|2|text|bad \xEF\xBF\xBD byte\xEF\xBF\xBD.|16|bad \xEF\xBF\xBD byte\xEF\xBF\xBD.");
}

/* Segmentation options belong to the document they are loaded with. */
LEAK_TEST(lua, load_with_language_and_quotes, teardown) {
  expect(LUA(local t = "Am 3. Oktober sagte er: \"Halt. Sofort!\" Dann ging er."
             local a = lede.load(t)
             local b = lede.load(t, {language = "de"})
             local c = lede.load(t, {language = "German", quotes = "keep"})
             local d = lede.load(t, {quotes = "split"})
             local s = lede.sentences(t, {language = "de", quotes = "keep"})
             return table.concat({#a.sentences, #b.sentences, #c.sentences, #d.sentences, #s,
                                  c.sentences[1].text}, "|")),
         "4|3|2|4|2|Am 3. Oktober sagte er: \"Halt. Sofort!\"");
  expect(LUA(local ok1, e1 = pcall(lede.load, "x", {language = "xx"})
             local ok2, e2 = pcall(lede.load, "x", {quotes = "all"})
             local ok3, e3 = pcall(lede.sentences, "x", {language = "klingon"})
             return table.concat({e1, e2, e3}, "|")),
         "bad language 'xx' (expected one of en, de, fr, es, it, nl)|"
         "bad quotes 'all' (expected \"split\" or \"keep\")|"
         "bad language 'klingon' (expected one of en, de, fr, es, it, nl)");
}

LEAK_TEST(lua, load_returns_nil_and_message_on_bad_utf8, teardown) {
  expect(LUA(local a, ea = lede.load("ok\nab\255c")
             local b, eb = lede.load("x\0")
             local ok1, e1 = pcall(lede.load, "x", {format = "pdf"})
             local ok2, e2 = pcall(lede.load, "x", {paragraphs = "para"})
             return table.concat({tostring(a), ea, tostring(b), eb, e1, e2}, "|")),
         "nil|2:3: invalid UTF-8 at byte offset 5 (0xFF)|nil|1:2: NUL byte at byte offset 1 (0x00)|"
         "bad format 'pdf' (expected \"text\" or \"markdown\")|"
         "bad paragraphs mode 'para' (expected auto, blank or line)");
}

LEAK_TEST(lua, sentences_and_words_functions, teardown) {
  expect(LUA(local ss = lede.sentences("It rained. Then it stopped!\n\nNew paragraph? Yes.")
             local ws = lede.words("Don't co-operate: 3.5% of 1,000 U.S. Z\u{fc}rich -- ok.")
             local e = select(2, pcall(lede.sentences, "a\255"))
             local n = #lede.sentences("") .. #lede.words(" -- ")
             return table.concat(ss, "|") .. "\n" .. table.concat(ws, "|") .. "\n" .. n .. "\n" .. e),
         "It rained.|Then it stopped!|New paragraph?|Yes.\n"
         "Don't|co-operate|3.5|of|1,000|U.S.|Z\xC3\xBCrich|ok\n"
         "00\n"
         "lede.sentences: 1:2: invalid UTF-8 at byte offset 1 (0xFF)");
}

LEAK_TEST(lua, squish_and_count, teardown) {
  expect(LUA(local w, syl, ch = lede.count("Hello wonderful w\u{f6}rld.")
             local w2, syl2, ch2 = lede.count("")
             return string.format("[%s] [%s] %d %d %d %d %d %d", lede.squish("  a \n\t b  c \r\n"),
                                  lede.squish(""), w, syl, ch, w2, syl2, ch2)),
         "[a b c] [] 3 6 22 0 0 0");
}

LEAK_TEST(lua, json_values, teardown) {
  expect(LUA(return table.concat({
               lede.json({1, 2, {}, "x"}),
               lede.json({b = 1, a = {true, false}, c = "x", [""] = 0}),
               lede.json({nested = {z = {1, {y = 2}}, a = "b"}}),
               lede.json("q\"b\\s/\n\r\t\1\127\u{e9}"),
               lede.json(nil), lede.json(true), lede.json(42), lede.json(-7),
               lede.json(0.1), lede.json(12.3), lede.json(1 / 3), lede.json(1e300), lede.json(2.0)
             }, "\n")),
         "[1,2,[],\"x\"]\n"
         "{\"\":0,\"a\":[true,false],\"b\":1,\"c\":\"x\"}\n"
         "{\"nested\":{\"a\":\"b\",\"z\":[1,{\"y\":2}]}}\n"
         "\"q\\\"b\\\\s/\\n\\r\\t\\u0001\\u007f\xC3\xA9\"\n"
         "null\ntrue\n42\n-7\n0.1\n12.3\n0.3333333333333333\n1e+300\n2");
}

/* Values pushed while the output grows: the buffer once lived on the Lua
 * stack under them and was freed while in use (AddressSanitizer). */
LEAK_TEST(lua, json_large_nested_values, teardown) {
  expect(LUA(local t, parts = {}, {}
             for i = 1, 60 do
               local v = ("x"):rep(i * 97) .. "\n"
               t[i] = {k = v, n = i, [("\0key")] = true}
               parts[i] = string.format('{"\\u0000key":true,"k":"%s\\n","n":%d}', ("x"):rep(i * 97), i)
             end
             local want = '{"list":[' .. table.concat(parts, ",") .. '],"s":"' .. ("z"):rep(5000) .. '"}'
             local got = lede.json({list = t, s = ("z"):rep(5000)})
             return tostring(got == want) .. " " .. #got),
         "true 184618");
}

LEAK_TEST(lua, json_of_items_is_their_text, teardown) {
  expect(LUA(local doc = ... return lede.json({doc.sentences[1], doc.paragraphs[3]})),
         "[\"First one.\",\"Third one.\"]");
}

LEAK_TEST(lua, json_errors, teardown) {
  expect(LUA(local cyc = {} cyc.self = cyc
             local r = {}
             for _, v in ipairs({cyc, {print}, {f = function() end}, {[1] = 1, x = 2},
                                 {[true] = 1}, {0 / 0}, {math.huge}}) do
               r[#r + 1] = select(2, pcall(lede.json, v))
             end
             return table.concat(r, "\n")),
         "lede.json: nesting too deep (or a cycle)\n"
         "lede.json: cannot encode a function\n"
         "lede.json: cannot encode a function\n"
         "lede.json: object keys must be strings\n"
         "lede.json: object keys must be strings\n"
         "lede.json: cannot encode NaN\n"
         "lede.json: cannot encode infinity");
}

LEAK_TEST(lua, abbreviations_change_later_segmentation, teardown) {
  expect(LUA(local text = "We met Cllr. Jones today. He left."
             local before = lede.load(text)
             local n1 = #before.sentences
             local h1 = lede.abbreviations.has("Cllr")
             lede.abbreviations.add("Cllr", "Wkly")
             local after = lede.load(text)
             local n2, n3 = #before.sentences, #after.sentences
             return table.concat({n1, tostring(h1), tostring(lede.abbreviations.has("cllr")),
                                  tostring(lede.abbreviations.has("wkly")),
                                  tostring(lede.abbreviations.has("Mr")), n2, n3,
                                  after.sentences[1].text,
                                  table.concat(lede.sentences(text), "/")}, "|")),
         "3|false|true|true|true|3|2|We met Cllr. Jones today.|We met Cllr. Jones today./He left.");
}

/* Issue 12, defect 7: segmentation belongs to the document, fixed when it
 * is loaded.  A script's abbreviations.add, even before it first reads the
 * host's document, changes documents the script loads afterwards and never
 * the host's (which used to take the first reader's list for every later
 * run). */
LEAK_TEST(lua, abbreviations_never_change_the_host_document, teardown) {
  doc = (lede_doc_free(doc), load_text(eng, "See Cllr. Jones now. Fine.", LEDE_PARAS_AUTO));
  expect(LUA(local doc = ... lede.abbreviations.add("Cllr") return #doc.sentences .. ""), "3");
  expect(LUA(local doc = ... return #doc.sentences .. ""), "3");
  expect(LUA(lede.abbreviations.add("Cllr")
             local d = lede.load("See Cllr. Jones now. Fine.")
             return #d.sentences .. " " .. #lede.sentences("See Cllr. Jones now. Fine.")),
         "2 2");
  /* A document loaded before the add keeps the list it was loaded with. */
  expect(LUA(local d = lede.load("See Cllr. Jones now. Fine.")
             lede.abbreviations.add("Cllr")
             return #d.sentences .. ""),
         "3");
  /* Each run starts from the engine's own list again. */
  lede_doc *d = load_text(eng, "See Cllr. Jones now. Fine.", LEDE_PARAS_AUTO);
  cr_assert_eq(run_on(d, "local doc = ... return #doc.sentences .. ''", NULL), LEDE_OK);
  cr_assert_str_eq(out, "3");
  lede_doc_free(d);
}

LEAK_TEST(lua, abbreviation_argument_errors, teardown) {
  expect(LUA(local ok, e = pcall(lede.abbreviations.add, "")
             return e),
         "bad argument #1 to '?' (an abbreviation is 1 to 64 bytes without white space)");
}

/* ---- the script's return value ---------------------------------------------- */

LEAK_TEST(lua, returned_string_is_written_as_is, teardown) {
  cr_assert_eq(run_on(doc, LUA(return "raw \0 bytes\n"), NULL), LEDE_OK);
  cr_assert_eq(outlen, 12);
  cr_assert(memcmp(out, "raw \0 bytes\n", 12) == 0);
  expect(LUA(return ""), "");
}

LEAK_TEST(lua, nothing_or_the_document_renders_it, teardown) {
  expect(LUA(local doc = ... doc.sentences[1].text = "1."), "1. First two. First three.\n\n"
         "Second one. Second two.\n\nThird one.\n");
  expect(LUA(local doc = ... doc.sentences[2]:remove() return doc),
         "1. First three.\n\nSecond one. Second two.\n\nThird one.\n");
}

LEAK_TEST(lua, rendered_in_the_to_format, teardown) {
  lede_run_options ro = {.to = LEDE_FORMAT_HTML};
  cr_assert_eq(run_on(doc, "local doc = ... doc.paragraphs[1]:remove()", &ro), LEDE_OK);
  cr_assert_str_eq(out, "<p>Second one. Second two.</p>\n<p>Third one.</p>\n");
  ro.to = LEDE_FORMAT_JSON;
  cr_assert_eq(run_on(doc, "local doc = ... doc.paragraphs[2]:remove() return doc", &ro), LEDE_OK);
  /* Lists hold the items left: paragraphs[2] is now paragraph 3. */
  cr_assert_str_eq(out, "{\"format\":\"text\",\"paragraphs\":[\n"
                        "{\"index\":2,\"kind\":\"paragraph\",\"start\":36,\"end\":59,"
                        "\"text\":\"Second one. Second two.\",\"sentences\":[{\"index\":4,"
                        "\"start\":36,\"end\":47,\"text\":\"Second one.\"},{\"index\":5,"
                        "\"start\":48,\"end\":59,\"text\":\"Second two.\"}]}\n]}\n");
}

LEAK_TEST(lua, another_document_returned_is_rendered, teardown) {
  expect(LUA(return lede.load("Other text.\n")), "Other text.\n");
}

LEAK_TEST(lua, write_then_nothing, teardown) {
  expect(LUA(lede.write("a", "b\n") lede.write("c")), "ab\nc");
  expect(LUA(lede.write("a") return "b"), "ab");
}

LEAK_TEST(lua, other_return_values_are_errors, teardown) {
  expect_error("return 42", "script returned a number: return a string, the document or nothing");
  expect_error("return {}", "script returned a table: return a string, the document or nothing");
  expect_error("return true", "script returned a boolean: return a string, the document or nothing");
  expect_error("local doc = ... doc:close()", "script closed the document and returned no output");
  expect_error("local d = lede.load('x') d:close() return d", "script returned a closed document");
}

LEAK_TEST(lua, no_document_gives_an_empty_one, teardown) {
  cr_assert_eq(run_on(NULL, "local doc = ... return #doc.paragraphs .. doc.format .. #doc.source",
                      NULL), LEDE_OK, "%s", lede_errmsg(eng));
  cr_assert_str_eq(out, "0text0");
  cr_assert_eq(run_on(NULL, "", NULL), LEDE_OK);
  cr_assert_str_eq(out, "");
}

/* ---- args ------------------------------------------------------------------------ */

LEAK_TEST(lua, args_from_run_options, teardown) {
  lede_arg a[] = {{"name", "World"}, {"json", NULL}, {"n", "3"}};
  lede_run_options ro = {.args = a, .nargs = 3};
  cr_assert_eq(run_on(doc, LUA(local doc, args = ...
                               local keys = {}
                               for k in pairs(args) do keys[#keys + 1] = k end
                               table.sort(keys)
                               return table.concat(keys, ",") .. "|" .. args.name .. "|" ..
                                      args.json .. "|" .. tostring(math.type(args.n)) .. type(args.n)),
                      &ro), LEDE_OK, "%s", lede_errmsg(eng));
  cr_assert_str_eq(out, "json,n,name|World|true|nilstring");
  cr_assert_eq(run_on(doc, "local doc, args = ... return tostring(next(args))", NULL), LEDE_OK);
  cr_assert_str_eq(out, "nil");
}

/* ---- errors ------------------------------------------------------------------------ */

LEAK_TEST(lua, runtime_error_has_position_and_traceback, teardown) {
  const char *code = "local doc = ...\n"
                     "local function inner(x)\n"
                     "  error('boom ' .. x)\n"
                     "end\n"
                     "inner(#doc.sentences)\n";
  cr_assert_eq(run_on(doc, code, NULL), LEDE_ESCRIPT);
  const char *m = lede_errmsg(eng);
  cr_assert(strncmp(m, "t.lua:3: boom 6\nstack traceback:\n", 33) == 0, "got:\n%s", m);
  cr_assert(strstr(m, "t.lua:3: in ") != NULL, "got:\n%s", m);
  cr_assert(strstr(m, "t.lua:5: in main chunk") != NULL, "got:\n%s", m);
  cr_assert_null(out, "no output on error");
}

LEAK_TEST(lua, api_misuse_error_has_position, teardown) {
  const char *code = "local doc = ...\n"
                     "local s = doc.sentences[1]\n"
                     "s:remove()\n"
                     "return s.text\n";
  cr_assert_eq(run_on(doc, code, NULL), LEDE_ESCRIPT);
  const char *m = lede_errmsg(eng);
  cr_assert(strncmp(m, "t.lua:4: sentence 1 was removed\nstack traceback:\n", 49) == 0,
            "got:\n%s", m);
}

LEAK_TEST(lua, syntax_error, teardown) {
  cr_assert_eq(run_on(doc, "local x = \n\nreturn +", NULL), LEDE_ESCRIPT);
  const char *m = lede_errmsg(eng);
  /* Nothing ran, so no traceback follows the compiler's message. */
  cr_assert_str_eq(m, "t.lua:3: unexpected symbol near 'return'");
}

LEAK_TEST(lua, error_from_a_script_file, teardown) {
  char dir[256], path[300];
  make_tmpdir(dir, sizeof dir);
  snprintf(path, sizeof path, "%s/fails.lua", dir);
  spit(path, "local doc = ...\n\nlocal t = nil\nreturn t.x\n", 42);
  cr_assert_eq(lede_run_file(eng, path, doc, NULL, &out, &outlen), LEDE_ESCRIPT);
  char want[400];
  snprintf(want, sizeof want, "%s:4: attempt to index a nil value (local 't')\nstack traceback:\n",
           path);
  cr_assert(strncmp(lede_errmsg(eng), want, strlen(want)) == 0, "got:\n%s", lede_errmsg(eng));
  remove_tmpdir(dir);
}

LEAK_TEST(lua, engine_is_usable_after_an_error, teardown) {
  cr_assert_eq(run_on(doc, "error('x')", NULL), LEDE_ESCRIPT);
  expect("return 'fine'", "fine");
  cr_assert_str_eq(lede_errmsg(eng), "");
}

/* ---- memory held by documents a script loads ------------------------------ */

/* Documents from lede.load stay charged to the script's memory budget while
 * they live: keeping 1,000 copies of a 1.3 MB text cannot slip past a 64 MB
 * limit, while loading and dropping them one at a time can. */
LEAK_TEST(lua, loaded_documents_count_against_memory_limit, teardown) {
  lede_engine_free(eng);
  lede_options o;
  lede_options_init(&o);
  o.max_memory = (size_t)64 << 20;
  cr_assert_eq(lede_engine_new(&o, &eng), LEDE_OK);
  const char *keep = LUA(local docs = {}
                         local text = string.rep("Hello world. ", 100000)
                         for i = 1, 1000 do docs[i] = lede.load(text) end
                         return "kept\n");
  cr_assert_eq(run_on(NULL, keep, NULL), LEDE_ELIMIT);
  const char *m = lede_errmsg(eng), *want = "script exceeded memory limit of 64 MB";
  cr_assert(strncmp(m, want, strlen(want)) == 0 && (m[strlen(want)] == '\n' || !m[strlen(want)]),
            "message: %s", m);
  const char *drop = LUA(local text = string.rep("Hello world. ", 100000)
                         for i = 1, 200 do local d = lede.load(text) d:close() end
                         return "dropped\n");
  cr_assert_eq(run_on(NULL, drop, NULL), LEDE_OK, "%s", lede_errmsg(eng));
  cr_assert_str_eq(out, "dropped\n");
}

LEAK_TEST(lua, abbreviation_with_space_is_an_argument_error, teardown) {
  expect_error("lede.abbreviations.add('approx', 'a b')",
               "t.lua:1: bad argument #2 to 'add' (an abbreviation is 1 to 64 bytes without white space)");
  expect("lede.abbreviations.add('approx.') return tostring(lede.abbreviations.has('APPROX'))", "true");
}

LEAK_TEST(lua, json_encodes_lists_as_arrays_of_texts, teardown) {
  expect(LUA(local doc = ...
             return lede.json({first = doc.paragraphs[1].sentences, words = doc.sentences[1].words})),
         "{\"first\":[\"First one.\",\"First two.\",\"First three.\"],\"words\":[\"First\",\"one\"]}");
}

/* ---- one path for each thing (issue 10, item 5) ----------------------------- */

/* lede.json and `--to json` share buf.c's escaper: U+2028 and U+2029 are
 * written escaped by both (JavaScript consumers break on them raw). */
LEAK_TEST(lua, json_escapes_line_separators_like_to_json, teardown) {
  expect("return lede.json('a\\u{2028}b\\u{2029}c\\0\\31\\127')",
         "\"a\\u2028b\\u2029c\\u0000\\u001f\\u007f\"");
}

/* Format names come from lede.h's one table: "md" and "txt" work in
 * lede.load and doc:render as in the CLI. */
LEAK_TEST(lua, format_names_from_the_one_table, teardown) {
  expect(LUA(local d = lede.load("# T", {format = "md"})
             return d.format .. "|" .. d:render("txt") .. "|" .. d:render("md")),
         "markdown|T\n|# T");
  expect_error(LUA(lede.load("x", {format = "html"})), "t.lua:1: bad format 'html'");
}

/* Issue 12, defect 3: an unknown option key is an error, with the likely
 * key named. */
LEAK_TEST(lua, load_rejects_unknown_option_keys, teardown) {
  expect_error(LUA(lede.load("x", {formt = "markdown"})),
               "t.lua:1: lede.load: unknown option 'formt' (did you mean 'format'?)");
  expect_error(LUA(lede.load("x", {colour = 1})), "t.lua:1: lede.load: unknown option 'colour'");
}

/* lede.write_sentences (lua_bulk.c) writes what the bundled sentences
 * script's Lua loops wrote, byte for byte: squished lines, and the JSON
 * array with its escaping, after edits and a removal. */
Test(lua, write_sentences_equals_the_lua_loops) {
  static const char src[] = "Alpha  beta\ngamma\tdone. \"Quoted\" \xe2\x80\xa8 tab\x01 here.\n\n"
                            "Second para here. Third one! Last.\n";
  static const char edit[] = "local doc = ...\n"
                             "doc.sentences[2].text = 'Now   \"edited\"\\n  text.'\n"
                             "doc.sentences[4]:remove()\n";
  static const char lines_lua[] = "local doc = ...\n"
                                  "for _, s in ipairs(doc.sentences) do\n"
                                  "  lede.write(lede.squish(s.text), '\\n')\n"
                                  "end\n";
  static const char json_lua[] =
      "local doc = ...\n"
      "lede.write('[')\n"
      "local first = true\n"
      "for _, s in ipairs(doc.sentences) do\n"
      "  lede.write(first and '\\n' or ',\\n', string.format(\n"
      "    '{\"paragraph\":%d,\"index\":%d,\"start\":%d,\"end\":%d,\"text\":%s}',\n"
      "    s.paragraph.index, s.index, s.start - 1, s.stop, lede.json(s.text)))\n"
      "  first = false\n"
      "end\n"
      "lede.write(first and ']\\n' or '\\n]\\n')\n";
  lede_doc *d = load_text(eng, src, LEDE_PARAS_AUTO);
  cr_assert_eq(run_on(d, edit, NULL), LEDE_OK, "%s", lede_errmsg(eng));
  const char *pairs[2][2] = {{lines_lua, "lede.write_sentences((...))"},
                             {json_lua, "lede.write_sentences((...), 'json')"}};
  for (int k = 0; k < 2; k++) {
    cr_assert_eq(run_on(d, pairs[k][0], NULL), LEDE_OK, "%s", lede_errmsg(eng));
    char *want = strdup(out);
    cr_assert_eq(run_on(d, pairs[k][1], NULL), LEDE_OK, "%s", lede_errmsg(eng));
    cr_assert_str_eq(out, want);
    if (k == 0)
      cr_assert_str_eq(out, "Alpha beta gamma done.\nNow \"edited\" text.\nSecond para here.\nLast.\n");
    free(want);
  }
  /* A space run, a tab, a control byte or a single space at every offset
   * of the eight-byte words write_sentences checks sentences in, and
   * spaces at the ends of edited texts. */
  char many[8192] = "";
  static const char *const gaps[] = {"  ", "\t", " \x01", " ", "   "};
  for (int g = 0; g < 5; g++)
    for (int k = 0; k < 19; k++) {
      size_t n = strlen(many);
      snprintf(many + n, sizeof many - n, "%.*s%send %d.\n\n", k, "abcdefghijklmnopqrstuvwxyz",
               gaps[g], k);
    }
  lede_doc *m = load_text(eng, many, LEDE_PARAS_BLANK);
  cr_assert_eq(run_on(m, "local doc = ... doc.sentences[3].text = ' lead' "
                         "doc.sentences[4].text = 'trail ' doc.sentences[5].text = ' '", NULL),
               LEDE_OK, "%s", lede_errmsg(eng));
  cr_assert_eq(run_on(m, lines_lua, NULL), LEDE_OK, "%s", lede_errmsg(eng));
  char *want = strdup(out);
  cr_assert_eq(run_on(m, "lede.write_sentences((...))", NULL), LEDE_OK, "%s", lede_errmsg(eng));
  cr_assert_str_eq(out, want);
  cr_assert(strncmp(out, "end 0.\na end 1.\nlead\ntrail\n", 27) == 0 &&
                strstr(out, "\nabcdefghijk end 11.\n"),
            "%s", out);
  free(want);
  lede_doc_free(m);
  /* An empty document: nothing, or an empty array. */
  lede_doc *e = load_text(eng, "", LEDE_PARAS_AUTO);
  cr_assert_eq(run_on(e, "lede.write_sentences((...), 'json')", NULL), LEDE_OK, "%s", lede_errmsg(eng));
  cr_assert_str_eq(out, "[]\n");
  cr_assert_eq(run_on(e, "lede.write_sentences((...)) return nil", NULL), LEDE_OK);
  cr_assert_str_eq(out, "");
  lede_doc_free(e);
  lede_doc_free(d);
  expect_error("lede.write_sentences((...), 'xml')", "t.lua:1: bad argument #2 to 'write_sentences' (invalid option 'xml')");
}

/* lede.json skips words of plain bytes (buf.c): every byte it must escape,
 * at every offset of a word and across word ends, next to another, gives
 * what a byte-by-byte escaper in Lua gives. */
Test(lua, json_escapes_at_every_offset) {
  expect("local function ref(s)\n"
         "  local out, i = {'\"'}, 1\n"
         "  while i <= #s do\n"
         "    local c = s:byte(i)\n"
         "    local e = ({[34] = '\\\\\"', [92] = '\\\\\\\\', [10] = '\\\\n', [13] = '\\\\r', [9] = '\\\\t'})[c]\n"
         "    if e then out[#out + 1] = e\n"
         "    elseif c < 32 or c == 127 then out[#out + 1] = string.format('\\\\u%04x', c)\n"
         "    elseif c == 0xE2 and s:byte(i + 1) == 0x80 and (s:byte(i + 2) == 0xA8 or s:byte(i + 2) == 0xA9) then\n"
         "      out[#out + 1] = s:byte(i + 2) == 0xA8 and '\\\\u2028' or '\\\\u2029'\n"
         "      i = i + 2\n"
         "    else out[#out + 1] = string.char(c) end\n"
         "    i = i + 1\n"
         "  end\n"
         "  return table.concat(out) .. '\"'\n"
         "end\n"
         "local specials = {'\"', '\\\\', '\\n', '\\r', '\\t', '\\1', '\\31', '\\127', '\\226\\128\\168',\n"
         "                  '\\226\\128\\169', '\\226\\128\\153', '\\226\\128', '\\226'}\n"
         "local n = 0\n"
         "for _, a in ipairs(specials) do\n"
         "  for _, b in ipairs({'', 'x', '\"', '\\226\\128\\168'}) do\n"
         "    for k = 0, 18 do\n"
         "      local s = ('abcdefghijklmnopqrstuvwxyz'):sub(1, k) .. a .. b .. 'tail of the text'\n"
         "      if lede.json(s) ~= ref(s) then return 'differs: ' .. ref(s) end\n"
         "      n = n + 1\n"
         "    end\n"
         "  end\n"
         "end\n"
         "return n .. ' strings'",
         "988 strings");
}
