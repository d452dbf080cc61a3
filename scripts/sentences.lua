-- sentences: One sentence per line, or a JSON array with byte offsets.
-- usage: lede sentences [--json] [FILE]
-- output: .txt, .json with --json
--   --json   print [{"paragraph", "index", "start", "end", "text"}, ...] where
--            start/end are 0-based, end-exclusive byte offsets into the file
local doc, args = ...

if args.json then
  lede.write("[")
  local first = true
  for _, s in ipairs(doc.sentences) do
    -- Keys in the documented order; lede.json would sort them.
    lede.write(first and "\n" or ",\n", string.format(
      '{"paragraph":%d,"index":%d,"start":%d,"end":%d,"text":%s}',
      s.paragraph.index, s.index, s.start - 1, s.stop, lede.json(s.text)))
    first = false
  end
  lede.write(first and "]\n" or "\n]\n")
  return
end

for _, s in ipairs(doc.sentences) do
  lede.write(lede.squish(s.text), "\n")
end
