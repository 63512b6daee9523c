#!/bin/sh
# http.sh: pake-http's throughput and latency against nginx, with wrk (the
# "http" part of `make bench`).
#
#   sh bench/http.sh BUILD_DIR
#
# On a fresh database it makes a tenant "bench" (enterprise plan, limits
# lifted by raise_limits in bench/lib.sh), a user
# with the role user and an API token of that user, and one note whose
# GET /notes/{id} JSON answer is about BENCH_HTTP_BODY bytes (default 500;
# the real size, measured with curl, is printed).  nginx, started by us
# with a private configuration on a free 127.0.0.1 port, serves a static
# file holding exactly that answer (same bytes, same Content-Type
# application/json): the ceiling, measured in the same run.  Then
#
#   wrk -t2 -c32 -d${BENCH_HTTP_SECS}s --latency -H 'Authorization: Bearer ...'
#
# measures, each for BENCH_HTTP_SECS (default 10) seconds:
#
#   a. keep-alive GET /notes/{id}, pake-http in Accept=no (one process
#      given the listening socket by systemd-socket-activate, its pool of
#      threads serving every connection);
#   b. keep-alive GET /notes/{id}, pake-http in Accept=yes
#      (systemd-socket-activate --accept: a process per connection);
#   c. new connections a second: the same with -H 'Connection: close',
#      each request a new connection and a new pake-http process;
#   d. nginx with keep-alive, and nginx with Connection: close.
#
# It prints requests/s, p50 and p99 of each, and pake's ratio to nginx:
# a and b against nginx keep-alive, c against nginx with Connection: close,
# beside the goals (Accept=no at least 50 % of nginx; at least 500 new
# connections/s).  A run with any answer that is not 2xx (wrk's "Non-2xx or
# 3xx responses", which counts statuses >= 400) is FAILED, with the status
# and error code a request gets right after it (429 rate_limited is the
# plan's per-token rate limit: see raise_limits).
#
# pake-http runs with PAKE_LOG_LEVEL=warn (no access log lines) and nginx
# with access_log off.  Knobs: BENCH_HTTP_SECS (10), BENCH_HTTP_THREADS (2),
# BENCH_HTTP_CONNS (32), BENCH_HTTP_BODY (500).  The summary lines go to
# the file BENCH_SUMMARY when set (bench/run.sh), else to the end of the
# output; the work folder is BENCH_TMP when set, else a temporary folder
# removed at exit.  Needs wrk, nginx, curl, jq, python3 and
# systemd-socket-activate (bench/deps.sh installs them).  Exit status 0,
# 1 when a run failed.
#
# shellcheck disable=SC2154 # KEY_* are set by measure() through eval
set -eu

[ $# -eq 1 ] || { echo "usage: sh bench/http.sh BUILD_DIR" >&2; exit 64; }
B=$(cd "$1" && pwd)
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/bench/lib.sh"
SECS=${BENCH_HTTP_SECS:-10}
THREADS=${BENCH_HTTP_THREADS:-2}
CONNS=${BENCH_HTTP_CONNS:-32}
BODY=${BENCH_HTTP_BODY:-500}

bench_tmp http
SUMMARY=${BENCH_SUMMARY:-$T/summary}
[ -n "${BENCH_SUMMARY:-}" ] || : >"$SUMMARY"
status=0

export PAKE_CONFIG=/dev/null PAKE_LOG_LEVEL=warn PAKE_LOG_FORMAT=text
export PAKE_DB="$T/db/pake.db" PAKE_VAULT="$T/vault" PAKE_TENANTS_DIR="$T/tenants"
unset PAKE_TENANT PAKE_TOKEN
mkdir -p "$T/db"
"$B/bin/pake-db" init >/dev/null

for t in wrk nginx curl jq python3 /usr/bin/systemd-socket-activate; do
	command -v "$t" >/dev/null 2>&1 ||
	    { echo "http: $t is not installed (sh bench/deps.sh)" >&2; exit 69; }
done

echo "== http: GET /notes/{id}, wrk -t$THREADS -c$CONNS ${SECS}s, pake-http and nginx"
echo "wrk: $(wrk -v 2>&1 | head -n 1 | cut -d' ' -f 1-2); nginx: $(nginx -v 2>&1 | sed 's/.*: //'); cpus: $(getconf _NPROCESSORS_ONLN 2>/dev/null || echo '?')"

TOK=$(bench_tenant bench)
AUTH="Authorization: Bearer $TOK"
LIMIT=$(limit_of bench)
echo "tenant bench: enterprise plan, $(limit_text "$LIMIT") requests a minute per token"

# status URL [curl args]: "STATUS BYTES CONTENT-TYPE" of one GET, the body
# in $T/got.
status_of() {
	_u=$1
	shift
	curl -sS --max-time 10 -o "$T/got" -w '%{http_code} %{size_download} %{content_type}' \
	    -H "$AUTH" "$@" "$_u"
}

# why URL: the status and error code a request gets now.
why() {
	_s=$(status_of "$1" | cut -d' ' -f 1)
	_c=$(jq -r '.error.code // empty' "$T/got" 2>/dev/null || :)
	echo "$_s${_c:+ $_c}"
}

# The note: its body padded so that the JSON answer is about $BODY bytes.
ID=$(printf 'x' | "$B/bin/pake-note" --tenant bench add --title "Bench note")
serve no "$T/http-no.log"
URL_NO=$URL
read -r st size ctype <<EOF
$(status_of "$URL_NO/notes/$ID")
EOF
[ "$st" = 200 ] || { echo "http: GET /notes/$ID: status $st: $(cat "$T/got")" >&2; exit 1; }
pad=$((BODY - size + 1))
[ "$pad" -ge 1 ] || pad=1
awk -v n="$pad" 'BEGIN { s = "";
	while (length(s) < n) s = s "The quick brown fox jumps over the lazy dog. ";
	printf "%s", substr(s, 1, n) }' >"$T/content"
"$B/bin/pake-note" --tenant bench edit "$ID" --file "$T/content" >/dev/null
read -r st size ctype <<EOF
$(status_of "$URL_NO/notes/$ID")
EOF
[ "$st" = 200 ] || { echo "http: GET /notes/$ID: status $st" >&2; exit 1; }
mkdir -p "$T/www"
cp "$T/got" "$T/www/note.json"
echo "note $ID: GET /notes/{id} answers 200, $size bytes of $ctype"

nginx_start "$T/www"
read -r nst nsize nctype <<EOF
$(status_of "$NGINX_URL/note.json")
EOF
if ! cmp -s "$T/got" "$T/www/note.json" || [ "$nst" != 200 ]; then
	echo "http: nginx answered $nst, $nsize bytes" >&2
	exit 1
fi
echo "nginx: GET /note.json answers 200, $nsize bytes of $nctype"

# measure KEY TITLE URL [wrk args]: one wrk run; prints its figures and
# sets KEY_rps, KEY_p50, KEY_p99, KEY_ok (1, or 0 when the run failed) and
# the rest that line() prints.
measure() {
	_k=$1 _title=$2 _url=$3 _why=""
	shift 3
	echo
	echo "-- $_title"
	wrk -t"$THREADS" -c"$CONNS" -d"${SECS}s" --latency -H "$AUTH" "$@" \
	    "$_url" >"$T/wrk-$_k.out" 2>&1 || :
	wrk_parse "$T/wrk-$_k.out"
	sed -n '/Latency Distribution/,/^Transfer/p' "$T/wrk-$_k.out"
	_ok=1
	if [ -z "$W_RPS" ] || [ -z "$W_REQS" ] || [ "$W_REQS" -eq 0 ]; then
		echo "FAILED: wrk measured nothing:"
		cat "$T/wrk-$_k.out"
		_ok=0
	elif [ "$W_NON2XX" -gt 0 ]; then
		_why=$(why "$_url")
		echo "FAILED: $W_NON2XX of $W_REQS answers were not 2xx; a request now gets: $_why"
		_ok=0
	fi
	[ "$W_SOCKERR" -eq 0 ] || echo "socket errors: $W_SOCKDETAIL"
	eval "${_k}_rps=\$W_RPS ${_k}_p50=\$W_P50 ${_k}_p99=\$W_P99 ${_k}_ok=\$_ok"
	eval "${_k}_non2xx=\$W_NON2XX ${_k}_reqs=\$W_REQS ${_k}_sock=\$W_SOCKERR"
	eval "${_k}_why=\$_why"
	[ "$_ok" -eq 1 ] || status=1
}

# line KEY [BASE WHAT GOAL]: "N req/s, p50 X ms, p99 Y ms" of a run and,
# with BASE, its ratio to run BASE (WHAT names it) and the goal's verdict;
# FAILED first when the run failed, and then no ratio.
line() {
	eval "_r=\$${1}_rps _a=\$${1}_p50 _b=\$${1}_p99 _o=\$${1}_ok _n=\$${1}_non2xx _q=\$${1}_reqs _s=\$${1}_sock _w=\$${1}_why"
	[ "$_o" -eq 1 ] || printf 'FAILED, %s of %s answers not 2xx%s; ' \
	    "$(commas "$_n")" "$(commas "$_q")" "${_w:+ ($_w)}"
	printf '%s req/s, p50 %s ms, p99 %s ms' "$(commas "$_r")" "$(ms "$_a")" "$(ms "$_b")"
	[ "$_s" -eq 0 ] || printf ', %s socket errors' "$_s"
	[ $# -gt 1 ] || return 0
	eval "_o2=\$${2}_ok _r2=\$${2}_rps"
	if [ "$_o" -eq 1 ] && [ "$_o2" -eq 1 ]; then
		printf '; %sx of %s (%s)' "$(ratio "$_r" "$_r2")" "$3" "$(pct "$_r" "$_r2")"
	else
		printf '; ratio to %s n/a' "$3"
	fi
	[ $# -lt 4 ] || printf '; goal %s: %s' "$4" "$5"
}

# goal KEY CONDITION: "met" or "NOT met" for awk CONDITION on x (the rps)
# and n (nginx keep-alive's), "n/a" when the run failed.
goal() {
	eval "_o=\$${1}_ok _x=\$${1}_rps"
	if [ "$_o" -ne 1 ] || [ "${nka_ok:-0}" -ne 1 ]; then
		echo "n/a"
	elif awk -v x="$_x" -v n="$nka_rps" "BEGIN { exit !($2) }"; then
		echo "met"
	else
		echo "NOT met"
	fi
}

measure nka "d. nginx keep-alive: GET /note.json" "$NGINX_URL/note.json"
measure a "a. pake-http Accept=no keep-alive: GET /notes/{id}" "$URL_NO/notes/$ID"
serve yes "$T/http-yes.log"
URL_YES=$URL
st=$(status_of "$URL_YES/notes/$ID" | cut -d' ' -f 1)
[ "$st" = 200 ] || echo "http: Accept=yes: GET /notes/$ID: status $st" >&2
measure b "b. pake-http Accept=yes keep-alive: GET /notes/{id}" "$URL_YES/notes/$ID"
spawned0=$(grep -c '^Spawned' "$T/http-yes.log" || :)
measure c "c. pake-http Accept=yes, Connection: close (a connection and a process per request)" \
    "$URL_YES/notes/$ID" -H 'Connection: close'
spawned=$(($(grep -c '^Spawned' "$T/http-yes.log" || :) - spawned0))
echo "pake-http processes started by the activator during c: $(commas "$spawned")"
measure ncl "d. nginx, Connection: close: GET /note.json" "$NGINX_URL/note.json" \
    -H 'Connection: close'

goal_a=$(goal a 'x >= 0.5 * n')
goal_c=$(goal c 'x >= 500')
{
	echo "http GET /notes/{id}, $size B of JSON, wrk -t$THREADS -c$CONNS ${SECS}s (tenant limit $(limit_text "$LIMIT") requests/min per token):"
	echo "  nginx keep-alive (ceiling):            $(line nka)"
	echo "  nginx Connection: close:               $(line ncl)"
	echo "  a. pake-http Accept=no keep-alive:     $(line a nka 'nginx keep-alive' '>= 50 % of nginx' "$goal_a")"
	echo "  b. pake-http Accept=yes keep-alive:    $(line b nka 'nginx keep-alive')"
	echo "  c. pake-http Accept=yes new conn/s:    $(line c ncl 'nginx Connection: close' '>= 500 new connections/s' "$goal_c")"
} >>"$SUMMARY"

servers_stop
if [ -z "${BENCH_SUMMARY:-}" ]; then
	echo
	echo "== summary"
	cat "$SUMMARY"
fi
exit "$status"
