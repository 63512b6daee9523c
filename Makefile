# pake: build, test, install.  See README.md.
#
#   make            build every tool into build/bin/
#   make check      install missing Debian packages, check the layers, build,
#                   run the bats suite
#   make layers     SQL only in lib/db*.c, no include cycles (scripts/layers.sh)
#   make lint-man   mandoc -T lint at warning level over every man page
#   make asan       the same suite under AddressSanitizer + UBSan (build-asan/)
#   make bench      benchmarks (numbers on stdout)
#   make run        serve the JSON API on 127.0.0.1:8000 (scripts/run.sh)
#   make tour       the shell tour of README.md, run for real (scripts/tour.sh)
#   make install    PREFIX=/usr/local DESTDIR= SYSCONFDIR=/etc

PREFIX	?= /usr/local
SYSCONFDIR ?= /etc
DESTDIR	?=
BUILD	?= build
CC	?= cc
PKGS	= sqlite3 libcjson yaml-0.1 libsystemd libsodium
VERSION	= 0.1.0
CFLAGS	?= -O2 -g
# Our own flags stay when CFLAGS is given on the command line (make asan).
PAKE_CFLAGS = -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow \
	   -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter \
	   -Wno-format-truncation -Iinclude -DPAKE_VERSION=\"$(VERSION)\" \
	   $(shell pkg-config --cflags $(PKGS) 2>/dev/null) $(CFLAGS)
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
HDRS	= $(wildcard include/pake/*.h)

all: $(BINS) $(UNITS)

$(BUILD)/obj/lib/%.o: lib/%.c $(HDRS)
	@mkdir -p $(@D)
	@echo "  CC      $<"
	@$(CC) $(PAKE_CFLAGS) -c -o $@ $<

$(BUILD)/libpake.a: $(LIB_OBJ)
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
	rm -rf build build-asan

.PHONY: lint-man all deps layers check asan bench run tour install clean
.SECONDARY:
