-- fit: the default summarizer's settings, tuned directly on ROUGE over
-- both dev sets at once (one set of settings for both), by coordinate
-- ascent over a small grid per setting.  The objective is the mean of the
-- six figures (R1, R2, RLsum on CNN/DM with 3 sentences and on XSum with
-- 1), the same ranking as the mean of the six margins over the baselines.
--
--   make weights    fits on every article and rewrites
--                   scripts/lib/summarizer_weights.lua
--   make eval       also fits on four fifths of each set and scores the
--                   fifth left out, five times (crossvalidate below)
local core = require "evalcore"
local summarizer = require "summarizer"

local M = {}

-- Each setting's candidate values; the start point is the first fit's
-- hand-set values.  Few values per setting, so little can be overfitted.
-- not_a_sentence stays 10, out of the search: it puts headlines, bylines
-- and captions below every real sentence, never what a reader wants in a
-- summary whatever a dev set rewards.
M.grid = {
  {"position", {0, 0.25, 0.5, 1, 2, 4}},
  {"position_decay", {1, 2, 4, 8}},
  {"shape_slope", {0, 3, 6, 12}},
  {"shape_center", {-0.1, 0, 0.1, 0.2, 0.3}},
  {"first_dangling", {0, 1, 2}},
  {"textrank_mix", {0, 0.25, 0.5, 0.75, 1}},
  {"length", {0, 0.1, 0.2, 0.4}},
  {"dangling", {0, 0.1, 0.2, 0.4}},
  {"redundancy", {0, 0.2, 0.4, 0.8}},
}
M.start = {
  position = 1, position_decay = 2, shape_slope = 6, shape_center = 0.1, first_dangling = 1,
  textrank_mix = 0.5, length = 0.2, dangling = 0.2, not_a_sentence = 10, redundancy = 0.3,
}

-- Prepared documents and a ROUGE cache per document: most settings
-- choose the same sentences, and scoring is what costs.
local function prepare(sets)
  for _, set in ipairs(sets) do
    for _, d in ipairs(set.docs) do
      if not d.prep then
        d.prep = summarizer.prepare(d.doc)
        d.cache = {}
      end
    end
  end
end

local function doc_score(set, d, w)
  local chosen = summarizer.summarize(d.prep, {weights = w, sentences = set.sentences})
  local key = {}
  for i, u in ipairs(chosen) do key[i] = u.index end
  key = table.concat(key, ",")
  local s = d.cache[key]
  if not s then
    s = core.score(d, chosen)
    d.cache[key] = s
  end
  return s
end

--- Mean figures (x 100) of settings w on the documents `which[s]` of
--- each set s (all when which is nil): {{R1, R2, RLsum}, {...}}.
function M.evaluate(sets, w, which)
  prepare(sets)
  local out = {}
  for s, set in ipairs(sets) do
    local per, idx = {}, which and which[s]
    if idx then
      for k, i in ipairs(idx) do per[k] = doc_score(set, set.docs[i], w) end
    else
      for k, d in ipairs(set.docs) do per[k] = doc_score(set, d, w) end
    end
    out[s] = core.mean(per)
  end
  return out
end

local function objective(r)
  local t = 0
  for s = 1, #r do for k = 1, 3 do t = t + r[s][k] end end
  return t / (3 * #r)
end

local function copy(w)
  local c = {}
  for k, v in pairs(w) do c[k] = v end
  return c
end

--- Coordinate ascent from M.start on the documents `which`; returns the
--- settings and their objective.
function M.search(sets, which, verbose)
  local w = copy(M.start)
  local best = objective(M.evaluate(sets, w, which))
  for pass = 1, 4 do
    local improved = false
    for _, g in ipairs(M.grid) do
      local name, values = g[1], g[2]
      for _, v in ipairs(values) do
        if v ~= w[name] then
          local t = copy(w)
          t[name] = v
          local o = objective(M.evaluate(sets, t, which))
          if o > best + 1e-9 then
            best, w, improved = o, t, true
          end
        end
      end
    end
    if verbose then io.stderr:write(string.format("fit: pass %d, objective %.3f\n", pass, best)) end
    if not improved then break end
  end
  return w, best
end

--- 5-fold cross-validation: per fold, settings searched on the other four
--- fifths of each set, the fifth scored; figures pooled over the folds
--- (every document scored once, by settings that never saw it).
function M.crossvalidate(sets, verbose)
  prepare(sets)
  local folds = {}
  for s, set in ipairs(sets) do folds[s] = core.folds(#set.docs, 5) end
  local per = {{}, {}}
  for f = 1, 5 do
    local train, test = {}, {}
    for s = 1, #sets do
      train[s] = folds[s][f].train
      test[s] = folds[s][f].test
    end
    local w = M.search(sets, train)
    if verbose then io.stderr:write("fold " .. f .. ": " .. M.serialize(w)) end
    for s, set in ipairs(sets) do
      for _, i in ipairs(test[s]) do per[s][i] = doc_score(set, set.docs[i], w) end
    end
  end
  return {core.mean(per[1]), core.mean(per[2])}
end

function M.serialize(w)
  local t = {}
  for _, g in ipairs(M.grid) do t[#t + 1] = string.format("%s = %s", g[1], tostring(w[g[1]])) end
  t[#t + 1] = "not_a_sentence = " .. tostring(w.not_a_sentence)
  return "{" .. table.concat(t, ", ") .. "}\n"
end

-- As a program: fit on everything and write the weights file.
if arg and arg[0] and arg[0]:find("fit%.lua$") then
  local dir, out = arg[1], arg[2]
  if not dir or not out then error("usage: fit.lua DATA_DIR WEIGHTS_FILE", 0) end
  local sets = core.load(dir)
  local w, best = M.search(sets, nil, true)
  local r = M.evaluate(sets, w)
  local f = assert(io.open(out .. ".tmp", "wb"))
  f:write(string.format([[
-- Settings of the default summarizer (summarizer.lua, scorers.default).
-- Made by `make weights`: coordinate ascent over a small grid per setting
-- (tests/eval/fit.lua), maximising the mean of stemmed ROUGE-1/2/Lsum F1
-- on the dev sets CNN/DM (%d articles, 3 sentences) and XSum (%d articles,
-- 1 sentence) together.  In-sample: CNN/DM %.2f/%.2f/%.2f, XSum
-- %.2f/%.2f/%.2f (objective %.3f); `make eval` prints the 5-fold
-- cross-validated figures.  Data, not code: edit by re-running the fit.
return %s]], #sets[1].docs, #sets[2].docs, r[1][1], r[1][2], r[1][3], r[2][1], r[2][2], r[2][3],
    best, M.serialize(w)))
  f:close()
  assert(os.rename(out .. ".tmp", out))
  io.stderr:write("fit: wrote " .. out .. "\n")
end

return M
