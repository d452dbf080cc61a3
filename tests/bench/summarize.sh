#!/bin/sh
# `lede summarize`: every algorithm on a 1 MB and a 10 MB news corpus, next
# to `lede sentences` (load, segment, print) on the same files in the same
# run.  CPU time (user + system, best of 3 on 1 MB, best of 2 on 10 MB) and
# wall time of that run: the machine is shared, so CPU time is the figure
# to compare.  Near-linear means "10MB/1MB" near 10; the default must
# summarize 10 MB in under 10 s.
set -eu
B=${1:-build}
LEDE=$B/lede
D=$B/bench
mkdir -p "$D"
. tests/bench/corpus.inc
if [ ! -x /usr/bin/time ]; then
  echo "summarize bench: /usr/bin/time is not installed (apt-get install time)"; exit 1
fi

best() { # N CMD...: "cpu wall peak_kib" of the fastest of N runs (by CPU)
  n=$1; shift
  bc=""; bw=""; peak=0
  for i in $(seq "$n"); do
    /usr/bin/time -f "%U %S %e %M" -o "$D/time.out" "$@" > /dev/null
    read -r u s w kib < "$D/time.out"
    c=$(awk -v u="$u" -v s="$s" 'BEGIN { print u + s }')
    if [ -z "$bc" ] || awk -v a="$c" -v b="$bc" 'BEGIN { exit !(a < b) }'; then bc=$c; bw=$w; fi
    [ "$kib" -gt "$peak" ] && peak=$kib
  done
  echo "$bc $bw $peak"
}

f1=$(corpus_txt "$D" 1)
f10=$(corpus_txt "$D" 10)
echo "corpora: $f1 ($(stat -c %s "$f1") bytes), $f10 ($(stat -c %s "$f10") bytes)"
printf '  %-22s %8s %9s %9s %7s  %s\n' "" "1 MB cpu" "10 MB cpu" "10MB/1MB" "x sent" "10 MB: wall, peak memory"
row() { # CMD...: cpu 1 MB, cpu 10 MB, wall 10 MB, peak KiB 10 MB
  set -- $(best 3 "$@" "$f1") $(best 2 "$@" "$f10")
  echo "$1 $4 $5 $6"
}
set -- x $(row "$LEDE" sentences)
sent10=$3
printf '  %-22s %7.2fs %8.2fs %8.1fx %7s  %.2f s, %.0f MB\n' "lede sentences" "$2" "$3" \
  "$(awk -v a="$3" -v b="$2" 'BEGIN { print (b > 0 ? a / b : 0) }')" "1.0" "$4" "$(($5 / 1024))"
status=0
for alg in default lead luhn lexrank textrank sumbasic klsum; do
  set -- x $(row "$LEDE" summarize --algorithm "$alg")
  printf '  %-22s %7.2fs %8.2fs %8.1fx %6.1fx  %.2f s, %.0f MB\n' "summarize $alg" "$2" "$3" \
    "$(awk -v a="$3" -v b="$2" 'BEGIN { print (b > 0 ? a / b : 0) }')" \
    "$(awk -v a="$3" -v b="$sent10" 'BEGIN { print (b > 0 ? a / b : 0) }')" "$4" "$(($5 / 1024))"
  if [ "$alg" = default ] && awk -v c="$3" 'BEGIN { exit !(c >= 10) }'; then
    echo "  SLOW: the default took $3 s of CPU on 10 MB (target: under 10 s)"; status=1
  fi
done
exit $status
