-- jsonl: a small JSON decoder for the evaluation sets (one object per
-- line).  Full string escapes, \u surrogate pairs included; numbers,
-- true/false/null, arrays and objects.  Errors name the byte offset.
local M = {}

local function err(s, i, what) error(string.format("JSON: %s at byte %d", what, i), 0) end

local function skip(s, i)
  return s:find("[^ \t\r\n]", i) or #s + 1
end

local esc = {['"'] = '"', ["\\"] = "\\", ["/"] = "/", b = "\b", f = "\f", n = "\n", r = "\r", t = "\t"}

local function str(s, i)
  local out, j = {}, i + 1
  while true do
    local k = s:find('["\\]', j)
    if not k then err(s, i, "unterminated string") end
    out[#out + 1] = s:sub(j, k - 1)
    if s:sub(k, k) == '"' then return table.concat(out), k + 1 end
    local c = s:sub(k + 1, k + 1)
    if c == "u" then
      local cp = tonumber(s:sub(k + 2, k + 5), 16)
      if not cp then err(s, k, "bad \\u escape") end
      j = k + 6
      if cp >= 0xD800 and cp <= 0xDBFF and s:sub(j, j + 1) == "\\u" then
        local lo = tonumber(s:sub(j + 2, j + 5), 16)
        if lo and lo >= 0xDC00 and lo <= 0xDFFF then
          cp = 0x10000 + (cp - 0xD800) * 0x400 + (lo - 0xDC00)
          j = j + 6
        end
      end
      out[#out + 1] = utf8.char(cp)
    elseif esc[c] then
      out[#out + 1] = esc[c]
      j = k + 2
    else
      err(s, k, "bad escape")
    end
  end
end

local value

local function arr(s, i)
  local t = {}
  i = skip(s, i + 1)
  if s:sub(i, i) == "]" then return t, i + 1 end
  while true do
    local v
    v, i = value(s, i)
    t[#t + 1] = v
    i = skip(s, i)
    local c = s:sub(i, i)
    if c == "]" then return t, i + 1 end
    if c ~= "," then err(s, i, "expected , or ]") end
    i = skip(s, i + 1)
  end
end

local function obj(s, i)
  local t = {}
  i = skip(s, i + 1)
  if s:sub(i, i) == "}" then return t, i + 1 end
  while true do
    if s:sub(i, i) ~= '"' then err(s, i, "expected a key") end
    local k
    k, i = str(s, i)
    i = skip(s, i)
    if s:sub(i, i) ~= ":" then err(s, i, "expected :") end
    local v
    v, i = value(s, skip(s, i + 1))
    t[k] = v
    i = skip(s, i)
    local c = s:sub(i, i)
    if c == "}" then return t, i + 1 end
    if c ~= "," then err(s, i, "expected , or }") end
    i = skip(s, i + 1)
  end
end

value = function(s, i)
  i = skip(s, i)
  local c = s:sub(i, i)
  if c == '"' then return str(s, i) end
  if c == "{" then return obj(s, i) end
  if c == "[" then return arr(s, i) end
  if s:sub(i, i + 3) == "true" then return true, i + 4 end
  if s:sub(i, i + 4) == "false" then return false, i + 5 end
  if s:sub(i, i + 3) == "null" then return nil, i + 4 end
  local num = s:match("^-?%d+%.?%d*[eE]?[-+]?%d*", i)
  if num and #num > 0 then return tonumber(num), i + #num end
  err(s, i, "unexpected character")
end

function M.decode(s)
  local v, i = value(s, 1)
  if skip(s, i) <= #s then err(s, i, "trailing characters") end
  return v
end

--- Reads a JSON Lines file into an array of values.
function M.read(path)
  local f = assert(io.open(path, "rb"))
  local out, n = {}, 0
  for line in f:lines() do
    n = n + 1
    if line:find("%S") then
      local ok, v = pcall(M.decode, line)
      if not ok then error(string.format("%s:%d: %s", path, n, v), 0) end
      out[#out + 1] = v
    end
  end
  f:close()
  return out
end

return M
