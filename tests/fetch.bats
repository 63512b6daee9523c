#!/usr/bin/env bats
# fetch.bats: lib/fetch.c against a hostile service (issue 13, "Politeness
# and failure"): tests/fixtures/hostile_server.py is a real HTTP server on
# 127.0.0.1 that answers too much, too slowly, redirects in circles or to
# file://, compresses a bomb, rate-limits; $PAKE_BUILD/test/fetch_probe
# makes one pake_fetch and prints its result as one JSON line.  The
# server's address is loopback, so every test but the refusals passes
# --allow-private; the classifier of the other ranges (IPv6, v4-mapped)
# is unit-tested by fetch_probe without arguments (tests/unit.bats).

bats_require_minimum_version 1.5.0
load helpers

setup() {
	pake_setup
	PROBE="$PAKE_BUILD/test/fetch_probe"
	[ -x "$PROBE" ] || fail "fetch_probe is not built"
	SRV_LOG="$T/server.log"
	: >"$SRV_LOG"
	python3 "$BATS_TEST_DIRNAME/fixtures/hostile_server.py" "$T/port" \
	    "$SRV_LOG" 3>&- &
	SRV_PID=$!
	local i
	for i in $(seq 100); do
		[ -s "$T/port" ] && break
		sleep 0.05
	done
	[ -s "$T/port" ] || fail "the hostile server did not start"
	PORT=$(cat "$T/port")
	BASE="http://127.0.0.1:$PORT"
}

teardown() {
	[ -z "${SRV_PID:-}" ] || kill "$SRV_PID" 2>/dev/null || true
}

# probe ARGS...: one fetch (a hard 20 s bound, so a hang fails rather than
# blocks); OUT is its JSON line.
probe() {
	OUT=$(timeout 20 "$PROBE" "$@") || fail "fetch_probe failed or hung: $OUT"
	printf '%s\n' "$OUT" >&2
}

# field NAME: a field of OUT.
field() { jq -r ".$1" <<<"$OUT"; }

# expect_error CODE MESSAGE: the fetch failed so, and handed back nothing.
expect_error() {
	[ "$(field code)" = "$1" ] || fail "code $(field code), want $1"
	[ "$(field message)" = "$2" ] ||
	    fail "message '$(field message)', want '$2'"
	[ "$(field status)" = 0 ] && [ "$(field len)" = 0 ] ||
	    fail "a failed fetch handed back an answer"
}

# requests PATH: how many requests the server saw for PATH (exact).
requests() { jq -s --arg p "$1" 'map(select(.path == $p)) | length' "$SRV_LOG"; }

@test "fetch: a plain GET, with the default User-Agent and Accept" {
	probe --url "$BASE/ok" --allow-private
	[ "$(field code)" = ok ] && [ "$(field status)" = 200 ]
	[ "$(field len)" = 12 ] && [ "$(field body_nul)" = true ]
	[ "$(field content_type)" = application/json ]
	[ "$(field url)" = "$BASE/ok" ] && [ "$(field redirects)" = 0 ]
	[ "$(jq -r .ua "$SRV_LOG")" = pake ]
	[ "$(jq -r .accept "$SRV_LOG")" = application/json ]
	jq -r .accept_encoding "$SRV_LOG" | grep -q gzip
	probe --url "$BASE/ok" --allow-private --ua "pake-research/0.1" \
	    --accept "application/atom+xml"
	[ "$(jq -rs '.[1].ua' "$SRV_LOG")" = pake-research/0.1 ]
	[ "$(jq -rs '.[1].accept' "$SRV_LOG")" = application/atom+xml ]
}

@test "fetch: 127.0.0.1 and ::1 are refused without allow_private, before connecting" {
	probe --url "$BASE/ok"
	expect_error security_violation "The address is not allowed"
	[[ "$(field detail)" == *127.0.0.1* ]]
	probe --url "http://localhost:$PORT/ok"
	expect_error security_violation "The address is not allowed"
	probe --url "http://[::1]:$PORT/ok"
	expect_error security_violation "The address is not allowed"
	[[ "$(field detail)" == *::1* ]]
	[ "$(requests /ok)" = 0 ] || fail "a refused address was connected to"
	probe --url "$BASE/ok" --allow-private
	[ "$(field status)" = 200 ]
}

@test "fetch: only http and https URLs" {
	probe --url "file:///etc/passwd" --allow-private
	expect_error invalid_params "Only http and https URLs can be fetched"
	probe --url "ftp://127.0.0.1:$PORT/x" --allow-private
	expect_error invalid_params "Only http and https URLs can be fetched"
}

@test "fetch: a redirect to file://, gopher: or data: is refused" {
	local to
	for to in file:///etc/passwd gopher://127.0.0.1:$PORT/x \
	    "data:text/plain,hi" "ftp://127.0.0.1/x"; do
		probe --url "$BASE/redir?to=$to" --allow-private --redirects 5
		expect_error security_violation \
		    "A redirect may only lead to http or https"
	done
}

@test "fetch: a redirect to 127.0.0.1 and a relative one are followed" {
	probe --url "$BASE/redir?to=http://127.0.0.1:$PORT/ok" --allow-private \
	    --redirects 1
	[ "$(field status)" = 200 ] && [ "$(field redirects)" = 1 ]
	[ "$(field url)" = "$BASE/ok" ]
	probe --url "$BASE/redir?to=/chain/0" --allow-private --redirects 1
	[ "$(field status)" = 200 ] && [ "$(field url)" = "$BASE/chain/0" ]
}

@test "fetch: a redirect loop is too many redirects" {
	probe --url "$BASE/loop" --allow-private --redirects 5 --timeout-ms 3000
	expect_error unavailable "Too many redirects"
	[ "$(requests /loop)" = 6 ]
	[ "$(field elapsed_ms)" -lt 3000 ]
}

@test "fetch: chain/3 with at most 5 redirects, with 2, with none" {
	probe --url "$BASE/chain/3" --allow-private --redirects 5
	[ "$(field status)" = 200 ] && [ "$(field redirects)" = 3 ]
	[ "$(field url)" = "$BASE/chain/0" ]
	probe --url "$BASE/chain/3" --allow-private --redirects 3
	[ "$(field status)" = 200 ] && [ "$(field redirects)" = 3 ]
	probe --url "$BASE/chain/3" --allow-private --redirects 2
	expect_error unavailable "Too many redirects"
	probe --url "$BASE/chain/3" --allow-private
	expect_error unavailable "Too many redirects"
}

@test "fetch: the bearer token does not follow a redirect to another origin" {
	probe --url "$BASE/redir?to=/ok" --allow-private --redirects 1 \
	    --bearer sekrit
	[ "$(jq -rs 'map(.auth) | join(",")' "$SRV_LOG")" = \
	    "Bearer sekrit,Bearer sekrit" ]
	: >"$SRV_LOG"
	probe --url "$BASE/redir?to=http://localhost:$PORT/ok" --allow-private \
	    --redirects 1 --bearer sekrit
	[ "$(field status)" = 200 ]
	[ "$(jq -rs 'map(.auth // "none") | join(",")' "$SRV_LOG")" = \
	    "Bearer sekrit,none" ]
}

@test "fetch: a POST redirected by 303 becomes a GET, by 307 stays a POST" {
	probe --url "$BASE/redir?to=/ok&status=303" --allow-private \
	    --redirects 1 --post '{"a":1}'
	[ "$(jq -rs 'map(.method) | join(",")' "$SRV_LOG")" = POST,GET ]
	: >"$SRV_LOG"
	probe --url "$BASE/redir?to=/ok&status=307" --allow-private \
	    --redirects 1 --post '{"a":1}'
	[ "$(jq -rs 'map(.method) | join(",")' "$SRV_LOG")" = POST,POST ]
}

@test "fetch: 1 GiB announced is refused at once" {
	probe --url "$BASE/big" --allow-private --max-bytes 1000000 \
	    --timeout-ms 5000
	expect_error unavailable "The service's answer is too large"
	[ "$(field elapsed_ms)" -lt 2000 ]
}

@test "fetch: an endless chunked answer is cut at max_bytes" {
	probe --url "$BASE/big-chunked" --allow-private --max-bytes 1000000 \
	    --timeout-ms 5000
	expect_error unavailable "The service's answer is too large"
	[ "$(field elapsed_ms)" -lt 2000 ]
}

@test "fetch: a gzip bomb is cut at max_bytes of the decoded body, quickly" {
	probe --url "$BASE/gzipbomb" --allow-private --max-bytes 1000000 \
	    --timeout-ms 5000
	expect_error unavailable "The service's answer is too large"
	[[ "$(field detail)" == *"more than 1000000 bytes"* ]]
	[ "$(field elapsed_ms)" -lt 2000 ]
	# the same bomb, allowed all of its 100 MB, decodes whole: the cut
	# above is of decoded bytes, not of the 100 KB sent
	probe --url "$BASE/gzipbomb" --allow-private --max-bytes 104857600 \
	    --timeout-ms 10000
	[ "$(field status)" = 200 ] && [ "$(field len)" = 104857600 ]
}

@test "fetch: a byte a second is cut by the total timeout" {
	probe --url "$BASE/slow" --allow-private --timeout-ms 1500
	expect_error unavailable "The service did not answer in time"
	[ "$(field elapsed_ms)" -ge 1000 ] && [ "$(field elapsed_ms)" -lt 3000 ]
}

@test "fetch: a byte a second is cut by the low-speed limit before the timeout" {
	# timeout 6 s: under 64 bytes/s for 3 s (half of it) is cut first
	probe --url "$BASE/slow" --allow-private --timeout-ms 6000
	expect_error unavailable "The service did not answer in time"
	[[ "$(field detail)" == *"too slow"* ]] || fail "not the low-speed cut"
	[ "$(field elapsed_ms)" -ge 2500 ] && [ "$(field elapsed_ms)" -lt 5000 ]
}

@test "fetch: conditional GET, ETag and Last-Modified round trip, 304" {
	local etag lm
	probe --url "$BASE/etag" --allow-private
	[ "$(field status)" = 200 ] && [ "$(field len)" -gt 0 ]
	etag=$(field etag)
	lm=$(field last_modified)
	[ "$etag" = '"v1"' ]
	[ "$lm" = "Sun, 06 Nov 1994 08:49:37 GMT" ]
	[ "$(field content_type)" = application/atom+xml ]
	probe --url "$BASE/etag" --allow-private --inm "$etag"
	[ "$(field code)" = ok ] && [ "$(field status)" = 304 ]
	[ "$(field len)" = 0 ] && [ "$(field etag)" = '"v1"' ]
	[ "$(jq -rs '.[1].inm' "$SRV_LOG")" = '"v1"' ]
	probe --url "$BASE/etag" --allow-private --ims "$lm"
	[ "$(field status)" = 304 ]
	[ "$(jq -rs '.[2].ims' "$SRV_LOG")" = "$lm" ]
	probe --url "$BASE/etag" --allow-private --inm '"v0"'
	[ "$(field status)" = 200 ]
}

@test "fetch: 429 is retried after Retry-After (seconds), then 200" {
	probe --url "$BASE/429?n=1&id=a" --allow-private --retries 2 \
	    --timeout-ms 3000
	[ "$(field code)" = ok ] && [ "$(field status)" = 200 ]
	[ "$(requests "/429?n=1&id=a")" = 2 ]
	[ "$(field elapsed_ms)" -ge 950 ] && [ "$(field elapsed_ms)" -lt 3000 ]
	jq -s 'map(.t) | .[1] - .[0] >= 0.95' "$SRV_LOG" | grep -q true
}

@test "fetch: 429 with Retry-After as an HTTP date is retried" {
	probe --url "$BASE/429?n=1&id=d&date=1" --allow-private --retries 1 \
	    --timeout-ms 3000
	[ "$(field status)" = 200 ]
	[ "$(requests "/429?n=1&id=d&date=1")" = 2 ]
}

@test "fetch: 503 without Retry-After backs off 1 s and is retried" {
	probe --url "$BASE/503?n=1&id=b" --allow-private --retries 1 \
	    --timeout-ms 3000
	[ "$(field status)" = 200 ]
	[ "$(field elapsed_ms)" -ge 950 ]
}

@test "fetch: 429 after the last retry is the caller's to judge" {
	probe --url "$BASE/429?n=9&id=c" --allow-private --retries 1 \
	    --timeout-ms 3000
	[ "$(field code)" = ok ] && [ "$(field status)" = 429 ]
	[ "$(field retry_after)" = 1 ]
	[ "$(requests "/429?n=9&id=c")" = 2 ]
	probe --url "$BASE/429?n=9&id=e" --allow-private --timeout-ms 3000
	[ "$(field status)" = 429 ] && [ "$(requests "/429?n=9&id=e")" = 1 ]
}

@test "fetch: retries stop at timeout_ms * (retries + 1) overall" {
	# 500 ms * 4 = 2 s: a try, 1 s, a try, then 1 s more would pass it
	probe --url "$BASE/429?n=9&id=f" --allow-private --retries 3 \
	    --timeout-ms 500
	[ "$(field status)" = 429 ]
	[ "$(requests "/429?n=9&id=f")" = 2 ]
	[ "$(field elapsed_ms)" -lt 2000 ]
}

@test "fetch: a bad page is an answer, not an error" {
	probe --url "$BASE/badutf8" --allow-private
	[ "$(field status)" = 200 ] && [ "$(field len)" = 11 ]
	probe --url "$BASE/errorpage" --allow-private
	[ "$(field status)" = 200 ] && [ "$(field content_type)" = text/html ]
}

@test "fetch: a header value with a line break, a bad rate key are invalid" {
	probe --url "$BASE/ok" --allow-private --inm $'"v1"\r\nX-Evil: 1'
	expect_error invalid_params "Invalid parameters provided"
	probe --url "$BASE/ok" --allow-private --rate-dir "$T/rate" \
	    --rate-key "../etc"
	expect_error invalid_params "Invalid parameters provided"
	[ "$(requests /ok)" = 0 ]
}

@test "fetch: politeness: 3 processes x 2 requests, 300 ms apart, shared" {
	local i t0 t1 pids=()
	t0=$(date +%s%N)
	for i in 1 2 3; do
		(
			for j in 1 2; do
				timeout 20 "$PROBE" --url "$BASE/ok?p=$i&r=$j" \
				    --allow-private --rate-dir "$T/rate" \
				    --rate-key test-svc --interval 300 \
				    >>"$T/out.$i" || exit 1
			done
		) 3>&- &
		pids+=($!)
	done
	wait "${pids[@]}"
	t1=$(date +%s%N)
	[ "$(jq -s length "$SRV_LOG")" = 6 ]
	[ "$(cat "$T"/out.* | jq -s 'map(select(.status == 200)) | length')" = 6 ]
	# consecutive requests at least ~300 ms apart (20 ms jitter)
	jq -s 'map(.t) | sort | [range(1; length) as $i | .[$i] - .[$i-1]]' \
	    "$SRV_LOG" >&2
	jq -se 'map(.t) | sort | [range(1; length) as $i | .[$i] - .[$i-1]]
	    | all(. >= 0.28)' "$SRV_LOG" >/dev/null ||
	    fail "two requests closer than 300 ms"
	[ $(((t1 - t0) / 1000000)) -ge 1500 ] ||
	    fail "six requests took $(((t1 - t0) / 1000000)) ms"
	[ "$(stat -c %a "$T/rate")" = 700 ]
}

@test "fetch: politeness: each retry takes a new slot" {
	# two processes; one's 429 is retried after 1 s, within its own slot
	probe --url "$BASE/429?n=1&id=g" --allow-private --retries 1 \
	    --rate-dir "$T/rate" --rate-key svc --interval 1500 --timeout-ms 3000
	[ "$(field status)" = 200 ]
	# the retry waited for the next slot (1.5 s), not only Retry-After
	jq -se 'map(.t) | .[1] - .[0] >= 1.45' "$SRV_LOG" >/dev/null ||
	    fail "the retry did not wait for its slot"
}
