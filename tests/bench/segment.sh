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

# SEG_BASE=REF (a commit, e.g. the last one before a segmenter change):
# segment() of that commit, built from `git archive` with its own bench
# program, timed on the same files in alternation with this tree's, so that
# the shared machine's noise falls on both.  Best of three rounds each.
if [ -n "${SEG_BASE:-}" ]; then
  base=$D/seg_base
  rm -rf "$base"
  mkdir -p "$base"
  git archive "$SEG_BASE" | tar -x -C "$base"
  make -s -C "$base" build/liblede.a > /dev/null
  cc -std=c11 -D_POSIX_C_SOURCE=200809L -O2 -I"$base/core" -I"$base/include" -I"$base/tests" \
    "$base/tests/bench_segment.c" "$base/build/liblede.a" \
    $(pkg-config --cflags --libs lua5.4 libcmark libutf8proc) -lm -o "$D/bench_segment_base"
  echo "segment() of $SEG_BASE vs this tree, alternating, best of 3 rounds of >= 1 s each:"
  for mb in 10 50 100; do
    f=$(corpus_txt "$D" "$mb")
    bb=0; bn=0; bk=0
    for round in 1 2 3; do
      b=$("$D/bench_segment_base" "$f" --reps 1 --min-time 1 | sed -n 's/.*, \([0-9.]*\) MB\/s$/\1/p')
      nw=$("$D/bench_segment" "$f" --reps 1 --min-time 1 | sed -n 's/.*, \([0-9.]*\) MB\/s$/\1/p')
      k=$("$D/bench_segment" "$f" --reps 1 --min-time 1 --keep-quotes | sed -n 's/.*, \([0-9.]*\) MB\/s$/\1/p')
      bb=$(awk -v a="$bb" -v b="$b" 'BEGIN { print (b > a) ? b : a }')
      bn=$(awk -v a="$bn" -v b="$nw" 'BEGIN { print (b > a) ? b : a }')
      bk=$(awk -v a="$bk" -v b="$k" 'BEGIN { print (b > a) ? b : a }')
    done
    awk -v mb="$mb" -v b="$bb" -v n="$bn" -v k="$bk" 'BEGIN {
      printf "  %3d MB: base %7.1f MB/s   now %7.1f MB/s (%.2fx)   now, quotes kept %7.1f MB/s (%.2fx)\n",
        mb, b, n, n / b, k, k / b
    }'
  done
fi

# Accuracy: make_corpus.py writes the gold sentences of the same
# deterministic text; without the generator there is no gold to score.
gen=../shared/tools/make_corpus.py
[ -f "$gen" ] || gen=../../shared/tools/make_corpus.py
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
