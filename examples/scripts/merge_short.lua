-- merge_short: Merge paragraphs that are too short into the one after.
-- Exports and OCR often break a paragraph after a line or two; this joins
-- every paragraph of fewer than N words (headings excepted) with the next
-- one and prints the edited document.  Offsets of everything else stay.
--   --min N   shortest paragraph kept on its own, in words (default 8)
-- input: examples/article.txt
---@type lede.Document, lede.Args
local doc, args = ...
local min = tonumber(args.min or "8") or error("--min needs a number", 0)

-- A snapshot of the paragraphs: removing items while walking it skips none.
local paras = doc.paragraphs
local i = 1
while i < #paras do
  local p, nxt = paras[i], paras[i + 1]
  local words = lede.count(p.text)
  if p.kind ~= "heading" and nxt.kind == p.kind and words < min then
    nxt.text = p.text .. " " .. nxt.text
    p:remove()
  end
  i = i + 1
end
return doc
