#!/bin/sh
# Markdown shapes that make a parser's cost grow faster than its input:
# deep and cycling nested lists, deep block quotes, HTML blocks, emphasis
# runs, link chains, one huge paragraph, many headings, a flat list.  Each
# shape is written at a base size and at about twice that, and rendered by
# `lede render --to html` and by cmark on the same file in the same run
# (CPU time, user + system, best of 5).  Linear means the time grows by the
# size's factor ("growth" next to "size x"); the target is lede within 2x
# cmark on every shape.  "edit" is a script that upper-cases every
# sentence, rendered to HTML: edits must stay linear too.
set -eu
B=${1:-build}
LEDE=$B/lede
D=$B/bench/shapes
mkdir -p "$D"
if ! command -v cmark > /dev/null; then
  echo "shapes bench: cmark is not installed (apt-get install cmark)"; exit 1
fi
if [ ! -x /usr/bin/time ]; then
  echo "shapes bench: /usr/bin/time is not installed (apt-get install time)"; exit 1
fi
printf '%s\n' 'local doc = ...' \
  'for _, s in ipairs(doc.sentences) do s.text = s.text:upper() end' > "$D/upper.lua"

# gen SHAPE N: the shape at parameter N on stdout.  awk only, so that the
# bench needs nothing beyond POSIX tools and cmark.
gen() {
  awk -v shape="$1" -v n="$2" 'function sp(k,  s) { s = ""; while (k-- > 0) s = s " "; return s }
  function gt(k,  s) { s = ""; while (k-- > 0) s = s ">"; return s }
  BEGIN {
    if (shape == "deep-list")          # one item per line, each 2 columns deeper
      for (i = 0; i < n; i++) printf "%s- item %d text.\n", sp(2 * i), i
    else if (shape == "cycle-list")    # depths 0..199 again and again
      for (i = 0; i < n; i++) printf "%s- item %d text.\n", sp(2 * (i % 200)), i
    else if (shape == "deep-quote") {  # paragraphs 200 quotes deep
      q = gt(200)
      for (i = 0; i < n; i++) printf "%s Line %d of a quote. It goes on.\n%s\n", q, i, (i % 5 == 4) ? q : q " more"
    } else if (shape == "html-blocks")
      for (i = 0; i < n; i++) printf "<div class=\"x%d\">\n<p>Block %d.</p>\n</div>\n\nText %d after it.\n\n", i, i, i
    else if (shape == "emphasis")      # runs of open and closed delimiters
      for (i = 0; i < n; i++) printf "*a* **b** _c_ ***d*** *e **f** g* _h_ *i %s%s\n", (i % 3 ? "**j** " : "*k "), (i % 10 == 9 ? "\n" : "end.")
    else if (shape == "link-chain") {  # long paragraphs of links
      print "[r]: /ref \"Title\"\n"
      for (i = 0; i < n; i++) printf "[a%d](/u/%d) [b][r] [c] <http://x.y/%d> ![i](/p.png)%s\n", i, i, i, (i % 50 == 49 ? "\n" : "")
    } else if (shape == "huge-para")   # one paragraph, no blank line
      for (i = 0; i < n; i++) printf "Line %d of one paragraph has some words. And a sentence.\n", i
    else if (shape == "headings")
      for (i = 0; i < n; i++) printf "## Heading %d\n\nShort text %d.\n\n", i, i
    else if (shape == "flat-list")
      for (i = 0; i < n; i++) printf "- item %d with a few words.\n", i
  }'
}

cpu() { # best CPU seconds (user + system) of 5 runs of "$@": the clock
  # counts in 10 ms steps and a tenth of a second is a few of them, so
  # three runs still let one busy moment through (a 2.2x once, 1.3x in
  # wall-clock rounds on the same file)
  best=""
  for i in 1 2 3 4 5; do
    /usr/bin/time -f "%U %S" -o "$D/time.out" "$@" > /dev/null
    t=$(awk '{ print $1 + $2 }' "$D/time.out")
    best=$(awk -v a="$t" -v b="$best" 'BEGIN { print (b == "" || a < b) ? a : b }')
  done
  echo "$best"
}

printf '%-11s %9s %7s %7s %6s %7s | %9s %7s %7s %6s %7s | %6s %6s %s\n' shape bytes cmark lede ratio edit \
  bytes cmark lede ratio edit "size x" growth verdict
status=0
# shape, base parameter, doubled parameter (a deep list's size grows with
# the square of its depth: x1.414 doubles it)
for spec in deep-list:3536:5000 cycle-list:20000:40000 deep-quote:10000:20000 \
            html-blocks:60000:120000 emphasis:60000:120000 link-chain:50000:100000 \
            huge-para:80000:160000 headings:120000:240000 flat-list:150000:300000; do
  shape=${spec%%:*}; rest=${spec#*:}; n1=${rest%%:*}; n2=${rest#*:}
  line="$(printf '%-11s' "$shape")"
  for n in "$n1" "$n2"; do
    f=$D/$shape-$n.md
    [ -s "$f" ] || gen "$shape" "$n" > "$f"
    "$LEDE" render --to html "$f" > "$D/lede.html"
    cmark "$f" > "$D/cmark.html"
    cmp -s "$D/lede.html" "$D/cmark.html" || { echo "$f: lede's HTML differs from cmark's"; status=1; }
    c=$(cpu cmark "$f"); l=$(cpu "$LEDE" render --to html "$f")
    e=$(cpu "$LEDE" run "$D/upper.lua" --to html "$f")
    eval "sz_$n=\$(stat -c %s \"\$f\") c_$n=\$c l_$n=\$l e_$n=\$e"
    line="$line $(awk -v s="$(stat -c %s "$f")" -v c="$c" -v l="$l" -v e="$e" 'BEGIN {
      printf "%9d %6.2fs %6.2fs %5.2fx %6.2fs", s, c, l, (c > 0 ? l / c : 1), e }')"
    [ "$n" = "$n1" ] && line="$line |"
  done
  eval "s1=\$sz_$n1 s2=\$sz_$n2 c1=\$c_$n1 c2=\$c_$n2 l1=\$l_$n1 l2=\$l_$n2"
  verdict=$(awk -v s1="$s1" -v s2="$s2" -v c1="$c1" -v c2="$c2" -v l1="$l1" -v l2="$l2" 'BEGIN {
    # times under 0.05 s are within timer noise: judged against 0.05 s
    r1 = l1 / (c1 > 0.05 ? c1 : 0.05); r2 = l2 / (c2 > 0.05 ? c2 : 0.05)
    g = (l1 > 0.05 ? l2 / l1 : 1); x = s2 / s1
    ok = r1 <= 2 && r2 <= 2 && g <= 1.5 * x
    printf "%5.2fx %5.2fx %s", x, g, ok ? "ok" : "OVER TARGET" }')
  echo "$line | $verdict"
  case $verdict in *OVER*) status=1 ;; esac
done
exit $status
