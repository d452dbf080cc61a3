#!/bin/sh
# Runs every example with its expected output: examples/*.c are built
# against the library and run; examples/scripts/NAME.lua runs on the input
# named in its header and must print examples/scripts/NAME.expected.
set -eu
B=${1:-build}
LEDE=$B/lede
fail=0
pass=0
PKG="$(pkg-config --cflags --libs lua5.4 libcmark libutf8proc libsodium) -lstemmer"
mkdir -p "$B/examples"
for src in examples/*.c; do
  [ -f "$src" ] || continue
  name=$(basename "$src" .c)
  bin=$B/examples/$name
  case $bin in /*) run=$bin ;; *) run=../$bin ;; esac # the examples run in examples/
  ${CC:-cc} -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror -Iinclude \
    ${CFLAGS:-} -o "$bin" "$src" "$B/liblede.a" ${LDFLAGS:-} $PKG -lm -lpthread
  expected=examples/$name.expected
  if [ -f "$expected" ]; then
    if (cd examples && "$run") > "$B/examples/$name.out" 2>"$B/examples/$name.err" &&
       cmp -s "$B/examples/$name.out" "$expected"; then
      pass=$((pass + 1))
    else
      echo "FAIL: examples/$name.c (output differs from $expected or non-zero exit)"
      diff "$expected" "$B/examples/$name.out" | head -20 || true
      cat "$B/examples/$name.err" | head -20
      fail=$((fail + 1))
    fi
  else
    if (cd examples && "$run") > /dev/null; then pass=$((pass + 1)); else
      echo "FAIL: examples/$name.c exited non-zero"; fail=$((fail + 1)); fi
  fi
done
for script in examples/scripts/*.lua; do
  [ -f "$script" ] || continue
  name=$(basename "$script" .lua)
  # The header names the input: "-- input: examples/article.txt"
  input=$(sed -n 's/^-- input: *//p' "$script" | head -1)
  expected=examples/scripts/$name.expected
  out=$B/examples/$name.script.out
  # "-- run-as: NAME ARGS..." runs it as a command found on LEDE_PATH, with
  # its declared options, as a user would: lede NAME ARGS... FILE
  runas=$(sed -n 's/^-- run-as: *//p' "$script" | head -1)
  if [ -n "$runas" ]; then
    # shellcheck disable=SC2086 # ARGS are words
    set -- $runas
    cmd() { LEDE_PATH=examples/scripts "$LEDE" "$@" ${input:+"$input"}; }
  else
    set -- run "$script"
    cmd() { "$LEDE" "$@" ${input:+"$input"}; }
  fi
  if cmd "$@" > "$out" 2>"$out.err" && cmp -s "$out" "$expected"; then
    pass=$((pass + 1))
  else
    echo "FAIL: $script (see $out, $out.err)"
    diff "$expected" "$out" | head -20 || true
    fail=$((fail + 1))
  fi
done
echo "examples: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
