-- render: Render a document as HTML, Markdown, plain text or JSON.
-- usage: lede render --to html|markdown|text|json [--standalone] [--unsafe] [FILE]
--   --to FMT       output format (default: the document's own format)
--   --standalone   HTML: a complete page (title from the first heading,
--                  UTF-8, a small readable stylesheet)
--   --unsafe       HTML: keep raw HTML and every link (default: removed,
--                  as cmark does without --unsafe)
local doc, args = ...

local to = args.to or doc.format
local ok = {html = true, markdown = true, text = true, json = true}
if not ok[to] then
  error("--to must be html, markdown, text or json, not '" .. tostring(to) .. "'", 0)
end
return doc:render(to, {standalone = args.standalone == "true", unsafe = args.unsafe == "true"})
