#!/bin/sh
# Limits inside C helpers (issue 12): how long a run that calls each C
# helper / document method on a 32 MB input, 20 times, lasts under a 0.1 s
# timeout and under a 1,000-instruction limit.  The reference is the
# "baseline" run of the same set-up that calls nothing (pushing the 32 MB
# argument and freeing the run).  Target: stop within 0.2 s plus freeing.
set -eu
B=${1:-build}
make --no-print-directory B="$B" "$B/tests/test_limits" >/dev/null
"$B/tests/test_limits" --jobs=1 2>&1 | grep '^limits:'
