#!/usr/bin/env bats
# mcp.bats: pake-mcp, the MCP server (issue 4).
#
# The official TypeScript clients drive it over stdio in both protocol eras
# (must-show 1 and 2); raw JSON lines show the transport and the JSON-RPC
# edge cases (3), a title that tries to leave the vault (4), two writers at
# once (5), the socket unit and peer uids (6), and identity through tokens.
# The Node clients live in tests/mcp/ with their versions pinned by
# package-lock.json; setup_file installs them with npm ci when missing.

bats_require_minimum_version 1.5.0
load helpers
load http_helpers

MCP_DIR="$BATS_TEST_DIRNAME/mcp"

setup_file() {
	local dir="$BATS_TEST_DIRNAME/mcp"
	if ! [ -d "$dir/node_modules/@modelcontextprotocol/sdk" ] ||
	    ! [ -d "$dir/node_modules/@modelcontextprotocol/client" ]; then
		if command -v npm >/dev/null 2>&1; then
			npm ci --prefix "$dir" --no-audit --no-fund \
			    >"$BATS_FILE_TMPDIR/npm.log" 2>&1 </dev/null 3>&- || true
		fi
	fi
}

setup() {
	pake_setup
	require_tool pake-mcp
	unset PAKE_MCP_MAX_LINE
	S="$BATS_TEST_TMPDIR"	# replies and logs: outside the sandbox $T
}

teardown() {
	local p
	for p in "$T"/*.pid; do
		[ -f "$p" ] && kill "$(cat "$p")" 2>/dev/null
	done
	[ -f "$T/servers" ] && stop_servers
	return 0
}

# need_node: skip without npm; fail when npm ci could not install.
need_node() {
	if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
		skip "npm is not installed: the MCP client tests need Node.js 20+ and npm"
	fi
	[ -d "$MCP_DIR/node_modules/@modelcontextprotocol/client" ] ||
	    fail "npm ci --prefix tests/mcp failed: $(cat "$BATS_FILE_TMPDIR/npm.log" 2>/dev/null)"
}

INIT='{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"bats","version":"1"}}}'
INITED='{"jsonrpc":"2.0","method":"notifications/initialized"}'
META='"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}'

# mcp LINE...: one pake-mcp session fed the lines; replies in $S/out, its
# log in $S/err.  It must end with status 0 (so a crash, or a leak under
# make asan, fails the test).
mcp() {
	mcp_status=0
	printf '%s\n' "$@" | pake-mcp >"$S/out" 2>"$S/err" || mcp_status=$?
	[ "$mcp_status" -eq 0 ] ||
	    fail "pake-mcp exited $mcp_status: $(tail -c 2000 "$S/err")"
}

# no_sanitizer TEXT: fail when TEXT holds a report of AddressSanitizer,
# LeakSanitizer or UBSan (make asan runs this suite on such a build).
no_sanitizer() {
	case "$1" in
	*Sanitizer*|*"runtime error:"*) fail "sanitizer report: $1" ;;
	esac
}

# reply N: the Nth line of the replies.
reply() { sed -n "${1}p" "$S/out"; }

# replies: how many reply lines.
replies() { wc -l <"$S/out" | tr -d ' '; }

# call ID TOOL ARGUMENTS-JSON: a legacy tools/call line.
call() {
	printf '{"jsonrpc":"2.0","id":%s,"method":"tools/call","params":{"name":"%s","arguments":%s}}' \
	    "$1" "$2" "$3"
}

# modern ID METHOD [PARAMS-MEMBERS]: a 2026-07-28 request line.
modern() {
	printf '{"jsonrpc":"2.0","id":%s,"method":"%s","params":{%s%s}}' \
	    "$1" "$2" "${3:+$3,}" "$META"
}

# assert_protocol_only: stdout holds nothing but JSON-RPC 2.0 responses.
assert_protocol_only() {
	jq -e -s 'length > 0 and all(.[]; type == "object" and .jsonrpc == "2.0"
	    and has("id") and (has("result") != has("error")))' "$S/out" >/dev/null ||
	    fail "stdout is not only JSON-RPC responses: $(cat "$S/out")"
}

@test "must-show 1: the TypeScript SDK (StdioClientTransport) lists tools, creates a note, finds it by filter and query, reads it and its resource" {
	need_node
	run --separate-stderr node "$MCP_DIR/legacy.mjs" "$PAKE_BUILD/bin/pake-mcp"
	[ "$status" -eq 0 ] || fail "the SDK client failed ($status): $output $stderr"
	no_sanitizer "$stderr"
	assert_line "ok search_notes by filter and by query"
	assert_line "ok resources"
	assert_line "all ok"
	# It deleted its first note; the second is in the database and vault.
	[ "$(note_count)" = 1 ] || fail "notes: $(note_count)"
	[ -f "$PAKE_VAULT/00-Inbox/Wombat-burrows.md" ]
}

@test "must-show 2: the 2026-07-28 era through @modelcontextprotocol/client 2.x: server/discover, tools, resources, prompts" {
	need_node
	run --separate-stderr node "$MCP_DIR/modern.mjs" "$PAKE_BUILD/bin/pake-mcp"
	[ "$status" -eq 0 ] || fail "the 2.x client failed ($status): $output $stderr"
	no_sanitizer "$stderr"
	assert_line "ok server/discover"
	assert_line "ok search_notes by filter and by query"
	assert_line "ok auto and legacy negotiation"
	assert_line "all ok"
}

@test "must-show 2: 2026-07-28 in raw lines: no initialize, resultType, serverInfo in _meta, ttlMs and cacheScope" {
	mcp "$(modern 1 server/discover)" \
	    "$(modern 2 tools/list)" \
	    "$(modern 3 tools/call '"name":"notes_from_schema","arguments":{"title":"Echidna","content":"spines"}')" \
	    "$(modern 4 resources/list)" \
	    "$(modern 5 resources/templates/list)" \
	    "$(modern 6 prompts/list)" \
	    "$(modern '"s"' tools/call '"name":"search_notes","arguments":{"query":"spines"}')"
	[ "$(replies)" = 7 ]
	reply 1 | json_check '.id == 1 and .result.resultType == "complete"
	    and .result.supportedVersions == ["2026-07-28","2025-11-25","2025-06-18","2025-03-26","2024-11-05"]
	    and (.result.capabilities | has("tools") and has("resources") and has("prompts") and has("completions"))
	    and .result.ttlMs > 0 and .result.cacheScope == "public"
	    and .result._meta["io.modelcontextprotocol/serverInfo"].name == "pake"
	    and (.result.instructions | test("search_notes"))'
	reply 2 | json_check '(.result.tools | length) == 26 and .result.resultType == "complete"
	    and .result.cacheScope == "public" and .result.ttlMs > 0'
	reply 3 | json_check '.result.isError == false and .result.structuredContent.status == "created"
	    and .result.resultType == "complete" and (.result | has("ttlMs") | not)
	    and .result._meta["io.modelcontextprotocol/serverInfo"].version != null'
	id=$(reply 3 | jq -r .result.structuredContent.pake_id)
	reply 4 | json_check --arg u "pake://notes/$id" '.result.resources[1].uri == $u
	    and .result.cacheScope == "private" and .result.ttlMs == 0'
	reply 5 | json_check '.result.resourceTemplates[0].uriTemplate == "pake://notes/{pake_id}"
	    and .result.cacheScope == "public"'
	reply 6 | json_check '[.result.prompts[].name] == ["research_brief","review_note"]'
	reply 7 | json_check --arg id "$id" '.id == "s" and .result.structuredContent.results[0].pake_id == $id'
}

@test "2026-07-28: missing _meta keys are -32602, another version -32022 with data.supported, removed methods -32601" {
	caps='"io.modelcontextprotocol/clientCapabilities":{}'
	mcp '{"jsonrpc":"2.0","id":1,"method":"server/discover"}' \
	    '{"jsonrpc":"2.0","id":2,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}}' \
	    "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/list\",\"params\":{\"_meta\":{$caps}}}" \
	    "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/list\",\"params\":{\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2099-01-01\",$caps}}}" \
	    "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/list\",\"params\":{\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":7,$caps}}}" \
	    "$(modern 6 ping)" "$(modern 7 logging/setLevel '"level":"info"')" \
	    "$(modern 8 initialize '"protocolVersion":"2025-11-25"')" \
	    "$(modern 9 resources/read '"uri":"pake://notes/00000000-0000-4000-8000-000000000000"')" \
	    "$(modern 10 tools/call '"name":"no_such_tool","arguments":{}')" \
	    "$(modern 11 tools/list '"cursor":"x"')"
	[ "$(replies)" = 11 ]
	reply 1 | json_check '.id == 1 and .error.code == -32602'
	reply 2 | json_check '.id == 2 and .error.code == -32602 and (.error.message | test("clientCapabilities"))'
	reply 3 | json_check '.id == 3 and .error.code == -32602 and (.error.message | test("protocolVersion"))'
	reply 4 | json_check '.id == 4 and .error.code == -32022
	    and .error.data.requested == "2099-01-01" and (.error.data.supported | index("2026-07-28") != null)'
	reply 5 | json_check '.id == 5 and .error.code == -32602'
	for n in 6 7 8; do reply $n | json_check --argjson n $n '.id == $n and .error.code == -32601'; done
	reply 9 | json_check '.error.code == -32602 and .error.data.uri == "pake://notes/00000000-0000-4000-8000-000000000000"'
	reply 10 | json_check '.error.code == -32602 and .error.message == "Unknown tool"'
	reply 11 | json_check '.error.code == -32602'
}

@test "must-show 3: garbage is -32700 and the next line is served; blank lines are skipped" {
	mcp 'this is not json' '{"jsonrpc":"2.0","id":1,"method":"ping"' \
	    '{"jsonrpc":"2.0","id":2,"method":"ping"} trailing' '' '   ' \
	    $'{"jsonrpc":"2.0","id":3,"method":"ping"}\r' "$INIT"
	[ "$(replies)" = 5 ]
	for n in 1 2 3; do
		reply $n | json_check '.id == null and .error.code == -32700'
	done
	reply 4 | json_check '.id == 3 and .result == {}'
	reply 5 | json_check '.id == 0 and .result.protocolVersion == "2025-11-25"'
	assert_protocol_only
}

@test "must-show 3: an over-long line is dropped with an error and the next line is served" {
	export PAKE_MCP_MAX_LINE=1024
	pre='{"jsonrpc":"2.0","id":2,"method":"ping","params":{"pad":"'
	suf='"}}'
	pad() { head -c "$1" /dev/zero | tr '\0' x; }
	exact="$pre$(pad $((1024 - ${#pre} - ${#suf})))$suf"
	over="$pre$(pad $((1025 - ${#pre} - ${#suf})))$suf"
	[ "${#exact}" -eq 1024 ] && [ "${#over}" -eq 1025 ]
	huge="$pre$(pad 300000)$suf"	# spans several reads
	mcp "$huge" "$exact" "$over" '{"jsonrpc":"2.0","id":3,"method":"ping"}'
	[ "$(replies)" = 4 ]
	reply 1 | json_check '.id == null and .error.code == -32600 and .error.data.max_line == 1024'
	reply 2 | json_check '.id == 2 and .result == {}'
	reply 3 | json_check '.id == null and .error.code == -32600'
	reply 4 | json_check '.id == 3 and .result == {}'
	# An over-long last line without a newline: still one error.
	printf '%s' "$huge" | pake-mcp >"$S/out" 2>/dev/null
	[ "$(replies)" = 1 ]
	# The [mcp] section of the configuration file sets the same key.
	unset PAKE_MCP_MAX_LINE
	printf '[mcp]\nmax_line = 1024\n' >"$PAKE_CONFIG"
	mcp "$over" '{"jsonrpc":"2.0","id":4,"method":"ping"}'
	reply 1 | json_check '.error.code == -32600 and .error.data.max_line == 1024'
	reply 2 | json_check '.id == 4'
	# The default is 4 MiB.
	: >"$PAKE_CONFIG"
	mcp "$pre$(pad 4194304)$suf" '{"jsonrpc":"2.0","id":5,"method":"ping"}'
	reply 1 | json_check '.error.code == -32600 and .error.data.max_line == 4194304'
	reply 2 | json_check '.id == 5'
}

@test "must-show 3: a last line without a newline is still served" {
	printf '%s\n%s' "$INIT" '{"jsonrpc":"2.0","id":"last","method":"ping"}' |
	    pake-mcp >"$S/out"
	[ "$(replies)" = 2 ]
	reply 2 | json_check '.id == "last" and .result == {}'
	printf '%s' '{"jsonrpc":"2.0","id":7,"method":"ping"}' | pake-mcp >"$S/out"
	[ "$(reply 1)" = '{"jsonrpc":"2.0","id":7,"result":{}}' ]
}

@test "must-show 3: a batch is -32600 (batching left with 2025-06-18); a 2025-03-26 session serves it" {
	batch='[{"jsonrpc":"2.0","id":1,"method":"ping"},{"jsonrpc":"2.0","id":2,"method":"tools/list"}]'
	mcp "$batch" "$INIT" "$INITED" "$batch" '[]' '{"jsonrpc":"2.0","id":9,"method":"ping"}'
	[ "$(replies)" = 5 ]
	reply 1 | json_check '.id == null and .error.code == -32600'
	reply 2 | json_check '.id == 0 and .result.protocolVersion == "2025-11-25"'
	reply 3 | json_check '.id == null and .error.code == -32600 and (.error.message | test("batch"))'
	reply 4 | json_check '.id == null and .error.code == -32600'
	reply 5 | json_check '.id == 9'
	# 2025-03-26 has batches: one array of responses, none for notifications.
	init0326=${INIT/2025-11-25/2025-03-26}
	mcp "$init0326" "$INITED" "$batch" \
	    '[{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":1}}]' \
	    '[1,{"jsonrpc":"2.0","id":"x","method":"no/such"},{"jsonrpc":"2.0","method":"notifications/x"}]' \
	    '[{"jsonrpc":"2.0","id":5,"method":"initialize","params":{"protocolVersion":"2025-03-26"}}]' '[]'
	[ "$(replies)" = 5 ]
	reply 1 | json_check '.result.protocolVersion == "2025-03-26"'
	reply 2 | json_check 'type == "array" and length == 2 and .[0].id == 1 and .[0].result == {}
	    and .[1].id == 2 and (.[1].result.tools | length) == 26'
	reply 3 | json_check 'type == "array" and length == 2 and .[0].id == null and .[0].error.code == -32600
	    and .[1].id == "x" and .[1].error.code == -32601'
	reply 4 | json_check 'type == "array" and .[0].id == 5 and .[0].error.code == -32600'
	reply 5 | json_check 'type == "object" and .error.code == -32600'
}

@test "must-show 3: an unknown method is -32601 in both eras" {
	mcp '{"jsonrpc":"2.0","id":1,"method":"no/such"}' "$INIT" "$INITED" \
	    '{"jsonrpc":"2.0","id":2,"method":"no/such","params":{}}' \
	    '{"jsonrpc":"2.0","id":3,"method":"resources/subscribe","params":{"uri":"pake://notes/x"}}' \
	    '{"jsonrpc":"2.0","id":4,"method":"server/discover"}' \
	    "$(modern 5 no/such)" "$(modern 6 initialize)"
	[ "$(replies)" = 7 ]
	for n in 1 3 4 6 7; do
		reply $n | json_check '.error.code == -32601 and .error.message == "Method not found"'
	done
	reply 5 | json_check '.id == 4 and .error.code == -32602'
}

@test "must-show 3: before initialize only ping is served; initialize negotiates the version once" {
	mcp '{"jsonrpc":"2.0","id":1,"method":"tools/list"}' \
	    "$(call 2 search_notes '{}')" \
	    '{"jsonrpc":"2.0","id":3,"method":"ping"}' "$INIT" \
	    '{"jsonrpc":"2.0","id":4,"method":"tools/list"}' "$(sed 's/"id":0/"id":5/' <<<"$INIT")"
	[ "$(replies)" = 6 ]
	reply 1 | json_check '.id == 1 and .error.code == -32600 and .error.message == "Server not initialized"'
	reply 2 | json_check '.id == 2 and .error.code == -32600'
	reply 3 | json_check '.id == 3 and .result == {}'
	reply 4 | json_check '.result.protocolVersion == "2025-11-25" and .result.serverInfo.name == "pake"
	    and (.result.capabilities | has("tools") and has("resources") and has("prompts")
	    and has("completions") and has("logging"))'
	reply 5 | json_check '.id == 4 and (.result.tools | length) == 26'
	reply 6 | json_check '.id == 5 and .error.code == -32600 and .error.message == "Already initialized"'
	# A version we know is kept; any other gets the newest legacy one.
	for v in 2024-11-05 2025-03-26 2025-06-18 2025-11-25; do
		mcp "${INIT/2025-11-25/$v}"
		reply 1 | json_check --arg v "$v" '.result.protocolVersion == $v'
	done
	for v in 2099-01-01 2026-07-28 1.0; do
		mcp "${INIT/2025-11-25/$v}"
		reply 1 | json_check '.result.protocolVersion == "2025-11-25"'
	done
	mcp '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}'
	reply 1 | json_check '.error.code == -32602'
}

@test "must-show 3: notifications get no response" {
	mcp '{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":1}}' \
	    "$INIT" "$INITED" \
	    '{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":0,"reason":"late"}}' \
	    '{"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":1,"progress":1}}' \
	    '{"jsonrpc":"2.0","method":"notifications/roots/list_changed"}' \
	    '{"jsonrpc":"2.0","method":"no/such/notification","params":[1,2]}' \
	    '{"jsonrpc":"2.0","method":"tools/call","params":{"name":"notes_from_schema","arguments":{"title":"Via notification"}}}' \
	    '{"jsonrpc":"2.0","id":99,"result":{}}' \
	    '{"jsonrpc":"2.0","id":98,"error":{"code":1,"message":"x"}}' \
	    '{"jsonrpc":"2.0","id":1,"method":"ping"}'
	[ "$(replies)" = 2 ]
	reply 1 | json_check '.id == 0'
	[ "$(reply 2)" = '{"jsonrpc":"2.0","id":1,"result":{}}' ]
	# A notification is never a request in disguise.
	[ "$(md_count)" = 0 ]
}

@test "must-show 3: ids of every JSON type are echoed exactly" {
	local -a ids=(0 1 -1 -42 12345678901234567890 -98765432109876543210 1e3 2.50
	    '"abc"' '""' '"12"' '"\u00e9t\u00e9"' '"with \"quotes\" and \\\\ \/"' '"日本 🦘"'
	    "\"$(head -c 5000 /dev/zero | tr '\0' i)\"")
	local -a lines=() id
	for id in "${ids[@]}"; do
		lines+=("{\"jsonrpc\":\"2.0\",\"id\":$id,\"method\":\"ping\"}")
	done
	# ... in errors too, and with the id anywhere in the object.
	lines+=('{"method":"no/such","id":12345678901234567891,"jsonrpc":"2.0"}')
	lines+=('{"jsonrpc":"2.0","method":"ping","params":{"id":1},"id":"outer"}')
	mcp "${lines[@]}"
	[ "$(replies)" = $((${#ids[@]} + 2)) ]
	local n=0
	for id in "${ids[@]}"; do
		n=$((n + 1))
		[ "$(reply $n)" = "{\"jsonrpc\":\"2.0\",\"id\":$id,\"result\":{}}" ] ||
		    fail "id $id came back as: $(reply $n | cut -c1-200)"
	done
	reply $((n + 1)) | grep -qF '"id":12345678901234567891,"error":{"code":-32601'
	[ "$(reply $((n + 2)))" = '{"jsonrpc":"2.0","id":"outer","result":{}}' ]
	# Ids that are not strings or numbers are refused, with a null id.
	mcp '{"jsonrpc":"2.0","id":null,"method":"ping"}' '{"jsonrpc":"2.0","id":true,"method":"ping"}' \
	    '{"jsonrpc":"2.0","id":{"a":1},"method":"ping"}' '{"jsonrpc":"2.0","id":[1],"method":"ping"}'
	[ "$(replies)" = 4 ]
	for n in 1 2 3 4; do reply $n | json_check '.id == null and .error.code == -32600'; done
}

@test "must-show 3: invalid UTF-8, a wrong jsonrpc member, a missing method, bad params: each its error" {
	mcp $'{"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":"\xff\xfe"}}' \
	    $'{"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":"\xc0\xaf"}}' \
	    $'{"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":"\xed\xa0\x80"}}' \
	    $'{"jsonrpc":"2.0","id":1,"method":"pi\xe2\x82"}' \
	    '{"jsonrpc":"1.0","id":2,"method":"ping"}' '{"id":3,"method":"ping"}' \
	    '{"jsonrpc":2.0,"id":4,"method":"ping"}' '{"jsonrpc":"2.0","id":5}' \
	    '{"jsonrpc":"2.0","id":6,"method":7}' '{"jsonrpc":"2.0","id":7,"method":"ping","params":[1]}' \
	    '{"jsonrpc":"2.0","id":8,"method":"ping","params":"x"}' \
	    '"a string"' '42' 'null' '{"jsonrpc":"2.0","method":7}' \
	    '{"jsonrpc":"2.0","id":9,"method":"ping"}'
	[ "$(replies)" = 16 ]
	for n in 1 2 3 4; do reply $n | json_check '.id == null and .error.code == -32700'; done
	for n in 5 6 7 8 9; do
		reply $n | json_check --argjson id $((n - 3)) '.id == $id and .error.code == -32600'
	done
	reply 10 | json_check '.id == 7 and .error.code == -32602'
	reply 11 | json_check '.id == 8 and .error.code == -32602'
	for n in 12 13 14 15; do reply $n | json_check '.id == null and .error.code == -32600'; done
	reply 16 | json_check '.id == 9 and .result == {}'
	assert_protocol_only
	# A string holding \u0000 (which would be cut there) is refused.
	mcp "$INIT" "$(call 1 notes_from_schema '{"title":"a\u0000b"}')"
	reply 2 | json_check '.id == 1 and .error.code == -32602'
	[ "$(md_count)" = 0 ]
}

@test "must-show 4: notes_from_schema with a title that leaves the vault: isError, nothing written anywhere, no path in the message" {
	add_note "Already here" >/dev/null
	before=$(note_count)
	snapshot >"$S/before"
	local -a titles=('../../etc/passwd' '../../../../../../etc/passwd' '..\..\windows\system32'
	    '/etc/passwd' '\server\share' 'C:\Windows\evil' '%2e%2e%2fetc%2fpasswd'
	    '%252e%252e%252fetc' '..%2f..%2fetc' 'ok/../../etc/passwd')
	local -a lines=("$INIT") t
	local i=0
	for t in "${titles[@]}"; do
		i=$((i + 1))
		lines+=("$(jq -nc --argjson i $i --arg t "$t" '{jsonrpc:"2.0", id:$i,
		    method:"tools/call", params:{name:"notes_from_schema",
		    arguments:{title:$t, content:"pwned", tags:["x"]}}}')")
	done
	mcp "${lines[@]}"
	[ "$(replies)" = $((${#titles[@]} + 1)) ]
	for i in $(seq 2 $((${#titles[@]} + 1))); do
		reply $i | json_check '.result.isError == true
		    and (.result | has("structuredContent") | not)
		    and (.result.content[0].text | fromjson)
		        == {"error":{"code":"security_violation","message":"Security violation detected"}}'
	done
	# No path, no title, no detail on stdout.
	if tail -n +2 "$S/out" | grep -Eq 'passwd|etc|windows|system32|share|pwned|'"$T"; then
		fail "a reply names a path: $(tail -n +2 "$S/out" | grep -E 'passwd|etc|'"$T")"
	fi
	# Nothing written: no note, no file anywhere under the sandbox.
	[ "$(note_count)" = "$before" ]
	snapshot >"$S/after"
	diff -u "$S/before" "$S/after"
	# The detail went to the log.
	grep -q '"level":"warn".*notes_from_schema.*security_violation' "$S/err"
}

@test "must-show 5: two pake-mcp processes writing at once: no loss, no error" {
	local w i
	for w in a b; do
		{
			printf '%s\n%s\n' "$INIT" "$INITED"
			for i in $(seq 1 100); do
				call "$i" notes_from_schema "{\"title\":\"Writer $w note $i\",\"content\":\"body $w $i\",\"tags\":[\"writer-$w\"]}"
				echo
			done
		} >"$T/in-$w"
	done
	pake-mcp <"$T/in-a" >"$T/out-a" 2>"$T/err-a" 3>&- &
	pa=$!
	pake-mcp <"$T/in-b" >"$T/out-b" 2>"$T/err-b" 3>&- &
	pb=$!
	wait "$pa" || fail "writer a exited $?: $(cat "$T/err-a")"
	wait "$pb" || fail "writer b exited $?: $(cat "$T/err-b")"
	for w in a b; do
		[ "$(wc -l <"$T/out-$w")" -eq 101 ] || fail "writer $w: $(wc -l <"$T/out-$w") replies"
		jq -e -s '.[1:] | length == 100 and all(.[]; .result.isError == false
		    and .result.structuredContent.status == "created")' "$T/out-$w" >/dev/null ||
		    fail "writer $w: $(jq -c 'select(.result.isError != false)' "$T/out-$w" | head -3)"
		no_sanitizer "$(cat "$T/err-$w")"
		if grep -q '"level":"error"' "$T/err-$w"; then
			fail "writer $w logged errors: $(grep '"level":"error"' "$T/err-$w")"
		fi
	done
	[ "$(note_count)" = 200 ]
	[ "$(md_count)" = 200 ]
	[ "$(cat "$T/out-a" "$T/out-b" | jq -r '.result.structuredContent.pake_id // empty' | sort -u | wc -l)" = 200 ]
	mcp "$INIT" "$(call 1 list_tags '{}')"
	reply 2 | json_check '.result.structuredContent.tags == [{"tag":"writer-a","count":100},{"tag":"writer-b","count":100}]
	    or .result.structuredContent.tags == [{"tag":"writer-b","count":100},{"tag":"writer-a","count":100}]'
}

@test "identity: a read-only token (notes:read,search:read) searches, but notes_from_schema is forbidden" {
	require_tool pake-tenant
	add_note "Koala facts" --tag shared >/dev/null
	echo 'correct-horse-battery-9' | pake-tenant user add --role user reader >/dev/null
	tok=$(pake-tenant token create --user reader --scopes notes:read,search:read 2>/dev/null)
	[ -n "$tok" ]
	PAKE_TOKEN=$tok mcp "$INIT" "$(call 1 notes_from_schema '{"title":"Not allowed"}')" \
	    "$(call 2 search_notes '{"query":"koala"}')" "$(call 3 list_tags '{}')" \
	    '{"jsonrpc":"2.0","id":4,"method":"resources/list"}' \
	    '{"jsonrpc":"2.0","id":5,"method":"tools/list"}'
	# tools/list offers only the tools the token may use.
	reply 6 | json_check '[.result.tools[].name] | sort ==
	    ["deleted_notes","get_note_by_id","list_notes","list_tags","note_diff",
	     "note_history","related_notes","search_notes","summarize_note"]'
	reply 2 | json_check '.result.isError == true and (.result.content[0].text | fromjson)
	    == {"error":{"code":"forbidden","message":"Permission denied"}}'
	reply 3 | json_check '.result.isError == false and .result.structuredContent.count == 1'
	reply 4 | json_check '.result.structuredContent.tags[0].tag == "shared"'
	reply 5 | json_check '(.result.resources | length) == 1'
	[ "$(note_count)" = 1 ]
	# A token that is not valid stops pake-mcp before it reads a line.
	PAKE_TOKEN=pake_not_a_token run --separate-stderr pake-mcp <<<"$INIT"
	[ "$status" -eq 77 ]
	[ -z "$output" ]
}

@test "must-show 6: socket activation: a mapped uid is served, an unmapped one refused" {
	require_tool pake-tenant
	command -v systemd-socket-activate >/dev/null || skip "no systemd-socket-activate"
	command -v socat >/dev/null || skip "no socat"
	local mode sock
	local -a how
	for mode in fd3 inetd; do
		sock="$T/mcp-$mode.sock"
		# --accept: fd 3 (sd_listen_fds); --inetd: standard input and output.
		how=()
		[ "$mode" = inetd ] && how=(--inetd)
		systemd-socket-activate --accept "${how[@]}" -l "$sock" \
		    -E PAKE_DB -E PAKE_VAULT -E PAKE_CONFIG -E HOME \
		    "$PAKE_BUILD/bin/pake-mcp" 2>"$T/sa-$mode.err" 3>&- &
		echo $! >"$T/sa-$mode.pid"
	done
	for mode in fd3 inetd; do
		for i in $(seq 100); do [ -S "$T/mcp-$mode.sock" ] && break; sleep 0.05; done
	done
	# Not mapped: one error line, then the connection closes.
	for mode in fd3 inetd; do
		printf '%s\n' "$INIT" '{"jsonrpc":"2.0","id":1,"method":"ping"}' |
		    timeout 10 socat -t 5 STDIO UNIX-CONNECT:"$T/mcp-$mode.sock" >"$S/out"
		[ "$(replies)" = 1 ] || fail "$mode: $(cat "$S/out")"
		reply 1 | json_check '.id == null and .error.code == -31000
		    and .error.data.error.code == "unauthorized" and .error.message == "Unknown peer"'
	done
	# Mapped to a user: served as that user.
	echo 'correct-horse-battery-9' | pake-tenant user add --role user sockuser >/dev/null
	pake-tenant user map-uid "$(id -u)" sockuser
	for mode in fd3 inetd; do
		printf '%s\n' "$INIT" "$INITED" "$(call 1 notes_from_schema "{\"title\":\"Over the socket $mode\"}")" \
		    "$(call 2 search_notes '{"query":"socket"}')" |
		    timeout 10 socat -t 5 STDIO UNIX-CONNECT:"$T/mcp-$mode.sock" >"$S/out"
		[ "$(replies)" = 3 ] || fail "$mode: $(cat "$S/out") $(cat "$T/sa-$mode.err")"
		reply 2 | json_check '.result.isError == false and .result.structuredContent.status == "created"'
	done
	reply 3 | json_check '.result.structuredContent.count == 2'
	grep -q 'peer uid' "$T/sa-fd3.err"
	grep -q 'peer refused' "$T/sa-inetd.err"
	no_sanitizer "$(cat "$T/sa-fd3.err" "$T/sa-inetd.err")"
	# A viewer may read but not write.
	pake-tenant user role sockuser viewer
	printf '%s\n' "$INIT" "$(call 1 notes_from_schema '{"title":"Viewer write"}')" |
	    timeout 10 socat -t 5 STDIO UNIX-CONNECT:"$T/mcp-fd3.sock" >"$S/out"
	reply 2 | json_check '(.result.content[0].text | fromjson).error.code == "forbidden"'
	# A socketpair (how Node.js spawns a child) is plain stdio, no peer check.
	run --separate-stderr socat -t 5 EXEC:"$PAKE_BUILD/bin/pake-mcp" STDIO <<<"$INIT"
	assert_success
	echo "$output" | json_check '.result.protocolVersion == "2025-11-25"'
}

@test "units: systemd-analyze verify accepts pake-mcp.socket and pake-mcp@.service" {
	command -v systemd-analyze >/dev/null || skip "no systemd-analyze"
	cp "$REPO_DIR/units/pake-mcp.socket" "$REPO_DIR/units/pake-mcp@.service" \
	    "$REPO_DIR/units/pake-init.service" "$T/"
	sed -i "s#^ExecStart=/usr/local/bin/#ExecStart=$PAKE_BUILD/bin/#" "$T/pake-mcp@.service" \
	    "$T/pake-init.service"
	MANPATH="$REPO_DIR/man" run systemd-analyze verify "$T/pake-mcp.socket" "$T/pake-mcp@.service" \
	    "$T/pake-init.service"
	[ "$status" -eq 0 ] || fail "systemd-analyze verify: $output"
	local key
	for key in 'ListenStream=/run/pake/mcp.sock' 'Accept=yes' 'MaxConnections='; do
		grep -q "^$key" "$T/pake-mcp.socket" || fail "socket lacks $key"
	done
	for key in StandardInput=socket DynamicUser=yes StateDirectory=pake ProtectSystem=strict \
	    NoNewPrivileges=yes PrivateTmp=yes PrivateDevices=yes RestrictAddressFamilies=AF_UNIX \
	    SystemCallFilter=@system-service MemoryDenyWriteExecute=yes; do
		grep -q "^$key" "$T/pake-mcp@.service" || fail "service lacks $key"
	done
	# In a user namespace SO_PEERCRED would see every peer as nobody.
	if grep -q '^PrivateUsers=yes' "$T/pake-mcp@.service"; then
		fail "PrivateUsers=yes hides the peer's uid"
	fi
}

@test "resources/list pages with a cursor; resources/read is the note's markdown; prompts embed notes" {
	local -a lines=("$INIT")
	local i
	for i in $(seq 1 150); do
		lines+=("$(call "$i" notes_from_schema "{\"title\":\"Page note $i\",\"content\":\"wombat $i\"}")")
	done
	mcp "${lines[@]}" '{"jsonrpc":"2.0","id":"p1","method":"resources/list"}'
	# The first page: the knowledge graph, then 100 notes.
	reply 152 | json_check '(.result.resources | length) == 101 and (.result.nextCursor | type) == "string"
	    and .result.resources[0].uri == "memory://knowledge-graph"
	    and all(.result.resources[1:][]; .mimeType == "text/markdown" and (.uri | startswith("pake://notes/")))'
	cursor=$(reply 152 | jq -r .result.nextCursor)
	first=$(reply 152 | jq -r '.result.resources[1].uri')
	id=${first#pake://notes/}
	mcp "$INIT" "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"resources/list\",\"params\":{\"cursor\":\"$cursor\"}}" \
	    '{"jsonrpc":"2.0","id":2,"method":"resources/list","params":{"cursor":"not-a-cursor"}}' \
	    "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"resources/read\",\"params\":{\"uri\":\"$first\"}}" \
	    '{"jsonrpc":"2.0","id":4,"method":"resources/read","params":{"uri":"file:///etc/passwd"}}' \
	    '{"jsonrpc":"2.0","id":5,"method":"prompts/get","params":{"name":"research_brief","arguments":{"topic":"wombat","max_notes":"3"}}}' \
	    '{"jsonrpc":"2.0","id":6,"method":"prompts/get","params":{"name":"research_brief","arguments":{}}}' \
	    '{"jsonrpc":"2.0","id":7,"method":"prompts/get","params":{"name":"research_brief","arguments":{"topic":"nothing-matches-this"}}}' \
	    "{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"prompts/get\",\"params\":{\"name\":\"review_note\",\"arguments\":{\"pake_id\":\"$id\"}}}" \
	    '{"jsonrpc":"2.0","id":9,"method":"completion/complete","params":{"ref":{"type":"ref/resource","uri":"pake://notes/{pake_id}"},"argument":{"name":"pake_id","value":""}}}' \
	    '{"jsonrpc":"2.0","id":10,"method":"logging/setLevel","params":{"level":"debug"}}' \
	    '{"jsonrpc":"2.0","id":11,"method":"logging/setLevel","params":{"level":"loud"}}'
	reply 2 | json_check '(.result.resources | length) == 50 and (.result | has("nextCursor") | not)'
	reply 3 | json_check '.error.code == -32602 and .error.data.error.code == "invalid_params"'
	pake-note get "$id" >"$T/expected.md"
	reply 4 | jq -j '.result.contents[0].text' >"$T/got.md"
	cmp "$T/expected.md" "$T/got.md"
	reply 5 | json_check '.error.code == -32002 and .error.data.uri == "file:///etc/passwd"'
	reply 6 | json_check '([.result.messages[] | select(.content.type == "resource")] | length) == 3
	    and (.result.messages[0].content.text | test("research brief on \"wombat\""))'
	reply 7 | json_check '.error.code == -32602'
	reply 8 | json_check '(.result.messages | length) == 1 and (.result.messages[0].content.text | test("No note"))'
	reply 9 | json_check --arg u "$first" '.result.messages[1].content.resource.uri == $u'
	reply 10 | json_check '(.result.completion.values | length) == 100 and .result.completion.hasMore == true
	    and .result.completion.total == 150'
	reply 11 | json_check '.result == {}'
	reply 12 | json_check '.error.code == -32602'
}

@test "pake-mcp: --help, bad arguments and a bad mcp.max_line stop it; logs never reach stdout" {
	run pake-mcp --help
	assert_success
	assert_output --partial 'usage: pake-mcp'
	run --separate-stderr pake-mcp extra
	[ "$status" -eq 64 ]
	[ -z "$output" ]
	PAKE_MCP_MAX_LINE=12 run --separate-stderr pake-mcp </dev/null
	[ "$status" -eq 78 ]
	[[ "$stderr" == *mcp.max_line* ]]
	[ -z "$output" ]
	printf '[mcp]\nmax_line = lots\n' >"$PAKE_CONFIG"
	run --separate-stderr pake-mcp </dev/null
	[ "$status" -eq 78 ]
	[[ "$stderr" == *mcp.max_line* ]]
	: >"$PAKE_CONFIG"
	# A busy, failing session at debug level: replies on stdout, log
	# records (JSON lines) on stderr, and the detail only there.
	PAKE_LOG_LEVEL=debug mcp "$INIT" "$INITED" "$(call 1 get_note_by_id '{"pake_id":"nope"}')" \
	    "$(call 2 notes_from_schema '{"title":"/abs/path"}')" "$(call 3 search_notes '{"limit":0}')" \
	    'junk' "$(call 4 get_note_by_id '[]')" "$(call 5 no_such_tool '{}')" \
	    "$(call 6 tenant_create '{"name":"evil"}')"
	assert_protocol_only
	[ "$(replies)" = 8 ]
	reply 2 | json_check '(.result.content[0].text | fromjson) == {"error":{"code":"not_found","message":"Note not found"}}'
	reply 4 | json_check '(.result.content[0].text | fromjson).error.code == "invalid_params"'
	reply 6 | json_check '.error.code == -32602'
	reply 7 | json_check '.error.code == -32602 and .error.message == "Unknown tool"'
	reply 8 | json_check '.error.code == -32602 and .error.message == "Unknown tool"'
	if grep -q 'abs/path' "$S/out"; then fail "a reply names the path"; fi
	jq -e -s 'length > 3 and all(.[]; .tool == "pake-mcp" and has("level") and has("message"))' "$S/err" >/dev/null
	grep -q 'malformed id' "$S/err"
	if pake-tenant tenant list | grep -q evil; then fail "tenant_create ran"; fi
}

# session_start TOKEN: a pake-mcp session fed through a FIFO on fd 5, acting
# as TOKEN, initialized; replies in $S/out.
session_start() {
	mkfifo "$S/in"
	PAKE_TOKEN=$1 pake-mcp <"$S/in" >"$S/out" 2>"$S/err" &
	MCP_PID=$!
	exec 5>"$S/in"
	printf '%s\n%s\n' "$INIT" "$INITED" >&5
	wait_replies 1
}

# wait_replies N: until $S/out holds N lines (at most 10 s).
wait_replies() {
	local i
	for i in $(seq 200); do
		[ "$(replies)" -ge "$1" ] && return 0
		sleep 0.05
	done
	fail "only $(replies) replies, want $1: $(cat "$S/err")"
}

@test "a running session stops at its next request when its token is revoked, its user disabled or its tenant suspended" {
	local tok id why
	pake-tenant tenant create acme >/dev/null
	for why in revoke disable suspend; do
		pake-tenant tenant resume acme >/dev/null 2>&1 || true
		echo 'correct-horse-battery-9' | pake-tenant user add --tenant acme --role user "u$why" >/dev/null
		tok=$(pake-tenant token create --tenant acme --user "u$why" 2>/dev/null)
		id=$(pake-tenant token list --tenant acme --json | jq -r '.tokens[-1].id')
		rm -f "$S/in"
		session_start "$tok"
		printf '%s\n' "$(call 1 notes_from_schema "{\"title\":\"Before $why\"}")" >&5
		wait_replies 2
		reply 2 | json_check '.result.isError == false'
		case $why in
		revoke) pake-tenant token revoke "$id" >/dev/null ;;
		disable) pake-tenant user disable --tenant acme "u$why" >/dev/null ;;
		suspend) pake-tenant tenant suspend acme >/dev/null ;;
		esac
		printf '%s\n' "$(call 2 notes_from_schema "{\"title\":\"After $why\"}")" >&5
		wait_replies 3
		exec 5>&-
		wait "$MCP_PID"
		reply 3 | json_check '.result.isError == true'
		case $why in
		suspend) reply 3 | json_check '(.result.content[0].text | fromjson).error.code == "forbidden"' ;;
		*) reply 3 | json_check '(.result.content[0].text | fromjson).error.code == "unauthorized"' ;;
		esac
	done
	pake-tenant tenant resume acme >/dev/null
	# Each session wrote its first note and not its second.
	assert_equal "$(PAKE_TENANT=acme pake-note list --json | jq -r '[.notes[].metadata.title] | sort | join(",")')" \
	    "Before disable,Before revoke,Before suspend"
}

# --- POST /mcp of pake-http ------------------------------------------------

# mcp_http [VAR=VALUE...]: pake-http (Accept=no) on a fresh database and a
# token of a user in TOK.
mcp_http() {
	require_tool pake-http pake-tenant pake-db
	http_setup
	pake-db init >/dev/null
	echo 'correct-horse-battery-9' | pake-tenant user add --role user httpuser >/dev/null
	TOK=$(pake-tenant token create --user httpuser 2>/dev/null)
	[ -n "$TOK" ]
	serve no "$@"
}

# hpost BODY [CURL-ARGS...]: POST BODY to /mcp with the token; sets STATUS
# and BODY.
hpost() {
	local data=$1
	shift
	STATUS=$(curl -sS --max-time 30 -o "$S/hbody" -w '%{http_code}' \
	    -H "Authorization: Bearer $TOK" -H 'Content-Type: application/json' \
	    "$@" --data-binary "$data" "$URL/mcp") || fail "curl failed"
	BODY=$(cat "$S/hbody")
}

# hstatus CODE: the last hpost answered CODE.
hstatus() {
	[ "$STATUS" = "$1" ] || fail "status $STATUS, want $1: $BODY"
}

# mhdr METHOD [NAME]: the 2026-07-28 headers of a request.
mhdr() {
	printf '%s\n' -H 'MCP-Protocol-Version: 2026-07-28' -H "Mcp-Method: $1"
	[ -z "${2:-}" ] || printf '%s\n' -H "Mcp-Name: $2"
}

@test "/mcp: the Origin's host is compared whole: the machine itself or a configured origin, nothing that only begins like one" {
	mcp_http PAKE_HTTP_CORS_ORIGINS='https://app.example.org'
	local ping='{"jsonrpc":"2.0","id":1,"method":"ping"}' o
	for o in '' http://localhost http://localhost:3000 http://127.0.0.1 \
	    http://127.0.0.1:8000 'http://[::1]' 'http://[::1]:9' https://localhost:443 \
	    http://LOCALHOST:5 https://app.example.org; do
		hpost "$ping" ${o:+-H "Origin: $o"}
		[ "$STATUS" = 200 ] || fail "Origin '$o': $STATUS $BODY"
		printf '%s' "$BODY" | json_check '.id == 1 and .result == {}'
	done
	for o in http://localhost.attacker.example http://127.0.0.1.nip.io \
	    'http://[::1].evil.example' http://localhost:80x http://localhost: \
	    http://localhost/ http://localhost:123456 http://127.0.0.1@evil.example \
	    ftp://localhost null http://evil.example https://app.example.org.evil.example \
	    https://app.example.or http://app.example.org; do
		hpost "$ping" -H "Origin: $o"
		[ "$STATUS" = 403 ] || fail "Origin '$o' was let in: $STATUS $BODY"
		printf '%s' "$BODY" | json_check '.error.code == "forbidden"'
	done
}

@test "/mcp: 2026-07-28 statuses: 400 for bad _meta, versions and header mismatches (-32020), 404 for methods not served, each with the id" {
	mcp_http
	local meta='"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}'
	local -a h
	# Served: 200.
	mapfile -t h < <(mhdr tools/list)
	hpost "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\",\"params\":{$meta}}" "${h[@]}"
	hstatus 200; printf '%s' "$BODY" | json_check '.id == 1 and ([.result.tools[].name] | index("list_tags") != null)'
	mapfile -t h < <(mhdr tools/call notes_from_schema)
	hpost "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"notes_from_schema\",\"arguments\":{\"title\":\"Via HTTP\"},$meta}}" "${h[@]}"
	hstatus 200; printf '%s' "$BODY" | json_check '.result.isError == false'
	# Mcp-Name in the base64 form, and white space around values.
	hpost "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"list_tags\",\"arguments\":{},$meta}}" \
	    -H 'MCP-Protocol-Version:  2026-07-28 ' -H 'Mcp-Method: tools/call ' \
	    -H "Mcp-Name: =?base64?$(printf list_tags | base64)?="
	[ "$STATUS" = 200 ] || fail "base64 Mcp-Name: $STATUS $BODY"
	# Removed and unknown methods: 404 and -32601.
	for m in ping initialize logging/setLevel resources/subscribe no/such; do
		mapfile -t h < <(mhdr "$m")
		hpost "{\"jsonrpc\":\"2.0\",\"id\":\"m\",\"method\":\"$m\",\"params\":{$meta}}" "${h[@]}"
		[ "$STATUS" = 404 ] || fail "$m: $STATUS $BODY"
		printf '%s' "$BODY" | json_check '.id == "m" and .error.code == -32601'
	done
	# Bad _meta: 400 and -32602.
	mapfile -t h < <(mhdr tools/list)
	hpost '{"jsonrpc":"2.0","id":4,"method":"tools/list","params":{}}' "${h[@]}"
	hstatus 400; printf '%s' "$BODY" | json_check '.id == 4 and .error.code == -32602'
	# A version we do not speak, in header and _meta alike: 400, -32022.
	hpost '{"jsonrpc":"2.0","id":5,"method":"server/discover","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2099-01-01","io.modelcontextprotocol/clientCapabilities":{}}}}' \
	    -H 'MCP-Protocol-Version: 2099-01-01' -H 'Mcp-Method: server/discover'
	hstatus 400; printf '%s' "$BODY" | json_check '.id == 5 and .error.code == -32022
	    and .error.data.requested == "2099-01-01" and (.error.data.supported | index("2026-07-28") != null)'
	# Header mismatches: 400 and -32020.
	local call="{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"tools/call\",\"params\":{\"name\":\"list_tags\",\"arguments\":{},$meta}}"
	local -a cases=(
	    "-HMcp-Method: tools/call|-HMcp-Name: list_tags"		# no MCP-Protocol-Version
	    "-HMCP-Protocol-Version: 2025-11-25|-HMcp-Method: tools/call|-HMcp-Name: list_tags"
	    "-HMCP-Protocol-Version: 2026-07-28|-HMcp-Name: list_tags"	# no Mcp-Method
	    "-HMCP-Protocol-Version: 2026-07-28|-HMcp-Method: tools/list|-HMcp-Name: list_tags"
	    "-HMCP-Protocol-Version: 2026-07-28|-HMcp-Method: TOOLS/CALL|-HMcp-Name: list_tags"
	    "-HMCP-Protocol-Version: 2026-07-28|-HMcp-Method: tools/call"	# no Mcp-Name
	    "-HMCP-Protocol-Version: 2026-07-28|-HMcp-Method: tools/call|-HMcp-Name: delete_note"
	    "-HMCP-Protocol-Version: 2026-07-28|-HMcp-Method: tools/call|-HMcp-Name: =?base64?not*base64?="
	)
	local c
	for c in "${cases[@]}"; do
		IFS='|' read -r -a h <<<"$c"
		hpost "$call" "${h[@]}"
		[ "$STATUS" = 400 ] || fail "headers $c: $STATUS $BODY"
		printf '%s' "$BODY" | json_check '.id == 6 and .error.code == -32020'
	done
	[ "$(note_count)" = 1 ]
}

@test "/mcp: an unknown MCP-Protocol-Version is 400 with a JSON-RPC error (-32022) and the id; legacy-era errors stay 200" {
	mcp_http
	hpost '{"jsonrpc":"2.0","id":"v","method":"ping"}' -H 'MCP-Protocol-Version: 1999-01-01'
	[ "$STATUS" = 400 ] || fail "$STATUS $BODY"
	printf '%s' "$BODY" | json_check '.jsonrpc == "2.0" and .id == "v" and .error.code == -32022
	    and .error.data.requested == "1999-01-01" and (.error.data.supported | index("2025-11-25") != null)'
	for v in 2024-11-05 2025-03-26 2025-06-18 2025-11-25; do
		hpost '{"jsonrpc":"2.0","id":1,"method":"ping"}' -H "MCP-Protocol-Version: $v"
		[ "$STATUS" = 200 ] || fail "$v: $STATUS $BODY"
	done
	hpost '{"jsonrpc":"2.0","id":2,"method":"no/such"}' -H 'MCP-Protocol-Version: 2025-11-25'
	hstatus 200; printf '%s' "$BODY" | json_check '.id == 2 and .error.code == -32601'
	# Deeper than http.max_json_depth: an Invalid Request with the id.
	deep=$(printf '%.0s[' $(seq 40))$(printf '%.0s]' $(seq 40))
	hpost "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"ping\",\"params\":{\"x\":$deep}}"
	printf '%s' "$BODY" | json_check '.id == 3 and .error.code == -32600 and .error.data.max_depth == 32'
	hpost "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"ping\",\"params\":{\"x\":$deep}}" \
	    -H 'MCP-Protocol-Version: 2026-07-28' -H 'Mcp-Method: ping'
	hstatus 400; printf '%s' "$BODY" | json_check '.id == 3 and .error.code == -32600'
	# A \u0000 is -32602 with the id here too.
	hpost '{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"notes_from_schema","arguments":{"title":"a\u0000b"}}}'
	printf '%s' "$BODY" | json_check '.id == 4 and .error.code == -32602'
	[ "$(note_count)" = 0 ]
}

@test "raw lines: \\u0000 is -32602 with the id; valid deep nesting is served up to 512 levels, deeper is -32600 with the id; tool errors say which argument is wrong" {
	local d500 d513
	d500=$(printf '%.0s[' $(seq 498))$(printf '%.0s]' $(seq 498))
	d513=$(printf '%.0s[' $(seq 511))$(printf '%.0s]' $(seq 511))
	mcp "$INIT" "$(call 1 notes_from_schema '{"title":"a\u0000b"}')" \
	    "$(call 2 search_notes '{"query":"x","k\u0000":1}')" \
	    "$(modern 3 tools/call '"name":"notes_from_schema","arguments":{"title":"\u0000"}')" \
	    "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"ping\",\"params\":{\"x\":$d500}}" \
	    "{\"jsonrpc\":\"2.0\",\"id\":\"deep\",\"method\":\"ping\",\"params\":{\"x\":$d513}}" \
	    "{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"params\":{\"x\":$d513}}" \
	    "$(call 7 search_notes '{"limit":"x"}')" "$(call 8 notes_from_schema '{"title":"t","bogus":1}')" \
	    "$(call 9 get_note_by_id '{}')" "$(call 10 search_notes "{\"filters\":$d500}")"
	[ "$(replies)" = 11 ]
	for n in 2 3 4; do
		reply $n | json_check --argjson id $((n - 1)) '.id == $id and .error.code == -32602'
	done
	reply 5 | json_check '.id == 4 and .result == {}'
	reply 6 | json_check '.id == "deep" and .error.code == -32600 and .error.data.max_depth == 512'
	reply 7 | json_check '.id == null and .error.code == -32600'
	reply 8 | json_check '.id == 7 and .result.isError == true and (.result.content[0].text | fromjson).error
	    == {"code":"invalid_params","message":"Invalid parameters provided","detail":"limit: wrong type"}'
	reply 9 | json_check '.result.isError == true and (.result.content[0].text | fromjson).error.detail == "bogus: unknown property"'
	reply 10 | json_check '.result.isError == true and (.result.content[0].text | fromjson).error.detail == "pake_id: required"'
	reply 11 | json_check '.id == 10 and .result.isError == true'
	[ "$(md_count)" = 0 ]
	assert_protocol_only
}
