#!/usr/bin/env bats
# fuzz.bats: the libFuzzer targets of tests/fuzz/ (make fuzz-build, in
# build-fuzz/ beside the normal build) each run a few seconds from their
# seed corpus.  A crash, a sanitizer report or a failed check of a target
# fails the test; the input that did it is kept in the test's directory
# and named in the output.  The long runs are make fuzz.

bats_require_minimum_version 1.5.0
load helpers

FUZZ_SECS=${FUZZ_SECS:-8}

setup_file() {
	make -C "$REPO_DIR" -s fuzz-build >"$BATS_FILE_TMPDIR/build.log" 2>&1 ||
	    { cat "$BATS_FILE_TMPDIR/build.log" >&2; return 1; }
}

# run_target NAME: NAME's target for FUZZ_SECS seconds on a copy of its
# seeds, with its dictionary when it has one.
run_target() {
	local name=$1 bin="$REPO_DIR/build-fuzz/fuzz/fuzz_$1" dict
	local dir="$BATS_TEST_TMPDIR/fz" rc=0
	[ -x "$bin" ] || fail "$bin is not built"
	mkdir -p "$dir/corpus" "$dir/crashes"
	cp "$TESTS_DIR/fuzz/corpus/$name"/* "$dir/corpus/"
	dict="$TESTS_DIR/fuzz/$name.dict"
	[ "$name" = vault ] && dict="$TESTS_DIR/fuzz/frontmatter.dict"
	[ -f "$dict" ] || dict=
	"$bin" -max_total_time="$FUZZ_SECS" -timeout=10 -print_final_stats=1 \
	    -artifact_prefix="$dir/crashes/" ${dict:+-dict="$dict"} \
	    "$dir/corpus" >"$dir/log" 2>&1 || rc=$?
	if [ "$rc" -ne 0 ]; then
		grep -E 'ERROR|SUMMARY|runtime error|Test unit written|^[a-z]+: ' \
		    "$dir/log" | head -30 >&2
		fail "fuzz_$name exited $rc; inputs in $dir/crashes"
	fi
	grep -q '^stat::number_of_executed_units' "$dir/log" ||
	    fail "fuzz_$name gave no statistics"
}

@test "fuzz: frontmatter parser (parse, render, parse round trip)" {
	run_target frontmatter
}

@test "fuzz: query parser (nothing reaches FTS5 unquoted)" {
	run_target query
}

@test "fuzz: MCP dispatcher, one JSON-RPC message" {
	run_target mcp
}

@test "fuzz: HTTP request path, raw bytes through the parser to the routes" {
	run_target http
}

@test "fuzz: vault file import" {
	run_target vault
}

@test "fuzz: a note's links and observations (the graph's markdown reader)" {
	run_target links
}

@test "fuzz: text (plain text and sentences)" {
	run_target text
}

@test "fuzz: web pages and feeds (HTML, JSON-LD, RSS, Atom)" {
	run_target web
}

@test "fuzz: research XML (arXiv, PubMed ESearch and EFetch parsers)" {
	run_target xml
}
