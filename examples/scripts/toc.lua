-- toc: Table of contents of a Markdown document.
-- Numbered headings with their line numbers and GitHub-style #anchors.
-- input: examples/guide.md
local doc = ...
if doc.format ~= "markdown" then
  error("toc: needs a Markdown document (a .md file, or --from markdown)", 0)
end

-- Line numbers from byte offsets: one pass over the source for the starts
-- of lines, then a binary search per heading.
local starts = { 1 }
for pos in doc.source:gmatch("\n()") do starts[#starts + 1] = pos end
local function line_of(offset)
  local lo, hi = 1, #starts
  while lo < hi do
    local mid = (lo + hi + 1) // 2
    if starts[mid] <= offset then lo = mid else hi = mid - 1 end
  end
  return lo
end

-- GitHub's anchors: lower case, punctuation dropped, spaces to hyphens,
-- and -1, -2... on repeats.
local used = {}
local function anchor(text)
  local slug = text:lower():gsub("[^%w%s%-]", ""):gsub("%s", "-")
  local n = used[slug]
  used[slug] = (n or 0) + 1
  return n and (slug .. "-" .. n) or slug
end

-- The first level-1 heading is the title; the levels below it are
-- numbered 1, 1.1, 1.1.1 as in a report.
local out, counters, title = {}, {}, nil
for _, p in ipairs(doc.paragraphs) do
  if p.kind == "heading" then
    local text = lede.squish(p.text)
    if p.level == 1 and not title then
      title = text
      out[#out + 1] = string.format("%s  (line %d)", text, line_of(p.start))
      out[#out + 1] = ""
    else
      local depth = title and p.level - 1 or p.level
      for d = 1, depth - 1 do counters[d] = counters[d] or 0 end -- skipped levels
      counters[depth] = (counters[depth] or 0) + 1
      for d = depth + 1, #counters do counters[d] = nil end
      local number = table.concat(counters, ".", 1, depth)
      local entry = string.rep("  ", depth - 1) .. number .. " " .. text
      out[#out + 1] = string.format("%-34s line %3d  #%s", entry, line_of(p.start), anchor(text))
    end
  end
end
return table.concat(out, "\n") .. "\n"
