-- Settings of the default summarizer (summarizer.lua, scorers.default).
-- Made by `make weights` (tests/eval/fit.lua): lead_model is a logistic
-- regression of "inverted-pyramid news" (the CNN/DM articles against the
-- XSum ones) on each document's shape; lead_scale and gate_bias are tuned
-- on a grid for the mean of stemmed ROUGE-1/2/Lsum F1 on CNN/DM (150
-- articles, 3 sentences) and XSum (100 articles, 1 sentence) together; the
-- other settings are the design's constants (see fit.lua).
-- In-sample: CNN/DM 40.93/18.35/36.94, XSum 18.93/2.52/14.03 (objective 21.952);
-- `make eval` prints the 5-fold cross-validated figures.
-- Data, not code: change it by changing the fit and re-running it.
return {lead_scale = 4, gate_bias = -1, shape_slope = 0, first_dangling = 0, first_definite = 4, position = 8, position_decay = 8, textrank_mix = 0.5, length = 0.8, length_words = 35, long = 0.2, quote = 0.4, dangling = 0.2, redundancy = 0.8, not_a_sentence = 10, 
  lead_model = {bias = 0.551,
    mu = {0.1645, 2.9769, 0.0953, 23.9431, 0.188, 0.616, 0.6489, 3.2299},
    sd = {0.2793, 0.4802, 0.1774, 5.9217, 0.1635, 0.2655, 0.239, 0.3632},
    beta = {0.7891, 0.931, 0.5352, 1.1239, -0.8494, 0.3491, -0.3503, -0.0216}}}
