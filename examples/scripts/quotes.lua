-- quotes: Every quotation in a document, and who said it.
-- A quotation is text between straight or curly double quotes, possibly
-- across sentences.  The speaker is the run of capitalised words next to a
-- speech verb ("said Mayor Helen O'Connor", "Dan Pruitt asked") in the
-- same paragraph; a paragraph without one keeps the previous speaker, as
-- news copy does.
-- input: examples/article.txt
---@type lede.Document
local doc = ...

local VERBS = { said = true, says = true, asked = true, answered = true, told = true,
                added = true, replied = true, wrote = true }

-- A capitalised run ("Mayor Helen O'Connor") from the words of a text.
local function speaker_in(text)
  local words = lede.words(text)
  for i, w in ipairs(words) do
    if VERBS[w:lower()] then
      local after, before = {}, {}
      for j = i + 1, #words do                      -- "said Mayor Helen O'Connor"
        if not words[j]:match("^%u") then break end
        after[#after + 1] = words[j]
      end
      for j = i - 1, 1, -1 do                       -- "Councillor Dan Pruitt asked"
        if not words[j]:match("^%u") then break end
        table.insert(before, 1, words[j])
      end
      local run = #after > 0 and after or before
      if #run > 0 then return table.concat(run, " ") end
    end
  end
end

local speaker
for _, p in ipairs(doc.paragraphs) do
  local text = p.text
  -- Quotes removed, the rest of the paragraph names the speaker.
  local outside = text:gsub('"[^"]*"', " "):gsub("\u{201C}.-\u{201D}", " ")
  speaker = speaker_in(outside) or speaker
  for q in text:gmatch('"([^"]+)"') do
    lede.write(("%-22s %s\n"):format(speaker or "(unknown)", lede.squish(q)))
  end
  for q in text:gmatch("\u{201C}(.-)\u{201D}") do
    lede.write(("%-22s %s\n"):format(speaker or "(unknown)", lede.squish(q)))
  end
end
