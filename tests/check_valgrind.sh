#!/bin/sh
# The embedding examples under valgrind --leak-check=full: embed.c (the
# happy path), callback.c (host functions and streamed output) and errors.c
# (every failure path: bad UTF-8, NUL, input limit, missing files, syntax
# and runtime errors, the sandbox, memory/instruction/time limits, a
# refused output callback, failing host functions), and the API of issue
# 12: sentences.c (reading from C), pool.c (a prepared script on a thread
# pool), cancel.c (lede_interrupt from a second thread), typed.c (typed
# host functions) and readers.c (two threads reading one document).  Any leak or memory
# error fails; so does output that differs from examples/NAME.expected.
# Then `require "lede"` in lua5.4, through tests/lua_module.lua.
set -eu
B=${1:-build}
command -v valgrind >/dev/null 2>&1 || { echo "FAIL: valgrind not found (make deps-test)"; exit 1; }
VG="valgrind -q --leak-check=full --show-leak-kinds=definite,indirect,possible \
    --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99"
PKG="$(pkg-config --cflags --libs lua5.4 libcmark libutf8proc libsodium) -lstemmer"
mkdir -p "$B/valgrind"
root=$(pwd)
fail=0
for name in embed callback errors sentences pool cancel typed readers; do
  bin=$B/valgrind/$name
  ${CC:-cc} -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror -Iinclude -O0 -g \
    -o "$bin" "examples/$name.c" "$B/liblede.a" $PKG -lm -lpthread
  case $bin in /*) run=$bin ;; *) run=$root/$bin ;; esac # the examples run in examples/
  if (cd examples && $VG --log-file="$run.log" "$run") > "$bin.out" &&
     cmp -s "$bin.out" "examples/$name.expected"; then
    echo "valgrind: examples/$name.c clean"
  else
    echo "FAIL: examples/$name.c under valgrind:"; cat "$bin.log"
    diff "examples/$name.expected" "$bin.out" | head || true
    fail=1
  fi
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
version=$(sed -n 's/^#define LEDE_VERSION_STRING "\(.*\)"/\1/p' include/lede.h)
if LUA_CPATH="$B/?.so" $VG --log-file="$B/valgrind/lua_module.log" \
     ${LUA:-lua5.4} tests/lua_module.lua "$version" "$tmp" > /dev/null; then
  echo "valgrind: require \"lede\" (tests/lua_module.lua) clean"
else
  echo "FAIL: tests/lua_module.lua under valgrind:"; cat "$B/valgrind/lua_module.log"; fail=1
fi
exit "$fail"
