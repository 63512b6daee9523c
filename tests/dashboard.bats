#!/usr/bin/env bats
# dashboard.bats: the web dashboard served by pake-http (issue 14, items 4
# and 5, must-shows 1-3).  Debian's Chromium, driven by playwright-core
# (tests/browser/, its version pinned by package-lock.json; setup_file
# installs it with npm ci when missing), against a real pake-http on a
# free port of 127.0.0.1 with a fresh database:
#
#   1. sign in, search, open a note, follow a backlink, a stale edit and
#      its conflict, the graph (pan, zoom, click a node), the charts after
#      a scripted series of searches, keyboard-only navigation; no console
#      error, page error or CSP violation; screenshots in
#      $PAKE_BUILD/artifacts/dashboard/;
#   2. a note of script payloads: nothing runs, and the CSP is there;
#   3. a viewer sees no edit controls and a write is refused; another
#      tenant's notes never appear; logout and revocation end the session.
#
# Skipped only when npm or Chromium is absent; a failing npm ci fails.

bats_require_minimum_version 1.5.0
load helpers

PW='Str0ng-Passw0rd!'
load http_helpers

BROWSER_DIR="$BATS_TEST_DIRNAME/browser"
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}

setup_file() {
	if ! [ -d "$BROWSER_DIR/node_modules/playwright-core" ] &&
	    command -v npm >/dev/null 2>&1; then
		npm ci --prefix "$BROWSER_DIR" --no-audit --no-fund \
		    >"$BATS_FILE_TMPDIR/npm.log" 2>&1 </dev/null 3>&- || true
	fi
}

setup() {
	pake_setup
	require_tool pake-http pake-tenant pake-note
	http_setup
	A="$PAKE_BUILD/artifacts/dashboard"
	mkdir -p "$A"
}

teardown() {
	stop_servers
}

# need_browser: skip without npm or Chromium; fail when npm ci failed.
need_browser() {
	command -v npm >/dev/null 2>&1 && command -v node >/dev/null 2>&1 ||
	    skip "npm is not installed: the browser tests need Node.js and npm"
	[ -x "$CHROMIUM" ] || skip "no Chromium at $CHROMIUM (apt-get install chromium)"
	[ -d "$BROWSER_DIR/node_modules/playwright-core" ] ||
	    fail "npm ci --prefix tests/browser failed: $(cat "$BATS_FILE_TMPDIR/npm.log" 2>/dev/null)"
}

# world: users (uma a user, vic a viewer, ada an admin), two linked notes
# and a token of ada's; a server.  Sets ALPHA, BETA, ADMIN_TOKEN, URL.
world() {
	mkuser default user uma
	mkuser default viewer vic
	mkuser default admin ada
	ADMIN_TOKEN=$(mktoken default ada)
	ALPHA=$(printf 'Alpha is about **graphs**.\n\nSee also [[Beta note]]?' |
	    pake-note add --title 'Alpha note' --tag graphs --tag shared)
	BETA=$(printf 'Beta builds on [[Alpha note]].' |
	    pake-note add --title 'Beta note' --tag shared)
	serve no
}

# browse SCENARIO: run tests/browser/dashboard.mjs SCENARIO against $URL.
browse() {
	run env BASE="$URL" PW="$PW" USER=uma VIEWER=vic ALPHA="$ALPHA" \
	    BETA="$BETA" EVIL="${EVIL:-}" TENANT2_IDS="${TENANT2_IDS:-}" \
	    ADMIN_TOKEN="$ADMIN_TOKEN" ARTIFACTS="$A" CHROMIUM="$CHROMIUM" \
	    timeout 80 node "$BROWSER_DIR/dashboard.mjs" "$1"
	printf '%s\n' "$output" >"$A/$1.log"
	[ "$status" -eq 0 ] || fail "dashboard.mjs $1 ($status): $output"
}

@test "dashboard: served with a strict CSP, its assets embedded, cached by ETag, gzip when asked" {
	world
	for p in /dashboard /dashboard/realtime /dashboard/advanced /dashboard/obsidian \
	    /dashboard/assets/app.js /dashboard/assets/app.css /dashboard/assets/index.html \
	    /dashboard/assets/cytoscape.min.js /dashboard/assets/chart.umd.min.js; do
		hreq "$URL$p"
		expect 200
		csp=$(hdr Content-Security-Policy)
		[[ "$csp" == *"default-src 'none'"* && "$csp" == *"script-src 'self'"* &&
		    "$csp" == *"style-src 'self'"* && "$csp" == *"frame-ancestors 'none'"* ]] ||
		    fail "$p: CSP '$csp'"
		[[ "$csp" != *unsafe* ]] || fail "$p: CSP allows unsafe: $csp"
		[ "$(hdr X-Content-Type-Options)" = nosniff ] || fail "$p: nosniff"
		[ "$(hdr Referrer-Policy)" = no-referrer ] || fail "$p: Referrer-Policy"
		[ -n "$(hdr ETag)" ] || fail "$p: no ETag"
	done
	hreq "$URL/dashboard"
	[[ "$(hdr Content-Type)" == text/html* ]]
	# nothing inline: no script or style in the page, no handlers
	[[ "$BODY" == *'<script src="/dashboard/assets/app.js" defer></script>'* ]]
	! printf '%s' "$BODY" | grep -Eq '<script>|<script [^s]|<style|style=|on[a-z]+='
	hreq "$URL/dashboard/assets/app.js"
	[[ "$(hdr Content-Type)" == text/javascript* ]]
	! grep -Eq 'innerHTML|outerHTML|insertAdjacentHTML|document\.write|localStorage|sessionStorage|document\.cookie|eval\(' "$T/body"
	node --check "$T/body" 2>/dev/null || { cp "$T/body" "$T/app.js"; node --check "$T/app.js"; }
	# the libraries are there (npm was available to this build)
	if command -v npm >/dev/null; then
		hreq "$URL/dashboard/assets/cytoscape.min.js"
		[ "${#BODY}" -gt 100000 ] || fail "cytoscape is not built in: $BODY"
		hreq "$URL/dashboard/assets/chart.umd.min.js"
		[ "${#BODY}" -gt 100000 ] || fail "chart.js is not built in: $BODY"
	fi
	# ETag and If-None-Match; Cache-Control
	hreq "$URL/dashboard/assets/app.css"
	tag=$(hdr ETag)
	[ "$(hdr Cache-Control)" = no-cache ]
	hreq -H "If-None-Match: $tag" "$URL/dashboard/assets/app.css"
	expect 304
	[ -z "$BODY" ]
	hreq -H 'If-None-Match: "other"' "$URL/dashboard/assets/app.css"
	expect 200
	# gzip for a client that takes it, the same bytes once unpacked
	hreq "$URL/dashboard/assets/app.js"
	tag=$(hdr ETag)
	curl -sS -D "$T/hdr" -o "$T/app.js.gz" -H 'Accept-Encoding: gzip' "$URL/dashboard/assets/app.js"
	[ "$(hdr Content-Encoding)" = gzip ]
	[[ "$(hdr Vary)" == *Accept-Encoding* ]]
	[ "$(hdr ETag)" != "$tag" ] || fail "one ETag for two encodings"
	gunzip -c "$T/app.js.gz" | cmp - <(curl -s "$URL/dashboard/assets/app.js")
	hreq -H 'Accept-Encoding: gzip;q=0, br' "$URL/dashboard/assets/app.js"
	[ -z "$(hdr Content-Encoding)" ]
	# a fixed list: nothing else, no path outside it
	for p in /dashboard/assets/nope.js /dashboard/assets/..%2f..%2fetc%2fpasswd \
	    /dashboard/assets/.. /dashboard/assets/assets.S /dashboard/x; do
		hreq --path-as-is "$URL$p"
		expect 404
		envelope not_found
	done
	hreq -I "$URL/dashboard"
	expect 200
	hreq -X POST "$URL/dashboard"
	expect 405
}

@test "dashboard: sign in, search, a note, a backlink, a stale edit's conflict, the graph, the charts, keyboard only; no console errors" {
	need_browser
	world
	browse flow
}

@test "dashboard: a note of script payloads runs nothing, shown as text" {
	need_browser
	world
	local body
	body=$(cat <<'EOF'
A payload note.

<script>window.__pwned = 'script block'</script>

<div onclick="window.__pwned = 'div'"><img src=x onerror="window.__pwned = 'raw img'"></div>

Inline <img src=x onerror="window.__pwned = 'inline img'"> and <svg onload="window.__pwned = 'svg'"></svg>
and <a href="javascript:window.__pwned = 'raw a'">raw link</a>.

[a javascript link](javascript:window.__pwned='md-link') and [another](JaVaScRiPt:window.__pwned='md-link2')
and ![an image](x"onerror="window.__pwned='md-img') and <iframe srcdoc="<script>parent.__pwned='iframe'</script>"></iframe>

<style>body { display: none }</style>

[[<script>window.__pwned='wikilink'</script>]]
EOF
)
	EVIL=$(printf '%s' "$body" | jq -Rs --arg t '<script>window.__pwned="title"</script><img src=x onerror=window.__pwned="title-img"> payload' \
	    '{title: $t, content: ., tags: ["<img src=x onerror=window.__pwned=\"tag\">", "javascript:alert(1)", "<script>window.__pwned=\"tag2\"</script>"]}' |
	    curl -sS -H "Authorization: Bearer $ADMIN_TOKEN" -H 'Content-Type: application/json' \
	    --data-binary @- "$URL/notes" | jq -r .pake_id)
	[[ "$EVIL" =~ $UUID_RE ]] || fail "the payload note was not made: $EVIL"
	browse xss
	# and the CSP is on the page and its assets
	for p in /dashboard /dashboard/assets/app.js; do
		hreq "$URL$p"
		[[ "$(hdr Content-Security-Policy)" == *"script-src 'self'"* ]] || fail "$p: no CSP"
	done
}

@test "dashboard: a viewer cannot edit, another tenant never shows, logout and revocation end the session" {
	need_browser
	world
	pake-tenant tenant create other >/dev/null
	mkuser other user oscar
	local t2 i
	TENANT2_IDS=""
	for i in 1 2; do
		t2=$(printf 'Their shared words, number %s.' "$i" |
		    PAKE_TENANT=other pake-note add --title "Shared words $i" --tag shared)
		TENANT2_IDS+="$t2 "
	done
	# our own note with the same words
	printf 'Our shared words.' | pake-note add --title 'Shared words here' >/dev/null
	browse roles
}

@test "dashboard: built without npm, the libraries are absent (404 'Not built in') and the page still serves" {
	local d="$T/dash" g="$T/gen" cf libs port pid
	command -v cc >/dev/null && command -v ar >/dev/null || fail "no cc or ar"
	# The dashboard's sources without node_modules, and no npm.
	mkdir -p "$d"
	cp "$REPO_DIR"/dashboard/{index.html,app.js,app.css,package.json,package-lock.json,build.sh} "$d"/
	NPM=none sh "$d/build.sh" "$g" >"$T/build.out" 2>&1 || fail "$(cat "$T/build.out")"
	grep -q "building without cytoscape and chart.js" "$T/build.out" || fail "$(cat "$T/build.out")"
	[ ! -s "$g/cytoscape.min.js" ] && [ ! -s "$g/chart.umd.min.js" ] || fail "a library was built in"
	[ -s "$g/app.js" ] || fail "no app.js"
	# pake-http linked with those assets in place of the build's.
	cf=$(pkg-config --cflags sqlite3 libcjson yaml-0.1 libsystemd libsodium libcmark)
	libs=$(pkg-config --libs sqlite3 libcjson yaml-0.1 libsystemd libsodium libcmark)
	san=""
	nm "$PAKE_BUILD/libpake.a" 2>/dev/null | grep -q __asan && san="-fsanitize=address,undefined"
	cc -c -o "$T/dash_assets.o" "$g/assets.S"
	cp "$PAKE_BUILD/libpake.a" "$T/libpake.a"
	ar d "$T/libpake.a" dash_assets.o
	ar rcs "$T/libpake.a" "$T/dash_assets.o"
	cc -std=c11 -D_GNU_SOURCE -I"$REPO_DIR/include" $cf $san -o "$T/pake-http" \
	    "$REPO_DIR/bin/pake-http.c" "$T/libpake.a" $libs -lm -lpthread ||
	    fail "could not link pake-http"
	port=$(free_port)
	"$T/pake-http" --listen "127.0.0.1:$port" 2>"$T/http.err" &
	pid=$!
	echo "$pid" >>"$T/servers"
	for _ in $(seq 100); do
		curl -sf "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
		sleep 0.05
	done
	for f in cytoscape.min.js chart.umd.min.js; do
		hreq "http://127.0.0.1:$port/dashboard/assets/$f"
		expect 404
		envelope not_found
		printf '%s' "$BODY" | json_check '.error.message | test("Not built in")'
	done
	hreq "http://127.0.0.1:$port/dashboard/assets/app.js"
	expect 200
	# The page says so in the graph and chart views (app.js's own words).
	grep -q "built without cytoscape (npm was not " "$T/body" &&
	    grep -q "built without chart.js (npm was not " "$T/body" ||
	    fail "app.js does not say a library is absent"
	hreq "http://127.0.0.1:$port/dashboard"
	expect 200
}
