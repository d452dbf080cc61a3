#!/bin/sh
# `require "lede"` from the stock lua5.4 interpreter, found through
# LUA_CPATH exactly as a Lua host would find it: tests/lua_module.lua checks
# loading, sentences, edits and rendering, lede.run of the bundled
# `sentences` script and of a user script, and the failure conventions.
set -eu
B=${1:-build}
LUA=${LUA:-lua5.4}
command -v "$LUA" >/dev/null 2>&1 || { echo "FAIL: $LUA not found (make deps-test)"; exit 1; }
version=$(sed -n 's/^#define LEDE_VERSION_STRING "\(.*\)"/\1/p' include/lede.h)
# A sanitizer build of the module needs its runtime loaded first, before
# the uninstrumented interpreter; lua5.4's own exit-time allocations are
# not ours to report.
if ldd "$B/lede.so" | grep -q libasan; then
  LD_PRELOAD=$(${CC:-cc} -print-file-name=libasan.so)
  ASAN_OPTIONS="detect_leaks=0 ${ASAN_OPTIONS:-}"
  export LD_PRELOAD ASAN_OPTIONS
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Only our module on the C path; the default Lua path stays for the test.
LUA_CPATH="$B/?.so" "$LUA" tests/lua_module.lua "$version" "$tmp"
# Also the one-liner form from the documentation.
out=$(LUA_CPATH="$B/?.so" "$LUA" -e 'local lede = require "lede"
  local doc = lede.load("One sentence. And another one!")
  io.write(lede.run("sentences", doc))')
[ "$out" = "One sentence.
And another one!" ] || { echo "FAIL: lua5.4 -e 'require \"lede\"' printed: $out"; exit 1; }
