#!/usr/bin/env bats
# ops.bats: the registry operations behind pake-http's POST /search and
# /quick, POST /obsidian/sync and GET /health, driven through pake-op (the
# generic door to the registry); pake-health; and pake-db check, which now
# runs on the same health checks and must read as it always has.
#
# Refusals are checked three ways: the exit status (sysexits), the code of
# the error envelope pake-op prints on stdout, and that nothing changed
# (state before and after).

bats_require_minimum_version 1.5.0
load helpers

setup() {
	pake_setup
	require_tool pake-op pake-health pake-note pake-db
}

# op NAME JSON: run pake-op NAME JSON (stdout: the JSON, stderr apart).
op() { run --separate-stderr pake-op "$@"; }

# refused STATUS CODE: the last op exited STATUS with error envelope CODE.
refused() {
	assert_equal "$status" "$1"
	printf '%s\n' "$output" | json_check --arg c "$2" '.error.code == $c'
}

# sync TYPE PATH: an obsidian_sync event.
sync() {
	op obsidian_sync "$(jq -nc --arg t "$1" --arg p "$2" \
	    '{event: {type: $t, filepath: $p}}')"
}

# search JSON: the search operation.
search() { op search "$1"; }

# state: what a refusal must not change: notes (ids, paths, bodies) and
# every file outside the database.
state() {
	pake-note list --json --limit 100 |
	    jq -c '[.notes[] | {pake_id, file_path, m: .metadata.modified_at}]'
	snapshot
	find "$T" -type f ! -name 'pake.db*' ! -path '*/pake.db-stores/*' -print0 |
	    LC_ALL=C sort -z |
	    xargs -0 -r sha1sum
}

# --- pake-op ---------------------------------------------------------------

@test "pake-op --list names every operation with its description" {
	export PAKE_DB=$T/none/pake.db
	run --separate-stderr pake-op --list
	assert_success
	assert_line --regexp '^search +Search several sources'
	assert_line --regexp '^obsidian_sync +A file of the vault'
	assert_line --regexp '^health +Is the installation well'
	assert_line --regexp '^create_note +Create a markdown note'
	run --separate-stderr pake-op --list --json
	assert_success
	echo "$output" | json_check 'type == "array" and length > 20 and
	    (map(select(.name == "health"))[0] | .permission == "" and
	     (.hints | index("read_only")) and .input_schema.type == "object")
	    and (map(select(.name == "obsidian_sync"))[0].permission ==
	     "notes:write")'
	# --list needs no database and makes none.
	[ ! -e "$T/none" ]
}

@test "pake-op: input from the argument, from standard input, or {}" {
	id=$(add_body "Piped op" $'op body\n')
	op get_note "{\"pake_id\":\"$id\"}"
	assert_success
	echo "$output" | json_check --arg id "$id" '.pake_id == $id and .content == "op body\n"'
	run --separate-stderr bash -c "printf '{\"pake_id\":\"%s\"}' $id | pake-op get_note"
	assert_success
	echo "$output" | json_check '.title == "Piped op"'
	# No input at all is {}: list_notes takes that.
	op list_notes
	assert_success
	echo "$output" | json_check '.count == 1'
}

@test "pake-op: usage errors are 64, bad JSON is invalid_params (65)" {
	run --separate-stderr pake-op
	assert_equal "$status" 64
	run --separate-stderr pake-op no_such_operation '{}'
	assert_equal "$status" 64
	[[ "$stderr" == *"unknown operation"* ]] || fail "$stderr"
	run --separate-stderr pake-op --bogus
	assert_equal "$status" 64
	run --separate-stderr pake-op search '{}' extra
	assert_equal "$status" 64
	op search '{"query": "x"'
	refused 65 invalid_params
	op search '{"query": "x"} trailing'
	refused 65 invalid_params
	op search '[1, 2]'
	refused 65 invalid_params
	run --separate-stderr bash -c "printf '{\"query\":\"x\"}\\0{}' | pake-op search"
	refused 65 invalid_params
	run --separate-stderr pake-op --help
	assert_success
	[[ "$output" == *usage* ]] || fail "$output"
}

# --- search ----------------------------------------------------------------

@test "search: vault results are real notes; web without SearxNG is reported unavailable" {
	a=$(add_body "TCP/IP basics" $'packets and routing\n' --tag net)
	b=$(add_body "Routing tables" $'more about routing\n' --summary "Tables")
	add_body "Cooking" $'pasta\n' >/dev/null
	search '{"query": "routing", "sources": ["vault", "web"]}'
	assert_success
	echo "$output" | json_check --arg a "$a" --arg b "$b" '
	    .success == true and .query == "routing" and
	    (.results | length) == 2 and
	    ([.results[].pake_id] | sort) == ([$a, $b] | sort) and
	    all(.results[]; .source == "vault" and
	        .url == "pake://notes/\(.pake_id)" and (has("score") | not) and
	        (.ml_enhancements.relevance_score | type) == "number" and
	        (.file_path | startswith("00-Inbox/")) and
	        .metadata.pake_id == .pake_id) and
	    (.results[] | select(.pake_id == $b) | .summary) == "Tables" and
	    (.results[] | select(.pake_id == $a) | .summary) == null and
	    .metadata.total_results == 2 and
	    .metadata.sources_used == ["vault", "web"] and
	    .metadata.sources_successful == ["vault"] and
	    .metadata.sources_failed == [{"source": "web", "reason": "unavailable",
	        "message": "Web search needs a SearxNG instance (research.searx_url)"}] and
	    (.metadata.execution_time_seconds | type == "number" and . >= 0 and . < 10) and
	    (.metadata.timestamp | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z$")) and
	    .metadata.ml_enhancement_enabled == true and
	    .metadata.content_summarization_enabled == false'
	# The titles and files are those of the notes themselves.
	assert_equal "$(echo "$output" | jq -r --arg a "$a" '.results[] | select(.pake_id == $a) | .file_path')" \
	    "$(note_field "$a" .file_path)"
}

@test "search: the Python default sources, all unreachable: success false, no results, each failure said" {
	add_body "Anything" $'routing\n' >/dev/null
	# no SearxNG; arXiv and PubMed where nothing listens (tests never
	# reach the internet: research.bats serves them for real)
	printf '[fetch]\nallow_private = yes\n[research]\narxiv_url = http://127.0.0.1:9/api/query\npubmed_url = http://127.0.0.1:9/eutils\n' >"$PAKE_CONFIG"
	search '{"query": "routing"}'
	assert_success
	echo "$output" | json_check '.success == false and .results == [] and
	    .metadata.total_results == 0 and
	    .metadata.sources_used == ["web", "arxiv", "pubmed"] and
	    .metadata.sources_successful == [] and
	    ([.metadata.sources_failed[] | .source] == ["web", "arxiv", "pubmed"]) and
	    all(.metadata.sources_failed[]; .reason == "unavailable") and
	    .metadata.sources_failed[1].message == "The service did not answer"'
	# The whole Python request body is accepted unchanged.
	search '{"query": "machine learning", "sources": ["web", "arxiv", "pubmed"],
	    "max_results": 10, "enable_ml_enhancement": true,
	    "enable_content_summarization": false}'
	assert_success
	echo "$output" | json_check '.success == false and
	    .metadata.ml_enhancement_enabled == true'
}

@test "search: vault alone with no match succeeds with no results" {
	add_body "Something" $'else\n' >/dev/null
	search '{"query": "zebra", "sources": ["vault"]}'
	assert_success
	echo "$output" | json_check '.success == true and .results == [] and
	    .metadata.sources_successful == ["vault"] and
	    .metadata.sources_failed == []'
	# A source named twice is searched once.
	search '{"query": "else", "sources": ["vault", "vault"]}'
	assert_success
	echo "$output" | json_check '(.results | length) == 1 and
	    .metadata.sources_used == ["vault"]'
}

@test "search: query must be 1 to 500 characters (65 otherwise)" {
	add_body "Long" $'word\n' >/dev/null
	search '{"query": "", "sources": ["vault"]}'
	refused 65 invalid_params
	q=$(printf 'a%.0s' $(seq 501))
	search "{\"query\": \"$q\", \"sources\": [\"vault\"]}"
	refused 65 invalid_params
	q=$(printf 'a%.0s' $(seq 500))
	search "{\"query\": \"$q\", \"sources\": [\"vault\"]}"
	assert_success
	# Characters, not bytes: 500 two-byte letters are fine.
	q=$(printf 'é%.0s' $(seq 500))
	search "{\"query\": \"$q\", \"sources\": [\"vault\"]}"
	assert_success
	search '{"sources": ["vault"]}'
	refused 65 invalid_params
	search '{"query": 42}'
	refused 65 invalid_params
	# Query text is pake's syntax and never an error.
	search '{"query": "\"unclosed -( * OR", "sources": ["vault"]}'
	assert_success
}

@test "search: max_results is 1 to 50 and caps the results; quick defaults to 5" {
	for i in $(seq 12); do add_body "Match $i" $'common word\n' >/dev/null; done
	for bad in 0 51 -1 2.5 '"3"' null; do
		search "{\"query\": \"common\", \"sources\": [\"vault\"], \"max_results\": $bad}"
		refused 65 invalid_params
	done
	search '{"query": "common", "sources": ["vault"], "max_results": 3}'
	assert_success
	echo "$output" | json_check '(.results | length) == 3 and .metadata.total_results == 3'
	search '{"query": "common", "sources": ["vault"], "max_results": 50}'
	echo "$output" | json_check '(.results | length) == 12'
	search '{"query": "common", "sources": ["vault"]}'
	echo "$output" | json_check '(.results | length) == 10'
	search '{"query": "common", "sources": ["vault"], "quick": true}'
	# /quick's own shape (SEED-API 1.5), sources_processed really counted
	echo "$output" | json_check '(.results | length) == 5 and .success and
	    .summary.total_results == 5 and .summary.sources_processed == 1 and
	    .summary.performance == "excellent" and
	    .summary.ml_enhancement_enabled == true and
	    .summary.content_summarization_enabled == false and
	    (.timestamp | test("^20")) and (has("metadata") | not)'
	search '{"query": "common", "sources": ["vault"], "quick": true, "max_results": 7}'
	echo "$output" | json_check '(.results | length) == 7'
}

@test "search: wrong types and unknown values are invalid_params" {
	local bad
	for bad in '"sources": "vault"' '"sources": ["bing"]' '"sources": []' \
	    '"sources": [1]' '"enable_ml_enhancement": "yes"' \
	    '"enable_content_summarization": 1' '"surprise": true' \
	    '"quick": "true"'; do
		search "{\"query\": \"x\", $bad}"
		refused 65 invalid_params
	done
}

@test "search: only the acting tenant's notes, and only with search:read" {
	require_tool pake-tenant
	add_body "Default secret" $'alpha words\n' >/dev/null
	pake-tenant tenant create other >/dev/null
	PAKE_TENANT=other add_body "Other secret" $'beta words\n' >/dev/null
	search '{"query": "secret", "sources": ["vault"]}'
	echo "$output" | json_check '[.results[].title] == ["Default secret"]'
	PAKE_TENANT=other run --separate-stderr pake-op search '{"query": "secret", "sources": ["vault"]}'
	echo "$output" | json_check '[.results[].title] == ["Other secret"]'
	tok=$(pake-tenant token create --scopes notes:read 2>/dev/null)
	PAKE_TOKEN=$tok run --separate-stderr pake-op search '{"query": "secret", "sources": ["vault"]}'
	refused 77 forbidden
	tok=$(pake-tenant token create --scopes notes:read,search:read 2>/dev/null)
	PAKE_TOKEN=$tok run --separate-stderr pake-op search '{"query": "secret", "sources": ["vault"]}'
	assert_success
}

# --- obsidian_sync ---------------------------------------------------------

@test "obsidian_sync: created, modified, deleted round trip of a hand-written file" {
	mkdir -p "$PAKE_VAULT/Notes"
	f="$PAKE_VAULT/Notes/Hand written.md"
	printf -- '---\ntitle: Hand written\ntags: [garden, soil]\n---\nFirst words.\n' >"$f"
	cp "$f" "$T/orig.md"
	sync created "Notes/Hand written.md"
	assert_success
	echo "$output" | json_check '.success == true and .event == "created" and
	    .filepath == "Notes/Hand written.md" and .action == "created" and
	    .file_path == "Notes/Hand written.md"'
	id=$(echo "$output" | jq -r .pake_id)
	[[ "$id" =~ $UUID_RE ]] || fail "$id"
	assert_equal "$(note_field "$id" .title)" "Hand written"
	assert_equal "$(note_content "$id")" "First words."
	assert_equal "$(note_field "$id" '.metadata.tags | join(",")')" "garden,soil"
	# The file is the note: pake neither moved nor rewrote it.
	cmp "$T/orig.md" "$f"
	assert_equal "$(md_count)" 1

	# The same event again changes nothing.
	sync modified "Notes/Hand written.md"
	assert_success
	echo "$output" | json_check --arg id "$id" '.action == "unchanged" and .pake_id == $id'

	# An edit in Obsidian reaches the note and the search index.
	printf -- '---\ntitle: Hand written\ntags: [garden]\n---\nCompost and worms.\n' >"$f"
	sync modified "Notes/Hand written.md"
	assert_success
	echo "$output" | json_check --arg id "$id" '.action == "updated" and .pake_id == $id'
	assert_equal "$(note_content "$id")" "Compost and worms."
	run --separate-stderr pake-search --ids worms
	assert_output "$id"
	assert_equal "$(note_count)" 1

	# An absolute path inside the vault is the same file.
	sync modified "$f"
	assert_success
	echo "$output" | json_check --arg id "$id" '.action == "unchanged" and .pake_id == $id'

	# Deleting needs the file gone first: a stale event deletes nothing.
	sync deleted "Notes/Hand written.md"
	refused 75 conflict
	assert_equal "$(note_count)" 1
	rm "$f"
	sync deleted "Notes/Hand written.md"
	assert_success
	echo "$output" | json_check --arg id "$id" '.action == "deleted" and .pake_id == $id'
	run --separate-stderr pake-note get "$id"
	assert_equal "$status" 66
	assert_equal "$(note_count)" 0
	# Again: nothing to delete, nothing to complain about.
	sync deleted "Notes/Hand written.md"
	assert_success
	echo "$output" | json_check '.action == "ignored" and .pake_id == null'
	run --separate-stderr pake-db check
	assert_success
	assert_equal "$(md_count)" 0
}

@test "obsidian_sync: a pake note edited in Obsidian, then renamed there" {
	id=$(add_body "Pake made" $'from pake\n' --tag t)
	file=$(vault_file "$id")
	rel=$(note_field "$id" .file_path)
	sed -i 's/from pake/edited in Obsidian/' "$file"
	sync modified "$rel"
	assert_success
	echo "$output" | json_check --arg id "$id" '.action == "updated" and .pake_id == $id'
	assert_equal "$(note_content "$id")" "edited in Obsidian"
	assert_equal "$(note_count)" 1

	# Renamed in Obsidian (the new name reported first): the note follows
	# its file instead of being written back under the old name.
	mv "$file" "$PAKE_VAULT/00-Inbox/New name.md"
	sync created "00-Inbox/New name.md"
	assert_success
	echo "$output" | json_check --arg id "$id" '.action == "updated" and
	    .pake_id == $id and .file_path == "00-Inbox/New name.md"'
	sync deleted "$rel"
	assert_success
	echo "$output" | json_check '.action == "ignored"'
	assert_equal "$(note_field "$id" .file_path)" "00-Inbox/New name.md"
	assert_equal "$(md_count)" 1
	run --separate-stderr pake-db check
	assert_success
	assert_line "vault: ok"
}

@test "obsidian_sync: a copy of a note's file is refused, the note untouched" {
	id=$(add_body "Original" $'original body\n')
	file=$(vault_file "$id")
	sed 's/original body/copied and changed/' "$file" >"$PAKE_VAULT/00-Inbox/Original 1.md"
	before=$(state)
	sync created "00-Inbox/Original 1.md"
	refused 75 conflict
	assert_equal "$(state)" "$before"
	assert_equal "$(note_content "$id")" "original body"
}

@test "obsidian_sync: a file without frontmatter, and files that are not notes" {
	mkdir -p "$PAKE_VAULT/.obsidian" "$PAKE_VAULT/folder.md" "$PAKE_VAULT/a"
	printf '# Plain\n\nno frontmatter\n' >"$PAKE_VAULT/a/plain.md"
	sync created a/plain.md
	assert_success
	id=$(echo "$output" | jq -r .pake_id)
	echo "$output" | json_check '.action == "created" and .file_path == "a/plain.md"'
	assert_equal "$(note_field "$id" .title)" "plain"
	# Known by its path next time, not created twice.
	printf '# Plain\n\nmore\n' >"$PAKE_VAULT/a/plain.md"
	sync modified a/plain.md
	echo "$output" | json_check --arg id "$id" '.action == "updated" and .pake_id == $id'
	assert_equal "$(note_count)" 1

	printf 'x' >"$PAKE_VAULT/picture.png"
	printf -- '---\ntitle: ws\n---\n' >"$PAKE_VAULT/.obsidian/ws.md"
	for p in picture.png .obsidian/ws.md folder.md a; do
		sync created "$p"
		assert_success
		echo "$output" | json_check '.action == "ignored" and .pake_id == null'
	done
	assert_equal "$(note_count)" 1
	sync created a/missing.md
	refused 66 not_found
}

@test "obsidian_sync: files an import would skip are errors, nothing stored" {
	mkdir -p "$PAKE_VAULT"
	printf -- '---\ntitle: [unclosed\n---\nbody\n' >"$PAKE_VAULT/broken.md"
	printf -- '---\ntitle: bytes\n---\n\xff\xfe\n' >"$PAKE_VAULT/binary.md"
	printf -- '---\ntitle: "../../escape"\n---\nbody\n' >"$PAKE_VAULT/escape.md"
	printf -- '---\ntitle: big\n---\n%s\n' "$(head -c 3000 /dev/zero | tr '\0' x)" >"$PAKE_VAULT/big.md"
	before=$(state)
	sync created broken.md
	refused 65 invalid_params
	[[ "$stderr" == *"not a valid note"* ]] || fail "$stderr"
	sync created binary.md
	refused 65 invalid_params
	sync created escape.md
	refused 65 security_violation
	PAKE_MAX_NOTE_BYTES=1024 run --separate-stderr pake-op obsidian_sync \
	    '{"event": {"type": "created", "filepath": "big.md"}}'
	refused 65 payload_too_large
	assert_equal "$(state)" "$before"
	assert_equal "$(note_count)" 0
}

@test "obsidian_sync: paths that leave the vault are security_violation (65), nothing read or written" {
	mkdir -p "$PAKE_VAULT/sub" "$T/outside"
	printf -- '---\ntitle: Outside secret\n---\ntop secret words\n' >"$T/outside/secret.md"
	ln -s "$T/outside/secret.md" "$PAKE_VAULT/sub/link.md"
	ln -s "$T/outside" "$PAKE_VAULT/linkdir"
	id=$(add_body "Inside" $'inside\n')
	before=$(state)
	local p type
	for type in created modified deleted; do
		for p in ../../etc/passwd /etc/passwd ../outside/secret.md \
		    "$T/outside/secret.md" sub/link.md linkdir/secret.md \
		    '%2e%2e%2foutside%2fsecret.md' '..%2foutside%2fsecret.md' \
		    '%252e%252e%252foutside%252fsecret.md' 'sub/../../outside/secret.md' \
		    '..\..\outside\secret.md' 'C:\Windows\win.ini' '\\server\share\x.md' \
		    'sub/%00/../../x.md' "$PAKE_VAULT/../outside/secret.md" \
		    "$PAKE_VAULT/sub/link.md"; do
			sync "$type" "$p"
			[ "$status" -eq 65 ] || fail "$type $p: exit $status: $output"
			printf '%s\n' "$output" | json_check '.error ==
			    {"code": "security_violation", "message": "Security violation detected"}'
			[[ "$output$stderr" != *"$T"* ]] || fail "the path leaked: $output $stderr"
		done
	done
	assert_equal "$(state)" "$before"
	run --separate-stderr pake-search --ids secret
	assert_output ""
	# A control character is simply invalid.
	sync created $'sub/new\nline.md'
	refused 65 invalid_params
}

@test "obsidian_sync: another tenant's vault is outside this tenant's" {
	require_tool pake-tenant
	pake-tenant tenant create other >/dev/null
	mkdir -p "$PAKE_VAULT"
	printf -- '---\ntitle: Default file\n---\nbody\n' >"$PAKE_VAULT/d.md"
	PAKE_TENANT=other run --separate-stderr pake-op obsidian_sync \
	    "{\"event\": {\"type\": \"created\", \"filepath\": \"$PAKE_VAULT/d.md\"}}"
	refused 65 security_violation
	# Its own vault works, relative to it.
	vdir=$(dirname "$PAKE_DB")/tenants/other
	mkdir -p "$vdir"
	printf -- '---\ntitle: Other file\n---\nbody\n' >"$vdir/o.md"
	PAKE_TENANT=other run --separate-stderr pake-op obsidian_sync \
	    '{"event": {"type": "created", "filepath": "o.md"}}'
	assert_success
	echo "$output" | json_check '.action == "created"'
	assert_equal "$(note_count)" 1
	run --separate-stderr pake-note list --json
	echo "$output" | json_check '.count == 0'
}

@test "obsidian_sync: permissions: notes:write, and notes:delete for deleted" {
	require_tool pake-tenant
	mkdir -p "$PAKE_VAULT"
	printf -- '---\ntitle: Perm\n---\nbody\n' >"$PAKE_VAULT/p.md"
	ro=$(pake-tenant token create --scopes notes:read,search:read 2>/dev/null)
	rw=$(pake-tenant token create --scopes notes:read,notes:write 2>/dev/null)
	PAKE_TOKEN=$ro run --separate-stderr pake-op obsidian_sync \
	    '{"event": {"type": "created", "filepath": "p.md"}}'
	refused 77 forbidden
	PAKE_TOKEN=$rw run --separate-stderr pake-op obsidian_sync \
	    '{"event": {"type": "created", "filepath": "p.md"}}'
	assert_success
	rm "$PAKE_VAULT/p.md"
	PAKE_TOKEN=$rw run --separate-stderr pake-op obsidian_sync \
	    '{"event": {"type": "deleted", "filepath": "p.md"}}'
	refused 77 forbidden
	assert_equal "$(note_count)" 1
	# Bad shapes.
	for bad in '{}' '{"event": {"type": "renamed", "filepath": "p.md"}}' \
	    '{"event": {"type": "created"}}' '{"event": {"type": "created", "filepath": ""}}' \
	    '{"event": {"type": "created", "filepath": 7}}' '{"event": "p.md"}'; do
		op obsidian_sync "$bad"
		refused 65 invalid_params
	done
}

# --- health ----------------------------------------------------------------

@test "pake-health: a fresh installation is healthy, one line per check" {
	run --separate-stderr pake-health
	assert_success
	assert_equal "$output" "$(printf '%s: ok\n' database schema wal vault_dir pending disk)"
	run --separate-stderr pake-health --json
	assert_success
	echo "$output" | json_check '.status == "ok" and
	    [.checks[].name] == ["database", "schema", "wal", "vault_dir", "pending", "disk"] and
	    all(.checks[]; .ok == true and (.detail | type == "string"))'
	run --separate-stderr pake-health --thorough
	assert_success
	assert_line "integrity: ok"
	assert_line "fts: ok"
	assert_line "vault: ok"
	# The same from the registry, as GET /health asks it.
	op health
	assert_success
	echo "$output" | json_check '.status == "ok" and (.checks | length) == 6'
	run --separate-stderr pake health
	assert_success
	run --separate-stderr pake help
	assert_line --regexp '^ *health '
	assert_line --regexp '^ *op '
}

@test "pake-health: a failing check is FAIL with its reason, exit 1" {
	mkdir -p "$T"
	: >"$T/vaultfile"
	PAKE_VAULT=$T/vaultfile run --separate-stderr pake-health
	assert_equal "$status" 1
	assert_line "vault_dir: FAIL not a folder"
	assert_line "database: ok"
	PAKE_VAULT=$T/vaultfile run --separate-stderr pake-health --json
	assert_equal "$status" 1
	echo "$output" | json_check '.status == "fail" and
	    (.checks[] | select(.name == "vault_dir") | .ok == false and .detail == "not a folder")'
	# A vault not created yet is fine: the first note makes it.
	PAKE_VAULT=$T/not/yet run --separate-stderr pake-health
	assert_success
}

@test "pake-health --thorough: the vault against the database" {
	id=$(add_body "Will vanish" $'body\n')
	rm "$(vault_file "$id")"
	run --separate-stderr pake-health
	assert_success
	run --separate-stderr pake-health --thorough
	assert_equal "$status" 1
	assert_line "vault: FAIL 1 missing, 0 stale, 0 orphans, 0 pending"
	# The thorough checks are for whoever manages tenants.
	require_tool pake-tenant
	tok=$(pake-tenant token create 2>/dev/null)
	PAKE_TOKEN=$tok run --separate-stderr pake-op health '{"thorough": true}'
	refused 77 forbidden
	PAKE_TOKEN=$tok run --separate-stderr pake-op health
	assert_success
}

@test "pake-health: a database it cannot use is unhealthy, not an error" {
	add_body "x" $'y\n' >/dev/null
	sqlite3 "$PAKE_DB" 'PRAGMA user_version = 999'
	run --separate-stderr pake-health
	assert_equal "$status" 1
	assert_output "database: FAIL The database is newer than this program"
	run --separate-stderr pake-health --json
	assert_equal "$status" 1
	echo "$output" | json_check '.status == "fail" and .checks[0].name == "database"'
}

@test "pake-health, pake-op: usage and man pages" {
	local t
	export PAKE_DB=$T/none/pake.db
	for t in pake-health pake-op; do
		[ -f "$REPO_DIR/man/man1/$t.1" ] || fail "no man page for $t"
	done
	run --separate-stderr pake-health --help
	assert_success
	[[ "$output" == *usage* ]] || fail "$output"
	[ ! -e "$PAKE_DB" ]
	export PAKE_DB=$T/db/pake.db
	run --separate-stderr pake-health --bogus
	assert_equal "$status" 64
	run --separate-stderr pake-health --tenant nosuch
	assert_equal "$status" 66
}

@test "health: too many pending vault syncs fail the pending check; repair clears them" {
	add_body "Real" $'note\n' >/dev/null
	sqlite3 "$PAKE_DB-stores/default.db" "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000)
	    INSERT INTO vault_pending(pake_id, file_path)
	    SELECT printf('00000000-0000-4000-8000-%012d', i), printf('00-Inbox/ghost-%d.md', i) FROM n"
	run --separate-stderr pake-health
	assert_equal "$status" 1
	assert_line "pending: FAIL 1000 waiting, limit 1000"
	# pake-db check shows the failed quick check above its usual lines.
	run --separate-stderr pake-db check
	assert_equal "$status" 1
	assert_equal "${lines[0]}" "pending: FAIL 1000 waiting, limit 1000"
	assert_line "integrity: ok"
	run --separate-stderr pake-db check --repair
	assert_success
	run --separate-stderr pake-health
	assert_success
}

# --- pake-db check reads as before ----------------------------------------

@test "pake-db check: the output of a clean and of a drifted vault, with the links line of the graph" {
	id=$(add_body "One" $'1\n')
	add_body "Two" $'2\n' --type InsightNote >/dev/null
	run --separate-stderr pake-db check
	assert_success
	assert_equal "$output" "$(printf 'integrity: ok\nfts: ok\nlinks: ok\nvault: ok')"
	run --separate-stderr pake-db check --json
	assert_success
	echo "$output" | json_check '.clean == true and .integrity == true and
	    .fts == true and .files == 2 and .missing == 0 and .stale == 0 and
	    .orphans == 0 and .untracked == 0 and .pending == 0 and
	    .repaired == 0 and .problems == [] and
	    ([.checks[].name] | index("integrity") and index("disk"))'
	rel=$(note_field "$id" .file_path)
	rm "$PAKE_VAULT/$rel"
	printf 'stray\n' >"$PAKE_VAULT/00-Inbox/stray.md"
	run --separate-stderr pake-db check
	assert_equal "$status" 1
	assert_equal "$output" "$(printf 'integrity: ok\nfts: ok\nlinks: ok\n  missing: %s\n  untracked: 00-Inbox/stray.md\nvault: 1 missing, 0 stale, 0 orphans, 0 pending\nvault: 1 untracked files (not notes; pake-vault import brings them in)' "$rel")"
	run --separate-stderr pake-db check --repair
	assert_success
	assert_line "vault: 1 missing, 0 stale, 0 orphans, 0 pending (repaired)"
	run --separate-stderr pake-db check --json
	assert_success
	echo "$output" | json_check '.clean == true and .untracked == 1 and
	    .problems == [{"problem": "untracked", "path": "00-Inbox/stray.md"}]'
}
