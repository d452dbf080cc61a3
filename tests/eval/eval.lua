-- make eval: every algorithm on the dev sets (stemmed ROUGE F1 x 100,
-- rouge-score semantics), the default in-sample and 5-fold
-- cross-validated, and its margins over the better simple baseline.
-- usage: lua5.4 tests/eval/eval.lua DATA_DIR   (LUA_PATH/LUA_CPATH as in the Makefile)
local core = require "evalcore"
local summarizer = require "summarizer"
local fit = require "fit"

local dir = arg[1] or error("usage: eval.lua DATA_DIR", 0)
local sets = core.load(dir)
local t0 = os.clock()

local function row(name, a, b, note)
  print(string.format("%-22s %6.2f %6.2f %6.2f   %6.2f %6.2f %6.2f  %s", name, a[1], a[2], a[3],
                      b[1], b[2], b[3], note or ""))
end

print(string.format("stemmed ROUGE F1 x 100 (rouge-score semantics); %s", dir))
print(string.format("%-22s %-23s   %-23s", "", string.format("CNN/DM (%d, 3 sentences)", #sets[1].docs),
                    string.format("XSum (%d, 1 sentence)", #sets[2].docs)))
print(string.format("%-22s %6s %6s %6s   %6s %6s %6s", "algorithm", "R1", "R2", "RLsum", "R1", "R2", "RLsum"))
row("reference Lead", {41.29, 18.69, 37.37}, {15.85, 1.24, 10.98}, "(issue 9's table)")
row("reference TextRank", {32.02, 13.96, 28.64}, {18.45, 2.45, 12.77}, "(issue 9's table)")
local measured = {}
for _, alg in ipairs(summarizer.algorithms) do
  if alg ~= "default" then
    local a = core.mean(core.run(sets[1], {algorithm = alg}))
    local b = core.mean(core.run(sets[2], {algorithm = alg}))
    measured[alg] = {a, b}
    row(alg, a, b)
  end
end

-- The default with the shipped settings (fitted on all of both sets).
local ins = {core.mean(core.run(sets[1], {})), core.mean(core.run(sets[2], {}))}
row("default (in-sample)", ins[1], ins[2], "shipped settings")
-- 5-fold cross-validation: settings fitted on four fifths of each set,
-- scored on the fifth left out, pooled over the five folds.
local cv = fit.crossvalidate(sets)
row("default (5-fold CV)", cv[1], cv[2], "fitted without the scored articles")

-- The dangling-openings rule, measured: the same fit without it.
local saved = fit.start.dangling
fit.start.dangling = 0
local nod = {}
do
  local w = {}
  for k, v in pairs(summarizer.weights) do w[k] = v end
  w.dangling = 0
  nod.ins = {core.mean(core.run(sets[1], {weights = w})), core.mean(core.run(sets[2], {weights = w}))}
end
nod.cv = fit.crossvalidate(sets)
fit.start.dangling = saved
row("  no dangling rule", nod.ins[1], nod.ins[2], "in-sample")
row("  no dangling rule", nod.cv[1], nod.cv[2], "5-fold CV")

local function margins(name, r)
  local m, sum = {}, 0
  for s = 1, 2 do
    for k = 1, 3 do
      local d = r[s][k] - sets[s].ref[k]
      m[#m + 1] = string.format("%+.2f", d)
      sum = sum + d
    end
  end
  print(string.format("%-22s %s   mean %+.2f", name, table.concat(m, " "), sum / 6))
end
print()
print("margins over the better simple baseline (reference Lead-3 on CNN/DM, TextRank on XSum):")
print(string.format("%-22s %s", "", "CNN/DM R1 R2 RLsum, XSum R1 R2 RLsum"))
margins("default (in-sample)", ins)
margins("default (5-fold CV)", cv)
margins("  no dangling (CV)", nod.cv)
print(string.format("\n(%.0f s)", os.clock() - t0))
