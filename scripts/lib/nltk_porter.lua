-- nltk_porter: the Porter stemmer exactly as NLTK's PorterStemmer runs it
-- in its default NLTK_EXTENSIONS mode, which is what Google's rouge-score
-- stems with.  Snowball's "porter" (lede.stem(w, "porter")) is the 1980
-- algorithm; NLTK departs from it (y -> i only after a consonant, "bli",
-- "logi", "fulli", four-letter "ies"/"ied", a few whole words), and those
-- departures move ROUGE by a few tenths.  Lower-case ASCII words in.
local M = {}

local vowel = {a = true, e = true, i = true, o = true, u = true}

local function cons(w, i)
  local c = w:sub(i, i)
  if vowel[c] then return false end
  if c == "y" then
    if i == 1 then return true end
    return not cons(w, i - 1)
  end
  return true
end

local function measure(s)
  local m, prev = 0, nil
  for i = 1, #s do
    local c = cons(s, i)
    if prev == false and c then m = m + 1 end
    prev = c
  end
  return m
end

local function has_vowel(s)
  for i = 1, #s do if not cons(s, i) then return true end end
  return false
end

local function double_cons(w)
  local n = #w
  return n >= 2 and w:sub(n, n) == w:sub(n - 1, n - 1) and cons(w, n)
end

local function cvc(w)
  local n = #w
  if n >= 3 and cons(w, n - 2) and not cons(w, n - 1) and cons(w, n) then
    local c = w:sub(n, n)
    return c ~= "w" and c ~= "x" and c ~= "y"
  end
  return n == 2 and not cons(w, 1) and cons(w, 2)
end

local function ends(w, s) return #s == 0 or (#w >= #s and w:sub(-#s) == s) end

local function positive(s) return measure(s) > 0 end
local function gt1(s) return measure(s) > 1 end

-- The first rule whose suffix matches decides, even when its condition
-- fails (NLTK's _apply_rule_list).
local function rules(w, list)
  for _, r in ipairs(list) do
    local suf, rep, cond = r[1], r[2], r[3]
    if suf == "*d" then
      if double_cons(w) then
        local stem = w:sub(1, -3)
        if not cond or cond(stem) then return stem .. rep end
        return w
      end
    elseif ends(w, suf) then
      local stem = w:sub(1, #w - #suf)
      if not cond or cond(stem) then return stem .. rep end
      return w
    end
  end
  return w
end

local function step1a(w)
  if ends(w, "ies") and #w == 4 then return w:sub(1, -4) .. "ie" end
  return rules(w, {{"sses", "ss"}, {"ies", "i"}, {"ss", "ss"}, {"s", ""}})
end

local function step1b(w)
  if ends(w, "ied") then
    if #w == 4 then return w:sub(1, -4) .. "ie" end
    return w:sub(1, -4) .. "i"
  end
  if ends(w, "eed") then
    local stem = w:sub(1, -4)
    if measure(stem) > 0 then return stem .. "ee" end
    return w
  end
  local stem
  for _, suf in ipairs{"ed", "ing"} do
    if ends(w, suf) then
      local s = w:sub(1, #w - #suf)
      if has_vowel(s) then stem = s; break end
    end
  end
  if not stem then return w end
  local last = stem:sub(-1)
  return rules(stem, {
    {"at", "ate"}, {"bl", "ble"}, {"iz", "ize"},
    {"*d", last, function() return last ~= "l" and last ~= "s" and last ~= "z" end},
    {"", "e", function(s) return measure(s) == 1 and cvc(s) end},
  })
end

local function step1c(w)
  return rules(w, {{"y", "i", function(s) return #s > 1 and cons(s, #s) end}})
end

local step2_rules = {
  {"ational", "ate", positive}, {"tional", "tion", positive}, {"enci", "ence", positive},
  {"anci", "ance", positive}, {"izer", "ize", positive}, {"bli", "ble", positive},
  {"alli", "al", positive}, {"entli", "ent", positive}, {"eli", "e", positive},
  {"ousli", "ous", positive}, {"ization", "ize", positive}, {"ation", "ate", positive},
  {"ator", "ate", positive}, {"alism", "al", positive}, {"iveness", "ive", positive},
  {"fulness", "ful", positive}, {"ousness", "ous", positive}, {"aliti", "al", positive},
  {"iviti", "ive", positive}, {"biliti", "ble", positive}, {"fulli", "ful", positive},
}

local function step2(w)
  if ends(w, "alli") and positive(w:sub(1, -5)) then return step2(w:sub(1, -5) .. "al") end
  local list = {}
  for i, r in ipairs(step2_rules) do list[i] = r end
  -- "logi" -> "log" keeps the l with the stem for the measure.
  list[#list + 1] = {"logi", "log", function() return positive(w:sub(1, -4)) end}
  return rules(w, list)
end

local function step3(w)
  return rules(w, {
    {"icate", "ic", positive}, {"ative", "", positive}, {"alize", "al", positive},
    {"iciti", "ic", positive}, {"ical", "ic", positive}, {"ful", "", positive},
    {"ness", "", positive},
  })
end

local function step4(w)
  return rules(w, {
    {"al", "", gt1}, {"ance", "", gt1}, {"ence", "", gt1}, {"er", "", gt1}, {"ic", "", gt1},
    {"able", "", gt1}, {"ible", "", gt1}, {"ant", "", gt1}, {"ement", "", gt1},
    {"ment", "", gt1}, {"ent", "", gt1},
    {"ion", "", function(s) return measure(s) > 1 and (ends(s, "s") or ends(s, "t")) end},
    {"ou", "", gt1}, {"ism", "", gt1}, {"ate", "", gt1}, {"iti", "", gt1}, {"ous", "", gt1},
    {"ive", "", gt1}, {"ize", "", gt1},
  })
end

local function step5a(w)
  if ends(w, "e") then
    local stem = w:sub(1, -2)
    local m = measure(stem)
    if m > 1 then return stem end
    if m == 1 and not cvc(stem) then return stem end
  end
  return w
end

local function step5b(w)
  return rules(w, {{"ll", "l", function() return measure(w:sub(1, -2)) > 1 end}})
end

local pool = {
  sky = "sky", skies = "sky", dying = "die", lying = "lie", tying = "tie", news = "news",
  innings = "inning", inning = "inning", outings = "outing", outing = "outing",
  cannings = "canning", canning = "canning", howe = "howe", proceed = "proceed",
  exceed = "exceed", succeed = "succeed",
}

--- stem(word) -> NLTK's Porter stem of a lower-case word.
function M.stem(w)
  local p = pool[w]
  if p then return p end
  if #w <= 2 then return w end
  w = step1a(w)
  w = step1b(w)
  w = step1c(w)
  w = step2(w)
  w = step3(w)
  w = step4(w)
  w = step5a(w)
  w = step5b(w)
  return w
end

return M
