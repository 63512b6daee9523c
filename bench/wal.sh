#!/bin/sh
# wal.sh: how large the write-ahead logs grow under a mixed HTTP load (the
# "wal" part of `make bench`).
#
#   sh bench/wal.sh BUILD_DIR
#
# On a fresh database it makes a tenant "bench" (enterprise plan, limits
# lifted by raise_limits in bench/lib.sh) with a user
# and an API token, and imports BENCH_WAL_NOTES notes (default 1000, corpus
# seed 3) into it.  pake-http serves it in Accept=no (systemd-socket-
# activate given the listening socket, as tests/http.bats does), and
#
#   wrk -t2 -c${BENCH_WAL_CONNS} -d${BENCH_WAL_SECS}s -s bench/wal.lua
#
# sends BENCH_WAL_SECS (default 60) seconds of mixed load from
# BENCH_WAL_CONNS (default 16) concurrent clients: authenticated
# GET /notes/{id} and POST /search, with some POST /notes and
# PATCH /notes/{id} (weights BENCH_WAL_MIX, default "70 20 5 5"; see
# bench/wal.lua).  Meanwhile a sampler records every 100 ms the size of
# every *-wal file under the database's folder: the database's
# pake.db-wal, and any other, such as tenant stores in pake.db-stores/*.db-wal
# (it looks three levels down).  It prints the largest WAL seen (bytes and
# MB, and which file), the largest sum of all of them at one sample, the
# WAL files at the end, the request rate, p50 and p99, and the errors
# (answers not 2xx, by kind, and socket errors); `pake-db check` must find
# the database clean after.
#
# Knobs: BENCH_WAL_SECS (60), BENCH_WAL_CONNS (16), BENCH_WAL_NOTES (1000),
# BENCH_WAL_MIX ("70 20 5 5": GET, search, create, patch).  BENCH_SUMMARY,
# BENCH_TMP: as in bench/http.sh.  Needs wrk, curl, jq, python3 and
# systemd-socket-activate (bench/deps.sh installs them).  Exit status 0,
# 1 when requests failed or the check did not pass.
#
# shellcheck disable=SC2086 # $MIX is a list of words
set -eu

[ $# -eq 1 ] || { echo "usage: sh bench/wal.sh BUILD_DIR" >&2; exit 64; }
B=$(cd "$1" && pwd)
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/bench/lib.sh"
SECS=${BENCH_WAL_SECS:-60}
CONNS=${BENCH_WAL_CONNS:-16}
NOTES=${BENCH_WAL_NOTES:-1000}
MIX=${BENCH_WAL_MIX:-70 20 5 5}

bench_tmp wal
SUMMARY=${BENCH_SUMMARY:-$T/summary}
[ -n "${BENCH_SUMMARY:-}" ] || : >"$SUMMARY"
status=0

export PAKE_CONFIG=/dev/null PAKE_LOG_LEVEL=warn PAKE_LOG_FORMAT=text
DBDIR=$T/db
export PAKE_DB="$DBDIR/pake.db" PAKE_VAULT="$T/vault" PAKE_TENANTS_DIR="$T/tenants"
unset PAKE_TENANT PAKE_TOKEN
mkdir -p "$DBDIR"
"$B/bin/pake-db" init >/dev/null

for t in wrk curl jq python3 /usr/bin/systemd-socket-activate; do
	command -v "$t" >/dev/null 2>&1 ||
	    { echo "wal: $t is not installed (sh bench/deps.sh)" >&2; exit 69; }
done
[ -x "$B/bench/corpus" ] || { echo "wal: no $B/bench/corpus (bench/run.sh builds it)" >&2; exit 69; }

echo "== wal: ${SECS}s of mixed load (GET, search, create, patch: $MIX) from $CONNS clients, pake-http Accept=no"
TOK=$(bench_tenant bench)
LIMIT=$(limit_of bench)
echo "tenant bench: enterprise plan, $(limit_text "$LIMIT") requests a minute per token"
"$B/bench/corpus" --seed 3 --count "$NOTES" "$T/corpus" 2>/dev/null
"$B/bench/corpus" --seed 3 --count "$NOTES" --format tsv - >"$T/ids" 2>/dev/null
"$B/bench/corpus" --queries 500 --seed 4 >"$T/queries" 2>/dev/null
PAKE_TENANT=bench "$B/bin/pake-vault" import "$T/corpus" </dev/null >"$T/import.log" 2>&1 ||
    { echo "wal: import failed: $(cat "$T/import.log")" >&2; exit 1; }
left=$(find "$DBDIR" -maxdepth 3 -name '*-wal' -printf '%P %s B, ')
echo "imported $(commas "$NOTES") notes; WAL files now: ${left:-none}"

serve no "$T/http.log"
st=$(curl -sS -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOK" \
    "$URL/notes/$(head -n 1 "$T/ids" | cut -f 1)")
[ "$st" = 200 ] || { echo "wal: GET /notes/{id}: status $st" >&2; exit 1; }

# The sampler: every 100 ms, one line "SECONDS SIZE PATH" per WAL file, and
# "SECONDS - -" when there is none; it stops when $T/stop appears, or when
# this script is gone.
rm -f "$T/stop"
(
	while [ ! -e "$T/stop" ] && kill -0 $$ 2>/dev/null; do
		t=$(now)
		find "$DBDIR" -maxdepth 3 -name '*-wal' -printf "$t %s %P\n" 2>/dev/null |
		    grep . || echo "$t - -"
		sleep 0.1
	done
) >"$T/samples" &
sampler=$!

t0=$(now)
wrk -t2 -c"$CONNS" -d"${SECS}s" --latency -s "$ROOT/bench/wal.lua" "$URL" \
    -- "$T/ids" "$T/queries" "$TOK" $MIX >"$T/wrk.out" 2>&1 || :
touch "$T/stop"
wait "$sampler" || :
servers_stop

wrk_parse "$T/wrk.out"
sed -n '/Latency Distribution/,/^Transfer/p' "$T/wrk.out"
mix=$(sed -n 's/^wal.lua: //p' "$T/wrk.out")
echo "requests: $mix"
[ "$W_SOCKERR" -eq 0 ] || echo "socket errors: $W_SOCKDETAIL"

# The samples: the largest file, the largest sum at one time, how many.
stats=$(awk -v t0="$t0" '
	$2 == "-" { if (!($1 in seen)) { seen[$1] = 1; n++ } next }
	{
		if (!($1 in seen)) { seen[$1] = 1; n++ }
		sum[$1] += $2
		if ($2 > max) { max = $2; file = $3; at = $1 - t0 }
		files[$3] = 1
	}
	END {
		for (s in sum) if (sum[s] > smax) smax = sum[s]
		nf = 0; for (f in files) nf++
		printf "samples=%d max=%d file=%s at=%.1f sum_max=%d files=%d\n",
		    n, max, file == "" ? "-" : file, at, smax, nf
	}' "$T/samples")
echo "WAL samples: $(val "$stats" samples) in ${SECS} s, $(val "$stats" files) WAL file(s) seen"
echo "largest WAL: $(commas "$(val "$stats" max)") bytes ($(mb "$(val "$stats" max)") MB), $(val "$stats" file), at $(val "$stats" at) s"
echo "largest sum of WALs at one sample: $(commas "$(val "$stats" sum_max)") bytes ($(mb "$(val "$stats" sum_max)") MB)"
# The largest WAL in each tenth of the run.
echo "largest WAL in each tenth of the run (MB): $(awk -v t0="$t0" -v d="$SECS" '
	$2 != "-" { i = int(10 * ($1 - t0) / d); if (i > 9) i = 9;
		if (i >= 0 && $2 > m[i]) m[i] = $2 }
	END { for (i = 0; i < 10; i++) printf "%s%.1f", i ? " " : "", m[i] / 1048576 }' "$T/samples")"
left=$(find "$DBDIR" -maxdepth 3 -name '*-wal' -printf '%P %s B, ')
echo "WAL files after pake-http stopped: ${left:-none}"

check=clean
"$B/bin/pake-db" check >"$T/check.out" 2>&1 || check="NOT CLEAN"
echo "pake-db check: $check"
[ "$check" = clean ] || { head -n 20 "$T/check.out"; status=1; }

errors=$((W_NON2XX + W_SOCKERR))
ok="ok"
if [ -z "$W_RPS" ] || [ "${W_REQS:-0}" -eq 0 ]; then
	echo "FAILED: wrk measured nothing:"
	cat "$T/wrk.out"
	ok="FAILED (no requests)"
	status=1
elif [ "$errors" -gt 0 ]; then
	ok="FAILED ($(commas "$W_NON2XX") answers not 2xx, first $(val "$mix" first_error); $W_SOCKERR socket errors)"
	status=1
fi
echo "wal under load (Accept=no, ${SECS} s, $CONNS clients, GET/search/create/patch $(echo "$MIX" | tr ' ' /), tenant limit $(limit_text "$LIMIT")/min): largest WAL $(commas "$(val "$stats" max)") B ($(mb "$(val "$stats" max)") MB, $(val "$stats" file)), largest sum $(mb "$(val "$stats" sum_max)") MB; $(commas "$W_RPS") req/s, p50 $(ms "$W_P50") ms, p99 $(ms "$W_P99") ms, $(commas "$W_REQS") requests, errors $(commas "$errors") (not 2xx: get $(val "$mix" errors_get), search $(val "$mix" errors_search), create $(val "$mix" errors_create), patch $(val "$mix" errors_patch); socket $W_SOCKERR): $ok; db check $check" >>"$SUMMARY"

if [ -z "${BENCH_SUMMARY:-}" ]; then
	echo
	echo "== summary"
	cat "$SUMMARY"
fi
exit "$status"
