-- redact: Black out every time of day; the Markdown around it stays.
-- An example of edits that keep formatting: "6 p.m." inside a list item,
-- a quote or *emphasis* becomes "█ ███." and everything else keeps its
-- exact bytes.
-- For personal data (e-mail, phone, card, IBAN, IP, URL, SSN, dates) use the
-- bundled `lede redact`, which recognizes and validates them; see README.
-- input: examples/guide.md
local doc = ...

local TIME = "%d+[:%d]* [ap]%.m"  -- the last dot may also end the sentence: keep it

for _, s in ipairs(doc.sentences) do
  local text, spans, init = s.text, {}, 1
  while true do
    local a, b = text:find(TIME, init)
    if not a then break end
    spans[#spans + 1] = {a, b}
    init = b + 1
  end
  -- From the last match back, so earlier byte positions stay valid.
  for k = #spans, 1, -1 do
    local a, b = spans[k][1], spans[k][2]
    s:replace(a, b, (text:sub(a, b):gsub("[^%s]", "█")))
  end
end
return doc:render("markdown")
