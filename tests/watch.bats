#!/usr/bin/env bats
# watch.bats: pake-vault watch, the vault as a second editor (issue 9): a
# hand edit saved in the vault is searchable within a second; new files,
# renames (into new folders too) and deletions follow; pake's own writes
# change nothing; SIGTERM ends it.

bats_require_minimum_version 1.5.0
load helpers

setup() {
	pake_setup
	require_tool pake-vault pake-note pake-search
}

teardown() {
	[ -z "${WPID:-}" ] || kill "$WPID" 2>/dev/null || true
}

# start_watch: pake-vault watch in the background, ready when it says so.
start_watch() {
	pake-vault watch --json >"$T/watch.out" 2>"$T/watch.err" &
	WPID=$!
	for _ in $(seq 100); do
		grep -q '"event":"watching"' "$T/watch.out" 2>/dev/null && return 0
		sleep 0.05
	done
	fail "the watcher did not start: $(cat "$T/watch.err")"
}

# within SECONDS CMD...: CMD succeeds before SECONDS have passed.
within() {
	local limit=$1 t0
	shift
	t0=$(date +%s%N)
	until "$@" >/dev/null 2>&1; do
		[ $(( ($(date +%s%N) - t0) / 1000000 )) -lt $((limit * 1000)) ] ||
		    { fail "not within ${limit}s: $*"; return 1; }
		sleep 0.02
	done
}

@test "must-show: an edit saved in the vault is searchable within a second; pake's own writes make no version" {
	local id f
	id=$(printf 'first\n' | pake-note add --title "Watched note")
	f=$(vault_file "$id")
	start_watch
	printf '\nokapiword written in Obsidian\n' >>"$f"
	within 1 bash -c "[ \"\$(pake-search --ids okapiword)\" = $id ]"
	# pake writing the file (an edit through pake) is seen and ignored.
	pake-note edit "$id" --status Verified >/dev/null
	sleep 0.5
	assert_equal "$(pake-note log --json "$id" | jq -c '[.versions[].op]')" '["create","import","update"]'
	note_json "$id" | json_check '.metadata.status == "Verified" and (.content | contains("okapiword"))'
}

@test "new files, renames into new folders, and deletions follow; a renamed file keeps its note" {
	local id n
	start_watch
	mkdir -p "$PAKE_VAULT/00-Inbox"
	printf -- '---\ntitle: Born in the vault\n---\nquokkaword\n' >"$PAKE_VAULT/00-Inbox/born.md"
	within 2 bash -c '[ -n "$(pake-search --ids quokkaword)" ]'
	id=$(pake-search --ids quokkaword)
	mkdir "$PAKE_VAULT/Projects"
	mv "$PAKE_VAULT/00-Inbox/born.md" "$PAKE_VAULT/Projects/renamed.md"
	within 2 bash -c "[ \"\$(pake-note get --json $id | jq -r .file_path)\" = Projects/renamed.md ]"
	assert_equal "$(pake-note list --json | jq '.notes | length')" 1
	rm "$PAKE_VAULT/Projects/renamed.md"
	within 2 bash -c "pake-note deleted --json | jq -e '.deleted[0].pake_id == \"$id\"'"
	# A hidden folder (Obsidian's .trash) is not looked at.
	mkdir "$PAKE_VAULT/.trash"
	printf 'ignored\n' >"$PAKE_VAULT/.trash/x.md"
	sleep 0.3
	assert_equal "$(pake-note list --json | jq '.notes | length')" 0
	run pake-db check
	assert_success
	kill -TERM "$WPID"
	wait "$WPID" || fail "the watcher did not end cleanly on SIGTERM: $?"
	WPID=
	n=$(grep -c '"event"' "$T/watch.out")
	[ "$n" -ge 4 ] || fail "$(cat "$T/watch.out")"
}

@test "the watcher catches up on what changed while it was not running; a missing vault is an error" {
	local id f
	id=$(printf 'first\n' | pake-note add --title "Offline")
	f=$(vault_file "$id")
	printf 'edited while nobody watched\n' >>"$f"
	start_watch
	note_content "$id" | grep -q 'edited while nobody watched' || fail "no catch-up"
	kill "$WPID"
	WPID=
	run --separate-stderr pake-vault watch --vault "$T/no/where"
	assert_equal "$status" 66
	run --separate-stderr pake-vault watch --bogus
	assert_equal "$status" 64
}
