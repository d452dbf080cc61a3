-- redact_eval: precision, recall and F1 of lede.redact's recognizers per
-- type on a labelled set (make eval-redact).
-- usage: lede run tests/redact_eval.lua tests/data/redact/cases.txt [-D verbose=1]
-- The set: cases separated by lines "----"; each entity written in place
-- as [[TYPE:text]]; lines starting with "#" are comments.  A finding
-- counts for "exact" when type, start and end all match, for "overlap"
-- when it shares a byte with a gold entity of its type (each gold entity
-- matched once).
local doc, args = ...
local verbose = args.verbose

local cases, cur = {}, {}
for line in (doc.source .. "\n"):gmatch("([^\n]*)\n") do
  if line == "----" then
    cases[#cases + 1] = table.concat(cur, "\n")
    cur = {}
  elseif not line:find("^#") then
    cur[#cur + 1] = line
  end
end
if #cur > 0 and table.concat(cur):find("%S") then cases[#cases + 1] = table.concat(cur, "\n") end

local TYPES = {"EMAIL", "PHONE", "CREDIT_CARD", "IBAN", "IP_ADDRESS", "URL", "US_SSN", "DATE"}
local st = {}
for _, t in ipairs(TYPES) do st[t] = {gold = 0, pred = 0, exact = 0, ov_p = 0, ov_g = 0} end

local ncases, nonpii, nonpii_fp, entities = 0, 0, 0, 0
for ci, raw in ipairs(cases) do
  if raw:find("%S") then
    ncases = ncases + 1
    -- strip the mark-up, remembering gold spans in the clean text
    local text, gold, pos = {}, {}, 1
    local len = 0
    while true do
      local a, b, t, v = raw:find("%[%[([A-Z_]+):(.-)%]%]", pos)
      local chunk = raw:sub(pos, (a or 0) - 1)
      if not a then chunk = raw:sub(pos) end
      text[#text + 1] = chunk
      len = len + #chunk
      if not a then break end
      if not st[t] then error("case " .. ci .. ": unknown type " .. t) end
      gold[#gold + 1] = {type = t, s = len + 1, e = len + #v, v = v}
      text[#text + 1] = v
      len = len + #v
      pos = b + 1
    end
    local clean = table.concat(text)
    entities = entities + #gold
    if #gold == 0 then nonpii = nonpii + 1 end
    local pred = lede.redact.scan(clean)
    local used = {}
    for _, g in ipairs(gold) do st[g.type].gold = st[g.type].gold + 1 end
    local fp_here = false
    for _, p in ipairs(pred) do
      local s = st[p.type]
      if s then
        s.pred = s.pred + 1
        local exact, over = false, false
        for gi, g in ipairs(gold) do
          if g.type == p.type then
            if g.s == p.start and g.e == p.stop then exact = true end
            if not used[gi] and g.s <= p.stop and p.start <= g.e then
              over = true
              used[gi] = true
            end
          end
        end
        if exact then s.exact = s.exact + 1 end
        if over then s.ov_p = s.ov_p + 1 end
        if not exact then
          fp_here = true
          if verbose then print(("case %d: %s '%s' is not a gold entity"):format(ci, p.type, p.text)) end
        end
      end
    end
    for gi, g in ipairs(gold) do
      if used[gi] then st[g.type].ov_g = st[g.type].ov_g + 1 end
      local hit = false
      for _, p in ipairs(pred) do
        if p.type == g.type and p.start == g.s and p.stop == g.e then hit = true end
      end
      if not hit and verbose then print(("case %d: missed %s '%s'"):format(ci, g.type, g.v)) end
    end
    if #gold == 0 and fp_here then nonpii_fp = nonpii_fp + 1 end
  end
end

local function f1(p, r) return (p + r) > 0 and 2 * p * r / (p + r) or 0 end
local function ratio(a, b) return b > 0 and a / b or 1 end
lede.write(("%d cases (%d without any PII, %.0f%%), %d entities\n\n"):format(ncases, nonpii,
  100 * nonpii / ncases, entities))
lede.write(("%-12s %5s %5s | %-20s | %-20s\n"):format("type", "gold", "found", "exact  P     R     F1", "overlap P     R     F1"))
local tot = {gold = 0, pred = 0, exact = 0, ov_p = 0, ov_g = 0}
local worst = 1
for _, t in ipairs(TYPES) do
  local s = st[t]
  for k in pairs(tot) do tot[k] = tot[k] + s[k] end
  local ep, er = ratio(s.exact, s.pred), ratio(s.exact, s.gold)
  local op, orr = ratio(s.ov_p, s.pred), ratio(s.ov_g, s.gold)
  worst = math.min(worst, f1(ep, er))
  lede.write(("%-12s %5d %5d | %.3f %.3f %.3f  | %.3f %.3f %.3f\n"):format(t, s.gold, s.pred,
    ep, er, f1(ep, er), op, orr, f1(op, orr)))
end
local ep, er = ratio(tot.exact, tot.pred), ratio(tot.exact, tot.gold)
local op, orr = ratio(tot.ov_p, tot.pred), ratio(tot.ov_g, tot.gold)
lede.write(("%-12s %5d %5d | %.3f %.3f %.3f  | %.3f %.3f %.3f\n"):format("all", tot.gold, tot.pred,
  ep, er, f1(ep, er), op, orr, f1(op, orr)))
lede.write(("\ncases without PII that got a finding: %d of %d\n"):format(nonpii_fp, nonpii))
lede.write(("lowest exact-span F1 of a type: %.3f (target >= 0.98): %s\n"):format(worst,
  worst >= 0.98 and "PASS" or "FAIL"))
if worst < 0.98 then error("redact_eval: a type is below F1 0.98", 0) end
