#!/usr/bin/env bats
# vault.bats: the markdown mirror.  Must-show 4 (titles that try to leave the
# vault are refused and nothing is written anywhere; ordinary titles are
# accepted; equal titles get distinct files; an existing file is never
# overwritten), folders by type, file names, and pake-db check / --repair.

bats_require_minimum_version 1.5.0
load helpers

setup() { pake_setup; }

# hostile_titles R: every title that tries to leave the vault, one per line;
# R makes the target names unique so stray files can be searched for.
hostile_titles() {
	local r=$1
	# The contract's list, exactly.
	printf '%s\n' '../x' '..\x' '/etc/x' '\x' 'C:\x' '\\server\share' \
	    '%2e%2e%2f' '%252e%252e%252f' '..%2f'
	# The same forms aimed at findable names, and their variations.
	printf '%s\n' "../pake-escape-$r" "../../pake-escape-$r" \
	    "../../../../../../../../tmp/pake-escape-$r" "/tmp/pake-escape-$r" \
	    "..\\..\\pake-escape-$r" "notes/../../pake-escape-$r" \
	    "\\pake-escape-$r" "C:\\pake-escape-$r" "c:/pake-escape-$r" \
	    "\\\\server\\share\\pake-escape-$r" "//server/share/pake-escape-$r" \
	    "%2e%2e%2fpake-escape-$r" "%2E%2E%2F%2e%2e%2fpake-escape-$r" \
	    "%252e%252e%252fpake-escape-$r" "..%2fpake-escape-$r" \
	    "..%5cpake-escape-$r" "%2e%2e%5cpake-escape-$r" \
	    "%2fetc%2fpake-escape-$r" "%252fetc%252fpake-escape-$r" \
	    "%5cpake-escape-$r" "..%252fpake-escape-$r" \
	    "pake-escape-$r%00.md" "a%00b" "a%2500b"
	# No ".." segment, but "../" inside: what a strip-"../"-once filter
	# turns into one (issue 10, item 7).
	printf '%s\n' '....//....//etc//passwd' "....//pake-escape-$r" \
	    "a..\\b" "x..%2fpake-escape-$r"
}

@test "must-show 4: hostile titles are refused (65, security_violation) and nothing is written" {
	require_tool pake-db
	local r=$RANDOM$RANDOM t
	keep=$(add_body "Ordinary" $'body\n')
	before_count=$(note_count)
	assert_equal "$before_count" 1
	mkdir -p "$T/cwd/a/b"
	cd "$T/cwd/a/b"
	printf 'hostile body\n' >"$T/hostile-body"
	before=$(snapshot)
	etc_x=$(ls -ld /etc/x /x 2>&1 || true)
	while IFS= read -r t; do
		run --separate-stderr pake-note add --title "$t" --file "$T/hostile-body"
		[ "$status" -eq 65 ] || fail "title '$t': exit $status (stdout: $output)"
		assert_output ""
		[[ "$stderr" == *"Security violation detected"* ]] || fail "title '$t': stderr: $stderr"
		run --separate-stderr pake-note add --json --title "$t" --type DailyNote --file "$T/hostile-body"
		[ "$status" -eq 65 ] || fail "title '$t' --json: exit $status"
		echo "$output" | json_check '.error.code == "security_violation" and
		    .error.message == "Security violation detected"' >/dev/null ||
		    fail "title '$t': envelope: $output"
		# The message never echoes the path back.
		[[ "$stderr" != *"pake-escape"* ]] || fail "title '$t': stderr echoes the title: $stderr"
	done < <(hostile_titles "$r")
	assert_equal "$(note_count)" "$before_count"
	after=$(snapshot)
	assert_equal "$after" "$before"
	# Nothing outside $T either.
	# (Other programs' temp folders may vanish mid-walk: ignore find's
	# complaints about those, not its findings.)
	run bash -c 'find "$1" /tmp -maxdepth 3 -name "*pake-escape-$2*" 2>/dev/null; true' _ "$T/.." "$r"
	assert_output ""
	assert_equal "$(ls -ld /etc/x /x 2>&1 || true)" "$etc_x"
	# The ordinary note is untouched.
	assert_equal "$(pake-note list --json | jq -r '[.notes[].pake_id]|join(",")')" "$keep"
}

@test "must-show 4: hostile titles are refused by edit too; the note is unchanged" {
	id=$(add_body "Safe" $'body\n')
	file=$(vault_file "$id")
	cp "$file" "$T/before.md"
	before=$(snapshot)
	for t in '../x' '/etc/x' '..\x' 'C:\x' '%2e%2e%2f' '%252e%252e%252f' '..%2f'; do
		run --separate-stderr pake-note edit "$id" --title "$t"
		assert_equal "$status" 65
		[[ "$stderr" == *"Security violation detected"* ]] || fail "stderr: $stderr"
	done
	assert_equal "$(note_field "$id" .title)" "Safe"
	cmp "$T/before.md" "$file"
	assert_equal "$(snapshot)" "$before"
}

@test "must-show 4: ordinary titles are accepted with the right file names" {
	declare -A want=(
		["TCP/IP"]="00-Inbox/TCPIP.md"
		["Q: why?"]="00-Inbox/Q-why.md"
		["Wait..."]="00-Inbox/Wait.md"
		["Bug Report #123"]="00-Inbox/Bug-Report-123.md"
		["under_score and-dash"]="00-Inbox/under_score-and-dash.md"
		["Version 2.0 (draft)"]="00-Inbox/Version-20-draft.md"
		["100% sure"]="00-Inbox/100-sure.md"
		["Straße über 東京 ٣"]="00-Inbox/Straße-über-東京-٣.md"
	)
	local t
	for t in "${!want[@]}"; do
		run --separate-stderr add_note "$t"
		[ "$status" -eq 0 ] || fail "'$t' refused: exit $status: $stderr"
		id=$output
		assert_equal "$(note_field "$id" .file_path)" "${want[$t]}"
		[ -f "$PAKE_VAULT/${want[$t]}" ] || fail "no file for '$t'"
		assert_equal "$(note_field "$id" .title)" "$t"
		grep -q -- "$id" "$PAKE_VAULT/${want[$t]}"
	done
	assert_equal "$(md_count)" "${#want[@]}"
}

@test "file names: at most 50 characters; nothing left gives note_<8 hex of id>" {
	long=$(printf 'a%.0s' {1..80})
	id=$(add_note "$long")
	assert_equal "$(note_field "$id" .file_path)" "00-Inbox/$(printf 'a%.0s' {1..50}).md"
	assert_equal "$(note_field "$id" .title)" "$long"

	wide=$(printf 'é%.0s' {1..60})
	id=$(add_note "$wide")
	assert_equal "$(note_field "$id" .file_path)" "00-Inbox/$(printf 'é%.0s' {1..50}).md"

	words=$(printf 'word %.0s' {1..20})
	id=$(add_note "$words")
	name=$(basename "$(note_field "$id" .file_path)" .md)
	[ "${#name}" -le 50 ] || fail "name of ${#name} characters: $name"
	[[ "$name" == word-word-word-* ]] || fail "name: $name"

	id=$(add_note '???')
	assert_equal "$(note_field "$id" .file_path)" "00-Inbox/note_${id:0:8}.md"
	[ -f "$PAKE_VAULT/00-Inbox/note_${id:0:8}.md" ]
}

@test "folders by type" {
	declare -A want=([SourceNote]=00-Inbox [DailyNote]=01-Daily
	    [ProjectNote]=01-Projects [InsightNote]=02-Areas [MeetingNote]=00-Inbox)
	local ty
	for ty in "${!want[@]}"; do
		id=$(add_note "A $ty" --type "$ty")
		assert_equal "$(note_field "$id" .file_path)" "${want[$ty]}/A-$ty.md"
		[ -f "$PAKE_VAULT/${want[$ty]}/A-$ty.md" ]
		fm_of "$PAKE_VAULT/${want[$ty]}/A-$ty.md" | grep -qx "type: $ty"
	done
	id=$(add_note "Default type")
	assert_equal "$(note_field "$id" .file_path)" "00-Inbox/Default-type.md"
}

@test "must-show 4: three notes with the same title get three files" {
	a=$(add_body "Same title" $'first\n')
	b=$(add_body "Same title" $'second\n')
	c=$(add_body "Same title" $'third\n')
	assert_equal "$(note_field "$a" .file_path)" "00-Inbox/Same-title.md"
	assert_equal "$(note_field "$b" .file_path)" "00-Inbox/Same-title-2.md"
	assert_equal "$(note_field "$c" .file_path)" "00-Inbox/Same-title-3.md"
	assert_equal "$(body_of "$PAKE_VAULT/00-Inbox/Same-title.md")" first
	assert_equal "$(body_of "$PAKE_VAULT/00-Inbox/Same-title-2.md")" second
	assert_equal "$(body_of "$PAKE_VAULT/00-Inbox/Same-title-3.md")" third
	grep -q "$a" "$PAKE_VAULT/00-Inbox/Same-title.md"
	grep -q "$b" "$PAKE_VAULT/00-Inbox/Same-title-2.md"
	grep -q "$c" "$PAKE_VAULT/00-Inbox/Same-title-3.md"
	assert_equal "$(md_count)" 3
	# A name freed by rm is not taken from under a live note.
	pake-note rm "$b"
	[ ! -e "$PAKE_VAULT/00-Inbox/Same-title-2.md" ]
	assert_equal "$(body_of "$PAKE_VAULT/00-Inbox/Same-title-3.md")" third
	d=$(add_body "Same title" $'fourth\n')
	f=$(note_field "$d" .file_path)
	[ "$f" != "00-Inbox/Same-title.md" ] && [ "$f" != "00-Inbox/Same-title-3.md" ] || fail "reused $f"
	assert_equal "$(body_of "$PAKE_VAULT/$f")" fourth
	assert_equal "$(body_of "$PAKE_VAULT/00-Inbox/Same-title.md")" first
}

@test "must-show 4: an existing foreign file is never overwritten" {
	mkdir -p "$PAKE_VAULT/00-Inbox" "$PAKE_VAULT/02-Areas"
	printf 'my own file, not a note\n' >"$PAKE_VAULT/00-Inbox/Foreign.md"
	printf -- '---\ntitle: hand written\n---\nmine\n' >"$PAKE_VAULT/02-Areas/Insight.md"
	cp "$PAKE_VAULT/00-Inbox/Foreign.md" "$T/foreign.orig"
	cp "$PAKE_VAULT/02-Areas/Insight.md" "$T/insight.orig"
	a=$(add_body "Foreign" $'note body\n')
	b=$(add_body "Insight" $'insight body\n' --type InsightNote)
	assert_equal "$(note_field "$a" .file_path)" "00-Inbox/Foreign-2.md"
	assert_equal "$(note_field "$b" .file_path)" "02-Areas/Insight-2.md"
	cmp "$T/foreign.orig" "$PAKE_VAULT/00-Inbox/Foreign.md"
	cmp "$T/insight.orig" "$PAKE_VAULT/02-Areas/Insight.md"
	assert_equal "$(body_of "$PAKE_VAULT/00-Inbox/Foreign-2.md")" "note body"
	# Edits and removals of the note leave the foreign file alone too.
	printf 'changed\n' >"$T/b"
	pake-note edit "$a" --file "$T/b" >/dev/null
	pake-note rm "$b"
	cmp "$T/foreign.orig" "$PAKE_VAULT/00-Inbox/Foreign.md"
	cmp "$T/insight.orig" "$PAKE_VAULT/02-Areas/Insight.md"
}

@test "vault writes leave no temp files behind" {
	for i in 1 2 3 4 5; do id=$(add_body "Temp $i" $'x\n'); done
	printf 'y\n' >"$T/b"
	pake-note edit "$id" --file "$T/b" >/dev/null
	pake-note rm "$id"
	run find "$PAKE_VAULT" -type f ! -name '*.md'
	assert_output ""
	run find "$PAKE_VAULT" -name '.*' ! -path "$PAKE_VAULT"
	assert_output ""
}

@test "pake-db check: clean vault is ok" {
	require_tool pake-db
	add_body "One" $'1\n' >/dev/null
	add_body "Two" $'2\n' --type InsightNote >/dev/null
	run --separate-stderr pake-db check
	assert_success
	assert_line "integrity: ok"
	assert_line "fts: ok"
	assert_line "vault: ok"
	run --separate-stderr pake-db check --json
	assert_success
	echo "$output" | json_check 'type == "object"' >/dev/null || fail "$output"
}

@test "pake-db check: a deleted vault file is missing; --repair writes it back" {
	require_tool pake-db
	id=$(add_body "Will vanish" $'precious body\n' --tag t)
	file=$(vault_file "$id")
	cp "$file" "$T/orig.md"
	rm "$file"
	run --separate-stderr pake-db check
	assert_equal "$status" 1
	assert_line --partial "missing"
	run --separate-stderr pake-db check --repair
	assert_success
	cmp "$T/orig.md" "$file"
	run --separate-stderr pake-db check
	assert_success
}

@test "pake-db check: a vault file changed behind pake's back is stale; --repair keeps the hand edit, nothing is lost" {
	require_tool pake-db
	id=$(add_body "Will drift" $'true body\n')
	file=$(vault_file "$id")
	cp "$file" "$T/orig.md"
	printf 'scribbled over\n' >>"$file"
	run --separate-stderr pake-db check
	assert_equal "$status" 1
	assert_line --partial "stale"
	run --separate-stderr pake-db check --repair
	assert_success
	assert_line --partial "kept hand edit: $id"
	# The hand edit is the note now; the state before it is version 1.
	assert_equal "$(note_content "$id")" $'true body\nscribbled over'
	assert_equal "$(pake-note log --json "$id" | jq -c '[.versions[] | [.op, .actor]]')" \
	    '[["create","owner"],["hand-edit","vault"]]'
	pake-note get "$id" --version 1 | cmp - "$T/orig.md"
	run --separate-stderr pake-db check
	assert_success
}

@test "pake-db check: orphan and untracked files are reported" {
	require_tool pake-db
	id=$(add_body "Gone" $'x\n')
	file=$(vault_file "$id")
	cp "$file" "$T/saved.md"
	pake-note rm "$id"
	cp "$T/saved.md" "$file"		# a file of a deleted note
	run --separate-stderr pake-db check
	assert_equal "$status" 1
	assert_line --partial "orphan"
	run --separate-stderr pake-db check --repair
	assert_success
	run --separate-stderr pake-db check
	assert_success

	# An untracked .md (a file someone wrote by hand) is reported by path.
	# (Whether it makes the vault unclean is not fixed by the contract.)
	printf 'just a file\n' >"$PAKE_VAULT/00-Inbox/untracked.md"
	run --separate-stderr pake-db check
	assert_line --partial "untracked"
	assert_output --partial "00-Inbox/untracked.md"
	# Repair never deletes a file that is not a note's.
	run --separate-stderr pake-db check --repair
	[ -f "$PAKE_VAULT/00-Inbox/untracked.md" ] || fail "repair deleted an untracked file"
}
