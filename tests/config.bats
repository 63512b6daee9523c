#!/usr/bin/env bats
# config.bats: must-show 7.  One configuration for every tool: file, then
# PAKE_* environment, then flags.  A bad value stops every tool (exit 78,
# EX_CONFIG) with a message naming the key.  Logs are JSON lines on stderr.

bats_require_minimum_version 1.5.0
load helpers

setup() {
	pake_setup
	require_tool pake pake-search pake-vault pake-db
}

# every_tool_stops KEY-RE [VAR=VAL...] -- [flags...]: run each tool with an
# otherwise valid command; each must exit 78 naming the key (matching the
# regular expression KEY-RE) on stderr, print
# nothing on stdout, and create no database.
every_tool_stops() {
	local key=$1
	shift
	local envs=() flags=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do envs+=("$1"); shift; done
	[ "${1:-}" = -- ] && shift
	flags=("$@")
	export PAKE_DB=$T/none/pake.db
	local -a cmds=(
		"pake-note list"
		"pake-note add --title Config-test"
		"pake-search hello"
		"pake-vault export $T/exported"
		"pake-db stats"
		"pake-db init"
		"pake note list"
	)
	local c failures=()
	for c in "${cmds[@]}"; do
		# shellcheck disable=SC2086
		run --separate-stderr env "${envs[@]}" $c "${flags[@]}"
		if [ "$status" -ne 78 ]; then
			failures+=("'$c': exit $status, stderr: $stderr")
		elif ! [[ "$stderr" =~ $key ]]; then
			failures+=("'$c': stderr does not name '$key': $stderr")
		elif [ -n "$output" ]; then
			failures+=("'$c': stdout not empty: $output")
		fi
	done
	[ ! -e "$PAKE_DB" ] || failures+=("a database was created")
	[ ! -e "$T/exported" ] || failures+=("export wrote $T/exported")
	[ "${#failures[@]}" -eq 0 ] || fail "$(printf '%s\n' "${failures[@]}")"
}

@test "must-show 7: bad log_level in the file stops every tool" {
	echo 'log_level = loud' >"$PAKE_CONFIG"
	every_tool_stops log_level
}

@test "must-show 7: bad busy_timeout_ms in the file stops every tool" {
	printf '# a comment\n\nbusy_timeout_ms = -5\n' >"$PAKE_CONFIG"
	every_tool_stops busy_timeout_ms
}

@test "must-show 7: an unknown key in the file stops every tool" {
	echo 'colour_scheme = purple' >"$PAKE_CONFIG"
	every_tool_stops colour_scheme
}

@test "must-show 7: max_note_bytes out of range in the file stops every tool" {
	echo 'max_note_bytes = 12' >"$PAKE_CONFIG"
	every_tool_stops max_note_bytes
}

@test "must-show 7: a missing PAKE_CONFIG file stops every tool" {
	export PAKE_CONFIG="$T/does-not-exist.conf"
	every_tool_stops 'does-not-exist\.conf|PAKE_CONFIG'
}

@test "must-show 7: bad values in the environment stop every tool" {
	every_tool_stops log_level PAKE_LOG_LEVEL=loud --
	every_tool_stops busy_timeout_ms PAKE_BUSY_TIMEOUT_MS=-5 --
	every_tool_stops busy_timeout_ms PAKE_BUSY_TIMEOUT_MS=soon --
	every_tool_stops log_format PAKE_LOG_FORMAT=yaml --
	every_tool_stops max_note_bytes PAKE_MAX_NOTE_BYTES=2000000000000 --
}

@test "must-show 7: bad values in flags stop every tool" {
	every_tool_stops log_level -- --log-level loud
	every_tool_stops log_format -- --log-format yaml
	every_tool_stops busy_timeout_ms -- --set busy_timeout_ms=-5
	every_tool_stops busy_timeout_ms -- --set busy_timeout_ms=600001
	every_tool_stops max_note_bytes -- --set max_note_bytes=1023
}

@test "must-show 7: the message names the key and where it came from" {
	PAKE_LOG_LEVEL=loud run --separate-stderr pake-note list
	assert_equal "$status" 78
	[[ "$stderr" == *"pake-note: bad value for 'log_level'"* ]] || fail "$stderr"
	[[ "$stderr" == *environment* ]] || fail "$stderr"
	echo 'busy_timeout_ms = -5' >"$PAKE_CONFIG"
	run --separate-stderr pake-db stats
	assert_equal "$status" 78
	[[ "$stderr" == *"'busy_timeout_ms'"* && "$stderr" == *file* ]] || fail "$stderr"
}

@test "must-show 7: the environment beats the file (vault)" {
	unset PAKE_VAULT
	printf 'vault = %s\n' "$T/A" >"$PAKE_CONFIG"
	id=$(PAKE_VAULT="$T/B" pake-note add --title "Where am I")
	[ -f "$T/B/00-Inbox/Where-am-I.md" ] || fail "not under B: $(find "$T" -name '*.md')"
	[ ! -e "$T/A" ] || fail "something written under A"
	# And the file alone is obeyed.
	id2=$(pake-note add --title "File only")
	[ -f "$T/A/00-Inbox/File-only.md" ] || fail "not under A: $(find "$T" -name '*.md')"
}

@test "must-show 7: a flag beats the environment (vault)" {
	printf 'vault = %s\n' "$T/A" >"$PAKE_CONFIG"
	export PAKE_VAULT="$T/B"
	id=$(pake-note add --vault "$T/C" --title "Flag wins")
	[ -f "$T/C/00-Inbox/Flag-wins.md" ] || fail "not under C: $(find "$T" -name '*.md')"
	[ ! -e "$T/A" ] && [ ! -e "$T/B" ] || fail "written under A or B"
	# The flag also works after the subcommand's own arguments.
	id=$(pake-note add --title "Flag after" --vault "$T/D")
	[ -f "$T/D/00-Inbox/Flag-after.md" ] || fail "not under D"
}

@test "must-show 7: file < environment < flag for the database" {
	unset PAKE_DB
	printf 'db = %s\n' "$T/dbA/pake.db" >"$PAKE_CONFIG"
	db_init "$T/dbA/pake.db"; db_init "$T/dbB/pake.db"; db_init "$T/dbC/pake.db"
	pake-note add --title one >/dev/null
	[ -f "$T/dbA/pake.db" ] || fail "file's db not used"
	PAKE_DB="$T/dbB/pake.db" pake-note add --title two >/dev/null
	[ -f "$T/dbB/pake.db" ] || fail "env's db not used"
	PAKE_DB="$T/dbB/pake.db" pake-note add --db "$T/dbC/pake.db" --title three >/dev/null
	[ -f "$T/dbC/pake.db" ] || fail "flag's db not used"
	assert_equal "$(pake-db stats --json | jq .notes)" 1
	assert_equal "$(PAKE_DB="$T/dbB/pake.db" pake-db stats --json | jq .notes)" 1
	assert_equal "$(pake-db --db "$T/dbC/pake.db" stats --json | jq .notes)" 1
}

@test "must-show 7: --set and --config" {
	unset PAKE_VAULT
	printf 'vault = %s\n' "$T/other-vault" >"$T/other.conf"
	pake-note --config "$T/other.conf" add --title "Other config" >/dev/null
	[ -f "$T/other-vault/00-Inbox/Other-config.md" ] || fail "--config not used"
	pake-note add --set vault="$T/set-vault" --title "Set flag" >/dev/null
	[ -f "$T/set-vault/00-Inbox/Set-flag.md" ] || fail "--set not used"
	# --set max_note_bytes really limits.
	head -c 5000 /dev/zero | tr '\0' x >"$T/big"
	run --separate-stderr pake-note add --set max_note_bytes=2048 --title Big --file "$T/big"
	assert_equal "$status" 65
	[ ! -e "$T/set-vault/00-Inbox/Big.md" ]
}

@test "defaults: database under XDG_DATA_HOME or ~/.local/share, vault ~/Knowledge-Vault" {
	unset PAKE_DB PAKE_VAULT
	pake-db init >/dev/null
	pake-note add --title "Default place" >/dev/null
	[ -f "$HOME/.local/share/pake/pake.db" ] || fail "db not at ~/.local/share/pake/pake.db"
	[ -f "$HOME/Knowledge-Vault/00-Inbox/Default-place.md" ] || fail "vault not ~/Knowledge-Vault"
	XDG_DATA_HOME="$T/xdg" pake-db init >/dev/null
	XDG_DATA_HOME="$T/xdg" pake-note add --title "XDG place" >/dev/null
	[ -f "$T/xdg/pake/pake.db" ] || fail "db not under XDG_DATA_HOME"
}

@test "the config file: comments, blank lines, spaces and sections" {
	unset PAKE_VAULT
	cat >"$PAKE_CONFIG" <<EOF
# pake configuration

   vault   =   $T/spaced
log_level = warn
[search]
EOF
	run --separate-stderr pake-note add --title "Spaced"
	assert_success
	[ -f "$T/spaced/00-Inbox/Spaced.md" ] || fail "vault from file not used"
}

@test "logs: PAKE_LOG_FORMAT=json gives JSON lines on stderr, nothing on stdout" {
	export PAKE_LOG_FORMAT=json PAKE_LOG_LEVEL=debug
	run --separate-stderr pake-note add --title "Logged"
	assert_success
	[[ "$output" =~ $UUID_RE ]] || fail "stdout is not just the id: $output"
	assert_equal "${#lines[@]}" 1
	# Something that certainly logs: a failure at debug level.
	run --separate-stderr pake-note get "$MISSING_ID"
	assert_equal "$status" 66
	assert_output ""
	json_lines=$(printf '%s\n' "$stderr" | grep '^{' || true)
	[ -n "$json_lines" ] || fail "no JSON log line on stderr: $stderr"
	printf '%s\n' "$json_lines" | json_check -s 'all(.[]; has("time","level","tool","message")
	    and .tool == "pake-note")' >/dev/null || fail "log lines: $json_lines"
	printf '%s\n' "$json_lines" | json_check -s 'all(.[]; (keys|map(test("request|req_id"))|any) and
	    (keys|map(test("tenant"))|any))' >/dev/null || fail "no request id or tenant: $json_lines"
	# Every other stderr line is the one human message.
	assert_equal "$(printf '%s\n' "$stderr" | grep -v '^{')" "pake-note: Note not found"
	# Every tool logs the same way.
	run --separate-stderr pake-search --json zzznomatch
	assert_success
	echo "$output" | json_check . >/dev/null || fail "stdout of pake-search --json is not only JSON: $output"
	# (Log lines, if any, are pake-search's; the rest is the one message.)
	printf '%s\n' "$stderr" | { grep '^{' || true; } | jq -e -s 'all(.[]; .tool == "pake-search")' >/dev/null
	rest=$(printf '%s\n' "$stderr" | grep -v '^{' || true)
	[[ -z "$rest" || "$rest" == "pake-search: no notes match" ]] || fail "stderr: $stderr"
	# At warn level the debug lines are gone.
	PAKE_LOG_LEVEL=warn run --separate-stderr pake-note get "$MISSING_ID"
	assert_equal "$(printf '%s\n' "$stderr" | grep -c '"level":"debug"')" 0
}

@test "a relative path is made absolute once, from the folder the tool started in" {
	mkdir -p "$T/here"
	cd "$T/here"
	PAKE_DB=rel/pake.db pake-db init >/dev/null
	PAKE_DB=rel/pake.db PAKE_VAULT=notes pake-note add --title "Relative" </dev/null >/dev/null
	[ -f "$T/here/rel/pake.db" ]
	[ -f "$T/here/notes/00-Inbox/Relative.md" ]
	run --separate-stderr env PAKE_DB=rel/pake.db pake-db stats --json
	assert_success
	echo "$output" | jq -e --arg p "$T/here/rel/pake.db" '.db == $p' >/dev/null
}

@test "the clock is the system's: no variable of ours moves it (tests use libfaketime)" {
	local id y
	id=$(PAKE_NOW_MS=0 pake-note add --title "Now")
	y=$(note_json "$id" | jq -r .metadata.created_at | cut -c1-4)
	assert_equal "$y" "$(date -u +%Y)"
	# libfaketime does move it, for every tool alike.
	id=$(at 946684800000 pake-note add --title "Y2K")
	assert_equal "$(note_json "$id" | jq -r .metadata.created_at | cut -c1-10)" 2000-01-01
}
