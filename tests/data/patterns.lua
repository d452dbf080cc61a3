-- Pattern cases run by tests/test_sandbox.c both through lede (the
-- budgeted matcher of core/sandbox_lib.c) and through the stock lua5.4
-- interpreter: the two outputs must be identical.
local cases = {
  {"hello world", "o"}, {"hello world", "l+"}, {"hello world", "(h)(e)"},
  {"hello world", "()ll()"}, {"hello", ""}, {"", ""}, {"", "a*"},
  {"aaa", "a-b"}, {"aaab", "a-b"}, {"aaab", "^a-b$"}, {"x = 10, y = 20", "(%w+)%s*=%s*(%d+)"},
  {"THE (quick) fox", "%((%a+)%)"}, {"f(a(b)c)d", "%b()"}, {"[[x]]", "%b[]"},
  {"THE (quick) fox", "%f[%a]%a+"}, {"hello.world", "%."}, {"a.b", "a.b", 1, true},
  {"a+b", "+", 1, true}, {"abcabc", "(abc)%1"}, {"abab", "(ab)%1$"},
  {"  trim  ", "^%s*(.-)%s*$"}, {"key=val", "([^=]+)=(.*)"}, {"x", "[%a-]"},
  {"a-b", "[a%-b]+"}, {"]", "[]]"}, {"^", "[%^]"}, {"caf\195\169", "[\128-\255]+"},
  {"one two  three", "%S+"}, {"2024-01-15", "(%d+)-(%d+)-(%d+)"}, {"abc", "b", -1},
  {"abc", "b", -2}, {"abc", "a", 10}, {"abc", "", 4}, {"abc", "", 5}, {"a\0b", "%z"},
  {"a\0b", "\0", 1, true}, {"a\0b", "a%zb"}, {"hello", "l?"}, {"hello", "x?h"},
  {"((a))", "%b()"}, {"abc", "[^a]+"}, {"ABC def", "%u+"}, {"ABC def", "%L+"},
  {"tab\there", "%c"}, {"a1b2", "%d"}, {"0x1F", "%x+"}, {"p.u,n;c", "%p"},
}
local out = {}
local function add(...)
  local t = table.pack(...)
  for i = 1, t.n do t[i] = tostring(t[i]) end
  out[#out + 1] = table.concat(t, ",", 1, t.n)
end
for _, c in ipairs(cases) do
  add(pcall(string.find, c[1], c[2], c[3], c[4]))
  if not c[4] then
    add(pcall(string.match, c[1], c[2], c[3]))
    add(pcall(string.gsub, c[1], c[2], "<%0>"))
    add(pcall(string.gsub, c[1], c[2], function(x) return x and x:upper() end))
    add(pcall(string.gsub, c[1], c[2], {a = "A", hello = false}))
    add(pcall(string.gsub, c[1], c[2], "%%", 1))
    local ok, it = pcall(string.gmatch, c[1], c[2], c[3])
    if ok then
      local n = 0
      local ok2, err = pcall(function()
        for a, b in it do n = n + 1; add(a, b); if n > 50 then break end end
      end)
      add(ok2, err)
    end
  end
end
for _, bad in ipairs({"%", "[a", "(()", "%b", "%f", "%1", "(a)%2", "a)"}) do
  add(pcall(string.find, "abc", bad))
end
add(pcall(string.gsub, "abc", "b", "%9"))
add(pcall(string.gsub, "abc", "b", "%x"))
add(pcall(string.rep, "ab", 3, "-"))
add(pcall(string.rep, "", 5))
add(pcall(string.rep, "x", 0))
add(pcall(string.rep, "x", -1))
add(table.concat(table.move({1, 2, 3, 4, 5}, 2, 4, 1), ","))
add(table.concat(table.move({1, 2, 3, 4, 5}, 1, 3, 3), ","))
add(table.concat(table.move({1, 2, 3}, 1, 3, 2, {9}), ","))
add(pcall(table.move, {}, 1, math.maxinteger, 2))
add(pcall(table.move, {}, -1, math.maxinteger, 2))
return table.concat(out, "\n") .. "\n"
