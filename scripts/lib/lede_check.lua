-- lede_check: the static checks of `lede check SCRIPT...`, as a module.
--
-- check(source, name, annotations) compiles `source` without running it
-- and returns a list of {kind = "error"|"warning", line, col, msg}.  Past
-- compilation it reads the script with a small scope-aware parser (the
-- code is known to be valid Lua by then) to find
--   * globals that are neither Lua's, the sandbox's nor lede's, and not
--     assigned anywhere in the script;
--   * fields that do not exist on document objects (and the lede table)
--     whose type it can see: `local doc = ...`, `lede.load(...)`,
--     `doc.sentences[i]`, `for _, s in ipairs(doc.sentences)`, and
--     `---@type lede.X` / `---@param x lede.X` annotations.
-- Class members come from the LuaLS annotations (types/lede.lua), which a
-- test keeps equal to what the C bindings register.

local M = {}

-- ---- annotations ----------------------------------------------------------

-- classes["lede.Sentence"] = {fields = {text = "string", ...}}; the type is
-- the annotation's text, e.g. "lede.Sentence[]".
local function read_annotations(text)
  local classes, tables, cls = {}, {}, nil
  local returns = nil
  for line in (text .. "\n"):gmatch("(.-)\r?\n") do
    local c = line:match("^%-%-%-@class%s+([%w_.]+)")
    local f, ftype = line:match("^%-%-%-@field%s+([%a_][%w_]*)%??%s+([^#]-)%s*$")
    if not f then f, ftype = line:match("^%-%-%-@field%s+([%a_][%w_]*)%??%s+(%S+)") end
    local r = line:match("^%-%-%-@return%s+([%w_.%[%]?]+)")
    if c then
      cls = c
      classes[c] = classes[c] or {fields = {}, open = false}
    elseif line:match("^%-%-%-@field%s+%[") and cls then
      classes[cls].open = true -- [string] string: any key
    elseif f and cls then
      classes[cls].fields[f] = ftype
    elseif r then
      returns = returns or r
    else
      local t = line:match("^local%s+([%w_]+)%s*=%s*{}") or (line:match("^lede%s*=%s*{}") and "lede")
      if t and cls then tables[t] = cls end
      local owner, name = line:match("^function%s+([%w_]+)[.:]([%w_]+)%s*%(")
      if owner and tables[owner] then
        classes[tables[owner]].fields[name] = returns and ("fun->" .. returns) or "function"
      end
      if not line:match("^%-%-%-") then returns = nil end
    end
  end
  return classes
end

-- ---- lexer ------------------------------------------------------------------

local keywords = {}
for k in ([[and break do else elseif end false for function goto if in local nil not or
  repeat return then true until while]]):gmatch("%a+") do keywords[k] = true end

-- Tokens: {t = "name"|"string"|"number"|"op"|"kw"|"eof", v, line, col};
-- `---@type` / `---@param` comments become {t = "ann", v = text}.
local function lex(src)
  local toks, i, n, line, linestart = {}, 1, #src, 1, 1
  local function push(t, v, at)
    toks[#toks + 1] = {t = t, v = v, line = line, col = at - linestart + 1}
  end
  local function newlines(s)
    for _ in s:gmatch("\n") do line = line + 1 end
    local last = s:match(".*\n()")
    return last
  end
  local function long_bracket(at)
    local eqs = src:match("^%[(=*)%[", at)
    if not eqs then return nil end
    local close = "]" .. eqs .. "]"
    local s = at + #eqs + 2
    local e = src:find(close, s, true)
    e = e or n
    local body = src:sub(at, e + #close - 1)
    local startline = line
    local last = newlines(body)
    if last then linestart = at + last - 1 end
    return e + #close, startline
  end
  while i <= n do
    local c = src:sub(i, i)
    if c == "\n" then
      line = line + 1; i = i + 1; linestart = i
    elseif c:match("%s") then
      i = i + 1
    elseif src:sub(i, i + 1) == "--" then
      local j = long_bracket(i + 2)
      if j then i = j else
        local e = src:find("\n", i, true) or n + 1
        local text = src:sub(i, e - 1)
        if text:match("^%-%-%-@") then push("ann", text, i) end
        i = e
      end
    elseif c:match("[%a_]") then
      local w = src:match("^[%w_]+", i)
      push(keywords[w] and "kw" or "name", w, i)
      i = i + #w
    elseif c:match("%d") or (c == "." and src:sub(i + 1, i + 1):match("%d")) then
      local num = src:match("^0[xX][%x.]*[pP][+-]?%d+", i) or src:match("^0[xX][%x.]*", i)
        or src:match("^[%d.]*[eE][+-]?%d+", i) or src:match("^[%d.]+", i)
      push("number", num, i)
      i = i + #num
    elseif c == '"' or c == "'" then
      local j, at = i + 1, i
      while j <= n do
        local d = src:sub(j, j)
        if d == "\\" then
          if src:sub(j + 1, j + 1) == "\n" then line = line + 1; linestart = j + 2 end
          if src:sub(j + 1, j + 1) == "z" then
            local ws = src:match("^%s*", j + 2)
            local last = newlines(ws)
            if last then linestart = j + 2 + last - 1 end
            j = j + 2 + #ws
          else
            j = j + 2
          end
        elseif d == c or d == "\n" then break
        else j = j + 1 end
      end
      push("string", src:sub(at + 1, j - 1), at)
      i = j + 1
    elseif c == "[" and src:match("^%[=*%[", i) then
      local at, l0 = i, line
      local j = long_bracket(i)
      toks[#toks + 1] = {t = "string", v = "", line = l0, col = at - linestart + 1}
      i = j
    else
      local op = src:match("^%.%.%.", i) or src:match("^[=~<>]=", i) or src:match("^//", i)
        or src:match("^::", i) or src:match("^<<", i) or src:match("^>>", i)
        or src:match("^%.%.", i) or c
      push("op", op, i)
      i = i + #op
    end
  end
  push("eof", "<eof>", i)
  return toks
end

-- ---- parser -----------------------------------------------------------------

-- Globals the sandbox gives every script; Lua's others only with --trusted.
local sandbox_globals = {}
for k in pairs(_G) do sandbox_globals[k] = true end
local lua_only = {}
for k in ([[io debug package dofile loadfile require os string table math utf8
  coroutine collectgarbage rawlen rawequal warn arg]]):gmatch("%S+") do
  if not sandbox_globals[k] then lua_only[k] = true end
end

function M.check(src, name, annotations)
  local out = {}
  local function report(kind, line, col, msg)
    out[#out + 1] = {kind = kind, line = line, col = col, msg = msg}
  end
  if src:sub(1, 1) == "#" then src = "--" .. src end -- "#!" line, as Lua skips it
  local f, err = load(src, "@" .. name, "t")
  if not f then
    -- "name:LINE: message": the line is the only position Lua gives.
    local line, msg = err:match("^.-:(%d+): (.*)$")
    report("error", tonumber(line) or 1, nil, msg or err)
    return out
  end
  local classes = read_annotations(annotations or "")
  local toks, pos = lex(src), 1
  local tok = toks[1]
  local function nxt() pos = pos + 1; tok = toks[pos] end
  local function skip_ann()
    while tok.t == "ann" do nxt() end
  end
  local pending_types = {} -- from ---@type / ---@param before a declaration
  local function collect_ann()
    while tok.t == "ann" do
      local ty = tok.v:match("^%-%-%-@type%s+(.+)")
      if ty then
        local list = {}
        for t in ty:gmatch("[^,%s]+") do list[#list + 1] = t end
        pending_types.list = list
      end
      local pname, ptype = tok.v:match("^%-%-%-@param%s+([%w_]+)%??%s+(%S+)")
      if pname then pending_types[pname] = ptype end
      nxt()
    end
  end
  local function check(v) if tok.v == v and tok.t ~= "string" then nxt() return true end end
  local function expect(v) if not check(v) then nxt() end end -- the code compiled

  -- Scopes: a stack of {names = {name = type}}.
  local scopes = {}
  local function open() scopes[#scopes + 1] = {} end
  local function close() scopes[#scopes] = nil end
  local function declare(nm, ty) scopes[#scopes][nm] = ty or false end
  local function lookup(nm)
    for k = #scopes, 1, -1 do
      local v = scopes[k][nm]
      if v ~= nil then return true, v or nil end
    end
    return false
  end
  local global_reads, global_sets = {}, {}

  local function elem_type(ty)
    return ty and ty:match("^(.-)%[%]$")
  end
  local function class_of(ty)
    if ty and classes[ty] then return ty end
  end
  local function short(cls)
    return cls == "lede" and "lede" or cls:gsub("^lede%.", "")
  end
  local function check_field(ty, field, t)
    local cls = class_of(ty)
    if not cls or classes[cls].open then return nil end
    local ftype = classes[cls].fields[field]
    if ftype then
      return ftype
    end
    local cands = {}
    for k in pairs(classes[cls].fields) do cands[#cands + 1] = k end
    table.sort(cands)
    local best, bestd = nil, #field <= 4 and 2 or #field <= 8 and 3 or 4
    for _, cand in ipairs(cands) do
      local d = M.distance(field, cand)
      if d < bestd then best, bestd = cand, d end
    end
    report("warning", t.line, t.col, ("no field '%s' on %s%s"):format(field, short(cls),
      best and (" (did you mean '%s'?)"):format(best) or ""))
    return nil
  end

  local expr, block, funcbody

  -- Call arguments; returns nothing useful.
  local function callargs()
    if tok.t == "string" then nxt()
    elseif tok.v == "{" then expr()
    else
      expect("(")
      if not check(")") then
        repeat expr() until not check(",")
        expect(")")
      end
    end
  end

  -- primaryexp { suffixes }: returns its type (or nil), and whether it is
  -- a plain call (for statements) -- types are annotation strings.
  local function suffixedexp()
    local ty, last_fn
    local t = tok
    if tok.t == "name" then
      local nm = tok.v
      nxt()
      local found, vty = lookup(nm)
      if found then ty = vty
      else
        global_reads[#global_reads + 1] = {name = nm, line = t.line, col = t.col}
        if nm == "lede" then ty = "lede" end
      end
    elseif check("(") then
      expr()
      expect(")")
    else
      nxt()
    end
    local is_call = false
    while true do
      if tok.v == "." and tok.t == "op" then
        nxt()
        local ft = tok
        nxt()
        local ftype = check_field(ty, ft.v, ft)
        last_fn = ftype and ftype:match("^fun%->(.*)$")
        ty = ftype
        is_call = false
      elseif tok.v == "[" and tok.t == "op" then
        nxt(); expr(); expect("]")
        ty = elem_type(ty)
        is_call = false
      elseif tok.v == ":" and tok.t == "op" then
        nxt()
        local ft = tok
        nxt()
        local ftype = check_field(ty, ft.v, ft)
        callargs()
        ty = ftype and ftype:match("^fun%->(.*)$")
        if ty == "string" or ty == "self" then ty = nil end
        is_call = true
      elseif (tok.v == "(" and tok.t == "op") or tok.v == "{" or tok.t == "string" then
        callargs()
        ty = last_fn and classes[last_fn:gsub("%?$", "")] and last_fn:gsub("%?$", "") or nil
        last_fn = nil
        is_call = true
      else
        break
      end
    end
    return ty, is_call
  end

  local function simpleexp()
    if tok.t == "number" or tok.t == "string" then nxt() return nil end
    if tok.t == "kw" and (tok.v == "nil" or tok.v == "true" or tok.v == "false") then nxt() return nil end
    if tok.v == "..." then nxt() return "..." end
    if tok.v == "{" then
      nxt()
      while not check("}") do
        if check("[") then expr(); expect("]"); expect("="); expr()
        elseif tok.t == "name" and toks[pos + 1].v == "=" and toks[pos + 1].t == "op" then
          nxt(); nxt(); expr()
        else expr() end
        if not check(",") then check(";") end
      end
      return nil
    end
    if tok.t == "kw" and tok.v == "function" then nxt(); funcbody(false) return nil end
    return (suffixedexp())
  end

  local binops = {}
  for o in ([[+ - * / // % ^ .. == ~= < <= > >= & | ~ << >> and or]]):gmatch("%S+") do binops[o] = true end

  -- Returns the expression's type only when it is one simple expression.
  function expr()
    skip_ann()
    local unary = false
    while (tok.t == "op" and (tok.v == "-" or tok.v == "#" or tok.v == "~")) or (tok.t == "kw" and tok.v == "not") do
      nxt(); unary = true
    end
    local ty = simpleexp()
    local single = not unary
    while (tok.t == "op" or tok.t == "kw") and binops[tok.v] do
      nxt()
      while (tok.t == "op" and (tok.v == "-" or tok.v == "#" or tok.v == "~")) or (tok.t == "kw" and tok.v == "not") do nxt() end
      simpleexp()
      single = false
    end
    return single and ty or nil
  end

  local function explist()
    local types = {expr()}
    local k = 1
    while check(",") do k = k + 1; types[k] = expr() end
    return types, k
  end

  function funcbody(is_method)
    local params = pending_types
    pending_types = {}
    open()
    if is_method then declare("self") end
    expect("(")
    if not check(")") then
      repeat
        if tok.v == "..." then nxt() else
          local nm = tok.v
          nxt()
          declare(nm, params[nm])
        end
      until not check(",")
      expect(")")
    end
    block()
    expect("end")
    close()
  end

  local function statement()
    local t = tok
    if t.t == "ann" then collect_ann() return end
    if check(";") then return end
    if t.t == "kw" then
      local k = t.v
      if k == "if" then
        nxt(); expr(); expect("then"); open(); block(); close()
        while tok.v == "elseif" do nxt(); expr(); expect("then"); open(); block(); close() end
        if check("else") then open(); block(); close() end
        expect("end")
      elseif k == "while" then
        nxt(); expr(); expect("do"); open(); block(); close(); expect("end")
      elseif k == "do" then
        nxt(); open(); block(); close(); expect("end")
      elseif k == "for" then
        nxt()
        local names = {tok.v}
        nxt()
        if check("=") then
          expr(); expect(","); expr()
          if check(",") then expr() end
          expect("do"); open(); declare(names[1]); block(); close(); expect("end")
        else
          while check(",") do names[#names + 1] = tok.v; nxt() end
          expect("in")
          -- ipairs(X) over a typed list: the value variable gets its items' type.
          local itemty
          if tok.t == "name" and (tok.v == "ipairs" or tok.v == "pairs") and toks[pos + 1].v == "(" then
            nxt(); nxt()
            local lt = expr()
            if check(")") then itemty = elem_type(lt) end
            while check(",") do expr() end
          else
            explist()
          end
          expect("do")
          open()
          for idx, nm in ipairs(names) do declare(nm, idx == 2 and itemty or nil) end
          block(); close(); expect("end")
        end
      elseif k == "repeat" then
        nxt(); open(); block(); expect("until"); expr(); close()
      elseif k == "function" then
        nxt()
        local first = tok
        nxt()
        local is_method = false
        local found = lookup(first.v)
        local plain = true
        while tok.v == "." or tok.v == ":" do
          is_method = tok.v == ":"
          plain = false
          nxt()
          nxt()
        end
        if not found then
          if plain then global_sets[first.v] = true
          else global_reads[#global_reads + 1] = {name = first.v, line = first.line, col = first.col} end
        end
        funcbody(is_method)
      elseif k == "local" then
        nxt()
        if check("function") then
          local nm = tok.v
          nxt()
          declare(nm)
          funcbody(false)
        else
          local names = {}
          repeat
            names[#names + 1] = tok.v
            nxt()
            if check("<") then nxt(); expect(">") end
          until not check(",")
          local types = {}
          local annotated = pending_types.list
          pending_types = {}
          if check("=") then
            types = explist()
          end
          -- `local doc, args = ...` in the main chunk: lede's two inputs.
          local main_vararg = types[1] == "..." and #scopes == 1
          for idx, nm in ipairs(names) do
            local ty = annotated and annotated[idx]
            if not ty and main_vararg then ty = idx == 1 and "lede.Document" or idx == 2 and "lede.Args" or nil end
            if not ty and types[idx] ~= "..." then ty = types[idx] end
            declare(nm, ty)
          end
        end
      elseif k == "return" then
        nxt()
        if tok.t ~= "eof" and tok.v ~= "end" and tok.v ~= "else" and tok.v ~= "elseif" and tok.v ~= "until" and tok.v ~= ";" then
          explist()
        end
        check(";")
      elseif k == "break" then nxt()
      elseif k == "goto" then nxt(); nxt()
      else nxt() end
      return
    end
    if check("::") then nxt(); expect("::") return end
    -- An assignment or a call.  A bare global name being assigned is a
    -- definition, not a read.
    local targets = {}
    repeat
      local start, before = pos, #global_reads
      local _, is_call = suffixedexp()
      targets[#targets + 1] = {start = start, stop = pos, reads_before = before, is_call = is_call}
    until not check(",")
    if check("=") then
      for _, tg in ipairs(targets) do
        -- `x = ...` with x a global: a definition, so drop the read recorded.
        local r = global_reads[tg.reads_before + 1]
        if tg.stop == tg.start + 1 and toks[tg.start].t == "name" and r and
           r.name == toks[tg.start].v and r.line == toks[tg.start].line then
          table.remove(global_reads, tg.reads_before + 1)
          global_sets[r.name] = true
        end
      end
      explist()
    end
  end

  function block()
    while true do
      if tok.t == "eof" then return end
      if tok.t == "kw" and (tok.v == "end" or tok.v == "else" or tok.v == "elseif" or tok.v == "until") then return end
      local before = pos
      statement()
      if pos == before then nxt() end -- never loop on something unexpected
    end
  end

  open()
  declare("...")
  block()
  close()

  local known = {}
  for k in pairs(sandbox_globals) do known[#known + 1] = k end
  for k in pairs(global_sets) do known[#known + 1] = k end
  table.sort(known)
  for _, r in ipairs(global_reads) do
    if not sandbox_globals[r.name] and not global_sets[r.name] then
      if lua_only[r.name] then
        report("warning", r.line, r.col, ("global '%s' is Lua's but not in the sandbox (it is nil unless run with --trusted)"):format(r.name))
      else
        local best, bestd = nil, #r.name <= 4 and 2 or #r.name <= 8 and 3 or 4
        for _, cand in ipairs(known) do
          local d = M.distance(r.name, cand)
          if d < bestd then best, bestd = cand, d end
        end
        report("warning", r.line, r.col, ("unknown global '%s'%s"):format(r.name,
          best and (" (did you mean '%s'?)"):format(best) or ""))
      end
    end
  end
  table.sort(out, function(a, b)
    if a.line ~= b.line then return a.line < b.line end
    return (a.col or 0) < (b.col or 0)
  end)
  return out
end

-- Edit distance with adjacent transpositions (as core/suggest.c).
function M.distance(a, b)
  local n, m = #a, #b
  if math.abs(n - m) > 4 then return 99 end
  local d = {}
  for i = 0, n do d[i] = {[0] = i} end
  for j = 0, m do d[0][j] = j end
  for i = 1, n do
    for j = 1, m do
      local cost = a:byte(i) == b:byte(j) and 0 or 1
      local v = math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
      if i > 1 and j > 1 and a:byte(i) == b:byte(j - 1) and a:byte(i - 1) == b:byte(j) then
        v = math.min(v, d[i - 2][j - 2] + 1)
      end
      d[i][j] = v
    end
  end
  return d[n][m]
end

return M
