-- lua_module.lua -- `require "lede"` from a stock lua5.4, as a Lua host
-- would use it.  Run by tests/check_lua_module.sh:
--   LUA_CPATH='build/?.so' lua5.4 tests/lua_module.lua VERSION TMPDIR
local version, tmp = ...
local lede = require "lede"

local failures, checks = 0, 0
local function eq(got, want, what)
  checks = checks + 1
  if got ~= want then
    failures = failures + 1
    io.stderr:write(string.format("FAIL %s:\n  want %q\n  got  %q\n", what, tostring(want), tostring(got)))
  end
end
local function raises(pattern, what, f, ...)
  local ok, err = pcall(f, ...)
  eq(not ok and tostring(err):find(pattern, 1, true) ~= nil, true,
     what .. " raises '" .. pattern .. "' (got " .. tostring(err) .. ")")
end

eq(lede.version, version, "lede.version")
eq(package.loaded.lede, lede, "require caches the module")

-- Loading and the object model: the same classes scripts see.
local text = "The U.S. economy grew 3.5% in May. Dr. Smith disagreed!\n" ..
             "Did he? Yes.\n\nA second paragraph."
local doc = assert(lede.load(text, {paragraphs = "blank"}))
eq(doc.format, "text", "doc.format")
eq(doc.source, text, "doc.source")
eq(#doc.paragraphs, 2, "#doc.paragraphs")
local want = {"The U.S. economy grew 3.5% in May.", "Dr. Smith disagreed!",
              "Did he?", "Yes.", "A second paragraph."}
eq(#doc.sentences, #want, "#doc.sentences")
for i, s in ipairs(doc.sentences) do
  eq(s.text, want[i], "sentence " .. i)
  eq(doc.source:sub(s.start, s.stop), s.text, "offsets of sentence " .. i)
  eq(s.index, i, "index of sentence " .. i)
end
eq(doc.sentences[5].paragraph.index, 2, "s.paragraph")
local words = {}
for _, w in ipairs(doc.sentences[1].words) do words[#words + 1] = w.text end
eq(table.concat(words, "|"), "The|U.S.|economy|grew|3.5|in|May", "s.words")
eq(tostring(doc.sentences[2]), "Dr. Smith disagreed!", "tostring(sentence)")
eq(tostring(doc):match("^lede%.Document %(text, %d+ bytes%)$") ~= nil, true, "tostring(doc)")
eq(getmetatable(doc), "locked", "metatable is locked")

-- Edits, then render.
local s2, s3, s4 = doc.sentences[2], doc.sentences[3], doc.sentences[4]
s2.text = "Dr. Smith agreed."
s3:replace(1, 3, "Didn't")
s4:remove()
eq(doc:render(), "The U.S. economy grew 3.5% in May. Dr. Smith agreed.\nDidn't he?\n\n" ..
                 "A second paragraph.", "render after edits")
eq(#doc.sentences, 4, "removed sentence leaves the list")
raises("was removed", "a removed sentence", function() return s4.text end)
eq(s4.removed, true, "s.removed")

-- lede.run: a bundled script by name, on the edited document.
local out, err = lede.run("sentences", doc)
eq(err, nil, "lede.run sentences: no error")
eq(out, "The U.S. economy grew 3.5% in May.\nDr. Smith agreed.\nDidn't he?\n" ..
        "A second paragraph.\n", "lede.run sentences")
local fresh = assert(lede.load("One. Two."))
eq(lede.run("sentences", fresh, {json = true}),
   '[\n{"paragraph":1,"index":1,"start":0,"end":4,"text":"One."},\n' ..
   '{"paragraph":1,"index":2,"start":5,"end":9,"text":"Two."}\n]\n', "lede.run sentences --json")

-- A user script by path, with arguments; its edits stay in the document.
local path = tmp .. "/user.lua"
local f = assert(io.open(path, "w"))
f:write("local doc, args = ...\n",
        "doc.sentences[1].text = args.word .. '.'\n",
        "return string.format('%s x%s', args.word, args.n)\n")
f:close()
local args = {word = "Three", n = 2}
eq(lede.run(path, fresh, args), "Three x2", "lede.run user script")
eq(math.type(args.n), "integer", "lede.run leaves its args table alone")
eq(fresh:render(), "Three. Two.", "a run's edits stay in the document")

-- Expected failures return nil and a message; misuse raises.
local none, msg = lede.run("no-such-script", fresh)
eq(none, nil, "unknown script: nil")
eq(msg, "no script named 'no-such-script' (see `lede scripts`)", "unknown script: message")
f = assert(io.open(path, "w"))
f:write("local doc = ...\nlocal x = nil\nreturn x.field\n")
f:close()
none, msg = lede.run(path, fresh)
eq(none, nil, "script error: nil")
eq(msg:match("^[^\n]*"), path .. ":3: attempt to index a nil value (local 'x')", "script error: message")
eq(msg:find("stack traceback:", 1, true) ~= nil, true, "script error: traceback")
f = assert(io.open(path, "w"))
f:write("return io.open('/etc/passwd')\n")
f:close()
none, msg = lede.run(path, fresh)
eq(msg:match("^[^\n]*"), path .. ":1: attempt to index a nil value (global 'io')",
   "lede.run is sandboxed")
raises("expected an open lede document", "lede.run without a document", lede.run, "sentences", {})

none, msg = lede.load("caf\xC3(")
eq(none, nil, "invalid UTF-8: nil")
eq(msg:find("invalid UTF-8 at byte offset 3", 1, true) ~= nil, true, "invalid UTF-8: message " .. msg)
local fixed = assert(lede.load("caf\xC3(", {replace_invalid = true}))
eq(fixed.source, "caf\u{FFFD}(", "replace_invalid")

-- Markdown documents.
local md = assert(lede.load("# Title\n\nSome *text*. More.\n", {format = "markdown"}))
eq(md.format, "markdown", "markdown format")
eq(md.paragraphs[1].kind, "heading", "heading kind")
eq(md.paragraphs[1].level, 1, "heading level")
eq(md.paragraphs[2].sentences[1].text, "Some text.", "markdown sentence text")

-- Handles pin their document; a closed document raises on use.
local kept = (function() return assert(lede.load("Alone here. Still.")).sentences[2] end)()
collectgarbage()
collectgarbage()
eq(kept.text, "Still.", "a sentence keeps its document alive")
local closing = assert(lede.load("Closed soon."))
local held = closing.sentences[1]
closing:close()
raises("attempt to use a closed document", "a closed document", function() return held.text end)
raises("attempt to use a closed document", "a closed document", function() return closing.sentences end)

-- The module's helpers.
eq(table.concat(lede.sentences("Hi there. Bye now."), "|"), "Hi there.|Bye now.", "lede.sentences")
eq(table.concat(lede.words("don't co-operate, 1,000 U.S."), "|"), "don't|co-operate|1,000|U.S.",
   "lede.words")

if failures > 0 then
  io.stderr:write(string.format("lua module: %d of %d checks failed\n", failures, checks))
  os.exit(1)
end
print(string.format("lua module: %d checks passed", checks))
