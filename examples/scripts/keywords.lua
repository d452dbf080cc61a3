-- keywords: Key phrases of a document, ranked by RAKE.
-- RAKE (Rose et al., 2010): phrases are runs of content words; a phrase
-- scores the sum of its words' degree/frequency, so words that keep
-- company in long phrases rank high.
-- usage: lede keywords [--top N] [FILE]   (on LEDE_PATH; or: lede run keywords.lua -D top=N)
--   --top N   how many phrases to list (default 8)
-- input: examples/article.txt
local doc, args = ...
local top = tonumber(args.top) or 8

local stop = {}
for w in ([[a about after all also an and any are as at be been before but by
  can could did do does each every for from had has have he her his how i if
  in into is it its itself just more most no not of on or our out over per
  said she so some than that the their them then there these they this those
  to too under until up was we were what when where whether which who will
  with would you your]]):gmatch("%S+") do stop[w] = true end

-- Candidate phrases: content words in a row, broken by stop words and by
-- any punctuation between two words (commas, dashes, quotes, full stops).
local phrases, current = {}, nil
local function flush()
  if current and #current > 0 then phrases[#phrases + 1] = current end
  current = nil
end
local source = doc.source
for _, s in ipairs(doc.sentences) do
  local prev_stop
  for _, w in ipairs(s.words) do
    local word = w.text:lower()
    if prev_stop and source:sub(prev_stop + 1, w.start - 1):find("[^%s]") then flush() end
    if stop[word] or not word:find("%a") then
      flush()
    else
      current = current or {}
      current[#current + 1] = word
    end
    prev_stop = w.stop
  end
  flush()
end

-- Word scores: degree (words it co-occurs with in phrases, itself
-- included) over frequency.
local freq, degree = {}, {}
for _, p in ipairs(phrases) do
  for _, word in ipairs(p) do
    freq[word] = (freq[word] or 0) + 1
    degree[word] = (degree[word] or 0) + #p
  end
end
local best, order = {}, {}
for _, p in ipairs(phrases) do
  local text, score = table.concat(p, " "), 0
  for _, word in ipairs(p) do score = score + degree[word] / freq[word] end
  if not best[text] then order[#order + 1] = text end
  best[text] = score
end
table.sort(order, function(a, b)
  if best[a] ~= best[b] then return best[a] > best[b] end
  return a < b
end)

local out = {}
for i = 1, math.min(top, #order) do
  out[#out + 1] = string.format("%5.1f  %s", best[order[i]], order[i])
end
return table.concat(out, "\n") .. "\n"
