#!/usr/bin/env bats
# versions.bats: issue 9, "nothing lost": every change is a version (log,
# get --version, diff, restore, deleted notes, prune), conditional writes
# (--if-version, expected_version, ETag / If-Match / If-None-Match, 412),
# Idempotency-Key, and one write path for every front.

bats_require_minimum_version 1.5.0
load helpers
load http_helpers

PW='Str0ng-Passw0rd!'

setup() {
	pake_setup
	require_tool pake-note pake-http pake-tenant pake-db pake-vault pake-mcp
	http_setup
}

teardown() {
	stop_servers
}

@test "every change is a version: log, get --version, diff, and the vault file of each" {
	local id
	id=$(printf 'first paragraph\n' | pake-note add --title "Versioned" --tag a)
	printf 'first paragraph\n\nsecond paragraph\n' | pake-note edit "$id" --file - >/dev/null
	pake-note edit "$id" --status Verified >/dev/null
	run --separate-stderr pake-note log --json "$id"
	assert_success
	echo "$output" | json_check '[.versions[] | [.version, .op, .actor, .front]] ==
	    [[1,"create","owner","pake-note"],[2,"update","owner","pake-note"],[3,"update","owner","pake-note"]]'
	assert_equal "$(note_json "$id" | jq .version)" 3
	# Each state, byte for byte as the vault file was then.
	pake-note get "$id" --version 1 >"$T/v1.md"
	body_of "$T/v1.md" | cmp - <(printf 'first paragraph\n')
	grep -qx 'status: Raw' "$T/v1.md"
	pake-note get "$id" >"$T/v3.md"
	cmp "$T/v3.md" "$(vault_file "$id")"
	pake-note get "$id" --version 3 | cmp - "$T/v3.md"
	run --separate-stderr pake-note get --json "$id" --version 2
	echo "$output" | json_check '.version == 2 and .of_version.op == "update" and
	    (.content | contains("second paragraph"))'
	# diff: the last change by default, a unified diff of the markdown.
	run --separate-stderr pake-note diff "$id"
	assert_success
	assert_line -- '--- version 2'
	assert_line -- '+++ version 3'
	assert_line -- '-status: Raw'
	assert_line -- '+status: Verified'
	run --separate-stderr pake-note diff "$id" 1 2
	assert_line -- '+second paragraph'
	# The same diff as diff(1) gives for the two files.
	pake-note get "$id" --version 1 >"$T/a.md"
	pake-note get "$id" --version 2 >"$T/b.md"
	diff -u --label 'version 1' --label 'version 2' "$T/a.md" "$T/b.md" >"$T/want" || true
	pake-note diff "$id" 1 2 | cmp - "$T/want"
	# Versions that do not exist.
	run --separate-stderr pake-note get "$id" --version 9
	assert_equal "$status" 66
}

@test "must-show: two editors over HTTP: the stale PATCH is 412 with the current version, both paragraphs are kept" {
	local tok id etag
	mkuser default manager ed
	tok=$(mktoken default ed)
	serve no
	id=$(post_note "$tok" '{"title":"Shared","content":"base\n"}')
	# A and B both read it.
	hreq "$(auth "$tok")" "$URL/notes/$id"
	expect 200
	etag=$(hdr ETag)
	assert_equal "$etag" '"1"'
	# A appends and writes with If-Match: fine.
	hreq "$(auth "$tok")" -X PATCH -H 'Content-Type: application/json' -H "If-Match: $etag" \
	    -d '{"content":"base\nparagraph of A\n"}' "$URL/notes/$id"
	expect 200
	assert_equal "$(hdr ETag)" '"2"'
	# B appends to what it read and writes with the same If-Match: 412.
	hreq "$(auth "$tok")" -X PATCH -H 'Content-Type: application/json' -H "If-Match: $etag" \
	    -d '{"content":"base\nparagraph of B\n"}' "$URL/notes/$id"
	expect 412
	envelope precondition_failed
	printf '%s' "$BODY" | json_check '.error.detail | test("version 2")'
	# A bogus tag never matches.
	hreq "$(auth "$tok")" -X PATCH -H 'Content-Type: application/json' -H 'If-Match: "bogus"' \
	    -d '{"content":"x"}' "$URL/notes/$id"
	expect 412
	envelope precondition_failed
	# B re-reads, merges, writes with the new tag.
	hreq "$(auth "$tok")" -X PATCH -H 'Content-Type: application/json' -H 'If-Match: "2"' \
	    -d '{"content":"base\nparagraph of A\nparagraph of B\n"}' "$URL/notes/$id"
	expect 200
	hreq "$(auth "$tok")" "$URL/notes/$id"
	printf '%s' "$BODY" | json_check '.version == 3 and (.content | contains("paragraph of A") and contains("paragraph of B"))'
	# If-None-Match: 304 without a body while it is unchanged.
	hreq "$(auth "$tok")" -H 'If-None-Match: "3"' "$URL/notes/$id"
	expect 304
	[ -z "$BODY" ] || fail "a 304 with a body: $BODY"
	assert_equal "$(hdr ETag)" '"3"'
	hreq "$(auth "$tok")" -H 'If-None-Match: "2"' "$URL/notes/$id"
	expect 200
	# DELETE with a stale If-Match changes nothing.
	hreq "$(auth "$tok")" -X DELETE -H 'If-Match: "1"' "$URL/notes/$id"
	expect 412
	hreq "$(auth "$tok")" "$URL/notes/$id"
	expect 200
	# The history over HTTP.
	hreq "$(auth "$tok")" "$URL/notes/$id/versions"
	expect 200
	printf '%s' "$BODY" | json_check '[.versions[].op] == ["create","update","update"] and
	    ([.versions[].actor] | unique | length) == 1 and .versions[0].front == "pake-http"'
	hreq "$(auth "$tok")" "$URL/notes/$id/versions/1"
	expect 200
	printf '%s' "$BODY" | json_check '.content == "base\n" and .version == 1'
	hreq "$(auth "$tok")" "$URL/notes/$id/diff?from=1&to=3"
	expect 200
	printf '%s' "$BODY" | json_check '.diff | contains("+paragraph of A") and contains("+paragraph of B")'
	hreq "$(auth "$tok")" "$URL/notes/$id/versions/abc"
	expect 400
}

@test "must-show: a retried POST with the same Idempotency-Key makes one note" {
	local tok a b
	mkuser default user ed
	tok=$(mktoken default ed)
	serve no
	hreq "$(auth "$tok")" -H 'Content-Type: application/json' -H 'Idempotency-Key: k-123' \
	    -d '{"title":"Once","content":"x"}' "$URL/notes"
	expect 201
	a=$(printf '%s' "$BODY" | jq -r .pake_id)
	hreq "$(auth "$tok")" -H 'Content-Type: application/json' -H 'Idempotency-Key: k-123' \
	    -d '{"title":"Once","content":"x"}' "$URL/notes"
	expect 201
	b=$(printf '%s' "$BODY" | jq -r .pake_id)
	assert_equal "$b" "$a"
	printf '%s' "$BODY" | json_check '.replayed == true'
	assert_equal "$(note_count)" 1
	# Another key is another note.
	hreq "$(auth "$tok")" -H 'Content-Type: application/json' -H 'Idempotency-Key: k-124' \
	    -d '{"title":"Once","content":"x"}' "$URL/notes"
	expect 201
	assert_equal "$(note_count)" 2
}

@test "--if-version and expected_version: the CLI and MCP refuse a stale write and change nothing" {
	local id
	id=$(printf 'one\n' | pake-note add --title "Guarded")
	pake-note edit "$id" --status A >/dev/null
	before=$(note_json "$id")
	run --separate-stderr pake-note edit --json "$id" --if-version 1 --status B
	assert_equal "$status" 75
	echo "$output" | json_check '.error.code == "precondition_failed" and (.error.detail | test("version 2"))'
	run --separate-stderr pake-note rm "$id" --if-version 1
	assert_equal "$status" 75
	assert_equal "$(note_json "$id")" "$before"
	run --separate-stderr pake-note edit "$id" --if-version 2 --status B
	assert_success
	# MCP update_note with a stale expected_version: a tool error naming it.
	printf '%s\n' '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}' \
	    "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"update_note\",\"arguments\":{\"pake_id\":\"$id\",\"expected_version\":2,\"status\":\"C\"}}}" \
	    "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"update_note\",\"arguments\":{\"pake_id\":\"$id\",\"expected_version\":3,\"status\":\"C\"}}}" |
	    pake-mcp >"$T/mcp.out"
	jq -s -e 'map(select(.id == 2))[0] | .result.isError == true and
	    (.result.content[0].text | fromjson).error.code == "precondition_failed"' "$T/mcp.out" >/dev/null ||
	    fail "$(cat "$T/mcp.out")"
	jq -s -e 'map(select(.id == 3))[0] | .result.isError == false' "$T/mcp.out" >/dev/null ||
	    fail "$(cat "$T/mcp.out")"
	assert_equal "$(note_json "$id" | jq -r .metadata.status)" C
	assert_equal "$(pake-note log --json "$id" | jq -r '.versions[-1].front')" pake-mcp
}

@test "a deleted note is listed and restored under its id; restore is itself a version" {
	local id
	id=$(printf 'keep me\n' | pake-note add --title "Doomed" --type InsightNote)
	pake-note edit "$id" --status Verified >/dev/null
	pake-note rm "$id"
	[ ! -e "$PAKE_VAULT/02-Areas/Doomed.md" ] || fail "the file stayed"
	run --separate-stderr pake-note deleted --json
	echo "$output" | json_check --arg id "$id" '.deleted | length == 1 and .[0].pake_id == $id and .[0].title == "Doomed" and .[0].op == "delete"'
	run --separate-stderr pake-note restore "$id" 2
	assert_success
	assert_output "$id version 4"
	note_json "$id" | json_check '.metadata.status == "Verified" and .content == "keep me\n" and .version == 4'
	[ -f "$PAKE_VAULT/02-Areas/Doomed.md" ] || fail "no file after restore: $(find "$PAKE_VAULT")"
	run --separate-stderr pake-note deleted --json
	echo "$output" | json_check '.deleted == []'
	assert_equal "$(pake-note log --json "$id" | jq -c '[.versions[].op]')" '["create","update","delete","restore"]'
	# A delete has no state to restore.
	run --separate-stderr pake-note restore "$id" 3
	assert_equal "$status" 65
	run --separate-stderr pake-db check
	assert_success
}

@test "imports are versions too, and notes from before history get a baseline" {
	local id f
	id=$(printf 'body\n' | pake-note add --title "Imported later")
	f=$(vault_file "$id")
	# A note written before versions existed: drop its history rows.
	sqlite3 "$PAKE_DB-stores/default.db" "DELETE FROM note_versions"
	printf 'body\nhand edit\n' >>"$f"
	run --separate-stderr pake-vault import "$PAKE_VAULT"
	assert_success
	run --separate-stderr pake-note log --json "$id"
	echo "$output" | json_check '[.versions[] | [.version, .op]] == [[1,"baseline"],[2,"import"]]'
	pake-note get "$id" --version 1 | body_of /dev/stdin | cmp - <(printf 'body\n')
}

@test "must-show: 8 processes edit one note 200 times with --if-version retries: every edit is in the history, in order" {
	local id i
	id=$(printf 'start\n' | pake-note add --title "Contended")
	editor() {	# editor K: 25 appends of "K.n", each retried until it lands
		local k=$1 n v rc
		for n in $(seq 25); do
			while :; do
				pake-note get --json "$id" >"$T/read.$k"
				v=$(jq -r .version "$T/read.$k")
				body=$(jq -r .content "$T/read.$k")
				rc=0
				printf '%s\n%s\n' "$body" "$k.$n" | pake-note edit "$id" --if-version "$v" --file - \
				    >/dev/null 2>"$T/ed.$k.err" || rc=$?
				[ "$rc" -eq 0 ] && break
				[ "$rc" -eq 75 ] || { echo "editor $k: exit $rc: $(cat "$T/ed.$k.err")" >&2; return 1; }
			done
		done
	}
	for i in 1 2 3 4 5 6 7 8; do editor "$i" & done
	wait
	run --separate-stderr pake-note log --json "$id"
	echo "$output" | json_check '(.versions | length) == 201 and ([.versions[].version] == [range(1; 202)])'
	# The last state holds all 200 lines, each editor's in its own order.
	note_content "$id" >"$T/final"
	assert_equal "$(grep -c '^[1-8]\.[0-9]*$' "$T/final")" 200
	for i in 1 2 3 4 5 6 7 8; do
		assert_equal "$(grep "^$i\." "$T/final" | tr '\n' ' ')" "$(seq -f "$i.%g" 25 | tr '\n' ' ')"
	done
	# Each version adds exactly one line to the one before.
	for v in 50 100 200; do
		assert_equal "$(pake-note get --json "$id" --version "$v" | jq -j .content | wc -l)" "$v"
	done
}

@test "prune keeps the newest versions of each note; a deleted note keeps its last state" {
	local a b i
	a=$(printf '0\n' | pake-note add --title "Pruned")
	for i in 1 2 3 4 5; do pake-note edit "$a" --status "S$i" >/dev/null; done
	b=$(printf 'gone\n' | pake-note add --title "Gone")
	pake-note edit "$b" --status X >/dev/null
	pake-note rm "$b"
	run --separate-stderr pake-note prune
	assert_equal "$status" 65		# versions_keep is 0: keep everything
	run --separate-stderr pake-note prune --keep 2 --json
	assert_success
	echo "$output" | json_check '.keep == 2 and .dropped == 4'
	assert_equal "$(pake-note log --json "$a" | jq -c '[.versions[].version]')" '[5,6]'
	assert_equal "$(pake-note log --json "$b" | jq -c '[.versions[].version]')" '[1,2,3]'
	run --separate-stderr pake-note restore "$b" 2
	assert_success
	# versions_keep from the configuration.
	printf 'versions_keep = 1\n' >"$PAKE_CONFIG"
	run --separate-stderr pake-note prune --json
	echo "$output" | json_check '.keep == 1'
	assert_equal "$(pake-note log --json "$a" | jq -c '[.versions[].version]')" '[6]'
}

@test "must-show: importing a partial copy changes only what it states, and moves modified_at" {
	local id before
	id=$(printf 'old body\n' | pake-note add --title "Full" --type InsightNote --tag t1 --tag t2 \
	    --summary "A summary" --confidence 0.9 --status Verified)
	before=$(note_json "$id" | jq -r .metadata.modified_at)
	sleep 0.01
	mkdir -p "$T/copy"
	printf -- '---\npake_id: %s\ntitle: Full renamed\n---\nnew body\n' "$id" >"$T/copy/partial.md"
	run --separate-stderr pake-vault import "$T/copy"
	assert_success
	note_json "$id" | json_check --arg b "$before" '.title == "Full renamed" and .content == "new body\n" and
	    .metadata.type == "InsightNote" and .metadata.tags == ["t1","t2"] and
	    .metadata.summary == "A summary" and .metadata.confidence_score == 0.9 and
	    .metadata.status == "Verified" and .metadata.modified_at > $b'
	assert_equal "$(pake-note log --json "$id" | jq -r '.versions[-1].op')" import
	# The same copy again changes nothing: no new version, same time.
	before=$(note_json "$id" | jq -r .metadata.modified_at)
	run --separate-stderr pake-vault import "$T/copy"
	assert_success
	assert_equal "$(note_json "$id" | jq -r .metadata.modified_at)" "$before"
	assert_equal "$(pake-note log --json "$id" | jq '.versions | length')" 2
}

@test "must-show: a writer's temp file left by a crash is drift: health and check report it, repair removes it; a fresh one is left alone" {
	local id
	id=$(printf 'x\n' | pake-note add --title "Crashed")
	printf 'half' >"$PAKE_VAULT/00-Inbox/.0a1b2c3d.pake-tmp"
	touch -d '2 minutes ago' "$PAKE_VAULT/00-Inbox/.0a1b2c3d.pake-tmp"
	printf 'busy' >"$PAKE_VAULT/00-Inbox/.fedcba98.pake-tmp"	# a writer at work
	run --separate-stderr pake-health --thorough
	assert_equal "$status" 1
	assert_line --partial "vault: FAIL"
	run --separate-stderr pake-db check
	assert_failure
	assert_output --partial "temp: 00-Inbox/.0a1b2c3d.pake-tmp"
	refute_output --partial ".fedcba98"
	run --separate-stderr pake-db check --repair
	[ ! -e "$PAKE_VAULT/00-Inbox/.0a1b2c3d.pake-tmp" ] || fail "the stray temp file stayed"
	[ -e "$PAKE_VAULT/00-Inbox/.fedcba98.pake-tmp" ] || fail "a fresh temp file was removed"
	rm "$PAKE_VAULT/00-Inbox/.fedcba98.pake-tmp"
	run --separate-stderr pake-db check
	assert_success
}

@test "must-show: a hand edit in the vault survives an edit: the paragraph is kept; an edit that replaces it keeps it as a listed conflict" {
	local id f
	id=$(printf 'first paragraph\n' | pake-note add --title "Hand edited")
	f=$(vault_file "$id")
	printf '\nparagraph written in Obsidian\n' >>"$f"
	pake-note edit "$id" --status Verified >/dev/null
	note_json "$id" | json_check '.metadata.status == "Verified" and
	    (.content | contains("first paragraph") and contains("paragraph written in Obsidian"))'
	grep -q 'paragraph written in Obsidian' "$f" || fail "the file lost the hand edit"
	assert_equal "$(pake-note log --json "$id" | jq -c '[.versions[] | [.op, .actor]]')" \
	    '[["create","owner"],["hand-edit","vault"],["update","owner"]]'
	run --separate-stderr pake-note conflicts --json
	echo "$output" | json_check '.conflicts == []'
	# A second hand edit, then an edit that replaces the body: the hand
	# edit is kept in the history and listed as a conflict.
	printf 'another hand line\n' >>"$f"
	printf 'replaced body\n' | pake-note edit "$id" --file - >/dev/null
	assert_equal "$(note_content "$id")" "replaced body"
	run --separate-stderr pake-note conflicts --json
	echo "$output" | json_check --arg id "$id" '.conflicts | length == 1 and .[0].pake_id == $id and
	    .[0].op == "hand-edit" and .[0].version == 4'
	pake-note get --json "$id" --version 4 | json_check '.content | contains("another hand line")'
	# A file edited by hand and then deleted through pake: the edit is in
	# the history, restorable.
	printf 'last words\n' >>"$f"
	pake-note rm "$id"
	pake-note restore "$id" 6
	note_content "$id" | grep -q 'last words' || fail "the last hand edit was lost"
}

@test "must-show: pake-http killed with SIGKILL under write load: every note without its file is pending, and the next writer finishes them" {
	local tok i pid missing pend
	mkuser default user ed
	tok=$(mktoken default ed)
	serve no
	for i in 1 2 3 4; do
		(for j in $(seq 200); do
			curl -s -o /dev/null --max-time 5 -H "Authorization: Bearer $tok" \
			    -H 'Content-Type: application/json' -d "{\"title\":\"Load $i $j\",\"content\":\"x\"}" \
			    "$URL/notes" || break
		done) &
	done
	sleep 1
	# The server itself (the activator execs it on the first connection).
	pid=$(pgrep -n -x pake-http)
	[ -n "$pid" ] || fail "no pake-http process"
	kill -9 "$pid"
	for i in $(seq 100); do [ -z "$(jobs -rp)" ] && break; sleep 0.1; done
	[ "$(note_count)" -gt 0 ] || fail "nothing was written before the kill"
	# Each note without its file has its pending row: nothing is lost track of.
	missing=$(pake-db check --json | jq '.vault.missing // 0')
	pend=$(sqlite3 "$PAKE_DB-stores/default.db" 'SELECT count(*) FROM vault_pending')
	[ "$pend" -ge "$missing" ] || fail "$missing files missing, only $pend pending"
	# The next writer, once they are stale, finishes them.
	sleep 2.1
	printf 'z\n' | pake-note add --title "After the crash" >/dev/null
	run --separate-stderr pake-db check
	assert_success
	assert_equal "$(sqlite3 "$PAKE_DB-stores/default.db" 'SELECT count(*) FROM vault_pending')" 0
}

@test "one error envelope: a stale write is the same object through the CLI, HTTP and MCP" {
	local tok id cli http mcp
	mkuser default user ed
	tok=$(mktoken default ed)
	id=$(printf 'x\n' | pake-note add --title "Envelope")
	pake-note edit "$id" --status A >/dev/null
	cli=$(PAKE_TOKEN=$tok pake-note edit --json "$id" --if-version 1 --status B 2>/dev/null | jq -cS .)
	serve no
	hreq "$(auth "$tok")" -X PATCH -H 'Content-Type: application/json' -H 'If-Match: "1"' \
	    -d '{"status":"B"}' "$URL/notes/$id"
	expect 412
	http=$(printf '%s' "$BODY" | jq -cS 'del(.request_id)')
	mcp=$(printf '%s\n' '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}' \
	    "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"update_note\",\"arguments\":{\"pake_id\":\"$id\",\"expected_version\":1,\"status\":\"B\"}}}" |
	    PAKE_TOKEN=$tok pake-mcp | jq -cS 'select(.id == 2) | .result.content[0].text | fromjson')
	assert_equal "$cli" '{"error":{"code":"precondition_failed","detail":"version: the note is at version 2, not 1","message":"The note has changed"}}'
	assert_equal "$http" "$cli"
	assert_equal "$mcp" "$cli"
}
