-- rouge: ROUGE-1, ROUGE-2 and ROUGE-Lsum of a summary against a reference (rouge-score's figures).
-- usage: lede rouge [--json] [--no-stem] REFERENCE SUMMARY
--   --json      print {"rouge1": {"precision", "recall", "f"}, "rouge2": ..., "rougeLsum": ...}
--   --no-stem   compare words without Porter stemming
-- Each line of a file is one sentence for ROUGE-Lsum.  The figures are
-- fractions (multiply by 100 for the usual tables).
-- second input: summary
local doc, args = ...
local rouge = require "rouge_score"

local s = rouge.score(doc.source, args.summary or "", {stem = not args["no-stem"]})
if args.json then return lede.json(s) .. "\n" end
local t = {"metric     precision  recall  f1\n"}
for _, k in ipairs(rouge.metrics) do
  t[#t + 1] = string.format("%-10s %9.4f %7.4f %6.4f\n", k, s[k].precision, s[k].recall, s[k].f)
end
return table.concat(t)
