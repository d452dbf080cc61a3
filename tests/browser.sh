#!/bin/sh
# browser.sh -- does a standalone HTML page from `lede render` stay inert in
# a real browser?  A Markdown document with <script> blocks, inline script,
# an onerror handler and a javascript: link is rendered with
# `lede render --to html --standalone` and loaded in headless Chromium; the
# DOM Chromium ends up with must show that no script ran (each one would
# change document.title or add an element), that the title is the first
# heading, and that the text is there.  The same document rendered with
# --unsafe is the control: there the scripts must run, which proves the
# browser would have caught them.
#
# usage: sh tests/browser.sh [BUILD_DIR]     (default build; needs BUILD_DIR/lede)
# Installs Debian's chromium when it is missing and we are root.
# Prints PASS or FAIL lines; exits non-zero on any failure.
set -eu
B=${1:-build}
LEDE=${LEDE:-$B/lede}
fail=0

say_fail() {
  echo "FAIL: $*"
  fail=1
}

if [ ! -x "$LEDE" ]; then
  echo "FAIL: $LEDE not found (run make first)"
  exit 1
fi

CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROMIUM" ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "browser: installing chromium"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq > /dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium > /dev/null
    CHROMIUM=$(command -v chromium)
  else
    echo "FAIL: chromium is missing; as root: apt-get install chromium"
    exit 1
  fi
fi

dir=$(mktemp -d)
profile=$(mktemp -d)
trap 'rm -rf "$dir" "$profile"' EXIT

cat > "$dir/page.md" << 'EOF'
# Browser \<check\> & safety

Plain paragraph with a marker: LEDE-TEXT-PRESENT.

<script>document.title = "PWNED-BLOCK";
document.body.insertAdjacentHTML("beforeend", "<p id='pwned'>PWNED-ELEMENT</p>");</script>

Inline <script>document.title = "PWNED-INLINE"</script> script and an
<img src="nonexistent.png" onerror="document.title = 'PWNED-ONERROR'"> image.

A [bad link](javascript:document.title='PWNED-LINK') and <a href="javascript:alert(1)">raw one</a>.

Code: `<script>document.title = "PWNED-CODE"</script>` stays text.
EOF

# Loads file $1 in headless Chromium and prints the DOM it ends up with.
dump_dom() {
  timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$profile" --virtual-time-budget=3000 --dump-dom "file://$1" \
    2> "$dir/chromium.log"
}

"$LEDE" render --to html --standalone "$dir/page.md" > "$dir/safe.html" ||
  say_fail "lede render --standalone failed"
"$LEDE" render --to html --standalone --unsafe "$dir/page.md" > "$dir/unsafe.html" ||
  say_fail "lede render --standalone --unsafe failed"

if ! dump_dom "$dir/safe.html" > "$dir/safe.dom" || [ ! -s "$dir/safe.dom" ]; then
  say_fail "chromium could not load the page:"
  sed 's/^/  /' "$dir/chromium.log" | tail -20
  exit 1
fi

# The safe page: nothing ran, the title and the text are right.
# Each script would retitle the page or add <p id='pwned'>; what the
# inline one would have run is left on the page as plain text.
if grep -qi "id=.pwned" "$dir/safe.dom"; then say_fail "safe page: a script added an element"; fi
if grep -q 'PWNED-ELEMENT' "$dir/safe.dom"; then say_fail "safe page: the script block survived"; fi
grep -q 'document.title = "PWNED-INLINE"' "$dir/safe.dom" ||
  say_fail "safe page: the inline script's text is not shown as text"
grep -q '<title>Browser &lt;check&gt; &amp; safety</title>' "$dir/safe.dom" ||
  say_fail "safe page: title is not 'Browser <check> & safety': $(grep -o '<title>.*</title>' "$dir/safe.dom")"
grep -q 'LEDE-TEXT-PRESENT' "$dir/safe.dom" || say_fail "safe page: the text is missing"
grep -q '&lt;script&gt;document.title = "PWNED-CODE"&lt;/script&gt;' "$dir/safe.dom" ||
  say_fail "safe page: the code span is not shown as text"
if grep -qi '<script' "$dir/safe.dom"; then say_fail "safe page: a script element exists"; fi
if grep -qi 'href="javascript:' "$dir/safe.dom"; then say_fail "safe page: a javascript: link survived"; fi
if grep -qi 'onerror' "$dir/safe.dom"; then say_fail "safe page: an event handler survived"; fi
grep -q '<meta charset="utf-8">' "$dir/safe.dom" || say_fail "safe page: no UTF-8 meta"

# The control: with --unsafe the same scripts do run in this browser.
if dump_dom "$dir/unsafe.html" > "$dir/unsafe.dom" && [ -s "$dir/unsafe.dom" ]; then
  grep -q 'PWNED-ELEMENT' "$dir/unsafe.dom" ||
    say_fail "control: the unsafe page's script did not run, so this browser check proves nothing"
else
  say_fail "control: chromium could not load the unsafe page"
fi

# A plain-text document is HTML-escaped text from end to end: its title
# and paragraphs, whatever they contain, and even with --unsafe (text has
# no mark-up to keep).
printf '%s\n' '<script>document.title = "PWNED-TXT-TITLE"</script> & notes' '' \
  '<img src=x onerror="document.title = '"'"'PWNED-TXT'"'"'"> LEDE-TXT-PRESENT' > "$dir/page.txt"
"$LEDE" render --to html --standalone --unsafe "$dir/page.txt" > "$dir/text.html" ||
  say_fail "lede render of a text document failed"
if dump_dom "$dir/text.html" > "$dir/text.dom" && [ -s "$dir/text.dom" ]; then
  grep -q 'LEDE-TXT-PRESENT' "$dir/text.dom" || say_fail "text page: the text is missing"
  if grep -qi '<script\|<img\|PWNED-TXT</title>' "$dir/text.dom"; then
    say_fail "text page: document text became mark-up"
  fi
  grep -q '<title>&lt;script&gt;document.title = "PWNED-TXT-TITLE"&lt;/script&gt; &amp; notes</title>' "$dir/text.dom" ||
    say_fail "text page: title is not the escaped first line: $(grep -o '<title>.*</title>' "$dir/text.dom")"
else
  say_fail "chromium could not load the text page"
fi

# `lede summarize --format html`: the whole document with sentences shaded
# by score; hostile text in a chosen and an unchosen sentence and in a
# heading must stay text, and the chosen sentence must be marked.
cat > "$dir/summary.md" << 'MD'
# Summary \<check\> <script>document.title = "PWNED-SUM-HEAD"</script>

The council approved the flood plan <img src=x onerror="document.title = 'PWNED-SUM-IMG'"> on Tuesday.
The flood plan raises the levee and the council pays for the flood plan.
Other news: <script>document.body.insertAdjacentHTML("beforeend", "<p id='pwned'>PWNED-SUM</p>")</script> LEDE-SUM-PRESENT.
MD
"$LEDE" summarize --format html --sentences 1 --algorithm lead "$dir/summary.md" > "$dir/summary.html" ||
  say_fail "lede summarize --format html failed"
if dump_dom "$dir/summary.html" > "$dir/summary.dom" && [ -s "$dir/summary.dom" ]; then
  grep -q 'LEDE-SUM-PRESENT' "$dir/summary.dom" || say_fail "summary page: the text is missing"
  if grep -qi '<script\|<img\|id=.pwned\|PWNED-SUM</p>' "$dir/summary.dom"; then
    say_fail "summary page: document text became mark-up"
  fi
  if grep -q '<title>PWNED' "$dir/summary.dom"; then say_fail "summary page: a script ran"; fi
  grep -q '<mark class="s"[^>]*>The council approved the flood plan' "$dir/summary.dom" ||
    say_fail "summary page: the chosen sentence is not marked"
  grep -q '<meta charset="utf-8">' "$dir/summary.dom" || say_fail "summary page: no UTF-8 meta"
else
  say_fail "chromium could not load the summary page"
fi

# `lede redact --preview`: the original with every finding highlighted
# and labelled; hostile text next to and inside findings stays text, and
# each finding is a <mark> whose label is its type.
cat > "$dir/redact.md" << 'MD'
# Preview <script>document.title = "PWNED-RED-HEAD"</script>

Mail <img src=x onerror="document.title = 'PWNED-RED-IMG'">ann@example.com or see https://example.com/?q=<b>x</b> LEDE-RED-PRESENT.
Call (555) 010-9999 "quoted" & done.
MD
"$LEDE" redact --preview "$dir/redact.html" "$dir/redact.md" > /dev/null ||
  say_fail "lede redact --preview failed"
if dump_dom "$dir/redact.html" > "$dir/redact.dom" && [ -s "$dir/redact.dom" ]; then
  grep -q 'LEDE-RED-PRESENT' "$dir/redact.dom" || say_fail "preview page: the text is missing"
  if grep -qi '<script\|<img\|<b>x' "$dir/redact.dom"; then
    say_fail "preview page: document text became mark-up"
  fi
  if grep -q '<title>PWNED' "$dir/redact.dom"; then say_fail "preview page: a script ran"; fi
  grep -q '<mark class="pii" data-type="EMAIL"[^>]*><span class="type">EMAIL</span>ann@example.com</mark>' "$dir/redact.dom" ||
    say_fail "preview page: the address is not highlighted and labelled"
  grep -q '<mark class="pii" data-type="PHONE"[^>]*><span class="type">PHONE</span>(555) 010-9999</mark>' "$dir/redact.dom" ||
    say_fail "preview page: the phone number is not highlighted and labelled"
  grep -q '<mark class="pii" data-type="URL"[^>]*><span class="type">URL</span>https://example.com/?q=</mark>' "$dir/redact.dom" ||
    say_fail "preview page: the URL is not highlighted and labelled"
  grep -q '<meta charset="utf-8">' "$dir/redact.dom" || say_fail "preview page: no UTF-8 meta"
else
  say_fail "chromium could not load the redaction preview page"
fi

# The cookbook's summary page (examples/scripts/summary_html.lua): hostile
# text in the sentence the summary quotes must stay text both in the
# <aside> and in the page under it.
cat > "$dir/cook.md" << 'MD'
# The levee plan

The levee plan <img src=x onerror="document.title = 'PWNED-COOK-IMG'"> passed LEDE-COOK-PRESENT.
Work starts <script>document.title = "PWNED-COOK"</script> in March & "soon".
MD
"$LEDE" run examples/scripts/summary_html.lua "$dir/cook.md" > "$dir/cook.html" ||
  say_fail "the cookbook's summary_html.lua failed"
if dump_dom "$dir/cook.html" > "$dir/cook.dom" && [ -s "$dir/cook.dom" ]; then
  [ "$(grep -o 'LEDE-COOK-PRESENT' "$dir/cook.dom" | wc -l)" -eq 2 ] ||
    say_fail "cookbook summary page: the text is not in both the summary and the page"
  grep -q '<aside class="summary">' "$dir/cook.dom" || say_fail "cookbook summary page: no summary"
  if grep -qi '<script\|<img' "$dir/cook.dom"; then
    say_fail "cookbook summary page: document text became mark-up"
  fi
  if grep -q '<title>PWNED' "$dir/cook.dom"; then say_fail "cookbook summary page: a script ran"; fi
else
  say_fail "chromium could not load the cookbook summary page"
fi

if [ "$fail" -eq 0 ]; then
  echo "PASS: browser: the standalone page is inert in $($CHROMIUM --version 2>/dev/null | head -1) (scripts, handlers and javascript: links removed; title and text present; control page ran its script; summary page escaped; redaction preview escaped and labelled; cookbook summary page escaped)"
else
  echo "browser: rendered page and DOM kept in $dir for inspection" >&2
  trap - EXIT
  exit 1
fi
