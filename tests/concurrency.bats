#!/usr/bin/env bats
# concurrency.bats: must-show 2.  Many short-lived processes writing one
# database at once is the normal case: no error reaches a user, no write is
# lost, and the vault agrees with the database afterwards.

bats_require_minimum_version 1.5.0
load helpers

setup() {
	pake_setup
	require_tool pake-db
}

@test "must-show 2: 16 processes x 200 notes at once on a fresh database" {
	local p pids=() rcs=() procs=16 per=200
	# Every process uses the same titles, so the file names collide too.
	for p in $(seq "$procs"); do
		(
			for i in $(seq "$per"); do
				printf 'writer %d note %d\n' "$p" "$i" |
				    pake-note add --title "Shared title $i" --tag "w$p" \
				    >>"$T/ids.$p" 2>>"$T/err.$p" || exit 1
			done
		) &
		pids+=($!)
	done
	for p in "${pids[@]}"; do
		rc=0
		wait "$p" || rc=$?
		rcs+=("$rc")
	done
	assert_equal "${rcs[*]}" "$(printf '0 %.0s' $(seq "$procs") | sed 's/ $//')"
	# No error text from any process ("database is locked" never shows).
	run cat "$T"/err.*
	assert_output ""
	# Every id printed, all distinct.
	total=$((procs * per))
	assert_equal "$(cat "$T"/ids.* | grep -cE "$UUID_RE")" "$total"
	assert_equal "$(cat "$T"/ids.* | sort -u | wc -l)" "$total"
	# All in the database, all in the vault, each in its own file.
	assert_equal "$(note_count)" "$total"
	assert_equal "$(md_count)" "$total"
	assert_equal "$(ls "$PAKE_VAULT/00-Inbox" | grep -c '^Shared-title-7\(-[0-9]*\)\?\.md$')" "$procs"
	run --separate-stderr pake-db check
	assert_success
	# Each writer's notes are all there, with their own bodies.
	run --separate-stderr pake-search --ids --limit 100 --tag w3 writer
	assert_success
	assert_equal "${#lines[@]}" 100
	id=$(sed -n 57p "$T/ids.5")
	assert_equal "$(note_content "$id")" "writer 5 note 57"
	assert_equal "$(note_field "$id" .title)" "Shared title 57"
}

@test "many processes opening a new database at the same instant" {
	local pids=() p rc bad=0
	for p in $(seq 12); do
		pake-note add --title "Racer $p" >/dev/null 2>"$T/err.$p" &
		pids+=($!)
	done
	for p in "${pids[@]}"; do
		rc=0
		wait "$p" || rc=$?
		[ "$rc" -eq 0 ] || bad=$((bad + 1))
	done
	assert_equal "$bad" 0
	run cat "$T"/err.*
	assert_output ""
	assert_equal "$(note_count)" 12
	run sqlite3 "$PAKE_DB" 'PRAGMA journal_mode'
	assert_output wal
}

@test "two concurrent editors of one note: the file matches the database" {
	id=$(printf 'start\n' | pake-note add --title "Contested" --tag start)
	editor() {
		local who=$1 i
		for i in $(seq 40); do
			printf '%s edit %d\n' "$who" "$i" |
			    pake-note edit "$id" --file - --title "Contested $who" \
			    --tag "$who" >/dev/null || return 1
		done
	}
	editor alpha 2>"$T/err.a" &
	a=$!
	editor beta 2>"$T/err.b" &
	b=$!
	wait "$a" || fail "editor alpha failed: $(cat "$T/err.a")"
	wait "$b" || fail "editor beta failed: $(cat "$T/err.b")"
	run cat "$T/err.a" "$T/err.b"
	assert_output ""

	# The database holds one editor's last write, whole.
	title=$(note_field "$id" .title)
	who=${title#Contested }
	[[ "$who" == alpha || "$who" == beta ]] || fail "title: $title"
	assert_equal "$(note_content "$id")" "$who edit 40"
	assert_equal "$(note_field "$id" '.metadata.tags|join(",")')" "$who"
	# The one file of the note says exactly the same.
	file=$(vault_file "$id")
	run grep -rl -- "$id" "$PAKE_VAULT"
	assert_output "$file"
	assert_equal "$(body_of "$file")" "$who edit 40"
	fm_of "$file" | grep -q "^title: .\?Contested $who"
	assert_equal "$(md_count)" 1
	run --separate-stderr pake-db check
	assert_success
	assert_line "vault: ok"
}

@test "readers and writers at once: searches never fail while notes are added" {
	require_tool pake-search
	for i in $(seq 20); do add_body "Base $i" $'concurrent reading\n' >/dev/null; done
	(
		for i in $(seq 60); do
			add_body "More $i" $'concurrent writing\n' >/dev/null || exit 1
		done
	) 2>"$T/werr" &
	w=$!
	bad=0
	while kill -0 "$w" 2>/dev/null; do
		out=$(pake-search --ids --limit 100 concurrent reading 2>>"$T/rerr") || bad=$((bad + 1))
		[ "$(printf '%s\n' "$out" | grep -c .)" -eq 20 ] || bad=$((bad + 1))
	done
	wait "$w" || fail "writer failed: $(cat "$T/werr")"
	assert_equal "$bad" 0
	run cat "$T/werr" "$T/rerr"
	assert_output ""
	assert_equal "$(note_count)" 80
}
