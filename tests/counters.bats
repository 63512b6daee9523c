#!/usr/bin/env bats
# counters.bats: the shared counters file (lib/counters.c) survives SIGKILL.
#
# Several `test_counters stress` processes update one file (HTTP series,
# rate limits, daily quotas, flushes) and are killed with SIGKILL at random
# moments, round after round; after each round `test_counters verify`
# checks that every series has sane labels, that no count shrank since the
# last round, and that a fresh token, the hammered tokens and a fresh
# tenant still get exactly their limits.

bats_require_minimum_version 1.5.0
load helpers

setup() {
	T="$BATS_TEST_TMPDIR/t"
	mkdir -p "$T"
	BIN="$PAKE_BUILD/test/test_counters"
	[ -x "$BIN" ] || fail "no test_counters in $PAKE_BUILD/test (run make)"
}

# rnd_sleep MAX_MS: sleep a random 1..MAX_MS milliseconds.
rnd_sleep() {
	local ms=$(( RANDOM % $1 + 1 ))
	sleep "$(printf '0.%03d' "$ms")"
}

@test "counters: stress processes killed with SIGKILL leave a sound file" {
	local f="$T/pake.db-counters" round p pids kills=0
	for round in $(seq 1 25); do
		pids=()
		for p in 1 2 3 4; do
			"$BIN" stress "$f" 60 &
			pids+=("$!")
		done
		# Each one dies at its own random moment.
		for p in "${pids[@]}"; do
			rnd_sleep 150
			kill -9 "$p" 2>/dev/null && kills=$((kills + 1))
		done
		for p in "${pids[@]}"; do
			wait "$p" 2>/dev/null || true
		done
		run "$BIN" verify "$f" "$T/snapshot"
		[ "$status" -eq 0 ] || fail "round $round: $output"
		[[ "${lines[-1]}" =~ ^[1-9][0-9]*\ passed,\ 0\ failed$ ]] ||
		    fail "round $round: $output"
	done
	[ "$kills" -ge 90 ] || fail "only $kills processes were killed"
	[ "$(stat -c %s "$f")" -eq 34500608 ] || fail "size changed"
	! ls "$T" | grep -q '\.new\.' || fail "temporary files left"
}

@test "counters: stress ending normally, and many at once" {
	local f="$T/pake.db-counters" p pids=()
	for p in 1 2 3 4 5 6; do
		"$BIN" stress "$f" 1 &
		pids+=("$!")
	done
	for p in "${pids[@]}"; do
		wait "$p" || fail "stress exited $?"
	done
	run "$BIN" verify "$f"
	[ "$status" -eq 0 ] || fail "$output"
}

@test "counters: a file of another layout is replaced" {
	local f="$T/pake.db-counters"
	head -c 8192 /dev/urandom >"$f"
	run "$BIN" verify "$f"
	[ "$status" -eq 0 ] || fail "$output"
	[ "$(stat -c %s "$f")" -eq 34500608 ] || fail "not replaced"
	[ "$(stat -c %a "$f")" = 600 ] || fail "mode $(stat -c %a "$f")"
	# A file of the right size but a foreign magic, opened by many at once.
	rm -f "$f"
	head -c 4096 /dev/urandom >"$f"
	truncate -s 34500608 "$f"
	local ino p pids=()
	ino=$(stat -c %i "$f")
	for p in 1 2 3 4 5 6 7 8; do
		"$BIN" stress "$f" 0 >"$T/out.$p" 2>&1 &
		pids+=("$!")
	done
	for p in "${pids[@]}"; do
		wait "$p" || fail "a stress failed: $(cat "$T"/out.*)"
	done
	[ "$(stat -c %i "$f")" != "$ino" ] || fail "not replaced"
	run "$BIN" verify "$f"
	[ "$status" -eq 0 ] || fail "$output"
	! ls "$T" | grep -q '\.new\.' || fail "temporary files left"
}
