#!/usr/bin/env bats
# cli.bats: the pake dispatcher, --help and usage errors of every tool,
# pake-db init/stats/backup/vacuum, and the man pages.

bats_require_minimum_version 1.5.0
load helpers

TOOLS="pake pake-note pake-search pake-vault pake-graph pake-analyze pake-db"

setup() { pake_setup; }

@test "pake help lists the commands" {
	require_tool pake
	for form in help --help -h; do
		run --separate-stderr pake "$form"
		assert_success
		for c in note search vault db; do
			assert_line --regexp "^ *$c( |$)"
		done
	done
}

@test "pake CMD runs pake-CMD" {
	require_tool pake
	run --separate-stderr pake note add --title "Via pake"
	assert_success
	[[ "$output" =~ $UUID_RE ]] || fail "$output"
	id=$output
	assert_equal "$(pake-note get --json "$id" | jq -r .title)" "Via pake"
	run --separate-stderr pake note get --json "$id"
	assert_success
	diff <(echo "$output") <(pake-note get --json "$id")
	# Exit statuses and standard input pass through.
	run --separate-stderr pake note get "$MISSING_ID"
	assert_equal "$status" 66
	assert_equal "$stderr" "pake-note: Note not found"
	id2=$(printf 'piped body' | pake note add --title Piped)
	assert_equal "$(note_content "$id2")" "piped body"
	run --separate-stderr pake search --ids piped
	assert_success
	assert_output "$id2"
}

@test "pake CMD finds pake-CMD next to pake even when PATH does not have it" {
	require_tool pake
	run --separate-stderr env PATH=/usr/bin:/bin "$PAKE_BUILD/bin/pake" note list
	assert_success
}

@test "pake: unknown command is a usage error (64)" {
	require_tool pake
	run --separate-stderr pake frobnicate
	assert_equal "$status" 64
	[[ "$stderr" == *frobnicate* ]] || fail "$stderr"
	run --separate-stderr pake
	assert_equal "$status" 64
	# Not a way to run arbitrary programs.
	run --separate-stderr pake ../../../bin/true
	assert_equal "$status" 64
	run --separate-stderr pake /bin/true
	assert_equal "$status" 64
}

@test "every tool has --help (exit 0, usage on stdout)" {
	local t
	export PAKE_DB=$T/none/pake.db
	for t in $TOOLS; do
		require_tool "$t"
		run --separate-stderr "$t" --help
		[ "$status" -eq 0 ] || fail "$t --help: exit $status"
		[[ "$output" == *sage* ]] || fail "$t --help: no usage text: $output"
		[ -z "$stderr" ] || fail "$t --help wrote to stderr: $stderr"
		run --separate-stderr "$t" -h
		[ "$status" -eq 0 ] || fail "$t -h: exit $status"
	done
	# --help needs no database and creates none.
	[ ! -e "$PAKE_DB" ]
	# The subcommand form too.
	run --separate-stderr pake-note add --help
	assert_success
	run --separate-stderr pake note --help
	assert_success
	[[ "$output" == *pake-note* ]] || fail "$output"
}

@test "every tool: unknown options give exit 64" {
	require_tool pake-search pake-vault pake-db
	mkdir -p "$T/src"
	local cmds=(
		"pake-note list --bogus"
		"pake-note add --title x --bogus"
		"pake-note frobnicate"
		"pake-search --bogus word"
		"pake-vault --bogus import $T/src"
		"pake-vault import --bogus $T/src"
		"pake-vault frobnicate"
		"pake-vault"
		"pake-db --bogus stats"
		"pake-db stats --bogus"
		"pake-db frobnicate"
		"pake-db"
		"pake-db backup"
		"pake-note --db"
	)
	local c failures=()
	for c in "${cmds[@]}"; do
		run --separate-stderr $c
		[ "$status" -eq 64 ] || failures+=("'$c': exit $status")
		[ -n "$stderr" ] || failures+=("'$c': no message on stderr")
		[ -z "$output" ] || failures+=("'$c': stdout: $output")
	done
	[ "${#failures[@]}" -eq 0 ] || fail "$(printf '%s\n' "${failures[@]}")"
}

@test "pake-db init creates a WAL database and prints its path" {
	require_tool pake-db
	run --separate-stderr pake-db init
	assert_success
	assert_output "$PAKE_DB"
	[ -f "$PAKE_DB" ]
	run sqlite3 "$PAKE_DB" 'PRAGMA journal_mode'
	assert_output wal
	v=$(sqlite3 "$PAKE_DB" 'PRAGMA user_version')
	[ "$v" -ge 1 ] || fail "user_version $v"
	# Again: nothing changes, same answer.
	run --separate-stderr pake-db init
	assert_success
	assert_output "$PAKE_DB"
	assert_equal "$(sqlite3 "$PAKE_DB" 'PRAGMA user_version')" "$v"
}

@test "pake-db stats counts notes and tags" {
	require_tool pake-db
	add_note "S1" --tag a --tag b >/dev/null
	add_note "S2" --tag b --tag c >/dev/null
	add_note "S3" >/dev/null
	run --separate-stderr pake-db stats --json
	assert_success
	echo "$output" | json_check '.notes == 3 and .tags == 3' >/dev/null || fail "$output"
	echo "$output" | json_check '[keys[] | select(test("schema"))] | length > 0' >/dev/null ||
	    fail "no schema version: $output"
	run --separate-stderr pake-db stats
	assert_success
	assert_output --regexp 'notes[^0-9]*3'
}

@test "pake-db backup while a writer is running gives a sound standalone copy" {
	require_tool pake-db
	for i in $(seq 30); do add_body "Before $i" $'backed up\n' >/dev/null; done
	(
		i=0
		while [ ! -e "$T/stop" ] && [ "$i" -lt 2000 ]; do
			i=$((i + 1))
			add_body "During $i" $'written during the backup\n' >/dev/null || exit 1
		done
	) 2>"$T/werr" &
	w=$!
	sleep 0.3
	run --separate-stderr pake-db backup "$T/backup.db"
	brc=$status
	bout=$stderr
	touch "$T/stop"
	wait "$w" || fail "writer failed: $(cat "$T/werr")"
	[ "$brc" -eq 0 ] || fail "backup exit $brc: $bout"
	run sqlite3 "$T/backup.db" 'PRAGMA integrity_check'
	assert_output ok
	# Standalone: no -wal needed beside it, and pake can open it.
	[ ! -s "$T/backup.db-wal" ]
	n=$(PAKE_DB="$T/backup.db" PAKE_VAULT="$T/bvault" pake-db stats --json | jq .notes)
	[ "$n" -ge 30 ] || fail "backup has $n notes"
	[ "$n" -le "$(note_count)" ] || fail "backup has more notes than the database"
	run --separate-stderr env PAKE_DB="$T/backup.db" PAKE_VAULT="$T/bvault" pake-search --ids --limit 100 backed up
	assert_success
	assert_equal "${#lines[@]}" 30
	# The original is sound too.
	run sqlite3 "$PAKE_DB" 'PRAGMA integrity_check'
	assert_output ok
}

@test "pake-db backup into a missing folder fails cleanly" {
	require_tool pake-db
	add_note "x" >/dev/null
	run --separate-stderr pake-db backup "$T/no/such/dir/b.db"
	[ "$status" -ne 0 ] || fail "backup into a missing folder succeeded"
	[ -n "$stderr" ] || fail "no message"
	[ ! -e "$T/no" ] || fail "created $T/no"
	# The database is untouched and still works.
	assert_equal "$(note_count)" 1
}

@test "pake-db vacuum keeps everything and the check stays clean" {
	require_tool pake-db pake-search
	for i in $(seq 20); do add_body "Vac $i" $'vacuum words\n' >/dev/null; done
	for id in $(pake-note list --json --limit 10 | jq -r '.notes[].pake_id'); do pake-note rm "$id"; done
	run --separate-stderr pake-db vacuum
	assert_success
	assert_equal "$(note_count)" 10
	run --separate-stderr pake-search --ids --limit 100 vacuum
	assert_equal "${#lines[@]}" 10
	run sqlite3 "$PAKE_DB" 'PRAGMA integrity_check'
	assert_output ok
	run --separate-stderr pake-db check
	assert_success
}

@test "man pages exist for every tool" {
	local t missing=()
	for t in $TOOLS; do
		[ -f "$REPO_DIR/man/man1/$t.1" ] || missing+=("$t.1")
	done
	[ "${#missing[@]}" -eq 0 ] || fail "missing man pages: ${missing[*]}"
}

@test "man pages render without warnings" {
	command -v man >/dev/null || skip "man is not installed"
	command -v groff >/dev/null || skip "groff is not installed"
	local f out failures=()
	for f in "$REPO_DIR"/man/man1/*.1; do
		out=$(MANWIDTH=80 man --warnings -l "$f" 2>&1 >/dev/null)
		[ -z "$out" ] || failures+=("$(basename "$f"): $out")
		out=$(MANWIDTH=80 man -l "$f" 2>/dev/null)
		[[ "$out" == *NAME* && "$out" == *SYNOPSIS* ]] ||
		    failures+=("$(basename "$f"): no NAME or SYNOPSIS section")
	done
	[ "${#failures[@]}" -eq 0 ] || fail "$(printf '%s\n' "${failures[@]}")"
}
