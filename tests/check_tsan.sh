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

# The batch runner (cli_batch.c): JSON Lines records, good, failing and
# malformed, on 4 workers with --fail-fast off and on, and a file batch
# with -O; the -j 4 output must equal the -j 1 output.
if [ -x "$B/lede" ]; then
  recs=$B/batch.jsonl
  i=0
  : > "$recs"
  while [ $i -lt 200 ]; do
    echo "{\"id\": $i, \"text\": \"Record $i. It has two sentences!\"}" >> "$recs"
    [ $((i % 50)) -eq 7 ] && echo '{malformed' >> "$recs"
    i=$((i + 1))
  done
  for ff in "" --fail-fast; do
    TSAN_OPTIONS="halt_on_error=1 exitcode=66 ${TSAN_OPTIONS:-}" \
      "$B/lede" stats --jsonl --quiet -j 1 $ff < "$recs" > "$B/batch1.out" || [ $? -eq 1 ]
    TSAN_OPTIONS="halt_on_error=1 exitcode=66 ${TSAN_OPTIONS:-}" \
      "$B/lede" stats --jsonl --quiet -j 4 $ff < "$recs" > "$B/batch4.out" || [ $? -eq 1 ] ||
      { echo "FAIL: lede --jsonl -j 4 $ff under ThreadSanitizer"; exit 1; }
    cmp -s "$B/batch1.out" "$B/batch4.out" || { echo "FAIL: -j 4 $ff output differs from -j 1"; exit 1; }
  done
  rm -rf "$B/batch-out"
  TSAN_OPTIONS="halt_on_error=1 exitcode=66 ${TSAN_OPTIONS:-}" \
    "$B/lede" render --to html -r examples -j 4 --quiet -O "$B/batch-out" ||
    { echo "FAIL: lede -r -O -j 4 under ThreadSanitizer"; exit 1; }
  echo "tsan: lede --jsonl and -r -O on 4 workers ran with no race reported"
fi
