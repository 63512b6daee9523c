#!/usr/bin/env bats
# import.bats: pake-vault import and export.  Must-show 5: a vault with block
# and inline tag lists, a note without frontmatter, broken YAML, non-UTF-8
# bytes, a 10 MB note, an empty file, a symlink leading outside: each handled,
# counts reported; importing again creates no duplicates.

bats_require_minimum_version 1.5.0
load helpers

setup() {
	pake_setup
	require_tool pake-vault pake-db
	S="$T/src"
}

# make_vault: the must-show 5 vault in $S.
make_vault() {
	mkdir -p "$S/nested/deep" "$S/.obsidian" "$S/.trash" "$T/outside"
	cat >"$S/block.md" <<'EOF'
---
title: Block list note
type: InsightNote
status: Verified
tags:
  - alpha
  - beta
custom_key: keep me
---
Block body.
EOF
	cat >"$S/inline.md" <<'EOF'
---
title: "Inline list note"
tags: [gamma, delta]
confidence_score: 0.4
---
Inline body.
EOF
	printf '# Just markdown\n\nNo frontmatter here.\n' >"$S/plain.md"
	printf -- '---\ntitle: [unclosed\ntags: {a: \n---\nbody\n' >"$S/broken.md"
	printf -- '---\ntitle: bad bytes\n---\n\xff\xfe oops\n' >"$S/binary.md"
	printf -- '---\ntitle: nul bytes\n---\na\0b\n' >"$S/nul.md"
	{
		printf -- '---\ntitle: Big note\n---\n'
		yes 'lorem ipsum dolor sit amet big' | head -c 10485760
	} >"$S/big.md"
	: >"$S/empty.md"
	printf -- '---\ntitle: Secret outside\n---\nsecret body\n' >"$T/outside/secret.md"
	ln -s "$T/outside/secret.md" "$S/link.md"
	cat >"$S/nested/deep/inner.md" <<'EOF'
---
title: Inner note
tags:
- one
- two
---
Inner body.
EOF
	printf -- '---\ntitle: Obsidian internal\n---\nignored\n' >"$S/.obsidian/workspace.md"
	printf -- '---\ntitle: Trashed\n---\nignored\n' >"$S/.trash/old.md"
	printf -- '---\ntitle: Not markdown\n---\nignored\n' >"$S/notes.txt"
}

# id_of TITLE: the id of the note with that title (via search --json).
id_of() {
	pake-note list --json --limit 100 | jq -r --arg t "$1" '.notes[] | select(.title == $t) | .pake_id'
}

@test "must-show 5: import handles every kind of file and reports counts" {
	make_vault
	run --separate-stderr pake-vault import --json "$S"
	assert_equal "$status" 65
	echo "$output" >"$T/report.json"
	json_check . <"$T/report.json" >/dev/null || fail "not JSON: $output"
	run jq -c '{seen, created, updated, unchanged, skipped, ids_written}' "$T/report.json"
	assert_output '{"seen":10,"created":6,"updated":0,"unchanged":0,"skipped":4,"ids_written":0}'
	run jq -r '.skipped_files[].path' "$T/report.json"
	assert_equal "$(printf '%s\n' "${lines[@]}" | xargs -n1 basename | LC_ALL=C sort | tr '\n' ' ')" \
	    "binary.md broken.md link.md nul.md "
	json_check 'all(.skipped_files[]; (.reason|type) == "string" and (.reason|length) > 0)' <"$T/report.json" >/dev/null
	[ "$(jq .bytes "$T/report.json")" -ge 10485760 ]

	# Each skipped file is reported on stderr with its path.
	for f in broken.md binary.md nul.md link.md; do
		printf '%s\n' "$stderr" | grep -E "^pake-vault: skipped .*$f: .+" >/dev/null ||
		    fail "$f not reported on stderr: $stderr"
	done
	[[ "$stderr" != *obsidian* && "$stderr" != *Trashed* && "$stderr" != *notes.txt* ]] ||
	    fail "dot folders or non-md files mentioned: $stderr"

	assert_equal "$(note_count)" 6
	pake-note list --json --limit 100 >"$T/list.json"
	for t in "Big note" "Block list note" "Inline list note" "Inner note"; do
		assert_equal "$(jq --arg t "$t" '[.notes[] | select(.title == $t)] | length' "$T/list.json")" 1
	done
	# The two without a title still have one (Obsidian shows the file name).
	json_check 'all(.notes[]; (.title|length) > 0)' <"$T/list.json" >/dev/null

	b=$(id_of "Block list note")
	run note_field "$b" '[.metadata.type, .metadata.status, (.metadata.tags|join(",")), .metadata.custom_key, .content] | join("|")'
	assert_output "InsightNote|Verified|alpha,beta|keep me|Block body."
	i=$(id_of "Inline list note")
	run note_field "$i" '[(.metadata.tags|join(",")), (.metadata.confidence_score|tostring)] | join("|")'
	assert_output "gamma,delta|0.4"
	n=$(id_of "Inner note")
	assert_equal "$(note_field "$n" '.metadata.tags|join(",")')" "one,two"
	# The file without frontmatter: all of it is the body.
	p=$(pake-search --ids frontmatter)
	[[ "$p" =~ $UUID_RE ]] || fail "plain.md not found by its text: $p"
	note_content "$p" | cmp "$S/plain.md" -
	# The empty file: an empty note.
	empties=0
	for id in $(jq -r '.notes[].pake_id' "$T/list.json"); do
		[ "$(note_field "$id" '.content|length')" = 0 ] && empties=$((empties + 1))
	done
	assert_equal "$empties" 1
	# The 10 MB note, byte for byte.
	g=$(id_of "Big note")
	note_content "$g" | cmp <(body_of "$S/big.md") -
	[ "$(body_of "$S/big.md" | wc -c)" -eq 10485760 ]
	# Never the file behind the symlink, never the dot folders.
	run --separate-stderr pake-search --ids secret
	assert_output ""
	run --separate-stderr pake-search --ids ignored
	assert_output ""
	# The source files are untouched without --write-ids.
	run grep -l pake_id "$S/plain.md" "$S/block.md" "$S/empty.md"
	assert_output ""
	# The notes are mirrored into the vault, and the vault agrees.
	assert_equal "$(md_count)" 6
	run --separate-stderr pake-db check
	assert_success
}

@test "must-show 5: the text summary line" {
	make_vault
	run --separate-stderr pake-vault import "$S"
	assert_equal "$status" 65
	assert_output "10 files: 6 created, 0 updated, 0 unchanged, 4 skipped"
}

@test "must-show 5: importing again creates no duplicates" {
	make_vault
	run --separate-stderr pake-vault import "$S"
	assert_equal "$status" 65
	before=$(pake-note list --json --limit 100 | json_ids)
	run --separate-stderr pake-vault import --json "$S"
	assert_equal "$status" 65
	run jq -c '{seen, created, updated, unchanged, skipped}' <<<"$output"
	assert_output '{"seen":10,"created":0,"updated":0,"unchanged":6,"skipped":4}'
	assert_equal "$(note_count)" 6
	assert_equal "$(pake-note list --json --limit 100 | json_ids)" "$before"
	assert_equal "$(md_count)" 6
}

@test "import: a changed file updates its note" {
	mkdir -p "$S"
	printf -- '---\ntitle: Changing\ntags: [a]\n---\nversion one\n' >"$S/c.md"
	run --separate-stderr pake-vault import "$S"
	assert_success
	id=$(id_of Changing)
	printf -- '---\ntitle: Changing\ntags: [a, b]\n---\nversion two\n' >"$S/c.md"
	run --separate-stderr pake-vault import --json "$S"
	assert_success
	assert_equal "$(jq -c '{created, updated, unchanged}' <<<"$output")" '{"created":0,"updated":1,"unchanged":0}'
	assert_equal "$(note_count)" 1
	assert_equal "$(note_content "$id")" "version two"
	assert_equal "$(note_field "$id" '.metadata.tags|join(",")')" "a,b"
	body_of "$(vault_file "$id")" | grep -qx 'version two'
}

@test "import --write-ids writes pake_id into files that lacked one; no duplicates later" {
	make_vault
	printf -- '---\npake_id: 3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b\ntitle: Has an id\n---\nx\n' >"$S/hasid.md"
	cp "$S/hasid.md" "$T/hasid.orig"
	cp "$S/block.md" "$T/block.orig"
	run --separate-stderr pake-vault import --write-ids --json "$S"
	assert_equal "$status" 65
	echo "$output" >"$T/r1.json"
	assert_equal "$(jq -c '{created, skipped, ids_written}' "$T/r1.json")" '{"created":7,"skipped":4,"ids_written":6}'
	# Every imported file now names its note; the one that had an id is unchanged.
	cmp "$T/hasid.orig" "$S/hasid.md"
	for f in block inline plain empty big nested/deep/inner; do
		id=$(fm_of "$S/$f.md" | sed -n 's/^pake_id: *//p' | tr -d "\"'")
		[[ "$id" =~ $UUID_RE ]] || fail "$f.md: no pake_id written"
		pake-note get "$id" >/dev/null || fail "$f.md: $id is not a note"
	done
	# The rest of the file is kept: block.md is its old self plus one line.
	diff <(grep -v '^pake_id:' "$S/block.md") "$T/block.orig"
	# Skipped files and the file outside are not touched.
	run grep -l pake_id "$S/broken.md" "$S/binary.md" "$T/outside/secret.md"
	assert_output ""
	[ -L "$S/link.md" ]
	# Later imports find the same notes.
	run --separate-stderr pake-vault import --write-ids --json "$S"
	assert_equal "$status" 65
	assert_equal "$(jq -c '{created, updated, unchanged, ids_written}' <<<"$output")" \
	    '{"created":0,"updated":0,"unchanged":7,"ids_written":0}'
	assert_equal "$(note_count)" 7
	# Even a copy of the folder elsewhere: the ids are in the files now.
	cp -r "$S" "$T/copy"
	run --separate-stderr pake-vault import --json "$T/copy"
	assert_equal "$(jq -r .created <<<"$output")" 0
	assert_equal "$(note_count)" 7
}

@test "import: too large files are skipped with a reason (max_note_bytes)" {
	mkdir -p "$S"
	head -c 5000 /dev/zero | tr '\0' 'x' >"$S/large.md"
	printf 'small\n' >"$S/small.md"
	run --separate-stderr pake-vault --set max_note_bytes=2048 import --json "$S"
	assert_equal "$status" 65
	assert_equal "$(jq -c '{created, skipped}' <<<"$output")" '{"created":1,"skipped":1}'
	[[ "$stderr" == *"skipped"*"large.md"* ]] || fail "$stderr"
}

@test "import: a file whose title leaves the vault is skipped, nothing written outside" {
	mkdir -p "$S"
	printf -- '---\ntitle: ../../../escaped-by-import\n---\nx\n' >"$S/evil.md"
	printf -- '---\ntitle: /tmp/escaped-by-import-%s\n---\nx\n' "$$" >"$S/evil2.md"
	printf -- '---\ntitle: fine\n---\nx\n' >"$S/fine.md"
	run --separate-stderr pake-vault import --json "$S"
	assert_equal "$status" 65
	assert_equal "$(jq -c '{created, skipped}' <<<"$output")" '{"created":1,"skipped":2}'
	run find "$BATS_TEST_TMPDIR/.." /tmp -maxdepth 3 -name '*escaped-by-import*'
	assert_output ""
}

@test "import: missing folder is not_found (66); no argument is usage (64)" {
	run --separate-stderr pake-vault import "$T/nope"
	assert_equal "$status" 66
	run --separate-stderr pake-vault import
	assert_equal "$status" 64
}

@test "import of the vault itself keeps the files where they are" {
	mkdir -p "$PAKE_VAULT/02-Areas"
	printf -- '---\ntitle: Hand made\ntype: InsightNote\n---\nmine\n' >"$PAKE_VAULT/02-Areas/Hand made.md"
	run --separate-stderr pake-vault import "$PAKE_VAULT"
	assert_success
	assert_equal "$(md_count)" 1
	id=$(id_of "Hand made")
	assert_equal "$(note_field "$id" .file_path)" "02-Areas/Hand made.md"
	run --separate-stderr pake-vault import --json "$PAKE_VAULT"
	assert_success
	assert_equal "$(jq -r .created <<<"$output")" 0
	assert_equal "$(note_count)" 1
}

@test "export DIR writes every note" {
	a=$(add_body "Export one" $'first\r\nbody')
	b=$(add_body "Export two" $'second\n' --type InsightNote --tag t)
	c=$(add_body "Export two" $'third\n' --type InsightNote)
	run --separate-stderr pake-vault export "$T/out"
	assert_success
	assert_output "3 notes exported to $T/out"
	assert_equal "$(md_count "$T/out")" 3
	for id in "$a" "$b" "$c"; do
		f="$T/out/$(note_field "$id" .file_path)"
		[ -f "$f" ] || fail "missing $f"
		cmp "$(vault_file "$id")" "$f"
		note_content "$id" | cmp - <(body_of "$f")
	done
	run --separate-stderr pake-vault export --json "$T/out2"
	assert_success
	assert_equal "$(jq -r .exported <<<"$output")" 3
	# An export imports back into a fresh database as the same notes.
	db_init "$T/db2/pake.db"
	run --separate-stderr env PAKE_DB="$T/db2/pake.db" PAKE_VAULT="$T/vault2" \
	    pake-vault import "$T/out"
	assert_success
	for id in "$a" "$b" "$c"; do
		diff <(note_json "$id" | jq -S 'del(.file_path, .version)') \
		    <(PAKE_DB="$T/db2/pake.db" PAKE_VAULT="$T/vault2" note_json "$id" | jq -S 'del(.file_path, .version)')
	done
}

@test "import: unknown frontmatter keys are kept through edits and written back" {
	mkdir -p "$S"
	cat >"$S/extra.md" <<'EOF2'
---
title: Extra keys
aliases:
  - first alias
  - second alias
custom_key: keep me
rating: 4
---
Body.
EOF2
	run --separate-stderr pake-vault import "$S"
	assert_success
	id=$(id_of "Extra keys")
	run note_field "$id" '[.metadata.custom_key, (.metadata.rating|tostring), (.metadata.aliases|join(","))] | join("|")'
	assert_output "keep me|4|first alias,second alias"
	pake-note edit "$id" --status Verified --tag new >/dev/null
	run note_field "$id" '[.metadata.custom_key, (.metadata.rating|tostring), (.metadata.aliases|join(",")), .metadata.status] | join("|")'
	assert_output "keep me|4|first alias,second alias|Verified"
	file=$(vault_file "$id")
	fm_of "$file" >"$T/fm"
	grep -q '^custom_key: .\?keep me' "$T/fm" || fail "$(cat "$T/fm")"
	grep -q '^rating: .\?4' "$T/fm" || fail "$(cat "$T/fm")"
	grep -q 'second alias' "$T/fm" || fail "$(cat "$T/fm")"
	# And the written file imports back to the same metadata.
	db_init "$T/db2/pake.db"
	run --separate-stderr env PAKE_DB="$T/db2/pake.db" PAKE_VAULT="$T/vault2" pake-vault import "$PAKE_VAULT"
	assert_success
	diff <(note_json "$id" | jq -S 'del(.file_path, .version)') \
	    <(PAKE_DB="$T/db2/pake.db" note_json "$id" | jq -S 'del(.file_path, .version)')
}

@test "import refuses times that are not ISO 8601; a note stored with one before can still be edited" {
	mkdir -p "$T/in"
	printf -- '---\ntitle: Bad date\ncreated_at: yesterday\n---\nx\n' >"$T/in/bad.md"
	printf -- '---\ntitle: Bad modified\nmodified_at: 31/01/2026\n---\nx\n' >"$T/in/bad2.md"
	printf -- '---\ntitle: Good date\ncreated_at: 2026-01-31T10:00:00Z\nmodified_at: 2026-02-01\n---\nx\n' >"$T/in/good.md"
	run --separate-stderr pake-vault import "$T/in"
	assert_equal "$status" 65
	[[ "$stderr" == *"bad.md: a field is invalid"* ]] || fail "$stderr"
	[[ "$stderr" == *"bad2.md: a field is invalid"* ]] || fail "$stderr"
	assert_equal "$(pake-note list --json | jq -r '[.notes[].metadata.title] | join(",")')" "Good date"
	pake-note list --json | jq -e '.notes[0].metadata.created_at | startswith("2026-01-31T10:00:00")' >/dev/null
	# A note a 0.1 import stored with "yesterday": edits repair the time.
	id=$(pake-note list --json | jq -r '.notes[0].pake_id')
	sqlite3 "$T/db/pake.db-stores/default.db" "UPDATE notes SET created_at = 'yesterday' WHERE pake_id = '$id'"
	run --separate-stderr pake-note edit --json "$id" --status Verified
	assert_success
	echo "$output" | jq -e '.metadata.created_at | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T")' >/dev/null
}
