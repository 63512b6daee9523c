# http_helpers.bash: starting pake-http under the real systemd-socket-activate
# for a test, and stopping it (loaded by http.bats and stores.bats after
# helpers.bash).  A test calls http_setup in setup() and stop_servers in
# teardown().

SSA=/usr/bin/systemd-socket-activate

# http_setup: the tools a server test needs, and an empty server list.
http_setup() {
	local t
	for t in curl jq socat python3 "$SSA"; do
		command -v "$t" >/dev/null || { fail "$t is not installed"; return 1; }
	done
	: >"$T/servers"
	NSERV=0
}

# free_port: a TCP port of 127.0.0.1 nobody listens on (the kernel's pick).
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# serve MODE [VAR=VALUE...]: start pake-http behind systemd-socket-activate
# on a free port of 127.0.0.1 (MODE: yes, inetd or no, see the top).  The
# test's PAKE_* variables go to pake-http, then the VAR=VALUE given, which
# win.  Sets PORT, URL, LOG (stderr: the activator's lines and pake-http's
# log) and OUT (stdout).  Returns once the port is listening (under
# Accept=no, pake-http itself starts at the first connection).
serve() {
	local mode=$1 v try i pid
	shift
	local args=() own=" "
	case $mode in
	yes) args=(--accept) ;;
	inetd) args=(--accept --inetd) ;;
	no) ;;
	*) fail "serve: bad mode '$mode'"; return 1 ;;
	esac
	for v in "$@"; do own+="${v%%=*} "; done
	for v in $(compgen -e | grep -E '^(PAKE_|ASAN_|UBSAN_|LSAN_)') TZ LC_ALL HOME; do
		[ "$v" = PAKE_BUILD ] && continue
		[[ "$own" == *" $v "* ]] && continue
		args+=(-E "$v")
	done
	for v in "$@"; do args+=(-E "$v"); done
	for try in 1 2 3 4 5; do
		NSERV=$((NSERV + 1))
		LOG=$T/http-$NSERV.log
		OUT=$T/http-$NSERV.out
		PORT=$(free_port)
		URL=http://127.0.0.1:$PORT
		setsid "$SSA" -l "127.0.0.1:$PORT" "${args[@]}" \
		    "$PAKE_BUILD/bin/pake-http" </dev/null >"$OUT" 2>"$LOG" 3>&- &
		pid=$!
		echo "$pid" >>"$T/servers"
		for i in $(seq 100); do
			grep -q '^Listening on' "$LOG" 2>/dev/null && return 0
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.05
		done
	done
	fail "serve $mode: systemd-socket-activate did not listen: $(cat "$LOG")"
}

# gone PID: the process is no more (or a zombie waiting to be reaped).
gone() {
	local st
	st=$(ps -o stat= -p "$1" 2>/dev/null) || return 0
	[ -z "$st" ] || [[ "$st" == Z* ]]
}

# stop_servers: end every server this test started (each is its own
# process group, with its Accept=yes children): SIGTERM, then SIGKILL what
# is left after 3 s.  Then fail on any sanitizer report in their logs.
stop_servers() {
	local pid i f
	[ -s "$T/servers" ] || return 0
	while read -r pid; do
		kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
	done <"$T/servers"
	for i in $(seq 30); do
		local left=0
		while read -r pid; do gone "$pid" || left=1; done <"$T/servers"
		[ "$left" = 0 ] && break
		sleep 0.1
	done
	# Only what is left: a pid that is gone may be another process's by
	# now (a suite running beside this one), and -pid its whole group.
	while read -r pid; do
		gone "$pid" || kill -KILL -- "-$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done <"$T/servers"
	: >"$T/servers"
	for f in "$T"/http-*.log; do
		[ -f "$f" ] || continue
		if grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$f"; then
			fail "sanitizer report in $f: $(grep -A20 -E 'Sanitizer|runtime error' "$f" | head -40)"
			return 1
		fi
	done
}

# ---------------------------------------------------------------------
# Requests (http.bats, versions.bats)

# hreq CURL-ARGS...: one request with curl; sets STATUS and BODY, and the
# headers go to $T/hdr for hdr().
hreq() {
	rm -f "$T/body" "$T/hdr"	# curl writes no file for an empty body
	STATUS=$(curl -sS --max-time 60 -D "$T/hdr" -o "$T/body" -w '%{http_code}' "$@") ||
	    { fail "curl $*: failed (status '$STATUS')"; return 1; }
	BODY=$(cat "$T/body" 2>/dev/null || true)
}

# hdr NAME: the value of header NAME of the last hreq (case-insensitive),
# one line per occurrence.
hdr() {
	tr -d '\r' <"$T/hdr" | awk -v k="$(printf '%s' "$1" | tr 'A-Z' 'a-z'): " \
	    'index(tolower($0), k) == 1 { print substr($0, length(k) + 1) }'
}

# expect STATUS: the last hreq answered STATUS.
expect() {
	[ "$STATUS" = "$1" ] || { fail "status $STATUS, want $1: $BODY"; return 1; }
}

# envelope CODE: the last answer is the error envelope with CODE and a
# request_id equal to its X-Request-ID, nothing else.
envelope() {
	local rid
	rid=$(hdr X-Request-ID)
	[ -n "$rid" ] || { fail "no X-Request-ID on a $STATUS"; return 1; }
	[[ "$(hdr Content-Type)" == application/json* ]] ||
	    { fail "Content-Type '$(hdr Content-Type)' on an error"; return 1; }
	printf '%s' "$BODY" | json_check --arg c "$1" --arg r "$rid" '
	    (keys == ["error", "request_id"]) and .request_id == $r and
	    .error.code == $c and
	    (.error.message | type == "string" and length > 0) and
	    ((.error | keys) - ["code", "message", "detail", "retry_after"]) == []'
}

# auth TOKEN: the curl arguments of a bearer token.
auth() { printf -- '-HAuthorization: Bearer %s' "$1"; }

# mkuser TENANT ROLE NAME: add a user with password $PW (the test file's).
mkuser() {
	printf '%s\n' "$PW" |
	    pake-tenant user add --tenant "$1" --role "$2" "$3" >/dev/null
}

# mktoken TENANT USER: print a new API token of USER.
mktoken() { pake-tenant token create --tenant "$1" --user "$2" 2>/dev/null; }


# post_note TOKEN JSON: create a note over HTTP, print its pake_id.
post_note() {
	hreq "$(auth "$1")" -H 'Content-Type: application/json' -d "$2" "$URL/notes" &&
	    expect 201 && printf '%s' "$BODY" | jq -r .pake_id
}
