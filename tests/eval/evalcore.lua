-- evalcore: what `make eval` and `make weights` share: the dev sets, the
-- budgets the issue fixes (CNN/DM 3 sentences, XSum 1), and ROUGE of one
-- configuration per document.
local lede = require "lede"
local jsonl = require "jsonl"
local rouge = require "rouge_score"
local summarizer = require "summarizer"

local M = {}

M.sets = {
  {name = "cnndm", file = "cnndm_dev.jsonl", label = "CNN/DM", sentences = 3,
   -- the better simple baseline and its reference figures (issue 9)
   baseline = "Lead-3", ref = {41.29, 18.69, 37.37}},
  {name = "xsum", file = "xsum_dev.jsonl", label = "XSum", sentences = 1,
   baseline = "TextRank", ref = {18.45, 2.45, 12.77}},
}

--- Loads both sets: docs with their parsed lede document.
function M.load(dir)
  for _, set in ipairs(M.sets) do
    local path = dir .. "/" .. set.file
    local f = io.open(path, "rb")
    if not f then error("cannot open " .. path .. " (set SUMM_DATA=DIR)", 0) end
    f:close()
    set.docs = jsonl.read(path)
    -- LEDE_EVAL_QUOTES=split|keep: the segmentation option to measure
    -- (docs/segmentation.md, "The quotes default"); unset = lede's default.
    local load_opts = {quotes = os.getenv("LEDE_EVAL_QUOTES")}
    for _, d in ipairs(set.docs) do d.doc = assert(lede.load(d.article, load_opts)) end
  end
  return M.sets
end

--- ROUGE (R1, R2, RLsum F1) of the chosen units against the references.
function M.score(d, chosen)
  local lines = {}
  for i, u in ipairs(chosen) do lines[i] = lede.squish(u.text) end
  local s = rouge.score(d.references, table.concat(lines, "\n"))
  return {s.rouge1.f, s.rouge2.f, s.rougeLsum.f}
end

--- Per-document scores of one algorithm (opts as summarizer.summarize's).
function M.run(set, opts)
  local out = {}
  for i, d in ipairs(set.docs) do
    local o = {sentences = set.sentences}
    for k, v in pairs(opts) do o[k] = v end
    local chosen = summarizer.summarize(d.doc, o)
    out[i] = M.score(d, chosen)
  end
  return out
end

--- Mean x 100 of per-document scores over the indices in `which` (all
--- when nil).
function M.mean(scores, which)
  local s, n = {0, 0, 0}, 0
  local function add(r) for k = 1, 3 do s[k] = s[k] + r[k] end n = n + 1 end
  if which then for _, i in ipairs(which) do add(scores[i]) end
  else for _, r in ipairs(scores) do add(r) end end
  for k = 1, 3 do s[k] = n > 0 and 100 * s[k] / n or 0 end
  return s
end

--- The five folds of a set: document i goes to fold (i - 1) % 5 + 1, so
--- every fold mixes the file's order.
function M.folds(n, k)
  k = k or 5
  local f = {}
  for j = 1, k do f[j] = {test = {}, train = {}} end
  for i = 1, n do
    for j = 1, k do
      local t = ((i - 1) % k + 1 == j) and f[j].test or f[j].train
      t[#t + 1] = i
    end
  end
  return f
end

return M
