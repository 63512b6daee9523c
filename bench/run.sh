#!/bin/sh
# run.sh: pake's benchmarks (`make bench`); the numbers go to stdout.
#
#   sh bench/run.sh BUILD_DIR
#
# BUILD_DIR holds libpake.a and bin/ (make all).  The benchmark programs
# (bench/corpus.c, search.c, write.c) are built into BUILD_DIR/bench.  For
# each corpus size (BENCH_SIZES, default "10000 100000") it generates the
# corpus (seed 1), imports it with `pake-vault import` into a fresh database
# and vault (wall time -> notes/s), shows `pake-db stats`, and measures
# in-process search latency over 2,000 queries (corpus --queries 2000
# --seed 2: two words and a type filter, top 10).  Then 32 writer processes
# create 50 notes each at once on a fresh database (BENCH_WRITERS,
# BENCH_WRITES override), and `pake-db check` must find it clean.  A summary
# table ends the output.  Everything is done in a temporary folder under
# ${TMPDIR:-/tmp}, removed only at exit: on ext4 without a journal the
# kernel will not reuse an inode freed in the last minutes and steps over
# every such inode each time it creates a file, so deleting a corpus
# between the runs would slow the import and the writers that follow.  A
# size over 10,000 is skipped when less than 5 GB is free there (100,000
# notes: ~850 MB of markdown, ~850 MB of vault, ~1.1 GB of database).
#
# shellcheck disable=SC2086 # $CF, $LIBS and $PKGS are lists of words
set -eu

[ $# -eq 1 ] || { echo "usage: sh bench/run.sh BUILD_DIR" >&2; exit 64; }
B=$(cd "$1" && pwd)
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SIZES=${BENCH_SIZES:-10000 100000}
WRITERS=${BENCH_WRITERS:-32}
WRITES=${BENCH_WRITES:-50}
NQ=2000
MINFREE_KB=$((5 * 1024 * 1024))

T=$(mktemp -d "${TMPDIR:-/tmp}/pake-bench.XXXXXX")
trap 'rm -rf "$T"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
SUMMARY=$T/summary	# search lines, then import lines, then writers

# The same setup on every machine: no configuration file, the default
# tenant as the local owner, tool logs of warnings and errors only.
export PAKE_CONFIG=/dev/null PAKE_LOG_LEVEL=warn PAKE_LOG_FORMAT=text
unset PAKE_TENANT PAKE_TOKEN

# now: wall clock seconds with nanoseconds (GNU date), else whole seconds.
now() {
	t=$(date +%s.%N)
	case $t in
	*N) date +%s ;;
	*) echo "$t" ;;
	esac
}

# val LINE KEY: the value of KEY=... in a key=value line.
val() {
	printf '%s\n' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"
}

# commas N: an integer with thousands separators.
commas() {
	printf '%s\n' "$1" | awk '{ n = sprintf("%.0f", $1); s = "";
		while (length(n) > 3) { s = "," substr(n, length(n) - 2) s;
			n = substr(n, 1, length(n) - 3) } print n s }'
}

# label N: 10000 -> 10k.
label() {
	awk -v n="$1" 'BEGIN { if (n % 1000 == 0) print n / 1000 "k";
		else print n }'
}

# ms X: a latency in milliseconds, 2 significant digits at least.
ms() {
	awk -v x="$1" 'BEGIN { if (x < 10) printf "%.2f", x;
		else printf "%.1f", x }'
}

echo "== building benchmark programs into $B/bench"
mkdir -p "$B/bench"
PKGS="sqlite3 libcjson yaml-0.1 libsystemd libsodium"
CF="-std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -I$ROOT/include $(pkg-config --cflags $PKGS)"
LIBS="$(pkg-config --libs $PKGS) -lm"
${CC:-cc} $CF -o "$B/bench/corpus" "$ROOT/bench/corpus.c" -lm
for p in search write; do
	${CC:-cc} $CF -o "$B/bench/$p" "$ROOT/bench/$p.c" "$B/libpake.a" $LIBS
done
echo "cc: $(${CC:-cc} --version | head -n 1)"
echo "sqlite: $(pkg-config --modversion sqlite3); cpus: $(getconf _NPROCESSORS_ONLN 2>/dev/null || echo '?')"

: >"$SUMMARY"
: >"$T/summary.import"
status=0
"$B/bench/corpus" --queries $NQ --seed 2 >"$T/queries" 2>/dev/null

for SIZE in $SIZES; do
	L=$(label "$SIZE")
	echo
	echo "== $L notes"
	if [ "$SIZE" -gt 10000 ]; then
		free=$(df -Pk "$T" | awk 'NR == 2 { print $4 }')
		if [ "$free" -lt "$MINFREE_KB" ]; then
			echo "skipped: $((free / 1024)) MB free in $T, need 5 GB"
			echo "search $L notes: skipped (less than 5 GB free)" >>"$SUMMARY"
			echo "import $L: skipped (less than 5 GB free)" >>"$T/summary.import"
			continue
		fi
	fi
	D=$T/$SIZE
	mkdir -p "$D"
	export PAKE_DB="$D/pake.db" PAKE_VAULT="$D/vault"

	t0=$(now)
	"$B/bench/corpus" --seed 1 --count "$SIZE" "$D/corpus" 2>"$D/corpus.log"
	t1=$(now)
	echo "$(cat "$D/corpus.log"); $(du -sh "$D/corpus" | cut -f 1) on disk, $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s wall"

	t0=$(now)
	"$B/bin/pake-vault" import "$D/corpus" </dev/null 2>"$D/import.log"
	t1=$(now)
	secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
	rate=$(awk -v a="$t0" -v b="$t1" -v n="$SIZE" 'BEGIN { printf "%.0f", n / (b - a) }')
	echo "import: $secs s, $(commas "$rate") notes/s"
	if [ -s "$D/import.log" ]; then
		echo "import log (first lines):"
		head -n 5 "$D/import.log"
	fi

	"$B/bin/pake-db" stats
	echo "vault: $(du -sh "$D/vault" | cut -f 1), db+wal: $(du -ch "$D"/pake.db* | tail -n 1 | cut -f 1)"

	out=$("$B/bench/search" "$T/queries") || status=$?
	echo "search: $out"
	echo "search $L notes: p50 $(ms "$(val "$out" p50_ms)") ms p90 $(ms "$(val "$out" p90_ms)") ms p99 $(ms "$(val "$out" p99_ms)") ms max $(ms "$(val "$out" max_ms)") ms, mean hits $(val "$out" mean_hits) ($NQ queries, two words + type filter, top 10)" >>"$SUMMARY"
	echo "import $L: $(commas "$rate") notes/s ($secs s)" >>"$T/summary.import"
done

echo
echo "== writers: $WRITERS processes x $WRITES notes"
D=$T/writers
mkdir -p "$D"
export PAKE_DB="$D/pake.db" PAKE_VAULT="$D/vault"
out=$("$B/bench/write" -w "$WRITERS" -n "$WRITES") || status=$?
echo "write: $out"
check=clean
"$B/bin/pake-db" check >"$D/check.out" 2>&1 || check="NOT CLEAN"
echo "pake-db check: $check"
[ "$check" = clean ] || cat "$D/check.out"
echo "writers ${WRITERS}x$WRITES: p50 $(ms "$(val "$out" p50_ms)") ms p99 $(ms "$(val "$out" p99_ms)") ms max $(ms "$(val "$out" max_ms)") ms, $(commas "$(val "$out" writes_per_s)") writes/s, lost $(val "$out" lost), errors $(val "$out" errors), failed processes $(val "$out" failed_children), db check $check" >"$T/summary.writers"

echo
echo "== summary"
cat "$SUMMARY" "$T/summary.import" "$T/summary.writers"
[ "$status" -eq 0 ] && [ "$check" = clean ]
