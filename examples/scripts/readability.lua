-- readability: Reading level of each paragraph.
-- Flesch reading ease (higher is easier; 60-70 is plain English) and the
-- Flesch-Kincaid grade, from lede.count's words and syllables; headings and
-- one-sentence bylines count like any paragraph.
-- input: examples/article.txt
---@type lede.Document
local doc = ...

local function level(ease)
  return ease >= 80 and "easy" or ease >= 60 and "plain" or ease >= 40 and "hard"
      or "very hard"
end

lede.write("para  words  ease  grade  level      starts with\n")
local all_words, all_syll, all_sent = 0, 0, 0
for _, p in ipairs(doc.paragraphs) do
  local words, syllables = lede.count(p.text)
  local sentences = #p.sentences
  if words > 0 then
    local wps, spw = words / sentences, syllables / words
    local ease = 206.835 - 1.015 * wps - 84.6 * spw
    local grade = 0.39 * wps + 11.8 * spw - 15.59
    -- 30 bytes, not cutting a character in two ("\u{2014}" is 3 bytes).
    local start = lede.squish(p.text):sub(1, 30):gsub("[\192-\255][\128-\191]*$", function(c)
      return utf8.len(c) and c or ""
    end):gsub("%s+$", "")
    lede.write(("%4d  %5d  %4.0f  %5.1f  %-9s  %s\n"):format(p.index, words, ease, grade,
      level(ease), start))
    all_words, all_syll, all_sent = all_words + words, all_syll + syllables, all_sent + sentences
  end
end
local ease = 206.835 - 1.015 * all_words / all_sent - 84.6 * all_syll / all_words
lede.write(("all   %5d  %4.0f         %s\n"):format(all_words, ease, level(ease)))
