#!/usr/bin/env bats
# http.bats: issue 5, pake-http.  Real curl (and socat, and bash's
# /dev/tcp) against pake-http started by the real systemd-socket-activate
# in each way systemd or inetd can start it:
#
#   yes    Accept=yes: a process per connection, the socket as fd 3
#   inetd  Accept=yes with --inetd: the connection on fd 0 and 1
#   no     Accept=no: one process given the listening socket
#
# (and socat's fork + EXEC, the inetd of the poor).  The "Must show" list
# of the issue: keep-alive and pipelining (1), every limit and the slow
# client (2), 64 concurrent clients (3), 401/404/403 (4); then the rest of
# the HTTP behaviour: request ids, the error envelope, the routes, CORS,
# the access log, metrics, and the systemd units.
#
# systemd-socket-activate hands the program only the environment it is
# told to (-E), so serve() passes on every PAKE_* variable of the test.
#
# Knobs: HTTP_LOAD_SECONDS (default 20, the Accept=no load run),
# HTTP_LOAD_SECONDS_ACCEPT (default 5, the Accept=yes load run),
# HTTP_LOAD_CLIENTS (default 64).

bats_require_minimum_version 1.5.0
load helpers

PW='Str0ng-Passw0rd!'
load http_helpers

setup() {
	pake_setup
	require_tool pake-http pake-tenant pake-note pake-db
	http_setup
}

teardown() {
	stop_servers
}

# ---------------------------------------------------------------------
# Servers

# serve_socat [VAR=VALUE...]: pake-http behind socat TCP-LISTEN,fork with
# EXEC,nofork (the accepted TCP socket on fd 0 and 1, inetd style).
serve_socat() {
	local v i pid
	NSERV=$((NSERV + 1))
	LOG=$T/http-$NSERV.log
	OUT=$T/http-$NSERV.out
	PORT=$(free_port)
	URL=http://127.0.0.1:$PORT
	(for v in "$@"; do export "${v?}"; done
	 exec setsid socat "TCP-LISTEN:$PORT,bind=127.0.0.1,fork,reuseaddr" \
	    "EXEC:$PAKE_BUILD/bin/pake-http,nofork") </dev/null >"$OUT" 2>"$LOG" 3>&- &
	pid=$!
	echo "$pid" >>"$T/servers"
	for i in $(seq 100); do
		curl -s -o /dev/null --max-time 1 "$URL/health" && return 0
		sleep 0.05
	done
	fail "socat did not listen: $(cat "$LOG")"
}


# access_log: pake-http's JSON records in $LOG (not the activator's lines).
access_log() { grep '^{' "$LOG" | jq -c 'select(.method != null)'; }

# ---------------------------------------------------------------------
# Requests


# ---------------------------------------------------------------------
# The systemd units

# units_dir: the units in a temporary folder, ExecStart pointing at the
# built binaries (verify insists that the command exists).
units_dir() {
	mkdir -p "$T/units"
	cp "$REPO_DIR"/units/* "$T/units/"
	sed -i -E "s|^ExecStart=(-?)/usr/local/bin/|ExecStart=\1$PAKE_BUILD/bin/|" "$T"/units/*.service
}

@test "units: systemd-analyze verify passes for every unit in units/" {
	units_dir
	local u n=0
	for u in "$T"/units/*; do
		run systemd-analyze verify --man=no "$u"
		[ "$status" -eq 0 ] || fail "verify $(basename "$u"): $output"
		n=$((n + 1))
	done
	[ "$n" -ge 4 ] || fail "only $n units in units/"
	# All of them at once too (the socket units name their services).
	run systemd-analyze verify --man=no "$T"/units/*
	assert_success
}

@test "units: systemd-analyze security exposure is at most 2.0 for both services" {
	units_dir
	local u x
	for u in pake-http@.service pake-httpd.service; do
		run systemd-analyze security --offline=yes --no-pager "$T/units/$u"
		assert_success
		x=$(printf '%s\n' "$output" | sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
		[ -n "$x" ] || fail "no exposure level for $u: $output"
		echo "# $u exposure $x" >&3
		awk -v x="$x" 'BEGIN { exit !(x <= 2.0) }' || fail "$u exposure $x > 2.0"
	done
}

# ---------------------------------------------------------------------
# Must show 1: keep-alive and pipelining

# keepalive: three requests with one curl: one connection, three answers.
keepalive() {
	run curl -sS --http1.1 -o /dev/null -o /dev/null -o /dev/null \
	    -w '%{http_code} %{num_connects}\n' "$URL/" "$URL/health" "$URL/metrics"
	assert_success
	assert_output $'200 1\n200 0\n200 0'
	run --separate-stderr curl -sv --http1.1 -o /dev/null -o /dev/null "$URL/health" "$URL/"
	assert_success
	[[ "$stderr" == *"Re-using existing connection"* ]] || fail "no reuse: $stderr"
}

@test "must-show 1: Accept=yes: several requests on one keep-alive connection, one process" {
	serve yes
	keepalive
	# Two curl runs, two connections: two processes, each serving all of
	# its connection's requests.
	assert_equal "$(grep -c '^Spawned' "$LOG")" 2
	assert_equal "$(access_log | wc -l)" 5
}

@test "must-show 1: Accept=no: several requests on one keep-alive connection" {
	serve no
	keepalive
	assert_equal "$(grep -c '^Execing' "$LOG")" 1
}

@test "must-show 1: inetd style (--inetd, the connection on fd 0 and 1): keep-alive" {
	serve inetd
	keepalive
	assert_equal "$(grep -c '^Spawned' "$LOG")" 2
}

@test "must-show 1: socat fork + EXEC (inetd style): keep-alive" {
	serve_socat
	keepalive
}

# pipeline: four requests in one write, a POST with a body among them; the
# answers come back in the order sent.
pipeline() {
	local tok=$1 body='{"title":"Piped note","content":"sent in one write"}' all
	all="GET /health HTTP/1.1"$'\r\n'"Host: t"$'\r\n'"X-Request-ID: pipe-1"$'\r\n\r\n'
	all+="POST /notes HTTP/1.1"$'\r\n'"Host: t"$'\r\n'"Authorization: Bearer $tok"$'\r\n'
	all+="Content-Type: application/json"$'\r\n'"Content-Length: ${#body}"$'\r\n'
	all+="X-Request-ID: pipe-2"$'\r\n\r\n'"$body"
	all+="GET /no/such/thing HTTP/1.1"$'\r\n'"Host: t"$'\r\n'"X-Request-ID: pipe-3"$'\r\n\r\n'
	all+="GET / HTTP/1.1"$'\r\n'"Host: t"$'\r\n'"X-Request-ID: pipe-4"$'\r\n'
	all+="Connection: close"$'\r\n\r\n'
	printf '%s' "$all" | timeout 20 socat -t 10 -T 10 - "TCP:127.0.0.1:$PORT" >"$T/pipe.out"
	run bash -c "grep -a -o -E 'HTTP/1\.1 [0-9]{3}|X-Request-ID: [A-Za-z0-9._-]+' '$T/pipe.out'"
	assert_output "$(printf '%s\n' 'HTTP/1.1 200' 'X-Request-ID: pipe-1' \
	    'HTTP/1.1 201' 'X-Request-ID: pipe-2' 'HTTP/1.1 404' \
	    'X-Request-ID: pipe-3' 'HTTP/1.1 200' 'X-Request-ID: pipe-4')"
	grep -aq '"title":"Piped note"' "$T/pipe.out" || fail "no note in: $(cat "$T/pipe.out")"
	assert_equal "$(note_count)" 1
}

@test "must-show 1: Accept=yes: pipelined requests are answered in order, by one process" {
	mkuser default user pip
	TOK=$(mktoken default pip)
	serve yes
	pipeline "$TOK"
	assert_equal "$(grep -c '^Spawned' "$LOG")" 1
}

@test "must-show 1: Accept=no: pipelined requests are answered in order" {
	mkuser default user pip
	TOK=$(mktoken default pip)
	serve no
	pipeline "$TOK"
}

# ---------------------------------------------------------------------
# Must show 2: limits, each with its status; the slow client

LIMITS=(PAKE_HTTP_MAX_HEADER_BYTES=2048 PAKE_HTTP_MAX_URL_BYTES=512
    PAKE_HTTP_MAX_BODY_BYTES=4096 PAKE_HTTP_MAX_JSON_DEPTH=4)

# aaa N: N letters a.
aaa() { head -c "$1" /dev/zero | tr '\0' a; }

check_limits() {
	local tok=$1 deep
	# Header bytes: just over the limit, our 431 with the envelope ...
	hreq -H "X-Filler: $(aaa 2500)" "$URL/health"
	expect 431
	envelope invalid_params
	# ... far over it, libmicrohttpd's own 431.
	hreq -H "X-Filler: $(aaa 60000)" "$URL/health"
	expect 431
	# Under the limit: fine.
	hreq -H "X-Filler: $(aaa 1500)" "$URL/health"
	expect 200

	# URL length.
	hreq "$URL/notes/$(aaa 600)"
	expect 414
	envelope invalid_params
	hreq "$URL/x$(aaa 500)"
	expect 404
	envelope not_found

	# Body size.
	hreq "$(auth "$tok")" -H 'Content-Type: application/json' \
	    -d "{\"title\":\"big\",\"content\":\"$(aaa 5000)\"}" "$URL/notes"
	expect 413
	envelope payload_too_large
	hreq "$(auth "$tok")" -H 'Content-Type: application/json' \
	    -d "{\"title\":\"fits\",\"content\":\"$(aaa 3000)\"}" "$URL/notes"
	expect 201

	# JSON nesting depth: 5 levels against a limit of 4.
	deep='{"title":"deep","tags":[[[["x"]]]]}'
	hreq "$(auth "$tok")" -H 'Content-Type: application/json' -d "$deep" "$URL/notes"
	expect 400
	envelope invalid_params
	# Brackets inside strings are not nesting.
	hreq "$(auth "$tok")" -H 'Content-Type: application/json' \
	    -d '{"title":"[[[[[[ not deep {{{{{{","tags":["a"]}' "$URL/notes"
	expect 201
	assert_equal "$(note_count)" 2
}

@test "must-show 2: Accept=no: header bytes 431, URL length 414, body size 413, JSON depth 400 (configured limits)" {
	mkuser default user lim
	TOK=$(mktoken default lim)
	serve no "${LIMITS[@]}"
	check_limits "$TOK"
}

@test "must-show 2: Accept=yes: header bytes 431, URL length 414, body size 413, JSON depth 400 (configured limits)" {
	mkuser default user lim
	TOK=$(mktoken default lim)
	serve yes "${LIMITS[@]}"
	check_limits "$TOK"
}

@test "must-show 2: a URL over http.max_url_bytes by its query string is 414 too" {
	mkuser default user lim
	TOK=$(mktoken default lim)
	serve no "${LIMITS[@]}"
	hreq "$(auth "$TOK")" "$URL/notes?q=$(aaa 100)"
	expect 200
	# 600 bytes of query on a 512-byte limit.
	hreq "$(auth "$TOK")" "$URL/notes?q=$(aaa 600)"
	expect 414
	envelope invalid_params
}

@test "must-show 2: the limits' defaults: 16 KiB of headers, 4 KiB of URL, 32 MiB of body, depth 32" {
	mkuser default user lim
	TOK=$(mktoken default lim)
	serve no
	hreq -H "X-Filler: $(aaa 15000)" "$URL/health"
	expect 200
	hreq -H "X-Filler: $(aaa 17000)" "$URL/health"
	expect 431
	hreq "$URL/x$(aaa 4090)"
	expect 404
	hreq "$URL/x$(aaa 4100)"
	expect 414
	d32=$(printf '[%.0s' $(seq 31))$(printf ']%.0s' $(seq 31))
	d33=$(printf '[%.0s' $(seq 32))$(printf ']%.0s' $(seq 32))
	hreq "$(auth "$TOK")" -H 'Content-Type: application/json' -d "{\"title\":\"d\",\"x\":$d33}" "$URL/notes"
	expect 400
	envelope invalid_params
	# 32 levels pass the depth check (the schema then refuses the field).
	hreq "$(auth "$TOK")" -H 'Content-Type: application/json' -d "{\"title\":\"d\",\"x\":$d32}" "$URL/notes"
	[ "$STATUS" = 400 ] && [[ "$BODY" != *"nested too deeply"* ]] ||
	    [ "$STATUS" = 201 ] || fail "depth 32: $STATUS $BODY"
	# A body of 33 MiB.
	head -c $((33 * 1024 * 1024)) /dev/zero | tr '\0' a >"$T/big"
	hreq "$(auth "$TOK")" -H 'Content-Type: application/json' --data-binary @"$T/big" "$URL/notes"
	expect 413
	envelope payload_too_large
}

@test "must-show 2: 415 for a body that is not JSON; malformed JSON, wrong types and bad values 400" {
	mkuser default user lim
	TOK=$(mktoken default lim)
	serve no
	hreq "$(auth "$TOK")" -H 'Content-Type: text/plain' -d '{"title":"x"}' "$URL/notes"
	expect 415
	envelope invalid_params
	# curl -d says application/x-www-form-urlencoded.
	hreq "$(auth "$TOK")" -d 'title=x' "$URL/notes"
	expect 415
	envelope invalid_params
	hreq "$(auth "$TOK")" -H 'Content-Type: application/jsonp' -d '{"title":"x"}' "$URL/notes"
	expect 415
	# JSON with a charset parameter is JSON.
	hreq "$(auth "$TOK")" -H 'Content-Type: application/json; charset=utf-8' -d '{"title":"charset"}' "$URL/notes"
	expect 201
	# Not UTF-8.
	printf '{"title":"\xff\xfe"}' >"$T/latin"
	hreq "$(auth "$TOK")" -H 'Content-Type: application/json' --data-binary @"$T/latin" "$URL/notes"
	expect 400
	envelope invalid_params
	# Every malformed body, wrong type and bad value (all checked, then
	# the failures reported together).
	local bad wrong=""
	for bad in '{"title":' '[1,2]' '"title"' '{"title":"x"} trailing' \
	    '{"title":"x"}{"title":"y"}' '{"title":5}' '{"title":null}' \
	    '{"title":"x","tags":5}' '{"title":"x","confidence_score":7}' \
	    '{"title":"x","confidence_score":"high"}' '{"title":""}' '{}'; do
		hreq "$(auth "$TOK")" -H 'Content-Type: application/json' -d "$bad" "$URL/notes"
		if [ "$STATUS" != 400 ]; then
			wrong+=$'\n'"$bad: $STATUS $BODY"
		elif ! printf '%s' "$BODY" | jq -e '.error.code == "invalid_params"' >/dev/null; then
			wrong+=$'\n'"$bad: $BODY"
		fi
	done
	[ -z "$wrong" ] || fail "not 400 invalid_params:$wrong"
	assert_equal "$(note_count)" 1
}

@test "must-show 2: 405 with Allow, OPTIONS and HEAD" {
	serve no
	hreq -X DELETE "$URL/tags"
	expect 405
	envelope invalid_params
	assert_equal "$(hdr Allow)" "GET, HEAD, OPTIONS"
	hreq -X PUT "$URL/notes/$MISSING_ID"
	expect 405
	local allow m
	allow=$(hdr Allow)
	for m in GET HEAD PATCH DELETE OPTIONS; do
		[[ ", $allow, " == *", $m, "* ]] || fail "Allow '$allow' lacks $m"
	done
	[[ "$allow" != *POST* && "$allow" != *PUT* ]] || fail "Allow '$allow'"
	hreq -X POST "$URL/health"
	expect 405
	assert_equal "$(hdr Allow)" "GET, HEAD, OPTIONS"
	# Allow only where it belongs.
	hreq "$URL/health"
	expect 200
	assert_equal "$(hdr Allow)" ""

	# OPTIONS: 204 with Allow, no token needed, no body.
	hreq -X OPTIONS "$URL/notes"
	expect 204
	allow=$(hdr Allow)
	for m in GET HEAD POST OPTIONS; do
		[[ ", $allow, " == *", $m, "* ]] || fail "Allow '$allow' lacks $m"
	done
	assert_equal "$BODY" ""
	[ -n "$(hdr X-Request-ID)" ] || fail "OPTIONS without X-Request-ID"
	hreq -X OPTIONS "$URL/no/such/thing"
	expect 404

	# HEAD: GET's status and headers, no body.
	hreq "$URL/health"
	get_len=$(hdr Content-Length)
	printf 'HEAD /health HTTP/1.1\r\nHost: t\r\nX-Request-ID: head-1\r\nConnection: close\r\n\r\n' |
	    timeout 10 socat -t 5 - "TCP:127.0.0.1:$PORT" >"$T/head.out"
	run head -n1 "$T/head.out"
	assert_output $'HTTP/1.1 200 OK\r'
	grep -aq $'^Content-Length: '"$get_len"$'\r$' "$T/head.out" ||
	    fail "HEAD Content-Length is not GET's ($get_len): $(cat "$T/head.out")"
	grep -aq $'^X-Request-ID: head-1\r$' "$T/head.out" || fail "HEAD without X-Request-ID"
	# Nothing after the blank line that ends the header.
	[ "$(tail -c 4 "$T/head.out" | od -An -c | tr -d ' ')" = '\r\n\r\n' ] ||
	    fail "HEAD has a body: $(cat "$T/head.out")"
	# HEAD of a route that needs a token: 401 like GET.
	hreq -I "$URL/notes"
	expect 401
}

# slow_client PORT FAST SLOW OUT: connect, send FAST at once, then SLOW one
# byte a second; stop when the server answers or drops the connection.
# Writes "dropped SECONDS", "answered SECONDS FIRST-LINE" or
# "finished SECONDS" to OUT.
slow_client() {
	local port=$1 fast=$2 slow=$3 out=$4 fd i c st rest t0 res=""
	trap '' PIPE
	exec {fd}<>"/dev/tcp/127.0.0.1/$port" || { echo "noconnect" >"$out"; return; }
	t0=$(date +%s.%N)
	if [ -n "$fast" ]; then
		printf '%s' "$fast" 1>&"$fd" 2>/dev/null || res=dropped
	fi
	for ((i = 0; i < ${#slow}; i++)); do
		[ -z "$res" ] || break
		printf '%s' "${slow:i:1}" 1>&"$fd" 2>/dev/null || { res=dropped; break; }
		st=0
		read -r -t 1 -n 1 -u "$fd" c || st=$?
		if [ "$st" -eq 0 ]; then
			read -r -t 1 -u "$fd" rest || true
			if [[ "$c$rest" == "HTTP/1.1 408"* ]]; then
				res=dropped
			else
				res="answered $c$rest"
			fi
		elif [ "$st" -le 128 ]; then
			res=dropped
		fi
	done
	exec {fd}>&-
	set -- ${res:-finished}
	printf '%s %s %s\n' "$1" "$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')" "${*:2}" >"$out"
}

# slow_vs_20: the one-byte-a-second client is dropped within the idle
# timeout (2 s) while 20 others, started during it, are all served at once.
slow_vs_20() {
	local tok=$1 i spid
	slow_client "$PORT" "" $'GET /notes HTTP/1.1\r\nHost: slow\r\nX-Request-ID: slow-1\r\n\r\n' \
	    "$T/slow.res" </dev/null >/dev/null 2>&1 3>&- &
	spid=$!
	sleep 0.5
	local cpids=()
	for i in $(seq 20); do
		curl -s -o /dev/null --max-time 20 -H "X-Request-ID: fast-$i" "$(auth "$tok")" \
		    -w '%{http_code} %{time_total}\n' "$URL/notes?limit=5" \
		    >"$T/fast.$i" 2>&1 3>&- &
		cpids+=($!)
	done
	wait "${cpids[@]}"
	for i in $(seq 20); do
		read -r code secs <"$T/fast.$i"
		[ "$code" = 200 ] || fail "client $i: $(cat "$T/fast.$i")"
		awk -v s="$secs" 'BEGIN { exit !(s < 1.5) }' || fail "client $i waited $secs s"
	done
	wait "$spid"
	read -r what secs rest <"$T/slow.res"
	echo "# slow client: $what after $secs s" >&3
	[ "$what" = dropped ] || fail "slow client: $(cat "$T/slow.res")"
	awk -v s="$secs" 'BEGIN { exit !(s >= 1.5 && s <= 3.5) }' ||
	    fail "dropped after $secs s, idle timeout 2 s"
	# Never answered, so never logged as a request.
	! grep -q '"request_id":"slow-1"' "$LOG" || fail "the slow request was served"
	# And the server goes on.
	hreq "$URL/health"
	expect 200
}

@test "must-show 2: Accept=no: a one-byte-a-second client is dropped within the timeout while 20 others are served" {
	mkuser default user many
	TOK=$(mktoken default many)
	serve no PAKE_HTTP_IDLE_TIMEOUT_S=2 PAKE_HTTP_READ_TIMEOUT_S=3
	slow_vs_20 "$TOK"
}

@test "must-show 2: Accept=yes: a one-byte-a-second client is dropped within the timeout while 20 others are served" {
	mkuser default user many
	TOK=$(mktoken default many)
	serve yes PAKE_HTTP_IDLE_TIMEOUT_S=2 PAKE_HTTP_READ_TIMEOUT_S=3
	slow_vs_20 "$TOK"
}

@test "must-show 2: a body sent one byte a second is dropped within http.read_timeout_s" {
	mkuser default user many
	TOK=$(mktoken default many)
	serve no PAKE_HTTP_IDLE_TIMEOUT_S=2 PAKE_HTTP_READ_TIMEOUT_S=3
	local head body
	body='{"title":"slowly, slowly","content":"one byte a second"}'
	head="POST /notes HTTP/1.1"$'\r\n'"Host: slow"$'\r\n'"Authorization: Bearer $TOK"$'\r\n'
	head+="Content-Type: application/json"$'\r\n'"Content-Length: ${#body}"$'\r\n\r\n'
	slow_client "$PORT" "$head" "$body" "$T/slow.res"
	read -r what secs rest <"$T/slow.res"
	[ "$what" = dropped ] || fail "slow body: $(cat "$T/slow.res")"
	awk -v s="$secs" 'BEGIN { exit !(s >= 2.5 && s <= 4.5) }' ||
	    fail "dropped after $secs s, read timeout 3 s"
	assert_equal "$(note_count)" 0
}

@test "Accept=yes: an idle keep-alive connection is closed after http.idle_timeout_s and its process exits" {
	serve yes PAKE_HTTP_IDLE_TIMEOUT_S=2
	local fd line t0 secs
	exec {fd}<>"/dev/tcp/127.0.0.1/$PORT"
	printf 'GET /health HTTP/1.1\r\nHost: t\r\n\r\n' >&"$fd"
	t0=$(date +%s.%N)
	read -r -t 10 -u "$fd" line
	assert_equal "$line" $'HTTP/1.1 200 OK\r'
	# Read to the end: the server closes the connection.
	while read -r -t 10 -u "$fd" line; do :; done
	secs=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
	exec {fd}>&-
	awk -v s="$secs" 'BEGIN { exit !(s >= 1.5 && s <= 4) }' || fail "closed after $secs s"
	sleep 0.3
	grep -q '^Child [0-9]* died with code 0' "$LOG" || fail "process did not exit: $(cat "$LOG")"
}

@test "Accept=yes: SIGTERM ends a process holding an idle keep-alive connection promptly" {
	serve yes PAKE_HTTP_IDLE_TIMEOUT_S=10
	local fd line pid i
	exec {fd}<>"/dev/tcp/127.0.0.1/$PORT"
	printf 'GET /health HTTP/1.1\r\nHost: t\r\n\r\n' >&"$fd"
	read -r -t 10 -u "$fd" line
	assert_equal "$line" $'HTTP/1.1 200 OK\r'
	pid=$(sed -n 's/^Spawned .* as PID \([0-9]*\)\.*$/\1/p' "$LOG" | head -n1)
	[ -n "$pid" ] || fail "no child in: $(cat "$LOG")"
	kill -TERM "$pid"
	for i in $(seq 20); do
		gone "$pid" && break
		sleep 0.1
	done
	gone "$pid" || { exec {fd}>&-; fail "pake-http $pid still runs 2 s after SIGTERM (idle timeout 10 s)"; }
	exec {fd}>&-
}

# ---------------------------------------------------------------------
# Must show 3: 64 clients, mixed reads and writes

# load MODE SECONDS: the load script against a fresh server; its summary
# goes to the TAP output.
load_run() {
	local mode=$1 secs=$2 clients=${HTTP_LOAD_CLIENTS:-64} i
	# The load is the point here, not the plan's limits (tested in
	# tenant.bats): thousands of requests a second would spend them.
	pake-tenant tenant limits default --per-minute unlimited \
	    --calls-per-day unlimited >/dev/null
	mkuser default user loader
	for i in $(seq "$clients"); do
		printf '%s\n' "$(mktoken default loader)"
	done >"$T/tokens"
	assert_equal "$(grep -c '^pake_' "$T/tokens")" "$clients"
	serve "$mode"
	run --separate-stderr python3 "$TESTS_DIR/http_load.py" --url "$URL" \
	    --tokens "$T/tokens" --clients "$clients" --seconds "$secs"
	echo "# Accept=$mode: $(printf '%s' "$output" | jq -c '{clients, seconds, requests, requests_per_second, by_status, writes, verified, latency_ms}' 2>/dev/null || printf '%s' "$output")" >&3
	[ "$status" -eq 0 ] || fail "load run failed: $output $stderr"
	local writes
	writes=$(printf '%s' "$output" | jq -r .writes)
	[ "$writes" -gt 0 ] || fail "no writes"
	# Every write is in the database (and nothing else is).
	assert_equal "$(note_count)" "$writes"
	# No 5xx in the access log either.
	run bash -c "grep '^{' '$LOG' | jq -c 'select(.status != null and .status >= 500)'"
	assert_output ""
	run --separate-stderr pake-db check
	assert_success
}

@test "must-show 3: Accept=no: 64 clients, mixed reads and writes for HTTP_LOAD_SECONDS (20): no 5xx, every write readable" {
	load_run no "${HTTP_LOAD_SECONDS:-20}"
}

@test "must-show 3: Accept=yes: 64 clients, mixed reads and writes for HTTP_LOAD_SECONDS_ACCEPT (5): no 5xx, every write readable" {
	load_run yes "${HTTP_LOAD_SECONDS_ACCEPT:-5}"
}

# ---------------------------------------------------------------------
# Must show 4: 401, 404, 403

@test "must-show 4: no token, a bad token or another scheme: 401 with WWW-Authenticate: Bearer" {
	mkuser default user uma
	TOK=$(mktoken default uma)
	id=$(printf 'body' | pake-note add --title "Kept")
	serve no
	local req a
	for req in "GET /notes" "GET /notes/$id" "PATCH /notes/$id" "DELETE /notes/$id" \
	    "GET /tags" "POST /notes" "GET /api/v1/users" "GET /api/v1/tokens" \
	    "GET /api/v1/audit" "GET /api/v1/tenants"; do
		for a in "" "Bearer pake_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" \
		    "Bearer " "Basic dW1hOlN0cjBuZy1QYXNzdzByZCE=" "$TOK" "bearer${TOK}"; do
			hreq -X "${req% *}" ${a:+-H "Authorization: $a"} \
			    -H 'Content-Type: application/json' \
			    $( [[ "$req" == P* ]] && echo "-d {\"title\":\"x\"}" ) \
			    "$URL${req#* }"
			[ "$STATUS" = 401 ] || fail "$req with '$a': $STATUS $BODY"
			envelope unauthorized
			[[ "$(hdr WWW-Authenticate)" == Bearer* ]] ||
			    fail "$req: WWW-Authenticate '$(hdr WWW-Authenticate)'"
		done
	done
	# The note is untouched, and the token works when sent properly.
	hreq "$(auth "$TOK")" "$URL/notes/$id"
	expect 200
	assert_equal "$(hdr WWW-Authenticate)" ""
	assert_equal "$(note_field "$id" .title)" "Kept"
	assert_equal "$(note_count)" 1
}

@test "must-show 4: tenant A's token on tenant B's note: 404, and B's note is unchanged" {
	pake-tenant tenant create alpha >/dev/null
	pake-tenant tenant create beta >/dev/null
	mkuser alpha manager amy
	mkuser beta manager bea
	TA=$(mktoken alpha amy)
	TB=$(mktoken beta bea)
	serve yes
	b1=$(post_note "$TB" '{"title":"Beta secret plan","content":"zebra quartz","tags":["zebra"]}')
	[[ "$b1" =~ $UUID_RE ]] || fail "no id: $b1"
	d1=$(printf 'zebra default' | pake-note add --title "Default zebra")
	a1=$(post_note "$TA" '{"title":"Alpha public","content":"zebra lime"}')
	before=$(curl -s "$(auth "$TB")" -H 'Accept: text/markdown' "$URL/notes/$b1")
	for id in "$b1" "$d1"; do
		hreq "$(auth "$TA")" "$URL/notes/$id"
		expect 404
		envelope not_found
		hreq "$(auth "$TA")" -H 'Accept: text/markdown' "$URL/notes/$id"
		expect 404
		hreq -X PATCH "$(auth "$TA")" -H 'Content-Type: application/json' \
		    -d '{"title":"Taken over","content":"overwritten"}' "$URL/notes/$id"
		expect 404
		envelope not_found
		hreq -X DELETE "$(auth "$TA")" "$URL/notes/$id"
		expect 404
		envelope not_found
	done
	# A's lists and searches hold A's note only.
	hreq "$(auth "$TA")" "$URL/notes?limit=100"
	expect 200
	assert_equal "$(printf '%s' "$BODY" | json_ids)" "$a1"
	hreq "$(auth "$TA")" "$URL/notes?q=zebra"
	expect 200
	assert_equal "$(printf '%s' "$BODY" | json_ids)" "$a1"
	hreq "$(auth "$TA")" "$URL/tags"
	expect 200
	printf '%s' "$BODY" | json_check '[.tags[].tag] | index("zebra") == null'
	# B's note is as it was.
	hreq "$(auth "$TB")" -H 'Accept: text/markdown' "$URL/notes/$b1"
	expect 200
	assert_equal "$BODY" "$before"
	assert_equal "$(note_field "$d1" .title)" "Default zebra"
}

@test "must-show 4: a viewer's token on POST /notes: 403; the viewer can read" {
	mkuser default viewer vic
	TV=$(mktoken default vic)
	id=$(printf 'to read' | pake-note add --title "Readable")
	serve no
	hreq "$(auth "$TV")" -H 'Content-Type: application/json' -d '{"title":"Not allowed"}' "$URL/notes"
	expect 403
	envelope forbidden
	hreq -X PATCH "$(auth "$TV")" -H 'Content-Type: application/json' -d '{"status":"Hacked"}' "$URL/notes/$id"
	expect 403
	envelope forbidden
	hreq -X DELETE "$(auth "$TV")" "$URL/notes/$id"
	expect 403
	envelope forbidden
	assert_equal "$(note_count)" 1
	assert_equal "$(note_field "$id" .metadata.status)" "Raw"
	hreq "$(auth "$TV")" "$URL/notes"
	expect 200
	assert_equal "$(printf '%s' "$BODY" | json_ids)" "$id"
	hreq "$(auth "$TV")" "$URL/notes/$id"
	expect 200
	# Managing users is not a viewer's business either.
	hreq "$(auth "$TV")" "$URL/api/v1/users"
	expect 403
	envelope forbidden
}

@test "a NUL in a JSON body, escaped or raw, is a security_violation and creates nothing" {
	mkuser default user nul
	TOK=$(mktoken default nul)
	serve no
	# cJSON would cut "a\u0000../../etc/x" to "a": refused, not shortened.
	hreq "$(auth "$TOK")" -H 'Content-Type: application/json' \
	    -d '{"title":"a\u0000../../etc/x"}' "$URL/notes"
	expect 400
	envelope security_violation
	# An escaped backslash followed by u0000 is ordinary text.
	hreq "$(auth "$TOK")" -H 'Content-Type: application/json' \
	    -d '{"title":"a\\u0000 plain"}' "$URL/notes"
	expect 201
	assert_equal "$(note_count)" 1
}

# ---------------------------------------------------------------------
# Request ids, the envelope, 5xx

@test "X-Request-ID on every response: a sane client id is echoed, anything else replaced" {
	mkuser default user uma
	TOK=$(mktoken default uma)
	serve yes "${LIMITS[@]}"
	local rid
	# Echoed: letters, digits, - _ . up to 39 characters.
	for rid in abc req-123_x.y "$(aaa 39)"; do
		hreq -H "X-Request-ID: $rid" "$URL/notes"
		expect 401
		assert_equal "$(hdr X-Request-ID)" "$rid"
		printf '%s' "$BODY" | json_check --arg r "$rid" '.request_id == $r'
	done
	# Replaced by a fresh UUID.
	for rid in "two words" 'quo"te' "$(aaa 40)" 'semi;colon' 'ünï' '<script>'; do
		hreq -H "X-Request-ID: $rid" "$URL/health"
		expect 200
		[[ "$(hdr X-Request-ID)" =~ $UUID_RE ]] || fail "'$rid' gave '$(hdr X-Request-ID)'"
	done
	# Generated when absent, different each time.
	hreq "$URL/"
	r1=$(hdr X-Request-ID)
	hreq "$URL/"
	r2=$(hdr X-Request-ID)
	[[ "$r1" =~ $UUID_RE && "$r2" =~ $UUID_RE && "$r1" != "$r2" ]] || fail "$r1 $r2"
	# Every kind of answer carries one.
	local spec
	while IFS='|' read -r want spec; do
		eval "hreq $spec"
		[ "$STATUS" = "$want" ] || fail "$spec: $STATUS, want $want: $BODY"
		[ -n "$(hdr X-Request-ID)" ] || fail "no X-Request-ID on $want ($spec)"
	done <<EOF
200|"\$URL/health"
200|"\$URL/metrics"
201|"\$(auth "\$TOK")" -H 'Content-Type: application/json' -d '{"title":"rid"}' "\$URL/notes"
204|-X OPTIONS "\$URL/notes"
400|"\$(auth "\$TOK")" -H 'Content-Type: application/json' -d '{' "\$URL/notes"
401|"\$URL/tags"
404|"\$URL/nothing/here"
404|"\$(auth "\$TOK")" "\$URL/notes/\$MISSING_ID"
405|-X DELETE "\$URL/health"
413|"\$(auth "\$TOK")" -H 'Content-Type: application/json' -d "{\"title\":\"\$(aaa 5000)\"}" "\$URL/notes"
414|"\$URL/\$(aaa 600)"
415|"\$(auth "\$TOK")" -d 'title=x' "\$URL/notes"
431|-H "X-Filler: \$(aaa 2500)" "\$URL/"
EOF
}

@test "errors use the envelope {error:{code,message},request_id}, with fixed messages" {
	mkuser default user uma
	TOK=$(mktoken default uma)
	serve no
	hreq "$(auth "$TOK")" "$URL/notes/$MISSING_ID"
	expect 404
	envelope not_found
	printf '%s' "$BODY" | json_check '.error.message == "Note not found"'
	hreq "$URL/nothing/here"
	expect 404
	envelope not_found
	hreq "$(auth "$TOK")" -H 'Content-Type: application/json' -d '{"title":5}' "$URL/notes"
	expect 400
	envelope invalid_params
	# A title that leaves the vault.
	hreq "$(auth "$TOK")" -H 'Content-Type: application/json' -d '{"title":"../../etc/passwd"}' "$URL/notes"
	expect 400
	envelope security_violation
	printf '%s' "$BODY" | json_check '.error.message == "Security violation detected"'
	[[ "$BODY" != *"$T"* && "$BODY" != *"$PAKE_VAULT"* ]] || fail "a path in: $BODY"
	# A note id that is no UUID.
	hreq "$(auth "$TOK")" "$URL/notes/not-a-uuid"
	[ "$STATUS" = 400 ] || [ "$STATUS" = 404 ] || fail "$STATUS $BODY"
	# Login with a wrong password.
	mkuser default user una
	hreq -H 'Content-Type: application/json' -d '{"username":"una","password":"wrong password"}' \
	    "$URL/api/v1/auth/login"
	expect 401
	envelope unauthorized
}

@test "a 5xx body holds no internal detail" {
	# A database file that is not one: it exists, so pake-http serves,
	# and every use of it fails.
	head -c 8192 /dev/urandom >"$T/afile"
	serve yes PAKE_DB="$T/afile"
	hreq -H 'X-Request-ID: broken-1' "$URL/health"
	[[ "$STATUS" == 5* ]] || fail "$STATUS $BODY"
	envelope unavailable
	assert_equal "$(hdr X-Request-ID)" broken-1
	printf '%s' "$BODY" | json_check '.error.message == "Service unavailable"'
	local w
	for w in "$T" afile pake.db / sqlite SQLITE errno "Not a directory" "No such" database; do
		[[ "$BODY" != *"$w"* ]] || fail "'$w' in the 5xx body: $BODY"
	done
	hreq -H 'X-Request-ID: broken-2' "$URL/notes"
	[[ "$STATUS" == 5* ]] || fail "$STATUS $BODY"
	envelope unavailable
}

@test "a 5xx's detail goes to the log with its request id" {
	# A database file that is not one: it exists, so pake-http serves,
	# and every use of it fails.
	head -c 8192 /dev/urandom >"$T/afile"
	serve yes PAKE_DB="$T/afile"
	hreq -H 'X-Request-ID: broken-1' "$URL/health"
	[[ "$STATUS" == 5* ]] || fail "$STATUS $BODY"
	sleep 0.2
	# Besides the access record, a record of level error with the reason.
	run bash -c "grep '^{' '$LOG' | jq -c 'select(.request_id == \"broken-1\" and .level == \"error\" and .method == null)'"
	[ -n "$output" ] || fail "no error record for broken-1 in: $(cat "$LOG")"
}

@test "an error's detail is logged under the request's id" {
	mkuser default user uma
	TOK=$(mktoken default uma)
	serve no PAKE_LOG_LEVEL=debug
	hreq -H 'X-Request-ID: dbg-1' "$(auth "$TOK")" "$URL/notes/$MISSING_ID"
	expect 404
	sleep 0.2
	# The access record and the detail line (level debug) both carry dbg-1.
	run bash -c "grep '^{' '$LOG' | jq -c 'select(.request_id == \"dbg-1\" and .method == null)'"
	[ -n "$output" ] || fail "no detail line under dbg-1 in: $(grep -v '^{.*\"method\"' "$LOG")"
	printf '%s' "$output" | json_check -s --arg id "$MISSING_ID" 'any(.[]; .message | contains("not_found"))'
}

# ---------------------------------------------------------------------
# Routes

@test "GET /, /health and /metrics need no token" {
	serve no
	hreq "$URL/"
	expect 200
	printf '%s' "$BODY" | json_check '.name == "pake" and (.version | type == "string") and
	    .links.health == "/health" and .links.metrics == "/metrics" and .links.notes == "/notes"'
	hreq "$URL/health"
	expect 200
	printf '%s' "$BODY" | json_check '.status == "ok"'
	hreq "$URL/metrics"
	expect 200
	[[ "$(hdr Content-Type)" == text/plain* ]] || fail "metrics Content-Type $(hdr Content-Type)"
	hreq -I "$URL/"
	expect 200
	# A trailing slash is the same resource.
	hreq "$URL/health/"
	expect 200
}

@test "/metrics: Prometheus text, counted in the counters file across processes, no tenant names" {
	pake-tenant tenant create zebracorp >/dev/null
	mkuser zebracorp user zoltan
	TZ_=$(mktoken zebracorp zoltan)
	serve yes
	post_note "$TZ_" '{"title":"Striped","tags":["secret-tag"]}' >/dev/null
	for i in 1 2 3; do
		hreq "$(auth "$TZ_")" "$URL/tags"
		expect 200
	done
	hreq "$URL/notes"
	expect 401
	hreq "$URL/metrics"
	expect 200
	[[ "$(hdr Content-Type)" == "text/plain; version=0.0.4"* ]] || fail "Content-Type $(hdr Content-Type)"
	# Six processes answered; the counts are the sum of all of them.
	grep -qx 'pake_http_requests_total{route="/tags",method="GET",status="200"} 3' <<<"$BODY" ||
	    fail "no /tags count of 3: $BODY"
	grep -qx 'pake_http_requests_total{route="/notes",method="POST",status="201"} 1' <<<"$BODY" ||
	    fail "no POST count: $BODY"
	grep -qx 'pake_http_requests_total{route="/notes",method="GET",status="401"} 1' <<<"$BODY" ||
	    fail "no 401 count: $BODY"
	grep -qx '# TYPE pake_http_request_duration_seconds histogram' <<<"$BODY" || fail "no histogram"
	grep -qx 'pake_http_request_duration_seconds_count{route="/tags"} 3' <<<"$BODY" ||
	    fail "no latency count: $BODY"
	grep -q '^pake_http_request_duration_seconds_bucket{route="/tags",le="+Inf"} 3$' <<<"$BODY" ||
	    fail "no +Inf bucket"
	grep -qx 'pake_notes 1' <<<"$BODY" || fail "no pake_notes 1: $BODY"
	grep -qE '^pake_database_bytes [1-9][0-9]*$' <<<"$BODY" || fail "no database size"
	# No tenant, user, tag or token in it.
	local w
	for w in zebracorp zoltan secret-tag Striped "$TZ_" tenant=; do
		[[ "$BODY" != *"$w"* ]] || fail "'$w' in /metrics"
	done
	# Every line is a comment or a well-formed sample.
	printf '%s\n' "$BODY" >"$T/metrics"
	run grep -vE '^(# (HELP|TYPE) [a-z_]+ .+|[a-z_]+(\{[a-z_]+="[^"]*"(,[a-z_]+="[^"]*")*\})? [0-9.e+-]+)$' "$T/metrics"
	assert_output ""
}

@test "/metrics: made-up methods are counted as other, never as series of their own" {
	local i m
	serve no
	for i in $(seq 60); do
		m=$(printf 'M%04d%s' "$i" "$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n' | tr a-f A-F)")
		curl -s -o /dev/null -X "$m" "$URL/notes"
	done
	# A method that would close the label and open a series of its own
	# is not a method at all (not a token): 400, counted unmatched.
	curl -s -o /dev/null -X 'A"}pake_notes{x="' "$URL/notes"
	hreq "$URL/metrics"
	expect 200
	grep -qE '^pake_http_requests_total\{route="/notes",method="other",status="(405|401)"\} 60$' <<<"$BODY" ||
	    fail "60 requests not counted as other: $(grep requests_total <<<"$BODY")"
	grep -qE '^pake_http_requests_total\{route="unmatched",method="other",status="400"\} 1$' <<<"$BODY" ||
	    fail "the bad method not counted: $(grep requests_total <<<"$BODY")"
	[[ "$BODY" != *'pake_notes{'* ]] || fail "the method got into the exposition"
	printf '%s\n' "$BODY" >"$T/metrics"
	run grep -vE '^(# (HELP|TYPE) [a-z_]+ .+|[a-z_]+(\{[a-z_]+="[^"]*"(,[a-z_]+="[^"]*")*\})? [0-9.e+-]+)$' "$T/metrics"
	assert_output ""
	[ "$(grep -c '^pake_http_requests_total' <<<"$BODY")" -le 3 ] ||
	    fail "too many series: $(grep requests_total <<<"$BODY")"
	[[ "$BODY" != *M00* ]] || fail "a made-up method became a label"
}

@test "notes: POST 201, GET as JSON and as text/markdown (the vault file), PATCH, DELETE" {
	mkuser default manager uma
	TOK=$(mktoken default uma)
	serve no
	hreq "$(auth "$TOK")" -H 'Content-Type: application/json' \
	    -d '{"title":"Hello HTTP","content":"A body\nwith two lines.","type":"InsightNote","tags":["one","two"],"confidence_score":0.9,"summary":"short"}' \
	    "$URL/notes"
	expect 201
	id=$(printf '%s' "$BODY" | jq -r .pake_id)
	[[ "$id" =~ $UUID_RE ]] || fail "id '$id'"
	printf '%s' "$BODY" | json_check '.title == "Hello HTTP" and .content == "A body\nwith two lines." and
	    .file_path == "02-Areas/Hello-HTTP.md" and .metadata.type == "InsightNote" and
	    .metadata.tags == ["one","two"] and .metadata.confidence_score == 0.9 and .metadata.status == "Raw"'
	# The same note from the CLI.
	assert_equal "$(note_field "$id" .title)" "Hello HTTP"
	hreq "$(auth "$TOK")" "$URL/notes/$id"
	expect 200
	[[ "$(hdr Content-Type)" == application/json* ]] || fail "$(hdr Content-Type)"
	assert_equal "$(printf '%s' "$BODY" | jq -S .)" "$(note_json "$id" | jq -S .)"
	# Markdown when Accept asks for it: the vault file, byte for byte.
	curl -s "$(auth "$TOK")" -H 'Accept: text/markdown' -D "$T/hdr" -o "$T/md" "$URL/notes/$id"
	[[ "$(hdr Content-Type)" == text/markdown* ]] || fail "$(hdr Content-Type)"
	cmp "$T/md" "$PAKE_VAULT/02-Areas/Hello-HTTP.md" || fail "markdown differs from the vault file"
	head -n1 "$T/md" | grep -qx -- '---' || fail "no frontmatter"
	grep -qx "pake_id: $id" "$T/md" || fail "no pake_id in the markdown"

	# PATCH: the fields given change, the rest stay.
	hreq -X PATCH "$(auth "$TOK")" -H 'Content-Type: application/json' \
	    -d '{"status":"Verified","tags":["three"]}' "$URL/notes/$id"
	expect 200
	printf '%s' "$BODY" | json_check '.metadata.status == "Verified" and .metadata.tags == ["three"] and
	    .title == "Hello HTTP" and .content == "A body\nwith two lines." and
	    .metadata.modified_at != .metadata.created_at'
	assert_equal "$(note_field "$id" .metadata.status)" Verified
	grep -qx 'status: Verified' "$PAKE_VAULT/02-Areas/Hello-HTTP.md" || fail "vault file not updated"
	hreq -X PATCH "$(auth "$TOK")" -H 'Content-Type: application/json' -d '{}' "$URL/notes/$id"
	[ "$STATUS" = 400 ] || [ "$STATUS" = 200 ] || fail "empty PATCH: $STATUS $BODY"
	hreq -X PATCH "$(auth "$TOK")" -H 'Content-Type: application/json' -d '{"status":"x"}' "$URL/notes/$MISSING_ID"
	expect 404
	envelope not_found

	# DELETE: gone from the database and the vault.
	hreq -X DELETE "$(auth "$TOK")" "$URL/notes/$id"
	expect 200
	printf '%s' "$BODY" | json_check --arg id "$id" '.pake_id == $id and .deleted == true'
	hreq "$(auth "$TOK")" "$URL/notes/$id"
	expect 404
	envelope not_found
	[ ! -e "$PAKE_VAULT/02-Areas/Hello-HTTP.md" ] || fail "vault file left behind"
	hreq -X DELETE "$(auth "$TOK")" "$URL/notes/$id"
	expect 404
	assert_equal "$(note_count)" 0
}

@test "GET /notes: q= and type= (and tag=) filter; limit and cursor page" {
	mkuser default user uma
	TOK=$(mktoken default uma)
	i1=$(printf 'the borrow checker' | pake-note add --title "Rust notes" --type InsightNote --tag rust)
	s1=$(printf 'borrow a book' | pake-note add --title "Library" --type SourceNote --tag books)
	i2=$(printf 'nothing relevant' | pake-note add --title "Other insight" --type InsightNote --tag rust)
	serve no
	hreq "$(auth "$TOK")" "$URL/notes"
	expect 200
	assert_equal "$(printf '%s' "$BODY" | json_ids)" "$(sorted "$i1" "$s1" "$i2")"
	hreq "$(auth "$TOK")" "$URL/notes?q=borrow"
	expect 200
	assert_equal "$(printf '%s' "$BODY" | json_ids)" "$(sorted "$i1" "$s1")"
	hreq "$(auth "$TOK")" "$URL/notes?q=borrow&type=InsightNote"
	expect 200
	assert_equal "$(printf '%s' "$BODY" | json_ids)" "$i1"
	hreq "$(auth "$TOK")" "$URL/notes?type=InsightNote"
	expect 200
	assert_equal "$(printf '%s' "$BODY" | json_ids)" "$(sorted "$i1" "$i2")"
	hreq "$(auth "$TOK")" "$URL/notes?tag=books"
	expect 200
	assert_equal "$(printf '%s' "$BODY" | json_ids)" "$s1"
	# Query text that is not FTS5 syntax still works (URL-encoded).
	hreq "$(auth "$TOK")" "$URL/notes?q=%22borrow%20%28checker"
	expect 200
	hreq "$(auth "$TOK")" "$URL/notes?q=zzzznothing"
	expect 200
	printf '%s' "$BODY" | json_check '.count == 0'
	# Pages of one, following next_cursor.
	local cur="" seen=() n=0
	while :; do
		hreq "$(auth "$TOK")" "$URL/notes?limit=1${cur:+&cursor=$cur}"
		expect 200
		seen+=("$(printf '%s' "$BODY" | jq -r '.notes[0].pake_id')")
		cur=$(printf '%s' "$BODY" | jq -r '.next_cursor // empty')
		n=$((n + 1))
		[ -n "$cur" ] && [ "$n" -lt 10 ] || break
		cur=$(jq -rn --arg c "$cur" '$c | @uri')
	done
	assert_equal "$(sorted "${seen[@]}")" "$(sorted "$i1" "$s1" "$i2")"
	hreq "$(auth "$TOK")" "$URL/notes?limit=0"
	expect 400
	envelope invalid_params
}

@test "query parameters are checked like a body: types, unknown and repeated ones, a hidden NUL" {
	mkuser default user uma
	TOK=$(mktoken default uma)
	printf x | pake-note add --title "Kept" --tag books >/dev/null
	serve no
	check() {	# check QUERY STATUS CODE [DETAIL]
		hreq "$(auth "$TOK")" "$URL/notes$1"
		expect "$2"
		[ "$2" = 200 ] && return 0
		envelope "$3"
		[ -z "${4:-}" ] || printf '%s' "$BODY" | json_check --arg d "$4" '.error.detail == $d'
	}
	check "?min_confidence=abc" 400 invalid_params "filters.min_confidence: wrong type"
	check "?limit=abc" 400 invalid_params "limit: wrong type"
	check "?limit=5x" 400 invalid_params "limit: wrong type"
	check "?q=a&q=b" 400 invalid_params "q: given twice"
	check "?bogus=1" 400 invalid_params "bogus: unknown parameter"
	check "?q=a%00b" 400 security_violation
	check "?tag=books&tag=other" 200
	check "?min_confidence=0.5&limit=5" 200
	hreq "$(auth "$TOK")" "$URL/notes/00000000-0000-4000-8000-000000000000%00x"
	expect 400
	envelope security_violation
	# Routes that take no parameters refuse them too.
	hreq "$(auth "$TOK")" "$URL/tags?limit=5"
	expect 400
	envelope invalid_params
}

@test "ambiguous framing is 400 and a closed connection: nothing hidden in a body is served" {
	serve no
	run python3 - "$PORT" "$REPO_DIR/tests" <<'PY'
import socket, sys
port = int(sys.argv[1])
sys.dont_write_bytecode = True
sys.path.insert(0, sys.argv[2])
from rawhttp import send as send_to
send = lambda data: send_to(port, data)
smuggled = b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"
cases = {
    "space before the colon": b"POST /health HTTP/1.1\r\nHost: x\r\nContent-Length : 38\r\n\r\n" + smuggled,
    "two Content-Length": b"POST /health HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nContent-Length: 38\r\n\r\n" + smuggled,
    "Content-Length and chunked": b"POST /health HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + smuggled,
    "HTTP/1.1 without Host": b"GET /health HTTP/1.1\r\n\r\n" + smuggled,
}
for name, data in cases.items():
    out = send(data)
    statuses = [l for l in out.split(b"\r\n") if l.startswith(b"HTTP/1.1 ")]
    ok = (len(statuses) == 1 and statuses[0].startswith(b"HTTP/1.1 400")
          and b"<STILL OPEN>" not in out and b"pake_http_requests_total" not in out
          and b'"invalid_params"' in out)
    print(("ok " if ok else "BAD ") + name + ": " + repr(out[-200:]))
PY
	assert_success
	refute_output --partial "BAD"
	assert_equal "$(grep -c '^ok ' <<<"$output")" 4
}

# bad_bytes: requests a lenient parser answers with its own HTML, or reads
# two ways; each must get one answer, our JSON envelope with a request id,
# and a closed connection (issue 10, items 1 and 2).
bad_bytes() {
	python3 - "$PORT" "$REPO_DIR/tests" <<'PY'
import json, socket, sys
port = int(sys.argv[1])
sys.dont_write_bytecode = True
sys.path.insert(0, sys.argv[2])
from rawhttp import send as send_to
send = lambda data: send_to(port, data)
many = b"".join(b"X-H%d: 1\r\n" % i for i in range(1500))
cases = [
    ("negative Content-Length", b"POST /notes HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n", 400),
    ("20-digit Content-Length", b"POST /notes HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\n\r\n", 413),
    ("huge chunk size", b"POST /notes HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFFFFF\r\n", 400),
    ("chunk over the body limit", b"POST /notes HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFF\r\n", 413),
    ("HTTP/0.9", b"GET /\r\n\r\n", 400),
    ("HTTP/2 preface", b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 505),
    ("1,500 small headers", b"GET /health HTTP/1.1\r\nHost: x\r\n" + many + b"\r\n", 431),
    ("obs-fold", b"GET /health HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n folded\r\n\r\n", 400),
    ("NUL in a header", b"GET /health HTTP/1.1\r\nHost: x\r\nX-A: a\x00b\r\n\r\n", 400),
    ("bare LF", b"GET /health HTTP/1.1\nHost: x\n\n", 400),
    ("a method that is not a token", b'A"}x{ /health HTTP/1.1\r\nHost: x\r\n\r\n', 400),
    ("gzip transfer coding", b"POST /notes HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", 501),
    ("unknown expectation", b"POST /notes HTTP/1.1\r\nHost: x\r\nExpect: magic\r\nContent-Length: 2\r\n\r\n{}", 417),
]
for name, data, want in cases:
    out = send(data)
    head, _, body = out.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    statuses = [l for l in out.split(b"\r\n") if l.startswith(b"HTTP/1.")]
    ok = len(statuses) == 1 and lines[0].startswith(b"HTTP/1.1 %d " % want)
    ok = ok and b"<STILL OPEN>" not in out and b"<RESET>" not in out
    ok = ok and b"Content-Type: application/json" in head and b"Connection: close" in head
    try:
        env = json.loads(body)
        ok = ok and "code" in env["error"] and len(env["request_id"]) > 8
        ok = ok and (b"X-Request-ID: " + env["request_id"].encode()) in head
    except Exception:
        ok = False
    print(("ok " if ok else "BAD ") + name + ": " + repr(out[:300]))
PY
}

@test "every error a client can cause is the JSON envelope with a request id, logged and counted (Accept=no)" {
	serve no PAKE_HTTP_MAX_BODY_BYTES=4096
	run bad_bytes
	assert_success
	refute_output --partial "BAD"
	assert_equal "$(grep -c '^ok ' <<<"$output")" 13
	# Each is in the access log and in the metrics.
	sleep 0.2
	assert_equal "$(grep '^{' "$LOG" | jq -s '[.[] | select(.status >= 400 and .request_id != null and .method != null)] | length')" 13
	hreq "$URL/metrics"
	expect 200
	local n
	n=$(grep -E '^pake_http_requests_total\{route="unmatched",method="[A-Z]+|other",status="(400|413|417|431|501|505)"\}' <<<"$BODY" |
	    awk '{ s += $2 } END { print s }')
	assert_equal "$n" 13
}

@test "every error a client can cause is the JSON envelope (Accept=yes)" {
	serve yes PAKE_HTTP_MAX_BODY_BYTES=4096
	run bad_bytes
	assert_success
	refute_output --partial "BAD"
	assert_equal "$(grep -c '^ok ' <<<"$output")" 13
}

@test "GET /tags: the tenant's tags with counts" {
	mkuser default user uma
	TOK=$(mktoken default uma)
	printf x | pake-note add --title a --tag rust --tag c >/dev/null
	printf x | pake-note add --title b --tag rust >/dev/null
	serve yes
	hreq "$(auth "$TOK")" "$URL/tags"
	expect 200
	printf '%s' "$BODY" | json_check '([.tags[] | {(.tag): .count}] | add) == {"rust": 2, "c": 1}'
}

@test "auth: login, refresh and logout through /api/v1/auth/*" {
	mkuser default user uma
	serve no
	hreq -H 'Content-Type: application/json' -d "{\"username\":\"uma\",\"password\":\"$PW\"}" \
	    "$URL/api/v1/auth/login"
	expect 200
	printf '%s' "$BODY" | json_check '.token_type == "Bearer" and (.access_token | startswith("pake_")) and
	    (.refresh_token | startswith("pake_")) and .expires_in > 0 and .role == "user"'
	A1=$(printf '%s' "$BODY" | jq -r .access_token)
	R1=$(printf '%s' "$BODY" | jq -r .refresh_token)
	hreq "$(auth "$A1")" "$URL/tags"
	expect 200
	# The refresh token is not an access token.
	hreq "$(auth "$R1")" "$URL/tags"
	expect 401
	hreq -H 'Content-Type: application/json' -d "{\"refresh_token\":\"$R1\"}" "$URL/api/v1/auth/refresh"
	expect 200
	A2=$(printf '%s' "$BODY" | jq -r .access_token)
	R2=$(printf '%s' "$BODY" | jq -r .refresh_token)
	[ "$A2" != "$A1" ] && [ "$R2" != "$R1" ] || fail "no rotation"
	hreq "$(auth "$A2")" "$URL/tags"
	expect 200
	# Logout ends the session.
	hreq -H 'Content-Type: application/json' -d "{\"token\":\"$A2\"}" "$URL/api/v1/auth/logout"
	expect 200
	hreq "$(auth "$A2")" "$URL/tags"
	expect 401
	envelope unauthorized
	hreq -H 'Content-Type: application/json' -d "{\"refresh_token\":\"$R2\"}" "$URL/api/v1/auth/refresh"
	expect 401
	# Bad input.
	hreq -H 'Content-Type: application/json' -d '{"username":"uma","password":"nope nope"}' "$URL/api/v1/auth/login"
	expect 401
	envelope unauthorized
	hreq -H 'Content-Type: application/json' -d '{"username":"uma"' "$URL/api/v1/auth/login"
	expect 400
	envelope invalid_params
	hreq -H 'Content-Type: application/json' -d '{"username":5,"password":"x"}' "$URL/api/v1/auth/login"
	expect 400
	envelope invalid_params
	hreq -d "username=uma&password=$PW" "$URL/api/v1/auth/login"
	expect 415
}

# ---------------------------------------------------------------------
# CORS

@test "CORS: off by default, for simple and preflight requests" {
	serve no
	hreq -H 'Origin: https://app.example.org' "$URL/"
	expect 200
	run grep -ic '^access-control-' "$T/hdr"
	assert_output 0
	hreq -X OPTIONS -H 'Origin: https://app.example.org' \
	    -H 'Access-Control-Request-Method: POST' \
	    -H 'Access-Control-Request-Headers: authorization' "$URL/notes"
	expect 204
	run grep -ic '^access-control-' "$T/hdr"
	assert_output 0
}

@test "CORS: only the origins in http.cors_origins, echoed, never *" {
	serve yes PAKE_HTTP_CORS_ORIGINS='https://app.example.org, https://b.example.org'
	hreq -H 'Origin: https://app.example.org' "$URL/"
	expect 200
	assert_equal "$(hdr Access-Control-Allow-Origin)" "https://app.example.org"
	[[ "$(hdr Vary)" == *Origin* ]] || fail "no Vary: Origin"
	hreq -H 'Origin: https://b.example.org' "$URL/health"
	assert_equal "$(hdr Access-Control-Allow-Origin)" "https://b.example.org"
	# Preflight.
	hreq -X OPTIONS -H 'Origin: https://app.example.org' \
	    -H 'Access-Control-Request-Method: PATCH' \
	    -H 'Access-Control-Request-Headers: authorization, content-type' "$URL/notes/$MISSING_ID"
	expect 204
	assert_equal "$(hdr Access-Control-Allow-Origin)" "https://app.example.org"
	[[ "$(hdr Access-Control-Allow-Methods)" == *PATCH* ]] || fail "methods: $(hdr Access-Control-Allow-Methods)"
	[[ "$(hdr Access-Control-Allow-Headers)" == *Authorization* ]] || fail "headers"
	# Errors carry it too (a browser must be able to read them).
	hreq -H 'Origin: https://app.example.org' "$URL/notes"
	expect 401
	assert_equal "$(hdr Access-Control-Allow-Origin)" "https://app.example.org"
	# Anyone else: nothing.
	local o
	for o in https://evil.example.org https://app.example.org.evil.net \
	    http://app.example.org https://APP.example.org null '*' \
	    'https://app.example.org, https://evil.example.org'; do
		hreq -H "Origin: $o" "$URL/"
		expect 200
		run grep -ic '^access-control-' "$T/hdr"
		[ "$output" = 0 ] || fail "origin '$o' got: $(grep -i '^access-control-' "$T/hdr")"
	done
}

@test "CORS: http.cors_origins = * is not a wildcard: no answer says Access-Control-Allow-Origin: *" {
	serve no PAKE_HTTP_CORS_ORIGINS='*'
	# Either the server refuses such a configuration at start ...
	run curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$URL/health"
	if [ "$output" = 000 ]; then
		grep -q 'cors_origins' "$LOG" || fail "refused without naming the key: $(cat "$LOG")"
		return 0
	fi
	# ... or no origin gets "*", nor any origin at all.
	local o
	for o in https://evil.example.org '*' null; do
		hreq -H "Origin: $o" "$URL/"
		expect 200
		run grep -ic '^access-control-allow-origin' "$T/hdr"
		[ "$output" = 0 ] || fail "origin '$o' got: $(grep -i '^access-control-' "$T/hdr")"
	done
}

# ---------------------------------------------------------------------
# The access log

@test "access log: one JSON record per request on stderr: method, path, status, bytes, ms, request_id, tenant" {
	mkuser default user uma
	TOK=$(mktoken default uma)
	serve no
	hreq -H 'X-Request-ID: log-1' "$URL/"
	bytes1=$(wc -c <"$T/body")
	hreq -H 'X-Request-ID: log-2' "$(auth "$TOK")" "$URL/notes"
	hreq -H 'X-Request-ID: log-3' "$(auth "$TOK")" -H 'Content-Type: application/json' -d '{"title":"logged"}' "$URL/notes"
	id=$(printf '%s' "$BODY" | jq -r .pake_id)
	hreq -H 'X-Request-ID: log-4' "$(auth "$TOK")" "$URL/notes/$id"
	hreq -H 'X-Request-ID: log-5' "$URL/no/such/thing"
	hreq -H 'X-Request-ID: log-6' -X DELETE "$URL/tags"
	hreq -H 'X-Request-ID: log-7' -I "$URL/health"
	hreq -H 'X-Request-ID: log-8' "$URL/tags"
	sleep 0.2
	local want rid
	for want in "log-1 GET / 200" "log-2 GET /notes 200" "log-3 POST /notes 201" \
	    "log-4 GET /notes/{pake_id} 200" "log-5 GET - 404" "log-6 DELETE /tags 405" \
	    "log-7 HEAD /health 200" "log-8 GET /tags 401"; do
		set -- $want
		run bash -c "grep '^{' '$LOG' | jq -c --arg r '$1' 'select(.request_id == \$r and .method != null)'"
		[ "${#lines[@]}" = 1 ] || fail "$1: ${#lines[@]} records: $output"
		printf '%s' "$output" | json_check --arg m "$2" --arg p "$3" --argjson s "$4" '
		    .method == $m and .path == $p and .status == $s and
		    (.bytes | type == "number" and . >= 0) and (.ms | type == "number" and . >= 0) and
		    (.time | type == "string") and .level == "info"'
	done
	# Bytes are the body's; the tenant is named where a token was used,
	# and no token ever appears.
	grep '^{' "$LOG" | json_check -s --argjson b "$bytes1" \
	    'map(select(.request_id == "log-1"))[0].bytes == $b'
	grep '^{' "$LOG" | json_check -s \
	    'map(select(.request_id == "log-2" or .request_id == "log-3" or .request_id == "log-4")) |
	     length == 3 and all(.tenant == "default")'
	! grep -qF "$TOK" "$LOG" || fail "a token in the log"
	assert_equal "$(access_log | wc -l)" 8
	# Nothing on stdout.
	assert_equal "$(wc -c <"$OUT")" 0
}

# ---------------------------------------------------------------------
# Starting and stopping

@test "--listen serves for development, and SIGTERM stops it with status 0; no socket is a usage error" {
	local port pid i rc=0
	port=$(free_port)
	pake-http --listen "127.0.0.1:$port" </dev/null >"$T/out" 2>"$T/err" 3>&- &
	pid=$!
	for i in $(seq 100); do
		curl -s -o /dev/null "http://127.0.0.1:$port/health" && break
		sleep 0.05
	done
	run curl -s "http://127.0.0.1:$port/health"
	printf '%s' "$output" | json_check '.status == "ok"'
	kill -TERM "$pid"
	for i in $(seq 30); do gone "$pid" && break; sleep 0.1; done
	gone "$pid" || { kill -KILL "$pid"; fail "still running 3 s after SIGTERM"; }
	wait "$pid" || rc=$?
	assert_equal "$rc" 0
	assert_equal "$(wc -c <"$T/out")" 0
	# Standard input is /dev/null here: no socket at all.
	run --separate-stderr pake-http
	assert_equal "$status" 64
	[[ "$stderr" == *"no socket"* ]] || fail "stderr: $stderr"
	# A port that is not a number.
	run --separate-stderr pake-http --listen "127.0.0.1:$(free_port)x"
	[ "$status" -ne 0 ] || fail "bad port accepted"
}

@test "a bad value of an http.* key is refused at start, naming the key (exit 78)" {
	local kv
	for kv in PAKE_HTTP_MAX_HEADER_BYTES=100 PAKE_HTTP_MAX_URL_BYTES=10 \
	    PAKE_HTTP_MAX_BODY_BYTES=-1 PAKE_HTTP_MAX_JSON_DEPTH=0 \
	    PAKE_HTTP_IDLE_TIMEOUT_S=0 PAKE_HTTP_READ_TIMEOUT_S=many \
	    PAKE_HTTP_THREADS=1000; do
		run --separate-stderr env "$kv" pake-http --listen "127.0.0.1:$(free_port)"
		[ "$status" = 78 ] || fail "$kv: exit $status: $stderr"
		local key=${kv%%=*}
		key=$(printf '%s' "${key#PAKE_HTTP_}" | tr 'A-Z' 'a-z')
		[[ "$stderr" == *"http.$key"* ]] || fail "$kv: stderr does not name http.$key: $stderr"
	done
}

@test "Accept=no with http.threads = 1 still serves clients side by side" {
	mkuser default user uma
	TOK=$(mktoken default uma)
	serve no PAKE_HTTP_THREADS=1 PAKE_HTTP_IDLE_TIMEOUT_S=5
	local fd i pids=()
	# An idle connection does not hold the one thread.
	exec {fd}<>"/dev/tcp/127.0.0.1/$PORT"
	for i in $(seq 10); do
		curl -s -o /dev/null -w '%{http_code}\n' "$(auth "$TOK")" "$URL/notes" >"$T/c.$i" 3>&- &
		pids+=($!)
	done
	wait "${pids[@]}"
	exec {fd}>&-
	assert_equal "$(cat "$T"/c.* | sort | uniq -c | tr -s ' ')" " 10 200"
}
