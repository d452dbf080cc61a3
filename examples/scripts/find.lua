-- find: Sentences matching a Lua pattern, with their line and column.
-- Prints FILE-style positions (line:column, both 1-based, the column in
-- characters) that editors jump to, then the sentence with the match in
-- [brackets].  The default pattern finds sums of money.
--   --pattern PATTERN   a Lua pattern (default "%$[%d.,]+%d")
-- input: examples/article.txt
---@type lede.Document, lede.Args
local doc, args = ...
local pattern = args.pattern or "%$[%d.,]+%d"

-- The start byte of every line, for a binary search per match.
local starts = { 1 }
for pos in doc.source:gmatch("\n()") do starts[#starts + 1] = pos end
local function line_col(byte)
  local lo, hi = 1, #starts
  while lo < hi do
    local mid = (lo + hi + 1) // 2
    if starts[mid] <= byte then lo = mid else hi = mid - 1 end
  end
  -- Columns count characters, not bytes: "—" is one column.
  return lo, utf8.len(doc.source, starts[lo], byte - 1) + 1
end

for _, s in ipairs(doc.sentences) do
  local text, init = s.text, 1
  while true do
    local i, j = text:find(pattern, init)
    if not i then break end
    -- s.start is the sentence's first byte in the source; an unedited
    -- sentence's text is the source bytes from there.
    local line, col = line_col(s.start + i - 1)
    local marked = text:sub(1, i - 1) .. "[" .. text:sub(i, j) .. "]" .. text:sub(j + 1)
    lede.write(("%d:%d: %s\n"):format(line, col, lede.squish(marked)))
    init = j + 1
  end
end
