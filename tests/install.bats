#!/usr/bin/env bats
# install.bats: make install into a staging root, and the installed
# pake-http started as its unit starts it (the unit's environment, a
# StateDirectory) under the real systemd-socket-activate.

bats_require_minimum_version 1.5.0
load helpers
load http_helpers

setup() {
	pake_setup
	http_setup
	command -v make >/dev/null || skip "no make"
}

teardown() {
	stop_servers
}

# install_to ROOT: make install of the tools in $PAKE_BUILD.
install_to() {
	make -s -C "$REPO_DIR" install BUILD="$PAKE_BUILD" DESTDIR="$1" \
	    PREFIX=/usr >"$T/install.log" 2>&1 || fail "make install: $(cat "$T/install.log")"
}

@test "make install: tools, man pages, units and a commented configuration it never overwrites" {
	local r=$T/root
	install_to "$r"
	for f in usr/bin/pake usr/bin/pake-http usr/bin/pake-mcp usr/bin/pake-db \
	    usr/share/man/man1/pake.1 usr/share/man/man5/pake.conf.5 \
	    usr/lib/systemd/system/pake-httpd.service etc/pake/pake.conf; do
		[ -f "$r/$f" ] || fail "$f not installed"
	done
	# Every setting of the default file is a comment.
	! grep -vE '^(#|$|\[[a-z_]+\]$)' "$r/etc/pake/pake.conf" || fail "a setting is not commented"
	# The units name the installed programs and that file.
	grep -qx 'ExecStart=/usr/bin/pake-http' "$r/usr/lib/systemd/system/pake-httpd.service"
	grep -qx 'Environment=PAKE_CONFIG=/etc/pake/pake.conf' "$r/usr/lib/systemd/system/pake-httpd.service"
	# An administrator's file is kept by the next install.
	printf 'log_level = warn\n' >>"$r/etc/pake/pake.conf"
	cp "$r/etc/pake/pake.conf" "$T/mine"
	install_to "$r"
	cmp "$T/mine" "$r/etc/pake/pake.conf"
}

# unit_env ROOT UNIT: the unit's Environment= lines, its config file moved
# into ROOT.
unit_env() {
	sed -n 's/^Environment=//p' "$1/usr/lib/systemd/system/$2" | sed "s|=/etc/|=$1/etc/|"
}

@test "the installed pake-http answers at once with the unit's environment and its StateDirectory" {
	local r=$T/root env port pid i u
	install_to "$r"
	mkdir -p "$T/state"
	# Every serving unit waits for pake-init.service, which makes the
	# database with pake-db init.
	for u in pake-httpd.service pake-http@.service pake-mcp@.service; do
		grep -qx 'Requires=pake-init.service' "$r/usr/lib/systemd/system/$u" ||
		    fail "$u does not require pake-init.service"
	done
	grep -qx 'ExecStart=/usr/bin/pake-db init' "$r/usr/lib/systemd/system/pake-init.service"
	grep -qx 'StateDirectory=pake' "$r/usr/lib/systemd/system/pake-init.service"

	# Without it, pake-http refuses to serve and makes nothing.
	env=$(unit_env "$r" pake-httpd.service)
	run env -u PAKE_DB -u PAKE_VAULT $env STATE_DIRECTORY="$T/state" HOME="$T/home" \
	    "$r/usr/bin/pake-http" --listen "127.0.0.1:$(free_port)"
	assert_equal "$status" 66
	[[ "$output" == *"No database at $T/state/pake.db; pake-db init makes one"* ]] ||
	    fail "$output"
	[ -z "$(ls -A "$T/state")" ] || fail "made: $(ls -A "$T/state")"

	# pake-init.service as systemd runs it.
	env=$(unit_env "$r" pake-init.service)
	run env -u PAKE_DB -u PAKE_VAULT $env STATE_DIRECTORY="$T/state" HOME="$T/home" \
	    "$r/usr/bin/pake-db" init
	assert_success
	assert_output "$T/state/pake.db"

	env=$(unit_env "$r" pake-httpd.service)
	port=$(free_port)
	(unset PAKE_DB PAKE_VAULT PAKE_CONFIG
	 export $env STATE_DIRECTORY="$T/state" HOME="$T/home"
	 exec setsid "$SSA" -l "127.0.0.1:$port" -E PAKE_CONFIG -E STATE_DIRECTORY \
	    -E HOME "$r/usr/bin/pake-http") </dev/null >"$T/out" 2>"$T/log" 3>&- &
	pid=$!
	echo "$pid" >>"$T/servers"
	for i in $(seq 100); do grep -q '^Listening on' "$T/log" && break; sleep 0.05; done
	run curl -s -o "$T/health" -w '%{http_code}' "http://127.0.0.1:$port/health"
	assert_output 200
	jq -e '.status == "ok"' "$T/health" >/dev/null || fail "$(cat "$T/health")"
	# It serves the installation in the state folder.
	[ -f "$T/state/pake.db-counters" ] || fail "not the StateDirectory's database: $(ls -la "$T/state")"
}

@test "make run's script serves the API, the dashboard and /docs on a fresh database, and says where" {
	local port pid i
	port=$(free_port)
	rm -f "$PAKE_DB"
	PAKE_HTTP_LISTEN=127.0.0.1:$port sh "$REPO_DIR/scripts/run.sh" "$PAKE_BUILD" \
	    >"$T/run.out" 2>"$T/run.err" </dev/null &
	pid=$!
	echo "$pid" >>"$T/servers"
	for i in $(seq 100); do
		curl -sf "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
		sleep 0.05
	done
	hreq "http://127.0.0.1:$port/health"
	expect 200
	hreq "http://127.0.0.1:$port/dashboard"
	expect 200
	[ -n "$(hdr Content-Security-Policy)" ] || fail "no CSP on /dashboard"
	hreq "http://127.0.0.1:$port/docs"
	expect 200
	[ -f "$PAKE_DB" ] || fail "no database made"
	grep -q "http://127.0.0.1:$port/dashboard" "$T/run.out" || fail "$(cat "$T/run.out")"
	grep -q "pake-tenant user add --role admin admin" "$T/run.out" || fail "$(cat "$T/run.out")"
	kill -TERM "$pid"
	wait "$pid" || fail "run.sh exited $? on SIGTERM"
}
