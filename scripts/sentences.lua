-- sentences: One sentence per line, or a JSON array with byte offsets.
-- usage: lede sentences [--json] [FILE]
-- output: .txt, .json with --json
--   --json   print [{"paragraph", "index", "start", "end", "text"}, ...] where
--            start/end are 0-based, end-exclusive byte offsets into the file
local doc, args = ...

-- lede.write_sentences runs the per-sentence loop in C.  It writes what
--   for _, s in ipairs(doc.sentences) do lede.write(lede.squish(s.text), "\n") end
-- writes (and for "json", string.format of the fields with lede.json(s.text)),
-- at the speed of loading instead of a third of it.
lede.write_sentences(doc, args.json and "json" or "lines")
