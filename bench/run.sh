#!/bin/sh
# run.sh: pake's benchmarks (`make bench`); the numbers go to stdout.
#
#   sh bench/run.sh BUILD_DIR
#
# BUILD_DIR holds libpake.a and bin/ (make all).  The benchmark programs
# (bench/corpus.c, search.c, write.c) are built into BUILD_DIR/bench.  The
# parts, in the order they run (BENCH_PARTS chooses some of them, by name,
# separated by spaces; default all):
#
# search, import: for each corpus size (BENCH_SIZES, default "10000
#   100000") it generates the corpus (seed 1), imports it with `pake-vault
#   import` into a fresh database and vault (wall time -> notes/s; part
#   import), shows `pake-db stats`, and measures in-process search latency
#   over 2,000 queries (corpus --queries 2000 --seed 2: two words and a type
#   filter, top 10; part search).
# writers: 32 writer processes create 50 notes each at once on a fresh
#   database (BENCH_WRITERS, BENCH_WRITES override), and `pake-db check`
#   must find it clean.  Then the same writers spread over BENCH_WRITER_TENANTS
#   (default 8) tenants (writer i in tenant w(i mod 8), bench/write -t 8),
#   and all in one tenant (-t 1), each on a fresh database that must check
#   clean: writes/s of each and their ratio (goal: at least 3x), lost
#   writes and errors.
# tenants: search p50 in a tenant of BENCH_TENANT_NOTES (default 10,000)
#   notes alone in its database (tenant t0, corpus seed 1), and again after
#   BENCH_TENANTS - 1 (default 9) other tenants of as many notes were
#   imported into the same database (t1, t2, ..., corpus seeds 2, 3, ...;
#   each `pake-tenant tenant create tN` then `PAKE_TENANT=tN pake-vault
#   import`).  Both p50s and their ratio (goal: within 10 %).
# http: bench/http.sh, pake-http against nginx with wrk (GET /notes/{id}
#   in Accept=no and Accept=yes, keep-alive and new connections).
# wal: bench/wal.sh, the size of the write-ahead logs under a mixed HTTP
#   load.
# versions: bench/versions.c, in one process, creates BENCH_VERSION_NOTES
#   (200) notes of 300 words and edits each BENCH_VERSION_EDITS (10) times,
#   a paragraph appended each time: edits/s, p50/p99 and the store's size
#   with every version kept; then after prune_versions keep=1 and VACUUM
#   (size, and one more round of edits).  The reference, in the same run:
#   the same program linked against the library of BENCH_VERSIONS_REF
#   (default 001b68f, the last commit before versions), built here from git.
# watch: bench/watch.py, pake-vault watch's latency from a file saved in the
#   vault (an edit or a new file) to its note committed and searchable.
# graph: bench/graph.c, in one process, creates BENCH_GRAPH_NOTES (100,000)
#   notes of 4 links each (3 wikilinks and a typed relation to random
#   notes, most not written yet) and an observation: creates/s; then
#   graph_neighbors at depth 2 on 1,000 random notes and graph_path between
#   100 random pairs (p50, p99); pake-db check must find the links clean.
#   The reference, in the same run: the same program against the library
#   of BENCH_GRAPH_REF (default 8c2890c, the last commit before the graph),
#   which measures what indexing links costs a write.
# memory: bench/memory.mjs, the MCP memory server's operations through the
#   official client over stdio, against pake-mcp and against the real
#   @modelcontextprotocol/server-memory (tests/mcp/node_modules), at each
#   of BENCH_MEMORY_SIZES (default "1000 10000") entities with 2 relations
#   each: create in batches of 100, relations, search_nodes, open_nodes,
#   read_graph (pake's first page); ratios and lost writes.
# vectors: bench/vectors.c, in one process, at each of BENCH_VECTOR_SIZES
#   (default "10000 100000") notes of 20 synthetic topics: creates/s, the
#   LSA refit's time, update_note p50 before and after the fit (the
#   fold-in), related_notes and search_notes (hybrid, and text for
#   reference in the same run) p50/p99, and the share of related notes of
#   the same topic.
# research: bench/research.c (issue 13): an arXiv API answer and a PubMed
#   EFetch answer of 100 items each, of realistic size (research gen),
#   parsed 200 times: items/s of each, against Python's ElementTree taking
#   the same fields in the same run (bench/research_ref.py, the Python
#   system's way); then POST /quick's operation with sources arxiv and
#   pubmed served by tests/fixtures/doc_server.py from those documents,
#   from a warm cache (one call first): p50 and p99 over 200 calls, and the
#   vault alone (100 saved papers) as the reference.
# quality: bench/quality.c, how good the vectors are on real text with
#   known categories.  Data: bench/quality-data.sh, Debian 12 (bookworm,
#   main) package long descriptions labelled by archive section (12
#   topical ones: games, science, math, sound, graphics, web, mail,
#   database, electronics, hamradio, editors, fonts), one package per
#   description and per source package, up to 300 a section; Packages and
#   Translation-en fetched from deb.debian.org with apt into a private
#   lists folder, once: the TSV is kept as BUILD_DIR/bench/quality-debian.tsv
#   (without it and without the network the part is skipped, with the
#   reason).  In one process, a note per package (title the short
#   description, content the long one), vectors_refit at each of
#   BENCH_QUALITY_DIMS (default "128,64,256"), then for LSA
#   (related_notes, note_clusters), plain TF-IDF cosine over the same
#   words and weights (computed in the bench) and a random baseline:
#   precision@5 of related notes (the share in the note's section, every
#   note a query) and cluster purity and NMI with k = the sections.
#
# dashboard: bench/dashboard.mjs, the web dashboard in Debian's Chromium
#   (playwright-core from tests/browser/node_modules, npm ci when missing)
#   against pake-http (Accept=no) on a fresh database of BENCH_DASH_NOTES
#   (2,000) notes, each linking to its parent in a tree of ten children
#   a note and to one other note: first load (bytes on the wire, time to
#   the sign-in form and to the first search result, median of 5 fresh
#   browser contexts), a search round trip from the page over 50 words
#   (p50, p90), and the graph of all the notes around the root: time to
#   drawn and frame times (requestAnimationFrame) during a scripted drag
#   and wheel zoom (p50, p95).  The reference, in the same run: nginx
#   serving the same files (the page alone: no API there), first load.
# analytics: bench/analytics.c, in one process: a month of searches
#   (BENCH_ANALYTICS_SEARCHES, default 100,000, over 30 days, 40 actors)
#   spooled in the search log's format, folded (lines/s), then each
#   analytics answer over them (p50, max of 15); search_notes p50 in the
#   same run is the reference (one ordinary read).
# http and wal need wrk and nginx: bench/deps.sh installs what is missing
# first (apt-get).  Their knobs (BENCH_HTTP_SECS, BENCH_WAL_SECS, ...) are
# described at the top of each script, and the limits of their benchmark
# tenant under raise_limits in bench/lib.sh: by default the enterprise
# plan's 1,200 requests a minute per token cap every HTTP run.
#
# A summary, a line or a few per measurement, ends the output.  Everything
# is done in a temporary folder under ${TMPDIR:-/tmp}, removed only at
# exit: on ext4 without a journal the kernel will not reuse an inode freed
# in the last minutes and steps over every such inode each time it creates
# a file, so deleting a corpus between the runs would slow the import and
# the writers that follow.  A size over 10,000 is skipped when less than
# 5 GB is free there (100,000 notes: ~850 MB of markdown, ~850 MB of
# vault, ~1.1 GB of database), and the tenants part when less than 50 KB
# a note is (5 GB for 10 x 10,000).  Exit status 0 when every part passed.
#
# shellcheck disable=SC2086 # $CF, $LIBS and $PKGS are lists of words
set -eu

[ $# -eq 1 ] || { echo "usage: sh bench/run.sh BUILD_DIR" >&2; exit 64; }
B=$(cd "$1" && pwd)
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/bench/lib.sh"
ALLPARTS="search import writers tenants http wal versions watch graph memory vectors quality research dashboard analytics"
PARTS=${BENCH_PARTS:-$ALLPARTS}
SIZES=${BENCH_SIZES:-10000 100000}
WRITERS=${BENCH_WRITERS:-32}
WRITES=${BENCH_WRITES:-50}
WTENANTS=${BENCH_WRITER_TENANTS:-8}
TNOTES=${BENCH_TENANT_NOTES:-10000}
NTENANTS=${BENCH_TENANTS:-10}
NQ=2000
MINFREE_KB=$((5 * 1024 * 1024))

for p in $PARTS; do
	case " $ALLPARTS " in
	*" $p "*) ;;
	*) echo "run.sh: unknown part '$p' in BENCH_PARTS (parts: $ALLPARTS)" >&2; exit 64 ;;
	esac
done
# has PART: PART is to run.
has() {
	case " $PARTS " in
	*" $1 "*) return 0 ;;
	esac
	return 1
}

T=$(mktemp -d "${TMPDIR:-/tmp}/pake-bench.XXXXXX")
trap 'rm -rf "$T"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
SUMMARY=$T/summary	# search lines, then import, writers, tenants, http, wal

# The same setup on every machine: no configuration file, the default
# tenant as the local owner, tool logs of warnings and errors only.
export PAKE_CONFIG=/dev/null PAKE_LOG_LEVEL=warn PAKE_LOG_FORMAT=text
unset PAKE_TENANT PAKE_TOKEN PAKE_TENANTS_DIR

# freekb: the kilobytes free in $T.
freekb() {
	df -Pk "$T" | awk 'NR == 2 { print $4 }'
}

# check_db: `pake-db check` of $PAKE_DB; prints "clean" or "NOT CLEAN" (and
# then the first lines of the report on stderr).
check_db() {
	if "$B/bin/pake-db" check >"$T/check.out" 2>&1; then
		echo clean
	else
		echo "NOT CLEAN"
		head -n 20 "$T/check.out" >&2
	fi
}

# ref_build NAME COMMIT: bench/NAME.c linked against the library of
# COMMIT (built from git in a temporary worktree) as $T/NAME-ref.
ref_build() {
	_ok=1
	if git -C "$ROOT" worktree add -q --detach "$T/ref-$1" "$2" 2>/dev/null &&
	    make -s -C "$T/ref-$1" BUILD="$T/ref-$1/build" "$T/ref-$1/build/libpake.a" >/dev/null 2>&1 &&
	    ${CC:-cc} $(printf '%s' "$CF" | sed "s|-I$ROOT/include|-I$T/ref-$1/include|") \
	    -o "$T/$1-ref" "$ROOT/bench/$1.c" "$T/ref-$1/build/libpake.a" $LIBS; then
		_ok=0
	fi
	git -C "$ROOT" worktree remove --force "$T/ref-$1" 2>/dev/null || true
	return $_ok
}

echo "== building benchmark programs into $B/bench"
mkdir -p "$B/bench"
PKGS="sqlite3 libcjson yaml-0.1 libsystemd libsodium libcmark"
CF="-std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -I$ROOT/include $(pkg-config --cflags $PKGS)"
LIBS="$(pkg-config --libs $PKGS) -lm"
${CC:-cc} $CF -o "$B/bench/corpus" "$ROOT/bench/corpus.c" -lm
for p in search write; do
	${CC:-cc} $CF -o "$B/bench/$p" "$ROOT/bench/$p.c" "$B/libpake.a" $LIBS
done
echo "cc: $(${CC:-cc} --version | head -n 1)"
echo "sqlite: $(pkg-config --modversion sqlite3); cpus: $(getconf _NPROCESSORS_ONLN 2>/dev/null || echo '?')"
echo "parts: $PARTS; load average: $(cut -d ' ' -f 1-3 /proc/loadavg 2>/dev/null || echo '?')"

for f in summary summary.import summary.writers summary.tenants summary.http summary.wal \
    summary.versions summary.watch summary.graph summary.memory \
    summary.vectors summary.quality summary.research summary.dashboard \
    summary.analytics; do
	: >"$T/$f"
done
status=0
"$B/bench/corpus" --queries $NQ --seed 2 >"$T/queries" 2>/dev/null

# search_line OUT: the summary's words for a search run's output.
search_line() {
	echo "p50 $(ms "$(val "$1" p50_ms)") ms p90 $(ms "$(val "$1" p90_ms)") ms p99 $(ms "$(val "$1" p99_ms)") ms max $(ms "$(val "$1" max_ms)") ms, mean hits $(val "$1" mean_hits)"
}

# import_dir DIR [TENANT]: import DIR with pake-vault (into TENANT), print the
# time and rate; sets RATE and SECS.
import_dir() {
	_n=$(find "$1" -name '*.md' | wc -l)
	t0=$(now)
	PAKE_TENANT=${2:-default} "$B/bin/pake-vault" import "$1" </dev/null 2>"$1.log" || status=$?
	t1=$(now)
	SECS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
	RATE=$(awk -v a="$t0" -v b="$t1" -v n="$_n" 'BEGIN { printf "%.0f", n / (b - a) }')
	echo "import${2:+ into $2}: $SECS s, $(commas "$RATE") notes/s"
	if [ -s "$1.log" ]; then
		echo "import log (first lines):"
		head -n 5 "$1.log"
	fi
}

# make_corpus SEED COUNT DIR: generate a corpus and say how long it took.
make_corpus() {
	t0=$(now)
	"$B/bench/corpus" --seed "$1" --count "$2" "$3" 2>"$3.corpus.log"
	t1=$(now)
	echo "$(cat "$3.corpus.log"); $(du -sh "$3" | cut -f 1) on disk, $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s wall"
}

# ---------------------------------------------------------------------
# search, import

if has search || has import; then
	for SIZE in $SIZES; do
		L=$(label "$SIZE")
		echo
		echo "== $L notes"
		if [ "$SIZE" -gt 10000 ]; then
			free=$(freekb)
			if [ "$free" -lt "$MINFREE_KB" ]; then
				echo "skipped: $((free / 1024)) MB free in $T, need 5 GB"
				! has search || echo "search $L notes: skipped (less than 5 GB free)" >>"$SUMMARY"
				echo "import $L: skipped (less than 5 GB free)" >>"$T/summary.import"
				continue
			fi
		fi
		D=$T/$SIZE
		mkdir -p "$D"
		export PAKE_DB="$D/pake.db" PAKE_VAULT="$D/vault"
		"$B/bin/pake-db" init >/dev/null

		make_corpus 1 "$SIZE" "$D/corpus"
		import_dir "$D/corpus"

		"$B/bin/pake-db" stats
		echo "vault: $(du -sh "$D/vault" | cut -f 1), db+wal: $(du -ch "$D"/pake.db* | tail -n 1 | cut -f 1)"

		if has search; then
			out=$("$B/bench/search" "$T/queries") || status=$?
			echo "search: $out"
			echo "search $L notes: $(search_line "$out") ($NQ queries, two words + type filter, top 10)" >>"$SUMMARY"
		fi
		echo "import $L: $(commas "$RATE") notes/s ($SECS s)" >>"$T/summary.import"
	done
fi

# ---------------------------------------------------------------------
# writers

# writers NAME [write flags]: bench/write on a fresh database $T/NAME, then
# pake-db check; sets OUT (write's line) and CHECK.
writers() {
	_d=$T/$1
	shift
	mkdir -p "$_d"
	export PAKE_DB="$_d/pake.db" PAKE_VAULT="$_d/vault"
	"$B/bin/pake-db" init >/dev/null
	OUT=$("$B/bench/write" -w "$WRITERS" -n "$WRITES" "$@") || status=1
	echo "write: $OUT"
	CHECK=$(check_db)
	echo "pake-db check: $CHECK"
	[ "$CHECK" = clean ] || status=1
}

# wline: the summary's words for the last writers run.
wline() {
	echo "$(commas "$(val "$OUT" writes_per_s)") writes/s, p50 $(ms "$(val "$OUT" p50_ms)") ms p99 $(ms "$(val "$OUT" p99_ms)") ms max $(ms "$(val "$OUT" max_ms)") ms, lost $(val "$OUT" lost), errors $(val "$OUT" errors), failed processes $(val "$OUT" failed_children), db check $CHECK"
}

if has writers; then
	echo
	echo "== writers: $WRITERS processes x $WRITES notes"
	writers writers
	echo "writers ${WRITERS}x$WRITES: p50 $(ms "$(val "$OUT" p50_ms)") ms p99 $(ms "$(val "$OUT" p99_ms)") ms max $(ms "$(val "$OUT" max_ms)") ms, $(commas "$(val "$OUT" writes_per_s)") writes/s, lost $(val "$OUT" lost), errors $(val "$OUT" errors), failed processes $(val "$OUT" failed_children), db check $CHECK" >>"$T/summary.writers"

	echo
	echo "== writers over tenants: $WRITERS processes x $WRITES notes in $WTENANTS tenants, then in 1"
	writers writers-t$WTENANTS -t "$WTENANTS"
	spread=$(val "$OUT" writes_per_s)
	spread_line=$(wline)
	writers writers-t1 -t 1
	one=$(val "$OUT" writes_per_s)
	r=$(ratio "$spread" "$one")
	verdict=$(awk -v r="$r" 'BEGIN { print (r != "n/a" && r >= 3) ? "met" : "NOT met" }')
	echo "ratio: ${r}x"
	{
		echo "writers ${WRITERS}x$WRITES over $WTENANTS tenants: $spread_line"
		echo "writers ${WRITERS}x$WRITES in 1 tenant:  $(wline)"
		echo "writers over tenants: ${r}x the writes/s of one tenant (goal >= 3x: $verdict)"
	} >>"$T/summary.writers"
fi

# ---------------------------------------------------------------------
# tenants

if has tenants; then
	TL=$(label "$TNOTES")
	echo
	echo "== tenants: search in a tenant of $TL notes, alone and beside $((NTENANTS - 1)) more"
	need=$((NTENANTS * TNOTES * 50))
	free=$(freekb)
	if [ "$free" -lt "$need" ]; then
		echo "skipped: $((free / 1024)) MB free in $T, need $((need / 1024)) MB"
		echo "tenants: skipped ($((free / 1024)) MB free, need $((need / 1024)) MB)" >>"$T/summary.tenants"
	else
		D=$T/tenants
		mkdir -p "$D"
		export PAKE_DB="$D/pake.db" PAKE_VAULT="$D/vault" PAKE_TENANTS_DIR="$D/tenants"
		"$B/bin/pake-db" init >/dev/null
		i=0
		alone="" after=""
		while [ "$i" -lt "$NTENANTS" ]; do
			echo "-- tenant t$i: $TL notes, corpus seed $((i + 1))"
			make_corpus $((i + 1)) "$TNOTES" "$D/c$i"
			"$B/bin/pake-tenant" tenant create "t$i" >/dev/null
			import_dir "$D/c$i" "t$i"
			if [ "$i" -eq 0 ]; then
				alone=$("$B/bench/search" --tenant t0 "$T/queries") || status=$?
				echo "search t0 alone: $alone"
			fi
			i=$((i + 1))
		done
		"$B/bin/pake-db" stats
		echo "tenant vaults: $(du -sh "$D/tenants" | cut -f 1), db+wal: $(du -ch "$D"/pake.db* | tail -n 1 | cut -f 1)"
		after=$("$B/bench/search" --tenant t0 "$T/queries") || status=$?
		echo "search t0 beside $((NTENANTS - 1)) tenants: $after"
		CHECK=$(check_db)
		echo "pake-db check: $CHECK"
		[ "$CHECK" = clean ] || status=1
		a=$(val "$alone" p50_ms)
		b=$(val "$after" p50_ms)
		r=$(ratio "$b" "$a")
		verdict=$(awk -v r="$r" 'BEGIN { print (r != "n/a" && r <= 1.10) ? "met" : "NOT met" }')
		{
			echo "tenants: search in t0 ($TL notes) alone: $(search_line "$alone")"
			echo "tenants: search in t0 beside $((NTENANTS - 1)) tenants of $TL ($(commas $((NTENANTS * TNOTES))) notes in the db): $(search_line "$after")"
			echo "tenants: p50 $(ms "$b") ms / $(ms "$a") ms = ${r}x (goal within 10 %, <= 1.10x: $verdict), db check $CHECK"
		} >>"$T/summary.tenants"
	fi
	unset PAKE_TENANTS_DIR
fi

# ---------------------------------------------------------------------
# http, wal

if has http || has wal; then
	echo
	echo "== dependencies of http and wal (bench/deps.sh)"
	sh "$ROOT/bench/deps.sh" || echo "deps.sh failed: status $?"
fi
if has http; then
	echo
	BENCH_TMP=$T/http BENCH_SUMMARY=$T/summary.http sh "$ROOT/bench/http.sh" "$B" ||
	    { echo "http.sh: status $?"; status=1; }
	[ -s "$T/summary.http" ] || echo "http: did not finish (see above)" >>"$T/summary.http"
fi
if has wal; then
	echo
	BENCH_TMP=$T/wal BENCH_SUMMARY=$T/summary.wal sh "$ROOT/bench/wal.sh" "$B" ||
	    { echo "wal.sh: status $?"; status=1; }
	[ -s "$T/summary.wal" ] || echo "wal: did not finish (see above)" >>"$T/summary.wal"
fi

if has versions; then
	echo
	echo "== versions: the cost of keeping every version"
	REF=${BENCH_VERSIONS_REF:-001b68f}
	VN=${BENCH_VERSION_NOTES:-200}
	VE=${BENCH_VERSION_EDITS:-10}
	${CC:-cc} $CF -o "$B/bench/versions" "$ROOT/bench/versions.c" "$B/libpake.a" $LIBS
	vref=""
	if ref_build versions "$REF"; then
		vref=$T/versions-ref
	else
		echo "versions: no reference build of $REF"
	fi
	vrun() {	# vrun PROGRAM NAME: a run on a fresh database; prints its line
		_d=$T/vdb-$2
		mkdir -p "$_d"
		PAKE_DB="$_d/pake.db" PAKE_VAULT="$_d/vault" "$B/bin/pake-db" init >/dev/null
		PAKE_DB="$_d/pake.db" PAKE_VAULT="$_d/vault" "$1" -n "$VN" -e "$VE"
	}
	kv() { printf '%s\n' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }
	VON=$(vrun "$B/bench/versions" on) || status=1
	echo "versions kept: $VON"
	if [ -n "$vref" ]; then
		VOFF=$(vrun "$vref" ref) || status=1
		echo "reference $REF (no versions): $VOFF"
		awk -v a="$(kv "$VON" edits_per_s)" -v b="$(kv "$VOFF" edits_per_s)" \
		    -v sa="$(kv "$VON" store_bytes)" -v sb="$(kv "$VOFF" store_bytes)" \
		    -v sp="$(kv "$VON" pruned_store_bytes)" -v pe="$(kv "$VON" pruned_edits_per_s)" \
		    -v p50a="$(kv "$VON" edit_p50_ms)" -v p50b="$(kv "$VOFF" edit_p50_ms)" \
		    -v n="$VN" -v e="$VE" 'BEGIN {
			printf "versions, %d notes x %d edits (one process, update_note): %d edits/s (p50 %.2f ms) with every version against %d (p50 %.2f ms) without versions (%s): %.2fx; after pruning to 1 version: %d edits/s\n", n, e, a, p50a, b, p50b, "'"$REF"'", a / b, pe
			printf "versions, store size: %.1f MB with %d versions a note, %.1f MB pruned to 1 and vacuumed (%.2fx), %.1f MB without versions (%.2fx)\n", sa / 1048576, e + 1, sp / 1048576, sa / sp, sb / 1048576, sa / sb
		}' >>"$T/summary.versions"
	else
		echo "versions: $VON" >>"$T/summary.versions"
	fi
fi

if has graph; then
	echo
	echo "== graph: link indexing on every write, neighbours and paths in a large vault"
	GREF=${BENCH_GRAPH_REF:-8c2890c}
	GN=${BENCH_GRAPH_NOTES:-100000}
	${CC:-cc} $CF -o "$B/bench/graph" "$ROOT/bench/graph.c" "$B/libpake.a" $LIBS
	grun() {	# grun PROGRAM NAME: a run on a fresh database; prints its line
		_d=$T/gdb-$2
		mkdir -p "$_d"
		PAKE_DB="$_d/pake.db" PAKE_VAULT="$_d/vault" "$B/bin/pake-db" init >/dev/null
		PAKE_DB="$_d/pake.db" PAKE_VAULT="$_d/vault" "$1" -n "$GN"
		PAKE_DB="$_d/pake.db" PAKE_VAULT="$_d/vault" "$B/bin/pake-db" check >"$_d/check" 2>&1 ||
		    { echo "graph: NOT CLEAN" >&2; head -5 "$_d/check" >&2; }
		rm -rf "$_d"
	}
	kv() { printf '%s\n' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }
	GON=$(grun "$B/bench/graph" on) || status=1
	echo "graph: $GON"
	GOFF=""
	if ref_build graph "$GREF"; then
		GOFF=$(grun "$T/graph-ref" ref) || status=1
		echo "reference $GREF (no graph): $GOFF"
	else
		echo "graph: no reference build of $GREF"
	fi
	awk -v n="$GN" -v a="$(kv "$GON" creates_per_s)" -v b="$(kv "$GOFF" creates_per_s)" \
	    -v p50="$(kv "$GON" neighbors_p50_ms)" -v p99="$(kv "$GON" neighbors_p99_ms)" \
	    -v nn="$(kv "$GON" neighbors_nodes)" -v q50="$(kv "$GON" path_p50_ms)" \
	    -v q99="$(kv "$GON" path_p99_ms)" 'BEGIN {
		printf "graph, %d notes of 4 links each: neighbours at depth 2 p50 %.2f ms, p99 %.2f ms (%d nodes an answer); path (up to 4 hops) p50 %.2f ms, p99 %.2f ms\n", n, p50, p99, nn, q50, q99
		if (b > 0) printf "graph, creates with link indexing: %d notes/s against %d without the graph ('"$GREF"'): %.2fx\n", a, b, a / b
	}' >>"$T/summary.graph"
fi

if has memory; then
	echo
	echo "== memory: pake-mcp against @modelcontextprotocol/server-memory (bench/memory.mjs)"
	SM=$ROOT/tests/mcp/node_modules/@modelcontextprotocol/server-memory/dist/index.js
	[ -f "$SM" ] || npm ci --prefix "$ROOT/tests/mcp" --no-audit --no-fund >/dev/null 2>&1 || true
	if [ -f "$SM" ] && command -v node >/dev/null 2>&1; then
		for n in ${BENCH_MEMORY_SIZES:-1000 10000}; do
			_d=$T/mem-$n
			mkdir -p "$_d"
			PAKE_DB="$_d/pake.db" PAKE_VAULT="$_d/vault" "$B/bin/pake-db" init >/dev/null
			MON=$(PAKE_DB="$_d/pake.db" PAKE_VAULT="$_d/vault" node "$ROOT/bench/memory.mjs" \
			    --label pake-mcp --n "$n" -- "$B/bin/pake-mcp") || status=1
			MOFF=$(MEMORY_FILE_PATH="$_d/memory.jsonl" node "$ROOT/bench/memory.mjs" \
			    --label server-memory --n "$n" -- node "$SM") || status=1
			echo "$MON"
			echo "$MOFF"
			printf '%s\n%s\n' "$MON" "$MOFF" | jq -rs '.[0] as $p | .[1] as $m |
			    "memory, \($p.n) entities x 2 relations: create \($p.create_ms|floor) ms vs \($m.create_ms|floor) ms (\($m.create_ms/$p.create_ms*10|floor/10)x), relations \($p.relations_ms|floor) vs \($m.relations_ms|floor) ms (\($m.relations_ms/$p.relations_ms*10|floor/10)x); p50 search_nodes \($p.search_p50_ms) vs \($m.search_p50_ms) ms (\($m.search_p50_ms/$p.search_p50_ms*10|floor/10)x), open_nodes \($p.open_p50_ms) vs \($m.open_p50_ms) ms (\($m.open_p50_ms/$p.open_p50_ms*10|floor/10)x), read_graph \($p.read_p50_ms) vs \($m.read_p50_ms) ms (\($m.read_p50_ms/$p.read_p50_ms*10|floor/10)x); lost writes \($p.lost) vs \($m.lost)"' \
			    >>"$T/summary.memory" || status=1
			rm -rf "$_d"
		done
	else
		echo "memory: node or server-memory missing (npm ci --prefix tests/mcp)" | tee -a "$T/summary.memory"
	fi
fi

if has vectors; then
	echo
	echo "== vectors: the LSA fit, fold-in, related notes and hybrid search"
	${CC:-cc} $CF -o "$B/bench/vectors" "$ROOT/bench/vectors.c" "$B/libpake.a" $LIBS
	for n in ${BENCH_VECTOR_SIZES:-10000 100000}; do
		_d=$T/vec-$n
		mkdir -p "$_d"
		PAKE_DB="$_d/pake.db" PAKE_VAULT="$_d/vault" "$B/bin/pake-db" init >/dev/null
		if VOUT=$(PAKE_DB="$_d/pake.db" PAKE_VAULT="$_d/vault" "$B/bench/vectors" -n "$n"); then
			echo "$VOUT"
			printf '%s\n' "$VOUT" | tr ' ' '\n' | awk -F= '{ v[$1] = $2 } END {
				printf "vectors, %d notes: refit %.1f s; update_note p50 %.2f ms before a fit, %.2f ms with fold-in; related p50 %.2f ms, p99 %.2f ms (precision@5 on the synthetic topics %.2f); hybrid search p50 %.2f ms, p99 %.2f ms against text %.2f / %.2f ms\n", v["notes"], v["refit_s"], v["edit_p50_ms"], v["edit_fold_p50_ms"], v["related_p50_ms"], v["related_p99_ms"], v["related_precision5"], v["hybrid_p50_ms"], v["hybrid_p99_ms"], v["text_p50_ms"], v["text_p99_ms"] }' >>"$T/summary.vectors"
		else
			echo "vectors: $n notes failed" | tee -a "$T/summary.vectors"
			status=1
		fi
		rm -rf "$_d"
	done
fi

if has research; then
	echo
	echo "== research: parsing arXiv and PubMed answers; /quick from a warm cache"
	${CC:-cc} $CF -o "$B/bench/research" "$ROOT/bench/research.c" "$B/libpake.a" $LIBS
	_d=$T/research
	mkdir -p "$_d"
	"$B/bench/research" gen "$_d"
	ROUT=$("$B/bench/research" parse "$_d" -r 200) || status=1
	REF=$(python3 "$ROOT/bench/research_ref.py" "$_d" 50) || status=1
	echo "$ROUT $REF" | tr '\n' ' '; echo
	printf '[{"path":"/api/query","file":"%s/arxiv.xml","type":"application/atom+xml"},{"path":"/eutils/esearch.fcgi","file":"%s/esearch.xml"},{"path":"/eutils/efetch.fcgi","file":"%s/pubmed.xml"}]\n' "$_d" "$_d" "$_d" >"$_d/routes.json"
	python3 "$ROOT/tests/fixtures/doc_server.py" "$_d/port" "$_d/log" "$_d/routes.json" &
	_srv=$!
	while [ ! -s "$_d/port" ]; do sleep 0.05; done
	printf '[fetch]\nallow_private = yes\n[research]\narxiv_url = http://127.0.0.1:%s/api/query\npubmed_url = http://127.0.0.1:%s/eutils\n' \
	    "$(cat "$_d/port")" "$(cat "$_d/port")" >"$_d/pake.conf"
	export PAKE_CONFIG="$_d/pake.conf" PAKE_DB="$_d/pake.db" PAKE_VAULT="$_d/vault"
	"$B/bin/pake-db" init >/dev/null
	"$B/bin/pake-ingest" arxiv sparse attention --max 100 --save >/dev/null 2>&1
	QOUT=$("$B/bench/research" quick -q 200) || status=1
	unset PAKE_CONFIG PAKE_DB PAKE_VAULT
	kill "$_srv" 2>/dev/null
	echo "$QOUT"
	printf '%s %s %s\n' "$ROUT" "$REF" "$QOUT" | tr ' \n' '\n\n' | awk -F= 'NF == 2 { v[$1] = $2 } END {
		printf "research: arXiv Atom %d items/s (%.1f MB/s) against ElementTree %d items/s (%.1fx); PubMed XML %d items/s (%.1f MB/s) against %d (%.1fx); /quick (arxiv + pubmed, warm cache, %d items) p50 %.2f ms, p99 %.2f ms; the vault alone p50 %.2f ms\n", v["arxiv_items_per_s"], v["arxiv_mb_per_s"], v["ref_arxiv_items_per_s"], v["arxiv_items_per_s"] / v["ref_arxiv_items_per_s"], v["pubmed_items_per_s"], v["pubmed_mb_per_s"], v["ref_pubmed_items_per_s"], v["pubmed_items_per_s"] / v["ref_pubmed_items_per_s"], v["quick_items"], v["quick_p50_ms"], v["quick_p99_ms"], v["vault_p50_ms"] }' >>"$T/summary.research"
	rm -rf "$_d"
fi

if has quality; then
	echo
	echo "== quality: related notes and clusters on Debian descriptions (LSA, TF-IDF, random)"
	${CC:-cc} $CF -o "$B/bench/quality" "$ROOT/bench/quality.c" "$B/libpake.a" $LIBS
	QDATA=$B/bench/quality-debian.tsv
	if [ ! -s "$QDATA" ] && ! sh "$ROOT/bench/quality-data.sh" "$QDATA" 2>"$T/quality-data.err"; then
		echo "quality: skipped: no data ($(tail -n 3 "$T/quality-data.err" | tr '\n' ' '))" | tee -a "$T/summary.quality"
	else
		echo "data: $QDATA, $(wc -l <"$QDATA") descriptions; by section: $(cut -f 1 "$QDATA" | uniq -c | awk '{ printf "%s%s %s", (NR > 1 ? ", " : ""), $2, $1 }')"
		_d=$T/quality
		mkdir -p "$_d"
		PAKE_DB="$_d/pake.db" PAKE_VAULT="$_d/vault" "$B/bin/pake-db" init >/dev/null
		if QOUT=$(PAKE_DB="$_d/pake.db" PAKE_VAULT="$_d/vault" "$B/bench/quality" -f "$QDATA" \
		    -d "${BENCH_QUALITY_DIMS:-128,64,256}"); then
			echo "$QOUT"
			printf '%s\n' "$QOUT" | tr ' ' '\n' | awk -F= '{ v[$1] = $2; if ($1 ~ /^lsa_p5_d/) ord[++no] = $1 } END {
				extra = ""
				for (i = 1; i <= no; i++) {
					k = ord[i]
					d = substr(k, 8)
					extra = extra sprintf("; at %s dims: precision@5 %.3f, purity %.3f", substr(d, 2), v[k], v["lsa_purity_" d])
				}
				printf "quality, %d Debian descriptions in %d sections: precision@5 LSA (%d dims) %.3f, TF-IDF %.3f, random %.3f (expected %.3f); cluster purity LSA %.3f, TF-IDF %.3f, random %.3f (NMI %.3f, %.3f, %.3f); refit %.2f s, related p50 %.2f ms, TF-IDF query %.3f ms%s\n", v["notes"], v["categories"], v["lsa_dims"], v["lsa_p5"], v["tfidf_p5"], v["random_p5"], v["random_p5_expected"], v["lsa_purity"], v["tfidf_purity"], v["random_purity"], v["lsa_nmi"], v["tfidf_nmi"], v["random_nmi"], v["refit_s"], v["related_p50_ms"], v["tfidf_query_ms"], extra }' >>"$T/summary.quality"
		else
			echo "quality: failed" | tee -a "$T/summary.quality"
			status=1
		fi
		rm -rf "$_d"
	fi
fi

if has watch; then
	echo
	echo "== watch: from a save in the vault to a searchable note"
	_d=$T/watch
	mkdir -p "$_d"
	if WOUT=$(PAKE_DB="$_d/pake.db" PAKE_VAULT="$_d/vault" sh -c \
	    '"$1/bin/pake-db" init >/dev/null && python3 "$2/bench/watch.py" "$1"' _ "$B" "$ROOT"); then
		echo "$WOUT"
	else
		echo "$WOUT"
		status=1
	fi
	echo "$WOUT" >>"$T/summary.watch"
fi

if has dashboard; then
	echo
	echo "== dashboard: the web dashboard in Chromium (bench/dashboard.mjs)"
	DN=${BENCH_DASH_NOTES:-2000}
	BD=$ROOT/tests/browser
	if ! [ -d "$BD/node_modules/playwright-core" ] && command -v npm >/dev/null 2>&1; then
		npm ci --prefix "$BD" --no-audit --no-fund >"$T/npm.log" 2>&1 </dev/null || true
	fi
	if ! [ -d "$BD/node_modules/playwright-core" ] || ! [ -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
		echo "dashboard: skipped: needs npm (npm ci --prefix tests/browser) and Chromium" |
		    tee -a "$T/summary.dashboard"
	else
		_d=$T/dash
		mkdir -p "$_d/md"
		# The notes: a tree of ten children a note, and a link across.
		awk -v n="$DN" -v d="$_d" 'BEGIN { for (i = 1; i < n; i++) {
			f = sprintf("%s/md/node-%d.md", d, i)
			printf "Child of [[Node %d]], see also [[Node %d]].\n\ntopic%d words of note %d.\n",
			    int((i - 1) / 10), (i * 7 + 3) % n, i % 50, i > f
			close(f) } }'
		(
			: >"$T/servers"
			trap 'servers_stop' EXIT
			export PAKE_DB=$_d/pake.db PAKE_VAULT=$_d/vault
			"$B/bin/pake-db" init >/dev/null
			for f in "$_d"/md/node-*.md; do
				_i=${f##*/node-}
				_i=${_i%.md}
				printf -- '---\ntitle: Node %s\n---\n' "$_i" | cat - "$f" >"$f.tmp" && mv "$f.tmp" "$f"
			done
			HUB=$(printf 'The root. topic0 words.' | "$B/bin/pake-note" add --title 'Node 0')
			"$B/bin/pake-vault" import "$_d/md" >/dev/null 2>"$_d/import.log"
			raise_limits default
			printf '%s\n' 'Bench-Passw0rd-Seven-7' |
			    "$B/bin/pake-tenant" user add --role user dash >/dev/null
			serve no "$_d/http.log"
			NG=
			if command -v nginx >/dev/null 2>&1; then
				mkdir -p "$_d/www/dashboard/assets"
				for f in index.html app.js app.css cytoscape.min.js chart.umd.min.js; do
					cp "$B/gen/dash/$f" "$_d/www/dashboard/assets/$f"
				done
				cp "$B/gen/dash/index.html" "$_d/www/dashboard/index.html"
				nginx_start "$_d/www" && NG=$NGINX_URL
			fi
			WORDS=$(awk 'BEGIN { for (i = 0; i < 50; i++) printf "topic%d ", (i * 7) % 50 }')
			BASE=$URL USER=dash PW=Bench-Passw0rd-Seven-7 QUERY=topic1 WORDS=$WORDS \
			    HUB=$HUB NGINX_URL=$NG node "$ROOT/bench/dashboard.mjs" >"$_d/out.json"
		) || status=1
		if [ -s "$_d/out.json" ]; then
			cat "$_d/out.json"
			jq -r --arg n "$DN" '
			    "dashboard (\(.chromium)): first load \(.first_load.total_bytes) bytes on the wire in \(.first_load.requests) requests (page files \(.first_load.page_bytes) bytes), sign-in form ready \(.first_load.ready_ms) ms, first search result \(.first_load.first_result_ms) ms after navigation (median of \(.first_load.runs))",
			    (if .page_only then "dashboard: the page alone, first load: pake-http \(.page_only.pake.bytes) bytes, \(.page_only.pake.ready_ms) ms; nginx (no gzip) \(.page_only.nginx.bytes) bytes, \(.page_only.nginx.ready_ms) ms" else "dashboard: no nginx reference (nginx is not installed)" end),
			    "dashboard: search round trip from the page over \(.search.n) words: p50 \(.search.p50_ms*10|floor/10) ms, p90 \(.search.p90_ms*10|floor/10) ms, max \(.search.max_ms*10|floor/10) ms",
			    "dashboard: graph of \(.graph.nodes) nodes, \(.graph.edges) edges drawn in \(.graph.drawn_ms) ms; frame time during drag and zoom over \(.graph.frames) frames: p50 \(.graph.frame_p50_ms*10|floor/10) ms, p95 \(.graph.frame_p95_ms*10|floor/10) ms, worst \(.graph.frame_max_ms*10|floor/10) ms"' \
			    "$_d/out.json" >>"$T/summary.dashboard" || status=1
			cat "$T/summary.dashboard"
		else
			echo "dashboard: FAILED (see above)" | tee -a "$T/summary.dashboard"
			status=1
		fi
	fi
fi

if has analytics; then
	echo
	echo "== analytics: folding a month of searches, and each answer over it"
	${CC:-cc} $CF -o "$B/bench/analytics" "$ROOT/bench/analytics.c" "$B/libpake.a" $LIBS
	_d=$T/analytics
	mkdir -p "$_d"
	PAKE_DB="$_d/pake.db" PAKE_VAULT="$_d/vault" "$B/bin/pake-db" init >/dev/null
	if AOUT=$(PAKE_DB="$_d/pake.db" PAKE_VAULT="$_d/vault" "$B/bench/analytics" -n "${BENCH_ANALYTICS_SEARCHES:-100000}"); then
		echo "$AOUT"
		printf '%s\n' "$AOUT" | awk -F= '{ v[$1] = $2 } END {
			printf "analytics, %d searches over 30 days: fold %.0f lines/s; p50 ml_metrics %.1f ms, ml_dashboard %.1f ms, analytics dashboard 24h %.1f ms, 30d %.1f ms, series 30d hourly %.1f ms, usage 30d %.1f ms, anomalies %.1f ms; reference search_notes p50 %.2f ms\n", v["searches"], v["fold_lines_per_s"], v["ml_metrics_p50_ms"], v["ml_dashboard_p50_ms"], v["dashboard_24h_p50_ms"], v["dashboard_30d_p50_ms"], v["series_30d_hour_p50_ms"], v["usage_30d_p50_ms"], v["anomalies_24h_p50_ms"], v["search_notes_p50_ms"] }' >>"$T/summary.analytics"
	else
		echo "analytics: failed" | tee -a "$T/summary.analytics"
		status=1
	fi
	rm -rf "$_d"
fi

echo
echo "== summary (load average now: $(cut -d ' ' -f 1-3 /proc/loadavg 2>/dev/null || echo '?'))"
cat "$SUMMARY" "$T/summary.import" "$T/summary.writers" "$T/summary.tenants" \
    "$T/summary.http" "$T/summary.wal" "$T/summary.versions" "$T/summary.watch" \
    "$T/summary.graph" "$T/summary.memory" "$T/summary.vectors" \
    "$T/summary.quality" "$T/summary.research" "$T/summary.dashboard" \
    "$T/summary.analytics"
[ "$status" -eq 0 ]
