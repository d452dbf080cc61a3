#!/bin/sh
# make bench: runs every tests/bench/*.sh with the build directory; each
# prints its own figures next to a reference tool measured in the same run.
set -eu
B=${1:-build}
mkdir -p "$B/bench"
status=0
for part in tests/bench/*.sh; do
  [ -f "$part" ] || continue
  echo "== $part"
  sh "$part" "$B" || status=1
done
exit $status
