-- redact_names: Replace the names on a list with [REDACTED].
-- The names come from --names (comma-separated) and are found as whole
-- words with lede.redact's word lists, so "Ann" does not hit "Annual".
-- The document keeps every other byte.
--   --names LIST   names to redact (default: the people in the bundled article)
-- input: examples/article.txt
---@type lede.Document, lede.Args
local doc, args = ...
local list = args.names or "Maria Alvarez,Helen O'Connor,James R. Whitfield,Dan Pruitt"

local names = {}
for name in list:gmatch("[^,]+") do names[#names + 1] = lede.squish(name) end
lede.redact.add { type = "NAME", words = names }

for _, s in ipairs(doc.sentences) do
  local found = lede.redact.scan(s.text, { types = "custom" })
  -- From the last match back, so earlier offsets stay right.
  for k = #found, 1, -1 do
    s:replace(found[k].start, found[k].stop, "[REDACTED]")
  end
end
return doc
