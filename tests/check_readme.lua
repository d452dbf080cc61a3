-- check_readme.lua B -- follows README.md's "Your first script" verbatim
-- in an empty directory (with build/ and examples/ linked in), and fails
-- unless every command prints exactly the output shown after it:
--   ```sh      commands, run one by one with sh;
--   ```text    what the commands before it print (stdout);
--   ```lua     an edit: the first block is the line to find in hello.lua,
--              the next one what it becomes;
--   ```text that starts with "$ build/lede repl FILE": a REPL session;
--              its "> " lines are fed through a pipe and the other lines
--              (after the banner and the document line, which only a
--              terminal shows) must be what it prints.
local B = arg[1] or "build"
local root = io.popen("pwd"):read("l")
local bdir = B:sub(1, 1) == "/" and B or root .. "/" .. B

local f = assert(io.open(root .. "/README.md"))
local readme = f:read("a")
f:close()
local section = readme:match("\n## Your first script\n(.-)\n## ")
assert(section, "README.md has no '## Your first script' section")

local blocks = {}
for kind, body in section:gmatch("```(%w+)\n(.-)```") do blocks[#blocks + 1] = {kind = kind, body = body} end

local dir = io.popen("mktemp -d"):read("l")
local function sh(cmd)
  local p = io.popen("cd '" .. dir .. "' && " .. cmd .. " 2>&1")
  local out = p:read("a")
  p:close()
  return out
end
sh("ln -s '" .. bdir .. "' build && ln -s '" .. root .. "/examples' examples")

local failures, checks = 0, 0
local function expect(what, got, want)
  checks = checks + 1
  if got ~= want then
    failures = failures + 1
    io.stderr:write(("FAIL: README 'Your first script': %s\n--- shown:\n%s--- got:\n%s"):format(what, want, got))
  end
end

local out, ran, old_line = "", nil, nil
for _, b in ipairs(blocks) do
  if b.kind == "sh" then
    out, ran = "", b.body
    for line in b.body:gmatch("[^\n]+") do out = out .. sh(line) end
  elseif b.kind == "lua" then
    if not old_line then old_line = b.body
    else
      local path = dir .. "/hello.lua"
      local h = assert(io.open(path)); local text = h:read("a"); h:close()
      local i, j = text:find(old_line, 1, true)
      checks = checks + 1
      if not i then
        failures = failures + 1
        io.stderr:write("FAIL: README 'Your first script': hello.lua has no line\n" .. old_line)
      else
        h = assert(io.open(path, "w")); h:write(text:sub(1, i - 1), b.body, text:sub(j + 1)); h:close()
      end
      old_line = nil
    end
  elseif b.kind == "text" and b.body:match("^%$ build/lede repl") then
    local file = b.body:match("^%$ build/lede repl ([^\n]*)")
    local input, want, n = {}, {}, 0
    for line in b.body:gmatch("([^\n]*)\n") do
      n = n + 1
      if line:sub(1, 2) == "> " then input[#input + 1] = line:sub(3)
      elseif n > 3 then want[#want + 1] = line end
    end
    local inpath = dir .. "/repl.in"
    local h = assert(io.open(inpath, "w")); h:write(table.concat(input, "\n"), "\n"); h:close()
    expect("build/lede repl " .. file, sh("build/lede repl " .. file .. " < repl.in"),
           table.concat(want, "\n") .. "\n")
  elseif b.kind == "text" then
    expect(ran or "?", out, b.body)
  end
end
sh("true") -- keep dir until here
os.execute("rm -rf '" .. dir .. "'")
print(("readme: 'Your first script' followed verbatim, %d checks, %d failed"):format(checks, failures))
os.exit(failures == 0 and checks >= 5)
