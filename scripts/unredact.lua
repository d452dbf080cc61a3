-- unredact: Put the original values back for the pseudonyms of `lede redact --style pseudonym --mapping FILE`.
-- usage: lede unredact --mapping FILE [FILE]
--   --mapping FILE   the mapping file that lede redact wrote
-- Byte for byte: unredact(redact(doc)) == doc.  Tokens that are not in
-- the mapping stay as they are.
local doc, args = ...
local R = lede.redact

local function fail(msg) error("lede unredact: " .. msg, 0) end

local path = args.mapping
-- A missing option is a usage error (exit 2, no traceback).
if not path or path == "true" then error("usage: --mapping FILE is required", 0) end
local data, err = R.read(path)
if not data then fail(err) end
local HEADER = "# lede redact mapping 1: pseudonym<TAB>value (\\\\ \\t \\n \\r escaped)\n"
if data:sub(1, #HEADER) ~= HEADER then fail(path .. ": not a lede redact mapping file") end
local value_of, lineno = {}, 1
for line in data:sub(#HEADER + 1):gmatch("([^\n]*)\n") do
  lineno = lineno + 1
  local token, value = line:match("^(<[A-Z][A-Z0-9_]*_%d+>)\t(.*)$")
  if not token then fail(path .. ":" .. lineno .. ": not a pseudonym and a value") end
  value_of[token] = value:gsub("\\(.)", {["\\"] = "\\", t = "\t", n = "\n", r = "\r"})
end

return (doc.source:gsub("<[A-Z][A-Z0-9_]*_%d+>", value_of))
