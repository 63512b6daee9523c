# lib.sh: helpers shared by the benchmark scripts (bench/run.sh, http.sh,
# wal.sh); sourced with `.`, not run.  POSIX sh.
#
# Formatting: now, val, commas, label, ms, mb, ratio, pct.
# Work folder: bench_tmp NAME sets T to $BENCH_TMP (a folder the caller
#   owns and removes) or to a new folder under ${TMPDIR:-/tmp}, removed at
#   exit; every server started with serve/nginx_start is stopped at exit.
# Servers: free_port, serve MODE, nginx_start, servers_stop.
# Tenants: bench_tenant NAME, raise_limits NAME.
# wrk: wrk_run, wrk_parse.
#
# The caller sets B (the build folder: bin/ and bench/) and ROOT (the
# repository) first.
#
# shellcheck shell=sh disable=SC2034 # variables set here are the caller's

# now: wall clock seconds with nanoseconds (GNU date), else whole seconds.
now() {
	t=$(date +%s.%N)
	case $t in
	*N) date +%s ;;
	*) echo "$t" ;;
	esac
}

# val LINE KEY: the value of KEY=... in a key=value line.
val() {
	printf '%s\n' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"
}

# commas N: an integer with thousands separators.
commas() {
	printf '%s\n' "$1" | awk '{ n = sprintf("%.0f", $1); s = "";
		while (length(n) > 3) { s = "," substr(n, length(n) - 2) s;
			n = substr(n, 1, length(n) - 3) } print n s }'
}

# label N: 10000 -> 10k.
label() {
	awk -v n="$1" 'BEGIN { if (n % 1000 == 0) print n / 1000 "k";
		else print n }'
}

# ms X: a latency in milliseconds, 2 significant digits at least.
ms() {
	awk -v x="$1" 'BEGIN { if (x == "") print "?"; else if (x < 10)
		printf "%.2f", x; else printf "%.1f", x }'
}

# mb BYTES: megabytes (2^20), one decimal.
mb() {
	awk -v x="$1" 'BEGIN { printf "%.1f", x / 1048576 }'
}

# ratio A B: A / B with two decimals, "n/a" when either is missing or B 0.
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b + 0 == 0)
		print "n/a"; else printf "%.2f", a / b }'
}

# pct A B: A / B in percent, no decimals, "n/a" as ratio.
pct() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b + 0 == 0)
		print "n/a"; else printf "%.0f %%", 100 * a / b }'
}

# bench_tmp NAME: the work folder T (see the top) and the exit traps.
bench_tmp() {
	if [ -n "${BENCH_TMP:-}" ]; then
		T=$BENCH_TMP
		mkdir -p "$T"
		trap 'servers_stop' EXIT
	else
		T=$(mktemp -d "${TMPDIR:-/tmp}/pake-bench-$1.XXXXXX")
		trap 'servers_stop; rm -rf "$T"' EXIT
	fi
	trap 'exit 130' INT
	trap 'exit 143' TERM
	: >"$T/servers"
}

# free_port: a TCP port of 127.0.0.1 nobody listens on (the kernel's pick).
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# serve MODE LOG: start pake-http behind systemd-socket-activate on a free
# port of 127.0.0.1, as tests/http.bats does.  MODE no: Accept=no, one
# pake-http given the listening socket, started at the first connection;
# MODE yes: Accept=yes (--accept), a pake-http per connection.  The PAKE_*
# variables of the environment go to pake-http (the activator passes only
# what -E names).  Each server is its own process group (setsid), stopped
# by servers_stop.  Sets PORT and URL; LOG gets the activator's lines and
# pake-http's log.  Returns once the port listens.
serve() {
	_mode=$1 _log=$2
	set --
	[ "$_mode" = yes ] && set -- --accept
	for _v in $(env | sed -n 's/^\(PAKE_[A-Z_]*\)=.*/\1/p'); do
		set -- "$@" -E "$_v"
	done
	for _try in 1 2 3 4 5; do
		PORT=$(free_port)
		URL=http://127.0.0.1:$PORT
		setsid /usr/bin/systemd-socket-activate -l "127.0.0.1:$PORT" \
		    "$@" "$B/bin/pake-http" </dev/null >/dev/null 2>"$_log" &
		_pid=$!
		echo "$_pid" >>"$T/servers"
		_i=0
		while [ $_i -lt 100 ]; do
			grep -q '^Listening on' "$_log" 2>/dev/null && return 0
			kill -0 "$_pid" 2>/dev/null || break
			sleep 0.05
			_i=$((_i + 1))
		done
	done
	echo "serve $_mode: systemd-socket-activate did not listen: $(cat "$_log")" >&2
	return 1
}

# nginx_start ROOTDIR: our own nginx master (daemon off, a private
# configuration and pid file under $T/nginx, never the system's service)
# serving ROOTDIR on a free port of 127.0.0.1, worker_processes auto (one
# a core, as pake-http's threads), no access log, keep-alive connections
# unlimited in requests (nginx closes one after 1000 by default).  .json
# files are application/json, .html, .js and .css what browsers expect
# (the dashboard's reference).  No gzip.  Sets NGINX_URL.
nginx_start() {
	mkdir -p "$T/nginx"
	_port=$(free_port)
	NGINX_URL=http://127.0.0.1:$_port
	{
		# Workers of a master run by root would be nobody, who cannot
		# read a folder of mktemp -d.
		[ "$(id -u)" -eq 0 ] && echo "user root;"
		cat <<EOF
daemon off;
master_process on;
worker_processes auto;
pid $T/nginx/nginx.pid;
error_log $T/nginx/error.log warn;
events { worker_connections 1024; }
http {
	types { application/json json; text/html html; text/javascript js; text/css css; }
	default_type application/octet-stream;
	access_log off;
	sendfile on;
	tcp_nopush on;
	keepalive_timeout 65;
	keepalive_requests 100000000;
	client_body_temp_path $T/nginx/body;
	proxy_temp_path $T/nginx/proxy;
	fastcgi_temp_path $T/nginx/fastcgi;
	uwsgi_temp_path $T/nginx/uwsgi;
	scgi_temp_path $T/nginx/scgi;
	server {
		listen 127.0.0.1:$_port;
		root $1;
	}
}
EOF
	} >"$T/nginx/nginx.conf"
	setsid nginx -e "$T/nginx/error.log" -p "$T/nginx" -c "$T/nginx/nginx.conf" \
	    </dev/null >/dev/null 2>"$T/nginx/stderr" &
	_pid=$!
	echo "$_pid" >>"$T/servers"
	_i=0
	while [ $_i -lt 100 ]; do
		curl -s -o /dev/null --max-time 1 "$NGINX_URL/" && return 0
		kill -0 "$_pid" 2>/dev/null || break
		sleep 0.05
		_i=$((_i + 1))
	done
	echo "nginx did not start: $(cat "$T/nginx/stderr" "$T/nginx/error.log")" >&2
	return 1
}

# gone PID: the process is no more (or a zombie).
gone() {
	_st=$(ps -o stat= -p "$1" 2>/dev/null) || return 0
	case $_st in
	''|Z*) return 0 ;;
	esac
	return 1
}

# servers_stop: end every server started by serve or nginx_start (each its
# own process group, with its Accept=yes children): SIGTERM, then SIGKILL
# what is left after 3 s.
servers_stop() {
	[ -s "${T:-/nonexistent}/servers" ] || return 0
	while read -r _pid; do
		kill -TERM -- "-$_pid" 2>/dev/null || kill -TERM "$_pid" 2>/dev/null
	done <"$T/servers"
	_i=0
	while [ $_i -lt 30 ]; do
		_left=0
		while read -r _pid; do gone "$_pid" || _left=1; done <"$T/servers"
		[ $_left = 0 ] && break
		sleep 0.1
		_i=$((_i + 1))
	done
	while read -r _pid; do
		kill -KILL -- "-$_pid" 2>/dev/null || :
		wait "$_pid" 2>/dev/null || :
	done <"$T/servers"
	: >"$T/servers"
}

# raise_limits TENANT: lift TENANT's rate limits (requests a minute per
# token, API calls a day) so that they do not cap a benchmark: pake-tenant
# tenant limits ... unlimited.  The per-minute check is then skipped; the
# daily count, the metrics and everything else on the path still run.
raise_limits() {
	"$B/bin/pake-tenant" tenant limits "$1" --per-minute unlimited \
	    --calls-per-day unlimited >/dev/null
}

# bench_tenant NAME: create tenant NAME on the enterprise plan, raise its
# limits (raise_limits), add a user "bench" with the role user, and print a
# new API token of that user.  PAKE_DB and friends name the database.
bench_tenant() {
	"$B/bin/pake-tenant" tenant create --plan enterprise "$1" >/dev/null
	raise_limits "$1"
	printf '%s\n' 'Load-Test-Passw0rd-42' |
	    "$B/bin/pake-tenant" user add --tenant "$1" --role user bench >/dev/null
	"$B/bin/pake-tenant" token create --tenant "$1" --user bench \
	    --label bench 2>/dev/null
}

# limit_of TENANT: the requests a minute TENANT's tokens may make now.
limit_of() {
	"$B/bin/pake-tenant" tenant show --json "$1" |
	    jq -r '.limits.requests_per_minute // "unlimited"'
}

# limit_text LIMIT: a limit for the summary (commas, or "unlimited").
limit_text() {
	case $1 in
	*[!0-9]*|'') echo "$1" ;;
	*) commas "$1" ;;
	esac
}

# wrk_parse FILE: read wrk's --latency output; sets W_RPS (requests/s),
# W_P50 and W_P99 (ms), W_REQS (requests), W_NON2XX (answers >= 400),
# W_SOCKERR (connect+read+write+timeout errors) and W_SOCKDETAIL.
wrk_parse() {
	W_RPS=$(sed -n 's/^Requests\/sec: *//p' "$1")
	W_REQS=$(sed -n 's/^ *\([0-9][0-9]*\) requests in .*/\1/p' "$1")
	W_P50=$(awk '$1 == "50%" { print $2 }' "$1" | wrk_ms)
	W_P99=$(awk '$1 == "99%" { print $2 }' "$1" | wrk_ms)
	W_NON2XX=$(sed -n 's/^ *Non-2xx or 3xx responses: *//p' "$1")
	W_NON2XX=${W_NON2XX:-0}
	W_SOCKDETAIL=$(sed -n 's/^ *Socket errors: *//p' "$1")
	W_SOCKERR=$(printf '%s\n' "$W_SOCKDETAIL" | tr -c '0-9\n' ' ' |
	    awk '{ for (i = 1; i <= NF; i++) n += $i } END { print n + 0 }')
}

# wrk_ms: wrk's latency (12.5us, 3.4ms, 1.2s, 2m) on stdin, in ms.
wrk_ms() {
	awk '{ v = $1 + 0; u = $1; sub(/^[0-9.]+/, "", u);
		if (u == "us") v /= 1000; else if (u == "s") v *= 1000;
		else if (u == "m") v *= 60000; print v }'
}
