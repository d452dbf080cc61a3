-- wordfreq: Word-frequency report of a document.
-- Totals, the most frequent words with their share of the text, and how
-- long the words are.
-- usage: lede wordfreq [--top N] [FILE]   (on LEDE_PATH; or: lede run wordfreq.lua -D top=N)
--   --top N   how many words to list (default 10)
-- input: examples/article.txt
local doc, args = ...
local top = tonumber(args.top) or 10

-- Words are counted case-folded ("The" and "the" are one word), per
-- sentence, so headings and list items count like any other text.
local count, total, letters = {}, 0, 0
for _, s in ipairs(doc.sentences) do
  for _, w in ipairs(s.words) do
    local word = w.text:lower()
    count[word] = (count[word] or 0) + 1
    total = total + 1
    letters = letters + utf8.len(word)
  end
end

local words, once = {}, 0
for word, n in pairs(count) do
  words[#words + 1] = word
  if n == 1 then once = once + 1 end
end
-- Most frequent first; ties alphabetically, so the report is stable.
table.sort(words, function(a, b)
  if count[a] ~= count[b] then return count[a] > count[b] end
  return a < b
end)

local out = {}
local function say(fmt, ...) out[#out + 1] = string.format(fmt, ...) end
say("%d words, %d distinct, %d used only once", total, #words, once)
say("average word length %.1f letters", total > 0 and letters / total or 0)
say("")
say("%-4s %-12s %5s %6s", "rank", "word", "count", "share")
for i = 1, math.min(top, #words) do
  local word = words[i]
  local share = 100 * count[word] / total
  say("%-4d %-12s %5d %5.1f%%  %s", i, word, count[word], share,
      string.rep("#", math.floor(share * 2 + 0.5)))
end
return table.concat(out, "\n") .. "\n"
