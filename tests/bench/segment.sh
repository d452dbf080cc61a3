#!/bin/sh
# Sentence segmentation alone: segment() throughput on one core over the
# 10, 50 and 100 MB generated news corpora, next to `wc -w` on the same
# file in the same run, the 10-vs-100 MB ratio (linear cost), and accuracy
# against make_corpus.py's gold sentences.  Usage: segment.sh BUILD_DIR.
set -eu
B=${1:-build}
D=$B/bench
mkdir -p "$D"
. tests/bench/corpus.inc

if [ ! -f "$B/liblede.a" ]; then
  echo "segment.sh: $B/liblede.a is missing; run make first" >&2
  exit 1
fi
# The bench program links the static library like any embedder would.
cc -std=c11 -D_POSIX_C_SOURCE=200809L -O2 -Icore -Iinclude -Itests \
  tests/bench_segment.c "$B/liblede.a" \
  $(pkg-config --cflags --libs lua5.4 libcmark libutf8proc) -lm \
  -o "$D/bench_segment"

# Best wall time of `wc -w` over five runs, in seconds.
wc_secs() {
  best=""
  for i in 1 2 3 4 5; do
    t0=$(date +%s.%N)
    wc -w < "$1" > /dev/null
    t1=$(date +%s.%N)
    best=$(awk -v a="$t0" -v b="$t1" -v c="$best" \
      'BEGIN { d = b - a; print (c == "" || d < c) ? d : c }')
  done
  echo "$best"
}

echo "segment() over blank-line paragraphs, best run of those in >= 1 s, one core:"
r10=""; r100=""
for mb in 10 50 100; do
  f=$(corpus_txt "$D" "$mb")
  size=$(stat -c %s "$f")
  wc -w < "$f" > /dev/null  # warm the page cache for both tools
  out=$("$D/bench_segment" "$f" --reps 3 --min-time 1)
  rate=$(echo "$out" | sed -n 's/.*, \([0-9.]*\) MB\/s$/\1/p')
  sents=$(echo "$out" | sed -n 's/.* \([0-9]*\) sentences,.*/\1/p')
  wcs=$(wc_secs "$f")
  awk -v mb="$mb" -v n="$size" -v r="$rate" -v w="$wcs" -v s="$sents" 'BEGIN {
    wr = n / 1e6 / w
    printf "  %3d MB corpus: %8.1f MB/s (%s sentences)   wc -w: %7.1f MB/s   segment/wc: %.2fx\n",
      mb, r, s, wr, r / wr
  }'
  [ "$mb" = 10 ] && r10=$rate
  [ "$mb" = 100 ] && r100=$rate
done
awk -v a="$r10" -v b="$r100" 'BEGIN {
  d = (b - a) / a * 100
  printf "  100 MB vs 10 MB throughput: %.2fx (%+.1f%%; linear cost means within 20%%)\n", b / a, d
}'

# Accuracy: make_corpus.py writes the gold sentences of the same
# deterministic text; without the generator there is no gold to score.
gen=../shared/tools/make_corpus.py
if [ -f "$gen" ] && command -v python3 > /dev/null; then
  gold=$D/segment_gold10.jsonl
  if [ ! -s "$gold" ]; then
    python3 "$gen" --kind txt --mb 10 --seed 42 -o "$D/segment_gold10.txt" \
      --gold "$gold.tmp" 2> /dev/null
    mv "$gold.tmp" "$gold"
  fi
  "$D/bench_segment" "$D/segment_gold10.txt" --reps 1 --min-time 0 --gold "$gold" | sed -n 's/^accuracy: /  accuracy on the 10 MB corpus: /p'
else
  echo "  accuracy: skipped ($gen not found)"
fi
