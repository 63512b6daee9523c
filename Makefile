# pake: build, test, install.  See README.md.
#
#   make            build every tool into build/bin/
#   make check      install missing Debian packages, check the layers, build,
#                   run the bats suite
#   make layers     SQL only in lib/db*.c, no include cycles (scripts/layers.sh)
#   make lint-man   mandoc -T lint at warning level over every man page
#   make asan       the same suite under AddressSanitizer + UBSan (build-asan/)
#   make fuzz       build the libFuzzer targets of tests/fuzz/ with clang,
#                   ASan and UBSan (build-fuzz/) and run each FUZZ_TIME
#                   seconds (default 60) on a copy of its seed corpus;
#                   FUZZ_ARGS adds libFuzzer flags (FUZZ_ARGS=-runs=10000000)
#   make bench      benchmarks (numbers on stdout)
#   make run        serve the JSON API on 127.0.0.1:8000 (scripts/run.sh)
#   make tour       the shell tour of README.md, run for real (scripts/tour.sh)
#   make install    PREFIX=/usr/local DESTDIR= SYSCONFDIR=/etc

PREFIX	?= /usr/local
SYSCONFDIR ?= /etc
DESTDIR	?=
BUILD	?= build
CC	?= cc
PKGS	= sqlite3 libcjson yaml-0.1 libsystemd libsodium libcmark
# Headers only: these libraries are dlopen'd at first use, never linked
# (lib/src_xml.c: libxml2 would cost every program's start).
PKGS_DL	= libxml-2.0
VERSION	= 0.1.0
CFLAGS	?= -O2 -g
# Our own flags stay when CFLAGS is given on the command line (make asan).
PAKE_CFLAGS = -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow \
	   -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter \
	   -Wno-format-truncation -Iinclude -DPAKE_VERSION=\"$(VERSION)\" \
	   $(shell pkg-config --cflags $(PKGS) $(PKGS_DL) 2>/dev/null) $(CFLAGS)
# --as-needed: a tool links only the libraries it calls (a CLI tool that
# never parses YAML does not load libyaml; every shared library costs
# part of a millisecond at each start).
PAKE_LIBS = -Wl,--as-needed $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lm -lpthread $(LDLIBS)

LIB_SRC	= $(sort $(wildcard lib/*.c))
LIB_OBJ	= $(LIB_SRC:lib/%.c=$(BUILD)/obj/lib/%.o)
BIN_SRC	= $(sort $(wildcard bin/*.c))
BINS	= $(BIN_SRC:bin/%.c=$(BUILD)/bin/%)
UNIT_SRC = $(sort $(wildcard tests/unit/*.c))
UNITS	= $(UNIT_SRC:tests/unit/%.c=$(BUILD)/test/%)
HDRS	= $(wildcard include/pake/*.h lib/*.h)
FUZZ_SRC = $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS = $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzz/%)
FUZZ_BUILD = build-fuzz
FUZZ_TIME ?= 60
# The library is built for coverage (fuzzer-no-link) and the sanitizers;
# FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION makes password hashing cheap
# (lib/auth.c), so such a build must never serve anyone.
FUZZ_CFLAGS = -O1 -g -fno-omit-frame-pointer -Wno-unknown-warning-option \
	-fsanitize=fuzzer-no-link,address,undefined \
	-fno-sanitize-recover=undefined -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION

all: $(BINS) $(UNITS)

$(BUILD)/obj/lib/%.o: lib/%.c $(HDRS)
	@mkdir -p $(@D)
	@echo "  CC      $<"
	@$(CC) $(PAKE_CFLAGS) -c -o $@ $<

# The dashboard (lib/http_dash.c): our own files and the npm libraries
# pinned by dashboard/package-lock.json, embedded with .incbin by
# dashboard/build.sh (ARCHITECTURE.md §18).  Only pake-http refers to
# them, so only it links them.  npm ci runs when node_modules is missing
# or older than the lock; without npm (or with NPM=none) the build goes
# on without the libraries, which pake-http then answers 404.
DASH_GEN = $(BUILD)/gen/dash
DASH_SRC = dashboard/index.html dashboard/app.js dashboard/app.css \
	dashboard/package.json dashboard/package-lock.json dashboard/build.sh \
	$(wildcard dashboard/node_modules/.package-lock.json)
DASH_FORCE = $(if $(wildcard dashboard/node_modules/.package-lock.json),,\
	$(if $(shell command -v npm 2>/dev/null),FORCE))

$(DASH_GEN)/assets.S: $(DASH_SRC) $(DASH_FORCE)
	@sh dashboard/build.sh $(DASH_GEN)

$(BUILD)/obj/gen/dash_assets.o: $(DASH_GEN)/assets.S
	@mkdir -p $(@D)
	@echo "  AS      $<"
	@$(CC) -c -o $@ $<

FORCE:

$(BUILD)/libpake.a: $(LIB_OBJ) $(BUILD)/obj/gen/dash_assets.o
	@rm -f $@
	@echo "  AR      $@"
	@ar rcs $@ $^

$(BUILD)/bin/%: bin/%.c $(BUILD)/libpake.a $(HDRS)
	@mkdir -p $(@D)
	@echo "  CCLD    $@"
	@$(CC) $(PAKE_CFLAGS) -o $@ $< $(BUILD)/libpake.a $(LDFLAGS) $(PAKE_LIBS)

$(BUILD)/test/%: tests/unit/%.c $(BUILD)/libpake.a $(HDRS)
	@mkdir -p $(@D)
	@echo "  CCLD    $@"
	@$(CC) $(PAKE_CFLAGS) -o $@ $< $(BUILD)/libpake.a $(LDFLAGS) $(PAKE_LIBS)

$(BUILD)/fuzz/%: tests/fuzz/%.c tests/fuzz/env.c tests/fuzz/env.h \
    $(BUILD)/libpake.a $(HDRS)
	@mkdir -p $(@D)
	@echo "  CCLD    $@"
	@$(CC) $(PAKE_CFLAGS) -fsanitize=fuzzer -o $@ $< tests/fuzz/env.c \
		$(BUILD)/libpake.a $(LDFLAGS) $(PAKE_LIBS)

fuzz-targets: $(FUZZ_BINS)

deps:
	@sh scripts/deps.sh

# Every man page passes mandoc's lint at warning level.
lint-man:
	@mandoc -T lint -W warning man/man1/*.1 man/man5/*.5

layers:
	@sh scripts/layers.sh

check: deps layers lint-man
	$(MAKE) all
	sh scripts/test.sh $(abspath $(BUILD))

asan: deps
	$(MAKE) BUILD=build-asan CFLAGS="-O1 -g -fno-omit-frame-pointer \
		-fsanitize=address,undefined -fno-sanitize-recover=undefined" \
		LDFLAGS="-fsanitize=address,undefined" all
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		sh scripts/test.sh $(CURDIR)/build-asan

# Build the targets only (tests/fuzz.bats runs them briefly in make check).
fuzz-build:
	$(MAKE) BUILD=$(FUZZ_BUILD) CC=clang CFLAGS="$(FUZZ_CFLAGS)" \
		LDFLAGS="-fsanitize=address,undefined" fuzz-targets

fuzz: deps fuzz-build
	sh scripts/fuzz.sh $(FUZZ_BUILD) $(FUZZ_TIME) $(FUZZ_ARGS)

bench: all
	sh bench/run.sh $(abspath $(BUILD))

run: all
	sh scripts/run.sh $(abspath $(BUILD))

tour: all
	sh scripts/tour.sh $(abspath $(BUILD))

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
		$(DESTDIR)$(PREFIX)/share/man/man5 \
		$(DESTDIR)$(PREFIX)/lib/systemd/system $(DESTDIR)$(SYSCONFDIR)/pake
	install -m 755 $(BINS) $(DESTDIR)$(PREFIX)/bin/
	install -m 644 man/man1/*.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 644 man/man5/*.5 $(DESTDIR)$(PREFIX)/share/man/man5/
	# The units name this file: a commented default, never over one that
	# exists.
	[ -e $(DESTDIR)$(SYSCONFDIR)/pake/pake.conf ] || \
		install -m 644 etc/pake.conf $(DESTDIR)$(SYSCONFDIR)/pake/pake.conf
	# Units name the binaries where this PREFIX puts them.
	for u in units/*; do \
		sed 's|/usr/local/bin/|$(PREFIX)/bin/|g' "$$u" > \
		    $(DESTDIR)$(PREFIX)/lib/systemd/system/$${u#units/} || exit 1; \
	done

clean:
	rm -rf build build-asan build-fuzz

.PHONY: FORCE lint-man all deps layers check asan fuzz fuzz-build fuzz-targets bench \
	run tour install clean
.SECONDARY:
