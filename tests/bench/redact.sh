#!/bin/sh
# Redaction recognizers: every type at once (redact_scan + the overlap
# policy) on a generated 50 MB text -- the news corpus with a line of the
# hand-labelled cases (mark-up removed) after every tenth line, so PII is
# dense -- next to `wc -w` on the same file in the same run.  The target
# is >= 50 MB/s.  Usage: redact.sh BUILD_DIR.
set -eu
B=${1:-build}
D=$B/bench
mkdir -p "$D"
. tests/bench/corpus.inc

if [ ! -f "$B/liblede.a" ]; then
  echo "redact.sh: $B/liblede.a is missing; run make first" >&2
  exit 1
fi
cc -std=c11 -D_POSIX_C_SOURCE=200809L -O2 -Icore -Iinclude tests/bench_redact.c \
  "$B/liblede.a" $(pkg-config --cflags --libs lua5.4 libcmark libutf8proc libsodium) -lm \
  -o "$D/bench_redact"

f=$D/redact50.txt
if [ ! -s "$f" ]; then
  base=$(corpus_txt "$D" 50)
  sed -e '/^#/d' -e '/^----$/d' -e 's/\[\[[A-Z_]*:\([^]]*\)\]\]/\1/g' tests/data/redact/cases.txt |
    grep . > "$D/redact_cases.txt"
  awk -v cases="$D/redact_cases.txt" '
    BEGIN { while ((getline l < cases) > 0) c[n++] = l }
    { print } NR % 10 == 0 { print c[k++ % n] }' "$base" | head -c 50000000 > "$f.tmp"
  mv "$f.tmp" "$f"
fi

size=$(stat -c %s "$f")
wc -w < "$f" > /dev/null # warm the page cache for both tools
out=$("$D/bench_redact" "$f" --reps 3 --min-time 1)
rate=$(echo "$out" | sed -n 's/.*, \([0-9.]*\) MB\/s$/\1/p')
wcs=$(wc_secs "$f")
echo "all recognizers (scan + overlap policy), best run, one core:"
echo "  $out" | sed "s|$D/||"
awk -v n="$size" -v r="$rate" -v w="$wcs" 'BEGIN {
  wr = n / 1e6 / w
  printf "  %.0f MB: %8.1f MB/s   wc -w: %7.1f MB/s   redact/wc: %.2fx   target >= 50 MB/s: %s\n",
    n / 1e6, r, wr, r / wr, (r >= 50) ? "PASS" : "FAIL"
}'
