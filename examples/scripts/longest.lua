-- longest: The longest sentences of a document, by words.
-- Long sentences are where readers get lost: this lists them with their
-- position, so an editor can find and split them.
--   --top N   how many sentences to list (default 3)
-- input: examples/article.txt
---@type lede.Document, lede.Args
local doc, args = ...
local top = tonumber(args.top or "3") or error("--top needs a number", 0)

local ranked = {}
for _, s in ipairs(doc.sentences) do
  ranked[#ranked + 1] = { s = s, words = #s.words }
end
-- Longest first; ties in document order, so the output is stable.
table.sort(ranked, function(a, b)
  if a.words ~= b.words then return a.words > b.words end
  return a.s.index < b.s.index
end)

for i = 1, math.min(top, #ranked) do
  local r = ranked[i]
  lede.write(("%2d words  sentence %d (paragraph %d)\n    %s\n"):format(
    r.words, r.s.index, r.s.paragraph.index, lede.squish(r.s.text)))
end
