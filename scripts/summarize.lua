-- summarize: An extractive summary: the document's most telling sentences, in document order.
-- usage: lede summarize [options] [FILE]
--   --algorithm NAME   default (the default), lead, luhn, lexrank, textrank, sumbasic, klsum
--   --sentences N      at most N sentences (default 3)
--   --words N          at most N words in all (sentences are never cut)
--   --ratio R          at most this share of the document's words (0 < R <= 1)
--   --format FORMAT    text (one paragraph, the default), lines, json, markdown or html
--   --explain          every sentence's score and the parts it is made of
--   --language LANG    stemmer and stop words (Snowball name or ISO code; default english)
local doc, args = ...
local summarizer = require "summarizer"
local out = require "summary_format"

-- Bad options are usage errors (exit status 2): the message starts with
-- "usage: " and is raised at level 0.
local function usage(fmt, ...)
  error("usage: " .. string.format(fmt, ...), 0)
end

local function count(name, v)
  if v == nil then return nil end
  local n = tonumber(v)
  if not n or n ~= math.floor(n) or n < 1 or n > 1e9 then
    usage("--%s needs a whole number of at least 1, not '%s'", name, v)
  end
  return math.tointeger(n)
end

local opts = {algorithm = args.algorithm or "default", language = args.language or "english"}
local known = {}
for _, a in ipairs(summarizer.algorithms) do known[a] = true end
if not known[opts.algorithm] then
  usage("unknown algorithm '%s' (expected %s)", opts.algorithm,
        table.concat(summarizer.algorithms, ", "))
end
opts.sentences = count("sentences", args.sentences)
opts.words = count("words", args.words)
if args.ratio then
  local r = tonumber(args.ratio)
  if not r or r <= 0 or r > 1 then usage("--ratio needs a number in (0, 1], not '%s'", args.ratio) end
  opts.ratio = r
end
local nb = (opts.sentences and 1 or 0) + (opts.words and 1 or 0) + (opts.ratio and 1 or 0)
if nb > 1 then usage("give one budget: --sentences, --words or --ratio") end
local format = args.format or "text"
if not out.formats[format] then
  usage("unknown format '%s' (expected text, lines, json, markdown or html)", format)
end
local explain = args.explain ~= nil
if explain and (format == "markdown" or format == "html") then
  usage("--explain works with --format text, lines or json")
end
if not pcall(lede.stem, "test", opts.language) then
  usage("unknown language '%s' (one of: %s)", opts.language, table.concat(lede.stemmers(), ", "))
end

opts.all = explain or format == "html"
local chosen, all = summarizer.summarize(doc, opts)
if explain then return out.explain(all, format) end
return out[format](doc, chosen, all)
