-- stats: Paragraphs, sentences, words, reading time and Flesch reading ease.
-- usage: lede stats [--json] [FILE]
-- output: .txt, .json with --json
--   --json   print the figures as one JSON object
local doc, args = ...

local words, syllables, characters = 0, 0, 0
local sentences = doc.sentences
for _, s in ipairs(sentences) do
  local w, syl = lede.count(s.text)
  words, syllables = words + w, syllables + syl
end
for _, p in ipairs(doc.paragraphs) do
  local _, _, c = lede.count(p.text)
  characters = characters + c
end

local nsent = #sentences
local per_sentence = nsent > 0 and words / nsent or 0
-- 238 words per minute: the mean silent reading rate for English
-- non-fiction (Brysbaert 2019).
local minutes = words / 238
-- Flesch (1948) reading ease: higher is easier; 60-70 is plain English.
local flesch = (nsent > 0 and words > 0)
  and 206.835 - 1.015 * per_sentence - 84.6 * (syllables / words) or 0

local function round(x, digits)
  local m = 10 ^ digits
  return math.floor(x * m + 0.5) / m
end

local stats = {
  paragraphs = #doc.paragraphs,
  sentences = nsent,
  words = words,
  characters = characters,
  words_per_sentence = round(per_sentence, 1),
  reading_minutes = round(minutes, 1),
  flesch_reading_ease = round(flesch, 1),
}

if args.json then return lede.json(stats) .. "\n" end

local reading = minutes < 1 and "under 1 minute"
  or string.format("%d minute%s", math.ceil(minutes), math.ceil(minutes) == 1 and "" or "s")
return string.format([[
paragraphs           %d
sentences            %d
words                %d
characters           %d
words per sentence   %.1f
reading time         %s
Flesch reading ease  %.1f
]], stats.paragraphs, stats.sentences, stats.words, stats.characters,
    stats.words_per_sentence, reading, stats.flesch_reading_ease)
