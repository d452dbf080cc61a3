#!/bin/sh
# The threaded examples under ThreadSanitizer, against a library whose
# every object was built with -fsanitize=thread ($B is that build).  Any
# race report fails the run; the output must still match
# examples/NAME.expected.
set -eu
B=${1:-build/tsan}
mkdir -p "$B/examples"
PKG="$(pkg-config --cflags --libs lua5.4 libcmark libutf8proc libsodium) -lstemmer"
# threads.c: 8 engines on 8 threads; pool.c: one prepared script on a
# pool of 4; cancel.c: lede_interrupt() from a watchdog thread; readers.c:
# two threads reading and rendering one document at once.
# Lua, cmark and utf8proc are not instrumented; they keep no shared state
# between our engines, and TSan would still see races on the memory we
# hand them, since every access happens in our instrumented callers.
for name in threads pool cancel readers; do
  ${CC:-cc} -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror -Iinclude -O1 -g \
    -fsanitize=thread -o "$B/examples/$name" "examples/$name.c" "$B/liblede.a" $PKG -lm -lpthread
  out=$B/examples/$name.out
  case $B in /*) bin=$B/examples/$name ;; *) bin=$(pwd)/$B/examples/$name ;; esac
  if ! (cd examples && TSAN_OPTIONS="halt_on_error=1 exitcode=66 ${TSAN_OPTIONS:-}" "$bin") > "$out"; then
    echo "FAIL: examples/$name.c under ThreadSanitizer (see the report above)"
    exit 1
  fi
  cmp -s "$out" "examples/$name.expected" || { diff "examples/$name.expected" "$out"; echo "FAIL: $name output"; exit 1; }
  echo "tsan: examples/$name.c ran with no race reported"
done
