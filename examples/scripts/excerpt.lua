-- excerpt: The opening words of every paragraph, as a custom command.
-- A script with options declared in its header is a command of its own:
-- put it in a directory on LEDE_PATH (or in ~/.local/share/lede/scripts,
-- where `lede new NAME --user` writes) and run `lede excerpt --words 6 FILE`;
-- `lede excerpt --help` prints this header, and an unknown option is an
-- error (exit 2).
--   --words N        words per paragraph (default 8)
--   --kinds LIST     paragraph kinds to include, comma-separated (default: all)
--   --numbered       prefix each line with the paragraph's number
-- input: examples/guide.md
-- run-as: excerpt --words 6 --kinds heading,paragraph --numbered
---@type lede.Document, lede.Args
local doc, args = ...
local n = tonumber(args.words or "8") or error("--words needs a number", 0)
local kinds
if args.kinds then
  kinds = {}
  for k in args.kinds:gmatch("[^,]+") do kinds[k] = true end
end

for _, p in ipairs(doc.paragraphs) do
  if not kinds or kinds[p.kind] then
    -- The first n words of the paragraph, cut from the source between the
    -- first word's start and the nth word's stop: punctuation and inline
    -- mark-up stay as written.
    local first, last, count = nil, nil, 0
    for _, s in ipairs(p.sentences) do
      for _, w in ipairs(s.words) do
        count = count + 1
        first = first or w
        if count <= n then last = w end
      end
    end
    if first then
      local line = lede.squish(doc.source:sub(first.start, last.stop))
      if count > n then line = line .. " ..." end
      if p.kind == "heading" then line = ("#"):rep(p.level) .. " " .. line end
      if args.numbered then line = ("%3d  %s"):format(p.index, line) end
      lede.write(line, "\n")
    end
  end
end
