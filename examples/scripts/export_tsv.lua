-- export_tsv: One sentence per line, tab-separated, for other tools.
-- Columns: sentence index, paragraph index, start and end byte offsets
-- (0-based, end-exclusive, as Python slices the UTF-8 bytes), the text on
-- one line.  A header row names them; `cut`, `awk`, pandas and
-- spreadsheets read it as it is.
-- input: examples/article.txt
---@type lede.Document
local doc = ...

lede.write("sentence\tparagraph\tstart\tend\ttext\n")
for _, s in ipairs(doc.sentences) do
  -- Tabs and line breaks inside a sentence would break the columns.
  local text = lede.squish(s.text)
  lede.write(s.index, "\t", s.paragraph.index, "\t", s.start - 1, "\t", s.stop, "\t", text, "\n")
end
