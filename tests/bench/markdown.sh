#!/bin/sh
# Markdown through the document model against cmark on the same >= 10 MB
# file in the same run: `lede render --to html` (identity) should take at
# most 1.3x cmark's time, and a script that edits every sentence at most
# 1.5x to HTML and to Markdown, with at most 1.3x cmark's peak memory
# (issue 10).  Times are the best of 5 interleaved rounds; peak memory
# (RSS) is the largest.
set -eu
B=${1:-build}
LEDE=$B/lede
D=$B/bench
mkdir -p "$D"

. tests/bench/corpus.inc
f=$(corpus_md "$D" 10)
if ! command -v cmark > /dev/null; then
  echo "markdown bench: cmark is not installed (apt-get install cmark)"; exit 1
fi
if [ ! -x /usr/bin/time ]; then
  echo "markdown bench: /usr/bin/time is not installed (apt-get install time)"; exit 1
fi

printf '%s\n' 'local doc = ...' \
  'for _, s in ipairs(doc.sentences) do s.text = s.text:upper() end' > "$D/upper.lua"

# One timed run of "$@": "seconds peak-KiB" on stdout; the seconds from
# the nanosecond clock (time's %e counts in 10 ms steps, 4% of cmark's
# time here), the peak from time.
time_once() {
  t0=$(date +%s.%N)
  /usr/bin/time -f "%M" -o "$D/time.out" "$@" > /dev/null
  t1=$(date +%s.%N)
  echo "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }') $(cat "$D/time.out")"
}

# The identity render must be cmark's HTML, byte for byte.
cmark "$f" > "$D/cmark.html"
"$LEDE" render --to html "$f" > "$D/lede.html"
if cmp -s "$D/cmark.html" "$D/lede.html"; then same="identical to cmark's"; else same="DIFFERS from cmark's"; fi

# Best time and largest peak of 5 rounds; each round runs all four
# commands in turn, so a change in the machine's load hits cmark and lede
# alike instead of one block of runs.
cm_s=""; cm_k=0; id_s=""; id_k=0; ed_s=""; ed_k=0; em_s=""; em_k=0
best() { awk -v a="$1" -v b="$2" 'BEGIN { print (b == "" || a < b) ? a : b }'; }
for round in 1 2 3 4 5; do
  set -- $(time_once cmark "$f"); cm_s=$(best "$1" "$cm_s"); [ "$2" -gt "$cm_k" ] && cm_k=$2
  set -- $(time_once "$LEDE" render --to html "$f"); id_s=$(best "$1" "$id_s"); [ "$2" -gt "$id_k" ] && id_k=$2
  set -- $(time_once "$LEDE" run "$D/upper.lua" --to html "$f"); ed_s=$(best "$1" "$ed_s"); [ "$2" -gt "$ed_k" ] && ed_k=$2
  set -- $(time_once "$LEDE" run "$D/upper.lua" --to markdown "$f"); em_s=$(best "$1" "$em_s"); [ "$2" -gt "$em_k" ] && em_k=$2
done

echo "corpus: $f ($(stat -c %s "$f") bytes); lede's HTML is $same"
awk -v n="$(stat -c %s "$f")" -v cm="$cm_s" -v cmk="$cm_k" -v id="$id_s" -v idk="$id_k" \
    -v ed="$ed_s" -v edk="$ed_k" -v em="$em_s" -v emk="$em_k" 'BEGIN {
  mb = n / 1e6
  printf "  cmark FILE                        %6.3f s %6.1f MB/s  peak %6.1f MB\n", cm, mb / cm, cmk / 1024
  printf "  lede render --to html             %6.3f s %6.1f MB/s  peak %6.1f MB  %.2fx cmark (target <= 1.3x) %s\n", id, mb / id, idk / 1024, id / cm, id / cm <= 1.3 ? "ok" : "OVER TARGET"
  printf "  lede run upper.lua --to html      %6.3f s %6.1f MB/s  peak %6.1f MB  %.2fx cmark (target <= 1.5x) %s, memory %.2fx (target <= 1.3x) %s\n", ed, mb / ed, edk / 1024, ed / cm, ed / cm <= 1.5 ? "ok" : "OVER TARGET", edk / cmk, edk / cmk <= 1.3 ? "ok" : "OVER TARGET"
  printf "  lede run upper.lua --to markdown  %6.3f s %6.1f MB/s  peak %6.1f MB  %.2fx cmark (target <= 1.5x) %s, memory %.2fx (target <= 1.3x) %s\n", em, mb / em, emk / 1024, em / cm, em / cm <= 1.5 ? "ok" : "OVER TARGET", emk / cmk, emk / cmk <= 1.3 ? "ok" : "OVER TARGET"
}'
