#!/bin/sh
# "Engines share nothing": liblede may have no writable static storage.
# A `static` or global variable that is not const lands in .data or .bss
# (or COMMON); const tables with pointers land in .data.rel.ro, which the
# loader makes read-only.  So every object of the library and the Lua module
# must have empty .data and .bss sections.  The one exception is md_arena.c's
# documented _Thread_local (cmark's allocator takes no context pointer):
# thread-local storage is allowed there and nowhere else.
# Sanitizer builds add writable instrumentation data of their own, so they
# are skipped (the plain build runs this check).
set -eu
B=${1:-build}
fail=0
checked=0
for o in "$B"/obj/*.o; do
  name=$(basename "$o" .o)
  case $name in cli|cli_*) continue ;; esac # the program, not the library
  # An object left in an old build directory by a file since removed or
  # split (md.c) is not part of the library any more.
  [ -f "core/$name.c" ] || continue
  if nm "$o" | grep -q '__asan_\|__tsan_\|__ubsan_\|__sanitizer_cov'; then
    echo "static state: skipped ($B is a sanitizer build)"; exit 0
  fi
  checked=$((checked + 1))
  # Sections: name and size (hex); writable data is .data/.bss and their
  # .data.NAME/.bss.NAME variants, but not .data.rel.ro*.
  bad=$(objdump -h "$o" | awk '$1 ~ /^[0-9]+$/ { print $2, $3 }' |
        awk '$2 !~ /^0+$/' |
        grep -E '^\.(data|bss)(\.|$| )' | grep -v '^\.data\.rel\.ro' || true)
  common=$(nm "$o" | awk '$2 == "C" || $2 == "c"' || true)
  tls=$(objdump -h "$o" | awk '$1 ~ /^[0-9]+$/ && ($2 == ".tbss" || $2 == ".tdata") && $3 !~ /^0+$/ { print $2, $3 }')
  [ "$name" = md_arena ] && tls=""
  if [ -n "$bad$common$tls" ]; then
    echo "FAIL: core/$name.c has writable static storage (make it const, or put it on the engine):"
    nm -S "$o" | awk '$3 ~ /^[dDbBcC]$/ { print "  " $0 }'
    [ -n "$tls" ] && echo "  thread-local: $tls"
    fail=1
  fi
done
[ "$fail" -eq 0 ] && echo "static state: $checked objects, no writable static storage (md_arena.c: one documented thread-local)"
exit "$fail"
