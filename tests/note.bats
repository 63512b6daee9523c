#!/usr/bin/env bats
# note.bats: pake-note add/get/list/edit/rm, the note JSON, exact bodies, and
# must-show 1 (a note added with the CLI is found by pake-search, read back
# with the same body and fields, and its vault file parses back to the same
# note).

bats_require_minimum_version 1.5.0
load helpers

setup() { pake_setup; }

# A body with the things editors and parsers like to "fix": CRLF, trailing
# spaces and tabs, a line that looks like a fence, unicode, no final newline.
tricky_body() {
	printf '# Heading\r\n\r\nline with trailing spaces   \r\n'
	printf 'tab\tat end\t\n\n---\nnot: frontmatter\n---\n'
	printf 'zebraquokka is the search word. ünïcödé → 日本語 🦘\n'
	printf '  indented\n\n\nlast line without newline  '
}

@test "must-show 1: add, search, get byte for byte, vault file parses back" {
	require_tool pake-search pake-vault
	tricky_body >"$T/body.md"
	run --separate-stderr pake-note add --title "Kangaroo: a note" \
	    --type InsightNote --status Verified --tag zoology --tag "marsupials" \
	    --confidence 0.85 --source https://example.org/k --summary "Short summary" \
	    --human-notes "checked by hand" --file "$T/body.md"
	assert_success
	[[ "$output" =~ $UUID_RE ]] || fail "add printed '$output', not an id"
	id=$output

	# Found by pake-search.
	run --separate-stderr pake-search --ids zebraquokka
	assert_success
	assert_output "$id"

	# Same body, byte for byte, from --json ...
	note_content "$id" >"$T/got.md"
	cmp "$T/body.md" "$T/got.md"
	# ... and from the markdown form.
	pake-note get "$id" >"$T/get.md"
	body_of "$T/get.md" >"$T/get-body.md"
	cmp "$T/body.md" "$T/get-body.md"

	# Every frontmatter field.
	note_json "$id" >"$T/note.json"
	run jq -r '[.pake_id, .title, .metadata.pake_id, .metadata.title,
	    .metadata.type, .metadata.status, (.metadata.confidence_score|tostring),
	    .metadata.verification_status, (.metadata.tags|join(",")),
	    .metadata.source_uri, .metadata.summary, .metadata.human_notes] | join("|")' "$T/note.json"
	assert_output "$id|Kangaroo: a note|$id|Kangaroo: a note|InsightNote|Verified|0.85|pending|zoology,marsupials|https://example.org/k|Short summary|checked by hand"
	run jq -r '.metadata.created_at, .metadata.modified_at' "$T/note.json"
	for ts in "${lines[@]}"; do
		[[ "$ts" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:?[0-9]{2})$ ]] ||
		    fail "not ISO 8601 with zone: $ts"
	done
	# The markdown form carries the same fields.
	fm_of "$T/get.md" >"$T/get-fm"
	# (quoted only when it could read as a number: digits, e and - alone)
	grep -Eqx "pake_id: \"?$id\"?" "$T/get-fm"
	grep -q '^title: .*Kangaroo: a note' "$T/get-fm"
	grep -qx 'type: InsightNote' "$T/get-fm"

	# The vault file: in the InsightNote folder, same body.
	file=$(jq -r .file_path "$T/note.json")
	assert_equal "$file" "02-Areas/Kangaroo-a-note.md"
	[ -f "$PAKE_VAULT/$file" ] || fail "no vault file $file"
	body_of "$PAKE_VAULT/$file" >"$T/vault-body.md"
	cmp "$T/body.md" "$T/vault-body.md"

	# It parses back to the same note: import the vault into a second
	# database and compare everything but file_path.
	db_init "$T/db2/pake.db"
	run --separate-stderr env PAKE_DB="$T/db2/pake.db" PAKE_VAULT="$T/vault2" \
	    pake-vault import "$PAKE_VAULT"
	assert_success
	PAKE_DB="$T/db2/pake.db" PAKE_VAULT="$T/vault2" pake-note get --json "$id" \
	    | jq -S 'del(.file_path)' >"$T/note2.json"
	jq -S 'del(.file_path)' "$T/note.json" >"$T/note1.json"
	diff -u "$T/note1.json" "$T/note2.json"
	PAKE_DB="$T/db2/pake.db" note_content "$id" | cmp "$T/body.md" -
}

@test "add: defaults, id on stdout, --json prints the note object" {
	run --separate-stderr add_note "Plain"
	assert_success
	[[ "$output" =~ $UUID_RE ]] || fail "not an id: $output"
	[ "${#lines[@]}" -eq 1 ]
	id=$output
	run note_field "$id" '[.metadata.type, .metadata.status,
	    (.metadata.confidence_score|tostring), .metadata.verification_status,
	    .metadata.source_uri, (.metadata.tags|length|tostring), .content] | join("|")'
	assert_output "SourceNote|Raw|0.7|pending|local://pake|0|"

	run --separate-stderr pake-note add --json --title "As JSON" --tag t1 </dev/null
	assert_success
	echo "$output" | json_check '
	    (keys - ["pake_id","title","content","file_path","version","metadata"]) == [] and
	    .version == 1 and
	    (.pake_id|type) == "string" and .title == "As JSON" and
	    .content == "" and (.file_path|type) == "string" and
	    .metadata.pake_id == .pake_id and .metadata.title == "As JSON" and
	    .metadata.tags == ["t1"] and (.metadata|has("created_at","modified_at",
	    "verification_status","source_uri","summary","human_notes",
	    "confidence_score","status","type"))' >/dev/null ||
	    fail "bad note object: $output"
	# The same object as get --json.
	jid=$(echo "$output" | jq -r .pake_id)
	diff <(echo "$output" | jq -S .) <(note_json "$jid" | jq -S .)
}

@test "add: body from --file, from stdin, and from --file -" {
	printf 'from a file\n' >"$T/b.md"
	id1=$(pake-note add --title One --file "$T/b.md")
	id2=$(printf 'from stdin\n' | pake-note add --title Two)
	id3=$(printf 'from dash\n' | pake-note add --title Three --file -)
	assert_equal "$(note_content "$id1")" "from a file"
	assert_equal "$(note_content "$id2")" "from stdin"
	assert_equal "$(note_content "$id3")" "from dash"
	# An empty stdin is an empty body.
	id4=$(pake-note add --title Four </dev/null)
	assert_equal "$(note_field "$id4" '.content|length')" 0
	# A missing --file is a usage error and writes nothing.
	run --separate-stderr pake-note add --title Five --file "$T/nope.md"
	[ "$status" -eq 64 ] || [ "$status" -eq 66 ] || fail "exit $status"
	[ -n "$stderr" ]
	[ "$(md_count)" -eq 4 ]
}

@test "add: title is required (usage, exit 64)" {
	run --separate-stderr pake-note add --type InsightNote
	assert_equal "$status" 64
	[[ "$stderr" == *title* ]] || fail "stderr: $stderr"
	[ ! -d "$PAKE_VAULT" ] || [ "$(md_count)" -eq 0 ]
}

@test "bodies: CRLF, trailing spaces, no final newline, leading blank lines are byte exact" {
	local i=0
	for spec in 'a\r\nb\r\n' 'trailing   ' 'no newline' '\n\nleading blank lines\n' \
	    'ends with two newlines\n\n' '---\nlooks: like frontmatter\n---\nbody\n' \
	    '\r\n' ' ' 'tab\t\n\ttab' '\xef\xbb\xbfBOM first'; do
		i=$((i + 1))
		printf -- "$spec" >"$T/in$i"
		id=$(pake-note add --title "Body $i" --file "$T/in$i")
		note_content "$id" >"$T/out$i"
		cmp "$T/in$i" "$T/out$i" || fail "body $i ($spec) changed in the database"
		body_of "$(vault_file "$id")" >"$T/vault$i"
		cmp "$T/in$i" "$T/vault$i" || fail "body $i ($spec) changed in the vault file"
		pake-note get "$id" >"$T/md$i"
		body_of "$T/md$i" >"$T/mdbody$i"
		cmp "$T/in$i" "$T/mdbody$i" || fail "body $i ($spec) changed in get's markdown"
	done
}

@test "unicode titles and bodies round-trip" {
	local title='日本語のノート — Ünïcödé Straße 🦘'
	printf 'Grüße, 世界! Ωμέγα\nЖ ж ☃ 𝄞\n' >"$T/u.md"
	id=$(pake-note add --title "$title" --tag 'étiquette' --tag '標籤' --file "$T/u.md")
	run note_field "$id" .title
	assert_output "$title"
	run note_field "$id" '.metadata.tags|join(",")'
	assert_output 'étiquette,標籤'
	note_content "$id" | cmp "$T/u.md" -
	run note_field "$id" .file_path
	assert_output "00-Inbox/日本語のノート-Ünïcödé-Straße.md"
	[ -f "$PAKE_VAULT/$output" ]
	grep -q 'Grüße, 世界' "$PAKE_VAULT/$output"
}

@test "get: markdown with frontmatter; --json; unknown id is not_found (66)" {
	id=$(add_body "Get me" $'hello\n' --tag a)
	run --separate-stderr pake-note get "$id"
	assert_success
	[ "${lines[0]}" = "---" ] || fail "first line: ${lines[0]}"
	assert_line "pake_id: $id"
	assert_line --regexp '^title: .?Get me.?$'
	assert_line --regexp '^status: .?Raw.?$'
	assert_equal "${lines[-1]}" "hello"

	run --separate-stderr pake-note get "$MISSING_ID"
	assert_equal "$status" 66
	assert_output ""
	assert_equal "$stderr" "pake-note: Note not found"

	run --separate-stderr pake-note get --json "$MISSING_ID"
	assert_equal "$status" 66
	echo "$output" | json_check '.error == {"code":"not_found","message":"Note not found"}' >/dev/null ||
	    fail "envelope: $output"
	[[ "$stderr" == *"pake-note: Note not found"* ]] || fail "stderr: $stderr"

	# --json may come after the id as well.
	run --separate-stderr pake-note get "$MISSING_ID" --json
	assert_equal "$status" 66
	assert_equal "$(echo "$output" | jq -r .error.code)" not_found
}

@test "get: a malformed id is refused (invalid_params or not_found), not a crash" {
	for bad in nope "'; DROP TABLE notes; --" "../../etc/passwd" ""; do
		run --separate-stderr pake-note get --json "$bad"
		[ "$status" -eq 65 ] || [ "$status" -eq 66 ] || fail "'$bad': exit $status"
		code=$(echo "$output" | jq -r .error.code)
		[[ "$code" == invalid_params || "$code" == not_found ]] || fail "'$bad': $output"
	done
}

@test "list: lines ID TYPE DATE TITLE, newest first; --json shape" {
	a=$(add_note "First note")
	b=$(add_note "Second note" --type InsightNote)
	c=$(add_note "Third note" --type ProjectNote)
	run --separate-stderr pake-note list
	assert_success
	[ "${#lines[@]}" -eq 3 ] || fail "$output"
	[[ "${lines[0]}" =~ ^$c\ +ProjectNote\ +[0-9]{4}-[0-9]{2}-[0-9]{2}\ +Third\ note$ ]] || fail "line 0: ${lines[0]}"
	[[ "${lines[1]}" =~ ^$b\ +InsightNote\ +[0-9-]{10}\ +Second\ note$ ]] || fail "line 1: ${lines[1]}"
	[[ "${lines[2]}" =~ ^$a\ +SourceNote\ +[0-9-]{10}\ +First\ note$ ]] || fail "line 2: ${lines[2]}"
	[ -z "$stderr" ] || fail "no next-page hint expected: $stderr"

	run --separate-stderr pake-note list --json
	assert_success
	echo "$output" | json_check '.count == 3 and .next_cursor == null and
	    ([.notes[].pake_id] == ["'"$c"'","'"$b"'","'"$a"'"]) and
	    all(.notes[]; has("pake_id","title","file_path","metadata") and
	        .metadata.pake_id == .pake_id)' >/dev/null || fail "$output"
}

@test "list: --limit and --cursor page through without overlap" {
	local ids=() i
	for i in 1 2 3 4 5 6 7; do ids+=("$(add_note "Page note $i")"); done
	seen=()
	cursor=
	pages=0
	while :; do
		if [ -n "$cursor" ]; then
			out=$(pake-note list --json --limit 3 --cursor "$cursor")
		else
			out=$(pake-note list --json --limit 3)
		fi
		pages=$((pages + 1))
		n=$(echo "$out" | jq '.notes|length')
		[ "$n" -le 3 ] || fail "page of $n"
		assert_equal "$(echo "$out" | jq .count)" "$n"
		mapfile -t got < <(echo "$out" | jq -r '.notes[].pake_id')
		seen+=("${got[@]}")
		cursor=$(echo "$out" | jq -r '.next_cursor // empty')
		[ -n "$cursor" ] || break
		[ "$pages" -lt 10 ] || fail "cursor never ends"
	done
	assert_equal "$pages" 3
	assert_equal "$(sorted "${seen[@]}")" "$(sorted "${ids[@]}")"
	assert_equal "$(printf '%s\n' "${seen[@]}" | sort -u | wc -l)" 7
	# Newest first across pages.
	assert_equal "${seen[0]}" "${ids[6]}"
	assert_equal "${seen[6]}" "${ids[0]}"

	# Without --json the hint is on stderr, the lines on stdout.
	run --separate-stderr pake-note list --limit 3
	assert_success
	[ "${#lines[@]}" -eq 3 ]
	[[ "$stderr" == *--cursor* ]] || fail "no next-page hint: $stderr"

	# Limits outside 1..100 are usage errors.
	run --separate-stderr pake-note list --limit 0
	assert_equal "$status" 64
	run --separate-stderr pake-note list --limit 101
	assert_equal "$status" 64
	# A garbage cursor is refused, not a crash.
	run --separate-stderr pake-note list --cursor 'garbage!!'
	[ "$status" -eq 64 ] || [ "$status" -eq 65 ] || fail "exit $status"
}

@test "edit: fields change, body kept unless --file, --tag replaces, --no-tags clears" {
	printf 'original body\n' >"$T/b1"
	id=$(pake-note add --title "Edit me" --tag one --tag two --file "$T/b1")
	created=$(note_field "$id" .metadata.created_at)
	modified=$(note_field "$id" .metadata.modified_at)
	old_file=$(vault_file "$id")
	sleep 0.01

	run --separate-stderr pake-note edit "$id" --status Verified --confidence 0.9 --summary "now summarised"
	assert_success
	run note_field "$id" '[.metadata.status, (.metadata.confidence_score|tostring),
	    .metadata.summary, (.metadata.tags|join(","))] | join("|")'
	assert_output "Verified|0.9|now summarised|one,two"
	note_content "$id" | cmp "$T/b1" -
	assert_equal "$(note_field "$id" .metadata.created_at)" "$created"
	new_modified=$(note_field "$id" .metadata.modified_at)
	[[ "$new_modified" > "$modified" ]] || fail "modified_at $modified -> $new_modified"

	run --separate-stderr pake-note edit "$id" --tag three
	assert_success
	assert_equal "$(note_field "$id" '.metadata.tags|join(",")')" "three"

	run --separate-stderr pake-note edit "$id" --no-tags
	assert_success
	assert_equal "$(note_field "$id" '.metadata.tags|length')" 0

	printf 'new body\r\nno newline' >"$T/b2"
	run --separate-stderr pake-note edit "$id" --file "$T/b2"
	assert_success
	note_content "$id" | cmp "$T/b2" -
	body_of "$(vault_file "$id")" | cmp "$T/b2" -

	# A new title and type: still exactly one file holds the note (at its
	# file_path), and it says the new title.  (Whether the file is renamed
	# is the store's choice; a second copy is never right.)
	run --separate-stderr pake-note edit "$id" --title "Edited title" --type InsightNote
	assert_success
	file=$(vault_file "$id")
	[ -f "$file" ]
	run grep -rl -- "$id" "$PAKE_VAULT"
	assert_output "$file"
	if [ "$file" != "$old_file" ]; then
		[ ! -e "$old_file" ] || fail "old file $old_file left behind"
	fi
	fm_of "$file" | grep -q '^title: .\?Edited title'
	fm_of "$file" | grep -qx 'type: InsightNote'
	body_of "$file" | cmp "$T/b2" -
}

@test "edit: unknown id is 66; nothing to change is 64" {
	run --separate-stderr pake-note edit "$MISSING_ID" --status X
	assert_equal "$status" 66
	run --separate-stderr pake-note edit --json "$MISSING_ID" --status X
	assert_equal "$status" 66
	assert_equal "$(echo "$output" | jq -r .error.code)" not_found
	id=$(add_note "Unchanged")
	run --separate-stderr pake-note edit "$id"
	assert_equal "$status" 64
}

@test "rm: removes the note and its vault file; again is 66" {
	keep=$(add_note "Keep")
	id=$(add_note "Remove me")
	file=$(vault_file "$id")
	[ -f "$file" ]
	run --separate-stderr pake-note rm "$id"
	assert_success
	[ ! -e "$file" ] || fail "vault file still there"
	run --separate-stderr pake-note get "$id"
	assert_equal "$status" 66
	run --separate-stderr pake-note rm "$id"
	assert_equal "$status" 66
	assert_equal "$stderr" "pake-note: Note not found"
	run --separate-stderr pake-note rm --json "$id"
	assert_equal "$status" 66
	assert_equal "$(echo "$output" | jq -r .error.code)" not_found
	# The other note is untouched.
	[ -f "$(vault_file "$keep")" ]
	assert_equal "$(pake-note list --json | jq -r '[.notes[].pake_id]|join(",")')" "$keep"
}

@test "pake-note: usage errors exit 64" {
	run --separate-stderr pake-note
	assert_equal "$status" 64
	run --separate-stderr pake-note frobnicate
	assert_equal "$status" 64
	run --separate-stderr pake-note list --bogus
	assert_equal "$status" 64
	run --separate-stderr pake-note add --title x --confidence 1.5
	assert_equal "$status" 64
	run --separate-stderr pake-note get
	assert_equal "$status" 64
	[ ! -d "$PAKE_VAULT" ] || [ "$(md_count)" -eq 0 ]
}
