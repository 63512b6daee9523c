#!/usr/bin/env bats
# view_api.bats: what the dashboard's views read (issue 14): a note's body
# as HTML with nothing that runs (GET /notes/{id}/html), who the caller is
# (GET /api/v1/auth/me), and the vault's state (GET /vault/status: pending
# writes, conflicts, the watcher by its lock, the last import).

bats_require_minimum_version 1.5.0
load helpers

PW='Str0ng-Passw0rd!'
load http_helpers

setup() {
	pake_setup
	require_tool pake-note pake-op pake-vault pake-http
}

teardown() {
	stop_servers 2>/dev/null || true
	[ -z "${WPID:-}" ] || kill -9 "$WPID" 2>/dev/null || true
}

@test "a note's body as HTML: markdown rendered, raw HTML and script URLs left out" {
	http_setup
	mkuser default user uma
	tok=$(mktoken default uma)
	serve no
	body='# Title

Some **bold** and [a link](https://example.org/x) and [bad](javascript:alert(1)).

<script>window.__pwned = 1</script>

<img src=x onerror="window.__pwned = 2">

<div onclick="x()">raw block</div>

[data](data:text/html;base64,PHNjcmlwdD4=) ![pic](vbscript:msgbox)'
	id=$(jq -n --arg c "$body" '{title: "<script>t()</script>", content: $c}' |
	    curl -sf "$(auth "$tok")" -H 'Content-Type: application/json' -d @- "$URL/notes" |
	    jq -r .pake_id)
	hreq "$(auth "$tok")" "$URL/notes/$id/html"
	expect 200
	printf '%s' "$BODY" | json_check --arg id "$id" '
	    keys == ["html", "pake_id", "version"] and .pake_id == $id and .version == 1 and
	    (.html | test("<h1>Title</h1>") and test("<strong>bold</strong>") and
	     test("href=\"https://example.org/x\"") and
	     (test("<script|onerror|onclick|javascript:|vbscript:|data:text"; "i") | not))'
	hreq "$(auth "$tok")" "$URL/notes/00000000-0000-4000-8000-000000000000/html"
	expect 404
	envelope not_found
	# The operation itself, for every front.
	pake-op get_note <<<"{\"pake_id\":\"$id\",\"format\":\"html\"}" |
	    json_check '.html | test("<strong>bold</strong>")'
}

@test "who am I: tenant, user, role and permissions; the local owner; no token, no answer" {
	http_setup
	mkuser default viewer vic
	mkuser default user uma
	serve no
	hreq "$(auth "$(mktoken default vic)")" "$URL/api/v1/auth/me"
	expect 200
	printf '%s' "$BODY" | json_check '.tenant == "default" and .username == "vic" and
	    .role == "viewer" and (.permissions | index("notes:read")) != null and
	    (.permissions | index("notes:write")) == null'
	hreq "$(auth "$(mktoken default uma)")" "$URL/api/v1/auth/me"
	printf '%s' "$BODY" | json_check '.role == "user" and (.permissions | index("notes:write")) != null'
	hreq "$URL/api/v1/auth/me"
	expect 401
	pake-op auth_me <<<'{}' | json_check '.role == "owner" and .username == null and
	    (.permissions | length) == 10'
}

@test "vault status: pending writes, conflicts, the watcher while it runs (not after kill -9), the last import" {
	pake-op vault_status <<<'{}' | json_check '.pending == 0 and .conflicts == 0 and
	    .watcher == {"running": false} and .last_import == null'
	printf 'one\n' | pake-note add --title "One" >/dev/null
	# The watcher holds its lock while it runs.
	pake-vault watch >"$T/w.log" 2>&1 &
	WPID=$!
	for _ in $(seq 100); do grep -q watching "$T/w.log" && break; sleep 0.05; done
	pake-op vault_status <<<'{}' | json_check --argjson p "$WPID" '
	    .watcher.running == true and .watcher.pid == $p and (.watcher.since | type) == "string"'
	kill -9 "$WPID"
	wait "$WPID" 2>/dev/null || true
	WPID=
	pake-op vault_status <<<'{}' | json_check '.watcher.running == false and
	    (.watcher.last_started | type) == "string" and (.watcher | has("pid") | not)'
	# An import records what it did.
	mkdir -p "$T/in"
	printf -- '---\ntitle: Imported\n---\nbody\n' >"$T/in/a.md"
	printf -- '---\ntitle: Imported two\n---\nbody\n' >"$T/in/b.md"
	pake-vault import "$T/in" >/dev/null
	pake-op vault_status <<<'{}' | json_check --arg d "$(cd "$T/in" && pwd -P)" '
	    .last_import.folder == $d and .last_import.seen == 2 and .last_import.created == 2 and
	    (.last_import.time | type) == "string"'
	# A hand edit that a later change replaced is a conflict.
	id=$(pake-note list --json | jq -r '.notes[] | select(.title == "One") | .pake_id')
	f="$PAKE_VAULT/$(pake-op get_note <<<"{\"pake_id\":\"$id\"}" | jq -r .file_path)"
	printf -- '%s\nhand edit\n' "$(cat "$f")" >"$f"
	printf 'tool edit\n' | pake-note edit "$id" --content - >/dev/null 2>&1 ||
	    pake-op update_note <<<"{\"pake_id\":\"$id\",\"content\":\"tool edit\"}" >/dev/null
	pake-op vault_status <<<'{}' | json_check --arg id "$id" '
	    .conflicts >= 1 and (.recent_conflicts | map(.pake_id) | index($id)) != null'
	# Reading the status wrote nothing.
	ls -la "$PAKE_DB"* >"$T/a"
	pake-op vault_status <<<'{}' >/dev/null
	ls -la "$PAKE_DB"* >"$T/b"
	cmp -s "$T/a" "$T/b" || fail "vault_status changed the database files"
}
