-- rouge_score: ROUGE-1, ROUGE-2 and ROUGE-Lsum as Google's rouge-score
-- package computes them (the figures summarization papers report).
--
--   local rouge = require "rouge_score"
--   local s = rouge.score(reference, summary)        -- stemmed by default
--   print(s.rouge1.f, s.rouge2.recall, s.rougeLsum.precision)
--
-- Tokens: lower-case, every character outside [a-z0-9] a space, split on
-- white space; with stemming, tokens longer than 3 characters go through
-- the Porter stemmer as NLTK runs it (nltk_porter.lua), as rouge-score.  ROUGE-Lsum treats each line as a sentence
-- and takes the union LCS of every reference sentence against all summary
-- sentences.  `reference` may be an array of references: each metric is
-- the one with the best F1, as rouge-score's score_multi.
local lede = require "lede"

local M = {}

local porter = require "nltk_porter"

local cache = {}

local function stem(w)
  local s = cache[w]
  if not s then
    s = porter.stem(w)
    cache[w] = s
  end
  return s
end
M.stem = stem

--- Tokens of text as rouge-score makes them.
function M.tokenize(text, use_stem)
  local out, n = {}, 0
  for t in text:lower():gsub("[^a-z0-9]+", " "):gmatch("%S+") do
    n = n + 1
    out[n] = (use_stem and #t > 3) and stem(t) or t
  end
  return out
end

local function ngrams(tokens, k)
  local c, total = {}, 0
  for i = 1, #tokens - k + 1 do
    local g = k == 1 and tokens[i] or table.concat(tokens, " ", i, i + k - 1)
    c[g] = (c[g] or 0) + 1
    total = total + 1
  end
  return c, total
end

local function prf(hits, nref, nsum)
  local p = nsum > 0 and hits / nsum or 0
  local r = nref > 0 and hits / nref or 0
  return {precision = p, recall = r, f = (p + r > 0) and 2 * p * r / (p + r) or 0}
end

local function rouge_n(ref, sum, k)
  local rc, rt = ngrams(ref, k)
  local sc, st = ngrams(sum, k)
  local hits = 0
  for g, c in pairs(rc) do
    local o = sc[g]
    if o then hits = hits + math.min(c, o) end
  end
  return prf(hits, rt, st)
end

-- Indices (into ref) of one LCS of ref and can, backtracked exactly as
-- rouge-score's _backtrack_norec does, so ties resolve the same way.
local function lcs_indices(ref, can)
  local R, C = #ref, #can
  local t = {}
  for i = 0, R do
    local row = {}
    for j = 0, C do row[j] = 0 end
    t[i] = row
  end
  for i = 1, R do
    local row, prev, ri = t[i], t[i - 1], ref[i]
    for j = 1, C do
      if ri == can[j] then row[j] = prev[j - 1] + 1
      else
        local a, b = prev[j], row[j - 1]
        row[j] = a > b and a or b
      end
    end
  end
  local out, i, j = {}, R, C
  while i > 0 and j > 0 do
    if ref[i] == can[j] then
      out[#out + 1] = i
      i, j = i - 1, j - 1
    elseif t[i][j - 1] > t[i - 1][j] then
      j = j - 1
    else
      i = i - 1
    end
  end
  return out
end

local function lines(text)
  local out = {}
  for l in (text .. "\n"):gmatch("([^\n]*)\n") do
    if #l > 0 then out[#out + 1] = l end
  end
  return out
end

-- Summary-level LCS (rouge-score's _summary_level_lcs).
local function rouge_lsum(ref_sents, sum_sents)
  local m, n = 0, 0
  local cr, cs = {}, {}
  for _, s in ipairs(ref_sents) do
    m = m + #s
    for _, t in ipairs(s) do cr[t] = (cr[t] or 0) + 1 end
  end
  for _, s in ipairs(sum_sents) do
    n = n + #s
    for _, t in ipairs(s) do cs[t] = (cs[t] or 0) + 1 end
  end
  if m == 0 or n == 0 then return prf(0, m, n) end
  local hits = 0
  for _, r in ipairs(ref_sents) do
    local union = {}
    for _, c in ipairs(sum_sents) do
      for _, i in ipairs(lcs_indices(r, c)) do union[i] = true end
    end
    local idx = {}
    for i in pairs(union) do idx[#idx + 1] = i end
    table.sort(idx)
    for _, i in ipairs(idx) do
      local t = r[i]
      if (cs[t] or 0) > 0 and (cr[t] or 0) > 0 then
        hits = hits + 1
        cs[t] = cs[t] - 1
        cr[t] = cr[t] - 1
      end
    end
  end
  return prf(hits, m, n)
end

local function score_one(ref, sum, use_stem)
  local rt, st = M.tokenize(ref, use_stem), M.tokenize(sum, use_stem)
  local rs, ss = {}, {}
  for _, l in ipairs(lines(ref)) do rs[#rs + 1] = M.tokenize(l, use_stem) end
  for _, l in ipairs(lines(sum)) do ss[#ss + 1] = M.tokenize(l, use_stem) end
  return {rouge1 = rouge_n(rt, st, 1), rouge2 = rouge_n(rt, st, 2), rougeLsum = rouge_lsum(rs, ss)}
end

M.metrics = {"rouge1", "rouge2", "rougeLsum"}

--- score(reference | {references...}, summary [, {stem = false}]) ->
--- {rouge1 = {precision, recall, f}, rouge2 = ..., rougeLsum = ...}.
--- Lines separate sentences for ROUGE-Lsum.
function M.score(refs, summary, opts)
  local use_stem = not (opts and opts.stem == false)
  if type(refs) == "string" then refs = {refs} end
  assert(type(summary) == "string", "rouge_score.score: summary must be a string")
  assert(#refs > 0, "rouge_score.score: no reference")
  local best
  for _, r in ipairs(refs) do
    local s = score_one(r, summary, use_stem)
    if not best then best = s
    else
      for _, k in ipairs(M.metrics) do
        if s[k].f > best[k].f then best[k] = s[k] end
      end
    end
  end
  return best
end

return M
