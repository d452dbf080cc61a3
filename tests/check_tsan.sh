#!/bin/sh
# examples/threads.c (8 threads, one engine each, documents loaded, run,
# edited and rendered concurrently) under ThreadSanitizer, against a
# library whose every object was built with -fsanitize=thread ($B is that
# build).  Any race report fails the run; the output must still match
# examples/threads.expected.
set -eu
B=${1:-build/tsan}
mkdir -p "$B/examples"
PKG="$(pkg-config --cflags --libs lua5.4 libcmark libutf8proc libsodium) -lstemmer"
${CC:-cc} -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror -Iinclude -O1 -g \
  -fsanitize=thread -o "$B/examples/threads" examples/threads.c "$B/liblede.a" $PKG -lm -lpthread
# Lua, cmark and utf8proc are not instrumented; they keep no shared state
# between our engines, and TSan would still see races on the memory we
# hand them, since every access happens in our instrumented callers.
out=$B/examples/threads.out
case $B in /*) bin=$B/examples/threads ;; *) bin=$(pwd)/$B/examples/threads ;; esac
if ! (cd examples && TSAN_OPTIONS="halt_on_error=1 exitcode=66 ${TSAN_OPTIONS:-}" "$bin") > "$out"; then
  echo "FAIL: examples/threads.c under ThreadSanitizer (see the report above)"
  exit 1
fi
cmp -s "$out" examples/threads.expected || { diff examples/threads.expected "$out"; echo "FAIL: threads output"; exit 1; }
echo "tsan: examples/threads.c ran 8 engines on 8 threads with no race reported"
