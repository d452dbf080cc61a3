# lede -- plain Makefile; every output goes under $(B) (default build/).
#   make            build/liblede.a, build/liblede.so.N, build/lede, build/lede.so
#   make test       every Criterion suite in tests/ plus the examples
#   make demo       sentences and statistics of the bundled example article
#   make asan       the test suite under AddressSanitizer + UBSan
#   make bench      throughput and peak memory next to reference tools
#   make install / uninstall   PREFIX, DESTDIR

PREFIX  ?= /usr/local
DESTDIR ?=
B       ?= build
CC      ?= cc
CFLAGS  ?= -O2 -g
LDFLAGS ?=

# Versions are read from the header so they live in one place.
VERSION   := $(shell sed -n 's/^\#define LEDE_VERSION_STRING "\(.*\)"/\1/p' include/lede.h)
ABI_MAJOR := $(shell sed -n 's/^\#define LEDE_ABI_VERSION \([0-9]*\)/\1/p' include/lede.h)

# Packages a fresh Debian machine needs to build and test lede.
BUILD_PKGS := gcc make pkg-config liblua5.4-dev libcmark-dev libutf8proc-dev
TEST_PKGS  := $(BUILD_PKGS) libcriterion-dev lua5.4 cmark valgrind

PKGS     := lua5.4 libcmark libutf8proc
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

WARN := -Wall -Wextra -Werror -Wshadow -Wconversion -Wstrict-prototypes \
        -Wmissing-prototypes -Wno-sign-conversion
LEDE_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L $(WARN) -fPIC \
               -fvisibility=hidden -Iinclude -Icore $(PKG_CFLAGS) \
               -DLEDE_SCRIPT_DIR='"$(CURDIR)/scripts"' \
               -DLEDE_INSTALL_SCRIPT_DIR='"$(PREFIX)/share/lede/scripts"' \
               $(CFLAGS)
LIBS := $(PKG_LIBS) -lm -lpthread

# The library is every core/*.c except the programs and the Lua module entry.
CORE_MAIN := core/cli.c core/luaopen_lede.c
CORE_SRCS := $(filter-out $(CORE_MAIN),$(wildcard core/*.c))
CORE_OBJS := $(CORE_SRCS:core/%.c=$(B)/obj/%.o)
TEST_SRCS := $(wildcard tests/test_*.c)
TEST_BINS := $(TEST_SRCS:tests/%.c=$(B)/tests/%)

LIB_A   := $(B)/liblede.a
LIB_SO  := $(B)/liblede.so.$(ABI_MAJOR)
LEDE    := $(B)/lede
LUA_MOD := $(B)/lede.so

.PHONY: all test check-examples demo deps deps-test asan bench install uninstall clean

all: $(LIB_A) $(LIB_SO) $(LEDE) $(LUA_MOD)

$(B)/obj/%.o: core/%.c $(wildcard core/*.h) include/lede.h | $(B)/obj
	$(CC) $(LEDE_CFLAGS) -c $< -o $@

$(B)/obj $(B)/tests:
	mkdir -p $@

$(LIB_A): $(CORE_OBJS)
	rm -f $@
	ar rcs $@ $^

$(LIB_SO): $(CORE_OBJS)
	$(CC) -shared -Wl,-soname,liblede.so.$(ABI_MAJOR) $(LDFLAGS) -o $@ $^ $(LIBS)
	ln -sf liblede.so.$(ABI_MAJOR) $(B)/liblede.so

$(LEDE): $(B)/obj/cli.o $(LIB_A)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

# `require "lede"` from a stock lua5.4: the module links the library
# statically and leaves the Lua symbols to the host interpreter.
$(LUA_MOD): $(B)/obj/luaopen_lede.o $(CORE_OBJS)
	$(CC) -shared $(LDFLAGS) -o $@ $^ $(shell pkg-config --libs libcmark libutf8proc) -lm

$(B)/tests/%: tests/%.c tests/*.h $(LIB_A) | $(B)/tests
	$(CC) $(LEDE_CFLAGS) -Wno-missing-prototypes -Itests -DLEDE_ROOT='"$(CURDIR)"' \
	  -DLEDE_BIN='"$(CURDIR)/$(LEDE)"' -o $@ $< $(LIB_A) $(LDFLAGS) $(LIBS) -lcriterion

deps:
	@sh .ci/deps $(BUILD_PKGS)

deps-test:
	@sh .ci/deps $(TEST_PKGS)

test: deps-test
	@$(MAKE) --no-print-directory all $(TEST_BINS)
	@set -e; for t in $(TEST_BINS); do echo "== $$t"; ./$$t --jobs=2; done
	@$(MAKE) --no-print-directory check-examples

check-examples: all
	@sh tests/check_examples.sh $(B)

demo: deps
	@$(MAKE) --no-print-directory all
	@echo "== lede sentences examples/article.txt"
	@./$(LEDE) sentences examples/article.txt
	@echo
	@echo "== lede stats examples/article.txt"
	@./$(LEDE) stats examples/article.txt

asan:
	$(MAKE) B=build/asan CFLAGS="-O1 -g -fsanitize=address,undefined \
	  -fno-sanitize-recover=all -fno-omit-frame-pointer" \
	  LDFLAGS="-fsanitize=address,undefined" test

bench:
	@sh .ci/deps $(BUILD_PKGS) time python3 cmark
	@$(MAKE) --no-print-directory all
	@sh tests/bench.sh $(B)

# libFuzzer targets (tests/fuzz/fuzz_NAME.c): the core compiled again by
# clang with ASan and UBSan under build/fuzz.  Each target runs for
# FUZZ_SECONDS on a scratch corpus (build/fuzz/corpus_NAME) seeded from the
# committed tests/fuzz/corpus_NAME, which stays untouched.  A crash is saved
# as build/fuzz/crash-*: replay it with build/fuzz/fuzz_NAME FILE.
FUZZ_SECONDS ?= 60
FUZZ_B      := build/fuzz
FUZZ_CC     ?= clang
FUZZ_PKGS   := clang libclang-rt-14-dev
FUZZ_NAMES  := text markdown edit
FUZZ_CFLAGS := $(filter-out -Werror -O2,$(LEDE_CFLAGS)) -O1 -g \
               -fsanitize=address,undefined -fno-sanitize-recover=undefined \
               -fno-omit-frame-pointer

.PHONY: fuzz fuzz-build
fuzz:
	@sh .ci/deps $(FUZZ_PKGS)
	@$(MAKE) --no-print-directory fuzz-build
	@set -e; for t in $(FUZZ_NAMES); do \
	  echo "== fuzz_$$t: $(FUZZ_SECONDS) s"; mkdir -p $(FUZZ_B)/corpus_$$t; \
	  if $(FUZZ_B)/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -max_len=16384 \
	      -timeout=30 -rss_limit_mb=2560 -print_final_stats=1 \
	      -artifact_prefix=$(FUZZ_B)/ $(FUZZ_B)/corpus_$$t tests/fuzz/corpus_$$t \
	      > $(FUZZ_B)/fuzz_$$t.log 2>&1; then \
	    grep -E '^(Done|stat::number_of_executed_units|stat::peak_rss)' $(FUZZ_B)/fuzz_$$t.log; \
	  else tail -n 60 $(FUZZ_B)/fuzz_$$t.log; exit 1; fi; \
	done

fuzz-build: $(FUZZ_NAMES:%=$(FUZZ_B)/fuzz_%)

$(FUZZ_B)/obj:
	mkdir -p $@

$(FUZZ_B)/obj/%.o: core/%.c $(wildcard core/*.h) include/lede.h | $(FUZZ_B)/obj
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

$(FUZZ_B)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_common.h \
                  $(CORE_SRCS:core/%.c=$(FUZZ_B)/obj/%.o)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(if $(FUZZ_STRICT_MD),-DFUZZ_STRICT_MD) -fsanitize=fuzzer \
	  -o $@ $< $(filter %.o,$^) $(LIBS)

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib \
	  $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/lib/pkgconfig \
	  $(DESTDIR)$(PREFIX)/share/lede/scripts
	install -m 755 $(LEDE) $(DESTDIR)$(PREFIX)/bin/lede
	install -m 644 $(LIB_A) $(DESTDIR)$(PREFIX)/lib/liblede.a
	install -m 755 $(LIB_SO) $(DESTDIR)$(PREFIX)/lib/liblede.so.$(ABI_MAJOR)
	ln -sf liblede.so.$(ABI_MAJOR) $(DESTDIR)$(PREFIX)/lib/liblede.so
	install -m 644 include/lede.h $(DESTDIR)$(PREFIX)/include/lede.h
	install -m 644 scripts/*.lua $(DESTDIR)$(PREFIX)/share/lede/scripts/
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(VERSION)|' lede.pc.in \
	  > $(DESTDIR)$(PREFIX)/lib/pkgconfig/lede.pc

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/lede $(DESTDIR)$(PREFIX)/lib/liblede.a \
	  $(DESTDIR)$(PREFIX)/lib/liblede.so $(DESTDIR)$(PREFIX)/lib/liblede.so.$(ABI_MAJOR) \
	  $(DESTDIR)$(PREFIX)/include/lede.h $(DESTDIR)$(PREFIX)/lib/pkgconfig/lede.pc
	rm -rf $(DESTDIR)$(PREFIX)/share/lede

clean:
	rm -rf build
