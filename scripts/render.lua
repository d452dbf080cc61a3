-- render: Render a document as HTML, Markdown, plain text or JSON.
-- usage: lede render --to html|markdown|text|json [--standalone] [--unsafe] [FILE]
--   --to FORMAT    html, markdown, text or json (default: the document's own format)
--   --standalone   with html, a complete page: title from the first heading,
--                  UTF-8, a small readable stylesheet
--   --unsafe       with html, keep raw HTML and every link (by default they are
--                  left out, as cmark does without --unsafe)
local doc, args = ...

local to = args.to or doc.format
local known = {html = true, markdown = true, text = true, json = true}
if not known[to] then
  error("--to must be html, markdown, text or json, not '" .. tostring(to) .. "'", 0)
end
return doc:render(to, {standalone = args.standalone ~= nil, unsafe = args.unsafe ~= nil})
