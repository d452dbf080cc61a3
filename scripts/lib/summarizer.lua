-- summarizer: extractive summaries of lede documents, the engine behind
-- `lede summarize` and a module any script can use:
--
--   local summarizer = require "summarizer"
--   local chosen = summarizer.summarize(doc, {sentences = 3})
--   for _, u in ipairs(chosen) do print(u.index, u.score, u.text) end
--
-- `doc` is a lede document (or a string, loaded as plain text).  Options:
-- algorithm ("default", "lead", "luhn", "lexrank", "textrank", "sumbasic",
-- "klsum"), one budget of sentences (default 3), words (never exceeded) or
-- ratio (a share of the document's words), language (Snowball name or ISO
-- code, default "english"), and all = true to get every sentence too.
-- Returns the chosen units in document order and, with all, every unit
-- (candidates or not).  A unit: {index (1-based, as doc.sentences),
-- sentence (the handle), text, start, stop (1-based, inclusive), words,
-- score, parts (what the score is made of), candidate, chosen}.
--
-- Inside, a document is kept as arrays over its sentences and over its
-- candidates (k = 1..n, in document order), not as a table per sentence:
-- a 10 MB book has 150,000 sentences.
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

local stop_cache = {}

-- The stop words of a language, or false when there is no list.
local function stopwords(lang)
  local s = stop_cache[lang]
  if s == nil then
    s = lede.stopwords(lang) or false
    stop_cache[lang] = s
  end
  return s
end

--- Prepares a document once for any number of summaries: its sentences'
--- texts, content terms (lede.terms) and word counts, and which are
--- candidates (not headings; code and HTML blocks have no sentences).
function M.prepare(doc, opts)
  opts = opts or {}
  if type(doc) == "string" then doc = assert(lede.load(doc)) end
  local lang = opts.language or "english"
  local sentences = doc.sentences
  local texts, kinds, paras = {}, {}, {}
  for i, s in ipairs(sentences) do
    local p = s.paragraph
    texts[i], kinds[i], paras[i] = s.text, p.kind, p.index
  end
  local sets, vocab, words = lede.terms(texts, {language = lang, stopwords = stopwords(lang)})
  local P = {doc = doc, sentences = sentences, texts = texts, kinds = kinds, paras = paras,
             sets = sets, vocab = vocab, words = words, language = lang,
             cidx = {}, terms = {}, cwords = {}}
  local n = 0
  for i = 1, #texts do
    if kinds[i] ~= "heading" and words[i] > 0 then
      n = n + 1
      P.cidx[n], P.terms[n], P.cwords[n] = i, sets[i], words[i]
    end
  end
  P.n = n
  return P
end

-- ---- budgets ---------------------------------------------------------------

-- A budget: {sentences = n} or {words = n}; ratio becomes words.
local function budget_of(P, opts)
  if opts.words then return {words = opts.words} end
  if opts.ratio then
    local total = 0
    for _, w in ipairs(P.words) do total = total + w end
    return {words = math.floor(opts.ratio * total + 1e-9)}
  end
  return {sentences = opts.sentences or 3}
end

-- Greedy choice: repeatedly the candidate of `pool` (indices k) with the
-- highest value(k, chosen) that fits the budget (nil: skip it; ties go to
-- the one listed first), then picked(k).
local function greedy(P, pool, budget, value, picked)
  local chosen, nw, used = {}, 0, {}
  local words = P.cwords
  while not (budget.sentences and #chosen >= budget.sentences) do
    local best, bk
    for _, k in ipairs(pool) do
      if not used[k] and (not budget.words or nw + words[k] <= budget.words) then
        local v = value(k, chosen)
        if v and (not best or v > best) then best, bk = v, k end
      end
    end
    if not bk then break end
    used[bk] = true
    chosen[#chosen + 1] = bk
    nw = nw + words[bk]
    if picked then picked(bk) end
  end
  return chosen
end

-- Candidates by score, best first (ties: earlier first).
local function by_score(P, pool)
  local o, score = {}, P.score
  if pool then for i, k in ipairs(pool) do o[i] = k end
  else for k = 1, P.n do o[k] = k end end
  table.sort(o, function(a, b)
    if score[a] ~= score[b] then return score[a] > score[b] end
    return a < b
  end)
  return o
end

-- The best m candidates by score, best first: one pass keeping a short
-- sorted list, so a 3-sentence summary of a book sorts nothing big.
local function top(P, m)
  local score, best = P.score, {}
  for k = 1, P.n do
    local x = score[k]
    local nb = #best
    if nb < m or x > score[best[nb]] then
      local j = nb < m and nb + 1 or nb
      while j > 1 and x > score[best[j - 1]] do
        best[j] = best[j - 1]
        j = j - 1
      end
      best[j] = k
    end
  end
  return best
end

-- Score order, within the budget (a fixed score needs no re-rating).
local function take(P, budget)
  local order = budget.sentences and top(P, budget.sentences) or by_score(P)
  local chosen, nw = {}, 0
  for _, k in ipairs(order) do
    if budget.sentences and #chosen >= budget.sentences then break end
    if not budget.words or nw + P.cwords[k] <= budget.words then
      chosen[#chosen + 1] = k
      nw = nw + P.cwords[k]
    end
  end
  return chosen
end

-- ---- similarity --------------------------------------------------------------

local function counts(P, k)
  P.counts = P.counts or {}
  local c = P.counts[k]
  if not c then
    c = {}
    local norm = 0
    for _, t in ipairs(P.terms[k]) do c[t] = (c[t] or 0) + 1 end
    for _, x in pairs(c) do norm = norm + x * x end
    c[0] = math.sqrt(norm)
    P.counts[k] = c
  end
  return c
end

--- Cosine similarity of the term counts of candidates a and b.
function M.cosine(P, a, b)
  local ca, cb = counts(P, a), counts(P, b)
  if ca[0] == 0 or cb[0] == 0 then return 0 end
  local dot = 0
  for t, x in pairs(ca) do
    if t ~= 0 then
      local y = cb[t]
      if y then dot = dot + x * y end
    end
  end
  return dot / (ca[0] * cb[0])
end

-- ---- the algorithms ----------------------------------------------------------

-- Each scorer fills P.score[k] and names the part (P.part) or gives
-- P.parts_of(k); it may return a select(budget) of its own.
local scorers = {}

function scorers.lead(P)
  for k = 1, P.n do P.score[k] = 1 / k end
  P.parts_of = function(k) return {position = k} end
end

-- Luhn (1958): significant words are the frequent ones (in the top tenth
-- of the document's terms by count, and seen at least twice); a sentence
-- scores its densest cluster of them, clusters broken by more than four
-- insignificant words: significant^2 / span.
function scorers.luhn(P)
  local freq, vocab = {}, {}
  for k = 1, P.n do
    for _, t in ipairs(P.terms[k]) do
      if not freq[t] then vocab[#vocab + 1] = t end
      freq[t] = (freq[t] or 0) + 1
    end
  end
  table.sort(vocab, function(a, b) return freq[a] > freq[b] or (freq[a] == freq[b] and a < b) end)
  local sig = {}
  for i = 1, math.max(1, math.ceil(#vocab * 0.1)) do
    local t = vocab[i]
    if freq[t] >= 2 then sig[t] = true end
  end
  for k = 1, P.n do
    local best, first, last, nsig = 0, nil, nil, 0
    for j, t in ipairs(P.terms[k]) do
      if sig[t] then
        if last and j - last > 5 then
          local s = nsig * nsig / (last - first + 1)
          if s > best then best = s end
          first, nsig = nil, 0
        end
        first = first or j
        last = j
        nsig = nsig + 1
      end
    end
    if first then
      local s = nsig * nsig / (last - first + 1)
      if s > best then best = s end
    end
    P.score[k] = best
  end
  P.part = "cluster"
end

local function graph_scorer(method)
  return function(P, opts)
    local sc = lede.centrality(P.terms, method, {window = opts.window})
    for k = 1, P.n do P.score[k] = sc[k] * P.n end
    P.part = method
  end
end
scorers.textrank = graph_scorer("textrank")
scorers.lexrank = graph_scorer("lexrank")

-- Probabilities of content terms over the candidates.
local function term_probs(P)
  local p, total = {}, 0
  for k = 1, P.n do
    for _, t in ipairs(P.terms[k]) do p[t] = (p[t] or 0) + 1; total = total + 1 end
  end
  for t, n in pairs(p) do p[t] = n / total end
  return p
end

local function avg_prob(terms, p)
  local n = #terms
  if n == 0 then return 0 end
  local s = 0
  for _, t in ipairs(terms) do s = s + p[t] end
  return s / n
end

local function all_candidates(P)
  local pool = {}
  for k = 1, P.n do pool[k] = k end
  return pool
end

-- SumBasic (Nenkova and Vanderwende 2005): a sentence scores the mean
-- probability of its words; after each choice the chosen words'
-- probabilities are squared, so later choices cover other words.
function scorers.sumbasic(P)
  local p = term_probs(P)
  for k = 1, P.n do P.score[k] = avg_prob(P.terms[k], p) end
  P.part = "mean_probability"
  return function(budget)
    return greedy(P, all_candidates(P), budget, function(k) return avg_prob(P.terms[k], p) end,
      function(k) for _, t in ipairs(P.terms[k]) do p[t] = p[t] * p[t] end end)
  end
end

-- KL-Sum (Haghighi and Vanderwende 2009): add the sentence that brings the
-- summary's word distribution closest to the document's, KL(doc || summary)
-- with add-0.01 smoothing; the change per candidate is computed from its
-- own words only, so each step is linear.
function scorers.klsum(P)
  local pd = term_probs(P)
  local vocab = 0
  for _ in pairs(pd) do vocab = vocab + 1 end
  local alpha = 0.01
  local log, la = math.log, math.log(0.01)
  -- g0[k]: the gain of candidate k while none of its words is chosen yet.
  local g0 = {}
  for k = 1, P.n do
    P.score[k] = avg_prob(P.terms[k], pd)
    local g = 0
    for t, x in pairs(counts(P, k)) do
      if t ~= 0 then g = g + pd[t] * (log(x + alpha) - la) end
    end
    g0[k] = g
  end
  P.part = "mean_probability"
  return function(budget)
    local cs, ns = {}, 0
    return greedy(P, all_candidates(P), budget, function(k)
      local terms = P.terms[k]
      if #terms == 0 then return nil end
      local gain = g0[k]
      if ns > 0 then
        for t, x in pairs(counts(P, k)) do
          local have = t ~= 0 and cs[t]
          if have then
            gain = gain + pd[t] * (log(have + x + alpha) - log(have + alpha) - log(x + alpha) + la)
          end
        end
      end
      return gain - (log(ns + #terms + alpha * vocab) - log(ns + alpha * vocab))
    end, function(k)
      for _, t in ipairs(P.terms[k]) do cs[t] = (cs[t] or 0) + 1 end
      ns = ns + #P.terms[k]
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
  local first = text:match("^[%s\"'(%[]*(%a+)")
  return first ~= nil and dangling_words[first:lower()] == true
end

-- An opening definite description of something not named ("The man",
-- "The law also"): a story that refers back to what came before it.
local function definite(text)
  local det, nxt = text:match("^[%s\"'(]*(%a+)%s+(%S+)")
  return det ~= nil and (det == "The" or det == "This" or det == "These" or det == "Those")
         and nxt:find("^%l") ~= nil
end

-- A sentence that opens with a quotation mark: someone's words, rarely
-- the story's own summary.
local function quoted(text)
  return text:find("^[%s(]*[\"'\194\171]") ~= nil or text:find("^[%s(]*\226\128[\152\156]") ~= nil
end

-- A line that does not end as a sentence does (terminal punctuation,
-- perhaps inside quotes or brackets), or is very short.
local function not_a_sentence(text, words)
  if words < 4 then return true end
  local tail = text:gsub("[%s\"')%]\226\128\157\226\128\153]+$", "")
  return not (tail:find("[.!?]$") or tail:find("\226\128\166$"))
end

-- Spearman's rank correlation of position and centrality (ties by
-- position) over the first 500 sentences (a document's shape is its
-- opening's; and the sort stays small); 0 for fewer than three.
local function shape(cen)
  local n = math.min(#cen, 500)
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

--- The default's features, computed once per prepared document: arrays
--- over candidates (cen, tr relative to the best; dangling, boiler) and
--- the document's shape and whether its first sentence dangles.
function M.default_features(P, opts)
  if P.features then return P.features end
  local cen = lede.centrality(P.terms, "centroid")
  local tr = lede.centrality(P.terms, "textrank", {window = opts and opts.window})
  local ctop, ttop = 0, 0
  for k = 1, P.n do
    if cen[k] > ctop then ctop = cen[k] end
    if tr[k] > ttop then ttop = tr[k] end
  end
  local f = {cen = {}, tr = {}, dangling = {}, boiler = {}, quote = {}}
  for k = 1, P.n do
    local text = P.texts[P.cidx[k]]
    f.cen[k] = ctop > 0 and cen[k] / ctop or 0
    f.tr[k] = ttop > 0 and tr[k] / ttop or 0
    f.dangling[k] = dangling(text)
    f.boiler[k] = not_a_sentence(text, P.cwords[k])
    f.quote[k] = quoted(text)
  end
  f.shape = shape(cen)
  f.dangling_first = P.n > 0 and f.dangling[1] or false
  f.definite_first = P.n > 0 and definite(P.texts[P.cidx[1]]) or false
  -- The document's shape as numbers (M.shape_names), for the lead model.
  local n = P.n
  local lead, rest, total, quotes = 0, 0, 0, 0
  for k = 1, n do
    if k <= 3 then lead = lead + f.cen[k] / math.min(n, 3) else rest = rest + f.cen[k] end
    total = total + P.cwords[k]
    if f.quote[k] then quotes = quotes + 1 end
  end
  f.x = n > 0 and {
    f.shape,                                  -- position-centrality correlation
    math.log(n + 1),                          -- sentences
    lead - (n > 3 and rest / (n - 3) or lead), -- how central the opening is
    total / n,                                -- mean sentence length
    quotes / n,                               -- share of quotations
    f.cen[1], f.tr[1],                        -- the first sentence's centrality
    math.log(P.cwords[1] + 1),                -- and its length
  } or nil
  P.features = f
  return f
end

M.shape_names = {"shape", "log_sentences", "lead_centrality", "mean_words", "quote_share",
                 "first_centroid", "first_textrank", "log_first_words"}

--- The lead model's log-odds that the document is an inverted-pyramid
--- story: a logistic function of its shape (standardised with the
--- model's means and deviations).  0 without a model.
function M.lead_logit(f, model)
  if not model or not f.x then return 0 end
  local z = model.bias
  for j, x in ipairs(f.x) do z = z + model.beta[j] * (x - model.mu[j]) / model.sd[j] end
  return z
end

function scorers.default(P, opts)
  local w = opts.weights or M.weights
  local f = M.default_features(P, opts)
  -- How much the position prior applies: a logistic function of the
  -- document's shape (the lead model), lowered when its first sentence
  -- dangles or opens with a definite description ("The man ...").
  local z = (w.gate_bias or 0) + (w.shape_slope or 0) * f.shape
            + (w.lead_scale or 0) * M.lead_logit(f, w.lead_model)
            - (f.dangling_first and (w.first_dangling or 0) or 0)
            - (f.definite_first and (w.first_definite or 0) or 0)
  local gate = 1 / (1 + math.exp(-z))
  P.note = string.format("the position prior applies at %d%% (lead model: %s, shape %.2f%s%s)",
                         math.floor(gate * 100 + 0.5),
                         M.lead_logit(f, w.lead_model) > 0 and "reads as news with a lead"
                           or "does not read as news with a lead", f.shape,
                         f.definite_first and ", opens with a definite description" or "",
                         f.dangling_first and ", opens with a dangling word" or "")
  local mix, decay = w.textrank_mix or 0.5, w.position_decay or 2
  local wpos, wlen = (w.position or 0) * gate, w.length or 0
  local wdang, wboil, wquote = w.dangling or 0, w.not_a_sentence or 1, w.quote or 0
  local lwords, wlong = w.length_words or 30, w.long or 0
  -- Length: up to length_words words a sentence gains, past 45 it loses;
  -- the gain counts where the position prior does not (a story without a
  -- lead is summed up by a full sentence from anywhere).
  local glen = wlen * (1 - gate)
  local function length(n)
    return glen * math.min(1, n / lwords) - wlong * math.max(0, n - 45) / 45
  end
  local echo = {} -- candidate -> its cosine to the earlier one it repeats (filled when choosing)
  local function parts(k)
    return {
      centrality = (1 - mix) * f.cen[k] + mix * f.tr[k],
      position = wpos * math.exp(-(k - 1) / decay),
      length = length(P.cwords[k]),
      dangling = f.dangling[k] and -wdang or 0,
      quote = f.quote[k] and -wquote or 0,
      not_a_sentence = f.boiler[k] and -wboil or 0,
      -- present for an echo (never chosen): its cosine to what it repeats
      echo = echo[k],
    }
  end
  local fcen, ftr, fd, fb, fq, cw, exp = f.cen, f.tr, f.dangling, f.boiler, f.quote, P.cwords,
                                         math.exp
  for k = 1, P.n do
    P.score[k] = (1 - mix) * fcen[k] + mix * ftr[k] + wpos * exp(-(k - 1) / decay)
                 + length(cw[k]) - (fd[k] and wdang or 0) - (fb[k] and wboil or 0)
                 - (fq[k] and wquote or 0)
  end
  P.parts_of = parts
  local lambda = w.redundancy or 0
  return function(budget)
    -- MMR: each pick maximises score minus lambda times its largest
    -- cosine to what is already chosen, among the best few dozen by
    -- score, so choosing stays linear in the document.
    local pool = top(P, 60)
    -- Echoes: a sentence whose cosine to one of the 20 candidates before
    -- it reaches w.echo repeats it (a picture caption that restates the
    -- text, a paragraph quoted again) and is never chosen: the earlier
    -- copy, in its place, can be.
    local ecut = w.echo or 2
    for _, k in ipairs(pool) do
      for j = math.max(1, k - 20), k - 1 do
        local c = M.cosine(P, k, j)
        if c >= ecut then echo[k] = c; break end
      end
    end
    return greedy(P, pool, budget, function(k, chosen)
      if echo[k] then return nil end
      local red = 0
      if lambda > 0 then
        for _, c in ipairs(chosen) do
          local s = M.cosine(P, k, c)
          if s > red then red = s end
        end
      end
      return P.score[k] - lambda * red
    end)
  end
end

M.scorers = scorers

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

-- The unit of sentence i (candidate k, or nil).
local function unit(P, i, k, chosen)
  local s = P.sentences[i]
  local parts = {}
  if k then
    if P.parts_of then parts = P.parts_of(k)
    elseif P.part then parts = {[P.part] = P.score[k]} end
  end
  return {index = i, sentence = s, text = P.texts[i], start = s.start, stop = s.stop,
          words = P.words[i], paragraph = P.paras[i], kind = P.kinds[i],
          score = k and P.score[k] or 0, parts = parts, candidate = k ~= nil,
          chosen = chosen or false}
end

--- summarize(doc | text | prepared, opts) -> the chosen units in document
--- order, and with opts.all every unit.  A prepared document (M.prepare)
--- may be summarized again and again: the evaluation and the fitting do.
function M.summarize(doc, opts)
  opts = opts or {}
  local alg = check(opts)
  local P = (type(doc) == "table" and doc.cidx) and doc or M.prepare(doc, opts)
  P.score, P.part, P.parts_of, P.note = {}, nil, nil, nil
  local picks = {}
  if P.n > 0 then
    local budget = budget_of(P, opts)
    local select = scorers[alg](P, opts)
    picks = select and select(budget) or take(P, budget)
  end
  table.sort(picks)
  local chosen, is_chosen = {}, {}
  for j, k in ipairs(picks) do
    chosen[j] = unit(P, P.cidx[k], k, true)
    is_chosen[k] = true
  end
  if not opts.all then return chosen end
  local all, k = {note = P.note}, 1
  for i = 1, #P.texts do
    local ck = P.cidx[k] == i and k or nil
    all[i] = unit(P, i, ck, ck and is_chosen[ck])
    if ck then k = k + 1 end
  end
  return chosen, all
end

--- The index (into doc.sentences) of each candidate, for callers that
--- work with M.prepare's arrays.
function M.candidates(P) return P.cidx end

return M
