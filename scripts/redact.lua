-- redact: Find personal data (e-mail, phone, card, IBAN, IP, URL, SSN, date) and replace it; every other byte kept.
-- usage: lede redact [options] [FILE]
--   --style STYLE        tag (default), mask, pseudonym, hash, remove or keep; per type: tag,email=pseudonym,phone=mask
--   --types LIST         types to look for, comma-separated (default: all)
--   --keep-last N        mask: leave the last N letters or digits of each value visible
--   --mapping FILE       pseudonym: read, extend and write this mapping (mode 0600); unredact reads it
--   --key-file FILE      hash: the secret HMAC key (at least 16 bytes)
--   --allow FILE         values never redacted, one per line
--   --deny FILE          words or phrases always redacted (type CUSTOM), one per line
--   --recognizers FILE   a Lua file that adds custom recognizers with lede.redact.add
--   --report FILE        write every finding as JSON
--   --report-values      put each finding's text in the report
--   --detect-only        print the findings instead of the redacted document
--   --format FORMAT      with --detect-only: json (default) or text
--   --preview FILE       write an HTML page of the original with every finding highlighted
local doc, args = ...
local R = lede.redact
local src = doc.source
local markdown = doc.format == "markdown"

local function fail(msg) error("lede redact: " .. msg, 0) end
-- A bad option is a usage error: the CLI prints the message with a hint
-- instead of a traceback and exits 2.
local function usage(msg) error("usage: " .. msg, 0) end

local function read_file(opt)
  local path = args[opt]
  if not path or path == "true" then usage("--" .. opt .. " needs a FILE") end
  local data, err = R.read(path)
  if not data then fail(err) end
  return data, path
end

local function lines(data)
  local out = {}
  for line in data:gmatch("[^\r\n]+") do
    line = line:match("^%s*(.-)%s*$")
    if line ~= "" and not line:find("^#") then out[#out + 1] = line end
  end
  return out
end

-- Styles: "mask" for every type, or "tag,email=pseudonym,phone=mask".
local STYLES = {tag = true, mask = true, pseudonym = true, hash = true, remove = true, keep = true}
local default_style, style_of = "tag", {}
for item in (args.style or "tag"):gmatch("[^,]+") do
  local t, st = item:match("^%s*([%w_]+)%s*=%s*(%a+)%s*$")
  if t then
    if not STYLES[st] then usage("unknown style '" .. st .. "'") end
    local ALIAS = {CARD = "CREDIT_CARD", IP = "IP_ADDRESS", SSN = "US_SSN"}
    style_of[ALIAS[t:upper()] or t:upper()] = st
  else
    st = item:match("^%s*(%a+)%s*$")
    if not st or not STYLES[st] then usage("unknown style '" .. item .. "' (tag, mask, pseudonym, hash, remove, keep)") end
    default_style = st
  end
end
local function style(t) return style_of[t] or default_style end
local function uses(st)
  if default_style == st then return true end
  for _, v in pairs(style_of) do if v == st then return true end end
  return false
end

local keep_last = tonumber(args["keep-last"] or "0")
if not keep_last or keep_last < 0 or keep_last % 1 ~= 0 then usage("--keep-last needs a whole number") end

-- Custom recognizers and the deny list run with the built-in ones.
if args.recognizers then
  local code, path = read_file("recognizers")
  local chunk, err = load(code, "@" .. path, "t")
  if not chunk then fail(err) end
  chunk()
end
if args.deny then R.add{type = "CUSTOM", words = lines((read_file("deny")))} end
local allow = {}
if args.allow then
  for _, v in ipairs(lines((read_file("allow")))) do allow[v:lower()] = true end
end

local types = args.types
if types then types = types .. ",custom" end
local ok, found = pcall(R.scan, src, {types = types})
if not ok then
  local msg = tostring(found)
  if msg:find("unknown type", 1, true) then usage(msg) end
  fail(msg)
end
local findings = {}
if next(allow) then
  for _, f in ipairs(found) do
    if not allow[f.text:lower()] then findings[#findings + 1] = f end
  end
else
  findings = found
end
found = nil

-- Paragraph and sentence of each finding (1-based indices; nil outside
-- any, e.g. in a Markdown link destination between blocks).
local inline_scanned, inline_todo = {}, {}
if args.report or args["detect-only"] or args.preview or markdown then
  local paras, pi = doc.paragraphs, 1
  local np, cur, p, sents, si = #paras, 0, nil, nil, 1
  for _, f in ipairs(findings) do
    while pi <= np and paras[pi].stop < f.start do pi = pi + 1 end
    if pi <= np and pi ~= cur then cur, p, sents, si = pi, paras[pi], nil, 1 end
    if p and p.start <= f.start and f.start <= p.stop then
      f.paragraph, f.pkind = p.index, p.kind
      if markdown and not inline_scanned[cur] and p.kind ~= "code" and p.kind ~= "html" then
        inline_scanned[cur] = true
        inline_todo[#inline_todo + 1] = {p.start, p.stop}
      end
      sents = sents or p.sentences
      while sents[si] and sents[si].stop < f.start do si = si + 1 end
      local s = sents[si]
      if s and s.start <= f.start then f.sentence = s.index end
    end
  end
end

-- Markdown: bytes where backslash escapes are not read (code spans,
-- autolinks, code and HTML blocks); elsewhere replacement text must not
-- turn into mark-up.
local raw_ranges = {}
local function scan_inline_raw(a, b)
  local i = a
  while i <= b do
    local c = src:byte(i)
    if c == 92 then
      i = i + 2
    elseif c == 96 then
      local j = i
      while j <= b and src:byte(j) == 96 do j = j + 1 end
      local run, k, close = j - i, j, nil
      while true do
        local s1, e1 = src:find("`+", k)
        if not s1 or e1 > b then break end
        if e1 - s1 + 1 == run then close = e1 break end
        k = e1 + 1
      end
      if close then
        raw_ranges[#raw_ranges + 1] = {i, close}
        i = close + 1
      else
        i = j
      end
    elseif c == 60 then
      local e = src:find(">", i + 1, true)
      local inner = e and e <= b and src:sub(i + 1, e - 1)
      if inner and not inner:find("[%s<]") and (inner:find("^%a[%w+.-]+:") or inner:find("@")) then
        raw_ranges[#raw_ranges + 1] = {i, e}
        i = e + 1
      else
        i = i + 1
      end
    else
      i = i + 1
    end
  end
end
local function in_raw(f)
  if not markdown then return true end
  if f.pkind == "code" or f.pkind == "html" then return true end
  for _, r in ipairs(raw_ranges) do
    if r[1] <= f.start and f.stop <= r[2] then return true end
  end
  return false
end
for _, r in ipairs(inline_todo) do scan_inline_raw(r[1], r[2]) end

-- Pseudonyms: one per distinct value and type, kept across documents in
-- the mapping file.  Values are escaped so any byte survives a line.
local MAP_HEADER = "# lede redact mapping 1: pseudonym<TAB>value (\\\\ \\t \\n \\r escaped)\n"
local by_value, by_token, next_n, mapping_order = {}, {}, {}, {}
local function esc(v) return (v:gsub("[\\\t\n\r]", {["\\"] = "\\\\", ["\t"] = "\\t", ["\n"] = "\\n", ["\r"] = "\\r"})) end
if args.mapping and args.mapping ~= "true" then
  local data = R.read(args.mapping) -- a missing file is a new mapping
  if data then
    if data ~= "" and data:sub(1, #MAP_HEADER) ~= MAP_HEADER then
      fail(args.mapping .. ": not a lede redact mapping file")
    end
    local lineno = 1
    for line in data:sub(#MAP_HEADER + 1):gmatch("([^\n]*)\n") do
      lineno = lineno + 1
      local token, t, num, value = line:match("^(<([A-Z][A-Z0-9_]*)_(%d+)>)\t(.*)$")
      if not token then fail(args.mapping .. ":" .. lineno .. ": not a pseudonym and a value") end
      value = value:gsub("\\(.)", {["\\"] = "\\", t = "\t", n = "\n", r = "\r"})
      by_value[t .. "\0" .. value], by_token[token] = token, value
      next_n[t] = math.max(next_n[t] or 0, tonumber(num))
      mapping_order[#mapping_order + 1] = token
    end
  end
elseif uses("pseudonym") and args.mapping == "true" then
  usage("--mapping needs a FILE")
end

local key
if uses("hash") then
  if not args["key-file"] then usage("--style hash needs --key-file FILE (hashes are always keyed)") end
  key = read_file("key-file")
  if #key < 16 then fail(args["key-file"] .. ": the key must hold at least 16 bytes") end
end

local function mask(v)
  local out, visible = {}, 0
  local cps = {}
  for _, cp in utf8.codes(v) do cps[#cps + 1] = cp end
  for i = #cps, 1, -1 do
    local ch = utf8.char(cps[i])
    local word = ch:find("^[%w]") or cps[i] >= 128
    if word then
      visible = visible + 1
      out[i] = visible <= keep_last and ch or "*"
    else
      out[i] = ch
    end
  end
  return table.concat(out)
end

local function replacement(f)
  local t, st, v = f.type, style(f.type), f.text
  f.operator = st
  local raw = in_raw(f)
  if st == "keep" then return v end
  if st == "remove" then return "" end
  if st == "mask" then
    local m = mask(v)
    return raw and m or (m:gsub("%*", "\\*"))
  end
  if st == "pseudonym" then
    local k = t .. "\0" .. v
    local token = by_value[k]
    if not token then
      next_n[t] = (next_n[t] or 0) + 1
      token = "<" .. t .. "_" .. next_n[t] .. ">"
      by_value[k], by_token[token] = token, v
      mapping_order[#mapping_order + 1] = token
    end
    return token
  end
  local label = st == "hash" and t .. ":" .. R.hmac(key, t .. "\0" .. v):sub(1, 16) or t
  -- "[TAG](" or "[TAG][" would open a link, and "[TAG]:" at a line's
  -- start a link reference definition
  local nextc = src:sub(f.stop + 1, f.stop + 1)
  local b = f.start - 1
  while b > 0 and b >= f.start - 3 and src:byte(b) == 32 do b = b - 1 end
  local line_start = b == 0 or src:byte(b) == 10
  if not raw and (nextc == "(" or nextc == "[" or (nextc == ":" and line_start)) then
    return "\\[" .. label .. "]"
  end
  return "[" .. label .. "]"
end

for _, f in ipairs(findings) do f.rep = replacement(f) end

-- unredact replaces every token of the mapping: a token already in the
-- document would be "restored" into something it never was.
if uses("pseudonym") then
  for token in src:gmatch("<[A-Z][A-Z0-9_]*_%d+>") do
    if by_token[token] then
      fail("the document already contains " .. token .. ", a pseudonym of the mapping: unredact could not restore it exactly")
    end
  end
  if args.mapping then
    local m = {MAP_HEADER}
    for _, token in ipairs(mapping_order) do m[#m + 1] = token .. "\t" .. esc(by_token[token]) .. "\n" end
    local okw, err = R.write(args.mapping, table.concat(m), tonumber("600", 8))
    if not okw then fail(err) end
  end
end

local function report()
  local rows, values = {}, args["report-values"]
  for i, f in ipairs(findings) do
    rows[i] = ('{"type":%s,"start":%d,"end":%d,"paragraph":%s,"sentence":%s,"operator":%s%s}'):format(
      lede.json(f.type), f.start - 1, f.stop, f.paragraph or "null", f.sentence or "null",
      lede.json(f.operator or style(f.type)), values and ',"value":' .. lede.json(f.text) or "")
  end
  if #rows == 0 then return "[]\n" end
  return "[\n" .. table.concat(rows, ",\n") .. "\n]\n"
end

local function html_escape(s)
  return (s:gsub("[&<>\"']", {["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;", ['"'] = "&quot;", ["'"] = "&#39;"}))
end

local function preview()
  local h = {[[<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Redaction preview</title>
<style>
body { font: 16px/1.5 system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; }
pre.doc { white-space: pre-wrap; word-wrap: break-word; font: 15px/1.6 ui-monospace, monospace; }
mark.pii { background: #ffe08a; border-radius: 3px; padding: 0 2px; }
mark.pii .type { font: bold 11px/1 system-ui, sans-serif; color: #fff; background: #8a4b00;
  border-radius: 3px; padding: 1px 4px; margin-right: 3px; vertical-align: 2px; }
</style>
</head>
<body>
]]}
  h[#h + 1] = "<h1>Redaction preview</h1>\n<p class=\"summary\">" .. #findings ..
    (#findings == 1 and " finding" or " findings") .. "; each is highlighted and labelled with its type.</p>\n<pre class=\"doc\">"
  local p = 1
  for _, f in ipairs(findings) do
    h[#h + 1] = html_escape(src:sub(p, f.start - 1))
    h[#h + 1] = '<mark class="pii" data-type="' .. html_escape(f.type) .. '" title="' ..
      html_escape(f.type .. " -> " .. (f.operator or style(f.type))) .. '"><span class="type">' ..
      html_escape(f.type) .. "</span>" .. html_escape(f.text) .. "</mark>"
    p = f.stop + 1
  end
  h[#h + 1] = html_escape(src:sub(p)) .. "</pre>\n</body>\n</html>\n"
  return table.concat(h)
end

if args.report then
  local okw, err = R.write(args.report, report())
  if not okw then fail(err) end
end
if args.preview then
  local okw, err = R.write(args.preview, preview())
  if not okw then fail(err) end
end
if args["detect-only"] then
  local fmt = args.format or "json"
  if fmt == "json" then return report() end
  if fmt ~= "text" then usage("--format must be json or text") end
  local rows = {}
  for _, f in ipairs(findings) do
    rows[#rows + 1] = f.type .. "\t" .. (f.start - 1) .. "\t" .. f.stop ..
      (args["report-values"] and "\t" .. esc(f.text) or "") .. "\n"
  end
  return table.concat(rows)
end
-- Streamed piece by piece: a large document is not copied a second time;
-- what the report and preview needed is garbage by now.
collectgarbage()
local pos = 1
for _, f in ipairs(findings) do
  lede.write(src:sub(pos, f.start - 1), f.rep)
  pos = f.stop + 1
end
lede.write(src:sub(pos))
