#!/bin/sh
# Load + segment throughput and peak memory of whole `lede` runs on a
# generated news corpus, next to `wc -w` on the same file in the same run.
set -eu
B=${1:-build}
LEDE=$B/lede
D=$B/bench
mkdir -p "$D"
. tests/bench/corpus.inc

time_cmd() { # prints seconds (best of 3) and peak RSS in KiB of "$@"
  best=""; peak=0
  for i in 1 2 3; do
    /usr/bin/time -f "%e %M" -o "$D/time.out" "$@" > /dev/null
    read -r secs kib < "$D/time.out"
    best=$(awk -v a="$secs" -v b="$best" 'BEGIN { print (b == "" || a < b) ? a : b }')
    [ "$kib" -gt "$peak" ] && peak=$kib
  done
  echo "$best $peak"
}

# count.lua measures load + segment: the sentence count needs every
# sentence, but no Lua object is made per sentence.
printf '%s\n' 'local doc = ... return #doc.sentences .. " sentences\n"' > "$D/count.lua"

cat > "$D/walk.lua" <<'LUA'
local doc = ...
local n, bytes = 0, 0
for _, s in ipairs(doc.sentences) do n = n + 1; bytes = bytes + (s.stop - s.start + 1) end
return string.format("%d sentences, %d bytes\n", n, bytes)
LUA

for mb in 50 100; do
  f=$(corpus_txt "$D" "$mb")
  size=$(stat -c %s "$f")
  set -- $(time_cmd wc -w "$f"); wc_s=$1; wc_kib=$2
  set -- $(time_cmd "$LEDE" run "$D/count.lua" "$f"); count_s=$1; count_kib=$2
  set -- $(time_cmd "$LEDE" run "$D/walk.lua" "$f"); walk_s=$1; walk_kib=$2
  set -- $(time_cmd "$LEDE" sentences "$f"); sent_s=$1; sent_kib=$2
  echo "corpus: $f ($size bytes), $("$LEDE" run "$D/walk.lua" "$f" | tr -d '\n')"
  awk -v n="$size" -v wc="$wc_s" -v walk="$walk_s" -v sent="$sent_s" \
      -v wck="$wc_kib" -v walkk="$walk_kib" -v sentk="$sent_kib" \
      -v count="$count_s" -v countk="$count_kib" 'BEGIN {
    mb = n / 1e6
    printf "  wc -w                      %6.2f s %8.1f MB/s  peak %6.1f MB\n", wc, mb / wc, wck / 1024
    printf "  lede load+segment (count)  %6.2f s %8.1f MB/s  peak %6.1f MB (%.2fx file)  %.2fx wc time\n", count, mb / count, countk / 1024, countk * 1024 / n, count / wc
    printf "  lede run walk.lua          %6.2f s %8.1f MB/s  peak %6.1f MB (%.2fx file)  %.2fx wc time\n", walk, mb / walk, walkk / 1024, walkk * 1024 / n, walk / wc
    printf "  lede sentences > /dev/null %6.2f s %8.1f MB/s  peak %6.1f MB (%.2fx file)  %.2fx wc time\n", sent, mb / sent, sentk / 1024, sentk * 1024 / n, sent / wc
  }'
done
