#!/usr/bin/env bats
# search.bats: pake-search, must-show 3 (hostile query text never errors and
# gives sensible results), filters, query syntax, output forms, pages, ranking.

bats_require_minimum_version 1.5.0
load helpers

setup() {
	pake_setup
	require_tool pake-search
}

# Notes whose text the awkward queries should find.
seed_awkward() {
	CPP=$(add_body "Modern C++ templates" $'Templates in C++ are compile-time code.\n')
	CLANG=$(add_body "Pointers in plain C" $'Plain C has no templates.\n')
	DONT=$(add_body "Things you don't do" $'You don\'t run with scissors.\n')
	PHRASE=$(add_body "Phrase in order" $'This has the exact phrase we want.\n')
	REVERSED=$(add_body "Phrase reversed" $'The phrase is not exact here.\n')
	FOOBAR=$(add_body "Widgets" $'The foo-bar widget rotates.\n')
	BARONLY=$(add_body "Other widgets" $'The bar widget rotates.\n')
	AB=$(add_body "Experiments" $'Read the a/b testing guide.\n')
	NEARAND=$(add_body "Directions" $'Turn NEAR the station AND the park.\n')
	UNI=$(add_body "Ünïcödé notes" $'About ünïcödé text.\n')
	PLAIN=$(add_body "Plain unicode" $'About unicode text without accents.\n')
	ALL=("$CPP" "$CLANG" "$DONT" "$PHRASE" "$REVERSED" "$FOOBAR" "$BARONLY" "$AB" "$NEARAND" "$UNI" "$PLAIN")
}

# search_ids ARGS...: run pake-search --ids, fail unless it exits 0 without
# error text; the ids found are in $output / $lines.
search_ids() {
	run --separate-stderr pake-search --ids "$@"
	[ "$status" -eq 0 ] || fail "pake-search $* exited $status: $stderr"
	assert_no_error_text "$stderr"
	local l
	for l in "${lines[@]}"; do
		[[ "$l" =~ $UUID_RE ]] || fail "not an id line: '$l' (query: $*)"
	done
}

# has ID: the last search found ID.
has() { printf '%s\n' "${lines[@]}" | grep -qx -- "$1" || fail "expected $1 in results of the last search: ${lines[*]}"; }
hasnt() { ! printf '%s\n' "${lines[@]}" | grep -qx -- "$1" || fail "did not expect $1 in results: ${lines[*]}"; }

@test "must-show 3: C++ finds the C++ note" {
	seed_awkward
	search_ids 'C++'
	has "$CPP"
}

@test "must-show 3: don't finds the note with don't" {
	seed_awkward
	search_ids "don't"
	has "$DONT"
	hasnt "$CPP"
}

@test "must-show 3: \"exact phrase\" finds only the note with the words in order" {
	seed_awkward
	search_ids '"exact phrase"'
	assert_output "$PHRASE"
	# Unquoted, both orders match.
	search_ids exact phrase
	has "$PHRASE"
	has "$REVERSED"
}

@test "must-show 3: foo-bar finds foo-bar and is not an exclusion" {
	seed_awkward
	search_ids foo-bar
	has "$FOOBAR"
	hasnt "$BARONLY"
}

@test "must-show 3: a/b finds the a/b note" {
	seed_awkward
	search_ids a/b
	has "$AB"
}

@test "must-show 3: NEAR and AND are words, not operators" {
	seed_awkward
	search_ids NEAR
	assert_output "$NEARAND"
	search_ids AND
	assert_output "$NEARAND"
	search_ids near station
	assert_output "$NEARAND"
	search_ids 'NEAR(station park)'
	assert_no_error_text "$stderr"
}

@test "must-show 3: ünïcödé finds the ünïcödé and the unicode notes" {
	seed_awkward
	search_ids 'ünïcödé'
	has "$UNI"
	has "$PLAIN"
	search_ids unicode
	has "$UNI"
	has "$PLAIN"
}

@test "must-show 3: *, (, the empty string and other syntax give no error" {
	seed_awkward
	for q in '*' '(' ')' '' '"' '""' "'" '-' '--' 'OR' 'NOT' 'AND OR NOT' \
	    '^' ':' 'title:' 'tag:' 'type:' '{a b}' '"unbalanced' 'a AND' \
	    '+' 'C++ OR' '-C++' 'col:umn' '\' '%' '?' '!@#$%^&*()' 'NEAR(' \
	    "$(printf 'tab\there')" '🦘' 'x"y' 'a*b' '*a'; do
		run --separate-stderr pake-search --ids -- "$q"
		[ "$status" -eq 0 ] || fail "query '$q': exit $status, stderr: $stderr"
		assert_no_error_text "$stderr"
		for l in "${lines[@]}"; do
			[[ "$l" =~ $UUID_RE ]] || fail "query '$q': odd line '$l'"
		done
	done
	run --separate-stderr pake-search --json -- '('
	assert_success
	echo "$output" | json_check '.results|type == "array"' >/dev/null
}

@test "must-show 3: a 10,000-character query gives no error" {
	seed_awkward
	long=$(yes 'foo-bar "C++ (a/b) * NEAR AND don'"'"'t ünïcödé' | head -n 400 | tr '\n' ' ')
	long=${long:0:10000}
	assert_equal "${#long}" 10000
	printf '%s' "$long" | iconv -f UTF-8 -t UTF-8 >/dev/null	# valid UTF-8
	run --separate-stderr pake-search --ids -- "$long"
	assert_success
	assert_no_error_text "$stderr"
	one=$(head -c 10000 /dev/zero | tr '\0' 'x')
	run --separate-stderr pake-search --ids -- "$one"
	assert_success
	assert_no_error_text "$stderr"
	assert_output ""
	[[ "$stderr" == *"no notes match"* ]] || fail "stderr: $stderr"
	words=$(yes 'templates' | head -n 1000 | tr '\n' ' ' | head -c 10000)
	run --separate-stderr pake-search --ids -- "$words"
	assert_success
	has "$CPP"
	has "$CLANG"
}

@test "search: no match says so on stderr, exit 0, nothing on stdout" {
	add_body "Something" $'else\n' >/dev/null
	run --separate-stderr pake-search zzzqqqnothing
	assert_success
	assert_output ""
	assert_equal "$stderr" "pake-search: no notes match"
	run --separate-stderr pake-search --json zzzqqqnothing
	assert_success
	echo "$output" | json_check '.results == [] and .count == 0 and (.message|type) == "string"' >/dev/null ||
	    fail "$output"
	run --separate-stderr pake-search zzzqqqnothing --ids
	assert_success
	assert_output ""
}

# Notes for the filter tests: all contain "alpha".
seed_filters() {
	F1=$(add_body "alpha one" $'first body\n' --type InsightNote --tag x --tag y --confidence 0.9)
	F2=$(add_body "alpha two" $'second body\n' --status Verified --tag x --confidence 0.5)
	F3=$(add_body "alpha three" $'third body\n' --type ProjectNote --tag y --tag z --confidence 0.3)
	F4=$(add_body "alpha four" $'fourth body\n' --type InsightNote --status Verified --confidence 0.8)
}

# same_set IDS...: the last search found exactly these ids (any order).
same_set() {
	assert_equal "$(printf '%s\n' "${lines[@]}" | grep . | LC_ALL=C sort)" "$(sorted "$@")"
}

@test "filters: --type, --status, --min-confidence" {
	seed_filters
	search_ids --type InsightNote alpha
	same_set "$F1" "$F4"
	search_ids --status Verified alpha
	same_set "$F2" "$F4"
	search_ids --min-confidence 0.75 alpha
	same_set "$F1" "$F4"
	search_ids --min-confidence 0.8 --type InsightNote --status Verified alpha
	same_set "$F4"
	search_ids --type NoSuchType alpha
	same_set
	run --separate-stderr pake-search --min-confidence 2 alpha
	assert_equal "$status" 64
}

@test "filters: --tag is all of, --any-tag is any of" {
	seed_filters
	search_ids --tag x alpha
	same_set "$F1" "$F2"
	search_ids --tag x --tag y alpha
	same_set "$F1"
	search_ids --any-tag x --any-tag z alpha
	same_set "$F1" "$F2" "$F3"
	search_ids --tag y --any-tag x --any-tag z alpha
	same_set "$F1" "$F3"
}

@test "filters without a query word" {
	seed_filters
	search_ids --type InsightNote
	same_set "$F1" "$F4"
	search_ids --tag z
	same_set "$F3"
}

@test "filters: created and modified ranges" {
	seed_filters
	search_ids --created-after 2000-01-01T00:00:00Z alpha
	same_set "$F1" "$F2" "$F3" "$F4"
	search_ids --created-before 2000-01-01T00:00:00Z alpha
	same_set
	search_ids --modified-after 2999-01-01T00:00:00Z alpha
	same_set
	search_ids --modified-before 2999-01-01T00:00:00Z alpha
	same_set "$F1" "$F2" "$F3" "$F4"
	run --separate-stderr pake-search --created-after yesterday-ish alpha
	[ "$status" -eq 64 ] || [ "$status" -eq 65 ] || fail "bad date: exit $status"
}

@test "syntax: -word excludes, OR, tag:x, type:X, prefix on the last word" {
	seed_filters
	search_ids alpha -two
	same_set "$F1" "$F3" "$F4"
	search_ids one OR two
	same_set "$F1" "$F2"
	search_ids alpha tag:z
	same_set "$F3"
	search_ids tag:x
	same_set "$F1" "$F2"
	search_ids type:ProjectNote alpha
	same_set "$F3"
	search_ids type:InsightNote
	same_set "$F1" "$F4"
	search_ids alp
	same_set "$F1" "$F2" "$F3" "$F4"
	search_ids alpha thr
	same_set "$F3"
	# Only the last word is a prefix.
	search_ids alp three
	same_set
	# Words all must match.
	search_ids alpha second
	same_set "$F2"
}

@test "output: TSV lines id, type, title when not a terminal" {
	seed_filters
	run --separate-stderr pake-search --type InsightNote alpha
	assert_success
	[ "${#lines[@]}" -eq 2 ]
	printf '%s\n' "$output" | LC_ALL=C sort >"$T/got"
	printf '%s\tInsightNote\talpha one\n%s\tInsightNote\talpha four\n' "$F1" "$F4" | LC_ALL=C sort >"$T/want"
	diff -u "$T/want" "$T/got"
}

@test "output: --json shape" {
	seed_filters
	run --separate-stderr pake-search --json --tag x --type InsightNote alpha
	assert_success
	echo "$output" | json_check --arg id "$F1" '
	    (.results|type) == "array" and .count == 1 and (.results|length) == 1 and
	    has("next_cursor") and .next_cursor == null and
	    (.filters_applied|type) == "object" and
	    (.results[0] | .pake_id == $id and .title == "alpha one" and
	        has("file_path","summary","metadata") and
	        .metadata.type == "InsightNote" and .metadata.tags == ["x","y"])' >/dev/null ||
	    fail "$output"
}

@test "pages: --limit 2 and --cursor from next_cursor give the next page, no overlap" {
	local ids=() i
	for i in 1 2 3 4 5; do ids+=("$(add_body "paged $i" $'pagination body\n')"); done
	run --separate-stderr pake-search --json --limit 2 pagination
	assert_success
	p1=$(echo "$output" | jq -r '.results[].pake_id')
	c1=$(echo "$output" | jq -r '.next_cursor')
	assert_equal "$(echo "$output" | jq '.results|length')" 2
	[ -n "$c1" ] && [ "$c1" != null ] || fail "no next_cursor: $output"
	run --separate-stderr pake-search --json --limit 2 --cursor "$c1" pagination
	assert_success
	p2=$(echo "$output" | jq -r '.results[].pake_id')
	c2=$(echo "$output" | jq -r '.next_cursor')
	assert_equal "$(echo "$output" | jq '.results|length')" 2
	[ -n "$c2" ] && [ "$c2" != null ] || fail "no second next_cursor: $output"
	run --separate-stderr pake-search --json --limit 2 --cursor "$c2" pagination
	assert_success
	p3=$(echo "$output" | jq -r '.results[].pake_id')
	assert_equal "$(echo "$output" | jq '.results|length')" 1
	assert_equal "$(echo "$output" | jq -r '.next_cursor')" null
	assert_equal "$(printf '%s\n' $p1 $p2 $p3 | LC_ALL=C sort)" "$(sorted "${ids[@]}")"
	assert_equal "$(printf '%s\n' $p1 $p2 $p3 | sort -u | wc -l)" 5
	# The hint is on stderr for the plain forms.
	run --separate-stderr pake-search --ids --limit 2 pagination
	assert_success
	[ "${#lines[@]}" -eq 2 ]
	[ -n "$stderr" ] || fail "no next-page hint on stderr"
	# Limits outside 1..100 are usage errors.
	run --separate-stderr pake-search --limit 0 pagination
	assert_equal "$status" 64
	run --separate-stderr pake-search --limit 101 pagination
	assert_equal "$status" 64
	run --separate-stderr pake-search --cursor 'not a cursor' pagination
	[ "$status" -eq 64 ] || [ "$status" -eq 65 ] || fail "bad cursor: exit $status"
}

@test "ranking: a word in the title ranks above the word in the body" {
	# Inserted in both orders so insertion order cannot decide.
	b1=$(add_body "Zoo trip" $'We saw a giraffe and more.\n')
	t1=$(add_body "Giraffe facts" $'Tall animals of the savanna.\n')
	t2=$(add_body "Okapi facts" $'Forest animals of the Congo.\n')
	b2=$(add_body "Forest walk" $'We saw an okapi and more.\n')
	search_ids giraffe
	assert_equal "${lines[0]}" "$t1"
	assert_equal "${lines[1]}" "$b1"
	search_ids okapi
	assert_equal "${lines[0]}" "$t2"
	assert_equal "${lines[1]}" "$b2"
}

@test "search sees edits and removals" {
	id=$(add_body "Mutable" $'kiwifruit inside\n')
	search_ids kiwifruit
	assert_output "$id"
	printf 'now mango\n' >"$T/b"
	pake-note edit "$id" --file "$T/b" >/dev/null
	search_ids kiwifruit
	assert_output ""
	search_ids mango
	assert_output "$id"
	pake-note edit "$id" --tag tropical >/dev/null
	search_ids tag:tropical
	assert_output "$id"
	pake-note rm "$id"
	search_ids mango
	assert_output ""
}
