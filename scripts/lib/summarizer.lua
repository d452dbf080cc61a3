-- summarizer: extractive summaries of lede documents, the engine behind
-- `lede summarize` and a module any script can use:
--
--   local summarizer = require "summarizer"
--   local chosen, all = summarizer.summarize(doc, {sentences = 3})
--   for _, u in ipairs(chosen) do print(u.index, u.score, u.text) end
--
-- `doc` is a lede document (or a string, loaded as plain text).  Options:
-- algorithm ("default", "lead", "luhn", "lexrank", "textrank", "sumbasic",
-- "klsum"), one budget of sentences (default 3), words (never exceeded) or
-- ratio (a share of the document's words), and language (Snowball name or
-- ISO code, default "english").  `chosen` is in document order; `all`
-- holds every sentence (candidates or not) with its score and the parts
-- the score is made of.  Units: {index (1-based, as doc.sentences),
-- sentence (the handle), text, start, stop, words, score, parts,
-- candidate, chosen}.
local lede = require "lede"

local M = {}

M.algorithms = {"default", "lead", "luhn", "lexrank", "textrank", "sumbasic", "klsum"}
local known = {}
for _, a in ipairs(M.algorithms) do known[a] = true end

-- The default's settings: fitted on the dev sets by `make weights` (see
-- README, "Summaries"); they ship as data.
local ok, weights = pcall(require, "summarizer_weights")
M.weights = ok and weights or {}

-- ---- preparing a document ------------------------------------------------

local stop_cache, stem_cache = {}, {}

local function stopwords(lang)
  local s = stop_cache[lang]
  if s == nil then
    s = lede.stopwords(lang) or false   -- no list: keep every word
    stop_cache[lang] = s
  end
  return s or {}
end

local function stems(lang)
  local c = stem_cache[lang]
  if not c then c = {}; stem_cache[lang] = c end
  return c
end

-- Content terms of a text: tokens without stop words and tokens with no
-- letter or digit, stemmed.  Curly apostrophes count as straight ones.
local function content_terms(text, stop, cache, lang)
  local out = {}
  for _, t in ipairs(lede.tokens(text)) do
    t = t:gsub("\226\128\153", "'")
    if not stop[t] and t:find("%w") then
      local s = cache[t]
      if not s then s = lede.stem(t, lang); cache[t] = s end
      out[#out + 1] = s
    end
  end
  return out
end

--- Prepares a document: every sentence as a unit, content terms as ids.
function M.prepare(doc, opts)
  opts = opts or {}
  if type(doc) == "string" then doc = assert(lede.load(doc)) end
  local lang = opts.language or "english"
  local stop, cache = stopwords(lang), stems(lang)
  local units, ids, vocab = {}, {}, 0
  local ncand = 0
  for i, s in ipairs(doc.sentences) do
    local p = s.paragraph
    local kind = p.kind
    local text = s.text
    local terms = content_terms(text, stop, cache, lang)
    local set = {}
    for k, t in ipairs(terms) do
      local id = ids[t]
      if not id then vocab = vocab + 1; id = vocab; ids[t] = id end
      set[k] = id
    end
    local words = lede.count(text)
    local u = {index = i, sentence = s, text = text, start = s.start, stop = s.stop,
               words = words, terms = set, paragraph = p.index, kind = kind,
               candidate = kind ~= "heading" and words > 0, score = 0, parts = {}}
    if u.candidate then ncand = ncand + 1; u.rank = ncand end
    units[i] = u
  end
  return {doc = doc, units = units, vocab = vocab, ncand = ncand, language = lang}
end

-- ---- budgets ---------------------------------------------------------------

-- A budget: {sentences = n} or {words = n}; ratio becomes words.
local function budget_of(prep, opts)
  if opts.words then return {words = opts.words} end
  if opts.ratio then
    local total = 0
    for _, u in ipairs(prep.units) do total = total + u.words end
    return {words = math.floor(opts.ratio * total + 1e-9)}
  end
  return {sentences = opts.sentences or 3}
end

local function fits(budget, nsent, nwords, u)
  if budget.words then return nwords + u.words <= budget.words end
  return nsent < budget.sentences
end

-- Greedy choice in order of `order` (units, best first) within the budget;
-- `redundant(u, chosen)` may veto a unit.
local function take(order, budget, redundant)
  local chosen, nw = {}, 0
  for _, u in ipairs(order) do
    if budget.sentences and #chosen >= budget.sentences then break end
    if fits(budget, #chosen, nw, u) and not (redundant and redundant(u, chosen)) then
      chosen[#chosen + 1] = u
      nw = nw + u.words
    end
  end
  return chosen
end

-- Greedy choice for the algorithms whose value changes as they choose:
-- repeatedly the unit of `pool` with the highest value(u, chosen) that
-- fits (nil: skip it; ties go to the earlier unit), then picked(u).
local function greedy(pool, budget, value, picked)
  local chosen, nw, used = {}, 0, {}
  while not (budget.sentences and #chosen >= budget.sentences) do
    local best, bu
    for _, u in ipairs(pool) do
      if not used[u] and fits(budget, #chosen, nw, u) then
        local v = value(u, chosen)
        if v and (not best or v > best) then best, bu = v, u end
      end
    end
    if not bu then break end
    used[bu] = true
    chosen[#chosen + 1] = bu
    nw = nw + bu.words
    if picked then picked(bu) end
  end
  return chosen
end

local function candidates(prep)
  local c = {}
  for _, u in ipairs(prep.units) do if u.candidate then c[#c + 1] = u end end
  return c
end

local function by_score(list)
  local o = {}
  for i, u in ipairs(list) do o[i] = u end
  table.sort(o, function(a, b)
    if a.score ~= b.score then return a.score > b.score end
    return a.index < b.index
  end)
  return o
end

-- ---- similarity --------------------------------------------------------------

local function counts(u)
  local c = u.counts
  if not c then
    c = {}
    local norm = 0
    for _, t in ipairs(u.terms) do c[t] = (c[t] or 0) + 1 end
    for _, n in pairs(c) do norm = norm + n * n end
    u.counts, u.norm = c, math.sqrt(norm)
    c = u.counts
  end
  return c
end

--- Cosine similarity of two units' term counts.
function M.cosine(a, b)
  local ca, cb = counts(a), counts(b)
  if a.norm == 0 or b.norm == 0 then return 0 end
  if #a.terms > #b.terms then ca, cb = cb, ca end
  local dot = 0
  for t, n in pairs(ca) do
    local m = cb[t]
    if m then dot = dot + n * m end
  end
  return dot / (a.norm * b.norm)
end

-- ---- the algorithms ----------------------------------------------------------

local function sets_of(list)
  local s = {}
  for i, u in ipairs(list) do s[i] = u.terms end
  return s
end

local scorers = {}

function scorers.lead(prep, cand)
  for _, u in ipairs(cand) do
    u.score = 1 / u.rank
    u.parts = {position = u.rank}
  end
end

-- Luhn (1958): significant words are the frequent ones (in the top tenth
-- of the document's terms by count, and seen at least twice); a sentence
-- scores its densest cluster of them, clusters broken by more than four
-- insignificant words: significant^2 / span.
function scorers.luhn(prep, cand)
  local freq, vocab = {}, {}
  for _, u in ipairs(cand) do
    for _, t in ipairs(u.terms) do
      if not freq[t] then vocab[#vocab + 1] = t end
      freq[t] = (freq[t] or 0) + 1
    end
  end
  table.sort(vocab, function(a, b) return freq[a] > freq[b] or (freq[a] == freq[b] and a < b) end)
  local sig = {}
  local keep = math.max(1, math.ceil(#vocab * 0.1))
  for i = 1, keep do
    local t = vocab[i]
    if freq[t] >= 2 then sig[t] = true end
  end
  for _, u in ipairs(cand) do
    local best, first, last, nsig = 0, nil, nil, 0
    for k, t in ipairs(u.terms) do
      if sig[t] then
        if last and k - last > 5 then
          local s = nsig * nsig / (last - first + 1)
          if s > best then best = s end
          first, nsig = nil, 0
        end
        first = first or k
        last = k
        nsig = nsig + 1
      end
    end
    if first then
      local s = nsig * nsig / (last - first + 1)
      if s > best then best = s end
    end
    u.score = best
    u.parts = {cluster = best}
  end
end

local function graph_scorer(method)
  return function(prep, cand, opts)
    local sc = lede.centrality(sets_of(cand), method, {window = opts.window})
    for i, u in ipairs(cand) do
      u.score = sc[i] * #cand
      u.parts = {[method] = u.score}
    end
  end
end
scorers.textrank = graph_scorer("textrank")
scorers.lexrank = graph_scorer("lexrank")

-- Probabilities of content terms over the candidates.
local function term_probs(cand)
  local p, total = {}, 0
  for _, u in ipairs(cand) do
    for _, t in ipairs(u.terms) do p[t] = (p[t] or 0) + 1; total = total + 1 end
  end
  for t, n in pairs(p) do p[t] = n / total end
  return p, total
end

local function avg_prob(u, p)
  local n = #u.terms
  if n == 0 then return 0 end
  local s = 0
  for _, t in ipairs(u.terms) do s = s + p[t] end
  return s / n
end

-- SumBasic (Nenkova and Vanderwende 2005): a sentence scores the mean
-- probability of its words; after each choice the chosen words' probabilities
-- are squared, so later choices cover other words.
function scorers.sumbasic(prep, cand)
  local p = term_probs(cand)
  for _, u in ipairs(cand) do
    u.score = avg_prob(u, p)
    u.parts = {mean_probability = u.score}
  end
  return function(budget)
    return greedy(cand, budget, function(u) return avg_prob(u, p) end, function(u)
      for _, t in ipairs(u.terms) do p[t] = p[t] * p[t] end
    end)
  end
end

-- KL-Sum (Haghighi and Vanderwende 2009): add the sentence that brings the
-- summary's word distribution closest to the document's, KL(doc || summary)
-- with add-0.01 smoothing; the change per candidate is computed from its
-- own words only, so each step is linear.
function scorers.klsum(prep, cand)
  local pd, vocab = {}, 0
  local p = term_probs(cand)
  for t, x in pairs(p) do pd[t] = x; vocab = vocab + 1 end
  local alpha = 0.01
  for _, u in ipairs(cand) do u.score = avg_prob(u, pd); u.parts = {mean_probability = u.score} end
  return function(budget)
    local cs, ns = {}, 0
    return greedy(cand, budget, function(u)
      if #u.terms == 0 then return nil end
      local gain, seen = 0, {}
      for _, t in ipairs(u.terms) do seen[t] = (seen[t] or 0) + 1 end
      for t, k in pairs(seen) do
        local c = cs[t] or 0
        gain = gain + pd[t] * (math.log(c + k + alpha) - math.log(c + alpha))
      end
      return gain - (math.log(ns + #u.terms + alpha * vocab) - math.log(ns + alpha * vocab))
    end, function(u)
      for _, t in ipairs(u.terms) do cs[t] = (cs[t] or 0) + 1 end
      ns = ns + #u.terms
    end)
  end
end

-- ---- the default -------------------------------------------------------------
--
-- Centrality (idf-cosine to the rest of the document, mixed with
-- TextRank), a position prior whose strength the document's own shape
-- decides, a length preference, penalties for dangling openings and for
-- lines that are not sentences (headlines, bylines, captions), and
-- redundancy removal (MMR) when choosing.  The shape: an inverted-pyramid
-- story puts its most central sentences first, so the rank correlation
-- between position and centrality is high; an article that starts in the
-- middle of a story (or whose lead was cut) shows none, and often opens
-- with a sentence that leans on an antecedent ("But", "The law also").

-- Openings that need an antecedent: connectives and pronouns.
local dangling_words = {}
for w in ([[but however and also so yet still meanwhile instead then moreover furthermore
  nevertheless nonetheless although though thus therefore besides otherwise likewise
  he she it they this that these those his her its their him them]]):gmatch("%S+") do
  dangling_words[w] = true
end
M.dangling_words = dangling_words

local function dangling(text)
  local first = lede.tokens(text:sub(1, 64))[1]
  return first ~= nil and dangling_words[first] == true
end

-- A line that does not end as a sentence does (terminal punctuation,
-- perhaps inside quotes or brackets), or is very short.
local function not_a_sentence(u)
  if u.words < 4 then return true end
  local tail = u.text:gsub("[%s\"')%]\226\128\157\226\128\153]+$", "")
  return not (tail:find("[.!?]$") or tail:find("\226\128\166$"))
end

-- Spearman's rank correlation of position and centrality (ties by
-- position); 0 for fewer than three sentences.
local function shape(cen)
  local n = #cen
  if n < 3 then return 0 end
  local idx = {}
  for i = 1, n do idx[i] = i end
  table.sort(idx, function(a, b)
    if cen[a] ~= cen[b] then return cen[a] > cen[b] end
    return a < b
  end)
  local d2 = 0
  for r, i in ipairs(idx) do d2 = d2 + (r - i) ^ 2 end
  return 1 - 6 * d2 / (n * (n * n - 1))
end

--- Features of the default, cached on the prepared document: per
--- candidate {cen, tr, pos_rank, words, dangling, boiler}, and the
--- document's {shape, dangling_first}.
function M.default_features(prep, cand, opts)
  if prep.features then return prep.features end
  local sets = sets_of(cand)
  local cen = lede.centrality(sets, "centroid")
  local tr = lede.centrality(sets, "textrank", {window = opts and opts.window})
  local ctop, ttop = 0, 0
  for i = 1, #cand do
    if cen[i] > ctop then ctop = cen[i] end
    if tr[i] > ttop then ttop = tr[i] end
  end
  local f = {units = {}}
  for i, u in ipairs(cand) do
    f.units[i] = {
      cen = ctop > 0 and cen[i] / ctop or 0,
      tr = ttop > 0 and tr[i] / ttop or 0,
      rank = u.rank, words = u.words,
      dangling = dangling(u.text), boiler = not_a_sentence(u),
    }
  end
  f.shape = shape(cen)
  f.dangling_first = #cand > 0 and f.units[1].dangling or false
  prep.features = f
  return f
end

function scorers.default(prep, cand, opts)
  local w = opts.weights or M.weights
  local f = M.default_features(prep, cand, opts)
  -- How much the position prior applies: a logistic function of the
  -- document's shape, lowered when its first sentence dangles.
  local z = (w.shape_slope or 0) * (f.shape - (w.shape_center or 0))
            - (f.dangling_first and (w.first_dangling or 0) or 0)
  local gate = 1 / (1 + math.exp(-z))
  local mix, decay = w.textrank_mix or 0.5, w.position_decay or 2
  for i, u in ipairs(cand) do
    local x = f.units[i]
    local parts = {
      centrality = (1 - mix) * x.cen + mix * x.tr,
      position = (w.position or 0) * gate * math.exp(-(x.rank - 1) / decay),
      length = (w.length or 0) * math.min(1, x.words / 30),
      dangling = x.dangling and -(w.dangling or 0) or 0,
      not_a_sentence = x.boiler and -(w.not_a_sentence or 1) or 0,
    }
    u.parts = parts
    u.score = parts.centrality + parts.position + parts.length + parts.dangling
              + parts.not_a_sentence
  end
  local lambda = w.redundancy or 0
  return function(budget)
    -- MMR: each pick maximises score minus lambda times its largest
    -- cosine to what is already chosen, among the best few dozen by
    -- score, so choosing stays linear in the document.
    local order = by_score(cand)
    local pool = {}
    for i = 1, math.min(#order, 60) do pool[i] = order[i] end
    return greedy(pool, budget, function(u, chosen)
      local red = 0
      if lambda > 0 then
        for _, c in ipairs(chosen) do
          local s = M.cosine(u, c)
          if s > red then red = s end
        end
      end
      return u.score - lambda * red
    end)
  end
end

-- ---- summarize -----------------------------------------------------------------

local function check(opts)
  local alg = opts.algorithm or "default"
  if not known[alg] then
    error(string.format("unknown algorithm '%s' (expected %s)", tostring(alg),
                        table.concat(M.algorithms, ", ")), 3)
  end
  local n = (opts.sentences and 1 or 0) + (opts.words and 1 or 0) + (opts.ratio and 1 or 0)
  if n > 1 then error("give one budget: sentences, words or ratio", 3) end
  return alg
end

--- summarize(doc | text, opts) -> chosen units (document order), all units.
function M.summarize(doc, opts)
  opts = opts or {}
  local alg = check(opts)
  -- A prepared document (M.prepare) may be summarized again and again
  -- with other options: the evaluation and the fitting do.
  -- A lede document answers only its own fields (others raise): ask its type.
  local prep = type(doc) == "table" and doc.units and doc or M.prepare(doc, opts)
  for _, u in ipairs(prep.units) do u.chosen, u.score, u.parts = nil, 0, {} end
  local cand = candidates(prep)
  local budget = budget_of(prep, opts)
  local chosen
  if #cand > 0 then
    local select = scorers[alg](prep, cand, opts)
    if select then chosen = select(budget)
    else chosen = take(by_score(cand), budget) end
  else
    chosen = {}
  end
  for _, u in ipairs(chosen) do u.chosen = true end
  table.sort(chosen, function(a, b) return a.index < b.index end)
  return chosen, prep.units, prep
end

return M
