-- summary_html: Markdown to a standalone HTML page with a summary on top.
-- The summary is extractive (lede's bundled summarizer: the document's most
-- telling sentences, in document order), placed in an <aside> under the
-- title; the rest is the document as `lede render --to html --standalone`
-- writes it.
--   --words N   length of the summary, in words at most (default 40)
-- input: examples/guide.md
---@type lede.Document, lede.Args
local doc, args = ...
local words = tonumber(args.words or "40") or error("--words needs a number", 0)

local chosen = require("summarizer").summarize(doc, { words = words })
local parts = {}
for _, u in ipairs(chosen) do parts[#parts + 1] = lede.squish(u.text) end
-- Document text goes into HTML escaped, like everything lede renders.
local escape = { ["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;", ['"'] = "&quot;", ["'"] = "&#39;" }
local summary = table.concat(parts, " "):gsub("[&<>\"']", escape)
local aside = '<aside class="summary"><p><strong>In short:</strong> ' .. summary .. "</p></aside>\n"

local page = doc:render("html", { standalone = true })
-- Under the first heading (the page title), else at the top of <body>.
local at = select(2, page:find("</h1>\n", 1, true)) or select(2, page:find("<body>\n", 1, true))
return page:sub(1, at) .. aside .. page:sub(at + 1)
