#!/bin/sh
# The cost of a script run for a host (issue 12): compiled at every run
# versus prepared once (lede_script_compile), measured in the same run; and
# reading sentences from C with no Lua state.  Best of 5 x 2,000 runs.
set -eu
B=${1:-build}
mkdir -p "$B/bench"
${CC:-cc} -std=c11 -D_POSIX_C_SOURCE=200809L -O2 -Iinclude -o "$B/bench/bench_embed" \
  tests/bench_embed.c "$B/liblede.a" \
  $(pkg-config --cflags --libs lua5.4 libcmark libutf8proc libsodium) -lstemmer -lm -lpthread
"$B/bench/bench_embed" "$(pwd)"
