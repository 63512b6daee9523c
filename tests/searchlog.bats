#!/usr/bin/env bats
# searchlog.bats: every search of a tenant, from every front, logged
# (issue 14, item 1; lib/searchlog.c): a search appends a line to the
# tenant's spool and writes no database file; the next write folds the
# spool into the store with each search's session (30 minutes from its
# first search, per actor); retention prunes; processes searching at once
# lose no line.

bats_require_minimum_version 1.5.0
load helpers

PW='Str0ng-Passw0rd!'
load http_helpers

setup() {
	pake_setup
	require_tool pake-search pake-note pake-op pake-mcp pake-http
}

teardown() {
	stop_servers 2>/dev/null || true
}

# spool: the default tenant's spool, beside its store.
spool() { printf '%s\n' "$PAKE_DB-stores/default.db.searches"; }
db_sums() {
	find "$(dirname "$PAKE_DB")" -type f \( -name '*.db' -o -name '*.db-wal' -o \
	    -name "$(basename "$PAKE_DB")" -o -name "$(basename "$PAKE_DB")-wal" \) -print0 |
	    LC_ALL=C sort -z | xargs -0 sha1sum
}

@test "searches from the CLI, MCP and HTTP are spooled without a database write, folded by the next write" {
	printf 'routing tables and more\n' | pake-note add --title "Routing" >/dev/null
	http_setup
	mkuser default user uma
	tok=$(mktoken default uma)
	serve no
	before=$(db_sums)
	pake-search --ids routing >/dev/null
	pake-search --ids nothingmatches >/dev/null
	printf '%s\n' '{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"bats","version":"1"}}}' \
	    '{"jsonrpc":"2.0","method":"notifications/initialized"}' \
	    '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"search_notes","arguments":{"query":"routing","filters":{"status":"Raw"}}}}' |
	    pake-mcp >/dev/null
	curl -sf -H "Authorization: Bearer $tok" -H 'Content-Type: application/json' \
	    -d '{"query":"tables","sources":["vault"]}' "$URL/search" >/dev/null
	curl -sf -H "Authorization: Bearer $tok" "$URL/notes?q=routing" >/dev/null
	[ "$(db_sums)" = "$before" ] || fail "a search wrote a database file"
	[ "$(wc -l <"$(spool)")" -eq 5 ] || fail "$(cat "$(spool)")"
	# a write folds them
	printf 'x\n' | pake-note add --title "Another" >/dev/null
	[ ! -e "$(spool)" ] || fail "the spool is still there"
	pake-op search_log >"$T/log.json"
	json_check '.total == 5 and
	    ([.searches[].front] | sort) == ["pake-http", "pake-http", "pake-mcp", "pake-search", "pake-search"] and
	    (.searches | map(select(.query == "nothingmatches")) | .[0].hits) == 0 and
	    (.searches | map(select(.front == "pake-mcp")) | .[0] | .filters == {"status": "Raw"} and .hits == 1) and
	    (.searches | map(select(.query == "tables")) | .[0].sources) == ["vault"] and
	    (.searches | map(select(.front == "pake-http")) | map(.actor) | unique | length) == 1 and
	    all(.searches[]; (.ms | type) == "number" and .mode == "text")' <"$T/log.json"
}

@test "sessions: an actor's searches within 30 minutes of the session's first are one session" {
	local t0=1796000000000
	at "$t0" pake-search --ids one >/dev/null
	at $((t0 + 10 * 60000)) pake-search --ids two >/dev/null
	at $((t0 + 29 * 60000)) pake-search --ids three >/dev/null
	at $((t0 + 31 * 60000)) pake-search --ids four >/dev/null
	at $((t0 + 45 * 60000)) pake-search --ids five >/dev/null
	at $((t0 + 45 * 60000)) pake-op search_log_flush >/dev/null
	pake-op search_log | json_check '
	    (.searches | map({(.query): .session}) | add) as $s |
	    $s.one == $s.two and $s.two == $s.three and $s.four != $s.three and
	    $s.five == $s.four and ([$s[]] | unique | length) == 2'
}

@test "retention: searches older than search_log.retention_days go at the next fold" {
	local now
	now=$(date +%s%3N)
	printf '[search_log]\nretention_days = 2\n' >"$PAKE_CONFIG"
	at $((now - 3 * 86400000)) pake-search --ids old >/dev/null
	pake-search --ids new >/dev/null
	pake-op search_log_flush >/dev/null
	pake-op search_log | json_check '.total == 1 and .searches[0].query == "new"'
	printf '[search_log]\nretention_days = 0\n' >"$PAKE_CONFIG"
	run pake-op search_log
	[ "$status" -eq 78 ]
}

@test "processes searching at once lose no line; a line is folded once" {
	local i w=()
	for i in $(seq 8); do
		(for j in $(seq 20); do pake-search --ids "q$i-$j" >/dev/null; done) &
		w+=($!)
	done
	wait "${w[@]}"
	[ "$(wc -l <"$(spool)")" -eq 160 ]
	pake-op search_log_flush >/dev/null
	pake-op search_log_flush >/dev/null
	pake-op search_log '{"limit":1000}' | json_check '.total == 160 and
	    ([.searches[].query] | unique | length) == 160'
}

@test "a search too long for one spool line keeps what fits: filters go first, then the query; the line stays whole" {
	local q tags
	printf 'x\n' | pake-note add --title "Seed" >/dev/null
	q=$(printf 'word%.0s ' $(seq 600))	# 3,000 bytes
	tags=$(printf '"%s",' $(for i in $(seq 60); do printf 'tag%040d ' "$i"; done))
	jq -n --arg q "$q" --argjson t "[${tags%,}]" '{query: $q, filters: {tags: $t}}' |
	    pake-op search_notes >/dev/null
	jq -n --arg q "$(printf 'y%.0s' $(seq 5000))" '{query: $q}' | pake-op search_notes >/dev/null
	# every line is whole JSON
	while IFS= read -r line; do
		printf '%s' "$line" | jq -e . >/dev/null || fail "a torn line: $line"
	done <"$PAKE_DB-stores/default.db.searches"
	pake-op search_log_flush <<<'{}' >/dev/null
	pake-op search_log | json_check --arg q "$q" '
	    (.searches | map(select(.query == $q)) | length == 1 and (.[0] | has("filters") | not)) and
	    (.searches | map(select(.query == "")) | length) == 1 and .total == 2'
}
