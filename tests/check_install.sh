#!/bin/sh
# `make install` into a staging DESTDIR, as a packager would:
#   1. exactly the expected files land under DESTDIR/PREFIX;
#   2. examples/embed.c builds with `cc $(pkg-config --cflags --libs lede)`
#      alone, pkg-config reading the staged lede.pc (PKG_CONFIG_SYSROOT_DIR
#      maps its paths into the stage), and statically through
#      `pkg-config --static`, which proves Requires.private is complete;
#   3. the staged tree is moved to PREFIX, as a package manager unpacks it,
#      and everything runs from there: embed, the installed `lede` finding
#      the installed scripts (no build tree is compiled into it), and
#      `require "lede"` from lua5.4 through the installed module;
#   4. `make uninstall` removes every file again.
# The build happens in a scratch directory of its own, so build/ is left
# alone whatever PREFIX it was configured with.
set -eu
B=${1:-build} # unused: the install builds from scratch; kept for symmetry
T=$(mktemp -d)
PREFIX=$T/prefix
STAGE=$T/stage
cleanup() { [ -d "$PREFIX" ] && mv "$PREFIX" "$STAGE$PREFIX" 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
fail() { echo "FAIL: install: $*"; exit 1; }
version=$(sed -n 's/^#define LEDE_VERSION_STRING "\(.*\)"/\1/p' include/lede.h)
abi=$(sed -n 's/^#define LEDE_ABI_VERSION \([0-9]*\)/\1/p' include/lede.h)

# A sanitizer build calling us must not leak its flags into this one.
unset MAKEFLAGS MFLAGS MAKELEVEL
inst() { ${MAKE:-make} -s --no-print-directory B="$T/build" PREFIX="$PREFIX" DESTDIR="$STAGE" \
           CFLAGS="-O0 -g" LDFLAGS= "$@" > "$T/make.log" 2>&1 || { cat "$T/make.log"; fail "make $*"; }; }
inst install

# 1. The file list.
{
  echo "bin/lede"; echo "include/lede.h"; echo "lib/liblede.a"; echo "lib/liblede.so"
  echo "lib/liblede.so.$abi"; echo "lib/lua/5.4/lede.so"; echo "lib/pkgconfig/lede.pc"
  echo "share/man/man1/lede.1"
  (cd scripts && find . -name '*.lua' | sed 's|^\./|share/lede/scripts/|')
} | sort > "$T/want"
(cd "$STAGE$PREFIX" && find . -type f -o -type l) | sed 's|^\./||' | sort > "$T/got"
cmp -s "$T/want" "$T/got" || { diff "$T/want" "$T/got"; fail "installed files differ from the list"; }
[ "$(readlink "$STAGE$PREFIX/lib/liblede.so")" = "liblede.so.$abi" ] || fail "liblede.so is not a link to liblede.so.$abi"
grep -q "\"lede $version\"" "$STAGE$PREFIX/share/man/man1/lede.1" || fail "man page does not carry version $version"

# 2. Build against the staged tree with pkg-config only.
export PKG_CONFIG_PATH="$STAGE$PREFIX/lib/pkgconfig"
[ "$(PKG_CONFIG_SYSROOT_DIR=$STAGE pkg-config --modversion lede)" = "$version" ] || fail "pkg-config --modversion"
flags=$(PKG_CONFIG_SYSROOT_DIR=$STAGE pkg-config --cflags --libs lede) || fail "pkg-config --cflags --libs lede"
${CC:-cc} -o "$T/embed" examples/embed.c $flags || fail "cc examples/embed.c $flags"
static=$(PKG_CONFIG_SYSROOT_DIR=$STAGE pkg-config --static --libs-only-l lede | sed 's/-llede//')
${CC:-cc} -o "$T/embed-static" $(PKG_CONFIG_SYSROOT_DIR=$STAGE pkg-config --cflags lede) \
  examples/embed.c "$STAGE$PREFIX/lib/liblede.a" $static || fail "static link with pkg-config --static: $static"

# 3. Unpack at PREFIX and run from there.  The build tree must not be needed.
mv "$STAGE$PREFIX" "$PREFIX"
rm -rf "$T/build"
export PKG_CONFIG_PATH="$PREFIX/lib/pkgconfig"
flags=$(pkg-config --cflags --libs lede)
# (--cflags also carries the Requires.private packages' flags: pkg-config's rule.)
case " $flags " in *" -I$PREFIX/include "*" -L$PREFIX/lib -llede "*) ;;
  *) fail "unexpected pkg-config flags: $flags" ;; esac
(cd examples && LD_LIBRARY_PATH="$PREFIX/lib" "$T/embed") > "$T/embed.out" || fail "embed (shared) exited non-zero"
cmp -s "$T/embed.out" examples/embed.expected || { diff examples/embed.expected "$T/embed.out" | head; fail "embed (shared) output"; }
(cd examples && "$T/embed-static") > "$T/embed.out" || fail "embed (static) exited non-zero"
cmp -s "$T/embed.out" examples/embed.expected || fail "embed (static) output"
LD_LIBRARY_PATH="$PREFIX/lib" ldd "$T/embed" | grep -q "$PREFIX/lib/liblede.so.$abi" || fail "embed does not use the installed liblede.so.$abi"
env -u LEDE_PATH "$PREFIX/bin/lede" sentences examples/article.txt > "$T/lede.out" 2>&1 || { cat "$T/lede.out"; fail "installed lede sentences"; }
tail -n +2 examples/embed.expected | cmp -s - "$T/lede.out" || fail "installed lede sentences output"
env -u LEDE_PATH "$PREFIX/bin/lede" scripts | grep -q "^  sentences " || fail "installed lede scripts does not list sentences"
out=$(LUA_CPATH="$PREFIX/lib/lua/5.4/?.so" ${LUA:-lua5.4} -e 'local lede = require "lede"
  io.write(lede.run("sentences", lede.load("Installed. And found!")))')
[ "$out" = "Installed.
And found!" ] || fail "require \"lede\" from the installed module printed: $out"
mv "$PREFIX" "$STAGE$PREFIX"

# 4. Uninstall leaves no file behind (empty shared directories may stay).
inst uninstall
left=$(cd "$STAGE" && find . -type f -o -type l)
[ -z "$left" ] || { echo "$left"; fail "files left after make uninstall"; }
echo "install: $(wc -l < "$T/want") files installed, built against, run from $PREFIX and uninstalled"
