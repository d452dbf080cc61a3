#!/bin/sh
# The shared library's dynamic symbol table is its ABI: it must define only
# lede_* functions (the library is built -fvisibility=hidden and marks its
# API with LEDE_API), and must not re-export Lua, cmark or utf8proc -- a
# host linking its own copy of those would otherwise get ours.  The Lua
# module build/lede.so defines luaopen_lede only.  Every LEDE_API function
# in the header must be there, so a forgotten LEDE_API is caught too.
set -eu
B=${1:-build}
SO=$B/liblede.so.$(sed -n 's/^#define LEDE_ABI_VERSION \([0-9]*\)/\1/p' include/lede.h)
MOD=$B/lede.so
fail=0

# Defined dynamic symbols, without the versioning noise nm may add.
defined() { nm -D --defined-only "$1" | awk '$2 ~ /^[TDBRVWiu]$/ { print $3 }' | sed 's/@.*//' | sort -u; }

bad=$(defined "$SO" | grep -v '^lede_' || true)
if [ -n "$bad" ]; then
  echo "FAIL: $SO exports symbols outside lede_*:"; echo "$bad" | sed 's/^/  /'; fail=1
fi
bad=$(defined "$MOD" | grep -vx 'luaopen_lede' || true)
if [ -n "$bad" ]; then
  echo "FAIL: $MOD exports more than luaopen_lede:"; echo "$bad" | sed 's/^/  /'; fail=1
fi
defined "$MOD" | grep -qx luaopen_lede || { echo "FAIL: $MOD does not export luaopen_lede"; fail=1; }

# Every function the header declares with LEDE_API (the declaration may
# wrap, so join lines up to the opening parenthesis first).
api=$(grep -v '^ *#' include/lede.h | tr '\n' ' ' | grep -o 'LEDE_API [^(;]*(' |
      sed 's/($//; s/.*[ *]\([a-z_0-9]*\)$/\1/' | sort -u)
have=$(defined "$SO")
for f in $api; do
  echo "$have" | grep -qx "$f" || { echo "FAIL: $SO does not export $f (declared LEDE_API in lede.h)"; fail=1; }
done

# The soname carries the ABI version, not the API version.
soname=$(objdump -p "$SO" | awk '$1 == "SONAME" { print $2 }')
[ "$soname" = "$(basename "$SO")" ] || { echo "FAIL: soname is '$soname', expected $(basename "$SO")"; fail=1; }

# Everything it needs resolves (a core file missing from the link would
# otherwise surface only in a host, at load time).
undef=$(LC_ALL=C ldd -r "$SO" 2>&1 | grep 'undefined symbol' || true)
[ -z "$undef" ] || { echo "FAIL: $SO has unresolved symbols:"; echo "$undef" | sed 's/^/  /'; fail=1; }

n=$(echo "$have" | wc -l)
[ "$fail" -eq 0 ] && echo "exports: $SO defines $n lede_* symbols only; $MOD defines luaopen_lede only"
exit "$fail"
