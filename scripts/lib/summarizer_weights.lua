-- Settings of the default summarizer (summarizer.lua, scorers.default).
-- Made by `make weights` (tests/eval/fit.lua): lead_model is a logistic
-- regression of "inverted-pyramid news" (the CNN/DM articles against the
-- XSum ones) on each document's shape; lead_scale, gate_bias and echo are
-- tuned on a grid for the mean of stemmed ROUGE-1/2/Lsum F1 on CNN/DM (150
-- articles, 3 sentences) and XSum (100 articles, 1 sentence) together; the
-- other settings are the design's constants (see fit.lua).
-- In-sample: CNN/DM 41.25/18.60/37.28, XSum 18.71/2.33/13.84 (objective 22.003);
-- `make eval` prints the 5-fold cross-validated figures.
-- Data, not code: change it by changing the fit and re-running it.
return {lead_scale = 4, gate_bias = 0, shape_slope = 0, first_dangling = 0, first_definite = 4, position = 8, position_decay = 8, textrank_mix = 0.5, length = 0.8, length_words = 35, long = 0.2, quote = 0.4, dangling = 0.2, redundancy = 0.8, echo = 0.5, not_a_sentence = 10, 
  lead_model = {bias = 0.575,
    mu = {0.1666, 2.9829, 0.0962, 23.7996, 0.1875, 0.6161, 0.6494, 3.2242},
    sd = {0.2771, 0.4816, 0.1772, 5.9123, 0.1634, 0.2653, 0.2382, 0.3607},
    beta = {0.7499, 0.9283, 0.5469, 1.2406, -0.8423, 0.3649, -0.3733, -0.0217}}}
