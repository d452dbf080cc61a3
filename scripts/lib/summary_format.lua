-- summary_format: how `lede summarize` writes a summary: text, lines,
-- json, markdown (the sentences with their Markdown mark-up), html (the
-- whole document as a standalone page, sentences shaded by score) and the
-- --explain table.  Each function takes the chosen units (document order)
-- and all units as summarizer.summarize returns them, and returns a string.
local lede = require "lede"

local M = {}
M.formats = {text = true, lines = true, json = true, markdown = true, html = true}

function M.text(_, chosen)
  local t = {}
  for i, u in ipairs(chosen) do t[i] = lede.squish(u.text) end
  return #t > 0 and table.concat(t, " ") .. "\n" or ""
end

function M.lines(_, chosen)
  local t = {}
  for i, u in ipairs(chosen) do t[i] = lede.squish(u.text) .. "\n" end
  return table.concat(t)
end

local function num(x)
  local s = string.format("%.6f", x):gsub("0+$", ""):gsub("%.$", "")
  return s == "-0" and "0" or s
end

-- Offsets as `lede sentences --json`: 0-based, end-exclusive bytes.
local function json_unit(u, extra)
  return string.format('{"index":%d,"start":%d,"end":%d,"score":%s,"text":%s%s}',
                       u.index, u.start - 1, u.stop, num(u.score), lede.json(u.text), extra or "")
end

function M.json(_, chosen)
  local t = {}
  for i, u in ipairs(chosen) do t[i] = json_unit(u) end
  if #t == 0 then return "[]\n" end
  return "[\n" .. table.concat(t, ",\n") .. "\n]\n"
end

-- Markdown: a Markdown document keeps the chosen sentences' own mark-up
-- (the document model renders it with every other sentence removed);
-- plain text is escaped so it reads as the same text.
function M.markdown(doc, chosen)
  if doc.format ~= "markdown" then
    local t = {}
    for i, u in ipairs(chosen) do
      t[i] = lede.squish(u.text):gsub("[\\`*_%[%]<>#|!]", "\\%0")
    end
    return #t > 0 and table.concat(t, " ") .. "\n" or ""
  end
  local keep, keep_para = {}, {}
  for _, u in ipairs(chosen) do
    keep[u.index] = true
    keep_para[u.paragraph] = true
  end
  for _, p in ipairs(doc.paragraphs) do
    if not keep_para[p.index] then p:remove() end
  end
  for _, s in ipairs(doc.sentences) do
    if not keep[s.index] then s:remove() end
  end
  -- A removed paragraph takes its separator along, except the last.
  local md = doc:render("markdown"):gsub("%s+$", "")
  return #md > 0 and md .. "\n" or ""
end

local function esc(s)
  return (s:gsub("[&<>\"']", {["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;",
                              ['"'] = "&quot;", ["'"] = "&#39;"}))
end

-- The whole document, each sentence shaded by its score relative to the
-- best one, the chosen ones marked; headings stay headings, code stays
-- preformatted.  Only escaped document text goes into the page.
function M.html(doc, chosen, all)
  local top = 0
  for _, u in ipairs(all) do if u.candidate and u.score > top then top = u.score end end
  local by_para = {}
  for _, u in ipairs(all) do
    local t = by_para[u.paragraph]
    if not t then t = {}; by_para[u.paragraph] = t end
    t[#t + 1] = u
  end
  local title
  for _, p in ipairs(doc.paragraphs) do
    if p.kind == "heading" then title = lede.squish(p.text); break end
  end
  local o = {}
  o[#o + 1] = '<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8">\n'
  o[#o + 1] = '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
  o[#o + 1] = "<title>" .. esc(title and "Summary: " .. title or "Summary") .. "</title>\n"
  o[#o + 1] = [[<style>
body{max-width:42em;margin:2em auto;padding:0 1em;font:1.05em/1.6 Georgia,serif;color:#222;background:#fff}
h1,h2,h3,h4,h5,h6{font-family:system-ui,sans-serif;line-height:1.25}
pre{font:0.9em ui-monospace,Menlo,Consolas,monospace;background:#f4f4f4;padding:.75em;overflow-x:auto}
.s{border-radius:2px}
mark.s{outline:2px solid #c60;background-clip:padding-box}
.legend{font:0.85em system-ui,sans-serif;color:#555;border-bottom:1px solid #ddd;padding-bottom:.5em}
</style>
</head>
<body>
]]
  o[#o + 1] = string.format('<p class="legend">%d of %d sentences chosen (outlined); shading: score '
                            .. 'relative to the best sentence.</p>\n', #chosen, #all)
  for _, p in ipairs(doc.paragraphs) do
    local units = by_para[p.index]
    local tag = p.kind == "heading" and "h" .. math.max(1, math.min(6, p.level or 1))
                or (p.kind == "code" or p.kind == "html") and "pre"
                or p.kind == "quote" and "blockquote" or "p"
    if not units then
      if p.kind == "code" or p.kind == "html" then
        o[#o + 1] = "<pre>" .. esc(p.text) .. "</pre>\n"
      end
    else
      local parts = {}
      for _, u in ipairs(units) do
        local a = top > 0 and math.max(0, u.score) / top or 0
        local style = string.format(' style="background:rgba(255,190,0,%.2f)"', 0.6 * a)
        local name = u.chosen and "mark" or "span"
        parts[#parts + 1] = string.format('<%s class="s" title="sentence %d, score %s"%s>%s</%s>',
                                          name, u.index, num(u.score), u.candidate and style or "",
                                          esc(lede.squish(u.text)), name)
      end
      o[#o + 1] = "<" .. tag .. ">" .. table.concat(parts, " ") .. "</" .. tag .. ">\n"
    end
  end
  o[#o + 1] = "</body>\n</html>\n"
  return table.concat(o)
end

local function parts_text(u)
  local names = {}
  for k in pairs(u.parts) do names[#names + 1] = k end
  table.sort(names)
  local t = {}
  for i, k in ipairs(names) do t[i] = k .. "=" .. num(u.parts[k]) end
  return table.concat(t, " ")
end

--- --explain: every sentence, chosen ones starred, with score and parts.
function M.explain(all, format)
  if format == "json" then
    local t = {}
    for i, u in ipairs(all) do
      local names = {}
      for k in pairs(u.parts) do names[#names + 1] = k end
      table.sort(names)
      local p = {}
      for j, k in ipairs(names) do p[j] = lede.json(k) .. ":" .. num(u.parts[k]) end
      t[i] = json_unit(u, string.format(',"chosen":%s,"candidate":%s,"parts":{%s}',
                                        u.chosen and "true" or "false",
                                        u.candidate and "true" or "false", table.concat(p, ",")))
    end
    if #t == 0 then return "[]\n" end
    return "[\n" .. table.concat(t, ",\n") .. "\n]\n"
  end
  local t = {}
  if all.note then t[1] = "# " .. all.note .. "\n" end
  t[#t + 1] = "  sentence    score  parts | text\n"
  for _, u in ipairs(all) do
    local text = lede.squish(u.text)
    if #text > 72 then text = text:sub(1, 69):gsub("[\128-\191]*$", ""):gsub("[\192-\255]$", "") .. "..." end
    t[#t + 1] = string.format("%s %8d %8s  %s | %s\n", u.chosen and "*" or " ", u.index,
                              u.candidate and num(u.score) or "-",
                              u.candidate and parts_text(u) or "(" .. u.kind .. ": not a candidate)",
                              text)
  end
  return table.concat(t)
end

return M
