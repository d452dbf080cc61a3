-- Settings of the default summarizer (summarizer.lua, scorers.default).
-- Made by `make weights`: coordinate ascent over a small grid per setting
-- (tests/eval/fit.lua), maximising the mean of stemmed ROUGE-1/2/Lsum F1
-- on the dev sets CNN/DM (150 articles, 3 sentences) and XSum (100 articles,
-- 1 sentence) together.  In-sample: CNN/DM 40.48/18.57/36.63, XSum
-- 17.79/1.58/12.93 (objective 21.332); `make eval` prints the 5-fold
-- cross-validated figures.  Data, not code: edit by re-running the fit.
return {position = 4, position_decay = 8, shape_slope = 3, shape_center = 0, first_dangling = 1, textrank_mix = 0.5, length = 0, dangling = 0.1, redundancy = 0.8, not_a_sentence = 10}
