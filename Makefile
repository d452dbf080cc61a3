# lede -- plain Makefile; every output goes under $(B) (default build/).
#   make            build/liblede.a, build/liblede.so.N, build/lede, build/lede.so
#   make test       every Criterion suite in tests/ plus the examples
#   make demo       summary, personal data found, sentences and statistics of the bundled article
#   make asan       the test suite under AddressSanitizer + UBSan
#   make bench      throughput and peak memory next to reference tools
#   make eval       summary algorithms scored (ROUGE) on the dev sets in SUMM_DATA
#   make weights    refit the default summarizer's settings on SUMM_DATA
#   make tsan       the threaded examples under ThreadSanitizer
#   make valgrind   the embedding examples and every error path under valgrind
#   make install / uninstall   PREFIX, DESTDIR (also LUA_CMOD_DIR, MANDIR)

PREFIX  ?= /usr/local
DESTDIR ?=
# Where `require "lede"` finds the module: Debian's stock lua5.4 searches
# /usr/local/lib/lua/5.4 (and /usr/lib/lua/5.4) in its package.cpath, so
# $(PREFIX)/lib/lua/5.4 works for both usual prefixes.
LUA_CMOD_DIR ?= $(PREFIX)/lib/lua/5.4
MANDIR  ?= $(PREFIX)/share/man
# The bundled scripts of this source tree, searched before the installed
# ones so build/lede runs what you just edited.  `make install` builds
# with it empty: an installed lede must not run scripts from a build tree
# that may since have changed, or been deleted and re-created by someone else.
BUILD_SCRIPT_DIR ?= $(CURDIR)/scripts
B       ?= build
CC      ?= cc
CFLAGS  ?= -O2 -g
LDFLAGS ?=

# Versions are read from the header so they live in one place.
VERSION   := $(shell sed -n 's/^\#define LEDE_VERSION_STRING "\(.*\)"/\1/p' include/lede.h)
ABI_MAJOR := $(shell sed -n 's/^\#define LEDE_ABI_VERSION \([0-9]*\)/\1/p' include/lede.h)

# Packages a fresh Debian machine needs to build and test lede.
#   libstemmer-dev  Snowball stemmers for lede.stem (summaries, any language)
#   libsodium-dev   keyed HMAC-SHA-256 for `lede redact --style hash`
#   libcjson-dev    JSON Lines records for batch runs (the CLI only)
#   libedit-dev     line editing and history in `lede repl` (the CLI only)
BUILD_PKGS := gcc make pkg-config liblua5.4-dev libcmark-dev libutf8proc-dev \
              libstemmer-dev libsodium-dev libcjson-dev libedit-dev
TEST_PKGS  := $(BUILD_PKGS) libcriterion-dev lua5.4 cmark valgrind parallel

# The library's packages; libstemmer ships no .pc file, hence -lstemmer.
PKGS     := lua5.4 libcmark libutf8proc libsodium
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lstemmer
# What only the command-line program links.
CLI_PKGS   := libcjson libedit
CLI_CFLAGS := $(shell pkg-config --cflags $(CLI_PKGS) 2>/dev/null)
CLI_LIBS   := $(shell pkg-config --libs $(CLI_PKGS) 2>/dev/null)

WARN := -Wall -Wextra -Werror -Wshadow -Wconversion -Wstrict-prototypes \
        -Wmissing-prototypes -Wno-sign-conversion
LEDE_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L $(WARN) -fPIC \
               -fvisibility=hidden -Iinclude -Icore $(PKG_CFLAGS) $(CLI_CFLAGS) \
               -DLEDE_SCRIPT_DIR='"$(BUILD_SCRIPT_DIR)"' \
               -DLEDE_INSTALL_SCRIPT_DIR='"$(PREFIX)/share/lede/scripts"' \
               $(CFLAGS)
LIBS := $(PKG_LIBS) -lm -lpthread

# The library is every core/*.c except the programs and the Lua module entry.
# The `lede` program is core/cli.c plus its own core/cli_*.c files.
CLI_SRCS  := $(wildcard core/cli*.c)
CLI_OBJS  := $(CLI_SRCS:core/%.c=$(B)/obj/%.o)
CORE_MAIN := $(CLI_SRCS) core/luaopen_lede.c
CORE_SRCS := $(filter-out $(CORE_MAIN),$(wildcard core/*.c))
CORE_OBJS := $(CORE_SRCS:core/%.c=$(B)/obj/%.o)
TEST_SRCS := $(wildcard tests/test_*.c)
TEST_BINS := $(TEST_SRCS:tests/%.c=$(B)/tests/%)

LIB_A   := $(B)/liblede.a
LIB_SO  := $(B)/liblede.so.$(ABI_MAJOR)
LEDE    := $(B)/lede
LUA_MOD := $(B)/lede.so

.PHONY: eval-redact
.PHONY: all test check-examples demo deps deps-test asan browser tsan valgrind bench install uninstall clean FORCE eval weights

all: $(LIB_A) $(LIB_SO) $(LEDE) $(LUA_MOD)

$(B)/obj/%.o: core/%.c $(wildcard core/*.h) include/lede.h | $(B)/obj
	$(CC) $(LEDE_CFLAGS) -c $< -o $@

$(B)/obj $(B)/tests:
	mkdir -p $@

# lede.o has both script directories compiled in: rebuild it when either
# changes (e.g. `make install PREFIX=/opt/lede` after a plain `make`).  The
# file is rewritten only when its content differs, as git's GIT-CFLAGS.
$(B)/obj/lede.o: $(B)/script-dirs
$(B)/script-dirs: FORCE | $(B)/obj
	@d='$(BUILD_SCRIPT_DIR):$(PREFIX)'; [ "$$(cat $@ 2>/dev/null)" = "$$d" ] || echo "$$d" > $@

$(LIB_A): $(CORE_OBJS)
	rm -f $@
	ar rcs $@ $^

$(LIB_SO): $(CORE_OBJS)
	$(CC) -shared -Wl,-soname,liblede.so.$(ABI_MAJOR) $(LDFLAGS) -o $@ $^ $(LIBS)
	ln -sf liblede.so.$(ABI_MAJOR) $(B)/liblede.so

$(LEDE): $(CLI_OBJS) $(LIB_A)
	$(CC) $(LDFLAGS) -o $@ $^ $(CLI_LIBS) $(LIBS)

# `require "lede"` from a stock lua5.4: the module links the library
# statically and leaves the Lua symbols to the host interpreter.  The
# version script hides its copy of lede_*: a host that also links
# liblede.so (perhaps another version) must not have calls bound across.
$(LUA_MOD): $(B)/obj/luaopen_lede.o $(CORE_OBJS)
	printf '{ global: luaopen_lede; local: *; };\n' > $(B)/lede.so.map
	$(CC) -shared -Wl,--version-script=$(B)/lede.so.map $(LDFLAGS) -o $@ $^ \
	  $(shell pkg-config --libs libcmark libutf8proc libsodium) -lstemmer -lm

$(B)/tests/%: tests/%.c tests/*.h $(LIB_A) | $(B)/tests
	$(CC) $(LEDE_CFLAGS) -Wno-missing-prototypes -Itests -DLEDE_ROOT='"$(CURDIR)"' \
	  -DLEDE_BIN='"$(CURDIR)/$(LEDE)"' -o $@ $< $(LIB_A) $(LDFLAGS) $(LIBS) -lcriterion

deps:
	@sh .ci/deps $(BUILD_PKGS)

deps-test:
	@sh .ci/deps $(TEST_PKGS)

test: deps-test
	@$(MAKE) --no-print-directory all $(TEST_BINS)
	@set -e; for t in $(TEST_BINS); do echo "== $$t"; $(TEST_WRAP) ./$$t --jobs=2; done
	@$(MAKE) --no-print-directory check-examples
	@lua5.4 tests/check_readme.lua $(B)
	@sh tests/check_exports.sh $(B)
	@sh tests/check_static_state.sh $(B)
	@sh tests/check_lua_module.sh $(B)
	@sh tests/check_install.sh $(B)
	@./$(LEDE) run tests/redact_eval.lua tests/data/redact/cases.txt > $(B)/eval-redact.txt && tail -n 1 $(B)/eval-redact.txt

check-examples: all
	@sh tests/check_examples.sh $(B)

demo: deps
	@$(MAKE) --no-print-directory all
	@echo "== lede summarize examples/article.txt"
	@./$(LEDE) summarize examples/article.txt
	@echo
	@echo "== lede redact --detect-only --format text examples/article.txt"
	@./$(LEDE) redact --detect-only --format text examples/article.txt
	@echo
	@echo "== lede sentences examples/article.txt"
	@./$(LEDE) sentences examples/article.txt
	@echo
	@echo "== lede stats examples/article.txt"
	@./$(LEDE) stats examples/article.txt

# Every HTML page lede writes, opened in headless Chromium (Debian's
# chromium, installed by the script when missing): document text stays text.
browser:
	@$(MAKE) --no-print-directory all
	@sh tests/browser.sh $(B)

asan:
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
	$(MAKE) B=build/asan CFLAGS="-O1 -g -fsanitize=address,undefined \
	  -fno-sanitize-recover=all -fno-omit-frame-pointer" \
	  LDFLAGS="-fsanitize=address,undefined" TEST_WRAP="sh tests/lsan_check.sh" test

# ThreadSanitizer needs every object instrumented: a library of its own,
# then examples/threads.c (8 engines on 8 threads) built and run with it.
tsan:
	@$(MAKE) --no-print-directory B=build/tsan CFLAGS="-O1 -g -fsanitize=thread" \
	  LDFLAGS=-fsanitize=thread build/tsan/liblede.a build/tsan/lede
	@sh tests/check_tsan.sh build/tsan

valgrind: deps-test
	@$(MAKE) --no-print-directory all
	@sh tests/check_valgrind.sh $(B)

# Precision, recall and F1 per type of the redaction recognizers on the
# hand-labelled set (exact span and overlap); fails below 0.98.
eval-redact:
	@$(MAKE) --no-print-directory all
	@./$(LEDE) run tests/redact_eval.lua tests/data/redact/cases.txt
	@echo; echo "== held-out set (tests/data/redact/heldout.txt)"
	@./$(LEDE) run tests/redact_eval.lua tests/data/redact/heldout.txt
	@echo; echo "== second held-out set (tests/data/redact/heldout2.txt)"
	@./$(LEDE) run tests/redact_eval.lua tests/data/redact/heldout2.txt

bench:
	@sh .ci/deps $(BUILD_PKGS) time python3 cmark
	@$(MAKE) --no-print-directory all
	@sh tests/bench.sh $(B)

# Summaries scored on the dev sets (opt-in, never part of `make test`).
# The articles belong to their publishers: they are read from SUMM_DATA,
# never copied here.  ../shared from a checkout, ../../shared from a
# worktree under it.
SUMM_DATA ?= $(firstword $(wildcard ../shared/data/summarization ../../shared/data/summarization) \
                         ../shared/data/summarization)
EVAL_LUA = LUA_PATH='$(CURDIR)/scripts/lib/?.lua;$(CURDIR)/tests/eval/?.lua' \
           LUA_CPATH='$(CURDIR)/$(B)/?.so' lua5.4
eval:
	@$(MAKE) --no-print-directory all
	@$(EVAL_LUA) tests/eval/eval.lua $(SUMM_DATA)

weights:
	@$(MAKE) --no-print-directory all
	@$(EVAL_LUA) tests/eval/fit.lua $(SUMM_DATA) scripts/lib/summarizer_weights.lua

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
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(if $(FUZZ_LOOSE_MD),-DFUZZ_LOOSE_MD) -fsanitize=fuzzer \
	  -o $@ $< $(filter %.o,$^) $(LIBS)

# Installs from a build of its own ($(B)/install), compiled with this PREFIX
# and without the source tree's script directory (see BUILD_SCRIPT_DIR).
INST := $(B)/install
install:
	@$(MAKE) --no-print-directory B=$(INST) BUILD_SCRIPT_DIR= all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib \
	  $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/lib/pkgconfig \
	  $(DESTDIR)$(PREFIX)/share/lede/scripts $(DESTDIR)$(MANDIR)/man1 \
	  $(DESTDIR)$(LUA_CMOD_DIR)
	install -m 755 $(INST)/lede $(DESTDIR)$(PREFIX)/bin/lede
	install -m 644 $(INST)/liblede.a $(DESTDIR)$(PREFIX)/lib/liblede.a
	install -m 755 $(INST)/liblede.so.$(ABI_MAJOR) $(DESTDIR)$(PREFIX)/lib/liblede.so.$(ABI_MAJOR)
	ln -sf liblede.so.$(ABI_MAJOR) $(DESTDIR)$(PREFIX)/lib/liblede.so
	install -m 755 $(INST)/lede.so $(DESTDIR)$(LUA_CMOD_DIR)/lede.so
	install -m 644 include/lede.h $(DESTDIR)$(PREFIX)/include/lede.h
	cd scripts && find . -name '*.lua' | while read -r f; do \
	  install -D -m 644 "$$f" "$(DESTDIR)$(PREFIX)/share/lede/scripts/$$f" || exit 1; done
	sed -e 's/^\(\.TH LEDE 1 "[^"]*"\) "lede [^"]*"/\1 "lede $(VERSION)"/' docs/lede.1 \
	  > $(DESTDIR)$(MANDIR)/man1/lede.1
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(VERSION)|' lede.pc.in \
	  > $(DESTDIR)$(PREFIX)/lib/pkgconfig/lede.pc

# Removes exactly what install put there; shared directories stay.
uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/lede $(DESTDIR)$(PREFIX)/lib/liblede.a \
	  $(DESTDIR)$(PREFIX)/lib/liblede.so $(DESTDIR)$(PREFIX)/lib/liblede.so.$(ABI_MAJOR) \
	  $(DESTDIR)$(PREFIX)/include/lede.h $(DESTDIR)$(PREFIX)/lib/pkgconfig/lede.pc \
	  $(DESTDIR)$(LUA_CMOD_DIR)/lede.so $(DESTDIR)$(MANDIR)/man1/lede.1
	rm -rf $(DESTDIR)$(PREFIX)/share/lede

clean:
	rm -rf build
